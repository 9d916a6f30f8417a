// Jamo alphabet shared by the automaton and the fuzzy matcher.
//
// Text is compared as a stream of small integer symbols: Hangul syllables are
// decomposed into 초성/중성/종성, Latin letters and digits get their own symbols,
// anything else that is kept (Hanja, other letters) is OTHER. Initial and final
// consonants share one symbol (ㄱ as 초성 and as 종성 are the same sound class);
// that way a re-segmentation by the recogniser (금감원 → 금가뭔) is one edit, not two.
// Final clusters (ㄳ, ㄺ, …) split into their two consonants for the same reason.

export const OTHER = 0;
/** ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ → 1..19 (same order as 초성). */
export const CONSONANTS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
/** ㅏ … ㅣ → 20..40 (same order as 중성). */
export const VOWELS = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ';
const VOWEL_BASE = 20;
const LATIN_BASE = 41; // a..z → 41..66
const DIGIT_BASE = 67; // 0..9 → 67..76
export const ALPHABET_SIZE = 77;

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
/** 종성 1..27 in Unicode order, each as one or two consonants. */
const FINALS = 'ㄱ ㄲ ㄱㅅ ㄴ ㄴㅈ ㄴㅎ ㄷ ㄹ ㄹㄱ ㄹㅁ ㄹㅂ ㄹㅅ ㄹㅌ ㄹㅍ ㄹㅎ ㅁ ㅂ ㅂㅅ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ'
  .split(' ')
  .map((f) => [...f].map((c) => CONSONANTS.indexOf(c) + 1));
/** Compatibility jamo (U+3131…) written as clusters, for standalone ㅋㅋ, ㄳ. */
const COMPAT_CLUSTERS: Record<string, string> = {
  ㄳ: 'ㄱㅅ', ㄵ: 'ㄴㅈ', ㄶ: 'ㄴㅎ', ㄺ: 'ㄹㄱ', ㄻ: 'ㄹㅁ', ㄼ: 'ㄹㅂ', ㄽ: 'ㄹㅅ', ㄾ: 'ㄹㅌ', ㄿ: 'ㄹㅍ', ㅀ: 'ㄹㅎ', ㅄ: 'ㅂㅅ',
};

/** Decomposition of every syllable, 4 slots each (L, V, up to two finals). */
const SYL_SYMS = new Uint8Array((HANGUL_LAST - HANGUL_FIRST + 1) * 4);
const SYL_LEN = new Uint8Array(HANGUL_LAST - HANGUL_FIRST + 1);
for (let i = 0; i <= HANGUL_LAST - HANGUL_FIRST; i++) {
  const l = Math.floor(i / 588);
  const v = Math.floor((i % 588) / 28);
  const t = i % 28;
  SYL_SYMS[i * 4] = l + 1;
  SYL_SYMS[i * 4 + 1] = VOWEL_BASE + v;
  let n = 2;
  if (t > 0) for (const c of FINALS[t - 1]) SYL_SYMS[i * 4 + n++] = c;
  SYL_LEN[i] = n;
}

/** Symbols of standalone compatibility jamo U+3131..U+3163. */
const COMPAT_SYMS: number[][] = [];
for (let cp = 0x3131; cp <= 0x3163; cp++) {
  const ch = String.fromCharCode(cp);
  const spelled = COMPAT_CLUSTERS[ch] ?? ch;
  COMPAT_SYMS[cp - 0x3131] = [...spelled].map((c) => {
    const k = CONSONANTS.indexOf(c);
    return k >= 0 ? k + 1 : VOWEL_BASE + VOWELS.indexOf(c);
  });
}

export const isHangulSyllable = (code: number): boolean => code >= HANGUL_FIRST && code <= HANGUL_LAST;

/**
 * Appends the symbols of one normalised character to `out` at `at`; returns the
 * new write position. `out` must have room for 4 more symbols.
 */
export function pushSymbols(code: number, out: Uint8Array, at: number): number {
  if (code >= HANGUL_FIRST && code <= HANGUL_LAST) {
    const base = (code - HANGUL_FIRST) * 4;
    const n = SYL_LEN[code - HANGUL_FIRST];
    for (let k = 0; k < n; k++) out[at + k] = SYL_SYMS[base + k];
    return at + n;
  }
  if (code >= 97 && code <= 122) { out[at] = LATIN_BASE + code - 97; return at + 1; }
  if (code >= 48 && code <= 57) { out[at] = DIGIT_BASE + code - 48; return at + 1; }
  if (code >= 0x3131 && code <= 0x3163) {
    const syms = COMPAT_SYMS[code - 0x3131];
    for (let k = 0; k < syms.length; k++) out[at + k] = syms[k];
    return at + syms.length;
  }
  out[at] = OTHER;
  return at + 1;
}

/** Symbols of an already-normalised string (for compiling patterns). */
export function toSymbols(norm: string): Uint8Array {
  const buf = new Uint8Array(norm.length * 4);
  let n = 0;
  for (let i = 0; i < norm.length; i++) n = pushSymbols(norm.charCodeAt(i), buf, n);
  return buf.slice(0, n);
}

/** Human-readable jamo string of symbols (for explanations and tests). */
export function symbolsToString(syms: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < syms.length; i++) {
    const x = syms[i];
    if (x >= 1 && x <= 19) s += CONSONANTS[x - 1];
    else if (x >= VOWEL_BASE && x < LATIN_BASE) s += VOWELS[x - VOWEL_BASE];
    else if (x >= LATIN_BASE && x < DIGIT_BASE) s += String.fromCharCode(97 + x - LATIN_BASE);
    else if (x >= DIGIT_BASE && x < ALPHABET_SIZE) s += String.fromCharCode(48 + x - DIGIT_BASE);
    else s += '·';
  }
  return s;
}

// ---- Phonetic costs -------------------------------------------------------
// Recognisers confuse sounds that are close: lax/tense/aspirated stops, the
// nasals and the liquid, vowels that merged in modern Seoul speech (ㅐ/ㅔ), and
// rounded/unrounded pairs. Those substitutions cost half an edit; the silent or
// weak ㅇ/ㅎ may appear or vanish for half an edit too. Everything else costs 1.

export const CLOSE_COST = 0.5;
const CLOSE_GROUPS = [
  'ㄱㄲㅋ', 'ㄷㄸㅌ', 'ㅂㅃㅍ', 'ㅈㅉㅊ', 'ㅅㅆ', 'ㄴㅁㅇ', 'ㄴㄹ', 'ㅇㅎ',
  'ㅐㅔㅒㅖ', 'ㅓㅗ', 'ㅓㅕ', 'ㅗㅛ', 'ㅜㅠ', 'ㅜㅡ', 'ㅡㅣㅢ', 'ㅏㅑ', 'ㅘㅏ', 'ㅝㅓ', 'ㅝㅜ', 'ㅚㅙㅞㅔ', 'ㅟㅣ',
];
const WEAK = 'ㅇㅎ';

function symbolOf(ch: string): number {
  const k = CONSONANTS.indexOf(ch);
  return k >= 0 ? k + 1 : VOWEL_BASE + VOWELS.indexOf(ch);
}

/** Substitution cost table, ALPHABET_SIZE² entries. */
export const SUB_COST = new Float32Array(ALPHABET_SIZE * ALPHABET_SIZE).fill(1);
/** Insertion/deletion cost per symbol. */
export const INDEL_COST = new Float32Array(ALPHABET_SIZE).fill(1);
for (let a = 0; a < ALPHABET_SIZE; a++) SUB_COST[a * ALPHABET_SIZE + a] = 0;
for (const group of CLOSE_GROUPS) {
  for (const a of group) for (const b of group) {
    if (a !== b) SUB_COST[symbolOf(a) * ALPHABET_SIZE + symbolOf(b)] = CLOSE_COST;
  }
}
for (const w of WEAK) INDEL_COST[symbolOf(w)] = CLOSE_COST;

/** Number of Hangul syllables in a string (fuzzy budgets grow with it). */
export function syllableCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (isHangulSyllable(s.charCodeAt(i))) n++;
  return n;
}
