-- Daily briefing (일일 브리핑): one row per local calendar day. The content is
-- the computed JSON (src/analytics/briefing); regenerating a day replaces it
-- and bumps the version. The primary key on the day is what makes "one
-- briefing per day" hold when several processes share the database; the
-- generator also takes an advisory lock per day so they do not compute twice.

CREATE TABLE briefings (
  day date PRIMARY KEY,
  version integer NOT NULL DEFAULT 1,
  timezone text NOT NULL,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  -- When the figures were taken (open cases and SLA breaches are as of then).
  as_of timestamptz NOT NULL,
  content jsonb NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'catch_up', 'manual')),
  generated_by text NOT NULL,
  generated_at timestamptz NOT NULL DEFAULT now(),
  -- The outbox event (`briefing.published`) of the latest version.
  event_seq bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX briefings_generated ON briefings (generated_at DESC);
