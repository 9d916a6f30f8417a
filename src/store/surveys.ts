import { caseRef } from '../vom/workflow.js';
import type { Queryable, Row } from './db.js';
import { isoTime as iso } from './rows.js';

// Storage of consumer evaluation (migration 011): survey responses, outside
// benchmarks and the import history. SQL only; the indices are computed in
// src/analytics/surveys from the score histograms read here.

export type SurveyMetric = 'nps' | 'csat' | 'ces';
export type Dimension = 'touchpoint' | 'product' | 'segment';
export const DIMENSIONS: readonly Dimension[] = ['touchpoint', 'product', 'segment'];

/** A validated response, comment already redacted. */
export interface NewResponse {
  externalId: string;
  metric: SurveyMetric;
  score: number;
  touchpoint: string;
  product: string | null;
  segment: string | null;
  respondedAt: string;
  comment: string | null;
  callId: string | null;
  customerId: string | null;
  caseId: string | null;
}

export interface ResponseFilter {
  from: string;
  to: string;
  touchpoint?: string;
  product?: string;
  segment?: string;
  metric?: SurveyMetric;
}


/** WHERE clause of a filter; parameters start at $1. */
function where(f: ResponseFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.from, f.to];
  const parts = ['responded_at >= $1', 'responded_at < $2'];
  for (const [col, v] of [['touchpoint', f.touchpoint], ['product', f.product], ['segment', f.segment], ['metric', f.metric]] as const) {
    if (v === undefined) continue;
    params.push(v);
    parts.push(`${col} = $${params.length}`);
  }
  return { sql: parts.join(' AND '), params };
}

/** Inserts responses; an external id already stored is skipped. Returns the ids stored now. */
export async function insertResponses(q: Queryable, rows: readonly NewResponse[], meta: { source: 'api' | 'import'; importId: string | null; createdBy: string }): Promise<Set<string>> {
  const created = new Set<string>();
  for (let i = 0; i < rows.length; i += 1000) {
    const c = rows.slice(i, i + 1000);
    const col = <K extends keyof NewResponse>(k: K) => c.map((r) => r[k]);
    const res = await q.query(
      `INSERT INTO survey_responses (external_id, metric, score, touchpoint, product, segment, responded_at, comment, call_id, customer_id, case_id, source, import_id, created_by)
       SELECT e, m, s, t, p, g, r, cm, cl, cu, cs, $12, $13, $14
       FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS x(e, m, s, t, p, g, r, cm, cl, cu, cs)
       ON CONFLICT (external_id) DO NOTHING
       RETURNING external_id`,
      [col('externalId'), col('metric'), col('score'), col('touchpoint'), col('product'), col('segment'), col('respondedAt'), col('comment'),
        col('callId'), col('customerId'), col('caseId'), meta.source, meta.importId, meta.createdBy],
    );
    for (const r of res) created.add(r.external_id);
  }
  return created;
}

/** Which of these external ids are stored already (a dry run's "unchanged"). */
export async function existingIds(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await q.query('SELECT external_id FROM survey_responses WHERE external_id = ANY($1::text[])', [ids.slice(i, i + 5000)]);
    for (const r of rows) out.add(r.external_id);
  }
  return out;
}

export interface HistogramRow {
  key: string | null;
  metric: SurveyMetric;
  score: number;
  n: number;
}

/** Counts per (metric, score), optionally per value of a dimension. */
export async function histogram(q: Queryable, f: ResponseFilter, by?: Dimension): Promise<HistogramRow[]> {
  const w = where(f);
  const key = by ? by : 'NULL::text';
  const rows = await q.query(
    `SELECT ${key} AS key, metric, score, count(*)::int AS n FROM survey_responses WHERE ${w.sql} GROUP BY 1, 2, 3`,
    w.params,
  );
  return rows.map((r) => ({ key: r.key, metric: r.metric, score: Number(r.score), n: r.n }));
}

/** Counts per (local bucket start day, metric, score); `unit` is week|month|quarter (date_trunc's names). */
export async function bucketHistogram(q: Queryable, f: ResponseFilter, unit: 'week' | 'month' | 'quarter', tz: string): Promise<HistogramRow[]> {
  const w = where(f);
  const rows = await q.query(
    `SELECT to_char(date_trunc($${w.params.length + 1}, responded_at AT TIME ZONE $${w.params.length + 2}), 'YYYY-MM-DD') AS key, metric, score, count(*)::int AS n
     FROM survey_responses WHERE ${w.sql} GROUP BY 1, 2, 3`,
    [...w.params, unit, tz],
  );
  return rows.map((r) => ({ key: r.key, metric: r.metric, score: Number(r.score), n: r.n }));
}

export interface Facets {
  touchpoint: { value: string; n: number }[];
  product: { value: string; n: number }[];
  segment: { value: string; n: number }[];
  total: number;
  first: string | null;
  last: string | null;
}

/** The values of each dimension (for filters), most answered first. */
export async function facets(q: Queryable): Promise<Facets> {
  const rows = await q.query(
    `SELECT 'touchpoint' AS dim, touchpoint AS value, count(*)::int AS n FROM survey_responses GROUP BY touchpoint
     UNION ALL SELECT 'product', product, count(*)::int FROM survey_responses WHERE product IS NOT NULL GROUP BY product
     UNION ALL SELECT 'segment', segment, count(*)::int FROM survey_responses WHERE segment IS NOT NULL GROUP BY segment`,
  );
  const [span] = await q.query('SELECT count(*)::int AS n, min(responded_at) AS first, max(responded_at) AS last FROM survey_responses');
  const out: Facets = { touchpoint: [], product: [], segment: [], total: span!.n, first: span!.first ? iso(span!.first) : null, last: span!.last ? iso(span!.last) : null };
  for (const r of rows) out[r.dim as Dimension].push({ value: r.value, n: r.n });
  for (const d of DIMENSIONS) out[d].sort((a, b) => b.n - a.n || a.value.localeCompare(b.value));
  return out;
}

/** A stored response that has a comment, with what its links point at now. */
export interface SurveyComment extends Omit<NewResponse, 'comment'> {
  comment: string;
  /** Set when the linked call is still stored (the console links to it then). */
  callExists: boolean;
  /** The linked case's reference (VOM-000123) when the case exists. */
  caseRef: string | null;
}

/** Recent responses with a comment, newest first. */
export async function listComments(q: Queryable, f: ResponseFilter, limit: number, offset: number): Promise<{ items: SurveyComment[]; total: number }> {
  const w = where(f);
  const n = w.params.length;
  const rows = await q.query(
    `SELECT s.*, (c.id IS NOT NULL) AS call_exists, k.number AS case_number, count(*) OVER ()::int AS total
     FROM (SELECT * FROM survey_responses WHERE comment IS NOT NULL AND ${w.sql}) s
     LEFT JOIN calls c ON c.id = s.call_id
     LEFT JOIN cases k ON k.id = s.case_id
     ORDER BY s.responded_at DESC, s.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...w.params, limit, offset],
  );
  return {
    total: rows[0]?.total ?? (offset > 0 ? (await q.query(`SELECT count(*)::int AS n FROM survey_responses WHERE comment IS NOT NULL AND ${w.sql}`, w.params))[0]!.n : 0),
    items: rows.map((r) => ({
      externalId: r.external_id, metric: r.metric, score: Number(r.score), touchpoint: r.touchpoint, product: r.product, segment: r.segment,
      respondedAt: iso(r.responded_at), comment: r.comment, callId: r.call_id, customerId: r.customer_id, caseId: r.case_id,
      callExists: r.call_exists, caseRef: r.case_number == null ? null : caseRef(Number(r.case_number)),
    })),
  };
}

// ---- benchmarks ----

export interface Benchmark {
  id: string;
  metric: SurveyMetric;
  period: string;
  source: string;
  subject: string;
  subjectKind: 'company' | 'industry';
  value: number;
  note: string | null;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export type BenchmarkFields = Omit<Benchmark, 'id' | 'updatedBy' | 'createdAt' | 'updatedAt'>;

function toBenchmark(r: Row): Benchmark {
  return {
    id: r.id, metric: r.metric, period: r.period, source: r.source, subject: r.subject, subjectKind: r.subject_kind, value: Number(r.value),
    note: r.note, updatedBy: r.updated_by, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

export async function listBenchmarks(q: Queryable, f: { metric?: SurveyMetric; period?: string } = {}): Promise<Benchmark[]> {
  const rows = await q.query(
    `SELECT * FROM survey_benchmarks WHERE ($1::text IS NULL OR metric = $1) AND ($2::text IS NULL OR period = $2)
     ORDER BY period DESC, metric, subject_kind DESC, value DESC, subject`,
    [f.metric ?? null, f.period ?? null],
  );
  return rows.map(toBenchmark);
}

export async function getBenchmark(q: Queryable, id: string, lock = false): Promise<Benchmark | null> {
  const [r] = await q.query(`SELECT * FROM survey_benchmarks WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toBenchmark(r) : null;
}

/** The benchmark with the same natural key (metric, period, source, subject), if any. */
export async function findBenchmark(q: Queryable, b: Pick<BenchmarkFields, 'metric' | 'period' | 'source' | 'subject'>): Promise<Benchmark | null> {
  const [r] = await q.query('SELECT * FROM survey_benchmarks WHERE metric = $1 AND period = $2 AND source = $3 AND subject = $4', [b.metric, b.period, b.source, b.subject]);
  return r ? toBenchmark(r) : null;
}

/** Inserts, or replaces the value of the same (metric, period, source, subject). `created` tells which. */
export async function upsertBenchmark(q: Queryable, id: string, b: BenchmarkFields, by: string): Promise<{ benchmark: Benchmark; created: boolean }> {
  const [r] = await q.query(
    `INSERT INTO survey_benchmarks (id, metric, period, source, subject, subject_kind, value, note, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (metric, period, source, subject) DO UPDATE
       SET subject_kind = EXCLUDED.subject_kind, value = EXCLUDED.value, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING *, (xmax = 0) AS inserted`,
    [id, b.metric, b.period, b.source, b.subject, b.subjectKind, b.value, b.note, by],
  );
  return { benchmark: toBenchmark(r!), created: r!.inserted === true };
}

export async function updateBenchmark(q: Queryable, id: string, b: BenchmarkFields, by: string): Promise<Benchmark | null> {
  const [r] = await q.query(
    `UPDATE survey_benchmarks SET metric = $2, period = $3, source = $4, subject = $5, subject_kind = $6, value = $7, note = $8, updated_by = $9, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, b.metric, b.period, b.source, b.subject, b.subjectKind, b.value, b.note, by],
  );
  return r ? toBenchmark(r) : null;
}

export async function deleteBenchmark(q: Queryable, id: string): Promise<Benchmark | null> {
  const [r] = await q.query('DELETE FROM survey_benchmarks WHERE id = $1 RETURNING *', [id]);
  return r ? toBenchmark(r) : null;
}

// ---- imports ----

export interface SurveyImport {
  id: string;
  kind: 'responses' | 'benchmarks';
  filename: string;
  format: string;
  rows: number;
  created: number;
  unchanged: number;
  updated: number;
  createdBy: string;
  createdAt: string;
}

export async function insertImport(q: Queryable, i: Omit<SurveyImport, 'createdAt'>): Promise<SurveyImport> {
  const [r] = await q.query(
    `INSERT INTO survey_imports (id, kind, filename, format, rows, created, unchanged, updated, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING created_at`,
    [i.id, i.kind, i.filename, i.format, i.rows, i.created, i.unchanged, i.updated, i.createdBy],
  );
  return { ...i, createdAt: iso(r!.created_at) };
}

export async function listImports(q: Queryable, limit: number): Promise<SurveyImport[]> {
  const rows = await q.query('SELECT * FROM survey_imports ORDER BY created_at DESC, id DESC LIMIT $1', [limit]);
  return rows.map((r) => ({
    id: r.id, kind: r.kind, filename: r.filename, format: r.format, rows: r.rows, created: r.created, unchanged: r.unchanged,
    updated: r.updated, createdBy: r.created_by, createdAt: iso(r.created_at),
  }));
}
