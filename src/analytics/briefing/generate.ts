import { badRequest } from '../../core/errors.js';
import type { Actor } from '../../store/audit.js';
import { appendAudit } from '../../store/audit.js';
import * as repo from '../../store/briefings.js';
import type { BriefingTrigger, StoredBriefing } from '../../store/briefings.js';
import type { Db, Queryable } from '../../store/db.js';
import { appendEvent, type StoredEvent } from '../../store/events.js';
import { computeBriefing } from './compute.js';
import type { BriefingConfig } from './config.js';
import { addDays, dayOf, dayWindow, daysBetween, parseDay, type Day } from './time.js';
import type { BriefingContent } from './types.js';

// Making one day's briefing: read, compute, store, append the outbox event,
// audit — one transaction, so a stored briefing always has its event and an
// event always its briefing. Several processes may try at once (the scheduler
// runs everywhere): an advisory lock per day makes them take turns, and the
// day's primary key keeps a second insert out whatever happens.

export const BRIEFING_EVENT = 'briefing.published';
const LOCK_KEY = 7_250_312; // arbitrary, fixed: "radar briefing" (migrations use 7_250_311)

export interface GenerateRequest {
  day: Day;
  trigger: BriefingTrigger;
  actor: Actor;
  /** true: make a new version even when the day has one (regenerate); false: only when it has none. */
  replace: boolean;
  /** The clock (tests inject it). */
  now?: Date;
}

export interface GenerateResult {
  briefing: StoredBriefing;
  /** false when the day already had a briefing and `replace` was off. */
  written: boolean;
  /** The outbox event to publish after commit (null when nothing was written). */
  event: StoredEvent | null;
}

/** Refuses days that have not started yet in the configured zone. */
export function checkDay(raw: string, cfg: Pick<BriefingConfig, 'timezone'>, now: Date): Day {
  const day = parseDay(raw);
  const today = dayOf(now, cfg.timezone);
  if (day > today) {
    throw badRequest('briefing_day_in_future', `${day} has not begun yet in ${cfg.timezone} (today is ${today})`, { date: day, today });
  }
  return day;
}

export async function generateBriefing(db: Db, cfg: BriefingConfig, req: GenerateRequest, publish?: (e: StoredEvent) => void): Promise<GenerateResult> {
  const now = req.now ?? new Date();
  const day = checkDay(req.day, cfg, now);
  const result = await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_KEY, daysBetween('1970-01-01', day)]);
    const existing = await repo.getBriefing(q, day, true);
    if (existing && !req.replace) return { briefing: existing, written: false, event: null };
    return write(q, cfg, day, req, now, existing);
  });
  if (result.event) publish?.(result.event);
  return result;
}

async function write(q: Queryable, cfg: BriefingConfig, day: Day, req: GenerateRequest, now: Date, existing: StoredBriefing | null): Promise<GenerateResult> {
  const window = dayWindow(day, cfg.timezone);
  const input = await repo.readBriefingInput(q, {
    day, timezone: cfg.timezone, window, asOf: now.toISOString(),
    previousWindow: dayWindow(addDays(day, -1), cfg.timezone),
    weekWindow: dayWindow(addDays(day, -7), cfg.timezone),
  });
  const content = computeBriefing(input, { top: cfg.top });
  const meta = await repo.saveBriefing(q, { day, timezone: cfg.timezone, window, asOf: input.asOf, content, trigger: req.trigger, generatedBy: req.actor.name }, true);
  const event = await appendEvent(q, BRIEFING_EVENT, `briefing:${day}`, briefingEventPayload(meta!, content));
  await repo.setEventSeq(q, day, event.seq);
  await appendAudit(q, req.actor, existing ? 'briefing.regenerated' : 'briefing.generated', { type: 'briefing', id: day }, {
    version: meta!.version, trigger: req.trigger, ...(existing ? { previousVersion: existing.version } : {}),
  });
  return { briefing: { ...meta!, eventSeq: event.seq, content }, written: true, event };
}

/**
 * What receivers get: the key numbers and where to read the rest — not the
 * whole content (it names customers and carries transcript spans; the console
 * and the API check who may read them).
 */
export function briefingEventPayload(meta: repo.BriefingMeta, c: BriefingContent) {
  const topCategory = c.alerts.byCategory.find((x) => x.count > 0) ?? null;
  const topCall = c.topCalls[0] ?? null;
  return {
    briefing: {
      day: meta.day, version: meta.version, trigger: meta.trigger, generatedAt: meta.generatedAt, asOf: meta.asOf,
      timezone: meta.timezone, partial: c.partial, path: `/briefings/${meta.day}`,
    },
    figures: {
      calls: c.calls.monitored.count,
      talkSeconds: c.calls.talkSeconds,
      alerts: c.alerts.total.count,
      alertsPreviousDay: c.alerts.total.previousDay,
      alertsWeekBefore: c.alerts.total.weekBefore,
      highSeverityAlerts: c.alerts.highSeverity.count,
      newCases: c.cases.newCount,
      openCases: c.cases.openTotal,
      slaBreaches: c.cases.slaBreachCount,
      repeats: c.repeats.count,
      earlyWarnings: c.earlyWarnings.available ? c.earlyWarnings.count : null,
      topCategory: topCategory ? { id: topCategory.category, count: topCategory.count } : null,
      topCall: topCall ? { callId: topCall.callId, severity: topCall.maxSeverity, match: topCall.alerts[0]?.match ?? '', rule: topCall.alerts[0]?.ruleId ?? '' } : null,
    },
    by: meta.generatedBy,
  };
}
