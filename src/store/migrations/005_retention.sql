-- Each retention run: what the policy removed, so a deletion is itself on record.
CREATE TABLE retention_runs (
  id bigserial PRIMARY KEY,
  ran_at timestamptz NOT NULL DEFAULT now(),
  cutoff timestamptz NOT NULL,
  retention_days integer NOT NULL,
  calls_affected integer NOT NULL,
  utterances_deleted integer NOT NULL,
  events_cleared integer NOT NULL,
  alerts_cleared integer NOT NULL,
  audio_files_deleted integer NOT NULL DEFAULT 0
);
-- Calls whose transcript was removed by retention keep their metadata and alerts.
ALTER TABLE calls ADD COLUMN transcript_purged_at timestamptz;
