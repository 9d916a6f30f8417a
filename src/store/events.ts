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

/** Appends several events in one statement, in order (seq follows array order). */
export async function appendEvents(q: Queryable, events: { type: string; subjectId: string; payload: unknown }[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const rows = await q.query(
    `INSERT INTO events (type, subject_id, payload)
     SELECT type, subject_id, payload FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS e(type, subject_id, payload, n)
     ORDER BY n RETURNING seq, created_at`,
    [events.map((e) => e.type), events.map((e) => e.subjectId), events.map((e) => JSON.stringify(e.payload))],
  );
  // RETURNING order is not guaranteed; seqs were assigned in insertion order.
  const seqs = rows.map((r) => ({ seq: r.seq as number, createdAt: new Date(r.created_at).toISOString() })).sort((a, b) => a.seq - b.seq);
  return events.map((e, i) => ({ seq: seqs[i].seq, type: e.type, subjectId: e.subjectId, payload: e.payload, createdAt: seqs[i].createdAt }));
}

export async function eventsAfter(q: Queryable, seq: number, limit: number): Promise<StoredEvent[]> {
  const rows = await q.query('SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
  return rows.map((r) => ({ seq: r.seq, type: r.type, subjectId: r.subject_id, payload: r.payload, createdAt: new Date(r.created_at).toISOString() }));
}

export async function lastEventSeq(q: Queryable): Promise<number> {
  const [r] = await q.query('SELECT coalesce(max(seq), 0)::bigint AS seq FROM events');
  return r.seq;
}
