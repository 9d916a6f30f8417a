-- Per-subscription circuit breaker, and delivery rows under the retention job.
--
-- A circuit row exists once a subscription's receiver has failed. Its state is
-- derived from open_until: NULL = closed (deliveries flow), in the future = open
-- (none of its deliveries is claimed, so none spends an attempt), in the past =
-- half-open (one probe delivery is let through; probe_until is that probe's
-- claim, so only one process probes at a time and a crashed probe's claim runs
-- out). Kept in the database so every process and a restarted one agree.
CREATE TABLE delivery_circuits (
  subscription_id text PRIMARY KEY REFERENCES subscriptions(id) ON DELETE CASCADE,
  -- Failed attempts since the last success.
  consecutive_failures integer NOT NULL DEFAULT 0,
  -- Times opened since the last success: the cool-down doubles with each.
  trips integer NOT NULL DEFAULT 0,
  opened_at timestamptz,
  open_until timestamptz,
  probe_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_circuits_open ON delivery_circuits (open_until) WHERE open_until IS NOT NULL;

-- Retention of old delivered deliveries (RADAR_DELIVERY_KEEP_DAYS), recorded in
-- the same runs table as transcript retention. A run may now delete only
-- delivery rows (transcript retention off), so its transcript cutoff may be empty.
ALTER TABLE retention_runs ALTER COLUMN cutoff DROP NOT NULL;
ALTER TABLE retention_runs ADD COLUMN delivery_keep_days integer;
ALTER TABLE retention_runs ADD COLUMN delivery_cutoff timestamptz;
ALTER TABLE retention_runs ADD COLUMN deliveries_deleted integer NOT NULL DEFAULT 0;
ALTER TABLE retention_runs ADD COLUMN delivery_attempts_deleted integer NOT NULL DEFAULT 0;
CREATE INDEX deliveries_delivered_at ON deliveries (delivered_at, id) WHERE status = 'delivered';
