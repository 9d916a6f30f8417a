import type { Queryable } from './db.js';

export interface RetentionResult {
  cutoff: string;
  callsAffected: number;
  utterancesDeleted: number;
  eventsCleared: number;
  alertsCleared: number;
}

/**
 * Removes the transcript of calls that started before `cutoff`: utterances are
 * deleted; hits and alerts stay (statistics, cases) but alerts and their outbox
 * events lose the transcript lines they carried (the matched phrase is kept).
 */
export async function purgeTranscripts(q: Queryable, cutoff: string, maxCalls: number): Promise<RetentionResult> {
  const calls = (await q.query(
    `SELECT id FROM calls WHERE started_at < $1 AND transcript_purged_at IS NULL ORDER BY started_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [cutoff, maxCalls],
  )).map((r) => r.id as string);
  if (calls.length === 0) return { cutoff, callsAffected: 0, utterancesDeleted: 0, eventsCleared: 0, alertsCleared: 0 };
  const [u] = await q.query('WITH d AS (DELETE FROM utterances WHERE call_id = ANY($1) RETURNING 1) SELECT count(*)::int AS n FROM d', [calls]);
  const [a] = await q.query(
    `WITH c AS (UPDATE alerts SET context = '[]' WHERE call_id = ANY($1) AND context <> '[]'::jsonb RETURNING 1) SELECT count(*)::int AS n FROM c`,
    [calls],
  );
  // The outbox keeps a copy of each alert as it was pushed, context included.
  const [e] = await q.query(
    `WITH c AS (
       UPDATE events SET payload = jsonb_set(payload, '{alert,context}', '[]'::jsonb)
       WHERE payload->'alert'->>'callId' = ANY($1) AND jsonb_array_length(coalesce(payload->'alert'->'context', '[]'::jsonb)) > 0
       RETURNING 1)
     SELECT count(*)::int AS n FROM c`,
    [calls],
  );
  await q.query('UPDATE calls SET transcript_purged_at = now() WHERE id = ANY($1)', [calls]);
  return { cutoff, callsAffected: calls.length, utterancesDeleted: u.n, eventsCleared: e.n, alertsCleared: a.n };
}

export interface RetentionRecord extends Omit<RetentionResult, 'cutoff'> {
  /** Null when only delivery rows were under the policy. */
  cutoff: string | null;
  retentionDays: number;
  audioFilesDeleted: number;
  deliveryKeepDays: number;
  deliveryCutoff: string | null;
  deliveriesDeleted: number;
  deliveryAttemptsDeleted: number;
  eventsDeleted: number;
}

export async function recordRetentionRun(q: Queryable, r: RetentionRecord): Promise<void> {
  await q.query(
    `INSERT INTO retention_runs (cutoff, retention_days, calls_affected, utterances_deleted, events_cleared, alerts_cleared, audio_files_deleted,
       delivery_keep_days, delivery_cutoff, deliveries_deleted, delivery_attempts_deleted, events_deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [r.cutoff, r.retentionDays, r.callsAffected, r.utterancesDeleted, r.eventsCleared, r.alertsCleared, r.audioFilesDeleted,
      r.deliveryKeepDays > 0 ? r.deliveryKeepDays : null, r.deliveryCutoff, r.deliveriesDeleted, r.deliveryAttemptsDeleted, r.eventsDeleted],
  );
}

export async function listRetentionRuns(q: Queryable, limit: number) {
  const rows = await q.query('SELECT * FROM retention_runs ORDER BY id DESC LIMIT $1', [limit]);
  return rows.map((r) => ({
    id: r.id, ranAt: new Date(r.ran_at).toISOString(), cutoff: r.cutoff === null ? null : new Date(r.cutoff).toISOString(), retentionDays: r.retention_days,
    callsAffected: r.calls_affected, utterancesDeleted: r.utterances_deleted, eventsCleared: r.events_cleared,
    alertsCleared: r.alerts_cleared, audioFilesDeleted: r.audio_files_deleted,
    deliveryKeepDays: r.delivery_keep_days, deliveryCutoff: r.delivery_cutoff === null ? null : new Date(r.delivery_cutoff).toISOString(),
    deliveriesDeleted: r.deliveries_deleted, deliveryAttemptsDeleted: r.delivery_attempts_deleted, eventsDeleted: r.events_deleted,
  }));
}
