// Component timings (not a benchmark; no baseline, so compare only runs taken
// back to back on one machine): µs of CPU per customer line for normalisation,
// normalisation + scan, and the full push (with and without split-phrase
// tails), min of several passes.
// npx tsx bench/detect-parts.ts
import { compileRuleSet, loadDefaultRuleSet, type RuleSetDoc } from '../src/detect/index.js';
import { createNormalizer } from '../src/detect/normalize.js';
import { scanText } from '../src/detect/scan.js';
import { generatedRules, utterances } from './lib/corpus.js';

const base = loadDefaultRuleSet();
const big: RuleSetDoc = { ...base, rules: [...base.rules, ...generatedRules(1000)] };
const eng = compileRuleSet(big);
const terms = big.rules.flatMap((r) => r.terms ?? []).map((t) => t.replace(/^\*|\*$/g, ''));
const corpus = utterances(20_000, terms, 0.1).filter((u) => u.speaker === 'customer');
const texts = corpus.map((u) => u.text);
const PASSES = Number(process.env.PASSES ?? 15);
const norm = createNormalizer();

function time(name: string, f: () => void): void {
  let best = Infinity;
  for (let p = 0; p < PASSES; p++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / texts.length);
  }
  console.log(`${name.padEnd(34)} ${best.toFixed(2)} µs/line`);
}
let sink = 0;
time('normalise', () => { for (const s of texts) sink += norm(s).jn; });
time('normalise + scan (no tail)', () => { for (const s of texts) sink += scanText(eng.compiled, norm(s)).occ.length; });
const push = (gap: number) => () => {
  let call = eng.openCall({ callId: 'x' });
  for (let i = 0; i < texts.length; i++) {
    if (i % 10 === 0) { call.close(); call = eng.openCall({ callId: `x${i}` }); }
    sink += call.push({ id: `u${i}`, callId: 'x', speaker: 'customer', startMs: (i % 10) * gap, endMs: (i % 10) * gap + 2500, text: texts[i], final: true }).length;
  }
};
time('push, no tails', push(10_000));
time('push, with tails', push(3000));
console.log('sink', sink);
