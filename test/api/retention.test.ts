import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

describe.each(testDatabases)('retention policy ($name)', (tdb) => {
  const fx = useTestServer(tdb, { RADAR_RETENTION_DAYS: '30' });

  it('deletes old transcripts, keeps alerts without their context, and records the deletion', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await api(fx.server, 'POST', '/api/calls', { id: 'old-call', startedAt: old });
    await api(fx.server, 'POST', '/api/calls', { id: 'new-call' });
    for (const id of ['old-call', 'new-call']) {
      await api(fx.server, 'POST', `/api/calls/${id}/utterances`, { id: 'u1', speaker: 'customer', startMs: 0, endMs: 1, text: '금감원에 민원 넣을게요', final: true });
    }
    const res = await api(fx.server, 'POST', '/api/retention/run', {});
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ callsAffected: 1, utterancesDeleted: 1 });
    expect(res.body.result.alertsCleared).toBeGreaterThan(0);

    const oldCall = (await api(fx.server, 'GET', '/api/calls/old-call')).body;
    expect(oldCall.utterances).toEqual([]);
    expect(oldCall.alerts.length).toBeGreaterThan(0);
    expect(oldCall.alerts.every((a: any) => a.context.length === 0)).toBe(true);
    const events = await fx.server.ctx.db.query("SELECT payload FROM events WHERE payload->'alert'->>'callId' = 'old-call'");
    expect(events.every((e) => e.payload.alert.context.length === 0)).toBe(true);

    const newCall = (await api(fx.server, 'GET', '/api/calls/new-call')).body;
    expect(newCall.utterances).toHaveLength(1);
    expect(newCall.alerts[0].context).toHaveLength(1);

    const record = (await api(fx.server, 'GET', '/api/retention')).body;
    expect(record.retentionDays).toBe(30);
    expect(record.runs[0]).toMatchObject({ callsAffected: 1, utterancesDeleted: 1, retentionDays: 30 });
    const trail = (await api(fx.server, 'GET', '/api/audit')).body.items;
    expect(trail.find((e: any) => e.action === 'retention.purged')?.actorName).toBe('system');

    // A second run has nothing left to do and records nothing new.
    expect((await api(fx.server, 'POST', '/api/retention/run', {})).body.result.callsAffected).toBe(0);
    expect((await api(fx.server, 'GET', '/api/retention')).body.runs).toHaveLength(1);
  });
});
