// Fastify plugin: the Genesys AudioHook WebSocket endpoint.
//
//   await app.register(websocket)            // the app does this once
//   await audioHookRoutes(app, { sink, authenticate, stt })
//
// Handshake (HTTP upgrade request) checks, per the AudioHook spec:
//   X-API-KEY                 → authenticate(apiKey); missing/unknown → 401
//   Audiohook-Session-Id      → required (400); every message's id must match
//   Audiohook-Organization-Id → when present, open.organizationId must match
//   Audiohook-Correlation-Id  → kept in the call's metadata
// Not implemented: HTTP message signatures (Signature / Signature-Input with
// the integration's client secret); put Radar behind TLS and use the API key.

import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { loadConfig } from '../../core/config.js';
import type { AudioEventHandler } from '../../audio/events.js';
import { PendingStore } from '../../audio/pending.js';
import type { SttEngine } from '../../audio/stt/engine.js';
import type { GateOptions, VadPool } from '../../audio/vad.js';
import type { IngestSink } from '../sink.js';
import { AudioHookSession, DEFAULT_LIMITS, type AudioHookLimits, type Log } from './session.js';

export { AudioHookSession, DEFAULT_LIMITS, type AudioHookLimits } from './session.js';
export { ProtocolError, parseDuration, formatDuration, selectMedia, type ClientMessage, type ServerMessage } from './protocol.js';

export interface AudioHookRouteOptions {
  sink: IngestSink;
  authenticate: (apiKey: string) => Promise<boolean>;
  stt: SttEngine;
  path?: string;
  /** Failed segments; default: RADAR_DATA_DIR/audio-pending, retried every 5 s while the app runs. */
  pending?: PendingStore | null;
  limits?: Partial<AudioHookLimits>;
  pool?: VadPool;
  gate?: GateOptions;
  onEvent?: AudioEventHandler;
}

const header = (req: FastifyRequest, name: string): string | null => {
  const v = req.headers[name];
  return typeof v === 'string' && v.trim() ? v.trim() : null;
};

/** Pending store shared by the audio routes of one app, started and stopped with it. */
export function pendingFor(app: FastifyInstance, stt: SttEngine, sink: IngestSink, onEvent?: AudioEventHandler): PendingStore {
  const store = new PendingStore({ dir: path.join(loadConfig().dataDir, 'audio-pending'), stt, sink, onEvent });
  app.addHook('onReady', async () => store.start());
  app.addHook('onClose', async () => store.stop());
  return store;
}

export async function audioHookRoutes(app: FastifyInstance, o: AudioHookRouteOptions): Promise<void> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const log: Log = app.log;
  const onEvent: AudioEventHandler = o.onEvent ?? ((e) => (e.type === 'segment' ? undefined : app.log.info({ audio: e }, `audio ${e.type}`)));
  const pending = o.pending === undefined && o.stt.transcribes ? pendingFor(app, o.stt, o.sink, onEvent) : (o.pending ?? null);
  const sessions = new Set<AudioHookSession>();

  app.get(
    o.path ?? '/api/audiohook',
    {
      websocket: true,
      preValidation: async (req, reply) => {
        const apiKey = header(req, 'x-api-key');
        if (!apiKey || !(await o.authenticate(apiKey).catch(() => false))) {
          return reply.code(401).send({ error: { code: 'unauthorized', message: 'missing or unknown X-API-KEY' } });
        }
        if (!header(req, 'audiohook-session-id')) {
          return reply.code(400).send({ error: { code: 'bad_request', message: 'Audiohook-Session-Id header is required' } });
        }
      },
    },
    (socket: WebSocket, req) => {
      const session = new AudioHookSession(
        { sessionId: header(req, 'audiohook-session-id')!, organizationId: header(req, 'audiohook-organization-id'), correlationId: header(req, 'audiohook-correlation-id') },
        { send: (text) => socket.readyState === socket.OPEN && socket.send(text), close: (code, reason) => socket.close(code, reason) },
        { sink: o.sink, stt: o.stt, pending, pool: o.pool, gate: o.gate, onEvent, log, limits },
      );
      sessions.add(session);
      socket.on('message', (data, isBinary) => {
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (isBinary) session.onBinary(buf);
        else session.onText(buf.toString('utf8'));
      });
      socket.on('close', () => {
        session.onTransportClosed();
        void session.finished.finally(() => sessions.delete(session));
      });
      socket.on('error', (err) => log.warn({ err: err.message }, 'audiohook socket error'));
    },
  );

  // Let in-flight transcripts reach the sink before the app closes.
  app.addHook('onClose', async () => {
    await Promise.all([...sessions].map((s) => s.finished));
  });
}
