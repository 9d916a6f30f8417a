import '@fastify/websocket';
import '@fastify/swagger';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { WebSocket } from 'ws';
import { RadarError } from '../core/errors.js';
import type { IngestSink } from './sink.js';

// The transcript API over one WebSocket, for STT systems that stream. Messages
// are JSON text frames; each gets an ack or an error with the client's `ref`.
// Messages of one connection are handled in order; a client that floods past
// MAX_QUEUED unanswered messages is closed (1013) rather than buffered forever.
//
//   → {"type":"call.start","ref":"1","call":{"id":"c1","customerId":"..."}}
//   ← {"type":"ack","ref":"1","id":"c1","created":true}
//   → {"type":"utterance","ref":"2","callId":"c1","id":"u1","speaker":"customer","startMs":0,"endMs":900,"text":"...","final":true}
//   ← {"type":"ack","ref":"2","accepted":true}
//   → {"type":"call.end","ref":"3","callId":"c1"}
//   ← {"type":"ack","ref":"3"}

const MAX_QUEUED = 1000;
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

type Message = Record<string, unknown> & { type?: unknown; ref?: unknown };

export interface TranscriptWsOptions {
  sink: IngestSink;
  preHandler: preHandlerAsyncHookHandler;
  path?: string;
}

export async function transcriptWsRoutes(app: FastifyInstance, opts: TranscriptWsOptions) {
  app.get(opts.path ?? '/api/ingest', {
    websocket: true,
    preHandler: opts.preHandler,
    schema: { tags: ['ingest'], summary: 'Transcript ingest over WebSocket (call.start, utterance, call.end messages)' },
  }, (socket: WebSocket) => {
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        reply(socket, { type: 'error', ref: null, error: { code: 'binary_not_supported', message: 'Send JSON text frames' } });
        return;
      }
      if (++queued > MAX_QUEUED) {
        socket.close(1013, 'too many unanswered messages');
        return;
      }
      const text = data.toString();
      chain = chain.then(async () => {
        try {
          await handle(socket, opts.sink, text);
        } finally {
          queued--;
        }
      });
    });
  });
}

async function handle(socket: WebSocket, sink: IngestSink, text: string): Promise<void> {
  let msg: Message;
  try {
    const parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    msg = parsed;
  } catch {
    reply(socket, { type: 'error', ref: null, error: { code: 'invalid_json', message: 'Each message must be one JSON object' } });
    return;
  }
  const ref = typeof msg.ref === 'string' || typeof msg.ref === 'number' ? msg.ref : null;
  try {
    switch (msg.type) {
      case 'call.start': {
        const call = (msg.call ?? {}) as Record<string, unknown>;
        if (typeof call !== 'object' || Array.isArray(call)) throw new RadarError(400, 'invalid_request', 'call must be an object');
        const res = await sink.startCall({
          id: call.id as string | undefined, customerId: call.customerId as string | undefined, agentId: call.agentId as string | undefined,
          startedAt: call.startedAt as string | undefined, metadata: (call.metadata as Record<string, unknown>) ?? {}, source: 'ws',
        });
        reply(socket, { type: 'ack', ref, ...res });
        return;
      }
      case 'utterance': {
        const res = await sink.addUtterance({
          callId: msg.callId as string, id: msg.id as string, speaker: msg.speaker as 'customer', startMs: msg.startMs as number,
          endMs: msg.endMs as number, text: msg.text as string, final: msg.final as boolean,
        });
        reply(socket, { type: 'ack', ref, ...res });
        return;
      }
      case 'call.end':
        if (typeof msg.callId !== 'string') throw new RadarError(400, 'invalid_request', 'callId is required');
        await sink.endCall(msg.callId);
        reply(socket, { type: 'ack', ref });
        return;
      default:
        throw new RadarError(400, 'unknown_type', "type must be 'call.start', 'utterance' or 'call.end'");
    }
  } catch (err) {
    if (err instanceof RadarError) {
      reply(socket, { type: 'error', ref, status: err.status, ...err.toJSON() });
    } else {
      reply(socket, { type: 'error', ref, status: 500, error: { code: 'internal_error', message: 'Unexpected error; the message was not stored' } });
    }
  }
}

function reply(socket: WebSocket, body: Record<string, unknown>) {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(body));
}
