import { addDays, kstToday } from '../inspection/model.js';
import type { DemoApi } from './api.js';

// Demo data for 자율 점검, written for this project and put in through the HTTP
// API like any client would: last quarter's rounds reviewed or submitted (with
// findings in every state, two of them past due), this quarter's in progress or
// planned. Runs again without duplicating: a round that exists is skipped.

const TEMPLATE = 'card-consumer-protection';

/** Why an item was found non-compliant (comments as a department would write them). */
const WHY: Record<string, string> = {
  'CH-02': '기한 초과 민원 4건 중 1건은 지연 사유 통지 누락',
  'CH-05': '동일 고객 반복 민원 1건이 상위 책임자 보고 없이 종결됨',
  'DS-02': '리볼빙 가입 녹취 표본 20건 중 3건에서 수수료율 설명 누락',
  'DS-05': 'DCDS 판매 후 해피콜 미실시 11건 확인',
  'AD-01': '앱 푸시 광고 2건 준법감시 심의필 번호 미표시',
  'AD-03': '부가서비스 축소 개별 고지가 법정 기한보다 3주 늦게 발송됨',
  'PV-02': '상담 메모 표본 50건 중 2건에 카드번호 전체가 기재됨',
  'VC-01': '고령 고객 카드론 권유 시 가족 확인 절차 미적용 2건',
  'IC-01': '하반기 소비자보호 교육 미이수자 5명',
  'CCM-03': 'NPS 측정 결과에 따른 개선 과제가 수립되지 않음',
};

const PLAN: Record<string, string> = {
  'CH-02': '지연 통지 자동 발송 기능 적용, 민원 담당자 재교육 (12월 둘째 주)',
  'DS-02': '리볼빙 스크립트에 수수료율 낭독 필수 구간 추가, 녹취 전수 점검 1개월',
  'DS-05': '해피콜 대상 자동 추출 및 미실시 건 주간 보고',
  'PV-02': '메모 입력 시 카드번호 자동 마스킹 적용 요청 (IT), 상담사 안내',
  'VC-01': '고령자 응대 절차서 개정 및 카드론 권유 시 시스템 확인 단계 추가',
};

interface DemoRound {
  department: string;
  /** 0 = this quarter, -1 = the one before. */
  quarter: 0 | -1;
  end: 'planned' | 'in_progress' | 'submitted' | 'reviewed';
  nonCompliant: string[];
  notApplicable: string[];
  /** Answer only the first n items (rounds still in progress). */
  answerFirst?: number;
  /** What happened to each finding afterwards, by item. */
  follow?: Record<string, 'in_progress' | 'resolved' | 'verified' | 'overdue'>;
}

const ROUNDS: DemoRound[] = [
  { department: '소비자보호부', quarter: -1, end: 'reviewed', nonCompliant: ['CCM-03'], notApplicable: ['VC-03'], follow: { 'CCM-03': 'verified' } },
  { department: '카드영업부', quarter: -1, end: 'reviewed', nonCompliant: ['DS-02', 'DS-05', 'AD-01'], notApplicable: ['VC-03', 'CH-04'], follow: { 'DS-02': 'resolved', 'DS-05': 'in_progress', 'AD-01': 'verified' } },
  { department: '고객센터', quarter: -1, end: 'reviewed', nonCompliant: ['CH-02', 'PV-02', 'VC-01'], notApplicable: ['AD-02'], follow: { 'CH-02': 'overdue', 'PV-02': 'overdue', 'VC-01': 'resolved' } },
  { department: '마케팅부', quarter: -1, end: 'submitted', nonCompliant: ['AD-01', 'AD-03'], notApplicable: ['VC-03', 'CH-04', 'DS-05'] },
  { department: '카드영업부', quarter: 0, end: 'in_progress', nonCompliant: ['DS-02', 'IC-01'], notApplicable: ['CH-04'], answerFirst: 22 },
  { department: '고객센터', quarter: 0, end: 'in_progress', nonCompliant: ['CH-05'], notApplicable: [], answerFirst: 9 },
  { department: '채권관리부', quarter: 0, end: 'planned', nonCompliant: [], notApplicable: [] },
];

/** The quarter `offset` quarters from the one containing `day` (yyyy-mm-dd), e.g. 2026-Q4. */
export function quarterOf(day: string, offset = 0): string {
  const q = Number(day.slice(0, 4)) * 4 + Math.floor((Number(day.slice(5, 7)) - 1) / 3) + offset;
  return `${Math.floor(q / 4)}-Q${(q % 4) + 1}`;
}

const evidenceFile = (itemId: string, department: string) => ({
  filename: `${department}_${itemId}_점검증빙.txt`,
  contentType: 'text/plain',
  dataBase64: Buffer.from(`[자율점검 증빙] ${department} ${itemId}\n확인 자료 목록 및 표본 점검 결과 요약 (데모)\n`).toString('base64'),
});

export interface InspectionDemoResult {
  rounds: number;
  skipped: number;
  findings: number;
}

/** Fills the self-inspection screen with a realistic set of rounds and findings. */
export async function seedInspectionDemo(api: DemoApi, today = kstToday()): Promise<InspectionDemoResult> {
  const template = await api('GET', `/api/inspections/templates/${TEMPLATE}`);
  const items = template.items as { itemId: string; evidenceRequired: boolean }[];
  const users = ((await api('GET', '/api/cases/assignees').catch(() => ({ items: [] }))).items ?? []) as { id: string; role: string }[];
  const owner = users.find((u) => u.role === 'officer') ?? users[0];
  const assignee = users.find((u) => u.role === 'supervisor') ?? owner;
  const someCase = ((await api('GET', '/api/cases?limit=1').catch(() => ({ items: [] }))).items ?? [])[0] as { id: string } | undefined;
  const out: InspectionDemoResult = { rounds: 0, skipped: 0, findings: 0 };

  for (const d of ROUNDS) {
    const period = quarterOf(today, d.quarter);
    const dueDate = d.quarter === -1 ? addDays(today, -40) : addDays(today, 20);
    let round: { id: string };
    try {
      round = await api('POST', '/api/inspections/rounds', {
        templateId: TEMPLATE, department: d.department, period, dueDate,
        ...(owner ? { ownerId: owner.id } : {}), ...(assignee ? { assigneeId: assignee.id } : {}),
      });
    } catch (e) {
      // A round that exists already (the demo ran before) is left as it is.
      // (Clients word errors differently: a status field, "→ 409", or ": 409 round_exists".)
      if ((e as { status?: number }).status === 409 || /(→ |: )409\b|round_exists/.test((e as Error).message)) { out.skipped++; continue; }
      throw e;
    }
    out.rounds++;
    if (d.end === 'planned') continue;
    const todo = items.slice(0, d.answerFirst ?? items.length);
    const findings: Record<string, string> = {};
    for (const it of todo) {
      const result = d.nonCompliant.includes(it.itemId) ? 'non_compliant' : d.notApplicable.includes(it.itemId) ? 'not_applicable' : 'compliant';
      const comment = result === 'non_compliant' ? WHY[it.itemId] ?? '점검 결과 기준 미충족' : result === 'not_applicable' ? '해당 부서 업무 아님' : it.evidenceRequired ? '증빙 자료 확인 완료' : '';
      const a = await api('PUT', `/api/inspections/rounds/${round.id}/answers/${it.itemId}`, { result, ...(comment ? { comment } : {}) });
      if (a.finding) findings[it.itemId] = a.finding.id;
      if (it.evidenceRequired && result !== 'not_applicable') {
        await api('POST', `/api/inspections/rounds/${round.id}/answers/${it.itemId}/evidence`, evidenceFile(it.itemId, d.department));
      }
    }
    out.findings += Object.keys(findings).length;
    if (d.end === 'submitted' || d.end === 'reviewed') await api('POST', `/api/inspections/rounds/${round.id}/transition`, { to: 'submitted' });
    if (d.end === 'reviewed') await api('POST', `/api/inspections/rounds/${round.id}/transition`, { to: 'reviewed', note: '점검 결과 확인, 발견 사항 개선 계획 제출 요청' });

    for (const [itemId, step] of Object.entries(d.follow ?? {})) {
      const id = findings[itemId];
      if (!id) continue;
      const severity = itemId === 'PV-02' || itemId === 'DS-02' ? 'high' : itemId === 'CCM-03' ? 'low' : 'medium';
      await api('PATCH', `/api/inspections/findings/${id}`, { severity, ...(PLAN[itemId] ? { actionPlan: PLAN[itemId] } : {}), ...(step === 'overdue' ? { dueDate: addDays(today, -6) } : {}) });
      if (step === 'overdue') {
        if (itemId === 'CH-02') await api('POST', `/api/inspections/findings/${id}/transition`, { to: 'in_progress' });
        if (itemId === 'CH-02' && someCase) await api('POST', `/api/inspections/findings/${id}/cases`, { caseId: someCase.id }).catch(() => undefined);
        continue;
      }
      await api('POST', `/api/inspections/findings/${id}/transition`, { to: 'in_progress' });
      if (step === 'in_progress') {
        await api('POST', `/api/inspections/findings/${id}/notes`, { body: '개선 조치 진행 중: 대상 건 추출 완료, 시스템 변경 요청 접수' });
        continue;
      }
      await api('POST', `/api/inspections/findings/${id}/transition`, { to: 'resolved', note: PLAN[itemId] ? `${PLAN[itemId]} — 시행 완료` : '개선 조치 시행 완료' });
      if (step === 'verified') await api('POST', `/api/inspections/findings/${id}/transition`, { to: 'verified', note: '표본 재점검으로 개선 확인' });
    }
  }
  return out;
}
