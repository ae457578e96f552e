//! `inkaso-cloud stats predict|backtest|market`: the statistics' own code over a history file
//! a firm (or we) can export, so anyone can measure the predictions and the market comparison
//! without a database.
//!
//! The file (`H.csv`) has the header
//! `tenant,debtor,sector,document,issue_date,due_date,amount_minor,currency,paid_date`: the
//! sector is a PKD section letter or empty, `paid_date` is empty while a document is open. A
//! row that breaks a rule is refused with its line and field on standard error and the rest
//! are used; the output says how many were refused.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use clap::{Args, Subcommand, ValueEnum};
use inkaso_shared::Lang;

use crate::domain::market::{self, Market, MarketDocument, Verdict};
use crate::domain::predict::{History, Method, Outcome, Paid, Score, evaluate, predict};
use crate::i18n::{self, Arg};

/// `stats` subcommands.
#[derive(Debug, Subcommand)]
pub enum StatsCmd {
    /// Predict the payment day of every document open on `--as-of`.
    Predict {
        /// The history file (H.csv).
        #[arg(long)]
        history: PathBuf,
        /// The day of the prediction: payments up to it are known.
        #[arg(long, value_parser = parse_day)]
        as_of: NaiveDate,
        /// Where to write `tenant,document,predicted_paid_date,p10,p90`.
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure the predictions against what was paid after `--as-of`, beside two baselines.
    Backtest {
        /// The history file (H.csv).
        #[arg(long)]
        history: PathBuf,
        /// The cut-off (default: 90 days before the file's last date).
        #[arg(long, value_parser = parse_day)]
        as_of: Option<NaiveDate>,
    },
    /// Compare every firm of the file with the market, anonymised.
    Market(MarketArgs),
}

/// `stats market` options.
#[derive(Debug, Args)]
pub struct MarketArgs {
    /// The history file (H.csv).
    #[arg(long)]
    history: PathBuf,
    /// The day of the comparison.
    #[arg(long, value_parser = parse_day)]
    as_of: NaiveDate,
    /// `table` for people, `json` for programs.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// An output format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Aligned text.
    Table,
    /// One JSON document.
    Json,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("YYYY-MM-DD, not {text:?}"))
}

/// The header `H.csv` must have.
pub const HEADER: [&str; 9] = [
    "tenant",
    "debtor",
    "sector",
    "document",
    "issue_date",
    "due_date",
    "amount_minor",
    "currency",
    "paid_date",
];

/// A row of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The firm.
    pub tenant: String,
    /// The debtor (within the firm).
    pub debtor: String,
    /// PKD section.
    pub sector: Option<char>,
    /// The document (within the firm).
    pub document: String,
    /// Issue date.
    pub issued: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// Amount in minor units (negative: a credit note).
    pub amount_minor: i64,
    /// ISO currency code.
    pub currency: String,
    /// Payment day, if paid.
    pub paid: Option<NaiveDate>,
}

/// A refused row: its line, the field and why (a catalogue message id with its arguments).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// Line in the file (1: the header).
    pub line: u64,
    /// The field (a header name).
    pub field: &'static str,
    /// Message id in `cli.ftl`.
    pub id: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, Arg)>,
}

/// A history read: its rows and the refused ones.
#[derive(Debug, Default)]
pub struct HistoryFile {
    /// Rows that passed.
    pub rows: Vec<Row>,
    /// Rows refused.
    pub refused: Vec<Refusal>,
}

/// Why the file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened or is not CSV.
    #[error("{0}")]
    Io(String),
    /// The header is not [`HEADER`].
    #[error("header")]
    Header(String),
}

/// Reads `H.csv`, refusing the rows that break its rules.
pub fn read_history(path: &Path) -> Result<HistoryFile, FileError> {
    let file = std::fs::File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
    parse_history(file)
}

/// Parses `H.csv` from any reader.
pub fn parse_history(input: impl std::io::Read) -> Result<HistoryFile, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let header = reader
        .headers()
        .map_err(|e| FileError::Io(e.to_string()))?
        .clone();
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names != HEADER {
        return Err(FileError::Header(names.join(",")));
    }
    let mut out = HistoryFile::default();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                out.refused.push(Refusal {
                    line,
                    field: "tenant",
                    id: "cli-history-not-csv",
                    args: vec![("reason", Arg::Text(e.to_string()))],
                });
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        match parse_row(&record, line) {
            Ok(row) => {
                let key = (row.tenant.clone(), row.document.clone());
                if let Some(first) = seen.get(&key) {
                    out.refused.push(Refusal {
                        line,
                        field: "document",
                        id: "cli-history-duplicate",
                        args: vec![("first", (*first).into())],
                    });
                    continue;
                }
                seen.insert(key, line);
                out.rows.push(row);
            }
            Err(r) => out.refused.push(r),
        }
    }
    Ok(out)
}

fn parse_row(record: &csv::StringRecord, line: u64) -> Result<Row, Refusal> {
    let refuse = |field: &'static str, id: &'static str, value: &str| Refusal {
        line,
        field,
        id,
        args: vec![("value", Arg::Text(value.to_owned()))],
    };
    if record.len() != HEADER.len() {
        return Err(Refusal {
            line,
            field: "tenant",
            id: "cli-history-columns",
            args: vec![("count", record.len().into())],
        });
    }
    let get = |i: usize| record.get(i).unwrap_or("").trim();
    let text = |i: usize, field: &'static str| {
        let v = get(i);
        if v.is_empty() {
            Err(refuse(field, "cli-history-empty", v))
        } else {
            Ok(v.to_owned())
        }
    };
    let day = |i: usize, field: &'static str| {
        NaiveDate::parse_from_str(get(i), "%Y-%m-%d")
            .map_err(|_| refuse(field, "cli-history-date", get(i)))
    };
    let sector = match get(2) {
        "" => None,
        s => {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if market::is_pkd_section(c.to_ascii_uppercase()) => {
                    Some(c.to_ascii_uppercase())
                }
                _ => return Err(refuse("sector", "cli-history-sector", s)),
            }
        }
    };
    let issued = day(4, "issue_date")?;
    let due = day(5, "due_date")?;
    if due < issued {
        return Err(refuse("due_date", "cli-history-due-before-issue", get(5)));
    }
    let amount_minor: i64 = get(6)
        .parse()
        .map_err(|_| refuse("amount_minor", "cli-history-amount", get(6)))?;
    let currency = get(7).to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(refuse("currency", "cli-history-currency", get(7)));
    }
    let paid = if get(8).is_empty() {
        None
    } else {
        let p = day(8, "paid_date")?;
        if p < issued {
            return Err(refuse("paid_date", "cli-history-paid-before-issue", get(8)));
        }
        Some(p)
    };
    Ok(Row {
        tenant: text(0, "tenant")?,
        debtor: text(1, "debtor")?,
        sector,
        document: text(3, "document")?,
        issued,
        due,
        amount_minor,
        currency,
        paid,
    })
}

/// The rows of each firm, in the order of the firms' keys.
fn per_tenant(rows: &[Row]) -> BTreeMap<&str, Vec<&Row>> {
    let mut out: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        out.entry(r.tenant.as_str()).or_default().push(r);
    }
    out
}

/// A predicted payment of a document open on the day of the prediction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predicted {
    /// The firm.
    pub tenant: String,
    /// The document.
    pub document: String,
    /// The most likely day.
    pub p50: NaiveDate,
    /// One in ten pays by then.
    pub p10: NaiveDate,
    /// Nine in ten pay by then.
    pub p90: NaiveDate,
}

/// Predicts every invoice open at the end of `as_of`, each firm learning from its own
/// payments up to that day; the earliest possible payment is the next day.
pub fn predict_open(rows: &[Row], as_of: NaiveDate) -> Vec<Predicted> {
    let first_possible = as_of + Duration::days(1);
    let mut out = Vec::new();
    for (tenant, rows) in per_tenant(rows) {
        let history = History::new(rows.iter().filter_map(|r| {
            r.paid
                .filter(|p| *p <= as_of && r.amount_minor > 0)
                .map(|paid| {
                    let p = Paid {
                        due: r.due,
                        paid,
                        amount_minor: r.amount_minor,
                    };
                    (r.debtor.clone(), p)
                })
        }));
        for r in rows {
            let open = r.paid.is_none_or(|p| p > as_of);
            if r.issued > as_of || !open || r.amount_minor <= 0 {
                continue;
            }
            let p = predict(
                &history,
                &r.debtor,
                r.due,
                r.amount_minor,
                first_possible,
                Method::Full,
            );
            out.push(Predicted {
                tenant: tenant.to_owned(),
                document: r.document.clone(),
                p50: p.p50,
                p10: p.p10,
                p90: p.p90,
            });
        }
    }
    out
}

/// A method's score over every firm of the file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backtest {
    /// The method.
    pub method: Method,
    /// Its score, all firms' documents together.
    pub score: Score,
}

/// Scores the prediction and the two baselines at `as_of`: each firm learns from what it was
/// paid up to that day; every invoice issued by then, open at its end and paid later is
/// predicted (from the next day on) and compared with the day it was paid.
pub fn backtest(rows: &[Row], as_of: NaiveDate) -> Vec<Backtest> {
    let cutoff = as_of + Duration::days(1);
    let firms: Vec<Vec<Outcome>> = per_tenant(rows)
        .into_values()
        .map(|rows| {
            rows.iter()
                .filter(|r| r.amount_minor > 0)
                .map(|r| Outcome {
                    debtor: r.debtor.clone(),
                    issued: r.issued,
                    due: r.due,
                    amount_minor: r.amount_minor,
                    paid: r.paid,
                })
                .collect()
        })
        .collect();
    [Method::DueDate, Method::DebtorMedian, Method::Full]
        .into_iter()
        .map(|method| {
            let scores: Vec<Score> = firms.iter().map(|f| evaluate(f, cutoff, method)).collect();
            Backtest {
                method,
                score: Score::combine(&scores),
            }
        })
        .collect()
}

/// The market comparison of the file's PLN documents on `as_of`.
pub fn market_of(rows: &[Row], as_of: NaiveDate) -> Market {
    let docs: Vec<MarketDocument> = rows
        .iter()
        .filter(|r| r.currency == "PLN" && r.issued <= as_of)
        .map(|r| MarketDocument {
            tenant: r.tenant.clone(),
            debtor: r.debtor.clone(),
            sector: r.sector,
            due: r.due,
            paid: r.paid,
            amount_minor: r.amount_minor,
        })
        .collect();
    market::compare(&docs, as_of)
}

/// The comparison as JSON: `{"as_of", "periods", "tenants": [...], "market": [...]}`.
pub fn market_json(m: &Market) -> serde_json::Value {
    let period = |(from, to): (NaiveDate, NaiveDate)| serde_json::json!({"from": from, "to": to});
    let figures = |f: &Option<market::Figures>| {
        f.map(|f| {
            serde_json::json!({
                "documents": f.documents, "tenants": f.tenants,
                "avg_days_late": round1(f.avg_days_late), "share_late": round3(f.share_late)
            })
        })
    };
    let side = |s: &market::Side| {
        serde_json::json!({
            "documents": s.documents, "avg_days_late": s.own.map(round1),
            "market_avg_days_late": s.expected.map(round1), "compared_share": round3(s.compared)
        })
    };
    serde_json::json!({
        "as_of": m.as_of,
        "horizon_days": market::HORIZON_DAYS,
        "periods": {"before": period(m.periods.before), "recent": period(m.periods.recent)},
        "tenants": m.tenants.iter().map(|t| serde_json::json!({
            "tenant": t.tenant,
            "verdict": t.verdict.code(),
            "own_change_days": t.own_change().map(round1),
            "market_change_days": t.expected_change().map(round1),
            "before": side(&t.before),
            "recent": side(&t.recent),
            "sectors": t.sectors.iter().map(|s| serde_json::json!({
                "sector": s.sector.map(String::from),
                "documents": s.documents,
                "own_change_days": s.own_change.map(round1),
                "market_change_days": s.market_change.map(round1),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "market": m.rows.iter().map(|r| serde_json::json!({
            "sector": if r.all_sectors { serde_json::Value::from("*") } else {
                r.sector.map(String::from).into()
            },
            "size": r.size.map_or("*", market::Size::code),
            "before": figures(&r.before),
            "recent": figures(&r.recent),
        })).collect::<Vec<_>>(),
    })
}

/// One decimal always, as the language writes it: a column of figures lines up.
fn fixed(lang: Lang, x: f64) -> String {
    let text = format!("{x:.1}");
    match lang {
        Lang::Pl => text.replace('.', ","),
        Lang::En => text,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Each refused row on standard error: the file, the line, the field and why.
fn report_refused(refused: &[Refusal], path: &Path, lang: Lang) -> std::io::Result<()> {
    let mut err = std::io::stderr().lock();
    for r in refused {
        let mut args = r.args.clone();
        args.push(("line", r.line.into()));
        args.push(("field", r.field.into()));
        let reason = i18n::text_with(lang, r.id, &args);
        writeln!(
            err,
            "{}",
            i18n::text_with(
                lang,
                "cli-history-refused",
                &[
                    ("path", (&path.display()).into()),
                    ("line", r.line.into()),
                    ("field", r.field.into()),
                    ("reason", reason.into()),
                ]
            )
        )?;
    }
    Ok(())
}

/// Runs a `stats` command.
pub fn run(cmd: &StatsCmd, lang: Lang) -> anyhow::Result<()> {
    let path = match cmd {
        StatsCmd::Predict { history, .. } | StatsCmd::Backtest { history, .. } => history,
        StatsCmd::Market(a) => &a.history,
    };
    let file = read_history(path).map_err(|e| match e {
        FileError::Io(reason) => anyhow::anyhow!(i18n::text_with(
            lang,
            "cli-file-invalid",
            &[
                ("path", (&path.display()).into()),
                ("reason", reason.into())
            ]
        )),
        FileError::Header(found) => anyhow::anyhow!(i18n::text_with(
            lang,
            "cli-history-header",
            &[
                ("path", (&path.display()).into()),
                ("expected", HEADER.join(",").into()),
                ("found", found.into())
            ]
        )),
    })?;
    report_refused(&file.refused, path, lang)?;
    let say =
        |id: &str, args: &[(&'static str, Arg)]| println!("{}", i18n::text_with(lang, id, args));
    say(
        "cli-history-read",
        &[
            ("count", file.rows.len().into()),
            ("refused", file.refused.len().into()),
        ],
    );
    match cmd {
        StatsCmd::Predict { as_of, out, .. } => {
            let predicted = predict_open(&file.rows, *as_of);
            let mut w = csv::Writer::from_path(out).map_err(|e| {
                anyhow::anyhow!(i18n::text_with(
                    lang,
                    "cli-file-invalid",
                    &[
                        ("path", (&out.display()).into()),
                        ("reason", e.to_string().into())
                    ]
                ))
            })?;
            w.write_record(["tenant", "document", "predicted_paid_date", "p10", "p90"])?;
            for p in &predicted {
                w.write_record([
                    p.tenant.as_str(),
                    p.document.as_str(),
                    &p.p50.to_string(),
                    &p.p10.to_string(),
                    &p.p90.to_string(),
                ])?;
            }
            w.flush()?;
            say(
                "cli-stats-predicted",
                &[
                    ("count", predicted.len().into()),
                    ("path", (&out.display()).into()),
                ],
            );
        }
        StatsCmd::Backtest { as_of, .. } => {
            let as_of = as_of.unwrap_or_else(|| default_cutoff(&file.rows));
            print!(
                "{}",
                backtest_table(&backtest(&file.rows, as_of), as_of, lang)
            );
        }
        StatsCmd::Market(a) => {
            let m = market_of(&file.rows, a.as_of);
            match a.format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&market_json(&m))?),
                Format::Table => print!("{}", market_table(&m, lang)),
            }
        }
    }
    Ok(())
}

/// 90 days before the file's last date (issue or payment).
fn default_cutoff(rows: &[Row]) -> NaiveDate {
    let last = rows
        .iter()
        .flat_map(|r| [Some(r.issued), r.paid])
        .flatten()
        .max()
        .unwrap_or_default();
    last - Duration::days(90)
}

fn method_name(lang: Lang, m: Method) -> String {
    i18n::text(
        lang,
        match m {
            Method::DueDate => "cli-stats-method-due-date",
            Method::DebtorMedian => "cli-stats-method-debtor-median",
            Method::Full => "cli-stats-method-full",
        },
    )
}

/// The backtest's table: each method's MAE, coverage and width, and how much below each
/// baseline the prediction's MAE is.
pub fn backtest_table(results: &[Backtest], as_of: NaiveDate, lang: Lang) -> String {
    use std::fmt::Write as _;
    let d = |x: f64| fixed(lang, x);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        i18n::text_with(
            lang,
            "cli-stats-backtest-title",
            &[("as_of", (&as_of).into())]
        )
    );
    let _ = writeln!(
        out,
        "{:<30} {:>10} {:>10} {:>10} {:>12}",
        i18n::text(lang, "cli-stats-col-method"),
        i18n::text(lang, "cli-stats-col-documents"),
        i18n::text(lang, "cli-stats-col-mae"),
        i18n::text(lang, "cli-stats-col-coverage"),
        i18n::text(lang, "cli-stats-col-width"),
    );
    for r in results {
        let _ = writeln!(
            out,
            "{:<30} {:>10} {:>10} {:>9}% {:>12}",
            method_name(lang, r.method),
            r.score.documents,
            d(r.score.mae_days),
            d(r.score.coverage * 100.0),
            d(r.score.width_days),
        );
    }
    let full = results.iter().find(|r| r.method == Method::Full);
    for base in results.iter().filter(|r| r.method != Method::Full) {
        if let Some(full) = full.filter(|_| base.score.mae_days > 0.0) {
            let below = (1.0 - full.score.mae_days / base.score.mae_days) * 100.0;
            let _ = writeln!(
                out,
                "{}",
                i18n::text_with(
                    lang,
                    "cli-stats-below-baseline",
                    &[
                        ("percent", d(below).into()),
                        ("baseline", method_name(lang, base.method).into())
                    ]
                )
            );
        }
    }
    out
}

fn verdict_text(lang: Lang, v: Verdict) -> String {
    i18n::text(
        lang,
        match v {
            Verdict::Stable => "cli-market-verdict-stable",
            Verdict::Improved => "cli-market-verdict-improved",
            Verdict::Sector => "cli-market-verdict-sector",
            Verdict::Own => "cli-market-verdict-own",
            Verdict::Unknown => "cli-market-verdict-unknown",
        },
    )
}

/// The comparison as text: each firm's verdict, then the market's shown rows.
pub fn market_table(m: &Market, lang: Lang) -> String {
    use std::fmt::Write as _;
    let d = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), |x| fixed(lang, x));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        i18n::text_with(
            lang,
            "cli-market-title",
            &[
                ("as_of", (&m.as_of).into()),
                ("before_from", (&m.periods.before.0).into()),
                ("before_to", (&m.periods.before.1).into()),
                ("recent_from", (&m.periods.recent.0).into()),
                ("recent_to", (&m.periods.recent.1).into()),
                ("horizon", market::HORIZON_DAYS.into()),
            ]
        )
    );
    let _ = writeln!(
        out,
        "{:<16} {:<24} {:>14} {:>14} {:>14} {:>14}",
        i18n::text(lang, "cli-market-col-tenant"),
        i18n::text(lang, "cli-market-col-verdict"),
        i18n::text(lang, "cli-market-col-own-before"),
        i18n::text(lang, "cli-market-col-own-recent"),
        i18n::text(lang, "cli-market-col-market-before"),
        i18n::text(lang, "cli-market-col-market-recent"),
    );
    for t in &m.tenants {
        let _ = writeln!(
            out,
            "{:<16} {:<24} {:>14} {:>14} {:>14} {:>14}",
            t.tenant,
            verdict_text(lang, t.verdict),
            d(t.before.own),
            d(t.recent.own),
            d(t.before.expected),
            d(t.recent.expected),
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<8} {:<8} {:>10} {:>8} {:>10} {:>10}",
        i18n::text(lang, "cli-market-col-sector"),
        i18n::text(lang, "cli-market-col-size"),
        i18n::text(lang, "cli-market-col-documents"),
        i18n::text(lang, "cli-market-col-tenants"),
        i18n::text(lang, "cli-market-col-before"),
        i18n::text(lang, "cli-market-col-recent"),
    );
    for r in m
        .rows
        .iter()
        .filter(|r| r.recent.is_some() || r.before.is_some())
    {
        let sector = if r.all_sectors {
            "*".to_owned()
        } else {
            r.sector.map_or_else(|| "?".to_owned(), String::from)
        };
        let size = r.size.map_or("*", market::Size::code);
        let shown = r.recent.or(r.before);
        let _ = writeln!(
            out,
            "{:<8} {:<8} {:>10} {:>8} {:>10} {:>10}",
            sector,
            size,
            shown.map_or(0, |f| f.documents),
            shown.map_or(0, |f| f.tenants),
            d(r.before.map(|f| f.avg_days_late)),
            d(r.recent.map(|f| f.avg_days_late)),
        );
    }
    out
}
