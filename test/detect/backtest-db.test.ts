import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/detect/index.js';
import { backtestStored } from '../../src/rules/service.js';
import * as calls from '../../src/store/calls.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

// The database-backed backtest reads calls page by page (keyset on start time
// and id), then each page's utterances; every utterance must come exactly once,
// call by call, in time order, even when calls share a start time to the microsecond.
describe('backtest over stored calls (PGlite)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    const at = ['2026-11-01 09:00:00.123456+00', '2026-11-01 09:00:00.123456+00', '2026-11-01 09:00:00.123457+00', '2026-11-01 09:00:01+00', '2026-12-01 00:00:00+00'];
    await db.query(`INSERT INTO calls (id, started_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])`, [['c-b', 'c-a', 'c-c', 'c-d', 'c-late'], at]);
    const us = [];
    for (const callId of ['c-a', 'c-b', 'c-c', 'c-d', 'c-late']) {
      for (const k of [2, 0, 1]) {
        us.push({ id: `${callId}-${k}`, callId, speaker: 'customer' as const, startMs: k * 1000, endMs: k * 1000 + 500, text: k === 1 ? '금감원에 민원 넣을 거예요' : '네 알겠습니다', redactions: [] });
      }
    }
    await calls.insertUtterances(db, us);
  });
  afterAll(async () => { await db.close(); });

  it('streams every utterance of the range once, call by call, in time order', async () => {
    const got: string[] = [];
    for await (const r of calls.streamUtterances(db, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, 3)) {
      got.push(r.utterance.id);
      expect(r.call.id).toBe(r.utterance.callId);
    }
    expect(got).toEqual(['c-a-0', 'c-a-1', 'c-a-2', 'c-b-0', 'c-b-1', 'c-b-2', 'c-c-0', 'c-c-1', 'c-c-2', 'c-d-0', 'c-d-1', 'c-d-2']);
  });

  it('backtestStored replays them through both engines', async () => {
    const live = compileRuleSet({ version: 1, rules: [{ id: 'ext.fss', category: 'ext', severity: 5, terms: ['금감원'] }] });
    const cand = compileRuleSet({ version: 2, rules: [{ id: 'ext.fss', category: 'ext', severity: 5, terms: ['금감원'] }, { id: 'c.file', category: 'c', severity: 4, terms: ['민원 넣*'] }] });
    const r = await backtestStored(db, live, cand, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    expect(r.utterances).toBe(12);
    expect(r.calls).toBe(4);
    expect(r.live.hits).toBe(4);
    expect(r.added.count).toBe(4);
  });
});
