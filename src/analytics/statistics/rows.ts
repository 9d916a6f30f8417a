import { redact } from '../../privacy/redact.js';
import { parsePercent } from './peers.js';
import { BASE_PERIOD_RE, isPeriodId } from './periods.js';
import type { CellValue, RawRow, Table } from './parse.js';
import { resolveTerm, type Dimension } from './taxonomy.js';

// Row-by-row validation of imported files, one schema per kind (complaint
// records, published peer figures, customer base). Every problem becomes a row
// error {row, field, code, message}; a file with any error is stored not at
// all. Column headers may be English ids or the Korean headings other systems
// export (접수번호, 접수일, 채널 …); values may be ids or labels.

export interface RowError {
  row: number;
  field: string;
  code: string;
  message: string;
}

export type ImportKind = 'complaints' | 'peers' | 'customers';
export const IMPORT_KINDS: readonly ImportKind[] = ['complaints', 'peers', 'customers'];

export interface ComplaintRecordInput {
  externalId: string;
  receivedOn: string;
  channel: string;
  product: string;
  type: string;
  cause: string;
  scope: 'internal' | 'external';
  externalBody: string | null;
  severity: number;
  status: string;
  customerId: string | null;
  caseId: string | null;
  /** Redacted. */
  summary: string;
}

export interface PeerInput {
  company: string;
  period: string;
  isSelf: boolean;
  complaints: number | null;
  converted: number | null;
  complaintsChangePct: number | null;
  convertedChangePct: number | null;
  source: string;
}

export interface CustomerBaseInput {
  period: string;
  customers: number;
  note: string;
}

interface FieldSpec {
  field: string;
  headers: readonly string[];
  required?: boolean;
}

// Exported (with text, parseBool and RowCheck) so combined analysis (src/analytics/analysis)
// validates its dataset files with the same cell readers instead of a copy.
export const fold = (s: string) => s.normalize('NFC').toLowerCase().replace(/[\s_·./()-]+/g, '');

export const COLUMNS: Record<ImportKind, readonly FieldSpec[]> = {
  complaints: [
    { field: 'externalId', headers: ['external_id', 'id', '접수번호', '민원번호', '관리번호'], required: true },
    { field: 'receivedOn', headers: ['received_on', 'date', '접수일', '접수일자'], required: true },
    { field: 'channel', headers: ['channel', '채널', '접수채널', '접수경로'], required: true },
    { field: 'product', headers: ['product', '상품', '상품구분'], required: true },
    { field: 'type', headers: ['type', 'complaint_type', '유형', '민원유형'], required: true },
    { field: 'cause', headers: ['cause', '원인', '민원원인'] },
    { field: 'scope', headers: ['scope', 'internal_external', '대내외', '대내외구분', '구분'] },
    { field: 'externalBody', headers: ['external_body', '외부기관', '접수기관', '기관'] },
    { field: 'severity', headers: ['severity', '중요도', '심각도'] },
    { field: 'status', headers: ['status', '상태', '처리상태'] },
    { field: 'customerId', headers: ['customer_id', '고객번호', '고객id'] },
    { field: 'caseId', headers: ['case_id', 'vom_case_id', 'vom사례', '사례id'] },
    { field: 'summary', headers: ['summary', '내용', '민원내용', '민원요지', '요지'] },
  ],
  peers: [
    { field: 'company', headers: ['company', '회사', '회사명', '카드사'], required: true },
    { field: 'period', headers: ['period', '기간', '공시기간'], required: true },
    { field: 'complaints', headers: ['complaints', '민원건수', '민원 건수'] },
    { field: 'converted', headers: ['converted', '환산건수', '환산 건수'] },
    { field: 'complaintsChangePct', headers: ['complaints_change_pct', '민원건수증감률', '민원건수 증감률', '건수증감률'] },
    { field: 'convertedChangePct', headers: ['converted_change_pct', '환산건수증감률', '환산건수 증감률', '환산증감률'] },
    { field: 'isSelf', headers: ['is_self', '당사', '당사여부'] },
    { field: 'source', headers: ['source', '출처'] },
  ],
  customers: [
    { field: 'period', headers: ['period', '기간', '기준월', '기준분기'], required: true },
    { field: 'customers', headers: ['customers', '고객수', '고객 수'], required: true },
    { field: 'note', headers: ['note', '비고'] },
  ],
};

/** Which field each header of the file is; missing required columns as errors on row 1. */
export function mapHeaders(kind: ImportKind, headers: readonly string[]): { fields: Map<string, string>; unknown: string[]; errors: RowError[] } {
  const fields = new Map<string, string>();
  const unknown: string[] = [];
  for (const h of headers) {
    const spec = COLUMNS[kind].find((s) => s.field.toLowerCase() === h.toLowerCase() || s.headers.some((x) => fold(x) === fold(h)));
    if (spec && ![...fields.values()].includes(spec.field)) fields.set(h, spec.field);
    else unknown.push(h);
  }
  const errors = COLUMNS[kind]
    .filter((s) => s.required && ![...fields.values()].includes(s.field))
    .map((s) => ({ row: 1, field: s.field, code: 'missing_column', message: `The file has no ${s.field} column (${s.headers.slice(0, 3).join(', ')})` }));
  return { fields, unknown, errors };
}

export const text = (v: CellValue): string => (v === null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).trim());

/** 'YYYY-MM-DD' from 2026-09-30, 2026.9.30, 2026/09/30, 20260930 or a spreadsheet date; null when not a real date. */
export function parseDate(v: CellValue): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  const s = text(v);
  const m = /^(\d{4})[-./]?\s*(\d{1,2})[-./]?\s*(\d{1,2})\.?$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** A whole number from 12345, "12,345" or "12345"; null when blank; 'invalid' otherwise. */
export function parseWhole(v: CellValue): number | null | 'invalid' {
  if (v === null || v === '') return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : 'invalid';
  const s = text(v).replace(/,/g, '');
  if (s === '') return null;
  return /^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : 'invalid';
}

export function parseBool(v: CellValue): boolean | 'invalid' {
  if (v === null || v === '') return false;
  if (typeof v === 'boolean') return v;
  const s = fold(text(v));
  if (['true', 'yes', 'y', '1', '예', 'o', '당사'].includes(s)) return true;
  if (['false', 'no', 'n', '0', '아니오', 'x', ''].includes(s)) return false;
  return 'invalid';
}

export class RowCheck {
  readonly errors: RowError[] = [];
  constructor(readonly row: number, private readonly values: Record<string, CellValue>, private readonly fields: Map<string, string>) {}

  raw(field: string): CellValue {
    for (const [h, f] of this.fields) if (f === field) return this.values[h] ?? null;
    return null;
  }
  fail(field: string, code: string, message: string): void {
    this.errors.push({ row: this.row, field, code, message });
  }
  str(field: string, max: number, required = false): string | null {
    const s = text(this.raw(field));
    if (s === '') {
      if (required) this.fail(field, 'required', `${field} is required`);
      return null;
    }
    if (s.length > max) {
      this.fail(field, 'too_long', `${field} is longer than ${max} characters`);
      return null;
    }
    return s;
  }
  term(field: string, dimension: Dimension, required: boolean, fallback: string | null = null): string | null {
    const s = this.str(field, 100, required);
    if (s === null) return fallback;
    const id = resolveTerm(dimension, s);
    if (!id) this.fail(field, 'unknown_value', `'${s}' is not a known ${dimension} (see GET /api/statistics/taxonomy)`);
    return id;
  }
  whole(field: string, min: number, max: number, required = false): number | null {
    const n = parseWhole(this.raw(field));
    if (n === null) {
      if (required) this.fail(field, 'required', `${field} is required`);
      return null;
    }
    if (n === 'invalid' || n < min || n > max) {
      this.fail(field, 'invalid_number', `${field} must be a whole number from ${min} to ${max}, got '${text(this.raw(field))}'`);
      return null;
    }
    return n;
  }
}

const ID_RE = /^[A-Za-z0-9가-힣][A-Za-z0-9가-힣._:@#/-]*$/;

export function complaintRow(r: RawRow, fields: Map<string, string>, today: string): { value: ComplaintRecordInput | null; errors: RowError[] } {
  const c = new RowCheck(r.row, r.values, fields);
  const externalId = c.str('externalId', 128, true);
  if (externalId !== null && !ID_RE.test(externalId)) c.fail('externalId', 'invalid_id', `'${externalId}' is not a usable id (letters, digits, . _ : @ # / -)`);
  let receivedOn: string | null = null;
  const rawDate = c.raw('receivedOn');
  if (text(rawDate) === '') c.fail('receivedOn', 'required', 'receivedOn is required');
  else {
    receivedOn = parseDate(rawDate);
    if (!receivedOn) c.fail('receivedOn', 'invalid_date', `'${text(rawDate)}' is not a date (write 2026-09-30)`);
    else if (receivedOn > today) { c.fail('receivedOn', 'future_date', `${receivedOn} is in the future`); receivedOn = null; }
  }
  const channel = c.term('channel', 'channel', true);
  const product = c.term('product', 'product', true);
  const type = c.term('type', 'type', true);
  const cause = c.term('cause', 'cause', false, 'unspecified');
  const externalBody = c.term('externalBody', 'externalBody', false);
  // Scope may be left out: a complaint with an outside body is external, others internal.
  const scope = c.term('scope', 'scope', false, externalBody ? 'external' : 'internal') as 'internal' | 'external' | null;
  if (scope === 'external' && !externalBody && text(c.raw('externalBody')) === '') {
    c.fail('externalBody', 'external_body_required', 'An external (대외) complaint needs the body it was filed with (금융감독원, 한국소비자원 …)');
  }
  if (scope === 'internal' && externalBody) c.fail('externalBody', 'external_body_not_allowed', 'An internal (대내) complaint has no external body; set scope to external');
  const severity = c.whole('severity', 1, 5) ?? 3;
  const status = c.term('status', 'status', false, 'received');
  const customerId = c.str('customerId', 64);
  const caseId = c.str('caseId', 128);
  const summary = c.str('summary', 2000) ?? '';
  if (c.errors.length > 0) return { value: null, errors: c.errors };
  return {
    value: {
      externalId: externalId!, receivedOn: receivedOn!, channel: channel!, product: product!, type: type!, cause: cause!, scope: scope!,
      externalBody, severity, status: status!, customerId: customerId === null ? null : redact(customerId).text, caseId,
      summary: redact(summary).text,
    },
    errors: [],
  };
}

export function peerRow(r: RawRow, fields: Map<string, string>): { value: PeerInput | null; errors: RowError[] } {
  const c = new RowCheck(r.row, r.values, fields);
  const company = c.str('company', 100, true);
  const period = c.str('period', 20, true);
  if (period !== null && !isPeriodId(period)) c.fail('period', 'invalid_period', `'${period}' is not a period (2026-Q3-YTD, 2026-Q3, 2026-09)`);
  const complaints = c.whole('complaints', 0, 1_000_000_000);
  const pct = (field: string) => {
    const v = parsePercent(c.raw(field));
    if (v === 'invalid') { c.fail(field, 'invalid_number', `'${text(c.raw(field))}' is not a percentage (+31%, -4)`); return null; }
    return v;
  };
  const convertedRaw = parsePercent(c.raw('converted'));
  if (convertedRaw === 'invalid' || (convertedRaw !== null && convertedRaw < 0)) c.fail('converted', 'invalid_number', `'${text(c.raw('converted'))}' is not a converted count (2.72)`);
  const complaintsChangePct = pct('complaintsChangePct');
  const convertedChangePct = pct('convertedChangePct');
  const isSelf = parseBool(c.raw('isSelf'));
  if (isSelf === 'invalid') c.fail('isSelf', 'invalid_value', `'${text(c.raw('isSelf'))}' is not yes/no`);
  const source = c.str('source', 200) ?? '';
  const converted = typeof convertedRaw === 'number' ? Math.round(convertedRaw * 100) / 100 : null;
  if (c.errors.length === 0 && complaints === null && converted === null && complaintsChangePct === null && convertedChangePct === null) {
    c.fail('complaints', 'required', 'A row needs at least one figure (complaints, converted or a change)');
  }
  if (c.errors.length > 0) return { value: null, errors: c.errors };
  return { value: { company: company!, period: period!, isSelf: isSelf === true, complaints, converted, complaintsChangePct, convertedChangePct, source }, errors: [] };
}

export function customerRow(r: RawRow, fields: Map<string, string>): { value: CustomerBaseInput | null; errors: RowError[] } {
  const c = new RowCheck(r.row, r.values, fields);
  const period = c.str('period', 10, true);
  if (period !== null && !BASE_PERIOD_RE.test(period)) c.fail('period', 'invalid_period', `'${period}' is not a month (2026-09) or quarter (2026-Q3)`);
  const customers = c.whole('customers', 1, 1_000_000_000, true);
  const note = c.str('note', 500) ?? '';
  if (c.errors.length > 0) return { value: null, errors: c.errors };
  return { value: { period: period!, customers: customers!, note: redact(note).text }, errors: [] };
}

/** The fields whose values must be unique within one file, per kind (read raw, so a duplicate of a bad row is still caught). */
const KEY_FIELDS: Record<ImportKind, readonly string[]> = { complaints: ['externalId'], peers: ['period', 'company'], customers: ['period'] };

export interface Validated<T> {
  values: T[];
  errors: RowError[];
  errorCount: number;
  unknownColumns: string[];
}

/** Validates every row of a table; `onProgress` after each 1,000 rows. */
export function validateTable(kind: ImportKind, table: Table, today: string, onProgress?: (done: number) => void): Validated<unknown> {
  const { fields, unknown, errors } = mapHeaders(kind, table.headers);
  if (errors.length > 0) return { values: [], errors, errorCount: errors.length, unknownColumns: unknown };
  const values: unknown[] = [];
  const all: RowError[] = [];
  const seen = new Map<string, number>();
  table.rows.forEach((r, i) => {
    const res = kind === 'complaints' ? complaintRow(r, fields, today) : kind === 'peers' ? peerRow(r, fields) : customerRow(r, fields);
    all.push(...res.errors);
    const raw = KEY_FIELDS[kind].map((f) => { for (const [h, x] of fields) if (x === f) return text(r.values[h] ?? null); return ''; });
    const key = raw.join('\u0000');
    const first = raw.every((k) => k !== '') ? seen.get(key) : undefined;
    if (first !== undefined) all.push({ row: r.row, field: KEY_FIELDS[kind][0]!, code: 'duplicate_in_file', message: `Same ${KEY_FIELDS[kind].join(' + ')} as row ${first}` });
    else {
      if (raw.every((k) => k !== '')) seen.set(key, r.row);
      if (res.value) values.push(res.value);
    }
    if ((i + 1) % 1000 === 0) onProgress?.(i + 1);
  });
  return { values, errors: all, errorCount: all.length, unknownColumns: unknown };
}
