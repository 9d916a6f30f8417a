// Recorded calls (WAV, MP3, M4A, FLAC, …) through the same pipeline as live
// audio. WAV files in PCM/μ-law/A-law are read directly; everything else is
// decoded by ffmpeg (Debian package) to 16 kHz s16le, channels kept, streamed.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { badRequest, unavailable } from '../core/errors.js';
import type { Speaker } from '../core/types.js';
import type { CallStart, IngestSink } from '../ingest/sink.js';
import { CallAudio, type StreamFormat } from './call.js';
import type { AudioEventHandler } from './events.js';
import type { PendingStore } from './pending.js';
import type { SttEngine } from './stt/engine.js';
import { parseWav } from './wav.js';

export const AUDIO_EXTENSIONS = new Set(['.wav', '.mp3', '.m4a', '.flac', '.ogg', '.opus', '.aac', '.wma', '.amr']);

export interface TranscribeFileOptions {
  sink: IngestSink;
  stt: SttEngine;
  /** Stereo: which channel is the customer (the other is the agent). Default 0. */
  customerChannel?: 0 | 1;
  /** Mono: who is on the one channel. Default customer. */
  monoSpeaker?: Speaker;
  callId?: string;
  call?: Partial<CallStart>;
  pending?: PendingStore | null;
  onEvent?: AudioEventHandler;
  /** Fraction done, 0…1. */
  onProgress?: (fraction: number) => void;
}

export interface FileResult {
  callId: string;
  durationMs: number;
  channels: number;
}

/** Speakers per channel for a file. */
export function speakersFor(channels: number, customerChannel: 0 | 1 = 0, monoSpeaker: Speaker = 'customer'): Speaker[] {
  if (channels === 1) return [monoSpeaker];
  if (channels === 2) return customerChannel === 0 ? ['customer', 'agent'] : ['agent', 'customer'];
  throw badRequest('audio_channels', `recordings must be mono or stereo, this one has ${channels} channels`);
}

export function callIdForFile(file: string): string {
  return path.basename(file).replace(/\.[^.]+$/, '');
}

export async function transcribeFile(file: string, o: TranscribeFileOptions): Promise<FileResult> {
  const source = await openAudio(file);
  const started = await o.sink.startCall({ source: 'batch', ...o.call, id: o.callId ?? callIdForFile(file), metadata: { file: path.basename(file), ...o.call?.metadata } });
  const call = new CallAudio({
    callId: started.id,
    format: source.format,
    speakers: speakersFor(source.format.channels, o.customerChannel, o.monoSpeaker),
    sink: o.sink,
    stt: o.stt,
    pending: o.pending,
    onEvent: o.onEvent,
  });
  const bytesPerMs = (source.format.sampleRate / 1000) * source.format.channels * (source.format.encoding === 'l16' ? 2 : 1);
  let done = 0;
  for await (const chunk of source.chunks) {
    call.write(chunk);
    done += chunk.length;
    if (source.durationMs) o.onProgress?.(Math.min(1, done / bytesPerMs / source.durationMs));
    // Let STT responses and sink writes run between chunks.
    await new Promise((r) => setImmediate(r));
  }
  await call.end();
  o.onProgress?.(1);
  return { callId: started.id, durationMs: Math.round(done / bytesPerMs), channels: source.format.channels };
}

interface AudioSource {
  format: StreamFormat;
  durationMs: number | null;
  chunks: AsyncIterable<Uint8Array>;
}

async function openAudio(file: string): Promise<AudioSource> {
  if (path.extname(file).toLowerCase() === '.wav') {
    const buf = await readFile(file);
    try {
      const w = parseWav(buf);
      const format: StreamFormat = { encoding: w.encoding, sampleRate: w.sampleRate, channels: w.channels };
      const bytesPerMs = (w.sampleRate / 1000) * w.channels * (w.encoding === 'l16' ? 2 : 1);
      return { format, durationMs: w.data.length / bytesPerMs, chunks: slices(w.data, Math.round(bytesPerMs * 200)) };
    } catch {
      // A WAV variant we do not read (float, 24-bit, ADPCM): ffmpeg does.
    }
  }
  return openWithFfmpeg(file);
}

async function* slices(data: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', (e) => reject(unavailable('ffmpeg_missing', `${cmd} is not installed (apt-get install ffmpeg): ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(badRequest('audio_unreadable', `${cmd} could not read the file: ${err.trim().split('\n').pop()}`))));
  });
}

async function openWithFfmpeg(file: string): Promise<AudioSource> {
  const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=channels:format=duration', '-of', 'json', file])) as {
    streams?: Array<{ channels?: number }>;
    format?: { duration?: string };
  };
  const channels = probe.streams?.[0]?.channels;
  if (!channels) throw badRequest('audio_unreadable', `${file} has no audio stream`);
  const out = Math.min(channels, 2);
  const p = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-map', '0:a:0', '-ac', String(out), '-ar', '16000', '-f', 's16le', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve, reject) => p.on('close', (code) => (code === 0 ? resolve() : reject(badRequest('audio_unreadable', `ffmpeg failed: ${err.trim().split('\n').pop()}`)))));
  async function* chunks() {
    for await (const c of p.stdout) yield c as Buffer;
    await exited;
  }
  const duration = Number(probe.format?.duration);
  return { format: { encoding: 'l16', sampleRate: 16000, channels: out }, durationMs: Number.isFinite(duration) ? duration * 1000 : null, chunks: chunks() };
}
