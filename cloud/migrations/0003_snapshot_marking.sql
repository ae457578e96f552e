-- Whether the open snapshot must mark what it sees: not when the agent had no open document at
-- snapshot_begin (its first full load), since then everything open at snapshot_end was sent.
ALTER TABLE agents ADD COLUMN snapshot_marking INTEGER NOT NULL DEFAULT 1;
