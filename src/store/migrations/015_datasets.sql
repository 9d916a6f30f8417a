-- Combined analysis (통합 분석): datasets of consultations, sales, marketing
-- contacts and platform events that are joined with complaints by customer,
-- product and period. docs/analysis.md.
--
-- One row table for every kind: the kind's schema (src/analytics/analysis/kinds.ts)
-- says which of its fields fills which join column; every normalised field is
-- kept in `data` as well. Joins read the typed columns only.

CREATE TABLE datasets (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('consultations', 'sales', 'marketing', 'platform')),
  name text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, name)
);

CREATE TABLE dataset_rows (
  dataset_id text NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  kind text NOT NULL,
  -- The row's own id, or 'h:' + a hash of its values: re-importing a file
  -- updates (or leaves alone) the rows it already brought.
  row_key text NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- Local calendar day of occurred_at (RADAR_TIMEZONE at import): the period key.
  day date NOT NULL,
  customer_id text,
  product text,
  channel text,
  -- consultations: reason; marketing: campaign id; platform: event kind.
  category text,
  -- marketing: campaign name; platform: version.
  label text,
  -- sales: units sold; platform: event count; otherwise 1.
  qty bigint NOT NULL DEFAULT 1 CHECK (qty >= 0),
  amount bigint,
  -- marketing: responded.
  flag boolean,
  data jsonb NOT NULL,
  import_id text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset_id, row_key)
);
CREATE INDEX dataset_rows_kind_day ON dataset_rows (kind, day);
CREATE INDEX dataset_rows_customer ON dataset_rows (customer_id, kind) WHERE customer_id IS NOT NULL;
CREATE INDEX dataset_rows_category ON dataset_rows (kind, category);

-- Complaint records are joined by customer: the statistics table has no index on it.
CREATE INDEX complaint_records_customer ON complaint_records (customer_id, received_on) WHERE customer_id IS NOT NULL;

-- Every import (dry runs and rejected files too), with the mapping used.
CREATE TABLE dataset_imports (
  id text PRIMARY KEY,
  kind text NOT NULL,
  -- Null for a rejected or dry-run file whose dataset did not exist yet; kept
  -- (not cascaded) when the dataset is deleted, so the log stays whole.
  dataset_id text,
  dataset_name text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'json')),
  filename text NOT NULL,
  dry_run boolean NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'completed', 'validated', 'rejected', 'failed')),
  mapping jsonb NOT NULL DEFAULT '{}',
  total_rows integer NOT NULL DEFAULT 0,
  processed_rows integer NOT NULL DEFAULT 0,
  inserted integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  first_day date,
  last_day date,
  message text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX dataset_imports_created ON dataset_imports (created_at DESC);
CREATE INDEX dataset_imports_dataset ON dataset_imports (dataset_id, created_at DESC);
