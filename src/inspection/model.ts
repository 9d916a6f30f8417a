import { badRequest, conflict } from '../core/errors.js';

// The self-inspection model as plain data — areas, answer results, the round
// and finding workflows, periods — so the API, the console and the tests read
// the same tables. Nothing here touches the database.

export const AREAS = ['complaint_handling', 'disclosure', 'advertising', 'privacy', 'vulnerable', 'internal_control', 'ccm'] as const;
export type Area = (typeof AREAS)[number];

export const AREA_LABELS: Record<Area, { ko: string; en: string }> = {
  complaint_handling: { ko: '민원 처리', en: 'Complaint handling' },
  disclosure: { ko: '설명 의무·불완전판매 예방', en: 'Duty to explain · mis-selling prevention' },
  advertising: { ko: '광고·안내', en: 'Advertising · notices' },
  privacy: { ko: '개인정보 보호', en: 'Personal-data protection' },
  vulnerable: { ko: '취약계층 보호', en: 'Protection of vulnerable consumers' },
  internal_control: { ko: '내부통제·교육', en: 'Internal control · training' },
  ccm: { ko: 'CCM', en: 'CCM (consumer-centred management)' },
};

export const RESULTS = ['compliant', 'non_compliant', 'not_applicable'] as const;
export type AnswerResult = (typeof RESULTS)[number];
export const RESULT_LABELS: Record<AnswerResult, { ko: string; en: string }> = {
  compliant: { ko: '적합', en: 'Compliant' },
  non_compliant: { ko: '부적합', en: 'Non-compliant' },
  not_applicable: { ko: '해당 없음', en: 'Not applicable' },
};

//   계획 planned → 진행 중 in_progress → 제출 submitted → 검토 완료 reviewed
//   a submitted round can be returned for rework (submitted → in_progress, with a reason).
export const ROUND_STATUSES = ['planned', 'in_progress', 'submitted', 'reviewed'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];
export const ROUND_TRANSITIONS: Record<RoundStatus, readonly RoundStatus[]> = {
  planned: ['in_progress'],
  in_progress: ['submitted'],
  submitted: ['reviewed', 'in_progress'],
  reviewed: [],
};
export const ROUND_STATUS_LABELS: Record<RoundStatus, { ko: string; en: string }> = {
  planned: { ko: '계획', en: 'Planned' },
  in_progress: { ko: '진행 중', en: 'In progress' },
  submitted: { ko: '제출', en: 'Submitted' },
  reviewed: { ko: '검토 완료', en: 'Reviewed' },
};
/** Statuses in which answers and evidence may still change. */
export const EDITABLE_ROUND_STATUSES: readonly RoundStatus[] = ['planned', 'in_progress'];

//   발견 open → 조치 중 in_progress → 조치 완료 resolved → 확인 verified
//   a resolved finding whose fix does not hold goes back to in_progress (with a reason).
export const FINDING_STATUSES = ['open', 'in_progress', 'resolved', 'verified'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
export const FINDING_TRANSITIONS: Record<FindingStatus, readonly FindingStatus[]> = {
  open: ['in_progress', 'resolved'],
  in_progress: ['resolved'],
  resolved: ['verified', 'in_progress'],
  verified: [],
};
export const FINDING_STATUS_LABELS: Record<FindingStatus, { ko: string; en: string }> = {
  open: { ko: '발견', en: 'Open' },
  in_progress: { ko: '조치 중', en: 'In progress' },
  resolved: { ko: '조치 완료', en: 'Resolved' },
  verified: { ko: '확인', en: 'Verified' },
};
/** Findings still waiting for their fix: these can be overdue. */
export const UNRESOLVED_FINDING_STATUSES: readonly FindingStatus[] = ['open', 'in_progress'];

export const FINDING_SEVERITIES = ['high', 'medium', 'low'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];
export const SEVERITY_LABELS: Record<FindingSeverity, { ko: string; en: string }> = {
  high: { ko: '상', en: 'High' },
  medium: { ko: '중', en: 'Medium' },
  low: { ko: '하', en: 'Low' },
};
/** Days a new finding gets to be fixed, by severity. */
export const FINDING_DAYS: Record<FindingSeverity, number> = { high: 14, medium: 30, low: 60 };

/** Departments offered by the console's picker (any name may be typed). */
export const DEFAULT_DEPARTMENTS = ['소비자보호부', '카드영업부', '고객센터', '마케팅부', '채권관리부', '디지털채널부', '가맹점영업부'];

export const roundRef = (n: number) => `INS-${String(n).padStart(6, '0')}`;
export const findingRef = (n: number) => `FND-${String(n).padStart(6, '0')}`;

export function checkRoundTransition(from: RoundStatus, to: RoundStatus, note: string | null | undefined): void {
  if (!ROUND_TRANSITIONS[from].includes(to)) {
    throw conflict('invalid_transition', `A round that is ${from} cannot move to ${to}`, { from, to, allowed: [...ROUND_TRANSITIONS[from]] });
  }
  if (from === 'submitted' && to === 'in_progress' && !note?.trim()) {
    throw badRequest('reason_required', 'Returning a round for rework needs a reason');
  }
}

export function checkFindingTransition(from: FindingStatus, to: FindingStatus, note: string | null | undefined): void {
  if (!FINDING_TRANSITIONS[from].includes(to)) {
    throw conflict('invalid_transition', `A finding that is ${from} cannot move to ${to}`, { from, to, allowed: [...FINDING_TRANSITIONS[from]] });
  }
  if (to === 'resolved' && !note?.trim()) throw badRequest('resolution_required', 'Resolving a finding needs a description of the corrective action taken');
  if (from === 'resolved' && to === 'in_progress' && !note?.trim()) throw badRequest('reason_required', 'Reopening a finding needs a reason');
}

// ---- periods ----

export interface Period {
  /** Canonical text: 2026-Q4, 2026-H1, 2026-04, 2026. */
  id: string;
  start: string;
  /** Last day, inclusive (yyyy-mm-dd). */
  end: string;
  ko: string;
  en: string;
}

const ymd = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Parses a period id; null when it is not one of the four forms. */
export function parsePeriod(text: string): Period | null {
  const s = text.trim().toUpperCase();
  let m = /^(\d{4})-Q([1-4])$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { id: s, start: ymd(y, q * 3 - 2, 1), end: ymd(y, q * 3, lastDay(y, q * 3)), ko: `${y}년 ${q}분기`, en: `Q${q} ${y}` };
  }
  m = /^(\d{4})-H([12])$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const h = Number(m[2]);
    return { id: s, start: ymd(y, h === 1 ? 1 : 7, 1), end: ymd(y, h === 1 ? 6 : 12, h === 1 ? 30 : 31), ko: `${y}년 ${h === 1 ? '상' : '하'}반기`, en: `H${h} ${y}` };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    return { id: s, start: ymd(y, mo, 1), end: ymd(y, mo, lastDay(y, mo)), ko: `${y}년 ${mo}월`, en: `${y}-${m[2]}` };
  }
  m = /^(\d{4})$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    return { id: s, start: ymd(y, 1, 1), end: ymd(y, 12, 31), ko: `${y}년`, en: `${y}` };
  }
  return null;
}

export function requirePeriod(text: string): Period {
  const p = parsePeriod(text);
  if (!p) throw badRequest('invalid_period', `'${text}' is not a period like 2026-Q4, 2026-H1, 2026-04 or 2026`);
  return p;
}

/** Today's date in Korea (due dates are calendar days there). */
export function kstToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A due date is missed once its day has passed in Korea. */
export function isPastDue(dueDate: string, today: string = kstToday()): boolean {
  return dueDate < today;
}

// ---- submission ----

export interface ChecklistItem {
  itemId: string;
  area: Area;
  textKo: string;
  textEn: string;
  evidenceRequired: boolean;
  ccm: boolean;
}

export interface AnswerState {
  itemId: string;
  result: AnswerResult;
  evidenceCount: number;
}

/**
 * What stands in the way of submitting: items without an answer, and items
 * whose evidence is required but missing (a 해당 없음 answer needs none).
 */
export function submissionGaps(items: readonly ChecklistItem[], answers: readonly AnswerState[]): { unanswered: string[]; missingEvidence: string[] } {
  const byItem = new Map(answers.map((a) => [a.itemId, a]));
  const unanswered: string[] = [];
  const missingEvidence: string[] = [];
  for (const it of items) {
    const a = byItem.get(it.itemId);
    if (!a) unanswered.push(it.itemId);
    else if (it.evidenceRequired && a.result !== 'not_applicable' && a.evidenceCount === 0) missingEvidence.push(it.itemId);
  }
  return { unanswered, missingEvidence };
}

// ---- compliance ----

export interface Tally {
  compliant: number;
  nonCompliant: number;
  notApplicable: number;
}

/**
 * Compliance rate = compliant ÷ applicable, applicable = compliant + non-compliant
 * (해당 없음 and unanswered items are left out). Null when nothing is applicable.
 * A fraction 0..1, rounded to four decimals (a percentage with two).
 */
export function complianceRate(t: Pick<Tally, 'compliant' | 'nonCompliant'>): number | null {
  const applicable = t.compliant + t.nonCompliant;
  return applicable === 0 ? null : Math.round((t.compliant / applicable) * 10_000) / 10_000;
}

export function tally(results: readonly AnswerResult[]): Tally {
  const t: Tally = { compliant: 0, nonCompliant: 0, notApplicable: 0 };
  for (const r of results) {
    if (r === 'compliant') t.compliant++;
    else if (r === 'non_compliant') t.nonCompliant++;
    else t.notApplicable++;
  }
  return t;
}
