import { badRequest } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { redact } from '../../privacy/redact.js';
import * as audit from '../../store/audit.js';
import type { Db, Queryable } from '../../store/db.js';
import * as repo from '../../store/surveys.js';
import {
  changeBetween, emptyHistogram, estimateIndex, headlineDigits, METRICS, presentIndex, roundHalfAway, type Change, type Histogram, type Metric, type MetricIndex,
} from './indices.js';
import { buckets, comparisonWindow, periodWindow, type CompareMode, type Granularity, type Window } from './periods.js';
import { checkResponses, type IndexedError, type ResponseInput } from './validate.js';

// Consumer evaluation's use cases: store responses (API or file, all or
// nothing, idempotent on external ids), and read the indices with their
// breakdowns, series and period comparison. The database work is in
// src/store/surveys.ts, the statistics in indices.ts.

type Actor = audit.Actor;

/** How many row errors a refusal lists (the count says how many there were). */
export const MAX_REPORTED_ERRORS = 200;

export interface IngestResult {
  received: number;
  created: number;
  unchanged: number;
  dryRun: boolean;
  importId: string | null;
}

export interface IngestOptions {
  source: 'api' | 'import';
  dryRun: boolean;
  now: number;
  /** A file import: recorded in the import history with these details. */
  file?: { filename: string; format: string };
  /** The error code of a refused set (invalid_responses for the API, invalid_file for files). */
  refusal: string;
}

/** The refusal of a set with row errors: 400, nothing stored. */
export function refuse(code: string, errors: readonly IndexedError[], rows: number, what: string) {
  const first = errors[0]!;
  return badRequest(code, `${errors.length} problem(s) in ${what}; nothing was stored. First: row ${first.row}, ${first.field || 'record'}: ${first.message}`, {
    errors: errors.slice(0, MAX_REPORTED_ERRORS), errorCount: errors.length, rows,
  });
}

/** Personal data out of a free text before it is stored (labels too: a sheet may hold anything). */
export const scrub = <T extends string | null | undefined>(s: T): T => (s ? (redact(s).text as T) : s);

const toNew = (r: ResponseInput): repo.NewResponse => ({
  externalId: r.externalId, metric: r.metric, score: r.score, touchpoint: scrub(r.touchpoint), product: scrub(r.product ?? null), segment: scrub(r.segment ?? null),
  respondedAt: r.respondedAt, comment: scrub(r.comment ?? null), callId: r.callId ?? null, customerId: r.customerId ?? null, caseId: r.caseId ?? null,
});

/** Validates every record, then stores them in one transaction (or, dry, only counts what would be new). */
export async function ingestResponses(db: Db, actor: Actor, records: readonly { row: number; record: unknown }[], o: IngestOptions): Promise<IngestResult> {
  const { values, errors } = checkResponses(records, o.now);
  if (errors.length > 0) throw refuse(o.refusal, errors, records.length, o.file ? `'${o.file.filename}'` : 'the request');
  const rows = values.map(toNew);
  if (o.dryRun) {
    const existing = await repo.existingIds(db, rows.map((r) => r.externalId));
    return { received: rows.length, created: rows.length - existing.size, unchanged: existing.size, dryRun: true, importId: null };
  }
  const importId = o.file ? newId() : null;
  const created = await db.tx(async (q) => {
    const ids = await repo.insertResponses(q, rows, { source: o.source, importId, createdBy: actor.name });
    if (o.file) {
      await repo.insertImport(q, {
        id: importId!, kind: 'responses', filename: o.file.filename, format: o.file.format, rows: rows.length,
        created: ids.size, unchanged: rows.length - ids.size, updated: 0, createdBy: actor.name,
      });
    }
    // A re-sent set that changed nothing leaves no audit entry: nothing happened.
    if (ids.size > 0 || o.file) {
      await audit.appendAudit(q, actor, o.file ? 'survey.imported' : 'survey.responses_added', { type: 'survey_responses', id: importId },
        { source: o.source, received: rows.length, created: ids.size, unchanged: rows.length - ids.size, ...(o.file ?? {}) });
    }
    return ids.size;
  });
  return { received: rows.length, created, unchanged: rows.length - created, dryRun: false, importId };
}

// ---- reading ----

/** Histograms per metric from store rows (of one group). */
function byMetric(rows: readonly repo.HistogramRow[]): Record<Metric, number[]> {
  const out = { nps: emptyHistogram(), csat: emptyHistogram(), ces: emptyHistogram() };
  for (const r of rows) out[r.metric][r.score] = (out[r.metric][r.score] ?? 0) + r.n;
  return out;
}

const groupBy = <T>(rows: readonly T[], key: (r: T) => string | null): Map<string | null, T[]> => {
  const m = new Map<string | null, T[]>();
  for (const r of rows) { const k = key(r); const list = m.get(k); if (list) list.push(r); else m.set(k, [r]); }
  return m;
};

export type MetricSet = Record<Metric, MetricIndex>;

const indicesOf = (h: Record<Metric, Histogram>, present = true): MetricSet =>
  Object.fromEntries(METRICS.map((m) => [m, present ? presentIndex(estimateIndex(m, h[m])) : estimateIndex(m, h[m])])) as MetricSet;

export type Filter = Omit<repo.ResponseFilter, 'from' | 'to' | 'metric'>;

export interface Overview {
  period: Window;
  compare: (Window & { mode: CompareMode }) | null;
  metrics: Record<Metric, { current: MetricIndex; previous: MetricIndex | null; change: Change | null }>;
}

/** The three indices for a period and the comparison period, with the change of each. */
export async function overview(q: Queryable, w: Window, f: Filter, mode: CompareMode): Promise<Overview> {
  const cw = comparisonWindow(w, mode);
  const cur = indicesOf(byMetric(await repo.histogram(q, { ...f, ...w })), false);
  const prev = cw ? indicesOf(byMetric(await repo.histogram(q, { ...f, ...cw })), false) : null;
  const metrics = Object.fromEntries(METRICS.map((m) => [m, {
    current: presentIndex(cur[m]),
    previous: prev ? presentIndex(prev[m]) : null,
    change: prev ? changeBetween(cur[m], prev[m]) : null,
  }])) as Overview['metrics'];
  return { period: w, compare: cw ? { ...cw, mode } : null, metrics };
}

export interface Group extends MetricSet {
  key: string | null;
  /** Responses of every metric in the group. */
  n: number;
}

/** Indices per value of each dimension, largest groups first (no value = key null, last). */
export async function breakdowns(q: Queryable, w: Window, f: Filter): Promise<Record<repo.Dimension, Group[]>> {
  const out = {} as Record<repo.Dimension, Group[]>;
  for (const d of repo.DIMENSIONS) {
    const rows = await repo.histogram(q, { ...f, ...w }, d);
    out[d] = [...groupBy(rows, (r) => r.key)].map(([key, rs]) => ({ key, n: rs.reduce((a, r) => a + r.n, 0), ...indicesOf(byMetric(rs)) }))
      .sort((a, b) => (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) || b.n - a.n || String(a.key).localeCompare(String(b.key)));
  }
  return out;
}

export interface SeriesPoint extends MetricSet {
  label: string;
  from: string;
  to: string;
}

/** The indices per week/month/quarter of the window (empty buckets included, n = 0). */
export async function series(q: Queryable, w: Window, f: Filter, unit: Granularity, tz: string): Promise<SeriesPoint[]> {
  const list = buckets(w, unit, tz);
  const rows = groupBy(await repo.bucketHistogram(q, { ...f, ...w }, unit, tz), (r) => r.key);
  return list.map((b) => ({ label: b.label, from: b.from, to: b.to, ...indicesOf(byMetric(rows.get(b.start) ?? [])) }));
}

export interface BenchmarkPeriod {
  period: string;
  from: string;
  to: string;
  /** Our index over the whole calendar period, company-wide (outside figures are company-wide too). */
  ours: MetricIndex;
  benchmarks: (repo.Benchmark & { difference: number | null })[];
}

/** For each period that has benchmarks of the metric (newest first): our value and theirs. */
export async function benchmarkComparison(q: Queryable, metric: Metric, tz: string, limit = 8): Promise<BenchmarkPeriod[]> {
  const all = await repo.listBenchmarks(q, { metric });
  // Newest first by calendar, not by text ('2026-Q3' sorts after '2026-09' as a string); a month before its year.
  const periods = [...groupBy(all, (b) => b.period)].map(([p, list]) => ({ period: p!, list, w: periodWindow(p!, tz) }))
    .sort((a, b) => b.w.to.localeCompare(a.w.to) || b.w.from.localeCompare(a.w.from)).slice(0, limit);
  const out: BenchmarkPeriod[] = [];
  for (const { period, list, w } of periods) {
    const ours = presentIndex(estimateIndex(metric, byMetric(await repo.histogram(q, { ...w, metric }))[metric]));
    const diff = (v: number) => (ours.headline ? roundHalfAway(ours.headline.value - v, headlineDigits(metric)) : null);
    out.push({ period, ...w, ours, benchmarks: list.map((b) => ({ ...b, difference: diff(b.value) })) });
  }
  return out;
}
