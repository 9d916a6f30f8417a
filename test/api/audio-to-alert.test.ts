import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { fixtureAnswer, loadCallFixture, startSttDouble, type SttDouble } from '../audio/helpers.js';
import { AudioHookClient, ORG, openParameters } from '../ingest/audiohook-client.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, startTestServer } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';

// The whole audio path in the real server: a Genesys AudioHook client streams
// the synthesised Korean call at real-time pace, Silero VAD cuts it, the `http`
// engine sends each segment to an OpenAI-compatible STT — here a local test
// double that answers the fixture's known text — and the customer's threat
// arrives on the alert stream with the right call, speaker and offset.

const fixture = loadCallFixture();
const FRAME = 1600; // 100 ms of stereo 8 kHz PCMU
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

describe('AudioHook audio → STT → alert on SSE', () => {
  let double: SttDouble;
  let server: RunningServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    double = await startSttDouble(fixtureAnswer(fixture));
    const opened = await testDatabases[0].open();
    drop = opened.drop;
    server = await startTestServer(opened.db, { RADAR_STT_ENGINE: 'http', RADAR_STT_URL: double.url, RADAR_STT_RETRIES: '0', RADAR_DATA_DIR: `/tmp/radar-audio-${randomUUID()}` });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
    await double?.close();
  });

  it('alerts on the customer threat while the call is streaming', { timeout: 60_000 }, async () => {
    const sse = await openSse(`${server.url}/api/alerts/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    const sessionId = randomUUID();
    const conversationId = randomUUID();
    const client = await AudioHookClient.connect(server.url.replace('http', 'ws') + '/api/audiohook', {
      'X-API-KEY': ADMIN_TOKEN, 'Audiohook-Session-Id': sessionId, 'Audiohook-Organization-Id': ORG,
    }, sessionId);
    client.send('open', openParameters(conversationId));
    await client.next('opened');

    // The call goes on after the threat: 1.5 s more of line silence (μ-law 0xFF).
    const data = Buffer.concat([fixture.wav.data, Buffer.alloc(FRAME * 15, 0xff)]);
    const t0 = Date.now();
    const threat = fixture.manifest.utterances.find((u) => u.text.includes('금융감독원'))!;
    for (let i = 0, n = 0; i < data.length; i += FRAME, n++) {
      client.audio(data.subarray(i, Math.min(i + FRAME, data.length)));
      await sleep(t0 + (n + 1) * 100 - Date.now());
    }
    const ev = await sse.waitFor((e) => e.event === 'alert.created' && e.data.alert.callId === conversationId && e.data.alert.category === 'external_authority', 3000);
    const arrivedAfterStart = Date.now() - t0;
    client.send('close', { reason: 'end' });
    await client.next('closed');
    client.ws.close();
    sse.close();

    expect(ev.data.alert.speaker).toBe('customer');
    expect(Math.abs(ev.data.alert.startMs - threat.startMs)).toBeLessThanOrEqual(150);
    expect(ev.data.alert.match).toBe('금융감독원');
    // It arrived while the call was still streaming (close is sent only after it);
    // how long after the threat is reported, not asserted (shared machines vary).
    console.log(`[audio→alert] alert ${arrivedAfterStart - threat.endMs} ms after the threat ended`);

    const call = (await api(server, 'GET', `/api/calls/${conversationId}`)).body;
    expect(call.call.source).toBe('audiohook');
    // The caller's number from the AudioHook participant is personal data: redacted before storage.
    expect(call.call.metadata.audiohook.participant.ani).toBe('+[전화번호]');
    expect(call.utterances.map((u: any) => [u.speaker, u.text])).toEqual(fixture.manifest.utterances.map((u) => [u.speaker, u.text]));
    // The agent's lines raise nothing.
    expect(call.alerts.every((a: any) => a.speaker === 'customer')).toBe(true);
  });

  it('refuses an AudioHook connection without a valid API key', async () => {
    const sessionId = randomUUID();
    await expect(AudioHookClient.connect(server.url.replace('http', 'ws') + '/api/audiohook', {
      'X-API-KEY': 'wrong', 'Audiohook-Session-Id': sessionId,
    }, sessionId)).rejects.toThrow('HTTP 401');
  });
});
