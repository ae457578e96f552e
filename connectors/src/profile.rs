//! ERP profiles: the read-only query of each ERP (embedded `.sql` files), its date encoding,
//! the tables and columns it needs, and the configuration values it binds.
//!
//! A query never contains a configuration value: markers such as `{{debtor_flag_ids}}` expand
//! to `?` placeholders and the values are bound as parameters.

use std::fmt;
use std::str::FromStr;

use crate::error::ConnectorError;
use crate::values::DateFormat;

/// The ERPs the connector knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// InsERT Subiekt GT and Navireo (same database model).
    SubiektGt,
    /// Comarch ERP Optima.
    Optima,
    /// Comarch ERP XL.
    ComarchXl,
    /// enova365.
    Enova365,
    /// Asseco WAPRO Mag (WF-MAG).
    WaproMag,
    /// The firm's own query returning the same columns.
    Custom,
    /// Sage Symfonia Handel: unverified, experimental only.
    SymfoniaHandel,
    /// InsERT Subiekt nexo: unverified, experimental only.
    SubiektNexo,
}

impl ProfileKind {
    /// Every profile, for help texts.
    pub const ALL: [ProfileKind; 8] = [
        ProfileKind::SubiektGt,
        ProfileKind::Optima,
        ProfileKind::ComarchXl,
        ProfileKind::Enova365,
        ProfileKind::WaproMag,
        ProfileKind::Custom,
        ProfileKind::SymfoniaHandel,
        ProfileKind::SubiektNexo,
    ];

    /// The configuration name.
    pub fn name(self) -> &'static str {
        match self {
            ProfileKind::SubiektGt => "subiekt_gt",
            ProfileKind::Optima => "optima",
            ProfileKind::ComarchXl => "comarch_xl",
            ProfileKind::Enova365 => "enova365",
            ProfileKind::WaproMag => "wapro_mag",
            ProfileKind::Custom => "custom",
            ProfileKind::SymfoniaHandel => "symfonia_handel",
            ProfileKind::SubiektNexo => "subiekt_nexo",
        }
    }

    /// Why the profile is experimental, when it is (Polish, shown to the user).
    pub fn experimental_reason(self) -> Option<&'static str> {
        match self {
            ProfileKind::SymfoniaHandel => Some(
                "profil symfonia_handel nie był sprawdzony na żywej bazie: nie znaleziono kolumn \
                 NIP, e-maila ani telefonu (wysyła tylko nazwę kontrahenta i dokumenty), a sposób \
                 liczenia pozostałej kwoty (walbrutto − HM.PN.kwotarozl) jest niepotwierdzony",
            ),
            ProfileKind::SubiektNexo => Some(
                "profil subiekt_nexo nie był sprawdzony na żywej bazie: nie znaleziono tabeli \
                 rozrachunków nexo, więc zapytanie nie odróżnia dokumentów zapłaconych od \
                 niezapłaconych (każda płatność jest traktowana jako należna w całości)",
            ),
            _ => None,
        }
    }

    /// How the profile's dates are encoded.
    pub fn date_format(self) -> DateFormat {
        match self {
            ProfileKind::ComarchXl | ProfileKind::WaproMag => DateFormat::Clarion,
            _ => DateFormat::Iso,
        }
    }

    /// The embedded query (`None` for `custom`).
    pub fn sql(self) -> Option<&'static str> {
        match self {
            ProfileKind::SubiektGt => Some(include_str!("../profiles/subiekt_gt.sql")),
            ProfileKind::Optima => Some(include_str!("../profiles/optima.sql")),
            ProfileKind::ComarchXl => Some(include_str!("../profiles/comarch_xl.sql")),
            ProfileKind::Enova365 => Some(include_str!("../profiles/enova365.sql")),
            ProfileKind::WaproMag => Some(include_str!("../profiles/wapro_mag.sql")),
            ProfileKind::SymfoniaHandel => Some(include_str!("../profiles/symfonia_handel.sql")),
            ProfileKind::SubiektNexo => Some(include_str!("../profiles/subiekt_nexo.sql")),
            ProfileKind::Custom => None,
        }
    }

    /// The tables and columns the query reads (checked by `discover`).
    #[allow(clippy::too_many_lines)] // one table per ERP, data not logic
    pub fn required_columns(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            ProfileKind::SubiektGt => &[
                (
                    "nz__Finanse",
                    &[
                        "nzf_Id",
                        "nzf_Typ",
                        "nzf_TypObiektu",
                        "nzf_IdObiektu",
                        "nzf_IdDokumentAuto",
                        "nzf_NumerPelny",
                        "nzf_Data",
                        "nzf_TerminPlatnosci",
                        "nzf_WartoscPierwotnaWaluta",
                        "nzf_Wartosc",
                        "nzf_WartoscWaluta",
                        "nzf_IdWaluty",
                    ],
                ),
                (
                    "kh__Kontrahent",
                    &[
                        "kh_Id",
                        "kh_EMail",
                        "kh_Osoba",
                        "kh_CentrumAut",
                        "kh_InstKredytowa",
                    ],
                ),
                (
                    "adr__Ewid",
                    &[
                        "adr_Id",
                        "adr_IdObiektu",
                        "adr_TypAdresu",
                        "adr_NazwaPelna",
                        "adr_NIP",
                        "adr_Telefon",
                        "adr_Adres",
                        "adr_Miejscowosc",
                        "adr_Kod",
                    ],
                ),
                (
                    "tel__Ewid",
                    &["tel_IdAdresu", "tel_Numer", "tel_SMS", "tel_Podstawowy"],
                ),
                ("dok__Dokument", &["dok_Id", "dok_NrPelny", "dok_DataWyst"]),
                ("fl_Wartosc", &["flw_IdFlagi", "flw_IdObiektu"]),
                ("fl__Flagi", &["flg_Id", "flg_Text", "flg_IdGrupy"]),
                ("sl_FormaPlatnosci", &["fp_CentId", "fp_InstKredytId"]),
            ],
            ProfileKind::Optima => &[
                (
                    "CDN.BnkZdarzenia",
                    &[
                        "BZd_BZdID",
                        "BZd_Kierunek",
                        "BZd_PodmiotTyp",
                        "BZd_PodmiotID",
                        "BZd_DokumentTyp",
                        "BZd_DokumentID",
                        "BZd_NumerPelny",
                        "BZd_DataDok",
                        "BZd_Termin",
                        "BZd_Kwota",
                        "BZd_KwotaRoz",
                        "BZd_Waluta",
                        "BZd_Rozliczono",
                        "BZd_Stan",
                    ],
                ),
                (
                    "CDN.Kontrahenci",
                    &[
                        "Knt_KntId",
                        "Knt_Nazwa1",
                        "Knt_Nazwa2",
                        "Knt_Nazwa3",
                        "Knt_Nip",
                        "Knt_NipE",
                        "Knt_Email",
                        "Knt_WindykacjaEMail",
                        "Knt_WindykacjaTelefonSms",
                        "Knt_TelefonSms",
                        "Knt_Telefon1",
                        "Knt_Telefon2",
                        "Knt_Finalny",
                        "Knt_Ulica",
                        "Knt_NrDomu",
                        "Knt_NrLokalu",
                        "Knt_Miasto",
                        "Knt_KodPocztowy",
                    ],
                ),
                (
                    "CDN.TraNag",
                    &[
                        "TrN_TrNID",
                        "TrN_NumerPelny",
                        "TrN_DataDok",
                        "TrN_Bufor",
                        "TrN_Anulowany",
                    ],
                ),
                (
                    "CDN.KntAtrybuty",
                    &["KnA_PodmiotTyp", "KnA_PodmiotId", "KnA_DeAId"],
                ),
                ("CDN.DokAtrybuty", &["DAt_TrNId", "DAt_Kod"]),
            ],
            ProfileKind::ComarchXl => &[
                (
                    "CDN.TraPlat",
                    &[
                        "TrP_GIDTyp",
                        "TrP_GIDNumer",
                        "TrP_GIDLp",
                        "TrP_Typ",
                        "TrP_KntTyp",
                        "TrP_KntNumer",
                        "TrP_Rozliczona",
                        "TrP_Kwota",
                        "TrP_Pozostaje",
                        "TrP_Waluta",
                        "TrP_Termin",
                    ],
                ),
                (
                    "CDN.TraNag",
                    &[
                        "TrN_GIDTyp",
                        "TrN_GIDNumer",
                        "TrN_TrNNumer",
                        "TrN_TrNRok",
                        "TrN_TrNSeria",
                        "TrN_Data2",
                    ],
                ),
                (
                    "CDN.KntKarty",
                    &[
                        "Knt_GIDTyp",
                        "Knt_GIDNumer",
                        "Knt_Nazwa1",
                        "Knt_Nazwa2",
                        "Knt_Nazwa3",
                        "Knt_Nip",
                        "Knt_NipE",
                        "Knt_EMail",
                        "Knt_Telefon1",
                        "Knt_Telefon2",
                        "Knt_Osoba",
                        "Knt_Ulica",
                        "Knt_Adres",
                        "Knt_Miasto",
                        "Knt_KodP",
                    ],
                ),
                ("CDN.Obiekty", &["OB_GIDTyp", "OB_Skrot"]),
            ],
            ProfileKind::Enova365 => &[
                (
                    "RozrachunkiIdx",
                    &[
                        "Typ",
                        "Dokument",
                        "DokumentType",
                        "Podmiot",
                        "PodmiotType",
                        "Numer",
                        "Data",
                        "Termin",
                        "KwotaValue",
                        "KwotaRozliczonaValue",
                        "KwotaSymbol",
                    ],
                ),
                (
                    "Platnosci",
                    &[
                        "ID",
                        "NumerDokumentu",
                        "DataDokumentu",
                        "Bufor",
                        "NieWindykowac",
                    ],
                ),
                (
                    "Kontrahenci",
                    &[
                        "ID",
                        "Nazwa",
                        "NIP",
                        "KontaktEMAIL",
                        "KontaktTelefonKomorkowy",
                        "StatusPodmiotu",
                        "NieWindykowac",
                    ],
                ),
                (
                    "Adresy",
                    &[
                        "Host",
                        "HostType",
                        "Typ",
                        "AdresUlica",
                        "AdresNrDomu",
                        "AdresNrLokalu",
                        "AdresMiejscowosc",
                        "AdresKodPocztowy",
                    ],
                ),
            ],
            ProfileKind::WaproMag => &[
                (
                    "ROZRACHUNEK",
                    &[
                        "ID_ROZRACHUNKU",
                        "ID_KONTRAHENTA",
                        "ID_FIRMY",
                        "STRONA",
                        "CZY_ROZLICZONY",
                        "NR_DOK",
                        "DATA_DOK",
                        "TERMIN_PLATNOSCI",
                        "KWOTA",
                        "KWOTA_W",
                        "POZOSTALO",
                        "POZOSTALO_W",
                        "SYM_WALUTY",
                    ],
                ),
                (
                    "KONTRAHENT",
                    &[
                        "ID_KONTRAHENTA",
                        "NAZWA",
                        "NAZWA_PELNA",
                        "NIP",
                        "PESEL",
                        "ADRES_EMAIL",
                        "TELEFON_FIRMOWY",
                        "ULICA_LOKAL",
                        "MIEJSCOWOSC",
                        "KOD_POCZTOWY",
                        "OPERATOR_PLATNOSCI",
                        "WEWNETRZNY",
                    ],
                ),
            ],
            ProfileKind::SymfoniaHandel => &[
                (
                    "HM.DK",
                    &[
                        "id",
                        "kod",
                        "data",
                        "plattermin",
                        "khid",
                        "walbrutto",
                        "waluta",
                        "anulowany",
                        "aktywny",
                        "typ_dk",
                    ],
                ),
                ("HM.PN", &["dkid", "kwotarozl", "Termin"]),
                ("SSCommon.STContractors", &["Id", "Name"]),
            ],
            ProfileKind::SubiektNexo => &[
                (
                    "ModelDanychContainer.Dokumenty",
                    &[
                        "Id",
                        "Symbol",
                        "NumerWewnetrzny_PelnaSygnatura",
                        "PodmiotId",
                        "DataWydaniaWystawienia",
                        "Dokument_Waluta_Id",
                    ],
                ),
                (
                    "ModelDanychContainer.PlatnosciDokumentow",
                    &["Id", "DokumentId", "KwotaPlatnosci", "Termin"],
                ),
                (
                    "ModelDanychContainer.Podmioty",
                    &["Id", "NazwaSkrocona", "NIP", "Telefon"],
                ),
                (
                    "ModelDanychContainer.Kontakty",
                    &["Podmiot_Id", "Rodzaj_Id", "Wartosc"],
                ),
                ("ModelDanychContainer.Waluty", &["Id", "Symbol"]),
            ],
            ProfileKind::Custom => &[],
        }
    }
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ProfileKind {
    type Err = ConnectorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let alias = match t.as_str() {
            "navireo" | "subiekt" | "gt" => "subiekt_gt",
            "xl" => "comarch_xl",
            "enova" => "enova365",
            "wapro" | "wfmag" | "wf_mag" => "wapro_mag",
            "symfonia" => "symfonia_handel",
            "nexo" => "subiekt_nexo",
            other => other,
        };
        ProfileKind::ALL
            .into_iter()
            .find(|p| p.name() == alias)
            .ok_or_else(|| ConnectorError::UnknownProfile(s.to_owned()))
    }
}

/// Firm-specific values a profile binds into its query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSettings {
    /// Which ERP.
    pub kind: Option<ProfileKind>,
    /// The query of the `custom` profile.
    pub query: Option<String>,
    /// Date encoding of the `custom` profile's query (the built-in profiles know theirs).
    pub date_format: Option<DateFormat>,
    /// Allows `symfonia_handel` and `subiekt_nexo`.
    pub experimental: bool,
    /// GT: `fl__Flagi.flg_Id` of the "do not collect" flag(s) on contractors.
    pub debtor_flag_ids: Vec<i64>,
    /// GT: `fl__Flagi.flg_Id` of the "do not collect" flag(s) on sales documents.
    pub document_flag_ids: Vec<i64>,
    /// Optima: `KnA_DeAId` of the contractor attribute(s) meaning "do not collect".
    pub debtor_attribute_ids: Vec<i64>,
    /// Optima: `DAt_Kod` of the document attribute(s) meaning "do not collect".
    pub document_attribute_codes: Vec<String>,
    /// WAPRO: `ID_FIRMY` in a multi-company database.
    pub company_id: Option<i64>,
}

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
}

/// A query ready to execute: SQL with `?` placeholders and the values, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedQuery {
    /// The SQL text.
    pub sql: String,
    /// The parameters, in placeholder order.
    pub params: Vec<Param>,
    /// How dates are encoded.
    pub date_format: DateFormat,
}

/// "No id configured": no ERP id is negative, so `IN (-1)` matches nothing and `-1 < 0` says
/// "no company filter".
const NO_ID: &str = "-1";

impl ProfileSettings {
    /// The profile, or an error saying it is missing.
    pub fn kind(&self) -> Result<ProfileKind, ConnectorError> {
        self.kind.ok_or(ConnectorError::NoProfile)
    }

    /// Builds the query with its bound parameters.
    pub fn prepare(&self) -> Result<PreparedQuery, ConnectorError> {
        let kind = self.kind()?;
        if let Some(reason) = kind.experimental_reason() {
            if !self.experimental {
                return Err(ConnectorError::Experimental {
                    profile: kind.name(),
                    reason,
                });
            }
            tracing::warn!(profile = kind.name(), "{reason}");
        }
        let (template, date_format) = match kind {
            ProfileKind::Custom => {
                let q = self
                    .query
                    .as_deref()
                    .filter(|q| !q.trim().is_empty())
                    .ok_or(ConnectorError::NoCustomQuery)?;
                (q, self.date_format.unwrap_or_default())
            }
            other => (other.sql().unwrap_or_default(), other.date_format()),
        };
        // Whole-line comments document the query; they are not sent (and may name markers).
        let template: String = template
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut sql = String::with_capacity(template.len());
        let mut params = Vec::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("{{") {
            sql.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| ConnectorError::BadMarker(after.chars().take(30).collect()))?;
            let name = after[..end].trim();
            match self.marker_values(name)? {
                Expansion::Bound(values) => {
                    sql.push_str(&vec!["?"; values.len()].join(", "));
                    params.extend(values);
                }
                Expansion::Constant(c) => sql.push_str(c),
            }
            rest = &after[end + 2..];
        }
        sql.push_str(rest);
        Ok(PreparedQuery {
            sql: sql.trim().trim_end_matches(';').to_owned(),
            params,
            date_format,
        })
    }

    /// What a marker expands to: bound values, or a constant of the code's own when the firm
    /// configured nothing. The constant keeps the statement parameter-free in the common case,
    /// which matters on drivers that materialise parameterised result sets (Debian's SQLite3
    /// ODBC driver ignores `StepAPI` once a statement has parameters).
    fn marker_values(&self, name: &str) -> Result<Expansion, ConnectorError> {
        let ints = |v: &[i64]| {
            if v.is_empty() {
                Expansion::Constant(NO_ID)
            } else {
                Expansion::Bound(v.iter().copied().map(Param::Int).collect())
            }
        };
        Ok(match name {
            "debtor_flag_ids" => ints(&self.debtor_flag_ids),
            "document_flag_ids" => ints(&self.document_flag_ids),
            "debtor_attribute_ids" => ints(&self.debtor_attribute_ids),
            "document_attribute_codes" => {
                if self.document_attribute_codes.is_empty() {
                    Expansion::Constant("NULL")
                } else {
                    Expansion::Bound(
                        self.document_attribute_codes
                            .iter()
                            .cloned()
                            .map(Param::Text)
                            .collect(),
                    )
                }
            }
            "company_id" => match self.company_id {
                Some(id) => Expansion::Bound(vec![Param::Int(id)]),
                None => Expansion::Constant(NO_ID),
            },
            other => return Err(ConnectorError::BadMarker(other.to_owned())),
        })
    }
}

/// A marker's expansion.
enum Expansion {
    /// `?` placeholders for these values.
    Bound(Vec<Param>),
    /// A fixed SQL constant of the code (never a configuration value).
    Constant(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_placeholders() {
        let s = ProfileSettings {
            kind: Some(ProfileKind::SubiektGt),
            debtor_flag_ids: vec![7, 8],
            ..ProfileSettings::default()
        };
        let q = s.prepare().unwrap();
        assert!(q.sql.contains("w.flw_IdFlagi IN (?, ?)"));
        assert!(q.sql.contains("w.flw_IdFlagi IN (-1)"));
        assert!(!q.sql.contains("{{"));
        assert_eq!(q.params, [Param::Int(7), Param::Int(8)]);
        // Nothing configured: no parameters at all.
        let q = ProfileSettings {
            kind: Some(ProfileKind::WaproMag),
            ..ProfileSettings::default()
        }
        .prepare()
        .unwrap();
        assert!(q.params.is_empty());
        assert!(q.sql.contains("(-1 < 0 OR r.ID_FIRMY = -1)"), "{}", q.sql);
        assert!(!q.sql.to_ascii_uppercase().contains("CONCAT"));
    }

    #[test]
    fn every_builtin_query_is_concat_free_and_expands() {
        for kind in ProfileKind::ALL {
            if kind == ProfileKind::Custom {
                continue;
            }
            let s = ProfileSettings {
                kind: Some(kind),
                experimental: true,
                ..ProfileSettings::default()
            };
            let q = s.prepare().unwrap();
            assert!(!q.sql.to_ascii_uppercase().contains("CONCAT("), "{kind}");
            assert!(!q.sql.contains("||"), "{kind}");
            assert_eq!(q.sql.matches('?').count(), q.params.len(), "{kind}");
        }
    }

    #[test]
    fn experimental_needs_opt_in_and_custom_needs_query() {
        let s = ProfileSettings {
            kind: Some(ProfileKind::SubiektNexo),
            ..ProfileSettings::default()
        };
        let e = s.prepare().unwrap_err().to_string();
        assert!(e.contains("experimental = true"), "{e}");
        let s = ProfileSettings {
            kind: Some(ProfileKind::Custom),
            ..ProfileSettings::default()
        };
        assert!(matches!(s.prepare(), Err(ConnectorError::NoCustomQuery)));
        assert_eq!(
            "Navireo".parse::<ProfileKind>().unwrap(),
            ProfileKind::SubiektGt
        );
        assert!("sap".parse::<ProfileKind>().is_err());
    }
}
