import type { DayCount, DimensionCount } from '../analytics/statistics/compute.js';
import type { PeerFigure } from '../analytics/statistics/peers.js';
import type { ComplaintRecordInput, CustomerBaseInput, PeerInput, RowError } from '../analytics/statistics/rows.js';
import type { Queryable, Row } from './db.js';
import { failStaleImports as failStale, isoTime as iso } from './rows.js';

// Storage of complaint statistics (migration 010). SQL only; the figures are
// made in src/analytics/statistics.
//
// Complaints are counted from two sources at query time (COMPLAINTS below):
// the stored complaint records, and the VOM's own cases — read live from
// `cases`, classified by `case_classifications` where an officer gave one —
// less rejected cases and cases a record already stands for. Reading the cases
// at query time is what keeps the statistics in step with every case created,
// changed or rejected, with no copy to maintain.

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const dayText = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Complaints received in [$1, $2) (local days), as one relation; $3 is the time zone of the cases' local days. */
const COMPLAINTS = `
  SELECT r.received_on AS day, r.channel, r.product, r.complaint_type AS type, r.cause, r.scope, r.external_body, r.severity
  FROM complaint_records r
  WHERE r.received_on >= $1::date AND r.received_on < $2::date
  UNION ALL
  SELECT (k.created_at AT TIME ZONE $3)::date,
         coalesce(c.channel, CASE WHEN k.source = 'alert' THEN 'phone' ELSE 'unspecified' END),
         coalesce(c.product, 'unspecified'), coalesce(c.complaint_type, 'unspecified'), coalesce(c.cause, 'unspecified'),
         coalesce(c.scope, 'internal'), c.external_body, k.severity
  FROM cases k LEFT JOIN case_classifications c ON c.case_id = k.id
  WHERE k.status <> 'rejected'
    AND k.created_at >= ($1::date::timestamp AT TIME ZONE $3) AND k.created_at < ($2::date::timestamp AT TIME ZONE $3)
    AND NOT EXISTS (SELECT 1 FROM complaint_records x WHERE x.case_id = k.id)`;

export async function countsByDimension(q: Queryable, from: string, to: string, tz: string): Promise<DimensionCount[]> {
  const rows = await q.query(
    `SELECT channel, product, type, cause, scope, external_body, severity, count(*)::int AS n
     FROM (${COMPLAINTS}) x GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    [from, to, tz],
  );
  return rows.map((r) => ({
    channel: r.channel, product: r.product, type: r.type, cause: r.cause, scope: r.scope, externalBody: r.external_body, severity: Number(r.severity), count: r.n,
  }));
}

export async function countsByDay(q: Queryable, from: string, to: string, tz: string): Promise<DayCount[]> {
  const rows = await q.query(`SELECT day, scope, count(*)::int AS n FROM (${COMPLAINTS}) x GROUP BY 1, 2 ORDER BY 1`, [from, to, tz]);
  return rows.map((r) => ({ day: dayText(r.day), scope: r.scope, count: r.n }));
}

// ---- complaint records ----

export interface ComplaintRecord extends ComplaintRecordInput {
  id: string;
  sourceSystem: string;
  importId: string | null;
  createdAt: string;
  updatedAt: string;
}

const toRecord = (r: Row): ComplaintRecord => ({
  id: r.id, sourceSystem: r.source_system, externalId: r.external_id, receivedOn: dayText(r.received_on), channel: r.channel, product: r.product,
  type: r.complaint_type, cause: r.cause, scope: r.scope, externalBody: r.external_body, severity: Number(r.severity), status: r.status,
  customerId: r.customer_id, caseId: r.case_id, summary: r.summary, importId: r.import_id, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Adds records, or updates the ones whose (source system, external id) is
 * already stored; a row identical to the stored one is left alone (counted
 * unchanged). One statement per call; callers chunk.
 */
export async function upsertRecords(q: Queryable, sourceSystem: string, recs: readonly ComplaintRecordInput[], ids: readonly string[], importId: string | null): Promise<UpsertCounts> {
  if (recs.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const col = <K extends keyof ComplaintRecordInput>(k: K) => recs.map((r) => r[k]);
  const rows = await q.query(
    `INSERT INTO complaint_records AS t (id, source_system, external_id, received_on, channel, product, complaint_type, cause, scope, external_body,
                                      severity, status, customer_id, case_id, summary, import_id)
     SELECT u.id, $1, u.external_id, u.received_on, u.channel, u.product, u.complaint_type, u.cause, u.scope, u.external_body,
            u.severity, u.status, u.customer_id, u.case_id, u.summary, $15
     FROM unnest($2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                 $11::smallint[], $12::text[], $13::text[], $14::text[], $16::text[])
          AS u(id, external_id, received_on, channel, product, complaint_type, cause, scope, external_body, severity, status, customer_id, case_id, summary)
     ON CONFLICT (source_system, external_id) DO UPDATE SET
       received_on = EXCLUDED.received_on, channel = EXCLUDED.channel, product = EXCLUDED.product, complaint_type = EXCLUDED.complaint_type,
       cause = EXCLUDED.cause, scope = EXCLUDED.scope, external_body = EXCLUDED.external_body, severity = EXCLUDED.severity,
       status = EXCLUDED.status, customer_id = EXCLUDED.customer_id, case_id = EXCLUDED.case_id, summary = EXCLUDED.summary,
       import_id = EXCLUDED.import_id, updated_at = now()
     WHERE (t.received_on, t.channel, t.product, t.complaint_type, t.cause, t.scope, t.external_body, t.severity, t.status, t.customer_id, t.case_id, t.summary)
       IS DISTINCT FROM (EXCLUDED.received_on, EXCLUDED.channel, EXCLUDED.product, EXCLUDED.complaint_type, EXCLUDED.cause, EXCLUDED.scope,
                         EXCLUDED.external_body, EXCLUDED.severity, EXCLUDED.status, EXCLUDED.customer_id, EXCLUDED.case_id, EXCLUDED.summary)
     RETURNING (xmax = 0) AS inserted`,
    [sourceSystem, ids, col('externalId'), col('receivedOn'), col('channel'), col('product'), col('type'), col('cause'), col('scope'),
      col('externalBody'), col('severity'), col('status'), col('customerId'), col('caseId'), importId, col('summary')],
  );
  const inserted = rows.filter((r) => r.inserted === true).length;
  return { inserted, updated: rows.length - inserted, unchanged: recs.length - rows.length };
}

/** Which of these case ids exist. */
export async function existingCases(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q.query('SELECT id FROM cases WHERE id = ANY($1::text[])', [ids]);
  return new Set(rows.map((r) => r.id as string));
}

export interface RecordFilter {
  from?: string;
  to?: string;
  scope?: string;
  channel?: string;
  product?: string;
  type?: string;
  sourceSystem?: string;
  limit: number;
  offset?: number;
}

export async function listRecords(q: Queryable, f: RecordFilter): Promise<{ items: ComplaintRecord[]; total: number }> {
  const rows = await q.query(
    `SELECT *, count(*) OVER () AS total FROM complaint_records
     WHERE ($3::date IS NULL OR received_on >= $3) AND ($4::date IS NULL OR received_on < $4) AND ($5::text IS NULL OR scope = $5)
       AND ($6::text IS NULL OR channel = $6) AND ($7::text IS NULL OR product = $7) AND ($8::text IS NULL OR complaint_type = $8)
       AND ($9::text IS NULL OR source_system = $9)
     ORDER BY received_on DESC, source_system, external_id LIMIT $1 OFFSET $2`,
    [f.limit, f.offset ?? 0, f.from ?? null, f.to ?? null, f.scope ?? null, f.channel ?? null, f.product ?? null, f.type ?? null, f.sourceSystem ?? null],
  );
  return { items: rows.map(toRecord), total: Number(rows[0]?.total ?? 0) };
}

export async function getRecord(q: Queryable, sourceSystem: string, externalId: string): Promise<ComplaintRecord | null> {
  const rows = await q.query('SELECT * FROM complaint_records WHERE source_system = $1 AND external_id = $2', [sourceSystem, externalId]);
  return rows[0] ? toRecord(rows[0]) : null;
}

// ---- case classification ----

export interface CaseClassification {
  caseId: string;
  channel: string;
  product: string;
  type: string;
  cause: string;
  scope: 'internal' | 'external';
  externalBody: string | null;
  updatedBy: string;
  updatedAt: string;
}

export async function upsertCaseClassification(q: Queryable, c: Omit<CaseClassification, 'updatedAt'>): Promise<CaseClassification> {
  const [r] = await q.query(
    `INSERT INTO case_classifications (case_id, channel, product, complaint_type, cause, scope, external_body, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (case_id) DO UPDATE SET channel = EXCLUDED.channel, product = EXCLUDED.product, complaint_type = EXCLUDED.complaint_type,
       cause = EXCLUDED.cause, scope = EXCLUDED.scope, external_body = EXCLUDED.external_body, updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING *`,
    [c.caseId, c.channel, c.product, c.type, c.cause, c.scope, c.externalBody, c.updatedBy],
  );
  return toClassification(r!);
}

const toClassification = (r: Row): CaseClassification => ({
  caseId: r.case_id, channel: r.channel, product: r.product, type: r.complaint_type, cause: r.cause, scope: r.scope, externalBody: r.external_body,
  updatedBy: r.updated_by, updatedAt: iso(r.updated_at),
});

export async function getCaseClassification(q: Queryable, caseId: string): Promise<CaseClassification | null> {
  const rows = await q.query('SELECT * FROM case_classifications WHERE case_id = $1', [caseId]);
  return rows[0] ? toClassification(rows[0]) : null;
}

// ---- customer base ----

export interface CustomerBaseEntry extends CustomerBaseInput {
  updatedBy: string;
  updatedAt: string;
}

const toBase = (r: Row): CustomerBaseEntry => ({ period: r.period, customers: Number(r.customers), note: r.note, updatedBy: r.updated_by, updatedAt: iso(r.updated_at) });

export async function listCustomerBase(q: Queryable): Promise<CustomerBaseEntry[]> {
  return (await q.query('SELECT * FROM customer_base ORDER BY period DESC')).map(toBase);
}

export async function customerBaseFor(q: Queryable, periods: readonly string[]): Promise<Map<string, number>> {
  const rows = await q.query('SELECT period, customers FROM customer_base WHERE period = ANY($1::text[])', [periods]);
  return new Map(rows.map((r) => [r.period as string, Number(r.customers)]));
}

/** Sets one period's customers; returns the entry before (null when new) and after. */
export async function upsertCustomerBase(q: Queryable, e: CustomerBaseInput, by: string): Promise<{ before: CustomerBaseEntry | null; after: CustomerBaseEntry }> {
  const [old] = await q.query('SELECT * FROM customer_base WHERE period = $1 FOR UPDATE', [e.period]);
  const [r] = await q.query(
    `INSERT INTO customer_base (period, customers, note, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (period) DO UPDATE SET customers = EXCLUDED.customers, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING *`,
    [e.period, e.customers, e.note, by],
  );
  return { before: old ? toBase(old) : null, after: toBase(r!) };
}

export async function deleteCustomerBase(q: Queryable, period: string): Promise<CustomerBaseEntry | null> {
  const rows = await q.query('DELETE FROM customer_base WHERE period = $1 RETURNING *', [period]);
  return rows[0] ? toBase(rows[0]) : null;
}

// ---- peer figures ----

const toPeer = (r: Row): PeerFigure => ({
  company: r.company, period: r.period, isSelf: r.is_self, complaints: num(r.complaints), converted: num(r.converted),
  complaintsChangePct: num(r.complaints_change_pct), convertedChangePct: num(r.converted_change_pct), source: r.source,
  updatedBy: r.updated_by, updatedAt: iso(r.updated_at),
});

export async function listPeers(q: Queryable, period: string): Promise<PeerFigure[]> {
  return (await q.query('SELECT * FROM peer_figures WHERE period = $1 ORDER BY is_self DESC, company', [period])).map(toPeer);
}

export async function peerPeriods(q: Queryable): Promise<{ period: string; companies: number }[]> {
  const rows = await q.query('SELECT period, count(*)::int AS n FROM peer_figures GROUP BY period ORDER BY period DESC');
  return rows.map((r) => ({ period: r.period, companies: r.n }));
}

/**
 * Sets one company's figures for a period. Marking a company as "us" unmarks
 * the one that was (one self per period).
 */
export async function upsertPeer(q: Queryable, p: PeerInput, by: string): Promise<{ before: PeerFigure | null; after: PeerFigure }> {
  const [old] = await q.query('SELECT * FROM peer_figures WHERE period = $1 AND company = $2 FOR UPDATE', [p.period, p.company]);
  if (p.isSelf) await q.query('UPDATE peer_figures SET is_self = false WHERE period = $1 AND company <> $2 AND is_self', [p.period, p.company]);
  const [r] = await q.query(
    `INSERT INTO peer_figures (company, period, is_self, complaints, converted, complaints_change_pct, converted_change_pct, source, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (period, company) DO UPDATE SET is_self = EXCLUDED.is_self, complaints = EXCLUDED.complaints, converted = EXCLUDED.converted,
       complaints_change_pct = EXCLUDED.complaints_change_pct, converted_change_pct = EXCLUDED.converted_change_pct, source = EXCLUDED.source,
       updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING *, (xmax = 0) AS inserted`,
    [p.company, p.period, p.isSelf, p.complaints, p.converted, p.complaintsChangePct, p.convertedChangePct, p.source, by],
  );
  return { before: old ? toPeer(old) : null, after: toPeer(r!) };
}

export async function deletePeer(q: Queryable, period: string, company: string): Promise<PeerFigure | null> {
  const rows = await q.query('DELETE FROM peer_figures WHERE period = $1 AND company = $2 RETURNING *', [period, company]);
  return rows[0] ? toPeer(rows[0]) : null;
}

// ---- monitoring volume ----

export interface MeasuredMonth {
  month: string;
  callsWithAlerts: number;
  alerts: number;
  casesOpened: number;
}

/** What the real-time monitoring did per local month in [fromDay, toDay): calls with alerts, alerts, cases opened from alerts. */
export async function measuredMonitoring(q: Queryable, fromDay: string, toDay: string, tz: string): Promise<MeasuredMonth[]> {
  const rows = await q.query(
    `WITH a AS (
       SELECT to_char(created_at AT TIME ZONE $3, 'YYYY-MM') AS month, count(DISTINCT call_id)::int AS calls, count(*)::int AS alerts
       FROM alerts WHERE created_at >= ($1::date::timestamp AT TIME ZONE $3) AND created_at < ($2::date::timestamp AT TIME ZONE $3) GROUP BY 1
     ), k AS (
       SELECT to_char(created_at AT TIME ZONE $3, 'YYYY-MM') AS month, count(*)::int AS cases
       FROM cases WHERE source = 'alert' AND created_at >= ($1::date::timestamp AT TIME ZONE $3) AND created_at < ($2::date::timestamp AT TIME ZONE $3) GROUP BY 1
     )
     SELECT coalesce(a.month, k.month) AS month, coalesce(a.calls, 0) AS calls, coalesce(a.alerts, 0) AS alerts, coalesce(k.cases, 0) AS cases
     FROM a FULL JOIN k ON k.month = a.month ORDER BY 1`,
    [fromDay, toDay, tz],
  );
  return rows.map((r) => ({ month: r.month, callsWithAlerts: r.calls, alerts: r.alerts, casesOpened: r.cases }));
}

export interface RecordedMonth {
  month: string;
  monitoredCases: number;
  alerts: number | null;
  casesOpened: number | null;
  note: string;
  updatedBy: string;
  updatedAt: string;
}

const toRecorded = (r: Row): RecordedMonth => ({
  month: r.month, monitoredCases: r.monitored_cases, alerts: r.alerts, casesOpened: r.cases_opened, note: r.note, updatedBy: r.updated_by, updatedAt: iso(r.updated_at),
});

export async function recordedMonitoring(q: Queryable, fromMonth: string, toMonth: string): Promise<RecordedMonth[]> {
  return (await q.query('SELECT * FROM monitoring_volume WHERE month >= $1 AND month < $2 ORDER BY month', [fromMonth, toMonth])).map(toRecorded);
}

export async function upsertRecordedMonitoring(
  q: Queryable, m: { month: string; monitoredCases: number; alerts: number | null; casesOpened: number | null; note: string }, by: string,
): Promise<{ before: RecordedMonth | null; after: RecordedMonth }> {
  const [old] = await q.query('SELECT * FROM monitoring_volume WHERE month = $1 FOR UPDATE', [m.month]);
  const [r] = await q.query(
    `INSERT INTO monitoring_volume (month, monitored_cases, alerts, cases_opened, note, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (month) DO UPDATE SET monitored_cases = EXCLUDED.monitored_cases, alerts = EXCLUDED.alerts, cases_opened = EXCLUDED.cases_opened,
       note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING *`,
    [m.month, m.monitoredCases, m.alerts, m.casesOpened, m.note, by],
  );
  return { before: old ? toRecorded(old) : null, after: toRecorded(r!) };
}

// ---- imports ----

export type ImportStatus = 'running' | 'completed' | 'validated' | 'rejected' | 'failed';

export interface ImportRecord {
  id: string;
  kind: string;
  format: string;
  filename: string;
  sourceSystem: string | null;
  dryRun: boolean;
  status: ImportStatus;
  totalRows: number;
  processedRows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errorCount: number;
  errors: RowError[];
  message: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

const toImport = (r: Row): ImportRecord => ({
  id: r.id, kind: r.kind, format: r.format, filename: r.filename, sourceSystem: r.source_system, dryRun: r.dry_run, status: r.status,
  totalRows: r.total_rows, processedRows: r.processed_rows, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged,
  errorCount: r.error_count, errors: typeof r.errors === 'string' ? JSON.parse(r.errors) : r.errors ?? [], message: r.message,
  createdBy: r.created_by, createdAt: iso(r.created_at), finishedAt: r.finished_at ? iso(r.finished_at) : null,
});

export async function insertImport(q: Queryable, i: Omit<ImportRecord, 'createdAt' | 'finishedAt'>): Promise<ImportRecord> {
  const [r] = await q.query(
    `INSERT INTO statistics_imports (id, kind, format, filename, source_system, dry_run, status, total_rows, processed_rows, inserted, updated, unchanged,
                                     error_count, errors, message, created_by, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, CASE WHEN $7 = 'running' THEN NULL ELSE now() END) RETURNING *`,
    [i.id, i.kind, i.format, i.filename, i.sourceSystem, i.dryRun, i.status, i.totalRows, i.processedRows, i.inserted, i.updated, i.unchanged,
      i.errorCount, JSON.stringify(i.errors), i.message, i.createdBy],
  );
  return toImport(r!);
}

export async function finishImport(
  q: Queryable, id: string, f: { status: ImportStatus; processedRows: number; inserted: number; updated: number; unchanged: number; message: string | null },
): Promise<ImportRecord | null> {
  const rows = await q.query(
    `UPDATE statistics_imports SET status = $2, processed_rows = $3, inserted = $4, updated = $5, unchanged = $6, message = $7, finished_at = now()
     WHERE id = $1 RETURNING *`,
    [id, f.status, f.processedRows, f.inserted, f.updated, f.unchanged, f.message],
  );
  return rows[0] ? toImport(rows[0]) : null;
}

export const failStaleImports = (q: Queryable, olderThanMinutes: number) => failStale(q, 'statistics_imports', olderThanMinutes);

export async function getImport(q: Queryable, id: string): Promise<ImportRecord | null> {
  const rows = await q.query('SELECT * FROM statistics_imports WHERE id = $1', [id]);
  return rows[0] ? toImport(rows[0]) : null;
}

export async function listImports(q: Queryable, limit: number): Promise<ImportRecord[]> {
  return (await q.query('SELECT * FROM statistics_imports ORDER BY created_at DESC, id LIMIT $1', [limit])).map(toImport);
}

/** Counts stored by the import path, for tests and the console's totals. */
export async function recordCount(q: Queryable): Promise<number> {
  const [r] = await q.query('SELECT count(*)::int AS n FROM complaint_records');
  return r!.n;
}
