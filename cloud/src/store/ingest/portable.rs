//! Ingest's set-at-a-time reads and writes in portable SQL through sqlx `Any`: multi-row
//! `VALUES` and `IN (..)` lists in small chunks. Used on SQLite; the same statements are valid
//! on PostgreSQL, where [`super::pg`] does the same work natively and much faster.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{DebtorRow, DocRow, EventRow, OpenDoc, Scope};
use crate::store::{StoreError, list_placeholders, new_id, values_placeholders};

/// Rows per multi-row statement: SQLite looks `$N` parameters up in a list (quadratic in their
/// number), so statements stay small.
const CHUNK: usize = 64;

/// How rows are written: rows the batch found absent are inserted plainly, so that a stored
/// key is refused by the unique index rather than silently overwritten (the first-load path
/// relies on it, see [`super`]); the others are upserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Write {
    Insert,
    Upsert,
}

impl Write {
    fn clause(self, on_conflict: &'static str) -> &'static str {
        match self {
            Write::Insert => "",
            Write::Upsert => on_conflict,
        }
    }
}

pub(super) async fn load_documents(
    c: &mut AnyConnection,
    tenant_id: &str,
    agent_id: &str,
    ids: &[&str],
) -> Result<Vec<(String, DocRow)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT external_id, document_id, debtor_external_id, number, issue_date, due_date, amount_minor, \
             remaining_minor, currency, status, close_reason, closed_on FROM documents \
             WHERE tenant_id = $1 AND agent_id = $2 AND external_id IN ({})",
            list_placeholders(chunk.len(), 2)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(agent_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *c).await? {
            out.push(super::keyed_doc(&row)?);
        }
    }
    Ok(out)
}

pub(super) async fn load_debtors(
    c: &mut AnyConnection,
    tenant_id: &str,
    agent_id: &str,
    ids: &[&str],
) -> Result<Vec<(String, DebtorRow)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT d.external_id, d.debtor_id, d.kind, d.name, d.nip, d.address_json, d.removed, \
             (SELECT c.value FROM contacts c WHERE c.tenant_id = d.tenant_id AND c.debtor_id = d.debtor_id AND c.channel = 'email'), \
             (SELECT c.value FROM contacts c WHERE c.tenant_id = d.tenant_id AND c.debtor_id = d.debtor_id AND c.channel = 'sms') \
             FROM debtors d WHERE d.tenant_id = $1 AND d.agent_id = $2 AND d.external_id IN ({})",
            list_placeholders(chunk.len(), 2)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(agent_id);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *c).await? {
            out.push(super::keyed_debtor(&row)?);
        }
    }
    Ok(out)
}

/// Writes debtors: inserts only (a stored key is refused) or upserts, as `write` says.
pub(super) async fn write_debtors(
    c: &mut AnyConnection,
    s: Scope<'_>,
    rows: &[(&str, &DebtorRow)],
    write: Write,
) -> Result<u64, StoreError> {
    let mut written = 0;
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO debtors (tenant_id, debtor_id, agent_id, external_id, kind, name, nip, address_json, removed, updated_at) \
             VALUES {}{}",
            values_placeholders(chunk.len(), 10, 0),
            write.clause(
                " ON CONFLICT (tenant_id, agent_id, external_id) DO UPDATE SET kind = excluded.kind, \
                 name = excluded.name, nip = excluded.nip, address_json = excluded.address_json, \
                 removed = excluded.removed, updated_at = excluded.updated_at"
            )
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (ext, r) in chunk {
            q = q
                .bind(s.tenant_id)
                .bind(&r.debtor_id)
                .bind(s.agent_id)
                .bind(*ext)
                .bind(&r.kind)
                .bind(&r.name)
                .bind(&r.nip)
                .bind(&r.address_json)
                .bind(r.removed)
                .bind(s.now);
        }
        written += q.execute(&mut *c).await?.rows_affected();
    }
    Ok(written)
}

/// Sets contacts of one channel to new values (`(debtor_id, value)`); a changed value loses its
/// consent.
pub(super) async fn set_contacts(
    c: &mut AnyConnection,
    s: Scope<'_>,
    channel: &str,
    values: &[(&str, &str)],
    today: &str,
) -> Result<(), StoreError> {
    for chunk in values.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO contacts (tenant_id, debtor_id, channel, value, consent, consent_source, consent_date, updated_at) \
             VALUES {} ON CONFLICT (tenant_id, debtor_id, channel) DO UPDATE SET \
             consent = CASE WHEN contacts.value = excluded.value THEN contacts.consent ELSE NULL END, \
             consent_source = CASE WHEN contacts.value = excluded.value THEN contacts.consent_source ELSE excluded.consent_source END, \
             consent_date = CASE WHEN contacts.value = excluded.value THEN contacts.consent_date ELSE excluded.consent_date END, \
             value = excluded.value, updated_at = excluded.updated_at",
            values_placeholders(chunk.len(), 8, 0)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (id, v) in chunk {
            q = q
                .bind(s.tenant_id)
                .bind(*id)
                .bind(channel)
                .bind(*v)
                .bind(None::<i64>)
                .bind("erp")
                .bind(today)
                .bind(s.now);
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

pub(super) async fn delete_contacts(
    c: &mut AnyConnection,
    s: Scope<'_>,
    channel: &str,
    debtor_ids: &[&str],
) -> Result<(), StoreError> {
    for chunk in debtor_ids.chunks(CHUNK) {
        let sql = format!(
            "DELETE FROM contacts WHERE tenant_id = $1 AND channel = $2 AND debtor_id IN ({})",
            list_placeholders(chunk.len(), 2)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(s.tenant_id)
            .bind(channel);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// Companies' data comes from the VAT register, looked up in the background.
pub(super) async fn enqueue_companies(
    c: &mut AnyConnection,
    s: Scope<'_>,
    nips: &[&str],
) -> Result<(), StoreError> {
    for chunk in nips.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO companies (tenant_id, nip, status, attempts) VALUES {} ON CONFLICT DO NOTHING",
            values_placeholders(chunk.len(), 4, 0)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for nip in chunk {
            q = q.bind(s.tenant_id).bind(*nip).bind("pending").bind(0i64);
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// Writes documents: inserts only (a stored key is refused) or upserts, as `write` says.
pub(super) async fn write_documents(
    c: &mut AnyConnection,
    s: Scope<'_>,
    rows: &[(&str, &DocRow)],
    write: Write,
) -> Result<u64, StoreError> {
    let mut written = 0;
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO documents (tenant_id, document_id, agent_id, external_id, debtor_external_id, number, issue_date, \
             due_date, amount_minor, remaining_minor, currency, status, close_reason, closed_on, updated_at) \
             VALUES {}{}",
            values_placeholders(chunk.len(), 15, 0),
            write.clause(
                " ON CONFLICT (tenant_id, agent_id, external_id) DO UPDATE SET \
                 debtor_external_id = excluded.debtor_external_id, number = excluded.number, issue_date = excluded.issue_date, \
                 due_date = excluded.due_date, amount_minor = excluded.amount_minor, remaining_minor = excluded.remaining_minor, \
                 currency = excluded.currency, status = excluded.status, close_reason = excluded.close_reason, \
                 closed_on = excluded.closed_on, updated_at = excluded.updated_at"
            )
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (ext, r) in chunk {
            q = q
                .bind(s.tenant_id)
                .bind(&r.document_id)
                .bind(s.agent_id)
                .bind(*ext)
                .bind(&r.debtor_external_id)
                .bind(&r.number)
                .bind(&r.issue_date)
                .bind(&r.due_date)
                .bind(r.amount_minor)
                .bind(r.remaining_minor)
                .bind(&r.currency)
                .bind(&r.status)
                .bind(&r.close_reason)
                .bind(&r.closed_on)
                .bind(s.now);
        }
        written += q.execute(&mut *c).await?.rows_affected();
    }
    Ok(written)
}

pub(super) async fn insert_events(
    c: &mut AnyConnection,
    s: Scope<'_>,
    events: &[EventRow],
) -> Result<u64, StoreError> {
    let mut written = 0;
    for chunk in events.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO document_events (tenant_id, event_id, agent_id, document_external_id, debtor_external_id, kind, at, \
             observed_on, remaining_before, remaining_after, paid_minor, currency, close_reason) VALUES {}",
            values_placeholders(chunk.len(), 13, 0)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for e in chunk {
            q = q
                .bind(s.tenant_id)
                .bind(new_id())
                .bind(s.agent_id)
                .bind(&e.document_external_id)
                .bind(&e.debtor_external_id)
                .bind(e.kind)
                .bind(s.now)
                .bind(&e.observed_on)
                .bind(e.remaining_before)
                .bind(e.remaining_after)
                .bind(e.paid_minor)
                .bind(&e.currency)
                .bind(&e.close_reason);
        }
        written += q.execute(&mut *c).await?.rows_affected();
    }
    Ok(written)
}

pub(super) async fn insert_marks(
    c: &mut AnyConnection,
    s: Scope<'_>,
    marks: &[String],
) -> Result<u64, StoreError> {
    let mut written = 0;
    for chunk in marks.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO snapshot_marks (tenant_id, agent_id, external_id) VALUES {} ON CONFLICT DO NOTHING",
            values_placeholders(chunk.len(), 3, 0)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for m in chunk {
            q = q.bind(s.tenant_id).bind(s.agent_id).bind(m);
        }
        written += q.execute(&mut *c).await?.rows_affected();
    }
    Ok(written)
}

/// The open documents of the given debtors (by external id).
pub(super) async fn open_documents_of_debtors(
    c: &mut AnyConnection,
    s: Scope<'_>,
    debtors: &[String],
) -> Result<Vec<OpenDoc>, StoreError> {
    let mut out = Vec::new();
    for chunk in debtors.chunks(CHUNK) {
        let sql = format!(
            "SELECT external_id, debtor_external_id, remaining_minor, currency FROM documents \
             WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open' AND debtor_external_id IN ({})",
            list_placeholders(chunk.len(), 2)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(s.tenant_id)
            .bind(s.agent_id);
        for d in chunk {
            q = q.bind(d);
        }
        for row in q.fetch_all(&mut *c).await? {
            out.push((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            ));
        }
    }
    Ok(out)
}

/// Marks documents closed as `deleted`; returns the rows changed.
pub(super) async fn close_deleted(
    c: &mut AnyConnection,
    s: Scope<'_>,
    exts: &[String],
    observed_on: &str,
) -> Result<u64, StoreError> {
    let mut written = 0;
    for chunk in exts.chunks(CHUNK) {
        let sql = format!(
            "UPDATE documents SET status = 'closed', close_reason = 'deleted', closed_on = $3, updated_at = $4 \
             WHERE tenant_id = $1 AND agent_id = $2 AND external_id IN ({})",
            list_placeholders(chunk.len(), 4)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(s.tenant_id)
            .bind(s.agent_id)
            .bind(observed_on)
            .bind(s.now);
        for ext in chunk {
            q = q.bind(ext);
        }
        written += q.execute(&mut *c).await?.rows_affected();
    }
    Ok(written)
}
