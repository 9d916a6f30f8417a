// npm run bench:load -- [--rate 1000] [--seconds 20] [--calls 100] [--threat-ratio 0.1] [--db pglite|postgres] [--ws-share 0.5]
//
// End-to-end load: a real Radar server in its own process (as deployed), N
// concurrent simulated calls posting utterances over HTTP and the transcript
// WebSocket at a fixed total rate, and an SSE client measuring utterance →
// alert latency. Baseline in the same run: the same request rate against
// GET /healthz (the HTTP floor of this machine), so the pipeline's own cost is
// the difference. Writes bench/results/load-<timestamp>.json.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { Agent, request } from 'undici';
import { createServerDatabase } from '../test/helpers/databases.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Operator token (RADAR_ADMIN_TOKEN): creates the clients' tokens and reads /metrics. */
const TOKEN = 'bench-admin-token-0123456789';
/**
 * As deployed, the telephony connector and the alert board hold their own
 * scoped API tokens (looked up in the database, not the env token), so the
 * benchmark authenticates the same way. Set in main() before the load.
 */
const clientTokens = { ingest: '', board: '' };

async function createToken(url: string, name: string, scopes: string[]): Promise<string> {
  const r = await request(`${url}/api/tokens`, {
    method: 'POST', body: JSON.stringify({ name, scopes }),
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  });
  const body = await r.body.json() as { token?: string };
  if (r.statusCode !== 201 || !body.token) throw new Error(`could not create the ${name} token: ${r.statusCode} ${JSON.stringify(body)}`);
  return body.token;
}

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    calls: { type: 'string', default: '100' },
    'threat-ratio': { type: 'string', default: '0.1' },
    'ws-share': { type: 'string', default: '0.5' },
    db: { type: 'string', default: process.env.DATABASE_URL ? 'postgres' : 'pglite' },
    out: { type: 'string' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const CALLS = Number(args.calls);
const THREAT_RATIO = Number(args['threat-ratio']);
const WS_SHARE = Number(args['ws-share']);

const THREATS = [
  '이거 해결 안 되면 금융감독원에 민원 넣을 겁니다.',
  '언론사에 제보할 거예요, 이런 식이면.',
  '변호사랑 상의해서 소송하겠습니다.',
  '금감원에 신고할게요 진짜로.',
  '다른 카드사로 옮기고 카드 해지할 거예요.',
];
const CALM = [
  '결제일 변경하려고 전화했어요.',
  '네, 본인 확인 도와드리겠습니다.',
  '지난달 청구서 금액이 조금 이상해서요.',
  '포인트 사용처가 궁금합니다.',
  '확인해 보니 정상 승인된 건으로 보입니다.',
  '할부 개월 수를 바꿀 수 있나요?',
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function summary(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s[s.length - 1] ?? NaN) };
}
const round = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function startServer(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // BENCH_SERVER_ROOT=/path/to/another/checkout runs that version's server under
  // this same generator, for before/after pairs.
  const serverRoot = process.env.BENCH_SERVER_ROOT ?? ROOT;
  const proc = spawn(process.execPath, [...nodeArgs, path.join(serverRoot, 'bin/radar.js'), 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), RADAR_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'warn', RADAR_RATE_LIMIT_PER_MIN: '100000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return { proc, url };
    } catch { /* not yet */ }
    await sleep(100);
  }
  proc.kill('SIGKILL');
  throw new Error('server did not become ready');
}

/** Wall-clock milliseconds comparable across threads. */
const now = () => performance.timeOrigin + performance.now();

/** Starts the SSE watcher thread; resolves once it is connected. */
async function watchAlerts(url: string, seen: Map<string, number>): Promise<{ stop(): Promise<void> }> {
  const worker = new Worker(path.join(ROOT, 'bench/lib/sse-watcher.mjs'), { workerData: { url, token: clientTokens.board } });
  const done = new Promise<void>((resolve) => worker.on('message', (m) => { if (m.type === 'done') resolve(); }));
  worker.on('message', (m) => { if (m.type === 'alert') seen.set(m.key, m.at); });
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m) => { if (m.type === 'ready') resolve(); });
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      await Promise.race([done, sleep(2000)]);
      await worker.terminate();
    },
  };
}

interface Sender {
  send(body: Record<string, unknown>): Promise<number>;
  close(): void;
}

function httpSender(url: string, agent: Agent, callId: string): Sender {
  return {
    async send(body) {
      const r = await request(`${url}/api/calls/${callId}/utterances`, {
        method: 'POST', dispatcher: agent, body: JSON.stringify(body),
        headers: { authorization: `Bearer ${clientTokens.ingest}`, 'content-type': 'application/json' },
      });
      await r.body.dump();
      return r.statusCode;
    },
    close() {},
  };
}

async function wsSender(url: string, callId: string): Promise<Sender> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/ingest`, { headers: { authorization: `Bearer ${clientTokens.ingest}` } });
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  const waiting = new Map<number, (status: number) => void>();
  let ref = 0;
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    waiting.get(m.ref)?.(m.type === 'ack' ? 202 : m.status ?? 500);
    waiting.delete(m.ref);
  });
  return {
    send(body) {
      const r = ++ref;
      return new Promise((resolve) => {
        waiting.set(r, resolve);
        ws.send(JSON.stringify({ type: 'utterance', ref: r, callId, ...body }));
      });
    },
    close: () => ws.close(),
  };
}

interface PhaseResult {
  sent: number;
  ok: number;
  errors: number;
  achievedPerSec: number;
  ackMs: ReturnType<typeof summary>;
  alertMs?: ReturnType<typeof summary>;
  alertsExpected?: number;
  alertsSeen?: number;
  lateStarts: number;
  /** The same latency for calls sending over HTTP and over the WebSocket. */
  alertMsByTransport?: { http: ReturnType<typeof summary>; ws: ReturnType<typeof summary> };
}

/** Open-loop load: each call sends on its own schedule so total rate = RATE. */
async function runLoad(url: string): Promise<PhaseResult> {
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const seen = new Map<string, number>();
  const sse = await watchAlerts(url, seen);
  const runId = Date.now().toString(36);
  const senders: { callId: string; sender: Sender }[] = [];
  for (let c = 0; c < CALLS; c++) {
    const callId = `load-${runId}-${c}`;
    await request(`${url}/api/calls`, {
      method: 'POST', dispatcher: agent, body: JSON.stringify({ id: callId, customerId: `LOADCUST-${c % 500}` }),
      headers: { authorization: `Bearer ${clientTokens.ingest}`, 'content-type': 'application/json' },
    }).then((r) => r.body.dump());
    senders.push({ callId, sender: c < CALLS * WS_SHARE ? await wsSender(url, callId) : httpSender(url, agent, callId) });
  }
  await sleep(300);
  console.log('load phase: sending');
  const perCall = RATE / CALLS;
  const total = Math.round(RATE * SECONDS);
  const ack: number[] = [];
  const sentAt = new Map<string, number>();
  let ok = 0;
  let errors = 0;
  let lateStarts = 0;
  const t0 = performance.now();
  await Promise.all(senders.map(async ({ callId, sender }, c) => {
    const n = Math.round(total / CALLS);
    for (let i = 0; i < n; i++) {
      const due = t0 + (i + c / CALLS) * (1000 / perCall);
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -50) lateStarts++;
      const threat = Math.random() < THREAT_RATIO;
      const id = `u${i}`;
      const text = threat ? THREATS[(c + i) % THREATS.length] : CALM[(c + i) % CALM.length];
      const startMs = i * 3000;
      const start = performance.now();
      if (threat) sentAt.set(`${callId}/${id}`, now());
      const status = await sender.send({ id, speaker: i % 2 === 0 ? 'customer' : 'agent', startMs, endMs: startMs + 2500, text, final: true })
        .catch(() => 0);
      ack.push(performance.now() - start);
      if (status === 202) ok++;
      else errors++;
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  await sleep(1000);
  await sse.stop();
  for (const s of senders) s.sender.close();
  await agent.close();
  // Only customer threats alert; agent lines must not.
  const latencies: number[] = [];
  const byTransport: Record<'http' | 'ws', number[]> = { http: [], ws: [] };
  const wsCalls = new Set(senders.filter((_, c) => c < CALLS * WS_SHARE).map((s) => s.callId));
  let expected = 0;
  for (const [key, t] of sentAt) {
    const i = Number(key.split('/')[1].slice(1));
    if (i % 2 !== 0) continue;
    expected++;
    const arrived = seen.get(key);
    if (arrived === undefined) continue;
    latencies.push(arrived - t);
    byTransport[wsCalls.has(key.split('/')[0]) ? 'ws' : 'http'].push(arrived - t);
  }
  return {
    sent: ok + errors, ok, errors, achievedPerSec: round((ok + errors) / elapsed), ackMs: summary(ack),
    alertMs: summary(latencies), alertsExpected: expected, alertsSeen: latencies.length, lateStarts,
    alertMsByTransport: { http: summary(byTransport.http), ws: summary(byTransport.ws) },
  };
}

async function runBaseline(url: string): Promise<PhaseResult> {
  const agent = new Agent({ connections: 64, pipelining: 1 });
  const total = Math.round(RATE * SECONDS);
  const ack: number[] = [];
  let ok = 0;
  let errors = 0;
  let lateStarts = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CALLS }, async (_, c) => {
    const n = Math.round(total / CALLS);
    for (let i = 0; i < n; i++) {
      const due = t0 + (i + c / CALLS) * (1000 / (RATE / CALLS));
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -50) lateStarts++;
      const start = performance.now();
      const r = await request(`${url}/healthz`, { dispatcher: agent }).catch(() => null);
      await r?.body.dump();
      ack.push(performance.now() - start);
      if (r?.statusCode === 200) ok++;
      else errors++;
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  await agent.close();
  return { sent: ok + errors, ok, errors, achievedPerSec: round((ok + errors) / elapsed), ackMs: summary(ack), lateStarts };
}

/** Parsed Prometheus text: metric name + labels → value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Upper bound of the bucket holding quantile q of a Prometheus histogram (labels as `phase="x"`, or ''). */
function histogramQuantile(m: Map<string, number>, name: string, labels: string, q: number): number | null {
  const buckets: [number, number][] = [];
  for (const [k, v] of m) {
    if (!k.startsWith(`${name}_bucket{`)) continue;
    if (labels && !k.includes(labels)) continue;
    const le = /le="([^"]+)"/.exec(k)?.[1];
    if (le) buckets.push([le === '+Inf' ? Infinity : Number(le), v]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  return buckets.find(([, c]) => c >= q * total)?.[0] ?? null;
}

/**
 * Where the server's time went during the run, from its own /metrics: the
 * group-commit transaction phases, event-loop delay and GC pauses — so a
 * latency tail can be attributed to the database, to blocking, or to GC.
 */
async function serverSide(url: string) {
  const r = await request(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const m = parseMetrics(await r.body.text());
  const ms = (x: number | null | undefined) => (x === null || x === undefined ? null : round(x * 1000));
  const phases = Object.fromEntries(['plain', 'hits'].map((pathName) => [pathName, Object.fromEntries(['detect', 'write', 'total']
    .map((p) => [p, {
      p50: ms(histogramQuantile(m, 'radar_ingest_batch_seconds', `phase="${p}",path="${pathName}"`, 0.5)),
      p99: ms(histogramQuantile(m, 'radar_ingest_batch_seconds', `phase="${p}",path="${pathName}"`, 0.99)),
    }]))]));
  const gcCount = [...m].filter(([k]) => k.startsWith('radar_nodejs_gc_duration_seconds_count')).reduce((a, [, v]) => a + v, 0);
  return {
    note: 'histogram quantiles are bucket upper bounds (ms)',
    alertDelayMs: { p50: ms(histogramQuantile(m, 'radar_alert_delay_seconds', '', 0.5)), p99: ms(histogramQuantile(m, 'radar_alert_delay_seconds', '', 0.99)) },
    waitMs: Object.fromEntries(['queue', 'call', 'commit'].map((st) => [st, {
      p50: ms(histogramQuantile(m, 'radar_ingest_wait_seconds', `stage="${st}"`, 0.5)),
      p99: ms(histogramQuantile(m, 'radar_ingest_wait_seconds', `stage="${st}"`, 0.99)),
    }])),
    batchSize: { p50: histogramQuantile(m, 'radar_ingest_batch_size', '', 0.5), p99: histogramQuantile(m, 'radar_ingest_batch_size', '', 0.99) },
    batchPhasesMs: phases,
    eventLoopDelayMs: { p50: ms(m.get('radar_nodejs_eventloop_lag_p50_seconds')), p99: ms(m.get('radar_nodejs_eventloop_lag_p99_seconds')), max: ms(m.get('radar_nodejs_eventloop_lag_max_seconds')) },
    gc: {
      count: gcCount,
      majorP99Ms: ms(histogramQuantile(m, 'radar_nodejs_gc_duration_seconds', 'kind="major"', 0.99)),
      minorP99Ms: ms(histogramQuantile(m, 'radar_nodejs_gc_duration_seconds', 'kind="minor"', 0.99)),
    },
  };
}

async function main() {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  if (args.db === 'postgres') {
    if (!process.env.DATABASE_URL) throw new Error('--db postgres needs DATABASE_URL');
    const created = await createServerDatabase(process.env.DATABASE_URL);
    env = { DATABASE_URL: created.url };
    cleanup = created.drop;
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'radar-load-'));
    env = { RADAR_DATA_DIR: dir, DATABASE_URL: '' };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const { proc, url } = await startServer(env);
  try {
    console.log(`load: ${RATE} utterances/s for ${SECONDS} s over ${CALLS} calls (${Math.round(WS_SHARE * 100)}% WebSocket), ${args.db}`);
    clientTokens.ingest = await createToken(url, 'bench connector', ['ingest:write']);
    clientTokens.board = await createToken(url, 'bench board', ['alerts:read']);
    const baseline = await runBaseline(url);
    // Read once before the measured phase: resets the event-loop delay window
    // (start-up compiles the rule set) and gives the GC count to subtract.
    const before = await serverSide(url);
    const load = await runLoad(url);
    const server = await serverSide(url).then((s) => ({ ...s, gc: { ...s.gc, count: s.gc.count - before.gc.count } })).catch((e) => ({ error: String(e) }));
    const result = {
      bench: 'load', at: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      server_root: process.env.BENCH_SERVER_ROOT ?? null,
      params: { rate: RATE, seconds: SECONDS, calls: CALLS, threatRatio: THREAT_RATIO, wsShare: WS_SHARE, db: args.db, ingestQueue: process.env.RADAR_INGEST_QUEUE || 'direct' },
      baseline: { what: 'GET /healthz at the same rate', ...baseline },
      pipeline: { what: 'POST utterance (HTTP) / utterance message (WS) → stored, detected, alert on SSE', ...load },
      server,
      target: { utterancesPerSec: 1000, alertP99Ms: 50 },
    };
    console.table({
      'baseline /healthz': { 'req/s': baseline.achievedPerSec, 'ack p50 ms': baseline.ackMs.p50, 'ack p99 ms': baseline.ackMs.p99, 'alert p50 ms': '-', 'alert p99 ms': '-', 'alert max ms': '-', errors: baseline.errors },
      'ingest → SSE alert': { 'req/s': load.achievedPerSec, 'ack p50 ms': load.ackMs.p50, 'ack p99 ms': load.ackMs.p99, 'alert p50 ms': load.alertMs!.p50, 'alert p99 ms': load.alertMs!.p99, 'alert max ms': load.alertMs!.max, errors: load.errors },
    });
    console.log(`alerts seen ${load.alertsSeen}/${load.alertsExpected}; late request starts (generator behind) ${load.lateStarts}`);
    console.log(`alert latency by transport (ms): HTTP ${JSON.stringify(load.alertMsByTransport?.http)}, WebSocket ${JSON.stringify(load.alertMsByTransport?.ws)}`);
    console.log('server side:', JSON.stringify(server));
    const out = args.out ?? path.join(ROOT, 'bench/results', `load-${args.db}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2));
    console.log(`wrote ${path.relative(ROOT, out)}`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    await cleanup();
  }
}

await main();
