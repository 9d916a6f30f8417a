-- Outbox events leave with the delivery rows (RADAR_DELIVERY_KEEP_DAYS): an event
-- is deleted once it is older than that, the relay has passed it and no delivery
-- still needs it (pending or dead). This index finds those deliveries.
CREATE INDEX deliveries_unsettled_event ON deliveries (event_seq) WHERE status <> 'delivered';
ALTER TABLE retention_runs ADD COLUMN events_deleted integer NOT NULL DEFAULT 0;
