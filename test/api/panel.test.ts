import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { testDatabases } from '../helpers/databases.js';
import { api, startTestServer } from '../helpers/server.js';

// 고객 패널 through the real server: members in by API, batch and file
// (refusals store nothing), contact data masked and never audited, consent
// withdrawal; a campaign's status machine, the stratified sample drawn at
// opening with one panel.invitation event per member; the public answer
// endpoint (no sign-in, one answer per token, clear 4xx codes, strict
// validation, threats flagged by the live rule set); results that come from
// what was answered, the answers counted by 고객 평가; roles; the workbook.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const CONSENT = { consentAt: '2026-01-05T10:00:00+09:00', consentPurpose: '설문 및 서비스 개선 의견 수렴', consentVersion: 'v2.1' };
const file = (filename: string, data: Buffer | string, extra: Record<string, unknown> = {}) => ({ filename, dataBase64: Buffer.from(data).toString('base64'), ...extra });

/** 12 members: grade 골드 ×6, 실버 ×4, VIP ×2; each with an e-mail or a mobile number. */
function members(prefix: string) {
  const grades = ['골드', '골드', '골드', '골드', '골드', '골드', '실버', '실버', '실버', '실버', 'VIP', 'VIP'];
  return grades.map((grade, i) => ({
    externalId: `${prefix}-${i}`, name: `김민${i}`, grade, ageBand: i % 2 ? '30대' : '40대', region: i < 6 ? '서울' : '부산', products: ['신용카드'],
    tenureYears: i, channel: i % 2 ? 'sms' : 'email', contact: i % 2 ? `010-5555-${String(1000 + i)}` : `member${i}@example.com`, ...CONSENT,
  }));
}

describe.each(testDatabases)('customer panel API ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  const as: Record<string, Record<string, string>> = {};
  const count = async (sql: string, params: unknown[] = []) => (await server.ctx.db.query(sql, params))[0]!.n as number;

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
    for (const role of ['analyst', 'auditor', 'agent', 'officer']) {
      const u = await api(server, 'POST', '/api/users', { username: `pn-${role}`, displayName: role, role, password: 'Initial-Pass-1' });
      const t = await api(server, 'POST', '/api/tokens', { name: `pn-${role}`, userId: u.body.id });
      as[role] = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
    }
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  const publicCall = (method: string, token: string, body?: unknown) => api(server, method, `/api/panel/respond/${token}`, body, body === undefined ? {} : { 'content-type': 'application/json' });
  const tokensOf = async (campaignId: string) =>
    (await server.ctx.db.query("SELECT payload FROM events WHERE type = 'panel.invitation' ORDER BY seq")).map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload))
      .filter((p) => p.campaign.id === campaignId);

  it('members: one (201, then 200 unchanged), a pseudonymous label, the contact masked and kept out of the audit trail', async () => {
    const m = members('one')[0]!;
    const first = await api(server, 'POST', '/api/panel/members', m, as.analyst);
    expect(first.status).toBe(201);
    expect(first.body.label).toMatch(/^김○○ #[0-9a-f]{4}$/);
    expect(first.body.contactMasked).toBe('me***@example.com');
    expect(JSON.stringify(first.body)).not.toContain('member0@example.com');
    expect(JSON.stringify(first.body)).not.toContain('김민0');
    const again = await api(server, 'POST', '/api/panel/members', { ...m, grade: '실버' }, as.analyst);
    expect(again.status).toBe(200);
    expect(again.body.grade).toBe('골드');
    expect(await count("SELECT count(*)::int AS n FROM panel_members WHERE external_id = 'one-0'")).toBe(1);
    const audit = await server.ctx.db.query("SELECT details::text AS d FROM audit_log WHERE action LIKE 'panel.%'");
    expect(audit.length).toBe(1);
    expect(audit.map((a) => a.d).join()).not.toContain('example.com');
  });

  it('refuses bad members with precise codes and stores nothing', async () => {
    const before = await count('SELECT count(*)::int AS n FROM panel_members');
    const ok = members('bad')[0]!;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...ok, channel: 'email', contact: 'not-an-address' }, 'invalid_email', 'contact'],
      [{ ...ok, channel: 'sms', contact: '02-123-4567' }, 'invalid_mobile', 'contact'],
      [{ ...ok, consentAt: '2099-01-01T00:00:00+09:00' }, 'time_in_future', 'consentAt'],
      [{ ...ok, tenureYears: -1 }, 'invalid_tenure', 'tenureYears'],
    ];
    for (const [item, code, field] of cases) {
      const res = await api(server, 'POST', '/api/panel/members/batch', { items: [members('bad2')[1], item] }, as.analyst);
      expect(res.status, code).toBe(400);
      expect(res.body.error.code).toBe('invalid_members');
      expect(res.body.error.details.errors[0]).toMatchObject({ row: 2, field, code });
      // The refusal never repeats a contact value.
      expect(JSON.stringify(res.body)).not.toContain('02-123-4567');
    }
    const missing = await api(server, 'POST', '/api/panel/members', { externalId: 'x-1' }, as.analyst);
    expect(missing.status).toBe(400);
    expect(await count('SELECT count(*)::int AS n FROM panel_members')).toBe(before);
  });

  it('imports a CSV with Korean headers (row errors name the sheet row), then the batch; known ids are unchanged', async () => {
    const csv = [
      '고객번호,이름,연령대,등급,지역,보유상품,거래기간,연락채널,연락처,동의일시,동의목적,동의서버전',
      'csv-1,이서연,20대,골드,서울,신용카드;체크카드,2,sms,010-2222-3333,2026-02-01 09:00,설문 참여,v2.1',
      'csv-2,박준,30대,실버,대전,체크카드,0.5,email,not-mail,2026-02-01,설문 참여,v2.1',
    ].join('\n');
    const bad = await api(server, 'POST', '/api/panel/members/import', file('members.csv', csv), as.analyst);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_file');
    expect(bad.body.error.details.errors).toEqual([expect.objectContaining({ row: 3, field: 'contact', code: 'invalid_email' })]);
    expect(await count("SELECT count(*)::int AS n FROM panel_members WHERE external_id LIKE 'csv-%'")).toBe(0);
    const good = await api(server, 'POST', '/api/panel/members/import', file('members.csv', csv.replace('not-mail', 'park@example.com')), as.analyst);
    expect(good.body).toEqual({ received: 2, created: 2, unchanged: 0, dryRun: false });
    const [row] = await server.ctx.db.query("SELECT products, contact, consent_at FROM panel_members WHERE external_id = 'csv-1'");
    expect(row!.products).toEqual(['신용카드', '체크카드']);
    expect(row!.contact).toBe('01022223333');
    expect(new Date(row!.consent_at).toISOString()).toBe('2026-02-01T00:00:00.000Z'); // 09:00 KST
    const batch = await api(server, 'POST', '/api/panel/members/batch', { items: members('m') }, as.analyst);
    expect(batch.body).toMatchObject({ received: 12, created: 12, unchanged: 0 });
    const again = await api(server, 'POST', '/api/panel/members/batch', { items: members('m') }, as.analyst);
    expect(again.body).toMatchObject({ created: 0, unchanged: 12 });
  });

  let campaignId = '';
  it('campaigns: preview is stratified and deterministic; transitions enforced with 409 codes; opening invites with events', async () => {
    const filter = { regions: ['서울', '부산'] };
    const body = { filter, stratifyBy: ['grade'], sampleSize: 6, seed: 's-1' };
    const p1 = await api(server, 'POST', '/api/panel/campaigns/preview', body, as.analyst);
    expect(p1.status).toBe(200);
    // 14 eligible (12 m-*, one-0 and csv-1 in 서울; csv-2 in 대전 is outside the filter) = 골드 8, 실버 4, VIP 2;
    // 6 × (8, 4, 2)/14 = 3.43, 1.71, 0.86 → floors 3, 1, 0, the two left to the largest remainders (VIP, 실버).
    expect(p1.body.eligible).toBe(14);
    const byKey = Object.fromEntries(p1.body.strata.map((s: any) => [s.key, s]));
    expect(byKey['골드']).toMatchObject({ eligible: 8, selected: 3 });
    expect(byKey['실버']).toMatchObject({ eligible: 4, selected: 2 });
    expect(byKey.VIP).toMatchObject({ eligible: 2, selected: 1 });
    expect(p1.body.sampleSize).toBe(6);

    const created = await api(server, 'POST', '/api/panel/campaigns', {
      title: '결제 알림 개선 설문', purpose: '결제 알림 서비스 만족도 확인', metrics: ['nps', 'csat'], question: '개선할 점을 알려 주세요', ...body,
      closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    }, as.officer);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', ref: expect.stringMatching(/^PNL-\d{4}$/), invited: 0 });
    campaignId = created.body.id;

    const bad = await api(server, 'POST', `/api/panel/campaigns/${campaignId}/transition`, { to: 'closed' }, as.officer);
    expect(bad.status).toBe(409);
    expect(bad.body.error.code).toBe('invalid_transition');
    const sched = await api(server, 'POST', `/api/panel/campaigns/${campaignId}/transition`, { to: 'scheduled' }, as.officer);
    expect(sched.body.error.code).toBe('schedule_required');

    const opened = await api(server, 'POST', `/api/panel/campaigns/${campaignId}/transition`, { to: 'open' }, as.officer);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ status: 'open', invited: 6, responded: 0 });
    const events = await tokensOf(campaignId);
    expect(events).toHaveLength(6);
    expect(new Set(events.map((e) => e.token)).size).toBe(6);
    for (const e of events) expect(e.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Tokens are stored only as hashes.
    expect(await count('SELECT count(*)::int AS n FROM panel_invitations WHERE token_hash = ANY($1::text[])', [events.map((e) => e.token)])).toBe(0);
    // The sample drawn at opening is the preview's for the same seed (same members per stratum).
    const strata = await server.ctx.db.query('SELECT stratum, count(*)::int AS n FROM panel_invitations WHERE campaign_id = $1 GROUP BY 1', [campaignId]);
    expect(Object.fromEntries(strata.map((s) => [s.stratum, s.n]))).toEqual({ 골드: 3, 실버: 2, VIP: 1 });
    const edit = await api(server, 'PATCH', `/api/panel/campaigns/${campaignId}`, { sampleSize: 10 }, as.officer);
    expect(edit.body.error.code).toBe('campaign_locked');
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'panel.campaign_status_changed'")).toBe(1);
  });

  it('public endpoint: no sign-in, strict, one answer per token, threats flagged, answers counted by 고객 평가', async () => {
    const [a, b, c] = await tokensOf(campaignId);
    const unknown = await publicCall('GET', 'A'.repeat(32));
    const malformed = await publicCall('GET', 'abc');
    expect([unknown.status, malformed.status]).toEqual([404, 404]);
    expect(unknown.body).toEqual(malformed.body);
    const view = await publicCall('GET', a.token);
    expect(view.status).toBe(200);
    expect(view.body.campaign).toMatchObject({ title: '결제 알림 개선 설문', metrics: ['nps', 'csat'], question: '개선할 점을 알려 주세요' });
    expect(view.body.scales).toEqual({ nps: { min: 0, max: 10 }, csat: { min: 1, max: 5 } });

    for (const [body, code] of [
      [{ scores: { nps: 11, csat: 4 } }, 'invalid_answer'],
      [{ scores: { nps: 9 } }, 'invalid_answer'],
      [{ scores: { nps: 9, csat: 4, ces: 3 } }, 'invalid_answer'],
      [{ scores: { nps: '9', csat: 4 } }, 'invalid_request'],
      [{ scores: { nps: 9, csat: 4 }, extra: 1 }, 'invalid_request'],
    ] as const) {
      const r = await publicCall('POST', a.token, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe(code);
    }
    expect(await count("SELECT count(*)::int AS n FROM survey_responses WHERE touchpoint = 'panel'")).toBe(0);

    const threat = await publicCall('POST', a.token, { scores: { nps: 2, csat: 1 }, comment: '알림이 계속 늦어요. 해결 안 되면 금감원에 민원 넣겠습니다. 010-9876-5432' });
    expect(threat.status).toBe(201);
    expect(threat.body).toEqual({ ok: true, respondedAt: expect.any(String) });
    const twice = await publicCall('POST', a.token, { scores: { nps: 9, csat: 5 } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_answered');
    expect((await publicCall('POST', b.token, { scores: { nps: 10, csat: 5 }, comment: '만족합니다' })).status).toBe(201);

    const rows = await server.ctx.db.query("SELECT metric, score, segment, comment, campaign_id FROM survey_responses WHERE touchpoint = 'panel' ORDER BY external_id, metric");
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.campaign_id === campaignId)).toBe(true);
    const withComment = rows.filter((r) => r.comment);
    expect(withComment.map((r) => r.comment).join()).not.toContain('9876');

    // 고객 평가 sees them (touchpoint 'panel').
    const ov = await api(server, 'GET', `/api/surveys/indices?${new URLSearchParams({ touchpoint: 'panel', from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() })}`);
    expect(ov.status).toBe(200);
    expect(ov.body.metrics.nps.current.n).toBe(2);

    const res = await api(server, 'GET', `/api/panel/campaigns/${campaignId}/results`, undefined, { authorization: as.auditor!.authorization! });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ invited: 6, responded: 2, rate: 33.3 });
    // NPS of one promoter (10) and one detractor (2) is 0; CSAT % of 4–5 is 50.
    expect(res.body.indices.nps.headline.value).toBe(0);
    expect(res.body.indices.csat.headline.value).toBe(50);
    expect(res.body.indices.nps.headline.low).toBeLessThan(0);
    expect(res.body.segments.reduce((s: number, x: any) => s + x.responded, 0)).toBe(2);
    const flagged = res.body.answers.filter((x: any) => x.severity > 0);
    expect(flagged).toHaveLength(1);
    expect(flagged[0].categories).toContain('external_authority');
    expect(flagged[0].text).not.toContain('9876-5432');
    expect(flagged[0].scores).toEqual({ nps: 2, csat: 1 });
    expect(res.body.nonRespondents).toHaveLength(4);
    expect(res.body.nonRespondents.map((n: any) => n.invitationId)).not.toContain(a.invitationId);

    // A withdrawn member's link stops working; the contact is erased.
    const withdraw = await api(server, 'POST', `/api/panel/members/${c.memberId}/withdraw`, { reason: '연락을 원하지 않음' }, as.officer);
    expect(withdraw.status).toBe(200);
    expect(withdraw.body).toMatchObject({ status: 'withdrawn', hasContact: false, contactMasked: null, withdrawalReason: '연락을 원하지 않음' });
    expect(await count('SELECT count(*)::int AS n FROM panel_members WHERE id = $1 AND contact IS NULL AND withdrawn_at IS NOT NULL', [c.memberId])).toBe(1);
    const gone = await publicCall('POST', c.token, { scores: { nps: 5, csat: 3 } });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('member_withdrawn');
    expect((await api(server, 'PATCH', `/api/panel/members/${c.memberId}`, { status: 'active' }, as.officer)).body.error.code).toBe('member_withdrawn');
  });

  it('closing emits panel.campaign.closed; the links then answer 410 campaign_closed', async () => {
    const [, , , d] = await tokensOf(campaignId);
    const closed = await api(server, 'POST', `/api/panel/campaigns/${campaignId}/transition`, { to: 'closed' }, as.analyst);
    expect(closed.body.status).toBe('closed');
    const [ev] = await server.ctx.db.query("SELECT payload FROM events WHERE type = 'panel.campaign.closed' AND subject_id = $1", [campaignId]);
    const payload = typeof ev!.payload === 'string' ? JSON.parse(ev!.payload) : ev!.payload;
    expect(payload).toMatchObject({ invited: 6, responded: 2, responseRate: 33.3 });
    const late = await publicCall('POST', d.token, { scores: { nps: 8, csat: 4 } });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('campaign_closed');
    expect((await api(server, 'POST', `/api/panel/campaigns/${campaignId}/transition`, { to: 'open' }, as.analyst)).status).toBe(409);
  });

  it('overview: active members per segment against the base mix, withdrawals this month, members not invited', async () => {
    const mix = await api(server, 'PUT', '/api/panel/base-mix/grade', { items: [{ value: '골드', share: 0.3 }, { value: '실버', share: 0.5 }, { value: 'VIP', share: 0.1 }] }, as.analyst);
    expect(mix.status).toBe(200);
    const over = await api(server, 'PUT', '/api/panel/base-mix/grade', { items: [{ value: '골드', share: 0.8 }, { value: '실버', share: 0.5 }] }, as.analyst);
    expect(over.body.error.code).toBe('invalid_mix');
    const o = await api(server, 'GET', '/api/panel/overview', undefined, { authorization: as.auditor!.authorization! });
    expect(o.status).toBe(200);
    const active = o.body.members.active as number;
    expect(o.body.members.withdrawn).toBe(1);
    expect(active).toBe(14);
    const gold = o.body.mix.grade.find((r: any) => r.value === '골드');
    const goldActive = await count("SELECT count(*)::int AS n FROM panel_members WHERE status = 'active' AND grade = '골드'");
    expect(gold).toMatchObject({ active: goldActive, baseShare: 30 });
    expect(gold.panelShare).toBeCloseTo((100 * goldActive) / active, 1);
    expect(o.body.withdrawals.at(-1).n).toBe(1);
    // 6 invited, one of whom withdrew: 14 active − 5 invited = 9 never invited.
    expect(o.body.notInvited.n).toBe(active - 5);
    const list = await api(server, 'GET', '/api/panel/members/not-invited?months=6');
    expect(list.body.items).toHaveLength(active - 5);
  });

  it('roles: agents see nothing, auditors read but do not write; the workbook has its four sheets', async () => {
    expect((await api(server, 'GET', '/api/panel/members', undefined, as.agent)).status).toBe(403);
    expect((await api(server, 'POST', '/api/panel/campaigns', { title: 't', purpose: 'p', metrics: ['nps'], sampleSize: 1 }, as.auditor)).status).toBe(403);
    const list = await api(server, 'GET', '/api/panel/members?grade=%EA%B3%A8%EB%93%9C', undefined, as.auditor);
    expect(list.status).toBe(200);
    expect(list.body.items.every((m: any) => m.grade === '골드')).toBe(true);
    expect(JSON.stringify(list.body)).not.toMatch(/010\d{8}|member\d+@example\.com/);
    const res = await fetch(`${server.url}/api/panel/campaigns/${campaignId}/export.xlsx`, { headers: { authorization: as.auditor!.authorization! } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['요약', '세그먼트', '자유응답', '미응답']);
    expect(wb.getWorksheet('자유응답')!.rowCount).toBe(3);
    expect(wb.getWorksheet('미응답')!.rowCount).toBe(5);
    expect(await count("SELECT count(*)::int AS n FROM audit_log WHERE action = 'export.panel_campaign'")).toBe(1);
  });

  it('documents the API in OpenAPI, the public answer endpoint included', async () => {
    const doc = await api(server, 'GET', '/docs/json', undefined, as.analyst);
    expect(doc.status).toBe(200);
    for (const p of ['/api/panel/members', '/api/panel/members/import', '/api/panel/members/{id}/withdraw', '/api/panel/campaigns', '/api/panel/campaigns/preview',
      '/api/panel/campaigns/{id}/transition', '/api/panel/campaigns/{id}/results', '/api/panel/campaigns/{id}/export.xlsx', '/api/panel/overview', '/api/panel/respond/{token}']) {
      expect(Object.keys(doc.body.paths), p).toContain(p);
    }
    expect(doc.body.paths['/api/panel/respond/{token}'].post.requestBody.content['application/json'].schema.required).toEqual(['scores']);
  });
});

describe('customer panel public endpoint rate limit', () => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await testDatabases[0]!.open();
    drop = opened.drop;
    server = await startTestServer(opened.db, { RADAR_LOGIN_RATE_LIMIT_PER_MIN: '2' });
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it('answers 429 rate_limited past the per-address limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await api(server, 'GET', `/api/panel/respond/${'B'.repeat(32)}`, undefined, {})).status);
    expect(codes.slice(0, 10).every((c) => c === 404)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });
});
