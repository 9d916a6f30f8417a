// The spike test. Pure numbers in, numbers out (docs/early-warning.md).
//
// Question: is the topic's share of monitored calls in the recent window higher
// than its share in the history (the same time of day on earlier days)? Under
// "nothing changed", the topic's calls are a Poisson count in each period with a
// rate proportional to the number of monitored calls, and — conditioned on the
// total — the window's count is Binomial(total, p0) with
// p0 = windowVolume / (windowVolume + historyVolume). The p-value is that
// binomial's upper tail. This is the exact conditional test for comparing two
// Poisson rates: it needs no estimate of the baseline rate, so little history
// makes it cautious by itself, and no history at all can never raise a warning.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: ~15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection keeps accuracy near 0
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const logChoose = (n: number, k: number) => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

/**
 * P(X ≥ k) for X ~ Binomial(n, p). Sums the pmf from k up when k is above the
 * mean (the terms shrink geometrically, so the sum stops early and keeps tiny
 * p-values exact), and 1 − P(X ≤ k−1) summed downwards otherwise.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) throw new RangeError(`binomialUpperTail needs integers, got k=${k} n=${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialUpperTail needs 0 ≤ p ≤ 1, got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const odds = p / (1 - p);
  const logPmf = (j: number) => logChoose(n, j) + j * Math.log(p) + (n - j) * Math.log1p(-p);
  if (k > n * p) {
    let term = Math.exp(logPmf(k));
    let sum = term;
    for (let j = k; j < n; j++) {
      term *= ((n - j) / (j + 1)) * odds;
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(logPmf(k - 1));
  let lower = term;
  for (let j = k - 1; j > 0; j--) {
    term *= (j / (n - j + 1)) / odds;
    lower += term;
    if (term < lower * 1e-17) break;
  }
  return Math.max(0, 1 - lower);
}

export interface SpikeInput {
  /** Distinct calls mentioning the topic in the window. */
  calls: number;
  /** Distinct calls that mentioned it in the history periods. */
  historyCalls: number;
  /** Calls monitored in the window (at least `calls` is assumed). */
  monitored: number;
  /** Calls monitored in the history periods. */
  historyMonitored: number;
}

export interface SpikeResult {
  /** Calls expected in the window at the history's share: historyCalls × monitored / historyMonitored (0 without history). */
  expected: number;
  /** P(this many or more | the share did not change); 1 without history. */
  pValue: number;
}

export function spikeTest(s: SpikeInput): SpikeResult {
  // A call that started before the window can mention the topic inside it, so
  // the window's volume is at least its topic count.
  const monitored = Math.max(s.monitored, s.calls);
  if (s.historyMonitored <= 0 || monitored <= 0) return { expected: 0, pValue: 1 };
  const expected = (s.historyCalls * monitored) / s.historyMonitored;
  const p0 = monitored / (monitored + s.historyMonitored);
  return { expected, pValue: binomialUpperTail(s.calls, s.calls + s.historyCalls, p0) };
}
