//! E-mail addresses, checked lightly: enough to refuse what an ERP field holds by mistake
//! (two addresses, a name, a phone) without rejecting unusual but valid addresses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localized};

/// An e-mail address with a lower-cased domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("pusty adres e-mail")]
    Empty,
    #[error("adres e-mail „{0}” nie zawiera dokładnie jednego znaku @")]
    At(String),
    #[error("adres e-mail „{0}” zawiera odstęp lub niedozwolony znak")]
    InvalidChar(String),
    #[error("adres e-mail „{0}” ma niepoprawną domenę")]
    Domain(String),
    #[error("adres e-mail „{0}” jest za długi")]
    TooLong(String),
}

impl Localized for EmailError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                EmailError::Empty => "empty e-mail address".into(),
                EmailError::At(t) => format!("e-mail address \"{t}\" must contain exactly one @"),
                EmailError::InvalidChar(t) => {
                    format!("e-mail address \"{t}\" contains a space or a character not allowed")
                }
                EmailError::Domain(t) => format!("e-mail address \"{t}\" has an invalid domain"),
                EmailError::TooLong(t) => format!("e-mail address \"{t}\" is too long"),
            },
        }
    }
}

impl Email {
    /// Checks the shape `local@domain.tld`; lower-cases the domain.
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(EmailError::Empty);
        }
        if t.len() > 254 {
            return Err(EmailError::TooLong(t.to_owned()));
        }
        if t.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    ',' | ';' | '<' | '>' | '"' | '(' | ')' | '[' | ']' | '\\'
                )
        }) {
            return Err(EmailError::InvalidChar(t.to_owned()));
        }
        let mut parts = t.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::At(t.to_owned()));
        };
        if local.is_empty()
            || local.len() > 64
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return Err(EmailError::InvalidChar(t.to_owned()));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if labels.len() < 2
            || !labels.iter().all(label_ok)
            || labels.last().is_some_and(|tld| tld.len() < 2)
        {
            return Err(EmailError::Domain(t.to_owned()));
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            Email::parse(" Biuro@Firma.PL ").unwrap().as_str(),
            "Biuro@firma.pl"
        );
        assert!(Email::parse("jan.kowalski+faktury@sub.example.com.pl").is_ok());
        assert!(Email::parse("zażółć@gęślą.pl").is_ok());
    }

    #[test]
    fn refuses_what_erp_fields_hold_by_mistake() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert!(matches!(
            Email::parse("a@b.pl; c@d.pl"),
            Err(EmailError::InvalidChar(_))
        ));
        assert!(matches!(
            Email::parse("a@b.pl,c@d.pl"),
            Err(EmailError::InvalidChar(_))
        ));
        assert!(matches!(
            Email::parse("Jan Kowalski"),
            Err(EmailError::InvalidChar(_))
        ));
        assert!(matches!(Email::parse("601234567"), Err(EmailError::At(_))));
        assert!(matches!(Email::parse("a@@b.pl"), Err(EmailError::At(_))));
        assert!(matches!(
            Email::parse("a@localhost"),
            Err(EmailError::Domain(_))
        ));
        assert!(matches!(
            Email::parse("a@b..pl"),
            Err(EmailError::Domain(_))
        ));
        assert!(matches!(
            Email::parse(".a@b.pl"),
            Err(EmailError::InvalidChar(_))
        ));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = Email::parse(&s);
        }

        #[test]
        fn valid_addresses_round_trip(local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", domain in "[a-z0-9]{1,10}\\.[a-z]{2,5}") {
            let text = format!("{local}@{domain}");
            prop_assume!(!local.contains(".."));
            let e = Email::parse(&text).unwrap();
            prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
        }
    }
}
