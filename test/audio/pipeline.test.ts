import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CallAudio } from '../../src/audio/call.js';
import type { AudioEvent } from '../../src/audio/events.js';
import { PendingStore } from '../../src/audio/pending.js';
import { noneEngine, SttError, type SttEngine } from '../../src/audio/stt/engine.js';
import { createHttpEngine } from '../../src/audio/stt/http.js';
import { fixtureAnswer, loadCallFixture, MemorySink, startSttDouble, type SttDouble } from './helpers.js';

const fixture = loadCallFixture();

/** Streams the fixture into a call in 100 ms frames, as fast as possible. */
async function play(call: CallAudio): Promise<void> {
  const data = fixture.wav.data;
  for (let i = 0; i < data.length; i += 1600) call.write(data.subarray(i, i + 1600));
  await call.end();
}

function newCall(sink: MemorySink, stt: SttEngine, extra: Partial<ConstructorParameters<typeof CallAudio>[0]> = {}) {
  return new CallAudio({ callId: 'call-1', format: { encoding: 'pcmu', sampleRate: 8000, channels: 2 }, speakers: ['customer', 'agent'], sink, stt, ...extra });
}

describe('audio pipeline: μ-law stereo → utterances', () => {
  let double: SttDouble | null = null;
  afterEach(async () => {
    await double?.close();
    double = null;
  });

  it('with the http engine the sink receives each line with its speaker, offsets and a stable id', async () => {
    double = await startSttDouble(fixtureAnswer(fixture));
    const sink = new MemorySink();
    await sink.startCall({ id: 'call-1', source: 'test' });
    await play(newCall(sink, createHttpEngine({ url: double.url, model: 'm' })));
    const got = sink.finals('call-1').sort((a, b) => a.startMs - b.startMs);
    expect(got.map((u) => [u.speaker, u.text])).toEqual(fixture.manifest.utterances.map((u) => [u.speaker, u.text]));
    got.forEach((u, i) => expect(Math.abs(u.startMs - fixture.manifest.utterances[i].startMs)).toBeLessThanOrEqual(150));
    expect(got.map((u) => u.id).sort()).toEqual(['call-1:agent:0', 'call-1:agent:1', 'call-1:customer:0', 'call-1:customer:1']);
    expect(sink.calls.get('call-1')!.ended).toBe(true);
  });

  it('with engine none it only reports segments', async () => {
    const sink = new MemorySink();
    const events: AudioEvent[] = [];
    await play(newCall(sink, noneEngine, { onEvent: (e) => events.push(e) }));
    expect(sink.utterances).toHaveLength(0);
    expect(events.filter((e) => e.type === 'segment')).toHaveLength(4);
  });

  it('streams partials before the final from a streaming engine', async () => {
    const streaming: SttEngine = {
      name: 'sherpa',
      transcribes: true,
      async transcribe(_req, onPartial) {
        onPartial?.('이거');
        onPartial?.('이거 해결');
        return '이거 해결 안 되면';
      },
      async close() {},
    };
    const sink = new MemorySink();
    await play(newCall(sink, streaming, { speakers: ['customer', null] }));
    const ids = new Set(sink.utterances.map((u) => u.id));
    expect(ids).toEqual(new Set(['call-1:customer:0', 'call-1:customer:1']));
    const first = sink.utterances.filter((u) => u.id === 'call-1:customer:0');
    expect(first.map((u) => u.final)).toEqual([false, false, true]);
  });
});

describe('engine failure keeps the audio', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'radar-pending-'));
    dirs.push(d);
    return d;
  };

  it('keeps failed segments as WAV, recovers them later, marks them failed after N tries', async () => {
    let up = false;
    const flaky: SttEngine = {
      name: 'http',
      transcribes: true,
      async transcribe(req) {
        if (!up) throw new SttError('connection refused', true);
        return `text of ${req.speaker} ${req.index}`;
      },
      async close() {},
    };
    const dir = newDir();
    const sink = new MemorySink();
    const events: AudioEvent[] = [];
    const pending = new PendingStore({ dir, stt: flaky, sink, onEvent: (e) => events.push(e), maxTries: 3, delaysMs: [0] });
    await play(newCall(sink, flaky, { pending, onEvent: (e) => events.push(e) }));
    expect(sink.finals()).toHaveLength(0);
    expect(events.filter((e) => e.type === 'stt-pending')).toHaveLength(4);
    expect(readdirSync(dir).filter((f) => f.endsWith('.wav'))).toHaveLength(4);

    // Second try still fails; third succeeds for all.
    expect(await pending.retryDue()).toBe(0);
    up = true;
    expect(await pending.retryDue()).toBe(4);
    expect(sink.finals().map((u) => u.id).sort()).toEqual(['call-1:agent:0', 'call-1:agent:1', 'call-1:customer:0', 'call-1:customer:1']);
    expect(readdirSync(dir)).toHaveLength(0);
    expect(events.filter((e) => e.type === 'stt-recovered')).toHaveLength(4);
  });

  it('gives up after maxTries with an utterance-less stt-failed event and keeps the WAV', async () => {
    const broken: SttEngine = { name: 'http', transcribes: true, transcribe: async () => Promise.reject(new SttError('down', true)), close: async () => {} };
    const dir = newDir();
    const sink = new MemorySink();
    const events: AudioEvent[] = [];
    const pending = new PendingStore({ dir, stt: broken, sink, onEvent: (e) => events.push(e), maxTries: 2, delaysMs: [0] });
    await play(newCall(sink, broken, { pending, speakers: ['customer', null] }));
    await pending.retryDue();
    const failed = events.filter((e) => e.type === 'stt-failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ callId: 'call-1', speaker: 'customer', tries: 2, error: 'down' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.failed.json'))).toHaveLength(2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.wav'))).toHaveLength(2);
    expect(await pending.list()).toHaveLength(0);
  });
});
