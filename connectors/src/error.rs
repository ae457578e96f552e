//! The connector's errors: configuration, connection and query failures. Row-level problems are
//! not errors: they are quarantine entries and warnings (`mapping`).

use inkaso_shared::{Lang, Localized};

/// Why a connector operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("nie wybrano profilu ERP (klucz `profile`)")]
    NoProfile,
    #[error(
        "nieznany profil ERP „{0}” (dostępne: subiekt_gt, optima, comarch_xl, enova365, \
         wapro_mag, custom; eksperymentalne: symfonia_handel, subiekt_nexo)"
    )]
    UnknownProfile(String),
    #[error(
        "profil {profile} jest eksperymentalny: {reason}. Aby go użyć, ustaw experimental = true"
    )]
    Experimental {
        profile: &'static str,
        reason: &'static str,
    },
    #[error(
        "profil {0} nie ma przykładowej bazy (mają ją: subiekt_gt, optima, comarch_xl, \
         enova365, wapro_mag)"
    )]
    NoSample(&'static str),
    #[error("profil custom wymaga zapytania (klucz `query`)")]
    NoCustomQuery,
    #[error("nieznany znacznik parametru w zapytaniu: {{{{{0}}}}}")]
    BadMarker(String),
    #[error("podaj dokładnie jedno z: `dsn` albo `connection_string`")]
    ConnectionTarget,
    #[error("błąd ODBC ({context}): {source}")]
    Odbc {
        context: String,
        #[source]
        source: odbc_api::Error,
    },
    #[error("zapytanie nie zwraca wymaganych kolumn: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("zapytanie nie zwróciło zbioru wyników")]
    NoResultSet,
    #[error("błąd pliku {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ConnectorError {
    pub(crate) fn odbc(context: impl Into<String>) -> impl FnOnce(odbc_api::Error) -> Self {
        let context = context.into();
        move |source| ConnectorError::Odbc { context, source }
    }
}

impl Localized for ConnectorError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                ConnectorError::NoProfile => "no ERP profile chosen (key `profile`)".into(),
                ConnectorError::UnknownProfile(p) => format!(
                    "unknown ERP profile \"{p}\" (available: subiekt_gt, optima, comarch_xl, \
                     enova365, wapro_mag, custom; experimental: symfonia_handel, subiekt_nexo)"
                ),
                ConnectorError::Experimental { profile, .. } => format!(
                    "profile {profile} is experimental (not verified on a live database); set \
                     experimental = true to use it"
                ),
                ConnectorError::NoSample(p) => format!(
                    "profile {p} has no sample database (these do: subiekt_gt, optima, \
                     comarch_xl, enova365, wapro_mag)"
                ),
                ConnectorError::NoCustomQuery => {
                    "the custom profile needs a query (key `query`)".into()
                }
                ConnectorError::BadMarker(m) => format!("unknown parameter marker {{{{{m}}}}}"),
                ConnectorError::ConnectionTarget => {
                    "give exactly one of `dsn` or `connection_string`".into()
                }
                ConnectorError::Odbc { context, source } => {
                    format!("ODBC error ({context}): {source}")
                }
                ConnectorError::MissingColumns(c) => {
                    format!(
                        "the query does not return required columns: {}",
                        c.join(", ")
                    )
                }
                ConnectorError::NoResultSet => "the query returned no result set".into(),
                ConnectorError::Io { path, source } => format!("file {path}: {source}"),
            },
        }
    }
}
