import type { FastifyInstance } from 'fastify';
import { loadEarlyWarningConfig, loadTopicSet, type TopicSet } from '../../analytics/early-warning/index.js';
import type { Severity } from '../../core/types.js';
import * as audit from '../../store/audit.js';
import type { StoredEvent } from '../../store/events.js';
import * as repo from '../../store/vos.js';
import { loadVomConfig, type VomConfig } from '../../vom/config.js';
import { workbook } from '../../core/xlsx.js';
import {
  answerPost, CHANNEL_LABELS, createPost, getPostDetail, hidePost, KIND_LABELS, LIMITS, periodOf, postToCase, STATUS_LABELS, summarizeTopics,
  transitionPost, TRANSITIONS, VOS_CHANNELS, VOS_KINDS, VOS_STATUSES, vosColumns, type PostInput, type ToCaseInput,
} from '../../vos/index.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, historySchema, idString } from '../schemas.js';
import { eventStreamRoute } from '../sse.js';
import { sendWorkbook } from '../download.js';

// 고객의 소리 (voice of customer board): the website posts with a token scoped
// to vos:write; officers read, moderate, answer, hide and turn posts into cases;
// analysts read the topic summary; everything else mirrors the case routes.

const MAX_EXPORT_ROWS = 10_000;
const nullableString = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const;

const hitSchema = {
  type: 'object',
  properties: {
    field: { type: 'string' }, ruleId: { type: 'string' }, category: { type: 'string' }, severity: { type: 'integer' }, start: { type: 'integer' },
    end: { type: 'integer' }, match: { type: 'string' }, term: { type: 'string' }, negated: { type: 'boolean' }, explanation: { type: 'string' },
  },
} as const;

export const vosPostSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, number: { type: 'integer' }, ref: { type: 'string' }, externalId: { type: 'string' },
    channel: { type: 'string', enum: [...VOS_CHANNELS] }, kind: { type: 'string', enum: [...VOS_KINDS] }, title: { type: 'string' }, body: { type: 'string' },
    customerId: { type: ['string', 'null'] }, product: { type: ['string', 'null'] }, postedAt: { type: 'string' }, receivedAt: { type: 'string' },
    status: { type: 'string', enum: [...VOS_STATUSES] }, hiddenReason: { type: ['string', 'null'] }, hiddenBy: { type: ['string', 'null'] },
    hiddenAt: { type: ['string', 'null'] }, answer: { type: ['string', 'null'] }, answeredBy: { type: ['string', 'null'] }, answeredAt: { type: ['string', 'null'] },
    redactions: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, kind: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' } } } },
    hits: { type: 'array', items: hitSchema }, categories: { type: 'array', items: { type: 'string' } },
    severity: { type: 'integer', description: 'Highest severity of the risk hits that were not negated; 0 = not flagged' },
    topics: { type: 'array', items: { type: 'string' } }, ruleSetVersion: { type: 'integer' }, topicSetVersion: { type: 'integer' },
    caseId: { type: ['string', 'null'] }, caseRef: { type: ['string', 'null'] }, caseStatus: { type: ['string', 'null'] },
    createdBy: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

const countsSchema = {
  type: 'object',
  properties: Object.fromEntries(['all', ...VOS_STATUSES, 'flagged'].map((k) => [k, { type: 'integer' }])),
} as const;

/** The filters shared by the list and its Excel export. */
const listQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
    status: { type: 'string', enum: [...VOS_STATUSES] }, kind: { type: 'string', enum: [...VOS_KINDS] }, channel: { type: 'string', enum: [...VOS_CHANNELS] },
    topic: { type: 'string', maxLength: 64 }, flagged: { type: 'boolean' }, category: { type: 'string', maxLength: 64 },
    caseId: { type: 'string', maxLength: 128 }, customerId: { type: 'string', maxLength: 128 }, q: { type: 'string', maxLength: 200 },
    from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' },
  },
} as const;

type ListQuery = Omit<repo.PostFilter, 'limit'> & { limit?: number };

const kindCounts = { type: 'object', properties: Object.fromEntries(VOS_KINDS.map((k) => [k, { type: 'integer' }])) } as const;
const figures = {
  type: 'object',
  properties: { count: { type: 'integer' }, previous: { type: 'integer' }, byKind: kindCounts, series: { type: 'array', items: { type: 'integer' } } },
} as const;
const summarySchema = {
  type: 'object',
  properties: {
    from: { type: 'string' }, to: { type: 'string' }, previousFrom: { type: 'string' }, previousTo: { type: 'string' },
    days: { type: 'array', items: { type: 'string' } }, posts: figures, untagged: { type: 'integer' }, rising: { type: 'array', items: { type: 'string' } },
    topics: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...figures.properties, id: { type: 'string' }, label: { type: 'string' }, labelEn: { type: 'string' },
          change: { type: ['number', 'null'] }, rising: { type: 'boolean' },
        },
      },
    },
  },
} as const;

const idParams = { type: 'object', properties: { id: idString } } as const;

export async function vosRoutes(app: FastifyInstance, ctx: RadarContext, vomConfig: VomConfig = loadVomConfig(), topicSet?: TopicSet): Promise<void> {
  const { db, bus } = ctx;
  // The early-warning topic dictionary (the same file, or RADAR_EARLY_WARNING_TOPICS when set): one list of recurring issues for calls and posts.
  const topics = topicSet ?? loadTopicSet(loadEarlyWarningConfig().topicsFile);
  const topicLabel = (id: string) => topics.topics.find((t) => t.id === id)?.label ?? id;
  const read = requirePermission('vos:read');
  const moderate = requirePermission('vos:moderate');

  const publish = (events: StoredEvent[]) => {
    for (const e of events) bus.publish({ seq: e.seq, type: e.type, callId: null, payload: e.payload });
  };

  app.get('/api/vos/settings', {
    preHandler: read,
    schema: { tags: ['vos'], summary: 'Channels, kinds, statuses with their allowed next statuses, the topic dictionary and text limits' },
  }, async () => ({
    channels: VOS_CHANNELS.map((id) => ({ id, ...CHANNEL_LABELS[id] })),
    kinds: VOS_KINDS.map((id) => ({ id, ...KIND_LABELS[id] })),
    statuses: VOS_STATUSES.map((id) => ({ id, ...STATUS_LABELS[id], next: TRANSITIONS[id] })),
    topics: topics.topics.map((t) => ({ id: t.id, label: t.label, labelEn: t.labelEn })),
    topicSetVersion: topics.version,
    ruleSetVersion: ctx.engine().version,
    limits: LIMITS,
  }));

  eventStreamRoute(app, {
    path: '/api/vos/stream', tag: 'vos', preHandler: read, db, bus, metrics: ctx.metrics,
    summary: 'Board changes as Server-Sent Events (vos.post.created, .status_changed, .answered, .hidden); resume with Last-Event-ID',
    wanted: (type) => type.startsWith('vos.'),
  });

  app.post<{ Body: PostInput }>('/api/vos/posts', {
    preHandler: requirePermission('vos:write'),
    schema: {
      tags: ['vos'],
      summary: 'A customer\'s post from the website/app: personal data redacted, risk flagged by the live rule set, topics tagged. 201 when stored; 200 with the stored post when the externalId is already known (nothing changes)',
      body: {
        type: 'object', required: ['externalId', 'channel', 'kind', 'title', 'body'], additionalProperties: false,
        properties: {
          externalId: idString, channel: { type: 'string', enum: [...VOS_CHANNELS] }, kind: { type: 'string', enum: [...VOS_KINDS] },
          title: { type: 'string', minLength: 1, maxLength: LIMITS.title + 100 }, body: { type: 'string', minLength: 1, maxLength: LIMITS.body + 1000 },
          customerId: nullableString(128), product: nullableString(100), createdAt: { type: 'string', format: 'date-time' },
        },
      },
      response: { 200: vosPostSchema, 201: vosPostSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const res = await createPost(db, ctx.engine(), topics, actorOf(req.principal), req.body);
    publish(res.events);
    reply.code(res.created ? 201 : 200);
    return res.post;
  });

  app.get<{ Querystring: ListQuery }>('/api/vos/posts', {
    preHandler: read,
    schema: {
      tags: ['vos'], summary: 'The board, newest first, with counts per status for the same filters', querystring: listQuery,
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: vosPostSchema }, total: { type: 'integer' }, counts: countsSchema } }, ...errorResponses },
    },
  }, async (req) => repo.listPosts(db, { ...req.query, limit: req.query.limit ?? 50 }));

  app.get<{ Querystring: ListQuery }>('/api/vos/export.xlsx', {
    preHandler: read,
    schema: {
      tags: ['vos', 'export'], summary: 'The board as an Excel workbook (filters as GET /api/vos/posts)',
      querystring: { ...listQuery, properties: { ...listQuery.properties, limit: { type: 'integer', minimum: 1, maximum: MAX_EXPORT_ROWS, default: MAX_EXPORT_ROWS } } },
      response: { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const { items } = await repo.listPosts(db, { ...req.query, limit: req.query.limit ?? MAX_EXPORT_ROWS });
    const actor = actorOf(req.principal);
    const buf = await workbook('고객의 소리', vosColumns(topicLabel), items, { by: actor.name, filters: req.query });
    await audit.appendAudit(db, actor, 'export.vos', { type: 'export' }, { rows: items.length, filters: req.query });
    return sendWorkbook(reply, 'radar-vos', '고객의소리', buf);
  });

  app.get<{ Querystring: { from?: string; to?: string } }>('/api/vos/topics/summary', {
    preHandler: read,
    schema: {
      tags: ['vos'],
      summary: 'Posts per recurring topic and kind over a period of days (KST, default the last 30), per day, against the period of the same length before; rising topics',
      querystring: { type: 'object', additionalProperties: false, properties: { from: { type: 'string', maxLength: 10 }, to: { type: 'string', maxLength: 10 } } },
      response: { 200: summarySchema, ...errorResponses },
    },
  }, async (req) => {
    const period = periodOf(req.query.from, req.query.to, Date.now());
    return summarizeTopics(period, await repo.topicCounts(db, period.startMs, period.endMs), topics.topics);
  });

  app.get<{ Params: { id: string } }>('/api/vos/posts/:id', {
    preHandler: read,
    schema: {
      tags: ['vos'], summary: 'One post (redacted as stored) with its risk hits, topics, answer, linked case and history',
      params: idParams,
      response: { 200: { type: 'object', properties: { post: vosPostSchema, history: { type: 'array', items: historySchema } } }, ...errorResponses },
    },
  }, async (req) => getPostDetail(db, req.params.id));

  app.post<{ Params: { id: string }; Body: { to: 'in_review' | 'received' } }>('/api/vos/posts/:id/transition', {
    preHandler: moderate,
    schema: {
      tags: ['vos'], summary: 'Start review (접수 → 검토 중), put back (검토 중 → 접수), or bring a hidden post back to review; other moves answer 409 invalid_transition',
      params: idParams,
      body: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string', enum: ['in_review', 'received'] } } },
      response: { 200: vosPostSchema, ...errorResponses },
    },
  }, async (req) => {
    const { post, events } = await transitionPost(db, actorOf(req.principal), req.params.id, req.body.to);
    publish(events);
    return post;
  });

  app.post<{ Params: { id: string }; Body: { answer: string } }>('/api/vos/posts/:id/answer', {
    preHandler: moderate,
    schema: {
      tags: ['vos'], summary: 'Answer a post in review (→ 답변 완료); the reply goes to the website as vos.post.answered',
      params: idParams,
      body: { type: 'object', required: ['answer'], additionalProperties: false, properties: { answer: { type: 'string', minLength: 1, maxLength: LIMITS.answer + 500 } } },
      response: { 200: vosPostSchema, ...errorResponses },
    },
  }, async (req) => {
    const { post, events } = await answerPost(db, actorOf(req.principal), req.params.id, req.body.answer);
    publish(events);
    return post;
  });

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/vos/posts/:id/hide', {
    preHandler: moderate,
    schema: {
      tags: ['vos'], summary: '비공개 처리 (hide from the website) with a reason; goes out as vos.post.hidden',
      params: idParams,
      body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', maxLength: LIMITS.reason + 100 } } },
      response: { 200: vosPostSchema, ...errorResponses },
    },
  }, async (req) => {
    const { post, events } = await hidePost(db, actorOf(req.principal), req.params.id, req.body.reason);
    publish(events);
    return post;
  });

  app.post<{ Params: { id: string }; Body: ToCaseInput }>('/api/vos/posts/:id/case', {
    preHandler: [moderate, requirePermission('cases:write')],
    schema: {
      tags: ['vos'],
      summary: '민원 사례로 전환: open a complaint case from the post (201), or link it to an existing open case with caseId (200)',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          caseId: idString, title: { type: 'string', maxLength: 200 }, severity: { type: 'integer', minimum: 1, maximum: 5 },
          assigneeId: { anyOf: [idString, { type: 'null' }] },
        },
      },
      response: {
        200: { type: 'object', properties: { post: vosPostSchema, caseId: { type: 'string' }, caseRef: { type: 'string' }, createdCase: { type: 'boolean' } } },
        201: { type: 'object', properties: { post: vosPostSchema, caseId: { type: 'string' }, caseRef: { type: 'string' }, createdCase: { type: 'boolean' } } },
        ...errorResponses,
      },
    },
  }, async (req, reply) => {
    const res = await postToCase(db, vomConfig, actorOf(req.principal), req.params.id, { ...(req.body ?? {}), severity: req.body?.severity as Severity | undefined });
    publish(res.events);
    reply.code(res.createdCase ? 201 : 200);
    return { post: res.post, caseId: res.caseId, caseRef: res.caseRef, createdCase: res.createdCase };
  });
}
