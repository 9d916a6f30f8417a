import { describe, expect, it } from 'vitest';
import { afterFailure, backoffDelay, parseRetryAfter } from '../../src/delivery/backoff.js';
import { eventFacts, subscriptionWants, typeMatches } from '../../src/delivery/match.js';
import { mailContent, slackBody, summarize, teamsBody, webhookBody } from '../../src/delivery/messages.js';
import { signPayload, verifySignature } from '../../src/delivery/signature.js';
import { buildMessage, encodeHeaderText } from '../../src/delivery/smtp.js';
import { maskTarget, normalizeTarget } from '../../src/delivery/validate.js';
import { settlement } from '../../src/delivery/worker.js';
import { parseMail } from './receivers.js';

const alertEvent = {
  seq: 42,
  type: 'alert.created',
  subjectId: 'a1',
  createdAt: '2025-01-02T03:04:05.000Z',
  payload: {
    alert: { id: 'a1', callId: 'call-7', category: 'external_authority', severity: 5, match: '금융감독원에', speaker: 'customer' },
    call: { id: 'call-7', riskScore: 60, escalated: false },
  },
};

const sub = (o: Partial<{ eventTypes: string[]; minSeverity: number | null; categories: string[]; enabled: boolean }> = {}) => ({
  eventTypes: ['alert.created'], minSeverity: null, categories: [], enabled: true, ...o,
});

describe('matching events to subscriptions', () => {
  it('matches exact types, prefixes and *', () => {
    expect(typeMatches('alert.created', 'alert.created')).toBe(true);
    expect(typeMatches('alert.created', 'alert.updated')).toBe(false);
    expect(typeMatches('case.*', 'case.created')).toBe(true);
    expect(typeMatches('case.*', 'cases.created')).toBe(false);
    expect(typeMatches('case.*', 'case')).toBe(false);
    expect(typeMatches('*', 'early_warning')).toBe(true);
  });

  it('reads severity and categories wherever the event keeps them', () => {
    expect(eventFacts(alertEvent.payload)).toEqual({ severity: 5, categories: ['external_authority'] });
    expect(eventFacts({ call: {}, categories: ['legal', 'media'] })).toEqual({ severity: null, categories: ['legal', 'media'] });
    expect(eventFacts({ case: { severity: 3, category: 'complaint' } })).toEqual({ severity: 3, categories: ['complaint'] });
    expect(eventFacts(null)).toEqual({ severity: null, categories: [] });
  });

  it('applies minimum severity, categories and the enabled flag', () => {
    expect(subscriptionWants(sub(), alertEvent)).toBe(true);
    expect(subscriptionWants(sub({ enabled: false }), alertEvent)).toBe(false);
    expect(subscriptionWants(sub({ minSeverity: 5 }), alertEvent)).toBe(true);
    expect(subscriptionWants(sub({ minSeverity: 5 }), { ...alertEvent, payload: { alert: { severity: 4, category: 'legal' } } })).toBe(false);
    expect(subscriptionWants(sub({ categories: ['media'] }), alertEvent)).toBe(false);
    expect(subscriptionWants(sub({ categories: ['media', 'external_authority'] }), alertEvent)).toBe(true);
    expect(subscriptionWants(sub({ eventTypes: ['call.escalated'] }), alertEvent)).toBe(false);
  });

  it('lets events without a severity or category through those filters', () => {
    const briefing = { type: 'briefing.daily', payload: { date: '2025-01-02' } };
    expect(subscriptionWants(sub({ eventTypes: ['briefing.*'], minSeverity: 4, categories: ['legal'] }), briefing)).toBe(true);
  });
});

describe('retry timing', () => {
  const policy = { baseMs: 1000, capMs: 60_000, maxAttempts: 5 };

  it('full jitter stays between 0 and min(cap, base·2^(n−1))', () => {
    expect(backoffDelay(1, policy, () => 0.999)).toBe(999);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(2000);
    expect(backoffDelay(30, policy, () => 0.999)).toBe(59_940);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('goes dead at the maximum and honours Retry-After within the cap', () => {
    expect(afterFailure(5, policy, undefined)).toEqual({ dead: true });
    expect(afterFailure(1, policy, 30_000, () => 0)).toEqual({ dead: false, delayMs: 30_000 });
    expect(afterFailure(1, policy, 3_600_000, () => 0)).toEqual({ dead: false, delayMs: 60_000 });
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('settles: delivered, retry, dead, and dead at once when the event is gone', () => {
    const cfg = { retry: { baseMs: 10, capMs: 10, maxAttempts: 3 } };
    const ok = { ok: true, status: 200, error: null };
    const bad = { ok: false, status: 500, error: 'HTTP 500' };
    expect(settlement({ attempt: 1, event: alertEvent }, ok, cfg)).toEqual({ status: 'delivered' });
    expect(settlement({ attempt: 2, event: alertEvent }, bad, cfg).status).toBe('pending');
    expect(settlement({ attempt: 3, event: alertEvent }, bad, cfg)).toEqual({ status: 'dead' });
    expect(settlement({ attempt: 1, event: null }, bad, cfg)).toEqual({ status: 'dead' });
  });
});

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = webhookBody(alertEvent);

  it('signs timestamp.body with HMAC-SHA256 and a receiver can verify it', () => {
    const sig = signPayload(secret, 1_700_000_000, body);
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, sig, '1700000000', body, { nowSec: 1_700_000_010 })).toBe(true);
  });

  it('refuses a changed body, another secret, an old timestamp', () => {
    const sig = signPayload(secret, 1_700_000_000, body);
    expect(verifySignature(secret, sig, '1700000000', body.replace('call-7', 'call-8'), { nowSec: 1_700_000_000 })).toBe(false);
    expect(verifySignature('whsec_other', sig, '1700000000', body, { nowSec: 1_700_000_000 })).toBe(false);
    expect(verifySignature(secret, sig, '1700000000', body, { nowSec: 1_700_001_000 })).toBe(false);
    expect(verifySignature(secret, sig, '1700000001', body, { nowSec: 1_700_000_000 })).toBe(false);
  });

  it('accepts any of several signatures (secret rotation on the receiver side)', () => {
    const sig = signPayload(secret, 1_700_000_000, body);
    expect(verifySignature(secret, `v1=${'0'.repeat(64)}, ${sig}`, '1700000000', body, { nowSec: 1_700_000_000 })).toBe(true);
  });
});

describe('messages', () => {
  it('webhook envelope: id evt_<seq>, type, createdAt, data', () => {
    expect(JSON.parse(webhookBody(alertEvent))).toEqual({ id: 'evt_42', type: 'alert.created', createdAt: alertEvent.createdAt, data: alertEvent.payload });
  });

  it('summarises in Korean with category, severity, matched text, call and a console link', () => {
    const s = summarize(alertEvent, 'https://radar.example.local/');
    expect(s.title).toContain('민원 위험 알림');
    expect(s.facts).toContainEqual(['유형 (Category)', '대외기관 민원 (금감원 등)']);
    expect(s.facts).toContainEqual(['심각도 (Severity)', '5/5']);
    expect(s.facts).toContainEqual(['감지 발화 (Matched)', '“금융감독원에”']);
    expect(s.facts).toContainEqual(['통화 (Call)', 'call-7']);
    expect(s.link).toBe('https://radar.example.local/calls/call-7');
  });

  it('Slack text escapes markup; Teams carries an Adaptive Card', () => {
    const evil = { ...alertEvent, payload: { alert: { ...alertEvent.payload.alert, match: '<!channel> & co' } } };
    const slack = JSON.parse(slackBody(evil, null));
    expect(slack.text).toContain('&lt;!channel&gt; &amp; co');
    expect(slack.text).not.toContain('<!channel>');
    const teams = JSON.parse(teamsBody(alertEvent, 'https://radar.example.local'));
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0].content.actions[0].url).toBe('https://radar.example.local/calls/call-7');
  });

  it('mail subject and body in Korean', () => {
    const m = mailContent(alertEvent, null);
    expect(m.subject).toBe('[민원 레이더] 민원 위험 알림 — 대외기관 민원 (금감원 등) (심각도 5/5)');
    expect(m.text).toContain('통화 (Call): call-7');
    expect(m.text).toContain('evt_42');
  });

  it('a case status change names the case, both statuses and links to the case', () => {
    const e = {
      seq: 9, type: 'case.status_changed', subjectId: 'k1', createdAt: '',
      payload: {
        case: { id: 'k1', ref: 'C-2026-000123', title: '결제 오류 반복 문의', status: 'in_progress', severity: 4, category: 'complaint', assigneeName: '김담당', dueAt: '2026-12-01T09:00:00.000Z', overdue: true },
        change: 'status_changed', details: { from: 'assigned', to: 'in_progress' }, by: 'officer1',
      },
    };
    const s = summarize(e, 'https://radar.example.local');
    expect(s.title).toContain('상태 변경');
    expect(s.facts).toContainEqual(['사례 (Case)', 'C-2026-000123']);
    expect(s.facts).toContainEqual(['상태 (Status)', '배정 → 처리중']);
    expect(s.facts).toContainEqual(['처리 기한 (Due)', '2026-12-01 (기한 초과)']);
    expect(s.facts).toContainEqual(['심각도 (Severity)', '4/5']);
    expect(s.link).toBe('https://radar.example.local/cases/k1');
    expect(mailContent(e, null).subject).toContain('민원 사례 상태 변경');
  });

  it('a voice-of-customer answer names the post, its status and category, and links to it on the board', () => {
    const e = {
      seq: 11, type: 'vos.post.answered', subjectId: 'p1', createdAt: '',
      payload: {
        post: { id: 'p1', ref: 'VOS-2026-000042', title: '카드 배송이 늦어요', status: 'answered', categories: ['external_authority'], severity: 5 },
        title: '카드 배송이 늦어요', severity: 5, categories: ['external_authority'], change: 'answered', by: 'officer1',
      },
    };
    const s = summarize(e, 'https://radar.example.local');
    expect(s.title).toContain('고객의 소리 답변');
    expect(s.facts).toContainEqual(['게시글 (Post)', 'VOS-2026-000042']);
    expect(s.facts).toContainEqual(['상태 (Status)', '답변 완료']);
    expect(s.facts).toContainEqual(['심각도 (Severity)', '5/5']);
    expect(s.link).toBe('https://radar.example.local/vos/p1');
  });

  it('a later event type without alert data still gets a readable message', () => {
    const s = summarize({ seq: 1, type: 'panel.survey_closed', subjectId: 's1', createdAt: '', payload: { title: '고객 패널 설문 마감' } }, null);
    expect(s.title).toContain('panel.survey_closed');
    expect(s.facts).toContainEqual(['제목 (Title)', '고객 패널 설문 마감']);
  });
});

describe('mail encoding', () => {
  it('encodes Korean headers as RFC 2047 words that decode back', () => {
    const long = '민원 위험 알림 — 대외기관 민원 (금감원 등) (심각도 5/5) 아주 긴 제목입니다';
    const enc = encodeHeaderText(long);
    expect(enc).toMatch(/^=\?UTF-8\?B\?/);
    for (const word of enc.split('\r\n ')) expect(word.length).toBeLessThanOrEqual(75);
    expect(encodeHeaderText('plain ascii')).toBe('plain ascii');
    const mail = buildMessage('민원 레이더 <radar@site.test>', { to: ['a@site.test'], subject: long, text: '.첫 줄\n둘째 줄', messageId: '<m@x>' });
    const parsed = parseMail(mail.replace(/^\.\./gm, '.'));
    expect(parsed.headers.subject).toBe(long);
    expect(parsed.headers.from).toBe('민원 레이더 <radar@site.test>');
    expect(parsed.text).toBe('.첫 줄\r\n둘째 줄');
  });
});

describe('subscription targets', () => {
  it('normalises e-mail lists and refuses bad addresses or non-http URLs', () => {
    expect(normalizeTarget('email', ' a@x.test; b@y.test,a@x.test ')).toBe('a@x.test, b@y.test');
    expect(() => normalizeTarget('email', 'not-an-address')).toThrow(/e-mail/);
    expect(() => normalizeTarget('webhook', 'ftp://x.test/')).toThrow(/http/);
    expect(() => normalizeTarget('slack', 'nope')).toThrow(/URL/);
    expect(normalizeTarget('webhook', 'https://vom.test/hook')).toBe('https://vom.test/hook');
  });

  it('masks credential URLs', () => {
    expect(maskTarget('slack', 'https://hooks.slack.test/services/T1/B2/abcdefgh')).toBe('https://hooks.slack.test/…efgh');
    expect(maskTarget('webhook', 'https://u:p@vom.test/hook?token=1')).toBe('https://vom.test/hook?…');
  });
});
