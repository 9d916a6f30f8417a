import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../../src/bus/local-bus.js';
import { createTokenCache } from '../../src/api/auth/token-cache.js';
import { permissionsFor } from '../../src/api/auth/rbac.js';
import type { Principal } from '../../src/api/auth/principal.js';

const principal = (tokenId: string): Principal => ({
  via: 'token', userId: 'u1', username: 'connector', role: 'admin', permissions: permissionsFor('admin', ['ingest:write']), mustChangePassword: false, tokenId,
});

describe('API token cache', () => {
  it('keeps a resolved token for the TTL only', () => {
    let t = 1_000;
    const cache = createTokenCache({ bus: createLocalBus(), ttlMs: 500, now: () => t });
    expect(cache.get('h1')).toBeUndefined();
    cache.set('h1', principal('t1'));
    expect(cache.get('h1')?.tokenId).toBe('t1');
    t += 499;
    expect(cache.get('h1')?.tokenId).toBe('t1');
    t += 1;
    expect(cache.get('h1')).toBeUndefined();
  });

  it('remembers unknown tokens as null (not undefined), so guesses are not looked up again', () => {
    const cache = createTokenCache({ bus: createLocalBus() });
    cache.set('nope', null);
    expect(cache.get('nope')).toBeNull();
  });

  it('invalidation in one process clears the cache of every process on the bus', () => {
    const bus = createLocalBus();
    const a = createTokenCache({ bus });
    const b = createTokenCache({ bus });
    a.set('h1', principal('t1'));
    b.set('h1', principal('t1'));
    a.invalidate();
    expect(a.get('h1')).toBeUndefined();
    expect(b.get('h1')).toBeUndefined();
    b.close();
    a.set('h2', principal('t2'));
    b.set('h2', principal('t2'));
    a.invalidate();
    // A closed cache no longer listens.
    expect(b.get('h2')?.tokenId).toBe('t2');
  });

  it('stays bounded when flooded with distinct tokens', () => {
    const cache = createTokenCache({ bus: createLocalBus(), maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) cache.set(`h${i}`, null);
    let kept = 0;
    for (let i = 0; i < 1_000; i++) if (cache.get(`h${i}`) !== undefined) kept++;
    expect(kept).toBeLessThanOrEqual(100);
    expect(cache.get('h999')).toBeNull();
  });
});
