import type { ColumnSpec } from '../analytics/surveys/files.js';

// Member files (CSV, xlsx, JSON) are read by 고객 평가's file reader
// (src/analytics/surveys/files.ts: readRecords) with these columns: the API's
// field names or the Korean titles of the console's template.

export const MEMBER_COLUMNS: ColumnSpec[] = [
  { field: 'externalId', aliases: ['external_id', 'id', '고객ID', '고객번호', '회원번호'], kind: 'text' },
  { field: 'name', aliases: ['이름', '성명', '고객명'], kind: 'text' },
  { field: 'ageBand', aliases: ['age_band', '연령대', '연령'], kind: 'text' },
  { field: 'grade', aliases: ['등급', '고객등급'], kind: 'text' },
  { field: 'region', aliases: ['지역'], kind: 'text' },
  { field: 'products', aliases: ['보유상품', '상품'], kind: 'text' },
  { field: 'tenureYears', aliases: ['tenure_years', '거래기간', '거래연수'], kind: 'number' },
  { field: 'status', aliases: ['상태'], kind: 'lower' },
  { field: 'channel', aliases: ['연락채널', '채널'], kind: 'lower' },
  { field: 'contact', aliases: ['연락처'], kind: 'text' },
  { field: 'consentAt', aliases: ['consent_at', '동의일시', '동의일'], kind: 'time' },
  { field: 'consentPurpose', aliases: ['consent_purpose', '동의목적', '이용목적'], kind: 'text' },
  { field: 'consentVersion', aliases: ['consent_version', '동의서버전', '약관버전'], kind: 'text' },
];

export const MEMBER_REQUIRED = ['externalId', 'consentAt', 'consentPurpose', 'consentVersion'];
