-- Security review (issue 13): secrets of the installation, and login throttling shared by every
-- replica. Both are the service's own, not a tenant's: like actions_provider, they are the
-- documented exceptions to "tenant_id first in every key" (ARCHITECTURE.md).

-- Per-installation secrets, made once by the first replica that needs them
-- (INSERT … ON CONFLICT DO NOTHING, then read): 'smsapi_callback' is the path segment of the
-- delivery-report URL handed to SMSAPI as notify_url.
CREATE TABLE service_secrets (
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (name)
);

-- Failed logins per client address ('address', the IP) and per account ('account',
-- '<tenant_id>/<e-mail>'): failures in the current window and, once over the limit, until when
-- further attempts are refused without checking the password (doubling with every failure).
CREATE TABLE login_throttle (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures BIGINT NOT NULL,
    window_start TEXT NOT NULL,
    locked_until TEXT,
    PRIMARY KEY (kind, subject)
);
