import type { DemoCall } from './calls.js';

// Replays demo calls into a running server over the public transcript API, at
// real-time pace (or faster), the way a contact centre's STT would push them.

export interface ReplayOptions {
  baseUrl: string;
  token: string;
  /** 1 = real time, 2 = twice as fast, ... */
  speed: number;
  /** Also send a partial transcript before each final. */
  partials: boolean;
  runId: string;
  log: (line: string) => void;
}

export interface ReplayResult {
  key: string;
  callId: string;
  expectAlert: boolean;
  alerts: { category: string; ruleId: string; match: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function post(o: ReplayOptions, path: string, body: unknown): Promise<any> {
  const res = await fetch(o.baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).catch((err) => {
    throw new Error(`cannot reach the server at ${o.baseUrl} (${err.cause?.code ?? err.message}); is it running (npm start)?`);
  });
  const json = (await res.json().catch(() => null)) as any;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${json?.error?.code ?? ''} ${json?.error?.message ?? ''}`.trim());
  return json;
}

async function replayCall(call: DemoCall, o: ReplayOptions): Promise<string> {
  await sleep((call.startsAfter * 1000) / o.speed);
  const callId = `demo-${o.runId}-${call.key}`;
  await post(o, '/api/calls', { id: callId, customerId: call.customerId, agentId: call.agentId, metadata: { demo: true, title: call.title } });
  o.log(`▶ ${call.title}  (${callId})`);
  const t0 = Date.now();
  for (const [i, line] of call.lines.entries()) {
    const base = { id: `${callId}-${i}`, speaker: line.speaker, startMs: Math.round(line.at * 1000) };
    const endMs = base.startMs + Math.round(line.dur * 1000);
    if (o.partials) {
      await sleep(t0 + (base.startMs + (endMs - base.startMs) / 2) / o.speed - Date.now());
      const half = line.text.slice(0, Math.ceil(line.text.length / 2));
      await post(o, `/api/calls/${callId}/utterances`, { ...base, endMs: Math.round((base.startMs + endMs) / 2), text: half, final: false });
    }
    await sleep(t0 + endMs / o.speed - Date.now());
    await post(o, `/api/calls/${callId}/utterances`, { ...base, endMs, text: line.text, final: true });
    o.log(`  ${line.speaker === 'customer' ? '고객  ' : '상담사'} ${(line.at).toFixed(1).padStart(5)}s  ${line.text}`);
  }
  await post(o, `/api/calls/${callId}/end`, {});
  return callId;
}

export async function replayDemo(calls: DemoCall[], o: ReplayOptions): Promise<ReplayResult[]> {
  const ids = await Promise.all(calls.map((c) => replayCall(c, o)));
  const results: ReplayResult[] = [];
  for (const [i, call] of calls.entries()) {
    const res = await fetch(`${o.baseUrl}/api/alerts?callId=${encodeURIComponent(ids[i])}`, { headers: { authorization: `Bearer ${o.token}` } });
    const body = (await res.json()) as { items: { category: string; ruleId: string; match: string }[] };
    results.push({ key: call.key, callId: ids[i], expectAlert: call.expectAlert, alerts: body.items ?? [] });
  }
  return results;
}
