import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeInterleaved, linearToAlaw } from '../../src/audio/codecs.js';
import { createHttpEngine } from '../../src/audio/stt/http.js';
import { parseStart, pcmStreamRoutes } from '../../src/ingest/pcm-stream/index.js';
import { fixtureAnswer, loadCallFixture, MemorySink, startSttDouble, type SttDouble } from '../audio/helpers.js';

const fixture = loadCallFixture();
const TOKEN = 'radar-token-1';

function connect(url: string, token = TOKEN): Promise<{ ws: WebSocket; messages: any[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const messages: any[] = [];
    ws.on('message', (d, bin) => !bin && messages.push(JSON.parse(d.toString())));
    const closed = new Promise<number>((r) => ws.on('close', r));
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('unexpected-response', (_q, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
  });
}

async function waitFor<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PCM WebSocket stream', () => {
  let app: FastifyInstance;
  let url: string;
  let double: SttDouble;
  const sink = new MemorySink();

  beforeAll(async () => {
    double = await startSttDouble(fixtureAnswer(fixture));
    app = Fastify();
    await app.register(websocket);
    await pcmStreamRoutes(app, { sink, stt: createHttpEngine({ url: double.url, model: 'm' }), authenticate: async (t) => t === TOKEN, pending: null, maxFrameBytes: 8000 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/api/audio/stream`;
  });
  afterAll(async () => {
    await app.close();
    await double.close();
  });

  it('rejects a missing or wrong bearer token with 401', async () => {
    await expect(connect(url, 'nope')).rejects.toMatchObject({ statusCode: 401 });
  });

  it('A-law stereo with the customer on channel 1 becomes utterances with the right speakers', async () => {
    // Re-encode the fixture as A-law with the channels swapped.
    const [cust, agent] = decodeInterleaved(fixture.wav.data, { encoding: 'pcmu', channels: 2 });
    const bytes = new Uint8Array(cust.length * 2);
    for (let i = 0; i < cust.length; i++) {
      bytes[2 * i] = linearToAlaw(agent[i] * 32768);
      bytes[2 * i + 1] = linearToAlaw(cust[i] * 32768);
    }
    const c = await connect(url);
    c.ws.send(JSON.stringify({ type: 'start', callId: 'pcm-1', encoding: 'pcma', sampleRate: 8000, channels: 2, customerChannel: 1, agentId: 'agent-7' }));
    await waitFor(() => c.messages.find((m) => m.type === 'started'));
    for (let i = 0; i < bytes.length; i += 3200) c.ws.send(bytes.subarray(i, i + 3200));
    c.ws.send(JSON.stringify({ type: 'stop' }));
    await waitFor(() => c.messages.find((m) => m.type === 'stopped'));
    await sink.ended('pcm-1');
    expect(sink.calls.get('pcm-1')).toMatchObject({ source: 'pcm-ws', agentId: 'agent-7' });
    const got = sink.finals('pcm-1').sort((a, b) => a.startMs - b.startMs);
    expect(got.map((u) => [u.speaker, u.text])).toEqual(fixture.manifest.utterances.map((u) => [u.speaker, u.text]));
  });

  it('answers bad input with a typed error and closes', async () => {
    const c = await connect(url);
    c.ws.send(JSON.stringify({ type: 'start', callId: 'x', encoding: 'opus', sampleRate: 8000 }));
    expect(await waitFor(() => c.messages.find((m) => m.type === 'error'))).toMatchObject({ code: 'bad_media' });
    expect(await c.closed).toBe(1008);

    const c2 = await connect(url);
    c2.ws.send(Buffer.alloc(100));
    expect(await waitFor(() => c2.messages.find((m) => m.type === 'error'))).toMatchObject({ code: 'not_started' });

    const c3 = await connect(url);
    c3.ws.send(JSON.stringify({ callId: 'big', encoding: 'l16', sampleRate: 16000 }));
    await waitFor(() => c3.messages.find((m) => m.type === 'started'));
    c3.ws.send(Buffer.alloc(9000));
    expect(await waitFor(() => c3.messages.find((m) => m.type === 'error'))).toMatchObject({ code: 'frame_too_large' });
    expect(await c3.closed).toBe(1009);
    await sink.ended('big');

    // Control messages that are not objects, or whose type is an object with a
    // "toString" key, are the client's fault (bad_message), not a server error.
    for (const [i, control] of ['null', JSON.stringify({ type: { toString: [] } })].entries()) {
      const c4 = await connect(url);
      c4.ws.send(JSON.stringify({ callId: `odd-${i}`, encoding: 'l16', sampleRate: 16000 }));
      await waitFor(() => c4.messages.find((m) => m.type === 'started'));
      c4.ws.send(control);
      expect(await waitFor(() => c4.messages.find((m) => m.type === 'error'))).toMatchObject({ code: 'bad_message' });
      await c4.closed;
      await sink.ended(`odd-${i}`);
    }
  });

  it('parses start messages into plain data', () => {
    expect(parseStart('{"callId":"a","encoding":"l16","sampleRate":16000,"byteOrder":"be","speaker":"agent"}')).toMatchObject({ callId: 'a', format: { encoding: 'l16', sampleRate: 16000, channels: 1, byteOrder: 'be' }, speakers: ['agent'] });
    expect(() => parseStart('{"callId":"a","encoding":"pcmu","sampleRate":8000,"channels":2,"customerChannel":3}')).toThrow(/customerChannel/);
    expect(() => parseStart('nope')).toThrow(/JSON/);
  });
});
