// Chooses the STT engine from configuration.
//   RADAR_STT_ENGINE   sherpa | http | none   (default: none)
//   RADAR_STT_MODEL_DIR                       sherpa: k2-fsa streaming transducer folder
//   RADAR_STT_THREADS                         sherpa: ONNX Runtime threads (default 1)
//   RADAR_STT_URL, RADAR_STT_MODEL, RADAR_STT_API_KEY, RADAR_STT_LANGUAGE (default ko)
//   RADAR_STT_TIMEOUT_MS (15000), RADAR_STT_RETRIES (2), RADAR_STT_CONCURRENCY (4)

import { badRequest } from '../../core/errors.js';
import { noneEngine, type SttEngine } from './engine.js';
import { createHttpEngine } from './http.js';
import { createSherpaEngine } from './sherpa.js';

export * from './engine.js';
export { createHttpEngine, transcriptionsUrl, type HttpSttOptions } from './http.js';
export { createSherpaEngine, findTransducerFiles, type SherpaSttOptions } from './sherpa.js';

export type SttEngineName = SttEngine['name'];

export interface SttConfig {
  engine: SttEngineName;
  modelDir: string | null;
  threads: number;
  url: string | null;
  model: string;
  apiKey: string | null;
  language: string;
  timeoutMs: number;
  retries: number;
  concurrency: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest('config_invalid', `${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

export function loadSttConfig(env: NodeJS.ProcessEnv = process.env): SttConfig {
  const engine = (env.RADAR_STT_ENGINE || 'none') as SttEngineName;
  if (!['sherpa', 'http', 'none'].includes(engine)) throw badRequest('config_invalid', `RADAR_STT_ENGINE must be sherpa, http or none, got '${engine}'`);
  return {
    engine,
    modelDir: env.RADAR_STT_MODEL_DIR || null,
    threads: int(env, 'RADAR_STT_THREADS', 1),
    url: env.RADAR_STT_URL || null,
    model: env.RADAR_STT_MODEL || 'whisper-1',
    apiKey: env.RADAR_STT_API_KEY || null,
    language: env.RADAR_STT_LANGUAGE || 'ko',
    timeoutMs: int(env, 'RADAR_STT_TIMEOUT_MS', 15_000),
    retries: int(env, 'RADAR_STT_RETRIES', 2),
    concurrency: int(env, 'RADAR_STT_CONCURRENCY', 4),
  };
}

export function createSttEngine(c: SttConfig = loadSttConfig()): SttEngine {
  switch (c.engine) {
    case 'none':
      return noneEngine;
    case 'http':
      if (!c.url) throw badRequest('config_invalid', 'RADAR_STT_ENGINE=http needs RADAR_STT_URL');
      return createHttpEngine({ url: c.url, model: c.model, apiKey: c.apiKey, language: c.language, timeoutMs: c.timeoutMs, retries: c.retries, concurrency: c.concurrency });
    case 'sherpa':
      if (!c.modelDir) throw badRequest('config_invalid', 'RADAR_STT_ENGINE=sherpa needs RADAR_STT_MODEL_DIR');
      return createSherpaEngine({ modelDir: c.modelDir, numThreads: c.threads });
  }
}
