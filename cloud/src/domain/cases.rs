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

    /// Whether the law firm may record payments on it: it has taken the case and it is not
    /// finished (accepted, in court, settlement).
    pub fn takes_payments(self) -> bool {
        matches!(
            self,
            CaseStatus::Accepted | CaseStatus::InCourt | CaseStatus::Settlement
        )
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

/// The largest file a case takes (court filings, settlement scans).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file a case takes, told by their first bytes (not by what the browser says):
/// `(extension, content type)`. Office documents are zip files, told apart by the name.
const FILE_KINDS: [(&str, &str); 6] = [
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

/// The content type a stored file is served with: one of ours, or a plain download.
pub fn served_content_type(stored: &str) -> &'static str {
    FILE_KINDS
        .iter()
        .find(|(_, t)| *t == stored)
        .map_or("application/octet-stream", |(_, t)| t)
}

/// A file for a case checked: its cleaned name (no folders, no control characters, at most
/// 200 characters) and its content type; refused when empty, too large, or not a PDF, PNG,
/// JPEG, DOCX, ODT or XLSX.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<(String, &'static str), Invalid> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned();
    let clean = if clean.is_empty() {
        "plik".to_owned()
    } else {
        clean
    };
    if bytes.is_empty() {
        return Err(Invalid::new("file", "err-domain-case-file-empty", &[]));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Invalid::new(
            "file",
            "err-domain-case-file-too-large",
            &[(
                "max",
                i64::try_from(MAX_FILE_BYTES / (1024 * 1024))
                    .unwrap_or(10)
                    .into(),
            )],
        ));
    }
    let extension = clean
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let sniffed = if bytes.starts_with(b"%PDF-") {
        Some("pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"PK\x03\x04") {
        ["docx", "odt", "xlsx"]
            .into_iter()
            .find(|e| *e == extension)
    } else {
        None
    };
    let Some(kind) = sniffed else {
        return Err(Invalid::new(
            "file",
            "err-domain-case-file-type",
            &[("name", clean.into())],
        ));
    };
    let content_type = FILE_KINDS
        .iter()
        .find(|(e, _)| *e == kind)
        .map_or("application/octet-stream", |(_, t)| t);
    Ok((clean, content_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_by_their_bytes() {
        let (name, t) = check_file("C:\\skany\\ugoda.pdf", b"%PDF-1.7 ...").unwrap();
        assert_eq!((name.as_str(), t), ("ugoda.pdf", "application/pdf"));
        let (_, t) = check_file("pozew.docx", b"PK\x03\x04rest").unwrap();
        assert!(t.contains("wordprocessingml"));
        assert_eq!(
            check_file("zdjecie.jpg", &[0xFF, 0xD8, 0xFF, 0xE0])
                .unwrap()
                .1,
            "image/jpeg"
        );
        // A zip that is not an office document, a script named .pdf, nothing, too much.
        assert_eq!(
            check_file("a.zip", b"PK\x03\x04").unwrap_err().field,
            "file"
        );
        assert!(check_file("a.pdf", b"#!/bin/sh").is_err());
        assert!(check_file("a.pdf", b"").is_err());
        assert!(check_file("a.pdf", &vec![b'%'; MAX_FILE_BYTES + 1]).is_err());
        assert_eq!(check_file("../\u{7}", b"%PDF-").unwrap().0, "plik");
    }

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
