-- Inkaso cloud schema: the register of notifications (R-N5) made whole. Same portable rules as
-- 0001: tenant_id first in every tenant key and index, RFC 3339 TEXT instants.

-- A notification sent by hand learns its fate from SMSAPI like an engine's SMS (the delivery
-- callback or the poll); a claim carries its time, so a claim lost with its replica (a crash
-- between the claim and the provider's answer) can be taken again after a lease.
ALTER TABLE notifications ADD COLUMN delivery_status TEXT;
ALTER TABLE notifications ADD COLUMN delivered_at TEXT;
ALTER TABLE notifications ADD COLUMN claimed_at TEXT;
-- The callback names no tenant: SMSAPI's ids are unique across the service (as actions_provider).
CREATE INDEX notifications_provider ON notifications (provider_id);

-- What each document still owed when an action went: the processes' notices are judged by the
-- register's "settlement after the notice" as the notifications made by hand are. Filled when
-- an action is sent; for those sent before, from the document's last change up to then.
ALTER TABLE action_documents ADD COLUMN remaining_minor BIGINT;
UPDATE action_documents SET remaining_minor = (
    SELECT e.remaining_after FROM document_events e, actions a
    WHERE a.tenant_id = action_documents.tenant_id AND a.action_id = action_documents.action_id
      AND a.status = 'sent' AND a.done_at IS NOT NULL
      AND e.tenant_id = action_documents.tenant_id AND e.agent_id = action_documents.agent_id
      AND e.document_external_id = action_documents.document_external_id
      AND e.at <= a.done_at
    ORDER BY e.at DESC, e.event_id DESC LIMIT 1
);
CREATE INDEX actions_done ON actions (tenant_id, status, done_at, action_id);
