import type { FastifyInstance } from 'fastify';
import type { AlertStatus } from '../../core/types.js';
import * as alertsRepo from '../../store/alerts.js';
import * as audit from '../../store/audit.js';
import * as callsRepo from '../../store/calls.js';
import * as casesRepo from '../../store/cases.js';
import { workbook } from '../../core/xlsx.js';
import { ALERT_COLUMNS, CALL_COLUMNS, CASE_COLUMNS } from '../../vom/export.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import { caseListQuery, type CaseListQuery } from './cases.js';
import { sendWorkbook } from '../download.js';

// Excel downloads of the console's lists, with the same filters as the list
// endpoints. Exports carry personal data, so each one is in the audit trail.

const MAX_ROWS = 10_000;

const limitProp = { type: 'integer', minimum: 1, maximum: MAX_ROWS, default: MAX_ROWS } as const;
const binary = { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses } as const;

export async function exportRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db } = ctx;

  app.get<{ Querystring: { limit?: number; status?: AlertStatus; category?: string; minSeverity?: number; callId?: string; agentId?: string; from?: string; to?: string } }>('/api/export/alerts.xlsx', {
    preHandler: requirePermission('alerts:read'),
    schema: {
      tags: ['export'], summary: 'Alerts as an Excel workbook (filters as GET /api/alerts)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          limit: limitProp, status: { type: 'string', enum: ['open', 'acknowledged', 'false_positive', 'escalated'] },
          category: { type: 'string' }, minSeverity: { type: 'integer', minimum: 1, maximum: 5 }, callId: { type: 'string' }, agentId: { type: 'string' },
          from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' },
        },
      },
      response: binary,
    },
  }, async (req, reply) => {
    const { items } = await alertsRepo.listAlerts(db, { ...req.query, limit: req.query.limit ?? MAX_ROWS });
    const actor = actorOf(req.principal);
    const buf = await workbook('알림', ALERT_COLUMNS, items, { by: actor.name, filters: req.query });
    await audit.appendAudit(db, actor, 'export.alerts', { type: 'export' }, { rows: items.length, filters: req.query });
    return sendWorkbook(reply, 'radar-alerts', '알림', buf);
  });

  app.get<{ Querystring: CaseListQuery }>('/api/export/cases.xlsx', {
    preHandler: requirePermission('cases:read'),
    schema: {
      tags: ['export'], summary: 'Complaint cases as an Excel workbook (filters as GET /api/cases)',
      querystring: { ...caseListQuery, properties: { ...caseListQuery.properties, limit: limitProp } },
      response: binary,
    },
  }, async (req, reply) => {
    const { items } = await casesRepo.listCases(db, { ...req.query, limit: req.query.limit ?? MAX_ROWS });
    const actor = actorOf(req.principal);
    const buf = await workbook('민원 사례', CASE_COLUMNS, items, { by: actor.name, filters: req.query });
    await audit.appendAudit(db, actor, 'export.cases', { type: 'export' }, { rows: items.length, filters: req.query });
    return sendWorkbook(reply, 'radar-cases', '민원사례', buf);
  });

  app.get<{ Querystring: { limit?: number; customerId?: string; agentId?: string; from?: string; to?: string; active?: boolean } }>('/api/export/calls.xlsx', {
    preHandler: requirePermission('calls:read', 'calls:read:own'),
    schema: {
      tags: ['export'], summary: 'Calls as an Excel workbook (filters as GET /api/calls)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          limit: limitProp, customerId: { type: 'string' }, agentId: { type: 'string' },
          from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, active: { type: 'boolean' },
        },
      },
      response: binary,
    },
  }, async (req, reply) => {
    const p = req.principal!;
    const agentId = p.permissions.has('calls:read') ? req.query.agentId : p.username;
    const items = await callsRepo.listCalls(db, { ...req.query, agentId, limit: req.query.limit ?? MAX_ROWS });
    const actor = actorOf(p);
    const buf = await workbook('통화', CALL_COLUMNS, items, { by: actor.name, filters: { ...req.query, agentId } });
    await audit.appendAudit(db, actor, 'export.calls', { type: 'export' }, { rows: items.length, filters: req.query });
    return sendWorkbook(reply, 'radar-calls', '통화', buf);
  });
}
