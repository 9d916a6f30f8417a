import { describe, expect, it } from 'vitest';
import {
  changeBetween, estimateIndex, indexOf, roundHalfAway, SMALL_SAMPLE_N, t975, wilson, type Metric,
} from '../../src/analytics/surveys/indices.js';
import { bucketLabel, buckets, bucketStart, comparisonWindow, periodWindow } from '../../src/analytics/surveys/periods.js';

// The formulas of PRODUCT.md and the intervals of docs/surveys.md, on
// histograms small enough to work out on paper. Each expected value below was
// computed by hand (the steps are in the comments), not by the code under test.

/** A histogram from {score: count}. */
const h = (counts: Record<number, number>) => {
  const out = new Array(11).fill(0);
  for (const [s, n] of Object.entries(counts)) out[Number(s)] = n;
  return out;
};

describe('NPS', () => {
  it('is % promoters (9–10) − % detractors (0–6), with the adjusted-Wald interval', () => {
    // 10 answers: promoters 10,10,10,9,9 (5) · passives 8,8,7 (3) · detractors 6,0 (2).
    // NPS = 50% − 20% = 30.
    // Adjusted: n' = 13, p⁺ = 5.75/13 = .442308, p⁻ = 2.75/13 = .211538, centre = .230769,
    // var = .442308 + .211538 − .230769² = .600592, SE = √(.600592/13) = .214939,
    // half = 1.959964 × .214939 = .421274 → [−.190505, .652043] → [−19.1, 65.2].
    const ix = indexOf('nps', h({ 10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1 }));
    expect(ix.n).toBe(10);
    expect(ix.headline).toEqual({ value: 30, low: -19.1, high: 65.2 });
    expect(ix.shares).toEqual({ promoters: 50, passives: 30, detractors: 20 });
    expect(ix.smallSample).toBe(true);
    expect(ix.distribution).toEqual([1, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3]);
  });

  it('all promoters: 100, and the interval still has width (plain Wald would give [100, 100])', () => {
    // p⁺ = 10.75/13 = .826923, p⁻ = .75/13 = .057692, centre = .769231,
    // var = .884615 − .591716 = .292899, SE = √(.292899/13) = .150101,
    // low = .769231 − 1.959964 × .150101 = .475035 → 47.5; high clipped at 100.
    const ix = indexOf('nps', h({ 10: 6, 9: 4 }));
    expect(ix.headline).toEqual({ value: 100, low: 47.5, high: 100 });
    expect(ix.shares).toEqual({ promoters: 100, passives: 0, detractors: 0 });
  });

  it('no responses: no value, no interval, n = 0, flagged small', () => {
    for (const m of ['nps', 'csat', 'ces'] as Metric[]) {
      const ix = indexOf(m, h({}));
      expect(ix).toMatchObject({ n: 0, headline: null, secondary: null, shares: null, smallSample: true });
    }
  });

  it('rounds half away from zero: +6.25 → 6.3 and −6.25 → −6.3', () => {
    // 16 answers: 5 promoters, 7 passives, 4 detractors → (5 − 4)/16 = 6.25%.
    expect(indexOf('nps', h({ 10: 5, 8: 7, 3: 4 })).headline!.value).toBe(6.3);
    // Mirror: 4 promoters, 5 detractors → −6.25%.
    expect(indexOf('nps', h({ 9: 4, 7: 7, 5: 5 })).headline!.value).toBe(-6.3);
    // Shares: 5/16 = 31.25 → 31.3, 7/16 = 43.75 → 43.8, 4/16 = 25.
    expect(indexOf('nps', h({ 10: 5, 8: 7, 3: 4 })).shares).toEqual({ promoters: 31.3, passives: 43.8, detractors: 25 });
  });
});

describe('CSAT', () => {
  it('is % of 4–5 with a Wilson interval, and the mean with a t interval', () => {
    // Scores 1,2,3,3,4,4,4,5,5,5: six of ten are 4–5 → 60%.
    // Wilson: z² = 3.841459, denom = 1 + z²/10 = 1.384146, centre = (.6 + .192073)/1.384146 = .572247,
    // half = 1.959964 × √(.6×.4/10 + 3.841459/400)/1.384146 = 1.959964 × .183313/1.384146 = .259573
    // → [31.27, 83.18] → [31.3, 83.2].
    // Mean = 36/10 = 3.6; Σ(x−x̄)² = 6.76 + 2.56 + 2×.36 + 3×.16 + 3×1.96 = 16.4; s = √(16.4/9) = 1.349897;
    // t(.975, 9) = 2.262157; half = 2.262157 × 1.349897/√10 = .965658 → [2.63, 4.57].
    const ix = indexOf('csat', h({ 1: 1, 2: 1, 3: 2, 4: 3, 5: 3 }));
    expect(ix.headline).toEqual({ value: 60, low: 31.3, high: 83.2 });
    expect(ix.secondary).toEqual({ value: 3.6, low: 2.63, high: 4.57 });
    expect(ix.distribution).toEqual([1, 1, 2, 3, 3]);
  });

  it('one response: a Wilson interval exists, the mean has none', () => {
    // Wilson for 1 of 1: centre = (1 + 1.920730)/4.841459 = .603275, half = 1.959964 × √(3.841459/4)/4.841459 = .396725
    // → [20.655, 100] → [20.7, 100].
    const ix = indexOf('csat', h({ 5: 1 }));
    expect(ix.headline).toEqual({ value: 100, low: 20.7, high: 100 });
    expect(ix.secondary).toEqual({ value: 5, low: null, high: null });
  });

  it('6.25% satisfied rounds to 6.3', () => {
    expect(indexOf('csat', h({ 5: 1, 2: 15 })).headline!.value).toBe(6.3);
  });
});

describe('CES', () => {
  it('is the mean on 1–7 with a t interval, and % of 5–7 "easy" with Wilson', () => {
    // Scores 7,7,6,6,6,5,5,4,3,1: mean = 50/10 = 5.0.
    // Σ(x−x̄)² = 2×4 + 3×1 + 0 + 1 + 4 + 16 = 32; s = √(32/9) = 1.885618;
    // half = 2.262157 × 1.885618/√10 = 1.348890 → [3.65, 6.35].
    // Easy (5–7) = 7/10 = 70%; Wilson [39.68, 89.22] → [39.7, 89.2].
    const ix = indexOf('ces', h({ 7: 2, 6: 3, 5: 2, 4: 1, 3: 1, 1: 1 }));
    expect(ix.headline).toEqual({ value: 5, low: 3.65, high: 6.35 });
    expect(ix.secondary).toEqual({ value: 70, low: 39.7, high: 89.2 });
    expect(ix.distribution).toEqual([1, 0, 1, 1, 2, 3, 2]);
  });

  it('ignores counts outside its scale (a 0 or a 9 is no CES answer)', () => {
    expect(indexOf('ces', h({ 0: 4, 9: 4, 7: 1 })).n).toBe(1);
  });
});

describe('the small-sample flag', () => {
  it(`is set below ${SMALL_SAMPLE_N} responses and cleared at ${SMALL_SAMPLE_N}`, () => {
    expect(indexOf('csat', h({ 4: SMALL_SAMPLE_N - 1 })).smallSample).toBe(true);
    expect(indexOf('csat', h({ 4: SMALL_SAMPLE_N })).smallSample).toBe(false);
  });
});

describe('change between two periods (MOVER)', () => {
  it('a large rise is beyond the intervals', () => {
    // Now: 600 promoters, 200 detractors of 1000 → 40, adjusted-Wald interval [34.93, 44.83].
    // Before: 500 / 250 of 1000 → 25, interval [19.80, 30.06].
    // d = 15; low = 15 − √((40 − 34.93)² + (30.06 − 25)²) = 7.84; high = 15 + √((44.83 − 40)² + (25 − 19.80)²) = 22.10.
    const now = estimateIndex('nps', h({ 10: 600, 7: 200, 3: 200 }));
    const before = estimateIndex('nps', h({ 9: 500, 8: 250, 0: 250 }));
    expect(changeBetween(now, before)).toEqual({ difference: 15, low: 7.8, high: 22.1, significant: true, direction: 'up' });
  });

  it('the same rise on ten answers is within sampling noise', () => {
    // Now 5P/2D of 10 = 30 ([−19.05, 65.20]); before 4P/2D of 10 = 20.
    // d = 10; its interval [−50.7, 67.2] holds 0.
    const c = changeBetween(estimateIndex('nps', h({ 10: 5, 8: 3, 2: 2 })), estimateIndex('nps', h({ 10: 4, 8: 4, 2: 2 })));
    expect(c).toEqual({ difference: 10, low: -50.7, high: 67.2, significant: false, direction: 'up' });
  });

  it('none when either period has no responses; no interval when a mean has one answer', () => {
    expect(changeBetween(estimateIndex('csat', h({ 5: 3 })), estimateIndex('csat', h({})))).toBeNull();
    // CES of one answer (7) against one answer (5): d = 2, no interval.
    expect(changeBetween(estimateIndex('ces', h({ 7: 1 })), estimateIndex('ces', h({ 5: 1 }))))
      .toEqual({ difference: 2, low: null, high: null, significant: null, direction: 'up' });
  });

  it('no change is flat and not significant', () => {
    // The same answers in both periods: d = 0, its interval straddles 0.
    const a = estimateIndex('csat', h({ 1: 1, 2: 1, 3: 2, 4: 3, 5: 3 }));
    expect(changeBetween(a, a)).toMatchObject({ difference: 0, direction: 'flat', significant: false });
  });
});

describe('building blocks', () => {
  it('rounds half away from zero without binary surprises', () => {
    expect(roundHalfAway(6.25, 1)).toBe(6.3);
    expect(roundHalfAway(-6.25, 1)).toBe(-6.3);
    expect(roundHalfAway(1.005, 2)).toBe(1.01); // 1.005 × 100 is 100.49999999999999 in binary
    expect(roundHalfAway(-0.04, 1)).toBe(0); // not −0
    expect(Object.is(roundHalfAway(-0.04, 1), -0)).toBe(false);
  });

  it('Wilson for 0 of 10 is [0, 27.75%] (the textbook value)', () => {
    const w = wilson(0, 10);
    expect(w.low).toBe(0);
    expect(w.high).toBeCloseTo(0.277533, 6);
  });

  it('t quantiles: table values, then the expansion matches published ones', () => {
    expect(t975(1)).toBeCloseTo(12.7062, 4);
    expect(t975(30)).toBeCloseTo(2.0423, 4);
    expect(t975(31)).toBeCloseTo(2.039513, 5);
    expect(t975(60)).toBeCloseTo(2.000298, 5);
    expect(t975(120)).toBeCloseTo(1.979930, 5);
  });
});

describe('calendar periods (KST)', () => {
  const tz = 'Asia/Seoul';
  it('weeks start on Monday; months and quarters on their first day', () => {
    expect(bucketStart('2026-11-26', 'week')).toBe('2026-11-23'); // a Thursday → its Monday
    expect(bucketStart('2026-11-23', 'week')).toBe('2026-11-23');
    expect(bucketStart('2026-11-22', 'week')).toBe('2026-11-16'); // a Sunday belongs to the week before
    expect(bucketStart('2026-08-31', 'quarter')).toBe('2026-07-01');
    expect(bucketLabel('2026-07-01', 'quarter')).toBe('2026-Q3');
    expect(bucketLabel('2026-07-01', 'month')).toBe('2026-07');
  });

  it('a benchmark period is its local calendar span', () => {
    expect(periodWindow('2026-Q3', tz)).toEqual({ from: '2026-06-30T15:00:00.000Z', to: '2026-09-30T15:00:00.000Z' });
    expect(periodWindow('2026-12', tz)).toEqual({ from: '2026-11-30T15:00:00.000Z', to: '2026-12-31T15:00:00.000Z' });
    expect(periodWindow('2025', tz)).toEqual({ from: '2024-12-31T15:00:00.000Z', to: '2025-12-31T15:00:00.000Z' });
  });

  it('a series covers every bucket the window touches, in local time', () => {
    // 2026-09-30T16:00Z is already 1 October in Seoul: Q4 starts there.
    const b = buckets({ from: '2026-08-15T00:00:00Z', to: '2026-10-01T00:00:00Z' }, 'month', tz);
    expect(b.map((x) => x.label)).toEqual(['2026-08', '2026-09', '2026-10']);
    expect(b[1]).toEqual({ start: '2026-09-01', label: '2026-09', from: '2026-08-31T15:00:00.000Z', to: '2026-09-30T15:00:00.000Z' });
  });

  it('the comparison period: the equal span before, or a year earlier', () => {
    const w = { from: '2026-10-01T00:00:00.000Z', to: '2026-10-31T00:00:00.000Z' };
    expect(comparisonWindow(w, 'previous')).toEqual({ from: '2026-09-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' });
    expect(comparisonWindow(w, 'year')).toEqual({ from: '2025-10-01T00:00:00.000Z', to: '2025-10-31T00:00:00.000Z' });
    expect(comparisonWindow(w, 'none')).toBeNull();
  });
});
