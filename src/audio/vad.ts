// Silero VAD (v5, via sherpa-onnx's native Vad) behind a pool, plus the cheap
// energy gate that decides when Silero needs to run at all.
//
// Why a pool and a gate: one sherpa Vad holds its own ONNX Runtime session
// (~10 MB RSS) and costs ~130 µs per 32 ms window on this machine's core, so
// Silero on every window of 200 channels (100 calls) would take ~80 % of a core
// and 2 GB of memory. In a two-party call each channel is silent most of the
// time (the other side is talking, hold, thinking), so a channel only borrows a
// detector while its energy is above the noise floor, and gives it back after
// a hangover long enough for Silero to close the segment itself. Trade-off:
// speech quieter than the gate (noise floor + margin) is never seen by Silero;
// the margin is small and adaptive so that the gate errs towards running Silero.

import { sherpa, sileroModelPath, type SherpaVad } from './sherpa.js';

export const VAD_RATE = 16000;
/** Silero v5 at 16 kHz takes exactly 512-sample (32 ms) windows. */
export const VAD_WINDOW = 512;

export interface SileroOptions {
  /** Speech probability threshold. */
  threshold: number;
  /** Silence that ends a segment, seconds. */
  minSilenceDuration: number;
  /** Shorter speech is dropped, seconds. */
  minSpeechDuration: number;
  /** Longer speech is split, seconds (bounds STT latency and upload size). */
  maxSpeechDuration: number;
}

export const DEFAULT_SILERO: SileroOptions = {
  threshold: 0.5,
  minSilenceDuration: 0.5,
  minSpeechDuration: 0.25,
  maxSpeechDuration: 15,
};

/** Detectors are expensive to create (model load) and to keep; reuse them. */
export class VadPool {
  private readonly free: SherpaVad[] = [];
  private created = 0;
  private inUse = 0;
  private peak = 0;

  constructor(readonly options: SileroOptions = DEFAULT_SILERO, private readonly model = sileroModelPath()) {}

  /**
   * Creates detectors ahead of need. Creating one loads the model (~90–190 ms
   * of blocked event loop here), so a server should prewarm for its expected
   * peak of simultaneously voiced channels (≈ 1 per call) at startup.
   */
  prewarm(count: number): void {
    while (this.created < count) this.free.push(this.create());
  }

  acquire(): SherpaVad {
    const vad = this.free.pop() ?? this.create();
    vad.reset();
    this.inUse++;
    this.peak = Math.max(this.peak, this.inUse);
    return vad;
  }

  release(vad: SherpaVad): void {
    this.inUse--;
    this.free.push(vad);
  }

  stats() {
    return { created: this.created, inUse: this.inUse, peak: this.peak, free: this.free.length };
  }

  private create(): SherpaVad {
    this.created++;
    const o = this.options;
    return new (sherpa().Vad)(
      {
        sileroVad: { model: this.model, threshold: o.threshold, minSilenceDuration: o.minSilenceDuration, minSpeechDuration: o.minSpeechDuration, windowSize: VAD_WINDOW, maxSpeechDuration: o.maxSpeechDuration },
        sampleRate: VAD_RATE,
        numThreads: 1,
        debug: 0,
      },
      // Ring buffer inside the detector: must hold the longest segment plus slack.
      Math.ceil(o.maxSpeechDuration) + 5,
    );
  }
}

export interface GateOptions {
  /** false = Silero on every window (the accurate, expensive baseline). */
  enabled: boolean;
  /** The gate opens when a window is this many dB above the tracked noise floor… */
  marginDb: number;
  /** …and above this absolute level (dBFS), so digital silence never opens it. */
  minDbfs: number;
  /** How fast the floor may rise, dB per window (it falls at once). */
  floorRiseDb: number;
  /** Audio before the opening window fed to Silero, ms: onsets and model warm-up. */
  preRollMs: number;
  /** Quiet time after which the detector is given back, ms (> Silero's minSilence). */
  hangoverMs: number;
  /**
   * Windows handed to Silero together (8 = 256 ms). Feeding one detector
   * several windows in a row keeps its model hot in the CPU cache: with 100
   * detectors in turn, 1 window costs ~300 µs, 8 in a row ~120 µs each.
   * Costs up to this much extra delay before a segment end is seen.
   */
  batchWindows: number;
}

export const DEFAULT_GATE: GateOptions = {
  enabled: true,
  marginDb: 9,
  minDbfs: -55,
  floorRiseDb: 0.05,
  preRollMs: 320,
  hangoverMs: 650,
  batchWindows: 8,
};

/** RMS level of a window in dBFS (−∞ for all zeros is clamped to −120). */
export function windowDbfs(w: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i] * w[i];
  const rms = Math.sqrt(sum / Math.max(1, w.length));
  return rms > 1e-6 ? 20 * Math.log10(rms) : -120;
}

/** Adaptive energy gate: tracks the noise floor, says whether a window may hold speech. */
export class EnergyGate {
  private floorDb: number;
  constructor(private readonly o: GateOptions) {
    // Start at the lowest level that could open the gate; a noisier line pulls it up.
    this.floorDb = o.minDbfs - o.marginDb;
  }

  isLoud(w: Float32Array): boolean {
    const db = windowDbfs(w);
    this.floorDb = db < this.floorDb ? db : this.floorDb + this.o.floorRiseDb;
    return db > this.thresholdDb();
  }

  /** The level a window must exceed to count as loud, dBFS. */
  thresholdDb(): number {
    return Math.max(this.o.minDbfs, this.floorDb + this.o.marginDb);
  }
}
