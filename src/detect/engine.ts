import type { Hit, Speaker, Utterance } from '../core/types.js';
import type { CompiledRule, CompiledRuleSet } from './compile.js';
import { evalNode, type Env, type Result, type Span } from './evaluate.js';
import { Normalizer, type NormText } from './normalize.js';
import { Carry, carryTail, scanText, type ScanResult } from './scan.js';
import type { CallContext, CallDetector, DetectionEngine, RuleInfo } from './types.js';

// The DetectionEngine over a compiled rule set, and its per-call detector:
// split phrases (the tail of the speaker's previous utterance is scanned with
// the new one), provisional hits on partials, then/count history per call.

export interface EngineOptions {
  /** Max pause between two utterances of one speaker for a split phrase, ms. */
  splitGapMs?: number;
  /**
   * Carry the scan of an utterance's tail into the next utterance instead of
   * normalising and scanning it again (same hits; see docs/detection.md).
   * Default false: measured ~4 % faster per customer line with one engine in
   * the process, but ~1.5–2× slower per utterance when several engines share
   * it (bench:detect), which is not explained yet.
   */
  carryTails?: boolean;
}

export interface RadarEngine extends DetectionEngine {
  readonly name: string;
  readonly rules: readonly RuleInfo[];
  readonly compiled: CompiledRuleSet;
}

interface Tail {
  text: string;
  utteranceId: string;
  endMs: number;
  /** Where `text` starts in the previous utterance's text. */
  cut: number;
  /** Hits already raised on the previous utterance: "ruleId@start" (usually none). */
  emitted: readonly string[];
  /** With carryTails: the tail as normalised and scanned with the previous utterance (reused in place). */
  carry: Carry | null;
}

const NO_HITS: readonly string[] = [];

/** Per engine, shared by its detectors (push() is synchronous). */
interface Shared {
  normalizer: Normalizer;
  /**
   * Results of the rules evaluated for the utterance being pushed, by rule
   * index; cleared after each push. Dense and allocated once: a fresh [] per
   * utterance written at index ~1,000 became a sparse (dictionary) array, and
   * that store was a third of the evaluation's time.
   */
  ruleOut: (Result | undefined)[];
  /** Carries of closed calls, for reuse. */
  carries: Carry[];
}

const MAX_POOLED_CARRIES = 256;

const SEPARATOR = ' ';

export function createEngine(cs: CompiledRuleSet, opts: EngineOptions = {}): RadarEngine {
  const rules: RuleInfo[] = cs.rules.map((r) => ({
    id: r.id, category: r.category, severity: r.severity, description: r.description, speakers: [...r.speakers],
  }));
  const splitGapMs = opts.splitGapMs ?? 5000;
  const carryTails = opts.carryTails ?? false;
  return {
    version: cs.version,
    ruleCount: cs.rules.length,
    name: cs.name,
    rules,
    compiled: cs,
    // One normaliser per engine: push() is synchronous, so detectors can share its buffers.
    openCall: ((shared) => (ctx: CallContext) => new Detector(cs, ctx, splitGapMs, carryTails, shared))({ normalizer: new Normalizer(), carries: [], ruleOut: new Array<Result | undefined>(cs.rules.length).fill(undefined) }),
  };
}

class Detector implements CallDetector {
  private readonly tails = new Map<Speaker, Tail>();
  private readonly hist: number[][][] = [];
  private closed = false;
  /** The scan of the utterance being pushed (valid during push()). */
  private scan: ScanResult | null = null;

  constructor(
    private readonly cs: CompiledRuleSet,
    private readonly ctx: CallContext,
    private readonly splitGapMs: number,
    private readonly carryTails: boolean,
    private readonly shared: Shared,
  ) {
    this.normalizer = shared.normalizer;
  }

  private readonly normalizer: Normalizer;

  push(u: Utterance): Hit[] {
    if (this.closed) return [];
    // No rule listens to this speaker: nothing to scan (agent speech with the default rules).
    if (!this.cs.speakers.has(u.speaker)) return [];
    const tail = this.tailFor(u);
    let t: NormText;
    let offset = 0;
    let tailEnd = 0;
    let carry: Carry | null = null;
    if (!tail) {
      t = this.normalizer.normalize(u.text);
    } else {
      // The text scanned is tail + ' ' + utterance. The tail was normalised and
      // scanned with the previous utterance: continue from there when it could be
      // carried, else normalise and scan it again (same result, more work).
      const source = tail.text + SEPARATOR + u.text;
      offset = tail.text.length + SEPARATOR.length;
      if (tail.carry && tail.carry.valid) {
        carry = tail.carry;
        t = this.normalizer.after(carry, source, u.text, offset);
        tailEnd = carry.n;
      } else {
        t = this.normalizer.normalize(source);
        tailEnd = countBefore(t, offset);
      }
    }
    const hits = this.detect(u, t, tailEnd, offset, tail, carry);
    if (u.final) this.rememberTail(u, hits, offset);
    this.scan = null;
    return hits;
  }

  close(): void {
    this.closed = true;
    // Carries are a dozen small buffers each: closed calls hand theirs back to the engine.
    for (const tail of this.tails.values()) {
      if (tail.carry && this.shared.carries.length < MAX_POOLED_CARRIES) this.shared.carries.push(tail.carry);
    }
    this.tails.clear();
  }

  private tailFor(u: Utterance): Tail | null {
    const prev = this.tails.get(u.speaker);
    if (!prev || prev.utteranceId === u.id) return null;
    return u.startMs - prev.endMs <= this.splitGapMs ? prev : null;
  }

  /**
   * Keeps the end of a final utterance: long enough for the longest term, cut at
   * a space; `offset` is where the utterance starts in the text just scanned.
   */
  private rememberTail(u: Utterance, hits: Hit[], offset: number): void {
    const keep = this.cs.maxTermLength * 2 + 2;
    let cut = 0;
    if (u.text.length > keep) {
      cut = u.text.length - keep;
      const space = u.text.indexOf(' ', cut);
      if (space >= 0 && space < u.text.length - 1) cut = space + 1;
    }
    const emitted = hits.length === 0 ? NO_HITS : hits.map((h) => `${h.ruleId}@${h.start}`);
    let tail = this.tails.get(u.speaker);
    const text = cut === 0 ? u.text : u.text.slice(cut);
    if (tail) {
      // Reused in place: one object per speaker and call, not one per utterance.
      tail.text = text; tail.utteranceId = u.id; tail.endMs = u.endMs; tail.cut = cut; tail.emitted = emitted;
    } else {
      tail = { text, utteranceId: u.id, endMs: u.endMs, cut, emitted, carry: this.carryTails ? this.shared.carries.pop() ?? new Carry() : null };
      this.tails.set(u.speaker, tail);
    }
    // Carried only when the tail starts at a word (a space or the utterance start before it):
    // then its characters normalise exactly as they did inside the utterance.
    const scan = this.scan;
    const carry = tail.carry;
    if (!carry) return;
    if (scan && (cut === 0 || u.text.charCodeAt(cut - 1) === 0x20)) {
      carryTail(this.cs, scan, countBefore(scan.t, offset + cut), offset + cut, carry);
      if (carry.valid) this.normalizer.handOver(carry);
    } else {
      carry.valid = false;
    }
  }

  private detect(u: Utterance, t: NormText, tailEnd: number, offset: number, tail: Tail | null, carry: Carry | null): Hit[] {
    const scan = scanText(this.cs, t, tailEnd, carry);
    this.scan = scan;
    if (scan.occ.length === 0) return [];
    const toEval = triggeredRules(this.cs, scan.occ);
    if (toEval.length === 0) return [];
    const env: Env = {
      cs: this.cs, scan, tailEnd, nowMs: u.startMs, commit: u.final, hist: this.hist, ctx: this.ctx,
      ruleOut: this.shared.ruleOut, rule: this.cs.rules[toEval[0]],
    };
    const hits: Hit[] = [];
    // Rules in dependency order; dependents of a rule that fired join the queue.
    const queued = new Set(toEval);
    const queue = toEval.sort((a, b) => this.cs.rank[a] - this.cs.rank[b]);
    try {
      this.evaluate(u, t, offset, tail, env, queue, queued, hits);
    } finally {
      for (let q = 0; q < queue.length; q++) env.ruleOut[queue[q]] = undefined;
    }
    return this.cs.hasSupersedes && hits.length > 1 ? dropSuperseded(this.cs, hits) : hits;
  }

  /** Evaluates the queued rules in rank order (dependents of a rule that fired join the queue) into `hits`. */
  private evaluate(u: Utterance, t: NormText, offset: number, tail: Tail | null, env: Env, queue: number[], queued: Set<number>, hits: Hit[]): void {
    for (let q = 0; q < queue.length; q++) {
      const r = queue[q];
      const rule = this.cs.rules[r];
      if (!rule.speakers.includes(u.speaker)) continue;
      env.rule = rule;
      const res = evalNode(env, rule.node);
      if (!res.ok || res.ms.length === 0) continue;
      env.ruleOut[r] = res;
      for (const d of this.cs.dependents[r]) if (!queued.has(d)) { queued.add(d); insertByRank(queue, q + 1, d, this.cs.rank); }
      for (const span of pickSpans(res)) {
        // A span reaching back into the tail may have been raised on the previous utterance already.
        const s0 = t.origStart[span.s];
        if (tail && s0 < offset && tail.emitted.includes(`${rule.id}@${tail.cut + s0}`)) continue;
        hits.push(toHit(this.cs, rule, u, t, span, offset, tail));
      }
    }
  }

}

/** Rules whose evaluation some occurrence can trigger (stamped per call, no Sets). */
function triggeredRules(cs: CompiledRuleSet, occ: readonly { alias: number }[]): number[] {
  const stamp = ruleStamps(cs);
  const token = ++stamp.token;
  const out: number[] = [];
  for (let i = 0; i < occ.length; i++) {
    const rs = cs.triggers[occ[i].alias];
    for (let k = 0; k < rs.length; k++) {
      const r = rs[k];
      if (stamp.seen[r] === token) continue;
      stamp.seen[r] = token;
      out.push(r);
    }
  }
  return out;
}

const stamps = new WeakMap<CompiledRuleSet, { seen: Int32Array; token: number }>();
function ruleStamps(cs: CompiledRuleSet): { seen: Int32Array; token: number } {
  let s = stamps.get(cs);
  if (!s) { s = { seen: new Int32Array(cs.rules.length), token: 0 }; stamps.set(cs, s); }
  return s;
}

/**
 * `supersedes`: a hit of rule B is dropped when a rule A that supersedes B
 * has a hit overlapping it in the same utterance that alerts at least as much
 * (not negated, or B's hit is negated too).
 */
function dropSuperseded(cs: CompiledRuleSet, hits: Hit[]): Hit[] {
  const index = cs.ruleById;
  return hits.filter((h) => !hits.some((g) => {
    if (g === h || g.start >= h.end || h.start >= g.end) return false;
    if (g.negated && !h.negated) return false;
    const a = index.get(g.ruleId);
    const b = index.get(h.ruleId);
    return !!a && !!b && a.supersedes.includes(b.index);
  }));
}

/** Inserts rule r into queue[from..] keeping ascending rank. */
function insertByRank(queue: number[], from: number, r: number, rank: Int32Array): void {
  let i = queue.length;
  queue.push(r);
  while (i > from && rank[queue[i - 1]] > rank[r]) { queue[i] = queue[i - 1]; i--; }
  queue[i] = r;
}

/** Number of normalised characters that come from the tail (before `offset`). */
function countBefore(t: NormText, offset: number): number {
  let k = 0;
  while (k < t.n && t.origStart[k] < offset) k++;
  return k;
}

/** New spans only, overlapping ones folded into the best of them. */
function pickSpans(res: Result): Span[] {
  const fresh = res.ms.filter((m) => !m.old).sort((a, b) => a.s - b.s || b.e - a.e);
  const out: Span[] = [];
  for (const m of fresh) {
    const last = out[out.length - 1];
    if (last && m.s < last.e) {
      if (better(m, last)) out[out.length - 1] = m;
      continue;
    }
    out.push(m);
  }
  return out;
}

/** Affirmative beats negated, exact beats fuzzy, then the longer span wins. */
function better(m: Span, than: Span): boolean {
  if (m.neg !== than.neg) return !m.neg;
  if (m.dist !== than.dist) return m.dist < than.dist;
  return m.e - m.s > than.e - than.s;
}

function toHit(cs: CompiledRuleSet, rule: CompiledRule, u: Utterance, t: NormText, m: Span, offset: number, tail: Tail | null): Hit {
  const s0 = t.origStart[m.s];
  const e0 = t.origEnd[m.e - 1];
  const split = s0 < offset;
  const start = split ? 0 : s0 - offset;
  const end = Math.max(start, e0 - offset);
  const match = split ? t.source.slice(s0, e0) : u.text.slice(start, end);
  const notes = [`${rule.id} matched "${match}" (term "${m.term}")`];
  if (m.dist > 0) notes.push(`jamo distance ${m.dist}`);
  if (split && tail) notes.push(`phrase continues from utterance ${tail.utteranceId}`);
  if (m.neg) notes.push('negated or hypothetical');
  if (rule.description) notes.push(rule.description);
  return {
    ruleId: rule.id, ruleSetVersion: cs.version, category: rule.category, severity: rule.severity,
    utteranceId: u.id, speaker: u.speaker, start, end, match, term: m.term, negated: m.neg,
    provisional: !u.final, distance: m.dist, startMs: u.startMs, explanation: notes.join('; '),
  };
}
