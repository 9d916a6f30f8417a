import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { unavailable } from '../core/errors.js';
import { sha256 } from '../core/ids.js';

// One SQL dialect (PostgreSQL) over two drivers: PGlite embedded in-process by
// default, a PostgreSQL server when DATABASE_URL is set. Repositories only see
// this interface.

export type Row = Record<string, any>;

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; commits on resolve, rolls back on throw. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string | null;
  /** PGlite folder; 'memory://' for a throwaway in-memory database. */
  dataDir?: string;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPglite(opts.dataDir ?? 'memory://');
}

// Connection-level failures mean the database is unreachable: callers answer 503
// (retry later) instead of 500, and nothing is half-written.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

function wrapDbError(err: unknown): never {
  const code = (err as { code?: string })?.code;
  const msg = (err as Error)?.message ?? '';
  if ((code && CONNECTION_CODES.has(code)) || /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/.test(msg)) {
    throw unavailable('database_unavailable', 'The database is not reachable; retry later.');
  }
  throw err;
}

async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Keep connections once opened: a fresh PostgreSQL backend (fork, cold
    // catalogue caches) made the next transactions slow after every lull.
    idleTimeoutMillis: 0,
    // int8 (counts, bigserial) as JS numbers: our values stay far below 2^53.
    types: { getTypeParser: (oid: number, format?: any) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) } as any,
  });
  pool.on('error', () => { /* an idle client died; the next query reconnects */ });
  const names = statementNames();
  const run = async <T extends Row>(c: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) => {
    try {
      const name = params ? names(sql) : undefined;
      return (name ? await c.query({ name, text: sql, values: params as any[] }) : await c.query(sql, params as any[])).rows as T[];
    } catch (err) {
      return wrapDbError(err);
    }
  };
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async tx(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        return wrapDbError(err);
      }
      // A connection that dies while checked out emits 'error' on the client;
      // unheard, that would crash the process. The failing query reports it.
      let broken = false;
      const onError = () => { broken = true; };
      client.on('error', onError);
      try {
        await run(client, 'BEGIN');
        const result = await fn({ query: (sql, params) => run(client, sql, params), exec: async (sql) => { await run(client, sql); } });
        await run(client, 'COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => { broken = true; });
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async exec(sql) {
      await run(pool, sql);
    },
    close: () => pool.end(),
  };
}

/**
 * Parameterised statements run as named prepared statements: each connection
 * parses and plans a statement once instead of on every call, which is most of
 * PostgreSQL's CPU for the small, frequent statements of the live path. Names
 * derive from the SQL text; the SQL of this code base is a bounded set, and the
 * cap keeps an unexpected stream of distinct texts from growing every backend.
 */
function statementNames(max = 1000): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (name === undefined && names.size < max) {
      name = `r${sha256(sql).slice(0, 24)}`;
      names.set(sql, name);
    }
    return name;
  };
}

async function openPglite(dataDir: string): Promise<Db> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir);
  // PGlite is one connection: serialise transactions so statements of different
  // requests never interleave inside one.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => {});
    return next;
  };
  const q = async <T extends Row>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows;
  return {
    kind: 'pglite',
    query: (sql, params) => serial(() => q(sql, params)),
    tx: (fn) =>
      serial(() =>
        lite.transaction((t) =>
          fn({ query: async (sql, params) => (await t.query<any>(sql, params)).rows, exec: async (sql) => { await t.exec(sql); } }),
        ),
      ),
    exec: (sql) => serial(async () => { await lite.exec(sql); }),
    close: () => serial(() => lite.close()),
  };
}
