import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { verifySignature } from '../../src/delivery/index.js';
import { kstDay } from '../../src/vos/topics.js';
import { testDatabases } from '../helpers/databases.js';
import { api, testConfig } from '../helpers/server.js';
import { fastDelivery, receiverPool, waitUntil } from '../delivery/receivers.js';

// The voice-of-customer board through the real server: the website posts with
// a token scoped to vos:write (redacted, flagged by the live rule set, tagged
// with topics, idempotent on its id); bad input changes nothing; officers
// review, answer and hide (events delivered signed, audited); a post becomes a
// case or joins one; the topic summary and the Excel export.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const DAY = 86_400_000;
type Headers = Record<string, string>;
const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

describe.each(testDatabases)('voice-of-customer board API ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  const receivers = receiverPool();
  let site: Headers;
  let officer: Headers;
  let analyst: Headers;

  async function userToken(username: string, role: string, scopes?: string[]): Promise<Headers> {
    const u = await api(server, 'POST', '/api/users', { username, displayName: username, role, password: 'Initial-Pass-1' });
    const t = await api(server, 'POST', '/api/tokens', { name: username, userId: u.body.id, ...(scopes ? { scopes } : {}) });
    expect(t.status).toBe(201);
    return bearer(t.body.token);
  }

  const post = (body: Record<string, unknown>, headers = site) => api(server, 'POST', '/api/vos/posts', body, headers);
  const count = async (table: string) => Number((await server.ctx.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);

  beforeAll(async () => {
    vi.stubEnv('RADAR_EARLY_WARNING', 'off');
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startServer(testConfig(), { db: opened.db, log: pino({ level: 'silent' }), delivery: fastDelivery('smtp://127.0.0.1:1') });
    vi.unstubAllEnvs();
    site = await userToken('homepage-bot', 'admin', ['vos:write']);
    officer = await userToken('vos-officer', 'officer');
    analyst = await userToken('vos-analyst', 'analyst');
  });
  afterAll(async () => {
    await server?.close();
    await receivers.closeAll();
    await drop?.();
  });

  it('stores a post redacted, flagged like a call and tagged with topics; the same external id again changes nothing', async () => {
    const res = await post({
      externalId: 'web-1001', channel: 'homepage', kind: 'complaint', title: '결제 오류 해결 안 되면',
      body: '지난주부터 결제가 안 돼요. 금감원에 민원 넣겠습니다. 연락처 010-1234-5678 로 전화 주세요.', customerId: 'CUST-1', product: '플래티넘 카드',
    });
    expect(res.status).toBe(201);
    const p = res.body;
    expect(p.ref).toMatch(/^VOS-\d{6}$/);
    expect(p.body).toContain('[전화번호]');
    expect(JSON.stringify(p)).not.toContain('1234-5678');
    expect(p.redactions).toEqual([expect.objectContaining({ field: 'body', kind: 'phone' })]);
    expect(p.body.slice(p.redactions[0].start, p.redactions[0].end)).toBe('[전화번호]');
    expect(p.categories).toEqual(expect.arrayContaining(['external_authority']));
    expect(p.severity).toBe(5);
    const fss = p.hits.find((h: any) => h.category === 'external_authority');
    expect(p.body.slice(fss.start, fss.end)).toBe(fss.match);
    expect(p.topics).toEqual(['payment_error']);
    expect(p.status).toBe('received');
    // Stored redacted: the database never saw the number.
    const raw = await server.ctx.db.query('SELECT body FROM vos_posts WHERE id = $1', [p.id]);
    expect(raw[0]!.body).not.toContain('5678');

    const events = await count('events');
    const again = await post({ externalId: 'web-1001', channel: 'app', kind: 'praise', title: '다른 제목', body: '다른 내용' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: p.id, title: p.title, kind: 'complaint', channel: 'homepage' });
    expect(await count('events')).toBe(events);
    expect(await count('vos_posts')).toBe(1);
  });

  it('a negated threat is shown but does not flag the post; praise is not a risk', async () => {
    const res = await post({ externalId: 'app-2001', channel: 'app', kind: 'suggestion', title: '앱 개선 제안', body: '금감원까지 갈 생각은 없고요, 앱 로그인이 안 돼서 불편합니다. 메일 kim@example.com' });
    expect(res.status).toBe(201);
    expect(res.body.hits).toEqual([expect.objectContaining({ category: 'external_authority', negated: true })]);
    expect(res.body).toMatchObject({ severity: 0, categories: [], topics: ['app_login'] });
    expect(res.body.body).toContain('[이메일]');
    const praise = await post({ externalId: 'app-2002', channel: 'panel', kind: 'praise', title: '친절한 상담 감사합니다', body: '상담사님이 끝까지 도와주셨어요.' });
    expect(praise.body).toMatchObject({ severity: 0, hits: [], topics: [] });
  });

  it('refuses bad posts with a machine-readable code and stores nothing; only vos:write may post', async () => {
    const before = await count('vos_posts');
    const audits = await count('audit_log');
    const ok = { externalId: 'bad-1', channel: 'homepage', kind: 'complaint', title: '제목', body: '내용' };
    const cases: [Record<string, unknown>, number, string | null][] = [
      [{ ...ok, kind: 'rant' }, 400, null],
      [{ ...ok, channel: 'fax' }, 400, null],
      [{ ...ok, externalId: '../x' }, 400, null],
      [{ ...ok, extra: 1 }, 400, null],
      [{ ...ok, title: undefined }, 400, null],
      [{ ...ok, title: '   ' }, 400, 'title_required'],
      [{ ...ok, body: ' \n ' }, 400, 'body_required'],
      [{ ...ok, body: 'x'.repeat(10_001) }, 400, 'text_too_long'],
      [{ ...ok, body: 'bad \ud800 text' }, 400, 'invalid_text'],
      [{ ...ok, createdAt: new Date(Date.now() + DAY).toISOString() }, 400, 'created_in_future'],
      [{ ...ok, createdAt: 'yesterday' }, 400, null],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(typeof res.body.error.code).toBe('string');
      if (code) expect(res.body.error.code).toBe(code);
    }
    expect((await post(ok, officer)).status).toBe(403);
    expect((await post(ok, analyst)).status).toBe(403);
    expect(await count('vos_posts')).toBe(before);
    expect(await count('audit_log')).toBe(audits);
    // The website's token writes and nothing else.
    expect((await api(server, 'GET', '/api/vos/posts', undefined, site)).status).toBe(403);
  });

  it('moderation: review, answer (delivered to the website signed), hide with a reason; wrong moves are 409; everything audited', async () => {
    const hook = await receivers.start();
    const sub = await api(server, 'POST', '/api/subscriptions', { name: 'homepage', kind: 'webhook', target: `${hook.url}/vos`, eventTypes: ['vos.post.*'] });
    expect(sub.status).toBe(201);
    const a = (await post({ externalId: 'web-3001', channel: 'homepage', kind: 'question', title: '포인트 적립 문의', body: '지난달 포인트가 적립이 안 됐어요' })).body;
    const b = (await post({ externalId: 'web-3002', channel: 'homepage', kind: 'complaint', title: '광고', body: '최저가 대출 문의는 여기로' })).body;

    expect((await api(server, 'POST', `/api/vos/posts/${a.id}/answer`, { answer: '확인 후 적립해 드렸습니다.' }, officer)).body.error.code).toBe('invalid_transition');
    expect((await api(server, 'POST', `/api/vos/posts/${a.id}/transition`, { to: 'in_review' }, analyst)).status).toBe(403);
    const review = await api(server, 'POST', `/api/vos/posts/${a.id}/transition`, { to: 'in_review' }, officer);
    expect(review.body.status).toBe('in_review');
    expect((await api(server, 'POST', `/api/vos/posts/${a.id}/answer`, { answer: '   ' }, officer)).body.error.code).toBe('answer_required');
    const answered = await api(server, 'POST', `/api/vos/posts/${a.id}/answer`, { answer: '확인 후 적립해 드렸습니다. 문의는 010-9999-8888 로 주세요.' }, officer);
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'answered', answeredBy: 'vos-officer' });
    expect(answered.body.answer).toContain('[전화번호]');
    const twice = await api(server, 'POST', `/api/vos/posts/${a.id}/answer`, { answer: '다시' }, officer);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'invalid_transition', details: { from: 'answered', allowed: ['hidden'] } });

    const noReason = await api(server, 'POST', `/api/vos/posts/${b.id}/hide`, { reason: '  ' }, officer);
    expect(noReason.body.error.code).toBe('reason_required');
    expect((await api(server, 'GET', `/api/vos/posts/${b.id}`, undefined, analyst)).body.post.status).toBe('received');
    const hidden = await api(server, 'POST', `/api/vos/posts/${b.id}/hide`, { reason: '광고성 게시물' }, officer);
    expect(hidden.body).toMatchObject({ status: 'hidden', hiddenReason: '광고성 게시물', hiddenBy: 'vos-officer' });
    expect((await api(server, 'POST', `/api/vos/posts/${b.id}/transition`, { to: 'received' }, officer)).status).toBe(409);

    const delivered = await waitUntil(() => hook.requests.find((r) => JSON.parse(r.body).type === 'vos.post.answered'), 'the answer at the webhook');
    const envelope = JSON.parse(delivered.body);
    expect(envelope.data.post).toMatchObject({ id: a.id, externalId: 'web-3001', status: 'answered' });
    expect(envelope.data.post.answer).toContain('적립해 드렸습니다');
    expect(verifySignature(sub.body.secret, String(delivered.headers['x-radar-signature']), String(delivered.headers['x-radar-timestamp']), delivered.body)).toBe(true);
    const hid = await waitUntil(() => hook.requests.find((r) => JSON.parse(r.body).type === 'vos.post.hidden'), 'the hide at the webhook');
    expect(JSON.parse(hid.body).data).toMatchObject({ post: { externalId: 'web-3002', status: 'hidden' }, details: { reason: '광고성 게시물' } });

    const detail = await api(server, 'GET', `/api/vos/posts/${a.id}`, undefined, analyst);
    expect(detail.body.history.map((h: any) => h.type)).toEqual(['created', 'status_changed', 'answered']);
    const audit = await api(server, 'GET', '/api/audit?action=vos.post.hidden');
    expect(audit.body.items.map((x: any) => x.targetId)).toContain(b.id);
  });

  it('민원 사례로 전환: opens a case the case screen links back, links another post to it, refuses twice and closed cases', async () => {
    const risky = (await post({ externalId: 'web-4001', channel: 'homepage', kind: 'complaint', title: '이중 결제', body: '이중 결제 환불 안 해주면 소송하겠습니다', customerId: 'CUST-9' })).body;
    expect(risky.categories).toEqual(['legal']);
    const other = (await post({ externalId: 'app-4002', channel: 'app', kind: 'complaint', title: '같은 건', body: '아직도 환불이 안 됐어요', customerId: 'CUST-9' })).body;
    expect((await api(server, 'POST', `/api/vos/posts/${risky.id}/case`, {}, analyst)).status).toBe(403);

    const conv = await api(server, 'POST', `/api/vos/posts/${risky.id}/case`, {}, officer);
    expect(conv.status).toBe(201);
    expect(conv.body).toMatchObject({ createdCase: true, post: { caseId: conv.body.caseId, caseRef: conv.body.caseRef } });
    const kase = await api(server, 'GET', `/api/cases/${conv.body.caseId}`, undefined, officer);
    expect(kase.body.case).toMatchObject({ category: 'legal', severity: 4, customerId: 'CUST-9', status: 'received' });
    expect(kase.body.case.title).toContain('이중 결제');
    expect(kase.body.case.description).toContain(risky.ref);
    expect(kase.body.history).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'created', details: expect.objectContaining({ source: 'vos', postId: risky.id }) }),
      expect.objectContaining({ type: 'linked', details: expect.objectContaining({ kind: 'vos_post', targetId: risky.id }) }),
    ]));
    expect((await api(server, 'POST', `/api/vos/posts/${risky.id}/case`, {}, officer)).body.error.code).toBe('post_already_linked');

    const joined = await api(server, 'POST', `/api/vos/posts/${other.id}/case`, { caseId: conv.body.caseId }, officer);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ createdCase: false, caseId: conv.body.caseId });
    const ofCase = await api(server, 'GET', `/api/vos/posts?caseId=${conv.body.caseId}`, undefined, analyst);
    expect(ofCase.body.items.map((p: any) => p.id).sort()).toEqual([risky.id, other.id].sort());

    const third = (await post({ externalId: 'web-4003', channel: 'homepage', kind: 'complaint', title: '셋째', body: '불편합니다' })).body;
    expect((await api(server, 'POST', `/api/vos/posts/${third.id}/case`, { caseId: 'no-such-case' }, officer)).status).toBe(404);
    await api(server, 'POST', `/api/cases/${conv.body.caseId}/transition`, { to: 'rejected', reason: '중복' }, officer);
    const closed = await api(server, 'POST', `/api/vos/posts/${third.id}/case`, { caseId: conv.body.caseId }, officer);
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('case_not_open');
    expect((await api(server, 'GET', `/api/vos/posts/${third.id}`, undefined, officer)).body.post.caseId).toBeNull();
  });

  it('filters the board, counts per status, exports the filtered list to Excel (audited)', async () => {
    const flagged = await api(server, 'GET', '/api/vos/posts?flagged=true', undefined, analyst);
    expect(flagged.body.items.length).toBeGreaterThan(0);
    expect(flagged.body.items.every((p: any) => p.severity > 0)).toBe(true);
    const all = await api(server, 'GET', '/api/vos/posts?limit=500', undefined, analyst);
    expect(all.body.counts.flagged).toBe(flagged.body.total);
    expect(all.body.counts.all).toBe(all.body.total);
    expect(all.body.counts.received + all.body.counts.in_review + all.body.counts.answered + all.body.counts.hidden).toBe(all.body.total);
    const hidden = await api(server, 'GET', '/api/vos/posts?status=hidden', undefined, analyst);
    expect(hidden.body.items.map((p: any) => p.externalId)).toEqual(['web-3002']);
    expect(hidden.body.counts.all).toBe(all.body.total); // tabs count without the status filter
    expect((await api(server, 'GET', '/api/vos/posts?topic=app_login', undefined, analyst)).body.items.map((p: any) => p.externalId)).toEqual(['app-2001']);
    expect((await api(server, 'GET', '/api/vos/posts?kind=praise&channel=panel', undefined, analyst)).body.total).toBe(1);
    expect((await api(server, 'GET', `/api/vos/posts?q=${encodeURIComponent('포인트')}`, undefined, analyst)).body.items.map((p: any) => p.externalId)).toEqual(['web-3001']);
    expect((await api(server, 'GET', '/api/vos/posts?status=open', undefined, analyst)).status).toBe(400);

    const res = await fetch(`${server.url}/api/vos/export.xlsx?flagged=true`, { headers: { authorization: analyst.authorization! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as any);
    const ws = wb.getWorksheet('고객의 소리')!;
    expect(ws.rowCount - 1).toBe(flagged.body.total);
    expect(ws.getRow(1).values).toEqual(expect.arrayContaining(['번호', '제목', '위험 유형']));
    expect(JSON.stringify(ws.getSheetValues())).not.toContain('1234-5678');
    const audit = await api(server, 'GET', '/api/audit?action=export.vos');
    expect(audit.body.items[0].details.rows).toBe(flagged.body.total);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = await api(server, 'GET', '/docs/json', undefined, analyst);
    expect(doc.status).toBe(200);
    for (const p of ['/api/vos/posts', '/api/vos/posts/{id}', '/api/vos/posts/{id}/answer', '/api/vos/posts/{id}/hide', '/api/vos/posts/{id}/case', '/api/vos/topics/summary', '/api/vos/export.xlsx']) {
      expect(Object.keys(doc.body.paths), p).toContain(p);
    }
    expect(doc.body.paths['/api/vos/posts'].post.requestBody.content['application/json'].schema.required).toEqual(['externalId', 'channel', 'kind', 'title', 'body']);
  });

  it('topic summary: counts per topic and kind in the period against the one before, rising topics', async () => {
    const today = kstDay(Date.now());
    const noon = (daysAgo: number) => new Date(Date.parse(`${today}T12:00:00+09:00`) - daysAgo * DAY).toISOString();
    // A week of posts: card delivery 1 → 4 (rising), limit 3 → 3 (steady).
    const add = (id: string, daysAgo: number, kind: string, body: string) =>
      post({ externalId: id, channel: 'homepage', kind, title: '문의', body, createdAt: new Date(Math.min(Date.parse(noon(daysAgo)), Date.now())).toISOString() });
    await add('s-prev-d1', 9, 'complaint', '카드 배송이 늦어요');
    for (const [i, d] of [1, 2, 3, 4].entries()) await add(`s-cur-d${i}`, d, i === 3 ? 'question' : 'complaint', '카드 배송이 늦어요 아직 못 받았어요');
    for (const d of [8, 9, 10]) await add(`s-prev-l${d}`, d, 'complaint', '한도가 갑자기 줄었어요');
    for (const d of [1, 2, 3]) await add(`s-cur-l${d}`, d, 'suggestion', '한도가 갑자기 줄었어요');

    const from = kstDay(Date.parse(noon(6)));
    const s = await api(server, 'GET', `/api/vos/topics/summary?from=${from}&to=${today}`, undefined, analyst);
    expect(s.status).toBe(200);
    expect(s.body.days).toHaveLength(7);
    expect(s.body.previousTo).toBe(kstDay(Date.parse(noon(7))));
    const delivery = s.body.topics.find((t: any) => t.id === 'card_delivery');
    expect(delivery).toMatchObject({ count: 4, previous: 1, change: 3, rising: true, byKind: { complaint: 3, question: 1, suggestion: 0, praise: 0 } });
    expect(delivery.series.reduce((a: number, b: number) => a + b, 0)).toBe(4);
    const limit = s.body.topics.find((t: any) => t.id === 'credit_limit');
    expect(limit).toMatchObject({ count: 3, previous: 3, change: 0, rising: false, byKind: { suggestion: 3 } });
    expect(s.body.rising).toContain('card_delivery');
    expect(s.body.rising).not.toContain('credit_limit');
    // Posts of today and the last week counted once each, whatever their topics.
    const inPeriod = await server.ctx.db.query(`SELECT count(*)::int AS n FROM vos_posts WHERE posted_at >= $1`, [`${from}T00:00:00+09:00`]);
    expect(s.body.posts.count).toBe(inPeriod[0]!.n);
    expect((await api(server, 'GET', '/api/vos/topics/summary?from=2026-02-30', undefined, analyst)).body.error.code).toBe('invalid_period');
    expect((await api(server, 'GET', `/api/vos/topics/summary?from=${today}&to=${from}`, undefined, analyst)).body.error.code).toBe('invalid_period');
  });
});
