// Live events fanned out to connected clients (SSE) and, with NATS, to other
// nodes. Persisted events carry the seq of their row in the events table so
// clients can resume; transient ones (partials, live transcript) have seq null.

export interface LiveEvent {
  seq: number | null;
  type: string;
  /** Call the event belongs to, for per-call subscriptions. */
  callId: string | null;
  payload: unknown;
}

export type LiveHandler = (e: LiveEvent) => void;

export interface Bus {
  publish(e: LiveEvent): void;
  /** Returns an unsubscribe function. */
  subscribe(fn: LiveHandler): () => void;
  /** 'ok', or why this bus cannot currently reach other processes. */
  health(): string;
  close(): Promise<void>;
}
