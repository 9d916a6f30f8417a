import { afterAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { startServer } from '../../src/api/server.js';
import { createDeliveryWorker } from '../../src/delivery/index.js';
import { storageVariants } from '../helpers/databases.js';
import { api, testConfig } from '../helpers/server.js';
import { fastDelivery, startHttpReceiver, waitUntil } from '../delivery/receivers.js';

// At least once across restarts, on the storage a user has (a PGlite folder,
// or DATABASE_URL): events whose delivery was failing when the server stopped,
// and events appended while no worker ran, are all delivered by the next start.

// Several server starts on a loaded two-core machine: generous limits; waits poll.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const THREAT = '이거 해결 안 되면 금융감독원에 민원 넣을 겁니다.';


describe.each(storageVariants)('delivery survives restarts ($name)', (variant) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('delivers what was failing and what was appended while no worker ran, after the next start', async () => {
    const { env, cleanup } = await variant.setup();
    cleanups.push(cleanup);
    const receiver = await startHttpReceiver();
    cleanups.push(() => receiver.close());
    receiver.respond = () => 503;
    const config = testConfig({ ...env, DATABASE_URL: env.DATABASE_URL ?? '' });
    const log = pino({ level: 'silent' });
    // Never give up in this test: only the restart may bring the events through.
    const delivery = { ...fastDelivery(null), retry: { baseMs: 20, capMs: 100, maxAttempts: 1_000 } };

    const threat = async (server: Awaited<ReturnType<typeof startServer>>) => {
      const callId = (await api(server, 'POST', '/api/calls', {})).body.id as string;
      expect((await api(server, 'POST', `/api/calls/${callId}/utterances`, { id: 'u1', speaker: 'customer', startMs: 0, endMs: 3000, text: THREAT, final: true })).status).toBe(202);
      return callId;
    };

    // 1. A worker running, receiver down: the delivery is attempted and stays pending.
    const first = await startServer(config, { log, delivery: { ...delivery, enabled: false } });
    const worker = createDeliveryWorker({ db: first.ctx.db, log, bus: first.ctx.bus, config: delivery });
    worker.start();
    const sub = (await api(first, 'POST', '/api/subscriptions', { name: 'vom', kind: 'webhook', target: `${receiver.url}/hook`, eventTypes: ['alert.*', 'call.escalated'] })).body;
    const call1 = await threat(first);
    await waitUntil(() => receiver.requests.some((r) => r.body.includes(call1)), 'a failed attempt before the stop');

    // 2. The worker stops; ingest goes on and the events wait in the outbox.
    await worker.stop();
    const call2 = await threat(first);
    const seen = receiver.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.length).toBe(seen);
    expect(receiver.requests.some((r) => r.body.includes(call2))).toBe(false);
    const expected = (await api(first, 'GET', '/api/alerts?limit=500')).body.items.length;
    await first.close();

    // 3. Receiver back, a fresh server with its worker: everything arrives, once each after de-duplication.
    receiver.respond = () => 200;
    const second = await startServer(config, { log, delivery });
    try {
      const ok = () => new Set(receiver.requests.filter((r) => r.answered === 200).map((r) => String(r.headers['x-radar-event-id'])));
      await waitUntil(async () => {
        const d = (await api(second, 'GET', `/api/deliveries?subscriptionId=${sub.subscription.id}`)).body.items as any[];
        return d.length > 0 && d.every((x) => x.status === 'delivered') && d.length === ok().size ? d : undefined;
      }, 'every delivery delivered after the restart', 60_000);
      const bodies = receiver.requests.filter((r) => r.answered === 200).map((r) => r.body);
      expect(bodies.some((b) => b.includes(call1))).toBe(true);
      expect(bodies.some((b) => b.includes(call2))).toBe(true);
      const alertEvents = receiver.requests.filter((r) => r.answered === 200 && String(r.headers['x-radar-event-type']).startsWith('alert.'));
      expect(new Set(alertEvents.map((r) => JSON.parse(r.body).data.alert.id)).size).toBe(expected);
    } finally {
      await second.close();
    }
  });
});
