import type { Severity, Speaker } from '../core/types.js';
import { buildAutomaton, type Automaton } from './automaton.js';
import { budgetFor, closeVariants, maxEditsFor, MAX_FUZZY_SYMBOLS, pieces } from './fuzzy.js';
import { CLOSE_COST } from './jamo.js';
import { ALPHABET_SIZE, syllableCount, toSymbols } from './jamo.js';
import { normalizeTerm } from './normalize.js';
import { assertRuleSet, invalid, type Expr, type RuleDoc, type RuleSetDoc } from './ruleset.js';

// Compiles a validated rule-set document once into: one automaton over every
// pattern (term aliases, fuzzy pieces, exceptions, context cues, negation cues),
// an alias table, and a tree of small nodes per rule that the evaluator walks.

export type AliasKind = 'term' | 'cue' | 'exception' | 'neg' | 'cancel' | 'break';

export interface FuzzySpec {
  /** 'variants': all close one-edit variants are exact patterns; 'pieces': pigeonhole + verify. */
  mode: 'variants' | 'pieces';
  maxEdits: number;
  budget: number;
}

export interface Alias {
  id: number;
  kind: AliasKind;
  /** As written in the rule set, without boundary markers. */
  term: string;
  norm: string;
  syms: Uint8Array;
  openStart: boolean;
  openEnd: boolean;
  /**
   * The end must be a word end or a particle/ending. Only for short aliases
   * (≤2 syllables, or non-Hangul): their false friends are compounds (기자재);
   * longer terms are distinctive and STT often glues the next word on.
   */
  strictEnd: boolean;
  fuzzy: FuzzySpec | null;
}

/** How a pattern of the automaton is used: the alias itself or a fuzzy piece of it. */
export interface PatternUse {
  alias: number;
  /** -1 for the whole alias (or a close variant of it), else the piece's symbol offset in the alias. */
  pieceOffset: number;
  /** Distance of the pattern from the alias: 0, or CLOSE_COST for a variant. */
  dist: number;
}

export type Node =
  | { k: 'atom'; aliases: Set<number>; exceptions: number[]; label: string }
  | { k: 'rule'; rule: number }
  | { k: 'any'; kids: Node[] }
  | { k: 'all'; kids: Node[] }
  | { k: 'not'; kid: Node }
  | { k: 'near'; a: Node; b: Node; within: number; negate: boolean }
  | { k: 'then'; a: Node; b: Node; withinMs: number; slot: number }
  | { k: 'count'; kid: Node; atLeast: number; withinMs: number; slot: number }
  | { k: 'repeat'; withinDays: number; categories: string[] | null; atLeast: number };

export interface CompiledRule {
  index: number;
  id: string;
  category: string;
  severity: Severity;
  description: string;
  speakers: Speaker[];
  node: Node;
  negation: boolean;
  /** Number of per-call history slots (then/count nodes). */
  slots: number;
  /** Rules this one refers to with {rule: id}. */
  refs: number[];
  /** Rules whose overlapping hits this rule's hits replace (`supersedes`). */
  supersedes: number[];
}

export interface CompiledRuleSet {
  version: number;
  name: string;
  doc: RuleSetDoc;
  rules: CompiledRule[];
  /** Rule indices in evaluation order (referenced rules first). */
  order: number[];
  /** Position of each rule in `order`. */
  rank: Int32Array;
  aliases: Alias[];
  automaton: Automaton;
  uses: PatternUse[][];
  /** alias id → rules whose evaluation this alias can trigger. */
  triggers: number[][];
  /** rule index → rules that refer to it. */
  dependents: number[][];
  negationWithin: number;
  /** Longest term alias in normalised characters (split-phrase window). */
  maxTermLength: number;
  /** Speakers some rule listens to; other speakers' utterances are not scanned. */
  speakers: Set<Speaker>;
  /** True when some rule supersedes another (hits are then filtered per utterance). */
  hasSupersedes: boolean;
  ruleById: Map<string, CompiledRule>;
  /** The pattern → use lists and the fuzzy aliases flattened into typed arrays for the hot path. */
  flat: FlatTables;
}

/**
 * Hot-path copies of `uses` and of the fuzzy specs: typed arrays indexed by
 * pattern / alias id, so the scan touches no objects until something matched.
 */
export interface FlatTables {
  /** Uses of pattern p: [useStart[p], useStart[p + 1]). */
  useStart: Int32Array;
  useAlias: Int32Array;
  /** Piece offset of the use, -1 for a whole alias or a close variant. */
  usePiece: Int32Array;
  useDist: Float64Array;
  /** 1 when the pattern has a piece use (so scanning must record candidates). */
  patHasPiece: Uint8Array;
  /** Per alias: symbols, unit-edit bound, 1 = open start, 1 = open end. */
  aliasLen: Int32Array;
  maxEdits: Int32Array;
  openStart: Uint8Array;
  openEnd: Uint8Array;
  /**
   * Per piece use: the group of uses whose word-start check and backward
   * extension are the same computation (same part of the alias before the
   * piece, same edit bound, same open start): X방송국 for 22 regions differ,
   * 정도 법률사무소 X for 20 regions share one. -1 for whole-alias uses.
   */
  useBefore: Int32Array;
  /** Number of useBefore groups. */
  beforeGroups: number;
  /** Symbols of every alias, concatenated: alias a's are [symStart[a], symStart[a] + aliasLen[a]). */
  syms: Uint8Array;
  symStart: Int32Array;
  /**
   * The same per-use facts the scan and the verifier read together, packed
   * into one record of USE_FIELDS int32 per use (fields USE_*): a candidate
   * costs one cache line instead of a load from eight arrays, each indexed by
   * use or alias at random (measured: the verifier's time was mostly those loads).
   */
  useRec: Int32Array;
  /**
   * Per pattern, PAT_FIELDS int32: its length in symbols, its uses
   * [PAT_USE_START, PAT_USE_END), and 1 when one of them is a piece — what the
   * scan reads for every occurrence, in one record.
   */
  patRec: Int32Array;
}

export const PAT_LENGTH = 0;
export const PAT_USE_START = 1;
export const PAT_USE_END = 2;
export const PAT_HAS_PIECE = 3;
export const PAT_FIELDS = 4;

/** Fields of a FlatTables.useRec record. */
export const USE_ALIAS = 0;
export const USE_PIECE = 1;
export const USE_LEN = 2;
export const USE_EDITS = 3;
export const USE_BEFORE = 4;
export const USE_SYM_START = 5;
export const USE_OPEN_START = 6;
export const USE_OPEN_END = 7;
export const USE_FIELDS = 8;

interface Builder {
  aliases: Alias[];
  byKey: Map<string, number>;
  fuzzyDefault: boolean;
}

function parseTerm(raw: string): { text: string; openStart: boolean; openEnd: boolean } {
  const openStart = raw.startsWith('*');
  const openEnd = raw.endsWith('*') && raw.length > 1;
  return { text: raw.slice(openStart ? 1 : 0, openEnd ? -1 : undefined), openStart, openEnd };
}

/**
 * Registers an alias. Terms are bounded unless marked with '*'; cues and
 * negation words are fragments and open on both sides. Fuzzy matching is for
 * closed (noun-like) term aliases of ≥3 syllables: an open end ("민원 넣*")
 * would let a near miss run into any following word.
 */
function addAlias(b: Builder, raw: string, kind: AliasKind, fuzzy: boolean): number {
  const p = parseTerm(raw);
  const open = kind !== 'term';
  const norm = normalizeTerm(p.text);
  const openStart = open || p.openStart;
  const openEnd = open || p.openEnd;
  const syms = toSymbols(norm);
  const hangulOnly = /^[\uac00-\ud7a3]+$/.test(norm);
  const syllables = syllableCount(norm);
  const edits = kind === 'term' && fuzzy && !openEnd && hangulOnly && syms.length <= MAX_FUZZY_SYMBOLS
    ? maxEditsFor(syllables) : 0;
  const strictEnd = !openEnd && (syllables <= 2 || !hangulOnly);
  const key = `${kind}|${norm}|${openStart}|${openEnd}|${edits}`;
  const known = b.byKey.get(key);
  if (known !== undefined) return known;
  const id = b.aliases.length;
  b.aliases.push({
    id, kind, term: p.text, norm, syms, openStart, openEnd, strictEnd,
    fuzzy: edits > 0
      ? { mode: syllables <= 2 ? 'variants' : 'pieces', maxEdits: edits, budget: budgetFor(edits, syllables) }
      : null,
  });
  b.byKey.set(key, id);
  return id;
}

interface RuleCtx {
  b: Builder;
  doc: RuleSetDoc;
  ruleIndex: Map<string, number>;
  exceptions: number[];
  fuzzy: boolean;
  slots: number;
  refs: Set<number>;
  /** Aliases whose occurrence should trigger evaluating this rule. */
  triggers: Set<number>;
}

function atom(ctx: RuleCtx, terms: string[], kind: 'term' | 'cue', positive: boolean, label: string): Node {
  const ids = terms.map((t) => addAlias(ctx.b, t, kind, ctx.fuzzy));
  if (positive) for (const id of ids) ctx.triggers.add(id);
  return { k: 'atom', aliases: new Set(ids), exceptions: kind === 'term' ? ctx.exceptions : [], label };
}

function cueTerms(ctx: RuleCtx, near: string | string[]): string[] {
  return typeof near === 'string' ? ctx.doc.cues?.[near] ?? [] : near;
}

/** Compiles an expression; `positive` is false under not/notNear's second part. */
function compileExpr(ctx: RuleCtx, e: Expr, positive: boolean): Node {
  if (typeof e === 'string') return atom(ctx, [e], 'term', positive, e);
  if ('terms' in e) return atom(ctx, e.terms, 'term', positive, e.terms.join('|'));
  if ('cue' in e) return atom(ctx, ctx.doc.cues?.[e.cue] ?? [], 'cue', positive, `cue:${e.cue}`);
  if ('rule' in e) {
    const r = ctx.ruleIndex.get(e.rule)!;
    ctx.refs.add(r);
    return { k: 'rule', rule: r };
  }
  if ('any' in e) return { k: 'any', kids: e.any.map((x) => compileExpr(ctx, x, positive)) };
  if ('all' in e) return { k: 'all', kids: e.all.map((x) => compileExpr(ctx, x, positive)) };
  if ('not' in e) return { k: 'not', kid: compileExpr(ctx, e.not, false) };
  if ('near' in e) {
    return { k: 'near', a: compileExpr(ctx, e.near[0], positive), b: compileExpr(ctx, e.near[1], false), within: e.within, negate: false };
  }
  if ('notNear' in e) {
    return { k: 'near', a: compileExpr(ctx, e.notNear[0], positive), b: compileExpr(ctx, e.notNear[1], false), within: e.within, negate: true };
  }
  if ('then' in e) {
    // The first part must be remembered even when the second is absent, so both trigger.
    return { k: 'then', a: compileExpr(ctx, e.then[0], positive), b: compileExpr(ctx, e.then[1], positive), withinMs: e.withinSec * 1000, slot: ctx.slots++ };
  }
  if ('count' in e) {
    return { k: 'count', kid: compileExpr(ctx, e.count, positive), atLeast: e.atLeast, withinMs: e.withinSec * 1000, slot: ctx.slots++ };
  }
  const r = e.repeatContact;
  return { k: 'repeat', withinDays: r.withinDays, categories: r.categories ?? null, atLeast: r.atLeast ?? 1 };
}

/** The simple form: terms, then require/unless context around each match. */
function compileSimple(ctx: RuleCtx, r: RuleDoc, within: number): Node {
  let node: Node = atom(ctx, r.terms!, 'term', true, r.terms!.slice(0, 3).join('|'));
  if (r.require) {
    const cue = atom(ctx, cueTerms(ctx, r.require.near), 'cue', false, `require:${String(r.require.near)}`);
    node = { k: 'near', a: node, b: cue, within: r.require.within ?? within, negate: false };
  }
  if (r.unless) {
    const cue = atom(ctx, cueTerms(ctx, r.unless.near), 'cue', false, `unless:${String(r.unless.near)}`);
    node = { k: 'near', a: node, b: cue, within: r.unless.within ?? within, negate: true };
  }
  return node;
}

/** Orders rules so that referenced rules come first; throws on cycles. */
function topoOrder(rules: CompiledRule[]): number[] {
  const state = new Uint8Array(rules.length); // 0 new, 1 visiting, 2 done
  const order: number[] = [];
  const visit = (i: number, path: string[]) => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      throw invalid([{ path: `$.rules[${i}].match`, message: `rule references form a cycle: ${[...path, rules[i].id].join(' → ')}` }]);
    }
    state[i] = 1;
    for (const d of rules[i].refs) visit(d, [...path, rules[i].id]);
    state[i] = 2;
    order.push(i);
  };
  rules.forEach((_, i) => visit(i, []));
  return order;
}

function addGlobalCues(b: Builder, doc: RuleSetDoc): void {
  for (const t of doc.negation?.cues ?? []) addAlias(b, t, 'neg', false);
  for (const t of doc.negation?.cancel ?? []) addAlias(b, t, 'cancel', false);
  for (const t of doc.negation?.breaks ?? []) addAlias(b, t, 'break', false);
}

/** Longest pigeonhole piece considered, in symbols (and longest substring counted). */
const MAX_PIECE = 10;

const keyOf = (s: Uint8Array, i: number, j: number) => String.fromCharCode(...s.subarray(i, j));

/** How many fuzzy aliases contain each jamo substring of 3..MAX_PIECE symbols (pieces shared by many aliases are costly). */
function substringCounts(aliases: Alias[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of aliases) {
    if (a.fuzzy?.mode !== 'pieces') continue;
    const seen = new Set<string>();
    const s = a.syms;
    for (let i = 0; i < s.length; i++) {
      for (let j = i + 3; j <= Math.min(s.length, i + MAX_PIECE); j++) seen.add(keyOf(s, i, j));
    }
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/**
 * Chooses k+1 disjoint pieces for the pigeonhole filter. Any k+1 disjoint
 * substrings work (k edits touch at most k of them), so the pieces need not
 * cover the alias: the choice minimises, by dynamic programming over the
 * alias, the summed cost of the pieces, where a piece costs how many fuzzy
 * aliases share it (every occurrence makes that many candidates: "법무법인"
 * is in 300 generated firm names, "인한결" in 20, "결서울" in one) weighted
 * towards longer pieces (short ones occur in ordinary speech: 원정 in 만 원 정도).
 * Pieces are at least 4 symbols where the alias allows it.
 */
function choosePieces(syms: Uint8Array, k: number, counts: Map<string, number>): [number, number][] {
  const m = syms.length;
  const parts = k + 1;
  const minLen = m >= 4 * parts ? 4 : 3;
  if (m < minLen * parts) return pieces(m, k);
  const cost = (i: number, j: number) => (counts.get(keyOf(syms, i, j)) ?? 1) * (MAX_PIECE + 4 - (j - i));
  // f[p][j]: cheapest p pieces inside syms[0, j); how[p][j]: length of the piece ending at j (0 = gap).
  const f = Array.from({ length: parts + 1 }, () => new Float64Array(m + 1).fill(Infinity));
  const how = Array.from({ length: parts + 1 }, () => new Int32Array(m + 1));
  f[0].fill(0);
  for (let p = 1; p <= parts; p++) {
    for (let j = 1; j <= m; j++) {
      let best = f[p][j - 1];
      let len = 0;
      for (let l = minLen; l <= Math.min(MAX_PIECE, j); l++) {
        const c = f[p - 1][j - l] + cost(j - l, j);
        if (c < best) { best = c; len = l; }
      }
      f[p][j] = best;
      how[p][j] = len;
    }
  }
  const out: [number, number][] = [];
  for (let p = parts, j = m; p > 0;) {
    const l = how[p][j];
    if (l === 0) { j--; continue; }
    out.unshift([j - l, l]);
    j -= l;
    p--;
  }
  return out;
}

/** Patterns of the automaton: every alias whole, plus the pieces of fuzzy aliases. */
function buildPatterns(aliases: Alias[]): { automaton: Automaton; uses: PatternUse[][] } {
  const counts = substringCounts(aliases);
  const patterns: Uint8Array[] = [];
  const uses: PatternUse[][] = [];
  const byKey = new Map<string, number>();
  const add = (syms: Uint8Array, use: PatternUse) => {
    const key = syms.join(',');
    let id = byKey.get(key);
    if (id === undefined) {
      id = patterns.length;
      patterns.push(syms);
      uses.push([]);
      byKey.set(key, id);
    }
    uses[id].push(use);
  };
  for (const a of aliases) {
    if (a.syms.length === 0) continue;
    add(a.syms, { alias: a.id, pieceOffset: -1, dist: 0 });
    if (!a.fuzzy) continue;
    if (a.fuzzy.mode === 'variants') {
      for (const v of closeVariants(a.syms)) add(v, { alias: a.id, pieceOffset: -1, dist: CLOSE_COST });
      continue;
    }
    for (const [off, len] of choosePieces(a.syms, a.fuzzy.maxEdits, counts)) {
      add(a.syms.subarray(off, off + len), { alias: a.id, pieceOffset: off, dist: 0 });
    }
  }
  return { automaton: buildAutomaton(patterns, ALPHABET_SIZE), uses };
}

/** Validates and compiles a rule-set document. */
export function compileDoc(input: unknown): CompiledRuleSet {
  assertRuleSet(input);
  const doc = input;
  const b: Builder = { aliases: [], byKey: new Map(), fuzzyDefault: doc.defaults?.fuzzy ?? true };
  addGlobalCues(b, doc);
  const enabled = doc.rules.filter((r) => r.enabled !== false);
  const ruleIndex = new Map(enabled.map((r, i) => [r.id, i]));
  const within = doc.defaults?.contextWithin ?? 12;
  const triggers = new Map<number, Set<number>>();
  const rules: CompiledRule[] = enabled.map((r, i) => {
    const ctx: RuleCtx = {
      b, doc, ruleIndex, exceptions: [], fuzzy: r.fuzzy ?? b.fuzzyDefault, slots: 0, refs: new Set(), triggers: new Set(),
    };
    ctx.exceptions = (r.exceptions ?? []).map((t) => addAlias(b, t, 'exception', false));
    const node = r.match !== undefined ? compileExpr(ctx, r.match, true) : compileSimple(ctx, r, within);
    for (const a of ctx.triggers) {
      if (!triggers.has(a)) triggers.set(a, new Set());
      triggers.get(a)!.add(i);
    }
    return {
      index: i, id: r.id, category: r.category, severity: r.severity, description: r.description ?? '',
      speakers: r.speakers ?? doc.defaults?.speakers ?? ['customer'],
      node, negation: r.negation ?? true, slots: ctx.slots, refs: [...ctx.refs],
      // Disabled rules have no index; superseding them is a no-op.
      supersedes: (r.supersedes ?? []).map((id) => ruleIndex.get(id)).filter((x): x is number => x !== undefined),
    };
  });
  for (const [i, r] of doc.rules.entries()) {
    if (r.enabled === false && doc.rules.some((o) => o.enabled !== false && JSON.stringify(o.match ?? null).includes(`"rule":"${r.id}"`))) {
      throw invalid([{ path: `$.rules[${i}].enabled`, message: `rule '${r.id}' is disabled but other rules refer to it` }]);
    }
  }
  const order = topoOrder(rules);
  const rank = new Int32Array(rules.length);
  order.forEach((r, k) => { rank[r] = k; });
  const dependents: number[][] = rules.map(() => []);
  for (const r of rules) for (const d of r.refs) dependents[d].push(r.index);
  const { automaton, uses } = buildPatterns(b.aliases);
  const flat = flatten(b.aliases, uses, automaton);
  const maxTermLength = Math.max(1, ...b.aliases.filter((a) => a.kind === 'term').map((a) => a.norm.length));
  return {
    version: doc.version, name: doc.name ?? 'rules', doc, rules, order, rank,
    aliases: b.aliases, automaton, uses,
    triggers: b.aliases.map((a) => [...(triggers.get(a.id) ?? [])]),
    dependents, negationWithin: doc.negation?.within ?? 14, maxTermLength,
    speakers: new Set(rules.flatMap((r) => r.speakers)),
    hasSupersedes: rules.some((r) => r.supersedes.length > 0),
    ruleById: new Map(rules.map((r) => [r.id, r])),
    flat,
  };
}

function flatten(aliases: Alias[], uses: PatternUse[][], automaton: Automaton): FlatTables {
  const total = uses.reduce((n, l) => n + l.length, 0);
  const useStart = new Int32Array(uses.length + 1);
  const useAlias = new Int32Array(total);
  const usePiece = new Int32Array(total);
  const useDist = new Float64Array(total);
  const patHasPiece = new Uint8Array(uses.length);
  let k = 0;
  uses.forEach((list, p) => {
    useStart[p] = k;
    for (const u of list) {
      useAlias[k] = u.alias;
      usePiece[k] = u.pieceOffset;
      useDist[k++] = u.dist;
      if (u.pieceOffset >= 0) patHasPiece[p] = 1;
    }
  });
  useStart[uses.length] = k;
  const n = aliases.length;
  const aliasLen = new Int32Array(n);
  const maxEdits = new Int32Array(n);
  const openStart = new Uint8Array(n);
  const openEnd = new Uint8Array(n);
  const symStart = new Int32Array(n + 1);
  for (const a of aliases) symStart[a.id + 1] = symStart[a.id] + a.syms.length;
  const syms = new Uint8Array(symStart[n]);
  for (const a of aliases) {
    syms.set(a.syms, symStart[a.id]);
    aliasLen[a.id] = a.syms.length;
    openStart[a.id] = a.openStart ? 1 : 0;
    openEnd[a.id] = a.openEnd ? 1 : 0;
    if (a.fuzzy?.mode === 'pieces') maxEdits[a.id] = a.fuzzy.maxEdits;
  }
  const useBefore = new Int32Array(total).fill(-1);
  const groups = new Map<string, number>();
  for (let u = 0; u < total; u++) {
    const off = usePiece[u];
    if (off < 0) continue;
    const a = aliases[useAlias[u]];
    const key = `${maxEdits[a.id]}|${a.openStart ? 1 : 0}|${a.syms.subarray(0, off).join(',')}`;
    let g = groups.get(key);
    if (g === undefined) { g = groups.size; groups.set(key, g); }
    useBefore[u] = g;
  }
  const useRec = new Int32Array(total * USE_FIELDS);
  for (let u = 0; u < total; u++) {
    const id = useAlias[u];
    const r = u * USE_FIELDS;
    useRec[r + USE_ALIAS] = id;
    useRec[r + USE_PIECE] = usePiece[u];
    useRec[r + USE_LEN] = aliasLen[id];
    useRec[r + USE_EDITS] = maxEdits[id];
    useRec[r + USE_BEFORE] = useBefore[u];
    useRec[r + USE_SYM_START] = symStart[id];
    useRec[r + USE_OPEN_START] = openStart[id];
    useRec[r + USE_OPEN_END] = openEnd[id];
  }
  const patRec = new Int32Array(uses.length * PAT_FIELDS);
  for (let p = 0; p < uses.length; p++) {
    patRec[p * PAT_FIELDS + PAT_LENGTH] = automaton.patternLength[p];
    patRec[p * PAT_FIELDS + PAT_USE_START] = useStart[p];
    patRec[p * PAT_FIELDS + PAT_USE_END] = useStart[p + 1];
    patRec[p * PAT_FIELDS + PAT_HAS_PIECE] = patHasPiece[p];
  }
  return {
    useStart, useAlias, usePiece, useDist, patHasPiece, aliasLen, maxEdits, openStart, openEnd, syms, symStart,
    useBefore, beforeGroups: groups.size, useRec, patRec,
  };
}
