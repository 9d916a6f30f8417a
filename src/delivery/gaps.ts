// Where the relay may move its cursor over `events`. Pure, so the tricky part is
// unit-tested without a database.
//
// On a PostgreSQL server a seq is taken when a transaction inserts its event,
// but becomes visible when it commits: transaction A may hold seq 10 while B's
// seq 11 is already visible. Reading past 10 then would lose A's event. A gap
// can also be permanent (A rolled back). So: stop at a gap while it is young,
// skip it once it has stayed a gap for `graceMs`.
//
// Age is measured from when the relay first saw a gap, recorded together with
// the highest seq visible at that moment (`maxSeq`): every missing seq below it
// had already been allocated then, so one timestamp covers every gap below it
// and the relay never waits once per gap.

export interface GapState {
  maxSeq: number;
  seenAt: number;
}

export interface AdvanceInput {
  cursor: number;
  /** Visible seqs after the cursor, ascending (one batch). */
  seqs: number[];
  gap: GapState | null;
  now: number;
  graceMs: number;
}

export interface AdvancePlan {
  /** The new cursor: every seq ≤ it is either consumed now or skipped. */
  cursor: number;
  /** Seqs to fan out now, ascending. */
  consume: number[];
  /** Missing seqs given up on (old gaps). */
  skipped: number;
  gap: GapState | null;
}

export function planAdvance(input: AdvanceInput): AdvancePlan {
  const { seqs, now, graceMs } = input;
  let gap = input.gap;
  let cursor = input.cursor;
  let skipped = 0;
  const consume: number[] = [];
  for (const seq of seqs) {
    if (seq <= cursor) continue;
    if (seq > cursor + 1) {
      // Keep the first sighting's time while it still covers this gap.
      if (gap === null || cursor + 1 > gap.maxSeq) gap = { maxSeq: seqs[seqs.length - 1]!, seenAt: now };
      if (now - gap.seenAt < graceMs) return { cursor, consume, skipped, gap };
      skipped += seq - cursor - 1;
    }
    consume.push(seq);
    cursor = seq;
  }
  // No gap in the way: forget a sighting that is now wholly behind the cursor.
  if (gap !== null && gap.maxSeq <= cursor) gap = null;
  return { cursor, consume, skipped, gap };
}
