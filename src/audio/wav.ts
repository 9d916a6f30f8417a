// Minimal RIFF/WAVE reader and writer: PCM 16-bit, μ-law (format 7) and
// A-law (format 6). Enough for fixtures, pending STT segments and uploads;
// anything else (MP3, M4A, FLAC, odd WAV variants) goes through ffmpeg.

import { badRequest } from '../core/errors.js';
import type { Encoding } from './codecs.js';

export interface WavInfo {
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  /** The sample data (interleaved), a view into the input. */
  data: Uint8Array;
}

const FORMAT_CODES: Record<number, Encoding> = { 1: 'l16', 6: 'pcma', 7: 'pcmu' };

export function parseWav(buf: Uint8Array): WavInfo {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (off: number) => String.fromCharCode(buf[off], buf[off + 1], buf[off + 2], buf[off + 3]);
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw badRequest('wav_invalid', 'not a RIFF/WAVE file');
  let fmt: Omit<WavInfo, 'data'> | null = null;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = tag(off);
    const size = view.getUint32(off + 4, true);
    const body = off + 8;
    if (id === 'fmt ') fmt = parseFmt(view, body);
    if (id === 'data') {
      if (!fmt) throw badRequest('wav_invalid', "WAV 'data' chunk before 'fmt '");
      return { ...fmt, data: buf.subarray(body, Math.min(body + size, buf.length)) };
    }
    off = body + size + (size & 1);
  }
  throw badRequest('wav_invalid', "WAV has no 'data' chunk");
}

function parseFmt(view: DataView, off: number): Omit<WavInfo, 'data'> {
  let code = view.getUint16(off, true);
  // WAVE_FORMAT_EXTENSIBLE keeps the real format in the sub-format GUID.
  if (code === 0xfffe) code = view.getUint16(off + 24, true);
  const encoding = FORMAT_CODES[code];
  const bits = view.getUint16(off + 14, true);
  if (!encoding || (encoding === 'l16' && bits !== 16)) {
    throw badRequest('wav_unsupported', `WAV format ${code}/${bits}-bit is not supported here; decode it with ffmpeg`);
  }
  return { encoding, channels: view.getUint16(off + 2, true), sampleRate: view.getUint32(off + 4, true) };
}

/** Builds a WAV file from interleaved sample bytes. */
export function buildWav(data: Uint8Array, o: { encoding: Encoding; sampleRate: number; channels: number }): Buffer {
  const bytesPerSample = o.encoding === 'l16' ? 2 : 1;
  const code = o.encoding === 'l16' ? 1 : o.encoding === 'pcma' ? 6 : 7;
  // Non-PCM formats need the 18-byte fmt chunk (cbSize = 0) to be valid RIFF.
  const fmtSize = code === 1 ? 16 : 18;
  const header = Buffer.alloc(12 + 8 + fmtSize + 8);
  header.write('RIFF', 0);
  header.writeUInt32LE(header.length - 8 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(fmtSize, 16);
  header.writeUInt16LE(code, 20);
  header.writeUInt16LE(o.channels, 22);
  header.writeUInt32LE(o.sampleRate, 24);
  header.writeUInt32LE(o.sampleRate * o.channels * bytesPerSample, 28);
  header.writeUInt16LE(o.channels * bytesPerSample, 32);
  header.writeUInt16LE(bytesPerSample * 8, 34);
  const dataAt = 20 + fmtSize;
  header.write('data', dataAt);
  header.writeUInt32LE(data.length, dataAt + 4);
  return Buffer.concat([header, data]);
}
