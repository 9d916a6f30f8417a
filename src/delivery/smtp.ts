import net from 'node:net';
import tls from 'node:tls';

// A small SMTP client (RFC 5321) on node:net/node:tls: enough to hand a plain
// UTF-8 text mail to the site's mail relay. smtp:// upgrades with STARTTLS when
// the server offers it; smtps:// is TLS from the start. AUTH PLAIN or LOGIN
// when the URL has credentials. Written here rather than pulled in as a package
// because this is all the product sends.

export interface SmtpSettings {
  /** smtp://user:pass@host:587 or smtps://host:465 */
  url: string;
  /** Sender, 'addr@site' or 'Name <addr@site>'. */
  from: string;
  timeoutMs: number;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers?: Record<string, string>;
  /** Files sent along (multipart/mixed); none = a plain text mail. */
  attachments?: MailAttachment[];
}

export class SmtpError extends Error {
  constructor(readonly code: number | null, message: string) {
    super(message);
    this.name = 'SmtpError';
  }
}

interface Reply {
  code: number;
  lines: string[];
}

/** Reads complete (possibly multi-line) replies from a socket that may be swapped for TLS. */
class Session {
  private buf = '';
  private waiting: ((r: Reply) => void) | null = null;
  private failed: Error | null = null;
  private fail: ((e: Error) => void) | null = null;

  constructor(public socket: net.Socket, private timeoutMs: number) {
    this.attach(socket);
  }

  attach(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.setTimeout(this.timeoutMs, () => socket.destroy(new SmtpError(null, `SMTP timeout after ${this.timeoutMs} ms`)));
    socket.on('data', (chunk: string) => { this.buf += chunk; this.deliver(); });
    socket.on('error', (err) => this.abort(err));
    socket.on('close', () => this.abort(new SmtpError(null, 'SMTP connection closed')));
  }

  /** Stops listening to the plain socket before STARTTLS takes it over. */
  detach() {
    this.socket.removeAllListeners('data').removeAllListeners('error').removeAllListeners('close');
    this.socket.setTimeout(0);
    // A late reset must not become an uncaught 'error' event.
    this.socket.on('error', () => {});
  }

  private abort(err: Error) {
    if (this.failed) return;
    this.failed = err;
    this.fail?.(err);
  }

  private deliver() {
    if (!this.waiting) return;
    const reply = takeReply(this);
    if (reply) {
      const w = this.waiting;
      this.waiting = null;
      this.fail = null;
      w(reply);
    }
  }

  takeBuffered(): string { return this.buf; }
  consume(n: number) { this.buf = this.buf.slice(n); }

  read(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.waiting = resolve;
      this.fail = reject;
      this.deliver();
    });
  }

  /** `what` names the command in errors (never the credentials it carries). */
  async send(line: string, expect: number[], what = line.split(' ')[0]!): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return expectReply(await this.read(), expect, what);
  }
}

/** Takes one complete reply off the session's buffer, if there is one. */
function takeReply(s: Session): Reply | null {
  const buf = s.takeBuffered();
  const lines: string[] = [];
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf('\n', pos);
    if (nl < 0) return null;
    const line = buf.slice(pos, nl).replace(/\r$/, '');
    pos = nl + 1;
    lines.push(line.slice(4));
    if (/^\d{3}(?: |$)/.test(line)) {
      s.consume(pos);
      return { code: Number(line.slice(0, 3)), lines };
    }
  }
}

function expectReply(r: Reply, expect: number[], what: string): Reply {
  if (!expect.includes(r.code)) throw new SmtpError(r.code, `SMTP ${what}: ${r.code} ${r.lines.join(' ').slice(0, 300)}`);
  return r;
}

/** The bare address inside 'Name <addr>' (or the string itself). */
export const bareAddress = (s: string): string => (s.match(/<([^>]+)>/)?.[1] ?? s).trim();

/** RFC 2047 encoded-words (UTF-8, base64) for non-ASCII header text, folded. */
export function encodeHeaderText(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  const words: string[] = [];
  let chunk = '';
  for (const ch of s) {
    // 45 bytes → 60 base64 characters: each word stays under 75 characters.
    if (Buffer.byteLength(chunk + ch) > 45) { words.push(chunk); chunk = ''; }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

function encodeAddress(s: string): string {
  const m = s.match(/^\s*(.*?)\s*<([^>]+)>\s*$/);
  if (!m || !m[1]) return bareAddress(s);
  return `${encodeHeaderText(m[1].replace(/^"|"$/g, ''))} <${m[2]}>`;
}

const base64Lines = (b: Buffer) => b.toString('base64').replace(/.{1,76}/g, '$&\r\n');

/** RFC 2231 parameter for a file name that may be Korean, with an ASCII fallback. */
function fileParam(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return /^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name) ? `filename="${name}"` : `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The body after the headers: the text alone, or the text and the files as multipart/mixed. */
function mimeBody(msg: MailMessage, boundary: string): { headers: string[]; body: string } {
  const text = base64Lines(Buffer.from(msg.text.replace(/\r?\n/g, '\r\n'), 'utf8'));
  const textHeaders = ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64'];
  if (!msg.attachments?.length) return { headers: textHeaders, body: text };
  const parts = [
    `${textHeaders.join('\r\n')}\r\n\r\n${text}`,
    ...msg.attachments.map((a) => [
      `Content-Type: ${a.contentType}; name="${a.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; ${fileParam(a.filename)}`,
      '',
      base64Lines(a.data),
    ].join('\r\n')),
  ];
  return {
    headers: [`Content-Type: multipart/mixed; boundary="${boundary}"`],
    body: `${parts.map((p) => `--${boundary}\r\n${p}`).join('')}--${boundary}--\r\n`,
  };
}

/** The message as sent after DATA: headers, base64 UTF-8 body (and files), dot-stuffed. */
export function buildMessage(from: string, msg: MailMessage, date = new Date()): string {
  // Base64 never contains '-', so this boundary cannot occur inside a part.
  const boundary = `----radar-${msg.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`;
  const { headers: mime, body } = mimeBody(msg, boundary);
  const headers = [
    `From: ${encodeAddress(from)}`,
    `To: ${msg.to.join(', ')}`,
    `Subject: ${encodeHeaderText(msg.subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${msg.messageId}`,
    'MIME-Version: 1.0',
    ...mime,
    ...Object.entries(msg.headers ?? {}).map(([k, v]) => `${k}: ${encodeHeaderText(v)}`),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`.replace(/^\./gm, '..');
}

function connect(url: URL, timeoutMs: number): Promise<net.Socket> {
  const secure = url.protocol === 'smtps:';
  const port = Number(url.port || (secure ? 465 : 25));
  return new Promise((resolve, reject) => {
    const socket = secure ? tls.connect({ host: url.hostname, port, servername: url.hostname }) : net.connect({ host: url.hostname, port });
    const timer = setTimeout(() => socket.destroy(new SmtpError(null, `SMTP connect timeout after ${timeoutMs} ms`)), timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => { clearTimeout(timer); socket.removeListener('error', onError); resolve(socket); });
    const onError = (err: Error) => { clearTimeout(timer); reject(err); };
    socket.once('error', onError);
  });
}

function upgrade(socket: net.Socket, host: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: host }, () => resolve(secure));
    secure.once('error', reject);
  });
}

const hasExtension = (ehlo: Reply, name: string) => ehlo.lines.some((l) => l.toUpperCase().split(' ')[0] === name);

/** Sends one mail; resolves with the server's reply to the message, throws SmtpError. */
export async function sendMail(settings: SmtpSettings, msg: MailMessage): Promise<{ code: number; response: string }> {
  const url = new URL(settings.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new SmtpError(null, `Unsupported SMTP URL scheme '${url.protocol}'`);
  const session = new Session(await connect(url, settings.timeoutMs), settings.timeoutMs);
  try {
    expectReply(await session.read(), [220], 'greeting');
    const hello = `EHLO ${heloName()}`;
    let ehlo = await session.send(hello, [250]);
    if (url.protocol === 'smtp:' && hasExtension(ehlo, 'STARTTLS')) {
      await session.send('STARTTLS', [220]);
      session.detach();
      session.attach(await upgrade(session.socket, url.hostname));
      ehlo = await session.send(hello, [250]);
    }
    if (url.username) await authenticate(session, ehlo, decodeURIComponent(url.username), decodeURIComponent(url.password));
    await session.send(`MAIL FROM:<${bareAddress(settings.from)}>`, [250]);
    for (const to of msg.to) await session.send(`RCPT TO:<${bareAddress(to)}>`, [250, 251]);
    await session.send('DATA', [354]);
    const done = await session.send(`${buildMessage(settings.from, msg)}.`, [250], 'message');
    session.socket.write('QUIT\r\n');
    return { code: done.code, response: done.lines.join(' ') };
  } finally {
    session.detach();
    session.socket.end();
    session.socket.destroy();
  }
}

async function authenticate(session: Session, ehlo: Reply, user: string, pass: string) {
  const auth = ehlo.lines.find((l) => l.toUpperCase().startsWith('AUTH'))?.toUpperCase().split(/[ =]/) ?? [];
  if (auth.includes('PLAIN') || !auth.includes('LOGIN')) {
    await session.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`, [235]);
    return;
  }
  await session.send('AUTH LOGIN', [334]);
  await session.send(Buffer.from(user).toString('base64'), [334], 'AUTH LOGIN user');
  await session.send(Buffer.from(pass).toString('base64'), [235], 'AUTH LOGIN password');
}

const heloName = () => (process.env.HOSTNAME && /^[A-Za-z0-9.-]+$/.test(process.env.HOSTNAME) ? process.env.HOSTNAME : 'minwon-radar.localdomain');
