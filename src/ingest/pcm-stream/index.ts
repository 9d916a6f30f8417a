// Fastify plugin: a plain audio WebSocket for platforms without AudioHook
// (Asterisk/FreeSWITCH bridges, SIPREC gateways, recorders that stream).
//
//   Authorization: Bearer <Radar API token>      (401 at the upgrade otherwise)
//   → {"type":"start","callId":"…","encoding":"pcmu"|"pcma"|"l16","sampleRate":8000,
//      "channels":2,"customerChannel":0, "byteOrder"?:"le"|"be", "speaker"?:"customer"|"agent",
//      "customerId"?, "agentId"?, "startedAt"?, "metadata"?}
//   ← {"type":"started","callId":"…"}
//   → binary frames: interleaved samples in that format (any size ≤ maxFrameBytes)
//   → {"type":"gap","ms":1200}   (optional: call time with no audio)
//   → {"type":"stop"}            ← {"type":"stopped","callId":"…"}, then the server closes
//   ← {"type":"error","code":"…","message":"…"} then close (1008 policy / 1003 data / 1011 server)
// Stereo: customerChannel is the customer, the other channel the agent. Mono:
// the one channel is `speaker` (default customer). A dropped socket ends the call
// with what was received.

import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { CallAudio, type StreamFormat } from '../../audio/call.js';
import type { AudioEventHandler } from '../../audio/events.js';
import type { PendingStore } from '../../audio/pending.js';
import type { SttEngine } from '../../audio/stt/engine.js';
import type { GateOptions, VadPool } from '../../audio/vad.js';
import type { Speaker } from '../../core/types.js';
import { pendingFor } from '../audiohook/index.js';
import type { IngestSink } from '../sink.js';

export interface PcmStreamRouteOptions {
  sink: IngestSink;
  authenticate: (token: string) => Promise<boolean>;
  stt: SttEngine;
  path?: string;
  pending?: PendingStore | null;
  /** Largest binary frame, bytes (default 64 KiB). */
  maxFrameBytes?: number;
  pool?: VadPool;
  gate?: GateOptions;
  onEvent?: AudioEventHandler;
}

export interface StartMessage {
  callId: string;
  format: StreamFormat;
  speakers: Speaker[];
  customerId: string | null;
  agentId: string | null;
  startedAt?: string;
  metadata: Record<string, unknown>;
}

export class StreamError extends Error {
  constructor(readonly code: string, message: string, readonly closeCode = 1008) {
    super(message);
  }
}

const RATES = new Set([8000, 16000, 22050, 24000, 32000, 44100, 48000]);

/** Validates the start message into plain data; throws StreamError. */
export function parseStart(text: string): StartMessage {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text);
  } catch {
    throw new StreamError('bad_json', 'start message is not valid JSON', 1003);
  }
  if (typeof m !== 'object' || m === null || (m.type !== undefined && m.type !== 'start')) throw new StreamError('bad_start', 'first message must be {"type":"start",…}');
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const callId = str(m.callId);
  if (!callId || callId.length > 200) throw new StreamError('bad_start', 'callId (1–200 characters) is required');
  const encoding = m.encoding;
  if (encoding !== 'pcmu' && encoding !== 'pcma' && encoding !== 'l16') throw new StreamError('bad_media', 'encoding must be pcmu, pcma or l16');
  const sampleRate = m.sampleRate;
  if (typeof sampleRate !== 'number' || !RATES.has(sampleRate)) throw new StreamError('bad_media', `sampleRate must be one of ${[...RATES].join(', ')}`);
  const channels = m.channels ?? 1;
  if (channels !== 1 && channels !== 2) throw new StreamError('bad_media', 'channels must be 1 or 2');
  const byteOrder = m.byteOrder ?? 'le';
  if (byteOrder !== 'le' && byteOrder !== 'be') throw new StreamError('bad_media', 'byteOrder must be le or be');
  let speakers: Speaker[];
  if (channels === 2) {
    const cc = m.customerChannel ?? 0;
    if (cc !== 0 && cc !== 1) throw new StreamError('bad_media', 'customerChannel must be 0 or 1');
    speakers = cc === 0 ? ['customer', 'agent'] : ['agent', 'customer'];
  } else {
    const sp = m.speaker ?? 'customer';
    if (sp !== 'customer' && sp !== 'agent') throw new StreamError('bad_media', 'speaker must be customer or agent');
    speakers = [sp];
  }
  return {
    callId,
    format: { encoding, sampleRate, channels, byteOrder },
    speakers,
    customerId: str(m.customerId),
    agentId: str(m.agentId),
    startedAt: str(m.startedAt) ?? undefined,
    metadata: typeof m.metadata === 'object' && m.metadata !== null && !Array.isArray(m.metadata) ? (m.metadata as Record<string, unknown>) : {},
  };
}

function bearer(auth: unknown): string | null {
  if (typeof auth !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
  return m ? m[1] : null;
}

export async function pcmStreamRoutes(app: FastifyInstance, o: PcmStreamRouteOptions): Promise<void> {
  const maxFrame = o.maxFrameBytes ?? 65_536;
  const onEvent: AudioEventHandler = o.onEvent ?? ((e) => (e.type === 'segment' ? undefined : app.log.info({ audio: e }, `audio ${e.type}`)));
  const pending = o.pending === undefined && o.stt.transcribes ? pendingFor(app, o.stt, o.sink, onEvent) : (o.pending ?? null);
  const live = new Set<Promise<void>>();

  app.get(
    o.path ?? '/api/audio/stream',
    {
      websocket: true,
      preValidation: async (req, reply) => {
        const token = bearer(req.headers.authorization);
        if (!token || !(await o.authenticate(token).catch(() => false))) {
          return reply.code(401).send({ error: { code: 'unauthorized', message: 'missing or unknown bearer token' } });
        }
      },
    },
    (socket: WebSocket) => {
      let call: CallAudio | null = null;
      let starting = false;
      const send = (m: object) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
      const fail = (e: StreamError) => {
        send({ type: 'error', code: e.code, message: e.message });
        socket.close(e.closeCode, e.code);
      };
      const finish = () => {
        const c = call;
        call = null;
        if (!c) return;
        const done = c.end().catch((err) => app.log.warn({ err: (err as Error).message }, 'pcm stream: ending call failed'));
        live.add(done);
        void done.finally(() => live.delete(done));
        return done;
      };

      const onText = async (text: string) => {
        if (!call && !starting) {
          starting = true;
          const s = parseStart(text);
          const started = await o.sink.startCall({ id: s.callId, customerId: s.customerId, agentId: s.agentId, startedAt: s.startedAt, source: 'pcm-ws', metadata: { ...s.metadata, pcmStream: { ...s.format, speakers: s.speakers } } });
          if (socket.readyState !== socket.OPEN) return;
          call = new CallAudio({
            callId: started.id,
            idPrefix: started.created ? started.id : `${started.id}~${Date.now().toString(36)}`,
            format: s.format,
            speakers: s.speakers,
            sink: o.sink,
            stt: o.stt,
            pending,
            pool: o.pool,
            gate: o.gate,
            onEvent,
            onSinkError: (err) => app.log.warn({ callId: started.id, err: err.message }, 'sink rejected audio result'),
          });
          send({ type: 'started', callId: started.id });
          return;
        }
        let m: { type?: unknown; ms?: unknown };
        try {
          m = JSON.parse(text);
        } catch {
          throw new StreamError('bad_json', 'message is not valid JSON', 1003);
        }
        if (typeof m !== 'object' || m === null) throw new StreamError('bad_message', 'a control message must be a JSON object');
        if (!call) throw new StreamError('not_started', 'wait for {"type":"started"} before sending more');
        if (m.type === 'gap' && typeof m.ms === 'number' && m.ms >= 0 && m.ms <= 3_600_000) return call.gap(m.ms);
        if (m.type === 'stop') {
          const id = call.o.callId;
          void finish();
          send({ type: 'stopped', callId: id });
          socket.close(1000, 'stopped');
          return;
        }
        // JSON.stringify, not String(): an object with a "toString" key would make String() throw.
        throw new StreamError('bad_message', `unknown message type ${JSON.stringify(m.type)?.slice(0, 40) ?? '(none)'}`);
      };

      socket.on('message', (data, isBinary) => {
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (!isBinary) {
          onText(buf.toString('utf8')).catch((err) => fail(err instanceof StreamError ? err : new StreamError('server_error', (err as Error).message, 1011)));
          return;
        }
        if (buf.length > maxFrame) return fail(new StreamError('frame_too_large', `binary frame of ${buf.length} bytes exceeds ${maxFrame}`, 1009));
        if (!call) return fail(new StreamError('not_started', 'audio before the start message was accepted'));
        call.write(buf);
      });
      socket.on('close', () => void finish());
      socket.on('error', (err) => app.log.warn({ err: err.message }, 'pcm stream socket error'));
    },
  );

  app.addHook('onClose', async () => {
    await Promise.all([...live]);
  });
}
