import { METRICS, SCALES, type Metric } from './indices.js';

// Validation of survey responses and benchmarks, shared by the API (one,
// batch) and the file import, so every path refuses the same things with the
// same machine-readable codes. A record is checked whole: every problem is
// reported, each as {field, code, message}; nothing is stored unless all pass.

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** A response as the API takes it (camelCase JSON). */
export interface ResponseInput {
  externalId: string;
  metric: Metric;
  score: number;
  touchpoint: string;
  product?: string | null;
  segment?: string | null;
  respondedAt: string;
  comment?: string | null;
  callId?: string | null;
  customerId?: string | null;
  caseId?: string | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export const LIMITS = {
  id: 128,
  touchpoint: 50,
  label: 100,
  comment: 2000,
  /** A response may be dated a little ahead (clock skew between systems), not more. */
  futureSkewMs: 10 * 60_000,
  /** Responses per batch request. */
  batch: 1000,
} as const;

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;
/** RFC 3339 date-time with a zone (what the API takes). */
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

const RESPONSE_FIELDS = ['externalId', 'metric', 'score', 'touchpoint', 'product', 'segment', 'respondedAt', 'comment', 'callId', 'customerId', 'caseId'] as const;
const REQUIRED: readonly string[] = ['externalId', 'metric', 'score', 'touchpoint', 'respondedAt'];

const err = (field: string, code: string, message: string): FieldError => ({ field, code, message });

/** A present value's text, or an error; absent (undefined/null) → undefined. Text is trimmed and NFC-normalised. */
function text(rec: Record<string, unknown>, field: string, max: number, errors: FieldError[]): string | undefined {
  const v = rec[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') { errors.push(err(field, 'invalid_type', `${field} must be a string`)); return undefined; }
  const s = v.normalize('NFC').trim();
  if (s === '') return undefined;
  if (s.length > max) { errors.push(err(field, 'too_long', `${field} is longer than ${max} characters`)); return undefined; }
  return s;
}

function id(rec: Record<string, unknown>, field: string, errors: FieldError[]): string | undefined {
  const s = text(rec, field, LIMITS.id, errors);
  if (s !== undefined && !ID_RE.test(s)) { errors.push(err(field, 'invalid_id', `${field} may hold letters, digits and . _ : @ / - (starting with a letter or digit)`)); return undefined; }
  return s;
}

/** Checks one response; `now` (ms) bounds how far ahead respondedAt may be. */
export function checkResponse(raw: unknown, now: number): Checked<ResponseInput> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [err('', 'invalid_type', 'a response must be an object')] };
  const rec = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const k of Object.keys(rec)) if (!(RESPONSE_FIELDS as readonly string[]).includes(k)) errors.push(err(k, 'unknown_field', `'${k}' is not a field of a survey response`));
  for (const k of REQUIRED) if (rec[k] === undefined || rec[k] === null || rec[k] === '') errors.push(err(k, 'missing_field', `${k} is required`));

  const externalId = id(rec, 'externalId', errors);
  let metric: Metric | undefined;
  if (rec.metric !== undefined && rec.metric !== null && rec.metric !== '') {
    if (typeof rec.metric !== 'string') errors.push(err('metric', 'invalid_type', 'metric must be a string'));
    else if (!(METRICS as readonly string[]).includes(rec.metric)) errors.push(err('metric', 'unknown_metric', `metric must be one of ${METRICS.join(', ')}, got '${rec.metric.slice(0, 40)}'`));
    else metric = rec.metric as Metric;
  }
  let score: number | undefined;
  if (rec.score !== undefined && rec.score !== null && rec.score !== '') {
    if (typeof rec.score !== 'number' || !Number.isFinite(rec.score)) errors.push(err('score', 'invalid_type', 'score must be a number'));
    else if (!Number.isInteger(rec.score)) errors.push(err('score', 'score_not_integer', `score must be a whole number, got ${rec.score}`));
    else if (metric) {
      const { min, max } = SCALES[metric];
      if (rec.score < min || rec.score > max) errors.push(err('score', 'score_out_of_range', `${metric} scores run from ${min} to ${max}, got ${rec.score}`));
      else score = rec.score;
    } else score = rec.score;
  }
  const touchpoint = text(rec, 'touchpoint', LIMITS.touchpoint, errors);
  const product = text(rec, 'product', LIMITS.label, errors);
  const segment = text(rec, 'segment', LIMITS.label, errors);
  let respondedAt: string | undefined;
  if (rec.respondedAt !== undefined && rec.respondedAt !== null && rec.respondedAt !== '') {
    if (typeof rec.respondedAt !== 'string') errors.push(err('respondedAt', 'invalid_type', 'respondedAt must be a date-time string'));
    else {
      const t = Date.parse(rec.respondedAt);
      if (!DATE_TIME_RE.test(rec.respondedAt) || Number.isNaN(t) || !sameCalendarDate(rec.respondedAt, t)) {
        errors.push(err('respondedAt', 'invalid_time', `respondedAt must be an ISO 8601 date-time with a zone (e.g. 2026-11-20T14:30:00+09:00), got '${rec.respondedAt.slice(0, 40)}'`));
      } else if (t > now + LIMITS.futureSkewMs) errors.push(err('respondedAt', 'time_in_future', 'respondedAt lies in the future'));
      else respondedAt = new Date(t).toISOString();
    }
  }
  const comment = text(rec, 'comment', LIMITS.comment, errors);
  const callId = id(rec, 'callId', errors);
  const customerId = id(rec, 'customerId', errors);
  const caseId = id(rec, 'caseId', errors);
  // Blank text ('  ') is as good as missing.
  for (const [k, v] of [['externalId', externalId], ['touchpoint', touchpoint]] as const) {
    if (v === undefined && !errors.some((e) => e.field === k)) errors.push(err(k, 'missing_field', `${k} is required`));
  }
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  return {
    ok: true,
    value: {
      externalId: externalId!, metric: metric!, score: score!, touchpoint: touchpoint!, respondedAt: respondedAt!,
      product: product ?? null, segment: segment ?? null, comment: comment ?? null, callId: callId ?? null, customerId: customerId ?? null, caseId: caseId ?? null,
    },
  };
}

/** Date.parse rolls 2026-02-30 over to March; a date that is no calendar date is refused. */
function sameCalendarDate(s: string, t: number): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(y!, m! - 1, d!));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m! - 1 && probe.getUTCDate() === d && !Number.isNaN(t);
}

/** One error per field and code (missing_field and the type check can both fire on ''). */
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.field}\u0000${e.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface IndexedError extends FieldError {
  /** 1-based: the item's position in a batch or JSON file, the sheet's row number in CSV/xlsx. */
  row: number;
}

/**
 * Checks a batch or file record by record with `check`; an external id twice in
 * the same set is an error on the second (which one would win is not for us to
 * guess). Shared by every import keyed by external id (responses, panel members).
 */
export function checkEach<T extends { externalId: string }>(records: readonly { row: number; record: unknown }[], check: (raw: unknown) => Checked<T>): { values: T[]; errors: IndexedError[] } {
  const values: T[] = [];
  const errors: IndexedError[] = [];
  const firstRow = new Map<string, number>();
  for (const { row, record } of records) {
    const c = check(record);
    if (!c.ok) { for (const e of c.errors) errors.push({ row, ...e }); continue; }
    const prev = firstRow.get(c.value.externalId);
    if (prev !== undefined) { errors.push({ row, field: 'externalId', code: 'duplicate_id', message: `externalId '${c.value.externalId}' already appears in row ${prev}` }); continue; }
    firstRow.set(c.value.externalId, row);
    values.push(c.value);
  }
  return { values, errors };
}

/** Checks many responses (an external id twice is an error on the second). */
export function checkResponses(records: readonly { row: number; record: unknown }[], now: number): { values: ResponseInput[]; errors: IndexedError[] } {
  return checkEach(records, (raw) => checkResponse(raw, now));
}

// ---- benchmarks ----

export interface BenchmarkInput {
  metric: Metric;
  period: string;
  source: string;
  subject: string;
  subjectKind: 'company' | 'industry';
  value: number;
  note?: string | null;
}

/** A benchmark's value is in our headline's unit, so it must lie in that unit's range. */
export const BENCHMARK_RANGE: Readonly<Record<Metric, { min: number; max: number }>> = {
  nps: { min: -100, max: 100 },
  csat: { min: 0, max: 100 },
  ces: { min: 1, max: 7 },
};

export const PERIOD_RE = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
const BENCHMARK_FIELDS = ['metric', 'period', 'source', 'subject', 'subjectKind', 'value', 'note'];

/** Checks a benchmark; `partial` for an edit (only the fields given, at least one). */
export function checkBenchmark(raw: unknown, partial = false): Checked<Partial<BenchmarkInput>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [err('', 'invalid_type', 'a benchmark must be an object')] };
  const rec = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const k of Object.keys(rec)) if (!BENCHMARK_FIELDS.includes(k)) errors.push(err(k, 'unknown_field', `'${k}' is not a field of a benchmark`));
  const required = partial ? [] : ['metric', 'period', 'source', 'subject', 'subjectKind', 'value'];
  for (const k of required) if (rec[k] === undefined || rec[k] === null || rec[k] === '') errors.push(err(k, 'missing_field', `${k} is required`));
  if (partial && Object.keys(rec).length === 0) errors.push(err('', 'missing_field', 'nothing to change'));
  const out: Partial<BenchmarkInput> = {};
  if (rec.metric !== undefined && rec.metric !== null && rec.metric !== '') {
    if (typeof rec.metric !== 'string' || !(METRICS as readonly string[]).includes(rec.metric)) errors.push(err('metric', 'unknown_metric', `metric must be one of ${METRICS.join(', ')}`));
    else out.metric = rec.metric as Metric;
  }
  if (rec.period !== undefined && rec.period !== null && rec.period !== '') {
    if (typeof rec.period !== 'string' || !PERIOD_RE.test(rec.period)) errors.push(err('period', 'invalid_period', 'period must be YYYY, YYYY-Qn or YYYY-MM (e.g. 2026, 2026-Q3, 2026-09)'));
    else out.period = rec.period;
  }
  const source = text(rec, 'source', LIMITS.label, errors);
  if (source !== undefined) out.source = source;
  const subject = text(rec, 'subject', LIMITS.label, errors);
  if (subject !== undefined) out.subject = subject;
  for (const [k, v] of [['source', source], ['subject', subject]] as const) {
    if (!partial && v === undefined && !errors.some((e) => e.field === k)) errors.push(err(k, 'missing_field', `${k} is required`));
  }
  if (rec.subjectKind !== undefined && rec.subjectKind !== null && rec.subjectKind !== '') {
    if (rec.subjectKind !== 'company' && rec.subjectKind !== 'industry') errors.push(err('subjectKind', 'invalid_subject_kind', "subjectKind must be 'company' or 'industry'"));
    else out.subjectKind = rec.subjectKind;
  }
  if (rec.value !== undefined && rec.value !== null && rec.value !== '') {
    if (typeof rec.value !== 'number' || !Number.isFinite(rec.value)) errors.push(err('value', 'invalid_type', 'value must be a number'));
    else out.value = rec.value;
  }
  if (rec.note !== undefined) {
    if (rec.note === null || rec.note === '') out.note = null;
    else { const note = text(rec, 'note', 500, errors); if (note !== undefined) out.note = note; }
  }
  if (out.metric && out.value !== undefined) {
    const r = BENCHMARK_RANGE[out.metric];
    if (out.value < r.min || out.value > r.max) errors.push(err('value', 'value_out_of_range', `${out.metric} benchmarks are given on ${r.min}..${r.max} (our headline's unit), got ${out.value}`));
  }
  return errors.length > 0 ? { ok: false, errors: dedupe(errors) } : { ok: true, value: out };
}
