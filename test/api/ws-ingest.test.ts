import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, useTestServer } from '../helpers/server.js';

function connect(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket; next(): Promise<any>; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const inbox: any[] = [];
    const waiters: ((m: any) => void)[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      const w = waiters.shift();
      if (w) w(m);
      else inbox.push(m);
    });
    ws.on('open', () => resolve({ ws, closed, next: () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((r) => waiters.push(r))) }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe.each(testDatabases)('transcript ingest over WebSocket ($name)', (tdb) => {
  const fx = useTestServer(tdb);
  const wsUrl = () => fx.server.url.replace('http', 'ws') + '/api/ingest';

  it('refuses the upgrade without a token', async () => {
    await expect(connect(wsUrl(), {})).rejects.toThrow('HTTP 401');
  });

  it('streams a call: acks, errors per message, alert stored', async () => {
    const c = await connect(wsUrl(), { authorization: `Bearer ${ADMIN_TOKEN}` });
    c.ws.send(JSON.stringify({ type: 'call.start', ref: 1, call: { id: 'ws-call-1', customerId: 'C7' } }));
    expect(await c.next()).toEqual({ type: 'ack', ref: 1, id: 'ws-call-1', created: true });

    c.ws.send('not json');
    expect((await c.next()).error.code).toBe('invalid_json');
    c.ws.send(JSON.stringify({ type: 'utterance', ref: 2, callId: 'ws-call-1', id: 'w1', speaker: 'robot', startMs: 0, endMs: 1, text: 'x', final: true }));
    const bad = await c.next();
    expect(bad).toMatchObject({ type: 'error', ref: 2, status: 400, error: { code: 'invalid_speaker' } });
    c.ws.send(JSON.stringify({ type: 'utterance', ref: 3, callId: 'nope', id: 'w1', speaker: 'customer', startMs: 0, endMs: 1, text: 'x', final: true }));
    expect(await c.next()).toMatchObject({ type: 'error', ref: 3, status: 404, error: { code: 'call_not_found' } });

    c.ws.send(JSON.stringify({ type: 'utterance', ref: 4, callId: 'ws-call-1', id: 'w1', speaker: 'customer', startMs: 100, endMs: 2100, text: '언론사에 제보할 겁니다', final: true }));
    expect(await c.next()).toEqual({ type: 'ack', ref: 4, accepted: true });
    c.ws.send(JSON.stringify({ type: 'utterance', ref: 5, callId: 'ws-call-1', id: 'w1', speaker: 'customer', startMs: 100, endMs: 2100, text: '언론사에 제보할 겁니다', final: true }));
    expect(await c.next()).toEqual({ type: 'ack', ref: 5, accepted: false });
    c.ws.send(JSON.stringify({ type: 'call.end', ref: 6, callId: 'ws-call-1' }));
    expect(await c.next()).toEqual({ type: 'ack', ref: 6 });
    c.ws.close();

    const call = (await api(fx.server, 'GET', '/api/calls/ws-call-1')).body;
    expect(call.call.source).toBe('ws');
    expect(call.call.endedAt).not.toBeNull();
    expect(call.utterances.map((u: any) => u.id)).toEqual(['w1']);
    expect(call.alerts.map((a: any) => a.category)).toEqual(['media']);
  });
});
