import { newId } from '../core/ids.js';
import type { Alert, ContextLine, Hit } from '../core/types.js';
import type { Queryable } from '../store/db.js';
import * as alertsRepo from '../store/alerts.js';
import * as callsRepo from '../store/calls.js';
import * as eventsRepo from '../store/events.js';
import type { StoredEvent } from '../store/events.js';
import { isEscalated, riskScore, type RiskInput } from './risk.js';

// Turns the hits of one final utterance into stored hits, folded alerts, the
// call's new risk score and outbox events — all inside the caller's transaction,
// so an alert is never visible without its event (and vice versa).

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
 * Set-based, so the cost is four statements whatever the number of hits: one
 * upsert of the alerts, one insert of the hits, one update of the call, one
 * insert of the events.
 */
export async function foldHits(q: Queryable, input: FoldInput): Promise<FoldResult> {
  // The first alerting hit per rule speaks for the rule in this utterance; the
  // others still count.
  const byRule = new Map<string, { hit: Hit; count: number }>();
  for (const hit of input.hits.filter(alerting)) {
    const seen = byRule.get(hit.ruleId);
    if (seen) seen.count++;
    else byRule.set(hit.ruleId, { hit, count: 1 });
  }
  const folded = await alertsRepo.foldHitsIntoAlerts(q, input.callId,
    [...byRule.values()].map(({ hit, count }) => ({ id: newId(), hit, count })), input.context);
  const alertIdByRule = new Map(folded.map((f) => [f.alert.ruleId, f.alert.id]));
  await alertsRepo.insertHits(q, input.callId, input.hits.map((h) => ({ hit: h, alertId: alerting(h) ? alertIdByRule.get(h.ruleId) ?? null : null })));

  for (const { alert } of folded) {
    input.callAlerts.set(alert.ruleId, { category: alert.category, severity: alert.severity, hitCount: alert.hitCount });
  }
  const all = [...input.callAlerts.values()];
  const score = riskScore(all);
  const escalated = isEscalated(all);
  const newlyEscalated = escalated && !input.wasEscalated;
  if (folded.length > 0) await callsRepo.setRiskScore(q, input.callId, score, newlyEscalated);

  const call = { id: input.callId, riskScore: score, escalated };
  const events: { type: string; subjectId: string; payload: unknown }[] = folded.map(({ alert, created }) => {
    const hit = byRule.get(alert.ruleId)!.hit;
    // `trigger` names the hit behind this event: for a folded update the alert's
    // own fields still describe the first hit.
    const trigger = { utteranceId: hit.utteranceId, match: hit.match, start: hit.start, end: hit.end, startMs: hit.startMs };
    return { type: created ? 'alert.created' : 'alert.updated', subjectId: alert.id, payload: { alert, call, trigger } };
  });
  if (newlyEscalated) {
    events.push({ type: 'call.escalated', subjectId: input.callId, payload: { call, categories: [...new Set(all.map((a) => a.category))] } });
  }
  const stored: StoredEvent[] = await eventsRepo.appendEvents(q, events);
  return { events: stored, riskScore: score, escalated, alerts: folded.map((f) => f.alert) };
}
