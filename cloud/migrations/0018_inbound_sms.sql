-- Inkaso cloud schema: SMS that debtors send to a firm's two-way number (R-N8, R-N3) — "Saldo"
-- answered with the balance, "STOP" withdrawing SMS consent, anything else kept for the firm to
-- read. Same portable rules as 0001: tenant_id first in every key and index, RFC 3339 TEXT
-- instants, TEXT days.

-- Every message, as it came and what was done with it; the log the portal shows and the
-- audit trail of every balance disclosed.
CREATE TABLE inbound_sms (
    tenant_id TEXT NOT NULL,
    inbound_id TEXT NOT NULL,
    provider_msg_id TEXT NOT NULL,   -- SMSAPI's MsgId: a redelivery is the same message
    received_at TEXT NOT NULL,
    local_day TEXT NOT NULL,         -- the Polish day, which the per-number daily limit counts
    from_number TEXT NOT NULL,       -- E.164 when it reads as a number, else as received
    to_number TEXT,
    text TEXT NOT NULL,
    command TEXT NOT NULL,           -- 'balance' | 'stop' | 'other'
    outcome TEXT NOT NULL,           -- 'answered' | 'unknown_number' | 'several_debtors' | 'deceased'
                                     -- | 'limit_reached' | 'limit_silent' | 'consent_withdrawn'
                                     -- | 'stop_unknown_number' | 'recorded'
    debtor_id TEXT,                  -- the one debtor the number matched, when one did
    reply_text TEXT,                 -- what was (or, in test mode, would have been) replied
    reply_status TEXT,               -- 'sent' | 'test_mode' | 'failed'; NULL = no reply
    reply_detail TEXT,               -- the provider's id, or why it failed
    PRIMARY KEY (tenant_id, inbound_id)
);
CREATE UNIQUE INDEX inbound_sms_message ON inbound_sms (tenant_id, provider_msg_id);
CREATE INDEX inbound_sms_number_day ON inbound_sms (tenant_id, from_number, local_day, command);
CREATE INDEX inbound_sms_received ON inbound_sms (tenant_id, received_at, inbound_id);
