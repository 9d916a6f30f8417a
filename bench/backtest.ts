// `npm run bench:backtest`: retroactive test of a changed rule set over
// 1,000,000 stored utterances through the pure backtest() function: the live
// default dictionary vs a candidate with one added rule. The utterances come
// from an in-memory array — noted in the JSON. Baseline in the same run: the
// same stream through the live engine alone (what a single replay costs).
// Target (docs/ARCHITECTURE.md): ≤ 10 s.
//
// `npm run bench:backtest -- --db`: the same 1,000,000 utterances bulk-loaded
// into an in-memory PGlite database (migrations, multi-row INSERT through
// src/store), then the rules service's backtestStored() reads them back with
// the keyset-paged stream and replays them. Reported: load time (not counted),
// a read-only pass over the stream (the database's share), and the backtest.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { backtest, compileRuleSet, loadDefaultRuleSet, type BacktestItem, type RadarEngine } from '../src/detect/index.js';
import { backtestStored } from '../src/rules/service.js';
import * as calls from '../src/store/calls.js';
import { openDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { stamp, utterances } from './lib/corpus.js';

const TOTAL = Number(process.env.BENCH_UTTERANCES ?? 1_000_000);
const PER_CALL = 20;

async function main(): Promise<void> {
  const base = loadDefaultRuleSet();
  const live = compileRuleSet(base);
  const candidate = compileRuleSet({
    ...base, version: base.version + 1,
    rules: [...base.rules, { id: 'complaint.refund_threat', category: 'complaint', severity: 3, terms: ['환불 안 해주면*', '환불 안 해 주면*', '돈 돌려줘*'] }],
  });
  const aliases = base.rules.flatMap((r) => r.terms ?? []).map((t) => t.replace(/^\*|\*$/g, '')).concat(['환불 안 해주면']);
  const distinct = utterances(50_000, aliases, 0.1);
  const tGen = performance.now();
  const items: BacktestItem[] = new Array(TOTAL);
  for (let i = 0; i < TOTAL; i++) {
    const call = `call-${Math.floor(i / PER_CALL)}`;
    const s = distinct[i % distinct.length];
    const k = i % PER_CALL;
    items[i] = {
      utterance: { id: `${call}-${k}`, callId: call, speaker: s.speaker, startMs: k * 4000, endMs: k * 4000 + 3000, text: s.text, final: true },
      call: k === 0 ? { callId: call } : undefined,
    };
  }
  const genMs = performance.now() - tGen;
  if (process.argv.includes('--db')) return dbMode(live, candidate, items, genMs);

  const c1 = process.cpuUsage();
  const t1 = performance.now();
  let single = 0;
  let det = live.openCall({ callId: '' });
  let cur = '';
  for (const it of items) {
    if (it.utterance.callId !== cur) { det.close(); cur = it.utterance.callId; det = live.openCall({ callId: cur }); }
    single += det.push(it.utterance).length;
  }
  const singleMs = performance.now() - t1;
  const singleCpu = cpuSeconds(c1);

  const c2 = process.cpuUsage();
  const report = await backtest({ live, candidate, source: items, sampleLimit: 5 });
  const backtestCpu = cpuSeconds(c2);
  const ok = report.elapsedMs <= 10_000;
  console.log(`\nBacktest benchmark — ${TOTAL.toLocaleString()} utterances in ${report.calls.toLocaleString()} calls (in-memory source), two engines side by side`);
  console.log(`${'run'.padEnd(44)} ${'seconds'.padStart(8)} ${'utt/s'.padStart(10)}`);
  console.log(`${'baseline: live engine alone (one replay)'.padEnd(44)} ${(singleMs / 1000).toFixed(2).padStart(8)} ${Math.round(TOTAL / (singleMs / 1000)).toLocaleString().padStart(10)}`);
  console.log(`${'backtest(): live vs candidate + diff'.padEnd(44)} ${(report.elapsedMs / 1000).toFixed(2).padStart(8)} ${Math.round(TOTAL / (report.elapsedMs / 1000)).toLocaleString().padStart(10)}`);
  console.log(`CPU seconds: single replay ${singleCpu.toFixed(2)}, backtest ${backtestCpu.toFixed(2)}`);
  console.log(`alerts: live ${report.live.hits}, candidate ${report.candidate.hits}, added ${report.added.count} (${JSON.stringify(report.added.byRule)}), removed ${report.removed.count}`);
  console.log(`target ≤ 10 s: ${ok ? 'MET' : 'NOT MET'}   (generating the stream took ${(genMs / 1000).toFixed(2)} s, not counted; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/backtest-${stamp()}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify({
    bench: 'backtest', at: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverage: os.loadavg(),
    source: 'in-memory array (not the database)', utterances: TOTAL, calls: report.calls, rules: { live: live.ruleCount, candidate: candidate.ruleCount },
    baselineSingleReplaySeconds: singleMs / 1000, backtestSeconds: report.elapsedMs / 1000, singleReplayCpuSeconds: singleCpu, backtestCpuSeconds: backtestCpu, liveAlerts: report.live.hits, candidateAlerts: report.candidate.hits,
    added: report.added.count, removed: report.removed.count, singleReplayHits: single, targetSeconds: 10, met: ok,
  }, null, 2));
  console.log(`wrote ${file.pathname}`);
}

function cpuSeconds(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
}

const BASE_TIME = Date.parse('2026-11-01T09:00:00Z');
const callStart = (c: number) => new Date(BASE_TIME + c * 30_000).toISOString();

/** Bulk-loads calls (one unnest INSERT per batch) and utterances (calls.insertUtterances, multi-row). */
async function load(db: Db, items: BacktestItem[]): Promise<void> {
  const BATCH = 10_000;
  const callIds: string[] = [];
  for (const it of items) if (it.call) callIds.push(it.call.callId);
  for (let i = 0; i < callIds.length; i += BATCH) {
    const ids = callIds.slice(i, i + BATCH);
    await db.query(
      `INSERT INTO calls (id, customer_id, started_at, source) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[])`,
      [ids, ids.map((_, k) => `cust-${(i + k) % 20_000}`), ids.map((_, k) => callStart(i + k)), ids.map(() => 'bench')],
    );
  }
  for (let i = 0; i < items.length; i += BATCH) {
    const us = items.slice(i, i + BATCH).map(({ utterance: u }) => ({
      id: u.id, callId: u.callId, speaker: u.speaker, startMs: u.startMs, endMs: u.endMs, text: u.text, redactions: [],
    }));
    await calls.insertUtterances(db, us);
  }
}

async function dbMode(live: RadarEngine, candidate: RadarEngine, items: BacktestItem[], genMs: number): Promise<void> {
  const db = await openDb({ dataDir: 'memory://' });
  await migrate(db);
  const tLoad = performance.now();
  await load(db, items);
  const loadMs = performance.now() - tLoad;
  const range = { from: callStart(0), to: callStart(items.length) };

  // The database's share: the same keyset-paged stream, no detection.
  const tRead = performance.now();
  let read = 0;
  for await (const row of calls.streamUtterances(db, range)) if (row.utterance.text.length >= 0) read++;
  const readMs = performance.now() - tRead;

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await backtestStored(db, live, candidate, range);
  const backtestMs = performance.now() - t0;
  const backtestCpu = cpuSeconds(c0);
  await db.close();
  const ok = backtestMs <= 10_000;
  console.log(`\nBacktest benchmark (database) — ${report.utterances.toLocaleString()} utterances in ${report.calls.toLocaleString()} calls, in-memory PGlite, backtestStored()`);
  console.log(`${'run'.padEnd(48)} ${'seconds'.padStart(8)} ${'utt/s'.padStart(10)}`);
  const row = (name: string, ms: number, n: number) => console.log(`${name.padEnd(48)} ${(ms / 1000).toFixed(2).padStart(8)} ${Math.round(n / (ms / 1000)).toLocaleString().padStart(10)}`);
  row('bulk load (migrate + multi-row INSERT, not counted)', loadMs, items.length);
  row('read only: keyset-paged stream, no detection', readMs, read);
  row('backtestStored(): stream + live vs candidate', backtestMs, report.utterances);
  console.log(`CPU seconds: backtestStored ${backtestCpu.toFixed(2)} (PGlite runs in this process, so it is included)`);
  console.log(`alerts: live ${report.live.hits}, candidate ${report.candidate.hits}, added ${report.added.count}, removed ${report.removed.count}`);
  console.log(`target ≤ 10 s: ${ok ? 'MET' : 'NOT MET'}   (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/backtest-db-${stamp()}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify({
    bench: 'backtest-db', at: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverage: os.loadavg(),
    source: 'in-memory PGlite (memory://), migrations applied, calls + utterances bulk-loaded with multi-row INSERT (unnest) in batches of 10,000',
    utterances: report.utterances, calls: report.calls, rules: { live: live.ruleCount, candidate: candidate.ruleCount },
    generateSeconds: genMs / 1000, loadSeconds: loadMs / 1000, readOnlySeconds: readMs / 1000, backtestSeconds: backtestMs / 1000, backtestCpuSeconds: backtestCpu,
    liveAlerts: report.live.hits, candidateAlerts: report.candidate.hits, added: report.added.count, removed: report.removed.count,
    targetSeconds: 10, met: ok,
  }, null, 2));
  console.log(`wrote ${file.pathname}`);
}

await main();
