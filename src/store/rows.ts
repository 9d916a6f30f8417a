import type { Actor } from './audit.js';
import type { Queryable } from './db.js';

// Reading rows the same way on PGlite and a PostgreSQL server: timestamps come
// back as Date objects (or strings), JSON columns as objects (or strings).

/** A timestamp column as ISO-8601 UTC. */
export const isoTime = (v: unknown): string => new Date(v as string).toISOString();

/** A nullable timestamp column as ISO-8601 UTC, or null. */
export const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : isoTime(v));

/** A JSON column (json or jsonb, or text holding JSON). */
export const jsonValue = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * One entry of a record's history (a case's, a board post's): who did what, when.
 * The history tables share the columns (id, <owner>, at, actor_id, actor_name,
 * type, details).
 */
export interface HistoryEvent {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string;
  type: string;
  details: Record<string, unknown>;
}

/** The history tables and the column naming their owner (fixed names, never user input). */
const HISTORY = { case_events: 'case_id', vos_post_events: 'post_id' } as const;
export type HistoryTable = keyof typeof HISTORY;

export async function appendHistory(q: Queryable, table: HistoryTable, ownerId: string, actor: Actor, type: string, details: Record<string, unknown> = {}): Promise<void> {
  await q.query(
    `INSERT INTO ${table} (${HISTORY[table]}, actor_id, actor_name, type, details) VALUES ($1, $2, $3, $4, $5)`,
    [ownerId, actor.id, actor.name, type, JSON.stringify(details)],
  );
}

export async function listHistory(q: Queryable, table: HistoryTable, ownerId: string): Promise<HistoryEvent[]> {
  const rows = await q.query(`SELECT * FROM ${table} WHERE ${HISTORY[table]} = $1 ORDER BY id`, [ownerId]);
  return rows.map((r) => ({
    id: Number(r.id), at: isoTime(r.at), actorId: r.actor_id, actorName: r.actor_name, type: r.type, details: jsonValue<Record<string, unknown>>(r.details) ?? {},
  }));
}

/** The tables of file imports that run as jobs (fixed names, never user input). */
export type ImportTable = 'statistics_imports' | 'dataset_imports';

/**
 * Imports still 'running' long after they began were cut off by a stopped
 * server: their transaction rolled back, so nothing of them is stored. Say so,
 * instead of showing them running for ever. Returns how many were marked.
 */
export async function failStaleImports(q: Queryable, table: ImportTable, olderThanMinutes: number): Promise<number> {
  const rows = await q.query(
    `UPDATE ${table} SET status = 'failed', finished_at = now(),
       message = 'Interrupted: the server stopped before the import finished; nothing of it was stored. Import the file again.'
     WHERE status = 'running' AND created_at < now() - make_interval(mins => $1) RETURNING id`,
    [olderThanMinutes],
  );
  return rows.length;
}
