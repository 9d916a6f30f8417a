import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { get, post, qs } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime, fmtTime } from '../format';
import { useT } from '../i18n';
import { useEventStream } from '../live';
import { Link } from '../router';
import { Card, Empty, ErrorBox, Loading, Modal, SeverityBadge, Spinner, toast, useSubmit } from '../ui';

// 조기 경보: issue topics whose calls rose well above their usual level across
// the whole contact centre. Each active warning shows calls now against the
// expected count, since when, a small chart of its buckets, and can be
// acknowledged; the list follows the early-warning stream live.

interface SeriesPoint { start: string; calls: number }
interface Series { bucketMinutes: number; expectedPerBucket: number; points: SeriesPoint[] }
export interface EarlyWarning {
  id: string; topicId: string; topicLabel: string; topicLabelEn: string; status: 'open' | 'acknowledged' | 'resolved'; severity: number;
  raisedAt: string; updatedAt: string; resolvedAt: string | null; acknowledgedAt: string | null; acknowledgedBy: string | null; acknowledgeNote: string | null;
  windowMinutes: number; calls: number; baseline: number; pValue: number; monitoredCalls: number; historyDays: number; peakCalls: number; series?: Series;
}
interface Sample { callId: string; utteranceId: string; speaker: string | null; text: string | null; at: string }
interface Topic { id: string; label: string; labelEn: string; activeWarningId: string | null }
interface Settings { windowMinutes: number; baselineDays: number; bandMinutes: number; minCalls: number }

const STREAM_TYPES = ['early_warning.raised', 'early_warning.updated', 'early_warning.acknowledged', 'early_warning.resolved'];

const minutesSince = (iso: string) => Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60_000));

function seriesOption(s: Series, compact: boolean) {
  return {
    animation: false,
    grid: { left: compact ? 28 : 36, right: 8, top: 10, bottom: 22 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: s.points.map((p) => fmtTime(p.start).slice(0, 5)), axisLabel: { fontSize: 10, interval: 'auto' }, axisTick: { show: false } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef1f5' } }, axisLabel: { fontSize: 10 } },
    series: [
      { type: 'bar', name: '통화 (calls)', data: s.points.map((p) => p.calls), itemStyle: { color: '#e8590c', borderRadius: [3, 3, 0, 0] }, barMaxWidth: 18 },
      { type: 'line', name: '평소 (expected)', data: s.points.map(() => Math.round(s.expectedPerBucket * 100) / 100), symbol: 'none', lineStyle: { color: '#1c7ed6', type: 'dashed', width: 1.5 } },
    ],
  };
}

function WarningCard({ w, focused, onAck }: { w: EarlyWarning; focused: boolean; onAck(w: EarlyWarning): void }) {
  const { t, lang } = useT();
  const me = useMe();
  const [open, setOpen] = useState(focused);
  const detail = useQuery<{ samples: Sample[] }>({ queryKey: ['early-warning', w.id], queryFn: () => get(`/api/early-warnings/${w.id}`), enabled: open });
  const option = useMemo(() => (w.series ? seriesOption(w.series, true) : null), [w.series]);
  const ratio = w.calls / Math.max(w.baseline, 0.5);
  return (
    <section className={`card ew-card ew-sev-${w.severity} ${focused ? 'focus' : ''}`} data-testid="warning-card" data-warning-id={w.id}>
      <header className="ew-card-head">
        <div>
          <div className="ew-topic"><SeverityBadge severity={w.severity} /> {lang === 'en' ? w.topicLabelEn || w.topicLabel : w.topicLabel}</div>
          <div className="ew-since small muted">
            {t('ew.since')} {fmtDateTime(w.raisedAt)} · {minutesSince(w.raisedAt)}{t('ew.minutesAgo')}
          </div>
        </div>
        <span className={`pill ${w.status === 'open' ? 'pill-alert-open' : 'pill-alert-acknowledged'}`} data-testid="warning-status">{t(`ew.status.${w.status}`)}</span>
      </header>
      <div className="ew-numbers">
        <div><div className="kpi-label">{t('ew.callsNow')} ({w.windowMinutes}{t('ew.min')})</div><div className="ew-now" data-testid="warning-calls">{w.calls}</div></div>
        <div><div className="kpi-label">{t('ew.expected')}</div><div className="ew-expected">{w.baseline.toFixed(1)}</div></div>
        <div><div className="kpi-label">{t('ew.ratio')}</div><div className="ew-expected">×{ratio >= 100 ? Math.round(ratio) : ratio.toFixed(1)}</div></div>
        <div><div className="kpi-label">{t('ew.peak')}</div><div className="ew-expected">{w.peakCalls}</div></div>
      </div>
      {option ? <Chart option={option} height={120} testId="warning-chart" /> : null}
      {w.acknowledgedBy ? <div className="status-reason small">✓ {w.acknowledgedBy} · {fmtDateTime(w.acknowledgedAt)}{w.acknowledgeNote ? ` — ${w.acknowledgeNote}` : ''}</div> : null}
      <footer className="ew-card-foot">
        <button className="btn btn-sm btn-ghost" onClick={() => setOpen(!open)} data-testid="warning-samples-toggle">{open ? '▾' : '▸'} {t('ew.samples')}</button>
        <span className="grow" />
        {w.status === 'open' && can(me, 'early_warnings:ack')
          ? <button className="btn btn-sm btn-primary" onClick={() => onAck(w)} data-testid="warning-ack">{t('ew.ack')}</button>
          : null}
      </footer>
      {open ? (
        <div className="ew-samples">
          {detail.isLoading ? <Loading /> : detail.error ? <ErrorBox error={detail.error} /> : (
            <ul className="mini-list">
              {(detail.data?.samples ?? []).slice(0, 5).map((s) => (
                <li key={`${s.callId}/${s.utteranceId}`}>
                  <span className="small muted">{fmtTime(s.at)}</span>
                  <span className="grow">{s.text ?? <em className="muted">{t('ew.textDeleted')}</em>}</span>
                  <Link to={`/calls/${encodeURIComponent(s.callId)}`} className="small">{t('call')} →</Link>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </section>
  );
}

function AckModal({ w, onClose }: { w: EarlyWarning; onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const { busy, error, run } = useSubmit();
  const submit = () => run(async () => {
    await post(`/api/early-warnings/${w.id}/acknowledge`, note.trim() ? { note: note.trim() } : {});
    toast(`${w.topicLabel}: ${t('ew.acked')}`);
    await qc.invalidateQueries({ queryKey: ['early-warnings'] });
    onClose();
  });
  return (
    <Modal title={`${t('ew.ack')} — ${w.topicLabel}`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy} onClick={submit} data-testid="warning-ack-submit">{busy ? <Spinner /> : null}{t('ew.ack')}</button></>}>
      <label className="field">{t('ew.ackNote')}
        <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} rows={3} placeholder={t('ew.ackNotePh')} data-testid="warning-ack-note" />
      </label>
      <p className="small muted">{t('ew.ackHint')}</p>
      {error ? <div className="form-error" role="alert">{error}</div> : null}
    </Modal>
  );
}

export function EarlyWarningsPage({ focusId }: { focusId?: string }) {
  const { t, lang } = useT();
  const qc = useQueryClient();
  const [acking, setAcking] = useState<EarlyWarning | null>(null);
  const active = useQuery<{ items: EarlyWarning[]; total: number }>({
    queryKey: ['early-warnings', 'active'], queryFn: () => get(`/api/early-warnings${qs({ status: 'active', series: true, limit: 50 })}`), refetchInterval: 30_000,
  });
  const resolved = useQuery<{ items: EarlyWarning[] }>({
    queryKey: ['early-warnings', 'resolved'], queryFn: () => get(`/api/early-warnings${qs({ status: 'resolved', limit: 20 })}`), refetchInterval: 60_000,
  });
  const topics = useQuery<{ items: Topic[] }>({ queryKey: ['early-warning-topics'], queryFn: () => get('/api/early-warnings/topics'), staleTime: 60_000 });
  const settings = useQuery<Settings>({ queryKey: ['early-warning-settings'], queryFn: () => get('/api/early-warnings/settings'), staleTime: 300_000 });
  const refresh = () => { void qc.invalidateQueries({ queryKey: ['early-warnings'] }); void qc.invalidateQueries({ queryKey: ['early-warning-topics'] }); };
  const stream = useEventStream('/api/early-warnings/stream', Object.fromEntries(STREAM_TYPES.map((type) => [type, refresh])));
  const s = settings.data;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>{t('ew.title')}</h1>
          <div className="sub">{s ? t('ew.sub').replace('{w}', String(s.windowMinutes)).replace('{d}', String(s.baselineDays)) : t('ew.subShort')}</div>
          <div className={`live-badge live-${stream}`} data-testid="ew-stream-state"><span className="dot" />{stream === 'open' ? t('alerts.live') : t('alerts.reconnecting')}</div>
        </div>
      </header>
      {active.isLoading ? <Loading /> : active.error ? <ErrorBox error={active.error} onRetry={() => active.refetch()} /> : (active.data?.items.length ?? 0) === 0 ? (
        <Card><Empty title={t('ew.none')} hint={t('ew.noneHint')} icon="↗" /></Card>
      ) : (
        <div className="ew-grid" data-testid="warnings-active">
          {active.data!.items.map((w) => <WarningCard key={w.id} w={w} focused={w.id === focusId} onAck={setAcking} />)}
        </div>
      )}
      <div className="ew-bottom">
        <Card title={t('ew.recent')} pad={false}>
          {(resolved.data?.items.length ?? 0) === 0 ? <div className="pad muted small">{t('ew.noRecent')}</div> : (
            <table className="table" data-testid="warnings-resolved">
              <thead><tr><th>{t('ew.topic')}</th><th>{t('ew.raised')}</th><th>{t('ew.resolved')}</th><th className="num">{t('ew.peak')}</th><th>{t('ew.ackBy')}</th></tr></thead>
              <tbody>
                {resolved.data!.items.map((w) => (
                  <tr key={w.id}>
                    <td><SeverityBadge severity={w.severity} /> {lang === 'en' ? w.topicLabelEn || w.topicLabel : w.topicLabel}</td>
                    <td className="small">{fmtDateTime(w.raisedAt)}</td><td className="small">{fmtDateTime(w.resolvedAt)}</td>
                    <td className="num">{w.peakCalls}</td><td className="small">{w.acknowledgedBy ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title={t('ew.topics')}>
          <div className="ew-topics" data-testid="ew-topics">
            {(topics.data?.items ?? []).map((tp) => (
              <span key={tp.id} className={`pill ${tp.activeWarningId ? 'pill-alert-open' : 'pill-muted'}`} title={tp.id}>{lang === 'en' ? tp.labelEn : tp.label}</span>
            ))}
          </div>
          <p className="small muted" style={{ marginTop: 10 }}>{t('ew.method')}</p>
        </Card>
      </div>
      {acking ? <AckModal w={acking} onClose={() => setAcking(null)} /> : null}
    </div>
  );
}
