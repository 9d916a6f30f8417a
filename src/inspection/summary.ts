import type { FindingFactRow, RoundTallyRow } from '../store/inspections.js';
import {
  AREAS, complianceRate, FINDING_STATUSES, isPastDue, ROUND_STATUSES, UNRESOLVED_FINDING_STATUSES,
  type Area, type FindingStatus, type RoundStatus,
} from './model.js';

// The self-inspection summary as a pure function of plain rows (the store reads
// them; tests feed hand-made ones). Formulas, stated exactly in docs/inspections.md:
//   compliance rate   = Σ compliant ÷ Σ (compliant + non-compliant) over the
//                       department's rounds of the period that were handed in
//                       (submitted or reviewed); 해당 없음 is not applicable and
//                       left out. Null when nothing is applicable.
//   overdue finding   = open or in progress, and its due day (KST) has passed.
//   CCM readiness     = Σ compliant CCM items ÷ Σ applicable CCM items over the
//                       latest reviewed round of each department (latest period;
//                       for a tie, the latest review).

/** Rounds whose answers are final enough to be counted in rates. */
export const COUNTED_STATUSES: readonly RoundStatus[] = ['submitted', 'reviewed'];

export interface DepartmentRate {
  department: string;
  period: string;
  periodStart: string;
  /** Rounds of the department and period, whatever their status. */
  rounds: number;
  /** Of those, handed in (submitted or reviewed): the ones counted below. */
  countedRounds: number;
  compliant: number;
  nonCompliant: number;
  notApplicable: number;
  applicable: number;
  rate: number | null;
}

export interface AreaCount {
  area: Area;
  findings: number;
  unresolved: number;
  overdue: number;
}

export interface CcmDepartment {
  department: string;
  roundId: string;
  period: string;
  compliant: number;
  applicable: number;
  rate: number | null;
}

export interface InspectionSummary {
  today: string;
  rounds: { total: number; byStatus: Record<RoundStatus, number> };
  overall: { compliant: number; nonCompliant: number; notApplicable: number; applicable: number; rate: number | null };
  byDepartment: DepartmentRate[];
  findings: { total: number; byStatus: Record<FindingStatus, number>; unresolved: number; overdue: number; bySeverity: Record<string, number> };
  /** Areas by number of findings, most first (areas without findings left out). */
  areas: AreaCount[];
  ccm: { rounds: number; compliant: number; applicable: number; rate: number | null; departments: CcmDepartment[] };
}

const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function summarise(rounds: readonly RoundTallyRow[], findings: readonly FindingFactRow[], today: string): InspectionSummary {
  const byStatus = zero(ROUND_STATUSES);
  for (const r of rounds) byStatus[r.status]++;

  const groups = new Map<string, DepartmentRate>();
  const overall = { compliant: 0, nonCompliant: 0, notApplicable: 0 };
  for (const r of rounds) {
    const key = `${r.department}\u0000${r.period}`;
    let g = groups.get(key);
    if (!g) {
      g = { department: r.department, period: r.period, periodStart: r.periodStart, rounds: 0, countedRounds: 0, compliant: 0, nonCompliant: 0, notApplicable: 0, applicable: 0, rate: null };
      groups.set(key, g);
    }
    g.rounds++;
    if (!COUNTED_STATUSES.includes(r.status)) continue;
    g.countedRounds++;
    g.compliant += r.compliant;
    g.nonCompliant += r.nonCompliant;
    g.notApplicable += r.notApplicable;
    overall.compliant += r.compliant;
    overall.nonCompliant += r.nonCompliant;
    overall.notApplicable += r.notApplicable;
  }
  const byDepartment = [...groups.values()]
    .map((g) => ({ ...g, applicable: g.compliant + g.nonCompliant, rate: complianceRate(g) }))
    .sort((a, b) => b.periodStart.localeCompare(a.periodStart) || a.department.localeCompare(b.department, 'ko'));

  const fStatus = zero(FINDING_STATUSES);
  const bySeverity: Record<string, number> = { high: 0, medium: 0, low: 0 };
  const areaMap = new Map<Area, AreaCount>();
  let overdue = 0;
  for (const f of findings) {
    fStatus[f.status]++;
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    const unresolved = UNRESOLVED_FINDING_STATUSES.includes(f.status);
    const late = unresolved && isPastDue(f.dueDate, today);
    if (late) overdue++;
    const a = areaMap.get(f.area) ?? { area: f.area, findings: 0, unresolved: 0, overdue: 0 };
    a.findings++;
    if (unresolved) a.unresolved++;
    if (late) a.overdue++;
    areaMap.set(f.area, a);
  }
  const areas = [...areaMap.values()].sort((a, b) => b.findings - a.findings || b.unresolved - a.unresolved || AREAS.indexOf(a.area) - AREAS.indexOf(b.area));

  return {
    today,
    rounds: { total: rounds.length, byStatus },
    overall: { ...overall, applicable: overall.compliant + overall.nonCompliant, rate: complianceRate(overall) },
    byDepartment,
    findings: {
      total: findings.length, byStatus: fStatus, bySeverity, overdue,
      unresolved: UNRESOLVED_FINDING_STATUSES.reduce((n, s) => n + fStatus[s], 0),
    },
    areas,
    ccm: ccmReadiness(rounds),
  };
}

/** CCM readiness over the latest reviewed round of each department. */
export function ccmReadiness(rounds: readonly RoundTallyRow[]): InspectionSummary['ccm'] {
  const latest = new Map<string, RoundTallyRow>();
  for (const r of rounds) {
    if (r.status !== 'reviewed' || r.ccmItemCount === 0) continue;
    const cur = latest.get(r.department);
    const newer = !cur || r.periodStart > cur.periodStart || (r.periodStart === cur.periodStart && (r.reviewedAt ?? '') > (cur.reviewedAt ?? ''));
    if (newer) latest.set(r.department, r);
  }
  const departments = [...latest.values()]
    .map((r) => ({
      department: r.department, roundId: r.roundId, period: r.period, compliant: r.ccmCompliant,
      applicable: r.ccmCompliant + r.ccmNonCompliant, rate: complianceRate({ compliant: r.ccmCompliant, nonCompliant: r.ccmNonCompliant }),
    }))
    .sort((a, b) => a.department.localeCompare(b.department, 'ko'));
  const compliant = departments.reduce((n, d) => n + d.compliant, 0);
  const applicable = departments.reduce((n, d) => n + d.applicable, 0);
  return { rounds: departments.length, compliant, applicable, rate: complianceRate({ compliant, nonCompliant: applicable - compliant }), departments };
}
