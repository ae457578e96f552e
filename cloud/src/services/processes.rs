//! The tenant's collection setup as use cases: processes (save, delete, make default), group
//! rules, the collection settings (test mode, policy) and paused channels. Validation is the
//! core's ([`crate::process`]: a process and the set, the in-use refusal); each change is
//! audited here.

use super::collection::PlanInputs;
use super::{App, ServiceError, before_after};
use crate::domain::Invalid;
use crate::process::{Channel, DebtorCase, Decision, GroupRule, Process, forecast};
use crate::store::TenantScope;
use crate::store::processes::{CollectionSettings, ProcessStoreError};

/// Freshness limits a tenant may set, in hours: zero would hold everything for ever, more than
/// 30 days would chase invoices on month-old data.
pub const SYNC_MAX_AGE_HOURS: std::ops::RangeInclusive<u32> = 1..=720;

/// How far ahead the process editor's preview looks, in days.
pub const PREVIEW_DAYS: u32 = 30;

/// Whose data a process preview ran on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewScope {
    /// The debtors the process applies to now.
    Assigned,
    /// No debtor has the process yet: every debtor with open documents, as if it applied to
    /// them all, which is what a new default process would do.
    AllDebtors,
}

/// What a process (saved or not) would do over the next [`PREVIEW_DAYS`] days.
#[derive(Debug, Clone)]
pub struct ProcessPreview {
    /// Whose data.
    pub scope: PreviewScope,
    /// How many debtors it ran on.
    pub debtors: usize,
    /// Each action, in time order, with the debtor's name.
    pub rows: Vec<PreviewRow>,
}

/// One action of a preview.
#[derive(Debug, Clone)]
pub struct PreviewRow {
    /// The debtor's name.
    pub debtor_name: String,
    /// Due (with the instant it would go) or skipped with its reason.
    pub decision: Decision,
}

/// A process as saved, and whether it was new.
#[derive(Debug, Clone)]
pub struct SavedProcess {
    /// The process as stored.
    pub process: Process,
    /// `true` when no process had its code before.
    pub created: bool,
}

impl From<ProcessStoreError> for ServiceError {
    fn from(e: ProcessStoreError) -> Self {
        match e {
            ProcessStoreError::Store(s) => s.into(),
            ProcessStoreError::Process(p) => ServiceError::Process(p),
        }
    }
}

impl App {
    /// The tenant's processes, by code.
    pub async fn processes(&self, tenant: &TenantScope) -> Result<Vec<Process>, ServiceError> {
        Ok(self.store.processes(tenant).await?)
    }

    /// One process.
    pub async fn process(&self, tenant: &TenantScope, code: &str) -> Result<Process, ServiceError> {
        Ok(self.store.process(tenant, code).await?)
    }

    /// Adds or replaces the process `code`; the body's code must be the same.
    pub async fn save_process(
        &self,
        tenant: &TenantScope,
        actor: &str,
        code: &str,
        process: Process,
    ) -> Result<SavedProcess, ServiceError> {
        if process.code != code {
            return Err(Invalid::new(
                "code",
                "err-service-process-code-mismatch",
                &[("body", (&process.code).into()), ("path", code.into())],
            )
            .into());
        }
        let now = self.clock.now();
        let before = self
            .store
            .processes(tenant)
            .await?
            .into_iter()
            .find(|x| x.code == code);
        let set = self.store.put_process(tenant, process, now).await?;
        let stored = set.into_iter().find(|x| x.code == code).ok_or_else(|| {
            crate::store::StoreError::not_found("err-what-process", &[("code", code.into())])
        })?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "process.put",
                code,
                &before_after(&before, &stored),
                now,
            )
            .await?;
        Ok(SavedProcess {
            process: stored,
            created: before.is_none(),
        })
    }

    /// What `process` would send over the next `days` days on the tenant's current data,
    /// assuming nobody pays: the editor's "before saving" view. Nothing is stored. The process
    /// is validated first, so a preview never runs a process that could not be saved.
    pub async fn preview_process(
        &self,
        tenant: &TenantScope,
        process: &Process,
        days: u32,
    ) -> Result<ProcessPreview, ServiceError> {
        crate::domain::collection::check_forecast_days(days)?;
        process.validate()?;
        let inputs = PlanInputs::load(&self.store, tenant).await?;
        let rows = self.store.debtor_rows(tenant, None).await?;
        let mut assigned = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if inputs
                .assignment(r)?
                .is_some_and(|(p, _)| p.code == process.code)
            {
                assigned.push(i);
            }
        }
        let (scope, chosen) = if assigned.is_empty() {
            let open = (0..rows.len())
                .filter(|&i| !rows[i].documents.is_empty())
                .collect();
            (PreviewScope::AllDebtors, open)
        } else {
            (PreviewScope::Assigned, assigned)
        };
        let now = self.clock.now();
        let mut out = Vec::new();
        for &i in &chosen {
            let r = &rows[i];
            let case = DebtorCase {
                debtor: r.state.clone(),
                documents: r.documents.clone(),
                history: r.history.clone(),
            };
            out.extend(
                forecast(&inputs.settings.policy, process, &case, now, days)
                    .into_iter()
                    .map(|decision| PreviewRow {
                        debtor_name: r.name.clone(),
                        decision,
                    }),
            );
        }
        out.sort_by(|a, b| {
            a.decision
                .slot
                .cmp(&b.decision.slot)
                .then_with(|| a.debtor_name.cmp(&b.debtor_name))
        });
        Ok(ProcessPreview {
            scope,
            debtors: chosen.len(),
            rows: out,
        })
    }

    /// Deletes a process no debtor, rule or default uses.
    pub async fn delete_process(
        &self,
        tenant: &TenantScope,
        actor: &str,
        code: &str,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let before = self
            .store
            .processes(tenant)
            .await?
            .into_iter()
            .find(|x| x.code == code);
        self.store.delete_process(tenant, code, now).await?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "process.delete",
                code,
                &before_after(&before, &serde_json::Value::Null),
                now,
            )
            .await?;
        Ok(())
    }

    /// Makes `code` the default process; returns the set.
    pub async fn set_default_process(
        &self,
        tenant: &TenantScope,
        actor: &str,
        code: &str,
    ) -> Result<Vec<Process>, ServiceError> {
        let now = self.clock.now();
        let set = self.store.set_default_process(tenant, code, now).await?;
        self.plans_changed(tenant);
        self.store
            .audit(tenant, actor, "process.default", code, "", now)
            .await?;
        Ok(set)
    }

    /// The group rules, in order.
    pub async fn group_rules(&self, tenant: &TenantScope) -> Result<Vec<GroupRule>, ServiceError> {
        Ok(self.store.group_rules(tenant).await?)
    }

    /// Replaces the group rules; a rule naming no process is refused naming the rule.
    pub async fn set_group_rules(
        &self,
        tenant: &TenantScope,
        actor: &str,
        rules: Vec<GroupRule>,
    ) -> Result<Vec<GroupRule>, ServiceError> {
        let processes = self.store.processes(tenant).await?;
        if let Some((i, r)) = rules
            .iter()
            .enumerate()
            .find(|(_, r)| !processes.iter().any(|p| p.code == r.process))
        {
            return Err(Invalid::new(
                format!("[{i}].process"),
                "err-service-rule-no-process",
                &[("rule", (&(i + 1)).into()), ("code", (&r.process).into())],
            )
            .into());
        }
        let now = self.clock.now();
        let before = self.store.group_rules(tenant).await?;
        self.store.set_group_rules(tenant, &rules, now).await?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "process.rules",
                "",
                &before_after(&before, &rules),
                now,
            )
            .await?;
        Ok(rules)
    }

    /// The collection settings (defaults when never set).
    pub async fn collection_settings(
        &self,
        tenant: &TenantScope,
    ) -> Result<CollectionSettings, ServiceError> {
        Ok(self.store.collection_settings(tenant).await?)
    }

    /// Saves the collection settings (test mode, policy).
    pub async fn save_collection_settings(
        &self,
        tenant: &TenantScope,
        actor: &str,
        settings: CollectionSettings,
    ) -> Result<CollectionSettings, ServiceError> {
        if !SYNC_MAX_AGE_HOURS.contains(&settings.policy.sync_max_age_hours) {
            return Err(Invalid::new(
                "policy.sync_max_age_hours",
                "err-service-sync-max-age",
                &[
                    ("min", (*SYNC_MAX_AGE_HOURS.start()).into()),
                    ("max", (*SYNC_MAX_AGE_HOURS.end()).into()),
                ],
            )
            .into());
        }
        let now = self.clock.now();
        let before = self.store.collection_settings(tenant).await?;
        self.store
            .set_collection_settings(tenant, &settings, now)
            .await?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "collection.settings",
                "",
                &before_after(&before, &settings),
                now,
            )
            .await?;
        Ok(settings)
    }

    /// Resumes a channel the provider paused for the tenant.
    pub async fn resume_channel(
        &self,
        tenant: &TenantScope,
        actor: &str,
        channel: Channel,
    ) -> Result<(), ServiceError> {
        self.store.resume_channel(tenant, channel).await?;
        self.plans_changed(tenant);
        self.store
            .audit(
                tenant,
                actor,
                "collection.resume_channel",
                channel.code(),
                "",
                self.clock.now(),
            )
            .await?;
        Ok(())
    }
}
