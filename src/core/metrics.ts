import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Prometheus metrics. One registry per server instance (tests start several in
// one process), created by the server and handed to the stages that record.

export interface RadarMetrics {
  registry: Registry;
  utterances: Counter<'final' | 'outcome'>;
  detectionSeconds: Histogram;
  alerts: Counter<'category' | 'kind'>;
  activeCalls: Gauge;
  sseClients: Gauge;
  ingestQueue: Gauge<'stage'>;
  ingestBatch: Histogram;
  httpSeconds: Histogram<'method' | 'route' | 'status'>;
  /** Events written but not yet relayed into deliveries (latest seq − relay cursor). */
  deliveryOutboxLag: Gauge;
  deliveryPending: Gauge;
  deliveryDead: Gauge;
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
    sseClients: new Gauge({ name: 'radar_sse_clients', help: 'Connected Server-Sent Events clients', registers: [registry] }),
    ingestQueue: new Gauge({
      name: 'radar_ingest_queue_depth', help: 'Utterances waiting: for the next group commit (commit) or behind their call\'s previous one (calls)',
      labelNames: ['stage'], registers: [registry],
    }),
    ingestBatch: new Histogram({
      name: 'radar_ingest_batch_size', help: 'Final utterances written per transaction (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: 'radar_http_request_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry],
    }),
    deliveryOutboxLag: new Gauge({ name: 'radar_delivery_outbox_lag', help: 'Events in the outbox not yet relayed to deliveries', registers: [registry] }),
    deliveryPending: new Gauge({ name: 'radar_delivery_pending', help: 'Deliveries waiting to be sent or retried', registers: [registry] }),
    deliveryDead: new Gauge({ name: 'radar_delivery_dead', help: 'Deliveries in dead letters (gave up after the maximum attempts)', registers: [registry] }),
    deliveryAttempts: new Counter({
      name: 'radar_delivery_attempts_total', help: 'Delivery attempts, by subscription kind and outcome (delivered, retry, dead)',
      labelNames: ['kind', 'outcome'], registers: [registry],
    }),
  };
}
