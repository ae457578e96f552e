//! The message catalogues: every user-visible text of the portal, of the API's errors and of
//! the CLI in Project Fluent files, `cloud/locales/{pl,en}/*.ftl` (`main` and `portal` for the
//! portal, `api` for errors, `cli` for the command line, `mail` for the e-mails about cases,
//! `sms` for the replies to debtors' own SMS),
//! compiled into the binary. Polish is
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

/// The message naming a stored code: `code_text(lang, "case", "in_court")` is `case-in-court`
/// (underscores become hyphens, as in the catalogues' ids).
pub fn code_text(lang: Lang, prefix: &str, code: &str) -> String {
    text(lang, &format!("{prefix}-{}", code.replace('_', "-")))
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
                Arg::Decimal(x) => FluentValue::from(*x),
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
    /// A number with a fraction: selects the plural form fractions take (CLDR `other`:
    /// "2,5 dnia"); the text shown is passed beside it, formatted for the language.
    Decimal(f64),
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

/// A number with one decimal as the language writes it (`30,4`; `30.4`); whole numbers
/// without one.
pub fn decimal(lang: Lang, v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    };
    match lang {
        Lang::Pl => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A message with a decimal count (`$count` selects the plural, `$text` is shown, one
/// decimal): "1 dzień", "12 dni", "30,4 dnia".
pub fn text_decimal(lang: Lang, message: &str, v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    #[allow(clippy::cast_possible_truncation)] // whole and small: days, percents
    let count = if rounded.fract() == 0.0 {
        Arg::Number(rounded as i64)
    } else {
        Arg::Decimal(rounded)
    };
    text_with(
        lang,
        message,
        &[
            ("count", count),
            ("text", Arg::Text(decimal(lang, rounded))),
        ],
    )
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

    /// The source files of the crate, without `*tests.rs` files and without the unit tests at
    /// the end of a file (everything from a line `#[cfg(test)]` on): the code that runs.
    fn sources() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut dirs = vec![root.clone()];
        let mut out = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.to_string_lossy().into_owned();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !name.ends_with("tests.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let code = text
                        .split("\n#[cfg(test)]")
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let relative = path.strip_prefix(&root).unwrap().to_string_lossy();
                    out.push((relative.replace('\\', "/"), code));
                }
            }
        }
        out
    }

    /// The string literals of a line of code (escaped quotes kept inside), none of a comment.
    fn literals(line: &str) -> Vec<&str> {
        let code = line.trim_start();
        if code.starts_with("//") {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut start = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match (start, c) {
                (Some(_), '\\') if !escaped => {
                    escaped = true;
                    continue;
                }
                (Some(s), '"') if !escaped => {
                    out.push(&line[s..i]);
                    start = None;
                }
                (None, '"') => start = Some(i + 1),
                (None, '/') if line[i..].starts_with("//") => break,
                _ => {}
            }
            escaped = false;
        }
        out
    }

    /// No message is written where it is raised: the code that runs holds no Polish text (the
    /// source language of every message) and picks no text by language inline; the words come
    /// from the catalogues. Left as they are, and so let through here: the Polish `Display` of
    /// errors for the log (`#[error(..)]`), descriptions of unreadable stored data and of a
    /// misconfigured store (`corrupt`, `StoreError::Corrupt`, `StoreError::Config`), the audit
    /// log's detail of a failed login, the live channels' and the VAT register's diagnostics
    /// for the operator's log (`live.rs`, `vat.rs`), the names of Polish public holidays
    /// (`calendar.rs`) and the built-in message templates, which are content in their own
    /// language like the templates a client writes (`compose.rs`).
    #[test]
    fn no_message_is_written_inline() {
        const FILES: [&str; 5] = [
            "live.rs",
            "regon.rs",
            "vat.rs",
            "process/calendar.rs",
            "process/compose.rs",
        ];
        const MARKERS: [&str; 5] = [
            "#[error(",
            "corrupt(",
            "StoreError::Corrupt(",
            "StoreError::Config(",
            "audit_login_failure(",
        ];
        let polish = |s: &str| {
            s.contains([
                'ą', 'ć', 'ę', 'ł', 'ń', 'ó', 'ś', 'ź', 'ż', 'Ł', 'Ś', 'Ż', '„',
            ])
        };
        let mut found = Vec::new();
        let sources = sources();
        assert!(sources.len() > 60, "{}", sources.len());
        for (file, code) in &sources {
            let lines: Vec<&str> = code.lines().collect();
            for (n, line) in lines.iter().enumerate() {
                let context = lines[n.saturating_sub(2)..=n].join(" ");
                let allowed =
                    FILES.contains(&file.as_str()) || MARKERS.iter().any(|m| context.contains(m));
                if !allowed && literals(line).into_iter().any(polish) {
                    found.push(format!("{file}:{}: {}", n + 1, line.trim()));
                }
                // A pair: a Polish text chosen by language, or given to a `pl` field.
                let next = lines.get(n + 1).map_or("", |l| l.trim());
                // Words have a space or a Polish letter; a code (`"en"`) has neither.
                let words = |l: &str| {
                    literals(l)
                        .into_iter()
                        .any(|t| t.contains(' ') || polish(t))
                };
                let arm = line.contains("Lang::Pl")
                    && ((line.contains("=> \"") || line.contains("=> format!(\"")) && words(line)
                        || (line.trim_end().ends_with("=> {")
                            && next.starts_with('"')
                            && words(next))
                        || line.contains("{ \"") && words(line));
                let field = ["pl: \"", "pl: format!(", "_pl: \"", "_pl: format!("]
                    .iter()
                    .any(|p| line.contains(p));
                if (arm || field) && file != "process/compose.rs" {
                    found.push(format!("{file}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "messages written inline; put them in locales/{{pl,en}}/*.ftl and build them with \
             i18n::Bilingual::msg or the carriers' constructors (StoreError::invalid, \
             Invalid::new, Failure::new, PageError::new, …):\n{}",
            found.join("\n")
        );
    }

    /// Every message of the API's, the CLI's and the case e-mails' catalogues is asked for by the code, and every
    /// id the code names in those groups exists (a typo would show the id itself).
    #[test]
    fn the_api_and_the_cli_ask_only_for_existing_messages() {
        let known = ids("pl");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/pl");
        let mut ours = BTreeSet::new();
        for file in ["api.ftl", "cli.ftl", "mail.ftl", "sms.ftl"] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            ours.extend(
                text.lines()
                    .filter(|l| !l.starts_with([' ', '#']))
                    .filter_map(|l| l.split_once(" =").map(|(name, _)| name.to_owned())),
            );
        }
        let groups = [
            "err-",
            "cli-",
            "record-",
            "report-",
            "channel-name-",
            "pause-name-",
            "legal-status-",
            "mail-",
            "sms-",
        ];
        let mut asked = BTreeSet::new();
        for (file, code) in sources() {
            for line in code.lines() {
                for literal in literals(line) {
                    if groups.iter().any(|g| literal.starts_with(g))
                        && literal
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    {
                        assert!(known.contains(literal), "{literal} in {file}");
                        asked.insert(literal.to_owned());
                    }
                }
            }
        }
        let unused: Vec<&String> = ours.difference(&asked).collect();
        assert!(unused.is_empty(), "messages no code asks for: {unused:?}");
        assert!(asked.len() > 200, "{}", asked.len());
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
