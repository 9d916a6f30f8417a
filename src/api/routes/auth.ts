import type { FastifyInstance } from 'fastify';
import { RadarError } from '../../core/errors.js';
import { newSecret, sha256 } from '../../core/ids.js';
import * as audit from '../../store/audit.js';
import * as credentials from '../../store/credentials.js';
import * as users from '../../store/users.js';
import { actorOf, requireSignedIn } from '../auth/plugin.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../auth/passwords.js';
import { SESSION_COOKIE } from '../auth/principal.js';
import type { RadarContext } from '../context.js';
import { errorResponses, userSchema } from '../schemas.js';

const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 15;

export async function authRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db, config } = ctx;
  const cookieOptions = {
    path: '/', httpOnly: true, sameSite: 'strict' as const, secure: config.cookieSecure, maxAge: config.sessionTtlHours * 3600,
  };

  app.post<{ Body: { username: string; password: string } }>('/api/auth/login', {
    config: { public: true },
    schema: {
      tags: ['auth'], summary: 'Sign in to the console (sets a session cookie)',
      body: {
        type: 'object', required: ['username', 'password'], additionalProperties: false,
        properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
      },
      response: { 200: { type: 'object', properties: { user: userSchema } }, ...errorResponses },
    },
  }, async (req, reply) => {
    const u = await users.findUserByUsername(db, req.body.username);
    const invalid = new RadarError(401, 'invalid_credentials', 'Wrong username or password');
    if (!u || u.disabled) {
      await verifyPassword(req.body.password, 'scrypt$16384$8$1$AAAA$AAAA').catch(() => false); // similar timing for unknown users
      throw invalid;
    }
    if (u.lockedUntil && Date.parse(u.lockedUntil) > Date.now()) {
      throw new RadarError(403, 'account_locked', `Too many failed sign-ins; try again after ${u.lockedUntil}`, { lockedUntil: u.lockedUntil });
    }
    const ok = await verifyPassword(req.body.password, u.passwordHash);
    await users.recordLoginResult(db, u.id, ok, LOCK_AFTER_FAILURES, LOCK_MINUTES);
    if (!ok) {
      await audit.appendAudit(db, { id: u.id, name: u.username }, 'auth.login_failed', { type: 'user', id: u.id });
      throw invalid;
    }
    const sid = newSecret(32);
    await credentials.insertSession(db, sha256(sid), u.id, config.sessionTtlHours);
    await audit.appendAudit(db, { id: u.id, name: u.username }, 'auth.login', { type: 'user', id: u.id });
    reply.setCookie(SESSION_COOKIE, sid, cookieOptions);
    return { user: users.publicUser(u) };
  });

  app.post('/api/auth/logout', { config: { public: true }, schema: { tags: ['auth'], summary: 'Sign out (ends the session)' } }, async (req, reply) => {
    const sid = req.cookies[SESSION_COOKIE];
    if (sid) await credentials.deleteSession(db, sha256(sid));
    if (req.principal) await audit.appendAudit(db, actorOf(req.principal), 'auth.logout', { type: 'user', id: req.principal.userId });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/me', {
    preHandler: requireSignedIn(),
    schema: { tags: ['auth'], summary: 'The signed-in user and their permissions' },
  }, async (req) => {
    const p = req.principal!;
    return {
      user: { id: p.userId, username: p.username, role: p.role, mustChangePassword: p.mustChangePassword },
      permissions: [...p.permissions].sort(),
      via: p.via,
    };
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>('/api/auth/password', {
    preHandler: requireSignedIn(),
    schema: {
      tags: ['auth'], summary: 'Change your own password',
      body: {
        type: 'object', required: ['currentPassword', 'newPassword'], additionalProperties: false,
        properties: { currentPassword: { type: 'string', maxLength: 256 }, newPassword: { type: 'string', maxLength: 256 } },
      },
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...errorResponses },
    },
  }, async (req) => {
    const p = req.principal!;
    if (!p.userId) throw new RadarError(400, 'not_a_user', 'This credential has no password to change');
    const u = await users.findUserById(db, p.userId);
    if (!u || !(await verifyPassword(req.body.currentPassword, u.passwordHash))) {
      throw new RadarError(401, 'invalid_credentials', 'The current password is wrong');
    }
    checkPasswordPolicy(req.body.newPassword, u.username);
    if (req.body.newPassword === req.body.currentPassword) throw new RadarError(400, 'weak_password', 'The new password must differ from the current one');
    await users.setPassword(db, u.id, await hashPassword(req.body.newPassword), false);
    await audit.appendAudit(db, actorOf(p), 'auth.password_changed', { type: 'user', id: u.id });
    return { ok: true };
  });
}
