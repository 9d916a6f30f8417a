import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { openDb } from '../../src/store/db.js';
import { api, startTestServer } from '../helpers/server.js';

// Database outage: a private PostgreSQL server (its own data folder and port, so
// the shared one other suites use is never touched) is stopped while calls post
// utterances. Ingest must answer 503 with Retry-After — never accept and lose —
// and recover by itself when the database is back, without a restart.

const PG_BIN = (() => {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const v = readdirSync(base).sort().pop();
  return v && existsSync(path.join(base, v, 'bin/initdb')) ? path.join(base, v, 'bin') : null;
})();
const asRoot = process.getuid?.() === 0;
if (!PG_BIN) console.log('[tests] PostgreSQL binaries not found: database-outage test skipped');

function pg(cmd: string, args: string[]) {
  const bin = path.join(PG_BIN!, cmd);
  // PostgreSQL refuses to run as root; run it as the postgres user then.
  return asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'pipe' }) : execFileSync(bin, args, { stdio: 'pipe' });
}

describe.skipIf(!PG_BIN)('PostgreSQL outage during ingest', () => {
  const port = 25000 + Math.floor(Math.random() * 10000);
  let dir: string;
  let server: RunningServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'radar-pg-'));
    chmodSync(dir, 0o777);
    const data = path.join(dir, 'data');
    if (asRoot) execFileSync('chown', ['postgres', dir]);
    pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    pg('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', path.join(dir, 'log'), '-w', 'start']);
    const db = await openDb({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres` });
    server = await startTestServer(db);
    close = async () => {
      await server.close();
      await db.close();
    };
  }, 120_000);

  afterAll(async () => {
    await close?.().catch(() => {});
    try { pg('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']); } catch { /* already stopped */ }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while the database is down and recovers without a restart', { timeout: 120_000 }, async () => {
    const { body: { id: callId } } = await api(server, 'POST', '/api/calls', { id: 'outage-call' });
    const post = (id: string) => api(server, 'POST', `/api/calls/${callId}/utterances`, { id, speaker: 'customer', startMs: 0, endMs: 1, text: '금감원에 민원 넣을게요', final: true });
    expect((await post('before')).status).toBe(202);

    pg('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
    const during = await post('during');
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('database_unavailable');
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    const ready = await api(server, 'GET', '/readyz', undefined, {});
    expect(ready.status).toBe(503);
    expect((await api(server, 'GET', '/healthz', undefined, {})).status).toBe(200);

    pg('pg_ctl', ['-D', path.join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', path.join(dir, 'log'), '-w', 'start']);
    // The client retries the refused utterance with the same id, as told.
    let retried = await post('during');
    for (let i = 0; i < 50 && retried.status !== 202; i++) {
      await new Promise((r) => setTimeout(r, 200));
      retried = await post('during');
    }
    expect(retried.status).toBe(202);
    expect(retried.body.accepted).toBe(true);
    expect((await post('after')).status).toBe(202);
    expect((await api(server, 'GET', '/readyz', undefined, {})).status).toBe(200);

    const stored = (await api(server, 'GET', `/api/calls/${callId}`)).body.utterances.map((u: any) => u.id);
    expect(stored.sort()).toEqual(['after', 'before', 'during']);
  });
});
