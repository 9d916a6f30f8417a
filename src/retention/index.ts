import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/log.js';
import * as audit from '../store/audit.js';
import type { Db } from '../store/db.js';
import { purgeDelivered } from '../store/deliveries.js';
import { purgeRelayedEvents } from '../store/events.js';
import { purgeTranscripts, recordRetentionRun } from '../store/retention.js';

// Retention policy: transcripts (and kept audio segments) older than N days are
// deleted; alerts, hits and cases stay for statistics. Delivered deliveries and
// their attempt records older than RADAR_DELIVERY_KEEP_DAYS go too (pending ones
// never, dead letters only when replayed or deleted by hand), and so do outbox
// events the relay has passed and no remaining delivery needs. Every run that
// removes something leaves a retention_runs row and an audit entry.

export interface RetentionOptions {
  db: Db;
  log: Logger;
  /** 0 disables the policy (keep everything). */
  days: number;
  /** Folders whose audio files fall under the policy (audio-pending). */
  audioDirs: string[];
  intervalMs?: number;
  /** Calls per transaction, so a large backlog never holds one long lock. */
  batchCalls?: number;
  /** Delivered deliveries older than this many days are deleted; 0 or absent keeps them. */
  deliveryKeepDays?: number;
  /** Deliveries per transaction. */
  batchDeliveries?: number;
}

export interface RetentionRunSummary {
  /** Transcript cutoff; null when transcript retention is off. */
  cutoff: string | null;
  callsAffected: number;
  utterancesDeleted: number;
  alertsCleared: number;
  eventsCleared: number;
  audioFilesDeleted: number;
  /** Delivery cutoff; null when delivery rows are kept. */
  deliveryCutoff: string | null;
  deliveriesDeleted: number;
  deliveryAttemptsDeleted: number;
  /** Outbox events gone with their deliveries (relayed, none pending or dead). */
  eventsDeleted: number;
}

export async function runRetention(o: RetentionOptions, now = Date.now()): Promise<RetentionRunSummary | null> {
  const keepDeliveries = o.deliveryKeepDays ?? 0;
  if (o.days <= 0 && keepDeliveries <= 0) return null;
  const cutoff = o.days > 0 ? new Date(now - o.days * 86_400_000).toISOString() : null;
  const deliveryCutoff = keepDeliveries > 0 ? new Date(now - keepDeliveries * 86_400_000).toISOString() : null;
  const total: RetentionRunSummary = {
    cutoff, callsAffected: 0, utterancesDeleted: 0, alertsCleared: 0, eventsCleared: 0, audioFilesDeleted: 0,
    deliveryCutoff, deliveriesDeleted: 0, deliveryAttemptsDeleted: 0, eventsDeleted: 0,
  };
  if (cutoff !== null) await purgeTranscriptsAndAudio(o, cutoff, now, total);
  if (deliveryCutoff !== null) {
    for (;;) {
      const r = await o.db.tx((q) => purgeDelivered(q, deliveryCutoff, o.batchDeliveries ?? 1000));
      if (r.deliveries === 0) break;
      total.deliveriesDeleted += r.deliveries;
      total.deliveryAttemptsDeleted += r.attempts;
    }
    for (;;) {
      const n = await o.db.tx((q) => purgeRelayedEvents(q, deliveryCutoff, o.batchDeliveries ?? 1000));
      if (n === 0) break;
      total.eventsDeleted += n;
    }
  }
  if (total.callsAffected + total.audioFilesDeleted + total.deliveriesDeleted + total.eventsDeleted === 0) return total;
  const record = { ...total, retentionDays: o.days, deliveryKeepDays: keepDeliveries };
  await o.db.tx(async (q) => {
    await recordRetentionRun(q, record);
    await audit.appendAudit(q, { id: null, name: 'system' }, 'retention.purged', { type: 'retention' }, record);
  });
  o.log.info({ retention: total }, 'retention removed old data');
  return total;
}

async function purgeTranscriptsAndAudio(o: RetentionOptions, cutoff: string, now: number, total: RetentionRunSummary): Promise<void> {
  for (;;) {
    const r = await o.db.tx((q) => purgeTranscripts(q, cutoff, o.batchCalls ?? 500));
    if (r.callsAffected === 0) break;
    total.callsAffected += r.callsAffected;
    total.utterancesDeleted += r.utterancesDeleted;
    total.alertsCleared += r.alertsCleared;
    total.eventsCleared += r.eventsCleared;
  }
  for (const dir of o.audioDirs) total.audioFilesDeleted += await deleteOlderFiles(dir, now - o.days * 86_400_000);
}

async function deleteOlderFiles(dir: string, before: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // no such folder: nothing kept there
  }
  let deleted = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const s = await stat(file).catch(() => null);
    if (s?.isFile() && s.mtimeMs < before) {
      await unlink(file).catch(() => {});
      deleted++;
    }
  }
  return deleted;
}

export function startRetention(o: RetentionOptions): { stop(): void; runNow(): Promise<RetentionRunSummary | null> } {
  const run = () => runRetention(o).catch((err) => {
    o.log.warn({ err: (err as Error).message }, 'retention run failed; will retry');
    return null;
  });
  const active = o.days > 0 || (o.deliveryKeepDays ?? 0) > 0;
  const first = active ? setTimeout(run, 30_000) : null;
  const timer = active ? setInterval(run, o.intervalMs ?? 3_600_000) : null;
  first?.unref();
  timer?.unref();
  return {
    stop() {
      if (first) clearTimeout(first);
      if (timer) clearInterval(timer);
    },
    runNow: () => runRetention(o),
  };
}
