import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

describe('security headers and rate limits', () => {
  const fx = useTestServer(testDatabases[0], { RADAR_RATE_LIMIT_PER_MIN: '30', RADAR_LOGIN_RATE_LIMIT_PER_MIN: '3' });

  it('sends hardening headers', async () => {
    const res = await api(fx.server, 'GET', '/healthz', undefined, {});
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('an over-long id in the path gets our error shape (400 invalid_request), not a bare 414', async () => {
    const res = await api(fx.server, 'GET', `/api/cases/${'x'.repeat(300)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('limits sign-in attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await api(fx.server, 'POST', '/api/auth/login', { username: 'nobody', password: 'x' }, { 'content-type': 'application/json' })).status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const limited = await api(fx.server, 'POST', '/api/auth/login', { username: 'nobody', password: 'x' }, { 'content-type': 'application/json' });
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits requests per client, never health checks', async () => {
    let limited = 0;
    for (let i = 0; i < 35; i++) if ((await api(fx.server, 'GET', '/api/alerts')).status === 429) limited++;
    expect(limited).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < 35; i++) expect((await api(fx.server, 'GET', '/healthz', undefined, {})).status).toBe(200);
  });
});
