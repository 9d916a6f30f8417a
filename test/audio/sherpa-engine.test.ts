import { describe, expect, it } from 'vitest';
import { decodeInterleaved } from '../../src/audio/codecs.js';
import { createResampler } from '../../src/audio/resample.js';
import { createSherpaEngine } from '../../src/audio/stt/sherpa.js';
import { loadCallFixture } from './helpers.js';

// Needs real model weights (not obtainable from npm): set RADAR_STT_MODEL_DIR to
// a k2-fsa streaming transducer folder, e.g. after `radar models pull ko-streaming-zipformer`.
const modelDir = process.env.RADAR_STT_MODEL_DIR;
if (!modelDir) console.log('[skipped] sherpa STT engine test: RADAR_STT_MODEL_DIR is not set');

describe.skipIf(!modelDir)('sherpa-onnx streaming engine (real model)', () => {
  it('transcribes the customer line of the fixture with partials', async () => {
    const f = loadCallFixture();
    const line = f.manifest.utterances.find((u) => u.text.includes('금융감독원'))!;
    const ch = decodeInterleaved(f.wav.data, { encoding: 'pcmu', channels: 2 })[line.channel];
    const r = createResampler(8000);
    const audio = r.push(ch.subarray(((line.startMs - 200) * 8), (line.endMs + 300) * 8));
    const stt = createSherpaEngine({ modelDir: modelDir! });
    const partials: string[] = [];
    const text = await stt.transcribe({ callId: 't', speaker: 'customer', index: 0, startMs: line.startMs, endMs: line.endMs, samples: audio }, (p) => partials.push(p));
    console.log(`sherpa: "${text}" (${partials.length} partials)`);
    expect(text.length).toBeGreaterThan(0);
  }, 60_000);
});
