//! Parsing of the scalar values ERPs return as text: dates (ISO or Clarion day numbers),
//! integers, booleans and Polish postcodes.
//!
//! Every column is fetched as text (see `extract`), so these parsers are the one place that
//! knows how SQL Server, PostgreSQL and SQLite render their types.

use chrono::{Duration, NaiveDate};

/// How a profile's `issue_date` / `due_date` columns are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateFormat {
    /// `2024-01-10`, optionally followed by a time (`2024-01-10 00:00:00.000`, `2024-01-10T…`).
    #[default]
    Iso,
    /// Days since 1800-12-28 (Comarch XL, WAPRO); `0` means "no date".
    Clarion,
}

/// Why a date could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// The text is not a date in the expected format.
    Format,
    /// A Clarion day number outside any plausible range.
    OutOfRange,
}

/// The Clarion epoch: day 0 is 1800-12-28 (research §1.3).
fn clarion_epoch() -> NaiveDate {
    // A constant, valid date: the fallback is never taken.
    NaiveDate::from_ymd_opt(1800, 12, 28).unwrap_or(NaiveDate::MIN)
}

/// Parses a date cell. `Ok(None)` means "no date" (Clarion `0`).
pub fn parse_date(text: &str, format: DateFormat) -> Result<Option<NaiveDate>, DateError> {
    let t = text.trim();
    match format {
        DateFormat::Iso => parse_iso_date(t).map(Some),
        DateFormat::Clarion => {
            // Some drivers render integer columns of a computed expression as `81234.0`.
            let digits = t.strip_suffix(".0").unwrap_or(t);
            let days: i64 = digits.parse().map_err(|_| DateError::Format)?;
            if days == 0 {
                return Ok(None);
            }
            // 1900-01-01 .. 2200-01-01 covers every real document.
            if !(36_163..=145_732).contains(&days) {
                return Err(DateError::OutOfRange);
            }
            Ok(clarion_epoch().checked_add_signed(Duration::days(days)))
        }
    }
}

fn parse_iso_date(t: &str) -> Result<NaiveDate, DateError> {
    let b = t.as_bytes();
    if b.len() < 10 || (b.len() > 10 && !matches!(b[10], b' ' | b'T')) {
        return Err(DateError::Format);
    }
    // Digit by digit: this runs for every row, and chrono's format parser is several times
    // slower than the fetch of the value.
    let num = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
        b[range].iter().try_fold(0_u32, |acc, d| {
            if d.is_ascii_digit() {
                Ok(acc * 10 + u32::from(d - b'0'))
            } else {
                Err(DateError::Format)
            }
        })
    };
    if b[4] != b'-' || b[7] != b'-' {
        return Err(DateError::Format);
    }
    let year = i32::try_from(num(0..4)?).map_err(|_| DateError::Format)?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?).ok_or(DateError::Format)
}

/// Parses the `excluded_flag` / `debtor_is_person` style integer cells (`1`, `0`, `1.0`,
/// `true`, `t`); `None` when it is not a number.
pub fn parse_small_int(text: &str) -> Option<i64> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" => return Some(1),
        "false" | "f" | "no" | "" => return Some(0),
        _ => {}
    }
    let t = t.strip_suffix(".0").unwrap_or(t);
    t.parse().ok()
}

/// A Polish postcode as people write it: enova stores `30001` as a number, Excel-fed ERPs lose
/// the leading zero (`1234` for `01-234`).
pub fn normalise_postcode(text: &str) -> String {
    let t = text.trim();
    if t.chars().all(|c| c.is_ascii_digit()) && (4..=5).contains(&t.len()) {
        let padded = format!("{t:0>5}");
        format!("{}-{}", &padded[..2], &padded[2..])
    } else {
        t.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn iso_dates_from_every_driver() {
        for text in [
            "2024-01-10",
            "2024-01-10 00:00:00",
            "2024-01-10 00:00:00.000",
            "2024-01-10T00:00:00",
            " 2024-01-10 ",
        ] {
            assert_eq!(
                parse_date(text, DateFormat::Iso),
                Ok(Some(d(2024, 1, 10))),
                "{text}"
            );
        }
        for bad in ["2024-13-10", "10.01.2024", "20240110", "2024-01-10x", ""] {
            assert_eq!(
                parse_date(bad, DateFormat::Iso),
                Err(DateError::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn clarion_day_numbers() {
        // 36163 = 1900-01-01 (YetiForce's WAPRO sync subtracts exactly this).
        assert_eq!(
            parse_date("36163", DateFormat::Clarion),
            Ok(Some(d(1900, 1, 1)))
        );
        let n = (d(2024, 1, 10) - d(1800, 12, 28)).num_days();
        assert_eq!(
            parse_date(&n.to_string(), DateFormat::Clarion),
            Ok(Some(d(2024, 1, 10)))
        );
        assert_eq!(parse_date("0", DateFormat::Clarion), Ok(None));
        assert_eq!(
            parse_date("12", DateFormat::Clarion),
            Err(DateError::OutOfRange)
        );
        assert_eq!(
            parse_date("2024-01-10", DateFormat::Clarion),
            Err(DateError::Format)
        );
    }

    #[test]
    fn small_ints_and_postcodes() {
        assert_eq!(parse_small_int("1"), Some(1));
        assert_eq!(parse_small_int("1.0"), Some(1));
        assert_eq!(parse_small_int("true"), Some(1));
        assert_eq!(parse_small_int("0"), Some(0));
        assert_eq!(parse_small_int("x"), None);
        assert_eq!(normalise_postcode("30001"), "30-001");
        assert_eq!(normalise_postcode("1234"), "01-234");
        assert_eq!(normalise_postcode("00-950"), "00-950");
        assert_eq!(normalise_postcode("SW1A 1AA"), "SW1A 1AA");
    }
}
