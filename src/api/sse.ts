import type { FastifyReply } from 'fastify';
import type { Bus, LiveEvent } from '../bus/types.js';
import type { RadarMetrics } from '../core/metrics.js';
import type { Db } from '../store/db.js';
import * as eventsRepo from '../store/events.js';

// Server-Sent Events with resume. The subscription starts before the replay so
// nothing published meanwhile is missed; events seen in the replay are not sent
// twice. A client that cannot keep up is disconnected and resumes with
// Last-Event-ID, so slowness never grows server memory without bound.

const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 1 << 20;
const REPLAY_PAGE = 500;

export interface SseOptions {
  db: Db;
  bus: Bus;
  /** Which live events this stream carries. */
  accept: (e: LiveEvent) => boolean;
  /** Replay persisted events after this seq (from Last-Event-ID); null = live only. */
  lastEventId: number | null;
  /** Whether persisted events from the log should be replayed to this client. */
  replayFilter?: (type: string, payload: unknown) => boolean;
  metrics?: RadarMetrics;
}

/** One open Server-Sent Events response. */
export interface SseChannel {
  send(type: string, payload: unknown, id?: number | null): void;
  readonly closed: boolean;
  close(): void;
  /** Runs when the client goes away or the channel is closed. */
  onClose(fn: () => void): void;
}

/**
 * Takes over the response and opens an event stream: headers, reconnect delay,
 * heartbeats, and the slow-client rule (over 1 MiB unsent → closed; the client
 * reconnects and catches up, so memory never grows with a slow reader).
 */
export function openSseChannel(reply: FastifyReply, metrics?: RadarMetrics): SseChannel {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  let closed = false;
  const closers: (() => void)[] = [];
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  metrics?.sseClients.inc();
  const channel: SseChannel = {
    send(type, payload, id = null) {
      if (closed) return;
      res.write(`${id !== null ? `id: ${id}\n` : ''}event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
      if (res.writableLength > MAX_BUFFERED_BYTES) channel.close();
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      metrics?.sseClients.dec();
      for (const fn of closers) fn();
      res.end();
    },
    onClose: (fn) => closers.push(fn),
  };
  res.on('close', () => channel.close());
  return channel;
}

export function parseLastEventId(header: unknown, query: unknown): number | null {
  const raw = typeof header === 'string' && header !== '' ? header : typeof query === 'string' ? query : null;
  if (raw === null) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

export async function streamEvents(reply: FastifyReply, opts: SseOptions): Promise<void> {
  const channel = openSseChannel(reply, opts.metrics);
  let pending: LiveEvent[] | null = [];
  const replayed = new Set<number>();

  const send = (e: LiveEvent) => channel.send(e.type, e.payload, e.seq);
  const unsubscribe = opts.bus.subscribe((e) => {
    if (!opts.accept(e)) return;
    if (pending) pending.push(e);
    else if (e.seq === null || !replayed.has(e.seq)) send(e);
  });
  channel.onClose(unsubscribe);

  try {
    if (opts.lastEventId !== null) {
      let after = opts.lastEventId;
      for (;;) {
        const page = await eventsRepo.eventsAfter(opts.db, after, REPLAY_PAGE);
        for (const ev of page) {
          replayed.add(ev.seq);
          if (!opts.replayFilter || opts.replayFilter(ev.type, ev.payload)) {
            send({ seq: ev.seq, type: ev.type, callId: null, payload: ev.payload });
          }
        }
        if (page.length < REPLAY_PAGE || channel.closed) break;
        after = page[page.length - 1].seq;
      }
    }
  } catch {
    channel.close();
    return;
  }
  const queued = pending;
  pending = null;
  for (const e of queued) if (e.seq === null || !replayed.has(e.seq)) send(e);
}
