//! Notifications a firm's people make by hand (R-N4, seed 000): an SMS the system sends, or an
//! SMS sent from a phone and a phone call, recorded only — each with a note, maybe a promised
//! payment day, and a snapshot of what the debtor owed when it was made (past due, not yet due,
//! overpaid), which the portal shows beside today's figures; and, afterwards, whether the
//! debtor settled what was open then: fully, partly or not (R-N5's "settlement after notice").
//! Pure: `crate::services::notifications` reads, sends and writes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Invalid;

/// What kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// An SMS the system sends (through the firm's SMS channel).
    Sms,
    /// An SMS someone sent from a phone: recorded only.
    ExternalSms,
    /// A phone call: recorded only.
    Call,
}

impl NotificationKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            NotificationKind::Sms => "sms",
            NotificationKind::ExternalSms => "external_sms",
            NotificationKind::Call => "call",
        }
    }

    /// From the stored code.
    pub fn parse(code: &str) -> Option<NotificationKind> {
        match code {
            "sms" => Some(NotificationKind::Sms),
            "external_sms" => Some(NotificationKind::ExternalSms),
            "call" => Some(NotificationKind::Call),
            _ => None,
        }
    }

    /// Whether the system sends it (else it records what already happened).
    pub fn is_sent_by_us(self) -> bool {
        self == NotificationKind::Sms
    }
}

/// One open document as the snapshot keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentThen {
    /// The document's id.
    pub id: String,
    /// Its due date.
    pub due_date: NaiveDate,
    /// Still to pay then (negative: overpaid).
    pub remaining_minor: i64,
    /// ISO code.
    pub currency: String,
}

/// What the debtor owed in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Owed {
    /// Past due.
    pub arrears_minor: i64,
    /// Not yet due.
    pub future_minor: i64,
    /// Paid too much (credit notes, overpayments), as a positive amount.
    pub overpayment_minor: i64,
}

/// What the debtor owed when a notification was made (or today).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// Per currency.
    pub owed: BTreeMap<String, Owed>,
    /// The documents open then (settlement is judged on them).
    pub documents: Vec<DocumentThen>,
}

/// The snapshot of `docs` (the debtor's open documents) on `today`; sums saturate.
pub fn snapshot(docs: Vec<DocumentThen>, today: NaiveDate) -> Snapshot {
    let mut owed: BTreeMap<String, Owed> = BTreeMap::new();
    for d in &docs {
        let o = owed.entry(d.currency.clone()).or_default();
        if d.remaining_minor < 0 {
            o.overpayment_minor = o
                .overpayment_minor
                .saturating_add(d.remaining_minor.saturating_neg());
        } else if d.due_date < today {
            o.arrears_minor = o.arrears_minor.saturating_add(d.remaining_minor);
        } else {
            o.future_minor = o.future_minor.saturating_add(d.remaining_minor);
        }
    }
    Snapshot {
        owed,
        documents: docs,
    }
}

/// How much of what was owed at a notification has been paid since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Everything open then is paid.
    Fully,
    /// Some of it.
    Partly,
    /// Nothing (or there was nothing to pay).
    Not,
}

impl Settlement {
    /// The filter's and the catalogue's code.
    pub fn code(self) -> &'static str {
        match self {
            Settlement::Fully => "fully",
            Settlement::Partly => "partly",
            Settlement::Not => "not",
        }
    }
}

/// What became of the documents open at `then`, given each one's remaining amount `now`
/// (a document missing from `now` is closed: nothing left).
pub fn settlement(then: &Snapshot, now: &BTreeMap<String, i64>) -> Settlement {
    let owed: Vec<&DocumentThen> = then
        .documents
        .iter()
        .filter(|d| d.remaining_minor > 0)
        .collect();
    if owed.is_empty() {
        return Settlement::Not;
    }
    let before: i64 = owed
        .iter()
        .fold(0, |s, d| s.saturating_add(d.remaining_minor));
    let after: i64 = owed.iter().fold(0, |s, d| {
        s.saturating_add(
            now.get(&d.id)
                .copied()
                .unwrap_or(0)
                .clamp(0, d.remaining_minor),
        )
    });
    if after == 0 {
        Settlement::Fully
    } else if after < before {
        Settlement::Partly
    } else {
        Settlement::Not
    }
}

/// Checks a new notification's text and promised day: text needed (an SMS at most 6 parts is
/// checked where it is folded), a promise not in the past.
pub fn check_new(
    kind: NotificationKind,
    text: &str,
    promise: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if text.trim().is_empty() {
        let id = if kind == NotificationKind::Call {
            "err-domain-notification-call-text"
        } else {
            "err-domain-notification-text"
        };
        return Err(Invalid::new("text", id, &[]));
    }
    if text.chars().count() > 2_000 {
        return Err(Invalid::new(
            "text",
            "err-domain-notification-long",
            &[("max", 2_000u32.into())],
        ));
    }
    if let Some(day) = promise
        && day < today
    {
        return Err(Invalid::new(
            "promise_date",
            "err-domain-notification-promise-past",
            &[],
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(t: &str) -> NaiveDate {
        t.parse().unwrap()
    }

    fn doc(id: &str, due: &str, minor: i64) -> DocumentThen {
        DocumentThen {
            id: id.into(),
            due_date: day(due),
            remaining_minor: minor,
            currency: "PLN".into(),
        }
    }

    #[test]
    fn a_snapshot_splits_what_is_owed_into_past_due_not_yet_due_and_overpaid() {
        let s = snapshot(
            vec![
                doc("A", "2026-11-01", 10_000),
                doc("B", "2026-12-07", 5_000),
                doc("KOR", "2026-10-01", -1_500),
            ],
            day("2026-12-07"),
        );
        assert_eq!(
            s.owed["PLN"],
            Owed {
                arrears_minor: 10_000,
                future_minor: 5_000,
                overpayment_minor: 1_500
            }
        );
        assert_eq!(s.documents.len(), 3);
    }

    #[test]
    fn settlement_after_a_notice_is_full_partial_or_none() {
        let then = snapshot(
            vec![
                doc("A", "2026-11-01", 10_000),
                doc("B", "2026-12-20", 5_000),
            ],
            day("2026-12-07"),
        );
        let now =
            |pairs: &[(&str, i64)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        assert_eq!(
            settlement(&then, &now(&[])),
            Settlement::Fully,
            "both closed"
        );
        assert_eq!(
            settlement(&then, &now(&[("A", 0), ("B", 0)])),
            Settlement::Fully
        );
        assert_eq!(
            settlement(&then, &now(&[("A", 10_000), ("B", 1)])),
            Settlement::Partly
        );
        assert_eq!(
            settlement(&then, &now(&[("A", 10_000), ("B", 5_000)])),
            Settlement::Not
        );
        // A document that grew (a correction) does not count as "not paid" twice.
        assert_eq!(
            settlement(&then, &now(&[("A", 12_000), ("B", 0)])),
            Settlement::Partly
        );
        assert_eq!(settlement(&Snapshot::default(), &now(&[])), Settlement::Not);
    }

    #[test]
    fn a_new_notification_needs_its_text_and_no_promise_in_the_past() {
        let today = day("2026-12-07");
        assert!(check_new(NotificationKind::Sms, "Prosimy o wpłatę", None, today).is_ok());
        assert_eq!(
            check_new(NotificationKind::Call, "  ", None, today)
                .unwrap_err()
                .field,
            "text"
        );
        assert_eq!(
            check_new(NotificationKind::Sms, "x", Some(day("2026-12-06")), today)
                .unwrap_err()
                .field,
            "promise_date"
        );
        assert!(check_new(NotificationKind::Call, "Obiecał", Some(today), today).is_ok());
        assert_eq!(
            NotificationKind::parse("external_sms"),
            Some(NotificationKind::ExternalSms)
        );
        assert_eq!(NotificationKind::parse("fax"), None);
    }
}
