//! SMS that debtors send to a firm's two-way number (R-N8, R-N3): what a text asks for
//! ("Saldo", "STOP"), what the debtor owes as a reply says it, the reply's template and its
//! tags, and the daily limit per number. Pure: the application service
//! (`crate::services::inbound`) reads and writes, this decides.
//!
//! Decisions (docs/channels.md, "SMS from debtors"):
//! - a balance query is answered for an active or a bankrupt debtor (it answers the debtor's own
//!   request; it is no reminder), never for a deceased one — the phone's holder is not the
//!   debtor any more — who gets the neutral reply, as an unknown number does;
//! - several debtors on one number get the neutral reply too: it discloses nothing;
//! - a withdrawal ("STOP") needs no match to be recorded, and is confirmed only to a number
//!   the firm knows.

use chrono::NaiveDate;
use inkaso_shared::Lang;

/// What an inbound text asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// The balance, replied in this language (`SALDO` → Polish, `BALANCE` → English).
    Balance(Lang),
    /// No more SMS to this number.
    Stop,
    /// Anything else: recorded for the firm to read, not answered.
    Other,
}

impl Command {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Command::Balance(_) => "balance",
            Command::Stop => "stop",
            Command::Other => "other",
        }
    }
}

/// Words that withdraw SMS consent when the text starts with one of them.
const STOP_WORDS: [&str; 6] = [
    "stop",
    "wypisz",
    "rezygnuje",
    "rezygnacja",
    "unsubscribe",
    "koniec",
];

/// The text's words: letters only (Polish folded to ASCII), lower case; digits and signs
/// split and vanish (`SALDO1` → `saldo`, `saldo?` → `saldo`).
fn words(text: &str) -> Vec<String> {
    let folded = inkaso_channels::sms::fold(text).text.to_lowercase();
    folded
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads a text: `Saldo`, `saldo?`, ` SALDO1`, `Saldo proszę` ask for the balance (the first
/// word decides, so "saldo" inside a sentence about something else is not a query);
/// `STOP`, `STOP SMS`, `NIE`, `NIE SMS`, `rezygnuję` withdraw consent. A keyword the firm's
/// shared number needs (`FIRMA SALDO`) is removed by the caller first.
pub fn classify(text: &str) -> Command {
    let words = words(text);
    let Some(first) = words.first() else {
        return Command::Other;
    };
    match first.as_str() {
        "saldo" => Command::Balance(Lang::Pl),
        "balance" => Command::Balance(Lang::En),
        // "NIE" alone (or "NIE SMS"): a refusal; "nie mam teraz pieniędzy" is a message.
        "nie" if words.len() == 1 || (words.len() == 2 && words[1] == "sms") => Command::Stop,
        w if STOP_WORDS.contains(&w) => Command::Stop,
        _ => Command::Other,
    }
}

/// Removes the firm's keyword from the start of a text on a shared number: `Some(rest)` when
/// the text starts with it (any case), else `None`.
pub fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let trimmed = text.trim_start();
    let keyword = keyword.trim();
    if keyword.is_empty() || trimmed.len() < keyword.len() {
        return None;
    }
    let (head, rest) = trimmed.split_at_checked(keyword.len())?;
    let ends_word = rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
    (head.eq_ignore_ascii_case(keyword) && ends_word).then_some(rest)
}

/// One open document of the debtor, as the reply needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDocument {
    /// Number as printed.
    pub number: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// Still to pay, minor units.
    pub remaining_minor: i64,
    /// ISO code.
    pub currency: String,
}

/// What a debtor owes, as a balance reply tells it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Balance {
    /// Everything still to pay, per currency (minor units), in currency order.
    pub totals: Vec<(String, i64)>,
    /// Of it past due, per currency.
    pub overdue: Vec<(String, i64)>,
    /// The nearest due date still ahead (today included).
    pub next_due: Option<NaiveDate>,
    /// The oldest document past due: its number and due date.
    pub oldest_overdue: Option<(String, NaiveDate)>,
}

/// Adds the debtor's open documents up as of `today` (saturating: a stored sum cannot
/// overflow a reply).
pub fn balance(docs: &[OpenDocument], today: NaiveDate) -> Balance {
    let mut totals = std::collections::BTreeMap::<&str, i64>::new();
    let mut overdue = std::collections::BTreeMap::<&str, i64>::new();
    let mut out = Balance::default();
    for d in docs.iter().filter(|d| d.remaining_minor > 0) {
        let t = totals.entry(&d.currency).or_default();
        *t = t.saturating_add(d.remaining_minor);
        if d.due_date < today {
            let o = overdue.entry(&d.currency).or_default();
            *o = o.saturating_add(d.remaining_minor);
            if out
                .oldest_overdue
                .as_ref()
                .is_none_or(|(_, due)| d.due_date < *due)
            {
                out.oldest_overdue = Some((d.number.clone(), d.due_date));
            }
        } else if out.next_due.is_none_or(|n| d.due_date < n) {
            out.next_due = Some(d.due_date);
        }
    }
    out.totals = totals.into_iter().map(|(c, m)| (c.to_owned(), m)).collect();
    out.overdue = overdue
        .into_iter()
        .map(|(c, m)| (c.to_owned(), m))
        .collect();
    out
}

/// The tags a balance reply's template may use, with what each becomes.
pub const REPLY_TAGS: [&str; 7] = [
    "saldo",
    "zaleglosc",
    "najblizszy_termin",
    "najstarszy_dokument",
    "rachunek",
    "link_platnosci",
    "wierzyciel",
];

/// Values for [`REPLY_TAGS`], already formatted for the reply's language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplyValues {
    /// `<saldo>`: everything owed (`1 234,56 zł`, currencies joined with ` + `).
    pub balance: String,
    /// `<zaleglosc>`: of it past due.
    pub overdue: String,
    /// `<najblizszy_termin>`: `15.12.2026`, or the language's "none".
    pub next_due: String,
    /// `<najstarszy_dokument>`: `FS 12/2026 (termin 01.10.2026)`, or "none".
    pub oldest: String,
    /// `<rachunek>`: the firm's bank account.
    pub account: String,
    /// `<link_platnosci>`: the firm's payment page, or empty.
    pub payment_link: String,
    /// `<wierzyciel>`: the firm's name.
    pub creditor: String,
}

impl ReplyValues {
    fn get(&self, tag: &str) -> Option<&str> {
        Some(match tag {
            "saldo" => &self.balance,
            "zaleglosc" => &self.overdue,
            "najblizszy_termin" => &self.next_due,
            "najstarszy_dokument" => &self.oldest,
            "rachunek" => &self.account,
            "link_platnosci" => &self.payment_link,
            "wierzyciel" => &self.creditor,
            _ => return None,
        })
    }
}

/// The first tag of `template` that is not one of [`REPLY_TAGS`], if any: what saving a
/// firm's template refuses.
pub fn unknown_tag(template: &str) -> Option<String> {
    let mut rest = template;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let tag = &after[..close];
        if !REPLY_TAGS.contains(&tag) {
            return Some(tag.to_owned());
        }
        rest = &after[close + 1..];
    }
    None
}

/// The template with its tags replaced; text outside tags is kept as written.
pub fn render_reply(template: &str, values: &ReplyValues) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some((close, value)) = after
            .find('>')
            .and_then(|close| values.get(&after[..close]).map(|v| (close, v)))
        {
            out.push_str(value);
            rest = &after[close + 1..];
        } else {
            out.push('<');
            rest = after;
        }
    }
    out.push_str(rest);
    // A missing link or account leaves no double spaces behind.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the daily limit allows for a number's next balance query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// Within the limit: answered.
    Answer,
    /// The first query over the limit: one polite refusal.
    RefuseOnce,
    /// Further queries that day: recorded, not answered (each reply costs the firm).
    Silent,
}

/// The allowance of a query after `earlier` queries from the same number the same day.
pub fn allowance(earlier: u32, daily_limit: u32) -> Allowance {
    match earlier.cmp(&daily_limit) {
        std::cmp::Ordering::Less => Allowance::Answer,
        std::cmp::Ordering::Equal => Allowance::RefuseOnce,
        std::cmp::Ordering::Greater => Allowance::Silent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn saldo_is_read_with_junk_around_it_and_stop_in_its_polish_forms() {
        for text in [
            "Saldo",
            "saldo?",
            " SALDO1",
            "sAlDo!!",
            "Saldo proszę",
            "\nsaldo\n",
        ] {
            assert_eq!(classify(text), Command::Balance(Lang::Pl), "{text:?}");
        }
        assert_eq!(classify("Balance?"), Command::Balance(Lang::En));
        for text in [
            "STOP",
            "stop sms",
            "Nie",
            "NIE SMS",
            "rezygnuję",
            "Wypisz mnie",
            "STOP.",
        ] {
            assert_eq!(classify(text), Command::Stop, "{text:?}");
        }
        for text in [
            "",
            "   ",
            "Jakie jest moje saldo?",
            "nie mam teraz pieniędzy",
            "Zapłacę jutro",
            "123",
        ] {
            assert_eq!(classify(text), Command::Other, "{text:?}");
        }
    }

    #[test]
    fn a_shared_numbers_keyword_is_taken_off_the_start() {
        assert_eq!(strip_keyword("HURT saldo", "hurt"), Some(" saldo"));
        assert_eq!(strip_keyword("  hurt SALDO", "HURT"), Some(" SALDO"));
        assert_eq!(strip_keyword("HURTOWNIA saldo", "HURT"), None);
        assert_eq!(strip_keyword("saldo", "HURT"), None);
        assert_eq!(strip_keyword("HURT", "HURT"), Some(""));
        assert_eq!(strip_keyword("żółw", "HURT"), None);
    }

    #[test]
    fn the_balance_adds_up_per_currency_with_the_next_and_the_oldest_dates() {
        let doc = |n: &str, due: &str, minor: i64, cur: &str| OpenDocument {
            number: n.into(),
            due_date: day(due),
            remaining_minor: minor,
            currency: cur.into(),
        };
        let b = balance(
            &[
                doc("FS 3", "2026-12-20", 10_000, "PLN"),
                doc("FS 1", "2026-10-01", 25_050, "PLN"),
                doc("FS 2", "2026-11-15", 5_000, "PLN"),
                doc("FS 4", "2026-12-10", 1_000, "EUR"),
                doc("FS 5", "2026-12-07", 700, "PLN"),
                doc("KOR", "2026-01-01", 0, "PLN"),
            ],
            day("2026-12-07"),
        );
        assert_eq!(b.totals, [("EUR".into(), 1_000), ("PLN".into(), 40_750)]);
        assert_eq!(b.overdue, [("PLN".into(), 30_050)]);
        // Due today is not late yet: the nearest date ahead.
        assert_eq!(b.next_due, Some(day("2026-12-07")));
        assert_eq!(b.oldest_overdue, Some(("FS 1".into(), day("2026-10-01"))));
        assert_eq!(balance(&[], day("2026-12-07")), Balance::default());
    }

    #[test]
    fn a_reply_template_knows_its_tags_and_keeps_the_rest() {
        let values = ReplyValues {
            balance: "402,50 zł".into(),
            overdue: "300,50 zł".into(),
            next_due: "07.12.2026".into(),
            oldest: "FS 1 (01.10.2026)".into(),
            account: "12 1140 2004 0000 3002 0123 4567".into(),
            payment_link: String::new(),
            creditor: "Hurtownia".into(),
        };
        assert_eq!(
            render_reply(
                "<wierzyciel>: saldo <saldo>, w tym po terminie <zaleglosc>. Konto <rachunek> <link_platnosci> 2 < 3",
                &values
            ),
            "Hurtownia: saldo 402,50 zł, w tym po terminie 300,50 zł. Konto 12 1140 2004 0000 3002 0123 4567 2 < 3"
        );
        assert_eq!(unknown_tag("Saldo <saldo>, <kwota>"), Some("kwota".into()));
        // A "<" that opens no tag is text.
        assert_eq!(unknown_tag("Saldo <saldo> a < b"), None);
        assert_eq!(unknown_tag("<najstarszy_dokument> <link_platnosci>"), None);
    }

    #[test]
    fn the_daily_limit_answers_then_refuses_once_then_stays_silent() {
        assert_eq!(allowance(0, 3), Allowance::Answer);
        assert_eq!(allowance(2, 3), Allowance::Answer);
        assert_eq!(allowance(3, 3), Allowance::RefuseOnce);
        assert_eq!(allowance(4, 3), Allowance::Silent);
        assert_eq!(allowance(0, 0), Allowance::RefuseOnce);
    }
}
