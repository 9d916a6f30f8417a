import { describe, expect, it } from 'vitest';
import { decodeInterleaved } from '../../src/audio/codecs.js';
import { createResampler } from '../../src/audio/resample.js';
import { ChannelSegmenter, type SpeechSegment } from '../../src/audio/segmenter.js';
import { DEFAULT_GATE, EnergyGate, VadPool, windowDbfs } from '../../src/audio/vad.js';
import { loadCallFixture } from './helpers.js';

const TOLERANCE_MS = 150;
const fixture = loadCallFixture();
const channels = decodeInterleaved(fixture.wav.data, { encoding: 'pcmu', channels: 2 });

function segmentChannel(ch: number, pool: VadPool, gateOn = true): SpeechSegment[] {
  const out: SpeechSegment[] = [];
  const r = createResampler(8000);
  const seg = new ChannelSegmenter({ pool, gate: { ...DEFAULT_GATE, enabled: gateOn }, onSegment: (s) => out.push(s) });
  const x = channels[ch];
  for (let i = 0; i < x.length; i += 160) seg.push(r.push(x.subarray(i, i + 160)));
  seg.push(r.flush());
  seg.end();
  return out;
}

describe('Silero VAD segmenter on the synthetic Korean call', () => {
  const pool = new VadPool();

  for (const ch of [0, 1]) {
    it(`finds channel ${ch}'s utterances within ±${TOLERANCE_MS} ms and nothing of the other channel`, () => {
      const expected = fixture.manifest.utterances.filter((u) => u.channel === ch);
      const got = segmentChannel(ch, pool);
      expect(got.map((s) => s.index)).toEqual(expected.map((_, i) => i));
      got.forEach((s, i) => {
        expect(Math.abs(s.startMs - expected[i].startMs)).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(Math.abs(s.endMs - expected[i].endMs)).toBeLessThanOrEqual(TOLERANCE_MS);
        // The segment audio covers its time span at 16 kHz.
        expect(Math.abs(s.samples.length / 16 - (s.endMs - s.startMs))).toBeLessThanOrEqual(1);
      });
    });
  }

  it('with the energy gate, detectors are borrowed only while a channel is voiced', () => {
    const p = new VadPool();
    segmentChannel(0, p);
    segmentChannel(1, p);
    expect(p.stats()).toMatchObject({ created: 1, inUse: 0 });
  });

  it('gaps move segments along the call timeline', () => {
    const p = new VadPool();
    const out: SpeechSegment[] = [];
    const r = createResampler(8000);
    const seg = new ChannelSegmenter({ pool: p, gate: DEFAULT_GATE, onSegment: (s) => out.push(s) });
    seg.gap(16000 * 5); // five seconds without audio before the stream starts
    const x = channels[0];
    for (let i = 0; i < x.length; i += 160) seg.push(r.push(x.subarray(i, i + 160)));
    seg.end();
    const first = fixture.manifest.utterances.find((u) => u.channel === 0)!;
    expect(Math.abs(out[0].startMs - (first.startMs + 5000))).toBeLessThanOrEqual(TOLERANCE_MS);
  });
});

describe('energy gate', () => {
  it('stays shut on digital silence and low noise, opens on speech-level audio', () => {
    const g = new EnergyGate(DEFAULT_GATE);
    expect(g.isLoud(new Float32Array(512))).toBe(false);
    const noise = Float32Array.from({ length: 512 }, (_, i) => (i % 2 ? 1 : -1) * 0.0005);
    for (let i = 0; i < 20; i++) expect(g.isLoud(noise)).toBe(false);
    const loud = Float32Array.from({ length: 512 }, (_, i) => 0.1 * Math.sin(i / 5));
    expect(g.isLoud(loud)).toBe(true);
    expect(windowDbfs(loud)).toBeCloseTo(-23, 0);
  });
});
