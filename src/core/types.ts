// The plain data that flows through the pipeline (see docs/ARCHITECTURE.md).
// Later stages import these types; nothing here imports from a stage.

export type Speaker = 'customer' | 'agent';
export const SPEAKERS: readonly Speaker[] = ['customer', 'agent'];

/** 1 = informational … 5 = critical. */
export type Severity = 1 | 2 | 3 | 4 | 5;

/** The unit of the pipeline: one stretch of speech by one speaker, as text. */
export interface Utterance {
  /** Stable id chosen by the producer; re-sending the same id is a no-op. */
  id: string;
  callId: string;
  speaker: Speaker;
  /** Milliseconds from call start. */
  startMs: number;
  endMs: number;
  /** Already redacted of personal data when it reaches detection or storage. */
  text: string;
  /** false = streaming partial that a later final with the same id replaces. */
  final: boolean;
}

/** A rule matching a span of an utterance. Offsets are UTF-16 indices into `text`. */
export interface Hit {
  ruleId: string;
  /** Version of the rule set that produced the hit. */
  ruleSetVersion: number;
  category: string;
  severity: Severity;
  utteranceId: string;
  speaker: Speaker;
  start: number;
  end: number;
  /** The original text of the span. */
  match: string;
  /** The dictionary term the span matched (may differ from `match` for fuzzy hits). */
  term: string;
  negated: boolean;
  /** true when the hit came from a partial transcript and awaits the final. */
  provisional: boolean;
  /** Edit distance at jamo level; 0 for an exact match. */
  distance: number;
  /** Call offset of the span's utterance, ms. */
  startMs: number;
  /** Human-readable reason, e.g. the composite rule's parts. */
  explanation: string;
}

export type AlertStatus = 'open' | 'acknowledged' | 'false_positive' | 'escalated';

/** What users see: hits folded per call and rule. */
export interface Alert {
  id: string;
  callId: string;
  ruleId: string;
  category: string;
  severity: Severity;
  status: AlertStatus;
  hitCount: number;
  firstHitAt: string;
  lastHitAt: string;
  /** Explanation of the first (triggering) hit. */
  speaker: Speaker;
  startMs: number;
  match: string;
  term: string;
  utteranceId: string;
  context: ContextLine[];
  explanation: string;
  negated: boolean;
  createdAt: string;
  updatedAt: string;
  /** Reason given when marked as a false positive; note for other transitions. */
  statusReason: string | null;
  caseId: string | null;
}

export interface ContextLine {
  utteranceId: string;
  speaker: Speaker;
  startMs: number;
  text: string;
}

export interface CallInfo {
  id: string;
  customerId: string | null;
  agentId: string | null;
  startedAt: string;
  endedAt: string | null;
  source: string;
  metadata: Record<string, unknown>;
}
