//! NIP, the Polish tax identification number: 10 digits, the last one a checksum.
//!
//! ERPs store it as typed by a person (`PL 526-104-08-28`, `526 10 40 828`); [`Nip::parse`]
//! strips the `PL` prefix, spaces and dashes and verifies the checksum, so every NIP that
//! crosses the wire is the bare 10 digits of a number that can exist.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localized};

const WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];

/// A checksum-valid NIP, stored as its 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nip(String);

/// Why a NIP was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("pusty NIP")]
    Empty,
    #[error("NIP „{text}”: niedozwolony znak „{ch}”")]
    InvalidChar { text: String, ch: char },
    #[error("NIP „{text}” ma {digits} cyfr zamiast 10")]
    WrongLength { text: String, digits: usize },
    #[error("NIP „{text}” ma błędną sumę kontrolną")]
    Checksum { text: String },
}

impl Localized for NipError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                NipError::Empty => "empty NIP".into(),
                NipError::InvalidChar { text, ch } => {
                    format!("NIP \"{text}\": character '{ch}' is not allowed")
                }
                NipError::WrongLength { text, digits } => {
                    format!("NIP \"{text}\" has {digits} digits instead of 10")
                }
                NipError::Checksum { text } => format!("NIP \"{text}\" has a wrong checksum"),
            },
        }
    }
}

impl Nip {
    /// Parses a NIP as people write it: optional `PL` prefix, spaces and dashes allowed.
    pub fn parse(text: &str) -> Result<Nip, NipError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(NipError::Empty);
        }
        let without_prefix = trimmed
            .strip_prefix("PL")
            .or_else(|| trimmed.strip_prefix("pl"))
            .or_else(|| trimmed.strip_prefix("Pl"))
            .unwrap_or(trimmed);
        let mut digits = String::with_capacity(10);
        for ch in without_prefix.chars() {
            match ch {
                '0'..='9' => digits.push(ch),
                ' ' | '-' | '\u{a0}' => {}
                _ => {
                    return Err(NipError::InvalidChar {
                        text: trimmed.to_owned(),
                        ch,
                    });
                }
            }
        }
        if digits.len() != 10 {
            return Err(NipError::WrongLength {
                text: trimmed.to_owned(),
                digits: digits.len(),
            });
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = WEIGHTS.iter().zip(&values).map(|(w, d)| w * d).sum();
        let check = sum % 11;
        if check == 10 || check != values[9] {
            return Err(NipError::Checksum {
                text: trimmed.to_owned(),
            });
        }
        Ok(Nip(digits))
    }

    /// The 10 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Nip {
    type Err = NipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nip::parse(s)
    }
}

impl TryFrom<String> for Nip {
    type Error = NipError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Nip::parse(&s)
    }
}

impl From<Nip> for String {
    fn from(n: Nip) -> String {
        n.0
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_valid_nips_in_every_written_form() {
        // 5261040828 is the Central Statistical Office's NIP, 7740001454 Orlen's.
        for text in [
            "5261040828",
            "526-104-08-28",
            "526 10 40 828",
            "PL5261040828",
            "pl 526-10-40-828",
            " 7740001454 ",
        ] {
            let nip = Nip::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(nip.as_str().len(), 10);
        }
        assert_eq!(
            Nip::parse("PL 526-104-08-28").unwrap().as_str(),
            "5261040828"
        );
    }

    #[test]
    fn refuses_a_wrong_checksum() {
        assert_eq!(
            Nip::parse("5261040829"),
            Err(NipError::Checksum {
                text: "5261040829".into()
            })
        );
        // A weighted sum ≡ 10 (mod 11) can never be valid, whatever the last digit.
        assert!(matches!(
            Nip::parse("1234567890"),
            Err(NipError::Checksum { .. })
        ));
    }

    #[test]
    fn refuses_wrong_length_and_characters() {
        assert_eq!(Nip::parse("   "), Err(NipError::Empty));
        assert!(matches!(
            Nip::parse("526104082"),
            Err(NipError::WrongLength { digits: 9, .. })
        ));
        assert!(matches!(
            Nip::parse("52610408281"),
            Err(NipError::WrongLength { digits: 11, .. })
        ));
        assert!(matches!(
            Nip::parse("DE5261040828"),
            Err(NipError::InvalidChar { ch: 'D', .. })
        ));
        assert!(matches!(
            Nip::parse("526/104/08/28"),
            Err(NipError::InvalidChar { ch: '/', .. })
        ));
    }

    #[test]
    fn serde_refuses_invalid() {
        assert_eq!(
            serde_json::to_string(&Nip::parse("5261040828").unwrap()).unwrap(),
            "\"5261040828\""
        );
        assert!(serde_json::from_str::<Nip>("\"5261040829\"").is_err());
        assert!(
            NipError::Checksum { text: "x".into() }
                .message(Lang::En)
                .contains("checksum")
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = Nip::parse(&s);
        }

        #[test]
        fn every_valid_nip_round_trips_with_decoration(body in proptest::collection::vec(0u32..10, 9)) {
            let sum: u32 = WEIGHTS.iter().zip(&body).map(|(w, d)| w * d).sum();
            prop_assume!(sum % 11 != 10);
            let digits: String = body.iter().chain(std::iter::once(&(sum % 11))).map(|d| char::from_digit(*d, 10).unwrap()).collect();
            let decorated = format!("PL {}-{}-{}-{}", &digits[..3], &digits[3..6], &digits[6..8], &digits[8..]);
            let parsed = Nip::parse(&decorated).unwrap();
            prop_assert_eq!(parsed.as_str(), digits.as_str());
            prop_assert_eq!(Nip::parse(&parsed.to_string()).unwrap(), parsed);
        }
    }
}
