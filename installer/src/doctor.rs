//! `inkaso-installer doctor`: is the ODBC driver manager there, which drivers are registered,
//! and for each SQL Server driver a connection string that works with it. It asks
//! `odbcinst`, so it runs (and says what to install) even where unixODBC is missing.

use std::process::{Command, ExitCode};

use inkaso_connectors::DriverKind;
use inkaso_shared::Lang;

use crate::pl_en;

/// The drivers unixODBC has registered (`odbcinst -q -d`); `None` without unixODBC.
pub fn registered_drivers() -> Option<Vec<String>> {
    let out = Command::new("odbcinst").args(["-q", "-d"]).output().ok()?;
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().trim_matches(['[', ']']).to_owned())
            .filter(|l| !l.is_empty())
            .collect(),
    )
}

/// Prints the verdicts; fails only without the driver manager.
pub fn doctor(lang: Lang) -> ExitCode {
    let Some(drivers) = registered_drivers() else {
        println!(
            "✗ {}",
            pl_en(
                lang,
                "menedżer ODBC (unixODBC) nie jest zainstalowany",
                "the ODBC driver manager (unixODBC) is not installed"
            )
        );
        println!("  → apt-get install unixodbc");
        return ExitCode::FAILURE;
    };
    println!(
        "✓ {}",
        pl_en(
            lang,
            "menedżer ODBC (unixODBC) jest zainstalowany",
            "the ODBC driver manager (unixODBC) is installed"
        )
    );
    let wanted = [
        (
            "SQLite3",
            "libsqliteodbc",
            pl_en(lang, "bazy testowe i demo", "test and demo databases"),
        ),
        (
            "PostgreSQL Unicode",
            "odbc-postgresql",
            pl_en(lang, "ERP na PostgreSQL", "an ERP on PostgreSQL"),
        ),
        (
            "ODBC Driver 18 for SQL Server",
            "msodbcsql18 (packages.microsoft.com)",
            pl_en(
                lang,
                "ERP na Microsoft SQL Server (Subiekt GT, Optima, XL, enova, WAPRO): zalecany",
                "an ERP on Microsoft SQL Server (Subiekt GT, Optima, XL, enova, WAPRO): recommended",
            ),
        ),
        (
            "FreeTDS",
            "tdsodbc",
            pl_en(
                lang,
                "ERP na Microsoft SQL Server, gdy nie ma sterownika Microsoftu",
                "an ERP on Microsoft SQL Server without Microsoft's driver",
            ),
        ),
    ];
    for (name, package, purpose) in wanted {
        if drivers.iter().any(|d| d == name) {
            println!(
                "✓ {} [{name}] ({purpose})",
                pl_en(lang, "sterownik ODBC", "ODBC driver")
            );
        } else {
            println!(
                "· {} [{name}] ({purpose}); {}: apt-get install {package}",
                pl_en(lang, "brak sterownika ODBC", "no ODBC driver"),
                pl_en(lang, "jeśli potrzebny", "if needed")
            );
        }
    }
    // Every SQL Server driver found, with a connection string that works with it.
    let mut sql_server = false;
    for name in &drivers {
        let kind = DriverKind::of_name(name);
        if let Some(example) = kind.sql_server_example(lang) {
            sql_server = true;
            if kind == DriverKind::MsSql17 {
                println!(
                    "✓ {} [{name}] (SQL Server; {})",
                    pl_en(lang, "sterownik ODBC", "ODBC driver"),
                    pl_en(
                        lang,
                        "starszy — lepiej Driver 18",
                        "older — Driver 18 is better"
                    )
                );
            }
            println!("  [erp] connection_string [{name}]:\n  {example}");
        }
    }
    if !sql_server {
        println!(
            "· {}",
            pl_en(
                lang,
                "żaden sterownik nie łączy z Microsoft SQL Server; Subiekt GT, Optima, XL, enova i WAPRO go potrzebują",
                "no driver reaches Microsoft SQL Server; Subiekt GT, Optima, XL, enova and WAPRO need one"
            )
        );
    }
    ExitCode::SUCCESS
}
