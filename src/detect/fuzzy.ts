import { ALPHABET_SIZE, CLOSE_COST, INDEL_COST, SUB_COST } from './jamo.js';

// Approximate matching of dictionary terms at jamo level (STT near misses).
//
// Filter → verify:
// 1. Pigeonhole filter: a term allowed k unit edits is cut into k+1 contiguous
//    pieces; any occurrence within k edits contains at least one piece exactly.
//    The pieces live in the same automaton as the exact aliases, so finding
//    candidates costs nothing extra per input symbol.
// 2. Myers' bit-parallel algorithm (one 32-bit word: terms up to 31 jamo)
//    confirms that some substring of the small window around the candidate is
//    within k unit edits. Most candidates die here, in O(window) word ops.
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

export interface Alignment {
  distance: number;
  /** Text symbol span [start, end). */
  start: number;
  end: number;
}

let dpCost = new Float64Array(64);
let dpFrom = new Int32Array(64);

/**
 * Best weighted alignment of the whole pattern against a substring of
 * text[from, to) that starts on a first symbol (jFirst) and ends on a last
 * symbol (jLast) of a character. Ties prefer the lower distance, then the span
 * closest to the pattern's length. Returns null when nothing is ≤ budget.
 */
export function alignWeighted(
  pattern: Uint8Array, text: Uint8Array, from: number, to: number,
  jFirst: Uint8Array, jLast: Uint8Array, budget: number,
): Alignment | null {
  const m = pattern.length;
  const w = to - from;
  const cols = w + 1;
  if (dpCost.length < 2 * cols) {
    dpCost = new Float64Array(2 * cols * 2);
    dpFrom = new Int32Array(2 * cols * 2);
  }
  // Two rolling rows; dpFrom carries the start column of the best path.
  let prev = 0;
  let cur = cols;
  for (let j = 0; j <= w; j++) {
    const startable = j < w && jFirst[from + j] === 1;
    dpCost[prev + j] = startable ? 0 : Infinity;
    dpFrom[prev + j] = j;
  }
  for (let i = 1; i <= m; i++) {
    const pc = pattern[i - 1];
    const del = INDEL_COST[pc];
    dpCost[cur] = dpCost[prev] + del;
    dpFrom[cur] = dpFrom[prev];
    for (let j = 1; j <= w; j++) {
      const tc = text[from + j - 1];
      let best = dpCost[prev + j - 1] + SUB_COST[pc * ALPHABET_SIZE + tc];
      let src = dpFrom[prev + j - 1];
      const up = dpCost[prev + j] + del;
      if (up < best) { best = up; src = dpFrom[prev + j]; }
      const left = dpCost[cur + j - 1] + INDEL_COST[tc];
      if (left < best) { best = left; src = dpFrom[cur + j - 1]; }
      dpCost[cur + j] = best;
      dpFrom[cur + j] = src;
    }
    const t = prev; prev = cur; cur = t;
  }
  let found: Alignment | null = null;
  for (let j = 1; j <= w; j++) {
    if (jLast[from + j - 1] !== 1) continue;
    const d = dpCost[prev + j];
    if (d > budget + 1e-9) continue;
    const start = from + dpFrom[prev + j];
    const end = from + j;
    if (start >= end) continue;
    if (!found || d < found.distance - 1e-9 ||
      (Math.abs(d - found.distance) < 1e-9 && Math.abs(end - start - m) < Math.abs(found.end - found.start - m))) {
      found = { distance: d, start, end };
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
