//! The collection calendar: Europe/Warsaw local time, Polish public holidays and send windows.
//!
//! Owns the answer to "when may this stage actually go out": a stage is scheduled for a calendar
//! date (due date + offset), and the calendar moves it to the first instant that falls on an
//! allowed weekday, is not a public holiday and lies inside the allowed hours. An action is never
//! dropped for being outside its window, only moved forward. All arithmetic is in Warsaw local
//! time, so 9:00 stays 9:00 across the DST switches (07:00 UTC in summer, 08:00 UTC in winter).

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Warsaw;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The time zone of every calendar date in Inkaso (every day in Inkaso is a Warsaw day).
pub const ZONE: Tz = Warsaw;

/// How far ahead [`SendWindow::next_slot`] looks. Any valid window has an allowed day within two
/// weeks (holidays never cover more than three consecutive days); the bound only turns an
/// impossible window into an error instead of a hang.
const MAX_SEARCH_DAYS: u32 = 400;

/// The local calendar date of an instant, in Warsaw.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&ZONE).date_naive()
}

/// The first instant of `date` at `hour`:00 Warsaw time (`hour` 0–24; 24 means the next day's
/// midnight). On the spring-forward day a non-existent hour (02:00) maps to the first existing
/// instant after it; on the fall-back day an ambiguous hour maps to its earlier occurrence.
pub fn local_instant(date: NaiveDate, hour: u8) -> DateTime<Utc> {
    let (date, hour) = if hour >= 24 {
        (date.succ_opt().unwrap_or(date), 0)
    } else {
        (date, hour)
    };
    let time = NaiveTime::from_hms_opt(u32::from(hour), 0, 0).unwrap_or(NaiveTime::MIN);
    let mut naive = NaiveDateTime::new(date, time);
    // A DST gap in Warsaw is one hour; three steps cover any zone rule change as well.
    for _ in 0..4 {
        match ZONE.from_local_datetime(&naive) {
            chrono::LocalResult::Single(t) => return t.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(earliest, _) => return earliest.with_timezone(&Utc),
            chrono::LocalResult::None => naive += Duration::hours(1),
        }
    }
    // Unreachable for Warsaw's rules; UTC interpretation is still a valid, monotone answer.
    Utc.from_utc_datetime(&naive)
}

/// Start of a local day (midnight in Warsaw) as an instant.
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    local_instant(date, 0)
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher"
/// computus). Every moving Polish holiday is a fixed distance from it.
#[allow(clippy::many_single_char_names)] // the algorithm's published variable names
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction of the algorithm.
    NaiveDate::from_ymd_opt(year, month.unsigned_abs(), day.unsigned_abs())
        .unwrap_or(NaiveDate::MIN)
}

/// A Polish statutory day off (ustawa o dniach wolnych od pracy, as amended in 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    NewYear,
    Epiphany,
    EasterSunday,
    EasterMonday,
    LabourDay,
    ConstitutionDay,
    Pentecost,
    CorpusChristi,
    Assumption,
    AllSaints,
    IndependenceDay,
    ChristmasEve,
    ChristmasDay,
    SecondDayOfChristmas,
}

impl Holiday {
    /// The holiday's Polish name.
    pub fn name_pl(self) -> &'static str {
        match self {
            Holiday::NewYear => "Nowy Rok",
            Holiday::Epiphany => "Święto Trzech Króli",
            Holiday::EasterSunday => "Wielkanoc",
            Holiday::EasterMonday => "Poniedziałek Wielkanocny",
            Holiday::LabourDay => "Święto Pracy",
            Holiday::ConstitutionDay => "Święto Konstytucji 3 Maja",
            Holiday::Pentecost => "Zielone Świątki",
            Holiday::CorpusChristi => "Boże Ciało",
            Holiday::Assumption => "Wniebowzięcie Najświętszej Maryi Panny",
            Holiday::AllSaints => "Wszystkich Świętych",
            Holiday::IndependenceDay => "Narodowe Święto Niepodległości",
            Holiday::ChristmasEve => "Wigilia Bożego Narodzenia",
            Holiday::ChristmasDay => "Boże Narodzenie (pierwszy dzień)",
            Holiday::SecondDayOfChristmas => "Boże Narodzenie (drugi dzień)",
        }
    }
}

/// The public holiday on `date`, if any. Computed, not looked up: no table to keep current.
pub fn holiday(date: NaiveDate) -> Option<Holiday> {
    let year = date.year();
    let fixed = match (date.month(), date.day()) {
        (1, 1) => Some(Holiday::NewYear),
        // Epiphany is a day off again since 2011.
        (1, 6) if year >= 2011 => Some(Holiday::Epiphany),
        (5, 1) => Some(Holiday::LabourDay),
        (5, 3) => Some(Holiday::ConstitutionDay),
        (8, 15) => Some(Holiday::Assumption),
        (11, 1) => Some(Holiday::AllSaints),
        (11, 11) => Some(Holiday::IndependenceDay),
        // Christmas Eve is a statutory day off from 2025 on.
        (12, 24) if year >= 2025 => Some(Holiday::ChristmasEve),
        (12, 25) => Some(Holiday::ChristmasDay),
        (12, 26) => Some(Holiday::SecondDayOfChristmas),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    // Moving holidays fall between 22 March (earliest Easter) and 24 June (latest Corpus Christi).
    if !(3..=6).contains(&date.month()) {
        return None;
    }
    match (date - easter_sunday(year)).num_days() {
        0 => Some(Holiday::EasterSunday),
        1 => Some(Holiday::EasterMonday),
        49 => Some(Holiday::Pentecost),
        60 => Some(Holiday::CorpusChristi),
        _ => None,
    }
}

/// Whether `date` is a Polish public holiday.
pub fn is_holiday(date: NaiveDate) -> bool {
    holiday(date).is_some()
}

/// All public holidays of `year`, in date order.
pub fn holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return Vec::new();
    };
    first
        .iter_days()
        .take_while(|d| d.year() == year)
        .filter_map(|d| holiday(d).map(|h| (d, h)))
        .collect()
}

/// A set of weekdays, serialised as a list of three-letter English names (`["mon", "tue"]`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weekdays(u8);

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Weekdays {
    /// Monday to Friday: the default for anything a debtor receives.
    pub const WORKDAYS: Weekdays = Weekdays(0b001_1111);
    /// Every day of the week.
    pub const ALL: Weekdays = Weekdays(0b111_1111);
    /// No day at all (refused by validation).
    pub const NONE: Weekdays = Weekdays(0);

    /// A set from chrono weekdays.
    pub fn from_days(days: &[chrono::Weekday]) -> Self {
        Weekdays(
            days.iter()
                .fold(0, |acc, d| acc | (1 << d.num_days_from_monday())),
        )
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: chrono::Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0.trailing_zeros() >= 7
    }
}

impl Default for Weekdays {
    fn default() -> Self {
        Weekdays::WORKDAYS
    }
}

impl fmt::Debug for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = DAY_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect();
        write!(f, "{}", names.join(","))
    }
}

impl Serialize for Weekdays {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        for (i, name) in DAY_NAMES.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                seq.serialize_element(name)?;
            }
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Weekdays {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let mut bits = 0u8;
        for name in &names {
            let lower = name.trim().to_ascii_lowercase();
            let idx = DAY_NAMES
                .iter()
                .position(|n| lower.starts_with(n))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "nieznany dzień tygodnia „{name}” (dozwolone: mon, tue, wed, thu, fri, sat, sun)"
                    ))
                })?;
            bits |= 1 << idx;
        }
        Ok(Weekdays(bits))
    }
}

/// When a stage may reach a debtor: weekdays, local hours `[start_hour, end_hour)` and whether
/// public holidays are off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SendWindow {
    /// Allowed days of the week.
    pub weekdays: Weekdays,
    /// First allowed local hour (0–23).
    pub start_hour: u8,
    /// End of the allowed hours, exclusive (1–24).
    pub end_hour: u8,
    /// Whether Polish public holidays are excluded (default: yes).
    pub skip_holidays: bool,
}

impl Default for SendWindow {
    /// Working days 9:00–17:00, no holidays: office hours, when a debtor can call back.
    fn default() -> Self {
        SendWindow {
            weekdays: Weekdays::WORKDAYS,
            start_hour: 9,
            end_hour: 17,
            skip_holidays: true,
        }
    }
}

/// A window that admits no instant at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("okno wysyłki nie dopuszcza żadnego terminu w ciągu {MAX_SEARCH_DAYS} dni")]
pub struct NoSlot;

impl SendWindow {
    /// Whether actions may go out at all on `date` (weekday and holiday rule; hours aside).
    pub fn allows_date(&self, date: NaiveDate) -> bool {
        self.weekdays.contains(date.weekday()) && !(self.skip_holidays && is_holiday(date))
    }

    /// Whether `at` lies inside the window.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let date = local_date(at);
        self.allows_date(date)
            && at >= local_instant(date, self.start_hour)
            && at < local_instant(date, self.end_hour)
    }

    /// The first allowed instant at or after `not_before`. An instant inside the window is
    /// returned as is; anything else moves forward to the start of the next allowed period.
    pub fn next_slot(&self, not_before: DateTime<Utc>) -> Result<DateTime<Utc>, NoSlot> {
        let mut date = local_date(not_before);
        for _ in 0..MAX_SEARCH_DAYS {
            if self.allows_date(date) {
                let start = local_instant(date, self.start_hour);
                let end = local_instant(date, self.end_hour);
                let candidate = start.max(not_before);
                if candidate < end {
                    return Ok(candidate);
                }
            }
            date = date.succ_opt().ok_or(NoSlot)?;
        }
        Err(NoSlot)
    }

    /// The first allowed instant on or after the local date `date`.
    pub fn first_slot_on_or_after(&self, date: NaiveDate) -> Result<DateTime<Utc>, NoSlot> {
        self.next_slot(start_of_day(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn easter_matches_known_dates() {
        for (y, m, day) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), d(y, m, day), "{y}");
        }
    }

    #[test]
    fn polish_holidays_of_2026() {
        let got: Vec<NaiveDate> = holidays(2026).into_iter().map(|(date, _)| date).collect();
        let want = vec![
            d(2026, 1, 1),
            d(2026, 1, 6),
            d(2026, 4, 5),
            d(2026, 4, 6),
            d(2026, 5, 1),
            d(2026, 5, 3),
            d(2026, 5, 24),
            d(2026, 6, 4),
            d(2026, 8, 15),
            d(2026, 11, 1),
            d(2026, 11, 11),
            d(2026, 12, 24),
            d(2026, 12, 25),
            d(2026, 12, 26),
        ];
        assert_eq!(got, want);
        assert_eq!(holiday(d(2026, 6, 4)), Some(Holiday::CorpusChristi));
        assert_eq!(holiday(d(2026, 6, 4)).unwrap().name_pl(), "Boże Ciało");
    }

    #[test]
    fn christmas_eve_is_off_only_from_2025() {
        assert!(!is_holiday(d(2024, 12, 24)));
        assert!(is_holiday(d(2025, 12, 24)));
        assert!(!is_holiday(d(2010, 1, 6)));
        assert!(is_holiday(d(2011, 1, 6)));
        assert!(!is_holiday(d(2026, 12, 27)));
    }

    #[test]
    fn inside_the_window_is_kept() {
        let w = SendWindow::default();
        // Tuesday 10 November 2026, 10:30 Warsaw = 09:30 UTC (winter time).
        let t = utc("2026-11-10T09:30:00Z");
        assert!(w.contains(t));
        assert_eq!(w.next_slot(t).unwrap(), t);
    }

    #[test]
    fn evening_moves_to_next_morning_and_weekend_to_monday() {
        let w = SendWindow::default();
        // Friday 13 November 2026 18:00 Warsaw -> Monday 16 November 9:00 Warsaw (08:00 UTC).
        let slot = w.next_slot(utc("2026-11-13T17:00:00Z")).unwrap();
        assert_eq!(slot, utc("2026-11-16T08:00:00Z"));
        // Early Wednesday morning -> same day 9:00.
        let slot = w.next_slot(utc("2026-11-18T03:00:00Z")).unwrap();
        assert_eq!(slot, utc("2026-11-18T08:00:00Z"));
    }

    #[test]
    fn holidays_are_skipped_and_can_be_allowed() {
        let w = SendWindow::default();
        // Wednesday 11 November 2026 is Independence Day -> Thursday 12th.
        assert_eq!(
            w.first_slot_on_or_after(d(2026, 11, 11)).unwrap(),
            utc("2026-11-12T08:00:00Z")
        );
        // Thursday 24 December 2026 -> 24, 25, 26 off, 27 Sunday -> Monday 28th.
        assert_eq!(
            w.first_slot_on_or_after(d(2026, 12, 24)).unwrap(),
            utc("2026-12-28T08:00:00Z")
        );
        // Easter 2026: Good Friday 3 April is a working day; Monday 6 April is off.
        assert_eq!(
            w.first_slot_on_or_after(d(2026, 4, 4)).unwrap(),
            utc("2026-04-07T07:00:00Z")
        );
        // 1–3 May 2027: Saturday 1st, Sunday 2nd, Monday 3rd off -> Tuesday 4th.
        assert_eq!(
            w.first_slot_on_or_after(d(2027, 4, 30)).unwrap(),
            utc("2027-04-30T07:00:00Z")
        );
        assert_eq!(
            w.first_slot_on_or_after(d(2027, 5, 1)).unwrap(),
            utc("2027-05-04T07:00:00Z")
        );
        let open = SendWindow {
            skip_holidays: false,
            weekdays: Weekdays::ALL,
            ..SendWindow::default()
        };
        assert_eq!(
            open.first_slot_on_or_after(d(2026, 12, 25)).unwrap(),
            utc("2026-12-25T08:00:00Z")
        );
    }

    #[test]
    fn dst_keeps_local_hours() {
        let w = SendWindow::default();
        // Last Sunday of March 2026 is the 29th; Friday 27th is CET, Monday 30th CEST.
        assert_eq!(
            w.first_slot_on_or_after(d(2026, 3, 27)).unwrap(),
            utc("2026-03-27T08:00:00Z")
        );
        assert_eq!(
            w.first_slot_on_or_after(d(2026, 3, 28)).unwrap(),
            utc("2026-03-30T07:00:00Z")
        );
        // Spring forward: 02:00 does not exist on 29 March 2026, the window opens at 03:00 CEST.
        let night = SendWindow {
            weekdays: Weekdays::ALL,
            start_hour: 2,
            end_hour: 4,
            skip_holidays: false,
        };
        assert_eq!(
            night.first_slot_on_or_after(d(2026, 3, 29)).unwrap(),
            utc("2026-03-29T01:00:00Z")
        );
        // Fall back: 02:00 on 25 October 2026 happens twice; the earlier one (CEST) is used.
        assert_eq!(
            night.first_slot_on_or_after(d(2026, 10, 25)).unwrap(),
            utc("2026-10-25T00:00:00Z")
        );
        // Local date of an instant near midnight follows Warsaw, not UTC.
        assert_eq!(local_date(utc("2026-06-30T22:30:00Z")), d(2026, 7, 1));
    }

    #[test]
    fn weekdays_serde_and_empty_window() {
        let w: Weekdays = serde_json::from_str(r#"["mon","Wednesday","sat"]"#).unwrap();
        assert!(w.contains(Weekday::Mon) && w.contains(Weekday::Wed) && w.contains(Weekday::Sat));
        assert!(!w.contains(Weekday::Tue));
        assert_eq!(serde_json::to_string(&w).unwrap(), r#"["mon","wed","sat"]"#);
        assert!(serde_json::from_str::<Weekdays>(r#"["pon"]"#).is_err());
        let none = SendWindow {
            weekdays: Weekdays::NONE,
            ..SendWindow::default()
        };
        assert_eq!(none.next_slot(utc("2026-01-01T00:00:00Z")), Err(NoSlot));
        assert!(Weekdays::from_days(&[Weekday::Sun]).contains(Weekday::Sun));
    }

    proptest::proptest! {
        /// For any instant and any valid window, the slot is not earlier, lies inside the window,
        /// and no whole hour between the two was allowed (nothing is skipped over).
        #[test]
        fn next_slot_is_the_first_allowed_instant(
            minutes in 0i64..(6 * 366 * 24 * 60),
            days in 1u8..128,
            start in 0u8..23,
            len in 1u8..12,
            skip_holidays in proptest::bool::ANY,
        ) {
            let base = utc("2025-01-01T00:00:00Z");
            let t = base + Duration::minutes(minutes);
            let w = SendWindow {
                weekdays: Weekdays(days),
                start_hour: start,
                end_hour: (start + len).min(24),
                skip_holidays,
            };
            let slot = w.next_slot(t).unwrap();
            proptest::prop_assert!(slot >= t);
            proptest::prop_assert!(w.contains(slot), "{slot} not in {w:?}");
            let mut probe = t;
            while probe < slot {
                proptest::prop_assert!(!w.contains(probe), "{probe} was allowed before {slot}");
                probe += Duration::minutes(15);
            }
        }
    }
}
