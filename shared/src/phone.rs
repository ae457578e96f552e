//! Phone numbers normalised to E.164, telling Polish mobiles from landlines.
//!
//! SMS and voice go only to mobiles, so the kind matters as much as the digits. Polish numbers
//! have 9 national digits; the mobile ranges are those of the national numbering plan
//! (the regulator's plan for mobile networks): 45, 50, 51, 53, 57, 60, 66, 69, 72, 73, 78, 79, 88.
//! A number written with another country code is kept as it is when it is a plausible E.164.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localized};

const PL_MOBILE_PREFIXES: [&str; 13] = [
    "45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88",
];

/// A phone number in E.164 form (`+48601234567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

/// What a number can be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// A Polish mobile: can receive SMS and voice messages.
    Mobile,
    /// A Polish fixed-line or non-geographic number: calls only.
    Landline,
    /// A number outside Poland: its kind cannot be told from the digits.
    Foreign,
}

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("pusty numer telefonu")]
    Empty,
    #[error("numer telefonu „{text}”: niedozwolony znak „{ch}”")]
    InvalidChar { text: String, ch: char },
    #[error("numer telefonu „{text}” ma {digits} cyfr; polski numer ma 9 cyfr")]
    WrongPolishLength { text: String, digits: usize },
    #[error("numer telefonu „{text}” nie jest poprawnym numerem międzynarodowym (E.164)")]
    InvalidInternational { text: String },
}

impl Localized for PhoneError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                PhoneError::Empty => "empty phone number".into(),
                PhoneError::InvalidChar { text, ch } => {
                    format!("phone number \"{text}\": character '{ch}' is not allowed")
                }
                PhoneError::WrongPolishLength { text, digits } => {
                    format!("phone number \"{text}\" has {digits} digits; a Polish number has 9")
                }
                PhoneError::InvalidInternational { text } => {
                    format!("phone number \"{text}\" is not a valid international (E.164) number")
                }
            },
        }
    }
}

impl Phone {
    /// Normalises `601 234 567`, `+48 601-234-567`, `0048601234567`, `(22) 123 45 67`,
    /// `+49 30 1234567` and the like to E.164.
    pub fn parse(text: &str) -> Result<Phone, PhoneError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::with_capacity(16);
        let mut plus = false;
        for (i, ch) in trimmed.chars().enumerate() {
            match ch {
                '0'..='9' => digits.push(ch),
                '+' if i == 0 => plus = true,
                ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
                _ => {
                    return Err(PhoneError::InvalidChar {
                        text: trimmed.to_owned(),
                        ch,
                    });
                }
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let international = if plus {
            Some(digits.as_str())
        } else if let Some(rest) = digits.strip_prefix("00") {
            Some(rest)
        } else if digits.len() == 11 && digits.starts_with("48") {
            Some(digits.as_str())
        } else {
            None
        };
        match international {
            Some(intl) if intl.starts_with("48") => Self::polish(&intl[2..], trimmed),
            Some(intl) => {
                // E.164: a country code that does not start with 0, at most 15 digits.
                if intl.starts_with('0') || !(8..=15).contains(&intl.len()) {
                    return Err(PhoneError::InvalidInternational {
                        text: trimmed.to_owned(),
                    });
                }
                Ok(Phone(format!("+{intl}")))
            }
            None => {
                // A single leading 0 is the old trunk prefix (`0 22 123 45 67`).
                let national = match digits.strip_prefix('0') {
                    Some(rest) if rest.len() == 9 => rest,
                    _ => digits.as_str(),
                };
                Self::polish(national, trimmed)
            }
        }
    }

    fn polish(national: &str, text: &str) -> Result<Phone, PhoneError> {
        if national.len() != 9 {
            return Err(PhoneError::WrongPolishLength {
                text: text.to_owned(),
                digits: national.len(),
            });
        }
        if national.starts_with('0') {
            return Err(PhoneError::InvalidInternational {
                text: text.to_owned(),
            });
        }
        Ok(Phone(format!("+48{national}")))
    }

    /// The E.164 form, `+48601234567`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The form SMSAPI expects: E.164 without the plus, `48601234567`.
    pub fn msisdn(&self) -> &str {
        &self.0[1..]
    }

    /// Mobile, landline, or foreign.
    pub fn kind(&self) -> PhoneKind {
        match self.0.strip_prefix("+48") {
            Some(national) if PL_MOBILE_PREFIXES.iter().any(|p| national.starts_with(p)) => {
                PhoneKind::Mobile
            }
            Some(_) => PhoneKind::Landline,
            None => PhoneKind::Foreign,
        }
    }

    /// Whether an SMS can be sent to it.
    pub fn is_mobile(&self) -> bool {
        self.kind() == PhoneKind::Mobile
    }
}

impl FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e164(text: &str) -> String {
        Phone::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .e164()
            .to_owned()
    }

    #[test]
    fn normalises_every_polish_form() {
        assert_eq!(e164("601 234 567"), "+48601234567");
        assert_eq!(e164("601234567"), "+48601234567");
        assert_eq!(e164("+48 601-234-567"), "+48601234567");
        assert_eq!(e164("+48601234567"), "+48601234567");
        assert_eq!(e164("0048601234567"), "+48601234567");
        assert_eq!(e164("48601234567"), "+48601234567");
        assert_eq!(e164("(22) 123 45 67"), "+48221234567");
        assert_eq!(e164("0 22 123 45 67"), "+48221234567");
        assert_eq!(e164("601.234.567"), "+48601234567");
        assert_eq!(e164("+48 (22) 123-45-67"), "+48221234567");
    }

    #[test]
    fn tells_mobile_from_landline() {
        for mobile in [
            "601 234 567",
            "450 123 456",
            "512 345 678",
            "530 000 000",
            "881 234 567",
            "+48 791 000 111",
        ] {
            assert_eq!(
                Phone::parse(mobile).unwrap().kind(),
                PhoneKind::Mobile,
                "{mobile}"
            );
        }
        for landline in [
            "(22) 123 45 67",
            "12 345 67 89",
            "58 123 45 67",
            "801 123 456",
        ] {
            assert_eq!(
                Phone::parse(landline).unwrap().kind(),
                PhoneKind::Landline,
                "{landline}"
            );
        }
    }

    #[test]
    fn keeps_valid_foreign_numbers() {
        let de = Phone::parse("+49 30 1234567").unwrap();
        assert_eq!(de.e164(), "+49301234567");
        assert_eq!(de.kind(), PhoneKind::Foreign);
        assert_eq!(e164("0044 20 7946 0958"), "+442079460958");
        assert_eq!(
            Phone::parse("+48601234567").unwrap().msisdn(),
            "48601234567"
        );
    }

    #[test]
    fn refuses_bad_numbers_with_a_reason() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse(" - "), Err(PhoneError::Empty));
        assert!(matches!(
            Phone::parse("60123456"),
            Err(PhoneError::WrongPolishLength { digits: 8, .. })
        ));
        assert!(matches!(
            Phone::parse("+48 60123456"),
            Err(PhoneError::WrongPolishLength { digits: 8, .. })
        ));
        assert!(matches!(
            Phone::parse("601 234 567 wew. 12"),
            Err(PhoneError::InvalidChar { ch: 'w', .. })
        ));
        assert!(matches!(
            Phone::parse("+1 23"),
            Err(PhoneError::InvalidInternational { .. })
        ));
        assert!(matches!(
            Phone::parse("60+1234567"),
            Err(PhoneError::InvalidChar { ch: '+', .. })
        ));
        assert!(matches!(
            Phone::parse("+48 012 345 678"),
            Err(PhoneError::InvalidInternational { .. })
        ));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = Phone::parse(&s);
        }

        #[test]
        fn e164_is_a_fixed_point(national in "[1-9][0-9]{8}") {
            let p = Phone::parse(&national).unwrap();
            prop_assert_eq!(Phone::parse(p.e164()).unwrap(), p.clone());
            let spaced = format!("{} {} {}", &national[..3], &national[3..6], &national[6..]);
            prop_assert_eq!(Phone::parse(&spaced).unwrap(), p);
        }
    }
}
