import type { Alert } from '../core/types.js';
import { DATE_FORMAT, kst, type Column } from '../core/xlsx.js';
import type { StoredCall } from '../store/calls.js';
import type { Case } from '../store/cases.js';
import { ALERT_STATUS_LABELS, categoryLabel } from './labels.js';
import { STATUS_LABELS } from './workflow.js';

// The columns of the console's list exports (alerts, cases, calls): Korean
// headers, times in KST. The workbook itself is built by core/xlsx.

const ms = (v: number) => `${Math.floor(v / 60000)}:${String(Math.floor(v / 1000) % 60).padStart(2, '0')}`;

export const ALERT_COLUMNS: Column<Alert & { customerId?: string | null; agentId?: string | null }>[] = [
  { header: '발생 시각', width: 20, value: (a) => kst(a.createdAt), format: DATE_FORMAT },
  { header: '유형', width: 16, value: (a) => categoryLabel(a.category) },
  { header: '심각도', width: 8, value: (a) => a.severity },
  { header: '상태', width: 10, value: (a) => ALERT_STATUS_LABELS[a.status] ?? a.status },
  { header: '일치 표현', width: 22, value: (a) => a.match },
  { header: '사전 용어', width: 16, value: (a) => a.term },
  { header: '발화자', width: 8, value: (a) => (a.speaker === 'customer' ? '고객' : '상담사') },
  { header: '통화 시점', width: 10, value: (a) => ms(a.startMs) },
  { header: '반복 횟수', width: 9, value: (a) => a.hitCount },
  { header: '통화 ID', width: 38, value: (a) => a.callId },
  { header: '규칙', width: 26, value: (a) => a.ruleId },
  { header: '설명', width: 50, value: (a) => a.explanation },
  { header: '사유', width: 30, value: (a) => a.statusReason },
  { header: '민원 사례', width: 38, value: (a) => a.caseId },
  { header: '알림 ID', width: 38, value: (a) => a.id },
];

export const CASE_COLUMNS: Column<Case>[] = [
  { header: '사례 번호', width: 14, value: (c) => c.ref },
  { header: '제목', width: 40, value: (c) => c.title },
  { header: '상태', width: 10, value: (c) => STATUS_LABELS[c.status].ko },
  { header: '유형', width: 16, value: (c) => categoryLabel(c.category) },
  { header: '심각도', width: 8, value: (c) => c.severity },
  { header: '고객', width: 16, value: (c) => c.customerId },
  { header: '담당자', width: 16, value: (c) => c.assigneeName },
  { header: '처리 기한', width: 20, value: (c) => kst(c.dueAt), format: DATE_FORMAT },
  { header: '기한 초과', width: 10, value: (c) => (c.overdue ? '초과' : '') },
  { header: '반복 민원', width: 10, value: (c) => (c.repeat ? `반복 (${c.repeatCount})` : '') },
  { header: '연결 알림', width: 10, value: (c) => c.alertCount },
  { header: '연결 통화', width: 10, value: (c) => c.callCount },
  { header: '접수 시각', width: 20, value: (c) => kst(c.createdAt), format: DATE_FORMAT },
  { header: '해결 시각', width: 20, value: (c) => kst(c.resolvedAt), format: DATE_FORMAT },
  { header: '종결 시각', width: 20, value: (c) => kst(c.closedAt), format: DATE_FORMAT },
  { header: '상태 사유', width: 30, value: (c) => c.statusReason },
];

export const CALL_COLUMNS: Column<StoredCall>[] = [
  { header: '통화 시작', width: 20, value: (c) => kst(c.startedAt), format: DATE_FORMAT },
  { header: '통화 종료', width: 20, value: (c) => kst(c.endedAt), format: DATE_FORMAT },
  { header: '고객', width: 16, value: (c) => c.customerId },
  { header: '상담사', width: 16, value: (c) => c.agentId },
  { header: '위험도', width: 8, value: (c) => c.riskScore },
  { header: '수집 경로', width: 12, value: (c) => c.source },
  { header: '통화 ID', width: 38, value: (c) => c.id },
];
