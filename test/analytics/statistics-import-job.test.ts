import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS, ImportTracker, startImport, view } from '../../src/analytics/statistics/index.js';
import { migrate } from '../../src/store/migrate.js';
import * as repo from '../../src/store/statistics.js';
import { testDatabases } from '../helpers/databases.js';

// A large import stores its rows in chunks inside one transaction; its
// progress (phase, rows done of total) is visible while it runs and its row in
// statistics_imports holds the outcome.

const actor = { id: null, name: 'tester' };

describe.each(testDatabases)('import job ($name)', (tdb) => {
  it('reports progress chunk by chunk and stores the file at once', async () => {
    const { db, drop } = await tdb.open();
    try {
      await migrate(db);
      const total = CHUNK_ROWS * 6 + 17;
      const rows = Array.from({ length: total }, (_, i) => ({ id: `P-${i}`, date: '2025-05-02', channel: 'web', product: 'credit_card', type: 'fees' }));
      const tracker = new ImportTracker();
      const started = await startImport(db, tracker, actor, {
        kind: 'complaints', format: 'json', filename: 'big.json', data: new TextEncoder().encode(JSON.stringify(rows)), sourceSystem: 'big', dryRun: false,
      }, 'Asia/Seoul');
      expect(started.record.status).toBe('running');
      expect(tracker.get(started.record.id)).toEqual({ phase: 'storing', processed: 0, total });

      const seen: number[] = [];
      let done = false;
      void started.work!.then(() => { done = true; });
      while (!done) {
        const p = tracker.get(started.record.id);
        if (p && seen[seen.length - 1] !== p.processed) seen.push(p.processed);
        await new Promise((r) => setImmediate(r));
      }
      // Progress moves forward a chunk at a time up to the total.
      expect(seen[0]).toBe(0);
      expect(seen.length).toBeGreaterThan(2);
      expect(seen.every((p, i) => i === 0 || p > seen[i - 1]!)).toBe(true);
      expect(seen.every((p) => p % CHUNK_ROWS === 0 || p === total)).toBe(true);

      const rec = (await repo.getImport(db, started.record.id))!;
      expect(rec).toMatchObject({ status: 'completed', inserted: total, processedRows: total });
      expect(view(rec, tracker).progress).toEqual({ phase: 'done', processed: total, total });
      expect(await repo.recordCount(db)).toBe(total);
    } finally {
      await drop();
    }
  });
});
