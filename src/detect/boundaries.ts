import type { NormText } from './normalize.js';

// Korean word boundaries after spacing was removed.
//
// A term must start a word and end one. Spacing in STT output is unreliable, so
// "a word starts here" means: the original had spacing/punctuation (or the text
// start) before it, OR the previous syllable is one that typically closes a word
// (a particle or a verb ending: 에/가/를/요/고 …) — 제가금감원에 still starts 금감원.
// "The word ends here" means: spacing/punctuation or the text end follows, OR the
// next syllable can begin a particle, a copula/light verb or an ending
// (에/가/한테/하/할/했/이에요 …). 기자재 fails (재 cannot follow the noun 기자);
// 기자한테 passes.
//
// One syllable of look-around is enough for the decision and keeps the check
// O(1); longer particles all start with a syllable in CONTINUATIONS.

const chars = (s: string): Set<number> => new Set([...s.replace(/\s+/g, '')].map((c) => c.charCodeAt(0)));

/** Syllables that may directly follow a noun term: particles, copula, light verbs. */
export const CONTINUATIONS = chars(`
  이 가 을 를 은 는 도 만 에 엔 께 한 로 으 와 과 랑 하 까 부 보 처 의 요 라 란 나 든 들 님 측 쪽
  야 예 입 였 지 고 면 서 며 말 뿐 밖 마 같 조 엘 이 인 일 임 잖 죠 네 데
  해 했 할 합 함 돼 되 될 된 됐 됩 당 걸 갈 가 간 넣 낼 내 올 찾 불 연 알 신 민 전 통 제 쳐 치 칠 친
`);

/** Syllables that typically end a word; a term may start right after them. */
export const WORD_ENDINGS = chars(`
  에 가 이 를 을 는 은 도 고 서 로 께 랑 요 다 죠 지 면 니 까 게 네 어 아 해 라 며 데 만 든 나 님
  냐 야 래 대 세 께 테 엔 냥 무 좀 또 꼭 꾸 진 다 즉 희 럼 런 럴 랬 했 겠 건 걸 거 는 던 든 된 한 할 될
`);

// The same sets as flags over the Hangul syllable block (both hold syllables only):
// a typed-array load on the hot path instead of a Set lookup.
const HANGUL_FIRST = 0xac00;
const HANGUL_COUNT = 0xd7a4 - HANGUL_FIRST;
const IS_ENDING = 1;
const IS_CONTINUATION = 2;
const FLAGS = new Uint8Array(HANGUL_COUNT);
for (const c of WORD_ENDINGS) if (c >= HANGUL_FIRST && c - HANGUL_FIRST < HANGUL_COUNT) FLAGS[c - HANGUL_FIRST] |= IS_ENDING;
for (const c of CONTINUATIONS) if (c >= HANGUL_FIRST && c - HANGUL_FIRST < HANGUL_COUNT) FLAGS[c - HANGUL_FIRST] |= IS_CONTINUATION;
if ([...WORD_ENDINGS, ...CONTINUATIONS].some((c) => c < HANGUL_FIRST || c - HANGUL_FIRST >= HANGUL_COUNT)) {
  throw new Error('boundaries: WORD_ENDINGS and CONTINUATIONS must hold Hangul syllables only');
}

function flag(code: number, bit: number): boolean {
  const i = code - HANGUL_FIRST;
  return i >= 0 && i < HANGUL_COUNT && (FLAGS[i] & bit) !== 0;
}

export function startsWord(t: NormText, s: number): boolean {
  if (s === 0 || t.wordStart[s] === 1) return true;
  return flag(t.codes[s - 1], IS_ENDING);
}

export function endsWord(t: NormText, e: number): boolean {
  if (e >= t.n || t.wordStart[e] === 1) return true;
  return flag(t.codes[e], IS_CONTINUATION);
}
