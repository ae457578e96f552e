-- Lifting a pause through the client API (docs/processes.md, "Client API"): the row stays as
-- history, with who lifted it and when; the planner reads only pauses not lifted.
ALTER TABLE collection_pauses ADD COLUMN lifted_at TEXT;
ALTER TABLE collection_pauses ADD COLUMN lifted_by TEXT;
