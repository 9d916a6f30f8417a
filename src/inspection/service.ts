import { createHash } from 'node:crypto';
import { badRequest, conflict, notFound, RadarError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { redact } from '../privacy/redact.js';
import * as audit from '../store/audit.js';
import type { Actor } from '../store/audit.js';
import { getCase, userExists } from '../store/cases.js';
import type { Db, Queryable } from '../store/db.js';
import * as repo from '../store/inspections.js';
import {
  addDays, checkFindingTransition, checkRoundTransition, EDITABLE_ROUND_STATUSES, FINDING_DAYS, kstToday, requirePeriod,
  submissionGaps, type AnswerResult, type FindingSeverity, type FindingStatus, type RoundStatus,
} from './model.js';
import { ccmReadiness, summarise, type InspectionSummary } from './summary.js';
import { loadDefaultTemplate, normaliseTemplate, type TemplateDef, type TemplateInput } from './template.js';

// Self-inspection operations. Each change is one transaction holding the change
// and its audit entry (the audit trail is the history auditors read); free text
// (comments, plans, notes, resolutions) is redacted before it is stored.

export interface InspectionConfig {
  /** Largest evidence file, bytes (the case-attachment limit, RADAR_CASE_ATTACHMENT_MAX_BYTES). */
  maxEvidenceBytes: number;
}

/**
 * Evidence is documents and pictures of them. Anything that could run in a
 * browser (HTML, SVG, scripts) is refused; downloads are sent as attachments anyway.
 */
export const EVIDENCE_TYPES: readonly string[] = [
  'application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'text/plain', 'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/msword',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/vnd.ms-powerpoint',
  'application/x-hwp', 'application/haansofthwp', 'application/vnd.hancom.hwp', 'application/vnd.hancom.hwpx', 'application/zip',
];

const clean = (text: string | null | undefined): string => redact((text ?? '').trim()).text;

const ROUND = 'inspection_round';
const FINDING = 'inspection_finding';
const TEMPLATE = 'inspection_template';

async function checkUser(q: Queryable, id: string | null | undefined, field: string) {
  if (id && !(await userExists(q, id))) throw badRequest('user_not_found', `${field}: no active user with id '${id}'`, { field });
}

function checkDate(day: string | undefined, field: string) {
  if (day === undefined) return;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
    throw badRequest('invalid_date', `${field}: '${day}' is not a date like 2026-12-31`, { field });
  }
}

// ---- templates ----

/** Installs the bundled checklist unless a template with its id exists (first start; safe when several processes start). */
export async function installDefaultTemplate(db: Db, def: TemplateDef = loadDefaultTemplate()): Promise<boolean> {
  return db.tx(async (q) => {
    if ((await repo.latestTemplateVersion(q, def.id)) !== null) return false;
    const inserted = await repo.insertTemplateVersion(q, def, 1, 'system');
    if (inserted) await audit.appendAudit(q, { id: null, name: 'system' }, 'inspection.template.installed', { type: TEMPLATE, id: def.id }, { version: 1, items: def.items.length });
    return inserted;
  });
}

export async function createTemplate(db: Db, actor: Actor, input: TemplateInput) {
  const def = normaliseTemplate(input, input.id ?? `tpl-${newId().slice(0, 8)}`);
  return db.tx(async (q) => {
    if ((await repo.latestTemplateVersion(q, def.id)) !== null || !(await repo.insertTemplateVersion(q, def, 1, actor.name))) {
      throw conflict('template_exists', `A template with id '${def.id}' exists; publish a new version of it instead`, { templateId: def.id });
    }
    await audit.appendAudit(q, actor, 'inspection.template.created', { type: TEMPLATE, id: def.id }, { version: 1, items: def.items.length });
    return (await repo.getTemplate(q, def.id, 1))!;
  });
}

/** Editing a template publishes its next version; the versions before stay as they were (rounds keep theirs). */
export async function reviseTemplate(db: Db, actor: Actor, id: string, input: TemplateInput) {
  const def = normaliseTemplate(input, id);
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`inspection-template:${id}`]);
    const latest = await repo.latestTemplateVersion(q, id);
    if (latest === null) throw notFound('template_not_found', `No template with id '${id}'`);
    const before = new Set((await repo.listTemplateItems(q, id, latest)).map((i) => i.itemId));
    const after = new Set(def.items.map((i) => i.itemId));
    await repo.insertTemplateVersion(q, def, latest + 1, actor.name);
    await audit.appendAudit(q, actor, 'inspection.template.revised', { type: TEMPLATE, id }, {
      version: latest + 1, from: latest, items: def.items.length,
      added: [...after].filter((x) => !before.has(x)), removed: [...before].filter((x) => !after.has(x)),
    });
    return (await repo.getTemplate(q, id, latest + 1))!;
  });
}

export async function getTemplate(db: Db, id: string, version?: number) {
  const v = version ?? (await repo.latestTemplateVersion(db, id));
  const t = v === null ? null : await repo.getTemplate(db, id, v);
  if (!t) throw notFound('template_not_found', version ? `No version ${version} of template '${id}'` : `No template with id '${id}'`);
  return t;
}

// ---- rounds ----

export interface RoundInput {
  templateId: string;
  templateVersion?: number;
  department: string;
  period: string;
  title?: string;
  ownerId?: string | null;
  assigneeId?: string | null;
  dueDate: string;
}

export async function createRound(db: Db, actor: Actor, input: RoundInput): Promise<repo.Round> {
  const period = requirePeriod(input.period);
  const department = clean(input.department);
  if (!department) throw badRequest('department_required', 'A round needs a department');
  checkDate(input.dueDate, 'dueDate');
  return db.tx(async (q) => {
    const version = input.templateVersion ?? (await repo.latestTemplateVersion(q, input.templateId));
    const template = version === null ? null : await repo.getTemplate(q, input.templateId, version);
    if (!template) throw notFound('template_not_found', `No template '${input.templateId}'${input.templateVersion ? ` version ${input.templateVersion}` : ''}`);
    await checkUser(q, input.ownerId, 'ownerId');
    await checkUser(q, input.assigneeId, 'assigneeId');
    const round = await repo.insertRound(q, {
      id: newId(), templateId: template.id, templateVersion: template.version, department, period: period.id,
      periodStart: period.start, periodEnd: period.end, title: clean(input.title) || `${period.ko} ${department} 자율점검`,
      ownerId: input.ownerId ?? null, assigneeId: input.assigneeId ?? null, dueDate: input.dueDate, createdBy: actor.name,
    });
    if (!round) {
      const existing = await repo.findRound(q, template.id, department, period.id);
      throw conflict('round_exists', `${department} already has a round of this checklist for ${period.ko}`, { roundId: existing?.id ?? null });
    }
    await audit.appendAudit(q, actor, 'inspection.round.created', { type: ROUND, id: round.id }, {
      ref: round.ref, templateId: template.id, templateVersion: template.version, department, period: period.id, dueDate: input.dueDate,
      ownerId: round.ownerId, assigneeId: round.assigneeId,
    });
    return round;
  });
}

async function loadRound(q: Queryable, id: string): Promise<repo.Round> {
  const r = await repo.getRound(q, id, true);
  if (!r) throw notFound('round_not_found', `No inspection round with id '${id}'`);
  return r;
}

function requireEditable(r: repo.Round) {
  if (!EDITABLE_ROUND_STATUSES.includes(r.status)) {
    throw conflict('round_locked', `The round is ${r.status}: answers and evidence can no longer change (return it for rework first)`, { status: r.status });
  }
}

export type RoundEdit = repo.RoundPatch;

export async function updateRound(db: Db, actor: Actor, id: string, edit: RoundEdit): Promise<repo.Round> {
  checkDate(edit.dueDate, 'dueDate');
  return db.tx(async (q) => {
    const before = await loadRound(q, id);
    if (before.status === 'reviewed') throw conflict('round_reviewed', 'A reviewed round cannot be changed');
    await checkUser(q, edit.ownerId, 'ownerId');
    await checkUser(q, edit.assigneeId, 'assigneeId');
    const patch: repo.RoundPatch = { ...edit, ...(edit.title !== undefined ? { title: clean(edit.title) } : {}) };
    if (patch.title === '') throw badRequest('title_required', 'A round needs a title');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(patch) as [keyof repo.RoundPatch, unknown][]) {
      if (v !== undefined && before[k] !== v) changes[k] = { from: before[k], to: v };
    }
    if (Object.keys(changes).length === 0) return before;
    await repo.updateRound(q, id, patch);
    await audit.appendAudit(q, actor, 'inspection.round.updated', { type: ROUND, id }, { ref: before.ref, changes });
    return (await repo.getRound(q, id))!;
  });
}

async function moveRound(q: Queryable, actor: Actor, r: repo.Round, to: RoundStatus, note: string | null, extra: Record<string, unknown> = {}) {
  await repo.setRoundStatus(q, r.id, to, actor.name, note);
  await audit.appendAudit(q, actor, 'inspection.round.status_changed', { type: ROUND, id: r.id }, { ref: r.ref, from: r.status, to, note, ...extra });
}

/** Moves a round along its workflow; submitting needs every item answered and required evidence attached. */
export async function transitionRound(db: Db, actor: Actor, id: string, to: RoundStatus, note?: string | null): Promise<repo.Round> {
  return db.tx(async (q) => {
    const r = await loadRound(q, id);
    checkRoundTransition(r.status, to, note);
    if (to === 'submitted') {
      const items = await repo.listTemplateItems(q, r.templateId, r.templateVersion);
      const answers = await repo.listAnswers(q, id);
      const evidence = await repo.listEvidence(q, id);
      const gaps = submissionGaps(items, answers.map((a) => ({ itemId: a.itemId, result: a.result, evidenceCount: evidence.filter((e) => e.itemId === a.itemId).length })));
      if (gaps.unanswered.length > 0 || gaps.missingEvidence.length > 0) {
        const parts = [
          gaps.unanswered.length ? `unanswered: ${gaps.unanswered.join(', ')}` : '',
          gaps.missingEvidence.length ? `evidence missing: ${gaps.missingEvidence.join(', ')}` : '',
        ].filter(Boolean);
        throw conflict('round_incomplete', `The round cannot be submitted yet (${parts.join('; ')})`, gaps);
      }
    }
    await moveRound(q, actor, r, to, note?.trim() ? clean(note) : null);
    return (await repo.getRound(q, id))!;
  });
}

export interface AnswerOutcome {
  answer: repo.Answer;
  round: repo.Round;
  /** The finding the answer opened or still has (non-compliant), or null. */
  finding: repo.Finding | null;
  /** A finding that the answer withdrew (it was non-compliant and is no longer). */
  withdrawnFindingId: string | null;
}

/**
 * Records an answer. A planned round starts with its first answer. A
 * non-compliant answer opens a finding (owner: the round's assignee, due by
 * severity); changing it back withdraws the finding while nobody has worked on it.
 */
export async function answerItem(db: Db, actor: Actor, roundId: string, itemId: string, input: { result: AnswerResult; comment?: string }): Promise<AnswerOutcome> {
  return db.tx(async (q) => {
    let r = await loadRound(q, roundId);
    requireEditable(r);
    const item = (await repo.listTemplateItems(q, r.templateId, r.templateVersion)).find((i) => i.itemId === itemId);
    if (!item) throw notFound('item_not_found', `The round's checklist has no item '${itemId}'`);
    const previous = await repo.getAnswer(q, roundId, itemId);
    let finding = await repo.getFindingByItem(q, roundId, itemId);
    let withdrawnFindingId: string | null = null;
    if (input.result !== 'non_compliant' && finding) {
      if (finding.status !== 'open') {
        throw conflict('finding_in_progress', `Finding ${finding.ref} is already being worked (${finding.status}); finish it instead of changing the answer`, { findingId: finding.id });
      }
      await repo.deleteFinding(q, finding.id);
      await audit.appendAudit(q, actor, 'inspection.finding.withdrawn', { type: FINDING, id: finding.id }, { ref: finding.ref, roundId, itemId, answer: input.result });
      withdrawnFindingId = finding.id;
      finding = null;
    }
    if (r.status === 'planned') {
      await moveRound(q, actor, r, 'in_progress', null, { automatic: true, reason: 'first answer' });
    }
    const answer = await repo.upsertAnswer(q, roundId, itemId, input.result, clean(input.comment), actor.name);
    await repo.touchRound(q, roundId);
    await audit.appendAudit(q, actor, 'inspection.answer.recorded', { type: ROUND, id: roundId }, {
      ref: r.ref, itemId, result: input.result, previous: previous?.result ?? null, commentLength: answer.comment.length,
    });
    if (input.result === 'non_compliant' && !finding) {
      const severity: FindingSeverity = 'medium';
      finding = await repo.insertFinding(q, {
        id: newId(), roundId, itemId, title: findingTitle(item.textKo, answer.comment), severity,
        ownerId: r.assigneeId ?? r.ownerId, dueDate: addDays(kstToday(), FINDING_DAYS[severity]), actionPlan: '', createdBy: actor.name,
      });
      await audit.appendAudit(q, actor, 'inspection.finding.opened', { type: FINDING, id: finding.id }, {
        ref: finding.ref, roundId, roundRef: r.ref, itemId, department: r.department, period: r.period, severity, dueDate: finding.dueDate,
      });
    }
    r = (await repo.getRound(q, roundId))!;
    return { answer, round: r, finding, withdrawnFindingId };
  });
}

/** A finding's title: the comment's first line when there is one (what is wrong), else the item's question. */
function findingTitle(itemText: string, comment: string): string {
  const line = comment.split('\n')[0]!.trim();
  const text = line || itemText.replace(/\?$/, '');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Content types: type/subtype, nothing more exotic (as for case attachments). */
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$/i;

export async function addEvidence(
  db: Db, cfg: InspectionConfig, actor: Actor, roundId: string, itemId: string, file: { filename: string; contentType: string; data: Buffer },
): Promise<repo.EvidenceInfo> {
  if (file.data.byteLength === 0) throw badRequest('empty_attachment', 'The file is empty');
  if (file.data.byteLength > cfg.maxEvidenceBytes) {
    throw new RadarError(413, 'attachment_too_large', `Evidence files are limited to ${cfg.maxEvidenceBytes} bytes`, { maxBytes: cfg.maxEvidenceBytes, size: file.data.byteLength });
  }
  const contentType = file.contentType.toLowerCase().split(';')[0]!.trim();
  if (!CONTENT_TYPE.test(contentType)) throw badRequest('invalid_content_type', `'${file.contentType}' is not a content type like application/pdf`);
  if (!EVIDENCE_TYPES.includes(contentType)) {
    throw new RadarError(415, 'unsupported_evidence_type', `Evidence must be a document or picture (PDF, image, Office, HWP, text, ZIP), not ${contentType}`, { allowed: [...EVIDENCE_TYPES] });
  }
  const filename = file.filename.replace(/[\\/\u0000-\u001f]/g, '_').trim();
  if (!filename) throw badRequest('invalid_filename', 'The file needs a name');
  return db.tx(async (q) => {
    const r = await loadRound(q, roundId);
    requireEditable(r);
    const items = await repo.listTemplateItems(q, r.templateId, r.templateVersion);
    if (!items.some((i) => i.itemId === itemId)) throw notFound('item_not_found', `The round's checklist has no item '${itemId}'`);
    const info = await repo.insertEvidence(q, {
      id: newId(), roundId, itemId, filename, contentType, sha256: createHash('sha256').update(file.data).digest('hex'), data: file.data, uploadedBy: actor.name,
    });
    await repo.touchRound(q, roundId);
    await audit.appendAudit(q, actor, 'inspection.evidence.added', { type: ROUND, id: roundId }, {
      ref: r.ref, itemId, evidenceId: info.id, filename: info.filename, size: info.size, contentType, sha256: info.sha256,
    });
    return info;
  });
}

export async function removeEvidence(db: Db, actor: Actor, roundId: string, evidenceId: string): Promise<void> {
  await db.tx(async (q) => {
    const r = await loadRound(q, roundId);
    requireEditable(r);
    const gone = await repo.deleteEvidence(q, roundId, evidenceId);
    if (!gone) throw notFound('evidence_not_found', 'No such evidence file on this round');
    await audit.appendAudit(q, actor, 'inspection.evidence.removed', { type: ROUND, id: roundId }, {
      ref: r.ref, itemId: gone.itemId, evidenceId, filename: gone.filename, sha256: gone.sha256,
    });
  });
}

export interface RoundDetail {
  round: repo.Round;
  items: (repo.TemplateItem & { answer: repo.Answer | null; evidence: repo.EvidenceInfo[]; findingId: string | null })[];
  findings: repo.Finding[];
  gaps: { unanswered: string[]; missingEvidence: string[] };
  history: repo.HistoryEntry[];
}

export async function getRoundDetail(db: Db, id: string): Promise<RoundDetail> {
  const round = await repo.getRound(db, id);
  if (!round) throw notFound('round_not_found', `No inspection round with id '${id}'`);
  const [items, answers, evidence, findings] = await Promise.all([
    repo.listTemplateItems(db, round.templateId, round.templateVersion), repo.listAnswers(db, id), repo.listEvidence(db, id),
    repo.listFindings(db, { roundId: id, limit: 1000 }),
  ]);
  const answerBy = new Map(answers.map((a) => [a.itemId, a]));
  const findingBy = new Map(findings.items.map((f) => [f.itemId, f.id]));
  const detailItems = items.map((it) => ({
    ...it, answer: answerBy.get(it.itemId) ?? null, evidence: evidence.filter((e) => e.itemId === it.itemId), findingId: findingBy.get(it.itemId) ?? null,
  }));
  const gaps = submissionGaps(items, detailItems.filter((i) => i.answer).map((i) => ({ itemId: i.itemId, result: i.answer!.result, evidenceCount: i.evidence.length })));
  const history = await repo.auditHistory(db, [id, ...findings.items.map((f) => f.id)]);
  return { round, items: detailItems, findings: findings.items, gaps, history };
}

// ---- findings ----

async function loadFinding(q: Queryable, id: string): Promise<repo.Finding> {
  const f = await repo.getFinding(q, id, true);
  if (!f) throw notFound('finding_not_found', `No finding with id '${id}'`);
  return f;
}

export type FindingEdit = repo.FindingPatch;

export async function updateFinding(db: Db, actor: Actor, id: string, edit: FindingEdit): Promise<repo.Finding> {
  checkDate(edit.dueDate, 'dueDate');
  return db.tx(async (q) => {
    const before = await loadFinding(q, id);
    if (before.status === 'verified') throw conflict('finding_verified', 'A verified finding cannot be changed');
    await checkUser(q, edit.ownerId, 'ownerId');
    const patch: repo.FindingPatch = {
      ...edit,
      ...(edit.title !== undefined ? { title: clean(edit.title) } : {}),
      ...(edit.actionPlan !== undefined ? { actionPlan: clean(edit.actionPlan) } : {}),
    };
    if (patch.title === '') throw badRequest('title_required', 'A finding needs a title');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(patch) as [keyof repo.FindingPatch, unknown][]) {
      // The plan's text can be long: the trail records that it changed, the finding holds it.
      if (v !== undefined && before[k] !== v) changes[k] = k === 'actionPlan' ? { from: before.actionPlan.length, to: String(v).length } : { from: before[k], to: v };
    }
    if (Object.keys(changes).length === 0) return before;
    await repo.updateFinding(q, id, patch);
    await audit.appendAudit(q, actor, 'inspection.finding.updated', { type: FINDING, id }, { ref: before.ref, changes });
    return (await repo.getFinding(q, id))!;
  });
}

export async function transitionFinding(db: Db, actor: Actor, id: string, to: FindingStatus, note?: string | null): Promise<repo.Finding> {
  return db.tx(async (q) => {
    const f = await loadFinding(q, id);
    checkFindingTransition(f.status, to, note);
    const text = note?.trim() ? clean(note) : null;
    await repo.setFindingStatus(q, id, to, actor.name, to === 'resolved' ? text : null);
    // The reason for a step that is not a resolution (reopening, a verification remark) is kept as a follow-up note.
    if (text && to !== 'resolved') await repo.insertFindingNote(q, { id: newId(), findingId: id, authorId: actor.id, authorName: actor.name, body: text });
    await audit.appendAudit(q, actor, 'inspection.finding.status_changed', { type: FINDING, id }, { ref: f.ref, from: f.status, to, note: text });
    return (await repo.getFinding(q, id))!;
  });
}

export async function addFindingNote(db: Db, actor: Actor, id: string, body: string): Promise<repo.FindingNote> {
  const text = clean(body);
  if (!text) throw badRequest('empty_note', 'A note needs some text');
  return db.tx(async (q) => {
    const f = await loadFinding(q, id);
    const note = await repo.insertFindingNote(q, { id: newId(), findingId: id, authorId: actor.id, authorName: actor.name, body: text });
    await audit.appendAudit(q, actor, 'inspection.finding.note_added', { type: FINDING, id }, { ref: f.ref, noteId: note.id, length: text.length });
    return note;
  });
}

export async function linkFindingCase(db: Db, actor: Actor, id: string, caseId: string): Promise<repo.LinkedCase[]> {
  return db.tx(async (q) => {
    const f = await loadFinding(q, id);
    const c = await getCase(q, caseId);
    if (!c) throw notFound('case_not_found', `No case with id '${caseId}'`);
    if (!(await repo.linkCase(q, id, caseId, actor.name))) throw conflict('already_linked', `${c.ref} is already linked to this finding`);
    await audit.appendAudit(q, actor, 'inspection.finding.case_linked', { type: FINDING, id }, { ref: f.ref, caseId, caseRef: c.ref });
    return repo.listLinkedCases(q, id);
  });
}

export async function unlinkFindingCase(db: Db, actor: Actor, id: string, caseId: string): Promise<repo.LinkedCase[]> {
  return db.tx(async (q) => {
    const f = await loadFinding(q, id);
    if (!(await repo.unlinkCase(q, id, caseId))) throw notFound('link_not_found', 'This case is not linked to the finding');
    await audit.appendAudit(q, actor, 'inspection.finding.case_unlinked', { type: FINDING, id }, { ref: f.ref, caseId });
    return repo.listLinkedCases(q, id);
  });
}

export interface FindingDetail {
  finding: repo.Finding;
  answer: repo.Answer | null;
  notes: repo.FindingNote[];
  cases: repo.LinkedCase[];
  history: repo.HistoryEntry[];
}

export async function getFindingDetail(db: Db, id: string): Promise<FindingDetail> {
  const finding = await repo.getFinding(db, id);
  if (!finding) throw notFound('finding_not_found', `No finding with id '${id}'`);
  const [answer, notes, cases, history] = await Promise.all([
    repo.getAnswer(db, finding.roundId, finding.itemId), repo.listFindingNotes(db, id), repo.listLinkedCases(db, id), repo.auditHistory(db, [id]),
  ]);
  return { finding, answer, notes, cases, history };
}

/**
 * The summary for a period and department. CCM readiness is "as of" the period: the
 * latest reviewed round of each department whose period starts no later than the
 * chosen one (a quarter without reviews yet still shows the readiness reached).
 */
export async function summary(db: Db, f: { period?: string; department?: string }, today = kstToday()): Promise<InspectionSummary & { filters: { period?: string; department?: string } }> {
  const period = f.period ? requirePeriod(f.period) : undefined;
  const department = f.department?.trim() || undefined;
  const filters = { period: period?.id, department };
  const [rounds, findings, upTo] = await Promise.all([
    repo.roundTallies(db, filters), repo.findingFacts(db, filters), period ? repo.roundTallies(db, { department }) : Promise.resolve(null),
  ]);
  const s = summarise(rounds, findings, today);
  if (period && upTo) s.ccm = ccmReadiness(upTo.filter((r) => r.periodStart <= period.start));
  return { ...s, filters };
}
