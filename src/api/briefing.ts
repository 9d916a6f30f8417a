import type { Logger } from '../core/log.js';
import type { Bus } from '../bus/types.js';
import {
  BRIEFING_EVENT, briefingPdf, createBriefingScheduler, loadBriefing, type BriefingConfig, type BriefingScheduler,
} from '../analytics/briefing/index.js';
import type { MailAttachment } from '../delivery/smtp.js';
import type { OutboxEvent } from '../delivery/types.js';
import type { Db } from '../store/db.js';

// Wiring of the daily briefing into a running server: the scheduler (when
// RADAR_BRIEFING is on) and the PDF that e-mails of briefing.published carry.

export function startBriefingScheduler(deps: { db: Db; bus: Bus; log: Logger; config: BriefingConfig; now?: () => Date }): BriefingScheduler | null {
  if (!deps.config.schedule) return null;
  const s = createBriefingScheduler({
    db: deps.db, config: deps.config, log: deps.log, now: deps.now,
    publish: (e) => deps.bus.publish({ seq: e.seq, type: e.type, callId: null, payload: e.payload }),
  });
  s.start();
  return s;
}

/**
 * The PDF for a briefing e-mail — the day's current version. A PDF that
 * cannot be made (no Korean font) leaves the mail with its console link
 * rather than failing the delivery again and again.
 */
export function briefingMailAttachments(db: Db, cfg: BriefingConfig, log: Logger) {
  return async (event: OutboxEvent): Promise<MailAttachment[]> => {
    if (event.type !== BRIEFING_EVENT) return [];
    const day = (event.payload as { briefing?: { day?: unknown } })?.briefing?.day;
    if (typeof day !== 'string') return [];
    try {
      const f = await briefingPdf(await loadBriefing(db, day), cfg);
      return [{ filename: f.filenameKo, contentType: f.contentType, data: f.data }];
    } catch (err) {
      log.warn({ err, day }, 'briefing PDF not attached to the e-mail');
      return [];
    }
  };
}
