import type { Queryable } from './db.js';

/** An entry of the ordered event log (SSE replay, delivery outbox). */
export interface StoredEvent {
  seq: number;
  type: string;
  subjectId: string;
  payload: unknown;
  createdAt: string;
}

export async function appendEvent(q: Queryable, type: string, subjectId: string, payload: unknown): Promise<StoredEvent> {
  const [r] = await q.query(
    'INSERT INTO events (type, subject_id, payload) VALUES ($1, $2, $3) RETURNING seq, created_at',
    [type, subjectId, JSON.stringify(payload)],
  );
  return { seq: r.seq, type, subjectId, payload, createdAt: new Date(r.created_at).toISOString() };
}

/** A call's new risk score, written together with the events of a fold. */
export interface RiskUpdate {
  callId: string;
  score: number;
  /** The call became escalated now (escalated_at is set once). */
  escalatedNow: boolean;
}

/**
 * Appends several events in one statement, in order (seq follows array order).
 * `risk` updates calls' risk scores in the same statement, so a fold's last
 * step is one round trip.
 */
export async function appendEvents(q: Queryable, events: { type: string; subjectId: string; payload: unknown }[], risk: RiskUpdate[] = []): Promise<StoredEvent[]> {
  if (events.length === 0 && risk.length === 0) return [];
  const rows = await q.query(
    `WITH risk AS (
       UPDATE calls c SET risk_score = u.score,
         escalated_at = CASE WHEN u.escalated_now THEN coalesce(c.escalated_at, now()) ELSE c.escalated_at END
       FROM unnest($4::text[], $5::int[], $6::boolean[]) AS u(id, score, escalated_now) WHERE c.id = u.id
     )
     INSERT INTO events (type, subject_id, payload)
     SELECT type, subject_id, payload FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS e(type, subject_id, payload, n)
     ORDER BY n RETURNING seq, created_at`,
    [events.map((e) => e.type), events.map((e) => e.subjectId), events.map((e) => JSON.stringify(e.payload)),
      risk.map((r) => r.callId), risk.map((r) => r.score), risk.map((r) => r.escalatedNow)],
  );
  // RETURNING order is not guaranteed; seqs were assigned in insertion order.
  const seqs = rows.map((r) => ({ seq: r.seq as number, createdAt: new Date(r.created_at).toISOString() })).sort((a, b) => a.seq - b.seq);
  return events.map((e, i) => ({ seq: seqs[i].seq, type: e.type, subjectId: e.subjectId, payload: e.payload, createdAt: seqs[i].createdAt }));
}

export async function eventsAfter(q: Queryable, seq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await q.query('SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
  return rows.map((r) => ({ seq: r.seq, type: r.type, subjectId: r.subject_id, payload: r.payload, createdAt: new Date(r.created_at).toISOString() }));
}

/** Events with after < seq ≤ upTo, in seq order (filling a gap a live stream noticed). */
export async function eventsBetween(q: Queryable, after: number, upTo: number): Promise<StoredEvent[]> {
  const rows = await q.query('SELECT * FROM events WHERE seq > $1 AND seq <= $2 ORDER BY seq', [after, upTo]);
  return rows.map((r) => ({ seq: r.seq, type: r.type, subjectId: r.subject_id, payload: r.payload, createdAt: new Date(r.created_at).toISOString() }));
}

export async function lastEventSeq(q: Queryable): Promise<number> {
  const [r] = await q.query('SELECT coalesce(max(seq), 0)::bigint AS seq FROM events');
  return r.seq;
}
