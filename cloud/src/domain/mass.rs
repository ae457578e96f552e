//! Mass notifications (R-N6, seed 000's "generowanie masowe"): which debtors a filter picks —
//! receivables due within the last or the next days, an amount range, the debtors' groups
//! (tags), not notified lately — and which of them are skipped, and why (deceased, bankrupt,
//! excluded, no mobile, no consent, notified within the quiet days). Pure: the debtors come as
//! the engine reads them (`process::DebtorRows`); `crate::services::mass` renders, creates and
//! sends.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use inkaso_shared::Document;
use serde::{Deserialize, Serialize};

use super::Invalid;
use crate::process::state::DebtorRows;
use crate::process::{ActionStatus, Channel, LegalStatus};

/// The wizard's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassFilter {
    /// Receivables due at most this many days ago (none: any overdue).
    pub overdue_within_days: Option<u32>,
    /// Receivables due at most this many days ahead (none: nothing not yet due).
    pub due_within_days: Option<u32>,
    /// The debtor's chosen receivables add up to at least this (minor units).
    pub min_minor: Option<i64>,
    /// At most this.
    pub max_minor: Option<i64>,
    /// Only debtors with one of these tags (groups); empty: every debtor.
    pub tags: Vec<String>,
    /// Skip debtors notified (by hand or by a process) within this many days.
    pub quiet_days: Option<u32>,
}

/// The widest windows and amounts a filter takes.
const MAX_DAYS: u32 = 3_650;

impl MassFilter {
    /// Checks the filter: windows within ten years, a range that is one.
    pub fn check(&self) -> Result<(), Invalid> {
        for (field, v) in [
            ("overdue_within_days", self.overdue_within_days),
            ("due_within_days", self.due_within_days),
            ("quiet_days", self.quiet_days),
        ] {
            if v.is_some_and(|d| d > MAX_DAYS) {
                return Err(Invalid::new(
                    field,
                    "err-domain-mass-days",
                    &[("max", MAX_DAYS.into())],
                ));
            }
        }
        if self.overdue_within_days.is_none() && self.due_within_days.is_none() {
            return Err(Invalid::new(
                "overdue_within_days",
                "err-domain-mass-window",
                &[],
            ));
        }
        if self.min_minor.is_some_and(|m| m < 0) || self.max_minor.is_some_and(|m| m < 0) {
            return Err(Invalid::new("min_minor", "err-domain-mass-amount", &[]));
        }
        if let (Some(min), Some(max)) = (self.min_minor, self.max_minor)
            && min > max
        {
            return Err(Invalid::new("max_minor", "err-domain-mass-range", &[]));
        }
        Ok(())
    }
}

/// Why a picked debtor gets no notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    /// The debtor has died.
    Deceased,
    /// The debtor is bankrupt.
    Bankrupt,
    /// Excluded from collection.
    Excluded,
    /// No mobile number.
    NoMobile,
    /// No consent to SMS.
    NoConsent,
    /// Notified within the quiet days.
    RecentlyNotified,
}

impl Skip {
    /// The stored and catalogue code.
    pub fn code(self) -> &'static str {
        match self {
            Skip::Deceased => "deceased",
            Skip::Bankrupt => "bankrupt",
            Skip::Excluded => "excluded",
            Skip::NoMobile => "no_mobile",
            Skip::NoConsent => "no_consent",
            Skip::RecentlyNotified => "recently_notified",
        }
    }
}

/// A debtor the filter picked: its chosen documents (due-date order) and their sum, and
/// whether it is notified or why not.
#[derive(Debug, Clone)]
pub struct Picked<'a> {
    /// The debtor as the engine reads it.
    pub rows: &'a DebtorRows,
    /// The documents chosen by the windows.
    pub documents: Vec<&'a Document>,
    /// Their remaining amounts (saturating), in the first document's currency.
    pub total_minor: i64,
    /// `Ok` to notify, else why not.
    pub verdict: Result<(), Skip>,
}

/// Picks the debtors `filter` chooses among `debtors` on `today`, in name order. `last_manual`
/// gives a debtor's last notification by hand (its `last_contact_at` holds it too); sent
/// actions of any process count as notifications for the quiet days. `consent_required`: the
/// firm's policy asks SMS consent (the default).
pub fn pick<'a>(
    debtors: &'a [DebtorRows],
    filter: &MassFilter,
    today: NaiveDate,
    now: DateTime<Utc>,
    consent_required: bool,
) -> Vec<Picked<'a>> {
    let earliest = filter
        .overdue_within_days
        .map(|d| today - Duration::days(i64::from(d)));
    let latest_overdue = today - Duration::days(1);
    let latest = filter
        .due_within_days
        .map(|d| today + Duration::days(i64::from(d)));
    let in_window = |due: NaiveDate| {
        let overdue = earliest.is_some_and(|e| due >= e && due <= latest_overdue);
        let upcoming = latest.is_some_and(|l| due >= today && due <= l);
        overdue || upcoming
    };
    let mut out: Vec<Picked<'a>> = debtors
        .iter()
        .filter(|r| filter.tags.is_empty() || r.state.tags.iter().any(|t| filter.tags.contains(t)))
        .filter_map(|r| {
            let mut docs: Vec<&Document> = r
                .documents
                .iter()
                .filter(|d| d.open && !d.excluded && d.document.remaining_minor > 0)
                .map(|d| &d.document)
                .filter(|d| in_window(d.due_date))
                .collect();
            if docs.is_empty() {
                return None;
            }
            docs.sort_by(|a, b| {
                (a.due_date, a.number.as_str()).cmp(&(b.due_date, b.number.as_str()))
            });
            let total = docs
                .iter()
                .fold(0i64, |s, d| s.saturating_add(d.remaining_minor));
            if filter.min_minor.is_some_and(|m| total < m)
                || filter.max_minor.is_some_and(|m| total > m)
            {
                return None;
            }
            Some(Picked {
                rows: r,
                documents: docs,
                total_minor: total,
                verdict: verdict(r, filter, now, consent_required),
            })
        })
        .collect();
    out.sort_by(|a, b| a.rows.name.cmp(&b.rows.name));
    out
}

fn verdict(
    r: &DebtorRows,
    f: &MassFilter,
    now: DateTime<Utc>,
    consent_required: bool,
) -> Result<(), Skip> {
    match r.state.legal_status {
        LegalStatus::Deceased => return Err(Skip::Deceased),
        LegalStatus::Bankrupt => return Err(Skip::Bankrupt),
        LegalStatus::Active => {}
    }
    if r.state.excluded {
        return Err(Skip::Excluded);
    }
    if !r
        .phone
        .as_ref()
        .is_some_and(inkaso_shared::Phone::is_mobile)
    {
        return Err(Skip::NoMobile);
    }
    if consent_required && !r.state.consent.sms {
        return Err(Skip::NoConsent);
    }
    if let Some(days) = f.quiet_days {
        let since = now - Duration::days(i64::from(days));
        let by_hand = r.state.last_contact_at.is_some_and(|t| t >= since);
        let by_process = r.history.iter().any(|h| {
            h.status == ActionStatus::Sent
                && h.at >= since
                && matches!(h.channel, Channel::Sms | Channel::Email | Channel::Voice)
        });
        if by_hand || by_process {
            return Err(Skip::RecentlyNotified);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_needs_a_window_and_a_range_that_is_one() {
        let ok = MassFilter {
            overdue_within_days: Some(30),
            ..MassFilter::default()
        };
        assert!(ok.check().is_ok());
        assert_eq!(
            MassFilter::default().check().unwrap_err().field,
            "overdue_within_days"
        );
        let bad = MassFilter {
            min_minor: Some(500),
            max_minor: Some(100),
            ..ok.clone()
        };
        assert_eq!(bad.check().unwrap_err().field, "max_minor");
        let far = MassFilter {
            quiet_days: Some(10_000),
            ..ok
        };
        assert_eq!(far.check().unwrap_err().field, "quiet_days");
    }
}
