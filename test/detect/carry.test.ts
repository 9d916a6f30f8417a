import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hit, Speaker, Utterance } from '../../src/core/types.js';
import { compileRuleSet, loadDefaultRuleSet, type RuleSetDoc } from '../../src/detect/index.js';
import { generatedRules } from '../../bench/lib/corpus.js';

// Split phrases: the tail of a speaker's previous utterance is scanned with the
// new one. The engine carries the tail's normalisation and scan over instead of
// redoing them; this checks that carrying gives exactly the hits a fresh scan
// of tail + utterance gives, on adversarial calls (terms split at every point,
// near misses, punctuation, Latin transliterations, conjoining jamo, long
// utterances cut with and without spacing, partials, speaker changes, pauses).

const base = loadDefaultRuleSet();
const doc: RuleSetDoc = { ...base, rules: [...base.rules, ...generatedRules(150)] };
const carried = compileRuleSet(doc, { carryTails: true });
const rescanned = compileRuleSet(doc, { carryTails: false });

const terms = [
  '금융감독원', '금감원', '금감언', '소비자원', '경찰서', '기자', '기자재', '민원 넣을', '신문고', '국민신문고', '방송국', '변호사',
  '고소장', '소송', '해지', '헤지', 'FSS', 'youtube', 'KBS에', '서울경찰서', '부산지방법원', '한빛일보 기자', '법무법인 한결 서울',
  '강남 맘카페', '수원방송', '인천 지방 검찰청', '생각은 없어요', '할 거예요', '수밖에 없네요', '근데', '안 할게요',
];
const fillers = ['네', '그럼', '이거', '진짜', '요', '다', '에', '가', '를', '...', '.', '?', '!', ' ', '  ', 'ㅋㅋ', '１２３', 'abc', '\u1100\u1161\u11a8', '\u1100', '😀', '，'];

/** A piece of text: a term, split anywhere, with a possible near-miss vowel swap. */
const fragment = fc.oneof(
  fc.constantFrom(...terms),
  fc.constantFrom(...fillers),
  fc.tuple(fc.constantFrom(...terms), fc.nat(12)).map(([t, k]) => t.slice(0, k % (t.length + 1))),
  fc.tuple(fc.constantFrom(...terms), fc.nat(12)).map(([t, k]) => t.slice(k % (t.length + 1))),
);
const text = fc.array(fragment, { minLength: 0, maxLength: 14 }).chain((parts) =>
  fc.array(fc.constantFrom('', ' ', ' ', '. '), { minLength: parts.length, maxLength: parts.length })
    .map((seps) => parts.map((p, i) => p + seps[i]).join('')));
const line = fc.record({
  speaker: fc.constantFrom<Speaker>('customer', 'customer', 'customer', 'agent'),
  text,
  final: fc.constantFrom(true, true, true, false),
  gapMs: fc.constantFrom(0, 500, 3000, 7000),
});

function run(engine: typeof carried, lines: { speaker: Speaker; text: string; final: boolean; gapMs: number }[]): Hit[][] {
  const call = engine.openCall({ callId: 'c' });
  let at = 0;
  let seq = 0;
  const out: Hit[][] = [];
  for (const l of lines) {
    at += l.gapMs;
    // A partial keeps the id of the final that follows it.
    const id = `u${l.final ? seq++ : seq}`;
    const u: Utterance = { id, callId: 'c', speaker: l.speaker, startMs: at, endMs: at + 1000, text: l.text, final: l.final };
    at += 1000;
    out.push(call.push(u));
  }
  call.close();
  return out;
}

describe('carried tails', () => {
  it('give the same hits as scanning tail + utterance afresh', () => {
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), (lines) => {
      expect(run(carried, lines)).toEqual(run(rescanned, lines));
    }), { numRuns: Number(process.env.RADAR_FUZZ_RUNS ?? 400), seed: 20261126 });
  });

  it('carry a phrase split across utterances, long utterances included', () => {
    const lines = [
      { speaker: 'customer' as const, text: '제가 정말 여러 번 말씀드렸는데도 해결이 안 되니까 이제는 금융', final: true, gapMs: 0 },
      { speaker: 'customer' as const, text: '감독원에 민원 넣을 거예요', final: true, gapMs: 500 },
      { speaker: 'customer' as const, text: '서울경찰', final: true, gapMs: 500 },
      { speaker: 'customer' as const, text: '서에 신고할 겁니다', final: true, gapMs: 500 },
    ];
    const hits = run(carried, lines);
    expect(hits).toEqual(run(rescanned, lines));
    expect(hits[1].map((h) => h.match)).toContain('금융 감독원');
    expect(hits[3].map((h) => h.match)).toContain('서울경찰 서');
  });

  it('rebuild the automaton state when it reaches back past the cut', () => {
    // The tail of the first line is just '독' (cut at the last space): the state after
    // '…금융감독' must not be carried, or 금융감독원 would match across the cut.
    const lines = [
      { speaker: 'customer' as const, text: `${'가'.repeat(30)}금융감 독`, final: true, gapMs: 0 },
      { speaker: 'customer' as const, text: '원에 민원 넣을 거예요', final: true, gapMs: 500 },
    ];
    const hits = run(carried, lines);
    expect(hits).toEqual(run(rescanned, lines));
    expect(hits[1].some((h) => h.term === '금융감독원')).toBe(false);
  });
});
