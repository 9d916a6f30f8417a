import type { Subscription, SubscriptionKind } from '../delivery/types.js';
import type { Queryable, Row } from './db.js';

// Delivery subscriptions. The webhook secret is read only by the senders (the
// worker's claim, `sendTargetOf` for a test message); everything returned to
// the API leaves it out.

export type NewSubscription = Omit<Subscription, 'hasSecret' | 'createdAt' | 'updatedAt'> & { secret: string | null };

export type SubscriptionChanges = Partial<Pick<Subscription, 'name' | 'target' | 'eventTypes' | 'minSeverity' | 'categories' | 'enabled'>>;

export function toSubscription(r: Row): Subscription {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    target: r.target,
    eventTypes: r.event_types,
    minSeverity: r.min_severity,
    categories: r.categories,
    enabled: r.enabled,
    hasSecret: r.secret !== null,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function insertSubscription(q: Queryable, s: NewSubscription): Promise<Subscription> {
  const [r] = await q.query(
    `INSERT INTO subscriptions (id, name, kind, target, event_types, min_severity, categories, secret, enabled, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [s.id, s.name, s.kind, s.target, s.eventTypes, s.minSeverity, s.categories, s.secret, s.enabled, s.createdBy],
  );
  return toSubscription(r!);
}

export async function listSubscriptions(q: Queryable): Promise<Subscription[]> {
  return (await q.query('SELECT * FROM subscriptions ORDER BY created_at, id')).map(toSubscription);
}

export async function listEnabledSubscriptions(q: Queryable): Promise<Subscription[]> {
  return (await q.query('SELECT * FROM subscriptions WHERE enabled ORDER BY id')).map(toSubscription);
}

export async function getSubscription(q: Queryable, id: string): Promise<Subscription | null> {
  const [r] = await q.query('SELECT * FROM subscriptions WHERE id = $1', [id]);
  return r ? toSubscription(r) : null;
}

const COLUMNS: Record<keyof SubscriptionChanges, string> = {
  name: 'name', target: 'target', eventTypes: 'event_types', minSeverity: 'min_severity', categories: 'categories', enabled: 'enabled',
};

export async function updateSubscription(q: Queryable, id: string, changes: SubscriptionChanges): Promise<Subscription | null> {
  const keys = (Object.keys(changes) as (keyof SubscriptionChanges)[]).filter((k) => changes[k] !== undefined);
  const sets = keys.map((k, i) => `${COLUMNS[k]} = $${i + 2}`);
  const [r] = await q.query(
    `UPDATE subscriptions SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING *`,
    [id, ...keys.map((k) => changes[k])],
  );
  return r ? toSubscription(r) : null;
}

/** What a sender needs, secret included: for a test message only, never for the API. */
export async function sendTargetOf(q: Queryable, id: string): Promise<{ id: string; name: string; kind: SubscriptionKind; target: string; secret: string | null } | null> {
  const [r] = await q.query('SELECT id, name, kind, target, secret FROM subscriptions WHERE id = $1', [id]);
  return r ? { id: r.id, name: r.name, kind: r.kind, target: r.target, secret: r.secret } : null;
}

export async function setSecret(q: Queryable, id: string, secret: string): Promise<boolean> {
  const rows = await q.query('UPDATE subscriptions SET secret = $2, updated_at = now() WHERE id = $1 RETURNING id', [id, secret]);
  return rows.length > 0;
}

export async function deleteSubscription(q: Queryable, id: string): Promise<Subscription | null> {
  const [r] = await q.query('DELETE FROM subscriptions WHERE id = $1 RETURNING *', [id]);
  return r ? toSubscription(r) : null;
}
