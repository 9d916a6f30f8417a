import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedStatisticsDemo } from '../../../src/demo/statistics.js';
import type { E2eContext } from '../context.js';

// 민원 통계 end to end: the demo figures go in through the HTTP API, the screen
// shows the seed report's own numbers (325 complaints, 2.72 per 100,000, −4 %
// against last year, first among the peers), a file with one bad row is
// refused with that row's error on screen and nothing stored, the workbook
// downloads, and the customer base is edited from the screen.

const BAD_FILE = fileURLToPath(new URL('../../fixtures/statistics/complaints-one-bad-row.csv', import.meta.url));

export async function statisticsSteps(e: E2eContext): Promise<void> {
  const { page, url, api, step, shot } = e;
  let period = '';

  await step('statistics: demo figures seeded through the API; the screen shows 325, 2.72 and −4% and ranks the company first', async () => {
    ({ period } = await seedStatisticsDemo(api, { companyName: '민원카드' }));
    const s = await api('GET', `/api/statistics/summary?period=${period}`);
    assert.equal(s.complaints.count, 325);
    assert.equal(s.converted.value, 2.72);

    await page.goto(`${url}/statistics`);
    await page.locator('[data-testid=st-kpis]').waitFor();
    assert.equal(await page.locator('.nav-item:has-text("민원 통계")').count(), 1, 'the screen is in the navigation');
    assert.equal((await page.locator('[data-testid=st-period]').innerText()).trim(), `${period.slice(0, 4)}년 3분기 누적`);
    const text = async (id: string) => (await page.locator(`[data-testid=${id}]`).innerText()).trim();
    assert.equal(await text('st-kpi-count-value'), '325');
    assert.equal(await text('st-kpi-converted-value'), '2.72');
    assert.equal(await text('st-kpi-count-change'), '▼ −4%');
    assert.equal(await text('st-kpi-converted-change'), '▼ −4%');
    await page.locator('[data-testid=st-peers-table]').waitFor();
    assert.equal(await text('st-self-rank-complaints'), '1 / 7');
    assert.equal(await text('st-self-rank-converted'), '1 / 7');
    const peers = await text('st-peers-table');
    for (const want of ['현대카드', '+31%', '롯데카드', '+17%', '우리카드', '0%', '민원카드']) assert.ok(peers.includes(want), `peer table shows ${want}`);
    for (const chart of ['st-trend-chart', 'st-breakdown-chart', 'st-peers-chart', 'st-monitoring-chart']) await page.locator(`[data-testid=${chart}] canvas`).waitFor();
    const avg = Number((await text('st-monitoring-avg')).replace(/,/g, ''));
    assert.ok(avg >= 450 && avg <= 550, `about 500 monitored cases a month (${avg})`);
    await page.waitForTimeout(400);
    await shot(page, '20-statistics', true);
  });

  await step('statistics: a file with one bad row is refused with the row\'s error on screen, nothing stored', async () => {
    await page.click('[data-testid=st-import]');
    await page.locator('[data-testid=st-import-file]').setInputFiles(BAD_FILE);
    await page.click('[data-testid=st-import-run]');
    const errors = page.locator('[data-testid=st-import-errors]');
    await errors.waitFor();
    const shown = await errors.innerText();
    assert.ok(shown.includes('오류 1건'), shown);
    assert.ok(/\b3\b/.test(shown) && shown.includes('channel') && shown.includes('unknown_value') && shown.includes('텔레그램'), shown);
    await shot(page, '21-statistics-import');
    const s = await api('GET', `/api/statistics/summary?period=${period}`);
    assert.equal(s.complaints.count, 325, 'the good rows of a refused file are not stored either');
    await page.keyboard.press('Escape');
  });

  await step('statistics: Excel workbook downloads; the customer base is edited from the screen', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=st-export]')]);
    assert.ok(download.suggestedFilename().endsWith('.xlsx'), download.suggestedFilename());
    await download.saveAs(path.join(e.outDir, 'statistics.xlsx'));

    await page.fill('[data-testid=st-base-period]', '2026-10');
    await page.fill('[data-testid=st-base-customers]', '11,955,000');
    await page.click('[data-testid=st-base-save]');
    await page.locator('[data-testid=st-base-table] tr:has-text("2026-10")').waitFor();
    assert.ok((await page.locator('[data-testid=st-base-table]').innerText()).includes('11,955,000'));
    const base = await api('GET', '/api/statistics/customer-base');
    assert.equal(base.items.find((b: { period: string }) => b.period === '2026-10').customers, 11_955_000);
  });

  await step('statistics: a VOM case is classified on its page (external, 금융감독원) and counts that way', async () => {
    const kase = (await api('POST', '/api/cases', { title: '통계 분류 확인용 민원', severity: 3, category: 'external_authority' }));
    await page.goto(`${e.url}/cases/${kase.id}`);
    await page.locator('[data-testid=classification]').waitFor();
    assert.ok((await page.locator('[data-testid=classification]').innerText()).includes('아직 분류하지 않았습니다'));
    await page.click('[data-testid=classify-case]');
    await page.selectOption('[data-testid=class-channel]', 'web');
    await page.selectOption('[data-testid=class-scope]', 'external');
    await page.click('[data-testid=classification-save]');
    await page.locator('[data-testid=classification-form] .form-error').waitFor();
    await page.selectOption('[data-testid=class-externalBody]', 'fss');
    await page.click('[data-testid=classification-save]');
    const shown = page.locator('dl[data-testid=classification]');
    await shown.waitFor();
    const text = await shown.innerText();
    assert.ok(text.includes('홈페이지') && text.includes('대외') && text.includes('금융감독원'), text);
    const stored = await api('GET', `/api/statistics/cases/${kase.id}/classification`);
    assert.deepEqual([stored.channel, stored.scope, stored.externalBody], ['web', 'external', 'fss']);
    await shot(page, '20b-case-classification');
  });
}
