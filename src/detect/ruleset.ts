import { parse as parseYaml } from 'yaml';
import { RadarError } from '../core/errors.js';
import type { Severity, Speaker } from '../core/types.js';
import { SPEAKERS } from '../core/types.js';

// The rule-set document: plain data (YAML or JSON), versioned, validated with
// path + message errors. The format is described in docs/detection.md.

/** Composite expression. A bare string is a term. */
export type Expr =
  | string
  | { terms: string[] }
  | { cue: string }
  | { rule: string }
  | { any: Expr[] }
  | { all: Expr[] }
  | { not: Expr }
  | { near: [Expr, Expr]; within: number }
  | { notNear: [Expr, Expr]; within: number }
  | { then: [Expr, Expr]; withinSec: number }
  | { count: Expr; atLeast: number; withinSec: number }
  | { repeatContact: { withinDays: number; categories?: string[]; atLeast?: number } };

export interface ContextClause {
  /** A cue-set name or a list of terms. */
  near: string | string[];
  /** Distance in normalised characters (≈ syllables) on either side. */
  within?: number;
}

export interface RuleDoc {
  id: string;
  category: string;
  severity: Severity;
  description?: string;
  /** Whose speech the rule applies to; default from `defaults.speakers` (customer). */
  speakers?: Speaker[];
  /** Simple form: any of these terms. */
  terms?: string[];
  /** Composite form (instead of `terms`). */
  match?: Expr;
  /** Longer phrases that, when they cover a term's match, cancel it (기자재 for 기자). */
  exceptions?: string[];
  /** The match must have one of these cues nearby (intent words for weak terms). */
  require?: ContextClause;
  /** The match is dropped when one of these cues is nearby (구독료 near 신문). */
  unless?: ContextClause;
  /** Jamo-level fuzzy matching for this rule's terms; default true. */
  fuzzy?: boolean;
  /** Whether negation/hypothetical cues apply; default true. */
  negation?: boolean;
  /**
   * Rules this one overrides: where both fire on overlapping spans of one
   * utterance, only this rule's hit is raised ("민원 넣을" is
   * complaint.file_strong, not also complaint.file). The overridden rule is
   * still evaluated (composite rules may refer to it).
   */
  supersedes?: string[];
  enabled?: boolean;
}

export interface RuleSetDoc {
  /** Document format; only 1 exists. */
  schema?: 1;
  /** Revision of this rule set; every change bumps it. */
  version: number;
  name?: string;
  description?: string;
  defaults?: { speakers?: Speaker[]; fuzzy?: boolean; contextWithin?: number };
  /** Named cue sets: context words that never alert by themselves. */
  cues?: Record<string, string[]>;
  negation?: {
    /** Cues after a match (same clause) that mark it negated/hypothetical. */
    cues: string[];
    /** Cues that undo a negation ("할 수밖에 없"). */
    cancel?: string[];
    /** Words that end a clause for negation scope ("근데", "지만"). */
    breaks?: string[];
    /** How far after the match a cue may start, in normalised characters. */
    within?: number;
  };
  rules: RuleDoc[];
}

export interface RuleSetIssue {
  path: string;
  message: string;
}

const ID_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const EXPR_KEYS = ['terms', 'cue', 'rule', 'any', 'all', 'not', 'near', 'notNear', 'then', 'count', 'repeatContact'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  issues: RuleSetIssue[] = [];
  fail(path: string, message: string): void {
    if (this.issues.length < 100) this.issues.push({ path, message });
  }
  string(v: unknown, path: string): v is string {
    if (typeof v === 'string' && v.trim().length > 0) return true;
    this.fail(path, 'must be a non-empty string');
    return false;
  }
  posInt(v: unknown, path: string, max = Number.MAX_SAFE_INTEGER): v is number {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max) return true;
    this.fail(path, `must be an integer from 1 to ${max}`);
    return false;
  }
  posNumber(v: unknown, path: string): v is number {
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return true;
    this.fail(path, 'must be a positive number');
    return false;
  }
  bool(v: unknown, path: string): void {
    if (v !== undefined && typeof v !== 'boolean') this.fail(path, 'must be true or false');
  }
  terms(v: unknown, path: string): void {
    if (!Array.isArray(v) || v.length === 0) return this.fail(path, 'must be a non-empty list of terms');
    v.forEach((t, i) => this.term(t, `${path}[${i}]`));
  }
  term(t: unknown, path: string): void {
    if (!this.string(t, path)) return;
    const core = t.replace(/^\*|\*$/g, '');
    if (!/[\p{L}\p{N}]/u.test(core)) this.fail(path, `term '${t}' has no letters or digits`);
    if (core.length > 64) this.fail(path, 'term is longer than 64 characters');
  }
  speakers(v: unknown, path: string): void {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length === 0) return this.fail(path, `must be a non-empty list of ${SPEAKERS.join('/')}`);
    v.forEach((s, i) => {
      if (!SPEAKERS.includes(s as Speaker)) this.fail(`${path}[${i}]`, `unknown speaker '${String(s)}' (expected ${SPEAKERS.join(' or ')})`);
    });
  }
  unknownKeys(o: Obj, allowed: string[], path: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.fail(`${path}.${k}`, 'unknown field');
  }
}

function checkContext(c: Checker, v: unknown, path: string, cues: Set<string>): void {
  if (v === undefined) return;
  if (!isObj(v)) return c.fail(path, 'must be an object {near, within?}');
  c.unknownKeys(v, ['near', 'within'], path);
  if (typeof v.near === 'string') {
    if (!cues.has(v.near)) c.fail(`${path}.near`, `unknown cue set '${v.near}'`);
  } else c.terms(v.near, `${path}.near`);
  if (v.within !== undefined) c.posInt(v.within, `${path}.within`, 200);
}

function checkExpr(c: Checker, e: unknown, path: string, cues: Set<string>, ruleIds: Set<string>): void {
  if (typeof e === 'string') return c.term(e, path);
  if (!isObj(e)) return c.fail(path, 'must be a term string or an expression object');
  const keys = Object.keys(e).filter((k) => EXPR_KEYS.includes(k));
  if (keys.length !== 1) return c.fail(path, `must have exactly one of ${EXPR_KEYS.join(', ')}`);
  const k = keys[0];
  const pair = (v: unknown, p: string) => {
    if (!Array.isArray(v) || v.length !== 2) return c.fail(p, 'must be a list of exactly two expressions');
    v.forEach((x, i) => checkExpr(c, x, `${p}[${i}]`, cues, ruleIds));
  };
  switch (k) {
    case 'terms': c.unknownKeys(e, ['terms'], path); return c.terms(e.terms, `${path}.terms`);
    case 'cue':
      if (c.string(e.cue, `${path}.cue`) && !cues.has(e.cue)) c.fail(`${path}.cue`, `unknown cue set '${e.cue}'`);
      return;
    case 'rule':
      if (c.string(e.rule, `${path}.rule`) && !ruleIds.has(e.rule)) c.fail(`${path}.rule`, `unknown rule '${e.rule}'`);
      return;
    case 'any': case 'all': {
      const list = e[k];
      if (!Array.isArray(list) || list.length === 0) return c.fail(`${path}.${k}`, 'must be a non-empty list');
      return list.forEach((x, i) => checkExpr(c, x, `${path}.${k}[${i}]`, cues, ruleIds));
    }
    case 'not': return checkExpr(c, e.not, `${path}.not`, cues, ruleIds);
    case 'near': case 'notNear':
      c.unknownKeys(e, [k, 'within'], path);
      pair(e[k], `${path}.${k}`);
      c.posInt(e.within, `${path}.within`, 200);
      return;
    case 'then':
      c.unknownKeys(e, ['then', 'withinSec'], path);
      pair(e.then, `${path}.then`);
      c.posNumber(e.withinSec, `${path}.withinSec`);
      return;
    case 'count':
      c.unknownKeys(e, ['count', 'atLeast', 'withinSec'], path);
      checkExpr(c, e.count, `${path}.count`, cues, ruleIds);
      c.posInt(e.atLeast, `${path}.atLeast`, 1000);
      c.posNumber(e.withinSec, `${path}.withinSec`);
      return;
    case 'repeatContact': {
      const r = e.repeatContact;
      const p = `${path}.repeatContact`;
      if (!isObj(r)) return c.fail(p, 'must be an object {withinDays, categories?, atLeast?}');
      c.unknownKeys(r, ['withinDays', 'categories', 'atLeast'], p);
      c.posNumber(r.withinDays, `${p}.withinDays`);
      if (r.atLeast !== undefined) c.posInt(r.atLeast, `${p}.atLeast`, 1000);
      if (r.categories !== undefined && (!Array.isArray(r.categories) || !r.categories.every((x) => typeof x === 'string'))) {
        c.fail(`${p}.categories`, 'must be a list of category ids');
      }
    }
  }
}

/** True when the expression can produce a span (not only conditions). */
export function hasAnchor(e: Expr): boolean {
  if (typeof e === 'string') return true;
  if ('terms' in e || 'cue' in e || 'rule' in e) return true;
  if ('any' in e) return e.any.some(hasAnchor);
  if ('all' in e) return e.all.some(hasAnchor);
  if ('near' in e) return hasAnchor(e.near[0]);
  if ('notNear' in e) return hasAnchor(e.notNear[0]);
  if ('then' in e) return hasAnchor(e.then[1]);
  if ('count' in e) return hasAnchor(e.count);
  return false;
}

function checkRule(c: Checker, r: unknown, path: string, cues: Set<string>, ruleIds: Set<string>): void {
  if (!isObj(r)) return c.fail(path, 'must be an object');
  c.unknownKeys(r, ['id', 'category', 'severity', 'description', 'speakers', 'terms', 'match', 'exceptions', 'require', 'unless', 'fuzzy', 'negation', 'supersedes', 'enabled'], path);
  if (c.string(r.id, `${path}.id`) && !ID_RE.test(r.id)) c.fail(`${path}.id`, `'${r.id}' must look like category.name (lower case, digits, _ and .)`);
  if (c.string(r.category, `${path}.category`) && !/^[a-z][a-z0-9_]*$/.test(r.category)) c.fail(`${path}.category`, 'must be lower case letters, digits and _');
  c.posInt(r.severity, `${path}.severity`, 5);
  c.speakers(r.speakers, `${path}.speakers`);
  if (r.terms === undefined && r.match === undefined) c.fail(path, "needs 'terms' or 'match'");
  if (r.terms !== undefined && r.match !== undefined) c.fail(path, "has both 'terms' and 'match'; use one");
  if (r.terms !== undefined) c.terms(r.terms, `${path}.terms`);
  if (r.match !== undefined) {
    const before = c.issues.length;
    checkExpr(c, r.match, `${path}.match`, cues, ruleIds);
    if (c.issues.length === before && !hasAnchor(r.match as Expr)) {
      c.fail(`${path}.match`, 'has nothing that matches text (only conditions such as not/repeatContact)');
    }
  }
  if (r.exceptions !== undefined) c.terms(r.exceptions, `${path}.exceptions`);
  checkContext(c, r.require, `${path}.require`, cues);
  checkContext(c, r.unless, `${path}.unless`, cues);
  c.bool(r.fuzzy, `${path}.fuzzy`);
  c.bool(r.negation, `${path}.negation`);
  c.bool(r.enabled, `${path}.enabled`);
  if (r.supersedes !== undefined) {
    if (!Array.isArray(r.supersedes) || r.supersedes.some((x) => typeof x !== 'string')) c.fail(`${path}.supersedes`, 'must be a list of rule ids');
    else {
      r.supersedes.forEach((x: string, i: number) => {
        if (!ruleIds.has(x)) c.fail(`${path}.supersedes[${i}]`, `unknown rule '${x}'`);
        else if (x === r.id) c.fail(`${path}.supersedes[${i}]`, 'a rule cannot supersede itself');
      });
    }
  }
}

/** Returns every problem of a candidate rule-set document (empty when valid). */
export function checkRuleSet(doc: unknown): RuleSetIssue[] {
  const c = new Checker();
  if (!isObj(doc)) return [{ path: '$', message: 'the rule set must be an object' }];
  c.unknownKeys(doc, ['schema', 'version', 'name', 'description', 'defaults', 'cues', 'negation', 'rules'], '$');
  if (doc.schema !== undefined && doc.schema !== 1) c.fail('$.schema', 'only schema 1 is supported');
  c.posInt(doc.version, '$.version');
  if (doc.defaults !== undefined) {
    if (!isObj(doc.defaults)) c.fail('$.defaults', 'must be an object');
    else {
      c.unknownKeys(doc.defaults, ['speakers', 'fuzzy', 'contextWithin'], '$.defaults');
      c.speakers(doc.defaults.speakers, '$.defaults.speakers');
      c.bool(doc.defaults.fuzzy, '$.defaults.fuzzy');
      if (doc.defaults.contextWithin !== undefined) c.posInt(doc.defaults.contextWithin, '$.defaults.contextWithin', 200);
    }
  }
  const cues = new Set<string>();
  if (doc.cues !== undefined) {
    if (!isObj(doc.cues)) c.fail('$.cues', 'must be an object of name → list of terms');
    else for (const [name, list] of Object.entries(doc.cues)) { cues.add(name); c.terms(list, `$.cues.${name}`); }
  }
  if (doc.negation !== undefined) {
    const n = doc.negation;
    if (!isObj(n)) c.fail('$.negation', 'must be an object {cues, cancel?, breaks?, within?}');
    else {
      c.unknownKeys(n, ['cues', 'cancel', 'breaks', 'within'], '$.negation');
      c.terms(n.cues, '$.negation.cues');
      if (n.cancel !== undefined) c.terms(n.cancel, '$.negation.cancel');
      if (n.breaks !== undefined) c.terms(n.breaks, '$.negation.breaks');
      if (n.within !== undefined) c.posInt(n.within, '$.negation.within', 200);
    }
  }
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) {
    c.fail('$.rules', 'must be a non-empty list of rules');
    return c.issues;
  }
  const ids = new Set<string>();
  doc.rules.forEach((r, i) => {
    if (isObj(r) && typeof r.id === 'string') {
      if (ids.has(r.id)) c.fail(`$.rules[${i}].id`, `duplicate rule id '${r.id}'`);
      ids.add(r.id);
    }
  });
  doc.rules.forEach((r, i) => checkRule(c, r, `$.rules[${i}]`, cues, ids));
  return c.issues;
}

/** Throws RadarError 400 'invalid_rule_set' listing every issue. */
export function assertRuleSet(doc: unknown): asserts doc is RuleSetDoc {
  const issues = checkRuleSet(doc);
  if (issues.length === 0) return;
  throw invalid(issues);
}

export function invalid(issues: RuleSetIssue[]): RadarError {
  const head = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return new RadarError(400, 'invalid_rule_set', `Invalid rule set: ${head}${more}`, { issues });
}

/** Parses YAML or JSON text into an (unvalidated) document. */
export function parseRuleSetText(text: string, format: 'yaml' | 'json' = 'yaml'): unknown {
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, logLevel: 'error' });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw invalid([{ path: '$', message: `not valid ${format.toUpperCase()}: ${message}` }]);
  }
}
