import type { Queryable } from '../../store/db.js';
import * as repo from '../../store/statistics.js';
import { cumulativeByQuarter, summarize, trend, type CustomerBase, type Scope, type Summary, type TrendPoint } from './compute.js';
import { changePercent } from './formulas.js';
import { rankedCounts, rankPeers, type PeerFigure, type PeerMeasure, type RankedPeer } from './peers.js';
import { customerBaseKeys, parsePeriod, samePeriodLastYear, type Granularity, type Period } from './periods.js';

// The figures the API serves, read from the store and made by the plain
// functions of compute.ts / peers.ts. Nothing here writes.

async function customerBase(q: Queryable, p: Period): Promise<CustomerBase | null> {
  const keys = customerBaseKeys(p);
  const found = await repo.customerBaseFor(q, keys);
  const basis = keys.find((k) => found.has(k));
  return basis ? { customers: found.get(basis)!, basis } : null;
}

export async function periodSummary(q: Queryable, periodId: string, scope: Scope, tz: string): Promise<Summary> {
  const period = parsePeriod(periodId);
  const previousPeriod = samePeriodLastYear(period);
  const [now, last, cNow, cLast] = await Promise.all([
    repo.countsByDimension(q, period.from, period.to, tz),
    repo.countsByDimension(q, previousPeriod.from, previousPeriod.to, tz),
    customerBase(q, period),
    customerBase(q, previousPeriod),
  ]);
  return summarize({ period, previousPeriod, scope, now, last, customers: { now: cNow, previous: cLast } });
}

export interface TrendResult {
  granularity: Granularity;
  from: string;
  to: string;
  points: TrendPoint[];
  /** Cumulative to each quarter of the range's last year, as the association publishes. */
  cumulative: { quarter: string; count: number; previous: number; changePct: number | null }[];
}

export async function trendFor(q: Queryable, from: string, to: string, g: Granularity, scope: Scope, tz: string): Promise<TrendResult> {
  const lastYear = (d: string) => String(+d.slice(0, 4) - 1).padStart(4, '0') + d.slice(4);
  const keep = (rows: { scope: string }[]) => (scope === 'all' ? rows : rows.filter((r) => r.scope === scope));
  const [days, lastDays] = await Promise.all([repo.countsByDay(q, from, to, tz), repo.countsByDay(q, lastYear(from), lastYear(to), tz)]);
  const y = +(parsePrevDay(to).slice(0, 4));
  const yearDays = await repo.countsByDay(q, `${y}-01-01`, `${y + 1}-01-01`, tz);
  const prevYearDays = await repo.countsByDay(q, `${y - 1}-01-01`, `${y}-01-01`, tz);
  const prev = cumulativeByQuarter(keep(prevYearDays) as typeof prevYearDays, y - 1);
  return {
    granularity: g, from, to,
    points: trend(keep(days) as typeof days, keep(lastDays) as typeof lastDays, from, to, g),
    cumulative: cumulativeByQuarter(keep(yearDays) as typeof yearDays, y).map((c, i) => ({ ...c, previous: prev[i]!.count, changePct: changePercent(c.count, prev[i]!.count) })),
  };
}

/** The day before an exclusive end (the last day in the range). */
const parsePrevDay = (to: string) => new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export interface PeerComparison {
  period: string;
  items: RankedPeer[];
  /** Companies with a figure per measure (the N of "rank r of N"). */
  counts: Record<PeerMeasure, number>;
  /** Our own figures as this system counts them, for set-beside the published ones. */
  measured: { complaints: number; converted: number | null; complaintsChangePct: number | null; convertedChangePct: number | null };
  /** True when no published figure of ours exists and the measured one stands in (source 'computed'). */
  selfComputed: boolean;
}

export async function peerComparison(q: Queryable, periodId: string, companyName: string, tz: string): Promise<PeerComparison> {
  const s = await periodSummary(q, periodId, 'all', tz);
  const published = await repo.listPeers(q, periodId);
  const measured = {
    complaints: s.complaints.count, converted: s.converted.value, complaintsChangePct: s.complaints.changePct, convertedChangePct: s.converted.changePct,
  };
  const selfComputed = !published.some((p) => p.isSelf);
  const figures: PeerFigure[] = selfComputed
    ? [{ company: companyName, period: periodId, isSelf: true, ...measured, source: 'computed', updatedBy: 'system', updatedAt: new Date().toISOString() }, ...published]
    : published;
  return { period: periodId, items: rankPeers(figures), counts: rankedCounts(figures), measured, selfComputed };
}

export interface MonitoringMonth {
  month: string;
  /** The headline: calls the monitoring flagged (measured), or the recorded figure of a month before the system. */
  monitoredCases: number;
  source: 'measured' | 'recorded' | 'none';
  callsWithAlerts: number;
  alerts: number;
  casesOpened: number;
  recorded: repo.RecordedMonth | null;
  /** The month has not ended yet (left out of the average and the change). */
  partial: boolean;
}

const monthsBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let y = +from.slice(0, 4), m = +from.slice(5, 7); `${y}-${String(m).padStart(2, '0')}` <= to; m === 12 ? (y++, m = 1) : m++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
};

const nextMonth = (m: string) => (m.endsWith('-12') ? `${+m.slice(0, 4) + 1}-01` : `${m.slice(0, 5)}${String(+m.slice(5) + 1).padStart(2, '0')}`);

/**
 * Monitoring volume per month from `fromMonth` to `toMonth` (inclusive). A
 * month with alerts stored uses what the monitoring measured; a month without
 * uses the figure recorded for it (months before the system ran), else 0.
 */
export async function monitoringVolume(q: Queryable, fromMonth: string, toMonth: string, tz: string, currentMonth: string): Promise<{ months: MonitoringMonth[]; total: number; averagePerMonth: number | null; changePct: number | null }> {
  const [measured, recorded] = await Promise.all([
    repo.measuredMonitoring(q, `${fromMonth}-01`, `${nextMonth(toMonth)}-01`, tz),
    repo.recordedMonitoring(q, fromMonth, nextMonth(toMonth)),
  ]);
  const months = monthsBetween(fromMonth, toMonth).map((month): MonitoringMonth => {
    const m = measured.find((x) => x.month === month);
    const r = recorded.find((x) => x.month === month) ?? null;
    const base = { month, callsWithAlerts: m?.callsWithAlerts ?? 0, alerts: m?.alerts ?? 0, casesOpened: m?.casesOpened ?? 0, recorded: r, partial: month >= currentMonth };
    if (m && m.alerts > 0) return { ...base, monitoredCases: m.callsWithAlerts, source: 'measured' };
    if (r) return { ...base, monitoredCases: r.monitoredCases, source: 'recorded' };
    return { ...base, monitoredCases: 0, source: 'none' };
  });
  // A month still running would pull the average down and fake a fall: only ended months count.
  const withData = months.filter((m) => m.source !== 'none' && !m.partial);
  const total = months.reduce((s, m) => s + m.monitoredCases, 0);
  const lastTwo = withData.slice(-2);
  return {
    months, total,
    averagePerMonth: withData.length ? Math.round(withData.reduce((s, m) => s + m.monitoredCases, 0) / withData.length) : null,
    changePct: lastTwo.length === 2 ? changePercent(lastTwo[1]!.monitoredCases, lastTwo[0]!.monitoredCases) : null,
  };
}
