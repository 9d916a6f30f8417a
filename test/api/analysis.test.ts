import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

// Combined analysis through the real server, with figures computed by hand
// from the fixtures below: a consultations file (10 rows, Korean headers),
// sales without ids, a marketing campaign, platform events, and five
// complaints (four records and one classified VOM case).
//
// Complaints (customer, day, product, channel):
//   R1 CUST-1 2026-07-10 credit_card phone    R2 CUST-1 2026-08-20 credit_card app
//   R3 CUST-2 2026-07-05 check_card  phone    R4 CUST-3 2026-09-01 credit_card phone
//   VOM case  CUST-4 2026-07-20 (KST) credit_card phone
// Consultations (fixtures/analysis/consultations.csv): credit_card 6, check_card 4;
//   phone 7, app 3; July 5, August 3, September 2; CUST-1 ×3, CUST-2..4 ×2, CUST-5 ×1.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const fixture = (name: string) => readFileSync(new URL(`../fixtures/analysis/${name}`, import.meta.url), 'utf8');
const Q3 = 'from=2026-07-01&to=2026-10-01';

describe.each(testDatabases)('combined analysis API ($name)', (tdb) => {
  const ctx = useTestServer(tdb);
  const headers: Record<'analyst' | 'auditor' | 'agent', Record<string, string>> = {} as never;
  let caseNumber = '';

  beforeAll(async () => {
    for (const role of ['analyst', 'auditor', 'agent'] as const) {
      const u = await api(ctx.server, 'POST', '/api/users', { username: `an-${role}`, displayName: role, role, password: 'Initial-Pass-1' });
      const t = await api(ctx.server, 'POST', '/api/tokens', { name: `an-${role}`, userId: u.body.id });
      headers[role] = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
    }
    const records = [
      { externalId: 'R1', receivedOn: '2026-07-10', channel: 'phone', product: 'credit_card', type: 'payment', customerId: 'CUST-1' },
      { externalId: 'R2', receivedOn: '2026-08-20', channel: 'app', product: 'credit_card', type: 'system', customerId: 'CUST-1' },
      { externalId: 'R3', receivedOn: '2026-07-05', channel: 'phone', product: 'check_card', type: 'limit', customerId: 'CUST-2' },
      { externalId: 'R4', receivedOn: '2026-09-01', channel: 'phone', product: 'credit_card', type: 'fees', customerId: 'CUST-3' },
    ];
    for (const r of records) expect((await api(ctx.server, 'POST', '/api/statistics/records', r)).status).toBe(201);
    const c = await api(ctx.server, 'POST', '/api/cases', { title: '분석 사례', severity: 3, customerId: 'CUST-4' });
    expect(c.status).toBe(201);
    caseNumber = `VOM-${String(c.body.number).padStart(6, '0')}`;
    // 2026-07-19 16:00 UTC is 2026-07-20 01:00 KST: the case counts on the 20th.
    await ctx.server.ctx.db.query('UPDATE cases SET created_at = $2 WHERE id = $1', [c.body.id, '2026-07-19T16:00:00Z']);
    const cls = await api(ctx.server, 'PUT', `/api/statistics/cases/${c.body.id}/classification`, { channel: 'phone', product: 'credit_card', type: 'service', scope: 'internal' });
    expect(cls.status).toBe(200);
  });

  const as = (who: 'analyst' | 'auditor' | 'agent') => (method: string, path: string, body?: unknown) => api(ctx.server, method, path, body, headers[who]);
  const analyst = as('analyst');
  const rows = async () => Number((await ctx.server.ctx.db.query('SELECT count(*)::int AS n FROM dataset_rows'))[0]!.n);
  const auditActions = async () => (await ctx.server.ctx.db.query("SELECT action FROM audit_log WHERE action LIKE 'datasets.%' ORDER BY id")).map((r) => r.action as string);

  it('lists the kinds with their declared schemas', async () => {
    const k = await analyst('GET', '/api/analysis/kinds');
    expect(k.status).toBe(200);
    expect(k.body.items.map((x: any) => x.kind)).toEqual(['consultations', 'sales', 'marketing', 'platform']);
    const cons = k.body.items[0];
    expect(cons.fields.filter((f: any) => f.required).map((f: any) => f.field)).toEqual(['id', 'occurredAt']);
    expect(cons.fields.find((f: any) => f.field === 'customerId').column).toBe('customer');
  });

  it('suggests the mapping from Korean headers and shows the first rows redacted, storing nothing', async () => {
    const text = `${fixture('consultations.csv').trim()}\nC-011,2026-09-30 10:00,CUST-9,신용카드,전화,연락처 010-2345-6789 변경,30\n`;
    const p = await analyst('POST', '/api/analysis/imports/preview', { kind: 'consultations', filename: 'c.csv', text });
    expect(p.status).toBe(200);
    expect(p.body.suggestion).toEqual({ 상담번호: 'id', 상담일시: 'occurredAt', 고객번호: 'customerId', 상품: 'product', 채널: 'channel', 상담사유: 'reason', 통화시간: 'durationSec' });
    expect(p.body.problems).toEqual([]);
    expect(p.body.totalRows).toBe(11);
    expect(p.body.sample[0]).toEqual({ row: 2, values: { 상담번호: 'C-001', 상담일시: '2026-07-02 09:10', 고객번호: 'CUST-1', 상품: '신용카드', 채널: '전화', 상담사유: '결제 문의', 통화시간: '180' } });
    expect(await rows()).toBe(0);
  });

  it('refuses a file with one bad row (row, field, code) and stores none of it; the attempt is logged and audited', async () => {
    const r = await analyst('POST', '/api/analysis/imports', { kind: 'consultations', dataset: '콜센터 상담', filename: 'bad.csv', text: fixture('consultations-one-bad-row.csv') });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('import_invalid');
    expect(r.body.error.details.errors).toEqual([{ row: 3, field: 'product', code: 'unknown_value', message: expect.stringContaining('텔레그램카드') }]);
    expect(await rows()).toBe(0);
    expect((await analyst('GET', '/api/analysis/datasets')).body.items).toEqual([]);
    const log = await analyst('GET', '/api/analysis/imports');
    expect(log.body.items[0]).toMatchObject({ status: 'rejected', errorCount: 1, datasetName: '콜센터 상담', datasetId: null });
    expect(await auditActions()).toEqual(['datasets.import_rejected']);
  });

  it('refuses a customer id that is a phone or resident number, and a mapping without a required field', async () => {
    const phone = 'consultation_id,occurred_at,customer_id\nX-1,2026-07-01 10:00,010-2345-6789\n';
    const r = await analyst('POST', '/api/analysis/imports', { kind: 'consultations', dataset: 'x', filename: 'p.csv', text: phone });
    expect(r.body.error.details.errors).toEqual([expect.objectContaining({ row: 2, field: 'customerId', code: 'personal_data' })]);
    const m = await analyst('POST', '/api/analysis/imports', { kind: 'consultations', dataset: 'x', filename: 'p.csv', text: phone, mapping: { consultation_id: 'id', occurred_at: null, customer_id: 'customerId' } });
    expect([m.status, m.body.error.code]).toEqual([400, 'invalid_mapping']);
    expect(m.body.error.details.errors).toEqual([expect.objectContaining({ field: 'occurredAt', code: 'missing_column' })]);
    expect(await rows()).toBe(0);
  });

  it('a dry run validates every row and stores nothing; the import stores all ten, and importing again changes nothing', async () => {
    const body = { kind: 'consultations', dataset: '콜센터 상담', filename: 'consultations.csv', text: fixture('consultations.csv') };
    const dry = await analyst('POST', '/api/analysis/imports', { ...body, dryRun: true });
    expect([dry.status, dry.body.status, dry.body.totalRows, dry.body.firstDay, dry.body.lastDay]).toEqual([200, 'validated', 10, '2026-07-02', '2026-09-30']);
    expect(await rows()).toBe(0);
    const first = await analyst('POST', '/api/analysis/imports', body);
    expect([first.status, first.body.status, first.body.inserted, first.body.progress]).toEqual([200, 'completed', 10, { phase: 'done', processed: 10, total: 10 }]);
    const again = await analyst('POST', '/api/analysis/imports', body);
    expect([again.body.inserted, again.body.updated, again.body.unchanged]).toEqual([0, 0, 10]);
    const changed = await analyst('POST', '/api/analysis/imports', { ...body, text: body.text.replace('C-010,2026-09-30 23:30,CUST-5,체크카드,모바일 앱,포인트,20', 'C-010,2026-09-30 23:30,CUST-5,체크카드,모바일 앱,포인트,25') });
    expect([changed.body.inserted, changed.body.updated, changed.body.unchanged]).toEqual([0, 1, 9]);
    expect(await rows()).toBe(10);
    const ds = (await analyst('GET', '/api/analysis/datasets')).body.items;
    expect(ds).toEqual([expect.objectContaining({ kind: 'consultations', name: '콜센터 상담', rows: 10, quantity: 10, firstDay: '2026-07-02', lastDay: '2026-09-30', lastImportFile: 'consultations.csv' })]);
    // 23:30 KST on 30 September is 14:30 UTC: stored as that instant, counted on the local day.
    const [r] = await ctx.server.ctx.db.query("SELECT occurred_at, to_char(day, 'YYYY-MM-DD') AS day FROM dataset_rows WHERE row_key = 'C-010'");
    expect([new Date(r!.occurred_at).toISOString(), r!.day]).toEqual(['2026-09-30T14:30:00.000Z', '2026-09-30']);
  });

  it('complaints per 1,000 consultations by product, channel and month, with numerators and denominators', async () => {
    const p = await analyst('GET', `/api/analysis/consultation-rate?${Q3}&groupBy=product`);
    expect(p.status).toBe(200);
    // credit_card: 4 × 1,000 ÷ 6 = 666.67; check_card: 1 × 1,000 ÷ 4 = 250; total 5 × 1,000 ÷ 10 = 500.
    expect(p.body.items.map((i: any) => [i.group, i.complaints, i.denominator, i.rate])).toEqual([['check_card', 1, 4, 250], ['credit_card', 4, 6, 666.67]]);
    expect(p.body.items[1]).toMatchObject({ ko: '신용카드', en: 'Credit card' });
    expect(p.body.total).toEqual({ complaints: 5, denominator: 10, rate: 500 });
    const c = await analyst('GET', `/api/analysis/consultation-rate?${Q3}&groupBy=channel`);
    // phone: 4 × 1,000 ÷ 7 = 571.43; app: 1 × 1,000 ÷ 3 = 333.33.
    expect(c.body.items.map((i: any) => [i.group, i.complaints, i.denominator, i.rate])).toEqual([['app', 1, 3, 333.33], ['phone', 4, 7, 571.43]]);
    const m = await analyst('GET', `/api/analysis/consultation-rate?${Q3}&groupBy=month&product=credit_card`);
    // credit_card only — July: R1 + case over C-001, C-002, C-006 → 2 × 1,000 ÷ 3; August: R2 over C-003, C-007, C-008; September: R4, no consultation.
    expect(m.body.items.map((i: any) => [i.group, i.complaints, i.denominator, i.rate])).toEqual([['2026-07', 2, 3, 666.67], ['2026-08', 1, 3, 333.33], ['2026-09', 1, 0, null]]);
    expect((await analyst('GET', '/api/analysis/consultation-rate?from=2026-10-01&to=2026-07-01')).body.error.code).toBe('invalid_range');
  });

  it('complaints per 10,000 sales; rows without ids are keyed by a hash of their values', async () => {
    const text = 'date,product,count,amount\n2026-07-15,신용카드,20000,\n2026-08-15,credit_card,10000,5000000\n2026-08-15,체크카드,4000,\n';
    const s = await analyst('POST', '/api/analysis/imports', { kind: 'sales', dataset: '신규 발급', filename: 'sales.csv', text });
    expect([s.body.status, s.body.inserted]).toEqual(['completed', 3]);
    const again = await analyst('POST', '/api/analysis/imports', { kind: 'sales', dataset: '신규 발급', filename: 'sales.csv', text });
    expect([again.body.inserted, again.body.unchanged]).toEqual([0, 3]);
    const dup = await analyst('POST', '/api/analysis/imports', { kind: 'sales', dataset: '신규 발급', filename: 'dup.csv', text: `${text}2026-08-15,체크카드,4000,\n` });
    expect(dup.body.error.details.errors).toEqual([expect.objectContaining({ row: 5, code: 'duplicate_in_file' })]);
    const r = await analyst('GET', `/api/analysis/sales-rate?${Q3}`);
    // credit_card: 4 × 10,000 ÷ 30,000 = 1.33; check_card: 1 × 10,000 ÷ 4,000 = 2.5; total 5 × 10,000 ÷ 34,000 = 1.47.
    expect(r.body.items.map((i: any) => [i.group, i.complaints, i.denominator, i.rate])).toEqual([['check_card', 1, 4000, 2.5], ['credit_card', 4, 30000, 1.33]]);
    expect(r.body.total).toEqual({ complaints: 5, denominator: 34000, rate: 1.47 });
  });

  it('marketing: contacted vs not contacted complaint rates in the window, with the two-proportion interval and test', async () => {
    const text = '캠페인코드,캠페인명,고객번호,발송일시,발송채널,반응여부\nC1,연회비 면제 안내,CUST-1,2026-07-01 10:00,SMS,Y\nC1,연회비 면제 안내,CUST-2,2026-07-01 10:00,SMS,N\nC1,연회비 면제 안내,CUST-6,2026-07-02 09:00,앱 푸시,N\n';
    const i = await analyst('POST', '/api/analysis/imports', { kind: 'marketing', dataset: '7월 캠페인', filename: 'm.csv', text });
    expect([i.body.status, i.body.inserted, i.body.mapping]).toEqual(['completed', 3, { 캠페인코드: 'campaignId', 캠페인명: 'campaignName', 고객번호: 'customerId', 발송일시: 'contactedAt', 발송채널: 'channel', 반응여부: 'responded' }]);
    const m = await analyst('GET', '/api/analysis/marketing?windowDays=30');
    expect(m.status).toBe(200);
    const c = m.body.items[0];
    // Contacted: CUST-1 (R1 on 07-10), CUST-2 (R3 on 07-05) complained within 30 days; CUST-6 did not → 2 / 3.
    // Not contacted (customers of any dataset): CUST-3 (R4 on 09-01, outside), CUST-4 (case on 07-20, inside), CUST-5 → 1 / 3.
    expect(c).toMatchObject({ campaignId: 'C1', campaignName: '연회비 면제 안내', firstContact: '2026-07-01', contacted: 3, responded: 1, contactedComplained: 2, notContacted: 3, notContactedComplained: 1, contactedRatePct: 66.67, notContactedRatePct: 33.33, significant: false });
    // p1 − p0 = 1/3; Wald SE = √(2·(2/9)/3) = √(4/27) = 0.3849 → [−0.4211, 1.0877]; pooled z = (1/3) / √(0.25·(2/3)) = 0.8165, p = 0.4142.
    expect(c.test.difference).toBeCloseTo(1 / 3, 10);
    expect(c.test.low).toBeCloseTo(1 / 3 - 1.959964 * Math.sqrt(4 / 27), 5);
    expect(c.test.high).toBeCloseTo(1 / 3 + 1.959964 * Math.sqrt(4 / 27), 5);
    expect(c.test.z).toBeCloseTo(0.816497, 5);
    expect(c.test.pValue).toBeCloseTo(0.4142, 3);
    expect(c.test.ratio).toBeCloseTo(2, 10);
  });

  it('platform events with complaints before and after, and complaints per day', async () => {
    const text = 'occurred_at,platform,event_kind,version,description\n2026-08-18 09:00,app,release,5.2.0,로그인 화면 개편\n2026-07-08 02:00,web,incident,,결제 지연\n';
    expect((await analyst('POST', '/api/analysis/imports', { kind: 'platform', dataset: '앱 배포', filename: 'p.csv', text })).body.inserted).toBe(2);
    const all = await analyst('GET', `/api/analysis/platform?${Q3}&windowDays=7`);
    expect(all.status).toBe(200);
    expect(all.body.days).toHaveLength(92);
    expect(all.body.total).toBe(5);
    expect(all.body.days.find((d: any) => d.day === '2026-07-20').complaints).toBe(1);
    // Incident on 07-08: before [07-01, 07-08) holds R3 (07-05); after [07-08, 07-15) holds R1 (07-10).
    expect(all.body.events.map((e: any) => [e.day, e.eventKind, e.before, e.after, e.beforePerDay, e.afterPerDay, e.changePct])).toEqual([
      ['2026-07-08', 'incident', 1, 1, 0.14, 0.14, 0],
      ['2026-08-18', 'release', 0, 1, 0, 0.14, null],
    ]);
    const app = await analyst('GET', `/api/analysis/platform?${Q3}&windowDays=7&channel=app&type=system&platform=app`);
    expect(app.body.total).toBe(1);
    expect(app.body.events).toEqual([expect.objectContaining({ version: '5.2.0', before: 0, after: 1, afterDays: 7 })]);
  });

  it('customers with both many consultations and complaints, with their complaint references', async () => {
    const o = await analyst('GET', `/api/analysis/customers?${Q3}&minConsultations=2&limit=3`);
    expect(o.status).toBe(200);
    expect(o.body.items.map((i: any) => [i.customerId, i.consultations, i.complaints, i.refs])).toEqual([
      ['CUST-1', 3, 2, ['manual:R2', 'manual:R1']], ['CUST-2', 2, 1, ['manual:R3']], ['CUST-3', 2, 1, ['manual:R4']],
    ]);
    expect(o.body.summary).toEqual({ withConsultations: 5, withComplaints: 4, withBoth: 4, matching: 4 });
    const four = await analyst('GET', `/api/analysis/customers?${Q3}&minConsultations=2&limit=10`);
    expect(four.body.items[3]).toMatchObject({ customerId: 'CUST-4', refs: [caseNumber] });
  });

  it('exports the workbook (audited); readers cannot import; agents cannot read', async () => {
    const res = await fetch(`${ctx.server.url}/api/analysis/export.xlsx?${Q3}`, { headers: { authorization: headers.auditor.authorization! } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('상담 대비 민원')!;
    expect(sheet.getRow(3).values).toEqual([undefined, '신용카드', 4, 6, 666.67]);
    expect(wb.worksheets.map((w) => w.name)).toContain('마케팅 효과');
    const audited = await ctx.server.ctx.db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'export.analysis'");
    expect(audited[0]!.n).toBe(1);
    expect((await as('auditor')('POST', '/api/analysis/imports', { kind: 'sales', dataset: 'x', filename: 'x.csv', text: 'a\n1' })).status).toBe(403);
    expect((await as('agent')('GET', '/api/analysis/datasets')).status).toBe(403);
  });

  it('a large file is stored in one transaction with progress, polled after a 202', async () => {
    const lines = ['platform_row,occurred_at,platform,event_kind,count'];
    for (let i = 0; i < 40_000; i++) lines.push(`P-${i},2026-06-${String(1 + (i % 28)).padStart(2, '0')} 10:00,app,heartbeat,1`);
    const mapping = { platform_row: 'id', occurred_at: 'occurredAt', platform: 'platform', event_kind: 'eventKind', count: 'count' };
    let v = (await analyst('POST', '/api/analysis/imports', { kind: 'platform', dataset: '대량', filename: 'big.csv', text: lines.join('\n'), mapping })).body;
    expect(['running', 'completed']).toContain(v.status);
    const seen: number[] = [];
    while (v.status === 'running') {
      seen.push(v.progress.processed);
      await new Promise((r) => setTimeout(r, 100));
      v = (await analyst('GET', `/api/analysis/imports/${v.id}`)).body;
    }
    expect([v.status, v.inserted, v.progress]).toEqual(['completed', 40_000, { phase: 'done', processed: 40_000, total: 40_000 }]);
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1]!)).toBe(true);
    const ds = (await analyst('GET', '/api/analysis/datasets?kind=platform')).body.items.find((d: any) => d.name === '대량');
    expect((await analyst('DELETE', `/api/analysis/datasets/${ds.id}`)).status).toBe(204);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = await api(ctx.server, 'GET', '/docs/json');
    for (const path of ['/api/analysis/kinds', '/api/analysis/imports/preview', '/api/analysis/imports', '/api/analysis/datasets/{id}', '/api/analysis/consultation-rate', '/api/analysis/sales-rate', '/api/analysis/marketing', '/api/analysis/platform', '/api/analysis/customers', '/api/analysis/export.xlsx']) {
      expect(doc.body.paths[path], path).toBeDefined();
    }
  });

  it('deletes a dataset with its rows (audited); the import log stays', async () => {
    const ds = (await analyst('GET', '/api/analysis/datasets?kind=sales')).body.items[0];
    expect((await analyst('DELETE', `/api/analysis/datasets/${ds.id}`)).status).toBe(204);
    expect((await analyst('DELETE', `/api/analysis/datasets/${ds.id}`)).body.error.code).toBe('dataset_not_found');
    expect((await analyst('GET', `/api/analysis/sales-rate?${Q3}`)).body.total).toEqual({ complaints: 5, denominator: 0, rate: null });
    const [a] = await ctx.server.ctx.db.query("SELECT details FROM audit_log WHERE action = 'datasets.deleted' AND target_id = $1", [ds.id]);
    expect(a!.details).toMatchObject({ kind: 'sales', name: '신규 발급', rows: 3 });
    expect((await analyst('GET', `/api/analysis/imports?dataset=${ds.id}`)).body.items.length).toBeGreaterThan(0);
  });
});
