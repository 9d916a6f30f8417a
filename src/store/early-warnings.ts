import type { Speaker } from '../core/types.js';
import type { Queryable, Row } from './db.js';
import { isoOrNull, isoTime as iso } from './rows.js';

// Storage of the early-warning capability (migration 008): topic mentions, the
// evaluator's cursor, and the warnings. SQL only; decisions are made in
// src/analytics/early-warning.

/** Advisory-lock key: one process evaluates at a time ("radar early warning"). */
const LOCK_KEY = 7_250_318;

export type WarningStatus = 'open' | 'acknowledged' | 'resolved';
export const WARNING_STATUSES: readonly WarningStatus[] = ['open', 'acknowledged', 'resolved'];

export interface SampleRef {
  callId: string;
  utteranceId: string;
}

/** A warning as stored: its latest counts (WarningCounts) and its history. */
export interface EarlyWarning extends WarningCounts {
  id: string;
  topicId: string;
  topicLabel: string;
  topicLabelEn: string;
  status: WarningStatus;
  raisedAt: string;
  updatedAt: string;
  evaluatedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgeNote: string | null;
  windowMinutes: number;
  peakCalls: number;
  peakAt: string;
  notifiedCalls: number;
  samples: SampleRef[];
}


function toWarning(r: Row): EarlyWarning {
  return {
    id: r.id, topicId: r.topic_id, topicLabel: r.topic_label, topicLabelEn: r.topic_label_en, status: r.status, severity: Number(r.severity),
    raisedAt: iso(r.raised_at), updatedAt: iso(r.updated_at), evaluatedAt: iso(r.evaluated_at), resolvedAt: isoOrNull(r.resolved_at),
    acknowledgedAt: isoOrNull(r.acknowledged_at), acknowledgedBy: r.acknowledged_by, acknowledgeNote: r.acknowledge_note,
    windowMinutes: r.window_minutes, calls: r.calls, baseline: Number(r.baseline), pValue: Number(r.p_value), monitoredCalls: r.monitored_calls,
    historyCalls: r.history_calls, historyMonitored: r.history_monitored, historyDays: r.history_days, peakCalls: r.peak_calls,
    peakAt: iso(r.peak_at), notifiedCalls: r.notified_calls, samples: Array.isArray(r.samples) ? r.samples : JSON.parse(r.samples ?? '[]'),
  };
}

/** True when this transaction now holds the evaluator lock (released at commit/rollback); false when another process has it. */
export async function tryLockEvaluator(q: Queryable): Promise<boolean> {
  const [r] = await q.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [LOCK_KEY]);
  return r.ok === true;
}

export interface EvaluatorState {
  cursor: number | null;
  gap: { maxSeq: number; seenAt: number } | null;
  /** The database's clock, ms. */
  now: number;
}

export async function readState(q: Queryable): Promise<EvaluatorState> {
  const [r] = await q.query('SELECT cursor_seq, gap_max_seq, gap_seen_at, now() AS now FROM early_warning_state WHERE id = 1');
  return {
    cursor: r.cursor_seq === null ? null : Number(r.cursor_seq),
    gap: r.gap_max_seq === null ? null : { maxSeq: Number(r.gap_max_seq), seenAt: new Date(r.gap_seen_at).getTime() },
    now: new Date(r.now).getTime(),
  };
}

export async function saveCursor(q: Queryable, cursor: number, gap: { maxSeq: number; seenAt: number } | null, skipped: number): Promise<void> {
  await q.query(
    `UPDATE early_warning_state SET cursor_seq = $1, gap_max_seq = $2, gap_seen_at = $3, skipped_seqs = skipped_seqs + $4, updated_at = now() WHERE id = 1`,
    [cursor, gap?.maxSeq ?? null, gap ? new Date(gap.seenAt).toISOString() : null, skipped],
  );
}

export async function markEvaluated(q: Queryable, at: number): Promise<void> {
  await q.query('UPDATE early_warning_state SET last_evaluated_at = $1 WHERE id = 1', [new Date(at).toISOString()]);
}

/**
 * Where a fresh evaluator starts: after the newest utterance stored before the
 * history the baseline needs, so older transcripts are never read.
 */
export async function startingCursor(q: Queryable, horizon: number): Promise<number> {
  const [r] = await q.query(
    'SELECT seq FROM utterances WHERE created_at < $1 ORDER BY created_at DESC LIMIT 1',
    [new Date(horizon).toISOString()],
  );
  if (r) return Number(r.seq);
  // Nothing that old: start just before the first utterance, so seqs never
  // handed out (a fresh sequence after a restore) do not look like a gap.
  const [first] = await q.query('SELECT coalesce(min(seq) - 1, 0)::bigint AS seq FROM utterances');
  return Number(first.seq);
}

export interface StoredUtterance {
  seq: number;
  callId: string;
  id: string;
  speaker: Speaker;
  startMs: number;
  endMs: number;
  text: string;
  /** When it was said, ms: call start + offset, never later than when it was stored. */
  at: number;
}

export async function utterancesAfter(q: Queryable, cursor: number, limit: number): Promise<StoredUtterance[]> {
  const rows = await q.query(
    `SELECT u.seq, u.call_id, u.id, u.speaker, u.start_ms, u.end_ms, u.text,
            LEAST(c.started_at + u.start_ms * interval '1 millisecond', u.created_at) AS at
     FROM utterances u JOIN calls c ON c.id = u.call_id
     WHERE u.seq > $1 ORDER BY u.seq LIMIT $2`,
    [cursor, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq), callId: r.call_id, id: r.id, speaker: r.speaker, startMs: r.start_ms, endMs: r.end_ms, text: r.text, at: new Date(r.at).getTime(),
  }));
}

export interface MentionRow {
  topicId: string;
  callId: string;
  utteranceId: string;
  at: number;
}

/** Adds mentions; a (topic, call) already stored keeps its earliest time. Idempotent. */
export async function insertMentions(q: Queryable, mentions: readonly MentionRow[]): Promise<void> {
  for (let i = 0; i < mentions.length; i += 500) {
    const chunk = mentions.slice(i, i + 500);
    await q.query(
      `INSERT INTO topic_mentions (topic_id, call_id, utterance_id, at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
       ON CONFLICT (topic_id, call_id) DO UPDATE
         SET at = EXCLUDED.at, utterance_id = EXCLUDED.utterance_id
         WHERE EXCLUDED.at < topic_mentions.at`,
      [chunk.map((m) => m.topicId), chunk.map((m) => m.callId), chunk.map((m) => m.utteranceId), chunk.map((m) => new Date(m.at).toISOString())],
    );
  }
}

export interface CountQuery {
  now: number;
  windowMinutes: number;
  baselineDays: number;
  bandMinutes: number;
}

export interface TopicCounts {
  /** Per topic: distinct calls in the window and in the history bands. */
  topics: Map<string, { calls: number; historyCalls: number }>;
  monitored: number;
  historyMonitored: number;
  historyDays: number;
}

/**
 * The counts the decision needs, in three statements. History = the same
 * time of day (a band of `bandMinutes` centred on now) on each of the last
 * `baselineDays` days: one index range per day.
 */
export async function windowCounts(q: Queryable, c: CountQuery): Promise<TopicCounts> {
  const now = new Date(c.now).toISOString();
  const windowSec = c.windowMinutes * 60;
  const halfBandSec = (c.bandMinutes * 60) / 2;
  const current = await q.query(
    `SELECT topic_id, count(*)::int AS n FROM topic_mentions
     WHERE at > $1::timestamptz - $2 * interval '1 second' AND at <= $1::timestamptz GROUP BY topic_id`,
    [now, windowSec],
  );
  const history = await q.query(
    `SELECT m.topic_id, count(*)::int AS n
     FROM generate_series(1, $2::int) d
     JOIN topic_mentions m ON m.at > $1::timestamptz - d * interval '1 day' - $3 * interval '1 second'
                          AND m.at <= $1::timestamptz - d * interval '1 day' + $3 * interval '1 second'
     GROUP BY m.topic_id`,
    [now, c.baselineDays, halfBandSec],
  );
  const [vol] = await q.query(
    `SELECT
       (SELECT count(*)::int FROM calls WHERE started_at > $1::timestamptz - $2 * interval '1 second' AND started_at <= $1::timestamptz) AS monitored,
       count(c.id)::int AS history_monitored, count(DISTINCT d)::int AS history_days
     FROM generate_series(1, $3::int) d
     JOIN calls c ON c.started_at > $1::timestamptz - d * interval '1 day' - $4 * interval '1 second'
                 AND c.started_at <= $1::timestamptz - d * interval '1 day' + $4 * interval '1 second'`,
    [now, windowSec, c.baselineDays, halfBandSec],
  );
  const topics = new Map<string, { calls: number; historyCalls: number }>();
  for (const r of current) topics.set(r.topic_id, { calls: r.n, historyCalls: 0 });
  for (const r of history) topics.set(r.topic_id, { calls: topics.get(r.topic_id)?.calls ?? 0, historyCalls: r.n });
  return { topics, monitored: vol?.monitored ?? 0, historyMonitored: vol?.history_monitored ?? 0, historyDays: vol?.history_days ?? 0 };
}

/** The newest mentions of a topic in a period (samples for events and the console). */
export async function recentMentions(q: Queryable, topicId: string, from: number, to: number, limit: number): Promise<MentionRow[]> {
  const rows = await q.query(
    `SELECT topic_id, call_id, utterance_id, at FROM topic_mentions
     WHERE topic_id = $1 AND at > $2 AND at <= $3 ORDER BY at DESC LIMIT $4`,
    [topicId, new Date(from).toISOString(), new Date(to).toISOString(), limit],
  );
  return rows.map((r) => ({ topicId: r.topic_id, callId: r.call_id, utteranceId: r.utterance_id, at: new Date(r.at).getTime() }));
}

/** Mention times per topic in a period (chart series). */
export async function mentionTimes(q: Queryable, topicIds: readonly string[], from: number, to: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(topicIds.map((t) => [t, []]));
  if (topicIds.length === 0) return out;
  const rows = await q.query(
    'SELECT topic_id, at FROM topic_mentions WHERE topic_id = ANY($1::text[]) AND at >= $2 AND at < $3',
    [topicIds, new Date(from).toISOString(), new Date(to).toISOString()],
  );
  for (const r of rows) out.get(r.topic_id)?.push(new Date(r.at).getTime());
  return out;
}

/** Deletes up to `max` mentions older than `before` (outside every baseline); returns how many. */
export async function pruneMentions(q: Queryable, before: number, max: number): Promise<number> {
  const [r] = await q.query(
    `WITH doomed AS (SELECT topic_id, call_id FROM topic_mentions WHERE at < $1 LIMIT $2),
          gone AS (DELETE FROM topic_mentions m USING doomed d WHERE m.topic_id = d.topic_id AND m.call_id = d.call_id RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [new Date(before).toISOString(), max],
  );
  return r.n;
}

export async function activeWarnings(q: Queryable): Promise<EarlyWarning[]> {
  const rows = await q.query("SELECT * FROM early_warnings WHERE status <> 'resolved' ORDER BY raised_at");
  return rows.map(toWarning);
}

export async function getWarning(q: Queryable, id: string, forUpdate = false): Promise<EarlyWarning | null> {
  const [r] = await q.query(`SELECT * FROM early_warnings WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toWarning(r) : null;
}

export interface WarningCounts {
  calls: number;
  baseline: number;
  pValue: number;
  monitoredCalls: number;
  historyCalls: number;
  historyMonitored: number;
  historyDays: number;
  severity: number;
}

export async function insertWarning(q: Queryable, w: {
  id: string; topicId: string; topicLabel: string; topicLabelEn: string; at: number; windowMinutes: number; counts: WarningCounts; samples: SampleRef[];
}): Promise<EarlyWarning> {
  const at = new Date(w.at).toISOString();
  const c = w.counts;
  const [r] = await q.query(
    `INSERT INTO early_warnings (id, topic_id, topic_label, topic_label_en, status, severity, raised_at, updated_at, evaluated_at,
       window_minutes, calls, baseline, p_value, monitored_calls, history_calls, history_monitored, history_days,
       peak_calls, peak_at, notified_calls, samples)
     VALUES ($1, $2, $3, $4, 'open', $5, $6, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $8, $6, $8, $15) RETURNING *`,
    [w.id, w.topicId, w.topicLabel, w.topicLabelEn, c.severity, at, w.windowMinutes, c.calls, c.baseline, c.pValue, c.monitoredCalls,
      c.historyCalls, c.historyMonitored, c.historyDays, JSON.stringify(w.samples)],
  );
  return toWarning(r);
}

/** New counts of an active warning; `announce` also moves notified_calls and updated_at (an event goes out). */
export async function updateWarningCounts(q: Queryable, id: string, at: number, c: WarningCounts, announce: boolean, samples: SampleRef[] | null): Promise<EarlyWarning> {
  const [r] = await q.query(
    `UPDATE early_warnings SET calls = $3, baseline = $4, p_value = $5, monitored_calls = $6, history_calls = $7, history_monitored = $8,
       history_days = $9, severity = GREATEST(severity, $10), evaluated_at = $2,
       peak_at = CASE WHEN $3 > peak_calls THEN $2 ELSE peak_at END, peak_calls = GREATEST(peak_calls, $3),
       notified_calls = CASE WHEN $11 THEN $3 ELSE notified_calls END,
       updated_at = CASE WHEN $11 THEN $2 ELSE updated_at END,
       samples = COALESCE($12::jsonb, samples)
     WHERE id = $1 RETURNING *`,
    [id, new Date(at).toISOString(), c.calls, c.baseline, c.pValue, c.monitoredCalls, c.historyCalls, c.historyMonitored, c.historyDays,
      c.severity, announce, samples === null ? null : JSON.stringify(samples)],
  );
  return toWarning(r);
}

export async function resolveWarning(q: Queryable, id: string, at: number, c: WarningCounts): Promise<EarlyWarning> {
  const t = new Date(at).toISOString();
  const [r] = await q.query(
    `UPDATE early_warnings SET status = 'resolved', resolved_at = $2, updated_at = $2, evaluated_at = $2, calls = $3, baseline = $4, p_value = $5,
       monitored_calls = $6, history_calls = $7, history_monitored = $8, history_days = $9
     WHERE id = $1 RETURNING *`,
    [id, t, c.calls, c.baseline, c.pValue, c.monitoredCalls, c.historyCalls, c.historyMonitored, c.historyDays],
  );
  return toWarning(r);
}

export async function acknowledgeWarning(q: Queryable, id: string, by: string, note: string | null): Promise<EarlyWarning> {
  const [r] = await q.query(
    `UPDATE early_warnings SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2, acknowledge_note = $3, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, by, note],
  );
  return toWarning(r);
}

export interface WarningFilter {
  /** A status, or 'active' (open or acknowledged). */
  status?: WarningStatus | 'active';
  topicId?: string;
  from?: string;
  to?: string;
  limit: number;
  offset?: number;
}

export async function listWarnings(q: Queryable, f: WarningFilter): Promise<{ items: EarlyWarning[]; total: number }> {
  const where = `($1::text IS NULL OR ($1 = 'active' AND status <> 'resolved') OR status = $1)
    AND ($2::text IS NULL OR topic_id = $2) AND ($3::timestamptz IS NULL OR raised_at >= $3) AND ($4::timestamptz IS NULL OR raised_at < $4)`;
  const params = [f.status ?? null, f.topicId ?? null, f.from ?? null, f.to ?? null];
  const rows = await q.query(
    `SELECT * FROM early_warnings WHERE ${where}
     ORDER BY (status = 'resolved'), severity DESC, raised_at DESC LIMIT $5 OFFSET $6`,
    [...params, f.limit, f.offset ?? 0],
  );
  const [t] = await q.query(`SELECT count(*)::int AS n FROM early_warnings WHERE ${where}`, params);
  return { items: rows.map(toWarning), total: t.n };
}

export interface SampleUtterance {
  callId: string;
  utteranceId: string;
  speaker: Speaker | null;
  startMs: number | null;
  /** Redacted text as stored; null once retention deleted the transcript. */
  text: string | null;
  at: string;
}

/** The newest mentions of a topic in a period with their utterances' stored (redacted) text. */
export async function sampleUtterances(q: Queryable, topicId: string, from: number, to: number, limit: number): Promise<SampleUtterance[]> {
  const rows = await q.query(
    `SELECT m.call_id, m.utterance_id, m.at, u.speaker, u.start_ms, u.text
     FROM topic_mentions m LEFT JOIN utterances u ON u.call_id = m.call_id AND u.id = m.utterance_id
     WHERE m.topic_id = $1 AND m.at > $2 AND m.at <= $3 ORDER BY m.at DESC LIMIT $4`,
    [topicId, new Date(from).toISOString(), new Date(to).toISOString(), limit],
  );
  return rows.map((r) => ({
    callId: r.call_id, utteranceId: r.utterance_id, speaker: r.speaker ?? null, startMs: r.start_ms ?? null, text: r.text ?? null, at: iso(r.at),
  }));
}
