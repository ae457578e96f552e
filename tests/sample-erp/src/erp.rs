//! What the demo's and the end-to-end tests' ERP users do to a generated database, written
//! once per ERP: [`SampleErp`] knows each sample profile's tables, so the whole-path code asks
//! for "pay every ninth settlement" and never names a table.
//!
//! Every statement is built from numbers and dates the caller's code computes (never from user
//! text), in the SQLite dialect of the sample databases. Settlements are chosen by their key
//! modulo a number ([`EveryKth`]), so the same request picks comparable rows in every ERP.

use std::path::Path;

use chrono::NaiveDate;

use inkaso_connectors::{ConnectionSettings, ConnectorError, ProfileKind, ProfileSettings};

use crate::SAMPLE_PROFILES;
use crate::generator::{GeneratorSpec, generate};

/// Rows whose key modulo `every` is `rest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EveryKth {
    /// The modulus (at least 1).
    pub every: u32,
    /// The remainder chosen.
    pub rest: u32,
}

impl EveryKth {
    /// Every `every`-th row, counting from the one whose key leaves `rest`.
    pub fn new(every: u32, rest: u32) -> EveryKth {
        EveryKth {
            every: every.max(1),
            rest,
        }
    }

    fn on(self, key: &str) -> String {
        format!("({key}) % {} = {}", self.every, self.rest)
    }
}

/// A sample profile's database as its users change it: the generator and the few statements
/// the demo and the end-to-end tests run against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleErp {
    profile: ProfileKind,
}

/// Day 0 of Clarion day numbers (Comarch XL, WAPRO).
fn clarion(day: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1800, 12, 28).unwrap_or_default();
    (day - epoch).num_days()
}

impl SampleErp {
    /// The ERP of a sample profile.
    ///
    /// # Errors
    ///
    /// [`ConnectorError::NoSample`] for a profile without a sample database.
    pub fn new(profile: ProfileKind) -> Result<SampleErp, ConnectorError> {
        if SAMPLE_PROFILES.contains(&profile) {
            Ok(SampleErp { profile })
        } else {
            Err(ConnectorError::NoSample(profile.name()))
        }
    }

    /// The profile.
    pub fn profile(self) -> ProfileKind {
        self.profile
    }

    /// The product's name as its vendor writes it (for the user).
    pub fn product_name(self) -> &'static str {
        match self.profile {
            ProfileKind::Optima => "Comarch ERP Optima",
            ProfileKind::ComarchXl => "Comarch ERP XL",
            ProfileKind::Enova365 => "enova365",
            ProfileKind::WaproMag => "WAPRO Mag",
            _ => "Subiekt GT",
        }
    }

    /// Builds (or reuses) a generated database of this ERP in `dir`; see [`generate`].
    ///
    /// # Errors
    ///
    /// File and ODBC errors.
    pub fn generate(
        self,
        dir: &Path,
        spec: GeneratorSpec,
    ) -> Result<(ConnectionSettings, bool), ConnectorError> {
        generate(self.profile, dir, spec)
    }

    /// The profile settings a firm would write for a generated database: the profile and the
    /// ids of the "do not collect" markers the generator uses (GT flag 7; Optima attribute 5
    /// and document attribute `NIE_WINDYKOWAC`; enova's flags are native columns; XL and WAPRO
    /// have none the profile reads).
    pub fn profile_settings(self) -> ProfileSettings {
        let mut settings = ProfileSettings {
            kind: Some(self.profile),
            ..ProfileSettings::default()
        };
        match self.profile {
            ProfileKind::SubiektGt => settings.debtor_flag_ids = vec![7],
            ProfileKind::Optima => {
                settings.debtor_attribute_ids = vec![5];
                settings.document_attribute_codes = vec!["NIE_WINDYKOWAC".to_owned()];
            }
            _ => {}
        }
        settings
    }

    /// Moves every settlement's issue and due dates next to `first_day`: due from 15 days
    /// before it to 34 days after (by the settlement's key), issued 14 days before due.
    pub fn spread_due_dates(self, first_day: NaiveDate) -> String {
        let iso = |key: &str, shift: i64| {
            format!(
                "date('{}', ((({key}) * 37) % 50 - {shift}) || ' days')",
                first_day.format("%Y-%m-%d")
            )
        };
        let c = clarion(first_day);
        match self.profile {
            ProfileKind::Optima => format!(
                "UPDATE CDN.BnkZdarzenia SET BZd_Termin = {}, BZd_DataDok = {};\n\
                 UPDATE CDN.TraNag SET TrN_Termin = {}, TrN_DataDok = {};\n",
                iso("BZd_BZdID", 15),
                iso("BZd_BZdID", 29),
                iso("TrN_TrNID", 15),
                iso("TrN_TrNID", 29),
            ),
            // An invoice's instalments fall due a month apart.
            ProfileKind::ComarchXl => format!(
                "UPDATE CDN.TraPlat SET TrP_Termin = {c} + (TrP_GIDNumer * 37) % 50 - 15 + 30 * (TrP_GIDLp - 1);\n\
                 UPDATE CDN.TraNag SET TrN_Data2 = {c} + (TrN_GIDNumer * 37) % 50 - 29;\n"
            ),
            ProfileKind::Enova365 => format!(
                "UPDATE RozrachunkiIdx SET Termin = {}, Data = {};\n\
                 UPDATE Platnosci SET Termin = {}, DataDokumentu = {};\n",
                iso("ID", 15),
                iso("ID", 29),
                iso("ID", 15),
                iso("ID", 29),
            ),
            ProfileKind::WaproMag => format!(
                "UPDATE ROZRACHUNEK SET TERMIN_PLATNOSCI = {c} + (ID_ROZRACHUNKU * 37) % 50 - 15,\n\
                 DATA_DOK = {c} + (ID_ROZRACHUNKU * 37) % 50 - 29;\n"
            ),
            _ => format!(
                "UPDATE nz__Finanse SET nzf_TerminPlatnosci = {}, nzf_Data = {};\n\
                 UPDATE dok__Dokument SET dok_PlatTermin = {}, dok_DataWyst = {};\n",
                iso("nzf_Id", 15),
                iso("nzf_Id", 29),
                iso("dok_Id", 15),
                iso("dok_Id", 29),
            ),
        }
    }

    /// Turns the generated phone numbers into mobiles, when the generator wrote landlines
    /// where a demo wants SMS: Subiekt GT's numbers start 61…–69…, mostly landlines (Poznań,
    /// Konin…); 60… are mobiles. The other generators already write mobiles.
    pub fn make_phones_mobile(self) -> Option<&'static str> {
        match self.profile {
            ProfileKind::SubiektGt => {
                Some("UPDATE tel__Ewid SET tel_Numer = '60' || substr(tel_Numer, 3);\n")
            }
            _ => None,
        }
    }

    /// Everything [`SampleErp::spread_due_dates`] and [`SampleErp::make_phones_mobile`] do, as
    /// one script.
    pub fn prepare_for_demo(self, first_day: NaiveDate) -> String {
        let mut sql = self.spread_due_dates(first_day);
        if let Some(phones) = self.make_phones_mobile() {
            sql.push_str(phones);
        }
        sql
    }

    /// The chosen receivables are paid in full.
    pub fn pay_in_full(self, rows: EveryKth) -> String {
        let keys = self.keys();
        self.settle_in_full(&rows.on(keys.receivable))
    }

    /// Half of what remains of the chosen receivables is paid (those with more than 2 units
    /// left, so that none is paid off by rounding).
    pub fn pay_half(self, rows: EveryKth) -> String {
        let on = rows.on(self.keys().receivable);
        match self.profile {
            ProfileKind::Optima => format!(
                "UPDATE CDN.BnkZdarzenia SET BZd_KwotaRoz = ROUND(BZd_Kwota - ROUND((BZd_Kwota - BZd_KwotaRoz) / 2.0, 2), 2),\n\
                 BZd_KwotaRozSys = ROUND(BZd_KwotaSys - ROUND((BZd_KwotaSys - BZd_KwotaRozSys) / 2.0, 2), 2), BZd_Rozliczono = 1\n\
                 WHERE BZd_Kierunek = 1 AND BZd_Rozliczono < 2 AND BZd_Kwota - BZd_KwotaRoz > 2 AND {on};\n"
            ),
            ProfileKind::ComarchXl => format!(
                "UPDATE CDN.TraPlat SET TrP_Pozostaje = ROUND(TrP_Pozostaje / 2.0, 2)\n\
                 WHERE TrP_Typ = 2 AND TrP_Rozliczona = 0 AND TrP_Pozostaje > 2 AND {on};\n"
            ),
            ProfileKind::Enova365 => format!(
                "UPDATE RozrachunkiIdx SET KwotaRozliczonaValue = ROUND(KwotaValue - ROUND((KwotaValue - KwotaRozliczonaValue) / 2.0, 2), 2)\n\
                 WHERE Typ = 10 AND KwotaValue - KwotaRozliczonaValue > 2 AND {on};\n"
            ),
            ProfileKind::WaproMag => format!(
                "UPDATE ROZRACHUNEK SET POZOSTALO = ROUND(POZOSTALO / 2.0, 2), POZOSTALO_W = ROUND(POZOSTALO_W / 2.0, 2), CZY_ROZLICZONY = 1\n\
                 WHERE STRONA = 'WN' AND CZY_ROZLICZONY < 2\n\
                 AND CASE WHEN SYM_WALUTY IN ('', 'PLN') THEN ABS(POZOSTALO) ELSE ABS(POZOSTALO_W) END > 2 AND {on};\n"
            ),
            _ => format!(
                "UPDATE nz__Finanse SET nzf_WartoscWaluta = ROUND(nzf_WartoscWaluta / 2.0, 2), nzf_Wartosc = ROUND(nzf_Wartosc / 2.0, 2)\n\
                 WHERE nzf_WartoscWaluta > 2 AND {on};\n"
            ),
        }
    }

    /// The chosen debtors (by their key) pay every receivable in full.
    pub fn debtors_pay_everything(self, debtors: EveryKth) -> String {
        let keys = self.keys();
        self.settle_in_full(&format!("{}{}", keys.debtor_kind, debtors.on(keys.debtor)))
    }

    /// Which columns name a receivable and its debtor.
    fn keys(self) -> Keys {
        let (receivable, debtor, debtor_kind) = match self.profile {
            ProfileKind::Optima => ("BZd_BZdID", "BZd_PodmiotID", "BZd_PodmiotTyp = 1 AND "),
            ProfileKind::ComarchXl => (XL_ROW, "TrP_KntNumer", "TrP_KntTyp = 32 AND "),
            ProfileKind::Enova365 => ("ID", "Podmiot", "PodmiotType = 'Kontrahenci' AND "),
            ProfileKind::WaproMag => ("ID_ROZRACHUNKU", "ID_KONTRAHENTA", ""),
            _ => ("nzf_Id", "nzf_IdObiektu", ""),
        };
        Keys {
            receivable,
            debtor,
            debtor_kind,
        }
    }

    /// Every receivable matching `filter` (a condition on generated numbers) is paid in full.
    fn settle_in_full(self, filter: &str) -> String {
        match self.profile {
            ProfileKind::Optima => format!(
                "UPDATE CDN.BnkZdarzenia SET BZd_KwotaRoz = BZd_Kwota, BZd_KwotaRozSys = BZd_KwotaSys, BZd_Rozliczono = 2\n\
                 WHERE BZd_Kierunek = 1 AND {filter};\n"
            ),
            ProfileKind::ComarchXl => format!(
                "UPDATE CDN.TraPlat SET TrP_Pozostaje = 0, TrP_Rozliczona = 1\n\
                 WHERE TrP_Typ = 2 AND {filter};\n"
            ),
            ProfileKind::Enova365 => format!(
                "UPDATE RozrachunkiIdx SET KwotaRozliczonaValue = KwotaValue WHERE Typ = 10 AND {filter};\n"
            ),
            ProfileKind::WaproMag => format!(
                "UPDATE ROZRACHUNEK SET POZOSTALO = 0, POZOSTALO_W = 0, CZY_ROZLICZONY = 2\n\
                 WHERE STRONA = 'WN' AND {filter};\n"
            ),
            _ => format!(
                "UPDATE nz__Finanse SET nzf_WartoscWaluta = 0, nzf_Wartosc = 0 WHERE {filter};\n"
            ),
        }
    }
}

/// The columns [`SampleErp`]'s statements select rows by.
#[derive(Debug, Clone, Copy)]
struct Keys {
    receivable: &'static str,
    debtor: &'static str,
    /// A condition (ending in `AND `) that a receivable's counterparty is a contractor.
    debtor_kind: &'static str,
}

const XL_ROW: &str = "TrP_GIDNumer + TrP_GIDLp - 1";

impl std::fmt::Display for SampleErp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.product_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sample_profiles() {
        for p in SAMPLE_PROFILES {
            assert_eq!(SampleErp::new(p).unwrap().profile(), p);
        }
        let err = SampleErp::new(ProfileKind::SubiektNexo).unwrap_err();
        assert!(err.to_string().contains("optima"), "{err}");
    }

    #[test]
    fn clarion_day_numbers() {
        assert_eq!(
            clarion(NaiveDate::from_ymd_opt(2024, 1, 10).unwrap()),
            81462
        );
    }

    #[test]
    fn statements_name_only_numbers() {
        let erp = SampleErp::new(ProfileKind::WaproMag).unwrap();
        let sql = erp.pay_half(EveryKth::new(7, 0));
        assert!(sql.contains("(ID_ROZRACHUNKU) % 7 = 0"), "{sql}");
        let sql = erp.spread_due_dates(NaiveDate::from_ymd_opt(2024, 1, 10).unwrap());
        assert!(
            sql.contains("81462 + (ID_ROZRACHUNKU * 37) % 50 - 15"),
            "{sql}"
        );
    }

    #[test]
    fn a_debtor_pays_only_what_it_owes_as_a_contractor() {
        let erp = SampleErp::new(ProfileKind::Optima).unwrap();
        let sql = erp.debtors_pay_everything(EveryKth::new(10, 3));
        assert!(
            sql.contains("BZd_Kierunek = 1 AND BZd_PodmiotTyp = 1 AND (BZd_PodmiotID) % 10 = 3"),
            "{sql}"
        );
        let gt = SampleErp::new(ProfileKind::SubiektGt).unwrap();
        assert!(
            gt.pay_in_full(EveryKth::new(9, 0))
                .ends_with("WHERE (nzf_Id) % 9 = 0;\n")
        );
    }
}
