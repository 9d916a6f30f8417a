import type { Queryable, Row } from './db.js';

export const ROLES = ['admin', 'officer', 'supervisor', 'analyst', 'agent', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
  /** Set while sign-in is locked after too many failed attempts (may lie in the past: then it has expired). */
  lockedUntil: string | null;
}

export interface UserWithSecret extends User {
  passwordHash: string;
  failedLogins: number;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function toUser(r: Row): UserWithSecret {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    mustChangePassword: r.must_change_password,
    disabled: r.disabled,
    createdAt: iso(r.created_at)!,
    passwordHash: r.password_hash,
    failedLogins: r.failed_logins,
    lockedUntil: iso(r.locked_until),
  };
}

export function publicUser(u: UserWithSecret): User {
  const { passwordHash: _h, failedLogins: _f, ...rest } = u;
  return rest;
}

export async function countUsers(q: Queryable): Promise<number> {
  const [r] = await q.query('SELECT count(*)::int AS n FROM users');
  return r.n;
}

export async function insertUser(
  q: Queryable,
  u: { id: string; username: string; displayName: string; role: Role; passwordHash: string; mustChangePassword: boolean },
): Promise<User | null> {
  const rows = await q.query(
    `INSERT INTO users (id, username, display_name, role, password_hash, must_change_password)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING *`,
    [u.id, u.username, u.displayName, u.role, u.passwordHash, u.mustChangePassword],
  );
  return rows[0] ? publicUser(toUser(rows[0])) : null;
}

export async function findUserByUsername(q: Queryable, username: string): Promise<UserWithSecret | null> {
  const rows = await q.query('SELECT * FROM users WHERE username = $1', [username]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUserById(q: Queryable, id: string): Promise<UserWithSecret | null> {
  const rows = await q.query('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function listUsers(q: Queryable): Promise<User[]> {
  const rows = await q.query('SELECT * FROM users ORDER BY username');
  return rows.map((r) => publicUser(toUser(r)));
}

export async function recordLoginResult(q: Queryable, id: string, ok: boolean, lockAfter: number, lockMinutes: number): Promise<void> {
  if (ok) {
    await q.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [id]);
    return;
  }
  await q.query(
    `UPDATE users SET failed_logins = failed_logins + 1,
       locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
     WHERE id = $1`,
    [id, lockAfter, lockMinutes],
  );
}

export async function setPassword(q: Queryable, id: string, passwordHash: string, mustChange: boolean): Promise<void> {
  await q.query(
    'UPDATE users SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1',
    [id, passwordHash, mustChange],
  );
}

/** Lifts a sign-in lock-out (the failed-attempt count starts again). */
export async function unlockUser(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1', [id]);
}

/**
 * Enabled administrators other than `exceptId` (the last one may not be disabled
 * or demoted). Locks the administrators' rows for the transaction, so two
 * administrators demoting each other at once cannot both succeed.
 */
export async function countOtherActiveAdmins(q: Queryable, exceptId: string): Promise<number> {
  const rows = await q.query("SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE");
  return rows.filter((r) => r.id !== exceptId).length;
}

export async function updateUser(q: Queryable, id: string, patch: { role?: Role; disabled?: boolean; displayName?: string }): Promise<User | null> {
  const rows = await q.query(
    `UPDATE users SET role = coalesce($2, role), disabled = coalesce($3, disabled),
       display_name = coalesce($4, display_name), updated_at = now() WHERE id = $1 RETURNING *`,
    [id, patch.role ?? null, patch.disabled ?? null, patch.displayName ?? null],
  );
  return rows[0] ? publicUser(toUser(rows[0])) : null;
}
