-- Delivery of outbox events (the `events` table) to other systems: webhooks,
-- Slack, Microsoft Teams and e-mail. A relay reads `events` in seq order from a
-- stored cursor and fans each event out into one `deliveries` row per matching
-- subscription, in the same transaction as the cursor update; senders claim due
-- rows with a lease, so a crashed worker's claims are retried by another.

CREATE TABLE subscriptions (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('webhook', 'slack', 'teams', 'email')),
  -- A URL (webhook, slack, teams) or comma-separated e-mail addresses.
  target text NOT NULL,
  -- Exact types ('alert.created'), prefixes ('case.*') or '*'.
  event_types text[] NOT NULL,
  min_severity smallint CHECK (min_severity BETWEEN 1 AND 5),
  -- Empty = every category.
  categories text[] NOT NULL DEFAULT '{}',
  -- HMAC key for webhook signatures. Kept as is because signing needs it; it is
  -- shown to the admin once and never returned by the API again.
  secret text,
  enabled boolean NOT NULL DEFAULT true,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row: how far the relay has read `events`, and the gap it is waiting on.
-- gap_max_seq/gap_seen_at: the highest seq visible when a gap was first seen and
-- when; every gap below gap_max_seq was allocated by then, so once gap_seen_at is
-- older than the grace period those gaps are rolled back or hopelessly slow.
CREATE TABLE delivery_relay (
  id smallint PRIMARY KEY CHECK (id = 1),
  cursor_seq bigint NOT NULL,
  gap_max_seq bigint,
  gap_seen_at timestamptz,
  skipped_seqs bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Start at the present: history before delivery existed had no subscribers.
INSERT INTO delivery_relay (id, cursor_seq) SELECT 1, coalesce(max(seq), 0) FROM events;

-- No foreign key to events: event retention may prune old events independently.
CREATE TABLE deliveries (
  id bigserial PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  event_seq bigint NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- A claim: the worker holding lease_token may send until lease_until; after
  -- that any worker may claim the row again (the first one crashed or hung).
  lease_token text,
  lease_until timestamptz,
  last_status integer,
  last_error text,
  replays integer NOT NULL DEFAULT 0,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Replaying the relay never duplicates a delivery.
  UNIQUE (subscription_id, event_seq)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_status ON deliveries (status, id DESC);

-- Every attempt, for the admin looking at why a receiver fails.
CREATE TABLE delivery_attempts (
  id bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  ok boolean NOT NULL,
  status integer,
  error text,
  duration_ms integer NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
