import { describe, expect, it } from 'vitest';
import { planAdvance } from '../../src/delivery/gaps.js';

// The relay's cursor rule: never step over a young gap in `events` seq (a
// transaction may still commit it), step over an old one (rolled back).

const GRACE = 5_000;

describe('planAdvance', () => {
  it('consumes contiguous seqs and moves the cursor to the last', () => {
    expect(planAdvance({ cursor: 10, seqs: [11, 12, 13], gap: null, now: 0, graceMs: GRACE }))
      .toEqual({ cursor: 13, consume: [11, 12, 13], skipped: 0, gap: null });
  });

  it('stops before a young gap and records when it was first seen', () => {
    const p = planAdvance({ cursor: 10, seqs: [11, 13, 14], gap: null, now: 1_000, graceMs: GRACE });
    expect(p).toEqual({ cursor: 11, consume: [11], skipped: 0, gap: { maxSeq: 14, seenAt: 1_000 } });
  });

  it('keeps waiting while the gap is younger than the grace period, keeping the first sighting', () => {
    const gap = { maxSeq: 14, seenAt: 1_000 };
    const p = planAdvance({ cursor: 11, seqs: [13, 14, 15], gap, now: 1_000 + GRACE - 1, graceMs: GRACE });
    expect(p).toEqual({ cursor: 11, consume: [], skipped: 0, gap });
  });

  it('takes a late commit that fills the gap as soon as it is visible', () => {
    const gap = { maxSeq: 14, seenAt: 1_000 };
    const p = planAdvance({ cursor: 11, seqs: [12, 13, 14], gap, now: 2_000, graceMs: GRACE });
    expect(p).toEqual({ cursor: 14, consume: [12, 13, 14], skipped: 0, gap: null });
  });

  it('skips a gap older than the grace period (a rolled-back transaction)', () => {
    const gap = { maxSeq: 14, seenAt: 1_000 };
    const p = planAdvance({ cursor: 11, seqs: [13, 14], gap, now: 1_000 + GRACE, graceMs: GRACE });
    expect(p).toEqual({ cursor: 14, consume: [13, 14], skipped: 1, gap: null });
  });

  it('skips every old gap below the recorded high-water mark in one pass', () => {
    const gap = { maxSeq: 20, seenAt: 0 };
    const p = planAdvance({ cursor: 10, seqs: [12, 15, 20], gap, now: GRACE, graceMs: GRACE });
    expect(p).toEqual({ cursor: 20, consume: [12, 15, 20], skipped: 1 + 2 + 4, gap: null });
  });

  it('a gap above the old high-water mark is new: it waits its own grace period', () => {
    const gap = { maxSeq: 14, seenAt: 0 };
    const p = planAdvance({ cursor: 11, seqs: [13, 14, 16, 17], gap, now: 10_000, graceMs: GRACE });
    expect(p).toEqual({ cursor: 14, consume: [13, 14], skipped: 1, gap: { maxSeq: 17, seenAt: 10_000 } });
  });

  it('does nothing with an empty batch and keeps an unresolved sighting', () => {
    const gap = { maxSeq: 14, seenAt: 0 };
    expect(planAdvance({ cursor: 11, seqs: [], gap, now: 1, graceMs: GRACE })).toEqual({ cursor: 11, consume: [], skipped: 0, gap });
  });

  it('with grace 0 never waits, not even at a first sighting', () => {
    const p = planAdvance({ cursor: 0, seqs: [3], gap: null, now: 5, graceMs: 0 });
    expect(p).toEqual({ cursor: 3, consume: [3], skipped: 2, gap: null });
  });
});
