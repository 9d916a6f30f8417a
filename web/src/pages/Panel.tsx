import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { LegendComponent } from 'echarts/components';
import { api, ApiError, download, fileBase64, get, post, qs } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime } from '../format';
import { useT } from '../i18n';
import { Link, navigate } from '../router';
import { CategoryTag, Card, Empty, ErrorBox, Loading, Modal, SeverityBadge, Spinner, errorText, toast, useSubmit } from '../ui';
import './panel.css';

// 고객 패널: who is on the panel and how representative it is (active members
// per segment against the customer base, consent, withdrawals), the members
// with import and withdrawal, survey campaigns with their progress, the
// new-campaign dialog with a live stratified-sample preview, and a campaign's
// results (response rate per segment and day, indices with 95% intervals,
// free-text answers with risk badges, non-respondents, Excel).

// Grouped bars need a legend, which the shared Chart does not load.
echarts.use([LegendComponent]);

type Metric = 'nps' | 'csat' | 'ces';
const METRICS: Metric[] = ['nps', 'csat', 'ces'];
type Dimension = 'ageBand' | 'grade' | 'region' | 'tenureBand';
const DIMENSIONS: Dimension[] = ['grade', 'ageBand', 'region', 'tenureBand'];
type Status = 'draft' | 'scheduled' | 'open' | 'closed';
interface Estimate { value: number; low: number | null; high: number | null }
interface MetricIndex { metric: Metric; n: number; smallSample: boolean; headline: Estimate | null }
interface MixRow { value: string; active: number; panelShare: number | null; baseShare: number | null; gap: number | null }
interface Overview {
  members: { all: number; active: number; paused: number; withdrawn: number; withoutContact: number };
  consent: { version: string; n: number }[];
  mix: Record<Dimension, MixRow[]>;
  withdrawals: { month: string; n: number }[];
  notInvited: { months: number; n: number };
  campaigns: Record<Status, number>;
}
interface Member {
  id: string; externalId: string; label: string; ageBand: string | null; grade: string | null; region: string | null; products: string[];
  tenureBand: string | null; status: 'active' | 'paused' | 'withdrawn'; channel: string | null; contactMasked: string | null; hasContact: boolean;
  consentAt: string; consentVersion: string; withdrawnAt: string | null; lastInvitedAt: string | null;
}
interface Campaign {
  id: string; ref: string; title: string; purpose: string; metrics: Metric[]; question: string | null; status: Status; sampleSize: number;
  stratifyBy: Dimension[]; filter: Record<string, unknown>; seed: string; opensAt: string | null; closesAt: string | null; openedAt: string | null; closedAt: string | null;
  invited: number; responded: number; createdBy: string; createdAt: string;
}
interface Answer { invitationId: string; memberLabel: string; stratum: string; respondedAt: string; scores: Partial<Record<Metric, number>>; text: string | null; categories: string[]; severity: number }
interface Results {
  campaign: Campaign; invited: number; responded: number; rate: number | null; indices: Partial<Record<Metric, MetricIndex>>;
  segments: { stratum: string; invited: number; responded: number; rate: number | null; indices: Partial<Record<Metric, MetricIndex>> }[];
  byDay: { day: string; n: number }[]; answers: Answer[];
  nonRespondents: { invitationId: string; memberId: string; memberLabel: string; stratum: string; channel: string | null; memberStatus: string; invitedAt: string }[];
}
interface Preview { eligible: number; sampleSize: number; strata: { key: string; eligible: number; selected: number }[] }
interface RowError { row: number; field: string; code: string; message: string }

const DIGITS: Record<Metric, number> = { nps: 1, csat: 1, ces: 2 };
const fmtIx = (m: Metric, v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(DIGITS[m]));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)}%`);
const rateOf = (c: { invited: number; responded: number }) => (c.invited ? (100 * c.responded) / c.invited : 0);

function StatusPill({ status }: { status: Status }) {
  const { t } = useT();
  return <span className={`pill pn-status pn-status-${status}`} data-testid="pn-status">{t(`pn.status.${status}`)}</span>;
}

function ProgressBar({ invited, responded }: { invited: number; responded: number }) {
  const r = rateOf({ invited, responded });
  return (
    <div className="pn-progress" title={`${responded} / ${invited}`}>
      <div className="pn-progress-bar"><span style={{ width: `${Math.min(100, r)}%` }} /></div>
      <span className="small pn-progress-text">{responded.toLocaleString()} / {invited.toLocaleString()} · {invited ? `${r.toFixed(1)}%` : '—'}</span>
    </div>
  );
}

// ---- overview ----

function mixOption(rows: MixRow[], t: (k: string) => string) {
  return {
    animation: false,
    legend: { top: 0, right: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    grid: { left: 84, right: 24, top: 26, bottom: 22 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number | null) => (v === null ? '—' : `${v}%`) },
    xAxis: { type: 'value', axisLabel: { fontSize: 10, formatter: '{value}%' }, splitLine: { lineStyle: { color: '#eef1f5' } } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.value), axisLabel: { fontSize: 11, width: 76, overflow: 'truncate' }, axisTick: { show: false } },
    series: [
      { name: t('pn.mix.panel'), type: 'bar', barMaxWidth: 12, data: rows.map((r) => r.panelShare), itemStyle: { color: '#1f5fcf', borderRadius: 3 } },
      { name: t('pn.mix.base'), type: 'bar', barMaxWidth: 12, data: rows.map((r) => r.baseShare), itemStyle: { color: '#adb5bd', borderRadius: 3 } },
    ],
  };
}

function MixCard({ data }: { data: Overview }) {
  const { t } = useT();
  const [dim, setDim] = useState<Dimension>('grade');
  const rows = data.mix[dim];
  const option = useMemo(() => mixOption(rows, t), [rows, t]);
  const hasBase = rows.some((r) => r.baseShare !== null);
  return (
    <Card title={t('pn.mix')} actions={
      <div className="pn-seg">{DIMENSIONS.map((d) => <button key={d} className={dim === d ? 'active' : ''} onClick={() => setDim(d)} data-testid={`pn-mix-${d}`}>{t(`pn.dim.${d}`)}</button>)}</div>
    }>
      {rows.length === 0 ? <Empty icon="◎" title={t('pn.mix.none')} /> : (
        <>
          <Chart option={option} height={Math.max(140, rows.length * 34 + 50)} testId="pn-mix-chart" />
          <table className="table table-compact pn-table">
            <thead><tr><th>{t(`pn.dim.${dim}`)}</th><th className="num">{t('pn.mix.active')}</th><th className="num">{t('pn.mix.panel')}</th><th className="num">{t('pn.mix.base')}</th><th className="num">{t('pn.mix.gap')}</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.value}>
                  <td>{r.value}</td><td className="num">{r.active}</td><td className="num">{pct(r.panelShare)}</td><td className="num muted">{pct(r.baseShare)}</td>
                  <td className={`num ${r.gap === null ? '' : Math.abs(r.gap) >= 10 ? 'pn-gap-big' : ''}`}>{r.gap === null ? '—' : `${r.gap > 0 ? '+' : ''}${r.gap.toFixed(1)}%p`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!hasBase ? <div className="small muted pn-note">{t('pn.mix.noBase')}</div> : <div className="small muted pn-note">{t('pn.mix.gapHint')}</div>}
        </>
      )}
    </Card>
  );
}

function HealthCard({ data }: { data: Overview }) {
  const { t } = useT();
  const option = useMemo(() => ({
    animation: false,
    grid: { left: 30, right: 10, top: 10, bottom: 22 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: data.withdrawals.map((w) => w.month.slice(2)), axisLabel: { fontSize: 10 }, axisTick: { show: false } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef1f5' } }, axisLabel: { fontSize: 10 } },
    series: [{ name: t('pn.withdrawals'), type: 'bar', barMaxWidth: 16, data: data.withdrawals.map((w) => w.n), itemStyle: { color: '#e8590c', borderRadius: 3 } }],
  }), [data, t]);
  const totalConsent = data.consent.reduce((s, c) => s + c.n, 0);
  return (
    <Card title={t('pn.health')}>
      <div className="pn-health-title">{t('pn.withdrawals')} <span className="muted small">· {t('pn.last12')}</span></div>
      <Chart option={option} height={150} testId="pn-withdrawals-chart" />
      <div className="pn-health-title">{t('pn.consent')}</div>
      {data.consent.length === 0 ? <div className="small muted">—</div> : (
        <div className="pn-consent" data-testid="pn-consent">
          {data.consent.map((c) => (
            <div key={c.version} className="pn-consent-row">
              <span className="mono">{c.version}</span>
              <div className="pn-progress-bar"><span style={{ width: `${(100 * c.n) / Math.max(1, totalConsent)}%`, background: '#2b8a3e' }} /></div>
              <span className="small">{c.n.toLocaleString()}{t('pn.people')}</span>
            </div>
          ))}
        </div>
      )}
      <div className="pn-notinvited small" data-testid="pn-not-invited">
        {t('pn.notInvited').replace('{m}', String(data.notInvited.months))} <b>{data.notInvited.n.toLocaleString()}{t('pn.people')}</b>
      </div>
    </Card>
  );
}

// ---- campaigns ----

function CampaignsCard({ writer, onNew }: { writer: boolean; onNew(): void }) {
  const { t } = useT();
  const [status, setStatus] = useState<Status | ''>('');
  const q = useQuery<{ items: Campaign[]; total: number }>({ queryKey: ['panel', 'campaigns', status], queryFn: () => get(`/api/panel/campaigns${qs({ status })}`) });
  return (
    <Card title={<>{t('pn.campaigns')} {q.data ? <span className="count-chip">{q.data.total}</span> : null}</>} pad={false} actions={<>
      <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')} aria-label={t('pn.status')} data-testid="pn-campaign-status">
        <option value="">{t('pn.allStatuses')}</option>
        {(['draft', 'scheduled', 'open', 'closed'] as Status[]).map((s) => <option key={s} value={s}>{t(`pn.status.${s}`)}</option>)}
      </select>
      {writer ? <button className="btn btn-sm btn-primary" onClick={onNew} data-testid="pn-new-campaign">＋ {t('pn.newCampaign')}</button> : null}
    </>}>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : q.data!.items.length === 0 ? <Empty icon="✉" title={t('pn.noCampaigns')} hint={writer ? t('pn.noCampaignsHint') : undefined} /> : (
        <table className="table pn-table" data-testid="pn-campaigns">
          <thead><tr><th>{t('pn.ref')}</th><th>{t('pn.campaign')}</th><th>{t('pn.status')}</th><th>{t('pn.metrics')}</th><th>{t('pn.window')}</th><th style={{ width: 240 }}>{t('pn.progress')}</th></tr></thead>
          <tbody>
            {q.data!.items.map((c) => (
              <tr key={c.id} className="clickable" onClick={() => navigate(`/panel/${c.id}`)} data-testid="pn-campaign-row" data-ref={c.ref}>
                <td className="mono nowrap">{c.ref}</td>
                <td><b>{c.title}</b><div className="small muted pn-clip">{c.purpose}</div></td>
                <td><StatusPill status={c.status} /></td>
                <td className="nowrap">{c.metrics.map((m) => <span key={m} className="term">{m.toUpperCase()}</span>)}</td>
                <td className="small nowrap">{c.opensAt ? fmtDateTime(c.opensAt).slice(0, 10) : '—'} ~ {c.closesAt ? fmtDateTime(c.closesAt).slice(0, 10) : '—'}</td>
                <td>{c.status === 'draft' || c.status === 'scheduled' ? <span className="small muted">{t('pn.sampleOf')} {c.sampleSize}{t('pn.people')}</span> : <ProgressBar invited={c.invited} responded={c.responded} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

const addDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => { const h = setTimeout(() => setV(value), ms); return () => clearTimeout(h); }, [value, ms]);
  return v;
}

function NewCampaignModal({ overview, onClose }: { overview: Overview | undefined; onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [title, setTitle] = useState('');
  const [purpose, setPurpose] = useState('');
  const [metrics, setMetrics] = useState<Metric[]>(['nps', 'csat']);
  const [question, setQuestion] = useState(t('pn.defaultQuestion'));
  const [filter, setFilter] = useState<Record<string, string[]>>({});
  const [stratifyBy, setStratifyBy] = useState<Dimension[]>(['grade']);
  const [sampleSize, setSampleSize] = useState(100);
  const [closes, setCloses] = useState(addDays(14));
  const { busy, error, run } = useSubmit();
  const previewBody = useDebounced({ filter, stratifyBy, sampleSize: Math.max(1, Math.min(10_000, sampleSize || 1)) }, 250);
  const preview = useQuery<Preview>({ queryKey: ['panel', 'preview', previewBody], queryFn: () => post('/api/panel/campaigns/preview', previewBody) });
  const filterKey: Record<Dimension, string> = { ageBand: 'ageBands', grade: 'grades', region: 'regions', tenureBand: 'tenureBands' };
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const submit = () => run(async () => {
    const c = await post<Campaign>('/api/panel/campaigns', {
      title, purpose, metrics, question: question.trim() || null, filter, stratifyBy, sampleSize, closesAt: new Date(`${closes}T23:59:00+09:00`).toISOString(),
    });
    toast(`${c.ref} ${t('pn.created')}`);
    await qc.invalidateQueries({ queryKey: ['panel'] });
    onClose();
    navigate(`/panel/${c.id}`);
  });
  return (
    <Modal title={t('pn.newCampaign')} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button>
        <button className="btn btn-primary" onClick={submit} disabled={busy || !title.trim() || !purpose.trim() || metrics.length === 0 || !(sampleSize > 0)} data-testid="pn-campaign-save">{busy ? <Spinner /> : null}{t('pn.createDraft')}</button></>}>
      {/* The dialog is taller than a laptop screen: its body scrolls, the buttons stay in view. */}
      <div className="pn-modal-body">
      <div className="form-grid pn-form">
        <label className="field span2">{t('pn.campaignTitle')}<input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} placeholder={t('pn.titlePh')} data-testid="pn-campaign-title" /></label>
        <label className="field span2">{t('pn.purpose')}<input value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={500} placeholder={t('pn.purposePh')} data-testid="pn-campaign-purpose" /></label>
        <div className="field">{t('pn.metrics')}
          <div className="pn-checks">{METRICS.map((m) => <label key={m}><input type="checkbox" checked={metrics.includes(m)} onChange={() => setMetrics(toggle(metrics, m))} /> {m.toUpperCase()}</label>)}</div>
        </div>
        <label className="field">{t('pn.closesAt')}<input type="date" value={closes} min={addDays(1)} onChange={(e) => e.target.value && setCloses(e.target.value)} data-testid="pn-campaign-closes" /></label>
        <label className="field span2"><span>{t('pn.question')} <span className="muted">({t('pn.optional')})</span></span><input value={question} onChange={(e) => setQuestion(e.target.value)} maxLength={300} /></label>
      </div>
      <div className="pn-subhead">{t('pn.segmentFilter')} <span className="muted small">· {t('pn.segmentFilterHint')}</span></div>
      {DIMENSIONS.map((d) => {
        const values = (overview?.mix[d] ?? []).map((r) => r.value).filter((v) => v !== '미상');
        if (values.length === 0) return null;
        const selected = filter[filterKey[d]] ?? [];
        return (
          <div key={d} className="pn-filter-row">
            <span className="pn-filter-label">{t(`pn.dim.${d}`)}</span>
            {values.map((v) => (
              <button key={v} type="button" className={`pn-chip ${selected.includes(v) ? 'active' : ''}`} data-testid={`pn-filter-${d}`}
                onClick={() => { const next = toggle(selected, v); const f = { ...filter }; if (next.length) f[filterKey[d]] = next; else delete f[filterKey[d]]; setFilter(f); }}>{v}</button>
            ))}
          </div>
        );
      })}
      <div className="form-grid pn-form">
        <div className="field">{t('pn.stratifyBy')}
          <div className="pn-checks">{DIMENSIONS.map((d) => <label key={d}><input type="checkbox" checked={stratifyBy.includes(d)} onChange={() => setStratifyBy(toggle(stratifyBy, d))} /> {t(`pn.dim.${d}`)}</label>)}</div>
        </div>
        <label className="field">{t('pn.sampleSize')}<input type="number" min={1} max={10000} value={sampleSize} onChange={(e) => setSampleSize(Number(e.target.value))} data-testid="pn-campaign-size" /></label>
      </div>
      <div className="pn-preview" data-testid="pn-preview">
        {preview.isLoading ? <Loading /> : preview.error ? <ErrorBox error={preview.error} /> : (
          <>
            <div className="pn-preview-head">{t('pn.preview')}: <b>{preview.data!.sampleSize.toLocaleString()}{t('pn.people')}</b> / {t('pn.eligible')} {preview.data!.eligible.toLocaleString()}{t('pn.people')}
              {preview.data!.sampleSize < sampleSize ? <span className="pn-warn"> · {t('pn.tooFew')}</span> : null}</div>
            {preview.data!.strata.length === 0 ? <div className="small muted">{t('pn.noEligible')}</div> : (
              <table className="table table-compact pn-table">
                <thead><tr><th>{t('pn.stratum')}</th><th className="num">{t('pn.eligible')}</th><th className="num">{t('pn.selected')}</th><th style={{ width: '40%' }} /></tr></thead>
                <tbody>
                  {preview.data!.strata.map((s) => (
                    <tr key={s.key}><td>{s.key}</td><td className="num">{s.eligible}</td><td className="num"><b>{s.selected}</b></td>
                      <td><div className="pn-progress-bar"><span style={{ width: `${(100 * s.selected) / Math.max(1, preview.data!.sampleSize)}%` }} /></div></td></tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="small muted">{t('pn.sampleMethod')}</div>
          </>
        )}
      </div>
      {error ? <div className="form-error" role="alert">{error}</div> : null}
      </div>
    </Modal>
  );
}

// ---- members ----

const TEMPLATE = '고객번호,이름,연령대,등급,지역,보유상품,거래기간,연락채널,연락처,동의일시,동의목적,동의서버전\r\nC-0001,홍길동,30대,골드,서울,신용카드;체크카드,3,email,hong@example.com,2026-11-01 10:00,설문 및 서비스 개선 의견 수렴,v2.1\r\n';

function ImportModal({ onClose }: { onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ received: number; created: number; unchanged: number; dryRun: boolean } | null>(null);
  const [failure, setFailure] = useState<{ code: string; message: string; errors: RowError[] } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true); setResult(null); setFailure(null);
    try {
      const r = await post<{ received: number; created: number; unchanged: number; dryRun: boolean }>('/api/panel/members/import', { filename: file.name, dataBase64: await fileBase64(file), dryRun });
      setResult(r);
      if (!dryRun) { toast(`${file.name}: ${t('pn.imp.done')}`); await qc.invalidateQueries({ queryKey: ['panel'] }); }
    } catch (e) {
      const err = e as ApiError;
      setFailure({ code: err.code ?? 'error', message: errorText(e), errors: (err.details?.errors as RowError[]) ?? [] });
    } finally { setBusy(false); }
  };
  const template = () => {
    const url = URL.createObjectURL(new Blob(['\ufeff', TEMPLATE], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url; a.download = '고객패널-회원-양식.csv';
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  };
  return (
    <Modal title={t('pn.imp.title')} onClose={onClose} footer={<>
      <button className="btn btn-ghost" onClick={onClose}>{t('close')}</button>
      <button className="btn" onClick={() => send(true)} disabled={!file || busy} data-testid="pn-import-dry">{t('pn.imp.dry')}</button>
      <button className="btn btn-primary" onClick={() => send(false)} disabled={!file || busy} data-testid="pn-import-submit">{busy ? <Spinner /> : null}{t('pn.imp.run')}</button>
    </>}>
      <p className="hint">{t('pn.imp.hint')} <button className="link-btn small" onClick={template}>{t('pn.imp.template')}</button></p>
      <div className={`pn-drop ${file ? 'has-file' : ''}`} onClick={() => input.current?.click()}
        onDragOver={(e) => e.preventDefault()} onDrop={(e) => { e.preventDefault(); const f = e.dataTransfer.files[0]; if (f) { setFile(f); setResult(null); setFailure(null); } }}>
        <input ref={input} type="file" accept=".csv,.xlsx,.json" hidden data-testid="pn-import-file" onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); setFailure(null); }} />
        {file ? <><b>{file.name}</b> <span className="muted small">({(file.size / 1024).toFixed(1)} KB)</span></> : <span className="muted">{t('pn.imp.pick')}</span>}
      </div>
      {result ? <div className={`pn-result ${result.dryRun ? 'pn-result-dry' : ''}`} data-testid="pn-import-result"><b>{result.dryRun ? t('pn.imp.dryOk') : t('pn.imp.done')}</b> · {t('pn.imp.rows')} {result.received} · {t('pn.imp.created')} {result.created} · {t('pn.imp.unchanged')} {result.unchanged}</div> : null}
      {failure ? (
        <div className="pn-failure" role="alert" data-testid="pn-import-failure">
          <div><b>{t('pn.imp.refused')}</b> <code className="errcode">{failure.code}</code></div>
          {failure.errors.length === 0 ? <div className="small">{failure.message}</div> : (
            <div className="pn-errors-wrap">
              <table className="table table-compact">
                <thead><tr><th className="num">{t('pn.imp.row')}</th><th>{t('pn.imp.field')}</th><th>{t('pn.imp.code')}</th><th>{t('pn.imp.message')}</th></tr></thead>
                <tbody>{failure.errors.map((e, i) => <tr key={i}><td className="num">{e.row}</td><td className="mono">{e.field || '—'}</td><td className="mono">{e.code}</td><td className="small">{e.message}</td></tr>)}</tbody>
              </table>
            </div>
          )}
        </div>
      ) : null}
    </Modal>
  );
}

function MembersCard({ writer, overview }: { writer: boolean; overview: Overview | undefined }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [status, setStatus] = useState<'' | Member['status']>('');
  const [grade, setGrade] = useState('');
  const [ageBand, setAgeBand] = useState('');
  const [text, setText] = useState('');
  const [limit, setLimit] = useState(20);
  const [importing, setImporting] = useState(false);
  const search = useDebounced(text.trim(), 300);
  const q = useQuery<{ items: Member[]; total: number; counts: Record<string, number> }>({
    queryKey: ['panel', 'members', status, grade, ageBand, search, limit],
    queryFn: () => get(`/api/panel/members${qs({ status, grade, ageBand, q: search, limit })}`),
  });
  const act = async (m: Member, what: 'pause' | 'resume' | 'withdraw') => {
    try {
      if (what === 'withdraw') {
        const reason = prompt(`${m.label}: ${t('pn.withdrawConfirm')}`);
        if (reason === null) return;
        await post(`/api/panel/members/${m.id}/withdraw`, { reason: reason.trim() || null });
        toast(t('pn.withdrawn'));
      } else {
        await api('PATCH', `/api/panel/members/${m.id}`, { status: what === 'pause' ? 'paused' : 'active' });
        toast(t('pn.saved'));
      }
      await qc.invalidateQueries({ queryKey: ['panel'] });
    } catch (e) { toast(errorText(e), 'err'); }
  };
  const values = (d: Dimension) => (overview?.mix[d] ?? []).map((r) => r.value).filter((v) => v !== '미상');
  return (
    <Card title={<>{t('pn.members')} {q.data ? <span className="count-chip">{q.data.total.toLocaleString()}</span> : null}</>} pad={false} actions={
      writer ? <button className="btn btn-sm" onClick={() => setImporting(true)} data-testid="pn-import">⤒ {t('pn.import')}</button> : null
    }>
      <div className="filters pn-member-filters">
        <div className="pn-seg">
          {(['', 'active', 'paused', 'withdrawn'] as const).map((s) => (
            <button key={s || 'all'} className={status === s ? 'active' : ''} onClick={() => setStatus(s)} data-testid={`pn-member-status-${s || 'all'}`}>
              {s ? t(`pn.member.${s}`) : t('pn.all')} {q.data ? <span className="pn-seg-n">{q.data.counts[s || 'all'] ?? 0}</span> : null}
            </button>
          ))}
        </div>
        <select value={grade} onChange={(e) => setGrade(e.target.value)} aria-label={t('pn.dim.grade')} data-testid="pn-member-grade">
          <option value="">{t('pn.dim.grade')}: {t('pn.all')}</option>{values('grade').map((v) => <option key={v}>{v}</option>)}
        </select>
        <select value={ageBand} onChange={(e) => setAgeBand(e.target.value)} aria-label={t('pn.dim.ageBand')}>
          <option value="">{t('pn.dim.ageBand')}: {t('pn.all')}</option>{values('ageBand').map((v) => <option key={v}>{v}</option>)}
        </select>
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('pn.searchPh')} aria-label={t('pn.searchPh')} />
      </div>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} /> : q.data!.items.length === 0 ? <Empty icon="◎" title={t('pn.noMembers')} hint={writer ? t('pn.noMembersHint') : undefined} /> : (
        <>
          <div className="pn-table-wrap">
          <table className="table table-compact pn-table" data-testid="pn-members">
            <thead><tr><th>{t('pn.member')}</th><th>{t('pn.segment')}</th><th>{t('pn.contact')}</th><th>{t('pn.consentCol')}</th><th>{t('pn.lastInvited')}</th><th>{t('pn.status')}</th>{writer ? <th /> : null}</tr></thead>
            <tbody>
              {q.data!.items.map((m) => (
                <tr key={m.id} className={m.status === 'withdrawn' ? 'dim' : ''} data-testid="pn-member-row">
                  <td className="pn-nw"><b>{m.label}</b><div className="mono small muted">{m.externalId}</div></td>
                  <td className="pn-seg-cell">{[m.grade, m.ageBand, m.region, m.tenureBand].filter(Boolean).map((v) => <span key={v} className="term">{v}</span>)}</td>
                  <td className="small pn-nw">{m.contactMasked ? <><span className="pn-channel">{m.channel === 'sms' ? 'SMS' : t('pn.email')}</span> {m.contactMasked}</> : <span className="muted">—</span>}</td>
                  <td className="small pn-nw">{m.consentVersion} · {fmtDateTime(m.consentAt).slice(0, 10)}</td>
                  <td className="small pn-nw">{m.lastInvitedAt ? fmtDateTime(m.lastInvitedAt).slice(0, 10) : <span className="muted">{t('pn.never')}</span>}</td>
                  <td><span className={`pill pn-member-${m.status}`}>{t(`pn.member.${m.status}`)}</span>{m.withdrawnAt ? <div className="small muted">{fmtDateTime(m.withdrawnAt).slice(0, 10)}</div> : null}</td>
                  {writer ? (
                    <td className="row-actions">
                      {m.status === 'active' ? <button className="btn btn-sm btn-ghost" onClick={() => act(m, 'pause')}>{t('pn.pause')}</button> : null}
                      {m.status === 'paused' ? <button className="btn btn-sm btn-ghost" onClick={() => act(m, 'resume')}>{t('pn.resume')}</button> : null}
                      {m.status !== 'withdrawn' ? <button className="btn btn-sm btn-ghost pn-danger" onClick={() => act(m, 'withdraw')} data-testid="pn-withdraw">{t('pn.withdraw')}</button> : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          {q.data!.total > q.data!.items.length ? <div className="pad center"><button className="btn btn-sm" onClick={() => setLimit(limit + 50)}>{t('pn.more')}</button></div> : null}
        </>
      )}
      {importing ? <ImportModal onClose={() => setImporting(false)} /> : null}
    </Card>
  );
}

// ---- campaign detail ----

function IndexCard({ m, ix }: { m: Metric; ix: MetricIndex | undefined }) {
  const { t } = useT();
  const h = ix?.headline;
  return (
    <div className={`kpi pn-ix pn-ix-${m}`} data-testid={`pn-ix-${m}`}>
      <div className="kpi-label">{t(`pn.metric.${m}`)} {ix?.smallSample && ix.n > 0 ? <span className="badge pn-small" title={t('pn.smallHint')}>{t('pn.small')}</span> : null}</div>
      <div className="pn-ix-value">{h ? `${fmtIx(m, h.value)}${m === 'csat' ? '%' : ''}` : '—'}</div>
      <div className="small pn-ix-ci">{h && h.low !== null ? `95% CI ${fmtIx(m, h.low)} ~ ${fmtIx(m, h.high)}` : t('pn.noCi')} · n = {ix?.n ?? 0}</div>
    </div>
  );
}

/** Answers per KST day from the opening to today (or the close), zero days included, so the chart reads as a timeline. */
function fillDays(r: Results | undefined): { day: string; n: number }[] {
  if (!r) return [];
  const start = r.campaign.openedAt ?? r.campaign.opensAt;
  if (!start) return r.byDay;
  const kstDay = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 10);
  const endMs = Math.min(Date.now(), Date.parse(r.campaign.closedAt ?? r.campaign.closesAt ?? new Date().toISOString()));
  const counts = new Map(r.byDay.map((d) => [d.day, d.n]));
  const out: { day: string; n: number }[] = [];
  for (let ms = Date.parse(start); kstDay(ms) <= kstDay(endMs) && out.length < 120; ms += 86_400_000) out.push({ day: kstDay(ms), n: counts.get(kstDay(ms)) ?? 0 });
  for (const d of r.byDay) if (!out.some((o) => o.day === d.day)) out.push(d);
  return out.sort((a, b) => a.day.localeCompare(b.day));
}

function CampaignDetail({ id }: { id: string }) {
  const { t } = useT();
  const me = useMe();
  const writer = can(me, 'panel:write');
  const qc = useQueryClient();
  const q = useQuery<Results>({ queryKey: ['panel', 'results', id], queryFn: () => get(`/api/panel/campaigns/${id}/results`), refetchInterval: 15_000 });
  const [exporting, setExporting] = useState(false);
  const [moving, setMoving] = useState(false);
  const segOption = useMemo(() => {
    const segs = q.data?.segments ?? [];
    return {
      animation: false,
      grid: { left: 96, right: 46, top: 8, bottom: 22 },
      tooltip: { trigger: 'item', formatter: (p: { dataIndex: number }) => { const s = segs[p.dataIndex]!; return `${s.stratum}<br/>${s.responded} / ${s.invited} · <b>${pct(s.rate)}</b>`; } },
      xAxis: { type: 'value', max: 100, axisLabel: { fontSize: 10, formatter: '{value}%' }, splitLine: { lineStyle: { color: '#eef1f5' } } },
      yAxis: { type: 'category', inverse: true, data: segs.map((s) => s.stratum), axisLabel: { fontSize: 11, width: 90, overflow: 'truncate' }, axisTick: { show: false } },
      series: [{ type: 'bar', barMaxWidth: 16, data: segs.map((s) => s.rate ?? 0), itemStyle: { color: '#1f5fcf', borderRadius: 3 }, label: { show: true, position: 'right', fontSize: 10, formatter: (p: { value: number }) => `${p.value.toFixed(1)}%` } }],
    };
  }, [q.data]);
  const dayOption = useMemo(() => {
    let sum = 0;
    const days = fillDays(q.data);
    const invited = q.data?.invited ?? 0;
    return {
      animation: false,
      grid: { left: 36, right: 36, top: 14, bottom: 22 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)), axisLabel: { fontSize: 10 }, axisTick: { show: false } },
      yAxis: [
        { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef1f5' } }, axisLabel: { fontSize: 10 } },
        { type: 'value', max: 100, axisLabel: { fontSize: 10, formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        { name: t('pn.responsesPerDay'), type: 'bar', barMaxWidth: 18, data: days.map((d) => d.n), itemStyle: { color: '#74c0fc', borderRadius: 3 } },
        { name: t('pn.cumulativeRate'), type: 'line', yAxisIndex: 1, data: days.map((d) => { sum += d.n; return invited ? Math.round((1000 * sum) / invited) / 10 : 0; }), itemStyle: { color: '#1f5fcf' } },
      ],
    };
  }, [q.data, t]);
  if (q.isLoading) return <div className="page"><Loading /></div>;
  if (q.error) return <div className="page"><ErrorBox error={q.error} onRetry={() => q.refetch()} /></div>;
  const r = q.data!;
  const c = r.campaign;
  const move = async (to: Status) => {
    if (to === 'closed' && !confirm(t('pn.closeConfirm'))) return;
    setMoving(true);
    try {
      await post(`/api/panel/campaigns/${id}/transition`, { to });
      toast(t(`pn.moved.${to}`));
      await qc.invalidateQueries({ queryKey: ['panel'] });
    } catch (e) { toast(errorText(e), 'err'); } finally { setMoving(false); }
  };
  const exportXlsx = async () => {
    setExporting(true);
    try { await download(`/api/panel/campaigns/${id}/export.xlsx`); } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };
  const flagged = r.answers.filter((a) => a.severity > 0).length;
  return (
    <div className="page pn-page" data-testid="panel-campaign">
      <div className="small"><Link to="/panel">← {t('pn.title')}</Link></div>
      <header className="page-head">
        <div>
          <h1><span className="mono pn-ref">{c.ref}</span> {c.title} <StatusPill status={c.status} /></h1>
          <div className="sub">{c.purpose} · {t('pn.window')} {c.opensAt ? fmtDateTime(c.opensAt).slice(0, 16) : '—'} ~ {c.closesAt ? fmtDateTime(c.closesAt).slice(0, 16) : '—'}</div>
        </div>
        <div className="head-actions">
          {writer && c.status === 'draft' ? <button className="btn" onClick={() => move('scheduled')} disabled={moving || !c.opensAt}>{t('pn.schedule')}</button> : null}
          {writer && c.status === 'scheduled' ? <button className="btn" onClick={() => move('draft')} disabled={moving}>{t('pn.unschedule')}</button> : null}
          {writer && (c.status === 'draft' || c.status === 'scheduled') ? <button className="btn btn-primary" onClick={() => move('open')} disabled={moving} data-testid="pn-open">{moving ? <Spinner /> : '▶'} {t('pn.open')}</button> : null}
          {writer && c.status === 'open' ? <button className="btn" onClick={() => move('closed')} disabled={moving} data-testid="pn-close">■ {t('pn.close')}</button> : null}
          <button className="btn" onClick={exportXlsx} disabled={exporting} data-testid="pn-export">{exporting ? <Spinner /> : '⤓'} Excel</button>
        </div>
      </header>
      <div className="pn-settings small muted">
        {t('pn.metrics')}: {c.metrics.map((m) => m.toUpperCase()).join(' · ')} · {t('pn.sampleSize')} {c.sampleSize} · {t('pn.stratifyBy')}: {c.stratifyBy.map((d) => t(`pn.dim.${d}`)).join(' × ') || '—'}
        {Object.keys(c.filter).length ? <> · {t('pn.segmentFilter')}: {Object.entries(c.filter).map(([k, v]) => `${t(`pn.filter.${k}`)} ${Array.isArray(v) ? v.join(', ') : v}`).join(' / ')}</> : null}
        {' · '}{t('pn.seed')} <span className="mono">{c.seed.slice(0, 8)}</span>
      </div>
      {c.status === 'draft' || c.status === 'scheduled' ? (
        <Card><Empty icon="✉" title={t('pn.notOpenYet')} hint={t('pn.notOpenHint')} /></Card>
      ) : (
        <>
          <div className="kpis pn-kpis">
            <div className="kpi"><div className="kpi-label">{t('pn.invited')}</div><div className="kpi-value" data-testid="pn-invited">{r.invited.toLocaleString()}</div></div>
            <div className="kpi"><div className="kpi-label">{t('pn.responded')}</div><div className="kpi-value" data-testid="pn-responded">{r.responded.toLocaleString()}</div></div>
            <div className="kpi pn-rate-kpi"><div className="kpi-label">{t('pn.rate')}</div><div className="kpi-value" data-testid="pn-rate">{pct(r.rate)}</div>
              <div className="pn-progress-bar"><span style={{ width: `${r.rate ?? 0}%` }} /></div></div>
            <div className={`kpi ${flagged ? 'pn-flag-kpi' : ''}`}><div className="kpi-label">{t('pn.flagged')}</div><div className="kpi-value" data-testid="pn-flagged">{flagged}</div></div>
          </div>
          <div className="kpis pn-ix-row" style={{ gridTemplateColumns: `repeat(${c.metrics.length}, minmax(0, 1fr))` }}>
            {c.metrics.map((m) => <IndexCard key={m} m={m} ix={r.indices[m]} />)}
          </div>
          <div className="pn-grid">
            <Card title={t('pn.rateBySegment')}>
              {r.segments.length === 0 ? <Empty title={t('pn.noData')} /> : <Chart option={segOption} height={Math.max(120, r.segments.length * 30 + 40)} testId="pn-rate-chart" />}
              <table className="table table-compact pn-table">
                <thead><tr><th>{t('pn.stratum')}</th><th className="num">{t('pn.invited')}</th><th className="num">{t('pn.responded')}</th><th className="num">{t('pn.rate')}</th>{c.metrics.map((m) => <th key={m} className="num">{m.toUpperCase()}</th>)}</tr></thead>
                <tbody>
                  {r.segments.map((s) => (
                    <tr key={s.stratum}><td>{s.stratum}</td><td className="num">{s.invited}</td><td className="num">{s.responded}</td><td className="num">{pct(s.rate)}</td>
                      {c.metrics.map((m) => { const h = s.indices[m]?.headline; return <td key={m} className="num" title={h && h.low !== null ? `95% CI ${fmtIx(m, h.low)} ~ ${fmtIx(m, h.high)}` : ''}>{fmtIx(m, h?.value)}</td>; })}</tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <Card title={t('pn.responsesOverTime')}>
              {r.byDay.length === 0 ? <div className="pn-chart-empty small muted">{t('pn.noResponsesYet')}</div> : <Chart option={dayOption} height={220} testId="pn-day-chart" />}
            </Card>
          </div>
          <Card title={<>{t('pn.answers')} <span className="count-chip">{r.answers.length}</span></>} pad={false}>
            {r.answers.length === 0 ? <Empty icon="✎" title={t('pn.noResponsesYet')} /> : (
              <ul className="pn-answers" data-testid="pn-answers">
                {r.answers.map((a) => (
                  <li key={a.invitationId} className={a.severity > 0 ? 'pn-answer-risk' : ''} data-testid="pn-answer">
                    <div className="pn-answer-head">
                      {a.severity > 0 ? <span className="pn-risk" data-testid="pn-risk-badge"><SeverityBadge severity={a.severity} /> {t('pn.risk')}</span> : null}
                      {a.categories.map((cat) => <CategoryTag key={cat} category={cat} />)}
                      <b>{a.memberLabel}</b><span className="term">{a.stratum}</span>
                      {c.metrics.map((m) => <span key={m} className="pn-score">{m.toUpperCase()} {a.scores[m] ?? '—'}</span>)}
                      <span className="grow" /><span className="small muted">{fmtDateTime(a.respondedAt)}</span>
                    </div>
                    {a.text ? <div className="pn-answer-text">{a.text}</div> : <div className="small muted">{t('pn.noText')}</div>}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={<>{t('pn.nonRespondents')} <span className="count-chip">{r.nonRespondents.length}</span></>} pad={false}>
            {r.nonRespondents.length === 0 ? <Empty icon="✓" title={t('pn.allResponded')} /> : (
              <table className="table table-compact pn-table" data-testid="pn-nonrespondents">
                <thead><tr><th>{t('pn.member')}</th><th>{t('pn.stratum')}</th><th>{t('pn.channel')}</th><th>{t('pn.status')}</th><th>{t('pn.invitedAt')}</th></tr></thead>
                <tbody>
                  {r.nonRespondents.slice(0, 200).map((n) => (
                    <tr key={n.invitationId} className={n.memberStatus === 'withdrawn' ? 'dim' : ''}><td><b>{n.memberLabel}</b></td><td>{n.stratum}</td><td>{n.channel === 'sms' ? 'SMS' : n.channel === 'email' ? 'E-mail' : '—'}</td>
                      <td>{t(`pn.member.${n.memberStatus}`)}</td><td className="small">{fmtDateTime(n.invitedAt)}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
            {c.status === 'open' && r.nonRespondents.length > 0 ? <div className="small muted pad">{t('pn.followUpHint')}</div> : null}
          </Card>
        </>
      )}
    </div>
  );
}

// ---- the page ----

export function PanelPage({ focusId }: { focusId?: string }) {
  const { t } = useT();
  const me = useMe();
  const writer = can(me, 'panel:write');
  const overview = useQuery<Overview>({ queryKey: ['panel', 'overview'], queryFn: () => get('/api/panel/overview'), enabled: !focusId });
  const [creating, setCreating] = useState(false);
  if (focusId) return <CampaignDetail id={focusId} />;
  const o = overview.data;
  return (
    <div className="page pn-page" data-testid="panel-page">
      <header className="page-head">
        <div>
          <h1>{t('pn.title')}</h1>
          <div className="sub">{t('pn.sub')}</div>
        </div>
        <div className="head-actions">
          {writer ? <button className="btn btn-primary" onClick={() => setCreating(true)} data-testid="pn-new-campaign-head">＋ {t('pn.newCampaign')}</button> : null}
        </div>
      </header>
      {overview.isLoading ? <Loading /> : overview.error ? <ErrorBox error={overview.error} onRetry={() => overview.refetch()} /> : o && o.members.all === 0 ? (
        <Card><Empty icon="◎" title={t('pn.empty')} hint={writer ? t('pn.emptyHint') : t('pn.emptyHintRead')} /></Card>
      ) : o ? (
        <>
          <div className="kpis pn-kpis" data-testid="pn-kpis">
            <div className="kpi"><div className="kpi-label">{t('pn.kpi.active')}</div><div className="kpi-value" data-testid="pn-active">{o.members.active.toLocaleString()}</div>
              <div className="small muted">{t('pn.kpi.ofAll').replace('{n}', o.members.all.toLocaleString())}{o.members.withoutContact ? ` · ${t('pn.kpi.noContact')} ${o.members.withoutContact}` : ''}</div></div>
            <div className="kpi"><div className="kpi-label">{t('pn.kpi.paused')}</div><div className="kpi-value">{o.members.paused.toLocaleString()}</div></div>
            <div className="kpi"><div className="kpi-label">{t('pn.kpi.withdrawn')}</div><div className="kpi-value">{o.members.withdrawn.toLocaleString()}</div>
              <div className="small muted">{t('pn.kpi.thisMonth')} {o.withdrawals.at(-1)?.n ?? 0}</div></div>
            <div className="kpi"><div className="kpi-label">{t('pn.kpi.campaigns')}</div><div className="kpi-value">{o.campaigns.open}</div>
              <div className="small muted">{t('pn.status.draft')} {o.campaigns.draft} · {t('pn.status.scheduled')} {o.campaigns.scheduled} · {t('pn.status.closed')} {o.campaigns.closed}</div></div>
          </div>
          <div className="pn-grid">
            <MixCard data={o} />
            <HealthCard data={o} />
          </div>
        </>
      ) : null}
      <CampaignsCard writer={writer} onNew={() => setCreating(true)} />
      <MembersCard writer={writer} overview={o} />
      {creating ? <NewCampaignModal overview={o} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
