// Shared test fixtures: the committed Korean call, an in-memory IngestSink
// and an OpenAI-compatible STT test double.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseWav, type WavInfo } from '../../src/audio/wav.js';
import type { CallStart, IngestSink, UtteranceIn } from '../../src/ingest/sink.js';

export interface ManifestUtterance {
  channel: number;
  speaker: 'customer' | 'agent';
  text: string;
  startMs: number;
  endMs: number;
}

export interface Fixture {
  manifest: { file: string; durationMs: number; utterances: ManifestUtterance[] };
  wav: WavInfo;
  path: string;
}

const DIR = path.resolve('test/fixtures/audio');

export function loadCallFixture(): Fixture {
  const manifest = JSON.parse(readFileSync(path.join(DIR, 'call-ko.json'), 'utf8'));
  const file = path.join(DIR, manifest.file);
  return { manifest, wav: parseWav(readFileSync(file)), path: file };
}

/** In-memory IngestSink (test double for the server team's ingest service). */
export class MemorySink implements IngestSink {
  calls = new Map<string, CallStart & { ended: boolean }>();
  utterances: UtteranceIn[] = [];
  private waiters: Array<() => void> = [];

  async startCall(call: CallStart) {
    const id = call.id ?? `call-${this.calls.size + 1}`;
    const created = !this.calls.has(id);
    if (created) this.calls.set(id, { ...call, id, ended: false });
    return { id, created };
  }

  async addUtterance(u: UtteranceIn) {
    this.utterances.push(u);
    return { accepted: true };
  }

  async endCall(callId: string) {
    const c = this.calls.get(callId);
    if (c) c.ended = true;
    this.waiters.splice(0).forEach((w) => w());
  }

  finals(callId?: string) {
    return this.utterances.filter((u) => u.final && (!callId || u.callId === callId));
  }

  /** Resolves once endCall ran for the call. */
  async ended(callId: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.calls.get(callId)?.ended) {
      if (Date.now() > deadline) throw new Error(`call ${callId} did not end within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}

export interface SttDoubleRequest {
  fields: Record<string, string>;
  fileName: string;
  wav: WavInfo;
  authorization: string | undefined;
}

export interface SttDouble {
  url: string;
  requests: SttDoubleRequest[];
  close(): Promise<void>;
}

/**
 * OpenAI-compatible transcription server double: POST /v1/audio/transcriptions.
 * `answer` decides each response from the request (text, or an HTTP status to fail with).
 */
export async function startSttDouble(answer: (r: SttDoubleRequest, n: number) => { text: string } | { status: number } | { delayMs: number; text: string }): Promise<SttDouble> {
  const requests: SttDoubleRequest[] = [];
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
      res.writeHead(404).end();
      return;
    }
    const parsed = await parseMultipart(req);
    requests.push(parsed);
    const a = answer(parsed, requests.length);
    if ('status' in a) {
      res.writeHead(a.status, { 'content-type': 'application/json' }).end('{"error":{"message":"double says no"}}');
      return;
    }
    if ('delayMs' in a) await new Promise((r) => setTimeout(r, a.delayMs));
    if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: a.text }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function parseMultipart(req: IncomingMessage): Promise<SttDoubleRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] ?? '');
  if (!boundary) throw new Error('not multipart');
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string> = {};
  let fileName = '';
  let file: Buffer | null = null;
  let at = body.indexOf(delim);
  while (at >= 0) {
    const next = body.indexOf(delim, at + delim.length);
    if (next < 0) break;
    const part = body.subarray(at + delim.length + 2, next - 2);
    const headEnd = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, headEnd).toString();
    const content = part.subarray(headEnd + 4);
    const name = /name="([^"]+)"/.exec(head)?.[1] ?? '';
    const fn = /filename="([^"]+)"/.exec(head)?.[1];
    if (fn) {
      fileName = fn;
      file = content;
    } else fields[name] = content.toString();
    at = next;
  }
  if (!file) throw new Error('no file part');
  return { fields, fileName, wav: parseWav(file), authorization: req.headers.authorization };
}

/** Known text per segment for the fixture call: the n-th segment of a speaker is the n-th line of that speaker. */
export function fixtureAnswer(f: Fixture) {
  return (r: SttDoubleRequest) => {
    const m = /^(customer|agent)-(\d+)\.wav$/.exec(r.fileName);
    if (!m) return { status: 400 };
    const lines = f.manifest.utterances.filter((u) => u.speaker === m[1]);
    return { text: lines[Number(m[2])]?.text ?? '' };
  };
}
