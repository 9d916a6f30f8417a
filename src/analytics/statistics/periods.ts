import { badRequest } from '../../core/errors.js';

// Reporting periods as the Credit Finance Association uses them. Every period
// is a half-open range of local calendar days [from, to):
//   '2026-09'        a month
//   '2026-Q3'        a quarter
//   '2026-Q3-YTD'    cumulative to the quarter: 1 January to the quarter's end
//                    (누적; what the association publishes each quarter)
//   '2026'           a calendar year
// Days are 'YYYY-MM-DD' strings; comparisons are plain string comparisons.

export type PeriodKind = 'month' | 'quarter' | 'ytd' | 'year';

export interface Period {
  id: string;
  kind: PeriodKind;
  year: number;
  /** 1–12 for a month, 1–4 for a quarter or year-to-quarter, null for a year. */
  index: number | null;
  from: string;
  /** Exclusive. */
  to: string;
  label: { ko: string; en: string };
}

const PERIOD_RE = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])(-YTD)?))?$/;

const day = (y: number, m: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
/** First day of month m (1-based; 13 = January next year). */
const monthStart = (y: number, m: number) => (m > 12 ? day(y + 1, m - 12) : day(y, m));

export function isPeriodId(s: string): boolean {
  const m = PERIOD_RE.exec(s);
  return m !== null && +m[1]! >= 1900 && +m[1]! <= 2999;
}

/** The period named by `id`, or a 400 `invalid_period`. */
export function parsePeriod(id: string): Period {
  const m = PERIOD_RE.exec(id);
  if (!m || !isPeriodId(id)) {
    throw badRequest('invalid_period', `'${id}' is not a period (write 2026-09, 2026-Q3, 2026-Q3-YTD or 2026)`, { period: id });
  }
  const year = +m[1]!;
  if (m[2]) {
    const mo = +m[2];
    return { id, kind: 'month', year, index: mo, from: monthStart(year, mo), to: monthStart(year, mo + 1), label: { ko: `${year}년 ${mo}월`, en: `${year}-${m[2]}` } };
  }
  if (m[3]) {
    const q = +m[3];
    const to = monthStart(year, q * 3 + 1);
    if (m[4]) return { id, kind: 'ytd', year, index: q, from: day(year, 1), to, label: { ko: `${year}년 ${q}분기 누적`, en: `${year} Q${q} year to date` } };
    return { id, kind: 'quarter', year, index: q, from: monthStart(year, q * 3 - 2), to, label: { ko: `${year}년 ${q}분기`, en: `${year} Q${q}` } };
  }
  return { id, kind: 'year', year, index: null, from: day(year, 1), to: day(year + 1, 1), label: { ko: `${year}년`, en: `${year}` } };
}

/** The same period a year earlier (what the year-on-year change compares with). */
export function samePeriodLastYear(p: Period): Period {
  return parsePeriod(String(p.year - 1).padStart(4, '0') + p.id.slice(4));
}

/** Months ('YYYY-MM') and quarters ('YYYY-Qn') of a customer-base entry. */
export const BASE_PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;

/**
 * Which customer-base entries give a period's denominator, in order of
 * preference. The converted count divides by the customers at the period's
 * end: a quarter (or year to a quarter) uses its quarter's figure, else its
 * last month's; a month uses its own figure, else its quarter's.
 */
export function customerBaseKeys(p: Period): string[] {
  const y = String(p.year).padStart(4, '0');
  if (p.kind === 'month') return [p.id, `${y}-Q${Math.ceil(p.index! / 3)}`];
  const q = p.kind === 'year' ? 4 : p.index!;
  return [`${y}-Q${q}`, `${y}-${String(q * 3).padStart(2, '0')}`];
}

/** The period of the same kind that contains `today` (a local day), e.g. the current quarter-to-date. */
export function currentPeriodId(kind: PeriodKind, today: string): string {
  const y = today.slice(0, 4);
  const mo = +today.slice(5, 7);
  const q = Math.ceil(mo / 3);
  if (kind === 'month') return today.slice(0, 7);
  if (kind === 'quarter') return `${y}-Q${q}`;
  if (kind === 'ytd') return `${y}-Q${q}-YTD`;
  return y;
}

export type Granularity = 'day' | 'month' | 'quarter';

/** The bucket a local day falls in. */
export function bucketOf(d: string, g: Granularity): string {
  if (g === 'day') return d;
  if (g === 'month') return d.slice(0, 7);
  return `${d.slice(0, 4)}-Q${Math.ceil(+d.slice(5, 7) / 3)}`;
}

/** Every bucket of [from, to) in order, empty ones included (a chart needs the gaps). */
export function bucketsBetween(from: string, to: string, g: Granularity): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const b = bucketOf(new Date(t).toISOString().slice(0, 10), g);
    if (out[out.length - 1] !== b) out.push(b);
  }
  return out;
}

/** Local calendar day of an instant in a time zone. */
export function localDay(instant: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}
