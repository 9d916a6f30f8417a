import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { DeliveryConfig } from '../../src/delivery/index.js';

// Test doubles for the systems delivery talks to, all on 127.0.0.1: an HTTP
// receiver (webhook, Slack, Teams shapes) whose answers a test scripts, and a
// tiny SMTP server standing in for the site's mail relay.

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status this receiver answered. */
  answered: number;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Decides the status for each request (default 200). */
  respond: (req: { path: string; headers: http.IncomingHttpHeaders; body: string; index: number }) => number;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: HttpReceiver = {
    url: '',
    requests,
    respond: () => 200,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const status = receiver.respond({ path, headers: req.headers, body, index: requests.length });
      requests.push({ path, headers: req.headers, body, answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** Receivers started by a test file, closed together at its end. */
export function receiverPool(): { start(): Promise<HttpReceiver>; closeAll(): Promise<void> } {
  const started: HttpReceiver[] = [];
  return {
    async start() {
      const r = await startHttpReceiver();
      started.push(r);
      return r;
    },
    async closeAll() {
      for (const r of started.splice(0)) await r.close();
    },
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  auth: string | null;
}

export interface SmtpDouble {
  url: string;
  port: number;
  mails: ReceivedMail[];
  /** Recipients answered with 550 (mailbox unavailable). */
  reject: Set<string>;
  close(): Promise<void>;
}

/** Speaks just enough SMTP for one client at a time: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT. */
export async function startSmtpDouble(): Promise<SmtpDouble> {
  const mails: ReceivedMail[] = [];
  const reject = new Set<string>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let current: ReceivedMail = { from: '', to: [], data: '', auth: null };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 smtp-double.test ESMTP ready');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buf.slice(0, end).replace(/^\.\./gm, '.');
          buf = buf.slice(end + 5);
          inData = false;
          mails.push(current);
          current = { from: '', to: [], data: '', auth: current.auth };
          reply('250 2.0.0 queued');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') { reply('250-smtp-double.test'); reply('250-AUTH PLAIN'); reply('250 8BITMIME'); }
        else if (verb === 'AUTH') { current.auth = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8'); reply('235 2.7.0 ok'); }
        else if (verb === 'MAIL') { current.from = line.match(/<([^>]*)>/)?.[1] ?? ''; reply('250 ok'); }
        else if (verb === 'RCPT') {
          const to = line.match(/<([^>]*)>/)?.[1] ?? '';
          if (reject.has(to)) { reply('550 5.1.1 mailbox unavailable'); continue; }
          current.to.push(to);
          reply('250 ok');
        }
        else if (verb === 'DATA') { inData = true; reply('354 end with <CRLF>.<CRLF>'); }
        else if (verb === 'QUIT') { reply('221 bye'); socket.end(); return; }
        else reply('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    reject,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** Headers and decoded text body of a mail as our client writes it (base64 UTF-8). */
export function parseMail(data: string): { headers: Record<string, string>; text: string } {
  const split = data.indexOf('\r\n\r\n');
  const rawHeaders = data.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of rawHeaders.split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  const text = Buffer.from(data.slice(split + 4).replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, text };
}

// Whitespace between two encoded words is folding, not text (RFC 2047).
const decodeWords = (s: string) =>
  s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitUntil<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const PUBLIC_URL = 'https://radar.site.test';

/**
 * Worker settings for tests: fast polling and millisecond backoff. The circuit
 * breaker is off here (tests of retries and dead letters need every attempt);
 * test/api/delivery-operations.test.ts turns it on.
 */
export const fastDelivery = (smtpUrl: string | null): Partial<DeliveryConfig> => ({
  pollMs: 20, gapGraceMs: 2_000, timeoutMs: 3_000, leaseMs: 10_000, statsMs: 200,
  retry: { baseMs: 10, capMs: 40, maxAttempts: 3 },
  breaker: { failures: 0, cooldownMs: 1_000, cooldownCapMs: 1_000 },
  smtpUrl, mailFrom: '민원 레이더 <radar@site.test>', publicUrl: PUBLIC_URL,
});
