import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { verifySignature } from '../../src/delivery/index.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, testConfig } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';
import { fastDelivery, startHttpReceiver, startSmtpDouble, waitUntil, type HttpReceiver, type SmtpDouble } from '../delivery/receivers.js';

// Case changes leave the system like alerts: each one appends a `case.<change>`
// event to the outbox in its own transaction, and a subscription to `case.*`
// receives them, signed, with the case as it is after the change.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe.each(testDatabases)('case changes as outbound events ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  let smtp: SmtpDouble;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    smtp = await startSmtpDouble();
    receiver = await startHttpReceiver();
    server = await startServer(testConfig(), { db: opened.db, log: pino({ level: 'silent' }), delivery: fastDelivery(smtp.url) });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await smtp?.close();
    await drop?.();
  });

  it('a case.* subscriber receives creation, assignment, status changes and notes, in order, with the case after each change', async () => {
    const sub = await api(server, 'POST', '/api/subscriptions', { name: 'VOM cases', kind: 'webhook', target: `${receiver.url}/cases`, eventTypes: ['case.*'] });
    expect(sub.status).toBe(201);
    const secret = sub.body.secret as string;
    const created = await api(server, 'POST', '/api/cases', { title: '결제 오류 반복 문의', severity: 4, category: 'complaint', customerId: 'C-77' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const admin = (await api(server, 'GET', '/api/cases/assignees')).body.items[0];
    expect(admin?.id).toBeTruthy();
    expect((await api(server, 'PATCH', `/api/cases/${id}`, { assigneeId: admin.id })).status).toBe(200);
    expect((await api(server, 'POST', `/api/cases/${id}/transition`, { to: 'in_progress' })).status).toBe(200);
    expect((await api(server, 'POST', `/api/cases/${id}/notes`, { body: '고객에게 회신 전화 예정' })).status).toBe(201);

    const mine = () => receiver.requests.filter((r) => r.path === '/cases' && JSON.parse(r.body).data.case.id === id);
    await waitUntil(() => (mine().length >= 4 ? true : undefined), 'four case events');
    const bodies = mine().map((r) => JSON.parse(r.body)).sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4)));
    expect(bodies.map((b) => b.type)).toEqual(['case.created', 'case.updated', 'case.status_changed', 'case.note_added']);
    expect(bodies[0].data.case).toMatchObject({ ref: created.body.ref, status: 'received', severity: 4, customerId: 'C-77' });
    expect(bodies[1].data.case).toMatchObject({ status: 'assigned', assigneeId: admin.id });
    expect(bodies[2].data).toMatchObject({ change: 'status_changed', details: { from: 'assigned', to: 'in_progress' } });
    expect(bodies[2].data.case.status).toBe('in_progress');
    // The note's text stays inside: receivers learn that a note was added, not what it says.
    expect(JSON.stringify(bodies[3])).not.toContain('회신 전화');
    for (const r of mine()) {
      expect(verifySignature(secret, String(r.headers['x-radar-signature']), String(r.headers['x-radar-timestamp']), r.body)).toBe(true);
    }
  });

  it('the case stream pushes changes live and resumes from Last-Event-ID', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const sse = await openSse(`${server.url}/api/cases/stream`, auth);
    expect(sse.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const created = await api(server, 'POST', '/api/cases', { title: '실시간 반영 확인', severity: 3 });
    const ev = await sse.waitFor((e) => e.event === 'case.created' && e.data.case.id === created.body.id);
    expect(ev.data.case.ref).toBe(created.body.ref);
    sse.close();
    await api(server, 'POST', `/api/cases/${created.body.id}/notes`, { body: '연결이 끊긴 사이의 메모' });
    const resumed = await openSse(`${server.url}/api/cases/stream`, { ...auth, 'last-event-id': sse.lastEventId! });
    await resumed.waitFor((e) => e.event === 'case.note_added' && e.data.case.id === created.body.id);
    // Alert events are not on this stream.
    expect(resumed.events.every((e) => e.event.startsWith('case.'))).toBe(true);
    resumed.close();
  });

  it('a refused change appends no event', async () => {
    const created = await api(server, 'POST', '/api/cases', { title: '잘못된 전이', severity: 2 });
    const [{ n: before }] = await server.ctx.db.query("SELECT count(*)::int AS n FROM events WHERE subject_id = $1", [created.body.id]);
    const bad = await api(server, 'POST', `/api/cases/${created.body.id}/transition`, { to: 'closed' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const [{ n: after }] = await server.ctx.db.query("SELECT count(*)::int AS n FROM events WHERE subject_id = $1", [created.body.id]);
    expect(after).toBe(before);
    expect(before).toBe(1);
  });
});
