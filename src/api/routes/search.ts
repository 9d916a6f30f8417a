import type { FastifyInstance } from 'fastify';
import { badRequest, RadarError } from '../../core/errors.js';
import * as casesRepo from '../../store/cases.js';
import * as search from '../../store/search.js';
import type { RadarContext } from '../context.js';
import { caseSchema } from './cases.js';
import { alertSchema, errorResponses } from '../schemas.js';

// One search box over transcripts, alerts and cases. Each section appears only
// for a principal allowed to read it; agents search their own calls only.

export async function searchRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db } = ctx;

  app.get<{ Querystring: { q: string; limit?: number } }>('/api/search', {
    schema: {
      tags: ['search'], summary: 'Search call transcripts, alerts and complaint cases (case-insensitive substring)',
      querystring: {
        type: 'object', required: ['q'], additionalProperties: false,
        properties: { q: { type: 'string', minLength: 1, maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            q: { type: 'string' },
            transcripts: {
              type: 'object',
              properties: {
                total: { type: 'integer' },
                items: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      callId: { type: 'string' }, utteranceId: { type: 'string' }, speaker: { type: 'string' }, startMs: { type: 'integer' },
                      text: { type: 'string' }, callStartedAt: { type: 'string' }, customerId: { type: ['string', 'null'] }, agentId: { type: ['string', 'null'] },
                    },
                  },
                },
              },
            },
            alerts: { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: { ...alertSchema, properties: { ...alertSchema.properties, customerId: { type: ['string', 'null'] } } } } } },
            cases: { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: caseSchema } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const p = req.principal!;
    if (p.mustChangePassword) throw new RadarError(403, 'password_change_required', 'Change the one-time password first (POST /api/auth/password)');
    const q = req.query.q.trim();
    if (q.length < 1) throw badRequest('query_required', 'Type something to search for');
    const limit = req.query.limit ?? 20;
    const canCalls = p.permissions.has('calls:read') || p.permissions.has('calls:read:own');
    if (!canCalls && !p.permissions.has('alerts:read') && !p.permissions.has('cases:read')) {
      throw new RadarError(403, 'forbidden', `Your role (${p.role}) may not search`);
    }
    const empty = { total: 0, items: [] };
    const [transcripts, alerts, cases] = await Promise.all([
      canCalls ? search.searchTranscripts(db, q, limit, p.permissions.has('calls:read') ? null : p.username) : empty,
      p.permissions.has('alerts:read') ? search.searchAlerts(db, q, limit) : empty,
      p.permissions.has('cases:read') ? casesRepo.listCases(db, { limit, q }) : empty,
    ]);
    return { q, transcripts, alerts, cases };
  });
}
