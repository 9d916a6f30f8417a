import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import type { Db } from '../../src/store/db.js';
import { addDays, kstToday } from '../../src/inspection/model.js';
import { testDatabases } from '../helpers/databases.js';
import { ADMIN_TOKEN, api, startTestServer } from '../helpers/server.js';
import { httpDemoApi } from '../../src/demo/api.js';
import { quarterOf, seedInspectionDemo } from '../../src/demo/inspections.js';
import { installDefaultTemplate } from '../../src/inspection/service.js';
import { loadDefaultTemplate } from '../../src/inspection/template.js';

// 자율 점검 through the real server: the bundled checklist, template versions,
// a round from plan to review with answers, evidence and findings, the rules
// that refuse bad steps (nothing stored), permissions (auditors read only),
// the audit trail, Excel exports and the summary against hand-computed values.

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const PDF = Buffer.from('%PDF-1.4\n% evidence\n').toString('base64');

describe.each(testDatabases)('self-inspection API ($name)', (tdb) => {
  let server: RunningServer;
  let db: Db;
  let drop: () => Promise<void>;
  const tokens: Record<string, Record<string, string>> = {};
  const userIds: Record<string, string> = {};

  beforeAll(async () => {
    const opened = await tdb.open();
    db = opened.db;
    drop = opened.drop;
    server = await startTestServer(opened.db);
    for (const role of ['officer', 'supervisor', 'analyst', 'auditor', 'agent']) {
      const u = await api(server, 'POST', '/api/users', { username: `i-${role}`, displayName: `${role} 사용자`, role, password: 'Initial-Pass-1' });
      expect(u.status).toBe(201);
      userIds[role] = u.body.id;
      const t = await api(server, 'POST', '/api/tokens', { name: `t-${role}`, userId: u.body.id });
      tokens[role] = { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' };
    }
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  const as = (role: string) => tokens[role]!;
  const count = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n as number;
  const auditActions = async (targetId: string) =>
    (await db.query('SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id', [targetId])).map((r) => r.action as string);

  async function template(id: string, items: { id: string; area: string; ccm?: boolean; evidenceRequired?: boolean }[]) {
    const r = await api(server, 'POST', '/api/inspections/templates', {
      id, name: `시험 점검표 ${id}`, items: items.map((i) => ({ ...i, ko: `${i.id} 항목을 지켰는가?`, en: `Was ${i.id} followed?` })),
    }, as('officer'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function round(templateId: string, department: string, period: string) {
    const r = await api(server, 'POST', '/api/inspections/rounds', {
      templateId, department, period, dueDate: addDays(kstToday(), 14), assigneeId: userIds.supervisor,
    }, as('officer'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  const answer = (roundId: string, itemId: string, result: string, comment?: string, role = 'supervisor') =>
    api(server, 'PUT', `/api/inspections/rounds/${roundId}/answers/${itemId}`, { result, ...(comment ? { comment } : {}) }, as(role));

  it('installs the bundled card-company checklist once, readable by every inspection role', async () => {
    const list = await api(server, 'GET', '/api/inspections/templates', undefined, as('auditor'));
    expect(list.status).toBe(200);
    const bundled = list.body.items.find((t: any) => t.id === 'card-consumer-protection');
    expect(bundled).toMatchObject({ version: 1, versions: [1], createdBy: 'system' });
    expect(bundled.itemCount).toBeGreaterThanOrEqual(25);
    expect(bundled.itemCount).toBeLessThanOrEqual(40);
    const t = await api(server, 'GET', '/api/inspections/templates/card-consumer-protection', undefined, as('analyst'));
    expect(t.status).toBe(200);
    const areas = new Set(t.body.items.map((i: any) => i.area));
    for (const a of ['complaint_handling', 'disclosure', 'advertising', 'privacy', 'vulnerable', 'internal_control', 'ccm']) expect(areas).toContain(a);
    expect(t.body.items.every((i: any) => i.textKo && i.textEn)).toBe(true);
    expect(t.body.items.filter((i: any) => i.ccm).length).toBe(t.body.ccmItemCount);
    expect((await api(server, 'GET', '/api/inspections/templates', undefined, as('agent'))).status).toBe(403);
    // A second server on the same database (another process starting) installs nothing more.
    const again = await startTestServer(db);
    await again.close();
    expect((await db.query("SELECT count(*)::int AS n FROM inspection_templates WHERE id = 'card-consumer-protection'"))[0]!.n).toBe(1);
    expect((await db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'inspection.template.installed'"))[0]!.n).toBe(1);
  });

  it('documents every route in OpenAPI', async () => {
    const doc = await api(server, 'GET', '/docs/json');
    const paths = Object.keys(doc.body.paths).filter((p) => p.startsWith('/api/inspections'));
    expect(paths).toEqual(expect.arrayContaining([
      '/api/inspections/settings', '/api/inspections/templates', '/api/inspections/templates/{id}', '/api/inspections/templates/{id}/versions',
      '/api/inspections/rounds', '/api/inspections/rounds/{id}', '/api/inspections/rounds/{id}/transition', '/api/inspections/rounds/{id}/answers/{itemId}',
      '/api/inspections/rounds/{id}/answers/{itemId}/evidence', '/api/inspections/rounds/{id}/evidence/{evidenceId}', '/api/inspections/rounds/{id}/export.xlsx',
      '/api/inspections/findings', '/api/inspections/findings/export.xlsx', '/api/inspections/findings/{id}', '/api/inspections/findings/{id}/transition',
      '/api/inspections/findings/{id}/notes', '/api/inspections/findings/{id}/cases', '/api/inspections/findings/{id}/cases/{caseId}', '/api/inspections/summary',
    ]));
    const put = doc.body.paths['/api/inspections/rounds/{id}/answers/{itemId}'].put;
    expect(put.requestBody.content['application/json'].schema.properties.result.enum).toEqual(['compliant', 'non_compliant', 'not_applicable']);
  });

  it('publishes template edits as new versions; a published version never changes', async () => {
    const v1 = await template('tpl-versions', [{ id: 'A1', area: 'privacy' }, { id: 'A2', area: 'ccm', ccm: true }]);
    expect(v1).toMatchObject({ version: 1, itemCount: 2, ccmItemCount: 1 });
    const v2 = await api(server, 'POST', '/api/inspections/templates/tpl-versions/versions', {
      name: '시험 점검표 v2', items: [{ id: 'A1', area: 'privacy', ko: '개정된 A1 항목', evidenceRequired: true }, { id: 'A3', area: 'advertising', ko: '새 항목' }],
    }, as('officer'));
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, name: '시험 점검표 v2' });
    const old = await api(server, 'GET', '/api/inspections/templates/tpl-versions?version=1', undefined, as('auditor'));
    expect(old.body.items.map((i: any) => i.itemId)).toEqual(['A1', 'A2']);
    expect(old.body.items[0].textKo).toBe('A1 항목을 지켰는가?');
    const latest = await api(server, 'GET', '/api/inspections/templates/tpl-versions', undefined, as('auditor'));
    expect(latest.body).toMatchObject({ version: 2 });
    expect(latest.body.items[0]).toMatchObject({ itemId: 'A1', textKo: '개정된 A1 항목', evidenceRequired: true });
    const audit = await auditActions('tpl-versions');
    expect(audit).toEqual(['inspection.template.created', 'inspection.template.revised']);

    // The database itself refuses to change a published version.
    await expect(db.query("UPDATE inspection_template_items SET text_ko = 'x' WHERE template_id = 'tpl-versions'")).rejects.toThrow(/cannot be changed/);
    await expect(db.query("DELETE FROM inspection_templates WHERE id = 'tpl-versions'")).rejects.toThrow(/cannot be changed/);

    const before = await count('inspection_templates');
    const bad = [
      [{ id: 'tpl-bad', name: 'x', items: [{ id: 'B1', area: 'nowhere', ko: 'q' }] }, 400, 'invalid_request'],
      [{ id: 'tpl-bad', name: 'x', items: [{ id: 'B1', area: 'privacy', ko: 'q' }, { id: 'B1', area: 'privacy', ko: 'q' }] }, 400, 'duplicate_item_id'],
      [{ id: 'tpl-bad', name: 'x', items: [] }, 400, 'invalid_request'],
      [{ id: 'tpl-versions', name: 'x', items: [{ id: 'B1', area: 'privacy', ko: 'q' }] }, 409, 'template_exists'],
    ] as const;
    for (const [body, status, code] of bad) {
      const r = await api(server, 'POST', '/api/inspections/templates', body, as('officer'));
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error.code).toBe(code);
    }
    expect(await count('inspection_templates')).toBe(before);
    const missing = await api(server, 'POST', '/api/inspections/templates/tpl-nope/versions', { name: 'x', items: [{ id: 'B1', area: 'privacy', ko: 'q' }] }, as('officer'));
    expect(missing.status).toBe(404);
  });

  it('takes a round from plan to review: answers, redaction, evidence, findings, submit rules, audit', async () => {
    await template('tpl-flow', [
      { id: 'F1', area: 'complaint_handling', ccm: true },
      { id: 'F2', area: 'privacy', evidenceRequired: true },
      { id: 'F3', area: 'disclosure' },
    ]);
    const r = await round('tpl-flow', '카드영업부', '2026-q4');
    expect((await api(server, 'POST', '/api/inspections/rounds', { templateId: 'tpl-flow', department: '카드영업부 010-1234-5678', period: '2027', dueDate: '2027-12-31' }, as('officer'))).body.department).toBe('카드영업부 [전화번호]');
    expect(r).toMatchObject({ status: 'planned', period: '2026-Q4', periodStart: '2026-10-01', periodEnd: '2026-12-31', itemCount: 3, answered: 0, complianceRate: null });
    expect(r.ref).toMatch(/^INS-\d{6}$/);
    expect(r.title).toBe('2026년 4분기 카드영업부 자율점검');

    // Refused: the same department and period again, a period that is not one, a skipped step.
    const dup = await api(server, 'POST', '/api/inspections/rounds', { templateId: 'tpl-flow', department: '카드영업부', period: '2026-Q4', dueDate: '2026-12-31' }, as('officer'));
    expect([dup.status, dup.body.error.code, dup.body.error.details.roundId]).toEqual([409, 'round_exists', r.id]);
    const badPeriod = await api(server, 'POST', '/api/inspections/rounds', { templateId: 'tpl-flow', department: '마케팅부', period: '2026-Q5', dueDate: '2026-12-31' }, as('officer'));
    expect(badPeriod.status).toBe(400);
    const badDate = await api(server, 'POST', '/api/inspections/rounds', { templateId: 'tpl-flow', department: '마케팅부', period: '2026-Q4', dueDate: '2026-02-30' }, as('officer'));
    expect([badDate.status, badDate.body.error.code]).toEqual([400, 'invalid_date']);
    const skip = await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'submitted' }, as('officer'));
    expect([skip.status, skip.body.error.code]).toEqual([409, 'invalid_transition']);
    expect(skip.body.error.details.allowed).toEqual(['in_progress']);

    // Auditors and analysts read but never write; nothing is stored by their attempts.
    for (const role of ['auditor', 'analyst']) {
      const w = await answer(r.id, 'F1', 'compliant', undefined, role);
      expect(w.status).toBe(403);
      expect((await api(server, 'POST', '/api/inspections/rounds', { templateId: 'tpl-flow', department: '감사부', period: '2026-Q4', dueDate: '2026-12-31' }, as(role))).status).toBe(403);
      expect((await api(server, 'GET', `/api/inspections/rounds/${r.id}`, undefined, as(role))).status).toBe(200);
    }
    expect(await count('inspection_answers')).toBe(0);

    // The first answer starts the round; the comment is stored without the phone number and card number.
    const a1 = await answer(r.id, 'F1', 'compliant', '민원인 010-1234-5678 회신 완료, 카드 4111-1111-1111-1111 확인');
    expect(a1.status, JSON.stringify(a1.body)).toBe(200);
    expect(a1.body.round.status).toBe('in_progress');
    expect(a1.body.answer.comment).not.toContain('010-1234-5678');
    expect(a1.body.answer.comment).not.toContain('4111');
    const stored = (await db.query('SELECT comment FROM inspection_answers WHERE round_id = $1', [r.id]))[0]!.comment as string;
    expect(stored).not.toMatch(/010-1234-5678|4111-1111/);

    const unknownItem = await answer(r.id, 'NOPE', 'compliant');
    expect([unknownItem.status, unknownItem.body.error.code]).toEqual([404, 'item_not_found']);

    // 부적합 opens a finding owned by the round's assignee.
    const a3 = await answer(r.id, 'F3', 'non_compliant', '리볼빙 설명 확인서 누락 3건');
    expect(a3.body.finding).toMatchObject({ status: 'open', itemId: 'F3', area: 'disclosure', title: '리볼빙 설명 확인서 누락 3건', severity: 'medium', ownerId: userIds.supervisor, department: '카드영업부' });
    expect(a3.body.finding.dueDate).toBe(addDays(kstToday(), 30));
    const findingId = a3.body.finding.id as string;
    // Answering it again keeps the same finding.
    expect((await answer(r.id, 'F3', 'non_compliant', '리볼빙 설명 확인서 누락 3건')).body.finding.id).toBe(findingId);

    // Submitting names what is missing.
    const early = await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'submitted' }, as('supervisor'));
    expect([early.status, early.body.error.code]).toEqual([409, 'round_incomplete']);
    expect(early.body.error.details).toEqual({ unanswered: ['F2'], missingEvidence: [] });
    await answer(r.id, 'F2', 'compliant', '권한 검토 완료');
    const noEvidence = await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'submitted' }, as('supervisor'));
    expect(noEvidence.body.error.details).toEqual({ unanswered: [], missingEvidence: ['F2'] });
    expect(noEvidence.body.error.message).toContain('F2');

    // Evidence: type and size limits, then a PDF.
    const evPath = `/api/inspections/rounds/${r.id}/answers/F2/evidence`;
    const html = await api(server, 'POST', evPath, { filename: 'x.html', contentType: 'text/html', dataBase64: PDF }, as('supervisor'));
    expect([html.status, html.body.error.code]).toEqual([415, 'unsupported_evidence_type']);
    const empty = await api(server, 'POST', evPath, { filename: 'x.pdf', contentType: 'application/pdf', dataBase64: '' }, as('supervisor'));
    expect(empty.status).toBe(400);
    const max = (await api(server, 'GET', '/api/inspections/settings', undefined, as('auditor'))).body.maxEvidenceBytes as number;
    const big = await api(server, 'POST', evPath, { filename: 'big.pdf', contentType: 'application/pdf', dataBase64: Buffer.alloc(max + 1, 1).toString('base64') }, as('supervisor'));
    expect([big.status, big.body.error.code]).toEqual([413, 'attachment_too_large']);
    expect(await count('inspection_evidence')).toBe(0);
    const ev = await api(server, 'POST', evPath, { filename: '권한검토.pdf', contentType: 'application/pdf', dataBase64: PDF }, as('supervisor'));
    expect(ev.status, JSON.stringify(ev.body)).toBe(201);
    expect(ev.body).toMatchObject({ itemId: 'F2', filename: '권한검토.pdf', size: Buffer.from(PDF, 'base64').length });
    const dl = await fetch(`${server.url}/api/inspections/rounds/${r.id}/evidence/${ev.body.id}`, { headers: as('auditor') });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await dl.arrayBuffer()).toString('base64')).toBe(PDF);

    const detail = await api(server, 'GET', `/api/inspections/rounds/${r.id}`, undefined, as('auditor'));
    expect(detail.body.gaps).toEqual({ unanswered: [], missingEvidence: [] });
    expect(detail.body.items.find((i: any) => i.itemId === 'F3').findingId).toBe(findingId);
    expect(detail.body.round).toMatchObject({ answered: 3, compliant: 2, nonCompliant: 1, complianceRate: 0.6667, openFindingCount: 1 });

    const submitted = await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'submitted' }, as('supervisor'));
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', submittedBy: 'i-supervisor' });
    const locked = await answer(r.id, 'F1', 'non_compliant');
    expect([locked.status, locked.body.error.code]).toEqual([409, 'round_locked']);
    const lockedEv = await api(server, 'POST', evPath, { filename: 'late.pdf', contentType: 'application/pdf', dataBase64: PDF }, as('supervisor'));
    expect(lockedEv.status).toBe(409);

    // Returned for rework needs a reason; then submitted again and reviewed.
    const noReason = await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'in_progress' }, as('officer'));
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'reason_required']);
    expect((await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'in_progress', note: 'F2 증빙 보완 요청' }, as('officer'))).body.status).toBe('in_progress');
    expect((await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'submitted' }, as('supervisor'))).status).toBe(200);
    const reviewed = await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'reviewed', note: '검토 완료 (담당 010-9999-8888)' }, as('officer'));
    expect(reviewed.body).toMatchObject({ status: 'reviewed', reviewedBy: 'i-officer' });
    expect(reviewed.body.reviewNote).not.toContain('9999');
    const after = await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'in_progress', note: 'x' }, as('officer'));
    expect([after.status, after.body.error.code]).toEqual([409, 'invalid_transition']);
    expect((await api(server, 'PATCH', `/api/inspections/rounds/${r.id}`, { dueDate: '2027-01-31' }, as('officer'))).status).toBe(409);

    expect(await auditActions(r.id)).toEqual([
      'inspection.round.created', 'inspection.round.status_changed', 'inspection.answer.recorded', 'inspection.answer.recorded',
      'inspection.answer.recorded', 'inspection.answer.recorded', 'inspection.evidence.added', 'inspection.round.status_changed',
      'inspection.round.status_changed', 'inspection.round.status_changed', 'inspection.round.status_changed',
    ]);
    const history = (await api(server, 'GET', `/api/inspections/rounds/${r.id}`, undefined, as('auditor'))).body.history;
    expect(history.map((h: any) => h.action)).toContain('inspection.finding.opened');

    // Excel: the round's checklist with its answers.
    const x = await fetch(`${server.url}/api/inspections/rounds/${r.id}/export.xlsx`, { headers: as('auditor') });
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['요약', '점검표', '발견 사항']);
    const sheet = wb.getWorksheet('점검표')!;
    expect(sheet.rowCount).toBe(4);
    const results = [2, 3, 4].map((n) => String(sheet.getRow(n).getCell(8).value));
    expect(results).toEqual(['적합', '적합', '부적합']);
    expect(String(wb.getWorksheet('요약')!.getCell('B15').value)).toBe('66.7%');
    expect(await auditActions(r.id)).toContain('export.inspection_round');
  });

  it('withdraws an untouched finding when the answer changes, but not one being worked', async () => {
    await template('tpl-withdraw', [{ id: 'W1', area: 'advertising' }, { id: 'W2', area: 'advertising' }]);
    const r = await round('tpl-withdraw', '마케팅부', '2026-Q4');
    const f = (await answer(r.id, 'W1', 'non_compliant', '심의필 번호 누락')).body.finding;
    const ev = await api(server, 'POST', `/api/inspections/rounds/${r.id}/answers/W1/evidence`, { filename: '광고.png', contentType: 'image/png', dataBase64: PDF }, as('supervisor'));
    expect(ev.status).toBe(201);
    expect((await api(server, 'DELETE', `/api/inspections/rounds/${r.id}/evidence/${ev.body.id}`, undefined, as('auditor'))).status).toBe(403);
    expect((await api(server, 'DELETE', `/api/inspections/rounds/${r.id}/evidence/${ev.body.id}`, undefined, as('supervisor'))).status).toBe(204);
    expect((await api(server, 'DELETE', `/api/inspections/rounds/${r.id}/evidence/${ev.body.id}`, undefined, as('supervisor'))).body.error.code).toBe('evidence_not_found');
    expect((await db.query('SELECT count(*)::int AS n FROM inspection_evidence WHERE round_id = $1', [r.id]))[0]!.n).toBe(0);
    expect(await auditActions(r.id)).toContain('inspection.evidence.removed');
    const back = await answer(r.id, 'W1', 'compliant', '재확인 결과 심의필 표시됨');
    expect(back.body).toMatchObject({ finding: null, withdrawnFindingId: f.id });
    expect((await api(server, 'GET', `/api/inspections/findings/${f.id}`, undefined, as('auditor'))).status).toBe(404);
    expect(await auditActions(f.id)).toEqual(['inspection.finding.opened', 'inspection.finding.withdrawn']);

    const edited = await api(server, 'PATCH', `/api/inspections/rounds/${r.id}`, { ownerId: userIds.officer, dueDate: '2026-12-24' }, as('officer'));
    expect(edited.body).toMatchObject({ ownerId: userIds.officer, ownerName: 'officer 사용자', dueDate: '2026-12-24' });
    const updated = (await db.query("SELECT details FROM audit_log WHERE target_id = $1 AND action = 'inspection.round.updated'", [r.id]))[0]!.details;
    expect(updated.changes.dueDate.to).toBe('2026-12-24');
    expect((await api(server, 'PATCH', `/api/inspections/rounds/${r.id}`, { assigneeId: 'ghost' }, as('officer'))).body.error.code).toBe('user_not_found');

    const g = (await answer(r.id, 'W2', 'non_compliant', '수신 동의 없는 문자 발송')).body.finding;
    expect((await api(server, 'POST', `/api/inspections/findings/${g.id}/transition`, { to: 'in_progress' }, as('supervisor'))).status).toBe(200);
    const refused = await answer(r.id, 'W2', 'compliant');
    expect([refused.status, refused.body.error.code]).toEqual([409, 'finding_in_progress']);
    expect((await db.query("SELECT result FROM inspection_answers WHERE round_id = $1 AND item_id = 'W2'", [r.id]))[0]!.result).toBe('non_compliant');
  });

  it('keeps one finding and one bundled template when requests race (row locks, ON CONFLICT)', async () => {
    await template('tpl-race', [{ id: 'R1', area: 'privacy' }]);
    const r = await round('tpl-race', '경쟁부', '2026-Q4');
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => answer(r.id, 'R1', 'non_compliant', `동시 응답 ${i}`)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.finding.id)).size).toBe(1);
    expect((await db.query('SELECT count(*)::int AS n FROM inspection_findings WHERE round_id = $1', [r.id]))[0]!.n).toBe(1);
    const actions = await auditActions(r.id);
    expect(actions.filter((a) => a === 'inspection.answer.recorded')).toHaveLength(6);
    expect(actions.filter((a) => a === 'inspection.round.status_changed')).toHaveLength(1);

    const again = await Promise.all([installDefaultTemplate(db), installDefaultTemplate(db), installDefaultTemplate(db)]);
    expect(again).toEqual([false, false, false]);
    const def = loadDefaultTemplate();
    const fresh = { ...def, id: 'race-install' };
    const raced = await Promise.all([installDefaultTemplate(db, fresh), installDefaultTemplate(db, fresh), installDefaultTemplate(db, fresh)]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect((await db.query("SELECT count(*)::int AS n FROM inspection_template_items WHERE template_id = 'race-install'"))[0]!.n).toBe(def.items.length);
    expect((await db.query("SELECT count(*)::int AS n FROM audit_log WHERE target_id = 'race-install'"))[0]!.n).toBe(1);
  });

  it('follows a finding up: plan, owner, overdue, notes, linked cases, resolve and verify', async () => {
    await template('tpl-follow', [{ id: 'G1', area: 'vulnerable' }]);
    const r = await round('tpl-follow', '고객센터', '2026-Q4');
    const f = (await answer(r.id, 'G1', 'non_compliant', '고령 고객 가족 확인 절차 미운영')).body.finding;
    const id = f.id as string;

    const edit = await api(server, 'PATCH', `/api/inspections/findings/${id}`, {
      severity: 'high', ownerId: userIds.officer, actionPlan: '고령자 응대 절차서 개정, 담당자 hong@example.com 교육', dueDate: addDays(kstToday(), -1),
    }, as('supervisor'));
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body).toMatchObject({ severity: 'high', ownerId: userIds.officer, ownerName: 'officer 사용자', overdue: true });
    expect(edit.body.actionPlan).not.toContain('hong@example.com');
    const overdue = await api(server, 'GET', '/api/inspections/findings?overdue=true', undefined, as('auditor'));
    expect(overdue.body.items.map((x: any) => x.id)).toContain(id);
    expect(overdue.body.items.every((x: any) => x.overdue)).toBe(true);
    expect((await api(server, 'PATCH', `/api/inspections/findings/${id}`, { ownerId: 'no-such-user' }, as('supervisor'))).body.error.code).toBe('user_not_found');

    const skip = await api(server, 'POST', `/api/inspections/findings/${id}/transition`, { to: 'verified' }, as('officer'));
    expect([skip.status, skip.body.error.code]).toEqual([409, 'invalid_transition']);
    const note = await api(server, 'POST', `/api/inspections/findings/${id}/notes`, { body: '고객 900101-1234567 사례 확인, 절차서 초안 작성' }, as('supervisor'));
    expect(note.status).toBe(201);
    expect(note.body.body).not.toContain('900101-1234567');

    const c = await api(server, 'POST', '/api/cases', { title: '고령 고객 카드론 불완전판매 민원', severity: 4, category: 'complaint' }, as('officer'));
    const link = await api(server, 'POST', `/api/inspections/findings/${id}/cases`, { caseId: c.body.id }, as('officer'));
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    expect(link.body.cases).toEqual([expect.objectContaining({ caseId: c.body.id, ref: c.body.ref, title: '고령 고객 카드론 불완전판매 민원' })]);
    expect((await api(server, 'POST', `/api/inspections/findings/${id}/cases`, { caseId: c.body.id }, as('officer'))).status).toBe(409);
    expect((await api(server, 'POST', `/api/inspections/findings/${id}/cases`, { caseId: 'no-such-case' }, as('officer'))).status).toBe(404);
    expect((await api(server, 'POST', `/api/inspections/findings/${id}/cases`, { caseId: c.body.id }, as('auditor'))).status).toBe(403);

    expect((await api(server, 'POST', `/api/inspections/findings/${id}/transition`, { to: 'in_progress' }, as('officer'))).body.status).toBe('in_progress');
    const noText = await api(server, 'POST', `/api/inspections/findings/${id}/transition`, { to: 'resolved' }, as('officer'));
    expect([noText.status, noText.body.error.code]).toEqual([400, 'resolution_required']);
    const resolved = await api(server, 'POST', `/api/inspections/findings/${id}/transition`, { to: 'resolved', note: '절차서 개정 및 상담사 교육 완료' }, as('officer'));
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: '절차서 개정 및 상담사 교육 완료', overdue: false });
    const verified = await api(server, 'POST', `/api/inspections/findings/${id}/transition`, { to: 'verified' }, as('officer'));
    expect(verified.body).toMatchObject({ status: 'verified', verifiedBy: 'i-officer' });
    expect((await api(server, 'PATCH', `/api/inspections/findings/${id}`, { severity: 'low' }, as('officer'))).body.error.code).toBe('finding_verified');

    const detail = await api(server, 'GET', `/api/inspections/findings/${id}`, undefined, as('auditor'));
    expect(detail.body.answer).toMatchObject({ result: 'non_compliant' });
    expect(detail.body.notes).toHaveLength(1);
    expect(detail.body.cases).toHaveLength(1);
    expect(detail.body.history.map((h: any) => h.action)).toEqual([
      'inspection.finding.opened', 'inspection.finding.updated', 'inspection.finding.note_added', 'inspection.finding.case_linked',
      'inspection.finding.status_changed', 'inspection.finding.status_changed', 'inspection.finding.status_changed',
    ]);

    const x = await fetch(`${server.url}/api/inspections/findings/export.xlsx?roundId=${r.id}`, { headers: as('auditor') });
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as any);
    const ws = wb.getWorksheet('발견 사항')!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(1).value).toBe(f.ref);
    expect(ws.getRow(2).getCell(9).value).toBe('확인');
  });

  it('summarises compliance, findings, areas and CCM readiness exactly (hand-computed)', async () => {
    await template('tpl-sum', [
      { id: 'S1', area: 'complaint_handling', ccm: true }, { id: 'S2', area: 'disclosure', ccm: true }, { id: 'S3', area: 'privacy' },
      { id: 'S4', area: 'advertising' }, { id: 'S5', area: 'internal_control' },
    ]);
    const P = '2026-Q3';
    const plan: [string, [string, string][], 'reviewed' | 'in_progress'][] = [
      ['A부', [['S1', 'compliant'], ['S2', 'compliant'], ['S3', 'non_compliant'], ['S4', 'not_applicable'], ['S5', 'compliant']], 'reviewed'],
      ['B부', [['S1', 'compliant'], ['S2', 'non_compliant'], ['S3', 'non_compliant'], ['S4', 'compliant'], ['S5', 'compliant']], 'reviewed'],
      ['C부', [['S1', 'compliant'], ['S3', 'non_compliant']], 'in_progress'],
    ];
    const findingIds: string[] = [];
    for (const [dept, answers, end] of plan) {
      const r = await round('tpl-sum', dept, P);
      for (const [item, result] of answers) {
        const a = await answer(r.id, item, result);
        expect(a.status).toBe(200);
        if (a.body.finding) findingIds.push(a.body.finding.id);
      }
      if (end === 'reviewed') {
        expect((await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'submitted' }, as('supervisor'))).status).toBe(200);
        expect((await api(server, 'POST', `/api/inspections/rounds/${r.id}/transition`, { to: 'reviewed' }, as('officer'))).status).toBe(200);
      }
    }
    await api(server, 'PATCH', `/api/inspections/findings/${findingIds[0]}`, { dueDate: addDays(kstToday(), -3) }, as('officer'));

    const s = await api(server, 'GET', `/api/inspections/summary?period=${P}`, undefined, as('auditor'));
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const b = s.body;
    expect(b.rounds).toEqual({ total: 3, byStatus: { planned: 0, in_progress: 1, submitted: 0, reviewed: 2 } });
    const dept = (d: string) => b.byDepartment.find((x: any) => x.department === d);
    // A: 3 compliant of 4 applicable (S4 해당 없음); B: 3 of 5; C is still in progress: not counted.
    expect(dept('A부')).toMatchObject({ rounds: 1, countedRounds: 1, compliant: 3, nonCompliant: 1, notApplicable: 1, applicable: 4, rate: 0.75 });
    expect(dept('B부')).toMatchObject({ compliant: 3, nonCompliant: 2, applicable: 5, rate: 0.6 });
    expect(dept('C부')).toMatchObject({ rounds: 1, countedRounds: 0, applicable: 0, rate: null });
    expect(b.overall).toEqual({ compliant: 6, nonCompliant: 3, notApplicable: 1, applicable: 9, rate: 0.6667 });
    // Findings: A S3, B S2 and S3, C S3 — privacy 3, disclosure 1; one past due.
    expect(b.findings).toMatchObject({ total: 4, unresolved: 4, overdue: 1, byStatus: { open: 4, in_progress: 0, resolved: 0, verified: 0 } });
    expect(b.areas.map((a: any) => [a.area, a.findings])).toEqual([['privacy', 3], ['disclosure', 1]]);
    expect(b.areas[0].overdue + b.areas[1].overdue).toBe(1);
    // CCM items S1, S2 in the reviewed rounds: A 2 of 2, B 1 of 2 → 3 of 4.
    expect(b.ccm).toMatchObject({ rounds: 2, compliant: 3, applicable: 4, rate: 0.75 });
    expect(b.ccm.departments.map((d: any) => [d.department, d.rate])).toEqual([['A부', 1], ['B부', 0.5]]);

    const onlyB = await api(server, 'GET', `/api/inspections/summary?period=${P}&department=B부`, undefined, as('analyst'));
    expect(onlyB.body.overall.rate).toBe(0.6);
    expect(onlyB.body.findings.total).toBe(2);
    expect((await api(server, 'GET', '/api/inspections/summary?period=2026-Q9', undefined, as('analyst'))).status).toBe(400);
    // CCM readiness is "as of" the period: A부 has no Q4 round yet, its Q3 review still counts.
    const q4 = await api(server, 'GET', '/api/inspections/summary?period=2026-Q4&department=A부', undefined, as('analyst'));
    expect(q4.body.rounds.total).toBe(0);
    expect(q4.body.ccm).toMatchObject({ rounds: 1, compliant: 2, applicable: 2, rate: 1 });
    const q2 = await api(server, 'GET', '/api/inspections/summary?period=2026-Q2', undefined, as('analyst'));
    expect(q2.body.ccm).toMatchObject({ rounds: 0, rate: null });
  });
});

describe('self-inspection demo data (pglite)', () => {
  let server: RunningServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const opened = await testDatabases[0]!.open();
    drop = opened.drop;
    server = await startTestServer(opened.db);
  });
  afterAll(async () => {
    await server?.close();
    await drop?.();
  });

  it('fills rounds in every status and findings in every state through the API, and runs again without duplicates', async () => {
    const demoApi = httpDemoApi(server.url, ADMIN_TOKEN);
    const today = '2026-11-26';
    const first = await seedInspectionDemo(demoApi, today);
    expect(first).toEqual({ rounds: 7, skipped: 0, findings: 11 });
    const rounds = (await api(server, 'GET', '/api/inspections/rounds')).body.items as any[];
    expect(rounds.map((r) => r.status).sort()).toEqual(['in_progress', 'in_progress', 'planned', 'reviewed', 'reviewed', 'reviewed', 'submitted']);
    expect(new Set(rounds.map((r) => r.period))).toEqual(new Set(['2026-Q3', '2026-Q4']));
    const s = (await api(server, 'GET', '/api/inspections/summary?period=2026-Q3')).body;
    expect(s.findings.byStatus).toEqual({ open: 3, in_progress: 2, resolved: 2, verified: 2 });
    expect(s.findings.overdue).toBe(2);
    expect(s.ccm.rounds).toBe(3);
    expect(await seedInspectionDemo(demoApi, today)).toEqual({ rounds: 0, skipped: 7, findings: 0 });
    // A client that reports errors as "POST /path: 409 round_exists …" (the demo command's) is understood too.
    const worded = async (m: string, p: string, b?: unknown) => demoApi(m, p, b).catch((e: Error) => { throw new Error(e.message.replace(/ → (\d+) /, ': $1 ')); });
    expect(await seedInspectionDemo(worded, today)).toEqual({ rounds: 0, skipped: 7, findings: 0 });
    expect(quarterOf('2026-01-15', -1)).toBe('2025-Q4');
  });
});

