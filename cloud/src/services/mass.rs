//! Mass notifications (R-N6): the wizard's preview — who gets what text, in how many SMS parts
//! and at what cost, who is skipped and why — then the batch created in one step (its form's
//! request id makes a double click or a retry create nothing twice) and sent in the background
//! one message at a time, with its progress, an abort the sender reads before each message,
//! and a resume that sends what is left. Every message goes through
//! [`App::send_notification`]: its checks (consent, legal status) are made again at sending
//! and its claim keeps two senders from sending one notification twice. Who is picked:
//! `domain::mass`.

use chrono::NaiveDate;
use inkaso_channels::template::{ChannelKind, Creditor, DocumentLine, RenderContext};
use inkaso_shared::Localized as _;

use super::{App, ServiceError};
use crate::domain::Invalid;
use crate::domain::mass::{MassFilter, pick};
use crate::domain::notifications::{NotificationKind, snapshot};
use crate::process::Channel;
use crate::process::calendar::local_date;
use crate::process::compose::ChannelSettings;
use crate::store::TenantScope;
use crate::store::notifications::{BatchView, NewBatch, NewNotification};

/// One debtor the batch would notify.
#[derive(Debug, Clone)]
pub struct MassItem {
    /// The debtor's id.
    pub debtor_id: String,
    /// Its name.
    pub name: String,
    /// The mobile (E.164).
    pub number: String,
    /// The SMS as it would be sent.
    pub text: String,
    /// Its parts.
    pub parts: usize,
    /// What the chosen documents add up to (minor units) and their currency.
    pub total: (i64, String),
}

/// One debtor the filter picked who gets nothing, and why.
#[derive(Debug, Clone)]
pub struct MassSkipped {
    /// The debtor's id.
    pub debtor_id: String,
    /// Its name.
    pub name: String,
    /// `deceased`, `bankrupt`, `excluded`, `no_mobile`, `no_consent`, `recently_notified`,
    /// or `too_long` (the text does not fit the template's parts).
    pub reason: String,
    /// More, for `too_long`.
    pub detail: Option<String>,
}

/// What the wizard shows before the firm confirms.
#[derive(Debug, Clone)]
pub struct MassPreview {
    /// Who gets what.
    pub items: Vec<MassItem>,
    /// Who is skipped, and why.
    pub skipped: Vec<MassSkipped>,
    /// SMS parts in all.
    pub parts: usize,
    /// Their cost in grosze, when the firm set a part's price.
    pub cost_grosze: Option<i64>,
}

impl App {
    /// The SMS templates a mass notification may use: `(code, name)`.
    pub async fn sms_templates(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<(String, String)>, ServiceError> {
        Ok(self
            .store
            .templates(tenant)
            .await?
            .into_iter()
            .filter(|t| t.template.channel == ChannelKind::Sms)
            .map(|t| (t.code, t.template.name))
            .collect())
    }

    /// Who `filter` picks and what template `code` would send each of them today.
    pub async fn mass_preview(
        &self,
        tenant: &TenantScope,
        filter: &MassFilter,
        code: &str,
    ) -> Result<MassPreview, ServiceError> {
        filter.check()?;
        let template = match self.store.template(tenant, code).await? {
            Some(t) if t.channel == ChannelKind::Sms => t,
            _ => {
                return Err(Invalid::new(
                    "template",
                    "err-service-mass-template",
                    &[("code", code.into())],
                )
                .into());
            }
        };
        let now = self.clock.now();
        let today = local_date(now);
        let settings = self.store.channel_settings(tenant).await?;
        let policy = self.store.collection_settings(tenant).await?.policy;
        let tenant_name = self.store.tenant(tenant).await?.name;
        let rows = self.store.debtor_rows(tenant, None).await?;
        let picked = pick(
            &rows,
            filter,
            today,
            now,
            policy.channels.consent_required.contains(&Channel::Sms),
        );
        let keys: Vec<(String, String)> = picked
            .iter()
            .map(|p| {
                (
                    p.rows.agent_id.as_str().to_owned(),
                    p.rows.state.external_id.as_str().to_owned(),
                )
            })
            .collect();
        let links = self.store.debtor_links(tenant, &keys).await?;
        let mut preview = MassPreview {
            items: Vec::new(),
            skipped: Vec::new(),
            parts: 0,
            cost_grosze: None,
        };
        for (p, key) in picked.iter().zip(&keys) {
            let Some(link) = links.get(key) else { continue };
            let skipped = |reason: &str, detail: Option<String>| MassSkipped {
                debtor_id: link.id.clone(),
                name: link.name.clone(),
                reason: reason.to_owned(),
                detail,
            };
            if let Err(why) = p.verdict {
                preview.skipped.push(skipped(why.code(), None));
                continue;
            }
            let ctx = context(&settings, &tenant_name, p.rows, &p.documents, today);
            let prepared = template
                .render(&ctx)
                .map_err(|e| e.message(inkaso_shared::Lang::Pl))
                .and_then(|r| {
                    inkaso_channels::sms::prepare(&r.text, template.max_parts, false)
                        .map_err(|e| e.to_string())
                });
            let prepared = match prepared {
                Ok(p) => p,
                Err(why) => {
                    preview.skipped.push(skipped("too_long", Some(why)));
                    continue;
                }
            };
            let currency = p
                .documents
                .first()
                .map(|d| d.currency.to_string())
                .unwrap_or_default();
            preview.parts += prepared.length.parts;
            preview.items.push(MassItem {
                debtor_id: link.id.clone(),
                name: link.name.clone(),
                number: p
                    .rows
                    .phone
                    .as_ref()
                    .map(|x| x.e164().to_owned())
                    .unwrap_or_default(),
                text: prepared.text,
                parts: prepared.length.parts,
                total: (p.total_minor, currency),
            });
        }
        preview.cost_grosze = settings
            .sms
            .part_price_grosze
            .map(|g| i64::from(g).saturating_mul(i64::try_from(preview.parts).unwrap_or(i64::MAX)));
        Ok(preview)
    }

    /// Creates the batch of `request_id` (once: a repeated request returns the first batch)
    /// with one unsent SMS notification per debtor the preview would notify now.
    pub async fn create_mass(
        &self,
        tenant: &TenantScope,
        actor: &str,
        request_id: &str,
        filter: &MassFilter,
        code: &str,
    ) -> Result<String, ServiceError> {
        let preview = self.mass_preview(tenant, filter, code).await?;
        if preview.items.is_empty() {
            return Err(ServiceError::conflict("err-service-mass-empty", &[]));
        }
        let ids: Vec<&str> = preview.items.iter().map(|i| i.debtor_id.as_str()).collect();
        let mut open = self.store.snapshot_documents_of(tenant, &ids).await?;
        let today = local_date(self.clock.now());
        let snapshots: Vec<_> = preview
            .items
            .iter()
            .map(|i| snapshot(open.remove(&i.debtor_id).unwrap_or_default(), today))
            .collect();
        let items: Vec<NewNotification<'_>> = preview
            .items
            .iter()
            .zip(&snapshots)
            .map(|(i, snap)| NewNotification {
                debtor_id: &i.debtor_id,
                kind: NotificationKind::Sms,
                status: "unsent",
                text: &i.text,
                note: None,
                promise_date: None,
                snapshot: snap,
                author: actor,
                to_number: Some(&i.number),
            })
            .collect();
        let filter_json = serde_json::to_string(filter).unwrap_or_default();
        let now = self.clock.now();
        let (id, created) = self
            .store
            .create_batch(
                tenant,
                &NewBatch {
                    request_id,
                    template: code,
                    filter_json: &filter_json,
                    author: actor,
                },
                &items,
                now,
            )
            .await?;
        if created {
            self.store
                .audit(
                    tenant,
                    actor,
                    "notification.batch",
                    &id,
                    &format!("{} SMS", items.len()),
                    now,
                )
                .await?;
        }
        Ok(id)
    }

    /// Sends the batch's unsent notifications one at a time until done or aborted (an abort
    /// asked meanwhile is read before each message); a second call resumes with what is left
    /// (and tries the failed ones again).
    pub async fn send_batch(
        &self,
        tenant: &TenantScope,
        actor: &str,
        id: &str,
    ) -> Result<BatchView, ServiceError> {
        let retry_failed = self.store.batch(tenant, id).await?.state != "created";
        let pending = self
            .store
            .batch_pending(tenant, id, retry_failed, self.clock.now())
            .await?;
        self.store
            .set_batch_state(tenant, id, "sending", self.clock.now())
            .await?;
        for n in pending {
            if self
                .store
                .batch_heartbeat(tenant, id, self.clock.now())
                .await?
            {
                self.store
                    .set_batch_state(tenant, id, "aborted", self.clock.now())
                    .await?;
                return Ok(self.store.batch(tenant, id).await?);
            }
            match self.send_notification(tenant, actor, &n).await {
                // Refused now (a STOP since, a status changed) or taken by another sender:
                // it stays as it is, the batch goes on.
                Ok(_) | Err(ServiceError::Conflict { .. } | ServiceError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        self.store
            .set_batch_state(tenant, id, "done", self.clock.now())
            .await?;
        Ok(self.store.batch(tenant, id).await?)
    }

    /// Sends the batch on a task of its own ([`App::send_batch`]): the request that made or
    /// resumed it answers at once, its progress is read with [`App::batch`].
    pub fn spawn_send_batch(&self, tenant: TenantScope, actor: String, id: String) {
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(e) = app.send_batch(&tenant, &actor, &id).await {
                tracing::warn!(tenant = %tenant, batch = %id, error = %e, "mass notification stopped on an error");
            }
        });
    }

    /// Asks the batch's sender to stop before its next message.
    pub async fn abort_batch(
        &self,
        tenant: &TenantScope,
        actor: &str,
        id: &str,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        self.store.request_batch_abort(tenant, id, now).await?;
        self.store
            .audit(tenant, actor, "notification.batch_abort", id, "", now)
            .await?;
        Ok(())
    }

    /// A batch with its progress.
    pub async fn batch(&self, tenant: &TenantScope, id: &str) -> Result<BatchView, ServiceError> {
        Ok(self.store.batch(tenant, id).await?)
    }
}

/// What a template sees for a debtor's chosen documents.
fn context(
    settings: &ChannelSettings,
    tenant_name: &str,
    rows: &crate::process::state::DebtorRows,
    docs: &[&inkaso_shared::Document],
    today: NaiveDate,
) -> RenderContext {
    RenderContext {
        today,
        creditor: settings.creditor.clone().unwrap_or_else(|| Creditor {
            name: tenant_name.to_owned(),
            nip: None,
            street: String::new(),
            postcode_city: String::new(),
            bank_account: String::new(),
            contact: None,
        }),
        debtor_name: rows.name.clone(),
        file_number: rows.state.external_id.as_str().to_owned(),
        receivable_code: String::new(),
        receivable_name: String::new(),
        documents: docs
            .iter()
            .map(|d| DocumentLine::from_document(d, today))
            .collect(),
        instalment: None,
        promise_date: None,
        deadline: Some(today + chrono::Duration::days(i64::from(settings.deadline_days))),
    }
}
