import { describe, expect, it } from 'vitest';
import { campaignEffect, eventWindow, normalCdf, perDay, ratePer, rates, twoProportion } from '../../src/analytics/analysis/index.js';

// The formulas of docs/analysis.md with values worked out by hand.

describe('ratePer', () => {
  it('is numerator × per ÷ denominator rounded half away from zero at two decimals', () => {
    expect(ratePer(4, 6, 1000)).toBe(666.67); // 666.666…
    expect(ratePer(1, 8, 1000)).toBe(125);
    expect(ratePer(1, 3, 10_000)).toBe(3333.33);
    expect(ratePer(1, 200, 1)).toBe(0.01); // 0.005 → 0.01 (half away from zero)
    expect(ratePer(1, 400, 1)).toBe(0); // 0.0025 → 0.00
    expect(ratePer(0, 5, 1000)).toBe(0);
  });
  it('has no value without a denominator', () => {
    expect(ratePer(3, 0, 1000)).toBeNull();
  });
});

describe('twoProportion', () => {
  it('matches a textbook example: 45/500 vs 30/500', () => {
    // p1 = 0.09, p0 = 0.06; SE = √(0.09·0.91/500 + 0.06·0.94/500) = √(0.0002766) = 0.016632;
    // pooled p = 0.075, SE0 = √(0.075·0.925·(2/500)) = 0.016658, z = 0.03 / 0.016658 = 1.8010, p = 0.0717.
    const t = twoProportion(45, 500, 30, 500)!;
    expect(t.difference).toBeCloseTo(0.03, 12);
    expect(t.low).toBeCloseTo(0.03 - 1.959964 * 0.016632, 5);
    expect(t.high).toBeCloseTo(0.03 + 1.959964 * 0.016632, 5);
    expect(t.z).toBeCloseTo(1.8010, 3);
    expect(t.pValue).toBeCloseTo(0.0717, 3);
    expect(t.ratio).toBeCloseTo(1.5, 12);
  });
  it('is null for an empty group and has no test when nobody complained', () => {
    expect(twoProportion(1, 0, 1, 10)).toBeNull();
    const none = twoProportion(0, 10, 0, 20)!;
    expect([none.difference, none.z, none.pValue, none.ratio]).toEqual([0, null, null, null]);
  });
  it('marks a campaign significant only when the interval excludes zero', () => {
    const row = { campaignId: 'C', campaignName: null, firstContact: '2026-07-01', lastContact: '2026-07-01', responded: 0 };
    expect(campaignEffect({ ...row, contacted: 1000, contactedComplained: 80, notContacted: 1000, notContactedComplained: 40 }, 30).significant).toBe(true);
    expect(campaignEffect({ ...row, contacted: 3, contactedComplained: 2, notContacted: 3, notContactedComplained: 1 }, 30)).toMatchObject({ significant: false, contactedRatePct: 66.67, notContactedRatePct: 33.33 });
  });
});

describe('normalCdf', () => {
  it('agrees with the table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });
});

describe('rates', () => {
  it('adds the groups up into the total and labels products from the taxonomy', () => {
    const f = { from: '2026-07-01', to: '2026-10-01', tz: 'Asia/Seoul' };
    const r = rates('consultations', 'product', f, [{ group: 'credit_card', complaints: 4, denominator: 6 }, { group: 'prepaid', complaints: 1, denominator: 0 }]);
    expect(r.per).toBe(1000);
    expect(r.items).toEqual([
      { group: 'credit_card', ko: '신용카드', en: 'Credit card', complaints: 4, denominator: 6, rate: 666.67 },
      { group: 'prepaid', ko: '선불카드', en: 'Prepaid card', complaints: 1, denominator: 0, rate: null },
    ]);
    expect(r.total).toEqual({ complaints: 5, denominator: 6, rate: 833.33 });
    expect(rates('sales', 'month', f, [{ group: '2026-07', complaints: 3, denominator: 20_000 }]).items[0]!.rate).toBe(1.5);
  });
});

describe('eventWindow', () => {
  const e = { occurredAt: '2026-08-18T00:00:00Z', day: '2026-08-18', platform: 'app', eventKind: 'release', version: '5.2', count: 1, description: null, before: 7, after: 6 };
  it('compares per-day averages before and after', () => {
    // before 7 / 7 days = 1.00, after 6 / 3 observed days (18th–20th) = 2.00 → +100 %.
    expect(eventWindow(e, 7, '2026-08-20')).toMatchObject({ afterDays: 3, beforePerDay: 1, afterPerDay: 2, changePct: 100 });
    expect(eventWindow(e, 7, '2026-12-01')).toMatchObject({ afterDays: 7, afterPerDay: 0.86, changePct: -14.3 });
    expect(eventWindow({ ...e, before: 0 }, 7, '2026-12-01').changePct).toBeNull();
    expect(perDay(1, 0)).toBeNull();
  });
});
