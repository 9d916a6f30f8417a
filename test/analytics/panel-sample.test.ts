import { describe, expect, it } from 'vitest';
import { allocate, selectSample, type Sampleable } from '../../src/panel/sample.js';
import { checkCampaign, checkMember, maskContact, pseudonym, transitionProblem } from '../../src/panel/model.js';

// The panel's pure rules: proportional largest-remainder allocation, a sample
// that depends only on the seed and the member ids, eligibility, member and
// campaign checks, labels and masks, and the status machine.

const NOW = Date.parse('2026-11-20T00:00:00Z');
const member = (id: string, grade: string, extra: Partial<Sampleable> = {}): Sampleable => ({
  id, status: 'active', hasContact: true, ageBand: '30대', grade, region: '서울', tenureYears: 3, products: ['신용카드'], lastInvitedAt: null, ...extra,
});

describe('panel sampling', () => {
  it('allocates proportionally by largest remainder and never beyond a stratum', () => {
    expect(Object.fromEntries(allocate(new Map([['a', 8], ['b', 4], ['c', 2]]), 6))).toEqual({ a: 3, b: 2, c: 1 });
    expect(Object.fromEntries(allocate(new Map([['a', 1], ['b', 99]]), 10))).toEqual({ a: 0, b: 10 });
    expect(Object.fromEntries(allocate(new Map([['a', 2], ['b', 3]]), 50))).toEqual({ a: 2, b: 3 });
    const big = allocate(new Map([['x', 333], ['y', 333], ['z', 334]]), 100);
    expect([...big.values()].reduce((s, n) => s + n, 0)).toBe(100);
  });

  it('the same seed picks the same members whatever the row order; another seed picks others', () => {
    const ms = Array.from({ length: 200 }, (_, i) => member(`m${i}`, i % 4 === 0 ? 'VIP' : '일반'));
    const o = { filter: {}, stratifyBy: ['grade'] as const, sampleSize: 20, seed: 'seed-1', now: NOW };
    const a = selectSample(ms, { ...o, stratifyBy: [...o.stratifyBy] });
    const b = selectSample([...ms].reverse(), { ...o, stratifyBy: [...o.stratifyBy] });
    expect(a.picked.map((p) => p.id).sort()).toEqual(b.picked.map((p) => p.id).sort());
    expect(a.strata).toEqual([{ key: '일반', eligible: 150, selected: 15 }, { key: 'VIP', eligible: 50, selected: 5 }]);
    const c = selectSample(ms, { ...o, stratifyBy: ['grade'], seed: 'seed-2' });
    expect(c.picked.map((p) => p.id).sort()).not.toEqual(a.picked.map((p) => p.id).sort());
    expect(new Set(a.picked.map((p) => p.id)).size).toBe(20);
  });

  it('only active members with a contact, matching the filter, not invited lately', () => {
    const ms = [
      member('a', '골드'), member('b', '골드', { status: 'paused' }), member('c', '골드', { hasContact: false }), member('d', '실버'),
      member('e', '골드', { lastInvitedAt: '2026-10-01T00:00:00Z' }), member('f', '골드', { lastInvitedAt: '2025-01-01T00:00:00Z' }),
      member('g', '골드', { products: ['체크카드'] }),
    ];
    const s = selectSample(ms, { filter: { grades: ['골드'], products: ['신용카드'], notInvitedMonths: 6 }, stratifyBy: ['ageBand', 'grade'], sampleSize: 10, seed: 's', now: NOW });
    expect(s.picked.map((p) => p.id).sort()).toEqual(['a', 'f']);
    expect(s.strata).toEqual([{ key: '30대 · 골드', eligible: 2, selected: 2 }]);
  });
});

describe('panel model', () => {
  const ok = { externalId: 'c-1', name: '홍길동', channel: 'sms', contact: '+82 10-1234-5678', consentAt: '2026-01-01T00:00:00+09:00', consentPurpose: '설문', consentVersion: 'v1' };
  it('keeps no name and normalises the contact; masks it for display', () => {
    const c = checkMember(ok, NOW);
    expect(c.ok && c.value.label).toMatch(/^홍○○ #[0-9a-f]{4}$/);
    expect(c.ok && c.value.contact).toBe('01012345678');
    expect(JSON.stringify(c)).not.toContain('길동');
    expect(maskContact('sms', '01012345678')).toBe('010-****-5678');
    expect(maskContact('email', 'someone@example.com')).toBe('so***@example.com');
    expect(pseudonym(undefined, 'x')).toMatch(/^패널 #/);
    expect(pseudonym('Alice', 'x')).toMatch(/^A\*\*\* #/);
  });

  it('reports every problem of a member with its field and code', () => {
    const c = checkMember({ ...ok, contact: '123', status: 'withdrawn', extra: 1, consentVersion: undefined }, NOW);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.errors.map((e) => `${e.field}:${e.code}`).sort()).toEqual(['consentVersion:missing_field', 'contact:invalid_mobile', 'extra:unknown_field', 'status:invalid_status']);
  });

  it('checks campaigns and the status machine', () => {
    const bad = checkCampaign({ title: 'x', purpose: 'y', metrics: ['nps', 'wow'], sampleSize: 0, opensAt: '2026-12-02T00:00:00Z', closesAt: '2026-12-01T00:00:00Z' });
    expect(!bad.ok && bad.errors.map((e) => e.code).sort()).toEqual(['invalid_metrics', 'invalid_sample_size', 'invalid_window']);
    const good = checkCampaign({ title: 'x', purpose: 'y', metrics: ['csat', 'nps'], sampleSize: 5 });
    expect(good.ok && good.value).toMatchObject({ metrics: ['nps', 'csat'], stratifyBy: ['grade'] });
    const base = { opensAt: null, closesAt: '2026-12-01T00:00:00Z' };
    expect(transitionProblem({ ...base, status: 'draft' }, 'open', NOW)).toBeNull();
    expect(transitionProblem({ ...base, status: 'draft' }, 'closed', NOW)?.code).toBe('invalid_transition');
    expect(transitionProblem({ ...base, status: 'draft' }, 'scheduled', NOW)?.code).toBe('schedule_required');
    expect(transitionProblem({ ...base, status: 'closed' }, 'open', NOW)?.code).toBe('invalid_transition');
    expect(transitionProblem({ status: 'draft', opensAt: null, closesAt: '2026-11-01T00:00:00Z' }, 'open', NOW)?.code).toBe('schedule_in_past');
  });
});
