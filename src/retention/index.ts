import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/log.js';
import * as audit from '../store/audit.js';
import type { Db } from '../store/db.js';
import { purgeTranscripts, recordRetentionRun } from '../store/retention.js';

// Retention policy: transcripts (and kept audio segments) older than N days are
// deleted; alerts, hits and cases stay for statistics. Every run that removes
// something leaves a retention_runs row and an audit entry.

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
}

export interface RetentionRunSummary {
  cutoff: string;
  callsAffected: number;
  utterancesDeleted: number;
  alertsCleared: number;
  eventsCleared: number;
  audioFilesDeleted: number;
}

export async function runRetention(o: RetentionOptions, now = Date.now()): Promise<RetentionRunSummary | null> {
  if (o.days <= 0) return null;
  const cutoff = new Date(now - o.days * 86_400_000).toISOString();
  const total: RetentionRunSummary = { cutoff, callsAffected: 0, utterancesDeleted: 0, alertsCleared: 0, eventsCleared: 0, audioFilesDeleted: 0 };
  for (;;) {
    const r = await o.db.tx((q) => purgeTranscripts(q, cutoff, o.batchCalls ?? 500));
    if (r.callsAffected === 0) break;
    total.callsAffected += r.callsAffected;
    total.utterancesDeleted += r.utterancesDeleted;
    total.alertsCleared += r.alertsCleared;
    total.eventsCleared += r.eventsCleared;
  }
  for (const dir of o.audioDirs) total.audioFilesDeleted += await deleteOlderFiles(dir, now - o.days * 86_400_000);
  if (total.callsAffected + total.audioFilesDeleted === 0) return total;
  await o.db.tx(async (q) => {
    await recordRetentionRun(q, { ...total, retentionDays: o.days });
    await audit.appendAudit(q, { id: null, name: 'system' }, 'retention.purged', { type: 'retention' }, { ...total, retentionDays: o.days });
  });
  o.log.info({ retention: total }, 'retention removed old transcripts');
  return total;
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
  const first = o.days > 0 ? setTimeout(run, 30_000) : null;
  const timer = o.days > 0 ? setInterval(run, o.intervalMs ?? 3_600_000) : null;
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
