//! What every page's template reaches through `ctx`: the visitor (firm, e-mail, role, CSRF
//! token), the section it is in, the test-mode banner, and the words and numbers in the
//! visitor's language — messages from the catalogues, amounts `1 234,56 zł`, dates
//! `04.12.2026`, times in Warsaw.

use std::borrow::Borrow;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Warsaw;
use inkaso_shared::Lang;

use super::{PageError, Viewer, assets};
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::i18n::{self, Arg};

/// The shared part of every page.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The language of the page.
    pub lang: Lang,
    /// The session's CSRF token (forms carry it; htmx sends it as a header).
    pub csrf: String,
    /// The logged-in person's e-mail.
    pub email: String,
    /// The firm's name.
    pub firm: String,
    /// What the person may do.
    pub role: Role,
    /// The navigation entry this page belongs to.
    pub section: &'static str,
    /// Nothing reaches debtors: a banner says so on every page.
    pub test_mode: bool,
    /// A message about what the last action did ("Zapisano …").
    pub notice: Option<String>,
    /// The person works for a law firm: its own navigation and words.
    pub partner: bool,
}

impl Ctx {
    /// The context of a page in `section` for `viewer`.
    pub async fn load(
        state: &AppState,
        viewer: &Viewer,
        section: &'static str,
    ) -> Result<Ctx, PageError> {
        let settings = state
            .app
            .collection_settings(&viewer.session.principal.tenant)
            .await?;
        Ok(Ctx {
            lang: viewer.lang,
            csrf: viewer.csrf.clone(),
            email: viewer.session.email.clone(),
            firm: viewer.session.tenant_name.clone(),
            role: viewer.session.principal.role,
            section,
            test_mode: settings.test_mode,
            notice: None,
            partner: false,
        })
    }

    /// The context of a page both kinds of firm have.
    pub async fn load_any(
        state: &AppState,
        viewer: &Viewer,
        section: &'static str,
    ) -> Result<Ctx, PageError> {
        if viewer.session.principal.tenant_kind == crate::domain::accounts::TenantKind::Partner {
            Ok(Ctx::partner(viewer, section))
        } else {
            Ctx::load(state, viewer, section).await
        }
    }

    /// The context of a law firm's page in `section` (its firm has no collection of its own,
    /// so no test mode).
    pub fn partner(viewer: &Viewer, section: &'static str) -> Ctx {
        Ctx {
            lang: viewer.lang,
            csrf: viewer.csrf.clone(),
            email: viewer.session.email.clone(),
            firm: viewer.session.tenant_name.clone(),
            role: viewer.session.principal.role,
            section,
            test_mode: false,
            notice: None,
            partner: true,
        }
    }

    /// The context of a page shown before login.
    pub fn public(lang: Lang) -> Ctx {
        Ctx {
            lang,
            csrf: String::new(),
            email: String::new(),
            firm: String::new(),
            role: Role::Viewer,
            section: "login",
            test_mode: false,
            notice: None,
            partner: false,
        }
    }

    /// The message a redirect after a change asks for (`?done=pause-added` shows
    /// `notice-pause-added`); anything not in the catalogues shows nothing.
    pub fn notice(&self, done: Option<&str>) -> Option<String> {
        let done = done?;
        if done.is_empty() || !done.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return None;
        }
        let id = format!("notice-{done}");
        i18n::has(self.lang, &id).then(|| self.t(&id))
    }

    /// With a message about the last action.
    #[must_use]
    pub fn with_notice(mut self, notice: Option<String>) -> Ctx {
        self.notice = notice;
        self
    }

    /// A message.
    pub fn t(&self, id: &str) -> String {
        i18n::text(self.lang, id)
    }

    /// The message naming a stored code: `tp("kind", "company")` is `kind-company`
    /// (underscores become hyphens, as in the catalogues' ids).
    pub fn tp(&self, prefix: &str, code: &str) -> String {
        i18n::code_text(self.lang, prefix, code)
    }

    /// A message with a count (the plural form follows it).
    pub fn tn(&self, id: &str, count: impl Borrow<i64>) -> String {
        i18n::text_with(self.lang, id, &[("count", Arg::Number(*count.borrow()))])
    }

    /// A message with one text argument.
    pub fn ta(&self, id: &str, name: &'static str, value: &str) -> String {
        i18n::text_with(self.lang, id, &[(name, Arg::Text(value.to_owned()))])
    }

    /// A role's name (a law firm's roles have their own: lawyer, assistant).
    pub fn role(&self, role: Role) -> String {
        if self.partner {
            self.tp("partner-role", role.as_str())
        } else {
            self.t(role_message(role))
        }
    }

    /// Whether the person may change data.
    pub fn can_edit(&self) -> bool {
        self.role >= Role::Editor
    }

    /// Whether the person administers the firm.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The role's name.
    pub fn role_name(&self) -> String {
        self.role(self.role)
    }

    /// Who wrote a case's event, as the reader sees it: "your firm" is the reader's own side.
    pub fn party(&self, party: &str) -> String {
        let side = if self.partner {
            "partner-party"
        } else {
            "party"
        };
        self.tp(side, party)
    }

    /// A file's size: "820 KB", "2,4 MB".
    pub fn file_size(&self, bytes: impl Borrow<u64>) -> String {
        let b = *bytes.borrow();
        if b < 1024 * 1024 {
            format!("{} KB", b.div_ceil(1024))
        } else {
            #[allow(clippy::cast_precision_loss)] // sizes up to 10 MiB
            let mb = b as f64 / (1024.0 * 1024.0);
            format!("{} MB", self.decimal((mb * 10.0).round() / 10.0))
        }
    }

    /// Where the home link leads.
    pub fn home(&self) -> &'static str {
        if self.partner { "/partner" } else { "/" }
    }

    /// `pl` or `en`, for `<html lang>`.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The other language's code, for the switch.
    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Pl => "en",
            Lang::En => "pl",
        }
    }

    /// The cache-busted address of an asset.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// The htmx file's address.
    pub fn htmx(&self) -> String {
        assets::url(assets::HTMX)
    }

    /// Whether the navigation entry `name` is this page's.
    pub fn is(&self, name: &str) -> bool {
        self.section == name
    }

    /// `aria-current` for the navigation entry `name`.
    pub fn current(&self, name: &str) -> &'static str {
        if self.is(name) { "page" } else { "false" }
    }

    /// An amount.
    pub fn money(&self, minor: impl Borrow<i64>, currency: &str) -> String {
        money(*minor.borrow(), currency)
    }

    /// A whole number with its thousands grouped: `20 000` (a no-break space) in Polish,
    /// `20,000` in English.
    pub fn int(&self, n: impl Borrow<u64>) -> String {
        let digits = n.borrow().to_string();
        let sep = match self.lang {
            Lang::Pl => '\u{a0}',
            Lang::En => ',',
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(ch);
        }
        out
    }

    /// A number with one decimal as the language writes it (`30,4`; `30.4`); whole numbers
    /// without one.
    pub fn decimal(&self, v: f64) -> String {
        i18n::decimal(self.lang, v)
    }

    /// A message with a decimal count (`$count` selects the plural, `$text` is shown):
    /// "1 dzień", "12 dni", "30,4 dnia".
    pub fn tn_decimal(&self, id: &str, v: f64) -> String {
        i18n::text_decimal(self.lang, id, v)
    }

    /// A share (0–1) as a percentage with one decimal: `92,5%`.
    pub fn percent(&self, share: f64) -> String {
        format!("{}%", self.decimal(share * 100.0))
    }

    /// A month: `12.2026` in Polish, `2026-12` in English.
    pub fn month(&self, first: impl Borrow<NaiveDate>) -> String {
        match self.lang {
            Lang::Pl => first.borrow().format("%m.%Y").to_string(),
            Lang::En => first.borrow().format("%Y-%m").to_string(),
        }
    }

    /// "1–50 z 1 234": where a page of a list is.
    pub fn position(
        &self,
        first: impl Borrow<u64>,
        last: impl Borrow<u64>,
        total: impl Borrow<u64>,
    ) -> String {
        let (first, last, total) = (*first.borrow(), *last.borrow(), *total.borrow());
        i18n::text_with(
            self.lang,
            "list-position",
            &[
                ("first", Arg::Text(self.int(first))),
                ("last", Arg::Text(self.int(last))),
                ("total", Arg::Text(self.int(total))),
            ],
        )
    }

    /// A day.
    pub fn date(&self, day: impl Borrow<NaiveDate>) -> String {
        i18n::date(self.lang, *day.borrow())
    }

    /// A day, or a dash.
    pub fn date_or_dash(&self, day: impl Borrow<Option<NaiveDate>>) -> String {
        day.borrow()
            .map_or_else(|| "—".to_owned(), |d| self.date(d))
    }

    /// An instant as a Warsaw day and time (`04.12.2026 14:05`).
    pub fn datetime(&self, at: impl Borrow<DateTime<Utc>>) -> String {
        let local = at.borrow().with_timezone(&Warsaw);
        format!(
            "{} {}",
            self.date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// An instant, or a dash.
    pub fn datetime_or_dash(&self, at: impl Borrow<Option<DateTime<Utc>>>) -> String {
        at.borrow()
            .map_or_else(|| "—".to_owned(), |a| self.datetime(a))
    }

    /// "12 dni po terminie", "za 3 dni", "dziś" for a due date seen on `today`.
    pub fn due_in(&self, due: impl Borrow<NaiveDate>, today: impl Borrow<NaiveDate>) -> String {
        let days = (*today.borrow() - *due.borrow()).num_days();
        match days {
            0 => self.t("due-today"),
            d if d > 0 => i18n::text_with(self.lang, "days-overdue", &[("days", Arg::Number(d))]),
            d => i18n::text_with(self.lang, "due-in-days", &[("days", Arg::Number(-d))]),
        }
    }

    /// A channel's name (`sms` → "SMS", `registered_letter` → "List polecony").
    pub fn channel(&self, code: &str) -> String {
        self.tp("channel", code)
    }

    /// An action status's name.
    pub fn status(&self, code: &str) -> String {
        self.tp("status", code)
    }
}

/// The catalogue message naming a role.
pub(super) fn role_message(role: Role) -> &'static str {
    match role {
        Role::Viewer => "role-viewer",
        Role::Editor => "role-editor",
        Role::Admin => "role-admin",
    }
}

/// An amount in minor units of a currency, Polish style; an unknown currency code is shown
/// with two decimals and its code.
pub(super) use inkaso_shared::money::display_stored as money;

/// Text made safe to put inside HTML (the letters' and e-mails' escaping).
pub(super) use inkaso_channels::template::escape_html;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_escaping() {
        assert_eq!(money(123_456, "PLN"), "1 234,56 zł");
        assert_eq!(money(1_200, "EUR"), "12,00 EUR");
        assert_eq!(
            escape_html("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
