import { describe, expect, it } from 'vitest';
import { alawToLinear, decodeInterleaved, floatToS16le, linearToAlaw, linearToUlaw, ulawToLinear } from '../../src/audio/codecs.js';
import { buildWav, parseWav } from '../../src/audio/wav.js';

describe('G.711 μ-law (PCMU)', () => {
  it('decodes the ITU reference points', () => {
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x7f)).toBe(0);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0xfe)).toBe(8);
    expect(ulawToLinear(0x7e)).toBe(-8);
  });

  it('every code word round-trips through the encoder', () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue; // "negative zero" encodes as 0xff
      expect(linearToUlaw(ulawToLinear(b))).toBe(b);
    }
  });

  it('clips and keeps the quantisation error within one step', () => {
    expect(linearToUlaw(40000)).toBe(0x80);
    expect(linearToUlaw(-40000)).toBe(0x00);
    for (const x of [-30000, -1000, -17, 0, 5, 100, 2000, 20000]) {
      const err = Math.abs(ulawToLinear(linearToUlaw(x)) - x);
      expect(err).toBeLessThanOrEqual(Math.max(8, Math.abs(x) / 16));
    }
  });
});

describe('G.711 A-law (PCMA)', () => {
  it('decodes the ITU reference points', () => {
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
  });

  it('every code word round-trips through the encoder', () => {
    for (let b = 0; b < 256; b++) expect(linearToAlaw(alawToLinear(b))).toBe(b);
  });
});

describe('decodeInterleaved', () => {
  it('splits stereo μ-law into float channels', () => {
    const [a, b] = decodeInterleaved(Uint8Array.from([0x80, 0x00, 0xff, 0xfe]), { encoding: 'pcmu', channels: 2 });
    expect(Array.from(a)).toEqual([32124 / 32768, 0]);
    expect(Array.from(b)).toEqual([-32124 / 32768, 8 / 32768]);
  });

  it('reads L16 in both byte orders', () => {
    const le = decodeInterleaved(Uint8Array.from([0x00, 0x40, 0x00, 0xc0]), { encoding: 'l16', channels: 1 });
    expect(Array.from(le[0])).toEqual([0.5, -0.5]);
    const be = decodeInterleaved(Uint8Array.from([0x40, 0x00, 0xc0, 0x00]), { encoding: 'l16', channels: 1, byteOrder: 'be' });
    expect(Array.from(be[0])).toEqual([0.5, -0.5]);
  });

  it('A-law stereo', () => {
    const [a, b] = decodeInterleaved(Uint8Array.from([0xaa, 0x55]), { encoding: 'pcma', channels: 2 });
    expect(a[0]).toBeCloseTo(32256 / 32768);
    expect(b[0]).toBeCloseTo(-8 / 32768);
  });
});

describe('WAV', () => {
  it('builds and parses μ-law and PCM files', () => {
    const data = Uint8Array.from([1, 2, 3, 4]);
    const u = parseWav(buildWav(data, { encoding: 'pcmu', sampleRate: 8000, channels: 2 }));
    expect(u).toMatchObject({ encoding: 'pcmu', sampleRate: 8000, channels: 2 });
    expect(Array.from(u.data)).toEqual([1, 2, 3, 4]);
    const p = parseWav(buildWav(floatToS16le(Float32Array.from([0.5, -0.5])), { encoding: 'l16', sampleRate: 16000, channels: 1 }));
    expect(p).toMatchObject({ encoding: 'l16', sampleRate: 16000, channels: 1 });
    expect(Array.from(decodeInterleaved(p.data, { encoding: 'l16', channels: 1 })[0])).toEqual([0.5, -0.5]);
  });

  it('rejects what is not WAV', () => {
    expect(() => parseWav(Buffer.from('not a wav file at all'))).toThrow(/RIFF/);
  });
});
