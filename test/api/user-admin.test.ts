import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { permissionsFor } from '../../src/api/auth/rbac.js';
import { ROLES } from '../../src/store/users.js';
import { testDatabases } from '../helpers/databases.js';
import { api, startTestServer } from '../helpers/server.js';

// User management guards: the last enabled administrator cannot be disabled or
// demoted (nobody could manage users afterwards), and the role matrix the
// console shows is the one the server enforces.
describe.each(testDatabases)('user administration ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  const activeAdmins = async () => (await api(server, 'GET', '/api/users')).body.items.filter((u: any) => u.role === 'admin' && !u.disabled);

  it('keeps one enabled administrator: the last one can be neither disabled nor demoted', async () => {
    const second = await api(server, 'POST', '/api/users', { username: 'second-admin', role: 'admin', password: 'Initial-Pass-1' });
    expect(second.status).toBe(201);
    // Demote every other administrator while another one remains.
    for (const u of await activeAdmins()) {
      if (u.id === second.body.id) continue;
      expect((await api(server, 'PATCH', `/api/users/${u.id}`, { role: 'officer' })).status).toBe(200);
    }
    expect((await activeAdmins()).map((u: any) => u.id)).toEqual([second.body.id]);

    const before = (await api(server, 'GET', '/api/audit?action=user.updated&limit=200')).body.items.length;
    for (const change of [{ disabled: true }, { role: 'analyst' }, { role: 'auditor', displayName: 'x' }]) {
      const res = await api(server, 'PATCH', `/api/users/${second.body.id}`, change);
      expect(res.status, JSON.stringify(change)).toBe(409);
      expect(res.body.error.code).toBe('last_admin');
      expect(res.body.error.message).toContain('second-admin');
    }
    // Nothing changed, nothing audited.
    expect((await activeAdmins()).map((u: any) => u.id)).toEqual([second.body.id]);
    expect((await api(server, 'GET', '/api/audit?action=user.updated&limit=200')).body.items.length).toBe(before);
    // Other changes to the last administrator still work.
    expect((await api(server, 'PATCH', `/api/users/${second.body.id}`, { displayName: '두 번째 관리자' })).body.displayName).toBe('두 번째 관리자');

    // With another administrator the change is allowed again.
    const third = await api(server, 'POST', '/api/users', { username: 'third-admin', role: 'admin', password: 'Initial-Pass-1' });
    expect((await api(server, 'PATCH', `/api/users/${second.body.id}`, { disabled: true })).status).toBe(200);
    expect((await activeAdmins()).map((u: any) => u.id)).toEqual([third.body.id]);
  });

  it('lists every role with the permissions the server enforces', async () => {
    const res = await api(server, 'GET', '/api/roles');
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: any) => r.role)).toEqual([...ROLES]);
    for (const r of res.body.items) expect(new Set(r.permissions)).toEqual(permissionsFor(r.role));
    expect(res.body.items.find((r: any) => r.role === 'agent').permissions).toEqual(['calls:read:own']);
  });
});
