import { describe, expect, it, vi } from 'vitest';
import { apportion, demoRecords, seedStatisticsDemo } from '../../src/demo/statistics.js';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

// The demo data shows the seed report's figures on the screen, and running it
// twice changes nothing.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe('demo records', () => {
  it('split the year exactly and never lie in the future', () => {
    expect(apportion(325, [1.15, 1.2, 1, 0.95, 0.9, 0.95, 1.05, 1, 0.9]).reduce((s, n) => s + n, 0)).toBe(325);
    const rows = demoRecords(2026, 325, '2026-11-26', 1);
    expect(rows.filter((r) => r.received_on < '2026-10-01')).toHaveLength(325);
    expect(rows.every((r) => r.received_on < '2026-11-26')).toBe(true);
    expect(new Set(rows.map((r) => r.external_id)).size).toBe(rows.length);
  });
});

describe.each(testDatabases)('statistics demo ($name)', (tdb) => {
  const ctx = useTestServer(tdb);

  it('seeds 325 complaints, 2.72 per 100,000, both −4 %, ranked first among the published peers; idempotent', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api(ctx.server, method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const { period } = await seedStatisticsDemo(call, { today: '2026-11-26', companyName: '민원카드' });
    expect(period).toBe('2026-Q3-YTD');
    const once = (await ctx.server.ctx.db.query('SELECT count(*)::int AS n FROM complaint_records'))[0]!.n;
    await seedStatisticsDemo(call, { today: '2026-11-26', companyName: '민원카드' });
    expect((await ctx.server.ctx.db.query('SELECT count(*)::int AS n FROM complaint_records'))[0]!.n).toBe(once);

    const s = await call('GET', `/api/statistics/summary?period=${period}`);
    expect(s.complaints).toMatchObject({ count: 325, previous: 339, changePct: -4 });
    expect(s.converted).toMatchObject({ value: 2.72, previous: 2.83, changePct: -4 });
    const peers = await call('GET', `/api/statistics/peers?period=${period}`);
    expect(peers.items.find((p: any) => p.isSelf)).toMatchObject({ company: '민원카드', ranks: { complaintsChangePct: 1, convertedChangePct: 1 } });
    const mon = await call('GET', '/api/statistics/monitoring?from=2025-11&to=2026-10');
    expect(mon.averagePerMonth).toBeGreaterThanOrEqual(450);
    expect(mon.averagePerMonth).toBeLessThanOrEqual(550);
  });
});
