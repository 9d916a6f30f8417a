import { describe, expect, it } from 'vitest';
import { CLOSED, cooldownFor, onFailure, phaseOf, type BreakerPolicy, type CircuitState } from '../../src/delivery/breaker.js';
import { mailContent, slackBody, teamsBody, testEvent, webhookBody } from '../../src/delivery/messages.js';

const policy: BreakerPolicy = { failures: 3, cooldownMs: 1_000, cooldownCapMs: 5_000 };

describe('circuit breaker transitions', () => {
  it('opens after N consecutive failures, not before', () => {
    let s: CircuitState = CLOSED;
    for (let i = 1; i < 3; i++) {
      const t = onFailure(s, 100, policy);
      expect(t.event).toBeNull();
      expect(phaseOf(t.next, 100)).toBe('closed');
      s = t.next;
    }
    const t = onFailure(s, 100, policy);
    expect(t.event).toBe('opened');
    expect(t.next).toEqual({ consecutiveFailures: 3, trips: 1, openedAt: 100, openUntil: 1_100 });
    expect(phaseOf(t.next, 1_099)).toBe('open');
    expect(phaseOf(t.next, 1_100)).toBe('half_open');
  });

  it('a failure while open (a send already in flight) is counted but does not stretch the cool-down', () => {
    const open: CircuitState = { consecutiveFailures: 3, trips: 1, openedAt: 100, openUntil: 1_100 };
    const t = onFailure(open, 500, policy);
    expect(t.event).toBeNull();
    expect(t.next).toEqual({ ...open, consecutiveFailures: 4 });
  });

  it('a failed probe (half-open) opens it again with the cool-down doubled, up to the cap', () => {
    let s: CircuitState = { consecutiveFailures: 3, trips: 1, openedAt: 0, openUntil: 1_000 };
    const lengths: number[] = [];
    for (let i = 0; i < 5; i++) {
      const now = s.openUntil!;
      const t = onFailure(s, now, policy);
      expect(t.event).toBe('reopened');
      lengths.push(t.next.openUntil! - now);
      s = t.next;
    }
    expect(lengths).toEqual([2_000, 4_000, 5_000, 5_000, 5_000]);
    expect(s.trips).toBe(6);
    expect(s.consecutiveFailures).toBe(8);
  });

  it('cool-down: base × 2^(trips−1), capped; failures = 0 turns the breaker off', () => {
    expect([1, 2, 3, 4].map((n) => cooldownFor(n, policy))).toEqual([1_000, 2_000, 4_000, 5_000]);
    expect(cooldownFor(1_000, policy)).toBe(5_000);
    let s = CLOSED;
    for (let i = 0; i < 50; i++) s = onFailure(s, 0, { ...policy, failures: 0 }).next;
    expect(phaseOf(s, 0)).toBe('closed');
    expect(s.consecutiveFailures).toBe(50);
    // Turned off while a circuit was open: the next failure closes it instead of leaving it stuck.
    const leftOver: CircuitState = { consecutiveFailures: 7, trips: 2, openedAt: 0, openUntil: 1_000 };
    expect(onFailure(leftOver, 5_000, { ...policy, failures: 0 }).next).toEqual({ consecutiveFailures: 8, trips: 0, openedAt: null, openUntil: null });
  });
});

describe('test message', () => {
  const e = testEvent({ id: 'evt_test_abc', subscription: { id: 'sub-1', name: 'VOM' }, requestedBy: 'admin', now: new Date('2025-01-02T03:04:05Z') });

  it('is a clearly marked test event with its own id, never an outbox seq', () => {
    const body = JSON.parse(webhookBody(e));
    expect(body).toMatchObject({ id: 'evt_test_abc', type: 'test', createdAt: '2025-01-02T03:04:05.000Z' });
    expect(body.data.test).toBe(true);
    expect(body.data.message).toContain('테스트');
    expect(body.data.message).toContain('test message');
    expect(body.data.subscription).toEqual({ id: 'sub-1', name: 'VOM' });
  });

  it('says it is a test in Slack, Teams and e-mail, in Korean and English', () => {
    const slack = JSON.parse(slackBody(e, 'https://radar.test')).text as string;
    expect(slack).toContain('연결 테스트 (Test message)');
    expect(slack).toContain('실제 알림이 아니');
    expect(slack).toContain('evt_test_abc');
    const card = JSON.parse(teamsBody(e, null)).attachments[0].content;
    expect(card.body[0].text).toContain('연결 테스트');
    expect(card.body[1].facts[0].value).toContain('not a real alert');
    const mail = mailContent(e, null);
    expect(mail.subject).toBe('[민원 레이더] 연결 테스트 (Test message)');
    expect(mail.text).toContain('이벤트 evt_test_abc · test');
  });
});
