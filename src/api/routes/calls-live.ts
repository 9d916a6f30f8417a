import type { FastifyInstance } from 'fastify';
import { notFound, RadarError } from '../../core/errors.js';
import type { LiveEvent } from '../../bus/types.js';
import * as alertsRepo from '../../store/alerts.js';
import * as callsRepo from '../../store/calls.js';
import { riskTimeline } from '../../vom/risk-timeline.js';
import { requirePermission } from '../auth/plugin.js';
import type { RadarContext } from '../context.js';
import { idString } from '../schemas.js';
import { openSseChannel } from '../sse.js';

// One call, live, as Server-Sent Events: first a `snapshot` (transcript, hits,
// alerts, risk over time), then utterances, partials, alerts and `risk` changes
// as they happen. The subscription starts before the snapshot is read and what
// arrives meanwhile is sent after it, so nothing falls in between; a client that
// reconnects gets a fresh snapshot (transient partials are not replayable).

const CALL_EVENTS = new Set(['utterance', 'utterance.partial', 'alert.created', 'alert.updated', 'call.escalated', 'call.started', 'call.ended']);

export async function callLiveRoutes(app: FastifyInstance, ctx: RadarContext) {
  const { db, bus } = ctx;

  app.get<{ Params: { id: string } }>('/api/calls/:id/stream', {
    preHandler: requirePermission('calls:read', 'calls:read:own'),
    schema: {
      tags: ['calls'],
      summary: 'A call live as Server-Sent Events: snapshot, utterance, utterance.partial, alert.created, alert.updated, call.escalated, risk, call.ended',
      params: { type: 'object', properties: { id: idString } },
    },
  }, async (req, reply) => {
    const call = await callsRepo.getCall(db, req.params.id);
    if (!call) throw notFound('call_not_found', `No call with id '${req.params.id}'`);
    const p = req.principal!;
    if (!p.permissions.has('calls:read') && call.agentId !== p.username) throw new RadarError(403, 'forbidden', 'You may only see your own calls');

    const channel = openSseChannel(reply, ctx.metrics);
    let pending: LiveEvent[] | null = [];
    let lastMs = 0;
    let lastScore = call.riskScore;
    const write = (type: string, data: unknown) => channel.send(type, data);
    const forward = (e: LiveEvent) => {
      const payload = e.payload as { utterance?: { startMs: number }; call?: { riskScore?: number } };
      if (payload.utterance) lastMs = Math.max(lastMs, payload.utterance.startMs);
      write(e.type, e.payload);
      const score = payload.call?.riskScore;
      if (typeof score === 'number' && score !== lastScore) {
        lastScore = score;
        write('risk', { ms: lastMs, score });
      }
    };
    const unsubscribe = bus.subscribe((e) => {
      if (e.callId !== call.id || !CALL_EVENTS.has(e.type)) return;
      if (pending) pending.push(e);
      else forward(e);
    });
    channel.onClose(unsubscribe);

    try {
      const [fresh, utterances, hits, alerts] = await Promise.all([
        callsRepo.getCall(db, call.id), callsRepo.listUtterances(db, call.id), alertsRepo.listHits(db, call.id), alertsRepo.listCallAlerts(db, call.id),
      ]);
      const excluded = new Set(alerts.filter((a) => a.status === 'false_positive').map((a) => a.id));
      lastMs = utterances.reduce((m, u) => Math.max(m, u.startMs), 0);
      lastScore = fresh?.riskScore ?? call.riskScore;
      write('snapshot', { call: fresh ?? call, utterances, hits, alerts, risk: riskTimeline(hits, excluded) });
    } catch {
      channel.close();
      return;
    }
    const queued = pending;
    pending = null;
    for (const e of queued) forward(e);
  });
}
