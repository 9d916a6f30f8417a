// IngestSink that posts to a Radar server's HTTP API, for `radar transcribe
// --server`: POST /api/calls → 201 {id}; POST /api/calls/:id/utterances → 202;
// POST /api/calls/:id/end. Transient failures (network, 5xx, 429) are retried.

import { RadarError } from '../core/errors.js';
import type { CallStart, IngestResult, IngestSink, UtteranceIn } from '../ingest/sink.js';

export class HttpApiSink implements IngestSink {
  constructor(private readonly baseUrl: string, private readonly token: string, private readonly retries = 3) {}

  async startCall(call: CallStart): Promise<{ id: string; created: boolean }> {
    const body = { id: call.id, customerId: call.customerId ?? undefined, agentId: call.agentId ?? undefined, startedAt: call.startedAt, metadata: { source: call.source, ...call.metadata } };
    const res = await this.post('/api/calls', body);
    const json = (await res.json().catch(() => ({}))) as { id?: string };
    return { id: json.id ?? call.id!, created: res.status === 201 };
  }

  async addUtterance(u: UtteranceIn): Promise<IngestResult> {
    const res = await this.post(`/api/calls/${encodeURIComponent(u.callId)}/utterances`, { id: u.id, speaker: u.speaker, startMs: u.startMs, endMs: u.endMs, text: u.text, final: u.final });
    return { accepted: res.status === 202 || res.status === 201 };
  }

  async endCall(callId: string): Promise<void> {
    await this.post(`/api/calls/${encodeURIComponent(callId)}/end`, {});
  }

  private async post(p: string, body: unknown): Promise<Response> {
    const url = new URL(p, this.baseUrl).toString();
    for (let attempt = 0; ; attempt++) {
      let res: Response | null = null;
      let error = '';
      try {
        res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
        if (res.ok) return res;
        error = `${res.status} ${await res.text().catch(() => '')}`.slice(0, 300);
      } catch (err) {
        error = (err as Error).message;
      }
      const retryable = !res || res.status >= 500 || res.status === 429;
      if (!retryable || attempt >= this.retries) throw new RadarError(res?.status ?? 503, 'radar_api_failed', `POST ${p} failed: ${error}`);
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}
