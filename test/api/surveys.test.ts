import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { testDatabases } from '../helpers/databases.js';
import { api, startTestServer } from '../helpers/server.js';

// 고객 평가 through the real server: responses in by API (one, batch) and by
// file (CSV, xlsx, JSON), strict refusals that store nothing, the indices,
// breakdowns, series and period change computed from what was posted,
// benchmarks kept and compared, comments redacted, the Excel workbook, roles
// and the audit trail.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const FIXTURES = path.resolve('test/fixtures/surveys');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));
const file = (filename: string, data: Buffer | string, extra: Record<string, unknown> = {}) => ({ filename, dataBase64: Buffer.from(data).toString('base64'), ...extra });

// October 2026 (KST) and the 31 days before it.
const OCT = { from: '2026-10-01T00:00:00+09:00', to: '2026-11-01T00:00:00+09:00' };
const q = (o: Record<string, string>) => `?${new URLSearchParams(o)}`;
const octAt = (day: number, hour = 10) => `2026-10-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+09:00`;
const sepAt = (day: number) => `2026-09-${String(day).padStart(2, '0')}T10:00:00+09:00`;

interface R { externalId: string; metric: string; score: number; touchpoint: string; respondedAt: string; product?: string; segment?: string; comment?: string; callId?: string; caseId?: string }

/**
 * October: NPS 10,10,10,9,9 at 콜센터 and 8,8,7,6,0 at 앱; CSAT 1,2,3,3,4,4,4,5,5,5;
 * CES 7,7,6,6,6,5,5,4,3,1. September: NPS 10×4, 8×4, 2×2.
 */
function dataset(): R[] {
  const out: R[] = [];
  [10, 10, 10, 9, 9].forEach((s, i) => out.push({ externalId: `oct-nps-cc-${i}`, metric: 'nps', score: s, touchpoint: '콜센터', product: '신용카드', segment: 'VIP', respondedAt: octAt(i + 1) }));
  [8, 8, 7, 6, 0].forEach((s, i) => out.push({ externalId: `oct-nps-app-${i}`, metric: 'nps', score: s, touchpoint: '앱', product: '체크카드', segment: '20대', respondedAt: octAt(i + 10) }));
  [1, 2, 3, 3, 4, 4, 4, 5, 5, 5].forEach((s, i) => out.push({ externalId: `oct-csat-${i}`, metric: 'csat', score: s, touchpoint: '콜센터', respondedAt: octAt(i + 3) }));
  [7, 7, 6, 6, 6, 5, 5, 4, 3, 1].forEach((s, i) => out.push({ externalId: `oct-ces-${i}`, metric: 'ces', score: s, touchpoint: '홈페이지', respondedAt: octAt(i + 5) }));
  [10, 10, 10, 10, 8, 8, 8, 8, 2, 2].forEach((s, i) => out.push({ externalId: `sep-nps-${i}`, metric: 'nps', score: s, touchpoint: '콜센터', respondedAt: sepAt(i + 1) }));
  return out;
}

describe.each(testDatabases)('consumer evaluation API ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  const as: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
    for (const role of ['analyst', 'auditor', 'agent', 'supervisor']) {
      const u = await api(server, 'POST', '/api/users', { username: `sv-${role}`, displayName: role, role, password: 'Initial-Pass-1' });
      const t = await api(server, 'POST', '/api/tokens', { name: `sv-${role}`, userId: u.body.id });
      as[role] = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
    }
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  const count = async (sql: string) => (await server.ctx.db.query(sql))[0]!.n as number;
  const responses = () => count('SELECT count(*)::int AS n FROM survey_responses');
  const audits = (action: string) => count(`SELECT count(*)::int AS n FROM audit_log WHERE action = '${action}'`);

  it('one response: stored once (201), the same id again changes nothing (200), audited once', async () => {
    const body = { externalId: 'one-1', metric: 'csat', score: 5, touchpoint: '콜센터', respondedAt: '2026-08-02T10:00:00+09:00' };
    const first = await api(server, 'POST', '/api/surveys/responses', body, as.analyst);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ received: 1, created: 1, unchanged: 0, dryRun: false, importId: null });
    const again = await api(server, 'POST', '/api/surveys/responses', { ...body, score: 1 }, as.analyst);
    expect(again.status).toBe(200);
    expect(again.body.unchanged).toBe(1);
    const [row] = await server.ctx.db.query("SELECT score, created_by FROM survey_responses WHERE external_id = 'one-1'");
    expect(row).toEqual({ score: 5, created_by: 'sv-analyst' });
    expect(await audits('survey.responses_added')).toBe(1);
  });

  it('refuses bad responses with a precise code and stores nothing', async () => {
    const before = await responses();
    const ok = { externalId: 'bad-1', metric: 'nps', score: 9, touchpoint: '앱', respondedAt: '2026-08-02T10:00:00+09:00' };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...ok, score: 11 }, 'score_out_of_range', 'score'],
      [{ ...ok, metric: 'csat', score: 0 }, 'score_out_of_range', 'score'],
      [{ ...ok, metric: 'ces', score: 8 }, 'score_out_of_range', 'score'],
      [{ ...ok, metric: 'satisfaction' }, 'unknown_metric', 'metric'],
      [{ ...ok, score: '9' }, 'invalid_type', 'score'],
      [{ ...ok, score: 8.5 }, 'score_not_integer', 'score'],
      [{ ...ok, touchpoint: undefined }, 'missing_field', 'touchpoint'],
      [{ ...ok, touchpoint: '   ' }, 'missing_field', 'touchpoint'],
      [{ ...ok, respondedAt: '2026-08-02' }, 'invalid_time', 'respondedAt'],
      [{ ...ok, respondedAt: '2026-02-30T10:00:00Z' }, 'invalid_time', 'respondedAt'],
      [{ ...ok, respondedAt: new Date(Date.now() + 86_400_000).toISOString() }, 'time_in_future', 'respondedAt'],
      [{ ...ok, rating: 3 }, 'unknown_field', 'rating'],
      [{ ...ok, externalId: ' x y' }, 'invalid_id', 'externalId'],
      [{ ...ok, comment: 'x'.repeat(2001) }, 'too_long', 'comment'],
      [{ ...ok, callId: 42 }, 'invalid_type', 'callId'],
    ];
    for (const [body, code, field] of cases) {
      const res = await api(server, 'POST', '/api/surveys/responses', body, as.analyst);
      expect(res.status, `${code} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.details.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    expect((await api(server, 'POST', '/api/surveys/responses', [ok], as.analyst)).body.error.code).toBe('invalid_type');
    expect(await responses()).toBe(before);
  });

  it('a batch is all or nothing: one bad item refuses it with row-level errors; a dry run stores nothing', async () => {
    const before = await responses();
    const items = [
      { externalId: 'b-1', metric: 'nps', score: 10, touchpoint: '앱', respondedAt: '2026-08-03T10:00:00+09:00' },
      { externalId: 'b-2', metric: 'nps', score: -1, touchpoint: '앱', respondedAt: '2026-08-03T10:00:00+09:00' },
      { externalId: 'b-1', metric: 'csat', score: 3, touchpoint: '앱', respondedAt: '2026-08-03T10:00:00+09:00' },
    ];
    const bad = await api(server, 'POST', '/api/surveys/responses/batch', { items }, as.analyst);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_responses');
    expect(bad.body.error.details).toMatchObject({ errorCount: 2, rows: 3 });
    expect(bad.body.error.details.errors).toEqual([
      expect.objectContaining({ row: 2, field: 'score', code: 'score_out_of_range' }),
      expect.objectContaining({ row: 3, field: 'externalId', code: 'duplicate_id' }),
    ]);
    expect(await responses()).toBe(before);

    const good = [items[0], { ...items[1], score: 0 }, { ...items[2], externalId: 'one-1' }];
    const dry = await api(server, 'POST', '/api/surveys/responses/batch', { items: good, dryRun: true }, as.analyst);
    expect(dry.body).toEqual({ received: 3, created: 2, unchanged: 1, dryRun: true, importId: null });
    expect(await responses()).toBe(before);
    const real = await api(server, 'POST', '/api/surveys/responses/batch', { items: good }, as.analyst);
    expect(real.body).toMatchObject({ received: 3, created: 2, unchanged: 1, dryRun: false });
    expect(await responses()).toBe(before + 2);
    expect((await api(server, 'POST', '/api/surveys/responses/batch', { items: [] }, as.analyst)).body.error.code).toBe('batch_size');
    // A full batch of the longest Korean comments (≈6.5 MB) is taken, not refused as too large.
    const full = Array.from({ length: 1000 }, (_, i) => ({ externalId: `full-${i}`, metric: 'ces', score: 4, touchpoint: '앱', respondedAt: '2026-08-03T10:00:00+09:00', comment: '가'.repeat(2000) }));
    const big = await api(server, 'POST', '/api/surveys/responses/batch', { items: full, dryRun: true }, as.analyst);
    expect(big.status).toBe(200);
    expect(big.body.created).toBe(1000);
  });

  it('a CSV with one bad row is refused with its row, field and code; the good file imports, once', async () => {
    const before = await responses();
    const bad = await api(server, 'POST', '/api/surveys/import', file('설문-10월.csv', fixture('responses-one-bad-row.csv')), as.analyst);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_file');
    // Header is row 1: the third data line (F-003, csat 9) is sheet row 4.
    expect(bad.body.error.details.errors).toEqual([{ row: 4, field: 'score', code: 'score_out_of_range', message: 'csat scores run from 1 to 5, got 9' }]);
    expect(await responses()).toBe(before);

    const dry = await api(server, 'POST', '/api/surveys/import', file('설문-10월.csv', fixture('responses-valid.csv'), { dryRun: true }), as.analyst);
    expect(dry.body).toEqual({ received: 4, created: 4, unchanged: 0, dryRun: true, importId: null });
    expect(await responses()).toBe(before);

    const ok = await api(server, 'POST', '/api/surveys/import', file('설문-10월.csv', fixture('responses-valid.csv')), as.analyst);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ received: 4, created: 4, unchanged: 0, dryRun: false });
    const rows = await server.ctx.db.query("SELECT external_id, metric, score, product, segment, responded_at, comment, import_id FROM survey_responses WHERE external_id LIKE 'F-%' ORDER BY external_id");
    // 'NPS' in a sheet is nps; a time without a zone is KST; a date alone is its midnight.
    expect(rows.map((r) => [r.external_id, r.metric, r.score, new Date(r.responded_at).toISOString()])).toEqual([
      ['F-001', 'nps', 10, '2026-10-05T01:00:00.000Z'],
      ['F-002', 'nps', 7, '2026-10-06T05:30:00.000Z'],
      ['F-003', 'csat', 4, '2026-10-07T00:15:00.000Z'],
      ['F-004', 'ces', 6, '2026-10-07T15:00:00.000Z'],
    ]);
    expect(rows[0].comment).toBe('상담사가 친절했어요, 감사합니다');
    expect(rows[3].comment).toBe('연락처 [전화번호] 로 회신 바랍니다');
    expect(rows[3].product).toBeNull();
    expect(rows.every((r) => r.import_id === ok.body.importId)).toBe(true);

    const again = await api(server, 'POST', '/api/surveys/import', file('설문-10월.csv', fixture('responses-valid.csv')), as.analyst);
    expect(again.body).toMatchObject({ created: 0, unchanged: 4 });
    const history = await api(server, 'GET', '/api/surveys/imports', undefined, as.auditor);
    expect(history.body.items[0]).toMatchObject({ kind: 'responses', filename: '설문-10월.csv', format: 'csv', rows: 4, created: 0, unchanged: 4, createdBy: 'sv-analyst' });
    expect(history.body.items[1]).toMatchObject({ created: 4, unchanged: 0 });
    expect(await audits('survey.imported')).toBe(2);
    // Remove them again so the index tests below see only their own data (straight SQL: the API has no delete).
    await server.ctx.db.query("DELETE FROM survey_responses WHERE external_id LIKE 'F-%'");
  });

  it('xlsx and JSON files: date cells are KST wall clock; JSON keeps its types; file-level problems have their own codes', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('응답');
    ws.addRow(['externalId', 'metric', 'score', 'touchpoint', 'respondedAt', 'comment']);
    ws.addRow(['X-1', 'ces', 7, '영업점', new Date(Date.UTC(2026, 6, 14, 9, 30)), { richText: [{ text: '카드 ' }, { text: '4111-1111-1111-1111 재발급' }] }]);
    ws.addRow(['X-2', 'nps', '8', 'ARS', '2026-07-15T09:00:00+09:00', null]);
    const xbuf = Buffer.from(await wb.xlsx.writeBuffer());
    const x = await api(server, 'POST', '/api/surveys/import', file('panel.xlsx', xbuf), as.analyst);
    expect(x.body).toMatchObject({ received: 2, created: 2 });
    const [r1] = await server.ctx.db.query("SELECT responded_at, comment FROM survey_responses WHERE external_id = 'X-1'");
    expect(new Date(r1.responded_at).toISOString()).toBe('2026-07-14T00:30:00.000Z'); // 09:30 KST
    expect(r1.comment).toBe('카드 [카드번호] 재발급');

    const json = [{ externalId: 'J-1', metric: 'nps', score: '10', touchpoint: '앱', respondedAt: '2026-07-01T00:00:00Z' }];
    const j = await api(server, 'POST', '/api/surveys/import', file('export.json', JSON.stringify(json)), as.analyst);
    expect(j.body.error.details.errors).toEqual([expect.objectContaining({ row: 1, field: 'score', code: 'invalid_type' })]);

    const fileErrors: [ReturnType<typeof file>, string, string | undefined][] = [
      [file('a.txt', 'x'), 'unsupported_format', undefined],
      [file('a.csv', 'externalId,metric,score,touchpoint,respondedAt,rating\nA,nps,1,앱,2026-07-01,3'), 'invalid_file', 'unknown_column'],
      [file('a.csv', 'externalId,metric,score,respondedAt\nA,nps,1,2026-07-01'), 'invalid_file', 'missing_column'],
      [file('a.csv', 'externalId,metric,score,touchpoint,respondedAt\n'), 'invalid_file', 'empty_file'],
      [file('a.csv', Buffer.from([0x41, 0xff, 0xfe, 0x0a])), 'invalid_file', 'invalid_encoding'],
      [file('a.xlsx', 'not a zip'), 'invalid_file', undefined],
      [file('a.json', '{"items": 3}'), 'invalid_file', undefined],
      [file('a.csv', 'externalId,metric\n"A,nps'), 'invalid_file', undefined],
    ];
    const before = await responses();
    for (const [body, code, detail] of fileErrors) {
      const res = await api(server, 'POST', '/api/surveys/import', body, as.analyst);
      expect(res.status, body.filename).toBe(400);
      expect(res.body.error.code).toBe(code);
      if (detail) expect(res.body.error.details.code).toBe(detail);
    }
    expect(await responses()).toBe(before);
    await server.ctx.db.query("DELETE FROM survey_responses WHERE external_id LIKE 'X-%'");
  });

  it('indices for October with intervals, n and the change against September', async () => {
    const res = await api(server, 'POST', '/api/surveys/responses/batch', { items: dataset() }, as.analyst);
    expect(res.body.created).toBe(40);
    const ix = await api(server, 'GET', `/api/surveys/indices${q(OCT)}`, undefined, as.auditor);
    expect(ix.status).toBe(200);
    const { nps, csat, ces } = ix.body.metrics;
    // NPS: 5 promoters, 2 detractors of 10 → 30, adjusted Wald [−19.1, 65.2] (see test/analytics/survey-indices.test.ts).
    expect(nps.current).toMatchObject({ n: 10, smallSample: true, headline: { value: 30, low: -19.1, high: 65.2 }, shares: { promoters: 50, passives: 30, detractors: 20 } });
    // September: 4 promoters, 2 detractors of 10 → 20; d = +10, its interval [−50.7, 67.2] holds 0.
    expect(nps.previous.headline.value).toBe(20);
    expect(nps.change).toEqual({ difference: 10, low: -50.7, high: 67.2, significant: false, direction: 'up' });
    expect(csat.current).toMatchObject({ n: 10, headline: { value: 60, low: 31.3, high: 83.2 }, secondary: { value: 3.6, low: 2.63, high: 4.57 } });
    expect(csat.previous.n).toBe(0);
    expect(csat.change).toBeNull();
    expect(ces.current).toMatchObject({ n: 10, headline: { value: 5, low: 3.65, high: 6.35 }, secondary: { value: 70, low: 39.7, high: 89.2 } });
    expect(ix.body.compare).toEqual({ from: '2026-08-30T15:00:00.000Z', to: '2026-09-30T15:00:00.000Z', mode: 'previous' });

    // A filter narrows every index: 콜센터 only → NPS 5 promoters of 5 = 100.
    const cc = await api(server, 'GET', `/api/surveys/indices${q({ ...OCT, touchpoint: '콜센터', compare: 'none' })}`, undefined, as.auditor);
    expect(cc.body.metrics.nps.current.headline.value).toBe(100);
    expect(cc.body.metrics.ces.current.n).toBe(0);
    expect(cc.body.compare).toBeNull();
  });

  it('breakdowns by touchpoint, product and segment; monthly and weekly series', async () => {
    const b = await api(server, 'GET', `/api/surveys/breakdowns${q(OCT)}`, undefined, as.auditor);
    const tp = Object.fromEntries(b.body.touchpoint.map((g: any) => [g.key, g]));
    expect(b.body.touchpoint.map((g: any) => [g.key, g.n])).toEqual([['콜센터', 15], ['홈페이지', 10], ['앱', 5]]);
    expect(tp['콜센터'].nps.headline.value).toBe(100);
    // 앱: 8,8,7,6,0 → no promoter, 2 detractors of 5 → −40.
    expect(tp['앱'].nps.headline.value).toBe(-40);
    expect(tp['홈페이지'].ces.headline.value).toBe(5);
    // Products were given on NPS answers only: the rest are "not given" (key null), listed last.
    expect(b.body.product.map((g: any) => [g.key, g.n])).toEqual([['신용카드', 5], ['체크카드', 5], [null, 20]]);

    const m = await api(server, 'GET', `/api/surveys/series${q({ from: '2026-09-01T00:00:00+09:00', to: OCT.to, granularity: 'month' })}`, undefined, as.auditor);
    expect(m.body.points.map((p: any) => [p.label, p.nps.n, p.nps.headline?.value ?? null, p.csat.n])).toEqual([['2026-09', 10, 20, 0], ['2026-10', 10, 30, 10]]);
    const w = await api(server, 'GET', `/api/surveys/series${q({ ...OCT, granularity: 'week' })}`, undefined, as.auditor);
    // 1 October 2026 is a Thursday: the first week starts on Monday 28 September.
    expect(w.body.points[0].label).toBe('2026-09-28');
    expect(w.body.points.reduce((a: number, p: any) => a + p.nps.n, 0)).toBe(10);
    expect((await api(server, 'GET', `/api/surveys/series${q({ from: '2000-01-01T00:00:00Z', to: OCT.to, granularity: 'week' })}`, undefined, as.auditor)).body.error.code).toBe('too_many_buckets');
    expect((await api(server, 'GET', `/api/surveys/indices${q({ from: OCT.to, to: OCT.from })}`, undefined, as.auditor)).body.error.code).toBe('invalid_period');
  });

  it('comments: redacted, newest first, with the linked call and case', async () => {
    const call = await api(server, 'POST', '/api/calls', { customerId: 'C-1' });
    const kase = await api(server, 'POST', '/api/cases', { title: '설문 불만 후속', severity: 3 });
    await api(server, 'POST', '/api/surveys/responses/batch', {
      items: [
        { externalId: 'c-1', metric: 'csat', score: 1, touchpoint: '콜센터', respondedAt: octAt(20), comment: '주민번호 900101-1234568 불러줬는데 처리가 안 됐어요', callId: call.body.id, caseId: kase.body.id },
        { externalId: 'c-2', metric: 'nps', score: 3, touchpoint: '앱', segment: '010-3333-4444', respondedAt: octAt(21), comment: '앱이 자주 멈춰요 test@example.com', callId: 'gone-call' },
      ],
    }, as.analyst);
    const res = await api(server, 'GET', `/api/surveys/comments${q({ ...OCT, limit: '10' })}`, undefined, as.auditor);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((c: any) => c.externalId)).toEqual(['c-2', 'c-1']);
    // Labels are free text too: a phone number typed as a segment is not stored either.
    expect(res.body.items[0]).toMatchObject({ comment: '앱이 자주 멈춰요 [이메일]', segment: '[전화번호]', callExists: false, caseRef: null });
    expect(res.body.items[1]).toMatchObject({ comment: '주민번호 [주민번호] 불러줬는데 처리가 안 됐어요', callExists: true, caseRef: kase.body.ref });
    const onlyNps = await api(server, 'GET', `/api/surveys/comments${q({ ...OCT, metric: 'nps' })}`, undefined, as.auditor);
    expect(onlyNps.body.items.map((c: any) => c.externalId)).toEqual(['c-2']);
  });

  it('benchmarks: add (409 on the same key), edit (range checked against the metric), compare with our value, import, delete — all audited', async () => {
    const add = await api(server, 'POST', '/api/surveys/benchmarks', { metric: 'nps', period: '2026-Q4', source: 'KMAC', subject: '카드업 평균', subjectKind: 'industry', value: 25 }, as.analyst);
    expect(add.status).toBe(201);
    const dup = await api(server, 'POST', '/api/surveys/benchmarks', { metric: 'nps', period: '2026-Q4', source: 'KMAC', subject: '카드업 평균', subjectKind: 'industry', value: 26 }, as.analyst);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('benchmark_exists');
    const bad: [Record<string, unknown>, string][] = [
      [{ metric: 'nps', period: '2026-Q5', source: 'a', subject: 'b', subjectKind: 'company', value: 1 }, 'invalid_period'],
      [{ metric: 'ces', period: '2026', source: 'a', subject: 'b', subjectKind: 'company', value: 8 }, 'value_out_of_range'],
      [{ metric: 'nps', period: '2026', source: 'a', subject: 'b', subjectKind: 'peer', value: 1 }, 'invalid_subject_kind'],
      [{ metric: 'nps', period: '2026', source: 'a', subject: 'b', subjectKind: 'company', value: '1' }, 'invalid_type'],
    ];
    for (const [body, code] of bad) expect((await api(server, 'POST', '/api/surveys/benchmarks', body, as.analyst)).body.error.code).toBe(code);
    // An NPS of −50 is fine; the same value for CSAT (0..100) is not.
    const edit = await api(server, 'PATCH', `/api/surveys/benchmarks/${add.body.id}`, { metric: 'csat' }, as.analyst);
    expect(edit.body.metric).toBe('csat');
    expect((await api(server, 'PATCH', `/api/surveys/benchmarks/${add.body.id}`, { value: -50 }, as.analyst)).body.error.code).toBe('value_out_of_range');
    const back = await api(server, 'PATCH', `/api/surveys/benchmarks/${add.body.id}`, { metric: 'nps', value: 24.5, note: 'KCSI 2026' }, as.analyst);
    expect(back.body).toMatchObject({ metric: 'nps', value: 24.5, note: 'KCSI 2026', updatedBy: 'sv-analyst' });

    // Q4 2026 (KST) holds October's 10 NPS answers (30) and c-2 (a detractor): 5P, 3D of 11 → 18.2; 18.2 − 24.5 = −6.3.
    const cmp = await api(server, 'GET', '/api/surveys/benchmarks/compare?metric=nps', undefined, as.auditor);
    expect(cmp.body.periods[0]).toMatchObject({ period: '2026-Q4', ours: { n: 11, headline: { value: 18.2 } } });
    expect(cmp.body.periods[0].benchmarks[0]).toMatchObject({ subject: '카드업 평균', value: 24.5, difference: -6.3 });

    // A month sorts by the calendar: September 2026 is newer than Q3 2026 as a whole (both end on 1 October; it starts later).
    const sep = await api(server, 'POST', '/api/surveys/benchmarks', { metric: 'nps', period: '2026-09', source: 'KMAC', subject: 'B카드', subjectKind: 'company', value: 20, note: '담당 kim@example.com' }, as.analyst);
    expect(sep.body.note).toBe('담당 [이메일]');
    const imp = await api(server, 'POST', '/api/surveys/benchmarks/import', file('bench.csv', fixture('benchmarks.csv')), as.analyst);
    expect(imp.body).toEqual({ received: 3, created: 3, updated: 0, dryRun: false });
    const imp2 = await api(server, 'POST', '/api/surveys/benchmarks/import', file('bench.csv', fixture('benchmarks.csv'), { dryRun: true }), as.analyst);
    expect(imp2.body).toEqual({ received: 3, created: 0, updated: 3, dryRun: true });
    const badFile = await api(server, 'POST', '/api/surveys/benchmarks/import', file('b.csv', 'metric,period,source,subject,value\nnps,2026-Q3,x,y,101\n'), as.analyst);
    expect(badFile.body.error.details.errors).toEqual([expect.objectContaining({ row: 2, field: 'value', code: 'value_out_of_range' })]);
    const order = await api(server, 'GET', '/api/surveys/benchmarks/compare?metric=nps', undefined, as.auditor);
    expect(order.body.periods.map((p: any) => p.period)).toEqual(['2026-Q4', '2026-09', '2026-Q3']);
    const list = await api(server, 'GET', '/api/surveys/benchmarks?metric=nps&period=2026-Q3', undefined, as.auditor);
    expect(list.body.items.map((b: any) => [b.subject, b.subjectKind, b.value])).toEqual([['카드업 평균', 'industry', 28.5], ['A카드', 'company', 35]]);

    const del = await api(server, 'DELETE', `/api/surveys/benchmarks/${add.body.id}`, undefined, as.analyst);
    expect(del.status).toBe(200);
    expect((await api(server, 'DELETE', `/api/surveys/benchmarks/${add.body.id}`, undefined, as.analyst)).status).toBe(404);
    for (const a of ['survey.benchmark_deleted', 'survey.benchmarks_imported']) expect(await audits(a)).toBe(1);
    expect(await audits('survey.benchmark_created')).toBe(2);
    expect(await audits('survey.benchmark_updated')).toBe(2);
  });

  it('the Excel workbook carries the indices, the series, breakdowns and comments; the export is audited', async () => {
    const res = await fetch(`${server.url}/api/surveys/export.xlsx${q({ ...OCT, granularity: 'month' })}`, { headers: { authorization: as.auditor.authorization } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['요약', '추이', '접점별', '상품별', '고객군별', '외부 벤치마크', '고객 의견', '조건']);
    const summary = wb.getWorksheet('요약')!;
    // Row 2 = NPS: value, low, high, n. October now also holds c-2 (a detractor): 5P, 3D of 11 → 18.2.
    expect([2, 3, 4, 5].map((c) => summary.getRow(2).getCell(c).value)).toEqual([18.2, expect.any(Number), expect.any(Number), 11]);
    expect(summary.getRow(3).getCell(2).value).toBe(54.5); // CSAT: 6 of 11 (c-1 scored 1) = 54.545… → 54.5
    expect(wb.getWorksheet('고객 의견')!.rowCount).toBe(3);
    expect(await audits('export.surveys')).toBe(1);
  });

  it('roles: agents see nothing; auditors and supervisors read but cannot write', async () => {
    const body = { externalId: 'r-1', metric: 'nps', score: 9, touchpoint: '앱', respondedAt: '2026-08-02T10:00:00+09:00' };
    expect((await api(server, 'GET', `/api/surveys/indices${q(OCT)}`, undefined, as.agent)).status).toBe(403);
    for (const role of ['auditor', 'supervisor']) {
      expect((await api(server, 'GET', '/api/surveys/facets', undefined, as[role])).status).toBe(200);
      expect((await api(server, 'POST', '/api/surveys/responses', body, as[role])).status).toBe(403);
      expect((await api(server, 'POST', '/api/surveys/benchmarks', { metric: 'nps', period: '2026', source: 'a', subject: 'b', subjectKind: 'company', value: 1 }, as[role])).status).toBe(403);
    }
    const f = await api(server, 'GET', '/api/surveys/facets', undefined, as.auditor);
    expect(f.body.touchpoint[0]).toEqual({ value: '콜센터', n: expect.any(Number) });
    expect(f.body.product.map((p: any) => p.value).sort()).toEqual(['신용카드', '체크카드']);
  });

  it('the OpenAPI document describes the survey routes', async () => {
    const doc = await api(server, 'GET', '/docs/json');
    for (const p of ['/api/surveys/responses', '/api/surveys/responses/batch', '/api/surveys/import', '/api/surveys/indices', '/api/surveys/breakdowns', '/api/surveys/series', '/api/surveys/comments', '/api/surveys/benchmarks', '/api/surveys/benchmarks/compare', '/api/surveys/export.xlsx']) {
      expect(doc.body.paths[p], p).toBeDefined();
    }
    expect(doc.body.paths['/api/surveys/responses'].post.requestBody.content['application/json'].schema.properties.metric.enum).toEqual(['nps', 'csat', 'ces']);
  });
});
