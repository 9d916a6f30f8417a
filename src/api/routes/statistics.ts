import type { FastifyInstance } from 'fastify';
import {
  BASE_PERIOD_RE, BREAKDOWN_DIMENSIONS, COLUMNS, DIMENSIONS, IMPORT_FORMATS, IMPORT_KINDS, ImportTracker, MAX_REPORTED_ERRORS, PEER_MEASURES, TAXONOMY,
  complaintRow, currentPeriodId, formatOf, isTerm, localDay, monitoringVolume, parsePeriod, peerComparison, periodSummary, startImport,
  statisticsWorkbook, trendFor, view, type Granularity, type ImportFormat, type ImportKind, type Scope,
} from '../../analytics/statistics/index.js';
import { badRequest, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { redact } from '../../privacy/redact.js';
import * as audit from '../../store/audit.js';
import * as casesRepo from '../../store/cases.js';
import * as repo from '../../store/statistics.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, idString } from '../schemas.js';
import { sendDownload, sendWorkbook } from '../download.js';

// Complaint statistics (민원 통계): KPI summary with year-on-year change and the
// converted count, trend, breakdowns, peer comparison, monitoring volume, the
// customer base, complaint records and their imports, and an Excel workbook.
// docs/statistics.md. Reads need statistics:read, every change statistics:write
// and lands in the audit trail.

const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const base64Limit = (bytes: number) => Math.ceil(bytes / 3) * 4 + 16_384;
/** A small import finishes inside the request; a large one answers 202 and is polled. */
const IMPORT_WAIT_MS = 3_000;
/** An import running longer than this was cut off by a stopped server (100,000 rows take well under a minute). */
const STALE_IMPORT_MINUTES = 30;

const periodParam = { type: 'string', minLength: 4, maxLength: 12, pattern: '^\\d{4}(-(0[1-9]|1[0-2]|Q[1-4](-YTD)?))?$' } as const;
const basePeriodParam = { type: 'string', pattern: BASE_PERIOD_RE.source } as const;
const monthParam = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } as const;
const dayParam = { type: 'string', format: 'date' } as const;
const scopeParam = { type: 'string', enum: ['all', 'internal', 'external'], default: 'all' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;

const periodSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, kind: { type: 'string' }, year: { type: 'integer' }, index: nullableInt, from: { type: 'string' }, to: { type: 'string' },
    label: { type: 'object', properties: { ko: { type: 'string' }, en: { type: 'string' } } },
  },
} as const;
const comparedProps = { count: { type: 'integer' }, previous: { type: 'integer' }, change: nullableNumber, changePct: nullableNumber } as const;
const breakdownItem = {
  type: 'object', properties: { id: { type: 'string' }, ko: { type: 'string' }, en: { type: 'string' }, ...comparedProps, share: { type: 'number' } },
} as const;
const customerBaseRef = { type: ['object', 'null'], properties: { customers: { type: 'integer' }, basis: { type: 'string' } } } as const;
const summarySchema = {
  type: 'object',
  properties: {
    period: periodSchema, previousPeriod: periodSchema, scope: { type: 'string' },
    complaints: { type: 'object', properties: comparedProps },
    customers: { type: 'object', properties: { now: customerBaseRef, previous: customerBaseRef } },
    converted: { type: 'object', properties: { value: nullableNumber, previous: nullableNumber, change: nullableNumber, changePct: nullableNumber } },
    breakdowns: { type: 'object', properties: Object.fromEntries(BREAKDOWN_DIMENSIONS.map((d) => [d, { type: 'array', items: breakdownItem }])) },
  },
} as const;
const peerSchema = {
  type: 'object',
  properties: {
    company: { type: 'string' }, period: { type: 'string' }, isSelf: { type: 'boolean' }, complaints: nullableInt, converted: nullableNumber,
    complaintsChangePct: nullableNumber, convertedChangePct: nullableNumber, source: { type: 'string' }, updatedBy: { type: 'string' }, updatedAt: { type: 'string' },
    ranks: { type: 'object', properties: Object.fromEntries(PEER_MEASURES.map((m) => [m, nullableInt])) },
  },
} as const;
const customerBaseSchema = {
  type: 'object',
  properties: { period: { type: 'string' }, customers: { type: 'integer' }, note: { type: 'string' }, updatedBy: { type: 'string' }, updatedAt: { type: 'string' } },
} as const;
const recordedMonthSchema = {
  type: ['object', 'null'],
  properties: {
    month: { type: 'string' }, monitoredCases: { type: 'integer' }, alerts: nullableInt, casesOpened: nullableInt, note: { type: 'string' },
    updatedBy: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;
const rowErrorSchema = {
  type: 'object', properties: { row: { type: 'integer' }, field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
} as const;
const importSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, kind: { type: 'string' }, format: { type: 'string' }, filename: { type: 'string' }, sourceSystem: nullableString,
    dryRun: { type: 'boolean' }, status: { type: 'string', enum: ['running', 'completed', 'validated', 'rejected', 'failed'] },
    totalRows: { type: 'integer' }, processedRows: { type: 'integer' }, inserted: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' },
    errorCount: { type: 'integer' }, errors: { type: 'array', items: rowErrorSchema }, message: nullableString, createdBy: { type: 'string' },
    createdAt: { type: 'string' }, finishedAt: nullableString, unknownColumns: { type: 'array', items: { type: 'string' } },
    progress: { type: 'object', properties: { phase: { type: 'string' }, processed: { type: 'integer' }, total: { type: 'integer' } } },
  },
} as const;
const recordProps = {
  externalId: { type: 'string' }, receivedOn: { type: 'string' }, channel: { type: 'string' }, product: { type: 'string' }, type: { type: 'string' },
  cause: { type: 'string' }, scope: { type: 'string' }, externalBody: nullableString, severity: { type: 'integer' }, status: { type: 'string' },
  customerId: nullableString, caseId: nullableString, summary: { type: 'string' },
} as const;
const recordSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, sourceSystem: { type: 'string' }, ...recordProps, importId: nullableString, createdAt: { type: 'string' }, updatedAt: { type: 'string' } },
} as const;
const classificationSchema = {
  type: 'object',
  properties: {
    caseId: { type: 'string' }, channel: { type: 'string' }, product: { type: 'string' }, type: { type: 'string' }, cause: { type: 'string' },
    scope: { type: 'string' }, externalBody: nullableString, updatedBy: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;
const term = (d: (typeof DIMENSIONS)[number]) => ({ type: 'string', enum: TAXONOMY[d].map((t) => t.id) });

/** A template for each import kind: the header row and one example row. */
export function importTemplate(kind: ImportKind): string {
  const examples: Record<ImportKind, Record<string, string>> = {
    complaints: {
      externalId: 'CRM-2026-000123', receivedOn: '2026-09-30', channel: '전화', product: '신용카드', type: '결제·승인', cause: '업무 처리 지연·오류',
      scope: '대외', externalBody: '금융감독원', severity: '3', status: '처리중', customerId: 'CUST-10231', caseId: '', summary: '중복 승인 취소 지연',
    },
    peers: { company: '현대카드', period: '2026-Q3-YTD', complaints: '', converted: '', complaintsChangePct: '+31%', convertedChangePct: '+20%', isSelf: '', source: '여신금융협회 민원공시' },
    customers: { period: '2026-Q3', customers: '11950000', note: '분기말 회원 수' },
  };
  const cols = COLUMNS[kind];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `\ufeff${cols.map((c) => c.headers[0]).join(',')}\r\n${cols.map((c) => q(examples[kind][c.field] ?? '')).join(',')}\r\n`;
}

export async function statisticsRoutes(app: FastifyInstance, ctx: RadarContext): Promise<void> {
  const { db } = ctx;
  const tz = ctx.config.briefing.timezone;
  const companyName = ctx.config.companyName;
  const read = requirePermission('statistics:read');
  const write = requirePermission('statistics:write');
  const tracker = new ImportTracker();
  app.addHook('onClose', async () => tracker.drain());
  const today = () => localDay(Date.now(), tz);

  app.get('/api/statistics/taxonomy', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'The standard complaint taxonomy (channel, product, type, cause, scope, external body, status) with Korean and English labels',
      response: { 200: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, ko: { type: 'string' }, en: { type: 'string' }, aliases: { type: 'array', items: { type: 'string' } } } } } } },
    },
  }, async () => TAXONOMY);

  app.get('/api/statistics/settings', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'Time zone, the company name used when no published figure of ours exists, the current periods and import limits',
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => {
    const t = today();
    return {
      timezone: tz, companyName, today: t, currentQuarterToDate: currentPeriodId('ytd', t), currentMonth: currentPeriodId('month', t),
      maxImportBytes: MAX_IMPORT_BYTES, importKinds: IMPORT_KINDS, importFormats: IMPORT_FORMATS,
      columns: Object.fromEntries(IMPORT_KINDS.map((k) => [k, COLUMNS[k].map((c) => ({ field: c.field, headers: c.headers, required: c.required === true }))])),
    };
  });

  app.get<{ Querystring: { period?: string; scope?: Scope } }>('/api/statistics/summary', {
    preHandler: read,
    schema: {
      tags: ['statistics'],
      summary: 'Complaints of a period against the same period a year earlier, the converted count per 100,000 customers and breakdowns (period: 2026-Q3-YTD, 2026-Q3, 2026-09, 2026)',
      querystring: { type: 'object', additionalProperties: false, properties: { period: periodParam, scope: scopeParam } },
      response: { 200: summarySchema, ...errorResponses },
    },
  }, async (req) => periodSummary(db, req.query.period ?? currentPeriodId('ytd', today()), req.query.scope ?? 'all', tz));

  app.get<{ Querystring: { granularity?: Granularity; from?: string; to?: string; scope?: Scope } }>('/api/statistics/trend', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'Complaints per day, month or quarter over [from, to) with the same bucket a year earlier, and the year\'s cumulative-to-quarter counts',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { granularity: { type: 'string', enum: ['day', 'month', 'quarter'], default: 'month' }, from: dayParam, to: dayParam, scope: scopeParam },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            granularity: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
            points: { type: 'array', items: { type: 'object', properties: { bucket: { type: 'string' }, count: { type: 'integer' }, internal: { type: 'integer' }, external: { type: 'integer' }, previous: { type: 'integer' } } } },
            cumulative: { type: 'array', items: { type: 'object', properties: { quarter: { type: 'string' }, count: { type: 'integer' }, previous: { type: 'integer' }, changePct: nullableNumber } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const g = req.query.granularity ?? 'month';
    const t = today();
    const to = req.query.to ?? new Date(Date.parse(`${t}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const from = req.query.from ?? `${+to.slice(0, 4) - 1}${to.slice(4, 8)}01`;
    if (from >= to) throw badRequest('invalid_range', '`from` must be before `to`', { from, to });
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days > (g === 'day' ? 366 : 3660)) throw badRequest('range_too_long', g === 'day' ? 'A daily trend covers at most 366 days' : 'A trend covers at most ten years', { from, to });
    return trendFor(db, from, to, g, req.query.scope ?? 'all', tz);
  });

  app.get<{ Querystring: { period?: string } }>('/api/statistics/peers', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'Published figures of peer companies for a period with each company\'s rank on each measure (1 = lowest); ours computed when not published',
      querystring: { type: 'object', additionalProperties: false, properties: { period: periodParam } },
      response: {
        200: {
          type: 'object',
          properties: {
            period: { type: 'string' }, items: { type: 'array', items: peerSchema }, selfComputed: { type: 'boolean' },
            counts: { type: 'object', properties: Object.fromEntries(PEER_MEASURES.map((m) => [m, { type: 'integer' }])) },
            measured: { type: 'object', properties: { complaints: { type: 'integer' }, converted: nullableNumber, complaintsChangePct: nullableNumber, convertedChangePct: nullableNumber } },
            periods: { type: 'array', items: { type: 'object', properties: { period: { type: 'string' }, companies: { type: 'integer' } } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const period = req.query.period ?? currentPeriodId('ytd', today());
    parsePeriod(period);
    return { ...(await peerComparison(db, period, companyName, tz)), periods: await repo.peerPeriods(db) };
  });

  app.put<{ Body: { company: string; period: string; isSelf?: boolean; complaints?: number | null; converted?: number | null; complaintsChangePct?: number | null; convertedChangePct?: number | null; source?: string } }>('/api/statistics/peers', {
    preHandler: write,
    schema: {
      tags: ['statistics'], summary: 'Set one company\'s published figures for a period (changes in percent as published: 31 = +31 %)',
      body: {
        type: 'object', required: ['company', 'period'], additionalProperties: false,
        properties: {
          company: { type: 'string', minLength: 1, maxLength: 100 }, period: periodParam, isSelf: { type: 'boolean', default: false },
          complaints: { type: ['integer', 'null'], minimum: 0 }, converted: { type: ['number', 'null'], minimum: 0 },
          complaintsChangePct: { type: ['number', 'null'], minimum: -100, maximum: 100000 }, convertedChangePct: { type: ['number', 'null'], minimum: -100, maximum: 100000 },
          source: { type: 'string', maxLength: 200 },
        },
      },
      response: { 200: peerSchema, ...errorResponses },
    },
  }, async (req) => {
    const b = req.body;
    const company = b.company.trim();
    if (!company) throw badRequest('invalid_company', 'The company name is empty');
    const input = {
      company, period: b.period, isSelf: b.isSelf ?? false, complaints: b.complaints ?? null,
      converted: b.converted === null || b.converted === undefined ? null : Math.round(b.converted * 100) / 100,
      complaintsChangePct: b.complaintsChangePct ?? null, convertedChangePct: b.convertedChangePct ?? null, source: b.source?.trim() ?? '',
    };
    if (input.complaints === null && input.converted === null && input.complaintsChangePct === null && input.convertedChangePct === null) {
      throw badRequest('figure_required', 'Give at least one figure: complaints, converted, or a change');
    }
    const actor = actorOf(req.principal);
    return db.tx(async (q) => {
      const { before, after } = await repo.upsertPeer(q, input, actor.name);
      await audit.appendAudit(q, actor, 'statistics.peer_set', { type: 'peer_figure', id: `${input.period}/${company}` }, { before, after: input });
      return { ...after, ranks: { complaints: null, converted: null, complaintsChangePct: null, convertedChangePct: null } };
    });
  });

  app.delete<{ Querystring: { period: string; company: string } }>('/api/statistics/peers', {
    preHandler: write,
    schema: {
      tags: ['statistics'], summary: 'Remove one company\'s figures for a period',
      querystring: { type: 'object', required: ['period', 'company'], additionalProperties: false, properties: { period: periodParam, company: { type: 'string', minLength: 1, maxLength: 100 } } },
      response: { 204: { type: 'null' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const actor = actorOf(req.principal);
    await db.tx(async (q) => {
      const gone = await repo.deletePeer(q, req.query.period, req.query.company);
      if (!gone) throw notFound('peer_figure_not_found', `No figures of ${req.query.company} for ${req.query.period}`);
      await audit.appendAudit(q, actor, 'statistics.peer_deleted', { type: 'peer_figure', id: `${req.query.period}/${req.query.company}` }, { before: gone });
    });
    return reply.code(204).send();
  });

  app.get('/api/statistics/customer-base', {
    preHandler: read,
    schema: { tags: ['statistics'], summary: 'Number of customers per month or quarter (the converted count\'s denominator)', response: { 200: { type: 'object', properties: { items: { type: 'array', items: customerBaseSchema } } } } },
  }, async () => ({ items: await repo.listCustomerBase(db) }));

  app.put<{ Params: { period: string }; Body: { customers: number; note?: string } }>('/api/statistics/customer-base/:period', {
    preHandler: write,
    schema: {
      tags: ['statistics'], summary: 'Set the number of customers of a month (2026-09) or quarter (2026-Q3)',
      params: { type: 'object', properties: { period: basePeriodParam } },
      body: { type: 'object', required: ['customers'], additionalProperties: false, properties: { customers: { type: 'integer', minimum: 1, maximum: 1_000_000_000 }, note: { type: 'string', maxLength: 500 } } },
      response: { 200: customerBaseSchema, ...errorResponses },
    },
  }, async (req) => {
    const actor = actorOf(req.principal);
    const note = req.body.note ? redact(req.body.note.trim()).text : '';
    return db.tx(async (q) => {
      const { before, after } = await repo.upsertCustomerBase(q, { period: req.params.period, customers: req.body.customers, note }, actor.name);
      await audit.appendAudit(q, actor, 'statistics.customer_base_set', { type: 'customer_base', id: req.params.period }, { before: before?.customers ?? null, after: after.customers });
      return after;
    });
  });

  app.delete<{ Params: { period: string } }>('/api/statistics/customer-base/:period', {
    preHandler: write,
    schema: { tags: ['statistics'], summary: 'Remove a period\'s customer count', params: { type: 'object', properties: { period: basePeriodParam } }, response: { 204: { type: 'null' }, ...errorResponses } },
  }, async (req, reply) => {
    const actor = actorOf(req.principal);
    await db.tx(async (q) => {
      const gone = await repo.deleteCustomerBase(q, req.params.period);
      if (!gone) throw notFound('customer_base_not_found', `No customer count for ${req.params.period}`);
      await audit.appendAudit(q, actor, 'statistics.customer_base_deleted', { type: 'customer_base', id: req.params.period }, { before: gone.customers });
    });
    return reply.code(204).send();
  });

  app.get<{ Querystring: { from?: string; to?: string } }>('/api/statistics/monitoring', {
    preHandler: read,
    schema: {
      tags: ['statistics'],
      summary: 'Monitoring volume per month: calls the real-time monitoring flagged (calls with alerts), alerts raised and cases opened from alerts; recorded figures for months before the system',
      querystring: { type: 'object', additionalProperties: false, properties: { from: monthParam, to: monthParam } },
      response: {
        200: {
          type: 'object',
          properties: {
            months: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  month: { type: 'string' }, monitoredCases: { type: 'integer' }, source: { type: 'string', enum: ['measured', 'recorded', 'none'] },
                  callsWithAlerts: { type: 'integer' }, alerts: { type: 'integer' }, casesOpened: { type: 'integer' }, recorded: recordedMonthSchema, partial: { type: 'boolean' },
                },
              },
            },
            total: { type: 'integer' }, averagePerMonth: nullableInt, changePct: nullableNumber,
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const to = req.query.to ?? today().slice(0, 7);
    const from = req.query.from ?? `${+to.slice(0, 4) - 1}-${to.slice(5, 7)}`;
    if (from > to) throw badRequest('invalid_range', '`from` must not be after `to`', { from, to });
    if ((+to.slice(0, 4) - +from.slice(0, 4)) * 12 + (+to.slice(5) - +from.slice(5)) >= 120) throw badRequest('range_too_long', 'At most 120 months', { from, to });
    return monitoringVolume(db, from, to, tz, today().slice(0, 7));
  });

  app.put<{ Params: { month: string }; Body: { monitoredCases: number; alerts?: number | null; casesOpened?: number | null; note?: string } }>('/api/statistics/monitoring/:month', {
    preHandler: write,
    schema: {
      tags: ['statistics'], summary: 'Record a month\'s monitoring volume from before the system measured it (the old monitoring\'s report)',
      params: { type: 'object', properties: { month: monthParam } },
      body: {
        type: 'object', required: ['monitoredCases'], additionalProperties: false,
        properties: { monitoredCases: { type: 'integer', minimum: 0, maximum: 10_000_000 }, alerts: { type: ['integer', 'null'], minimum: 0 }, casesOpened: { type: ['integer', 'null'], minimum: 0 }, note: { type: 'string', maxLength: 500 } },
      },
      response: { 200: recordedMonthSchema, ...errorResponses },
    },
  }, async (req) => {
    const actor = actorOf(req.principal);
    const m = { month: req.params.month, monitoredCases: req.body.monitoredCases, alerts: req.body.alerts ?? null, casesOpened: req.body.casesOpened ?? null, note: req.body.note?.trim() ?? '' };
    return db.tx(async (q) => {
      const { before, after } = await repo.upsertRecordedMonitoring(q, m, actor.name);
      await audit.appendAudit(q, actor, 'statistics.monitoring_set', { type: 'monitoring_volume', id: m.month }, { before: before?.monitoredCases ?? null, after: m.monitoredCases });
      return after;
    });
  });

  app.get<{ Querystring: { from?: string; to?: string; scope?: string; channel?: string; product?: string; type?: string; sourceSystem?: string; limit?: number; offset?: number } }>('/api/statistics/records', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'Stored complaint records (imported or entered), newest received first; VOM cases are counted from the cases themselves',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          from: dayParam, to: dayParam, scope: { type: 'string', enum: ['internal', 'external'] }, channel: term('channel'), product: term('product'), type: term('type'),
          sourceSystem: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: recordSchema }, total: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => repo.listRecords(db, { ...req.query, limit: req.query.limit ?? 50 }));

  app.post<{ Body: Record<string, unknown> & { sourceSystem?: string } }>('/api/statistics/records', {
    preHandler: write,
    schema: {
      tags: ['statistics'], summary: 'Add (or, for a known source system + external id, update) one complaint record; values as ids or labels of the taxonomy',
      body: {
        type: 'object', required: ['externalId', 'receivedOn', 'channel', 'product', 'type'], additionalProperties: false,
        properties: {
          sourceSystem: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
          externalId: { type: 'string', minLength: 1, maxLength: 128 }, receivedOn: { type: 'string' }, channel: { type: 'string' }, product: { type: 'string' },
          type: { type: 'string' }, cause: { type: 'string' }, scope: { type: 'string' }, externalBody: { type: ['string', 'null'] },
          severity: { type: 'integer', minimum: 1, maximum: 5 }, status: { type: 'string' }, customerId: { type: ['string', 'null'] }, caseId: { type: ['string', 'null'] },
          summary: { type: 'string', maxLength: 2000 },
        },
      },
      response: { 200: recordSchema, 201: recordSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const { sourceSystem = 'manual', ...values } = req.body;
    const fields = new Map(Object.keys(values).map((k) => [k, k]));
    const res = complaintRow({ row: 1, values: values as Record<string, string | number | null> }, fields, today());
    if (!res.value) throw badRequest('invalid_record', res.errors.map((e) => e.message).join('; '), { errors: res.errors });
    const rec = res.value;
    const actor = actorOf(req.principal);
    const stored = await db.tx(async (q) => {
      if (rec.caseId && (await repo.existingCases(q, [rec.caseId])).size === 0) throw badRequest('unknown_case', `No VOM case ${rec.caseId}`, { field: 'caseId' });
      const counts = await repo.upsertRecords(q, sourceSystem, [rec], [newId()], null);
      const after = (await repo.getRecord(q, sourceSystem, rec.externalId))!;
      if (counts.unchanged === 0) {
        await audit.appendAudit(q, actor, counts.inserted ? 'statistics.record_created' : 'statistics.record_updated', { type: 'complaint_record', id: after.id }, { sourceSystem, externalId: rec.externalId });
      }
      return { after, created: counts.inserted === 1 };
    });
    reply.code(stored.created ? 201 : 200);
    return stored.after;
  });

  app.get<{ Params: { caseId: string } }>('/api/statistics/cases/:caseId/classification', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'The standard classification of a VOM case (404 when it has none and counts with the defaults)',
      params: { type: 'object', properties: { caseId: idString } }, response: { 200: classificationSchema, ...errorResponses },
    },
  }, async (req) => {
    const c = await repo.getCaseClassification(db, req.params.caseId);
    if (!c) throw notFound('classification_not_found', 'This case has no classification yet (it counts as channel by source, other fields unclassified, internal)');
    return c;
  });

  app.put<{ Params: { caseId: string }; Body: { channel: string; product: string; type: string; cause?: string; scope: 'internal' | 'external'; externalBody?: string | null } }>('/api/statistics/cases/:caseId/classification', {
    preHandler: write,
    schema: {
      tags: ['statistics'], summary: 'Classify a VOM case on the standard taxonomy (how it counts in the statistics)',
      params: { type: 'object', properties: { caseId: idString } },
      body: {
        type: 'object', required: ['channel', 'product', 'type', 'scope'], additionalProperties: false,
        properties: {
          channel: term('channel'), product: term('product'), type: term('type'), cause: term('cause'), scope: term('scope'),
          externalBody: { anyOf: [term('externalBody'), { type: 'null' }] },
        },
      },
      response: { 200: classificationSchema, ...errorResponses },
    },
  }, async (req) => {
    const b = req.body;
    const externalBody = b.externalBody ?? null;
    if (b.scope === 'external' && !externalBody) throw badRequest('external_body_required', 'An external (대외) complaint needs the body it was filed with');
    if (b.scope === 'internal' && externalBody) throw badRequest('external_body_not_allowed', 'An internal (대내) complaint has no external body');
    if (externalBody && !isTerm('externalBody', externalBody)) throw badRequest('unknown_value', `Unknown external body ${externalBody}`);
    const actor = actorOf(req.principal);
    return db.tx(async (q) => {
      if (!(await casesRepo.getCase(q, req.params.caseId))) throw notFound('case_not_found', 'No such case');
      const before = await repo.getCaseClassification(q, req.params.caseId);
      const after = await repo.upsertCaseClassification(q, {
        caseId: req.params.caseId, channel: b.channel, product: b.product, type: b.type, cause: b.cause ?? 'unspecified', scope: b.scope, externalBody, updatedBy: actor.name,
      });
      await audit.appendAudit(q, actor, 'statistics.case_classified', { type: 'case', id: req.params.caseId }, { before, after: { ...b, externalBody } });
      return after;
    });
  });

  app.post<{ Body: { kind: ImportKind; format?: ImportFormat; filename: string; dataBase64?: string; text?: string; sourceSystem?: string; dryRun?: boolean } }>('/api/statistics/imports', {
    preHandler: write,
    bodyLimit: base64Limit(MAX_IMPORT_BYTES),
    schema: {
      tags: ['statistics'],
      summary: 'Import complaint records, published peer figures or the customer base from CSV, xlsx or JSON (file as base64 or text). Every row is validated; any bad row rejects the file with row errors (400 import_invalid) and nothing is stored. dryRun validates only. 200 when done, 202 while storing (poll GET /api/statistics/imports/:id)',
      body: {
        type: 'object', required: ['kind', 'filename'], additionalProperties: false,
        properties: {
          kind: { type: 'string', enum: [...IMPORT_KINDS] }, format: { type: 'string', enum: [...IMPORT_FORMATS] }, filename: { type: 'string', minLength: 1, maxLength: 255 },
          dataBase64: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9+/\\s]*={0,2}\\s*$' }, text: { type: 'string', minLength: 1 },
          sourceSystem: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }, dryRun: { type: 'boolean', default: false },
        },
      },
      response: { 200: importSchema, 202: importSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const b = req.body;
    if ((b.dataBase64 === undefined) === (b.text === undefined)) throw badRequest('file_required', 'Send the file as exactly one of dataBase64 or text');
    const format = b.format ?? formatOf(b.filename);
    if (!format) throw badRequest('unknown_format', 'Name the format (csv, xlsx, json) or use a file name ending in it', { filename: b.filename });
    if (format === 'xlsx' && b.text !== undefined) throw badRequest('file_required', 'An xlsx file must be sent as dataBase64');
    const data = b.text !== undefined ? new TextEncoder().encode(b.text) : Buffer.from(b.dataBase64!, 'base64');
    if (data.byteLength > MAX_IMPORT_BYTES) throw badRequest('file_too_large', `A file may be at most ${MAX_IMPORT_BYTES} bytes`, { max: MAX_IMPORT_BYTES });
    const started = await startImport(db, tracker, actorOf(req.principal), {
      kind: b.kind, format, filename: b.filename, data, sourceSystem: b.sourceSystem ?? 'import', dryRun: b.dryRun ?? false,
    }, tz);
    if (started.work) await tracker.wait(started.record.id, IMPORT_WAIT_MS);
    const rec = (await repo.getImport(db, started.record.id))!;
    reply.code(rec.status === 'running' ? 202 : 200);
    return { ...view(rec, tracker), unknownColumns: started.unknownColumns };
  });

  app.get<{ Querystring: { limit?: number } }>('/api/statistics/imports', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'Recent imports, newest first (dry runs and rejected files included)',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: importSchema } } }, ...errorResponses },
    },
  }, async (req) => {
    await repo.failStaleImports(db, STALE_IMPORT_MINUTES);
    return { items: (await repo.listImports(db, req.query.limit ?? 20)).map((r) => view(r, tracker)) };
  });

  app.get<{ Querystring: { kind: ImportKind } }>('/api/statistics/imports/template', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'A CSV template for an import kind: the header row and one example row',
      querystring: { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { type: 'string', enum: [...IMPORT_KINDS] } } },
      response: { 200: { type: 'string' }, ...errorResponses },
    },
  }, async (req, reply) => sendDownload(reply, { contentType: 'text/csv; charset=utf-8', name: `민원통계-${req.query.kind}-양식.csv`, asciiName: `radar-${req.query.kind}-template.csv`, body: importTemplate(req.query.kind) }));

  app.get<{ Params: { id: string } }>('/api/statistics/imports/:id', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: `One import with its progress and up to ${MAX_REPORTED_ERRORS} row errors`,
      params: { type: 'object', properties: { id: idString } }, response: { 200: importSchema, ...errorResponses },
    },
  }, async (req) => {
    await repo.failStaleImports(db, STALE_IMPORT_MINUTES);
    const rec = await repo.getImport(db, req.params.id);
    if (!rec) throw notFound('import_not_found', 'No such import');
    return view(rec, tracker);
  });

  app.get<{ Querystring: { period?: string; scope?: Scope } }>('/api/statistics/export.xlsx', {
    preHandler: read,
    schema: {
      tags: ['statistics'], summary: 'The statistics of a period as an Excel workbook (summary, breakdowns, monthly trend, cumulative, peers with ranks, monitoring, customer base)',
      querystring: { type: 'object', additionalProperties: false, properties: { period: periodParam, scope: scopeParam } },
      response: { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const periodId = req.query.period ?? currentPeriodId('ytd', today());
    const scope = req.query.scope ?? 'all';
    const summary = await periodSummary(db, periodId, scope, tz);
    const y = summary.period.year;
    const trend = await trendFor(db, `${y}-01-01`, `${y + 1}-01-01`, 'month', scope, tz);
    const peers = await peerComparison(db, periodId, companyName, tz);
    const monitoring = await monitoringVolume(db, `${y}-01`, `${y}-12`, tz, today().slice(0, 7));
    const actor = actorOf(req.principal);
    const buf = await statisticsWorkbook({ summary, trend, peers, monitoring: monitoring.months, customerBase: await repo.listCustomerBase(db), by: actor.name });
    await audit.appendAudit(db, actor, 'export.statistics', { type: 'export' }, { period: periodId, scope });
    return sendWorkbook(reply, `radar-statistics-${periodId}`, `민원통계-${periodId}`, buf, tz);
  });
}
