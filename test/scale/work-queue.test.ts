import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createServerDatabase } from '../helpers/databases.js';
import { call, ServerProcess, sleep } from '../reliability/helpers.js';

// Full scale-out shape: one process only receives (RADAR_QUEUE_READER=0) and
// publishes to the JetStream work queue; two others read its partitions, each a
// fair share, locked in PostgreSQL. A phrase split across two utterances is
// caught, so a call's utterances reach one detector in order. One reader is
// killed with SIGKILL mid-stream: the other takes its partitions, and every
// utterance is stored exactly once with its alerts. Needs DATABASE_URL and
// NATS_URL (CI provides both).

const ready = Boolean(process.env.DATABASE_URL && process.env.NATS_URL);
if (!ready) console.log('[tests] DATABASE_URL and NATS_URL not both set: JetStream ingest-queue scale-out test skipped');

const PARTITIONS = 8;
const CALLS = 12;
const CALM = ['결제일 변경하려고 전화했어요.', '네, 본인 확인 도와드리겠습니다.', '지난달 청구서 금액이 조금 이상해서요.', '확인해 보니 정상 승인된 건으로 보입니다.'];

async function owned(node: ServerProcess): Promise<number[]> {
  const r = await call(node.url, 'GET', '/readyz');
  return r.body?.queue?.partitionsRead ?? [];
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

describe.skipIf(!ready)('ingest through the JetStream work queue, several processes', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('keeps each call on one reader, shares partitions fairly, survives a killed reader without loss or duplicates', { timeout: 240_000 }, async () => {
    const db = await createServerDatabase(process.env.DATABASE_URL!);
    cleanups.push(db.drop);
    const stream = `TEST_INGEST_${Date.now().toString(36)}`;
    cleanups.push(async () => {
      const nc = await connect({ servers: process.env.NATS_URL! });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
      await nc.close();
    });
    const env = {
      DATABASE_URL: db.url, NATS_URL: process.env.NATS_URL!, RADAR_INGEST_QUEUE: 'jetstream',
      RADAR_QUEUE_STREAM: stream, RADAR_QUEUE_PARTITIONS: String(PARTITIONS),
    };
    const base = 30000 + Math.floor(Math.random() * 20000);
    const front = new ServerProcess(base, { ...env, RADAR_QUEUE_READER: '0' });
    const readers = [1, 2].map((i) => new ServerProcess(base + i, env));
    for (const n of [front, ...readers]) {
      cleanups.push(() => n.kill('SIGTERM'));
      await n.start();
    }

    // Two readers: four partitions each, none read twice, the front reads none.
    await until('the readers share the partitions', async () => {
      const [a, b] = await Promise.all(readers.map(owned));
      return a.length === PARTITIONS / 2 && b.length === PARTITIONS / 2 && new Set([...a, ...b]).size === PARTITIONS;
    });
    expect(await owned(front)).toEqual([]);
    expect((await call(front.url, 'GET', '/readyz')).body.checks.queue).toBe('ok');

    const callIds = Array.from({ length: CALLS }, (_, i) => `wq-${i}`);
    for (const id of callIds) expect((await call(front.url, 'POST', '/api/calls', { id, customerId: `WQ${id}` })).status).toBe(201);
    const post = async (callId: string, n: number, speaker: 'customer' | 'agent', text: string) => {
      const r = await call(front.url, 'POST', `/api/calls/${callId}/utterances`, { id: `u${n}`, speaker, startMs: n * 3000, endMs: n * 3000 + 2500, text, final: true });
      expect(r.status).toBe(202);
    };
    // Unknown call: the same 404 as without the queue, nothing published.
    expect((await call(front.url, 'POST', '/api/calls/wq-none/utterances', { id: 'u1', speaker: 'customer', startMs: 0, endMs: 1, text: '안녕하세요', final: true })).status).toBe(404);

    // Phase 1: a phrase split across two utterances, then ordinary talk.
    await Promise.all(callIds.map(async (id) => {
      await post(id, 1, 'customer', '이거 계속 이러시면 금융');
      await post(id, 2, 'customer', '감독원에 민원 넣을 겁니다');
      for (let n = 3; n <= 10; n++) await post(id, n, n % 2 ? 'agent' : 'customer', CALM[n % CALM.length]);
    }));

    // Kill one reader while utterances keep arriving at the front.
    const victim = readers[0];
    const survivor = readers[1];
    const sending = Promise.all(callIds.map(async (id) => {
      for (let n = 11; n <= 20; n++) {
        await post(id, n, n % 2 ? 'agent' : 'customer', CALM[n % CALM.length]);
        await sleep(20);
      }
    }));
    await sleep(100);
    await victim.kill('SIGKILL');
    await sending;
    await until('the survivor reads every partition', async () => (await owned(survivor)).length === PARTITIONS);

    // Phase 2, after the takeover: another split phrase in every call.
    await Promise.all(callIds.map(async (id) => {
      await post(id, 21, 'customer', '언론');
      await post(id, 22, 'customer', '사에 제보할게요');
    }));

    for (const id of callIds) {
      let detail: any = null;
      await until(`call ${id} fully stored`, async () => {
        detail = (await call(front.url, 'GET', `/api/calls/${id}`)).body;
        return detail.utterances.length >= 22 && detail.alerts.some((a: any) => a.category === 'media');
      });
      const ids = detail.utterances.map((u: any) => u.id);
      expect(ids.length).toBe(22);
      expect(new Set(ids).size).toBe(22);
      // The authority's name was split: only a detector that saw both lines matches "금융 감독원".
      const fss = detail.alerts.find((a: any) => a.ruleId === 'external_authority.fss');
      expect(fss?.match).toContain('금융');
      const media = detail.alerts.find((a: any) => a.category === 'media');
      expect(media?.match).toContain('언론');
    }
  });
});
