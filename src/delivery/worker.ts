import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/log.js';
import type { RadarMetrics } from '../core/metrics.js';
import type { Bus } from '../bus/types.js';
import type { Db } from '../store/db.js';
import * as circuits from '../store/circuits.js';
import * as deliveriesRepo from '../store/deliveries.js';
import type { ClaimedDelivery, Settlement } from '../store/deliveries.js';
import { afterFailure } from './backoff.js';
import { loadDeliveryConfig, type DeliveryConfig } from './config.js';
import { relayOnce } from './relay.js';
import { sendEvent, type SendSettings } from './senders.js';
import type { SendOutcome } from './types.js';

// The background worker of one process: relay new events into deliveries,
// claim due deliveries, send them, record the outcome. It never runs on the
// ingest path; ingest only appends to `events`. Several processes may run it
// against one database: the relay row lock and SKIP LOCKED claims share the
// work, leases hand a crashed process's claims to the others.

export interface DeliveryDeps {
  db: Db;
  log: Logger;
  metrics?: RadarMetrics;
  /** Wakes the worker when an event is committed, instead of waiting for the poll. */
  bus?: Bus;
  /** Overrides for the environment's settings (tests: fast backoff). */
  config?: Partial<DeliveryConfig>;
  /** Files to attach to an event's e-mails (the daily briefing's PDF). */
  attachments?: SendSettings['attachments'];
}

export interface DeliveryWorker {
  start(): void;
  /** Stops polling, aborts sends in flight (their claims go back), waits for them. */
  stop(): Promise<void>;
  /** Runs a pass soon (after new events, a replay). */
  kick(): void;
  readonly config: DeliveryConfig;
}

/** Relays at most this many batches per pass, so a backlog never starves sending. */
const RELAY_BATCHES_PER_PASS = 20;
const STOP_WAIT_MS = 5_000;
/**
 * Pause before a pass asked for while another ran: under a burst of commits the
 * relay takes many events per transaction instead of one each, and the
 * database (PGlite runs one transaction at a time) stays free for ingest.
 */
const AGAIN_DELAY_MS = 10;

export function startDelivery(deps: DeliveryDeps): DeliveryWorker {
  const w = createDeliveryWorker(deps);
  w.start();
  return w;
}

export function createDeliveryWorker(deps: DeliveryDeps): DeliveryWorker {
  const base = loadDeliveryConfig();
  const config: DeliveryConfig = { ...base, ...deps.config, retry: { ...base.retry, ...deps.config?.retry }, breaker: { ...base.breaker, ...deps.config?.breaker } };
  const { db, log } = deps;
  const inflight = new Map<number, { ac: AbortController; done: Promise<void> }>();
  let started = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let statsTimer: NodeJS.Timeout | null = null;
  let pass: Promise<void> | null = null;
  let again = false;
  let unsubscribe: (() => void) | null = null;

  function schedule(ms: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timer = null; void runPass(); }, ms);
    timer.unref();
  }

  function kick() {
    if (!started || stopped) return;
    if (pass) again = true;
    else schedule(0);
  }

  async function runPass() {
    if (pass || stopped) return;
    again = false;
    pass = onePass().catch((err) => log.warn({ err }, 'delivery pass failed'));
    await pass;
    pass = null;
    schedule(again ? Math.min(AGAIN_DELAY_MS, config.pollMs) : config.pollMs);
  }

  async function onePass() {
    for (let i = 0; i < RELAY_BATCHES_PER_PASS && !stopped; i++) {
      const r = await relayOnce(db, { batch: config.relayBatch, gapGraceMs: config.gapGraceMs });
      if (r.skipped > 0) log.warn({ skipped: r.skipped, cursor: r.cursor }, 'delivery relay skipped an old gap in the event log');
      if (!r.more) break;
    }
    const free = config.concurrency - inflight.size;
    if (free <= 0 || stopped) return;
    const token = randomBytes(12).toString('hex');
    const claimed = await db.tx((q) => deliveriesRepo.claimDue(q, { limit: free, leaseMs: config.leaseMs, token }));
    for (const c of claimed) launch(c, token);
  }

  function launch(c: ClaimedDelivery, token: string) {
    const ac = new AbortController();
    const done = deliverOne(c, token, ac.signal)
      .catch((err) => log.warn({ err, delivery: c.id }, 'delivery bookkeeping failed'))
      .finally(() => { inflight.delete(c.id); kick(); });
    inflight.set(c.id, { ac, done });
  }

  async function deliverOne(c: ClaimedDelivery, token: string, signal: AbortSignal) {
    const startedAt = Date.now();
    const outcome: SendOutcome = c.event
      ? await sendEvent({ id: c.subscriptionId, kind: c.kind, target: c.target, secret: c.secret }, c.event, c.attempt, { timeoutMs: config.timeoutMs, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, publicUrl: config.publicUrl, signal, attachments: deps.attachments })
      : { ok: false, status: null, error: 'event_missing: the event was pruned from the log' };
    if (signal.aborted) {
      await db.tx(async (q) => {
        await deliveriesRepo.releaseClaim(q, c.id, token);
        if (c.probe) await circuits.releaseProbe(q, c.subscriptionId);
      });
      return;
    }
    const next = settlement(c, outcome, config);
    const { held, tripped, closed } = await db.tx(async (q) => {
      const held = await deliveriesRepo.settle(q, c.id, token, { attempt: c.attempt, ok: outcome.ok, status: outcome.status, error: outcome.error, durationMs: Date.now() - startedAt }, next);
      // The breaker judges the receiver: a pruned event says nothing about it.
      if (!c.event) {
        if (c.probe) await circuits.releaseProbe(q, c.subscriptionId);
        return { held, tripped: null, closed: false };
      }
      if (outcome.ok) return { held, tripped: null, closed: await circuits.recordSuccess(q, c.subscriptionId) };
      return { held, tripped: await circuits.recordFailure(q, c.subscriptionId, config.breaker), closed: false };
    });
    deps.metrics?.deliveryAttempts.inc({ kind: c.kind, outcome: next.status === 'pending' ? 'retry' : next.status });
    if (!held) log.warn({ delivery: c.id }, 'delivery lease expired before the attempt finished; another worker owns it');
    if (next.status === 'dead') log.warn({ delivery: c.id, subscription: c.subscriptionId, error: outcome.error }, 'delivery moved to dead letters');
    if (tripped?.event) {
      const { consecutiveFailures, openUntil } = tripped.next;
      log.warn(
        { subscription: c.subscriptionId, kind: c.kind, consecutiveFailures, openUntil: new Date(openUntil!).toISOString(), cooldownMs: openUntil! - tripped.now, error: outcome.error },
        tripped.event === 'opened'
          ? 'delivery circuit opened: the receiver keeps failing; its deliveries wait (attempts kept) until a probe succeeds'
          : 'delivery circuit probe failed; open again with a longer cool-down',
      );
    }
    if (closed) log.info({ subscription: c.subscriptionId, kind: c.kind }, 'delivery circuit closed: the receiver answered again');
    if (tripped?.event || closed) void refreshStats();
  }

  async function refreshStats() {
    if (!deps.metrics || stopped) return;
    try {
      const s = await deliveriesRepo.deliverySummary(db);
      deps.metrics.deliveryOutboxLag.set(s.lag);
      deps.metrics.deliveryPending.set(s.pending);
      deps.metrics.deliveryDead.set(s.dead);
      deps.metrics.deliveryCircuitsOpen.set(s.openCircuits);
    } catch (err) {
      log.debug({ err }, 'delivery stats failed');
    }
  }

  return {
    config,
    kick,
    start() {
      if (started || !config.enabled) return;
      started = true;
      unsubscribe = deps.bus?.subscribe((e) => { if (e.seq !== null) kick(); }) ?? null;
      if (deps.metrics) {
        statsTimer = setInterval(() => void refreshStats(), config.statsMs);
        statsTimer.unref();
        void refreshStats();
      }
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (statsTimer) clearInterval(statsTimer);
      unsubscribe?.();
      for (const f of inflight.values()) f.ac.abort();
      const waiting = Promise.allSettled([pass, ...[...inflight.values()].map((f) => f.done)]);
      await Promise.race([waiting, new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
    },
  };
}

/** Pure: what an attempt's outcome means for the delivery. */
export function settlement(c: Pick<ClaimedDelivery, 'attempt' | 'event'>, outcome: SendOutcome, config: Pick<DeliveryConfig, 'retry'>): Settlement {
  if (outcome.ok) return { status: 'delivered' };
  if (!c.event) return { status: 'dead' };
  const after = afterFailure(c.attempt, config.retry, outcome.retryAfterMs);
  return after.dead ? { status: 'dead' } : { status: 'pending', delayMs: after.delayMs };
}
