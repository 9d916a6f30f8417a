-- Published rule-set versions. The highest version is live; a rollback publishes
-- an older document again as a new version, so history only grows.
CREATE TABLE rule_sets (
  version integer PRIMARY KEY,
  doc jsonb NOT NULL,
  rule_count integer NOT NULL,
  note text NOT NULL DEFAULT '',
  published_by text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  -- For a rollback: the version whose document this one restores.
  restores_version integer
);
