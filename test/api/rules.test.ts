import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

describe.each(testDatabases)('rules API: test, backtest, publish, roll back ($name)', (tdb) => {
  const fx = useTestServer(tdb);

  /** A draft: the live rules plus one new rule for a term the default does not know. */
  async function draftWithNewRule() {
    const live = (await api(fx.server, 'GET', '/api/rules')).body;
    const doc = structuredClone(live.doc);
    doc.rules.push({ id: 'custom.protest', category: 'media', severity: 3, terms: ['시위'] });
    return { live, doc };
  }

  it('starts on the bundled dictionary and explains hits of a sentence', async () => {
    const live = await api(fx.server, 'GET', '/api/rules');
    expect(live.status).toBe(200);
    expect(live.body.bundled).toBe(true);
    expect(live.body.ruleCount).toBeGreaterThan(10);
    const t = await api(fx.server, 'POST', '/api/rules/test', { text: '금감원에 민원 넣을게요' });
    expect(t.body.hits.map((h: any) => h.category)).toContain('external_authority');
    const hit = t.body.hits.find((h: any) => h.category === 'external_authority');
    expect('금감원에 민원 넣을게요'.slice(hit.start, hit.end)).toBe(hit.match);
    const agent = await api(fx.server, 'POST', '/api/rules/test', { text: '금감원에 민원 넣을게요', speaker: 'agent' });
    expect(agent.body.hits).toEqual([]);
  });

  it('rejects an invalid draft with paths and stores nothing', async () => {
    const bad = await api(fx.server, 'POST', '/api/rules/validate', { doc: { version: 1, rules: [{ id: 'x', category: 'media', severity: 9, terms: [] }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_rule_set');
    const pub = await api(fx.server, 'POST', '/api/rules/publish', { doc: { rules: 'nope' } });
    expect(pub.status).toBe(400);
    expect((await api(fx.server, 'GET', '/api/rules/versions')).body.items).toEqual([]);
  });

  it('backtests a draft over stored calls: what it adds', async () => {
    const { body: { id: callId } } = await api(fx.server, 'POST', '/api/calls', {});
    await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'b1', speaker: 'customer', startMs: 0, endMs: 1, text: '본사 앞에서 일인 시위 하겠습니다', final: true });
    await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'b2', speaker: 'customer', startMs: 2, endMs: 3, text: '금감원에 민원 넣을게요', final: true });
    const { doc } = await draftWithNewRule();
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const res = await api(fx.server, 'POST', '/api/rules/backtest', { doc, from, to });
    expect(res.status).toBe(200);
    expect(res.body.utterances).toBeGreaterThanOrEqual(2);
    expect(res.body.added.byRule['custom.protest']).toBe(1);
    expect(res.body.added.samples[0]).toMatchObject({ callId, utteranceId: 'b1', ruleId: 'custom.protest' });
    expect(res.body.removed.count).toBe(0);
    expect(res.body.candidate.hits).toBe(res.body.live.hits + 1);
    const empty = await api(fx.server, 'POST', '/api/rules/backtest', { doc, from: to, to: new Date(Date.now() + 7200_000).toISOString() });
    expect(empty.body.utterances).toBe(0);
    expect((await api(fx.server, 'POST', '/api/rules/backtest', { doc, from: to, to: from })).body.error.code).toBe('invalid_range');
  });

  it('publishes a version that goes live without a restart, and rolls back', async () => {
    const { live, doc } = await draftWithNewRule();
    const pub = await api(fx.server, 'POST', '/api/rules/publish', { doc, note: '본사 앞 시위 예고 추가' });
    expect(pub.status).toBe(200);
    expect(pub.body.version).toBe(live.version + 1);

    const { body: { id: callId } } = await api(fx.server, 'POST', '/api/calls', {});
    await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'n1', speaker: 'customer', startMs: 0, endMs: 1, text: '본사 앞에서 시위하겠습니다', final: true });
    const call = (await api(fx.server, 'GET', `/api/calls/${callId}`)).body;
    expect(call.alerts.map((a: any) => a.ruleId)).toContain('custom.protest');
    expect(call.hits.find((h: any) => h.ruleId === 'custom.protest').ruleSetVersion).toBe(pub.body.version);

    const rb = await api(fx.server, 'POST', '/api/rules/rollback', { version: pub.body.version - 0 });
    expect(rb.status).toBe(200);
    const versions = (await api(fx.server, 'GET', '/api/rules/versions')).body.items;
    expect(versions.map((v: any) => v.version)).toEqual([rb.body.version, pub.body.version]);
    expect(versions[0].restoresVersion).toBe(pub.body.version);
    expect((await api(fx.server, 'POST', '/api/rules/rollback', { version: 999 })).status).toBe(404);
    const trail = (await api(fx.server, 'GET', '/api/audit')).body.items.map((e: any) => e.action);
    expect(trail).toEqual(expect.arrayContaining(['rules.published', 'rules.rolled_back', 'rules.backtested']));
  });
});
