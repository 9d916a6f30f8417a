import ExcelJS from 'exceljs';
import { badRequest } from '../../core/errors.js';
import { instantAt } from '../briefing/time.js';

// Survey files (CSV, xlsx, JSON) → records with the row number a person sees.
// Headers may be the API's field names or the Korean column titles of the
// console's template; values are turned into the API's types where a file
// can only hold text (a score "5" is 5, a date cell is a date), then the same
// validator as the API judges them (validate.ts).

export type FileFormat = 'csv' | 'xlsx' | 'json';
export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'xlsx', 'json'];

export const FILE_LIMITS = { bytes: 10 * 1024 * 1024, rows: 50_000 } as const;

export interface FileRecord {
  /** CSV/xlsx: the sheet row (header = 1, first data row = 2). JSON: the item's 1-based position. */
  row: number;
  record: Record<string, unknown>;
}

export interface ColumnSpec {
  /** The API's field name. */
  field: string;
  /** Other header spellings (Korean titles); matched ignoring case, spaces, '_' and '-'. */
  aliases: string[];
  kind: 'text' | 'integer' | 'number' | 'time' | 'lower';
}

export const RESPONSE_COLUMNS: ColumnSpec[] = [
  { field: 'externalId', aliases: ['external_id', 'id', '응답ID', '응답번호'], kind: 'text' },
  { field: 'metric', aliases: ['지표'], kind: 'lower' },
  { field: 'score', aliases: ['점수'], kind: 'integer' },
  { field: 'touchpoint', aliases: ['접점', '채널'], kind: 'text' },
  { field: 'product', aliases: ['상품'], kind: 'text' },
  { field: 'segment', aliases: ['고객군', '세그먼트'], kind: 'text' },
  { field: 'respondedAt', aliases: ['responded_at', '응답일시', '응답시각'], kind: 'time' },
  { field: 'comment', aliases: ['의견', '코멘트'], kind: 'text' },
  { field: 'callId', aliases: ['call_id', '통화ID'], kind: 'text' },
  { field: 'customerId', aliases: ['customer_id', '고객ID', '고객번호'], kind: 'text' },
  { field: 'caseId', aliases: ['case_id', '사례ID'], kind: 'text' },
];

export const BENCHMARK_COLUMNS: ColumnSpec[] = [
  { field: 'metric', aliases: ['지표'], kind: 'lower' },
  { field: 'period', aliases: ['기간'], kind: 'text' },
  { field: 'source', aliases: ['출처', '기관'], kind: 'text' },
  { field: 'subject', aliases: ['대상', '회사', '비교대상'], kind: 'text' },
  { field: 'subjectKind', aliases: ['subject_kind', '구분'], kind: 'text' },
  { field: 'value', aliases: ['값', '점수'], kind: 'number' },
  { field: 'note', aliases: ['비고', '메모'], kind: 'text' },
];

/** Korean words for a benchmark's subject kind, as a person types them in a sheet. */
const SUBJECT_KIND_WORDS: Record<string, string> = { 회사: 'company', 기업: 'company', 업계: 'industry', 산업: 'industry', 업권: 'industry' };

const norm = (h: string) => h.normalize('NFC').toLowerCase().replace(/[\s_\-]/g, '');

/** The format from an explicit choice or the file name's extension. */
export function formatOf(filename: string, explicit?: string): FileFormat {
  const f = (explicit ?? filename.split('.').pop() ?? '').toLowerCase();
  if ((FILE_FORMATS as readonly string[]).includes(f)) return f as FileFormat;
  throw badRequest('unsupported_format', `Survey files are CSV, xlsx or JSON; '${filename}' is none of them`, { filename });
}

/** A file-level problem (nothing to report per row): 400 invalid_file. */
const invalidFile = (message: string, details: Record<string, unknown> = {}) => badRequest('invalid_file', message, details);

// ---- CSV (RFC 4180: quoted fields, "" for a quote, CRLF or LF) ----

export function parseCsv(textIn: string): string[][] {
  const text = textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn; // Excel's UTF-8 BOM
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const delimiter = sniffDelimiter(text);
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === delimiter) { row.push(field); field = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      row.push(field); rows.push(row); row = []; field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c; i++;
  }
  if (quoted) throw invalidFile('The CSV ends inside a quoted field (a " is not closed)');
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** Comma unless the header line has tabs or semicolons and no commas (Excel exports in some locales). */
function sniffDelimiter(text: string): string {
  const first = text.slice(0, text.search(/\r|\n|$/));
  if (first.includes(',')) return ',';
  if (first.includes('\t')) return '\t';
  if (first.includes(';')) return ';';
  return ',';
}

// ---- xlsx ----

/** A cell's plain value: rich text joined, a formula's result, a hyperlink's text. */
function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date || typeof v !== 'object') return v;
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
  if ('text' in v) return (v as { text: unknown }).text;
  if ('error' in v) return undefined;
  return String(v);
}

async function parseXlsx(data: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw invalidFile('The file is not a readable xlsx workbook');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw invalidFile('The workbook has no sheet');
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (r, n) => {
    const values = Array.isArray(r.values) ? r.values.slice(1) : [];
    rows[n - 1] = values.map((v) => cellValue(v as ExcelJS.CellValue));
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return rows;
}

// ---- value coercion (files only; the API takes JSON types as they are) ----

/**
 * A date-time from a file. With a zone it is taken as written; without one
 * ('2026-11-20 14:30', '2026-11-20') it is the wall clock of `tz` (KST): what
 * a person in Seoul means. An Excel date cell holds a wall clock too (exceljs
 * hands it over as if it were UTC).
 */
export function fileTime(v: unknown, tz: string): unknown {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return 'invalid date';
    const at = instantAt(v.toISOString().slice(0, 10), v.getUTCHours() * 60 + v.getUTCMinutes(), tz);
    return new Date(at.getTime() + v.getUTCSeconds() * 1000).toISOString();
  }
  if (typeof v !== 'string') return v;
  const s = v.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) return s; // with a zone, or not a time at all: the validator decides
  const at = instantAt(m[1]!, Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0), tz);
  return new Date(at.getTime() + Number(m[4] ?? 0) * 1000).toISOString();
}

function coerce(v: unknown, kind: ColumnSpec['kind'], tz: string): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && v.trim() === '') return undefined;
  switch (kind) {
    case 'integer':
    case 'number':
      // "5" and 5 are the same score in a sheet; "5점" or "다섯" are not numbers.
      if (typeof v === 'string' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
      return v;
    case 'time':
      return fileTime(v, tz);
    case 'lower':
      return typeof v === 'string' ? v.trim().toLowerCase() : v;
    default:
      return typeof v === 'number' ? String(v) : v;
  }
}

/** Maps a header row to fields; unknown and missing columns are file-level errors. */
function mapHeader(header: unknown[], columns: ColumnSpec[], required: string[]): (ColumnSpec | null)[] {
  const byName = new Map<string, ColumnSpec>();
  for (const c of columns) for (const a of [c.field, ...c.aliases]) byName.set(norm(a), c);
  const mapped = header.map((h) => (typeof h === 'string' || typeof h === 'number' ? byName.get(norm(String(h))) ?? null : null));
  const unknown = header.map((h, i) => (mapped[i] === null && h !== undefined && String(h).trim() !== '' ? String(h) : null)).filter((h): h is string => h !== null);
  if (unknown.length > 0) throw invalidFile(`Unknown column(s): ${unknown.join(', ')}`, { code: 'unknown_column', columns: unknown });
  const present = new Set(mapped.filter((c) => c).map((c) => c!.field));
  const seen = new Set<string>();
  for (const c of mapped) {
    if (!c) continue;
    if (seen.has(c.field)) throw invalidFile(`Column '${c.field}' appears twice`, { code: 'duplicate_column', column: c.field });
    seen.add(c.field);
  }
  const missing = required.filter((f) => !present.has(f));
  if (missing.length > 0) throw invalidFile(`Missing column(s): ${missing.join(', ')}`, { code: 'missing_column', columns: missing });
  return mapped;
}

function tableRecords(table: unknown[][], columns: ColumnSpec[], required: string[], tz: string): FileRecord[] {
  const headerIndex = table.findIndex((r) => r.some((v) => v !== undefined && String(v).trim() !== ''));
  if (headerIndex < 0) throw invalidFile('The file is empty', { code: 'empty_file' });
  const mapped = mapHeader(table[headerIndex]!, columns, required);
  const out: FileRecord[] = [];
  for (let i = headerIndex + 1; i < table.length; i++) {
    const cells = table[i]!;
    if (cells.every((v) => v === undefined || String(v).trim() === '')) continue; // blank lines
    const record: Record<string, unknown> = {};
    cells.forEach((v, j) => {
      const c = mapped[j];
      if (c) { const x = coerce(v, c.kind, tz); if (x !== undefined) record[c.field] = x; }
      else if (v !== undefined && String(v).trim() !== '') record[`column ${j + 1}`] = v; // a value under no header
    });
    // Only benchmark sheets have this column: 회사/업계 are what people type there.
    if (typeof record.subjectKind === 'string') record.subjectKind = SUBJECT_KIND_WORDS[record.subjectKind] ?? record.subjectKind.toLowerCase();
    out.push({ row: i + 1, record });
  }
  return out;
}

/**
 * Reads a survey or benchmark file into records. Throws 400 invalid_file
 * (unreadable, empty, unknown/missing columns, too many rows) or
 * unsupported_format; row-level problems are the validator's.
 */
export async function readRecords(data: Buffer, format: FileFormat, columns: ColumnSpec[], required: string[], tz: string): Promise<FileRecord[]> {
  if (data.length === 0) throw invalidFile('The file is empty', { code: 'empty_file' });
  if (data.length > FILE_LIMITS.bytes) throw invalidFile(`The file is larger than ${FILE_LIMITS.bytes} bytes`, { code: 'file_too_large' });
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
    } catch {
      throw invalidFile('The file is not valid UTF-8 JSON');
    }
    const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown })?.items;
    if (!Array.isArray(items)) throw invalidFile('A JSON file holds an array of objects, or {"items": [...]}');
    // JSON keeps its types: a score "5" is a string there, as in the API.
    return checkCount(items.map((record, i) => ({ row: i + 1, record: record as Record<string, unknown> })));
  }
  let table: unknown[][];
  if (format === 'csv') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      throw invalidFile('The CSV is not UTF-8 (save it as "CSV UTF-8" in Excel)', { code: 'invalid_encoding' });
    }
    table = parseCsv(text);
  } else table = await parseXlsx(data);
  return checkCount(tableRecords(table, columns, required, tz));
}

function checkCount(records: FileRecord[]): FileRecord[] {
  if (records.length === 0) throw invalidFile('The file has no data rows', { code: 'empty_file' });
  if (records.length > FILE_LIMITS.rows) throw invalidFile(`At most ${FILE_LIMITS.rows} rows per file; split it`, { code: 'too_many_rows', rows: records.length });
  return records;
}
