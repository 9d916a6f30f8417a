import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, useTestServer } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';
import * as eventsRepo from '../../src/store/events.js';

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

  it('a stream resumed from its last id gets an event that committed after a later one (no loss on out-of-order commits)', async (t) => {
    if (fx.server.ctx.db.kind !== 'postgres') {
      t.skip(); // PGlite runs one transaction at a time: commits cannot overtake each other
      return;
    }
    const { db, bus } = fx.server.ctx;
    const publish = (e: eventsRepo.StoredEvent) => bus.publish({ seq: e.seq, type: e.type, callId: 'ooo', payload: e.payload });
    const payload = (note: string) => ({ alert: { id: `ooo-${note}`, callId: 'ooo' }, note });
    const client = await openSse(`${fx.server.url}/api/alerts/stream`, auth);
    await new Promise((r) => setTimeout(r, 100));
    let releaseA!: () => void;
    let seqA!: (seq: eventsRepo.StoredEvent) => void;
    const aTaken = new Promise<eventsRepo.StoredEvent>((r) => { seqA = r; });
    // A takes its seq first but commits last.
    const a = db.tx(async (q) => {
      const e = await eventsRepo.appendEvent(q, 'alert.updated', 'ooo-A', payload('A'));
      seqA(e);
      await new Promise<void>((r) => { releaseA = r; });
      return e;
    });
    const aEvent = await aTaken;
    const b = await db.tx((q) => eventsRepo.appendEvent(q, 'alert.updated', 'ooo-B', payload('B')));
    expect(b.seq).toBeGreaterThan(aEvent.seq);
    publish(b);
    const gotB = await client.waitFor((e) => e.data?.note === 'B');
    // B is labelled with the resume point before A's seq, not with its own.
    expect(Number(gotB.id)).toBeLessThan(aEvent.seq);
    client.close();

    releaseA();
    publish(await a);
    const resumed = await openSse(`${fx.server.url}/api/alerts/stream`, { ...auth, 'last-event-id': client.lastEventId! });
    const gotA = await resumed.waitFor((e) => e.data?.note === 'A');
    expect(Number(gotA.id)).toBe(aEvent.seq);
    expect(gotA.data.seq).toBe(aEvent.seq);
    // B may come again (at least once); receivers de-duplicate by alert id.
    await resumed.waitFor((e) => e.data?.note === 'B');
    expect(resumed.lastEventId).toBe(String(b.seq));
    resumed.close();
  });

  it('an event the bus never brought is sent once its gap outlives the grace period', async () => {
    const { db, bus } = fx.server.ctx;
    const client = await openSse(`${fx.server.url}/api/alerts/stream`, auth);
    await new Promise((r) => setTimeout(r, 100));
    // Stored but never published (as if its NATS message were lost) …
    const lost = await eventsRepo.appendEvent(db, 'alert.updated', 'lost-1', { alert: { id: 'lost-1', callId: 'lost' }, note: 'lost' });
    // … then a later event arrives live.
    const later = await eventsRepo.appendEvent(db, 'alert.updated', 'later-1', { alert: { id: 'later-1', callId: 'lost' }, note: 'later' });
    bus.publish({ seq: later.seq, type: later.type, callId: 'lost', payload: later.payload });
    const gotLater = await client.waitFor((e) => e.data?.note === 'later');
    expect(Number(gotLater.id)).toBeLessThan(lost.seq);
    const gotLost = await client.waitFor((e) => e.data?.note === 'lost', 5000);
    expect(Number(gotLost.id)).toBe(later.seq);
    expect(client.lastEventId).toBe(String(later.seq));
    client.close();
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
