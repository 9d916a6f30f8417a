import type {
  AlertRow, BriefingContent, BriefingInput, CallInfo, CallTotals, CaseRow, EarlyWarningRow, HitGroup, RepeatLinkRow,
} from '../analytics/briefing/types.js';
import type { Window } from '../analytics/briefing/time.js';
import { caseRef, OPEN_STATUSES } from '../vom/workflow.js';
import type { Queryable, Row } from './db.js';
import { isoTime as iso } from './rows.js';

// Everything the daily briefing reads, and the briefings it stores. Reads are
// plain rows (or sums SQL does better than JS, like talk time); the figures are
// computed by src/analytics/briefing/compute.ts.

const OPEN_SQL = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export interface InputWindows {
  day: string;
  timezone: string;
  window: Window;
  previousWindow: Window;
  weekWindow: Window;
  asOf: string;
}

/** Reads the rows of one briefing; `q` should be a transaction for a consistent picture. */
export async function readBriefingInput(q: Queryable, w: InputWindows): Promise<BriefingInput> {
  // One statement at a time: inside a transaction they share one connection.
  return {
    day: w.day, timezone: w.timezone, window: w.window, previousWindow: w.previousWindow, weekWindow: w.weekWindow, asOf: w.asOf,
    calls: { day: await callTotals(q, w.window), previousDay: await callTotals(q, w.previousWindow), weekBefore: await callTotals(q, w.weekWindow) },
    alerts: { day: await alertsIn(q, w.window), previousDay: await alertsIn(q, w.previousWindow), weekBefore: await alertsIn(q, w.weekWindow) },
    alertCalls: await callsOfAlerts(q, w.window),
    hits: await hitGroups(q, w.window),
    newCases: await casesCreated(q, w.window),
    openCases: await openCases(q, w.asOf),
    repeatLinks: await repeatLinks(q, w.window),
    earlyWarnings: await earlyWarnings(q, w.window),
  };
}

async function callTotals(q: Queryable, w: Window): Promise<CallTotals> {
  const [r] = await q.query(
    `SELECT count(*)::int AS count, count(*) FILTER (WHERE ended_at >= started_at)::int AS ended,
       coalesce(sum(floor(extract(epoch FROM (ended_at - started_at)))) FILTER (WHERE ended_at >= started_at), 0)::bigint AS talk
     FROM calls WHERE started_at >= $1 AND started_at < $2`,
    [w.from, w.to],
  );
  return { count: r!.count, ended: r!.ended, talkSeconds: Number(r!.talk) };
}

const toAlertRow = (r: Row): AlertRow => ({
  id: r.id, callId: r.call_id, ruleId: r.rule_id, category: r.category, severity: r.severity, status: r.status, hitCount: r.hit_count,
  speaker: r.speaker, startMs: r.start_ms, match: r.match, term: r.term, explanation: r.explanation, negated: r.negated, createdAt: iso(r.created_at),
});

async function alertsIn(q: Queryable, w: Window): Promise<AlertRow[]> {
  const rows = await q.query(
    `SELECT id, call_id, rule_id, category, severity, status, hit_count, speaker, start_ms, match, term, explanation, negated, created_at
     FROM alerts WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id`,
    [w.from, w.to],
  );
  return rows.map(toAlertRow);
}

async function callsOfAlerts(q: Queryable, w: Window): Promise<CallInfo[]> {
  const rows = await q.query(
    `SELECT c.id, c.customer_id, c.agent_id, c.started_at, c.risk_score, c.escalated_at FROM calls c
     WHERE c.id IN (SELECT call_id FROM alerts WHERE created_at >= $1 AND created_at < $2)`,
    [w.from, w.to],
  );
  return rows.map((r) => ({
    id: r.id, customerId: r.customer_id, agentId: r.agent_id, startedAt: iso(r.started_at), riskScore: r.risk_score, escalated: r.escalated_at !== null,
  }));
}

async function hitGroups(q: Queryable, w: Window): Promise<HitGroup[]> {
  const rows = await q.query(
    `SELECT rule_id, category, term, count(*)::int AS n, count(*) FILTER (WHERE negated)::int AS negated
     FROM hits WHERE created_at >= $1 AND created_at < $2 GROUP BY rule_id, category, term`,
    [w.from, w.to],
  );
  return rows.map((r) => ({ ruleId: r.rule_id, category: r.category, term: r.term, count: r.n, negated: r.negated }));
}

const CASE_COLUMNS = `k.id, k.number, k.title, k.category, k.severity, k.status, k.source, k.customer_id, u.display_name AS assignee_name,
  k.due_at, k.created_at, k.repeat_of, k.repeat_count`;

const toCaseRow = (r: Row): CaseRow => ({
  id: r.id, ref: caseRef(Number(r.number)), title: r.title, category: r.category, severity: r.severity, status: r.status, source: r.source,
  customerId: r.customer_id, assigneeName: r.assignee_name ?? null, dueAt: iso(r.due_at), createdAt: iso(r.created_at),
  repeatOf: r.repeat_of, repeatCount: r.repeat_count,
});

async function casesCreated(q: Queryable, w: Window): Promise<CaseRow[]> {
  const rows = await q.query(
    `SELECT ${CASE_COLUMNS} FROM cases k LEFT JOIN users u ON u.id = k.assignee_id
     WHERE k.created_at >= $1 AND k.created_at < $2 ORDER BY k.number`,
    [w.from, w.to],
  );
  return rows.map(toCaseRow);
}

async function openCases(q: Queryable, asOf: string): Promise<CaseRow[]> {
  const rows = await q.query(
    `SELECT ${CASE_COLUMNS} FROM cases k LEFT JOIN users u ON u.id = k.assignee_id
     WHERE k.status IN ${OPEN_SQL} AND k.created_at < $1 ORDER BY k.number`,
    [asOf],
  );
  return rows.map(toCaseRow);
}

async function repeatLinks(q: Queryable, w: Window): Promise<RepeatLinkRow[]> {
  const rows = await q.query(
    `SELECT l.case_id, k.number, k.customer_id, k.category, l.target_id, l.created_at
     FROM case_links l JOIN cases k ON k.id = l.case_id
     WHERE l.kind = 'call' AND l.repeat AND l.created_at >= $1 AND l.created_at < $2 ORDER BY l.created_at, l.case_id`,
    [w.from, w.to],
  );
  return rows.map((r) => ({
    caseId: r.case_id, caseRef: caseRef(Number(r.number)), customerId: r.customer_id, category: r.category, callId: r.target_id, at: iso(r.created_at),
  }));
}

/**
 * Early warnings raised in the window, or null while the table is missing:
 * early warning (migration 008) and the briefing land independently.
 */
async function earlyWarnings(q: Queryable, w: Window): Promise<EarlyWarningRow[] | null> {
  const [t] = await q.query(`SELECT to_regclass('early_warnings') IS NOT NULL AS present`);
  if (!t?.present) return null;
  const rows = await q.query(
    `SELECT id, topic_id, topic_label, raised_at, calls, baseline, status FROM early_warnings
     WHERE raised_at >= $1 AND raised_at < $2 ORDER BY raised_at, id`,
    [w.from, w.to],
  );
  return rows.map((r) => ({
    id: String(r.id), topicId: String(r.topic_id), topicLabel: r.topic_label, raisedAt: iso(r.raised_at),
    calls: Number(r.calls), baseline: Number(r.baseline), status: r.status,
  }));
}

// ---- stored briefings ----

export type BriefingTrigger = 'schedule' | 'catch_up' | 'manual';

export interface BriefingMeta {
  day: string;
  version: number;
  timezone: string;
  periodStart: string;
  periodEnd: string;
  asOf: string;
  trigger: BriefingTrigger;
  generatedBy: string;
  generatedAt: string;
  eventSeq: number | null;
}

export interface StoredBriefing extends BriefingMeta {
  content: BriefingContent;
}

const dayText = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

const toMeta = (r: Row): BriefingMeta => ({
  day: dayText(r.day), version: r.version, timezone: r.timezone, periodStart: iso(r.period_start), periodEnd: iso(r.period_end),
  asOf: iso(r.as_of), trigger: r.trigger, generatedBy: r.generated_by, generatedAt: iso(r.generated_at), eventSeq: r.event_seq === null ? null : Number(r.event_seq),
});

// `day::text` so neither driver turns the date into a local-midnight Date object.
const META_COLUMNS = `day::text AS day, version, timezone, period_start, period_end, as_of, trigger, generated_by, generated_at, event_seq`;

export async function getBriefing(q: Queryable, day: string, forUpdate = false): Promise<StoredBriefing | null> {
  const rows = await q.query(`SELECT ${META_COLUMNS}, content FROM briefings WHERE day = $1${forUpdate ? ' FOR UPDATE' : ''}`, [day]);
  return rows[0] ? { ...toMeta(rows[0]), content: rows[0].content } : null;
}

export async function briefingExists(q: Queryable, day: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM briefings WHERE day = $1', [day])).length > 0;
}

export interface BriefingListItem extends BriefingMeta {
  /** A few headline numbers from the content, for the list. */
  headline: { calls: number; alerts: number; newCases: number; openCases: number; slaBreaches: number; repeats: number; partial: boolean };
}

export async function listBriefings(q: Queryable, f: { limit: number; before?: string }): Promise<BriefingListItem[]> {
  const rows = await q.query(
    `SELECT ${META_COLUMNS},
       (content #>> '{calls,monitored,count}')::int AS calls, (content #>> '{alerts,total,count}')::int AS alerts,
       (content #>> '{cases,newCount}')::int AS new_cases, (content #>> '{cases,openTotal}')::int AS open_cases,
       (content #>> '{cases,slaBreachCount}')::int AS sla, (content #>> '{repeats,count}')::int AS repeats,
       (content ->> 'partial')::boolean AS partial
     FROM briefings WHERE ($2::date IS NULL OR day < $2) ORDER BY day DESC LIMIT $1`,
    [f.limit, f.before ?? null],
  );
  return rows.map((r) => ({
    ...toMeta(r),
    headline: { calls: r.calls, alerts: r.alerts, newCases: r.new_cases, openCases: r.open_cases, slaBreaches: r.sla, repeats: r.repeats, partial: r.partial === true },
  }));
}

export interface BriefingWrite {
  day: string;
  timezone: string;
  window: Window;
  asOf: string;
  content: BriefingContent;
  trigger: BriefingTrigger;
  generatedBy: string;
}

/**
 * Inserts the day's first version; when the day exists, `replace` decides:
 * true bumps the version and replaces the content, false leaves it (null).
 */
export async function saveBriefing(q: Queryable, b: BriefingWrite, replace: boolean): Promise<BriefingMeta | null> {
  const onConflict = replace
    ? `ON CONFLICT (day) DO UPDATE SET version = briefings.version + 1, timezone = EXCLUDED.timezone, period_start = EXCLUDED.period_start,
         period_end = EXCLUDED.period_end, as_of = EXCLUDED.as_of, content = EXCLUDED.content, trigger = EXCLUDED.trigger,
         generated_by = EXCLUDED.generated_by, generated_at = now(), event_seq = NULL`
    : 'ON CONFLICT (day) DO NOTHING';
  const rows = await q.query(
    `INSERT INTO briefings (day, timezone, period_start, period_end, as_of, content, trigger, generated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ${onConflict} RETURNING ${META_COLUMNS}`,
    [b.day, b.timezone, b.window.from, b.window.to, b.asOf, JSON.stringify(b.content), b.trigger, b.generatedBy],
  );
  return rows[0] ? toMeta(rows[0]) : null;
}

export async function setEventSeq(q: Queryable, day: string, seq: number): Promise<void> {
  await q.query('UPDATE briefings SET event_seq = $2 WHERE day = $1', [day, seq]);
}
