import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/log.js';
import { partitionOf, type PartitionReader, type WorkQueue } from '../bus/work-queue.js';
import type { PartitionLocks } from '../store/partition-locks.js';
import { applyIngestMessage, type IngestMessage } from './ingest-queue.js';
import type { LivePipeline } from './live-pipeline.js';

// Each Radar process that reads the ingest queue holds a fair share of its
// partitions: ceil(partitions / live readers). A partition is read only while
// its advisory lock is held (src/store/partition-locks.ts), so two processes
// never read one partition — which keeps a call's utterances in order and its
// state in one place. When a reader joins, the others hand over what is above
// their share; when one dies, its locks go with its session and the rest take
// its partitions on their next round. Messages a dead reader had taken but not
// acknowledged are delivered again to the new one; storage is idempotent on
// utterance ids, so they are stored once.

export interface PartitionReaderDeps {
  queue: WorkQueue<IngestMessage>;
  openLocks: () => Promise<PartitionLocks>;
  pipeline: LivePipeline;
  log: Logger;
  /** How often shares are recomputed and free partitions claimed. */
  roundMs?: number;
  onOwnedChange?: (owned: number) => void;
  /** Receipt on the sending process → taken from the queue here (ms; clocks of two machines). */
  observeQueueWait?: (ms: number) => void;
}

export interface PartitionReaders {
  owned(): number[];
  /** Runs one claim/release round now (tests, start-up). */
  rebalance(): Promise<void>;
  stop(): Promise<void>;
}

/** Order in which a process tries partitions: from its own offset, so processes starting together spread out. */
export function claimOrder(selfId: string, partitions: number): number[] {
  const start = partitionOf(selfId, partitions);
  return Array.from({ length: partitions }, (_, i) => (start + i) % partitions);
}

export const fairShare = (partitions: number, readers: number) => Math.ceil(partitions / Math.max(1, readers));

export async function startPartitionReaders(deps: PartitionReaderDeps): Promise<PartitionReaders> {
  const selfId = randomUUID();
  const order = claimOrder(selfId, deps.queue.partitions);
  const readers = new Map<number, PartitionReader>();
  let locks: PartitionLocks | null = null;
  let lostLocks = false;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const changed = () => deps.onOwnedChange?.(readers.size);
  const forgetPartition = (p: number) => deps.pipeline.forgetCalls((callId) => deps.queue.partitionOf(callId) === p);

  async function dropAll() {
    await Promise.allSettled([...readers.values()].map((r) => r.stop()));
    for (const p of readers.keys()) forgetPartition(p);
    readers.clear();
    changed();
  }

  async function release(p: number) {
    const r = readers.get(p);
    if (!r) return;
    readers.delete(p);
    await r.stop();
    forgetPartition(p);
    await locks?.release(p);
    changed();
    deps.log.info({ partition: p }, 'ingest queue: partition handed over');
  }

  async function claim(p: number): Promise<boolean> {
    if (!locks || !(await locks.tryClaim(p))) return false;
    // State cached from an earlier turn with this partition may be stale.
    forgetPartition(p);
    try {
      readers.set(p, await deps.queue.read(p, (m) => applyIngestMessage(deps.pipeline, m, deps.observeQueueWait)));
    } catch (err) {
      await locks.release(p).catch(() => {});
      throw err;
    }
    changed();
    deps.log.info({ partition: p }, 'ingest queue: partition taken');
    return true;
  }

  async function round() {
    if (stopped) return;
    if (lostLocks || !locks) {
      // Without the lock connection another process may own our partitions already: stop reading first.
      await dropAll();
      await locks?.close().catch(() => {});
      locks = null;
      lostLocks = false;
      const opened = await deps.openLocks();
      opened.onLost((err) => {
        lostLocks = true;
        deps.log.error({ err: err.message }, 'ingest queue: partition lock connection lost; stopping reads');
        void dropAll();
      });
      locks = opened;
    }
    const share = fairShare(deps.queue.partitions, await locks.liveReaders());
    for (const p of [...readers.keys()].reverse()) {
      if (readers.size <= share) break;
      await release(p);
    }
    for (const p of order) {
      if (readers.size >= share || stopped) break;
      if (!readers.has(p)) await claim(p);
    }
  }

  const rebalance = () => {
    running = running.then(round).catch((err) => deps.log.warn({ err: (err as Error).message }, 'ingest queue: rebalance failed'));
    return running;
  };
  await rebalance();
  const timer = setInterval(() => void rebalance(), deps.roundMs ?? 2000);
  timer.unref();

  return {
    owned: () => [...readers.keys()].sort((a, b) => a - b),
    rebalance,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await dropAll();
      await locks?.close();
    },
  };
}
