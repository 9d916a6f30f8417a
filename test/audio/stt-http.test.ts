import { afterEach, describe, expect, it } from 'vitest';
import { createHttpEngine, transcriptionsUrl } from '../../src/audio/stt/http.js';
import { createSttEngine, loadSttConfig, SttError } from '../../src/audio/stt/index.js';
import { startSttDouble, type SttDouble } from './helpers.js';

const req = { callId: 'c1', speaker: 'customer' as const, index: 3, startMs: 1000, endMs: 1500, samples: Float32Array.from({ length: 8000 }, (_, i) => 0.1 * Math.sin(i / 7)) };

describe('OpenAI-compatible HTTP STT engine (against a local test double)', () => {
  let double: SttDouble | null = null;
  afterEach(async () => {
    await double?.close();
    double = null;
  });

  it('posts one 16 kHz mono WAV per segment as multipart and returns the text', async () => {
    double = await startSttDouble(() => ({ text: ' 금융감독원에 민원 넣을 겁니다 ' }));
    const stt = createHttpEngine({ url: double.url, model: 'whisper-large-v3', apiKey: 'k-123', language: 'ko' });
    expect(await stt.transcribe(req)).toBe('금융감독원에 민원 넣을 겁니다');
    const r = double.requests[0];
    expect(r.fields).toMatchObject({ model: 'whisper-large-v3', language: 'ko', response_format: 'json' });
    expect(r.fileName).toBe('customer-3.wav');
    expect(r.authorization).toBe('Bearer k-123');
    expect(r.wav).toMatchObject({ encoding: 'l16', sampleRate: 16000, channels: 1 });
    expect(r.wav.data.length).toBe(16000);
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    double = await startSttDouble((_, n) => (n < 3 ? { status: 503 } : { text: '네' }));
    const stt = createHttpEngine({ url: double.url, model: 'm', retries: 2, backoffMs: 5 });
    expect(await stt.transcribe(req)).toBe('네');
    expect(double.requests).toHaveLength(3);
  });

  it('does not retry a 400 and throws a typed error', async () => {
    double = await startSttDouble(() => ({ status: 400 }));
    const stt = createHttpEngine({ url: double.url, model: 'm', retries: 3, backoffMs: 5 });
    await expect(stt.transcribe(req)).rejects.toMatchObject({ name: 'SttError', code: 'stt_failed', retryable: false });
    expect(double.requests).toHaveLength(1);
  });

  it('times out a slow server', async () => {
    double = await startSttDouble(() => ({ delayMs: 1000, text: 'late' }));
    const stt = createHttpEngine({ url: double.url, model: 'm', timeoutMs: 100, retries: 1, backoffMs: 5 });
    const err = await stt.transcribe(req).catch((e) => e);
    expect(err).toBeInstanceOf(SttError);
    expect(err.message).toMatch(/timed out/);
  });

  it('accepts a base URL or the full endpoint', () => {
    expect(transcriptionsUrl('http://h:8080/')).toBe('http://h:8080/v1/audio/transcriptions');
    expect(transcriptionsUrl('http://h/v1/audio/transcriptions')).toBe('http://h/v1/audio/transcriptions');
  });
});

describe('engine selection by configuration', () => {
  it('defaults to none and validates the others', () => {
    expect(createSttEngine(loadSttConfig({})).name).toBe('none');
    expect(createSttEngine(loadSttConfig({ RADAR_STT_ENGINE: 'http', RADAR_STT_URL: 'http://x' })).name).toBe('http');
    expect(() => createSttEngine(loadSttConfig({ RADAR_STT_ENGINE: 'http' }))).toThrow(/RADAR_STT_URL/);
    expect(() => createSttEngine(loadSttConfig({ RADAR_STT_ENGINE: 'sherpa' }))).toThrow(/RADAR_STT_MODEL_DIR/);
    expect(() => loadSttConfig({ RADAR_STT_ENGINE: 'whisper' })).toThrow(/sherpa, http or none/);
  });
});
