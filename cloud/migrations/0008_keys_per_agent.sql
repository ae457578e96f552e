-- Security review (issue 13). An action's key names the process, stage and ERP document id but
-- neither the tenant nor the agent, so two agents of one tenant with the same ERP ids collided
-- on the unique index (the second never planned), and every tenant passed the bare key to the
-- one shared SMSAPI account as `idx` with `check_idx=1` (the second firm's SMS refused with
-- error 53 and recorded as sent).
--
-- 1. The key is unique per tenant *and agent*. Existing keys are unchanged, so every action
--    recorded before this migration is still found by its key and is never planned again.
-- 2. What providers see (SMSAPI `idx`, the e-mail Message-ID, the test-mode id) is the action's
--    `provider_key`: for new actions a digest of (tenant, agent, key), distinct across the
--    service; for actions recorded before, their old key, so a dispatch retried after the
--    upgrade still meets SMSAPI's duplicate check and a late delivery report still matches.
DROP INDEX actions_key;
CREATE UNIQUE INDEX actions_key ON actions (tenant_id, agent_id, idem_key);
ALTER TABLE actions ADD COLUMN provider_key TEXT;
UPDATE actions SET provider_key = idem_key;
