import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { ROLES } from '../../src/store/users.js';
import { testDatabases } from '../helpers/databases.js';
import { api, startTestServer } from '../helpers/server.js';

const json = { 'content-type': 'application/json' };

async function login(server: RunningServer, username: string, password: string) {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  return { status: res.status, body: (await res.json()) as any, cookie, setCookie: res.headers.get('set-cookie') ?? '' };
}

const sessionHeaders = (cookie: string) => ({ cookie, 'content-type': 'application/json', 'x-radar-csrf': '1' });

describe.each(testDatabases)('authentication and roles ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  const roleCookies = new Map<string, string>();

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
    // One signed-in user per role, each past their first password change.
    for (const role of ROLES) {
      const username = `u-${role}`;
      const created = await api(server, 'POST', '/api/users', { username, role, password: 'Initial-Pass-1' });
      expect(created.status).toBe(201);
      const s = await login(server, username, 'Initial-Pass-1');
      const changed = await api(server, 'POST', '/api/auth/password', { currentPassword: 'Initial-Pass-1', newPassword: 'Changed-Pass-2' }, sessionHeaders(s.cookie));
      expect(changed.status).toBe(200);
      roleCookies.set(role, s.cookie);
    }
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it('only health and login are open', async () => {
    expect((await api(server, 'GET', '/healthz', undefined, {})).status).toBe(200);
    expect((await api(server, 'GET', '/readyz', undefined, {})).body.checks.database).toBe('ok');
    for (const [m, p] of [['GET', '/api/alerts'], ['GET', '/api/calls'], ['POST', '/api/calls'], ['GET', '/api/alerts/stream'], ['GET', '/api/users'], ['GET', '/api/audit'], ['GET', '/docs/json']]) {
      const res = await api(server, m, p, m === 'POST' ? {} : undefined, json);
      expect(res.status, `${m} ${p}`).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it('rejects an unknown bearer token', async () => {
    const res = await api(server, 'GET', '/api/alerts', undefined, { authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('first admin: one-time password must be changed before anything else', async () => {
    expect(server.firstAdmin?.username).toBe('admin');
    const s = await login(server, 'admin', server.firstAdmin!.password);
    expect(s.status).toBe(200);
    expect(s.body.user.mustChangePassword).toBe(true);
    expect(s.setCookie).toMatch(/HttpOnly/i);
    expect(s.setCookie).toMatch(/SameSite=Strict/i);
    const blocked = await api(server, 'GET', '/api/alerts', undefined, sessionHeaders(s.cookie));
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('password_change_required');
    const weak = await api(server, 'POST', '/api/auth/password', { currentPassword: server.firstAdmin!.password, newPassword: 'short' }, sessionHeaders(s.cookie));
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('weak_password');
    const ok = await api(server, 'POST', '/api/auth/password', { currentPassword: server.firstAdmin!.password, newPassword: 'Better-Secret-9' }, sessionHeaders(s.cookie));
    expect(ok.status).toBe(200);
    expect((await api(server, 'GET', '/api/alerts', undefined, sessionHeaders(s.cookie))).status).toBe(200);
  });

  it('cookie sessions need the CSRF header for state changes', async () => {
    const cookie = roleCookies.get('officer')!;
    const res = await api(server, 'POST', '/api/auth/password', { currentPassword: 'x', newPassword: 'y' }, { cookie, 'content-type': 'application/json' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf_header_missing');
  });

  it('wrong passwords lock the account after five tries', async () => {
    await api(server, 'POST', '/api/users', { username: 'lockme', role: 'analyst', password: 'Initial-Pass-1' });
    for (let i = 0; i < 5; i++) expect((await login(server, 'lockme', 'wrong-password')).status).toBe(401);
    const locked = await login(server, 'lockme', 'Initial-Pass-1');
    expect(locked.status).toBe(403);
    expect(locked.body.error.code).toBe('account_locked');
    const listed = (await api(server, 'GET', '/api/users')).body.items.find((u: any) => u.username === 'lockme');
    expect(Date.parse(listed.lockedUntil)).toBeGreaterThan(Date.now());

    // An administrator lifts the lock-out (audited); the right password works again.
    const unlocked = await api(server, 'PATCH', `/api/users/${listed.id}`, { unlock: true });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lockedUntil).toBeNull();
    expect((await login(server, 'lockme', 'Initial-Pass-1')).status).toBe(200);
    const audit = (await api(server, 'GET', '/api/audit?action=user.updated&limit=50')).body.items;
    expect(audit.some((e: any) => e.targetId === listed.id && e.details?.unlock === true)).toBe(true);
    expect((await api(server, 'PATCH', `/api/users/${listed.id}`, { unlock: false })).status).toBe(400);
  });

  // [method, path, body, roles allowed]
  const matrix: [string, string, unknown, string[]][] = [
    ['GET', '/api/alerts', undefined, ['admin', 'officer', 'supervisor', 'analyst', 'auditor']],
    ['GET', '/api/calls', undefined, ['admin', 'officer', 'supervisor', 'analyst', 'auditor', 'agent']],
    ['POST', '/api/calls', {}, ['admin']],
    ['GET', '/api/users', undefined, ['admin']],
    ['GET', '/api/tokens', undefined, ['admin']],
    ['GET', '/api/roles', undefined, ['admin', 'auditor']],
    ['GET', '/api/audit', undefined, ['admin', 'auditor']],
    ['PATCH', '/api/alerts/none', { action: 'acknowledge' }, ['admin', 'officer', 'supervisor']],
  ];
  it.each(matrix)('%s %s is allowed for exactly the right roles', async (method, path, body, allowed) => {
    for (const role of ROLES) {
      const res = await api(server, method, path, body, sessionHeaders(roleCookies.get(role)!));
      if (allowed.includes(role)) expect(res.status, `${role} ${method} ${path}`).not.toBe(403);
      else {
        expect(res.status, `${role} ${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
  });

  it('an agent sees only their own calls', async () => {
    const mine = await api(server, 'POST', '/api/calls', { agentId: 'u-agent' });
    const other = await api(server, 'POST', '/api/calls', { agentId: 'someone-else' });
    const h = sessionHeaders(roleCookies.get('agent')!);
    expect((await api(server, 'GET', `/api/calls/${mine.body.id}`, undefined, h)).status).toBe(200);
    expect((await api(server, 'GET', `/api/calls/${other.body.id}`, undefined, h)).status).toBe(403);
    const list = await api(server, 'GET', '/api/calls', undefined, h);
    expect(list.body.items.every((c: any) => c.agentId === 'u-agent')).toBe(true);
  });

  it('API tokens: created once, scoped, revocable', async () => {
    const created = await api(server, 'POST', '/api/tokens', { name: 'telephony', scopes: ['ingest:write'] });
    expect(created.status).toBe(201);
    const h = { authorization: `Bearer ${created.body.token}`, 'content-type': 'application/json' };
    expect((await api(server, 'POST', '/api/calls', {}, h)).status).toBe(201);
    expect((await api(server, 'GET', '/api/alerts', undefined, h)).status).toBe(403);
    expect((await api(server, 'GET', '/api/tokens')).body.items.some((t: any) => 'token' in t || 'tokenHash' in t)).toBe(false);
    expect((await api(server, 'DELETE', `/api/tokens/${created.body.info.id}`)).status).toBe(200);
    expect((await api(server, 'POST', '/api/calls', {}, h)).status).toBe(401);
  });

  it('a token stops working as soon as its user is disabled (cached principals are dropped)', async () => {
    const user = await api(server, 'POST', '/api/users', { username: 'u-connector', role: 'admin', password: 'Initial-Pass-1' });
    const created = await api(server, 'POST', '/api/tokens', { name: 'cti', userId: user.body.id, scopes: ['ingest:write'] });
    const h = { authorization: `Bearer ${created.body.token}`, 'content-type': 'application/json' };
    expect((await api(server, 'POST', '/api/calls', {}, h)).status).toBe(201);
    expect((await api(server, 'POST', '/api/calls', {}, h)).status).toBe(201);
    expect((await api(server, 'PATCH', `/api/users/${user.body.id}`, { disabled: true })).status).toBe(200);
    expect((await api(server, 'POST', '/api/calls', {}, h)).status).toBe(401);
  });

  it('records changes in an append-only audit trail', async () => {
    const res = await api(server, 'GET', '/api/audit?limit=200');
    const actions = res.body.items.map((e: any) => e.action);
    expect(actions).toContain('user.created');
    expect(actions).toContain('auth.login');
    expect(actions).toContain('token.revoked');
    await expect(server.ctx.db.query('UPDATE audit_log SET actor_name = $1', ['x'])).rejects.toThrow(/append-only/);
    await expect(server.ctx.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});
