import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { relayOnce } from '../../src/delivery/relay.js';
import type { Db } from '../../src/store/db.js';
import * as deliveriesRepo from '../../src/store/deliveries.js';
import { appendEvent } from '../../src/store/events.js';
import { migrate } from '../../src/store/migrate.js';
import * as subs from '../../src/store/subscriptions.js';
import { testDatabases } from '../helpers/databases.js';

// The relay and claims against a real database: gaps left by rolled-back and
// still-open transactions, idempotent fan-out, the relay lock, leases.

// Several server starts on a loaded two-core machine: generous limits; waits poll.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDatabases)('outbox relay and claims ($name)', (tdb) => {
  let db: Db;
  let url: string | null;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await tdb.open();
    ({ db, url, drop } = opened);
    await migrate(db);
    await subs.insertSubscription(db, {
      id: 'sub-all', name: 'all', kind: 'webhook', target: 'http://127.0.0.1:9/', eventTypes: ['*'],
      minSeverity: null, categories: [], secret: 's', enabled: true, createdBy: null,
    });
  });
  afterAll(async () => drop?.());

  const deliveredSeqs = async () => (await db.query('SELECT event_seq FROM deliveries ORDER BY event_seq')).map((r) => Number(r.event_seq));
  const cursor = async () => Number((await db.query('SELECT cursor_seq FROM delivery_relay'))[0]!.cursor_seq);

  it('waits at a young gap left by a rolled-back transaction and skips it once old', async () => {
    const first = await appendEvent(db, 'test.one', 'x', {});
    await db.tx(async (q) => {
      await appendEvent(q, 'test.rolled_back', 'x', {});
      throw new Error('roll back');
    }).catch(() => {});
    const third = await appendEvent(db, 'test.three', 'x', {});
    expect(third.seq).toBe(first.seq + 2);

    const r1 = await relayOnce(db, { batch: 100, gapGraceMs: 60_000 });
    expect(r1).toMatchObject({ locked: true, consumed: 1, cursor: first.seq, skipped: 0 });
    expect(await relayOnce(db, { batch: 100, gapGraceMs: 60_000 })).toMatchObject({ consumed: 0, cursor: first.seq });
    expect(await deliveredSeqs()).toEqual([first.seq]);
    expect((await deliveriesRepo.deliverySummary(db)).waitingOnGapSince).not.toBeNull();

    await sleep(400);
    const r3 = await relayOnce(db, { batch: 100, gapGraceMs: 300 });
    expect(r3).toMatchObject({ consumed: 1, skipped: 1, cursor: third.seq });
    expect(await deliveredSeqs()).toEqual([first.seq, third.seq]);
    const summary = await deliveriesRepo.deliverySummary(db);
    expect(summary).toMatchObject({ cursor: third.seq, lag: 0, skippedSeqs: 1, waitingOnGapSince: null });
  });

  it('re-running the relay from an old cursor inserts no duplicate delivery', async () => {
    const before = await deliveredSeqs();
    await db.query('UPDATE delivery_relay SET cursor_seq = 0, gap_max_seq = NULL, gap_seen_at = NULL');
    const r = await relayOnce(db, { batch: 100, gapGraceMs: 0 });
    expect(r.fannedOut).toBe(0);
    expect(await deliveredSeqs()).toEqual(before);
  });

  it.runIf(tdb.name === 'postgres')('does not skip a lower seq that commits after a higher one', async () => {
    const other = new pg.Client({ connectionString: url! });
    await other.connect();
    try {
      await other.query('BEGIN');
      const [held] = (await other.query(`INSERT INTO events (type, subject_id, payload) VALUES ('test.slow', 'x', '{}') RETURNING seq`)).rows;
      const later = await appendEvent(db, 'test.fast', 'x', {});
      expect(later.seq).toBeGreaterThan(Number(held.seq));
      const start = await cursor();
      const r1 = await relayOnce(db, { batch: 100, gapGraceMs: 60_000 });
      expect(r1.cursor).toBe(start);
      expect(await deliveredSeqs()).not.toContain(later.seq);
      await other.query('COMMIT');
      const r2 = await relayOnce(db, { batch: 100, gapGraceMs: 60_000 });
      expect(r2).toMatchObject({ consumed: 2, skipped: 0, cursor: later.seq });
      expect(await deliveredSeqs()).toEqual(expect.arrayContaining([Number(held.seq), later.seq]));
    } finally {
      await other.end();
    }
  });

  it.runIf(tdb.name === 'postgres')('lets only one process relay at a time', async () => {
    const other = new pg.Client({ connectionString: url! });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT * FROM delivery_relay WHERE id = 1 FOR UPDATE');
      await appendEvent(db, 'test.locked', 'x', {});
      expect(await relayOnce(db, { batch: 100, gapGraceMs: 0 })).toMatchObject({ locked: false, consumed: 0 });
      await other.query('ROLLBACK');
      expect(await relayOnce(db, { batch: 100, gapGraceMs: 0 })).toMatchObject({ locked: true, consumed: 1 });
    } finally {
      await other.end();
    }
  });

  it('hands a crashed worker’s claim to another after its lease; the late worker cannot overwrite', async () => {
    const e = await appendEvent(db, 'test.lease', 'x', {});
    await relayOnce(db, { batch: 100, gapGraceMs: 0 });
    const claim = (token: string, leaseMs: number) => db.tx((q) => deliveriesRepo.claimDue(q, { limit: 10, leaseMs, token }));
    const a = (await claim('worker-a', 300)).filter((c) => c.event?.seq === e.seq);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ attempt: 1, kind: 'webhook', subscriptionId: 'sub-all' });
    expect(a[0]!.event).toMatchObject({ seq: e.seq, type: 'test.lease' });
    expect((await claim('worker-b', 300)).some((c) => c.id === a[0]!.id)).toBe(false);

    await sleep(450);
    const b = (await claim('worker-b', 10_000)).filter((c) => c.id === a[0]!.id);
    expect(b).toHaveLength(1);
    expect(b[0]!.attempt).toBe(2);
    const rec = (ok: boolean, attempt: number) => ({ attempt, ok, status: ok ? 200 : 500, error: ok ? null : 'HTTP 500', durationMs: 1 });
    expect(await db.tx((q) => deliveriesRepo.settle(q, a[0]!.id, 'worker-a', rec(false, 1), { status: 'pending', delayMs: 0 }))).toBe(false);
    expect(await db.tx((q) => deliveriesRepo.settle(q, b[0]!.id, 'worker-b', rec(true, 2), { status: 'delivered' }))).toBe(true);
    const d = await deliveriesRepo.getDelivery(db, a[0]!.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(d!.attemptLog.map((x) => x.attempt)).toEqual([1, 2]);
  });

  it('a released claim (worker stopping) is due again at once and does not count the attempt', async () => {
    const e = await appendEvent(db, 'test.release', 'x', {});
    await relayOnce(db, { batch: 100, gapGraceMs: 0 });
    const mine = (await db.tx((q) => deliveriesRepo.claimDue(q, { limit: 10, leaseMs: 60_000, token: 't1' }))).find((c) => c.event?.seq === e.seq)!;
    await deliveriesRepo.releaseClaim(db, mine.id, 't1');
    const again = (await db.tx((q) => deliveriesRepo.claimDue(q, { limit: 10, leaseMs: 60_000, token: 't2' }))).find((c) => c.id === mine.id);
    expect(again?.attempt).toBe(1);
  });
});
