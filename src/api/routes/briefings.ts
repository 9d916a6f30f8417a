import type { FastifyInstance } from 'fastify';
import {
  briefingPdf, briefingXlsx, BRIEFING_EVENT, checkDay, dayOf, dueDay, generateBriefing, loadBriefing, type BriefingFile,
} from '../../analytics/briefing/index.js';
import * as audit from '../../store/audit.js';
import * as repo from '../../store/briefings.js';
import type { StoredEvent } from '../../store/events.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses } from '../schemas.js';
import { sendDownload } from '../download.js';

// The daily briefing (일일 브리핑): list, one day's figures, its PDF, and
// making (or remaking) a day on request. The scheduler makes them by itself
// (src/analytics/briefing/scheduler.ts); this is for the officer who wants a
// day again after late corrections, or a day from before the scheduler ran.

const dateParam = {
  type: 'object', additionalProperties: false, required: ['date'],
  properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local calendar day (RADAR_TIMEZONE), YYYY-MM-DD' } },
} as const;

const metaProperties = {
  day: { type: 'string' }, version: { type: 'integer' }, timezone: { type: 'string' }, periodStart: { type: 'string' }, periodEnd: { type: 'string' },
  asOf: { type: 'string' }, trigger: { type: 'string', enum: ['schedule', 'catch_up', 'manual'] }, generatedBy: { type: 'string' },
  generatedAt: { type: 'string' }, eventSeq: { type: ['integer', 'null'] },
} as const;

const briefingSchema = {
  type: 'object',
  properties: { ...metaProperties, content: { type: 'object', additionalProperties: true, description: 'the figures (docs/briefing.md)' } },
} as const;

const listItemSchema = {
  type: 'object',
  properties: {
    ...metaProperties,
    headline: {
      type: 'object',
      properties: {
        calls: { type: 'integer' }, alerts: { type: 'integer' }, newCases: { type: 'integer' }, openCases: { type: 'integer' },
        slaBreaches: { type: 'integer' }, repeats: { type: 'integer' }, partial: { type: 'boolean' },
      },
    },
  },
} as const;

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export async function briefingRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db, bus } = ctx;
  const cfg = ctx.config.briefing;
  const read = requirePermission('briefings:read');
  const publish = (e: StoredEvent) => bus.publish({ seq: e.seq, type: e.type, callId: null, payload: e.payload });

  app.get<{ Querystring: { limit?: number; before?: string } }>('/api/briefings', {
    preHandler: read,
    schema: {
      tags: ['briefings'], summary: 'Daily briefings, newest day first, with their headline numbers and the schedule',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 366, default: 31 }, before: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            items: { type: 'array', items: listItemSchema },
            schedule: {
              type: 'object',
              properties: { timezone: { type: 'string' }, at: { type: 'string' }, enabled: { type: 'boolean' }, today: { type: 'string' }, latestDue: { type: 'string' } },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const before = req.query.before ? checkDay(req.query.before, cfg, new Date()) : undefined;
    const items = await repo.listBriefings(db, { limit: req.query.limit ?? 31, before });
    const now = new Date();
    return {
      items,
      schedule: { timezone: cfg.timezone, at: hhmm(cfg.atMinutes), enabled: cfg.schedule, today: dayOf(now, cfg.timezone), latestDue: dueDay(now, cfg) },
    };
  });

  app.get<{ Params: { date: string } }>('/api/briefings/:date', {
    preHandler: read,
    schema: { tags: ['briefings'], summary: "One day's briefing (JSON)", params: dateParam, response: { 200: briefingSchema, ...errorResponses } },
  }, async (req) => loadBriefing(db, checkDay(req.params.date, cfg, new Date())));

  app.get<{ Params: { date: string } }>('/api/briefings/:date/pdf', {
    preHandler: read,
    schema: {
      tags: ['briefings'], summary: "One day's briefing as an A4 PDF (Korean; needs RADAR_BRIEFING_FONT)", params: dateParam,
      response: { 200: { type: 'string', format: 'binary', description: 'application/pdf' }, ...errorResponses, 500: errorResponses[400] },
    },
  }, async (req, reply) => {
    const b = await loadBriefing(db, checkDay(req.params.date, cfg, new Date()));
    const file = await briefingPdf(b, cfg);
    // It names customers and quotes calls: who took a copy is on record, like the Excel exports.
    await audit.appendAudit(db, actorOf(req.principal), 'export.briefing_pdf', { type: 'briefing', id: b.day }, { version: b.version, bytes: file.data.length });
    return sendDownload(reply, { contentType: file.contentType, name: file.filenameKo, asciiName: file.filename, body: file.data });
  });

  app.get<{ Params: { date: string } }>('/api/briefings/:date/xlsx', {
    preHandler: read,
    schema: {
      tags: ['briefings'], summary: "One day's briefing as an Excel workbook (a sheet per section)", params: dateParam,
      response: { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const b = await loadBriefing(db, checkDay(req.params.date, cfg, new Date()));
    const file = await briefingXlsx(b);
    await audit.appendAudit(db, actorOf(req.principal), 'export.briefing_xlsx', { type: 'briefing', id: b.day }, { version: b.version });
    return sendDownload(reply, { contentType: file.contentType, name: file.filenameKo, asciiName: file.filename, body: file.data });
  });

  app.post<{ Params: { date: string } }>('/api/briefings/:date/generate', {
    preHandler: requirePermission('briefings:generate'),
    schema: {
      tags: ['briefings'],
      summary: `Make the day's briefing now, or a new version of it (audited; announced as ${BRIEFING_EVENT})`,
      params: dateParam,
      body: { type: 'object', additionalProperties: false, properties: {} },
      response: { 200: briefingSchema, 201: briefingSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const r = await generateBriefing(db, cfg, { day: req.params.date, trigger: 'manual', actor: actorOf(req.principal), replace: true }, publish);
    reply.code(r.briefing.version === 1 ? 201 : 200);
    return r.briefing;
  });
}
