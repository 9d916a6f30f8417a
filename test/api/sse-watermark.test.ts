import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWatermark } from '../../src/api/sse-watermark.js';

describe('event stream watermark', () => {
  it('advances over contiguous seqs and waits at a gap', () => {
    const w = createWatermark(10);
    expect(w.see(11)).toBe(true);
    expect(w.value).toBe(11);
    expect(w.see(13)).toBe(true);
    expect(w.value).toBe(11);
    expect(w.gap()).toEqual({ after: 11, upTo: 13 });
    expect(w.see(12)).toBe(true);
    expect(w.value).toBe(13);
    expect(w.gap()).toBeNull();
  });

  it('reports repeats and old seqs as not new', () => {
    const w = createWatermark(5);
    expect(w.see(5)).toBe(false);
    expect(w.see(7)).toBe(true);
    expect(w.see(7)).toBe(false);
    expect(w.see(3)).toBe(false);
  });

  it('settling a gap skips the holes and keeps what lies beyond', () => {
    const w = createWatermark(0);
    for (const s of [2, 3, 5, 9]) w.see(s);
    w.settle(5);
    expect(w.value).toBe(5);
    expect(w.gap()).toEqual({ after: 5, upTo: 9 });
    w.see(6);
    w.see(7);
    w.see(8);
    expect(w.value).toBe(9);
  });

  it('property: the watermark never passes a seq that was neither seen nor settled', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 80 }), (seqs) => {
      const w = createWatermark(0);
      const seen = new Set<number>();
      for (const s of seqs) {
        w.see(s);
        seen.add(s);
        for (let x = 1; x <= w.value; x++) expect(seen.has(x)).toBe(true);
      }
      const all = Math.max(0, ...seqs);
      const contiguous = (() => { let n = 0; while (seen.has(n + 1)) n++; return n; })();
      expect(w.value).toBe(contiguous);
      if (all > contiguous) expect(w.gap()).toEqual({ after: contiguous, upTo: all });
    }), { seed: 20261125 });
  });
});
