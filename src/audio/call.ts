// One call's audio path: the pipeline of processors wired for a stream format
// and a channel→speaker map. AudioHook, the PCM WebSocket and batch files all
// use this; they differ only in how bytes and gaps arrive.

import type { Speaker } from '../core/types.js';
import type { IngestSink } from '../ingest/sink.js';
import type { DecodeOptions } from './codecs.js';
import type { AudioEventHandler } from './events.js';
import type { PendingStore } from './pending.js';
import { DecodeProcessor, Pipeline, ResampleProcessor, SegmentProcessor, SinkProcessor, TranscribeProcessor } from './pipeline.js';
import type { SttEngine } from './stt/engine.js';
import { DEFAULT_GATE, VadPool, type GateOptions } from './vad.js';

export interface StreamFormat extends DecodeOptions {
  sampleRate: number;
}

export interface CallAudioOptions {
  callId: string;
  /** Prefix of utterance ids, default callId (see TranscribeOptions). */
  idPrefix?: string;
  format: StreamFormat;
  /** Speaker on each channel of the stream; null = ignore that channel. */
  speakers: Array<Speaker | null>;
  sink: Pick<IngestSink, 'addUtterance' | 'endCall'>;
  stt: SttEngine;
  pending?: PendingStore | null;
  pool?: VadPool;
  gate?: GateOptions;
  onEvent?: AudioEventHandler;
  onSinkError?: (err: Error) => void;
}

let sharedPool: VadPool | null = null;
/** One detector pool per process: detectors are the expensive part. */
export function defaultVadPool(): VadPool {
  sharedPool ??= new VadPool();
  return sharedPool;
}

export class CallAudio {
  private readonly pipeline: Pipeline;
  private readonly segments: SegmentProcessor;
  private ended = false;

  constructor(readonly o: CallAudioOptions) {
    this.segments = new SegmentProcessor(o.speakers, o.pool ?? defaultVadPool(), o.gate ?? DEFAULT_GATE);
    this.pipeline = new Pipeline([
      new DecodeProcessor(o.format),
      new ResampleProcessor(),
      this.segments,
      new TranscribeProcessor({ callId: o.callId, idPrefix: o.idPrefix, speakers: o.speakers, stt: o.stt, pending: o.pending, onEvent: o.onEvent }),
      new SinkProcessor(o.sink, o.callId, o.onSinkError),
    ]);
  }

  /** Encoded, interleaved audio bytes in the stream's format. */
  write(bytes: Uint8Array): void {
    if (!this.ended) this.pipeline.push({ kind: 'encoded', bytes });
  }

  /** Call time that passed without audio. */
  gap(ms: number): void {
    if (!this.ended && ms > 0) this.pipeline.push({ kind: 'gap', ms });
  }

  /** Milliseconds of call time processed so far. */
  positionMs(): number {
    return this.segments.positionMs();
  }

  /** Flushes open segments, waits for their transcripts, then ends the call on the sink. Idempotent. */
  async end(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.pipeline.push({ kind: 'end' });
    }
    await this.pipeline.drain();
  }
}
