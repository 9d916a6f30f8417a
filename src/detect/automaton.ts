// Aho–Corasick automaton over the jamo alphabet, compiled to a full DFA.
//
// Why a full DFA: the alphabet is tiny (77 symbols: jamo, Latin, digits, OTHER),
// so every state can store all of its transitions in one flat row and the
// search loop is one array load per input symbol, with no failure-link
// chasing. Memory is states × 77 × 2 bytes below 32,768 states (8.4 → 4.2 MiB
// for the 1,036-rule bench set), × 4 bytes above; see docs/detection.md.
//
// Outputs are stored per state as a contiguous run of pattern ids plus a
// "dictionary link" to the nearest proper suffix state that also has outputs, so
// reporting all patterns that end at a position costs O(number of matches).

export interface Automaton {
  readonly alpha: number;
  readonly states: number;
  /**
   * delta[state * alpha + symbol] = next state t, stored as t + outBit when t
   * or a suffix state ends some pattern: the search loop needs one load per
   * symbol and one compare (`x >= outBit`). States are numbered breadth-first,
   * so the shallow states that ordinary text keeps visiting share a few
   * cache-resident rows. With fewer than 32,768 states (thousands of rules
   * with their fuzzy pieces) the table is 16-bit: half the memory, and the
   * automaton step is memory-bound once the table is out of cache.
   */
  readonly delta: Uint16Array | Int32Array;
  /** The flag added to a target that reports outputs: 0x8000 in a 16-bit table, 2^30 in a 32-bit one. */
  readonly outBit: number;
  /** 1 when the state (or a suffix state) ends some pattern. */
  readonly hasOut: Uint8Array;
  readonly outStart: Int32Array;
  readonly outCount: Int32Array;
  readonly outIds: Int32Array;
  /** Next suffix state with outputs, or -1. */
  readonly dictLink: Int32Array;
  /**
   * outStart, outCount and dictLink again, packed per state (OUT_FIELDS int32:
   * OUT_START, OUT_COUNT, OUT_LINK): the scan reads all three for every state
   * that reports, so one cache line instead of three random loads.
   */
  readonly outRec: Int32Array;
  /** Pattern lengths in symbols. */
  readonly patternLength: Int32Array;
  /**
   * Depth of each state (symbols from the root). The state after a text is
   * the longest suffix of it that is a prefix of some pattern, so a scan that
   * resumes later (split phrases) may reuse a state only when its depth fits
   * in the text kept.
   */
  readonly depth: Int32Array;
}

export const OUT_START = 0;
export const OUT_COUNT = 1;
export const OUT_LINK = 2;
export const OUT_FIELDS = 4;

/** Builds the automaton for `patterns` (ids are array indices). */
export function buildAutomaton(patterns: readonly Uint8Array[], alpha: number): Automaton {
  let cap = 1024;
  let delta = new Int32Array(cap * alpha).fill(-1);
  let states = 1;
  const own: number[][] = [[]];
  const depthOf: number[] = [0];
  for (let p = 0; p < patterns.length; p++) {
    const pat = patterns[p];
    let s = 0;
    for (let i = 0; i < pat.length; i++) {
      const at = s * alpha + pat[i];
      let next = delta[at];
      if (next < 0) {
        if (states === cap) {
          cap *= 2;
          const grown = new Int32Array(cap * alpha).fill(-1);
          grown.set(delta);
          delta = grown;
        }
        next = states++;
        own.push([]);
        depthOf.push(i + 1);
        delta[at] = next;
      }
      s = next;
    }
    own[s].push(p);
  }
  delta = delta.slice(0, states * alpha);
  const fail = new Int32Array(states);
  const order = breadthFirst(delta, fail, states, alpha);
  return renumber(finishOutputs(delta, fail, order, own, patterns, alpha, Int32Array.from(depthOf)), order);
}

/** A 16-bit table holds states below this (the top bit flags outputs). */
const MAX_STATES_16 = 0x8000;

/** Renumbers states breadth-first (root, then `order`) and flags targets with outputs (`outBit`). */
function renumber(a: Automaton, order: Int32Array): Automaton {
  const n = a.states;
  const alpha = a.alpha;
  const newOf = new Int32Array(n);
  const oldOf = new Int32Array(n);
  oldOf[0] = 0;
  for (let k = 0; k < order.length; k++) oldOf[k + 1] = order[k];
  for (let k = 0; k < n; k++) newOf[oldOf[k]] = k;
  const hasOut = new Uint8Array(n);
  const outStart = new Int32Array(n);
  const outCount = new Int32Array(n);
  const dictLink = new Int32Array(n);
  const depth = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const o = oldOf[k];
    depth[k] = a.depth[o];
    hasOut[k] = a.hasOut[o];
    outStart[k] = a.outStart[o];
    outCount[k] = a.outCount[o];
    dictLink[k] = a.dictLink[o] < 0 ? -1 : newOf[a.dictLink[o]];
  }
  const small = n <= MAX_STATES_16;
  const outBit = small ? MAX_STATES_16 : 1 << 30;
  const delta = small ? new Uint16Array(n * alpha) : new Int32Array(n * alpha);
  for (let k = 0; k < n; k++) {
    const o = oldOf[k];
    for (let c = 0; c < alpha; c++) {
      const t = newOf[a.delta[o * alpha + c]];
      delta[k * alpha + c] = hasOut[t] === 1 ? t + outBit : t;
    }
  }
  const outRec = new Int32Array(n * OUT_FIELDS);
  for (let k = 0; k < n; k++) {
    outRec[k * OUT_FIELDS + OUT_START] = outStart[k];
    outRec[k * OUT_FIELDS + OUT_COUNT] = outCount[k];
    outRec[k * OUT_FIELDS + OUT_LINK] = dictLink[k];
  }
  return { ...a, delta, outBit, hasOut, outStart, outCount, dictLink, outRec, depth };
}

/** Fills missing transitions (DFA completion) and failure links in BFS order. */
function breadthFirst(delta: Int32Array, fail: Int32Array, states: number, alpha: number): Int32Array {
  const order = new Int32Array(states);
  let head = 0;
  let tail = 0;
  for (let c = 0; c < alpha; c++) {
    const t = delta[c];
    if (t < 0) delta[c] = 0;
    else { fail[t] = 0; order[tail++] = t; }
  }
  while (head < tail) {
    const s = order[head++];
    const fs = fail[s];
    for (let c = 0; c < alpha; c++) {
      const t = delta[s * alpha + c];
      if (t < 0) {
        delta[s * alpha + c] = delta[fs * alpha + c];
      } else {
        fail[t] = delta[fs * alpha + c];
        order[tail++] = t;
      }
    }
  }
  return order.subarray(0, tail);
}

function finishOutputs(
  delta: Int32Array, fail: Int32Array, order: Int32Array, own: number[][],
  patterns: readonly Uint8Array[], alpha: number, depth: Int32Array,
): Automaton {
  const states = own.length;
  const outStart = new Int32Array(states);
  const outCount = new Int32Array(states);
  const flat: number[] = [];
  for (let s = 0; s < states; s++) {
    outStart[s] = flat.length;
    outCount[s] = own[s].length;
    for (const p of own[s]) flat.push(p);
  }
  const dictLink = new Int32Array(states).fill(-1);
  const hasOut = new Uint8Array(states);
  hasOut[0] = outCount[0] > 0 ? 1 : 0;
  for (let k = 0; k < order.length; k++) {
    const s = order[k];
    const f = fail[s];
    dictLink[s] = outCount[f] > 0 ? f : dictLink[f];
    hasOut[s] = outCount[s] > 0 || dictLink[s] >= 0 ? 1 : 0;
  }
  const patternLength = new Int32Array(patterns.length);
  patterns.forEach((p, i) => { patternLength[i] = p.length; });
  // (delta still holds plain state numbers here; renumber() flags the ones with outputs.)
  return {
    alpha, states, delta, outBit: 0, hasOut, outStart, outCount, outIds: Int32Array.from(flat), dictLink,
    outRec: new Int32Array(0), patternLength, depth,
  };
}

/**
 * Runs the automaton over sym[0, n) and calls `report(patternId, endExclusive)`
 * for every occurrence, in order of end position.
 */
export function scanSymbols(
  a: Automaton, sym: Uint8Array, n: number, report: (patternId: number, end: number) => void,
): void {
  const { delta, alpha, outBit } = a;
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = delta[s * alpha + sym[i]];
    if (s < outBit) continue;
    s -= outBit;
    let t = s;
    while (t >= 0) {
      const from = a.outStart[t];
      const to = from + a.outCount[t];
      for (let k = from; k < to; k++) report(a.outIds[k], i + 1);
      t = a.dictLink[t];
    }
  }
}
