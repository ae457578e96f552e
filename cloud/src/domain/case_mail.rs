//! The e-mails about cases handed to law firms (R-C4): when a law firm's digest of new cases is
//! due, and what a firm may set — how often the digest comes and at what hour, whether the
//! creditor hears of the law firm's changes, and to whom both go. Pure rules; the store keeps
//! the settings and what was sent (`store::case_mail`), `services::case_mail` sends.

use chrono::{Datelike as _, Duration, NaiveDate, NaiveDateTime, Timelike as _};
use inkaso_shared::Email;

use super::Invalid;

/// How often a law firm gets the digest of new cases: never more than once a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DigestEvery {
    /// Every day at the set hour (the default).
    #[default]
    Daily,
    /// On Mondays at the set hour (or the first day after it when the service was down).
    Weekly,
    /// Never.
    Off,
}

impl DigestEvery {
    /// Every choice, as offered.
    pub const ALL: [DigestEvery; 3] = [DigestEvery::Daily, DigestEvery::Weekly, DigestEvery::Off];

    /// The stored and form name.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestEvery::Daily => "daily",
            DigestEvery::Weekly => "weekly",
            DigestEvery::Off => "off",
        }
    }

    /// Parses a choice; the error names `field`.
    pub fn parse(text: &str, field: &str) -> Result<DigestEvery, Invalid> {
        let t = text.trim();
        DigestEvery::ALL
            .into_iter()
            .find(|e| e.as_str() == t)
            .ok_or_else(|| {
                Invalid::new(
                    field,
                    "err-domain-digest-every-unknown",
                    &[("value", t.into())],
                )
            })
    }
}

/// Most addresses one firm may list.
pub const MAX_RECIPIENTS: usize = 20;

/// A firm's settings of the case e-mails. A law firm uses the digest's; a creditor the
/// status mail's; both the recipients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMailSettings {
    /// How often the law firm's digest comes.
    pub digest: DigestEvery,
    /// The hour (Polish time, 0–23) from which a day's digest may go.
    pub digest_hour: u32,
    /// Whether the creditor is mailed when its law firm changes a case.
    pub status_mail: bool,
    /// Who gets them; empty: the firm's active administrators and editors (lawyers).
    pub recipients: Vec<Email>,
}

impl Default for CaseMailSettings {
    fn default() -> Self {
        CaseMailSettings {
            digest: DigestEvery::Daily,
            digest_hour: 7,
            status_mail: true,
            recipients: Vec::new(),
        }
    }
}

impl CaseMailSettings {
    /// Settings from a form's or a request's fields: the recipients one address per line (or
    /// separated by commas, semicolons or spaces); each error names its field and, for an
    /// address, the address.
    pub fn parse(
        digest: &str,
        digest_hour: &str,
        status_mail: bool,
        recipients: &str,
    ) -> Result<CaseMailSettings, Invalid> {
        let digest = DigestEvery::parse(digest, "digest")?;
        let hour = digest_hour.trim();
        let digest_hour = hour
            .parse::<u32>()
            .ok()
            .filter(|h| *h < 24)
            .ok_or_else(|| {
                Invalid::new(
                    "digest_hour",
                    "err-domain-digest-hour",
                    &[("value", hour.into())],
                )
            })?;
        let mut list: Vec<Email> = Vec::new();
        for part in recipients
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            let email = Email::parse(part).map_err(|_| {
                Invalid::new(
                    "recipients",
                    "err-domain-recipient-invalid",
                    &[("value", part.into())],
                )
            })?;
            if !list
                .iter()
                .any(|e| e.as_str().eq_ignore_ascii_case(email.as_str()))
            {
                list.push(email);
            }
        }
        if list.len() > MAX_RECIPIENTS {
            return Err(Invalid::new(
                "recipients",
                "err-domain-recipients-many",
                &[("count", list.len().into()), ("max", MAX_RECIPIENTS.into())],
            ));
        }
        Ok(CaseMailSettings {
            digest,
            digest_hour,
            status_mail,
            recipients: list,
        })
    }

    /// The day whose digest is due at `now` (Polish local time), given the day the last one
    /// went out: `None` when it is off, too early in the day, or this day's (this week's) has
    /// gone already. A service down at the hour sends the day's digest when it comes back.
    pub fn digest_due(&self, last: Option<NaiveDate>, now: NaiveDateTime) -> Option<NaiveDate> {
        let today = now.date();
        if now.hour() < self.digest_hour {
            return None;
        }
        let period_start = match self.digest {
            DigestEvery::Off => return None,
            DigestEvery::Daily => today,
            DigestEvery::Weekly => {
                today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
            }
        };
        match last {
            Some(day) if day >= period_start => None,
            _ => Some(today),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: &str, hour: u32) -> NaiveDateTime {
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(hour, 30, 0)
            .unwrap()
    }

    fn day(d: &str) -> NaiveDate {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_daily_digest_goes_once_a_day_from_its_hour() {
        let s = CaseMailSettings::default();
        assert_eq!(s.digest_due(None, at("2026-12-07", 6)), None);
        assert_eq!(
            s.digest_due(None, at("2026-12-07", 7)),
            Some(day("2026-12-07"))
        );
        assert_eq!(
            s.digest_due(Some(day("2026-12-07")), at("2026-12-07", 23)),
            None
        );
        assert_eq!(
            s.digest_due(Some(day("2026-12-07")), at("2026-12-08", 7)),
            Some(day("2026-12-08"))
        );
        // Down for three days: one digest when it is back, not three.
        assert_eq!(
            s.digest_due(Some(day("2026-12-03")), at("2026-12-07", 12)),
            Some(day("2026-12-07"))
        );
    }

    #[test]
    fn a_weekly_digest_goes_on_monday_or_the_first_day_after() {
        let s = CaseMailSettings {
            digest: DigestEvery::Weekly,
            ..CaseMailSettings::default()
        };
        // 2026-12-07 is a Monday.
        assert_eq!(
            s.digest_due(Some(day("2026-11-30")), at("2026-12-07", 8)),
            Some(day("2026-12-07"))
        );
        assert_eq!(
            s.digest_due(Some(day("2026-12-07")), at("2026-12-10", 8)),
            None
        );
        assert_eq!(
            s.digest_due(Some(day("2026-11-30")), at("2026-12-09", 8)),
            Some(day("2026-12-09"))
        );
        assert_eq!(
            s.digest_due(Some(day("2026-12-09")), at("2026-12-13", 8)),
            None
        );
    }

    #[test]
    fn an_off_digest_never_goes() {
        let s = CaseMailSettings {
            digest: DigestEvery::Off,
            ..CaseMailSettings::default()
        };
        assert_eq!(s.digest_due(None, at("2026-12-07", 12)), None);
    }

    #[test]
    fn settings_parse_and_name_the_bad_field() {
        let s = CaseMailSettings::parse(
            "weekly",
            "9",
            false,
            "a@kancelaria.pl, b@kancelaria.pl\nA@kancelaria.pl",
        )
        .unwrap();
        assert_eq!(s.digest, DigestEvery::Weekly);
        assert_eq!(s.digest_hour, 9);
        assert!(!s.status_mail);
        assert_eq!(s.recipients.len(), 2, "{:?}", s.recipients);
        let e = CaseMailSettings::parse("hourly", "7", true, "").unwrap_err();
        assert_eq!(e.field, "digest");
        assert!(e.message_pl.contains("hourly"), "{}", e.message_pl);
        let e = CaseMailSettings::parse("daily", "24", true, "").unwrap_err();
        assert_eq!(e.field, "digest_hour");
        let e = CaseMailSettings::parse("daily", "7", true, "a@b.pl nie-adres").unwrap_err();
        assert_eq!(e.field, "recipients");
        assert!(e.message_pl.contains("nie-adres"), "{}", e.message_pl);
    }
}
