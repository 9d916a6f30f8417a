import { newId } from '../core/ids.js';
import type { Alert, ContextLine, Hit } from '../core/types.js';
import type { Queryable } from '../store/db.js';
import type { StoredEvent } from '../store/events.js';
import { writeLiveBatch, type LiveEventRow, type LiveFoldRow, type LiveHitRow, type LiveRiskRow } from '../store/live-batch.js';
import { isEscalated, riskScore, type RiskInput } from './risk.js';

// Turns the final utterances of a batch and their hits into stored utterances,
// stored hits, folded alerts, the calls' new risk scores and outbox events — in
// one statement (store/live-batch.ts), so an alert is never visible without its
// event (and vice versa) and a batch with alerts costs one round trip.
//
// The risk score and escalation of each call are computed here, before the
// statement, from the call's alerts as this process knows them plus the new
// hits (the database adds the same counts); the alerts themselves, with their
// stored counts, come back in the events and update that knowledge.

export interface FoldInput {
  utterance: { id: string; callId: string; speaker: string; startMs: number; endMs: number; text: string; redactions: unknown[] };
  hits: Hit[];
  context: ContextLine[];
  /** The call's alerts so far (kept in memory by the pipeline), updated in place. */
  callAlerts: Map<string, RiskInput>;
  wasEscalated: boolean;
}

export interface FoldResult {
  events: StoredEvent[];
  riskScore: number;
  escalated: boolean;
  alerts: Alert[];
}

/** Hits that raise alerts: final and not negated/hypothetical. */
export const alerting = (h: Hit): boolean => !h.negated && !h.provisional;

const hitRow = (callId: string, h: Hit): LiveHitRow => ({
  callId, utteranceId: h.utteranceId, alerting: alerting(h), ruleId: h.ruleId, ruleSetVersion: h.ruleSetVersion, category: h.category,
  severity: h.severity, speaker: h.speaker, start: h.start, end: h.end, match: h.match, term: h.term, distance: h.distance,
  negated: h.negated, startMs: h.startMs, explanation: h.explanation,
});

/**
 * Writes the utterances (of different calls: the group commit never batches two
 * of one call) with their hits. Returns, per input, what was folded — or null
 * when the database already held that utterance (a re-send), in which case
 * nothing of it was written.
 */
export async function writeBatchWithHits(q: Queryable, inputs: FoldInput[]): Promise<(FoldResult | null)[]> {
  let ord = 0;
  const folds: LiveFoldRow[] = [];
  const hits: LiveHitRow[] = [];
  const risk: LiveRiskRow[] = [];
  const events: LiveEventRow[] = [];
  const predicted = inputs.map((input) => {
    const { callId, id: utteranceId } = input.utterance;
    // The first alerting hit per rule speaks for the rule in its utterance; the others still count.
    const byRule = new Map<string, { hit: Hit; count: number }>();
    for (const hit of input.hits.filter(alerting)) {
      const seen = byRule.get(hit.ruleId);
      if (seen) seen.count++;
      else byRule.set(hit.ruleId, { hit, count: 1 });
    }
    const next = new Map(input.callAlerts);
    for (const [ruleId, { hit, count }] of byRule) {
      const prev = next.get(ruleId);
      next.set(ruleId, { category: hit.category, severity: prev && prev.severity > hit.severity ? prev.severity : hit.severity, hitCount: (prev?.hitCount ?? 0) + count });
    }
    const all = [...next.values()];
    const score = riskScore(all);
    const escalated = isEscalated(all);
    const call = { id: callId, riskScore: score, escalated };
    for (const { hit, count } of byRule.values()) {
      // `trigger` names the hit behind this event: for a folded update the alert's
      // own fields still describe the first hit.
      const trigger = { utteranceId: hit.utteranceId, match: hit.match, start: hit.start, end: hit.end, startMs: hit.startMs };
      folds.push({ newAlertId: newId(), hit: hitRow(callId, hit), count, context: input.context, ord: ord++, extra: { call, trigger } });
    }
    for (const h of input.hits) hits.push(hitRow(callId, h));
    if (byRule.size > 0) risk.push({ callId, utteranceId, score, escalatedNow: escalated && !input.wasEscalated });
    if (escalated && !input.wasEscalated) {
      events.push({ callId, utteranceId, ord: ord++, type: 'call.escalated', subjectId: callId, payload: { call, categories: [...new Set(all.map((a) => a.category))] } });
    }
    return { score, escalated };
  });

  const written = await writeLiveBatch(q, { utterances: inputs.map((i) => i.utterance), folds, hits, risk, events });
  const key = (callId: string, id: string) => `${callId}\u0000${id}`;
  const stored = new Set(written.stored.map((s) => key(s.callId, s.id)));
  return inputs.map((input, i) => {
    const { callId, id } = input.utterance;
    if (!stored.has(key(callId, id))) return null;
    const mine = written.events.filter((e) => (e.payload?.alert?.callId ?? (e.type === 'call.escalated' ? e.subjectId : null)) === callId);
    const alerts = mine.filter((e) => e.payload?.alert).map((e) => e.payload.alert as Alert);
    for (const a of alerts) input.callAlerts.set(a.ruleId, { category: a.category, severity: a.severity, hitCount: a.hitCount });
    return { events: mine, riskScore: predicted[i].score, escalated: predicted[i].escalated, alerts };
  });
}
