// Deterministic synthetic Korean call data for benchmarks: large rule sets of
// realistic aliases (regional police stations, courts, local papers, law firms,
// online communities …) and a stream of card-company call utterances where a
// minority carry a risk expression. Generic: any bench may use it.

import type { RuleSetDoc } from '../../src/detect/index.js';
import type { Speaker } from '../../src/core/types.js';
import { rng } from '../../src/demo/random.js';

export { rng } from '../../src/demo/random.js';

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const REGIONS = ['서울', '부산', '대구', '인천', '광주', '대전', '울산', '세종', '수원', '성남', '고양', '용인', '창원', '청주', '전주',
  '천안', '포항', '제주', '강남', '서초', '송파', '마포', '영등포', '노원', '은평', '관악', '분당', '일산', '안산', '안양', '김해', '구미',
  '원주', '춘천', '강릉', '목포', '여수', '순천', '군산', '익산', '경주', '진주', '평택', '시흥', '파주', '의정부', '김포', '광명', '하남', '오산'];
const AUTHORITIES: [string, string[]][] = [
  ['경찰서', ['경찰서', ' 경찰서', '서']],
  ['지방법원', ['지방법원', ' 지방 법원', '지법']],
  ['지방검찰청', ['지방검찰청', ' 지방 검찰청', '지검']],
  ['소비자센터', ['소비자센터', ' 소비자 센터', '소비자상담센터']],
  ['시청 민원실', ['시청 민원실', '시청민원실', ' 시청 민원과']],
  ['노동청', ['노동청', ' 노동청', '고용노동지청']],
];
const PAPER_NAMES = ['한빛', '새날', '미래', '정의', '시민', '바른', '열린', '푸른', '우리', '한결', '참빛', '새벽', '해오름', '누리', '다온',
  '가람', '나래', '소리', '한울', '늘봄'];
const PAPER_KINDS: [string, string[]][] = [
  ['일보', ['일보', ' 일보', '일보사']],
  ['신문', ['신문', ' 신문', '신문사']],
  ['방송', ['방송', ' 방송국', '방송사']],
  ['뉴스', ['뉴스', ' 뉴스', '뉴스 데스크']],
  ['경제', ['경제', ' 경제신문', '경제 신문']],
];
const FIRM_NAMES = ['한결', '세움', '바른길', '정명', '태평', '으뜸', '다솜', '해마루', '백두', '한라', '새솔', '도담', '믿음', '정도',
  '온누리', '한마음', '청람', '로운', '가온', '율현'];
const COMMUNITIES = ['짠테크카페', '카드고릴라', '재테크 카페', '절약 카페', '알뜰구매', '포인트 모으기', '혜택 마니아', '신용카드 갤러리',
  '부동산 스터디', '직장인 라운지', '주부 모임', '대학생 커뮤니티', '자영업자 모임', '사장님 카페', '여행 카페', '캠핑 카페', '육아 카페',
  '자동차 동호회', '골프 동호회', '등산 동호회'];

/** Generates `n` extra rules of realistic aliases (3–4 each). */
export function generatedRules(n: number, seed = 7): RuleSetDoc['rules'] {
  const r = rng(seed);
  const rules: RuleSetDoc['rules'] = [];
  const seen = new Set<string>();
  const add = (id: string, category: string, terms: string[]) => {
    if (seen.has(id) || rules.length >= n) return;
    seen.add(id);
    rules.push({ id, category, severity: (1 + Math.floor(r() * 5)) as 1 | 2 | 3 | 4 | 5, terms: [...new Set(terms)] });
  };
  for (const reg of REGIONS) for (const [name, forms] of AUTHORITIES) {
    add(`gen_ext.a${rules.length}`, 'external_authority', forms.map((f) => reg + f));
  }
  for (const a of PAPER_NAMES) for (const [kind, forms] of PAPER_KINDS) {
    add(`gen_media.p${rules.length}`, 'media', forms.map((f) => a + f).concat([`${a}${kind} 기자`]));
  }
  for (const a of REGIONS) for (const [kind, forms] of PAPER_KINDS.slice(0, 3)) {
    add(`gen_media.r${rules.length}`, 'media', forms.map((f) => a + f).concat([`${a}${kind} 기자`]));
  }
  for (const f of FIRM_NAMES) for (const reg of REGIONS.slice(0, 20)) {
    add(`gen_legal.f${rules.length}`, 'legal', [`법무법인 ${f} ${reg}`, `${f} 법률사무소 ${reg}`, `${reg} ${f} 변호사`]);
  }
  for (const c of COMMUNITIES) for (const reg of REGIONS) {
    add(`gen_media.c${rules.length}`, 'media', [`${reg} ${c}`, `${reg}${c.replace(/ /g, '')}`, `${c} ${reg} 지부`]);
  }
  return rules;
}

const NEUTRAL_CUSTOMER = [
  '결제일을 {d}일로 바꾸고 싶어요', '이번 달 청구 금액이 좀 이상해서요', '포인트로 연회비 낼 수 있나요', '해외 결제가 자꾸 거절돼요',
  '한도를 {n}만 원 정도 올리고 싶은데요', '할부를 {m}개월로 바꿀 수 있을까요', '카드를 새로 받았는데 등록이 안 돼요', '교통카드 기능이 안 되네요',
  '가족카드 하나 더 만들려고요', '캐시백이 아직 안 들어왔어요', '명세서를 이메일로 받고 싶어요', '앱에서 비밀번호 변경이 안 돼요',
  '어제 {place}에서 결제한 게 두 번 찍혔어요', '{place} 가맹점 결제가 취소됐는지 확인해 주세요', '연체된 거 오늘 입금하면 되나요',
  '네 네 알겠습니다', '아 그래요? 그럼 다시 확인해 볼게요', '잠시만요 지갑 좀 볼게요', '네 맞아요 제 카드예요', '고맙습니다 수고하세요',
];
const NEUTRAL_AGENT = [
  '네 고객님 확인해 드리겠습니다', '잠시만 기다려 주시겠어요?', '본인 확인을 위해 생년월일 부탁드립니다', '결제일 변경은 다음 달부터 적용됩니다',
  '해당 가맹점에 승인 취소 요청을 드렸습니다', '다른 궁금하신 점 있으실까요?', '네 고객님 말씀하신 내용 확인했습니다',
  '불편을 드려 죄송합니다', '문자로 안내 드리겠습니다', '상담사 {name}이었습니다 감사합니다',
];
const PLACES = ['강남역', '편의점', '마트', '주유소', '온라인 쇼핑몰', '카페', '식당', '병원', '약국', '백화점'];
const NAMES = ['김하늘', '이서준', '박지우', '최민서', '정다은'];
const RISK_TEMPLATES = [
  '{x}에 민원 넣을 거예요', '{x}에 신고할 겁니다', '이거 {x}에 다 얘기할 거예요', '{x} 통해서 정식으로 처리할게요',
  '{x}에 제보하겠습니다', '해결 안 되면 {x}까지 갈 생각이에요', '{x}에 갈 생각은 없는데요', '{x}한테 연락할 거예요',
];

export interface SynthUtterance { speaker: Speaker; text: string }

function fill(r: () => number, t: string): string {
  return t.replace('{d}', String(1 + Math.floor(r() * 27))).replace('{n}', String(100 + Math.floor(r() * 900)))
    .replace('{m}', String(2 + Math.floor(r() * 22))).replace('{place}', pick(r, PLACES)).replace('{name}', pick(r, NAMES));
}

/** Introduces one jamo-level looking error (a close vowel swap) into a Hangul string. */
function sttNoise(r: () => number, s: string): string {
  const swaps: Record<string, string> = { 'ㅝ': 'ㅓ', 'ㅐ': 'ㅔ', 'ㅗ': 'ㅓ', 'ㅜ': 'ㅡ' };
  const chars = [...s];
  for (let tries = 0; tries < 4; tries++) {
    const i = Math.floor(r() * chars.length);
    const c = chars[i].charCodeAt(0) - 0xac00;
    if (c < 0 || c > 11171) continue;
    const v = Math.floor((c % 588) / 28);
    const vowel = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ'[v];
    const to = swaps[vowel];
    if (!to) continue;
    const nv = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ'.indexOf(to);
    chars[i] = String.fromCharCode(0xac00 + c - v * 28 + nv * 28);
    break;
  }
  return chars.join('');
}

/**
 * A stream of call utterances: alternating speakers, about `riskShare` of the
 * customer lines carry an alias from `aliases` (a quarter of those with an STT
 * near miss). Returns `count` utterances.
 */
export function utterances(count: number, aliases: readonly string[], riskShare = 0.1, seed = 11): SynthUtterance[] {
  const r = rng(seed);
  const out: SynthUtterance[] = [];
  for (let i = 0; i < count; i++) {
    const speaker: Speaker = i % 2 === 0 ? 'customer' : 'agent';
    if (speaker === 'agent') { out.push({ speaker, text: fill(r, pick(r, NEUTRAL_AGENT)) }); continue; }
    if (r() < riskShare) {
      let x = pick(r, aliases);
      if (r() < 0.25) x = sttNoise(r, x);
      out.push({ speaker, text: pick(r, RISK_TEMPLATES).replace('{x}', x) });
    } else out.push({ speaker, text: fill(r, pick(r, NEUTRAL_CUSTOMER)) });
  }
  return out;
}

/** Percentile of an ascending-sorted array. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function stamp(): string {
  return new Date().toISOString().replace(/[:]/g, '-').replace(/\..+/, '');
}

/** Every term alias of the rule set, simple and composite (\`match\`) rules alike. */
export function allTerms(doc: RuleSetDoc): string[] {
  const out: string[] = [];
  const walk = (e: unknown): void => {
    if (typeof e === 'string') { out.push(e); return; }
    if (Array.isArray(e)) { e.forEach(walk); return; }
    if (e && typeof e === 'object') {
      for (const [k, v] of Object.entries(e)) if (k !== 'cue' && k !== 'rule' && k !== 'repeatContact') walk(v);
    }
  };
  for (const r of doc.rules) { walk(r.terms ?? []); walk(r.match ?? []); }
  return out.map((t) => t.replace(/^\*|\*$/g, ''));
}
