import { describe, expect, it } from 'vitest';
import { demoBenchmarks, demoSurveyAnswers } from '../../src/demo/surveys.js';
import { estimateIndex, emptyHistogram } from '../../src/analytics/surveys/indices.js';
import { checkBenchmark, checkResponses } from '../../src/analytics/surveys/validate.js';

// The demo data `radar demo` posts must pass the API's own checks, be the same
// on every run (so a second run stores nothing), and show what it claims: a
// year of answers whose NPS rises.

const NOW = new Date('2026-11-26T03:00:00Z');

describe('survey demo data', () => {
  it('every answer passes validation, ids are unique, nothing lies in the future', () => {
    const answers = demoSurveyAnswers(NOW);
    expect(answers.length).toBeGreaterThan(1500);
    const { errors } = checkResponses(answers.map((record, i) => ({ row: i + 1, record })), NOW.getTime());
    expect(errors).toEqual([]);
    expect(Math.max(...answers.map((a) => Date.parse(a.respondedAt)))).toBeLessThan(NOW.getTime());
    expect(answers.some((a) => a.comment?.includes('010-'))).toBe(true); // one shows redaction
  });

  it('is deterministic', () => {
    expect(demoSurveyAnswers(NOW)).toEqual(demoSurveyAnswers(NOW));
  });

  it('NPS rises from the first quarter of the year to the last', () => {
    const answers = demoSurveyAnswers(NOW).filter((a) => a.metric === 'nps');
    const npsOf = (from: string, to: string) => {
      const h = emptyHistogram();
      for (const a of answers) if (a.respondedAt >= from && a.respondedAt < to) h[a.score]!++;
      return estimateIndex('nps', h).headline!.value;
    };
    expect(npsOf('2026-08-31T15:00:00Z', '2026-11-30T15:00:00Z')).toBeGreaterThan(npsOf('2025-11-30T15:00:00Z', '2026-02-28T15:00:00Z') + 10);
  });

  it('benchmarks are valid and cover the last four finished quarters', () => {
    const b = demoBenchmarks(NOW);
    for (const x of b) expect(checkBenchmark(x).ok).toBe(true);
    expect([...new Set(b.map((x) => x.period))]).toEqual(['2026-Q3', '2026-Q2', '2026-Q1', '2025-Q4']);
  });
});
