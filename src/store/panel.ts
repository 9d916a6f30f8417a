import {
  campaignRef, maskContact, tenureBand, type Campaign, type CampaignInput, type CampaignStatus, type Dimension, type Member, type MemberInput,
  type MemberStatus, type SegmentFilter,
} from '../panel/model.js';
import type { Metric } from '../analytics/surveys/index.js';
import type { Queryable, Row } from './db.js';
import { isoOrNull, isoTime as iso, jsonValue } from './rows.js';

// Storage of the customer panel (migration 014): members, campaigns,
// invitations, the customer-base mix, and the campaign link on survey
// responses. SQL only; rules live in src/panel.

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toMember(r: Row): Member {
  const tenureYears = num(r.tenure_years);
  return {
    id: r.id, externalId: r.external_id, label: r.label, ageBand: r.age_band, grade: r.grade, region: r.region, products: r.products ?? [],
    tenureYears, tenureBand: tenureBand(tenureYears), status: r.status, channel: r.channel, contactMasked: maskContact(r.channel, r.contact),
    hasContact: r.contact !== null, consentAt: iso(r.consent_at), consentPurpose: r.consent_purpose, consentVersion: r.consent_version,
    withdrawnAt: isoOrNull(r.withdrawn_at), withdrawalReason: r.withdrawal_reason, lastInvitedAt: isoOrNull(r.last_invited_at),
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** Inserts members; an external id already stored is skipped. Returns the external ids stored now. */
export async function insertMembers(q: Queryable, rows: readonly (MemberInput & { id: string })[], by: string): Promise<Set<string>> {
  const created = new Set<string>();
  for (let i = 0; i < rows.length; i += 1000) {
    const c = rows.slice(i, i + 1000);
    const col = <K extends keyof (MemberInput & { id: string })>(k: K) => c.map((r) => r[k]);
    const res = await q.query(
      `INSERT INTO panel_members (id, external_id, label, age_band, grade, region, products, tenure_years, status, channel, contact, consent_at, consent_purpose, consent_version, created_by)
       SELECT i, e, l, a, g, r, (SELECT coalesce(array_agg(x), '{}') FROM jsonb_array_elements_text(p::jsonb) x), t, s, ch, ct, ca, cp, cv, $15
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::text[])
         AS x(i, e, l, a, g, r, p, t, s, ch, ct, ca, cp, cv)
       ON CONFLICT (external_id) DO NOTHING
       RETURNING external_id`,
      [col('id'), col('externalId'), col('label'), col('ageBand'), col('grade'), col('region'), c.map((r) => JSON.stringify(r.products)), col('tenureYears'),
        col('status'), col('channel'), col('contact'), col('consentAt'), col('consentPurpose'), col('consentVersion'), by],
    );
    for (const r of res) created.add(r.external_id);
  }
  return created;
}

export async function existingMemberIds(q: Queryable, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) {
    for (const r of await q.query('SELECT external_id FROM panel_members WHERE external_id = ANY($1::text[])', [ids.slice(i, i + 5000)])) out.add(r.external_id);
  }
  return out;
}

export async function getMember(q: Queryable, id: string, lock = false): Promise<Member | null> {
  const [r] = await q.query(`SELECT * FROM panel_members WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toMember(r) : null;
}

export async function getMemberByExternalId(q: Queryable, externalId: string): Promise<Member | null> {
  const [r] = await q.query('SELECT * FROM panel_members WHERE external_id = $1', [externalId]);
  return r ? toMember(r) : null;
}

export interface MemberFilter {
  status?: MemberStatus;
  ageBand?: string;
  grade?: string;
  region?: string;
  q?: string;
  limit: number;
  offset?: number;
}

export async function listMembers(q: Queryable, f: MemberFilter): Promise<{ items: Member[]; total: number; counts: Record<MemberStatus | 'all', number> }> {
  const params: unknown[] = [];
  const parts: string[] = [];
  // Every '?' of a part is the same (one) parameter.
  const add = (sql: string, v: unknown) => { params.push(v); parts.push(sql.replaceAll('?', `$${params.length}`)); };
  if (f.ageBand) add('age_band = ?', f.ageBand);
  if (f.grade) add('grade = ?', f.grade);
  if (f.region) add('region = ?', f.region);
  if (f.q) add("(external_id ILIKE '%' || ? || '%' OR label ILIKE '%' || ? || '%')", f.q);
  const base = parts.length ? parts.join(' AND ') : 'TRUE';
  const countRows = await q.query(`SELECT status, count(*)::int AS n FROM panel_members WHERE ${base} GROUP BY status`, params);
  const counts = { all: 0, active: 0, paused: 0, withdrawn: 0 };
  for (const r of countRows) { counts[r.status as MemberStatus] = r.n; counts.all += r.n; }
  const statusSql = f.status ? ` AND status = $${params.length + 1}` : '';
  const p2 = f.status ? [...params, f.status] : params;
  const rows = await q.query(
    `SELECT * FROM panel_members WHERE ${base}${statusSql} ORDER BY created_at DESC, id LIMIT $${p2.length + 1} OFFSET $${p2.length + 2}`,
    [...p2, f.limit, f.offset ?? 0],
  );
  return { items: rows.map(toMember), total: f.status ? counts[f.status] : counts.all, counts };
}

export interface MemberChange {
  ageBand?: string | null;
  grade?: string | null;
  region?: string | null;
  products?: string[];
  tenureYears?: number | null;
  status?: 'active' | 'paused';
  channel?: 'email' | 'sms' | null;
  contact?: string | null;
}

const MEMBER_COLUMNS: Record<keyof MemberChange, string> = {
  ageBand: 'age_band', grade: 'grade', region: 'region', products: 'products', tenureYears: 'tenure_years', status: 'status', channel: 'channel', contact: 'contact',
};

export async function updateMember(q: Queryable, id: string, change: MemberChange): Promise<Member | null> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) continue;
    params.push(v);
    sets.push(`${MEMBER_COLUMNS[k as keyof MemberChange]} = $${params.length}`);
  }
  const [r] = await q.query(`UPDATE panel_members SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`, params);
  return r ? toMember(r) : null;
}

/** Withdrawal: status, time and reason recorded; the contact value is erased. */
export async function withdrawMember(q: Queryable, id: string, reason: string | null): Promise<Member | null> {
  const [r] = await q.query(
    `UPDATE panel_members SET status = 'withdrawn', contact = NULL, withdrawn_at = now(), withdrawal_reason = $2, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, reason],
  );
  return r ? toMember(r) : null;
}

/** Every member with what sampling and the overview need (the panel is thousands, not millions). */
export async function allMembers(q: Queryable): Promise<Member[]> {
  return (await q.query('SELECT * FROM panel_members ORDER BY id')).map(toMember);
}

/** Contacts of the given members (only for building invitation events). */
export async function contactsOf(q: Queryable, ids: readonly string[]): Promise<Map<string, { channel: string; contact: string }>> {
  const rows = await q.query("SELECT id, channel, contact FROM panel_members WHERE id = ANY($1::text[]) AND contact IS NOT NULL AND status = 'active'", [ids]);
  return new Map(rows.map((r) => [r.id, { channel: r.channel, contact: r.contact }]));
}

export async function touchLastInvited(q: Queryable, ids: readonly string[]): Promise<void> {
  await q.query('UPDATE panel_members SET last_invited_at = now() WHERE id = ANY($1::text[])', [ids]);
}

export async function withdrawalsByMonth(q: Queryable, tz: string, since: string): Promise<{ month: string; n: number }[]> {
  const rows = await q.query(
    `SELECT to_char(date_trunc('month', withdrawn_at AT TIME ZONE $1), 'YYYY-MM') AS month, count(*)::int AS n
     FROM panel_members WHERE withdrawn_at >= $2 GROUP BY 1 ORDER BY 1`,
    [tz, since],
  );
  return rows.map((r) => ({ month: r.month, n: r.n }));
}

// ---- campaigns ----

const CAMPAIGN_SELECT = `SELECT c.*,
  (SELECT count(*)::int FROM panel_invitations i WHERE i.campaign_id = c.id) AS invited,
  (SELECT count(*)::int FROM panel_invitations i WHERE i.campaign_id = c.id AND i.responded_at IS NOT NULL) AS responded
  FROM panel_campaigns c`;

function toCampaign(r: Row): Campaign {
  return {
    id: r.id, number: Number(r.number), ref: campaignRef(Number(r.number)), title: r.title, purpose: r.purpose, metrics: r.metrics as Metric[],
    question: r.question, filter: jsonValue<SegmentFilter>(r.filter), stratifyBy: r.stratify_by as Dimension[], sampleSize: r.sample_size, seed: r.seed,
    opensAt: isoOrNull(r.opens_at), closesAt: isoOrNull(r.closes_at), status: r.status, openedAt: isoOrNull(r.opened_at), closedAt: isoOrNull(r.closed_at),
    createdBy: r.created_by, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), invited: r.invited ?? 0, responded: r.responded ?? 0,
  };
}

export async function insertCampaign(q: Queryable, id: string, c: CampaignInput & { seed: string }, by: string): Promise<Campaign> {
  await q.query(
    `INSERT INTO panel_campaigns (id, title, purpose, metrics, question, filter, stratify_by, sample_size, seed, opens_at, closes_at, status, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12)`,
    [id, c.title, c.purpose, c.metrics, c.question, JSON.stringify(c.filter), c.stratifyBy, c.sampleSize, c.seed, c.opensAt, c.closesAt, by],
  );
  return (await getCampaign(q, id))!;
}

export async function updateCampaign(q: Queryable, id: string, c: Partial<CampaignInput>): Promise<void> {
  const cols: Record<string, [string, (v: any) => unknown]> = {
    title: ['title', (v) => v], purpose: ['purpose', (v) => v], metrics: ['metrics', (v) => v], question: ['question', (v) => v],
    filter: ['filter', (v) => JSON.stringify(v)], stratifyBy: ['stratify_by', (v) => v], sampleSize: ['sample_size', (v) => v], seed: ['seed', (v) => v],
    opensAt: ['opens_at', (v) => v], closesAt: ['closes_at', (v) => v],
  };
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined || !cols[k]) continue;
    if (k === 'seed' && v === null) continue;
    params.push(cols[k]![1](v));
    sets.push(`${cols[k]![0]} = $${params.length}`);
  }
  await q.query(`UPDATE panel_campaigns SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`, params);
}

export async function getCampaign(q: Queryable, id: string, lock = false): Promise<Campaign | null> {
  if (lock) await q.query('SELECT id FROM panel_campaigns WHERE id = $1 FOR UPDATE', [id]);
  const [r] = await q.query(`${CAMPAIGN_SELECT} WHERE c.id = $1`, [id]);
  return r ? toCampaign(r) : null;
}

export async function listCampaigns(q: Queryable, f: { status?: CampaignStatus; limit: number; offset?: number }): Promise<{ items: Campaign[]; total: number }> {
  const rows = await q.query(
    `${CAMPAIGN_SELECT} WHERE ($1::text IS NULL OR c.status = $1) ORDER BY c.created_at DESC, c.number DESC LIMIT $2 OFFSET $3`,
    [f.status ?? null, f.limit, f.offset ?? 0],
  );
  const [n] = await q.query('SELECT count(*)::int AS n FROM panel_campaigns WHERE ($1::text IS NULL OR status = $1)', [f.status ?? null]);
  return { items: rows.map(toCampaign), total: n!.n };
}

/** Campaigns whose schedule has come: scheduled ones whose opening time passed, open ones whose closing time passed. */
export async function dueCampaigns(q: Queryable, now: Date): Promise<{ id: string; ref: string; status: CampaignStatus }[]> {
  const rows = await q.query(
    `SELECT id, number, status FROM panel_campaigns
      WHERE (status = 'scheduled' AND opens_at <= $1) OR (status = 'open' AND closes_at <= $1)
      ORDER BY number`,
    [now.toISOString()],
  );
  return rows.map((r) => ({ id: r.id, ref: campaignRef(Number(r.number)), status: r.status }));
}

export async function setCampaignStatus(q: Queryable, id: string, status: CampaignStatus): Promise<void> {
  await q.query(
    `UPDATE panel_campaigns SET status = $2, updated_at = now(),
       opened_at = CASE WHEN $2 = 'open' THEN now() ELSE opened_at END,
       opens_at = CASE WHEN $2 = 'open' AND (opens_at IS NULL OR opens_at > now()) THEN now() ELSE opens_at END,
       closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE closed_at END
     WHERE id = $1`,
    [id, status],
  );
}

// ---- invitations ----

export interface NewInvitation {
  id: string;
  campaignId: string;
  memberId: string;
  tokenHash: string;
  stratum: string;
}

export async function insertInvitations(q: Queryable, rows: readonly NewInvitation[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const c = rows.slice(i, i + 1000);
    await q.query(
      `INSERT INTO panel_invitations (id, campaign_id, member_id, token_hash, stratum)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [c.map((r) => r.id), c.map((r) => r.campaignId), c.map((r) => r.memberId), c.map((r) => r.tokenHash), c.map((r) => r.stratum)],
    );
  }
}

export interface InvitationState {
  id: string;
  campaignId: string;
  memberId: string;
  stratum: string;
  respondedAt: string | null;
  memberStatus: MemberStatus;
  campaign: Pick<Campaign, 'id' | 'title' | 'purpose' | 'metrics' | 'question' | 'status' | 'opensAt' | 'closesAt'>;
}

/** The invitation of a token hash with its campaign and member state; `lock` for answering. */
export async function invitationByHash(q: Queryable, tokenHash: string, lock = false): Promise<InvitationState | null> {
  const [r] = await q.query(
    `SELECT i.id, i.campaign_id, i.member_id, i.stratum, i.responded_at, m.status AS member_status,
            c.title, c.purpose, c.metrics, c.question, c.status, c.opens_at, c.closes_at
     FROM panel_invitations i JOIN panel_members m ON m.id = i.member_id JOIN panel_campaigns c ON c.id = i.campaign_id
     WHERE i.token_hash = $1${lock ? ' FOR UPDATE OF i' : ''}`,
    [tokenHash],
  );
  if (!r) return null;
  return {
    id: r.id, campaignId: r.campaign_id, memberId: r.member_id, stratum: r.stratum, respondedAt: isoOrNull(r.responded_at), memberStatus: r.member_status,
    campaign: { id: r.campaign_id, title: r.title, purpose: r.purpose, metrics: r.metrics, question: r.question, status: r.status, opensAt: isoOrNull(r.opens_at), closesAt: isoOrNull(r.closes_at) },
  };
}

export interface AnswerRecord {
  text: string | null;
  hits: unknown[];
  categories: string[];
  severity: number;
  ruleSetVersion: number;
}

export async function recordAnswer(q: Queryable, invitationId: string, a: AnswerRecord): Promise<string> {
  const [r] = await q.query(
    `UPDATE panel_invitations SET responded_at = now(), answer_text = $2, hits = $3, categories = $4, severity = $5, rule_set_version = $6
     WHERE id = $1 AND responded_at IS NULL RETURNING responded_at`,
    [invitationId, a.text, JSON.stringify(a.hits), a.categories, a.severity, a.ruleSetVersion],
  );
  return iso(r!.responded_at);
}

/** Marks stored survey responses as answers of the campaign (the link 고객 평가 itself does not know). */
export async function linkResponses(q: Queryable, campaignId: string, externalIds: readonly string[]): Promise<void> {
  await q.query('UPDATE survey_responses SET campaign_id = $1 WHERE external_id = ANY($2::text[])', [campaignId, externalIds]);
}

export interface StratumCount {
  stratum: string;
  invited: number;
  responded: number;
}

export async function responseCounts(q: Queryable, campaignId: string): Promise<StratumCount[]> {
  const rows = await q.query(
    `SELECT stratum, count(*)::int AS invited, count(responded_at)::int AS responded FROM panel_invitations WHERE campaign_id = $1
     GROUP BY stratum ORDER BY count(*) DESC, stratum`,
    [campaignId],
  );
  return rows.map((r) => ({ stratum: r.stratum, invited: r.invited, responded: r.responded }));
}

/** Responses per local day since the campaign opened. */
export async function responsesByDay(q: Queryable, campaignId: string, tz: string): Promise<{ day: string; n: number }[]> {
  const rows = await q.query(
    `SELECT to_char(responded_at AT TIME ZONE $2, 'YYYY-MM-DD') AS day, count(*)::int AS n FROM panel_invitations
     WHERE campaign_id = $1 AND responded_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [campaignId, tz],
  );
  return rows.map((r) => ({ day: r.day, n: r.n }));
}

/** Score counts of the campaign's survey responses per metric (and per stratum = the response's segment). */
export async function campaignHistogram(q: Queryable, campaignId: string): Promise<{ segment: string | null; metric: Metric; score: number; n: number }[]> {
  const rows = await q.query(
    'SELECT segment, metric, score, count(*)::int AS n FROM survey_responses WHERE campaign_id = $1 GROUP BY 1, 2, 3',
    [campaignId],
  );
  return rows.map((r) => ({ segment: r.segment, metric: r.metric, score: Number(r.score), n: r.n }));
}

export interface PanelAnswer {
  invitationId: string;
  memberLabel: string;
  stratum: string;
  respondedAt: string;
  scores: Partial<Record<Metric, number>>;
  text: string | null;
  hits: unknown[];
  categories: string[];
  severity: number;
}

/** Every answer of the campaign with its scores, flagged ones first, then newest. */
export async function listAnswers(q: Queryable, campaignId: string): Promise<PanelAnswer[]> {
  const rows = await q.query(
    `SELECT i.id, i.stratum, i.responded_at, i.answer_text, i.hits, i.categories, i.severity, m.label,
            (SELECT jsonb_object_agg(s.metric, s.score) FROM survey_responses s WHERE s.campaign_id = i.campaign_id AND s.external_id LIKE 'panel:' || i.id || ':%') AS scores
     FROM panel_invitations i JOIN panel_members m ON m.id = i.member_id
     WHERE i.campaign_id = $1 AND i.responded_at IS NOT NULL ORDER BY i.severity DESC, i.responded_at DESC, i.id`,
    [campaignId],
  );
  return rows.map((r) => ({
    invitationId: r.id, memberLabel: r.label, stratum: r.stratum, respondedAt: iso(r.responded_at), scores: jsonValue(r.scores) ?? {},
    text: r.answer_text, hits: jsonValue(r.hits), categories: r.categories ?? [], severity: Number(r.severity),
  }));
}

export interface NonRespondent {
  invitationId: string;
  memberId: string;
  memberLabel: string;
  stratum: string;
  channel: string | null;
  memberStatus: MemberStatus;
  invitedAt: string;
}

export async function nonRespondents(q: Queryable, campaignId: string): Promise<NonRespondent[]> {
  const rows = await q.query(
    `SELECT i.id, i.member_id, i.stratum, i.invited_at, m.label, m.channel, m.status FROM panel_invitations i JOIN panel_members m ON m.id = i.member_id
     WHERE i.campaign_id = $1 AND i.responded_at IS NULL ORDER BY i.stratum, m.label`,
    [campaignId],
  );
  return rows.map((r) => ({ invitationId: r.id, memberId: r.member_id, memberLabel: r.label, stratum: r.stratum, channel: r.channel, memberStatus: r.status, invitedAt: iso(r.invited_at) }));
}

export async function invitationsOfMember(q: Queryable, memberId: string): Promise<{ campaignId: string; ref: string; title: string; invitedAt: string; respondedAt: string | null }[]> {
  const rows = await q.query(
    `SELECT c.id, c.number, c.title, i.invited_at, i.responded_at FROM panel_invitations i JOIN panel_campaigns c ON c.id = i.campaign_id
     WHERE i.member_id = $1 ORDER BY i.invited_at DESC LIMIT 50`,
    [memberId],
  );
  return rows.map((r) => ({ campaignId: r.id, ref: campaignRef(Number(r.number)), title: r.title, invitedAt: iso(r.invited_at), respondedAt: isoOrNull(r.responded_at) }));
}

// ---- customer-base mix ----

export interface MixEntry {
  dimension: Dimension;
  value: string;
  share: number;
}

export async function baseMix(q: Queryable): Promise<MixEntry[]> {
  return (await q.query('SELECT dimension, value, share FROM panel_base_mix ORDER BY dimension, share DESC, value')).map((r) => ({ dimension: r.dimension, value: r.value, share: Number(r.share) }));
}

/** Replaces one dimension's mix. */
export async function replaceBaseMix(q: Queryable, dimension: Dimension, entries: readonly { value: string; share: number }[], by: string): Promise<void> {
  await q.query('DELETE FROM panel_base_mix WHERE dimension = $1', [dimension]);
  if (entries.length === 0) return;
  await q.query(
    'INSERT INTO panel_base_mix (dimension, value, share, updated_by) SELECT $1, v, s, $4 FROM unnest($2::text[], $3::float8[]) AS x(v, s)',
    [dimension, entries.map((e) => e.value), entries.map((e) => e.share), by],
  );
}
