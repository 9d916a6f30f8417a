import { change, changePercent, convertedCount } from './formulas.js';
import { bucketOf, bucketsBetween, type Granularity, type Period } from './periods.js';
import { TAXONOMY, type Dimension } from './taxonomy.js';

// Figures from counts: plain data in, plain data out. The store hands over
// complaint counts grouped by every dimension (a few hundred rows at most) and
// these functions add them up, so every breakdown and the total come from the
// same rows and always agree.

export type Scope = 'all' | 'internal' | 'external';

/** Complaints of one combination of classifications. */
export interface DimensionCount {
  channel: string;
  product: string;
  type: string;
  cause: string;
  scope: string;
  externalBody: string | null;
  severity: number;
  count: number;
}

export interface Compared {
  count: number;
  previous: number;
  /** (count − previous) ÷ previous, unrounded; null when previous is 0. */
  change: number | null;
  /** The change in whole percent, as the association publishes it. */
  changePct: number | null;
}

export interface BreakdownItem extends Compared {
  id: string;
  ko: string;
  en: string;
  /** Share of the period's complaints, 0–1. */
  share: number;
}

export const BREAKDOWN_DIMENSIONS = ['channel', 'product', 'type', 'cause', 'scope', 'externalBody', 'severity'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export interface CustomerBase {
  customers: number;
  /** The entry used ('2026-Q3' or '2026-09'). */
  basis: string;
}

export interface Summary {
  period: Period;
  previousPeriod: Period;
  scope: Scope;
  complaints: Compared;
  customers: { now: CustomerBase | null; previous: CustomerBase | null };
  converted: { value: number | null; previous: number | null; change: number | null; changePct: number | null };
  breakdowns: Record<BreakdownDimension, BreakdownItem[]>;
}

export const compared = (count: number, previous: number): Compared => ({
  count, previous, change: change(count, previous), changePct: changePercent(count, previous),
});

const keyOf = (r: DimensionCount, d: BreakdownDimension): string => (d === 'severity' ? String(r.severity) : (r[d] ?? '') as string);

function terms(d: BreakdownDimension): { id: string; ko: string; en: string }[] {
  if (d === 'severity') return [5, 4, 3, 2, 1].map((s) => ({ id: String(s), ko: `${s}등급`, en: `Level ${s}` }));
  return TAXONOMY[d as Dimension].map((t) => ({ id: t.id, ko: t.ko, en: t.en }));
}

/** One dimension's counts this period and last, in the taxonomy's order; rows with neither left out. */
export function breakdown(d: BreakdownDimension, now: readonly DimensionCount[], last: readonly DimensionCount[]): BreakdownItem[] {
  const sum = (rows: readonly DimensionCount[]) => {
    const m = new Map<string, number>();
    for (const r of rows) if (d !== 'externalBody' || r.externalBody) m.set(keyOf(r, d), (m.get(keyOf(r, d)) ?? 0) + r.count);
    return m;
  };
  const a = sum(now);
  const b = sum(last);
  const total = now.reduce((s, r) => s + r.count, 0);
  const known = terms(d);
  // Values outside the taxonomy (a term retired since) still show, by their id.
  const extra = [...new Set([...a.keys(), ...b.keys()])].filter((k) => !known.some((t) => t.id === k)).map((k) => ({ id: k, ko: k, en: k }));
  return [...known, ...extra]
    .filter((t) => (a.get(t.id) ?? 0) + (b.get(t.id) ?? 0) > 0)
    .map((t) => ({ ...t, ...compared(a.get(t.id) ?? 0, b.get(t.id) ?? 0), share: total === 0 ? 0 : (a.get(t.id) ?? 0) / total }));
}

export function filterScope(rows: readonly DimensionCount[], scope: Scope): DimensionCount[] {
  return scope === 'all' ? [...rows] : rows.filter((r) => r.scope === scope);
}

export function summarize(input: {
  period: Period;
  previousPeriod: Period;
  scope: Scope;
  now: readonly DimensionCount[];
  last: readonly DimensionCount[];
  customers: { now: CustomerBase | null; previous: CustomerBase | null };
}): Summary {
  const now = filterScope(input.now, input.scope);
  const last = filterScope(input.last, input.scope);
  const total = (rows: readonly DimensionCount[]) => rows.reduce((s, r) => s + r.count, 0);
  const complaints = compared(total(now), total(last));
  const value = convertedCount(complaints.count, input.customers.now?.customers ?? null);
  const previous = convertedCount(complaints.previous, input.customers.previous?.customers ?? null);
  return {
    period: input.period,
    previousPeriod: input.previousPeriod,
    scope: input.scope,
    complaints,
    customers: input.customers,
    // The change of the converted count is taken between the two published
    // (two-decimal) figures, so a reader can check it from the report itself.
    converted: { value, previous, change: change(value, previous), changePct: changePercent(value, previous) },
    breakdowns: Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d) => [d, breakdown(d, now, last)])) as Record<BreakdownDimension, BreakdownItem[]>,
  };
}

/** Complaints of one local day and scope. */
export interface DayCount {
  day: string;
  scope: string;
  count: number;
}

export interface TrendPoint {
  bucket: string;
  count: number;
  internal: number;
  external: number;
  /** The same bucket a year earlier. */
  previous: number;
}

/** Counts per day/month/quarter over [from, to), gaps as zeros, with last year's bucket beside each. */
export function trend(days: readonly DayCount[], lastYearDays: readonly DayCount[], from: string, to: string, g: Granularity): TrendPoint[] {
  const points = new Map(bucketsBetween(from, to, g).map((b) => [b, { bucket: b, count: 0, internal: 0, external: 0, previous: 0 }]));
  for (const d of days) {
    const p = points.get(bucketOf(d.day, g));
    if (!p) continue;
    p.count += d.count;
    if (d.scope === 'external') p.external += d.count;
    else p.internal += d.count;
  }
  for (const d of lastYearDays) {
    const b = bucketOf(d.day, g);
    const p = points.get(String(+b.slice(0, 4) + 1).padStart(4, '0') + b.slice(4));
    // 29 February has no bucket a year later in a daily trend; it is left out there.
    if (p) p.previous += d.count;
  }
  return [...points.values()];
}

/** Cumulative counts to the end of each quarter of a year (the association's 누적 figures). */
export function cumulativeByQuarter(days: readonly DayCount[], year: number): { quarter: string; count: number }[] {
  const y = String(year).padStart(4, '0');
  let running = 0;
  return [1, 2, 3, 4].map((q) => {
    running += days.filter((d) => d.day.startsWith(y) && bucketOf(d.day, 'quarter') === `${y}-Q${q}`).reduce((s, d) => s + d.count, 0);
    return { quarter: `${y}-Q${q}`, count: running };
  });
}
