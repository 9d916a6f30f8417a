import { describe, expect, it } from 'vitest';
import type { Hit, Speaker, Utterance } from '../../src/core/types.js';
import { RadarError } from '../../src/core/errors.js';
import { checkRuleSet, compileRuleSet, createDefaultEngine, loadDefaultRuleSet, parseRuleSetText, testSentence } from '../../src/detect/index.js';
import type { CallContext, RadarEngine } from '../../src/detect/index.js';

const engine = createDefaultEngine();
const alerts = (text: string, speaker: Speaker = 'customer') => testSentence(engine, text, { speaker }).filter((h) => !h.negated);
const rulesOf = (hits: Hit[]) => [...new Set(hits.map((h) => h.ruleId))].sort();

let seq = 0;
function utt(text: string, o: Partial<Utterance> = {}): Utterance {
  seq++;
  return { id: o.id ?? `u${seq}`, callId: 'c', speaker: 'customer', startMs: 0, endMs: 0, final: true, text, ...o };
}

describe('default dictionary: matching', () => {
  it('maps spans back to the original text, across spacing', () => {
    const [h] = testSentence(engine, '제가  금융 감독원에 갈게요');
    expect(h.ruleId).toBe('external_authority.fss');
    expect(h.match).toBe('금융 감독원');
    expect('제가  금융 감독원에 갈게요'.slice(h.start, h.end)).toBe('금융 감독원');
    expect(h.distance).toBe(0);
  });

  it('matches FSS through transliteration', () => {
    expect(alerts('FSS에 신고할 겁니다').map((h) => h.match)).toContain('FSS');
  });

  it('tolerates jamo-level STT errors and reports the distance', () => {
    const [h] = alerts('금감언에 연락할 거예요');
    expect(h.ruleId).toBe('external_authority.fss');
    expect(h.match).toBe('금감언');
    expect(h.term).toBe('금감원');
    expect(h.distance).toBe(0.5);
    expect(alerts('근융감독원에 전화할게요')[0].match).toBe('근융감독원');
  });

  it('respects word boundaries and exceptions (기자재 is not 기자)', () => {
    expect(alerts('기자재 구매 할부 되나요')).toEqual([]);
    expect(alerts('전기자동차 충전 요금이요')).toEqual([]);
    expect(rulesOf(alerts('기자한테 얘기할 거예요'))).toEqual(['media.press']);
  });

  it('uses context to reject false friends', () => {
    expect(alerts('신문 구독료가 두 번 빠졌어요')).toEqual([]);
    expect(alerts('경찰청 앞 가맹점에서 결제했는데요')).toEqual([]);
    expect(alerts('소송 비용 결제 문의드려요')).toEqual([]);
    expect(alerts('카드 분실 신고하려고요')).toEqual([]);
    expect(alerts('지갑을 잃어버려서 신고하려고요')).toEqual([]);
    expect(alerts('자동이체 해지해 주세요')).toEqual([]);
    // the same weak terms with intent do alert
    expect(rulesOf(alerts('경찰에 신고할 거예요'))).toContain('external_authority.police');
    expect(rulesOf(alerts('신문에 낼 겁니다'))).toEqual(['media.press_weak']);
  });

  it('applies the speaker filter: agent explanations never alert', () => {
    expect(alerts('금감원에 민원 넣으실 수 있습니다', 'agent')).toEqual([]);
    expect(alerts('금감원에 민원 넣을 거예요', 'customer').length).toBeGreaterThan(0);
  });

  it('marks negated and hypothetical hits', () => {
    for (const s of ['금감원까지 갈 생각은 없고요', '소송하려는 건 아니고요', '해지하진 않을게요', '민원 넣으면 어떻게 되나요?']) {
      const hits = testSentence(engine, s);
      expect(hits.length, s).toBeGreaterThan(0);
      expect(hits.every((h) => h.negated), s).toBe(true);
    }
  });

  it('keeps negation inside its clause and lets 수밖에 없 cancel it', () => {
    const hits = testSentence(engine, '소송은 안 할 거예요. 근데 금감원엔 넣을 겁니다');
    expect(hits.find((h) => h.ruleId === 'legal.lawsuit')?.negated).toBe(true);
    expect(hits.find((h) => h.ruleId === 'external_authority.fss')?.negated).toBe(false);
    expect(testSentence(engine, '금감원에 민원 넣을 수밖에 없네요').every((h) => !h.negated)).toBe(true);
  });
});

describe('overlapping rules', () => {
  it('a superseding rule replaces the weaker one on the same phrase (one alert for 민원 넣을)', () => {
    const hits = alerts('금감원에 민원 넣을 거예요');
    expect(rulesOf(hits)).toEqual(['complaint.file_strong', 'external_authority.fss']);
    // the weaker rule still fires on its own
    expect(rulesOf(alerts('클레임 걸 거예요'))).toEqual(['complaint.file']);
  });

  it('supersedes is per span: the weaker rule keeps hits elsewhere in the utterance', () => {
    const e = compileRuleSet({
      version: 1,
      rules: [
        { id: 'x.weak', category: 'x', severity: 2, terms: ['민원'] },
        { id: 'x.strong', category: 'x', severity: 4, terms: ['민원 넣*'], supersedes: ['x.weak'] },
      ],
    });
    const hits = testSentence(e, '민원 넣을게요 그리고 민원 하나 더요');
    expect(hits.map((h) => `${h.ruleId}:${h.match}`)).toEqual(['x.weak:민원', 'x.strong:민원 넣']);
  });

  it('reporting to the regulator is not a press threat (금감원에 제보)', () => {
    expect(rulesOf(alerts('금감원에 제보할 거예요'))).toEqual(['external_authority.fss']);
    expect(rulesOf(alerts('금융감독원에다 제보하겠습니다'))).toEqual(['external_authority.fss']);
    expect(rulesOf(alerts('기자한테 제보할 거예요'))).toEqual(['media.press']);
    expect(rulesOf(alerts('여기저기 제보할 거예요'))).toEqual(['media.press']);
    expect(alerts('언론사에 제보하겠습니다').map((h) => h.ruleId)).toEqual(['media.press', 'media.press']);
  });

  it('신문고 is not 신문 (media)', () => {
    expect(rulesOf(alerts('신문고에 민원 넣을게요'))).toEqual(['complaint.file_strong', 'external_authority.sinmungo']);
  });
});

describe('per-call state', () => {
  it('catches a phrase split across two utterances of the same speaker', () => {
    const call = engine.openCall({ callId: 'c' });
    expect(call.push(utt('이러시면 금융'))).toEqual([]);
    const hits = call.push(utt('감독원에 갈 거예요'));
    expect(hits[0].ruleId).toBe('external_authority.fss');
    expect(hits[0].match).toBe('금융 감독원');
    expect(hits[0].start).toBe(0);
    expect(hits[0].end).toBe(3);
    expect(hits[0].explanation).toMatch(/continues from utterance/);
  });

  it('does not join utterances of different speakers or after a long pause', () => {
    const call = engine.openCall({ callId: 'c' });
    call.push(utt('금융', { speaker: 'agent' }));
    expect(call.push(utt('감독원 말씀이세요?'))).toHaveLength(1); // 감독원 alone is an alias
    const call2 = engine.openCall({ callId: 'c2' });
    call2.push(utt('다른 카드', { startMs: 0, endMs: 1000 }));
    expect(call2.push(utt('사로 옮길게요', { startMs: 20_000, endMs: 21_000 }))).toEqual([]);
  });

  it('does not raise the same hit twice when the next utterance repeats the tail', () => {
    const call = engine.openCall({ callId: 'c' });
    expect(call.push(utt('금감원에 신고할 거예요')).length).toBeGreaterThan(0);
    const again = call.push(utt('진짜로요'));
    expect(again).toEqual([]);
  });

  it('gives provisional hits on partials and confirms them on the final', () => {
    const call = engine.openCall({ callId: 'c' });
    const p = call.push(utt('금감원에 민원', { id: 'x', final: false }));
    expect(p.length).toBeGreaterThan(0);
    expect(p.every((h) => h.provisional)).toBe(true);
    const f = call.push(utt('금감원에 민원 넣을게요', { id: 'x', final: true }));
    expect(f.some((h) => h.ruleId === 'external_authority.fss' && !h.provisional)).toBe(true);
    // a partial whose final drops the phrase leaves nothing behind
    const p2 = call.push(utt('소송', { id: 'y', final: false }));
    expect(p2.some((h) => h.ruleId === 'legal.lawsuit')).toBe(true);
    expect(call.push(utt('소비자 혜택 문의요', { id: 'y', final: true }))).toEqual([]);
  });
});

function mini(rules: unknown[], extra: Record<string, unknown> = {}): RadarEngine {
  return compileRuleSet({ version: 7, cues: { intent: ['할거', '하겠'] }, rules, ...extra });
}
const R = (id: string, match: unknown, more: Record<string, unknown> = {}) => ({ id, category: id.split('.')[0], severity: 3, match, ...more });

describe('composite rules', () => {
  const e = mini([
    { id: 'a.ext', category: 'a', severity: 5, terms: ['금감원'] },
    { id: 'a.legal', category: 'a', severity: 4, terms: ['소송'] },
    R('c.all', { all: ['금감원', '소송'] }),
    R('c.any', { any: ['공정위', '권익위'] }),
    R('c.not', { all: ['변호사', { not: '상담' }] }),
    R('c.near', { near: ['민원', { cue: 'intent' }], within: 4 }),
    R('c.notnear', { notNear: ['신문', { terms: ['구독료'] }], within: 3 }),
    R('c.then', { then: [{ rule: 'a.legal' }, { rule: 'a.ext' }], withinSec: 60 }),
    R('c.count', { count: '바보', atLeast: 3, withinSec: 60 }),
    R('c.repeat', { all: ['또 전화', { repeatContact: { withinDays: 7, categories: ['a'] } }] }),
  ]);
  const one = (text: string) => rulesOf(testSentence(e, text));

  it('exposes version and rule metadata', () => {
    expect(e.version).toBe(7);
    expect(e.ruleCount).toBe(10);
    expect(e.rules.find((r) => r.id === 'a.ext')).toMatchObject({ category: 'a', severity: 5, speakers: ['customer'] });
  });

  it('all / any / not', () => {
    expect(one('금감원 그리고 소송')).toContain('c.all');
    expect(one('금감원만')).not.toContain('c.all');
    expect(one('권익위요')).toContain('c.any');
    expect(one('변호사 선임')).toContain('c.not');
    expect(one('변호사 상담')).not.toContain('c.not');
  });

  it('near / notNear (within N characters)', () => {
    expect(one('민원 꼭 할거예요')).toContain('c.near');
    expect(one('민원 그거 나중에 다시 천천히 할거예요')).not.toContain('c.near');
    expect(one('신문 배달이 늦어요')).toContain('c.notnear');
    expect(one('신문 구독료요')).not.toContain('c.notnear');
  });

  it('then-within (seconds) uses per-call history', () => {
    const call = e.openCall({ callId: 't' });
    call.push(utt('소송할 거예요', { startMs: 1000, endMs: 2000 }));
    expect(rulesOf(call.push(utt('금감원도요', { startMs: 30_000, endMs: 31_000 })))).toContain('c.then');
    const late = e.openCall({ callId: 't2' });
    late.push(utt('소송할 거예요', { startMs: 1000, endMs: 2000 }));
    expect(rulesOf(late.push(utt('금감원도요', { startMs: 100_000, endMs: 101_000 })))).not.toContain('c.then');
    // order matters: the other way round does not fire
    const rev = e.openCall({ callId: 't3' });
    rev.push(utt('금감원이요', { startMs: 1000 }));
    expect(rulesOf(rev.push(utt('소송이요', { startMs: 2000 })))).not.toContain('c.then');
  });

  it('count-in-window', () => {
    const call = e.openCall({ callId: 'k' });
    expect(rulesOf(call.push(utt('바보', { startMs: 0 })))).not.toContain('c.count');
    expect(rulesOf(call.push(utt('바보야', { startMs: 10_000 })))).not.toContain('c.count');
    expect(rulesOf(call.push(utt('진짜 바보', { startMs: 20_000 })))).toContain('c.count');
    const slow = e.openCall({ callId: 'k2' });
    slow.push(utt('바보', { startMs: 0 }));
    slow.push(utt('바보', { startMs: 50_000 }));
    expect(rulesOf(slow.push(utt('바보', { startMs: 120_000 })))).not.toContain('c.count');
  });

  it('partials do not write history', () => {
    const call = e.openCall({ callId: 'p' });
    call.push(utt('바보', { id: 'p1', final: false }));
    call.push(utt('바보', { id: 'p1', final: false }));
    call.push(utt('바보', { id: 'p1', final: true }));
    expect(rulesOf(call.push(utt('바보', { id: 'p2', startMs: 1000 })))).not.toContain('c.count');
  });

  it('repeat-contact uses prior contacts of the customer', () => {
    const ctx = (days: number, cats: string[]): CallContext => ({
      callId: 'r', customerId: 'cust', startedAt: '2024-05-10T00:00:00Z',
      priorContacts: [{ callId: 'old', at: new Date(Date.parse('2024-05-10T00:00:00Z') - days * 86_400_000).toISOString(), categories: cats }],
    });
    const push = (c: CallContext) => rulesOf(e.openCall(c).push(utt('또 전화했어요')));
    expect(push(ctx(3, ['a']))).toContain('c.repeat');
    expect(push(ctx(10, ['a']))).not.toContain('c.repeat');
    expect(push(ctx(3, ['media']))).not.toContain('c.repeat');
    expect(push({ callId: 'r' })).not.toContain('c.repeat');
  });

  it('the default set compiles its composite rules (abuse.repeated, complaint.escalating)', () => {
    const call = engine.openCall({ callId: 'ab' });
    call.push(utt('씨발', { startMs: 0 }));
    call.push(utt('병신 같은', { startMs: 5000 }));
    expect(rulesOf(call.push(utt('꺼져 진짜', { startMs: 9000 })))).toContain('abuse.repeated');
    const call2 = engine.openCall({ callId: 'esc' });
    call2.push(utt('정식으로 항의하겠습니다', { startMs: 0 }));
    expect(rulesOf(call2.push(utt('됐고 카드 해지할게요', { startMs: 60_000 })))).toContain('complaint.escalating');
  });
});

describe('rule-set validation', () => {
  const errorOf = (doc: unknown): RadarError => {
    try {
      compileRuleSet(doc);
    } catch (err) {
      return err as RadarError;
    }
    throw new Error('expected an error');
  };

  it('rejects bad documents with path + message and status 400 invalid_rule_set', () => {
    const err = errorOf({ version: 0, rules: [{ id: 'Bad Id', category: 'x', severity: 9, terms: [] }] });
    expect(err).toBeInstanceOf(RadarError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_rule_set');
    const paths = (err.details!.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['$.version', '$.rules[0].id', '$.rules[0].severity', '$.rules[0].terms']));
  });

  it('checks supersedes references', () => {
    const issues = checkRuleSet({
      version: 1,
      rules: [
        { id: 'a.one', category: 'a', severity: 1, terms: ['x'], supersedes: ['a.two', 'a.one'] },
        { id: 'a.three', category: 'a', severity: 1, terms: ['y'], supersedes: 'a.one' },
      ],
    });
    expect(issues).toEqual([
      { path: '$.rules[0].supersedes[0]', message: "unknown rule 'a.two'" },
      { path: '$.rules[0].supersedes[1]', message: 'a rule cannot supersede itself' },
      { path: '$.rules[1].supersedes', message: 'must be a list of rule ids' },
    ]);
  });

  it('reports unknown references, unknown fields, duplicates and cycles', () => {
    const issues = checkRuleSet({
      version: 1,
      rules: [
        { id: 'a.x', category: 'a', severity: 1, match: { cue: 'nope' } },
        { id: 'a.x', category: 'a', severity: 1, terms: ['x'], colour: 'red' },
        { id: 'a.y', category: 'a', severity: 1, match: { rule: 'a.zzz' } },
        { id: 'a.z', category: 'a', severity: 1, match: { not: '금감원' } },
        { id: 'a.w', category: 'a', severity: 1, match: { near: ['a'], within: 3 } },
      ],
    });
    const text = issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    expect(text).toMatch(/\$\.rules\[0\]\.match\.cue: unknown cue set 'nope'/);
    expect(text).toMatch(/\$\.rules\[1\]\.id: duplicate rule id 'a.x'/);
    expect(text).toMatch(/\$\.rules\[1\]\.colour: unknown field/);
    expect(text).toMatch(/\$\.rules\[2\]\.match\.rule: unknown rule 'a.zzz'/);
    expect(text).toMatch(/\$\.rules\[3\]\.match: has nothing that matches text/);
    expect(text).toMatch(/\$\.rules\[4\]\.match\.near: must be a list of exactly two/);
    const cycle = errorOf({ version: 1, rules: [R('a.p', { rule: 'a.q' }), R('a.q', { any: [{ rule: 'a.p' }, 'x'] })] });
    expect(cycle.message).toMatch(/cycle/);
  });

  it('parses YAML and JSON, and reports syntax errors as invalid_rule_set', () => {
    expect(parseRuleSetText('version: 2\nrules: []', 'yaml')).toEqual({ version: 2, rules: [] });
    expect(() => parseRuleSetText('{"version":', 'json')).toThrow(/not valid JSON/);
    expect(checkRuleSet(loadDefaultRuleSet())).toEqual([]);
  });
});
