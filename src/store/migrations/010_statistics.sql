-- Complaint statistics (민원 통계): standardised complaint records, the
-- customer base per period, published figures of peer companies, recorded
-- monitoring volume and the import log. docs/statistics.md.
--
-- The system's own complaint cases are NOT copied here: statistics read them
-- from `cases` at query time (with an optional standard classification per
-- case below), so they can never drift from the VOM. Records here are the
-- complaints that came from other systems (or were entered as records).

CREATE TABLE complaint_records (
  id text PRIMARY KEY,
  -- The system a record came from and its id there: re-importing the same
  -- ids updates those rows instead of adding new ones.
  source_system text NOT NULL,
  external_id text NOT NULL,
  received_on date NOT NULL,
  channel text NOT NULL,
  product text NOT NULL,
  complaint_type text NOT NULL,
  cause text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('internal', 'external')),
  external_body text,
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 5),
  status text NOT NULL,
  customer_id text,
  -- A VOM case this record is (then the case is not counted a second time).
  case_id text REFERENCES cases(id) ON DELETE SET NULL,
  -- Free text, redacted before storage.
  summary text NOT NULL DEFAULT '',
  import_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_system, external_id),
  CHECK ((scope = 'external') = (external_body IS NOT NULL))
);
CREATE INDEX complaint_records_received ON complaint_records (received_on);
CREATE INDEX complaint_records_case ON complaint_records (case_id) WHERE case_id IS NOT NULL;

-- The standard classification of a VOM case, where an officer gave one; a
-- case without one counts with defaults (docs/statistics.md).
CREATE TABLE case_classifications (
  case_id text PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  channel text NOT NULL,
  product text NOT NULL,
  complaint_type text NOT NULL,
  cause text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('internal', 'external')),
  external_body text,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'external') = (external_body IS NOT NULL))
);

-- Number of customers per month ('2026-09') or quarter ('2026-Q3'): the
-- denominator of the converted count (환산 건수).
CREATE TABLE customer_base (
  period text PRIMARY KEY CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'),
  customers bigint NOT NULL CHECK (customers > 0),
  note text NOT NULL DEFAULT '',
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Figures the Credit Finance Association (or another source) published per
-- company and period; any of the four measures may be missing. Changes are
-- stored as published, in percent (+31 = +31 %).
CREATE TABLE peer_figures (
  company text NOT NULL,
  period text NOT NULL,
  is_self boolean NOT NULL DEFAULT false,
  complaints integer CHECK (complaints >= 0),
  converted numeric(12, 2) CHECK (converted >= 0),
  complaints_change_pct numeric(8, 2),
  converted_change_pct numeric(8, 2),
  source text NOT NULL DEFAULT '',
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period, company)
);
-- One company of a period is "us".
CREATE UNIQUE INDEX peer_figures_one_self ON peer_figures (period) WHERE is_self;

-- Monitoring volume of months before the system measured it (the old
-- monitoring's monthly report); months with alerts stored here use the
-- measured figures instead.
CREATE TABLE monitoring_volume (
  month text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  monitored_cases integer NOT NULL CHECK (monitored_cases >= 0),
  alerts integer CHECK (alerts >= 0),
  cases_opened integer CHECK (cases_opened >= 0),
  note text NOT NULL DEFAULT '',
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every import (dry runs and rejected files too): what came in, what happened.
CREATE TABLE statistics_imports (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('complaints', 'peers', 'customers')),
  format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'json')),
  filename text NOT NULL,
  source_system text,
  dry_run boolean NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'completed', 'validated', 'rejected', 'failed')),
  total_rows integer NOT NULL DEFAULT 0,
  processed_rows integer NOT NULL DEFAULT 0,
  inserted integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  -- The first row errors [{row, field, code, message}].
  errors jsonb NOT NULL DEFAULT '[]',
  message text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX statistics_imports_created ON statistics_imports (created_at DESC);
