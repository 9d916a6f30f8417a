import ExcelJS from 'exceljs';

// Excel building blocks every export uses: a sheet with the house header
// (bold white on navy, frozen, filterable), times shown as Korea Standard Time,
// and the one-table workbook with a 조건 (conditions) sheet that the console's
// list exports share.

export interface Column<T> {
  header: string;
  width: number;
  value: (row: T) => string | number | Date | boolean | null;
  /** Excel number format for the column (dates). */
  format?: string;
}

/** A plain cell value. */
export type Cell = string | number | boolean | Date | null;

const KST_OFFSET_MS = 9 * 3600_000;
export const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * Excel has no time zones: a cell shows the wall-clock value it holds. Shift the
 * instant so the sheet reads as Korea Standard Time, what every user expects.
 */
export const kst = (isoTime: string | null): Date | null => (isoTime ? new Date(Date.parse(isoTime) + KST_OFFSET_MS) : null);

function styleHeader(ws: ExcelJS.Worksheet): void {
  const header = ws.getRow(1);
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F3A5F' } };
}

/** A sheet of typed columns: header row styled, frozen and filterable. */
export function addTableSheet<T>(wb: ExcelJS.Workbook, name: string, columns: Column<T>[], rows: readonly T[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width, style: c.format ? { numFmt: c.format } : {} }));
  for (const r of rows) ws.addRow(Object.fromEntries(columns.map((c, i) => [`c${i}`, c.value(r) ?? null])));
  styleHeader(ws);
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

/** A sheet of ready rows under a styled, frozen header; `numFmt` by 1-based column. */
export function addRowsSheet(wb: ExcelJS.Workbook, name: string, header: string[], rows: Cell[][], widths: number[], numFmt: Record<number, string> = {}): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  styleHeader(ws);
  widths.forEach((w, i) => { ws.getColumn(i + 1).width = w; });
  for (const [col, fmt] of Object.entries(numFmt)) ws.getColumn(Number(col)).numFmt = fmt;
  return ws;
}

/** One table and a 조건 sheet (who exported, when, how many rows, the filters). */
export async function workbook<T>(sheetName: string, columns: Column<T>[], rows: readonly T[], meta: { by: string; filters: Record<string, unknown> }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${meta.by})`;
  wb.created = new Date();
  addTableSheet(wb, sheetName, columns, rows);
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

/** The content type of an .xlsx workbook. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
