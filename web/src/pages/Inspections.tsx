import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type Case, download, fileBase64, get, patch, post, qs } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtBytes, fmtDateTime, kstDate } from '../format';
import { useT } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { Card, Empty, ErrorBox, Loading, Modal, Spinner, errorText, toast, useSubmit } from '../ui';
import './inspections.css';

// 자율 점검: consumer-protection self-inspection. The overview shows the figures
// (compliance, CCM readiness, open and overdue findings), the rounds with their
// progress, the findings board and the summary charts; a round's page is its
// checklist grouped by area, answered item by item with comments and evidence.
// A finding opens in a dialog (also from ?finding=<id>).

type RoundStatus = 'planned' | 'in_progress' | 'submitted' | 'reviewed';
type Result = 'compliant' | 'non_compliant' | 'not_applicable';
type FindingStatus = 'open' | 'in_progress' | 'resolved' | 'verified';

interface Round {
  id: string; ref: string; templateId: string; templateVersion: number; templateName: string; department: string; period: string;
  periodStart: string; periodEnd: string; title: string; ownerId: string | null; ownerName: string | null; assigneeId: string | null;
  assigneeName: string | null; dueDate: string; overdue: boolean; status: RoundStatus; itemCount: number; answered: number; compliant: number;
  nonCompliant: number; notApplicable: number; complianceRate: number | null; findingCount: number; openFindingCount: number;
  submittedAt: string | null; submittedBy: string | null; reviewedAt: string | null; reviewedBy: string | null; reviewNote: string | null;
}
interface Evidence { id: string; itemId: string; filename: string; contentType: string; size: number; uploadedBy: string; createdAt: string }
interface Answer { itemId: string; result: Result; comment: string; answeredBy: string; answeredAt: string }
interface Item {
  itemId: string; position: number; area: string; textKo: string; textEn: string; guidance: string; evidenceRequired: boolean; ccm: boolean;
  answer: Answer | null; evidence: Evidence[]; findingId: string | null;
}
interface Finding {
  id: string; ref: string; roundId: string; roundRef: string; department: string; period: string; itemId: string; area: string;
  itemTextKo: string; itemTextEn: string; title: string; severity: 'high' | 'medium' | 'low'; status: FindingStatus; ownerId: string | null;
  ownerName: string | null; dueDate: string; overdue: boolean; actionPlan: string; resolution: string | null; caseCount: number; noteCount: number;
  verifiedBy: string | null; verifiedAt: string | null;
}
interface HistoryEntry { id: number; at: string; actorName: string; action: string; targetType: string; details: Record<string, any> }
interface RoundDetail { round: Round; items: Item[]; findings: Finding[]; gaps: { unanswered: string[]; missingEvidence: string[] }; history: HistoryEntry[] }
interface Settings {
  areas: { id: string; ko: string; en: string }[]; maxEvidenceBytes: number; evidenceTypes: string[]; departments: string[];
  usedDepartments: string[]; usedPeriods: string[]; today: string;
}
interface RateRow { department: string; period: string; rounds: number; countedRounds: number; compliant: number; nonCompliant: number; notApplicable: number; applicable: number; rate: number | null }
interface Summary {
  rounds: { total: number; byStatus: Record<RoundStatus, number> };
  overall: { compliant: number; applicable: number; rate: number | null };
  byDepartment: RateRow[];
  findings: { total: number; unresolved: number; overdue: number; byStatus: Record<FindingStatus, number> };
  areas: { area: string; findings: number; unresolved: number; overdue: number }[];
  ccm: { rounds: number; compliant: number; applicable: number; rate: number | null; departments: { department: string; roundId: string; period: string; compliant: number; applicable: number; rate: number | null }[] };
}
interface Template { id: string; version: number; name: string; nameEn: string; itemCount: number; ccmItemCount: number; versions: number[] }
interface User { id: string; displayName: string; role: string }

const ROUND_STEPS: RoundStatus[] = ['planned', 'in_progress', 'submitted', 'reviewed'];
const RESULTS: Result[] = ['compliant', 'non_compliant', 'not_applicable'];
const FINDING_COLUMNS: FindingStatus[] = ['open', 'in_progress', 'resolved', 'verified'];
const AREA_COLORS: Record<string, string> = {
  complaint_handling: '#1c7ed6', disclosure: '#e8590c', advertising: '#f59f00', privacy: '#7048e8', vulnerable: '#0ca678', internal_control: '#495057', ccm: '#d6336c',
};

/** A rate as a percentage with one decimal; charts use the same number so a bar and its table row agree. */
const pct1 = (r: number) => Math.round(r * 1000) / 10;
const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${pct1(r).toFixed(1)}%`);
const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));

function periodLabel(p: string, lang: 'ko' | 'en'): string {
  let m = /^(\d{4})-Q([1-4])$/.exec(p);
  if (m) return lang === 'ko' ? `${m[1]}년 ${m[2]}분기` : `Q${m[2]} ${m[1]}`;
  m = /^(\d{4})-H([12])$/.exec(p);
  if (m) return lang === 'ko' ? `${m[1]}년 ${m[2] === '1' ? '상' : '하'}반기` : `H${m[2]} ${m[1]}`;
  m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return lang === 'ko' ? `${m[1]}년 ${Number(m[2])}월` : `${m[1]}-${m[2]}`;
  return lang === 'ko' ? `${p}년` : p;
}

const useSettings = () => useQuery<Settings>({ queryKey: ['inspections', 'settings'], queryFn: () => get('/api/inspections/settings'), staleTime: 30_000 });
const useUsers = () => useQuery<{ items: User[] }>({ queryKey: ['assignees'], queryFn: () => get('/api/cases/assignees'), staleTime: 60_000 });

function RoundStatusPill({ status }: { status: RoundStatus }) {
  const { t } = useT();
  return <span className={`pill insp-pill-${status}`} data-testid="round-status">{t(`insp.status.${status}`)}</span>;
}

function FindingStatusPill({ status }: { status: FindingStatus }) {
  const { t } = useT();
  return <span className={`pill insp-fpill-${status}`} data-testid="finding-status">{t(`insp.fstatus.${status}`)}</span>;
}

function SeverityTag({ severity }: { severity: string }) {
  const { t } = useT();
  return <span className={`insp-sev insp-sev-${severity}`}>{t(`insp.sev.${severity}`)}</span>;
}

function AreaTag({ area }: { area: string }) {
  const { t } = useT();
  const c = AREA_COLORS[area] ?? '#868e96';
  return <span className="cat" style={{ color: c, borderColor: `${c}55`, background: `${c}12` }}>{t(`insp.area.${area}`)}</span>;
}

/** Answered share as a bar split by result (green compliant, red non-compliant, grey N/A). */
function ProgressBar({ r }: { r: Pick<Round, 'itemCount' | 'answered' | 'compliant' | 'nonCompliant' | 'notApplicable'> }) {
  const w = (n: number) => `${r.itemCount ? (n / r.itemCount) * 100 : 0}%`;
  return (
    <div className="insp-progress" title={`${r.answered}/${r.itemCount}`} data-testid="round-progress">
      <div className="insp-bar"><span className="ok" style={{ width: w(r.compliant) }} /><span className="bad" style={{ width: w(r.nonCompliant) }} /><span className="na" style={{ width: w(r.notApplicable) }} /></div>
      <span className="insp-progress-n">{r.answered}/{r.itemCount}</span>
    </div>
  );
}

export function InspectionsPage({ focusId }: { focusId?: string }) {
  const loc = useLocation();
  const findingId = new URLSearchParams(loc.search).get('finding');
  const closeFinding = () => navigate(loc.path, true);
  return (
    <>
      {focusId ? <RoundPage id={focusId} /> : <Overview />}
      {findingId ? <FindingModal id={findingId} onClose={closeFinding} /> : null}
    </>
  );
}

const openFinding = (id: string) => navigate(`${location.pathname}?finding=${encodeURIComponent(id)}`);

// ---- overview ----

function Overview() {
  const { t, lang } = useT();
  const me = useMe();
  const settings = useSettings();
  const [tab, setTab] = useState<'rounds' | 'findings' | 'summary'>('rounds');
  const [period, setPeriod] = useState<string | null>(null);
  const [department, setDepartment] = useState('');
  const [creating, setCreating] = useState(false);
  // Open on the latest period that has rounds: the figures people come for.
  useEffect(() => {
    if (period === null && settings.data) setPeriod(settings.data.usedPeriods[0] ?? '');
  }, [period, settings.data]);
  const filters = { period: period ?? '', department };
  const summary = useQuery<Summary>({ queryKey: ['inspections', 'summary', filters], queryFn: () => get(`/api/inspections/summary${qs(filters)}`), enabled: period !== null });
  // Open findings of earlier periods still need work: show them beside the period's own.
  const everything = useQuery<Summary>({ queryKey: ['inspections', 'summary', { department }], queryFn: () => get(`/api/inspections/summary${qs({ department })}`), enabled: !!period });
  const all = period ? everything.data : undefined;
  const s = summary.data;
  const periods = settings.data?.usedPeriods ?? [];
  const departments = settings.data?.usedDepartments ?? [];

  return (
    <div className="page insp-page">
      <header className="page-head">
        <div><h1>{t('insp.title')}</h1><div className="sub">{t('insp.sub')}</div></div>
        <div className="head-actions">
          <FindingsExport filters={filters} />
          {can(me, 'inspections:write') ? <button className="btn btn-primary" onClick={() => setCreating(true)} data-testid="insp-new-round">＋ {t('insp.newRound')}</button> : null}
        </div>
      </header>
      <div className="filters">
        <select value={period ?? ''} onChange={(e) => setPeriod(e.target.value)} aria-label={t('insp.period')} data-testid="insp-period-filter">
          <option value="">{t('insp.allPeriods')}</option>
          {periods.map((p) => <option key={p} value={p}>{periodLabel(p, lang)}</option>)}
        </select>
        <select value={department} onChange={(e) => setDepartment(e.target.value)} aria-label={t('insp.department')}>
          <option value="">{t('insp.allDepartments')}</option>
          {departments.map((d) => <option key={d} value={d}>{d}</option>)}
        </select>
      </div>
      <div className="kpis" data-testid="insp-kpis">
        <Kpi id="insp-kpi-rate" label={t('insp.kpi.rate')} value={pct(s?.overall.rate)} hint={s ? `${s.overall.compliant}/${s.overall.applicable} · ${t('insp.kpi.rateHint')}` : ''} tone={rateTone(s?.overall.rate)} />
        <Kpi id="insp-kpi-ccm" label={t('insp.kpi.ccm')} value={pct(s?.ccm.rate)} hint={s ? `${s.ccm.compliant}/${s.ccm.applicable} · ${t('insp.kpi.ccmHint')}` : ''} tone={rateTone(s?.ccm.rate)} />
        <Kpi id="insp-kpi-open" label={t('insp.kpi.open')} value={s ? String(s.findings.unresolved) : '—'} hint={all ? `${t('insp.kpi.openHint')} · ${fill(t('insp.allPeriodsN'), { n: all.findings.unresolved })}` : t('insp.kpi.openHint')} />
        <Kpi id="insp-kpi-overdue" label={t('insp.kpi.overdue')} value={s ? String(s.findings.overdue) : '—'} hint={all ? `${t('insp.kpi.overdueHint')} · ${fill(t('insp.allPeriodsN'), { n: all.findings.overdue })}` : t('insp.kpi.overdueHint')} tone={s && s.findings.overdue > 0 ? 'bad' : undefined} />
      </div>
      <div className="tabs" role="tablist">
        {(['rounds', 'findings', 'summary'] as const).map((k) => (
          <button key={k} role="tab" className={tab === k ? 'active' : ''} onClick={() => setTab(k)} data-testid={`insp-tab-${k}`}>
            {t(`insp.tab.${k}`)}
            {k === 'rounds' && s ? <span className="insp-tab-n">{s.rounds.total}</span> : null}
            {k === 'findings' && s ? <span className={`insp-tab-n ${s.findings.overdue ? 'bad' : ''}`}>{s.findings.unresolved}</span> : null}
          </button>
        ))}
      </div>
      {tab === 'rounds' ? <RoundsTable filters={filters} /> : tab === 'findings' ? <FindingsBoard filters={filters} /> : <SummaryPanel summary={summary} />}
      {creating && settings.data ? <NewRoundModal settings={settings.data} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

const rateTone = (r: number | null | undefined) => (r === null || r === undefined ? undefined : r >= 0.9 ? 'ok' : r >= 0.75 ? 'warn' : 'bad');

function Kpi({ id, label, value, hint, tone }: { id: string; label: string; value: string; hint?: string; tone?: string }) {
  return (
    <div className={`kpi insp-kpi ${tone ? `tone-${tone}` : ''}`} data-testid={id}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value" data-testid={`${id}-value`}>{value}</div>
      {hint ? <div className="insp-kpi-hint">{hint}</div> : null}
    </div>
  );
}

function FindingsExport({ filters, extra = {} }: { filters: Record<string, string>; extra?: Record<string, unknown> }) {
  const { t } = useT();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try { await download(`/api/inspections/findings/export.xlsx${qs({ ...filters, ...extra })}`); } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(false); }
  };
  return <button className="btn" onClick={run} disabled={busy} data-testid="insp-findings-xlsx">{busy ? <Spinner /> : '⤓'} {t('insp.findingsXlsx')}</button>;
}

function RoundsTable({ filters }: { filters: Record<string, string> }) {
  const { t, lang } = useT();
  const list = useQuery<{ items: Round[]; total: number }>({ queryKey: ['inspections', 'rounds', filters], queryFn: () => get(`/api/inspections/rounds${qs({ ...filters, limit: 200 })}`) });
  if (list.isLoading) return <Card><Loading /></Card>;
  if (list.error) return <Card><ErrorBox error={list.error} onRetry={() => list.refetch()} /></Card>;
  const items = list.data?.items ?? [];
  if (items.length === 0) return <Card><Empty title={t('insp.noRounds')} hint={t('insp.noRoundsHint')} icon="☑" /></Card>;
  return (
    <Card pad={false}>
      <table className="table" data-testid="insp-rounds-table">
        <thead>
          <tr>
            <th className="w-110">{t('insp.ref')}</th><th>{t('insp.round')}</th><th className="w-90">{t('status')}</th>
            <th className="w-180">{t('insp.progress')}</th><th className="w-80 num">{t('insp.rate')}</th><th className="w-70 num">{t('insp.findings')}</th>
            <th className="w-110">{t('insp.assignee')}</th><th className="w-110">{t('insp.due')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} className={`clickable ${r.overdue ? 'row-overdue' : ''}`} onClick={() => navigate(`/inspections/${r.id}`)} data-testid="insp-round-row" data-round-id={r.id}>
              <td className="mono">{r.ref}</td>
              <td><div className="insp-round-title"><Link to={`/inspections/${r.id}`}>{r.title}</Link></div><div className="small muted">{r.department} · {periodLabel(r.period, lang)} · {r.templateName} v{r.templateVersion}</div></td>
              <td><RoundStatusPill status={r.status} /></td>
              <td><ProgressBar r={r} /></td>
              <td className={`num insp-rate ${rateTone(r.complianceRate) ?? ''}`}>{pct(r.complianceRate)}</td>
              <td className="num">{r.findingCount > 0 ? <span className={r.openFindingCount ? 'insp-open-n' : 'muted'}>{r.openFindingCount}/{r.findingCount}</span> : <span className="muted">0</span>}</td>
              <td>{r.assigneeName ?? <span className="muted">{t('insp.unassigned')}</span>}</td>
              <td className={`nowrap ${r.overdue ? 'due-over' : ''}`}>{r.dueDate}{r.overdue ? <div className="small">{t('insp.overdue')}</div> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function FindingsBoard({ filters, roundId }: { filters: Record<string, string>; roundId?: string }) {
  const { t } = useT();
  const [overdueOnly, setOverdueOnly] = useState(false);
  const params = { ...filters, roundId, overdue: overdueOnly || undefined, limit: 500 };
  const list = useQuery<{ items: Finding[] }>({ queryKey: ['inspections', 'findings', params], queryFn: () => get(`/api/inspections/findings${qs(params)}`) });
  const items = list.data?.items ?? [];
  return (
    <div data-testid="insp-findings-board">
      <div className="filters">
        <label className="toggle"><input type="checkbox" checked={overdueOnly} onChange={(e) => setOverdueOnly(e.target.checked)} /> {t('insp.onlyOverdue')}</label>
      </div>
      {list.isLoading ? <Card><Loading /></Card> : list.error ? <Card><ErrorBox error={list.error} /></Card> : items.length === 0 ? (
        <Card><Empty title={t('insp.noFindings')} hint={t('insp.noFindingsHint')} icon="✓" /></Card>
      ) : (
        <div className="insp-board">
          {FINDING_COLUMNS.map((col) => {
            const cards = items.filter((f) => f.status === col);
            return (
              <section key={col} className={`insp-col insp-col-${col}`} data-testid={`insp-col-${col}`}>
                <header><FindingStatusPill status={col} /><span className="insp-col-n">{cards.length}</span></header>
                {cards.map((f) => <FindingCard key={f.id} f={f} />)}
              </section>
            );
          })}
        </div>
      )}
    </div>
  );
}

function FindingCard({ f }: { f: Finding }) {
  const { t } = useT();
  return (
    <button className={`insp-fcard ${f.overdue ? 'overdue' : ''}`} onClick={() => openFinding(f.id)} data-testid="insp-finding-card" data-finding-id={f.id}>
      <div className="insp-fcard-top"><span className="mono small">{f.ref}</span><SeverityTag severity={f.severity} /></div>
      <div className="insp-fcard-title">{f.title}</div>
      <div className="insp-fcard-meta"><AreaTag area={f.area} /> <span className="small muted">{f.department}</span></div>
      <div className="insp-fcard-foot small">
        <span className={f.overdue ? 'due-over' : 'muted'}>{f.overdue ? `⚠ ${t('insp.overdue')} · ` : ''}{f.dueDate}</span>
        <span className="muted">{f.ownerName ?? t('insp.unassigned')}{f.caseCount ? ` · VOM ${f.caseCount}` : ''}</span>
      </div>
    </button>
  );
}

function SummaryPanel({ summary }: { summary: { data?: Summary; isLoading: boolean; error: unknown } }) {
  const { t, lang } = useT();
  const s = summary.data;
  const deptOption = useMemo(() => {
    if (!s) return null;
    const rows = s.byDepartment.filter((d) => d.countedRounds > 0).slice(0, 16).reverse();
    if (rows.length === 0) return null;
    const multiPeriod = new Set(rows.map((r) => r.period)).size > 1;
    return {
      animation: false,
      grid: { left: 120, right: 40, top: 22, bottom: 24 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%', fontSize: 10 }, splitLine: { lineStyle: { color: '#eef1f5' } } },
      yAxis: { type: 'category', data: rows.map((r) => (multiPeriod ? `${r.department} (${periodLabel(r.period, lang)})` : r.department)), axisLabel: { fontSize: 11 } },
      series: [{
        type: 'bar', name: t('insp.rate'), barMaxWidth: 18, label: { show: true, position: 'right', formatter: '{c}%', fontSize: 11 },
        data: rows.map((r) => ({ value: pct1(r.rate ?? 0), itemStyle: { color: (r.rate ?? 0) >= 0.9 ? '#2b8a3e' : (r.rate ?? 0) >= 0.75 ? '#f08c00' : '#d6336c', borderRadius: [0, 3, 3, 0] } })),
        markLine: { symbol: 'none', lineStyle: { color: '#1f5fcf', type: 'dashed' }, label: { formatter: '90%', fontSize: 10, position: 'end' }, data: [{ xAxis: 90 }] },
      }],
    };
  }, [s, lang, t]);
  const areaOption = useMemo(() => {
    if (!s || s.areas.length === 0) return null;
    const rows = [...s.areas].reverse();
    return {
      animation: false,
      grid: { left: 150, right: 24, top: 24, bottom: 24 },
      tooltip: { trigger: 'axis' },
      legend: undefined,
      xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef1f5' } }, axisLabel: { fontSize: 10 } },
      yAxis: { type: 'category', data: rows.map((a) => t(`insp.area.${a.area}`)), axisLabel: { fontSize: 11 } },
      series: [
        { type: 'bar', stack: 'f', name: t('insp.overdue'), data: rows.map((a) => a.overdue), itemStyle: { color: '#e03131' }, barMaxWidth: 18 },
        { type: 'bar', stack: 'f', name: t('insp.unresolved'), data: rows.map((a) => a.unresolved - a.overdue), itemStyle: { color: '#f08c00' }, barMaxWidth: 18 },
        { type: 'bar', stack: 'f', name: t('insp.fstatus.resolved'), data: rows.map((a) => a.findings - a.unresolved), itemStyle: { color: '#2b8a3e', borderRadius: [0, 3, 3, 0] }, barMaxWidth: 18 },
      ],
    };
  }, [s, t]);
  if (summary.isLoading) return <Card><Loading /></Card>;
  if (summary.error) return <Card><ErrorBox error={summary.error} /></Card>;
  if (!s) return null;
  return (
    <div data-testid="insp-summary">
      <div className="insp-grid">
        <Card title={t('insp.byDept')}>
          {deptOption ? <Chart option={deptOption} height={Math.max(180, 34 * s.byDepartment.filter((d) => d.countedRounds > 0).slice(0, 16).length + 40)} testId="insp-dept-chart" /> : <Empty title={t('insp.noData')} icon="▥" />}
        </Card>
        <Card title={t('insp.byArea')} actions={<span className="legend"><i style={{ background: '#e03131' }} />{t('insp.overdue')}<i style={{ background: '#f08c00' }} />{t('insp.unresolved')}<i style={{ background: '#2b8a3e' }} />{t('insp.fstatus.resolved')}</span>}>
          {areaOption ? <Chart option={areaOption} height={Math.max(180, 34 * s.areas.length + 40)} testId="insp-area-chart" /> : <Empty title={t('insp.noFindings')} icon="✓" />}
        </Card>
      </div>
      <div className="insp-grid">
        <Card title={t('insp.byDept')} pad={false}>
          {s.byDepartment.length === 0 ? <Empty title={t('insp.noRounds')} /> : (
            <table className="table table-compact" data-testid="insp-dept-table">
              <thead><tr><th>{t('insp.department')}</th><th>{t('insp.period')}</th><th className="num">{t('insp.countedRounds')}</th><th className="num">{t('insp.compliantN')}</th><th className="num">{t('insp.nonCompliantN')}</th><th className="num">{t('insp.naN')}</th><th className="num">{t('insp.rate')}</th></tr></thead>
              <tbody>
                {s.byDepartment.map((d) => (
                  <tr key={`${d.department}/${d.period}`}>
                    <td>{d.department}</td><td className="nowrap">{periodLabel(d.period, lang)}</td>
                    <td className="num">{d.countedRounds}/{d.rounds}</td><td className="num">{d.compliant}</td><td className="num">{d.nonCompliant}</td><td className="num">{d.notApplicable}</td>
                    <td className={`num insp-rate ${rateTone(d.rate) ?? ''}`}>{d.countedRounds ? pct(d.rate) : <span className="muted small">{t('insp.notCounted')}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title={t('insp.ccmByDept')} pad={false}>
          {s.ccm.departments.length === 0 ? <Empty title={t('insp.noData')} /> : (
            <table className="table table-compact" data-testid="insp-ccm-table">
              <thead><tr><th>{t('insp.department')}</th><th>{t('insp.latestReviewed')}</th><th className="num">{t('insp.ccmItems')}</th><th className="num">{t('insp.rate')}</th></tr></thead>
              <tbody>
                {s.ccm.departments.map((d) => (
                  <tr key={d.department}>
                    <td>{d.department}</td><td><Link to={`/inspections/${d.roundId}`}>{periodLabel(d.period, lang)}</Link></td>
                    <td className="num">{d.compliant}/{d.applicable}</td><td className={`num insp-rate ${rateTone(d.rate) ?? ''}`}>{pct(d.rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
      <p className="small muted insp-formula">{t('insp.formula')}</p>
    </div>
  );
}

// ---- new round ----

function NewRoundModal({ settings, onClose }: { settings: Settings; onClose(): void }) {
  const { t, lang } = useT();
  const qc = useQueryClient();
  const templates = useQuery<{ items: Template[] }>({ queryKey: ['inspections', 'templates'], queryFn: () => get('/api/inspections/templates') });
  const users = useUsers();
  const today = settings.today || kstDate();
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const [f, setF] = useState({
    templateId: '', department: '', kind: 'quarter', year, sub: String(Math.ceil(month / 3)), title: '', ownerId: '', assigneeId: '',
    dueDate: new Date(Date.parse(`${today}T00:00:00Z`) + 21 * 86_400_000).toISOString().slice(0, 10),
  });
  const { busy, error, run } = useSubmit();
  const tpl = templates.data?.items ?? [];
  const templateId = f.templateId || tpl[0]?.id || '';
  const period = f.kind === 'year' ? String(f.year) : f.kind === 'quarter' ? `${f.year}-Q${f.sub}` : f.kind === 'half' ? `${f.year}-H${f.sub}` : `${f.year}-${String(f.sub).padStart(2, '0')}`;
  const setKind = (kind: string) => setF({ ...f, kind, sub: kind === 'quarter' ? String(Math.ceil(month / 3)) : kind === 'half' ? (month <= 6 ? '1' : '2') : kind === 'month' ? String(month) : '' });
  const submit = () => run(async () => {
    const r = await post<Round>('/api/inspections/rounds', {
      templateId, department: f.department.trim(), period, dueDate: f.dueDate, ...(f.title.trim() ? { title: f.title.trim() } : {}),
      ...(f.ownerId ? { ownerId: f.ownerId } : {}), ...(f.assigneeId ? { assigneeId: f.assigneeId } : {}),
    });
    toast(`${r.ref} · ${t('insp.created')}`);
    await qc.invalidateQueries({ queryKey: ['inspections'] });
    onClose();
    navigate(`/inspections/${r.id}`);
  });
  const subOptions = f.kind === 'quarter' ? ['1', '2', '3', '4'] : f.kind === 'half' ? ['1', '2'] : f.kind === 'month' ? Array.from({ length: 12 }, (_, i) => String(i + 1)) : [];
  const subLabel = (v: string) => (f.kind === 'quarter' ? `${v}${lang === 'ko' ? '분기' : 'Q'}` : f.kind === 'half' ? t(v === '1' ? 'insp.h1' : 'insp.h2') : `${v}${lang === 'ko' ? '월' : ''}`);
  return (
    <Modal title={t('insp.newRound')} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || !f.department.trim() || !templateId} onClick={submit} data-testid="insp-create-submit">{busy ? <Spinner /> : null}{t('insp.create')}</button></>}>
      <div className="form-grid" data-testid="insp-new-round-form">
        <label className="field span2">{t('insp.template')}
          <select value={templateId} onChange={(e) => setF({ ...f, templateId: e.target.value })} data-testid="insp-template">
            {tpl.map((x) => <option key={x.id} value={x.id}>{lang === 'en' && x.nameEn ? x.nameEn : x.name} · v{x.version} · {fill(t('insp.itemCount'), { n: x.itemCount })}</option>)}
          </select>
        </label>
        <label className="field span2">{t('insp.department')}
          <input list="insp-departments" value={f.department} onChange={(e) => setF({ ...f, department: e.target.value })} maxLength={80} data-testid="insp-department" placeholder="카드영업부" />
          <datalist id="insp-departments">{settings.departments.map((d) => <option key={d} value={d} />)}</datalist>
        </label>
        <label className="field">{t('insp.periodKind')}
          <select value={f.kind} onChange={(e) => setKind(e.target.value)} data-testid="insp-period-kind">
            {['quarter', 'half', 'month', 'year'].map((k) => <option key={k} value={k}>{t(`insp.kind.${k}`)}</option>)}
          </select>
        </label>
        <div className="field">{t('insp.period')}
          <div className="row insp-period-row">
            <select value={f.year} onChange={(e) => setF({ ...f, year: Number(e.target.value) })} data-testid="insp-year">
              {[year - 1, year, year + 1].map((y) => <option key={y} value={y}>{y}{lang === 'ko' ? '년' : ''}</option>)}
            </select>
            {subOptions.length ? (
              <select value={f.sub} onChange={(e) => setF({ ...f, sub: e.target.value })} data-testid="insp-sub">
                {subOptions.map((v) => <option key={v} value={v}>{subLabel(v)}</option>)}
              </select>
            ) : null}
          </div>
        </div>
        <label className="field">{t('insp.owner')}
          <select value={f.ownerId} onChange={(e) => setF({ ...f, ownerId: e.target.value })}>
            <option value="">{t('insp.unassigned')}</option>
            {(users.data?.items ?? []).map((u) => <option key={u.id} value={u.id}>{u.displayName}</option>)}
          </select>
        </label>
        <label className="field">{t('insp.assignee')}
          <select value={f.assigneeId} onChange={(e) => setF({ ...f, assigneeId: e.target.value })} data-testid="insp-assignee">
            <option value="">{t('insp.unassigned')}</option>
            {(users.data?.items ?? []).map((u) => <option key={u.id} value={u.id}>{u.displayName}</option>)}
          </select>
        </label>
        <label className="field">{t('insp.due')}
          <input type="date" value={f.dueDate} onChange={(e) => setF({ ...f, dueDate: e.target.value })} data-testid="insp-due" />
        </label>
        <div className="field"><span>&nbsp;</span><div className="insp-period-preview">{periodLabel(period, lang)}</div></div>
        <label className="field span2">{t('insp.titleField')}
          <input value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} maxLength={200} placeholder={t('insp.titlePh')} />
        </label>
      </div>
      {error ? <div className="form-error" role="alert">{error}</div> : null}
    </Modal>
  );
}

// ---- round page ----

function RoundPage({ id }: { id: string }) {
  const { t, lang } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const settings = useSettings();
  const detail = useQuery<RoundDetail>({ queryKey: ['inspections', 'round', id], queryFn: () => get(`/api/inspections/rounds/${id}`) });
  const [moving, setMoving] = useState<null | 'submitted' | 'reviewed' | 'in_progress'>(null);
  const [exporting, setExporting] = useState(false);
  if (detail.isLoading) return <div className="page"><Loading /></div>;
  if (detail.error || !detail.data) return <div className="page"><ErrorBox error={detail.error} onRetry={() => detail.refetch()} /></div>;
  const d = detail.data;
  const r = d.round;
  const writer = can(me, 'inspections:write');
  const editable = writer && (r.status === 'planned' || r.status === 'in_progress');
  const refresh = () => qc.invalidateQueries({ queryKey: ['inspections'] });
  const groups = groupByArea(d.items);
  const stepIndex = ROUND_STEPS.indexOf(r.status);
  const exportXlsx = async () => {
    setExporting(true);
    try { await download(`/api/inspections/rounds/${r.id}/export.xlsx`); } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };
  const start = async () => {
    try { await post(`/api/inspections/rounds/${r.id}/transition`, { to: 'in_progress' }); await refresh(); } catch (e) { toast(errorText(e), 'err'); }
  };

  return (
    <div className="page insp-page" data-testid="insp-round-page">
      <div className="crumbs"><Link to="/inspections">{t('insp.back')}</Link> / {r.ref}</div>
      <header className="page-head">
        <div>
          <h1 className="insp-round-h1">{r.title} <RoundStatusPill status={r.status} /></h1>
          <div className="sub">{r.department} · {periodLabel(r.period, lang)} ({r.periodStart} ~ {r.periodEnd}) · {r.templateName} v{r.templateVersion}</div>
        </div>
        <div className="head-actions">
          <button className="btn" onClick={exportXlsx} disabled={exporting} data-testid="insp-round-xlsx">{exporting ? <Spinner /> : '⤓'} {t('insp.roundXlsx')}</button>
          {writer && r.status === 'planned' ? <button className="btn btn-primary" onClick={start} data-testid="insp-start">{t('insp.start')}</button> : null}
          {writer && r.status === 'in_progress' ? (
            <button className="btn btn-primary" onClick={() => setMoving('submitted')} data-testid="insp-submit"
              disabled={d.gaps.unanswered.length + d.gaps.missingEvidence.length > 0} title={d.gaps.unanswered.length + d.gaps.missingEvidence.length > 0 ? t('insp.submitBlocked') : undefined}>{t('insp.submit')}</button>
          ) : null}
          {writer && r.status === 'submitted' ? <>
            <button className="btn" onClick={() => setMoving('in_progress')} data-testid="insp-return">{t('insp.return')}</button>
            <button className="btn btn-primary" onClick={() => setMoving('reviewed')} data-testid="insp-review">{t('insp.review')}</button>
          </> : null}
        </div>
      </header>

      <div className="insp-top">
        <Card className="insp-workflow">
          <ol className="stepper">
            {ROUND_STEPS.map((s, i) => (
              <li key={s} className={i < stepIndex ? 'done' : i === stepIndex ? 'current' : ''}><span className="step-dot">{i < stepIndex ? '✓' : i + 1}</span>{t(`insp.status.${s}`)}</li>
            ))}
          </ol>
          <dl className="kv insp-kv">
            <dt>{t('insp.owner')}</dt><dd>{r.ownerName ?? <span className="muted">{t('insp.unassigned')}</span>}</dd>
            <dt>{t('insp.assignee')}</dt><dd>{r.assigneeName ?? <span className="muted">{t('insp.unassigned')}</span>}</dd>
            <dt>{t('insp.due')}</dt><dd className={r.overdue ? 'due-over' : ''}>{r.dueDate}{r.overdue ? ` · ${t('insp.overdue')}` : ''}</dd>
            {r.submittedAt ? <><dt>{t('insp.submittedBy')}</dt><dd>{r.submittedBy} · {fmtDateTime(r.submittedAt)}</dd></> : null}
            {r.reviewedAt ? <><dt>{t('insp.reviewedBy')}</dt><dd>{r.reviewedBy} · {fmtDateTime(r.reviewedAt)}{r.reviewNote ? ` — ${r.reviewNote}` : ''}</dd></> : null}
          </dl>
        </Card>
        <div className="kpi insp-kpi" data-testid="insp-round-progress"><div className="kpi-label">{t('insp.progress')}</div><div className="kpi-value">{r.answered}/{r.itemCount}</div><ProgressBar r={r} /></div>
        <div className={`kpi insp-kpi tone-${rateTone(r.complianceRate) ?? 'none'}`} data-testid="insp-round-rate"><div className="kpi-label">{t('insp.rate')}</div><div className="kpi-value">{pct(r.complianceRate)}</div><div className="insp-kpi-hint">{t('insp.compliantN')} {r.compliant} · {t('insp.nonCompliantN')} {r.nonCompliant} · {t('insp.naN')} {r.notApplicable}</div></div>
        <div className={`kpi insp-kpi ${r.openFindingCount ? 'tone-bad' : ''}`} data-testid="insp-round-findings"><div className="kpi-label">{t('insp.findings')}</div><div className="kpi-value">{r.findingCount}</div><div className="insp-kpi-hint">{t('insp.unresolved')} {r.openFindingCount}</div></div>
      </div>

      {r.status === 'in_progress' || r.status === 'planned' ? <GapsBanner gaps={d.gaps} items={d.items} /> : <div className="insp-locked small">{t('insp.locked')}</div>}

      <div className="insp-detail-grid">
        <div>
          {groups.map(([area, items]) => (
            <Card key={area} className="insp-area-card" title={<span className="insp-area-title"><AreaTag area={area} /> <span className="small muted">{items.filter((i) => i.answer).length}/{items.length}</span></span>} pad={false}>
              <ul className="insp-items">
                {items.map((it) => <ItemRow key={it.itemId} roundId={r.id} item={it} editable={editable} maxBytes={settings.data?.maxEvidenceBytes ?? 5 * 1024 * 1024} />)}
              </ul>
            </Card>
          ))}
        </div>
        <aside>
          <Card title={t('insp.findingsOfRound')} pad={false}>
            {d.findings.length === 0 ? <div className="insp-pad muted small">{t('insp.noFindings')}</div> : (
              <ul className="mini-list" data-testid="insp-round-findings-list">
                {d.findings.map((f) => (
                  <li key={f.id} className={f.overdue ? 'focus' : ''}>
                    <button className="link-btn insp-flink" onClick={() => openFinding(f.id)} data-testid="insp-round-finding" data-finding-id={f.id}>
                      <span className="mono small">{f.ref}</span> <span className="ellipsis">{f.title}</span>
                    </button>
                    <SeverityTag severity={f.severity} /><FindingStatusPill status={f.status} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={t('insp.history')}>
            <History entries={d.history} />
          </Card>
        </aside>
      </div>
      {moving ? <MoveRoundModal round={r} to={moving} onClose={() => setMoving(null)} onDone={refresh} /> : null}
    </div>
  );
}

function groupByArea(items: Item[]): [string, Item[]][] {
  const m = new Map<string, Item[]>();
  for (const it of items) m.set(it.area, [...(m.get(it.area) ?? []), it]);
  return [...m.entries()];
}

function GapsBanner({ gaps, items }: { gaps: RoundDetail['gaps']; items: Item[] }) {
  const { t } = useT();
  const pos = new Map(items.map((i) => [i.itemId, i.position]));
  const jump = (itemId: string) => document.getElementById(`insp-item-${itemId}`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  if (gaps.unanswered.length === 0 && gaps.missingEvidence.length === 0) return <div className="insp-gaps ready" data-testid="insp-gaps">✓ {t('insp.gaps.ready')}</div>;
  const chips = (ids: string[]) => ids.slice(0, 12).map((id) => <button key={id} className="kvchip insp-chip" onClick={() => jump(id)}>{pos.get(id)}. {id}</button>);
  return (
    <div className="insp-gaps" data-testid="insp-gaps">
      <strong>{t('insp.gaps.title')}</strong>
      {gaps.unanswered.length ? <span>{fill(t('insp.gaps.unanswered'), { n: gaps.unanswered.length })} {chips(gaps.unanswered)}{gaps.unanswered.length > 12 ? '…' : ''}</span> : null}
      {gaps.missingEvidence.length ? <span>{fill(t('insp.gaps.evidence'), { n: gaps.missingEvidence.length })} {chips(gaps.missingEvidence)}</span> : null}
    </div>
  );
}

function ItemRow({ roundId, item, editable, maxBytes }: { roundId: string; item: Item; editable: boolean; maxBytes: number }) {
  const { t, lang } = useT();
  const qc = useQueryClient();
  const [comment, setComment] = useState(item.answer?.comment ?? '');
  const [busy, setBusy] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  useEffect(() => { setComment(item.answer?.comment ?? ''); }, [item.answer?.comment]);
  const dirty = comment.trim() !== (item.answer?.comment ?? '');
  const refresh = () => qc.invalidateQueries({ queryKey: ['inspections'] });
  const answer = async (result: Result) => {
    setBusy(result);
    try {
      const res = await api<{ finding: Finding | null; withdrawnFindingId: string | null }>('PUT', `/api/inspections/rounds/${roundId}/answers/${item.itemId}`, { result, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      if (res.finding && !item.findingId) toast(fill(t('insp.findingOpened'), { ref: res.finding.ref }), 'info');
      if (res.withdrawnFindingId) toast(t('insp.findingWithdrawn'), 'info');
      await refresh();
    } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(null); }
  };
  const upload = async (f: File) => {
    if (f.size > maxBytes) return toast(`${t('insp.tooLarge')} (≤ ${fmtBytes(maxBytes)})`, 'err');
    setBusy('upload');
    try {
      const dataBase64 = await fileBase64(f);
      await post(`/api/inspections/rounds/${roundId}/answers/${item.itemId}/evidence`, { filename: f.name, contentType: f.type || 'application/octet-stream', dataBase64 });
      toast(`${t('insp.uploaded')}: ${f.name}`);
      await refresh();
    } catch (e) { toast(errorText(e), 'err'); } finally {
      setBusy(null);
      if (file.current) file.current.value = '';
    }
  };
  const remove = async (ev: Evidence) => {
    try { await api('DELETE', `/api/inspections/rounds/${roundId}/evidence/${ev.id}`); await refresh(); } catch (e) { toast(errorText(e), 'err'); }
  };
  const result = item.answer?.result ?? null;
  const needsEvidence = item.evidenceRequired && result !== null && result !== 'not_applicable' && item.evidence.length === 0;
  return (
    <li id={`insp-item-${item.itemId}`} className={`insp-item ${result ? `ans-${result}` : 'ans-none'}`} data-testid={`insp-item-${item.itemId}`}>
      <div className="insp-item-head">
        <span className="insp-item-no">{item.position}</span>
        <div className="insp-item-text">
          <div className="insp-q">{lang === 'en' && item.textEn ? item.textEn : item.textKo}</div>
          {lang === 'ko' && item.textEn ? <div className="insp-q-en">{item.textEn}</div> : null}
          <div className="insp-item-tags">
            <span className="mono small muted">{item.itemId}</span>
            {item.ccm ? <span className="insp-tag ccm">CCM</span> : null}
            {item.evidenceRequired ? <span className={`insp-tag ev ${needsEvidence ? 'missing' : ''}`}>{t('insp.evidenceRequired')}</span> : null}
            {item.guidance ? <span className="small muted" title={item.guidance}>· {t('insp.guidance')}: {item.guidance}</span> : null}
          </div>
        </div>
        <div className="insp-answer" role="group" aria-label={t('insp.comment')}>
          {RESULTS.map((res) => (
            <button key={res} className={`insp-ans ${res} ${result === res ? 'on' : ''}`} disabled={!editable || busy !== null} onClick={() => answer(res)} data-testid={`answer-${res}`} aria-pressed={result === res}>
              {busy === res ? <Spinner /> : null}{t(`insp.result.${res}`)}
            </button>
          ))}
        </div>
      </div>
      <div className="insp-item-body">
        {editable ? (
          <div className="insp-comment">
            <textarea rows={1} value={comment} maxLength={5000} placeholder={t('insp.commentPh')} onChange={(e) => setComment(e.target.value)} data-testid="insp-comment" />
            {dirty && result ? <button className="btn btn-sm" onClick={() => answer(result)} disabled={busy !== null} data-testid="insp-save-comment">{t('insp.saveComment')}</button> : null}
          </div>
        ) : item.answer?.comment ? <div className="insp-comment-ro">{item.answer.comment}</div> : null}
        <div className="insp-evidence">
          {item.evidence.map((ev) => (
            <span key={ev.id} className="insp-file" data-testid="insp-evidence-file">
              <span className="insp-file-icon" aria-hidden>▤</span> <a href={`/api/inspections/rounds/${roundId}/evidence/${ev.id}`} onClick={(e) => { e.preventDefault(); download(`/api/inspections/rounds/${roundId}/evidence/${ev.id}`).catch((x) => toast(errorText(x), 'err')); }}>{ev.filename}</a>
              <span className="muted small">{fmtBytes(ev.size)}</span>
              {editable ? <button className="icon-btn" onClick={() => remove(ev)} aria-label={t('insp.removeEvidence')}>×</button> : null}
            </span>
          ))}
          {editable ? <>
            <input ref={file} type="file" hidden onChange={(e) => e.target.files?.[0] && upload(e.target.files[0])} data-testid="insp-evidence-input" accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.csv,.xlsx,.xls,.docx,.doc,.pptx,.ppt,.hwp,.hwpx,.zip" />
            <button className="btn btn-sm btn-ghost" onClick={() => file.current?.click()} disabled={busy !== null} data-testid="insp-upload">{busy === 'upload' ? <Spinner /> : '＋'} {t('insp.upload')}</button>
          </> : null}
          {item.findingId ? <button className="btn btn-sm btn-danger-ghost" onClick={() => openFinding(item.findingId!)} data-testid="insp-item-finding">⚑ {t('insp.viewFinding')}</button> : null}
          {item.answer ? <span className="small muted insp-answered-by">{item.answer.answeredBy} · {fmtDateTime(item.answer.answeredAt)}</span> : null}
        </div>
      </div>
    </li>
  );
}

function MoveRoundModal({ round, to, onClose, onDone }: { round: Round; to: 'submitted' | 'reviewed' | 'in_progress'; onClose(): void; onDone(): Promise<unknown> }) {
  const { t } = useT();
  const [note, setNote] = useState('');
  const { busy, error, run } = useSubmit();
  const label = to === 'submitted' ? t('insp.submit') : to === 'reviewed' ? t('insp.review') : t('insp.return');
  const submit = () => run(async () => {
    await post(`/api/inspections/rounds/${round.id}/transition`, { to, ...(note.trim() ? { note: note.trim() } : {}) });
    toast(to === 'submitted' ? t('insp.submittedOk') : to === 'reviewed' ? t('insp.reviewedOk') : t('insp.returnedOk'));
    await onDone();
    onClose();
  });
  return (
    <Modal title={`${label} — ${round.ref}`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || (to === 'in_progress' && !note.trim())} onClick={submit} data-testid="insp-move-submit">{busy ? <Spinner /> : null}{label}</button></>}>
      <p><strong>{round.title}</strong></p>
      <p className="small muted">{t('insp.compliantN')} {round.compliant} · {t('insp.nonCompliantN')} {round.nonCompliant} · {t('insp.naN')} {round.notApplicable} · {t('insp.rate')} {pct(round.complianceRate)}</p>
      {to !== 'submitted' ? (
        <label className="field">{to === 'reviewed' ? t('insp.reviewNote') : t('insp.returnReason')}
          <textarea rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} data-testid="insp-move-note" />
        </label>
      ) : null}
      {error ? <div className="form-error" role="alert">{error}</div> : null}
    </Modal>
  );
}

function History({ entries }: { entries: HistoryEntry[] }) {
  const { t } = useT();
  if (entries.length === 0) return <div className="muted small">—</div>;
  const describe = (h: HistoryEntry) => {
    const x = h.details;
    const base = t(`insp.h.${h.action}`);
    if (h.action.endsWith('status_changed')) {
      const prefix = h.targetType === 'inspection_finding' ? 'insp.fstatus' : 'insp.status';
      return `${base}: ${t(`${prefix}.${x.from}`)} → ${t(`${prefix}.${x.to}`)}${x.automatic ? ` (${t('insp.auto')})` : ''}${x.note ? ` — ${x.note}` : ''}`;
    }
    if (h.action === 'inspection.answer.recorded') return `${base}: ${x.itemId} ${t(`insp.result.${x.result}`)}`;
    if (h.action.startsWith('inspection.evidence')) return `${base}: ${x.itemId} ${x.filename}`;
    if (h.action.startsWith('inspection.finding')) return `${base}${x.ref ? ` ${x.ref}` : ''}${x.caseRef ? ` ↔ ${x.caseRef}` : ''}`;
    return base;
  };
  return (
    <ul className="timeline insp-timeline">
      {[...entries].reverse().slice(0, 60).map((h) => (
        <li key={h.id}><div className="tl-when">{fmtDateTime(h.at)} · {h.actorName}</div><div className="tl-what">{describe(h)}</div></li>
      ))}
    </ul>
  );
}

// ---- finding dialog ----

interface FindingDetail {
  finding: Finding; answer: Answer | null; notes: { id: string; authorName: string; body: string; createdAt: string }[];
  cases: { caseId: string; ref: string; title: string; status: string; severity: number }[]; history: HistoryEntry[];
}

function FindingModal({ id, onClose }: { id: string; onClose(): void }) {
  const { t, lang } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const users = useUsers();
  const detail = useQuery<FindingDetail>({ queryKey: ['inspections', 'finding', id], queryFn: () => get(`/api/inspections/findings/${id}`) });
  const [form, setForm] = useState<{ severity: string; ownerId: string; dueDate: string; actionPlan: string } | null>(null);
  const [note, setNote] = useState('');
  const [moveTo, setMoveTo] = useState<FindingStatus | null>(null);
  const [moveNote, setMoveNote] = useState('');
  const [caseQ, setCaseQ] = useState('');
  const { busy, error, run } = useSubmit();
  const f = detail.data?.finding;
  useEffect(() => {
    if (f) setForm({ severity: f.severity, ownerId: f.ownerId ?? '', dueDate: f.dueDate, actionPlan: f.actionPlan });
  }, [f?.id, f?.severity, f?.ownerId, f?.dueDate, f?.actionPlan]);
  const cases = useQuery<{ items: Case[] }>({
    queryKey: ['cases', 'finding-link', caseQ], queryFn: () => get(`/api/cases${qs({ q: caseQ.trim(), limit: 6 })}`), enabled: caseQ.trim().length >= 2,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['inspections'] });
  const writer = can(me, 'inspections:write');
  const editable = writer && f?.status !== 'verified';
  const save = () => run(async () => {
    if (!f || !form) return;
    const body: Record<string, unknown> = {};
    if (form.severity !== f.severity) body.severity = form.severity;
    if ((form.ownerId || null) !== f.ownerId) body.ownerId = form.ownerId || null;
    if (form.dueDate !== f.dueDate) body.dueDate = form.dueDate;
    if (form.actionPlan.trim() !== f.actionPlan) body.actionPlan = form.actionPlan.trim();
    if (Object.keys(body).length === 0) return;
    await patch(`/api/inspections/findings/${id}`, body);
    toast(t('insp.saved'));
    await refresh();
  });
  const move = () => run(async () => {
    if (!moveTo) return;
    await post(`/api/inspections/findings/${id}/transition`, { to: moveTo, ...(moveNote.trim() ? { note: moveNote.trim() } : {}) });
    setMoveTo(null);
    setMoveNote('');
    await refresh();
  });
  const addNote = () => run(async () => {
    await post(`/api/inspections/findings/${id}/notes`, { body: note.trim() });
    setNote('');
    await refresh();
  });
  const link = (caseId: string) => run(async () => {
    await post(`/api/inspections/findings/${id}/cases`, { caseId });
    setCaseQ('');
    await refresh();
  });
  const unlink = (caseId: string) => run(async () => {
    await api('DELETE', `/api/inspections/findings/${id}/cases/${caseId}`);
    await refresh();
  });
  const nextSteps: FindingStatus[] = !f ? [] : f.status === 'open' ? ['in_progress', 'resolved'] : f.status === 'in_progress' ? ['resolved'] : f.status === 'resolved' ? ['verified', 'in_progress'] : [];
  const moveLabel = (s: FindingStatus) => (f?.status === 'resolved' && s === 'in_progress' ? t('insp.move.reopen') : t(`insp.move.${s}`));
  const needsNote = moveTo === 'resolved' || (moveTo === 'in_progress' && f?.status === 'resolved');

  return (
    <Modal title={f ? `${f.ref} · ${t('insp.detailFinding')}` : t('insp.detailFinding')} onClose={onClose}>
      <div className="insp-fmodal" data-testid="insp-finding-modal">
        {detail.isLoading ? <Loading /> : detail.error || !f || !form ? <ErrorBox error={detail.error} /> : (
          <>
            <div className="insp-fm-head">
              <div className="insp-fm-title" data-testid="insp-finding-title">{f.title}</div>
              <div className="row gap"><FindingStatusPill status={f.status} /><SeverityTag severity={f.severity} /><AreaTag area={f.area} />{f.overdue ? <span className="pill pill-danger">{t('insp.overdue')}</span> : null}</div>
            </div>
            <dl className="kv kv-tight">
              <dt>{t('insp.round')}</dt><dd><Link to={`/inspections/${f.roundId}`}>{f.roundRef}</Link> · {f.department} · {periodLabel(f.period, lang)}</dd>
              <dt>{t('insp.item')}</dt><dd>{f.itemId} · {lang === 'en' && f.itemTextEn ? f.itemTextEn : f.itemTextKo}</dd>
              {detail.data!.answer?.comment ? <><dt>{t('insp.answerFrom')}</dt><dd className="insp-pre">{detail.data!.answer.comment}</dd></> : null}
              {f.resolution ? <><dt>{t('insp.resolution')}</dt><dd className="insp-pre">{f.resolution}</dd></> : null}
              {f.verifiedBy ? <><dt>{t('insp.fstatus.verified')}</dt><dd>{f.verifiedBy} · {fmtDateTime(f.verifiedAt)}</dd></> : null}
            </dl>
            <div className="form-grid">
              <label className="field">{t('insp.severity')}
                <select value={form.severity} disabled={!editable} onChange={(e) => setForm({ ...form, severity: e.target.value })} data-testid="insp-f-severity">
                  {['high', 'medium', 'low'].map((s) => <option key={s} value={s}>{t(`insp.sev.${s}`)}</option>)}
                </select>
              </label>
              <label className="field">{t('insp.due')}
                <input type="date" value={form.dueDate} disabled={!editable} onChange={(e) => setForm({ ...form, dueDate: e.target.value })} />
              </label>
              <label className="field span2">{t('insp.owner')}
                <select value={form.ownerId} disabled={!editable} onChange={(e) => setForm({ ...form, ownerId: e.target.value })}>
                  <option value="">{t('insp.unassigned')}</option>
                  {(users.data?.items ?? []).map((u) => <option key={u.id} value={u.id}>{u.displayName}</option>)}
                </select>
              </label>
              <label className="field span2">{t('insp.actionPlan')}
                <textarea rows={3} value={form.actionPlan} disabled={!editable} placeholder={t('insp.actionPlanPh')} maxLength={10_000} onChange={(e) => setForm({ ...form, actionPlan: e.target.value })} data-testid="insp-f-plan" />
              </label>
            </div>
            {editable ? (
              <div className="insp-fm-actions">
                <button className="btn btn-sm" onClick={save} disabled={busy} data-testid="insp-f-save">{t('save')}</button>
                <span className="grow" />
                {nextSteps.map((s) => <button key={s} className={`btn btn-sm ${s === 'verified' || s === 'resolved' ? 'btn-primary' : ''}`} onClick={() => { setMoveTo(s); setMoveNote(''); }} data-testid={`insp-f-move-${s}`}>{moveLabel(s)}</button>)}
              </div>
            ) : null}
            {moveTo ? (
              <div className="insp-move-box">
                {needsNote || moveTo === 'verified' ? (
                  <label className="field">{moveTo === 'resolved' ? t('insp.resolution') : moveTo === 'verified' ? t('insp.reviewNote') : t('insp.reopenReason')}
                    <textarea rows={2} value={moveNote} placeholder={moveTo === 'resolved' ? t('insp.resolutionPh') : ''} onChange={(e) => setMoveNote(e.target.value)} data-testid="insp-f-move-note" />
                  </label>
                ) : null}
                <div className="row gap"><button className="btn btn-sm btn-ghost" onClick={() => setMoveTo(null)}>{t('cancel')}</button><button className="btn btn-sm btn-primary" disabled={busy || (needsNote && !moveNote.trim())} onClick={move} data-testid="insp-f-move-confirm">{moveLabel(moveTo)}</button></div>
              </div>
            ) : null}

            <h4 className="insp-h4">{t('insp.cases')}</h4>
            {detail.data!.cases.length === 0 ? <div className="muted small">{t('insp.noCases')}</div> : (
              <ul className="files" data-testid="insp-f-cases">
                {detail.data!.cases.map((c) => (
                  <li key={c.caseId}><Link to={`/cases/${c.caseId}`} className="mono">{c.ref}</Link><span className="grow">{c.title}</span><span className={`pill pill-case-${c.status}`}>{t(`case.status.${c.status}`)}</span>
                    {writer ? <button className="icon-btn" onClick={() => unlink(c.caseId)} aria-label={t('insp.unlink')}>×</button> : null}</li>
                ))}
              </ul>
            )}
            {writer ? (
              <div className="insp-case-search">
                <input value={caseQ} onChange={(e) => setCaseQ(e.target.value)} placeholder={t('insp.caseSearchPh')} data-testid="insp-f-case-q" />
                {caseQ.trim().length >= 2 && cases.data ? (
                  <ul className="mini-list insp-case-results">
                    {cases.data.items.filter((c) => !detail.data!.cases.some((x) => x.caseId === c.id)).map((c) => (
                      <li key={c.id}><span className="mono small">{c.ref}</span><span className="ellipsis">{c.title}</span><button className="btn btn-sm" onClick={() => link(c.id)} data-testid="insp-f-link">{t('insp.linkCase')}</button></li>
                    ))}
                  </ul>
                ) : null}
              </div>
            ) : null}

            <h4 className="insp-h4">{t('insp.notes')}</h4>
            {detail.data!.notes.length === 0 ? <div className="muted small">{t('insp.noNotes')}</div> : (
              <ul className="notes">{detail.data!.notes.map((n) => <li key={n.id}><div className="note-meta">{n.authorName} · {fmtDateTime(n.createdAt)}</div><div className="note-body">{n.body}</div></li>)}</ul>
            )}
            {writer ? (
              <div className="note-form">
                <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('insp.notePh')} maxLength={10_000} data-testid="insp-f-note" />
                <button className="btn btn-sm" disabled={busy || !note.trim()} onClick={addNote} data-testid="insp-f-add-note">{t('insp.addNote')}</button>
              </div>
            ) : null}
            {error ? <div className="form-error" role="alert">{error}</div> : null}
            <details className="insp-fm-history"><summary>{t('insp.history')}</summary><History entries={detail.data!.history} /></details>
          </>
        )}
      </div>
    </Modal>
  );
}
