import ExcelJS from 'exceljs';
import type { Alert } from '../core/types.js';
import type { StoredCall } from '../store/calls.js';
import type { Case } from '../store/cases.js';
import { ALERT_STATUS_LABELS, categoryLabel } from './labels.js';
import { STATUS_LABELS } from './workflow.js';

// Excel workbooks of the console's lists, Korean headers, times in KST.

export interface Column<T> {
  header: string;
  width: number;
  value: (row: T) => string | number | Date | boolean | null;
  /** Excel number format for the column (dates). */
  format?: string;
}

const KST_OFFSET_MS = 9 * 3600_000;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * Excel has no time zones: a cell shows the wall-clock value it holds. Shift the
 * instant so the sheet reads as Korea Standard Time, what every user expects.
 */
export const kst = (isoTime: string | null): Date | null => (isoTime ? new Date(Date.parse(isoTime) + KST_OFFSET_MS) : null);

const ms = (v: number) => `${Math.floor(v / 60000)}:${String(Math.floor(v / 1000) % 60).padStart(2, '0')}`;

export const ALERT_COLUMNS: Column<Alert & { customerId?: string | null; agentId?: string | null }>[] = [
  { header: '발생 시각', width: 20, value: (a) => kst(a.createdAt), format: DATE_FORMAT },
  { header: '유형', width: 16, value: (a) => categoryLabel(a.category) },
  { header: '심각도', width: 8, value: (a) => a.severity },
  { header: '상태', width: 10, value: (a) => ALERT_STATUS_LABELS[a.status] ?? a.status },
  { header: '일치 표현', width: 22, value: (a) => a.match },
  { header: '사전 용어', width: 16, value: (a) => a.term },
  { header: '발화자', width: 8, value: (a) => (a.speaker === 'customer' ? '고객' : '상담사') },
  { header: '통화 시점', width: 10, value: (a) => ms(a.startMs) },
  { header: '반복 횟수', width: 9, value: (a) => a.hitCount },
  { header: '통화 ID', width: 38, value: (a) => a.callId },
  { header: '규칙', width: 26, value: (a) => a.ruleId },
  { header: '설명', width: 50, value: (a) => a.explanation },
  { header: '사유', width: 30, value: (a) => a.statusReason },
  { header: '민원 사례', width: 38, value: (a) => a.caseId },
  { header: '알림 ID', width: 38, value: (a) => a.id },
];

export const CASE_COLUMNS: Column<Case>[] = [
  { header: '사례 번호', width: 14, value: (c) => c.ref },
  { header: '제목', width: 40, value: (c) => c.title },
  { header: '상태', width: 10, value: (c) => STATUS_LABELS[c.status].ko },
  { header: '유형', width: 16, value: (c) => categoryLabel(c.category) },
  { header: '심각도', width: 8, value: (c) => c.severity },
  { header: '고객', width: 16, value: (c) => c.customerId },
  { header: '담당자', width: 16, value: (c) => c.assigneeName },
  { header: '처리 기한', width: 20, value: (c) => kst(c.dueAt), format: DATE_FORMAT },
  { header: '기한 초과', width: 10, value: (c) => (c.overdue ? '초과' : '') },
  { header: '반복 민원', width: 10, value: (c) => (c.repeat ? `반복 (${c.repeatCount})` : '') },
  { header: '연결 알림', width: 10, value: (c) => c.alertCount },
  { header: '연결 통화', width: 10, value: (c) => c.callCount },
  { header: '접수 시각', width: 20, value: (c) => kst(c.createdAt), format: DATE_FORMAT },
  { header: '해결 시각', width: 20, value: (c) => kst(c.resolvedAt), format: DATE_FORMAT },
  { header: '종결 시각', width: 20, value: (c) => kst(c.closedAt), format: DATE_FORMAT },
  { header: '상태 사유', width: 30, value: (c) => c.statusReason },
];

export const CALL_COLUMNS: Column<StoredCall>[] = [
  { header: '통화 시작', width: 20, value: (c) => kst(c.startedAt), format: DATE_FORMAT },
  { header: '통화 종료', width: 20, value: (c) => kst(c.endedAt), format: DATE_FORMAT },
  { header: '고객', width: 16, value: (c) => c.customerId },
  { header: '상담사', width: 16, value: (c) => c.agentId },
  { header: '위험도', width: 8, value: (c) => c.riskScore },
  { header: '수집 경로', width: 12, value: (c) => c.source },
  { header: '통화 ID', width: 38, value: (c) => c.id },
];

/** One sheet with a bold, frozen, filterable header row. */
export async function workbook<T>(sheetName: string, columns: Column<T>[], rows: readonly T[], meta: { by: string; filters: Record<string, unknown> }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${meta.by})`;
  wb.created = new Date();
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width, style: c.format ? { numFmt: c.format } : {} }));
  for (const r of rows) ws.addRow(Object.fromEntries(columns.map((c, i) => [`c${i}`, c.value(r) ?? null])));
  const header = ws.getRow(1);
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F3A5F' } };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const about = wb.addWorksheet('조건');
  about.addRow(['내보낸 사람', meta.by]);
  about.addRow(['내보낸 시각 (KST)', kst(new Date().toISOString())]);
  about.getCell('B2').numFmt = DATE_FORMAT;
  about.addRow(['행 수', rows.length]);
  for (const [k, v] of Object.entries(meta.filters)) if (v !== undefined && v !== null && v !== '') about.addRow([`조건: ${k}`, String(v)]);
  about.getColumn(1).width = 22;
  about.getColumn(2).width = 40;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
