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

/**
 * Deletes up to `max` outbox events created before `cutoff` that the delivery
 * relay has passed and no pending or dead delivery still needs (a replay reads
 * its event). Returns how many went.
 */
export async function purgeRelayedEvents(q: Queryable, cutoff: string, max: number): Promise<number> {
  const [r] = await q.query(
    `WITH doomed AS (
       SELECT e.seq FROM events e
       WHERE e.created_at < $1
         AND e.seq <= (SELECT cursor_seq FROM delivery_relay WHERE id = 1)
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq AND d.status <> 'delivered')
       ORDER BY e.seq LIMIT $2
     ), gone AS (DELETE FROM events WHERE seq IN (SELECT seq FROM doomed) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [cutoff, max],
  );
  return r.n;
}
