import { newId } from '../core/ids.js';
import type { Alert, ContextLine, Hit } from '../core/types.js';
import type { Queryable } from '../store/db.js';
import * as alertsRepo from '../store/alerts.js';
import * as eventsRepo from '../store/events.js';
import type { StoredEvent } from '../store/events.js';
import { isEscalated, riskScore, type RiskInput } from './risk.js';

// Turns the hits of final utterances into stored hits, folded alerts, the calls'
// new risk scores and outbox events — all inside the caller's transaction, so an
// alert is never visible without its event (and vice versa).

export interface FoldInput {
  callId: string;
  hits: Hit[];
  context: ContextLine[];
  /** The call's alerts so far (kept in memory by the pipeline), updated in place. */
  callAlerts: Map<string, RiskInput>;
  wasEscalated: boolean;
}

export interface FoldResult {
  events: StoredEvent[];
  riskScore: number;
  escalated: boolean;
  alerts: Alert[];
}

/** Hits that raise alerts: final and not negated/hypothetical. */
export const alerting = (h: Hit): boolean => !h.negated && !h.provisional;

/**
 * Folds the hits of several utterances (of different calls: the group commit
 * never batches two of one call) in two statements — hits stored and folded
 * into alerts, then the calls' risk scores and the events — so a batch costs
 * two round trips whatever its size. Every round trip counts: on a busy
 * machine each one may wait for the CPU on both sides.
 */
export async function foldBatch(q: Queryable, inputs: FoldInput[]): Promise<FoldResult[]> {
  // The first alerting hit per rule speaks for the rule in its utterance; the others still count.
  const perInput = inputs.map((input) => {
    const byRule = new Map<string, { hit: Hit; count: number }>();
    for (const hit of input.hits.filter(alerting)) {
      const seen = byRule.get(hit.ruleId);
      if (seen) seen.count++;
      else byRule.set(hit.ruleId, { hit, count: 1 });
    }
    return byRule;
  });

  const folded = await alertsRepo.storeHitsAndFoldAlerts(q,
    inputs.flatMap((input, i) => [...perInput[i].values()].map(({ hit, count }) => ({ id: newId(), callId: input.callId, hit, count, context: input.context }))),
    inputs.flatMap((input) => input.hits.map((hit) => ({ callId: input.callId, hit, alerting: alerting(hit) }))));
  const key = (callId: string, ruleId: string) => `${callId}\u0000${ruleId}`;
  const foldedByKey = new Map(folded.map((f) => [key(f.alert.callId, f.alert.ruleId), f]));

  const results: FoldResult[] = [];
  const callUpdates: eventsRepo.RiskUpdate[] = [];
  const events: { type: string; subjectId: string; payload: unknown }[] = [];
  const eventOwner: number[] = [];
  inputs.forEach((input, i) => {
    const mine = [...perInput[i].keys()].map((ruleId) => foldedByKey.get(key(input.callId, ruleId))!);
    for (const { alert } of mine) input.callAlerts.set(alert.ruleId, { category: alert.category, severity: alert.severity, hitCount: alert.hitCount });
    const all = [...input.callAlerts.values()];
    const score = riskScore(all);
    const escalated = isEscalated(all);
    const newlyEscalated = escalated && !input.wasEscalated;
    if (mine.length > 0) callUpdates.push({ callId: input.callId, score, escalatedNow: newlyEscalated });
    const call = { id: input.callId, riskScore: score, escalated };
    for (const { alert, created } of mine) {
      const hit = perInput[i].get(alert.ruleId)!.hit;
      // `trigger` names the hit behind this event: for a folded update the alert's
      // own fields still describe the first hit.
      const trigger = { utteranceId: hit.utteranceId, match: hit.match, start: hit.start, end: hit.end, startMs: hit.startMs };
      events.push({ type: created ? 'alert.created' : 'alert.updated', subjectId: alert.id, payload: { alert, call, trigger } });
      eventOwner.push(i);
    }
    if (newlyEscalated) {
      events.push({ type: 'call.escalated', subjectId: input.callId, payload: { call, categories: [...new Set(all.map((a) => a.category))] } });
      eventOwner.push(i);
    }
    results.push({ events: [], riskScore: score, escalated, alerts: mine.map((m) => m.alert) });
  });
  const stored = await eventsRepo.appendEvents(q, events, callUpdates);
  stored.forEach((e, n) => results[eventOwner[n]].events.push(e));
  return results;
}
