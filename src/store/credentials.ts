import type { Queryable, Row } from './db.js';

// Console sessions and API tokens. Both are looked up by a SHA-256 of the secret,
// so a leaked database does not leak usable credentials.

export async function insertSession(q: Queryable, idHash: string, userId: string, ttlHours: number): Promise<void> {
  await q.query(
    `INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [idHash, userId, ttlHours],
  );
}

export async function findSessionUserId(q: Queryable, idHash: string): Promise<string | null> {
  const rows = await q.query('SELECT user_id FROM sessions WHERE id_hash = $1 AND expires_at > now()', [idHash]);
  return rows[0]?.user_id ?? null;
}

export async function deleteSession(q: Queryable, idHash: string): Promise<void> {
  await q.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
}

export async function deleteUserSessions(q: Queryable, userId: string): Promise<void> {
  await q.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

export interface ApiToken {
  id: string;
  name: string;
  userId: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const toToken = (r: Row): ApiToken => ({
  id: r.id,
  name: r.name,
  userId: r.user_id,
  scopes: r.scopes ?? [],
  createdAt: new Date(r.created_at).toISOString(),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

export async function insertToken(
  q: Queryable,
  t: { id: string; name: string; tokenHash: string; userId: string; scopes: string[] },
): Promise<ApiToken> {
  const rows = await q.query(
    'INSERT INTO api_tokens (id, name, token_hash, user_id, scopes) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [t.id, t.name, t.tokenHash, t.userId, t.scopes],
  );
  return toToken(rows[0]);
}

export async function findActiveToken(q: Queryable, tokenHash: string): Promise<ApiToken | null> {
  const rows = await q.query('SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash]);
  return rows[0] ? toToken(rows[0]) : null;
}

export async function listTokens(q: Queryable): Promise<ApiToken[]> {
  return (await q.query('SELECT * FROM api_tokens ORDER BY created_at DESC')).map(toToken);
}

export async function revokeToken(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
  return rows.length > 0;
}

export async function touchToken(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
}
