import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { RadarError } from '../core/errors.js';
import { sha256 } from '../core/ids.js';
import { bearerToken, SESSION_COOKIE } from './auth/principal.js';

// Browser-facing hardening and request-rate limits, applied to every route.

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function registerSecurityHeaders(app: FastifyInstance, opts: { hsts: boolean }) {
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // The generated API reference (Swagger UI) sets its own, looser policy.
    if (!req.url.startsWith('/docs')) reply.header('content-security-policy', CSP);
    if (opts.hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}

export interface RateLimitOptions {
  /** Requests per minute per client (token, session or address). */
  perMinute: number;
  /** Sign-in attempts per minute per address. */
  loginPerMinute: number;
}

/** A client is its bearer token, else its session, else its address. */
function clientKey(req: FastifyRequest): string {
  const token = bearerToken(req);
  if (token) return `t:${sha256(token).slice(0, 32)}`;
  const sid = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
  if (sid) return `s:${sha256(sid).slice(0, 32)}`;
  return `ip:${req.ip}`;
}

export async function registerRateLimits(app: FastifyInstance, opts: RateLimitOptions) {
  await app.register(rateLimit, {
    global: true,
    max: (req) => (req.routeOptions.url === '/api/auth/login' ? opts.loginPerMinute : opts.perMinute),
    timeWindow: 60_000,
    keyGenerator: (req) => (req.routeOptions.url === '/api/auth/login' ? `login:${req.ip}` : clientKey(req)),
    allowList: (req) => req.routeOptions.url === '/healthz' || req.routeOptions.url === '/readyz',
    errorResponseBuilder: (_req, ctx) =>
      new RadarError(429, 'rate_limited', `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`, { limit: ctx.max }) as unknown as object,
  });
}
