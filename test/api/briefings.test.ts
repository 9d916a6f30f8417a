import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { pino } from 'pino';
import { addDays, dayOf, dayWindow } from '../../src/analytics/briefing/time.js';
import { existsSync } from 'node:fs';
import { BriefingFontMissing, renderBriefingPdf } from '../../src/analytics/briefing/pdf.js';
import { DEFAULT_FONT } from '../../src/analytics/briefing/config.js';
import { permissionsFor } from '../../src/api/auth/rbac.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { verifySignature } from '../../src/delivery/index.js';
import type { Db } from '../../src/store/db.js';
import { testDatabases } from '../helpers/databases.js';
import { pdfInfo, pdfUnicodeChars } from '../helpers/pdf.js';
import { adminHeaders, api, testConfig } from '../helpers/server.js';
import { fastDelivery, PUBLIC_URL, receiverPool, startSmtpDouble, waitUntil, type SmtpDouble } from '../delivery/receivers.js';

// The PDF needs a Korean font (Debian's fonts-noto-cjk, which .ci/run installs).
const hasFont = existsSync(process.env.RADAR_BRIEFING_FONT || DEFAULT_FONT);
if (!hasFont) console.log(`[tests] no Korean font at ${DEFAULT_FONT} (apt-get install fonts-noto-cjk): briefing PDF and e-mail attachment tests skipped`);

// The briefing through the API as the console and other systems use it: make
// a day, read it, print it, and the briefing.published event reaching a
// signed webhook, a Slack channel and an e-mail box with the PDF attached.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const TZ = 'Asia/Seoul';
/** Yesterday in KST: a finished day the API accepts whatever the machine's clock says. */
const DAY = addDays(dayOf(new Date(), TZ), -1);
const at = (hoursIntoDay: number) => new Date(Date.parse(dayWindow(DAY, TZ).from) + hoursIntoDay * 3_600_000).toISOString();

async function seed(db: Db) {
  await db.tx(async (q) => {
    await q.query(`INSERT INTO calls (id, customer_id, agent_id, started_at, ended_at, risk_score) VALUES
      ('bc-1', 'C-10231', 'agent07', $1, $1::timestamptz + interval '7 minutes', 90),
      ('bc-2', 'C-10488', 'agent03', $2, NULL, 40)`, [at(9), at(13)]);
    await q.query(`INSERT INTO alerts (id, call_id, rule_id, category, severity, speaker, start_ms, utterance_id, match, term, explanation, created_at) VALUES
      ('ba-1', 'bc-1', 'external_authority.fss', 'external_authority', 5, 'customer', 4000, 'u1', '금감원에 민원 넣을', '금감원', 'external_authority.fss: 금감원 (exact)', $1),
      ('ba-2', 'bc-2', 'media.press', 'media', 4, 'customer', 9000, 'u2', '언론사에 제보할게요', '언론사', 'media.press: 언론사 (exact)', $2)`, [at(9.1), at(13.2)]);
    await q.query(`INSERT INTO cases (id, title, severity, category, customer_id, due_at, created_at) VALUES
      ('bk-1', '연회비 이중 청구 민원', 4, 'complaint', 'C-55120', $1, $2)`, [at(10), at(8)]);
  });
}

describe.each(testDatabases)('daily briefing API and delivery ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  let smtp: SmtpDouble;
  const receivers = receiverPool();

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    smtp = await startSmtpDouble();
    server = await startServer(testConfig(), { db: opened.db, log: pino({ level: 'silent' }), delivery: fastDelivery(smtp.url) });
    await seed(opened.db);
  });
  afterAll(async () => {
    await server?.close();
    await receivers.closeAll();
    await smtp?.close();
    await drop?.();
  });

  const count = async (sql: string) => (await server.ctx.db.query(sql))[0]!.n as number;

  it('bad input is refused with a machine-readable code and changes nothing', async () => {
    const before = [await count('SELECT count(*)::int AS n FROM briefings'), await count('SELECT count(*)::int AS n FROM events')];
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/api/briefings/yesterday', undefined, 400, 'invalid_request'],
      ['GET', '/api/briefings/2026-02-30', undefined, 400, 'invalid_date'],
      ['POST', '/api/briefings/2026-13-01/generate', {}, 400, 'invalid_date'],
      ['POST', `/api/briefings/${addDays(DAY, 3)}/generate`, {}, 400, 'briefing_day_in_future'],
      ['GET', `/api/briefings/${addDays(DAY, 3)}`, undefined, 400, 'briefing_day_in_future'],
      ['POST', `/api/briefings/${DAY}/generate`, { force: true }, 400, 'invalid_request'],
      ['GET', '/api/briefings/2020-01-01', undefined, 404, 'briefing_not_found'],
      ['GET', '/api/briefings/2020-01-01/pdf', undefined, 404, 'briefing_not_found'],
      ['GET', '/api/briefings?limit=0', undefined, 400, 'invalid_request'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await api(server, method, path, body);
      expect([res.status, res.body?.error?.code], `${method} ${path}`).toEqual([status, code]);
    }
    expect([await count('SELECT count(*)::int AS n FROM briefings'), await count('SELECT count(*)::int AS n FROM events')]).toEqual(before);
  });

  it('roles: officers and admins make briefings, analysts, supervisors and auditors read them, agents do not', async () => {
    expect(permissionsFor('officer').has('briefings:generate')).toBe(true);
    for (const role of ['supervisor', 'analyst', 'auditor'] as const) {
      expect([permissionsFor(role).has('briefings:read'), permissionsFor(role).has('briefings:generate')]).toEqual([true, false]);
    }
    expect(permissionsFor('agent').has('briefings:read')).toBe(false);
    const token = (await api(server, 'POST', '/api/tokens', { name: 'reader', scopes: ['briefings:read'] })).body.token as string;
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const res = await api(server, 'POST', `/api/briefings/${DAY}/generate`, {}, h);
    expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
    expect((await api(server, 'GET', '/api/briefings', undefined, h)).status).toBe(200);
  });

  it('generate → 201 with the figures; again → 200 version 2; both audited; list and JSON agree', async () => {
    const first = await api(server, 'POST', `/api/briefings/${DAY}/generate`, {});
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ day: DAY, version: 1, trigger: 'manual', timezone: TZ });
    const c = first.body.content;
    expect(c.calls).toMatchObject({ monitored: { count: 2 }, ended: 1, talkSeconds: 420 });
    expect(c.alerts.total.count).toBe(2);
    expect(c.topCalls.map((x: any) => x.callId)).toEqual(['bc-1', 'bc-2']);
    expect(c.topCalls[0].alerts[0]).toMatchObject({ ruleId: 'external_authority.fss', match: '금감원에 민원 넣을' });
    expect(c.cases).toMatchObject({ newCount: 1, slaBreachCount: 1 });

    const second = await api(server, 'POST', `/api/briefings/${DAY}/generate`, {});
    expect([second.status, second.body.version]).toEqual([200, 2]);
    const one = await api(server, 'GET', `/api/briefings/${DAY}`);
    expect(one.body).toMatchObject({ day: DAY, version: 2, eventSeq: second.body.eventSeq });
    const list = await api(server, 'GET', '/api/briefings');
    expect(list.body.items[0]).toMatchObject({ day: DAY, version: 2, headline: { calls: 2, alerts: 2, newCases: 1, slaBreaches: 1 } });
    expect(list.body.schedule).toMatchObject({ timezone: TZ, at: '10:00', enabled: false });
    const audit = await api(server, 'GET', '/api/audit?limit=50');
    const mine = audit.body.items.filter((a: any) => a.targetType === 'briefing').map((a: any) => a.action);
    expect(mine).toEqual(['briefing.regenerated', 'briefing.generated']);
  });

  it.skipIf(!hasFont)('the PDF: a real PDF with the Korean font embedded and the text extractable', async () => {
    const res = await fetch(`${server.url}/api/briefings/${DAY}/pdf`, { headers: { authorization: adminHeaders.authorization } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('일일브리핑'));
    const pdf = Buffer.from(await res.arrayBuffer());
    const info = pdfInfo(pdf);
    expect(info.header).toBe('%PDF-');
    expect(info.endsWithEof).toBe(true);
    expect(info.pages).toBeGreaterThanOrEqual(1);
    expect(info.fontNames.some((n) => n.endsWith('+NotoSansCJKkr-Regular'))).toBe(true);
    expect(info.embeddedFontFiles).toBeGreaterThan(0);
    const chars = pdfUnicodeChars(pdf);
    for (const ch of '일일브리핑금감원에민원넣을연회비이중청구') expect(chars.has(ch), `glyph for ${ch}`).toBe(true);
    const audit = await api(server, 'GET', '/api/audit?action=export.briefing_pdf');
    expect(audit.body.items[0]).toMatchObject({ targetId: DAY, details: { version: 2 } });
  });

  it('the Excel workbook: a sheet per section with the same numbers', async () => {
    const res = await fetch(`${server.url}/api/briefings/${DAY}/xlsx`, { headers: { authorization: adminHeaders.authorization } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer() as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['요약', '유형별 알림', '심각도별 알림', '시간대별 알림', '주요 위험 통화', '신규 사례', 'SLA 초과', '반복 민원', '조기 경보', '규칙·표현']);
    const summary = Object.fromEntries(wb.getWorksheet('요약')!.getSheetValues().slice(2).map((r: any) => [r[1], r[2]]));
    expect(summary).toMatchObject({ 기준일: DAY, 버전: 2, '모니터링 통화': 2, 알림: 2, '신규 사례': 1, 'SLA 초과': 1, '통화 시간 (초)': 420 });
    const top = wb.getWorksheet('주요 위험 통화')!.getRow(2).values as any[];
    expect(top.slice(1, 3)).toEqual([1, 'bc-1']);
    expect((await api(server, 'GET', '/api/audit?action=export.briefing_xlsx')).body.items).toHaveLength(1);
  });

  it('without a Korean font the PDF is refused with a clear error, not printed as boxes', async () => {
    const b = (await api(server, 'GET', `/api/briefings/${DAY}`)).body;
    const err = await renderBriefingPdf(b.content, b, { fontPath: '/nonexistent/NotoSansCJK.ttc', fontName: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(BriefingFontMissing);
    expect(err).toMatchObject({ status: 500, code: 'briefing_font_missing' });
    expect(err.message).toContain('RADAR_BRIEFING_FONT');
  });

  it.skipIf(!hasFont)('briefing.published reaches a signed webhook, Slack and e-mail (with the PDF attached)', async () => {
    const hook = await receivers.start();
    const created = await api(server, 'POST', '/api/subscriptions', { name: 'VOM briefing', kind: 'webhook', target: `${hook.url}/hook`, eventTypes: ['briefing.*'], minSeverity: 5 });
    expect(created.status).toBe(201);
    await api(server, 'POST', '/api/subscriptions', { name: 'slack', kind: 'slack', target: `${hook.url}/slack`, eventTypes: ['briefing.published'] });
    await api(server, 'POST', '/api/subscriptions', { name: 'mail', kind: 'email', target: 'cp-team@site.test', eventTypes: ['briefing.published'] });
    // The webhook's minimum severity (5) does not hold a briefing back: a briefing has no severity.
    const r = await api(server, 'POST', `/api/briefings/${DAY}/generate`, {});
    expect(r.body.version).toBe(3);

    const webhook = await waitUntil(() => hook.requests.find((x) => x.path === '/hook'), 'the webhook');
    const body = JSON.parse(webhook.body);
    expect(body).toMatchObject({ id: `evt_${r.body.eventSeq}`, type: 'briefing.published', data: { briefing: { day: DAY, version: 3 }, figures: { calls: 2, alerts: 2, newCases: 1, slaBreaches: 1 } } });
    expect(verifySignature(created.body.secret, String(webhook.headers['x-radar-signature']), String(webhook.headers['x-radar-timestamp']), webhook.body)).toBe(true);

    const slack = await waitUntil(() => hook.requests.find((x) => x.path === '/slack'), 'the Slack message');
    const text = JSON.parse(slack.body).text as string;
    expect(text).toContain(`일일 브리핑 (Daily briefing) ${DAY}`);
    expect(text).toContain('알림 (Alerts): 2 (전일 0 · 전주 0)');
    expect(text).toContain(`${PUBLIC_URL}/briefings/${DAY}`);

    const mail = await waitUntil(() => smtp.mails.find((m) => m.to.includes('cp-team@site.test')), 'the e-mail');
    expect(mail.data).toMatch(/Content-Type: multipart\/mixed; boundary="([^"]+)"/);
    const boundary = /boundary="([^"]+)"/.exec(mail.data)![1]!;
    const parts = mail.data.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(2);
    const [textPart, pdfPart] = parts as [string, string];
    expect(Buffer.from(textPart.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64').toString('utf8')).toContain('SLA 초과 (Past due): 1');
    expect(pdfPart).toContain('Content-Type: application/pdf');
    expect(pdfPart).toContain(`filename*=UTF-8''${encodeURIComponent(`일일브리핑-${DAY}-v3.pdf`)}`);
    const attached = Buffer.from(pdfPart.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64');
    expect(pdfInfo(attached).header).toBe('%PDF-');
  });
});

describe.each(testDatabases)('radar serve makes the missed briefing on start ($name)', (tdb) => {
  it('with the scheduler on, a start after the due time makes the due day once', async () => {
    const opened = await tdb.open();
    const now = () => new Date('2026-11-26T03:00:00Z'); // 12:00 KST: the 25th was due at 10:00
    const opts = { db: opened.db, log: pino({ level: 'silent' }), briefingNow: now };
    const a = await startServer(testConfig({ RADAR_BRIEFING: 'on' }), opts);
    const b = await startServer(testConfig({ RADAR_BRIEFING: 'on' }), opts);
    try {
      const made = await waitUntil(async () => (await api(a, 'GET', '/api/briefings')).body.items.find((x: any) => x.day === '2026-11-25'), 'the caught-up briefing');
      expect(made).toMatchObject({ version: 1, trigger: 'catch_up', generatedBy: 'scheduler' });
    } finally {
      await a.close();
      await b.close();
    }
    const events = await opened.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'briefing.published'`);
    expect(events[0]!.n).toBe(1);
    await opened.drop();
  });
});
