import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RadarError, notFound } from '../../core/errors.js';
import type { Speaker } from '../../core/types.js';
import * as alertsRepo from '../../store/alerts.js';
import * as callsRepo from '../../store/calls.js';
import { requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { alertSchema, callSchema, errorResponses, hitSchema, idString, utteranceSchema } from '../schemas.js';

interface CallBody {
  id?: string;
  customerId?: string | null;
  agentId?: string | null;
  startedAt?: string;
  metadata?: Record<string, unknown>;
}
interface UtteranceBody {
  id: string;
  speaker: Speaker;
  startMs: number;
  endMs: number;
  text: string;
  final: boolean;
}

/** Agents see only their own calls (agentId = their username). */
function checkCallVisible(req: FastifyRequest, call: { agentId: string | null }) {
  const p = req.principal!;
  if (p.permissions.has('calls:read')) return;
  if (call.agentId !== null && call.agentId === p.username) return;
  throw new RadarError(403, 'forbidden', 'You may only see your own calls');
}

export async function callRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db, pipeline, config } = ctx;
  const ingest = requirePermission('ingest:write');

  app.post<{ Body: CallBody }>('/api/calls', {
    preHandler: ingest,
    schema: {
      tags: ['ingest'], summary: 'Start a call (idempotent on id)',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          id: idString, customerId: { type: ['string', 'null'], maxLength: 128 }, agentId: { type: ['string', 'null'], maxLength: 128 },
          startedAt: { type: 'string', format: 'date-time' }, metadata: { type: 'object', additionalProperties: true, maxProperties: 50 },
        },
      },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, created: { type: 'boolean' } } }, 200: { type: 'object', properties: { id: { type: 'string' }, created: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (req, reply) => {
    const res = await pipeline.startCall({ ...req.body, source: 'api' });
    reply.code(res.created ? 201 : 200);
    return res;
  });

  app.post<{ Params: { id: string }; Body: UtteranceBody }>('/api/calls/:id/utterances', {
    preHandler: ingest,
    schema: {
      tags: ['ingest'],
      summary: 'Add an utterance (partial or final) to a call; re-sending a stored final id is a no-op',
      description: `text is limited to ${config.maxUtteranceChars} characters; personal data in it is redacted before storage.`,
      params: { type: 'object', properties: { id: idString } },
      body: {
        type: 'object', required: ['id', 'speaker', 'startMs', 'endMs', 'text', 'final'], additionalProperties: false,
        properties: {
          id: idString, speaker: { type: 'string', enum: ['customer', 'agent'] },
          startMs: { type: 'integer', minimum: 0 }, endMs: { type: 'integer', minimum: 0 },
          text: { type: 'string' }, final: { type: 'boolean' },
        },
      },
      response: { 202: { type: 'object', properties: { accepted: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (req, reply) => {
    const res = await pipeline.addUtterance({ ...req.body, callId: req.params.id });
    reply.code(202);
    return res;
  });

  app.post<{ Params: { id: string } }>('/api/calls/:id/end', {
    preHandler: ingest,
    schema: { tags: ['ingest'], summary: 'Mark a call as ended', params: { type: 'object', properties: { id: idString } }, response: errorResponses },
  }, async (req) => {
    await pipeline.endCall(req.params.id);
    return { ok: true };
  });

  app.get<{ Querystring: { limit?: number; offset?: number; customerId?: string; agentId?: string; from?: string; to?: string; active?: boolean } }>('/api/calls', {
    preHandler: requirePermission('calls:read', 'calls:read:own'),
    schema: {
      tags: ['calls'], summary: 'List calls, newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
          customerId: { type: 'string' }, agentId: { type: 'string' }, from: { type: 'string', format: 'date-time' },
          to: { type: 'string', format: 'date-time' }, active: { type: 'boolean' },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: callSchema } } } },
    },
  }, async (req) => {
    const q = req.query;
    const ownOnly = !req.principal!.permissions.has('calls:read');
    const agentId = ownOnly ? req.principal!.username : q.agentId;
    return { items: await callsRepo.listCalls(db, { limit: q.limit ?? 50, offset: q.offset, customerId: q.customerId, agentId, from: q.from, to: q.to, active: q.active }) };
  });

  app.get<{ Params: { id: string } }>('/api/calls/:id', {
    preHandler: requirePermission('calls:read', 'calls:read:own'),
    schema: {
      tags: ['calls'], summary: 'A call with its transcript, hits, alerts and risk score',
      params: { type: 'object', properties: { id: idString } },
      response: {
        200: {
          type: 'object',
          properties: {
            call: callSchema, utterances: { type: 'array', items: utteranceSchema },
            hits: { type: 'array', items: hitSchema }, alerts: { type: 'array', items: alertSchema },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const call = await callsRepo.getCall(db, req.params.id);
    if (!call) throw notFound('call_not_found', `No call with id '${req.params.id}'`);
    checkCallVisible(req, call);
    const [utterances, hits, alerts] = await Promise.all([
      callsRepo.listUtterances(db, call.id), alertsRepo.listHits(db, call.id), alertsRepo.listCallAlerts(db, call.id),
    ]);
    return { call, utterances, hits, alerts };
  });
}
