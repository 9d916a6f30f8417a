import { describe, expect, it } from 'vitest';
import { parseSlaDays } from '../../src/vom/config.js';
import { riskTimeline } from '../../src/vom/risk-timeline.js';
import { caseRef, checkTransition, DEFAULT_SLA_DAYS, dueDate, isOverdue, TRANSITIONS } from '../../src/vom/workflow.js';
import { resolveStatic } from '../../src/api/static.js';

describe('case workflow rules', () => {
  it('walks the happy path 접수 → 배정 → 처리중 → 해결 → 종결', () => {
    expect(() => checkTransition({ from: 'received', to: 'assigned', reason: null, assigneeId: 'u1' })).not.toThrow();
    expect(() => checkTransition({ from: 'assigned', to: 'in_progress', reason: null, assigneeId: 'u1' })).not.toThrow();
    expect(() => checkTransition({ from: 'in_progress', to: 'resolved', reason: '환불 완료', assigneeId: 'u1' })).not.toThrow();
    expect(() => checkTransition({ from: 'resolved', to: 'closed', reason: null, assigneeId: 'u1' })).not.toThrow();
  });

  it('refuses skipped steps, a closed case, and missing assignee or reason', () => {
    expect(() => checkTransition({ from: 'received', to: 'closed', reason: null, assigneeId: null })).toThrow(/cannot move/);
    expect(TRANSITIONS.closed).toEqual([]);
    expect(() => checkTransition({ from: 'received', to: 'assigned', reason: null, assigneeId: null })).toThrow(/assignee/);
    expect(() => checkTransition({ from: 'in_progress', to: 'resolved', reason: ' ', assigneeId: 'u' })).toThrow(/resolution/);
    expect(() => checkTransition({ from: 'received', to: 'rejected', reason: null, assigneeId: null })).toThrow(/reason/);
  });

  it('computes due dates from the SLA and the overdue flag', () => {
    const t0 = new Date('2026-03-02T00:00:00Z');
    expect(dueDate(5, t0, DEFAULT_SLA_DAYS).toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(dueDate(1, t0, DEFAULT_SLA_DAYS).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    const now = new Date('2026-03-04T00:00:00Z');
    expect(isOverdue({ status: 'in_progress', dueAt: '2026-03-03T00:00:00Z' }, now)).toBe(true);
    expect(isOverdue({ status: 'resolved', dueAt: '2026-03-03T00:00:00Z' }, now)).toBe(false);
    expect(isOverdue({ status: 'received', dueAt: '2026-03-05T00:00:00Z' }, now)).toBe(false);
  });

  it('parses SLA settings and rejects nonsense', () => {
    expect(parseSlaDays('5:2, 1:10')).toEqual({ ...DEFAULT_SLA_DAYS, 5: 2, 1: 10 });
    expect(() => parseSlaDays('6:1')).toThrow(/RADAR_CASE_SLA_DAYS/);
    expect(() => parseSlaDays('5:0')).toThrow();
  });

  it('formats case numbers', () => {
    expect(caseRef(42)).toBe('VOM-000042');
  });
});

describe('risk timeline', () => {
  it('rises with each counted hit and ignores false positives and unalerted hits', () => {
    const hits = [
      { ruleId: 'a', category: 'legal', severity: 4 as const, startMs: 3000, alertId: 'A1' },
      { ruleId: 'b', category: 'media', severity: 4 as const, startMs: 1000, alertId: 'FP' },
      { ruleId: 'c', category: 'x', severity: 5 as const, startMs: 2000, alertId: null },
      { ruleId: 'a', category: 'legal', severity: 4 as const, startMs: 5000, alertId: 'A1' },
    ];
    const t = riskTimeline(hits, new Set(['FP']));
    expect(t.map((p) => p.ms)).toEqual([0, 3000, 5000]);
    expect(t[1].score).toBeGreaterThan(0);
    expect(t[2].score).toBeGreaterThan(t[1].score);
  });
});

describe('static file resolution', () => {
  it('never leaves the web root', async () => {
    const root = process.cwd();
    expect(await resolveStatic(root, '/package.json')).toBe(`${root}/package.json`);
    expect(await resolveStatic(root, '/../../etc/passwd')).toBe(null);
    expect(await resolveStatic(root, '/%2e%2e/%2e%2e/etc/passwd')).toBe(null);
    expect(await resolveStatic(root, '/src')).toBe(null);
    expect(await resolveStatic(root, '/%E0%A4%A')).toBe(null);
  });
});
