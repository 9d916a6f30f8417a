-- VOM: complaint cases with their workflow, links to calls/alerts, notes,
-- attachments (stored in the database so a backup holds everything) and a
-- full per-case history. Repeat contacts (반복 민원) are links flagged `repeat`.

CREATE TABLE cases (
  id text PRIMARY KEY,
  -- Human-facing number (VOM-000123); ids stay opaque.
  number bigserial NOT NULL UNIQUE,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected')),
  status_reason text,
  category text,
  severity smallint NOT NULL CHECK (severity BETWEEN 1 AND 5),
  customer_id text,
  assignee_id text REFERENCES users(id) ON DELETE SET NULL,
  due_at timestamptz NOT NULL,
  source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'alert')),
  -- Repeat contacts: how often the customer came back about this case, and the
  -- earlier (already finished) case this one repeats, if any.
  repeat_count integer NOT NULL DEFAULT 0,
  repeat_of text REFERENCES cases(id) ON DELETE SET NULL,
  last_contact_at timestamptz NOT NULL DEFAULT now(),
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  closed_at timestamptz
);
CREATE INDEX cases_status ON cases (status, due_at);
CREATE INDEX cases_customer ON cases (customer_id, category, last_contact_at DESC);
CREATE INDEX cases_created ON cases (created_at DESC);

-- Calls and alerts belonging to a case. `repeat` marks a later contact that
-- was folded into the case as a repeat complaint.
CREATE TABLE case_links (
  case_id text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('alert', 'call')),
  target_id text NOT NULL,
  repeat boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, kind, target_id)
);
CREATE INDEX case_links_target ON case_links (kind, target_id);

CREATE TABLE case_notes (
  id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  author_id text,
  author_name text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

CREATE TABLE case_attachments (
  id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  filename text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  sha256 text NOT NULL,
  data bytea NOT NULL,
  uploaded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_attachments_case ON case_attachments (case_id, created_at);

-- Every change to a case, in order (the case's own history; the audit log
-- holds the same changes for the whole system).
CREATE TABLE case_events (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text,
  actor_name text NOT NULL,
  type text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);
