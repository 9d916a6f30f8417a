import type { Severity } from '../core/types.js';

// The live risk score of a call, 0–100. Each alert contributes by severity, more
// for repeated hits; contributions combine like independent probabilities so the
// score rises quickly but never passes 100. Alerts of several categories in one
// call escalate it (a customer threatening the FSS *and* the press is worse than
// either alone).

const SEVERITY_WEIGHT: Record<Severity, number> = { 1: 0.1, 2: 0.2, 3: 0.35, 4: 0.55, 5: 0.75 };
const REPEAT_BONUS = 0.1; // per further hit of the same rule
const MAX_REPEAT_BONUS = 0.5;
const PER_EXTRA_CATEGORY = 10;
export const ESCALATION_MIN_CATEGORIES = 2;

export interface RiskInput {
  category: string;
  severity: Severity;
  hitCount: number;
}

export function riskScore(alerts: readonly RiskInput[]): number {
  if (alerts.length === 0) return 0;
  let safe = 1;
  for (const a of alerts) {
    const bonus = Math.min(MAX_REPEAT_BONUS, REPEAT_BONUS * Math.max(0, a.hitCount - 1));
    const p = Math.min(0.95, SEVERITY_WEIGHT[a.severity] * (1 + bonus));
    safe *= 1 - p;
  }
  const categories = new Set(alerts.map((a) => a.category)).size;
  const score = (1 - safe) * 100 + PER_EXTRA_CATEGORY * Math.max(0, categories - 1);
  return Math.min(100, Math.round(score));
}

export function isEscalated(alerts: readonly RiskInput[]): boolean {
  return new Set(alerts.map((a) => a.category)).size >= ESCALATION_MIN_CATEGORIES;
}
