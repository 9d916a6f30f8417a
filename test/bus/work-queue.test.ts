import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createLogger } from '../../src/core/log.js';
import { openWorkQueue, partitionOf, PermanentFailure, type WorkQueue } from '../../src/bus/work-queue.js';

// The JetStream work queue against a real NATS server (NATS_URL; CI runs one).

const url = process.env.NATS_URL;
if (!url) console.log('[tests] NATS_URL not set: JetStream work-queue tests skipped');
const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('partitionOf', () => {
  it('is stable and within range', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 1024 }), (key, n) => {
      const p = partitionOf(key, n);
      return Number.isInteger(p) && p >= 0 && p < n && p === partitionOf(key, n);
    }));
  });
  it('spreads call ids over the partitions', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 1600; i++) counts[partitionOf(`call-${i}`, 16)]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(150);
  });
});

describe.skipIf(!url)('JetStream work queue', () => {
  const streams: string[] = [];
  const queues: WorkQueue<unknown>[] = [];
  const open = async <T>(partitions: number, extra: { ackWaitMs?: number } = {}) => {
    const stream = `TEST_WQ_${Date.now().toString(36)}_${streams.length}`;
    streams.push(stream);
    const q = await openWorkQueue<T>(url!, { stream, partitions, ...extra }, log);
    queues.push(q as WorkQueue<unknown>);
    return q;
  };
  afterAll(async () => {
    for (const q of queues) await q.close();
    const nc = await connect({ servers: url });
    const jsm = await jetstreamManager(nc);
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
  });

  it('delivers every message once, in publish order per key, to the readers of the partitions', async () => {
    const q = await open<{ key: string; n: number }>(4);
    const keys = Array.from({ length: 12 }, (_, i) => `call-${i}`);
    for (let n = 0; n < 30; n++) for (const key of keys) await q.publish(key, { key, n });
    const seen = new Map<string, number[]>();
    const wrongPartition: string[] = [];
    const readers = await Promise.all([0, 1, 2, 3].map((p) => q.read(p, async (m, meta) => {
      if (meta.partition !== q.partitionOf(m.key)) wrongPartition.push(m.key);
      // Handlers finish out of order; order is what they were started in.
      (seen.get(m.key) ?? seen.set(m.key, []).get(m.key)!).push(m.n);
      await sleep(Math.random() * 3);
    })));
    for (let i = 0; i < 100 && [...seen.values()].reduce((a, v) => a + v.length, 0) < 360; i++) await sleep(50);
    await Promise.all(readers.map((r) => r.stop()));
    expect(wrongPartition).toEqual([]);
    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: 30 }, (_, n) => n));
  });

  it('stores a message once per id within the duplicate window', async () => {
    const q = await open<{ v: number }>(1);
    expect((await q.publish('k', { v: 1 }, 'same-id')).duplicate).toBe(false);
    expect((await q.publish('k', { v: 2 }, 'same-id')).duplicate).toBe(true);
    const got: number[] = [];
    const r = await q.read(0, async (m) => { got.push(m.v); });
    await sleep(500);
    await r.stop();
    expect(got).toEqual([1]);
  });

  it('delivers a failed message again, drops a permanently failed one, and keeps unread messages for the next reader', async () => {
    const q = await open<{ v: string }>(1);
    await q.publish('k', { v: 'flaky' });
    await q.publish('k', { v: 'bad' });
    const attempts = new Map<string, number>();
    const r1 = await q.read(0, async (m) => {
      const n = (attempts.get(m.v) ?? 0) + 1;
      attempts.set(m.v, n);
      if (m.v === 'flaky' && n === 1) throw new Error('database unavailable');
      if (m.v === 'bad') throw new PermanentFailure('invalid');
    });
    for (let i = 0; i < 60 && (attempts.get('flaky') ?? 0) < 2; i++) await sleep(100);
    await sleep(300);
    await r1.stop();
    expect(attempts.get('flaky')).toBe(2);
    expect(attempts.get('bad')).toBe(1);

    // Published while nobody reads: kept until a reader comes.
    await q.publish('k', { v: 'later' });
    const got: string[] = [];
    const r2 = await q.read(0, async (m) => { got.push(m.v); });
    for (let i = 0; i < 40 && got.length === 0; i++) await sleep(50);
    await sleep(1500);
    await r2.stop();
    expect(got).toEqual(['later']);
  });

  it('redelivers what a reader took but never acknowledged (a crashed process)', async () => {
    const q = await open<{ v: number }>(1, { ackWaitMs: 1000 });
    await q.publish('k', { v: 1 });
    let release!: () => void;
    const hung = new Promise<void>((r) => { release = r; });
    let firstSeen = false;
    const r1 = await q.read(0, async () => { firstSeen = true; await hung; });
    for (let i = 0; i < 40 && !firstSeen; i++) await sleep(50);
    expect(firstSeen).toBe(true);
    // A second reader (the one that took over) gets it after the ack wait.
    const got: number[] = [];
    const r2 = await q.read(0, async (m) => { got.push(m.v); });
    for (let i = 0; i < 60 && got.length === 0; i++) await sleep(100);
    expect(got).toEqual([1]);
    release();
    await Promise.all([r1.stop(), r2.stop()]);
  });
});
