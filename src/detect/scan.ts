import { scanSymbols } from './automaton.js';
import { endsWord, startsWord } from './boundaries.js';
import type { Alias, CompiledRuleSet } from './compile.js';
import { alignWeighted, myersMinDistance } from './fuzzy.js';
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
 * Per-compiled-set scratch for candidate bookkeeping, reused across scans:
 * flat candidate buffers and per-alias stamps instead of Sets and objects.
 */
interface Scratch {
  candAlias: Int32Array;
  candStart: Int32Array;
  /** Scan token at which the alias last had an exact match / a verified start. */
  exactStamp: Int32Array;
  exactStart: Int32Array;
  seenStamp: Int32Array;
  seenStart: Int32Array;
  token: number;
}

const scratches = new WeakMap<CompiledRuleSet, Scratch>();

function scratchFor(cs: CompiledRuleSet): Scratch {
  let s = scratches.get(cs);
  if (!s) {
    const n = cs.aliases.length;
    s = {
      candAlias: new Int32Array(256), candStart: new Int32Array(256),
      exactStamp: new Int32Array(n), exactStart: new Int32Array(n), seenStamp: new Int32Array(n), seenStart: new Int32Array(n), token: 0,
    };
    scratches.set(cs, s);
  }
  return s;
}

/**
 * `tailEnd` (normalised chars) marks text already scanned with the previous
 * utterance: near misses lying wholly inside it are not verified again.
 */
export function scanText(cs: CompiledRuleSet, t: NormText, tailEnd = 0): ScanResult {
  const res: ScanResult = { t, occ: [], neg: [], cancel: [], breaks: [] };
  findBreaks(t, res.breaks);
  const sc = scratchFor(cs);
  const token = ++sc.token;
  let cands = 0;
  const { uses, aliases, automaton } = cs;
  scanSymbols(automaton, t.sym, t.jn, (pid, jEnd) => {
    const jStart = jEnd - automaton.patternLength[pid];
    const list = uses[pid];
    for (let u = 0; u < list.length; u++) {
      const use = list[u];
      if (use.pieceOffset >= 0) {
        if (cands === sc.candAlias.length) growCandidates(sc);
        sc.candAlias[cands] = use.alias;
        sc.candStart[cands++] = jStart - use.pieceOffset;
        continue;
      }
      if (t.jFirst[jStart] !== 1 || t.jLast[jEnd - 1] !== 1) continue;
      const a = aliases[use.alias];
      if (a.fuzzy && use.dist === 0) { sc.exactStamp[use.alias] = token; sc.exactStart[use.alias] = jStart; }
      addOcc(res, a, t.jNorm[jStart], t.jNorm[jEnd - 1] + 1, use.dist);
    }
  });
  if (cands > 0) verifyCandidates(cs, res, sc, cands, token, tailEnd > 0 ? firstSymbolOf(t, tailEnd) : 0);
  return res;
}

function growCandidates(sc: Scratch): void {
  const a = new Int32Array(sc.candAlias.length * 2);
  a.set(sc.candAlias);
  const b = new Int32Array(sc.candStart.length * 2);
  b.set(sc.candStart);
  sc.candAlias = a;
  sc.candStart = b;
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

/** Verifies pigeonhole candidates: Myers filter, then weighted alignment. */
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

function verifyCandidates(cs: CompiledRuleSet, res: ScanResult, sc: Scratch, count: number, token: number, tailSym: number): void {
  const t = res.t;
  for (let k = 0; k < count; k++) {
    const id = sc.candAlias[k];
    const start = sc.candStart[k];
    // Both pieces of one alignment report the same start: verify it once.
    if (sc.seenStamp[id] === token && sc.seenStart[id] === start) continue;
    sc.seenStamp[id] = token;
    sc.seenStart[id] = start;
    if (sc.exactStamp[id] === token && sc.exactStart[id] === start) continue;
    const a = cs.aliases[id];
    const f = a.fuzzy!;
    const m = a.syms.length;
    if (start + m + f.maxEdits <= tailSym) continue;
    const from = Math.max(0, start - f.maxEdits);
    const to = Math.min(t.jn, start + m + f.maxEdits);
    if (to - from < m - f.maxEdits) continue;
    // Cheap boundary pre-checks before any distance work: a near miss must start a word and end one.
    if (!a.openStart && !canStartNear(t, from, Math.min(to, start + f.maxEdits + 1))) continue;
    if (!canEndNear(t, Math.max(from, start + m - f.maxEdits - 1), to, a.openEnd)) continue;
    if (myersMinDistance(f.peq, m, t.sym, from, to) > f.maxEdits) continue;
    const al = alignWeighted(a.syms, t.sym, from, to, t.jFirst, t.jLast, f.budget);
    if (!al || al.distance === 0) continue;
    const s = t.jNorm[al.start];
    const e = t.jNorm[al.end - 1] + 1;
    if (res.occ.some((o) => o.alias === id && o.s === s && o.e === e)) continue;
    addOcc(res, a, s, e, al.distance);
  }
}
