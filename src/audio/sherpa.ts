// Typed access to the native sherpa-onnx binding. The package ships JavaScript
// with JSDoc only, so the few classes we use are declared here. Loading is lazy:
// the native library (onnxruntime) costs ~30 MB and is not needed by callers
// that only decode audio.

import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export interface SherpaSpeechSegment {
  /** Index of the first sample, counted from the detector's creation or last reset. */
  start: number;
  samples: Float32Array;
}

export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  pop(): void;
  front(enableExternalBuffer?: boolean): SherpaSpeechSegment;
  reset(): void;
  flush(): void;
}

export interface SherpaVadConfig {
  sileroVad: {
    model: string;
    threshold: number;
    minSilenceDuration: number;
    minSpeechDuration: number;
    windowSize: number;
    maxSpeechDuration: number;
  };
  sampleRate: number;
  numThreads: number;
  debug: number | boolean;
}

export interface SherpaLinearResampler {
  resample(samples: Float32Array): Float32Array;
  flush(samples: Float32Array): Float32Array;
  reset(): void;
}

export interface SherpaOnlineStream {
  acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}

export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(s: SherpaOnlineStream): boolean;
  decode(s: SherpaOnlineStream): void;
  isEndpoint(s: SherpaOnlineStream): boolean;
  reset(s: SherpaOnlineStream): void;
  getResult(s: SherpaOnlineStream): { text: string };
}

export interface SherpaModule {
  Vad: new (config: SherpaVadConfig, bufferSizeInSeconds: number) => SherpaVad;
  LinearResampler: new (inputRate: number, outputRate: number) => SherpaLinearResampler;
  OnlineRecognizer: new (config: Record<string, unknown>) => SherpaOnlineRecognizer;
  version: string;
}

let cached: SherpaModule | null = null;

export function sherpa(): SherpaModule {
  cached ??= require('sherpa-onnx-node') as SherpaModule;
  return cached;
}

/** The Silero VAD v5 model that ships inside @ricky0123/vad-web: no download needed. */
export function sileroModelPath(): string {
  const pkg = require.resolve('@ricky0123/vad-web/package.json');
  return path.join(path.dirname(pkg), 'dist', 'silero_vad_v5.onnx');
}
