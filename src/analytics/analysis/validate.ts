import { createHash } from 'node:crypto';
import { redact } from '../../privacy/redact.js';
import { addDays, dayOf, instantAt } from '../briefing/time.js';
import type { CellValue, RawRow, Table } from '../statistics/parse.js';
import { parseBool, parseDate, RowCheck, text, type RowError } from '../statistics/rows.js';
import { KINDS, type DatasetKind, type FieldDef, type Mapping } from './kinds.js';

// Row-by-row validation of a dataset file against its kind's declared schema,
// through the column mapping the analyst confirmed. The cell readers
// (RowCheck, parseDate, parseBool) are complaint statistics' own, so a date,
// a number or a product name is read the same way in every import.

export interface DatasetRowInput {
  /** The row's id, or `h:` + a hash of its values when the kind's file has no id. */
  key: string;
  occurredAt: string;
  /** Local calendar day of occurredAt (the period joins use). */
  day: string;
  customerId: string | null;
  product: string | null;
  channel: string | null;
  category: string | null;
  label: string | null;
  qty: number;
  amount: number | null;
  flag: boolean | null;
  /** Every normalised field of the row (free text redacted). */
  data: Record<string, string | number | boolean | null>;
}

const ID_RE = /^[A-Za-z0-9가-힣][A-Za-z0-9가-힣._:@#/-]*$/;
const LOCAL_RE = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const ZONED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An instant from what a file writes: an ISO time with a zone (2026-09-30T14:05:00+09:00),
 * a local wall-clock time (2026-09-30 14:05, 2026.09.30 14:05:10), a date alone
 * (local midnight) or a spreadsheet date cell (its wall clock, as Excel shows it). Null when not a time.
 */
export function parseDateTime(v: CellValue, tz: string): string | null {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    // Excel has no zones: the cell's UTC fields are the wall clock the sheet shows.
    const day = v.toISOString().slice(0, 10);
    return new Date(instantAt(day, v.getUTCHours() * 60 + v.getUTCMinutes(), tz).getTime() + v.getUTCSeconds() * 1000).toISOString();
  }
  const s = text(v);
  if (ZONED_RE.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  const m = LOCAL_RE.exec(s);
  const day = m ? parseDate(`${m[1]}-${m[2]}-${m[3]}`) : parseDate(s);
  if (!day) return null;
  const [h, min, sec] = m && m[4] !== undefined ? [+m[4], +m[5]!, +(m[6] ?? 0)] : [0, 0, 0];
  if (h > 23 || min > 59 || sec > 59) return null;
  return new Date(instantAt(day, h * 60 + min, tz).getTime() + sec * 1000).toISOString();
}

/** `h:` + the first 32 hex digits of SHA-256 over the kind and the row's normalised values in schema order. */
export function rowHash(kind: DatasetKind, data: Record<string, unknown>): string {
  const canonical = JSON.stringify([kind, ...KINDS[kind].fields.map((f) => data[f.field] ?? null)]);
  return `h:${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

type Value = string | number | boolean | null;

function readField(c: RowCheck, f: FieldDef, tz: string, today: string): Value {
  switch (f.type) {
    case 'id': {
      const s = c.str(f.field, f.max ?? 128, f.required);
      if (s === null) return null;
      if (!ID_RE.test(s)) { c.fail(f.field, 'invalid_id', `'${s}' is not a usable id (letters, digits, . _ : @ # / -)`); return null; }
      // A customer number is a key, not free text: one that looks like a resident,
      // card, account or phone number is refused rather than stored or masked (a
      // masked key would join every masked customer together).
      if (redact(s).redactions.length > 0) { c.fail(f.field, 'personal_data', `${f.field} looks like a resident, card, account or phone number; use the customer number instead`); return null; }
      return s;
    }
    case 'text': {
      const s = c.str(f.field, f.max ?? 200, f.required);
      return s === null ? null : redact(s).text;
    }
    case 'product': case 'channel':
      return c.term(f.field, f.type, f.required === true, null);
    case 'int':
      return c.whole(f.field, f.min ?? 0, f.maxValue ?? Number.MAX_SAFE_INTEGER, f.required) ?? (typeof f.default === 'number' ? f.default : null);
    case 'bool': {
      const b = parseBool(c.raw(f.field));
      if (b === 'invalid') { c.fail(f.field, 'invalid_value', `'${text(c.raw(f.field))}' is not yes/no`); return null; }
      return b;
    }
    case 'date': case 'datetime': {
      const raw = c.raw(f.field);
      if (text(raw) === '') { if (f.required) c.fail(f.field, 'required', `${f.field} is required`); return null; }
      const at = parseDateTime(raw, tz);
      if (!at) { c.fail(f.field, f.type === 'date' ? 'invalid_date' : 'invalid_datetime', `'${text(raw)}' is not a ${f.type === 'date' ? 'date (2026-09-30)' : 'date and time (2026-09-30 14:05)'}`); return null; }
      if (dayOf(new Date(at), tz) > today) { c.fail(f.field, 'future_date', `${text(raw)} is in the future`); return null; }
      return at;
    }
  }
}

/** One row → its normalised values, or its errors. */
export function datasetRow(kind: DatasetKind, r: RawRow, fields: Map<string, string>, tz: string, today: string): { value: DatasetRowInput | null; errors: RowError[] } {
  const c = new RowCheck(r.row, r.values, fields);
  const data: Record<string, Value> = {};
  for (const f of KINDS[kind].fields) data[f.field] = readField(c, f, tz, today);
  if (c.errors.length > 0) return { value: null, errors: c.errors };
  const col = (name: string): Value => { const f = KINDS[kind].fields.find((x) => x.column === name); return f ? data[f.field] ?? null : null; };
  const occurredAt = col('occurredAt') as string;
  const id = col('key') as string | null;
  return {
    value: {
      key: id ?? rowHash(kind, data), occurredAt, day: dayOf(new Date(occurredAt), tz), customerId: col('customer') as string | null,
      product: col('product') as string | null, channel: col('channel') as string | null, category: col('category') as string | null,
      label: col('label') as string | null, qty: (col('qty') as number | null) ?? 1, amount: col('amount') as number | null,
      flag: col('flag') as boolean | null, data,
    },
    errors: [],
  };
}

export interface ValidatedRows {
  values: DatasetRowInput[];
  errors: RowError[];
  errorCount: number;
  /** Local days the rows cover. */
  firstDay: string | null;
  lastDay: string | null;
}

/** Every row of a table through the mapping; `onProgress` after each 1,000 rows. Duplicate ids (or identical id-less rows) are errors. */
export function validateRows(kind: DatasetKind, table: Table, mapping: Mapping, tz: string, today: string, onProgress?: (done: number) => void): ValidatedRows {
  const fields = new Map(Object.entries(mapping).filter((e): e is [string, string] => e[1] !== null));
  const values: DatasetRowInput[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  let firstDay: string | null = null;
  let lastDay: string | null = null;
  table.rows.forEach((r, i) => {
    const res = datasetRow(kind, r, fields, tz, today);
    errors.push(...res.errors);
    if (res.value) {
      const v = res.value;
      const first = seen.get(v.key);
      if (first !== undefined) {
        errors.push({ row: r.row, field: v.key.startsWith('h:') ? '*' : 'id', code: 'duplicate_in_file', message: v.key.startsWith('h:') ? `Identical to row ${first}: add an id column or add the rows up` : `Same id as row ${first}` });
      } else {
        seen.set(v.key, r.row);
        values.push(v);
        if (firstDay === null || v.day < firstDay) firstDay = v.day;
        if (lastDay === null || v.day > lastDay) lastDay = v.day;
      }
    }
    if ((i + 1) % 1000 === 0) onProgress?.(i + 1);
  });
  return { values, errors, errorCount: errors.length, firstDay, lastDay };
}

/** The day after `day` (periods are half-open). */
export const nextDay = (day: string) => addDays(day, 1);
