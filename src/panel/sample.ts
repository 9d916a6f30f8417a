import { createHash } from 'node:crypto';
import { tenureBand, type Dimension, type SegmentFilter } from './model.js';

// Stratified random selection of panel members, deterministic for a seed:
// 1. eligible = active, has a contact, matches the segment filter (and was
//    not invited in the last N months when the filter says so);
// 2. strata = the combinations of the stratifyBy attributes' values (a missing
//    value is its own stratum, '미상');
// 3. allocation = proportional to each stratum's eligible count, by the
//    largest-remainder method (ties: larger stratum first, then the key), so
//    the sample's mix matches the eligible mix as closely as whole numbers allow;
// 4. within a stratum, members in the order of sha256(seed + ':' + member id):
//    a random permutation that depends only on the seed and the ids, never on
//    row order, so the same seed over the same members picks the same people.
// Pure: members in, selection out. docs/panel.md explains the choice.

export interface Sampleable {
  id: string;
  status: string;
  hasContact: boolean;
  ageBand: string | null;
  grade: string | null;
  region: string | null;
  tenureYears: number | null;
  products: string[];
  lastInvitedAt: string | null;
}

export const UNKNOWN = '미상';

export function attribute(m: Sampleable, d: Dimension): string | null {
  if (d === 'tenureBand') return tenureBand(m.tenureYears);
  return m[d];
}

/** Months back from `now` (calendar months, UTC; close enough for "not surveyed lately"). */
function monthsAgo(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

export function matches(m: Sampleable, f: SegmentFilter, now: number): boolean {
  const inList = (list: string[] | undefined, v: string | null) => !list || (v !== null && list.includes(v));
  if (!inList(f.ageBands, m.ageBand) || !inList(f.grades, m.grade) || !inList(f.regions, m.region) || !inList(f.tenureBands, tenureBand(m.tenureYears))) return false;
  if (f.products && !m.products.some((p) => f.products!.includes(p))) return false;
  if (f.notInvitedMonths && m.lastInvitedAt && Date.parse(m.lastInvitedAt) > monthsAgo(now, f.notInvitedMonths)) return false;
  return true;
}

export const eligible = (m: Sampleable, f: SegmentFilter, now: number) => m.status === 'active' && m.hasContact && matches(m, f, now);

export const stratumOf = (m: Sampleable, by: readonly Dimension[]): string =>
  by.length === 0 ? '전체' : by.map((d) => attribute(m, d) ?? UNKNOWN).join(' · ');

/** Largest-remainder allocation of `total` over `counts` (each capped at its count). */
export function allocate(counts: ReadonlyMap<string, number>, total: number): Map<string, number> {
  const sum = [...counts.values()].reduce((a, b) => a + b, 0);
  const n = Math.min(total, sum);
  const out = new Map<string, number>();
  if (sum === 0) return out;
  const parts = [...counts].map(([key, c]) => {
    const exact = (n * c) / sum;
    return { key, c, floor: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = n - parts.reduce((a, p) => a + p.floor, 0);
  for (const p of [...parts].sort((a, b) => b.rest - a.rest || b.c - a.c || a.key.localeCompare(b.key))) {
    if (left === 0) break;
    if (p.floor < p.c) { p.floor++; left--; }
  }
  for (const p of parts) out.set(p.key, p.floor);
  return out;
}

const order = (seed: string, id: string) => createHash('sha256').update(`${seed}:${id}`).digest('hex');

export interface StratumPlan {
  key: string;
  eligible: number;
  selected: number;
}

export interface Selection {
  eligible: number;
  strata: StratumPlan[];
  picked: { id: string; stratum: string }[];
}

/** The sample for a campaign: who is eligible, how many per stratum, and whom. */
export function selectSample<M extends Sampleable>(members: readonly M[], o: { filter: SegmentFilter; stratifyBy: readonly Dimension[]; sampleSize: number; seed: string; now: number }): Selection {
  const groups = new Map<string, M[]>();
  for (const m of members) {
    if (!eligible(m, o.filter, o.now)) continue;
    const k = stratumOf(m, o.stratifyBy);
    const g = groups.get(k);
    if (g) g.push(m); else groups.set(k, [m]);
  }
  const alloc = allocate(new Map([...groups].map(([k, g]) => [k, g.length])), o.sampleSize);
  const strata: StratumPlan[] = [];
  const picked: Selection['picked'] = [];
  for (const [key, g] of [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    const take = alloc.get(key) ?? 0;
    const chosen = g.map((m) => ({ m, h: order(o.seed, m.id) })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0)).slice(0, take);
    for (const { m } of chosen) picked.push({ id: m.id, stratum: key });
    strata.push({ key, eligible: g.length, selected: take });
  }
  return { eligible: strata.reduce((a, s) => a + s.eligible, 0), strata, picked };
}
