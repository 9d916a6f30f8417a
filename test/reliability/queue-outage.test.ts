import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { openDb } from '../../src/store/db.js';
import { api, startTestServer } from '../helpers/server.js';

// NATS outage with the JetStream ingest queue: a private NATS server (own port
// and store folder, so the shared one is never touched) is killed while a call
// posts utterances. Ingest answers 503 with Retry-After — never accepts what it
// could not queue — /readyz says the queue is down, and after NATS is back (same
// store) ingest resumes without a restart and everything accepted is stored once.

const NATS_BIN = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(existsSync) ?? null;
if (!NATS_BIN) console.log('[tests] nats-server not found: ingest-queue outage test skipped');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

describe.skipIf(!NATS_BIN)('NATS outage with the JetStream ingest queue', () => {
  const port = 24000 + Math.floor(Math.random() * 1000);
  const store = mkdtempSync(path.join(os.tmpdir(), 'radar-nats-'));
  let nats: ChildProcess | null = null;
  let server: RunningServer | null = null;

  async function startNats() {
    nats = spawn(NATS_BIN!, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
    await until('NATS listening', async () => {
      try {
        const { connect } = await import('@nats-io/transport-node');
        await (await connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false })).close();
        return true;
      } catch {
        return false;
      }
    });
  }
  async function killNats() {
    const p = nats!;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  afterAll(async () => {
    await server?.close();
    if (nats && nats.exitCode === null && nats.signalCode === null) await killNats();
    rmSync(store, { recursive: true, force: true });
  });

  it('answers 503 while NATS is down, recovers by itself, loses nothing', { timeout: 120_000 }, async () => {
    await startNats();
    const db = await openDb({ dataDir: 'memory://' });
    server = await startTestServer(db, {
      NATS_URL: `nats://127.0.0.1:${port}`, RADAR_INGEST_QUEUE: 'jetstream', RADAR_QUEUE_PARTITIONS: '4', RADAR_QUEUE_STREAM: 'OUTAGE_TEST',
    });
    const s = server;
    expect((await api(s, 'POST', '/api/calls', { id: 'nq-1', customerId: 'NQ1' })).status).toBe(201);
    const post = (n: number) => api(s, 'POST', '/api/calls/nq-1/utterances', {
      id: `u${n}`, speaker: 'customer', startMs: n * 1000, endMs: n * 1000 + 900, text: n === 5 ? '금융감독원에 민원 넣을 겁니다' : '결제일을 바꾸고 싶어요', final: true,
    });
    for (let n = 1; n <= 5; n++) expect((await post(n)).status).toBe(202);
    await until('the first five stored', async () => (await api(s, 'GET', '/api/calls/nq-1')).body.utterances.length === 5);

    await killNats();
    await until('readiness reports the queue down', async () => (await api(s, 'GET', '/readyz')).status === 503);
    expect((await api(s, 'GET', '/readyz')).body.checks.queue).toBe('disconnected');
    const refused = await post(6);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('queue_unavailable');
    expect(refused.headers.get('retry-after')).toBeTruthy();

    await startNats();
    await until('ready again', async () => (await api(s, 'GET', '/readyz')).status === 200);
    // The client retries what was refused, and goes on.
    for (let n = 6; n <= 8; n++) {
      await until(`u${n} accepted`, async () => (await post(n)).status === 202, 20_000);
    }
    await until('all eight stored', async () => (await api(s, 'GET', '/api/calls/nq-1')).body.utterances.length === 8, 30_000);
    const detail = (await api(s, 'GET', '/api/calls/nq-1')).body;
    expect(detail.utterances.map((u: any) => u.id).sort()).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']);
    expect(detail.alerts.some((a: any) => a.category === 'external_authority')).toBe(true);
    await s.close();
    server = null;
    await db.close();
  });
});
