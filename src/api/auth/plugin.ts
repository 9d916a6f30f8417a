import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { RadarError } from '../../core/errors.js';
import type { Db } from '../../store/db.js';
import { bearerToken, principalFromSession, principalFromToken, SESSION_COOKIE, type Principal } from './principal.js';
import type { Permission } from './rbac.js';
import type { TokenCache } from './token-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Header the console sends on every state-changing request (cross-site forms cannot). */
export const CSRF_HEADER = 'x-radar-csrf';

/**
 * Attaches `req.principal` to every request (bearer token first, then the session
 * cookie). Routes declare what they need with `requirePermission`.
 */
export function registerAuthentication(app: FastifyInstance, deps: { db: Db; adminToken: string | null; tokens?: TokenCache }) {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const token = bearerToken(req);
    if (token) {
      req.principal = await principalFromToken(deps.db, token, deps.adminToken, deps.tokens);
      if (!req.principal) throw new RadarError(401, 'invalid_token', 'The bearer token is unknown, revoked or its user is disabled');
      return;
    }
    const sid = req.cookies?.[SESSION_COOKIE];
    if (sid) {
      req.principal = await principalFromSession(deps.db, sid);
      if (req.principal && UNSAFE.has(req.method) && !req.headers[CSRF_HEADER]) {
        throw new RadarError(403, 'csrf_header_missing', `State-changing requests with a session cookie must send the ${CSRF_HEADER} header`);
      }
    }
  });
}

export function requirePermission(...perms: Permission[]): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest, _reply: FastifyReply) {
    const p = req.principal;
    if (!p) throw new RadarError(401, 'unauthenticated', 'Sign in or send a bearer token');
    if (p.mustChangePassword) {
      throw new RadarError(403, 'password_change_required', 'Change the one-time password first (POST /api/auth/password)');
    }
    if (!perms.some((perm) => p.permissions.has(perm))) {
      throw new RadarError(403, 'forbidden', `Your role (${p.role}) may not do this`, { needs: perms });
    }
  };
}

export function requireSignedIn(): preHandlerAsyncHookHandler {
  return async function (req: FastifyRequest) {
    if (!req.principal) throw new RadarError(401, 'unauthenticated', 'Sign in or send a bearer token');
  };
}

export const actorOf = (p: Principal | null) => ({ id: p?.userId ?? null, name: p?.username ?? 'system' });
