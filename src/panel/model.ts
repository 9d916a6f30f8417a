import { createHash } from 'node:crypto';
import type { Checked, FieldError, IndexedError } from '../analytics/surveys/index.js';
import { checkEach, METRICS, type Metric } from '../analytics/surveys/index.js';
import { redact } from '../privacy/redact.js';

// The customer panel's plain data rules: what a member and a campaign are,
// how their input is checked (every problem reported, each {field, code,
// message}, like the surveys validator), the pseudonymous label, contact
// checks and masking, and the campaign's status machine. No I/O here.

export const MEMBER_STATUSES = ['active', 'paused', 'withdrawn'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'open', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** The segment attributes a sample is stratified by and the panel is compared on. */
export const DIMENSIONS = ['ageBand', 'grade', 'region', 'tenureBand'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const TENURE_BANDS = ['1년 미만', '1~3년', '3~5년', '5~10년', '10년 이상'] as const;

/** Allowed next statuses; anything else is 409 invalid_transition. */
export const TRANSITIONS: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  draft: ['scheduled', 'open'],
  scheduled: ['draft', 'open'],
  open: ['closed'],
  closed: [],
};

export const STATUS_LABELS: Readonly<Record<CampaignStatus, { label: string; labelEn: string }>> = {
  draft: { label: '작성 중', labelEn: 'Draft' },
  scheduled: { label: '예약됨', labelEn: 'Scheduled' },
  open: { label: '진행 중', labelEn: 'Open' },
  closed: { label: '종료', labelEn: 'Closed' },
};

export const LIMITS = {
  id: 128, name: 60, label: 50, products: 20, purpose: 500, title: 200, question: 300, consentVersion: 32, reason: 500,
  answer: 2000, sampleSize: 10_000, batch: 1000, contact: 254,
} as const;

export interface MemberInput {
  externalId: string;
  label: string;
  ageBand: string | null;
  grade: string | null;
  region: string | null;
  products: string[];
  tenureYears: number | null;
  status: 'active' | 'paused';
  channel: Channel | null;
  contact: string | null;
  consentAt: string;
  consentPurpose: string;
  consentVersion: string;
}

/** A member as the store and the API hold it (the contact is never returned, only masked). */
export interface Member {
  id: string;
  externalId: string;
  label: string;
  ageBand: string | null;
  grade: string | null;
  region: string | null;
  products: string[];
  tenureYears: number | null;
  tenureBand: string | null;
  status: MemberStatus;
  channel: Channel | null;
  contactMasked: string | null;
  hasContact: boolean;
  consentAt: string;
  consentPurpose: string;
  consentVersion: string;
  withdrawnAt: string | null;
  withdrawalReason: string | null;
  lastInvitedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const err = (field: string, code: string, message: string): FieldError => ({ field, code, message });

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
/** Korean mobile numbers (010, 011, 016–019), with or without dashes/spaces, or +82. */
const MOBILE_RE = /^01[016789]\d{7,8}$/;

const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');

function text(rec: Record<string, unknown>, field: string, max: number, errors: FieldError[]): string | undefined {
  const v = rec[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'string') { errors.push(err(field, 'invalid_type', `${field} must be a string`)); return undefined; }
  const s = v.normalize('NFC').trim();
  if (s.length > max) { errors.push(err(field, 'too_long', `${field} is longer than ${max} characters`)); return undefined; }
  return s;
}

/** Labels (segment values) are redacted like every free text: a sheet may hold anything. */
const label = (rec: Record<string, unknown>, field: string, errors: FieldError[]) => {
  const s = text(rec, field, LIMITS.label, errors);
  return s === undefined ? undefined : redact(s).text;
};

function time(rec: Record<string, unknown>, field: string, now: number, errors: FieldError[]): string | undefined {
  const v = rec[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'string' || !DATE_TIME_RE.test(v) || Number.isNaN(Date.parse(v))) {
    errors.push(err(field, 'invalid_time', `${field} must be an ISO 8601 date-time with a zone (e.g. 2026-11-20T14:30:00+09:00)`));
    return undefined;
  }
  if (Date.parse(v) > now + 10 * 60_000) { errors.push(err(field, 'time_in_future', `${field} lies in the future`)); return undefined; }
  return new Date(Date.parse(v)).toISOString();
}

/**
 * The display label: the family name (first character) and a short hash of
 * the external id, e.g. '홍○○ #3f2a'. Enough for an officer to tell members
 * apart on a list, useless to identify anyone; the name itself is never stored.
 */
export function pseudonym(name: string | undefined, externalId: string): string {
  const tag = createHash('sha256').update(`panel:${externalId}`).digest('hex').slice(0, 4);
  const n = name?.normalize('NFC').trim();
  if (!n) return `패널 #${tag}`;
  const first = [...n][0]!;
  return /[가-힣]/.test(first) ? `${first}○○ #${tag}` : `${first.toUpperCase()}*** #${tag}`;
}

/** The contact value in its stored form, or an error code. */
export function normalizeContact(channel: Channel, value: string): { ok: true; value: string } | { ok: false; code: string; message: string } {
  const v = value.normalize('NFC').trim();
  if (channel === 'email') {
    return EMAIL_RE.test(v) && v.length <= LIMITS.contact ? { ok: true, value: v.toLowerCase() } : { ok: false, code: 'invalid_email', message: 'contact is not an e-mail address' };
  }
  const digits = v.replace(/[\s-]/g, '').replace(/^\+82/, '0');
  return MOBILE_RE.test(digits) ? { ok: true, value: digits } : { ok: false, code: 'invalid_mobile', message: 'contact is not a Korean mobile number (010-1234-5678)' };
}

/** What the console and the API show instead of the contact: enough to check the channel works, no more. */
export function maskContact(channel: Channel | null, contact: string | null): string | null {
  if (!contact || !channel) return null;
  if (channel === 'email') {
    const [user, domain] = contact.split('@');
    return `${user!.slice(0, 2)}***@${domain}`;
  }
  return `${contact.slice(0, 3)}-****-${contact.slice(-4)}`;
}

export function tenureBand(years: number | null): string | null {
  if (years === null) return null;
  if (years < 1) return TENURE_BANDS[0];
  if (years < 3) return TENURE_BANDS[1];
  if (years < 5) return TENURE_BANDS[2];
  if (years < 10) return TENURE_BANDS[3];
  return TENURE_BANDS[4];
}

const MEMBER_FIELDS = ['externalId', 'name', 'ageBand', 'grade', 'region', 'products', 'tenureYears', 'status', 'channel', 'contact', 'consentAt', 'consentPurpose', 'consentVersion'];
const MEMBER_REQUIRED = ['externalId', 'consentAt', 'consentPurpose', 'consentVersion'];

/** Products from a JSON array or a sheet cell ('신용카드; 체크카드' or with commas). */
function products(rec: Record<string, unknown>, errors: FieldError[]): string[] {
  const v = rec.products;
  if (!present(v)) return [];
  const list = typeof v === 'string' ? v.split(/[;,]/) : Array.isArray(v) ? v : null;
  if (!list || list.some((p) => typeof p !== 'string')) { errors.push(err('products', 'invalid_type', 'products must be a list of names (or one text separated by ; or ,)')); return []; }
  const out = [...new Set((list as string[]).map((p) => p.normalize('NFC').trim()).filter((p) => p !== ''))];
  if (out.length > LIMITS.products || out.some((p) => p.length > LIMITS.label)) { errors.push(err('products', 'too_long', `at most ${LIMITS.products} products of ${LIMITS.label} characters`)); return []; }
  return out.map((p) => redact(p).text);
}

/** Checks one member; `now` (ms) bounds consentAt. */
export function checkMember(raw: unknown, now: number): Checked<MemberInput> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [err('', 'invalid_type', 'a member must be an object')] };
  const rec = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const k of Object.keys(rec)) if (!MEMBER_FIELDS.includes(k)) errors.push(err(k, 'unknown_field', `'${k}' is not a field of a panel member`));
  for (const k of MEMBER_REQUIRED) if (!present(rec[k])) errors.push(err(k, 'missing_field', `${k} is required`));
  const externalId = text(rec, 'externalId', LIMITS.id, errors);
  if (externalId !== undefined && !ID_RE.test(externalId)) errors.push(err('externalId', 'invalid_id', 'externalId may hold letters, digits and . _ : @ / - (starting with a letter or digit)'));
  const name = text(rec, 'name', LIMITS.name, errors);
  let tenureYears: number | null = null;
  if (present(rec.tenureYears)) {
    if (typeof rec.tenureYears !== 'number' || !Number.isFinite(rec.tenureYears) || rec.tenureYears < 0 || rec.tenureYears > 80) errors.push(err('tenureYears', 'invalid_tenure', 'tenureYears must be a number of years from 0 to 80'));
    else tenureYears = Math.round(rec.tenureYears * 10) / 10;
  }
  let status: 'active' | 'paused' = 'active';
  if (present(rec.status)) {
    if (rec.status !== 'active' && rec.status !== 'paused') errors.push(err('status', 'invalid_status', "a new member's status is 'active' or 'paused' (withdrawal is its own action)"));
    else status = rec.status;
  }
  let channel: Channel | null = null;
  if (present(rec.channel)) {
    if (rec.channel !== 'email' && rec.channel !== 'sms') errors.push(err('channel', 'invalid_channel', "channel is 'email' or 'sms'"));
    else channel = rec.channel;
  }
  let contact: string | null = null;
  if (present(rec.contact)) {
    if (typeof rec.contact !== 'string') errors.push(err('contact', 'invalid_type', 'contact must be a string'));
    else if (!channel) { if (!errors.some((e) => e.field === 'channel')) errors.push(err('channel', 'missing_field', 'a contact needs its channel (email or sms)')); }
    else {
      const c = normalizeContact(channel, rec.contact);
      // The message never repeats the value: row errors are shown and may be logged.
      if (c.ok) contact = c.value; else errors.push(err('contact', c.code, c.message));
    }
  }
  const consentAt = time(rec, 'consentAt', now, errors);
  const consentPurpose = text(rec, 'consentPurpose', LIMITS.purpose, errors);
  const consentVersion = text(rec, 'consentVersion', LIMITS.consentVersion, errors);
  const out = {
    ageBand: label(rec, 'ageBand', errors) ?? null, grade: label(rec, 'grade', errors) ?? null, region: label(rec, 'region', errors) ?? null,
    products: products(rec, errors),
  };
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  return {
    ok: true,
    value: {
      externalId: externalId!, label: pseudonym(name, externalId!), ...out, tenureYears, status, channel, contact,
      consentAt: consentAt!, consentPurpose: redact(consentPurpose!).text, consentVersion: consentVersion!,
    },
  };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => { const k = `${e.field}\u0000${e.code}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

/** Checks many members (an external id twice is an error on the second). */
export function checkMembers(records: readonly { row: number; record: unknown }[], now: number): { values: MemberInput[]; errors: IndexedError[] } {
  return checkEach(records, (raw) => checkMember(raw, now));
}

// ---- campaigns ----

/** The target segment: each list given narrows to members whose attribute is one of its values (products: holds any). */
export interface SegmentFilter {
  ageBands?: string[];
  grades?: string[];
  regions?: string[];
  tenureBands?: string[];
  products?: string[];
  /** Only members not invited in the last N months (spreads the survey load). */
  notInvitedMonths?: number;
}

export interface CampaignInput {
  title: string;
  purpose: string;
  metrics: Metric[];
  question: string | null;
  filter: SegmentFilter;
  stratifyBy: Dimension[];
  sampleSize: number;
  seed: string | null;
  opensAt: string | null;
  closesAt: string | null;
}

export interface Campaign extends Omit<CampaignInput, 'seed'> {
  id: string;
  number: number;
  ref: string;
  seed: string;
  status: CampaignStatus;
  openedAt: string | null;
  closedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  invited: number;
  responded: number;
}

export const campaignRef = (n: number) => `PNL-${String(n).padStart(4, '0')}`;

const FILTER_LISTS = ['ageBands', 'grades', 'regions', 'tenureBands', 'products'] as const;

/** Checks a filter; lists are de-duplicated and empty lists dropped (an empty list would select nobody). */
export function checkFilter(raw: unknown, errors: FieldError[]): SegmentFilter {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) { errors.push(err('filter', 'invalid_type', 'filter must be an object')); return {}; }
  const rec = raw as Record<string, unknown>;
  const out: SegmentFilter = {};
  for (const k of Object.keys(rec)) {
    if (!(FILTER_LISTS as readonly string[]).includes(k) && k !== 'notInvitedMonths') errors.push(err(`filter.${k}`, 'unknown_field', `'${k}' is not a segment filter`));
  }
  for (const k of FILTER_LISTS) {
    const v = rec[k];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length > LIMITS.label)) { errors.push(err(`filter.${k}`, 'invalid_type', `filter.${k} must be a list of values`)); continue; }
    const list = [...new Set((v as string[]).map((x) => x.normalize('NFC').trim()).filter((x) => x !== ''))];
    if (list.length > 0) out[k] = list;
  }
  if (rec.notInvitedMonths !== undefined && rec.notInvitedMonths !== null) {
    const n = rec.notInvitedMonths;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 60) errors.push(err('filter.notInvitedMonths', 'invalid_months', 'notInvitedMonths is a whole number of months, 1 to 60'));
    else out.notInvitedMonths = n;
  }
  return out;
}

const CAMPAIGN_FIELDS = ['title', 'purpose', 'metrics', 'question', 'filter', 'stratifyBy', 'sampleSize', 'seed', 'opensAt', 'closesAt'];

/** Checks a campaign (whole, or `partial` for an edit of a draft). */
export function checkCampaign(raw: unknown, partial = false): Checked<Partial<CampaignInput>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [err('', 'invalid_type', 'a campaign must be an object')] };
  const rec = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const k of Object.keys(rec)) if (!CAMPAIGN_FIELDS.includes(k)) errors.push(err(k, 'unknown_field', `'${k}' is not a field of a campaign`));
  if (!partial) for (const k of ['title', 'purpose', 'metrics', 'sampleSize']) if (!present(rec[k])) errors.push(err(k, 'missing_field', `${k} is required`));
  if (partial && Object.keys(rec).length === 0) errors.push(err('', 'missing_field', 'nothing to change'));
  const out: Partial<CampaignInput> = {};
  const title = text(rec, 'title', LIMITS.title, errors);
  if (title !== undefined) out.title = redact(title).text;
  const purpose = text(rec, 'purpose', LIMITS.purpose, errors);
  if (purpose !== undefined) out.purpose = redact(purpose).text;
  if (rec.question !== undefined) { const q = text(rec, 'question', LIMITS.question, errors); out.question = q ? redact(q).text : null; }
  if (present(rec.metrics)) {
    const m = rec.metrics;
    if (!Array.isArray(m) || m.length === 0 || m.some((x) => !(METRICS as readonly unknown[]).includes(x))) errors.push(err('metrics', 'invalid_metrics', `metrics is a non-empty list of ${METRICS.join(', ')}`));
    else out.metrics = METRICS.filter((x) => m.includes(x));
  }
  if (rec.filter !== undefined) out.filter = checkFilter(rec.filter, errors);
  if (rec.stratifyBy !== undefined) {
    const s = rec.stratifyBy;
    if (!Array.isArray(s) || s.length > DIMENSIONS.length || s.some((x) => !(DIMENSIONS as readonly unknown[]).includes(x))) errors.push(err('stratifyBy', 'invalid_dimension', `stratifyBy lists segment attributes: ${DIMENSIONS.join(', ')}`));
    else out.stratifyBy = DIMENSIONS.filter((d) => s.includes(d));
  } else if (!partial) out.stratifyBy = ['grade'];
  if (present(rec.sampleSize)) {
    const n = rec.sampleSize;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > LIMITS.sampleSize) errors.push(err('sampleSize', 'invalid_sample_size', `sampleSize is a whole number from 1 to ${LIMITS.sampleSize}`));
    else out.sampleSize = n;
  }
  if (rec.seed !== undefined) out.seed = text(rec, 'seed', 64, errors) || null;
  for (const k of ['opensAt', 'closesAt'] as const) {
    if (rec[k] === undefined) continue;
    if (!present(rec[k])) { out[k] = null; continue; }
    const v = rec[k];
    if (typeof v !== 'string' || !DATE_TIME_RE.test(v) || Number.isNaN(Date.parse(v))) errors.push(err(k, 'invalid_time', `${k} must be an ISO 8601 date-time with a zone`));
    else out[k] = new Date(Date.parse(v)).toISOString();
  }
  if (out.opensAt && out.closesAt && out.closesAt <= out.opensAt) errors.push(err('closesAt', 'invalid_window', 'closesAt must come after opensAt'));
  return errors.length > 0 ? { ok: false, errors: dedupe(errors) } : { ok: true, value: out };
}

/** Why a campaign cannot move to `to` now (null when it can). */
export function transitionProblem(c: Pick<Campaign, 'status' | 'opensAt' | 'closesAt'>, to: CampaignStatus, now: number): { code: string; message: string } | null {
  if (!TRANSITIONS[c.status].includes(to)) return { code: 'invalid_transition', message: `a ${c.status} campaign cannot become ${to} (allowed: ${TRANSITIONS[c.status].join(', ') || 'none'})` };
  if (to === 'scheduled' && (!c.opensAt || !c.closesAt)) return { code: 'schedule_required', message: 'set opensAt and closesAt before scheduling' };
  if (to === 'scheduled' && Date.parse(c.opensAt!) <= now) return { code: 'schedule_in_past', message: 'opensAt has passed; open the campaign now instead' };
  if (to === 'open' && !c.closesAt) return { code: 'schedule_required', message: 'set closesAt (when answers stop) before opening' };
  if (to === 'open' && Date.parse(c.closesAt!) <= now) return { code: 'schedule_in_past', message: 'closesAt has passed; move it later before opening' };
  return null;
}
