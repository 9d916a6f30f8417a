import type { Db } from '../store/db.js';
import * as deliveriesRepo from '../store/deliveries.js';
import { eventsAfter } from '../store/events.js';
import { listEnabledSubscriptions } from '../store/subscriptions.js';
import { planAdvance } from './gaps.js';
import { subscriptionWants } from './match.js';
import type { OutboxEvent, Subscription } from './types.js';

// The relay: one transaction reads the next events after the cursor, inserts
// a delivery per matching subscription and moves the cursor. A crash anywhere
// rolls all of it back, and a replay inserts nothing twice (unique
// (subscription_id, event_seq)) — so every event is fanned out exactly once.

export interface RelayResult {
  /** False when another process held the relay (it is doing the work). */
  locked: boolean;
  consumed: number;
  fannedOut: number;
  skipped: number;
  cursor: number;
  /** A full batch went through: call again right away. */
  more: boolean;
}

export function pairsFor(events: OutboxEvent[], subs: Subscription[]): { subscriptionId: string; seq: number }[] {
  return events.flatMap((e) => subs.filter((s) => subscriptionWants(s, e)).map((s) => ({ subscriptionId: s.id, seq: e.seq })));
}

export async function relayOnce(db: Db, o: { batch: number; gapGraceMs: number }): Promise<RelayResult> {
  return db.tx(async (q) => {
    const state = await deliveriesRepo.lockRelay(q);
    if (!state) return { locked: false, consumed: 0, fannedOut: 0, skipped: 0, cursor: -1, more: false };
    const events = await eventsAfter(q, state.cursor, o.batch);
    const plan = planAdvance({ cursor: state.cursor, seqs: events.map((e) => e.seq), gap: state.gap, now: state.now, graceMs: o.gapGraceMs });
    const consume = new Set(plan.consume);
    const subs = consume.size > 0 ? await listEnabledSubscriptions(q) : [];
    const fannedOut = await deliveriesRepo.fanOut(q, pairsFor(events.filter((e) => consume.has(e.seq)), subs));
    const changed = plan.cursor !== state.cursor || plan.skipped > 0 || JSON.stringify(plan.gap) !== JSON.stringify(state.gap);
    // Untouched relay row: no write at all while idle.
    if (changed) await deliveriesRepo.saveRelay(q, { cursor: plan.cursor, gap: plan.gap, skipped: plan.skipped });
    const last = events[events.length - 1];
    return {
      locked: true, consumed: consume.size, fannedOut, skipped: plan.skipped, cursor: plan.cursor,
      more: events.length === o.batch && last !== undefined && plan.cursor === last.seq,
    };
  });
}
