import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType,
  type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg,
} from '@nats-io/jetstream';
import type { Logger } from '../core/log.js';

// A partitioned work queue on NATS JetStream. Messages with the same key (a
// call id) go to the same partition subject; each partition has one durable
// consumer, and whoever consumes a partition sees its messages in the order
// they were published. Which process consumes which partition is decided
// elsewhere (src/pipeline/partition-worker.ts): JetStream on the servers this
// project targets (2.9) cannot pin a consumer to one client, and per-call order
// needs exactly one reader per partition.
//
// The stream keeps messages on disk until they are acknowledged (work-queue
// retention), so a message accepted here survives a crash of any Radar process;
// a handler that fails gets the message again later.

const NANOS_PER_MS = 1_000_000;

export interface WorkQueueOptions {
  /** Stream name (also the subject prefix, lower-cased). */
  stream: string;
  partitions: number;
  /** Unacknowledged messages handed to one partition's reader at once. */
  maxInFlight?: number;
  /** A message not acknowledged this long after delivery is delivered again (default 10 s: how long a dead reader's messages wait). */
  ackWaitMs?: number;
  /** Publishes with the same id within this window are stored once. */
  duplicateWindowMs?: number;
}

export interface QueueHandler<T> {
  /**
   * Called in publish order for one partition; the message is acknowledged
   * when the promise resolves. Rejecting with `permanent` true drops it (bad
   * data that no retry fixes), otherwise it is delivered again after a delay.
   */
  (message: T, meta: { redelivered: boolean; partition: number }): Promise<void>;
}

export class PermanentFailure extends Error {
  readonly permanent = true;
}

export interface PartitionReader {
  readonly partition: number;
  /** Stops taking messages and waits until the handlers of those taken have finished. */
  stop(): Promise<void>;
}

export interface WorkQueue<T> {
  readonly partitions: number;
  partitionOf(key: string): number;
  /** Resolves once the stream has stored the message (or already had this id). */
  publish(key: string, message: T, id?: string): Promise<{ duplicate: boolean }>;
  read(partition: number, handler: QueueHandler<T>): Promise<PartitionReader>;
  /** 'ok', or why the queue cannot be used now. */
  health(): string;
  close(): Promise<void>;
}

/** FNV-1a over UTF-16 code units: stable across processes and releases. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

const RETRY_DELAY_MS = 1000;

export async function openWorkQueue<T>(url: string, opts: WorkQueueOptions, log: Logger): Promise<WorkQueue<T>> {
  if (!Number.isInteger(opts.partitions) || opts.partitions < 1 || opts.partitions > 1024) {
    throw new Error(`work queue partitions must be an integer from 1 to 1024, got ${opts.partitions}`);
  }
  const nc: NatsConnection = await connect({ servers: url, name: `minwon-radar-${opts.stream}`, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const prefix = opts.stream.toLowerCase();
  const subject = (p: number) => `${prefix}.${p}`;
  await ensureStream(jsm, opts, `${prefix}.*`);
  for (let p = 0; p < opts.partitions; p++) await ensureConsumer(jsm, opts, p, subject(p));

  // Readiness follows the connection: while NATS is away, publishing fails (503) and /readyz says why.
  let link = 'ok';
  void (async () => {
    for await (const st of nc.status()) {
      if (st.type === 'disconnect') link = 'disconnected';
      else if (st.type === 'reconnect') link = 'ok';
      if (st.type === 'disconnect' || st.type === 'reconnect') log.warn({ stream: opts.stream, nats: st.type }, `work queue: NATS ${st.type}`);
    }
  })();

  const encoder = new TextEncoder();
  return {
    partitions: opts.partitions,
    partitionOf: (key) => partitionOf(key, opts.partitions),
    async publish(key, message, id) {
      const ack = await js.publish(subject(partitionOf(key, opts.partitions)), encoder.encode(JSON.stringify(message)), id ? { msgID: id } : undefined);
      return { duplicate: ack.duplicate };
    },
    read: (partition, handler) => readPartition(js, opts, partition, handler, log),
    health: () => (nc.isClosed() ? 'closed' : nc.isDraining() ? 'draining' : link),
    async close() {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}

async function ensureStream(jsm: JetStreamManager, opts: WorkQueueOptions, subjects: string) {
  const config = {
    name: opts.stream,
    subjects: [subjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: (opts.duplicateWindowMs ?? 120_000) * NANOS_PER_MS,
  };
  try {
    await jsm.streams.info(opts.stream);
    await jsm.streams.update(opts.stream, config);
  } catch (err) {
    if (!/not found/i.test((err as Error).message)) throw err;
    await jsm.streams.add(config);
  }
}

const consumerName = (stream: string, p: number) => `${stream.toLowerCase()}-p${p}`;

async function ensureConsumer(jsm: JetStreamManager, opts: WorkQueueOptions, p: number, filter: string) {
  const name = consumerName(opts.stream, p);
  const tunable = {
    ack_wait: (opts.ackWaitMs ?? 10_000) * NANOS_PER_MS,
    max_ack_pending: opts.maxInFlight ?? 1000,
  };
  try {
    await jsm.consumers.info(opts.stream, name);
  } catch (err) {
    if (!/not found/i.test((err as Error).message)) throw err;
    await jsm.consumers.add(opts.stream, {
      durable_name: name, filter_subject: filter, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...tunable,
    });
    return;
  }
  // Existing (an earlier start or another process): only the settings that may change.
  await jsm.consumers.update(opts.stream, name, tunable);
}

async function readPartition<T>(js: JetStreamClient, opts: WorkQueueOptions, partition: number, handler: QueueHandler<T>, log: Logger): Promise<PartitionReader> {
  const consumer = await js.consumers.get(opts.stream, consumerName(opts.stream, partition));
  const messages: ConsumerMessages = await consumer.consume({ max_messages: Math.min(opts.maxInFlight ?? 1000, 256) });
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  const settle = (m: JsMsg, work: Promise<void>) => work.then(
    () => m.ack(),
    (err) => {
      if ((err as { permanent?: boolean })?.permanent) {
        log.warn({ partition, seq: m.seq, err: (err as Error).message }, 'work queue: message dropped (cannot be processed)');
        m.term((err as Error).message.slice(0, 200));
      } else {
        log.warn({ partition, seq: m.seq, err: (err as Error).message }, 'work queue: handler failed, message will be delivered again');
        m.nak(RETRY_DELAY_MS);
      }
    },
  );

  const loop = (async () => {
    for await (const m of messages) {
      if (stopping) {
        // Taken after stop: give it back at once for the next reader.
        m.nak();
        continue;
      }
      let message: T;
      try {
        message = m.json<T>();
      } catch {
        m.term('not JSON');
        continue;
      }
      // Started synchronously in delivery order: the handler's own synchronous
      // part (ordering by call) runs before the next message is looked at.
      let work: Promise<void>;
      try {
        work = handler(message, { redelivered: m.redelivered, partition });
      } catch (err) {
        work = Promise.reject(err);
      }
      const done = settle(m, work);
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    }
  })();

  return {
    partition,
    async stop() {
      stopping = true;
      await messages.close().catch(() => {});
      await loop.catch(() => {});
      await Promise.allSettled([...inFlight]);
    },
  };
}
