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
  /** Timeline position of the first sample fed to the borrowed detector. */
  private runStart = 0;
  private quietWindows = 0;
  private nextIndex = 0;

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
    const loud = !this.o.gate.enabled || this.gate.isLoud(w);
    if (!this.vad) {
      if (loud) this.open();
      else this.remember(w);
    }
    if (this.vad) {
      this.vad.acceptWaveform(w);
      this.quietWindows = loud ? 0 : this.quietWindows + 1;
      this.drain();
      if (this.o.gate.enabled && this.quietWindows >= this.hangoverWindows && !this.vad.isDetected()) this.close();
    }
    this.pos += VAD_WINDOW;
  }

  private remember(w: Float32Array): void {
    this.preRoll.push(w);
    if (this.preRoll.length > this.preRollWindows) this.preRoll.shift();
  }

  private open(): void {
    this.vad = this.o.pool.acquire();
    this.runStart = this.pos - this.preRoll.length * VAD_WINDOW;
    for (const w of this.preRoll) this.vad.acceptWaveform(w);
    this.preRoll.length = 0;
    this.quietWindows = 0;
  }

  private close(): void {
    if (!this.vad) return;
    this.vad.flush();
    this.drain();
    this.o.pool.release(this.vad);
    this.vad = null;
  }

  private drain(): void {
    const vad = this.vad!;
    while (!vad.isEmpty()) {
      const seg = vad.front(false);
      vad.pop();
      const start = this.runStart + seg.start;
      this.o.onSegment({
        index: this.nextIndex++,
        startMs: samplesToMs(start),
        endMs: samplesToMs(start + seg.samples.length),
        samples: seg.samples,
      });
    }
  }
}
