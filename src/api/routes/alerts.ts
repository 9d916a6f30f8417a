import type { FastifyInstance } from 'fastify';
import { notFound } from '../../core/errors.js';
import type { AlertStatus } from '../../core/types.js';
import * as alertsRepo from '../../store/alerts.js';
import { TRIAGE_ACTIONS, triageAlert, type TriageAction } from '../../alerts/triage.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { alertSchema, errorResponses } from '../schemas.js';
import { eventStreamRoute } from '../sse.js';

/** Event types carried by the alert stream (all persisted, so resumable). */
export const ALERT_STREAM_TYPES = new Set(['alert.created', 'alert.updated', 'call.escalated']);

export async function alertRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db, bus, pipeline } = ctx;
  const read = requirePermission('alerts:read');

  app.get<{ Querystring: { limit?: number; offset?: number; status?: AlertStatus; category?: string; minSeverity?: number; callId?: string; agentId?: string; from?: string; to?: string } }>('/api/alerts', {
    preHandler: read,
    schema: {
      tags: ['alerts'], summary: 'List alerts, newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
          status: { type: 'string', enum: ['open', 'acknowledged', 'false_positive', 'escalated'] },
          category: { type: 'string' }, minSeverity: { type: 'integer', minimum: 1, maximum: 5 },
          callId: { type: 'string' }, agentId: { type: 'string' },
          from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: alertSchema }, total: { type: 'integer' } } } },
    },
  }, async (req) => alertsRepo.listAlerts(db, { ...req.query, limit: req.query.limit ?? 50 }));

  eventStreamRoute(app, {
    path: '/api/alerts/stream', tag: 'alerts', preHandler: read, db, bus, metrics: ctx.metrics,
    summary: 'Live alerts as Server-Sent Events (alert.created, alert.updated, call.escalated); resume with Last-Event-ID',
    wanted: (type) => ALERT_STREAM_TYPES.has(type),
  });

  app.get<{ Params: { id: string } }>('/api/alerts/:id', {
    preHandler: read,
    schema: { tags: ['alerts'], summary: 'One alert with its explanation and context', response: { 200: alertSchema, ...errorResponses } },
  }, async (req) => {
    const a = await alertsRepo.getAlert(db, req.params.id);
    if (!a) throw notFound('alert_not_found', `No alert with id '${req.params.id}'`);
    return a;
  });

  app.patch<{ Params: { id: string }; Body: { action: TriageAction; reason?: string } }>('/api/alerts/:id', {
    preHandler: requirePermission('alerts:triage'),
    schema: {
      tags: ['alerts'], summary: 'Triage: acknowledge, mark a false positive (with reason), escalate, or reopen',
      body: {
        type: 'object', required: ['action'], additionalProperties: false,
        properties: { action: { type: 'string', enum: [...TRIAGE_ACTIONS] }, reason: { type: 'string', maxLength: 1000 } },
      },
      response: { 200: alertSchema, ...errorResponses },
    },
  }, async (req) => {
    const { alert, event } = await triageAlert(db, actorOf(req.principal), req.params.id, req.body.action, req.body.reason ?? null);
    pipeline.forget(alert.callId);
    bus.publish({ seq: event.seq, type: event.type, callId: alert.callId, payload: event.payload });
    return alert;
  });
}
