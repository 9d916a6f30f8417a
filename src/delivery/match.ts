import type { OutboxEvent, Subscription } from './types.js';

// Which subscriptions want which events. Pure: the relay calls it for every
// event × enabled subscription inside its transaction.

/** 'alert.created' matches 'alert.created', 'alert.*' and '*'. */
export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export interface EventFacts {
  severity: number | null;
  categories: string[];
}

type Loose = Record<string, unknown> | undefined;
const obj = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/**
 * Severity and categories an event carries, wherever its type keeps them:
 * alert events in `alert`, cases in `case`, escalations and warnings at the top.
 * Looked up by shape rather than by type so later event types work unchanged.
 */
export function eventFacts(payload: unknown): EventFacts {
  const p = obj(payload);
  const holders = [obj(p?.alert), obj(p?.case), obj(p?.warning), p];
  let severity: number | null = null;
  const categories = new Set<string>();
  for (const h of holders) {
    if (!h) continue;
    if (severity === null && typeof h.severity === 'number') severity = h.severity;
    if (typeof h.category === 'string') categories.add(h.category);
    if (Array.isArray(h.categories)) for (const c of h.categories) if (typeof c === 'string') categories.add(c);
  }
  return { severity, categories: [...categories] };
}

/**
 * Filters apply to what an event carries: an event without a severity (a call
 * escalation, a briefing) passes the severity filter, one without categories
 * passes the category filter. The subscriber chose those types explicitly.
 */
export function subscriptionWants(sub: Pick<Subscription, 'eventTypes' | 'minSeverity' | 'categories' | 'enabled'>, event: Pick<OutboxEvent, 'type' | 'payload'>): boolean {
  if (!sub.enabled) return false;
  if (!sub.eventTypes.some((p) => typeMatches(p, event.type))) return false;
  const facts = eventFacts(event.payload);
  if (sub.minSeverity !== null && facts.severity !== null && facts.severity < sub.minSeverity) return false;
  if (sub.categories.length > 0 && facts.categories.length > 0 && !facts.categories.some((c) => sub.categories.includes(c))) return false;
  return true;
}
