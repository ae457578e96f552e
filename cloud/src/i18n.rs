//! The message catalogues: every user-visible text of the portal, of the API's errors and of
//! the CLI in Project Fluent files, `cloud/locales/{pl,en}/*.ftl` (`main` and `portal` for the
//! portal, `api` for errors, `cli` for the command line), compiled into the binary. Polish is
//! the source and the fallback; English is complete beside it (a test checks every message is
//! in both). Plurals follow CLDR, so Polish gets its one / few / many forms ("1 dokument,
//! 2 dokumenty, 5 dokumentów"). Unicode isolation marks are off: they would leak into SMS text
//! and e-mail subjects.
//!
//! An error of the API carries its message in both languages at once (`message_pl` and
//! `message_en`, the client picks); [`Bilingual`] is that pair, looked up from one message id
//! by [`Bilingual::msg`], so no text is written where an error is raised.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader as _, static_loader};
use inkaso_shared::{Lang, Localized};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "pl",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static PL: LanguageIdentifier = langid!("pl");
static EN: LanguageIdentifier = langid!("en");

fn id(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Pl => &PL,
        Lang::En => &EN,
    }
}

/// A message without arguments. An id missing from the catalogues is a bug; it shows as the id
/// itself rather than failing the page.
pub fn text(lang: Lang, message: &str) -> String {
    LOCALES
        .try_lookup(id(lang), message)
        .unwrap_or_else(|| message.to_owned())
}

/// Whether the catalogues have a message.
pub fn has(lang: Lang, message: &str) -> bool {
    LOCALES.try_lookup(id(lang), message).is_some()
}

/// A message with arguments (numbers select the plural form).
pub fn text_with(lang: Lang, message: &str, args: &[(&'static str, Arg)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Text(t) => FluentValue::from(t.clone()),
            };
            (Cow::Borrowed(*name), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(id(lang), message, &args)
        .unwrap_or_else(|| message.to_owned())
}

/// An argument of a message.
///
/// `From` makes text of anything displayable given by reference (`&str`, an id, a day) and a
/// number of an integer given by value, so `("count", n.into())` selects the plural form and
/// `("id", (&id).into())` puts the id in as it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A count or amount: selects the plural form.
    Number(i64),
    /// Text put in as it is (an already formatted amount, a name).
    Text(String),
}

impl<T: std::fmt::Display + ?Sized> From<&T> for Arg {
    fn from(value: &T) -> Arg {
        Arg::Text(value.to_string())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Text(value)
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Arg {
                // Counts and limits are far below i64::MAX; saturate rather than wrap if not.
                Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}

number_args!(i64, i32, u8, u16, u32, u64, usize);

/// A message in both of the service's languages: what an API error carries, side by side, for
/// the client to choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual {
    /// In Polish.
    pub pl: String,
    /// In English.
    pub en: String,
}

impl Bilingual {
    /// The catalogues' message `id` with `args`, in both languages.
    pub fn msg(id: &str, args: &[(&'static str, Arg)]) -> Bilingual {
        Bilingual::each(|lang| text_with(lang, id, args))
    }

    /// A text made per language: for messages whose arguments differ between the languages
    /// (a part that is itself a message, a list joined in each language's words).
    pub fn each(mut text: impl FnMut(Lang) -> String) -> Bilingual {
        Bilingual {
            pl: text(Lang::Pl),
            en: text(Lang::En),
        }
    }

    /// What a value that speaks both languages says (another crate's error).
    pub fn of(value: &(impl Localized + ?Sized)) -> Bilingual {
        Bilingual::each(|lang| value.message(lang))
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Pl => &self.pl,
            Lang::En => &self.en,
        }
    }
}

impl Localized for Bilingual {
    fn message(&self, lang: Lang) -> String {
        self.get(lang).to_owned()
    }
}

/// A day as people write it: `04.12.2026` in Polish, `2026-12-04` in English (ISO, unambiguous
/// for readers on either side of the Atlantic).
pub fn date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Pl => day.format("%d.%m.%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn count(lang: Lang, message: &str, n: i64) -> String {
        text_with(lang, message, &[("count", Arg::Number(n))])
    }

    #[test]
    fn polish_plurals_have_their_three_forms() {
        let forms: Vec<String> = [1, 2, 4, 5, 12, 22, 25, 0]
            .into_iter()
            .map(|n| count(Lang::Pl, "documents-count", n))
            .collect();
        assert_eq!(
            forms,
            [
                "1 dokument",
                "2 dokumenty",
                "4 dokumenty",
                "5 dokumentów",
                "12 dokumentów",
                "22 dokumenty",
                "25 dokumentów",
                "0 dokumentów",
            ]
        );
        assert_eq!(count(Lang::En, "documents-count", 1), "1 document");
        assert_eq!(count(Lang::En, "documents-count", 2), "2 documents");
        assert_eq!(
            text_with(Lang::Pl, "days-overdue", &[("days", Arg::Number(1))]),
            "1 dzień po terminie"
        );
    }

    #[test]
    fn no_isolation_marks_and_amounts_as_given() {
        let s = text_with(
            Lang::Pl,
            "overdue-summary",
            &[
                ("amount", Arg::Text("1 234,56 zł".into())),
                ("count", Arg::Number(3)),
            ],
        );
        assert_eq!(s, "Przeterminowane: 1 234,56 zł w 3 dokumentach");
        assert!(!s.contains(['\u{2068}', '\u{2069}']), "{s:?}");
    }

    #[test]
    fn dates_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(date(Lang::Pl, d), "04.12.2026");
        assert_eq!(date(Lang::En, d), "2026-12-04");
    }

    fn catalogue_text(lang: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut text = String::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
            text.push('\n');
        }
        text
    }

    fn ids(lang: &str) -> BTreeSet<String> {
        catalogue_text(lang)
            .lines()
            .filter_map(|line| line.split_once(" =").map(|(name, _)| name))
            .filter(|name| !name.starts_with([' ', '#']) && !name.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Every message of the Polish catalogue is in the English one and the other way round, and
    /// each resolves in both languages with every variable the catalogues use given.
    #[test]
    fn both_catalogues_have_every_message() {
        let (pl, en) = (ids("pl"), ids("en"));
        assert!(!pl.is_empty());
        assert_eq!(pl, en, "messages in one language only");
        let text = catalogue_text("pl") + &catalogue_text("en");
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = text
            .split('$')
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect::<String>()
            })
            .filter(|name| !name.is_empty())
            .map(|name| (Cow::Owned(name), FluentValue::from(1)))
            .collect();
        for message in &pl {
            for lang in [Lang::Pl, Lang::En] {
                assert!(
                    LOCALES
                        .try_lookup_with_args(id(lang), message, &args)
                        .is_some(),
                    "{message} in {lang:?}"
                );
            }
        }
    }

    #[test]
    fn an_error_message_in_both_languages_from_one_id() {
        let short = |min: i64| Bilingual::msg("err-store-password-short", &[("min", min.into())]);
        assert_eq!(short(12).pl, "hasło musi mieć co najmniej 12 znaków");
        assert_eq!(
            short(12).en,
            "the password must have at least 12 characters"
        );
        assert_eq!(short(3).pl, "hasło musi mieć co najmniej 3 znaki");
        assert_eq!(short(1).en, "the password must have at least 1 character");
        let what = Bilingual::msg("err-what-document", &[("id", "7f".into())]);
        assert_eq!(
            (what.get(Lang::Pl), what.get(Lang::En)),
            ("dokument 7f", "document 7f")
        );
    }

    /// Every message a portal template or page asks for by name is in the catalogues (a typo
    /// would show the id itself on the page).
    #[test]
    fn the_portal_asks_only_for_existing_messages() {
        let known = ids("pl");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["templates", "src/portal", "src/portal/views"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    files.push(path);
                }
            }
        }
        let mut asked = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".tn(\"", ".ta(\"", "text(lang, \""] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    let name = &rest[..rest.find('"').unwrap()];
                    asked += 1;
                    assert!(known.contains(name), "{name} in {}", path.display());
                }
            }
        }
        assert!(asked > 100, "{asked}");
    }
}
