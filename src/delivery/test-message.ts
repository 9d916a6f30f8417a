import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.js';
import * as circuits from '../store/circuits.js';
import type { DeliveryConfig } from './config.js';
import { testEvent } from './messages.js';
import { sendEvent, type SendTarget } from './senders.js';

// "Send a test message": a clearly marked `test` event handed straight to a
// subscription's real sender (signed webhook, Slack, Teams, SMTP) and the
// outcome returned. It never touches the outbox, deliveries or dead letters, so
// it can be used on a disabled subscription before switching it on. A success
// proves the receiver works again and closes an open circuit; a failure leaves
// the breaker alone (the admin is looking at it).

export interface TestMessageResult {
  delivered: boolean;
  /** HTTP status, or the SMTP reply code. */
  status: number | null;
  error: string | null;
  durationMs: number;
  /** The id the receiver saw (`evt_test_…`, never an outbox seq). */
  eventId: string;
  /** The subscription's circuit was open or half-open and this success closed it. */
  circuitClosed: boolean;
}

export async function sendTestMessage(
  db: Db,
  config: Pick<DeliveryConfig, 'timeoutMs' | 'smtpUrl' | 'mailFrom' | 'publicUrl'>,
  sub: SendTarget & { name: string },
  requestedBy: string,
): Promise<TestMessageResult> {
  const event = testEvent({ id: `evt_test_${randomBytes(8).toString('hex')}`, subscription: { id: sub.id, name: sub.name }, requestedBy });
  const startedAt = Date.now();
  const outcome = await sendEvent(sub, event, 1, { timeoutMs: config.timeoutMs, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, publicUrl: config.publicUrl });
  const durationMs = Date.now() - startedAt;
  const circuitClosed = outcome.ok ? await db.tx((q) => circuits.recordSuccess(q, sub.id)) : false;
  return { delivered: outcome.ok, status: outcome.status, error: outcome.error, durationMs, eventId: event.id!, circuitClosed };
}
