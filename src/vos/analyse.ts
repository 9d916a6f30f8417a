import type { Utterance } from '../core/types.js';
import type { DetectionEngine } from '../detect/types.js';
import { findMentions, type TopicSet } from '../analytics/early-warning/index.js';
import { redact } from '../privacy/redact.js';
import { riskOf, type PostHit, type PostRedaction } from './model.js';

// What happens to a post's text before it is stored: personal data redacted
// (src/privacy, the same redaction calls get), then the redacted text run
// through the live detection engine (so a post threatening 금감원 is flagged
// with the same categories and severities as a call) and through the
// early-warning topic dictionary (recurring topics). Pure: engine and topic set in, data out.

export interface Analysis {
  title: string;
  body: string;
  redactions: PostRedaction[];
  hits: PostHit[];
  categories: string[];
  /** Highest severity of the hits that were not negated; 0 = not flagged. */
  severity: number;
  /** Ids of the recurring topics (early-warning dictionary) the post is about. */
  topics: string[];
  ruleSetVersion: number;
  topicSetVersion: number;
}

/**
 * A post is read like a short call of the customer: the title, then the body,
 * as two final customer utterances, so the engine's speaker filters, negation
 * and phrases split across the two apply as for speech. Offsets stay per field.
 */
export function postUtterances(key: string, title: string, body: string): Utterance[] {
  return [
    { id: 'title', callId: key, speaker: 'customer', startMs: 0, endMs: 0, text: title, final: true },
    { id: 'body', callId: key, speaker: 'customer', startMs: 1, endMs: 1, text: body, final: true },
  ];
}

export function detectRisk(engine: DetectionEngine, key: string, title: string, body: string): PostHit[] {
  const detector = engine.openCall({ callId: key });
  const hits: PostHit[] = [];
  try {
    for (const u of postUtterances(key, title, body)) {
      for (const h of detector.push(u)) {
        if (h.provisional) continue;
        hits.push({
          field: h.utteranceId === 'title' ? 'title' : 'body', ruleId: h.ruleId, category: h.category, severity: h.severity,
          start: h.start, end: h.end, match: h.match, term: h.term, negated: h.negated, explanation: h.explanation,
        });
      }
    }
  } finally {
    detector.close();
  }
  return hits;
}

/** Topic ids of the post, in the dictionary's order. */
export function detectTopics(topics: TopicSet, key: string, title: string, body: string, at: number): string[] {
  const found = new Set(findMentions(topics, postUtterances(key, title, body).map((u) => ({ ...u, at }))).map((m) => m.topicId));
  return topics.topics.map((t) => t.id).filter((id) => found.has(id));
}

export function analysePost(engine: DetectionEngine, topics: TopicSet, input: { key: string; title: string; body: string; at: number }): Analysis {
  const t = redact(input.title);
  const b = redact(input.body);
  const redactions: PostRedaction[] = [
    ...t.redactions.map((r) => ({ field: 'title' as const, kind: r.kind, start: r.start, end: r.end })),
    ...b.redactions.map((r) => ({ field: 'body' as const, kind: r.kind, start: r.start, end: r.end })),
  ];
  const hits = detectRisk(engine, input.key, t.text, b.text);
  const { categories, severity } = riskOf(hits);
  return {
    title: t.text, body: b.text, redactions, hits, categories, severity,
    topics: detectTopics(topics, input.key, t.text, b.text, input.at),
    ruleSetVersion: engine.version, topicSetVersion: topics.version,
  };
}
