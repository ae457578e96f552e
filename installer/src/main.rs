//! `inkaso-installer`: prepares a machine to run the Inkaso agent beside an ERP.
//!
//! Today it checks the prerequisites (`doctor`); the guided set-up and service registration
//! (R-A7) come with the installer issue.

use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

/// Inkaso installer: checks that this machine can run the Inkaso agent (ODBC driver manager,
/// ERP drivers) and tells how to fix what is missing.
#[derive(Debug, Parser)]
#[command(name = "inkaso-installer", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Check the ODBC driver manager and the registered drivers, with a verdict and a fix for each.
    Doctor,
}

fn main() -> ExitCode {
    let Cmd::Doctor = Cli::parse().command;
    doctor()
}

fn doctor() -> ExitCode {
    let Ok(out) = Command::new("odbcinst").args(["-q", "-d"]).output() else {
        println!("✗ menedżer ODBC (unixODBC) nie jest zainstalowany");
        println!("  napraw: apt-get install unixodbc");
        return ExitCode::FAILURE;
    };
    let drivers: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().trim_matches(['[', ']']).to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    println!("✓ menedżer ODBC (unixODBC) jest zainstalowany");
    let wanted = [
        ("SQLite3", "libsqliteodbc", "bazy testowe i demo"),
        ("PostgreSQL Unicode", "odbc-postgresql", "ERP na PostgreSQL"),
        (
            "FreeTDS",
            "tdsodbc",
            "ERP na Microsoft SQL Server (Subiekt GT, Optima, XL, enova, WAPRO)",
        ),
    ];
    for (name, package, purpose) in wanted {
        if drivers.iter().any(|d| d == name) {
            println!("✓ sterownik ODBC [{name}] ({purpose})");
        } else {
            println!(
                "· brak sterownika ODBC [{name}] ({purpose}); jeśli potrzebny: apt-get install {package}"
            );
        }
    }
    ExitCode::SUCCESS
}
