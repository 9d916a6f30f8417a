import type { Logger } from '../core/log.js';
import type { RadarMetrics } from '../core/metrics.js';
import { newId } from '../core/ids.js';
import { notFound } from '../core/errors.js';
import { KeyedQueue } from '../core/keyed-queue.js';
import type { ContextLine, Hit, Utterance } from '../core/types.js';
import type { Bus } from '../bus/types.js';
import type { CallDetector, DetectionEngine } from '../detect/types.js';
import type { CallStart, IngestResult, IngestSink, UtteranceIn } from '../ingest/sink.js';
import { checkCallStart, checkUtterance } from '../ingest/validate.js';
import { writeBatchWithHits, type FoldResult } from '../alerts/fold.js';
import { createGroupCommit } from './group-commit.js';
import type { RiskInput } from '../alerts/risk.js';
import type { Db } from '../store/db.js';
import * as callsRepo from '../store/calls.js';
import * as alertsRepo from '../store/alerts.js';

// The live path: source → redact → store → detect → fold alerts → publish.
// Per-call state (detector, recent lines, alerts) lives here in memory and is
// rebuilt from the database when a call is seen again after a restart.

export interface Redactor {
  (text: string): { text: string; redactions: { kind: string; start: number; end: number }[] };
}

export interface PipelineDeps {
  db: Db;
  bus: Bus;
  log: Logger;
  engine: () => DetectionEngine;
  redact: Redactor;
  /** Redacts every string in call metadata (caller numbers from telephony). */
  redactValues: <T>(value: T) => T;
  metrics?: RadarMetrics;
  maxUtteranceChars: number;
  contextLines: number;
  /** Repeat-contact look-back for the detector's call context. */
  repeatWindowDays?: number;
  /** Most final utterances written in one transaction (group commit). */
  maxBatch?: number;
  /**
   * Group-commit batches in flight at once (default 1). More lets an utterance
   * that arrives while a batch waits on a PostgreSQL server start at once, at
   * the price of more, smaller transactions; on the 2-core test machine 2 did
   * not lower the latency tail and cost PostgreSQL ~50 % more CPU
   * (docs/performance.md). PGlite has one connection: more only queue there.
   */
  commitsInFlight?: number;
  /** Calls idle this long drop their in-memory state (it is rebuilt on demand). */
  idleMs?: number;
}

/** A group-commit batch slower than this is logged with its phases. */
const SLOW_BATCH_MS = 100;

interface CallState {
  callId: string;
  detector: CallDetector;
  engineVersion: number;
  recent: ContextLine[];
  alerts: Map<string, RiskInput>;
  escalated: boolean;
  /** Ids of this call's stored finals seen by this process. */
  finalIds: Set<string>;
  touchedAt: number;
}

interface FinalItem {
  state: CallState;
  u: Utterance;
  redactions: unknown[];
}

interface FinalResult {
  hits: Hit[];
  folded: FoldResult | null;
}

/** An utterance checked and redacted: what may be stored, logged or queued. */
export interface PreparedUtterance {
  u: Utterance;
  redactions: unknown[];
}

/** What the API and the sources use to ingest: the pipeline itself or the JetStream queue in front of it. */
export interface LiveIngest extends IngestSink {
  /** Drops a call's in-memory state so it is rebuilt from the database (after triage). */
  forget(callId: string): void;
}

export interface LivePipeline extends LiveIngest {
  /** Validates and redacts; throws the 4xx the caller answers with. */
  prepare(input: UtteranceIn): PreparedUtterance;
  /**
   * Detects, stores and publishes an utterance already prepared (here or by
   * another process, before it was queued). receivedAt is performance.now()
   * of this process when it arrived, for the alert-delay metric.
   */
  addPrepared(p: PreparedUtterance, receivedAt?: number): Promise<IngestResult>;
  /** Drops the in-memory state of every call the predicate selects (a queue partition handed over). */
  forgetCalls(select: (callId: string) => boolean): void;
  /** Number of calls with in-memory state. */
  activeCalls(): number;
  close(): Promise<void>;
}

export function createLivePipeline(deps: PipelineDeps): LivePipeline {
  const states = new Map<string, CallState>();
  const queue = new KeyedQueue();
  const idleMs = deps.idleMs ?? 30 * 60_000;
  const sweep = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const [id, s] of states) if (s.touchedAt < cutoff) dropState(id);
  }, Math.min(idleMs, 60_000));
  sweep.unref();

  const metrics = deps.metrics;

  function dropState(callId: string) {
    states.get(callId)?.detector.close();
    states.delete(callId);
    metrics?.activeCalls.set(states.size);
  }

  function detect(state: CallState, u: Utterance): Hit[] {
    const end = metrics?.detectionSeconds.startTimer();
    const hits = state.detector.push(u);
    end?.();
    return hits;
  }

  async function loadState(callId: string): Promise<CallState> {
    const existing = states.get(callId);
    const engine = deps.engine();
    // A hot-swapped rule set applies from the next utterance on.
    if (existing && existing.engineVersion === engine.version) {
      existing.touchedAt = Date.now();
      return existing;
    }
    const call = await callsRepo.getCall(deps.db, callId);
    if (!call) throw notFound('call_not_found', `No call with id '${callId}'`, { callId });
    const prior = call.customerId
      ? await callsRepo.priorContacts(deps.db, call.customerId, call.id, call.startedAt, deps.repeatWindowDays ?? 30)
      : [];
    const recent = existing?.recent ?? (await callsRepo.recentUtterances(deps.db, callId, deps.contextLines)).map(toContext);
    const alerts = existing?.alerts ?? new Map(
      (await alertsRepo.listCallAlerts(deps.db, callId))
        .filter((a) => a.status !== 'false_positive')
        .map((a) => [a.ruleId, { category: a.category, severity: a.severity, hitCount: a.hitCount }] as const),
    );
    existing?.detector.close();
    const state: CallState = {
      callId,
      detector: engine.openCall({ callId, customerId: call.customerId, startedAt: call.startedAt, priorContacts: prior }),
      engineVersion: engine.version,
      recent,
      alerts,
      escalated: new Set([...alerts.values()].map((a) => a.category)).size >= 2,
      finalIds: existing?.finalIds ?? new Set(),
      touchedAt: Date.now(),
    };
    states.set(callId, state);
    metrics?.activeCalls.set(states.size);
    return state;
  }

  function publishUtterance(u: Utterance, hits: Hit[]) {
    deps.bus.publish({ seq: null, type: u.final ? 'utterance' : 'utterance.partial', callId: u.callId, payload: { utterance: u, hits } });
  }

  /**
   * Writes a batch of final utterances (of different calls: a call's next
   * utterance waits for its previous one). Detection runs first, on the
   * utterances not already known here as stored; then the batch is written in
   * one statement, atomic on its own (one round trip, no BEGIN/COMMIT): a plain
   * INSERT without hits, or utterances, hits, alerts, risk and events together
   * (alerts/fold.ts). An utterance is never stored without the alerts it raised. A re-sent
   * utterance the database already holds (after a restart) is reported as a
   * duplicate and its hits are dropped. On failure nothing of the batch is
   * stored and the calls' detectors are rebuilt, since they already saw the
   * utterances.
   */
  async function writeFinals(batch: FinalItem[]): Promise<(FinalResult | null)[]> {
    metrics?.ingestBatch.observe(batch.length);
    metrics?.ingestQueue.set({ stage: 'commit' }, finals.waiting);
    metrics?.ingestQueue.set({ stage: 'calls' }, queue.size);
    const t0 = performance.now();
    const phases = { detect: 0, write: 0, total: 0 };
    try {
      const known = batch.map(({ state, u }) => state.finalIds.has(u.id));
      const hits = batch.map(({ state, u }, i) => (known[i] ? [] : detect(state, u)));
      const tDet = performance.now();
      phases.detect = tDet - t0;
      const anyHits = hits.some((h) => h.length > 0);
      let out: (FinalResult | null)[];
      if (!anyHits) {
        const stored = await callsRepo.insertUtterances(deps.db, batch.filter((_, i) => !known[i]).map((b) => ({ ...b.u, redactions: b.redactions })));
        out = batch.map(({ u }, i) => (!known[i] && stored.has(callsRepo.utteranceKey(u.callId, u.id)) ? { hits: hits[i], folded: null } : null));
      } else {
        const fresh = batch.map((b, i) => ({ b, i })).filter(({ i }) => !known[i]);
        const folded = await writeBatchWithHits(deps.db, fresh.map(({ b, i }) => ({
          utterance: { ...b.u, redactions: b.redactions }, hits: hits[i], context: [...b.state.recent, toContext(b.u)],
          callAlerts: b.state.alerts, wasEscalated: b.state.escalated,
        })));
        out = batch.map(() => null);
        fresh.forEach(({ i }, n) => { out[i] = folded[n] ? { hits: hits[i], folded: folded[n] } : null; });
      }
      phases.write = performance.now() - tDet;
      phases.total = performance.now() - t0;
      observeBatch(batch.length, phases, anyHits ? 'hits' : 'plain');
      return out;
    } catch (err) {
      for (const { u } of batch) dropState(u.callId);
      throw err;
    }
  }

  /** Phase timings of every batch, and a warning naming the slow phase when one stalls. */
  function observeBatch(size: number, phases: Record<'detect' | 'write' | 'total', number>, path: 'plain' | 'hits') {
    for (const [phase, ms] of Object.entries(phases)) metrics?.ingestBatchSeconds.observe({ phase, path }, ms / 1000);
    if (phases.total >= SLOW_BATCH_MS) {
      deps.log.warn({ batch: size, path, ms: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v * 10) / 10])) }, 'slow ingest batch');
    }
  }
  const finals = createGroupCommit(writeFinals, {
    maxBatch: deps.maxBatch ?? 256,
    maxInFlight: deps.commitsInFlight ?? 1,
    observeWait: metrics ? (ms) => metrics.ingestWaitSeconds.observe({ stage: 'commit' }, ms / 1000) : undefined,
  });

  async function processFinal(state: CallState, u: Utterance, redactions: unknown[], receivedAt: number): Promise<IngestResult> {
    const result = await finals.submit({ state, u, redactions });
    if (!result) {
      metrics?.utterances.inc({ final: 'true', outcome: 'duplicate' });
      return { accepted: false };
    }
    metrics?.utterances.inc({ final: 'true', outcome: 'stored' });
    state.finalIds.add(u.id);
    state.recent.push(toContext(u));
    if (state.recent.length > deps.contextLines) state.recent.splice(0, state.recent.length - deps.contextLines);
    publishUtterance(u, result.hits);
    if (result.folded) {
      state.escalated = result.folded.escalated;
      for (const e of result.folded.events) {
        const alert = (e.payload as { alert?: { category: string } }).alert;
        if (alert) metrics?.alerts.inc({ category: alert.category, kind: e.type });
        deps.bus.publish({ seq: e.seq, type: e.type, callId: u.callId, payload: e.payload });
      }
      if (result.folded.events.length > 0) metrics?.alertDelaySeconds.observe((performance.now() - receivedAt) / 1000);
    }
    if (result.hits.length > 0) deps.log.debug({ callId: u.callId, utteranceId: u.id, hits: result.hits.length }, 'hits');
    return { accepted: true };
  }

  async function processPartial(state: CallState, u: Utterance): Promise<IngestResult> {
    // A partial for an utterance already stored as final is stale. Checked in
    // memory only: after a restart a stale partial at worst shows provisional
    // hits, and partials are too frequent for a database read each.
    if (state.finalIds.has(u.id)) return { accepted: false };
    metrics?.utterances.inc({ final: 'false', outcome: 'partial' });
    const hits = detect(state, u);
    publishUtterance(u, hits);
    return { accepted: true };
  }

  function forget(callId: string) {
    void queue.run(callId, async () => dropState(callId));
  }

  function prepare(input: UtteranceIn): PreparedUtterance {
    checkUtterance(input, deps.maxUtteranceChars);
    const { text, redactions } = deps.redact(input.text);
    return { u: { ...input, text }, redactions };
  }

  function addPrepared({ u, redactions }: PreparedUtterance, receivedAt = performance.now()): Promise<IngestResult> {
    return queue.run(u.callId, async () => {
      metrics?.ingestWaitSeconds.observe({ stage: 'call' }, (performance.now() - receivedAt) / 1000);
      const state = await loadState(u.callId);
      return u.final ? processFinal(state, u, redactions, receivedAt) : processPartial(state, u);
    });
  }

  return {
    async startCall(c: CallStart) {
      checkCallStart(c);
      const { call, created } = await callsRepo.upsertCall(deps.db, {
        id: c.id ?? newId(),
        customerId: c.customerId ?? null,
        agentId: c.agentId ?? null,
        startedAt: c.startedAt ?? null,
        source: c.source,
        metadata: deps.redactValues(c.metadata ?? {}),
      });
      if (created) deps.bus.publish({ seq: null, type: 'call.started', callId: call.id, payload: { call } });
      return { id: call.id, created };
    },

    prepare,

    addUtterance(input: UtteranceIn) {
      const receivedAt = performance.now();
      return addPrepared(prepare(input), receivedAt);
    },

    addPrepared,

    forgetCalls(select) {
      for (const id of [...states.keys()]) if (select(id)) forget(id);
    },


    async endCall(callId: string) {
      await queue.run(callId, async () => {
        const call = await callsRepo.markCallEnded(deps.db, callId);
        if (!call) throw notFound('call_not_found', `No call with id '${callId}'`, { callId });
        dropState(callId);
        deps.bus.publish({ seq: null, type: 'call.ended', callId, payload: { call } });
      });
    },

    activeCalls: () => states.size,

    forget,

    async close() {
      clearInterval(sweep);
      for (const id of [...states.keys()]) dropState(id);
    },
  };
}

function toContext(u: { id: string; speaker: ContextLine['speaker']; startMs: number; text: string }): ContextLine {
  return { utteranceId: u.id, speaker: u.speaker, startMs: u.startMs, text: u.text };
}
