//! `preview` and `discover` output: exactly what would be sent, without sending, as JSON Lines
//! for programs or as aligned tables for people (Polish amounts, a summary, a progress spinner
//! on stderr for long reads).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::time::Duration;

use inkaso_connectors::discover::{Discovery, Missing};
use inkaso_connectors::{ConnectorConfig, ConnectorError, Item, Summary, extract};
use inkaso_shared::{Currency, DebtorKind, Lang, Localized, Money};
use serde_json::{Value, json};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    Table,
    /// One JSON object per line.
    Json,
}

/// Why a preview failed.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error(transparent)]
    Connector(#[from] ConnectorError),
    #[error("błąd zapisu wyniku: {0}")]
    Io(#[from] std::io::Error),
}

impl Localized for PreviewError {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PreviewError::Connector(e), l) => e.message(l),
            (PreviewError::Io(e), Lang::Pl) => format!("błąd zapisu wyniku: {e}"),
            (PreviewError::Io(e), Lang::En) => format!("cannot write the output: {e}"),
        }
    }
}

fn with_record(mut value: Value, record: &str) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("record".to_owned(), Value::String(record.to_owned()));
    }
    value
}

/// The JSON Lines object of one item.
pub fn item_json(item: &Item, lang: Lang) -> Value {
    match item {
        Item::Debtor(d) => with_record(serde_json::to_value(d).unwrap_or(Value::Null), "debtor"),
        Item::Document(d) => {
            with_record(serde_json::to_value(d).unwrap_or(Value::Null), "document")
        }
        Item::Rejected(r) => {
            let mut v = with_record(serde_json::to_value(r).unwrap_or(Value::Null), "rejected");
            v["message"] = Value::String(r.message(lang));
            v
        }
        Item::Warning(w) => {
            let mut v = with_record(serde_json::to_value(w).unwrap_or(Value::Null), "warning");
            v["message"] = Value::String(w.message(lang));
            v
        }
    }
}

/// The closing `summary` object.
pub fn summary_json(profile: &str, s: &Summary) -> Value {
    json!({
        "record": "summary",
        "profile": profile,
        "counts": {
            "debtor": s.debtors,
            "document": s.documents,
            "rejected": s.rejected,
            "warning": s.warnings,
        },
        "rows_read": s.rows_read,
        "excluded": s.excluded,
        "excluded_total": s.excluded_total(),
        "excluded_debtors": s.excluded_debtors,
        "company_addresses_dropped": s.company_addresses_dropped,
        "batches": s.batches,
        "elapsed_ms": s.elapsed_ms,
        "sent": false,
    })
}

fn spinner(lang: Lang) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        bar.set_style(style);
    }
    bar.set_message(match lang {
        Lang::Pl => "łączenie z bazą ERP…",
        Lang::En => "connecting to the ERP database…",
    });
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Runs the extraction and writes every item to `out`; nothing is sent anywhere.
pub fn preview(
    config: &ConnectorConfig,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<Summary, PreviewError> {
    // Hidden automatically when stderr is not a terminal.
    let bar = spinner(lang);
    let result = run(config, format, lang, out, &bar);
    bar.finish_and_clear();
    result
}

fn run(
    config: &ConnectorConfig,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
    bar: &indicatif::ProgressBar,
) -> Result<Summary, PreviewError> {
    let mut extraction = extract(config)?;
    let profile = extraction.profile().name();
    let mut table = TableWriter::new(lang);
    let mut n: u64 = 0;
    for item in extraction.by_ref() {
        let item = item?;
        match format {
            Format::Json => {
                serde_json::to_writer(&mut *out, &item_json(&item, lang))
                    .map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
            }
            Format::Table => table.item(&item, out)?,
        }
        n += 1;
        if n.is_multiple_of(1024) {
            bar.set_message(rows_message(lang, n));
        }
    }
    let summary = extraction.summary();
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &summary_json(profile, &summary))
                .map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Format::Table => table.summary(profile, &summary, out)?,
    }
    out.flush()?;
    Ok(summary)
}

fn rows_message(lang: Lang, n: u64) -> String {
    match lang {
        Lang::Pl => format!("przetworzono {n} pozycji"),
        Lang::En => format!("{n} items processed"),
    }
}

/// Cuts a text to `width` characters (with an ellipsis) and pads it.
fn cell(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count > width {
        let mut t: String = text.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    } else {
        format!("{text}{}", " ".repeat(width - count))
    }
}

fn right(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count >= width {
        text.to_owned()
    } else {
        format!("{}{text}", " ".repeat(width - count))
    }
}

struct TableWriter {
    lang: Lang,
    current_debtor: Option<String>,
    totals: BTreeMap<Currency, i64>,
}

impl TableWriter {
    fn new(lang: Lang) -> Self {
        TableWriter {
            lang,
            current_debtor: None,
            totals: BTreeMap::new(),
        }
    }

    fn pl(&self) -> bool {
        self.lang == Lang::Pl
    }

    fn doc_header(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let h = if self.pl() {
            ["Numer", "Wystawiono", "Termin", "Kwota", "Pozostało"]
        } else {
            ["Number", "Issued", "Due", "Amount", "Remaining"]
        };
        writeln!(
            out,
            "    {} {} {} {} {}",
            cell(h[0], 24),
            cell(h[1], 10),
            cell(h[2], 10),
            right(h[3], 16),
            right(h[4], 16)
        )
    }

    fn item(&mut self, item: &Item, out: &mut dyn Write) -> std::io::Result<()> {
        match item {
            Item::Debtor(d) => {
                let kind = match (d.kind, self.pl()) {
                    (DebtorKind::Company, true) => "firma",
                    (DebtorKind::Person, true) => "osoba",
                    (DebtorKind::Company, false) => "company",
                    (DebtorKind::Person, false) => "person",
                };
                let mut line = format!(
                    "\n{} {} · {} · {kind}",
                    if self.pl() { "KONTRAHENT" } else { "DEBTOR" },
                    d.external_id,
                    d.name
                );
                if let Some(nip) = &d.nip {
                    let _ = write!(line, " · NIP {nip}");
                }
                if let Some(e) = &d.email {
                    let _ = write!(line, " · {e}");
                }
                if let Some(p) = &d.phone {
                    let _ = write!(line, " · tel. {p}");
                }
                writeln!(out, "{line}")?;
                if let Some(a) = &d.address {
                    writeln!(out, "    {}, {} {}", a.street, a.postcode, a.city)?;
                }
                self.current_debtor = Some(d.external_id.to_string());
                self.doc_header(out)?;
            }
            Item::Document(doc) => {
                if self.current_debtor.as_deref() != Some(doc.debtor_external_id.as_str()) {
                    writeln!(
                        out,
                        "\n{} {} ({})",
                        if self.pl() { "KONTRAHENT" } else { "DEBTOR" },
                        doc.debtor_external_id,
                        if self.pl() { "cd." } else { "cont." }
                    )?;
                    self.current_debtor = Some(doc.debtor_external_id.to_string());
                    self.doc_header(out)?;
                }
                *self.totals.entry(doc.currency).or_insert(0) += doc.remaining_minor;
                writeln!(
                    out,
                    "    {} {} {} {} {}",
                    cell(&doc.number, 24),
                    cell(
                        &doc.issue_date.map(|d| d.to_string()).unwrap_or_default(),
                        10
                    ),
                    cell(&doc.due_date.to_string(), 10),
                    right(&doc.amount().to_string(), 16),
                    right(&doc.remaining().to_string(), 16)
                )?;
            }
            Item::Warning(w) => {
                let label = if self.pl() { "uwaga" } else { "warning" };
                writeln!(out, "    ! {label}: {}", w.message(self.lang))?;
            }
            Item::Rejected(r) => {
                let (label, debtor) = if self.pl() {
                    ("ODRZUCONY wiersz", "kontrahent")
                } else {
                    ("REJECTED row", "debtor")
                };
                writeln!(
                    out,
                    "  ✗ {label} {} ({debtor} {}): {}{}",
                    r.row_key,
                    r.debtor_external_id.as_deref().unwrap_or("?"),
                    r.message(self.lang),
                    r.value
                        .as_deref()
                        .map(|v| format!(" – „{v}”"))
                        .unwrap_or_default()
                )?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_lines)] // two languages of a flat report
    fn summary(&self, profile: &str, s: &Summary, out: &mut dyn Write) -> std::io::Result<()> {
        let pl = self.pl();
        let totals: Vec<String> = self
            .totals
            .iter()
            .map(|(c, m)| Money::new(*m, *c).to_string())
            .collect();
        let row = |out: &mut dyn Write, label: &str, value: String| {
            writeln!(out, "  {} {}", cell(label, 40), right(&value, 12))
        };
        writeln!(out)?;
        writeln!(
            out,
            "{} ({profile})",
            if pl { "PODSUMOWANIE" } else { "SUMMARY" }
        )?;
        row(
            out,
            if pl {
                "Wiersze odczytane z ERP"
            } else {
                "Rows read from the ERP"
            },
            s.rows_read.to_string(),
        )?;
        row(
            out,
            if pl {
                "Kontrahenci do wysłania"
            } else {
                "Debtors to send"
            },
            s.debtors.to_string(),
        )?;
        row(
            out,
            if pl {
                "Dokumenty do wysłania"
            } else {
                "Documents to send"
            },
            s.documents.to_string(),
        )?;
        if !totals.is_empty() {
            writeln!(
                out,
                "  {} {}",
                cell(
                    if pl {
                        "  do zapłaty razem"
                    } else {
                        "  remaining in total"
                    },
                    40
                ),
                totals.join("; ")
            )?;
        }
        row(
            out,
            if pl {
                "Wiersze odrzucone (kwarantanna)"
            } else {
                "Rows rejected (quarantine)"
            },
            s.rejected.to_string(),
        )?;
        row(
            out,
            if pl { "Ostrzeżenia" } else { "Warnings" },
            s.warnings.to_string(),
        )?;
        row(
            out,
            if pl {
                "Wiersze wykluczone"
            } else {
                "Rows excluded"
            },
            s.excluded_total().to_string(),
        )?;
        for (reason, n) in &s.excluded {
            row(
                out,
                &format!("  {}", reason.describe(self.lang)),
                n.to_string(),
            )?;
        }
        row(
            out,
            if pl {
                "Kontrahenci wykluczeni"
            } else {
                "Debtors excluded"
            },
            s.excluded_debtors.to_string(),
        )?;
        if s.company_addresses_dropped > 0 {
            row(
                out,
                if pl {
                    "Pominięte adresy firm"
                } else {
                    "Company addresses left out"
                },
                s.company_addresses_dropped.to_string(),
            )?;
        }
        #[allow(clippy::cast_precision_loss)] // milliseconds of a preview
        let secs = s.elapsed_ms as f64 / 1000.0;
        let time = if pl {
            format!("{secs:.1} s").replace('.', ",")
        } else {
            format!("{secs:.1} s")
        };
        row(out, if pl { "Czas" } else { "Time" }, time)?;
        writeln!(
            out,
            "{}",
            if pl {
                "To jest podgląd: nic nie zostało wysłane."
            } else {
                "This is a preview: nothing was sent."
            }
        )
    }
}

/// Writes a discovery report.
#[allow(clippy::too_many_lines)] // two languages of a flat report
pub fn write_discovery(
    d: &Discovery,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if format == Format::Json {
        let mut v = serde_json::to_value(d).map_err(std::io::Error::from)?;
        v["ok"] = Value::Bool(d.ok());
        serde_json::to_writer(&mut *out, &v).map_err(std::io::Error::from)?;
        return writeln!(out);
    }
    let pl = lang == Lang::Pl;
    writeln!(
        out,
        "{} {}",
        if pl {
            "Sterownik ODBC:"
        } else {
            "ODBC driver:"
        },
        d.driver
    )?;
    writeln!(
        out,
        "{} {}",
        if pl { "System bazy danych:" } else { "DBMS:" },
        d.dbms
    )?;
    writeln!(
        out,
        "{} {}",
        if pl { "Profil:" } else { "Profile:" },
        d.profile
    )?;
    if d.missing.is_empty() {
        writeln!(
            out,
            "{}",
            if pl {
                format!(
                    "Tabele i kolumny: wszystkie {} kolumn jest na miejscu.",
                    d.checked_columns
                )
            } else {
                format!(
                    "Tables and columns: all {} columns are there.",
                    d.checked_columns
                )
            }
        )?;
    } else {
        writeln!(
            out,
            "{}",
            if pl {
                "BRAKUJE tego, czego profil potrzebuje:"
            } else {
                "MISSING what the profile needs:"
            }
        )?;
        for m in &d.missing {
            match (m, pl) {
                (Missing::Table { table }, true) => writeln!(out, "  - tabela {table}")?,
                (Missing::Table { table }, false) => writeln!(out, "  - table {table}")?,
                (Missing::Column { table, column }, true) => {
                    writeln!(out, "  - kolumna {table}.{column}")?;
                }
                (Missing::Column { table, column }, false) => {
                    writeln!(out, "  - column {table}.{column}")?;
                }
            }
        }
    }
    match &d.query_error {
        None if d.missing.is_empty() => writeln!(
            out,
            "{}",
            if pl {
                "Zapytanie profilu: działa."
            } else {
                "Profile query: works."
            }
        )?,
        None => {}
        Some(e) => writeln!(
            out,
            "{} {e}",
            if pl {
                "Zapytanie profilu NIE działa:"
            } else {
                "Profile query FAILS:"
            }
        )?,
    }
    if !d.markers.is_empty() {
        writeln!(
            out,
            "\n{}",
            if pl {
                "Kandydaci na znacznik „nie windykuj” (wpisz wartość pod kluczem w sekcji [erp]):"
            } else {
                "Candidate \"do not collect\" markers (put the value under the key in [erp]):"
            }
        )?;
        let h = if pl {
            ["klucz", "wartość", "nazwa w ERP", "użycia", "gdzie"]
        } else {
            ["key", "value", "name in the ERP", "uses", "where"]
        };
        writeln!(
            out,
            "  {} {} {} {} {}",
            cell(h[0], 26),
            cell(h[1], 30),
            cell(h[2], 30),
            right(h[3], 7),
            h[4]
        )?;
        for m in &d.markers {
            writeln!(
                out,
                "  {} {} {} {} {}",
                cell(m.config_key, 26),
                cell(&m.value, 30),
                cell(&m.label, 30),
                right(&m.uses.map(|u| u.to_string()).unwrap_or_default(), 7),
                m.detail
            )?;
        }
    }
    if let Some(advice) = d.marker_advice {
        writeln!(out, "\n{advice}")?;
    }
    Ok(())
}
