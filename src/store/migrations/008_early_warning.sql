-- Early warning (조기 경보): a sudden rise of an issue topic across all calls.
-- See docs/early-warning.md for the method.

-- Which calls mentioned which topic, and when (the call's first mention). One row
-- per (topic, call): counting distinct calls is counting rows, and writing the
-- same mention twice (a crashed run done again) changes nothing.
CREATE TABLE topic_mentions (
  topic_id text NOT NULL,
  call_id text NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  -- The utterance of the first mention (a sample for the console; its text stays in utterances).
  utterance_id text NOT NULL,
  -- When it was said: the call's start + the utterance's offset (never after it was stored).
  at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic_id, call_id)
);
CREATE INDEX topic_mentions_at ON topic_mentions (at);
CREATE INDEX topic_mentions_topic_at ON topic_mentions (topic_id, at);

-- The one evaluator's state: how far it has read utterances (keyset on
-- utterances.seq) and the gap it is waiting on (a seq taken by a transaction
-- that had not committed yet; see src/delivery/gaps.ts). cursor_seq NULL = not
-- started (the first run starts at the history the baseline needs).
CREATE TABLE early_warning_state (
  id integer PRIMARY KEY CHECK (id = 1),
  cursor_seq bigint,
  gap_max_seq bigint,
  gap_seen_at timestamptz,
  skipped_seqs bigint NOT NULL DEFAULT 0,
  last_evaluated_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO early_warning_state (id) VALUES (1);

CREATE TABLE early_warnings (
  id text PRIMARY KEY,
  topic_id text NOT NULL,
  topic_label text NOT NULL,
  topic_label_en text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  -- 3..5 from how far above the baseline it went; only ever rises (peak), so a
  -- subscriber's severity filter that let one event of a warning through lets the rest through.
  severity smallint NOT NULL,
  raised_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  evaluated_at timestamptz NOT NULL,
  resolved_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  acknowledge_note text,
  window_minutes integer NOT NULL,
  -- Distinct calls mentioning the topic in the window when last evaluated.
  calls integer NOT NULL,
  -- Expected calls in the window from the topic's history (its share of monitored calls at this time of day).
  baseline double precision NOT NULL,
  p_value double precision NOT NULL,
  -- Monitored calls in the window, and the history behind the baseline.
  monitored_calls integer NOT NULL,
  history_calls integer NOT NULL,
  history_monitored integer NOT NULL,
  history_days integer NOT NULL,
  peak_calls integer NOT NULL,
  peak_at timestamptz NOT NULL,
  -- The count last announced (raised/updated event): growth is measured from it.
  notified_calls integer NOT NULL,
  -- [{callId, utteranceId}] of recent mentions; texts are read from utterances (redacted as stored).
  samples jsonb NOT NULL DEFAULT '[]'
);
-- One warning per topic while it lasts.
CREATE UNIQUE INDEX early_warnings_one_active ON early_warnings (topic_id) WHERE status <> 'resolved';
CREATE INDEX early_warnings_raised ON early_warnings (raised_at DESC);
