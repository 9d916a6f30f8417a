import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { get, type Alert, type Call, type Case, type Hit, type Utterance } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime, fmtOffset } from '../format';
import { useT } from '../i18n';
import { useEventStream } from '../live';
import { Link } from '../router';
import { AlertStatus, Card, CaseStatus, CategoryTag, Empty, Highlighted, Loading, SeverityBadge } from '../ui';
import { RiskMeter } from './Calls';

interface Line extends Utterance { hits: Hit[]; partial: boolean }
interface LiveState {
  call: Call | null;
  lines: Line[];
  alerts: Alert[];
  risk: { ms: number; score: number }[];
  escalated: boolean;
  ended: boolean;
}

const EMPTY: LiveState = { call: null, lines: [], alerts: [], risk: [], escalated: false, ended: false };

/** Inserts or replaces an utterance line (a final replaces its partial), keeping time order. */
function upsertLine(lines: Line[], u: Utterance, hits: Hit[], partial: boolean): Line[] {
  const rest = lines.filter((l) => l.id !== u.id);
  const next = [...rest, { ...u, hits, partial }];
  return next.sort((a, b) => a.startMs - b.startMs);
}

function hitTitle(h: Hit, t: (k: string) => string): string {
  const parts = [`${h.ruleId} (${h.category}, ${t('sev')} ${h.severity})`, h.explanation, `${t('rules.terms')}: ${h.term}`];
  if (h.distance > 0) parts.push(`STT ≈ ${h.distance}`);
  if (h.negated) parts.push(t('rules.negated'));
  return parts.join('\n');
}

export function CallLive({ id }: { id: string }) {
  const { t } = useT();
  const me = useMe();
  const [s, setS] = useState<LiveState>(EMPTY);
  const [loaded, setLoaded] = useState(false);
  const focusAlert = new URLSearchParams(location.search).get('alert');
  const bottom = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);

  const state = useEventStream(`/api/calls/${encodeURIComponent(id)}/stream`, {
    snapshot: (d: { call: Call; utterances: Utterance[]; hits: Hit[]; alerts: Alert[]; risk: { ms: number; score: number }[] }) => {
      const byUtt = new Map<string, Hit[]>();
      for (const h of d.hits) byUtt.set(h.utteranceId, [...(byUtt.get(h.utteranceId) ?? []), h]);
      setS({
        call: d.call,
        lines: d.utterances.map((u) => ({ ...u, hits: byUtt.get(u.id) ?? [], partial: false })),
        alerts: d.alerts,
        risk: d.risk,
        escalated: new Set(d.alerts.filter((a) => a.status !== 'false_positive').map((a) => a.category)).size >= 2,
        ended: d.call.endedAt !== null,
      });
      setLoaded(true);
    },
    utterance: (d: { utterance: Utterance; hits: Hit[] }) => setS((p) => ({ ...p, lines: upsertLine(p.lines, d.utterance, d.hits, false) })),
    'utterance.partial': (d: { utterance: Utterance; hits: Hit[] }) => setS((p) => ({ ...p, lines: upsertLine(p.lines, d.utterance, d.hits, true) })),
    'alert.created': (d: { alert: Alert }) => setS((p) => ({ ...p, alerts: [...p.alerts.filter((a) => a.id !== d.alert.id), d.alert] })),
    'alert.updated': (d: { alert: Alert }) => setS((p) => ({ ...p, alerts: p.alerts.map((a) => (a.id === d.alert.id ? d.alert : a)) })),
    'call.escalated': () => setS((p) => ({ ...p, escalated: true })),
    risk: (d: { ms: number; score: number }) => setS((p) => ({ ...p, risk: [...p.risk, d], call: p.call ? { ...p.call, riskScore: d.score } : p.call })),
    'call.ended': () => setS((p) => ({ ...p, ended: true })),
  });

  useEffect(() => {
    if (follow) bottom.current?.scrollIntoView({ block: 'end' });
  }, [s.lines, follow]);

  const call = s.call;
  const history = useQuery<{ calls: Call[]; cases: Case[] }>({
    queryKey: ['customer-history', call?.customerId],
    queryFn: () => get(`/api/customers/${encodeURIComponent(call!.customerId!)}/history`),
    enabled: !!call?.customerId && can(me, 'calls:read'),
  });

  const riskOption = useMemo(() => {
    const pts = s.risk.length > 0 ? s.risk : [{ ms: 0, score: 0 }];
    const lastMs = Math.max(pts[pts.length - 1].ms, ...s.lines.map((l) => l.endMs), 1000);
    const data = [...pts.map((p) => [p.ms / 1000, p.score]), [lastMs / 1000, pts[pts.length - 1].score]];
    return {
      grid: { left: 36, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}` },
      xAxis: { type: 'value', min: 0, max: Math.ceil(lastMs / 1000), axisLabel: { formatter: (v: number) => fmtOffset(v * 1000) } },
      yAxis: { type: 'value', min: 0, max: 100, splitNumber: 4 },
      series: [{
        type: 'line', step: 'end', data, symbol: 'circle', symbolSize: 6, lineStyle: { width: 2.5, color: '#d6336c' }, itemStyle: { color: '#d6336c' },
        areaStyle: { color: { type: 'linear', x: 0, y: 0, x2: 0, y2: 1, colorStops: [{ offset: 0, color: 'rgba(214,51,108,0.28)' }, { offset: 1, color: 'rgba(214,51,108,0.02)' }] } },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: '#f08c00', type: 'dashed' }, data: [{ yAxis: 70 }], label: { formatter: '70' } },
      }],
    };
  }, [s.risk, s.lines]);

  if (!loaded) return <div className="page"><Loading /></div>;
  const prevCalls = (history.data?.calls ?? []).filter((c) => c.id !== id);

  return (
    <div className="page page-call">
      <header className="page-head">
        <div>
          <div className="crumbs"><Link to="/calls">{t('calls.title')}</Link> / <span className="mono">{id}</span></div>
          <h1 className="call-title">
            {t('customer')} {call?.customerId ?? t('unknown')} <span className="muted">·</span> {t('agent')} {call?.agentId ?? t('unknown')}
            {s.ended ? <span className="pill pill-muted">{t('calls.ended')}</span> : <span className="pill pill-live" data-testid="call-live"><span className="dot" />{t('calls.live')}</span>}
            {s.escalated ? <span className="pill pill-danger">{t('calls.escalated')}</span> : null}
          </h1>
          <div className="sub">{fmtDateTime(call?.startedAt)} · {state === 'open' ? t('alerts.live') : t('alerts.reconnecting')}</div>
        </div>
        <div className="risk-big" data-testid="risk-score"><div className="risk-label">{t('calls.risk')}</div><RiskMeter score={call?.riskScore ?? 0} /></div>
      </header>

      <div className="call-grid">
        <Card title={t('calls.transcript')} className="transcript-card" actions={<label className="toggle"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> ↓</label>}>
          <div className="transcript" data-testid="transcript">
            {s.lines.length === 0 ? <Empty title={t('calls.waiting')} icon="…" /> : s.lines.map((l) => (
              <div key={l.id} className={`bubble-row ${l.speaker}`}>
                <div className={`bubble ${l.partial ? 'partial' : ''} ${l.hits.some((h) => h.alertId === focusAlert || (focusAlert && s.alerts.find((a) => a.id === focusAlert)?.utteranceId === l.id)) ? 'focus' : ''}`}>
                  <div className="bubble-meta">{l.speaker === 'customer' ? t('customer') : t('agent')} · {fmtOffset(l.startMs)}{l.partial ? ` · ${t('calls.partial')}` : ''}</div>
                  <div className="bubble-text">
                    <Highlighted text={l.text} spans={l.hits.map((h) => ({ start: h.start, end: h.end, title: hitTitle(h, t), className: h.negated ? 'hit hit-negated' : `hit hit-sev${h.severity}` }))} />
                  </div>
                </div>
              </div>
            ))}
            <div ref={bottom} />
          </div>
        </Card>
        <div className="call-side">
          <Card title={t('calls.riskOverTime')}><Chart option={riskOption} height={180} testId="risk-chart" /></Card>
          <Card title={`${t('calls.alerts')} (${s.alerts.length})`} pad={false}>
            {s.alerts.length === 0 ? <div className="pad muted">{t('calls.noAlerts')}</div> : (
              <ul className="mini-list">
                {s.alerts.map((a) => (
                  <li key={a.id} className={a.id === focusAlert ? 'focus' : ''}>
                    <SeverityBadge severity={a.severity} /> <CategoryTag category={a.category} /> <span className="match-text">“{a.match}”</span>
                    <span className="grow" /> <AlertStatus status={a.status} />
                    {a.caseId ? <Link to={`/cases/${a.caseId}`} className="small">→</Link> : null}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={t('calls.history')} pad={false}>
            {!call?.customerId ? <div className="pad muted">{t('calls.noCustomer')}</div> : history.isLoading ? <Loading /> : (
              <>
                {(history.data?.cases ?? []).length > 0 ? (
                  <ul className="mini-list">
                    {history.data!.cases.map((c) => (
                      <li key={c.id}><Link to={`/cases/${c.id}`} className="mono">{c.ref}</Link> <CaseStatus status={c.status} /> <span className="ellipsis">{c.title}</span>{c.repeat ? <span className="badge badge-repeat">{t('cases.repeat')}</span> : null}</li>
                    ))}
                  </ul>
                ) : null}
                {prevCalls.length === 0 ? <div className="pad muted">{t('calls.noHistory')}</div> : (
                  <ul className="mini-list">
                    {prevCalls.slice(0, 8).map((c) => (
                      <li key={c.id}><Link to={`/calls/${encodeURIComponent(c.id)}`} className="mono">{fmtDateTime(c.startedAt)}</Link>
                        {(c.categories ?? []).map((x) => <CategoryTag key={x} category={x} />)}<span className="grow" /><RiskMeter score={c.riskScore} /></li>
                    ))}
                  </ul>
                )}
              </>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
