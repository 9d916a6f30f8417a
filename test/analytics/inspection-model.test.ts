import { describe, expect, it } from 'vitest';
import {
  addDays, checkFindingTransition, checkRoundTransition, complianceRate, isPastDue, kstToday, parsePeriod, submissionGaps, tally,
  type ChecklistItem,
} from '../../src/inspection/model.js';
import { ccmReadiness, summarise } from '../../src/inspection/summary.js';
import { loadDefaultTemplate, normaliseTemplate } from '../../src/inspection/template.js';
import type { FindingFactRow, RoundTallyRow } from '../../src/store/inspections.js';

// The self-inspection rules and formulas as pure functions, with values worked
// out by hand.

const codeOf = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

describe('periods', () => {
  it('parses quarters, halves, months and years into inclusive date ranges', () => {
    expect(parsePeriod('2026-Q4')).toEqual({ id: '2026-Q4', start: '2026-10-01', end: '2026-12-31', ko: '2026년 4분기', en: 'Q4 2026' });
    expect(parsePeriod('2026-q1')).toMatchObject({ id: '2026-Q1', start: '2026-01-01', end: '2026-03-31' });
    expect(parsePeriod('2026-H1')).toMatchObject({ start: '2026-01-01', end: '2026-06-30', ko: '2026년 상반기' });
    expect(parsePeriod('2026-H2')).toMatchObject({ start: '2026-07-01', end: '2026-12-31', ko: '2026년 하반기' });
    expect(parsePeriod('2028-02')).toMatchObject({ start: '2028-02-01', end: '2028-02-29', ko: '2028년 2월' }); // leap year
    expect(parsePeriod('2027-02')?.end).toBe('2027-02-28');
    expect(parsePeriod('2026')).toMatchObject({ start: '2026-01-01', end: '2026-12-31', ko: '2026년' });
    for (const bad of ['2026-Q5', '2026-13', '26-Q1', '2026-H3', '', '2026 Q4']) expect(parsePeriod(bad)).toBeNull();
  });

  it('counts a due date as missed only after its day has passed in Korea', () => {
    // 2026-11-30 15:30 UTC is 2026-12-01 00:30 in Seoul.
    const now = new Date('2026-11-30T15:30:00Z');
    expect(kstToday(now)).toBe('2026-12-01');
    expect(isPastDue('2026-11-30', kstToday(now))).toBe(true);
    expect(isPastDue('2026-12-01', kstToday(now))).toBe(false);
    expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
  });
});

describe('workflows', () => {
  it('allows only the round steps in the table', () => {
    expect(codeOf(() => checkRoundTransition('planned', 'in_progress', null))).toBeNull();
    expect(codeOf(() => checkRoundTransition('planned', 'submitted', null))).toBe('invalid_transition');
    expect(codeOf(() => checkRoundTransition('in_progress', 'reviewed', null))).toBe('invalid_transition');
    expect(codeOf(() => checkRoundTransition('submitted', 'in_progress', '  '))).toBe('reason_required');
    expect(codeOf(() => checkRoundTransition('submitted', 'in_progress', '증빙 보완'))).toBeNull();
    expect(codeOf(() => checkRoundTransition('reviewed', 'in_progress', '재검토'))).toBe('invalid_transition');
  });

  it('allows only the finding steps in the table; resolving says what was done', () => {
    expect(codeOf(() => checkFindingTransition('open', 'verified', null))).toBe('invalid_transition');
    expect(codeOf(() => checkFindingTransition('in_progress', 'resolved', ''))).toBe('resolution_required');
    expect(codeOf(() => checkFindingTransition('open', 'resolved', '즉시 시정'))).toBeNull();
    expect(codeOf(() => checkFindingTransition('resolved', 'in_progress', null))).toBe('reason_required');
    expect(codeOf(() => checkFindingTransition('resolved', 'verified', null))).toBeNull();
    expect(codeOf(() => checkFindingTransition('verified', 'in_progress', '재발'))).toBe('invalid_transition');
  });
});

describe('submission and compliance', () => {
  const items: ChecklistItem[] = [
    { itemId: 'A', area: 'privacy', textKo: 'a', textEn: '', evidenceRequired: true, ccm: false },
    { itemId: 'B', area: 'privacy', textKo: 'b', textEn: '', evidenceRequired: true, ccm: true },
    { itemId: 'C', area: 'ccm', textKo: 'c', textEn: '', evidenceRequired: false, ccm: true },
    { itemId: 'D', area: 'advertising', textKo: 'd', textEn: '', evidenceRequired: true, ccm: false },
  ];

  it('names unanswered items and required evidence that is missing (해당 없음 needs none)', () => {
    const gaps = submissionGaps(items, [
      { itemId: 'A', result: 'compliant', evidenceCount: 0 },
      { itemId: 'B', result: 'not_applicable', evidenceCount: 0 },
      { itemId: 'D', result: 'non_compliant', evidenceCount: 1 },
    ]);
    expect(gaps).toEqual({ unanswered: ['C'], missingEvidence: ['A'] });
  });

  it('rate = compliant ÷ (compliant + non-compliant), 해당 없음 left out, null when nothing applies', () => {
    const t = tally(['compliant', 'compliant', 'non_compliant', 'not_applicable', 'compliant', 'not_applicable']);
    expect(t).toEqual({ compliant: 3, nonCompliant: 1, notApplicable: 2 });
    expect(complianceRate(t)).toBe(0.75);
    expect(complianceRate({ compliant: 2, nonCompliant: 1 })).toBe(0.6667);
    expect(complianceRate({ compliant: 0, nonCompliant: 0 })).toBeNull();
  });
});

describe('summary', () => {
  const row = (o: Partial<RoundTallyRow> & Pick<RoundTallyRow, 'roundId' | 'department' | 'period' | 'periodStart' | 'status'>): RoundTallyRow => ({
    reviewedAt: null, itemCount: 10, compliant: 0, nonCompliant: 0, notApplicable: 0, ccmItemCount: 4, ccmCompliant: 0, ccmNonCompliant: 0, ccmNotApplicable: 0, ...o,
  });
  const rounds: RoundTallyRow[] = [
    // 영업부: Q3 reviewed (7 of 8 applicable), Q4 reviewed later (5 of 9); only Q4 counts for CCM (latest period).
    row({ roundId: 'r1', department: '영업부', period: '2026-Q3', periodStart: '2026-07-01', status: 'reviewed', reviewedAt: '2026-10-05T00:00:00Z', compliant: 7, nonCompliant: 1, notApplicable: 2, ccmCompliant: 4 }),
    row({ roundId: 'r2', department: '영업부', period: '2026-Q4', periodStart: '2026-10-01', status: 'reviewed', reviewedAt: '2026-12-20T00:00:00Z', compliant: 5, nonCompliant: 4, notApplicable: 1, ccmCompliant: 2, ccmNonCompliant: 1, ccmNotApplicable: 1 }),
    // 고객센터: Q4 submitted (counted for the rate, not yet for CCM), a planned Q4 round of another checklist (not counted).
    row({ roundId: 'r3', department: '고객센터', period: '2026-Q4', periodStart: '2026-10-01', status: 'submitted', compliant: 8, nonCompliant: 2, ccmCompliant: 4 }),
    row({ roundId: 'r4', department: '고객센터', period: '2026-Q4', periodStart: '2026-10-01', status: 'planned' }),
    // 마케팅부: reviewed Q3 with every CCM item 해당 없음 → CCM applicable 0.
    row({ roundId: 'r5', department: '마케팅부', period: '2026-Q3', periodStart: '2026-07-01', status: 'reviewed', reviewedAt: '2026-10-01T00:00:00Z', compliant: 6, notApplicable: 4, ccmNotApplicable: 4 }),
  ];
  const findings: FindingFactRow[] = [
    { id: 'f1', status: 'open', severity: 'high', dueDate: '2026-11-30', area: 'disclosure', department: '영업부', period: '2026-Q4' },
    { id: 'f2', status: 'in_progress', severity: 'medium', dueDate: '2026-12-31', area: 'disclosure', department: '영업부', period: '2026-Q4' },
    { id: 'f3', status: 'resolved', severity: 'medium', dueDate: '2026-11-01', area: 'privacy', department: '영업부', period: '2026-Q4' },
    { id: 'f4', status: 'verified', severity: 'low', dueDate: '2026-09-01', area: 'advertising', department: '영업부', period: '2026-Q3' },
    { id: 'f5', status: 'open', severity: 'medium', dueDate: '2026-12-01', area: 'privacy', department: '고객센터', period: '2026-Q4' },
    { id: 'f6', status: 'open', severity: 'low', dueDate: '2026-12-15', area: 'disclosure', department: '고객센터', period: '2026-Q4' },
  ];

  it('computes rates per department and period, findings, areas and CCM readiness', () => {
    const s = summarise(rounds, findings, '2026-12-02');
    expect(s.rounds).toEqual({ total: 5, byStatus: { planned: 1, in_progress: 0, submitted: 1, reviewed: 3 } });
    const g = (d: string, p: string) => s.byDepartment.find((x) => x.department === d && x.period === p)!;
    expect(g('영업부', '2026-Q3')).toMatchObject({ rounds: 1, countedRounds: 1, applicable: 8, rate: 0.875 });
    expect(g('영업부', '2026-Q4')).toMatchObject({ applicable: 9, rate: 0.5556 });
    // Two rounds, one counted: 8 of 10.
    expect(g('고객센터', '2026-Q4')).toMatchObject({ rounds: 2, countedRounds: 1, compliant: 8, nonCompliant: 2, rate: 0.8 });
    expect(g('마케팅부', '2026-Q3')).toMatchObject({ applicable: 6, rate: 1 });
    // Latest period first.
    expect(s.byDepartment.map((x) => x.period)).toEqual(['2026-Q4', '2026-Q4', '2026-Q3', '2026-Q3']);
    // 7+5+8+6 = 26 compliant of 26 + 1+4+2 = 33 applicable.
    expect(s.overall).toEqual({ compliant: 26, nonCompliant: 7, notApplicable: 7, applicable: 33, rate: 0.7879 });
    // Overdue on 2026-12-02: f1 (open, 11-30) and f5 (open, 12-01); f3 is resolved, f4 verified.
    expect(s.findings).toMatchObject({ total: 6, unresolved: 4, overdue: 2, byStatus: { open: 3, in_progress: 1, resolved: 1, verified: 1 } });
    expect(s.findings.bySeverity).toEqual({ high: 1, medium: 3, low: 2 });
    expect(s.areas).toEqual([
      { area: 'disclosure', findings: 3, unresolved: 3, overdue: 1 },
      { area: 'privacy', findings: 2, unresolved: 1, overdue: 1 },
      { area: 'advertising', findings: 1, unresolved: 0, overdue: 0 },
    ]);
    // CCM: 영업부's latest reviewed round is Q4 (2 of 3 applicable), 마케팅부 0 applicable; 고객센터 not reviewed.
    expect(s.ccm).toEqual({
      rounds: 2, compliant: 2, applicable: 3, rate: 0.6667,
      departments: [
        { department: '마케팅부', roundId: 'r5', period: '2026-Q3', compliant: 0, applicable: 0, rate: null },
        { department: '영업부', roundId: 'r2', period: '2026-Q4', compliant: 2, applicable: 3, rate: 0.6667 },
      ],
    });
  });

  it('takes the later review when a department has two reviewed rounds in one period', () => {
    const two = [
      row({ roundId: 'a', department: 'X', period: '2026-Q4', periodStart: '2026-10-01', status: 'reviewed', reviewedAt: '2026-12-01T00:00:00Z', ccmCompliant: 4 }),
      row({ roundId: 'b', department: 'X', period: '2026-Q4', periodStart: '2026-10-01', status: 'reviewed', reviewedAt: '2026-12-05T00:00:00Z', ccmCompliant: 1, ccmNonCompliant: 3 }),
    ];
    expect(ccmReadiness(two)).toMatchObject({ rounds: 1, compliant: 1, applicable: 4, rate: 0.25 });
    expect(summarise([], [], '2026-12-02')).toMatchObject({ overall: { rate: null }, ccm: { rate: null, rounds: 0 }, areas: [] });
  });
});

describe('templates', () => {
  it('the bundled checklist is valid, 25–40 items, with unique ids, Korean and English text, every area', () => {
    const t = loadDefaultTemplate();
    expect(t.items.length).toBeGreaterThanOrEqual(25);
    expect(t.items.length).toBeLessThanOrEqual(40);
    expect(new Set(t.items.map((i) => i.itemId)).size).toBe(t.items.length);
    expect(t.items.every((i) => /[가-힣]/.test(i.textKo) && /[a-z]/i.test(i.textEn))).toBe(true);
    expect(new Set(t.items.map((i) => i.area)).size).toBe(7);
    expect(t.items.some((i) => i.ccm) && t.items.some((i) => i.evidenceRequired)).toBe(true);
  });

  it('refuses bad ids, unknown areas and duplicate items', () => {
    const item = { id: 'X1', area: 'privacy', ko: '질문' };
    expect(codeOf(() => normaliseTemplate({ name: 'n', items: [item] }, 'Bad Id'))).toBe('invalid_template_id');
    expect(codeOf(() => normaliseTemplate({ name: 'n', items: [{ ...item, area: 'space' }] }, 'ok-id'))).toBe('invalid_area');
    expect(codeOf(() => normaliseTemplate({ name: 'n', items: [item, item] }, 'ok-id'))).toBe('duplicate_item_id');
    expect(codeOf(() => normaliseTemplate({ name: ' ', items: [item] }, 'ok-id'))).toBe('name_required');
    expect(normaliseTemplate({ name: 'n', items: [item, { ...item, id: 'X2', ccm: true }] }, 'ok-id').items.map((i) => [i.itemId, i.position, i.ccm]))
      .toEqual([['X1', 1, false], ['X2', 2, true]]);
  });
});
