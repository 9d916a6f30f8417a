// A minimal AudioHook client (what Genesys Cloud does), for tests.

import WebSocket from 'ws';

export interface ServerMsg {
  version: string;
  id: string;
  type: string;
  seq: number;
  clientseq: number;
  parameters: Record<string, any>;
}

export const ORG = 'd7934305-0972-4844-938e-9060eef73d05';

export function openParameters(conversationId: string, media?: unknown[]) {
  return {
    organizationId: ORG,
    conversationId,
    participant: { id: '883efee8-3d6c-4537-b500-6d7ca4b92fa0', ani: '+82-10-0000-0000', aniName: '홍길동', dnis: '+82-2-1588-0000' },
    media: media ?? [
      { type: 'audio', format: 'PCMU', channels: ['external', 'internal'], rate: 8000 },
      { type: 'audio', format: 'PCMU', channels: ['external'], rate: 8000 },
    ],
    language: 'ko-KR',
  };
}

export class AudioHookClient {
  seq = 0;
  serverseq = 0;
  positionMs = 0;
  readonly received: ServerMsg[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket, readonly sessionId: string) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as ServerMsg;
      this.serverseq = m.seq;
      this.received.push(m);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.closed = new Promise((r) => ws.on('close', (code) => r(code)));
  }

  static connect(url: string, headers: Record<string, string>, sessionId: string): Promise<AudioHookClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new AudioHookClient(ws, sessionId)));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(type: string, parameters: Record<string, unknown> = {}, override: Record<string, unknown> = {}): void {
    this.ws.send(JSON.stringify({ version: '2', id: this.sessionId, type, seq: ++this.seq, serverseq: this.serverseq, position: `PT${this.positionMs / 1000}S`, parameters, ...override }));
  }

  audio(bytes: Uint8Array, channels = 2): void {
    this.ws.send(bytes);
    this.positionMs += (bytes.length / channels / 8000) * 1000;
  }

  /** Waits for the next server message of a type (already received ones count). */
  async next(type: string, timeoutMs = 5000): Promise<ServerMsg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((m) => m.type === type);
      if (i >= 0) return this.received.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no '${type}' within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((m) => m.type))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}
