// The STT engine contract: one VAD segment of 16 kHz mono audio in, text out.
// Engines are chosen by configuration (RADAR_STT_ENGINE); callers never know
// which one runs. An engine that fails throws SttError; the caller keeps the
// audio and retries later (see pending.ts), so no engine may lose a segment
// by swallowing an error.

import { RadarError } from '../../core/errors.js';
import type { Speaker } from '../../core/types.js';

export interface SttRequest {
  callId: string;
  speaker: Speaker;
  /** Segment index on its channel. */
  index: number;
  /** The id the final utterance will carry (default `${callId}:${speaker}:${index}`). */
  utteranceId?: string;
  startMs: number;
  endMs: number;
  /** 16 kHz mono float samples. */
  samples: Float32Array;
}

export interface SttEngine {
  readonly name: 'sherpa' | 'http' | 'none';
  /** false for `none`: segments are cut but never transcribed. */
  readonly transcribes: boolean;
  /**
   * Transcribes one segment. Streaming engines call onPartial with the text so
   * far while decoding; the resolved value is the final text ('' = no words).
   */
  transcribe(req: SttRequest, onPartial?: (text: string) => void): Promise<string>;
  close(): Promise<void>;
}

export class SttError extends RadarError {
  constructor(message: string, readonly retryable: boolean, details?: Record<string, unknown>) {
    super(503, 'stt_failed', message, details);
    this.name = 'SttError';
  }
}

/** Segmentation only: RADAR_STT_ENGINE=none. */
export const noneEngine: SttEngine = {
  name: 'none',
  transcribes: false,
  async transcribe() {
    return '';
  },
  async close() {},
};
