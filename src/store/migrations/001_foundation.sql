-- Foundation: users and credentials, calls and their transcripts, hits, alerts,
-- the event log (SSE replay + delivery outbox) and the append-only audit trail.

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'officer', 'supervisor', 'analyst', 'agent', 'auditor')),
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  disabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Console sessions; only a hash of the cookie value is stored.
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Bearer tokens for integrations; only a hash is stored, the value is shown once.
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- Empty = all permissions of the owner's role; otherwise the intersection.
  scopes text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE calls (
  id text PRIMARY KEY,
  customer_id text,
  agent_id text,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  source text NOT NULL DEFAULT 'api',
  metadata jsonb NOT NULL DEFAULT '{}',
  risk_score integer NOT NULL DEFAULT 0,
  -- Set when alerts of two or more categories make the call an escalation.
  escalated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calls_customer ON calls (customer_id, started_at);
CREATE INDEX calls_started ON calls (started_at);

-- Final utterances (partials are transient: detected and pushed, not stored).
-- The producer's id is unique within its call; seq gives a global order.
CREATE TABLE utterances (
  call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  id text NOT NULL,
  seq bigserial NOT NULL UNIQUE,
  speaker text NOT NULL CHECK (speaker IN ('customer', 'agent')),
  start_ms integer NOT NULL,
  end_ms integer NOT NULL,
  text text NOT NULL,
  redactions jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (call_id, id)
);
CREATE INDEX utterances_call_time ON utterances (call_id, start_ms, seq);
CREATE INDEX utterances_created ON utterances (created_at);

CREATE TABLE alerts (
  id text PRIMARY KEY,
  call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  rule_id text NOT NULL,
  category text NOT NULL,
  severity smallint NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'false_positive', 'escalated')),
  status_reason text,
  case_id text,
  hit_count integer NOT NULL DEFAULT 1,
  first_hit_at timestamptz NOT NULL DEFAULT now(),
  last_hit_at timestamptz NOT NULL DEFAULT now(),
  speaker text NOT NULL,
  start_ms integer NOT NULL,
  utterance_id text NOT NULL,
  match text NOT NULL,
  term text NOT NULL,
  explanation text NOT NULL,
  negated boolean NOT NULL DEFAULT false,
  context jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Folding: one alert per call and rule.
  UNIQUE (call_id, rule_id)
);
CREATE INDEX alerts_created ON alerts (created_at DESC);
CREATE INDEX alerts_status ON alerts (status, created_at DESC);

CREATE TABLE hits (
  id bigserial PRIMARY KEY,
  call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  utterance_id text NOT NULL,
  alert_id text REFERENCES alerts(id) ON DELETE SET NULL,
  rule_id text NOT NULL,
  rule_set_version integer NOT NULL,
  category text NOT NULL,
  severity smallint NOT NULL,
  speaker text NOT NULL,
  span_start integer NOT NULL,
  span_end integer NOT NULL,
  match text NOT NULL,
  term text NOT NULL,
  distance real NOT NULL DEFAULT 0,
  negated boolean NOT NULL DEFAULT false,
  start_ms integer NOT NULL,
  explanation text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (call_id, utterance_id, rule_id, span_start)
);
CREATE INDEX hits_call ON hits (call_id, start_ms);

-- Ordered log of everything pushed to clients: SSE replays it after
-- Last-Event-ID, and delivery workers read it as a transactional outbox.
CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  type text NOT NULL,
  subject_id text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only: the trigger below refuses UPDATE and DELETE.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text,
  actor_name text NOT NULL,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
