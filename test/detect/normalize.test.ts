import { describe, expect, it } from 'vitest';
import { normalize, normString, normalizeTerm, origSpan } from '../../src/detect/normalize.js';
import { symbolsToString, toSymbols } from '../../src/detect/jamo.js';

describe('normalize', () => {
  it('removes spacing and punctuation and maps every character back', () => {
    const t = normalize('금융 감독원에, 민원!');
    expect(normString(t)).toBe('금융감독원에민원');
    // "감독원" is norm [2,5) → original "감독원" at [3,6)
    expect(origSpan(t, 2, 5)).toEqual([3, 6]);
    expect(t.source.slice(...origSpan(t, 0, 5))).toBe('금융 감독원');
    expect([...t.wordStart.subarray(0, t.n)]).toEqual([1, 0, 1, 0, 0, 0, 1, 0]);
    expect(t.breakBefore[6]).toBe(0);
  });

  it('marks sentence punctuation as a clause break', () => {
    const t = normalize('아니요. 금감원');
    expect(normString(t)).toBe('아니요금감원');
    expect(t.breakBefore[3]).toBe(1);
  });

  it('lower-cases Latin, folds full-width forms and transliterates acronyms as whole words', () => {
    const t = normalize('ＦＳＳ에 KBS ABC１２');
    expect(normString(t)).toBe('금감원에케이비에스abc12');
    // the three Hangul characters of 금감원 all map to the span of "ＦＳＳ"
    expect(origSpan(t, 0, 3)).toEqual([0, 3]);
    expect(origSpan(t, 4, 9)).toEqual([5, 8]);
  });

  it('composes decomposed (NFD) Hangul and maps the syllable to all its jamo', () => {
    const nfd = '금감원'.normalize('NFD');
    const t = normalize(`x ${nfd}`);
    expect(normString(t)).toBe('x금감원');
    expect(origSpan(t, 1, 4)).toEqual([2, 2 + nfd.length]);
  });

  it('builds the jamo stream with shared initial/final consonants and split clusters', () => {
    expect(symbolsToString(toSymbols('금감원'))).toBe('ㄱㅡㅁㄱㅏㅁㅇㅝㄴ');
    expect(symbolsToString(toSymbols('닭'))).toBe('ㄷㅏㄹㄱ');
    const t = normalize('금 감');
    expect(t.jn).toBe(6);
    expect([...t.jFirst.subarray(0, 6)]).toEqual([1, 0, 0, 1, 0, 0]);
    expect([...t.jLast.subarray(0, 6)]).toEqual([0, 0, 1, 0, 0, 1]);
    expect([...t.jNorm.subarray(0, 6)]).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('normalises dictionary terms the same way as text', () => {
    expect(normalizeTerm('금융 감독원')).toBe('금융감독원');
    expect(normalizeTerm('FSS')).toBe('금감원');
  });
});
