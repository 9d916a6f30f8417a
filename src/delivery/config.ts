import type { RetryPolicy } from './backoff.js';
import type { BreakerPolicy } from './breaker.js';

// Delivery settings from the environment (documented in docs/delivery.md).

export interface DeliveryConfig {
  /** Off switch for a node that should not deliver (the others share the work). */
  enabled: boolean;
  /** How often the worker looks for new events and due retries. */
  pollMs: number;
  /** Events the relay reads per transaction. */
  relayBatch: number;
  /** How long a gap in `events` seq may stay before the relay skips it. */
  gapGraceMs: number;
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  /** Time limit for one HTTP request or SMTP session. */
  timeoutMs: number;
  /** How long a claim holds; must exceed timeoutMs. */
  leaseMs: number;
  retry: RetryPolicy;
  smtpUrl: string | null;
  mailFrom: string;
  /** Base URL of the console, for links in messages. */
  publicUrl: string | null;
  /** How often pending/dead counts and outbox lag are measured for metrics. */
  statsMs: number;
  /** Per-subscription circuit breaker (docs/delivery.md). */
  breaker: BreakerPolicy;
  /** Delivered deliveries (and their attempts) older than this many days are deleted by retention; 0 keeps them. */
  keepDays: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

export function loadDeliveryConfig(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  const timeoutMs = int(env, 'RADAR_DELIVERY_TIMEOUT_MS', 10_000, 100);
  return {
    enabled: env.RADAR_DELIVERY !== 'off' && env.RADAR_DELIVERY !== '0',
    pollMs: int(env, 'RADAR_DELIVERY_POLL_MS', 500, 10),
    relayBatch: int(env, 'RADAR_DELIVERY_RELAY_BATCH', 500, 1),
    gapGraceMs: int(env, 'RADAR_DELIVERY_GAP_GRACE_MS', 5_000),
    concurrency: int(env, 'RADAR_DELIVERY_CONCURRENCY', 8, 1),
    timeoutMs,
    leaseMs: int(env, 'RADAR_DELIVERY_LEASE_MS', Math.max(60_000, timeoutMs * 3), 1000),
    retry: {
      baseMs: int(env, 'RADAR_DELIVERY_BACKOFF_BASE_MS', 1_000, 1),
      capMs: int(env, 'RADAR_DELIVERY_BACKOFF_CAP_MS', 15 * 60_000, 1),
      maxAttempts: int(env, 'RADAR_DELIVERY_MAX_ATTEMPTS', 15, 1),
    },
    smtpUrl: env.RADAR_SMTP_URL || null,
    mailFrom: env.RADAR_MAIL_FROM || '민원 레이더 <minwon-radar@localhost>',
    publicUrl: env.RADAR_PUBLIC_URL || null,
    statsMs: int(env, 'RADAR_DELIVERY_STATS_MS', 5_000, 100),
    breaker: {
      failures: int(env, 'RADAR_DELIVERY_BREAKER_FAILURES', 5),
      cooldownMs: int(env, 'RADAR_DELIVERY_BREAKER_COOLDOWN_MS', 60_000, 1),
      cooldownCapMs: int(env, 'RADAR_DELIVERY_BREAKER_COOLDOWN_CAP_MS', 30 * 60_000, 1),
    },
    keepDays: int(env, 'RADAR_DELIVERY_KEEP_DAYS', 30),
  };
}
