//! The run report (R-P8): after each run the client may get an e-mail with what went out, what
//! failed, what was skipped and what is held, and why. This module only counts and renders the
//! text (Polish or English); the runner feeds it the planner's decisions and the channels'
//! results, and the e-mail channel sends it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use inkaso_shared::{ExternalId, Lang, Localized};
use serde::{Deserialize, Serialize};

use super::calendar;
use super::model::Channel;
use super::planner::{Decision, Outcome};
use crate::i18n;

/// One action the channels could not perform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The action's key.
    pub key: String,
    /// The debtor.
    pub debtor: ExternalId,
    /// The channel.
    pub channel: Channel,
    /// The channel's error, as shown to the client.
    pub error: String,
}

/// What one run did, counted for the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    /// Actions performed, per channel.
    pub sent: BTreeMap<Channel, usize>,
    /// Documents covered by the performed actions.
    pub documents: usize,
    /// Failed actions.
    pub failed: Vec<Failure>,
    /// Skipped occurrences, per reason text.
    pub skipped: BTreeMap<String, usize>,
    /// Held decisions, per reason text.
    pub held: BTreeMap<String, usize>,
}

impl RunReport {
    /// Counts a planner decision: skipped and held ones by reason (in `lang`), due ones are
    /// counted when their result arrives ([`RunReport::sent`], [`RunReport::failed`]).
    pub fn add_decision(&mut self, decision: &Decision, lang: Lang) {
        match &decision.outcome {
            Outcome::Skipped(reason) => {
                *self.skipped.entry(reason.message(lang)).or_default() += 1;
            }
            Outcome::Held(reason) => {
                *self.held.entry(reason.message(lang)).or_default() += 1;
            }
            Outcome::Due | Outcome::NotYet => {}
        }
    }

    /// Counts a performed action.
    pub fn add_sent(&mut self, decision: &Decision) {
        *self.sent.entry(decision.channel).or_default() += 1;
        self.documents += decision.documents.len();
    }

    /// Records a failed action.
    pub fn add_failure(&mut self, decision: &Decision, error: impl Into<String>) {
        self.failed.push(Failure {
            key: decision.key_string(),
            debtor: decision.debtor.clone(),
            channel: decision.channel,
            error: error.into(),
        });
    }

    /// Whether the run did anything worth telling.
    pub fn is_empty(&self) -> bool {
        self.sent.is_empty()
            && self.failed.is_empty()
            && self.skipped.is_empty()
            && self.held.is_empty()
    }

    /// The report's text, in `lang`, for a run at `at`.
    pub fn render(&self, at: DateTime<Utc>, lang: Lang) -> String {
        let local = at.with_timezone(&calendar::ZONE);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}",
            i18n::text_with(
                lang,
                "report-title",
                &[("at", (&local.format("%Y-%m-%d %H:%M")).into())],
            )
        );
        let total: usize = self.sent.values().sum();
        if total == 0 {
            let _ = writeln!(out, "{}", i18n::text(lang, "report-sent-none"));
        } else {
            let sent = i18n::text_with(
                lang,
                "report-sent",
                &[
                    ("count", total.into()),
                    ("documents", self.documents.into()),
                ],
            );
            let _ = writeln!(out, "{sent}");
            for (channel, n) in &self.sent {
                let _ = writeln!(out, "  - {}: {n}", channel.name(lang));
            }
        }
        if !self.failed.is_empty() {
            let failed = i18n::text_with(
                lang,
                "report-failed",
                &[("count", self.failed.len().into())],
            );
            let _ = writeln!(out, "{failed}");
            for f in &self.failed {
                let _ = writeln!(
                    out,
                    "  - {} ({}, {}): {}",
                    f.debtor,
                    f.channel.name(lang),
                    f.key,
                    f.error
                );
            }
        }
        for (id, map) in [
            ("report-skipped", &self.skipped),
            ("report-held", &self.held),
        ] {
            if map.is_empty() {
                continue;
            }
            let count = map.values().sum::<usize>();
            let _ = writeln!(
                out,
                "{}",
                i18n::text_with(lang, id, &[("count", count.into())])
            );
            for (reason, n) in map {
                let _ = writeln!(out, "  - {n} × {reason}");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::planner::{ActionKey, HoldReason, KeyScope, SkipReason};
    use crate::process::state::CoveredDocument;
    use chrono::NaiveDate;

    fn decision(channel: Channel, outcome: Outcome, docs: usize) -> Decision {
        let id = |s: &str| ExternalId::new(s).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 4, 8).unwrap();
        Decision {
            key: ActionKey {
                process: "STD".into(),
                stage: "E7".into(),
                scope: KeyScope::Document,
                document: id("FV-1"),
                occurrence: 0,
                request: None,
            },
            debtor: id("KH-1"),
            process: "STD".into(),
            stage: "E7".into(),
            channel,
            template: "t".into(),
            documents: (0..docs)
                .map(|i| CoveredDocument {
                    document: id(&format!("FV-{i}")),
                    occurrence: 0,
                    scheduled: date,
                })
                .collect(),
            slot: calendar::local_instant(date, 9),
            outcome,
        }
    }

    #[test]
    fn report_counts_and_renders_in_both_languages() {
        let mut r = RunReport::default();
        assert!(r.is_empty());
        let sms = decision(Channel::Sms, Outcome::Due, 1);
        let mail = decision(Channel::Email, Outcome::Due, 2);
        r.add_sent(&sms);
        r.add_sent(&mail);
        r.add_failure(&sms, "SMSAPI ERROR 13: nieprawidłowy numer");
        for _ in 0..2 {
            r.add_decision(
                &decision(
                    Channel::Sms,
                    Outcome::Skipped(SkipReason::NoConsent {
                        channel: Channel::Sms,
                    }),
                    1,
                ),
                Lang::Pl,
            );
        }
        r.add_decision(
            &decision(Channel::Email, Outcome::Held(HoldReason::DebtorExcluded), 1),
            Lang::Pl,
        );
        r.add_decision(&decision(Channel::Email, Outcome::NotYet, 1), Lang::Pl);
        let at = calendar::local_instant(NaiveDate::from_ymd_opt(2026, 4, 8).unwrap(), 9);
        let text = r.render(at, Lang::Pl);
        assert_eq!(
            text,
            "Raport windykacji: 2026-04-08 09:00\n\
             Wysłano: 2 (3 dokumenty)\n  - SMS: 1\n  - e-mail: 1\n\
             Nie powiodło się: 1\n  - KH-1 (SMS, STD/E7/doc/FV-1/0): SMSAPI ERROR 13: nieprawidłowy numer\n\
             Pominięto: 2\n  - 2 × pominięto: brak zgody na kanał SMS\n\
             Wstrzymano: 1\n  - 1 × kontrahent wyłączony z windykacji\n"
        );
        let en = RunReport::default().render(at, Lang::En);
        assert_eq!(en, "Collection run report: 2026-04-08 09:00\nSent: none\n");
    }
}
