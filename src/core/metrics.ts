import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Prometheus metrics. One registry per server instance (tests start several in
// one process), created by the server and handed to the stages that record.

export interface RadarMetrics {
  registry: Registry;
  utterances: Counter<'final' | 'outcome'>;
  detectionSeconds: Histogram;
  alerts: Counter<'category' | 'kind'>;
  activeCalls: Gauge;
  queuePartitionsOwned: Gauge;
  earlyWarningRead: Counter;
  earlyWarningEvaluations: Counter<'outcome'>;
  earlyWarningLastEvaluation: Gauge;
  earlyWarningCaughtUp: Gauge;
  sseClients: Gauge;
  ingestQueue: Gauge<'stage'>;
  ingestBatch: Histogram;
  /** Wall time of one group-commit batch, by phase (detect, write, total) and path (plain: no hits; hits: with the fold). */
  ingestBatchSeconds: Histogram<'phase' | 'path'>;
  /** Time an utterance waited: behind its call's previous one (call), for its group commit to start (commit). */
  ingestWaitSeconds: Histogram<'stage'>;
  /** Final utterance received → its alert events published to live clients. */
  alertDelaySeconds: Histogram;
  httpSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Events written but not yet relayed into deliveries (latest seq − relay cursor). */
  deliveryOutboxLag: Gauge;
  deliveryPending: Gauge;
  deliveryDead: Gauge;
  /** Subscriptions whose delivery circuit breaker is open or half-open. */
  deliveryCircuitsOpen: Gauge;
  deliveryAttempts: Counter<'kind' | 'outcome'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): RadarMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'radar_' });
  return {
    registry,
    utterances: new Counter({
      name: 'radar_utterances_total', help: 'Utterances received, by final flag and outcome (stored, duplicate, partial, rejected)',
      labelNames: ['final', 'outcome'], registers: [registry],
    }),
    detectionSeconds: new Histogram({
      name: 'radar_detection_seconds', help: 'Time to run detection on one utterance',
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05], registers: [registry],
    }),
    alerts: new Counter({ name: 'radar_alerts_total', help: 'Alerts created or updated, by category', labelNames: ['category', 'kind'], registers: [registry] }),
    activeCalls: new Gauge({ name: 'radar_active_calls', help: 'Calls with in-memory detection state', registers: [registry] }),
    earlyWarningRead: new Counter({ name: 'radar_early_warning_utterances_read_total', help: 'Final utterances the early-warning job has read into topic mentions (this process)', registers: [registry] }),
    earlyWarningEvaluations: new Counter({
      name: 'radar_early_warning_evaluations_total', help: 'Early-warning evaluations by this process, by outcome (quiet, raised, updated, resolved)',
      labelNames: ['outcome'], registers: [registry],
    }),
    earlyWarningLastEvaluation: new Gauge({ name: 'radar_early_warning_last_evaluation_timestamp_seconds', help: 'When this process last evaluated the topics (alert if it stops moving on every process)', registers: [registry] }),
    earlyWarningCaughtUp: new Gauge({ name: 'radar_early_warning_caught_up', help: '1 when the early-warning job has read every visible utterance at its last run, 0 with a backlog', registers: [registry] }),
    queuePartitionsOwned: new Gauge({ name: 'radar_queue_partitions_owned', help: 'Ingest-queue partitions this process reads (RADAR_INGEST_QUEUE=jetstream)', registers: [registry] }),
    sseClients: new Gauge({ name: 'radar_sse_clients', help: 'Connected Server-Sent Events clients', registers: [registry] }),
    ingestQueue: new Gauge({
      name: 'radar_ingest_queue_depth', help: 'Utterances waiting: for the next group commit (commit) or behind their call\'s previous one (calls)',
      labelNames: ['stage'], registers: [registry],
    }),
    ingestBatch: new Histogram({
      name: 'radar_ingest_batch_size', help: 'Final utterances written per transaction (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry],
    }),
    ingestBatchSeconds: new Histogram({
      name: 'radar_ingest_batch_seconds', help: 'Wall time of one group-commit batch by phase (detect, write: its one statement, total) and path (plain: no hits; hits: utterances, hits, alerts, risk and events)',
      labelNames: ['phase', 'path'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
    }),
    ingestWaitSeconds: new Histogram({
      name: 'radar_ingest_wait_seconds', help: 'Time an utterance waited behind its call\'s previous utterance (call), for its group commit to start (commit), or in the JetStream ingest queue (queue)',
      labelNames: ['stage'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
    }),
    alertDelaySeconds: new Histogram({
      name: 'radar_alert_delay_seconds', help: 'Time from receiving a final utterance to publishing the alert events it raised (server side of the utterance→alert budget)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1], registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: 'radar_http_request_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry],
    }),
    deliveryOutboxLag: new Gauge({ name: 'radar_delivery_outbox_lag', help: 'Events in the outbox not yet relayed to deliveries', registers: [registry] }),
    deliveryPending: new Gauge({ name: 'radar_delivery_pending', help: 'Deliveries waiting to be sent or retried', registers: [registry] }),
    deliveryDead: new Gauge({ name: 'radar_delivery_dead', help: 'Deliveries in dead letters (gave up after the maximum attempts)', registers: [registry] }),
    deliveryCircuitsOpen: new Gauge({ name: 'radar_delivery_circuits_open', help: 'Subscriptions whose delivery circuit breaker is open or half-open (receiver failing)', registers: [registry] }),
    deliveryAttempts: new Counter({
      name: 'radar_delivery_attempts_total', help: 'Delivery attempts, by subscription kind and outcome (delivered, retry, dead)',
      labelNames: ['kind', 'outcome'], registers: [registry],
    }),
  };
}
