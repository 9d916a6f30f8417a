import { RadarError } from '../core/errors.js';
import type { Db } from '../store/db.js';
import type { StoredEvent } from '../store/events.js';
import * as repo from '../store/panel.js';
import { SYSTEM_ACTOR } from '../vom/cases.js';
import type { CampaignStatus } from './model.js';
import { transitionCampaign } from './service.js';

// The campaign schedule: a scheduled campaign opens (sample drawn, invitations
// sent) when its opening time comes, an open one closes at its closing time.
// Each move is the same transition an officer makes, by the system actor, so it
// is audited and emits the same events. Several processes may run the job: the
// transition locks the campaign row and re-checks its status, so a campaign is
// moved once and the others' attempts are refused (and ignored here).

export interface ScheduleMove {
  id: string;
  ref: string;
  to: CampaignStatus;
  events: StoredEvent[];
}

export interface ScheduleSkip {
  id: string;
  ref: string;
  to: CampaignStatus;
  code: string;
  message: string;
}

const nextFor = (status: CampaignStatus): CampaignStatus => (status === 'scheduled' ? 'open' : 'closed');

/** Moves every campaign whose time has come; returns what moved and what could not (with the reason). */
export async function runCampaignSchedule(db: Db, now = Date.now()): Promise<{ moved: ScheduleMove[]; skipped: ScheduleSkip[] }> {
  const moved: ScheduleMove[] = [];
  const skipped: ScheduleSkip[] = [];
  for (const c of await repo.dueCampaigns(db, new Date(now))) {
    const to = nextFor(c.status);
    try {
      const { events } = await transitionCampaign(db, SYSTEM_ACTOR, c.id, to, now);
      moved.push({ id: c.id, ref: c.ref, to, events });
    } catch (err) {
      // Another process moved it first (invalid_transition), or it cannot open as
      // scheduled (its closing time passed while nobody ran, or nobody is eligible):
      // left for an officer, reported to the caller.
      if (!(err instanceof RadarError) || err.status >= 500) throw err;
      skipped.push({ id: c.id, ref: c.ref, to, code: err.code, message: err.message });
    }
  }
  return { moved, skipped };
}
