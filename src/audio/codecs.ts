// G.711 (μ-law = PCMU, A-law = PCMA) and 16-bit linear PCM decoding.
//
// Decoding is a single table lookup per byte: telephony audio arrives at
// 8,000 bytes per second per channel and a busy node decodes hundreds of
// channels, so the per-sample cost matters more than table memory (2 × 1 KiB).
// Output is Float32 in [-1, 1) because that is what the resampler, the VAD and
// the STT engines consume; going through Int16 first would cost an extra pass.

export type Encoding = 'pcmu' | 'pcma' | 'l16';

/** G.711 μ-law byte → linear 16-bit sample (ITU-T G.711, 14-bit magnitude scaled to 16). */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
}

/** G.711 A-law byte → linear 16-bit sample. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const SEGMENT_ENDS_ULAW = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const SEGMENT_ENDS_ALAW = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segmentOf(value: number, ends: number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]) return i;
  return ends.length;
}

/** Linear 16-bit sample → μ-law byte (used by fixtures, tests and the bench's synthetic streams). */
export function linearToUlaw(sample: number): number {
  let pcm = clamp16(sample) >> 2;
  let mask = 0xff;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  }
  pcm = Math.min(pcm, 8159) + 0x21;
  const seg = segmentOf(pcm, SEGMENT_ENDS_ULAW);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0f)) ^ mask;
}

/** Linear 16-bit sample → A-law byte. */
export function linearToAlaw(sample: number): number {
  let pcm = clamp16(sample) >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const seg = segmentOf(pcm, SEGMENT_ENDS_ALAW);
  if (seg >= 8) return 0x7f ^ mask;
  const mantissa = seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
  return ((seg << 4) | mantissa) ^ mask;
}

function clamp16(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x)));
}

function floatTable(decode: (b: number) => number): Float32Array {
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) t[b] = decode(b) / 32768;
  return t;
}

/** Byte → float sample tables, built once at module load. */
export const ULAW_TABLE = floatTable(ulawToLinear);
export const ALAW_TABLE = floatTable(alawToLinear);

export interface DecodeOptions {
  encoding: Encoding;
  channels: number;
  /** Only for l16: RFC 3551 L16 is big-endian; most recorders and sockets send little-endian. */
  byteOrder?: 'le' | 'be';
}

/** Bytes per sample frame (one sample on every channel). */
export function frameBytes(o: DecodeOptions): number {
  return (o.encoding === 'l16' ? 2 : 1) * o.channels;
}

/**
 * Decodes interleaved encoded bytes into one Float32Array per channel.
 * The byte length must be a whole number of sample frames; callers validate
 * that first so a bad frame becomes a protocol error, not silent garbage.
 */
export function decodeInterleaved(bytes: Uint8Array, o: DecodeOptions): Float32Array[] {
  const n = Math.floor(bytes.length / frameBytes(o));
  const out: Float32Array[] = [];
  for (let c = 0; c < o.channels; c++) out.push(new Float32Array(n));
  if (o.encoding === 'l16') decodeL16(bytes, out, n, o.byteOrder === 'be');
  else decodeG711(bytes, out, n, o.encoding === 'pcmu' ? ULAW_TABLE : ALAW_TABLE);
  return out;
}

function decodeG711(bytes: Uint8Array, out: Float32Array[], n: number, table: Float32Array): void {
  const channels = out.length;
  if (channels === 1) {
    const ch = out[0];
    for (let i = 0; i < n; i++) ch[i] = table[bytes[i]];
    return;
  }
  for (let c = 0; c < channels; c++) {
    const ch = out[c];
    for (let i = 0, j = c; i < n; i++, j += channels) ch[i] = table[bytes[j]];
  }
}

function decodeL16(bytes: Uint8Array, out: Float32Array[], n: number, bigEndian: boolean): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const channels = out.length;
  for (let c = 0; c < channels; c++) {
    const ch = out[c];
    for (let i = 0, off = c * 2; i < n; i++, off += channels * 2) ch[i] = view.getInt16(off, !bigEndian) / 32768;
  }
}

/** Float [-1, 1] → little-endian 16-bit PCM bytes (WAV payloads, HTTP STT uploads). */
export function floatToS16le(samples: Float32Array): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(clamp16(samples[i] * 32768), i * 2);
  return buf;
}
