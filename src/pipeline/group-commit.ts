// Group commit: items submitted while a batch is being written wait and go
// together into the next one, so one transaction (one commit, one fsync)
// carries many utterances under load, while a lone item is written at once.

export type BatchWriter<T, R> = (items: T[]) => Promise<R[]>;

export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
  /** Items waiting for the next batch. */
  readonly waiting: number;
}

export interface GroupCommitOptions {
  maxBatch?: number;
  /** Called with how long each item of a batch waited before its batch started (ms). */
  observeWait?: (ms: number) => void;
}

export function createGroupCommit<T, R>(write: BatchWriter<T, R>, opts: GroupCommitOptions = {}): GroupCommit<T, R> {
  const maxBatch = opts.maxBatch ?? 256;
  let queue: { item: T; at: number; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  async function drain() {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      if (opts.observeWait) {
        const start = performance.now();
        for (const b of batch) opts.observeWait(start - b.at);
      }
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
        queue.push({ item, at: performance.now(), resolve, reject });
        if (!running) void drain();
      });
    },
    get waiting() {
      return queue.length;
    },
  };
}
