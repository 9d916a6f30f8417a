import ExcelJS from 'exceljs';
import { addRowsSheet, type Cell } from '../../core/xlsx.js';
import type { Summary } from './compute.js';
import { BREAKDOWN_DIMENSIONS } from './compute.js';
import type { PeerComparison, MonitoringMonth, TrendResult } from './service.js';
import type { CustomerBaseEntry } from '../../store/statistics.js';

// The statistics screen as a workbook, for the quarterly report: a sheet per
// section, plain values (percentages as numbers of percent, converted counts
// with two decimals) so they can be reworked.

const DIMENSION_KO: Record<string, string> = {
  channel: '채널', product: '상품', type: '유형', cause: '원인', scope: '대내외', externalBody: '외부기관', severity: '중요도',
};
const MEASURE_KO = { complaints: '민원 건수', converted: '환산 건수', complaintsChangePct: '건수 증감률(%)', convertedChangePct: '환산 증감률(%)' };

export async function statisticsWorkbook(input: {
  summary: Summary;
  trend: TrendResult;
  peers: PeerComparison;
  monitoring: MonitoringMonth[];
  customerBase: CustomerBaseEntry[];
  by: string;
}): Promise<Buffer> {
  const { summary: s, trend, peers } = input;
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${input.by})`;
  wb.created = new Date();
  addRowsSheet(wb, '요약', ['항목', s.period.label.ko, s.previousPeriod.label.ko, '증감률(%)'], [
    ['기간', `${s.period.from} ~ ${s.period.to} (미포함)`, `${s.previousPeriod.from} ~ ${s.previousPeriod.to} (미포함)`, null],
    ['구분', s.scope === 'all' ? '전체' : s.scope === 'internal' ? '대내' : '대외', null, null],
    ['민원 건수', s.complaints.count, s.complaints.previous, s.complaints.changePct],
    ['고객 수', s.customers.now?.customers ?? null, s.customers.previous?.customers ?? null, null],
    ['고객 수 기준', s.customers.now?.basis ?? '미입력', s.customers.previous?.basis ?? '미입력', null],
    ['환산 건수 (10만 명당)', s.converted.value, s.converted.previous, s.converted.changePct],
  ], [24, 24, 24, 12]);
  const rows: Cell[][] = [];
  for (const d of BREAKDOWN_DIMENSIONS) for (const b of s.breakdowns[d]) rows.push([DIMENSION_KO[d]!, b.ko, b.count, b.previous, b.changePct, Math.round(b.share * 1000) / 10]);
  addRowsSheet(wb, '분류별', ['분류', '항목', '건수', '전년 동기', '증감률(%)', '비중(%)'], rows, [12, 22, 10, 10, 12, 10]);
  addRowsSheet(wb, '추이', ['기간', '건수', '대내', '대외', '전년 동기'], trend.points.map((p) => [p.bucket, p.count, p.internal, p.external, p.previous]), [14, 10, 10, 10, 12]);
  addRowsSheet(wb, '누적', ['분기 누적', '건수', '전년 동기'], trend.cumulative.map((c) => [`${c.quarter} 누적`, c.count, c.previous]), [16, 10, 12]);
  addRowsSheet(wb, '타사 비교', ['회사', '당사', ...Object.values(MEASURE_KO), ...Object.values(MEASURE_KO).map((m) => `${m} 순위`), '출처'],
    peers.items.map((p) => [p.company, p.isSelf ? '●' : '', p.complaints, p.converted, p.complaintsChangePct, p.convertedChangePct,
      p.ranks.complaints, p.ranks.converted, p.ranks.complaintsChangePct, p.ranks.convertedChangePct, p.source]),
    [16, 6, 10, 10, 14, 14, 12, 12, 16, 16, 24], { 4: '0.00' });
  addRowsSheet(wb, '모니터링', ['월', '모니터링 건수', '출처', '알림 통화', '알림', '알림→사례'],
    input.monitoring.map((m) => [m.month, m.monitoredCases, (m.source === 'measured' ? '집계' : m.source === 'recorded' ? '입력' : '없음') + (m.partial ? ' (진행 중)' : ''), m.callsWithAlerts, m.alerts, m.casesOpened]),
    [10, 14, 8, 12, 10, 12]);
  addRowsSheet(wb, '고객 수', ['기간', '고객 수', '비고', '수정자'], input.customerBase.map((c) => [c.period, c.customers, c.note, c.updatedBy]), [10, 14, 30, 14], { 2: '#,##0' });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
