import type { Queryable, Row } from './db.js';

export interface StoredRuleSet {
  version: number;
  doc: unknown;
  ruleCount: number;
  note: string;
  publishedBy: string;
  publishedAt: string;
  restoresVersion: number | null;
}

const toRuleSet = (r: Row): StoredRuleSet => ({
  version: r.version,
  doc: r.doc,
  ruleCount: r.rule_count,
  note: r.note,
  publishedBy: r.published_by,
  publishedAt: new Date(r.published_at).toISOString(),
  restoresVersion: r.restores_version,
});

export async function latestRuleSet(q: Queryable): Promise<StoredRuleSet | null> {
  const rows = await q.query('SELECT * FROM rule_sets ORDER BY version DESC LIMIT 1');
  return rows[0] ? toRuleSet(rows[0]) : null;
}

export async function getRuleSet(q: Queryable, version: number): Promise<StoredRuleSet | null> {
  const rows = await q.query('SELECT * FROM rule_sets WHERE version = $1', [version]);
  return rows[0] ? toRuleSet(rows[0]) : null;
}

export async function listRuleSets(q: Queryable): Promise<Omit<StoredRuleSet, 'doc'>[]> {
  const rows = await q.query('SELECT version, rule_count, note, published_by, published_at, restores_version FROM rule_sets ORDER BY version DESC');
  return rows.map((r) => {
    const { doc: _d, ...rest } = toRuleSet({ ...r, doc: null });
    return rest;
  });
}

/** Inserts the next version; the caller's transaction makes version numbers race-free. */
export async function insertRuleSet(
  q: Queryable,
  rs: { version: number; doc: unknown; ruleCount: number; note: string; publishedBy: string; restoresVersion: number | null },
): Promise<StoredRuleSet> {
  const rows = await q.query(
    `INSERT INTO rule_sets (version, doc, rule_count, note, published_by, restores_version)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [rs.version, JSON.stringify(rs.doc), rs.ruleCount, rs.note, rs.publishedBy, rs.restoresVersion],
  );
  return toRuleSet(rows[0]);
}

export async function maxRuleSetVersion(q: Queryable): Promise<number> {
  const [r] = await q.query('SELECT coalesce(max(version), 0)::int AS v FROM rule_sets');
  return r.v;
}
