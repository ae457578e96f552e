//! Every sample profile's generator, read back through its own profile query, unixODBC and the
//! real SQLite3 driver: the open documents the connector sends are exactly those a plain count
//! of the ERP's tables calls open and collectable (written here, independently of the profile
//! queries), nothing is quarantined, the ERP's "do not collect" markers exclude what they mark,
//! and the data has the shape the demo needs (persons and companies, e-mails, mobiles, EUR,
//! partly paid documents, Polish diacritics).

// Tests may unwrap: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use inkaso_connectors::connection::{query_text, run_script};
use inkaso_connectors::{
    ConnectorConfig, ExclusionReason, FetchOptions, Item, ProfileKind, extract,
};
use inkaso_sample_erp::{GeneratorSpec, SAMPLE_PROFILES, SampleErp, generate_gt};
use inkaso_shared::protocol::Exclusions;
use inkaso_shared::{Currency, DebtorKind};

// 199 debtors: with a prime count no hash lines up with the debtor numbers, so in the Subiekt
// GT database, whose hashes are all linear, the flagged debtors still owe something.
const SPEC: GeneratorSpec = GeneratorSpec {
    debtors: 199,
    settlements: 1_000,
    seed: 1,
};

/// The ERP's open receivables, counted from its tables: all of them, and those its own
/// "do not collect" markers leave for collection.
fn expected_counts(profile: ProfileKind) -> (&'static str, &'static str) {
    match profile {
        ProfileKind::SubiektGt => (
            "SELECT COUNT(*) FROM nz__Finanse WHERE nzf_Typ = 39 AND nzf_Wartosc > 0",
            "SELECT COUNT(*) FROM nz__Finanse WHERE nzf_Typ = 39 AND nzf_Wartosc > 0
               AND nzf_IdObiektu NOT IN (SELECT flw_IdObiektu FROM fl_Wartosc WHERE flw_IdFlagi = 7)",
        ),
        ProfileKind::Optima => (
            "SELECT COUNT(*) FROM CDN.BnkZdarzenia WHERE BZd_Kierunek = 1 AND BZd_Kwota > BZd_KwotaRoz",
            "SELECT COUNT(*) FROM CDN.BnkZdarzenia WHERE BZd_Kierunek = 1 AND BZd_Kwota > BZd_KwotaRoz
               AND BZd_PodmiotID NOT IN (SELECT KnA_PodmiotId FROM CDN.KntAtrybuty WHERE KnA_DeAId = 5)
               AND BZd_DokumentID NOT IN (SELECT DAt_TrNId FROM CDN.DokAtrybuty WHERE DAt_Kod = 'NIE_WINDYKOWAC')",
        ),
        ProfileKind::ComarchXl => (
            "SELECT COUNT(*) FROM CDN.TraPlat WHERE TrP_Typ = 2 AND TrP_Pozostaje > 0",
            "SELECT COUNT(*) FROM CDN.TraPlat WHERE TrP_Typ = 2 AND TrP_Pozostaje > 0",
        ),
        ProfileKind::Enova365 => (
            "SELECT COUNT(*) FROM RozrachunkiIdx WHERE Typ = 10 AND KwotaValue > KwotaRozliczonaValue",
            "SELECT COUNT(*) FROM RozrachunkiIdx r
               JOIN Kontrahenci k ON k.ID = r.Podmiot JOIN Platnosci p ON p.ID = r.Dokument
             WHERE r.Typ = 10 AND r.KwotaValue > r.KwotaRozliczonaValue
               AND k.NieWindykowac = 0 AND p.NieWindykowac = 0",
        ),
        // Payment operators and internal contractors are not debtors at all: not counted in
        // either number, since the profile leaves them out before any exclusion.
        ProfileKind::WaproMag => (
            "SELECT COUNT(*) FROM ROZRACHUNEK r JOIN KONTRAHENT k ON k.ID_KONTRAHENTA = r.ID_KONTRAHENTA
             WHERE r.STRONA = 'WN' AND r.POZOSTALO <> 0 AND k.OPERATOR_PLATNOSCI = '0' AND k.WEWNETRZNY = '0'",
            "SELECT COUNT(*) FROM ROZRACHUNEK r JOIN KONTRAHENT k ON k.ID_KONTRAHENTA = r.ID_KONTRAHENTA
             WHERE r.STRONA = 'WN' AND r.POZOSTALO <> 0 AND k.OPERATOR_PLATNOSCI = '0' AND k.WEWNETRZNY = '0'",
        ),
        other => panic!("no generator for {other}"),
    }
}

fn count(config: &ConnectorConfig, sql: &str) -> u64 {
    let conn = config.connection.connect().unwrap();
    let rows = query_text(&conn, sql, 1).unwrap();
    rows[0][0].as_deref().unwrap().parse().unwrap()
}

#[test]
fn every_generator_reads_back_through_its_profile() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    for profile in SAMPLE_PROFILES {
        let dir = tempfile::tempdir().unwrap();
        let erp = SampleErp::new(profile).unwrap();
        let (connection, reused) = erp.generate(dir.path(), SPEC).unwrap();
        assert!(!reused, "{profile}");
        let config = ConnectorConfig {
            connection,
            profile: erp.profile_settings(),
            exclusions: Exclusions::default(),
            fetch: FetchOptions::default(),
        };
        // Subiekt GT's generator writes landlines; the demo turns them into mobiles first.
        if let Some(sql) = erp.make_phones_mobile() {
            let conn = config.connection.connect().unwrap();
            run_script(&conn, sql, "phones").unwrap();
        }

        let mut ex = extract(&config).unwrap();
        let mut documents = BTreeSet::new();
        let mut rejected = Vec::new();
        let (mut persons, mut companies, mut emails, mut mobiles) = (0, 0, 0, 0);
        let (mut eur, mut partly, mut diacritics) = (0, 0, 0);
        for item in ex.by_ref() {
            match item.unwrap() {
                Item::Document(d) => {
                    assert!(
                        documents.insert(d.external_id.to_string()),
                        "{profile}: {} twice",
                        d.external_id
                    );
                    eur += usize::from(d.currency == Currency::EUR);
                    partly += usize::from(d.remaining_minor < d.amount_minor);
                    assert!(d.remaining_minor > 0 && d.remaining_minor <= d.amount_minor);
                }
                Item::Debtor(d) => {
                    match d.kind {
                        DebtorKind::Person => persons += 1,
                        DebtorKind::Company => companies += 1,
                    }
                    emails += usize::from(d.email.is_some());
                    mobiles += usize::from(
                        d.phone
                            .as_ref()
                            .is_some_and(inkaso_shared::Phone::is_mobile),
                    );
                    diacritics +=
                        usize::from(d.name.chars().any(|c| "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".contains(c)));
                }
                Item::Rejected(r) => rejected.push(r),
                Item::Warning(_) => {}
            }
        }
        let summary = ex.summary();
        let (all_sql, collectable_sql) = expected_counts(profile);
        let all = count(&config, all_sql);
        let collectable = count(&config, collectable_sql);
        assert_eq!(
            documents.len() as u64,
            collectable,
            "{profile}: open documents sent"
        );
        assert!(rejected.is_empty(), "{profile}: quarantined {rejected:?}");
        let by_flags: u64 = summary
            .excluded
            .iter()
            .filter(|(r, _)| {
                matches!(
                    r,
                    ExclusionReason::ErpDebtorFlag | ExclusionReason::ErpDocumentFlag
                )
            })
            .map(|(_, n)| *n)
            .sum();
        assert_eq!(
            by_flags,
            all - collectable,
            "{profile}: excluded by ERP flags"
        );
        if !matches!(profile, ProfileKind::ComarchXl | ProfileKind::WaproMag) {
            assert!(by_flags > 0, "{profile}: some debtors are flagged");
        }
        // About 70 % of the settlements are open receivables.
        assert!((500..=800).contains(&all), "{profile}: {all} open");
        assert!(persons > 0 && companies > persons, "{profile}");
        assert!(
            emails > 0 && mobiles > 0,
            "{profile}: {emails} e-mails, {mobiles} mobiles"
        );
        assert!(partly > 0, "{profile}: {partly} partly paid");
        // Subiekt GT's state hash is linear in the row number, so whether any row reaches the
        // EUR band depends on the seed (seed 1 gives none); the others take its high bits.
        assert!(
            eur > 0 || profile == ProfileKind::SubiektGt,
            "{profile}: {eur} EUR"
        );
        assert!(diacritics > 0, "{profile}");

        // The same spec again: the database is reused, not rebuilt.
        let (_, reused) = erp.generate(dir.path(), SPEC).unwrap();
        assert!(reused, "{profile}");
    }
}

#[test]
fn generate_gt_is_the_subiekt_gt_generator() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let spec = GeneratorSpec {
        debtors: 10,
        settlements: 20,
        seed: 1,
    };
    let (first, reused) = generate_gt(dir.path(), spec).unwrap();
    assert!(!reused);
    let (again, reused) = SampleErp::new(ProfileKind::SubiektGt)
        .unwrap()
        .generate(dir.path(), spec)
        .unwrap();
    assert!(reused);
    assert_eq!(first, again);
    assert!(dir.path().join("gt-10-20-1.db").exists());
}
