//! Ingest's set-at-a-time reads and writes, native to PostgreSQL: the fast path.
//!
//! The portable statements ran at 0.01–0.02× the speed of `COPY` here at 100 000 documents:
//! key look-ups as `external_id IN (..)` lists and multi-row `VALUES` of up to 15 000
//! parameters through `Any`, in chunks of 1 000 rows, with per-batch cost that grew with the
//! agent's size. Here every kind of row is one statement per flush over `UNNEST`ed arrays (one
//! parameter per column, whatever the number of rows), and look-ups join the keys to a
//! `LATERAL (.. LIMIT 1)` subquery: the `LIMIT` keeps the planner from flattening it into a hash
//! join over all of the agent's rows, so each key is one probe of the unique index — provided
//! the planner knows the agent has many rows. Without statistics it may take
//! `documents_debtor`, whose prefix `(tenant_id, agent_id)` is the same, and read every row of
//! the agent for each key (measured: 11–70 s for one batch of 5 000 keys against 5 000–15 000
//! rows); [`refresh_statistics`] keeps that from happening during a large load.
//!
//! Rows the database does not hold go in by `COPY … FROM STDIN` (text format) instead: the
//! batch transaction holds the agent's `seq`, so nothing else can insert them meanwhile. On an
//! agent's first load they are not even looked up; a stored key is then refused by the unique
//! index and the batch re-applied with look-ups (see [`super`], "First loads", and
//! `docs/cloud.md`, Benchmark).
//! Meaning and results are those of [`super::portable`]; the contract suite runs both.

use sqlx::{PgConnection, PgPool, Row};

use super::{DebtorRow, DocRow, EventRow, OpenDoc, Scope};
use crate::store::copy::CopyText;
use crate::store::{StoreError, new_id};

/// Runs `ANALYZE` on `documents` and `debtors` when one has more than doubled since its
/// statistics were taken (or has none and is past a few pages).
///
/// Why here, before each batch and outside its transaction: a first load grows the tables from
/// nothing within minutes, faster than autovacuum's analyse reacts, and the look-ups above are
/// only fast if the planner knows the agent's rows are many. The file size is read directly, so
/// the check costs one catalogue query and lags nothing; doubling keeps the number of `ANALYZE`
/// runs logarithmic in the table's size (about ten for a first load of a million documents).
/// Outside the batch's transaction, the lock `ANALYZE` takes is held only while it runs.
pub(super) async fn refresh_statistics(pg: &PgPool) -> Result<(), StoreError> {
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c \
         WHERE c.relname IN ('documents', 'debtors') AND c.relkind = 'r' \
         AND c.relnamespace = to_regnamespace(current_schema()) \
         AND pg_relation_size(c.oid) > 2 * current_setting('block_size')::bigint * GREATEST(c.relpages, 8)",
    )
    .fetch_all(pg)
    .await?;
    for table in stale {
        let sql = if table == "documents" {
            "ANALYZE documents"
        } else {
            "ANALYZE debtors"
        };
        tracing::debug!(table, "statistics refreshed before a batch");
        sqlx::query(sql).execute(pg).await?;
    }
    Ok(())
}

pub(super) async fn load_documents(
    c: &mut PgConnection,
    tenant_id: &str,
    agent_id: &str,
    ids: &[&str],
) -> Result<Vec<(String, DocRow)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT k.external_id, d.document_id, d.debtor_external_id, d.number, d.issue_date, d.due_date, \
         d.amount_minor, d.remaining_minor, d.currency, d.status, d.close_reason, d.closed_on \
         FROM UNNEST($3::text[]) AS k(external_id) \
         CROSS JOIN LATERAL (SELECT * FROM documents \
             WHERE tenant_id = $1 AND agent_id = $2 AND external_id = k.external_id LIMIT 1) d",
    )
    .bind(tenant_id)
    .bind(agent_id)
    .bind(ids)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(super::keyed_doc(&row)?);
    }
    Ok(out)
}

pub(super) async fn load_debtors(
    c: &mut PgConnection,
    tenant_id: &str,
    agent_id: &str,
    ids: &[&str],
) -> Result<Vec<(String, DebtorRow)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // CAST: `removed` is INTEGER (int4 here) and read as i64 like everywhere else.
    let rows = sqlx::query(
        "SELECT k.external_id, d.debtor_id, d.kind, d.name, d.nip, d.address_json, CAST(d.removed AS BIGINT), \
         (SELECT c.value FROM contacts c WHERE c.tenant_id = $1 AND c.debtor_id = d.debtor_id AND c.channel = 'email'), \
         (SELECT c.value FROM contacts c WHERE c.tenant_id = $1 AND c.debtor_id = d.debtor_id AND c.channel = 'sms') \
         FROM UNNEST($3::text[]) AS k(external_id) \
         CROSS JOIN LATERAL (SELECT * FROM debtors \
             WHERE tenant_id = $1 AND agent_id = $2 AND external_id = k.external_id LIMIT 1) d",
    )
    .bind(tenant_id)
    .bind(agent_id)
    .bind(ids)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(super::keyed_debtor(&row)?);
    }
    Ok(out)
}

pub(super) async fn upsert_debtors(
    c: &mut PgConnection,
    s: Scope<'_>,
    rows: &[(&str, &DebtorRow)],
) -> Result<u64, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let result = sqlx::query(
        "INSERT INTO debtors (tenant_id, debtor_id, agent_id, external_id, kind, name, nip, address_json, removed, updated_at) \
         SELECT $1, u.debtor_id, $2, u.external_id, u.kind, u.name, u.nip, u.address_json, u.removed, $3 \
         FROM UNNEST($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int4[]) \
             AS u(debtor_id, external_id, kind, name, nip, address_json, removed) \
         ON CONFLICT (tenant_id, agent_id, external_id) DO UPDATE SET kind = excluded.kind, \
         name = excluded.name, nip = excluded.nip, address_json = excluded.address_json, \
         removed = excluded.removed, updated_at = excluded.updated_at",
    )
    .bind(s.tenant_id)
    .bind(s.agent_id)
    .bind(s.now)
    .bind(rows.iter().map(|(_, r)| r.debtor_id.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|(ext, _)| *ext).collect::<Vec<_>>())
    .bind(rows.iter().map(|(_, r)| r.kind.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|(_, r)| r.name.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|(_, r)| r.nip.as_deref()).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|(_, r)| r.address_json.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, r)| i32::from(r.removed != 0))
            .collect::<Vec<_>>(),
    )
    .execute(&mut *c)
    .await?;
    Ok(result.rows_affected())
}

/// Sets contacts of one channel to new values (`(debtor_id, value)`); a changed value loses its
/// consent.
pub(super) async fn set_contacts(
    c: &mut PgConnection,
    s: Scope<'_>,
    channel: &str,
    values: &[(&str, &str)],
    today: &str,
) -> Result<(), StoreError> {
    if values.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO contacts (tenant_id, debtor_id, channel, value, consent, consent_source, consent_date, updated_at) \
         SELECT $1, u.debtor_id, $2, u.value, CAST(NULL AS INTEGER), 'erp', $3, $4 \
         FROM UNNEST($5::text[], $6::text[]) AS u(debtor_id, value) \
         ON CONFLICT (tenant_id, debtor_id, channel) DO UPDATE SET \
         consent = CASE WHEN contacts.value = excluded.value THEN contacts.consent ELSE NULL END, \
         consent_source = CASE WHEN contacts.value = excluded.value THEN contacts.consent_source ELSE excluded.consent_source END, \
         consent_date = CASE WHEN contacts.value = excluded.value THEN contacts.consent_date ELSE excluded.consent_date END, \
         value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(s.tenant_id)
    .bind(channel)
    .bind(today)
    .bind(s.now)
    .bind(values.iter().map(|(id, _)| *id).collect::<Vec<_>>())
    .bind(values.iter().map(|(_, v)| *v).collect::<Vec<_>>())
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub(super) async fn delete_contacts(
    c: &mut PgConnection,
    s: Scope<'_>,
    channel: &str,
    debtor_ids: &[&str],
) -> Result<(), StoreError> {
    if debtor_ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "DELETE FROM contacts WHERE tenant_id = $1 AND channel = $2 AND debtor_id = ANY($3::text[])",
    )
    .bind(s.tenant_id)
    .bind(channel)
    .bind(debtor_ids)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Companies' data comes from the VAT register, looked up in the background.
pub(super) async fn enqueue_companies(
    c: &mut PgConnection,
    s: Scope<'_>,
    nips: &[&str],
) -> Result<(), StoreError> {
    if nips.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO companies (tenant_id, nip, status, attempts) \
         SELECT $1, u.nip, 'pending', 0 FROM UNNEST($2::text[]) AS u(nip) ON CONFLICT DO NOTHING",
    )
    .bind(s.tenant_id)
    .bind(nips)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub(super) async fn upsert_documents(
    c: &mut PgConnection,
    s: Scope<'_>,
    rows: &[(&str, &DocRow)],
) -> Result<u64, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let text = |f: fn(&DocRow) -> &str| rows.iter().map(|(_, r)| f(r)).collect::<Vec<_>>();
    let opt = |f: fn(&DocRow) -> Option<&str>| rows.iter().map(|(_, r)| f(r)).collect::<Vec<_>>();
    let result = sqlx::query(
        "INSERT INTO documents (tenant_id, document_id, agent_id, external_id, debtor_external_id, number, issue_date, \
         due_date, amount_minor, remaining_minor, currency, status, close_reason, closed_on, updated_at) \
         SELECT $1, u.document_id, $2, u.external_id, u.debtor_external_id, u.number, u.issue_date, u.due_date, \
         u.amount_minor, u.remaining_minor, u.currency, u.status, u.close_reason, u.closed_on, $3 \
         FROM UNNEST($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int8[], $11::int8[], \
             $12::text[], $13::text[], $14::text[], $15::text[]) \
             AS u(document_id, external_id, debtor_external_id, number, issue_date, due_date, amount_minor, \
                  remaining_minor, currency, status, close_reason, closed_on) \
         ON CONFLICT (tenant_id, agent_id, external_id) DO UPDATE SET \
         debtor_external_id = excluded.debtor_external_id, number = excluded.number, issue_date = excluded.issue_date, \
         due_date = excluded.due_date, amount_minor = excluded.amount_minor, remaining_minor = excluded.remaining_minor, \
         currency = excluded.currency, status = excluded.status, close_reason = excluded.close_reason, \
         closed_on = excluded.closed_on, updated_at = excluded.updated_at",
    )
    .bind(s.tenant_id)
    .bind(s.agent_id)
    .bind(s.now)
    .bind(text(|r| &r.document_id))
    .bind(rows.iter().map(|(ext, _)| *ext).collect::<Vec<_>>())
    .bind(text(|r| &r.debtor_external_id))
    .bind(text(|r| &r.number))
    .bind(opt(|r| r.issue_date.as_deref()))
    .bind(text(|r| &r.due_date))
    .bind(rows.iter().map(|(_, r)| r.amount_minor).collect::<Vec<_>>())
    .bind(rows.iter().map(|(_, r)| r.remaining_minor).collect::<Vec<_>>())
    .bind(text(|r| &r.currency))
    .bind(text(|r| &r.status))
    .bind(opt(|r| r.close_reason.as_deref()))
    .bind(opt(|r| r.closed_on.as_deref()))
    .execute(&mut *c)
    .await?;
    Ok(result.rows_affected())
}

/// Appends history rows (always new: each has a fresh id).
pub(super) async fn insert_events(
    c: &mut PgConnection,
    s: Scope<'_>,
    events: &[EventRow],
) -> Result<u64, StoreError> {
    let mut text = CopyText::with_capacity(events.len() * 160);
    for e in events {
        text.text(s.tenant_id)
            .text(&new_id())
            .text(s.agent_id)
            .text(&e.document_external_id)
            .text(&e.debtor_external_id)
            .text(e.kind)
            .text(s.now)
            .text(&e.observed_on)
            .opt_int(e.remaining_before)
            .int(e.remaining_after)
            .int(e.paid_minor)
            .text(&e.currency)
            .opt_text(e.close_reason.as_deref())
            .end_row();
    }
    text.send(
        c,
        "COPY document_events (tenant_id, event_id, agent_id, document_external_id, debtor_external_id, kind, at, \
         observed_on, remaining_before, remaining_after, paid_minor, currency, close_reason) FROM STDIN",
    )
    .await
}

/// Inserts documents the database does not hold (see the module doc).
pub(super) async fn copy_documents(
    c: &mut PgConnection,
    s: Scope<'_>,
    rows: &[(&str, &DocRow)],
) -> Result<u64, StoreError> {
    let mut text = CopyText::with_capacity(rows.len() * 200);
    for (ext, r) in rows {
        text.text(s.tenant_id)
            .text(&r.document_id)
            .text(s.agent_id)
            .text(ext)
            .text(&r.debtor_external_id)
            .text(&r.number)
            .opt_text(r.issue_date.as_deref())
            .text(&r.due_date)
            .int(r.amount_minor)
            .int(r.remaining_minor)
            .text(&r.currency)
            .text(&r.status)
            .opt_text(r.close_reason.as_deref())
            .opt_text(r.closed_on.as_deref())
            .text(s.now)
            .end_row();
    }
    text.send(
        c,
        "COPY documents (tenant_id, document_id, agent_id, external_id, debtor_external_id, number, issue_date, \
         due_date, amount_minor, remaining_minor, currency, status, close_reason, closed_on, updated_at) FROM STDIN",
    )
    .await
}

/// Inserts debtors the database does not hold (see the module doc).
pub(super) async fn copy_debtors(
    c: &mut PgConnection,
    s: Scope<'_>,
    rows: &[(&str, &DebtorRow)],
) -> Result<u64, StoreError> {
    let mut text = CopyText::with_capacity(rows.len() * 160);
    for (ext, r) in rows {
        text.text(s.tenant_id)
            .text(&r.debtor_id)
            .text(s.agent_id)
            .text(ext)
            .text(&r.kind)
            .text(&r.name)
            .opt_text(r.nip.as_deref())
            .opt_text(r.address_json.as_deref())
            .int(i64::from(r.removed != 0))
            .text(s.now)
            .end_row();
    }
    text.send(
        c,
        "COPY debtors (tenant_id, debtor_id, agent_id, external_id, kind, name, nip, address_json, removed, updated_at) \
         FROM STDIN",
    )
    .await
}

/// Inserts the contacts of debtors that are new in this batch (`(debtor_id, value)`): none can
/// be stored, the debtor's id was made just now. Consent is not recorded yet (NULL).
pub(super) async fn copy_contacts(
    c: &mut PgConnection,
    s: Scope<'_>,
    channel: &str,
    values: &[(&str, &str)],
    today: &str,
) -> Result<u64, StoreError> {
    let mut text = CopyText::with_capacity(values.len() * 120);
    for (debtor_id, value) in values {
        text.text(s.tenant_id)
            .text(debtor_id)
            .text(channel)
            .text(value)
            .null()
            .text("erp")
            .text(today)
            .text(s.now)
            .end_row();
    }
    text.send(
        c,
        "COPY contacts (tenant_id, debtor_id, channel, value, consent, consent_source, consent_date, updated_at) \
         FROM STDIN",
    )
    .await
}

pub(super) async fn insert_marks(
    c: &mut PgConnection,
    s: Scope<'_>,
    marks: &[String],
) -> Result<u64, StoreError> {
    let result = sqlx::query(
        "INSERT INTO snapshot_marks (tenant_id, agent_id, external_id) \
         SELECT $1, $2, u.external_id FROM UNNEST($3::text[]) AS u(external_id) ON CONFLICT DO NOTHING",
    )
    .bind(s.tenant_id)
    .bind(s.agent_id)
    .bind(marks)
    .execute(&mut *c)
    .await?;
    Ok(result.rows_affected())
}

/// The open documents of the given debtors (by external id).
pub(super) async fn open_documents_of_debtors(
    c: &mut PgConnection,
    s: Scope<'_>,
    debtors: &[String],
) -> Result<Vec<OpenDoc>, StoreError> {
    let rows = sqlx::query(
        "SELECT external_id, debtor_external_id, remaining_minor, currency FROM documents \
         WHERE tenant_id = $1 AND agent_id = $2 AND status = 'open' AND debtor_external_id = ANY($3::text[])",
    )
    .bind(s.tenant_id)
    .bind(s.agent_id)
    .bind(debtors)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push((
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
        ));
    }
    Ok(out)
}

/// Marks documents closed as `deleted`; returns the rows changed.
pub(super) async fn close_deleted(
    c: &mut PgConnection,
    s: Scope<'_>,
    exts: &[String],
    observed_on: &str,
) -> Result<u64, StoreError> {
    let result = sqlx::query(
        "UPDATE documents SET status = 'closed', close_reason = 'deleted', closed_on = $3, updated_at = $4 \
         WHERE tenant_id = $1 AND agent_id = $2 AND external_id = ANY($5::text[])",
    )
    .bind(s.tenant_id)
    .bind(s.agent_id)
    .bind(observed_on)
    .bind(s.now)
    .bind(exts)
    .execute(&mut *c)
    .await?;
    Ok(result.rows_affected())
}
