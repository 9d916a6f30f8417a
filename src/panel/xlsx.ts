import ExcelJS from 'exceljs';
import { addRowsSheet, addTableSheet, DATE_FORMAT, kst, type Cell } from '../core/xlsx.js';
import type { Metric, MetricIndex } from '../analytics/surveys/index.js';
import type { CampaignResults } from './service.js';

// A campaign's results as one workbook: 요약 (the campaign, response rate and
// indices with 95% intervals), 세그먼트 (rate per stratum), 자유응답 (answers
// with risk flags), 미응답 (the follow-up list, labels only).

const METRIC_NAMES: Record<Metric, string> = { nps: 'NPS', csat: 'CSAT (%)', ces: 'CES (평균)' };
const headline = (ix: MetricIndex | undefined): Cell[] => [ix?.headline?.value ?? null, ix?.headline?.low ?? null, ix?.headline?.high ?? null, ix?.n ?? 0];

export async function campaignWorkbook(r: CampaignResults, by: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${by})`;
  wb.created = new Date();
  const c = r.campaign;
  const summary: Cell[][] = [
    ['캠페인', `${c.ref} ${c.title}`, null, null, null], ['목적', c.purpose, null, null, null], ['상태', c.status, null, null, null],
    ['응답 기간', `${kst(c.opensAt)?.toISOString().slice(0, 16).replace('T', ' ') ?? '—'} ~ ${kst(c.closesAt)?.toISOString().slice(0, 16).replace('T', ' ') ?? '—'}`, null, null, null],
    ['초대', r.invited, null, null, null], ['응답', r.responded, null, null, null], ['응답률 (%)', r.rate, null, null, null], [null, null, null, null, null],
    ['지표', '값', '95% 하한', '95% 상한', '응답 수'],
    ...c.metrics.map((m) => [METRIC_NAMES[m], ...headline(r.indices[m])]),
  ];
  addRowsSheet(wb, '요약', ['항목', '내용', '', '', ''], summary, [16, 40, 12, 12, 10]);
  addRowsSheet(wb, '세그먼트', ['세그먼트', '초대', '응답', '응답률 (%)', ...c.metrics.map((m) => METRIC_NAMES[m])],
    r.segments.map((s) => [s.stratum, s.invited, s.responded, s.rate, ...c.metrics.map((m) => s.indices[m]?.headline?.value ?? null)]), [24, 10, 10, 12, 12, 12, 12]);
  addTableSheet(wb, '자유응답', [
    { header: '응답 일시 (KST)', width: 20, value: (a) => kst(a.respondedAt), format: DATE_FORMAT },
    { header: '응답자', width: 16, value: (a) => a.memberLabel },
    { header: '세그먼트', width: 20, value: (a) => a.stratum },
    ...c.metrics.map((m) => ({ header: METRIC_NAMES[m], width: 10, value: (a: CampaignResults['answers'][number]) => a.scores[m] ?? null })),
    { header: '자유 응답', width: 60, value: (a) => a.text },
    { header: '위험 유형', width: 24, value: (a) => a.categories.join(', ') || null },
    { header: '위험도', width: 8, value: (a) => a.severity || null },
  ], r.answers);
  addTableSheet(wb, '미응답', [
    { header: '응답자', width: 16, value: (n) => n.memberLabel },
    { header: '세그먼트', width: 20, value: (n) => n.stratum },
    { header: '채널', width: 8, value: (n) => n.channel },
    { header: '회원 상태', width: 10, value: (n) => n.memberStatus },
    { header: '초대 일시 (KST)', width: 20, value: (n) => kst(n.invitedAt), format: DATE_FORMAT },
  ], r.nonRespondents);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
