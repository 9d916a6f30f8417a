import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';

export async function healthRoutes(app: FastifyInstance, ctx: RadarContext) {
  app.get('/healthz', { config: { public: true }, schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));

  app.get('/metrics', {
    preHandler: requirePermission('metrics:read'),
    schema: { tags: ['health'], summary: 'Prometheus metrics (bearer token with metrics:read)' },
  }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get('/readyz', { config: { public: true }, schema: { tags: ['health'], summary: 'Ready to accept work: the database answers' } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    try {
      await ctx.db.query('SELECT 1');
      checks.database = 'ok';
    } catch (err) {
      checks.database = (err as Error).message;
    }
    checks.bus = ctx.bus.health();
    if (ctx.queue) checks.queue = ctx.queue.health();
    const ready = Object.values(checks).every((v) => v === 'ok');
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', checks, database: ctx.db.kind, ...(ctx.queue ? { queue: { partitionsRead: ctx.queue.owned() } } : {}) };
  });
}
