//! The two languages of Inkaso's messages: Polish (the default, for users) and English.
//!
//! Every error a user can see implements [`Localized`]; `Display` gives the Polish text so
//! that logs and CLIs speak the users' language unless asked otherwise.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of user-facing text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Polski: the default.
    #[default]
    Pl,
    /// English.
    En,
}

impl Lang {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pl" | "pl-pl" | "polski" => Ok(Lang::Pl),
            "en" | "en-gb" | "en-us" | "english" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_owned())),
        }
    }
}

/// A language code that Inkaso does not speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("nieznany język „{0}” (dostępne: pl, en)")]
pub struct UnknownLang(pub String);

/// A message that exists in both of Inkaso's languages.
pub trait Localized {
    /// The message in `lang`.
    fn message(&self, lang: Lang) -> String;
}
