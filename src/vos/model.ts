import { badRequest, conflict } from '../core/errors.js';
import type { Severity } from '../core/types.js';

// The voice-of-customer board (고객의 소리) as plain data: what a post is, the
// moderation workflow, and the checks on what the website sends. The API, the
// console and the tests read the same tables.
//   접수 received → 검토 중 in_review → 답변 완료 answered
//   비공개 처리 hidden from any state (with a reason); a hidden post can go back to review.

export const VOS_CHANNELS = ['homepage', 'app', 'survey', 'panel', 'other'] as const;
export type VosChannel = (typeof VOS_CHANNELS)[number];

export const VOS_KINDS = ['complaint', 'suggestion', 'question', 'praise'] as const;
export type VosKind = (typeof VOS_KINDS)[number];

export const VOS_STATUSES = ['received', 'in_review', 'answered', 'hidden'] as const;
export type VosStatus = (typeof VOS_STATUSES)[number];

export const CHANNEL_LABELS: Record<VosChannel, { ko: string; en: string }> = {
  homepage: { ko: '홈페이지', en: 'Website' },
  app: { ko: '앱', en: 'App' },
  survey: { ko: '설문 자유 응답', en: 'Survey free text' },
  panel: { ko: '고객 패널', en: 'Customer panel' },
  other: { ko: '기타', en: 'Other' },
};

export const KIND_LABELS: Record<VosKind, { ko: string; en: string }> = {
  complaint: { ko: '불만', en: 'Complaint' },
  suggestion: { ko: '제안', en: 'Suggestion' },
  question: { ko: '문의', en: 'Question' },
  praise: { ko: '칭찬', en: 'Praise' },
};

export const STATUS_LABELS: Record<VosStatus, { ko: string; en: string }> = {
  received: { ko: '접수', en: 'Received' },
  in_review: { ko: '검토 중', en: 'In review' },
  answered: { ko: '답변 완료', en: 'Answered' },
  hidden: { ko: '비공개 처리', en: 'Hidden' },
};

/**
 * Allowed moves. Answering is its own action (it needs the reply text) and is
 * only possible from review, so nobody answers a post nobody has read; hiding
 * is possible from anywhere (a post carrying abuse or another person's data
 * must go at once); a hidden post can only return to review, never straight
 * to 답변 완료.
 */
export const TRANSITIONS: Record<VosStatus, readonly VosStatus[]> = {
  received: ['in_review', 'hidden'],
  in_review: ['answered', 'hidden', 'received'],
  answered: ['hidden'],
  hidden: ['in_review'],
};

/** Throws 409 `invalid_transition` (with what is allowed) when the move is not in TRANSITIONS. */
export function checkTransition(from: VosStatus, to: VosStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw conflict('invalid_transition', `A post that is ${from} cannot move to ${to}`, { from, to, allowed: [...TRANSITIONS[from]] });
  }
}

/** Human-facing post number (VOS-000042); ids stay opaque. */
export const postRef = (n: number): string => `VOS-${String(n).padStart(6, '0')}`;

export const LIMITS = { title: 200, body: 10_000, answer: 5_000, reason: 1_000 } as const;

/** What the website sends (already shape-checked by the route schema). */
export interface PostInput {
  externalId: string;
  channel: VosChannel;
  kind: VosKind;
  title: string;
  body: string;
  customerId?: string | null;
  product?: string | null;
  /** When the customer wrote it (ISO); now when absent. */
  createdAt?: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** How far ahead of the server's clock a post's time may be (clocks drift). */
const FUTURE_SLACK_MS = 5 * 60_000;

/** Rejects text that is blank or not valid Unicode; returns it trimmed. */
export function checkText(field: string, value: string, max: number): string {
  const v = value.trim();
  if (!v) throw badRequest(`${field}_required`, `${field} must not be blank`, { field });
  if (v.length > max) throw badRequest('text_too_long', `${field} is ${v.length} characters; the limit is ${max}`, { field, limit: max });
  if (/\uFFFD/.test(v) || LONE_SURROGATE.test(v)) {
    throw badRequest('invalid_text', `${field} is not valid Unicode (replacement character or lone surrogate)`, { field });
  }
  return v;
}

/** The checks a JSON schema cannot express; returns the normalised input. Throws 400 with a code. */
export function checkPostInput(input: PostInput, now: number): Required<Omit<PostInput, 'customerId' | 'product'>> & { customerId: string | null; product: string | null } {
  const title = checkText('title', input.title, LIMITS.title);
  const body = checkText('body', input.body, LIMITS.body);
  let createdAt = new Date(now).toISOString();
  if (input.createdAt !== undefined) {
    const t = Date.parse(input.createdAt);
    if (!Number.isFinite(t)) throw badRequest('invalid_created_at', 'createdAt must be an ISO date-time', { field: 'createdAt' });
    if (t > now + FUTURE_SLACK_MS) throw badRequest('created_in_future', 'createdAt is in the future', { field: 'createdAt' });
    createdAt = new Date(t).toISOString();
  }
  const opt = (field: string, v: string | null | undefined, max: number) => (v === undefined || v === null || !v.trim() ? null : checkText(field, v, max));
  return {
    externalId: input.externalId, channel: input.channel, kind: input.kind, title, body, createdAt,
    customerId: opt('customerId', input.customerId, 128), product: opt('product', input.product, 100),
  };
}

/** A risk hit on a post: the detection engine's hit, placed in the title or the body (offsets in the redacted text). */
export interface PostHit {
  field: 'title' | 'body';
  ruleId: string;
  category: string;
  severity: Severity;
  start: number;
  end: number;
  match: string;
  term: string;
  negated: boolean;
  explanation: string;
}

/** A placeholder put in by the redaction, for the console to show as such. */
export interface PostRedaction {
  field: 'title' | 'body';
  kind: string;
  start: number;
  end: number;
}

/**
 * What a post is flagged with: the categories of its hits that were not
 * negated ("금감원에 갈 생각은 없어요" is shown but raises nothing), and the
 * highest severity among them (0 = not flagged).
 */
export function riskOf(hits: readonly PostHit[]): { categories: string[]; severity: number } {
  const live = hits.filter((h) => !h.negated);
  const categories = [...new Set(live.map((h) => h.category))].sort();
  return { categories, severity: live.reduce((m, h) => Math.max(m, h.severity), 0) };
}
