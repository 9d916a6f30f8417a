import type { Hit, Utterance } from '../core/types.js';
import type { CallContext, CallDetector, DetectionEngine } from './types.js';

// Retroactive rule testing: replay stored utterances through the live engine and
// a candidate engine side by side and report what each would have raised and
// what the candidate adds or removes. Pure: no storage, no clock; the caller
// supplies the utterances (ordered by call, then time) from wherever they live.

export interface BacktestItem {
  utterance: Utterance;
  /** Context of the utterance's call; read when the call first appears. */
  call?: CallContext;
}

export interface BacktestInput {
  live: DetectionEngine;
  candidate: DetectionEngine;
  source: Iterable<BacktestItem> | AsyncIterable<BacktestItem>;
  /** Sample hits kept per list (default 20). */
  sampleLimit?: number;
  /** Which hits count as alerts (default: not negated). */
  alerting?: (h: Hit) => boolean;
  /** Called every `progressEvery` utterances (default 100,000), for progress bars. */
  onProgress?: (utterances: number) => void;
  progressEvery?: number;
}

export interface HitSample {
  callId: string;
  utteranceId: string;
  ruleId: string;
  category: string;
  severity: number;
  match: string;
  text: string;
  startMs: number;
}

export interface EngineSummary {
  version: number;
  /** Alerting hits. */
  hits: number;
  /** Hits marked negated/hypothetical (not alerting by default). */
  suppressedHits: number;
  callsWithAlerts: number;
  byRule: Record<string, number>;
  byCategory: Record<string, number>;
  samples: HitSample[];
}

export interface DiffSummary {
  count: number;
  byRule: Record<string, number>;
  byCategory: Record<string, number>;
  samples: HitSample[];
}

export interface BacktestReport {
  utterances: number;
  calls: number;
  elapsedMs: number;
  live: EngineSummary;
  candidate: EngineSummary;
  /** Alerts the candidate raises that the live engine does not. */
  added: DiffSummary;
  /** Alerts the live engine raises that the candidate does not. */
  removed: DiffSummary;
}

class Side {
  summary: EngineSummary;
  detector: CallDetector | null = null;
  alertedThisCall = false;
  constructor(readonly engine: DetectionEngine, private readonly limit: number) {
    this.summary = { version: engine.version, hits: 0, suppressedHits: 0, callsWithAlerts: 0, byRule: {}, byCategory: {}, samples: [] };
  }
  open(ctx: CallContext): void {
    this.detector?.close();
    this.detector = this.engine.openCall(ctx);
    this.alertedThisCall = false;
  }
  record(u: Utterance, hits: Hit[], alerting: (h: Hit) => boolean): Hit[] {
    const out: Hit[] = [];
    for (const h of hits) {
      if (!alerting(h)) { this.summary.suppressedHits++; continue; }
      out.push(h);
      this.summary.hits++;
      bump(this.summary.byRule, h.ruleId);
      bump(this.summary.byCategory, h.category);
      if (this.summary.samples.length < this.limit) this.summary.samples.push(sample(u, h));
      if (!this.alertedThisCall) { this.alertedThisCall = true; this.summary.callsWithAlerts++; }
    }
    return out;
  }
}

const bump = (m: Record<string, number>, k: string) => { m[k] = (m[k] ?? 0) + 1; };
const emptyDiff = (): DiffSummary => ({ count: 0, byRule: {}, byCategory: {}, samples: [] });
const hitKey = (h: Hit) => `${h.ruleId}\u0000${h.start}\u0000${h.end}`;

function sample(u: Utterance, h: Hit): HitSample {
  return {
    callId: u.callId, utteranceId: u.id, ruleId: h.ruleId, category: h.category, severity: h.severity,
    match: h.match, text: u.text, startMs: u.startMs,
  };
}

function diffInto(d: DiffSummary, u: Utterance, mine: Hit[], theirs: Hit[], limit: number): void {
  if (mine.length === 0) return;
  const other = theirs.length === 0 ? null : new Set(theirs.map(hitKey));
  for (const h of mine) {
    if (other?.has(hitKey(h))) continue;
    d.count++;
    bump(d.byRule, h.ruleId);
    bump(d.byCategory, h.category);
    if (d.samples.length < limit) d.samples.push(sample(u, h));
  }
}

/** Replays `source` through both engines; only final utterances are replayed. */
export async function backtest(input: BacktestInput): Promise<BacktestReport> {
  const started = performance.now();
  const limit = input.sampleLimit ?? 20;
  const alerting = input.alerting ?? ((h: Hit) => !h.negated);
  const every = input.progressEvery ?? 100_000;
  const live = new Side(input.live, limit);
  const cand = new Side(input.candidate, limit);
  const added = emptyDiff();
  const removed = emptyDiff();
  let utterances = 0;
  let calls = 0;
  let currentCall: string | null = null;
  const step = (item: BacktestItem) => {
    const u = item.utterance;
    if (!u.final) return;
    if (u.callId !== currentCall) {
      currentCall = u.callId;
      calls++;
      const ctx = item.call ?? { callId: u.callId };
      live.open(ctx);
      cand.open(ctx);
    }
    utterances++;
    const a = live.record(u, live.detector!.push(u), alerting);
    const b = cand.record(u, cand.detector!.push(u), alerting);
    diffInto(added, u, b, a, limit);
    diffInto(removed, u, a, b, limit);
    if (input.onProgress && utterances % every === 0) input.onProgress(utterances);
  };
  // Sync sources skip the per-item promise of `for await`.
  if (Symbol.iterator in input.source) for (const item of input.source as Iterable<BacktestItem>) step(item);
  else for await (const item of input.source as AsyncIterable<BacktestItem>) step(item);
  live.detector?.close();
  cand.detector?.close();
  return {
    utterances, calls, elapsedMs: performance.now() - started,
    live: live.summary, candidate: cand.summary, added, removed,
  };
}
