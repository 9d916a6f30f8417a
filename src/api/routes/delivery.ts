import type { FastifyInstance } from 'fastify';
import { conflict, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { newWebhookSecret } from '../../delivery/signature.js';
import { DELIVERY_STATUSES, SUBSCRIPTION_KINDS, type DeliveryStatus, type Subscription, type SubscriptionKind } from '../../delivery/types.js';
import { EVENT_TYPE_PATTERN, maskTarget, normalizeTarget } from '../../delivery/validate.js';
import { sendTestMessage } from '../../delivery/test-message.js';
import * as audit from '../../store/audit.js';
import { CLOSED_CIRCUIT, circuitsOf, type CircuitInfo } from '../../store/circuits.js';
import * as deliveriesRepo from '../../store/deliveries.js';
import * as subs from '../../store/subscriptions.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { errorResponses } from '../schemas.js';

// Delivery to other systems: subscriptions (admin) and the deliveries made for
// them — dead letters included — with replay. Every change is audited.

const circuitSchema = {
  type: 'object',
  description: 'Circuit breaker: closed (deliveries flow), open (none claimed until openUntil), half_open (one probe let through)',
  properties: {
    state: { type: 'string', enum: ['closed', 'open', 'half_open'] }, consecutiveFailures: { type: 'integer' },
    openedAt: { type: ['string', 'null'] }, openUntil: { type: ['string', 'null'] },
  },
} as const;

const subscriptionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, target: { type: 'string' },
    eventTypes: { type: 'array', items: { type: 'string' } }, minSeverity: { type: ['integer', 'null'] },
    categories: { type: 'array', items: { type: 'string' } }, enabled: { type: 'boolean' }, hasSecret: { type: 'boolean' },
    createdBy: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
    circuit: circuitSchema,
  },
} as const;

const testResultSchema = {
  type: 'object',
  properties: {
    delivered: { type: 'boolean' }, status: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] },
    durationMs: { type: 'integer' }, eventId: { type: 'string' }, circuitClosed: { type: 'boolean' },
  },
} as const;

const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, subscriptionId: { type: 'string' }, eventSeq: { type: 'integer' }, eventId: { type: 'string' },
    eventType: { type: ['string', 'null'] }, status: { type: 'string' }, attempts: { type: 'integer' },
    nextAttemptAt: { type: ['string', 'null'] }, lastStatus: { type: ['integer', 'null'] }, lastError: { type: ['string', 'null'] },
    replays: { type: 'integer' }, deliveredAt: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

const attemptSchema = {
  type: 'object',
  properties: {
    attempt: { type: 'integer' }, at: { type: 'string' }, ok: { type: 'boolean' }, status: { type: ['integer', 'null'] },
    error: { type: ['string', 'null'] }, durationMs: { type: 'integer' },
  },
} as const;

const editable = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  target: { type: 'string', minLength: 1, maxLength: 2000 },
  eventTypes: { type: 'array', minItems: 1, maxItems: 30, uniqueItems: true, items: { type: 'string', maxLength: 100, pattern: EVENT_TYPE_PATTERN } },
  minSeverity: { type: ['integer', 'null'], minimum: 1, maximum: 5 },
  categories: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
  enabled: { type: 'boolean' },
} as const;

interface SubscriptionBody {
  name: string;
  kind: SubscriptionKind;
  target: string;
  eventTypes: string[];
  minSeverity?: number | null;
  categories?: string[];
  enabled?: boolean;
}

const idParam = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const numericIdParam = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** What the API and the audit trail show: never the secret, credential URLs masked; with its circuit breaker. */
const present = (s: Subscription, circuit: CircuitInfo = CLOSED_CIRCUIT) => ({ ...s, target: maskTarget(s.kind, s.target), circuit });
const auditView = (s: Subscription) => ({
  name: s.name, kind: s.kind, target: maskTarget(s.kind, s.target), eventTypes: s.eventTypes,
  minSeverity: s.minSeverity, categories: s.categories, enabled: s.enabled,
});

export async function deliveryRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db } = ctx;
  const manage = requirePermission('subscriptions:manage');
  const read = requirePermission('deliveries:read', 'subscriptions:manage');

  async function mustGet(id: string): Promise<Subscription> {
    const s = await subs.getSubscription(db, id);
    if (!s) throw notFound('subscription_not_found', `No subscription with id '${id}'`);
    return s;
  }

  app.get('/api/subscriptions', {
    preHandler: manage,
    schema: {
      tags: ['delivery'], summary: 'List delivery subscriptions (webhook, Slack, Teams, e-mail)',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: subscriptionSchema } } } },
    },
  }, async () => {
    const items = await subs.listSubscriptions(db);
    const circuits = await circuitsOf(db, items.map((s) => s.id));
    return { items: items.map((s) => present(s, circuits.get(s.id))) };
  });

  const withCircuit = async (s: Subscription) => present(s, (await circuitsOf(db, [s.id])).get(s.id));

  app.post<{ Body: SubscriptionBody }>('/api/subscriptions', {
    preHandler: manage,
    schema: {
      tags: ['delivery'],
      summary: 'Create a subscription; a webhook gets a signing secret, returned once',
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'kind', 'target', 'eventTypes'],
        properties: { ...editable, kind: { type: 'string', enum: [...SUBSCRIPTION_KINDS] } },
      },
      response: { 201: { type: 'object', properties: { subscription: subscriptionSchema, secret: { type: ['string', 'null'] } } }, ...errorResponses },
    },
  }, async (req, reply) => {
    const b = req.body;
    const actor = actorOf(req.principal);
    const secret = b.kind === 'webhook' ? newWebhookSecret() : null;
    const created = await db.tx(async (q) => {
      const s = await subs.insertSubscription(q, {
        id: newId(), name: b.name, kind: b.kind, target: normalizeTarget(b.kind, b.target), eventTypes: b.eventTypes,
        minSeverity: b.minSeverity ?? null, categories: b.categories ?? [], secret, enabled: b.enabled ?? true, createdBy: actor.id,
      });
      await audit.appendAudit(q, actor, 'subscription.created', { type: 'subscription', id: s.id }, auditView(s));
      return s;
    });
    reply.code(201);
    return { subscription: present(created), secret };
  });

  app.get<{ Params: { id: string } }>('/api/subscriptions/:id', {
    preHandler: manage,
    schema: { tags: ['delivery'], summary: 'One subscription', params: idParam, response: { 200: subscriptionSchema, ...errorResponses } },
  }, async (req) => withCircuit(await mustGet(req.params.id)));

  app.patch<{ Params: { id: string }; Body: Partial<Omit<SubscriptionBody, 'kind'>> }>('/api/subscriptions/:id', {
    preHandler: manage,
    schema: {
      tags: ['delivery'], summary: 'Change a subscription (the kind is fixed); disabling pauses its deliveries',
      params: idParam,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: editable },
      response: { 200: subscriptionSchema, ...errorResponses },
    },
  }, async (req) => {
    const existing = await mustGet(req.params.id);
    const { target, ...rest } = req.body;
    const changes: subs.SubscriptionChanges = { ...rest, ...(target !== undefined ? { target: normalizeTarget(existing.kind, target) } : {}) };
    return withCircuit(await db.tx(async (q) => {
      const s = await subs.updateSubscription(q, existing.id, changes);
      if (!s) throw notFound('subscription_not_found', `No subscription with id '${existing.id}'`);
      const changed = Object.fromEntries(Object.keys(changes).map((k) => [k, auditView(s)[k as keyof ReturnType<typeof auditView>]]));
      await audit.appendAudit(q, actorOf(req.principal), 'subscription.updated', { type: 'subscription', id: s.id }, changed);
      return s;
    }));
  });

  app.delete<{ Params: { id: string } }>('/api/subscriptions/:id', {
    preHandler: manage,
    schema: { tags: ['delivery'], summary: 'Delete a subscription and its delivery records', params: idParam, response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...errorResponses } },
  }, async (req) => {
    await db.tx(async (q) => {
      const s = await subs.deleteSubscription(q, req.params.id);
      if (!s) throw notFound('subscription_not_found', `No subscription with id '${req.params.id}'`);
      await audit.appendAudit(q, actorOf(req.principal), 'subscription.deleted', { type: 'subscription', id: s.id }, auditView(s));
    });
    return { ok: true };
  });

  app.post<{ Params: { id: string } }>('/api/subscriptions/:id/rotate-secret', {
    preHandler: manage,
    schema: {
      tags: ['delivery'], summary: "Replace a webhook's signing secret; the new one is returned once", params: idParam,
      response: { 200: { type: 'object', properties: { secret: { type: 'string' } } }, ...errorResponses },
    },
  }, async (req) => {
    const existing = await mustGet(req.params.id);
    if (existing.kind !== 'webhook') throw conflict('not_a_webhook', 'Only webhook subscriptions are signed / 웹훅 구독만 서명 키가 있습니다');
    const secret = newWebhookSecret();
    await db.tx(async (q) => {
      await subs.setSecret(q, existing.id, secret);
      await audit.appendAudit(q, actorOf(req.principal), 'subscription.secret_rotated', { type: 'subscription', id: existing.id });
    });
    return { secret };
  });

  app.post<{ Params: { id: string } }>('/api/subscriptions/:id/test', {
    preHandler: manage,
    schema: {
      tags: ['delivery'],
      summary: "Send a test message (type 'test') through the subscription's sender now and report the outcome; not a delivery, works while disabled",
      params: idParam,
      response: { 200: testResultSchema, ...errorResponses },
    },
  }, async (req) => {
    const target = await subs.sendTargetOf(db, req.params.id);
    if (!target) throw notFound('subscription_not_found', `No subscription with id '${req.params.id}'`);
    const actor = actorOf(req.principal);
    const result = await sendTestMessage(db, ctx.delivery.config, target, actor.name);
    await audit.appendAudit(db, actor, 'subscription.tested', { type: 'subscription', id: target.id }, {
      kind: target.kind, target: maskTarget(target.kind, target.target), ...result,
    });
    // Deliveries held back by the circuit may go now.
    if (result.circuitClosed) ctx.delivery.kick();
    return result;
  });

  app.post<{ Params: { id: string } }>('/api/subscriptions/:id/replay', {
    preHandler: manage,
    schema: {
      tags: ['delivery'], summary: "Replay every dead letter of a subscription (after its receiver is fixed)", params: idParam,
      response: { 200: { type: 'object', properties: { replayed: { type: 'integer' } } }, ...errorResponses },
    },
  }, async (req) => {
    const existing = await mustGet(req.params.id);
    const replayed = await db.tx(async (q) => {
      const n = await deliveriesRepo.replayDeadOfSubscription(q, existing.id);
      await audit.appendAudit(q, actorOf(req.principal), 'subscription.replayed', { type: 'subscription', id: existing.id }, { replayed: n });
      return n;
    });
    return { replayed };
  });

  app.get<{ Querystring: { status?: DeliveryStatus; subscriptionId?: string; eventSeq?: number; limit?: number; before?: number } }>('/api/deliveries', {
    preHandler: read,
    schema: {
      tags: ['delivery'], summary: 'Deliveries, newest first; status=dead lists the dead letters',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          status: { type: 'string', enum: [...DELIVERY_STATUSES] }, subscriptionId: { type: 'string', maxLength: 128 },
          eventSeq: { type: 'integer', minimum: 1 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, before: { type: 'integer', minimum: 1 },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: deliverySchema } } }, ...errorResponses },
    },
  }, async (req) => ({ items: await deliveriesRepo.listDeliveries(db, { ...req.query, limit: req.query.limit ?? 100 }) }));

  app.get('/api/deliveries/summary', {
    preHandler: read,
    schema: {
      tags: ['delivery'], summary: 'Outbox lag (latest event seq − relay cursor), pending and dead counts',
      response: {
        200: {
          type: 'object',
          properties: {
            cursor: { type: 'integer' }, latestSeq: { type: 'integer' }, lag: { type: 'integer' }, pending: { type: 'integer' },
            dead: { type: 'integer' }, skippedSeqs: { type: 'integer' }, waitingOnGapSince: { type: ['string', 'null'] },
            openCircuits: { type: 'integer' },
          },
        },
      },
    },
  }, async () => deliveriesRepo.deliverySummary(db));

  app.get<{ Params: { id: number } }>('/api/deliveries/:id', {
    preHandler: read,
    schema: {
      tags: ['delivery'], summary: 'One delivery with every attempt', params: numericIdParam,
      response: { 200: { type: 'object', properties: { ...deliverySchema.properties, attemptLog: { type: 'array', items: attemptSchema } } }, ...errorResponses },
    },
  }, async (req) => {
    const d = await deliveriesRepo.getDelivery(db, req.params.id);
    if (!d) throw notFound('delivery_not_found', `No delivery with id ${req.params.id}`);
    return d;
  });

  app.post<{ Params: { id: number } }>('/api/deliveries/:id/replay', {
    preHandler: manage,
    schema: {
      tags: ['delivery'], summary: 'Send a dead (or delivered) delivery again with a fresh set of attempts', params: numericIdParam,
      response: { 200: deliverySchema, ...errorResponses },
    },
  }, async (req) => {
    return db.tx(async (q) => {
      const d = await deliveriesRepo.replayDelivery(q, req.params.id);
      if (!d) {
        const exists = await deliveriesRepo.getDelivery(q, req.params.id);
        if (!exists) throw notFound('delivery_not_found', `No delivery with id ${req.params.id}`);
        throw conflict('delivery_pending', 'The delivery is still pending; it is retried automatically / 아직 재시도 중입니다');
      }
      await audit.appendAudit(q, actorOf(req.principal), 'delivery.replayed', { type: 'delivery', id: String(d.id) }, { subscriptionId: d.subscriptionId, eventId: d.eventId });
      return d;
    });
  });

  app.delete<{ Params: { id: number } }>('/api/deliveries/:id', {
    preHandler: manage,
    schema: {
      tags: ['delivery'], summary: 'Delete a dead letter (with its attempts) that will not be replayed; 409 for pending or delivered ones',
      params: numericIdParam,
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (req) => {
    await db.tx(async (q) => {
      const d = await deliveriesRepo.deleteDeadLetter(q, req.params.id);
      if (d === null) throw notFound('delivery_not_found', `No delivery with id ${req.params.id}`);
      if (d === 'not_dead') throw conflict('delivery_not_dead', 'Only dead letters can be deleted; delivered ones are removed by retention / 실패(dead) 건만 삭제할 수 있습니다');
      await audit.appendAudit(q, actorOf(req.principal), 'delivery.deleted', { type: 'delivery', id: String(d.id) }, {
        subscriptionId: d.subscriptionId, eventId: d.eventId, eventType: d.eventType, attempts: d.attempts, lastStatus: d.lastStatus, lastError: d.lastError,
      });
    });
    return { ok: true };
  });
}
