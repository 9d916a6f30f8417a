import type { Queryable, Row } from './db.js';
import type { TemplateDef, TemplateItemDef } from '../inspection/template.js';
import {
  complianceRate, findingRef, isPastDue, kstToday, roundRef, UNRESOLVED_FINDING_STATUSES,
  type AnswerResult, type Area, type FindingSeverity, type FindingStatus, type RoundStatus,
} from '../inspection/model.js';
import { isoOrNull as iso } from './rows.js';

// Self-inspection storage: templates (immutable versions), rounds, answers,
// evidence (bytes in the database, like case attachments), findings with their
// notes and case links. Plain SQL; the rules live in src/inspection.
// Dates (due dates, periods) travel as 'yyyy-mm-dd' text: both drivers would
// otherwise turn a `date` into a local-time JS Date.


// ---- templates ----

/** An item as stored: the checked template item (src/inspection/template.ts). */
export type TemplateItem = TemplateItemDef;

export interface TemplateVersion {
  id: string;
  version: number;
  name: string;
  nameEn: string;
  description: string;
  note: string;
  createdBy: string;
  createdAt: string;
  itemCount: number;
  ccmItemCount: number;
}

export interface TemplateSummary extends TemplateVersion {
  /** Every stored version, newest first. */
  versions: number[];
}

const toItem = (r: Row): TemplateItem => ({
  itemId: r.item_id, position: r.position, area: r.area, textKo: r.text_ko, textEn: r.text_en, guidance: r.guidance,
  evidenceRequired: r.evidence_required, ccm: r.ccm,
});

const TEMPLATE_SELECT = `
  SELECT t.*, (SELECT count(*)::int FROM inspection_template_items i WHERE i.template_id = t.id AND i.template_version = t.version) AS item_count,
    (SELECT count(*)::int FROM inspection_template_items i WHERE i.template_id = t.id AND i.template_version = t.version AND i.ccm) AS ccm_item_count
  FROM inspection_templates t`;

const toTemplate = (r: Row): TemplateVersion => ({
  id: r.id, version: r.version, name: r.name, nameEn: r.name_en, description: r.description, note: r.note,
  createdBy: r.created_by, createdAt: iso(r.created_at)!, itemCount: r.item_count, ccmItemCount: r.ccm_item_count,
});

export async function latestTemplateVersion(q: Queryable, id: string): Promise<number | null> {
  const rows = await q.query('SELECT max(version) AS v FROM inspection_templates WHERE id = $1', [id]);
  return rows[0]?.v ?? null;
}

/** Stores a version with its items; false when that version already exists (another process was first). */
export async function insertTemplateVersion(q: Queryable, def: TemplateDef, version: number, createdBy: string): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO inspection_templates (id, version, name, name_en, description, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
    [def.id, version, def.name, def.nameEn, def.description, def.note, createdBy],
  );
  if (rows.length === 0) return false;
  const col = <K extends keyof TemplateItemDef>(k: K) => def.items.map((i) => i[k]);
  await q.query(
    `INSERT INTO inspection_template_items (template_id, template_version, item_id, position, area, text_ko, text_en, guidance, evidence_required, ccm)
     SELECT $1, $2, * FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::boolean[])`,
    [def.id, version, col('itemId'), col('position'), col('area'), col('textKo'), col('textEn'), col('guidance'), col('evidenceRequired'), col('ccm')],
  );
  return true;
}

export async function countTemplates(q: Queryable): Promise<number> {
  return (await q.query('SELECT count(*)::int AS n FROM inspection_templates'))[0].n;
}

/** Each template at its latest version, with the list of versions. */
export async function listTemplates(q: Queryable): Promise<TemplateSummary[]> {
  const rows = await q.query(
    `SELECT x.*, v.versions FROM (${TEMPLATE_SELECT}) x
     JOIN (SELECT id, max(version) AS latest, array_agg(version ORDER BY version DESC) AS versions FROM inspection_templates GROUP BY id) v
       ON v.id = x.id AND v.latest = x.version
     ORDER BY x.created_at, x.id`,
  );
  return rows.map((r) => ({ ...toTemplate(r), versions: (r.versions as number[]).map(Number) }));
}

export async function getTemplate(q: Queryable, id: string, version: number): Promise<(TemplateVersion & { items: TemplateItem[] }) | null> {
  const rows = await q.query(`${TEMPLATE_SELECT} WHERE t.id = $1 AND t.version = $2`, [id, version]);
  if (!rows[0]) return null;
  return { ...toTemplate(rows[0]), items: await listTemplateItems(q, id, version) };
}

export async function listTemplateItems(q: Queryable, id: string, version: number): Promise<TemplateItem[]> {
  const rows = await q.query(
    'SELECT * FROM inspection_template_items WHERE template_id = $1 AND template_version = $2 ORDER BY position, item_id',
    [id, version],
  );
  return rows.map(toItem);
}

// ---- rounds ----

export interface Round {
  id: string;
  number: number;
  ref: string;
  templateId: string;
  templateVersion: number;
  templateName: string;
  templateNameEn: string;
  department: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  title: string;
  ownerId: string | null;
  ownerName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  dueDate: string;
  overdue: boolean;
  status: RoundStatus;
  itemCount: number;
  answered: number;
  compliant: number;
  nonCompliant: number;
  notApplicable: number;
  /** compliant ÷ (compliant + non-compliant) of the answers so far; null when none is applicable. */
  complianceRate: number | null;
  findingCount: number;
  openFindingCount: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  submittedAt: string | null;
  submittedBy: string | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  reviewNote: string | null;
}

const ROUND_SELECT = `
  SELECT r.id, r.number, r.template_id, r.template_version, r.department, r.period, r.period_start::text AS period_start,
    r.period_end::text AS period_end, r.title, r.owner_id, r.assignee_id, r.due_date::text AS due_date, r.status, r.created_by,
    r.created_at, r.updated_at, r.started_at, r.submitted_at, r.submitted_by, r.reviewed_at, r.reviewed_by, r.review_note,
    t.name AS template_name, t.name_en AS template_name_en, o.display_name AS owner_name, a.display_name AS assignee_name,
    (SELECT count(*)::int FROM inspection_template_items i WHERE i.template_id = r.template_id AND i.template_version = r.template_version) AS item_count,
    s.compliant, s.non_compliant, s.not_applicable,
    (SELECT count(*)::int FROM inspection_findings f WHERE f.round_id = r.id) AS finding_count,
    (SELECT count(*)::int FROM inspection_findings f WHERE f.round_id = r.id AND f.status IN ('open', 'in_progress')) AS open_finding_count
  FROM inspection_rounds r
  JOIN inspection_templates t ON t.id = r.template_id AND t.version = r.template_version
  LEFT JOIN users o ON o.id = r.owner_id
  LEFT JOIN users a ON a.id = r.assignee_id
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE x.result = 'compliant')::int AS compliant,
      count(*) FILTER (WHERE x.result = 'non_compliant')::int AS non_compliant,
      count(*) FILTER (WHERE x.result = 'not_applicable')::int AS not_applicable
    FROM inspection_answers x WHERE x.round_id = r.id
  ) s ON true`;

export function toRound(r: Row, today = kstToday()): Round {
  const compliant = r.compliant ?? 0;
  const nonCompliant = r.non_compliant ?? 0;
  const notApplicable = r.not_applicable ?? 0;
  return {
    id: r.id, number: Number(r.number), ref: roundRef(Number(r.number)), templateId: r.template_id, templateVersion: r.template_version,
    templateName: r.template_name, templateNameEn: r.template_name_en, department: r.department, period: r.period,
    periodStart: r.period_start, periodEnd: r.period_end, title: r.title, ownerId: r.owner_id, ownerName: r.owner_name ?? null,
    assigneeId: r.assignee_id, assigneeName: r.assignee_name ?? null, dueDate: r.due_date,
    // A round is late while it has not been handed in by its due day.
    overdue: (r.status === 'planned' || r.status === 'in_progress') && isPastDue(r.due_date, today),
    status: r.status, itemCount: r.item_count, answered: compliant + nonCompliant + notApplicable, compliant, nonCompliant, notApplicable,
    complianceRate: complianceRate({ compliant, nonCompliant }), findingCount: r.finding_count, openFindingCount: r.open_finding_count,
    createdBy: r.created_by, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, startedAt: iso(r.started_at),
    submittedAt: iso(r.submitted_at), submittedBy: r.submitted_by, reviewedAt: iso(r.reviewed_at), reviewedBy: r.reviewed_by, reviewNote: r.review_note,
  };
}

export interface NewRound {
  id: string;
  templateId: string;
  templateVersion: number;
  department: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  title: string;
  ownerId: string | null;
  assigneeId: string | null;
  dueDate: string;
  createdBy: string;
}

/** Inserts a round; null when the template already has a round for this department and period. */
export async function insertRound(q: Queryable, n: NewRound): Promise<Round | null> {
  const rows = await q.query(
    `INSERT INTO inspection_rounds (id, template_id, template_version, department, period, period_start, period_end, title, owner_id, assignee_id, due_date, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (template_id, department, period) DO NOTHING RETURNING id`,
    [n.id, n.templateId, n.templateVersion, n.department, n.period, n.periodStart, n.periodEnd, n.title, n.ownerId, n.assigneeId, n.dueDate, n.createdBy],
  );
  return rows[0] ? getRound(q, n.id) : null;
}

export async function findRound(q: Queryable, templateId: string, department: string, period: string): Promise<Round | null> {
  const rows = await q.query(`${ROUND_SELECT} WHERE r.template_id = $1 AND r.department = $2 AND r.period = $3`, [templateId, department, period]);
  return rows[0] ? toRound(rows[0]) : null;
}

export async function getRound(q: Queryable, id: string, forUpdate = false): Promise<Round | null> {
  if (forUpdate) await q.query('SELECT 1 FROM inspection_rounds WHERE id = $1 FOR UPDATE', [id]);
  const rows = await q.query(`${ROUND_SELECT} WHERE r.id = $1`, [id]);
  return rows[0] ? toRound(rows[0]) : null;
}

export interface RoundFilter {
  status?: RoundStatus;
  department?: string;
  period?: string;
  templateId?: string;
  limit: number;
  offset?: number;
}

export async function listRounds(q: Queryable, f: RoundFilter): Promise<{ items: Round[]; total: number }> {
  const rows = await q.query(
    `SELECT x.*, count(*) OVER () AS total FROM (${ROUND_SELECT}) x
     WHERE ($3::text IS NULL OR x.status = $3) AND ($4::text IS NULL OR x.department = $4)
       AND ($5::text IS NULL OR x.period = $5) AND ($6::text IS NULL OR x.template_id = $6)
     ORDER BY x.period_start DESC, (x.status = 'reviewed'), x.due_date, x.number DESC
     LIMIT $1 OFFSET $2`,
    [f.limit, f.offset ?? 0, f.status ?? null, f.department ?? null, f.period ?? null, f.templateId ?? null],
  );
  return { items: rows.map((r) => toRound(r)), total: Number(rows[0]?.total ?? 0) };
}

export interface RoundPatch {
  title?: string;
  ownerId?: string | null;
  assigneeId?: string | null;
  dueDate?: string;
}

export async function updateRound(q: Queryable, id: string, p: RoundPatch): Promise<void> {
  await patchRow(q, 'inspection_rounds', id, { title: 'title', ownerId: 'owner_id', assigneeId: 'assignee_id', dueDate: 'due_date' }, p);
}

/**
 * UPDATE of the fields given (undefined = unchanged) and updated_at. Table and
 * column names come from the fixed maps of this file, never from input.
 */
async function patchRow<P extends object>(q: Queryable, table: string, id: string, columns: Record<keyof P & string, string>, p: P): Promise<void> {
  const params: unknown[] = [id];
  const sets: string[] = [];
  for (const [key, column] of Object.entries(columns) as [keyof P & string, string][]) {
    if (p[key] === undefined) continue;
    params.push(p[key]);
    sets.push(`${column} = $${params.length}`);
  }
  if (sets.length > 0) await q.query(`UPDATE ${table} SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
}

/** Moves the round and stamps when (and by whom) it was started, submitted or reviewed. */
export async function setRoundStatus(q: Queryable, id: string, to: RoundStatus, by: string, note: string | null): Promise<void> {
  await q.query(
    `UPDATE inspection_rounds SET status = $2, updated_at = now(),
       started_at = CASE WHEN $2 = 'in_progress' THEN coalesce(started_at, now()) ELSE started_at END,
       submitted_at = CASE WHEN $2 = 'submitted' THEN now() WHEN $2 = 'in_progress' THEN NULL ELSE submitted_at END,
       submitted_by = CASE WHEN $2 = 'submitted' THEN $3 WHEN $2 = 'in_progress' THEN NULL ELSE submitted_by END,
       reviewed_at = CASE WHEN $2 = 'reviewed' THEN now() ELSE reviewed_at END,
       reviewed_by = CASE WHEN $2 = 'reviewed' THEN $3 ELSE reviewed_by END,
       review_note = CASE WHEN $2 IN ('reviewed', 'in_progress') AND $4::text IS NOT NULL THEN $4 ELSE review_note END
     WHERE id = $1`,
    [id, to, by, note],
  );
}

export async function touchRound(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE inspection_rounds SET updated_at = now() WHERE id = $1', [id]);
}

// ---- answers ----

export interface Answer {
  itemId: string;
  result: AnswerResult;
  comment: string;
  answeredBy: string;
  answeredAt: string;
}

const toAnswer = (r: Row): Answer => ({ itemId: r.item_id, result: r.result, comment: r.comment, answeredBy: r.answered_by, answeredAt: iso(r.answered_at)! });

export async function listAnswers(q: Queryable, roundId: string): Promise<Answer[]> {
  return (await q.query('SELECT * FROM inspection_answers WHERE round_id = $1', [roundId])).map(toAnswer);
}

export async function getAnswer(q: Queryable, roundId: string, itemId: string): Promise<Answer | null> {
  const rows = await q.query('SELECT * FROM inspection_answers WHERE round_id = $1 AND item_id = $2', [roundId, itemId]);
  return rows[0] ? toAnswer(rows[0]) : null;
}

export async function upsertAnswer(q: Queryable, roundId: string, itemId: string, result: AnswerResult, comment: string, by: string): Promise<Answer> {
  const [r] = await q.query(
    `INSERT INTO inspection_answers (round_id, item_id, result, comment, answered_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (round_id, item_id) DO UPDATE SET result = EXCLUDED.result, comment = EXCLUDED.comment,
       answered_by = EXCLUDED.answered_by, answered_at = now()
     RETURNING *`,
    [roundId, itemId, result, comment, by],
  );
  return toAnswer(r);
}

// ---- evidence ----

export interface EvidenceInfo {
  id: string;
  itemId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
}

const EVIDENCE_COLUMNS = 'id, item_id, filename, content_type, size, sha256, uploaded_by, created_at';
const toEvidence = (r: Row): EvidenceInfo => ({
  id: r.id, itemId: r.item_id, filename: r.filename, contentType: r.content_type, size: r.size, sha256: r.sha256,
  uploadedBy: r.uploaded_by, createdAt: iso(r.created_at)!,
});

export async function insertEvidence(
  q: Queryable,
  e: { id: string; roundId: string; itemId: string; filename: string; contentType: string; sha256: string; data: Uint8Array; uploadedBy: string },
): Promise<EvidenceInfo> {
  const [r] = await q.query(
    `INSERT INTO inspection_evidence (id, round_id, item_id, filename, content_type, size, sha256, data, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${EVIDENCE_COLUMNS}`,
    [e.id, e.roundId, e.itemId, e.filename, e.contentType, e.data.byteLength, e.sha256, e.data, e.uploadedBy],
  );
  return toEvidence(r);
}

export async function listEvidence(q: Queryable, roundId: string): Promise<EvidenceInfo[]> {
  const rows = await q.query(`SELECT ${EVIDENCE_COLUMNS} FROM inspection_evidence WHERE round_id = $1 ORDER BY created_at, id`, [roundId]);
  return rows.map(toEvidence);
}

export async function getEvidence(q: Queryable, roundId: string, id: string): Promise<(EvidenceInfo & { data: Buffer }) | null> {
  const rows = await q.query('SELECT * FROM inspection_evidence WHERE round_id = $1 AND id = $2', [roundId, id]);
  const r = rows[0];
  if (!r) return null;
  return { ...toEvidence(r), data: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data as Uint8Array) };
}

export async function deleteEvidence(q: Queryable, roundId: string, id: string): Promise<EvidenceInfo | null> {
  const rows = await q.query(`DELETE FROM inspection_evidence WHERE round_id = $1 AND id = $2 RETURNING ${EVIDENCE_COLUMNS}`, [roundId, id]);
  return rows[0] ? toEvidence(rows[0]) : null;
}

// ---- findings ----

export interface Finding {
  id: string;
  number: number;
  ref: string;
  roundId: string;
  roundRef: string;
  roundStatus: RoundStatus;
  department: string;
  period: string;
  itemId: string;
  area: Area;
  itemTextKo: string;
  itemTextEn: string;
  title: string;
  severity: FindingSeverity;
  status: FindingStatus;
  ownerId: string | null;
  ownerName: string | null;
  dueDate: string;
  overdue: boolean;
  actionPlan: string;
  resolution: string | null;
  caseCount: number;
  noteCount: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  verifiedAt: string | null;
  verifiedBy: string | null;
}

const UNRESOLVED_SQL = `(${UNRESOLVED_FINDING_STATUSES.map((s) => `'${s}'`).join(', ')})`;

const FINDING_SELECT = `
  SELECT f.id, f.number, f.round_id, f.item_id, f.title, f.severity, f.status, f.owner_id, f.due_date::text AS due_date, f.action_plan,
    f.resolution, f.created_by, f.created_at, f.updated_at, f.resolved_at, f.verified_at, f.verified_by,
    r.number AS round_number, r.status AS round_status, r.department, r.period, r.period_start::text AS period_start,
    i.area, i.text_ko AS item_text_ko, i.text_en AS item_text_en, u.display_name AS owner_name,
    (SELECT count(*)::int FROM inspection_finding_cases c WHERE c.finding_id = f.id) AS case_count,
    (SELECT count(*)::int FROM inspection_finding_notes n WHERE n.finding_id = f.id) AS note_count
  FROM inspection_findings f
  JOIN inspection_rounds r ON r.id = f.round_id
  JOIN inspection_template_items i ON i.template_id = r.template_id AND i.template_version = r.template_version AND i.item_id = f.item_id
  LEFT JOIN users u ON u.id = f.owner_id`;

export function toFinding(r: Row, today = kstToday()): Finding {
  return {
    id: r.id, number: Number(r.number), ref: findingRef(Number(r.number)), roundId: r.round_id, roundRef: roundRef(Number(r.round_number)),
    roundStatus: r.round_status, department: r.department, period: r.period, itemId: r.item_id, area: r.area,
    itemTextKo: r.item_text_ko, itemTextEn: r.item_text_en, title: r.title, severity: r.severity, status: r.status,
    ownerId: r.owner_id, ownerName: r.owner_name ?? null, dueDate: r.due_date,
    overdue: UNRESOLVED_FINDING_STATUSES.includes(r.status) && isPastDue(r.due_date, today),
    actionPlan: r.action_plan, resolution: r.resolution, caseCount: r.case_count, noteCount: r.note_count,
    createdBy: r.created_by, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, resolvedAt: iso(r.resolved_at),
    verifiedAt: iso(r.verified_at), verifiedBy: r.verified_by,
  };
}

export async function insertFinding(
  q: Queryable,
  n: { id: string; roundId: string; itemId: string; title: string; severity: FindingSeverity; ownerId: string | null; dueDate: string; actionPlan: string; createdBy: string },
): Promise<Finding> {
  await q.query(
    `INSERT INTO inspection_findings (id, round_id, item_id, title, severity, owner_id, due_date, action_plan, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [n.id, n.roundId, n.itemId, n.title, n.severity, n.ownerId, n.dueDate, n.actionPlan, n.createdBy],
  );
  return (await getFinding(q, n.id))!;
}

export async function getFinding(q: Queryable, id: string, forUpdate = false): Promise<Finding | null> {
  if (forUpdate) await q.query('SELECT 1 FROM inspection_findings WHERE id = $1 FOR UPDATE', [id]);
  const rows = await q.query(`${FINDING_SELECT} WHERE f.id = $1`, [id]);
  return rows[0] ? toFinding(rows[0]) : null;
}

export async function getFindingByItem(q: Queryable, roundId: string, itemId: string): Promise<Finding | null> {
  const rows = await q.query(`${FINDING_SELECT} WHERE f.round_id = $1 AND f.item_id = $2`, [roundId, itemId]);
  return rows[0] ? toFinding(rows[0]) : null;
}

export async function deleteFinding(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM inspection_findings WHERE id = $1', [id]);
}

export interface FindingFilter {
  status?: FindingStatus;
  /** Open or in progress. */
  unresolved?: boolean;
  overdue?: boolean;
  roundId?: string;
  department?: string;
  period?: string;
  area?: Area;
  severity?: FindingSeverity;
  limit: number;
  offset?: number;
}

export async function listFindings(q: Queryable, f: FindingFilter, today = kstToday()): Promise<{ items: Finding[]; total: number }> {
  const rows = await q.query(
    `SELECT x.*, count(*) OVER () AS total FROM (${FINDING_SELECT}) x
     WHERE ($3::text IS NULL OR x.status = $3) AND ($4::text IS NULL OR x.round_id = $4)
       AND ($5::text IS NULL OR x.department = $5) AND ($6::text IS NULL OR x.period = $6)
       AND ($7::text IS NULL OR x.area = $7) AND ($8::text IS NULL OR x.severity = $8)
       AND ($9::boolean IS NULL OR (x.status IN ${UNRESOLVED_SQL}) = $9)
       AND ($10::boolean IS NULL OR (x.status IN ${UNRESOLVED_SQL} AND x.due_date::date < $11::date) = $10)
     ORDER BY (x.status IN ${UNRESOLVED_SQL} AND x.due_date::date < $11::date) DESC, (x.status = 'verified'),
       CASE x.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, x.due_date, x.number DESC
     LIMIT $1 OFFSET $2`,
    [f.limit, f.offset ?? 0, f.status ?? null, f.roundId ?? null, f.department ?? null, f.period ?? null, f.area ?? null,
      f.severity ?? null, f.unresolved ?? null, f.overdue ?? null, today],
  );
  return { items: rows.map((r) => toFinding(r, today)), total: Number(rows[0]?.total ?? 0) };
}

export interface FindingPatch {
  title?: string;
  severity?: FindingSeverity;
  ownerId?: string | null;
  dueDate?: string;
  actionPlan?: string;
}

export async function updateFinding(q: Queryable, id: string, p: FindingPatch): Promise<void> {
  await patchRow(q, 'inspection_findings', id, { title: 'title', severity: 'severity', ownerId: 'owner_id', dueDate: 'due_date', actionPlan: 'action_plan' }, p);
}

export async function setFindingStatus(q: Queryable, id: string, to: FindingStatus, by: string, resolution: string | null): Promise<void> {
  await q.query(
    `UPDATE inspection_findings SET status = $2, updated_at = now(),
       resolution = CASE WHEN $2 = 'resolved' THEN $4 ELSE resolution END,
       resolved_at = CASE WHEN $2 = 'resolved' THEN now() WHEN $2 IN ('open', 'in_progress') THEN NULL ELSE resolved_at END,
       verified_at = CASE WHEN $2 = 'verified' THEN now() ELSE NULL END,
       verified_by = CASE WHEN $2 = 'verified' THEN $3 ELSE NULL END
     WHERE id = $1`,
    [id, to, by, resolution],
  );
}

// ---- finding notes and case links ----

export interface FindingNote {
  id: string;
  authorId: string | null;
  authorName: string;
  body: string;
  createdAt: string;
}

const toNote = (r: Row): FindingNote => ({ id: r.id, authorId: r.author_id, authorName: r.author_name, body: r.body, createdAt: iso(r.created_at)! });

export async function insertFindingNote(q: Queryable, n: { id: string; findingId: string; authorId: string | null; authorName: string; body: string }): Promise<FindingNote> {
  const [r] = await q.query(
    'INSERT INTO inspection_finding_notes (id, finding_id, author_id, author_name, body) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [n.id, n.findingId, n.authorId, n.authorName, n.body],
  );
  await q.query('UPDATE inspection_findings SET updated_at = now() WHERE id = $1', [n.findingId]);
  return toNote(r);
}

export async function listFindingNotes(q: Queryable, findingId: string): Promise<FindingNote[]> {
  return (await q.query('SELECT * FROM inspection_finding_notes WHERE finding_id = $1 ORDER BY created_at, id', [findingId])).map(toNote);
}

export interface LinkedCase {
  caseId: string;
  ref: string;
  title: string;
  status: string;
  severity: number;
  linkedBy: string;
  linkedAt: string;
}

/** Links a complaint case; false when it was already linked. */
export async function linkCase(q: Queryable, findingId: string, caseId: string, by: string): Promise<boolean> {
  const rows = await q.query(
    'INSERT INTO inspection_finding_cases (finding_id, case_id, linked_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING case_id',
    [findingId, caseId, by],
  );
  return rows.length > 0;
}

export async function unlinkCase(q: Queryable, findingId: string, caseId: string): Promise<boolean> {
  return (await q.query('DELETE FROM inspection_finding_cases WHERE finding_id = $1 AND case_id = $2 RETURNING case_id', [findingId, caseId])).length > 0;
}

export async function listLinkedCases(q: Queryable, findingId: string): Promise<LinkedCase[]> {
  const rows = await q.query(
    `SELECT l.case_id, l.linked_by, l.created_at, k.number, k.title, k.status, k.severity
     FROM inspection_finding_cases l JOIN cases k ON k.id = l.case_id WHERE l.finding_id = $1 ORDER BY l.created_at, k.number`,
    [findingId],
  );
  return rows.map((r) => ({
    caseId: r.case_id, ref: `VOM-${String(r.number).padStart(6, '0')}`, title: r.title, status: r.status, severity: r.severity,
    linkedBy: r.linked_by, linkedAt: iso(r.created_at)!,
  }));
}

// ---- summary inputs ----

/** Per round: its answers tallied overall and for CCM items (only items of the round's template version count). */
export interface RoundTallyRow {
  roundId: string;
  department: string;
  period: string;
  periodStart: string;
  status: RoundStatus;
  reviewedAt: string | null;
  itemCount: number;
  compliant: number;
  nonCompliant: number;
  notApplicable: number;
  ccmItemCount: number;
  ccmCompliant: number;
  ccmNonCompliant: number;
  ccmNotApplicable: number;
}

export async function roundTallies(q: Queryable, f: { period?: string; department?: string }): Promise<RoundTallyRow[]> {
  const rows = await q.query(
    `SELECT r.id, r.department, r.period, r.period_start::text AS period_start, r.status, r.reviewed_at,
       count(i.item_id)::int AS item_count,
       count(*) FILTER (WHERE a.result = 'compliant')::int AS compliant,
       count(*) FILTER (WHERE a.result = 'non_compliant')::int AS non_compliant,
       count(*) FILTER (WHERE a.result = 'not_applicable')::int AS not_applicable,
       count(*) FILTER (WHERE i.ccm)::int AS ccm_item_count,
       count(*) FILTER (WHERE i.ccm AND a.result = 'compliant')::int AS ccm_compliant,
       count(*) FILTER (WHERE i.ccm AND a.result = 'non_compliant')::int AS ccm_non_compliant,
       count(*) FILTER (WHERE i.ccm AND a.result = 'not_applicable')::int AS ccm_not_applicable
     FROM inspection_rounds r
     JOIN inspection_template_items i ON i.template_id = r.template_id AND i.template_version = r.template_version
     LEFT JOIN inspection_answers a ON a.round_id = r.id AND a.item_id = i.item_id
     WHERE ($1::text IS NULL OR r.period = $1) AND ($2::text IS NULL OR r.department = $2)
     GROUP BY r.id ORDER BY r.period_start, r.department, r.id`,
    [f.period ?? null, f.department ?? null],
  );
  return rows.map((r) => ({
    roundId: r.id, department: r.department, period: r.period, periodStart: r.period_start, status: r.status, reviewedAt: iso(r.reviewed_at),
    itemCount: r.item_count, compliant: r.compliant, nonCompliant: r.non_compliant, notApplicable: r.not_applicable,
    ccmItemCount: r.ccm_item_count, ccmCompliant: r.ccm_compliant, ccmNonCompliant: r.ccm_non_compliant, ccmNotApplicable: r.ccm_not_applicable,
  }));
}

export interface FindingFactRow {
  id: string;
  status: FindingStatus;
  severity: FindingSeverity;
  dueDate: string;
  area: Area;
  department: string;
  period: string;
}

export async function findingFacts(q: Queryable, f: { period?: string; department?: string }): Promise<FindingFactRow[]> {
  const rows = await q.query(
    `SELECT f.id, f.status, f.severity, f.due_date::text AS due_date, i.area, r.department, r.period
     FROM inspection_findings f
     JOIN inspection_rounds r ON r.id = f.round_id
     JOIN inspection_template_items i ON i.template_id = r.template_id AND i.template_version = r.template_version AND i.item_id = f.item_id
     WHERE ($1::text IS NULL OR r.period = $1) AND ($2::text IS NULL OR r.department = $2)`,
    [f.period ?? null, f.department ?? null],
  );
  return rows.map((r) => ({ id: r.id, status: r.status, severity: r.severity, dueDate: r.due_date, area: r.area, department: r.department, period: r.period }));
}

/** Departments and periods that have rounds (the console's filters). */
export async function roundFacets(q: Queryable): Promise<{ departments: string[]; periods: string[] }> {
  const d = await q.query('SELECT DISTINCT department FROM inspection_rounds ORDER BY department');
  const p = await q.query('SELECT period FROM inspection_rounds GROUP BY period ORDER BY max(period_start) DESC');
  return { departments: d.map((r) => r.department), periods: p.map((r) => r.period) };
}

// ---- history ----

export interface HistoryEntry {
  id: number;
  at: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** Audit entries about these targets, oldest first (a round's history is its own entries plus its findings'). */
export async function auditHistory(q: Queryable, targetIds: string[]): Promise<HistoryEntry[]> {
  const rows = await q.query(
    `SELECT * FROM audit_log WHERE target_type LIKE 'inspection_%' AND target_id = ANY($1::text[]) ORDER BY id LIMIT 1000`,
    [targetIds],
  );
  return rows.map((r) => ({
    id: Number(r.id), at: iso(r.at)!, actorName: r.actor_name, action: r.action, targetType: r.target_type, targetId: r.target_id, details: r.details ?? {},
  }));
}
