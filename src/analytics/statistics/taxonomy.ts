// The standard complaint taxonomy, as data: every dimension a complaint record
// is classified on, with Korean and English labels. Imports accept an id, the
// Korean label or the English label (and a few aliases), so files from other
// systems map onto one vocabulary. Changing the taxonomy is editing this table;
// ids are stored, so keep existing ids when relabelling.

export interface Term {
  id: string;
  ko: string;
  en: string;
  /** Other spellings found in source systems' files. */
  aliases?: readonly string[];
}

export const DIMENSIONS = ['channel', 'product', 'type', 'cause', 'scope', 'externalBody', 'status'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const TAXONOMY: Record<Dimension, readonly Term[]> = {
  channel: [
    { id: 'phone', ko: '전화', en: 'Phone', aliases: ['콜센터', 'call', 'ARS'] },
    { id: 'web', ko: '홈페이지', en: 'Website', aliases: ['인터넷', 'internet'] },
    { id: 'app', ko: '모바일 앱', en: 'Mobile app', aliases: ['앱', 'mobile'] },
    { id: 'branch', ko: '영업점·센터', en: 'Branch', aliases: ['영업점', '방문', 'visit'] },
    { id: 'mail', ko: '우편·서면', en: 'Mail', aliases: ['우편', '서면', 'letter', 'fax', '팩스'] },
    { id: 'email', ko: '이메일', en: 'E-mail', aliases: ['e-mail'] },
    { id: 'external', ko: '외부기관 이첩', en: 'External body', aliases: ['이첩', '외부기관', 'transfer'] },
    { id: 'other', ko: '기타', en: 'Other' },
    { id: 'unspecified', ko: '미분류', en: 'Unclassified' },
  ],
  product: [
    { id: 'credit_card', ko: '신용카드', en: 'Credit card', aliases: ['credit'] },
    { id: 'check_card', ko: '체크카드', en: 'Check card', aliases: ['debit card', 'debit'] },
    { id: 'card_loan', ko: '카드론', en: 'Card loan', aliases: ['장기카드대출'] },
    { id: 'cash_service', ko: '현금서비스', en: 'Cash advance', aliases: ['단기카드대출', 'cash advance'] },
    { id: 'revolving', ko: '리볼빙', en: 'Revolving', aliases: ['일부결제금액이월약정'] },
    { id: 'installment', ko: '할부금융', en: 'Installment finance', aliases: ['할부'] },
    { id: 'lease', ko: '리스·렌탈', en: 'Lease / rental', aliases: ['리스', '렌탈', 'rental'] },
    { id: 'prepaid', ko: '선불카드', en: 'Prepaid card', aliases: ['기프트카드', 'gift card'] },
    { id: 'other', ko: '기타', en: 'Other' },
    { id: 'unspecified', ko: '미분류', en: 'Unclassified' },
  ],
  type: [
    { id: 'sales', ko: '모집·판매', en: 'Sales & solicitation', aliases: ['불완전판매', '모집'] },
    { id: 'fees', ko: '수수료·이자', en: 'Fees & interest', aliases: ['연회비', '이자', '수수료'] },
    { id: 'payment', ko: '결제·승인', en: 'Payment & authorisation', aliases: ['결제', '승인'] },
    { id: 'limit', ko: '한도·신용', en: 'Credit limit', aliases: ['한도'] },
    { id: 'benefits', ko: '부가서비스·포인트', en: 'Benefits & points', aliases: ['포인트', '부가서비스'] },
    { id: 'fraud', ko: '부정사용·분실', en: 'Fraud & lost cards', aliases: ['부정사용', '도난분실', '분실'] },
    { id: 'collection', ko: '채권추심', en: 'Debt collection', aliases: ['추심'] },
    { id: 'privacy', ko: '개인정보', en: 'Personal data' },
    { id: 'service', ko: '상담·응대', en: 'Service & conduct', aliases: ['응대', '불친절'] },
    { id: 'system', ko: '전산·앱 장애', en: 'IT & app failure', aliases: ['전산장애', '장애'] },
    { id: 'other', ko: '기타', en: 'Other' },
    { id: 'unspecified', ko: '미분류', en: 'Unclassified' },
  ],
  cause: [
    { id: 'explanation', ko: '안내·설명 미흡', en: 'Insufficient explanation', aliases: ['설명 미흡', '안내 미흡'] },
    { id: 'processing', ko: '업무 처리 지연·오류', en: 'Processing delay or error', aliases: ['처리 지연', '처리 오류'] },
    { id: 'conduct', ko: '직원 응대', en: 'Staff conduct', aliases: ['직원 태도'] },
    { id: 'policy', ko: '제도·약관', en: 'Policy & terms', aliases: ['약관', '제도'] },
    { id: 'system', ko: '전산 오류', en: 'System error' },
    { id: 'partner', ko: '가맹점·제휴사', en: 'Merchant or partner', aliases: ['가맹점', '제휴사'] },
    { id: 'customer', ko: '고객 오해', en: 'Customer misunderstanding', aliases: ['단순 불만'] },
    { id: 'other', ko: '기타', en: 'Other' },
    { id: 'unspecified', ko: '미분류', en: 'Unclassified' },
  ],
  scope: [
    { id: 'internal', ko: '대내', en: 'Internal', aliases: ['자체', '자체민원', '대내민원'] },
    { id: 'external', ko: '대외', en: 'External', aliases: ['대외민원', '외부'] },
  ],
  externalBody: [
    { id: 'fss', ko: '금융감독원', en: 'Financial Supervisory Service', aliases: ['금감원', 'FSS'] },
    { id: 'kca', ko: '한국소비자원', en: 'Korea Consumer Agency', aliases: ['소비자원', 'KCA'] },
    { id: 'crefia', ko: '여신금융협회', en: 'Credit Finance Association', aliases: ['CREFIA'] },
    { id: 'fsc', ko: '금융위원회', en: 'Financial Services Commission', aliases: ['금융위', 'FSC'] },
    { id: 'acrc', ko: '국민권익위원회', en: 'Anti-Corruption and Civil Rights Commission', aliases: ['권익위', '국민신문고'] },
    { id: 'assembly', ko: '국회', en: 'National Assembly' },
    { id: 'court', ko: '법원', en: 'Court', aliases: ['소송'] },
    { id: 'media', ko: '언론', en: 'Press', aliases: ['언론사'] },
    { id: 'other', ko: '기타 기관', en: 'Other body', aliases: ['기타'] },
  ],
  status: [
    { id: 'received', ko: '접수', en: 'Received' },
    { id: 'in_progress', ko: '처리중', en: 'In progress', aliases: ['처리 중', 'assigned', '배정'] },
    { id: 'resolved', ko: '처리 완료', en: 'Resolved', aliases: ['해결', '완료'] },
    { id: 'closed', ko: '종결', en: 'Closed' },
    { id: 'withdrawn', ko: '취하', en: 'Withdrawn' },
  ],
};

/** How a VOM case's status reads in this vocabulary (a rejected case is not counted at all). */
export const CASE_STATUS_MAP: Readonly<Record<string, string>> = {
  received: 'received', assigned: 'in_progress', in_progress: 'in_progress', resolved: 'resolved', closed: 'closed',
};

const fold = (s: string) => s.normalize('NFC').toLowerCase().replace(/[\s_·./-]+/g, '');

const lookup = new Map<Dimension, Map<string, string>>(
  DIMENSIONS.map((d) => {
    const m = new Map<string, string>();
    for (const t of TAXONOMY[d]) for (const name of [t.id, t.ko, t.en, ...(t.aliases ?? [])]) m.set(fold(name), t.id);
    return [d, m];
  }),
);

/** The term id for a value as a source file writes it (id, Korean or English label, alias), or null. */
export function resolveTerm(dimension: Dimension, value: string): string | null {
  return lookup.get(dimension)!.get(fold(value)) ?? null;
}

export function isTerm(dimension: Dimension, id: string): boolean {
  return TAXONOMY[dimension].some((t) => t.id === id);
}

export function termLabel(dimension: Dimension, id: string | null, lang: 'ko' | 'en' = 'ko'): string {
  if (id === null) return '';
  const t = TAXONOMY[dimension].find((x) => x.id === id);
  return t ? t[lang] : id;
}
