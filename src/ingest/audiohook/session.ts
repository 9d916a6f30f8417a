// One AudioHook session: the protocol state machine, independent of the
// WebSocket library so it can be driven directly in tests.
//
//   preparing ──open──► opening ──(call started)──► active ⇄ paused
//        any ──close──► closed          any ──protocol error──► error (disconnect sent)
//
// Errors are signalled the AudioHook way: the server sends `disconnect` with
// reason "error" and an info text that starts with the spec's error code
// (400, 405, 409, 413, 415, 500, …); the client then runs its close
// transaction (`close` → `closed`). A client that vanishes, or stays silent
// past the idle timeout, ends the call just the same: what was said is kept.

import { CallAudio } from '../../audio/call.js';
import type { AudioEventHandler } from '../../audio/events.js';
import type { PendingStore } from '../../audio/pending.js';
import type { SttEngine } from '../../audio/stt/engine.js';
import type { GateOptions, VadPool } from '../../audio/vad.js';
import type { Speaker } from '../../core/types.js';
import type { IngestSink } from '../sink.js';
import { NIL_UUID, ProtocolError, formatDuration, parseClientMessage, parseDuration, selectMedia, type ClientMessage, type ServerType } from './protocol.js';

export interface Transport {
  send(text: string): void;
  /** Graceful WebSocket close. */
  close(code: number, reason: string): void;
}

export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface HandshakeInfo {
  sessionId: string;
  organizationId: string | null;
  correlationId: string | null;
}

export interface AudioHookLimits {
  /** Largest binary frame accepted (413 beyond). Default 32,000 B = 2 s of stereo PCMU. */
  maxFrameBytes: number;
  /** Largest text message (413 beyond). */
  maxTextBytes: number;
  /** No message or audio for this long: the client is considered gone. */
  idleTimeoutMs: number;
  /** After we sent `disconnect` or `closed`, how long the client has to close the socket. */
  closeGraceMs: number;
}

export const DEFAULT_LIMITS: AudioHookLimits = { maxFrameBytes: 32_000, maxTextBytes: 65_536, idleTimeoutMs: 60_000, closeGraceMs: 5_000 };

export interface SessionDeps {
  sink: IngestSink;
  stt: SttEngine;
  pending?: PendingStore | null;
  pool?: VadPool;
  gate?: GateOptions;
  onEvent?: AudioEventHandler;
  log: Log;
  limits: AudioHookLimits;
}

type State = 'preparing' | 'opening' | 'active' | 'paused' | 'closing' | 'closed' | 'error' | 'gone';

const SPEAKER_OF: Record<string, Speaker> = { external: 'customer', internal: 'agent' };

export class AudioHookSession {
  state: State = 'preparing';
  private seq = 0;
  private clientseq = 0;
  private call: CallAudio | null = null;
  private callId: string | null = null;
  private channels = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  /** Resolves when the call's last transcripts reached the sink and endCall ran. */
  finished: Promise<void> = Promise.resolve();

  constructor(private readonly hs: HandshakeInfo, private readonly t: Transport, private readonly d: SessionDeps) {
    this.touch();
  }

  onText(text: string): void {
    this.touch();
    if (this.state === 'closed' || this.state === 'gone') return;
    try {
      if (Buffer.byteLength(text) > this.d.limits.maxTextBytes) throw new ProtocolError(413, `text message larger than ${this.d.limits.maxTextBytes} bytes`);
      const m = parseClientMessage(text);
      if (this.state === 'error' && m.type === 'close') {
        // After we signalled an error the sequence may be what broke; still honour the close.
        this.clientseq = m.seq;
        return this.onClose(m);
      }
      this.checkSequence(m);
      this.dispatch(m);
    } catch (err) {
      this.fail(err);
    }
  }

  onBinary(data: Uint8Array): void {
    this.touch();
    try {
      if (data.length > this.d.limits.maxFrameBytes) throw new ProtocolError(413, `audio frame of ${data.length} bytes exceeds ${this.d.limits.maxFrameBytes}`);
      if (this.state === 'paused' || this.state === 'closing' || this.state === 'error' || this.state === 'closed') return; // late frames after a state change are dropped, not fatal
      if (this.state !== 'active') throw new ProtocolError(409, `audio received in state ${this.state}`);
      if (this.channels === 0) return; // connection probe: no call, nothing to analyse
      if (data.length % this.channels !== 0) throw new ProtocolError(400, `audio frame of ${data.length} bytes is not a whole number of ${this.channels}-channel samples`);
      this.call?.write(data);
    } catch (err) {
      this.fail(err);
    }
  }

  /** The socket is gone (after closed, or the client vanished). */
  onTransportClosed(): void {
    this.clearTimers();
    if (this.state !== 'closed') this.d.log.warn({ sessionId: this.hs.sessionId, callId: this.callId, state: this.state }, 'audiohook client vanished; ending call with what was received');
    this.state = 'gone';
    this.endCall();
  }

  /** Server-initiated pause (the client answers with `paused`). */
  pause(): void {
    if (this.state === 'active') this.send('pause', {});
  }

  resume(): void {
    if (this.state === 'paused') this.send('resume', {});
  }

  private dispatch(m: ClientMessage): void {
    switch (m.type) {
      case 'open':
        return this.onOpen(m);
      case 'close':
        return this.onClose(m);
      case 'ping':
        return this.send('pong', {});
      case 'paused':
        if (this.state === 'active') this.state = 'paused';
        return;
      case 'resumed':
        if (this.state === 'paused') {
          this.state = 'active';
          this.call?.gap(parseDuration(m.parameters.discarded) ?? 0);
        }
        return;
      case 'discarded':
        // Audio the client dropped (e.g. it fell behind): keep our clock on call time.
        this.requireOpen(m);
        this.call?.gap(parseDuration(m.parameters.discarded) ?? 0);
        return;
      case 'update':
        this.requireOpen(m);
        this.d.log.info({ sessionId: this.hs.sessionId, callId: this.callId, language: m.parameters.language }, 'audiohook update');
        return;
      case 'error':
        this.d.log.warn({ sessionId: this.hs.sessionId, callId: this.callId, code: m.parameters.code, message: m.parameters.message }, 'audiohook client reported an error');
        return;
      default:
        // dtmf, playback_*: valid but of no use to Radar.
        return;
    }
  }

  private requireOpen(m: ClientMessage): void {
    if (this.state === 'preparing' || this.state === 'opening') throw new ProtocolError(409, `'${m.type}' before the session is open`);
  }

  private checkSequence(m: ClientMessage): void {
    if (m.id !== this.hs.sessionId) throw new ProtocolError(400, `message id ${m.id} does not match session ${this.hs.sessionId}`);
    if (m.seq !== this.clientseq + 1) throw new ProtocolError(400, `seq ${m.seq} out of order (expected ${this.clientseq + 1})`);
    if (m.serverseq > this.seq) throw new ProtocolError(400, `serverseq ${m.serverseq} is ahead of the server's seq ${this.seq}`);
    this.clientseq = m.seq;
  }

  private onOpen(m: ClientMessage): void {
    if (this.state !== 'preparing') throw new ProtocolError(409, `'open' in state ${this.state}`);
    const p = m.parameters;
    if (typeof p.conversationId !== 'string' || !p.conversationId) throw new ProtocolError(400, 'open.parameters.conversationId missing');
    if (this.hs.organizationId && p.organizationId !== this.hs.organizationId) throw new ProtocolError(400, 'organizationId does not match the Audiohook-Organization-Id header');
    const media = selectMedia(p.media);
    this.state = 'opening';
    if (p.conversationId === NIL_UUID) {
      // Genesys probes a new integration with a nil conversation: answer, record nothing.
      this.opened(media.offer);
      return;
    }
    void this.startCall(m, media.channels).then(
      () => this.opened(media.offer),
      (err) => this.fail(new ProtocolError(500, `could not start the call: ${(err as Error).message}`)),
    );
  }

  private async startCall(m: ClientMessage, channels: string[]): Promise<void> {
    const p = m.parameters;
    const callId = p.conversationId as string;
    const started = await this.d.sink.startCall({
      id: callId,
      source: 'audiohook',
      startedAt: new Date().toISOString(),
      metadata: {
        audiohook: { sessionId: this.hs.sessionId, correlationId: this.hs.correlationId, organizationId: p.organizationId ?? null, participant: p.participant ?? null, language: p.language ?? null, channels },
      },
    });
    if (this.state !== 'opening') return; // the client went away while the sink was busy
    this.callId = started.id;
    this.channels = channels.length;
    this.call = new CallAudio({
      callId: started.id,
      // A second session on an existing call must not reuse the first one's utterance ids.
      idPrefix: started.created ? started.id : `${started.id}~${this.hs.sessionId.slice(0, 8)}`,
      format: { encoding: 'pcmu', sampleRate: 8000, channels: channels.length },
      speakers: channels.map((c) => SPEAKER_OF[c]),
      sink: this.d.sink,
      stt: this.d.stt,
      pending: this.d.pending,
      pool: this.d.pool,
      gate: this.d.gate,
      onEvent: this.d.onEvent,
      onSinkError: (err) => this.d.log.warn({ callId: started.id, err: err.message }, 'sink rejected audio result'),
    });
  }

  private opened(offer: object): void {
    if (this.state !== 'opening') return;
    this.state = 'active';
    this.send('opened', { startPaused: false, media: [offer] });
  }

  private onClose(m: ClientMessage): void {
    if (this.state === 'closed') return;
    this.d.log.info({ sessionId: this.hs.sessionId, callId: this.callId, reason: m.parameters.reason, position: m.position }, 'audiohook close');
    this.state = 'closing';
    // Segments are flushed synchronously; transcripts of the last segments finish in the background.
    this.endCall();
    this.send('closed', {});
    this.state = 'closed';
    this.graceClose(1000, 'closed');
  }

  private endCall(): void {
    const call = this.call;
    this.call = null;
    if (!call) return;
    this.finished = call.end().catch((err) => this.d.log.warn({ callId: this.callId, err: (err as Error).message }, 'ending call failed'));
  }

  private fail(err: unknown): void {
    const e = err instanceof ProtocolError ? err : new ProtocolError(500, (err as Error).message);
    this.d.log.warn({ sessionId: this.hs.sessionId, callId: this.callId, code: e.code, err: e.message }, 'audiohook protocol error');
    if (this.state === 'error' || this.state === 'closed' || this.state === 'gone') return;
    this.send('disconnect', { reason: 'error', info: `${e.code}: ${e.message}` });
    this.state = 'error';
    // The client should now send `close`; if it does not, drop it after the grace period.
    this.graceClose(1011, `error ${e.code}`);
  }

  private send(type: ServerType, parameters: Record<string, unknown>): void {
    if (this.state === 'gone') return;
    this.t.send(JSON.stringify({ version: '2', type, seq: ++this.seq, clientseq: this.clientseq, id: this.hs.sessionId, parameters }));
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.d.log.warn({ sessionId: this.hs.sessionId, callId: this.callId }, `audiohook client silent for ${this.d.limits.idleTimeoutMs} ms`);
      this.t.close(1001, 'idle timeout');
      this.onTransportClosed();
    }, this.d.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private graceClose(code: number, reason: string): void {
    if (this.graceTimer) return;
    this.graceTimer = setTimeout(() => this.t.close(code, reason), this.d.limits.closeGraceMs);
    this.graceTimer.unref();
  }

  private clearTimers(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
  }

  /** Stream position (ms) as Radar counted it; for logs. */
  positionMs(): string {
    return formatDuration(this.call?.positionMs() ?? 0);
  }
}
