import { describe, expect, it } from 'vitest';
import { RadarError } from '../../src/core/errors.js';
import {
  checkPostInput, checkTransition, isRising, periodOf, riskOf, summarizeTopics, TRANSITIONS, VOS_STATUSES, type CountRow, type PostHit,
} from '../../src/vos/index.js';
import { ALL_POSTS, NO_TOPIC } from '../../src/vos/topics.js';
import { subscriptionWants } from '../../src/delivery/match.js';
import { postEventPayload } from '../../src/vos/service.js';
import type { VosPost } from '../../src/store/vos.js';

// The board's pure rules: the workflow table, input checks, what flags a post,
// periods in KST and the topic summary's arithmetic, with hand-computed values.

const code = (fn: () => unknown): string | null => {
  try { fn(); return null; } catch (e) { return e instanceof RadarError ? `${e.status} ${e.code}` : String(e); }
};

describe('moderation workflow', () => {
  it('allows exactly the moves in the table and answers 409 with what is allowed otherwise', () => {
    const allowed: string[] = [];
    for (const from of VOS_STATUSES) for (const to of VOS_STATUSES) if (code(() => checkTransition(from, to)) === null) allowed.push(`${from}>${to}`);
    expect(allowed.sort()).toEqual([
      'answered>hidden', 'hidden>in_review', 'in_review>answered', 'in_review>hidden', 'in_review>received', 'received>hidden', 'received>in_review',
    ]);
    try { checkTransition('received', 'answered'); } catch (e) { expect((e as RadarError).details).toEqual({ from: 'received', to: 'answered', allowed: [...TRANSITIONS.received] }); }
  });
});

describe('post input', () => {
  const now = Date.parse('2026-03-10T00:00:00Z');
  const ok = { externalId: 'x1', channel: 'homepage' as const, kind: 'complaint' as const, title: ' 제목 ', body: '내용' };
  it('trims, defaults the time to now, drops blank optional fields', () => {
    expect(checkPostInput({ ...ok, customerId: '  ', product: null }, now)).toMatchObject({ title: '제목', createdAt: '2026-03-10T00:00:00.000Z', customerId: null, product: null });
  });
  it('refuses blank text, bad Unicode, overlong text and posts from the future (5 minutes of clock drift allowed)', () => {
    expect(code(() => checkPostInput({ ...ok, title: '\n' }, now))).toBe('400 title_required');
    expect(code(() => checkPostInput({ ...ok, body: 'a\uFFFDb' }, now))).toBe('400 invalid_text');
    expect(code(() => checkPostInput({ ...ok, body: '가'.repeat(10_001) }, now))).toBe('400 text_too_long');
    expect(code(() => checkPostInput({ ...ok, createdAt: new Date(now + 4 * 60_000).toISOString() }, now))).toBeNull();
    expect(code(() => checkPostInput({ ...ok, createdAt: new Date(now + 6 * 60_000).toISOString() }, now))).toBe('400 created_in_future');
  });
});

describe('risk of a post', () => {
  const hit = (category: string, severity: number, negated = false): PostHit => ({
    field: 'body', ruleId: `r.${category}`, category, severity: severity as PostHit['severity'], start: 0, end: 1, match: 'x', term: 'x', negated, explanation: '',
  });
  it('counts only hits that were not negated; the highest severity wins', () => {
    expect(riskOf([hit('media', 4), hit('external_authority', 5, true), hit('complaint', 3)])).toEqual({ categories: ['complaint', 'media'], severity: 4 });
    expect(riskOf([hit('external_authority', 5, true)])).toEqual({ categories: [], severity: 0 });
  });
});

describe('periods (KST days)', () => {
  it('defaults to the 30 days ending today in Korea, with the 30 days before', () => {
    // 2026-03-10 16:00 UTC is already 03-11 in Korea.
    const p = periodOf(undefined, undefined, Date.parse('2026-03-10T16:00:00Z'));
    expect([p.from, p.to, p.days.length, p.previousFrom, p.previousTo]).toEqual(['2026-02-10', '2026-03-11', 30, '2026-01-11', '2026-02-09']);
    expect(new Date(p.splitMs).toISOString()).toBe('2026-02-09T15:00:00.000Z');
    expect(new Date(p.endMs).toISOString()).toBe('2026-03-11T15:00:00.000Z');
  });
  it('refuses impossible dates, reversed and overlong periods', () => {
    expect(code(() => periodOf('2026-02-30', '2026-03-01', 0))).toBe('400 invalid_period');
    expect(code(() => periodOf('2026-03-02', '2026-03-01', 0))).toBe('400 invalid_period');
    expect(code(() => periodOf('2024-01-01', '2026-03-01', 0))).toBe('400 invalid_period');
    expect(periodOf('2026-03-01', '2026-03-01', 0).days).toEqual(['2026-03-01']);
  });
});

describe('topic summary', () => {
  it('rising needs the minimum and 1.5× the previous period', () => {
    expect([isRising(3, 0), isRising(2, 0), isRising(3, 2), isRising(6, 4), isRising(5, 4), isRising(4, 4)]).toEqual([true, false, true, true, false, false]);
  });
  it('adds up days and kinds, puts earlier days in the previous period, keeps topics gone from the dictionary', () => {
    const p = periodOf('2026-03-08', '2026-03-10', 0);
    const rows: CountRow[] = [
      { day: '2026-03-08', kind: 'complaint', topicId: 'payment_error', n: 2 },
      { day: '2026-03-10', kind: 'question', topicId: 'payment_error', n: 1 },
      { day: '2026-03-06', kind: 'complaint', topicId: 'payment_error', n: 1 },
      { day: '2026-03-04', kind: 'complaint', topicId: 'payment_error', n: 9 }, // before the previous period: ignored
      { day: '2026-03-09', kind: 'praise', topicId: 'old_topic', n: 1 },
      { day: '2026-03-08', kind: 'complaint', topicId: ALL_POSTS, n: 2 },
      { day: '2026-03-09', kind: 'praise', topicId: ALL_POSTS, n: 3 },
      { day: '2026-03-10', kind: 'question', topicId: ALL_POSTS, n: 1 },
      { day: '2026-03-09', kind: 'praise', topicId: NO_TOPIC, n: 2 },
    ];
    const s = summarizeTopics(p, rows, [{ id: 'credit_limit', label: '한도', labelEn: 'Limit' }, { id: 'payment_error', label: '결제 오류', labelEn: 'Payment' }]);
    expect(s.topics.map((t) => [t.id, t.count, t.previous, t.change, t.rising])).toEqual([
      ['payment_error', 3, 1, 2, true], ['old_topic', 1, 0, null, false], ['credit_limit', 0, 0, null, false],
    ]);
    expect(s.topics[0]!.series).toEqual([2, 0, 1]);
    expect(s.topics[0]!.byKind).toEqual({ complaint: 2, suggestion: 0, question: 1, praise: 0 });
    expect(s.posts).toMatchObject({ count: 6, series: [2, 3, 1] });
    expect([s.untagged, s.rising]).toEqual([2, ['payment_error']]);
  });
});

describe('outbox payload and subscription filters', () => {
  const post = (severity: number, categories: string[]) => ({
    id: 'p1', ref: 'VOS-000001', externalId: 'web-1', channel: 'homepage', kind: 'complaint', title: '제목', status: 'received', customerId: null, product: null,
    postedAt: '2026-03-01T00:00:00.000Z', categories, severity, topics: [], answer: null, answeredAt: null, caseId: null, caseRef: null, updatedAt: '2026-03-01T00:00:00.000Z',
  }) as unknown as VosPost;
  const sub = (minSeverity: number | null, categories: string[] = []) => ({ eventTypes: ['vos.post.*'], minSeverity, categories, enabled: true });
  it('a minimum severity or a category list lets flagged posts through and keeps unflagged ones out', () => {
    const flagged = { type: 'vos.post.created', payload: postEventPayload(post(5, ['external_authority']), { change: 'created' }) };
    const plain = { type: 'vos.post.created', payload: postEventPayload(post(0, []), { change: 'created' }) };
    expect([subscriptionWants(sub(null), flagged), subscriptionWants(sub(null), plain)]).toEqual([true, true]);
    expect([subscriptionWants(sub(4), flagged), subscriptionWants(sub(4), plain)]).toEqual([true, false]);
    expect(subscriptionWants(sub(null, ['media']), flagged)).toBe(false);
    expect(subscriptionWants(sub(null, ['external_authority']), flagged)).toBe(true);
    expect(subscriptionWants({ ...sub(null), eventTypes: ['case.*'] }, flagged)).toBe(false);
  });
});
