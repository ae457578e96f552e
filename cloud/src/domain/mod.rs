//! The cloud's pure core: the domain's values and rules, with no I/O — no database, web,
//! async runtime or clock of its own. The store persists these values, the application
//! services (`crate::services`) combine them with I/O, and the faces (HTTP, CLI) translate them
//! to and from their wire forms.
//!
//! - [`accounts`]: the kinds of tenant and users' roles.
//! - [`ids`]: typed identifiers (tenants, agents, partners, cases, users).
//! - [`cases`]: cases handed off to law firms — their statuses and the moves between them.
//! - [`case_mail`]: the e-mails about them — when a law firm's digest is due, what firms set.
//! - [`inbound`]: SMS from debtors — "Saldo" and "STOP" read, the balance a reply gives, its
//!   template's tags, the daily limit per number.
//! - [`mass`]: mass notifications — which debtors a filter picks and why some are skipped.
//! - [`notifications`]: notifications made by hand — kinds, the snapshot of what was owed,
//!   settlement after a notice.
//! - [`collection`]: a debtor's tags, on-demand runs' and the forecast's bounds.
//! - [`settings`]: the channel settings' checks (creditor, NRB/IBAN, deadlines).
//! - [`stats`]: payment-delay statistics — DSO (simple, countback, best possible), ADD, CEI,
//!   weighted days, ageing, a debtor's delays and trend, month by month.
//! - [`predict`]: when an open document will probably be paid, with an interval and a reason,
//!   and how well a method predicts ([`predict::evaluate`]).
//! - [`market`]: the anonymised market comparison per debtor sector and invoice size, and
//!   each firm's verdict (stable, improved, its sectors', its own).
//! - [`interest`]: what a handed-over document adds today (statutory interest, the recovery
//!   compensation) at the creditor's rates, over `inkaso_channels::interest`.
//! - [`crate::process`]: the process engine (models, calendar, planner, forecast).

pub mod accounts;
pub mod case_mail;
pub mod cases;
pub mod collection;
pub mod ids;
pub mod inbound;
pub mod interest;
pub mod market;
pub mod mass;
pub mod notifications;
pub mod predict;
pub mod settings;
pub mod stats;

use crate::i18n::{Arg, Bilingual};

/// A value that breaks a domain rule: which field, and why in Polish and in English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message_pl}")]
pub struct Invalid {
    /// Where (`status`, `stages[2].offset_days`).
    pub field: String,
    /// In Polish.
    pub message_pl: String,
    /// In English.
    pub message_en: String,
}

impl inkaso_shared::Localized for Invalid {
    fn message(&self, lang: inkaso_shared::Lang) -> String {
        match lang {
            inkaso_shared::Lang::Pl => self.message_pl.clone(),
            inkaso_shared::Lang::En => self.message_en.clone(),
        }
    }
}

impl Invalid {
    /// A refusal of `field`: the catalogues' message `id` with `args`, in both languages.
    pub fn new(field: impl Into<String>, id: &str, args: &[(&'static str, Arg)]) -> Invalid {
        Invalid::of(field, &Bilingual::msg(id, args))
    }

    /// A refusal of `field` in the words of a value that speaks both languages (a shared
    /// type's parse error).
    pub fn of(field: impl Into<String>, why: &(impl inkaso_shared::Localized + ?Sized)) -> Invalid {
        Invalid {
            field: field.into(),
            message_pl: why.message(inkaso_shared::Lang::Pl),
            message_en: why.message(inkaso_shared::Lang::En),
        }
    }
}
