import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PendingStore } from '../audio/pending.js';
import { createSttEngine } from '../audio/stt/index.js';
import type { SttEngine } from '../audio/stt/engine.js';
import { defaultVadPool } from '../audio/call.js';
import type { AudioEvent } from '../audio/events.js';
import type { RadarConfig } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { audioHookRoutes } from '../ingest/audiohook/index.js';
import { pcmStreamRoutes } from '../ingest/pcm-stream/index.js';
import type { IngestSink } from '../ingest/sink.js';
import { principalFromToken } from './auth/principal.js';
import type { RadarContext } from './context.js';

// The audio sources (Genesys AudioHook, plain PCM WebSocket) wired into the
// server: one STT engine, one store of segments whose transcription failed (kept
// and retried, never lost), detectors warmed up before the first call.

export interface ServerAudio {
  stt: SttEngine;
  pending: PendingStore | null;
  stop(): Promise<void>;
}

export function startAudio(config: RadarConfig, sink: IngestSink, log: Logger): ServerAudio {
  const stt = createSttEngine(config.stt);
  const onEvent = (e: AudioEvent) => {
    if (e.type !== 'segment') log.info({ audio: e }, `audio ${e.type}`);
  };
  const pending = stt.transcribes
    ? new PendingStore({ dir: path.join(config.dataDir, 'audio-pending'), stt, sink, onEvent })
    : null;
  pending?.start();
  if (config.vadPrewarm > 0) defaultVadPool().prewarm(config.vadPrewarm);
  return {
    stt,
    pending,
    async stop() {
      await pending?.stop();
      await stt.close();
    },
  };
}

export async function audioRoutes(app: FastifyInstance, ctx: RadarContext) {
  // Audio sources authenticate with an API token that may ingest (AudioHook sends
  // it as X-API-KEY, other platforms as a bearer token).
  const authenticate = async (key: string) =>
    (await principalFromToken(ctx.db, key, ctx.config.adminToken))?.permissions.has('ingest:write') ?? false;
  const onEvent = (e: AudioEvent) => {
    if (e.type !== 'segment') ctx.log.info({ audio: e }, `audio ${e.type}`);
  };
  const common = { sink: ctx.pipeline, authenticate, stt: ctx.audio.stt, pending: ctx.audio.pending, onEvent };
  await audioHookRoutes(app, { ...common, path: '/api/audiohook' });
  await pcmStreamRoutes(app, { ...common, path: '/api/audio/stream' });
}
