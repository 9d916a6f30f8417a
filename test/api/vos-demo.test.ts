import { describe, expect, it, vi } from 'vitest';
import { seedVosDemo, vosDemoPosts } from '../../src/demo/vos.js';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

// The demo data goes through the real API: the board fills, the topic summary
// shows card delivery rising, and a second run changes nothing.

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(testDatabases)('voice-of-customer demo data ($name)', (tdb) => {
  const s = useTestServer(tdb);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await api(s.server, method, path, body);
    if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('fills the board once, with a rising topic, a hidden post and a case', async () => {
    const first = await seedVosDemo(call);
    expect(first).toEqual({ posts: vosDemoPosts().length, answered: 4, hidden: 1, cases: 1 });
    const list = await call('GET', '/api/vos/posts?limit=500');
    expect(list.total).toBe(first.posts);
    expect(list.counts).toMatchObject({ answered: 4, hidden: 1 });
    expect(list.counts.flagged).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(list.items)).not.toMatch(/010-\d{4}-\d{4}|@example\.com/);
    const summary = await call('GET', '/api/vos/topics/summary');
    expect(summary.rising).toContain('card_delivery');

    const again = await seedVosDemo(call);
    expect(again).toEqual({ posts: first.posts, answered: 0, hidden: 0, cases: 0 });
    expect((await call('GET', '/api/vos/posts?limit=1')).total).toBe(first.posts);
    expect((await call('GET', '/api/cases?limit=50')).total).toBe(1);
  });
});
