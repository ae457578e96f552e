//! `discover`: what a firm's database looks like to a profile. Reports the driver and the DBMS,
//! checks that the profile's tables and columns exist (naming what is missing), runs the
//! profile's query far enough to check its result columns, and lists the candidate exclusion
//! markers (GT flags, Optima attributes, enova's native flags) with how often each is used.
//!
//! Probes are `SELECT <columns> FROM <table> WHERE 1 = 0`: portable, read-only, and they use
//! exactly the names the profile's query uses.

use odbc_api::{Connection, ResultSetMetadata};
use serde::Serialize;

use crate::columns::Col;
use crate::connection::{ConnectionSettings, query_text};
use crate::error::ConnectorError;
use crate::profile::{ProfileKind, ProfileSettings};

/// Something the profile needs that the database lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Missing {
    /// The whole table.
    Table {
        /// As the profile names it.
        table: String,
    },
    /// One column of an existing table.
    Column {
        /// As the profile names it.
        table: String,
        /// As the profile names it.
        column: String,
    },
}

/// An ERP value a firm can choose as its "do not collect" marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Marker {
    /// The configuration key the value goes into (`document_flag_ids`).
    pub config_key: &'static str,
    /// The value to put there (a flag id, an attribute id or code).
    pub value: String,
    /// What the ERP calls it.
    pub label: String,
    /// Rows that carry it now.
    pub uses: Option<u64>,
    /// Where it lives (flag group, table).
    pub detail: String,
}

/// The outcome of `discover`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovery {
    /// The profile checked.
    pub profile: ProfileKind,
    /// The ODBC driver.
    pub driver: String,
    /// The DBMS as the driver names it.
    pub dbms: String,
    /// Tables and columns checked.
    pub checked_columns: usize,
    /// What is missing (empty: all there).
    pub missing: Vec<Missing>,
    /// The profile's query could not run or lacks result columns: why.
    pub query_error: Option<String>,
    /// Candidate exclusion markers.
    pub markers: Vec<Marker>,
    /// Advice when the ERP has no marker of its own.
    pub marker_advice: Option<&'static str>,
}

impl Discovery {
    /// Whether the profile can run on this database.
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.query_error.is_none()
    }
}

fn probe(conn: &Connection<'_>, table: &str, columns: &[&str]) -> bool {
    let list = if columns.is_empty() {
        "1".to_owned()
    } else {
        columns.join(", ")
    };
    conn.execute(&format!("SELECT {list} FROM {table} WHERE 1 = 0"), (), None)
        .is_ok()
}

/// Connects and inspects the database for `profile`.
pub fn discover(
    connection: &ConnectionSettings,
    profile: &ProfileSettings,
) -> Result<Discovery, ConnectorError> {
    let kind = profile.kind()?;
    let conn = connection.connect()?;
    let dbms = conn
        .database_management_system_name()
        .map_err(ConnectorError::odbc("nazwa systemu bazy danych"))?;
    let mut missing = Vec::new();
    let mut checked_columns = 0;
    for (table, columns) in kind.required_columns() {
        checked_columns += columns.len();
        if probe(&conn, table, columns) {
            continue;
        }
        if !probe(&conn, table, &[]) {
            missing.push(Missing::Table {
                table: (*table).to_owned(),
            });
            continue;
        }
        for column in *columns {
            if !probe(&conn, table, &[column]) {
                missing.push(Missing::Column {
                    table: (*table).to_owned(),
                    column: (*column).to_owned(),
                });
            }
        }
    }
    let query_error = if missing.is_empty() {
        check_query(&conn, profile).err().map(|e| e.to_string())
    } else {
        None
    };
    let (markers, marker_advice) = markers(&conn, kind);
    Ok(Discovery {
        profile: kind,
        driver: connection.driver_label(),
        dbms,
        checked_columns,
        missing,
        query_error,
        markers,
        marker_advice,
    })
}

/// Runs the profile's query and checks its result columns without fetching a row.
fn check_query(conn: &Connection<'_>, profile: &ProfileSettings) -> Result<(), ConnectorError> {
    let query = profile.prepare()?;
    let params: Vec<Box<dyn odbc_api::parameter::InputParameter>> =
        crate::extract::bind_params(&query.params);
    let mut cursor = conn
        .execute(&query.sql, params.as_slice(), None)
        .map_err(ConnectorError::odbc("zapytanie profilu"))?
        .ok_or(ConnectorError::NoResultSet)?;
    let names: Vec<String> = cursor
        .column_names()
        .map_err(ConnectorError::odbc("nazwy kolumn"))?
        .collect::<Result<_, _>>()
        .map_err(ConnectorError::odbc("nazwy kolumn"))?;
    let found: Vec<Col> = names.iter().filter_map(|n| Col::from_name(n)).collect();
    let mut lacking: Vec<String> = Col::ALL
        .iter()
        .filter(|c| c.required() && !found.contains(c))
        .map(|c| c.name().to_owned())
        .collect();
    let has_number = found.contains(&Col::DocNumber)
        || (found.contains(&Col::DocNumberSymbol) && found.contains(&Col::DocNumberSeq));
    if !has_number {
        lacking.push(Col::DocNumber.name().to_owned());
    }
    if lacking.is_empty() {
        Ok(())
    } else {
        Err(ConnectorError::MissingColumns(lacking))
    }
}

fn count(v: Option<&Option<String>>) -> Option<u64> {
    v.and_then(|c| c.as_deref())
        .and_then(|t| t.trim().trim_end_matches(".0").parse().ok())
}

fn text(v: Option<&Option<String>>) -> String {
    v.and_then(Clone::clone).unwrap_or_default()
}

fn markers(conn: &Connection<'_>, kind: ProfileKind) -> (Vec<Marker>, Option<&'static str>) {
    let mut out = Vec::new();
    match kind {
        ProfileKind::SubiektGt => {
            // GT flag groups are per object kind; the same flag is offered for contractors and
            // documents, and the firm picks the key by the group it created the flag in.
            let sql = "SELECT f.flg_Id, f.flg_Text, f.flg_IdGrupy, \
                       (SELECT COUNT(*) FROM fl_Wartosc w WHERE w.flw_IdFlagi = f.flg_Id) \
                       FROM fl__Flagi f ORDER BY f.flg_IdGrupy, f.flg_Id";
            for row in query_text(conn, sql, 200).unwrap_or_default() {
                for key in ["debtor_flag_ids", "document_flag_ids"] {
                    out.push(Marker {
                        config_key: key,
                        value: text(row.first()),
                        label: text(row.get(1)),
                        uses: count(row.get(3)),
                        detail: format!("flaga GT, grupa {}", text(row.get(2))),
                    });
                }
            }
            (out, None)
        }
        ProfileKind::Optima => {
            let defs = query_text(
                conn,
                "SELECT DeA_DeAId, DeA_Kod FROM CDN.DefAtrybuty ORDER BY DeA_DeAId",
                500,
            )
            .unwrap_or_default();
            let label = |id: &str| {
                defs.iter()
                    .find(|d| text(d.first()) == id)
                    .map_or_else(String::new, |d| text(d.get(1)))
            };
            let sql = "SELECT KnA_DeAId, COUNT(*) FROM CDN.KntAtrybuty \
                       WHERE KnA_PodmiotTyp = 1 GROUP BY KnA_DeAId ORDER BY KnA_DeAId";
            for row in query_text(conn, sql, 200).unwrap_or_default() {
                let id = text(row.first());
                out.push(Marker {
                    config_key: "debtor_attribute_ids",
                    label: label(&id),
                    value: id,
                    uses: count(row.get(1)),
                    detail: "atrybut kontrahenta (CDN.KntAtrybuty.KnA_DeAId)".to_owned(),
                });
            }
            let sql =
                "SELECT DAt_Kod, COUNT(*) FROM CDN.DokAtrybuty GROUP BY DAt_Kod ORDER BY DAt_Kod";
            for row in query_text(conn, sql, 200).unwrap_or_default() {
                let code = text(row.first());
                out.push(Marker {
                    config_key: "document_attribute_codes",
                    label: code.clone(),
                    value: code,
                    uses: count(row.get(1)),
                    detail: "atrybut dokumentu (CDN.DokAtrybuty.DAt_Kod)".to_owned(),
                });
            }
            (out, None)
        }
        ProfileKind::Enova365 => {
            for (table, what) in [("Kontrahenci", "kontrahentów"), ("Platnosci", "płatności")] {
                let rows = query_text(
                    conn,
                    &format!("SELECT COUNT(*) FROM {table} WHERE NieWindykowac = 1"),
                    1,
                )
                .unwrap_or_default();
                out.push(Marker {
                    config_key: "(wbudowany)",
                    value: format!("{table}.NieWindykowac"),
                    label: format!("„Nie windykuj” – {what}"),
                    uses: count(rows.first().and_then(|r| r.first())),
                    detail: "znacznik enova365, uwzględniany zawsze".to_owned(),
                });
            }
            (out, None)
        }
        _ => (
            out,
            Some(
                "ten ERP nie ma znacznika „nie windykuj” znanego agentowi: wyklucz kontrahentów \
                 i dokumenty listami w sekcji [exclusions] (debtor_external_ids, nips, \
                 document_number_prefixes, min_remaining_minor)",
            ),
        ),
    }
}
