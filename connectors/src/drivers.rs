//! The ODBC drivers an agent meets beside a Polish ERP, told apart by name, with what a
//! connection string needs for each and what SQL Server's usual refusals mean.
//!
//! The ERPs' databases are Microsoft SQL Server: on Windows through Microsoft's "ODBC Driver 18
//! (or 17) for SQL Server", on Linux through the same driver (`msodbcsql18`) or FreeTDS
//! (`tdsodbc`). Their first connection fails in a few well-known ways — Driver 18 encrypts and
//! checks the server's certificate by default, a named instance needs the SQL Server Browser
//! or a port, the ERP's server often allows Windows logins only — and the error texts say so
//! only to those who know them. `doctor` and `check` use this module to say it to everyone.

use inkaso_shared::Lang;

/// A driver, by the name it is registered under (`odbcinst -q -d`, `Driver={…}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverKind {
    /// Microsoft's "ODBC Driver 18 for SQL Server": encrypts by default.
    MsSql18,
    /// Microsoft's "ODBC Driver 17 for SQL Server".
    MsSql17,
    /// FreeTDS (`tdsodbc`), SQL Server from Linux.
    FreeTds,
    /// The SQLite3 ODBC driver (samples, tests, the demo).
    Sqlite,
    /// psqlODBC.
    PostgreSql,
    /// Anything else (an old "SQL Server" / "SQL Server Native Client", a vendor's).
    Other,
}

impl DriverKind {
    /// The driver a registered name or a connection string's `Driver={…}` names.
    pub fn of_name(name: &str) -> DriverKind {
        let n = name.trim().trim_matches(['{', '}']).to_ascii_lowercase();
        if n.contains("odbc driver 18 for sql server") {
            DriverKind::MsSql18
        } else if n.contains("odbc driver 17 for sql server") {
            DriverKind::MsSql17
        } else if n.contains("freetds") || n.contains("libtdsodbc") {
            DriverKind::FreeTds
        } else if n.contains("sqlite") {
            DriverKind::Sqlite
        } else if n.contains("postgresql") || n.contains("psqlodbc") {
            DriverKind::PostgreSql
        } else {
            DriverKind::Other
        }
    }

    /// The driver of a connection string (`Driver={ODBC Driver 18 for SQL Server};…`); `None`
    /// when it names none (a DSN's driver is in `odbc.ini`).
    pub fn of_connection_string(connection_string: &str) -> Option<DriverKind> {
        driver_name(connection_string).map(DriverKind::of_name)
    }

    /// A connection string for this driver (registered as `driver`) to `database` on `server`,
    /// with what each needs against an ERP's SQL Server: Driver 18 encrypts and accepts the
    /// server's self-signed certificate, FreeTDS takes the port apart (`server,port`) and
    /// speaks TDS 7.4 in UTF-8; both of Microsoft's ask for read-only intent.
    pub fn connection_string(self, driver: &str, server: &str, database: &str) -> String {
        match self {
            DriverKind::MsSql18 => format!(
                "Driver={{{driver}}};Server={server};Database={database};Encrypt=yes;TrustServerCertificate=yes;ApplicationIntent=ReadOnly"
            ),
            DriverKind::MsSql17 => format!(
                "Driver={{{driver}}};Server={server};Database={database};ApplicationIntent=ReadOnly"
            ),
            DriverKind::FreeTds => {
                let (host, port) = server.split_once(',').unwrap_or((server, "1433"));
                format!(
                    "Driver={{{driver}}};Server={host};Port={port};Database={database};TDS_Version=7.4;ClientCharset=UTF-8"
                )
            }
            DriverKind::Sqlite => format!("Driver={{{driver}}};Database={database}"),
            DriverKind::PostgreSql | DriverKind::Other => {
                format!("Driver={{{driver}}};Server={server};Database={database}")
            }
        }
    }

    /// Whether it reaches SQL Server.
    pub fn is_sql_server(self) -> bool {
        matches!(
            self,
            DriverKind::MsSql18 | DriverKind::MsSql17 | DriverKind::FreeTds
        )
    }

    /// A connection string that works with this driver against an ERP's SQL Server, with
    /// what each part is for; `None` for the drivers that do not reach SQL Server.
    pub fn sql_server_example(self, lang: Lang) -> Option<String> {
        let (driver, pl, en) = match self {
            DriverKind::MsSql18 => (
                "ODBC Driver 18 for SQL Server",
                "hasło w [erp] password_env (albo password); Driver 18 szyfruje zawsze: TrustServerCertificate=yes przyjmuje samopodpisany certyfikat serwera ERP — z certyfikatem z zaufanego urzędu usuń tę część; instancja nazwana: Server=serwer-erp\\INSERTGT albo jej stały port",
                "the password in [erp] password_env (or password); Driver 18 always encrypts: TrustServerCertificate=yes accepts the ERP server's self-signed certificate — drop it when the certificate comes from a trusted authority; a named instance: Server=erp-server\\INSERTGT or its fixed port",
            ),
            DriverKind::MsSql17 => (
                "ODBC Driver 17 for SQL Server",
                "Driver 17 nie szyfruje, gdy serwer tego nie wymaga; lepiej zainstalować Driver 18",
                "Driver 17 does not encrypt unless the server requires it; Driver 18 is the better choice",
            ),
            DriverKind::FreeTds => (
                "FreeTDS",
                "FreeTDS nie zna nazw instancji bez usługi SQL Server Browser: podaj port instancji; ClientCharset=UTF-8, by polskie znaki przeszły bez zmian",
                "FreeTDS cannot find a named instance without the SQL Server Browser: give the instance's port; ClientCharset=UTF-8 keeps Polish letters intact",
            ),
            DriverKind::Sqlite | DriverKind::PostgreSql | DriverKind::Other => return None,
        };
        let (server, database, user, note) = match lang {
            Lang::Pl => ("tcp:serwer-erp,1433", "NAZWA_PODMIOTU", "inkaso_odczyt", pl),
            Lang::En => ("tcp:erp-server,1433", "COMPANY_DB", "inkaso_reader", en),
        };
        // FreeTDS knows no `tcp:` prefix: the host and the port are its own keys.
        let server = if self == DriverKind::FreeTds {
            server.trim_start_matches("tcp:")
        } else {
            server
        };
        Some(format!(
            "{};UID={user}\n  ({note})",
            self.connection_string(driver, server, database)
        ))
    }
}

/// The driver a connection string names (`Driver={…}`, braces taken off); `None` without one.
pub fn driver_name(connection_string: &str) -> Option<&str> {
    connection_string.split(';').find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("driver")
            .then(|| value.trim().trim_matches(['{', '}']))
    })
}

/// What a failed connection's error most likely means on SQL Server, and the fix; `None` when
/// the text is none of the usual refusals. `driver` is the connection string's, when known.
pub fn sql_server_advice(error: &str, driver: Option<DriverKind>, lang: Lang) -> Option<String> {
    let e = error.to_ascii_lowercase();
    let pick = |pl: &str, en: &str| match lang {
        Lang::Pl => pl.to_owned(),
        Lang::En => en.to_owned(),
    };
    if e.contains("certificate") || e.contains("ssl provider") || e.contains("ssl routines") {
        return Some(pick(
            "serwer SQL odrzucił szyfrowane połączenie: Driver 18 sprawdza certyfikat serwera, a serwer ERP ma zwykle samopodpisany — dopisz TrustServerCertificate=yes (albo zainstaluj na serwerze certyfikat z zaufanego urzędu); Encrypt=no tylko w sieci, której ufasz",
            "the SQL server refused the encrypted connection: Driver 18 checks the server's certificate and an ERP's server usually has a self-signed one — add TrustServerCertificate=yes (or install a certificate from a trusted authority on the server); Encrypt=no only on a network you trust",
        ));
    }
    if e.contains("login failed") || e.contains("18456") {
        return Some(pick(
            "logowanie odrzucone: sprawdź użytkownika i hasło; serwer ERP często dopuszcza tylko logowanie Windows — w SQL Server Management Studio włącz tryb mieszany (SQL Server and Windows Authentication), uruchom usługę ponownie i nadaj użytkownikowi prawo odczytu bazy (rola db_datareader)",
            "login refused: check the user and the password; an ERP's server often allows Windows logins only — in SQL Server Management Studio turn on mixed mode (SQL Server and Windows Authentication), restart the service and give the user read access to the database (db_datareader)",
        ));
    }
    if e.contains("cannot open database") || e.contains("4060") {
        return Some(pick(
            "baza nie istnieje albo użytkownik nie ma do niej dostępu: Database= to nazwa bazy podmiotu (w Subiekcie GT widoczna w Serwisancie), a użytkownik potrzebuje w niej roli db_datareader",
            "the database does not exist or the user may not open it: Database= is the company's database name (Subiekt GT's Serwisant shows it), and the user needs db_datareader in it",
        ));
    }
    if e.contains("data source name not found")
        || e.contains("can't open lib")
        || e.contains("im002")
        || e.contains("file not found")
    {
        let package = match driver {
            Some(DriverKind::FreeTds) => "tdsodbc",
            _ => "msodbcsql18",
        };
        return Some(match lang {
            Lang::Pl => format!(
                "sterownik ODBC nie jest zainstalowany albo ma inną nazwę: `inkaso-installer doctor` pokaże zainstalowane; na Linuksie zainstaluj {package}, na Windows „ODBC Driver 18 for SQL Server” od Microsoftu, a nazwę w Driver={{…}} wpisz dokładnie tak, jak ją podaje"
            ),
            Lang::En => format!(
                "the ODBC driver is not installed or has another name: `inkaso-installer doctor` lists the installed ones; on Linux install {package}, on Windows Microsoft's \"ODBC Driver 18 for SQL Server\", and write its name in Driver={{…}} exactly as listed"
            ),
        });
    }
    if e.contains("login timeout")
        || e.contains("server was not found")
        || e.contains("named pipes provider")
        || e.contains("tcp provider")
        || e.contains("unable to connect")
        || e.contains("adaptive server is unavailable")
    {
        return Some(pick(
            "serwer SQL nieosiągalny: sprawdź nazwę komputera i port (Server=tcp:serwer-erp,1433); instancja nazwana (serwer-erp\\INSERTGT) wymaga działającej usługi SQL Server Browser (UDP 1434) albo stałego portu instancji; w SQL Server Configuration Manager włącz protokół TCP/IP i otwórz port w zaporze",
            "the SQL server is unreachable: check the computer's name and the port (Server=tcp:erp-server,1433); a named instance (erp-server\\INSERTGT) needs the SQL Server Browser service (UDP 1434) or a fixed port of the instance; turn on TCP/IP in SQL Server Configuration Manager and open the port in the firewall",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drivers_are_told_apart_by_name() {
        assert_eq!(
            DriverKind::of_name("ODBC Driver 18 for SQL Server"),
            DriverKind::MsSql18
        );
        assert_eq!(
            DriverKind::of_name("{ODBC Driver 17 for SQL Server}"),
            DriverKind::MsSql17
        );
        assert_eq!(DriverKind::of_name("FreeTDS"), DriverKind::FreeTds);
        assert_eq!(DriverKind::of_name("SQLite3"), DriverKind::Sqlite);
        assert_eq!(
            DriverKind::of_name("PostgreSQL Unicode"),
            DriverKind::PostgreSql
        );
        assert_eq!(DriverKind::of_name("SQL Server"), DriverKind::Other);
        assert_eq!(
            DriverKind::of_connection_string(
                "driver={ODBC Driver 18 for SQL Server};Server=tcp:erp,1433;Database=X"
            ),
            Some(DriverKind::MsSql18)
        );
        assert_eq!(DriverKind::of_connection_string("DSN=erp"), None);
        assert!(DriverKind::FreeTds.is_sql_server() && !DriverKind::Sqlite.is_sql_server());
    }

    #[test]
    fn connection_strings_fit_their_driver() {
        assert_eq!(
            DriverKind::MsSql18.connection_string(
                "ODBC Driver 18 for SQL Server",
                "erp\\INSERTGT",
                "GT_FIRMA"
            ),
            "Driver={ODBC Driver 18 for SQL Server};Server=erp\\INSERTGT;Database=GT_FIRMA;Encrypt=yes;TrustServerCertificate=yes;ApplicationIntent=ReadOnly"
        );
        assert_eq!(
            DriverKind::FreeTds.connection_string("FreeTDS", "erp,1500", "GT"),
            "Driver={FreeTDS};Server=erp;Port=1500;Database=GT;TDS_Version=7.4;ClientCharset=UTF-8"
        );
        assert_eq!(
            DriverKind::Sqlite.connection_string("SQLite3", "", "/srv/gt.db"),
            "Driver={SQLite3};Database=/srv/gt.db"
        );
    }

    #[test]
    fn every_sql_server_driver_has_an_example_naming_itself() {
        for (kind, name) in [
            (DriverKind::MsSql18, "ODBC Driver 18"),
            (DriverKind::MsSql17, "ODBC Driver 17"),
            (DriverKind::FreeTds, "FreeTDS"),
        ] {
            for lang in [Lang::Pl, Lang::En] {
                let example = kind.sql_server_example(lang).unwrap();
                assert!(example.contains(name), "{example}");
                assert_eq!(
                    DriverKind::of_connection_string(example.lines().next().unwrap()),
                    Some(kind)
                );
            }
        }
        assert!(DriverKind::Sqlite.sql_server_example(Lang::Pl).is_none());
    }

    #[test]
    fn sql_servers_usual_refusals_get_their_fix() {
        // The texts as Microsoft's driver and FreeTDS word them.
        for (error, want) in [
            (
                "[Microsoft][ODBC Driver 18 for SQL Server]SSL Provider: [error:0A000086:SSL routines::certificate verify failed:self-signed certificate]",
                "TrustServerCertificate=yes",
            ),
            (
                "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'inkaso'. (18456)",
                "tryb mieszany",
            ),
            (
                "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Cannot open database \"GT_FIRMA\" requested by the login. (4060)",
                "db_datareader",
            ),
            (
                "[unixODBC][Driver Manager]Can't open lib 'ODBC Driver 18 for SQL Server' : file not found",
                "msodbcsql18",
            ),
            (
                "[Microsoft][ODBC Driver 18 for SQL Server]Login timeout expired",
                "SQL Server Browser",
            ),
            (
                "[FreeTDS][SQL Server]Unable to connect: Adaptive Server is unavailable or does not exist",
                "TCP/IP",
            ),
        ] {
            let advice = sql_server_advice(error, None, Lang::Pl)
                .unwrap_or_else(|| panic!("no advice for {error}"));
            assert!(advice.contains(want), "{error}: {advice}");
            assert!(sql_server_advice(error, None, Lang::En).is_some());
        }
        assert!(
            sql_server_advice(
                "can't open lib 'FreeTDS'",
                Some(DriverKind::FreeTds),
                Lang::En
            )
            .unwrap()
            .contains("tdsodbc")
        );
        assert_eq!(
            sql_server_advice("syntax error near FROM", None, Lang::Pl),
            None
        );
    }
}
