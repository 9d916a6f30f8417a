import type { Thresholds } from './evaluate.js';

// Early-warning settings from the environment (documented in docs/early-warning.md).

export interface EarlyWarningConfig extends Thresholds {
  /** false: this process runs no evaluation job (others sharing the database do). */
  enabled: boolean;
  /** How often the job runs, ms (default one minute). */
  intervalMs: number;
  /** The recent window counted, minutes (default 30). */
  windowMinutes: number;
  /** Earlier days whose same time of day make the baseline (default 14). */
  baselineDays: number;
  /** Width of the time-of-day band read on each earlier day, minutes (default 120, centred on now). */
  bandMinutes: number;
  /** Chart bucket, minutes (default 5). */
  bucketMinutes: number;
  /** Utterances read per transaction: small, so that on PGlite (one connection) ingest waits on it only briefly. */
  batchSize: number;
  /** How long a gap in utterance seqs is waited for before it is passed, ms. */
  gapGraceMs: number;
  /** A topic file (YAML/JSON) to use instead of the bundled dictionary. */
  topicsFile: string | null;
}

export const DEFAULT_EARLY_WARNING: EarlyWarningConfig = {
  enabled: true, intervalMs: 60_000, windowMinutes: 30, baselineDays: 14, bandMinutes: 120, bucketMinutes: 5,
  alpha: 0.001, resolveAlpha: 0.05, minCalls: 5, minRatio: 1.5, growth: 1.5, batchSize: 500, gapGraceMs: 5000, topicsFile: null,
};

class ConfigError extends Error {
  constructor(name: string, raw: string, expected: string) {
    super(`${name} must be ${expected}, got '${raw}'`);
    this.name = 'ConfigError';
  }
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number, ok: (n: number) => boolean, expected: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !ok(n)) throw new ConfigError(name, raw, expected);
  return n;
}

const posInt = (n: number) => Number.isInteger(n) && n > 0;
const probability = (n: number) => n > 0 && n < 1;

export function loadEarlyWarningConfig(env: NodeJS.ProcessEnv = process.env): EarlyWarningConfig {
  const d = DEFAULT_EARLY_WARNING;
  const flag = (env.RADAR_EARLY_WARNING ?? '').toLowerCase();
  const cfg: EarlyWarningConfig = {
    enabled: !(flag === 'off' || flag === '0' || flag === 'false'),
    intervalMs: num(env, 'RADAR_EARLY_WARNING_INTERVAL_MS', d.intervalMs, (n) => posInt(n) && n >= 100, 'an integer ≥ 100 (ms)'),
    windowMinutes: num(env, 'RADAR_EARLY_WARNING_WINDOW_MIN', d.windowMinutes, (n) => posInt(n) && n <= 360, 'an integer from 1 to 360'),
    baselineDays: num(env, 'RADAR_EARLY_WARNING_BASELINE_DAYS', d.baselineDays, (n) => posInt(n) && n <= 90, 'an integer from 1 to 90'),
    bandMinutes: num(env, 'RADAR_EARLY_WARNING_BAND_MIN', d.bandMinutes, (n) => posInt(n) && n <= 720, 'an integer from 1 to 720'),
    bucketMinutes: num(env, 'RADAR_EARLY_WARNING_BUCKET_MIN', d.bucketMinutes, (n) => posInt(n) && n <= 60, 'an integer from 1 to 60'),
    alpha: num(env, 'RADAR_EARLY_WARNING_ALPHA', d.alpha, probability, 'a probability between 0 and 1'),
    resolveAlpha: num(env, 'RADAR_EARLY_WARNING_RESOLVE_ALPHA', d.resolveAlpha, probability, 'a probability between 0 and 1'),
    minCalls: num(env, 'RADAR_EARLY_WARNING_MIN_CALLS', d.minCalls, (n) => posInt(n) && n <= 10_000, 'an integer from 1 to 10000'),
    minRatio: num(env, 'RADAR_EARLY_WARNING_MIN_RATIO', d.minRatio, (n) => n >= 1 && n <= 100, 'a number from 1 to 100'),
    growth: num(env, 'RADAR_EARLY_WARNING_GROWTH', d.growth, (n) => n > 1 && n <= 100, 'a number above 1'),
    batchSize: num(env, 'RADAR_EARLY_WARNING_BATCH', d.batchSize, (n) => posInt(n) && n <= 50_000, 'an integer from 1 to 50000'),
    gapGraceMs: num(env, 'RADAR_EARLY_WARNING_GAP_GRACE_MS', d.gapGraceMs, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer (ms)'),
    topicsFile: env.RADAR_EARLY_WARNING_TOPICS || null,
  };
  return checkEarlyWarningConfig(cfg);
}

/** Cross-field rules: the window and band must fit in a day, and resolving is looser than raising. */
export function checkEarlyWarningConfig(cfg: EarlyWarningConfig): EarlyWarningConfig {
  if (cfg.resolveAlpha < cfg.alpha) {
    throw new Error(`RADAR_EARLY_WARNING_RESOLVE_ALPHA (${cfg.resolveAlpha}) must not be below RADAR_EARLY_WARNING_ALPHA (${cfg.alpha})`);
  }
  // Yesterday's band must end before the current window starts, or the window would be its own baseline.
  if (cfg.bandMinutes / 2 + cfg.windowMinutes >= 24 * 60) {
    throw new Error('RADAR_EARLY_WARNING_BAND_MIN / 2 + RADAR_EARLY_WARNING_WINDOW_MIN must be under a day');
  }
  return cfg;
}
