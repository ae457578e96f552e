//! The market comparison (R-S3): how late every firm's debtors pay, per debtor sector (PKD
//! section) and invoice size, anonymised; and for each firm a verdict on its last six months
//! against the twelve before — is a worsening what its sectors show, or its own? Pure: fed
//! with every firm's documents.
//!
//! **The figure** is the average days late of documents that fell due in a period, each
//! counted up to [`HORIZON_DAYS`] late and only once it has been due that long: a document due
//! last week cannot be 40 days late yet, so counting it would make every recent period look
//! better than the one before. The periods are therefore the six months of due dates that
//! ended [`HORIZON_DAYS`] before the day of the comparison, and the twelve before them.
//!
//! **The cells** are a PKD section (or "no section") × an invoice size class: up to
//! 5 000 zł, up to 50 000 zł, above (the thresholds of the Act on payment delays, whose
//! recovery compensation grows with them). Only PLN documents take part: the size classes
//! are in zloty.
//!
//! **Anonymity.** A cell is shown only when at least [`MIN_TENANTS`] firms and
//! [`MIN_DOCUMENTS`] documents make it, and even its largest contributor, subtracting its own
//! documents, sees a figure no other single firm makes more than half of ([`publishable`]).
//! A total (a sector's, the market's) is shown only when what it adds to the cells shown is
//! itself publishable, so no hidden cell can be found by subtraction. A firm compares itself
//! with the others in a shown aggregate ("leave one out"), which it could compute from the
//! shown figure and its own anyway.
//!
//! **The verdict** ([`Verdict`]): the firm's change between the periods against the change
//! the others show for its own mix of cells (each of its documents compared with the others
//! of its cell, else of its sector, else of the whole market): `improved` or `stable` when it
//! did not worsen by the threshold; else `sector` when its mix's change explains it within
//! the threshold, and `own` when it does not. The threshold is [`MATERIAL_DAYS`], or twice
//! the standard error of the firm's own change (from how its debtors' changes agree) when
//! they are few or scattered enough for chance to move it more
//! ([`TenantVerdict::threshold`]).

// Counts of documents are far below 2^52: as floats they are exact.
#![allow(clippy::cast_precision_loss)]

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, Months, NaiveDate};

/// A document counts once it has been due this many days, and at most this many days late.
pub const HORIZON_DAYS: i64 = 60;
/// Firms a shown aggregate needs at least.
pub const MIN_TENANTS: usize = 5;
/// Documents a shown aggregate needs at least.
pub const MIN_DOCUMENTS: usize = 50;
/// A firm's documents a verdict needs in each period.
pub const MIN_OWN_DOCUMENTS: usize = 20;
/// A change smaller than this (in average days late) is no change.
pub const MATERIAL_DAYS: f64 = 3.0;
/// Upper bounds (minor units of PLN) of the small and medium size classes.
const SIZE_BOUNDS: [i64; 2] = [500_000, 5_000_000];

/// An invoice's size class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Size {
    /// Up to 5 000 zł.
    Small,
    /// Over 5 000 zł, up to 50 000 zł.
    Medium,
    /// Over 50 000 zł.
    Large,
}

impl Size {
    /// Every class, smallest first.
    pub const ALL: [Size; 3] = [Size::Small, Size::Medium, Size::Large];

    /// The class of an amount in grosze.
    pub fn of(amount_minor: i64) -> Size {
        if amount_minor <= SIZE_BOUNDS[0] {
            Size::Small
        } else if amount_minor <= SIZE_BOUNDS[1] {
            Size::Medium
        } else {
            Size::Large
        }
    }

    /// Its code in files and the API.
    pub fn code(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        }
    }
}

/// A PKD section: `A`–`U`.
pub fn is_pkd_section(c: char) -> bool {
    ('A'..='U').contains(&c)
}

/// The PKD 2007 section of an activity code as the REGON register gives it (`6201Z`,
/// `62.01.Z`, or a PKD 2025 code such as `6210B`); `None` for a code with no known division.
///
/// The section is read from the division (the first two digits). PKD 2025 re-letters the
/// sections from J on but keeps the divisions' numbers and, by and large, their meaning, so the
/// 2007 lettering (the one the comparison and the clients' choices use) is kept for both.
pub fn pkd_section(code: &str) -> Option<char> {
    let mut digits = code.chars().filter(|c| *c != '.' && !c.is_whitespace());
    let tens = digits.next()?.to_digit(10)?;
    let units = digits.next()?.to_digit(10)?;
    let section = match tens * 10 + units {
        1..=3 => 'A',
        5..=9 => 'B',
        10..=33 => 'C',
        35 => 'D',
        36..=39 => 'E',
        41..=43 => 'F',
        45..=47 => 'G',
        49..=53 => 'H',
        55 | 56 => 'I',
        58..=63 => 'J',
        64..=66 => 'K',
        68 => 'L',
        69..=75 => 'M',
        77..=82 => 'N',
        84 => 'O',
        85 => 'P',
        86..=88 => 'Q',
        90..=93 => 'R',
        94..=96 => 'S',
        97 | 98 => 'T',
        99 => 'U',
        _ => return None,
    };
    Some(section)
}

/// A document as the comparison reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketDocument {
    /// The firm (any key, kept apart from the others').
    pub tenant: String,
    /// The debtor (within the firm).
    pub debtor: String,
    /// The debtor's PKD section, if known.
    pub sector: Option<char>,
    /// Due date.
    pub due: NaiveDate,
    /// The day it was paid, if it was (a day after the comparison's counts as unpaid).
    pub paid: Option<NaiveDate>,
    /// The amount in grosze (PLN documents only; credit notes take no part).
    pub amount_minor: i64,
}

/// The two periods compared, by due date, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// The twelve months before `recent`.
    pub before: (NaiveDate, NaiveDate),
    /// The six months that ended [`HORIZON_DAYS`] before the comparison's day.
    pub recent: (NaiveDate, NaiveDate),
}

impl Periods {
    /// The periods of a comparison on `as_of`.
    pub fn ending(as_of: NaiveDate) -> Periods {
        let last = as_of - Duration::days(HORIZON_DAYS);
        let recent_from = last
            .checked_sub_months(Months::new(6))
            .map_or(last, |d| d + Duration::days(1));
        let before_to = recent_from - Duration::days(1);
        let before_from = recent_from
            .checked_sub_months(Months::new(12))
            .unwrap_or(recent_from);
        Periods {
            before: (before_from, before_to),
            recent: (recent_from, last),
        }
    }

    fn of(&self, due: NaiveDate) -> Option<Period> {
        let inside = |(from, to): (NaiveDate, NaiveDate)| from <= due && due <= to;
        if inside(self.recent) {
            Some(Period::Recent)
        } else if inside(self.before) {
            Some(Period::Before)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Period {
    Before,
    Recent,
}

/// Days late of a document counted at [`HORIZON_DAYS`] (unpaid by then: the horizon).
fn days_late(due: NaiveDate, paid: Option<NaiveDate>) -> i64 {
    match paid {
        Some(p) if (p - due).num_days() <= HORIZON_DAYS => (p - due).num_days().max(0),
        _ => HORIZON_DAYS,
    }
}

/// Sums over documents.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Acc {
    documents: usize,
    days: i64,
    late: usize,
}

impl Acc {
    fn add(&mut self, days: i64) {
        self.documents += 1;
        self.days += days;
        self.late += usize::from(days > 0);
    }

    fn plus(self, o: Acc) -> Acc {
        Acc {
            documents: self.documents + o.documents,
            days: self.days + o.days,
            late: self.late + o.late,
        }
    }

    fn minus(self, o: Acc) -> Acc {
        Acc {
            documents: self.documents.saturating_sub(o.documents),
            days: self.days - o.days,
            late: self.late.saturating_sub(o.late),
        }
    }

    fn avg(self) -> Option<f64> {
        (self.documents > 0).then(|| self.days as f64 / self.documents as f64)
    }
}

/// The standard error of a firm's change between the periods, taken from its debtors' own
/// changes: one debtor's documents move together (a debtor who slips, slips on all of them),
/// so the change is as certain as its debtors agree, not as many as its documents are.
fn change_error(before: Option<&Debtors<'_>>, recent: Option<&Debtors<'_>>) -> f64 {
    let (Some(before), Some(recent)) = (before, recent) else {
        return 0.0;
    };
    // Each debtor in both periods: its change, weighted by its recent documents.
    let changes: Vec<(f64, f64)> = recent
        .iter()
        .filter_map(|(debtor, (nr, sr))| {
            let (nb, sb) = before.get(debtor)?;
            let change = *sr as f64 / *nr as f64 - *sb as f64 / *nb as f64;
            Some((*nr as f64, change))
        })
        .collect();
    let g = changes.len() as f64;
    let total: f64 = changes.iter().map(|(w, _)| w).sum();
    if g < 2.0 || total <= 0.0 {
        return 0.0;
    }
    let mean: f64 = changes.iter().map(|(w, c)| w * c).sum::<f64>() / total;
    let spread: f64 = changes
        .iter()
        .map(|(w, c)| (w / total).powi(2) * (c - mean).powi(2))
        .sum();
    (spread * g / (g - 1.0)).sqrt()
}

/// What a group of firms' documents make, per firm.
#[derive(Debug, Clone, Default)]
struct Group {
    per_tenant: HashMap<usize, Acc>,
}

impl Group {
    fn total(&self) -> Acc {
        self.per_tenant
            .values()
            .fold(Acc::default(), |a, b| a.plus(*b))
    }

    fn of(&self, tenant: usize) -> Acc {
        self.per_tenant.get(&tenant).copied().unwrap_or_default()
    }

    /// Adds another group's documents, firm by firm.
    fn absorb(&mut self, other: &Group) {
        for (t, a) in &other.per_tenant {
            let e = self.per_tenant.entry(*t).or_default();
            *e = e.plus(*a);
        }
    }

    fn counts(&self) -> Vec<usize> {
        self.per_tenant.values().map(|a| a.documents).collect()
    }

    fn without(&self, other: &Group) -> Vec<usize> {
        self.per_tenant
            .iter()
            .map(|(t, a)| a.documents.saturating_sub(other.of(*t).documents))
            .collect()
    }
}

/// Whether an aggregate of firms' document counts may be shown: at least [`MIN_TENANTS`]
/// firms and [`MIN_DOCUMENTS`] documents, and the largest contributor, subtracting its own,
/// sees the rest made at most half by any one firm.
pub fn publishable(counts: &[usize]) -> bool {
    let mut c: Vec<usize> = counts.iter().copied().filter(|n| *n > 0).collect();
    c.sort_unstable_by(|a, b| b.cmp(a));
    let total: usize = c.iter().sum();
    if c.len() < MIN_TENANTS || total < MIN_DOCUMENTS {
        return false;
    }
    let rest = total - c[0];
    2 * c[1] <= rest
}

/// A shown aggregate's figures in one period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Documents.
    pub documents: usize,
    /// Firms that contributed.
    pub tenants: usize,
    /// Average days late (each document up to [`HORIZON_DAYS`]).
    pub avg_days_late: f64,
    /// Share of documents paid late (or not paid).
    pub share_late: f64,
}

impl Figures {
    fn of(group: &Group) -> Option<Figures> {
        let total = group.total();
        let avg = total.avg()?;
        Some(Figures {
            documents: total.documents,
            tenants: group
                .per_tenant
                .values()
                .filter(|a| a.documents > 0)
                .count(),
            avg_days_late: avg,
            share_late: total.late as f64 / total.documents as f64,
        })
    }
}

/// One row of the market table: a sector (None: every sector) × a size (None: every size).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketRow {
    /// PKD section; `None` with `all_sectors` false: debtors of no known section.
    pub sector: Option<char>,
    /// Whether the row is the whole market.
    pub all_sectors: bool,
    /// Size class; `None`: the sector's total.
    pub size: Option<Size>,
    /// The twelve months before (None: not shown).
    pub before: Option<Figures>,
    /// The last six (None: not shown).
    pub recent: Option<Figures>,
}

/// What a firm's verdict says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No material change.
    Stable,
    /// Its debtors pay materially sooner.
    Improved,
    /// Later, as the market does for its mix of debtors.
    Sector,
    /// Later than its mix of debtors explains: its own process needs attention.
    Own,
    /// Too few documents, its own or the market's, to say.
    Unknown,
}

impl Verdict {
    /// Its code in files and the API.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Stable => "stable",
            Verdict::Improved => "improved",
            Verdict::Sector => "sector",
            Verdict::Own => "own",
            Verdict::Unknown => "unknown",
        }
    }
}

/// A firm's two periods: its own figure and what the others show for its mix.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Side {
    /// Its documents due in the period.
    pub documents: usize,
    /// Its average days late.
    pub own: Option<f64>,
    /// The others' average days late for its mix of cells.
    pub expected: Option<f64>,
    /// Share of its documents that had a shown aggregate to compare with.
    pub compared: f64,
}

/// A firm's sector in its verdict: how much of its documents, and the change the others show.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorChange {
    /// PKD section (None: no known section).
    pub sector: Option<char>,
    /// Its documents in the last six months.
    pub documents: usize,
    /// Its own change, in days.
    pub own_change: Option<f64>,
    /// The others' change in that sector, in days (None: not shown).
    pub market_change: Option<f64>,
}

/// A firm's verdict with the figures behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantVerdict {
    /// The firm.
    pub tenant: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The twelve months before.
    pub before: Side,
    /// The last six.
    pub recent: Side,
    /// Its sectors, most documents first.
    pub sectors: Vec<SectorChange>,
    /// The standard error of its own change, from its debtors' changes.
    pub change_error: f64,
}

impl TenantVerdict {
    /// Its own change between the periods, in days.
    pub fn own_change(&self) -> Option<f64> {
        Some(self.recent.own? - self.before.own?)
    }

    /// The smallest change that counts: [`MATERIAL_DAYS`], or twice the standard error of its
    /// own change (from its debtors' changes) when chance alone could make a larger one.
    pub fn threshold(&self) -> f64 {
        (2.0 * self.change_error).max(MATERIAL_DAYS)
    }

    /// The change its mix's market shows, in days.
    pub fn expected_change(&self) -> Option<f64> {
        Some(self.recent.expected? - self.before.expected?)
    }
}

/// The comparison on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Market {
    /// The day.
    pub as_of: NaiveDate,
    /// The periods compared.
    pub periods: Periods,
    /// The market table: every cell, then each sector's total, then the whole market.
    pub rows: Vec<MarketRow>,
    /// Each firm's verdict, in the order of the firms' keys.
    pub tenants: Vec<TenantVerdict>,
}

type CellKey = (Option<char>, Size);
/// A firm's debtors in a period: documents and their days late summed.
type Debtors<'a> = HashMap<&'a str, (usize, i64)>;

/// Everything the comparison sums, per period.
#[derive(Debug, Default)]
struct Sums {
    cells: BTreeMap<CellKey, Group>,
    sectors: BTreeMap<Option<char>, Group>,
    all: Group,
}

impl Sums {
    fn add(&mut self, key: CellKey, tenant: usize, days: i64) {
        self.cells
            .entry(key)
            .or_default()
            .per_tenant
            .entry(tenant)
            .or_default()
            .add(days);
        self.sectors
            .entry(key.0)
            .or_default()
            .per_tenant
            .entry(tenant)
            .or_default()
            .add(days);
        self.all.per_tenant.entry(tenant).or_default().add(days);
    }

    /// Which cells, sectors' totals and the market's total may be shown.
    fn shown(&self) -> Shown {
        let cells: Vec<CellKey> = self
            .cells
            .iter()
            .filter(|(_, g)| publishable(&g.counts()))
            .map(|(k, _)| *k)
            .collect();
        let mut sectors = Vec::new();
        for (sector, group) in &self.sectors {
            let mut shown_part = Group::default();
            for key in cells.iter().filter(|k| k.0 == *sector) {
                shown_part.absorb(&self.cells[key]);
            }
            if publishable(&group.counts()) && hidden_rest_ok(&group.without(&shown_part)) {
                sectors.push(*sector);
            }
        }
        // The market's total adds what no shown sector total or shown cell covers.
        let mut shown_part = Group::default();
        let parts = self
            .sectors
            .iter()
            .filter(|(s, _)| sectors.contains(s))
            .map(|(_, g)| g)
            .chain(
                cells
                    .iter()
                    .filter(|k| !sectors.contains(&k.0))
                    .map(|k| &self.cells[k]),
            );
        for group in parts {
            shown_part.absorb(group);
        }
        let all = publishable(&self.all.counts()) && hidden_rest_ok(&self.all.without(&shown_part));
        Shown {
            cells,
            sectors,
            all,
        }
    }
}

/// What is left hidden under a shown total must be empty or itself publishable.
fn hidden_rest_ok(counts: &[usize]) -> bool {
    counts.iter().all(|n| *n == 0) || publishable(counts)
}

#[derive(Debug, Default)]
struct Shown {
    cells: Vec<CellKey>,
    sectors: Vec<Option<char>>,
    all: bool,
}

/// Compares every firm with the market on `as_of`.
pub fn compare(docs: &[MarketDocument], as_of: NaiveDate) -> Market {
    let periods = Periods::ending(as_of);
    let mut names: Vec<&str> = docs.iter().map(|d| d.tenant.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut sums: BTreeMap<Period, Sums> = BTreeMap::new();
    let mut per_debtor: HashMap<(Period, usize), Debtors<'_>> = HashMap::new();
    for d in docs {
        if d.amount_minor <= 0 {
            continue;
        }
        let Some(period) = periods.of(d.due) else {
            continue;
        };
        let tenant = index[d.tenant.as_str()];
        let days = days_late(d.due, d.paid.filter(|p| *p <= as_of));
        sums.entry(period)
            .or_default()
            .add((d.sector, Size::of(d.amount_minor)), tenant, days);
        let e = per_debtor
            .entry((period, tenant))
            .or_default()
            .entry(d.debtor.as_str())
            .or_default();
        e.0 += 1;
        e.1 += days;
    }
    let error = |tenant: usize| {
        change_error(
            per_debtor.get(&(Period::Before, tenant)),
            per_debtor.get(&(Period::Recent, tenant)),
        )
    };
    let empty = Sums::default();
    let before = sums.get(&Period::Before).unwrap_or(&empty);
    let recent = sums.get(&Period::Recent).unwrap_or(&empty);
    let (shown_before, shown_recent) = (before.shown(), recent.shown());

    let rows = market_rows(before, recent, &shown_before, &shown_recent);
    let tenants = names
        .iter()
        .enumerate()
        .map(|(t, name)| {
            verdict(
                name,
                t,
                [(before, &shown_before), (recent, &shown_recent)],
                error(t),
            )
        })
        .collect();
    Market {
        as_of,
        periods,
        rows,
        tenants,
    }
}

fn market_rows(before: &Sums, recent: &Sums, sb: &Shown, sr: &Shown) -> Vec<MarketRow> {
    let mut keys: Vec<CellKey> = before
        .cells
        .keys()
        .chain(recent.cells.keys())
        .copied()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let cell = |s: &Sums, shown: &Shown, k: &CellKey| {
        shown
            .cells
            .contains(k)
            .then(|| s.cells.get(k).and_then(Figures::of))
            .flatten()
    };
    let mut rows: Vec<MarketRow> = keys
        .iter()
        .map(|k| MarketRow {
            sector: k.0,
            all_sectors: false,
            size: Some(k.1),
            before: cell(before, sb, k),
            recent: cell(recent, sr, k),
        })
        .collect();
    let mut sectors: Vec<Option<char>> = keys.iter().map(|k| k.0).collect();
    sectors.dedup();
    let total = |s: &Sums, shown: &Shown, sector: &Option<char>| {
        shown
            .sectors
            .contains(sector)
            .then(|| s.sectors.get(sector).and_then(Figures::of))
            .flatten()
    };
    rows.extend(sectors.iter().map(|sector| MarketRow {
        sector: *sector,
        all_sectors: false,
        size: None,
        before: total(before, sb, sector),
        recent: total(recent, sr, sector),
    }));
    rows.push(MarketRow {
        sector: None,
        all_sectors: true,
        size: None,
        before: sb.all.then(|| Figures::of(&before.all)).flatten(),
        recent: sr.all.then(|| Figures::of(&recent.all)).flatten(),
    });
    rows
}

/// The others' average in the smallest shown aggregate holding a cell: the cell, its sector,
/// the market.
fn others_avg(s: &Sums, shown: &Shown, key: CellKey, tenant: usize) -> Option<f64> {
    let group = if shown.cells.contains(&key) {
        s.cells.get(&key)
    } else if shown.sectors.contains(&key.0) {
        s.sectors.get(&key.0)
    } else if shown.all {
        Some(&s.all)
    } else {
        None
    }?;
    group.total().minus(group.of(tenant)).avg()
}

fn side(s: &Sums, shown: &Shown, tenant: usize) -> Side {
    let own = s.all.of(tenant);
    let (mut weight, mut sum) = (0_usize, 0.0);
    for (key, group) in &s.cells {
        let n = group.of(tenant).documents;
        if n == 0 {
            continue;
        }
        if let Some(avg) = others_avg(s, shown, *key, tenant) {
            weight += n;
            sum += n as f64 * avg;
        }
    }
    let compared = if own.documents == 0 {
        0.0
    } else {
        weight as f64 / own.documents as f64
    };
    Side {
        documents: own.documents,
        own: own.avg(),
        // Half of its documents at least must have something to compare with.
        expected: (compared >= 0.5).then(|| sum / weight as f64),
        compared,
    }
}

fn verdict(
    name: &str,
    tenant: usize,
    [(b, sb), (r, sr)]: [(&Sums, &Shown); 2],
    change_error: f64,
) -> TenantVerdict {
    let before = side(b, sb, tenant);
    let recent = side(r, sr, tenant);
    let mut sectors: Vec<SectorChange> = r
        .sectors
        .iter()
        .filter(|(_, g)| g.of(tenant).documents > 0)
        .map(|(sector, g)| {
            let sector_avg = |s: &Sums, shown: &Shown| {
                let g = s.sectors.get(sector)?;
                shown.sectors.contains(sector).then_some(())?;
                g.total().minus(g.of(tenant)).avg()
            };
            let own_before = b.sectors.get(sector).and_then(|g| g.of(tenant).avg());
            SectorChange {
                sector: *sector,
                documents: g.of(tenant).documents,
                own_change: g.of(tenant).avg().zip(own_before).map(|(r, b)| r - b),
                market_change: sector_avg(r, sr).zip(sector_avg(b, sb)).map(|(r, b)| r - b),
            }
        })
        .collect();
    sectors.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.sector.cmp(&b.sector)));
    let mut v = TenantVerdict {
        tenant: name.to_owned(),
        verdict: Verdict::Unknown,
        before,
        recent,
        sectors,
        change_error,
    };
    v.verdict = decide(&v);
    v
}

fn decide(v: &TenantVerdict) -> Verdict {
    if v.before.documents < MIN_OWN_DOCUMENTS || v.recent.documents < MIN_OWN_DOCUMENTS {
        return Verdict::Unknown;
    }
    let Some(own) = v.own_change() else {
        return Verdict::Unknown;
    };
    let threshold = v.threshold();
    if own <= -threshold {
        return Verdict::Improved;
    }
    if own < threshold {
        return Verdict::Stable;
    }
    match v.expected_change() {
        Some(expected) if own - expected < threshold => Verdict::Sector,
        Some(_) => Verdict::Own,
        None => Verdict::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn periods_end_a_horizon_before_the_day() {
        let p = Periods::ending(day("2026-12-04"));
        assert_eq!(p.recent, (day("2026-04-06"), day("2026-10-05")));
        assert_eq!(p.before, (day("2025-04-06"), day("2026-04-05")));
    }

    #[test]
    fn days_late_are_counted_up_to_the_horizon() {
        let due = day("2026-01-10");
        assert_eq!(days_late(due, Some(day("2026-01-05"))), 0);
        assert_eq!(days_late(due, Some(day("2026-01-22"))), 12);
        assert_eq!(days_late(due, Some(day("2026-06-01"))), HORIZON_DAYS);
        assert_eq!(days_late(due, None), HORIZON_DAYS);
    }

    #[test]
    fn a_cell_needs_five_firms_fifty_documents_and_no_dominant_one() {
        assert!(publishable(&[10, 10, 10, 10, 10]));
        assert!(!publishable(&[10, 10, 10, 10]), "four firms");
        assert!(!publishable(&[9, 9, 9, 9, 9]), "45 documents");
        // The largest (100) subtracting its own sees 40, of which one firm makes 31.
        assert!(!publishable(&[100, 31, 3, 3, 3]));
        assert!(publishable(&[100, 20, 20, 20, 20]));
        assert!(
            !publishable(&[0, 0, 20, 20, 20, 20]),
            "firms with nothing do not count"
        );
    }

    #[test]
    fn a_total_hides_when_it_would_reveal_a_hidden_cell() {
        // Sector C: the small cell has six firms, the large one a single firm.
        let mut s = Sums::default();
        for t in 0..6 {
            for _ in 0..10 {
                s.add((Some('C'), Size::Small), t, 5);
            }
        }
        for _ in 0..10 {
            s.add((Some('C'), Size::Large), 9, 40);
        }
        let shown = s.shown();
        assert_eq!(shown.cells, vec![(Some('C'), Size::Small)]);
        assert!(
            shown.sectors.is_empty(),
            "C's total minus the small cell is firm 9's"
        );
        assert!(!shown.all);
    }

    /// Ten firms, each with debtors in one sector, a document a week for two years. Sector G
    /// slows by 12 days in the last six months; firm "slips" (sector C) slows by 12 days on
    /// its own; firm "improves" (sector C) pays 8 days sooner.
    fn market() -> Vec<MarketDocument> {
        let as_of = day("2026-12-04");
        let mut docs = Vec::new();
        let firms = [
            ("c1", 'C'),
            ("c2", 'C'),
            ("c3", 'C'),
            ("c4", 'C'),
            ("c5", 'C'),
            ("slips", 'C'),
            ("improves", 'C'),
            ("g1", 'G'),
            ("g2", 'G'),
            ("g3", 'G'),
            ("g4", 'G'),
            ("g5", 'G'),
        ];
        let recent = Periods::ending(as_of).recent;
        for (n, (tenant, sector)) in firms.iter().enumerate() {
            let mut due = day("2024-06-03");
            let mut k = 0_i64;
            while due <= as_of {
                let is_recent = due >= recent.0;
                let base = 10 + (k % 7) + i64::try_from(n).unwrap_or(0) % 3;
                let extra = match (*tenant, *sector, is_recent) {
                    (_, 'G', true) | ("slips", _, true) => 12,
                    ("improves", _, true) => -8,
                    _ => 0,
                };
                docs.push(MarketDocument {
                    tenant: (*tenant).to_owned(),
                    debtor: format!("d{}", k % 4),
                    sector: Some(*sector),
                    due,
                    paid: Some(due + Duration::days(base + extra)),
                    amount_minor: 100_000 + 1_000 * k,
                });
                due += Duration::days(7);
                k += 1;
            }
        }
        docs
    }

    #[test]
    fn the_verdicts_tell_a_sectors_slowdown_from_a_firms_own() {
        let m = compare(&market(), day("2026-12-04"));
        let verdict = |t: &str| {
            m.tenants
                .iter()
                .find(|v| v.tenant == t)
                .map_or(Verdict::Unknown, |v| v.verdict)
        };
        assert_eq!(verdict("c1"), Verdict::Stable);
        assert_eq!(verdict("g1"), Verdict::Sector);
        assert_eq!(verdict("slips"), Verdict::Own);
        assert_eq!(verdict("improves"), Verdict::Improved);
        let g1 = m.tenants.iter().find(|v| v.tenant == "g1");
        let change = g1.and_then(TenantVerdict::own_change).unwrap_or(0.0);
        assert!((change - 12.0).abs() < 1.0, "{change}");
        // Sector G's cell (small invoices) is shown; the whole market too.
        assert!(
            m.rows.iter().any(|r| r.sector == Some('G')
                && r.size == Some(Size::Small)
                && r.recent.is_some())
        );
        assert!(
            m.rows
                .last()
                .is_some_and(|r| r.all_sectors && r.recent.is_some())
        );
    }

    #[test]
    fn sizes_follow_the_acts_thresholds() {
        assert_eq!(Size::of(500_000), Size::Small);
        assert_eq!(Size::of(500_001), Size::Medium);
        assert_eq!(Size::of(5_000_000), Size::Medium);
        assert_eq!(Size::of(5_000_001), Size::Large);
    }

    #[test]
    fn an_activity_code_gives_its_section_in_both_pkd_versions() {
        assert_eq!(pkd_section("6201Z"), Some('J'));
        assert_eq!(pkd_section("62.01.Z"), Some('J'));
        assert_eq!(pkd_section("6210B"), Some('J'), "PKD 2025");
        assert_eq!(pkd_section("0111Z"), Some('A'));
        assert_eq!(pkd_section("4690Z"), Some('G'));
        assert_eq!(pkd_section("5110Z"), Some('H'));
        assert_eq!(pkd_section("7430Z"), Some('M'));
        assert_eq!(pkd_section("9900Z"), Some('U'));
        for bad in ["", "6", "4000Z", "X201Z", "8900Z"] {
            assert_eq!(pkd_section(bad), None, "{bad}");
        }
        for division in 1..=99 {
            if let Some(s) = pkd_section(&format!("{division:02}00Z")) {
                assert!(is_pkd_section(s), "{division}");
            }
        }
    }
}
