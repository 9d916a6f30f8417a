// Genesys AudioHook protocol (version 2) message shapes and checks.
// Text frames are JSON messages; binary frames are audio in the negotiated
// format (PCMU, 8 kHz; stereo frames interleave external then internal).
// Every message carries: version "2", id (the session id), type, seq
// (sender's own counter, from 1, +1 per message) and the last seq seen from
// the other side (serverseq in client messages, clientseq in server messages).
// Client messages also carry position: the audio stream position (ISO 8601
// duration) at the time of the message.

export type ClientType = 'open' | 'close' | 'ping' | 'paused' | 'resumed' | 'discarded' | 'update' | 'error' | 'dtmf' | 'playback_started' | 'playback_completed';
export type ServerType = 'opened' | 'closed' | 'pong' | 'pause' | 'resume' | 'disconnect' | 'event' | 'updated';

export const CLIENT_TYPES: ReadonlySet<string> = new Set<ClientType>(['open', 'close', 'ping', 'paused', 'resumed', 'discarded', 'update', 'error', 'dtmf', 'playback_started', 'playback_completed']);

export interface ClientMessage {
  version: '2';
  id: string;
  type: ClientType;
  seq: number;
  serverseq: number;
  position: string;
  parameters: Record<string, unknown>;
}

export interface ServerMessage {
  version: '2';
  id: string;
  type: ServerType;
  seq: number;
  clientseq: number;
  parameters: Record<string, unknown>;
}

export interface MediaOffer {
  type: string;
  format: string;
  channels: string[];
  rate: number;
}

/** The spec's error codes (HTTP-like), used in disconnect info and logs. */
export type AudioHookErrorCode = 400 | 405 | 408 | 409 | 413 | 415 | 429 | 500 | 503;

export class ProtocolError extends Error {
  constructor(readonly code: AudioHookErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and shape-checks a text frame; throws ProtocolError(400/405). */
export function parseClientMessage(text: string): ClientMessage {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    throw new ProtocolError(400, 'message is not valid JSON');
  }
  if (!isObj(m)) throw new ProtocolError(400, 'message is not a JSON object');
  // JSON.stringify, not String(): a parsed object may carry a "toString" key that String() would try to call.
  if (m.version !== '2') throw new ProtocolError(400, `unsupported protocol version ${JSON.stringify(m.version)?.slice(0, 40) ?? 'missing'}`);
  if (typeof m.id !== 'string' || !m.id) throw new ProtocolError(400, 'message id missing');
  if (typeof m.type !== 'string') throw new ProtocolError(400, 'message type missing');
  if (!isInt(m.seq) || m.seq < 1) throw new ProtocolError(400, 'seq must be a positive integer');
  if (!isInt(m.serverseq)) throw new ProtocolError(400, 'serverseq must be a non-negative integer');
  if (typeof m.position !== 'string' || parseDuration(m.position) === null) throw new ProtocolError(400, 'position must be an ISO 8601 duration');
  if (!isObj(m.parameters)) throw new ProtocolError(400, 'parameters must be an object');
  if (!CLIENT_TYPES.has(m.type)) throw new ProtocolError(405, `'${m.type}' is not a client message type`);
  return m as unknown as ClientMessage;
}

/** ISO 8601 duration as used by AudioHook ("PT12.34S", also "PT1M2S") → ms; null when invalid. */
export function parseDuration(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(s);
  if (!m || s === 'PT') return null;
  const [h, min, sec] = [m[1], m[2], m[3]].map((x) => (x ? Number(x) : 0));
  return Math.round(((h * 60 + min) * 60 + sec) * 1000);
}

export function formatDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}S`;
}

export interface SelectedMedia {
  offer: MediaOffer;
  /** Channel index in the binary frame → 'external' | 'internal'. */
  channels: string[];
}

/**
 * Picks what Radar takes from the client's offers: PCMU at 8 kHz, preferring
 * stereo (external = customer, internal = agent), else a mono stream of either
 * side. Throws 415 when nothing fits.
 */
export function selectMedia(offers: unknown): SelectedMedia {
  if (!Array.isArray(offers) || offers.length === 0) throw new ProtocolError(400, 'open.parameters.media must be a non-empty array');
  const valid = offers.filter(
    (o): o is MediaOffer =>
      isObj(o) && o.type === 'audio' && o.format === 'PCMU' && o.rate === 8000 && Array.isArray(o.channels) && o.channels.length >= 1 && o.channels.length <= 2 && o.channels.every((c) => c === 'external' || c === 'internal') && new Set(o.channels).size === o.channels.length,
  );
  const stereo = valid.find((o) => o.channels.length === 2);
  const chosen = stereo ?? valid[0];
  if (!chosen) throw new ProtocolError(415, 'no offered media is supported (need audio PCMU 8000 Hz, channels external/internal)');
  return { offer: chosen, channels: chosen.channels };
}
