import { RadarError } from '../../core/errors.js';
import type { Speaker } from '../../core/types.js';
import { compileRuleSet, testSentence } from '../../detect/index.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { engineFromArgs, readRuleFile } from './detect.js';

// `radar rules check FILE`: validate and compile a rule set.
// `radar rules test "sentence" [--speaker agent] [--rules FILE]`: hits for one sentence.

function check(file: string | undefined): number {
  if (!file) throw new UsageError('rules check needs a FILE');
  try {
    const engine = compileRuleSet(readRuleFile(file));
    console.log(`${file}: OK — version ${engine.version}, ${engine.ruleCount} rules, ${engine.compiled.aliases.length} aliases, ${engine.compiled.automaton.states} automaton states`);
    return 0;
  } catch (err) {
    if (!(err instanceof RadarError)) throw err;
    const issues = (err.details?.issues as { path: string; message: string }[] | undefined) ?? [{ path: '$', message: err.message }];
    console.error(`${file}: invalid rule set (${issues.length} problem${issues.length === 1 ? '' : 's'})`);
    for (const i of issues) console.error(`  ${i.path}: ${i.message}`);
    return 1;
  }
}

function test(args: string[]): number {
  let speaker: Speaker = 'customer';
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--speaker') {
      const s = args[++i];
      if (s !== 'customer' && s !== 'agent') throw new UsageError('--speaker must be customer or agent');
      speaker = s;
    } else rest.push(args[i]);
  }
  const { engine, rest: words } = engineFromArgs(rest);
  const sentence = words.join(' ');
  if (!sentence) throw new UsageError('rules test needs a sentence');
  const hits = testSentence(engine, sentence.normalize('NFC'), { speaker });
  for (const h of hits) {
    console.log(JSON.stringify({
      ruleId: h.ruleId, category: h.category, severity: h.severity, start: h.start, end: h.end, match: h.match,
      term: h.term, negated: h.negated, distance: h.distance, explanation: h.explanation,
    }));
  }
  if (hits.length === 0) console.error('(no hits)');
  return 0;
}

const rules: Command = {
  name: 'rules',
  summary: 'validate a rule set, or try rules on a sentence',
  usage: 'radar rules check FILE | radar rules test "sentence" [--speaker customer|agent] [--rules FILE]',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === 'check') return check(rest[0]);
    if (sub === 'test') return test(rest);
    throw new UsageError(`unknown sub-command '${sub ?? ''}'`);
  },
};

export default rules;
