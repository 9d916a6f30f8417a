// Segments whose transcription failed. The audio is never dropped: each one is
// written as a 16 kHz WAV plus a JSON record under RADAR_DATA_DIR/audio-pending/,
// retried on a back-off schedule (also after a restart: load() picks the files
// up again), and after maxTries marked failed (renamed *.failed.json, WAV kept)
// with an 'stt-failed' event that the caller logs.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Speaker } from '../core/types.js';
import type { IngestSink } from '../ingest/sink.js';
import { floatToS16le } from './codecs.js';
import { utteranceId, type AudioEventHandler } from './events.js';
import type { SttEngine, SttRequest } from './stt/engine.js';
import { buildWav, parseWav } from './wav.js';

export interface PendingRecord {
  utteranceId: string;
  callId: string;
  speaker: Speaker;
  index: number;
  startMs: number;
  endMs: number;
  tries: number;
  lastError: string;
  nextAttemptAt: number;
}

export interface PendingStoreOptions {
  dir: string;
  stt: SttEngine;
  sink: Pick<IngestSink, 'addUtterance'>;
  onEvent?: AudioEventHandler;
  /** Total tries including the first, live one. */
  maxTries?: number;
  /** Wait before try 2, 3, …; the last value repeats. */
  delaysMs?: number[];
}

const fileKey = (id: string) => `${id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)}-${createHash('sha256').update(id).digest('hex').slice(0, 10)}`;

export class PendingStore {
  private readonly maxTries: number;
  private readonly delays: number[];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly o: PendingStoreOptions) {
    this.maxTries = o.maxTries ?? 5;
    this.delays = o.delaysMs ?? [10_000, 60_000, 300_000, 900_000];
  }

  /** Keeps a segment after its first, failed try. */
  async keep(req: SttRequest, error: string): Promise<PendingRecord> {
    const rec: PendingRecord = {
      utteranceId: req.utteranceId ?? utteranceId(req.callId, req.speaker, req.index),
      callId: req.callId,
      speaker: req.speaker,
      index: req.index,
      startMs: req.startMs,
      endMs: req.endMs,
      tries: 1,
      lastError: error,
      nextAttemptAt: Date.now() + this.delay(1),
    };
    await mkdir(this.o.dir, { recursive: true });
    const base = path.join(this.o.dir, fileKey(rec.utteranceId));
    await writeFile(`${base}.wav`, buildWav(floatToS16le(req.samples), { encoding: 'l16', sampleRate: 16000, channels: 1 }));
    await writeFile(`${base}.json`, JSON.stringify(rec));
    this.emit('stt-pending', rec, `${base}.wav`);
    if (rec.tries >= this.maxTries) await this.giveUp(rec, base);
    return rec;
  }

  /** Records waiting for a retry (not the failed ones). */
  async list(): Promise<PendingRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.o.dir);
    } catch {
      return [];
    }
    const recs: PendingRecord[] = [];
    for (const n of names.filter((n) => n.endsWith('.json') && !n.endsWith('.failed.json'))) {
      try {
        recs.push(JSON.parse(await readFile(path.join(this.o.dir, n), 'utf8')) as PendingRecord);
      } catch {
        // A half-written record from a crash: its WAV is still there; skip it this round.
      }
    }
    return recs;
  }

  /** Retries every record that is due; resolves to the number recovered. One run at a time. */
  retryDue(now = Date.now()): Promise<number> {
    this.running ??= this.runDue(now).finally(() => (this.running = null));
    return this.running;
  }

  start(intervalMs = 5_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.retryDue().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async runDue(now: number): Promise<number> {
    let recovered = 0;
    for (const rec of await this.list()) {
      if (rec.nextAttemptAt > now) continue;
      if (await this.retry(rec)) recovered++;
    }
    return recovered;
  }

  private async retry(rec: PendingRecord): Promise<boolean> {
    const base = path.join(this.o.dir, fileKey(rec.utteranceId));
    const wav = parseWav(await readFile(`${base}.wav`));
    const view = new DataView(wav.data.buffer, wav.data.byteOffset, wav.data.byteLength);
    const samples = new Float32Array(wav.data.byteLength / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
    rec.tries++;
    try {
      const text = await this.o.stt.transcribe({ ...rec, samples });
      if (text) await this.o.sink.addUtterance({ id: rec.utteranceId, callId: rec.callId, speaker: rec.speaker, startMs: rec.startMs, endMs: rec.endMs, text, final: true });
      await rm(`${base}.json`, { force: true });
      await rm(`${base}.wav`, { force: true });
      this.o.onEvent?.({ type: 'stt-recovered', utteranceId: rec.utteranceId, callId: rec.callId, speaker: rec.speaker, index: rec.index, startMs: rec.startMs, endMs: rec.endMs, tries: rec.tries });
      return true;
    } catch (err) {
      rec.lastError = (err as Error).message;
      rec.nextAttemptAt = Date.now() + this.delay(rec.tries);
      await writeFile(`${base}.json`, JSON.stringify(rec));
      if (rec.tries >= this.maxTries) await this.giveUp(rec, base);
      else this.emit('stt-pending', rec, `${base}.wav`);
      return false;
    }
  }

  private async giveUp(rec: PendingRecord, base: string): Promise<void> {
    await rename(`${base}.json`, `${base}.failed.json`);
    this.emit('stt-failed', rec, `${base}.wav`);
  }

  private delay(tries: number): number {
    return this.delays[Math.min(tries - 1, this.delays.length - 1)] ?? 0;
  }

  private emit(type: 'stt-pending' | 'stt-failed', rec: PendingRecord, file: string): void {
    this.o.onEvent?.({ type, utteranceId: rec.utteranceId, callId: rec.callId, speaker: rec.speaker, index: rec.index, startMs: rec.startMs, endMs: rec.endMs, tries: rec.tries, error: rec.lastError, path: file });
  }
}
