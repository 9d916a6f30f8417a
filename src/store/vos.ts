import type { Actor } from './audit.js';
import { likePattern } from './cases.js';
import type { Queryable, Row } from './db.js';
import { appendHistory, isoOrNull as iso, jsonValue as json, listHistory, type HistoryEvent } from './rows.js';
import { caseRef } from '../vom/workflow.js';
import { postRef, type PostHit, type PostRedaction, type VosChannel, type VosKind, type VosStatus } from '../vos/model.js';
import { ALL_POSTS, NO_TOPIC, type CountRow } from '../vos/topics.js';

// Storage of the voice-of-customer board (migration 013): posts and their
// history. Plain SQL; the rules live in src/vos.

export interface VosPost {
  id: string;
  number: number;
  ref: string;
  externalId: string;
  channel: VosChannel;
  kind: VosKind;
  title: string;
  body: string;
  customerId: string | null;
  product: string | null;
  postedAt: string;
  receivedAt: string;
  status: VosStatus;
  hiddenReason: string | null;
  hiddenBy: string | null;
  hiddenAt: string | null;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
  redactions: PostRedaction[];
  hits: PostHit[];
  categories: string[];
  /** Highest severity of the post's risk hits; 0 = not flagged. */
  severity: number;
  topics: string[];
  ruleSetVersion: number;
  topicSetVersion: number;
  caseId: string | null;
  caseRef: string | null;
  caseStatus: string | null;
  createdBy: string;
  updatedAt: string;
}

const POST_SELECT = `
  SELECT p.*, k.number AS case_number, k.status AS case_status
  FROM vos_posts p LEFT JOIN cases k ON k.id = p.case_id`;

export const toPost = (r: Row): VosPost => ({
  id: r.id, number: Number(r.number), ref: postRef(Number(r.number)), externalId: r.external_id, channel: r.channel, kind: r.kind,
  title: r.title, body: r.body, customerId: r.customer_id, product: r.product, postedAt: iso(r.posted_at)!, receivedAt: iso(r.received_at)!,
  status: r.status, hiddenReason: r.hidden_reason, hiddenBy: r.hidden_by, hiddenAt: iso(r.hidden_at),
  answer: r.answer, answeredBy: r.answered_by, answeredAt: iso(r.answered_at),
  redactions: json(r.redactions), hits: json(r.risk_hits), categories: r.risk_categories ?? [], severity: Number(r.risk_severity),
  topics: r.topics ?? [], ruleSetVersion: r.rule_set_version, topicSetVersion: r.topic_set_version,
  caseId: r.case_id, caseRef: r.case_number === null || r.case_number === undefined ? null : caseRef(Number(r.case_number)), caseStatus: r.case_status ?? null,
  createdBy: r.created_by, updatedAt: iso(r.updated_at)!,
});

export interface NewPost {
  id: string;
  externalId: string;
  channel: VosChannel;
  kind: VosKind;
  title: string;
  body: string;
  customerId: string | null;
  product: string | null;
  postedAt: string;
  redactions: PostRedaction[];
  hits: PostHit[];
  categories: string[];
  severity: number;
  topics: string[];
  ruleSetVersion: number;
  topicSetVersion: number;
  createdBy: string;
}

/** Inserts the post unless its external id is known; returns null then (the caller reads the stored one). */
export async function insertPost(q: Queryable, p: NewPost): Promise<VosPost | null> {
  const rows = await q.query(
    `INSERT INTO vos_posts (id, external_id, channel, kind, title, body, customer_id, product, posted_at, redactions, risk_hits,
       risk_categories, risk_severity, topics, rule_set_version, topic_set_version, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text[], $13, $14::text[], $15, $16, $17)
     ON CONFLICT (external_id) DO NOTHING RETURNING id`,
    [p.id, p.externalId, p.channel, p.kind, p.title, p.body, p.customerId, p.product, p.postedAt, JSON.stringify(p.redactions),
      JSON.stringify(p.hits), p.categories, p.severity, p.topics, p.ruleSetVersion, p.topicSetVersion, p.createdBy],
  );
  return rows[0] ? getPost(q, p.id) : null;
}

export async function getPost(q: Queryable, id: string, forUpdate = false): Promise<VosPost | null> {
  if (forUpdate) await q.query('SELECT 1 FROM vos_posts WHERE id = $1 FOR UPDATE', [id]);
  const rows = await q.query(`${POST_SELECT} WHERE p.id = $1`, [id]);
  return rows[0] ? toPost(rows[0]) : null;
}

export async function getPostByExternalId(q: Queryable, externalId: string): Promise<VosPost | null> {
  const rows = await q.query(`${POST_SELECT} WHERE p.external_id = $1`, [externalId]);
  return rows[0] ? toPost(rows[0]) : null;
}

export interface PostFilter {
  limit: number;
  offset?: number;
  status?: VosStatus;
  kind?: VosKind;
  channel?: VosChannel;
  topic?: string;
  /** true = flagged by the rule set (severity > 0), false = not flagged. */
  flagged?: boolean;
  category?: string;
  caseId?: string;
  customerId?: string;
  q?: string;
  from?: string;
  to?: string;
}

/** The WHERE clause of the list, its export and its counts; parameters numbered after `first` ones the caller uses. */
function where(f: Omit<PostFilter, 'limit' | 'offset'>, withStatus: boolean, first: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const conds: string[] = [];
  const add = (value: unknown, cond: (ph: string) => string) => {
    if (value === undefined || value === null) return;
    params.push(value);
    conds.push(cond(`$${first + params.length}`));
  };
  if (withStatus) add(f.status, (v) => `p.status = ${v}`);
  add(f.kind, (v) => `p.kind = ${v}`);
  add(f.channel, (v) => `p.channel = ${v}`);
  add(f.topic, (v) => `${v} = ANY (p.topics)`);
  add(f.flagged, (v) => `(p.risk_severity > 0) = ${v}::boolean`);
  add(f.category, (v) => `${v} = ANY (p.risk_categories)`);
  add(f.caseId, (v) => `p.case_id = ${v}`);
  add(f.customerId, (v) => `p.customer_id = ${v}`);
  add(f.q ? likePattern(f.q) : undefined, (v) => `(p.title ILIKE ${v} OR p.body ILIKE ${v} OR p.answer ILIKE ${v} OR p.external_id ILIKE ${v}
         OR p.customer_id ILIKE ${v} OR p.product ILIKE ${v} OR ('VOS-' || lpad(p.number::text, 6, '0')) ILIKE ${v})`);
  add(f.from, (v) => `p.posted_at >= ${v}::timestamptz`);
  add(f.to, (v) => `p.posted_at < ${v}::timestamptz`);
  return { sql: conds.length ? conds.join(' AND ') : 'true', params };
}

/** Newest first; the counts per status are those of the same filters without the status (the board's tabs). */
export async function listPosts(q: Queryable, f: PostFilter): Promise<{ items: VosPost[]; total: number; counts: Record<string, number> }> {
  const w = where(f, true, 2);
  const rows = await q.query(
    `SELECT x.*, count(*) OVER () AS total FROM (${POST_SELECT} WHERE ${w.sql}) x ORDER BY x.posted_at DESC, x.number DESC LIMIT $1 OFFSET $2`,
    [f.limit, f.offset ?? 0, ...w.params],
  );
  const all = where(f, false, 0);
  const [c] = await q.query(
    `SELECT count(*)::int AS all, count(*) FILTER (WHERE p.status = 'received')::int AS received,
       count(*) FILTER (WHERE p.status = 'in_review')::int AS in_review, count(*) FILTER (WHERE p.status = 'answered')::int AS answered,
       count(*) FILTER (WHERE p.status = 'hidden')::int AS hidden, count(*) FILTER (WHERE p.risk_severity > 0)::int AS flagged
     FROM vos_posts p WHERE ${all.sql}`,
    all.params,
  );
  return { items: rows.map(toPost), total: Number(rows[0]?.total ?? 0), counts: c };
}

export interface PostPatch {
  status?: VosStatus;
  hiddenReason?: string | null;
  hiddenBy?: string | null;
  answer?: string;
  answeredBy?: string;
  caseId?: string;
}

/** Applies a moderation change (undefined = unchanged) and stamps its time. */
export async function updatePost(q: Queryable, id: string, p: PostPatch): Promise<VosPost> {
  const has = (k: keyof PostPatch) => p[k] !== undefined;
  await q.query(
    `UPDATE vos_posts SET
       status = CASE WHEN $2 THEN $3 ELSE status END,
       hidden_reason = CASE WHEN $4 THEN $5 ELSE hidden_reason END,
       hidden_by = CASE WHEN $4 THEN $6 ELSE hidden_by END,
       hidden_at = CASE WHEN $4 AND $5::text IS NOT NULL THEN now() WHEN $4 THEN NULL ELSE hidden_at END,
       answer = CASE WHEN $7 THEN $8 ELSE answer END,
       answered_by = CASE WHEN $7 THEN $9 ELSE answered_by END,
       answered_at = CASE WHEN $7 THEN now() ELSE answered_at END,
       case_id = CASE WHEN $10 THEN $11 ELSE case_id END,
       updated_at = now()
     WHERE id = $1`,
    [id, has('status'), p.status ?? null, has('hiddenReason'), p.hiddenReason ?? null, p.hiddenBy ?? null,
      has('answer'), p.answer ?? null, p.answeredBy ?? null, has('caseId'), p.caseId ?? null],
  );
  return (await getPost(q, id))!;
}

export type PostEvent = HistoryEvent;

export const appendPostEvent = (q: Queryable, postId: string, actor: Actor, type: string, details: Record<string, unknown> = {}) =>
  appendHistory(q, 'vos_post_events', postId, actor, type, details);

export const listPostEvents = (q: Queryable, postId: string): Promise<PostEvent[]> => listHistory(q, 'vos_post_events', postId);

/**
 * Posts per KST day and kind in [startMs, endMs): per topic, all posts
 * (topicId ALL_POSTS) and posts without a topic (NO_TOPIC) — the rows
 * summarizeTopics reads.
 */
export async function topicCounts(q: Queryable, startMs: number, endMs: number): Promise<CountRow[]> {
  const rows = await q.query(
    `WITH p AS (
       SELECT kind, topics, to_char((posted_at AT TIME ZONE 'Asia/Seoul')::date, 'YYYY-MM-DD') AS day
       FROM vos_posts WHERE posted_at >= $1 AND posted_at < $2
     )
     SELECT day, kind, t AS topic_id, count(*)::int AS n FROM p, unnest(p.topics) t GROUP BY 1, 2, 3
     UNION ALL SELECT day, kind, $3, count(*)::int FROM p GROUP BY 1, 2
     UNION ALL SELECT day, kind, $4, count(*)::int FROM p WHERE cardinality(topics) = 0 GROUP BY 1, 2`,
    [new Date(startMs).toISOString(), new Date(endMs).toISOString(), ALL_POSTS, NO_TOPIC],
  );
  return rows.map((r) => ({ day: r.day, kind: r.kind, topicId: r.topic_id, n: r.n }));
}
