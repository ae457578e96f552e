//! Synthetic payment histories of a market of firms, written as the `H.csv` the cloud's
//! `stats` commands read: what the statistics' measurements (`inkaso-stats-eval`) and the
//! backtest in the tests run on.
//!
//! Each firm's debtors pay the ways real ones do: punctually; steadily late (5–40 days, ± a
//! few); at the end of the month; in a weekly run on their own weekday; drifting a day later
//! (or earlier) every month; larger invoices later. Every payment is booked on a business day
//! (Polish public holidays included). Invoices are mostly small (up to 5 000 zł), some medium,
//! a few large.
//!
//! The market's story, for the verdicts: trade debtors (PKD section G) pay ten days later in
//! the comparison's last six months; a few firms slip by twelve days on their own, a few
//! improve by ten, the rest stay as they were.

use std::fmt::Write as _;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use inkaso_cloud::domain::market::{HORIZON_DAYS, Verdict};
use inkaso_cloud::domain::predict::next_business_day;

use crate::Rng;

/// How a debtor pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Around the due date.
    Punctual,
    /// A steady number of days late.
    Late(i64),
    /// On the last business day of the month, some days after the due date.
    MonthEnd(i64),
    /// In a weekly run on one weekday.
    Weekly(i64, Weekday),
    /// Later (or sooner) by some days every month.
    Drifting(i64, i64),
    /// Large invoices two weeks later than small ones.
    SizeSensitive(i64),
}

impl Kind {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Punctual => "punctual",
            Kind::Late(_) => "steadily late",
            Kind::MonthEnd(_) => "month end",
            Kind::Weekly(..) => "weekly run",
            Kind::Drifting(..) => "drifting",
            Kind::SizeSensitive(_) => "larger later",
        }
    }

    /// Every kind's name, in report order.
    pub const NAMES: [&'static str; 6] = [
        "punctual",
        "steadily late",
        "month end",
        "weekly run",
        "drifting",
        "larger later",
    ];
}

/// What a firm does over the history, and so the verdict it should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Its debtors keep their habits; no trade debtors.
    Stable,
    /// Every debtor pays twelve days later in the last six months.
    Slips,
    /// Every debtor pays ten days sooner in the last six months.
    Improves,
    /// All its debtors are in trade, which slows down.
    Trade,
}

impl Role {
    /// The verdict the comparison should give it.
    pub fn expected(self) -> Verdict {
        match self {
            Role::Stable => Verdict::Stable,
            Role::Slips => Verdict::Own,
            Role::Improves => Verdict::Improved,
            Role::Trade => Verdict::Sector,
        }
    }
}

/// A generated document with its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The firm.
    pub tenant: String,
    /// The firm's role in the market's story.
    pub role: Role,
    /// The debtor.
    pub debtor: String,
    /// How it pays.
    pub kind: Kind,
    /// PKD section.
    pub sector: char,
    /// Document number.
    pub document: String,
    /// Issued.
    pub issued: NaiveDate,
    /// Due.
    pub due: NaiveDate,
    /// Grosze.
    pub amount_minor: i64,
    /// Paid (every document is, some after the history's end).
    pub paid: NaiveDate,
}

/// The market's size.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Firms (at least 24 for every role to have enough firms).
    pub tenants: usize,
    /// Debtors of each firm.
    pub debtors: usize,
    /// The first day.
    pub start: NaiveDate,
    /// The last day.
    pub end: NaiveDate,
    /// The seed.
    pub seed: u64,
}

/// Roughly normal noise of spread `s` days (a sum of three uniforms).
fn noise(rng: &mut Rng, s: i64) -> i64 {
    (rng.range(-s, s + 1) + rng.range(-s, s + 1) + rng.range(-s, s + 1)) / 2
}

fn last_business_day_of_month(day: NaiveDate) -> NaiveDate {
    let next = if day.month() == 12 {
        NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(day.year(), day.month() + 1, 1)
    };
    let mut d = next.and_then(|n| n.pred_opt()).unwrap_or(day);
    while next_business_day(d) != d {
        d = d.pred_opt().unwrap_or(d);
    }
    d
}

/// The role of the `i`th of `n` firms: a sixth slip, a sixth improve, a quarter trade.
fn role(i: usize, n: usize) -> Role {
    let sixth = n / 6;
    if i < sixth {
        Role::Slips
    } else if i < 2 * sixth {
        Role::Improves
    } else if i < 2 * sixth + n / 4 {
        Role::Trade
    } else {
        Role::Stable
    }
}

/// Generates the market.
pub fn generate(spec: Spec) -> Vec<Doc> {
    let mut rng = Rng(spec.seed);
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let other_sectors = ['C', 'F', 'H', 'J'];
    // The story's change begins where the comparison's recent period does on the last day
    // (six months of due dates ending `HORIZON_DAYS` before it).
    let recent_from = spec.end - Duration::days(HORIZON_DAYS + 183);
    let mut out = Vec::new();
    for t in 0..spec.tenants {
        let tenant = format!("firm{t:02}");
        let role = role(t, spec.tenants);
        let mut number = 0_u32;
        for d in 0..spec.debtors {
            let kind = match rng.range(0, 6) {
                0 => Kind::Punctual,
                1 => Kind::Late(rng.range(5, 40)),
                2 => Kind::MonthEnd(rng.range(0, 20)),
                3 => Kind::Weekly(
                    rng.range(0, 15),
                    weekdays[usize::try_from(rng.range(0, 5)).unwrap_or(0)],
                ),
                4 => Kind::Drifting(rng.range(0, 20), if rng.range(0, 2) == 0 { 1 } else { -1 }),
                _ => Kind::SizeSensitive(rng.range(3, 20)),
            };
            let sector = if role == Role::Trade {
                'G'
            } else {
                other_sectors[usize::try_from(rng.range(0, 4)).unwrap_or(0)]
            };
            let mut issued = spec.start + Duration::days(rng.range(0, 30));
            while issued < spec.end {
                let terms = if rng.range(0, 2) == 0 { 14 } else { 30 };
                let due = issued + Duration::days(terms);
                let amount_minor = match rng.range(0, 20) {
                    0 => rng.range(5_000_001, 20_000_000),
                    1..=5 => rng.range(500_001, 5_000_000),
                    _ => rng.range(10_000, 500_000),
                };
                let large = amount_minor > 500_000;
                let months_in =
                    i64::from(u32::try_from((issued - spec.start).num_days() / 30).unwrap_or(0));
                let recent = due >= recent_from;
                let shift = match (role, recent) {
                    (Role::Trade, true) => 10,
                    (Role::Slips, true) => 12,
                    (Role::Improves, true) => -10,
                    _ => 0,
                };
                let target = match kind {
                    Kind::Punctual => due + Duration::days(noise(&mut rng, 2) - 1 + shift.max(0)),
                    Kind::Late(l) => due + Duration::days(l + noise(&mut rng, 3) + shift),
                    Kind::MonthEnd(l) => {
                        last_business_day_of_month(due + Duration::days(l + shift))
                    }
                    Kind::Weekly(l, w) => {
                        let t = due + Duration::days(l + shift);
                        let ahead = (i64::from(w.num_days_from_monday())
                            - i64::from(t.weekday().num_days_from_monday()))
                        .rem_euclid(7);
                        t + Duration::days(ahead)
                    }
                    Kind::Drifting(l, per_month) => {
                        due + Duration::days(
                            (l + per_month * months_in).max(-3) + noise(&mut rng, 2) + shift,
                        )
                    }
                    Kind::SizeSensitive(l) => {
                        due + Duration::days(
                            l + if large { 15 } else { 0 } + noise(&mut rng, 2) + shift,
                        )
                    }
                };
                number += 1;
                out.push(Doc {
                    tenant: tenant.clone(),
                    role,
                    debtor: format!("D{d:03}"),
                    kind,
                    sector,
                    document: format!("FV/{number}"),
                    issued,
                    due,
                    amount_minor,
                    paid: next_business_day(target.max(issued)),
                });
                issued += Duration::days(rng.range(14, 36));
            }
        }
    }
    out
}

/// The market as `H.csv` on `as_of`: documents issued up to that day, paid ones with their
/// day when it is not after it. With `full`, every payment is written (what a backtest learns
/// its truth from).
pub fn to_csv(docs: &[Doc], as_of: NaiveDate, full: bool) -> String {
    let mut out = String::from(
        "tenant,debtor,sector,document,issue_date,due_date,amount_minor,currency,paid_date\n",
    );
    for d in docs.iter().filter(|d| d.issued <= as_of) {
        let paid = if full || d.paid <= as_of {
            d.paid.to_string()
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},PLN,{}",
            d.tenant, d.debtor, d.sector, d.document, d.issued, d.due, d.amount_minor, paid
        );
    }
    out
}
