// Group commit: items submitted while a batch is being written wait and go
// together into the next one, so one transaction (one commit, one fsync)
// carries many utterances under load, while a lone item is written at once.
// With `maxInFlight` > 1, up to that many batches are written at the same time
// (on separate connections): an item that arrives while a batch waits on the
// database starts at once instead of waiting for it. The caller must keep
// items that depend on each other out of concurrent batches (the pipeline does:
// a call's next utterance waits for its previous one).

export type BatchWriter<T, R> = (items: T[]) => Promise<R[]>;

export interface GroupCommit<T, R> {
  submit(item: T): Promise<R>;
  /** Items waiting for the next batch. */
  readonly waiting: number;
}

export interface GroupCommitOptions {
  maxBatch?: number;
  /** Batches written at the same time (default 1). */
  maxInFlight?: number;
  /** Called with how long each item of a batch waited before its batch started (ms). */
  observeWait?: (ms: number) => void;
}

interface Waiting<T, R> {
  item: T;
  at: number;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export function createGroupCommit<T, R>(write: BatchWriter<T, R>, opts: GroupCommitOptions = {}): GroupCommit<T, R> {
  const maxBatch = opts.maxBatch ?? 256;
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
  let queue: Waiting<T, R>[] = [];
  let inFlight = 0;

  async function writeBatch(batch: Waiting<T, R>[]) {
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

  /** One writer: takes whatever is queued, writes it, repeats until the queue is empty. */
  async function writer() {
    inFlight++;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await writeBatch(batch);
    }
    inFlight--;
  }

  // A writer starts on the next turn of the event loop (setImmediate: after the
  // I/O callbacks of this turn), so every utterance read from the sockets in the
  // same turn joins the batch. This matters most for PGlite, whose queries run
  // on this thread: started at once, each batch held one utterance and the
  // embedded database saturated at half the rate.
  let starting = false;
  const startWriter = () => {
    starting = false;
    if (inFlight < maxInFlight && queue.length > 0) void writer();
  };

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, at: performance.now(), resolve, reject });
        if (inFlight < maxInFlight && !starting) {
          starting = true;
          setImmediate(startWriter);
        }
      });
    },
    get waiting() {
      return queue.length;
    },
  };
}
