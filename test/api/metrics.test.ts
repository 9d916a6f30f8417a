import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases.js';
import { api, useTestServer } from '../helpers/server.js';

describe('Prometheus metrics', () => {
  const fx = useTestServer(testDatabases[0]);

  it('counts utterances, alerts and detection time, behind auth', async () => {
    expect((await api(fx.server, 'GET', '/metrics', undefined, {})).status).toBe(401);
    const { body: { id } } = await api(fx.server, 'POST', '/api/calls', {});
    await api(fx.server, 'POST', `/api/calls/${id}/utterances`, { id: 'm1', speaker: 'customer', startMs: 0, endMs: 1, text: '금감원에 민원 넣을게요', final: true });
    await api(fx.server, 'POST', `/api/calls/${id}/utterances`, { id: 'm1', speaker: 'customer', startMs: 0, endMs: 1, text: '금감원에 민원 넣을게요', final: true });
    const res = await api(fx.server, 'GET', '/metrics');
    expect(res.status).toBe(200);
    const text = res.body as string;
    expect(text).toMatch(/radar_utterances_total\{final="true",outcome="stored"\} 1/);
    expect(text).toMatch(/radar_utterances_total\{final="true",outcome="duplicate"\} 1/);
    expect(text).toMatch(/radar_alerts_total\{category="external_authority",kind="alert.created"\} 1/);
    expect(text).toMatch(/radar_detection_seconds_count 1/);
    expect(text).toMatch(/radar_ingest_batch_size_count 2/);
    expect(text).toMatch(/radar_ingest_queue_depth\{stage="commit"\} 0/);
    expect(text).toMatch(/radar_http_request_seconds_count\{method="POST",route="\/api\/calls\/:id\/utterances",status="202"\} 2/);
  });
});
