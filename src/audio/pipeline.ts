// A small processor pipeline in the style of Pipecat: typed frames flow
// through a chain of processors, each handling the frames it knows and passing
// everything else on. Audio stages are synchronous (cheap, per frame); the STT
// and sink stages do async work and keep their own per-channel order, so a
// slow transcription never blocks audio for other channels.
//
//   encoded ─► Decode ─► pcm(8k) ─► Resample ─► pcm(16k) ─► Segment ─► segment
//           ─► Transcribe ─► utterance ─► SinkWriter ─► IngestSink

import { badRequest } from '../core/errors.js';
import type { Speaker } from '../core/types.js';
import type { IngestSink, UtteranceIn } from '../ingest/sink.js';
import { decodeInterleaved, frameBytes, type DecodeOptions } from './codecs.js';
import { utteranceId, type AudioEventHandler } from './events.js';
import type { PendingStore } from './pending.js';
import { createResampler, type Resampler } from './resample.js';
import { ChannelSegmenter, type SpeechSegment } from './segmenter.js';
import type { SttEngine } from './stt/engine.js';
import { VAD_RATE, type GateOptions, type VadPool } from './vad.js';

export type Frame =
  | { kind: 'encoded'; bytes: Uint8Array }
  | { kind: 'pcm'; channel: number; rate: number; samples: Float32Array }
  /** Call time with no audio (pause, discarded audio). */
  | { kind: 'gap'; ms: number }
  | { kind: 'segment'; channel: number; segment: SpeechSegment }
  | { kind: 'utterance'; utterance: UtteranceIn }
  | { kind: 'end' };

export type Emit = (f: Frame) => void;

export interface Processor {
  /** Handles one frame and emits zero or more frames; frames it does not know are forwarded. */
  process(frame: Frame, emit: Emit): void;
  /** Resolves when async work started so far has finished. */
  idle?(): Promise<void>;
}

export class Pipeline {
  private readonly heads: Emit[];

  constructor(private readonly processors: Processor[], sinkOut: Emit = () => {}) {
    this.heads = new Array(processors.length + 1);
    this.heads[processors.length] = sinkOut;
    for (let i = processors.length - 1; i >= 0; i--) {
      const p = processors[i];
      const next = this.heads[i + 1];
      this.heads[i] = (f) => p.process(f, next);
    }
  }

  push(frame: Frame): void {
    this.heads[0](frame);
  }

  /** Waits until every processor, in order, has finished what it started. */
  async drain(): Promise<void> {
    for (const p of this.processors) await p.idle?.();
  }
}

/** Encoded interleaved bytes → one float pcm frame per channel. Keeps a split sample frame for the next chunk. */
export class DecodeProcessor implements Processor {
  private carry: Uint8Array = new Uint8Array(0);
  private readonly step: number;

  constructor(private readonly format: DecodeOptions & { sampleRate: number }) {
    this.step = frameBytes(format);
  }

  process(f: Frame, emit: Emit): void {
    if (f.kind !== 'encoded') return emit(f);
    let bytes = f.bytes;
    if (this.carry.length) bytes = Buffer.concat([this.carry, bytes]);
    const whole = bytes.length - (bytes.length % this.step);
    this.carry = bytes.slice(whole);
    if (whole === 0) return;
    const chans = decodeInterleaved(bytes.subarray(0, whole), this.format);
    chans.forEach((samples, channel) => emit({ kind: 'pcm', channel, rate: this.format.sampleRate, samples }));
  }
}

/** pcm at any rate → pcm at 16 kHz, one resampler per channel. */
export class ResampleProcessor implements Processor {
  private readonly resamplers = new Map<number, Resampler>();

  process(f: Frame, emit: Emit): void {
    if (f.kind === 'pcm' && f.rate !== VAD_RATE) {
      const r = this.resampler(f.channel, f.rate);
      emit({ kind: 'pcm', channel: f.channel, rate: VAD_RATE, samples: r.push(f.samples) });
      return;
    }
    if (f.kind === 'end') {
      for (const [channel, r] of this.resamplers) emit({ kind: 'pcm', channel, rate: VAD_RATE, samples: r.flush() });
    }
    emit(f);
  }

  private resampler(channel: number, rate: number): Resampler {
    let r = this.resamplers.get(channel);
    if (!r || r.inputRate !== rate) this.resamplers.set(channel, (r = createResampler(rate, VAD_RATE)));
    return r;
  }
}

/** 16 kHz pcm → speech segments per channel (channels mapped to null are skipped). */
export class SegmentProcessor implements Processor {
  private readonly segmenters: Array<ChannelSegmenter | null>;
  private readonly out: Array<{ channel: number; segment: SpeechSegment }> = [];

  constructor(speakers: Array<Speaker | null>, pool: VadPool, gate: GateOptions) {
    this.segmenters = speakers.map((s, channel) =>
      s ? new ChannelSegmenter({ pool, gate, onSegment: (segment) => this.out.push({ channel, segment }) }) : null,
    );
  }

  process(f: Frame, emit: Emit): void {
    if (f.kind === 'pcm') {
      if (f.rate !== VAD_RATE) throw badRequest('audio_rate', `segmenter needs ${VAD_RATE} Hz, got ${f.rate}`);
      this.segmenters[f.channel]?.push(f.samples);
    } else if (f.kind === 'gap') {
      for (const s of this.segmenters) s?.gap(Math.round((f.ms * VAD_RATE) / 1000));
    } else if (f.kind === 'end') {
      for (const s of this.segmenters) s?.end();
    }
    for (const item of this.out.splice(0)) emit({ kind: 'segment', ...item });
    if (f.kind !== 'pcm') emit(f);
  }

  positionMs(): number {
    return Math.max(0, ...this.segmenters.map((s) => s?.positionMs() ?? 0));
  }
}

export interface TranscribeOptions {
  callId: string;
  /** Prefix of utterance ids (default callId): `${prefix}:${speaker}:${index}`. */
  idPrefix?: string;
  speakers: Array<Speaker | null>;
  stt: SttEngine;
  /** Where failed segments go; without it a failure is reported and the segment is lost (tests only). */
  pending?: PendingStore | null;
  onEvent?: AudioEventHandler;
}

/** segment → partial and final utterances. Per-channel order is kept; channels run concurrently. */
export class TranscribeProcessor implements Processor {
  private readonly chains = new Map<number, Promise<void>>();
  private ending: Promise<void> = Promise.resolve();

  constructor(private readonly o: TranscribeOptions) {}

  process(f: Frame, emit: Emit): void {
    if (f.kind === 'segment') return this.enqueue(f.channel, f.segment, emit);
    if (f.kind === 'end') {
      // The end marker must follow every utterance of the call.
      this.ending = this.transcribed().then(() => emit(f));
      return;
    }
    emit(f);
  }

  idle(): Promise<void> {
    return Promise.all([this.transcribed(), this.ending]).then(() => undefined);
  }

  private transcribed(): Promise<void> {
    return Promise.all([...this.chains.values()]).then(() => undefined);
  }

  private enqueue(channel: number, seg: SpeechSegment, emit: Emit): void {
    const speaker = this.o.speakers[channel];
    if (!speaker) return;
    const ref = { callId: this.o.callId, speaker, index: seg.index, startMs: seg.startMs, endMs: seg.endMs };
    this.o.onEvent?.({ type: 'segment', ...ref });
    if (!this.o.stt.transcribes) return;
    const prev = this.chains.get(channel) ?? Promise.resolve();
    this.chains.set(channel, prev.then(() => this.transcribe(ref, seg.samples, emit)));
  }

  private async transcribe(ref: { callId: string; speaker: Speaker; index: number; startMs: number; endMs: number }, samples: Float32Array, emit: Emit): Promise<void> {
    const id = utteranceId(this.o.idPrefix ?? ref.callId, ref.speaker, ref.index);
    const utter = (text: string, final: boolean): UtteranceIn => ({ id, callId: ref.callId, speaker: ref.speaker, startMs: ref.startMs, endMs: ref.endMs, text, final });
    const req = { ...ref, samples, utteranceId: id };
    try {
      const text = await this.o.stt.transcribe(req, (partial) => emit({ kind: 'utterance', utterance: utter(partial, false) }));
      if (text) emit({ kind: 'utterance', utterance: utter(text, true) });
    } catch (err) {
      const message = (err as Error).message;
      if (this.o.pending) await this.o.pending.keep(req, message).catch((e) => this.lost(ref, id, `${message}; keeping failed: ${(e as Error).message}`));
      else this.lost(ref, id, message);
    }
  }

  private lost(ref: { callId: string; speaker: Speaker; index: number; startMs: number; endMs: number }, id: string, error: string): void {
    this.o.onEvent?.({ type: 'stt-failed', ...ref, utteranceId: id, tries: 1, error, path: '' });
  }
}

/** utterance → IngestSink.addUtterance in order; end → IngestSink.endCall after them. */
export class SinkProcessor implements Processor {
  private chain: Promise<unknown> = Promise.resolve();
  private failures = 0;

  constructor(private readonly sink: Pick<IngestSink, 'addUtterance' | 'endCall'>, private readonly callId: string, private readonly onError: (err: Error) => void = () => {}) {}

  process(f: Frame, emit: Emit): void {
    if (f.kind === 'utterance') this.then(() => this.sink.addUtterance(f.utterance));
    else if (f.kind === 'end') this.then(() => this.sink.endCall(this.callId));
    emit(f);
  }

  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  errors(): number {
    return this.failures;
  }

  private then(fn: () => Promise<unknown>): void {
    this.chain = this.chain.then(fn).catch((err: Error) => {
      this.failures++;
      this.onError(err);
    });
  }
}
