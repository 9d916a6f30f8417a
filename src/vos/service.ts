import { badRequest, conflict, notFound } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Severity } from '../core/types.js';
import type { DetectionEngine } from '../detect/types.js';
import type { TopicSet } from '../analytics/early-warning/index.js';
import { redact } from '../privacy/redact.js';
import * as audit from '../store/audit.js';
import type { Actor } from '../store/audit.js';
import * as casesRepo from '../store/cases.js';
import type { Db, Queryable } from '../store/db.js';
import * as eventsRepo from '../store/events.js';
import type { StoredEvent } from '../store/events.js';
import * as repo from '../store/vos.js';
import type { VosPost } from '../store/vos.js';
import { caseSummary } from '../vom/cases.js';
import type { VomConfig } from '../vom/config.js';
import { dueDate, OPEN_STATUSES } from '../vom/workflow.js';
import { analysePost } from './analyse.js';
import { CHANNEL_LABELS, checkPostInput, checkText, checkTransition, KIND_LABELS, LIMITS, type PostInput, type VosStatus } from './model.js';

// Board operations. Each change is one transaction holding the change, its
// history row, its audit entry and, where the website must hear of it, an
// outbox event (`vos.post.*`, delivered like alerts and cases); events are
// returned so the route publishes them on the bus after commit.

export const VOS_EVENT_TYPES = ['vos.post.created', 'vos.post.status_changed', 'vos.post.answered', 'vos.post.hidden'] as const;

export interface PostChange {
  post: VosPost;
  events: StoredEvent[];
}

/**
 * What an event tells receivers (the website shows the reply from it). Top-level
 * `severity`/`categories` let subscriptions filter these events like alerts
 * (src/delivery/match.ts looks there); `title` gives chat summaries a line.
 */
export function postEventPayload(p: VosPost, extra: Record<string, unknown>) {
  return {
    post: {
      id: p.id, ref: p.ref, externalId: p.externalId, channel: p.channel, kind: p.kind, title: p.title, status: p.status,
      customerId: p.customerId, product: p.product, postedAt: p.postedAt, categories: p.categories, severity: p.severity, topics: p.topics,
      answer: p.answer, answeredAt: p.answeredAt, caseId: p.caseId, caseRef: p.caseRef, updatedAt: p.updatedAt,
    },
    title: p.title, severity: p.severity, categories: p.categories, ...extra,
  };
}

async function record(q: Queryable, actor: Actor, p: VosPost, type: string, details: Record<string, unknown>, eventType: string | null, out: StoredEvent[]) {
  await repo.appendPostEvent(q, p.id, actor, type, details);
  await audit.appendAudit(q, actor, `vos.post.${type}`, { type: 'vos_post', id: p.id }, { ref: p.ref, ...details });
  if (eventType) out.push(await eventsRepo.appendEvent(q, eventType, p.id, postEventPayload(p, { change: type, details, by: actor.name })));
}

export interface CreateResult extends PostChange {
  /** false: the external id was known; the stored post is returned unchanged. */
  created: boolean;
}

/**
 * Stores a customer's post: validated, redacted, run through the live rule set
 * and the topic dictionary. Idempotent on the external id: a repeat answers
 * with the stored post and changes nothing (not even when its content differs —
 * the first version is the record).
 */
export async function createPost(db: Db, engine: DetectionEngine, topics: TopicSet, actor: Actor, input: PostInput, now = Date.now()): Promise<CreateResult> {
  const known = await repo.getPostByExternalId(db, input.externalId);
  if (known) return { post: known, events: [], created: false };
  const clean = checkPostInput(input, now);
  const a = analysePost(engine, topics, { key: `vos:${clean.externalId}`, title: clean.title, body: clean.body, at: Date.parse(clean.createdAt) });
  return db.tx(async (q) => {
    const inserted = await repo.insertPost(q, {
      id: newId(), externalId: clean.externalId, channel: clean.channel, kind: clean.kind, title: a.title, body: a.body,
      customerId: clean.customerId, product: clean.product ? redact(clean.product).text : null, postedAt: clean.createdAt,
      redactions: a.redactions, hits: a.hits, categories: a.categories, severity: a.severity, topics: a.topics,
      ruleSetVersion: a.ruleSetVersion, topicSetVersion: a.topicSetVersion, createdBy: actor.name,
    });
    // A concurrent request with the same external id won the insert: answer with its post.
    if (!inserted) return { post: (await repo.getPostByExternalId(q, clean.externalId))!, events: [], created: false };
    const events: StoredEvent[] = [];
    await record(q, actor, inserted, 'created', {
      externalId: inserted.externalId, channel: inserted.channel, kind: inserted.kind, categories: inserted.categories,
      severity: inserted.severity, topics: inserted.topics, redactions: inserted.redactions.length,
    }, 'vos.post.created', events);
    return { post: inserted, events, created: true };
  });
}

async function loadForChange(q: Queryable, id: string): Promise<VosPost> {
  const p = await repo.getPost(q, id, true);
  if (!p) throw notFound('vos_post_not_found', `No post with id '${id}'`);
  return p;
}

/** Review and its undo, and bringing a hidden post back to review. Answering and hiding have their own functions. */
export async function transitionPost(db: Db, actor: Actor, id: string, to: Extract<VosStatus, 'in_review' | 'received'>): Promise<PostChange> {
  return db.tx(async (q) => {
    const before = await loadForChange(q, id);
    checkTransition(before.status, to);
    // Leaving 비공개 clears the reason: it explained a state the post is no longer in (the history keeps it).
    const after = await repo.updatePost(q, id, { status: to, ...(before.status === 'hidden' ? { hiddenReason: null, hiddenBy: null } : {}) });
    const events: StoredEvent[] = [];
    await record(q, actor, after, 'status_changed', { from: before.status, to }, 'vos.post.status_changed', events);
    return { post: after, events };
  });
}

/** The reply the website shows under the post; the post becomes 답변 완료. Redacted like the post. */
export async function answerPost(db: Db, actor: Actor, id: string, answer: string): Promise<PostChange> {
  const text = redact(checkText('answer', answer, LIMITS.answer)).text;
  return db.tx(async (q) => {
    const before = await loadForChange(q, id);
    checkTransition(before.status, 'answered');
    const after = await repo.updatePost(q, id, { status: 'answered', answer: text, answeredBy: actor.name });
    const events: StoredEvent[] = [];
    await record(q, actor, after, 'answered', { from: before.status, to: 'answered', length: text.length }, 'vos.post.answered', events);
    return { post: after, events };
  });
}

/** 비공개 처리: the website stops showing the post. A reason is required (400 `reason_required`). */
export async function hidePost(db: Db, actor: Actor, id: string, reason: string): Promise<PostChange> {
  if (!reason?.trim()) throw badRequest('reason_required', 'Hiding a post needs a reason', { field: 'reason' });
  const text = redact(checkText('reason', reason, LIMITS.reason)).text;
  return db.tx(async (q) => {
    const before = await loadForChange(q, id);
    checkTransition(before.status, 'hidden');
    const after = await repo.updatePost(q, id, { status: 'hidden', hiddenReason: text, hiddenBy: actor.name });
    const events: StoredEvent[] = [];
    await record(q, actor, after, 'hidden', { from: before.status, to: 'hidden', reason: text }, 'vos.post.hidden', events);
    return { post: after, events };
  });
}

export interface ToCaseInput {
  /** Link to this existing case instead of opening one. */
  caseId?: string;
  title?: string;
  severity?: Severity;
  assigneeId?: string | null;
}

export interface ToCaseResult extends PostChange {
  caseId: string;
  caseRef: string;
  /** false: linked to an existing case. */
  createdCase: boolean;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The case's text: the post as stored (redacted) with where it came from. */
export function caseDescription(p: VosPost): string {
  return [
    `고객의 소리 ${p.ref} (${CHANNEL_LABELS[p.channel].ko} · ${KIND_LABELS[p.kind].ko}) — /vos/${p.id}`,
    `작성 ${p.postedAt}${p.customerId ? ` · 고객 ${p.customerId}` : ''}${p.product ? ` · 상품 ${p.product}` : ''}`,
    '', p.title, '', p.body,
  ].join('\n');
}

/**
 * 민원 사례로 전환: opens a complaint case from the post, or links it to an
 * existing open case. One transaction: the case (with its history, audit entry
 * and `case.created`/`case.linked` event, as the case module writes them), the
 * post's link, its history and audit entry. The case's history names the post
 * (`linked`, kind `vos_post`), so the case screen shows where it came from.
 */
export async function postToCase(db: Db, cfg: VomConfig, actor: Actor, id: string, input: ToCaseInput): Promise<ToCaseResult> {
  return db.tx(async (q) => {
    const p = await loadForChange(q, id);
    if (p.caseId) throw conflict('post_already_linked', `This post is already linked to ${p.caseRef ?? p.caseId}`, { caseId: p.caseId, caseRef: p.caseRef });
    if (input.assigneeId && !(await casesRepo.userExists(q, input.assigneeId))) throw badRequest('assignee_not_found', `No active user with id '${input.assigneeId}'`);
    const events: StoredEvent[] = [];
    let target: casesRepo.Case;
    let createdCase = false;
    if (input.caseId) {
      const existing = await casesRepo.getCase(q, input.caseId, true);
      if (!existing) throw notFound('case_not_found', `No case with id '${input.caseId}'`);
      if (!OPEN_STATUSES.includes(existing.status)) throw conflict('case_not_open', `${existing.ref} is ${existing.status}; link the post to an open case`, { status: existing.status });
      target = existing;
    } else {
      const severity = (input.severity ?? Math.max(p.severity, 2)) as Severity;
      const category = p.categories.length ? [...p.hits].filter((h) => !h.negated).sort((a, b) => b.severity - a.severity)[0]!.category : null;
      const prior = p.customerId && category ? await casesRepo.findRecentCase(q, p.customerId, category, new Date().toISOString(), cfg.repeatWindowDays) : null;
      target = await casesRepo.insertCase(q, {
        id: newId(), title: clip(input.title?.trim() || `[고객의 소리] ${p.title}`, 200), description: caseDescription(p), category, severity,
        customerId: p.customerId, assigneeId: input.assigneeId ?? null, status: input.assigneeId ? 'assigned' : 'received',
        dueAt: dueDate(severity, new Date(), cfg.slaDays).toISOString(), source: 'manual', repeatOf: prior?.id ?? null, createdBy: actor.name,
      });
      createdCase = true;
      await caseChange(q, actor, target, 'created', {
        source: 'vos', postId: p.id, postRef: p.ref, severity, category, dueAt: target.dueAt, assigneeId: target.assigneeId,
        ...(prior ? { repeatOf: prior.id, repeatOfRef: prior.ref } : {}),
      }, events);
    }
    await casesRepo.touchCase(q, target.id);
    await caseChange(q, actor, target, 'linked', { kind: 'vos_post', targetId: p.id, ref: p.ref }, events);
    const after = await repo.updatePost(q, p.id, { caseId: target.id });
    await record(q, actor, after, 'case_linked', { caseId: target.id, caseRef: target.ref, createdCase }, null, events);
    return { post: after, events, caseId: target.id, caseRef: target.ref, createdCase };
  });
}

/** A case's history row, audit entry and outbox event, shaped as src/vom/cases.ts writes its own. */
async function caseChange(q: Queryable, actor: Actor, c: casesRepo.Case, type: string, details: Record<string, unknown>, out: StoredEvent[]) {
  await casesRepo.appendCaseEvent(q, c.id, actor, type, details);
  await audit.appendAudit(q, actor, `case.${type}`, { type: 'case', id: c.id }, { ref: c.ref, ...details });
  const now = (await casesRepo.getCase(q, c.id)) ?? c;
  out.push(await eventsRepo.appendEvent(q, `case.${type}`, c.id, { case: caseSummary(now), change: type, details, by: actor.name }));
}

export interface PostDetail {
  post: VosPost;
  history: repo.PostEvent[];
}

export async function getPostDetail(db: Db, id: string): Promise<PostDetail> {
  const post = await repo.getPost(db, id);
  if (!post) throw notFound('vos_post_not_found', `No post with id '${id}'`);
  return { post, history: await repo.listPostEvents(db, id) };
}
