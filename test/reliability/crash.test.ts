import { afterAll, describe, expect, it } from 'vitest';
import { storageVariants } from '../helpers/databases.js';
import { call, flakyReceiver, resumingSse, ServerProcess, sleep, untilAcknowledged } from './helpers.js';

// Crash safety: while calls post utterances (with stable ids) and an SSE client
// and a flaky webhook receiver listen, the server process is killed with SIGKILL
// and restarted several times. Afterwards every acknowledged utterance is stored
// exactly once, and every alert event reached both the SSE client and the
// webhook at least once — exactly once after de-duplication by event id.
//
// Size: RADAR_CRASH_CALLS × RADAR_CRASH_UTTERANCES (CI runs the reduced default).

const CALLS = Number(process.env.RADAR_CRASH_CALLS ?? 6);
const UTTERANCES = Number(process.env.RADAR_CRASH_UTTERANCES ?? 40);
const KILLS = Number(process.env.RADAR_CRASH_KILLS ?? 3);

const LINES = [
  '이거 해결 안 되면 금융감독원에 민원 넣을 겁니다.',
  '결제일 변경하려고 전화했어요.',
  '언론사에 제보할 거예요.',
  '포인트 사용처가 궁금합니다.',
  '변호사랑 상의해서 소송하겠습니다.',
  '할부 개월 수를 바꿀 수 있나요?',
];


describe.each(storageVariants)('SIGKILL during load loses nothing ($name)', (variant) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('stores every acknowledged utterance once and delivers every alert at least once', { timeout: 400_000 }, async () => {
    const { env, cleanup } = await variant.setup();
    cleanups.push(cleanup);
    const receiver = await flakyReceiver(0.2);
    cleanups.push(receiver.close);
    const server = new ServerProcess(21000 + Math.floor(Math.random() * 20000), {
      ...env,
      RADAR_DELIVERY_POLL_MS: '100', RADAR_DELIVERY_GAP_GRACE_MS: '1000',
      RADAR_DELIVERY_BACKOFF_BASE_MS: '50', RADAR_DELIVERY_BACKOFF_CAP_MS: '500', RADAR_DELIVERY_LEASE_MS: '3000',
      // A 20 % flaky receiver now and then fails 5 times in a row: the circuit breaker opens; keep its pauses short.
      RADAR_DELIVERY_BREAKER_COOLDOWN_MS: '500', RADAR_DELIVERY_BREAKER_COOLDOWN_CAP_MS: '2000',
    });
    cleanups.push(() => server.kill());
    await server.start();
    const sub = await call(server.url, 'POST', '/api/subscriptions', { name: 'crash-test receiver', kind: 'webhook', target: receiver.url, eventTypes: ['alert.*', 'call.escalated'] });
    expect(sub.status).toBe(201);
    const sse = resumingSse(server.url);

    // Load: each call posts its utterances in order, retrying until acknowledged.
    const acknowledged = new Map<string, Set<string>>();
    let retried = 0;
    const load = Promise.all(Array.from({ length: CALLS }, async (_, c) => {
      const callId = `crash-${c}`;
      await untilAcknowledged(server.url, 'POST', '/api/calls', { id: callId, customerId: `CRASH-${c}` });
      const ids = new Set<string>();
      acknowledged.set(callId, ids);
      for (let i = 0; i < UTTERANCES; i++) {
        const id = `u${i}`;
        const r = await untilAcknowledged(server.url, 'POST', `/api/calls/${callId}/utterances`, {
          id, speaker: 'customer', startMs: i * 4000, endMs: i * 4000 + 3000, text: LINES[(c + i) % LINES.length], final: true,
        });
        if (r.tries > 1) retried++;
        ids.add(id);
        await sleep(20);
      }
    }));

    // Kill the server mid-load, several times, and bring it back on the same storage.
    for (let k = 0; k < KILLS; k++) {
      await sleep(1500);
      await server.kill('SIGKILL');
      await server.start();
    }
    await load;

    // Every acknowledged utterance is stored, once.
    for (const [callId, ids] of acknowledged) {
      const stored = (await call(server.url, 'GET', `/api/calls/${callId}`)).body.utterances.map((u: any) => u.id);
      expect(new Set(stored).size, callId).toBe(stored.length);
      expect(new Set(stored), callId).toEqual(ids);
    }

    // The complete list of alert events, from the log (replay from the start).
    const all = resumingSse(server.url, '0');
    await sleep(3000);
    await all.stop();
    const expected = [...all.seen.keys()].sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(CALLS);

    // Both consumers got every one of them (eventually: the webhook is flaky).
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const missing = expected.filter((seq) => !sse.seen.has(seq) || !receiver.received.has(`evt_${seq}`));
      if (missing.length === 0) break;
      await sleep(500);
    }
    await sse.stop();
    for (const seq of expected) {
      expect(sse.seen.has(seq), `SSE missed event ${seq}`).toBe(true);
      expect(receiver.received.has(`evt_${seq}`), `webhook missed evt_${seq}`).toBe(true);
    }
    // De-duplicated by event id, each event counts once; duplicates may exist before that.
    expect(new Set(expected.map((s) => `evt_${s}`)).size).toBe(expected.length);
    console.log(`[crash ${variant.name}] ${CALLS}×${UTTERANCES} utterances, ${KILLS} SIGKILLs, ${retried} requests retried, ` +
      `${expected.length} alert events; SSE duplicates ${[...sse.seen.values()].filter((n) => n > 1).length}, ` +
      `webhook duplicates ${[...receiver.received.values()].filter((n) => n > 1).length}`);
    await server.kill('SIGTERM');
  });
});
