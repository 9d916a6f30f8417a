import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/store/migrate.js';
import { testDatabases } from '../helpers/databases.js';

describe.each(testDatabases)('migrations ($name)', (tdb) => {
  it('apply to an empty database, then are a no-op', async () => {
    const { db, drop } = await tdb.open();
    try {
      const all = listMigrations().map((m) => m.version);
      expect(await migrate(db)).toEqual(all);
      expect(await migrate(db)).toEqual([]);
      const tables = (await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).map((r) => r.table_name);
      for (const t of ['users', 'calls', 'utterances', 'alerts', 'hits', 'events', 'audit_log', 'schema_migrations']) expect(tables).toContain(t);
    } finally {
      await drop();
    }
  });

  it('bring an existing database forward and keep its rows', async () => {
    const { db, drop } = await tdb.open();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'radar-mig-'));
    try {
      const current = listMigrations();
      await migrate(db, current);
      await db.query("INSERT INTO calls (id, customer_id) VALUES ('old-call', 'C9')");
      // A later migration, as a future release would ship it.
      for (const m of current) writeFileSync(path.join(dir, `${m.version}.sql`), m.sql);
      writeFileSync(path.join(dir, '999_test_extra.sql'), 'ALTER TABLE calls ADD COLUMN test_extra text;');
      expect(await migrate(db, listMigrations(dir))).toEqual(['999_test_extra']);
      const [row] = await db.query("SELECT customer_id, test_extra FROM calls WHERE id = 'old-call'");
      expect(row).toEqual({ customer_id: 'C9', test_extra: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await drop();
    }
  });

  it('roll back a failing migration completely', async () => {
    const { db, drop } = await tdb.open();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'radar-mig-'));
    try {
      writeFileSync(path.join(dir, '001_ok.sql'), 'CREATE TABLE t_ok (id int);');
      writeFileSync(path.join(dir, '002_bad.sql'), 'CREATE TABLE t_half (id int); SELECT no_such_function();');
      await expect(migrate(db, listMigrations(dir))).rejects.toThrow();
      const tables = (await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).map((r) => r.table_name);
      expect(tables).toContain('t_ok');
      expect(tables).not.toContain('t_half');
      const versions = (await db.query('SELECT version FROM schema_migrations')).map((r) => r.version);
      expect(versions).toEqual(['001_ok']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await drop();
    }
  });
});
