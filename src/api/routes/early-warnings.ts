import type { FastifyInstance } from 'fastify';
import {
  acknowledge, loadEarlyWarningConfig, loadTopicSet, seriesFor, startEarlyWarningJob, warningDetail,
  type EarlyWarningConfig, type EarlyWarningJob, type TopicSet,
} from '../../analytics/early-warning/index.js';
import * as repo from '../../store/early-warnings.js';
import type { StoredEvent } from '../../store/events.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, idString } from '../schemas.js';
import { eventStreamRoute } from '../sse.js';

// Early warnings (조기 경보): the list, one warning with its series and
// samples, acknowledging, the topic dictionary, a live stream, and running the
// evaluation now. The periodic job starts with these routes (like the case
// routes' repeat-contact linker) and stops when the server closes.

declare module 'fastify' {
  interface FastifyInstance {
    /** The early-warning job of this process (tests and the evaluate route run it). */
    earlyWarning?: EarlyWarningJob;
  }
}

export const EARLY_WARNING_EVENT_TYPES = ['early_warning.raised', 'early_warning.updated', 'early_warning.acknowledged', 'early_warning.resolved'] as const;

const seriesSchema = {
  type: 'object',
  properties: {
    bucketMinutes: { type: 'integer' }, expectedPerBucket: { type: 'number' },
    points: { type: 'array', items: { type: 'object', properties: { start: { type: 'string' }, calls: { type: 'integer' } } } },
  },
} as const;

export const earlyWarningSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, topicId: { type: 'string' }, topicLabel: { type: 'string' }, topicLabelEn: { type: 'string' },
    status: { type: 'string', enum: [...repo.WARNING_STATUSES] }, severity: { type: 'integer' },
    raisedAt: { type: 'string' }, updatedAt: { type: 'string' }, evaluatedAt: { type: 'string' }, resolvedAt: { type: ['string', 'null'] },
    acknowledgedAt: { type: ['string', 'null'] }, acknowledgedBy: { type: ['string', 'null'] }, acknowledgeNote: { type: ['string', 'null'] },
    windowMinutes: { type: 'integer' }, calls: { type: 'integer' }, baseline: { type: 'number' }, pValue: { type: 'number' },
    monitoredCalls: { type: 'integer' }, historyCalls: { type: 'integer' }, historyMonitored: { type: 'integer' }, historyDays: { type: 'integer' },
    peakCalls: { type: 'integer' }, peakAt: { type: 'string' }, notifiedCalls: { type: 'integer' },
    samples: { type: 'array', items: { type: 'object', properties: { callId: { type: 'string' }, utteranceId: { type: 'string' } } } },
    series: seriesSchema,
  },
} as const;

const sampleSchema = {
  type: 'object',
  properties: {
    callId: { type: 'string' }, utteranceId: { type: 'string' }, speaker: { type: ['string', 'null'] }, startMs: { type: ['integer', 'null'] },
    text: { type: ['string', 'null'] }, at: { type: 'string' },
  },
} as const;

const topicSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, label: { type: 'string' }, labelEn: { type: 'string' }, speakers: { type: 'array', items: { type: 'string' } },
    terms: { type: 'array', items: { type: 'string' } }, activeWarningId: { type: ['string', 'null'] },
  },
} as const;

interface ListQuery {
  status?: repo.WarningStatus | 'active';
  topicId?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
  series?: boolean;
}

export async function earlyWarningRoutes(app: FastifyInstance, ctx: RadarContext, config: EarlyWarningConfig = loadEarlyWarningConfig(), topicSet?: TopicSet) {
  const { db, bus } = ctx;
  const topics = topicSet ?? loadTopicSet(config.topicsFile);
  const read = requirePermission('early_warnings:read');
  const m = ctx.metrics;
  const job = startEarlyWarningJob({
    db, bus, log: ctx.log, config, topics: () => topics,
    onRun: (r) => {
      if (!r.locked) return;
      m.earlyWarningRead.inc(r.utterances);
      m.earlyWarningCaughtUp.set(r.caughtUp ? 1 : 0);
      if (!r.evaluated) return;
      m.earlyWarningLastEvaluation.set(Date.now() / 1000);
      const outcomes = { raised: r.raised, updated: r.updated, resolved: r.resolved };
      for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) m.earlyWarningEvaluations.inc({ outcome }, n);
      if (r.raised + r.updated + r.resolved === 0) m.earlyWarningEvaluations.inc({ outcome: 'quiet' });
    },
  });
  app.decorate('earlyWarning', job);
  app.addHook('onClose', async () => job.stop());

  const publish = (events: StoredEvent[]) => {
    for (const e of events) bus.publish({ seq: e.seq, type: e.type, callId: null, payload: e.payload });
  };

  eventStreamRoute(app, {
    path: '/api/early-warnings/stream', tag: 'early-warnings', preHandler: read, db, bus, metrics: ctx.metrics,
    summary: 'Early-warning changes as Server-Sent Events (early_warning.raised, .updated, .acknowledged, .resolved); resume with Last-Event-ID',
    wanted: (type) => type.startsWith('early_warning.'),
  });

  app.get('/api/early-warnings/topics', {
    preHandler: read,
    schema: {
      tags: ['early-warnings'], summary: 'The issue topics watched for spikes, with the active warning of each',
      response: { 200: { type: 'object', properties: { version: { type: 'integer' }, items: { type: 'array', items: topicSchema } } } },
    },
  }, async () => {
    const active = new Map((await repo.activeWarnings(db)).map((w) => [w.topicId, w.id]));
    return {
      version: topics.version,
      items: topics.topics.map((t) => ({ id: t.id, label: t.label, labelEn: t.labelEn, speakers: t.speakers, terms: t.terms, activeWarningId: active.get(t.id) ?? null })),
    };
  });

  app.get('/api/early-warnings/settings', {
    preHandler: read,
    schema: { tags: ['early-warnings'], summary: 'The method\'s parameters in force (window, baseline, thresholds)' },
  }, async () => ({
    windowMinutes: config.windowMinutes, baselineDays: config.baselineDays, bandMinutes: config.bandMinutes, bucketMinutes: config.bucketMinutes,
    alpha: config.alpha, resolveAlpha: config.resolveAlpha, minCalls: config.minCalls, minRatio: config.minRatio, growth: config.growth,
    intervalMs: config.intervalMs, enabled: config.enabled,
  }));

  app.get<{ Querystring: ListQuery }>('/api/early-warnings', {
    preHandler: read,
    schema: {
      tags: ['early-warnings'], summary: 'List early warnings: active first, then by severity and time; `series=true` adds each one\'s chart series',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['active', ...repo.WARNING_STATUSES] }, topicId: { type: 'string', maxLength: 64 },
          from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
          series: { type: 'boolean', default: false },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: earlyWarningSchema }, total: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => {
    const { series, ...filter } = req.query;
    const page = await repo.listWarnings(db, { ...filter, limit: filter.limit ?? 50 });
    if (!series) return page;
    const all = await seriesFor(db, page.items, Date.now(), config);
    return { total: page.total, items: page.items.map((w) => ({ ...w, series: all.get(w.id) })) };
  });

  app.post('/api/early-warnings/evaluate', {
    preHandler: requirePermission('early_warnings:manage'),
    schema: {
      tags: ['early-warnings'], summary: 'Run the evaluation now (what the periodic job does): read new utterances, then raise/update/resolve',
      response: {
        200: {
          type: 'object',
          properties: {
            locked: { type: 'boolean' }, utterances: { type: 'integer' }, mentions: { type: 'integer' }, caughtUp: { type: 'boolean' },
            waitingOnGap: { type: 'boolean' }, evaluated: { type: 'boolean' }, raised: { type: 'integer' }, updated: { type: 'integer' }, resolved: { type: 'integer' },
          },
        },
        ...errorResponses,
      },
    },
  }, async () => {
    const { events: _events, ...result } = await job.runNow();
    return result;
  });

  app.get<{ Params: { id: string } }>('/api/early-warnings/:id', {
    preHandler: read,
    schema: {
      tags: ['early-warnings'], summary: 'One early warning with its per-bucket series and sample utterances (redacted, as stored)',
      params: { type: 'object', properties: { id: idString } },
      response: {
        200: { type: 'object', properties: { warning: earlyWarningSchema, series: seriesSchema, samples: { type: 'array', items: sampleSchema } } },
        ...errorResponses,
      },
    },
  }, async (req) => warningDetail(db, req.params.id, Date.now(), config));

  app.post<{ Params: { id: string }; Body: { note?: string } }>('/api/early-warnings/:id/acknowledge', {
    preHandler: requirePermission('early_warnings:ack'),
    schema: {
      tags: ['early-warnings'], summary: 'Acknowledge: an officer is on it (it stays active until the topic falls back, then resolves)',
      params: { type: 'object', properties: { id: idString } },
      body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 1000 } } },
      response: { 200: earlyWarningSchema, ...errorResponses },
    },
  }, async (req) => {
    const note = req.body?.note?.trim() || null;
    const { warning, events } = await acknowledge(db, actorOf(req.principal), req.params.id, note);
    publish(events);
    return warning;
  });
}
