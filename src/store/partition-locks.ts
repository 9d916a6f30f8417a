import pg from 'pg';

// Who reads which work-queue partition: a PostgreSQL session-level advisory
// lock per partition, held on one dedicated connection per process. If the
// process dies, PostgreSQL ends its session and the locks are free at once for
// the others — no lease to expire, no table to clean. The same connection's
// application_name lets every process count the live readers (to take a fair
// share of the partitions).

const APP_NAME = 'radar-queue-reader';
/** First half of the two-part advisory key: 'RADR', so other users of advisory locks do not collide. */
const LOCK_SPACE = 0x52414452;

export interface PartitionLocks {
  tryClaim(partition: number): Promise<boolean>;
  release(partition: number): Promise<void>;
  /** Processes holding a lock connection to this database now, this one included. */
  liveReaders(): Promise<number>;
  /** Called once if the lock connection is lost: every claim is gone with it. */
  onLost(fn: (err: Error) => void): void;
  close(): Promise<void>;
}

export async function openPartitionLocks(databaseUrl: string | null): Promise<PartitionLocks> {
  return databaseUrl ? openServerLocks(databaseUrl) : inProcessLocks();
}

/** Embedded PGlite serves one process: it owns every partition. */
function inProcessLocks(): PartitionLocks {
  return {
    tryClaim: async () => true,
    release: async () => {},
    liveReaders: async () => 1,
    onLost: () => {},
    close: async () => {},
  };
}

async function openServerLocks(url: string): Promise<PartitionLocks> {
  const client = new pg.Client({ connectionString: url, application_name: APP_NAME, keepAlive: true });
  await client.connect();
  let lost: ((err: Error) => void) | null = null;
  let closed = false;
  const fail = (err: Error) => {
    if (closed) return;
    closed = true;
    lost?.(err);
  };
  client.on('error', fail);
  client.on('end', () => fail(new Error('partition lock connection ended')));
  const q = async (sql: string, params: unknown[]) => {
    try {
      return (await client.query(sql, params)).rows;
    } catch (err) {
      // A lost connection means lost locks; report it rather than guess.
      if (!closed && /terminat|ECONN|not queryable|Connection/i.test((err as Error).message)) fail(err as Error);
      throw err;
    }
  };
  return {
    async tryClaim(p) {
      const rows = await q('select pg_try_advisory_lock($1::int4, $2::int4) as ok', [LOCK_SPACE, p]);
      return rows[0].ok === true;
    },
    async release(p) {
      await q('select pg_advisory_unlock($1::int4, $2::int4)', [LOCK_SPACE, p]);
    },
    async liveReaders() {
      const rows = await q('select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database()', [APP_NAME]);
      return Math.max(1, rows[0].n as number);
    },
    onLost(fn) {
      lost = fn;
    },
    async close() {
      closed = true;
      await client.end().catch(() => {});
    },
  };
}
