import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useCaseChanges } from '../live';
import { type CaseDetail, type CaseSettings, download, fileBase64, get, patch, post } from '../api';
import { can, useMe } from '../App';
import { fmtBytes, fmtDateTime } from '../format';
import { useT } from '../i18n';
import { Link } from '../router';
import { AlertStatus, Card, CaseStatus, CategoryTag, Empty, ErrorBox, Loading, Modal, SeverityBadge, Spinner, errorText, toast } from '../ui';
import { RiskMeter } from './Calls';
import { CaseClassification } from './CaseClassification';
import { DueCell, useAssignees } from './Cases';

const FLOW = ['received', 'assigned', 'in_progress', 'resolved', 'closed'];

export function CaseDetailPage({ id }: { id: string }) {
  const { t } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const writer = can(me, 'cases:write');
  const detail = useQuery<CaseDetail>({ queryKey: ['case', id], queryFn: () => get(`/api/cases/${id}`) });
  const settings = useQuery<CaseSettings>({ queryKey: ['case-settings'], queryFn: () => get('/api/cases/settings'), staleTime: Infinity });
  const [moving, setMoving] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  useCaseChanges((caseId) => { if (caseId === id) qc.invalidateQueries({ queryKey: ['case', id] }); });

  if (detail.isLoading) return <div className="page"><Loading /></div>;
  if (detail.error) return <div className="page"><ErrorBox error={detail.error} onRetry={() => detail.refetch()} /></div>;
  const d = detail.data!;
  const c = d.case;
  const next = settings.data?.statuses.find((s) => s.id === c.status)?.next ?? [];
  const refresh = () => { qc.invalidateQueries({ queryKey: ['case', id] }); qc.invalidateQueries({ queryKey: ['cases'] }); };

  const move = async (to: string, extra: { reason?: string; assigneeId?: string | null } = {}) => {
    try {
      await post(`/api/cases/${id}/transition`, { to, ...extra });
      toast(`${c.ref}: ${t(`case.status.${to}`)}`);
      setMoving(null);
      refresh();
    } catch (e) {
      toast(errorText(e), 'err');
    }
  };
  const needsInput = (to: string) => to === 'rejected' || to === 'resolved' || (to === 'assigned' && !c.assigneeId);

  const stepIndex = FLOW.indexOf(c.status);
  return (
    <div className="page page-case">
      <header className="page-head">
        <div>
          <div className="crumbs"><Link to="/cases">{t('cases.title')}</Link> / <span className="mono">{c.ref}</span></div>
          <h1 className="case-title" data-testid="case-title">{c.title}</h1>
          <div className="case-badges">
            <CaseStatus status={c.status} /> <SeverityBadge severity={c.severity} /> <CategoryTag category={c.category} />
            {c.repeat ? <span className="badge badge-repeat" data-testid="repeat-badge">{t('cases.repeat')}{c.repeatCount > 0 ? ` · ${t('cases.repeatCount')} ${c.repeatCount}` : ''}</span> : null}
            {c.overdue ? <span className="badge badge-over">{t('cases.overdue')}</span> : null}
            <span className="muted small">{t(`cases.source.${c.source}`)} · {t('cases.createdBy')} {c.createdBy ?? '—'} · {fmtDateTime(c.createdAt)}</span>
          </div>
        </div>
        {writer && c.status !== 'closed' ? <div className="head-actions"><button className="btn" onClick={() => setEditing(true)}>{t('cases.edit')}</button></div> : null}
      </header>

      <Card className="workflow-card">
        <div className="workflow">
          <ol className={`stepper ${c.status === 'rejected' ? 'rejected' : ''}`} data-testid="stepper">
            {FLOW.map((s, i) => (
              <li key={s} className={`${i < stepIndex ? 'done' : ''} ${i === stepIndex ? 'current' : ''}`}><span className="step-dot">{i < stepIndex ? '✓' : i + 1}</span>{t(`case.status.${s}`)}</li>
            ))}
            {c.status === 'rejected' ? <li className="current reject"><span className="step-dot">✕</span>{t('case.status.rejected')}</li> : null}
          </ol>
          {writer && next.length > 0 ? (
            <div className="workflow-actions">
              {next.map((to) => (
                <button key={to} className={`btn ${to === 'rejected' ? 'btn-danger-ghost' : FLOW.indexOf(to) > stepIndex ? 'btn-primary' : 'btn-ghost'}`} data-testid={`move-${to}`}
                  onClick={() => (needsInput(to) ? setMoving(to) : move(to))}>
                  {FLOW.indexOf(to) > stepIndex || to === 'rejected' ? '' : '↺ '}{t(`case.status.${to}`)}
                </button>
              ))}
            </div>
          ) : null}
        </div>
        {c.statusReason ? <div className="status-reason"><b>{c.status === 'resolved' || c.status === 'closed' ? t('cases.resolution') : t('cases.reason')}:</b> {c.statusReason}</div> : null}
      </Card>

      <div className="case-grid">
        <div className="case-main">
          <Card title={t('cases.description')}>
            {c.description ? <pre className="description">{c.description}</pre> : <span className="muted">—</span>}
          </Card>
          <Card title={`${t('cases.linked')} (${d.alerts.length + d.calls.length})`} pad={false}>
            {d.alerts.length + d.calls.length === 0 ? <div className="pad muted">{t('cases.noLinks')}</div> : (
              <ul className="mini-list" data-testid="linked">
                {d.alerts.map((a) => (
                  <li key={a.id}>
                    <SeverityBadge severity={a.severity} /> <CategoryTag category={a.category} /> <span className="match-text">“{a.match}”</span>
                    <span className="muted small">{fmtDateTime(a.createdAt)}</span>
                    {a.repeat ? <span className="badge badge-repeat">{t('alerts.repeat')}</span> : null}
                    <span className="grow" /><AlertStatus status={a.status} />
                    <Link to={`/calls/${encodeURIComponent(a.callId)}?alert=${a.id}`} className="small">{t('alerts.openCall')} →</Link>
                  </li>
                ))}
                {d.calls.map((call) => (
                  <li key={call.id}>
                    <span className="pill pill-muted">{t('call')}</span> <Link to={`/calls/${encodeURIComponent(call.id)}`} className="mono">{fmtDateTime(call.startedAt)}</Link>
                    <span className="muted small">{t('agent')} {call.agentId ?? '—'}</span>
                    {call.repeat ? <span className="badge badge-repeat">{t('alerts.repeat')}</span> : null}
                    <span className="grow" /><RiskMeter score={call.riskScore} />
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Notes id={id} d={d} writer={writer} onChange={refresh} />
          <Attachments id={id} d={d} writer={writer} maxBytes={settings.data?.maxAttachmentBytes ?? 5 * 1024 * 1024} onChange={refresh} />
        </div>
        <div className="case-side">
          <Card title={t('cases.workflow')}>
            <dl className="kv kv-tight">
              <dt>{t('cases.assignee')}</dt><dd data-testid="assignee">{c.assigneeName ?? <span className="muted">{t('cases.unassigned')}</span>}</dd>
              <dt>{t('cases.due')}</dt><dd><DueCell c={c} /></dd>
              <dt>{t('cases.sla')}</dt><dd>{settings.data ? `${settings.data.slaDays[c.severity]}d (${t('sev')} ${c.severity})` : '—'}</dd>
              <dt>{t('customer')}</dt><dd>{c.customerId ?? '—'}</dd>
              {c.repeatOf ? <><dt>{t('cases.repeatOf')}</dt><dd><Link to={`/cases/${c.repeatOf}`}>{d.related.find((r) => r.id === c.repeatOf)?.ref ?? '→'}</Link></dd></> : null}
              {c.resolvedAt ? <><dt>{t('case.status.resolved')}</dt><dd>{fmtDateTime(c.resolvedAt)}</dd></> : null}
              {c.closedAt ? <><dt>{t('case.status.closed')}</dt><dd>{fmtDateTime(c.closedAt)}</dd></> : null}
            </dl>
          </Card>
          {can(me, 'statistics:read') ? <CaseClassification caseId={id} /> : null}
          <Card title={t('cases.historyTitle')}>
            <ol className="timeline" data-testid="history">
              {[...d.history].reverse().map((h) => <li key={h.id}><div className="tl-when">{fmtDateTime(h.at)} · {h.actorName}</div><div className="tl-what">{describe(h, t)}</div></li>)}
            </ol>
          </Card>
          {d.related.length > 0 ? (
            <Card title={t('cases.related')} pad={false}>
              <ul className="mini-list">
                {d.related.map((r) => <li key={r.id}><Link to={`/cases/${r.id}`} className="mono">{r.ref}</Link> <CaseStatus status={r.status} /> <span className="ellipsis">{r.title}</span></li>)}
              </ul>
            </Card>
          ) : null}
        </div>
      </div>

      {moving ? <MoveModal to={moving} needsAssignee={moving === 'assigned'} needsReason={moving === 'rejected' || moving === 'resolved'} onClose={() => setMoving(null)} onSubmit={(x) => move(moving, x)} /> : null}
      {editing ? <EditModal d={d} onClose={() => setEditing(false)} onSaved={() => { setEditing(false); refresh(); }} /> : null}
    </div>
  );
}

function describe(h: CaseDetail['history'][number], t: (k: string) => string): string {
  const x = h.details;
  switch (h.type) {
    case 'created': return `${t('cases.created')}${x.source === 'alert' ? ` (${t('cases.source.alert')})` : ''}${x.repeatOfRef ? ` · ${t('cases.repeatOf')} ${x.repeatOfRef}` : ''}`;
    case 'status_changed': return `${t(`case.status.${x.from}`)} → ${t(`case.status.${x.to}`)}${x.reason ? ` — ${x.reason}` : ''}`;
    case 'updated': return `${t('cases.edit')}: ${Object.keys(x.changes ?? {}).join(', ')}`;
    case 'note_added': return t('cases.addNote');
    case 'attachment_added': return `${t('cases.upload')}: ${x.filename}`;
    case 'linked': return `${t('cases.links')}: ${x.kind === 'vos_post' ? `${t('nav.vos')} ${x.ref}` : `${x.kind} ${String(x.targetId).slice(0, 8)}`}`;
    case 'repeat_contact': return `${t('alerts.repeat')}${x.automatic ? ` (${t('cases.auto')})` : ''}`;
    default: return h.type;
  }
}

function Notes({ id, d, writer, onChange }: { id: string; d: CaseDetail; writer: boolean; onChange(): void }) {
  const { t } = useT();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const add = async () => {
    setBusy(true);
    try { await post(`/api/cases/${id}/notes`, { body }); setBody(''); onChange(); } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(false); }
  };
  return (
    <Card title={`${t('cases.notes')} (${d.notes.length})`}>
      {d.notes.length === 0 ? <div className="muted">{t('cases.noNotes')}</div> : (
        <ul className="notes">{d.notes.map((n) => <li key={n.id}><div className="note-meta">{n.authorName} · {fmtDateTime(n.createdAt)}</div><div className="note-body">{n.body}</div></li>)}</ul>
      )}
      {writer && d.case.status !== 'closed' ? (
        <div className="note-form">
          <textarea rows={2} value={body} onChange={(e) => setBody(e.target.value)} placeholder={t('cases.notePh')} data-testid="note-input" />
          <button className="btn" disabled={busy || !body.trim()} onClick={add} data-testid="note-add">{t('cases.addNote')}</button>
        </div>
      ) : null}
    </Card>
  );
}

function Attachments({ id, d, writer, maxBytes, onChange }: { id: string; d: CaseDetail; writer: boolean; maxBytes: number; onChange(): void }) {
  const { t } = useT();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (file: File) => {
    if (file.size > maxBytes) return toast(`${t('cases.tooLarge')} (≤ ${fmtBytes(maxBytes)})`, 'err');
    setBusy(true);
    try {
      const b64 = await fileBase64(file);
      await post(`/api/cases/${id}/attachments`, { filename: file.name, contentType: file.type || 'application/octet-stream', dataBase64: b64 });
      onChange();
    } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(false); if (input.current) input.current.value = ''; }
  };
  return (
    <Card title={`${t('cases.attachments')} (${d.attachments.length})`}
      actions={writer && d.case.status !== 'closed' ? <><input ref={input} type="file" hidden onChange={(e) => e.target.files?.[0] && upload(e.target.files[0])} data-testid="file-input" /><button className="btn btn-sm" disabled={busy} onClick={() => input.current?.click()}>{busy ? <Spinner /> : '📎'} {t('cases.upload')}</button></> : null}>
      {d.attachments.length === 0 ? <div className="muted">{t('cases.noAttachments')}</div> : (
        <ul className="files">
          {d.attachments.map((a) => (
            <li key={a.id}><button className="link-btn" onClick={() => download(`/api/cases/${id}/attachments/${a.id}`).catch((e) => toast(errorText(e), 'err'))}>{a.filename}</button>
              <span className="muted small">{fmtBytes(a.size)} · {a.uploadedBy} · {fmtDateTime(a.createdAt)}</span></li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function MoveModal({ to, needsAssignee, needsReason, onClose, onSubmit }: { to: string; needsAssignee: boolean; needsReason: boolean; onClose(): void; onSubmit(x: { reason?: string; assigneeId?: string }): void }) {
  const { t } = useT();
  const assignees = useAssignees();
  const [reason, setReason] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const ok = (!needsReason || reason.trim()) && (!needsAssignee || assigneeId);
  return (
    <Modal title={`${t('cases.move')}: ${t(`case.status.${to}`)}`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={!ok} data-testid="move-submit" onClick={() => onSubmit({ ...(needsReason ? { reason: reason.trim() } : {}), ...(needsAssignee ? { assigneeId } : {}) })}>{t('confirm')}</button></>}>
      {needsAssignee ? (
        <label className="field">{t('cases.assignTo')}
          <select value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)} data-testid="assignee-select" autoFocus>
            <option value="">—</option>{assignees.data?.items.map((u) => <option key={u.id} value={u.id}>{u.displayName} ({u.username})</option>)}
          </select>
        </label>
      ) : null}
      {needsReason ? <label className="field">{to === 'resolved' ? t('cases.resolution') : t('cases.reason')}<textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus data-testid="reason-input" /></label> : null}
    </Modal>
  );
}

function EditModal({ d, onClose, onSaved }: { d: CaseDetail; onClose(): void; onSaved(): void }) {
  const { t } = useT();
  const assignees = useAssignees();
  const c = d.case;
  const toLocal = (iso: string) => new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(0, 16);
  const [v, setV] = useState({ title: c.title, description: c.description, severity: c.severity, assigneeId: c.assigneeId ?? '', due: toLocal(c.dueAt) });
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      await patch(`/api/cases/${c.id}`, { title: v.title, description: v.description, severity: v.severity, assigneeId: v.assigneeId || null, dueAt: new Date(`${v.due}:00+09:00`).toISOString() });
      onSaved();
    } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(false); }
  };
  return (
    <Modal title={`${t('cases.edit')} · ${c.ref}`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || !v.title.trim()} onClick={save}>{t('save')}</button></>}>
      <div className="form-grid">
        <label className="field span2">{t('cases.titleCol')}<input value={v.title} onChange={(e) => setV({ ...v, title: e.target.value })} /></label>
        <label className="field">{t('sev')}<select value={v.severity} onChange={(e) => setV({ ...v, severity: Number(e.target.value) })}>{[5, 4, 3, 2, 1].map((s) => <option key={s} value={s}>{s}</option>)}</select></label>
        <label className="field">{t('cases.assignee')}<select value={v.assigneeId} onChange={(e) => setV({ ...v, assigneeId: e.target.value })}><option value="">{t('cases.unassigned')}</option>{assignees.data?.items.map((u) => <option key={u.id} value={u.id}>{u.displayName} ({u.username})</option>)}</select></label>
        <label className="field">{t('cases.due')} (KST)<input type="datetime-local" value={v.due} onChange={(e) => setV({ ...v, due: e.target.value })} /></label>
        <label className="field span2">{t('cases.description')}<textarea rows={6} value={v.description} onChange={(e) => setV({ ...v, description: e.target.value })} /></label>
      </div>
    </Modal>
  );
}


