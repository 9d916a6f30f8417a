// OpenAI-compatible transcription over HTTP: POST {url}/v1/audio/transcriptions
// as multipart/form-data with one WAV per VAD segment. This is what
// whisper.cpp's server, faster-whisper servers, vLLM and hosted vendors speak.
// Timeouts and retries live here (a transient 5xx/429/network error should not
// make a segment "pending"); what still fails goes to the pending store.

import { floatToS16le } from '../codecs.js';
import { buildWav } from '../wav.js';
import { SttError, type SttEngine, type SttRequest } from './engine.js';

export interface HttpSttOptions {
  /** Base URL (…/v1/audio/transcriptions is appended) or the full endpoint URL. */
  url: string;
  model: string;
  apiKey?: string | null;
  language?: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Extra attempts after the first, for retryable failures. */
  retries?: number;
  /** First backoff; doubles each retry, with ±25 % jitter. */
  backoffMs?: number;
  /** Requests in flight at once, across all calls (protects the STT server). */
  concurrency?: number;
}

export function transcriptionsUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/audio\/transcriptions$/.test(trimmed) ? trimmed : `${trimmed}/v1/audio/transcriptions`;
}

/** A plain counting semaphore. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createHttpEngine(o: HttpSttOptions): SttEngine {
  const endpoint = transcriptionsUrl(o.url);
  const timeoutMs = o.timeoutMs ?? 15_000;
  const retries = o.retries ?? 2;
  const backoffMs = o.backoffMs ?? 300;
  const limiter = new Limiter(o.concurrency ?? 4);

  async function attempt(req: SttRequest): Promise<string> {
    const wav = buildWav(floatToS16le(req.samples), { encoding: 'l16', sampleRate: 16000, channels: 1 });
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), `${req.speaker}-${req.index}.wav`);
    form.append('model', o.model);
    form.append('response_format', 'json');
    if (o.language) form.append('language', o.language);
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        body: form,
        headers: o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new SttError(timedOut ? `STT request timed out after ${timeoutMs} ms` : `STT request failed: ${(err as Error).message}`, true);
    }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
      throw new SttError(`STT server answered ${res.status}`, retryable, { status: res.status });
    }
    return parseText(await res.text());
  }

  return {
    name: 'http',
    transcribes: true,
    async transcribe(req) {
      let last: SttError | null = null;
      for (let i = 0; i <= retries; i++) {
        if (i > 0) await sleep(backoffMs * 2 ** (i - 1) * (0.75 + Math.random() * 0.5));
        try {
          return await limiter.run(() => attempt(req));
        } catch (err) {
          last = err instanceof SttError ? err : new SttError(String(err), true);
          if (!last.retryable) break;
        }
      }
      throw last!;
    },
    async close() {},
  };
}

/** JSON {text} (response_format=json/verbose_json) or plain text (response_format=text). */
function parseText(body: string): string {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const j = JSON.parse(trimmed) as { text?: unknown };
    if (typeof j.text === 'string') return j.text.trim();
  } catch {
    // fall through
  }
  throw new SttError('STT server answered without a text field', false);
}
