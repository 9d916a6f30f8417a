import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAutomaton, scanSymbols } from '../../src/detect/automaton.js';

function naive(patterns: Uint8Array[], text: Uint8Array): string[] {
  const out: string[] = [];
  for (let end = 1; end <= text.length; end++) {
    patterns.forEach((p, id) => {
      if (p.length === 0 || p.length > end) return;
      for (let k = 0; k < p.length; k++) if (text[end - p.length + k] !== p[k]) return;
      out.push(`${id}@${end}`);
    });
  }
  return out.sort();
}

describe('Aho–Corasick DFA', () => {
  it('reports overlapping and nested patterns', () => {
    const pats = [[1, 2, 3], [2, 3], [3], [1, 2, 3, 4]].map((p) => Uint8Array.from(p));
    const a = buildAutomaton(pats, 8);
    const found: string[] = [];
    scanSymbols(a, Uint8Array.from([1, 2, 3, 4, 2, 3]), 6, (id, end) => found.push(`${id}@${end}`));
    expect(found.sort()).toEqual(['0@3', '1@3', '1@6', '2@3', '2@6', '3@4'].sort());
  });

  it('finds exactly what a naive search finds (random patterns, small alphabet)', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 5, max: 3 }), { minLength: 1, maxLength: 12 }),
      fc.uint8Array({ maxLength: 60, max: 3 }),
      (pats, text) => {
        const a = buildAutomaton(pats, 4);
        const found: string[] = [];
        scanSymbols(a, text, text.length, (id, end) => found.push(`${id}@${end}`));
        // duplicate patterns: the automaton reports each id; so does the naive search
        expect(found.sort()).toEqual(naive(pats, text));
      },
    ), { numRuns: 150 });
  });
});
