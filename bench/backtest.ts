// `npm run bench:backtest`: retroactive test of a changed rule set over
// 1,000,000 stored utterances through the pure backtest() function: the live
// default dictionary vs a candidate with one added rule. The utterances come
// from an in-memory array (not the database) — noted in the JSON. Baseline in
// the same run: the same stream through the live engine alone (what a single
// replay costs). Target (docs/ARCHITECTURE.md): ≤ 10 s.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { backtest, compileRuleSet, loadDefaultRuleSet, type BacktestItem } from '../src/detect/index.js';
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

  const t1 = performance.now();
  let single = 0;
  let det = live.openCall({ callId: '' });
  let cur = '';
  for (const it of items) {
    if (it.utterance.callId !== cur) { det.close(); cur = it.utterance.callId; det = live.openCall({ callId: cur }); }
    single += det.push(it.utterance).length;
  }
  const singleMs = performance.now() - t1;

  const report = await backtest({ live, candidate, source: items, sampleLimit: 5 });
  const ok = report.elapsedMs <= 10_000;
  console.log(`\nBacktest benchmark — ${TOTAL.toLocaleString()} utterances in ${report.calls.toLocaleString()} calls (in-memory source), two engines side by side`);
  console.log(`${'run'.padEnd(44)} ${'seconds'.padStart(8)} ${'utt/s'.padStart(10)}`);
  console.log(`${'baseline: live engine alone (one replay)'.padEnd(44)} ${(singleMs / 1000).toFixed(2).padStart(8)} ${Math.round(TOTAL / (singleMs / 1000)).toLocaleString().padStart(10)}`);
  console.log(`${'backtest(): live vs candidate + diff'.padEnd(44)} ${(report.elapsedMs / 1000).toFixed(2).padStart(8)} ${Math.round(TOTAL / (report.elapsedMs / 1000)).toLocaleString().padStart(10)}`);
  console.log(`alerts: live ${report.live.hits}, candidate ${report.candidate.hits}, added ${report.added.count} (${JSON.stringify(report.added.byRule)}), removed ${report.removed.count}`);
  console.log(`target ≤ 10 s: ${ok ? 'MET' : 'NOT MET'}   (generating the stream took ${(genMs / 1000).toFixed(2)} s, not counted; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/backtest-${stamp()}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify({
    bench: 'backtest', at: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverage: os.loadavg(),
    source: 'in-memory array (not the database)', utterances: TOTAL, calls: report.calls, rules: { live: live.ruleCount, candidate: candidate.ruleCount },
    baselineSingleReplaySeconds: singleMs / 1000, backtestSeconds: report.elapsedMs / 1000, liveAlerts: report.live.hits, candidateAlerts: report.candidate.hits,
    added: report.added.count, removed: report.removed.count, singleReplayHits: single, targetSeconds: 10, met: ok,
  }, null, 2));
  console.log(`wrote ${file.pathname}`);
}

await main();
