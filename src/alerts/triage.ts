import { badRequest, conflict, notFound } from '../core/errors.js';
import type { Alert, AlertStatus } from '../core/types.js';
import type { Actor } from '../store/audit.js';
import * as audit from '../store/audit.js';
import * as alertsRepo from '../store/alerts.js';
import * as callsRepo from '../store/calls.js';
import type { Db, Queryable } from '../store/db.js';
import * as eventsRepo from '../store/events.js';
import type { StoredEvent } from '../store/events.js';
import { isEscalated, riskScore } from './risk.js';

// What an officer does with an alert. Each action is one transaction: the status
// change, the call's recomputed risk, the outbox event and the audit entry.

export const TRIAGE_ACTIONS = ['acknowledge', 'false_positive', 'escalate', 'reopen'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

const TARGET: Record<TriageAction, AlertStatus> = {
  acknowledge: 'acknowledged',
  false_positive: 'false_positive',
  escalate: 'escalated',
  reopen: 'open',
};

/** Allowed starting states per action. */
const FROM: Record<TriageAction, readonly AlertStatus[]> = {
  acknowledge: ['open'],
  false_positive: ['open', 'acknowledged'],
  escalate: ['open', 'acknowledged'],
  reopen: ['acknowledged', 'false_positive'],
};

export async function triageAlert(
  db: Db,
  actor: Actor,
  alertId: string,
  action: TriageAction,
  reason: string | null,
): Promise<{ alert: Alert; event: StoredEvent }> {
  return db.tx((q) => triageAlertIn(q, actor, alertId, action, reason));
}

/**
 * The same triage inside the caller's transaction, so a larger change (e.g. a
 * complaint case opened from the alert, src/vom) commits or fails as one.
 */
export async function triageAlertIn(
  q: Queryable,
  actor: Actor,
  alertId: string,
  action: TriageAction,
  reason: string | null,
): Promise<{ alert: Alert; event: StoredEvent }> {
  if (action === 'false_positive' && !reason?.trim()) {
    throw badRequest('reason_required', 'Marking a false positive needs a reason (it trains the rules)');
  }
  const current = await alertsRepo.getAlert(q, alertId);
  if (!current) throw notFound('alert_not_found', `No alert with id '${alertId}'`);
  if (!FROM[action].includes(current.status)) {
    throw conflict('invalid_transition', `Cannot ${action} an alert that is ${current.status}`, { status: current.status, action });
  }
  const alert = (await alertsRepo.updateAlertStatus(q, alertId, TARGET[action], reason?.trim() || null))!;
  const live = (await alertsRepo.listCallAlerts(q, alert.callId)).filter((a) => a.status !== 'false_positive');
  const score = riskScore(live);
  await callsRepo.setRiskScore(q, alert.callId, score);
  const event = await eventsRepo.appendEvent(q, 'alert.updated', alert.id, {
    alert, call: { id: alert.callId, riskScore: score, escalated: isEscalated(live) }, action, by: actor.name,
  });
  await audit.appendAudit(q, actor, `alert.${action}`, { type: 'alert', id: alert.id }, { from: current.status, to: alert.status, reason });
  return { alert, event };
}
