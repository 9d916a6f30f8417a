import { conflict, notFound } from '../../core/errors.js';
import * as audit from '../../store/audit.js';
import type { Actor } from '../../store/audit.js';
import type { Db } from '../../store/db.js';
import * as repo from '../../store/early-warnings.js';
import type { EarlyWarning, SampleUtterance } from '../../store/early-warnings.js';
import type { StoredEvent } from '../../store/events.js';
import type { EarlyWarningConfig } from './config.js';
import { binSeries } from './evaluate.js';
import { appendWarningEvent } from './job.js';

// What people do with warnings and what the console reads: acknowledge (one
// transaction: the change, its audit entry and its outbox event), one warning
// with its chart series and sample utterances.

export interface WarningChange {
  warning: EarlyWarning;
  /** Committed outbox events (publish them on the bus). */
  events: StoredEvent[];
}

/**
 * An officer has seen it and is on it. The warning stays active (its counts
 * keep updating; a new one for the same topic cannot open meanwhile) and
 * resolves by itself when the topic falls back.
 */
export async function acknowledge(db: Db, actor: Actor, id: string, note: string | null): Promise<WarningChange> {
  return db.tx(async (q) => {
    const w = await repo.getWarning(q, id, true);
    if (!w) throw notFound('early_warning_not_found', `No early warning with id '${id}'`);
    if (w.status === 'resolved') throw conflict('early_warning_resolved', 'This early warning is already resolved', { resolvedAt: w.resolvedAt });
    if (w.status === 'acknowledged') {
      throw conflict('already_acknowledged', `Already acknowledged by ${w.acknowledgedBy ?? 'someone'}`, { acknowledgedAt: w.acknowledgedAt, acknowledgedBy: w.acknowledgedBy });
    }
    const after = await repo.acknowledgeWarning(q, id, actor.name, note);
    await audit.appendAudit(q, actor, 'early_warning.acknowledged', { type: 'early_warning', id }, { topicId: w.topicId, ...(note ? { note } : {}) });
    const event = await appendWarningEvent(q, after, 'acknowledged', { by: actor.name });
    return { warning: after, events: [event] };
  });
}

export interface SeriesPoint {
  start: string;
  calls: number;
}

/** The chart: from a few windows before the warning to its end (or now), in buckets. */
export function seriesRange(w: Pick<EarlyWarning, 'raisedAt' | 'resolvedAt' | 'windowMinutes'>, now: number, bucketMinutes: number): { from: number; to: number; bucketMs: number } {
  const bucketMs = bucketMinutes * 60_000;
  const end = w.resolvedAt ? Math.min(new Date(w.resolvedAt).getTime() + w.windowMinutes * 60_000, now) : now;
  const to = Math.ceil((end + 1) / bucketMs) * bucketMs;
  const from = Math.floor((new Date(w.raisedAt).getTime() - 4 * w.windowMinutes * 60_000) / bucketMs) * bucketMs;
  return { from, to: Math.max(to, from + bucketMs), bucketMs };
}

export interface WarningSeries {
  bucketMinutes: number;
  /** The baseline spread over one bucket: what a normal bucket holds. */
  expectedPerBucket: number;
  points: SeriesPoint[];
}

/** Series for several warnings in one query per call (the list screen's small charts). */
export async function seriesFor(db: Db, warnings: readonly EarlyWarning[], now: number, cfg: Pick<EarlyWarningConfig, 'bucketMinutes'>): Promise<Map<string, WarningSeries>> {
  const out = new Map<string, WarningSeries>();
  if (warnings.length === 0) return out;
  const ranges = warnings.map((w) => seriesRange(w, now, cfg.bucketMinutes));
  const from = Math.min(...ranges.map((r) => r.from));
  const to = Math.max(...ranges.map((r) => r.to));
  const times = await repo.mentionTimes(db, [...new Set(warnings.map((w) => w.topicId))], from, to);
  warnings.forEach((w, i) => {
    const r = ranges[i]!;
    out.set(w.id, {
      bucketMinutes: cfg.bucketMinutes,
      expectedPerBucket: (w.baseline * cfg.bucketMinutes) / w.windowMinutes,
      points: binSeries(times.get(w.topicId) ?? [], r.from, r.to, r.bucketMs).map((p) => ({ start: new Date(p.start).toISOString(), calls: p.calls })),
    });
  });
  return out;
}

export interface WarningDetail {
  warning: EarlyWarning;
  series: WarningSeries;
  samples: SampleUtterance[];
}

export async function warningDetail(db: Db, id: string, now: number, cfg: Pick<EarlyWarningConfig, 'bucketMinutes'>): Promise<WarningDetail> {
  const w = await repo.getWarning(db, id);
  if (!w) throw notFound('early_warning_not_found', `No early warning with id '${id}'`);
  const series = (await seriesFor(db, [w], now, cfg)).get(w.id)!;
  const r = seriesRange(w, now, cfg.bucketMinutes);
  const samples = await repo.sampleUtterances(db, w.topicId, new Date(w.raisedAt).getTime() - w.windowMinutes * 60_000, r.to, 10);
  return { warning: w, series, samples };
}
