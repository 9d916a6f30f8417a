import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, useTestServer } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(testDatabases)('alert stream (SSE) ($name)', (tdb) => {
  const fx = useTestServer(tdb);

  async function threat(callId: string, id: string, text: string) {
    const r = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id, speaker: 'customer', startMs: 0, endMs: 1000, text, final: true });
    expect(r.status).toBe(202);
  }

  it('resumes after Last-Event-ID with exactly the missed events', async () => {
    const { body: { id: callId } } = await api(fx.server, 'POST', '/api/calls', {});
    const first = await openSse(`${fx.server.url}/api/alerts/stream`, auth);
    await threat(callId, 'a', '금융감독원에 민원 넣겠습니다');
    const seen = await first.waitFor((e) => e.event === 'alert.created' && e.data.alert.callId === callId);
    first.close();

    // While disconnected: two more alerts (other rules) arrive.
    await threat(callId, 'b', '언론사에 제보할 거예요');
    await threat(callId, 'c', '소송 걸겠습니다');

    const resumed = await openSse(`${fx.server.url}/api/alerts/stream`, { ...auth, 'last-event-id': seen.id! });
    const b = await resumed.waitFor((e) => e.event === 'alert.created' && e.data.alert.utteranceId === 'b');
    const c = await resumed.waitFor((e) => e.event === 'alert.created' && e.data.alert.utteranceId === 'c');
    expect(Number(b.id)).toBeGreaterThan(Number(seen.id));
    expect(Number(c.id)).toBeGreaterThan(Number(b.id));
    // Nothing from before the resume point is sent again.
    expect(resumed.events.some((e) => e.id === seen.id)).toBe(false);

    // And live delivery continues on the resumed connection.
    await threat(callId, 'd', '금감원 가겠습니다');
    const d = await resumed.waitFor((e) => e.event === 'alert.updated' && e.data.alert.ruleId === 'external_authority.fss' && e.data.alert.hitCount === 2);
    expect(d).toBeTruthy();
    const ids = resumed.events.filter((e) => e.id).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    resumed.close();
  });

  it('pushes triage changes as alert.updated', async () => {
    const { body: { id: callId } } = await api(fx.server, 'POST', '/api/calls', {});
    await threat(callId, 'x', '금융감독원에 민원 넣을 겁니다');
    const list = await api(fx.server, 'GET', `/api/alerts?callId=${callId}`);
    const alertId = list.body.items.find((a: any) => a.ruleId === 'external_authority.fss').id;
    const riskBefore = (await api(fx.server, 'GET', `/api/calls/${callId}`)).body.call.riskScore;
    const sse = await openSse(`${fx.server.url}/api/alerts/stream`, auth);
    const noReason = await api(fx.server, 'PATCH', `/api/alerts/${alertId}`, { action: 'false_positive' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('reason_required');
    const fp = await api(fx.server, 'PATCH', `/api/alerts/${alertId}`, { action: 'false_positive', reason: '상담사 안내 문구 인용' });
    expect(fp.status).toBe(200);
    expect(fp.body.status).toBe('false_positive');
    const ev = await sse.waitFor((e) => e.event === 'alert.updated' && e.data.alert.id === alertId);
    expect(ev.data.alert.statusReason).toBe('상담사 안내 문구 인용');
    expect(ev.data.call.riskScore).toBeLessThan(riskBefore);
    expect((await api(fx.server, 'GET', `/api/calls/${callId}`)).body.call.riskScore).toBe(ev.data.call.riskScore);
    const again = await api(fx.server, 'PATCH', `/api/alerts/${alertId}`, { action: 'acknowledge' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    sse.close();
  });
});
