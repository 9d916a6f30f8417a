import ExcelJS from 'exceljs';
import { badRequest } from '../../core/errors.js';

// Files from other systems → a table of rows keyed by their header. CSV
// (RFC 4180: quotes, doubled quotes, newlines inside quotes, CRLF, a UTF-8 BOM
// as Excel writes it), xlsx (the first worksheet, header in row 1) and JSON
// (an array of objects, or {rows: [...]}). Row numbers are the ones a person
// sees: the spreadsheet row (header = 1, first data row = 2) for CSV and xlsx,
// the 1-based position in the array for JSON.

export type ImportFormat = 'csv' | 'xlsx' | 'json';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['csv', 'xlsx', 'json'];

export type CellValue = string | number | boolean | Date | null;

export interface RawRow {
  row: number;
  values: Record<string, CellValue>;
}

export interface Table {
  headers: string[];
  rows: RawRow[];
}

export const MAX_ROWS = 100_000;

const invalidFile = (message: string, details?: Record<string, unknown>) => badRequest('invalid_file', message, details);

function tooMany(n: number): void {
  if (n > MAX_ROWS) throw badRequest('too_many_rows', `A file may hold at most ${MAX_ROWS.toLocaleString()} rows; split it`, { max: MAX_ROWS });
}

/** CSV text → rows of fields. Throws invalid_file on an unclosed quote. */
export function csvRecords(text: string): { fields: string[]; line: number }[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') { fields.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      fields.push(field);
      out.push({ fields, line: startLine });
      fields = [];
      field = '';
      line++;
      startLine = line;
    } else field += c;
  }
  if (quoted) throw invalidFile(`The CSV has a quote opened on line ${startLine} that never closes`, { line: startLine });
  if (field !== '' || fields.length > 0) { fields.push(field); out.push({ fields, line: startLine }); }
  return out;
}

function fromGrid(grid: { cells: CellValue[]; row: number }[]): Table {
  const head = grid[0];
  if (!head) throw invalidFile('The file is empty: it needs a header row and at least one row');
  const headers = head.cells.map((h) => (h === null ? '' : String(h).trim()));
  if (headers.every((h) => h === '')) throw invalidFile('The first row must name the columns');
  const rows: RawRow[] = [];
  for (const r of grid.slice(1)) {
    // Blank lines (often at the end of an exported sheet) are not rows.
    if (r.cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''))) continue;
    const values: Record<string, CellValue> = {};
    headers.forEach((h, i) => { if (h) values[h] = r.cells[i] ?? null; });
    rows.push({ row: r.row, values });
  }
  tooMany(rows.length);
  return { headers: headers.filter(Boolean), rows };
}

export function parseCsv(text: string): Table {
  return fromGrid(csvRecords(text).map((r) => ({ row: r.line, cells: r.fields })));
}

function cellValue(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return null;
  }
  return String(v);
}

export async function parseXlsx(data: Uint8Array): Promise<Table> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(data) as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw invalidFile(`Not a readable xlsx workbook (${(err as Error).message})`);
  }
  const ws = wb.worksheets[0];
  if (!ws) throw invalidFile('The workbook has no worksheet');
  tooMany(ws.rowCount - 1);
  const grid: { cells: CellValue[]; row: number }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: CellValue[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(cellValue(row.getCell(c).value));
    grid.push({ cells, row: n });
  });
  if (grid[0] && grid[0].row !== 1) throw invalidFile('The first row of the sheet must name the columns');
  return fromGrid(grid);
}

export function parseJson(text: string): Table {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw invalidFile(`Not valid JSON (${(err as Error).message})`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { rows?: unknown })?.rows;
  if (!Array.isArray(list)) throw invalidFile('JSON must be an array of objects, or {"rows": [...]}');
  tooMany(list.length);
  const headers = new Set<string>();
  const rows = list.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalidFile(`Item ${i + 1} is not an object`, { row: i + 1 });
    const values: Record<string, CellValue> = {};
    for (const [k, v] of Object.entries(item)) {
      headers.add(k);
      values[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
    }
    return { row: i + 1, values };
  });
  if (rows.length === 0) throw invalidFile('The file has no rows');
  return { headers: [...headers], rows };
}

export async function parseFile(format: ImportFormat, data: Uint8Array): Promise<Table> {
  if (format === 'xlsx') return parseXlsx(data);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(data);
  return format === 'csv' ? parseCsv(text) : parseJson(text);
}

/** The format a file name suggests, or null. */
export function formatOf(filename: string): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  return ext === 'csv' || ext === 'xlsx' || ext === 'json' ? ext : null;
}
