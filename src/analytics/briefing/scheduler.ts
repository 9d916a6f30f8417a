import type { Logger } from '../../core/log.js';
import type { Db } from '../../store/db.js';
import { briefingExists } from '../../store/briefings.js';
import type { StoredEvent } from '../../store/events.js';
import type { BriefingConfig } from './config.js';
import { generateBriefing, type GenerateResult } from './generate.js';
import { addDays, dayOf, instantAt, minutesOfDay, type Day } from './time.js';

// Makes the previous day's briefing at the configured local time (10:00 KST by
// default). Every process runs one; the day's lock and primary key in
// generateBriefing make sure only one briefing (and one event) comes of it.
// On start it makes the latest due briefing if it is missing — the server was
// down at 10:00, or the database was. The clock is injected so tests never wait.

export const SCHEDULER_ACTOR = { id: null, name: 'scheduler' } as const;
/** Longest sleep between checks: a wrong wall clock or a missed timer heals within this. */
const MAX_SLEEP_MS = 3_600_000;
/** Wait after a failed attempt (database down) before the next one. */
const RETRY_MS = 60_000;

/** The day whose briefing should exist at `now`: yesterday once the time has come, else the day before. */
export function dueDay(now: Date, cfg: Pick<BriefingConfig, 'timezone' | 'atMinutes'>): Day {
  const today = dayOf(now, cfg.timezone);
  return addDays(today, minutesOfDay(now, cfg.timezone) >= cfg.atMinutes ? -1 : -2);
}

/** The next instant after `now` at which a briefing falls due. */
export function nextRunAt(now: Date, cfg: Pick<BriefingConfig, 'timezone' | 'atMinutes'>): Date {
  const today = dayOf(now, cfg.timezone);
  const at = instantAt(today, cfg.atMinutes, cfg.timezone);
  return at.getTime() > now.getTime() ? at : instantAt(addDays(today, 1), cfg.atMinutes, cfg.timezone);
}

export interface SchedulerDeps {
  db: Db;
  config: BriefingConfig;
  log: Logger;
  /** Publishes a committed briefing event on the bus. */
  publish(e: StoredEvent): void;
  now?: () => Date;
}

export interface BriefingScheduler {
  /** Makes the due briefing if it is missing; null when it already existed. */
  tick(trigger?: 'schedule' | 'catch_up'): Promise<GenerateResult | null>;
  /** Catches up at once, then sleeps until each due time. */
  start(): void;
  stop(): Promise<void>;
}

export function createBriefingScheduler(deps: SchedulerDeps): BriefingScheduler {
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;

  async function tick(trigger: 'schedule' | 'catch_up' = 'schedule'): Promise<GenerateResult | null> {
    const at = now();
    const day = dueDay(at, deps.config);
    // Cheap check first: every process ticks, only the first one computes.
    if (await briefingExists(deps.db, day)) return null;
    const r = await generateBriefing(deps.db, deps.config, { day, trigger, actor: SCHEDULER_ACTOR, replace: false, now: at }, deps.publish);
    if (r.written) deps.log.info({ day, version: r.briefing.version, trigger }, 'daily briefing made');
    return r.written ? r : null;
  }

  function sleep(ms: number, trigger: 'schedule' | 'catch_up') {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      const run = tick(trigger).then(
        () => sleep(Math.min(MAX_SLEEP_MS, Math.max(1000, nextRunAt(now(), deps.config).getTime() - now().getTime())), 'schedule'),
        (err) => {
          deps.log.warn({ err }, 'daily briefing failed; will retry');
          sleep(RETRY_MS, trigger);
        },
      );
      running = run.finally(() => { running = null; });
    }, ms);
    timer.unref();
  }

  return {
    tick,
    start() {
      sleep(0, 'catch_up');
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
