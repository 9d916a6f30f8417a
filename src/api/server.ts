import type { FastifyInstance } from 'fastify';
import type { RadarConfig } from '../core/config.js';
import { createLogger, type Logger } from '../core/log.js';
import { createTokenCache } from './auth/token-cache.js';
import { createMetrics } from '../core/metrics.js';
import { createLocalBus } from '../bus/local-bus.js';
import { createNatsBus } from '../bus/nats-bus.js';
import type { Bus } from '../bus/types.js';
import type { DetectionEngine } from '../detect/types.js';
import { createLivePipeline, type LiveIngest } from '../pipeline/live-pipeline.js';
import { openWorkQueue, type WorkQueue } from '../bus/work-queue.js';
import { createQueuedIngest, type IngestMessage } from '../pipeline/ingest-queue.js';
import { startPartitionReaders, type PartitionReaders } from '../pipeline/partition-reader.js';
import { openPartitionLocks } from '../store/partition-locks.js';
import { createDeliveryWorker, type DeliveryConfig } from '../delivery/index.js';
import { createRuleService } from '../rules/service.js';
import { startAudio } from './audio.js';
import { startRetention } from '../retention/index.js';
import { briefingMailAttachments, startBriefingScheduler } from './briefing.js';
import path from 'node:path';
import { redact, redactValues } from '../privacy/redact.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { buildApp } from './app.js';
import { ensureFirstAdmin } from './bootstrap.js';
import type { RadarContext } from './context.js';

/** How often a node checks for a rule set published by another node. */
const RULE_POLL_MS = 5000;

export interface RunningServer {
  app: FastifyInstance;
  ctx: RadarContext;
  url: string;
  /** Set when this start created the first admin. */
  firstAdmin: { username: string; password: string } | null;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Use this database instead of opening one from the config (tests). */
  db?: Db;
  bus?: Bus;
  engine?: DetectionEngine;
  listen?: boolean;
  /** Delivery worker settings over the environment's (tests: fast retries). */
  delivery?: Partial<DeliveryConfig>;
  /** The daily-briefing scheduler's clock (tests). */
  briefingNow?: () => Date;
}

/** Opens storage, migrates, builds the pipeline and the HTTP server, listens. */
export async function startServer(config: RadarConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = opts.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'database migrated');
  const firstAdmin = await ensureFirstAdmin(db);
  let engine: DetectionEngine | undefined;
  const rules = await createRuleService(db, (e) => { engine = opts.engine ?? e; });
  const rulePoll = setInterval(() => void rules.refresh().catch((err) => log.warn({ err }, 'rule refresh failed')), RULE_POLL_MS);
  rulePoll.unref();
  const bus = opts.bus ?? (config.natsUrl ? await createNatsBus(config.natsUrl, log) : createLocalBus());
  const metrics = createMetrics({ defaultMetrics: opts.listen !== false && !opts.db });
  const pipeline = createLivePipeline({
    db, bus, log, metrics, engine: () => engine!, redact, redactValues, maxUtteranceChars: config.maxUtteranceChars, contextLines: config.contextLines,
    commitsInFlight: config.commitsInFlight || undefined,
  });
  // With the JetStream queue, what arrives here is published and detected by
  // whichever process reads the call's partition (maybe this one).
  let ingest: LiveIngest = pipeline;
  let queue: WorkQueue<IngestMessage> | null = null;
  let readers: PartitionReaders | null = null;
  if (config.ingestQueue === 'jetstream') {
    queue = await openWorkQueue<IngestMessage>(config.natsUrl!, { stream: config.queueStream, partitions: config.queuePartitions }, log);
    ingest = createQueuedIngest({ pipeline, queue, db, log });
    if (config.queueReader) {
      readers = await startPartitionReaders({
        queue, pipeline, log, openLocks: () => openPartitionLocks(config.databaseUrl),
        onOwnedChange: (n) => metrics.queuePartitionsOwned.set(n),
        observeQueueWait: (ms) => metrics.ingestWaitSeconds.observe({ stage: 'queue' }, ms / 1000),
      });
    }
  }
  const audio = startAudio(config, ingest, log);
  // Outbox delivery runs beside ingest, never on its path (started below).
  const delivery = createDeliveryWorker({ db, log, metrics, bus, config: opts.delivery, attachments: briefingMailAttachments(db, config.briefing, log) });
  const retention = startRetention({
    db, log, days: config.retentionDays, audioDirs: [path.join(config.dataDir, 'audio-pending')], deliveryKeepDays: delivery.config.keepDays,
  });
  const tokens = createTokenCache({ bus });
  const ctx: RadarContext = {
    config, db, bus, log, pipeline: ingest, metrics, tokens,
    queue: queue ? { health: () => queue!.health(), owned: () => readers?.owned() ?? [] } : null,
    engine: () => engine!,
    rules,
    audio,
    retention,
    delivery,
  };
  const app = await buildApp(ctx);
  delivery.start();
  const briefing = startBriefingScheduler({ db, bus, log, config: config.briefing, now: opts.briefingNow });
  let url = '';
  if (opts.listen !== false) {
    await app.listen({ host: config.host, port: config.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  }
  return {
    app, ctx, url, firstAdmin,
    async close() {
      clearInterval(rulePoll);
      retention.stop();
      await briefing?.stop();
      await app.close();
      await audio.stop();
      await readers?.stop();
      await queue?.close();
      await pipeline.close();
      tokens.close();
      await delivery.stop();
      await bus.close();
      if (!opts.db) await db.close();
    },
  };
}
