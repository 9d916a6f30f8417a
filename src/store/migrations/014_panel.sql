-- Online customer panel (고객 패널): customers who agreed to take part in
-- surveys, the survey campaigns sent to a stratified sample of them, one
-- invitation per selected member (the token is the respondent's credential),
-- and the customer-base mix the panel is compared against. Answers are stored
-- as survey_responses (touchpoint 'panel', campaign_id set) so the 고객 평가
-- indices include them. See docs/panel.md.

CREATE TABLE panel_members (
  id text PRIMARY KEY,
  -- The CRM's id: the same id sent again adds nobody (idempotent import).
  external_id text NOT NULL UNIQUE,
  -- Pseudonymous display label (e.g. 홍○○ #3f2a); the full name is never stored.
  label text NOT NULL,
  age_band text,
  grade text,
  region text,
  products text[] NOT NULL DEFAULT '{}',
  tenure_years numeric(4, 1),
  status text NOT NULL CHECK (status IN ('active', 'paused', 'withdrawn')),
  channel text CHECK (channel IN ('email', 'sms')),
  -- E-mail address or mobile number, only to send invitations; cleared on withdrawal.
  contact text,
  consent_at timestamptz NOT NULL,
  consent_purpose text NOT NULL,
  consent_version text NOT NULL,
  withdrawn_at timestamptz,
  withdrawal_reason text,
  -- A withdrawn member keeps no contact data (PIPA: purpose ended).
  CONSTRAINT panel_withdrawn_no_contact CHECK (status <> 'withdrawn' OR (contact IS NULL AND withdrawn_at IS NOT NULL)),
  last_invited_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX panel_members_status ON panel_members (status);
CREATE INDEX panel_members_withdrawn ON panel_members (withdrawn_at) WHERE withdrawn_at IS NOT NULL;

CREATE SEQUENCE panel_campaign_number;
CREATE TABLE panel_campaigns (
  id text PRIMARY KEY,
  number bigint NOT NULL UNIQUE DEFAULT nextval('panel_campaign_number'),
  title text NOT NULL,
  purpose text NOT NULL,
  metrics text[] NOT NULL CHECK (cardinality(metrics) > 0 AND metrics <@ ARRAY['nps', 'csat', 'ces']::text[]),
  question text,
  -- The target segment filter and the attributes the sample is stratified by (src/panel/model.ts).
  filter jsonb NOT NULL DEFAULT '{}',
  stratify_by text[] NOT NULL,
  sample_size integer NOT NULL CHECK (sample_size > 0),
  seed text NOT NULL,
  opens_at timestamptz,
  closes_at timestamptz,
  CONSTRAINT panel_campaign_window CHECK (opens_at IS NULL OR closes_at IS NULL OR closes_at > opens_at),
  status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'open', 'closed')),
  opened_at timestamptz,
  closed_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX panel_campaigns_created ON panel_campaigns (created_at DESC);

CREATE TABLE panel_invitations (
  id text PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES panel_campaigns (id),
  member_id text NOT NULL REFERENCES panel_members (id),
  -- SHA-256 of the token: the token itself leaves only in the panel.invitation event.
  token_hash text NOT NULL UNIQUE,
  -- The sampling stratum (e.g. '골드 · 30대'), also the response's segment.
  stratum text NOT NULL,
  invited_at timestamptz NOT NULL DEFAULT now(),
  responded_at timestamptz,
  -- The free-text answer, personal data redacted, with the live rule set's hits.
  answer_text text,
  hits jsonb NOT NULL DEFAULT '[]',
  categories text[] NOT NULL DEFAULT '{}',
  severity smallint NOT NULL DEFAULT 0,
  rule_set_version integer,
  UNIQUE (campaign_id, member_id)
);
CREATE INDEX panel_invitations_member ON panel_invitations (member_id, invited_at DESC);

-- The customer base's mix per segment attribute (shares of the whole base),
-- entered by analysts from the CRM, to show how representative the panel is.
CREATE TABLE panel_base_mix (
  dimension text NOT NULL CHECK (dimension IN ('ageBand', 'grade', 'region', 'tenureBand')),
  value text NOT NULL,
  share double precision NOT NULL CHECK (share >= 0 AND share <= 1),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dimension, value)
);

-- Panel answers are survey responses of 고객 평가; the link says which campaign
-- (NULL for every other response). No foreign key: survey_responses may
-- outlive anything, and the surveys capability knows nothing of campaigns.
ALTER TABLE survey_responses ADD COLUMN campaign_id text;
CREATE INDEX survey_responses_campaign ON survey_responses (campaign_id, metric) WHERE campaign_id IS NOT NULL;
