-- Consumer-protection self-inspection (자율 점검): versioned checklist templates,
-- inspection rounds (template version × department × period) with answers and
-- evidence, and the findings that non-compliant answers open. See docs/inspections.md.

-- A template version is published when it is stored and never changes after
-- (editing stores the next version); the triggers below refuse UPDATE and DELETE.
CREATE TABLE inspection_templates (
  id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  name text NOT NULL,
  name_en text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  note text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

CREATE TABLE inspection_template_items (
  template_id text NOT NULL,
  template_version integer NOT NULL,
  -- Stable across versions: answers and findings of different versions of the
  -- same item can be compared by it.
  item_id text NOT NULL,
  position integer NOT NULL,
  area text NOT NULL,
  text_ko text NOT NULL,
  text_en text NOT NULL DEFAULT '',
  guidance text NOT NULL DEFAULT '',
  evidence_required boolean NOT NULL DEFAULT false,
  ccm boolean NOT NULL DEFAULT false,
  PRIMARY KEY (template_id, template_version, item_id),
  FOREIGN KEY (template_id, template_version) REFERENCES inspection_templates (id, version)
);

CREATE FUNCTION inspection_template_is_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'a published inspection template version cannot be changed; publish a new version';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inspection_templates_no_change BEFORE UPDATE OR DELETE ON inspection_templates
  FOR EACH ROW EXECUTE FUNCTION inspection_template_is_immutable();
CREATE TRIGGER inspection_template_items_no_change BEFORE UPDATE OR DELETE ON inspection_template_items
  FOR EACH ROW EXECUTE FUNCTION inspection_template_is_immutable();

CREATE TABLE inspection_rounds (
  id text PRIMARY KEY,
  -- Human-facing number (INS-000012).
  number bigserial NOT NULL UNIQUE,
  template_id text NOT NULL,
  template_version integer NOT NULL,
  department text NOT NULL,
  -- '2026-Q4', '2026-H1', '2026-04' or '2026'; period_start/end are derived from it (ordering, "latest").
  period text NOT NULL,
  period_start date NOT NULL,
  period_end date NOT NULL,
  title text NOT NULL,
  owner_id text REFERENCES users(id) ON DELETE SET NULL,
  assignee_id text REFERENCES users(id) ON DELETE SET NULL,
  due_date date NOT NULL,
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'submitted', 'reviewed')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  submitted_at timestamptz,
  submitted_by text,
  reviewed_at timestamptz,
  reviewed_by text,
  review_note text,
  FOREIGN KEY (template_id, template_version) REFERENCES inspection_templates (id, version)
);
-- One round of a checklist per department and period.
CREATE UNIQUE INDEX inspection_rounds_one_per_period ON inspection_rounds (template_id, department, period);
CREATE INDEX inspection_rounds_period ON inspection_rounds (period_start DESC, department);

CREATE TABLE inspection_answers (
  round_id text NOT NULL REFERENCES inspection_rounds(id) ON DELETE CASCADE,
  item_id text NOT NULL,
  result text NOT NULL CHECK (result IN ('compliant', 'non_compliant', 'not_applicable')),
  -- Redacted before storage (personal data never reaches this column).
  comment text NOT NULL DEFAULT '',
  answered_by text NOT NULL,
  answered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (round_id, item_id)
);

-- Evidence files, stored in the database like case attachments (a backup holds everything).
CREATE TABLE inspection_evidence (
  id text PRIMARY KEY,
  round_id text NOT NULL REFERENCES inspection_rounds(id) ON DELETE CASCADE,
  item_id text NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  sha256 text NOT NULL,
  data bytea NOT NULL,
  uploaded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inspection_evidence_item ON inspection_evidence (round_id, item_id, created_at);

CREATE TABLE inspection_findings (
  id text PRIMARY KEY,
  number bigserial NOT NULL UNIQUE,
  round_id text NOT NULL REFERENCES inspection_rounds(id) ON DELETE CASCADE,
  item_id text NOT NULL,
  title text NOT NULL,
  severity text NOT NULL DEFAULT 'medium' CHECK (severity IN ('high', 'medium', 'low')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved', 'verified')),
  owner_id text REFERENCES users(id) ON DELETE SET NULL,
  due_date date NOT NULL,
  action_plan text NOT NULL DEFAULT '',
  resolution text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  verified_at timestamptz,
  verified_by text
);
-- A non-compliant answer opens at most one finding.
CREATE UNIQUE INDEX inspection_findings_item ON inspection_findings (round_id, item_id);
CREATE INDEX inspection_findings_status ON inspection_findings (status, due_date);

CREATE TABLE inspection_finding_notes (
  id text PRIMARY KEY,
  finding_id text NOT NULL REFERENCES inspection_findings(id) ON DELETE CASCADE,
  author_id text,
  author_name text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inspection_finding_notes_finding ON inspection_finding_notes (finding_id, created_at);

CREATE TABLE inspection_finding_cases (
  finding_id text NOT NULL REFERENCES inspection_findings(id) ON DELETE CASCADE,
  case_id text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  linked_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (finding_id, case_id)
);
CREATE INDEX inspection_finding_cases_case ON inspection_finding_cases (case_id);

-- A round's and a finding's history are read from the audit trail by target.
CREATE INDEX audit_log_inspection_target ON audit_log (target_id, id) WHERE target_type LIKE 'inspection_%';
