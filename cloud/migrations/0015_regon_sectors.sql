-- A company's main activity from the GUS REGON register (BIR1.1), looked up in the background
-- beside the VAT register's data: its own status and attempts, so one register's outage does
-- not hold the other's answers back. `sector` is the PKD 2007 section of the dominant code.
ALTER TABLE companies ADD COLUMN regon_status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE companies ADD COLUMN regon_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN pkd TEXT;
ALTER TABLE companies ADD COLUMN sector TEXT;
ALTER TABLE companies ADD COLUMN regon_fetched_at TEXT;
ALTER TABLE companies ADD COLUMN regon_error TEXT;
CREATE INDEX companies_regon_status ON companies (tenant_id, regon_status);
