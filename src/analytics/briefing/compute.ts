import { minutesOfDay } from './time.js';
import type {
  AlertRow, BriefCase, BriefingContent, BriefingInput, CaseRow, Compared, ComputeOptions, RepeatItem, SlaBreach, TopCall,
} from './types.js';

// The daily briefing's figures: a pure function of the rows one store module
// reads (src/store/briefings.ts). Every rule that decides what a figure counts
// lives here, so the tests can pin each one on seeded data.

/** Statuses still being worked (not resolved, closed or rejected), in workflow order. */
const OPEN_STATUSES = ['received', 'assigned', 'in_progress'] as const;
const HIGH_SEVERITY = 4;
const HOUR_MS = 3_600_000;

export function computeBriefing(input: BriefingInput, opts: ComputeOptions): BriefingContent {
  const asOf = Date.parse(input.asOf);
  return {
    schema: 1,
    day: input.day,
    timezone: input.timezone,
    window: input.window,
    asOf: input.asOf,
    partial: asOf < Date.parse(input.window.to),
    calls: callFigures(input),
    alerts: alertFigures(input),
    topCalls: topCalls(input, opts.top),
    cases: caseFigures(input, asOf, opts.top),
    repeats: repeatFigures(input),
    earlyWarnings: {
      available: input.earlyWarnings !== null,
      count: input.earlyWarnings?.length ?? 0,
      items: [...(input.earlyWarnings ?? [])].sort((a, b) => b.calls - a.calls || a.raisedAt.localeCompare(b.raisedAt)),
    },
    topRules: topRules(input, opts.top),
    topPhrases: topPhrases(input, opts.top),
  };
}

function callFigures(input: BriefingInput): BriefingContent['calls'] {
  const { day, previousDay, weekBefore } = input.calls;
  const known = day.ended > 0;
  return {
    monitored: { count: day.count, previousDay: previousDay.count, weekBefore: weekBefore.count },
    ended: day.ended,
    talkSeconds: known ? day.talkSeconds : null,
    averageTalkSeconds: known ? Math.round(day.talkSeconds / day.ended) : null,
  };
}

const compared = (pick: (rows: AlertRow[]) => number, a: BriefingInput['alerts']): Compared => ({
  count: pick(a.day), previousDay: pick(a.previousDay), weekBefore: pick(a.weekBefore),
});

function alertFigures(input: BriefingInput): BriefingContent['alerts'] {
  const a = input.alerts;
  const categories = [...new Set([...a.day, ...a.previousDay, ...a.weekBefore].map((r) => r.category))];
  const byCategory = categories
    .map((category) => ({ category, ...compared((rows) => rows.filter((r) => r.category === category).length, a) }))
    .sort((x, y) => y.count - x.count || y.previousDay - x.previousDay || x.category.localeCompare(y.category));
  const bySeverity = [5, 4, 3, 2, 1].map((severity) => ({ severity, ...compared((rows) => rows.filter((r) => r.severity === severity).length, a) }));
  const byHour = new Array<number>(24).fill(0);
  for (const r of a.day) byHour[Math.floor(minutesOfDay(new Date(r.createdAt), input.timezone) / 60)]! += 1;
  return {
    total: compared((rows) => rows.length, a),
    highSeverity: compared((rows) => rows.filter((r) => r.severity >= HIGH_SEVERITY).length, a),
    falsePositives: a.day.filter((r) => r.status === 'false_positive').length,
    escalated: a.day.filter((r) => r.status === 'escalated').length,
    byCategory,
    bySeverity,
    byHour,
  };
}

/**
 * Calls ranked by what an officer should look at first: the worst alert,
 * then how many alerts, then the call's risk score. False positives are left
 * out: someone already decided they are nothing.
 */
function topCalls(input: BriefingInput, top: number): TopCall[] {
  const info = new Map(input.alertCalls.map((c) => [c.id, c]));
  const byCall = new Map<string, AlertRow[]>();
  for (const r of input.alerts.day) {
    if (r.status === 'false_positive') continue;
    byCall.set(r.callId, [...(byCall.get(r.callId) ?? []), r]);
  }
  const calls: TopCall[] = [...byCall].map(([callId, rows]) => {
    const c = info.get(callId);
    const sorted = [...rows].sort((x, y) => y.severity - x.severity || x.startMs - y.startMs || x.id.localeCompare(y.id));
    return {
      callId,
      customerId: c?.customerId ?? null,
      agentId: c?.agentId ?? null,
      startedAt: c?.startedAt ?? null,
      riskScore: c?.riskScore ?? 0,
      escalated: c?.escalated ?? false,
      maxSeverity: sorted[0]!.severity,
      alertCount: rows.length,
      categories: [...new Set(sorted.map((r) => r.category))],
      alerts: sorted.map((r) => ({
        alertId: r.id, ruleId: r.ruleId, category: r.category, severity: r.severity, status: r.status, speaker: r.speaker,
        startMs: r.startMs, match: r.match, term: r.term, explanation: r.explanation, negated: r.negated,
      })),
    };
  });
  return calls
    .sort((x, y) => y.maxSeverity - x.maxSeverity || y.alertCount - x.alertCount || y.riskScore - x.riskScore || x.callId.localeCompare(y.callId))
    .slice(0, top);
}

const briefCase = (c: CaseRow): BriefCase => ({
  id: c.id, ref: c.ref, title: c.title, category: c.category, severity: c.severity, status: c.status,
  customerId: c.customerId, assigneeName: c.assigneeName, dueAt: c.dueAt,
});

function caseFigures(input: BriefingInput, asOf: number, top: number): BriefingContent['cases'] {
  const open = input.openCases.filter((c) => (OPEN_STATUSES as readonly string[]).includes(c.status));
  const breaches: SlaBreach[] = open
    .filter((c) => Date.parse(c.dueAt) < asOf)
    .map((c) => ({ ...briefCase(c), hoursOverdue: Math.floor((asOf - Date.parse(c.dueAt)) / HOUR_MS) }))
    .sort((a, b) => b.hoursOverdue - a.hoursOverdue || b.severity - a.severity || a.ref.localeCompare(b.ref));
  const newCases = [...input.newCases].sort((a, b) => b.severity - a.severity || a.createdAt.localeCompare(b.createdAt));
  return {
    new: newCases.slice(0, Math.max(top, 20)).map(briefCase),
    newCount: input.newCases.length,
    openTotal: open.length,
    openByStatus: OPEN_STATUSES.map((status) => ({ status, count: open.filter((c) => c.status === status).length })),
    slaBreaches: breaches.slice(0, Math.max(top, 20)),
    slaBreachCount: breaches.length,
  };
}

/**
 * Repeat complaints (반복 민원) of the day: each later contact folded into an
 * open case, and each new case opened as the repeat of a finished one.
 */
function repeatFigures(input: BriefingInput): BriefingContent['repeats'] {
  const contacts: RepeatItem[] = input.repeatLinks.map((l) => ({
    kind: 'contact', caseId: l.caseId, caseRef: l.caseRef, customerId: l.customerId, category: l.category, callId: l.callId, at: l.at,
  }));
  const reopened: RepeatItem[] = input.newCases.filter((c) => c.repeatOf !== null).map((c) => ({
    kind: 'new_case', caseId: c.id, caseRef: c.ref, customerId: c.customerId, category: c.category, callId: null, at: c.createdAt,
  }));
  const items = [...contacts, ...reopened].sort((a, b) => a.at.localeCompare(b.at) || a.caseRef.localeCompare(b.caseRef));
  return { count: items.length, items };
}

function topRules(input: BriefingInput, top: number): BriefingContent['topRules'] {
  const rules = new Map<string, { ruleId: string; category: string; alerts: number; hits: number }>();
  const entry = (ruleId: string, category: string) => {
    let e = rules.get(ruleId);
    if (!e) rules.set(ruleId, (e = { ruleId, category, alerts: 0, hits: 0 }));
    return e;
  };
  for (const a of input.alerts.day) entry(a.ruleId, a.category).alerts += 1;
  for (const h of input.hits) entry(h.ruleId, h.category).hits += h.count;
  return [...rules.values()].sort((x, y) => y.alerts - x.alerts || y.hits - x.hits || x.ruleId.localeCompare(y.ruleId)).slice(0, top);
}

/** Dictionary terms by how often they were heard (hits, negated ones counted apart). */
function topPhrases(input: BriefingInput, top: number): BriefingContent['topPhrases'] {
  const terms = new Map<string, { term: string; category: string; hits: number; negated: number }>();
  for (const h of input.hits) {
    const key = `${h.category}\u0000${h.term}`;
    const e = terms.get(key) ?? { term: h.term, category: h.category, hits: 0, negated: 0 };
    e.hits += h.count;
    e.negated += h.negated;
    terms.set(key, e);
  }
  return [...terms.values()].sort((x, y) => y.hits - x.hits || x.term.localeCompare(y.term)).slice(0, top);
}
