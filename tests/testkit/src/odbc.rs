//! ODBC connection strings for the test prerequisites (used by the connector's tests).

/// The psqlODBC connection string of the test PostgreSQL server ([`crate::pg_url`]).
///
/// # Panics
/// When PostgreSQL or the `PostgreSQL Unicode` ODBC driver is missing, with instructions.
pub fn pg_odbc_connection_string() -> String {
    crate::require_odbc_driver("PostgreSQL Unicode");
    let url = crate::pg_url();
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .unwrap_or(&url);
    let (auth, host_db) = rest.split_once('@').unwrap_or(("postgres", rest));
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let (host_port, db) = host_db.split_once('/').unwrap_or((host_db, "postgres"));
    let db = db.split('?').next().unwrap_or(db);
    let (host, port) = host_port.split_once(':').unwrap_or((host_port, "5432"));
    let mut cs = format!(
        "Driver={{PostgreSQL Unicode}};Server={host};Port={port};Database={db};Uid={user};"
    );
    if !password.is_empty() {
        cs.push_str("Pwd=");
        cs.push_str(password);
        cs.push(';');
    }
    cs
}
