import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignWeighted, anchoredEdits, budgetFor, maxEditsFor, myersMasks, myersMinDistance, pieces } from '../../src/detect/fuzzy.js';
import { ALPHABET_SIZE, INDEL_COST, SUB_COST, toSymbols } from '../../src/detect/jamo.js';
import { normalize } from '../../src/detect/normalize.js';

/** Plain DP: min unit edit distance of pattern to any substring of text. */
/**
 * Reference edit distance by the textbook dynamic programme: the best match of
 * `p` ending anywhere in `t`, starting anywhere (free start) or at t[0] (anchored).
 */
function dpEdit(p: Uint8Array, t: Uint8Array, anchored: boolean): number {
  let prev = Array.from({ length: t.length + 1 }, (_, j) => (anchored ? j : 0));
  for (let i = 1; i <= p.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j - 1] + (p[i - 1] === t[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
    }
    prev = cur;
  }
  return Math.min(...prev);
}
const dpMin = (p: Uint8Array, t: Uint8Array) => dpEdit(p, t, false);
const dpAnchored = (p: Uint8Array, t: Uint8Array) => dpEdit(p, t, true);

describe('fuzzy matching', () => {
  it('Myers agrees with the dynamic programme', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 31, max: 5 }),
      fc.uint8Array({ maxLength: 40, max: 5 }),
      (p, t) => {
        expect(myersMinDistance(myersMasks(p), p.length, t, 0, t.length)).toBe(dpMin(p, t));
      },
    ), { numRuns: 200 });
  });

  it('budgets grow with term length', () => {
    expect([1, 2, 3, 4, 5, 7].map(maxEditsFor)).toEqual([0, 1, 1, 1, 2, 2]);
    expect(budgetFor(1, 2)).toBe(0.5);
    expect(budgetFor(1, 3)).toBe(1);
    expect(budgetFor(2, 5)).toBe(1.5);
  });

  it('pigeonhole pieces cover the pattern', () => {
    expect(pieces(9, 1)).toEqual([[0, 5], [5, 4]]);
    expect(pieces(13, 2)).toEqual([[0, 5], [5, 4], [9, 4]]);
  });

  const align = (term: string, text: string, budget: number) => {
    const t = normalize(text);
    return alignWeighted(toSymbols(term), t.sym, 0, t.jn, t.jFirst, t.jLast, budget);
  };

  it('phonetically close jamo cost half an edit', () => {
    expect(align('금감원', '금감언', 1)?.distance).toBe(0.5); // ㅝ → ㅓ
    expect(align('금융감독원', '근융감독원', 1.5)?.distance).toBe(0.5); // ㅁ → ㄴ
    expect(align('국민신문고', '궁민신문고', 1.5)?.distance).toBe(1); // ㄱ → ㅇ (not close)
    expect(align('해지', '헤지', 0.5)?.distance).toBe(0.5);
    expect(align('해지', '해제', 0.5)).toBeNull(); // ㅣ → ㅔ is a real change
  });

  it('alignments snap to syllable boundaries', () => {
    const a = align('소비자원', '소비자워네', 1);
    expect(a).not.toBeNull();
    const t = normalize('소비자워네');
    expect(t.jFirst[a!.start]).toBe(1);
    expect(t.jLast[a!.end - 1]).toBe(1);
  });
});

/** Plain DP: fewest edits turning p into a prefix of t (anchored at t's start, free end). */
/**
 * Reference for alignWeighted: the whole weighted table, no pruning, same
 * tie rules (diagonal, then deletion, then insertion; then lower distance,
 * then the span closest to the pattern's length).
 */
function alignFull(p: Uint8Array, t: Uint8Array, first: Uint8Array, last: Uint8Array, budget: number) {
  const w = t.length;
  let cost = Array.from({ length: w + 1 }, (_, j) => (j < w && first[j] === 1 ? 0 : Infinity));
  let src = Array.from({ length: w + 1 }, (_, j) => j);
  for (let i = 1; i <= p.length; i++) {
    const c: number[] = [cost[0] + INDEL_COST[p[i - 1]]];
    const s: number[] = [src[0]];
    for (let j = 1; j <= w; j++) {
      let best = cost[j - 1] + SUB_COST[p[i - 1] * ALPHABET_SIZE + t[j - 1]];
      let from = src[j - 1];
      if (cost[j] + INDEL_COST[p[i - 1]] < best) { best = cost[j] + INDEL_COST[p[i - 1]]; from = src[j]; }
      if (c[j - 1] + INDEL_COST[t[j - 1]] < best) { best = c[j - 1] + INDEL_COST[t[j - 1]]; from = s[j - 1]; }
      c[j] = best;
      s[j] = from;
    }
    cost = c;
    src = s;
  }
  let found: { distance: number; start: number; end: number } | null = null;
  for (let j = 1; j <= w; j++) {
    if (last[j - 1] !== 1 || cost[j] > budget || src[j] >= j) continue;
    const len = (x: { start: number; end: number }) => Math.abs(x.end - x.start - p.length);
    const cand = { distance: cost[j], start: src[j], end: j };
    if (!found || cand.distance < found.distance || (cand.distance === found.distance && len(cand) < len(found))) found = cand;
  }
  return found;
}

describe('weighted alignment', () => {
  it('computing only the cells within the budget gives the whole table\'s answer', () => {
    const syllables = [...'금감원융독소비자경찰서방송국한결하남법무인률사가나다라에요는이고'];
    const word = fc.array(fc.constantFrom(...syllables), { minLength: 2, maxLength: 9 }).map((x) => x.join(''));
    fc.assert(fc.property(word, fc.array(fc.constantFrom(...syllables, ' '), { maxLength: 14 }), fc.nat(), fc.constantFrom(0.5, 1, 1.5, 3), (term, noise, seed, budget) => {
      // The text: the term with a few syllables replaced, inserted or dropped, in some context.
      const chars = [...term];
      for (let i = 0; i < noise.length; i++) {
        const at = (seed + i * 7) % (chars.length + 1);
        if ((seed >> i) & 1) chars.splice(at, 0, noise[i]); else chars[at] = noise[i];
      }
      const t = normalize(chars.join(''));
      const p = toSymbols(term);
      expect(alignWeighted(p, t.sym, 0, t.jn, t.jFirst, t.jLast, budget))
        .toEqual(alignFull(p, t.sym.subarray(0, t.jn), t.jFirst, t.jLast, budget));
    }), { numRuns: 3000 });
  });
});

describe('anchored extension (pigeonhole verifier)', () => {
  it('agrees with the dynamic programme forwards and backwards, capped at k', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 12, max: 3 }),
      fc.uint8Array({ maxLength: 16, max: 3 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 3 }),
      (p, t, k, pad) => {
        const want = Math.min(dpAnchored(p, t), k + 1);
        // forwards: the text starts at `pad` inside a longer buffer
        const buf = Uint8Array.from([...Array(pad).fill(9), ...t]);
        const pat = Uint8Array.from([7, ...p, 7]);
        expect(anchoredEdits(pat, 1, p.length, 1, buf, 0, buf.length, pad, k)).toBe(want);
        // backwards: reversed pattern and text, anchored at the end
        const rp = Uint8Array.from([7, ...[...p].reverse(), 7]);
        const rt = Uint8Array.from([...[...t].reverse(), ...Array(pad).fill(9)]);
        expect(anchoredEdits(rp, 1, p.length, -1, rt, 0, rt.length, t.length, k)).toBe(want);
      },
    ), { numRuns: 400 });
  });
});
