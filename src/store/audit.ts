import type { Queryable } from './db.js';

export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

export interface Actor {
  id: string | null;
  name: string;
}

// There is deliberately no update or delete here; the table's trigger refuses both.
export async function appendAudit(
  q: Queryable,
  actor: Actor,
  action: string,
  target: { type: string; id?: string | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  await q.query(
    'INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5, $6)',
    [actor.id, actor.name, action, target.type, target.id ?? null, JSON.stringify(details)],
  );
}

export async function listAudit(
  q: Queryable,
  f: { limit: number; before?: number; action?: string; actorId?: string },
): Promise<AuditEntry[]> {
  const rows = await q.query(
    `SELECT * FROM audit_log
     WHERE ($2::bigint IS NULL OR id < $2) AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR actor_id = $4)
     ORDER BY id DESC LIMIT $1`,
    [f.limit, f.before ?? null, f.action ?? null, f.actorId ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: r.details,
  }));
}
