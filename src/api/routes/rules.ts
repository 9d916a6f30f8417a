import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../core/errors.js';
import type { Speaker } from '../../core/types.js';
import { backtestStored } from '../../rules/service.js';
import * as audit from '../../store/audit.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, hitSchema } from '../schemas.js';

const MAX_BACKTEST_DAYS = 400;

const docSchema = { type: 'object', additionalProperties: true } as const;

export async function ruleRoutes(app: FastifyInstance, ctx: RadarContext) {
  const rules = ctx.rules;
  const read = requirePermission('rules:read');
  const write = requirePermission('rules:write');

  app.get('/api/rules', {
    preHandler: read,
    schema: { tags: ['rules'], summary: 'The live rule set (dictionary and composite rules)' },
  }, async () => {
    const live = rules.live();
    return {
      version: live.version, bundled: live.bundled, publishedAt: live.publishedAt, publishedBy: live.publishedBy,
      note: live.note, ruleCount: live.engine.ruleCount, rules: live.engine.rules ?? [], doc: live.doc, format: 'json',
    };
  });

  app.get('/api/rules/versions', {
    preHandler: read,
    schema: { tags: ['rules'], summary: 'Published rule-set versions, newest first' },
  }, async () => ({ items: await rules.versions() }));

  app.post<{ Body: { doc: unknown } }>('/api/rules/validate', {
    preHandler: read,
    schema: {
      tags: ['rules'], summary: 'Validate a draft rule set without publishing it',
      body: { type: 'object', required: ['doc'], additionalProperties: false, properties: { doc: docSchema } },
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, ruleCount: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => ({ ok: true, ruleCount: rules.compile(req.body.doc).ruleCount }));

  app.post<{ Body: { text: string; speaker?: Speaker; doc?: unknown } }>('/api/rules/test', {
    preHandler: read,
    schema: {
      tags: ['rules'], summary: 'Run one sentence through the live rule set, or through a draft',
      body: {
        type: 'object', required: ['text'], additionalProperties: false,
        properties: { text: { type: 'string', maxLength: 4000 }, speaker: { type: 'string', enum: ['customer', 'agent'] }, doc: docSchema },
      },
      response: { 200: { type: 'object', properties: { hits: { type: 'array', items: hitSchema } } }, ...errorResponses },
    },
  }, async (req) => ({ hits: rules.test(req.body.text, req.body.speaker ?? 'customer', req.body.doc) }));

  app.post<{ Body: { doc: unknown; from: string; to: string } }>('/api/rules/backtest', {
    preHandler: read,
    schema: {
      tags: ['rules'],
      summary: 'What a draft rule set would have raised on stored calls of a period, next to the live version',
      body: {
        type: 'object', required: ['doc', 'from', 'to'], additionalProperties: false,
        properties: { doc: docSchema, from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
      },
    },
  }, async (req) => {
    if (Date.parse(req.body.to) <= Date.parse(req.body.from)) throw badRequest('invalid_range', '`to` must be after `from`');
    if (Date.parse(req.body.to) - Date.parse(req.body.from) > MAX_BACKTEST_DAYS * 86_400_000) {
      throw badRequest('range_too_long', `A backtest covers at most ${MAX_BACKTEST_DAYS} days`);
    }
    const candidate = rules.compile(req.body.doc);
    const report = await backtestStored(ctx.db, rules.live().engine, candidate, { from: req.body.from, to: req.body.to });
    await audit.appendAudit(ctx.db, actorOf(req.principal), 'rules.backtested', { type: 'rule_set' },
      { from: req.body.from, to: req.body.to, utterances: report.utterances, added: report.added.count, removed: report.removed.count });
    return report;
  });

  app.post<{ Body: { doc: unknown; note?: string } }>('/api/rules/publish', {
    preHandler: write,
    schema: {
      tags: ['rules'], summary: 'Publish a new rule-set version; it goes live at once, without a restart',
      body: { type: 'object', required: ['doc'], additionalProperties: false, properties: { doc: docSchema, note: { type: 'string', maxLength: 500 } } },
      response: { 200: { type: 'object', properties: { version: { type: 'integer' }, ruleCount: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => {
    const live = await rules.publish(req.body.doc, req.body.note ?? '', actorOf(req.principal));
    return { version: live.version, ruleCount: live.engine.ruleCount };
  });

  app.post<{ Body: { version: number } }>('/api/rules/rollback', {
    preHandler: write,
    schema: {
      tags: ['rules'], summary: 'Make an earlier version live again (published as a new version)',
      body: { type: 'object', required: ['version'], additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 } } },
      response: { 200: { type: 'object', properties: { version: { type: 'integer' }, ruleCount: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => {
    const live = await rules.rollback(req.body.version, actorOf(req.principal));
    return { version: live.version, ruleCount: live.engine.ruleCount };
  });
}
