import { describe, expect, it, vi } from 'vitest';
import { httpDemoApi } from '../../src/demo/api.js';
import { PANEL_DEMO_SIZE, seedPanelDemo } from '../../src/demo/panel.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, useTestServer } from '../helpers/server.js';

// The panel demo seeder through the real API: members, base mix, withdrawals,
// an open campaign with its invitations and a draft; a second run adds nothing.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe('customer panel demo data', () => {
  const s = useTestServer(testDatabases[0]!);
  it('seeds once, idempotently', async () => {
    const api = httpDemoApi(s.server.url, ADMIN_TOKEN);
    expect(await seedPanelDemo(api)).toEqual({ members: PANEL_DEMO_SIZE, campaigns: 2 });
    expect(await seedPanelDemo(api)).toEqual({ members: PANEL_DEMO_SIZE, campaigns: 0 });
    const o = await api('GET', '/api/panel/overview');
    expect(o.members).toMatchObject({ all: PANEL_DEMO_SIZE, withdrawn: 4 });
    expect(o.mix.grade.find((r: any) => r.value === '일반').baseShare).toBe(45);
    const { items } = await api('GET', '/api/panel/campaigns');
    expect(items.map((c: any) => c.status).sort()).toEqual(['draft', 'open']);
    expect(items.find((c: any) => c.status === 'open').invited).toBe(60);
    const [n] = await s.server.ctx.db.query("SELECT count(*)::int AS n FROM events WHERE type = 'panel.invitation'");
    expect(n!.n).toBe(60);
  });
});
