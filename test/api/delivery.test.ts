import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { createDeliveryWorker, verifySignature } from '../../src/delivery/index.js';
import type { Db } from '../../src/store/db.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, testConfig } from '../helpers/server.js';
import { fastDelivery, parseMail, PUBLIC_URL, receiverPool, startSmtpDouble, waitUntil, type SmtpDouble } from '../delivery/receivers.js';

// Delivery end to end: a real server on each database, real receivers on
// 127.0.0.1 (webhook, Slack- and Teams-shaped) and an SMTP double standing in
// for the site's mail relay. Backoff is shortened so retries take milliseconds.

// Several server starts on a loaded two-core machine: generous limits; waits poll.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const THREAT = '이거 해결 안 되면 금융감독원에 민원 넣을 겁니다.';


const eventIdOf = (r: { headers: Record<string, unknown> }) => String(r.headers['x-radar-event-id']);

describe.each(testDatabases)('delivery to other systems ($name)', (tdb) => {
  let server: RunningServer;
  let db: Db;
  let drop: () => Promise<void>;
  let smtp: SmtpDouble;
  const receivers = receiverPool();

  beforeAll(async () => {
    const opened = await tdb.open();
    db = opened.db;
    drop = opened.drop;
    smtp = await startSmtpDouble();
    server = await startServer(testConfig(), { db, log: pino({ level: 'silent' }), delivery: fastDelivery(smtp.url) });
  });
  afterAll(async () => {
    await server?.close();
    await receivers.closeAll();
    await smtp?.close();
    await drop?.();
  });

  const receiver = () => receivers.start();

  async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string | null }> {
    const res = await api(server, 'POST', '/api/subscriptions', { name: 'test', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.subscription.id, secret: res.body.secret };
  }

  /** A call whose customer threatens to go to the FSS; returns its outbox events. */
  async function threatCall(): Promise<{ callId: string; events: { seq: number; type: string; category: string | null }[] }> {
    const callId = (await api(server, 'POST', '/api/calls', { customerId: 'C-1' })).body.id as string;
    const res = await api(server, 'POST', `/api/calls/${callId}/utterances`, { id: 'u1', speaker: 'customer', startMs: 0, endMs: 3000, text: THREAT, final: true });
    expect(res.status).toBe(202);
    const events = await waitUntil(async () => {
      const rows = await db.query(
        `SELECT seq, type, payload->'alert'->>'category' AS category FROM events
         WHERE payload->'alert'->>'callId' = $1 OR (type = 'call.escalated' AND subject_id = $1) ORDER BY seq`,
        [callId],
      );
      return rows.length > 0 ? rows.map((r) => ({ seq: Number(r.seq), type: r.type, category: r.category })) : undefined;
    }, 'the call’s events');
    return { callId, events };
  }

  const deliveriesOf = async (subscriptionId: string, status?: string) =>
    (await api(server, 'GET', `/api/deliveries?subscriptionId=${subscriptionId}${status ? `&status=${status}` : ''}`)).body.items as any[];

  it('manages subscriptions: secret shown once, validation, masking, audit', async () => {
    expect((await api(server, 'GET', '/api/subscriptions', undefined, {})).status).toBe(401);
    const created = await api(server, 'POST', '/api/subscriptions', { name: 'VOM', kind: 'webhook', target: 'https://vom.site.test/hook', eventTypes: ['alert.*', 'call.escalated'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.subscription).toMatchObject({ kind: 'webhook', hasSecret: true, enabled: true, minSeverity: null, categories: [] });
    expect(created.body.subscription).not.toHaveProperty('secret');
    const id = created.body.subscription.id;

    const listed = (await api(server, 'GET', '/api/subscriptions')).body.items.find((s: any) => s.id === id);
    expect(listed).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(created.body.secret);

    const badMail = await api(server, 'POST', '/api/subscriptions', { name: 'x', kind: 'email', target: 'not-an-address', eventTypes: ['alert.created'] });
    expect(badMail.status).toBe(400);
    expect(badMail.body.error.code).toBe('invalid_target');
    const badType = await api(server, 'POST', '/api/subscriptions', { name: 'x', kind: 'webhook', target: 'https://a.test/', eventTypes: ['Alert Created'] });
    expect(badType.status).toBe(400);
    expect((await api(server, 'PATCH', `/api/subscriptions/${id}`, { kind: 'slack' })).status).toBe(400);

    const patched = await api(server, 'PATCH', `/api/subscriptions/${id}`, { enabled: false, minSeverity: 4 });
    expect(patched.body).toMatchObject({ enabled: false, minSeverity: 4 });
    const rotated = await api(server, 'POST', `/api/subscriptions/${id}/rotate-secret`);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);

    const slack = await subscribe({ kind: 'slack', target: 'https://hooks.slack.site.test/services/T1/B2/secretpart', eventTypes: ['alert.created'], enabled: false });
    expect(slack.secret).toBeNull();
    expect((await api(server, 'GET', `/api/subscriptions/${slack.id}`)).body.target).toBe('https://hooks.slack.site.test/…part');
    expect((await api(server, 'POST', `/api/subscriptions/${slack.id}/rotate-secret`)).status).toBe(409);

    expect((await api(server, 'DELETE', `/api/subscriptions/${id}`)).status).toBe(200);
    expect((await api(server, 'GET', `/api/subscriptions/${id}`)).status).toBe(404);

    const trail = (await api(server, 'GET', '/api/audit?limit=50')).body.items.filter((e: any) => e.targetType === 'subscription');
    expect(trail.map((e: any) => e.action)).toEqual(expect.arrayContaining([
      'subscription.created', 'subscription.updated', 'subscription.secret_rotated', 'subscription.deleted',
    ]));
    expect(JSON.stringify(trail)).not.toContain('secretpart');
    expect(JSON.stringify(trail)).not.toContain(created.body.secret);
  });

  it('signed webhook: a receiver failing twice gets each event exactly once after de-duplication; attempts recorded', async () => {
    const r = await receiver();
    const tries = new Map<string, number>();
    r.respond = ({ headers }) => {
      const id = String(headers['x-radar-event-id']);
      tries.set(id, (tries.get(id) ?? 0) + 1);
      return tries.get(id)! <= 2 ? 500 : 200;
    };
    const sub = await subscribe({ kind: 'webhook', target: `${r.url}/hook`, eventTypes: ['alert.*', 'call.escalated'] });
    const { events } = await threatCall();
    const ids = events.map((e) => `evt_${e.seq}`);
    await waitUntil(() => ids.every((id) => r.requests.some((q) => eventIdOf(q) === id && q.answered === 200)), 'every event accepted');

    // The receiver's side: verify, then de-duplicate by event id.
    const processed: string[] = [];
    for (const q of r.requests) {
      expect(verifySignature(sub.secret!, q.headers['x-radar-signature'] as string, q.headers['x-radar-timestamp'] as string, q.body)).toBe(true);
      const body = JSON.parse(q.body);
      expect(body.id).toBe(eventIdOf(q));
      expect(Object.keys(body).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
      if (q.answered === 200 && !processed.includes(body.id)) processed.push(body.id);
    }
    expect(processed.sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const mine = r.requests.filter((q) => eventIdOf(q) === id);
      expect(mine.map((q) => q.answered)).toEqual([500, 500, 200]);
      expect(mine.map((q) => q.headers['x-radar-delivery-attempt'])).toEqual(['1', '2', '3']);
    }

    const rows = await waitUntil(async () => {
      const d = await deliveriesOf(sub.id);
      return d.length === ids.length && d.every((x) => x.status === 'delivered') ? d : undefined;
    }, 'deliveries settled');
    for (const d of rows) {
      expect(d.attempts).toBe(3);
      expect(d.lastStatus).toBe(200);
      const one = (await api(server, 'GET', `/api/deliveries/${d.id}`)).body;
      expect(one.attemptLog.map((a: any) => [a.attempt, a.ok, a.status])).toEqual([[1, false, 500], [2, false, 500], [3, true, 200]]);
    }
    await api(server, 'PATCH', `/api/subscriptions/${sub.id}`, { enabled: false });
  });

  it('a receiver that always fails ends in dead letters; replay (one, then bulk) delivers after it recovers', async () => {
    const r = await receiver();
    r.respond = () => 503;
    const sub = await subscribe({ kind: 'webhook', target: `${r.url}/down`, eventTypes: ['alert.created'], categories: ['external_authority'] });
    const a = await threatCall();
    const b = await threatCall();
    const seqs = [...a.events, ...b.events].filter((e) => e.type === 'alert.created' && e.category === 'external_authority').map((e) => e.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(2);

    const dead = await waitUntil(async () => {
      const d = await deliveriesOf(sub.id, 'dead');
      return d.length === seqs.length ? d : undefined;
    }, 'dead letters');
    for (const d of dead) {
      expect(d).toMatchObject({ status: 'dead', attempts: 3, lastStatus: 503, nextAttemptAt: null });
      expect(d.lastError).toContain('HTTP 503');
    }
    expect((await api(server, 'GET', '/api/deliveries/summary')).body.dead).toBeGreaterThanOrEqual(seqs.length);

    r.respond = () => 200;
    const first = dead[0];
    const replayed = await api(server, 'POST', `/api/deliveries/${first.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ status: 'pending', attempts: 0, replays: 1 });
    await waitUntil(() => r.requests.some((q) => eventIdOf(q) === first.eventId && q.answered === 200), 'the replayed delivery');
    expect((await deliveriesOf(sub.id, 'dead')).length).toBe(seqs.length - 1);

    const bulk = await api(server, 'POST', `/api/subscriptions/${sub.id}/replay`);
    expect(bulk.body).toEqual({ replayed: seqs.length - 1 });
    await waitUntil(async () => (await deliveriesOf(sub.id)).every((d) => d.status === 'delivered'), 'all delivered after bulk replay');
    for (const seq of seqs) expect(r.requests.filter((q) => eventIdOf(q) === `evt_${seq}` && q.answered === 200)).toHaveLength(1);

    expect((await api(server, 'POST', '/api/deliveries/999999/replay')).status).toBe(404);
    const actions = (await api(server, 'GET', '/api/audit?limit=20')).body.items.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['delivery.replayed', 'subscription.replayed']));
    await api(server, 'PATCH', `/api/subscriptions/${sub.id}`, { enabled: false });
  });

  it('filters by event type (with prefixes), category and minimum severity', async () => {
    const r = await receiver();
    const wanted = await subscribe({ kind: 'webhook', target: `${r.url}/wanted`, eventTypes: ['alert.created'], categories: ['external_authority'], minSeverity: 5 });
    const media = await subscribe({ kind: 'webhook', target: `${r.url}/media`, eventTypes: ['alert.created'], categories: ['media'] });
    const prefix = await subscribe({ kind: 'webhook', target: `${r.url}/prefix`, eventTypes: ['alert.*'] });
    const cases = await subscribe({ kind: 'webhook', target: `${r.url}/cases`, eventTypes: ['case.*'] });
    const { events } = await threatCall();
    const maxSeq = Math.max(...events.map((e) => e.seq));
    await waitUntil(async () => (await api(server, 'GET', '/api/deliveries/summary')).body.cursor >= maxSeq, 'relay past the call’s events');

    const seqsOf = async (id: string) => (await deliveriesOf(id)).map((d) => d.eventSeq).sort();
    expect(await seqsOf(wanted.id)).toEqual(events.filter((e) => e.type === 'alert.created' && e.category === 'external_authority').map((e) => e.seq).sort());
    expect(await seqsOf(media.id)).toEqual([]);
    expect(await seqsOf(prefix.id)).toEqual(events.filter((e) => e.type.startsWith('alert.')).map((e) => e.seq).sort());
    expect(await seqsOf(cases.id)).toEqual([]);
    await waitUntil(() => r.requests.some((q) => q.path === '/wanted'), 'the wanted delivery');
    for (const s of [wanted, media, prefix, cases]) await api(server, 'PATCH', `/api/subscriptions/${s.id}`, { enabled: false });
  });

  it('Slack, Teams and e-mail get a short Korean message with category, severity, text, call and link', async () => {
    const r = await receiver();
    const filter = { eventTypes: ['alert.created'], categories: ['external_authority'] };
    const subs = [
      await subscribe({ kind: 'slack', target: `${r.url}/slack`, ...filter }),
      await subscribe({ kind: 'teams', target: `${r.url}/teams`, ...filter }),
      await subscribe({ kind: 'email', target: 'officer@site.test; team@site.test', ...filter }),
    ];
    const { callId, events } = await threatCall();
    const seq = events.find((e) => e.type === 'alert.created' && e.category === 'external_authority')!.seq;
    const link = `${PUBLIC_URL}/calls/${callId}`;

    const slack = await waitUntil(() => r.requests.find((q) => q.path === '/slack' && q.body.includes(callId)), 'the Slack message');
    const text: string = JSON.parse(slack.body).text;
    for (const part of ['민원 위험 알림', '대외기관 민원', '5/5', '금융감독원', callId, link, `evt_${seq}`]) expect(text).toContain(part);

    const teams = await waitUntil(() => r.requests.find((q) => q.path === '/teams' && q.body.includes(callId)), 'the Teams message');
    const card = JSON.parse(teams.body).attachments[0].content;
    expect(card.type).toBe('AdaptiveCard');
    expect(card.body[1].facts).toContainEqual({ title: '통화 (Call)', value: callId });
    expect(card.actions[0].url).toBe(link);

    const mail = await waitUntil(() => smtp.mails.find((m) => m.data.includes(`X-Radar-Event-Id: evt_${seq}`)), 'the e-mail');
    expect(mail.from).toBe('radar@site.test');
    expect(mail.to).toEqual(['officer@site.test', 'team@site.test']);
    const parsed = parseMail(mail.data);
    expect(parsed.headers.subject).toContain('[민원 레이더] 민원 위험 알림');
    expect(parsed.headers.subject).toContain('대외기관 민원');
    expect(parsed.headers['message-id']).toBe(`<evt_${seq}.${subs[2]!.id}@minwon-radar>`);
    expect(parsed.text).toContain(callId);
    expect(parsed.text).toContain(link);
    for (const s of subs) await api(server, 'PATCH', `/api/subscriptions/${s.id}`, { enabled: false });
  });

  it('a second worker on the same database never duplicates a delivery', async () => {
    const second = createDeliveryWorker({ db, log: pino({ level: 'silent' }), config: fastDelivery(null) });
    second.start();
    try {
      const r = await receiver();
      const sub = await subscribe({ kind: 'webhook', target: `${r.url}/twice`, eventTypes: ['alert.*', 'call.escalated'] });
      const all = [...(await threatCall()).events, ...(await threatCall()).events, ...(await threatCall()).events];
      await waitUntil(() => all.every((e) => r.requests.some((q) => eventIdOf(q) === `evt_${e.seq}`)), 'every event');
      await waitUntil(async () => (await deliveriesOf(sub.id)).every((d) => d.status === 'delivered'), 'all settled');
      for (const e of all) expect(r.requests.filter((q) => eventIdOf(q) === `evt_${e.seq}`)).toHaveLength(1);
      expect(await deliveriesOf(sub.id)).toHaveLength(all.length);
      await api(server, 'PATCH', `/api/subscriptions/${sub.id}`, { enabled: false });
    } finally {
      await second.stop();
    }
  });

  it('exposes outbox lag, pending and dead counts as metrics', async () => {
    await waitUntil(async () => {
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const t = await res.text();
      return /radar_delivery_outbox_lag \d+/.test(t) && /radar_delivery_dead \d+/.test(t) && /radar_delivery_attempts_total\{kind="webhook",outcome="dead"\} \d+/.test(t);
    }, 'delivery metrics');
  });
});
