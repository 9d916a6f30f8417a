// CSAT, NPS and CES from a histogram of scores, with 95% intervals, and the
// change between two periods. Plain numbers in, plain numbers out; the
// formulas are PRODUCT.md's and the interval methods are explained in
// docs/surveys.md (each one chosen so a tiny or one-sided sample still gets an
// honest, non-empty interval where the method allows).

export type Metric = 'nps' | 'csat' | 'ces';
export const METRICS: readonly Metric[] = ['nps', 'csat', 'ces'];

/** The scales of PRODUCT.md: NPS 0–10, CSAT 1–5, CES 1–7. */
export const SCALES: Readonly<Record<Metric, { min: number; max: number }>> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

/** Below this many responses an index is flagged "small sample" (표본 부족). */
export const SMALL_SAMPLE_N = 30;

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

/** Counts per score: counts[s] = responses with score s (indices outside the scale stay 0). */
export type Histogram = readonly number[];

/** A point estimate with its 95% interval; the interval is null where the method has none (a mean of one response). */
export interface Estimate {
  value: number;
  low: number | null;
  high: number | null;
}

/**
 * One metric over one set of responses.
 * - nps: headline = NPS points (−100..100); shares = % promoters / passives / detractors.
 * - csat: headline = % of 4–5 (0..100); secondary = mean score (1..5).
 * - ces: headline = mean score (1..7); secondary = % of 5–7 "easy" (0..100).
 */
export interface MetricIndex {
  metric: Metric;
  n: number;
  smallSample: boolean;
  headline: Estimate | null;
  secondary: Estimate | null;
  shares: { promoters: number; passives: number; detractors: number } | null;
  /** Counts for each score of the scale, lowest first. */
  distribution: number[];
}

export interface Change {
  /** current − previous, in the headline's unit. */
  difference: number;
  /** 95% interval of the difference (MOVER: from the two intervals); null when either has none. */
  low: number | null;
  high: number | null;
  /** True when the difference's interval excludes zero: the change is beyond what sampling explains. */
  significant: boolean | null;
  direction: 'up' | 'down' | 'flat';
}

// ---- rounding ----

/**
 * Rounds half away from zero at `digits` decimals, as people round by hand
 * (6.25 → 6.3, −6.25 → −6.3). toPrecision(12) first drops the binary noise
 * that makes 1.005 * 100 = 100.49999999999999.
 */
export function roundHalfAway(x: number, digits: number): number {
  const f = 10 ** digits;
  const scaled = Number((Math.abs(x) * f).toPrecision(12));
  const r = Math.round(scaled) / f;
  return x < 0 && r !== 0 ? -r : r;
}

/** Decimals shown: one for percentages and NPS points, two for mean scores. */
const PCT_DIGITS = 1;
const MEAN_DIGITS = 2;

// ---- interval methods ----

/** Wilson score interval for x successes in n trials, as proportions. */
export function wilson(x: number, n: number, z = Z95): { low: number; high: number } {
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Student's t 0.975 quantiles for 1..30 degrees of freedom. */
const T975 = [
  12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
  2.20098516, 2.17881283, 2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.10092204, 2.093024054, 2.085963447,
  2.079613845, 2.073873068, 2.06865761, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
];

/** t(0.975, df): the table up to 30, then the Cornish–Fisher expansion (error below 1e-6 there). */
export function t975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T975[Math.round(df) - 1]!;
  const z = Z95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** Mean with a t interval from the sample SD, clipped to the scale. */
function meanEstimate(counts: Histogram, min: number, max: number): Estimate {
  let n = 0;
  let sum = 0;
  for (let s = min; s <= max; s++) { n += counts[s] ?? 0; sum += (counts[s] ?? 0) * s; }
  const mean = sum / n;
  if (n < 2) return { value: mean, low: null, high: null };
  let ss = 0;
  for (let s = min; s <= max; s++) ss += (counts[s] ?? 0) * (s - mean) ** 2;
  const half = (t975(n - 1) * Math.sqrt(ss / (n - 1))) / Math.sqrt(n);
  return { value: mean, low: Math.max(min, mean - half), high: Math.min(max, mean + half) };
}

/** x of n as a percentage with its Wilson interval. */
function shareEstimate(x: number, n: number): Estimate {
  const w = wilson(x, n);
  return { value: (100 * x) / n, low: 100 * w.low, high: 100 * w.high };
}

/**
 * NPS with the adjusted-Wald interval of Rocks (2016): add 3/4 of a promoter
 * and 3/4 of a detractor (3 pseudo-responses in all), then the multinomial
 * variance p⁺ + p⁻ − (p⁺ − p⁻)². Plain Wald would give a zero-width interval
 * when every answer is a promoter. The point estimate stays the observed NPS;
 * for tiny samples the interval is widened to contain it.
 */
function npsEstimate(promoters: number, detractors: number, n: number): Estimate {
  const value = (100 * (promoters - detractors)) / n;
  const na = n + 3;
  const pp = (promoters + 0.75) / na;
  const pd = (detractors + 0.75) / na;
  const centre = pp - pd;
  const se = Math.sqrt((pp + pd - centre * centre) / na);
  const low = Math.max(-1, centre - Z95 * se) * 100;
  const high = Math.min(1, centre + Z95 * se) * 100;
  return { value, low: Math.min(low, value), high: Math.max(high, value) };
}

function sumRange(counts: Histogram, from: number, to: number): number {
  let n = 0;
  for (let s = from; s <= to; s++) n += counts[s] ?? 0;
  return n;
}

/** The unrounded index (what differences are computed from). */
export function estimateIndex(metric: Metric, counts: Histogram): MetricIndex {
  const { min, max } = SCALES[metric];
  const distribution = Array.from({ length: max - min + 1 }, (_, i) => counts[min + i] ?? 0);
  const n = distribution.reduce((a, b) => a + b, 0);
  const base = { metric, n, smallSample: n < SMALL_SAMPLE_N, distribution };
  if (n === 0) return { ...base, headline: null, secondary: null, shares: null };
  if (metric === 'nps') {
    const promoters = sumRange(counts, 9, 10);
    const detractors = sumRange(counts, 0, 6);
    return {
      ...base, headline: npsEstimate(promoters, detractors, n), secondary: null,
      shares: { promoters: (100 * promoters) / n, passives: (100 * (n - promoters - detractors)) / n, detractors: (100 * detractors) / n },
    };
  }
  if (metric === 'csat') return { ...base, headline: shareEstimate(sumRange(counts, 4, 5), n), secondary: meanEstimate(counts, min, max), shares: null };
  return { ...base, headline: meanEstimate(counts, min, max), secondary: shareEstimate(sumRange(counts, 5, 7), n), shares: null };
}

const roundEstimate = (e: Estimate | null, digits: number): Estimate | null =>
  e && { value: roundHalfAway(e.value, digits), low: e.low === null ? null : roundHalfAway(e.low, digits), high: e.high === null ? null : roundHalfAway(e.high, digits) };

/** Digits of the headline: CES is a mean, the others are percentages/points. */
export const headlineDigits = (m: Metric) => (m === 'ces' ? MEAN_DIGITS : PCT_DIGITS);

/** The index as shown and returned by the API: rounded half away from zero. */
export function presentIndex(ix: MetricIndex): MetricIndex {
  const secondaryDigits = ix.metric === 'csat' ? MEAN_DIGITS : PCT_DIGITS;
  return {
    ...ix,
    headline: roundEstimate(ix.headline, headlineDigits(ix.metric)),
    secondary: roundEstimate(ix.secondary, secondaryDigits),
    shares: ix.shares && {
      promoters: roundHalfAway(ix.shares.promoters, PCT_DIGITS),
      passives: roundHalfAway(ix.shares.passives, PCT_DIGITS),
      detractors: roundHalfAway(ix.shares.detractors, PCT_DIGITS),
    },
  };
}

/** estimateIndex then presentIndex. */
export const indexOf = (metric: Metric, counts: Histogram): MetricIndex => presentIndex(estimateIndex(metric, counts));

/**
 * The change of the headline between two periods (unrounded indices in).
 * Interval of the difference by MOVER (Zou & Donner 2008; Newcombe's method for
 * proportions): it recovers each side's variance from its own interval, so
 * Wilson, adjusted-Wald and t intervals combine without a second method.
 */
export function changeBetween(current: MetricIndex, previous: MetricIndex): Change | null {
  const a = current.headline;
  const b = previous.headline;
  if (!a || !b) return null;
  const digits = headlineDigits(current.metric);
  const d = a.value - b.value;
  const direction = roundHalfAway(d, digits) > 0 ? 'up' : roundHalfAway(d, digits) < 0 ? 'down' : 'flat';
  if (a.low === null || a.high === null || b.low === null || b.high === null) {
    return { difference: roundHalfAway(d, digits), low: null, high: null, significant: null, direction };
  }
  const low = d - Math.hypot(Math.max(0, a.value - a.low), Math.max(0, b.high - b.value));
  const high = d + Math.hypot(Math.max(0, a.high - a.value), Math.max(0, b.value - b.low));
  return {
    difference: roundHalfAway(d, digits), low: roundHalfAway(low, digits), high: roundHalfAway(high, digits),
    significant: low > 0 || high < 0, direction,
  };
}

/** Adds the counts of b into a (same metric). */
export function addHistogram(a: number[], b: Histogram): number[] {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return a;
}

export const emptyHistogram = (): number[] => new Array(11).fill(0);
