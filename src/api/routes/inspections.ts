import type { FastifyInstance } from 'fastify';
import { notFound } from '../../core/errors.js';
import {
  AREA_LABELS, AREAS, DEFAULT_DEPARTMENTS, FINDING_DAYS, FINDING_SEVERITIES, FINDING_STATUS_LABELS, FINDING_STATUSES, FINDING_TRANSITIONS,
  kstToday, requirePeriod, RESULT_LABELS, RESULTS, ROUND_STATUS_LABELS, ROUND_STATUSES, ROUND_TRANSITIONS, SEVERITY_LABELS,
  type AnswerResult, type Area, type FindingSeverity, type FindingStatus, type RoundStatus,
} from '../../inspection/model.js';
import * as svc from '../../inspection/service.js';
import { FINDING_COLUMNS, roundWorkbook } from '../../inspection/export.js';
import type { TemplateInput } from '../../inspection/template.js';
import { ITEM_ID, TEMPLATE_ID } from '../../inspection/template.js';
import * as audit from '../../store/audit.js';
import * as repo from '../../store/inspections.js';
import { workbook } from '../../core/xlsx.js';
import { loadVomConfig } from '../../vom/config.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, idString } from '../schemas.js';
import { sendDownload, sendWorkbook } from '../download.js';

// 자율 점검 (consumer-protection self-inspection): checklist templates, rounds
// with answers and evidence, findings and their follow-up, the summary, and
// Excel exports. Read with inspections:read (auditors included), change with
// inspections:write. The bundled checklist is installed when the routes start.


const str = { type: 'string' } as const;
const nstr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const num = { type: ['number', 'null'] } as const;
const dateString = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const periodString = { type: 'string', minLength: 4, maxLength: 7, pattern: '^\\d{4}(-([Qq][1-4]|[Hh][12]|0[1-9]|1[0-2]))?$' } as const;
const department = { type: 'string', minLength: 1, maxLength: 80 } as const;
const nullableId = { anyOf: [idString, { type: 'null' }] } as const;
const itemIdString = { type: 'string', pattern: ITEM_ID.source } as const;
const templateIdString = { type: 'string', pattern: TEMPLATE_ID.source } as const;
const labelled = { type: 'object', properties: { ko: str, en: str } } as const;

const templateItemSchema = {
  type: 'object',
  properties: {
    itemId: str, position: int, area: { type: 'string', enum: [...AREAS] }, textKo: str, textEn: str, guidance: str,
    evidenceRequired: { type: 'boolean' }, ccm: { type: 'boolean' },
  },
} as const;

const templateProps = {
  id: str, version: int, name: str, nameEn: str, description: str, note: str, createdBy: str, createdAt: str, itemCount: int, ccmItemCount: int,
} as const;
const templateSchema = { type: 'object', properties: { ...templateProps, items: { type: 'array', items: templateItemSchema } } } as const;
const templateSummarySchema = { type: 'object', properties: { ...templateProps, versions: { type: 'array', items: int } } } as const;

const templateFields = {
  name: { type: 'string', minLength: 1, maxLength: 200 }, nameEn: { type: 'string', maxLength: 200 },
  description: { type: 'string', maxLength: 4000 }, note: { type: 'string', maxLength: 1000 },
  items: {
    type: 'array', minItems: 1, maxItems: 200,
    items: {
      type: 'object', required: ['id', 'area', 'ko'], additionalProperties: false,
      properties: {
        id: itemIdString, area: { type: 'string', enum: [...AREAS] }, ko: { type: 'string', minLength: 1, maxLength: 2000 },
        en: { type: 'string', maxLength: 2000 }, guidance: { type: 'string', maxLength: 2000 },
        evidenceRequired: { type: 'boolean' }, ccm: { type: 'boolean' },
      },
    },
  },
} as const;
const templateBody = { type: 'object', required: ['name', 'items'], additionalProperties: false, properties: { id: templateIdString, ...templateFields } } as const;

export const roundSchema = {
  type: 'object',
  properties: {
    id: str, number: int, ref: str, templateId: str, templateVersion: int, templateName: str, templateNameEn: str, department: str,
    period: str, periodStart: str, periodEnd: str, title: str, ownerId: nstr, ownerName: nstr, assigneeId: nstr, assigneeName: nstr,
    dueDate: str, overdue: { type: 'boolean' }, status: { type: 'string', enum: [...ROUND_STATUSES] }, itemCount: int, answered: int,
    compliant: int, nonCompliant: int, notApplicable: int, complianceRate: num, findingCount: int, openFindingCount: int,
    createdBy: str, createdAt: str, updatedAt: str, startedAt: nstr, submittedAt: nstr, submittedBy: nstr, reviewedAt: nstr,
    reviewedBy: nstr, reviewNote: nstr,
  },
} as const;

const answerSchema = {
  type: 'object',
  properties: { itemId: str, result: { type: 'string', enum: [...RESULTS] }, comment: str, answeredBy: str, answeredAt: str },
} as const;

const evidenceSchema = {
  type: 'object',
  properties: { id: str, itemId: str, filename: str, contentType: str, size: int, sha256: str, uploadedBy: str, createdAt: str },
} as const;

export const findingSchema = {
  type: 'object',
  properties: {
    id: str, number: int, ref: str, roundId: str, roundRef: str, roundStatus: str, department: str, period: str, itemId: str,
    area: { type: 'string', enum: [...AREAS] }, itemTextKo: str, itemTextEn: str, title: str, severity: { type: 'string', enum: [...FINDING_SEVERITIES] },
    status: { type: 'string', enum: [...FINDING_STATUSES] }, ownerId: nstr, ownerName: nstr, dueDate: str, overdue: { type: 'boolean' },
    actionPlan: str, resolution: nstr, caseCount: int, noteCount: int, createdBy: str, createdAt: str, updatedAt: str,
    resolvedAt: nstr, verifiedAt: nstr, verifiedBy: nstr,
  },
} as const;

const historySchema = {
  type: 'object',
  properties: { id: int, at: str, actorName: str, action: str, targetType: str, targetId: nstr, details: { type: 'object', additionalProperties: true } },
} as const;

const noteSchema = { type: 'object', properties: { id: str, authorId: nstr, authorName: str, body: str, createdAt: str } } as const;
const linkedCaseSchema = {
  type: 'object', properties: { caseId: str, ref: str, title: str, status: str, severity: int, linkedBy: str, linkedAt: str },
} as const;
const gapsSchema = { type: 'object', properties: { unanswered: { type: 'array', items: str }, missingEvidence: { type: 'array', items: str } } } as const;

const rateRow = { compliant: int, nonCompliant: int, notApplicable: int, applicable: int, rate: num } as const;
const summarySchema = {
  type: 'object',
  properties: {
    today: str,
    filters: { type: 'object', properties: { period: str, department: str } },
    rounds: { type: 'object', properties: { total: int, byStatus: { type: 'object', additionalProperties: int } } },
    overall: { type: 'object', properties: rateRow },
    byDepartment: {
      type: 'array',
      items: { type: 'object', properties: { department: str, period: str, periodStart: str, rounds: int, countedRounds: int, ...rateRow } },
    },
    findings: {
      type: 'object',
      properties: {
        total: int, unresolved: int, overdue: int, byStatus: { type: 'object', additionalProperties: int }, bySeverity: { type: 'object', additionalProperties: int },
      },
    },
    areas: { type: 'array', items: { type: 'object', properties: { area: str, findings: int, unresolved: int, overdue: int } } },
    ccm: {
      type: 'object',
      properties: {
        rounds: int, compliant: int, applicable: int, rate: num,
        departments: { type: 'array', items: { type: 'object', properties: { department: str, roundId: str, period: str, compliant: int, applicable: int, rate: num } } },
      },
    },
  },
} as const;

const binary = { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses } as const;
const roundParams = { type: 'object', properties: { id: idString } } as const;

// Evidence travels as base64 in JSON, like case attachments: the body limit is
// the file limit plus base64's 4/3 and room for the other fields.
const base64Limit = (bytes: number) => Math.ceil(bytes / 3) * 4 + 4096;

interface RoundListQuery { status?: RoundStatus; department?: string; period?: string; templateId?: string; limit?: number; offset?: number }
interface FindingListQuery {
  status?: FindingStatus; unresolved?: boolean; overdue?: boolean; roundId?: string; department?: string; period?: string;
  area?: Area; severity?: FindingSeverity; limit?: number; offset?: number;
}

const findingListProps = {
  status: { type: 'string', enum: [...FINDING_STATUSES] }, unresolved: { type: 'boolean' }, overdue: { type: 'boolean' }, roundId: idString,
  department, period: periodString, area: { type: 'string', enum: [...AREAS] }, severity: { type: 'string', enum: [...FINDING_SEVERITIES] },
} as const;

export async function inspectionRoutes(app: FastifyInstance, ctx: RadarContext, cfg: svc.InspectionConfig = { maxEvidenceBytes: loadVomConfig().maxAttachmentBytes }): Promise<void> {
  const { db } = ctx;
  const read = requirePermission('inspections:read');
  const write = requirePermission('inspections:write');

  if (await svc.installDefaultTemplate(db)) ctx.log.info('self-inspection: default checklist installed');

  // ---- settings and templates ----

  app.get('/api/inspections/settings', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'Areas, answer results, workflows, finding severities and due days, evidence limits, suggested departments',
      response: {
        200: {
          type: 'object',
          properties: {
            areas: { type: 'array', items: { type: 'object', properties: { id: str, ko: str, en: str } } },
            results: { type: 'array', items: { type: 'object', properties: { id: str, ko: str, en: str } } },
            roundStatuses: { type: 'array', items: { type: 'object', properties: { id: str, ko: str, en: str, next: { type: 'array', items: str } } } },
            findingStatuses: { type: 'array', items: { type: 'object', properties: { id: str, ko: str, en: str, next: { type: 'array', items: str } } } },
            severities: { type: 'array', items: { type: 'object', properties: { id: str, ko: str, en: str, days: int } } },
            maxEvidenceBytes: int, evidenceTypes: { type: 'array', items: str }, departments: { type: 'array', items: str },
            usedDepartments: { type: 'array', items: str }, usedPeriods: { type: 'array', items: str }, today: str,
          },
        },
      },
    },
  }, async () => {
    const facets = await repo.roundFacets(db);
    return {
      areas: AREAS.map((id) => ({ id, ...AREA_LABELS[id] })),
      results: RESULTS.map((id) => ({ id, ...RESULT_LABELS[id] })),
      roundStatuses: ROUND_STATUSES.map((id) => ({ id, ...ROUND_STATUS_LABELS[id], next: [...ROUND_TRANSITIONS[id]] })),
      findingStatuses: FINDING_STATUSES.map((id) => ({ id, ...FINDING_STATUS_LABELS[id], next: [...FINDING_TRANSITIONS[id]] })),
      severities: FINDING_SEVERITIES.map((id) => ({ id, ...SEVERITY_LABELS[id], days: FINDING_DAYS[id] })),
      maxEvidenceBytes: cfg.maxEvidenceBytes, evidenceTypes: [...svc.EVIDENCE_TYPES],
      departments: [...new Set([...DEFAULT_DEPARTMENTS, ...facets.departments])], usedDepartments: facets.departments, usedPeriods: facets.periods,
      today: kstToday(),
    };
  });

  app.get('/api/inspections/templates', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'Checklist templates at their latest version, with every version number',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: templateSummarySchema } } }, ...errorResponses },
    },
  }, async () => ({ items: await repo.listTemplates(db) }));

  app.get<{ Params: { id: string }; Querystring: { version?: number } }>('/api/inspections/templates/:id', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'A template version with its items (the latest unless ?version=)',
      params: { type: 'object', properties: { id: templateIdString } },
      querystring: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1 } } },
      response: { 200: templateSchema, ...errorResponses },
    },
  }, async (req) => svc.getTemplate(db, req.params.id, req.query.version));

  app.post<{ Body: TemplateInput }>('/api/inspections/templates', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Create a checklist template (published as version 1; versions never change)',
      body: templateBody, response: { 201: templateSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const t = await svc.createTemplate(db, actorOf(req.principal), req.body);
    reply.code(201);
    return t;
  });

  app.post<{ Params: { id: string }; Body: TemplateInput }>('/api/inspections/templates/:id/versions', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Edit a template: publishes the next version with these items (keep item ids stable); earlier versions and their rounds stay as they were',
      params: { type: 'object', properties: { id: templateIdString } },
      body: { ...templateBody, properties: templateFields },
      response: { 201: templateSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const t = await svc.reviseTemplate(db, actorOf(req.principal), req.params.id, { ...req.body, id: undefined });
    reply.code(201);
    return t;
  });

  // ---- rounds ----

  app.get<{ Querystring: RoundListQuery }>('/api/inspections/rounds', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'Inspection rounds (latest period first) with progress and compliance so far',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          status: { type: 'string', enum: [...ROUND_STATUSES] }, department, period: periodString, templateId: templateIdString,
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, offset: { type: 'integer', minimum: 0, default: 0 },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: roundSchema }, total: int } }, ...errorResponses },
    },
  }, async (req) => repo.listRounds(db, { ...req.query, period: req.query.period ? requirePeriod(req.query.period).id : undefined, limit: req.query.limit ?? 100 }));

  app.post<{ Body: svc.RoundInput }>('/api/inspections/rounds', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Plan a round: a template version × department × period (2026-Q4, 2026-H1, 2026-04, 2026), with owner, assignee and due date',
      body: {
        type: 'object', required: ['templateId', 'department', 'period', 'dueDate'], additionalProperties: false,
        properties: {
          templateId: templateIdString, templateVersion: { type: 'integer', minimum: 1 }, department, period: periodString,
          title: { type: 'string', maxLength: 200 }, ownerId: nullableId, assigneeId: nullableId, dueDate: dateString,
        },
      },
      response: { 201: roundSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const r = await svc.createRound(db, actorOf(req.principal), req.body);
    reply.code(201);
    return r;
  });

  app.get<{ Params: { id: string } }>('/api/inspections/rounds/:id', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'A round with its checklist (answers, evidence metadata, findings), what blocks submitting, and its history',
      params: roundParams,
      response: {
        200: {
          type: 'object',
          properties: {
            round: roundSchema,
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  ...templateItemSchema.properties, answer: { anyOf: [answerSchema, { type: 'null' }] },
                  evidence: { type: 'array', items: evidenceSchema }, findingId: nstr,
                },
              },
            },
            findings: { type: 'array', items: findingSchema }, gaps: gapsSchema, history: { type: 'array', items: historySchema },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => svc.getRoundDetail(db, req.params.id));

  app.patch<{ Params: { id: string }; Body: svc.RoundEdit }>('/api/inspections/rounds/:id', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Change title, owner, assignee or due date (not after review)',
      params: roundParams,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, ownerId: nullableId, assigneeId: nullableId, dueDate: dateString },
      },
      response: { 200: roundSchema, ...errorResponses },
    },
  }, async (req) => svc.updateRound(db, actorOf(req.principal), req.params.id, req.body));

  app.post<{ Params: { id: string }; Body: { to: RoundStatus; note?: string } }>('/api/inspections/rounds/:id/transition', {
    preHandler: write,
    schema: {
      tags: ['inspections'],
      summary: '계획 → 진행 중 → 제출 → 검토 완료 (or 제출 → 진행 중 with a reason). Submitting needs every item answered and required evidence: 409 round_incomplete lists the items',
      params: roundParams,
      body: {
        type: 'object', required: ['to'], additionalProperties: false,
        properties: { to: { type: 'string', enum: [...ROUND_STATUSES] }, note: { type: 'string', maxLength: 5000 } },
      },
      response: { 200: roundSchema, ...errorResponses },
    },
  }, async (req) => svc.transitionRound(db, actorOf(req.principal), req.params.id, req.body.to, req.body.note));

  app.put<{ Params: { id: string; itemId: string }; Body: { result: AnswerResult; comment?: string } }>('/api/inspections/rounds/:id/answers/:itemId', {
    preHandler: write,
    schema: {
      tags: ['inspections'],
      summary: 'Answer an item: 적합 / 부적합 / 해당 없음 with a comment (personal data redacted). 부적합 opens a finding; a planned round starts',
      params: { type: 'object', properties: { id: idString, itemId: itemIdString } },
      body: {
        type: 'object', required: ['result'], additionalProperties: false,
        properties: { result: { type: 'string', enum: [...RESULTS] }, comment: { type: 'string', maxLength: 5000 } },
      },
      response: {
        200: {
          type: 'object',
          properties: { answer: answerSchema, round: roundSchema, finding: { anyOf: [findingSchema, { type: 'null' }] }, withdrawnFindingId: nstr },
        },
        ...errorResponses,
      },
    },
  }, async (req) => svc.answerItem(db, actorOf(req.principal), req.params.id, req.params.itemId, req.body));

  app.post<{ Params: { id: string; itemId: string }; Body: { filename: string; contentType: string; dataBase64: string } }>('/api/inspections/rounds/:id/answers/:itemId/evidence', {
    preHandler: write,
    bodyLimit: base64Limit(cfg.maxEvidenceBytes),
    schema: {
      tags: ['inspections'],
      summary: `Attach evidence to an item (base64 in JSON; at most ${cfg.maxEvidenceBytes} bytes; PDF, images, Office, HWP, text, ZIP), stored in the database`,
      params: { type: 'object', properties: { id: idString, itemId: itemIdString } },
      body: {
        type: 'object', required: ['filename', 'contentType', 'dataBase64'], additionalProperties: false,
        properties: {
          filename: { type: 'string', minLength: 1, maxLength: 255 }, contentType: { type: 'string', minLength: 3, maxLength: 200 },
          dataBase64: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9+/]*={0,2}$' },
        },
      },
      response: { 201: evidenceSchema, ...errorResponses, 415: errorResponses[400] },
    },
  }, async (req, reply) => {
    const data = Buffer.from(req.body.dataBase64, 'base64');
    const info = await svc.addEvidence(db, cfg, actorOf(req.principal), req.params.id, req.params.itemId, { filename: req.body.filename, contentType: req.body.contentType, data });
    reply.code(201);
    return info;
  });

  app.get<{ Params: { id: string; evidenceId: string } }>('/api/inspections/rounds/:id/evidence/:evidenceId', {
    preHandler: read,
    schema: { tags: ['inspections'], summary: 'Download an evidence file', params: { type: 'object', properties: { id: idString, evidenceId: idString } }, response: errorResponses },
  }, async (req, reply) => {
    const e = await repo.getEvidence(db, req.params.id, req.params.evidenceId);
    if (!e) throw notFound('evidence_not_found', 'No such evidence file on this round');
    return sendDownload(reply, { contentType: e.contentType, name: e.filename, body: e.data });
  });

  app.delete<{ Params: { id: string; evidenceId: string } }>('/api/inspections/rounds/:id/evidence/:evidenceId', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Remove an evidence file (while the round is still being answered)',
      params: { type: 'object', properties: { id: idString, evidenceId: idString } }, response: { 204: { type: 'null' }, ...errorResponses },
    },
  }, async (req, reply) => {
    await svc.removeEvidence(db, actorOf(req.principal), req.params.id, req.params.evidenceId);
    reply.code(204);
    return null;
  });

  app.get<{ Params: { id: string } }>('/api/inspections/rounds/:id/export.xlsx', {
    preHandler: read,
    schema: { tags: ['inspections'], summary: 'The round as an Excel workbook (요약, 점검표, 발견 사항)', params: roundParams, response: binary },
  }, async (req, reply) => {
    const d = await svc.getRoundDetail(db, req.params.id);
    const actor = actorOf(req.principal);
    const buf = await roundWorkbook(d, actor.name);
    await audit.appendAudit(db, actor, 'export.inspection_round', { type: 'inspection_round', id: d.round.id }, { ref: d.round.ref });
    return sendWorkbook(reply, `radar-inspection-${d.round.ref}`, `자율점검-${d.round.department}-${d.round.period}`, buf);
  });

  // ---- findings ----

  app.get<{ Querystring: FindingListQuery }>('/api/inspections/findings', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'Findings (overdue first, then by severity and due date)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...findingListProps, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 }, offset: { type: 'integer', minimum: 0, default: 0 } },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: findingSchema }, total: int } }, ...errorResponses },
    },
  }, async (req) => repo.listFindings(db, { ...req.query, period: req.query.period ? requirePeriod(req.query.period).id : undefined, limit: req.query.limit ?? 200 }));

  app.get<{ Querystring: FindingListQuery }>('/api/inspections/findings/export.xlsx', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'Findings as an Excel workbook (filters as GET /api/inspections/findings)',
      querystring: { type: 'object', additionalProperties: false, properties: { ...findingListProps, limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 10_000 } } },
      response: binary,
    },
  }, async (req, reply) => {
    const { items } = await repo.listFindings(db, { ...req.query, period: req.query.period ? requirePeriod(req.query.period).id : undefined, limit: req.query.limit ?? 10_000 });
    const actor = actorOf(req.principal);
    const buf = await workbook('발견 사항', FINDING_COLUMNS, items, { by: actor.name, filters: req.query as Record<string, unknown> });
    await audit.appendAudit(db, actor, 'export.inspection_findings', { type: 'export' }, { rows: items.length, filters: req.query });
    return sendWorkbook(reply, 'radar-findings', '자율점검-발견사항', buf);
  });

  app.get<{ Params: { id: string } }>('/api/inspections/findings/:id', {
    preHandler: read,
    schema: {
      tags: ['inspections'], summary: 'A finding with the answer behind it, follow-up notes, linked complaint cases and history',
      params: roundParams,
      response: {
        200: {
          type: 'object',
          properties: {
            finding: findingSchema, answer: { anyOf: [answerSchema, { type: 'null' }] }, notes: { type: 'array', items: noteSchema },
            cases: { type: 'array', items: linkedCaseSchema }, history: { type: 'array', items: historySchema },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => svc.getFindingDetail(db, req.params.id));

  app.patch<{ Params: { id: string }; Body: svc.FindingEdit }>('/api/inspections/findings/:id', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Edit title, severity, owner, due date or the corrective action plan (not after verification)',
      params: roundParams,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          title: { type: 'string', minLength: 1, maxLength: 200 }, severity: { type: 'string', enum: [...FINDING_SEVERITIES] },
          ownerId: nullableId, dueDate: dateString, actionPlan: { type: 'string', maxLength: 10_000 },
        },
      },
      response: { 200: findingSchema, ...errorResponses },
    },
  }, async (req) => svc.updateFinding(db, actorOf(req.principal), req.params.id, req.body));

  app.post<{ Params: { id: string }; Body: { to: FindingStatus; note?: string } }>('/api/inspections/findings/:id/transition', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: '발견 → 조치 중 → 조치 완료 (what was done, required) → 확인; 조치 완료 → 조치 중 with a reason',
      params: roundParams,
      body: {
        type: 'object', required: ['to'], additionalProperties: false,
        properties: { to: { type: 'string', enum: [...FINDING_STATUSES] }, note: { type: 'string', maxLength: 10_000 } },
      },
      response: { 200: findingSchema, ...errorResponses },
    },
  }, async (req) => svc.transitionFinding(db, actorOf(req.principal), req.params.id, req.body.to, req.body.note));

  app.post<{ Params: { id: string }; Body: { body: string } }>('/api/inspections/findings/:id/notes', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Add a follow-up note (personal data redacted)',
      params: roundParams,
      body: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: { type: 'string', minLength: 1, maxLength: 10_000 } } },
      response: { 201: noteSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    const n = await svc.addFindingNote(db, actorOf(req.principal), req.params.id, req.body.body);
    reply.code(201);
    return n;
  });

  app.post<{ Params: { id: string }; Body: { caseId: string } }>('/api/inspections/findings/:id/cases', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Link a complaint case to the finding',
      params: roundParams,
      body: { type: 'object', required: ['caseId'], additionalProperties: false, properties: { caseId: idString } },
      response: { 200: { type: 'object', properties: { cases: { type: 'array', items: linkedCaseSchema } } }, ...errorResponses },
    },
  }, async (req) => ({ cases: await svc.linkFindingCase(db, actorOf(req.principal), req.params.id, req.body.caseId) }));

  app.delete<{ Params: { id: string; caseId: string } }>('/api/inspections/findings/:id/cases/:caseId', {
    preHandler: write,
    schema: {
      tags: ['inspections'], summary: 'Unlink a complaint case from the finding',
      params: { type: 'object', properties: { id: idString, caseId: idString } },
      response: { 200: { type: 'object', properties: { cases: { type: 'array', items: linkedCaseSchema } } }, ...errorResponses },
    },
  }, async (req) => ({ cases: await svc.unlinkFindingCase(db, actorOf(req.principal), req.params.id, req.params.caseId) }));

  // ---- summary ----

  app.get<{ Querystring: { period?: string; department?: string } }>('/api/inspections/summary', {
    preHandler: read,
    schema: {
      tags: ['inspections'],
      summary: 'Compliance rate per department and period (compliant ÷ (compliant + non-compliant) over submitted and reviewed rounds), findings open and overdue, areas with most findings, CCM readiness',
      querystring: { type: 'object', additionalProperties: false, properties: { period: periodString, department } },
      response: { 200: summarySchema, ...errorResponses },
    },
  }, async (req) => svc.summary(db, req.query));
}
