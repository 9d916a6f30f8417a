import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rng } from '../../bench/lib/corpus.js';
import { binomialUpperTail, spikeTest } from '../../src/analytics/early-warning/statistic.js';
import { decide, isSpike, windowStats, type ActiveWarning, type Thresholds, type TopicWindow } from '../../src/analytics/early-warning/evaluate.js';
import { DEFAULT_EARLY_WARNING, loadEarlyWarningConfig } from '../../src/analytics/early-warning/config.js';

// The spike statistic and the decision rules, without a database.

const T: Thresholds = { alpha: 0.001, resolveAlpha: 0.05, minCalls: 5, minRatio: 1.5, growth: 1.5 };

/** P(X ≥ k) by plain summation of exact pmf terms (small n only): the reference. */
function bruteTail(k: number, n: number, p: number): number {
  let sum = 0;
  for (let j = Math.max(k, 0); j <= n; j++) {
    let c = 1;
    for (let i = 0; i < j; i++) c = (c * (n - i)) / (i + 1);
    sum += c * p ** j * (1 - p) ** (n - j);
  }
  return Math.min(1, sum);
}


/** Poisson draw: products of uniforms, in slices of rate ≤ 20 (a sum of Poissons is Poisson) so exp(−λ) never underflows. */
function poisson(lambda: number, r: () => number): number {
  let k = 0;
  for (let left = lambda; left > 0; left -= 20) {
    const limit = Math.exp(-Math.min(left, 20));
    let p = r();
    while (p > limit) { k++; p *= r(); }
  }
  return k;
}

describe('binomial upper tail', () => {
  it('matches plain summation for small n', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 70 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, k, p) => {
      const got = binomialUpperTail(k, n, p);
      const want = bruteTail(k, n, p);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 + want * 1e-7);
    }));
  });

  it('is a probability and falls as k rises', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, k, p) => {
      const a = binomialUpperTail(k, n, p);
      const b = binomialUpperTail(k + 1, n, p);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(a + 1e-12);
    }));
  });

  it('keeps tiny p-values exact instead of rounding them to 0', () => {
    // 40 of 40 at p = 0.01: exactly 1e-80.
    expect(binomialUpperTail(40, 40, 0.01) / 1e-80).toBeCloseTo(1, 8);
  });

  it('refuses nonsense', () => {
    expect(() => binomialUpperTail(1.5, 3, 0.5)).toThrow(RangeError);
    expect(() => binomialUpperTail(1, 3, 1.5)).toThrow(RangeError);
  });
});

describe('spike test', () => {
  const input = fc.record({
    calls: fc.integer({ min: 0, max: 300 }), historyCalls: fc.integer({ min: 0, max: 3000 }),
    monitored: fc.integer({ min: 1, max: 5000 }), historyMonitored: fc.integer({ min: 1, max: 100_000 }),
  });

  it('the p-value falls as the window holds more calls, and rises with more calls in the history', () => {
    // With the window's volume fixed (above its topic calls: spikeTest raises the
    // volume to the topic count when calls that started earlier mention it inside the window).
    const fixedVolume = input.map((s) => ({ ...s, monitored: s.monitored + s.calls + 1 }));
    fc.assert(fc.property(fixedVolume, (s) => {
      const base = spikeTest(s).pValue;
      expect(spikeTest({ ...s, calls: s.calls + 1 }).pValue).toBeLessThanOrEqual(base + 1e-12);
      expect(spikeTest({ ...s, historyCalls: s.historyCalls + 1 }).pValue).toBeGreaterThanOrEqual(base - 1e-12);
    }));
  });

  it('expects the history share of this window\'s calls', () => {
    expect(spikeTest({ calls: 3, historyCalls: 40, monitored: 500, historyMonitored: 10_000 }).expected).toBeCloseTo(2, 10);
  });

  it('without history it can say nothing (p = 1), however many calls', () => {
    expect(spikeTest({ calls: 500, historyCalls: 0, monitored: 600, historyMonitored: 0 })).toEqual({ expected: 0, pValue: 1 });
  });

  it('never calls a window at or below the expected count a spike', () => {
    fc.assert(fc.property(input, (s) => {
      const stats = windowStats({ topicId: 't', historyDays: 7, ...s }, T);
      if (stats.calls <= stats.expected) expect(isSpike(stats, T)).toBe(false);
    }));
  });
});

describe('normal fluctuation and real spikes (simulation, fixed seed)', () => {
  // 14 days of history at a steady share; the window is 1/4 of one day's band.
  const simulate = (rate: number, factor: number, trials: number, seed: number) => {
    const r = rng(seed);
    let raised = 0;
    for (let i = 0; i < trials; i++) {
      const callsPerWindow = 400;
      const historyCalls = poisson(rate * 14 * 4, r);
      const w: TopicWindow = { topicId: 'payment_error', calls: poisson(rate * factor, r), historyCalls, monitored: callsPerWindow, historyMonitored: callsPerWindow * 14 * 4, historyDays: 14 };
      if (decide([w], [], T).some((d) => d.kind === 'raise')) raised++;
    }
    return raised / trials;
  };

  it('raises (almost) nothing when nothing changed', () => {
    for (const rate of [0.5, 2, 5, 20, 60]) expect(simulate(rate, 1, 2000, 42 + rate)).toBeLessThanOrEqual(0.002);
  });

  it('raises on a real spike', () => {
    // One evaluation's power; the job evaluates every minute over a sliding window.
    expect(simulate(2, 8, 1000, 7)).toBeGreaterThanOrEqual(0.95); // 2 → 16 calls per window
    expect(simulate(20, 2.5, 1000, 8)).toBeGreaterThanOrEqual(0.95); // 20 → 50
    expect(simulate(20, 2, 1000, 9)).toBeGreaterThanOrEqual(0.6); // 20 → 40: usually at once, surely within minutes
  });
});

describe('decisions', () => {
  const quiet: Omit<TopicWindow, 'calls'> = { topicId: 'payment_error', historyCalls: 4, monitored: 200, historyMonitored: 200 * 28, historyDays: 7 };
  const active = (over: Partial<ActiveWarning> = {}): ActiveWarning => ({ id: 'w1', topicId: 'payment_error', status: 'open', severity: 3, notifiedCalls: 12, peakCalls: 12, ...over });

  it('raises once for a spike, and never below the minimum count', () => {
    expect(decide([{ ...quiet, calls: 12 }], [], T).map((d) => d.kind)).toEqual(['raise']);
    expect(decide([{ ...quiet, calls: 4, historyCalls: 0 }], [], T)).toEqual([]);
  });

  it('an active warning is updated, not raised again; growth is announced only when significant', () => {
    const [small] = decide([{ ...quiet, calls: 14 }], [active({ severity: 4 })], T);
    expect(small).toMatchObject({ kind: 'update', notify: false });
    const [big] = decide([{ ...quiet, calls: 19 }], [active({ severity: 4 })], T);
    expect(big).toMatchObject({ kind: 'update', notify: true });
  });

  it('keeps an acknowledged warning active and its severity at the peak', () => {
    const [d] = decide([{ ...quiet, calls: 9 }], [active({ status: 'acknowledged', severity: 5 })], T);
    expect(d).toMatchObject({ kind: 'update', notify: false, stats: { severity: 5 } });
  });

  it('resolves when the topic falls back, including a topic no longer in the set', () => {
    expect(decide([{ ...quiet, calls: 1 }], [active()], T).map((d) => d.kind)).toEqual(['resolve']);
    expect(decide([], [active({ topicId: 'gone' })], T).map((d) => d.kind)).toEqual(['resolve']);
  });

  it('hysteresis: a count between the raise and resolve levels neither raises nor resolves', () => {
    const between = { ...quiet, historyCalls: 60, calls: 6 }; // 2.1 expected
    const stats = windowStats(between, T);
    expect(stats.pValue).toBeGreaterThan(T.alpha);
    expect(stats.pValue).toBeLessThanOrEqual(T.resolveAlpha);
    expect(decide([between], [], T)).toEqual([]);
    expect(decide([between], [active()], T).map((d) => d.kind)).toEqual(['update']);
  });
});

describe('configuration', () => {
  it('has sound defaults and rejects bad values with the variable named', () => {
    expect(loadEarlyWarningConfig({})).toEqual(DEFAULT_EARLY_WARNING);
    expect(() => loadEarlyWarningConfig({ RADAR_EARLY_WARNING_WINDOW_MIN: 'abc' })).toThrow(/RADAR_EARLY_WARNING_WINDOW_MIN/);
    expect(() => loadEarlyWarningConfig({ RADAR_EARLY_WARNING_ALPHA: '0.1', RADAR_EARLY_WARNING_RESOLVE_ALPHA: '0.01' })).toThrow(/RESOLVE_ALPHA/);
    expect(loadEarlyWarningConfig({ RADAR_EARLY_WARNING: 'off', RADAR_EARLY_WARNING_INTERVAL_MS: '500' })).toMatchObject({ enabled: false, intervalMs: 500 });
  });
});
