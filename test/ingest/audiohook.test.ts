import { randomUUID } from 'node:crypto';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AudioEvent } from '../../src/audio/events.js';
import { noneEngine } from '../../src/audio/stt/engine.js';
import { createHttpEngine } from '../../src/audio/stt/http.js';
import { audioHookRoutes } from '../../src/ingest/audiohook/index.js';
import { fixtureAnswer, loadCallFixture, MemorySink, startSttDouble, type SttDouble } from '../audio/helpers.js';
import { AudioHookClient, ORG, openParameters } from './audiohook-client.js';

const fixture = loadCallFixture();
const FRAME = 1600; // 100 ms of stereo PCMU
const API_KEY = 'radar-audiohook-key';

interface Server {
  app: FastifyInstance;
  url: string;
  sink: MemorySink;
  events: AudioEvent[];
}

async function startServer(engine: 'none' | SttDouble, limits = {}): Promise<Server> {
  const app = Fastify({ logger: false });
  await app.register(websocket);
  const sink = new MemorySink();
  const events: AudioEvent[] = [];
  const stt = engine === 'none' ? noneEngine : createHttpEngine({ url: engine.url, model: 'm', retries: 0 });
  await audioHookRoutes(app, { sink, stt, authenticate: async (k) => k === API_KEY, pending: null, onEvent: (e) => events.push(e), limits: { closeGraceMs: 200, ...limits } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, url: `ws://127.0.0.1:${port}/api/audiohook`, sink, events };
}

function headers(sessionId: string, key = API_KEY): Record<string, string> {
  return { 'X-API-KEY': key, 'Audiohook-Session-Id': sessionId, 'Audiohook-Organization-Id': ORG, 'Audiohook-Correlation-Id': randomUUID() };
}

async function connect(s: Server): Promise<AudioHookClient> {
  const id = randomUUID();
  return AudioHookClient.connect(s.url, headers(id), id);
}

async function openSession(s: Server, conversationId = randomUUID()) {
  const c = await connect(s);
  c.send('open', openParameters(conversationId));
  const opened = await c.next('opened');
  return { c, opened, conversationId };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function frames(fromMs = 0, toMs = fixture.manifest.durationMs): Uint8Array[] {
  const out: Uint8Array[] = [];
  const data = fixture.wav.data;
  for (let i = fromMs * 16; i < Math.min(data.length, toMs * 16); i += FRAME) out.push(data.subarray(i, Math.min(i + FRAME, toMs * 16)));
  return out;
}

describe('AudioHook: a whole call', () => {
  let double: SttDouble;
  let s: Server;
  beforeAll(async () => {
    double = await startSttDouble(fixtureAnswer(fixture));
    s = await startServer(double);
  });
  afterAll(async () => {
    await s.app.close();
    await double.close();
  });

  it('negotiates stereo PCMU and turns the stream into utterances on the right channels', async () => {
    const { c, opened, conversationId } = await openSession(s);
    expect(opened).toMatchObject({ version: '2', seq: 1, clientseq: 1, id: c.sessionId, parameters: { startPaused: false, media: [{ type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 }] } });
    const call = s.sink.calls.get(conversationId)!;
    expect(call.source).toBe('audiohook');
    expect(call.metadata).toMatchObject({ audiohook: { organizationId: ORG, sessionId: c.sessionId, participant: { aniName: '홍길동' }, channels: ['external', 'internal'] } });

    for (const f of frames()) c.audio(f);
    c.send('ping', { rtt: 'PT0.01S' });
    expect(await c.next('pong')).toMatchObject({ seq: 2, clientseq: 2 });
    c.send('close', { reason: 'end' });
    expect(await c.next('closed')).toMatchObject({ seq: 3, clientseq: 3 });
    await s.sink.ended(conversationId);

    const got = s.sink.finals(conversationId).sort((a, b) => a.startMs - b.startMs);
    expect(got.map((u) => [u.speaker, u.text])).toEqual(fixture.manifest.utterances.map((u) => [u.speaker, u.text]));
    got.forEach((u, i) => {
      expect(Math.abs(u.startMs - fixture.manifest.utterances[i].startMs)).toBeLessThanOrEqual(150);
      expect(Math.abs(u.endMs - fixture.manifest.utterances[i].endMs)).toBeLessThanOrEqual(150);
    });
    expect(got.find((u) => u.text.includes('금융감독원'))!.id).toBe(`${conversationId}:customer:1`);
    c.ws.close();
  });

  it('at real-time pace, each line reaches the sink while the call is still running', async () => {
    const { c, conversationId } = await openSession(s);
    const t0 = Date.now();
    const arrival = new Map<string, number>();
    const orig = s.sink.addUtterance.bind(s.sink);
    s.sink.addUtterance = async (u) => {
      if (u.callId === conversationId) arrival.set(u.id, Date.now() - t0);
      return orig(u);
    };
    for (const [i, f] of frames().entries()) {
      c.audio(f);
      if (i % 50 === 49) c.send('ping', {});
      await sleep(t0 + (i + 1) * 100 - Date.now());
    }
    c.send('close', { reason: 'end' });
    await c.next('closed');
    await s.sink.ended(conversationId);
    s.sink.addUtterance = orig;
    const threat = fixture.manifest.utterances.find((u) => u.text.includes('금융감독원'))!;
    const first = fixture.manifest.utterances[1];
    // Lines are delivered about one VAD silence (0.5 s) plus STT time after they end.
    expect(arrival.get(`${conversationId}:customer:0`)!).toBeLessThan(first.endMs + 1500);
    expect(arrival.get(`${conversationId}:customer:1`)!).toBeLessThan(threat.endMs + 1500);
    expect(s.sink.finals(conversationId)).toHaveLength(4);
  }, 30_000);

  it('a client that vanishes mid-call still leaves what it said, and the call is ended', async () => {
    const { c, conversationId } = await openSession(s);
    for (const f of frames(0, 7000)) c.audio(f);
    await sleep(100);
    c.ws.terminate();
    await s.sink.ended(conversationId);
    const got = s.sink.finals(conversationId);
    expect(got.map((u) => u.text)).toEqual(expect.arrayContaining([fixture.manifest.utterances[0].text, fixture.manifest.utterances[1].text]));
  });
});

describe('AudioHook: handshake and protocol robustness', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startServer('none', { maxFrameBytes: 4000 });
  });
  afterAll(async () => {
    await s.app.close();
  });
  afterEach(() => {
    s.events.length = 0;
  });

  it('rejects an unknown or missing X-API-KEY with 401 and a missing session id with 400', async () => {
    const id = randomUUID();
    await expect(AudioHookClient.connect(s.url, headers(id, 'wrong'), id)).rejects.toMatchObject({ statusCode: 401 });
    const h = headers(id);
    delete h['X-API-KEY'];
    await expect(AudioHookClient.connect(s.url, h, id)).rejects.toMatchObject({ statusCode: 401 });
    const h2 = headers(id);
    delete h2['Audiohook-Session-Id'];
    await expect(AudioHookClient.connect(s.url, h2, id)).rejects.toMatchObject({ statusCode: 400 });
  });

  async function expectDisconnect(c: AudioHookClient, code: number) {
    const d = await c.next('disconnect');
    expect(d.parameters.reason).toBe('error');
    expect(d.parameters.info).toMatch(new RegExp(`^${code}: `));
    // The client then runs the close transaction.
    c.send('close', { reason: 'error' });
    await c.next('closed');
    return d;
  }

  it('malformed JSON → 400', async () => {
    const c = await connect(s);
    c.ws.send('{"version":"2", nope');
    await expectDisconnect(c, 400);
  });

  it('out-of-order seq → 400', async () => {
    const c = await connect(s);
    c.send('open', openParameters(randomUUID()), { seq: 5 });
    await expectDisconnect(c, 400);
  });

  it('serverseq ahead of the server → 400; wrong session id → 400', async () => {
    const c = await connect(s);
    c.send('open', openParameters(randomUUID()), { serverseq: 9 });
    await expectDisconnect(c, 400);
    const c2 = await connect(s);
    c2.send('open', openParameters(randomUUID()), { id: randomUUID() });
    await expectDisconnect(c2, 400);
  });

  it('an unknown message type → 405', async () => {
    const c = await connect(s);
    c.send('teleport', {});
    await expectDisconnect(c, 405);
  });

  it('audio before open → 409; a second open → 409', async () => {
    const c = await connect(s);
    c.audio(new Uint8Array(320));
    await expectDisconnect(c, 409);
    const { c: c2 } = await openSession(s);
    c2.send('open', openParameters(randomUUID()));
    await expectDisconnect(c2, 409);
  });

  it('media Radar cannot take → 415 and no call', async () => {
    const c = await connect(s);
    const conv = randomUUID();
    c.send('open', openParameters(conv, [{ type: 'audio', format: 'L16', channels: ['external', 'internal'], rate: 16000 }]));
    await expectDisconnect(c, 415);
    expect(s.sink.calls.has(conv)).toBe(false);
  });

  it('accepts a mono offer of one side when stereo is not offered', async () => {
    const c = await connect(s);
    const conv = randomUUID();
    c.send('open', openParameters(conv, [{ type: 'audio', format: 'PCMU', channels: ['internal'], rate: 8000 }]));
    expect((await c.next('opened')).parameters.media[0].channels).toEqual(['internal']);
    c.send('close', { reason: 'end' });
    await c.next('closed');
  });

  it('an oversized frame → 413; an odd-sized stereo frame → 400', async () => {
    const { c } = await openSession(s);
    c.audio(new Uint8Array(5000));
    await expectDisconnect(c, 413);
    const { c: c2 } = await openSession(s);
    c2.audio(new Uint8Array(321));
    await expectDisconnect(c2, 400);
  });

  it('a connection probe (nil conversation id) is answered without creating a call', async () => {
    const before = s.sink.calls.size;
    const c = await connect(s);
    c.send('open', openParameters('00000000-0000-0000-0000-000000000000'));
    await c.next('opened');
    c.send('close', { reason: 'end' });
    await c.next('closed');
    expect(s.sink.calls.size).toBe(before);
  });

  it('pause/resume and discarded audio keep offsets on call time', async () => {
    const { c, conversationId } = await openSession(s);
    for (const f of frames(0, 3000)) c.audio(f);
    c.send('paused', {});
    c.send('resumed', { start: 'PT3S', discarded: 'PT2S' });
    for (const f of frames(3000, 8400)) c.audio(f);
    c.send('discarded', { start: 'PT10.4S', discarded: 'PT1S' });
    for (const f of frames(8400)) c.audio(f);
    c.send('update', { language: 'en-US' });
    c.send('close', { reason: 'end' });
    await c.next('closed');
    await s.sink.ended(conversationId);
    const segs = s.events.filter((e): e is Extract<AudioEvent, { type: 'segment' }> => e.type === 'segment' && e.callId === conversationId);
    const expected = fixture.manifest.utterances.map((u) => ({ speaker: u.speaker, startMs: u.startMs + (u.startMs >= 8400 ? 3000 : u.startMs >= 3000 ? 2000 : 0) }));
    const got = segs.map((e) => ({ speaker: e.speaker, startMs: e.startMs })).sort((a, b) => a.startMs - b.startMs);
    expect(got.map((g) => g.speaker)).toEqual(expected.map((e) => e.speaker));
    got.forEach((g, i) => expect(Math.abs(g.startMs - expected[i].startMs)).toBeLessThanOrEqual(150));
  });

  it('a client that never closes after a disconnect is dropped after the grace period', async () => {
    const c = await connect(s);
    c.ws.send('not json');
    await c.next('disconnect');
    expect(await c.closed).toBe(1011);
  });
});
