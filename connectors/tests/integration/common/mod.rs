//! Shared helpers of the connector's integration tests: build a sample database through the
//! SQLite3 ODBC driver, run an extraction, render each item as one line for row-by-row asserts.

#![allow(dead_code, unreachable_pub)]

use std::path::Path;

use inkaso_connectors::{
    ConnectorConfig, FetchOptions, Item, ProfileKind, ProfileSettings, Summary, extract,
};
use inkaso_sample_erp::create_sample_db;
use inkaso_shared::protocol::Exclusions;

/// A sample database of `profile` in `dir`, through the real SQLite3 ODBC driver.
pub fn sample_config(profile: ProfileKind, dir: &Path) -> ConnectorConfig {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let connection = create_sample_db(profile, dir).expect("sample database");
    ConnectorConfig {
        connection,
        profile: ProfileSettings {
            kind: Some(profile),
            ..ProfileSettings::default()
        },
        exclusions: Exclusions::default(),
        fetch: FetchOptions::default(),
    }
}

/// Runs the extraction to the end: the rendered items and the summary.
pub fn run(config: &ConnectorConfig) -> (Vec<String>, Summary) {
    let mut ex = extract(config).expect("extraction starts");
    let mut lines = Vec::new();
    for item in ex.by_ref() {
        lines.push(render(&item.expect("no ODBC error")));
    }
    (lines, ex.summary())
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// One line per item, with every field that leaves the machine.
pub fn render(item: &Item) -> String {
    match item {
        Item::Debtor(d) => format!(
            "D {} {:?} {:?} nip={} email={} phone={} addr={}",
            d.external_id,
            d.kind,
            d.name,
            opt(d.nip.as_ref()),
            opt(d.email.as_ref()),
            opt(d.phone.as_ref()),
            d.address.as_ref().map_or_else(
                || "-".to_owned(),
                |a| format!("{}|{}|{}|{}", a.street, a.postcode, a.city, a.country)
            ),
        ),
        Item::Document(d) => format!(
            "F {} deb={} {:?} {}..{} {}/{} {}",
            d.external_id,
            d.debtor_external_id,
            d.number,
            opt(d.issue_date),
            d.due_date,
            d.amount_minor,
            d.remaining_minor,
            d.currency
        ),
        Item::Rejected(r) => format!(
            "R {} deb={} {} {:?} value={}",
            r.row_key,
            opt(r.debtor_external_id.as_ref()),
            r.field,
            r.reason,
            opt(r.value.as_ref())
        ),
        Item::Warning(w) => format!(
            "W {:?} deb={} value={} other={}",
            w.kind,
            w.debtor_external_id,
            opt(w.value.as_ref()),
            opt(w.other_debtor_external_id.as_ref())
        ),
    }
}

/// Compares line by line, printing both lists on a mismatch.
pub fn assert_lines(actual: &[String], expected: &[&str]) {
    let expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    if actual != expected {
        let mut msg = String::from("items differ\n--- actual\n");
        for l in actual {
            msg.push_str(l);
            msg.push('\n');
        }
        msg.push_str("--- expected\n");
        for l in &expected {
            msg.push_str(l);
            msg.push('\n');
        }
        panic!("{msg}");
    }
}
