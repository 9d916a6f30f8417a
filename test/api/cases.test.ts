import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, startTestServer } from '../helpers/server.js';
import { openSse } from '../helpers/sse.js';

const THREAT = '이거 해결 안 되면 금융감독원에 민원 넣을 겁니다.';
const PRESS = '계속 이러시면 언론사에 제보하겠습니다.';

describe.each(testDatabases)('complaint cases ($name)', (tdb) => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  const tokens: Record<string, Record<string, string>> = {};
  let officerId = '';
  let seq = 0;

  beforeAll(async () => {
    const opened = await tdb.open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
    // A bearer token per role (no password change or CSRF needed for tokens).
    for (const role of ['officer', 'analyst', 'agent', 'auditor']) {
      const u = await api(server, 'POST', '/api/users', { username: `c-${role}`, displayName: `${role} 사용자`, role, password: 'Initial-Pass-1' });
      expect(u.status).toBe(201);
      if (role === 'officer') officerId = u.body.id;
      const t = await api(server, 'POST', '/api/tokens', { name: `t-${role}`, userId: u.body.id });
      tokens[role] = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
    }
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  /** A call of the customer with one customer utterance; returns the call and its alerts. */
  async function callWith(customerId: string, text: string) {
    const call = await api(server, 'POST', '/api/calls', { customerId, agentId: 'agent01' });
    const n = ++seq;
    await api(server, 'POST', `/api/calls/${call.body.id}/utterances`, { id: `u${n}`, speaker: 'customer', startMs: 1000, endMs: 4000, text, final: true });
    const detail = await api(server, 'GET', `/api/calls/${call.body.id}`);
    const alerts = detail.body.alerts as any[];
    // The dictionary may raise several categories for one sentence; tests follow the main one.
    const main = alerts.find((a) => a.category === 'external_authority') ?? alerts.find((a) => a.category === 'media') ?? alerts[0];
    return { callId: call.body.id as string, alerts, main };
  }

  it('opens a case by hand with an SLA due date and walks it through the workflow to 종결', async () => {
    const created = await api(server, 'POST', '/api/cases', { title: '카드 결제 오류 민원', severity: 5, customerId: 'MAN-1', category: 'complaint' }, tokens.officer);
    expect(created.status).toBe(201);
    const c = created.body;
    expect(c).toMatchObject({ status: 'received', severity: 5, overdue: false, repeat: false, source: 'manual' });
    expect(c.ref).toMatch(/^VOM-\d{6}$/);
    const days = (Date.parse(c.dueAt) - Date.parse(c.createdAt)) / 86_400_000;
    expect(days).toBeGreaterThan(0.99);
    expect(days).toBeLessThan(1.01);

    const noAssignee = await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'assigned' }, tokens.officer);
    expect(noAssignee.status).toBe(400);
    expect(noAssignee.body.error.code).toBe('assignee_required');
    const skip = await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'closed' }, tokens.officer);
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe('invalid_transition');

    const steps: [string, Record<string, unknown>][] = [
      ['assigned', { assigneeId: officerId }],
      ['in_progress', {}],
      ['resolved', { reason: '결제 취소 처리 및 사과 안내' }],
      ['closed', {}],
    ];
    for (const [to, extra] of steps) {
      const r = await api(server, 'POST', `/api/cases/${c.id}/transition`, { to, ...extra }, tokens.officer);
      expect(r.status, `${to}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.status).toBe(to);
    }
    const detail = await api(server, 'GET', `/api/cases/${c.id}`, undefined, tokens.analyst);
    expect(detail.status).toBe(200);
    expect(detail.body.case).toMatchObject({ status: 'closed', assigneeId: officerId, assigneeName: 'officer 사용자' });
    expect(detail.body.case.resolvedAt).toBeTruthy();
    expect(detail.body.case.closedAt).toBeTruthy();
    expect(detail.body.history.map((h: any) => h.type)).toEqual(['created', 'status_changed', 'status_changed', 'status_changed', 'status_changed']);
    expect(detail.body.history.map((h: any) => h.details.to).slice(1)).toEqual(['assigned', 'in_progress', 'resolved', 'closed']);

    const after = await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'in_progress' }, tokens.officer);
    expect(after.status).toBe(409);
    const edit = await api(server, 'PATCH', `/api/cases/${c.id}`, { title: 'x' }, tokens.officer);
    expect(edit.status).toBe(409);

    const auditLog = await api(server, 'GET', '/api/audit?limit=200');
    const mine = auditLog.body.items.filter((a: any) => a.targetId === c.id).map((a: any) => a.action);
    expect(mine.filter((a: string) => a === 'case.status_changed')).toHaveLength(4);
    expect(mine).toContain('case.created');
  });

  it('rejecting needs a reason; a rejected case can be received again', async () => {
    const c = (await api(server, 'POST', '/api/cases', { title: '반려 테스트', severity: 2 }, tokens.officer)).body;
    const bare = await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'rejected' }, tokens.officer);
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('reason_required');
    expect((await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'rejected', reason: '중복 접수' }, tokens.officer)).body.status).toBe('rejected');
    expect((await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'received' }, tokens.officer)).body.status).toBe('received');
  });

  it('edits fields with old and new values in the history; assigning moves 접수 to 배정', async () => {
    const c = (await api(server, 'POST', '/api/cases', { title: '수정 테스트', severity: 3 }, tokens.officer)).body;
    const due = new Date(Date.now() - 3600_000).toISOString();
    const r = await api(server, 'PATCH', `/api/cases/${c.id}`, { title: '수정됨', assigneeId: officerId, dueAt: due }, tokens.officer);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ title: '수정됨', status: 'assigned', overdue: true });
    const overdue = await api(server, 'GET', '/api/cases?overdue=true', undefined, tokens.officer);
    expect(overdue.body.items.map((x: any) => x.id)).toContain(c.id);
    expect(overdue.body.items[0].overdue).toBe(true);
    const detail = await api(server, 'GET', `/api/cases/${c.id}`, undefined, tokens.officer);
    const upd = detail.body.history.find((h: any) => h.type === 'updated');
    expect(upd.details.changes.title).toEqual({ from: '수정 테스트', to: '수정됨' });
    expect(upd.details.changes.status).toEqual({ from: 'received', to: 'assigned' });
    const bad = await api(server, 'PATCH', `/api/cases/${c.id}`, { assigneeId: 'nobody' }, tokens.officer);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('assignee_not_found');
  });

  it('turns an alert into a case in one step: alert escalated and linked, SSE told', async () => {
    const sse = await openSse(`${server.url}/api/alerts/stream`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    const { callId, main } = await callWith('CUST-A', THREAT);
    const alerts = [main];
    const res = await api(server, 'POST', '/api/cases/from-alert', { alertId: alerts[0].id, note: '고객 재통화 예정' }, tokens.officer);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ linkedToExisting: false, repeat: false });
    const c = res.body.case;
    expect(c).toMatchObject({ source: 'alert', category: 'external_authority', severity: alerts[0].severity, customerId: 'CUST-A', alertCount: 1, callCount: 1 });
    const ev = await sse.waitFor((e) => e.event === 'alert.updated' && e.data.alert.id === alerts[0].id, 2000);
    expect(ev.data.alert).toMatchObject({ status: 'escalated', caseId: c.id });
    sse.close();

    const detail = await api(server, 'GET', `/api/cases/${c.id}`, undefined, tokens.officer);
    expect(detail.body.alerts.map((a: any) => a.id)).toEqual([alerts[0].id]);
    expect(detail.body.calls.map((x: any) => x.id)).toEqual([callId]);
    expect(detail.body.notes.map((n: any) => n.body)).toEqual(['고객 재통화 예정']);
    expect(detail.body.case.description).toContain('금융감독원');

    const again = await api(server, 'POST', '/api/cases/from-alert', { alertId: alerts[0].id }, tokens.officer);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('alert_already_escalated');
    const missing = await api(server, 'POST', '/api/cases/from-alert', { alertId: 'no-such-alert' }, tokens.officer);
    expect(missing.status).toBe(404);
  });

  it('links a repeat contact (same customer, same category) to the open case and flags it', async () => {
    const first = await callWith('CUST-R', THREAT);
    const opened = (await api(server, 'POST', '/api/cases/from-alert', { alertId: first.main.id }, tokens.officer)).body.case;

    // The customer calls again about the same thing: the linker folds it in on its own.
    const second = await callWith('CUST-R', `다시 전화했어요. ${THREAT}`);
    await server.app.repeatLinker!.idle();
    const alert = (await api(server, 'GET', `/api/alerts/${second.main.id}`)).body;
    expect(alert).toMatchObject({ caseId: opened.id, status: 'open' });
    let detail = (await api(server, 'GET', `/api/cases/${opened.id}`, undefined, tokens.officer)).body;
    expect(detail.case).toMatchObject({ repeat: true, repeatCount: 1, callCount: 2 });
    expect(detail.alerts.map((a: any) => a.id)).toEqual([first.main.id, second.main.id]);
    expect(detail.alerts.find((a: any) => a.id === alert.id).repeat).toBe(true);
    expect(detail.history.map((h: any) => h.type)).toContain('repeat_contact');

    // Escalating that alert joins the same case instead of opening another.
    const esc = await api(server, 'POST', '/api/cases/from-alert', { alertId: alert.id }, tokens.officer);
    expect(esc.status).toBe(200);
    expect(esc.body).toMatchObject({ linkedToExisting: true, repeat: true });
    expect(esc.body.case.id).toBe(opened.id);

    // A different category or another customer does not join.
    const other = await callWith('CUST-R', PRESS);
    const stranger = await callWith('CUST-S', THREAT);
    await server.app.repeatLinker!.idle();
    expect((await api(server, 'GET', `/api/alerts/${other.main.id}`)).body.caseId).toBeNull();
    expect((await api(server, 'GET', `/api/alerts/${stranger.main.id}`)).body.caseId).toBeNull();

    const repeats = await api(server, 'GET', '/api/cases?repeat=true', undefined, tokens.officer);
    expect(repeats.body.items.map((x: any) => x.id)).toContain(opened.id);
    detail = (await api(server, 'GET', `/api/cases/${opened.id}`, undefined, tokens.officer)).body;
    expect(detail.case.repeatCount).toBe(1);
  });

  it('a new contact after the case was finished opens a new case flagged as a repeat of it', async () => {
    const first = await callWith('CUST-F', THREAT);
    const c = (await api(server, 'POST', '/api/cases/from-alert', { alertId: first.main.id, assigneeId: officerId }, tokens.officer)).body.case;
    expect(c.status).toBe('assigned');
    await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'in_progress' }, tokens.officer);
    await api(server, 'POST', `/api/cases/${c.id}/transition`, { to: 'resolved', reason: '안내 완료' }, tokens.officer);
    const second = await callWith('CUST-F', THREAT);
    await server.app.repeatLinker!.idle();
    expect((await api(server, 'GET', `/api/alerts/${second.main.id}`)).body.caseId).toBeNull();
    const res = await api(server, 'POST', '/api/cases/from-alert', { alertId: second.main.id }, tokens.officer);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ linkedToExisting: false, repeat: true });
    expect(res.body.case).toMatchObject({ repeatOf: c.id, repeat: true });
    const detail = (await api(server, 'GET', `/api/cases/${res.body.case.id}`, undefined, tokens.officer)).body;
    expect(detail.related.map((r: any) => r.id)).toContain(c.id);
  });

  it('stores notes and attachments in the database with limits and safe downloads', async () => {
    const c = (await api(server, 'POST', '/api/cases', { title: '첨부 테스트', severity: 3 }, tokens.officer)).body;
    expect((await api(server, 'POST', `/api/cases/${c.id}/notes`, { body: '고객과 통화함' }, tokens.officer)).status).toBe(201);
    expect((await api(server, 'POST', `/api/cases/${c.id}/notes`, { body: '   ' }, tokens.officer)).body.error.code).toBe('empty_note');
    const bytes = Buffer.from('%PDF-1.4 녹취 요약\n');
    const up = await api(server, 'POST', `/api/cases/${c.id}/attachments`, { filename: '녹취 요약.pdf', contentType: 'application/pdf', dataBase64: bytes.toString('base64') }, tokens.officer);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: '녹취 요약.pdf', contentType: 'application/pdf', size: bytes.length });
    const dl = await fetch(`${server.url}/api/cases/${c.id}/attachments/${up.body.id}`, { headers: tokens.analyst });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).toBe(true);

    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 1).toString('base64');
    const tooBig = await api(server, 'POST', `/api/cases/${c.id}/attachments`, { filename: 'big.bin', contentType: 'application/octet-stream', dataBase64: big }, tokens.officer);
    expect(tooBig.status).toBe(413);
    const badType = await api(server, 'POST', `/api/cases/${c.id}/attachments`, { filename: 'a.txt', contentType: 'not a type', dataBase64: 'aGk=' }, tokens.officer);
    expect(badType.status).toBe(400);
    expect(badType.body.error.code).toBe('invalid_content_type');
    const detail = (await api(server, 'GET', `/api/cases/${c.id}`, undefined, tokens.officer)).body;
    expect(detail.attachments).toHaveLength(1);
    expect(detail.notes).toHaveLength(1);
    expect(detail.history.map((h: any) => h.type)).toEqual(['created', 'note_added', 'attachment_added']);
  });

  it('enforces roles: analysts and auditors read, agents see nothing, only writers change', async () => {
    const list = await api(server, 'GET', '/api/cases', undefined, tokens.auditor);
    expect(list.status).toBe(200);
    const denied = await api(server, 'POST', '/api/cases', { title: 'x', severity: 1 }, tokens.analyst);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect((await api(server, 'GET', '/api/cases', undefined, tokens.agent)).status).toBe(403);
    expect((await api(server, 'GET', '/api/export/cases.xlsx', undefined, tokens.agent)).status).toBe(403);
    const unknown = await api(server, 'GET', '/api/cases/nope', undefined, tokens.officer);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('case_not_found');
    const badBody = await api(server, 'POST', '/api/cases', { title: 'x', severity: 9 }, tokens.officer);
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.code).toBe('invalid_request');
  });

  it('searches transcripts, alerts and cases', async () => {
    await callWith('CUST-SEARCH', '카드론 금리가 너무 높아서 소송 하겠습니다');
    await api(server, 'POST', '/api/cases', { title: '카드론 금리 항의', severity: 2, customerId: 'CUST-SEARCH' }, tokens.officer);
    const res = await api(server, 'GET', `/api/search?q=${encodeURIComponent('카드론')}`, undefined, tokens.officer);
    expect(res.status).toBe(200);
    expect(res.body.transcripts.items.some((t: any) => t.text.includes('카드론') && t.customerId === 'CUST-SEARCH')).toBe(true);
    expect(res.body.alerts.items.some((a: any) => a.customerId === 'CUST-SEARCH')).toBe(true);
    expect(res.body.cases.items.map((c: any) => c.title)).toContain('카드론 금리 항의');
    // The user's % is literal, not a wildcard.
    expect((await api(server, 'GET', '/api/search?q=%25%25%25', undefined, tokens.officer)).body.transcripts.total).toBe(0);
    const agent = await api(server, 'GET', '/api/search?q=카드론', undefined, tokens.agent);
    expect(agent.status).toBe(200);
    expect(agent.body.transcripts.items).toHaveLength(0); // not their calls
    expect(agent.body.cases.items).toHaveLength(0);
    expect((await api(server, 'GET', '/api/search', undefined, tokens.officer)).status).toBe(400);
  });

  it('exports alerts, cases and calls as xlsx with Korean headers and the list filters', async () => {
    for (const [kind, header] of [['alerts', '발생 시각'], ['cases', '사례 번호'], ['calls', '통화 시작']] as const) {
      const res = await fetch(`${server.url}/api/export/${kind}.xlsx`, { headers: tokens.officer });
      expect(res.status, kind).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(await res.arrayBuffer() as any);
      const ws = wb.worksheets[0];
      expect(ws.getRow(1).getCell(1).value).toBe(header);
      expect(ws.rowCount).toBeGreaterThan(1);
    }
    const filtered = await fetch(`${server.url}/api/export/cases.xlsx?status=closed`, { headers: tokens.officer });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await filtered.arrayBuffer() as any);
    const statuses = wb.worksheets[0].getColumn(3).values.slice(2);
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['종결']));
    const audit = await api(server, 'GET', '/api/audit?action=export.cases');
    expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
  });

  it('streams a call live: snapshot, then utterances, partials, alerts and risk', async () => {
    const { callId } = await callWith('CUST-LIVE', '안녕하세요 카드 문의드려요');
    const sse = await openSse(`${server.url}/api/calls/${callId}/stream`, tokens.officer);
    expect(sse.status).toBe(200);
    const snap = await sse.waitFor((e) => e.event === 'snapshot');
    expect(snap.data.utterances).toHaveLength(1);
    expect(snap.data.risk).toEqual([{ ms: 0, score: 0 }]);
    await api(server, 'POST', `/api/calls/${callId}/utterances`, { id: 'live-p', speaker: 'customer', startMs: 5000, endMs: 6000, text: '금융감독원에', final: false });
    await api(server, 'POST', `/api/calls/${callId}/utterances`, { id: 'live-p', speaker: 'customer', startMs: 5000, endMs: 8000, text: THREAT, final: true });
    const partial = await sse.waitFor((e) => e.event === 'utterance.partial');
    expect(partial.data.utterance.final).toBe(false);
    const fin = await sse.waitFor((e) => e.event === 'utterance');
    expect(fin.data.hits.length).toBeGreaterThan(0);
    await sse.waitFor((e) => e.event === 'alert.created');
    const risk = await sse.waitFor((e) => e.event === 'risk');
    expect(risk.data.ms).toBe(5000);
    expect(risk.data.score).toBeGreaterThan(0);
    sse.close();
    const again = await openSse(`${server.url}/api/calls/${callId}/stream`, tokens.officer);
    const snap2 = await again.waitFor((e) => e.event === 'snapshot');
    expect(snap2.data.risk.at(-1).score).toBe(risk.data.score);
    again.close();
    expect((await api(server, 'GET', `/api/calls/${callId}/stream`, undefined, tokens.agent)).status).toBe(403);
  });

  it('gives a customer history and the workflow settings', async () => {
    const h = await api(server, 'GET', '/api/customers/CUST-R/history', undefined, tokens.officer);
    expect(h.status).toBe(200);
    expect(h.body.calls.length).toBeGreaterThanOrEqual(3);
    expect(h.body.calls.some((c: any) => c.categories.includes('external_authority'))).toBe(true);
    expect(h.body.cases.length).toBeGreaterThanOrEqual(1);
    const s = await api(server, 'GET', '/api/cases/settings', undefined, tokens.analyst);
    expect(s.body.slaDays).toEqual({ 1: 7, 2: 5, 3: 3, 4: 2, 5: 1 });
    expect(s.body.repeatWindowDays).toBe(30);
    expect(s.body.statuses.find((x: any) => x.id === 'resolved').next).toEqual(['closed', 'in_progress']);
  });
});
