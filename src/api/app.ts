import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { RadarError } from '../core/errors.js';
import { transcriptWsRoutes, MAX_WS_MESSAGE_BYTES } from '../ingest/transcript-ws.js';
import { validatorCompiler } from './validation.js';
import { registerRateLimits, registerSecurityHeaders } from './security.js';
import { registerAuthentication, requirePermission } from './auth/plugin.js';
import type { RadarContext } from './context.js';
import { adminRoutes } from './routes/admin.js';
import { alertRoutes } from './routes/alerts.js';
import { authRoutes } from './routes/auth.js';
import { callRoutes } from './routes/calls.js';
import { deliveryRoutes } from './routes/delivery.js';
import { healthRoutes } from './routes/health.js';
import { caseRoutes } from './routes/cases.js';
import { callLiveRoutes } from './routes/calls-live.js';
import { exportRoutes } from './routes/export.js';
import { searchRoutes } from './routes/search.js';
import { staticRoutes } from './static.js';
import { ruleRoutes } from './routes/rules.js';
import { audioRoutes } from './audio.js';
import { retentionRoutes } from './routes/retention.js';
import { briefingRoutes } from './routes/briefings.js';
import { earlyWarningRoutes } from './routes/early-warnings.js';
import { inspectionRoutes } from './routes/inspections.js';
import { statisticsRoutes } from './routes/statistics.js';
import { surveyRoutes } from './routes/surveys.js';
import { vosRoutes } from './routes/vos.js';
import { panelRoutes } from './routes/panel.js';
import { analysisRoutes } from './routes/analysis.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in (health, login, the console's static files). */
    public?: boolean;
  }
}

export const API_VERSION = '0.1.0';

/** Builds the HTTP/WebSocket server with every route; does not listen. */
export async function buildApp(ctx: RadarContext): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.bodyLimitBytes,
    // Fastify answers a longer path parameter with a bare 414 of its own; let
    // long ids reach the routes, whose schemas refuse them with our error shape.
    routerOptions: { maxParamLength: 2048 },
    // SSE and WebSocket clients stay connected; shutting down must not wait for them.
    forceCloseConnections: true,
  });
  app.setValidatorCompiler(validatorCompiler);

  registerJsonParser(app);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'route_not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } });
  });

  await app.register(cookie);
  registerSecurityHeaders(app, { hsts: ctx.config.cookieSecure });
  await registerRateLimits(app, { perMinute: ctx.config.rateLimitPerMinute, loginPerMinute: ctx.config.loginRateLimitPerMinute });
  await app.register(websocket, { options: { maxPayload: MAX_WS_MESSAGE_BYTES } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Minwon Radar API', version: API_VERSION, description: 'Real-time complaint-risk monitoring (민원 레이더)' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'radar_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerAuthentication(app, { db: ctx.db, adminToken: ctx.config.adminToken, tokens: ctx.tokens });
  // Defence in depth: any route not marked public needs a signed-in principal,
  // even if its own permission check were forgotten.
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.config?.public) return;
    if (!req.principal) throw new RadarError(401, 'unauthenticated', 'Sign in or send a bearer token');
  });

  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.httpSeconds.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await healthRoutes(app, ctx);
  await authRoutes(app, ctx);
  await adminRoutes(app, ctx);
  await callRoutes(app, ctx);
  await alertRoutes(app, ctx);
  await callLiveRoutes(app, ctx);
  await caseRoutes(app, ctx);
  await searchRoutes(app, ctx);
  await exportRoutes(app, ctx);
  await ruleRoutes(app, ctx);
  await deliveryRoutes(app, ctx);
  await audioRoutes(app, ctx);
  await retentionRoutes(app, ctx);
  await briefingRoutes(app, ctx);
  await earlyWarningRoutes(app, ctx);
  await statisticsRoutes(app, ctx);
  await surveyRoutes(app, ctx);
  await inspectionRoutes(app, ctx);
  await vosRoutes(app, ctx);
  await panelRoutes(app, ctx);
  await analysisRoutes(app, ctx);
  await transcriptWsRoutes(app, { sink: ctx.pipeline, preHandler: requirePermission('ingest:write') });
  // Last: the console's files and SPA fallback (a catch-all GET).
  await staticRoutes(app);
  return app;
}

/** JSON bodies must be valid UTF-8 and valid JSON; both fail with a clear 400. */
function registerJsonParser(app: FastifyInstance) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      done(new RadarError(400, 'invalid_utf8', 'The request body is not valid UTF-8'), undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new RadarError(400, 'invalid_json', `The request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
}

function errorHandler(this: FastifyInstance, err: FastifyError | RadarError, req: { log: FastifyInstance['log']; method: string; url: string }, reply: import('fastify').FastifyReply) {
  if (err instanceof RadarError) {
    if (err.status === 503) reply.header('retry-after', '2');
    reply.code(err.status).send(err.toJSON());
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    reply.code(400).send({ error: { code: 'invalid_request', message: `${fe.validationContext ?? 'request'} ${fe.validation[0]?.instancePath ?? ''} ${fe.validation[0]?.message ?? fe.message}`.replace(/\s+/g, ' ').trim() } });
    return;
  }
  const known: Record<string, [number, string]> = {
    FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
    FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
  };
  const k = fe.code ? known[fe.code] : undefined;
  if (k) {
    reply.code(k[0]).send({ error: { code: k[1], message: fe.message } });
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    reply.code(fe.statusCode).send({ error: { code: (fe.code ?? 'bad_request').toLowerCase(), message: fe.message } });
    return;
  }
  req.log.error({ err, method: req.method, url: req.url.split('?')[0] }, 'unhandled error');
  reply.code(500).send({ error: { code: 'internal_error', message: 'Unexpected server error' } });
}

