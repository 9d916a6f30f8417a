// Korean labels for exports and server-made text. The console has its own copy
// (web/src/i18n.ts) because it is built separately; unknown ids show as-is.

export const CATEGORY_LABELS: Record<string, string> = {
  external_authority: '대외기관 민원',
  media: '언론·SNS 제보',
  legal: '법적 대응',
  complaint: '명시적 불만',
  churn: '해지 위협',
  repeat_contact: '반복 민원',
  abuse: '폭언·욕설',
};

export const ALERT_STATUS_LABELS: Record<string, string> = {
  open: '신규',
  acknowledged: '확인',
  false_positive: '오탐',
  escalated: '민원 전환',
};

export const categoryLabel = (c: string | null): string => (c === null ? '' : CATEGORY_LABELS[c] ?? c);
