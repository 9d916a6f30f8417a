import { badRequest } from '../core/errors.js';
import type { Topic } from '../analytics/early-warning/index.js';
import { VOS_KINDS, type VosKind } from './model.js';

// The topic summary of the board: how many posts raised each recurring topic in
// a period of days (KST), by kind, per day for the chart, against the period of
// the same length just before it; a topic is rising when it clearly grew.
// Pure: rows counted by the database in, the summary out.

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_PERIOD_DAYS = 366;

/** Rising = at least RISING_MIN posts now and at least RISING_RATIO × the previous period (a topic new in this period needs only the minimum). */
export const RISING_MIN = 3;
export const RISING_RATIO = 1.5;

export interface Period {
  /** First and last day, inclusive (KST yyyy-mm-dd). */
  from: string;
  to: string;
  days: string[];
  /** The period of the same length just before. */
  previousFrom: string;
  previousTo: string;
  /** Instants bounding [previousFrom 00:00, to + 1 day 00:00) KST, ms. */
  startMs: number;
  splitMs: number;
  endMs: number;
}

const kstMidnight = (day: string) => Date.parse(`${day}T00:00:00+09:00`);
/** The KST calendar day of an instant (Korea has no daylight saving: +9 h is exact). */
export const kstDay = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);

/** The period from..to (inclusive); defaults to the 30 days ending today (KST). Throws 400 `invalid_period`. */
export function periodOf(from: string | undefined, to: string | undefined, now: number): Period {
  const end = to ?? kstDay(now);
  const start = from ?? kstDay(kstMidnight(end) - 29 * DAY_MS);
  for (const [k, v] of [['from', start], ['to', end]] as const) {
    if (!DATE_RE.test(v) || !Number.isFinite(kstMidnight(v)) || kstDay(kstMidnight(v)) !== v) throw badRequest('invalid_period', `${k} must be a date like 2026-03-01`, { field: k });
  }
  const startMs = kstMidnight(start);
  const endMs = kstMidnight(end) + DAY_MS;
  const n = Math.round((endMs - startMs) / DAY_MS);
  if (n < 1) throw badRequest('invalid_period', 'to must not be before from', { from: start, to: end });
  if (n > MAX_PERIOD_DAYS) throw badRequest('invalid_period', `A period is at most ${MAX_PERIOD_DAYS} days`, { days: n });
  const days = Array.from({ length: n }, (_, i) => kstDay(startMs + i * DAY_MS));
  return {
    from: start, to: end, days, previousFrom: kstDay(startMs - n * DAY_MS), previousTo: kstDay(startMs - DAY_MS),
    startMs: startMs - n * DAY_MS, splitMs: startMs, endMs,
  };
}

/** Every post of a day and kind (a post with two topics counts once here). */
export const ALL_POSTS = '*';
/** Posts that matched no topic (what the dictionary misses). */
export const NO_TOPIC = '';

/** Posts counted per KST day, kind and topic id (or ALL_POSTS / NO_TOPIC). */
export interface CountRow {
  day: string;
  kind: VosKind;
  topicId: string;
  n: number;
}

export type KindCounts = Record<VosKind, number>;
const zeroKinds = (): KindCounts => Object.fromEntries(VOS_KINDS.map((k) => [k, 0])) as KindCounts;

export interface TopicFigures {
  id: string;
  label: string;
  labelEn: string;
  count: number;
  previous: number;
  /** (count − previous) ÷ previous; null when the previous period had none. */
  change: number | null;
  rising: boolean;
  byKind: KindCounts;
  /** Posts per day of the period, aligned with `days`. */
  series: number[];
}

export interface TopicSummary {
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  days: string[];
  posts: { count: number; previous: number; byKind: KindCounts; series: number[] };
  /** Posts of the period that matched no topic (what the dictionary misses). */
  untagged: number;
  topics: TopicFigures[];
  rising: string[];
}

export function isRising(count: number, previous: number): boolean {
  return count >= RISING_MIN && count > previous && count >= RISING_RATIO * previous;
}

export function summarizeTopics(period: Period, rows: readonly CountRow[], topics: readonly Pick<Topic, 'id' | 'label' | 'labelEn'>[]): TopicSummary {
  const dayIndex = new Map(period.days.map((d, i) => [d, i]));
  const blank = () => ({ count: 0, previous: 0, byKind: zeroKinds(), series: period.days.map(() => 0) });
  const per = new Map<string, ReturnType<typeof blank>>();
  for (const r of rows) {
    let target = per.get(r.topicId);
    if (!target) per.set(r.topicId, (target = blank()));
    const i = dayIndex.get(r.day);
    if (i === undefined) {
      if (r.day < period.from && r.day >= period.previousFrom) target.previous += r.n;
      continue;
    }
    target.count += r.n;
    target.byKind[r.kind] += r.n;
    target.series[i] += r.n;
  }
  const known = new Map(topics.map((t) => [t.id, t]));
  // Topics no longer in the dictionary still show: posts keep the ids they were tagged with.
  const gone = [...per.keys()].filter((id) => id !== ALL_POSTS && id !== NO_TOPIC && !known.has(id));
  const order = [...topics.map((t) => t.id), ...gone];
  const figures: TopicFigures[] = order.map((id) => {
    const f = per.get(id) ?? blank();
    const t = known.get(id);
    return {
      id, label: t?.label ?? id, labelEn: t?.labelEn ?? id, count: f.count, previous: f.previous,
      change: f.previous === 0 ? null : (f.count - f.previous) / f.previous, rising: isRising(f.count, f.previous), byKind: f.byKind, series: f.series,
    };
  });
  figures.sort((a, b) => b.count - a.count || b.previous - a.previous || order.indexOf(a.id) - order.indexOf(b.id));
  return {
    from: period.from, to: period.to, previousFrom: period.previousFrom, previousTo: period.previousTo, days: period.days,
    posts: per.get(ALL_POSTS) ?? blank(), untagged: per.get(NO_TOPIC)?.count ?? 0, topics: figures, rising: figures.filter((f) => f.rising).map((f) => f.id),
  };
}
