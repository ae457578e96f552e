//! Money in integer minor units (grosze) with an ISO 4217 currency.
//!
//! Amounts never pass through floating point: ERP text (`1 234,56`, `1234.5600`, `-0,01`) is
//! parsed digit by digit into an `i64` of minor units, arithmetic is checked, and formatting is
//! Polish (`1 234,56 zł`, `12,00 EUR`).

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localized};

/// ISO 4217 codes Inkaso accepts, with their number of minor-unit digits.
///
/// Active codes only: a document in a withdrawn currency (e.g. `PLZ`) is an ERP data problem
/// that must surface in the quarantine report, not be guessed at.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("BYN", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KZT", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MKD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("UZS", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// An ISO 4217 currency that Inkaso knows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

impl Currency {
    /// Polish złoty, the currency of almost every document Inkaso sees.
    pub const PLN: Currency = Currency {
        code: *b"PLN",
        exponent: 2,
    };
    /// Euro.
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        exponent: 2,
    };

    /// The three-letter ISO code.
    pub fn code(&self) -> &str {
        // The code is always one of the ASCII entries of `CURRENCIES`.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal separator (2 for PLN, 0 for JPY, 3 for KWD).
    pub fn exponent(self) -> u8 {
        self.exponent
    }

    fn scale(self) -> i64 {
        10_i64.pow(u32::from(self.exponent))
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    /// Accepts the code in any case and with surrounding spaces; `zł` and `PLZ`-free aliases
    /// that ERPs store for the złoty (`ZŁ`, `ZL`) map to PLN.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let upper = t.to_uppercase();
        let upper = match upper.as_str() {
            "ZŁ" | "ZL" => "PLN",
            other => other,
        };
        CURRENCIES
            .iter()
            .find(|(code, _)| *code == upper)
            .map(|&(code, exponent)| {
                let b = code.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    exponent,
                }
            })
            .ok_or_else(|| MoneyError::UnknownCurrency(t.to_owned()))
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An amount of money: integer minor units in a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Minor units (grosze for PLN); negative for credits and overpayments.
    pub minor: i64,
    /// The currency the minor units are counted in.
    pub currency: Currency,
}

/// Why an amount or currency was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("pusta kwota")]
    Empty,
    #[error("kwota „{text}”: niedozwolony znak „{ch}”")]
    InvalidChar { text: String, ch: char },
    #[error("kwota „{text}”: błędne grupowanie cyfr (grupy po 3 cyfry)")]
    BadGrouping { text: String },
    #[error("kwota „{text}”: więcej miejsc po przecinku niż {allowed} dozwolone dla waluty")]
    TooManyDecimals { text: String, allowed: u8 },
    #[error("kwota „{text}” jest poza zakresem")]
    Overflow { text: String },
    #[error("nieznana waluta „{0}” (oczekiwano kodu ISO 4217, np. PLN)")]
    UnknownCurrency(String),
    #[error("różne waluty: {0} i {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("przepełnienie przy obliczaniu kwoty")]
    ArithmeticOverflow,
}

impl Localized for MoneyError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                MoneyError::Empty => "empty amount".into(),
                MoneyError::InvalidChar { text, ch } => {
                    format!("amount \"{text}\": character '{ch}' is not allowed")
                }
                MoneyError::BadGrouping { text } => {
                    format!("amount \"{text}\": digit groups must have 3 digits")
                }
                MoneyError::TooManyDecimals { text, allowed } => format!(
                    "amount \"{text}\": more decimal places than the {allowed} the currency allows"
                ),
                MoneyError::Overflow { text } => format!("amount \"{text}\" is out of range"),
                MoneyError::UnknownCurrency(c) => {
                    format!("unknown currency \"{c}\" (expected an ISO 4217 code such as PLN)")
                }
                MoneyError::CurrencyMismatch(a, b) => format!("different currencies: {a} and {b}"),
                MoneyError::ArithmeticOverflow => "overflow while computing an amount".into(),
            },
        }
    }
}

/// Parses a decimal amount into minor units of a currency with `exponent` fraction digits.
///
/// Accepted: an optional sign, digits grouped by spaces (also no-break spaces) or by the
/// separator that is not the decimal one, and `,` or `.` as the decimal separator. When both
/// `,` and `.` occur, the last one is the decimal separator (`1.234,56`, `1,234.56`); a single
/// kind occurring once is the decimal separator, occurring more often it groups thousands.
/// Extra fraction digits are accepted only when they are zeros (`1234.5600` from a SQL
/// `DECIMAL(19,4)`).
pub fn parse_minor(text: &str, exponent: u8) -> Result<i64, MoneyError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(MoneyError::Empty);
    }
    let (negative, unsigned) = match trimmed.as_bytes()[0] {
        b'-' => (true, trimmed[1..].trim_start()),
        b'+' => (false, trimmed[1..].trim_start()),
        _ => (false, trimmed),
    };
    if unsigned.is_empty() {
        return Err(MoneyError::Empty);
    }
    if let Some(ch) = unsigned
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}')))
    {
        return Err(MoneyError::InvalidChar {
            text: trimmed.to_owned(),
            ch,
        });
    }
    let decimal_sep = decimal_separator(unsigned);
    let (int_part, frac_part) = match decimal_sep {
        Some(sep) => {
            let pos = unsigned.rfind(sep).unwrap_or(unsigned.len());
            (&unsigned[..pos], &unsigned[pos + 1..])
        }
        None => (unsigned, ""),
    };
    if frac_part.chars().any(|c| !c.is_ascii_digit()) {
        return Err(MoneyError::BadGrouping {
            text: trimmed.to_owned(),
        });
    }
    let int_digits = ungroup(int_part).ok_or_else(|| MoneyError::BadGrouping {
        text: trimmed.to_owned(),
    })?;
    if int_digits.is_empty() && frac_part.is_empty() {
        return Err(MoneyError::Empty);
    }

    let allowed = usize::from(exponent);
    let (kept, extra) = frac_part.split_at(frac_part.len().min(allowed));
    if extra.bytes().any(|b| b != b'0') {
        return Err(MoneyError::TooManyDecimals {
            text: trimmed.to_owned(),
            allowed: exponent,
        });
    }
    let overflow = || MoneyError::Overflow {
        text: trimmed.to_owned(),
    };
    // i128 so that i64::MIN, whose magnitude exceeds i64::MAX, still parses.
    let mut magnitude: i128 = 0;
    let padded = kept
        .bytes()
        .chain(std::iter::repeat_n(b'0', allowed - kept.len()));
    for digit in int_digits.bytes().chain(padded) {
        magnitude = magnitude * 10 + i128::from(digit - b'0');
        if magnitude > i128::from(i64::MAX) + 1 {
            return Err(overflow());
        }
    }
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).map_err(|_| overflow())
}

fn decimal_separator(s: &str) -> Option<char> {
    let commas = s.matches(',').count();
    let dots = s.matches('.').count();
    match (commas, dots) {
        (1, 0) => Some(','),
        (0, 1) => Some('.'),
        // None at all, or one kind several times: those group thousands.
        (_, 0) | (0, _) => None,
        // Both kinds: whichever comes last separates the fraction.
        _ => {
            if s.rfind(',') > s.rfind('.') {
                Some(',')
            } else {
                Some('.')
            }
        }
    }
}

/// Removes thousands separators from the integer part: each separator stands alone between
/// digits, the first group has 1 to 3 digits and every later group exactly 3.
fn ungroup(int_part: &str) -> Option<String> {
    let groups: Vec<&str> = int_part.split(|c: char| !c.is_ascii_digit()).collect();
    if let [single] = groups.as_slice() {
        return Some((*single).to_owned());
    }
    let well_formed = groups.iter().all(|g| !g.is_empty())
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3);
    well_formed.then(|| groups.concat())
}

impl Money {
    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// `minor` units of `currency`.
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses ERP or user text (`1 234,56`, `1234.56`, `-0,01`) in `currency`.
    pub fn parse(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        Ok(Money {
            minor: parse_minor(text, currency.exponent)?,
            currency,
        })
    }

    /// `self + other`, refusing mixed currencies and overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money {
                minor,
                currency: self.currency,
            })
            .ok_or(MoneyError::ArithmeticOverflow)
    }

    /// `self - other`, refusing mixed currencies and overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money {
                minor,
                currency: self.currency,
            })
            .ok_or(MoneyError::ArithmeticOverflow)
    }

    /// `self × factor` (e.g. a number of instalments), refusing overflow.
    pub fn checked_mul(self, factor: i64) -> Result<Money, MoneyError> {
        self.minor
            .checked_mul(factor)
            .map(|minor| Money {
                minor,
                currency: self.currency,
            })
            .ok_or(MoneyError::ArithmeticOverflow)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }

    /// The amount without the currency, Polish style: `1 234,56`.
    pub fn format_amount(self) -> String {
        self.format_grouped(Some(' '))
    }

    /// The amount as a spreadsheet in Polish reads a number: `1234,56`, no grouping.
    pub fn format_plain(self) -> String {
        self.format_grouped(None)
    }

    /// The amount with a decimal comma and thousands grouped by `group`, if any.
    fn format_grouped(self, group: Option<char>) -> String {
        let scale = self.currency.scale();
        let abs = self.minor.unsigned_abs();
        let int = abs / scale.unsigned_abs();
        let frac = abs % scale.unsigned_abs();
        let digits = int.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 8);
        if self.minor < 0 {
            out.push('-');
        }
        for (i, ch) in digits.chars().enumerate() {
            if let Some(g) = group
                && i > 0
                && (digits.len() - i).is_multiple_of(3)
            {
                out.push(g);
            }
            out.push(ch);
        }
        if self.currency.exponent > 0 {
            out.push(',');
            let _ = write!(
                out,
                "{frac:0width$}",
                width = usize::from(self.currency.exponent)
            );
        }
        out
    }
}

/// An amount stored as minor units with its currency's code, Polish style (`1 234,56 zł`,
/// `12,00 EUR`); a code that is no currency we know keeps the code and two decimals
/// (`12,00 XYZ`), so a stored oddity is shown as it is rather than as złoty.
pub fn display_stored(minor: i64, currency: &str) -> String {
    match currency.parse::<Currency>() {
        Ok(c) => Money::new(minor, c).to_string(),
        Err(_) => format!(
            "{} {currency}",
            Money::new(minor, Currency::PLN).format_amount()
        ),
    }
}

impl fmt::Display for Money {
    /// Polish style: `1 234,56 zł`, `12,00 EUR`, `-0,01 zł`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = self.format_amount();
        if self.currency == Currency::PLN {
            write!(f, "{amount} zł")
        } else {
            write!(f, "{amount} {}", self.currency)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pln(text: &str) -> Result<i64, MoneyError> {
        Money::parse(text, Currency::PLN).map(|m| m.minor)
    }

    #[test]
    fn parses_both_separators_and_grouping() {
        assert_eq!(pln("1234.56"), Ok(123_456));
        assert_eq!(pln("1234,56"), Ok(123_456));
        assert_eq!(pln("1 234,56"), Ok(123_456));
        assert_eq!(pln("1\u{a0}234,56"), Ok(123_456));
        assert_eq!(pln("1.234,56"), Ok(123_456));
        assert_eq!(pln("1,234.56"), Ok(123_456));
        assert_eq!(pln("1 234 567,8"), Ok(123_456_780));
        assert_eq!(pln("1.234.567"), Ok(123_456_700));
        assert_eq!(pln("12"), Ok(1200));
        assert_eq!(pln(",5"), Ok(50));
        assert_eq!(pln("0,01"), Ok(1));
        assert_eq!(pln("  7,10  "), Ok(710));
    }

    #[test]
    fn parses_negative_and_sql_decimals() {
        assert_eq!(pln("-0,01"), Ok(-1));
        assert_eq!(pln("-1 234,56"), Ok(-123_456));
        assert_eq!(pln("+5"), Ok(500));
        assert_eq!(pln("1234.5600"), Ok(123_456));
        assert_eq!(pln("0.0000"), Ok(0));
    }

    #[test]
    fn parses_large_amounts_and_refuses_overflow() {
        assert_eq!(pln("92 233 720 368 547 758,07"), Ok(i64::MAX));
        assert!(matches!(
            pln("92 233 720 368 547 758,08"),
            Err(MoneyError::Overflow { .. })
        ));
        assert!(matches!(
            pln("99999999999999999999999"),
            Err(MoneyError::Overflow { .. })
        ));
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        assert_eq!(pln(""), Err(MoneyError::Empty));
        assert_eq!(pln("-"), Err(MoneyError::Empty));
        assert!(matches!(
            pln("12zł"),
            Err(MoneyError::InvalidChar { ch: 'z', .. })
        ));
        assert!(matches!(
            pln("1e5"),
            Err(MoneyError::InvalidChar { ch: 'e', .. })
        ));
        assert!(matches!(
            pln("1,234"),
            Err(MoneyError::TooManyDecimals { allowed: 2, .. })
        ));
        assert!(matches!(
            pln("12 34,00"),
            Err(MoneyError::BadGrouping { .. })
        ));
        assert!(matches!(
            pln("1 234 5,00"),
            Err(MoneyError::BadGrouping { .. })
        ));
        assert!(matches!(pln("1.2.3"), Err(MoneyError::BadGrouping { .. })));
        assert!(matches!(pln("1,,5"), Err(MoneyError::BadGrouping { .. })));
    }

    #[test]
    fn respects_currency_exponent() {
        let jpy: Currency = "jpy".parse().unwrap();
        assert_eq!(Money::parse("1 500", jpy).unwrap().minor, 1500);
        assert!(Money::parse("1,5", jpy).is_err());
        let kwd: Currency = "KWD".parse().unwrap();
        assert_eq!(Money::parse("1,005", kwd).unwrap().minor, 1005);
    }

    #[test]
    fn plain_amounts_for_spreadsheets() {
        let plain = |minor| Money::new(minor, Currency::PLN).format_plain();
        assert_eq!(plain(123_456), "1234,56");
        assert_eq!(plain(-5), "-0,05");
        assert_eq!(plain(i64::MIN), "-92233720368547758,08");
    }

    #[test]
    fn formats_polish_style() {
        assert_eq!(
            Money::new(123_456, Currency::PLN).to_string(),
            "1 234,56 zł"
        );
        assert_eq!(Money::new(1200, Currency::EUR).to_string(), "12,00 EUR");
        assert_eq!(Money::new(-1, Currency::PLN).to_string(), "-0,01 zł");
        assert_eq!(Money::new(0, Currency::PLN).to_string(), "0,00 zł");
        assert_eq!(
            Money::new(100_000_000, Currency::PLN).to_string(),
            "1 000 000,00 zł"
        );
        assert_eq!(
            Money::new(i64::MIN, Currency::PLN).format_amount(),
            "-92 233 720 368 547 758,08"
        );
        let jpy: Currency = "JPY".parse().unwrap();
        assert_eq!(Money::new(1500, jpy).to_string(), "1 500 JPY");
    }

    #[test]
    fn currency_codes() {
        assert_eq!("pln".parse::<Currency>(), Ok(Currency::PLN));
        assert_eq!(" zł ".parse::<Currency>(), Ok(Currency::PLN));
        assert_eq!(
            "XYZ".parse::<Currency>(),
            Err(MoneyError::UnknownCurrency("XYZ".into()))
        );
        assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), "\"EUR\"");
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }

    #[test]
    fn checked_arithmetic() {
        let a = Money::new(100, Currency::PLN);
        let b = Money::new(250, Currency::PLN);
        assert_eq!(a.checked_add(b).unwrap().minor, 350);
        assert_eq!(a.checked_sub(b).unwrap().minor, -150);
        assert_eq!(
            a.checked_add(Money::new(1, Currency::EUR)),
            Err(MoneyError::CurrencyMismatch(Currency::PLN, Currency::EUR))
        );
        assert_eq!(
            Money::new(i64::MAX, Currency::PLN).checked_add(Money::new(1, Currency::PLN)),
            Err(MoneyError::ArithmeticOverflow)
        );
        assert_eq!(
            Money::new(i64::MAX, Currency::PLN).checked_mul(2),
            Err(MoneyError::ArithmeticOverflow)
        );
    }

    #[test]
    fn english_messages() {
        let e = pln("1,234").unwrap_err();
        assert!(e.to_string().contains("miejsc po przecinku"));
        assert!(e.message(Lang::En).contains("decimal places"));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_minor(&s, 2);
        }

        #[test]
        fn round_trips_through_polish_format(minor in any::<i64>()) {
            let m = Money::new(minor, Currency::PLN);
            prop_assert_eq!(Money::parse(&m.format_amount(), Currency::PLN), Ok(m));
        }

        #[test]
        fn plain_decimal_round_trips(minor in -1_000_000_000_000_i64..1_000_000_000_000) {
            let text = format!("{}{}.{:02}", if minor < 0 { "-" } else { "" }, minor.unsigned_abs() / 100, minor.unsigned_abs() % 100);
            prop_assert_eq!(pln(&text), Ok(minor));
        }
    }
}
