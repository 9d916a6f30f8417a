import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { download, get, patch, post, qs, type Alert, type Call, type Case } from '../api';
import { can, useMe } from '../App';
import { fmtDateTime, fmtOffset, fmtTime, periodStart } from '../format';
import { CATEGORY_IDS, categoryColor, useT } from '../i18n';
import { chime, useEventStream } from '../live';
import { Link, navigate } from '../router';
import { AlertStatus, Card, CategoryTag, Empty, ErrorBox, HighlightText, Loading, Modal, SeverityBadge, Spinner, errorText, toast } from '../ui';

interface Filters { category: string; minSeverity: string; status: string; agentId: string; period: string }
const DEFAULT_FILTERS: Filters = { category: '', minSeverity: '', status: 'open', agentId: '', period: 'today' };

const listPath = (f: Filters) => `/api/alerts${qs({ limit: 200, category: f.category, minSeverity: f.minSeverity, status: f.status, agentId: f.agentId.trim(), from: periodStart(f.period) })}`;

function matches(f: Filters, a: Alert): boolean {
  if (f.category && a.category !== f.category) return false;
  if (f.minSeverity && a.severity < Number(f.minSeverity)) return false;
  if (f.status && a.status !== f.status) return false;
  const from = periodStart(f.period);
  return !from || a.createdAt >= from;
}

type AlertList = { items: Alert[]; total: number };

export function AlertBoard() {
  const { t, cat, lang } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const canTriage = can(me, 'alerts:triage');
  const canCase = can(me, 'cases:write');
  const [filters, setFilters] = useState<Filters>(() => ({ ...DEFAULT_FILTERS, ...JSON.parse(sessionStorage.getItem('radar.alertFilters') ?? '{}') }));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [fpFor, setFpFor] = useState<Alert | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [sound, setSound] = useState(() => localStorage.getItem('radar.sound') === '1');
  const [notify, setNotify] = useState(() => localStorage.getItem('radar.notify') === '1' && typeof Notification !== 'undefined' && Notification.permission === 'granted');
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [exporting, setExporting] = useState(false);

  useEffect(() => sessionStorage.setItem('radar.alertFilters', JSON.stringify(filters)), [filters]);
  const countFilters = { ...filters, category: '' };
  const list = useQuery<AlertList>({ queryKey: ['alerts', filters], queryFn: () => get(listPath(filters)) });
  const counts = useQuery<AlertList>({ queryKey: ['alerts', countFilters], queryFn: () => get(listPath(countFilters)) });

  /** Applies a live alert to every cached list it belongs in (new ones only where the list's filters match). */
  const applyLive = useCallback((alert: Alert, created: boolean) => {
    for (const [key, data] of qc.getQueriesData<AlertList>({ queryKey: ['alerts'] })) {
      if (!data) continue;
      const f = key[1] as Filters;
      const idx = data.items.findIndex((a) => a.id === alert.id);
      if (idx >= 0) {
        const items = [...data.items];
        items[idx] = alert;
        qc.setQueryData(key, { ...data, items });
      } else if (created && !f.agentId && matches(f, alert)) {
        qc.setQueryData(key, { items: [alert, ...data.items], total: data.total + 1 });
      } else if (created && f.agentId) {
        qc.invalidateQueries({ queryKey: key });
      }
    }
  }, [qc]);

  const streamState = useEventStream('/api/alerts/stream', {
    'alert.created': (d: { alert: Alert }) => {
      applyLive(d.alert, true);
      setFresh((s) => new Set(s).add(d.alert.id));
      setTimeout(() => setFresh((s) => { const n = new Set(s); n.delete(d.alert.id); return n; }), 4000);
      if (localStorage.getItem('radar.sound') === '1') chime();
      if (localStorage.getItem('radar.notify') === '1' && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
        new Notification(`${cat(d.alert.category)} · ${lang === 'ko' ? '심각도' : 'severity'} ${d.alert.severity}`, { body: `“${d.alert.match}”`, tag: d.alert.id });
      }
    },
    'alert.updated': (d: { alert: Alert }) => applyLive(d.alert, false),
  });

  const items = list.data?.items ?? [];
  const selected = items.find((a) => a.id === selectedId) ?? null;
  useEffect(() => {
    if (!selectedId && items.length > 0) setSelectedId(items[0].id);
  }, [items, selectedId]);

  const move = (d: number) => {
    if (items.length === 0) return;
    const i = items.findIndex((a) => a.id === selectedId);
    const next = items[Math.max(0, Math.min(items.length - 1, (i < 0 ? 0 : i) + d))];
    setSelectedId(next.id);
    document.querySelector(`[data-alert-id="${next.id}"]`)?.scrollIntoView({ block: 'nearest' });
  };

  const triage = async (a: Alert, action: 'acknowledge' | 'false_positive' | 'reopen', reason?: string) => {
    setBusy(action);
    try {
      const updated = await patch<Alert>(`/api/alerts/${a.id}`, { action, reason });
      applyLive(updated, false);
      if (action !== 'reopen') move(1);
    } catch (e) {
      toast(errorText(e), 'err');
    } finally {
      setBusy(null);
    }
  };

  const escalate = async (a: Alert) => {
    setBusy('escalate');
    try {
      const res = await post<{ case: Case; linkedToExisting: boolean }>('/api/cases/from-alert', { alertId: a.id });
      applyLive({ ...a, status: 'escalated', caseId: res.case.id }, false);
      toast(`${res.linkedToExisting ? t('alerts.joined') : t('alerts.escalated')}: ${res.case.ref}`);
      qc.invalidateQueries({ queryKey: ['cases'] });
      move(1);
    } catch (e) {
      toast(errorText(e), 'err');
    } finally {
      setBusy(null);
    }
  };

  // Keyboard triage: j/k move, a acknowledge, f false positive, e escalate, Enter open.
  const keyState = useRef({ selected, fpFor, busy });
  keyState.current = { selected, fpFor, busy };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (keyState.current.fpFor || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || e.metaKey || e.ctrlKey || e.altKey) return;
      const a = keyState.current.selected;
      if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); move(1); }
      else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
      else if (!a || keyState.current.busy) return;
      else if (e.key === 'a' && canTriage && a.status === 'open') triage(a, 'acknowledge');
      else if (e.key === 'f' && canTriage && (a.status === 'open' || a.status === 'acknowledged')) { e.preventDefault(); setFpFor(a); }
      else if (e.key === 'e' && canTriage && canCase && (a.status === 'open' || a.status === 'acknowledged')) escalate(a);
      else if (e.key === 'Enter') navigate(`/calls/${encodeURIComponent(a.callId)}?alert=${a.id}`);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const byCategory = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of counts.data?.items ?? []) m.set(a.category, (m.get(a.category) ?? 0) + 1);
    const ids = [...new Set([...CATEGORY_IDS, ...m.keys()])];
    return ids.map((id) => ({ id, n: m.get(id) ?? 0 }));
  }, [counts.data]);

  const toggleSound = () => { const v = !sound; setSound(v); localStorage.setItem('radar.sound', v ? '1' : '0'); if (v) chime(); };
  const toggleNotify = async () => {
    if (notify) { setNotify(false); localStorage.setItem('radar.notify', '0'); return; }
    if (typeof Notification === 'undefined') return toast('Notifications are not supported here', 'err');
    const p = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    const ok = p === 'granted';
    setNotify(ok);
    localStorage.setItem('radar.notify', ok ? '1' : '0');
  };
  const exportXlsx = async () => {
    setExporting(true);
    try {
      await download(`/api/export/alerts.xlsx${qs({ category: filters.category, minSeverity: filters.minSeverity, status: filters.status, agentId: filters.agentId.trim(), from: periodStart(filters.period) })}`);
    } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => { setFilters({ ...filters, [k]: e.target.value }); setSelectedId(null); };

  return (
    <div className="page page-board">
      <header className="page-head">
        <div>
          <h1>{t('alerts.title')}</h1>
          <div className={`live-badge live-${streamState}`} data-testid="stream-state">
            <span className="dot" />{streamState === 'open' ? t('alerts.live') : t('alerts.reconnecting')}
          </div>
        </div>
        <div className="head-actions">
          <label className="toggle"><input type="checkbox" checked={sound} onChange={toggleSound} /> {t('alerts.sound')}</label>
          <label className="toggle"><input type="checkbox" checked={notify} onChange={toggleNotify} /> {t('alerts.notify')}</label>
          <button className="btn" onClick={exportXlsx} disabled={exporting} data-testid="export-alerts">{exporting ? <Spinner /> : '⤓'} {t('exportXlsx')}</button>
        </div>
      </header>

      <div className="cat-strip" data-testid="category-counts">
        {byCategory.map(({ id, n }) => (
          <button key={id} className={`cat-card ${filters.category === id ? 'active' : ''} ${n === 0 ? 'zero' : ''}`} style={{ borderTopColor: categoryColor(id) }}
            onClick={() => { setFilters({ ...filters, category: filters.category === id ? '' : id }); setSelectedId(null); }}>
            <span className="cat-card-n">{n}</span><span className="cat-card-label">{cat(id)}</span>
          </button>
        ))}
      </div>

      <div className="filters">
        <select value={filters.category} onChange={set('category')} aria-label={t('category')}>
          <option value="">{t('category')}: {t('all')}</option>
          {CATEGORY_IDS.map((c) => <option key={c} value={c}>{cat(c)}</option>)}
        </select>
        <select value={filters.minSeverity} onChange={set('minSeverity')} aria-label={t('sev')}>
          <option value="">{t('sev')}: {t('all')}</option>
          {[5, 4, 3, 2].map((s) => <option key={s} value={s}>{t('sev')} ≥ {s}</option>)}
        </select>
        <select value={filters.status} onChange={set('status')} aria-label={t('status')} data-testid="status-filter">
          <option value="">{t('status')}: {t('all')}</option>
          {['open', 'acknowledged', 'escalated', 'false_positive'].map((s) => <option key={s} value={s}>{t('status')}: {t(`alert.status.${s}`)}</option>)}
        </select>
        <input placeholder={t('alerts.agentFilter')} value={filters.agentId} onChange={set('agentId')} className="w-140" />
        <select value={filters.period} onChange={set('period')} aria-label={t('period')}>
          {['1h', 'today', '7d', 'all'].map((p) => <option key={p} value={p}>{t(`period.${p}`)}</option>)}
        </select>
        <span className="filters-count">{list.data ? `${list.data.total}${t('alerts.total')}` : ''}</span>
        <span className="kbd-help">{t('alerts.keys')}: <kbd>j</kbd><kbd>k</kbd> {t('alerts.move')} · <kbd>a</kbd> {t('alerts.ack')} · <kbd>f</kbd> {t('alerts.fp')} · <kbd>e</kbd> {t('alerts.escalate')} · <kbd>Enter</kbd> {t('open')}</span>
      </div>

      <div className="board">
        <Card pad={false} className="board-list">
          {list.isLoading ? <Loading /> : list.error ? <ErrorBox error={list.error} onRetry={() => list.refetch()} /> : items.length === 0 ? (
            <Empty title={t('alerts.empty')} hint={t('alerts.emptyHint')} icon="◎" />
          ) : (
            <table className="table table-alerts" data-testid="alert-table">
              <thead><tr><th className="w-70">{t('time')}</th><th className="w-40">{t('sev')}</th><th className="w-130">{t('category')}</th><th>{t('match')}</th><th className="w-90">{t('status')}</th></tr></thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id} data-alert-id={a.id} className={`${a.id === selectedId ? 'selected' : ''} ${fresh.has(a.id) ? 'fresh' : ''} ${a.status !== 'open' ? 'dim' : ''}`}
                    onClick={() => setSelectedId(a.id)} onDoubleClick={() => navigate(`/calls/${encodeURIComponent(a.callId)}?alert=${a.id}`)}>
                    <td className="mono">{fmtTime(a.createdAt)}</td>
                    <td><SeverityBadge severity={a.severity} /></td>
                    <td><CategoryTag category={a.category} /></td>
                    <td className="match-cell">
                      <span className="match-text">“{a.match}”</span>
                      {a.hitCount > 1 ? <span className="count-chip">{a.hitCount}{t('alerts.hits')}</span> : null}
                      {a.caseId && a.status !== 'escalated' ? <span className="badge badge-repeat">{t('alerts.repeat')}</span> : null}
                      <div className="match-sub">{a.speaker === 'customer' ? t('customer') : t('agent')} · {fmtOffset(a.startMs)} · {a.callId.slice(0, 8)}</div>
                    </td>
                    <td><AlertStatus status={a.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <AlertDetail alert={selected} busy={busy} canTriage={canTriage} canCase={canCase}
          onAck={(a) => triage(a, 'acknowledge')} onReopen={(a) => triage(a, 'reopen')} onFp={setFpFor} onEscalate={escalate} />
      </div>

      {fpFor ? <FalsePositiveModal alert={fpFor} onClose={() => setFpFor(null)} onSubmit={async (reason) => { const a = fpFor; setFpFor(null); await triage(a, 'false_positive', reason); }} /> : null}
    </div>
  );
}

function AlertDetail({ alert, busy, canTriage, canCase, onAck, onReopen, onFp, onEscalate }: {
  alert: Alert | null; busy: string | null; canTriage: boolean; canCase: boolean;
  onAck(a: Alert): void; onReopen(a: Alert): void; onFp(a: Alert): void; onEscalate(a: Alert): void;
}) {
  const { t } = useT();
  const call = useQuery<{ call: Call }>({ queryKey: ['call-summary', alert?.callId], queryFn: () => get(`/api/calls/${encodeURIComponent(alert!.callId)}`), enabled: !!alert, staleTime: 30_000 });
  if (!alert) return <Card className="board-detail"><Empty title={t('alerts.select')} icon="☰" /></Card>;
  const triageable = alert.status === 'open' || alert.status === 'acknowledged';
  const c = call.data?.call;
  return (
    <Card className="board-detail" title={<span className="detail-title"><SeverityBadge severity={alert.severity} /> <CategoryTag category={alert.category} /></span>} actions={<AlertStatus status={alert.status} />}>
      <div className="detail-match" data-testid="detail-match">“{alert.match}”</div>
      <dl className="kv">
        <dt>{t('alerts.explanation')}</dt><dd>{alert.explanation}</dd>
        <dt>{t('rules.terms')}</dt><dd><code>{alert.term}</code> <span className="muted">({alert.ruleId})</span></dd>
        <dt>{t('call')}</dt><dd>{t('customer')} <b>{c?.customerId ?? '—'}</b> · {t('agent')} <b>{c?.agentId ?? '—'}</b> · {fmtOffset(alert.startMs)}</dd>
        <dt>{t('time')}</dt><dd>{fmtDateTime(alert.createdAt)}{alert.hitCount > 1 ? ` · ${alert.hitCount}${t('alerts.hits')}` : ''}</dd>
        {alert.statusReason ? <><dt>{t('cases.reason')}</dt><dd>{alert.statusReason}</dd></> : null}
        {alert.caseId ? <><dt>{t('nav.cases')}</dt><dd><Link to={`/cases/${alert.caseId}`}>{alert.status === 'escalated' ? t('alerts.escalated') : t('alerts.repeat')} →</Link></dd></> : null}
      </dl>
      <div className="context">
        <div className="context-title">{t('alerts.context')}</div>
        {alert.context.map((l) => (
          <div key={l.utteranceId} className={`ctx-line ctx-${l.speaker} ${l.utteranceId === alert.utteranceId ? 'ctx-hit' : ''}`}>
            <span className="ctx-who">{l.speaker === 'customer' ? t('customer') : t('agent')} <span className="mono">{fmtOffset(l.startMs)}</span></span>
            <span className="ctx-text">{l.utteranceId === alert.utteranceId ? <HighlightText text={l.text} needle={alert.match} title={alert.explanation} /> : l.text}</span>
          </div>
        ))}
      </div>
      <div className="detail-actions">
        {canTriage && alert.status === 'open' ? <button className="btn" disabled={!!busy} onClick={() => onAck(alert)} data-testid="ack">{t('alerts.ack')} <kbd>a</kbd></button> : null}
        {canTriage && triageable ? <button className="btn" disabled={!!busy} onClick={() => onFp(alert)}>{t('alerts.fp')} <kbd>f</kbd></button> : null}
        {canTriage && canCase && triageable ? <button className="btn btn-primary" disabled={!!busy} onClick={() => onEscalate(alert)} data-testid="escalate">{busy === 'escalate' ? <Spinner /> : null}{t('alerts.escalate')} <kbd>e</kbd></button> : null}
        {canTriage && (alert.status === 'acknowledged' || alert.status === 'false_positive') ? <button className="btn btn-ghost" disabled={!!busy} onClick={() => onReopen(alert)}>↺</button> : null}
        <button className="btn btn-ghost" onClick={() => navigate(`/calls/${encodeURIComponent(alert.callId)}?alert=${alert.id}`)}>{t('alerts.openCall')} <kbd>Enter</kbd></button>
      </div>
    </Card>
  );
}

function FalsePositiveModal({ alert, onClose, onSubmit }: { alert: Alert; onClose(): void; onSubmit(reason: string): void }) {
  const { t } = useT();
  const [reason, setReason] = useState('');
  return (
    <Modal title={`${t('alerts.fp')} — “${alert.match}”`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={!reason.trim()} onClick={() => onSubmit(reason.trim())} data-testid="fp-submit">{t('confirm')}</button></>}>
      <label className="field">{t('alerts.fpReason')}
        <textarea autoFocus rows={3} value={reason} placeholder={t('alerts.fpReasonHint')} onChange={(e) => setReason(e.target.value)} data-testid="fp-reason"
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.metaKey || e.ctrlKey) && reason.trim()) onSubmit(reason.trim()); }} />
      </label>
    </Modal>
  );
}
