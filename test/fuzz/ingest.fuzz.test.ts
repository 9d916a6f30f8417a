import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, startTestServer } from '../helpers/server.js';

// The ingest API under arbitrary bodies: never a 5xx, every refusal a clear
// {error: {code, message}}, and nothing stored unless the body was valid.

const RUNS = Number(process.env.RADAR_FUZZ_RUNS ?? 300);
// A fixed seed keeps CI repeatable; RADAR_FUZZ_SEED=random explores (fast-check prints the seed of a failure).
const SEED = process.env.RADAR_FUZZ_SEED === 'random' ? undefined : Number(process.env.RADAR_FUZZ_SEED ?? 20261125);

describe('fuzz: transcript ingest JSON', () => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await testDatabases[0].open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
    await server.app.inject({ method: 'POST', url: '/api/calls', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { id: 'fuzz-call' } });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  const utterance = fc.record({
    id: fc.oneof(fc.string({ maxLength: 140 }), fc.integer(), fc.constant(null)),
    speaker: fc.oneof(fc.constantFrom('customer', 'agent'), fc.string({ maxLength: 10 }), fc.integer()),
    startMs: fc.oneof(fc.integer({ min: -10, max: 100_000_000 }), fc.double(), fc.string({ maxLength: 5 })),
    endMs: fc.oneof(fc.integer({ min: -10, max: 100_000_000 }), fc.double(), fc.constant(null)),
    text: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.integer(), fc.constant(null)),
    final: fc.oneof(fc.boolean(), fc.constantFrom('true', 1, null)),
  }, { requiredKeys: [] });
  const body = fc.oneof(
    utterance.map((u) => JSON.stringify(u)),
    fc.json(),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  );

  it('answers 202 or a clear 4xx, never 5xx', async () => {
    await fc.assert(fc.asyncProperty(body, fc.constantFrom('fuzz-call', 'missing-call'), async (payload, callId) => {
      const res = await server.app.inject({
        method: 'POST', url: `/api/calls/${callId}/utterances`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, payload,
      });
      expect(res.statusCode).toBeLessThan(500);
      if (res.statusCode >= 400) {
        const err = res.json().error;
        expect(typeof err.code).toBe('string');
        expect(typeof err.message).toBe('string');
      } else {
        expect(res.statusCode).toBe(202);
      }
    }), { numRuns: RUNS, seed: SEED });
    // Only what was accepted is stored: every stored row is a valid utterance.
    const rows = await server.ctx.db.query('SELECT speaker, start_ms, end_ms FROM utterances');
    for (const r of rows) {
      expect(['customer', 'agent']).toContain(r.speaker);
      expect(r.end_ms).toBeGreaterThanOrEqual(r.start_ms);
    }
  });
});
