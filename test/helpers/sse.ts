// A minimal Server-Sent Events client over fetch, for tests: collects events and
// lets a test wait for one that matches.

export interface SseEvent {
  id: string | null;
  event: string;
  data: any;
}

export interface SseClient {
  events: SseEvent[];
  /** What a browser's EventSource would send as Last-Event-ID on reconnect (id-only blocks count). */
  readonly lastEventId: string | null;
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
  status: number;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  const events: SseEvent[] = [];
  let lastEventId: string | null = null;
  const waiters: { pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  if (res.ok && res.body) {
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true });
          let idx: number;
          while ((idx = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, idx);
            buf = buf.slice(idx + 2);
            const id = /^id: ?(.*)$/m.exec(block)?.[1];
            if (id !== undefined) lastEventId = id;
            const ev = parseBlock(block);
            if (!ev) continue;
            events.push(ev);
            for (const w of [...waiters]) if (w.pred(ev)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(ev); }
          }
        }
      } catch {
        /* aborted */
      }
    })();
  }
  return {
    events,
    get lastEventId() {
      return lastEventId;
    },
    status: res.status,
    waitFor(pred, timeoutMs = 5000) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (e: SseEvent) => { clearTimeout(t); resolve(e); } };
        const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`no matching SSE event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(',')}`)); }, timeoutMs);
        waiters.push(w);
      });
    },
    close: () => ac.abort(),
  };
}

function parseBlock(block: string): SseEvent | null {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  const raw = data.join('\n');
  let parsed: unknown = raw;
  try { parsed = JSON.parse(raw); } catch { /* keep text */ }
  return { id, event, data: parsed };
}
