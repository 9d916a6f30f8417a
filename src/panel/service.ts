import { badRequest, conflict, notFound, RadarError } from '../core/errors.js';
import { newId, newSecret, sha256 } from '../core/ids.js';
import type { DetectionEngine } from '../detect/types.js';
import {
  emptyHistogram, indexOf, refuse, SCALES, type Metric, type MetricIndex, type IndexedError,
} from '../analytics/surveys/index.js';
import * as surveys from '../store/surveys.js';
import { redact } from '../privacy/redact.js';
import * as audit from '../store/audit.js';
import type { Actor } from '../store/audit.js';
import type { Db } from '../store/db.js';
import * as eventsRepo from '../store/events.js';
import type { StoredEvent } from '../store/events.js';
import * as repo from '../store/panel.js';
import { detectRisk } from '../vos/analyse.js';
import { riskOf } from '../vos/model.js';
import {
  campaignRef, checkCampaign, checkMembers, DIMENSIONS, LIMITS, normalizeContact, transitionProblem, type Campaign, type CampaignInput,
  type CampaignStatus, type Channel, type Dimension, type Member,
} from './model.js';
import { attribute, selectSample, UNKNOWN, type Selection } from './sample.js';

// The panel's use cases. Each change is one transaction holding the change,
// its audit entry and, where the gateway must hear of it, outbox events
// (panel.invitation, panel.campaign.closed), which the delivery relay hands
// to subscribers; Radar sends no message itself.

export const PANEL_EVENT_TYPES = ['panel.invitation', 'panel.campaign.closed'] as const;
/** Touchpoint of the survey responses a panel answer becomes (고객 평가 filters on it). */
export const PANEL_TOUCHPOINT = 'panel';

// ---- members ----

export interface IngestResult {
  received: number;
  created: number;
  unchanged: number;
  dryRun: boolean;
}

/** Validates every record, then stores them in one transaction; a known external id is left as it is. */
export async function ingestMembers(db: Db, actor: Actor, records: readonly { row: number; record: unknown }[], o: { dryRun: boolean; now: number; refusal: string; file?: { filename: string; format: string } }): Promise<IngestResult> {
  const { values, errors } = checkMembers(records, o.now);
  if (errors.length > 0) throw refuse(o.refusal, errors, records.length, o.file ? `'${o.file.filename}'` : 'the request');
  if (o.dryRun) {
    const existing = await repo.existingMemberIds(db, values.map((v) => v.externalId));
    return { received: values.length, created: values.length - existing.size, unchanged: existing.size, dryRun: true };
  }
  const created = await db.tx(async (q) => {
    const ids = await repo.insertMembers(q, values.map((v) => ({ ...v, id: newId() })), actor.name);
    // Counts only: neither names nor contacts go into the audit trail.
    if (ids.size > 0 || o.file) {
      await audit.appendAudit(q, actor, o.file ? 'panel.members_imported' : 'panel.members_added', { type: 'panel_members' },
        { received: values.length, created: ids.size, unchanged: values.length - ids.size, ...(o.file ?? {}) });
    }
    return ids.size;
  });
  return { received: values.length, created, unchanged: values.length - created, dryRun: false };
}

/** What PATCH may change (the store's change set: one list of fields). */
export type MemberPatch = repo.MemberChange;

const clean = (s: string | null | undefined) => (s === undefined ? undefined : s === null || s.trim() === '' ? null : redact(s.normalize('NFC').trim()).text);

/** Changes attributes, status (active ⇄ paused) or contact of a member that has not withdrawn. */
export async function changeMember(db: Db, actor: Actor, id: string, p: MemberPatch): Promise<Member> {
  return db.tx(async (q) => {
    const m = await repo.getMember(q, id, true);
    if (!m) throw notFound('member_not_found', 'No such panel member');
    if (m.status === 'withdrawn') throw conflict('member_withdrawn', 'A withdrawn member cannot be changed; a new consent makes a new member');
    const change: repo.MemberChange = {
      ageBand: clean(p.ageBand), grade: clean(p.grade), region: clean(p.region), tenureYears: p.tenureYears, status: p.status,
      products: p.products?.map((x) => redact(x.normalize('NFC').trim()).text).filter((x) => x !== ''),
    };
    if (p.contact !== undefined || p.channel !== undefined) {
      const channel = p.channel ?? m.channel;
      if (p.contact === null) { change.contact = null; if (p.channel !== undefined) change.channel = p.channel; }
      else if (p.contact !== undefined) {
        if (!channel) throw badRequest('missing_field', 'a contact needs its channel (email or sms)');
        const c = normalizeContact(channel, p.contact);
        if (!c.ok) throw badRequest(c.code, c.message);
        change.channel = channel;
        change.contact = c.value;
      } else if (p.channel !== m.channel) throw badRequest('contact_required', 'changing the channel needs the new contact value');
    }
    const updated = (await repo.updateMember(q, id, change))!;
    // Which fields changed, never their values where they are contact data.
    const fields = Object.entries(change).filter(([, v]) => v !== undefined).map(([k]) => k);
    await audit.appendAudit(q, actor, 'panel.member_changed', { type: 'panel_member', id }, { fields, status: updated.status });
    return updated;
  });
}

/** Withdrawal of consent: out of every future campaign, contact erased, time and reason kept. */
export async function withdrawMember(db: Db, actor: Actor, id: string, reason: string | null): Promise<Member> {
  return db.tx(async (q) => {
    const m = await repo.getMember(q, id, true);
    if (!m) throw notFound('member_not_found', 'No such panel member');
    if (m.status === 'withdrawn') throw conflict('already_withdrawn', 'The member has already withdrawn');
    const r = reason ? redact(reason.normalize('NFC').trim()).text.slice(0, LIMITS.reason) || null : null;
    const updated = (await repo.withdrawMember(q, id, r))!;
    await audit.appendAudit(q, actor, 'panel.member_withdrawn', { type: 'panel_member', id }, { externalId: m.externalId, reason: r, contactErased: m.hasContact });
    return updated;
  });
}

// ---- campaigns ----

const refuseFields = (errors: { field: string; code: string; message: string }[]) => {
  const first = errors[0]!;
  return badRequest(first.code, `${first.field || 'body'}: ${first.message}`, { errors });
};

export async function createCampaign(db: Db, actor: Actor, raw: unknown): Promise<Campaign> {
  const c = checkCampaign(raw);
  if (!c.ok) throw refuseFields(c.errors);
  const id = newId();
  const input = { question: null, filter: {}, opensAt: null, closesAt: null, seed: null, ...c.value } as CampaignInput;
  return db.tx(async (q) => {
    const created = await repo.insertCampaign(q, id, { ...input, seed: input.seed ?? id }, actor.name);
    await audit.appendAudit(q, actor, 'panel.campaign_created', { type: 'panel_campaign', id }, { ref: created.ref, title: created.title, sampleSize: created.sampleSize, filter: created.filter });
    return created;
  });
}

const LOCKED: readonly CampaignStatus[] = ['open', 'closed'];

export async function editCampaign(db: Db, actor: Actor, id: string, raw: unknown): Promise<Campaign> {
  const c = checkCampaign(raw, true);
  if (!c.ok) throw refuseFields(c.errors);
  return db.tx(async (q) => {
    const cur = await repo.getCampaign(q, id, true);
    if (!cur) throw notFound('campaign_not_found', 'No such campaign');
    if (LOCKED.includes(cur.status)) throw conflict('campaign_locked', `A ${cur.status} campaign cannot be edited (its sample is drawn)`);
    const opensAt = c.value.opensAt !== undefined ? c.value.opensAt : cur.opensAt;
    const closesAt = c.value.closesAt !== undefined ? c.value.closesAt : cur.closesAt;
    if (opensAt && closesAt && closesAt <= opensAt) throw badRequest('invalid_window', 'closesAt must come after opensAt');
    await repo.updateCampaign(q, id, c.value);
    await audit.appendAudit(q, actor, 'panel.campaign_changed', { type: 'panel_campaign', id }, { ref: cur.ref, fields: Object.keys(c.value) });
    return (await repo.getCampaign(q, id))!;
  });
}

/** The sample a campaign would draw now (the new-campaign dialog's preview). */
export async function previewSample(db: Db, raw: unknown, now: number): Promise<Omit<Selection, 'picked'> & { sampleSize: number }> {
  const c = checkCampaign({ title: 'preview', purpose: 'preview', metrics: ['nps'], ...(raw as object) });
  if (!c.ok) throw refuseFields(c.errors);
  const v = c.value as CampaignInput;
  const sel = selectSample(await repo.allMembers(db), { filter: v.filter ?? {}, stratifyBy: v.stratifyBy, sampleSize: v.sampleSize, seed: v.seed ?? 'preview', now });
  return { eligible: sel.eligible, strata: sel.strata, sampleSize: sel.picked.length };
}

export interface CampaignChange {
  campaign: Campaign;
  events: StoredEvent[];
}

/** Moves a campaign along draft → scheduled → open → closed; opening draws the sample and invites it. */
export async function transitionCampaign(db: Db, actor: Actor, id: string, to: CampaignStatus, now = Date.now()): Promise<CampaignChange> {
  return db.tx(async (q) => {
    const c = await repo.getCampaign(q, id, true);
    if (!c) throw notFound('campaign_not_found', 'No such campaign');
    const problem = transitionProblem(c, to, now);
    if (problem) throw conflict(problem.code, problem.message, { status: c.status, allowed: [] });
    const events: StoredEvent[] = [];
    let details: Record<string, unknown> = { ref: c.ref, from: c.status, to };
    if (to === 'open') {
      const sel = selectSample(await repo.allMembers(q), { filter: c.filter, stratifyBy: c.stratifyBy, sampleSize: c.sampleSize, seed: c.seed, now });
      if (sel.picked.length === 0) throw conflict('no_eligible_members', 'No active member with a contact matches the segment filter');
      const contacts = await repo.contactsOf(q, sel.picked.map((p) => p.id));
      const invitations = sel.picked.map((p) => ({ ...p, token: newSecret(24), invitationId: newId() }));
      await repo.insertInvitations(q, invitations.map((i) => ({ id: i.invitationId, campaignId: id, memberId: i.id, tokenHash: sha256(i.token), stratum: i.stratum })));
      await repo.touchLastInvited(q, sel.picked.map((p) => p.id));
      for (const i of invitations) {
        const to = contacts.get(i.id)!;
        // The only place the token and the contact leave Radar: the gateway's event (docs/panel.md).
        events.push(await eventsRepo.appendEvent(q, 'panel.invitation', i.invitationId, {
          campaign: { id, ref: c.ref, title: c.title, closesAt: c.closesAt }, invitationId: i.invitationId, memberId: i.id,
          channel: to.channel, to: to.contact, token: i.token, respondPath: `/api/panel/respond/${i.token}`, title: `고객 패널 설문: ${c.title}`,
        }));
      }
      details = { ...details, eligible: sel.eligible, invited: invitations.length, strata: sel.strata };
    }
    await repo.setCampaignStatus(q, id, to);
    const after = (await repo.getCampaign(q, id))!;
    if (to === 'closed') {
      events.push(await eventsRepo.appendEvent(q, 'panel.campaign.closed', id, {
        campaign: { id, ref: after.ref, title: after.title, openedAt: after.openedAt, closedAt: after.closedAt }, title: `고객 패널 설문 종료: ${after.title}`,
        invited: after.invited, responded: after.responded, responseRate: rate(after.responded, after.invited),
      }));
      details = { ...details, invited: after.invited, responded: after.responded };
    }
    await audit.appendAudit(q, actor, 'panel.campaign_status_changed', { type: 'panel_campaign', id }, details);
    return { campaign: after, events };
  });
}

const rate = (x: number, n: number) => (n === 0 ? null : Math.round((1000 * x) / n) / 10);

// ---- the public response ----

/** A token as the links carry it (newSecret(24): 32 base64url characters); anything else is unknown. */
const TOKEN_RE = /^[A-Za-z0-9_-]{32}$/;

export interface InvitationView {
  campaign: { title: string; purpose: string; metrics: Metric[]; question: string | null; closesAt: string | null };
  scales: Partial<Record<Metric, { min: number; max: number }>>;
}

/** The invitation a token opens, or the reason it cannot be answered (4xx with a code). */
async function usable(q: Parameters<typeof repo.invitationByHash>[0], token: string, now: number, lock: boolean): Promise<repo.InvitationState> {
  // One answer for a malformed token and an unknown one: nothing tells which tokens exist.
  const inv = TOKEN_RE.test(token) ? await repo.invitationByHash(q, sha256(token), lock) : null;
  if (!inv) throw notFound('invitation_not_found', 'This survey link is not valid');
  if (inv.memberStatus === 'withdrawn') throw new RadarError(410, 'member_withdrawn', 'You have left the customer panel; this survey is no longer available');
  if (inv.respondedAt) throw conflict('already_answered', 'This survey has already been answered. Thank you');
  if (inv.campaign.status === 'closed') throw new RadarError(410, 'campaign_closed', 'This survey has closed');
  if (inv.campaign.status !== 'open') throw conflict('campaign_not_open', 'This survey is not open yet');
  if (inv.campaign.closesAt && Date.parse(inv.campaign.closesAt) <= now) throw new RadarError(410, 'invitation_expired', 'The answer period of this survey has ended');
  if (inv.memberStatus === 'paused') throw conflict('member_paused', 'Your panel membership is paused');
  return inv;
}

export async function viewInvitation(db: Db, token: string, now = Date.now()): Promise<InvitationView> {
  const inv = await usable(db, token, now, false);
  const c = inv.campaign;
  return {
    campaign: { title: c.title, purpose: c.purpose, metrics: c.metrics, question: c.question, closesAt: c.closesAt },
    scales: Object.fromEntries(c.metrics.map((m) => [m, SCALES[m]])),
  };
}

export interface AnswerInput {
  scores: Partial<Record<Metric, number>>;
  comment?: string | null;
}

/** Checks the answers against the campaign: every metric it asks, on its scale, and nothing else. */
export function checkAnswer(metrics: readonly Metric[], a: AnswerInput, question: string | null): IndexedError[] {
  const errors: IndexedError[] = [];
  for (const k of Object.keys(a.scores ?? {})) if (!metrics.includes(k as Metric)) errors.push({ row: 1, field: `scores.${k}`, code: 'unknown_metric', message: `this survey does not ask ${k}` });
  for (const m of metrics) {
    const v = a.scores?.[m];
    if (v === undefined || v === null) { errors.push({ row: 1, field: `scores.${m}`, code: 'missing_field', message: `${m} is required` }); continue; }
    if (!Number.isInteger(v) || v < SCALES[m].min || v > SCALES[m].max) errors.push({ row: 1, field: `scores.${m}`, code: 'score_out_of_range', message: `${m} scores run from ${SCALES[m].min} to ${SCALES[m].max}` });
  }
  if (a.comment && !question) errors.push({ row: 1, field: 'comment', code: 'unknown_field', message: 'this survey asks no free-text question' });
  if (a.comment && a.comment.length > LIMITS.answer) errors.push({ row: 1, field: 'comment', code: 'too_long', message: `at most ${LIMITS.answer} characters` });
  return errors;
}

export interface AnswerResult {
  respondedAt: string;
  flagged: boolean;
}

/**
 * Stores an answer: one survey response per metric (touchpoint 'panel',
 * segment = the sampling stratum, linked to the campaign) so 고객 평가
 * counts them; the free text redacted, on the first metric's response as its
 * comment, and run through the live rule set like a voice-of-customer post.
 */
export async function answerInvitation(db: Db, engine: DetectionEngine, token: string, a: AnswerInput, now = Date.now()): Promise<AnswerResult> {
  return db.tx(async (q) => {
    const inv = await usable(q, token, now, true);
    const errors = checkAnswer(inv.campaign.metrics, a, inv.campaign.question);
    if (errors.length > 0) throw refuse('invalid_answer', errors, 1, 'the answer');
    const text = a.comment?.normalize('NFC').trim() ? redact(a.comment.normalize('NFC').trim()).text : null;
    const hits = text ? detectRisk(engine, `panel:${inv.id}`, '', text).filter((h) => h.field === 'body').map(({ field: _f, ...h }) => h) : [];
    const { categories, severity } = riskOf(hits.map((h) => ({ ...h, field: 'body' as const })));
    const respondedAt = new Date(now).toISOString();
    const rows: surveys.NewResponse[] = inv.campaign.metrics.map((m, i) => ({
      externalId: `panel:${inv.id}:${m}`, metric: m, score: a.scores[m]!, touchpoint: PANEL_TOUCHPOINT, product: null, segment: inv.stratum,
      respondedAt, comment: i === 0 ? text : null, callId: null, customerId: null, caseId: null,
    }));
    await surveys.insertResponses(q, rows, { source: 'api', importId: null, createdBy: 'panel' });
    await repo.linkResponses(q, inv.campaignId, rows.map((r) => r.externalId));
    const at = await repo.recordAnswer(q, inv.id, { text, hits, categories, severity, ruleSetVersion: engine.version });
    // The respondent is anonymous to the audit trail's actor field; the invitation says who.
    await audit.appendAudit(q, { id: null, name: 'panel-respondent' }, 'panel.answered', { type: 'panel_invitation', id: inv.id },
      { campaignId: inv.campaignId, metrics: inv.campaign.metrics, flagged: severity > 0, categories });
    return { respondedAt: at, flagged: severity > 0 };
  });
}

// ---- results ----

export interface SegmentResult extends repo.StratumCount {
  rate: number | null;
  indices: Partial<Record<Metric, MetricIndex>>;
}

export interface CampaignResults {
  campaign: Campaign;
  invited: number;
  responded: number;
  rate: number | null;
  indices: Partial<Record<Metric, MetricIndex>>;
  segments: SegmentResult[];
  byDay: { day: string; n: number }[];
  answers: repo.PanelAnswer[];
  nonRespondents: repo.NonRespondent[];
}

/** Response rate overall and per stratum, the indices (고객 평가's functions) and the answers. */
export async function campaignResults(db: Db, id: string, tz: string): Promise<CampaignResults> {
  const campaign = await repo.getCampaign(db, id);
  if (!campaign) throw notFound('campaign_not_found', 'No such campaign');
  const hist = await repo.campaignHistogram(db, id);
  const indicesOf = (rows: typeof hist): Partial<Record<Metric, MetricIndex>> => Object.fromEntries(campaign.metrics.map((m) => {
    const h = emptyHistogram();
    for (const r of rows) if (r.metric === m) h[r.score] = (h[r.score] ?? 0) + r.n;
    return [m, indexOf(m, h)];
  }));
  const counts = await repo.responseCounts(db, id);
  return {
    campaign, invited: campaign.invited, responded: campaign.responded, rate: rate(campaign.responded, campaign.invited), indices: indicesOf(hist),
    segments: counts.map((s) => ({ ...s, rate: rate(s.responded, s.invited), indices: indicesOf(hist.filter((r) => r.segment === s.stratum)) })),
    byDay: await repo.responsesByDay(db, id, tz), answers: await repo.listAnswers(db, id), nonRespondents: await repo.nonRespondents(db, id),
  };
}

// ---- panel health ----

export interface MixRow {
  value: string;
  active: number;
  panelShare: number | null;
  baseShare: number | null;
  /** panelShare − baseShare in percentage points (positive: over-represented). */
  gap: number | null;
}

export interface PanelOverview {
  members: Record<'all' | 'active' | 'paused' | 'withdrawn' | 'withoutContact', number>;
  consent: { version: string; n: number }[];
  mix: Record<Dimension, MixRow[]>;
  withdrawals: { month: string; n: number }[];
  notInvited: { months: number; n: number };
  campaigns: Record<CampaignStatus, number>;
}

const pct = (x: number) => Math.round(x * 1000) / 10;

/** Active members per segment against the customer base, consent, withdrawals by month, members not invited lately. */
export async function panelOverview(db: Db, tz: string, months: number, now = Date.now()): Promise<PanelOverview> {
  const members = await repo.allMembers(db);
  const active = members.filter((m) => m.status === 'active');
  const base = await repo.baseMix(db);
  const mix = {} as Record<Dimension, MixRow[]>;
  for (const d of DIMENSIONS) {
    const counts = new Map<string, number>();
    for (const m of active) { const v = attribute(m, d) ?? UNKNOWN; counts.set(v, (counts.get(v) ?? 0) + 1); }
    const baseOf = new Map(base.filter((b) => b.dimension === d).map((b) => [b.value, b.share]));
    const values = [...new Set([...counts.keys(), ...baseOf.keys()])];
    mix[d] = values.map((value) => {
      const n = counts.get(value) ?? 0;
      const panelShare = active.length ? pct(n / active.length) : null;
      const b = baseOf.has(value) ? pct(baseOf.get(value)!) : null;
      return { value, active: n, panelShare, baseShare: b, gap: panelShare !== null && b !== null ? Math.round((panelShare - b) * 10) / 10 : null };
    }).sort((a, b) => b.active - a.active || (b.baseShare ?? 0) - (a.baseShare ?? 0) || a.value.localeCompare(b.value));
  }
  const consent = new Map<string, number>();
  for (const m of members) if (m.status !== 'withdrawn') consent.set(m.consentVersion, (consent.get(m.consentVersion) ?? 0) + 1);
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const since = new Date(now);
  since.setUTCMonth(since.getUTCMonth() - 11, 1);
  const campaigns = { draft: 0, scheduled: 0, open: 0, closed: 0 };
  for (const r of await db.query('SELECT status, count(*)::int AS n FROM panel_campaigns GROUP BY status')) campaigns[r.status as CampaignStatus] = r.n;
  return {
    members: {
      all: members.length, active: active.length, paused: members.filter((m) => m.status === 'paused').length,
      withdrawn: members.filter((m) => m.status === 'withdrawn').length, withoutContact: active.filter((m) => !m.hasContact).length,
    },
    consent: [...consent].map(([version, n]) => ({ version, n })).sort((a, b) => b.version.localeCompare(a.version)),
    mix,
    withdrawals: fillMonths(await repo.withdrawalsByMonth(db, tz, since.toISOString()), since, now),
    notInvited: { months, n: active.filter((m) => !m.lastInvitedAt || Date.parse(m.lastInvitedAt) < cutoff.getTime()).length },
    campaigns,
  };
}

/** Twelve months ending with the current one, zero where nobody withdrew. */
function fillMonths(rows: { month: string; n: number }[], since: Date, now: number): { month: string; n: number }[] {
  const byMonth = new Map(rows.map((r) => [r.month, r.n]));
  const out: { month: string; n: number }[] = [];
  const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), 1));
  while (d.getTime() <= now && out.length < 12) {
    const key = d.toISOString().slice(0, 7);
    out.push({ month: key, n: byMonth.get(key) ?? 0 });
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** Members not invited for `months` (or never), for a follow-up campaign. */
export async function notInvitedMembers(db: Db, months: number, limit: number, now = Date.now()): Promise<Member[]> {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return (await repo.allMembers(db)).filter((m) => m.status === 'active' && (!m.lastInvitedAt || Date.parse(m.lastInvitedAt) < cutoff.getTime()))
    .sort((a, b) => (a.lastInvitedAt ?? '').localeCompare(b.lastInvitedAt ?? '') || a.label.localeCompare(b.label)).slice(0, limit);
}

