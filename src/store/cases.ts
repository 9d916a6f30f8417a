import type { Alert, Severity } from '../core/types.js';
import type { Actor } from './audit.js';
import type { Queryable, Row } from './db.js';
import { appendHistory, isoOrNull as iso, listHistory, type HistoryEvent } from './rows.js';
import { toAlert } from './alerts.js';
import { caseRef, FINISHED_STATUSES, OPEN_STATUSES, type CaseStatus } from '../vom/workflow.js';

// Complaint cases (VOM) and what hangs off them: links, notes, attachments and
// the per-case history. Plain SQL; the rules live in src/vom.

export interface Case {
  id: string;
  number: number;
  ref: string;
  title: string;
  description: string;
  status: CaseStatus;
  statusReason: string | null;
  category: string | null;
  severity: Severity;
  customerId: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  dueAt: string;
  overdue: boolean;
  source: 'manual' | 'alert';
  repeatCount: number;
  repeatOf: string | null;
  /** Repeat complaint: the customer came back about it, or it repeats an earlier case. */
  repeat: boolean;
  lastContactAt: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  alertCount: number;
  callCount: number;
}


const FINISHED_SQL = `(${FINISHED_STATUSES.map((s) => `'${s}'`).join(', ')})`;
const OPEN_SQL = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

// One SELECT for every read, so overdue and counts are computed the same way everywhere.
const CASE_SELECT = `
  SELECT k.*, u.display_name AS assignee_name,
    (k.status NOT IN ${FINISHED_SQL} AND k.due_at < now()) AS overdue,
    (SELECT count(*)::int FROM case_links l WHERE l.case_id = k.id AND l.kind = 'alert') AS alert_count,
    (SELECT count(*)::int FROM case_links l WHERE l.case_id = k.id AND l.kind = 'call') AS call_count
  FROM cases k LEFT JOIN users u ON u.id = k.assignee_id`;

export const toCase = (r: Row): Case => ({
  id: r.id,
  number: Number(r.number),
  ref: caseRef(Number(r.number)),
  title: r.title,
  description: r.description,
  status: r.status,
  statusReason: r.status_reason,
  category: r.category,
  severity: r.severity,
  customerId: r.customer_id,
  assigneeId: r.assignee_id,
  assigneeName: r.assignee_name ?? null,
  dueAt: iso(r.due_at)!,
  overdue: r.overdue === true,
  source: r.source,
  repeatCount: r.repeat_count,
  repeatOf: r.repeat_of,
  repeat: r.repeat_count > 0 || r.repeat_of !== null,
  lastContactAt: iso(r.last_contact_at)!,
  createdBy: r.created_by,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  resolvedAt: iso(r.resolved_at),
  closedAt: iso(r.closed_at),
  alertCount: r.alert_count ?? 0,
  callCount: r.call_count ?? 0,
});

export interface NewCase {
  id: string;
  title: string;
  description: string;
  category: string | null;
  severity: Severity;
  customerId: string | null;
  assigneeId: string | null;
  status: CaseStatus;
  dueAt: string;
  source: 'manual' | 'alert';
  repeatOf: string | null;
  createdBy: string | null;
}

export async function insertCase(q: Queryable, c: NewCase): Promise<Case> {
  await q.query(
    `INSERT INTO cases (id, title, description, category, severity, customer_id, assignee_id, status, due_at, source, repeat_of, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [c.id, c.title, c.description, c.category, c.severity, c.customerId, c.assigneeId, c.status, c.dueAt, c.source, c.repeatOf, c.createdBy],
  );
  return (await getCase(q, c.id))!;
}

export async function getCase(q: Queryable, id: string, forUpdate = false): Promise<Case | null> {
  if (forUpdate) await q.query('SELECT 1 FROM cases WHERE id = $1 FOR UPDATE', [id]);
  const rows = await q.query(`${CASE_SELECT} WHERE k.id = $1`, [id]);
  return rows[0] ? toCase(rows[0]) : null;
}

export interface CaseFilter {
  limit: number;
  offset?: number;
  status?: CaseStatus;
  /** 'open' = not yet resolved, closed or rejected. */
  open?: boolean;
  category?: string;
  minSeverity?: number;
  assigneeId?: string;
  customerId?: string;
  overdue?: boolean;
  repeat?: boolean;
  q?: string;
  from?: string;
  to?: string;
}

export async function listCases(q: Queryable, f: CaseFilter): Promise<{ items: Case[]; total: number }> {
  const rows = await q.query(
    `SELECT x.*, count(*) OVER () AS total FROM (${CASE_SELECT}) x
     WHERE ($3::text IS NULL OR x.status = $3) AND ($4::text IS NULL OR x.category = $4)
       AND ($5::int IS NULL OR x.severity >= $5) AND ($6::text IS NULL OR x.assignee_id = $6)
       AND ($7::text IS NULL OR x.customer_id = $7) AND ($8::boolean IS NULL OR x.overdue = $8)
       AND ($9::boolean IS NULL OR (x.repeat_count > 0 OR x.repeat_of IS NOT NULL) = $9)
       AND ($10::text IS NULL OR x.title ILIKE $10 OR x.description ILIKE $10 OR x.customer_id ILIKE $10
            OR ('VOM-' || lpad(x.number::text, 6, '0')) ILIKE $10)
       AND ($11::timestamptz IS NULL OR x.created_at >= $11) AND ($12::timestamptz IS NULL OR x.created_at < $12)
       AND ($13::boolean IS NULL OR (x.status NOT IN ${FINISHED_SQL}) = $13)
     ORDER BY x.overdue DESC, (x.status IN ${FINISHED_SQL}), x.due_at, x.number DESC
     LIMIT $1 OFFSET $2`,
    [f.limit, f.offset ?? 0, f.status ?? null, f.category ?? null, f.minSeverity ?? null, f.assigneeId ?? null,
      f.customerId ?? null, f.overdue ?? null, f.repeat ?? null, f.q ? likePattern(f.q) : null, f.from ?? null, f.to ?? null,
      f.open ?? null],
  );
  return { items: rows.map(toCase), total: Number(rows[0]?.total ?? 0) };
}

/** ILIKE pattern for a user's text: their % and _ are literal. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface CasePatch {
  title?: string;
  description?: string;
  category?: string | null;
  severity?: Severity;
  assigneeId?: string | null;
  dueAt?: string;
  status?: CaseStatus;
  statusReason?: string | null;
}

/** Applies the given fields (undefined = unchanged) and stamps resolved/closed times. */
export async function updateCase(q: Queryable, id: string, p: CasePatch): Promise<Case | null> {
  const has = (k: keyof CasePatch) => p[k] !== undefined;
  await q.query(
    `UPDATE cases SET
       title = CASE WHEN $2 THEN $3 ELSE title END,
       description = CASE WHEN $4 THEN $5 ELSE description END,
       category = CASE WHEN $6 THEN $7 ELSE category END,
       severity = CASE WHEN $8 THEN $9::smallint ELSE severity END,
       assignee_id = CASE WHEN $10 THEN $11 ELSE assignee_id END,
       due_at = CASE WHEN $12 THEN $13::timestamptz ELSE due_at END,
       status = CASE WHEN $14 THEN $15 ELSE status END,
       status_reason = CASE WHEN $14 THEN $16 ELSE status_reason END,
       resolved_at = CASE WHEN $14 AND $15 = 'resolved' THEN now() WHEN $14 AND $15 IN ('received', 'assigned', 'in_progress') THEN NULL ELSE resolved_at END,
       closed_at = CASE WHEN $14 AND $15 = 'closed' THEN now() WHEN $14 THEN NULL ELSE closed_at END,
       updated_at = now()
     WHERE id = $1`,
    [id, has('title'), p.title ?? null, has('description'), p.description ?? null, has('category'), p.category ?? null,
      has('severity'), p.severity ?? null, has('assigneeId'), p.assigneeId ?? null, has('dueAt'), p.dueAt ?? null,
      has('status'), p.status ?? null, p.statusReason ?? null],
  );
  return getCase(q, id);
}

/** The most recent case of this customer and category touched within the window. */
export async function findRecentCase(
  q: Queryable,
  customerId: string,
  category: string,
  at: string,
  windowDays: number,
  excludeId: string | null = null,
): Promise<Case | null> {
  const rows = await q.query(
    `${CASE_SELECT}
     WHERE k.customer_id = $1 AND k.category = $2 AND k.last_contact_at >= $3::timestamptz - make_interval(days => $4)
       AND ($5::text IS NULL OR k.id <> $5)
     ORDER BY (k.status IN ${OPEN_SQL}) DESC, k.last_contact_at DESC LIMIT 1`,
    [customerId, category, at, windowDays, excludeId],
  );
  return rows[0] ? toCase(rows[0]) : null;
}

export async function touchCase(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE cases SET updated_at = now() WHERE id = $1', [id]);
}

/** Records a repeat contact on the case: count, last contact time. */
export async function markRepeatContact(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE cases SET repeat_count = repeat_count + 1, last_contact_at = now(), updated_at = now() WHERE id = $1', [id]);
}

// ---- links ----

export interface CaseLink {
  kind: 'alert' | 'call';
  targetId: string;
  repeat: boolean;
  createdAt: string;
}

/** Links a call or alert; false when it was already linked. */
export async function addLink(q: Queryable, caseId: string, kind: 'alert' | 'call', targetId: string, repeat = false): Promise<boolean> {
  const rows = await q.query(
    'INSERT INTO case_links (case_id, kind, target_id, repeat) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING case_id',
    [caseId, kind, targetId, repeat],
  );
  return rows.length > 0;
}

export async function listLinks(q: Queryable, caseId: string): Promise<CaseLink[]> {
  const rows = await q.query('SELECT * FROM case_links WHERE case_id = $1 ORDER BY created_at, kind, target_id', [caseId]);
  return rows.map((r) => ({ kind: r.kind, targetId: r.target_id, repeat: r.repeat, createdAt: iso(r.created_at)! }));
}

/** Sets the alert's case (only when it has none yet); returns the alert, or null when it already had one. */
export async function setAlertCase(q: Queryable, alertId: string, caseId: string): Promise<Alert | null> {
  const rows = await q.query(
    'UPDATE alerts SET case_id = $2, updated_at = now() WHERE id = $1 AND (case_id IS NULL OR case_id = $2) RETURNING *',
    [alertId, caseId],
  );
  return rows[0] ? toAlert(rows[0]) : null;
}

/** The call's customer and live risk, for the alert events this module emits. */
export async function callSummary(q: Queryable, callId: string): Promise<{ id: string; customerId: string | null; startedAt: string; riskScore: number; escalated: boolean } | null> {
  const rows = await q.query('SELECT id, customer_id, started_at, risk_score, escalated_at FROM calls WHERE id = $1', [callId]);
  const r = rows[0];
  return r ? { id: r.id, customerId: r.customer_id, startedAt: iso(r.started_at)!, riskScore: r.risk_score, escalated: r.escalated_at !== null } : null;
}

// ---- notes ----

export interface CaseNote {
  id: string;
  authorId: string | null;
  authorName: string;
  body: string;
  createdAt: string;
}

export async function insertNote(q: Queryable, caseId: string, id: string, actor: Actor, body: string): Promise<CaseNote> {
  const [r] = await q.query(
    'INSERT INTO case_notes (id, case_id, author_id, author_name, body) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [id, caseId, actor.id, actor.name, body],
  );
  return { id: r.id, authorId: r.author_id, authorName: r.author_name, body: r.body, createdAt: iso(r.created_at)! };
}

export async function listNotes(q: Queryable, caseId: string): Promise<CaseNote[]> {
  const rows = await q.query('SELECT * FROM case_notes WHERE case_id = $1 ORDER BY created_at, id', [caseId]);
  return rows.map((r) => ({ id: r.id, authorId: r.author_id, authorName: r.author_name, body: r.body, createdAt: iso(r.created_at)! }));
}

// ---- attachments ----

export interface AttachmentInfo {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
}

const toAttachment = (r: Row): AttachmentInfo => ({
  id: r.id, filename: r.filename, contentType: r.content_type, size: r.size, sha256: r.sha256, uploadedBy: r.uploaded_by, createdAt: iso(r.created_at)!,
});

export async function insertAttachment(
  q: Queryable,
  a: { id: string; caseId: string; filename: string; contentType: string; sha256: string; data: Uint8Array; uploadedBy: string },
): Promise<AttachmentInfo> {
  const [r] = await q.query(
    `INSERT INTO case_attachments (id, case_id, filename, content_type, size, sha256, data, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, filename, content_type, size, sha256, uploaded_by, created_at`,
    [a.id, a.caseId, a.filename, a.contentType, a.data.byteLength, a.sha256, a.data, a.uploadedBy],
  );
  return toAttachment(r);
}

export async function listAttachments(q: Queryable, caseId: string): Promise<AttachmentInfo[]> {
  const rows = await q.query(
    'SELECT id, filename, content_type, size, sha256, uploaded_by, created_at FROM case_attachments WHERE case_id = $1 ORDER BY created_at, id',
    [caseId],
  );
  return rows.map(toAttachment);
}

export async function getAttachment(q: Queryable, caseId: string, id: string): Promise<(AttachmentInfo & { data: Buffer }) | null> {
  const rows = await q.query('SELECT * FROM case_attachments WHERE case_id = $1 AND id = $2', [caseId, id]);
  const r = rows[0];
  if (!r) return null;
  const data = Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data as Uint8Array);
  return { ...toAttachment(r), data };
}

// ---- history ----

export type CaseEvent = HistoryEvent;

export const appendCaseEvent = (q: Queryable, caseId: string, actor: Actor, type: string, details: Record<string, unknown> = {}) =>
  appendHistory(q, 'case_events', caseId, actor, type, details);

export const listCaseEvents = (q: Queryable, caseId: string): Promise<CaseEvent[]> => listHistory(q, 'case_events', caseId);

/** Users who may own a case (for the assignee picker). */
export async function listAssignees(q: Queryable): Promise<{ id: string; username: string; displayName: string; role: string }[]> {
  const rows = await q.query(
    "SELECT id, username, display_name, role FROM users WHERE NOT disabled AND role IN ('officer', 'supervisor', 'admin') ORDER BY display_name",
  );
  return rows.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role }));
}

export async function userExists(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM users WHERE id = $1 AND NOT disabled', [id])).length > 0;
}
