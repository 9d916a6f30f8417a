import type { CallContext } from './types.js';
import type { CompiledRule, CompiledRuleSet, Node } from './compile.js';
import type { Occ, ScanResult } from './scan.js';

// Evaluates compiled rule trees against one scanned utterance (plus the tail of
// the speaker's previous utterance) and the per-call history.
//
// Every node returns {ok, ms}: whether it holds, and the spans that make it hold
// (conditions such as not/repeatContact hold without spans). A rule raises a hit
// for each span when its root holds. Spans that lie entirely in the previous
// utterance's tail (`old`) are context only: they were reported already.

export interface Span {
  /** Normalised span [s, e) in the scanned text. */
  s: number;
  e: number;
  neg: boolean;
  dist: number;
  term: string;
  old: boolean;
  /** A context cue (require/unless words): it qualifies a span, never widens it. */
  cue: boolean;
  /** Lies in the tail but became a hit only now (its cue is new). */
  fromTail?: boolean;
}

export interface Result {
  ok: boolean;
  ms: Span[];
}

export interface Env {
  cs: CompiledRuleSet;
  scan: ScanResult;
  /** Normalised index where the current utterance begins (0 without a tail). */
  tailEnd: number;
  nowMs: number;
  /** false for partials: history is read, never written. */
  commit: boolean;
  /** Per rule, per slot: times (ms) of remembered events. */
  hist: number[][][];
  ctx: CallContext;
  /** Results of rules already evaluated for this utterance. */
  ruleOut: (Result | undefined)[];
  rule: CompiledRule;
}

const NONE: Result = { ok: false, ms: [] };

export function evalNode(env: Env, n: Node): Result {
  switch (n.k) {
    case 'atom': return evalAtom(env, n);
    case 'rule': return env.ruleOut[n.rule] ?? NONE;
    case 'any': {
      const ms: Span[] = [];
      let ok = false;
      for (const kid of n.kids) {
        const r = evalNode(env, kid);
        if (r.ok) { ok = true; ms.push(...r.ms); }
      }
      return { ok, ms };
    }
    case 'all': {
      let anchor: Span[] | null = null;
      for (const kid of n.kids) {
        const r = evalNode(env, kid);
        if (!r.ok) return NONE;
        if (!anchor && r.ms.length > 0) anchor = r.ms;
      }
      return { ok: true, ms: anchor ?? [] };
    }
    case 'not': return { ok: !evalNode(env, n.kid).ok, ms: [] };
    case 'near': return evalNear(env, n);
    case 'then': return evalThen(env, n);
    case 'count': return evalCount(env, n);
    case 'repeat': return evalRepeat(env, n);
  }
}

function overlaps(o: Occ, s: number, e: number): boolean {
  return o.s < e && o.e > s;
}

function evalAtom(env: Env, n: Extract<Node, { k: 'atom' }>): Result {
  const { occ } = env.scan;
  let ms: Span[] | null = null;
  for (let i = 0; i < occ.length; i++) {
    const o = occ[i];
    if (!n.aliases.has(o.alias)) continue;
    if (n.exceptions.length > 0 && isExcepted(env, n.exceptions, o)) continue;
    const alias = env.cs.aliases[o.alias];
    const neg = alias.kind === 'term' && env.rule.negation ? isNegated(env, o.s, o.e) : false;
    (ms ??= []).push({ s: o.s, e: o.e, neg, dist: o.dist, term: alias.term, old: o.e <= env.tailEnd, cue: alias.kind === 'cue' });
  }
  return ms ? { ok: true, ms } : NONE;
}

function isExcepted(env: Env, exceptions: number[], o: Occ): boolean {
  for (const x of env.scan.occ) {
    if (x !== o && exceptions.includes(x.alias) && overlaps(x, o.s, o.e)) return true;
  }
  return false;
}

/**
 * A match is negated/hypothetical when a negation cue starts after it, within
 * `negationWithin` characters, in the same clause, and no cancel cue
 * ("할 수밖에 없") follows. Korean puts the negating verb after its object, so
 * looking right is what matters: 금감원까지 갈 생각은 없고요.
 */
export function isNegated(env: Env, _s: number, e: number): boolean {
  const { neg, cancel, breaks } = env.scan;
  const within = env.cs.negationWithin;
  for (const c of neg) {
    if (c.s < e || c.s - e > within) continue;
    if (breaks.some((b) => b >= e && b <= c.s)) continue;
    if (cancel.some((x) => x.s >= e && x.s <= c.e + 6)) return false;
    return true;
  }
  return false;
}

function gap(a: Span, b: Span): number {
  return Math.max(0, b.s - a.e, a.s - b.e);
}

function evalNear(env: Env, n: Extract<Node, { k: 'near' }>): Result {
  const ra = evalNode(env, n.a);
  if (!ra.ok) return NONE;
  const rb = evalNode(env, n.b);
  const ms: Span[] = [];
  for (const ma of ra.ms) {
    let partner: Span | null = null;
    for (const mb of rb.ms) {
      if (gap(ma, mb) <= n.within && (!partner || gap(ma, mb) < gap(ma, partner))) partner = mb;
    }
    if (n.negate) {
      if (!partner) ms.push(ma);
    } else if (partner) {
      ms.push(mergeSpans(ma, partner));
    }
  }
  return ms.length > 0 ? { ok: true, ms } : NONE;
}

/** A near-pair's span covers both parts only when the partner is a term (not a cue). */
function mergeSpans(a: Span, b: Span): Span {
  // A cue that arrives in the new utterance completes a term left in the tail.
  if (b.cue) return a.old && !b.old ? { ...a, old: false, fromTail: true } : a;
  return {
    s: Math.min(a.s, b.s), e: Math.max(a.e, b.e), neg: a.neg || b.neg, dist: Math.max(a.dist, b.dist),
    term: `${a.term}…${b.term}`, old: a.old && b.old, cue: a.cue,
  };
}

function prune(times: number[], from: number): void {
  let k = 0;
  while (k < times.length && times[k] < from) k++;
  if (k > 0) times.splice(0, k);
}

function slotOf(env: Env, slot: number): number[] {
  const perRule = (env.hist[env.rule.index] ??= []);
  return (perRule[slot] ??= []);
}

function evalThen(env: Env, n: Extract<Node, { k: 'then' }>): Result {
  const ra = evalNode(env, n.a);
  const rb = evalNode(env, n.b);
  const times = slotOf(env, n.slot);
  prune(times, env.nowMs - n.withinMs);
  const freshA = ra.ok ? ra.ms.filter((m) => !m.old && !m.neg) : [];
  const ms: Span[] = [];
  if (rb.ok) {
    for (const mb of rb.ms) {
      if (mb.old) continue;
      if (times.length > 0 || freshA.some((ma) => ma.e <= mb.s)) ms.push(mb);
    }
  }
  if (env.commit && freshA.length > 0) times.push(env.nowMs);
  return ms.length > 0 ? { ok: true, ms } : NONE;
}

function evalCount(env: Env, n: Extract<Node, { k: 'count' }>): Result {
  const r = evalNode(env, n.kid);
  const times = slotOf(env, n.slot);
  prune(times, env.nowMs - n.withinMs);
  const fresh = r.ok ? r.ms.filter((m) => !m.old && !m.neg) : [];
  const total = times.length + fresh.length;
  if (env.commit) for (let i = 0; i < fresh.length; i++) times.push(env.nowMs);
  return fresh.length > 0 && total >= n.atLeast ? { ok: true, ms: fresh } : NONE;
}

function evalRepeat(env: Env, n: Extract<Node, { k: 'repeat' }>): Result {
  const prior = env.ctx.priorContacts ?? [];
  if (prior.length === 0) return NONE;
  const ref = env.ctx.startedAt ? Date.parse(env.ctx.startedAt) : Date.now();
  const from = ref - n.withinDays * 86_400_000;
  let count = 0;
  for (const p of prior) {
    const at = Date.parse(p.at);
    if (!(at >= from && at <= ref)) continue;
    if (n.categories && !p.categories.some((c) => n.categories!.includes(c))) continue;
    count++;
  }
  return count >= n.atLeast ? { ok: true, ms: [] } : NONE;
}
