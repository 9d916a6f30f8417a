import { onFailure, type BreakerPolicy, type CircuitPhase, type Transition } from '../delivery/breaker.js';
import type { Queryable, Row } from './db.js';
import { isoOrNull as iso } from './rows.js';

// The per-subscription circuit breaker's state (`delivery_circuits`, migration
// 006). Transitions are decided by the pure src/delivery/breaker.ts under a row
// lock, so processes settling attempts of one subscription at once take turns.
// Times are the database's clock, like leases.

export interface CircuitInfo {
  state: CircuitPhase;
  consecutiveFailures: number;
  openedAt: string | null;
  openUntil: string | null;
}

export const CLOSED_CIRCUIT: CircuitInfo = { state: 'closed', consecutiveFailures: 0, openedAt: null, openUntil: null };

const ms = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const SELECT_LOCKED = `SELECT consecutive_failures, trips,
    (extract(epoch FROM open_until) * 1000)::float8 AS open_until_ms,
    (extract(epoch FROM opened_at) * 1000)::float8 AS opened_at_ms,
    (extract(epoch FROM now()) * 1000)::float8 AS now_ms
  FROM delivery_circuits WHERE subscription_id = $1 FOR UPDATE`;

/**
 * Counts a failed attempt of the subscription's receiver; may open the circuit.
 * Null when the subscription is gone.
 */
export async function recordFailure(q: Queryable, subscriptionId: string, policy: BreakerPolicy): Promise<(Transition & { now: number }) | null> {
  let [r] = await q.query(SELECT_LOCKED, [subscriptionId]);
  if (!r) {
    await q.query(
      `INSERT INTO delivery_circuits (subscription_id) SELECT $1::text WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = $1)
       ON CONFLICT (subscription_id) DO NOTHING`,
      [subscriptionId],
    );
    [r] = await q.query(SELECT_LOCKED, [subscriptionId]);
    if (!r) return null;
  }
  const now = Number(r.now_ms);
  const t = onFailure({ consecutiveFailures: r.consecutive_failures, trips: r.trips, openUntil: ms(r.open_until_ms), openedAt: ms(r.opened_at_ms) }, now, policy);
  await q.query(
    `UPDATE delivery_circuits SET consecutive_failures = $2, trips = $3,
       opened_at = to_timestamp($4::float8 / 1000), open_until = to_timestamp($5::float8 / 1000),
       probe_until = CASE WHEN $6::boolean THEN NULL ELSE probe_until END, updated_at = now()
     WHERE subscription_id = $1`,
    [subscriptionId, t.next.consecutiveFailures, t.next.trips, t.next.openedAt, t.next.openUntil, t.event !== null],
  );
  return { ...t, now };
}

/** A success: the receiver works, the circuit closes. Returns whether it was open or half-open. */
export async function recordSuccess(q: Queryable, subscriptionId: string): Promise<boolean> {
  // No write at all in the usual case (no row, or already clean).
  const rows = await q.query(
    `UPDATE delivery_circuits c SET consecutive_failures = 0, trips = 0, opened_at = NULL, open_until = NULL, probe_until = NULL, updated_at = now()
     FROM (SELECT subscription_id, open_until FROM delivery_circuits WHERE subscription_id = $1 FOR UPDATE) old
     WHERE c.subscription_id = old.subscription_id
       AND (c.consecutive_failures > 0 OR c.open_until IS NOT NULL OR c.probe_until IS NOT NULL)
     RETURNING old.open_until AS was_open_until`,
    [subscriptionId],
  );
  return rows.length > 0 && rows[0]!.was_open_until !== null;
}

/** A probe's claim given back unsent (the worker is stopping): another may probe at once. */
export async function releaseProbe(q: Queryable, subscriptionId: string): Promise<void> {
  await q.query('UPDATE delivery_circuits SET probe_until = NULL, updated_at = now() WHERE subscription_id = $1', [subscriptionId]);
}

/**
 * Half-open circuits with no probe in flight, locked for this transaction
 * (SKIP LOCKED: another process is probing them). The caller claims one
 * delivery for each and marks the probe with `markProbe`.
 */
export async function lockHalfOpen(q: Queryable, limit: number): Promise<string[]> {
  const rows = await q.query(
    `SELECT c.subscription_id FROM delivery_circuits c JOIN subscriptions s ON s.id = c.subscription_id
     WHERE c.open_until <= now() AND (c.probe_until IS NULL OR c.probe_until < now()) AND s.enabled
     ORDER BY c.open_until LIMIT $1 FOR UPDATE OF c SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => r.subscription_id as string);
}

export async function markProbe(q: Queryable, subscriptionId: string, leaseMs: number): Promise<void> {
  await q.query(
    `UPDATE delivery_circuits SET probe_until = now() + $2::float8 * interval '1 millisecond', updated_at = now() WHERE subscription_id = $1`,
    [subscriptionId, leaseMs],
  );
}

function toInfo(r: Row): CircuitInfo {
  return { state: r.state, consecutiveFailures: r.consecutive_failures, openedAt: iso(r.opened_at), openUntil: iso(r.open_until) };
}

const INFO = `SELECT subscription_id, consecutive_failures, opened_at, open_until,
    CASE WHEN open_until IS NULL THEN 'closed' WHEN open_until > now() THEN 'open' ELSE 'half_open' END AS state
  FROM delivery_circuits`;

/** Circuit state per subscription id; subscriptions without a row are closed. */
export async function circuitsOf(q: Queryable, ids: string[]): Promise<Map<string, CircuitInfo>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query(`${INFO} WHERE subscription_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.subscription_id as string, toInfo(r)]));
}

/** Circuits not closed (open or half-open), for the metrics gauge. */
export async function countOpenCircuits(q: Queryable): Promise<number> {
  const [r] = await q.query('SELECT count(*)::int AS n FROM delivery_circuits WHERE open_until IS NOT NULL');
  return Number(r!.n);
}
