import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

// Complaint statistics through the real server: the seed report's own figures
// (325 complaints, 2.72 per 100,000 customers, both −4 % against last year)
// from imported records plus VOM cases, imports that are validated per row and
// idempotent, peer ranks, monitoring volume, the workbook, permissions and the
// audit trail.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const fixture = (name: string) => readFileSync(new URL(`../fixtures/statistics/${name}`, import.meta.url), 'utf8');

const CHANNELS = ['전화', '홈페이지', '모바일 앱', '영업점·센터'];
const TYPES = ['결제·승인', '수수료·이자', '부가서비스·포인트', '한도·신용'];

/** `n` complaint rows received Jan–Sep of `year`; every 10th is external (금융감독원). */
function complaintsCsv(year: number, n: number, prefix: string): string {
  const lines = ['external_id,received_on,channel,product,type,scope,external_body,severity'];
  for (let i = 0; i < n; i++) {
    const month = 1 + (i % 9);
    const day = 1 + (i % 28);
    const external = i % 10 === 0;
    lines.push([
      `${prefix}-${i}`, `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, CHANNELS[i % 4], i % 3 === 0 ? '체크카드' : '신용카드',
      TYPES[i % 4], external ? '대외' : '대내', external ? '금융감독원' : '', 1 + (i % 5),
    ].join(','));
  }
  return lines.join('\n');
}

describe.each(testDatabases)('statistics API ($name)', (tdb) => {
  const ctx = useTestServer(tdb);
  const headers: Record<'analyst' | 'supervisor' | 'agent', Record<string, string>> = {} as never;
  const caseIds: string[] = [];

  beforeAll(async () => {
    for (const role of ['analyst', 'supervisor', 'agent'] as const) {
      const u = await api(ctx.server, 'POST', '/api/users', { username: `st-${role}`, displayName: role, role, password: 'Initial-Pass-1' });
      const t = await api(ctx.server, 'POST', '/api/tokens', { name: `st-${role}`, userId: u.body.id });
      headers[role] = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
    }
  });

  const asAnalyst = (method: string, path: string, body?: unknown) => api(ctx.server, method, path, body, headers.analyst);
  const importFile = (body: Record<string, unknown>) => asAnalyst('POST', '/api/statistics/imports', body);
  const records = async () => Number((await ctx.server.ctx.db.query('SELECT count(*)::int AS n FROM complaint_records'))[0]!.n);

  it('reproduces the seed report: 325 complaints, 2.72 per 100,000 customers, both −4 % (cumulative to Q3)', async () => {
    // Denominators: 325 × 100,000 ÷ 11,950,000 = 2.7197 → 2.72; 339 × 100,000 ÷ 11,980,000 = 2.8297 → 2.83.
    expect((await asAnalyst('PUT', '/api/statistics/customer-base/2026-Q3', { customers: 11_950_000, note: '분기말 회원 수' })).status).toBe(200);
    expect((await asAnalyst('PUT', '/api/statistics/customer-base/2025-Q3', { customers: 11_980_000 })).status).toBe(200);

    // Last year: 339 records. This year: 322 records + 3 VOM cases received in August (KST) = 325.
    const last = await importFile({ kind: 'complaints', filename: 'legacy-2025.csv', text: complaintsCsv(2025, 339, 'L25'), sourceSystem: 'legacy-vom' });
    expect([last.status, last.body.status, last.body.inserted]).toEqual([200, 'completed', 339]);
    const now = await importFile({ kind: 'complaints', filename: 'legacy-2026.csv', text: complaintsCsv(2026, 322, 'L26'), sourceSystem: 'legacy-vom' });
    expect([now.status, now.body.status, now.body.inserted, now.body.progress]).toEqual([200, 'completed', 322, { phase: 'done', processed: 322, total: 322 }]);
    for (const [i, at] of ['2026-08-10T03:00:00Z', '2026-08-11T03:00:00Z', '2026-08-12T03:00:00Z', '2026-09-30T16:00:00Z'].entries()) {
      const c = await api(ctx.server, 'POST', '/api/cases', { title: `통계 사례 ${i}`, severity: 3, customerId: `CUST-9${i}` });
      expect(c.status).toBe(201);
      caseIds.push(c.body.id);
      await ctx.server.ctx.db.query('UPDATE cases SET created_at = $2 WHERE id = $1', [c.body.id, at]);
    }
    // The fourth case was opened 2026-10-01 01:00 KST: it belongs to Q4, not to the cumulative Q3.

    const s = await asAnalyst('GET', '/api/statistics/summary?period=2026-Q3-YTD');
    expect(s.status).toBe(200);
    expect(s.body.period).toMatchObject({ id: '2026-Q3-YTD', from: '2026-01-01', to: '2026-10-01' });
    expect(s.body.complaints).toMatchObject({ count: 325, previous: 339, changePct: -4 });
    expect(s.body.complaints.change).toBeCloseTo((325 - 339) / 339, 12);
    expect(s.body.customers).toEqual({ now: { customers: 11_950_000, basis: '2026-Q3' }, previous: { customers: 11_980_000, basis: '2025-Q3' } });
    expect(s.body.converted).toMatchObject({ value: 2.72, previous: 2.83, changePct: -4 });
    expect(s.body.converted.change).toBeCloseTo((2.72 - 2.83) / 2.83, 12);
    // Every 10th record is external: ceil(322 / 10) = 33 this year, ceil(339 / 10) = 34 last year; the cases are internal.
    const scope = Object.fromEntries(s.body.breakdowns.scope.map((b: any) => [b.id, [b.count, b.previous]]));
    expect(scope).toEqual({ internal: [292, 305], external: [33, 34] });
    expect(s.body.breakdowns.externalBody).toEqual([expect.objectContaining({ id: 'fss', ko: '금융감독원', count: 33, previous: 34 })]);
    // Cases without a classification count as unclassified products.
    expect(s.body.breakdowns.product.find((b: any) => b.id === 'unspecified')).toMatchObject({ count: 3, previous: 0 });

    const ext = await asAnalyst('GET', '/api/statistics/summary?period=2026-Q3-YTD&scope=external');
    expect(ext.body.complaints).toMatchObject({ count: 33, previous: 34 });
  });

  it('follows the VOM cases as they change: a rejected case stops counting, a classified one moves, a linked record is not counted twice', async () => {
    const count = async () => (await asAnalyst('GET', '/api/statistics/summary?period=2026-Q3-YTD')).body;
    const classify = await asAnalyst('PUT', `/api/statistics/cases/${caseIds[0]}/classification`, { channel: 'phone', product: 'card_loan', type: 'sales', cause: 'explanation', scope: 'external', externalBody: 'kca' });
    expect(classify.status).toBe(200);
    let s = await count();
    expect(s.complaints.count).toBe(325);
    expect(s.breakdowns.externalBody.find((b: any) => b.id === 'kca')).toMatchObject({ count: 1 });
    expect(s.breakdowns.product.find((b: any) => b.id === 'card_loan')).toMatchObject({ count: 1 });

    // A record from the FSS portal that IS case 1: the case is now counted through the record, once.
    const linked = await asAnalyst('POST', '/api/statistics/records', {
      sourceSystem: 'fss-portal', externalId: 'FSS-2026-1', receivedOn: '2026-08-11', channel: '외부기관 이첩', product: '신용카드', type: '결제·승인', externalBody: '금융감독원', caseId: caseIds[1],
      summary: '고객 연락처 010-9876-5432',
    });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ scope: 'external', externalBody: 'fss', caseId: caseIds[1] });
    expect(linked.body.summary).not.toContain('9876');
    s = await count();
    expect(s.complaints.count).toBe(325);

    const reject = await api(ctx.server, 'POST', `/api/cases/${caseIds[2]}/transition`, { to: 'rejected', reason: '민원 아님 (단순 문의)' });
    expect(reject.status).toBe(200);
    expect((await count()).complaints.count).toBe(324);
    await api(ctx.server, 'POST', `/api/cases/${caseIds[2]}/transition`, { to: 'received' });
    expect((await count()).complaints.count).toBe(325);

    const bad = await asAnalyst('PUT', `/api/statistics/cases/${caseIds[0]}/classification`, { channel: 'phone', product: 'card_loan', type: 'sales', scope: 'external' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'external_body_required']);
    const missing = await asAnalyst('PUT', '/api/statistics/cases/no-such-case/classification', { channel: 'phone', product: 'card_loan', type: 'sales', scope: 'internal' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'case_not_found']);
  });

  it('rejects a file with one bad row: row-level errors, nothing stored, the attempt logged and audited', async () => {
    const before = await records();
    const res = await importFile({ kind: 'complaints', filename: 'complaints-one-bad-row.csv', text: fixture('complaints-one-bad-row.csv'), sourceSystem: 'crm' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('import_invalid');
    expect(res.body.error.details).toMatchObject({ totalRows: 3, errorCount: 1 });
    expect(res.body.error.details.errors).toEqual([{ row: 3, field: 'channel', code: 'unknown_value', message: expect.stringContaining('텔레그램') }]);
    expect(await records()).toBe(before);
    const logged = await asAnalyst('GET', `/api/statistics/imports/${res.body.error.details.importId}`);
    expect(logged.body).toMatchObject({ status: 'rejected', errorCount: 1, totalRows: 3, inserted: 0 });
    const audit = await api(ctx.server, 'GET', '/api/audit?action=statistics.import_rejected');
    expect(audit.body.items.some((a: any) => a.targetId === res.body.error.details.importId)).toBe(true);

    const unreadable = await importFile({ kind: 'complaints', filename: 'x.xlsx', dataBase64: Buffer.from('not a workbook').toString('base64') });
    expect([unreadable.status, unreadable.body.error.code]).toEqual([400, 'invalid_file']);
    const unknownCase = await importFile({ kind: 'complaints', filename: 'c.json', text: JSON.stringify([{ id: 'C-1', date: '2026-05-01', channel: 'phone', product: 'credit_card', type: 'payment', case_id: 'nope' }]) });
    expect(unknownCase.body.error.details.errors).toEqual([{ row: 1, field: 'caseId', code: 'unknown_case', message: expect.any(String) }]);
    expect(await records()).toBe(before);
  });

  it('a dry run validates and stores nothing; re-importing the same ids does not duplicate; a changed row is updated', async () => {
    const before = await records();
    // Received in 2023, so the seed-report figures of 2026 stay as they are for the later tests.
    const good = fixture('complaints-one-bad-row.csv').replace('텔레그램', '홈페이지').replaceAll('2026-09-0', '2023-09-0');
    const dry = await importFile({ kind: 'complaints', filename: 'good.csv', text: good, sourceSystem: 'crm', dryRun: true });
    expect([dry.status, dry.body.status, dry.body.totalRows, dry.body.inserted]).toEqual([200, 'validated', 3, 0]);
    expect(await records()).toBe(before);

    const first = await importFile({ kind: 'complaints', filename: 'good.csv', text: good, sourceSystem: 'crm' });
    expect(first.body).toMatchObject({ status: 'completed', inserted: 3, updated: 0, unchanged: 0 });
    const again = await importFile({ kind: 'complaints', filename: 'good.csv', text: good, sourceSystem: 'crm' });
    expect(again.body).toMatchObject({ status: 'completed', inserted: 0, updated: 0, unchanged: 3 });
    const changed = await importFile({ kind: 'complaints', filename: 'good.csv', text: good.replace('처리중', '종결'), sourceSystem: 'crm' });
    expect(changed.body).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    expect(await records()).toBe(before + 3);
    // The same external ids from another system are other complaints.
    const other = await importFile({ kind: 'complaints', filename: 'good.csv', text: good, sourceSystem: 'branch-system' });
    expect(other.body.inserted).toBe(3);
    const listed = await asAnalyst('GET', '/api/statistics/records?sourceSystem=crm&limit=10');
    expect(listed.body.total).toBe(3);
    expect(listed.body.items.find((r: any) => r.externalId === 'E2E-0001').status).toBe('closed');
  });

  it('imports xlsx and JSON, and shows a large import\'s progress until it completes', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('고객');
    ws.addRow(['기간', '고객수', '비고']);
    ws.addRow(['2026-09', 11_940_000, '월말']);
    ws.addRow(['2025-09', 11_975_000, '월말']);
    const xlsx = await importFile({ kind: 'customers', filename: 'customers.xlsx', dataBase64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') });
    expect(xlsx.body).toMatchObject({ status: 'completed', inserted: 2, format: 'xlsx' });
    const month = await asAnalyst('GET', '/api/statistics/summary?period=2026-09');
    expect(month.body.customers.now).toEqual({ customers: 11_940_000, basis: '2026-09' });

    const rows = Array.from({ length: 6000 }, (_, i) => ({ external_id: `BULK-${i}`, received_on: '2024-03-15', channel: 'app', product: 'check_card', type: 'benefits', cause: 'system' }));
    const res = await importFile({ kind: 'complaints', filename: 'bulk.json', text: JSON.stringify(rows), sourceSystem: 'bulk' });
    expect([200, 202]).toContain(res.status);
    let view = res.body;
    const seen: number[] = [];
    for (let i = 0; i < 600 && view.status === 'running'; i++) {
      seen.push(view.progress.processed);
      await new Promise((r) => setTimeout(r, 50));
      view = (await asAnalyst('GET', `/api/statistics/imports/${res.body.id}`)).body;
    }
    expect(view).toMatchObject({ status: 'completed', inserted: 6000, totalRows: 6000, processedRows: 6000, progress: { phase: 'done', processed: 6000, total: 6000 } });
    expect(seen.every((p, i) => p <= 6000 && (i === 0 || p >= seen[i - 1]!))).toBe(true);
    const q1 = await asAnalyst('GET', '/api/statistics/summary?period=2024-Q1');
    expect(q1.body.complaints.count).toBe(6000);
    expect(q1.body.breakdowns.cause).toEqual([expect.objectContaining({ id: 'system', count: 6000, share: 1 })]);
  });

  it('ranks the company among published peer figures; ties share a rank', async () => {
    const imp = await importFile({ kind: 'peers', filename: 'peers.csv', text: fixture('peers-2026-q3.csv') });
    expect(imp.body).toMatchObject({ status: 'completed', inserted: 6 });
    // Before our own published figure exists, ours is computed: 325 (−4 %), 2.72 (−4 %).
    let peers = await asAnalyst('GET', '/api/statistics/peers?period=2026-Q3-YTD');
    expect(peers.body.selfComputed).toBe(true);
    expect(peers.body.items[0]).toMatchObject({ company: '당사', isSelf: true, complaints: 325, converted: 2.72, complaintsChangePct: -4, convertedChangePct: -4, source: 'computed' });
    const self = await asAnalyst('PUT', '/api/statistics/peers', { company: '민원카드', period: '2026-Q3-YTD', isSelf: true, complaints: 325, converted: 2.72, complaintsChangePct: -4, convertedChangePct: -4, source: '여신금융협회' });
    expect(self.status).toBe(200);
    peers = await asAnalyst('GET', '/api/statistics/peers?period=2026-Q3-YTD');
    expect(peers.body.selfComputed).toBe(false);
    const ranks = Object.fromEntries(peers.body.items.map((p: any) => [p.company, [p.ranks.complaintsChangePct, p.ranks.convertedChangePct]]));
    expect(ranks).toEqual({ 민원카드: [1, 1], 우리카드: [2, 2], KB국민카드: [3, 3], 삼성카드: [4, 4], 신한카드: [5, 5], 롯데카드: [6, 5], 현대카드: [7, 7] });
    expect(peers.body.counts).toEqual({ complaints: 1, converted: 1, complaintsChangePct: 7, convertedChangePct: 7 });
    expect(peers.body.periods).toEqual([{ period: '2026-Q3-YTD', companies: 7 }]);

    const empty = await asAnalyst('PUT', '/api/statistics/peers', { company: '하나카드', period: '2026-Q3-YTD' });
    expect([empty.status, empty.body.error.code]).toEqual([400, 'figure_required']);
    const del = await asAnalyst('DELETE', `/api/statistics/peers?period=2026-Q3-YTD&company=${encodeURIComponent('우리카드')}`);
    expect(del.status).toBe(204);
    const gone = await asAnalyst('DELETE', `/api/statistics/peers?period=2026-Q3-YTD&company=${encodeURIComponent('우리카드')}`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'peer_figure_not_found']);
  });

  it('counts monitoring volume: measured from alerts where there are any, recorded figures before', async () => {
    const db = ctx.server.ctx.db;
    // 2026-10 (KST): 3 calls with alerts (4 alerts), one case opened from an alert.
    await db.query(`INSERT INTO calls (id, started_at) SELECT 'mon-' || g, '2026-10-05T01:00:00Z' FROM generate_series(1, 3) g`);
    await db.query(
      `INSERT INTO alerts (id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, created_at)
       SELECT 'al-' || c || '-' || r, 'mon-' || c, 'rule-' || r, 'external_authority', 4, 'customer', 0, 'u1', '금감원', '금감원', 'x', '2026-10-05T01:00:00Z'
       FROM (VALUES (1, 1), (1, 2), (2, 1), (3, 1)) v(c, r)`,
    );
    await db.query(`UPDATE cases SET source = 'alert' WHERE id = $1`, [caseIds[3]]);
    for (const [month, n] of [['2026-08', 512], ['2026-09', 488], ['2026-10', 999]] as const) {
      expect((await asAnalyst('PUT', `/api/statistics/monitoring/${month}`, { monitoredCases: n, note: '기존 모니터링 보고' })).status).toBe(200);
    }
    const res = await asAnalyst('GET', '/api/statistics/monitoring?from=2026-08&to=2026-11');
    expect(res.body.months.map((m: any) => [m.month, m.monitoredCases, m.source])).toEqual([
      ['2026-08', 512, 'recorded'], ['2026-09', 488, 'recorded'], ['2026-10', 3, 'measured'], ['2026-11', 0, 'none'],
    ]);
    expect(res.body.months[2]).toMatchObject({ callsWithAlerts: 3, alerts: 4, casesOpened: 1 });
    // (512 + 488 + 3) ÷ 3 months with figures = 334.33 → 334
    expect([res.body.total, res.body.averagePerMonth]).toEqual([1003, 334]);
  });

  it('exports the period as a workbook whose figures match the screen', async () => {
    const res = await fetch(`${ctx.server.url}/api/statistics/export.xlsx?period=2026-Q3-YTD`, { headers: { authorization: headers.analyst.authorization } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer() as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['요약', '분류별', '추이', '누적', '타사 비교', '모니터링', '고객 수']);
    const summary = wb.getWorksheet('요약')!;
    const rowOf = (label: string) => summary.getRows(1, summary.rowCount)!.find((r) => r.getCell(1).value === label)!;
    expect([rowOf('민원 건수').getCell(2).value, rowOf('민원 건수').getCell(3).value, rowOf('민원 건수').getCell(4).value]).toEqual([325, 339, -4]);
    expect([rowOf('환산 건수 (10만 명당)').getCell(2).value, rowOf('환산 건수 (10만 명당)').getCell(4).value]).toEqual([2.72, -4]);
    const cumulative = wb.getWorksheet('누적')!;
    expect(cumulative.getRow(4).values).toEqual([undefined, '2026-Q3 누적', 325, 339]);
    const audit = await api(ctx.server, 'GET', '/api/audit?action=export.statistics');
    expect(audit.body.items.length).toBeGreaterThan(0);
  });

  it('lets supervisors read but not write, keeps agents out, and answers bad input with 4xx and no change', async () => {
    expect((await api(ctx.server, 'GET', '/api/statistics/summary?period=2026-Q3-YTD', undefined, headers.supervisor)).status).toBe(200);
    const w = await api(ctx.server, 'PUT', '/api/statistics/customer-base/2026-Q2', { customers: 5 }, headers.supervisor);
    expect([w.status, w.body.error.code]).toEqual([403, 'forbidden']);
    expect((await api(ctx.server, 'GET', '/api/statistics/summary', undefined, headers.agent)).status).toBe(403);
    expect((await api(ctx.server, 'GET', '/api/statistics/summary')).status).toBe(200);

    const badPeriod = await asAnalyst('GET', '/api/statistics/summary?period=2026-Q5');
    expect(badPeriod.status).toBe(400);
    const zero = await asAnalyst('PUT', '/api/statistics/customer-base/2026-Q2', { customers: 0 });
    expect(zero.status).toBe(400);
    const badKey = await asAnalyst('PUT', '/api/statistics/customer-base/2026-Q3-YTD', { customers: 10 });
    expect(badKey.status).toBe(400);
    const list = await asAnalyst('GET', '/api/statistics/customer-base');
    expect(list.body.items.map((c: any) => c.period)).toEqual(['2026-Q3', '2026-09', '2025-Q3', '2025-09']);
    const both = await importFile({ kind: 'complaints', filename: 'a.csv', text: 'a', dataBase64: 'YQ==' });
    expect([both.status, both.body.error.code]).toEqual([400, 'file_required']);
    const fmt = await importFile({ kind: 'complaints', filename: 'a.txt', text: 'a' });
    expect([fmt.status, fmt.body.error.code]).toEqual([400, 'unknown_format']);

    const audit = await api(ctx.server, 'GET', '/api/audit?action=statistics.customer_base_set');
    expect(audit.body.items.find((a: any) => a.targetId === '2026-Q3').details).toEqual({ before: null, after: 11_950_000 });
  });

  it('shows an import cut off by a stopped server as failed, not running for ever', async () => {
    await ctx.server.ctx.db.query(
      `INSERT INTO statistics_imports (id, kind, format, filename, dry_run, status, total_rows, created_by, created_at)
       VALUES ('stale-1', 'complaints', 'csv', 'cut.csv', false, 'running', 50000, 'analyst', now() - interval '2 hours'),
              ('fresh-1', 'complaints', 'csv', 'now.csv', false, 'running', 50000, 'analyst', now())`,
    );
    const stale = await asAnalyst('GET', '/api/statistics/imports/stale-1');
    expect(stale.body).toMatchObject({ status: 'failed', message: expect.stringContaining('Interrupted') });
    // One that began a moment ago may be running in another process: left alone.
    expect((await asAnalyst('GET', '/api/statistics/imports/fresh-1')).body.status).toBe('running');
  });

  it('documents the routes in OpenAPI and serves an import template', async () => {
    const doc = await api(ctx.server, 'GET', '/docs/json');
    const paths = Object.keys(doc.body.paths).filter((p) => p.startsWith('/api/statistics'));
    expect(paths).toEqual(expect.arrayContaining(['/api/statistics/summary', '/api/statistics/trend', '/api/statistics/peers', '/api/statistics/imports', '/api/statistics/imports/{id}', '/api/statistics/monitoring', '/api/statistics/customer-base/{period}', '/api/statistics/export.xlsx']));
    const tpl = await asAnalyst('GET', '/api/statistics/imports/template?kind=complaints');
    expect(tpl.status).toBe(200);
    // The template is itself a valid file.
    const dry = await importFile({ kind: 'complaints', filename: 't.csv', text: tpl.body, dryRun: true });
    expect(dry.body.status).toBe('validated');
  });

  it('serves the trend by month with last year beside it and the cumulative quarters', async () => {
    const res = await asAnalyst('GET', '/api/statistics/trend?granularity=month&from=2026-01-01&to=2026-10-01');
    expect(res.status).toBe(200);
    expect(res.body.points).toHaveLength(9);
    const sum = (k: string) => res.body.points.reduce((s: number, p: any) => s + p[k], 0);
    expect([sum('count'), sum('previous')]).toEqual([325, 339]);
    expect(res.body.cumulative[2]).toEqual({ quarter: '2026-Q3', count: 325, previous: 339, changePct: -4 });
    const tooLong = await asAnalyst('GET', '/api/statistics/trend?granularity=day&from=2024-01-01&to=2026-01-01');
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'range_too_long']);
  });
});
