import type { DatasetRowInput } from '../analytics/analysis/validate.js';
import type { RowError } from '../analytics/statistics/rows.js';
import type { Queryable, Row } from './db.js';
import { failStaleImports as failStale, isoTime as iso } from './rows.js';

// Storage of combined analysis (migration 015): datasets, their rows, the
// import log, and the set-based joins of dataset rows with complaints. SQL
// only; the figures (rates, tests) are made in src/analytics/analysis.

const dayText = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/**
 * Complaints received in [$1, $2) (local days; $3 the time zone), one row each
 * with a reference people recognise, by the same rules as complaint
 * statistics (src/store/statistics.ts): stored complaint records plus the
 * VOM's cases — rejected cases and cases a record already stands for left
 * out, an unclassified case counted as phone (from a call's alert) or
 * unspecified. Statistics' relation carries no customer or reference, which
 * the joins here need, hence this one.
 */
const COMPLAINTS = `
  SELECT r.source_system || ':' || r.external_id AS ref, r.received_on AS day, r.channel, r.product, r.complaint_type AS type, r.customer_id
  FROM complaint_records r
  WHERE r.received_on >= $1::date AND r.received_on < $2::date
  UNION ALL
  SELECT 'VOM-' || lpad(k.number::text, 6, '0'), (k.created_at AT TIME ZONE $3)::date,
         coalesce(c.channel, CASE WHEN k.source = 'alert' THEN 'phone' ELSE 'unspecified' END),
         coalesce(c.product, 'unspecified'), coalesce(c.complaint_type, 'unspecified'), k.customer_id
  FROM cases k LEFT JOIN case_classifications c ON c.case_id = k.id
  WHERE k.status <> 'rejected'
    AND k.created_at >= ($1::date::timestamp AT TIME ZONE $3) AND k.created_at < ($2::date::timestamp AT TIME ZONE $3)
    AND NOT EXISTS (SELECT 1 FROM complaint_records x WHERE x.case_id = k.id)`;

// ---- datasets ----

export interface Dataset {
  id: string;
  kind: string;
  name: string;
  rows: number;
  /** Sum of the quantity column (units sold, events); equals rows for consultations and marketing. */
  quantity: number;
  firstDay: string | null;
  lastDay: string | null;
  lastImportAt: string | null;
  lastImportBy: string | null;
  lastImportFile: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const toDataset = (r: Row): Dataset => ({
  id: r.id, kind: r.kind, name: r.name, rows: Number(r.n ?? 0), quantity: Number(r.qty ?? 0), firstDay: dayText(r.first_day), lastDay: dayText(r.last_day),
  lastImportAt: r.last_import_at ? iso(r.last_import_at) : null, lastImportBy: r.last_import_by ?? null, lastImportFile: r.last_import_file ?? null,
  createdBy: r.created_by, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
});

const DATASET_SELECT = `
  SELECT d.*, s.n, s.qty, s.first_day, s.last_day, i.created_at AS last_import_at, i.created_by AS last_import_by, i.filename AS last_import_file
  FROM datasets d
  LEFT JOIN LATERAL (SELECT count(*) AS n, sum(qty) AS qty, min(day) AS first_day, max(day) AS last_day FROM dataset_rows r WHERE r.dataset_id = d.id) s ON true
  LEFT JOIN LATERAL (SELECT created_at, created_by, filename FROM dataset_imports x WHERE x.dataset_id = d.id AND x.status = 'completed' ORDER BY created_at DESC LIMIT 1) i ON true`;

export async function listDatasets(q: Queryable, kind?: string): Promise<Dataset[]> {
  return (await q.query(`${DATASET_SELECT} WHERE ($1::text IS NULL OR d.kind = $1) ORDER BY d.kind, d.name`, [kind ?? null])).map(toDataset);
}

export async function getDataset(q: Queryable, id: string): Promise<Dataset | null> {
  const rows = await q.query(`${DATASET_SELECT} WHERE d.id = $1`, [id]);
  return rows[0] ? toDataset(rows[0]) : null;
}

export async function findDataset(q: Queryable, kind: string, name: string): Promise<{ id: string } | null> {
  const rows = await q.query('SELECT id FROM datasets WHERE kind = $1 AND name = $2', [kind, name]);
  return rows[0] ? { id: rows[0].id } : null;
}

/** The dataset of that kind and name, created when new. */
export async function ensureDataset(q: Queryable, d: { id: string; kind: string; name: string; by: string }): Promise<{ id: string; created: boolean }> {
  const [r] = await q.query(
    `INSERT INTO datasets (id, kind, name, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (kind, name) DO UPDATE SET updated_at = now() RETURNING id, (xmax = 0) AS created`,
    [d.id, d.kind, d.name, d.by],
  );
  return { id: r!.id, created: r!.created === true };
}

/** Deletes a dataset and its rows (the import log stays); the dataset as it was, or null. */
export async function deleteDataset(q: Queryable, id: string): Promise<Dataset | null> {
  const before = await getDataset(q, id);
  if (!before) return null;
  await q.query('DELETE FROM datasets WHERE id = $1', [id]);
  return before;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Adds rows, updates those whose key is stored with other values, leaves identical ones alone. One statement; callers chunk. */
export async function upsertRows(q: Queryable, datasetId: string, kind: string, rows: readonly DatasetRowInput[], importId: string): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const col = <K extends keyof DatasetRowInput>(k: K) => rows.map((r) => r[k]);
  const res = await q.query(
    `INSERT INTO dataset_rows AS t (dataset_id, kind, row_key, occurred_at, day, customer_id, product, channel, category, label, qty, amount, flag, data, import_id)
     SELECT $1, $2, u.row_key, u.occurred_at, u.day, u.customer_id, u.product, u.channel, u.category, u.label, u.qty, u.amount, u.flag, u.data::jsonb, $15
     FROM unnest($3::text[], $4::timestamptz[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::boolean[], $14::text[])
          AS u(row_key, occurred_at, day, customer_id, product, channel, category, label, qty, amount, flag, data)
     ON CONFLICT (dataset_id, row_key) DO UPDATE SET
       occurred_at = EXCLUDED.occurred_at, day = EXCLUDED.day, customer_id = EXCLUDED.customer_id, product = EXCLUDED.product, channel = EXCLUDED.channel,
       category = EXCLUDED.category, label = EXCLUDED.label, qty = EXCLUDED.qty, amount = EXCLUDED.amount, flag = EXCLUDED.flag, data = EXCLUDED.data,
       import_id = EXCLUDED.import_id, updated_at = now()
     WHERE (t.occurred_at, t.customer_id, t.product, t.channel, t.category, t.label, t.qty, t.amount, t.flag, t.data)
       IS DISTINCT FROM (EXCLUDED.occurred_at, EXCLUDED.customer_id, EXCLUDED.product, EXCLUDED.channel, EXCLUDED.category, EXCLUDED.label,
                         EXCLUDED.qty, EXCLUDED.amount, EXCLUDED.flag, EXCLUDED.data)
     RETURNING (xmax = 0) AS inserted`,
    [datasetId, kind, col('key'), col('occurredAt'), col('day'), col('customerId'), col('product'), col('channel'), col('category'), col('label'),
      col('qty'), col('amount'), col('flag'), rows.map((r) => JSON.stringify(r.data)), importId],
  );
  const inserted = res.filter((r) => r.inserted === true).length;
  return { inserted, updated: res.length - inserted, unchanged: rows.length - res.length };
}

export async function rowCount(q: Queryable, datasetId?: string): Promise<number> {
  const [r] = await q.query('SELECT count(*)::int AS n FROM dataset_rows WHERE ($1::text IS NULL OR dataset_id = $1)', [datasetId ?? null]);
  return r!.n;
}

// ---- imports ----

export type ImportStatus = 'running' | 'completed' | 'validated' | 'rejected' | 'failed';

export interface DatasetImport {
  id: string;
  kind: string;
  datasetId: string | null;
  datasetName: string;
  format: string;
  filename: string;
  dryRun: boolean;
  status: ImportStatus;
  mapping: Record<string, string | null>;
  totalRows: number;
  processedRows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errorCount: number;
  errors: RowError[];
  firstDay: string | null;
  lastDay: string | null;
  message: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

const toImport = (r: Row): DatasetImport => ({
  id: r.id, kind: r.kind, datasetId: r.dataset_id, datasetName: r.dataset_name, format: r.format, filename: r.filename, dryRun: r.dry_run, status: r.status,
  mapping: json(r.mapping) ?? {}, totalRows: r.total_rows, processedRows: r.processed_rows, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged,
  errorCount: r.error_count, errors: json(r.errors) ?? [], firstDay: dayText(r.first_day), lastDay: dayText(r.last_day), message: r.message,
  createdBy: r.created_by, createdAt: iso(r.created_at), finishedAt: r.finished_at ? iso(r.finished_at) : null,
});

export async function insertImport(q: Queryable, i: Omit<DatasetImport, 'createdAt' | 'finishedAt'>): Promise<DatasetImport> {
  const [r] = await q.query(
    `INSERT INTO dataset_imports (id, kind, dataset_id, dataset_name, format, filename, dry_run, status, mapping, total_rows, processed_rows, inserted, updated, unchanged,
                                  error_count, errors, first_day, last_day, message, created_by, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, CASE WHEN $8 = 'running' THEN NULL ELSE now() END) RETURNING *`,
    [i.id, i.kind, i.datasetId, i.datasetName, i.format, i.filename, i.dryRun, i.status, JSON.stringify(i.mapping), i.totalRows, i.processedRows, i.inserted, i.updated,
      i.unchanged, i.errorCount, JSON.stringify(i.errors), i.firstDay, i.lastDay, i.message, i.createdBy],
  );
  return toImport(r!);
}

export async function finishImport(
  q: Queryable, id: string, f: { status: ImportStatus; datasetId?: string | null; processedRows: number; inserted: number; updated: number; unchanged: number; message: string | null },
): Promise<void> {
  await q.query(
    `UPDATE dataset_imports SET status = $2, processed_rows = $3, inserted = $4, updated = $5, unchanged = $6, message = $7, finished_at = now(),
       dataset_id = coalesce($8, dataset_id) WHERE id = $1`,
    [id, f.status, f.processedRows, f.inserted, f.updated, f.unchanged, f.message, f.datasetId ?? null],
  );
}

export const failStaleImports = (q: Queryable, olderThanMinutes: number) => failStale(q, 'dataset_imports', olderThanMinutes);

export async function getImport(q: Queryable, id: string): Promise<DatasetImport | null> {
  const rows = await q.query('SELECT * FROM dataset_imports WHERE id = $1', [id]);
  return rows[0] ? toImport(rows[0]) : null;
}

export async function listImports(q: Queryable, limit: number, datasetId?: string): Promise<DatasetImport[]> {
  return (await q.query('SELECT * FROM dataset_imports WHERE ($2::text IS NULL OR dataset_id = $2) ORDER BY created_at DESC, id LIMIT $1', [limit, datasetId ?? null])).map(toImport);
}

// ---- joins ----

export type GroupBy = 'product' | 'channel' | 'day' | 'month' | 'quarter' | 'total';
export const GROUP_BY: readonly GroupBy[] = ['product', 'channel', 'day', 'month', 'quarter', 'total'];

/** The SQL of a group key over a relation with `product`, `channel` and `day` columns. */
const GROUP_SQL: Record<GroupBy, string> = {
  product: "coalesce(product, 'unspecified')",
  channel: "coalesce(channel, 'unspecified')",
  day: "to_char(day, 'YYYY-MM-DD')",
  month: "to_char(day, 'YYYY-MM')",
  quarter: "to_char(day, 'YYYY') || '-Q' || to_char(day, 'Q')",
  total: "'total'",
};

export interface JoinFilter {
  from: string;
  to: string;
  tz: string;
  product?: string | null;
  channel?: string | null;
  /** Complaint type (taxonomy id). */
  type?: string | null;
  datasetId?: string | null;
}

export interface RateGroupRow {
  group: string;
  complaints: number;
  denominator: number;
}

/**
 * Complaints and the dataset's quantity (consultations: one per row; sales:
 * units sold) per group over [from, to), with the same product/channel
 * filters on both sides. Groups present on either side appear (FULL JOIN).
 */
export async function rateByGroup(q: Queryable, kind: 'consultations' | 'sales', groupBy: GroupBy, f: JoinFilter): Promise<RateGroupRow[]> {
  const g = GROUP_SQL[groupBy];
  const rows = await q.query(
    `WITH c AS (
       SELECT ${g} AS g, count(*)::bigint AS n FROM (${COMPLAINTS}) x
       WHERE ($4::text IS NULL OR product = $4) AND ($5::text IS NULL OR channel = $5) AND ($6::text IS NULL OR type = $6) GROUP BY 1
     ), d AS (
       SELECT ${g} AS g, sum(qty)::bigint AS n FROM dataset_rows
       WHERE kind = $7 AND day >= $1::date AND day < $2::date AND ($4::text IS NULL OR product = $4) AND ($5::text IS NULL OR channel = $5)
         AND ($8::text IS NULL OR dataset_id = $8) GROUP BY 1
     )
     SELECT coalesce(c.g, d.g) AS g, coalesce(c.n, 0) AS complaints, coalesce(d.n, 0) AS denominator
     FROM c FULL JOIN d ON d.g = c.g ORDER BY 1`,
    [f.from, f.to, f.tz, f.product ?? null, f.channel ?? null, f.type ?? null, kind, f.datasetId ?? null],
  );
  return rows.map((r) => ({ group: r.g, complaints: Number(r.complaints), denominator: Number(r.denominator) }));
}

export interface CampaignRow {
  campaignId: string;
  campaignName: string | null;
  firstContact: string;
  lastContact: string;
  contacted: number;
  responded: number;
  contactedComplained: number;
  notContacted: number;
  notContactedComplained: number;
}

/**
 * Per campaign: contacted customers (first contact day each) and how many
 * complained within [contact day, contact day + window); customers of the
 * population (every customer id in any dataset) the campaign did not contact,
 * and how many complained within [campaign's first contact day, + window).
 */
export async function campaignEffects(q: Queryable, f: { tz: string; windowDays: number; campaignId?: string | null; from?: string | null; to?: string | null; type?: string | null; product?: string | null }): Promise<CampaignRow[]> {
  const rows = await q.query(
    `WITH comp AS (
       SELECT customer_id, day FROM (${COMPLAINTS}) x WHERE customer_id IS NOT NULL AND ($6::text IS NULL OR type = $6) AND ($7::text IS NULL OR product = $7)
     ), contact AS (
       SELECT category AS campaign, customer_id, min(day) AS first_day, bool_or(coalesce(flag, false)) AS responded, max(label) AS name
       FROM dataset_rows WHERE kind = 'marketing' AND customer_id IS NOT NULL AND ($4::text IS NULL OR category = $4) GROUP BY 1, 2
     ), camp AS (
       SELECT campaign, max(name) AS name, min(first_day) AS start, max(first_day) AS last FROM contact GROUP BY 1
       HAVING ($8::date IS NULL OR min(first_day) >= $8::date) AND ($9::date IS NULL OR min(first_day) < $9::date)
     ), pop AS (
       SELECT DISTINCT customer_id FROM dataset_rows WHERE customer_id IS NOT NULL
     ), exposed AS (
       SELECT c.campaign, count(*) AS n, count(*) FILTER (WHERE c.responded) AS responded,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM comp WHERE comp.customer_id = c.customer_id AND comp.day >= c.first_day AND comp.day < c.first_day + $5::int)) AS k
       FROM contact c GROUP BY 1
     ), unexposed AS (
       SELECT m.campaign, count(*) AS n,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM comp WHERE comp.customer_id = p.customer_id AND comp.day >= m.start AND comp.day < m.start + $5::int)) AS k
       FROM camp m CROSS JOIN pop p
       WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.campaign = m.campaign AND c.customer_id = p.customer_id) GROUP BY 1
     )
     SELECT m.campaign, m.name, m.start, m.last, e.n, e.responded, e.k, coalesce(u.n, 0) AS un, coalesce(u.k, 0) AS uk
     FROM camp m JOIN exposed e ON e.campaign = m.campaign LEFT JOIN unexposed u ON u.campaign = m.campaign
     ORDER BY m.start DESC, m.campaign`,
    ['1900-01-01', '9999-01-01', f.tz, f.campaignId ?? null, f.windowDays, f.type ?? null, f.product ?? null, f.from ?? null, f.to ?? null],
  );
  return rows.map((r) => ({
    campaignId: r.campaign, campaignName: r.name, firstContact: dayText(r.start)!, lastContact: dayText(r.last)!, contacted: Number(r.n), responded: Number(r.responded),
    contactedComplained: Number(r.k), notContacted: Number(r.un), notContactedComplained: Number(r.uk),
  }));
}

export interface PlatformEventRow {
  occurredAt: string;
  day: string;
  platform: string | null;
  eventKind: string | null;
  version: string | null;
  count: number;
  description: string | null;
  before: number;
  after: number;
}

/** Complaints per local day over [from, to) matching the filter (every day present, zero when none). */
export async function complaintsPerDay(q: Queryable, f: JoinFilter): Promise<{ day: string; complaints: number }[]> {
  const rows = await q.query(
    `WITH c AS (
       SELECT day, count(*) AS n FROM (${COMPLAINTS}) x
       WHERE ($4::text IS NULL OR product = $4) AND ($5::text IS NULL OR channel = $5) AND ($6::text IS NULL OR type = $6) GROUP BY 1
     )
     SELECT to_char(s.d, 'YYYY-MM-DD') AS day, coalesce(c.n, 0) AS n
     FROM generate_series($1::date, $2::date - 1, interval '1 day') AS s(d) LEFT JOIN c ON c.day = s.d::date ORDER BY 1`,
    [f.from, f.to, f.tz, f.product ?? null, f.channel ?? null, f.type ?? null],
  );
  return rows.map((r) => ({ day: r.day, complaints: Number(r.n) }));
}

/**
 * Platform events on days [from, to), each with the complaints matching the
 * filter in the `windowDays` days before its day and from its day on.
 */
export async function platformEvents(q: Queryable, f: JoinFilter & { windowDays: number; platform?: string | null; eventKind?: string | null }): Promise<PlatformEventRow[]> {
  const rows = await q.query(
    `WITH comp AS (
       SELECT day FROM (${COMPLAINTS}) x
       WHERE ($4::text IS NULL OR product = $4) AND ($5::text IS NULL OR channel = $5) AND ($6::text IS NULL OR type = $6)
     )
     SELECT e.occurred_at, e.day, e.channel AS platform, e.category AS event_kind, e.label AS version, e.qty, e.data->>'description' AS description,
            (SELECT count(*) FROM comp WHERE comp.day >= e.day - $7::int AND comp.day < e.day) AS before,
            (SELECT count(*) FROM comp WHERE comp.day >= e.day AND comp.day < e.day + $7::int) AS after
     FROM dataset_rows e
     WHERE e.kind = 'platform' AND e.day >= $10::date AND e.day < $11::date AND ($8::text IS NULL OR e.channel = $8) AND ($9::text IS NULL OR e.category = $9)
       AND ($12::text IS NULL OR e.dataset_id = $12)
     ORDER BY e.occurred_at, e.row_key`,
    // The complaint relation covers the windows around the first and last event.
    [shift(f.from, -f.windowDays), shift(f.to, f.windowDays), f.tz, f.product ?? null, f.channel ?? null, f.type ?? null, f.windowDays,
      f.platform ?? null, f.eventKind ?? null, f.from, f.to, f.datasetId ?? null],
  );
  return rows.map((r) => ({
    occurredAt: iso(r.occurred_at), day: dayText(r.day)!, platform: r.platform, eventKind: r.event_kind, version: r.version, count: Number(r.qty),
    description: r.description, before: Number(r.before), after: Number(r.after),
  }));
}

const shift = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export interface OverlapCustomer {
  customerId: string;
  consultations: number;
  complaints: number;
  /** Up to 10 complaint references, newest first. */
  refs: string[];
  lastConsultation: string;
}

export interface OverlapSummary {
  withConsultations: number;
  withComplaints: number;
  withBoth: number;
  matching: number;
}

/** Customers with at least `minConsultations` consultations and a complaint in [from, to): the top `limit` by complaints, then consultations. */
export async function customerOverlap(q: Queryable, f: JoinFilter & { minConsultations: number; limit: number }): Promise<{ items: OverlapCustomer[]; summary: OverlapSummary }> {
  const params = [f.from, f.to, f.tz, f.product ?? null, f.channel ?? null, f.type ?? null, f.minConsultations, f.limit, f.datasetId ?? null];
  const ctes = `
    WITH cons AS (
      SELECT customer_id, count(*) AS n, max(occurred_at) AS last FROM dataset_rows
      WHERE kind = 'consultations' AND day >= $1::date AND day < $2::date AND customer_id IS NOT NULL
        AND ($4::text IS NULL OR product = $4) AND ($5::text IS NULL OR channel = $5) AND ($9::text IS NULL OR dataset_id = $9)
      GROUP BY 1
    ), comp AS (
      SELECT customer_id, count(*) AS n, (array_agg(ref ORDER BY day DESC, ref))[1:10] AS refs FROM (${COMPLAINTS}) x
      WHERE customer_id IS NOT NULL AND ($4::text IS NULL OR product = $4) AND ($5::text IS NULL OR channel = $5) AND ($6::text IS NULL OR type = $6)
      GROUP BY 1
    )`;
  const rows = await q.query(
    `${ctes}
     SELECT cons.customer_id, cons.n AS consultations, comp.n AS complaints, comp.refs, cons.last
     FROM cons JOIN comp ON comp.customer_id = cons.customer_id
     WHERE cons.n >= $7 ORDER BY comp.n DESC, cons.n DESC, cons.customer_id LIMIT $8`,
    params,
  );
  const [s] = await q.query(
    `${ctes}
     SELECT (SELECT count(*) FROM cons) AS a, (SELECT count(*) FROM comp) AS b,
            (SELECT count(*) FROM cons JOIN comp ON comp.customer_id = cons.customer_id) AS c,
            (SELECT count(*) FROM cons JOIN comp ON comp.customer_id = cons.customer_id WHERE cons.n >= $7 AND $8::int > 0) AS d`,
    params,
  );
  return {
    items: rows.map((r) => ({
      customerId: r.customer_id, consultations: Number(r.consultations), complaints: Number(r.complaints),
      refs: (typeof r.refs === 'string' ? r.refs.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : r.refs) ?? [], lastConsultation: iso(r.last),
    })),
    summary: { withConsultations: Number(s!.a), withComplaints: Number(s!.b), withBoth: Number(s!.c), matching: Number(s!.d) },
  };
}
