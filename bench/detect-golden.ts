// Golden check for engine changes (not a benchmark): runs the 1,036-rule fuzzy
// engine (default rules + 1,000 generated, as in bench:detect) over 20,000
// synthetic utterances from bench/lib/corpus.ts — calls of 20, utterances 3 s
// apart so split phrases (the previous utterance's tail) are exercised — and
// writes every hit, one per line, to a file:
//
//   <utterance index> <ruleId> <start> <end> <negated 0|1> <distance> <match>
//
// Usage: npx tsx bench/detect-golden.ts [out]   (default /tmp/radar-golden.txt)
// Compare two runs with `diff` (or `cmp`); identical files mean identical hits.
// GOLDEN_N sets the number of utterances (20,000); GOLDEN_CARRY=1 runs the
// engine with carryTails (the tail's scan carried instead of re-scanned).

import { writeFileSync } from 'node:fs';
import { compileRuleSet, loadDefaultRuleSet, type RuleSetDoc } from '../src/detect/index.js';
import { allTerms, generatedRules, utterances } from './lib/corpus.js';

const out = process.argv[2] ?? '/tmp/radar-golden.txt';
const N = Number(process.env.GOLDEN_N ?? 20_000);
const CALL_LENGTH = 20;

const base = loadDefaultRuleSet();
const big: RuleSetDoc = { ...base, rules: [...base.rules, ...generatedRules(1000)] };
const engine = compileRuleSet(big, { carryTails: process.env.GOLDEN_CARRY === '1' });
const corpus = utterances(N, allTerms(big), 0.1);
const lines: string[] = [];
let call = engine.openCall({ callId: 'g0' });
for (let i = 0; i < corpus.length; i++) {
  if (i % CALL_LENGTH === 0) { call.close(); call = engine.openCall({ callId: `g${i}` }); }
  const s = corpus[i];
  const startMs = (i % CALL_LENGTH) * 3000;
  const hits = call.push({ id: `u${i}`, callId: 'g', speaker: s.speaker, startMs, endMs: startMs + 2500, text: s.text, final: true });
  for (const h of hits) lines.push(`${i} ${h.ruleId} ${h.start} ${h.end} ${h.negated ? 1 : 0} ${h.distance} ${h.match}`);
}
call.close();
writeFileSync(out, lines.join('\n') + '\n');
console.log(`${engine.ruleCount} rules, ${corpus.length} utterances, ${lines.length} hits → ${out}`);
