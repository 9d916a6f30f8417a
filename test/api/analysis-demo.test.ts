import { describe, expect, it, vi } from 'vitest';
import { seedAnalysisDemo } from '../../src/demo/analysis.js';
import { seedStatisticsDemo } from '../../src/demo/statistics.js';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

// The analysis demo joins with the statistics demo's complaints (same
// customers, products and days), and running it twice changes nothing.

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

describe.each(testDatabases)('analysis demo ($name)', (tdb) => {
  const ctx = useTestServer(tdb);

  it('seeds four datasets whose joins find the statistics demo\'s complaints; idempotent', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await api(ctx.server, method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    await seedStatisticsDemo(call, { today: '2026-11-26' });
    const first = await seedAnalysisDemo(call, { today: '2026-11-26' });
    expect(first.year).toBe(2026);
    const rows = async () => (await ctx.server.ctx.db.query('SELECT count(*)::int AS n FROM dataset_rows'))[0]!.n as number;
    const once = await rows();
    await seedAnalysisDemo(call, { today: '2026-11-26' });
    expect(await rows()).toBe(once);
    const log = await call('GET', '/api/analysis/imports?limit=4');
    expect(log.items.every((i: any) => i.status === 'completed' && i.inserted === 0 && i.updated === 0)).toBe(true);

    const ds = await call('GET', '/api/analysis/datasets');
    expect(ds.items.map((d: any) => d.kind).sort()).toEqual(['consultations', 'marketing', 'platform', 'sales']);
    // Q3: the statistics demo's 2026 records of July–September against about 3,000 everyday calls plus the complainers' own.
    const q3 = await call('GET', '/api/analysis/consultation-rate?from=2026-07-01&to=2026-10-01&groupBy=total');
    expect(q3.total.denominator).toBeGreaterThan(3000);
    expect(q3.total.rate).toBeCloseTo((q3.total.complaints * 1000) / q3.total.denominator, 2);
    const overlap = await call('GET', '/api/analysis/customers?from=2026-01-01&to=2026-10-01&minConsultations=1');
    expect(overlap.summary.withBoth).toBeGreaterThan(250);
    const mk = await call('GET', '/api/analysis/marketing?windowDays=30');
    const loan = mk.items.find((c: any) => c.campaignId === 'CMP-2026-08-LOAN');
    expect(loan.contactedRatePct).toBeGreaterThan(loan.notContactedRatePct);
    const pf = await call('GET', '/api/analysis/platform?from=2026-08-01&to=2026-09-01&type=system');
    expect(pf.events.map((e: any) => e.version)).toEqual(['5.2.0', '5.2.0']);
  });
});
