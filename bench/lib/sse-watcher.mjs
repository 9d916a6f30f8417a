// Worker thread for the load benchmark: reads the alert stream and reports when
// each triggering utterance's first alert event arrived, as absolute time
// (timeOrigin + now) so the main thread can compare it with its send times. A
// separate event loop keeps the generator's own work out of the measurement.
import { parentPort, workerData } from 'node:worker_threads';

const { url, token } = workerData;
const seen = new Set();
const ac = new AbortController();
parentPort.on('message', (m) => { if (m === 'stop') ac.abort(); });

const res = await fetch(`${url}/api/alerts/stream`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
parentPort.postMessage({ type: 'ready' });
const reader = res.body.getReader();
const dec = new TextDecoder();
let buf = '';
try {
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const at = performance.timeOrigin + performance.now();
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const payload = JSON.parse(data.slice(6));
      if (!payload.trigger) continue;
      const key = `${payload.alert.callId}/${payload.trigger.utteranceId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      parentPort.postMessage({ type: 'alert', key, at });
    }
  }
} catch { /* stopped */ }
parentPort.postMessage({ type: 'done' });
