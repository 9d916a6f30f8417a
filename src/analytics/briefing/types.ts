import type { Day, Window } from './time.js';

// The briefing's input (plain rows read by src/store/briefings.ts) and its
// content (what is stored as JSON, shown, printed and summarised). Both are
// plain data so the computation between them is a pure, testable function.

export interface CallTotals {
  /** Calls that started in the window. */
  count: number;
  /** Of those, calls that have ended (talk time is known). */
  ended: number;
  /** Sum of ended − started over the ended calls, in whole seconds. */
  talkSeconds: number;
}

export interface AlertRow {
  id: string;
  callId: string;
  ruleId: string;
  category: string;
  severity: number;
  status: string;
  hitCount: number;
  speaker: string;
  startMs: number;
  match: string;
  term: string;
  explanation: string;
  negated: boolean;
  createdAt: string;
}

export interface CallInfo {
  id: string;
  customerId: string | null;
  agentId: string | null;
  startedAt: string;
  riskScore: number;
  escalated: boolean;
}

/** Hits of the day grouped by rule and dictionary term. */
export interface HitGroup {
  ruleId: string;
  category: string;
  term: string;
  count: number;
  negated: number;
}

export interface CaseRow {
  id: string;
  ref: string;
  title: string;
  category: string | null;
  severity: number;
  status: string;
  source: string;
  customerId: string | null;
  assigneeName: string | null;
  dueAt: string;
  createdAt: string;
  repeatOf: string | null;
  repeatCount: number;
}

/** A later contact folded into an open case as a repeat (case_links.repeat, kind call). */
export interface RepeatLinkRow {
  caseId: string;
  caseRef: string;
  customerId: string | null;
  category: string | null;
  callId: string;
  at: string;
}

export interface EarlyWarningRow {
  id: string;
  topicId: string;
  topicLabel: string;
  raisedAt: string;
  calls: number;
  baseline: number;
  status: string;
}

export interface BriefingInput {
  day: Day;
  timezone: string;
  window: Window;
  previousWindow: Window;
  weekWindow: Window;
  /** When the figures were taken: open cases and SLA breaches are as of this instant. */
  asOf: string;
  calls: { day: CallTotals; previousDay: CallTotals; weekBefore: CallTotals };
  /** Alerts created in each window. */
  alerts: { day: AlertRow[]; previousDay: AlertRow[]; weekBefore: AlertRow[] };
  /** The calls of the day's alerts. */
  alertCalls: CallInfo[];
  hits: HitGroup[];
  newCases: CaseRow[];
  /** Cases not resolved, closed or rejected at asOf. */
  openCases: CaseRow[];
  repeatLinks: RepeatLinkRow[];
  /** null: the early_warnings table does not exist (yet) in this database. */
  earlyWarnings: EarlyWarningRow[] | null;
}

export interface Compared {
  count: number;
  previousDay: number;
  weekBefore: number;
}

/** One alert of a top call: the stored alert's explanation fields, under the alert's id. */
export type TopCallAlert = { alertId: string } & Pick<AlertRow,
  'ruleId' | 'category' | 'severity' | 'status' | 'speaker' | 'startMs' | 'match' | 'term' | 'explanation' | 'negated'>;

export interface TopCall {
  callId: string;
  customerId: string | null;
  agentId: string | null;
  startedAt: string | null;
  riskScore: number;
  escalated: boolean;
  maxSeverity: number;
  alertCount: number;
  categories: string[];
  alerts: TopCallAlert[];
}

export interface BriefCase {
  id: string;
  ref: string;
  title: string;
  category: string | null;
  severity: number;
  status: string;
  customerId: string | null;
  assigneeName: string | null;
  dueAt: string;
}

export interface SlaBreach extends BriefCase {
  /** Whole hours past the due date at asOf. */
  hoursOverdue: number;
}

export interface RepeatItem {
  kind: 'contact' | 'new_case';
  caseId: string;
  caseRef: string;
  customerId: string | null;
  category: string | null;
  callId: string | null;
  at: string;
}

export interface BriefingContent {
  /** Version of this shape, for readers of stored JSON. */
  schema: 1;
  day: Day;
  timezone: string;
  window: Window;
  asOf: string;
  /** asOf falls inside the day: the day was not over when the figures were taken. */
  partial: boolean;
  calls: {
    monitored: Compared;
    ended: number;
    /** null when no call of the day has ended. */
    talkSeconds: number | null;
    averageTalkSeconds: number | null;
  };
  alerts: {
    total: Compared;
    /** Severity 4 and 5. */
    highSeverity: Compared;
    falsePositives: number;
    escalated: number;
    byCategory: (Compared & { category: string })[];
    bySeverity: (Compared & { severity: number })[];
    /** Alerts per local hour of the day (24 entries). */
    byHour: number[];
  };
  topCalls: TopCall[];
  cases: {
    new: BriefCase[];
    newCount: number;
    openTotal: number;
    openByStatus: { status: string; count: number }[];
    slaBreaches: SlaBreach[];
    slaBreachCount: number;
  };
  repeats: { count: number; items: RepeatItem[] };
  earlyWarnings: {
    /** false while the early-warning table does not exist in this database. */
    available: boolean;
    count: number;
    items: EarlyWarningRow[];
  };
  topRules: { ruleId: string; category: string; alerts: number; hits: number }[];
  topPhrases: { term: string; category: string; hits: number; negated: number }[];
}

export interface ComputeOptions {
  /** Rows kept in each "top" list. */
  top: number;
}
