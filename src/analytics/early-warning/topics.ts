import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { badRequest, RadarError } from '../../core/errors.js';
import type { Speaker, Utterance } from '../../core/types.js';
import { SPEAKERS } from '../../core/types.js';
import { compileRuleSet, type RadarEngine, type RuleSetDoc } from '../../detect/index.js';

// Issue topics (결제 오류, 로그인 안 됨 …) as data, matched by the project's own
// detection engine: each topic becomes one rule of a rule-set document, so
// spacing variants, particles and STT near misses are handled exactly as for
// risk expressions, and the engine validates the terms. This file only adds
// the topic-level checks (ids, labels) and turns hits into mentions.

export interface Topic {
  id: string;
  /** Korean label shown on the console and in notifications. */
  label: string;
  labelEn: string;
  terms: string[];
  exceptions: string[];
  speakers: Speaker[];
}

export interface TopicSet {
  version: number;
  topics: Topic[];
  /** The compiled matcher; rule ids are `topic.<topic id>`. */
  engine: RadarEngine;
}

const DEFAULT_TOPICS_URL = new URL('./topics.yaml', import.meta.url);
const TOPIC_ID_RE = /^[a-z][a-z0-9_]{0,63}$/;
const RULE_PREFIX = 'topic.';
/**
 * A narrow negation list of our own: "결제 오류는 아니고요" is not about the
 * topic, but the detection dictionary's hypothetical cues ("… 하면 어떻게 돼요")
 * would drop real questions about an issue, which still count.
 */
const TOPIC_NEGATION = {
  within: 8,
  cues: ['아니고', '아니라', '아니에요', '아니예요', '아닙니다', '아니구요', '아니고요', '건 아니', '게 아니', '문제는 아니', '문제가 아니', '때문은 아니', '때문이 아니'],
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Topic-set problems, each with a path, like the rule-set validator's. */
export function invalidTopicSet(issues: { path: string; message: string }[]): RadarError {
  return badRequest('invalid_topic_set', `The topic set has ${issues.length} problem(s): ${issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Checks the topic-level shape; the terms themselves are checked by the rule-set compiler. */
function checkTopics(doc: unknown): { version: number; topics: Topic[] } {
  const issues: { path: string; message: string }[] = [];
  const fail = (path: string, message: string) => { if (issues.length < 100) issues.push({ path, message }); };
  if (!isObj(doc)) throw invalidTopicSet([{ path: '$', message: 'must be an object with version and topics' }]);
  for (const k of Object.keys(doc)) if (!['schema', 'version', 'defaults', 'topics'].includes(k)) fail(`$.${k}`, 'unknown field');
  if (doc.schema !== undefined && doc.schema !== 1) fail('$.schema', 'only schema 1 exists');
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail('$.version', 'must be a positive integer');
  const defaults = isObj(doc.defaults) ? doc.defaults : {};
  const defaultSpeakers = defaults.speakers ?? ['customer'];
  if (!stringList(defaultSpeakers) || defaultSpeakers.length === 0 || defaultSpeakers.some((s) => !SPEAKERS.includes(s as Speaker))) {
    fail('$.defaults.speakers', `must be a non-empty list of ${SPEAKERS.join('/')}`);
  }
  if (!Array.isArray(doc.topics) || doc.topics.length === 0) {
    fail('$.topics', 'must be a non-empty list');
    throw invalidTopicSet(issues);
  }
  const seen = new Set<string>();
  const topics: Topic[] = [];
  doc.topics.forEach((t: unknown, i: number) => {
    const path = `$.topics[${i}]`;
    if (!isObj(t)) return fail(path, 'must be an object');
    for (const k of Object.keys(t)) if (!['id', 'label', 'labelEn', 'terms', 'exceptions', 'speakers'].includes(k)) fail(`${path}.${k}`, 'unknown field');
    if (typeof t.id !== 'string' || !TOPIC_ID_RE.test(t.id)) fail(`${path}.id`, 'must be lower case letters, digits and _ (up to 64)');
    else if (seen.has(t.id)) fail(`${path}.id`, `duplicate topic id '${t.id}'`);
    else seen.add(t.id);
    if (typeof t.label !== 'string' || !t.label.trim() || t.label.length > 80) fail(`${path}.label`, 'must be a non-empty Korean label (up to 80 characters)');
    if (t.labelEn !== undefined && (typeof t.labelEn !== 'string' || t.labelEn.length > 120)) fail(`${path}.labelEn`, 'must be a string (up to 120 characters)');
    if (!stringList(t.terms) || t.terms.length === 0) fail(`${path}.terms`, 'must be a non-empty list of terms');
    if (t.exceptions !== undefined && !stringList(t.exceptions)) fail(`${path}.exceptions`, 'must be a list of terms');
    const speakers = t.speakers ?? defaultSpeakers;
    if (!stringList(speakers) || speakers.length === 0 || speakers.some((s) => !SPEAKERS.includes(s as Speaker))) {
      fail(`${path}.speakers`, `must be a non-empty list of ${SPEAKERS.join('/')}`);
    }
    topics.push({
      id: String(t.id), label: String(t.label ?? '').trim(), labelEn: typeof t.labelEn === 'string' ? t.labelEn : String(t.label ?? ''),
      terms: stringList(t.terms) ? t.terms : [], exceptions: stringList(t.exceptions) ? t.exceptions : [],
      speakers: (stringList(speakers) ? speakers : ['customer']) as Speaker[],
    });
  });
  if (issues.length > 0) throw invalidTopicSet(issues);
  return { version: version as number, topics };
}

/** The rule-set document the detection engine compiles for these topics. */
export function topicRuleSet(version: number, topics: Topic[]): RuleSetDoc {
  return {
    schema: 1, version, name: 'early-warning-topics', defaults: { fuzzy: true },
    negation: TOPIC_NEGATION,
    rules: topics.map((t) => ({
      id: `${RULE_PREFIX}${t.id}`, category: 'topic', severity: 1, description: t.label, speakers: t.speakers, terms: t.terms,
      ...(t.exceptions.length > 0 ? { exceptions: t.exceptions } : {}),
    })),
  };
}

/**
 * Validates a topic document (YAML/JSON already parsed) and compiles it.
 * Throws RadarError 400 `invalid_topic_set`; term problems found by the
 * rule-set compiler come back with their paths mapped to the topic list.
 */
export function compileTopicSet(doc: unknown): TopicSet {
  const { version, topics } = checkTopics(doc);
  try {
    return { version, topics, engine: compileRuleSet(topicRuleSet(version, topics)) };
  } catch (err) {
    if (err instanceof RadarError && err.code === 'invalid_rule_set') {
      const raw = (err.details?.issues as { path: string; message: string }[] | undefined) ?? [{ path: '$', message: err.message }];
      throw invalidTopicSet(raw.map((i) => ({ path: i.path.replace(/^\$?\.?rules\[/, '$.topics['), message: i.message })));
    }
    throw err;
  }
}

/** Reads and compiles a topic file (YAML or JSON); the bundled dictionary when no path is given. */
export function loadTopicSet(file?: string | null): TopicSet {
  const where = file ?? DEFAULT_TOPICS_URL;
  let text: string;
  try {
    text = readFileSync(where, 'utf8');
  } catch (err) {
    throw badRequest('topic_file_unreadable', `Cannot read the topic file ${String(where)}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    throw invalidTopicSet([{ path: '$', message: `not valid YAML/JSON: ${(err as Error).message}` }]);
  }
  return compileTopicSet(doc);
}

/** A call's first mention of a topic, from one utterance. */
export interface Mention {
  topicId: string;
  callId: string;
  utteranceId: string;
  /** When it was said (ms since the epoch). */
  at: number;
}

export interface TimedUtterance extends Utterance {
  /** When it was said, ms since the epoch. */
  at: number;
}

/**
 * Topics mentioned in these final utterances: one mention per (topic, call),
 * the earliest. Utterances are grouped per call and pushed in the given order,
 * so a topic phrase split across two utterances of a speaker is still found.
 * Negated hits ("결제 오류는 아니고요") do not count.
 */
export function findMentions(set: TopicSet, utterances: readonly TimedUtterance[]): Mention[] {
  const byCall = new Map<string, TimedUtterance[]>();
  for (const u of utterances) {
    const list = byCall.get(u.callId);
    if (list) list.push(u);
    else byCall.set(u.callId, [u]);
  }
  const first = new Map<string, Mention>();
  for (const [callId, list] of byCall) {
    const detector = set.engine.openCall({ callId });
    try {
      for (const u of list) {
        for (const hit of detector.push(u)) {
          if (hit.negated || !hit.ruleId.startsWith(RULE_PREFIX)) continue;
          const topicId = hit.ruleId.slice(RULE_PREFIX.length);
          const key = `${topicId}\u0000${callId}`;
          const seen = first.get(key);
          if (!seen || u.at < seen.at) first.set(key, { topicId, callId, utteranceId: hit.utteranceId, at: u.at });
        }
      }
    } finally {
      detector.close();
    }
  }
  return [...first.values()];
}
