import type { Severity } from '../core/types.js';
import { riskScore, type RiskInput } from '../alerts/risk.js';

// The call's risk score over time, rebuilt from its stored hits with the same
// formula the live pipeline uses, so the chart agrees with the live number.

export interface RiskPoint {
  ms: number;
  score: number;
}

interface HitLike {
  ruleId: string;
  category: string;
  severity: Severity;
  startMs: number;
  alertId: string | null;
}

/** `excluded` = alert ids that do not count (false positives). */
export function riskTimeline(hits: readonly HitLike[], excluded: ReadonlySet<string> = new Set()): RiskPoint[] {
  const perRule = new Map<string, RiskInput>();
  const points: RiskPoint[] = [{ ms: 0, score: 0 }];
  const counted = hits.filter((h) => h.alertId !== null && !excluded.has(h.alertId)).sort((a, b) => a.startMs - b.startMs);
  for (const h of counted) {
    const prev = perRule.get(h.ruleId);
    perRule.set(h.ruleId, {
      category: h.category,
      severity: (prev ? Math.max(prev.severity, h.severity) : h.severity) as Severity,
      hitCount: (prev?.hitCount ?? 0) + 1,
    });
    points.push({ ms: h.startMs, score: riskScore([...perRule.values()]) });
  }
  return points;
}
