// Per-subscription circuit breaker. Pure: the store keeps the state in
// `delivery_circuits` (one row per subscription that has failed) and applies
// these transitions inside the transaction that settles an attempt.
//
//   closed ── N consecutive failed attempts ──► open (cool-down)
//   open ── cool-down over ──► half-open: one probe delivery is claimed
//   half-open ── probe fails ──► open again, cool-down doubled (up to the cap)
//   any state ── an attempt (or a test message) succeeds ──► closed
//
// While open, none of the subscription's deliveries is claimed, so they keep
// their attempts: a long outage costs one probe per cool-down instead of every
// pending delivery's retries, and the breaker itself never makes a dead letter.

export interface BreakerPolicy {
  /** Consecutive failed attempts that open the circuit; 0 turns the breaker off. */
  failures: number;
  /** First cool-down; doubles each time a probe fails. */
  cooldownMs: number;
  cooldownCapMs: number;
}

export interface CircuitState {
  consecutiveFailures: number;
  /** Opens since the last success. */
  trips: number;
  /** Null when closed; in ms since the epoch. */
  openUntil: number | null;
  openedAt: number | null;
}

export type CircuitPhase = 'closed' | 'open' | 'half_open';

export const CLOSED: CircuitState = { consecutiveFailures: 0, trips: 0, openUntil: null, openedAt: null };

export function phaseOf(s: Pick<CircuitState, 'openUntil'>, now: number): CircuitPhase {
  if (s.openUntil === null) return 'closed';
  return s.openUntil > now ? 'open' : 'half_open';
}

/** Cool-down after the `trips`-th opening in a row (≥ 1). */
export function cooldownFor(trips: number, p: BreakerPolicy): number {
  return Math.min(p.cooldownCapMs, p.cooldownMs * 2 ** Math.min(Math.max(trips, 1) - 1, 40));
}

export interface Transition {
  next: CircuitState;
  /** 'opened': closed → open; 'reopened': a half-open probe failed. */
  event: 'opened' | 'reopened' | null;
}

/** A failed attempt. */
export function onFailure(s: CircuitState, now: number, p: BreakerPolicy): Transition {
  const failures = s.consecutiveFailures + 1;
  // Breaker off: count, and let a circuit left open from before close.
  if (p.failures <= 0) return { next: { ...CLOSED, consecutiveFailures: failures }, event: null };
  const phase = phaseOf(s, now);
  if (phase === 'closed') {
    if (failures < p.failures) return { next: { ...s, consecutiveFailures: failures }, event: null };
    return { next: { consecutiveFailures: failures, trips: 1, openedAt: now, openUntil: now + cooldownFor(1, p) }, event: 'opened' };
  }
  if (phase === 'half_open') {
    const trips = s.trips + 1;
    return { next: { consecutiveFailures: failures, trips, openedAt: now, openUntil: now + cooldownFor(trips, p) }, event: 'reopened' };
  }
  // Open: a send that was already in flight when it opened. Counted, but the
  // cool-down is not stretched by it.
  return { next: { ...s, consecutiveFailures: failures }, event: null };
}
