import type { Alert } from '../core/types.js';
import type { Queryable } from './db.js';
import { toAlert } from './alerts.js';
import { likePattern } from './cases.js';

// Plain ILIKE search: the same SQL on PGlite and PostgreSQL, good enough for
// the volumes one contact centre keeps online (a trigram index can back it on
// a PostgreSQL server later without changing these queries).

export interface TranscriptHit {
  callId: string;
  utteranceId: string;
  speaker: string;
  startMs: number;
  text: string;
  callStartedAt: string;
  customerId: string | null;
  agentId: string | null;
}

export async function searchTranscripts(q: Queryable, text: string, limit: number, agentId: string | null = null): Promise<{ items: TranscriptHit[]; total: number }> {
  const rows = await q.query(
    `SELECT u.call_id, u.id, u.speaker, u.start_ms, u.text, c.started_at, c.customer_id, c.agent_id, count(*) OVER () AS total
     FROM utterances u JOIN calls c ON c.id = u.call_id
     WHERE u.text ILIKE $1 AND ($3::text IS NULL OR c.agent_id = $3)
     ORDER BY c.started_at DESC, u.start_ms LIMIT $2`,
    [likePattern(text), limit, agentId],
  );
  return {
    items: rows.map((r) => ({
      callId: r.call_id, utteranceId: r.id, speaker: r.speaker, startMs: r.start_ms, text: r.text,
      callStartedAt: new Date(r.started_at).toISOString(), customerId: r.customer_id, agentId: r.agent_id,
    })),
    total: Number(rows[0]?.total ?? 0),
  };
}

export async function searchAlerts(q: Queryable, text: string, limit: number): Promise<{ items: (Alert & { customerId: string | null })[]; total: number }> {
  const p = likePattern(text);
  const rows = await q.query(
    `SELECT a.*, c.customer_id AS call_customer_id, count(*) OVER () AS total
     FROM alerts a JOIN calls c ON c.id = a.call_id
     WHERE a.match ILIKE $1 OR a.term ILIKE $1 OR a.explanation ILIKE $1 OR a.category ILIKE $1 OR a.rule_id ILIKE $1
        OR a.call_id ILIKE $1 OR c.customer_id ILIKE $1 OR a.context::text ILIKE $1
     ORDER BY a.created_at DESC LIMIT $2`,
    [p, limit],
  );
  return { items: rows.map((r) => ({ ...toAlert(r), customerId: r.call_customer_id })), total: Number(rows[0]?.total ?? 0) };
}
