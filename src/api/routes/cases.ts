import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../core/errors.js';
import type { Severity } from '../../core/types.js';
import * as casesRepo from '../../store/cases.js';
import * as callsRepo from '../../store/calls.js';
import type { StoredEvent } from '../../store/events.js';
import { eventStreamRoute } from '../sse.js';
import * as vom from '../../vom/cases.js';
import { loadVomConfig, type VomConfig } from '../../vom/config.js';
import { startRepeatContactLinker, type RepeatLinker } from '../../vom/repeat-linker.js';
import { CASE_STATUSES, STATUS_LABELS, TRANSITIONS, type CaseStatus } from '../../vom/workflow.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { alertSchema, callSchema, errorResponses, historySchema, idString } from '../schemas.js';
import { sendDownload } from '../download.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The repeat-contact linker started with the case routes (tests wait on it). */
    repeatLinker?: RepeatLinker;
  }
}

export const caseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, number: { type: 'integer' }, ref: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' },
    status: { type: 'string', enum: [...CASE_STATUSES] }, statusReason: { type: ['string', 'null'] }, category: { type: ['string', 'null'] },
    severity: { type: 'integer' }, customerId: { type: ['string', 'null'] }, assigneeId: { type: ['string', 'null'] },
    assigneeName: { type: ['string', 'null'] }, dueAt: { type: 'string' }, overdue: { type: 'boolean' }, source: { type: 'string' },
    repeatCount: { type: 'integer' }, repeatOf: { type: ['string', 'null'] }, repeat: { type: 'boolean' }, lastContactAt: { type: 'string' },
    createdBy: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
    resolvedAt: { type: ['string', 'null'] }, closedAt: { type: ['string', 'null'] }, alertCount: { type: 'integer' }, callCount: { type: 'integer' },
  },
} as const;

const noteSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, authorId: { type: ['string', 'null'] }, authorName: { type: 'string' }, body: { type: 'string' }, createdAt: { type: 'string' } },
} as const;

const attachmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, filename: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' },
    sha256: { type: 'string' }, uploadedBy: { type: 'string' }, createdAt: { type: 'string' },
  },
} as const;

const severity = { type: 'integer', minimum: 1, maximum: 5 } as const;
const shortText = (max: number) => ({ type: 'string', maxLength: max }) as const;
const nullableId = { anyOf: [idString, { type: 'null' }] } as const;

/** The filters shared by GET /api/cases and its Excel export. */
export const caseListQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
    status: { type: 'string', enum: [...CASE_STATUSES] }, open: { type: 'boolean' }, category: { type: 'string', maxLength: 64 },
    minSeverity: severity, assigneeId: { type: 'string', maxLength: 128 }, customerId: { type: 'string', maxLength: 128 },
    overdue: { type: 'boolean' }, repeat: { type: 'boolean' }, q: { type: 'string', maxLength: 200 },
    from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' },
  },
} as const;

export type CaseListQuery = Omit<casesRepo.CaseFilter, 'limit'> & { limit?: number };

/** The create-case body is the domain's input as is. */
type CaseBody = vom.CaseInput;

// Attachments travel as base64 in JSON: one body format for the whole API, and
// a size check before anything is decoded. The route's body limit allows the
// configured maximum plus base64's 4/3 overhead.
const base64Limit = (bytes: number) => Math.ceil(bytes / 3) * 4 + 4096;

export async function caseRoutes(app: FastifyInstance, ctx: RadarContext, vomConfig: VomConfig = loadVomConfig()) {
  const { db, bus, pipeline } = ctx;
  const read = requirePermission('cases:read');
  const write = requirePermission('cases:write');

  const publish = (events: StoredEvent[]) => {
    for (const e of events) {
      const callId = (e.payload as { alert?: { callId?: string } }).alert?.callId ?? null;
      if (callId) pipeline.forget(callId);
      bus.publish({ seq: e.seq, type: e.type, callId, payload: e.payload });
    }
  };

  const linker = startRepeatContactLinker({ db, bus, log: ctx.log, config: vomConfig });
  app.decorate('repeatLinker', linker);
  app.addHook('onClose', async () => linker.stop());

  app.get('/api/cases/settings', {
    preHandler: read,
    schema: { tags: ['cases'], summary: 'Workflow, SLA days per severity, repeat window and attachment limit' },
  }, async () => ({
    statuses: CASE_STATUSES.map((s) => ({ id: s, ...STATUS_LABELS[s], next: TRANSITIONS[s] })),
    slaDays: vomConfig.slaDays,
    repeatWindowDays: vomConfig.repeatWindowDays,
    maxAttachmentBytes: vomConfig.maxAttachmentBytes,
  }));

  eventStreamRoute(app, {
    path: '/api/cases/stream', tag: 'cases', preHandler: read, db, bus, metrics: ctx.metrics,
    summary: 'Case changes as Server-Sent Events (case.created, case.updated, case.status_changed, …); resume with Last-Event-ID',
    wanted: (type) => type.startsWith('case.'),
  });

  app.get('/api/cases/assignees', {
    preHandler: read,
    schema: { tags: ['cases'], summary: 'Users who can own a case (officers, supervisors, admins)' },
  }, async () => ({ items: await casesRepo.listAssignees(db) }));

  app.get<{ Querystring: CaseListQuery }>('/api/cases', {
    preHandler: read,
    schema: {
      tags: ['cases'], summary: 'List complaint cases (overdue first, then by due date)', querystring: caseListQuery,
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: caseSchema }, total: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => casesRepo.listCases(db, { ...req.query, limit: req.query.limit ?? 50 }));

  app.post<{ Body: CaseBody }>('/api/cases', {
    preHandler: write,
    schema: {
      tags: ['cases'], summary: 'Open a case by hand (status 접수, or 배정 with an assignee); due date from the SLA unless given',
      body: {
        type: 'object', required: ['title', 'severity'], additionalProperties: false,
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 200 }, description: shortText(20_000),
          category: { type: ['string', 'null'], maxLength: 64 }, severity, customerId: { type: ['string', 'null'], maxLength: 128 },
          assigneeId: nullableId, dueAt: { type: 'string', format: 'date-time' },
          callIds: { type: 'array', items: idString, maxItems: 50 },
        },
      },
      response: { 201: caseSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    if (!req.body.title.trim()) throw badRequest('title_required', 'A case needs a title');
    const { case: c, events } = await vom.createCase(db, vomConfig, actorOf(req.principal), req.body);
    publish(events);
    reply.code(201);
    return c;
  });

  app.post<{ Body: { alertId: string; title?: string; description?: string; assigneeId?: string | null; note?: string } }>('/api/cases/from-alert', {
    preHandler: [write, requirePermission('alerts:triage')],
    schema: {
      tags: ['cases'],
      summary: 'Escalate an alert to a case in one step; a repeat contact joins the open case of the same customer and category',
      body: {
        type: 'object', required: ['alertId'], additionalProperties: false,
        properties: {
          alertId: idString, title: { type: 'string', maxLength: 200 }, description: shortText(20_000),
          assigneeId: nullableId, note: shortText(10_000),
        },
      },
      response: {
        201: { type: 'object', properties: { case: caseSchema, linkedToExisting: { type: 'boolean' }, repeat: { type: 'boolean' } } },
        200: { type: 'object', properties: { case: caseSchema, linkedToExisting: { type: 'boolean' }, repeat: { type: 'boolean' } } },
        ...errorResponses,
      },
    },
  }, async (req, reply) => {
    const { alertId, ...rest } = req.body;
    const res = await vom.createCaseFromAlert(db, vomConfig, actorOf(req.principal), alertId, rest);
    publish(res.events);
    reply.code(res.linkedToExisting ? 200 : 201);
    return { case: res.case, linkedToExisting: res.linkedToExisting, repeat: res.repeat };
  });

  app.get<{ Params: { id: string } }>('/api/cases/:id', {
    preHandler: read,
    schema: {
      tags: ['cases'], summary: 'A case with notes, attachments (metadata), linked alerts and calls, history and the customer\'s other cases',
      params: { type: 'object', properties: { id: idString } },
      response: {
        200: {
          type: 'object',
          properties: {
            case: caseSchema, notes: { type: 'array', items: noteSchema }, attachments: { type: 'array', items: attachmentSchema },
            alerts: { type: 'array', items: { ...alertSchema, properties: { ...alertSchema.properties, repeat: { type: 'boolean' } } } },
            calls: { type: 'array', items: { ...callSchema, properties: { ...callSchema.properties, repeat: { type: 'boolean' } } } },
            history: { type: 'array', items: historySchema }, related: { type: 'array', items: caseSchema },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => vom.getCaseDetail(db, req.params.id));

  app.patch<{ Params: { id: string }; Body: vom.CaseEdit }>('/api/cases/:id', {
    preHandler: write,
    schema: {
      tags: ['cases'], summary: 'Edit title, description, category, severity, assignee or due date',
      params: { type: 'object', properties: { id: idString } },
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 200 }, description: shortText(20_000),
          category: { type: ['string', 'null'], maxLength: 64 }, severity, assigneeId: nullableId, dueAt: { type: 'string', format: 'date-time' },
        },
      },
      response: { 200: caseSchema, ...errorResponses },
    },
  }, async (req) => vom.updateCase(db, actorOf(req.principal), req.params.id, req.body, publish));

  app.post<{ Params: { id: string }; Body: { to: CaseStatus; reason?: string; assigneeId?: string | null } }>('/api/cases/:id/transition', {
    preHandler: write,
    schema: {
      tags: ['cases'],
      summary: 'Move along the workflow: 접수 → 배정 → 처리중 → 해결 → 종결, or 반려 (reason required for 반려 and 해결)',
      params: { type: 'object', properties: { id: idString } },
      body: {
        type: 'object', required: ['to'], additionalProperties: false,
        properties: { to: { type: 'string', enum: [...CASE_STATUSES] }, reason: shortText(5_000), assigneeId: nullableId },
      },
      response: { 200: caseSchema, ...errorResponses },
    },
  }, async (req) => vom.transitionCase(db, actorOf(req.principal), req.params.id, req.body.to, { reason: req.body.reason, assigneeId: req.body.assigneeId }, publish));

  app.post<{ Params: { id: string }; Body: { body: string } }>('/api/cases/:id/notes', {
    preHandler: write,
    schema: {
      tags: ['cases'], summary: 'Add a note',
      params: { type: 'object', properties: { id: idString } },
      body: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: { type: 'string', minLength: 1, maxLength: 10_000 } } },
      response: { 201: noteSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const note = await vom.addNote(db, actorOf(req.principal), req.params.id, req.body.body, publish);
    reply.code(201);
    return note;
  });

  app.post<{ Params: { id: string }; Body: { filename: string; contentType: string; dataBase64: string } }>('/api/cases/:id/attachments', {
    preHandler: write,
    bodyLimit: base64Limit(vomConfig.maxAttachmentBytes),
    schema: {
      tags: ['cases'], summary: `Attach a file (base64 in JSON; at most ${vomConfig.maxAttachmentBytes} bytes), stored in the database`,
      params: { type: 'object', properties: { id: idString } },
      body: {
        type: 'object', required: ['filename', 'contentType', 'dataBase64'], additionalProperties: false,
        properties: {
          filename: { type: 'string', minLength: 1, maxLength: 255 }, contentType: { type: 'string', minLength: 3, maxLength: 200 },
          dataBase64: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9+/]*={0,2}$' },
        },
      },
      response: { 201: attachmentSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const data = Buffer.from(req.body.dataBase64, 'base64');
    const info = await vom.addAttachment(db, vomConfig, actorOf(req.principal), req.params.id, { filename: req.body.filename, contentType: req.body.contentType, data }, publish);
    reply.code(201);
    return info;
  });

  app.get<{ Params: { id: string; attachmentId: string } }>('/api/cases/:id/attachments/:attachmentId', {
    preHandler: read,
    schema: {
      tags: ['cases'], summary: 'Download an attachment',
      params: { type: 'object', properties: { id: idString, attachmentId: idString } },
      response: errorResponses,
    },
  }, async (req, reply) => {
    const a = await casesRepo.getAttachment(db, req.params.id, req.params.attachmentId);
    if (!a) throw notFound('attachment_not_found', 'No such attachment on this case');
    return sendDownload(reply, { contentType: a.contentType, name: a.filename, body: a.data });
  });

  app.post<{ Params: { id: string }; Body: { kind: 'call' | 'alert'; targetId: string } }>('/api/cases/:id/links', {
    preHandler: write,
    schema: {
      tags: ['cases'], summary: 'Link a call or an alert to the case (a linked open alert is escalated into it)',
      params: { type: 'object', properties: { id: idString } },
      body: { type: 'object', required: ['kind', 'targetId'], additionalProperties: false, properties: { kind: { type: 'string', enum: ['call', 'alert'] }, targetId: idString } },
      response: { 200: caseSchema, ...errorResponses },
    },
  }, async (req) => {
    const res = await vom.linkItem(db, actorOf(req.principal), req.params.id, req.body.kind, req.body.targetId);
    publish(res.events);
    return res.case;
  });

  app.get<{ Params: { customerId: string } }>('/api/customers/:customerId/history', {
    preHandler: requirePermission('calls:read'),
    schema: {
      tags: ['cases'], summary: "A customer's previous contacts (calls with alert categories) and cases",
      params: { type: 'object', properties: { customerId: { type: 'string', minLength: 1, maxLength: 128 } } },
    },
  }, async (req) => {
    const canCases = req.principal!.permissions.has('cases:read');
    const calls = await callsRepo.listCalls(db, { limit: 50, customerId: req.params.customerId });
    const categories = await db.query(
      `SELECT call_id, array_agg(DISTINCT category) AS categories FROM alerts
       WHERE call_id = ANY($1::text[]) AND status <> 'false_positive' GROUP BY call_id`,
      [calls.map((c) => c.id)],
    );
    const byCall = new Map(categories.map((r) => [r.call_id as string, r.categories as string[]]));
    return {
      customerId: req.params.customerId,
      calls: calls.map((c) => ({ ...c, categories: byCall.get(c.id) ?? [] })),
      cases: canCases ? (await casesRepo.listCases(db, { limit: 50, customerId: req.params.customerId })).items : [],
    };
  });
}

