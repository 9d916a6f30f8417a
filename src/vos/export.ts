import { kst, type Column } from '../core/xlsx.js';
import { categoryLabel } from '../vom/labels.js';
import type { VosPost } from '../store/vos.js';
import { CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS } from './model.js';

// The board's Excel export: one row per post as stored (redacted), Korean headers, times in KST.

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

export function vosColumns(topicLabel: (id: string) => string): Column<VosPost>[] {
  return [
    { header: '번호', width: 13, value: (p) => p.ref },
    { header: '작성 시각', width: 20, value: (p) => kst(p.postedAt), format: DATE_FORMAT },
    { header: '경로', width: 14, value: (p) => CHANNEL_LABELS[p.channel].ko },
    { header: '유형', width: 8, value: (p) => KIND_LABELS[p.kind].ko },
    { header: '상태', width: 12, value: (p) => STATUS_LABELS[p.status].ko },
    { header: '제목', width: 40, value: (p) => p.title },
    { header: '내용', width: 70, value: (p) => p.body },
    { header: '위험 유형', width: 24, value: (p) => p.categories.map(categoryLabel).join(', ') },
    { header: '위험 심각도', width: 10, value: (p) => (p.severity > 0 ? p.severity : null) },
    { header: '주제', width: 30, value: (p) => p.topics.map(topicLabel).join(', ') },
    { header: '고객', width: 16, value: (p) => p.customerId },
    { header: '상품', width: 16, value: (p) => p.product },
    { header: '답변', width: 50, value: (p) => p.answer },
    { header: '답변자', width: 12, value: (p) => p.answeredBy },
    { header: '답변 시각', width: 20, value: (p) => kst(p.answeredAt), format: DATE_FORMAT },
    { header: '비공개 사유', width: 30, value: (p) => p.hiddenReason },
    { header: '민원 사례', width: 14, value: (p) => p.caseRef },
    { header: '외부 ID', width: 24, value: (p) => p.externalId },
  ];
}
