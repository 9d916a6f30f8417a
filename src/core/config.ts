import path from 'node:path';
import { loadSttConfig, type SttConfig } from '../audio/stt/index.js';
import { loadBriefingConfig, type BriefingConfig } from '../analytics/briefing/config.js';

// All configuration comes from the environment (12-factor); every variable is
// documented in README.md under "Configuration".

export interface RadarConfig {
  host: string;
  port: number;
  /** PGlite data folder, used when databaseUrl is empty. */
  dataDir: string;
  databaseUrl: string | null;
  natsUrl: string | null;
  /** When set, this exact value is accepted as an admin API token. */
  adminToken: string | null;
  /** Secure flag on the session cookie (set behind TLS). */
  cookieSecure: boolean;
  sessionTtlHours: number;
  logLevel: string;
  /** Longest utterance text accepted, in characters. */
  maxUtteranceChars: number;
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
  /** Speech-to-text engine for audio sources (RADAR_STT_*). */
  stt: SttConfig;
  /** Voice-activity detectors created at start (each blocks ~0.1–0.2 s to load). */
  vadPrewarm: number;
  /** Transcripts older than this many days are deleted (0 = keep everything). */
  retentionDays: number;
  /** Requests per minute per client (token, session or address). */
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  /** Lines of transcript before a hit kept as alert context. */
  contextLines: number;
  /** Group-commit batches written at once (0 = the default, 1). */
  commitsInFlight: number;
  /** 'direct': a process detects what it receives; 'jetstream': through the NATS JetStream work queue. */
  ingestQueue: 'direct' | 'jetstream';
  /** Partitions of the ingest queue (calls are spread over them by id). */
  queuePartitions: number;
  /** JetStream stream of the ingest queue: one per Radar installation sharing a NATS server. */
  queueStream: string;
  /** Whether this process reads queue partitions (false: receive and publish only). */
  queueReader: boolean;
  /** Daily briefing: time zone, time of day, PDF font (RADAR_TIMEZONE, RADAR_BRIEFING_*). */
  briefing: BriefingConfig;
  /** This company's name in peer comparisons until its published figure is entered (RADAR_COMPANY_NAME). */
  companyName: string;
  /** How often scheduled panel campaigns are opened and closed on time, ms (RADAR_PANEL_SCHEDULE_SECONDS; 0 = off in this process). */
  panelScheduleMs: number;
}

function int(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return n;
}

function streamName(v: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) throw new Error(`RADAR_QUEUE_STREAM must be 1–64 letters, digits, '_' or '-', got '${v}'`);
  return v;
}

function ingestQueue(env: NodeJS.ProcessEnv): RadarConfig['ingestQueue'] {
  const v = env.RADAR_INGEST_QUEUE || 'direct';
  if (v !== 'direct' && v !== 'jetstream') throw new Error(`RADAR_INGEST_QUEUE must be 'direct' or 'jetstream', got '${v}'`);
  if (v === 'jetstream' && !env.NATS_URL) throw new Error('RADAR_INGEST_QUEUE=jetstream needs NATS_URL');
  return v;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RadarConfig {
  return {
    host: env.RADAR_HOST || '127.0.0.1',
    port: int('PORT', int('RADAR_PORT', 8080, env), env),
    dataDir: path.resolve(env.RADAR_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || null,
    natsUrl: env.NATS_URL || null,
    adminToken: env.RADAR_ADMIN_TOKEN || null,
    cookieSecure: env.RADAR_COOKIE_SECURE === '1' || env.RADAR_COOKIE_SECURE === 'true',
    sessionTtlHours: int('RADAR_SESSION_TTL_HOURS', 12, env),
    logLevel: env.LOG_LEVEL || 'info',
    maxUtteranceChars: int('RADAR_MAX_UTTERANCE_CHARS', 4000, env),
    bodyLimitBytes: int('RADAR_BODY_LIMIT_BYTES', 256 * 1024, env),
    contextLines: int('RADAR_CONTEXT_LINES', 3, env),
    commitsInFlight: int('RADAR_COMMITS_IN_FLIGHT', 0, env),
    ingestQueue: ingestQueue(env),
    queuePartitions: int('RADAR_QUEUE_PARTITIONS', 16, env),
    queueStream: streamName(env.RADAR_QUEUE_STREAM || 'RADAR_INGEST'),
    queueReader: env.RADAR_QUEUE_READER !== '0' && env.RADAR_QUEUE_READER !== 'false',
    stt: loadSttConfig(env),
    vadPrewarm: int('RADAR_VAD_PREWARM', 2, env),
    retentionDays: int('RADAR_RETENTION_DAYS', 0, env),
    rateLimitPerMinute: int('RADAR_RATE_LIMIT_PER_MIN', 120_000, env),
    loginRateLimitPerMinute: int('RADAR_LOGIN_RATE_LIMIT_PER_MIN', 20, env),
    briefing: loadBriefingConfig(env),
    companyName: env.RADAR_COMPANY_NAME?.trim() || '당사',
    panelScheduleMs: int('RADAR_PANEL_SCHEDULE_SECONDS', 30, env) * 1000,
  };
}
