// The resume point of an event stream. Persisted events carry a seq from one
// sequence, but on a PostgreSQL server transactions commit out of seq order (or
// roll back and leave a hole), so "the last seq a client received" is not a
// safe place to resume from: an event with a lower seq may still be on its way.
// The watermark is the highest seq below which every seq has been seen (or
// found absent in the database after a grace period); streams label events
// with it, so a client that resumes from its Last-Event-ID may receive an event
// twice but never misses one.

export interface Watermark {
  /** Every seq ≤ value has been handled. */
  readonly value: number;
  /** Records a seq; returns whether it was new (not at or below the watermark, not seen ahead of it). */
  see(seq: number): boolean;
  /** The seqs still missing below the highest one seen: (value, upTo], or null when there is no gap. */
  gap(): { after: number; upTo: number } | null;
  /** Gives up on every seq ≤ upTo that has not been seen (checked elsewhere, e.g. in the database). */
  settle(upTo: number): void;
}

export function createWatermark(start: number): Watermark {
  let value = start;
  const ahead = new Set<number>();
  const advance = () => {
    while (ahead.delete(value + 1)) value++;
  };
  return {
    get value() {
      return value;
    },
    see(seq) {
      if (seq <= value || ahead.has(seq)) return false;
      ahead.add(seq);
      advance();
      return true;
    },
    gap() {
      if (ahead.size === 0) return null;
      let upTo = value;
      for (const s of ahead) if (s > upTo) upTo = s;
      return { after: value, upTo };
    },
    settle(upTo) {
      if (upTo <= value) return;
      for (const s of ahead) if (s <= upTo) ahead.delete(s);
      value = upTo;
      advance();
    },
  };
}
