import { afterAll, beforeAll } from 'vitest';
import type { TestDatabase } from './databases.js';
import { pino } from 'pino';
import { loadConfig, type RadarConfig } from '../../src/core/config.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import type { Db } from '../../src/store/db.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function testConfig(overrides: Record<string, string> = {}): RadarConfig {
  // No daily-briefing scheduler unless a test asks: its catch-up at start would
  // add a briefing, an event and an audit entry to every suite's database.
  return loadConfig({ RADAR_ADMIN_TOKEN: ADMIN_TOKEN, PORT: '0', RADAR_HOST: '127.0.0.1', LOG_LEVEL: 'silent', RADAR_BRIEFING: 'off', ...overrides });
}

/** A real server on an ephemeral port over the given database. */
export async function startTestServer(db: Db, overrides: Record<string, string> = {}): Promise<RunningServer> {
  return startServer(testConfig(overrides), { db, log: pino({ level: 'silent' }) });
}

export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

/** fetch against the server with JSON in and out. */
export async function api(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = adminHeaders,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(server.url + path, {
    method,
    headers: body === undefined ? Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type')) : headers,
    body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? (body as any) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * Boots a real server on a fresh database of `tdb` for the enclosing describe
 * block and shuts both down after it.
 */
export function useTestServer(tdb: TestDatabase, overrides: Record<string, string> = {}): { readonly server: RunningServer } {
  const state: { server?: RunningServer; drop?: () => Promise<void> } = {};
  beforeAll(async () => {
    const opened = await tdb.open();
    state.drop = opened.drop;
    state.server = await startTestServer(opened.db, overrides);
  });
  afterAll(async () => {
    await state.server?.close();
    await state.drop?.();
  });
  return {
    get server() {
      return state.server!;
    },
  };
}
