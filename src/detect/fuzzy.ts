import { ALPHABET_SIZE, CLOSE_COST, INDEL_COST, SUB_COST } from './jamo.js';

// Approximate matching of dictionary terms at jamo level (STT near misses).
//
// Filter → verify:
// 1. Pigeonhole filter: a term allowed k unit edits is cut into k+1 contiguous
//    pieces; any occurrence within k edits contains at least one piece exactly.
//    The pieces live in the same automaton as the exact aliases, so finding
//    candidates costs nothing extra per input symbol.
// 2. Anchored extension (anchoredEdits): the piece occurs exactly, so the
//    alias's part before it must match backwards from the piece and the part
//    after it forwards, within k unit edits together. A k-bounded branching
//    search: look-alikes sharing the piece die after a few symbol compares. (Myers'
//    bit-parallel algorithm, below, answers the unanchored question over a
//    whole window; it was the verifier before and is kept as the reference
//    the tests compare against.)
// 3. A weighted alignment (phonetically close jamo cost 0.5) over the same
//    window picks the exact span, snapped to syllable boundaries, and the
//    distance that is reported and compared with the term's budget.

export const MAX_FUZZY_SYMBOLS = 31;

/**
 * Unit-edit bound by term length in syllables: 0 for 1 syllable, 1 for 2–4,
 * 2 for ≥5. (Two-syllable terms get a unit edit but only a close-sound budget.)
 */
export function maxEditsFor(syllables: number): number {
  if (syllables <= 1) return 0;
  return syllables <= 4 ? 1 : 2;
}

/**
 * Weighted budget: for 2 syllables one phonetically close edit (해지→헤지,
 * 소송→소숑), for 3–4 one edit of any kind, for longer terms two edits only
 * when at least one of them is close.
 */
export function budgetFor(maxEdits: number, syllables: number): number {
  if (maxEdits <= 0) return 0;
  if (syllables <= 2) return 0.5;
  return maxEdits === 1 ? 1 : 1.5;
}

/** Splits a pattern into k+1 pieces of near-equal length: [offset, length][]. */
export function pieces(length: number, k: number): [number, number][] {
  const parts = k + 1;
  const out: [number, number][] = [];
  let off = 0;
  for (let i = 0; i < parts; i++) {
    const len = Math.floor(length / parts) + (i < length % parts ? 1 : 0);
    out.push([off, len]);
    off += len;
  }
  return out;
}

/** Per-symbol match masks for Myers' algorithm. */
export function myersMasks(pattern: Uint8Array): Int32Array {
  const peq = new Int32Array(ALPHABET_SIZE);
  for (let i = 0; i < pattern.length; i++) peq[pattern[i]] |= 1 << i;
  return peq;
}

/**
 * Smallest unit edit distance between the pattern (m ≤ 31 symbols) and any
 * substring of text[from, to) — Myers 1999, search variant.
 */
export function myersMinDistance(peq: Int32Array, m: number, text: Uint8Array, from: number, to: number): number {
  const high = 1 << (m - 1);
  let pv = -1;
  let mv = 0;
  let score = m;
  let best = m;
  for (let j = from; j < to; j++) {
    const eq = peq[text[j]];
    const xv = eq | mv;
    const xh = ((((eq & pv) + pv) | 0) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & high) score++;
    else if (mh & high) score--;
    ph <<= 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
    if (score < best) best = score;
  }
  return best;
}

/**
 * Anchored edit distance, capped: the fewest unit edits turning
 * pattern[pFrom, pFrom + pLen) into some text string that starts exactly at
 * `anchor` and runs forwards (dir = 1), or ends exactly at `anchor` and runs
 * backwards (dir = -1) within text[textFrom, textTo); the other end is free.
 * Returns k + 1 when the distance exceeds k.
 *
 * This is the pigeonhole verifier: a piece of the alias occurs exactly, so a
 * near miss with that piece intact exists iff the part before the piece
 * matches backwards from it and the part after matches forwards, within k
 * edits together. Computed the Landau–Vishkin way: for e = 0, 1, … k edits,
 * the furthest pattern position reachable on each diagonal (text offset −
 * pattern offset, |d| ≤ e), extending every diagonal over equal symbols — at
 * most (k + 1)² = 9 short comparison runs, unrolled for k ≤ 2 (the most
 * maxEditsFor gives): no table, no recursion, and a look-alike that differs
 * right after the shared piece fails after a handful of symbol compares.
 */
export function anchoredEdits(
  pattern: Uint8Array, pFrom: number, pLen: number, dir: 1 | -1,
  text: Uint8Array, textFrom: number, textTo: number, anchor: number, k: number,
): number {
  if (pLen === 0) return 0;
  if (k > 2) throw new RangeError('anchoredEdits: k ≤ 2 (maxEditsFor never gives more)');
  return dir > 0
    ? forwardEdits(pattern, pFrom, pLen, text, anchor, textTo - anchor, k)
    : backwardEdits(pattern, pFrom + pLen - 1, pLen, text, anchor - 1, anchor - textFrom, k);
}

// The searches below are Landau–Vishkin for k ≤ 2, unrolled: `x…` is the
// furthest pattern offset reached on diagonal d = (text offset − pattern
// offset) with e edits (xm1 = d −1, x0 = d 0, xp1 = d +1, …), NONE where
// unreachable. A diagonal is extended from the best of: a substitution on the
// same diagonal (+1, +1), a deletion of a pattern symbol from d + 1 (+1, 0),
// an insertion of a text symbol from d − 1 (0, +1); then over equal symbols.
// `fwd`/`bwd` take those three predecessors, pick the start and extend the
// diagonal, in one call (they are the hot path of verification: one call per
// diagonal, not two); m is the pattern length and n the text length available
// from the anchor.
const NONE = -1_000_000;

/** The start of diagonal d after one more edit, from the furthest points of the previous edit count. */
function start(m: number, n: number, d: number, same: number, fromAbove: number, fromBelow: number): number {
  let best = NONE;
  if (same !== NONE && same < m && same + d < n) best = same + 1;
  if (fromAbove !== NONE && fromAbove < m && fromAbove + 1 > best) best = fromAbove + 1;
  if (fromBelow !== NONE && fromBelow + d - 1 < n && fromBelow > best) best = fromBelow;
  return best;
}

function fwd(p: Uint8Array, p0: number, m: number, t: Uint8Array, t0: number, n: number, d: number, same: number, fromAbove: number, fromBelow: number): number {
  let x = start(m, n, d, same, fromAbove, fromBelow);
  if (x === NONE || x + d < 0) return NONE;
  while (x < m && x + d < n && p[p0 + x] === t[t0 + x + d]) x++;
  return x;
}

function bwd(p: Uint8Array, p0: number, m: number, t: Uint8Array, t0: number, n: number, d: number, same: number, fromAbove: number, fromBelow: number): number {
  let x = start(m, n, d, same, fromAbove, fromBelow);
  if (x === NONE || x + d < 0) return NONE;
  while (x < m && x + d < n && p[p0 - x] === t[t0 - x - d]) x++;
  return x;
}

/** p[p0 + i] against t[t0 + j] for i < m, j < n; ≤ k or k + 1 (k ≤ 2; larger k is searched as 2 and reported as k + 1 beyond). */
function forwardEdits(p: Uint8Array, p0: number, m: number, t: Uint8Array, t0: number, n: number, k: number): number {
  let x0 = 0;
  while (x0 < m && x0 < n && p[p0 + x0] === t[t0 + x0]) x0++;
  if (x0 >= m) return 0;
  if (k === 0) return 1;
  // one edit
  const a0 = fwd(p, p0, m, t, t0, n, 0, x0, NONE, NONE);
  if (a0 >= m) return 1;
  const am1 = fwd(p, p0, m, t, t0, n, -1, NONE, x0, NONE);
  if (am1 >= m) return 1;
  const ap1 = fwd(p, p0, m, t, t0, n, 1, NONE, NONE, x0);
  if (ap1 >= m) return 1;
  if (k === 1) return 2;
  // two edits
  if (fwd(p, p0, m, t, t0, n, 0, a0, ap1, am1) >= m) return 2;
  if (fwd(p, p0, m, t, t0, n, -1, am1, a0, NONE) >= m) return 2;
  if (fwd(p, p0, m, t, t0, n, 1, ap1, NONE, a0) >= m) return 2;
  if (fwd(p, p0, m, t, t0, n, -2, NONE, am1, NONE) >= m) return 2;
  if (fwd(p, p0, m, t, t0, n, 2, NONE, NONE, ap1) >= m) return 2;
  return 3;
}

/** p[p0 - i] against t[t0 - j] for i < m, j < n (both running backwards); ≤ k or k + 1 (k ≤ 2, as above). */
function backwardEdits(p: Uint8Array, p0: number, m: number, t: Uint8Array, t0: number, n: number, k: number): number {
  let x0 = 0;
  while (x0 < m && x0 < n && p[p0 - x0] === t[t0 - x0]) x0++;
  if (x0 >= m) return 0;
  if (k === 0) return 1;
  const a0 = bwd(p, p0, m, t, t0, n, 0, x0, NONE, NONE);
  if (a0 >= m) return 1;
  const am1 = bwd(p, p0, m, t, t0, n, -1, NONE, x0, NONE);
  if (am1 >= m) return 1;
  const ap1 = bwd(p, p0, m, t, t0, n, 1, NONE, NONE, x0);
  if (ap1 >= m) return 1;
  if (k === 1) return 2;
  if (bwd(p, p0, m, t, t0, n, 0, a0, ap1, am1) >= m) return 2;
  if (bwd(p, p0, m, t, t0, n, -1, am1, a0, NONE) >= m) return 2;
  if (bwd(p, p0, m, t, t0, n, 1, ap1, NONE, a0) >= m) return 2;
  if (bwd(p, p0, m, t, t0, n, -2, NONE, am1, NONE) >= m) return 2;
  if (bwd(p, p0, m, t, t0, n, 2, NONE, NONE, ap1) >= m) return 2;
  return 3;
}

export interface Alignment {
  distance: number;
  /** Text symbol span [start, end). */
  start: number;
  end: number;
}

let dpCost = new Int32Array(64);
let dpFrom = new Int32Array(64);
/** Costs in half edits (every cost is a multiple of CLOSE_COST = 0.5), so the DP is integer arithmetic. */
const SUB2 = Uint8Array.from(SUB_COST, (c) => Math.round(c * 2));
const INDEL2 = Uint8Array.from(INDEL_COST, (c) => Math.round(c * 2));
const UNREACHABLE = 1 << 28;

/**
 * Best weighted alignment of the whole pattern against a substring of
 * text[from, to) that starts on a first symbol (jFirst) and ends on a last
 * symbol (jLast) of a character. Ties prefer the lower distance, then the span
 * closest to the pattern's length. Returns null when nothing is ≤ budget —
 * as soon as a whole row of the table exceeds it (costs only grow along a path).
 *
 * Only the cells that can still be ≤ budget are computed: a row's live columns
 * [lo, hi] (cost ≤ budget) bound the next row's to [lo, hi + 1] plus a run of
 * insertions after it, so after the first rows the table is a band a few
 * columns wide instead of the whole window. Cells left out cost more than the
 * budget, so they can neither be chosen nor tie with a chosen path: the result
 * is the full table's.
 */
export function alignWeighted(
  pattern: Uint8Array, text: Uint8Array, from: number, to: number,
  jFirst: Uint8Array, jLast: Uint8Array, budget: number,
): Alignment | null {
  const m = pattern.length;
  const w = to - from;
  const cols = w + 1;
  const limit = Math.round(budget * 2);
  if (dpCost.length < 2 * (cols + 1)) {
    dpCost = new Int32Array(2 * (cols + 1) * 2);
    dpFrom = new Int32Array(2 * (cols + 1) * 2);
  }
  // Two rolling rows of cols + 1 cells (the last one a sentinel); dpFrom carries
  // the start column of the best path. Row 0: a path may start on any first symbol.
  let prev = 0;
  let cur = cols + 1;
  let lo = -1;
  let hi = -1;
  for (let j = 0; j <= w; j++) {
    const startable = j < w && jFirst[from + j] === 1;
    dpCost[prev + j] = startable ? 0 : UNREACHABLE;
    dpFrom[prev + j] = j;
    if (startable) { if (lo < 0) lo = j; hi = j; }
  }
  dpCost[prev + cols] = UNREACHABLE;
  if (lo < 0) return null;
  let last0 = 0;
  let last1 = w;
  for (let i = 1; i <= m; i++) {
    const pc = pattern[i - 1];
    const del = INDEL2[pc];
    const row = pc * ALPHABET_SIZE;
    // Columns [lo, hi + 1] can be reached from the previous row's live cells.
    const a = lo;
    const b = Math.min(w, hi + 1);
    if (a > 0) dpCost[cur + a - 1] = UNREACHABLE;
    let newLo = -1;
    let newHi = -1;
    let j = a;
    for (; j <= b; j++) {
      let best = dpCost[prev + j] + del;
      let src = dpFrom[prev + j];
      if (j > 0) {
        const tc = text[from + j - 1];
        const diag = dpCost[prev + j - 1] + SUB2[row + tc];
        if (diag <= best) { best = diag; src = dpFrom[prev + j - 1]; }
        const left = dpCost[cur + j - 1] + INDEL2[tc];
        if (left < best) { best = left; src = dpFrom[cur + j - 1]; }
      }
      dpCost[cur + j] = best;
      dpFrom[cur + j] = src;
      if (best <= limit) { if (newLo < 0) newLo = j; newHi = j; }
    }
    // Past hi + 1 only insertions after a live cell can stay within the budget.
    for (; j <= w && newHi === j - 1; j++) {
      const left = dpCost[cur + j - 1] + INDEL2[text[from + j - 1]];
      dpCost[cur + j] = left;
      dpFrom[cur + j] = dpFrom[cur + j - 1];
      if (left <= limit) newHi = j;
    }
    if (newLo < 0) return null;
    dpCost[cur + j] = UNREACHABLE;
    last0 = a;
    last1 = j - 1;
    lo = newLo;
    hi = newHi;
    const t = prev; prev = cur; cur = t;
  }
  let found: Alignment | null = null;
  let foundCost = 0;
  for (let j = Math.max(1, last0); j <= last1; j++) {
    if (jLast[from + j - 1] !== 1) continue;
    const d = dpCost[prev + j];
    if (d > limit) continue;
    const start = from + dpFrom[prev + j];
    const end = from + j;
    if (start >= end) continue;
    if (!found || d < foundCost || (d === foundCost && Math.abs(end - start - m) < Math.abs(found.end - found.start - m))) {
      found = { distance: d / 2, start, end };
      foundCost = d;
    }
  }
  return found;
}

/**
 * Every symbol string one phonetically close edit away (a close substitution,
 * or a weak ㅇ/ㅎ dropped or added). Two-syllable terms allow only that one
 * cheap edit, and their pigeonhole pieces would be 2-jamo fragments that occur
 * everywhere; enumerating the ~20 variants into the automaton as exact
 * patterns makes them free to find instead.
 */
export function closeVariants(syms: Uint8Array): Uint8Array[] {
  const out = new Map<string, Uint8Array>();
  const add = (v: Uint8Array) => { out.set(v.join(','), v); };
  const m = syms.length;
  for (let i = 0; i < m; i++) {
    for (let b = 1; b < ALPHABET_SIZE; b++) {
      if (SUB_COST[syms[i] * ALPHABET_SIZE + b] !== CLOSE_COST) continue;
      const v = syms.slice();
      v[i] = b;
      add(v);
    }
    if (INDEL_COST[syms[i]] === CLOSE_COST && m > 1) add(Uint8Array.from([...syms.subarray(0, i), ...syms.subarray(i + 1)]));
  }
  for (let b = 1; b < ALPHABET_SIZE; b++) {
    if (INDEL_COST[b] !== CLOSE_COST) continue;
    for (let i = 0; i <= m; i++) add(Uint8Array.from([...syms.subarray(0, i), b, ...syms.subarray(i)]));
  }
  out.delete(syms.join(','));
  return [...out.values()];
}
