//! What the engine's channels keep per tenant: message templates, channel settings (creditor,
//! letters, e-mail, tasks), the letters it printed with their posting book, tasks for the
//! client's employees, sales blocks, and delivery reports on sent actions.
//!
//! Every write an action causes is keyed by the action's id, so a runner that dies after the
//! write and before recording the outcome finds the same letter, task or block again on the
//! next claim instead of making a second one.

use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use inkaso_channels::letter::{Addressee, LetterKind};
use inkaso_channels::posting::{PostingBook, PostingEntry, RegisteredCategory};
use inkaso_channels::template::Template;
use inkaso_shared::ExternalId;
use inkaso_shared::protocol::ResultEvent;
use serde::Serialize;
use sqlx::Row as _;

use super::feed::append_result_in;
use super::query::{Page, Sql, decode_cursor, encode_cursor, page_limit};
use super::{Store, StoreError, new_id, parse_day, parse_ts, ts};
use crate::domain::ids::AgentId;
use crate::process::compose::ChannelSettings;
use crate::store::TenantScope;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn kind_code(k: LetterKind) -> &'static str {
    match k {
        LetterKind::Reminder => "reminder",
        LetterKind::Demand => "demand",
        LetterKind::FinalDemand => "final_demand",
    }
}

fn category_code(c: RegisteredCategory) -> &'static str {
    match c {
        RegisteredCategory::Ekonomiczna => "economy",
        RegisteredCategory::Priorytetowa => "priority",
    }
}

/// A stored template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTemplate {
    /// The code stages refer to.
    pub code: String,
    /// The template.
    pub template: Template,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A letter the engine printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterRow {
    /// Id.
    pub id: String,
    /// The action that printed it.
    pub action_id: String,
    /// The agent of the debtor.
    pub agent_id: String,
    /// The debtor.
    pub debtor_external_id: String,
    /// `W/12/2026`.
    pub number: String,
    /// `reminder`, `demand`, `final_demand`.
    pub kind: String,
    /// The letter's date (the posting day of a registered letter).
    pub date: NaiveDate,
    /// Registered (in the posting book).
    pub registered: bool,
    /// The addressee as printed.
    pub addressee: Addressee,
    /// Registered-mail category.
    pub category: Option<String>,
    /// With a return receipt.
    pub return_receipt: bool,
    /// Tracking number, once entered.
    pub tracking_number: Option<String>,
    /// The PDF's file name.
    pub file_name: String,
}

/// A letter to store.
#[derive(Debug, Clone)]
pub struct NewLetter<'a> {
    /// The action.
    pub action_id: &'a str,
    /// The agent.
    pub agent_id: &'a AgentId,
    /// The debtor.
    pub debtor: &'a str,
    /// Its number.
    pub number: &'a str,
    /// Which letter.
    pub kind: LetterKind,
    /// Its date.
    pub date: NaiveDate,
    /// Registered: category and return receipt.
    pub registered: Option<(RegisteredCategory, bool)>,
    /// The addressee.
    pub addressee: &'a Addressee,
    /// File name.
    pub file_name: &'a str,
    /// The PDF.
    pub pdf: &'a [u8],
}

/// A task for an employee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    /// Id.
    pub id: String,
    /// The action that made it (none for a task made by hand).
    pub action_id: Option<String>,
    /// The agent.
    pub agent_id: String,
    /// The debtor.
    pub debtor_external_id: String,
    /// What to do.
    pub subject: String,
    /// Who.
    pub assignee: Option<String>,
    /// By when.
    pub due: NaiveDate,
    /// The documents concerned.
    pub documents: Vec<String>,
    /// `open` or `done`.
    pub status: String,
    /// The closing note.
    pub note: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Closed by.
    pub closed_by: Option<String>,
}

/// Which tasks to list.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// `open` or `done`; all when absent.
    pub status: Option<String>,
    /// Only tasks due on or before this day.
    pub due_until: Option<NaiveDate>,
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<u32>,
}

/// A task to store.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    /// The action that asks for it.
    pub action_id: Option<&'a str>,
    /// The agent.
    pub agent_id: &'a AgentId,
    /// The debtor.
    pub debtor: &'a str,
    /// What to do.
    pub subject: &'a str,
    /// Who.
    pub assignee: Option<&'a str>,
    /// By when.
    pub due: NaiveDate,
    /// The documents.
    pub documents: &'a [String],
}

const LETTER_COLS: &str = "letter_id, action_id, agent_id, debtor_external_id, number, kind, letter_date, \
     registered, addressee_json, category, return_receipt, tracking_number, file_name";

fn letter_row(r: &sqlx::any::AnyRow) -> Result<LetterRow, StoreError> {
    Ok(LetterRow {
        id: r.try_get(0)?,
        action_id: r.try_get(1)?,
        agent_id: r.try_get(2)?,
        debtor_external_id: r.try_get(3)?,
        number: r.try_get(4)?,
        kind: r.try_get(5)?,
        date: parse_day(&r.try_get::<String, _>(6)?)?,
        registered: r.try_get::<i64, _>(7)? != 0,
        addressee: serde_json::from_str(&r.try_get::<String, _>(8)?)
            .map_err(|e| corrupt("adresat", e))?,
        category: r.try_get(9)?,
        return_receipt: r.try_get::<i64, _>(10)? != 0,
        tracking_number: r.try_get(11)?,
        file_name: r.try_get(12)?,
    })
}

const TASK_COLS: &str = "task_id, action_id, agent_id, debtor_external_id, subject, assignee, due_day, \
     documents_json, status, note, created_at, closed_at, closed_by";

fn task_row(r: &sqlx::any::AnyRow) -> Result<TaskRow, StoreError> {
    Ok(TaskRow {
        id: r.try_get(0)?,
        action_id: r.try_get(1)?,
        agent_id: r.try_get(2)?,
        debtor_external_id: r.try_get(3)?,
        subject: r.try_get(4)?,
        assignee: r.try_get(5)?,
        due: parse_day(&r.try_get::<String, _>(6)?)?,
        documents: serde_json::from_str(&r.try_get::<String, _>(7)?)
            .map_err(|e| corrupt("dokumenty zadania", e))?,
        status: r.try_get(8)?,
        note: r.try_get(9)?,
        created_at: parse_ts(&r.try_get::<String, _>(10)?)?,
        closed_at: r
            .try_get::<Option<String>, _>(11)?
            .map(|t| parse_ts(&t))
            .transpose()?,
        closed_by: r.try_get(12)?,
    })
}

impl Store {
    /// The tenant's templates, by code.
    pub async fn templates(&self, tenant: &TenantScope) -> Result<Vec<StoredTemplate>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT code, definition_json, updated_at FROM templates WHERE tenant_id = $1 ORDER BY code",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get(0)?;
                Ok(StoredTemplate {
                    template: serde_json::from_str(&r.try_get::<String, _>(1)?)
                        .map_err(|e| corrupt(&format!("szablon {code}"), e))?,
                    code,
                    updated_at: parse_ts(&r.try_get::<String, _>(2)?)?,
                })
            })
            .collect()
    }

    /// One template, `None` when the tenant has none with that code.
    pub async fn template(
        &self,
        tenant: &TenantScope,
        code: &str,
    ) -> Result<Option<Template>, StoreError> {
        let tenant_id = tenant.as_str();
        let row =
            sqlx::query("SELECT definition_json FROM templates WHERE tenant_id = $1 AND code = $2")
                .bind(tenant_id)
                .bind(code)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            serde_json::from_str(&r.try_get::<String, _>(0)?)
                .map_err(|e| corrupt(&format!("szablon {code}"), e))
        })
        .transpose()
    }

    /// Adds or replaces a template the caller has validated (`Template::prepare_for_save`).
    pub async fn put_template(
        &self,
        tenant: &TenantScope,
        code: &str,
        template: &Template,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        if code.trim().is_empty() || code.len() > 64 {
            return Err(StoreError::invalid("code", "err-store-template-code", &[]));
        }
        sqlx::query(
            "INSERT INTO templates (tenant_id, code, channel, definition_json, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (tenant_id, code) DO UPDATE SET \
             channel = excluded.channel, definition_json = excluded.definition_json, updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(code)
        .bind(format!("{:?}", template.channel).to_lowercase())
        .bind(json(template)?)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Deletes a template no stage uses; the refusal names the processes and stages.
    pub async fn delete_template(
        &self,
        tenant: &TenantScope,
        code: &str,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        let users: Vec<String> = self
            .processes(tenant)
            .await?
            .iter()
            .flat_map(|p| {
                p.stages
                    .iter()
                    .filter(|s| s.template == code)
                    .map(move |s| format!("{}/{}", p.code, s.code))
            })
            .collect();
        if !users.is_empty() {
            return Err(StoreError::conflict(
                "err-store-template-in-use",
                &[("code", code.into()), ("stages", users.join(", ").into())],
            ));
        }
        let r = sqlx::query("DELETE FROM templates WHERE tenant_id = $1 AND code = $2")
            .bind(tenant_id)
            .bind(code)
            .execute(self.pool())
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::not_found(
                "err-what-template",
                &[("code", code.into())],
            ));
        }
        Ok(())
    }

    /// The tenant's channel settings (the defaults until set).
    pub async fn channel_settings(
        &self,
        tenant: &TenantScope,
    ) -> Result<ChannelSettings, StoreError> {
        self.channel_settings_of(tenant.as_str()).await
    }

    /// The settings of a tenant the caller already holds a right to (a case's creditor, reached
    /// through the case).
    pub(super) async fn channel_settings_of(
        &self,
        tenant_id: &str,
    ) -> Result<ChannelSettings, StoreError> {
        let row = sqlx::query("SELECT settings_json FROM channel_settings WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => serde_json::from_str(&r.try_get::<String, _>(0)?)
                .map_err(|e| corrupt("ustawienia kanałów", e)),
            None => Ok(ChannelSettings::default()),
        }
    }

    /// Replaces the tenant's channel settings.
    pub async fn set_channel_settings(
        &self,
        tenant: &TenantScope,
        settings: &ChannelSettings,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tenant_id = tenant.as_str();
        sqlx::query(
            "INSERT INTO channel_settings (tenant_id, settings_json, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id) DO UPDATE SET settings_json = excluded.settings_json, updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(json(settings)?)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The letter an action printed before, if any.
    pub async fn letter_for_action(
        &self,
        tenant: &TenantScope,
        action_id: &str,
    ) -> Result<Option<(LetterRow, Vec<u8>)>, StoreError> {
        let tenant_id = tenant.as_str();
        let sql = format!(
            "SELECT {LETTER_COLS}, pdf_base64 FROM letters WHERE tenant_id = $1 AND action_id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(action_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            let pdf = base64::engine::general_purpose::STANDARD
                .decode(r.try_get::<String, _>(13)?)
                .map_err(|e| corrupt("PDF pisma", e))?;
            Ok((letter_row(&r)?, pdf))
        })
        .transpose()
    }

    /// The next letter number of the tenant's year (gap-free unless a render fails after it).
    pub async fn next_letter_number(
        &self,
        tenant: &TenantScope,
        year: i32,
    ) -> Result<i64, StoreError> {
        let tenant_id = tenant.as_str();
        let n: i64 = sqlx::query(
            "INSERT INTO letter_counters (tenant_id, year, last_number) VALUES ($1, $2, 1) \
             ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = letter_counters.last_number + 1 \
             RETURNING last_number",
        )
        .bind(tenant_id)
        .bind(i64::from(year))
        .fetch_one(self.pool())
        .await?
        .try_get(0)?;
        Ok(n)
    }

    /// Stores a letter; an action's second letter is refused by the unique key, and the first
    /// is returned instead.
    pub async fn insert_letter(
        &self,
        tenant: &TenantScope,
        letter: &NewLetter<'_>,
        now: DateTime<Utc>,
    ) -> Result<LetterRow, StoreError> {
        let tenant_id = tenant.as_str();
        let (category, receipt) = match letter.registered {
            Some((c, r)) => (Some(category_code(c)), r),
            None => (None, false),
        };
        sqlx::query(
            "INSERT INTO letters (tenant_id, letter_id, action_id, agent_id, debtor_external_id, number, kind, \
             letter_date, registered, addressee_json, category, return_receipt, file_name, pdf_base64, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (tenant_id, action_id) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(new_id())
        .bind(letter.action_id)
        .bind(letter.agent_id)
        .bind(letter.debtor)
        .bind(letter.number)
        .bind(kind_code(letter.kind))
        .bind(super::day(letter.date))
        .bind(i64::from(letter.registered.is_some()))
        .bind(json(letter.addressee)?)
        .bind(category)
        .bind(i64::from(receipt))
        .bind(letter.file_name)
        .bind(base64::engine::general_purpose::STANDARD.encode(letter.pdf))
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        self.letter_for_action(tenant, letter.action_id)
            .await?
            .map(|(row, _)| row)
            .ok_or_else(|| {
                StoreError::not_found(
                    "err-what-action-letter",
                    &[("action", (&letter.action_id).into())],
                )
            })
    }

    /// Letters, newest first; only registered ones of one day when `posting_day` is given.
    pub async fn letters(
        &self,
        tenant: &TenantScope,
        posting_day: Option<NaiveDate>,
        debtor: Option<&str>,
    ) -> Result<Vec<LetterRow>, StoreError> {
        let tenant_id = tenant.as_str();
        let sql = format!(
            "SELECT {LETTER_COLS} FROM letters WHERE tenant_id = $1 \
             AND ($2 = '' OR (registered = 1 AND letter_date = $2)) \
             AND ($3 = '' OR debtor_external_id = $3) ORDER BY letter_date DESC, number DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(posting_day.map(super::day).unwrap_or_default())
            .bind(debtor.unwrap_or_default().to_owned())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(letter_row).collect()
    }

    /// One letter's PDF: file name and bytes.
    pub async fn letter_pdf(
        &self,
        tenant: &TenantScope,
        letter_id: &str,
    ) -> Result<(String, Vec<u8>), StoreError> {
        let tenant_id = tenant.as_str();
        let row = sqlx::query(
            "SELECT file_name, pdf_base64 FROM letters WHERE tenant_id = $1 AND letter_id = $2",
        )
        .bind(tenant_id)
        .bind(letter_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("err-what-letter", &[("id", letter_id.into())]))?;
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(row.try_get::<String, _>(1)?)
            .map_err(|e| corrupt("PDF pisma", e))?;
        Ok((row.try_get(0)?, pdf))
    }

    /// The posting book of a day: every registered letter dated that day, in number order.
    pub async fn posting_book(
        &self,
        tenant: &TenantScope,
        day: NaiveDate,
    ) -> Result<PostingBook, StoreError> {
        let settings = self.channel_settings(tenant).await?;
        let sender = settings
            .creditor
            .ok_or_else(|| StoreError::invalid("creditor", "err-store-creditor-missing", &[]))?;
        let mut letters = self.letters(tenant, Some(day), None).await?;
        letters.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(PostingBook {
            date: day,
            sender,
            entries: letters
                .into_iter()
                .map(|l| PostingEntry {
                    letter_number: l.number,
                    addressee: l.addressee.name,
                    street: l.addressee.street,
                    postcode_city: l.addressee.postcode_city,
                    category: match l.category.as_deref() {
                        Some("economy") => RegisteredCategory::Ekonomiczna,
                        _ => RegisteredCategory::Priorytetowa,
                    },
                    return_receipt: l.return_receipt,
                    tracking_number: l.tracking_number,
                })
                .collect(),
        })
    }

    /// Records the tracking number of a registered letter and tells the agent (the action's
    /// `posted` status carries the number as its provider id).
    pub async fn set_tracking_number(
        &self,
        tenant: &TenantScope,
        letter_id: &str,
        tracking: &str,
        now: DateTime<Utc>,
    ) -> Result<LetterRow, StoreError> {
        let tenant_id = tenant.as_str();
        let tracking = tracking.trim();
        if tracking.is_empty() || tracking.len() > 40 {
            return Err(StoreError::invalid(
                "tracking_number",
                "err-store-tracking-number",
                &[],
            ));
        }
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(
            "UPDATE letters SET tracking_number = $3 WHERE tenant_id = $1 AND letter_id = $2 AND registered = 1",
        )
        .bind(tenant_id)
        .bind(letter_id)
        .bind(tracking)
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() != 1 {
            return Err(StoreError::not_found(
                "err-what-registered-letter",
                &[("id", letter_id.into())],
            ));
        }
        let sql =
            format!("SELECT {LETTER_COLS} FROM letters WHERE tenant_id = $1 AND letter_id = $2");
        let letter = letter_row(
            &sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(tenant_id)
                .bind(letter_id)
                .fetch_one(&mut *tx)
                .await?,
        )?;
        let docs: Vec<String> = sqlx::query(
            "SELECT document_external_id FROM action_documents WHERE tenant_id = $1 AND action_id = $2 \
             ORDER BY document_external_id",
        )
        .bind(tenant_id)
        .bind(&letter.action_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        let stage: Option<String> =
            sqlx::query("SELECT stage_code FROM actions WHERE tenant_id = $1 AND action_id = $2")
                .bind(tenant_id)
                .bind(&letter.action_id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
        let event = ResultEvent::Action {
            action_id: letter.action_id.clone(),
            debtor_external_id: ExternalId::new(&letter.debtor_external_id)
                .map_err(|e| corrupt("dłużnik", e))?,
            document_external_ids: docs
                .iter()
                .map(|d| ExternalId::new(d).map_err(|e| corrupt("dokument", e)))
                .collect::<Result<_, _>>()?,
            stage: stage.unwrap_or_else(|| "manual".to_owned()),
            channel: "registered_letter".to_owned(),
            status: "posted".to_owned(),
            provider_id: Some(tracking.to_owned()),
            description: format!(
                "list polecony {} nadany, numer nadania {tracking}",
                letter.number
            ),
            automatic: true,
            cost_minor: None,
        };
        append_result_in(&mut tx, tenant_id, &letter.agent_id, now, &event).await?;
        tx.commit().await?;
        Ok(letter)
    }

    /// Stores a task; an action's second task is refused by the unique key and the first is
    /// returned.
    pub async fn insert_task(
        &self,
        tenant: &TenantScope,
        task: &NewTask<'_>,
        now: DateTime<Utc>,
    ) -> Result<TaskRow, StoreError> {
        let tenant_id = tenant.as_str();
        let id = new_id();
        sqlx::query(
            "INSERT INTO tasks (tenant_id, task_id, action_id, agent_id, debtor_external_id, subject, assignee, \
             due_day, documents_json, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10) \
             ON CONFLICT (tenant_id, action_id) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(&id)
        .bind(task.action_id)
        .bind(task.agent_id)
        .bind(task.debtor)
        .bind(task.subject)
        .bind(task.assignee)
        .bind(super::day(task.due))
        .bind(json(&task.documents)?)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        let sql = format!(
            "SELECT {TASK_COLS} FROM tasks WHERE tenant_id = $1 AND (task_id = $2 OR action_id = $3)"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(&id)
            .bind(task.action_id.unwrap_or_default())
            .fetch_one(self.pool())
            .await?;
        task_row(&row)
    }

    /// Tasks, oldest due first; only `status` ones when given.
    pub async fn tasks(
        &self,
        tenant: &TenantScope,
        status: Option<&str>,
    ) -> Result<Vec<TaskRow>, StoreError> {
        let tenant_id = tenant.as_str();
        let sql = format!(
            "SELECT {TASK_COLS} FROM tasks WHERE tenant_id = $1 AND ($2 = '' OR status = $2) \
             ORDER BY due_day, created_at, task_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(status.unwrap_or_default().to_owned())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(task_row).collect()
    }

    /// A page of tasks, oldest due first: only `status` ones when given, only those due on or
    /// before `due_until` when given; `after` is the previous page's cursor.
    pub async fn tasks_page(
        &self,
        tenant: &TenantScope,
        filter: &TaskFilter,
    ) -> Result<Page<TaskRow>, StoreError> {
        let limit = page_limit(filter.limit);
        let mut sql = Sql::new(&format!(
            "SELECT {TASK_COLS} FROM tasks WHERE tenant_id = $1"
        ));
        sql.text(tenant.as_str());
        if let Some(status) = filter.status.as_deref() {
            let p = sql.text(status);
            sql.push(&format!(" AND status = {p}"));
        }
        if let Some(day) = filter.due_until {
            let p = sql.text(day.to_string());
            sql.push(&format!(" AND due_day <= {p}"));
        }
        if let Some(after) = filter.after.as_deref() {
            let key = decode_cursor(after, 3)?;
            let (d1, d2, d3, c1, c2, id) = (
                sql.text(key[0].clone()),
                sql.text(key[0].clone()),
                sql.text(key[0].clone()),
                sql.text(key[1].clone()),
                sql.text(key[1].clone()),
                sql.text(key[2].clone()),
            );
            sql.push(&format!(
                " AND (due_day > {d1} OR (due_day = {d2} AND created_at > {c1}) \
                 OR (due_day = {d3} AND created_at = {c2} AND task_id > {id}))"
            ));
        }
        let l = sql.int(i64::from(limit) + 1);
        sql.push(&format!(" ORDER BY due_day, created_at, task_id LIMIT {l}"));
        let rows = sql.fetch(self).await?;
        let mut keys = Vec::with_capacity(rows.len());
        let mut items = Vec::with_capacity(rows.len());
        for r in rows.iter().take(limit as usize) {
            keys.push((
                r.try_get::<String, _>("due_day")?,
                r.try_get::<String, _>("created_at")?,
            ));
            items.push(task_row(r)?);
        }
        let next_cursor = if rows.len() > limit as usize {
            match (keys.last(), items.last()) {
                (Some((due, created)), Some(t)) => Some(encode_cursor(&[due, created, &t.id])),
                _ => None,
            }
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// One debtor's tasks, open first, then by due day.
    pub async fn debtor_tasks(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        debtor_external_id: &str,
    ) -> Result<Vec<TaskRow>, StoreError> {
        let sql = format!(
            "SELECT {TASK_COLS} FROM tasks WHERE tenant_id = $1 AND agent_id = $2 AND debtor_external_id = $3 \
             ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, due_day, created_at, task_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant.as_str())
            .bind(agent_id)
            .bind(debtor_external_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(task_row).collect()
    }

    /// Closes an open task.
    pub async fn close_task(
        &self,
        tenant: &TenantScope,
        task_id: &str,
        by: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<TaskRow, StoreError> {
        let tenant_id = tenant.as_str();
        let r = sqlx::query(
            "UPDATE tasks SET status = 'done', note = $3, closed_at = $4, closed_by = $5 \
             WHERE tenant_id = $1 AND task_id = $2 AND status = 'open'",
        )
        .bind(tenant_id)
        .bind(task_id)
        .bind(note)
        .bind(ts(now))
        .bind(by)
        .execute(self.pool())
        .await?;
        let sql = format!("SELECT {TASK_COLS} FROM tasks WHERE tenant_id = $1 AND task_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(task_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("err-what-task", &[("id", task_id.into())]))?;
        if r.rows_affected() == 0 {
            return Err(StoreError::conflict(
                "err-store-task-closed",
                &[("id", task_id.into())],
            ));
        }
        task_row(&row)
    }

    /// Blocks or unblocks sales to a debtor and tells its agent, unless it is already so.
    /// Returns whether anything changed.
    #[allow(clippy::too_many_arguments)] // one row's worth of context, all needed
    pub async fn set_sales_block(
        &self,
        tenant: &TenantScope,
        agent: &AgentId,
        debtor: &str,
        blocked: bool,
        reason: &str,
        action_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tenant_id = tenant.as_str();
        let agent_id = agent.as_str();
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(
            "INSERT INTO sales_blocks (tenant_id, agent_id, debtor_external_id, blocked, reason, action_id, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, agent_id, debtor_external_id) DO UPDATE SET \
             blocked = excluded.blocked, reason = excluded.reason, action_id = excluded.action_id, \
             updated_at = excluded.updated_at WHERE sales_blocks.blocked <> excluded.blocked",
        )
        .bind(tenant_id)
        .bind(agent_id)
        .bind(debtor)
        .bind(i64::from(blocked))
        .bind(reason)
        .bind(action_id)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        if r.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let event = ResultEvent::SalesBlock {
            debtor_external_id: ExternalId::new(debtor).map_err(|e| corrupt("dłużnik", e))?,
            blocked,
            reason: reason.to_owned(),
        };
        append_result_in(&mut tx, tenant_id, agent_id, now, &event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Blocked debtors that owe nothing any more (every document closed): the blocks to lift.
    pub async fn blocks_to_lift(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<(AgentId, String)>, StoreError> {
        let tenant_id = tenant.as_str();
        let rows = sqlx::query(
            "SELECT b.agent_id, b.debtor_external_id FROM sales_blocks b WHERE b.tenant_id = $1 AND b.blocked = 1 \
             AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = b.tenant_id AND d.agent_id = b.agent_id \
             AND d.debtor_external_id = b.debtor_external_id AND d.status = 'open') \
             ORDER BY b.agent_id, b.debtor_external_id",
        )
        .bind(tenant_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Applies a provider's delivery report to the sent SMS or voice action with that provider
    /// id, and tells the agent — or else to the SMS notification sent by hand with it. `idx`,
    /// when the report comes from a callback, must be the one the message was sent with. `false`
    /// when no such message awaits a report: another service's message, an e-mail or test-mode
    /// id, an `idx` that does not match, or a delivery status already recorded (a final status
    /// is never changed afterwards).
    pub async fn record_delivery(
        &self,
        provider_id: &str,
        idx: Option<&str>,
        status: &str,
        delivered: bool,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // The callback names no tenant: provider ids are unique across the service.
        let Some(row) = sqlx::query(
            "SELECT tenant_id, action_id, agent_id, debtor_external_id, stage_code, channel, description, \
             manual, cost_minor, COALESCE(provider_key, idem_key) FROM actions WHERE provider_id = $1 \
             AND status = 'sent' AND channel IN ('sms', 'voice') AND delivery_status IS NULL \
             AND provider_id NOT LIKE 'test-mode%'",
        )
        .bind(provider_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            tx.rollback().await?;
            return self
                .record_notification_delivery(provider_id, idx, status, at)
                .await;
        };
        if let Some(idx) = idx {
            let expected = inkaso_channels::smsapi::idx_for(&row.try_get::<String, _>(9)?);
            if idx != expected {
                tracing::warn!(
                    provider_id,
                    "delivery report whose idx is not the action's: ignored"
                );
                return Ok(false);
            }
        }
        let tenant_id: String = row.try_get(0)?;
        let action_id: String = row.try_get(1)?;
        let agent_id: String = row.try_get(2)?;
        sqlx::query(
            "UPDATE actions SET delivery_status = $3, delivered_at = $4, updated_at = $4 \
             WHERE tenant_id = $1 AND action_id = $2",
        )
        .bind(&tenant_id)
        .bind(&action_id)
        .bind(status)
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
        let docs: Vec<String> = sqlx::query(
            "SELECT document_external_id FROM action_documents WHERE tenant_id = $1 AND action_id = $2 \
             ORDER BY document_external_id",
        )
        .bind(&tenant_id)
        .bind(&action_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        let manual = row.try_get::<i64, _>(7)? != 0;
        let event = ResultEvent::Action {
            action_id: action_id.clone(),
            debtor_external_id: ExternalId::new(&row.try_get::<String, _>(3)?)
                .map_err(|e| corrupt("dłużnik", e))?,
            document_external_ids: docs
                .iter()
                .map(|d| ExternalId::new(d).map_err(|e| corrupt("dokument", e)))
                .collect::<Result<_, _>>()?,
            stage: if manual {
                "manual".to_owned()
            } else {
                row.try_get(4)?
            },
            channel: row.try_get(5)?,
            status: if delivered {
                "delivered"
            } else {
                "undelivered"
            }
            .to_owned(),
            provider_id: Some(provider_id.to_owned()),
            description: crate::i18n::text_with(
                inkaso_shared::Lang::Pl,
                "record-delivery-report",
                &[
                    (
                        "description",
                        row.try_get::<Option<String>, _>(6)?
                            .unwrap_or_default()
                            .into(),
                    ),
                    ("status", status.into()),
                ],
            ),
            automatic: !manual,
            cost_minor: row.try_get(8)?,
        };
        append_result_in(&mut tx, &tenant_id, &agent_id, at, &event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// [`Store::record_delivery`] for a notification sent by hand (its key is
    /// `notification:<tenant>:<id>`, as `App::send_notification` sends it).
    async fn record_notification_delivery(
        &self,
        provider_id: &str,
        idx: Option<&str>,
        status: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT tenant_id, notification_id FROM notifications WHERE provider_id = $1 \
             AND status = 'sent' AND delivery_status IS NULL",
        )
        .bind(provider_id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(false);
        };
        let tenant_id: String = row.try_get(0)?;
        let id: String = row.try_get(1)?;
        if let Some(idx) = idx
            && idx != inkaso_channels::smsapi::idx_for(&format!("notification:{tenant_id}:{id}"))
        {
            tracing::warn!(
                provider_id,
                "delivery report whose idx is not the notification's: ignored"
            );
            return Ok(false);
        }
        // Conditional: two reports at once (the callback and the poll) record one status.
        let r = sqlx::query(
            "UPDATE notifications SET delivery_status = $3, delivered_at = $4 \
             WHERE tenant_id = $1 AND notification_id = $2 AND delivery_status IS NULL",
        )
        .bind(&tenant_id)
        .bind(&id)
        .bind(status)
        .bind(ts(at))
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }
}

impl Store {
    /// What the VAT register cache knows of a company: its lookup status (`pending`, `found`,
    /// `not_found`, `error`) and address; `None` when it was never asked.
    pub async fn company_address(
        &self,
        tenant: &TenantScope,
        nip: &str,
    ) -> Result<Option<(String, Option<String>)>, StoreError> {
        let tenant_id = tenant.as_str();
        let row =
            sqlx::query("SELECT status, address FROM companies WHERE tenant_id = $1 AND nip = $2")
                .bind(tenant_id)
                .bind(nip)
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }
}

impl Store {
    /// SMS and voice actions, and SMS notifications sent by hand, sent between `after` and
    /// `before` whose delivery is not known yet, oldest first, across tenants (the poller is the
    /// service's): provider id and channel.
    pub async fn awaiting_delivery(
        &self,
        before: DateTime<Utc>,
        after: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT provider_id, channel, done_at FROM actions WHERE status = 'sent' AND channel IN ('sms', 'voice') \
             AND provider_id IS NOT NULL AND delivery_status IS NULL AND done_at < $1 AND done_at > $2 \
             UNION ALL SELECT provider_id, 'sms', sent_at FROM notifications WHERE status = 'sent' AND kind = 'sms' \
             AND provider_id IS NOT NULL AND provider_id NOT LIKE 'test-mode%' AND delivery_status IS NULL \
             AND sent_at < $1 AND sent_at > $2 \
             ORDER BY 3 LIMIT $3",
        )
        .bind(ts(before))
        .bind(ts(after))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}
