import type { Alert, AlertStatus, Hit, Severity } from '../core/types.js';
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
