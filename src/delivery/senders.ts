import { parseRetryAfter } from './backoff.js';
import { idOf, mailContent, slackBody, teamsBody, webhookBody } from './messages.js';
import { signPayload } from './signature.js';
import { sendMail, SmtpError, type MailAttachment } from './smtp.js';
import type { OutboxEvent, SendOutcome, SubscriptionKind } from './types.js';

// The edge: one attempt to hand one event to one receiver. Never throws; every
// failure becomes an outcome the worker records and retries.

export interface SendTarget {
  id: string;
  kind: SubscriptionKind;
  target: string;
  secret: string | null;
}

export interface SendSettings {
  timeoutMs: number;
  smtpUrl: string | null;
  mailFrom: string;
  publicUrl: string | null;
  /** Aborts the attempt (worker stopping); the outcome is then not recorded. */
  signal?: AbortSignal;
  /** Files an e-mail of this event carries (the briefing's PDF); [] for none. Must not throw. */
  attachments?: (event: OutboxEvent) => Promise<MailAttachment[]>;
}

const USER_AGENT = 'MinwonRadar-Delivery/1';

export async function sendEvent(sub: SendTarget, event: OutboxEvent, attempt: number, s: SendSettings): Promise<SendOutcome> {
  try {
    switch (sub.kind) {
      case 'webhook':
        return await postJson(sub.target, webhookBody(event), webhookHeaders(sub, event, attempt), s);
      case 'slack':
        return await postJson(sub.target, slackBody(event, s.publicUrl), {}, s);
      case 'teams':
        return await postJson(sub.target, teamsBody(event, s.publicUrl), {}, s);
      case 'email':
        return await mail(sub, event, s);
    }
  } catch (err) {
    return { ok: false, status: err instanceof SmtpError ? err.code : null, error: describe(err) };
  }
}

function webhookHeaders(sub: SendTarget, event: OutboxEvent, attempt: number): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const body = webhookBody(event);
  return {
    'x-radar-event-id': idOf(event),
    'x-radar-event-type': event.type,
    'x-radar-timestamp': String(timestamp),
    'x-radar-delivery-attempt': String(attempt),
    ...(sub.secret ? { 'x-radar-signature': signPayload(sub.secret, timestamp, body) } : {}),
  };
}

async function postJson(url: string, body: string, headers: Record<string, string>, s: SendSettings): Promise<SendOutcome> {
  const signals = [AbortSignal.timeout(s.timeoutMs), ...(s.signal ? [s.signal] : [])];
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': USER_AGENT, ...headers },
    body,
    // A redirect is a misconfigured target, not a place to send signed data.
    redirect: 'manual',
    signal: AbortSignal.any(signals),
  });
  // Read (a bounded part of) the answer so the connection can be reused, and
  // keep its start as the error for the admin.
  const text = (await res.text().catch(() => '')).slice(0, 500);
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, error: null };
  return {
    ok: false,
    status: res.status,
    error: `HTTP ${res.status}${text ? `: ${text}` : ''}`,
    retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
  };
}

async function mail(sub: SendTarget, event: OutboxEvent, s: SendSettings): Promise<SendOutcome> {
  if (!s.smtpUrl) return { ok: false, status: null, error: 'smtp_not_configured: set RADAR_SMTP_URL' };
  const { subject, text } = mailContent(event, s.publicUrl);
  const to = splitAddresses(sub.target);
  const attachments = s.attachments ? await s.attachments(event) : [];
  const r = await sendMail(
    { url: s.smtpUrl, from: s.mailFrom, timeoutMs: s.timeoutMs },
    // Same Message-ID for every retry of this delivery: mail systems may fold duplicates.
    { to, subject, text, messageId: `<${idOf(event)}.${sub.id}@minwon-radar>`, headers: { 'X-Radar-Event-Id': idOf(event), 'X-Radar-Event-Type': event.type }, attachments },
  );
  return { ok: true, status: r.code, error: null };
}

export const splitAddresses = (target: string): string[] => target.split(/[,;\s]+/).map((a) => a.trim()).filter(Boolean);

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timeout';
  if (e?.name === 'AbortError') return 'aborted';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`.slice(0, 500);
}
