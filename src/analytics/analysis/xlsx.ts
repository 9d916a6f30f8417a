import ExcelJS from 'exceljs';
import { addTableSheet, DATE_FORMAT, kst } from '../../core/xlsx.js';
import type { Dataset, OverlapCustomer } from '../../store/datasets.js';
import type { CampaignEffect, PlatformEvent, RateResult } from './service.js';

// The combined analysis as one workbook: each analysis a sheet with its
// numerators and denominators (so a reader can recompute every rate), the
// datasets it was computed from, and the conditions.

export interface AnalysisBook {
  consultations: RateResult;
  sales: RateResult;
  marketing: CampaignEffect[];
  platform: { days: { day: string; complaints: number }[]; events: PlatformEvent[] };
  customers: OverlapCustomer[];
  datasets: Dataset[];
  filters: Record<string, unknown>;
  by: string;
}

export async function analysisWorkbook(b: AnalysisBook): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${b.by})`;
  wb.created = new Date();
  const rateSheet = (name: string, r: RateResult, den: string) => addTableSheet(wb, name, [
    { header: '구분', width: 22, value: (x: RateResult['items'][number]) => x.ko },
    { header: '민원 (분자)', width: 14, value: (x) => x.complaints },
    { header: `${den} (분모)`, width: 16, value: (x) => x.denominator },
    { header: `${r.per.toLocaleString()}건당 민원`, width: 18, value: (x) => x.rate },
  ], [...r.items, { group: 'total', ko: '합계', en: 'Total', ...r.total }]);
  rateSheet('상담 대비 민원', b.consultations, '상담 건수');
  rateSheet('판매 대비 민원', b.sales, '판매 건수');
  addTableSheet(wb, '마케팅 효과', [
    { header: '캠페인', width: 16, value: (x: CampaignEffect) => x.campaignId },
    { header: '캠페인명', width: 24, value: (x) => x.campaignName },
    { header: '첫 접촉일', width: 12, value: (x) => x.firstContact },
    { header: '관찰 기간(일)', width: 12, value: (x) => x.windowDays },
    { header: '접촉 고객', width: 12, value: (x) => x.contacted },
    { header: '접촉 고객 중 민원', width: 16, value: (x) => x.contactedComplained },
    { header: '접촉 민원율(%)', width: 14, value: (x) => x.contactedRatePct },
    { header: '미접촉 고객', width: 12, value: (x) => x.notContacted },
    { header: '미접촉 고객 중 민원', width: 18, value: (x) => x.notContactedComplained },
    { header: '미접촉 민원율(%)', width: 14, value: (x) => x.notContactedRatePct },
    { header: '차이(%p)', width: 10, value: (x) => (x.test ? Math.round(x.test.difference * 10000) / 100 : null) },
    { header: '95% 구간 하한(%p)', width: 16, value: (x) => (x.test ? Math.round(x.test.low * 10000) / 100 : null) },
    { header: '95% 구간 상한(%p)', width: 16, value: (x) => (x.test ? Math.round(x.test.high * 10000) / 100 : null) },
    { header: 'p-값', width: 10, value: (x) => (x.test?.pValue === null || !x.test ? null : Math.round(x.test.pValue * 10000) / 10000) },
  ], b.marketing);
  addTableSheet(wb, '플랫폼 이벤트', [
    { header: '일시 (KST)', width: 20, value: (x: PlatformEvent) => kst(x.occurredAt), format: DATE_FORMAT },
    { header: '플랫폼', width: 12, value: (x) => x.platform },
    { header: '이벤트', width: 12, value: (x) => x.eventKind },
    { header: '버전', width: 10, value: (x) => x.version },
    { header: '이전 민원', width: 10, value: (x) => x.before },
    { header: '이후 민원', width: 10, value: (x) => x.after },
    { header: '이후 관찰일', width: 10, value: (x) => x.afterDays },
    { header: '이전 일평균', width: 12, value: (x) => x.beforePerDay },
    { header: '이후 일평균', width: 12, value: (x) => x.afterPerDay },
    { header: '증감(%)', width: 10, value: (x) => x.changePct },
  ], b.platform.events);
  addTableSheet(wb, '일별 민원', [
    { header: '일자', width: 12, value: (x: { day: string; complaints: number }) => x.day },
    { header: '민원', width: 10, value: (x) => x.complaints },
  ], b.platform.days);
  addTableSheet(wb, '고객 중복', [
    { header: '고객번호', width: 18, value: (x: OverlapCustomer) => x.customerId },
    { header: '상담 건수', width: 10, value: (x) => x.consultations },
    { header: '민원 건수', width: 10, value: (x) => x.complaints },
    { header: '민원 참조', width: 50, value: (x) => x.refs.join(', ') },
  ], b.customers);
  addTableSheet(wb, '데이터셋', [
    { header: '종류', width: 14, value: (x: Dataset) => x.kind },
    { header: '이름', width: 24, value: (x) => x.name },
    { header: '행 수', width: 10, value: (x) => x.rows },
    { header: '수량 합계', width: 12, value: (x) => x.quantity },
    { header: '시작일', width: 12, value: (x) => x.firstDay },
    { header: '종료일', width: 12, value: (x) => x.lastDay },
    { header: '마지막 가져오기 (KST)', width: 20, value: (x) => kst(x.lastImportAt), format: DATE_FORMAT },
  ], b.datasets);
  const about = wb.addWorksheet('조건');
  about.addRow(['내보낸 사람', b.by]);
  about.addRow(['내보낸 시각 (KST)', kst(new Date().toISOString())]);
  about.getCell('B2').numFmt = DATE_FORMAT;
  for (const [k, v] of Object.entries(b.filters)) if (v !== undefined && v !== null && v !== '') about.addRow([`조건: ${k}`, String(v)]);
  about.addRow(['산식', '상담 1,000건당 민원 = 민원 × 1,000 ÷ 상담 건수; 판매 10,000건당 민원 = 민원 × 10,000 ÷ 판매 건수 (docs/analysis.md)']);
  about.getColumn(1).width = 22;
  about.getColumn(2).width = 60;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
