// In-process A/B of two engine builds (not a benchmark; no baseline): the
// 1,036-rule fuzzy engine of another checkout (A, e.g. a worktree of the
// starting commit) and of this one (B), compiled in the same process and timed
// in interleaved passes over the same calls, so the machine's minute-to-minute
// swings hit both alike. Prints min and median µs of CPU per line, with the
// previous utterance's tail (3 s apart) and without (10 s apart).
//
//   npx tsx bench/detect-ab.ts /tmp/detect-before/src/detect/index.js
//
// Env: PASSES (20), MIX=1 to feed agent lines too (as bench:detect does; the
// default is customer lines only).
import { allTerms, generatedRules, utterances } from './lib/corpus.js';
import type { RadarEngine } from '../src/detect/index.js';

type Detect = typeof import('../src/detect/index.js');

async function main(): Promise<void> {
  const other = process.argv[2];
  if (!other) throw new Error('usage: npx tsx bench/detect-ab.ts <other checkout>/src/detect/index.js');
  const A = (await import(other)) as Detect;
  const B = (await import('../src/detect/index.js')) as Detect;
  const base = B.loadDefaultRuleSet();
  const big = { ...base, rules: [...base.rules, ...generatedRules(1000)] };
  const passes = Number(process.env.PASSES ?? 20);
  const corpus = utterances(20_000, allTerms(big), 0.1);
  const lines = process.env.MIX === '1' ? corpus : corpus.filter((u) => u.speaker === 'customer');
  const engines: [string, RadarEngine][] = [['A (other)', A.compileRuleSet(big)], ['B (this)', B.compileRuleSet(big)]];
  let sink = 0;
  const pass = (engine: RadarEngine, gapMs: number): number => {
    const c0 = process.cpuUsage();
    let call = engine.openCall({ callId: 'ab' });
    for (let i = 0; i < lines.length; i++) {
      if (i % 20 === 0) { call.close(); call = engine.openCall({ callId: `ab${i}` }); }
      const at = (i % 20) * gapMs;
      sink += call.push({ id: `u${i}`, callId: 'ab', speaker: lines[i].speaker, startMs: at, endMs: at + 2500, text: lines[i].text, final: true }).length;
    }
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / lines.length;
  };
  const times = new Map<string, number[]>();
  for (let p = 0; p < passes; p++) {
    for (const [name, engine] of p % 2 === 0 ? engines : [...engines].reverse()) {
      for (const [label, gap] of [['tails', 3000], ['no tails', 10_000]] as const) {
        const key = `${name}, ${label}`;
        times.set(key, [...(times.get(key) ?? []), pass(engine, gap)]);
      }
    }
  }
  for (const [key, v] of times) {
    v.sort((a, b) => a - b);
    console.log(`${key.padEnd(22)} min ${v[0].toFixed(2)}  median ${v[v.length >> 1].toFixed(2)} µs/line`);
  }
  console.log(`(${process.env.MIX === '1' ? 'customer and agent' : 'customer'} lines; hits ${sink})`);
}

void main();
