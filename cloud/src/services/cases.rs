//! Cases handed to law firms, as use cases: the client hands a debtor's documents over, reads
//! and annotates its cases; the law firm lists, reads, accepts or rejects, moves and annotates
//! the cases handed to it. The state machine is the core's ([`crate::domain::cases`]); each
//! change, its event, the agent's feed item and the audit entry are one store transaction.
//! A client's operations take its scope; a law firm's take the law firm's own scope, so a firm
//! reaches only the cases handed to it.

use std::collections::BTreeMap;

use super::{App, ServiceError};
use crate::domain::cases::{CaseStatus, PartnerDecision, check_file};
use crate::domain::interest::{self, Claim, Debtor, Owed};
use crate::store::TenantScope;
use crate::store::cases::{
    Case, CaseDetail, CaseFile, CaseFilter, CaseParty, NewCase, NewCaseFile, OpenedCase,
    PageRequest,
};
use crate::store::query::Page;

impl App {
    /// The client's cases, most recently changed first.
    pub async fn client_cases(
        &self,
        tenant: &TenantScope,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<Case>, ServiceError> {
        Ok(self.store.cases_for_client(tenant, filter, page).await?)
    }

    /// The law firms the client can hand cases to: `(partner id, name)`.
    pub async fn linked_partners(
        &self,
        tenant: &TenantScope,
    ) -> Result<Vec<(String, String)>, ServiceError> {
        Ok(self.store.linked_partners(tenant).await?)
    }

    /// Hands a debtor's open documents over to the tenant's law firm (idempotent: the same
    /// documents already handed over give the open case back, `created` false).
    pub async fn hand_off(
        &self,
        tenant: &TenantScope,
        actor: &str,
        new: &NewCase,
    ) -> Result<OpenedCase, ServiceError> {
        Ok(self
            .store
            .open_case_reporting(tenant, new, actor, self.clock.now())
            .await?)
    }

    /// One of the client's cases with everything handed over and since.
    pub async fn client_case(
        &self,
        tenant: &TenantScope,
        case_id: &str,
    ) -> Result<CaseDetail, ServiceError> {
        Ok(self.store.case(CaseParty::Client(tenant), case_id).await?)
    }

    /// A note of the client's on its case.
    pub async fn client_case_note(
        &self,
        tenant: &TenantScope,
        actor: &str,
        case_id: &str,
        note: &str,
    ) -> Result<Case, ServiceError> {
        self.case_note(CaseParty::Client(tenant), actor, case_id, note)
            .await
    }

    /// The cases handed to a law firm by every client using it.
    pub async fn partner_cases(
        &self,
        partner: &TenantScope,
        filter: &CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<Case>, ServiceError> {
        Ok(self.store.cases_for_partner(partner, filter, page).await?)
    }

    /// How many of the law firm's cases the filter finds in each status (its status aside).
    pub async fn partner_case_counts(
        &self,
        partner: &TenantScope,
        filter: &CaseFilter,
    ) -> Result<BTreeMap<CaseStatus, u64>, ServiceError> {
        Ok(self
            .store
            .case_counts(CaseParty::Partner(partner), filter)
            .await?)
    }

    /// How many cases each creditor handed to the law firm, per status: creditor id → counts.
    pub async fn partner_counts_per_creditor(
        &self,
        partner: &TenantScope,
    ) -> Result<BTreeMap<String, BTreeMap<CaseStatus, u64>>, ServiceError> {
        Ok(self.store.case_counts_per_creditor(partner).await?)
    }

    /// The client firms that hand cases to the law firm: `(id, name)`, by name.
    pub async fn partner_creditors(
        &self,
        partner: &TenantScope,
    ) -> Result<Vec<(String, String)>, ServiceError> {
        Ok(self.store.partner_creditors(partner).await?)
    }

    /// One case handed to the law firm.
    pub async fn partner_case(
        &self,
        partner: &TenantScope,
        case_id: &str,
    ) -> Result<CaseDetail, ServiceError> {
        Ok(self
            .store
            .case(CaseParty::Partner(partner), case_id)
            .await?)
    }

    /// The law firm accepts or rejects a case handed to it.
    pub async fn partner_decide(
        &self,
        partner: &TenantScope,
        actor: &str,
        case_id: &str,
        decision: PartnerDecision,
        note: Option<&str>,
    ) -> Result<Case, ServiceError> {
        Ok(self
            .store
            .partner_decide(partner, case_id, decision, note, actor, self.clock.now())
            .await?)
    }

    /// The law firm moves a case to `status` (its code); a move the state machine does not
    /// allow is refused saying from what to what.
    pub async fn partner_set_status(
        &self,
        partner: &TenantScope,
        actor: &str,
        case_id: &str,
        status: &str,
        note: Option<&str>,
    ) -> Result<Case, ServiceError> {
        let status = CaseStatus::parse(status, "status")?;
        Ok(self
            .store
            .partner_set_status(partner, case_id, status, note, actor, self.clock.now())
            .await?)
    }

    /// A payment the law firm records under a settlement (amount in the case's currency, minor
    /// units; the day it was paid; an optional note): shown to the creditor and sent to its
    /// agent. Refused on a case the firm has not taken or has finished, for an amount that is
    /// not positive, or a day in the future.
    pub async fn partner_record_payment(
        &self,
        partner: &TenantScope,
        actor: &str,
        case_id: &str,
        payment: (i64, chrono::NaiveDate),
        note: Option<&str>,
    ) -> Result<Case, ServiceError> {
        Ok(self
            .store
            .record_payment(partner, case_id, payment, note, actor, self.clock.now())
            .await?)
    }

    /// A note of the law firm's for the client.
    pub async fn partner_case_note(
        &self,
        partner: &TenantScope,
        actor: &str,
        case_id: &str,
        note: &str,
    ) -> Result<Case, ServiceError> {
        self.case_note(CaseParty::Partner(partner), actor, case_id, note)
            .await
    }

    /// What each handed-over document adds today beyond what is owed: statutory interest and
    /// the recovery compensation (in the order of `c.documents`), at the creditor's rates (the
    /// ones its letters print).
    pub fn claims_today(&self, c: &CaseDetail) -> Vec<Claim> {
        let today = self.clock.now().date_naive();
        let debtor = if c.debtor.kind == "company" {
            Debtor::Business
        } else {
            Debtor::Consumer
        };
        c.documents
            .iter()
            .map(|d| {
                interest::claim(
                    &c.rates,
                    debtor,
                    Owed {
                        due: d.due_date,
                        amount_minor: d.amount_minor,
                        owed_minor: d.remaining_minor,
                        currency: &d.currency,
                    },
                    today,
                )
            })
            .collect()
    }

    /// A file attached to a case by the party (a court filing, a settlement's scan): checked by
    /// its bytes and size ([`check_file`]), stored with the case, shown to both sides.
    pub async fn attach_case_file(
        &self,
        party: CaseParty<'_>,
        actor: &str,
        case_id: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<CaseFile, ServiceError> {
        let (name, content_type) = check_file(name, bytes)?;
        Ok(self
            .store
            .attach_file(
                party,
                case_id,
                &NewCaseFile {
                    name: &name,
                    content_type,
                    bytes,
                },
                actor,
                self.clock.now(),
            )
            .await?)
    }

    /// One file of a case the party sees, with its content.
    pub async fn case_file(
        &self,
        party: CaseParty<'_>,
        case_id: &str,
        file_id: &str,
    ) -> Result<(CaseFile, Vec<u8>), ServiceError> {
        Ok(self.store.case_file(party, case_id, file_id).await?)
    }

    async fn case_note(
        &self,
        party: CaseParty<'_>,
        actor: &str,
        case_id: &str,
        note: &str,
    ) -> Result<Case, ServiceError> {
        Ok(self
            .store
            .add_note(party, case_id, note, actor, self.clock.now())
            .await?)
    }
}
