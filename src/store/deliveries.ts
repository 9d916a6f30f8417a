import type { GapState } from '../delivery/gaps.js';
import type { DeliveryStatus, OutboxEvent, SubscriptionKind } from '../delivery/types.js';
import { lockHalfOpen, markProbe } from './circuits.js';
import type { Queryable, Row } from './db.js';
import { isoOrNull as iso } from './rows.js';

// The relay's cursor and the deliveries it fans out. Times that decide who may
// act (leases, due retries, gap age) are the database's clock, so several
// processes with drifting clocks agree.

export interface RelayState {
  cursor: number;
  gap: GapState | null;
  /** The database's now(), in ms since the epoch. */
  now: number;
}

/**
 * Locks the relay row for this transaction; null when another process holds it
 * (it is relaying right now, so this one need not).
 */
export async function lockRelay(q: Queryable): Promise<RelayState | null> {
  const [r] = await q.query(
    `SELECT cursor_seq, gap_max_seq, (extract(epoch FROM gap_seen_at) * 1000)::float8 AS gap_seen_ms,
            (extract(epoch FROM now()) * 1000)::float8 AS now_ms
     FROM delivery_relay WHERE id = 1 FOR UPDATE SKIP LOCKED`,
  );
  if (!r) return null;
  const gap = r.gap_max_seq === null ? null : { maxSeq: Number(r.gap_max_seq), seenAt: Number(r.gap_seen_ms) };
  return { cursor: Number(r.cursor_seq), gap, now: Number(r.now_ms) };
}

export async function saveRelay(q: Queryable, s: { cursor: number; gap: GapState | null; skipped: number }): Promise<void> {
  await q.query(
    `UPDATE delivery_relay SET cursor_seq = $1, gap_max_seq = $2, gap_seen_at = to_timestamp($3::float8 / 1000),
       skipped_seqs = skipped_seqs + $4, updated_at = now() WHERE id = 1`,
    [s.cursor, s.gap?.maxSeq ?? null, s.gap?.seenAt ?? null, s.skipped],
  );
}

/** Inserts the (subscription, event) pairs not there yet; returns how many were new. */
export async function fanOut(q: Queryable, pairs: { subscriptionId: string; seq: number }[]): Promise<number> {
  if (pairs.length === 0) return 0;
  const rows = await q.query(
    `INSERT INTO deliveries (subscription_id, event_seq)
     SELECT * FROM unnest($1::text[], $2::bigint[])
     ON CONFLICT (subscription_id, event_seq) DO NOTHING RETURNING id`,
    [pairs.map((p) => p.subscriptionId), pairs.map((p) => p.seq)],
  );
  return rows.length;
}

export interface ClaimedDelivery {
  id: number;
  subscriptionId: string;
  /** This attempt's number (1 = first). */
  attempt: number;
  kind: SubscriptionKind;
  target: string;
  secret: string | null;
  /** Null when the event row is gone (pruned). */
  event: OutboxEvent | null;
  /** The one delivery let through a half-open circuit. */
  probe: boolean;
}

const CLAIM_SQL = `WITH due AS (
       SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now()) AND s.enabled
         AND CASE WHEN $4::text IS NULL
           -- Open or half-open circuit: not claimed (and no attempt spent) except as its probe.
           THEN NOT EXISTS (SELECT 1 FROM delivery_circuits c WHERE c.subscription_id = d.subscription_id AND c.open_until IS NOT NULL)
           ELSE d.subscription_id = $4 END
       ORDER BY d.next_attempt_at, d.id
       LIMIT $1
       FOR UPDATE OF d SKIP LOCKED
     ), claimed AS (
       UPDATE deliveries d SET lease_token = $2, lease_until = now() + $3::float8 * interval '1 millisecond', attempts = d.attempts + 1, updated_at = now()
       FROM due WHERE d.id = due.id
       RETURNING d.id, d.subscription_id, d.event_seq, d.attempts
     )
     SELECT c.*, s.kind, s.target, s.secret, e.seq, e.type, e.subject_id, e.payload, e.created_at AS event_created_at
     FROM claimed c JOIN subscriptions s ON s.id = c.subscription_id LEFT JOIN events e ON e.seq = c.event_seq
     ORDER BY c.id`;

const toClaimed = (probe: boolean) => (r: Row): ClaimedDelivery => ({
  id: Number(r.id),
  subscriptionId: r.subscription_id,
  attempt: r.attempts,
  kind: r.kind,
  target: r.target,
  secret: r.secret,
  event: r.seq === null ? null : { seq: Number(r.seq), type: r.type, subjectId: r.subject_id, payload: r.payload, createdAt: new Date(r.event_created_at).toISOString() },
  probe,
});

/**
 * Claims due deliveries of enabled subscriptions for `leaseMs`. SKIP LOCKED lets
 * workers claim side by side; an expired lease (crashed worker) makes a row due
 * again. The attempt is counted at claim time, so an event that crashes its
 * worker still ends in dead letters instead of looping.
 *
 * Circuit breaker: a subscription whose circuit is open gets nothing; one whose
 * circuit is half-open gets one probe (first, so a busy queue never starves the
 * recovery of a receiver), marked on the circuit for the length of the lease.
 */
export async function claimDue(q: Queryable, o: { limit: number; leaseMs: number; token: string }): Promise<ClaimedDelivery[]> {
  const out: ClaimedDelivery[] = [];
  for (const subscriptionId of await lockHalfOpen(q, o.limit)) {
    const rows = await q.query(CLAIM_SQL, [1, o.token, o.leaseMs, subscriptionId]);
    if (rows.length === 0) continue; // nothing due yet: the next one due will be the probe
    await markProbe(q, subscriptionId, o.leaseMs);
    out.push(...rows.map(toClaimed(true)));
  }
  if (out.length >= o.limit) return out;
  const rows = await q.query(CLAIM_SQL, [o.limit - out.length, o.token, o.leaseMs, null]);
  return [...out, ...rows.map(toClaimed(false))];
}

export type Settlement = { status: 'delivered' } | { status: 'pending'; delayMs: number } | { status: 'dead' };

export interface AttemptRecord {
  attempt: number;
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Records an attempt and settles the delivery — only while this worker still
 * holds the claim (a worker whose lease ran out must not overwrite the next
 * one's result). Returns whether the claim was still held.
 */
export async function settle(q: Queryable, id: number, token: string, a: AttemptRecord, next: Settlement): Promise<boolean> {
  // The delivery may be gone meanwhile (its subscription was deleted).
  await q.query(
    `INSERT INTO delivery_attempts (delivery_id, attempt, ok, status, error, duration_ms)
     SELECT $1::bigint, $2::integer, $3::boolean, $4::integer, $5::text, $6::integer WHERE EXISTS (SELECT 1 FROM deliveries WHERE id = $1)`,
    [id, a.attempt, a.ok, a.status, a.error, a.durationMs],
  );
  const rows = await q.query(
    `UPDATE deliveries SET status = $3, last_status = $4, last_error = $5,
       next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + $6::float8 * interval '1 millisecond' ELSE next_attempt_at END,
       delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END,
       lease_token = NULL, lease_until = NULL, updated_at = now()
     WHERE id = $1 AND lease_token = $2 RETURNING id`,
    [id, token, next.status, a.status, a.error, next.status === 'pending' ? next.delayMs : 0],
  );
  return rows.length > 0;
}

/** Gives a claim back without counting the attempt (the worker is stopping). */
export async function releaseClaim(q: Queryable, id: number, token: string): Promise<void> {
  await q.query(
    `UPDATE deliveries SET attempts = greatest(attempts - 1, 0), lease_token = NULL, lease_until = NULL, updated_at = now()
     WHERE id = $1 AND lease_token = $2`,
    [id, token],
  );
}

export interface DeliveryInfo {
  id: number;
  subscriptionId: string;
  eventSeq: number;
  eventId: string;
  eventType: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  replays: number;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}


function toDelivery(r: Row): DeliveryInfo {
  return {
    id: Number(r.id),
    subscriptionId: r.subscription_id,
    eventSeq: Number(r.event_seq),
    eventId: `evt_${r.event_seq}`,
    eventType: r.type ?? null,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    lastStatus: r.last_status,
    lastError: r.last_error,
    replays: r.replays,
    deliveredAt: iso(r.delivered_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export async function listDeliveries(
  q: Queryable,
  f: { status?: DeliveryStatus; subscriptionId?: string; eventSeq?: number; limit: number; before?: number },
): Promise<DeliveryInfo[]> {
  const rows = await q.query(
    `SELECT d.*, e.type FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq
     WHERE ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR d.subscription_id = $3)
       AND ($4::bigint IS NULL OR d.event_seq = $4) AND ($5::bigint IS NULL OR d.id < $5)
     ORDER BY d.id DESC LIMIT $1`,
    [f.limit, f.status ?? null, f.subscriptionId ?? null, f.eventSeq ?? null, f.before ?? null],
  );
  return rows.map(toDelivery);
}

export interface AttemptInfo {
  attempt: number;
  at: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export async function getDelivery(q: Queryable, id: number): Promise<(DeliveryInfo & { attemptLog: AttemptInfo[] }) | null> {
  const [r] = await q.query('SELECT d.*, e.type FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq WHERE d.id = $1', [id]);
  if (!r) return null;
  const attempts = await q.query('SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id', [id]);
  return {
    ...toDelivery(r),
    attemptLog: attempts.map((a) => ({ attempt: a.attempt, at: iso(a.at)!, ok: a.ok, status: a.status, error: a.error, durationMs: a.duration_ms })),
  };
}

/**
 * Puts a settled delivery back in the queue with a fresh set of attempts. Dead
 * letters are the usual case; a delivered one can be sent again on request.
 */
export async function replayDelivery(q: Queryable, id: number): Promise<DeliveryInfo | null> {
  const [r] = await q.query(
    `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_token = NULL, lease_until = NULL,
       replays = replays + 1, updated_at = now()
     WHERE id = $1 AND status IN ('dead', 'delivered') RETURNING *`,
    [id],
  );
  return r ? toDelivery(r) : null;
}

export async function replayDeadOfSubscription(q: Queryable, subscriptionId: string): Promise<number> {
  const rows = await q.query(
    `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_token = NULL, lease_until = NULL,
       replays = replays + 1, updated_at = now()
     WHERE subscription_id = $1 AND status = 'dead' RETURNING id`,
    [subscriptionId],
  );
  return rows.length;
}

export interface DeliverySummary {
  cursor: number;
  latestSeq: number;
  /** Events written but not yet relayed. */
  lag: number;
  pending: number;
  dead: number;
  skippedSeqs: number;
  waitingOnGapSince: string | null;
  /** Subscriptions whose circuit breaker is open or half-open. */
  openCircuits: number;
}

export async function deliverySummary(q: Queryable): Promise<DeliverySummary> {
  const [r] = await q.query(
    `SELECT r.cursor_seq, r.skipped_seqs, r.gap_seen_at,
       (SELECT coalesce(max(seq), 0) FROM events) AS latest,
       (SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending,
       (SELECT count(*) FROM deliveries WHERE status = 'dead') AS dead,
       (SELECT count(*) FROM delivery_circuits WHERE open_until IS NOT NULL) AS open_circuits
     FROM delivery_relay r WHERE r.id = 1`,
  );
  const cursor = Number(r!.cursor_seq);
  const latest = Number(r!.latest);
  return {
    cursor, latestSeq: latest, lag: Math.max(0, latest - cursor),
    pending: Number(r!.pending), dead: Number(r!.dead), skippedSeqs: Number(r!.skipped_seqs), waitingOnGapSince: iso(r!.gap_seen_at),
    openCircuits: Number(r!.open_circuits),
  };
}

/**
 * Deletes one dead letter with its attempts (an admin decided it will never be
 * replayed). 'not_dead' when it exists in another state: pending ones are still
 * being retried, delivered ones go with retention.
 */
export async function deleteDeadLetter(q: Queryable, id: number): Promise<DeliveryInfo | 'not_dead' | null> {
  const [r] = await q.query('SELECT d.*, e.type FROM deliveries d LEFT JOIN events e ON e.seq = d.event_seq WHERE d.id = $1 FOR UPDATE OF d', [id]);
  if (!r) return null;
  if (r.status !== 'dead') return 'not_dead';
  await q.query('DELETE FROM delivery_attempts WHERE delivery_id = $1', [id]);
  await q.query("DELETE FROM deliveries WHERE id = $1 AND status = 'dead'", [id]);
  return toDelivery(r);
}

/**
 * Retention: deletes up to `max` deliveries delivered before `cutoff`, with their
 * attempts. Pending and dead ones are never touched (a dead letter stays until it
 * is replayed or deleted on purpose). Rows another transaction holds are left
 * for the next run.
 */
export async function purgeDelivered(q: Queryable, cutoff: string, max: number): Promise<{ deliveries: number; attempts: number }> {
  const ids = (await q.query(
    `SELECT id FROM deliveries WHERE status = 'delivered' AND delivered_at < $1 ORDER BY delivered_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [cutoff, max],
  )).map((r) => Number(r.id));
  if (ids.length === 0) return { deliveries: 0, attempts: 0 };
  const [a] = await q.query('WITH x AS (DELETE FROM delivery_attempts WHERE delivery_id = ANY($1::bigint[]) RETURNING 1) SELECT count(*)::int AS n FROM x', [ids]);
  const [d] = await q.query(
    "WITH x AS (DELETE FROM deliveries WHERE id = ANY($1::bigint[]) AND status = 'delivered' RETURNING 1) SELECT count(*)::int AS n FROM x",
    [ids],
  );
  return { deliveries: Number(d!.n), attempts: Number(a!.n) };
}
