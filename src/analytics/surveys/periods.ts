import { badRequest } from '../../core/errors.js';
import { addDays, dayOf, instantAt, type Day } from '../briefing/time.js';

// Calendar periods in the configured zone (KST): the buckets of a series
// (week from Monday, month, quarter) and the benchmark periods ('2026',
// '2026-Q3', '2026-09'). Local calendar days → UTC instants via the
// briefing's time functions.

export type Granularity = 'week' | 'month' | 'quarter';
export const GRANULARITIES: readonly Granularity[] = ['week', 'month', 'quarter'];

/** More buckets than this in one series is a request mistake, not a chart. */
export const MAX_BUCKETS = 260;

export interface Window {
  from: string;
  to: string;
}

const ymd = (y: number, m: number, d: number): Day => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const parts = (day: Day) => day.split('-').map(Number) as [number, number, number];

/** The first local day of the bucket holding `day`. */
export function bucketStart(day: Day, unit: Granularity): Day {
  const [y, m, d] = parts(day);
  if (unit === 'month') return ymd(y, m, 1);
  if (unit === 'quarter') return ymd(y, Math.floor((m - 1) / 3) * 3 + 1, 1);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -weekday);
}

export function nextBucket(start: Day, unit: Granularity): Day {
  const [y, m] = parts(start);
  if (unit === 'week') return addDays(start, 7);
  const step = unit === 'month' ? 1 : 3;
  const mm = m - 1 + step;
  return ymd(y + Math.floor(mm / 12), (mm % 12) + 1, 1);
}

/** '2026-W48'-free labels people read: week → its Monday '2026-11-23', month '2026-11', quarter '2026-Q4'. */
export function bucketLabel(start: Day, unit: Granularity): string {
  const [y, m] = parts(start);
  if (unit === 'month') return start.slice(0, 7);
  if (unit === 'quarter') return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  return start;
}

/** The buckets a [from, to) window touches, each with its own [from, to) instants. */
export function buckets(w: Window, unit: Granularity, tz: string): { start: Day; label: string; from: string; to: string }[] {
  const first = bucketStart(dayOf(new Date(w.from), tz), unit);
  const last = dayOf(new Date(Date.parse(w.to) - 1), tz);
  const out: { start: Day; label: string; from: string; to: string }[] = [];
  for (let s = first; s <= last; s = nextBucket(s, unit)) {
    if (out.length >= MAX_BUCKETS) throw badRequest('too_many_buckets', `More than ${MAX_BUCKETS} ${unit}s; choose a shorter period or a coarser granularity`);
    const n = nextBucket(s, unit);
    out.push({ start: s, label: bucketLabel(s, unit), from: instantAt(s, 0, tz).toISOString(), to: instantAt(n, 0, tz).toISOString() });
  }
  return out;
}

/** A benchmark period label as its [from, to) window in the zone. */
export function periodWindow(period: string, tz: string): Window {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  const y = /^(\d{4})$/.exec(period);
  let start: Day;
  let end: Day;
  if (q) { start = ymd(+q[1]!, (+q[2]! - 1) * 3 + 1, 1); end = nextBucket(start, 'quarter'); }
  else if (m) { start = ymd(+m[1]!, +m[2]!, 1); end = nextBucket(start, 'month'); }
  else if (y) { start = ymd(+y[1]!, 1, 1); end = ymd(+y[1]! + 1, 1, 1); }
  else throw badRequest('invalid_period', `'${period}' is not YYYY, YYYY-Qn or YYYY-MM`);
  return { from: instantAt(start, 0, tz).toISOString(), to: instantAt(end, 0, tz).toISOString() };
}

export type CompareMode = 'previous' | 'year' | 'none';

/** The period to compare with: the equal-length one just before, or the same dates a year earlier. */
export function comparisonWindow(w: Window, mode: CompareMode): Window | null {
  if (mode === 'none') return null;
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  if (mode === 'previous') return { from: new Date(from - (to - from)).toISOString(), to: w.from };
  const back = (t: number) => { const d = new Date(t); d.setUTCFullYear(d.getUTCFullYear() - 1); return d.toISOString(); };
  return { from: back(from), to: back(to) };
}

/** from/to of a request: both given and from < to, else 400. */
export function checkWindow(from: string | undefined, to: string | undefined, now: number, defaultDays = 90): Window {
  const t = to ? Date.parse(to) : now;
  const f = from ? Date.parse(from) : t - defaultDays * 86_400_000;
  if (Number.isNaN(t) || Number.isNaN(f)) throw badRequest('invalid_time', 'from and to must be ISO 8601 date-times');
  if (f >= t) throw badRequest('invalid_period', 'from must be before to');
  return { from: new Date(f).toISOString(), to: new Date(t).toISOString() };
}
