// Cuts one channel's 16 kHz audio into speech segments with offsets from call
// start. The energy gate decides when Silero runs (see vad.ts); Silero decides
// where speech starts and ends. Offsets stay on the call's timeline across gate
// openings and across gaps (AudioHook pauses and discarded audio), because a
// detector's sample counter restarts at every borrow and we add the real
// timeline position of the audio it was fed first.

import { EnergyGate, VAD_RATE, VAD_WINDOW, VadPool, type GateOptions } from './vad.js';
import type { SherpaVad } from './sherpa.js';

export interface SpeechSegment {
  /** 0, 1, 2, … per channel, in order of speech start. */
  index: number;
  startMs: number;
  endMs: number;
  /** 16 kHz mono float samples of the segment (Silero's cut, with its padding). */
  samples: Float32Array;
}

export interface SegmenterOptions {
  pool: VadPool;
  gate: GateOptions;
  onSegment: (s: SpeechSegment) => void;
}

const samplesToMs = (n: number) => Math.round((n * 1000) / VAD_RATE);

/** Recent audio kept per channel for onset refinement (2^15 samples ≈ 2 s). */
const HISTORY = 1 << 15;
/** Onset refinement steps back in 10 ms frames, at most this far… */
const ONSET_STEP = 160;
const ONSET_MAX_LOOKBACK = 16 * 400;
/** …and across quiet stretches no longer than a stop consonant's closure. */
const ONSET_MAX_QUIET = 16 * 100;
/** Audio kept when Silero starts detecting speech, for that segment's onset. */
const SNAPSHOT = 16000;

export class ChannelSegmenter {
  /** Call timeline position (samples at 16 kHz) of the next window to be processed. */
  private pos = 0;
  private readonly pending = new Float32Array(VAD_WINDOW);
  private pendingLen = 0;
  private readonly gate: EnergyGate;
  private readonly preRoll: Float32Array[] = [];
  private readonly preRollWindows: number;
  private readonly hangoverWindows: number;
  private vad: SherpaVad | null = null;
  /** Windows waiting to be fed to the borrowed detector. */
  private readonly queue: Float32Array[] = [];
  /** Timeline position of the first sample fed to the borrowed detector. */
  private runStart = 0;
  private quietWindows = 0;
  private nextIndex = 0;
  private readonly history = new Float32Array(HISTORY);
  /** Timeline positions [histStart, histEnd) of the audio in `history` (reset by gaps). */
  private histStart = 0;
  private histEnd = 0;
  private lastEnd = 0;
  private wasDetected = false;
  /** Audio before the moment Silero began to detect speech (its segment may be popped much later). */
  private snapshot: { from: number; audio: Float32Array } | null = null;

  constructor(private readonly o: SegmenterOptions) {
    this.gate = new EnergyGate(o.gate);
    this.preRollWindows = Math.ceil((o.gate.preRollMs * VAD_RATE) / 1000 / VAD_WINDOW);
    this.hangoverWindows = Math.ceil((o.gate.hangoverMs * VAD_RATE) / 1000 / VAD_WINDOW);
  }

  /** Feeds 16 kHz samples of any length; whole 512-sample windows are processed. */
  push(samples: Float32Array): void {
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(VAD_WINDOW - this.pendingLen, samples.length - i);
      this.pending.set(samples.subarray(i, i + take), this.pendingLen);
      this.pendingLen += take;
      i += take;
      if (this.pendingLen === VAD_WINDOW) {
        this.window(this.pending.slice());
        this.pendingLen = 0;
      }
    }
  }

  /** Audio that never arrived (pause, discarded): ends any open segment, moves the clock. */
  gap(samples: number): void {
    this.flushPartialWindow();
    this.close();
    this.preRoll.length = 0;
    this.pos += samples;
    this.histStart = this.histEnd = this.pos;
  }

  /** End of stream: emits what is still open. */
  end(): void {
    this.flushPartialWindow();
    this.close();
  }

  /** Timeline position in ms (for callers that report progress). */
  positionMs(): number {
    return samplesToMs(this.pos + this.pendingLen);
  }

  private flushPartialWindow(): void {
    if (this.pendingLen === 0) return;
    // Zero-pad the tail so the last window is still seen by Silero; the clock
    // only advances by the real samples.
    const w = new Float32Array(VAD_WINDOW);
    w.set(this.pending.subarray(0, this.pendingLen));
    const real = this.pendingLen;
    this.pendingLen = 0;
    this.window(w);
    this.pos -= VAD_WINDOW - real;
  }

  private window(w: Float32Array): void {
    this.remember16k(w);
    const loud = this.gate.isLoud(w) || !this.o.gate.enabled;
    if (!this.vad) {
      if (loud) this.open();
      else this.remember(w);
    }
    if (this.vad) {
      this.queue.push(w);
      this.quietWindows = loud ? 0 : this.quietWindows + 1;
      if (this.queue.length >= Math.max(1, this.o.gate.batchWindows)) this.feed();
      if (this.o.gate.enabled && this.queue.length === 0 && this.quietWindows >= this.hangoverWindows && !this.vad.isDetected()) this.close();
    }
    this.pos += VAD_WINDOW;
  }

  /** Hands the queued windows to Silero in one go (see GateOptions.batchWindows). */
  private feed(): void {
    const vad = this.vad!;
    for (const q of this.queue) {
      vad.acceptWaveform(q);
      this.noteDetection(vad.isDetected());
    }
    this.queue.length = 0;
    this.drain();
  }

  private remember16k(w: Float32Array): void {
    for (let i = 0; i < w.length; i++) this.history[(this.pos + i) % HISTORY] = w[i];
    this.histEnd = this.pos + w.length;
    this.histStart = Math.max(this.histStart, this.histEnd - HISTORY);
  }

  private noteDetection(detected: boolean): void {
    if (detected && !this.wasDetected) {
      const from = Math.max(this.histStart, this.histEnd - SNAPSHOT);
      this.snapshot = { from, audio: this.range(from, this.histEnd, this.ringAt) };
    }
    this.wasDetected = detected;
  }

  /**
   * Silero marks onsets late when a line starts softly or with a short first
   * syllable before a stop closure (e.g. "확인해": 화 is 170 ms, then ㄱ's
   * silence): its start can trail the first audible sound by ~200 ms, and the
   * STT would lose that syllable. Walk back in 10 ms frames over audio above
   * the gate's level, bridging quiet stretches up to a stop closure's length,
   * so the segment starts at the first audible sound.
   */
  private refineStart(start: number): number {
    const at = this.sourceFor(start);
    if (!at) return start;
    const limit = Math.max(this.lastEnd, start - ONSET_MAX_LOOKBACK);
    const threshold = this.gate.thresholdDb();
    let best = start;
    for (let s = start - ONSET_STEP; s >= limit; s -= ONSET_STEP) {
      const level = this.levelDb(s, s + ONSET_STEP, at);
      if (Number.isNaN(level)) break;
      if (level > threshold) best = s;
      else if (best - s >= ONSET_MAX_QUIET) break;
    }
    return best;
  }

  private readonly ringAt = (p: number): number => (p >= this.histStart && p < this.histEnd ? this.history[p % HISTORY] : NaN);

  /** Where the audio before `start` can be read from: the detection snapshot, else the ring. */
  private sourceFor(start: number): ((p: number) => number) | null {
    const snap = this.snapshot;
    if (snap && start > snap.from && start <= snap.from + snap.audio.length) {
      return (p) => (p >= snap.from && p < snap.from + snap.audio.length ? snap.audio[p - snap.from] : NaN);
    }
    return start > this.histStart && start <= this.histEnd ? this.ringAt : null;
  }

  private levelDb(from: number, to: number, at: (p: number) => number): number {
    let sum = 0;
    for (let p = from; p < to; p++) sum += at(p) ** 2;
    const rms = Math.sqrt(sum / (to - from));
    return Number.isNaN(rms) ? NaN : rms > 1e-6 ? 20 * Math.log10(rms) : -120;
  }

  private range(from: number, to: number, at: (p: number) => number): Float32Array {
    const out = new Float32Array(to - from);
    for (let p = from; p < to; p++) out[p - from] = at(p);
    return out;
  }

  private remember(w: Float32Array): void {
    this.preRoll.push(w);
    if (this.preRoll.length > this.preRollWindows) this.preRoll.shift();
  }

  private open(): void {
    this.vad = this.o.pool.acquire();
    this.runStart = this.pos - this.preRoll.length * VAD_WINDOW;
    this.queue.push(...this.preRoll);
    this.preRoll.length = 0;
    this.quietWindows = 0;
  }

  private close(): void {
    if (!this.vad) return;
    this.feed();
    this.vad.flush();
    this.drain();
    this.wasDetected = false;
    this.snapshot = null;
    this.o.pool.release(this.vad);
    this.vad = null;
  }

  private drain(): void {
    const vad = this.vad!;
    while (!vad.isEmpty()) {
      const seg = vad.front(false);
      vad.pop();
      const silero = this.runStart + seg.start;
      const end = silero + seg.samples.length;
      const start = this.refineStart(silero);
      const samples = start < silero ? concat(this.range(start, silero, this.sourceFor(silero)!), seg.samples) : seg.samples;
      this.lastEnd = end;
      this.o.onSegment({ index: this.nextIndex++, startMs: samplesToMs(start), endMs: samplesToMs(end), samples });
    }
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
