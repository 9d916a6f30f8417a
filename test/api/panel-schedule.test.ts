import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { runCampaignSchedule } from '../../src/panel/index.js';
import { testDatabases } from '../helpers/databases.js';
import { api, startTestServer } from '../helpers/server.js';

// The panel campaign schedule: a scheduled campaign opens (sample drawn,
// invitations sent) when its opening time comes and closes at its closing time,
// as the system actor, once even when two processes check at the same moment;
// one that can no longer open as scheduled is left alone with the reason.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const CONSENT = { consentAt: '2026-01-05T10:00:00+09:00', consentPurpose: '설문 및 서비스 개선 의견 수렴', consentVersion: 'v2.1' };
const MIN = 60_000;

describe.each(testDatabases)('panel campaign schedule ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  const count = async (sql: string, params: unknown[] = []) => (await server.ctx.db.query(sql, params))[0]!.n as number;

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
    const items = Array.from({ length: 10 }, (_, i) => ({
      externalId: `sch-${i}`, name: `박정${i}`, grade: i < 5 ? '골드' : '실버', ageBand: '40대', region: '서울', products: ['신용카드'], tenureYears: 2,
      channel: 'email', contact: `sched${i}@example.com`, ...CONSENT,
    }));
    expect((await api(server, 'POST', '/api/panel/members/batch', { items })).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  async function scheduledCampaign(opensInMs: number, closesInMs: number) {
    const now = Date.now();
    const created = await api(server, 'POST', '/api/panel/campaigns', {
      title: '예약 설문', purpose: '예약 발송 확인', metrics: ['nps'], sampleSize: 4,
      opensAt: new Date(now + opensInMs).toISOString(), closesAt: new Date(now + closesInMs).toISOString(),
    });
    expect(created.status).toBe(201);
    const scheduled = await api(server, 'POST', `/api/panel/campaigns/${created.body.id}/transition`, { to: 'scheduled' });
    expect(scheduled.status).toBe(200);
    return { id: created.body.id as string, ref: created.body.ref as string, now };
  }
  const statusOf = async (id: string) => (await api(server, 'GET', `/api/panel/campaigns/${id}`)).body;
  const eventsOf = async (type: string, id: string) =>
    (await server.ctx.db.query('SELECT payload FROM events WHERE type = $1', [type])).map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload))
      .filter((p) => p.campaign?.id === id);

  it('opens a scheduled campaign when its time comes and closes it at its closing time, as the system, once', async () => {
    const c = await scheduledCampaign(2 * MIN, 60 * MIN);
    // Not yet: nothing moves.
    expect((await runCampaignSchedule(server.ctx.db, c.now + MIN)).moved.map((m) => m.id)).not.toContain(c.id);
    expect((await statusOf(c.id)).status).toBe('scheduled');

    const opened = await runCampaignSchedule(server.ctx.db, c.now + 3 * MIN);
    const move = opened.moved.find((m) => m.id === c.id)!;
    expect(move).toMatchObject({ to: 'open', ref: c.ref });
    expect(move.events.filter((e) => e.type === 'panel.invitation')).toHaveLength(4);
    expect(await statusOf(c.id)).toMatchObject({ status: 'open', invited: 4 });
    expect(await eventsOf('panel.invitation', c.id)).toHaveLength(4);
    const audit = await server.ctx.db.query("SELECT actor_name, details FROM audit_log WHERE action = 'panel.campaign_status_changed' AND target_id = $1 ORDER BY id", [c.id]);
    expect(audit.at(-1)!.actor_name).toBe('system');

    // Two processes check at the closing time together: it closes once.
    const [a, b] = await Promise.all([runCampaignSchedule(server.ctx.db, c.now + 61 * MIN), runCampaignSchedule(server.ctx.db, c.now + 61 * MIN)]);
    const closes = [...a.moved, ...b.moved].filter((m) => m.id === c.id);
    expect(closes.map((m) => m.to)).toEqual(['closed']);
    expect((await statusOf(c.id)).status).toBe('closed');
    expect(await eventsOf('panel.campaign.closed', c.id)).toHaveLength(1);
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'panel.campaign_status_changed' AND target_id = $1", [c.id])).toBe(3);
    // Nothing is due any more.
    expect((await runCampaignSchedule(server.ctx.db, c.now + 120 * MIN)).moved.map((m) => m.id)).not.toContain(c.id);
  });

  it('leaves a campaign whose whole window passed unopened (no late invitations), with the reason', async () => {
    const c = await scheduledCampaign(2 * MIN, 10 * MIN);
    const r = await runCampaignSchedule(server.ctx.db, c.now + 30 * MIN);
    expect(r.moved.map((m) => m.id)).not.toContain(c.id);
    expect(r.skipped.find((k) => k.id === c.id)).toMatchObject({ to: 'open', code: 'schedule_in_past' });
    expect((await statusOf(c.id)).status).toBe('scheduled');
    expect(await eventsOf('panel.invitation', c.id)).toHaveLength(0);
  });
});
