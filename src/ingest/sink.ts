import type { Speaker } from '../core/types.js';

// What every source (transcript API, WebSocket, AudioHook, PCM stream, batch
// files) hands its results to. Implemented by the ingest service, which redacts,
// stores, detects and alerts. All methods are idempotent on the ids given.

export interface CallStart {
  /** Caller-chosen id (e.g. an AudioHook conversation id); generated when absent. */
  id?: string;
  customerId?: string | null;
  agentId?: string | null;
  startedAt?: string;
  /** Where the call came from: 'api', 'ws', 'audiohook', 'pcm-ws', 'batch', 'demo'. */
  source: string;
  metadata?: Record<string, unknown>;
}

export interface UtteranceIn {
  id: string;
  callId: string;
  speaker: Speaker;
  startMs: number;
  endMs: number;
  /** Raw text; the sink redacts personal data before anything is stored. */
  text: string;
  final: boolean;
}

export interface IngestResult {
  /** false when the utterance id was already stored as final (no-op). */
  accepted: boolean;
}

export interface IngestSink {
  startCall(call: CallStart): Promise<{ id: string; created: boolean }>;
  addUtterance(u: UtteranceIn): Promise<IngestResult>;
  endCall(callId: string): Promise<void>;
}
