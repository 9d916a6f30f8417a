import { endsWord, startsWord } from './boundaries.js';
import { OUT_COUNT, OUT_FIELDS, OUT_LINK, OUT_START } from './automaton.js';
import {
  PAT_FIELDS, PAT_HAS_PIECE, PAT_LENGTH, PAT_USE_END, PAT_USE_START,
  USE_ALIAS, USE_BEFORE, USE_EDITS, USE_FIELDS, USE_LEN, USE_OPEN_END, USE_OPEN_START, USE_PIECE, USE_SYM_START,
  type Alias, type CompiledRuleSet,
} from './compile.js';
import { alignWeighted, anchoredEdits } from './fuzzy.js';
import type { NormPrefix, NormText } from './normalize.js';

// One pass of the automaton over a normalised text, then the checks that need
// the position: syllable alignment, word boundaries, fuzzy verification.
// The result is engine data (alias ids, normalised offsets); rules are applied
// by the evaluator.

export interface Occ {
  alias: number;
  /** Normalised-character span [s, e). */
  s: number;
  e: number;
  /** Weighted jamo distance; 0 for exact. */
  dist: number;
}

export interface ScanResult {
  t: NormText;
  /** Occurrences of term, cue and exception aliases, in end order (fuzzy ones appended). */
  occ: Occ[];
  neg: Occ[];
  cancel: Occ[];
  /** Normalised positions where a clause ends (punctuation or a break word). */
  breaks: number[];
  /** Automaton state after the last symbol (for carrying the scan into the next utterance). */
  state: number;
  /** occ[0, occExact) come from the automaton pass (exact patterns); the rest are verified near misses. */
  occExact: number;
  /** breaks[0, breaksPunct) are from punctuation/endings (findBreaks); the rest are break words. */
  breaksPunct: number;
}

/**
 * What a scan of `tail + ' ' + next` needs from the scan of the text the tail
 * ends: the tail's normalised characters and jamo, the automaton state after
 * it, the exact occurrences inside it, and the near-miss candidates found in
 * it whose window reaches past its end (in the tail's own coordinates).
 * Resuming from it gives exactly the result of scanning the concatenation
 * afresh, without normalising or scanning the tail again (see docs/detection.md).
 */
export class Carry implements NormPrefix {
  // The previous text's buffers (handed over by the normaliser, see Normalizer.handOver);
  // the tail is characters [base, base + n) and symbols [jbase, jbase + jn) of them.
  // Sized like a normaliser's: they become its buffers on the next hand-over.
  codes = new Uint16Array(256);
  origStart = new Int32Array(256);
  origEnd = new Int32Array(256);
  wordStart = new Uint8Array(256);
  breakBefore = new Uint8Array(256);
  sym = new Uint8Array(1024);
  jNorm = new Int32Array(1024);
  jFirst = new Uint8Array(1024);
  jLast = new Uint8Array(1024);
  base = 0;
  jbase = 0;
  origShift = 0;
  n = 0;
  jn = 0;
  pendingBreak = 0;
  /** Automaton state after the tail, or -1: run the automaton over the tail's symbols again (state only). */
  state = 0;
  /** Occurrences from the automaton pass, by kind; break words as positions. */
  occ: Occ[] = [];
  neg: Occ[] = [];
  cancel: Occ[] = [];
  occN = 0;
  negN = 0;
  cancelN = 0;
  breakWords: Int32Array = new Int32Array(8);
  breakN = 0;
  /** Exact matches of fuzzy aliases (alias, symbol start): near misses at the same start are skipped. */
  exact: Int32Array = new Int32Array(16);
  exactN = 0;
  /** Pending candidates: (use, symbol position, length) triples. */
  cand: Int32Array = new Int32Array(48);
  candN = 0;
  /** False when the tail cannot be carried (the caller normalises and scans it again). */
  valid = false;
}

/** Near misses always need a clean word end: a fuzzy 신문고 must not eat 신문 구독료. */
function boundariesOk(a: Alias, t: NormText, s: number, e: number, fuzzy: boolean): boolean {
  if (!a.openStart && !startsWord(t, s)) return false;
  if ((a.strictEnd || (fuzzy && !a.openEnd)) && !endsWord(t, e)) return false;
  return true;
}

const [END_YO, END_DA, END_JYO, END_KKA] = [...'요다죠까'].map((c) => c.charCodeAt(0));

/**
 * Clause ends for negation scope: sentence punctuation, and — because STT rarely
 * punctuates — a word ending in a sentence-final ending (…요, …다, …죠, …까)
 * followed by a new word. (The connective -고 is not used: too many nouns end
 * in 고 — 신고, 신문고, 광고 — and would cut the scope after them.)
 */
function findBreaks(t: NormText, out: number[]): void {
  for (let k = 1; k < t.n; k++) {
    if (t.breakBefore[k] === 1) { out.push(k); continue; }
    if (t.wordStart[k] !== 1) continue;
    const c = t.codes[k - 1];
    if (c === END_YO || c === END_DA || c === END_JYO || c === END_KKA) out.push(k);
  }
}

/**
 * Per-compiled-set scratch reused across scans: flat candidate buffers,
 * per-alias stamps instead of Sets and objects, the 2-gram presence table of
 * the current text, and the result arrays (valid until the next scan).
 */
interface Scratch {
  /** Pigeonhole candidates: the use (alias + piece offset) and where the piece occurred (symbols). */
  candUse: Int32Array;
  candPos: Int32Array;
  candLen: Int32Array;
  /** 1 when the candidate failed a check that more text after the scanned one cannot change (not carried). */
  candDead: Uint8Array;
  /**
   * Per useBefore group, BEFORE_FIELDS int32: scan token and anchor position of
   * the cached start check + backward extension, and its result (one record,
   * one cache line, like FlatTables.useRec).
   */
  before: Int32Array;
  /**
   * Per alias, STAMP_FIELDS int32: the scan token at which it last had an exact
   * match and that match's start; the token and start of its last verified near miss.
   */
  stamps: Int32Array;
  token: number;
  /** Candidates recorded by the last scan. */
  cands: number;
  /** Exact matches of fuzzy aliases in the last scan, in scan order (for carrying): (alias, start) pairs. */
  ex: Int32Array;
  exN: number;
  res: ScanResult;
}

const BEFORE_STAMP = 0;
const BEFORE_POS = 1;
const BEFORE_VAL = 2;
const BEFORE_FIELDS = 4;
const EXACT_STAMP = 0;
const EXACT_START = 1;
const SEEN_STAMP = 2;
const SEEN_START = 3;
const STAMP_FIELDS = 4;

/** Marks an exact match of fuzzy alias `id` at `start` in the scan `token`: no near miss is aligned there. */
function stampExact(sc: Scratch, id: number, start: number, token: number): void {
  sc.stamps[id * STAMP_FIELDS + EXACT_STAMP] = token;
  sc.stamps[id * STAMP_FIELDS + EXACT_START] = start;
}

const scratches = new WeakMap<CompiledRuleSet, Scratch>();

function scratchFor(cs: CompiledRuleSet): Scratch {
  let s = scratches.get(cs);
  if (!s) {
    const n = cs.aliases.length;
    s = {
      candUse: new Int32Array(256), candPos: new Int32Array(256), candLen: new Int32Array(256), candDead: new Uint8Array(256),
      before: new Int32Array(cs.flat.beforeGroups * BEFORE_FIELDS), stamps: new Int32Array(n * STAMP_FIELDS),
      token: 0, cands: 0, ex: new Int32Array(32), exN: 0,
      res: { t: null as unknown as NormText, occ: [], neg: [], cancel: [], breaks: [], state: 0, occExact: 0, breaksPunct: 0 },
    };
    scratches.set(cs, s);
  }
  return s;
}

/**
 * `tailEnd` (normalised chars) marks text already scanned with the previous
 * utterance: near misses lying wholly inside it are not verified again.
 * With a valid `carry`, `t` begins with the carried tail (t.n ≥ carry.n,
 * tailEnd = carry.n): the automaton resumes after it and the tail's
 * occurrences and pending candidates are taken from the carry — the result is
 * the same as scanning all of `t`.
 *
 * The result (and its arrays) is reused by the next scan of the same rule set:
 * the engine evaluates it synchronously before scanning again.
 */
export function scanText(cs: CompiledRuleSet, t: NormText, tailEnd = 0, carry: Carry | null = null): ScanResult {
  const sc = scratchFor(cs);
  const res = sc.res;
  res.t = t;
  // (Setting an array's length is a runtime call: only when there is something to clear.)
  if (res.occ.length > 0) res.occ.length = 0;
  if (res.neg.length > 0) res.neg.length = 0;
  if (res.cancel.length > 0) res.cancel.length = 0;
  if (res.breaks.length > 0) res.breaks.length = 0;
  sc.exN = 0;
  findBreaks(t, res.breaks);
  res.breaksPunct = res.breaks.length;
  const token = ++sc.token;
  let cands = 0;
  const { aliases, automaton, flat } = cs;
  const { delta, outBit, outIds, outRec, alpha } = automaton;
  const { useDist, useRec, patRec } = flat;
  const { sym, jFirst, jLast, jNorm, jn } = t;
  // Near misses lying wholly in the previous utterance's tail were verified with it.
  const tailSym = carry ? carry.jn : tailEnd > 0 ? firstSymbolOf(t, tailEnd) : 0;
  let s = 0;
  let i0 = 0;
  if (carry) {
    // What a scan of the tail would find, in the order it would find it.
    for (let k = 0; k < carry.breakN; k++) res.breaks.push(carry.breakWords[k]);
    for (let k = 0; k < carry.occN; k++) res.occ.push(carry.occ[k]);
    for (let k = 0; k < carry.negN; k++) res.neg.push(carry.neg[k]);
    for (let k = 0; k < carry.cancelN; k++) res.cancel.push(carry.cancel[k]);
    for (let k = 0; k < carry.exactN; k += 2) {
      const id = carry.exact[k];
      stampExact(sc, id, carry.exact[k + 1], token);
      pushExact(sc, id, carry.exact[k + 1]);
    }
    for (let k = 0; k < carry.candN; k += 3) {
      if (cands === sc.candUse.length) growCandidates(sc);
      sc.candUse[cands] = carry.cand[k];
      sc.candPos[cands] = carry.cand[k + 1];
      sc.candLen[cands++] = carry.cand[k + 2];
    }
    i0 = carry.jn;
    s = carry.state;
    if (s < 0) {
      // The state after the whole previous text was deeper than the tail: rebuild it from the tail alone.
      s = 0;
      for (let i = 0; i < i0; i++) { s = delta[s * alpha + sym[i]]; if (s >= outBit) s -= outBit; }
    }
  }
  // The automaton loop is inlined (no per-occurrence callback).
  for (let i = i0; i < jn; i++) {
    s = delta[s * alpha + sym[i]];
    if (s < outBit) continue;
    s -= outBit;
    const jEnd = i + 1;
    for (let st = s; st >= 0; st = outRec[st * OUT_FIELDS + OUT_LINK]) {
      const oFrom = outRec[st * OUT_FIELDS + OUT_START];
      const oTo = oFrom + outRec[st * OUT_FIELDS + OUT_COUNT];
      for (let o = oFrom; o < oTo; o++) {
        const p = outIds[o] * PAT_FIELDS;
        const jStart = jEnd - patRec[p + PAT_LENGTH];
        const uFrom = patRec[p + PAT_USE_START];
        const uTo = patRec[p + PAT_USE_END];
        if (patRec[p + PAT_HAS_PIECE] === 1) {
          for (let u = uFrom; u < uTo; u++) {
            const r = u * USE_FIELDS;
            const off = useRec[r + USE_PIECE];
            if (off < 0) continue;
            if (jStart - off + useRec[r + USE_LEN] + useRec[r + USE_EDITS] <= tailSym) continue;
            if (cands === sc.candUse.length) growCandidates(sc);
            sc.candUse[cands] = u;
            sc.candPos[cands] = jStart;
            sc.candLen[cands++] = jEnd - jStart;
          }
        }
        // Whole aliases (and close variants) must cover whole characters.
        if (jFirst[jStart] !== 1 || jLast[i] !== 1) continue;
        for (let u = uFrom; u < uTo; u++) {
          if (useRec[u * USE_FIELDS + USE_PIECE] >= 0) continue;
          const id = useRec[u * USE_FIELDS + USE_ALIAS];
          const a = aliases[id];
          if (a.fuzzy && useDist[u] === 0) {
            stampExact(sc, id, jStart, token);
            pushExact(sc, id, jStart);
          }
          addOcc(res, a, jNorm[jStart], jNorm[i] + 1, useDist[u]);
        }
      }
    }
  }
  // (A state reporting outputs is stored with outBit added in delta; `s` is always the plain state here.)
  res.state = s;
  res.occExact = res.occ.length;
  sc.cands = cands;
  if (cands > 0) verifyCandidates(cs, res, sc, cands, token);
  return res;
}

/**
 * Fills `carry` from the last scan of `cs` (whose result is `res`) for a tail
 * that starts at normalised character `base` of the scanned text and runs to
 * its end, with original offsets shifted by `-origShift`. The tail must start
 * a word (the caller cuts at spacing) and hold at least one character. The
 * caller then hands the scanned text's buffers to the carry (no copy).
 */
export function carryTail(cs: CompiledRuleSet, res: ScanResult, base: number, origShift: number, carry: Carry): void {
  const t = res.t;
  const sc = scratchFor(cs);
  const n = t.n - base;
  carry.valid = n > 0;
  if (!carry.valid) return;
  let jbase = 0;
  while (jbase < t.jn && t.jNorm[jbase] < base) jbase++;
  const jn = t.jn - jbase;
  // The characters and symbols stay where they are: the caller hands the
  // normaliser's buffers over to the carry (Normalizer.handOver).
  carry.base = base;
  carry.jbase = jbase;
  carry.origShift = origShift;
  carry.n = n;
  carry.jn = jn;
  carry.pendingBreak = t.pendingBreak;
  carry.state = cs.automaton.depth[res.state] <= jn ? res.state : -1;
  // Occurrences starting in the tail (a fresh scan of it finds exactly those), shifted.
  let m = 0;
  for (let k = 0; k < res.occExact; k++) {
    const o = res.occ[k];
    if (o.s >= base) carry.occ[m++] = { alias: o.alias, s: o.s - base, e: o.e - base, dist: o.dist };
  }
  carry.occN = m;
  carry.negN = shiftOccs(res.neg, base, carry.neg);
  carry.cancelN = shiftOccs(res.cancel, base, carry.cancel);
  m = 0;
  for (let k = res.breaksPunct; k < res.breaks.length; k++) {
    if (res.breaks[k] < base) continue;
    if (m === carry.breakWords.length) carry.breakWords = growInt(carry.breakWords, m + 1);
    carry.breakWords[m++] = res.breaks[k] - base;
  }
  carry.breakN = m;
  m = 0;
  for (let k = 0; k < sc.exN; k += 2) {
    if (sc.ex[k + 1] < jbase) continue;
    if (m + 2 > carry.exact.length) carry.exact = growInt(carry.exact, m + 2);
    carry.exact[m++] = sc.ex[k];
    carry.exact[m++] = sc.ex[k + 1] - jbase;
  }
  carry.exactN = m;
  // Candidates in the tail whose window reaches past its end (the others were verified already).
  m = 0;
  const { useAlias, usePiece, aliasLen, maxEdits } = cs.flat;
  const { candPos, candUse, candLen } = sc;
  const end = t.jn;
  const { candDead } = sc;
  for (let c = 0; c < sc.cands; c++) {
    const pos = candPos[c];
    if (pos < jbase || candDead[c] === 1) continue;
    const u = candUse[c];
    const id = useAlias[u];
    if (pos - usePiece[u] + aliasLen[id] + maxEdits[id] <= end) continue;
    if (m + 3 > carry.cand.length) carry.cand = growInt(carry.cand, m + 3);
    carry.cand[m++] = u;
    carry.cand[m++] = pos - jbase;
    carry.cand[m++] = candLen[c];
  }
  carry.candN = m;
}

/** Copies the occurrences starting at or after `base` into `to`, shifted; returns how many. */
function shiftOccs(from: Occ[], base: number, to: Occ[]): number {
  let m = 0;
  for (let k = 0; k < from.length; k++) {
    const o = from[k];
    if (o.s >= base) to[m++] = { alias: o.alias, s: o.s - base, e: o.e - base, dist: o.dist };
  }
  return m;
}

function pushExact(sc: Scratch, id: number, start: number): void {
  if (sc.exN + 2 > sc.ex.length) sc.ex = growInt(sc.ex, sc.exN + 2);
  sc.ex[sc.exN++] = id;
  sc.ex[sc.exN++] = start;
}

function growInt(x: Int32Array, need: number): Int32Array {
  const y = new Int32Array(Math.max(need, x.length * 2));
  y.set(x);
  return y;
}

function growCandidates(sc: Scratch): void {
  const grow = (x: Int32Array) => { const y = new Int32Array(x.length * 2); y.set(x); return y; };
  sc.candUse = grow(sc.candUse);
  sc.candPos = grow(sc.candPos);
  sc.candLen = grow(sc.candLen);
  sc.candDead = new Uint8Array(sc.candUse.length);
}

function addOcc(res: ScanResult, a: Alias, s: number, e: number, dist: number): void {
  switch (a.kind) {
    case 'neg': res.neg.push({ alias: a.id, s, e, dist }); return;
    case 'cancel': res.cancel.push({ alias: a.id, s, e, dist }); return;
    case 'break': res.breaks.push(s); return;
    default:
      if (!boundariesOk(a, res.t, s, e, dist > 0)) return;
      res.occ.push({ alias: a.id, s, e, dist });
  }
}

/** Some character starting in symbols [from, to) may begin a word. */
function canStartNear(t: NormText, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (t.jFirst[j] === 1 && startsWord(t, t.jNorm[j])) return true;
  return false;
}

/** Some character ending in symbols [from, to) may end a word (a fuzzy match needs a clean end). */
function canEndNear(t: NormText, from: number, to: number, openEnd: boolean): boolean {
  if (openEnd) return true;
  for (let j = Math.max(0, from); j < to; j++) if (t.jLast[j] === 1 && endsWord(t, t.jNorm[j] + 1)) return true;
  return false;
}

function firstSymbolOf(t: NormText, normIndex: number): number {
  let j = 0;
  while (j < t.jn && t.jNorm[j] < normIndex) j++;
  return j;
}

/**
 * Verifies pigeonhole candidates: the anchored extension check (exact for
 * "within k unit edits with this piece intact"), boundary pre-checks, then the
 * weighted alignment that picks the span and the reported distance.
 */
/** beforeVal code: no possible word start near the candidate's start. */
const NO_START = 1000;

function verifyCandidates(cs: CompiledRuleSet, res: ScanResult, sc: Scratch, count: number, token: number): void {
  const t = res.t;
  const f = cs.flat;
  const rec = f.useRec;
  const { sym, jn } = t;
  const { candUse, candPos, candLen, candDead, before: cache, stamps } = sc;
  for (let c = 0; c < count; c++) {
    candDead[c] = 0;
    const r = candUse[c] * USE_FIELDS;
    const id = rec[r + USE_ALIAS];
    const off = rec[r + USE_PIECE];
    const pos = candPos[c];
    const len = candLen[c];
    const start = pos - off;
    // Both pieces of one alignment report the same start: align it once.
    const st = id * STAMP_FIELDS;
    if (stamps[st + SEEN_STAMP] === token && stamps[st + SEEN_START] === start) continue;
    if (stamps[st + EXACT_STAMP] === token && stamps[st + EXACT_START] === start) continue;
    const m = rec[r + USE_LEN];
    const k = rec[r + USE_EDITS];
    const symBase = rec[r + USE_SYM_START];
    const from = Math.max(0, start - k);
    const to = Math.min(jn, start + m + k);
    // The word-start check and the backward extension depend only on the part of the
    // alias before the piece (and k): computed once per group of uses sharing it.
    const g = rec[r + USE_BEFORE] * BEFORE_FIELDS;
    let before: number;
    if (cache[g + BEFORE_STAMP] === token && cache[g + BEFORE_POS] === pos) {
      before = cache[g + BEFORE_VAL];
    } else {
      // A near miss must start a word: checked first, it is cheaper than any distance work.
      if (rec[r + USE_OPEN_START] === 0 && !canStartNear(t, from, Math.min(to, start + k + 1))) before = NO_START;
      else before = anchoredEdits(f.syms, symBase, off, -1, sym, 0, jn, pos, k);
      cache[g + BEFORE_STAMP] = token;
      cache[g + BEFORE_POS] = pos;
      cache[g + BEFORE_VAL] = before;
    }
    if (before > k) {
      // The text before the anchor is all there is (a later scan sees it or less of it);
      // a word start after it could still come when the window reaches past the text.
      if (before !== NO_START || start + k + 1 <= jn) candDead[c] = 1;
      continue;
    }
    if (anchoredEdits(f.syms, symBase + off + len, m - off - len, 1, sym, 0, jn, pos + len, k - before) > k - before) continue;
    stamps[st + SEEN_STAMP] = token;
    stamps[st + SEEN_START] = start;
    // ... and end one.
    if (!canEndNear(t, Math.max(from, start + m - k - 1), to, rec[r + USE_OPEN_END] === 1)) continue;
    const a = cs.aliases[id];
    const al = alignWeighted(a.syms, sym, from, to, t.jFirst, t.jLast, a.fuzzy!.budget);
    if (!al || al.distance === 0) continue;
    const s = t.jNorm[al.start];
    const e = t.jNorm[al.end - 1] + 1;
    if (hasOcc(res.occ, id, s, e)) continue;
    addOcc(res, a, s, e, al.distance);
  }
}

function hasOcc(occ: Occ[], id: number, s: number, e: number): boolean {
  for (let i = 0; i < occ.length; i++) if (occ[i].alias === id && occ[i].s === s && occ[i].e === e) return true;
  return false;
}
