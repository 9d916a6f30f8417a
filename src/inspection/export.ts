import ExcelJS from 'exceljs';
import type { Finding } from '../store/inspections.js';
import { addTableSheet, kst, type Column } from '../core/xlsx.js';
import { AREA_LABELS, FINDING_STATUS_LABELS, parsePeriod, RESULT_LABELS, ROUND_STATUS_LABELS, SEVERITY_LABELS } from './model.js';
import type { RoundDetail } from './service.js';

// Excel workbooks of self-inspection: one round (summary sheet, the checklist
// with answers, its findings) and the findings list. Korean headers, KST times.

const DATE_FORMAT = 'yyyy-mm-dd hh:mm';
const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const periodKo = (p: string) => parsePeriod(p)?.ko ?? p;

export const FINDING_COLUMNS: Column<Finding>[] = [
  { header: '발견 번호', width: 13, value: (f) => f.ref },
  { header: '부서', width: 14, value: (f) => f.department },
  { header: '기간', width: 14, value: (f) => periodKo(f.period) },
  { header: '점검 회차', width: 13, value: (f) => f.roundRef },
  { header: '영역', width: 24, value: (f) => AREA_LABELS[f.area]?.ko ?? f.area },
  { header: '항목', width: 9, value: (f) => f.itemId },
  { header: '발견 사항', width: 48, value: (f) => f.title },
  { header: '심각도', width: 8, value: (f) => SEVERITY_LABELS[f.severity].ko },
  { header: '상태', width: 10, value: (f) => FINDING_STATUS_LABELS[f.status].ko },
  { header: '담당자', width: 16, value: (f) => f.ownerName },
  { header: '조치 기한', width: 12, value: (f) => f.dueDate },
  { header: '기한 초과', width: 9, value: (f) => (f.overdue ? '초과' : '') },
  { header: '개선 계획', width: 48, value: (f) => f.actionPlan },
  { header: '조치 결과', width: 40, value: (f) => f.resolution },
  { header: '연결 민원', width: 9, value: (f) => f.caseCount },
  { header: '등록 시각', width: 18, value: (f) => kst(f.createdAt), format: DATE_FORMAT },
  { header: '확인 시각', width: 18, value: (f) => kst(f.verifiedAt), format: DATE_FORMAT },
];

type ItemRow = RoundDetail['items'][number];

const ITEM_COLUMNS: Column<ItemRow>[] = [
  { header: '번호', width: 6, value: (i) => i.position },
  { header: '항목', width: 9, value: (i) => i.itemId },
  { header: '영역', width: 24, value: (i) => AREA_LABELS[i.area]?.ko ?? i.area },
  { header: '점검 항목', width: 64, value: (i) => i.textKo },
  { header: 'Item (English)', width: 50, value: (i) => i.textEn },
  { header: 'CCM', width: 6, value: (i) => (i.ccm ? '●' : '') },
  { header: '증빙 필수', width: 9, value: (i) => (i.evidenceRequired ? '필수' : '') },
  { header: '결과', width: 10, value: (i) => (i.answer ? RESULT_LABELS[i.answer.result].ko : '미응답') },
  { header: '의견', width: 44, value: (i) => i.answer?.comment ?? '' },
  { header: '증빙 파일', width: 30, value: (i) => i.evidence.map((e) => e.filename).join(', ') },
  { header: '응답자', width: 14, value: (i) => i.answer?.answeredBy ?? '' },
  { header: '응답 시각', width: 18, value: (i) => kst(i.answer?.answeredAt ?? null), format: DATE_FORMAT },
];

/** One round: 요약 (the round's facts and rate), 점검표 (every item with its answer), 발견 사항. */
export async function roundWorkbook(d: RoundDetail, by: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${by})`;
  wb.created = new Date();
  const r = d.round;
  const about = wb.addWorksheet('요약');
  const rows: [string, string | number | Date | null][] = [
    ['점검 회차', r.ref], ['제목', r.title], ['점검표', `${r.templateName} v${r.templateVersion}`], ['부서', r.department],
    ['기간', `${periodKo(r.period)} (${r.periodStart} ~ ${r.periodEnd})`], ['상태', ROUND_STATUS_LABELS[r.status].ko],
    ['책임자', r.ownerName], ['담당자', r.assigneeName], ['기한', r.dueDate],
    ['항목 수', r.itemCount], ['응답', r.answered], ['적합', r.compliant], ['부적합', r.nonCompliant], ['해당 없음', r.notApplicable],
    ['준수율 (적합 ÷ (적합 + 부적합))', pct(r.complianceRate)], ['발견 사항', r.findingCount],
    ['제출', r.submittedAt ? `${r.submittedBy ?? ''}` : null], ['제출 시각 (KST)', kst(r.submittedAt)],
    ['검토', r.reviewedBy], ['검토 시각 (KST)', kst(r.reviewedAt)], ['검토 의견', r.reviewNote],
    ['내보낸 사람', by], ['내보낸 시각 (KST)', kst(new Date().toISOString())],
  ];
  for (const row of rows) {
    const added = about.addRow(row);
    if (row[1] instanceof Date) added.getCell(2).numFmt = DATE_FORMAT;
  }
  about.getColumn(1).width = 30;
  about.getColumn(2).width = 60;
  about.getColumn(1).font = { bold: true };
  addTableSheet(wb, '점검표', ITEM_COLUMNS, d.items);
  addTableSheet(wb, '발견 사항', FINDING_COLUMNS, d.findings);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
