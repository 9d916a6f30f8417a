import { notFound, RadarError, unavailable } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Utterance } from '../core/types.js';
import { PermanentFailure, type WorkQueue } from '../bus/work-queue.js';
import type { Db } from '../store/db.js';
import * as callsRepo from '../store/calls.js';
import type { CallStart, UtteranceIn } from '../ingest/sink.js';
import type { LiveIngest, LivePipeline } from './live-pipeline.js';

// Ingest through a JetStream work queue (RADAR_INGEST_QUEUE=jetstream): the
// process that receives an utterance checks and redacts it — personal data
// never reaches the queue — and publishes it under its call's partition; the
// process reading that partition (partition-reader.ts) detects and stores it
// with the same live pipeline as the direct path. Every message of a call goes
// through one partition, so one process sees a call's utterances in order and
// keeps its per-call state (split phrases, windows, alerts).

/** What travels on the queue. Text is already redacted. */
export type IngestMessage =
  | { kind: 'utterance'; u: Utterance; redactions: unknown[]; /** epoch ms when received */ receivedAt: number }
  | { kind: 'end'; callId: string }
  | { kind: 'forget'; callId: string };

/** Calls known to exist, so the 404 of the direct path stays without a query per utterance. */
const KNOWN_CALLS_MAX = 100_000;

export function createQueuedIngest(deps: { pipeline: LivePipeline; queue: WorkQueue<IngestMessage>; db: Db; log: Logger }): LiveIngest {
  const known = new Set<string>();
  const remember = (id: string) => {
    if (known.size >= KNOWN_CALLS_MAX) known.clear();
    known.add(id);
  };
  async function ensureCall(callId: string) {
    if (known.has(callId)) return;
    if (!(await callsRepo.getCall(deps.db, callId))) throw notFound('call_not_found', `No call with id '${callId}'`, { callId });
    remember(callId);
  }
  async function publish(callId: string, m: IngestMessage, id?: string) {
    try {
      return await deps.queue.publish(callId, m, id);
    } catch (err) {
      deps.log.warn({ callId, err: (err as Error).message }, 'ingest queue: publish failed');
      throw unavailable('queue_unavailable', 'The ingest queue is not reachable; retry later.');
    }
  }
  return {
    async startCall(c: CallStart) {
      const res = await deps.pipeline.startCall(c);
      remember(res.id);
      return res;
    },
    async addUtterance(input: UtteranceIn) {
      const { u, redactions } = deps.pipeline.prepare(input);
      await ensureCall(u.callId);
      // A final's id de-duplicates re-sends within the stream's window; partials
      // reuse their id for every revision, so they carry none.
      const { duplicate } = await publish(u.callId, { kind: 'utterance', u, redactions, receivedAt: Date.now() }, u.final ? `${u.callId}\u0000${u.id}` : undefined);
      return { accepted: !duplicate };
    },
    async endCall(callId: string) {
      await ensureCall(callId);
      await publish(callId, { kind: 'end', callId });
    },
    forget(callId: string) {
      // Through the queue, so it reaches whichever process holds the call's state, after what came before.
      void publish(callId, { kind: 'forget', callId }).catch(() => {});
    },
  };
}

/** Applies one queued message to the local pipeline (on the process reading its partition). */
export async function applyIngestMessage(pipeline: LivePipeline, m: IngestMessage, observeQueueWait?: (ms: number) => void): Promise<void> {
  try {
    if (m.kind === 'utterance') {
      const queuedMs = Math.max(0, Date.now() - m.receivedAt);
      observeQueueWait?.(queuedMs);
      // The sender's wall-clock receipt on this process's clock, for the alert-delay metric.
      await pipeline.addPrepared({ u: m.u, redactions: m.redactions }, performance.now() - queuedMs);
    } else if (m.kind === 'end') {
      await pipeline.endCall(m.callId);
    } else if (m.kind === 'forget') {
      pipeline.forget(m.callId);
    } else {
      throw new PermanentFailure(`unknown queue message kind '${(m as { kind?: unknown }).kind}'`);
    }
  } catch (err) {
    // A 4xx will not change on retry (the call was deleted, the text is invalid): drop it.
    if (err instanceof RadarError && err.status < 500) throw new PermanentFailure(`${err.code}: ${err.message}`);
    throw err;
  }
}
