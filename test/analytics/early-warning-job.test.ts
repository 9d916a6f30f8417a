import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EARLY_WARNING, loadTopicSet, runEarlyWarning, type EarlyWarningConfig } from '../../src/analytics/early-warning/index.js';
import type { Db } from '../../src/store/db.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { testDatabases } from '../helpers/databases.js';

// The job against a real database (PGlite, and PostgreSQL when DATABASE_URL is
// set): mentions, counts, warnings, outbox events, the cursor across restarts
// and crashes, and two evaluators at once. Time is passed in (`now`), never waited for.

const MIN = 60_000;
const DAY = 86_400_000;
const topics = loadTopicSet();
const config: EarlyWarningConfig = { ...DEFAULT_EARLY_WARNING, enabled: false, batchSize: 50, gapGraceMs: 0 };
const deps = (db: Db, over: Partial<EarlyWarningConfig> = {}) => ({ db, config: { ...config, ...over }, topics: () => topics });

const NEUTRAL = '카드 이용 대금 납부일 문의드립니다';
const PAYMENT = '아까부터 결제가 안 돼요 결제 오류라고 떠요';

let seq = 0;
interface SeedCall { at: number; text: string; speaker?: 'customer' | 'agent' }

/** Calls with one utterance each, started at the given times (the utterance 10 s in). */
async function seed(db: Db, calls: SeedCall[]): Promise<string[]> {
  const ids = calls.map(() => `call-${++seq}`);
  await db.query(
    `INSERT INTO calls (id, started_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])`,
    [ids, calls.map((c) => new Date(c.at).toISOString())],
  );
  await db.query(
    `INSERT INTO utterances (call_id, id, speaker, start_ms, end_ms, text)
     SELECT c, 'u1', s, 10000, 14000, t FROM unnest($1::text[], $2::text[], $3::text[]) AS x(c, s, t)`,
    [ids, calls.map((c) => c.speaker ?? 'customer'), calls.map((c) => c.text)],
  );
  return ids;
}

/** A week of quiet history at this time of day: 20 calls a day, one about payment errors every other day. */
async function quietHistory(db: Db, now: number) {
  const calls: SeedCall[] = [];
  for (let d = 1; d <= 7; d++) {
    for (let i = 0; i < 20; i++) calls.push({ at: now - d * DAY - 50 * MIN + i * 5 * MIN, text: d % 2 === 0 && i === 3 ? PAYMENT : NEUTRAL });
  }
  await seed(db, calls);
}

/** `n` calls in the last `spanMin` minutes before `now` saying `text`. */
const recent = (now: number, n: number, text: string, spanMin = 25): SeedCall[] =>
  Array.from({ length: n }, (_, i) => ({ at: now - (spanMin * MIN * (i + 1)) / (n + 1), text }));

async function warnings(db: Db) {
  return db.query('SELECT * FROM early_warnings ORDER BY raised_at');
}
async function events(db: Db) {
  return db.query("SELECT seq, type, payload FROM events WHERE type LIKE 'early_warning.%' ORDER BY seq");
}

for (const tdb of testDatabases) {
  describe(`early-warning job (${tdb.name})`, () => {
    let db: Db;
    let url: string | null;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      ({ db, url, drop } = await tdb.open());
      await migrate(db);
    });
    afterAll(async () => drop());
    beforeEach(async () => {
      await db.exec(`TRUNCATE early_warnings, topic_mentions, events, calls CASCADE;
        UPDATE early_warning_state SET cursor_seq = NULL, gap_max_seq = NULL, gap_seen_at = NULL, skipped_seqs = 0`);
    });

    it('normal fluctuation raises nothing', async () => {
      const now = Date.now();
      await quietHistory(db, now);
      await seed(db, [...recent(now, 20, NEUTRAL), ...recent(now, 1, PAYMENT)]);
      const r = await runEarlyWarning(deps(db), { now });
      expect(r).toMatchObject({ locked: true, caughtUp: true, evaluated: true, raised: 0 });
      expect(r.mentions).toBeGreaterThanOrEqual(4);
      expect(await warnings(db)).toHaveLength(0);
    });

    it('without any history nothing is raised, however many calls (nothing to compare with)', async () => {
      const now = Date.now();
      await seed(db, recent(now, 30, PAYMENT));
      expect((await runEarlyWarning(deps(db), { now })).raised).toBe(0);
    });

    it('a real spike raises one warning with its counts, samples, audit entry and outbox event', async () => {
      const now = Date.now();
      await quietHistory(db, now);
      const spike = await seed(db, [...recent(now, 20, NEUTRAL), ...recent(now, 12, PAYMENT)]);
      const r = await runEarlyWarning(deps(db), { now });
      expect(r.raised).toBe(1);
      const [w] = await warnings(db);
      expect(w).toMatchObject({ topic_id: 'payment_error', topic_label: '결제 오류·승인 거절', status: 'open', calls: 12, window_minutes: 30, history_days: 7 });
      expect(w.baseline).toBeGreaterThan(0);
      expect(w.baseline).toBeLessThan(2);
      expect(w.samples.length).toBe(5);
      for (const s of w.samples) expect(spike).toContain(s.callId);
      const [e] = await events(db);
      expect(e.type).toBe('early_warning.raised');
      expect(e.payload.warning).toMatchObject({ id: w.id, topicId: 'payment_error', calls: 12, severity: w.severity });
      expect(JSON.stringify(e.payload)).not.toContain('결제가 안 돼요'); // no transcript text leaves in events
      expect(r.events.map((x) => x.seq)).toEqual([e.seq]);
      const [a] = await db.query("SELECT * FROM audit_log WHERE action = 'early_warning.raised'");
      expect(a.target_id).toBe(w.id);
    });

    it('one warning per topic: later runs update it, announce only significant growth, then resolve it', async () => {
      const now = Date.now();
      await quietHistory(db, now);
      await seed(db, recent(now, 12, PAYMENT));
      await runEarlyWarning(deps(db), { now });
      // A few more calls: counts move, nothing announced, still one warning.
      await seed(db, recent(now + 2 * MIN, 2, PAYMENT, 1));
      const small = await runEarlyWarning(deps(db), { now: now + 2 * MIN });
      expect(small).toMatchObject({ raised: 0, updated: 0, resolved: 0 });
      let ws = await warnings(db);
      expect(ws).toHaveLength(1);
      expect(ws[0].calls).toBe(14);
      // Many more: announced as growth.
      await seed(db, recent(now + 4 * MIN, 15, PAYMENT, 1.5));
      const big = await runEarlyWarning(deps(db), { now: now + 4 * MIN });
      expect(big.updated).toBe(1);
      ws = await warnings(db);
      expect(ws).toHaveLength(1);
      expect(ws[0]).toMatchObject({ calls: 29, notified_calls: 29, peak_calls: 29 });
      // An hour later the window is empty: resolved, once.
      const later = await runEarlyWarning(deps(db), { now: now + 60 * MIN });
      expect(later.resolved).toBe(1);
      ws = await warnings(db);
      expect(ws[0]).toMatchObject({ status: 'resolved', peak_calls: 29 });
      expect((await runEarlyWarning(deps(db), { now: now + 61 * MIN })).resolved).toBe(0);
      expect((await events(db)).map((e) => e.type)).toEqual(['early_warning.raised', 'early_warning.updated', 'early_warning.resolved']);
    });

    it('agent speech and negated mentions do not count', async () => {
      const now = Date.now();
      await quietHistory(db, now);
      await seed(db, [
        ...recent(now, 12, '결제 오류 건으로 연락 주셨죠').map((c) => ({ ...c, speaker: 'agent' as const })),
        ...recent(now, 12, '결제 오류는 아니고요 한도 문의예요'),
      ]);
      expect((await runEarlyWarning(deps(db), { now })).raised).toBe(0);
      const [m] = await db.query("SELECT count(*)::int AS n FROM topic_mentions WHERE topic_id = 'payment_error' AND at > $1", [new Date(now - 30 * MIN).toISOString()]);
      expect(m.n).toBe(0);
    });

    it('a crash inside a run keeps nothing of it; the next run counts every mention exactly once', async () => {
      const now = Date.now();
      await quietHistory(db, now);
      await seed(db, recent(now, 12, PAYMENT));
      let calls = 0;
      const crash = async () => {
        calls++;
        if (calls === 2) throw new Error('simulated crash after writing mentions');
      };
      await expect(runEarlyWarning(deps(db), { now, afterMentions: crash })).rejects.toThrow('simulated crash');
      const [half] = await db.query('SELECT cursor_seq FROM early_warning_state');
      const [{ max }] = await db.query('SELECT max(seq)::bigint AS max FROM utterances');
      expect(Number(half.cursor_seq)).toBeLessThan(Number(max)); // the crashed batch did not move the cursor
      const r = await runEarlyWarning(deps(db), { now });
      expect(r.raised).toBe(1);
      const [m] = await db.query("SELECT count(*)::int AS n FROM topic_mentions WHERE topic_id = 'payment_error'");
      expect(m.n).toBe(12 + 3);
      expect((await warnings(db))[0].calls).toBe(12);
    });

    it('restart-safe: a new process continues from the stored cursor and reads nothing twice', async () => {
      const now = Date.now();
      await quietHistory(db, now);
      const first = await runEarlyWarning(deps(db), { now });
      expect(first.utterances).toBe(140);
      await seed(db, recent(now, 12, PAYMENT));
      // "Another process": nothing in memory carries over, only the database.
      const second = await runEarlyWarning({ db, config: { ...config }, topics: () => loadTopicSet() }, { now });
      expect(second.utterances).toBe(12);
      expect(second.raised).toBe(1);
      const again = await runEarlyWarning(deps(db), { now });
      expect(again).toMatchObject({ utterances: 0, raised: 0 });
    });

    it('a first run starts at the history the baseline needs, not at the beginning of time', async () => {
      const now = Date.now();
      await seed(db, [{ at: now - 40 * DAY, text: PAYMENT }]);
      await db.query("UPDATE utterances SET created_at = now() - interval '40 days'");
      await quietHistory(db, now);
      const r = await runEarlyWarning(deps(db), { now });
      expect(r.utterances).toBe(140);
    });

    it('waits for a young gap in the utterance seqs, then passes it', async () => {
      const now = Date.now();
      await seed(db, recent(now, 3, NEUTRAL));
      await runEarlyWarning(deps(db, { gapGraceMs: 60_000 }), { now });
      // A seq taken by a transaction that never commits (rolled back) leaves a hole.
      await db.tx(async (q) => { await q.query("SELECT nextval(pg_get_serial_sequence('utterances', 'seq'))"); });
      await seed(db, recent(now, 2, NEUTRAL));
      const blocked = await runEarlyWarning(deps(db, { gapGraceMs: 60_000 }), { now });
      expect(blocked).toMatchObject({ utterances: 0, waitingOnGap: true, caughtUp: false });
      const passed = await runEarlyWarning(deps(db, { gapGraceMs: 0 }), { now });
      expect(passed).toMatchObject({ utterances: 2, waitingOnGap: false, caughtUp: true });
    });

    it('two evaluators at once: one works, the other skips, and one warning results', async () => {
      const now = Date.now();
      await quietHistory(db, now);
      await seed(db, recent(now, 12, PAYMENT));
      // On a server a second connection pool is a second process; PGlite has one connection.
      const other = url ? await openDb({ databaseUrl: url }) : db;
      try {
        const results = await Promise.all([runEarlyWarning(deps(db), { now }), runEarlyWarning(deps(other), { now })]);
        expect(results.reduce((n, r) => n + r.raised, 0)).toBe(1);
        expect(await warnings(db)).toHaveLength(1);
        const [m] = await db.query("SELECT count(*)::int AS n FROM topic_mentions WHERE topic_id = 'payment_error'");
        expect(m.n).toBe(15);
      } finally {
        if (other !== db) await other.close();
      }
    });
  });
}
