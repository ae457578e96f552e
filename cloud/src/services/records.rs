//! What the agents synced, as the firm reads and steers it: debtors (with contacts, consents
//! and company data), documents, payments, the agents' health, exclusions, and the audit log.

use inkaso_shared::{Nip, Phone};

use super::{App, ServiceError};
use crate::domain::Invalid;
use crate::store::accounts::{AuditEntry, AuditFilter};
use crate::store::query::{
    AgentHealth, CompanyView, ConsentChange, DebtorDetail, DebtorFilter, DebtorView,
    DocumentFilter, DocumentView, ExclusionView, NewExclusion, Page, PaymentFilter, PaymentView,
};
use crate::store::{StoreError, TenantScope};

/// A consent to record.
#[derive(Debug, Clone, Copy)]
pub struct ConsentOrder<'a> {
    /// Given (or withdrawn).
    pub consent: bool,
    /// Where it comes from.
    pub source: &'a str,
    /// The legal basis it rests on.
    pub basis: Option<&'a str>,
    /// The mobile an SMS consent was given for, when the caller names it: checked against the
    /// debtor's own.
    pub number: Option<&'a str>,
}

impl App {
    /// Debtors by the filter, a page.
    pub async fn debtors(
        &self,
        tenant: &TenantScope,
        f: &DebtorFilter,
    ) -> Result<Page<DebtorView>, ServiceError> {
        // "Overdue" and "paused" are judged on the application's today (its clock).
        let f = DebtorFilter {
            today: Some(f.today.unwrap_or_else(|| self.clock.now().date_naive())),
            ..f.clone()
        };
        Ok(self.store.list_debtors(tenant, &f).await?)
    }

    /// How many debtors the filter finds, for "1–50 of N".
    pub async fn count_debtors(
        &self,
        tenant: &TenantScope,
        f: &DebtorFilter,
    ) -> Result<u64, ServiceError> {
        let f = DebtorFilter {
            today: Some(f.today.unwrap_or_else(|| self.clock.now().date_naive())),
            ..f.clone()
        };
        Ok(self.store.count_debtors(tenant, &f).await?)
    }

    /// One debtor with contacts, documents (days overdue as of today) and company data.
    pub async fn debtor(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
    ) -> Result<DebtorDetail, ServiceError> {
        let today = self.clock.now().date_naive();
        Ok(self.store.debtor_detail(tenant, debtor_id, today).await?)
    }

    /// The id of the debtor an agent knows by `external_id` (for links from documents and
    /// actions, which name their debtor by the ERP's key).
    pub async fn debtor_id_of(
        &self,
        tenant: &TenantScope,
        agent_id: &str,
        external_id: &str,
    ) -> Result<Option<String>, ServiceError> {
        Ok(self
            .store
            .debtor_id_by_key(tenant, agent_id, external_id)
            .await?)
    }

    /// The ids and names of the debtors behind `(agent, ERP key)` pairs a page shows.
    pub async fn debtor_links(
        &self,
        tenant: &TenantScope,
        keys: &[(String, String)],
    ) -> Result<
        std::collections::HashMap<(String, String), crate::store::query::DebtorLink>,
        ServiceError,
    > {
        Ok(self.store.debtor_links(tenant, keys).await?)
    }

    /// Every debtor's name by (agent, ERP key).
    pub async fn debtor_names(
        &self,
        tenant: &TenantScope,
    ) -> Result<std::collections::HashMap<(String, String), String>, ServiceError> {
        Ok(self.store.debtor_names(tenant).await?)
    }

    /// Records a debtor's consent to a channel (`sms`, `email`) from a named source, with the
    /// legal basis it rests on when given. A debtor has one consented mobile: an SMS consent
    /// given for a `number` other than the debtor's own is refused — naming the consented one
    /// when there is one, else the ERP's (the number is changed in the ERP, not here).
    pub async fn set_consent(
        &self,
        tenant: &TenantScope,
        actor: &str,
        debtor_id: &str,
        channel: &str,
        order: ConsentOrder<'_>,
    ) -> Result<(), ServiceError> {
        let source = order.source.trim();
        if source.is_empty() {
            return Err(Invalid::new("source", "err-service-consent-source", &[]).into());
        }
        let number = order.number.map(str::trim).filter(|n| !n.is_empty());
        if let (true, Some(number)) = (channel == "sms" && order.consent, number) {
            self.same_mobile(tenant, debtor_id, number).await?;
        }
        let basis = order.basis.map(str::trim).filter(|b| !b.is_empty());
        let change = ConsentChange {
            channel,
            consent: order.consent,
            source,
            actor,
            basis,
        };
        self.store
            .set_consent(tenant, debtor_id, &change, self.clock.now())
            .await?;
        self.plans_changed(tenant);
        Ok(())
    }

    /// Refuses an SMS consent for `number` unless it is the debtor's own mobile.
    async fn same_mobile(
        &self,
        tenant: &TenantScope,
        debtor_id: &str,
        number: &str,
    ) -> Result<(), ServiceError> {
        let given = Phone::parse(number)
            .ok()
            .filter(Phone::is_mobile)
            .ok_or_else(|| Invalid::new("number", "err-service-consent-number", &[]))?;
        let detail = self
            .store
            .debtor_detail(tenant, debtor_id, self.clock.now().date_naive())
            .await?;
        let Some(contact) = detail.contacts.iter().find(|c| c.channel == "sms") else {
            return Err(StoreError::not_found(
                "err-what-contact",
                &[("channel", "sms".into()), ("debtor", debtor_id.into())],
            )
            .into());
        };
        let own = Phone::parse(&contact.value).ok();
        if own.as_ref() == Some(&given) {
            return Ok(());
        }
        let own = own.map_or_else(|| contact.value.clone(), |p| p.e164().to_owned());
        Err(if contact.consent == Some(true) {
            ServiceError::conflict(
                "err-service-consent-second-mobile",
                &[("first", own.into()), ("number", given.e164().into())],
            )
        } else {
            ServiceError::conflict(
                "err-service-consent-not-the-debtors",
                &[("erp", own.into()), ("number", given.e164().into())],
            )
        })
    }

    /// Documents by the filter, a page (days overdue as of today).
    pub async fn documents(
        &self,
        tenant: &TenantScope,
        f: &DocumentFilter,
    ) -> Result<Page<DocumentView>, ServiceError> {
        let today = self.clock.now().date_naive();
        Ok(self.store.list_documents(tenant, f, today).await?)
    }

    /// How many documents the filter finds, for "1–50 of N".
    pub async fn count_documents(
        &self,
        tenant: &TenantScope,
        f: &DocumentFilter,
    ) -> Result<u64, ServiceError> {
        let today = self.clock.now().date_naive();
        Ok(self.store.count_documents(tenant, f, today).await?)
    }

    /// One document.
    pub async fn document(
        &self,
        tenant: &TenantScope,
        document_id: &str,
    ) -> Result<DocumentView, ServiceError> {
        let today = self.clock.now().date_naive();
        Ok(self.store.document(tenant, document_id, today).await?)
    }

    /// Payments by the filter, a page.
    pub async fn payments(
        &self,
        tenant: &TenantScope,
        f: &PaymentFilter,
    ) -> Result<Page<PaymentView>, ServiceError> {
        Ok(self.store.list_payments(tenant, f).await?)
    }

    /// The firm's agents and their health (last sync, queue, last error).
    pub async fn agents_health(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<AgentHealth>, ServiceError> {
        Ok(self.store.agents_health(tenant).await?)
    }

    /// The firm's exclusions.
    pub async fn exclusions(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<ExclusionView>, ServiceError> {
        Ok(self.store.list_exclusions(tenant).await?)
    }

    /// Adds an exclusion.
    pub async fn create_exclusion(
        &self,
        tenant: &TenantScope,
        actor: &str,
        new: &NewExclusion,
    ) -> Result<ExclusionView, ServiceError> {
        Ok(self
            .store
            .create_exclusion(tenant, new, actor, self.clock.now())
            .await?)
    }

    /// Removes an exclusion.
    pub async fn delete_exclusion(
        &self,
        tenant: &TenantScope,
        actor: &str,
        exclusion_id: &str,
    ) -> Result<(), ServiceError> {
        Ok(self
            .store
            .delete_exclusion(tenant, exclusion_id, actor, self.clock.now())
            .await?)
    }

    /// A company's data from the VAT register, as last looked up.
    pub async fn company(
        &self,
        tenant: &TenantScope,
        nip: &str,
    ) -> Result<CompanyView, ServiceError> {
        let nip = nip.trim();
        self.store
            .company(tenant, nip)
            .await?
            .ok_or_else(|| StoreError::not_found("err-what-nip", &[("nip", nip.into())]).into())
    }

    /// Asks for a fresh look-up of a company in the VAT register.
    pub async fn refresh_company(
        &self,
        tenant: &TenantScope,
        nip: &str,
    ) -> Result<(), ServiceError> {
        let nip = Nip::parse(nip).map_err(|e| Invalid::of("nip", &e))?;
        Ok(self.store.request_company(tenant, nip.as_str()).await?)
    }

    /// A page of the firm's audit log, newest first.
    pub async fn audit_log(
        &self,
        tenant: &TenantScope,
        filter: &AuditFilter,
    ) -> Result<Page<AuditEntry>, ServiceError> {
        Ok(self.store.audit_log(tenant, filter).await?)
    }
}
