-- Whether the open snapshot is the agent's first load: at its snapshot_begin the agent had no
-- debtor and no document stored. Then a key sent by the snapshot can only be stored if this
-- same snapshot sent it before, which the unique index tells; ingest skips the look-up of
-- upserted keys (see cloud/src/store/ingest/mod.rs, "First loads").
ALTER TABLE agents ADD COLUMN snapshot_fresh INTEGER NOT NULL DEFAULT 0;
