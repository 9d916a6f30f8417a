import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/log.js';
import { createLocalBus } from './local-bus.js';
import type { Bus, LiveEvent } from './types.js';

// Fan-out across Radar processes over NATS: every event published here reaches
// this process's subscribers at once (as with the local bus) and, through the
// subject radar.events.<call>, every other process's. Each process skips its own
// echo. Persisted events stay recoverable from the database (SSE resume), so a
// NATS hiccup delays live pushes but loses nothing.

const SUBJECT_PREFIX = 'radar.events';

interface Envelope {
  origin: string;
  event: LiveEvent;
}

const subjectFor = (e: LiveEvent) => `${SUBJECT_PREFIX}.${e.callId ? e.callId.replace(/[^A-Za-z0-9_-]/g, '_') : '_'}`;

export async function createNatsBus(url: string, log: Logger): Promise<Bus> {
  // noEcho: the server does not send this connection's own events back to it.
  const nc: NatsConnection = await connect({ servers: url, name: 'minwon-radar', maxReconnectAttempts: -1, reconnectTimeWait: 500, noEcho: true });
  const origin = randomUUID();
  const local = createLocalBus();
  const sub = nc.subscribe(`${SUBJECT_PREFIX}.>`);
  void (async () => {
    for await (const m of sub) {
      try {
        const env = m.json<Envelope>();
        if (env.origin !== origin) local.publish(env.event);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'bus: unreadable message skipped');
      }
    }
  })();
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') log.warn({ nats: s.type }, `bus: NATS ${s.type}`);
    }
  })();
  return {
    publish(e) {
      local.publish(e);
      try {
        nc.publish(subjectFor(e), JSON.stringify({ origin, event: e } satisfies Envelope));
      } catch (err) {
        // Closed or reconnecting: other processes catch up from the database.
        log.warn({ err: (err as Error).message }, 'bus: publish to NATS failed');
      }
    },
    subscribe: (fn) => local.subscribe(fn),
    health: () => (nc.isClosed() ? 'closed' : nc.isDraining() ? 'draining' : 'ok'),
    async close() {
      await local.close();
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
