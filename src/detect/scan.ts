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

interface Candidate { alias: number; start: number }

export function scanText(cs: CompiledRuleSet, t: NormText): ScanResult {
  const res: ScanResult = { t, occ: [], neg: [], cancel: [], breaks: [] };
  findBreaks(t, res.breaks);
  let candidates: Candidate[] | null = null;
  let exactStarts: Set<number> | null = null;
  const { uses, aliases, automaton } = cs;
  scanSymbols(automaton, t.sym, t.jn, (pid, jEnd) => {
    const jStart = jEnd - automaton.patternLength[pid];
    const list = uses[pid];
    for (let u = 0; u < list.length; u++) {
      const use = list[u];
      if (use.pieceOffset >= 0) {
        (candidates ??= []).push({ alias: use.alias, start: jStart - use.pieceOffset });
        continue;
      }
      if (t.jFirst[jStart] !== 1 || t.jLast[jEnd - 1] !== 1) continue;
      const a = aliases[use.alias];
      const s = t.jNorm[jStart];
      const e = t.jNorm[jEnd - 1] + 1;
      if (a.fuzzy) (exactStarts ??= new Set()).add(use.alias * 1_000_003 + jStart);
      addOcc(res, a, s, e, 0);
    }
  });
  if (candidates) verifyCandidates(cs, res, candidates, exactStarts);
  return res;
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
function verifyCandidates(cs: CompiledRuleSet, res: ScanResult, cands: Candidate[], exact: Set<number> | null): void {
  const t = res.t;
  const seen = new Set<number>();
  for (const c of cands) {
    const a = cs.aliases[c.alias];
    const f = a.fuzzy!;
    const key = c.alias * 1_000_003 + c.start + 64;
    if (seen.has(key)) continue;
    seen.add(key);
    if (exact?.has(c.alias * 1_000_003 + c.start)) continue;
    const m = a.syms.length;
    const from = Math.max(0, c.start - f.maxEdits);
    const to = Math.min(t.jn, c.start + m + f.maxEdits);
    if (to - from < m - f.maxEdits) continue;
    if (myersMinDistance(f.peq, m, t.sym, from, to) > f.maxEdits) continue;
    const al = alignWeighted(a.syms, t.sym, from, to, t.jFirst, t.jLast, f.budget);
    if (!al || al.distance === 0) continue;
    const s = t.jNorm[al.start];
    const e = t.jNorm[al.end - 1] + 1;
    if (res.occ.some((o) => o.alias === c.alias && o.s === s && o.e === e)) continue;
    addOcc(res, a, s, e, al.distance);
  }
}
