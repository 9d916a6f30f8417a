// Type augmentations (schema.tags/summary, req.cookies) for every route file.
import '@fastify/swagger';
import '@fastify/cookie';
import type { RadarConfig } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { RadarMetrics } from '../core/metrics.js';
import type { Bus } from '../bus/types.js';
import type { DetectionEngine } from '../detect/types.js';
import type { LiveIngest } from '../pipeline/live-pipeline.js';
import type { RuleService } from '../rules/service.js';
import type { RetentionRunSummary } from '../retention/index.js';
import type { PendingStore } from '../audio/pending.js';
import type { SttEngine } from '../audio/stt/engine.js';
import type { Db } from '../store/db.js';
import type { DeliveryWorker } from '../delivery/worker.js';
import type { TokenCache } from './auth/token-cache.js';

/** Everything routes need, built once at start-up and passed to each plugin. */
export interface RadarContext {
  config: RadarConfig;
  db: Db;
  bus: Bus;
  log: Logger;
  metrics: RadarMetrics;
  /** Resolved API tokens; invalidate() after revoking a token or changing a user. */
  tokens: TokenCache;
  /** Where sources and the API hand calls and utterances: the live pipeline, or the JetStream queue in front of it. */
  pipeline: LiveIngest;
  /** The ingest queue's state on this process (null on the direct path). */
  queue: { health(): string; owned(): number[] } | null;
  /** The live detection engine (hot-swapped when rules are published). */
  engine(): DetectionEngine;
  rules: RuleService;
  retention: { runNow(): Promise<RetentionRunSummary | null> };
  /** This process's delivery worker: its settings (senders, retention of deliveries) and a wake-up. */
  delivery: Pick<DeliveryWorker, 'config' | 'kick'>;
  /** Speech to text for the audio sources, and its store of segments awaiting a retry. */
  audio: { stt: SttEngine; pending: PendingStore | null };
}
