import { fold } from '../statistics/rows.js';

// The dataset kinds combined analysis joins with complaints, declared as data:
// each field's type, whether it is required, the headers other systems export
// it under (Korean and English), and which stored column it fills. The join
// columns (customer, product, channel, period, quantity…) are what the SQL of
// src/store/datasets.ts reads; every normalised field is also kept in `data`.
// Adding a field is adding a line here; adding a kind is adding an entry and,
// if it needs a new join, a query.

export type DatasetKind = 'consultations' | 'sales' | 'marketing' | 'platform';
export const DATASET_KINDS: readonly DatasetKind[] = ['consultations', 'sales', 'marketing', 'platform'];

export type FieldType = 'id' | 'text' | 'datetime' | 'date' | 'int' | 'bool' | 'product' | 'channel';

/** Stored columns a field may fill (the join keys; see migration 015). */
export type JoinColumn = 'key' | 'occurredAt' | 'customer' | 'product' | 'channel' | 'category' | 'label' | 'qty' | 'amount' | 'flag';

export interface FieldDef {
  field: string;
  type: FieldType;
  required?: boolean;
  /** Longest text accepted (text and id fields). */
  max?: number;
  /** Smallest and largest number (int fields). */
  min?: number;
  maxValue?: number;
  /** The stored column this field fills. */
  column?: JoinColumn;
  /** Value when the cell is blank (int and bool fields). */
  default?: number | boolean;
  /** Headers other systems export this field under (matched ignoring case, spaces and _ . / - ·). */
  headers: readonly string[];
  ko: string;
  en: string;
}

export interface KindDef {
  kind: DatasetKind;
  ko: string;
  en: string;
  /** What the kind answers, for the console. */
  about: { ko: string; en: string };
  fields: readonly FieldDef[];
}

const ID: FieldDef = { field: 'id', type: 'id', column: 'key', max: 128, headers: ['id', 'row_id', '번호', '관리번호', '일련번호'], ko: '행 ID', en: 'Row id' };
const CUSTOMER: FieldDef = { field: 'customerId', type: 'id', column: 'customer', max: 64, headers: ['customer_id', 'customer', 'cust_id', '고객번호', '고객id', '회원번호', '고객'], ko: '고객번호', en: 'Customer id' };
const PRODUCT: FieldDef = { field: 'product', type: 'product', column: 'product', headers: ['product', '상품', '상품구분', '상품명', '카드상품'], ko: '상품', en: 'Product' };

export const KINDS: Record<DatasetKind, KindDef> = {
  consultations: {
    kind: 'consultations', ko: '상담', en: 'Consultations',
    about: { ko: '콜센터·영업점 상담 이력 — 상담 1,000건당 민원', en: 'Contact-centre and branch consultations — complaints per 1,000 consultations' },
    fields: [
      { ...ID, required: true, headers: ['consultation_id', 'id', '상담번호', '상담id', '접수번호', '관리번호'] },
      { field: 'occurredAt', type: 'datetime', required: true, column: 'occurredAt', headers: ['occurred_at', 'datetime', 'date', 'time', 'started_at', '상담일시', '상담일자', '일시', '상담일', '접수일시'], ko: '상담 일시', en: 'Date/time' },
      CUSTOMER,
      { ...PRODUCT },
      { field: 'channel', type: 'channel', column: 'channel', headers: ['channel', '채널', '상담채널', '접수채널'], ko: '채널', en: 'Channel' },
      { field: 'reason', type: 'text', column: 'category', max: 200, headers: ['reason', 'category', '상담사유', '상담유형', '사유', '문의유형'], ko: '상담 사유', en: 'Reason' },
      { field: 'durationSec', type: 'int', min: 0, maxValue: 86_400, headers: ['duration_sec', 'duration', '통화시간', '상담시간', '소요시간(초)', '소요시간', '통화시간(초)'], ko: '상담 시간(초)', en: 'Duration (s)' },
    ],
  },
  sales: {
    kind: 'sales', ko: '판매', en: 'Sales',
    about: { ko: '상품 판매·신규 발급 — 판매 10,000건당 민원', en: 'Product sales and new cards — complaints per 10,000 sold' },
    fields: [
      ID,
      { field: 'date', type: 'date', required: true, column: 'occurredAt', headers: ['date', 'sold_on', 'sale_date', '판매일', '발급일', '일자', '기준일'], ko: '판매일', en: 'Date' },
      { ...PRODUCT, required: true },
      { ...CUSTOMER },
      { field: 'count', type: 'int', required: true, column: 'qty', min: 0, maxValue: 100_000_000, headers: ['count', 'qty', 'quantity', 'sales', '판매건수', '건수', '발급건수', '수량'], ko: '판매 건수', en: 'Count' },
      { field: 'amount', type: 'int', column: 'amount', min: 0, maxValue: Number.MAX_SAFE_INTEGER, headers: ['amount', '금액', '판매금액', '이용금액'], ko: '금액(원)', en: 'Amount (KRW)' },
      { field: 'channel', type: 'channel', column: 'channel', headers: ['channel', '채널', '판매채널', '모집채널'], ko: '채널', en: 'Channel' },
    ],
  },
  marketing: {
    kind: 'marketing', ko: '마케팅', en: 'Marketing',
    about: { ko: '캠페인 접촉 고객 — 접촉 고객과 미접촉 고객의 민원율 비교', en: 'Campaign contacts — complaint rate of contacted vs not contacted customers' },
    fields: [
      ID,
      { field: 'campaignId', type: 'id', required: true, column: 'category', max: 64, headers: ['campaign_id', 'campaign', '캠페인id', '캠페인코드', '캠페인번호'], ko: '캠페인 ID', en: 'Campaign id' },
      { field: 'campaignName', type: 'text', column: 'label', max: 200, headers: ['campaign_name', 'name', '캠페인명', '캠페인이름'], ko: '캠페인명', en: 'Campaign name' },
      { ...CUSTOMER, required: true },
      { field: 'contactedAt', type: 'datetime', required: true, column: 'occurredAt', headers: ['contacted_at', 'sent_at', 'date', '접촉일시', '발송일시', '접촉일', '발송일'], ko: '접촉 일시', en: 'Contacted at' },
      { field: 'channel', type: 'text', column: 'channel', max: 50, headers: ['channel', '채널', '접촉채널', '발송채널', '매체'], ko: '접촉 채널', en: 'Channel' },
      { field: 'responded', type: 'bool', column: 'flag', default: false, headers: ['responded', 'response', '반응', '응답', '반응여부', '응답여부'], ko: '반응 여부', en: 'Responded' },
    ],
  },
  platform: {
    kind: 'platform', ko: '플랫폼', en: 'Platform',
    about: { ko: '앱·웹 이벤트(배포·장애 등) — 이벤트 전후 민원 비교', en: 'App and web events (releases, incidents…) — complaints before and after' },
    fields: [
      ID,
      { field: 'occurredAt', type: 'datetime', required: true, column: 'occurredAt', headers: ['occurred_at', 'datetime', 'date', 'time', '일시', '발생일시', '배포일시', '일자'], ko: '일시', en: 'Date/time' },
      { field: 'platform', type: 'text', required: true, column: 'channel', max: 50, headers: ['platform', '플랫폼', '시스템', '매체'], ko: '플랫폼', en: 'Platform' },
      { field: 'eventKind', type: 'text', required: true, column: 'category', max: 50, headers: ['event_kind', 'event', 'kind', 'type', '이벤트', '이벤트종류', '구분', '유형'], ko: '이벤트 종류', en: 'Event kind' },
      { field: 'version', type: 'text', column: 'label', max: 50, headers: ['version', '버전', '앱버전'], ko: '버전', en: 'Version' },
      { field: 'count', type: 'int', column: 'qty', min: 0, maxValue: 1_000_000_000, default: 1, headers: ['count', 'events', '건수', '발생건수', '횟수'], ko: '건수', en: 'Count' },
      { field: 'description', type: 'text', max: 500, headers: ['description', 'note', '내용', '설명', '비고'], ko: '설명', en: 'Description' },
    ],
  },
};

export function isKind(k: string): k is DatasetKind {
  return (DATASET_KINDS as readonly string[]).includes(k);
}

/** header of the file → field of the kind (or null: not imported). */
export type Mapping = Record<string, string | null>;

/**
 * Suggests a field for each header: an exact field id first, then a known
 * header spelling; each field is taken at most once (the first header wins).
 */
export function suggestMapping(kind: DatasetKind, headers: readonly string[]): Mapping {
  const defs = KINDS[kind].fields;
  const taken = new Set<string>();
  const out: Mapping = {};
  const pick = (h: string, match: (f: FieldDef) => boolean) => {
    const f = defs.find((d) => !taken.has(d.field) && match(d));
    if (f) { taken.add(f.field); out[h] = f.field; }
  };
  for (const h of headers) out[h] = null;
  for (const h of headers) pick(h, (d) => d.field.toLowerCase() === h.trim().toLowerCase());
  for (const h of headers) if (out[h] === null) pick(h, (d) => d.headers.some((x) => fold(x) === fold(h)) || fold(d.ko) === fold(h) || fold(d.en) === fold(h));
  return out;
}

export interface MappingProblem {
  field: string;
  code: 'missing_column' | 'unknown_field' | 'mapped_twice' | 'unknown_header';
  message: string;
}

/** What is wrong with a mapping (a field required by the kind left unmapped, a field named twice…). */
export function checkMapping(kind: DatasetKind, headers: readonly string[], mapping: Mapping): MappingProblem[] {
  const defs = KINDS[kind].fields;
  const problems: MappingProblem[] = [];
  const seen = new Map<string, string>();
  for (const [h, f] of Object.entries(mapping)) {
    if (!headers.includes(h)) { problems.push({ field: f ?? h, code: 'unknown_header', message: `The file has no column '${h}'` }); continue; }
    if (f === null) continue;
    if (!defs.some((d) => d.field === f)) problems.push({ field: f, code: 'unknown_field', message: `'${f}' is not a field of ${kind}` });
    else if (seen.has(f)) problems.push({ field: f, code: 'mapped_twice', message: `${f} is mapped from both '${seen.get(f)}' and '${h}'` });
    else seen.set(f, h);
  }
  for (const d of defs) {
    if (d.required && !seen.has(d.field)) problems.push({ field: d.field, code: 'missing_column', message: `No column is mapped to ${d.field} (${d.ko}), which ${kind} requires` });
  }
  return problems;
}
