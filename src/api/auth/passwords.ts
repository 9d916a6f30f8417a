import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../../core/errors.js';

// scrypt from node:crypto (no native dependency). Stored as
// scrypt$N$r$p$salt$hash so parameters can be raised later without breaking
// existing hashes.

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const key = await derive(password, salt, n, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const MIN_PASSWORD_LENGTH = 10;

/** Password policy: length and at least three of four character classes. */
export function checkPasswordPolicy(password: string, username?: string): void {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw badRequest('weak_password', `Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    throw badRequest('weak_password', 'Password must mix at least three of: lower-case, upper-case, digits, symbols');
  }
  if (username && password.toLowerCase().includes(username.toLowerCase())) {
    throw badRequest('weak_password', 'Password must not contain the username');
  }
}
