import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { verifySignature } from '../../src/delivery/index.js';
import type { Db } from '../../src/store/db.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, testConfig } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';
import { fastDelivery, receiverPool, waitUntil } from '../delivery/receivers.js';

// Early warnings through the real server: a spike of 결제 오류 calls posted to the
// ingest API raises a warning that the stream shows, the API lists with its
// series and redacted samples, a subscriber receives signed, an officer
// acknowledges (audited); bad requests change nothing.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const MIN = 60_000;
const DAY = 86_400_000;

/** A week of quiet history at this time of day, written straight to the tables (as if ingested then). */
async function quietHistory(db: Db, now: number) {
  const ids: string[] = [];
  const at: string[] = [];
  for (let d = 1; d <= 7; d++) {
    for (let i = 0; i < 20; i++) {
      ids.push(`hist-${d}-${i}`);
      at.push(new Date(now - d * DAY - 50 * MIN + i * 5 * MIN).toISOString());
    }
  }
  await db.query('INSERT INTO calls (id, started_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])', [ids, at]);
  await db.query(
    `INSERT INTO utterances (call_id, id, speaker, start_ms, end_ms, text) SELECT c, 'u1', 'customer', 5000, 9000, '이번 달 결제일 문의드려요' FROM unnest($1::text[]) c`,
    [ids],
  );
}

describe.each(testDatabases)('early warnings API ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  const receivers = receiverPool();
  let analyst: Record<string, string>;

  beforeAll(async () => {
    vi.stubEnv('RADAR_EARLY_WARNING', 'off'); // no background runs: the test evaluates on purpose
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startServer(testConfig(), { db: opened.db, log: pino({ level: 'silent' }), delivery: fastDelivery('smtp://127.0.0.1:1') });
    vi.unstubAllEnvs();
    const u = await api(server, 'POST', '/api/users', { username: 'ew-analyst', displayName: '분석', role: 'analyst', password: 'Initial-Pass-1' });
    const t = await api(server, 'POST', '/api/tokens', { name: 'ew-analyst', userId: u.body.id });
    analyst = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
  });
  afterAll(async () => {
    await server?.close();
    await receivers.closeAll();
    await drop?.();
  });

  it('lists the topic dictionary', async () => {
    const res = await api(server, 'GET', '/api/early-warnings/topics', undefined, analyst);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((t: { id: string }) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['payment_error', 'duplicate_charge', 'app_login', 'lost_stolen_fraud', 'credit_limit', 'points_benefits', 'card_delivery', 'statement_error', 'overseas_payment', 'auto_transfer']));
    expect(res.body.items.find((t: { id: string }) => t.id === 'payment_error').label).toBe('결제 오류·승인 거절');
  });

  it('a spike of calls raises one warning: live on the stream, delivered signed, listed with series and redacted samples', async () => {
    const hook = await receivers.start();
    const all = await api(server, 'POST', '/api/subscriptions', { name: 'VOM warnings', kind: 'webhook', target: `${hook.url}/ew`, eventTypes: ['early_warning.*'] });
    expect(all.status).toBe(201);
    // A subscriber of alerts only, and one that wants only the gravest events: neither hears of a severity-3/4 warning.
    const alertsOnly = await api(server, 'POST', '/api/subscriptions', { name: 'alerts', kind: 'webhook', target: `${hook.url}/alerts`, eventTypes: ['alert.*'] });
    const gravest = await api(server, 'POST', '/api/subscriptions', { name: 'sev5', kind: 'webhook', target: `${hook.url}/sev5`, eventTypes: ['early_warning.*'], minSeverity: 5 });
    expect([alertsOnly.status, gravest.status]).toEqual([201, 201]);

    await quietHistory(server.ctx.db, Date.now());
    const sse = await openSse(`${server.url}/api/early-warnings/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(sse.status).toBe(200);
    for (let i = 0; i < 12; i++) {
      const call = await api(server, 'POST', '/api/calls', { customerId: `C-${i}`, startedAt: new Date(Date.now() - (20 - i) * MIN).toISOString() });
      const text = i === 11 ? '결제 오류가 계속 나요 제 번호 010-1234-5678 로 연락 주세요' : '아까부터 카드 결제가 안 돼요 승인 거절이라고 떠요';
      expect((await api(server, 'POST', `/api/calls/${call.body.id}/utterances`, { id: 'u1', speaker: 'customer', startMs: 3000, endMs: 6000, text, final: true })).status).toBe(202);
    }
    const run = await api(server, 'POST', '/api/early-warnings/evaluate');
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ locked: true, evaluated: true, caughtUp: true, raised: 1 });

    const live = await sse.waitFor((e) => e.event === 'early_warning.raised');
    expect(live.data.warning).toMatchObject({ topicId: 'payment_error', calls: 12, status: 'open' });
    const id = live.data.warning.id as string;
    sse.close();

    const list = await api(server, 'GET', '/api/early-warnings?status=active&series=true', undefined, analyst);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const w = list.body.items[0];
    expect(w).toMatchObject({ id, topicId: 'payment_error', topicLabel: '결제 오류·승인 거절', calls: 12, status: 'open' });
    expect(w.baseline).toBeLessThan(1);
    expect(w.series.points.reduce((n: number, p: { calls: number }) => n + p.calls, 0)).toBe(12);

    const one = await api(server, 'GET', `/api/early-warnings/${id}`, undefined, analyst);
    expect(one.status).toBe(200);
    expect(one.body.samples.length).toBe(10);
    const texts = JSON.stringify(one.body.samples);
    expect(texts).toContain('승인 거절');
    // The newest sample carried a phone number: redacted before it was stored, shown as stored.
    expect(one.body.samples[0].text).toContain('[전화번호]');
    expect(texts).not.toContain('1234-5678');

    const received = await waitUntil(() => hook.requests.find((r) => r.path === '/ew'), 'the warning at the webhook');
    const body = JSON.parse(received.body);
    expect(body).toMatchObject({ type: 'early_warning.raised', data: { warning: { id, topicId: 'payment_error', calls: 12 } } });
    expect(verifySignature(all.body.secret, String(received.headers['x-radar-signature']), String(received.headers['x-radar-timestamp']), received.body)).toBe(true);
    expect(received.body).not.toContain('승인 거절이라고'); // transcript text stays inside

    // A second evaluation with nothing new: the same warning, no new event.
    const again = await api(server, 'POST', '/api/early-warnings/evaluate');
    expect(again.body).toMatchObject({ raised: 0, updated: 0 });
    // The job's own metrics: what it read, one raise and one quiet evaluation, caught up.
    const metrics = (await api(server, 'GET', '/metrics')).body as string;
    const value = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('radar_early_warning_utterances_read_total')).toBeGreaterThan(0);
    expect(value('radar_early_warning_evaluations_total{outcome="raised"}')).toBe(1);
    expect(value('radar_early_warning_evaluations_total{outcome="quiet"}')).toBeGreaterThanOrEqual(1);
    expect(value('radar_early_warning_caught_up')).toBe(1);
    expect(value('radar_early_warning_last_evaluation_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect((await api(server, 'GET', '/api/early-warnings?status=active')).body.total).toBe(1);
    expect((await api(server, 'GET', '/api/early-warnings/topics')).body.items.find((t: { id: string }) => t.id === 'payment_error').activeWarningId).toBe(id);

    // Acknowledge (an officer's action; the analyst may only read).
    expect((await api(server, 'POST', `/api/early-warnings/${id}/acknowledge`, {}, analyst)).status).toBe(403);
    const ack = await api(server, 'POST', `/api/early-warnings/${id}/acknowledge`, { note: '카드 승인 시스템 장애 확인, IT 부서 공유' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'RADAR_ADMIN_TOKEN', acknowledgeNote: '카드 승인 시스템 장애 확인, IT 부서 공유' });
    const audit = await api(server, 'GET', '/api/audit?action=early_warning.acknowledged');
    expect(audit.body.items.map((a: { targetId: string }) => a.targetId)).toContain(id);
    await waitUntil(() => hook.requests.find((r) => r.path === '/ew' && JSON.parse(r.body).type === 'early_warning.acknowledged'), 'the acknowledgement at the webhook');

    // The other two subscribers heard nothing of it, once the relay has passed every warning event.
    const [{ last }] = await server.ctx.db.query("SELECT max(seq)::bigint AS last FROM events WHERE type LIKE 'early_warning.%'");
    await waitUntil(async () => {
      const [r] = await server.ctx.db.query('SELECT cursor_seq FROM delivery_relay WHERE id = 1');
      return Number(r.cursor_seq) >= Number(last);
    }, 'the relay past the warning events');
    const [{ n }] = await server.ctx.db.query(
      "SELECT count(*)::int AS n FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE e.type LIKE 'early_warning.%' AND d.subscription_id = ANY($1::text[])",
      [[alertsOnly.body.subscription.id, gravest.body.subscription.id]],
    );
    expect(n).toBe(0);
  });

  it('bad requests get a 4xx with a machine-readable code and change nothing', async () => {
    const [w] = await server.ctx.db.query("SELECT id, status, acknowledged_by FROM early_warnings WHERE topic_id = 'payment_error'");
    const auditBefore = (await api(server, 'GET', '/api/audit?action=early_warning.acknowledged')).body.items.length;
    const cases: [string, string, unknown, number, string][] = [
      ['POST', `/api/early-warnings/${w.id}/acknowledge`, {}, 409, 'already_acknowledged'],
      ['POST', '/api/early-warnings/no-such-warning/acknowledge', {}, 404, 'early_warning_not_found'],
      ['GET', '/api/early-warnings/no-such-warning', undefined, 404, 'early_warning_not_found'],
      ['GET', '/api/early-warnings/bad%20id', undefined, 400, 'invalid_request'],
      ['POST', `/api/early-warnings/${w.id}/acknowledge`, { note: 'x'.repeat(1001) }, 400, 'invalid_request'],
      ['POST', `/api/early-warnings/${w.id}/acknowledge`, { note: 5 }, 400, 'invalid_request'],
      ['POST', `/api/early-warnings/${w.id}/acknowledge`, { reason: 'unknown field' }, 400, 'invalid_request'],
      ['GET', '/api/early-warnings?status=closed', undefined, 400, 'invalid_request'],
      ['GET', '/api/early-warnings?limit=0', undefined, 400, 'invalid_request'],
      ['GET', '/api/early-warnings?from=yesterday', undefined, 400, 'invalid_request'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await api(server, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.body.error.code, `${method} ${path}`).toBe(code);
    }
    expect((await api(server, 'POST', '/api/early-warnings/evaluate', undefined, analyst)).status).toBe(403);
    const res = await fetch(`${server.url}/api/early-warnings/${w.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{"note":' });
    expect(res.status).toBe(400);
    const [after] = await server.ctx.db.query('SELECT status, acknowledged_by FROM early_warnings WHERE id = $1', [w.id]);
    expect(after).toEqual({ status: w.status, acknowledged_by: w.acknowledged_by });
    expect((await api(server, 'GET', '/api/audit?action=early_warning.acknowledged')).body.items.length).toBe(auditBefore);
  });

  it('an agent may not read early warnings', async () => {
    const u = await api(server, 'POST', '/api/users', { username: 'ew-agent', displayName: '상담', role: 'agent', password: 'Initial-Pass-1' });
    const t = await api(server, 'POST', '/api/tokens', { name: 'ew-agent', userId: u.body.id });
    const res = await api(server, 'GET', '/api/early-warnings', undefined, { authorization: `Bearer ${t.body.token}` });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});
