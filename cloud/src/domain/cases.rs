//! Cases handed off to law-firm partners: where a case can be and how it may move, who acts on
//! it, and what a note may hold. The store keeps cases (`store::cases`); these rules are the
//! same for the JSON API, the portal and the engine.

use serde::{Deserialize, Serialize};

use super::Invalid;

/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;
/// The actor the process engine writes as.
pub const ENGINE_ACTOR: &str = "engine";

/// Where a case is. Moves only along [`CaseStatus::next`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Handed over; the partner has not decided yet.
    HandedOff,
    /// The partner took the case.
    Accepted,
    /// The partner refused it (final; the documents may be handed off again).
    Rejected,
    /// Before a court or a bailiff.
    InCourt,
    /// Being settled (instalments, agreement).
    Settlement,
    /// The debtor paid.
    Paid,
    /// Finished (final).
    Closed,
}

impl CaseStatus {
    /// Every status, in the order of a case's life.
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::HandedOff,
        CaseStatus::Accepted,
        CaseStatus::Rejected,
        CaseStatus::InCourt,
        CaseStatus::Settlement,
        CaseStatus::Paid,
        CaseStatus::Closed,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::HandedOff => "handed_off",
            CaseStatus::Accepted => "accepted",
            CaseStatus::Rejected => "rejected",
            CaseStatus::InCourt => "in_court",
            CaseStatus::Settlement => "settlement",
            CaseStatus::Paid => "paid",
            CaseStatus::Closed => "closed",
        }
    }

    /// The statuses a case may move to from this one.
    pub fn next(self) -> &'static [CaseStatus] {
        use CaseStatus::{Accepted, Closed, HandedOff, InCourt, Paid, Rejected, Settlement};
        match self {
            HandedOff => &[Accepted, Rejected],
            Accepted => &[InCourt, Settlement, Paid, Closed],
            InCourt => &[Settlement, Paid, Closed],
            Settlement => &[Paid, Closed],
            Paid => &[Closed],
            Rejected | Closed => &[],
        }
    }

    /// Whether the case still holds its documents (not rejected, not closed).
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Rejected | CaseStatus::Closed)
    }

    /// Parses a status; the error names `field` and lists the statuses.
    pub fn parse(text: &str, field: &str) -> Result<CaseStatus, Invalid> {
        let t = text.trim();
        CaseStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == t)
            .ok_or_else(|| {
                let all = names(&CaseStatus::ALL);
                Invalid::new(
                    field,
                    "err-domain-case-status-unknown",
                    &[("status", t.into()), ("allowed", all.into())],
                )
            })
    }

    /// Refuses a move this status does not allow, naming both ends and what is allowed.
    pub fn check_move(self, to: CaseStatus) -> Result<(), Invalid> {
        if self.next().contains(&to) {
            return Ok(());
        }
        let (from, to) = (self.as_str(), to.as_str());
        Err(if self.next().is_empty() {
            Invalid::new(
                "status",
                "err-domain-case-status-final",
                &[("from", from.into()), ("to", to.into())],
            )
        } else {
            Invalid::new(
                "status",
                "err-domain-case-status-move",
                &[
                    ("from", from.into()),
                    ("to", to.into()),
                    ("allowed", names(self.next()).into()),
                ],
            )
        })
    }
}

impl std::fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CaseStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<CaseStatus, Invalid> {
        CaseStatus::parse(s, "status")
    }
}

fn names(list: &[CaseStatus]) -> String {
    list.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The partner's answer to a handed-off case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerDecision {
    /// Take the case (`accepted`).
    Accept,
    /// Refuse it (`rejected`).
    Reject,
}

/// A trimmed note within the limit; `None` for an empty one.
pub fn clean_note(note: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if n.chars().count() > MAX_NOTE_CHARS {
        return Err(Invalid::new(
            "note",
            "err-domain-case-note-too-long",
            &[("max", MAX_NOTE_CHARS.into())],
        ));
    }
    Ok(Some(n.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_the_table() {
        use CaseStatus::{Accepted, Closed, HandedOff, InCourt, Paid, Rejected, Settlement};
        let allowed = [
            (HandedOff, Accepted),
            (HandedOff, Rejected),
            (Accepted, InCourt),
            (Accepted, Settlement),
            (Accepted, Paid),
            (Accepted, Closed),
            (InCourt, Settlement),
            (InCourt, Paid),
            (InCourt, Closed),
            (Settlement, Paid),
            (Settlement, Closed),
            (Paid, Closed),
        ];
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                assert_eq!(
                    from.check_move(to).is_ok(),
                    allowed.contains(&(from, to)),
                    "{from} → {to}"
                );
            }
        }
    }

    #[test]
    fn refusals_name_the_field_and_both_statuses() {
        let Err(Invalid {
            field,
            message_pl,
            message_en,
        }) = CaseStatus::Paid.check_move(CaseStatus::InCourt)
        else {
            panic!("paid → in_court must be refused");
        };
        assert_eq!(field, "status");
        assert!(message_pl.contains("„paid”") && message_pl.contains("„in_court”"));
        assert!(message_en.contains("from \"paid\" to \"in_court\""));
        assert!(message_en.contains("allowed: closed"), "{message_en}");
        let Err(Invalid { message_en, .. }) = CaseStatus::Closed.check_move(CaseStatus::Paid)
        else {
            panic!("closed is final");
        };
        assert!(message_en.contains("final"), "{message_en}");
        let Err(Invalid {
            field, message_en, ..
        }) = CaseStatus::parse("won", "status")
        else {
            panic!("unknown status");
        };
        assert_eq!(field, "status");
        assert!(message_en.contains("\"won\"") && message_en.contains("in_court"));
        assert_eq!(
            "settlement".parse::<CaseStatus>().ok(),
            Some(CaseStatus::Settlement)
        );
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(clean_note(Some("  ")).ok(), Some(None));
        assert_eq!(
            clean_note(Some(" pozew złożony ")).ok(),
            Some(Some("pozew złożony".to_owned()))
        );
        assert!(clean_note(Some(&"x".repeat(MAX_NOTE_CHARS + 1))).is_err());
    }
}
