import { describe, expect, it } from 'vitest';
import { compileTopicSet, findMentions, loadTopicSet } from '../../src/analytics/early-warning/topics.js';
import { RadarError } from '../../src/core/errors.js';
import { subscriptionWants } from '../../src/delivery/match.js';
import { mailContent, slackBody, summarize } from '../../src/delivery/messages.js';
import type { OutboxEvent } from '../../src/delivery/types.js';

// The bundled topic dictionary (matched by the detection engine) and how
// early-warning events read in notifications and pass subscription filters.

const set = loadTopicSet();
const topicsOf = (text: string, speaker: 'customer' | 'agent' = 'customer') =>
  findMentions(set, [{ id: 'u1', callId: 'c1', speaker, startMs: 0, endMs: 1000, text, final: true, at: 0 }]).map((m) => m.topicId).sort();

describe('bundled issue topics', () => {
  it.each([
    ['결제오류가 계속 나요', 'payment_error'],
    ['카드 결재 오류가 났어요', 'payment_error'], // STT near miss (결재)
    ['승인이 거절됐다고 떠요', 'payment_error'],
    ['결제가 두번 됐어요', 'duplicate_charge'],
    ['같은 금액이 이중으로 청구됐네요', 'duplicate_charge'],
    ['앱이 먹통이에요 로그인이 안돼요', 'app_login'],
    ['카드를 잃어버렸어요', 'lost_stolen_fraud'],
    ['제가 안 쓴 결제가 있어요', 'lost_stolen_fraud'],
    ['한도가 갑자기 줄었어요', 'credit_limit'],
    ['포인트 적립이 안 됐어요', 'points_benefits'],
    ['카드가 아직 안 왔어요', 'card_delivery'],
    ['명세서가 잘못 나왔어요', 'statement_error'],
    ['해외결제 수수료가 너무 나왔어요', 'overseas_payment'],
    ['자동이체가 안 됐대요', 'auto_transfer'],
  ])('%s → %s', (text, topic) => {
    expect(topicsOf(text)).toContain(topic);
  });

  it('ignores small talk, agents\' scripts and negated mentions', () => {
    expect(topicsOf('안녕하세요 상담원입니다 무엇을 도와드릴까요')).toEqual([]);
    expect(topicsOf('결제 오류 건으로 연락드렸습니다', 'agent')).toEqual([]);
    expect(topicsOf('결제 오류는 아니고요 그냥 문의예요')).toEqual([]);
  });

  it('counts a call once per topic, at its first mention', () => {
    const m = findMentions(set, [
      { id: 'u2', callId: 'c9', speaker: 'customer', startMs: 9000, endMs: 9500, text: '또 결제 오류가 났어요', final: true, at: 2000 },
      { id: 'u1', callId: 'c9', speaker: 'customer', startMs: 1000, endMs: 1500, text: '결제 오류가 나요', final: true, at: 1000 },
    ]);
    expect(m).toEqual([{ topicId: 'payment_error', callId: 'c9', utteranceId: 'u1', at: 1000 }]);
  });
});

describe('topic set validation', () => {
  const problems = (doc: unknown) => {
    try {
      compileTopicSet(doc);
    } catch (err) {
      expect(err).toBeInstanceOf(RadarError);
      expect((err as RadarError).code).toBe('invalid_topic_set');
      return ((err as RadarError).details!.issues as { path: string }[]).map((i) => i.path);
    }
    throw new Error('expected the topic set to be refused');
  };

  it('names each problem with its path', () => {
    expect(problems({ version: 1, topics: [] })).toEqual(['$.topics']);
    expect(problems({ version: 1, topics: [{ id: 'A b', label: '', terms: [] }] })).toEqual(['$.topics[0].id', '$.topics[0].label', '$.topics[0].terms']);
    expect(problems({ version: 1, topics: [{ id: 'x', label: '엑스', terms: ['가나다'] }, { id: 'x', label: '엑스', terms: ['라마바'], speakers: ['robot'] }] }))
      .toEqual(['$.topics[1].id', '$.topics[1].speakers']);
    expect(problems({ version: 1, topics: [{ id: 'x', label: '엑스', terms: ['!!!'] }] })[0]).toMatch(/^\$\.topics\[0\]\.terms\[0\]/);
  });
});

describe('early-warning events in notifications', () => {
  const event = (type: string, severity = 3): OutboxEvent => ({
    seq: 41, type, subjectId: 'w-1', createdAt: '2026-11-26T01:00:00.000Z',
    payload: { change: type.split('.')[1], warning: { id: 'w-1', topicId: 'payment_error', topicLabel: '결제 오류·승인 거절', status: 'open', severity, calls: 14, baseline: 1.234, windowMinutes: 30, raisedAt: '2026-11-26T00:55:00.000Z' } },
  });

  it('reads as a Korean summary with the topic, calls against the expectation and a console link', () => {
    const s = summarize(event('early_warning.raised'), 'https://radar.example');
    expect(s.title).toContain('조기 경보 발생');
    expect(s.facts).toEqual(expect.arrayContaining([
      ['이슈 (Issue)', '결제 오류·승인 거절'],
      ['최근 통화 (Calls)', '14건 / 30분 · 평소 1.2건 예상 (expected)'],
      ['발생 (Since)', '2026-11-26 09:55 KST'],
      ['심각도 (Severity)', '3/5'],
    ]));
    expect(s.link).toBe('https://radar.example/early-warnings/w-1');
    expect(mailContent(event('early_warning.resolved'), null).subject).toBe('[민원 레이더] 조기 경보 해소 (Early warning resolved) — 결제 오류·승인 거절 (심각도 3/5)');
    expect(JSON.parse(slackBody(event('early_warning.updated'), null)).text).toContain('조기 경보 확대');
  });

  it('subscriptions select them by type; the severity filter uses the warning\'s severity; categories do not apply', () => {
    const sub = { enabled: true, eventTypes: ['early_warning.*'], minSeverity: null, categories: [] as string[] };
    expect(subscriptionWants(sub, event('early_warning.raised'))).toBe(true);
    expect(subscriptionWants({ ...sub, eventTypes: ['alert.*', 'case.*'] }, event('early_warning.raised'))).toBe(false);
    expect(subscriptionWants({ ...sub, minSeverity: 4 }, event('early_warning.raised', 3))).toBe(false);
    expect(subscriptionWants({ ...sub, minSeverity: 4 }, event('early_warning.raised', 4))).toBe(true);
    expect(subscriptionWants({ ...sub, categories: ['external_authority'] }, event('early_warning.raised'))).toBe(true);
  });
});
