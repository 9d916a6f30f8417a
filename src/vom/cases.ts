import { createHash } from 'node:crypto';
import { badRequest, conflict, notFound, RadarError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Alert, Severity } from '../core/types.js';
import { triageAlertIn } from '../alerts/triage.js';
import * as alertsRepo from '../store/alerts.js';
import * as audit from '../store/audit.js';
import type { Actor } from '../store/audit.js';
import * as callsRepo from '../store/calls.js';
import * as repo from '../store/cases.js';
import type { Case, CasePatch } from '../store/cases.js';
import type { Db, Queryable } from '../store/db.js';
import * as eventsRepo from '../store/events.js';
import type { StoredEvent } from '../store/events.js';
import type { VomConfig } from './config.js';
import { categoryLabel } from './labels.js';
import { caseRef, checkTransition, dueDate, OPEN_STATUSES, type CaseStatus } from './workflow.js';

// Complaint-case operations. Each is one transaction holding the change, its
// case_events history row, its audit entry and an outbox event (`case.<change>`,
// delivered to subscribers like alerts); alert changes append their own
// `alert.updated`. Events are published on the bus after commit: returned in
// `CaseChange.events`, or handed to the optional `publish` callback.

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system' };

export interface CaseInput {
  title: string;
  description?: string;
  category?: string | null;
  severity: Severity;
  customerId?: string | null;
  assigneeId?: string | null;
  dueAt?: string;
  callIds?: string[];
}

export interface CaseChange {
  case: Case;
  /** Outbox events of the change — the case's own and those of alerts it touched (publish after commit). */
  events: StoredEvent[];
}

/** Publishes committed outbox events on the bus (the routes' publisher). */
export type PublishEvents = (events: StoredEvent[]) => void;

/** What a case event tells receivers about the case (no description: it can be long and holds transcript lines). */
export function caseSummary(c: Case) {
  return {
    id: c.id, ref: c.ref, title: c.title, status: c.status, statusReason: c.statusReason, category: c.category, severity: c.severity,
    customerId: c.customerId, assigneeId: c.assigneeId, assigneeName: c.assigneeName, dueAt: c.dueAt, overdue: c.overdue,
    source: c.source, repeat: c.repeat, repeatCount: c.repeatCount, createdAt: c.createdAt, updatedAt: c.updatedAt,
  };
}

/** History row, audit entry and outbox event of one change, the event added to `out`. */
async function record(q: Queryable, actor: Actor, c: Case, type: string, details: Record<string, unknown>, out: StoredEvent[]) {
  await repo.appendCaseEvent(q, c.id, actor, type, details);
  await audit.appendAudit(q, actor, `case.${type}`, { type: 'case', id: c.id }, { ref: c.ref, ...details });
  const now = (await repo.getCase(q, c.id)) ?? c;
  out.push(await eventsRepo.appendEvent(q, `case.${type}`, c.id, { case: caseSummary(now), change: type, details, by: actor.name }));
}

/** One transaction whose outbox events go to `publish` once it has committed. */
async function inTx<T>(db: Db, publish: PublishEvents | undefined, fn: (q: Queryable, out: StoredEvent[]) => Promise<T>): Promise<T> {
  const out: StoredEvent[] = [];
  const result = await db.tx((q) => fn(q, out));
  publish?.(out);
  return result;
}

async function checkAssignee(q: Queryable, assigneeId: string | null | undefined) {
  if (assigneeId && !(await repo.userExists(q, assigneeId))) {
    throw badRequest('assignee_not_found', `No active user with id '${assigneeId}'`);
  }
}

async function linkCall(q: Queryable, caseId: string, callId: string, repeat = false) {
  if (!(await callsRepo.getCall(q, callId))) throw notFound('call_not_found', `No call with id '${callId}'`);
  return repo.addLink(q, caseId, 'call', callId, repeat);
}

/** Opens a case by hand (a letter, a walk-in, a complaint forwarded by the FSS …). */
export async function createCase(db: Db, cfg: VomConfig, actor: Actor, input: CaseInput): Promise<CaseChange> {
  return db.tx(async (q) => {
    const events: StoredEvent[] = [];
    await checkAssignee(q, input.assigneeId);
    const prior = input.customerId && input.category
      ? await repo.findRecentCase(q, input.customerId, input.category, new Date().toISOString(), cfg.repeatWindowDays)
      : null;
    const c = await repo.insertCase(q, {
      id: newId(),
      title: input.title.trim(),
      description: input.description ?? '',
      category: input.category ?? null,
      severity: input.severity,
      customerId: input.customerId ?? null,
      assigneeId: input.assigneeId ?? null,
      status: input.assigneeId ? 'assigned' : 'received',
      dueAt: input.dueAt ?? dueDate(input.severity, new Date(), cfg.slaDays).toISOString(),
      source: 'manual',
      repeatOf: prior?.id ?? null,
      createdBy: actor.name,
    });
    for (const callId of new Set(input.callIds ?? [])) await linkCall(q, c.id, callId);
    await record(q, actor, c, 'created', {
      source: 'manual', severity: c.severity, category: c.category, dueAt: c.dueAt, assigneeId: c.assigneeId,
      ...(prior ? { repeatOf: prior.id, repeatOfRef: prior.ref } : {}),
    }, events);
    return { case: (await repo.getCase(q, c.id))!, events };
  });
}

export interface FromAlertInput {
  title?: string;
  description?: string;
  assigneeId?: string | null;
  note?: string;
}

export interface FromAlertResult extends CaseChange {
  /** The alert was folded into an open case of the same customer and category. */
  linkedToExisting: boolean;
  repeat: boolean;
}

/**
 * One step from an alert to a case: the alert is escalated and linked. When the
 * customer already has an open case about the same category within the repeat
 * window, the alert joins that case as a repeat contact instead of opening a new
 * one; a finished case in the window makes the new case a flagged repeat of it.
 */
export async function createCaseFromAlert(db: Db, cfg: VomConfig, actor: Actor, alertId: string, input: FromAlertInput = {}): Promise<FromAlertResult> {
  return db.tx(async (q) => {
    await checkAssignee(q, input.assigneeId);
    const alert = await alertsRepo.getAlert(q, alertId);
    if (!alert) throw notFound('alert_not_found', `No alert with id '${alertId}'`);
    if (alert.status === 'escalated') {
      throw conflict('alert_already_escalated', 'This alert has already been escalated', { caseId: alert.caseId });
    }
    if (alert.status === 'false_positive') {
      throw conflict('invalid_transition', 'Reopen a false positive before escalating it', { status: alert.status });
    }
    const call = await repo.callSummary(q, alert.callId);
    const customerId = call?.customerId ?? null;
    const recent = alert.caseId
      ? await repo.getCase(q, alert.caseId)
      : customerId
        ? await repo.findRecentCase(q, customerId, alert.category, new Date().toISOString(), cfg.repeatWindowDays)
        : null;
    const joinExisting = recent !== null && OPEN_STATUSES.includes(recent.status);
    const caseEvents: StoredEvent[] = [];

    let target: Case;
    if (joinExisting) {
      target = recent!;
      const alreadyLinked = alert.caseId === target.id;
      if (!alreadyLinked) {
        await repo.markRepeatContact(q, target.id);
        await repo.addLink(q, target.id, 'alert', alert.id, true);
        await repo.addLink(q, target.id, 'call', alert.callId, true);
        await record(q, actor, target, 'repeat_contact', { alertId: alert.id, callId: alert.callId, category: alert.category }, caseEvents);
      }
    } else {
      target = await repo.insertCase(q, {
        id: newId(),
        title: input.title?.trim() || defaultTitle(alert, customerId),
        description: input.description ?? describeAlert(alert),
        category: alert.category,
        severity: alert.severity,
        customerId,
        assigneeId: input.assigneeId ?? null,
        status: input.assigneeId ? 'assigned' : 'received',
        dueAt: dueDate(alert.severity, new Date(), cfg.slaDays).toISOString(),
        source: 'alert',
        repeatOf: recent?.id ?? null,
        createdBy: actor.name,
      });
      await repo.addLink(q, target.id, 'alert', alert.id);
      await repo.addLink(q, target.id, 'call', alert.callId);
      await record(q, actor, target, 'created', {
        source: 'alert', alertId: alert.id, callId: alert.callId, severity: target.severity, category: target.category,
        dueAt: target.dueAt, assigneeId: target.assigneeId, ...(recent ? { repeatOf: recent.id, repeatOfRef: recent.ref } : {}),
      }, caseEvents);
    }
    await repo.setAlertCase(q, alert.id, target.id);
    const { event } = await triageAlertIn(q, actor, alert.id, 'escalate', `${caseRef(target.number)}`);
    if (input.note?.trim()) await addNoteIn(q, actor, target, input.note, caseEvents);
    return {
      case: (await repo.getCase(q, target.id))!,
      events: [event, ...caseEvents],
      linkedToExisting: joinExisting,
      repeat: joinExisting || recent !== null,
    };
  });
}

function defaultTitle(a: Alert, customerId: string | null): string {
  return `[${categoryLabel(a.category)}] “${a.match}” — ${customerId ? `고객 ${customerId}` : `통화 ${a.callId}`}`;
}

function describeAlert(a: Alert): string {
  const lines = a.context.map((l) => `[${l.speaker === 'customer' ? '고객' : '상담사'} ${formatOffset(l.startMs)}] ${l.text}`);
  return [`${a.explanation}`, '', ...lines].join('\n');
}

const formatOffset = (ms: number) => `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;

async function loadForChange(q: Queryable, id: string): Promise<Case> {
  const c = await repo.getCase(q, id, true);
  if (!c) throw notFound('case_not_found', `No case with id '${id}'`);
  return c;
}

export type CaseEdit = Pick<CasePatch, 'title' | 'description' | 'category' | 'severity' | 'assigneeId' | 'dueAt'>;

/** Edits fields; every changed field is in the history with its old and new value. */
export async function updateCase(db: Db, actor: Actor, id: string, edit: CaseEdit, publish?: PublishEvents): Promise<Case> {
  return inTx(db, publish, async (q, out) => {
    const before = await loadForChange(q, id);
    if (before.status === 'closed') throw conflict('case_closed', 'A closed case cannot be changed');
    await checkAssignee(q, edit.assigneeId);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(edit) as [keyof CaseEdit, unknown][]) {
      if (v === undefined) continue;
      const old = before[k];
      const same = k === 'dueAt' ? Date.parse(String(old)) === Date.parse(String(v)) : old === v;
      if (!same) changes[k] = { from: old, to: v };
    }
    if (Object.keys(changes).length === 0) return before;
    const patch: CasePatch = { ...edit };
    // Assigning a fresh case moves it to 배정; taking the assignee away moves it back.
    if (changes.assigneeId && edit.assigneeId && before.status === 'received') patch.status = 'assigned';
    if (changes.assigneeId && !edit.assigneeId && before.status === 'assigned') patch.status = 'received';
    if (patch.status) {
      patch.statusReason = null;
      changes.status = { from: before.status, to: patch.status };
    }
    const after = (await repo.updateCase(q, id, patch))!;
    await record(q, actor, after, 'updated', { changes }, out);
    return after;
  });
}

/** Moves a case along the workflow (see TRANSITIONS). */
export async function transitionCase(
  db: Db,
  actor: Actor,
  id: string,
  to: CaseStatus,
  opts: { reason?: string | null; assigneeId?: string | null } = {},
  publish?: PublishEvents,
): Promise<Case> {
  return inTx(db, publish, async (q, out) => {
    const before = await loadForChange(q, id);
    const assigneeId = opts.assigneeId !== undefined ? opts.assigneeId : before.assigneeId;
    checkTransition({ from: before.status, to, reason: opts.reason ?? null, assigneeId });
    await checkAssignee(q, opts.assigneeId);
    const patch: CasePatch = { status: to, statusReason: opts.reason?.trim() || null };
    if (opts.assigneeId !== undefined) patch.assigneeId = opts.assigneeId;
    if (to === 'received' && before.status === 'assigned') patch.assigneeId = null;
    const after = (await repo.updateCase(q, id, patch))!;
    await record(q, actor, after, 'status_changed', {
      from: before.status, to, reason: patch.statusReason,
      ...(after.assigneeId !== before.assigneeId ? { assignee: { from: before.assigneeId, to: after.assigneeId } } : {}),
    }, out);
    return after;
  });
}

async function addNoteIn(q: Queryable, actor: Actor, c: Case, body: string, out: StoredEvent[]) {
  const note = await repo.insertNote(q, c.id, newId(), actor, body.trim());
  await repo.touchCase(q, c.id);
  await record(q, actor, c, 'note_added', { noteId: note.id, length: note.body.length }, out);
  return note;
}

export async function addNote(db: Db, actor: Actor, id: string, body: string, publish?: PublishEvents): Promise<repo.CaseNote> {
  if (!body.trim()) throw badRequest('empty_note', 'A note needs some text');
  return inTx(db, publish, async (q, out) => addNoteIn(q, actor, await loadForChange(q, id), body, out));
}

/** Content types an attachment may declare: type/subtype, nothing more exotic. */
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$/i;

export async function addAttachment(
  db: Db,
  cfg: VomConfig,
  actor: Actor,
  id: string,
  file: { filename: string; contentType: string; data: Buffer },
  publish?: PublishEvents,
): Promise<repo.AttachmentInfo> {
  if (file.data.byteLength === 0) throw badRequest('empty_attachment', 'The file is empty');
  if (file.data.byteLength > cfg.maxAttachmentBytes) {
    throw new RadarError(413, 'attachment_too_large',
      `Attachments are limited to ${cfg.maxAttachmentBytes} bytes`, { maxBytes: cfg.maxAttachmentBytes, size: file.data.byteLength });
  }
  if (!CONTENT_TYPE.test(file.contentType)) throw badRequest('invalid_content_type', `'${file.contentType}' is not a content type like application/pdf`);
  const filename = file.filename.replace(/[\\/\u0000-\u001f]/g, '_').trim();
  if (!filename) throw badRequest('invalid_filename', 'The file needs a name');
  return inTx(db, publish, async (q, out) => {
    const c = await loadForChange(q, id);
    const info = await repo.insertAttachment(q, {
      id: newId(), caseId: c.id, filename, contentType: file.contentType.toLowerCase(),
      sha256: createHash('sha256').update(file.data).digest('hex'), data: file.data, uploadedBy: actor.name,
    });
    await repo.touchCase(q, c.id);
    await record(q, actor, c, 'attachment_added', { attachmentId: info.id, filename: info.filename, size: info.size, contentType: info.contentType }, out);
    return info;
  });
}

/** Links a call or an alert to a case by hand. A linked alert is escalated into the case. */
export async function linkItem(db: Db, actor: Actor, id: string, kind: 'call' | 'alert', targetId: string): Promise<CaseChange> {
  return db.tx(async (q) => {
    const c = await loadForChange(q, id);
    const events: StoredEvent[] = [];
    if (kind === 'call') {
      if (!(await linkCall(q, c.id, targetId))) throw conflict('already_linked', 'This call is already linked to the case');
    } else {
      const alert = await alertsRepo.getAlert(q, targetId);
      if (!alert) throw notFound('alert_not_found', `No alert with id '${targetId}'`);
      if (alert.caseId && alert.caseId !== c.id) throw conflict('alert_in_other_case', 'The alert belongs to another case', { caseId: alert.caseId });
      if (!(await repo.addLink(q, c.id, 'alert', alert.id))) throw conflict('already_linked', 'This alert is already linked to the case');
      await repo.addLink(q, c.id, 'call', alert.callId);
      await repo.setAlertCase(q, alert.id, c.id);
      if (alert.status === 'open' || alert.status === 'acknowledged') {
        events.push((await triageAlertIn(q, actor, alert.id, 'escalate', c.ref)).event);
      }
    }
    await repo.touchCase(q, c.id);
    await record(q, actor, c, 'linked', { kind, targetId }, events);
    return { case: (await repo.getCase(q, c.id))!, events };
  });
}

/**
 * Repeat-contact hook for a newly created alert: when its customer has an open
 * case about the same category within the window, the alert (and its call) is
 * linked to that case as a repeat contact and the case is flagged. The alert
 * stays open for triage. Returns null when there is nothing to link.
 */
export async function linkRepeatContact(db: Db, cfg: VomConfig, alertId: string): Promise<CaseChange | null> {
  return db.tx(async (q) => {
    const alert = await alertsRepo.getAlert(q, alertId);
    if (!alert || alert.caseId || alert.status === 'false_positive') return null;
    const call = await repo.callSummary(q, alert.callId);
    if (!call?.customerId) return null;
    const open = await repo.findRecentCase(q, call.customerId, alert.category, alert.createdAt, cfg.repeatWindowDays);
    if (!open || !OPEN_STATUSES.includes(open.status)) return null;
    const linked = await repo.setAlertCase(q, alert.id, open.id);
    if (!linked) return null;
    await repo.addLink(q, open.id, 'alert', alert.id, true);
    const newCall = await repo.addLink(q, open.id, 'call', alert.callId, true);
    // Several alerts of one call are one contact: count the call once.
    if (newCall) await repo.markRepeatContact(q, open.id);
    const events: StoredEvent[] = [];
    await record(q, SYSTEM_ACTOR, open, 'repeat_contact', { alertId: alert.id, callId: alert.callId, category: alert.category, automatic: true }, events);
    const event = await eventsRepo.appendEvent(q, 'alert.updated', alert.id, {
      alert: linked, call: { id: call.id, riskScore: call.riskScore, escalated: call.escalated }, action: 'repeat_linked', caseRef: open.ref, by: SYSTEM_ACTOR.name,
    });
    return { case: (await repo.getCase(q, open.id))!, events: [event, ...events] };
  });
}

export interface CaseDetail {
  case: Case;
  notes: repo.CaseNote[];
  attachments: repo.AttachmentInfo[];
  alerts: (Alert & { repeat: boolean })[];
  calls: (callsRepo.StoredCall & { repeat: boolean })[];
  history: repo.CaseEvent[];
  /** Other cases of the same customer, newest first. */
  related: Case[];
}

export async function getCaseDetail(db: Db, id: string): Promise<CaseDetail> {
  const c = await repo.getCase(db, id);
  if (!c) throw notFound('case_not_found', `No case with id '${id}'`);
  const [notes, attachments, links, history, related] = await Promise.all([
    repo.listNotes(db, id), repo.listAttachments(db, id), repo.listLinks(db, id), repo.listCaseEvents(db, id),
    c.customerId ? repo.listCases(db, { limit: 20, customerId: c.customerId }) : Promise.resolve({ items: [] as Case[], total: 0 }),
  ]);
  const alerts: CaseDetail['alerts'] = [];
  const calls: CaseDetail['calls'] = [];
  for (const l of links) {
    if (l.kind === 'alert') {
      const a = await alertsRepo.getAlert(db, l.targetId);
      if (a) alerts.push({ ...a, repeat: l.repeat });
    } else {
      const call = await callsRepo.getCall(db, l.targetId);
      if (call) calls.push({ ...call, repeat: l.repeat });
    }
  }
  return {
    case: c, notes, attachments, alerts, calls, history,
    related: related.items.filter((r) => r.id !== id).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
  };
}
