import type { Hit, Severity, Speaker, Utterance } from '../core/types.js';

// The detection stage's public contract. The ingest service and the backtest use
// only this; the engine behind it can change freely.

/** A previous contact of the same customer, for repeat-contact rules. */
export interface PriorContact {
  callId: string;
  /** ISO time the earlier call started. */
  at: string;
  /** Categories that alerted in that call. */
  categories: string[];
}

export interface CallContext {
  callId: string;
  customerId?: string | null;
  /** ISO start time of this call (for repeat-contact windows). */
  startedAt?: string;
  priorContacts?: PriorContact[];
}

/** Per-call detection state: split phrases, windows, partial → final. */
export interface CallDetector {
  /** Returns the hits this utterance produces (provisional when !u.final). */
  push(u: Utterance): Hit[];
  close(): void;
}

/** What a rule is, for screens and reports (no matching internals). */
export interface RuleInfo {
  id: string;
  category: string;
  severity: Severity;
  description: string;
  speakers: Speaker[];
}

export interface DetectionEngine {
  /** Version of the compiled rule set. */
  readonly version: number;
  readonly ruleCount: number;
  /** The rules behind the engine (optional so simple engines stay valid). */
  readonly rules?: readonly RuleInfo[];
  openCall(ctx: CallContext): CallDetector;
}
