//! Opening ODBC connections (DSN or connection string, optional credentials, per-connection
//! init statements) and small helpers to run scripts and read short text results.
//!
//! odbc-api is blocking; this module stays synchronous and the agent runs it on a blocking
//! thread. The ODBC environment is the process-wide one so that cursors can own their
//! connection and move between threads.

use odbc_api::buffers::TextRowSet;
use odbc_api::{Connection, ConnectionOptions, Cursor, ResultSetMetadata, escape_attribute_value};

use crate::error::ConnectorError;

/// Where the ERP database is and how to log in.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// A data source name registered with the driver manager.
    pub dsn: Option<String>,
    /// A full ODBC connection string (`Driver={SQLite3};Database=...`).
    pub connection_string: Option<String>,
    /// Login, when not in the DSN / connection string.
    pub user: Option<String>,
    /// Password, when not in the DSN / connection string.
    pub password: Option<String>,
    /// Statements run once on every new connection (`SET ...`, `ATTACH DATABASE ...`).
    pub init_statements: Vec<String>,
}

impl std::fmt::Debug for ConnectionSettings {
    // The password (and a connection string that may carry one) never reach logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("dsn", &self.dsn)
            .field(
                "connection_string",
                &self.connection_string.as_deref().map(redact),
            )
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("init_statements", &self.init_statements)
            .finish()
    }
}

/// A connection string with `PWD=` values hidden.
pub fn redact(connection_string: &str) -> String {
    connection_string
        .split(';')
        .map(|part| {
            let lower = part.trim_start().to_ascii_lowercase();
            if lower.starts_with("pwd=") || lower.starts_with("password=") {
                let key = part.split('=').next().unwrap_or("PWD");
                format!("{key}=***")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

impl ConnectionSettings {
    /// Opens a connection and runs the init statements.
    pub fn connect(&self) -> Result<Connection<'static>, ConnectorError> {
        let env = odbc_api::environment().map_err(ConnectorError::odbc("środowisko ODBC"))?;
        let conn = match (&self.dsn, &self.connection_string) {
            (Some(dsn), None) => env
                .connect(
                    dsn,
                    self.user.as_deref().unwrap_or(""),
                    self.password.as_deref().unwrap_or(""),
                    ConnectionOptions::default(),
                )
                .map_err(ConnectorError::odbc(format!("połączenie z DSN {dsn}")))?,
            (None, Some(cs)) => {
                let mut full = cs.trim().trim_end_matches(';').to_owned();
                if let Some(user) = &self.user {
                    full.push_str(";UID=");
                    full.push_str(&escape_attribute_value(user));
                }
                if let Some(pwd) = &self.password {
                    full.push_str(";PWD=");
                    full.push_str(&escape_attribute_value(pwd));
                }
                full.push(';');
                env.connect_with_connection_string(&full, ConnectionOptions::default())
                    .map_err(ConnectorError::odbc(format!(
                        "połączenie: {}",
                        self.driver_label()
                    )))?
            }
            _ => return Err(ConnectorError::ConnectionTarget),
        };
        for (i, stmt) in self.init_statements.iter().enumerate() {
            conn.execute(stmt, (), None)
                .map_err(ConnectorError::odbc(format!("init_statements[{i}]")))?;
        }
        Ok(conn)
    }

    /// The driver as named by the connection string, or the DSN's driver as registered.
    pub fn driver_label(&self) -> String {
        if let Some(cs) = &self.connection_string {
            for part in cs.split(';') {
                if let Some((k, v)) = part.split_once('=')
                    && k.trim().eq_ignore_ascii_case("driver")
                {
                    return v.trim().trim_matches(['{', '}']).to_owned();
                }
            }
            return "(sterownik z łańcucha połączenia)".to_owned();
        }
        let Some(dsn) = &self.dsn else {
            return String::new();
        };
        odbc_api::environment()
            .ok()
            .and_then(|env| env.data_sources().ok())
            .and_then(|sources| {
                sources
                    .into_iter()
                    .find(|s| s.server_name.eq_ignore_ascii_case(dsn))
            })
            .map_or_else(
                || format!("DSN {dsn}"),
                |s| format!("{} (DSN {dsn})", s.driver),
            )
    }
}

/// Splits an SQL script into statements at `;` that end a line; `--` comment lines are skipped.
pub fn split_script(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            let stmt = current.trim().trim_end_matches(';').trim().to_owned();
            if !stmt.is_empty() {
                out.push(stmt);
            }
            current.clear();
        }
    }
    let rest = current.trim();
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
    out
}

/// Runs every statement of a script.
pub fn run_script(conn: &Connection<'_>, script: &str, name: &str) -> Result<(), ConnectorError> {
    for (i, stmt) in split_script(script).iter().enumerate() {
        conn.execute(stmt, (), None)
            .map_err(ConnectorError::odbc(format!("{name}, polecenie {}", i + 1)))?;
    }
    Ok(())
}

/// Runs a query and returns up to `max_rows` rows as text (for small catalogue reads).
pub fn query_text(
    conn: &Connection<'_>,
    sql: &str,
    max_rows: usize,
) -> Result<Vec<Vec<Option<String>>>, odbc_api::Error> {
    let mut rows = Vec::new();
    let Some(mut cursor) = conn.execute(sql, (), None)? else {
        return Ok(rows);
    };
    let cols = usize::try_from(cursor.num_result_cols()?).unwrap_or(0);
    let buffer = TextRowSet::for_cursor(max_rows.clamp(1, 1000), &mut cursor, Some(512))?;
    let mut block = cursor.bind_buffer(buffer)?;
    while let Some(batch) = block.fetch()? {
        for r in 0..batch.num_rows() {
            if rows.len() >= max_rows {
                return Ok(rows);
            }
            rows.push(
                (0..cols)
                    .map(|c| {
                        batch
                            .at(c, r)
                            .map(|b| String::from_utf8_lossy(b).into_owned())
                    })
                    .collect(),
            );
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_at_line_ends() {
        let s = "-- c\nCREATE TABLE a (x INT);\nINSERT INTO a VALUES\n (1),\n (2);\n\nSELECT 'a;b' FROM a";
        assert_eq!(
            split_script(s),
            [
                "CREATE TABLE a (x INT)",
                "INSERT INTO a VALUES\n (1),\n (2)",
                "SELECT 'a;b' FROM a"
            ]
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("Driver={X};Server=a;PWD=tajne;Uid=u"),
            "Driver={X};Server=a;PWD=***;Uid=u"
        );
        let s = ConnectionSettings {
            password: Some("tajne".into()),
            ..ConnectionSettings::default()
        };
        assert!(!format!("{s:?}").contains("tajne"));
    }
}
