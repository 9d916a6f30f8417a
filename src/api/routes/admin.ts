import type { FastifyInstance } from 'fastify';
import { badRequest, conflict, notFound } from '../../core/errors.js';
import { newId, newSecret, sha256 } from '../../core/ids.js';
import * as audit from '../../store/audit.js';
import * as credentials from '../../store/credentials.js';
import * as users from '../../store/users.js';
import { ROLES, type Role } from '../../store/users.js';
import { actorOf, requirePermission } from '../auth/plugin.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { PERMISSIONS, permissionsFor } from '../auth/rbac.js';
import type { RadarContext } from '../context.js';
import { errorResponses, userSchema } from '../schemas.js';

const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, userId: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string' }, lastUsedAt: { type: ['string', 'null'] }, revokedAt: { type: ['string', 'null'] },
  },
} as const;

export async function adminRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db } = ctx;
  const manageUsers = requirePermission('users:manage');
  const manageTokens = requirePermission('tokens:manage');

  app.get('/api/users', {
    preHandler: manageUsers,
    schema: { tags: ['admin'], summary: 'List users', response: { 200: { type: 'object', properties: { items: { type: 'array', items: userSchema } } } } },
  }, async () => ({ items: await users.listUsers(db) }));

  app.post<{ Body: { username: string; displayName?: string; role: Role; password: string } }>('/api/users', {
    preHandler: manageUsers,
    schema: {
      tags: ['admin'], summary: 'Create a user (they must change the password at first sign-in)',
      body: {
        type: 'object', required: ['username', 'role', 'password'], additionalProperties: false,
        properties: {
          username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' },
          displayName: { type: 'string', minLength: 1, maxLength: 100 },
          role: { type: 'string', enum: [...ROLES] },
          password: { type: 'string', maxLength: 256 },
        },
      },
      response: { 201: userSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    checkPasswordPolicy(req.body.password, req.body.username);
    const u = await users.insertUser(db, {
      id: newId(), username: req.body.username, displayName: req.body.displayName ?? req.body.username, role: req.body.role,
      passwordHash: await hashPassword(req.body.password), mustChangePassword: true,
    });
    if (!u) throw conflict('username_taken', `User '${req.body.username}' already exists`);
    await audit.appendAudit(db, actorOf(req.principal), 'user.created', { type: 'user', id: u.id }, { username: u.username, role: u.role });
    reply.code(201);
    return u;
  });

  app.patch<{ Params: { id: string }; Body: { role?: Role; disabled?: boolean; displayName?: string; password?: string; unlock?: true } }>('/api/users/:id', {
    preHandler: manageUsers,
    schema: {
      tags: ['admin'], summary: "Change a user's role, name or status, reset their password (they must change it at next sign-in), or lift a sign-in lock-out",
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          role: { type: 'string', enum: [...ROLES] }, disabled: { type: 'boolean' },
          displayName: { type: 'string', minLength: 1, maxLength: 100 }, password: { type: 'string', maxLength: 256 },
          unlock: { type: 'boolean', enum: [true] },
        },
      },
      response: { 200: userSchema, ...errorResponses },
    },
  }, async (req) => {
    const existing = await users.findUserById(db, req.params.id);
    if (!existing) throw notFound('user_not_found', `No user with id '${req.params.id}'`);
    if (req.body.password !== undefined) checkPasswordPolicy(req.body.password, existing.username);
    const u = await db.tx(async (q) => {
      // Nobody could manage users any more: the last enabled administrator stays one.
      const losesAdmin = existing.role === 'admin' && !existing.disabled && (req.body.disabled === true || (req.body.role !== undefined && req.body.role !== 'admin'));
      if (losesAdmin && (await users.countOtherActiveAdmins(q, existing.id)) === 0) {
        throw conflict('last_admin', `'${existing.username}' is the last enabled administrator; make another user an administrator first`);
      }
      const { unlock, ...fields } = req.body;
      const updated = await users.updateUser(q, req.params.id, fields);
      if (unlock) await users.unlockUser(q, req.params.id);
      if (req.body.password !== undefined) await users.setPassword(q, req.params.id, await hashPassword(req.body.password), true);
      if (req.body.disabled || req.body.password !== undefined) await credentials.deleteUserSessions(q, req.params.id);
      const { password: _p, ...changes } = req.body;
      await audit.appendAudit(q, actorOf(req.principal), 'user.updated', { type: 'user', id: req.params.id },
        { ...changes, ...(req.body.password !== undefined ? { passwordReset: true } : {}) });
      return unlock || req.body.password !== undefined ? users.publicUser((await users.findUserById(q, req.params.id))!) : updated;
    });
    // A disabled user's or changed role's tokens must stop working everywhere now.
    ctx.tokens.invalidate();
    return u!;
  });

  app.get('/api/roles', {
    preHandler: requirePermission('users:manage', 'audit:read'),
    schema: {
      tags: ['admin'], summary: 'What each role may do (the permission matrix)',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { role: { type: 'string' }, permissions: { type: 'array', items: { type: 'string' } } } } }, permissions: { type: 'array', items: { type: 'string' } } } } },
    },
  }, async () => ({ items: ROLES.map((role) => ({ role, permissions: [...permissionsFor(role)] })), permissions: [...PERMISSIONS] }));

  app.get('/api/tokens', {
    preHandler: manageTokens,
    schema: { tags: ['admin'], summary: 'List API tokens (values are never shown again)', response: { 200: { type: 'object', properties: { items: { type: 'array', items: tokenSchema } } } } },
  }, async () => ({ items: await credentials.listTokens(db) }));

  app.post<{ Body: { name: string; userId?: string; scopes?: string[] } }>('/api/tokens', {
    preHandler: manageTokens,
    schema: {
      tags: ['admin'], summary: 'Create an API token for an integration; the value is returned once',
      body: {
        type: 'object', required: ['name'], additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 }, userId: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string', enum: [...PERMISSIONS] }, uniqueItems: true },
        },
      },
      response: { 201: { type: 'object', properties: { token: { type: 'string' }, info: tokenSchema } }, ...errorResponses },
    },
  }, async (req, reply) => {
    const ownerId = req.body.userId ?? req.principal?.userId ?? (await firstAdminId());
    if (!ownerId) throw badRequest('owner_required', 'Name the user the token acts as (userId)');
    const owner = await users.findUserById(db, ownerId);
    if (!owner) throw notFound('user_not_found', `No user with id '${ownerId}'`);
    const value = `rdr_${newSecret(30)}`;
    const info = await credentials.insertToken(db, { id: newId(), name: req.body.name, tokenHash: sha256(value), userId: owner.id, scopes: req.body.scopes ?? [] });
    await audit.appendAudit(db, actorOf(req.principal), 'token.created', { type: 'token', id: info.id }, { name: info.name, userId: owner.id, scopes: info.scopes });
    reply.code(201);
    return { token: value, info };
  });

  app.delete<{ Params: { id: string } }>('/api/tokens/:id', {
    preHandler: manageTokens,
    schema: { tags: ['admin'], summary: 'Revoke an API token' },
  }, async (req) => {
    if (!(await credentials.revokeToken(db, req.params.id))) throw notFound('token_not_found', `No active token with id '${req.params.id}'`);
    ctx.tokens.invalidate();
    await audit.appendAudit(db, actorOf(req.principal), 'token.revoked', { type: 'token', id: req.params.id });
    return { ok: true };
  });

  app.get<{ Querystring: { limit?: number; before?: number; action?: string; actorId?: string } }>('/api/audit', {
    preHandler: requirePermission('audit:read'),
    schema: {
      tags: ['admin'], summary: 'The audit trail, newest first (append-only)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, before: { type: 'integer' }, action: { type: 'string' }, actorId: { type: 'string' } },
      },
    },
  }, async (req) => ({ items: await audit.listAudit(db, { limit: req.query.limit ?? 100, before: req.query.before, action: req.query.action, actorId: req.query.actorId }) }));

  async function firstAdminId(): Promise<string | null> {
    const all = await users.listUsers(db);
    return all.find((u) => u.role === 'admin' && !u.disabled)?.id ?? null;
  }
}
