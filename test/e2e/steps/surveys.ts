import assert from 'node:assert/strict';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { seedSurveyDemo } from '../../../src/demo/surveys.js';
import type { E2eContext } from '../context.js';

// 고객 평가 in the browser: answers posted through the API appear on the
// metric cards with the values worked out here from the same scores; a file
// with one bad row is refused in the import dialog with that row's error and
// stores nothing; the corrected file imports; the demo data fills the screen;
// the Excel export carries the same figures.

const NPS = [10, 10, 9, 9, 9, 8, 7, 6, 3, 0];
const CSAT = [5, 5, 4, 4, 4, 3, 2, 1];
const CES = [7, 6, 5, 5, 4, 3];

/** PRODUCT.md's formulas, on the scores above. */
function expected() {
  const share = (xs: number[], ok: (s: number) => boolean) => (100 * xs.filter(ok).length) / xs.length;
  return {
    nps: share(NPS, (s) => s >= 9) - share(NPS, (s) => s <= 6), // 50 − 30 = 20
    csat: share(CSAT, (s) => s >= 4), // 5 of 8 = 62.5
    ces: CES.reduce((a, b) => a + b, 0) / CES.length, // 30 / 6 = 5
  };
}

export async function surveySteps(e: E2eContext): Promise<void> {
  const { page, url, api, step, shot } = e;
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const text = async (id: string) => (await page.locator(`[data-testid=${id}]`).innerText()).trim();

  await step('surveys: answers posted to the API show on the cards with their interval, n and comment (redacted)', async () => {
    const items = [
      ...NPS.map((score, i) => ({ externalId: `e2e-nps-${i}`, metric: 'nps', score, touchpoint: i < 5 ? '콜센터' : '앱', product: '신용카드', segment: 'VIP', respondedAt: at })),
      ...CSAT.map((score, i) => ({ externalId: `e2e-csat-${i}`, metric: 'csat', score, touchpoint: '홈페이지', respondedAt: at })),
      ...CES.map((score, i) => ({ externalId: `e2e-ces-${i}`, metric: 'ces', score, touchpoint: 'ARS', respondedAt: at, ...(i === 5 ? { comment: 'ARS 연결이 너무 어려워요. 010-9876-5432 로 전화 주세요' } : {}) })),
    ];
    const r = await api('POST', '/api/surveys/responses/batch', { items });
    assert.equal(r.created, items.length);
    await api('POST', '/api/surveys/benchmarks', { metric: 'nps', period: String(new Date().getFullYear()), source: 'E2E 조사기관', subject: '카드업 평균', subjectKind: 'industry', value: 15 });

    await page.goto(`${url}/surveys`);
    await page.locator('[data-testid=sv-card-nps-value]').waitFor();
    await page.locator('[data-testid=sv-preset-30d]').click();
    const x = expected();
    await page.locator('[data-testid=sv-card-nps-value]').filter({ hasText: new RegExp(`^${x.nps.toFixed(1)}$`) }).waitFor();
    assert.equal(await text('sv-card-nps-value'), x.nps.toFixed(1));
    assert.equal(await text('sv-card-csat-value'), `${x.csat.toFixed(1)}%`);
    assert.equal(await text('sv-card-ces-value'), x.ces.toFixed(2));
    assert.equal(await text('sv-card-nps-n'), `n = ${NPS.length}`);
    assert.equal(await text('sv-card-csat-n'), `n = ${CSAT.length}`);
    assert.match(await text('sv-card-nps-ci'), /95% CI -?\d+\.\d ~ \d+\.\d/);
    await page.locator('[data-testid=sv-card-nps-small]').waitFor(); // 10 answers: a small sample
    const comments = await text('sv-comments');
    assert.ok(comments.includes('[전화번호]') && !comments.includes('9876'), comments);
    await page.locator('[data-testid=sv-bench-table]').getByText('카드업 평균').waitFor();
    await page.locator('[data-testid=sv-trend-nps] canvas').waitFor();
    await shot(page, '21-surveys-posted', true);
  });

  await step('surveys: a file with one bad row is refused with that row\'s error; the corrected file imports', async () => {
    const header = '응답ID,지표,점수,접점,상품,고객군,응답일시,의견';
    const day = at.slice(0, 10);
    const good = [`e2e-f-1,nps,10,영업점,체크카드,일반,${day} 10:00,`, `e2e-f-2,csat,5,영업점,체크카드,일반,${day} 11:00,친절했습니다`];
    const bad = `e2e-f-3,ces,9,영업점,체크카드,일반,${day} 12:00,`;
    const before = (await api('GET', '/api/surveys/facets')).total;
    await page.locator('[data-testid=sv-import]').click();
    await page.locator('[data-testid=sv-import-file]').setInputFiles({ name: '설문-오류.csv', mimeType: 'text/csv', buffer: Buffer.from([header, ...good, bad].join('\r\n')) });
    await page.locator('[data-testid=sv-import-submit]').click();
    const errors = page.locator('[data-testid=sv-import-errors]');
    await errors.waitFor();
    // Header = row 1, so the third data line is row 4.
    const row = (await errors.locator('tbody tr').first().innerText()).split('\t').map((s) => s.trim());
    assert.deepEqual(row.slice(0, 3), ['4', 'score', 'score_out_of_range']);
    assert.equal((await api('GET', '/api/surveys/facets')).total, before);
    await shot(page, '21-surveys-import-error');

    await page.locator('[data-testid=sv-import-file]').setInputFiles({ name: '설문-수정.csv', mimeType: 'text/csv', buffer: Buffer.from([header, ...good, bad.replace(',ces,9,', ',ces,6,')].join('\r\n')) });
    await page.locator('[data-testid=sv-import-dry]').click();
    await page.locator('[data-testid=sv-import-result].sv-result-dry').waitFor();
    assert.equal((await api('GET', '/api/surveys/facets')).total, before);
    await page.locator('[data-testid=sv-import-submit]').click();
    await page.locator('[data-testid=sv-import-result]:not(.sv-result-dry)').waitFor();
    assert.match(await text('sv-import-result'), /3/);
    assert.equal((await api('GET', '/api/surveys/facets')).total, before + 3);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=sv-card-nps-n]').filter({ hasText: /^n = 11$/ }).waitFor();
  });

  await step('surveys: the demo year fills trends, breakdowns and benchmarks; Excel export carries the cards\' figures', async () => {
    await seedSurveyDemo(api);
    await page.reload();
    // The default view: the last 90 days weekly, against the 90 days before.
    await page.locator('[data-testid=sv-card-nps-change]').waitFor();
    await page.locator('[data-testid=sv-breakdown-chart] canvas').waitFor();
    await page.locator('[data-testid=sv-bench-chart] canvas').waitFor();
    await page.waitForTimeout(400);
    await shot(page, '21-surveys', true);

    const shown = await text('sv-card-nps-value');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=sv-export]')]);
    const file = path.join(e.outDir, 'surveys.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    assert.equal(Number(wb.getWorksheet('요약')!.getRow(2).getCell(2).value).toFixed(1), shown);
  });
}
