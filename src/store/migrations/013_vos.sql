-- Voice of customer (고객의 소리): posts customers write on the website/app,
-- moderated and answered by consumer-protection officers. See docs/vos.md.

CREATE TABLE vos_posts (
  id text PRIMARY KEY,
  -- Human-facing number (VOS-000123); ids stay opaque.
  number bigserial NOT NULL UNIQUE,
  -- The sender's id: posting the same one again changes nothing.
  external_id text NOT NULL UNIQUE,
  channel text NOT NULL CHECK (channel IN ('homepage', 'app', 'survey', 'panel', 'other')),
  kind text NOT NULL CHECK (kind IN ('complaint', 'suggestion', 'question', 'praise')),
  -- Redacted before storage (src/privacy); the original text is never kept.
  title text NOT NULL,
  body text NOT NULL,
  customer_id text,
  product text,
  -- When the customer wrote it (the sender's time), and when it reached us.
  posted_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in_review', 'answered', 'hidden')),
  -- Why it was hidden (required for 비공개 처리).
  hidden_reason text,
  hidden_by text,
  hidden_at timestamptz,
  answer text,
  answered_by text,
  answered_at timestamptz,
  -- [{field, kind, start, end}] placeholders the redaction put in.
  redactions jsonb NOT NULL DEFAULT '[]',
  -- [{field, ruleId, category, severity, start, end, match, term, negated, explanation}] from the live rule set.
  risk_hits jsonb NOT NULL DEFAULT '[]',
  -- Categories of the hits that were not negated, and their highest severity (0 = not flagged).
  risk_categories text[] NOT NULL DEFAULT '{}',
  risk_severity smallint NOT NULL DEFAULT 0 CHECK (risk_severity BETWEEN 0 AND 5),
  -- Recurring topics (early-warning dictionary ids).
  topics text[] NOT NULL DEFAULT '{}',
  rule_set_version integer NOT NULL,
  topic_set_version integer NOT NULL,
  -- The complaint case it became or joined.
  case_id text REFERENCES cases(id) ON DELETE SET NULL,
  created_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vos_posts_posted ON vos_posts (posted_at DESC);
CREATE INDEX vos_posts_status ON vos_posts (status, posted_at DESC);
CREATE INDEX vos_posts_topics ON vos_posts USING gin (topics);
CREATE INDEX vos_posts_case ON vos_posts (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX vos_posts_flagged ON vos_posts (posted_at DESC) WHERE risk_severity > 0;

-- Every change to a post, in order (the post's own history; the audit log
-- holds the same changes for the whole system).
CREATE TABLE vos_post_events (
  id bigserial PRIMARY KEY,
  post_id text NOT NULL REFERENCES vos_posts(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text,
  actor_name text NOT NULL,
  type text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX vos_post_events_post ON vos_post_events (post_id, id);
