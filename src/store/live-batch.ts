import type { Queryable, Row } from './db.js';

// The write of a batch of final utterances that raised hits, as one statement:
// utterances stored (re-sent ids ignored), hits stored, alerting hits folded
// into their calls' alerts, the calls' risk scores set and the events appended
// — only for the utterances this statement actually stored. One statement is
// atomic on its own, so an alert costs one round trip like any other
// utterance: no BEGIN/COMMIT, no round trip per step.

export interface LiveUtteranceRow {
  callId: string;
  id: string;
  speaker: string;
  startMs: number;
  endMs: number;
  text: string;
  redactions: unknown[];
}

export interface LiveHitRow {
  callId: string;
  utteranceId: string;
  alerting: boolean;
  ruleId: string;
  ruleSetVersion: number;
  category: string;
  severity: number;
  speaker: string;
  start: number;
  end: number;
  match: string;
  term: string;
  distance: number;
  negated: boolean;
  startMs: number;
  explanation: string;
}

/** One call and rule's fold: the first alerting hit of the rule in the utterance, and how many there were. */
export interface LiveFoldRow {
  /** Id for a new alert (ignored when the call already has one for the rule). */
  newAlertId: string;
  hit: LiveHitRow;
  count: number;
  context: unknown[];
  /** Event order within the batch. */
  ord: number;
  /** Added to the event payload next to `alert` (the call's risk, the trigger). */
  extra: Record<string, unknown>;
}

export interface LiveRiskRow {
  callId: string;
  utteranceId: string;
  score: number;
  escalatedNow: boolean;
}

/** An event whose payload is known before the statement (call escalation). */
export interface LiveEventRow {
  callId: string;
  utteranceId: string;
  ord: number;
  type: string;
  subjectId: string;
  payload: unknown;
}

export interface LiveBatchResult {
  /** `callId\0utteranceId` of the utterances stored by this statement. */
  stored: { callId: string; id: string }[];
  /** Appended events in seq order; alert payloads are built by the database from the folded row. */
  events: { seq: number; type: string; subjectId: string; payload: any; createdAt: string }[];
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', ${ISO})`;

/** The alert as the API shows it (store/alerts.ts toAlert), built from a folded row. */
const ALERT_JSON = `jsonb_build_object(
  'id', f.id, 'callId', f.call_id, 'ruleId', f.rule_id, 'category', f.category, 'severity', f.severity,
  'status', f.status, 'statusReason', f.status_reason, 'caseId', f.case_id, 'hitCount', f.hit_count,
  'firstHitAt', ${iso('f.first_hit_at')}, 'lastHitAt', ${iso('f.last_hit_at')}, 'speaker', f.speaker, 'startMs', f.start_ms,
  'utteranceId', f.utterance_id, 'match', f.match, 'term', f.term, 'explanation', f.explanation, 'negated', f.negated,
  'context', f.context, 'createdAt', ${iso('f.created_at')}, 'updatedAt', ${iso('f.updated_at')})`;

const STORED = (alias: string, callCol: string, uttCol: string) =>
  `EXISTS (SELECT 1 FROM ins WHERE ins.call_id = ${alias}.${callCol} AND ins.id = ${alias}.${uttCol})`;

const SQL = `
WITH ins AS (
  INSERT INTO utterances (call_id, id, speaker, start_ms, end_ms, text, redactions)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::jsonb[])
  ON CONFLICT (call_id, id) DO NOTHING RETURNING call_id, id
), fold_in AS (
  SELECT * FROM unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::smallint[], $13::text[], $14::int[], $15::text[],
    $16::text[], $17::text[], $18::text[], $19::jsonb[], $20::int[], $21::int[], $22::jsonb[])
    AS h(id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, context, n, ord, extra)
), folded AS (
  INSERT INTO alerts (id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, negated, context, hit_count)
  SELECT id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, false, context, n
  FROM fold_in h WHERE ${STORED('h', 'call_id', 'utterance_id')}
  ON CONFLICT (call_id, rule_id) DO UPDATE SET hit_count = alerts.hit_count + excluded.hit_count, last_hit_at = now(), updated_at = now(),
    severity = greatest(alerts.severity, excluded.severity)
  RETURNING *, (xmax = 0) AS inserted
), stored_hits AS (
  INSERT INTO hits (call_id, utterance_id, alert_id, rule_id, rule_set_version, category, severity, speaker,
    span_start, span_end, match, term, distance, negated, start_ms, explanation)
  SELECT x.call_id, x.utterance_id, folded.id, x.rule_id, x.rule_set_version, x.category, x.severity, x.speaker,
    x.span_start, x.span_end, x.match, x.term, x.distance, x.negated, x.start_ms, x.explanation
  FROM unnest($23::text[], $24::text[], $25::boolean[], $26::text[], $27::int[], $28::text[], $29::smallint[], $30::text[],
    $31::int[], $32::int[], $33::text[], $34::text[], $35::real[], $36::boolean[], $37::int[], $38::text[])
    AS x(call_id, utterance_id, alerting, rule_id, rule_set_version, category, severity, speaker,
      span_start, span_end, match, term, distance, negated, start_ms, explanation)
  LEFT JOIN folded ON x.alerting AND folded.call_id = x.call_id AND folded.rule_id = x.rule_id
  WHERE ${STORED('x', 'call_id', 'utterance_id')}
  ON CONFLICT (call_id, utterance_id, rule_id, span_start) DO NOTHING
), risk AS (
  UPDATE calls c SET risk_score = u.score,
    escalated_at = CASE WHEN u.escalated_now THEN coalesce(c.escalated_at, now()) ELSE c.escalated_at END
  FROM unnest($39::text[], $40::text[], $41::int[], $42::boolean[]) AS u(call_id, utterance_id, score, escalated_now)
  WHERE c.id = u.call_id AND ${STORED('u', 'call_id', 'utterance_id')}
), ev AS (
  INSERT INTO events (type, subject_id, payload)
  SELECT type, subject_id, payload FROM (
    SELECT h.ord, CASE WHEN f.inserted THEN 'alert.created' ELSE 'alert.updated' END AS type, f.id AS subject_id,
      jsonb_build_object('alert', ${ALERT_JSON}) || h.extra AS payload
    FROM folded f JOIN fold_in h ON h.call_id = f.call_id AND h.rule_id = f.rule_id
    UNION ALL
    SELECT e.ord, e.type, e.subject_id, e.payload
    FROM unnest($43::text[], $44::text[], $45::int[], $46::text[], $47::text[], $48::jsonb[]) AS e(call_id, utterance_id, ord, type, subject_id, payload)
    WHERE ${STORED('e', 'call_id', 'utterance_id')}
  ) batch_events ORDER BY ord
  RETURNING seq, type, subject_id, payload, created_at
)
SELECT 'u' AS kind, call_id, id, NULL::bigint AS seq, NULL::text AS type, NULL::jsonb AS payload, NULL::timestamptz AS created_at FROM ins
UNION ALL
SELECT 'e', subject_id, NULL, seq, type, payload, created_at FROM ev`;

export async function writeLiveBatch(q: Queryable, b: {
  utterances: LiveUtteranceRow[]; folds: LiveFoldRow[]; hits: LiveHitRow[]; risk: LiveRiskRow[]; events: LiveEventRow[];
}): Promise<LiveBatchResult> {
  const u = b.utterances;
  const f = b.folds;
  const h = b.hits;
  const rows: Row[] = await q.query(SQL, [
    u.map((x) => x.callId), u.map((x) => x.id), u.map((x) => x.speaker), u.map((x) => x.startMs), u.map((x) => x.endMs),
    u.map((x) => x.text), u.map((x) => JSON.stringify(x.redactions)),
    f.map((x) => x.newAlertId), f.map((x) => x.hit.callId), f.map((x) => x.hit.ruleId), f.map((x) => x.hit.category), f.map((x) => x.hit.severity),
    f.map((x) => x.hit.speaker), f.map((x) => x.hit.startMs), f.map((x) => x.hit.utteranceId), f.map((x) => x.hit.match), f.map((x) => x.hit.term),
    f.map((x) => x.hit.explanation), f.map((x) => JSON.stringify(x.context)), f.map((x) => x.count), f.map((x) => x.ord), f.map((x) => JSON.stringify(x.extra)),
    h.map((x) => x.callId), h.map((x) => x.utteranceId), h.map((x) => x.alerting), h.map((x) => x.ruleId), h.map((x) => x.ruleSetVersion),
    h.map((x) => x.category), h.map((x) => x.severity), h.map((x) => x.speaker), h.map((x) => x.start), h.map((x) => x.end),
    h.map((x) => x.match), h.map((x) => x.term), h.map((x) => x.distance), h.map((x) => x.negated), h.map((x) => x.startMs), h.map((x) => x.explanation),
    b.risk.map((x) => x.callId), b.risk.map((x) => x.utteranceId), b.risk.map((x) => x.score), b.risk.map((x) => x.escalatedNow),
    b.events.map((x) => x.callId), b.events.map((x) => x.utteranceId), b.events.map((x) => x.ord), b.events.map((x) => x.type),
    b.events.map((x) => x.subjectId), b.events.map((x) => JSON.stringify(x.payload)),
  ]);
  const stored: LiveBatchResult['stored'] = [];
  const events: LiveBatchResult['events'] = [];
  for (const r of rows) {
    if (r.kind === 'u') stored.push({ callId: r.call_id, id: r.id });
    else events.push({ seq: Number(r.seq), type: r.type, subjectId: r.call_id, payload: r.payload, createdAt: new Date(r.created_at).toISOString() });
  }
  events.sort((a, b) => a.seq - b.seq);
  return { stored, events };
}
