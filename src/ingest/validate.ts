import { badRequest } from '../core/errors.js';
import { SPEAKERS } from '../core/types.js';
import type { CallStart, UtteranceIn } from './sink.js';

// Checks shared by every transport (HTTP, WebSocket, audio sources). The HTTP
// schemas reject most bad shapes earlier; these guard the programmatic paths and
// the rules a JSON schema cannot express.

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
export const MAX_CALL_MS = 24 * 3600 * 1000;

export function checkId(kind: string, id: unknown): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw badRequest('invalid_id', `${kind} must be 1–128 characters of letters, digits and . _ : @ -, starting with a letter or digit`, { field: kind });
  }
  return id;
}

export function checkUtterance(u: UtteranceIn, maxChars: number): void {
  checkId('callId', u.callId);
  checkId('id', u.id);
  if (!SPEAKERS.includes(u.speaker)) throw badRequest('invalid_speaker', "speaker must be 'customer' or 'agent'", { field: 'speaker' });
  for (const f of ['startMs', 'endMs'] as const) {
    const v = u[f];
    if (!Number.isInteger(v) || v < 0 || v > MAX_CALL_MS) {
      throw badRequest('invalid_time', `${f} must be an integer number of milliseconds between 0 and ${MAX_CALL_MS}`, { field: f });
    }
  }
  if (u.endMs < u.startMs) throw badRequest('invalid_time', 'endMs must not be before startMs', { field: 'endMs' });
  if (typeof u.text !== 'string') throw badRequest('invalid_text', 'text must be a string', { field: 'text' });
  if (u.text.length > maxChars) {
    throw badRequest('text_too_long', `text is ${u.text.length} characters; the limit is ${maxChars}`, { field: 'text', limit: maxChars });
  }
  if (/\uFFFD/.test(u.text) || hasLoneSurrogate(u.text)) {
    throw badRequest('invalid_text', 'text is not valid Unicode (replacement character or lone surrogate)', { field: 'text' });
  }
  if (typeof u.final !== 'boolean') throw badRequest('invalid_final', 'final must be true or false', { field: 'final' });
}

export function checkCallStart(c: CallStart): void {
  if (c.id !== undefined) checkId('id', c.id);
  for (const f of ['customerId', 'agentId'] as const) {
    const v = c[f];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 128)) {
      throw badRequest('invalid_field', `${f} must be a string of at most 128 characters`, { field: f });
    }
  }
  if (c.startedAt !== undefined && Number.isNaN(Date.parse(c.startedAt))) {
    throw badRequest('invalid_time', 'startedAt must be an ISO 8601 date-time', { field: 'startedAt' });
  }
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}
