import { badRequest, conflict } from '../core/errors.js';
import type { Severity } from '../core/types.js';

// The complaint-case workflow as plain data, so the API, the console and the
// tests all read the same table.
//   접수 received → 배정 assigned → 처리중 in_progress → 해결 resolved → 종결 closed
//   반려 rejected from any unfinished state (with a reason); reopen where sensible.

export const CASE_STATUSES = ['received', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which a case is still being worked (repeat contacts fold into these). */
export const OPEN_STATUSES: readonly CaseStatus[] = ['received', 'assigned', 'in_progress'];
/** Statuses after which the SLA clock no longer matters. */
export const FINISHED_STATUSES: readonly CaseStatus[] = ['resolved', 'closed', 'rejected'];

export const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ['assigned', 'in_progress', 'rejected'],
  assigned: ['in_progress', 'received', 'rejected'],
  in_progress: ['resolved', 'assigned', 'rejected'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  rejected: ['received'],
};

export const STATUS_LABELS: Record<CaseStatus, { ko: string; en: string }> = {
  received: { ko: '접수', en: 'Received' },
  assigned: { ko: '배정', en: 'Assigned' },
  in_progress: { ko: '처리중', en: 'In progress' },
  resolved: { ko: '해결', en: 'Resolved' },
  closed: { ko: '종결', en: 'Closed' },
  rejected: { ko: '반려', en: 'Rejected' },
};

export interface TransitionRequest {
  from: CaseStatus;
  to: CaseStatus;
  reason: string | null;
  /** Assignee after the transition (the request's or the case's current one). */
  assigneeId: string | null;
}

/** Throws a 4xx explaining why the transition is not allowed; returns nothing when it is. */
export function checkTransition(t: TransitionRequest): void {
  if (!TRANSITIONS[t.from].includes(t.to)) {
    throw conflict('invalid_transition', `A case that is ${t.from} cannot move to ${t.to}`, { from: t.from, to: t.to, allowed: [...TRANSITIONS[t.from]] });
  }
  if (t.to === 'assigned' && !t.assigneeId) {
    throw badRequest('assignee_required', 'Choose an assignee to assign the case');
  }
  if ((t.to === 'rejected' || t.to === 'resolved') && !t.reason?.trim()) {
    throw badRequest('reason_required', t.to === 'rejected' ? 'Rejecting a case needs a reason' : 'Resolving a case needs a resolution summary');
  }
}

/** Days allowed per severity before a case is overdue (sev5 is the most urgent). */
export type SlaDays = Record<Severity, number>;
export const DEFAULT_SLA_DAYS: SlaDays = { 5: 1, 4: 2, 3: 3, 2: 5, 1: 7 };

export function dueDate(severity: Severity, from: Date, sla: SlaDays): Date {
  return new Date(from.getTime() + sla[severity] * 86_400_000);
}

export function isOverdue(c: { status: CaseStatus; dueAt: string }, now: Date = new Date()): boolean {
  return !FINISHED_STATUSES.includes(c.status) && Date.parse(c.dueAt) < now.getTime();
}

/** Human-facing case reference, e.g. VOM-000042. */
export const caseRef = (n: number): string => `VOM-${String(n).padStart(6, '0')}`;
