import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { RadarError } from '../../core/errors.js';
import type { Speaker } from '../../core/types.js';
import { SPEAKERS } from '../../core/types.js';
import { compileRuleSet, createDefaultEngine, parseRuleSetText, type RadarEngine } from '../../detect/index.js';
import type { CallDetector } from '../../detect/index.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';

// `radar detect`: JSON lines in, JSON lines out, no server.
//   in:  {"callId","seq","speaker","text"} (+ optional startMs, endMs, final)
//   out: {"callId","seq","hits":[{"ruleId","category","severity","start","end","match","negated"}]}
// A bad input line is reported on stderr as "radar detect: line N: …", skipped,
// and makes the exit code 1 once all other lines are processed.

/** Loads --rules FILE (YAML unless it ends in .json), or the default dictionary. */
export function engineFromArgs(args: string[]): { engine: RadarEngine; rest: string[] } {
  const rest: string[] = [];
  let file: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--rules') {
      file = args[++i] ?? null;
      if (!file) throw new UsageError('--rules needs a file');
    } else rest.push(args[i]);
  }
  if (!file) return { engine: createDefaultEngine(), rest };
  return { engine: compileRuleSet(readRuleFile(file)), rest };
}

export function readRuleFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseRuleSetText(text, file.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
}

interface InputLine {
  callId: string;
  seq: number | string;
  speaker: Speaker;
  text: string;
  startMs?: number;
  endMs?: number;
  final?: boolean;
}

function parseLine(raw: string): InputLine {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new Error('not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o.callId !== 'string' || o.callId === '') throw new Error('"callId" must be a non-empty string');
  if (typeof o.seq !== 'number' && typeof o.seq !== 'string') throw new Error('"seq" must be a number or string');
  if (!SPEAKERS.includes(o.speaker as Speaker)) throw new Error(`"speaker" must be ${SPEAKERS.join(' or ')}`);
  if (typeof o.text !== 'string') throw new Error('"text" must be a string');
  for (const k of ['startMs', 'endMs'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'number') throw new Error(`"${k}" must be a number`);
  }
  if (o.final !== undefined && typeof o.final !== 'boolean') throw new Error('"final" must be true or false');
  return o as unknown as InputLine;
}

const detect: Command = {
  name: 'detect',
  summary: 'detect risk expressions in JSON-lines utterances from stdin (no server)',
  usage: 'radar detect [--rules FILE.yaml|FILE.json] < utterances.jsonl',
  async run(args) {
    let engine: RadarEngine;
    try {
      ({ engine } = engineFromArgs(args));
    } catch (err) {
      if (err instanceof RadarError) { console.error(`radar detect: ${err.message}`); return 1; }
      throw err;
    }
    const calls = new Map<string, CallDetector>();
    let lineNo = 0;
    let bad = 0;
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const raw of rl) {
      lineNo++;
      if (raw.trim() === '') continue;
      let line: InputLine;
      try {
        line = parseLine(raw);
      } catch (err) {
        bad++;
        console.error(`radar detect: line ${lineNo}: ${(err as Error).message}`);
        continue;
      }
      let call = calls.get(line.callId);
      if (!call) { call = engine.openCall({ callId: line.callId }); calls.set(line.callId, call); }
      const hits = call.push({
        id: `${line.callId}:${line.seq}`, callId: line.callId, speaker: line.speaker, text: line.text.normalize('NFC'),
        startMs: line.startMs ?? 0, endMs: line.endMs ?? line.startMs ?? 0, final: line.final ?? true,
      });
      const out = hits.map((h) => ({
        ruleId: h.ruleId, category: h.category, severity: h.severity, start: h.start, end: h.end, match: h.match, negated: h.negated,
      }));
      process.stdout.write(`${JSON.stringify({ callId: line.callId, seq: line.seq, hits: out })}\n`);
    }
    for (const c of calls.values()) c.close();
    return bad > 0 ? 1 : 0;
  },
};

export default detect;
