import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.js';

// Every suite runs on embedded PGlite; when DATABASE_URL is set (CI) it also runs
// on the PostgreSQL server, each suite in a fresh database of its own so parallel
// test files never see each other's rows.

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, empty database. */
  open(): Promise<{ db: Db; url: string | null; drop(): Promise<void> }>;
}

const serverUrl = process.env.DATABASE_URL || null;

export const testDatabases: TestDatabase[] = [
  {
    name: 'pglite',
    async open() {
      const db = await openDb({ dataDir: 'memory://' });
      return { db, url: null, drop: () => db.close() };
    },
  },
  ...(serverUrl ? [{ name: 'postgres' as const, open: () => freshServerDatabase(serverUrl) }] : []),
];

if (!serverUrl) console.log('[tests] DATABASE_URL not set: PostgreSQL-server variants skipped (PGlite only)');

export async function createServerDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `radar_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function freshServerDatabase(url: string) {
  const created = await createServerDatabase(url);
  const db = await openDb({ databaseUrl: created.url });
  return {
    db,
    url: created.url,
    async drop() {
      await db.close();
      await created.drop();
    },
  };
}

/**
 * Storage as a user configures it, for tests that start servers themselves
 * (restarts, crashes): a PGlite folder always, a fresh PostgreSQL database when
 * DATABASE_URL is set. `env` is what the server's environment needs.
 */
export interface StorageVariant {
  name: 'pglite folder' | 'postgres server';
  setup(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

export const storageVariants: StorageVariant[] = [
  {
    name: 'pglite folder',
    async setup() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'radar-storage-'));
      return { env: { RADAR_DATA_DIR: dir, DATABASE_URL: '' }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(serverUrl
    ? [{
        name: 'postgres server' as const,
        async setup() {
          const created = await createServerDatabase(serverUrl);
          return { env: { DATABASE_URL: created.url }, cleanup: created.drop };
        },
      }]
    : []),
];
