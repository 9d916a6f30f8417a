import { afterAll, describe, expect, it } from 'vitest';
import { createServerDatabase } from '../helpers/databases.js';
import { openSse } from '../helpers/sse.js';
import { call, ServerProcess, sleep, TOKEN } from '../reliability/helpers.js';

// Scale-out: several Radar processes share one PostgreSQL and a NATS bus. A call
// ingested on one process alerts the SSE clients of another; a rule set
// published on one goes live on the others. Needs DATABASE_URL and NATS_URL (CI
// provides both).

const ready = Boolean(process.env.DATABASE_URL && process.env.NATS_URL);
if (!ready) console.log('[tests] DATABASE_URL and NATS_URL not both set: multi-process scale-out test skipped');

describe.skipIf(!ready)('several processes, one database, NATS bus', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('fans alerts out to every process and shares rule versions', { timeout: 180_000 }, async () => {
    const db = await createServerDatabase(process.env.DATABASE_URL!);
    cleanups.push(db.drop);
    const base = 30000 + Math.floor(Math.random() * 20000);
    const nodes = [0, 1, 2].map((i) => new ServerProcess(base + i, { DATABASE_URL: db.url, NATS_URL: process.env.NATS_URL! }));
    for (const n of nodes) {
      cleanups.push(() => n.kill('SIGTERM'));
      await n.start();
    }
    const ready = await call(nodes[1].url, 'GET', '/readyz');
    expect(ready.body.checks).toEqual({ database: 'ok', bus: 'ok' });

    // Clients on nodes 1 and 2; the call arrives at node 0.
    const auth = { authorization: `Bearer ${TOKEN}` };
    const sse1 = await openSse(`${nodes[1].url}/api/alerts/stream`, auth);
    const sse2 = await openSse(`${nodes[2].url}/api/alerts/stream`, auth);
    await sleep(300);
    expect((await call(nodes[0].url, 'POST', '/api/calls', { id: 'scale-1', customerId: 'S1' })).status).toBe(201);
    expect((await call(nodes[0].url, 'POST', '/api/calls/scale-1/utterances', {
      id: 'u1', speaker: 'customer', startMs: 0, endMs: 2000, text: '금융감독원에 민원 넣을 겁니다', final: true,
    })).status).toBe(202);
    for (const sse of [sse1, sse2]) {
      const ev = await sse.waitFor((e) => e.event === 'alert.created' && e.data.alert.callId === 'scale-1', 3000);
      expect(ev.data.alert.category).toBe('external_authority');
      sse.close();
    }

    // Every node sees the same calls (shared database).
    expect((await call(nodes[2].url, 'GET', '/api/calls/scale-1')).body.alerts.length).toBeGreaterThan(0);

    // A rule set published on node 0 goes live on node 2.
    const live = (await call(nodes[0].url, 'GET', '/api/rules')).body;
    const doc = structuredClone(live.doc);
    doc.rules.push({ id: 'custom.protest', category: 'media', severity: 3, terms: ['시위'] });
    const pub = await call(nodes[0].url, 'POST', '/api/rules/publish', { doc, note: 'scale test' });
    expect(pub.status).toBe(200);
    let seen = 0;
    for (let i = 0; i < 40 && seen !== pub.body.version; i++) {
      await sleep(250);
      seen = (await call(nodes[2].url, 'GET', '/api/rules')).body.version;
    }
    expect(seen).toBe(pub.body.version);
    await call(nodes[2].url, 'POST', '/api/calls', { id: 'scale-2' });
    await call(nodes[2].url, 'POST', '/api/calls/scale-2/utterances', { id: 'u1', speaker: 'customer', startMs: 0, endMs: 1, text: '본사 앞에서 시위하겠습니다', final: true });
    const alerts = (await call(nodes[2].url, 'GET', '/api/calls/scale-2')).body.alerts.map((a: any) => a.ruleId);
    expect(alerts).toContain('custom.protest');
  });
});
