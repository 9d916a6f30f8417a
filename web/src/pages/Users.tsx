import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, get, patch, post } from '../api';
import { can, useMe } from '../App';
import { fmtDateTime } from '../format';
import { useT } from '../i18n';
import { Card, Empty, ErrorBox, Loading, Modal, Spinner, errorText, toast, useSubmit } from '../ui';
import './users.css';

// Administration of who may use the console and the API: users (role, status,
// lock-out, password reset), API tokens for integrated systems (shown once,
// scoped, revocable), and the permission matrix the server enforces.

interface User { id: string; username: string; displayName: string; role: string; mustChangePassword: boolean; disabled: boolean; createdAt: string; lockedUntil: string | null }
interface Token { id: string; name: string; userId: string; scopes: string[]; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
interface Roles { items: { role: string; permissions: string[] }[]; permissions: string[] }

const ROLES = ['admin', 'officer', 'supervisor', 'analyst', 'agent', 'auditor'];
const isLocked = (u: User) => u.lockedUntil !== null && Date.parse(u.lockedUntil) > Date.now();

type Tab = 'users' | 'tokens' | 'roles';

/** The server's message, or this screen's Korean/English wording for the refusals it knows. */
function useErrorText(): (e: unknown) => string {
  const { t } = useT();
  return (e) => {
    if (e instanceof ApiError) {
      const key = `users.err.${e.code}`;
      const own = t(key);
      if (own !== key) return `${own} (${e.message})`;
    }
    return errorText(e);
  };
}

export function UsersPage() {
  const { t } = useT();
  const me = useMe();
  const tabs = ([['users', 'users:manage'], ['tokens', 'tokens:manage'], ['roles', null]] as const)
    .filter(([, perm]) => perm === null || can(me, perm)).map(([tab]) => tab as Tab);
  const [tab, setTab] = useState<Tab>(tabs[0]);
  const users = useQuery<{ items: User[] }>({ queryKey: ['users'], queryFn: () => get('/api/users'), enabled: can(me, 'users:manage') });
  const tokens = useQuery<{ items: Token[] }>({ queryKey: ['tokens'], queryFn: () => get('/api/tokens'), enabled: can(me, 'tokens:manage') });
  const u = users.data?.items ?? [];
  const activeTokens = (tokens.data?.items ?? []).filter((x) => !x.revokedAt).length;
  return (
    <div className="page">
      <header className="page-head"><div><h1>{t('users.title')}</h1><div className="sub">{t('users.sub')}</div></div></header>
      {can(me, 'users:manage') ? (
        <div className="kpis" data-testid="users-kpis">
          {([['users.kpi.total', u.length], ['users.kpi.admins', u.filter((x) => x.role === 'admin' && !x.disabled).length],
            ['users.kpi.locked', u.filter(isLocked).length], ['users.kpi.tokens', can(me, 'tokens:manage') ? activeTokens : '–']] as const).map(([k, v]) => (
            <div key={k} className="kpi"><div className="kpi-label">{t(k)}</div><div className="kpi-value">{users.isLoading ? '–' : v}</div></div>
          ))}
        </div>
      ) : null}
      <div className="tabs">
        {tabs.map((x) => <button key={x} className={tab === x ? 'active' : ''} onClick={() => setTab(x)} data-testid={`users-tab-${x}`}>{t(`users.tab.${x}`)}</button>)}
      </div>
      {tab === 'users' ? <UsersTab query={users} /> : tab === 'tokens' ? <TokensTab query={tokens} users={u} /> : <RolesTab />}
    </div>
  );
}

function UsersTab({ query }: { query: ReturnType<typeof useQuery<{ items: User[] }>> }) {
  const { t } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const [filter, setFilter] = useState('');
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [disabling, setDisabling] = useState<User | null>(null);
  const explain = useErrorText();
  const change = async (u: User, body: Record<string, unknown>, done: string) => {
    try {
      await patch(`/api/users/${u.id}`, body);
      toast(`${u.username}: ${done}`);
    } catch (e) {
      toast(explain(e), 'err');
    } finally {
      qc.invalidateQueries({ queryKey: ['users'] });
    }
  };
  const f = filter.trim().toLowerCase();
  const shown = (query.data?.items ?? []).filter((u) => !f || u.username.includes(f) || u.displayName.toLowerCase().includes(f));
  return (
    <Card pad={false} title={<>{t('users.tab.users')} <span className="muted">{query.data ? `${query.data.items.length}${t('users.count')}` : ''}</span></>}
      actions={<>
        <input className="input-sm" placeholder={t('users.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="users-filter" />
        <button className="btn btn-primary btn-sm" onClick={() => setAdding(true)} data-testid="new-user">＋ {t('users.add')}</button>
      </>}>
      {query.isLoading ? <Loading /> : query.error ? <ErrorBox error={query.error} onRetry={() => query.refetch()} /> : shown.length === 0 ? <Empty title={t('users.none')} icon="☻" /> : (
        <table className="table" data-testid="users-table">
          <thead><tr><th>{t('users.displayName')}</th><th className="w-150">{t('users.username')}</th><th className="w-180">{t('users.role')}</th><th>{t('users.status')}</th><th className="w-150">{t('users.created')}</th><th className="w-360" /></tr></thead>
          <tbody>{shown.map((u) => (
            <tr key={u.id} data-testid={`user-row-${u.username}`} className={u.disabled ? 'row-muted' : undefined}>
              <td><b>{u.displayName}</b>{u.id === me.user.id ? <span className="pill pill-live" style={{ marginLeft: 6 }}>{t('users.you')}</span> : null}</td>
              <td className="mono">{u.username}</td>
              <td>
                <select value={u.role} onChange={(e) => change(u, { role: e.target.value }, t('users.saved'))} data-testid="user-role" aria-label={t('users.role')}>
                  {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                </select>
              </td>
              <td>
                {u.disabled ? <span className="pill pill-muted">{t('users.disabled')}</span> : <span className="pill pill-live"><span className="dot" />{t('users.active')}</span>}
                {isLocked(u) ? <span className="pill pill-danger" style={{ marginLeft: 6 }} title={`${t('users.lockedUntil')} ${fmtDateTime(u.lockedUntil)}`} data-testid="user-locked">{t('users.locked')}</span> : null}
                {u.mustChangePassword && !u.disabled ? <span className="pill pill-alert-open" style={{ marginLeft: 6 }}>{t('users.mustChange')}</span> : null}
              </td>
              <td className="mono small">{fmtDateTime(u.createdAt)}</td>
              <td><div className="row-actions">
                {isLocked(u) ? <button className="btn btn-sm" onClick={() => change(u, { unlock: true }, t('users.unlocked'))} data-testid="user-unlock">{t('users.unlock')}</button> : null}
                <button className="btn btn-sm btn-ghost" onClick={() => setResetting(u)} data-testid="user-reset">{t('users.resetPassword')}</button>
                {u.disabled
                  ? <button className="btn btn-sm btn-ghost" onClick={() => change(u, { disabled: false }, t('users.saved'))} data-testid="user-enable">{t('users.enable')}</button>
                  : <button className="btn btn-sm btn-danger-ghost" onClick={() => setDisabling(u)} data-testid="user-disable">{t('users.disable')}</button>}
              </div></td>
            </tr>))}</tbody>
        </table>
      )}
      {adding ? <NewUserModal onClose={() => setAdding(false)} /> : null}
      {resetting ? <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} /> : null}
      {disabling ? (
        <Modal title={`${t('users.disable')}: ${disabling.displayName}`} onClose={() => setDisabling(null)}
          footer={<><button className="btn btn-ghost" onClick={() => setDisabling(null)}>{t('cancel')}</button>
            <button className="btn btn-primary" data-testid="confirm-action" onClick={async () => { const u = disabling; setDisabling(null); await change(u, { disabled: true }, t('users.disabled')); }}>{t('users.disable')}</button></>}>
          <p>{t('users.disableConfirm')}</p>
        </Modal>
      ) : null}
    </Card>
  );
}

function NewUserModal({ onClose }: { onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [v, setV] = useState({ username: '', displayName: '', role: 'officer', password: '' });
  const { busy, error, run } = useSubmit(useErrorText());
  const submit = () => run(async () => {
    await post('/api/users', { username: v.username.trim(), role: v.role, password: v.password, ...(v.displayName.trim() ? { displayName: v.displayName.trim() } : {}) });
    toast(`${v.username.trim()}: ${t('users.addedToast')}`);
    qc.invalidateQueries({ queryKey: ['users'] });
    onClose();
  });
  return (
    <Modal title={t('users.add')} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || !v.username.trim() || !v.password} onClick={submit} data-testid="new-user-submit">{busy ? <Spinner /> : null}{t('save')}</button></>}>
      <div className="form-grid">
        <label className="field">{t('users.username')}<input value={v.username} onChange={(e) => setV({ ...v, username: e.target.value })} autoFocus placeholder="kim.officer" data-testid="new-user-username" /><span className="hint">{t('users.usernameHint')}</span></label>
        <label className="field">{t('users.displayName')}<input value={v.displayName} onChange={(e) => setV({ ...v, displayName: e.target.value })} placeholder="김민지 (소비자보호)" data-testid="new-user-name" /></label>
        <label className="field">{t('users.role')}<select value={v.role} onChange={(e) => setV({ ...v, role: e.target.value })} data-testid="new-user-role">{ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}</select></label>
        <label className="field">{t('users.password')}<input type="password" autoComplete="new-password" value={v.password} onChange={(e) => setV({ ...v, password: e.target.value })} data-testid="new-user-password" /><span className="hint">{t('pw.policy')}</span></label>
      </div>
      <p className="muted small">{t('users.passwordHint')}</p>
      {error ? <div className="form-error" data-testid="new-user-error">{error}</div> : null}
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: User; onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit(useErrorText());
  const submit = () => run(async () => {
    await patch(`/api/users/${user.id}`, { password });
    toast(`${user.username}: ${t('users.resetDone')}`);
    qc.invalidateQueries({ queryKey: ['users'] });
    onClose();
  });
  return (
    <Modal title={`${t('users.resetPassword')}: ${user.displayName}`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || !password} onClick={submit} data-testid="reset-submit">{busy ? <Spinner /> : null}{t('users.resetPassword')}</button></>}>
      <p>{t('users.resetHint')}</p>
      <label className="field">{t('users.password')}<input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus data-testid="reset-password" /><span className="hint">{t('pw.policy')}</span></label>
      {error ? <div className="form-error">{error}</div> : null}
    </Modal>
  );
}

function TokensTab({ query, users }: { query: ReturnType<typeof useQuery<{ items: Token[] }>>; users: User[] }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [value, setValue] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const explain = useErrorText();
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const all = query.data?.items ?? [];
  const shown = all.filter((x) => showRevoked || !x.revokedAt);
  const revoke = async (tok: Token) => {
    setRevoking(null);
    try {
      await api('DELETE', `/api/tokens/${tok.id}`);
      toast(`${tok.name}: ${t('tokens.revoked')}`);
    } catch (e) { toast(explain(e), 'err'); } finally { qc.invalidateQueries({ queryKey: ['tokens'] }); }
  };
  return (
    <Card pad={false} title={t('users.tab.tokens')}
      actions={<>
        <label className="toggle small"><input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> {t('tokens.showRevoked')}</label>
        <button className="btn btn-primary btn-sm" onClick={() => setAdding(true)} data-testid="new-token">＋ {t('tokens.add')}</button>
      </>}>
      {query.isLoading ? <Loading /> : query.error ? <ErrorBox error={query.error} onRetry={() => query.refetch()} /> : shown.length === 0 ? <Empty title={t('tokens.none')} hint={t('tokens.noneHint')} icon="⚿" /> : (
        <table className="table" data-testid="tokens-table">
          <thead><tr><th className="w-190">{t('tokens.name')}</th><th className="w-150">{t('tokens.owner')}</th><th>{t('tokens.scopes')}</th><th className="w-150">{t('users.created')}</th><th className="w-150">{t('tokens.lastUsed')}</th><th className="w-110" /></tr></thead>
          <tbody>{shown.map((x) => (
            <tr key={x.id} className={x.revokedAt ? 'row-muted' : undefined} data-testid={`token-row-${x.name}`}>
              <td><b>{x.name}</b>{x.revokedAt ? <span className="pill pill-muted" style={{ marginLeft: 6 }}>{t('tokens.revoked')}</span> : null}</td>
              <td>{names.get(x.userId) ?? <span className="mono small">{x.userId.slice(0, 8)}</span>}</td>
              <td className="small">{x.scopes.length === 0 ? <span className="muted">{t('tokens.allScopes')}</span> : x.scopes.map((s) => <code key={s} style={{ marginRight: 4 }} title={t(`perm.${s}`)}>{s}</code>)}</td>
              <td className="mono small">{fmtDateTime(x.createdAt)}</td>
              <td className={x.lastUsedAt ? 'mono small' : 'small'}>{x.lastUsedAt ? fmtDateTime(x.lastUsedAt) : <span className="muted">{t('tokens.never')}</span>}</td>
              <td><div className="row-actions">{x.revokedAt ? null : <button className="btn btn-sm btn-danger-ghost" onClick={() => setRevoking(x)} data-testid="token-revoke">{t('tokens.revoke')}</button>}</div></td>
            </tr>))}</tbody>
        </table>
      )}
      {adding ? <NewTokenModal users={users} onClose={() => setAdding(false)} onValue={setValue} /> : null}
      {revoking ? (
        <Modal title={`${t('tokens.revoke')}: ${revoking.name}`} onClose={() => setRevoking(null)}
          footer={<><button className="btn btn-ghost" onClick={() => setRevoking(null)}>{t('cancel')}</button><button className="btn btn-primary" onClick={() => revoke(revoking)} data-testid="confirm-action">{t('tokens.revoke')}</button></>}>
          <p>{t('tokens.revokeConfirm')}</p>
        </Modal>
      ) : null}
      {value ? (
        <Modal title={t('tokens.valueTitle')} onClose={() => setValue(null)} footer={<button className="btn btn-primary" onClick={() => setValue(null)}>{t('tokens.done')}</button>}>
          <p>{t('tokens.valueHint')}</p>
          <pre className="mono" data-testid="token-value">{value}</pre>
        </Modal>
      ) : null}
    </Card>
  );
}

function NewTokenModal({ users, onClose, onValue }: { users: User[]; onClose(): void; onValue(v: string): void }) {
  const { t } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const roles = useQuery<Roles>({ queryKey: ['roles'], queryFn: () => get('/api/roles') });
  const active = users.filter((u) => !u.disabled);
  const [v, setV] = useState({ name: '', userId: me.user.id ?? active[0]?.id ?? '', scopes: [] as string[] });
  const { busy, error, run } = useSubmit();
  // Scopes only narrow: offer the permissions of the user the token acts as.
  const owner = users.find((u) => u.id === v.userId);
  const offered = roles.data?.items.find((r) => r.role === owner?.role)?.permissions ?? [];
  const submit = () => run(async () => {
    const res = await post<{ token: string }>('/api/tokens', { name: v.name.trim(), ...(v.userId ? { userId: v.userId } : {}), ...(v.scopes.length ? { scopes: v.scopes } : {}) });
    qc.invalidateQueries({ queryKey: ['tokens'] });
    onValue(res.token);
    onClose();
  });
  const flip = (s: string) => setV({ ...v, scopes: v.scopes.includes(s) ? v.scopes.filter((x) => x !== s) : [...v.scopes, s] });
  return (
    <Modal title={t('tokens.add')} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || !v.name.trim()} onClick={submit} data-testid="new-token-submit">{busy ? <Spinner /> : null}{t('save')}</button></>}>
      <div className="form-grid">
        <label className="field">{t('tokens.name')}<input value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} autoFocus placeholder="녹취 서버 (CTI)" data-testid="new-token-name" /></label>
        <label className="field">{t('tokens.owner')}<select value={v.userId} onChange={(e) => setV({ ...v, userId: e.target.value, scopes: [] })} data-testid="new-token-owner">
          {active.map((u) => <option key={u.id} value={u.id}>{u.displayName} ({t(`role.${u.role}`)})</option>)}
        </select></label>
        <div className="field span2">{t('tokens.scopes')}
          <div className="check-row">{offered.map((s) => (
            <label key={s} className="toggle" title={s}><input type="checkbox" checked={v.scopes.includes(s)} onChange={() => flip(s)} data-testid={`scope-${s}`} /> {t(`perm.${s}`)}</label>))}</div>
          <span className="hint">{t('tokens.scopesHint')}</span>
        </div>
      </div>
      {error ? <div className="form-error">{error}</div> : null}
    </Modal>
  );
}

function RolesTab() {
  const { t } = useT();
  const roles = useQuery<Roles>({ queryKey: ['roles'], queryFn: () => get('/api/roles') });
  if (roles.isLoading) return <Loading />;
  if (roles.error) return <ErrorBox error={roles.error} onRetry={() => roles.refetch()} />;
  const r = roles.data!;
  const has = new Map(r.items.map((x) => [x.role, new Set(x.permissions)]));
  return (
    <Card pad={false} title={<>{t('users.tab.roles')} <span className="muted small">{t('roles.sub')}</span></>}>
      <table className="table table-compact role-matrix" data-testid="roles-matrix">
        <thead><tr><th>{t('roles.permission')}</th>{r.items.map((x) => <th key={x.role} className="center">{t(`role.${x.role}`)}</th>)}</tr></thead>
        <tbody>{r.permissions.map((p) => (
          <tr key={p}>
            <td>{t(`perm.${p}`)} <code className="muted small">{p}</code></td>
            {r.items.map((x) => <td key={x.role} className="center">{has.get(x.role)!.has(p) ? <span className="check-yes" aria-label="yes">✓</span> : <span className="muted">·</span>}</td>)}
          </tr>))}</tbody>
      </table>
    </Card>
  );
}
