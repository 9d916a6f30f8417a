import { describe, expect, it } from 'vitest';
import { createResampler } from '../../src/audio/resample.js';

/** Amplitude of frequency f in x (Goertzel). */
function amplitude(x: Float32Array, f: number, rate: number): number {
  const c = 2 * Math.cos((2 * Math.PI * f) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (Math.sqrt(s1 * s1 + s2 * s2 - c * s1 * s2) / x.length) * 2;
}

function tone(f: number, n: number, rate: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / rate));
}

function run(input: Float32Array, chunk: number): Float32Array {
  const r = createResampler(8000, 16000);
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(r.push(input.subarray(i, i + chunk)));
  parts.push(r.flush());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

describe('8 kHz → 16 kHz resampler (sherpa-onnx LinearResample, windowed sinc)', () => {
  it('doubles the sample count, whatever the chunking', () => {
    for (const chunk of [160, 333, 8000]) expect(run(tone(1000, 8000, 8000), chunk).length).toBe(16000);
  });

  it('keeps a 1 kHz tone and suppresses its 7 kHz image by > 60 dB', () => {
    const y = run(tone(1000, 8000, 8000), 160).subarray(2000, 14000);
    expect(amplitude(y, 1000, 16000)).toBeCloseTo(0.5, 2);
    expect(20 * Math.log10(amplitude(y, 7000, 16000) / 0.5)).toBeLessThan(-60);
  });

  it('is time-aligned: an impulse at input n comes out at 2n', () => {
    const x = new Float32Array(800);
    x[100] = 1;
    const y = run(x, 160);
    let peak = 0;
    y.forEach((v, i) => (Math.abs(v) > Math.abs(y[peak]) ? (peak = i) : 0));
    expect(peak).toBe(200);
  });

  it('passes 16 kHz through untouched', () => {
    const r = createResampler(16000, 16000);
    const x = tone(440, 320, 16000);
    expect(r.push(x)).toBe(x);
  });
});
