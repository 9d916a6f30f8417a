// Group commit: items submitted while a batch is being written wait and go
// together into the next one, so one transaction (one commit, one fsync)
// carries many utterances under load, while a lone item is written at once.

export type BatchWriter<T, R> = (items: T[]) => Promise<R[]>;

export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
  /** Items waiting for the next batch. */
  readonly waiting: number;
}

export function createGroupCommit<T, R>(write: BatchWriter<T, R>, maxBatch = 256): GroupCommit<T, R> {
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  async function drain() {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running = false;
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!running) void drain();
      });
    },
    get waiting() {
      return queue.length;
    },
  };
}
