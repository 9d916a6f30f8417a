import { describe, expect, it } from 'vitest';
import type { Utterance } from '../../src/core/types.js';
import { backtest, compileRuleSet, type BacktestItem } from '../../src/detect/index.js';

const live = compileRuleSet({ version: 1, rules: [{ id: 'ext.fss', category: 'ext', severity: 5, terms: ['금감원'] }] });
const candidate = compileRuleSet({
  version: 2,
  rules: [
    { id: 'ext.fss', category: 'ext', severity: 5, terms: ['금감원'] },
    { id: 'legal.suit', category: 'legal', severity: 4, terms: ['소송'] },
  ],
});

function items(): BacktestItem[] {
  const u = (callId: string, i: number, text: string, o: Partial<Utterance> = {}): BacktestItem => ({
    utterance: { id: `${callId}-${i}`, callId, speaker: 'customer', startMs: i * 1000, endMs: i * 1000 + 500, text, final: true, ...o },
    call: { callId },
  });
  return [
    u('a', 0, '금감원에 갈 거예요'),
    u('a', 1, '소송도 할 거예요'),
    u('a', 2, '금감원', { final: false }), // partials are not replayed
    u('b', 0, '결제일 변경이요'),
    u('b', 1, '소송하려는 건 아니에요'), // negated: not an alert
    u('c', 0, '금감원 말고 소송이요', { speaker: 'agent' }),
  ];
}

describe('backtest', () => {
  it('reports both engines and the difference', async () => {
    const r = await backtest({ live, candidate, source: items() });
    expect(r.utterances).toBe(5);
    expect(r.calls).toBe(3);
    expect(r.live.hits).toBe(1);
    expect(r.candidate.hits).toBe(2);
    expect(r.candidate.suppressedHits).toBe(1);
    expect(r.candidate.byCategory).toEqual({ ext: 1, legal: 1 });
    expect(r.candidate.callsWithAlerts).toBe(1);
    expect(r.added.count).toBe(1);
    expect(r.added.byRule).toEqual({ 'legal.suit': 1 });
    expect(r.added.samples[0]).toMatchObject({ callId: 'a', utteranceId: 'a-1', match: '소송' });
    expect(r.removed.count).toBe(0);
  });

  it('accepts async sources and reports removed alerts the other way round', async () => {
    async function* gen() { yield* items(); }
    const r = await backtest({ live: candidate, candidate: live, source: gen(), sampleLimit: 0 });
    expect(r.removed.count).toBe(1);
    expect(r.removed.samples).toEqual([]);
  });
});
