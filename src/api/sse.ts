import type { FastifyInstance, FastifyReply, preHandlerAsyncHookHandler } from 'fastify';
import type { Bus, LiveEvent } from '../bus/types.js';
import type { RadarMetrics } from '../core/metrics.js';
import type { Db } from '../store/db.js';
import * as eventsRepo from '../store/events.js';
import { createWatermark, type Watermark } from './sse-watermark.js';

// Server-Sent Events with resume. The subscription starts before the replay so
// nothing published meanwhile is missed; events seen in the replay are not sent
// twice. A client that cannot keep up is disconnected and resumes with
// Last-Event-ID, so slowness never grows server memory without bound.

const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 1 << 20;
const REPLAY_PAGE = 500;
/** How long a gap in the event seqs may stay open before the database is asked. */
const GAP_GRACE_MS = 1000;

export interface SseOptions {
  db: Db;
  bus: Bus;
  /** Which live events this stream carries. */
  accept: (e: LiveEvent) => boolean;
  /** Replay persisted events after this seq (from Last-Event-ID); null = live only. */
  lastEventId: number | null;
  /** Whether persisted events read from the log (resume, gap filling) are for this client. */
  replayFilter?: (type: string, payload: unknown) => boolean;
  /** Grace before a gap in the event seqs is looked up in the database (default 1 s). */
  gapGraceMs?: number;
  metrics?: RadarMetrics;
}

/** One open Server-Sent Events response. */
export interface SseChannel {
  send(type: string, payload: unknown, id?: number | null): void;
  /** Moves the client's resume point (Last-Event-ID) without an event. */
  mark(id: number): void;
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
    mark(id) {
      if (!closed) res.write(`id: ${id}\n\n`);
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

/**
 * Streams persisted events with resume. Each event is sent as soon as it is
 * published, labelled with the stream's watermark (see sse-watermark.ts), not
 * its own seq: resuming from the last id a client saw then never skips an event
 * that committed late. A gap in the seqs that does not fill within the grace
 * period is looked up in the database: events found there that the bus never
 * brought (a lost NATS message) are sent then, holes (rolled-back
 * transactions) are passed.
 */
export async function streamEvents(reply: FastifyReply, opts: SseOptions): Promise<void> {
  const channel = openSseChannel(reply, opts.metrics);
  const graceMs = opts.gapGraceMs ?? GAP_GRACE_MS;
  const wanted = (type: string, payload: unknown) => !opts.replayFilter || opts.replayFilter(type, payload);
  // Events of a resumed stream at or below its resume point were delivered before.
  const floor = opts.lastEventId ?? -1;
  const sent = new Set<number>();
  let pending: LiveEvent[] | null = [];
  let mark: Watermark | null = null;
  let gapTimer: NodeJS.Timeout | null = null;

  // The data carries the event's own seq (the id is the resume point), so a
  // client can drop an event it receives twice after a reconnect.
  const sendStored = (seq: number, type: string, payload: unknown) => {
    sent.add(seq);
    channel.send(type, payload && typeof payload === 'object' && !Array.isArray(payload) ? { ...payload, seq } : { data: payload, seq }, mark!.value);
  };
  const deliver = (e: LiveEvent) => {
    if (e.seq === null) {
      channel.send(e.type, e.payload, null);
      return;
    }
    if (e.seq <= floor || sent.has(e.seq)) return;
    mark!.see(e.seq);
    if (opts.accept(e)) sendStored(e.seq, e.type, e.payload);
    watchGap();
  };
  const watchGap = () => {
    if (sent.size > 4096) for (const s of sent) if (s <= mark!.value) sent.delete(s);
    if (gapTimer || channel.closed || !mark!.gap()) return;
    gapTimer = setTimeout(() => void fillGap(), graceMs);
  };
  const fillGap = async () => {
    const gap = mark!.gap();
    if (!gap || channel.closed) { gapTimer = null; return; }
    try {
      const rows = await eventsRepo.eventsBetween(opts.db, gap.after, gap.upTo);
      mark!.settle(gap.upTo);
      let labelled = false;
      for (const ev of rows) {
        if (ev.seq <= floor || sent.has(ev.seq) || !wanted(ev.type, ev.payload)) continue;
        sendStored(ev.seq, ev.type, ev.payload);
        labelled = true;
      }
      // Move the client's resume point past the gap even when nothing was sent.
      if (!labelled) channel.mark(mark!.value);
    } catch {
      // Database unreachable: try again after another grace period.
    }
    gapTimer = null;
    watchGap();
  };
  channel.onClose(() => { if (gapTimer) clearTimeout(gapTimer); });

  const unsubscribe = opts.bus.subscribe((e) => {
    if (e.seq === null && !opts.accept(e)) return;
    if (pending) pending.push(e);
    else deliver(e);
  });
  channel.onClose(unsubscribe);

  try {
    if (opts.lastEventId !== null) {
      mark = createWatermark(opts.lastEventId);
      let after = opts.lastEventId;
      for (;;) {
        const page = await eventsRepo.eventsAfter(opts.db, after, REPLAY_PAGE);
        for (const ev of page) {
          mark.see(ev.seq);
          if (wanted(ev.type, ev.payload)) sendStored(ev.seq, ev.type, ev.payload);
          else sent.add(ev.seq);
        }
        if (page.length < REPLAY_PAGE || channel.closed) break;
        after = page[page.length - 1].seq;
      }
    } else {
      // A live-only client starts at the newest event; anything published from
      // now on is sent, including events below this mark that commit late.
      mark = createWatermark(await eventsRepo.lastEventSeq(opts.db));
    }
  } catch {
    channel.close();
    return;
  }
  const queued = pending;
  pending = null;
  for (const e of queued) deliver(e);
  watchGap();
}

/**
 * Registers a resumable stream of persisted events: GET `path`, the event types
 * `wanted` says yes to, resumed from `Last-Event-ID` (header or `?lastEventId=`).
 */
export function eventStreamRoute(app: FastifyInstance, o: {
  path: string; tag: string; summary: string; preHandler: preHandlerAsyncHookHandler;
  db: Db; bus: Bus; metrics?: RadarMetrics; wanted: (type: string) => boolean;
}): void {
  app.get(o.path, {
    preHandler: o.preHandler,
    schema: { tags: [o.tag], summary: o.summary, querystring: { type: 'object', properties: { lastEventId: { type: 'string' } } } },
  }, async (req, reply) => {
    await streamEvents(reply, {
      db: o.db, bus: o.bus, metrics: o.metrics,
      accept: (e) => e.seq !== null && o.wanted(e.type),
      replayFilter: (type) => o.wanted(type),
      lastEventId: parseLastEventId(req.headers['last-event-id'], (req.query as { lastEventId?: string }).lastEventId),
    });
  });
}
