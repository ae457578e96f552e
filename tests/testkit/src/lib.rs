//! Test support shared by every crate's tests, the end-to-end test and the demo: where the
//! prerequisites are, a real SMTP server on loopback ([`smtp`]), and a throw-away Debian with a
//! booted systemd for the agent's package and service ([`debian`]).
//!
//! No test is silently skipped: when PostgreSQL or an ODBC driver is missing, these helpers
//! panic with a message that says how to get it (`make test` provides everything).

pub mod debian;
pub mod odbc;
pub mod smtp;

use std::net::{TcpStream, ToSocketAddrs};
use std::process::Command;
use std::time::Duration;

/// The PostgreSQL server the local developer machine runs (trust auth).
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Runs a program to its end: whether it succeeded, and what it printed (stdout, then stderr)
/// — what a person at the terminal would have read.
///
/// # Panics
/// When the program cannot be started at all.
pub fn output(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The URL of the PostgreSQL server for tests: `INKASO_TEST_PG_URL` when set, else
/// [`DEFAULT_PG_URL`] when it answers.
///
/// # Panics
/// When neither is available, with instructions.
pub fn pg_url() -> String {
    if let Ok(url) = std::env::var("INKASO_TEST_PG_URL")
        && !url.trim().is_empty()
    {
        return url;
    }
    if answers("127.0.0.1:5432") {
        return DEFAULT_PG_URL.to_owned();
    }
    panic!(
        "PostgreSQL is needed by this test and none answers on 127.0.0.1:5432.\n\
         Run the whole suite with `make test` (it starts a throw-away cluster), or set\n\
         INKASO_TEST_PG_URL=postgres://user@host:port/db to a server you can use."
    );
}

fn answers(addr: &str) -> bool {
    addr.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_millis(500)).is_ok())
}

/// The registered ODBC driver names (`odbcinst -q -d`).
///
/// # Panics
/// When unixODBC's `odbcinst` is missing, with instructions.
pub fn odbc_drivers() -> Vec<String> {
    let out = Command::new("odbcinst").args(["-q", "-d"]).output().unwrap_or_else(|e| {
        panic!("unixODBC's odbcinst is needed ({e}); install it: apt-get install unixodbc (or run `make test`)")
    });
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Checks that an ODBC driver is registered.
///
/// # Panics
/// When it is not, naming the Debian package that provides it.
pub fn require_odbc_driver(name: &str) {
    let drivers = odbc_drivers();
    if !drivers.iter().any(|d| d == name) {
        let package = match name {
            "SQLite3" => "libsqliteodbc",
            n if n.starts_with("PostgreSQL") => "odbc-postgresql",
            _ => "the driver's package",
        };
        panic!(
            "ODBC driver [{name}] is not registered (have: {drivers:?}).\n\
             Install it: apt-get install {package} (or run `make test`)."
        );
    }
}
