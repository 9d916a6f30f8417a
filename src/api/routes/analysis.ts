import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  DATASET_KINDS, ImportTracker, KINDS, analysisWorkbook, marketingAnalysis, platformAnalysis, previewFile, rateAnalysis, startDatasetImport, view,
  type DatasetKind, type Mapping,
} from '../../analytics/analysis/index.js';
import { addDays, dayOf } from '../../analytics/briefing/time.js';
import { formatOf, IMPORT_FORMATS, MAX_REPORTED_ERRORS, TAXONOMY, type ImportFormat } from '../../analytics/statistics/index.js';
import { badRequest, notFound } from '../../core/errors.js';
import { XLSX_TYPE } from '../../core/xlsx.js';
import * as audit from '../../store/audit.js';
import * as repo from '../../store/datasets.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, idString } from '../schemas.js';

// Combined analysis (통합 분석): dataset kinds and their schemas, imports with
// a column-mapping suggestion, datasets (list, delete), and the joins of the
// datasets with complaints — per 1,000 consultations, per 10,000 sales,
// marketing contacted vs not, platform events before/after, customers with
// both — and an Excel workbook of them all. docs/analysis.md. Reads need
// datasets:read; imports and deletes datasets:write and are audited.

const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const base64Limit = (bytes: number) => Math.ceil(bytes / 3) * 4 + 16_384;
/** A small import finishes inside the request; a large one answers 202 and is polled. */
const IMPORT_WAIT_MS = 3_000;
const STALE_IMPORT_MINUTES = 30;

const dayParam = { type: 'string', format: 'date' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const kindParam = { type: 'string', enum: [...DATASET_KINDS] } as const;
const term = (d: 'product' | 'channel' | 'type') => ({ type: 'string', enum: TAXONOMY[d].map((t) => t.id) });
const fileBody = {
  format: { type: 'string', enum: [...IMPORT_FORMATS] }, filename: { type: 'string', minLength: 1, maxLength: 255 },
  dataBase64: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9+/\\s]*={0,2}\\s*$' }, text: { type: 'string', minLength: 1 },
} as const;
const mappingSchema = { type: 'object', additionalProperties: { type: ['string', 'null'], maxLength: 64 }, maxProperties: 200 } as const;
const rowErrorSchema = { type: 'object', properties: { row: { type: 'integer' }, field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } as const;
const importSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, kind: { type: 'string' }, datasetId: nullableString, datasetName: { type: 'string' }, format: { type: 'string' }, filename: { type: 'string' },
    dryRun: { type: 'boolean' }, status: { type: 'string', enum: ['running', 'completed', 'validated', 'rejected', 'failed'] }, mapping: mappingSchema,
    totalRows: { type: 'integer' }, processedRows: { type: 'integer' }, inserted: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' },
    errorCount: { type: 'integer' }, errors: { type: 'array', items: rowErrorSchema }, firstDay: nullableString, lastDay: nullableString, message: nullableString,
    createdBy: { type: 'string' }, createdAt: { type: 'string' }, finishedAt: nullableString,
    progress: { type: 'object', properties: { phase: { type: 'string' }, processed: { type: 'integer' }, total: { type: 'integer' } } },
  },
} as const;
const datasetSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' }, rows: { type: 'integer' }, quantity: { type: 'integer' }, firstDay: nullableString,
    lastDay: nullableString, lastImportAt: nullableString, lastImportBy: nullableString, lastImportFile: nullableString, createdBy: { type: 'string' },
    createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;
const rateItem = {
  type: 'object',
  properties: { group: { type: 'string' }, ko: { type: 'string' }, en: { type: 'string' }, complaints: { type: 'integer' }, denominator: { type: 'integer' }, rate: nullableNumber },
} as const;
const rateSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, per: { type: 'integer' }, groupBy: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, items: { type: 'array', items: rateItem },
    total: { type: 'object', properties: { complaints: { type: 'integer' }, denominator: { type: 'integer' }, rate: nullableNumber } },
  },
} as const;
const testSchema = {
  type: ['object', 'null'],
  properties: {
    p1: { type: 'number' }, p0: { type: 'number' }, difference: { type: 'number' }, low: { type: 'number' }, high: { type: 'number' }, ratio: nullableNumber,
    z: nullableNumber, pValue: nullableNumber,
  },
} as const;
const campaignSchema = {
  type: 'object',
  properties: {
    campaignId: { type: 'string' }, campaignName: nullableString, firstContact: { type: 'string' }, lastContact: { type: 'string' }, windowDays: { type: 'integer' },
    contacted: { type: 'integer' }, responded: { type: 'integer' }, contactedComplained: { type: 'integer' }, notContacted: { type: 'integer' },
    notContactedComplained: { type: 'integer' }, contactedRatePct: nullableNumber, notContactedRatePct: nullableNumber, test: testSchema, significant: { type: 'boolean' },
  },
} as const;
const eventSchema = {
  type: 'object',
  properties: {
    occurredAt: { type: 'string' }, day: { type: 'string' }, platform: nullableString, eventKind: nullableString, version: nullableString, count: { type: 'integer' },
    description: nullableString, before: { type: 'integer' }, after: { type: 'integer' }, afterDays: { type: 'integer' }, beforePerDay: nullableNumber,
    afterPerDay: nullableNumber, changePct: nullableNumber,
  },
} as const;
const overlapSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: { type: 'object', properties: { customerId: { type: 'string' }, consultations: { type: 'integer' }, complaints: { type: 'integer' }, refs: { type: 'array', items: { type: 'string' } }, lastConsultation: { type: 'string' } } },
    },
    summary: { type: 'object', properties: { withConsultations: { type: 'integer' }, withComplaints: { type: 'integer' }, withBoth: { type: 'integer' }, matching: { type: 'integer' } } },
    from: { type: 'string' }, to: { type: 'string' },
  },
} as const;

const periodProps = { from: dayParam, to: dayParam } as const;
const filterProps = { ...periodProps, product: term('product'), channel: term('channel'), type: term('type'), dataset: idString } as const;

interface PeriodQuery { from?: string; to?: string }
interface FilterQuery extends PeriodQuery { product?: string; channel?: string; type?: string; dataset?: string }

function sendFile(reply: FastifyReply, type: string, name: string, koName: string, body: Buffer) {
  reply.header('content-type', type);
  reply.header('content-disposition', `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(koName)}`);
  reply.header('cache-control', 'private, no-store');
  return reply.send(body);
}

/** The file of an import or preview body as bytes, with its format; 400 for what cannot be one. */
function fileOf(b: { format?: ImportFormat; filename: string; dataBase64?: string; text?: string }): { format: ImportFormat; data: Uint8Array } {
  if ((b.dataBase64 === undefined) === (b.text === undefined)) throw badRequest('file_required', 'Send the file as exactly one of dataBase64 or text');
  const format = b.format ?? formatOf(b.filename);
  if (!format) throw badRequest('unknown_format', 'Name the format (csv, xlsx, json) or use a file name ending in it', { filename: b.filename });
  if (format === 'xlsx' && b.text !== undefined) throw badRequest('file_required', 'An xlsx file must be sent as dataBase64');
  const data = b.text !== undefined ? new TextEncoder().encode(b.text) : Buffer.from(b.dataBase64!, 'base64');
  if (data.byteLength > MAX_IMPORT_BYTES) throw badRequest('file_too_large', `A file may be at most ${MAX_IMPORT_BYTES} bytes`, { max: MAX_IMPORT_BYTES });
  return { format, data };
}

export async function analysisRoutes(app: FastifyInstance, ctx: RadarContext): Promise<void> {
  const { db } = ctx;
  const tz = ctx.config.briefing.timezone;
  const read = requirePermission('datasets:read');
  const write = requirePermission('datasets:write');
  const tracker = new ImportTracker();
  app.addHook('onClose', async () => tracker.drain());
  const today = () => dayOf(new Date(), tz);

  /** [from, to) in local days: by default the current quarter so far (to = tomorrow). */
  const period = (qy: PeriodQuery, maxDays = 3660) => {
    const t = today();
    const to = qy.to ?? addDays(t, 1);
    const q0 = `${t.slice(0, 4)}-${String(Math.floor((+t.slice(5, 7) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    const from = qy.from ?? (qy.to ? addDays(to, -90) : q0);
    if (from >= to) throw badRequest('invalid_range', '`from` must be before `to`', { from, to });
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > maxDays) throw badRequest('range_too_long', `A period covers at most ${maxDays} days`, { from, to, maxDays });
    return { from, to };
  };
  const filter = (qy: FilterQuery, maxDays?: number): repo.JoinFilter => ({
    ...period(qy, maxDays), tz, product: qy.product ?? null, channel: qy.channel ?? null, type: qy.type ?? null, datasetId: qy.dataset ?? null,
  });

  app.get('/api/analysis/kinds', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: 'Dataset kinds and their declared schemas (fields, types, required, the headers each field is recognised by, the join column it fills) and the product/channel/type vocabularies of the filters',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } }, timezone: { type: 'string' }, today: { type: 'string' }, maxImportBytes: { type: 'integer' }, taxonomy: { type: 'object', additionalProperties: true } } } },
    },
  }, async () => ({
    items: DATASET_KINDS.map((k) => KINDS[k]), timezone: tz, today: today(), maxImportBytes: MAX_IMPORT_BYTES,
    // The filters' vocabularies (readers of datasets need not hold statistics:read).
    taxonomy: { product: TAXONOMY.product, channel: TAXONOMY.channel, type: TAXONOMY.type },
  }));

  app.post<{ Body: { kind: DatasetKind; format?: ImportFormat; filename: string; dataBase64?: string; text?: string } }>('/api/analysis/imports/preview', {
    preHandler: write,
    bodyLimit: base64Limit(MAX_IMPORT_BYTES),
    schema: {
      tags: ['analysis'], summary: 'Read a file and suggest its column mapping (headers → fields of the kind) with the first rows, redacted; nothing is stored',
      body: { type: 'object', required: ['kind', 'filename'], additionalProperties: false, properties: { kind: kindParam, ...fileBody } },
      response: {
        200: {
          type: 'object',
          properties: {
            headers: { type: 'array', items: { type: 'string' } }, totalRows: { type: 'integer' }, suggestion: mappingSchema,
            problems: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } },
            sample: { type: 'array', items: { type: 'object', properties: { row: { type: 'integer' }, values: { type: 'object', additionalProperties: { type: 'string' } } } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const { format, data } = fileOf(req.body);
    return previewFile(req.body.kind, format, data);
  });

  app.post<{ Body: { kind: DatasetKind; dataset: string; format?: ImportFormat; filename: string; dataBase64?: string; text?: string; mapping?: Mapping; dryRun?: boolean } }>('/api/analysis/imports', {
    preHandler: write,
    bodyLimit: base64Limit(MAX_IMPORT_BYTES),
    schema: {
      tags: ['analysis'],
      summary: 'Import a dataset file (CSV, xlsx, JSON) into the named dataset of a kind (created when new) through a column mapping (the suggestion when left out). Any bad row rejects the file (400 import_invalid with row errors) and nothing is stored; re-importing updates rows by id (or value hash). dryRun validates only. 200 when done, 202 while storing (poll GET /api/analysis/imports/:id)',
      body: {
        type: 'object', required: ['kind', 'dataset', 'filename'], additionalProperties: false,
        properties: { kind: kindParam, dataset: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' }, ...fileBody, mapping: mappingSchema, dryRun: { type: 'boolean', default: false } },
      },
      response: { 200: importSchema, 202: importSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const b = req.body;
    const { format, data } = fileOf(b);
    const started = await startDatasetImport(db, tracker, actorOf(req.principal), {
      kind: b.kind, datasetName: b.dataset.trim(), format, filename: b.filename, data, mapping: b.mapping, dryRun: b.dryRun ?? false,
    }, tz);
    if (started.work) await tracker.wait(started.record.id, IMPORT_WAIT_MS);
    const rec = (await repo.getImport(db, started.record.id))!;
    reply.code(rec.status === 'running' ? 202 : 200);
    return view(rec, tracker);
  });

  app.get<{ Querystring: { limit?: number; dataset?: string } }>('/api/analysis/imports', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: 'Recent dataset imports, newest first (dry runs and rejected files included)',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, dataset: idString } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: importSchema } } }, ...errorResponses },
    },
  }, async (req) => {
    await repo.failStaleImports(db, STALE_IMPORT_MINUTES);
    return { items: (await repo.listImports(db, req.query.limit ?? 20, req.query.dataset)).map((r) => view(r, tracker)) };
  });

  app.get<{ Params: { id: string } }>('/api/analysis/imports/:id', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: `One import with its progress and up to ${MAX_REPORTED_ERRORS} row errors`,
      params: { type: 'object', properties: { id: idString } }, response: { 200: importSchema, ...errorResponses },
    },
  }, async (req) => {
    await repo.failStaleImports(db, STALE_IMPORT_MINUTES);
    const rec = await repo.getImport(db, req.params.id);
    if (!rec) throw notFound('import_not_found', 'No such import');
    return view(rec, tracker);
  });

  app.get<{ Querystring: { kind?: DatasetKind } }>('/api/analysis/datasets', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: 'Datasets with their rows, the period they cover and their last import',
      querystring: { type: 'object', additionalProperties: false, properties: { kind: kindParam } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: datasetSchema } } }, ...errorResponses },
    },
  }, async (req) => ({ items: await repo.listDatasets(db, req.query.kind) }));

  app.delete<{ Params: { id: string } }>('/api/analysis/datasets/:id', {
    preHandler: write,
    schema: {
      tags: ['analysis'], summary: 'Delete a dataset and all its rows (retention); the import log is kept',
      params: { type: 'object', properties: { id: idString } }, response: { 204: { type: 'null' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const actor = actorOf(req.principal);
    await db.tx(async (q) => {
      const gone = await repo.deleteDataset(q, req.params.id);
      if (!gone) throw notFound('dataset_not_found', 'No such dataset');
      await audit.appendAudit(q, actor, 'datasets.deleted', { type: 'dataset', id: gone.id }, { kind: gone.kind, name: gone.name, rows: gone.rows, firstDay: gone.firstDay, lastDay: gone.lastDay });
    });
    return reply.code(204).send();
  });

  const groupBy = (allowed: readonly repo.GroupBy[], def: repo.GroupBy) => ({ type: 'string', enum: [...allowed], default: def });

  app.get<{ Querystring: FilterQuery & { groupBy?: repo.GroupBy } }>('/api/analysis/consultation-rate', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: 'Complaints per 1,000 consultations over [from, to) by product, channel or period (complaints × 1,000 ÷ consultations), with numerators and denominators',
      querystring: { type: 'object', additionalProperties: false, properties: { ...filterProps, groupBy: groupBy(repo.GROUP_BY, 'product') } },
      response: { 200: rateSchema, ...errorResponses },
    },
  }, async (req) => {
    const g = req.query.groupBy ?? 'product';
    return rateAnalysis(db, 'consultations', g, filter(req.query, g === 'day' ? 366 : undefined));
  });

  app.get<{ Querystring: FilterQuery & { groupBy?: repo.GroupBy } }>('/api/analysis/sales-rate', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: 'Complaints per 10,000 units sold over [from, to) by product or period (complaints × 10,000 ÷ units sold), with numerators and denominators',
      querystring: { type: 'object', additionalProperties: false, properties: { ...filterProps, groupBy: groupBy(['product', 'month', 'quarter', 'total'], 'product') } },
      response: { 200: rateSchema, ...errorResponses },
    },
  }, async (req) => rateAnalysis(db, 'sales', req.query.groupBy ?? 'product', filter(req.query)));

  app.get<{ Querystring: { campaign?: string; windowDays?: number; from?: string; to?: string; type?: string; product?: string } }>('/api/analysis/marketing', {
    preHandler: read,
    schema: {
      tags: ['analysis'],
      summary: 'Per campaign: share of contacted customers who complained within windowDays of their first contact, against customers of the datasets the campaign did not contact (same window from the campaign\'s first contact); difference with a 95 % Wald interval and a pooled two-proportion z test',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { campaign: { type: 'string', maxLength: 64 }, windowDays: { type: 'integer', minimum: 1, maximum: 365, default: 30 }, ...periodProps, type: term('type'), product: term('product') },
      },
      response: { 200: { type: 'object', properties: { windowDays: { type: 'integer' }, items: { type: 'array', items: campaignSchema } } }, ...errorResponses },
    },
  }, async (req) => {
    const qy = req.query;
    if (qy.from && qy.to && qy.from >= qy.to) throw badRequest('invalid_range', '`from` must be before `to`');
    return marketingAnalysis(db, { tz, windowDays: qy.windowDays ?? 30, campaignId: qy.campaign ?? null, from: qy.from ?? null, to: qy.to ?? null, type: qy.type ?? null, product: qy.product ?? null });
  });

  app.get<{ Querystring: FilterQuery & { windowDays?: number; platform?: string; eventKind?: string } }>('/api/analysis/platform', {
    preHandler: read,
    schema: {
      tags: ['analysis'],
      summary: 'Complaints per day over [from, to) (e.g. type=system, channel=app) and the platform events of those days, each with the complaints in the windowDays before its day and from its day on',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...filterProps, windowDays: { type: 'integer', minimum: 1, maximum: 90, default: 7 }, platform: { type: 'string', maxLength: 50 }, eventKind: { type: 'string', maxLength: 50 } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' }, to: { type: 'string' }, windowDays: { type: 'integer' }, total: { type: 'integer' },
            days: { type: 'array', items: { type: 'object', properties: { day: { type: 'string' }, complaints: { type: 'integer' } } } },
            events: { type: 'array', items: eventSchema },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const qy = req.query;
    return platformAnalysis(db, { ...filter(qy, 366), windowDays: qy.windowDays ?? 7, platform: qy.platform ?? null, eventKind: qy.eventKind ?? null }, today());
  });

  app.get<{ Querystring: FilterQuery & { minConsultations?: number; limit?: number } }>('/api/analysis/customers', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: 'Customers with at least minConsultations consultations and a complaint over [from, to): the top N by complaints, with their complaint references',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...filterProps, minConsultations: { type: 'integer', minimum: 1, maximum: 1000, default: 2 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 } },
      },
      response: { 200: overlapSchema, ...errorResponses },
    },
  }, async (req) => {
    const f = filter(req.query);
    return { ...(await repo.customerOverlap(db, { ...f, minConsultations: req.query.minConsultations ?? 2, limit: req.query.limit ?? 20 })), from: f.from, to: f.to };
  });

  app.get<{ Querystring: FilterQuery & { windowDays?: number } }>('/api/analysis/export.xlsx', {
    preHandler: read,
    schema: {
      tags: ['analysis'], summary: 'Every analysis of a period as an Excel workbook (rates with numerators and denominators, campaigns, platform events, customers, datasets)',
      querystring: { type: 'object', additionalProperties: false, properties: { ...filterProps, windowDays: { type: 'integer', minimum: 1, maximum: 90, default: 7 } } },
      response: { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const f = filter(req.query, 366);
    const actor = actorOf(req.principal);
    const buf = await analysisWorkbook({
      consultations: await rateAnalysis(db, 'consultations', 'product', f),
      sales: await rateAnalysis(db, 'sales', 'product', f),
      marketing: (await marketingAnalysis(db, { tz, windowDays: 30, from: f.from, to: f.to, type: f.type, product: f.product })).items,
      platform: await platformAnalysis(db, { ...f, windowDays: req.query.windowDays ?? 7 }, today()),
      customers: (await repo.customerOverlap(db, { ...f, minConsultations: 2, limit: 500 })).items,
      datasets: await repo.listDatasets(db),
      filters: { 기간: `${f.from} ~ ${f.to} (종료일 제외)`, 상품: f.product, 채널: f.channel, 민원유형: f.type },
      by: actor.name,
    });
    await audit.appendAudit(db, actor, 'export.analysis', { type: 'export' }, { from: f.from, to: f.to, product: f.product, channel: f.channel, type: f.type });
    return sendFile(reply, XLSX_TYPE, `radar-analysis-${f.from}-${f.to}.xlsx`, `통합분석-${f.from}-${f.to}.xlsx`, buf);
  });
}
