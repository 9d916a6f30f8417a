import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { verifySignature, type DeliveryConfig } from '../../src/delivery/index.js';
import type { Db } from '../../src/store/db.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, testConfig } from '../helpers/server.js';
import { fastDelivery, parseMail, receiverPool, startHttpReceiver, startSmtpDouble, waitUntil, type SmtpDouble } from '../delivery/receivers.js';

// What an operator needs around delivery, end to end on each database with real
// receivers on 127.0.0.1 and the SMTP double: a test message through each
// sender, the per-subscription circuit breaker, and the clean-up of old
// delivery rows (retention) and of dead letters (DELETE).

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const COOLDOWN_MS = 1_500;

/** Fast retries, a breaker that opens after 3 failures, few attempts: without the breaker, a dead receiver makes dead letters within milliseconds. */
const settings = (smtpUrl: string): Partial<DeliveryConfig> => ({
  ...fastDelivery(smtpUrl),
  retry: { baseMs: 10, capMs: 40, maxAttempts: 4 },
  breaker: { failures: 3, cooldownMs: COOLDOWN_MS, cooldownCapMs: 4 * COOLDOWN_MS },
  keepDays: 30,
});

describe.each(testDatabases)('delivery operations ($name)', (tdb) => {
  let server: RunningServer;
  let db: Db;
  let drop: () => Promise<void>;
  let smtp: SmtpDouble;
  const receivers = receiverPool();
  const logLines: any[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } }));
  let auditor: Record<string, string>;

  const start = () => startServer(testConfig(), { db, log, delivery: settings(smtp.url) });

  beforeAll(async () => {
    const opened = await tdb.open();
    db = opened.db;
    drop = opened.drop;
    smtp = await startSmtpDouble();
    server = await start();
    const u = await api(server, 'POST', '/api/users', { username: 'ops-auditor', displayName: '감사', role: 'auditor', password: 'Initial-Pass-1' });
    const t = await api(server, 'POST', '/api/tokens', { name: 'ops-auditor', userId: u.body.id });
    auditor = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
  });
  afterAll(async () => {
    await server?.close();
    await receivers.closeAll();
    await smtp?.close();
    await drop?.();
  });

  const receiver = () => receivers.start();

  async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string | null }> {
    const res = await api(server, 'POST', '/api/subscriptions', { name: 'ops', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.subscription.circuit).toEqual({ state: 'closed', consecutiveFailures: 0, openedAt: null, openUntil: null });
    return { id: res.body.subscription.id, secret: res.body.secret };
  }

  /** Appends events to the outbox as the pipeline would (committed rows the relay picks up). */
  async function emit(type: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) await db.query('INSERT INTO events (type, subject_id, payload) VALUES ($1, $2, $3)', [type, `s-${i}`, JSON.stringify({ n: i })]);
  }

  const deliveriesOf = async (id: string) => (await api(server, 'GET', `/api/deliveries?subscriptionId=${id}`)).body.items as any[];
  const circuitOf = async (id: string) => (await api(server, 'GET', `/api/subscriptions/${id}`)).body.circuit as { state: string; consecutiveFailures: number; openedAt: string | null; openUntil: string | null };
  const metric = async (name: string) => {
    const t = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const m = t.match(new RegExp(`^${name} (\\d+)`, 'm'));
    return m ? Number(m[1]) : null;
  };

  it('test message: signed webhook to a disabled subscription, delivered at once, no delivery row, audited', async () => {
    const r = await receiver();
    const sub = await subscribe({ kind: 'webhook', target: `${r.url}/hook`, eventTypes: ['alert.*'], enabled: false });
    const res = await api(server, 'POST', `/api/subscriptions/${sub.id}/test`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ delivered: true, status: 200, error: null, circuitClosed: false });
    expect(res.body.durationMs).toBeGreaterThanOrEqual(0);
    expect(res.body.eventId).toMatch(/^evt_test_[0-9a-f]{16}$/);

    expect(r.requests).toHaveLength(1);
    const q = r.requests[0]!;
    expect(q.headers['x-radar-event-type']).toBe('test');
    expect(q.headers['x-radar-event-id']).toBe(res.body.eventId);
    expect(verifySignature(sub.secret!, q.headers['x-radar-signature'] as string, q.headers['x-radar-timestamp'] as string, q.body)).toBe(true);
    const body = JSON.parse(q.body);
    expect(body).toMatchObject({ id: res.body.eventId, type: 'test', data: { test: true, subscription: { id: sub.id, name: 'ops' }, requestedBy: expect.any(String) } });
    expect(body.data.message).toMatch(/테스트.*test message/s);

    // Not an outbox event, not a delivery, not a dead letter.
    expect(await deliveriesOf(sub.id)).toEqual([]);
    expect(await db.query("SELECT 1 FROM events WHERE type = 'test'")).toHaveLength(0);
    const trail = (await api(server, 'GET', '/api/audit?action=subscription.tested&limit=10')).body.items;
    expect(trail[0]).toMatchObject({ targetId: sub.id, actorName: body.data.requestedBy, details: { delivered: true, status: 200, kind: 'webhook' } });
  });

  it('test message reports failures: HTTP status, refused connection, SMTP rejection — and errors for bad ids and roles', async () => {
    const r = await receiver();
    r.respond = () => 500;
    const failing = await subscribe({ kind: 'webhook', target: `${r.url}/down`, eventTypes: ['alert.*'] });
    const res = await api(server, 'POST', `/api/subscriptions/${failing.id}/test`);
    expect(res.body).toMatchObject({ delivered: false, status: 500 });
    expect(res.body.error).toContain('HTTP 500');
    // A failed test leaves the breaker alone and makes no dead letter.
    expect(await circuitOf(failing.id)).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(await deliveriesOf(failing.id)).toEqual([]);

    const gone = await startHttpReceiver();
    await gone.close();
    const refused = await subscribe({ kind: 'slack', target: `${gone.url}/slack`, eventTypes: ['alert.*'] });
    const r2 = await api(server, 'POST', `/api/subscriptions/${refused.id}/test`);
    expect(r2.body).toMatchObject({ delivered: false, status: null });
    expect(r2.body.error).toMatch(/ECONNREFUSED|fetch failed/);

    smtp.reject.add('nobody@site.test');
    const mail = await subscribe({ kind: 'email', target: 'nobody@site.test', eventTypes: ['alert.*'] });
    const r3 = await api(server, 'POST', `/api/subscriptions/${mail.id}/test`);
    expect(r3.body).toMatchObject({ delivered: false, status: 550 });
    expect(r3.body.error).toContain('550');

    const unknown = await api(server, 'POST', '/api/subscriptions/no-such-sub/test');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'subscription_not_found' });
    expect(unknown.body.error.message).toContain('no-such-sub');
    expect((await api(server, 'POST', `/api/subscriptions/${failing.id}/test`, undefined, auditor)).status).toBe(403);
    expect((await api(server, 'POST', `/api/subscriptions/${failing.id}/test`, undefined, {})).status).toBe(401);
  });

  it('test message through Slack, Teams and e-mail says it is a test, in Korean and English', async () => {
    const r = await receiver();
    const slack = await subscribe({ kind: 'slack', target: `${r.url}/slack`, eventTypes: ['alert.*'] });
    const teams = await subscribe({ kind: 'teams', target: `${r.url}/teams`, eventTypes: ['alert.*'] });
    const mail = await subscribe({ kind: 'email', target: 'officer@site.test', eventTypes: ['alert.*'] });
    for (const s of [slack, teams, mail]) expect((await api(server, 'POST', `/api/subscriptions/${s.id}/test`)).body).toMatchObject({ delivered: true });

    const text = JSON.parse(r.requests.find((q) => q.path === '/slack')!.body).text as string;
    expect(text).toContain('연결 테스트 (Test message)');
    expect(text).toContain('not a real alert');
    const card = JSON.parse(r.requests.find((q) => q.path === '/teams')!.body).attachments[0].content;
    expect(card.body[0].text).toContain('연결 테스트');
    const m = smtp.mails.find((x) => x.to.includes('officer@site.test'))!;
    const parsed = parseMail(m.data);
    expect(parsed.headers.subject).toBe('[민원 레이더] 연결 테스트 (Test message)');
    expect(parsed.headers['x-radar-event-type']).toBe('test');
    expect(parsed.text).toContain('실제 알림이 아니');
  });

  it('circuit breaker: opens after 3 failures, holds deliveries without spending attempts, probes, doubles, closes on success', async () => {
    const r = await receiver();
    const sent: number[] = [];
    let up = false;
    r.respond = () => { sent.push(Date.now()); return up ? 200 : 503; };
    const sub = await subscribe({ kind: 'webhook', target: `${r.url}/breaker`, eventTypes: ['ops.breaker'] });
    await emit('ops.breaker', 6);

    const opened = await waitUntil(async () => { const c = await circuitOf(sub.id); return c.state === 'open' ? c : undefined; }, 'the circuit to open');
    const openedAt = Date.parse(opened.openedAt!);
    const openUntil = Date.parse(opened.openUntil!);
    expect(openUntil - openedAt).toBeGreaterThanOrEqual(COOLDOWN_MS - 1);
    expect(openUntil - openedAt).toBeLessThanOrEqual(COOLDOWN_MS + 1);
    expect(opened.consecutiveFailures).toBeGreaterThanOrEqual(3);
    // The worker logs after its transaction commits, so a reader can see the open row a moment before the line.
    const warning = await waitUntil(async () => logLines.find((l) => l.level === 40 && l.subscription === sub.id && /circuit opened/.test(l.msg)), 'the circuit-opened warning');
    expect(warning).toMatchObject({ consecutiveFailures: 3, cooldownMs: expect.any(Number) });
    expect(await waitUntil(async () => ((await metric('radar_delivery_circuits_open')) ?? 0) >= 1, 'the open-circuits gauge')).toBe(true);
    expect((await api(server, 'GET', '/api/deliveries/summary')).body.openCircuits).toBeGreaterThanOrEqual(1);
    const listed = (await api(server, 'GET', '/api/subscriptions')).body.items.find((s: any) => s.id === sub.id);
    expect(listed.circuit.state).toBe('open');

    // Re-opened after the first probe failed: the cool-down doubled.
    const reopened = await waitUntil(async () => {
      const c = await circuitOf(sub.id);
      return c.state === 'open' && Date.parse(c.openedAt!) > openedAt ? c : undefined;
    }, 'the probe to fail and the circuit to open again');
    const reopenedAt = Date.parse(reopened.openedAt!);
    expect(Date.parse(reopened.openUntil!) - reopenedAt).toBeGreaterThanOrEqual(2 * COOLDOWN_MS - 1);
    expect(Date.parse(reopened.openUntil!) - reopenedAt).toBeLessThanOrEqual(2 * COOLDOWN_MS + 1);
    // Nothing reached the receiver while open (in-flight sends settle within a few ms of opening), and one probe after.
    expect(sent.filter((t) => t > openedAt + 250 && t < openUntil - 50)).toEqual([]);
    expect(sent.filter((t) => t >= openUntil - 50 && t <= reopenedAt + 50)).toHaveLength(1);

    // Every attempt a delivery spent was a real request: none burnt while waiting, no dead letters.
    const during = await deliveriesOf(sub.id);
    expect(during).toHaveLength(6);
    expect(during.every((d) => d.status === 'pending')).toBe(true);
    expect(during.reduce((n, d) => n + d.attempts, 0)).toBe(r.requests.length);
    expect(Math.max(...during.map((d) => d.attempts))).toBeLessThan(4);

    // The receiver comes back: the next probe succeeds, the circuit closes, the rest flow.
    up = true;
    await waitUntil(async () => (await deliveriesOf(sub.id)).every((d) => d.status === 'delivered'), 'every delivery after recovery', 60_000);
    expect(await circuitOf(sub.id)).toEqual({ state: 'closed', consecutiveFailures: 0, openedAt: null, openUntil: null });
    expect((await api(server, 'GET', `/api/deliveries?subscriptionId=${sub.id}&status=dead`)).body.items).toEqual([]);
    await waitUntil(() => logLines.some((l) => l.subscription === sub.id && /circuit closed/.test(l.msg)), 'the circuit-closed line');
    await waitUntil(async () => (await metric('radar_delivery_circuits_open')) === 0, 'the gauge back at 0');
  });

  it('the circuit is in the database: a restarted server keeps it open; a successful test message closes it', async () => {
    const r = await receiver();
    r.respond = () => 503;
    const sub = await subscribe({ kind: 'webhook', target: `${r.url}/restart`, eventTypes: ['ops.restart'] });
    await emit('ops.restart', 4);
    await waitUntil(async () => (await circuitOf(sub.id)).state === 'open', 'the circuit to open');
    // A long cool-down, so the restart cannot outlast it.
    await db.query("UPDATE delivery_circuits SET open_until = now() + interval '1 hour' WHERE subscription_id = $1", [sub.id]);
    await new Promise((res) => setTimeout(res, 200));
    const before = await circuitOf(sub.id);
    const requests = r.requests.length;

    await server.close();
    server = await start();
    expect(await circuitOf(sub.id)).toEqual(before);
    await new Promise((res) => setTimeout(res, 500));
    expect(r.requests.length).toBe(requests);
    expect((await deliveriesOf(sub.id)).every((d) => d.status === 'pending')).toBe(true);

    r.respond = () => 200;
    const res = await api(server, 'POST', `/api/subscriptions/${sub.id}/test`);
    expect(res.body).toMatchObject({ delivered: true, circuitClosed: true });
    expect((await circuitOf(sub.id)).state).toBe('closed');
    await waitUntil(async () => (await deliveriesOf(sub.id)).every((d) => d.status === 'delivered'), 'the held deliveries', 30_000);
    const trail = (await api(server, 'GET', '/api/audit?action=subscription.tested&limit=5')).body.items;
    expect(trail[0]).toMatchObject({ targetId: sub.id, details: { delivered: true, circuitClosed: true } });
  });

  it('retention deletes old delivered rows with their attempts (never pending or dead), records the run; dead letters are deleted by hand', async () => {
    const sub = await subscribe({ kind: 'webhook', target: 'https://keep.site.test/hook', eventTypes: ['ops.keep'], enabled: false });
    const row = async (seq: number, status: string, age: string, attempts: number) => {
      const [d] = await db.query(
        `INSERT INTO deliveries (subscription_id, event_seq, status, attempts, next_attempt_at, delivered_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, now() - $5::interval, CASE WHEN $3 = 'delivered' THEN now() - $5::interval END, now() - $5::interval, now() - $5::interval)
         RETURNING id`,
        [sub.id, seq, status, attempts, age],
      );
      for (let a = 1; a <= attempts; a++) {
        await db.query('INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, status, duration_ms) VALUES ($1, $2, now() - $3::interval, $4, $5, 3)', [d!.id, a, age, status === 'delivered' && a === attempts, 200]);
      }
      return Number(d!.id);
    };
    const oldDelivered = await row(900_001, 'delivered', '40 days', 2);
    const recentDelivered = await row(900_002, 'delivered', '5 days', 1);
    const oldPending = await row(900_003, 'pending', '40 days', 2);
    const oldDead = await row(900_004, 'dead', '40 days', 3);

    // Transcript retention is off (RADAR_RETENTION_DAYS unset): delivery clean-up runs anyway.
    const res = await api(server, 'POST', '/api/retention/run', {});
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ cutoff: null, callsAffected: 0, deliveriesDeleted: 1, deliveryAttemptsDeleted: 2 });
    const left = (await db.query('SELECT id FROM deliveries WHERE subscription_id = $1 ORDER BY id', [sub.id])).map((r) => Number(r.id));
    expect(left).toEqual([recentDelivered, oldPending, oldDead]);
    expect(await db.query('SELECT 1 FROM delivery_attempts WHERE delivery_id = $1', [oldDelivered])).toHaveLength(0);

    const record = (await api(server, 'GET', '/api/retention')).body;
    expect(record).toMatchObject({ retentionDays: 0, deliveryKeepDays: 30 });
    expect(record.runs[0]).toMatchObject({ deliveriesDeleted: 1, deliveryAttemptsDeleted: 2, deliveryKeepDays: 30, callsAffected: 0, cutoff: null });
    expect(Date.parse(record.runs[0].deliveryCutoff)).toBeLessThan(Date.now() - 29 * 86_400_000);
    const purged = (await api(server, 'GET', '/api/audit?action=retention.purged&limit=1')).body.items[0];
    expect(purged).toMatchObject({ actorName: 'system', details: { deliveriesDeleted: 1, deliveryAttemptsDeleted: 2 } });
    expect((await api(server, 'POST', '/api/retention/run', {})).body.result.deliveriesDeleted).toBe(0);
    expect((await api(server, 'GET', '/api/retention')).body.runs).toHaveLength(1);

    // Dead letters: deleted only on purpose, audited; others refused.
    expect((await api(server, 'DELETE', `/api/deliveries/${oldDead}`, undefined, auditor)).status).toBe(403);
    const pending = await api(server, 'DELETE', `/api/deliveries/${oldPending}`);
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe('delivery_not_dead');
    expect((await api(server, 'DELETE', `/api/deliveries/${recentDelivered}`)).status).toBe(409);
    expect((await api(server, 'DELETE', '/api/deliveries/999999999')).body.error.code).toBe('delivery_not_found');
    const bad = await api(server, 'DELETE', '/api/deliveries/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    const del = await api(server, 'DELETE', `/api/deliveries/${oldDead}`);
    expect(del.status).toBe(200);
    expect((await api(server, 'GET', `/api/deliveries/${oldDead}`)).status).toBe(404);
    expect(await db.query('SELECT 1 FROM delivery_attempts WHERE delivery_id = $1', [oldDead])).toHaveLength(0);
    const deleted = (await api(server, 'GET', '/api/audit?action=delivery.deleted&limit=1')).body.items[0];
    expect(deleted).toMatchObject({ targetId: String(oldDead), details: { subscriptionId: sub.id, eventId: 'evt_900004', attempts: 3 } });
  });
  it('outbox events leave with their deliveries: old, relayed and needed by no pending or dead delivery', async () => {
    const sub = await subscribe({ kind: 'webhook', target: 'https://keep.site.test/events', eventTypes: ['ops.events'], enabled: false });
    const event = async (age: string) => {
      const [e] = await db.query(`INSERT INTO events (type, subject_id, payload, created_at) VALUES ('ops.events', 'x', '{}', now() - $1::interval) RETURNING seq`, [age]);
      return Number(e!.seq);
    };
    const oldFree = await event('40 days');
    const oldNeeded = await event('40 days');
    const recent = await event('2 days');
    await db.query(`INSERT INTO deliveries (subscription_id, event_seq, status) VALUES ($1, $2, 'pending')`, [sub.id, oldNeeded]);
    await waitUntil(async () => ((await api(server, 'GET', '/api/deliveries/summary')).body.cursor >= recent ? true : undefined), 'the relay past the events');
    const res = await api(server, 'POST', '/api/retention/run', {});
    expect(res.body.result.eventsDeleted).toBeGreaterThanOrEqual(1);
    const left = (await db.query('SELECT seq FROM events WHERE seq = ANY($1) ORDER BY seq', [[oldFree, oldNeeded, recent]])).map((r) => Number(r.seq));
    expect(left).toEqual([oldNeeded, recent]);
    expect((await api(server, 'GET', '/api/retention')).body.runs[0].eventsDeleted).toBe(res.body.result.eventsDeleted);
  });
});
