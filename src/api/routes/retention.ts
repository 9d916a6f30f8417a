import type { FastifyInstance } from 'fastify';
import { listRetentionRuns } from '../../store/retention.js';
import { requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';

export async function retentionRoutes(app: FastifyInstance, ctx: RadarContext) {
  app.get('/api/retention', {
    preHandler: requirePermission('retention:manage', 'audit:read'),
    schema: { tags: ['admin'], summary: 'The retention policy and the record of what it deleted' },
  }, async () => ({
    retentionDays: ctx.config.retentionDays,
    enabled: ctx.config.retentionDays > 0,
    /** Delivered deliveries older than this are deleted (0 = kept); dead letters stay until replayed or deleted. */
    deliveryKeepDays: ctx.delivery.config.keepDays,
    runs: await listRetentionRuns(ctx.db, 100),
  }));

  app.post('/api/retention/run', {
    preHandler: requirePermission('retention:manage'),
    schema: { tags: ['admin'], summary: 'Apply the retention policy now (it also runs every hour)' },
  }, async () => ({ result: await ctx.retention.runNow() }));
}
