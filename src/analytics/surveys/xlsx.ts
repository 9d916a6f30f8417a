import ExcelJS from 'exceljs';
import type { Benchmark, Dimension, SurveyComment } from '../../store/surveys.js';
import { addRowsSheet, kst, type Cell } from '../../core/xlsx.js';
import { METRICS, type Change, type Metric, type MetricIndex } from './indices.js';
import type { Group, Overview, SeriesPoint } from './service.js';

// The 고객 평가 screen as a workbook, for monthly reports: the indices with
// their intervals and change, the series, each breakdown, the benchmarks and
// the comments. Plain values (numbers stay numbers), Korean headers, KST.

export const METRIC_LABELS: Record<Metric, { name: string; headline: string; secondary: string }> = {
  nps: { name: 'NPS', headline: 'NPS (추천 − 비추천, %p)', secondary: '' },
  csat: { name: 'CSAT', headline: 'CSAT (4–5점 비율, %)', secondary: 'CSAT 평균 (1–5)' },
  ces: { name: 'CES', headline: 'CES 평균 (1–7)', secondary: 'CES 쉬움 비율 (5–7점, %)' },
};

const DIMENSION_SHEETS: Record<Dimension, string> = { touchpoint: '접점별', product: '상품별', segment: '고객군별' };

const est = (ix: MetricIndex | null): Cell[] => [ix?.headline?.value ?? null, ix?.headline?.low ?? null, ix?.headline?.high ?? null, ix?.n ?? 0, ix ? (ix.smallSample ? '표본 부족' : '') : ''];
const change = (c: Change | null): Cell[] => [c?.difference ?? null, c?.low ?? null, c?.high ?? null, c?.significant === null || !c ? '' : c.significant ? '유의' : '구간 내'];

export interface SurveyWorkbookInput {
  overview: Overview;
  series: SeriesPoint[];
  breakdowns: Record<Dimension, Group[]>;
  benchmarks: Benchmark[];
  comments: SurveyComment[];
  filters: Record<string, unknown>;
  by: string;
}

export async function surveyWorkbook(x: SurveyWorkbookInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = `Minwon Radar (${x.by})`;
  wb.created = new Date();
  const o = x.overview;
  addRowsSheet(wb, '요약', ['지표', '값', '95% 하한', '95% 상한', '응답 수', '표본', '보조 지표', '보조 값', '보조 하한', '보조 상한', '비교 기간 값', '변화', '변화 하한', '변화 상한', '판정'],
    METRICS.map((m) => {
      const cur = o.metrics[m].current;
      const secondary = m === 'nps'
        ? ['추천 / 중립 / 비추천 (%)', cur.shares ? `${cur.shares.promoters} / ${cur.shares.passives} / ${cur.shares.detractors}` : null, null, null]
        : [METRIC_LABELS[m].secondary, cur.secondary?.value ?? null, cur.secondary?.low ?? null, cur.secondary?.high ?? null];
      return [METRIC_LABELS[m].headline, ...est(cur), ...secondary, o.metrics[m].previous?.headline?.value ?? null, ...change(o.metrics[m].change)];
    }), [26, 9, 10, 10, 9, 10, 24, 16, 10, 10, 13, 9, 10, 10, 9]);
  const seriesHeader = ['기간', ...METRICS.flatMap((m) => [METRIC_LABELS[m].name, '하한', '상한', 'n', '표본'])];
  addRowsSheet(wb, '추이', seriesHeader, x.series.map((p) => [p.label, ...METRICS.flatMap((m) => est(p[m]))]), [12, ...METRICS.flatMap(() => [9, 8, 8, 7, 10])]);
  for (const d of ['touchpoint', 'product', 'segment'] as const) {
    addRowsSheet(wb, DIMENSION_SHEETS[d], ['구분', '응답 수', ...METRICS.flatMap((m) => [METRIC_LABELS[m].name, '하한', '상한', 'n', '표본'])],
      x.breakdowns[d].map((g) => [g.key ?? '(미지정)', g.n, ...METRICS.flatMap((m) => est(g[m]))]), [18, 9, ...METRICS.flatMap(() => [9, 8, 8, 7, 10])]);
  }
  addRowsSheet(wb, '외부 벤치마크', ['지표', '기간', '출처', '대상', '구분', '값', '비고', '수정자', '수정 시각'],
    x.benchmarks.map((b) => [METRIC_LABELS[b.metric].name, b.period, b.source, b.subject, b.subjectKind === 'company' ? '회사' : '업계', b.value, b.note, b.updatedBy, kst(b.updatedAt)]),
    [8, 10, 22, 20, 8, 9, 30, 14, 20]).getColumn(9).numFmt = 'yyyy-mm-dd hh:mm';
  addRowsSheet(wb, '고객 의견', ['응답 일시', '지표', '점수', '접점', '상품', '고객군', '의견 (개인정보 가림)', '통화 ID', '사례', '응답 ID'],
    x.comments.map((c) => [kst(c.respondedAt), METRIC_LABELS[c.metric].name, c.score, c.touchpoint, c.product, c.segment, c.comment, c.callId, c.caseRef ?? c.caseId, c.externalId]),
    [18, 7, 6, 10, 14, 12, 60, 30, 14, 22]).getColumn(1).numFmt = 'yyyy-mm-dd hh:mm';
  const about = wb.addWorksheet('조건');
  about.addRow(['내보낸 사람', x.by]);
  about.addRow(['내보낸 시각 (KST)', kst(new Date().toISOString())]);
  about.getCell('B2').numFmt = 'yyyy-mm-dd hh:mm';
  about.addRow(['기간 시작 (KST)', kst(o.period.from)]);
  about.addRow(['기간 끝 (KST, 미포함)', kst(o.period.to)]);
  if (o.compare) about.addRow(['비교 기간', `${kst(o.compare.from)!.toISOString().slice(0, 10)} – ${kst(o.compare.to)!.toISOString().slice(0, 10)} (${o.compare.mode === 'year' ? '전년 동기' : '직전 기간'})`]);
  for (const [k, v] of Object.entries(x.filters)) if (v !== undefined && v !== null && v !== '') about.addRow([`조건: ${k}`, String(v)]);
  about.addRow(['구간', '95% 신뢰구간: 비율 Wilson, NPS 조정 Wald(Rocks), 평균 t 분포; 변화는 MOVER (docs/surveys.md)']);
  for (const c of ['B3', 'B4']) about.getCell(c).numFmt = 'yyyy-mm-dd hh:mm';
  about.getColumn(1).width = 22;
  about.getColumn(2).width = 60;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
