import { createHmac, timingSafeEqual } from 'node:crypto';
import { newSecret } from '../core/ids.js';

// Webhook signatures. The receiver recomputes HMAC-SHA256 over
// `${timestamp}.${rawBody}` with the subscription's secret and compares; the
// timestamp inside the signed text lets it refuse old replays.

export const SIGNATURE_VERSION = 'v1';

export const newWebhookSecret = (): string => `whsec_${newSecret(24)}`;

export function signPayload(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

/**
 * What a receiver does (also used by the tests): accepts when one of the
 * header's comma-separated signatures matches and the timestamp is within
 * `toleranceSec` of now.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  timestamp: string | null | undefined,
  body: string,
  opts: { toleranceSec?: number; nowSec?: number } = {},
): boolean {
  if (!header || !timestamp || !/^\d+$/.test(timestamp)) return false;
  const ts = Number(timestamp);
  const nowSec = opts.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowSec - ts) > (opts.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(signPayload(secret, ts, body));
  return header.split(',').some((candidate) => {
    const got = Buffer.from(candidate.trim());
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
