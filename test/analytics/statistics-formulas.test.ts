import { describe, expect, it } from 'vitest';
import {
  breakdown, change, changePercent, convertedCount, cumulativeByQuarter, customerBaseKeys, formatChangePercent, parsePeriod, rankOn, rankPeers,
  samePeriodLastYear, summarize, trend, type DimensionCount, type PeerFigure,
} from '../../src/analytics/statistics/index.js';

// The industry's formulas, with expected values worked out by hand in each
// test (PRODUCT.md "Formulas that must be exact").

describe('converted count (환산 건수) = complaints ÷ customers × 100,000, two decimals', () => {
  it('reproduces the seed report: 325 complaints over 11,950,000 customers → 2.72', () => {
    // 325 × 100,000 = 32,500,000; ÷ 11,950,000 = 2.71966… → 2.72
    expect(convertedCount(325, 11_950_000)).toBe(2.72);
    // Last year: 339 × 100,000 = 33,900,000; ÷ 11,980,000 = 2.82971… → 2.83
    expect(convertedCount(339, 11_980_000)).toBe(2.83);
  });

  it('the customer range that gives 2.72 for 325 complaints is (11,926,605, 11,970,534]', () => {
    // 32,500,000 ÷ 2.725 = 11,926,605.5 (2.725 would round up to 2.73); 32,500,000 ÷ 2.715 = 11,970,534.07
    expect(convertedCount(325, 11_926_605)).toBe(2.73);
    expect(convertedCount(325, 11_926_606)).toBe(2.72);
    expect(convertedCount(325, 11_970_534)).toBe(2.72);
    expect(convertedCount(325, 11_970_535)).toBe(2.71);
  });

  it('rounds an exact half up on integers, where binary floating point would round it down', () => {
    // 41 × 100,000 ÷ 4,000,000 = 1.025 exactly; as a double 1.025 × 100 = 102.49999999999999
    expect(Math.round((41 * 100_000 / 4_000_000) * 100) / 100).toBe(1.02);
    expect(convertedCount(41, 4_000_000)).toBe(1.03);
    // 109 × 100,000 ÷ 4,000,000 = 2.725 → 2.73
    expect(convertedCount(109, 4_000_000)).toBe(2.73);
    // 1 ÷ 20,000,000 × 100,000 = 0.005 → 0.01; 1 ÷ 40,000,000 × 100,000 = 0.0025 → 0.00
    expect(convertedCount(1, 20_000_000)).toBe(0.01);
    expect(convertedCount(1, 40_000_000)).toBe(0);
    expect(convertedCount(0, 1_000)).toBe(0);
  });

  it('has no value without a customer base, and refuses fractions', () => {
    expect(convertedCount(325, null)).toBeNull();
    expect(convertedCount(325, 0)).toBeNull();
    expect(() => convertedCount(1.5, 100)).toThrow(RangeError);
  });
});

describe('change = (this − same period last year) ÷ last', () => {
  it('reproduces the seed report: 325 vs 339 and 2.72 vs 2.83 are both −4 %', () => {
    // (325 − 339) ÷ 339 = −14 ÷ 339 = −0.0412979…
    expect(change(325, 339)).toBeCloseTo(-14 / 339, 15);
    expect(changePercent(325, 339)).toBe(-4);
    expect(changePercent(325, 339, 1)).toBe(-4.1);
    // (2.72 − 2.83) ÷ 2.83 = −0.11 ÷ 2.83 = −0.0388692…
    expect(changePercent(2.72, 2.83)).toBe(-4);
    expect(changePercent(2.72, 2.83, 1)).toBe(-3.9);
    expect(formatChangePercent(changePercent(325, 339))).toBe('−4%');
  });

  it('rounds half away from zero both ways, exactly', () => {
    // 201 vs 200: +0.5 % → +1; 199 vs 200: −0.5 % → −1; 0.57 vs 0.56 = +1.7857 % → +2
    expect(changePercent(201, 200)).toBe(1);
    expect(changePercent(199, 200)).toBe(-1);
    expect(changePercent(0.57, 0.56)).toBe(2);
    expect(changePercent(131, 100)).toBe(31);
    expect(formatChangePercent(31)).toBe('+31%');
    expect(formatChangePercent(0)).toBe('0%');
  });

  it('is undefined against nothing', () => {
    expect(change(5, 0)).toBeNull();
    expect(changePercent(5, 0)).toBeNull();
    expect(changePercent(null, 3)).toBeNull();
    expect(formatChangePercent(null)).toBe('—');
  });
});

describe('periods', () => {
  it('cumulative to Q3 is 1 January to 1 October, compared with the same a year earlier', () => {
    const p = parsePeriod('2026-Q3-YTD');
    expect([p.kind, p.from, p.to]).toEqual(['ytd', '2026-01-01', '2026-10-01']);
    const last = samePeriodLastYear(p);
    expect([last.id, last.from, last.to]).toEqual(['2025-Q3-YTD', '2025-01-01', '2025-10-01']);
    expect(parsePeriod('2026-Q4')).toMatchObject({ from: '2026-10-01', to: '2027-01-01' });
    expect(parsePeriod('2026-12')).toMatchObject({ from: '2026-12-01', to: '2027-01-01' });
    expect(parsePeriod('2026')).toMatchObject({ from: '2026-01-01', to: '2027-01-01' });
  });

  it('rejects what is not a period with a 400', () => {
    for (const bad of ['2026-13', '2026-Q5', '2026-Q3-ytd', '26-Q1', '2026-Q3YTD', '']) {
      expect(() => parsePeriod(bad)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_period' }));
    }
  });

  it('takes the customers at the period end: the quarter figure, else its last month', () => {
    expect(customerBaseKeys(parsePeriod('2026-Q3-YTD'))).toEqual(['2026-Q3', '2026-09']);
    expect(customerBaseKeys(parsePeriod('2026-Q2'))).toEqual(['2026-Q2', '2026-06']);
    expect(customerBaseKeys(parsePeriod('2026-08'))).toEqual(['2026-08', '2026-Q3']);
    expect(customerBaseKeys(parsePeriod('2026'))).toEqual(['2026-Q4', '2026-12']);
  });
});

const row = (over: Partial<DimensionCount>): DimensionCount => ({
  channel: 'phone', product: 'credit_card', type: 'payment', cause: 'processing', scope: 'internal', externalBody: null, severity: 3, count: 1, ...over,
});

describe('summary and breakdowns from grouped counts', () => {
  const now = [
    row({ count: 200 }),
    row({ channel: 'app', product: 'check_card', count: 80 }),
    row({ scope: 'external', externalBody: 'fss', channel: 'external', count: 45, severity: 5 }),
  ];
  const last = [row({ count: 250 }), row({ channel: 'app', count: 60 }), row({ scope: 'external', externalBody: 'fss', channel: 'external', count: 29 })];

  it('adds up to the seed report and splits by dimension', () => {
    const s = summarize({
      period: parsePeriod('2026-Q3-YTD'), previousPeriod: parsePeriod('2025-Q3-YTD'), scope: 'all', now, last,
      customers: { now: { customers: 11_950_000, basis: '2026-Q3' }, previous: { customers: 11_980_000, basis: '2025-Q3' } },
    });
    // 200 + 80 + 45 = 325; 250 + 60 + 29 = 339
    expect(s.complaints).toMatchObject({ count: 325, previous: 339, changePct: -4 });
    expect(s.converted).toMatchObject({ value: 2.72, previous: 2.83, changePct: -4 });
    const scope = s.breakdowns.scope;
    // internal 280 vs 310: −30/310 = −9.677 % → −10; external 45 vs 29: +16/29 = +55.17 % → +55
    expect(scope.map((b) => [b.id, b.count, b.previous, b.changePct])).toEqual([['internal', 280, 310, -10], ['external', 45, 29, 55]]);
    expect(s.breakdowns.externalBody.map((b) => [b.id, b.count])).toEqual([['fss', 45]]);
    expect(s.breakdowns.severity.map((b) => [b.id, b.count])).toEqual([['5', 45], ['3', 280]]);
    // share of app = 80 / 325
    expect(s.breakdowns.channel.find((b) => b.id === 'app')!.share).toBeCloseTo(80 / 325, 12);
  });

  it('a scope filter counts only that scope', () => {
    const s = summarize({ period: parsePeriod('2026-Q3-YTD'), previousPeriod: parsePeriod('2025-Q3-YTD'), scope: 'external', now, last, customers: { now: null, previous: null } });
    expect(s.complaints).toMatchObject({ count: 45, previous: 29 });
    expect(s.converted.value).toBeNull();
  });

  it('keeps values no longer in the taxonomy visible by id', () => {
    expect(breakdown('product', [row({ product: 'retired_product', count: 2 })], []).map((b) => b.id)).toEqual(['retired_product']);
  });
});

describe('trend and cumulative counts', () => {
  it('buckets days into months with empty months as zeros and last year beside them', () => {
    const days = [{ day: '2026-01-05', scope: 'internal', count: 3 }, { day: '2026-03-10', scope: 'external', count: 2 }, { day: '2026-03-11', scope: 'internal', count: 1 }];
    const last = [{ day: '2025-03-02', scope: 'internal', count: 7 }];
    expect(trend(days, last, '2026-01-01', '2026-04-01', 'month')).toEqual([
      { bucket: '2026-01', count: 3, internal: 3, external: 0, previous: 0 },
      { bucket: '2026-02', count: 0, internal: 0, external: 0, previous: 0 },
      { bucket: '2026-03', count: 3, internal: 1, external: 2, previous: 7 },
    ]);
    // Cumulative to each quarter: Q1 = 3 + 3 = 6, Q2 = 6 + 0, Q3 = 6 + 4, Q4 = 10
    expect(cumulativeByQuarter([...days, { day: '2026-08-01', scope: 'internal', count: 4 }], 2026).map((c) => c.count)).toEqual([6, 6, 10, 10]);
  });
});

describe('peer ranks', () => {
  const fig = (company: string, a: number | null, b: number | null, isSelf = false): PeerFigure => ({
    company, period: '2026-Q3-YTD', isSelf, complaints: null, converted: null, complaintsChangePct: a, convertedChangePct: b, source: '', updatedBy: 't', updatedAt: '',
  });

  it('ranks the seed report: the reporting company is first on both changes; 신한 and 롯데 share 5th on the converted change', () => {
    const ranked = rankPeers([
      fig('현대카드', 31, 20), fig('롯데카드', 20, 17), fig('신한카드', 17, 17), fig('삼성카드', 15, 11), fig('KB국민카드', 8, 8), fig('우리카드', 0, 5), fig('당사', -4, -4, true),
    ]);
    const r = Object.fromEntries(ranked.map((p) => [p.company, [p.ranks.complaintsChangePct, p.ranks.convertedChangePct]]));
    expect(r).toEqual({ 당사: [1, 1], 우리카드: [2, 2], KB국민카드: [3, 3], 삼성카드: [4, 4], 신한카드: [5, 5], 롯데카드: [6, 5], 현대카드: [7, 7] });
    expect(ranked[0]!.ranks.complaints).toBeNull();
  });

  it('leaves companies without a figure unranked', () => {
    expect(rankOn([3, null, 1, 3])).toEqual([2, null, 1, 2]);
  });
});
