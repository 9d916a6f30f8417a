import type { Bus, LiveEvent } from '../bus/types.js';
import type { Logger } from '../core/log.js';
import type { Db } from '../store/db.js';
import { linkRepeatContact } from './cases.js';
import type { VomConfig } from './config.js';

// Watches the bus for new alerts and folds repeat contacts (same customer, same
// category, open case within the window) into their case as they happen. Work
// runs one alert at a time off the publishing path, so detection latency is not
// affected; the database makes it idempotent when several nodes run it.

export interface RepeatLinker {
  /** Resolves when every alert seen so far has been handled (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startRepeatContactLinker(deps: { db: Db; bus: Bus; log: Logger; config: VomConfig }): RepeatLinker {
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const handle = async (alertId: string) => {
    if (stopped) return;
    try {
      const res = await linkRepeatContact(deps.db, deps.config, alertId);
      if (!res) return;
      for (const e of res.events) deps.bus.publish({ seq: e.seq, type: e.type, callId: (e.payload as { alert?: { callId?: string } }).alert?.callId ?? null, payload: e.payload });
      deps.log.info({ alertId, caseId: res.case.id, ref: res.case.ref }, 'repeat contact linked to open case');
    } catch (err) {
      deps.log.warn({ err, alertId }, 'repeat-contact linking failed');
    }
  };

  const unsubscribe = deps.bus.subscribe((e: LiveEvent) => {
    if (e.type !== 'alert.created' || e.seq === null) return;
    const alertId = (e.payload as { alert?: { id?: string } })?.alert?.id;
    if (!alertId) return;
    chain = chain.then(() => handle(alertId));
  });

  return {
    idle: () => chain,
    async stop() {
      stopped = true;
      unsubscribe();
      await chain;
    },
  };
}
