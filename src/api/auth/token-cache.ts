import type { Bus } from '../../bus/types.js';
import type { Principal } from './principal.js';

// API tokens authenticate every ingest request (a connector posts each
// utterance), so looking the token and its user up in the database each time
// would add three queries per utterance. Resolved principals are kept for a
// short time instead. Revoking a token or changing a user clears the cache at
// once in this process and, through the bus, in every other one; the TTL bounds
// how long a change could go unseen if that bus message were lost.

/** Bus event type that makes every process forget cached principals. */
export const AUTH_CHANGED_EVENT = 'auth.changed';

export interface TokenCache {
  get(tokenHash: string): Principal | null | undefined;
  set(tokenHash: string, principal: Principal | null): void;
  /** Forget everything here and tell the other processes to do the same. */
  invalidate(): void;
  close(): void;
}

export function createTokenCache(opts: { bus: Bus; ttlMs?: number; maxEntries?: number; now?: () => number }): TokenCache {
  const ttlMs = opts.ttlMs ?? 10_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { principal: Principal | null; until: number }>();
  const unsubscribe = opts.bus.subscribe((e) => {
    if (e.type === AUTH_CHANGED_EVENT) entries.clear();
  });
  return {
    get(tokenHash) {
      const e = entries.get(tokenHash);
      if (!e) return undefined;
      if (e.until <= now()) {
        entries.delete(tokenHash);
        return undefined;
      }
      return e.principal;
    },
    set(tokenHash, principal) {
      // Unknown tokens are cached too (as null) so guessing cannot hammer the
      // database; the map is bounded so it cannot be grown without limit either.
      if (entries.size >= maxEntries) entries.clear();
      entries.set(tokenHash, { principal, until: now() + ttlMs });
    },
    invalidate() {
      entries.clear();
      opts.bus.publish({ seq: null, type: AUTH_CHANGED_EVENT, callId: null, payload: {} });
    },
    close: unsubscribe,
  };
}
