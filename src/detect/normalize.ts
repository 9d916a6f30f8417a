import { pushSymbols } from './jamo.js';

// Normalisation with a position map back to the original text.
//
// The matcher never sees the original string. It sees a sequence of "normalised
// characters" (spacing and punctuation removed, Latin lower-cased, full-width
// forms folded, decomposed Hangul composed, known Latin acronyms transliterated
// to one Hangul spelling) and, derived from it, a jamo symbol stream. Every
// normalised character remembers the original span it came from, so a match on
// the normalised text maps back to exact UTF-16 offsets of the original: the
// offsets the alert shows to users.
//
// Removed spacing is not forgotten: `wordStart` marks characters that began a
// word in the original and `breakBefore` marks sentence punctuation, because
// boundaries and negation scopes need them.

export interface NormText {
  /** The original text. */
  source: string;
  /** Number of normalised characters. */
  n: number;
  codes: Uint16Array;
  /** Original span [origStart, origEnd) of each normalised character. */
  origStart: Int32Array;
  origEnd: Int32Array;
  /** 1 when the character began a word (text start, or spacing/punctuation before it). */
  wordStart: Uint8Array;
  /** 1 when sentence punctuation (. ? ! …, line break) came before the character. */
  breakBefore: Uint8Array;
  /** Jamo symbol stream. */
  jn: number;
  sym: Uint8Array;
  /** Normalised character index of each symbol. */
  jNorm: Int32Array;
  /** 1 on the first / last symbol of a normalised character. */
  jFirst: Uint8Array;
  jLast: Uint8Array;
  /** 1 when sentence punctuation followed the last normalised character (a text appended would see a break). */
  pendingBreak: number;
}

/** The buffers of a normalised text (a Normalizer's, or handed over to a carry). */
export interface NormBuffers {
  codes: Uint16Array;
  origStart: Int32Array;
  origEnd: Int32Array;
  wordStart: Uint8Array;
  breakBefore: Uint8Array;
  sym: Uint8Array;
  jNorm: Int32Array;
  jFirst: Uint8Array;
  jLast: Uint8Array;
}

/**
 * Normalised characters and jamo carried over from an earlier text (the tail
 * of a speaker's previous utterance, see scan.ts Carry): a text normalised
 * after it continues from them instead of normalising the tail again. The
 * tail is characters [base, base + n) and symbols [jbase, jbase + jn) of the
 * buffers, whose original offsets are `origShift` larger than the tail's own
 * (and whose jNorm values are `base` larger).
 */
export interface NormPrefix extends NormBuffers {
  base: number;
  jbase: number;
  origShift: number;
  n: number;
  jn: number;
  pendingBreak: number;
}

/**
 * Latin words a recogniser or a typist may produce, folded to the Hangul
 * spelling the dictionary uses, so one alias covers both ("FSS" and "금감원",
 * "KBS" and "케이비에스"). Whole Latin words only.
 */
export const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  fss: '금감원',
  ftc: '공정위',
  kca: '소비자원',
  acrc: '권익위',
  sns: '에스엔에스',
  youtube: '유튜브',
  youtuber: '유튜버',
  facebook: '페이스북',
  instagram: '인스타그램',
  insta: '인스타',
  twitter: '트위터',
  blind: '블라인드',
  kakao: '카카오',
  kakaotalk: '카카오톡',
  naver: '네이버',
  kbs: '케이비에스',
  mbc: '엠비씨',
  sbs: '에스비에스',
  jtbc: '제이티비씨',
  ytn: '와이티엔',
  pd: '피디',
  vip: '브이아이피',
};

const SENTENCE_PUNCT = new Set([0x2e, 0x3f, 0x21, 0x0a, 0x0d, 0x2026, 0x3002, 0xff01, 0xff1f, 0xff0e, 0x3b]);

type CharClass = 0 /* separator */ | 1 /* keep */ | 2 /* Latin letter */;

/** Folds one UTF-16 unit: returns the kept code, or -1 for a separator. */
function fold(code: number): number {
  if (code >= 0xac00 && code <= 0xd7a3) return code;
  if (code >= 97 && code <= 122) return code;
  if (code >= 65 && code <= 90) return code + 32;
  if (code >= 48 && code <= 57) return code;
  if (code < 0x80) return -1;
  if (code >= 0xff10 && code <= 0xff19) return code - 0xfee0; // full-width digits
  if (code >= 0xff21 && code <= 0xff3a) return code - 0xfee0 + 32; // full-width A-Z
  if (code >= 0xff41 && code <= 0xff5a) return code - 0xfee0; // full-width a-z
  if (code >= 0x3131 && code <= 0x3163) return code; // compatibility jamo (ㅋㅋ)
  if (code >= 0x3400 && code <= 0x9fff) return code; // Hanja: kept, matches nothing
  if (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) return code; // accented Latin
  return -1; // spacing, punctuation, symbols, emoji (surrogates)
}

function classOf(folded: number): CharClass {
  if (folded < 0) return 0;
  return folded >= 97 && folded <= 122 ? 2 : 1;
}

/** Composes a conjoining-jamo syllable (L V [T]) starting at i; returns [code, length] or null. */
function composeConjoining(text: string, i: number): [number, number] | null {
  const l = text.charCodeAt(i) - 0x1100;
  const v = text.charCodeAt(i + 1) - 0x1161;
  // Written as a positive range check so NaN (a lone jamo at the end) fails it.
  if (!(l >= 0 && l <= 18 && v >= 0 && v <= 20)) return null;
  const t = text.charCodeAt(i + 2) - 0x11a7;
  const hasT = t >= 1 && t <= 27;
  return [0xac00 + (l * 21 + v) * 28 + (hasT ? t : 0), hasT ? 3 : 2];
}

class Builder {
  n = 0;
  codes: Uint16Array;
  origStart: Int32Array;
  origEnd: Int32Array;
  wordStart: Uint8Array;
  breakBefore: Uint8Array;
  pendingWord = 1;
  pendingBreak = 0;
  // Jamo stream buffers (filled by withJamo).
  sym: Uint8Array = new Uint8Array(0);
  jNorm: Int32Array = new Int32Array(0);
  jFirst: Uint8Array = new Uint8Array(0);
  jLast: Uint8Array = new Uint8Array(0);
  constructor(cap: number) {
    this.codes = new Uint16Array(cap);
    this.origStart = new Int32Array(cap);
    this.origEnd = new Int32Array(cap);
    this.wordStart = new Uint8Array(cap);
    this.breakBefore = new Uint8Array(cap);
  }
  reset(): void {
    this.n = 0;
    this.pendingWord = 1;
    this.pendingBreak = 0;
  }
  push(code: number, s: number, e: number): void {
    if (this.n === this.codes.length) this.grow();
    const k = this.n++;
    this.codes[k] = code;
    this.origStart[k] = s;
    this.origEnd[k] = e;
    this.wordStart[k] = this.pendingWord;
    this.breakBefore[k] = this.pendingBreak;
    this.pendingWord = 0;
    this.pendingBreak = 0;
  }
  /** Room for at least `need` characters. */
  ensure(need: number): void {
    while (this.codes.length < need) this.grow();
  }
  private grow(): void {
    const cap = this.codes.length * 2 + 8;
    const g = <T extends Uint16Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.codes = g(this.codes, (n) => new Uint16Array(n));
    this.origStart = g(this.origStart, (n) => new Int32Array(n));
    this.origEnd = g(this.origEnd, (n) => new Int32Array(n));
    this.wordStart = g(this.wordStart, (n) => new Uint8Array(n));
    this.breakBefore = g(this.breakBefore, (n) => new Uint8Array(n));
  }
}

/** Emits a run of Latin letters [s, e): transliterated as a whole word, or letter by letter. */
function pushLatinRun(b: Builder, text: string, s: number, e: number, off: number): void {
  let word = '';
  for (let i = s; i < e; i++) word += String.fromCharCode(fold(text.charCodeAt(i)));
  const hangul = word.length > 1 ? TRANSLITERATIONS[word] : undefined;
  if (hangul) {
    for (let k = 0; k < hangul.length; k++) b.push(hangul.charCodeAt(k), s + off, e + off);
    return;
  }
  for (let i = s; i < e; i++) b.push(word.charCodeAt(i - s), i + off, i + off + 1);
}

/** Normalises `text` (see the file comment). Linear in the text length. */
export function normalize(text: string): NormText {
  return run(new Builder(text.length + 4), text, text, 0, 0);
}

/**
 * A normaliser that reuses its buffers: the hot path allocates nothing per
 * utterance. The returned NormText is valid until the next call.
 */
export function createNormalizer(): (text: string) => NormText {
  return new Normalizer().normalize;
}

/**
 * A normaliser with reusable buffers (the NormText it returns is valid until
 * its next call). `after` continues from carried characters: the result is
 * the normalisation of `prefixText + ' ' + text` when `prefix` is the
 * normalisation of `prefixText` — only `text` is read and normalised.
 */
export class Normalizer {
  private readonly b = new Builder(256);

  readonly normalize = (text: string): NormText => {
    this.b.reset();
    return run(this.b, text, text, 0, 0);
  };

  /** `source` is the whole text (prefix text, separator, text); `text` starts at `offset` in it. */
  after(prefix: NormPrefix, source: string, text: string, offset: number): NormText {
    const b = this.b;
    b.reset();
    const n = prefix.n;
    b.ensure(n + 1);
    const { codes, origStart, origEnd, wordStart, breakBefore } = b;
    const pc = prefix.codes, ps = prefix.origStart, pe = prefix.origEnd, pw = prefix.wordStart, pb = prefix.breakBefore;
    const base = prefix.base;
    const shift = prefix.origShift;
    for (let k = 0; k < n; k++) {
      const x = base + k;
      codes[k] = pc[x];
      origStart[k] = ps[x] - shift;
      origEnd[k] = pe[x] - shift;
      wordStart[k] = pw[x];
      breakBefore[k] = pb[x];
    }
    // The tail starts the text (its breakBefore is never read: breaks start at 1).
    if (n > 0) { wordStart[0] = 1; breakBefore[0] = 0; }
    b.n = n;
    // The separator before `text` starts a word; punctuation at the prefix's end still counts.
    b.pendingWord = 1;
    b.pendingBreak = prefix.pendingBreak;
    return run(b, source, text, offset, prefix);
  }

  /**
   * Hands the buffers of the last result over to `keep` and takes keep's in
   * exchange (O(1): the text is kept without copying; the last result now
   * reads keep's buffers).
   */
  handOver(keep: NormBuffers): void {
    const b = this.b;
    const codes = b.codes; b.codes = keep.codes; keep.codes = codes;
    const origStart = b.origStart; b.origStart = keep.origStart; keep.origStart = origStart;
    const origEnd = b.origEnd; b.origEnd = keep.origEnd; keep.origEnd = origEnd;
    const wordStart = b.wordStart; b.wordStart = keep.wordStart; keep.wordStart = wordStart;
    const breakBefore = b.breakBefore; b.breakBefore = keep.breakBefore; keep.breakBefore = breakBefore;
    const sym = b.sym; b.sym = keep.sym; keep.sym = sym;
    const jNorm = b.jNorm; b.jNorm = keep.jNorm; keep.jNorm = jNorm;
    const jFirst = b.jFirst; b.jFirst = keep.jFirst; keep.jFirst = jFirst;
    const jLast = b.jLast; b.jLast = keep.jLast; keep.jLast = jLast;
  }
}

function run(b: Builder, source: string, text: string, off: number, prefix: NormPrefix | 0): NormText {
  const len = text.length;
  let i = 0;
  while (i < len) {
    const code = text.charCodeAt(i);
    if (code >= 0x1100 && code <= 0x1112) {
      const composed = composeConjoining(text, i);
      if (composed) {
        b.push(composed[0], i + off, i + off + composed[1]);
        i += composed[1];
        continue;
      }
    }
    const folded = fold(code);
    const cls = classOf(folded);
    if (cls === 0) {
      b.pendingWord = 1;
      if (SENTENCE_PUNCT.has(code)) b.pendingBreak = 1;
      i++;
    } else if (cls === 2) {
      let j = i + 1;
      while (j < len && classOf(fold(text.charCodeAt(j))) === 2) j++;
      pushLatinRun(b, text, i, j, off);
      // A Latin run is its own word: "KBS에" still lets the particle follow.
      i = j;
    } else {
      b.push(folded, i + off, i + off + 1);
      i++;
    }
  }
  return withJamo(source, b, prefix);
}

function withJamo(source: string, b: Builder, prefix: NormPrefix | 0): NormText {
  const n = b.n;
  const need = n * 4 + 4;
  if (b.sym.length < need) {
    const cap = need * 2;
    b.sym = new Uint8Array(cap);
    b.jNorm = new Int32Array(cap);
    b.jFirst = new Uint8Array(cap);
    b.jLast = new Uint8Array(cap);
  }
  const { sym, jNorm, jFirst, jLast } = b;
  let jn = 0;
  let k0 = 0;
  if (prefix !== 0) {
    // The prefix's symbols are carried as they were.
    jn = prefix.jn;
    k0 = prefix.n;
    const ps = prefix.sym, pn = prefix.jNorm, pf = prefix.jFirst, pl = prefix.jLast;
    const jbase = prefix.jbase;
    const base = prefix.base;
    for (let j = 0; j < jn; j++) {
      const x = jbase + j;
      sym[j] = ps[x];
      jNorm[j] = pn[x] - base;
      jFirst[j] = pf[x];
      jLast[j] = pl[x];
    }
  }
  for (let k = k0; k < n; k++) {
    const from = jn;
    jn = pushSymbols(b.codes[k], sym, jn);
    for (let j = from; j < jn; j++) { jNorm[j] = k; jFirst[j] = 0; jLast[j] = 0; }
    jFirst[from] = 1;
    jLast[jn - 1] = 1;
  }
  return {
    source, n,
    codes: b.codes, origStart: b.origStart, origEnd: b.origEnd,
    wordStart: b.wordStart, breakBefore: b.breakBefore,
    jn, sym, jNorm, jFirst, jLast, pendingBreak: b.pendingBreak,
  };
}

/** The normalised characters as a string (tests, compiling patterns). */
export function normString(t: NormText): string {
  let s = '';
  for (let k = 0; k < t.n; k++) s += String.fromCharCode(t.codes[k]);
  return s;
}

/** Original span of normalised characters [s, e). */
export function origSpan(t: NormText, s: number, e: number): [number, number] {
  return [t.origStart[s], t.origEnd[e - 1]];
}

/** Normalises a dictionary term to the string the automaton stores. */
export function normalizeTerm(term: string): string {
  return normString(normalize(term.normalize('NFC')));
}
