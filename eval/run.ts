// `npm run eval`: runs the labelled evaluation set (eval/detect-eval.jsonl)
// through the detection engine and prints binary alert precision/recall overall,
// per category and per tag. Exits 1 when an acceptance target fails:
//   precision ≥ 0.95 and recall ≥ 0.95 overall, recall ≥ 0.85 on stt-noise,
//   and no alert at all on agent speech.
//
// Each case is one small call: its lines go through one CallDetector in order
// (3 s apart), so split phrases and composite rules are exercised as live.
// A case "alerts" when any line yields a hit that is not negated.
//
// Options: --rules FILE (YAML/JSON rule set instead of the default),
//          --set FILE (another JSONL set), --json FILE (write the report),
//          --verbose (list every miss and false alarm; default lists up to 40).

import { readFileSync, writeFileSync } from 'node:fs';
import type { Hit, Speaker } from '../src/core/types.js';
import { compileRuleSet, createDefaultEngine, parseRuleSetText, type RadarEngine } from '../src/detect/index.js';

interface Case {
  id: string;
  lines: { speaker: Speaker; text: string }[];
  alert: boolean;
  categories: string[];
  tags: string[];
}

interface Outcome {
  c: Case;
  predicted: boolean;
  categories: Set<string>;
  agentAlerts: Hit[];
  hits: Hit[];
}

interface Counts { tp: number; fp: number; fn: number; tn: number }

const TARGETS = { precision: 0.95, recall: 0.95, sttRecall: 0.85 };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function loadCases(file: string): Case[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as Case;
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
  });
}

function runCase(engine: RadarEngine, c: Case): Outcome {
  const call = engine.openCall({ callId: c.id });
  const hits: Hit[] = [];
  const agentAlerts: Hit[] = [];
  c.lines.forEach((l, i) => {
    const out = call.push({
      id: `${c.id}:${i}`, callId: c.id, speaker: l.speaker, text: l.text.normalize('NFC'),
      startMs: i * 3000, endMs: i * 3000 + 2500, final: true,
    });
    for (const h of out) {
      if (h.negated) continue;
      hits.push(h);
      if (l.speaker === 'agent') agentAlerts.push(h);
    }
  });
  call.close();
  return { c, predicted: hits.length > 0, categories: new Set(hits.map((h) => h.category)), agentAlerts, hits };
}

const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);
const fmt = (x: number) => (Number.isNaN(x) ? '  –  ' : x.toFixed(3));

function count(pairs: [boolean, boolean][]): Counts {
  const k: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const [expected, predicted] of pairs) {
    if (expected && predicted) k.tp++;
    else if (!expected && predicted) k.fp++;
    else if (expected && !predicted) k.fn++;
    else k.tn++;
  }
  return k;
}

const precision = (k: Counts) => ratio(k.tp, k.tp + k.fp);
const recall = (k: Counts) => ratio(k.tp, k.tp + k.fn);

function row(name: string, k: Counts): string {
  return `${name.padEnd(22)} ${String(k.tp + k.fn + k.fp + k.tn).padStart(5)} ${String(k.tp).padStart(5)} ${String(k.fp).padStart(5)} ${String(k.fn).padStart(5)}   ${fmt(precision(k))}   ${fmt(recall(k))}`;
}

function main(): void {
  const setFile = arg('--set') ?? new URL('./detect-eval.jsonl', import.meta.url).pathname;
  const rulesFile = arg('--rules');
  const engine = rulesFile
    ? compileRuleSet(parseRuleSetText(readFileSync(rulesFile, 'utf8'), rulesFile.endsWith('.json') ? 'json' : 'yaml'))
    : createDefaultEngine();
  const cases = loadCases(setFile);
  const outcomes = cases.map((c) => runCase(engine, c));
  const overall = count(outcomes.map((o) => [o.c.alert, o.predicted]));

  const categories = [...new Set(cases.flatMap((c) => c.categories))].sort();
  const perCategory = Object.fromEntries(categories.map((cat) => [cat, count(outcomes.map((o) => [o.c.categories.includes(cat), o.categories.has(cat)]))]));
  const tags = [...new Set(cases.flatMap((c) => c.tags))].sort();
  const perTag = Object.fromEntries(tags.map((t) => [t, count(outcomes.filter((o) => o.c.tags.includes(t)).map((o) => [o.c.alert, o.predicted]))]));
  const agentAlerts = outcomes.flatMap((o) => o.agentAlerts.map((h) => ({ id: o.c.id, rule: h.ruleId, match: h.match })));

  const header = `${''.padEnd(22)} ${'cases'.padStart(5)} ${'TP'.padStart(5)} ${'FP'.padStart(5)} ${'FN'.padStart(5)}   prec.   recall`;
  const lines = [
    `Minwon Radar detection eval — ${cases.length} cases (${cases.reduce((n, c) => n + c.lines.length, 0)} utterances), rule set v${engine.version} (${engine.ruleCount} rules)`,
    '', header, row('overall (alert y/n)', overall), '', 'per category (multi-label)', header,
    ...categories.map((c) => row(c, perCategory[c])), '', 'per tag (alert y/n within the tag)', header,
    ...tags.map((t) => row(t, perTag[t])), '',
    `alerts on agent lines: ${agentAlerts.length}`,
  ];
  console.log(lines.join('\n'));

  const misses = outcomes.filter((o) => o.c.alert && !o.predicted);
  const falseAlarms = outcomes.filter((o) => !o.c.alert && o.predicted);
  const limit = process.argv.includes('--verbose') ? Infinity : 40;
  if (misses.length) {
    console.log(`\nmissed (${misses.length}):`);
    for (const o of misses.slice(0, limit)) console.log(`  ${o.c.id}  ${o.c.lines.map((l) => l.text).join(' / ')}`);
  }
  if (falseAlarms.length) {
    console.log(`\nfalse alarms (${falseAlarms.length}):`);
    for (const o of falseAlarms.slice(0, limit)) {
      console.log(`  ${o.c.id}  ${o.c.lines.map((l) => l.text).join(' / ')}  ← ${o.hits.map((h) => `${h.ruleId}:"${h.match}"`).join(', ')}`);
    }
  }

  const stt = perTag['stt-noise'];
  const failures: string[] = [];
  if (!(precision(overall) >= TARGETS.precision)) failures.push(`overall precision ${fmt(precision(overall))} < ${TARGETS.precision}`);
  if (!(recall(overall) >= TARGETS.recall)) failures.push(`overall recall ${fmt(recall(overall))} < ${TARGETS.recall}`);
  if (stt && !(recall(stt) >= TARGETS.sttRecall)) failures.push(`stt-noise recall ${fmt(recall(stt))} < ${TARGETS.sttRecall}`);
  if (agentAlerts.length > 0) failures.push(`${agentAlerts.length} alert(s) on agent lines`);

  const jsonOut = arg('--json');
  if (jsonOut) {
    const pr = (k: Counts) => ({ ...k, precision: precision(k), recall: recall(k) });
    writeFileSync(jsonOut, JSON.stringify({
      set: setFile, ruleSetVersion: engine.version, cases: cases.length, overall: pr(overall),
      perCategory: Object.fromEntries(Object.entries(perCategory).map(([k, v]) => [k, pr(v)])),
      perTag: Object.fromEntries(Object.entries(perTag).map(([k, v]) => [k, pr(v)])),
      agentAlerts, failures,
    }, null, 2));
  }
  console.log(failures.length ? `\nFAIL: ${failures.join('; ')}` : '\nPASS: all acceptance targets met');
  process.exitCode = failures.length ? 1 : 0;
}

main();
