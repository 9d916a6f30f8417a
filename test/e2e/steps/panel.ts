import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { seedPanelDemo } from '../../../src/demo/panel.js';
import type { E2eContext } from '../context.js';

// 고객 패널, signed in as the administrator: members imported through the API
// (a CSV with Korean headers); a stand-in e-mail/SMS gateway subscribed to
// panel.invitation by webhook; a campaign created and opened on the screen;
// two invitations answered through the public endpoint with plain fetch (no
// sign-in), one threatening 금감원; the campaign shows the response rate and
// the risk badge; the overview shows the campaign's progress.

const CSV_HEADER = '고객번호,이름,연령대,등급,지역,보유상품,거래기간,연락채널,연락처,동의일시,동의목적,동의서버전';

function e2eMembers(): string {
  const grades = ['골드', '골드', '골드', '골드', '실버', '실버', '실버', 'VIP', 'VIP', '일반', '일반', '일반'];
  const rows = grades.map((g, i) => {
    const n = String(i).padStart(2, '0');
    const sms = i % 2 === 1;
    return `E2E-PNL-${n},테스트${n},${i % 3 === 0 ? '30대' : '40대'},${g},세종,신용카드,${i},${sms ? 'sms' : 'email'},${sms ? `010-0000-90${n}` : `e2e${n}@example.com`},2026-03-02 10:00,설문 참여,v2.1`;
  });
  return [CSV_HEADER, ...rows].join('\r\n');
}

export async function panelSteps(e: E2eContext): Promise<void> {
  const { page, url, api, step, shot } = e;
  const received: { data: any }[] = [];
  const gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { try { received.push(JSON.parse(body)); } catch { /* not ours */ } res.writeHead(200).end('ok'); });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  let subscriptionId: string | null = null;
  let campaignId = '';
  try {
    await step('panel: members imported through the API (CSV, Korean headers; a bad row refuses the file), demo panel seeded', async () => {
      await seedPanelDemo((m, p, b) => api(m, p, b));
      const csv = e2eMembers();
      const refused = await api('POST', '/api/panel/members/import', { filename: 'panel.csv', dataBase64: Buffer.from(csv.replace('e2e00@example.com', 'not-an-address')).toString('base64') })
        .then(() => null, (err: Error) => err.message);
      assert.ok(refused && refused.includes('→ 400') && refused.includes('invalid_email') && !refused.includes('not-an-address'), 'a bad contact refuses the file without echoing it');
      assert.equal((await api('GET', '/api/panel/members?region=%EC%84%B8%EC%A2%85')).total, 0, 'nothing stored');
      const r = await api('POST', '/api/panel/members/import', { filename: 'panel.csv', dataBase64: Buffer.from(csv).toString('base64') });
      assert.equal(r.received, 12);
      const list = await api('GET', '/api/panel/members?region=%EC%84%B8%EC%A2%85&limit=50');
      assert.equal(list.total, 12);
      assert.ok(list.items.every((m: any) => !/테스트/.test(m.label) && !/e2e\d\d@/.test(m.contactMasked ?? '')), 'names and contacts never come back');
      const port = (gateway.address() as { port: number }).port;
      const sub = await api('POST', '/api/subscriptions', { name: '설문 발송 게이트웨이 (e2e)', kind: 'webhook', target: `http://127.0.0.1:${port}/panel`, eventTypes: ['panel.invitation'] });
      subscriptionId = sub.subscription.id;
    });

    await step('panel: create a campaign on the screen (segment filter, live sample preview) and open it', async () => {
      await page.goto(`${url}/panel`);
      await page.locator('[data-testid=pn-kpis]').waitFor();
      await page.click('[data-testid=pn-new-campaign-head]');
      await page.fill('[data-testid=pn-campaign-title]', '세종 지역 결제 알림 설문 (e2e)');
      await page.fill('[data-testid=pn-campaign-purpose]', '결제 알림 개편 전 의견 수렴');
      await page.click('[data-testid=pn-filter-region]:has-text("세종")');
      await page.fill('[data-testid=pn-campaign-size]', '10');
      await page.locator('[data-testid=pn-preview]:has-text("10명")').waitFor();
      assert.ok((await page.locator('[data-testid=pn-preview]').innerText()).includes('대상 12명'), 'the preview counts the 12 members in 세종');
      await shot(page, '27-panel-new-campaign');
      await page.click('[data-testid=pn-campaign-save]');
      await page.locator('[data-testid=panel-campaign]').waitFor();
      campaignId = new URL(page.url()).pathname.split('/').pop()!;
      await page.click('[data-testid=pn-open]');
      await page.locator('[data-testid=pn-status]:has-text("진행 중")').waitFor();
      assert.equal((await page.locator('[data-testid=pn-invited]').innerText()).trim(), '10');
    });

    await step('panel: the gateway gets one panel.invitation per member; two answers through the public endpoint (one threatens 금감원)', async () => {
      const mine = () => received.filter((x) => x.data?.campaign?.id === campaignId);
      for (let i = 0; i < 60 && mine().length < 10; i++) await new Promise((r) => setTimeout(r, 250));
      assert.equal(mine().length, 10, 'ten invitations delivered');
      const [a, b] = mine().map((x) => x.data);
      assert.ok(/^[A-Za-z0-9_-]{32}$/.test(a.token) && a.to && a.channel);
      // Plain fetch, no sign-in: the token is the credential.
      const view = (await (await fetch(`${url}/api/panel/respond/${a.token}`)).json()) as any;
      assert.equal(view.campaign.title, '세종 지역 결제 알림 설문 (e2e)');
      const answer = (token: string, body: unknown) => fetch(`${url}/api/panel/respond/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await answer(a.token, { scores: { nps: 1, csat: 1 }, comment: '알림이 하루 늦게 와서 연체될 뻔했습니다. 또 이러면 금감원에 민원 넣겠습니다. 010-1111-2222' })).status, 201);
      assert.equal((await answer(b.token, { scores: { nps: 9, csat: 5 }, comment: '알림이 빨라서 좋아요' })).status, 201);
      const again = await answer(a.token, { scores: { nps: 5, csat: 3 } });
      assert.equal(again.status, 409);
      assert.equal(((await again.json()) as any).error.code, 'already_answered');
      assert.equal((await fetch(`${url}/api/panel/respond/${'x'.repeat(32)}`)).status, 404);
    });

    await step('panel: the campaign shows the response rate and the risk badge; screenshots 27-panel-campaign and 27-panel', async () => {
      await page.goto(`${url}/panel/${campaignId}`);
      await page.locator('[data-testid=pn-rate]:has-text("20.0%")').waitFor();
      assert.equal((await page.locator('[data-testid=pn-responded]').innerText()).trim(), '2');
      const risky = page.locator('[data-testid=pn-answer]:has([data-testid=pn-risk-badge])');
      await risky.waitFor();
      const text = await risky.innerText();
      assert.ok(text.includes('금감원') && !text.includes('1111-2222'), 'the threat is shown with the phone number redacted');
      assert.ok(text.includes('대외기관'), 'the category names the risk');
      await page.locator('[data-testid=pn-rate-chart] canvas').waitFor();
      await page.locator('[data-testid=pn-ix-nps]').waitFor();
      await shot(page, '27-panel-campaign', true);
      const download = page.waitForEvent('download');
      await page.click('[data-testid=pn-export]');
      assert.match((await download).suggestedFilename(), /\.xlsx$/);

      await page.goto(`${url}/panel`);
      await page.locator('[data-testid=pn-mix-chart] canvas').waitFor();
      await page.locator('[data-testid=pn-campaign-row]:has-text("세종 지역")').waitFor();
      assert.ok((await page.locator('[data-testid=pn-campaign-row]:has-text("세종 지역")').innerText()).includes('2 / 10'));
      await shot(page, '27-panel', true);
    });
  } finally {
    if (subscriptionId) await api('DELETE', `/api/subscriptions/${subscriptionId}`).catch(() => undefined);
    await new Promise<void>((r) => gateway.close(() => r()));
  }
}
