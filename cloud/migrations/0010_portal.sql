-- The portal: idle expiry of sessions, each user's language, logging in by e-mail alone
-- (an address may belong to users of several firms, who then choose one).
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'pl';
CREATE INDEX users_by_email ON users (email);

-- A password that opened several firms' accounts at once, waiting for the person to choose one.
-- Not a tenant's row: it exists before a tenant is chosen, lives five minutes and is used once.
CREATE TABLE login_choices (
    choice_id TEXT NOT NULL PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    accounts TEXT NOT NULL,          -- tenant_id:user_id, comma-separated
    expires_at TEXT NOT NULL
);
