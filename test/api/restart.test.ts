import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startServer } from '../../src/api/server.js';
import { storageVariants } from '../helpers/databases.js';
import { api, testConfig } from '../helpers/server.js';

// Restart with the configuration a user has (a PGlite folder, or DATABASE_URL):
// the second server opens the same storage itself.

const THREAT = '이거 해결 안 되면 금융감독원에 민원 넣을 겁니다.';


describe.each(storageVariants)('restart keeps everything ($name)', (variant) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('calls, utterances and alerts survive; a re-posted utterance creates nothing', { timeout: 120_000 }, async () => {
    const { env, cleanup } = await variant.setup();
    cleanups.push(cleanup);
    const config = testConfig({ ...env, DATABASE_URL: env.DATABASE_URL ?? '' });
    const log = pino({ level: 'silent' });

    const first = await startServer(config, { log });
    const callId = (await api(first, 'POST', '/api/calls', { id: 'restart-call', customerId: 'C1' })).body.id;
    const u = { id: 'u1', speaker: 'customer', startMs: 0, endMs: 3000, text: THREAT, final: true };
    expect((await api(first, 'POST', `/api/calls/${callId}/utterances`, u)).status).toBe(202);
    const before = (await api(first, 'GET', `/api/calls/${callId}`)).body;
    expect(before.alerts.map((a: any) => a.ruleId)).toContain('external_authority.fss');
    const adminCreated = first.firstAdmin;
    expect(adminCreated).not.toBeNull();
    await first.close();

    const second = await startServer(config, { log });
    try {
      expect(second.firstAdmin).toBeNull(); // the admin from the first start is kept
      const after = (await api(second, 'GET', `/api/calls/${callId}`)).body;
      expect(after.call).toEqual(before.call);
      expect(after.utterances).toEqual(before.utterances);
      expect(after.alerts).toEqual(before.alerts);

      const again = await api(second, 'POST', `/api/calls/${callId}/utterances`, u);
      expect(again.body).toEqual({ accepted: false });
      const later = (await api(second, 'GET', `/api/calls/${callId}`)).body;
      expect(later.utterances).toHaveLength(1);
      expect(later.alerts.every((a: any) => a.hitCount === 1)).toBe(true);

      // A new hit after the restart folds into the stored alert.
      await api(second, 'POST', `/api/calls/${callId}/utterances`, { ...u, id: 'u2', startMs: 5000, endMs: 7000 });
      const folded = (await api(second, 'GET', `/api/calls/${callId}`)).body;
      expect(folded.alerts).toHaveLength(before.alerts.length);
      const fss = folded.alerts.find((a: any) => a.ruleId === 'external_authority.fss');
      expect(fss.hitCount).toBe(2);
      expect(fss.context.map((c: any) => c.utteranceId)).toEqual(['u1']);
    } finally {
      await second.close();
    }
  });
});
