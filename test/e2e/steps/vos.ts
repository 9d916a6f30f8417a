import assert from 'node:assert/strict';
import { seedVosDemo } from '../../../src/demo/vos.js';
import type { E2eContext } from '../context.js';

// 고객의 소리 (voice of customer board), signed in as the administrator: the
// website posts through a token scoped to vos:write; the officer sees the risk
// badge and the masked phone number, answers one post, hides one with a
// reason and converts the risky one into a complaint case.
export async function vosSteps(e: E2eContext): Promise<void> {
  const { page, url, api, step, shot } = e;
  const ids: Record<string, string> = {};

  await step('vos: the website posts with a token scoped to vos:write (masked, flagged, idempotent)', async () => {
    await seedVosDemo((m, p, b) => api(m, p, b)); // two months of board traffic for the topic panel
    const { token } = await api('POST', '/api/tokens', { name: '홈페이지 고객의 소리 연동', scopes: ['vos:write'] });
    const send = (body: Record<string, unknown>) => api('POST', '/api/vos/posts', body, token);
    const risky = await send({
      externalId: 'e2e-vos-risky', channel: 'homepage', kind: 'complaint', title: '결제 오류 해결이 안 됩니다', customerId: 'CUST-77001', product: '플래티넘 카드',
      body: '결제가 안 돼서 네 번째 글을 씁니다. 이번 주까지 해결 안 되면 금감원에 민원 넣겠습니다. 연락처는 010-3456-7890 입니다.',
    });
    assert.ok(risky.categories.includes('external_authority'), 'the threat is flagged like a call');
    assert.ok(risky.body.includes('[전화번호]') && !risky.body.includes('3456-7890'), 'the phone number is masked before storage');
    const again = await send({ externalId: 'e2e-vos-risky', channel: 'app', kind: 'praise', title: 'x', body: 'y' });
    assert.equal(again.id, risky.id, 'the same external id answers with the stored post');
    ids.risky = risky.id;
    ids.question = (await send({ externalId: 'e2e-vos-question', channel: 'app', kind: 'question', title: '포인트 적립 문의', body: '지난달 포인트가 적립이 안 됐어요. 확인 부탁드립니다.' })).id;
    ids.spam = (await send({ externalId: 'e2e-vos-spam', channel: 'homepage', kind: 'complaint', title: '급전 대출', body: '무직자 당일 대출 상담 환영, 카톡 문의' })).id;
    const refused = await fetch(`${url}/api/vos/posts`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(refused.status, 403, 'the website token cannot read the board');
  });

  await step('vos: the board shows the risk badge and the masked number; screenshot 26-vos', async () => {
    await page.goto(`${url}/vos`);
    await page.locator('[data-testid=vos-list]').waitFor();
    const row = page.locator('[data-testid=vos-row][data-external-id=e2e-vos-risky]');
    await row.locator('[data-testid=vos-risk-badge]').waitFor();
    assert.ok((await row.innerText()).includes('대외기관'), 'the category badge names the risk');
    await row.click();
    const detail = page.locator(`[data-testid=vos-detail][data-post-id="${ids.risky}"]`);
    await detail.waitFor();
    const body = await detail.locator('[data-testid=vos-detail-body]').innerText();
    assert.ok(body.includes('[전화번호]') && !body.includes('3456-7890'));
    assert.ok((await detail.locator('mark.hit-sev5').count()) >= 1, 'the threat is highlighted in the text');
    await page.locator('[data-testid=vos-topic-chart] canvas').waitFor();
    await shot(page, '26-vos', true);
  });

  await step('vos: answer a question (review first), hide a post only with a reason', async () => {
    await page.goto(`${url}/vos/${ids.question}`);
    const detail = page.locator('[data-testid=vos-detail]');
    await detail.waitFor();
    await page.click('[data-testid=vos-start-review]');
    await page.locator('[data-testid=vos-answer-text]').waitFor();
    await page.fill('[data-testid=vos-answer-text]', '불편을 드려 죄송합니다. 누락된 포인트 3,200점을 오늘 적립해 드렸습니다.');
    await page.click('[data-testid=vos-answer-submit]');
    await detail.locator('[data-testid=vos-answer]').waitFor();
    assert.equal((await detail.locator('[data-testid=vos-status]').innerText()).trim(), '답변 완료');
    assert.equal((await api('GET', `/api/vos/posts/${ids.question}`)).post.status, 'answered');

    await page.goto(`${url}/vos/${ids.spam}`);
    await page.locator(`[data-testid=vos-detail][data-post-id="${ids.spam}"]`).waitFor();
    await page.click('[data-testid=vos-hide]');
    await page.click('[data-testid=vos-hide-submit]');
    assert.ok((await page.locator('[data-testid=vos-hide-error]').innerText()).includes('사유'), 'a reason is required, worded in Korean');
    await page.fill('[data-testid=vos-hide-reason]', '광고성 게시물');
    await page.click('[data-testid=vos-hide-submit]');
    await page.locator('[data-testid=vos-hidden-reason]').waitFor();
    assert.equal((await api('GET', `/api/vos/posts/${ids.spam}`)).post.hiddenReason, '광고성 게시물');
  });

  await step('vos: convert the risky post into a complaint case; the case shows the link; screenshot 26-vos-detail', async () => {
    await page.goto(`${url}/vos/${ids.risky}`);
    await page.locator(`[data-testid=vos-detail][data-post-id="${ids.risky}"]`).waitFor();
    await page.click('[data-testid=vos-to-case]');
    await page.click('[data-testid=vos-to-case-submit]');
    const link = page.locator('[data-testid=vos-case-link]');
    await link.waitFor();
    assert.match(await link.innerText(), /VOM-\d{6}/);
    await shot(page, '26-vos-detail');
    const post = (await api('GET', `/api/vos/posts/${ids.risky}`)).post;
    const kase = await api('GET', `/api/cases/${post.caseId}`);
    assert.equal(kase.case.category, 'external_authority');
    assert.ok(kase.history.some((h: any) => h.type === 'linked' && h.details.kind === 'vos_post' && h.details.targetId === ids.risky), 'the case history names the post');
    await link.locator('a').click();
    await page.locator('[data-testid=history]').waitFor();
    assert.ok((await page.locator('[data-testid=history]').innerText()).includes(`고객의 소리 ${post.ref}`), 'the case history names the post by its number');
  });
}
