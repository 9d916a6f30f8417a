import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, adminHeaders, api, useTestServer } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';

const THREAT = '이거 해결 안 되면 금융감독원에 민원 넣을 겁니다.';
const AGENT_EXPLAINS = '금융감독원 민원 절차를 안내해 드리겠습니다';

describe.each(testDatabases)('transcript ingest → alerts ($name)', (tdb) => {
  const fx = useTestServer(tdb);

  async function newCall(extra: Record<string, unknown> = {}) {
    const res = await api(fx.server, 'POST', '/api/calls', { customerId: 'CUST-1', agentId: 'agent01', ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('raises an alert on SSE and in the list for a customer threat, not for the agent', async () => {
    const sse = await openSse(`${fx.server.url}/api/alerts/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(sse.status).toBe(200);
    const callId = await newCall();

    const agent = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'u1', speaker: 'agent', startMs: 0, endMs: 2500, text: AGENT_EXPLAINS, final: true });
    expect(agent.status).toBe(202);
    const customer = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'u2', speaker: 'customer', startMs: 3000, endMs: 6200, text: THREAT, final: true });
    expect(customer.status).toBe(202);
    expect(customer.body).toEqual({ accepted: true });

    const ev = await sse.waitFor((e) => e.event === 'alert.created' && e.data.alert.callId === callId, 1000);
    expect(ev.id).toMatch(/^\d+$/);
    expect(ev.data.alert).toMatchObject({ category: 'external_authority', speaker: 'customer', utteranceId: 'u2', startMs: 3000, status: 'open' });
    expect(THREAT.slice(0)).toContain(ev.data.alert.match);
    expect(ev.data.call.riskScore).toBeGreaterThan(0);
    sse.close();

    const list = await api(fx.server, 'GET', `/api/alerts?callId=${callId}`);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThanOrEqual(1);
    expect(list.body.items.every((a: any) => a.utteranceId === 'u2')).toBe(true);
    const fss = list.body.items.find((a: any) => a.category === 'external_authority');
    expect(fss.match).toBe('금융감독원');
    expect(fss.context.map((c: any) => c.utteranceId)).toEqual(['u1', 'u2']);

    const call = await api(fx.server, 'GET', `/api/calls/${callId}`);
    expect(call.body.utterances.map((u: any) => u.id)).toEqual(['u1', 'u2']);
    expect(call.body.hits.every((h: any) => h.speaker === 'customer')).toBe(true);
    expect(call.body.call.riskScore).toBeGreaterThan(0);
  });

  it('stores each hit linked to the alert it was folded into (negated hits to none) and the call\'s escalation', async () => {
    const callId = await newCall();
    const post = (id: string, startMs: number, text: string) =>
      api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id, speaker: 'customer', startMs, endMs: startMs + 2500, text, final: true });
    expect((await post('n1', 0, '금감원에 민원 넣을 생각은 없어요')).status).toBe(202);
    expect((await post('t1', 3000, THREAT)).status).toBe(202);
    expect((await post('t2', 6000, '금감원에 신고할게요 진짜로.')).status).toBe(202);
    expect((await post('t3', 9000, '변호사랑 상의해서 소송하겠습니다.')).status).toBe(202);
    const call = await api(fx.server, 'GET', `/api/calls/${callId}`);
    const alertsById = new Map(call.body.alerts.map((a: any) => [a.id, a]));
    const negated = call.body.hits.filter((h: any) => h.negated);
    expect(negated.length).toBeGreaterThan(0);
    expect(negated.every((h: any) => h.alertId === null)).toBe(true);
    const alerting = call.body.hits.filter((h: any) => !h.negated);
    expect(alerting.length).toBeGreaterThanOrEqual(3);
    for (const h of alerting) expect((alertsById.get(h.alertId) as any)?.ruleId, `hit ${h.utteranceId} ${h.ruleId}`).toBe(h.ruleId);
    // Two threats of the same rule fold into one alert that counts both.
    const fss = call.body.alerts.find((a: any) => a.ruleId === alerting.find((h: any) => h.utteranceId === 't2').ruleId);
    expect(fss.hitCount).toBe(alerting.filter((h: any) => h.ruleId === fss.ruleId).length);
    // Authority + legal categories: the call is escalated, with its risk score stored.
    const [stored] = await fx.server.ctx.db.query('SELECT escalated_at, risk_score FROM calls WHERE id = $1', [callId]);
    expect(stored.escalated_at).toBeTruthy();
    expect(stored.risk_score).toBe(call.body.call.riskScore);
    expect(stored.risk_score).toBeGreaterThan(0);
  });

  it('the alert in an event is the alert the API shows, and a second category escalates the call once only', async () => {
    const sse = await openSse(`${fx.server.url}/api/alerts/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    const callId = await newCall();
    const post = (id: string, startMs: number, text: string) =>
      api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id, speaker: 'customer', startMs, endMs: startMs + 2500, text, final: true });
    await post('e1', 0, THREAT);
    const created = await sse.waitFor((e) => e.event === 'alert.created' && e.data.alert.callId === callId);
    const { seq: _seq, ...payload } = created.data;
    expect(payload.alert).toEqual((await api(fx.server, 'GET', `/api/alerts/${created.data.alert.id}`)).body);
    expect(payload.trigger).toMatchObject({ utteranceId: 'e1', match: created.data.alert.match });
    // The threat names the FSS and files a complaint: two categories, so the call escalates.
    const esc = await sse.waitFor((e) => e.event === 'call.escalated' && e.data.call.id === callId);
    expect(esc.data.call.escalated).toBe(true);
    expect(esc.data.categories).toEqual(expect.arrayContaining(['external_authority', 'complaint']));
    await post('e2', 4000, '언론사에 제보할 거예요, 이런 식이면.');
    await post('e3', 8000, '변호사랑 상의해서 소송하겠습니다.');
    await sse.waitFor((e) => e.event === 'alert.created' && e.data.alert.callId === callId && e.data.alert.utteranceId === 'e3');
    expect(sse.events.filter((e) => e.event === 'call.escalated' && e.data.call.id === callId)).toHaveLength(1);
    // Events of one utterance come in seq order, each with its own seq.
    const seqs = sse.events.filter((e) => e.data?.alert?.callId === callId || e.data?.call?.id === callId).map((e) => e.data.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    sse.close();
  });

  it('treats a re-posted utterance id as a no-op', async () => {
    const callId = await newCall();
    const body = { id: 'dup-1', speaker: 'customer', startMs: 0, endMs: 1000, text: THREAT, final: true };
    expect((await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, body)).body).toEqual({ accepted: true });
    const again = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { ...body, text: '다른 내용' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ accepted: false });
    const call = await api(fx.server, 'GET', `/api/calls/${callId}`);
    expect(call.body.utterances).toHaveLength(1);
    expect(call.body.utterances[0].text).toBe(THREAT);
    expect(call.body.alerts.length).toBeGreaterThanOrEqual(1);
    expect(call.body.alerts.every((a: any) => a.hitCount === 1)).toBe(true);
    expect(call.body.hits).toHaveLength(call.body.alerts.length);
  });

  it('re-posting a call id answers 200 with created=false and keeps the first', async () => {
    const first = await api(fx.server, 'POST', '/api/calls', { id: 'call-fixed-1', customerId: 'A' });
    expect(first.status).toBe(201);
    const second = await api(fx.server, 'POST', '/api/calls', { id: 'call-fixed-1', customerId: 'B' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id: 'call-fixed-1', created: false });
    expect((await api(fx.server, 'GET', '/api/calls/call-fixed-1')).body.call.customerId).toBe('A');
  });

  it('folds repeated hits of a rule into one alert and counts them', async () => {
    const callId = await newCall();
    for (const [i, t] of ['금감원에 신고할 거예요', '진짜 금융감독원에 넣습니다'].entries()) {
      await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: `f${i}`, speaker: 'customer', startMs: i * 5000, endMs: i * 5000 + 2000, text: t, final: true });
    }
    const call = await api(fx.server, 'GET', `/api/calls/${callId}`);
    const fss = call.body.alerts.filter((a: any) => a.ruleId === 'external_authority.fss');
    expect(fss).toHaveLength(1);
    expect(fss[0].hitCount).toBe(2);
  });

  it('a partial gives no stored utterance and no alert; its final does', async () => {
    const callId = await newCall();
    const partial = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'p1', speaker: 'customer', startMs: 0, endMs: 800, text: '금융감독원에', final: false });
    expect(partial.status).toBe(202);
    let call = await api(fx.server, 'GET', `/api/calls/${callId}`);
    expect(call.body.utterances).toHaveLength(0);
    expect(call.body.alerts).toHaveLength(0);
    await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'p1', speaker: 'customer', startMs: 0, endMs: 2000, text: THREAT, final: true });
    call = await api(fx.server, 'GET', `/api/calls/${callId}`);
    expect(call.body.utterances).toHaveLength(1);
    expect(call.body.alerts.map((a: any) => a.category)).toContain('external_authority');
  });

  it('redacts personal data before storing', async () => {
    const callId = await newCall();
    await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { id: 'pii', speaker: 'customer', startMs: 0, endMs: 1000, text: '제 번호는 010-1234-5678 입니다', final: true });
    const call = await api(fx.server, 'GET', `/api/calls/${callId}`);
    expect(call.body.utterances[0].text).not.toContain('1234-5678');
  });

  describe('bad input gets a clear 4xx and stores nothing', () => {
    let callId: string;
    beforeAll(async () => {
      callId = await newCall();
    });
    const good = { id: 'ok', speaker: 'customer', startMs: 0, endMs: 1000, text: THREAT, final: true };

    async function expectNothingStored() {
      const call = await api(fx.server, 'GET', `/api/calls/${callId}`);
      expect(call.body.utterances).toHaveLength(0);
      expect(call.body.alerts).toHaveLength(0);
    }

    it.each([
      ['malformed JSON', '{"id": "x", ', 400, 'invalid_json'],
      ['wrong type', { ...good, startMs: '10' }, 400, 'invalid_request'],
      ['final as string', { ...good, final: 'true' }, 400, 'invalid_request'],
      ['unknown speaker', { ...good, speaker: 'robot' }, 400, 'invalid_request'],
      ['missing text', { id: 'x', speaker: 'customer', startMs: 0, endMs: 1, final: true }, 400, 'invalid_request'],
      ['extra property', { ...good, extra: 1 }, 400, 'invalid_request'],
      ['end before start', { ...good, startMs: 2000, endMs: 1000 }, 400, 'invalid_time'],
      ['oversized text', { ...good, text: '가'.repeat(4001) }, 400, 'text_too_long'],
      ['bad id', { ...good, id: '../etc' }, 400, 'invalid_request'],
      ['lone surrogate', { ...good, text: 'abc\ud800def' }, 400, 'invalid_text'],
    ])('%s', async (_name, body, status, code) => {
      const res = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, body);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(typeof res.body.error.message).toBe('string');
      await expectNothingStored();
    });

    it('invalid UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from('{"id":"x","speaker":"customer","startMs":0,"endMs":1,"final":true,"text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      const res = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, new Uint8Array(bytes));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_utf8');
      await expectNothingStored();
    });

    it('body over the limit', async () => {
      const res = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, { ...good, text: 'a'.repeat(300 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('body_too_large');
      await expectNothingStored();
    });

    it('unknown call', async () => {
      const res = await api(fx.server, 'POST', '/api/calls/no-such-call/utterances', good);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('call_not_found');
      expect((await api(fx.server, 'GET', '/api/calls/no-such-call')).status).toBe(404);
    });

    it('wrong content type', async () => {
      const res = await api(fx.server, 'POST', `/api/calls/${callId}/utterances`, 'hello', { ...adminHeaders, 'content-type': 'text/plain' });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      await expectNothingStored();
    });
  });
});
