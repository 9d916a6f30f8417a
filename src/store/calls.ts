import type { CallInfo, Speaker } from '../core/types.js';
import type { Queryable, Row } from './db.js';

export interface StoredCall extends CallInfo {
  riskScore: number;
}

export interface StoredUtterance {
  id: string;
  callId: string;
  seq: number;
  speaker: Speaker;
  startMs: number;
  endMs: number;
  text: string;
  redactions: { kind: string; start: number; end: number }[];
  createdAt: string;
}

const toCall = (r: Row): StoredCall => ({
  id: r.id,
  customerId: r.customer_id,
  agentId: r.agent_id,
  startedAt: new Date(r.started_at).toISOString(),
  endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
  source: r.source,
  metadata: r.metadata ?? {},
  riskScore: r.risk_score,
});

export const toUtterance = (r: Row): StoredUtterance => ({
  id: r.id,
  callId: r.call_id,
  seq: r.seq,
  speaker: r.speaker,
  startMs: r.start_ms,
  endMs: r.end_ms,
  text: r.text,
  redactions: r.redactions ?? [],
  createdAt: new Date(r.created_at).toISOString(),
});

/** Inserts the call unless its id exists; returns the stored call and whether it is new. */
export async function upsertCall(
  q: Queryable,
  c: { id: string; customerId: string | null; agentId: string | null; startedAt: string | null; source: string; metadata: Record<string, unknown> },
): Promise<{ call: StoredCall; created: boolean }> {
  const rows = await q.query(
    `INSERT INTO calls (id, customer_id, agent_id, started_at, source, metadata)
     VALUES ($1, $2, $3, coalesce($4::timestamptz, now()), $5, $6) ON CONFLICT (id) DO NOTHING RETURNING *`,
    [c.id, c.customerId, c.agentId, c.startedAt, c.source, JSON.stringify(c.metadata)],
  );
  if (rows[0]) return { call: toCall(rows[0]), created: true };
  const existing = await getCall(q, c.id);
  return { call: existing!, created: false };
}

export async function getCall(q: Queryable, id: string): Promise<StoredCall | null> {
  const rows = await q.query('SELECT * FROM calls WHERE id = $1', [id]);
  return rows[0] ? toCall(rows[0]) : null;
}

export async function markCallEnded(q: Queryable, id: string): Promise<StoredCall | null> {
  const rows = await q.query('UPDATE calls SET ended_at = coalesce(ended_at, now()) WHERE id = $1 RETURNING *', [id]);
  return rows[0] ? toCall(rows[0]) : null;
}

/** Sets a call's risk score (and escalation time, once). */
export async function setRiskScore(q: Queryable, id: string, score: number, escalatedNow = false): Promise<void> {
  await q.query(
    'UPDATE calls SET risk_score = $2, escalated_at = CASE WHEN $3 THEN coalesce(escalated_at, now()) ELSE escalated_at END WHERE id = $1',
    [id, score, escalatedNow],
  );
}

export interface CallFilter {
  limit: number;
  offset?: number;
  customerId?: string;
  agentId?: string;
  from?: string;
  to?: string;
  active?: boolean;
}

export async function listCalls(q: Queryable, f: CallFilter): Promise<StoredCall[]> {
  const rows = await q.query(
    `SELECT * FROM calls
     WHERE ($3::text IS NULL OR customer_id = $3) AND ($4::text IS NULL OR agent_id = $4)
       AND ($5::timestamptz IS NULL OR started_at >= $5) AND ($6::timestamptz IS NULL OR started_at < $6)
       AND ($7::boolean IS NULL OR (ended_at IS NULL) = $7)
     ORDER BY started_at DESC, id LIMIT $1 OFFSET $2`,
    [f.limit, f.offset ?? 0, f.customerId ?? null, f.agentId ?? null, f.from ?? null, f.to ?? null, f.active ?? null],
  );
  return rows.map(toCall);
}



export async function listUtterances(q: Queryable, callId: string): Promise<StoredUtterance[]> {
  const rows = await q.query('SELECT * FROM utterances WHERE call_id = $1 ORDER BY start_ms, seq', [callId]);
  return rows.map(toUtterance);
}

/** The last `n` utterances of a call, oldest first (to rebuild context after a restart). */
export async function recentUtterances(q: Queryable, callId: string, n: number): Promise<StoredUtterance[]> {
  const rows = await q.query('SELECT * FROM utterances WHERE call_id = $1 ORDER BY start_ms DESC, seq DESC LIMIT $2', [callId, n]);
  return rows.map(toUtterance).reverse();
}

/** Earlier calls of a customer within `days` before `before`, with the categories that alerted. */
export async function priorContacts(
  q: Queryable,
  customerId: string,
  beforeCallId: string,
  before: string,
  days: number,
): Promise<{ callId: string; at: string; categories: string[] }[]> {
  const rows = await q.query(
    `SELECT c.id, c.started_at, coalesce(array_agg(DISTINCT a.category) FILTER (WHERE a.category IS NOT NULL), '{}') AS categories
     FROM calls c LEFT JOIN alerts a ON a.call_id = c.id AND a.status <> 'false_positive'
     WHERE c.customer_id = $1 AND c.id <> $2 AND c.started_at < $3::timestamptz
       AND c.started_at >= $3::timestamptz - make_interval(days => $4)
     GROUP BY c.id, c.started_at ORDER BY c.started_at`,
    [customerId, beforeCallId, before, days],
  );
  return rows.map((r) => ({ callId: r.id, at: new Date(r.started_at).toISOString(), categories: r.categories }));
}

export interface StreamedUtterance {
  utterance: StoredUtterance;
  call: { id: string; customerId: string | null; startedAt: string };
}

/**
 * Final utterances of calls started in [from, to), call by call (calls in
 * start-time order, each call's utterances in time order), read in pages so a
 * million rows never sit in memory at once.
 *
 * Pages are taken over calls, not utterances: a keyset page of calls on
 * calls_started, then their utterances by call id on utterances_call_time.
 * (A keyset over the utterances joined to calls made every page hash-join and
 * sort everything after it: quadratic, 150 s for a million rows on PGlite.)
 * `pageSize` is the number of utterances aimed for per page.
 */
export async function* streamUtterances(
  q: Queryable,
  range: { from: string; to: string },
  pageSize = 20_000,
): AsyncGenerator<StreamedUtterance> {
  // Size the call pages from the average call length, so pages hold about pageSize utterances.
  const [stats] = await q.query(
    `SELECT count(*)::int AS calls, (SELECT count(*)::int FROM utterances u JOIN calls c ON c.id = u.call_id
       WHERE c.started_at >= $1 AND c.started_at < $2) AS utterances
     FROM calls WHERE started_at >= $1 AND started_at < $2`,
    [range.from, range.to],
  );
  if (!stats || stats.calls === 0) return;
  const perCall = Math.max(1, stats.utterances / stats.calls);
  const callsPerPage = Math.max(1, Math.floor(pageSize / perCall));
  let after: [string, string] | null = null;
  for (;;) {
    const page: Row[] = after
      ? await q.query(
        `SELECT id, customer_id, started_at, started_at::text AS start_key FROM calls
         WHERE started_at >= $1 AND started_at < $2 AND (started_at, id) > ($3::timestamptz, $4)
         ORDER BY started_at, id LIMIT $5`,
        [range.from, range.to, after[0], after[1], callsPerPage],
      )
      : await q.query(
        `SELECT id, customer_id, started_at, started_at::text AS start_key FROM calls WHERE started_at >= $1 AND started_at < $2
         ORDER BY started_at, id LIMIT $3`,
        [range.from, range.to, callsPerPage],
      );
    if (page.length === 0) return;
    // One row per call with its utterances as one JSON text: far fewer result rows to decode.
    const rows = await q.query(
      `SELECT call_id, json_agg(json_build_array(id, seq, speaker, start_ms, end_ms, text) ORDER BY start_ms, seq)::text AS us
       FROM utterances WHERE call_id = ANY($1::text[]) GROUP BY call_id`,
      [page.map((c) => c.id)],
    );
    const byCall = new Map<string, string>();
    for (const r of rows) byCall.set(r.call_id, r.us);
    for (const c of page) {
      const us = byCall.get(c.id);
      if (!us) continue;
      const call = { id: c.id as string, customerId: c.customer_id as string | null, startedAt: new Date(c.started_at).toISOString() };
      for (const [id, seq, speaker, startMs, endMs, text] of JSON.parse(us) as [string, number, Speaker, number, number, string][]) {
        yield { utterance: { id, callId: call.id, seq, speaker, startMs, endMs, text, redactions: [], createdAt: '' }, call };
      }
    }
    if (page.length < callsPerPage) return;
    // The key as text keeps microseconds (a Date would round them and repeat calls).
    const last = page[page.length - 1];
    after = [last.start_key, last.id];
  }
}

/**
 * Stores several final utterances in one statement; returns the keys
 * (`callId \u0000 id`) of those that were new (the rest were already stored).
 */
export async function insertUtterances(
  q: Queryable,
  us: { id: string; callId: string; speaker: Speaker; startMs: number; endMs: number; text: string; redactions: unknown[] }[],
): Promise<Set<string>> {
  if (us.length === 0) return new Set();
  const rows = await q.query(
    `INSERT INTO utterances (call_id, id, speaker, start_ms, end_ms, text, redactions)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::jsonb[])
     ON CONFLICT (call_id, id) DO NOTHING RETURNING call_id, id`,
    [us.map((u) => u.callId), us.map((u) => u.id), us.map((u) => u.speaker), us.map((u) => u.startMs), us.map((u) => u.endMs),
      us.map((u) => u.text), us.map((u) => JSON.stringify(u.redactions))],
  );
  return new Set(rows.map((r) => utteranceKey(r.call_id, r.id)));
}

export const utteranceKey = (callId: string, id: string) => `${callId}\u0000${id}`;
