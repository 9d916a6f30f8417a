import type { Hit, Speaker, Utterance } from '../core/types.js';
import type { CompiledRule, CompiledRuleSet } from './compile.js';
import { evalNode, type Env, type Result, type Span } from './evaluate.js';
import { createNormalizer, type NormText } from './normalize.js';
import { scanText } from './scan.js';
import type { CallContext, CallDetector, DetectionEngine, RuleInfo } from './types.js';

// The DetectionEngine over a compiled rule set, and its per-call detector:
// split phrases (the tail of the speaker's previous utterance is scanned with
// the new one), provisional hits on partials, then/count history per call.

export interface EngineOptions {
  /** Max pause between two utterances of one speaker for a split phrase, ms. */
  splitGapMs?: number;
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
  /** Hits already raised on the previous utterance: "ruleId@start". */
  emitted: Set<string>;
}

const SEPARATOR = ' ';

export function createEngine(cs: CompiledRuleSet, opts: EngineOptions = {}): RadarEngine {
  const rules: RuleInfo[] = cs.rules.map((r) => ({
    id: r.id, category: r.category, severity: r.severity, description: r.description, speakers: [...r.speakers],
  }));
  const splitGapMs = opts.splitGapMs ?? 5000;
  return {
    version: cs.version,
    ruleCount: cs.rules.length,
    name: cs.name,
    rules,
    compiled: cs,
    // One normaliser per engine: push() is synchronous, so detectors can share its buffers.
    openCall: ((normalize) => (ctx: CallContext) => new Detector(cs, ctx, splitGapMs, normalize))(createNormalizer()),
  };
}

class Detector implements CallDetector {
  private readonly tails = new Map<Speaker, Tail>();
  private readonly hist: number[][][] = [];
  private closed = false;

  constructor(
    private readonly cs: CompiledRuleSet,
    private readonly ctx: CallContext,
    private readonly splitGapMs: number,
    private readonly normalize: (text: string) => NormText,
  ) {}

  push(u: Utterance): Hit[] {
    if (this.closed) return [];
    // No rule listens to this speaker: nothing to scan (agent speech with the default rules).
    if (!this.cs.speakers.has(u.speaker)) return [];
    const tail = this.tailFor(u);
    const source = tail ? tail.text + SEPARATOR + u.text : u.text;
    const offset = tail ? tail.text.length + SEPARATOR.length : 0;
    const t = this.normalize(source);
    const tailEnd = tail ? countBefore(t, offset) : 0;
    const hits = this.detect(u, t, tailEnd, offset, tail);
    if (u.final) this.rememberTail(u, hits);
    return hits;
  }

  close(): void {
    this.closed = true;
    this.tails.clear();
  }

  private tailFor(u: Utterance): Tail | null {
    const prev = this.tails.get(u.speaker);
    if (!prev || prev.utteranceId === u.id) return null;
    return u.startMs - prev.endMs <= this.splitGapMs ? prev : null;
  }

  /** Keeps the end of a final utterance: long enough for the longest term, cut at a space. */
  private rememberTail(u: Utterance, hits: Hit[]): void {
    const keep = this.cs.maxTermLength * 2 + 2;
    let cut = 0;
    if (u.text.length > keep) {
      cut = u.text.length - keep;
      const space = u.text.indexOf(' ', cut);
      if (space >= 0 && space < u.text.length - 1) cut = space + 1;
    }
    const emitted = new Set(hits.map((h) => `${h.ruleId}@${h.start}`));
    this.tails.set(u.speaker, { text: u.text.slice(cut), utteranceId: u.id, endMs: u.endMs, cut, emitted });
  }

  private detect(u: Utterance, t: NormText, tailEnd: number, offset: number, tail: Tail | null): Hit[] {
    const scan = scanText(this.cs, t, tailEnd);
    if (scan.occ.length === 0) return [];
    const toEval = this.triggered(scan.occ.map((o) => o.alias));
    if (toEval.length === 0) return [];
    const env: Env = {
      cs: this.cs, scan, tailEnd, nowMs: u.startMs, commit: u.final, hist: this.hist, ctx: this.ctx,
      ruleOut: [], rule: this.cs.rules[toEval[0]],
    };
    const hits: Hit[] = [];
    const pending = new Set(toEval);
    for (const r of this.inOrder(pending)) {
      const rule = this.cs.rules[r];
      if (!rule.speakers.includes(u.speaker)) continue;
      env.rule = rule;
      const res = evalNode(env, rule.node);
      if (!res.ok || res.ms.length === 0) continue;
      env.ruleOut[r] = res;
      for (const d of this.cs.dependents[r]) pending.add(d);
      for (const span of pickSpans(res)) {
        // A span reaching back into the tail may have been raised on the previous utterance already.
        const s0 = t.origStart[span.s];
        if (tail && s0 < offset && tail.emitted.has(`${rule.id}@${tail.cut + s0}`)) continue;
        hits.push(toHit(this.cs, rule, u, t, span, offset, tail));
      }
    }
    return hits;
  }

  private triggered(aliases: number[]): number[] {
    const out = new Set<number>();
    for (const a of aliases) for (const r of this.cs.triggers[a]) out.add(r);
    return [...out];
  }

  /** Walks pending rules in dependency order; dependents added while walking are picked up. */
  private *inOrder(pending: Set<number>): Generator<number> {
    const done = new Set<number>();
    for (;;) {
      let next = -1;
      for (const r of pending) if (!done.has(r) && (next < 0 || this.cs.rank[r] < this.cs.rank[next])) next = r;
      if (next < 0) return;
      done.add(next);
      yield next;
    }
  }
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
