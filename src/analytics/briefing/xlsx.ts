import ExcelJS from 'exceljs';
import { addRowsSheet, type Cell } from '../../core/xlsx.js';
import { categoryLabel } from '../../vom/labels.js';
import { STATUS_LABELS, type CaseStatus } from '../../vom/workflow.js';
import type { BriefingContent, Compared } from './types.js';

// The briefing as a workbook, for those who rework the numbers (monthly
// reports, the Credit Finance Association figures): one sheet per section,
// plain values, times as the zone's wall clock (Excel has no zones).

function wallClock(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

const cmp = (c: Compared): Cell[] => [c.count, c.previousDay, c.weekBefore];
const status = (s: string) => STATUS_LABELS[s as CaseStatus]?.ko ?? s;

export async function briefingWorkbook(c: BriefingContent, meta: { version: number; generatedAt: string; generatedBy: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${meta.generatedBy})`;
  wb.created = new Date(meta.generatedAt);
  const tz = c.timezone;
  addRowsSheet(wb, '요약', ['항목', '당일', '전일', '전주 같은 요일'], [
    ['기준일', c.day, null, null],
    ['기준 시각', wallClock(c.asOf, tz), null, null],
    ['버전', meta.version, null, null],
    ['모니터링 통화', ...cmp(c.calls.monitored)],
    ['통화 시간 (초)', c.calls.talkSeconds, null, null],
    ['알림', ...cmp(c.alerts.total)],
    ['고위험 알림 (4–5)', ...cmp(c.alerts.highSeverity)],
    ['오탐 처리', c.alerts.falsePositives, null, null],
    ['신규 사례', c.cases.newCount, null, null],
    ['진행 중 사례', c.cases.openTotal, null, null],
    ['SLA 초과', c.cases.slaBreachCount, null, null],
    ['반복 민원', c.repeats.count, null, null],
    ['조기 경보', c.earlyWarnings.available ? c.earlyWarnings.count : '미설치', null, null],
  ], [22, 20, 10, 16]);
  addRowsSheet(wb, '유형별 알림', ['유형', '당일', '전일', '전주 같은 요일'], c.alerts.byCategory.map((x) => [categoryLabel(x.category), ...cmp(x)]), [22, 10, 10, 16]);
  addRowsSheet(wb, '심각도별 알림', ['심각도', '당일', '전일', '전주 같은 요일'], c.alerts.bySeverity.map((x) => [x.severity, ...cmp(x)]), [10, 10, 10, 16]);
  addRowsSheet(wb, '시간대별 알림', ['시', '알림'], c.alerts.byHour.map((n, h) => [h, n]), [6, 10]);
  addRowsSheet(wb, '주요 위험 통화', ['순위', '통화 ID', '고객', '상담사', '최고 심각도', '위험도', '유형', '심각도', '감지 발화', '규칙', '설명'],
    c.topCalls.flatMap((call, i) => call.alerts.map((a) => [
      i + 1, call.callId, call.customerId, call.agentId, call.maxSeverity, call.riskScore, categoryLabel(a.category), a.severity, a.match, a.ruleId, a.explanation,
    ])), [6, 38, 14, 12, 10, 8, 16, 8, 30, 26, 50]);
  const caseRows = (rows: BriefingContent['cases']['new']) => rows.map((k) => [k.ref, k.title, categoryLabel(k.category), k.severity, status(k.status), k.customerId, k.assigneeName, wallClock(k.dueAt, tz)]);
  const caseHeader = ['사례 번호', '제목', '유형', '심각도', '상태', '고객', '담당자', '처리 기한'];
  const caseWidths = [14, 40, 16, 8, 10, 14, 14, 20];
  addRowsSheet(wb, '신규 사례', caseHeader, caseRows(c.cases.new), caseWidths);
  addRowsSheet(wb, 'SLA 초과', [...caseHeader, '초과 (시간)'], c.cases.slaBreaches.map((k, i) => [...caseRows([k])[0]!, c.cases.slaBreaches[i]!.hoursOverdue]), [...caseWidths, 12]);
  addRowsSheet(wb, '반복 민원', ['시각', '사례 번호', '고객', '유형', '구분', '통화 ID'],
    c.repeats.items.map((r) => [wallClock(r.at, tz), r.caseRef, r.customerId, categoryLabel(r.category), r.kind === 'contact' ? '재접촉' : '종결 사례의 재민원', r.callId]), [20, 14, 14, 16, 18, 38]);
  addRowsSheet(wb, '조기 경보', ['발생', '이슈', '통화', '평소', '상태'],
    c.earlyWarnings.items.map((w) => [wallClock(w.raisedAt, tz), w.topicLabel, w.calls, w.baseline, w.status]), [20, 30, 8, 8, 12]);
  addRowsSheet(wb, '규칙·표현', ['구분', '규칙 / 표현', '유형', '알림', '탐지', '부정/가정'], [
    ...c.topRules.map((r): Cell[] => ['규칙', r.ruleId, categoryLabel(r.category), r.alerts, r.hits, null]),
    ...c.topPhrases.map((p): Cell[] => ['표현', p.term, categoryLabel(p.category), null, p.hits, p.negated]),
  ], [8, 30, 16, 8, 8, 10]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
