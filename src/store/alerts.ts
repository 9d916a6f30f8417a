import type { Alert, AlertStatus, ContextLine, Hit, Severity } from '../core/types.js';
import type { Queryable, Row } from './db.js';

export const toAlert = (r: Row): Alert => ({
  id: r.id,
  callId: r.call_id,
  ruleId: r.rule_id,
  category: r.category,
  severity: r.severity as Severity,
  status: r.status,
  statusReason: r.status_reason,
  caseId: r.case_id,
  hitCount: r.hit_count,
  firstHitAt: new Date(r.first_hit_at).toISOString(),
  lastHitAt: new Date(r.last_hit_at).toISOString(),
  speaker: r.speaker,
  startMs: r.start_ms,
  utteranceId: r.utterance_id,
  match: r.match,
  term: r.term,
  explanation: r.explanation,
  negated: r.negated,
  context: r.context ?? [],
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});


/** One hit folded into its call's alert for the rule (at most one per call and rule per statement). */
export interface FoldItem {
  id: string;
  callId: string;
  hit: Hit;
  count: number;
  context: ContextLine[];
}

/** A hit to store; alerting ones are linked to their call's alert for the rule. */
export interface HitToStore {
  callId: string;
  hit: Hit;
  alerting: boolean;
}

/**
 * Stores hits and folds the alerting ones into their calls' alerts, in one
 * statement (one round trip of the live path): new (call, rule) pairs create
 * alerts, known ones raise their count by `count`; each alerting hit is stored
 * with the id of the alert it was folded into, other hits without one; re-sent
 * hits are ignored.
 */
export async function storeHitsAndFoldAlerts(q: Queryable, items: FoldItem[], hits: HitToStore[]): Promise<{ alert: Alert; created: boolean }[]> {
  if (items.length === 0 && hits.length === 0) return [];
  const col = <T>(f: (i: FoldItem) => T) => items.map(f);
  const hcol = <T>(f: (i: HitToStore) => T) => hits.map(f);
  const rows = await q.query(
    `WITH folded AS (
       INSERT INTO alerts (id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, negated, context, hit_count)
       SELECT id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, false, context, n
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[],
         $11::text[], $12::jsonb[], $13::int[])
         AS h(id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, context, n)
       ON CONFLICT (call_id, rule_id) DO UPDATE SET hit_count = alerts.hit_count + excluded.hit_count, last_hit_at = now(), updated_at = now(),
         severity = greatest(alerts.severity, excluded.severity)
       RETURNING *, (xmax = 0) AS inserted
     ), stored_hits AS (
       INSERT INTO hits (call_id, utterance_id, alert_id, rule_id, rule_set_version, category, severity, speaker,
         span_start, span_end, match, term, distance, negated, start_ms, explanation)
       SELECT x.call_id, x.utterance_id, folded.id, x.rule_id, x.rule_set_version, x.category, x.severity, x.speaker,
         x.span_start, x.span_end, x.match, x.term, x.distance, x.negated, x.start_ms, x.explanation
       FROM unnest($14::text[], $15::text[], $16::boolean[], $17::text[], $18::int[], $19::text[], $20::smallint[], $21::text[],
         $22::int[], $23::int[], $24::text[], $25::text[], $26::real[], $27::boolean[], $28::int[], $29::text[])
         AS x(call_id, utterance_id, alerting, rule_id, rule_set_version, category, severity, speaker,
           span_start, span_end, match, term, distance, negated, start_ms, explanation)
       LEFT JOIN folded ON x.alerting AND folded.call_id = x.call_id AND folded.rule_id = x.rule_id
       ON CONFLICT (call_id, utterance_id, rule_id, span_start) DO NOTHING
     )
     SELECT * FROM folded`,
    [col((i) => i.id), col((i) => i.callId), col((i) => i.hit.ruleId), col((i) => i.hit.category), col((i) => i.hit.severity),
      col((i) => i.hit.speaker), col((i) => i.hit.startMs), col((i) => i.hit.utteranceId), col((i) => i.hit.match), col((i) => i.hit.term),
      col((i) => i.hit.explanation), col((i) => JSON.stringify(i.context)), col((i) => i.count),
      hcol((i) => i.callId), hcol((i) => i.hit.utteranceId), hcol((i) => i.alerting), hcol((i) => i.hit.ruleId), hcol((i) => i.hit.ruleSetVersion),
      hcol((i) => i.hit.category), hcol((i) => i.hit.severity), hcol((i) => i.hit.speaker), hcol((i) => i.hit.start), hcol((i) => i.hit.end),
      hcol((i) => i.hit.match), hcol((i) => i.hit.term), hcol((i) => i.hit.distance), hcol((i) => i.hit.negated),
      hcol((i) => i.hit.startMs), hcol((i) => i.hit.explanation)],
  );
  return rows.map((r) => ({ alert: toAlert(r), created: r.inserted === true }));
}

export interface StoredHit extends Hit {
  alertId: string | null;
}

export async function listHits(q: Queryable, callId: string): Promise<StoredHit[]> {
  const rows = await q.query('SELECT * FROM hits WHERE call_id = $1 ORDER BY start_ms, id', [callId]);
  return rows.map((r) => ({
    ruleId: r.rule_id,
    ruleSetVersion: r.rule_set_version,
    category: r.category,
    severity: r.severity,
    utteranceId: r.utterance_id,
    speaker: r.speaker,
    start: r.span_start,
    end: r.span_end,
    match: r.match,
    term: r.term,
    negated: r.negated,
    provisional: false,
    distance: r.distance,
    startMs: r.start_ms,
    explanation: r.explanation,
    alertId: r.alert_id,
  }));
}

export async function getAlert(q: Queryable, id: string): Promise<Alert | null> {
  const rows = await q.query('SELECT * FROM alerts WHERE id = $1', [id]);
  return rows[0] ? toAlert(rows[0]) : null;
}

export async function listCallAlerts(q: Queryable, callId: string): Promise<Alert[]> {
  return (await q.query('SELECT * FROM alerts WHERE call_id = $1 ORDER BY created_at', [callId])).map(toAlert);
}

export interface AlertFilter {
  limit: number;
  offset?: number;
  status?: AlertStatus;
  category?: string;
  minSeverity?: number;
  callId?: string;
  agentId?: string;
  from?: string;
  to?: string;
}

export async function listAlerts(q: Queryable, f: AlertFilter): Promise<{ items: Alert[]; total: number }> {
  const where = `($3::text IS NULL OR a.status = $3) AND ($4::text IS NULL OR a.category = $4)
       AND ($5::int IS NULL OR a.severity >= $5) AND ($6::text IS NULL OR a.call_id = $6)
       AND ($7::text IS NULL OR c.agent_id = $7)
       AND ($8::timestamptz IS NULL OR a.created_at >= $8) AND ($9::timestamptz IS NULL OR a.created_at < $9)`;
  const params = [f.limit, f.offset ?? 0, f.status ?? null, f.category ?? null, f.minSeverity ?? null, f.callId ?? null,
    f.agentId ?? null, f.from ?? null, f.to ?? null];
  const rows = await q.query(
    `SELECT a.*, count(*) OVER () AS total FROM alerts a JOIN calls c ON c.id = a.call_id
     WHERE ${where} ORDER BY a.created_at DESC, a.id LIMIT $1 OFFSET $2`,
    params,
  );
  return { items: rows.map(toAlert), total: rows[0]?.total ?? 0 };
}

export async function updateAlertStatus(
  q: Queryable,
  id: string,
  status: AlertStatus,
  reason: string | null,
): Promise<Alert | null> {
  const rows = await q.query(
    'UPDATE alerts SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1 RETURNING *',
    [id, status, reason],
  );
  return rows[0] ? toAlert(rows[0]) : null;
}
