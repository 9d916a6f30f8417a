import type { FastifyInstance } from 'fastify';
import { FILE_FORMATS, FILE_LIMITS, formatOf, METRICS, readRecords, type Metric } from '../../analytics/surveys/index.js';
import { badRequest, notFound } from '../../core/errors.js';
import * as audit from '../../store/audit.js';
import type { StoredEvent } from '../../store/events.js';
import * as repo from '../../store/panel.js';
import {
  answerInvitation, CAMPAIGN_STATUSES, campaignResults, campaignWorkbook, changeMember, CHANNELS, createCampaign, DIMENSIONS, editCampaign,
  ingestMembers, LIMITS, MEMBER_COLUMNS, MEMBER_REQUIRED, MEMBER_STATUSES, notInvitedMembers, panelOverview, previewSample, STATUS_LABELS,
  TENURE_BANDS, runCampaignSchedule, transitionCampaign, TRANSITIONS, viewInvitation, withdrawMember, type AnswerInput, type CampaignStatus, type Dimension, type MemberPatch,
} from '../../panel/index.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses, errorSchema, idString, metricIndexSchema as metricIndex } from '../schemas.js';

// 고객 패널 (online customer panel): members in (one, batch, file), consent
// withdrawal, survey campaigns with a stratified sample, the public answer
// endpoint keyed by the invitation token, results and panel health, and the
// Excel workbook of a campaign. Events for the e-mail/SMS gateway go through
// the outbox (panel.invitation, panel.campaign.closed); Radar sends nothing itself.

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const nullableText = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const;
const stringList = (max: number) => ({ type: 'array', maxItems: max, items: { type: 'string', maxLength: LIMITS.label } }) as const;
const fileBodyLimit = Math.ceil(FILE_LIMITS.bytes / 3) * 4 + 4096;
const BATCH_BODY_LIMIT = 4 * 1024 * 1024;

const memberSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, externalId: { type: 'string' }, label: { type: 'string', description: 'pseudonymous display label; the name is never stored' },
    ageBand: { type: ['string', 'null'] }, grade: { type: ['string', 'null'] }, region: { type: ['string', 'null'] }, products: { type: 'array', items: { type: 'string' } },
    tenureYears: { type: ['number', 'null'] }, tenureBand: { type: ['string', 'null'] }, status: { type: 'string', enum: [...MEMBER_STATUSES] },
    channel: { type: ['string', 'null'] }, contactMasked: { type: ['string', 'null'], description: 'the contact is never returned in full' }, hasContact: { type: 'boolean' },
    consentAt: { type: 'string' }, consentPurpose: { type: 'string' }, consentVersion: { type: 'string' }, withdrawnAt: { type: ['string', 'null'] },
    withdrawalReason: { type: ['string', 'null'] }, lastInvitedAt: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

const memberBody = {
  type: 'object', additionalProperties: false, required: ['externalId', 'consentAt', 'consentPurpose', 'consentVersion'],
  properties: {
    externalId: { type: 'string', minLength: 1, maxLength: LIMITS.id, description: "the CRM's customer id; the same id again adds nobody" },
    name: { ...nullableText(LIMITS.name), description: 'used only to build the pseudonymous label (first character), never stored' },
    ageBand: nullableText(LIMITS.label), grade: nullableText(LIMITS.label), region: nullableText(LIMITS.label),
    products: { anyOf: [stringList(LIMITS.products), { type: 'string', maxLength: 1000 }] }, tenureYears: { type: ['number', 'null'], minimum: 0, maximum: 80 },
    status: { type: 'string', enum: ['active', 'paused'] }, channel: { type: ['string', 'null'], enum: [...CHANNELS, null] },
    contact: { ...nullableText(LIMITS.contact), description: 'e-mail address or mobile number; stored only to send invitations, erased on withdrawal' },
    consentAt: { type: 'string', format: 'date-time' }, consentPurpose: { type: 'string', minLength: 1, maxLength: LIMITS.purpose },
    consentVersion: { type: 'string', minLength: 1, maxLength: LIMITS.consentVersion },
  },
} as const;

const ingestResult = {
  type: 'object',
  properties: { received: { type: 'integer' }, created: { type: 'integer' }, unchanged: { type: 'integer' }, dryRun: { type: 'boolean' } },
} as const;

const filterSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    ageBands: stringList(50), grades: stringList(50), regions: stringList(50), tenureBands: stringList(10), products: stringList(50),
    notInvitedMonths: { type: 'integer', minimum: 1, maximum: 60 },
  },
} as const;

const campaignProps = {
  title: { type: 'string', minLength: 1, maxLength: LIMITS.title }, purpose: { type: 'string', minLength: 1, maxLength: LIMITS.purpose },
  metrics: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: { type: 'string', enum: [...METRICS] } },
  question: { ...nullableText(LIMITS.question), description: 'optional free-text question' }, filter: filterSchema,
  stratifyBy: { type: 'array', maxItems: 4, uniqueItems: true, items: { type: 'string', enum: [...DIMENSIONS] }, description: "default ['grade']" },
  sampleSize: { type: 'integer', minimum: 1, maximum: LIMITS.sampleSize },
  seed: { ...nullableText(64), description: 'the sampling seed (default: the campaign id); the same seed over the same members draws the same sample' },
  opensAt: { type: ['string', 'null'], format: 'date-time' }, closesAt: { type: ['string', 'null'], format: 'date-time' },
} as const;

const campaignSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, number: { type: 'integer' }, ref: { type: 'string' }, ...campaignProps, seed: { type: 'string' },
    filter: { type: 'object', additionalProperties: true }, status: { type: 'string', enum: [...CAMPAIGN_STATUSES] },
    openedAt: { type: ['string', 'null'] }, closedAt: { type: ['string', 'null'] }, createdBy: { type: 'string' }, createdAt: { type: 'string' },
    updatedAt: { type: 'string' }, invited: { type: 'integer' }, responded: { type: 'integer' },
  },
} as const;

const indicesSchema = { type: 'object', properties: { nps: metricIndex, csat: metricIndex, ces: metricIndex } } as const;
const strataSchema = { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, eligible: { type: 'integer' }, selected: { type: 'integer' } } } } as const;

const resultsSchema = {
  type: 'object',
  properties: {
    campaign: campaignSchema, invited: { type: 'integer' }, responded: { type: 'integer' }, rate: { type: ['number', 'null'], description: '% of invited who answered' },
    indices: indicesSchema,
    segments: { type: 'array', items: { type: 'object', properties: { stratum: { type: 'string' }, invited: { type: 'integer' }, responded: { type: 'integer' }, rate: { type: ['number', 'null'] }, indices: indicesSchema } } },
    byDay: { type: 'array', items: { type: 'object', properties: { day: { type: 'string' }, n: { type: 'integer' } } } },
    answers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          invitationId: { type: 'string' }, memberLabel: { type: 'string' }, stratum: { type: 'string' }, respondedAt: { type: 'string' },
          scores: { type: 'object', additionalProperties: { type: 'integer' } }, text: { type: ['string', 'null'] },
          hits: { type: 'array', items: { type: 'object', additionalProperties: true } }, categories: { type: 'array', items: { type: 'string' } }, severity: { type: 'integer' },
        },
      },
    },
    nonRespondents: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          invitationId: { type: 'string' }, memberId: { type: 'string' }, memberLabel: { type: 'string' }, stratum: { type: 'string' }, channel: { type: ['string', 'null'] },
          memberStatus: { type: 'string' }, invitedAt: { type: 'string' },
        },
      },
    },
  },
} as const;

const mixRow = { type: 'object', properties: { value: { type: 'string' }, active: { type: 'integer' }, panelShare: { type: ['number', 'null'] }, baseShare: { type: ['number', 'null'] }, gap: { type: ['number', 'null'] } } } as const;
const overviewSchema = {
  type: 'object',
  properties: {
    members: { type: 'object', properties: Object.fromEntries(['all', 'active', 'paused', 'withdrawn', 'withoutContact'].map((k) => [k, { type: 'integer' }])) },
    consent: { type: 'array', items: { type: 'object', properties: { version: { type: 'string' }, n: { type: 'integer' } } } },
    mix: { type: 'object', properties: Object.fromEntries(DIMENSIONS.map((d) => [d, { type: 'array', items: mixRow }])) },
    withdrawals: { type: 'array', items: { type: 'object', properties: { month: { type: 'string' }, n: { type: 'integer' } } } },
    notInvited: { type: 'object', properties: { months: { type: 'integer' }, n: { type: 'integer' } } },
    campaigns: { type: 'object', properties: Object.fromEntries(CAMPAIGN_STATUSES.map((s) => [s, { type: 'integer' }])) },
  },
} as const;

const idParams = { type: 'object', properties: { id: idString } } as const;
const tokenParams = { type: 'object', properties: { token: { type: 'string', maxLength: 128 } } } as const;
const publicErrors = { 400: errorSchema, 404: errorSchema, 409: errorSchema, 410: errorSchema, 429: errorSchema } as const;

function stamp(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

export async function panelRoutes(app: FastifyInstance, ctx: RadarContext): Promise<void> {
  const { db, bus } = ctx;
  const tz = ctx.config.briefing.timezone;
  const read = requirePermission('panel:read');
  const write = requirePermission('panel:write');
  // Events go to the outbox (the delivery relay reads it); on the bus only the
  // campaign's closing, never an invitation (it carries the token and contact).
  const publish = (events: StoredEvent[]) => {
    for (const e of events) if (e.type !== 'panel.invitation') bus.publish({ seq: e.seq, type: e.type, callId: null, payload: e.payload });
  };

  // The schedule: scheduled campaigns open and open ones close on time (src/panel/schedule.ts).
  // A campaign that cannot move as scheduled is logged once, then left for an officer.
  const reported = new Set<string>();
  const tick = async () => {
    try {
      const { moved, skipped } = await runCampaignSchedule(db);
      for (const m of moved) {
        publish(m.events);
        app.log.info({ campaign: m.ref, to: m.to, events: m.events.length }, 'panel campaign moved on schedule');
      }
      for (const k of skipped) {
        if (reported.has(`${k.id}:${k.code}`)) continue;
        reported.add(`${k.id}:${k.code}`);
        app.log.warn({ campaign: k.ref, to: k.to, code: k.code, reason: k.message }, 'panel campaign could not move on schedule; an officer must decide');
      }
    } catch (err) {
      app.log.warn({ err }, 'panel campaign schedule check failed; retried on the next tick');
    }
  };
  if (ctx.config.panelScheduleMs > 0) {
    const timer = setInterval(() => void tick(), ctx.config.panelScheduleMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  app.get('/api/panel/settings', {
    preHandler: read,
    schema: { tags: ['panel'], summary: 'Statuses with their allowed next statuses, segment attributes, tenure bands, metrics and limits' },
  }, async () => ({
    statuses: CAMPAIGN_STATUSES.map((id) => ({ id, ...STATUS_LABELS[id], next: TRANSITIONS[id] })),
    memberStatuses: MEMBER_STATUSES, channels: CHANNELS, dimensions: DIMENSIONS, tenureBands: TENURE_BANDS, metrics: METRICS, limits: LIMITS,
    columns: MEMBER_COLUMNS.map((c) => ({ field: c.field, title: c.aliases.find((a) => /[가-힣]/.test(a)) ?? c.field })),
  }));

  // ---- members ----

  // Member writes: the schema documents the body; the capability's own checker
  // (src/panel/model.ts) judges it, so a refusal names the field and a precise code.
  app.post('/api/panel/members', {
    preHandler: write, attachValidation: true,
    schema: {
      tags: ['panel'], summary: 'Add one member (201), or 200 with the stored member when the externalId is already known (nothing changes)',
      body: memberBody, response: { 200: memberSchema, 201: memberSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw badRequest('invalid_request', 'body must be a member object');
    const r = await ingestMembers(db, actorOf(req.principal), [{ row: 1, record: req.body }], { dryRun: false, now: Date.now(), refusal: 'invalid_member' });
    reply.code(r.created > 0 ? 201 : 200);
    return repo.getMemberByExternalId(db, (req.body as { externalId: string }).externalId.normalize('NFC').trim());
  });

  app.post('/api/panel/members/batch', {
    preHandler: write, bodyLimit: BATCH_BODY_LIMIT, attachValidation: true,
    schema: {
      tags: ['panel'], summary: `Add up to ${LIMITS.batch} members, all or nothing (400 invalid_members with details.errors[] of {row, field, code, message}); known externalIds are left unchanged`,
      body: { type: 'object', additionalProperties: false, required: ['items'], properties: { items: { type: 'array', minItems: 1, maxItems: LIMITS.batch, items: memberBody }, dryRun: { type: 'boolean', default: false } } },
      response: { 200: ingestResult, ...errorResponses },
    },
  }, async (req) => {
    const body = req.body as { items?: unknown; dryRun?: unknown } | null;
    if (!body || typeof body !== 'object' || !Array.isArray(body.items)) throw badRequest('invalid_request', 'body must be {"items": [...]}');
    if (body.items.length === 0 || body.items.length > LIMITS.batch) throw badRequest('batch_size', `a batch holds 1 to ${LIMITS.batch} items, got ${body.items.length}`);
    if (Object.keys(body).some((k) => k !== 'items' && k !== 'dryRun') || (body.dryRun !== undefined && typeof body.dryRun !== 'boolean')) throw badRequest('invalid_request', 'body takes only items and dryRun (a boolean)');
    return ingestMembers(db, actorOf(req.principal), body.items.map((record, i) => ({ row: i + 1, record })), { dryRun: body.dryRun === true, now: Date.now(), refusal: 'invalid_members' });
  });

  app.post<{ Body: { filename: string; dataBase64: string; format?: 'csv' | 'xlsx' | 'json'; dryRun?: boolean } }>('/api/panel/members/import', {
    preHandler: write, bodyLimit: fileBodyLimit,
    schema: {
      tags: ['panel'],
      summary: `Import members from a CSV, xlsx or JSON file (base64; at most ${FILE_LIMITS.bytes} bytes, ${FILE_LIMITS.rows} rows), all or nothing: a bad row refuses the file (400 invalid_file with row errors); dryRun only validates`,
      body: {
        type: 'object', additionalProperties: false, required: ['filename', 'dataBase64'],
        properties: {
          filename: { type: 'string', minLength: 1, maxLength: 255 }, format: { type: 'string', enum: [...FILE_FORMATS] },
          dataBase64: { type: 'string', minLength: 1, maxLength: fileBodyLimit }, dryRun: { type: 'boolean', default: false },
        },
      },
      response: { 200: ingestResult, ...errorResponses },
    },
  }, async (req) => {
    const format = formatOf(req.body.filename, req.body.format);
    const records = await readRecords(Buffer.from(req.body.dataBase64, 'base64'), format, MEMBER_COLUMNS, MEMBER_REQUIRED, tz);
    return ingestMembers(db, actorOf(req.principal), records, { dryRun: req.body.dryRun === true, now: Date.now(), refusal: 'invalid_file', file: { filename: req.body.filename, format } });
  });

  app.get<{ Querystring: Omit<repo.MemberFilter, 'limit'> & { limit?: number } }>('/api/panel/members', {
    preHandler: read,
    schema: {
      tags: ['panel'], summary: 'Members, newest first, with counts per status for the same filters',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          status: { type: 'string', enum: [...MEMBER_STATUSES] }, ageBand: { type: 'string', maxLength: LIMITS.label }, grade: { type: 'string', maxLength: LIMITS.label },
          region: { type: 'string', maxLength: LIMITS.label }, q: { type: 'string', maxLength: 100 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 },
        },
      },
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: memberSchema }, total: { type: 'integer' }, counts: { type: 'object', additionalProperties: { type: 'integer' } } } },
        ...errorResponses,
      },
    },
  }, async (req) => repo.listMembers(db, { ...req.query, limit: req.query.limit ?? 50 }));

  app.get<{ Querystring: { months?: number; limit?: number } }>('/api/panel/members/not-invited', {
    preHandler: read,
    schema: {
      tags: ['panel'], summary: 'Active members not invited for N months (or never), longest-waiting first',
      querystring: { type: 'object', additionalProperties: false, properties: { months: { type: 'integer', minimum: 1, maximum: 60, default: 6 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: memberSchema } } }, ...errorResponses },
    },
  }, async (req) => ({ items: await notInvitedMembers(db, req.query.months ?? 6, req.query.limit ?? 100) }));

  app.get<{ Params: { id: string } }>('/api/panel/members/:id', {
    preHandler: read,
    schema: {
      tags: ['panel'], summary: 'One member (contact masked) with the campaigns it was invited to', params: idParams,
      response: {
        200: {
          type: 'object',
          properties: {
            member: memberSchema,
            invitations: { type: 'array', items: { type: 'object', properties: { campaignId: { type: 'string' }, ref: { type: 'string' }, title: { type: 'string' }, invitedAt: { type: 'string' }, respondedAt: { type: ['string', 'null'] } } } },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const member = await repo.getMember(db, req.params.id);
    if (!member) throw notFound('member_not_found', 'No such panel member');
    return { member, invitations: await repo.invitationsOfMember(db, member.id) };
  });

  app.patch<{ Params: { id: string }; Body: MemberPatch }>('/api/panel/members/:id', {
    preHandler: write,
    schema: {
      tags: ['panel'], summary: 'Change segment attributes, pause/resume (active ⇄ paused) or the contact; a withdrawn member answers 409 member_withdrawn',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          ageBand: nullableText(LIMITS.label), grade: nullableText(LIMITS.label), region: nullableText(LIMITS.label), products: stringList(LIMITS.products),
          tenureYears: { type: ['number', 'null'], minimum: 0, maximum: 80 }, status: { type: 'string', enum: ['active', 'paused'] },
          channel: { type: 'string', enum: [...CHANNELS] }, contact: nullableText(LIMITS.contact),
        },
      },
      response: { 200: memberSchema, ...errorResponses },
    },
  }, async (req) => changeMember(db, actorOf(req.principal), req.params.id, req.body));

  app.post<{ Params: { id: string }; Body: { reason?: string | null } }>('/api/panel/members/:id/withdraw', {
    preHandler: write,
    schema: {
      tags: ['panel'], summary: 'Record a consent withdrawal: the member leaves every campaign (open invitations answer 410 member_withdrawn) and the contact is erased',
      params: idParams, body: { type: 'object', additionalProperties: false, properties: { reason: nullableText(LIMITS.reason) } },
      response: { 200: memberSchema, ...errorResponses },
    },
  }, async (req) => withdrawMember(db, actorOf(req.principal), req.params.id, req.body?.reason ?? null));

  app.put<{ Params: { dimension: Dimension }; Body: { items: { value: string; share: number }[] } }>('/api/panel/base-mix/:dimension', {
    preHandler: write,
    schema: {
      tags: ['panel'], summary: "Replace the customer base's mix for one segment attribute (shares 0..1 of the whole base, summing to at most 1)",
      params: { type: 'object', properties: { dimension: { type: 'string', enum: [...DIMENSIONS] } } },
      body: {
        type: 'object', additionalProperties: false, required: ['items'],
        properties: { items: { type: 'array', maxItems: 100, items: { type: 'object', additionalProperties: false, required: ['value', 'share'], properties: { value: { type: 'string', minLength: 1, maxLength: LIMITS.label }, share: { type: 'number', minimum: 0, maximum: 1 } } } } },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { dimension: { type: 'string' }, value: { type: 'string' }, share: { type: 'number' } } } } } }, ...errorResponses },
    },
  }, async (req) => {
    const items = req.body.items.map((i) => ({ value: i.value.normalize('NFC').trim(), share: i.share }));
    const sum = items.reduce((a, i) => a + i.share, 0);
    if (sum > 1.0001) throw badRequest('invalid_mix', `the shares add up to ${Math.round(sum * 1000) / 10}%, more than the whole base`);
    if (new Set(items.map((i) => i.value)).size !== items.length) throw badRequest('duplicate_value', 'a value appears twice');
    const actor = actorOf(req.principal);
    await db.tx(async (q) => {
      await repo.replaceBaseMix(q, req.params.dimension, items, actor.name);
      await audit.appendAudit(q, actor, 'panel.base_mix_changed', { type: 'panel_base_mix', id: req.params.dimension }, { items });
    });
    return { items: (await repo.baseMix(db)).filter((m) => m.dimension === req.params.dimension) };
  });

  app.get<{ Querystring: { months?: number } }>('/api/panel/overview', {
    preHandler: read,
    schema: {
      tags: ['panel'], summary: 'Panel health: members by status, active members per segment vs the customer base, consent versions, withdrawals per month, members not invited for N months',
      querystring: { type: 'object', additionalProperties: false, properties: { months: { type: 'integer', minimum: 1, maximum: 60, default: 6 } } },
      response: { 200: overviewSchema, ...errorResponses },
    },
  }, async (req) => panelOverview(db, tz, req.query.months ?? 6));

  // ---- campaigns ----

  app.post('/api/panel/campaigns/preview', {
    preHandler: read,
    schema: {
      tags: ['panel'], summary: 'The sample a campaign would draw now: eligible members and the selection per stratum (nothing stored)',
      body: { type: 'object', additionalProperties: false, required: ['sampleSize'], properties: { filter: filterSchema, stratifyBy: campaignProps.stratifyBy, sampleSize: campaignProps.sampleSize, seed: campaignProps.seed } },
      response: { 200: { type: 'object', properties: { eligible: { type: 'integer' }, sampleSize: { type: 'integer' }, strata: strataSchema } }, ...errorResponses },
    },
  }, async (req) => previewSample(db, req.body, Date.now()));

  app.post('/api/panel/campaigns', {
    preHandler: write,
    schema: {
      tags: ['panel'], summary: 'Create a survey campaign (draft)',
      body: { type: 'object', additionalProperties: false, required: ['title', 'purpose', 'metrics', 'sampleSize'], properties: campaignProps },
      response: { 201: campaignSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    reply.code(201);
    return createCampaign(db, actorOf(req.principal), req.body);
  });

  app.get<{ Querystring: { status?: CampaignStatus; limit?: number; offset?: number } }>('/api/panel/campaigns', {
    preHandler: read,
    schema: {
      tags: ['panel'], summary: 'Campaigns, newest first, with invited and responded counts',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { status: { type: 'string', enum: [...CAMPAIGN_STATUSES] }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 } },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: campaignSchema }, total: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => repo.listCampaigns(db, { status: req.query.status, limit: req.query.limit ?? 50, offset: req.query.offset }));

  app.get<{ Params: { id: string } }>('/api/panel/campaigns/:id', {
    preHandler: read,
    schema: { tags: ['panel'], summary: 'One campaign', params: idParams, response: { 200: campaignSchema, ...errorResponses } },
  }, async (req) => {
    const c = await repo.getCampaign(db, req.params.id);
    if (!c) throw notFound('campaign_not_found', 'No such campaign');
    return c;
  });

  app.patch<{ Params: { id: string } }>('/api/panel/campaigns/:id', {
    preHandler: write,
    schema: {
      tags: ['panel'], summary: 'Edit a draft or scheduled campaign; open and closed ones answer 409 campaign_locked',
      params: idParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: campaignProps }, response: { 200: campaignSchema, ...errorResponses },
    },
  }, async (req) => editCampaign(db, actorOf(req.principal), req.params.id, req.body));

  app.post<{ Params: { id: string }; Body: { to: CampaignStatus } }>('/api/panel/campaigns/:id/transition', {
    preHandler: write,
    schema: {
      tags: ['panel'],
      summary: 'draft → scheduled | open, scheduled → draft | open, open → closed. Opening draws the stratified sample and emits one panel.invitation per member; closing emits panel.campaign.closed. Other moves: 409 invalid_transition',
      params: idParams, body: { type: 'object', additionalProperties: false, required: ['to'], properties: { to: { type: 'string', enum: [...CAMPAIGN_STATUSES] } } },
      response: { 200: campaignSchema, ...errorResponses },
    },
  }, async (req) => {
    const { campaign, events } = await transitionCampaign(db, actorOf(req.principal), req.params.id, req.body.to);
    publish(events);
    return campaign;
  });

  app.get<{ Params: { id: string } }>('/api/panel/campaigns/:id/results', {
    preHandler: read,
    schema: {
      tags: ['panel'], summary: "Response rate (overall, per stratum, per day), the campaign's CSAT/NPS/CES with 95% intervals (고객 평가's methods), free-text answers with risk flags, non-respondents",
      params: idParams, response: { 200: resultsSchema, ...errorResponses },
    },
  }, async (req) => campaignResults(db, req.params.id, tz));

  app.get<{ Params: { id: string } }>('/api/panel/campaigns/:id/export.xlsx', {
    preHandler: read,
    schema: {
      tags: ['panel', 'export'], summary: "A campaign's results as an Excel workbook (요약, 세그먼트, 자유응답, 미응답)", params: idParams,
      response: { 200: { type: 'string', format: 'binary', description: 'xlsx workbook' }, ...errorResponses },
    },
  }, async (req, reply) => {
    const r = await campaignResults(db, req.params.id, tz);
    const actor = actorOf(req.principal);
    const buf = await campaignWorkbook(r, actor.name);
    await audit.appendAudit(db, actor, 'export.panel_campaign', { type: 'panel_campaign', id: r.campaign.id }, { ref: r.campaign.ref, answers: r.answers.length });
    reply.header('content-type', XLSX);
    reply.header('content-disposition', `attachment; filename="radar-panel-${r.campaign.ref}-${stamp()}.xlsx"; filename*=UTF-8''${encodeURIComponent(`고객패널-${r.campaign.ref}-${stamp()}.xlsx`)}`);
    reply.header('cache-control', 'private, no-store');
    return reply.send(buf);
  });

  // ---- the public answer endpoint ----

  // The token is the credential: no sign-in. Rate-limited per address, like the sign-in route.
  const publicConfig = {
    public: true,
    rateLimit: { max: Math.max(ctx.config.loginRateLimitPerMinute * 3, 10), timeWindow: 60_000, keyGenerator: (req: { ip: string }) => `panel:${req.ip}` },
  };

  app.get<{ Params: { token: string } }>('/api/panel/respond/:token', {
    config: publicConfig,
    schema: {
      tags: ['panel'], summary: 'Public (no sign-in; the invitation token is the credential): the survey a token opens. 404 invitation_not_found for any unknown or malformed token; 409 already_answered; 410 campaign_closed, invitation_expired or member_withdrawn',
      params: tokenParams,
      response: {
        200: { type: 'object', properties: { campaign: { type: 'object', properties: { title: { type: 'string' }, purpose: { type: 'string' }, metrics: { type: 'array', items: { type: 'string' } }, question: { type: ['string', 'null'] }, closesAt: { type: ['string', 'null'] } } }, scales: { type: 'object', additionalProperties: { type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } } } } } },
        ...publicErrors,
      },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return viewInvitation(db, req.params.token);
  });

  app.post<{ Params: { token: string }; Body: AnswerInput }>('/api/panel/respond/:token', {
    config: publicConfig, bodyLimit: 64 * 1024,
    schema: {
      tags: ['panel'], summary: 'Public: answer the survey once (201). Every metric the campaign asks is required on its scale (400 invalid_answer); a second answer 409 already_answered',
      params: tokenParams,
      body: {
        type: 'object', additionalProperties: false, required: ['scores'],
        properties: {
          scores: { type: 'object', additionalProperties: false, minProperties: 1, properties: Object.fromEntries(METRICS.map((m) => [m, { type: 'integer' }])) as Record<Metric, { type: 'integer' }> },
          comment: { type: ['string', 'null'], maxLength: LIMITS.answer },
        },
      },
      response: { 201: { type: 'object', properties: { ok: { type: 'boolean' }, respondedAt: { type: 'string' } } }, ...publicErrors },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const r = await answerInvitation(db, ctx.engine(), req.params.token, req.body);
    reply.code(201);
    // Whether the text was flagged is the company's business, not the respondent's.
    return { ok: true, respondedAt: r.respondedAt };
  });
}
