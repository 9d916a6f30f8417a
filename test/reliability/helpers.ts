import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// A Radar server as a separate OS process (so it can really be killed), and the
// outside parties of a reliability test: a client that retries until its
// idempotent request is acknowledged, a resuming SSE reader, a webhook receiver.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOKEN = 'reliability-admin-token-0123456789';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export class ServerProcess {
  proc: ChildProcess | null = null;
  readonly url: string;
  constructor(readonly port: number, readonly env: Record<string, string>) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    this.proc = spawn(process.execPath, [path.join(ROOT, 'bin/radar.js'), 'serve'], {
      env: {
        ...process.env, PORT: String(this.port), RADAR_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'error', RADAR_VAD_PREWARM: '0',
        RADAR_RATE_LIMIT_PER_MIN: '10000000', ...this.env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`server exited with ${this.proc.exitCode}`);
      try {
        if ((await fetch(`${this.url}/readyz`)).ok) return;
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    throw new Error('server did not become ready');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    // A process killed by a signal has signalCode set and exitCode null.
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
  }
}

export async function call(url: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Retries an idempotent request until the server acknowledges it (2xx). */
export async function untilAcknowledged(url: string, method: string, p: string, body: unknown, giveUpMs = 120_000): Promise<{ status: number; body: any; tries: number }> {
  const deadline = Date.now() + giveUpMs;
  for (let tries = 1; ; tries++) {
    try {
      const r = await call(url, method, p, body);
      if (r.status < 300) return { ...r, tries };
      if (r.status < 500 && r.status !== 429) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    } catch (err) {
      if (err instanceof Error && /^(POST|GET|PATCH)/.test(err.message)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${method} ${p}: not acknowledged within ${giveUpMs} ms`);
    await sleep(100);
  }
}

/** Reads the alert stream, reconnecting with Last-Event-ID whenever the server goes away. */
export function resumingSse(url: string, fromId: string | null = null) {
  const seen = new Map<number, number>(); // seq → times received
  let lastId: string | null = fromId;
  let stopped = false;
  let ac = new AbortController();
  const loop = (async () => {
    while (!stopped) {
      ac = new AbortController();
      try {
        const res = await fetch(`${url}/api/alerts/stream`, {
          headers: { authorization: `Bearer ${TOKEN}`, ...(lastId ? { 'last-event-id': lastId } : {}) },
          signal: ac.signal,
        });
        const reader = res.body!.getReader();
        const dec = new TextDecoder();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const lines = buf.slice(0, i).split('\n');
            buf = buf.slice(i + 2);
            // Like a browser: any id (also an id-only block) is the resume point;
            // the event itself is known by the seq in its data.
            const idLine = lines.find((l) => l.startsWith('id: '));
            if (idLine) lastId = idLine.slice(4);
            const dataLine = lines.find((l) => l.startsWith('data: '));
            if (!dataLine) continue;
            const seq = Number(JSON.parse(dataLine.slice(6)).seq);
            seen.set(seq, (seen.get(seq) ?? 0) + 1);
          }
        }
      } catch { /* server killed or stopped */ }
      if (!stopped) await sleep(200);
    }
  })();
  return {
    seen,
    async stop() {
      stopped = true;
      ac.abort();
      await loop;
    },
  };
}

/** A webhook receiver that fails at random (like a flaky system) and counts deliveries per event id. */
export async function flakyReceiver(failRatio: number): Promise<{ url: string; received: Map<string, number>; close(): Promise<void> }> {
  const received = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (Math.random() < failRatio) {
        res.writeHead(503).end();
        return;
      }
      const id = String(req.headers['x-radar-event-id']);
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
