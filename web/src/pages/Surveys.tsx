import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { CustomChart } from 'echarts/charts';
import { LegendComponent } from 'echarts/components';
import { api, ApiError, download, fileBase64, get, qs } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime, kstDate } from '../format';
import { useT } from '../i18n';
import { Link } from '../router';
import { Card, Empty, ErrorBox, Loading, Modal, Spinner, errorText, toast, useSubmit } from '../ui';
import './surveys.css';

// 고객 평가: CSAT, NPS and CES across the business. Metric cards with the
// 95% interval, n and the change against the comparison period; trends with
// interval bands; the indices per touchpoint, product and segment with error
// bars; outside benchmarks beside our value; recent comments; file import
// with row errors; the whole screen as an Excel workbook.

// Error bars and legends are drawn by ECharts pieces the shared Chart does not load.
echarts.use([CustomChart, LegendComponent]);

type Metric = 'nps' | 'csat' | 'ces';
const METRICS: Metric[] = ['nps', 'csat', 'ces'];
type Dimension = 'touchpoint' | 'product' | 'segment';
interface Estimate { value: number; low: number | null; high: number | null }
interface MetricIndex {
  metric: Metric; n: number; smallSample: boolean; headline: Estimate | null; secondary: Estimate | null;
  shares: { promoters: number; passives: number; detractors: number } | null; distribution: number[];
}
interface Change { difference: number; low: number | null; high: number | null; significant: boolean | null; direction: 'up' | 'down' | 'flat' }
interface Overview {
  period: { from: string; to: string }; compare: { from: string; to: string; mode: string } | null;
  metrics: Record<Metric, { current: MetricIndex; previous: MetricIndex | null; change: Change | null }>;
}
type MetricSet = Record<Metric, MetricIndex>;
interface Group extends MetricSet { key: string | null; n: number }
interface Point extends MetricSet { label: string; from: string; to: string }
interface Facets { touchpoint: { value: string; n: number }[]; product: { value: string; n: number }[]; segment: { value: string; n: number }[]; total: number; first: string | null; last: string | null }
interface Comment {
  externalId: string; metric: Metric; score: number; touchpoint: string; product: string | null; segment: string | null; respondedAt: string;
  comment: string; callId: string | null; caseId: string | null; callExists: boolean; caseRef: string | null;
}
interface Benchmark { id: string; metric: Metric; period: string; source: string; subject: string; subjectKind: 'company' | 'industry'; value: number; note: string | null; updatedBy: string; updatedAt: string; difference?: number | null }
interface BenchPeriod { period: string; ours: MetricIndex; benchmarks: Benchmark[] }
interface RowError { row: number; field: string; code: string; message: string }

const COLORS: Record<Metric, string> = { nps: '#1f5fcf', csat: '#2b8a3e', ces: '#ae3ec9' };
const DIGITS: Record<Metric, number> = { nps: 1, csat: 1, ces: 2 };
const fmt = (m: Metric, v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(DIGITS[m]));
const unit = (m: Metric) => (m === 'csat' ? '%' : '');
const addDaysTo = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const kstStart = (day: string) => new Date(`${day}T00:00:00+09:00`).toISOString();

type Preset = '30d' | '90d' | 'quarter' | 'ytd' | '12m' | 'custom';
const PRESETS: Preset[] = ['30d', '90d', 'quarter', 'ytd', '12m', 'custom'];

/** The preset's first and last local day (both inclusive). */
function presetDays(p: Preset, today: string): { from: string; to: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  if (p === '30d') return { from: addDaysTo(today, -29), to: today };
  if (p === '90d') return { from: addDaysTo(today, -89), to: today };
  if (p === 'quarter') return { from: `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`, to: today };
  if (p === 'ytd') return { from: `${y}-01-01`, to: today };
  const start = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 10);
  return { from: start, to: today };
}

// ---- cards ----

function ChangeLine({ m, c }: { m: Metric; c: Change | null }) {
  const { t } = useT();
  if (!c) return <span className="muted">{t('sv.noCompare')}</span>;
  const arrow = c.direction === 'up' ? '▲' : c.direction === 'down' ? '▼' : '–';
  // A higher score is better for all three (CES here: 7 = very easy).
  const cls = c.significant ? (c.direction === 'up' ? 'sv-good' : c.direction === 'down' ? 'sv-bad' : '') : 'sv-flat';
  return (
    <span className={`sv-change ${cls}`} data-testid={`sv-card-${m}-change`} title={c.low !== null ? `${t('sv.changeCi')} ${fmt(m, c.low)} ~ ${fmt(m, c.high)}` : ''}>
      <b>{arrow} {c.difference > 0 ? '+' : ''}{fmt(m, c.difference)}</b>{' '}
      {c.significant === null ? '' : c.significant ? t('sv.significant') : t('sv.withinNoise')}
    </span>
  );
}

function MetricCard({ m, data }: { m: Metric; data: Overview['metrics'][Metric] }) {
  const { t } = useT();
  const ix = data.current;
  const h = ix.headline;
  return (
    <div className={`kpi sv-card sv-card-${m}`} data-testid={`sv-card-${m}`}>
      <div className="sv-card-head">
        <span className="kpi-label">{t(`sv.metric.${m}`)}</span>
        {ix.smallSample ? <span className="badge sv-small" title={t('sv.smallHint')} data-testid={`sv-card-${m}-small`}>{t('sv.small')}</span> : null}
      </div>
      <div className="sv-value" data-testid={`sv-card-${m}-value`}>{h ? `${fmt(m, h.value)}${unit(m)}` : '—'}</div>
      <div className="sv-ci small" data-testid={`sv-card-${m}-ci`}>
        {h && h.low !== null ? <>95% CI {fmt(m, h.low)} ~ {fmt(m, h.high)}</> : <span className="muted">{t('sv.noCi')}</span>}
      </div>
      <div className="sv-card-meta small">
        <span data-testid={`sv-card-${m}-n`}>n = {ix.n.toLocaleString()}</span>
        <ChangeLine m={m} c={data.change} />
      </div>
      {ix.shares ? (
        <div className="sv-shares" title={t('sv.sharesHint')}>
          <div className="sv-sharebar">
            <span style={{ width: `${ix.shares.detractors}%`, background: '#e03131' }} />
            <span style={{ width: `${ix.shares.passives}%`, background: '#ced4da' }} />
            <span style={{ width: `${ix.shares.promoters}%`, background: '#2b8a3e' }} />
          </div>
          <div className="small muted">{t('sv.detractors')} {ix.shares.detractors}% · {t('sv.passives')} {ix.shares.passives}% · {t('sv.promoters')} {ix.shares.promoters}%</div>
        </div>
      ) : ix.secondary ? (
        <div className="small muted sv-secondary">{t(`sv.secondary.${m}`)} <b>{ix.secondary.value.toFixed(m === 'csat' ? 2 : 1)}{m === 'ces' ? '%' : ''}</b>
          {ix.secondary.low !== null ? ` (${ix.secondary.low.toFixed(m === 'csat' ? 2 : 1)} ~ ${ix.secondary.high!.toFixed(m === 'csat' ? 2 : 1)})` : ''}</div>
      ) : <div className="small muted sv-secondary">&nbsp;</div>}
    </div>
  );
}

// ---- charts ----

function trendOption(points: Point[], m: Metric, t: (k: string) => string) {
  const v = points.map((p) => p[m].headline?.value ?? null);
  const lo = points.map((p) => p[m].headline?.low ?? null);
  const band = points.map((p) => (p[m].headline?.low !== null && p[m].headline?.low !== undefined ? p[m].headline!.high! - p[m].headline!.low! : null));
  return {
    animation: false,
    grid: { left: 40, right: 12, top: 14, bottom: 24 },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { dataIndex: number }[]) => {
        const p = points[ps[0]!.dataIndex]!;
        const h = p[m].headline;
        return `${p.label}<br/>${t(`sv.metric.${m}`)}: <b>${h ? fmt(m, h.value) : '—'}</b>${h?.low !== null && h ? ` (${fmt(m, h.low)} ~ ${fmt(m, h.high)})` : ''}<br/>n = ${p[m].n}${p[m].smallSample && p[m].n > 0 ? ` · ${t('sv.small')}` : ''}`;
      },
    },
    xAxis: { type: 'category', data: points.map((p) => p.label), axisLabel: { fontSize: 10 }, axisTick: { show: false } },
    yAxis: { type: 'value', scale: true, splitLine: { lineStyle: { color: '#eef1f5' } }, axisLabel: { fontSize: 10 } },
    series: [
      { type: 'line', data: lo, stack: 'ci', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 }, silent: true },
      { type: 'line', data: band, stack: 'ci', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: `${COLORS[m]}22` }, silent: true },
      { type: 'line', data: v, symbolSize: 6, lineStyle: { color: COLORS[m], width: 2 }, itemStyle: { color: COLORS[m] }, connectNulls: false },
    ],
  };
}

/** Horizontal error bars [low, high] at each category (custom series). */
function errorBarSeries(rows: { low: number | null; high: number | null }[]) {
  return {
    type: 'custom', silent: true, z: 5,
    data: rows.map((r, i) => [i, r.low, r.high]).filter((d) => d[1] !== null),
    encode: { y: 0, x: [1, 2] },
    renderItem: (_: unknown, a: { value(i: number): number; coord(v: number[]): number[]; size(v: number[]): number[] }) => {
      const y = a.value(0);
      const l = a.coord([a.value(1), y]);
      const h = a.coord([a.value(2), y]);
      const cap = a.size([0, 1])[1]! * 0.18;
      const style = { stroke: '#343a40', lineWidth: 1.4 };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: l[0], y1: l[1], x2: h[0], y2: h[1] }, style },
          { type: 'line', shape: { x1: l[0], y1: l[1]! - cap, x2: l[0], y2: l[1]! + cap }, style },
          { type: 'line', shape: { x1: h[0], y1: h[1]! - cap, x2: h[0], y2: h[1]! + cap }, style },
        ],
      };
    },
  };
}

function barsOption(labels: string[], rows: { value: number | null; low: number | null; high: number | null; color: string; note?: string }[], m: Metric) {
  return {
    animation: false,
    grid: { left: 110, right: 40, top: 8, bottom: 22 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const r = rows[p.dataIndex]!;
        return `${labels[p.dataIndex]}: <b>${fmt(m, r.value)}</b>${r.low !== null ? ` (${fmt(m, r.low)} ~ ${fmt(m, r.high)})` : ''}${r.note ? `<br/>${r.note}` : ''}`;
      },
    },
    xAxis: { type: 'value', scale: m === 'ces', splitLine: { lineStyle: { color: '#eef1f5' } }, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { fontSize: 11, width: 100, overflow: 'truncate' }, axisTick: { show: false } },
    series: [
      {
        type: 'bar', barMaxWidth: 18,
        // No value labels: they would sit on the error bars; the table and the tooltip carry the numbers.
        data: rows.map((r) => ({ value: r.value, itemStyle: { color: r.color, borderRadius: 3 } })),
      },
      errorBarSeries(rows),
    ],
  };
}

// ---- the page ----

export function SurveysPage(_props: { focusId?: string }) {
  const { t } = useT();
  const me = useMe();
  const writer = can(me, 'surveys:write');
  const today = kstDate();
  const [preset, setPreset] = useState<Preset>('90d');
  const [custom, setCustom] = useState(() => presetDays('90d', today));
  const [filter, setFilter] = useState<{ touchpoint?: string; product?: string; segment?: string }>({});
  const [compare, setCompare] = useState<'previous' | 'year'>('previous');
  const [granularity, setGranularity] = useState<'week' | 'month' | 'quarter'>('week');
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);

  const days = preset === 'custom' ? custom : presetDays(preset, today);
  const params = { from: kstStart(days.from), to: kstStart(addDaysTo(days.to, 1)), ...filter };
  const facets = useQuery<Facets>({ queryKey: ['survey-facets'], queryFn: () => get('/api/surveys/facets') });
  const overview = useQuery<Overview>({ queryKey: ['surveys', 'indices', params, compare], queryFn: () => get(`/api/surveys/indices${qs({ ...params, compare })}`) });
  const series = useQuery<{ points: Point[] }>({ queryKey: ['surveys', 'series', params, granularity], queryFn: () => get(`/api/surveys/series${qs({ ...params, granularity })}`), retry: false });

  const exportXlsx = async () => {
    setExporting(true);
    try { await download(`/api/surveys/export.xlsx${qs({ ...params, compare, granularity })}`); } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };

  const f = facets.data;
  const empty = f && f.total === 0;
  return (
    <div className="page sv-page" data-testid="surveys-page">
      <header className="page-head">
        <div>
          <h1>{t('sv.title')}</h1>
          <div className="sub">{t('sv.sub')}{f && f.total > 0 ? ` · ${t('sv.total')} ${f.total.toLocaleString()}${t('sv.count')}` : ''}</div>
        </div>
        <div className="head-actions">
          {writer ? <button className="btn" onClick={() => setImporting(true)} data-testid="sv-import">⤒ {t('sv.import')}</button> : null}
          <button className="btn" onClick={exportXlsx} disabled={exporting || !!empty} data-testid="sv-export">{exporting ? <Spinner /> : '⤓'} Excel</button>
        </div>
      </header>

      <div className="filters sv-filters" data-testid="sv-filters">
        <div className="sv-seg" role="group" aria-label={t('sv.period')}>
          {PRESETS.map((p) => <button key={p} className={preset === p ? 'active' : ''} onClick={() => setPreset(p)} data-testid={`sv-preset-${p}`}>{t(`sv.preset.${p}`)}</button>)}
        </div>
        {preset === 'custom' ? (
          <span className="row" style={{ gap: 6 }}>
            <input type="date" value={custom.from} max={custom.to} onChange={(e) => e.target.value && setCustom({ ...custom, from: e.target.value })} aria-label={t('sv.from')} />
            <span className="muted">~</span>
            <input type="date" value={custom.to} min={custom.from} max={today} onChange={(e) => e.target.value && setCustom({ ...custom, to: e.target.value })} aria-label={t('sv.to')} />
          </span>
        ) : null}
        {(['touchpoint', 'product', 'segment'] as Dimension[]).map((d) => (
          <select key={d} className="sv-dim-select" value={filter[d] ?? ''} onChange={(e) => setFilter({ ...filter, [d]: e.target.value || undefined })} data-testid={`sv-filter-${d}`} aria-label={t(`sv.dim.${d}`)}>
            <option value="">{t(`sv.dim.${d}`)}: {t('sv.all')}</option>
            {(f?.[d] ?? []).map((o) => <option key={o.value} value={o.value}>{o.value} ({o.n})</option>)}
          </select>
        ))}
        <select value={compare} onChange={(e) => setCompare(e.target.value as 'previous' | 'year')} data-testid="sv-compare" aria-label={t('sv.compare')}>
          <option value="previous">{t('sv.compare.previous')}</option>
          <option value="year">{t('sv.compare.year')}</option>
        </select>
      </div>

      {empty ? (
        <Card><Empty icon="☺" title={t('sv.empty')} hint={writer ? t('sv.emptyHint') : t('sv.emptyHintRead')} /></Card>
      ) : overview.isLoading ? <Loading /> : overview.error ? <ErrorBox error={overview.error} onRetry={() => overview.refetch()} /> : (
        <>
          <div className="kpis sv-kpis" data-testid="sv-cards">
            {METRICS.map((m) => <MetricCard key={m} m={m} data={overview.data!.metrics[m]} />)}
          </div>
          <div className="small muted sv-compare-note" data-testid="sv-period">
            {t('sv.period')} <b>{days.from} ~ {days.to}</b>
            {overview.data!.compare ? <> · {t('sv.comparedWith')} {fmtDateTime(overview.data!.compare.from).slice(0, 10)} ~ {fmtDateTime(new Date(Date.parse(overview.data!.compare.to) - 1).toISOString()).slice(0, 10)}</> : null}
            {' · '}{t('sv.methodShort')}
          </div>
          <Card title={t('sv.trend')} actions={
            <div className="sv-seg sv-seg-sm">
              {(['week', 'month', 'quarter'] as const).map((g) => <button key={g} className={granularity === g ? 'active' : ''} onClick={() => setGranularity(g)} data-testid={`sv-gran-${g}`}>{t(`sv.gran.${g}`)}</button>)}
            </div>
          }>
            {series.isLoading ? <Loading /> : series.error ? <ErrorBox error={series.error} /> : (
              <div className="sv-trends" data-testid="sv-trend">
                {METRICS.map((m) => (
                  <div key={m}>
                    <div className="sv-trend-title"><i style={{ background: COLORS[m] }} />{t(`sv.metric.${m}`)} <span className="muted small">· {t('sv.band')}</span></div>
                    <TrendChart points={series.data!.points} m={m} />
                  </div>
                ))}
              </div>
            )}
          </Card>
          <div className="sv-grid">
            <BreakdownCard params={params} />
            <BenchmarkCard writer={writer} />
          </div>
          <CommentsCard params={params} />
        </>
      )}
      {importing ? <ImportModal onClose={() => setImporting(false)} /> : null}
    </div>
  );
}

function TrendChart({ points, m }: { points: Point[]; m: Metric }) {
  const { t } = useT();
  const option = useMemo(() => trendOption(points, m, t), [points, m, t]);
  if (points.every((p) => p[m].n === 0)) return <div className="sv-chart-empty small muted">{t('sv.noData')}</div>;
  return <Chart option={option} height={180} testId={`sv-trend-${m}`} />;
}

function BreakdownCard({ params }: { params: Record<string, unknown> }) {
  const { t } = useT();
  const [dim, setDim] = useState<Dimension>('touchpoint');
  const [metric, setMetric] = useState<Metric>('nps');
  const q = useQuery<Record<Dimension, Group[]>>({ queryKey: ['surveys', 'breakdowns', params], queryFn: () => get(`/api/surveys/breakdowns${qs(params)}`) });
  const groups = (q.data?.[dim] ?? []).filter((g) => g[metric].n > 0);
  const label = (g: Group) => g.key ?? t('sv.unspecified');
  const option = useMemo(() => barsOption(groups.map(label), groups.map((g) => ({
    value: g[metric].headline?.value ?? null, low: g[metric].headline?.low ?? null, high: g[metric].headline?.high ?? null,
    color: g[metric].smallSample ? `${COLORS[metric]}66` : COLORS[metric], note: `n = ${g[metric].n}${g[metric].smallSample ? ` · ${t('sv.small')}` : ''}`,
  })), metric), [groups, metric]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <Card title={t('sv.breakdown')} actions={
      <div className="sv-seg sv-seg-sm">
        {METRICS.map((m) => <button key={m} className={metric === m ? 'active' : ''} onClick={() => setMetric(m)} data-testid={`sv-bd-metric-${m}`}>{t(`sv.short.${m}`)}</button>)}
      </div>
    }>
      <div className="tabs sv-tabs">
        {(['touchpoint', 'product', 'segment'] as Dimension[]).map((d) => <button key={d} className={dim === d ? 'active' : ''} onClick={() => setDim(d)} data-testid={`sv-bd-${d}`}>{t(`sv.by.${d}`)}</button>)}
      </div>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : groups.length === 0 ? <Empty title={t('sv.noData')} /> : (
        <>
          <Chart option={option} height={Math.max(120, groups.length * 30 + 40)} testId="sv-breakdown-chart" />
          <table className="table table-compact sv-table" data-testid="sv-breakdown">
            <thead><tr><th>{t(`sv.dim.${dim}`)}</th>{METRICS.map((m) => <th key={m} className="num">{t(`sv.short.${m}`)}</th>)}<th className="num">n</th></tr></thead>
            <tbody>
              {(q.data?.[dim] ?? []).map((g) => (
                <tr key={g.key ?? '∅'}>
                  <td>{label(g)}</td>
                  {METRICS.map((m) => (
                    <td key={m} className="num" title={g[m].headline?.low !== null && g[m].headline ? `95% CI ${fmt(m, g[m].headline!.low)} ~ ${fmt(m, g[m].headline!.high)} · n = ${g[m].n}` : `n = ${g[m].n}`}>
                      {g[m].headline ? fmt(m, g[m].headline!.value) : '—'}{g[m].smallSample && g[m].n > 0 ? <sup className="sv-small-mark">*</sup> : null}
                    </td>
                  ))}
                  <td className="num muted">{g.n}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="small muted" style={{ marginTop: 6 }}>* {t('sv.smallHint')}</div>
        </>
      )}
    </Card>
  );
}

function BenchmarkCard({ writer }: { writer: boolean }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [metric, setMetric] = useState<Metric>('nps');
  const [editing, setEditing] = useState<Partial<Benchmark> | null>(null);
  const [allPeriods, setAllPeriods] = useState(false);
  const q = useQuery<{ periods: BenchPeriod[] }>({ queryKey: ['surveys', 'bench', metric], queryFn: () => get(`/api/surveys/benchmarks/compare?metric=${metric}`) });
  const latest = q.data?.periods[0];
  const option = useMemo(() => {
    if (!latest) return null;
    const labels = [t('sv.ours'), ...latest.benchmarks.map((b) => `${b.subject}`)];
    const rows = [
      { value: latest.ours.headline?.value ?? null, low: latest.ours.headline?.low ?? null, high: latest.ours.headline?.high ?? null, color: '#e8590c', note: `n = ${latest.ours.n}` },
      ...latest.benchmarks.map((b) => ({ value: b.value, low: null, high: null, color: b.subjectKind === 'industry' ? '#748ffc' : '#adb5bd', note: b.source })),
    ];
    return barsOption(labels, rows, metric);
  }, [latest, metric, t]);
  const remove = async (b: Benchmark) => {
    if (!confirm(`${t('sv.bench.deleteConfirm')} (${b.period} ${b.subject})`)) return;
    try { await api('DELETE', `/api/surveys/benchmarks/${b.id}`); toast(t('sv.bench.deleted')); await qc.invalidateQueries({ queryKey: ['surveys', 'bench'] }); } catch (e) { toast(errorText(e), 'err'); }
  };
  return (
    <Card title={t('sv.bench')} actions={
      <>
        <div className="sv-seg sv-seg-sm">
          {METRICS.map((m) => <button key={m} className={metric === m ? 'active' : ''} onClick={() => setMetric(m)} data-testid={`sv-bench-metric-${m}`}>{t(`sv.short.${m}`)}</button>)}
        </div>
        {writer ? <button className="btn btn-sm" onClick={() => setEditing({ metric, subjectKind: 'industry' })} data-testid="sv-bench-add">＋ {t('sv.bench.add')}</button> : null}
      </>
    }>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : !latest ? (
        <Empty icon="⚖" title={t('sv.bench.none')} hint={t('sv.bench.noneHint')} />
      ) : (
        <>
          <div className="small muted">{latest.period} · {t('sv.bench.latest')}</div>
          {option ? <Chart option={option} height={Math.max(110, (latest.benchmarks.length + 1) * 30 + 40)} testId="sv-bench-chart" /> : null}
          <table className="table table-compact sv-table" data-testid="sv-bench-table">
            <thead><tr><th>{t('sv.bench.period')}</th><th>{t('sv.bench.subject')}</th><th>{t('sv.bench.source')}</th><th className="num">{t('sv.bench.value')}</th><th className="num">{t('sv.ours')}</th><th className="num">{t('sv.bench.diff')}</th>{writer ? <th /> : null}</tr></thead>
            <tbody>
              {q.data!.periods.slice(0, allPeriods ? undefined : 2).flatMap((p) => p.benchmarks.map((b) => (
                <tr key={b.id}>
                  <td className="nowrap">{b.period}</td>
                  <td>{b.subject} <span className="badge">{t(`sv.kind.${b.subjectKind}`)}</span></td>
                  <td className="small" title={b.note ?? ''}>{b.source}</td>
                  <td className="num">{fmt(metric, b.value)}</td>
                  <td className="num" title={`n = ${p.ours.n}`}>{p.ours.headline ? fmt(metric, p.ours.headline.value) : '—'}{p.ours.smallSample && p.ours.n > 0 ? <sup className="sv-small-mark">*</sup> : null}</td>
                  <td className={`num ${b.difference === null || b.difference === undefined ? '' : b.difference >= 0 ? 'sv-good' : 'sv-bad'}`}>{b.difference === null || b.difference === undefined ? '—' : `${b.difference > 0 ? '+' : ''}${fmt(metric, b.difference)}`}</td>
                  {writer ? (
                    <td className="row-actions">
                      <button className="btn btn-sm btn-ghost" onClick={() => setEditing(b)} aria-label={t('sv.bench.edit')}>✎</button>
                      <button className="btn btn-sm btn-ghost" onClick={() => remove(b)} aria-label={t('sv.bench.delete')}>✕</button>
                    </td>
                  ) : null}
                </tr>
              )))}
            </tbody>
          </table>
          {q.data!.periods.length > 2 ? (
            <div className="center" style={{ marginTop: 8 }}>
              <button className="btn btn-sm btn-ghost" onClick={() => setAllPeriods(!allPeriods)} data-testid="sv-bench-all">
                {allPeriods ? t('sv.bench.fewer') : `${t('sv.bench.allPeriods')} (${q.data!.periods.length})`}
              </button>
            </div>
          ) : null}
        </>
      )}
      {editing ? <BenchmarkModal initial={editing} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}

function BenchmarkModal({ initial, onClose }: { initial: Partial<Benchmark>; onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [b, setB] = useState<Partial<Benchmark>>({ period: `${new Date().getFullYear()}`, source: '', subject: '', ...initial });
  const [value, setValue] = useState(initial.value === undefined ? '' : String(initial.value));
  const { busy, error, run } = useSubmit();
  const submit = () => run(async () => {
    const body = { metric: b.metric, period: b.period, source: b.source, subject: b.subject, subjectKind: b.subjectKind, value: Number(value), note: b.note || null };
    if (b.id) await api('PATCH', `/api/surveys/benchmarks/${b.id}`, body);
    else await api('POST', '/api/surveys/benchmarks', body);
    toast(t('sv.bench.saved'));
    await qc.invalidateQueries({ queryKey: ['surveys', 'bench'] });
    onClose();
  });
  return (
    <Modal title={b.id ? t('sv.bench.edit') : t('sv.bench.add')} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" onClick={submit} disabled={busy || value === '' || !b.source || !b.subject} data-testid="sv-bench-save">{busy ? <Spinner /> : null}{t('sv.save')}</button></>}>
      <div className="form-grid">
        <label className="field">{t('sv.bench.metric')}
          <select value={b.metric} onChange={(e) => setB({ ...b, metric: e.target.value as Metric })}>{METRICS.map((m) => <option key={m} value={m}>{t(`sv.metric.${m}`)}</option>)}</select>
        </label>
        <label className="field">{t('sv.bench.period')}
          <input value={b.period ?? ''} onChange={(e) => setB({ ...b, period: e.target.value.trim() })} placeholder="2026 / 2026-Q3 / 2026-09" />
        </label>
        <label className="field">{t('sv.bench.source')}
          <input value={b.source ?? ''} onChange={(e) => setB({ ...b, source: e.target.value })} placeholder={t('sv.bench.sourcePh')} maxLength={100} />
        </label>
        <label className="field">{t('sv.bench.subject')}
          <input value={b.subject ?? ''} onChange={(e) => setB({ ...b, subject: e.target.value })} placeholder={t('sv.bench.subjectPh')} maxLength={100} />
        </label>
        <label className="field">{t('sv.bench.kind')}
          <select value={b.subjectKind} onChange={(e) => setB({ ...b, subjectKind: e.target.value as 'company' | 'industry' })}>
            <option value="industry">{t('sv.kind.industry')}</option><option value="company">{t('sv.kind.company')}</option>
          </select>
        </label>
        <label className="field">{t('sv.bench.value')} <span className="muted">({t(`sv.bench.unit.${b.metric ?? 'nps'}`)})</span>
          <input type="number" step="0.1" value={value} onChange={(e) => setValue(e.target.value)} data-testid="sv-bench-value" />
        </label>
        <label className="field span2">{t('sv.bench.note')}
          <input value={b.note ?? ''} onChange={(e) => setB({ ...b, note: e.target.value })} maxLength={500} />
        </label>
      </div>
      {error ? <div className="form-error" role="alert">{error}</div> : null}
    </Modal>
  );
}

function CommentsCard({ params }: { params: Record<string, unknown> }) {
  const { t } = useT();
  const [metric, setMetric] = useState<Metric | ''>('');
  const [limit, setLimit] = useState(10);
  const q = useQuery<{ items: Comment[]; total: number }>({ queryKey: ['surveys', 'comments', params, metric, limit], queryFn: () => get(`/api/surveys/comments${qs({ ...params, metric, limit })}`) });
  return (
    <Card title={<>{t('sv.comments')} {q.data ? <span className="count-chip">{q.data.total.toLocaleString()}</span> : null}</>} pad={false} actions={
      <select value={metric} onChange={(e) => setMetric(e.target.value as Metric | '')} aria-label={t('sv.metricFilter')} data-testid="sv-comments-metric">
        <option value="">{t('sv.allMetrics')}</option>
        {METRICS.map((m) => <option key={m} value={m}>{t(`sv.short.${m}`)}</option>)}
      </select>
    }>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : (q.data?.items.length ?? 0) === 0 ? <Empty title={t('sv.noComments')} icon="✎" /> : (
        <>
          <ul className="sv-comments" data-testid="sv-comments">
            {q.data!.items.map((c) => (
              <li key={c.externalId}>
                <div className="sv-comment-head">
                  <span className={`sv-score sv-score-${scoreTone(c.metric, c.score)}`} title={t(`sv.metric.${c.metric}`)}>{t(`sv.short.${c.metric}`)} {c.score}</span>
                  <span className="small muted">{fmtDateTime(c.respondedAt)}</span>
                  <span className="term">{c.touchpoint}</span>
                  {c.product ? <span className="term">{c.product}</span> : null}
                  {c.segment ? <span className="term">{c.segment}</span> : null}
                  <span className="grow" />
                  {c.callId ? (c.callExists ? <Link to={`/calls/${encodeURIComponent(c.callId)}`} className="small">{t('sv.call')} →</Link> : <span className="small muted" title={c.callId}>{t('sv.callGone')}</span>) : null}
                  {c.caseId ? (c.caseRef ? <Link to={`/cases/${encodeURIComponent(c.caseId)}`} className="small">{c.caseRef} →</Link> : <span className="small muted" title={c.caseId}>{t('sv.caseGone')}</span>) : null}
                </div>
                <div className="sv-comment-text">{c.comment}</div>
              </li>
            ))}
          </ul>
          {q.data!.total > q.data!.items.length ? <div className="pad center"><button className="btn btn-sm" onClick={() => setLimit(limit + 20)}>{t('sv.more')}</button></div> : null}
        </>
      )}
    </Card>
  );
}

/** Red for a detractor-like score, green for a promoter-like one. */
function scoreTone(m: Metric, s: number): 'bad' | 'mid' | 'good' {
  if (m === 'nps') return s <= 6 ? 'bad' : s >= 9 ? 'good' : 'mid';
  if (m === 'csat') return s <= 2 ? 'bad' : s >= 4 ? 'good' : 'mid';
  return s <= 3 ? 'bad' : s >= 5 ? 'good' : 'mid';
}

// ---- import ----

/** POST JSON with upload progress (fetch cannot report it); errors as ApiError like api(). */
function postWithProgress<T>(path: string, body: unknown, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.setRequestHeader('x-radar-csrf', '1');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', '서버에 연결할 수 없습니다 (network error)'));
    xhr.onload = () => {
      let data: any = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(new ApiError(xhr.status, data?.error?.code ?? `http_${xhr.status}`, data?.error?.message ?? xhr.statusText, data?.error?.details));
    };
    xhr.send(JSON.stringify(body));
  });
}

const TEMPLATES = {
  responses: '응답ID,지표,점수,접점,상품,고객군,응답일시,의견,통화ID,고객ID,사례ID\r\nS-0001,nps,9,콜센터,신용카드,VIP,2026-11-20 14:30,상담이 친절했어요,,,\r\n',
  benchmarks: 'metric,period,source,subject,subjectKind,value,note\r\nnps,2026-Q3,외부 조사기관,카드업 평균,industry,28.5,\r\n',
};

interface ImportResult { received: number; created: number; unchanged?: number; updated?: number; dryRun: boolean }

function ImportModal({ onClose }: { onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [kind, setKind] = useState<'responses' | 'benchmarks'>('responses');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<'idle' | 'upload' | 'process'>('idle');
  const [progress, setProgress] = useState(0);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [failure, setFailure] = useState<{ message: string; code: string; errors: RowError[]; errorCount: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setResult(null); setFailure(null); setPhase('upload'); setProgress(0);
    try {
      const dataBase64 = await fileBase64(file);
      const path = kind === 'responses' ? '/api/surveys/import' : '/api/surveys/benchmarks/import';
      const r = await postWithProgress<ImportResult>(path, { filename: file.name, dataBase64, dryRun }, (f) => {
        setProgress(f);
        if (f >= 1) setPhase('process');
      });
      setResult(r);
      if (!dryRun) {
        toast(`${file.name}: ${t('sv.imp.done')}`);
        await qc.invalidateQueries({ queryKey: ['surveys'] });
        await qc.invalidateQueries({ queryKey: ['survey-facets'] });
      }
    } catch (e) {
      const err = e as ApiError;
      setFailure({ message: errorText(e), code: err.code ?? 'error', errors: (err.details?.errors as RowError[]) ?? [], errorCount: Number(err.details?.errorCount ?? 0) });
    } finally {
      setPhase('idle');
    }
  };
  const template = () => {
    const url = URL.createObjectURL(new Blob(['\ufeff', TEMPLATES[kind]], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url; a.download = kind === 'responses' ? '고객평가-응답-양식.csv' : '고객평가-벤치마크-양식.csv';
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  };
  const busy = phase !== 'idle';
  return (
    <Modal title={t('sv.imp.title')} onClose={onClose}
      footer={<>
        <button className="btn btn-ghost" onClick={onClose}>{t('close')}</button>
        <button className="btn" onClick={() => send(true)} disabled={!file || busy} data-testid="sv-import-dry">{t('sv.imp.dry')}</button>
        <button className="btn btn-primary" onClick={() => send(false)} disabled={!file || busy} data-testid="sv-import-submit">{busy ? <Spinner /> : null}{t('sv.imp.run')}</button>
      </>}>
      <div className="tabs">
        {(['responses', 'benchmarks'] as const).map((k) => <button key={k} className={kind === k ? 'active' : ''} onClick={() => { setKind(k); setResult(null); setFailure(null); }} data-testid={`sv-import-kind-${k}`}>{t(`sv.imp.kind.${k}`)}</button>)}
      </div>
      <p className="hint">{t(`sv.imp.hint.${kind}`)} <button className="link-btn small" onClick={template}>{t('sv.imp.template')}</button></p>
      <div className={`sv-drop ${file ? 'has-file' : ''}`} onClick={() => input.current?.click()}
        onDragOver={(e) => e.preventDefault()} onDrop={(e) => { e.preventDefault(); const f = e.dataTransfer.files[0]; if (f) { setFile(f); setResult(null); setFailure(null); } }}>
        <input ref={input} type="file" accept=".csv,.xlsx,.json" hidden data-testid="sv-import-file"
          onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); setFailure(null); }} />
        {file ? <><b>{file.name}</b> <span className="muted small">({(file.size / 1024).toFixed(1)} KB)</span></> : <span className="muted">{t('sv.imp.pick')}</span>}
      </div>
      {busy ? (
        <div className="sv-progress" data-testid="sv-import-progress">
          <div className="sv-progress-bar"><span style={{ width: `${Math.round((phase === 'process' ? 1 : progress) * 100)}%` }} className={phase === 'process' ? 'sv-indet' : ''} /></div>
          <div className="small muted">{phase === 'upload' ? `${t('sv.imp.uploading')} ${Math.round(progress * 100)}%` : t('sv.imp.processing')}</div>
        </div>
      ) : null}
      {result ? (
        <div className={`sv-result ${result.dryRun ? 'sv-result-dry' : ''}`} data-testid="sv-import-result">
          <b>{result.dryRun ? t('sv.imp.dryOk') : t('sv.imp.done')}</b> · {t('sv.imp.rows')} {result.received} · {t('sv.imp.created')} {result.created}
          {result.unchanged !== undefined ? ` · ${t('sv.imp.unchanged')} ${result.unchanged}` : ''}{result.updated !== undefined ? ` · ${t('sv.imp.updated')} ${result.updated}` : ''}
        </div>
      ) : null}
      {failure ? (
        <div className="sv-failure" data-testid="sv-import-failure" role="alert">
          <div><b>{t('sv.imp.refused')}</b> <code className="errcode">{failure.code}</code></div>
          <div className="small">{failure.errors.length > 0 ? `${t('sv.imp.errorCount')} ${failure.errorCount}${t('sv.count')}` : failure.message}</div>
          {failure.errors.length > 0 ? (
            <div className="sv-errors-wrap">
              <table className="table table-compact" data-testid="sv-import-errors">
                <thead><tr><th className="num">{t('sv.imp.row')}</th><th>{t('sv.imp.field')}</th><th>{t('sv.imp.code')}</th><th>{t('sv.imp.message')}</th></tr></thead>
                <tbody>
                  {failure.errors.map((e, i) => <tr key={i}><td className="num">{e.row}</td><td className="mono">{e.field || '—'}</td><td className="mono">{e.code}</td><td className="small">{e.message}</td></tr>)}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </Modal>
  );
}
