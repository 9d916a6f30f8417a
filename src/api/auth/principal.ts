import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sha256 } from '../../core/ids.js';
import type { Db } from '../../store/db.js';
import * as credentials from '../../store/credentials.js';
import * as users from '../../store/users.js';
import type { Role } from '../../store/users.js';
import { permissionsFor, type Permission } from './rbac.js';
import type { TokenCache } from './token-cache.js';

export const SESSION_COOKIE = 'radar_session';

/** Who is making a request, and what they may do. */
export interface Principal {
  via: 'session' | 'token' | 'env-token';
  userId: string | null;
  username: string;
  role: Role;
  permissions: Set<Permission>;
  mustChangePassword: boolean;
  tokenId?: string;
}

/** SHA-256 of the env admin token, computed once (it is compared on every request). */
let adminHash: { token: string; hash: Buffer } | null = null;

function isAdminToken(tokenHash: string, adminToken: string): boolean {
  if (adminHash?.token !== adminToken) adminHash = { token: adminToken, hash: Buffer.from(sha256(adminToken)) };
  return timingSafeEqual(Buffer.from(tokenHash), adminHash.hash);
}

/** The API token of a request: `Authorization: Bearer …`, or `X-API-KEY` (as Genesys AudioHook sends it). */
export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h) {
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    return m ? m[1] : null;
  }
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : null;
}

/** Resolves a bearer token value (API token or RADAR_ADMIN_TOKEN) to a principal. */
export async function principalFromToken(db: Db, token: string, adminToken: string | null, cache?: TokenCache): Promise<Principal | null> {
  const hash = sha256(token);
  if (adminToken && isAdminToken(hash, adminToken)) {
    return { via: 'env-token', userId: null, username: 'RADAR_ADMIN_TOKEN', role: 'admin', permissions: permissionsFor('admin'), mustChangePassword: false };
  }
  const cached = cache?.get(hash);
  if (cached !== undefined) return cached;
  const principal = await lookUpToken(db, hash);
  cache?.set(hash, principal);
  // last_used_at is refreshed at most once a minute (the UPDATE's own condition).
  if (principal?.tokenId) void credentials.touchToken(db, principal.tokenId).catch(() => {});
  return principal;
}

async function lookUpToken(db: Db, tokenHash: string): Promise<Principal | null> {
  const t = await credentials.findActiveToken(db, tokenHash);
  if (!t) return null;
  const u = await users.findUserById(db, t.userId);
  if (!u || u.disabled) return null;
  return {
    via: 'token', userId: u.id, username: u.username, role: u.role,
    permissions: permissionsFor(u.role, t.scopes), mustChangePassword: false, tokenId: t.id,
  };
}

export async function principalFromSession(db: Db, sessionId: string): Promise<Principal | null> {
  const userId = await credentials.findSessionUserId(db, sha256(sessionId));
  if (!userId) return null;
  const u = await users.findUserById(db, userId);
  if (!u || u.disabled) return null;
  return { via: 'session', userId: u.id, username: u.username, role: u.role, permissions: permissionsFor(u.role), mustChangePassword: u.mustChangePassword };
}
