import { roundHalfAway } from '../surveys/indices.js';

// The arithmetic of combined analysis, as plain functions so each formula is
// tested with hand-computed values (docs/analysis.md writes them out).

/** Rates are shown with two decimals, rounded half away from zero. */
export const RATE_DIGITS = 2;

/** numerator × per ÷ denominator (complaints per 1,000 consultations: per = 1000); null when there is no denominator. */
export function ratePer(numerator: number, denominator: number, per: number): number | null {
  if (denominator <= 0) return null;
  return roundHalfAway((numerator * per) / denominator, RATE_DIGITS);
}

/** Standard normal distribution function Φ(x) (Abramowitz & Stegun 7.1.26 for erf, error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export const Z95 = 1.959963984540054;

export interface TwoProportion {
  /** k1 / n1: share of the contacted group with a complaint. */
  p1: number;
  /** k0 / n0: share of the not-contacted group with a complaint. */
  p0: number;
  /** p1 − p0. */
  difference: number;
  /** 95 % Wald interval of p1 − p0 (unpooled standard error). */
  low: number;
  high: number;
  /** p1 ÷ p0 (null when p0 = 0). */
  ratio: number | null;
  /** Pooled two-proportion z statistic (null when nobody or everybody complained: no variance). */
  z: number | null;
  /** Two-sided p-value of z. */
  pValue: number | null;
}

/**
 * Compares k1 of n1 with k0 of n0: the difference with a 95 % Wald interval
 * √(p1(1−p1)/n1 + p0(1−p0)/n0), and the pooled z test
 * z = (p1 − p0) / √(p(1−p)(1/n1 + 1/n0)), p = (k1 + k0)/(n1 + n0), two-sided.
 * Null when either group is empty.
 */
export function twoProportion(k1: number, n1: number, k0: number, n0: number): TwoProportion | null {
  if (n1 <= 0 || n0 <= 0) return null;
  const p1 = k1 / n1;
  const p0 = k0 / n0;
  const difference = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const pooled = (k1 + k0) / (n1 + n0);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  const z = sePooled > 0 ? difference / sePooled : null;
  return {
    p1, p0, difference, low: difference - Z95 * se, high: difference + Z95 * se,
    ratio: p0 > 0 ? p1 / p0 : null, z, pValue: z === null ? null : 2 * (1 - normalCdf(Math.abs(z))),
  };
}

/** Average per day of `count` over `days` days, two decimals. */
export function perDay(count: number, days: number): number | null {
  return days > 0 ? roundHalfAway(count / days, RATE_DIGITS) : null;
}
