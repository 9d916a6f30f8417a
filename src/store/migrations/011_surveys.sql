-- Consumer evaluation (고객 평가): CSAT, NPS and CES survey responses, outside
-- agencies' benchmarks, and the record of file imports. See docs/surveys.md.

-- One row per answered question. external_id is the sending system's id: the
-- same id sent again is a no-op (ON CONFLICT DO NOTHING), so retries and
-- re-imported files never count a response twice.
CREATE TABLE survey_responses (
  id bigserial PRIMARY KEY,
  external_id text NOT NULL UNIQUE,
  metric text NOT NULL CHECK (metric IN ('csat', 'nps', 'ces')),
  score smallint NOT NULL,
  -- The scales of PRODUCT.md: CSAT 1–5, NPS 0–10, CES 1–7. The API refuses
  -- anything else first; this is the last line if a bug let one through.
  CONSTRAINT survey_score_in_scale CHECK (
    (metric = 'csat' AND score BETWEEN 1 AND 5) OR
    (metric = 'nps' AND score BETWEEN 0 AND 10) OR
    (metric = 'ces' AND score BETWEEN 1 AND 7)
  ),
  touchpoint text NOT NULL,
  product text,
  segment text,
  responded_at timestamptz NOT NULL,
  -- Free text, personal data already redacted (src/privacy) before it gets here.
  comment text,
  -- Links to what the response is about; not foreign keys: surveys come from
  -- other systems and may name a call the retention job has since removed.
  call_id text,
  customer_id text,
  case_id text,
  source text NOT NULL CHECK (source IN ('api', 'import')),
  import_id text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_responses_time ON survey_responses (responded_at);
CREATE INDEX survey_responses_metric_time ON survey_responses (metric, responded_at);
CREATE INDEX survey_responses_comment_time ON survey_responses (responded_at DESC) WHERE comment IS NOT NULL;

-- Published figures of outside agencies (e.g. KCSI, NCSI, an industry NPS
-- study), in the unit of our own headline index: NPS points (−100..100),
-- CSAT % satisfied (0..100), CES mean (1..7). period: 'YYYY', 'YYYY-Qn' or
-- 'YYYY-MM'. One value per metric, period, source and company/industry.
CREATE TABLE survey_benchmarks (
  id text PRIMARY KEY,
  metric text NOT NULL CHECK (metric IN ('csat', 'nps', 'ces')),
  period text NOT NULL,
  source text NOT NULL,
  subject text NOT NULL,
  subject_kind text NOT NULL CHECK (subject_kind IN ('company', 'industry')),
  value double precision NOT NULL,
  note text,
  updated_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (metric, period, source, subject)
);

-- Every file import that stored its rows (a refused file or a dry run
-- changes nothing, so leaves no row here either), for the import history.
CREATE TABLE survey_imports (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('responses', 'benchmarks')),
  filename text NOT NULL,
  format text NOT NULL,
  rows integer NOT NULL,
  created integer NOT NULL,
  -- Responses: ids already stored (re-sent). Benchmarks: values replaced.
  unchanged integer NOT NULL,
  updated integer NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_imports_created ON survey_imports (created_at DESC);
