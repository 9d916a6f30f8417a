import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, download, get, post } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime, fmtOffset } from '../format';
import { categoryColor, useT } from '../i18n';
import { Link, navigate } from '../router';
import { Card, CaseStatus, CategoryTag, Empty, ErrorBox, Loading, SeverityBadge, Spinner, errorText, toast } from '../ui';
import './briefing.css';

// 일일 브리핑: the page the consumer-protection officer runs the 10:00 meeting
// from. One local day's figures as the server computed and stored them
// (GET /api/briefings/:date); printing it gives the meeting's handout, the PDF
// button the server's own A4 version.

interface Compared { count: number; previousDay: number; weekBefore: number }
interface BriefAlert { alertId: string; ruleId: string; category: string; severity: number; status: string; speaker: string; startMs: number; match: string; term: string; explanation: string; negated: boolean }
interface BriefCase { id: string; ref: string; title: string; category: string | null; severity: number; status: string; customerId: string | null; assigneeName: string | null; dueAt: string; hoursOverdue?: number }
interface Content {
  day: string; timezone: string; asOf: string; partial: boolean;
  calls: { monitored: Compared; ended: number; talkSeconds: number | null; averageTalkSeconds: number | null };
  alerts: { total: Compared; highSeverity: Compared; falsePositives: number; escalated: number; byCategory: (Compared & { category: string })[]; bySeverity: (Compared & { severity: number })[]; byHour: number[] };
  topCalls: { callId: string; customerId: string | null; agentId: string | null; riskScore: number; escalated: boolean; maxSeverity: number; alertCount: number; alerts: BriefAlert[] }[];
  cases: { new: BriefCase[]; newCount: number; openTotal: number; openByStatus: { status: string; count: number }[]; slaBreaches: BriefCase[]; slaBreachCount: number };
  repeats: { count: number; items: { kind: 'contact' | 'new_case'; caseId: string; caseRef: string; customerId: string | null; category: string | null; callId: string | null; at: string }[] };
  earlyWarnings: { available: boolean; count: number; items: { id: string; topicLabel: string; raisedAt: string; calls: number; baseline: number; status: string }[] };
  topRules: { ruleId: string; category: string; alerts: number; hits: number }[];
  topPhrases: { term: string; category: string; hits: number; negated: number }[];
}
interface Briefing { day: string; version: number; timezone: string; asOf: string; trigger: string; generatedBy: string; generatedAt: string; content: Content }
interface ListItem { day: string; version: number; headline: { alerts: number; partial: boolean } }
interface List { items: ListItem[]; schedule: { timezone: string; at: string; enabled: boolean; today: string; latestDue: string } }

const shiftDay = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function BriefingPage({ date }: { date?: string }) {
  const list = useQuery<List>({ queryKey: ['briefings'], queryFn: () => get('/api/briefings?limit=31') });
  // /briefings opens the newest day there is (or the one due).
  useEffect(() => {
    if (!date && list.data) navigate(`/briefings/${list.data.items[0]?.day ?? list.data.schedule.latestDue}`, true);
  }, [date, list.data]);
  if (!date) return <div className="page">{list.error ? <ErrorBox error={list.error} onRetry={() => list.refetch()} /> : <Loading />}</div>;
  return <BriefingDay key={date} day={date} list={list.data} />;
}

function BriefingDay({ day, list }: { day: string; list?: List }) {
  const { t, lang } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const [busy, setBusy] = useState<'pdf' | 'xlsx' | 'generate' | null>(null);
  const q = useQuery<Briefing>({ queryKey: ['briefing', day], queryFn: () => get(`/api/briefings/${day}`), retry: false });
  const today = list?.schedule.today;
  const missing = q.error instanceof ApiError && q.error.status === 404;

  const generate = async () => {
    setBusy('generate');
    try {
      const b = await post<Briefing>(`/api/briefings/${day}/generate`);
      qc.setQueryData(['briefing', day], b);
      qc.invalidateQueries({ queryKey: ['briefings'] });
      toast(`${t('brief.generated')} (v${b.version})`);
    } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(null); }
  };
  const file = async (kind: 'pdf' | 'xlsx') => {
    setBusy(kind);
    try { await download(`/api/briefings/${day}/${kind}`); } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(null); }
  };
  const weekday = new Intl.DateTimeFormat(lang === 'ko' ? 'ko-KR' : 'en-GB', { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

  return (
    <div className="page briefing-page" data-testid="briefing-page">
      <header className="page-head">
        <div>
          <h1>{t('brief.title')} <span className="brief-day">{day} ({weekday})</span></h1>
          <div className="sub">
            {q.data ? <>{t('brief.asOf')} {fmtDateTime(q.data.asOf)} · v{q.data.version} · {t(`brief.trigger.${q.data.trigger}`)} ({q.data.generatedBy}) · {q.data.timezone}</> : list ? `${t('brief.schedule')} ${list.schedule.at} ${list.schedule.timezone}` : ''}
          </div>
        </div>
        <div className="head-actions no-print">
          <button className="btn btn-sm" onClick={() => navigate(`/briefings/${shiftDay(day, -1)}`)} aria-label={t('brief.prev')} data-testid="brief-prev">‹</button>
          <input type="date" value={day} max={today} onChange={(e) => e.target.value && navigate(`/briefings/${e.target.value}`)} data-testid="brief-date" aria-label={t('brief.pick')} />
          <button className="btn btn-sm" onClick={() => navigate(`/briefings/${shiftDay(day, 1)}`)} disabled={!!today && day >= today} aria-label={t('brief.next')} data-testid="brief-next">›</button>
          {q.data ? <button className="btn" onClick={() => file('pdf')} disabled={busy !== null} data-testid="brief-pdf">{busy === 'pdf' ? <Spinner /> : '⤓'} PDF</button> : null}
          {q.data ? <button className="btn" onClick={() => file('xlsx')} disabled={busy !== null} data-testid="brief-xlsx">{busy === 'xlsx' ? <Spinner /> : '⤓'} Excel</button> : null}
          {q.data ? <button className="btn" onClick={() => window.print()}>⎙ {t('brief.print')}</button> : null}
          {can(me, 'briefings:generate') ? (
            <button className="btn btn-primary" onClick={generate} disabled={busy !== null} data-testid="brief-generate">
              {busy === 'generate' ? <Spinner /> : '↻'} {q.data ? t('brief.regenerate') : t('brief.generate')}
            </button>
          ) : null}
        </div>
      </header>
      {q.isLoading ? <Loading /> : missing ? (
        <Card><Empty icon="▦" title={t('brief.none')} hint={can(me, 'briefings:generate') ? t('brief.noneHint') : t('brief.noneWait')} /></Card>
      ) : q.error ? <ErrorBox error={q.error} onRetry={() => q.refetch()} /> : <BriefingBody c={q.data!.content} />}
    </div>
  );
}

/** More alerts is bad news (red), more monitored calls is just volume (neutral). */
function Delta({ now, then, label, neutral }: { now: number; then: number; label: string; neutral?: boolean }) {
  const d = now - then;
  const cls = neutral && d !== 0 ? 'neutral' : d > 0 ? 'up' : d < 0 ? 'down' : 'flat';
  return <span className={`delta delta-${cls}`}>{label} {then.toLocaleString()} <b>{d > 0 ? `▲${d}` : d < 0 ? `▼${-d}` : '–'}</b></span>;
}

function Kpi({ label, value, compared, sub, alarm, neutral, testId }: { label: string; value: string; compared?: Compared; sub?: string; alarm?: boolean; neutral?: boolean; testId: string }) {
  const { t } = useT();
  return (
    <div className={`kpi ${alarm ? 'kpi-alarm' : ''}`} data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value" data-testid={`${testId}-value`}>{value}</div>
      <div className="kpi-sub">
        {compared ? <><Delta now={compared.count} then={compared.previousDay} label={t('brief.prevDay')} neutral={neutral} /><Delta now={compared.count} then={compared.weekBefore} label={t('brief.weekBefore')} neutral={neutral} /></> : sub}
      </div>
    </div>
  );
}

const hm = (s: number) => `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;

function BriefingBody({ c }: { c: Content }) {
  const { t, cat } = useT();
  const n = (v: number) => v.toLocaleString();
  const categoryOption = useMemo(() => {
    const rows = [...c.alerts.byCategory].reverse();
    const series = (key: 'count' | 'previousDay' | 'weekBefore', name: string, color: string) => ({ name, type: 'bar', data: rows.map((r) => r[key]), itemStyle: { color }, barGap: '10%' });
    return {
      grid: { left: 120, right: 16, top: 8, bottom: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => cat(r.category)) },
      series: [series('weekBefore', t('brief.weekBefore'), '#ced4da'), series('previousDay', t('brief.prevDay'), '#91a7c6'), { ...series('count', t('brief.theDay'), '#1f5fcf'), label: { show: true, position: 'right' } }],
    };
  }, [c, cat, t]);
  const hourOption = useMemo(() => ({
    grid: { left: 32, right: 8, top: 12, bottom: 24 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: c.alerts.byHour.map((_, h) => String(h).padStart(2, '0')) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: c.alerts.byHour, itemStyle: { color: '#1d4a85' } }],
  }), [c]);

  return (
    <>
      {c.partial ? <div className="brief-partial">{t('brief.partial')}</div> : null}
      <div className="kpis kpis-brief" data-testid="brief-kpis">
        <Kpi testId="kpi-calls" label={t('brief.calls')} value={n(c.calls.monitored.count)} compared={c.calls.monitored} neutral />
        <Kpi testId="kpi-alerts" label={t('brief.alerts')} value={n(c.alerts.total.count)} compared={c.alerts.total} />
        <Kpi testId="kpi-high" label={t('brief.high')} value={n(c.alerts.highSeverity.count)} compared={c.alerts.highSeverity} alarm={c.alerts.highSeverity.count > 0} />
        <Kpi testId="kpi-talk" label={t('brief.talk')} value={c.calls.talkSeconds === null ? '—' : hm(c.calls.talkSeconds)}
          sub={c.calls.averageTalkSeconds === null ? t('brief.noEnded') : `${t('brief.ended')} ${n(c.calls.ended)} · ${t('brief.avg')} ${fmtOffset(c.calls.averageTalkSeconds * 1000)}`} />
        <Kpi testId="kpi-new-cases" label={t('brief.newCases')} value={n(c.cases.newCount)} sub={`${t('brief.fp')} ${c.alerts.falsePositives} · ${t('brief.escalated')} ${c.alerts.escalated}`} />
        <Kpi testId="kpi-open-cases" label={t('brief.openCases')} value={n(c.cases.openTotal)} sub={c.cases.openByStatus.map((s) => `${t(`case.status.${s.status}`)} ${s.count}`).join(' · ')} />
        <Kpi testId="kpi-sla" label={t('brief.sla')} value={n(c.cases.slaBreachCount)} sub={t('brief.slaHint')} alarm={c.cases.slaBreachCount > 0} />
        <Kpi testId="kpi-repeats" label={t('brief.repeats')} value={n(c.repeats.count)} sub={c.earlyWarnings.available ? `${t('brief.warnings')} ${c.earlyWarnings.count}` : t('brief.warningsNA')} />
      </div>

      <div className="brief-grid">
        <Card title={t('brief.byCategory')} actions={<span className="legend"><i style={{ background: '#1f5fcf' }} />{t('brief.theDay')}<i style={{ background: '#91a7c6' }} />{t('brief.prevDay')}<i style={{ background: '#ced4da' }} />{t('brief.weekBefore')}</span>}>
          {c.alerts.byCategory.length ? <Chart option={categoryOption} height={Math.max(140, 44 * c.alerts.byCategory.length)} testId="brief-category-chart" /> : <Empty title={t('brief.noAlerts')} />}
        </Card>
        <Card title={t('brief.byHour')}>
          <Chart option={hourOption} height={180} testId="brief-hour-chart" />
          <table className="table table-compact sev-table">
            <thead><tr><th>{t('sev')}</th>{c.alerts.bySeverity.map((s) => <th key={s.severity}><SeverityBadge severity={s.severity} /></th>)}</tr></thead>
            <tbody>
              <tr><td>{t('brief.theDay')}</td>{c.alerts.bySeverity.map((s) => <td key={s.severity} className="num">{s.count}</td>)}</tr>
              <tr className="muted"><td>{t('brief.prevDay')}</td>{c.alerts.bySeverity.map((s) => <td key={s.severity} className="num">{s.previousDay}</td>)}</tr>
              <tr className="muted"><td>{t('brief.weekBefore')}</td>{c.alerts.bySeverity.map((s) => <td key={s.severity} className="num">{s.weekBefore}</td>)}</tr>
            </tbody>
          </table>
        </Card>
      </div>

      <Card title={`${t('brief.topCalls')} (${c.topCalls.length})`} pad={false}>
        {c.topCalls.length === 0 ? <Empty title={t('brief.noAlerts')} /> : (
          <table className="table" data-testid="brief-top-calls">
            <thead><tr><th className="w-180">{t('call')}</th><th className="w-110">{t('customer')}</th><th className="w-40">{t('sev')}</th><th className="w-70">{t('calls.risk')}</th><th>{t('brief.why')}</th></tr></thead>
            <tbody>
              {c.topCalls.map((call) => (
                <tr key={call.callId}>
                  <td><Link to={`/calls/${encodeURIComponent(call.callId)}`} className="mono">{call.callId}</Link>{call.escalated ? <div><span className="badge badge-over">{t('calls.escalated')}</span></div> : null}<div className="small muted">{t('agent')} {call.agentId ?? '—'}</div></td>
                  <td className="nowrap">{call.customerId ?? '—'}</td>
                  <td><SeverityBadge severity={call.maxSeverity} /></td>
                  <td className="num">{call.riskScore}</td>
                  <td>
                    <ul className="why-list">
                      {call.alerts.map((a) => (
                        <li key={a.alertId}>
                          <CategoryTag category={a.category} /> <mark className="hit">“{a.match}”</mark>
                          <span className="small muted"> {a.speaker === 'customer' ? t('customer') : t('agent')} {fmtOffset(a.startMs)}{a.negated ? ` · ${t('rules.negated')}` : ''}{a.status === 'false_positive' ? ` · ${t('alert.status.false_positive')}` : ''}</span>
                          <div className="small mono muted">{a.ruleId} — {a.explanation}</div>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <div className="brief-grid">
        <Card title={`${t('brief.newCases')} (${c.cases.newCount})`} pad={false}>
          <CaseTable rows={c.cases.new} empty={t('brief.noNewCases')} testId="brief-new-cases" />
        </Card>
        <Card title={`${t('brief.sla')} (${c.cases.slaBreachCount})`} pad={false}>
          <CaseTable rows={c.cases.slaBreaches} empty={t('brief.noSla')} overdue testId="brief-sla" />
        </Card>
      </div>

      <div className="brief-grid">
        <Card title={`${t('brief.repeats')} (${c.repeats.count})`} pad={false}>
          {c.repeats.items.length === 0 ? <Empty title={t('brief.noRepeats')} /> : (
            <table className="table table-compact" data-testid="brief-repeats">
              <thead><tr><th>{t('time')}</th><th>{t('cases.ref')}</th><th>{t('customer')}</th><th>{t('category')}</th><th>{t('brief.kind')}</th></tr></thead>
              <tbody>{c.repeats.items.map((r, i) => (
                <tr key={i}><td className="mono">{fmtDateTime(r.at).slice(11)}</td><td><Link to={`/cases/${r.caseId}`} className="mono">{r.caseRef}</Link></td><td>{r.customerId ?? '—'}</td><td><CategoryTag category={r.category} /></td>
                  <td>{r.kind === 'contact' ? <>{t('brief.recontact')} <Link to={`/calls/${encodeURIComponent(r.callId ?? '')}`} className="mono small">{r.callId}</Link></> : t('brief.reopened')}</td></tr>
              ))}</tbody>
            </table>
          )}
        </Card>
        <Card title={`${t('brief.warnings')} (${c.earlyWarnings.available ? c.earlyWarnings.count : '—'})`} pad={false}>
          {!c.earlyWarnings.available ? <Empty title={t('brief.warningsNA')} /> : c.earlyWarnings.items.length === 0 ? <Empty title={t('brief.noWarnings')} /> : (
            <table className="table table-compact" data-testid="brief-warnings">
              <thead><tr><th>{t('time')}</th><th>{t('brief.issue')}</th><th className="num">{t('brief.callsShort')}</th><th className="num">{t('brief.baseline')}</th><th>{t('status')}</th></tr></thead>
              <tbody>{c.earlyWarnings.items.map((w) => (
                <tr key={w.id}><td className="mono">{fmtDateTime(w.raisedAt).slice(11)}</td><td>{w.topicLabel}</td><td className="num">{w.calls}</td><td className="num">{w.baseline.toFixed(1)}</td><td>{w.status}</td></tr>
              ))}</tbody>
            </table>
          )}
        </Card>
      </div>

      <div className="brief-grid">
        <Card title={t('brief.topRules')} pad={false}>
          <SimpleTable head={[t('brief.rule'), t('category'), t('brief.alerts'), t('brief.hits')]} rows={c.topRules.map((r) => [<span className="mono">{r.ruleId}</span>, <CategoryTag category={r.category} />, r.alerts, r.hits])} empty={t('brief.noAlerts')} />
        </Card>
        <Card title={t('brief.topPhrases')} pad={false}>
          <SimpleTable head={[t('brief.phrase'), t('category'), t('brief.hits'), t('rules.negated')]} rows={c.topPhrases.map((p) => [<b style={{ color: categoryColor(p.category) }}>{p.term}</b>, <CategoryTag category={p.category} />, p.hits, p.negated])} empty={t('brief.noAlerts')} />
        </Card>
      </div>
    </>
  );
}

function CaseTable({ rows, empty, overdue, testId }: { rows: BriefCase[]; empty: string; overdue?: boolean; testId: string }) {
  const { t } = useT();
  if (rows.length === 0) return <Empty title={empty} />;
  return (
    <table className="table table-compact" data-testid={testId}>
      <thead><tr><th>{t('cases.ref')}</th><th>{t('cases.titleCol')}</th><th>{t('sev')}</th><th>{t('status')}</th><th>{overdue ? t('cases.overdue') : t('cases.assignee')}</th></tr></thead>
      <tbody>{rows.map((k) => (
        <tr key={k.id} className={overdue ? 'row-overdue' : ''}>
          <td><Link to={`/cases/${k.id}`} className="mono">{k.ref}</Link></td>
          <td className="title-cell"><span className="ellipsis">{k.title}</span></td>
          <td><SeverityBadge severity={k.severity} /></td>
          <td><CaseStatus status={k.status} /></td>
          <td className="nowrap">{overdue ? `${k.hoursOverdue}${t('brief.hours')}` : k.assigneeName ?? <span className="muted">{t('cases.unassigned')}</span>}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}

function SimpleTable({ head, rows, empty }: { head: string[]; rows: ReactNode[][]; empty: string }) {
  if (rows.length === 0) return <Empty title={empty} />;
  return (
    <table className="table table-compact">
      <thead><tr>{head.map((h, i) => <th key={i} className={i >= 2 ? 'num' : ''}>{h}</th>)}</tr></thead>
      <tbody>{rows.map((r, i) => <tr key={i}>{r.map((cell, j) => <td key={j} className={j >= 2 ? 'num' : ''}>{cell}</td>)}</tr>)}</tbody>
    </table>
  );
}
