// Shared JSON schemas: the single source for request validation and OpenAPI.

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
      required: ['code', 'message'],
    },
  },
} as const;

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  413: errorSchema,
  503: errorSchema,
} as const;

export const idString = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' } as const;

export const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' },
    role: { type: 'string' }, mustChangePassword: { type: 'boolean' }, disabled: { type: 'boolean' }, createdAt: { type: 'string' },
    lockedUntil: { type: ['string', 'null'] },
  },
} as const;

export const contextLineSchema = {
  type: 'object',
  properties: { utteranceId: { type: 'string' }, speaker: { type: 'string' }, startMs: { type: 'integer' }, text: { type: 'string' } },
} as const;

export const alertSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, callId: { type: 'string' }, ruleId: { type: 'string' }, category: { type: 'string' },
    severity: { type: 'integer' }, status: { type: 'string' }, statusReason: { type: ['string', 'null'] },
    caseId: { type: ['string', 'null'] }, hitCount: { type: 'integer' }, firstHitAt: { type: 'string' }, lastHitAt: { type: 'string' },
    speaker: { type: 'string' }, startMs: { type: 'integer' }, utteranceId: { type: 'string' }, match: { type: 'string' },
    term: { type: 'string' }, explanation: { type: 'string' }, negated: { type: 'boolean' },
    context: { type: 'array', items: contextLineSchema }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

export const hitSchema = {
  type: 'object',
  properties: {
    ruleId: { type: 'string' }, ruleSetVersion: { type: 'integer' }, category: { type: 'string' }, severity: { type: 'integer' },
    utteranceId: { type: 'string' }, speaker: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' },
    match: { type: 'string' }, term: { type: 'string' }, negated: { type: 'boolean' }, provisional: { type: 'boolean' },
    distance: { type: 'integer' }, startMs: { type: 'integer' }, explanation: { type: 'string' }, alertId: { type: ['string', 'null'] },
  },
} as const;

export const callSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, customerId: { type: ['string', 'null'] }, agentId: { type: ['string', 'null'] },
    startedAt: { type: 'string' }, endedAt: { type: ['string', 'null'] }, source: { type: 'string' },
    metadata: { type: 'object', additionalProperties: true }, riskScore: { type: 'integer' },
  },
} as const;

export const utteranceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, seq: { type: 'integer' }, speaker: { type: 'string' }, startMs: { type: 'integer' },
    endMs: { type: 'integer' }, text: { type: 'string' }, createdAt: { type: 'string' },
    redactions: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

/** One entry of a record's history (store/rows.ts HistoryEvent). */
export const historySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, at: { type: 'string' }, actorId: { type: ['string', 'null'] }, actorName: { type: 'string' },
    type: { type: 'string' }, details: { type: 'object', additionalProperties: true },
  },
} as const;

/** A value with its 95 % interval (survey indices). */
export const indexEstimateSchema = { type: ['object', 'null'], properties: { value: { type: 'number' }, low: { type: ['number', 'null'] }, high: { type: ['number', 'null'] } } } as const;

/** One index (NPS, CSAT or CES) with its interval and sample: the surveys' and the panel campaigns' results. */
export const metricIndexSchema = {
  type: 'object',
  properties: {
    metric: { type: 'string' }, n: { type: 'integer' }, smallSample: { type: 'boolean' }, headline: indexEstimateSchema, secondary: indexEstimateSchema,
    shares: { type: ['object', 'null'], properties: { promoters: { type: 'number' }, passives: { type: 'number' }, detractors: { type: 'number' } } },
    distribution: { type: 'array', items: { type: 'integer' } },
  },
} as const;
