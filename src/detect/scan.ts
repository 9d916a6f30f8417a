import { endsWord, startsWord } from './boundaries.js';
import type { Alias, CompiledRuleSet } from './compile.js';
import { alignWeighted, anchoredEdits } from './fuzzy.js';
import type { NormText } from './normalize.js';

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
}

/** Near misses always need a clean word end: a fuzzy 신문고 must not eat 신문 구독료. */
function boundariesOk(a: Alias, t: NormText, s: number, e: number, fuzzy: boolean): boolean {
  if (!a.openStart && !startsWord(t, s)) return false;
  if ((a.strictEnd || (fuzzy && !a.openEnd)) && !endsWord(t, e)) return false;
  return true;
}

const SENTENCE_ENDS = new Set([...'요다죠까'].map((c) => c.charCodeAt(0)));

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
    if (SENTENCE_ENDS.has(t.codes[k - 1])) out.push(k);
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
  /** Scan token at which the alias last had an exact match / a verified start. */
  exactStamp: Int32Array;
  exactStart: Int32Array;
  seenStamp: Int32Array;
  seenStart: Int32Array;
  token: number;
  res: ScanResult;
}

const scratches = new WeakMap<CompiledRuleSet, Scratch>();

function scratchFor(cs: CompiledRuleSet): Scratch {
  let s = scratches.get(cs);
  if (!s) {
    const n = cs.aliases.length;
    s = {
      candUse: new Int32Array(256), candPos: new Int32Array(256), candLen: new Int32Array(256),
      exactStamp: new Int32Array(n), exactStart: new Int32Array(n), seenStamp: new Int32Array(n), seenStart: new Int32Array(n),
      token: 0,
      res: { t: null as unknown as NormText, occ: [], neg: [], cancel: [], breaks: [] },
    };
    scratches.set(cs, s);
  }
  return s;
}

/**
 * `tailEnd` (normalised chars) marks text already scanned with the previous
 * utterance: near misses lying wholly inside it are not verified again.
 *
 * The result (and its arrays) is reused by the next scan of the same rule set:
 * the engine evaluates it synchronously before scanning again.
 */
export function scanText(cs: CompiledRuleSet, t: NormText, tailEnd = 0): ScanResult {
  const sc = scratchFor(cs);
  const res = sc.res;
  res.t = t;
  res.occ.length = 0;
  res.neg.length = 0;
  res.cancel.length = 0;
  res.breaks.length = 0;
  findBreaks(t, res.breaks);
  const token = ++sc.token;
  let cands = 0;
  const { aliases, automaton, flat } = cs;
  const { delta, outStart, outCount, outIds, dictLink, patternLength, alpha } = automaton;
  const { useStart, useAlias, usePiece, useDist, patHasPiece, aliasLen, maxEdits } = flat;
  const { sym, jFirst, jLast, jNorm, jn } = t;
  // Near misses lying wholly in the previous utterance's tail were verified with it.
  const tailSym = tailEnd > 0 ? firstSymbolOf(t, tailEnd) : 0;
  // The automaton loop is inlined (no per-occurrence callback).
  let s = 0;
  for (let i = 0; i < jn; i++) {
    s = delta[s * alpha + sym[i]];
    if (s >= 0) continue;
    s = ~s;
    const jEnd = i + 1;
    for (let st = s; st >= 0; st = dictLink[st]) {
      const oTo = outStart[st] + outCount[st];
      for (let o = outStart[st]; o < oTo; o++) {
        const pid = outIds[o];
        const jStart = jEnd - patternLength[pid];
        const uTo = useStart[pid + 1];
        if (patHasPiece[pid] === 1) {
          for (let u = useStart[pid]; u < uTo; u++) {
            const off = usePiece[u];
            if (off < 0) continue;
            const id = useAlias[u];
            if (jStart - off + aliasLen[id] + maxEdits[id] <= tailSym) continue;
            if (cands === sc.candUse.length) growCandidates(sc);
            sc.candUse[cands] = u;
            sc.candPos[cands] = jStart;
            sc.candLen[cands++] = jEnd - jStart;
          }
        }
        // Whole aliases (and close variants) must cover whole characters.
        if (jFirst[jStart] !== 1 || jLast[i] !== 1) continue;
        for (let u = useStart[pid]; u < uTo; u++) {
          if (usePiece[u] >= 0) continue;
          const id = useAlias[u];
          const a = aliases[id];
          if (a.fuzzy && useDist[u] === 0) { sc.exactStamp[id] = token; sc.exactStart[id] = jStart; }
          addOcc(res, a, jNorm[jStart], jNorm[i] + 1, useDist[u]);
        }
      }
    }
  }
  if (cands > 0) verifyCandidates(cs, res, sc, cands, token);
  return res;
}

function growCandidates(sc: Scratch): void {
  const grow = (x: Int32Array) => { const y = new Int32Array(x.length * 2); y.set(x); return y; };
  sc.candUse = grow(sc.candUse);
  sc.candPos = grow(sc.candPos);
  sc.candLen = grow(sc.candLen);
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
function verifyCandidates(cs: CompiledRuleSet, res: ScanResult, sc: Scratch, count: number, token: number): void {
  const t = res.t;
  const f = cs.flat;
  const { sym, jn } = t;
  for (let c = 0; c < count; c++) {
    const u = sc.candUse[c];
    const id = f.useAlias[u];
    const off = f.usePiece[u];
    const pos = sc.candPos[c];
    const len = sc.candLen[c];
    const start = pos - off;
    // Both pieces of one alignment report the same start: align it once.
    if (sc.seenStamp[id] === token && sc.seenStart[id] === start) continue;
    if (sc.exactStamp[id] === token && sc.exactStart[id] === start) continue;
    const m = f.aliasLen[id];
    const k = f.maxEdits[id];
    const from = Math.max(0, start - k);
    const to = Math.min(jn, start + m + k);
    // A near miss must start a word: checked first, it is cheaper than any distance work.
    if (f.openStart[id] === 0 && !canStartNear(t, from, Math.min(to, start + k + 1))) continue;
    const base = f.symStart[id];
    const before = anchoredEdits(f.syms, base, off, -1, sym, 0, jn, pos, k);
    if (before > k) continue;
    if (anchoredEdits(f.syms, base + off + len, m - off - len, 1, sym, 0, jn, pos + len, k - before) > k - before) continue;
    sc.seenStamp[id] = token;
    sc.seenStart[id] = start;
    // ... and end one.
    if (!canEndNear(t, Math.max(from, start + m - k - 1), to, f.openEnd[id] === 1)) continue;
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
