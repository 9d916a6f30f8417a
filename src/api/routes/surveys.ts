import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  benchmarkComparison, BENCHMARK_COLUMNS, breakdowns, checkBenchmark, checkResponse, checkWindow, FILE_FORMATS, FILE_LIMITS, formatOf,
  GRANULARITIES, ingestResponses, LIMITS, METRICS, overview, readRecords, refuse, RESPONSE_COLUMNS, scrub, series, surveyWorkbook,
  type BenchmarkInput, type CompareMode, type Filter, type Granularity, type IndexedError, type Metric, type Window,
} from '../../analytics/surveys/index.js';
import { badRequest, conflict, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import * as audit from '../../store/audit.js';
import type { Db } from '../../store/db.js';
import * as repo from '../../store/surveys.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, idString, metricIndexSchema as metricIndex } from '../schemas.js';
import { sendWorkbook } from '../download.js';

// 고객 평가 (consumer evaluation): survey responses in (one, batch, file),
// CSAT/NPS/CES with intervals, breakdowns and series out, outside benchmarks
// kept and compared, recent comments, and an Excel workbook of it all.
// Writes validate with the capability's own checker (validate.ts) so every
// refusal carries a precise code; the JSON schemas document the API.

const metric = { type: 'string', enum: [...METRICS] } as const;
const nullableText = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const;
const nullableId = { type: ['string', 'null'], maxLength: LIMITS.id } as const;

const responseBody = {
  type: 'object', additionalProperties: false, required: ['externalId', 'metric', 'score', 'touchpoint', 'respondedAt'],
  properties: {
    externalId: { type: 'string', minLength: 1, maxLength: LIMITS.id, description: "the sending system's id; the same id again changes nothing" },
    metric, score: { type: 'integer', description: 'csat 1–5, nps 0–10, ces 1–7' },
    touchpoint: { type: 'string', minLength: 1, maxLength: LIMITS.touchpoint, description: '콜센터, 앱, 홈페이지, 영업점, ARS …' },
    product: nullableText(LIMITS.label), segment: nullableText(LIMITS.label), respondedAt: { type: 'string', format: 'date-time' },
    comment: { ...nullableText(LIMITS.comment), description: 'free text; personal data is redacted before storage' },
    callId: nullableId, customerId: nullableId, caseId: nullableId,
  },
} as const;

const change = {
  type: ['object', 'null'],
  properties: {
    difference: { type: 'number' }, low: { type: ['number', 'null'] }, high: { type: ['number', 'null'] },
    significant: { type: ['boolean', 'null'] }, direction: { type: 'string', enum: ['up', 'down', 'flat'] },
  },
} as const;
const metricSet = { nps: metricIndex, csat: metricIndex, ces: metricIndex } as const;
const windowProps = { from: { type: 'string' }, to: { type: 'string' } } as const;

const filterProps = {
  from: { type: 'string', format: 'date-time', description: 'start (inclusive); default: 90 days before `to`' },
  to: { type: 'string', format: 'date-time', description: 'end (exclusive); default: now' },
  touchpoint: { type: 'string', minLength: 1, maxLength: LIMITS.touchpoint }, product: { type: 'string', minLength: 1, maxLength: LIMITS.label },
  segment: { type: 'string', minLength: 1, maxLength: LIMITS.label },
} as const;
const compareProp = { type: 'string', enum: ['previous', 'year', 'none'], default: 'previous', description: 'previous: the equal-length period just before; year: the same dates a year earlier' } as const;
const granularityProp = { type: 'string', enum: [...GRANULARITIES], default: 'month' } as const;

const benchmarkSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, metric: { type: 'string' }, period: { type: 'string' }, source: { type: 'string' }, subject: { type: 'string' },
    subjectKind: { type: 'string', enum: ['company', 'industry'] }, value: { type: 'number' }, note: { type: ['string', 'null'] },
    updatedBy: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;
const benchmarkBody = {
  type: 'object', additionalProperties: false,
  properties: {
    metric, period: { type: 'string', pattern: '^\\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$', description: 'YYYY, YYYY-Qn or YYYY-MM' },
    source: { type: 'string', minLength: 1, maxLength: LIMITS.label, description: 'the agency that published it' },
    subject: { type: 'string', minLength: 1, maxLength: LIMITS.label, description: 'the company, or the industry (e.g. 카드업 평균)' },
    subjectKind: { type: 'string', enum: ['company', 'industry'] },
    value: { type: 'number', description: "in our headline's unit: NPS points −100..100, CSAT % 0..100, CES mean 1..7" },
    note: nullableText(500),
  },
} as const;

const ingestResult = {
  type: 'object',
  properties: { received: { type: 'integer' }, created: { type: 'integer' }, unchanged: { type: 'integer' }, dryRun: { type: 'boolean' }, importId: { type: ['string', 'null'] } },
} as const;

const fileBody = {
  type: 'object', additionalProperties: false, required: ['filename', 'dataBase64'],
  properties: {
    filename: { type: 'string', minLength: 1, maxLength: 255 }, format: { type: 'string', enum: [...FILE_FORMATS], description: 'default: from the file name' },
    dataBase64: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9+/]*={0,2}$' },
    dryRun: { type: 'boolean', default: false, description: 'only validate (and count what would be new); store nothing' },
  },
} as const;
const fileBodyLimit = Math.ceil(FILE_LIMITS.bytes / 3) * 4 + 4096;
const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

interface FilterQuery { from?: string; to?: string; touchpoint?: string; product?: string; segment?: string }
interface FileBody { filename: string; format?: string; dataBase64: string; dryRun?: boolean }


function window(q: FilterQuery): { w: Window; f: Filter } {
  const w = checkWindow(q.from, q.to, Date.now());
  return { w, f: { touchpoint: q.touchpoint, product: q.product, segment: q.segment } };
}

/** The schema's verdict was attached, not thrown: the capability's checker names the problem precisely. */
function schemaFallback(req: FastifyRequest) {
  const v = req.validationError;
  if (v) throw badRequest('invalid_request', `body ${(v as { validation?: { instancePath?: string; message?: string }[] }).validation?.[0]?.instancePath ?? ''} ${v.message}`.replace(/\s+/g, ' ').trim());
}

export async function surveyRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db } = ctx;
  const tz = ctx.config.briefing.timezone;
  const read = requirePermission('surveys:read');
  const write = requirePermission('surveys:write');

  // ---- responses in ----

  app.post<{ Body: unknown }>('/api/surveys/responses', {
    preHandler: write, attachValidation: true,
    schema: {
      tags: ['surveys'], summary: 'Add one survey response (idempotent on externalId: 201 stored, 200 already there)',
      body: responseBody,
      response: { 200: ingestResult, 201: ingestResult, ...errorResponses },
    },
  }, async (req, reply) => {
    const c = checkResponse(req.body, Date.now());
    if (!c.ok) {
      const first = c.errors[0]!;
      throw badRequest(first.code, `${first.field || 'body'}: ${first.message}`, { errors: c.errors });
    }
    schemaFallback(req);
    const r = await ingestResponses(db, actorOf(req.principal), [{ row: 1, record: req.body }], { source: 'api', dryRun: false, now: Date.now(), refusal: 'invalid_responses' });
    reply.code(r.created > 0 ? 201 : 200);
    return r;
  });

  app.post<{ Body: { items: unknown[]; dryRun?: boolean } }>('/api/surveys/responses/batch', {
    // A full batch of 2,000-character Korean comments is ~6.5 MB (3 bytes a syllable): far above the server's default body limit.
    preHandler: write, attachValidation: true, bodyLimit: BATCH_BODY_LIMIT,
    schema: {
      tags: ['surveys'],
      summary: `Add up to ${LIMITS.batch} responses at once, all or nothing: any bad item refuses the batch (400 invalid_responses, details.errors[] with row = 1-based item, field, code, message)`,
      body: {
        type: 'object', additionalProperties: false, required: ['items'],
        properties: { items: { type: 'array', minItems: 1, maxItems: LIMITS.batch, items: responseBody }, dryRun: { type: 'boolean', default: false } },
      },
      response: { 200: ingestResult, ...errorResponses },
    },
  }, async (req) => {
    const body = req.body as { items?: unknown; dryRun?: unknown } | null;
    if (!body || typeof body !== 'object' || !Array.isArray(body.items)) throw badRequest('invalid_request', 'body must be {"items": [...]}');
    if (body.items.length === 0 || body.items.length > LIMITS.batch) throw badRequest('batch_size', `a batch holds 1 to ${LIMITS.batch} items, got ${body.items.length}`);
    const extra = Object.keys(body).filter((k) => k !== 'items' && k !== 'dryRun');
    if (extra.length > 0 || (body.dryRun !== undefined && typeof body.dryRun !== 'boolean')) throw badRequest('invalid_request', 'body takes only items and dryRun (a boolean)');
    return ingestResponses(db, actorOf(req.principal), body.items.map((record, i) => ({ row: i + 1, record })), {
      source: 'api', dryRun: body.dryRun === true, now: Date.now(), refusal: 'invalid_responses',
    });
  });

  app.post<{ Body: FileBody }>('/api/surveys/import', {
    preHandler: write, bodyLimit: fileBodyLimit,
    schema: {
      tags: ['surveys'],
      summary: `Import a CSV, xlsx or JSON file of responses (base64; at most ${FILE_LIMITS.bytes} bytes, ${FILE_LIMITS.rows} rows), all or nothing: a bad row refuses the file (400 invalid_file, details.errors[] of {row, field, code, message}); dryRun only validates`,
      body: fileBody, response: { 200: ingestResult, ...errorResponses },
    },
  }, async (req) => {
    const format = formatOf(req.body.filename, req.body.format);
    const records = await readRecords(Buffer.from(req.body.dataBase64, 'base64'), format, RESPONSE_COLUMNS, ['externalId', 'metric', 'score', 'touchpoint', 'respondedAt'], tz);
    return ingestResponses(db, actorOf(req.principal), records, {
      source: 'import', dryRun: req.body.dryRun === true, now: Date.now(), refusal: 'invalid_file', file: { filename: req.body.filename, format },
    });
  });

  app.get<{ Querystring: { limit?: number } }>('/api/surveys/imports', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: 'Recent file imports (responses and benchmarks) that stored their rows',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' }, kind: { type: 'string' }, filename: { type: 'string' }, format: { type: 'string' }, rows: { type: 'integer' },
                  created: { type: 'integer' }, unchanged: { type: 'integer' }, updated: { type: 'integer' }, createdBy: { type: 'string' }, createdAt: { type: 'string' },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => ({ items: await repo.listImports(db, req.query.limit ?? 20) }));

  // ---- indices out ----

  app.get('/api/surveys/facets', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: 'The touchpoints, products and segments answered so far (for filters), with counts and the time span',
      response: {
        200: {
          type: 'object',
          properties: {
            ...Object.fromEntries(repo.DIMENSIONS.map((d) => [d, { type: 'array', items: { type: 'object', properties: { value: { type: 'string' }, n: { type: 'integer' } } } }])),
            total: { type: 'integer' }, first: { type: ['string', 'null'] }, last: { type: ['string', 'null'] },
          },
        },
        ...errorResponses,
      },
    },
  }, async () => repo.facets(db));

  app.get<{ Querystring: FilterQuery & { compare?: CompareMode } }>('/api/surveys/indices', {
    preHandler: read,
    schema: {
      tags: ['surveys'],
      summary: 'NPS, CSAT and CES for the period with 95% intervals, n, the small-sample flag, and the change against the comparison period (significant = its interval excludes 0)',
      querystring: { type: 'object', additionalProperties: false, properties: { ...filterProps, compare: compareProp } },
      response: {
        200: {
          type: 'object',
          properties: {
            period: { type: 'object', properties: windowProps },
            compare: { type: ['object', 'null'], properties: { ...windowProps, mode: { type: 'string' } } },
            metrics: { type: 'object', properties: Object.fromEntries(METRICS.map((m) => [m, { type: 'object', properties: { current: metricIndex, previous: { ...metricIndex, type: ['object', 'null'] }, change } }])) },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const { w, f } = window(req.query);
    return overview(db, w, f, req.query.compare ?? 'previous');
  });

  const groupSchema = { type: 'object', properties: { key: { type: ['string', 'null'] }, n: { type: 'integer' }, ...metricSet } } as const;
  app.get<{ Querystring: FilterQuery }>('/api/surveys/breakdowns', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: 'The three indices per touchpoint, product and segment (largest groups first; key null = not given)',
      querystring: { type: 'object', additionalProperties: false, properties: filterProps },
      response: { 200: { type: 'object', properties: Object.fromEntries(repo.DIMENSIONS.map((d) => [d, { type: 'array', items: groupSchema }])) }, ...errorResponses },
    },
  }, async (req) => {
    const { w, f } = window(req.query);
    return breakdowns(db, w, f);
  });

  app.get<{ Querystring: FilterQuery & { granularity?: Granularity } }>('/api/surveys/series', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: `The three indices per week (from Monday), month or quarter of the period, local calendar (${tz}); empty buckets have n = 0`,
      querystring: { type: 'object', additionalProperties: false, properties: { ...filterProps, granularity: granularityProp } },
      response: {
        200: {
          type: 'object',
          properties: {
            granularity: { type: 'string' }, timezone: { type: 'string' },
            points: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' }, ...windowProps, ...metricSet } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const { w, f } = window(req.query);
    const granularity = req.query.granularity ?? 'month';
    return { granularity, timezone: tz, points: await series(db, w, f, granularity, tz) };
  });

  const commentQuery = { ...filterProps, metric, limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, offset: { type: 'integer', minimum: 0, default: 0 } } as const;
  app.get<{ Querystring: FilterQuery & { metric?: Metric; limit?: number; offset?: number } }>('/api/surveys/comments', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: 'Recent comments (personal data redacted as stored), newest first, with the linked call and case',
      querystring: { type: 'object', additionalProperties: false, properties: commentQuery },
      response: {
        200: {
          type: 'object',
          properties: {
            total: { type: 'integer' },
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  externalId: { type: 'string' }, metric: { type: 'string' }, score: { type: 'integer' }, touchpoint: { type: 'string' },
                  product: { type: ['string', 'null'] }, segment: { type: ['string', 'null'] }, respondedAt: { type: 'string' }, comment: { type: 'string' },
                  callId: { type: ['string', 'null'] }, customerId: { type: ['string', 'null'] }, caseId: { type: ['string', 'null'] },
                  callExists: { type: 'boolean' }, caseRef: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const { w, f } = window(req.query);
    return repo.listComments(db, { ...w, ...f, metric: req.query.metric }, req.query.limit ?? 20, req.query.offset ?? 0);
  });

  app.get<{ Querystring: FilterQuery & { compare?: CompareMode; granularity?: Granularity } }>('/api/surveys/export.xlsx', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: 'The screen as an Excel workbook: indices with intervals and change, series, breakdowns, benchmarks, comments (filters as /indices)',
      querystring: { type: 'object', additionalProperties: false, properties: { ...filterProps, compare: compareProp, granularity: granularityProp } },
      response: { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const { w, f } = window(req.query);
    const actor = actorOf(req.principal);
    const granularity = req.query.granularity ?? 'month';
    const buf = await surveyWorkbook({
      overview: await overview(db, w, f, req.query.compare ?? 'previous'),
      series: await series(db, w, f, granularity, tz),
      breakdowns: await breakdowns(db, w, f),
      benchmarks: await repo.listBenchmarks(db),
      comments: (await repo.listComments(db, { ...w, ...f }, 5000, 0)).items,
      filters: { ...req.query }, by: actor.name,
    });
    // Comments are customers' words: who took a copy is on record, like every export.
    await audit.appendAudit(db, actor, 'export.surveys', { type: 'export' }, { filters: req.query });
    return sendWorkbook(reply, 'radar-surveys', '고객평가', buf);
  });

  // ---- outside benchmarks ----

  app.get<{ Querystring: { metric?: Metric; period?: string } }>('/api/surveys/benchmarks', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: "Outside agencies' published values, newest period first",
      querystring: { type: 'object', additionalProperties: false, properties: { metric, period: benchmarkBody.properties.period } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: benchmarkSchema } } }, ...errorResponses },
    },
  }, async (req) => ({ items: await repo.listBenchmarks(db, req.query) }));

  app.get<{ Querystring: { metric: Metric } }>('/api/surveys/benchmarks/compare', {
    preHandler: read,
    schema: {
      tags: ['surveys'], summary: 'Per benchmark period (newest 8): our company-wide index over that calendar period beside the outside values (difference = ours − theirs)',
      querystring: { type: 'object', additionalProperties: false, required: ['metric'], properties: { metric } },
      response: {
        200: {
          type: 'object',
          properties: {
            metric: { type: 'string' },
            periods: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  period: { type: 'string' }, ...windowProps, ours: metricIndex,
                  benchmarks: { type: 'array', items: { ...benchmarkSchema, properties: { ...benchmarkSchema.properties, difference: { type: ['number', 'null'] } } } },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => ({ metric: req.query.metric, periods: await benchmarkComparison(db, req.query.metric, tz) }));

  app.post<{ Body: unknown }>('/api/surveys/benchmarks', {
    preHandler: write, attachValidation: true,
    schema: {
      tags: ['surveys'], summary: 'Add an outside benchmark (409 benchmark_exists for the same metric, period, source and subject: edit that one)',
      body: { ...benchmarkBody, required: ['metric', 'period', 'source', 'subject', 'subjectKind', 'value'] },
      response: { 201: benchmarkSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const b = fullBenchmark(req.body);
    schemaFallback(req);
    const actor = actorOf(req.principal);
    const created = await db.tx(async (q) => {
      const existing = await repo.findBenchmark(q, b);
      if (existing) throw conflict('benchmark_exists', `${b.metric} ${b.period} of ${b.subject} (${b.source}) is already there; edit it`, { id: existing.id });
      const r = await repo.upsertBenchmark(q, newId(), b, actor.name);
      await audit.appendAudit(q, actor, 'survey.benchmark_created', { type: 'survey_benchmark', id: r.benchmark.id }, { ...b });
      return r.benchmark;
    });
    reply.code(201);
    return created;
  });

  app.patch<{ Params: { id: string }; Body: unknown }>('/api/surveys/benchmarks/:id', {
    preHandler: write, attachValidation: true,
    schema: {
      tags: ['surveys'], summary: 'Edit a benchmark (any of its fields)',
      params: { type: 'object', properties: { id: idString } }, body: { ...benchmarkBody, minProperties: 1 },
      response: { 200: benchmarkSchema, ...errorResponses },
    },
  }, async (req) => {
    const patch = checked(checkBenchmark(req.body, true));
    schemaFallback(req);
    const actor = actorOf(req.principal);
    return db.tx(async (q) => {
      const before = await repo.getBenchmark(q, req.params.id, true);
      if (!before) throw notFound('benchmark_not_found', `No benchmark '${req.params.id}'`);
      // The value's range depends on the metric: check the result as a whole.
      const { id: _i, updatedBy: _u, createdAt: _c, updatedAt: _a, ...fields } = before;
      const next = fullBenchmark({ ...fields, ...patch });
      const clash = await repo.findBenchmark(q, next);
      if (clash && clash.id !== before.id) throw conflict('benchmark_exists', `${next.metric} ${next.period} of ${next.subject} (${next.source}) exists already`, { id: clash.id });
      const updated = await repo.updateBenchmark(q, before.id, next, actor.name);
      await audit.appendAudit(q, actor, 'survey.benchmark_updated', { type: 'survey_benchmark', id: before.id }, { before: fields, changes: patch });
      return updated!;
    });
  });

  app.delete<{ Params: { id: string } }>('/api/surveys/benchmarks/:id', {
    preHandler: write,
    schema: {
      tags: ['surveys'], summary: 'Delete a benchmark', params: { type: 'object', properties: { id: idString } },
      response: { 200: benchmarkSchema, ...errorResponses },
    },
  }, async (req) => {
    const actor = actorOf(req.principal);
    return db.tx(async (q) => {
      const gone = await repo.deleteBenchmark(q, req.params.id);
      if (!gone) throw notFound('benchmark_not_found', `No benchmark '${req.params.id}'`);
      await audit.appendAudit(q, actor, 'survey.benchmark_deleted', { type: 'survey_benchmark', id: gone.id }, { ...gone });
      return gone;
    });
  });

  app.post<{ Body: FileBody }>('/api/surveys/benchmarks/import', {
    preHandler: write, bodyLimit: fileBodyLimit,
    schema: {
      tags: ['surveys'],
      summary: 'Import benchmarks from a CSV, xlsx or JSON file (columns metric, period, source, subject, subjectKind, value, note): the same metric/period/source/subject replaces its value; all or nothing; dryRun only validates',
      body: fileBody,
      response: { 200: { type: 'object', properties: { received: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' }, dryRun: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (req) => {
    const format = formatOf(req.body.filename, req.body.format);
    const records = await readRecords(Buffer.from(req.body.dataBase64, 'base64'), format, BENCHMARK_COLUMNS, ['metric', 'period', 'source', 'subject', 'value'], tz);
    const items = checkBenchmarkRows(records);
    return importBenchmarks(db, actorOf(req.principal), items, req.body.dryRun === true, { filename: req.body.filename, format });
  });
}

function checked<T>(c: { ok: true; value: T } | { ok: false; errors: { field: string; code: string; message: string }[] }): T {
  if (c.ok) return c.value;
  const first = c.errors[0]!;
  throw badRequest(first.code, `${first.field || 'body'}: ${first.message}`, { errors: c.errors });
}

const fullBenchmark = (raw: unknown): BenchmarkInput & { note: string | null } => {
  const v = checked(checkBenchmark(raw)) as BenchmarkInput;
  return { ...v, note: scrub(v.note ?? null) };
};

/** Rows of a benchmark file; a missing subject kind reads as 'industry' when the subject says 평균/업계, else 'company'. */
function checkBenchmarkRows(records: readonly { row: number; record: Record<string, unknown> }[]): (BenchmarkInput & { note: string | null })[] {
  const errors: IndexedError[] = [];
  const out: (BenchmarkInput & { note: string | null })[] = [];
  const seen = new Map<string, number>();
  for (const { row, record } of records) {
    const rec = { ...record };
    if (rec.subjectKind === undefined && typeof rec.subject === 'string') rec.subjectKind = /평균|업계|업권|산업|industry/i.test(rec.subject) ? 'industry' : 'company';
    const c = checkBenchmark(rec);
    if (!c.ok) { for (const e of c.errors) errors.push({ row, ...e }); continue; }
    const b = c.value as BenchmarkInput;
    const key = [b.metric, b.period, b.source, b.subject].join('\u0000');
    const prev = seen.get(key);
    if (prev !== undefined) { errors.push({ row, field: 'subject', code: 'duplicate_benchmark', message: `the same metric, period, source and subject as row ${prev}` }); continue; }
    seen.set(key, row);
    out.push({ ...b, note: scrub(b.note ?? null) });
  }
  if (errors.length > 0) throw refuse('invalid_file', errors, records.length, 'the benchmark file');
  return out;
}

async function importBenchmarks(db: Db, actor: audit.Actor, items: (BenchmarkInput & { note: string | null })[], dryRun: boolean, file: { filename: string; format: string }) {
  if (dryRun) {
    let existing = 0;
    for (const b of items) if (await repo.findBenchmark(db, b)) existing++;
    return { received: items.length, created: items.length - existing, updated: existing, dryRun: true };
  }
  return db.tx(async (q) => {
    let created = 0;
    for (const b of items) if ((await repo.upsertBenchmark(q, newId(), b, actor.name)).created) created++;
    const id = newId();
    await repo.insertImport(q, { id, kind: 'benchmarks', filename: file.filename, format: file.format, rows: items.length, created, unchanged: 0, updated: items.length - created, createdBy: actor.name });
    await audit.appendAudit(q, actor, 'survey.benchmarks_imported', { type: 'survey_benchmarks', id }, { ...file, received: items.length, created, updated: items.length - created });
    return { received: items.length, created, updated: items.length - created, dryRun: false };
  });
}

