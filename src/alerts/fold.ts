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

export async function foldHits(q: Queryable, input: FoldInput): Promise<FoldResult> {
  const changed: { type: 'alert.created' | 'alert.updated'; alert: Alert }[] = [];
  for (const hit of input.hits) {
    if (!alerting(hit)) {
      await alertsRepo.insertHit(q, input.callId, hit, null);
      continue;
    }
    const { alert, created } = await alertsRepo.foldHitIntoAlert(q, newId(), hit, input.callId, input.context);
    await alertsRepo.insertHit(q, input.callId, hit, alert.id);
    input.callAlerts.set(alert.ruleId, { category: alert.category, severity: alert.severity, hitCount: alert.hitCount });
    changed.push({ type: created ? 'alert.created' : 'alert.updated', alert });
  }
  const all = [...input.callAlerts.values()];
  const score = riskScore(all);
  const escalated = isEscalated(all);
  if (changed.length > 0) await callsRepo.setRiskScore(q, input.callId, score);
  if (escalated && !input.wasEscalated) {
    await q.query('UPDATE calls SET escalated_at = coalesce(escalated_at, now()) WHERE id = $1', [input.callId]);
  }
  const call = { id: input.callId, riskScore: score, escalated };
  const stored: StoredEvent[] = [];
  for (const e of changed) {
    stored.push(await eventsRepo.appendEvent(q, e.type, e.alert.id, { alert: e.alert, call }));
  }
  if (escalated && !input.wasEscalated) {
    stored.push(await eventsRepo.appendEvent(q, 'call.escalated', input.callId, { call, categories: [...new Set(all.map((a) => a.category))] }));
  }
  return { events: stored, riskScore: score, escalated, alerts: changed.map((c) => c.alert) };
}
