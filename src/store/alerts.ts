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

/**
 * Folds a hit into its call's alert for the rule: the first hit creates the alert,
 * later ones raise its count. Returns the alert and whether it was created.
 */
export async function foldHitIntoAlert(
  q: Queryable,
  id: string,
  hit: Hit,
  callId: string,
  context: ContextLine[],
): Promise<{ alert: Alert; created: boolean }> {
  const rows = await q.query(
    `INSERT INTO alerts (id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, negated, context)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (call_id, rule_id) DO UPDATE SET hit_count = alerts.hit_count + 1, last_hit_at = now(), updated_at = now(),
       severity = greatest(alerts.severity, excluded.severity)
     RETURNING *, (xmax = 0) AS inserted`,
    [id, callId, hit.ruleId, hit.category, hit.severity, hit.speaker, hit.startMs, hit.utteranceId, hit.match, hit.term,
      hit.explanation, hit.negated, JSON.stringify(context)],
  );
  return { alert: toAlert(rows[0]), created: rows[0].inserted === true };
}

export async function insertHit(q: Queryable, callId: string, hit: Hit, alertId: string | null): Promise<void> {
  await q.query(
    `INSERT INTO hits (call_id, utterance_id, alert_id, rule_id, rule_set_version, category, severity, speaker,
       span_start, span_end, match, term, distance, negated, start_ms, explanation)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (call_id, utterance_id, rule_id, span_start) DO NOTHING`,
    [callId, hit.utteranceId, alertId, hit.ruleId, hit.ruleSetVersion, hit.category, hit.severity, hit.speaker,
      hit.start, hit.end, hit.match, hit.term, hit.distance, hit.negated, hit.startMs, hit.explanation],
  );
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
