import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, download, fileBase64, get, qs } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime, kstDate } from '../format';
import { useT } from '../i18n';
import { Card, Empty, ErrorBox, Loading, Modal, Spinner, errorText, toast } from '../ui';
import './statistics.css';

// 민원 통계: the figures the Credit Finance Association ranks card companies
// on — complaints, converted count per 100,000 customers, change against the
// same period a year earlier — with the trend, breakdowns, peer comparison,
// monitoring volume, the customer base that is the denominator, imports and
// an Excel workbook. All figures come from /api/statistics (docs/statistics.md).

type Kind = 'ytd' | 'quarter' | 'month';
type Scope = 'all' | 'internal' | 'external';
type Lang = 'ko' | 'en';
interface Compared { count: number; previous: number; change: number | null; changePct: number | null }
interface BreakdownItem extends Compared { id: string; ko: string; en: string; share: number }
interface PeriodInfo { id: string; from: string; to: string; label: { ko: string; en: string } }
interface Summary {
  period: PeriodInfo; previousPeriod: PeriodInfo; scope: Scope; complaints: Compared;
  customers: { now: { customers: number; basis: string } | null; previous: { customers: number; basis: string } | null };
  converted: { value: number | null; previous: number | null; change: number | null; changePct: number | null };
  breakdowns: Record<string, BreakdownItem[]>;
}
interface Trend { points: { bucket: string; count: number; internal: number; external: number; previous: number }[]; cumulative: { quarter: string; count: number; previous: number; changePct: number | null }[] }
type Measure = 'complaints' | 'converted' | 'complaintsChangePct' | 'convertedChangePct';
interface Peer { company: string; period: string; isSelf: boolean; complaints: number | null; converted: number | null; complaintsChangePct: number | null; convertedChangePct: number | null; source: string; ranks: Record<Measure, number | null> }
interface Peers { period: string; items: Peer[]; counts: Record<Measure, number>; selfComputed: boolean }
interface Monitoring { months: { month: string; monitoredCases: number; source: 'measured' | 'recorded' | 'none'; callsWithAlerts: number; alerts: number; casesOpened: number; partial: boolean }[]; total: number; averagePerMonth: number | null; changePct: number | null }
interface BaseEntry { period: string; customers: number; note: string; updatedBy: string; updatedAt: string }
interface RowError { row: number; field: string; code: string; message: string }
interface ImportView {
  id: string; kind: string; filename: string; status: string; totalRows: number; inserted: number; updated: number; unchanged: number; errorCount: number;
  createdBy: string; createdAt: string; dryRun: boolean; message: string | null; unknownColumns?: string[]; progress: { phase: string; processed: number; total: number };
}

const DIMENSIONS = ['channel', 'product', 'type', 'cause', 'scope', 'externalBody', 'severity'] as const;
const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString());
const two = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));
const label = (x: { ko: string; en: string }, lang: Lang) => x[lang];

/** "▲ +31%" in red (more complaints is bad news), "▼ −4%" in green, "0%" grey. */
export function Change({ pct, testId }: { pct: number | null; testId?: string }) {
  if (pct === null) return <span className="st-change st-flat" data-testid={testId}>—</span>;
  const cls = pct > 0 ? 'st-up' : pct < 0 ? 'st-down' : 'st-flat';
  const text = pct === 0 ? '0%' : `${pct > 0 ? '+' : '−'}${Math.abs(pct)}%`;
  return <span className={`st-change ${cls}`} data-testid={testId}>{pct > 0 ? '▲ ' : pct < 0 ? '▼ ' : ''}{text}</span>;
}

/** The last quarter that has ended: what the association has published. */
function defaultSelection(today: string) {
  const y = +today.slice(0, 4);
  const q = Math.ceil(+today.slice(5, 7) / 3) - 1;
  return { year: q === 0 ? y - 1 : y, quarter: q === 0 ? 4 : q, month: +today.slice(5, 7) };
}

function periodId(kind: Kind, year: number, quarter: number, month: number): string {
  if (kind === 'month') return `${year}-${String(month).padStart(2, '0')}`;
  return kind === 'ytd' ? `${year}-Q${quarter}-YTD` : `${year}-Q${quarter}`;
}

export function StatisticsPage(_props: { focusId?: string }) {
  const { t, lang } = useT();
  const me = useMe();
  const writer = can(me, 'statistics:write');
  const init = useMemo(() => defaultSelection(kstDate()), []);
  const [kind, setKind] = useState<Kind>('ytd');
  const [year, setYear] = useState(init.year);
  const [quarter, setQuarter] = useState(init.quarter);
  const [month, setMonth] = useState(init.month);
  const [scope, setScope] = useState<Scope>('all');
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const period = periodId(kind, year, quarter, month);
  const summary = useQuery<Summary>({ queryKey: ['st-summary', period, scope], queryFn: () => get(`/api/statistics/summary${qs({ period, scope })}`) });
  const years = Array.from({ length: 6 }, (_, i) => +kstDate().slice(0, 4) - i);

  const exportXlsx = async () => {
    setExporting(true);
    try { await download(`/api/statistics/export.xlsx${qs({ period, scope })}`); } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };

  return (
    <div className="page statistics-page" data-testid="statistics-page">
      <header className="page-head">
        <div>
          <h1>{t('st.title')} {summary.data ? <span className="st-period" data-testid="st-period">{label(summary.data.period.label, lang)}</span> : null}</h1>
          <div className="sub">{t('st.sub')}</div>
        </div>
        <div className="head-actions">
          {writer ? <button className="btn" onClick={() => setImporting(true)} data-testid="st-import">⤒ {t('st.import')}</button> : null}
          <button className="btn" onClick={exportXlsx} disabled={exporting} data-testid="st-export">{exporting ? <Spinner /> : '⤓'} {t('st.export')}</button>
        </div>
      </header>

      <div className="st-controls" role="group" aria-label={t('st.title')}>
        <div className="tabs" role="tablist">
          {(['ytd', 'quarter', 'month'] as const).map((k) => (
            <button key={k} role="tab" aria-selected={kind === k} className={kind === k ? 'active' : ''} onClick={() => setKind(k)} data-testid={`st-kind-${k}`}>{t(`st.kind.${k}`)}</button>
          ))}
        </div>
        <label className="inline-label">{t('st.year')}
          <select value={year} onChange={(e) => setYear(+e.target.value)} data-testid="st-year">{years.map((y) => <option key={y} value={y}>{y}</option>)}</select>
        </label>
        {kind === 'month' ? (
          <label className="inline-label">{t('st.month')}
            <select value={month} onChange={(e) => setMonth(+e.target.value)} data-testid="st-month">
              {Array.from({ length: 12 }, (_, i) => <option key={i} value={i + 1}>{t('st.m').replace('{n}', String(i + 1))}</option>)}
            </select>
          </label>
        ) : (
          <label className="inline-label">{t('st.quarter')}
            <select value={quarter} onChange={(e) => setQuarter(+e.target.value)} data-testid="st-quarter">
              {[1, 2, 3, 4].map((q) => <option key={q} value={q}>{t('st.q').replace('{n}', String(q))}</option>)}
            </select>
          </label>
        )}
        <label className="inline-label">{t('st.scope')}
          <select value={scope} onChange={(e) => setScope(e.target.value as Scope)} data-testid="st-scope">
            {(['all', 'internal', 'external'] as const).map((s) => <option key={s} value={s}>{t(`st.scope.${s}`)}</option>)}
          </select>
        </label>
        {summary.data ? <span className="muted small">{summary.data.period.from} ~ {summary.data.period.to} ({t('st.lastYear')} {summary.data.previousPeriod.from} ~ {summary.data.previousPeriod.to})</span> : null}
      </div>

      {summary.isLoading ? <Loading /> : summary.error ? <ErrorBox error={summary.error} onRetry={() => summary.refetch()} /> : (
        <>
          <Kpis s={summary.data!} year={year} />
          <div className="st-formula small muted">{t('st.formula')}</div>
          <div className="st-grid">
            <TrendCard year={summary.data!.period.from.slice(0, 4)} scope={scope} />
            <BreakdownCard s={summary.data!} />
          </div>
        </>
      )}
      <PeersCard period={kind === 'month' ? `${year}-Q${Math.ceil(month / 3)}-YTD` : period} writer={writer} />
      <div className="st-grid">
        <MonitoringCard />
        <BaseCard writer={writer} />
      </div>
      {importing ? <ImportDialog onClose={() => setImporting(false)} /> : null}
    </div>
  );
}

function Kpis({ s, year }: { s: Summary; year: number }) {
  const { t } = useT();
  const mon = useQuery<Monitoring>({ queryKey: ['st-monitoring', year], queryFn: () => get(`/api/statistics/monitoring${qs({ from: `${year}-01`, to: `${year}-12` })}`) });
  return (
    <div className="kpis st-kpis" data-testid="st-kpis">
      <div className="kpi" data-testid="st-kpi-count">
        <div className="kpi-label">{t('st.kpi.count')}</div>
        <div className="kpi-value" data-testid="st-kpi-count-value">{n(s.complaints.count)}</div>
        <div className="st-kpi-sub"><Change pct={s.complaints.changePct} testId="st-kpi-count-change" /> <span>{t('st.lastYear')} {n(s.complaints.previous)}</span></div>
      </div>
      <div className="kpi" data-testid="st-kpi-converted">
        <div className="kpi-label">{t('st.kpi.converted')} <span className="muted">({t('st.kpi.convertedUnit')})</span></div>
        <div className="kpi-value" data-testid="st-kpi-converted-value">{s.converted.value === null ? <span className="st-missing">{t('st.noBase')}</span> : two(s.converted.value)}</div>
        <div className="st-kpi-sub"><Change pct={s.converted.changePct} testId="st-kpi-converted-change" /> <span>{t('st.lastYear')} {two(s.converted.previous)}</span></div>
      </div>
      <div className={`kpi ${s.customers.now ? '' : 'kpi-warn'}`} data-testid="st-kpi-customers">
        <div className="kpi-label">{t('st.kpi.customers')}</div>
        <div className="kpi-value">{s.customers.now ? n(s.customers.now.customers) : '—'}</div>
        <div className="st-kpi-sub">{s.customers.now ? <span>{t('st.basis')} {s.customers.now.basis} · {t('st.lastYear')} {n(s.customers.previous?.customers)}</span> : <span>{t('st.noBaseHint')}</span>}</div>
      </div>
      <div className="kpi" data-testid="st-kpi-monitoring">
        <div className="kpi-label">{t('st.kpi.monitoring')} ({year})</div>
        <div className="kpi-value">{mon.data ? n(mon.data.averagePerMonth) : <Spinner />}</div>
        <div className="st-kpi-sub">{mon.data ? <span>{year} {n(mon.data.total)}</span> : null}</div>
      </div>
    </div>
  );
}

/** A quarter that has not ended yet (its cumulative figure is still growing). */
function running(quarter: string): boolean {
  const today = kstDate();
  const q = Math.ceil(+today.slice(5, 7) / 3);
  return quarter === `${today.slice(0, 4)}-Q${q}`;
}

function TrendCard({ year, scope }: { year: string; scope: Scope }) {
  const { t } = useT();
  const q = useQuery<Trend>({ queryKey: ['st-trend', year, scope], queryFn: () => get(`/api/statistics/trend${qs({ granularity: 'month', from: `${year}-01-01`, to: `${+year + 1}-01-01`, scope })}`) });
  const option = useMemo(() => q.data && ({
    grid: { left: 40, right: 12, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: q.data.points.map((p) => t('st.m').replace('{n}', String(+p.bucket.slice(5)))) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('st.internal'), type: 'bar', stack: 'y', data: q.data.points.map((p) => p.internal), itemStyle: { color: '#1f5fcf' }, barMaxWidth: 28 },
      { name: t('st.external'), type: 'bar', stack: 'y', data: q.data.points.map((p) => p.external), itemStyle: { color: '#e8590c' }, barMaxWidth: 28 },
      { name: t('st.prevYear'), type: 'line', data: q.data.points.map((p) => p.previous), itemStyle: { color: '#868e96' }, lineStyle: { type: 'dashed' }, symbolSize: 5 },
    ],
  }), [q.data, t]);
  return (
    <Card title={t('st.trend')} actions={<Legend items={[[t('st.internal'), '#1f5fcf'], [t('st.external'), '#e8590c'], [t('st.prevYear'), '#868e96']]} />}>
      <div className="small muted">{t('st.trendSub').replace('{y}', year)}</div>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : (
        <>
          <Chart option={option!} height={230} testId="st-trend-chart" />
          <table className="table table-compact st-cum" data-testid="st-cumulative">
            <thead><tr><th>{t('st.cumulative')}</th>{q.data!.cumulative.map((c) => <th key={c.quarter} className="num" title={running(c.quarter) ? t('st.running') : undefined}>{t('st.cumQ').replace('{q}', c.quarter.slice(-1))}{running(c.quarter) ? <span className="st-running">*</span> : null}</th>)}</tr></thead>
            <tbody>
              <tr><td>{t('st.thisYear')}</td>{q.data!.cumulative.map((c) => <td key={c.quarter} className="num">{n(c.count)}</td>)}</tr>
              <tr className="muted"><td>{t('st.prevYear')}</td>{q.data!.cumulative.map((c) => <td key={c.quarter} className="num">{n(c.previous)}</td>)}</tr>
              <tr><td>{t('st.change')}</td>{q.data!.cumulative.map((c) => <td key={c.quarter} className="num"><Change pct={c.changePct} /></td>)}</tr>
            </tbody>
          </table>
          {q.data!.cumulative.some((c) => running(c.quarter)) ? <div className="small muted st-note">* {t('st.running')}</div> : null}
        </>
      )}
    </Card>
  );
}

function Legend({ items }: { items: [string, string][] }) {
  return <span className="st-legend">{items.map(([name, color]) => <span key={name}><i style={{ background: color }} />{name}</span>)}</span>;
}

function BreakdownCard({ s }: { s: Summary }) {
  const { t, lang } = useT();
  const [dim, setDim] = useState<(typeof DIMENSIONS)[number]>('type');
  const items = s.breakdowns[dim] ?? [];
  const option = useMemo(() => {
    const rows = [...items].sort((a, b) => a.count - b.count);
    return {
      grid: { left: 120, right: 40, top: 8, bottom: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => label(r, lang)) },
      series: [
        { name: t('st.prevYear'), type: 'bar', data: rows.map((r) => r.previous), itemStyle: { color: '#ced4da' }, barGap: '10%' },
        { name: t('st.thisYear'), type: 'bar', data: rows.map((r) => r.count), itemStyle: { color: '#1f5fcf' }, label: { show: true, position: 'right' } },
      ],
    };
  }, [items, lang, t]);
  return (
    <Card title={t('st.breakdown')} actions={<Legend items={[[t('st.thisYear'), '#1f5fcf'], [t('st.prevYear'), '#ced4da']]} />}>
      <div className="tabs st-dim-tabs" role="tablist">
        {DIMENSIONS.map((d) => <button key={d} role="tab" aria-selected={dim === d} className={dim === d ? 'active' : ''} onClick={() => setDim(d)} data-testid={`st-dim-${d}`}>{t(`st.dim.${d}`)}</button>)}
      </div>
      {items.length === 0 ? <Empty icon="▥" title={t('st.noData')} hint={t('st.noDataHint')} /> : (
        <>
          <Chart option={option} height={Math.max(150, 30 * items.length + 40)} testId="st-breakdown-chart" />
          <table className="table table-compact" data-testid="st-breakdown-table">
            <thead><tr><th>{t('st.col.item')}</th><th className="num">{t('st.col.count')}</th><th className="num">{t('st.col.share')}</th><th className="num">{t('st.col.previous')}</th><th className="num">{t('st.col.change')}</th></tr></thead>
            <tbody>
              {items.map((b) => (
                <tr key={b.id}>
                  <td>{label(b, lang)}</td><td className="num">{n(b.count)}</td><td className="num">{(b.share * 100).toFixed(1)}%</td>
                  <td className="num muted">{n(b.previous)}</td><td className="num"><Change pct={b.changePct} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}

function PeersCard({ period, writer }: { period: string; writer: boolean }) {
  const { t } = useT();
  const qc = useQueryClient();
  const q = useQuery<Peers>({ queryKey: ['st-peers', period], queryFn: () => get(`/api/statistics/peers${qs({ period })}`) });
  const [editing, setEditing] = useState<Partial<Peer> | null>(null);
  // Best first: by rank on the complaints change (how the association's table reads), unranked last.
  const items = [...(q.data?.items ?? [])].sort((a, b) => (a.ranks.complaintsChangePct ?? 99) - (b.ranks.complaintsChangePct ?? 99) || (a.ranks.convertedChangePct ?? 99) - (b.ranks.convertedChangePct ?? 99));
  const others = items.filter((p) => !(p.isSelf && p.complaintsChangePct === null && p.convertedChangePct === null));
  const option = useMemo(() => {
    const rows = [...others].sort((a, b) => (a.complaintsChangePct ?? 0) - (b.complaintsChangePct ?? 0)).reverse();
    const bar = (key: 'complaintsChangePct' | 'convertedChangePct', color: string, selfColor: string, name: string) => ({
      name, type: 'bar', barGap: '15%',
      data: rows.map((p) => ({ value: p[key], itemStyle: { color: p.isSelf ? selfColor : color } })),
      label: { show: true, position: 'right', formatter: (v: { value: number | null }) => (v.value === null ? '' : `${v.value > 0 ? '+' : ''}${v.value}%`) },
    });
    return {
      grid: { left: 96, right: 52, top: 8, bottom: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: rows.map((p) => (p.isSelf ? `★ ${p.company}` : p.company)), axisLabel: { fontWeight: 600 } },
      series: [bar('complaintsChangePct', '#91a7c6', '#d6336c', t('st.col.complaintsChange')), bar('convertedChangePct', '#1d4a85', '#a61e4d', t('st.col.convertedChange'))],
    };
  }, [others, t]);
  const remove = async (p: Peer) => {
    try {
      await api('DELETE', `/api/statistics/peers${qs({ period: p.period, company: p.company })}`);
      qc.invalidateQueries({ queryKey: ['st-peers'] });
      toast(t('st.deleted'));
    } catch (e) { toast(errorText(e), 'err'); }
  };
  const rank = (p: Peer, m: Measure) => (p.ranks[m] === null ? '—' : `${p.ranks[m]}`);
  return (
    <Card title={<>{t('st.peers')} <span className="muted small">{period} · {t('st.peersSub')}</span></>}
      actions={writer ? <button className="btn btn-sm" onClick={() => setEditing({ period, isSelf: false })} data-testid="st-peer-add">＋ {t('st.peerAdd')}</button> : null}>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : items.length <= 1 && q.data!.selfComputed ? (
        <Empty icon="⚖" title={t('st.peersNone')} hint={t('st.peersNoneHint')} />
      ) : (
        <div className="st-peers">
          <div>
            <Legend items={[[t('st.col.complaintsChange'), '#91a7c6'], [t('st.col.convertedChange'), '#1d4a85'], [`★ ${t('st.self')}`, '#d6336c']]} />
            <Chart option={option} height={Math.max(180, 46 * others.length + 30)} testId="st-peers-chart" />
          </div>
          <table className="table table-compact st-peer-table" data-testid="st-peers-table">
            <thead>
              <tr>
                <th>{t('st.col.company')}</th><th className="num">{t('st.col.complaints')}</th><th className="num">{t('st.col.converted')}</th>
                <th className="num">{t('st.col.complaintsChange')}</th><th className="num">{t('st.col.rank')}</th>
                <th className="num">{t('st.col.convertedChange')}</th><th className="num">{t('st.col.rank')}</th>
                {writer ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.company} className={p.isSelf ? 'st-self' : ''} data-testid={p.isSelf ? 'st-peer-self' : undefined}>
                  <td>
                    {p.isSelf ? <b>★ {p.company}</b> : p.company}{p.isSelf ? <span className="badge">{t('st.self')}</span> : null}
                    <div className="st-source">{p.source === 'computed' ? t('st.computed') : p.source}</div>
                  </td>
                  <td className="num">{n(p.complaints)}</td><td className="num">{two(p.converted)}</td>
                  <td className="num"><Change pct={p.complaintsChangePct} /></td>
                  <td className="num st-rank" data-testid={p.isSelf ? 'st-self-rank-complaints' : undefined}>{rank(p, 'complaintsChangePct')}<span className="muted small"> / {q.data!.counts.complaintsChangePct}</span></td>
                  <td className="num"><Change pct={p.convertedChangePct} /></td>
                  <td className="num st-rank" data-testid={p.isSelf ? 'st-self-rank-converted' : undefined}>{rank(p, 'convertedChangePct')}<span className="muted small"> / {q.data!.counts.convertedChangePct}</span></td>
                  {writer ? (
                    <td className="st-actions">
                      {p.source !== 'computed' ? <><button className="icon-btn st-icon" title={t('st.peerEdit')} aria-label={t('st.peerEdit')} onClick={() => setEditing(p)}>✎</button><button className="icon-btn st-icon" title={t('st.peerDelete')} aria-label={t('st.peerDelete')} onClick={() => remove(p)}>×</button></> : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing ? <PeerDialog initial={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); qc.invalidateQueries({ queryKey: ['st-peers'] }); }} /> : null}
    </Card>
  );
}

function PeerDialog({ initial, onClose, onSaved }: { initial: Partial<Peer>; onClose(): void; onSaved(): void }) {
  const { t } = useT();
  const [f, setF] = useState({
    company: initial.company ?? '', period: initial.period ?? '', isSelf: initial.isSelf ?? false,
    complaints: initial.complaints?.toString() ?? '', converted: initial.converted?.toString() ?? '',
    complaintsChangePct: initial.complaintsChangePct?.toString() ?? '', convertedChangePct: initial.convertedChangePct?.toString() ?? '', source: initial.source ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('PUT', '/api/statistics/peers', {
        company: f.company, period: f.period, isSelf: f.isSelf, complaints: num(f.complaints), converted: num(f.converted),
        complaintsChangePct: num(f.complaintsChangePct), convertedChangePct: num(f.convertedChangePct), source: f.source,
      });
      toast(t('st.saved'));
      onSaved();
    } catch (e) { setError(errorText(e)); } finally { setBusy(false); }
  };
  const field = (key: keyof typeof f, name: string, type = 'text') => (
    <label className="field">{name}<input type={type} step="any" value={f[key] as string} onChange={(e) => setF({ ...f, [key]: e.target.value })} data-testid={`st-peer-${key}`} /></label>
  );
  return (
    <Modal title={t('st.peerAdd')} onClose={onClose} footer={<><button className="btn" onClick={onClose}>{t('st.cancel')}</button><button className="btn btn-primary" onClick={save} disabled={busy || !f.company || !f.period} data-testid="st-peer-save">{busy ? <Spinner /> : null} {t('st.save')}</button></>}>
      <div className="form-grid">
        {field('company', t('st.peer.company'))}{field('period', t('st.peer.period'))}
        {field('complaints', t('st.col.complaints'), 'number')}{field('converted', t('st.col.converted'), 'number')}
        {field('complaintsChangePct', `${t('st.col.complaintsChange')} (%)`, 'number')}{field('convertedChangePct', `${t('st.col.convertedChange')} (%)`, 'number')}
        {field('source', t('st.col.source'))}
        <label className="field check-row"><span><input type="checkbox" checked={f.isSelf} onChange={(e) => setF({ ...f, isSelf: e.target.checked })} /> {t('st.peer.isSelf')}</span></label>
      </div>
      <p className="hint">{t('st.peer.hint')}</p>
      {error ? <div className="form-error">{error}</div> : null}
    </Modal>
  );
}

function MonitoringCard() {
  const { t } = useT();
  const to = kstDate().slice(0, 7);
  const from = `${+to.slice(0, 4) - 1}-${to.slice(5, 7)}`;
  const q = useQuery<Monitoring>({ queryKey: ['st-monitoring-12', from, to], queryFn: () => get(`/api/statistics/monitoring${qs({ from, to })}`) });
  const option = useMemo(() => q.data && ({
    grid: { left: 44, right: 12, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: q.data.months.map((m) => m.month.slice(2)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{
      type: 'bar', barMaxWidth: 26, name: t('st.monitoring'),
      data: q.data.months.map((m) => ({ value: m.monitoredCases, itemStyle: { color: m.source === 'measured' ? '#1f5fcf' : '#91a7c6', opacity: m.partial ? 0.45 : 1 } })),
      markLine: q.data.averagePerMonth === null ? undefined : { symbol: 'none', data: [{ yAxis: q.data.averagePerMonth, name: t('st.avg') }], lineStyle: { color: '#e8590c', type: 'dashed' }, label: { position: 'insideEndTop', color: '#e8590c', formatter: `${t('st.avg')} {c}` } },
    }],
  }), [q.data, t]);
  return (
    <Card title={t('st.monitoring')} actions={<Legend items={[[t('st.src.measured'), '#1f5fcf'], [t('st.src.recorded'), '#91a7c6'], [t('st.avg'), '#e8590c']]} />}>
      <div className="small muted">{t('st.monitoringSub')}</div>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : q.data!.total === 0 ? <Empty icon="◉" title={t('st.monitoringNone')} /> : (
        <>
          <Chart option={option!} height={220} testId="st-monitoring-chart" />
          <div className="st-mon-foot small"><span>{t('st.avg')} <b data-testid="st-monitoring-avg">{n(q.data!.averagePerMonth)}</b></span><span>{from} ~ {to} <b>{n(q.data!.total)}</b></span><span>{t('st.prevMonth')} <Change pct={q.data!.changePct} /></span></div>
        </>
      )}
    </Card>
  );
}

function BaseCard({ writer }: { writer: boolean }) {
  const { t } = useT();
  const qc = useQueryClient();
  const q = useQuery<{ items: BaseEntry[] }>({ queryKey: ['st-base'], queryFn: () => get('/api/statistics/customer-base') });
  const [f, setF] = useState({ period: '', customers: '', note: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => { qc.invalidateQueries({ queryKey: ['st-base'] }); qc.invalidateQueries({ queryKey: ['st-summary'] }); qc.invalidateQueries({ queryKey: ['st-peers'] }); };
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('PUT', `/api/statistics/customer-base/${encodeURIComponent(f.period.trim())}`, { customers: Number(f.customers.replace(/,/g, '')), note: f.note });
      setF({ period: '', customers: '', note: '' });
      toast(t('st.saved'));
      refresh();
    } catch (e) { setError(errorText(e)); } finally { setBusy(false); }
  };
  const remove = async (period: string) => {
    try { await api('DELETE', `/api/statistics/customer-base/${period}`); toast(t('st.deleted')); refresh(); } catch (e) { toast(errorText(e), 'err'); }
  };
  return (
    <Card title={t('st.base')} pad={false}>
      <div className="pad small muted st-base-sub">{t('st.baseSub')}</div>
      {writer ? (
        <form className="st-base-form" onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="st-base-form">
          <input placeholder="2026-Q3" value={f.period} onChange={(e) => setF({ ...f, period: e.target.value })} aria-label={t('st.col.period')} data-testid="st-base-period" />
          <input placeholder="11,950,000" inputMode="numeric" value={f.customers} onChange={(e) => setF({ ...f, customers: e.target.value })} aria-label={t('st.col.customers')} data-testid="st-base-customers" />
          <input placeholder={t('st.col.note')} value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} aria-label={t('st.col.note')} />
          <button className="btn btn-primary btn-sm" disabled={busy || !f.period || !f.customers} data-testid="st-base-save">{busy ? <Spinner /> : null}{t('st.save')}</button>
        </form>
      ) : null}
      {error ? <div className="form-error st-base-error">{error}</div> : null}
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : q.data!.items.length === 0 ? <Empty icon="☺" title={t('st.baseNone')} hint={writer ? t('st.baseNoneHint') : t('st.baseNoneRead')} /> : (
        <div className="st-base-scroll">
          <table className="table table-compact" data-testid="st-base-table">
            <thead><tr><th>{t('st.col.period')}</th><th className="num">{t('st.col.customers')}</th><th>{t('st.col.note')}</th><th>{t('st.col.updated')}</th>{writer ? <th /> : null}</tr></thead>
            <tbody>
              {q.data!.items.map((b) => (
                <tr key={b.period}>
                  <td className="mono nowrap">{b.period}</td><td className="num">{n(b.customers)}</td><td className="small st-ellipsis" title={b.note}>{b.note}</td>
                  <td className="small muted nowrap" title={`${b.updatedBy} · ${fmtDateTime(b.updatedAt)}`}>{fmtDateTime(b.updatedAt).slice(0, 10)}</td>
                  {writer ? <td className="st-actions"><button className="icon-btn st-icon" title={t('st.peerEdit')} aria-label={t('st.peerEdit')} onClick={() => setF({ period: b.period, customers: String(b.customers), note: b.note })}>✎</button><button className="icon-btn st-icon" title={t('st.delete')} aria-label={t('st.delete')} onClick={() => remove(b.period)}>×</button></td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function ImportDialog({ onClose }: { onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [kind, setKind] = useState<'complaints' | 'peers' | 'customers'>('complaints');
  const [source, setSource] = useState('crm');
  const [dryRun, setDryRun] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<'idle' | 'uploading' | 'running'>('idle');
  const [result, setResult] = useState<ImportView | null>(null);
  const [rowErrors, setRowErrors] = useState<{ errors: RowError[]; errorCount: number; totalRows: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  const recent = useQuery<{ items: ImportView[] }>({ queryKey: ['st-imports'], queryFn: () => get('/api/statistics/imports?limit=5') });

  const run = async () => {
    if (!file) return;
    setPhase('uploading');
    setResult(null);
    setRowErrors(null);
    setError(null);
    try {
      let v = await api<ImportView>('POST', '/api/statistics/imports', {
        kind, filename: file.name, dataBase64: await fileBase64(file), dryRun, ...(kind === 'complaints' ? { sourceSystem: source || 'import' } : {}),
      });
      setResult(v);
      setPhase('running');
      while (v.status === 'running' && alive.current) {
        await new Promise((r) => setTimeout(r, 400));
        v = await api<ImportView>('GET', `/api/statistics/imports/${v.id}`);
        setResult(v);
      }
      if (v.status === 'completed') {
        toast(`${t('st.imp.done')}: ${v.inserted} ${t('st.imp.inserted')}, ${v.updated} ${t('st.imp.updated')}`);
        for (const k of ['st-summary', 'st-trend', 'st-peers', 'st-base']) qc.invalidateQueries({ queryKey: [k] });
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'import_invalid' && e.details) setRowErrors({ errors: e.details.errors, errorCount: e.details.errorCount, totalRows: e.details.totalRows });
      else setError(errorText(e));
    } finally {
      if (alive.current) { setPhase('idle'); qc.invalidateQueries({ queryKey: ['st-imports'] }); }
    }
  };
  const fieldLabel = (f: string) => { const k = `st.field.${f}`; const v = t(k); return v === k ? f : v; };
  const errLabel = (c: string) => { const k = `st.err.${c}`; const v = t(k); return v === k ? '' : v; };
  const pct = result && result.progress.total > 0 ? Math.round((result.progress.processed / result.progress.total) * 100) : 0;
  return (
    <Modal title={t('st.imp.title')} onClose={onClose} footer={<>
      <button className="btn" onClick={() => download(`/api/statistics/imports/template${qs({ kind })}`).catch((e) => toast(errorText(e), 'err'))}>⤓ {t('st.imp.template')}</button>
      <span className="grow" />
      <button className="btn" onClick={onClose}>{t('st.imp.close')}</button>
      <button className="btn btn-primary" onClick={run} disabled={!file || phase !== 'idle'} data-testid="st-import-run">{phase !== 'idle' ? <Spinner /> : null} {dryRun ? t('st.imp.validate') : t('st.imp.run')}</button>
    </>}>
      <div className="form-grid">
        <label className="field">{t('st.imp.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="st-import-kind">
            {(['complaints', 'peers', 'customers'] as const).map((k) => <option key={k} value={k}>{t(`st.imp.kind.${k}`)}</option>)}
          </select>
        </label>
        <label className="field">{t('st.imp.source')}
          <input value={source} onChange={(e) => setSource(e.target.value)} disabled={kind !== 'complaints'} data-testid="st-import-source" />
        </label>
        <label className="field span2">{t('st.imp.file')}
          <input type="file" accept=".csv,.xlsx,.json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="st-import-file" />
        </label>
      </div>
      <p className="hint">{t('st.imp.sourceHint')}</p>
      <label className="check-row"><input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} data-testid="st-import-dry" /> {t('st.imp.dry')}</label>

      {phase === 'uploading' ? <div className="st-progress" data-testid="st-import-progress"><div className="small">{t('st.imp.uploading')} · {t('st.imp.validating')}</div><div className="progress"><span /></div></div> : null}
      {result && (result.status === 'running' || phase === 'running') ? (
        <div className="st-progress" data-testid="st-import-progress">
          <div className="small">{t('st.imp.running')} {result.progress.processed.toLocaleString()} / {result.progress.total.toLocaleString()} {t('st.imp.rows')} ({pct}%)</div>
          <div className="st-bar"><span style={{ width: `${pct}%` }} /></div>
        </div>
      ) : null}
      {result && result.status !== 'running' ? (
        <div className={`st-result ${result.status === 'failed' ? 'st-result-bad' : ''}`} data-testid="st-import-result">
          <b>{result.status === 'validated' ? t('st.imp.validated') : result.status === 'completed' ? t('st.imp.done') : t('st.imp.failed')}</b>
          <div className="small">{result.filename} · {result.totalRows.toLocaleString()} {t('st.imp.rows')}{result.status === 'completed' ? ` · ${result.inserted} ${t('st.imp.inserted')} · ${result.updated} ${t('st.imp.updated')} · ${result.unchanged} ${t('st.imp.unchanged')}` : ''}</div>
          {result.unknownColumns?.length ? <div className="small muted">{t('st.imp.unknownColumns')}: {result.unknownColumns.join(', ')}</div> : null}
          {result.message && result.status === 'failed' ? <div className="small">{result.message}</div> : null}
        </div>
      ) : null}
      {rowErrors ? (
        <div className="st-row-errors" data-testid="st-import-errors">
          <div className="form-error"><b>{t('st.imp.errors')}</b> · {t('st.imp.errorCount').replace('{n}', String(rowErrors.errorCount))} / {rowErrors.totalRows} {t('st.imp.rows')}</div>
          {rowErrors.errors.length ? (
            <div className="st-errors-scroll">
              <table className="table table-compact">
                <thead><tr><th>{t('st.imp.col.row')}</th><th>{t('st.imp.col.field')}</th><th>{t('st.imp.col.code')}</th><th>{t('st.imp.col.message')}</th></tr></thead>
                <tbody>{rowErrors.errors.map((e, i) => (
                  <tr key={i}>
                    <td className="num">{e.row}</td>
                    <td>{fieldLabel(e.field)} <span className="mono small muted">{e.field}</span></td>
                    <td>{errLabel(e.code)} <div className="mono small muted">{e.code}</div></td>
                    <td className="small">{e.message}</td>
                  </tr>
                ))}</tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
      {error ? <div className="form-error">{error}</div> : null}
      {recent.data?.items.length ? (
        <div className="st-recent">
          <div className="small muted">{t('st.imp.recent')}</div>
          <ul>{recent.data.items.map((r) => <li key={r.id} className="small"><span className={`pill st-imp-${r.status}`}>{t(`st.imp.status.${r.status}`)}</span> {r.filename} · {r.totalRows.toLocaleString()} {t('st.imp.rows')} · {r.createdBy} · {fmtDateTime(r.createdAt)}</li>)}</ul>
        </div>
      ) : null}
    </Modal>
  );
}
