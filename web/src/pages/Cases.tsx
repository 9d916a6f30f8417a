import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCaseChanges } from '../live';
import { download, get, post, qs, type Case } from '../api';
import { can, useMe } from '../App';
import { dueDistance, fmtDateTime } from '../format';
import { CATEGORY_IDS, useT } from '../i18n';
import { Link, navigate } from '../router';
import { Card, CaseStatus, CategoryTag, Empty, ErrorBox, Loading, Modal, SeverityBadge, Spinner, errorText, toast, useSubmit } from '../ui';

const STATUSES = ['received', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected'];

export function useAssignees() {
  return useQuery<{ items: { id: string; username: string; displayName: string; role: string }[] }>({ queryKey: ['assignees'], queryFn: () => get('/api/cases/assignees'), staleTime: 60_000 });
}

export function DueCell({ c }: { c: Case }) {
  const { lang } = useT();
  const finished = ['resolved', 'closed', 'rejected'].includes(c.status);
  const d = dueDistance(c.dueAt, lang);
  return (
    <span className={`due ${c.overdue ? 'due-over' : ''}`}>
      <span className="mono">{fmtDateTime(c.dueAt)}</span>
      {!finished ? <span className="due-rel">{d.text}</span> : null}
    </span>
  );
}

export function CasesPage() {
  const { t, cat } = useT();
  const me = useMe();
  const [f, setF] = useState({ status: '', open: true, overdue: false, repeat: false, category: '', mine: false, q: '' });
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const params = {
    limit: 200, status: f.status, open: f.status ? undefined : f.open || undefined, overdue: f.overdue || undefined, repeat: f.repeat || undefined,
    category: f.category, assigneeId: f.mine ? me.user.id ?? undefined : undefined, q: f.q.trim(),
  };
  const list = useQuery<{ items: Case[]; total: number }>({ queryKey: ['cases', params], queryFn: () => get(`/api/cases${qs(params)}`), refetchInterval: 60_000 });
  const qcLive = useQueryClient();
  // Other officers' changes and automatic repeat links show up at once.
  useCaseChanges(() => { qcLive.invalidateQueries({ queryKey: ['cases'] }); });
  const items = list.data?.items ?? [];
  const overdueCount = items.filter((c) => c.overdue).length;
  const exportXlsx = async () => {
    setExporting(true);
    const { limit: _l, ...rest } = params;
    try { await download(`/api/export/cases.xlsx${qs(rest)}`); } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };

  return (
    <div className="page">
      <header className="page-head">
        <div><h1>{t('cases.title')}</h1><div className="sub">{list.data ? `${list.data.total}${t('alerts.total')}` : ''}{overdueCount > 0 ? <span className="over-note"> · {t('cases.overdue')} {overdueCount}</span> : null}</div></div>
        <div className="head-actions">
          <button className="btn" onClick={exportXlsx} disabled={exporting} data-testid="export-cases">{exporting ? <Spinner /> : '⤓'} {t('exportXlsx')}</button>
          {can(me, 'cases:write') ? <button className="btn btn-primary" onClick={() => setCreating(true)} data-testid="new-case">＋ {t('cases.new')}</button> : null}
        </div>
      </header>
      <div className="filters">
        <input placeholder={t('cases.searchPh')} value={f.q} onChange={(e) => setF({ ...f, q: e.target.value })} className="w-220" />
        <select value={f.status} onChange={(e) => setF({ ...f, status: e.target.value })} aria-label={t('status')}>
          <option value="">{t('status')}: {t('all')}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`case.status.${s}`)}</option>)}
        </select>
        <select value={f.category} onChange={(e) => setF({ ...f, category: e.target.value })} aria-label={t('category')}>
          <option value="">{t('category')}: {t('all')}</option>
          {CATEGORY_IDS.map((c) => <option key={c} value={c}>{cat(c)}</option>)}
        </select>
        <label className="toggle"><input type="checkbox" checked={f.open && !f.status} disabled={!!f.status} onChange={(e) => setF({ ...f, open: e.target.checked })} /> {t('cases.openOnly')}</label>
        <label className="toggle"><input type="checkbox" checked={f.overdue} onChange={(e) => setF({ ...f, overdue: e.target.checked })} /> {t('cases.overdueOnly')}</label>
        <label className="toggle"><input type="checkbox" checked={f.repeat} onChange={(e) => setF({ ...f, repeat: e.target.checked })} /> {t('cases.repeatOnly')}</label>
        {me.user.id ? <label className="toggle"><input type="checkbox" checked={f.mine} onChange={(e) => setF({ ...f, mine: e.target.checked })} /> {t('cases.mine')}</label> : null}
      </div>
      <Card pad={false}>
        {list.isLoading ? <Loading /> : list.error ? <ErrorBox error={list.error} onRetry={() => list.refetch()} /> : items.length === 0 ? <Empty title={t('cases.empty')} icon="▤" /> : (
          <table className="table" data-testid="cases-table">
            <thead><tr><th className="w-110">{t('cases.ref')}</th><th>{t('cases.titleCol')}</th><th className="w-80">{t('status')}</th><th className="w-40">{t('sev')}</th><th className="w-130">{t('category')}</th><th className="w-110">{t('customer')}</th><th className="w-110">{t('cases.assignee')}</th><th className="w-190">{t('cases.due')}</th></tr></thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} className={`clickable ${c.overdue ? 'row-overdue' : ''}`} onClick={() => navigate(`/cases/${c.id}`)} data-case-ref={c.ref}>
                  <td><Link to={`/cases/${c.id}`} className="mono">{c.ref}</Link></td>
                  <td className="title-cell"><div className="title-wrap"><span className="ellipsis">{c.title}</span>{c.repeat ? <span className="badge badge-repeat">{t('cases.repeat')}{c.repeatCount > 0 ? ` ${c.repeatCount}` : ''}</span> : null}{c.overdue ? <span className="badge badge-over">{t('cases.overdue')}</span> : null}</div></td>
                  <td><CaseStatus status={c.status} /></td>
                  <td><SeverityBadge severity={c.severity} /></td>
                  <td><CategoryTag category={c.category} /></td>
                  <td>{c.customerId ?? '—'}</td>
                  <td className="nowrap">{c.assigneeName ?? <span className="muted">{t('cases.unassigned')}</span>}</td>
                  <td><DueCell c={c} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {creating ? <NewCaseModal onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

function NewCaseModal({ onClose }: { onClose(): void }) {
  const { t, cat } = useT();
  const qc = useQueryClient();
  const assignees = useAssignees();
  const [v, setV] = useState({ title: '', description: '', category: 'complaint', severity: 3, customerId: '', assigneeId: '' });
  const { busy, error, run } = useSubmit();
  const submit = () => run(async () => {
    const c = await post<Case>('/api/cases', { title: v.title, description: v.description, category: v.category || null, severity: v.severity, customerId: v.customerId.trim() || null, assigneeId: v.assigneeId || null });
    qc.invalidateQueries({ queryKey: ['cases'] });
    toast(`${t('cases.created')}: ${c.ref}`);
    onClose();
    navigate(`/cases/${c.id}`);
  });
  return (
    <Modal title={t('cases.new')} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || !v.title.trim()} onClick={submit} data-testid="new-case-submit">{busy ? <Spinner /> : null}{t('save')}</button></>}>
      <div className="form-grid">
        <label className="field span2">{t('cases.titleCol')}<input value={v.title} onChange={(e) => setV({ ...v, title: e.target.value })} autoFocus data-testid="new-case-title" /></label>
        <label className="field">{t('category')}<select value={v.category} onChange={(e) => setV({ ...v, category: e.target.value })}>{CATEGORY_IDS.map((c) => <option key={c} value={c}>{cat(c)}</option>)}</select></label>
        <label className="field">{t('sev')}<select value={v.severity} onChange={(e) => setV({ ...v, severity: Number(e.target.value) })}>{[5, 4, 3, 2, 1].map((s) => <option key={s} value={s}>{s}</option>)}</select></label>
        <label className="field">{t('cases.customerId')}<input value={v.customerId} onChange={(e) => setV({ ...v, customerId: e.target.value })} /></label>
        <label className="field">{t('cases.assignee')}<select value={v.assigneeId} onChange={(e) => setV({ ...v, assigneeId: e.target.value })}><option value="">{t('cases.unassigned')}</option>{assignees.data?.items.map((u) => <option key={u.id} value={u.id}>{u.displayName} ({u.username})</option>)}</select></label>
        <label className="field span2">{t('cases.description')}<textarea rows={5} value={v.description} onChange={(e) => setV({ ...v, description: e.target.value })} /></label>
      </div>
      {error ? <div className="form-error">{error}</div> : null}
    </Modal>
  );
}
