// Profiling driver (not a benchmark): node --import tsx --cpu-prof bench/detect-profile.ts
// Env: N utterances (400k), FUZZY=0 to turn fuzzy off, ONLY=customer to feed one speaker's lines.
import { compileRuleSet, loadDefaultRuleSet, type RuleSetDoc } from '../src/detect/index.js';
import { generatedRules, utterances } from './lib/corpus.js';

const base = loadDefaultRuleSet();
const big: RuleSetDoc = { ...base, rules: [...base.rules, ...generatedRules(1000)] };
if (process.env.FUZZY === '0') big.defaults = { ...big.defaults, fuzzy: false };
const eng = compileRuleSet(big);
const terms = big.rules.flatMap((r) => r.terms ?? []).map((t) => t.replace(/^\*|\*$/g, ''));
let corpus = utterances(20_000, terms, 0.1);
if (process.env.ONLY) corpus = corpus.filter((u) => u.speaker === process.env.ONLY);
const GAP = process.env.NOTAIL ? 10_000 : 3000;
const N = Number(process.env.N ?? 400_000);
let call = eng.openCall({ callId: 'x' });
let hits = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  if (i % 20 === 0) { call.close(); call = eng.openCall({ callId: `x${i}` }); }
  const s = corpus[i % corpus.length];
  hits += call.push({ id: `u${i}`, callId: 'x', speaker: s.speaker, startMs: (i % 20) * GAP, endMs: (i % 20) * GAP + 2500, text: s.text, final: true }).length;
}
const c = process.cpuUsage(c0);
const cpu = (c.user + c.system) / 1e6;
console.log(`hits ${hits}  ${Math.round(N / cpu)} utt/cpu-s  ${(cpu / N * 1e6).toFixed(2)} µs/utt cpu  wall ${((performance.now() - t0) / 1000).toFixed(2)} s`);
