import { spikeTest } from './statistic.js';

// What to do with each topic this minute: raise a warning, update one, resolve
// one, or nothing. Pure: counts and the active warnings in, decisions out; the
// job (job.ts) reads the counts and writes the decisions in one transaction.

export interface Thresholds {
  /** A warning is raised when the p-value is at most this (default 0.001). */
  alpha: number;
  /** An active warning is resolved once the p-value is above this (default 0.05): hysteresis. */
  resolveAlpha: number;
  /** Fewest calls in the window that can raise a warning (default 5). */
  minCalls: number;
  /** The window must hold at least this many times the expected calls (default 1.5). */
  minRatio: number;
  /** An update is announced when calls reach this multiple of the last announced count (default 1.5). */
  growth: number;
}

/** One topic's counts for the window ending now and for its history. */
export interface TopicWindow {
  topicId: string;
  calls: number;
  historyCalls: number;
  monitored: number;
  historyMonitored: number;
  /** Earlier days that had monitored calls at this time of day. */
  historyDays: number;
}

export interface ActiveWarning {
  id: string;
  topicId: string;
  status: 'open' | 'acknowledged';
  severity: number;
  notifiedCalls: number;
  peakCalls: number;
}

export interface WindowStats {
  calls: number;
  expected: number;
  pValue: number;
  monitored: number;
  historyCalls: number;
  historyMonitored: number;
  historyDays: number;
  severity: number;
}

export type Decision =
  | { kind: 'raise'; topicId: string; stats: WindowStats }
  /** `notify`: the growth is worth an `early_warning.updated` event; otherwise only the counts change. */
  | { kind: 'update'; warning: ActiveWarning; stats: WindowStats; notify: boolean }
  | { kind: 'resolve'; warning: ActiveWarning; stats: WindowStats };

/**
 * 3 for a significant rise, 4 for a large one (3× expected and 2× the minimum
 * count), 5 for a very large one (6× and 4×). The ratio uses at least half a
 * call as the expectation so a topic never seen before is not infinitely large.
 */
export function severityFor(calls: number, expected: number, minCalls: number): number {
  const ratio = calls / Math.max(expected, 0.5);
  if (ratio >= 6 && calls >= 4 * minCalls) return 5;
  if (ratio >= 3 && calls >= 2 * minCalls) return 4;
  return 3;
}

export function windowStats(w: TopicWindow, t: Thresholds): WindowStats {
  const { expected, pValue } = spikeTest(w);
  return {
    calls: w.calls, expected, pValue, monitored: Math.max(w.monitored, w.calls), historyCalls: w.historyCalls,
    historyMonitored: w.historyMonitored, historyDays: w.historyDays, severity: severityFor(w.calls, expected, t.minCalls),
  };
}

/** All three conditions: enough calls, clearly above the expectation, and unlikely by chance. */
export function isSpike(s: WindowStats, t: Thresholds): boolean {
  return s.calls >= t.minCalls && s.calls >= t.minRatio * s.expected && s.pValue <= t.alpha;
}

/**
 * Still high: significant at the looser level and at or above half the minimum
 * count. The gap between `alpha` and `resolveAlpha` keeps a warning from
 * flapping closed and open again while the count hovers at the edge.
 */
export function isStillHigh(s: WindowStats, t: Thresholds): boolean {
  return s.calls >= Math.ceil(t.minCalls / 2) && s.calls > s.expected && s.pValue <= t.resolveAlpha;
}

/** Worth announcing: the count grew by the growth factor and by at least the minimum count, or the severity rose. */
export function isSignificantGrowth(w: ActiveWarning, s: WindowStats, t: Thresholds): boolean {
  const grew = s.calls >= Math.ceil(w.notifiedCalls * t.growth) && s.calls - w.notifiedCalls >= t.minCalls;
  return grew || s.severity > w.severity;
}

const ZERO = (topicId: string): TopicWindow => ({ topicId, calls: 0, historyCalls: 0, monitored: 0, historyMonitored: 0, historyDays: 0 });

/**
 * One decision per topic that needs one. Topics with an active warning but no
 * counts (removed from the topic set) are evaluated as silent and resolve.
 */
export function decide(windows: readonly TopicWindow[], active: readonly ActiveWarning[], t: Thresholds): Decision[] {
  const byTopic = new Map(windows.map((w) => [w.topicId, w]));
  for (const a of active) if (!byTopic.has(a.topicId)) byTopic.set(a.topicId, ZERO(a.topicId));
  const activeByTopic = new Map(active.map((a) => [a.topicId, a]));
  const out: Decision[] = [];
  for (const [topicId, w] of [...byTopic].sort(([a], [b]) => a.localeCompare(b))) {
    const stats = windowStats(w, t);
    const warning = activeByTopic.get(topicId);
    if (!warning) {
      if (isSpike(stats, t)) out.push({ kind: 'raise', topicId, stats });
      continue;
    }
    if (!isStillHigh(stats, t)) {
      out.push({ kind: 'resolve', warning, stats });
      continue;
    }
    // Severity is the peak: it never falls while the warning lasts.
    const peak = { ...stats, severity: Math.max(stats.severity, warning.severity) };
    out.push({ kind: 'update', warning, stats: peak, notify: isSignificantGrowth(warning, stats, t) });
  }
  return out;
}

/** Distinct-call counts per bucket of `bucketMs` from `from` (inclusive) to `to` (exclusive), for the charts. */
export function binSeries(times: readonly number[], from: number, to: number, bucketMs: number): { start: number; calls: number }[] {
  if (!(bucketMs > 0) || !(to > from)) return [];
  const n = Math.ceil((to - from) / bucketMs);
  const counts = new Array<number>(n).fill(0);
  for (const t of times) {
    if (t < from || t >= to) continue;
    counts[Math.floor((t - from) / bucketMs)]! += 1;
  }
  return counts.map((calls, i) => ({ start: from + i * bucketMs, calls }));
}
