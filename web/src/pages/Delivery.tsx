import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, get, post, qs } from '../api';
import { can, useMe } from '../App';
import { fmtDateTime } from '../format';
import { useT } from '../i18n';
import { Card, Empty, ErrorBox, Loading, Modal, Spinner, errorText, toast, useSubmit } from '../ui';

// Outbound delivery at a glance: where alerts and case changes go (webhooks,
// Slack, Teams, e-mail), whether each receiver is healthy (circuit breaker), a
// test message per subscription, and the dead letters with replay.

interface Circuit { state: 'closed' | 'open' | 'half_open'; consecutiveFailures: number; openedAt: string | null; openUntil: string | null }
interface Subscription { id: string; name: string; kind: string; target: string; eventTypes: string[]; minSeverity: number | null; enabled: boolean; hasSecret: boolean; circuit: Circuit }
interface Summary { lag: number; pending: number; dead: number; openCircuits: number }
interface Delivery { id: number; subscriptionId: string; eventId: string; eventType: string | null; attempts: number; lastStatus: number | null; lastError: string | null; updatedAt: string }
interface TestResult { delivered: boolean; status: number | null; error: string | null; durationMs: number }

const KIND_LABEL: Record<string, string> = { webhook: 'Webhook', slack: 'Slack', teams: 'Teams', email: 'E-mail' };

function CircuitPill({ c }: { c: Circuit }) {
  const { t } = useT();
  const cls = c.state === 'closed' ? 'pill-live' : c.state === 'open' ? 'pill-danger' : 'pill-alert-open';
  return (
    <span className={`pill ${cls}`} title={c.openUntil ? `${t('delivery.openUntil')} ${fmtDateTime(c.openUntil)}` : undefined}>
      <span className="dot" />{t(`delivery.circuit.${c.state}`)}{c.consecutiveFailures > 0 ? ` · ${c.consecutiveFailures}${t('delivery.failures')}` : ''}
    </span>
  );
}

export function DeliveryPage() {
  const { t } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const manage = can(me, 'subscriptions:manage');
  const subs = useQuery<{ items: Subscription[] }>({ queryKey: ['subscriptions'], queryFn: () => get('/api/subscriptions'), enabled: manage, refetchInterval: 10_000 });
  const summary = useQuery<Summary>({ queryKey: ['delivery-summary'], queryFn: () => get('/api/deliveries/summary'), refetchInterval: 10_000 });
  const dead = useQuery<{ items: Delivery[] }>({ queryKey: ['dead-letters'], queryFn: () => get(`/api/deliveries${qs({ status: 'dead', limit: 100 })}`), refetchInterval: 10_000 });
  const [testing, setTesting] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Subscription | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'delete' | 'rotate'; sub: Subscription } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const names = new Map((subs.data?.items ?? []).map((s) => [s.id, s.name]));

  const test = async (s: Subscription) => {
    setTesting(s.id);
    try {
      const r = await post<TestResult>(`/api/subscriptions/${s.id}/test`);
      toast(r.delivered ? `${s.name}: ${t('delivery.test.ok')} (${r.durationMs} ms)` : `${s.name}: ${t('delivery.test.failed')} — ${r.status ?? ''} ${r.error ?? ''}`, r.delivered ? 'ok' : 'err');
      qc.invalidateQueries({ queryKey: ['subscriptions'] });
    } catch (e) { toast(errorText(e), 'err'); } finally { setTesting(null); }
  };
  const toggle = async (x: Subscription) => {
    try {
      await api('PATCH', `/api/subscriptions/${x.id}`, { enabled: !x.enabled });
      qc.invalidateQueries({ queryKey: ['subscriptions'] });
    } catch (e) { toast(errorText(e), 'err'); }
  };
  /** Deleting or replacing the secret cannot be undone: both go through a confirmation. */
  const confirmed = async () => {
    if (!confirm) return;
    const { kind, sub } = confirm;
    try {
      if (kind === 'delete') {
        await api('DELETE', `/api/subscriptions/${sub.id}`);
        toast(`${sub.name}: ${t('delivery.deleted')}`);
      } else {
        const r = await post<{ secret: string }>(`/api/subscriptions/${sub.id}/rotate-secret`);
        setSecret(r.secret);
      }
      qc.invalidateQueries({ queryKey: ['subscriptions'] });
    } catch (e) { toast(errorText(e), 'err'); } finally { setConfirm(null); }
  };
  const replay = async (d: Delivery) => {
    try {
      await post(`/api/deliveries/${d.id}/replay`);
      toast(`${d.eventId}: ${t('delivery.replayed')}`);
      qc.invalidateQueries({ queryKey: ['dead-letters'] });
      qc.invalidateQueries({ queryKey: ['delivery-summary'] });
    } catch (e) { toast(errorText(e), 'err'); }
  };

  const s = summary.data;
  return (
    <div className="page">
      <header className="page-head"><div><h1>{t('delivery.title')}</h1><div className="sub">{t('delivery.sub')}</div></div></header>
      <div className="kpis" data-testid="delivery-summary">
        {[['delivery.pending', s?.pending], ['delivery.dead', s?.dead], ['delivery.openCircuits', s?.openCircuits], ['delivery.lag', s?.lag]].map(([k, v]) => (
          <div key={k as string} className="kpi"><div className="kpi-label">{t(k as string)}</div><div className="kpi-value">{v ?? '–'}</div></div>
        ))}
      </div>
      {manage ? (
        <Card title={t('delivery.subscriptions')} pad={false}
          actions={<button className="btn btn-primary btn-sm" onClick={() => setAdding(true)} data-testid="new-subscription">＋ {t('delivery.add')}</button>}>
          {subs.isLoading ? <Loading /> : subs.error ? <ErrorBox error={subs.error} onRetry={() => subs.refetch()} /> : (subs.data?.items.length ?? 0) === 0 ? <Empty title={t('delivery.none')} hint={t('delivery.noneHint')} icon="⇄" /> : (
            <table className="table" data-testid="subscriptions-table">
              <thead><tr><th className="w-190">{t('delivery.name')}</th><th className="w-90">{t('delivery.kind')}</th><th>{t('delivery.target')}</th><th>{t('delivery.events')}</th><th className="w-180">{t('delivery.health')}</th><th className="w-360" /></tr></thead>
              <tbody>{subs.data!.items.map((x) => (
                <tr key={x.id}>
                  <td><b>{x.name}</b>{x.enabled ? null : <span className="pill pill-muted" style={{ marginLeft: 6 }}>{t('delivery.disabled')}</span>}</td>
                  <td>{KIND_LABEL[x.kind] ?? x.kind}</td>
                  <td className="mono small">{x.target}</td>
                  <td className="small">{x.eventTypes.map((e) => <code key={e} style={{ marginRight: 4 }}>{e}</code>)}{x.minSeverity ? <span className="muted"> · {t('delivery.minSeverity')} {x.minSeverity}+</span> : null}</td>
                  <td><CircuitPill c={x.circuit} /></td>
                  <td className="row-actions">
                    <button className="btn btn-sm" onClick={() => test(x)} disabled={testing !== null} data-testid="send-test">{testing === x.id ? <Spinner /> : null}{t('delivery.test')}</button>
                    <button className="btn btn-sm btn-ghost" onClick={() => toggle(x)}>{x.enabled ? t('delivery.disable') : t('delivery.enable')}</button>
                    <button className="btn btn-sm btn-ghost" onClick={() => setEditing(x)} data-testid="edit-subscription">{t('delivery.edit')}</button>
                    {x.kind === 'webhook' ? <button className="btn btn-sm btn-ghost" onClick={() => setConfirm({ kind: 'rotate', sub: x })} data-testid="rotate-secret">{t('delivery.rotate')}</button> : null}
                    <button className="btn btn-sm btn-danger-ghost" onClick={() => setConfirm({ kind: 'delete', sub: x })} data-testid="delete-subscription">{t('delivery.delete')}</button>
                  </td>
                </tr>))}</tbody>
            </table>
          )}
        </Card>
      ) : null}
      {adding ? <SubscriptionModal onClose={() => setAdding(false)} onSecret={setSecret} /> : null}
      {editing ? <SubscriptionModal existing={editing} onClose={() => setEditing(null)} onSecret={setSecret} /> : null}
      {confirm ? (
        <Modal title={t(confirm.kind === 'delete' ? 'delivery.delete' : 'delivery.rotate')} onClose={() => setConfirm(null)}
          footer={<><button className="btn btn-ghost" onClick={() => setConfirm(null)}>{t('cancel')}</button><button className="btn btn-primary" onClick={confirmed} data-testid="confirm-action">{t(confirm.kind === 'delete' ? 'delivery.delete' : 'delivery.rotate')}</button></>}>
          <p><b>{confirm.sub.name}</b> — {t(confirm.kind === 'delete' ? 'delivery.deleteConfirm' : 'delivery.rotateConfirm')}</p>
        </Modal>
      ) : null}
      {secret ? (
        <Modal title={t('delivery.secretTitle')} onClose={() => setSecret(null)} footer={<button className="btn btn-primary" onClick={() => setSecret(null)}>{t('delivery.secretDone')}</button>}>
          <p>{t('delivery.secretHint')}</p>
          <pre className="mono" data-testid="subscription-secret">{secret}</pre>
        </Modal>
      ) : null}
      <Card title={`${t('delivery.deadLetters')} (${dead.data?.items.length ?? 0})`} pad={false}>
        {dead.isLoading ? <Loading /> : dead.error ? <ErrorBox error={dead.error} onRetry={() => dead.refetch()} /> : (dead.data?.items.length ?? 0) === 0 ? <Empty title={t('delivery.noDead')} icon="✓" /> : (
          <table className="table" data-testid="dead-letters">
            <thead><tr><th className="w-150">{t('time')}</th><th>{t('delivery.subscription')}</th><th className="w-150">{t('delivery.event')}</th><th className="w-90">{t('delivery.attempts')}</th><th>{t('delivery.lastError')}</th>{manage ? <th className="w-110" /> : null}</tr></thead>
            <tbody>{dead.data!.items.map((d) => (
              <tr key={d.id}>
                <td className="mono">{fmtDateTime(d.updatedAt)}</td><td>{names.get(d.subscriptionId) ?? <span className="mono small">{d.subscriptionId.slice(0, 8)}</span>}</td>
                <td><code>{d.eventType ?? d.eventId}</code></td><td>{d.attempts}</td>
                <td className="small">{d.lastStatus ? `HTTP ${d.lastStatus} ` : ''}{d.lastError ?? ''}</td>
                {manage ? <td><button className="btn btn-sm" onClick={() => replay(d)}>{t('delivery.replay')}</button></td> : null}
              </tr>))}</tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

const EVENT_CHOICES = ['alert.*', 'call.escalated', 'case.*', 'early_warning.*', 'briefing.*', 'vos.*', 'panel.*'] as const;

/**
 * A new receiver — webhook (signed; its secret is shown once), Slack, Teams or
 * e-mail — or, with `existing`, a change to one (the kind is fixed).
 */
function SubscriptionModal({ existing, onClose, onSecret }: { existing?: Subscription; onClose(): void; onSecret(secret: string): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [v, setV] = useState({
    name: existing?.name ?? '', kind: existing?.kind ?? 'webhook', target: existing?.target ?? '',
    eventTypes: existing?.eventTypes ?? ['alert.*'], minSeverity: existing?.minSeverity ? String(existing.minSeverity) : '',
  });
  const { busy, error, run } = useSubmit();
  const submit = () => run(async () => {
    const fields = { name: v.name.trim(), target: v.target.trim(), eventTypes: v.eventTypes };
    if (existing) {
      await api('PATCH', `/api/subscriptions/${existing.id}`, { ...fields, minSeverity: v.minSeverity ? Number(v.minSeverity) : null });
      toast(`${t('delivery.edited')}: ${fields.name}`);
    } else {
      const res = await post<{ secret: string | null }>('/api/subscriptions', { ...fields, kind: v.kind, ...(v.minSeverity ? { minSeverity: Number(v.minSeverity) } : {}) });
      toast(`${t('delivery.added')}: ${fields.name}`);
      if (res.secret) onSecret(res.secret);
    }
    qc.invalidateQueries({ queryKey: ['subscriptions'] });
    onClose();
  });
  const flip = (e: string) => setV({ ...v, eventTypes: v.eventTypes.includes(e) ? v.eventTypes.filter((x) => x !== e) : [...v.eventTypes, e] });
  // Types set through the API that the checkboxes do not offer stay visible and selectable.
  const choices = [...EVENT_CHOICES, ...v.eventTypes.filter((e) => !(EVENT_CHOICES as readonly string[]).includes(e))];
  return (
    <Modal title={t(existing ? 'delivery.edit' : 'delivery.add')} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || !v.name.trim() || !v.target.trim() || v.eventTypes.length === 0} onClick={submit} data-testid="new-subscription-submit">{busy ? <Spinner /> : null}{t('save')}</button></>}>
      <div className="form-grid">
        <label className="field">{t('delivery.name')}<input value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} autoFocus data-testid="subscription-name" /></label>
        <label className="field">{t('delivery.kind')}<select value={v.kind} disabled={Boolean(existing)} onChange={(e) => setV({ ...v, kind: e.target.value })} data-testid="subscription-kind">{Object.entries(KIND_LABEL).map(([k, l]) => <option key={k} value={k}>{l}</option>)}</select></label>
        <label className="field span2">{t(v.kind === 'email' ? 'delivery.targetEmail' : 'delivery.targetUrl')}<input value={v.target} onChange={(e) => setV({ ...v, target: e.target.value })} placeholder={v.kind === 'email' ? 'cp-team@bank.example' : 'https://'} data-testid="subscription-target" /></label>
        <div className="field span2">{t('delivery.events')}
          <div className="check-row">{choices.map((e) => (
            <label key={e} className="toggle"><input type="checkbox" checked={v.eventTypes.includes(e)} onChange={() => flip(e)} /> <code>{e}</code></label>))}</div>
        </div>
        <label className="field">{t('delivery.minSeverity')}<select value={v.minSeverity} data-testid="subscription-min-severity" onChange={(e) => setV({ ...v, minSeverity: e.target.value })}><option value="">{t('delivery.any')}</option>{[5, 4, 3, 2].map((n) => <option key={n} value={n}>{n}+</option>)}</select></label>
      </div>
      {error ? <div className="form-error">{error}</div> : null}
    </Modal>
  );
}
