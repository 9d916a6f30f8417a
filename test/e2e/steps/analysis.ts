import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedAnalysisDemo } from '../../../src/demo/analysis.js';
import type { E2eContext } from '../context.js';

// 통합 분석 end to end: the demo datasets go in through the API; complaints
// about prepaid cards (a product the demo data never uses) are seeded as
// statistics records; a consultations file goes through the screen's import
// wizard — first with one bad row (its error shown, nothing stored), then
// clean — and the screen shows complaints per 1,000 consultations computed
// from exactly what was seeded: 3 × 1,000 ÷ 8 = 375.00.

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/analysis/${name}`, import.meta.url));
const SEEDED = [
  { externalId: 'E2E-R1', receivedOn: '2026-07-12', channel: 'phone', product: 'prepaid', type: 'fees', customerId: 'E2E-CUST-1' },
  { externalId: 'E2E-R2', receivedOn: '2026-08-05', channel: 'app', product: 'prepaid', type: 'system', customerId: 'E2E-CUST-2' },
  { externalId: 'E2E-R3', receivedOn: '2026-09-07', channel: 'phone', product: 'prepaid', type: 'service', customerId: 'E2E-CUST-4' },
];

export async function analysisSteps(e: E2eContext): Promise<void> {
  const { page, url, api, step, shot } = e;
  const text = async (id: string) => (await page.locator(`[data-testid=${id}]`).innerText()).trim();

  await step('analysis: demo datasets and prepaid-card complaints seeded through the API', async () => {
    await seedAnalysisDemo(api);
    for (const r of SEEDED) await api('POST', '/api/statistics/records', { ...r, sourceSystem: 'e2e-analysis' });
    const stored = await api('GET', '/api/statistics/records?product=prepaid&from=2026-07-01&to=2026-10-01');
    assert.equal(stored.total, 3, 'only the seeded complaints are about prepaid cards in Q3');
  });

  await step('analysis: the wizard suggests the mapping, shows the bad row\'s error and stores nothing', async () => {
    await page.goto(`${url}/analysis`);
    await page.locator('[data-testid=an-kind-consultations-rows]').waitFor();
    assert.equal(await page.locator('.nav-item:has-text("통합 분석")').count(), 1, 'the screen is in the navigation');
    await page.click('[data-testid=an-import]');
    await page.selectOption('[data-testid=an-wiz-kind]', 'consultations');
    await page.fill('[data-testid=an-wiz-dataset]', '선불카드 상담 (e2e)');
    await page.locator('[data-testid=an-wiz-file]').setInputFiles(fixture('e2e-consultations-one-bad-row.csv'));
    await page.click('[data-testid=an-wiz-next]');
    await page.locator('[data-testid=an-wiz-mapping]').waitFor();
    const mapped = await page.$$eval('[data-testid=an-wiz-mapping] select', (els) => els.map((el) => (el as unknown as { value: string }).value));
    assert.deepEqual(mapped, ['id', 'occurredAt', 'customerId', 'product', 'channel', 'reason', 'durationSec'], 'suggested from the Korean headers');
    await shot(page, '28-analysis-import-mapping');
    await page.click('[data-testid=an-wiz-validate]');
    const errors = page.locator('[data-testid=an-wiz-errors]');
    await errors.waitFor();
    const shown = await errors.innerText();
    assert.ok(shown.includes('오류 1건') && /\b4\b/.test(shown) && shown.includes('product') && shown.includes('unknown_value') && shown.includes('텔레그램카드'), shown);
    await shot(page, '28-analysis-import-errors');
    const ds = await api('GET', '/api/analysis/datasets?kind=consultations');
    assert.ok(!ds.items.some((d: { name: string }) => d.name === '선불카드 상담 (e2e)'), 'a refused file creates no dataset');
  });

  await step('analysis: the clean file validates and imports with progress through the wizard', async () => {
    await page.click('[data-testid=an-wiz-back]');
    await page.click('[data-testid=an-wiz-back]');
    await page.locator('[data-testid=an-wiz-file]').setInputFiles(fixture('e2e-consultations.csv'));
    await page.click('[data-testid=an-wiz-next]');
    await page.click('[data-testid=an-wiz-validate]');
    await page.locator('[data-testid=an-wiz-valid]').waitFor();
    assert.ok((await text('an-wiz-valid')).includes('8'), 'eight valid rows');
    await page.click('[data-testid=an-wiz-import]');
    await page.locator('[data-testid=an-wiz-done]').waitFor();
    const done = await text('an-wiz-done');
    assert.ok(done.includes('가져오기 완료') && done.includes('8 추가'), done);
    await shot(page, '28-analysis-import-done');
    await page.keyboard.press('Escape');
  });

  await step('analysis: per 1,000 consultations from what was seeded — 3 × 1,000 ÷ 8 = 375.00', async () => {
    await page.fill('[data-testid=an-from]', '2026-07-01');
    await page.fill('[data-testid=an-to]', '2026-09-30');
    await page.selectOption('[data-testid=an-product]', 'prepaid');
    await page.click('[data-testid=an-tab-consultations]');
    await page.locator('[data-testid=an-consultations-row-prepaid]').waitFor();
    const row = await text('an-consultations-row-prepaid');
    assert.ok(/선불카드\s+3\s+8\s+375\.00/.test(row), row);
    assert.equal(await text('an-consultations-total-rate'), '375.00');
    await page.locator('[data-testid=an-consultations-chart] canvas').waitFor();
    await page.waitForTimeout(400);
    await shot(page, '28-analysis', true);
  });

  await step('analysis: the other analyses show the demo datasets; the workbook downloads', async () => {
    await page.selectOption('[data-testid=an-product]', '');
    await page.click('[data-testid=an-tab-marketing]');
    await page.locator('[data-testid=an-marketing-table]').waitFor();
    assert.ok((await text('an-marketing-table')).includes('카드론 특별 금리'));
    await page.waitForTimeout(300);
    await shot(page, '28-analysis-marketing', true);
    await page.click('[data-testid=an-tab-platform]');
    await page.locator('[data-testid=an-platform-table]').waitFor();
    assert.ok((await text('an-platform-table')).includes('5.2.0'));
    await page.waitForTimeout(300);
    await shot(page, '28-analysis-platform', true);
    await page.selectOption('[data-testid=an-product]', 'prepaid');
    await page.click('[data-testid=an-tab-customers]');
    await page.locator('[data-testid=an-customers-table]').waitFor();
    // Prepaid cards: E2E-CUST-1, -2 and -4 each had two consultations and one complaint.
    const customers = await text('an-customers-table');
    for (const c of ['E2E-CUST-1', 'E2E-CUST-2', 'E2E-CUST-4', 'e2e-analysis:E2E-R1']) assert.ok(customers.includes(c), customers);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=an-export]')]);
    assert.ok(download.suggestedFilename().endsWith('.xlsx'), download.suggestedFilename());
    await download.saveAs(path.join(e.outDir, 'analysis.xlsx'));
  });
}
