// The formulas the industry publishes, exactly (PRODUCT.md "Formulas that must
// be exact"):
//   converted count (환산 건수) = complaints ÷ customers × 100,000, two decimals
//   change = (this − same period last year) ÷ last
// Rounding is done on exact integers (BigInt), half away from zero, so a value
// that sits exactly on .005 rounds the way a person with a calculator expects
// instead of the way a binary double happens to fall.

/** n ÷ d rounded half away from zero to an integer; d > 0. */
function roundDiv(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}

export const PER_CUSTOMERS = 100_000;

/** Complaints per 100,000 customers, rounded to two decimals; null without a customer base. */
export function convertedCount(complaints: number, customers: number | null): number | null {
  if (customers === null || customers <= 0) return null;
  if (!Number.isInteger(complaints) || !Number.isInteger(customers) || complaints < 0) {
    throw new RangeError('complaints and customers must be whole numbers');
  }
  const hundredths = roundDiv(BigInt(complaints) * BigInt(PER_CUSTOMERS) * 100n, BigInt(customers));
  return Number(hundredths) / 100;
}

/** (now − last) ÷ last, unrounded; null when there is nothing to compare with (last missing or 0). */
export function change(now: number | null, last: number | null): number | null {
  if (now === null || last === null || last === 0) return null;
  return (now - last) / last;
}

/**
 * The change in percent, rounded half away from zero to `decimals` places,
 * computed on exact integers. Inputs are counts or two-decimal converted
 * counts (scaled by 100 before dividing, so 2.72 vs 2.83 is 272 vs 283).
 */
export function changePercent(now: number | null, last: number | null, decimals = 0): number | null {
  if (now === null || last === null || last === 0) return null;
  const scale = (v: number) => BigInt(Math.round(v * 100));
  const p = 10n ** BigInt(decimals);
  const r = roundDiv((scale(now) - scale(last)) * 100n * p, scale(last));
  return Number(r) / Number(p);
}

/** "+31%", "−4%", "0%" the way the association prints it (a real minus sign). */
export function formatChangePercent(pct: number | null): string {
  if (pct === null) return '—';
  if (pct === 0) return '0%';
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct)}%`;
}
