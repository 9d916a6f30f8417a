import { readFileSync } from 'node:fs';
import type { Hit, Speaker } from '../core/types.js';
import { compileDoc } from './compile.js';
import { createEngine, type EngineOptions, type RadarEngine } from './engine.js';
import { parseRuleSetText, type RuleSetDoc } from './ruleset.js';

// Public surface of the detection stage. Everything else in src/detect is
// internal and may change with the engine.

export type { CallContext, CallDetector, DetectionEngine, PriorContact, RuleInfo } from './types.js';
export type { RadarEngine, EngineOptions } from './engine.js';
export type { RuleSetDoc, RuleDoc, Expr, RuleSetIssue } from './ruleset.js';
export { checkRuleSet, parseRuleSetText } from './ruleset.js';
export { backtest } from './backtest.js';
export type { BacktestInput, BacktestItem, BacktestReport, EngineSummary, HitSample } from './backtest.js';

const DEFAULT_RULES_URL = new URL('./rules/default.yaml', import.meta.url);

/**
 * Validates a rule-set document (RadarError 400 'invalid_rule_set') and compiles
 * it once. A document without a `negation` section gets the default
 * dictionary's Korean negation/hypothetical cues.
 */
export function compileRuleSet(doc: unknown, opts?: EngineOptions): RadarEngine {
  const withNegation = isPlainObject(doc) && doc.negation === undefined
    ? { ...doc, negation: loadDefaultRuleSet().negation }
    : doc;
  return createEngine(compileDoc(withNegation), opts);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The bundled default Korean dictionary as a document (a fresh copy each call). */
export function loadDefaultRuleSet(): RuleSetDoc {
  return parseRuleSetText(readFileSync(DEFAULT_RULES_URL, 'utf8'), 'yaml') as RuleSetDoc;
}

/** The engine built from the bundled default Korean dictionary. */
export function createDefaultEngine(): RadarEngine {
  return compileRuleSet(loadDefaultRuleSet());
}

/** Hits for one sentence, as if a final utterance of a fresh call (the rules screen). */
export function testSentence(engine: RadarEngine, text: string, opts: { speaker?: Speaker } = {}): Hit[] {
  const call = engine.openCall({ callId: 'rule-test' });
  const hits = call.push({ id: 'rule-test-1', callId: 'rule-test', speaker: opts.speaker ?? 'customer', startMs: 0, endMs: 0, text, final: true });
  call.close();
  return hits;
}
