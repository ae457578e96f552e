//! The channels' use cases: SMS and e-mail templates, the channel settings (creditor, sender,
//! letters), the letters with their PDFs, tracking numbers and posting books, and the tasks the
//! engine leaves for the firm's employees; SMSAPI's delivery reports.

use chrono::{DateTime, NaiveDate, Utc};
use inkaso_channels::posting::PostingBook;
use inkaso_channels::sms::SmsChange;
use inkaso_channels::smsapi::DeliveryReport;
use inkaso_channels::template::Template;
use inkaso_shared::Localized as _;

use super::{App, ServiceError, before_after};
use crate::process::compose::ChannelSettings;
use crate::store::TenantScope;
use crate::store::channels::{LetterRow, StoredTemplate, TaskRow};

/// A template as saved.
#[derive(Debug, Clone)]
pub struct SavedTemplate {
    /// The template, as prepared for saving.
    pub template: Template,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// What saving changed in an SMS template (Polish letters replaced, characters removed).
    pub sms_changes: Vec<SmsChange>,
}

/// What the SMS connection test found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsCheck {
    /// The service sends no SMS (no provider configured): tenants in test mode still see
    /// what would go.
    NotConfigured {
        /// The firm's sender name.
        sender: Option<String>,
    },
    /// The provider knows the token.
    Connected {
        /// The provider account's login.
        username: String,
        /// Points left on it.
        points: inkaso_channels::smsapi::Points,
        /// The firm's sender name (the service's when `None`).
        sender: Option<String>,
    },
    /// The provider refused or could not be reached.
    Failed {
        /// Why, in Polish.
        message_pl: String,
        /// Why, in English.
        message_en: String,
    },
}

impl App {
    /// The tenant's templates, by code.
    pub async fn templates(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<StoredTemplate>, ServiceError> {
        Ok(self.store.templates(tenant).await?)
    }

    /// One template, `None` when the tenant has none with that code.
    pub async fn template(
        &self,
        tenant: &TenantScope,
        code: &str,
    ) -> Result<Option<Template>, ServiceError> {
        Ok(self.store.template(tenant, code).await?)
    }

    /// Adds or replaces the template `code`; an SMS template is prepared for the network first
    /// (what that changed is returned), an invalid one refused naming `template`.
    pub async fn save_template(
        &self,
        tenant: &TenantScope,
        actor: &str,
        code: &str,
        mut template: Template,
    ) -> Result<SavedTemplate, ServiceError> {
        let sms_changes = template.prepare_for_save()?;
        let now = self.clock.now();
        let before = self.store.template(tenant, code).await?;
        self.store
            .put_template(tenant, code, &template, now)
            .await?;
        self.store
            .audit(
                tenant,
                actor,
                "template.put",
                code,
                &before_after(&before, &Some(&template)),
                now,
            )
            .await?;
        Ok(SavedTemplate {
            template,
            updated_at: now,
            sms_changes,
        })
    }

    /// Deletes a template no stage uses.
    pub async fn delete_template(
        &self,
        tenant: &TenantScope,
        actor: &str,
        code: &str,
    ) -> Result<(), ServiceError> {
        self.store.delete_template(tenant, code).await?;
        self.store
            .audit(tenant, actor, "template.delete", code, "", self.clock.now())
            .await?;
        Ok(())
    }

    /// The channel settings (defaults when never set).
    pub async fn channel_settings(
        &self,
        tenant: &TenantScope,
    ) -> Result<ChannelSettings, ServiceError> {
        Ok(self.store.channel_settings(tenant).await?)
    }

    /// The settings' SMS connection test: asks the provider for the account behind the
    /// service's token (SMSAPI's `/profile`), with the firm's sender name as it will go.
    pub async fn check_sms_account(&self, tenant: &TenantScope) -> Result<SmsCheck, ServiceError> {
        let settings = self.store.channel_settings(tenant).await?;
        let sender = settings.sms.sender;
        let Some(client) = self.engine.channels.sms_account() else {
            return Ok(SmsCheck::NotConfigured { sender });
        };
        Ok(match client.profile().await {
            Ok(p) => SmsCheck::Connected {
                username: p.username,
                points: p.points,
                sender,
            },
            Err(e) => SmsCheck::Failed {
                message_pl: e.message(inkaso_shared::Lang::Pl),
                message_en: e.message(inkaso_shared::Lang::En),
            },
        })
    }

    /// Saves the channel settings, checked by the core ([`crate::domain::settings`]); returns
    /// them as saved (the bank account in its print form).
    pub async fn save_channel_settings(
        &self,
        tenant: &TenantScope,
        actor: &str,
        settings: &ChannelSettings,
    ) -> Result<ChannelSettings, ServiceError> {
        let settings = &crate::domain::settings::check_channel_settings(settings.clone())?;
        let now = self.clock.now();
        let before = self.store.channel_settings(tenant).await?;
        self.store
            .set_channel_settings(tenant, settings, now)
            .await?;
        self.store
            .audit(
                tenant,
                actor,
                "channel_settings.put",
                "",
                &before_after(&Some(before), &Some(settings)),
                now,
            )
            .await?;
        Ok(settings.clone())
    }

    /// Letters, newest first: a posting day's registered ones, or a debtor's.
    pub async fn letters(
        &self,
        tenant: &TenantScope,
        posting_day: Option<NaiveDate>,
        debtor: Option<&str>,
    ) -> Result<Vec<LetterRow>, ServiceError> {
        Ok(self.store.letters(tenant, posting_day, debtor).await?)
    }

    /// A letter's PDF and its file name.
    pub async fn letter_pdf(
        &self,
        tenant: &TenantScope,
        letter_id: &str,
    ) -> Result<(String, Vec<u8>), ServiceError> {
        Ok(self.store.letter_pdf(tenant, letter_id).await?)
    }

    /// Records a registered letter's tracking number.
    pub async fn set_tracking_number(
        &self,
        tenant: &TenantScope,
        letter_id: &str,
        tracking_number: &str,
    ) -> Result<LetterRow, ServiceError> {
        Ok(self
            .store
            .set_tracking_number(tenant, letter_id, tracking_number, self.clock.now())
            .await?)
    }

    /// A day's posting book ("książka nadawcza").
    pub async fn posting_book(
        &self,
        tenant: &TenantScope,
        day: NaiveDate,
    ) -> Result<PostingBook, ServiceError> {
        Ok(self.store.posting_book(tenant, day).await?)
    }

    /// Tasks, by status (`open`, `done`) or all.
    pub async fn tasks(
        &self,
        tenant: &TenantScope,
        status: Option<&str>,
    ) -> Result<Vec<TaskRow>, ServiceError> {
        Ok(self.store.tasks(tenant, status).await?)
    }

    /// A page of tasks, oldest due first.
    pub async fn tasks_page(
        &self,
        tenant: &TenantScope,
        filter: &crate::store::channels::TaskFilter,
    ) -> Result<crate::store::query::Page<TaskRow>, ServiceError> {
        Ok(self.store.tasks_page(tenant, filter).await?)
    }

    /// One debtor's tasks (by its agent and ERP key), open first.
    pub async fn debtor_tasks(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        debtor_external_id: &str,
    ) -> Result<Vec<TaskRow>, ServiceError> {
        Ok(self
            .store
            .debtor_tasks(tenant, agent_id, debtor_external_id)
            .await?)
    }

    /// Applies SMSAPI's delivery reports: a final status reaches a sent SMS or voice action with
    /// that message id and the same `idx` only, and only once (history and the agent's feed).
    /// A report for an unknown message is ignored (another service's message).
    pub async fn record_delivery_reports(
        &self,
        reports: &[DeliveryReport],
    ) -> Result<(), ServiceError> {
        for r in reports.iter().filter(|r| r.status.is_final()) {
            let at = r.done_at.unwrap_or_else(|| self.clock.now());
            // A report without idx cannot be tied to our action: ours always carry one.
            let idx = r.idx.as_deref().unwrap_or("");
            let applied = self
                .store
                .record_delivery(
                    &r.msg_id,
                    Some(idx),
                    r.status.name(),
                    r.status.is_delivered(),
                    at,
                )
                .await?;
            tracing::info!(msg_id = %r.msg_id, status = r.status.name(), applied, "SMSAPI delivery report");
        }
        Ok(())
    }

    /// Closes a task, with an optional note.
    pub async fn close_task(
        &self,
        tenant: &TenantScope,
        actor: &str,
        task_id: &str,
        note: Option<&str>,
    ) -> Result<TaskRow, ServiceError> {
        Ok(self
            .store
            .close_task(tenant, task_id, actor, note, self.clock.now())
            .await?)
    }
}
