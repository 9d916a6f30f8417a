import { newId, newSecret } from '../core/ids.js';
import type { Db } from '../store/db.js';
import * as audit from '../store/audit.js';
import * as users from '../store/users.js';
import { hashPassword } from './auth/passwords.js';

/**
 * On an empty user table, creates `admin` with a random one-time password that
 * must be changed at first sign-in. Returns the password to print, or null.
 */
export async function ensureFirstAdmin(db: Db): Promise<{ username: string; password: string } | null> {
  if ((await users.countUsers(db)) > 0) return null;
  const password = `${newSecret(9)}-Rd1`;
  const created = await users.insertUser(db, {
    id: newId(), username: 'admin', displayName: '관리자 (Administrator)', role: 'admin',
    passwordHash: await hashPassword(password), mustChangePassword: true,
  });
  if (!created) return null; // another process created it first
  await audit.appendAudit(db, { id: null, name: 'system' }, 'user.created', { type: 'user', id: created.id }, { username: 'admin', role: 'admin', bootstrap: true });
  return { username: 'admin', password };
}
