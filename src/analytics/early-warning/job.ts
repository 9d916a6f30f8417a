import type { Bus } from '../../bus/types.js';
import type { Logger } from '../../core/log.js';
import { newId } from '../../core/ids.js';
import { planAdvance } from '../../delivery/gaps.js';
import * as audit from '../../store/audit.js';
import type { Db, Queryable } from '../../store/db.js';
import * as repo from '../../store/early-warnings.js';
import type { EarlyWarning, SampleRef, WarningCounts } from '../../store/early-warnings.js';
import * as eventsRepo from '../../store/events.js';
import type { StoredEvent } from '../../store/events.js';
import type { EarlyWarningConfig } from './config.js';
import { decide, type ActiveWarning, type Decision, type TopicWindow, type WindowStats } from './evaluate.js';
import { findMentions, type TopicSet } from './topics.js';

// The periodic job, in two kinds of transaction, each under one advisory lock
// so that of several processes sharing a database only one works at a time:
//
//  1. advance: read the next final utterances after the persisted cursor
//     (keyset on utterances.seq), find topic mentions, store them and move the
//     cursor — together, so a crash either keeps all of it or none. Mentions
//     are keyed by (topic, call), so even a batch read twice counts once.
//  2. evaluate: count distinct calls per topic in the window and in the
//     history, decide (evaluate.ts, pure), write the warnings and their outbox
//     events; events are published on the bus after commit.

const DAY_MS = 86_400_000;
const SAMPLE_LIMIT = 5;
/** Batches per run before the job yields (the rest is read on the next, prompt, run). */
const MAX_BATCHES_PER_RUN = 200;
const PRUNE_PER_RUN = 5000;

export const SYSTEM = { id: null, name: 'system' } as const;

export interface RunResult {
  /** False when another process held the lock for the whole run. */
  locked: boolean;
  /** Utterances read and mentions found in this run. */
  utterances: number;
  mentions: number;
  /** The cursor reached every visible utterance (false: backlog left, or waiting on a gap). */
  caughtUp: boolean;
  /** A young gap in the utterance seqs stopped the cursor (it is passed after the grace period). */
  waitingOnGap: boolean;
  evaluated: boolean;
  raised: number;
  updated: number;
  resolved: number;
  /** Outbox events written (already committed). */
  events: StoredEvent[];
}

export interface RunOptions {
  /** Evaluate as of this time instead of the database clock (tests, replays). */
  now?: number;
  /** Test hook: called inside the advance transaction after mentions are written, before the cursor moves. */
  afterMentions?: () => void | Promise<void>;
  /** Only read new utterances; leave the evaluation for a later run (the scheduler's follow-up ticks). */
  readOnly?: boolean;
}

/** Between two batches of a backlog the job rests as long as the batch took: at most half of a core, never a burst. */
const restAfter = (batchMs: number) => new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(batchMs, 200))));

/**
 * How often new utterances are read into mentions, whatever the evaluation
 * interval: small steps every few seconds instead of a minute's backlog at
 * once, which at 1,000 utterances/s was 120 back-to-back transactions and a
 * visible bump in the live path's latency.
 */
const FOLLOW_MS = 5000;

export interface JobDeps {
  db: Db;
  config: EarlyWarningConfig;
  topics: () => TopicSet;
  log?: Logger;
}

/** What an early-warning event tells receivers (no transcript text: that stays in the console). */
export function warningSummary(w: EarlyWarning) {
  return {
    id: w.id, topicId: w.topicId, topicLabel: w.topicLabel, topicLabelEn: w.topicLabelEn, status: w.status, severity: w.severity,
    calls: w.calls, baseline: Math.round(w.baseline * 100) / 100, pValue: w.pValue, windowMinutes: w.windowMinutes,
    monitoredCalls: w.monitoredCalls, historyDays: w.historyDays, peakCalls: w.peakCalls, raisedAt: w.raisedAt, updatedAt: w.updatedAt,
    resolvedAt: w.resolvedAt, acknowledgedAt: w.acknowledgedAt, acknowledgedBy: w.acknowledgedBy, sampleCallIds: w.samples.map((s) => s.callId),
  };
}

/** Appends `early_warning.<change>` to the outbox in the caller's transaction. */
export async function appendWarningEvent(q: Queryable, w: EarlyWarning, change: string, extra: Record<string, unknown> = {}): Promise<StoredEvent> {
  return eventsRepo.appendEvent(q, `early_warning.${change}`, w.id, { warning: warningSummary(w), change, ...extra });
}

interface AdvanceResult {
  locked: boolean;
  utterances: number;
  mentions: number;
  more: boolean;
  waitingOnGap: boolean;
}

async function advanceOnce(deps: JobDeps, opts: RunOptions): Promise<AdvanceResult> {
  const { db, config } = deps;
  return db.tx(async (q) => {
    if (!(await repo.tryLockEvaluator(q))) return { locked: false, utterances: 0, mentions: 0, more: false, waitingOnGap: false };
    const state = await repo.readState(q);
    const cursor = state.cursor ?? (await repo.startingCursor(q, state.now - (config.baselineDays + 1) * DAY_MS));
    const rows = await repo.utterancesAfter(q, cursor, config.batchSize);
    const plan = planAdvance({ cursor, seqs: rows.map((r) => r.seq), gap: state.gap, now: state.now, graceMs: config.gapGraceMs });
    const consume = new Set(plan.consume);
    const batch = rows.filter((r) => consume.has(r.seq)).map((r) => ({ ...r, final: true }));
    const mentions = findMentions(deps.topics(), batch);
    await repo.insertMentions(q, mentions);
    await opts.afterMentions?.();
    const changed = state.cursor !== plan.cursor || plan.skipped > 0 || JSON.stringify(plan.gap) !== JSON.stringify(state.gap);
    if (changed) await repo.saveCursor(q, plan.cursor, plan.gap, plan.skipped);
    const last = rows[rows.length - 1];
    return {
      locked: true, utterances: batch.length, mentions: mentions.length,
      more: rows.length === config.batchSize && last !== undefined && plan.cursor === last.seq,
      waitingOnGap: last !== undefined && plan.cursor < last.seq,
    };
  });
}

const countsOf = (s: WindowStats): WarningCounts => ({
  calls: s.calls, baseline: s.expected, pValue: s.pValue, monitoredCalls: s.monitored, historyCalls: s.historyCalls,
  historyMonitored: s.historyMonitored, historyDays: s.historyDays, severity: s.severity,
});

async function samplesFor(q: Queryable, topicId: string, now: number, windowMinutes: number): Promise<SampleRef[]> {
  const rows = await repo.recentMentions(q, topicId, now - windowMinutes * 60_000, now, SAMPLE_LIMIT);
  return rows.map((m) => ({ callId: m.callId, utteranceId: m.utteranceId }));
}

/** Writes one decision and its outbox event (if any); returns the event. */
async function apply(q: Queryable, d: Decision, now: number, deps: JobDeps): Promise<StoredEvent | null> {
  const { config } = deps;
  if (d.kind === 'raise') {
    const topic = deps.topics().topics.find((t) => t.id === d.topicId);
    const w = await repo.insertWarning(q, {
      id: newId(), topicId: d.topicId, topicLabel: topic?.label ?? d.topicId, topicLabelEn: topic?.labelEn ?? d.topicId, at: now,
      windowMinutes: config.windowMinutes, counts: countsOf(d.stats), samples: await samplesFor(q, d.topicId, now, config.windowMinutes),
    });
    await audit.appendAudit(q, SYSTEM, 'early_warning.raised', { type: 'early_warning', id: w.id }, { topicId: w.topicId, calls: w.calls, baseline: w.baseline, pValue: w.pValue });
    deps.log?.info({ warningId: w.id, topicId: w.topicId, calls: w.calls, baseline: w.baseline }, 'early warning raised');
    return appendWarningEvent(q, w, 'raised');
  }
  if (d.kind === 'update') {
    const samples = d.notify ? await samplesFor(q, d.warning.topicId, now, config.windowMinutes) : null;
    const w = await repo.updateWarningCounts(q, d.warning.id, now, countsOf(d.stats), d.notify, samples);
    return d.notify ? appendWarningEvent(q, w, 'updated', { previousCalls: d.warning.notifiedCalls }) : null;
  }
  const w = await repo.resolveWarning(q, d.warning.id, now, countsOf(d.stats));
  await audit.appendAudit(q, SYSTEM, 'early_warning.resolved', { type: 'early_warning', id: w.id }, { topicId: w.topicId, calls: w.calls, peakCalls: w.peakCalls });
  deps.log?.info({ warningId: w.id, topicId: w.topicId, calls: w.calls }, 'early warning resolved');
  return appendWarningEvent(q, w, 'resolved');
}

interface EvaluateResult {
  locked: boolean;
  raised: number;
  updated: number;
  resolved: number;
  events: StoredEvent[];
}

async function evaluateOnce(deps: JobDeps, opts: RunOptions): Promise<EvaluateResult> {
  const { db, config } = deps;
  return db.tx(async (q) => {
    if (!(await repo.tryLockEvaluator(q))) return { locked: false, raised: 0, updated: 0, resolved: 0, events: [] };
    const now = opts.now ?? (await repo.readState(q)).now;
    const counts = await repo.windowCounts(q, { now, windowMinutes: config.windowMinutes, baselineDays: config.baselineDays, bandMinutes: config.bandMinutes });
    const windows: TopicWindow[] = deps.topics().topics.map((t) => {
      const c = counts.topics.get(t.id);
      return {
        topicId: t.id, calls: c?.calls ?? 0, historyCalls: c?.historyCalls ?? 0,
        monitored: counts.monitored, historyMonitored: counts.historyMonitored, historyDays: counts.historyDays,
      };
    });
    const active: ActiveWarning[] = (await repo.activeWarnings(q)).map((w) => ({
      id: w.id, topicId: w.topicId, status: w.status as ActiveWarning['status'], severity: w.severity, notifiedCalls: w.notifiedCalls, peakCalls: w.peakCalls,
    }));
    const decisions = decide(windows, active, config);
    const events: StoredEvent[] = [];
    for (const d of decisions) {
      const e = await apply(q, d, now, deps);
      if (e) events.push(e);
    }
    await repo.markEvaluated(q, now);
    // Mentions older than every baseline are no longer needed.
    await repo.pruneMentions(q, now - (config.baselineDays + 1) * DAY_MS - config.bandMinutes * 60_000, PRUNE_PER_RUN);
    const n = (k: Decision['kind']) => decisions.filter((d) => d.kind === k).length;
    return { locked: true, raised: n('raise'), updated: decisions.filter((d) => d.kind === 'update' && d.notify).length, resolved: n('resolve'), events };
  });
}

/**
 * One run: read what is new (up to a bounded number of batches), then — once
 * caught up — evaluate. Returns the committed events; the caller publishes them.
 */
export async function runEarlyWarning(deps: JobDeps, opts: RunOptions = {}): Promise<RunResult> {
  let utterances = 0;
  let mentions = 0;
  let locked = false;
  let more = true;
  let waitingOnGap = false;
  for (let i = 0; i < MAX_BATCHES_PER_RUN && more; i++) {
    const t0 = performance.now();
    const a = await advanceOnce(deps, opts);
    locked ||= a.locked;
    if (!a.locked) return { locked: false, utterances, mentions, caughtUp: false, waitingOnGap, evaluated: false, raised: 0, updated: 0, resolved: 0, events: [] };
    utterances += a.utterances;
    mentions += a.mentions;
    more = a.more;
    waitingOnGap = a.waitingOnGap;
    // The live path shares the database and the event loop.
    if (more) await restAfter(performance.now() - t0);
  }
  const caughtUp = !more && !waitingOnGap;
  // With a backlog the counts are incomplete: evaluating now could raise on half the data.
  if (more || opts.readOnly) return { locked, utterances, mentions, caughtUp, waitingOnGap, evaluated: false, raised: 0, updated: 0, resolved: 0, events: [] };
  const e = await evaluateOnce(deps, opts);
  return { locked: locked || e.locked, utterances, mentions, caughtUp, waitingOnGap, evaluated: e.locked, raised: e.raised, updated: e.updated, resolved: e.resolved, events: e.events };
}

export interface EarlyWarningJob {
  /** Runs now (after any run in progress in this process) and publishes its events. */
  runNow(opts?: RunOptions): Promise<RunResult>;
  /** Resolves when the run in progress (if any) is done. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `runEarlyWarning` every `intervalMs` (first run soon after start), one
 * run at a time in this process; events are published on the bus after commit.
 * A run that left a backlog or waits on a gap is followed by a prompt one.
 */
export function startEarlyWarningJob(deps: JobDeps & { bus: Bus; log: Logger; /** Each finished run (metrics). */ onRun?: (r: RunResult) => void }): EarlyWarningJob {
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const publish = (events: StoredEvent[]) => {
    for (const e of events) deps.bus.publish({ seq: e.seq, type: e.type, callId: null, payload: e.payload });
  };
  const runSerial = (opts: RunOptions = {}): Promise<RunResult> => {
    const next = chain.then(async () => {
      const r = await runEarlyWarning(deps, opts);
      publish(r.events);
      deps.onRun?.(r);
      return r;
    });
    chain = next.catch(() => {});
    return next;
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  let lastEvaluation = 0;
  const follow = Math.min(deps.config.intervalMs, FOLLOW_MS);
  const tick = async () => {
    timer = null;
    let delay = follow;
    try {
      const due = Date.now() - lastEvaluation >= deps.config.intervalMs;
      const r = await runSerial({ readOnly: !due });
      if (r.evaluated) lastEvaluation = Date.now();
      if (!r.caughtUp && r.locked) delay = r.waitingOnGap ? Math.min(delay, deps.config.gapGraceMs + 100) : Math.min(delay, 50);
    } catch (err) {
      deps.log.warn({ err }, 'early-warning run failed; retrying at the next interval');
    }
    schedule(delay);
  };
  if (deps.config.enabled) schedule(Math.min(deps.config.intervalMs, 10_000));

  return {
    runNow: (opts) => runSerial(opts),
    idle: () => chain.then(() => undefined),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}
