//! Company data by NIP: the VAT register client and the background lookup against the
//! simulator of the register (`inkaso-simulators::vat_register`).

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::too_many_lines
)] // tests: a panic is a clear failure; scenarios read top to bottom

use std::sync::Arc;
use std::time::Duration;

use crate::common::{Env, company, doc, nip, person};
use chrono::NaiveDate;
use inkaso_cloud::store::Backend;
use inkaso_cloud::store::companies::Lookup;
use inkaso_cloud::vat::{CompanyRegister, VatError, WhiteList, lookup_once, run_lookups};
use inkaso_simulators::vat_register::{SimConfig, Subject, VatRegisterSim};
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

on_both!(companies_are_looked_up_in_the_background);

async fn companies_are_looked_up_in_the_background(backend: Backend) {
    let sim = VatRegisterSim::start(SimConfig::new(today()))
        .await
        .unwrap();
    sim.add(Subject::company(
        &nip(1),
        "Alfa Sp. z o.o.",
        "ul. Prosta 1, 00-001 Warszawa",
    ));
    let env = Env::new(backend).await;
    let t = env.tenant("Klient").await;
    // Ingest does not wait for the register (it is not even asked yet).
    let (s, _) = env
        .batch(
            &t.agent_token,
            1,
            json!([
                company("K1", "Alfa", &nip(1)),
                company("K2", "Beta", &nip(2)),
                person("P1", "Jan Kowalski"),
                doc("D1", "K1", "2026-11-01", 100, 100)
            ]),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(sim.requests_today(), 0);

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run_lookups(
        env.store.clone(),
        WhiteList::new(&sim.base_url()).unwrap(),
        env.clock.clone(),
        Duration::from_millis(50),
        stop_rx,
    ));
    let mut found = json!(null);
    for _ in 0..100 {
        let (_, c) = env
            .get(&t.viewer, &format!("/api/v1/companies/{}", nip(1)))
            .await;
        if c["status"] == "found" {
            found = c;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop_tx.send(true).unwrap();
    worker.await.unwrap();
    assert_eq!(found["name"], "Alfa Sp. z o.o.", "{found}");
    assert_eq!(found["address"], "ul. Prosta 1, 00-001 Warszawa");
    assert_eq!(found["status_vat"], "Czynny");
    assert_eq!(found["as_of"], "2026-11-22");
    let (_, c) = env
        .get(&t.viewer, &format!("/api/v1/companies/{}", nip(2)))
        .await;
    assert_eq!(c["status"], "not_found");
    assert_eq!(
        sim.requests_today(),
        1,
        "both NIPs went in one batch request"
    );
    let (_, debtors) = env.get(&t.viewer, "/api/v1/debtors?q=alfa").await;
    let id = debtors["items"][0]["id"].as_str().unwrap();
    let (_, detail) = env.get(&t.viewer, &format!("/api/v1/debtors/{id}")).await;
    assert_eq!(detail["company"]["name"], "Alfa Sp. z o.o.");
    // An editor may ask for a fresh lookup.
    let r = env
        .http
        .post(env.url(&format!("/api/v1/companies/{}", nip(1))))
        .bearer_auth(&t.editor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let (_, c) = env
        .get(&t.viewer, &format!("/api/v1/companies/{}", nip(1)))
        .await;
    assert_eq!(c["status"], "pending");
}

#[tokio::test]
async fn register_errors_and_daily_limit() {
    let sim = VatRegisterSim::start(SimConfig {
        today: today(),
        daily_limit: 3,
    })
    .await
    .unwrap();
    sim.add(Subject::company(
        &nip(1),
        "Alfa Sp. z o.o.",
        "ul. Prosta 1, 00-001 Warszawa",
    ));
    let wl = WhiteList::new(&sim.base_url()).unwrap();

    let got = wl.lookup(&[nip(1), nip(2)], today()).await.unwrap();
    assert!(matches!(&got[0].1, Lookup::Found { name, .. } if name == "Alfa Sp. z o.o."));
    assert_eq!(got[1], (nip(2), Lookup::NotFound { as_of: today() }));

    let bad = "5261040829".to_owned(); // wrong checksum
    match wl.lookup(&[bad], today()).await {
        Err(VatError::Refused { code, message }) => {
            assert_eq!(code, "WL-115");
            assert!(message.contains("NIP"));
        }
        other => panic!("expected WL-115, got {other:?}"),
    }
    let many: Vec<String> = (0..31).map(nip).collect();
    match wl.lookup(&many, today()).await {
        Err(VatError::Refused { code, .. }) => assert_eq!(code, "WL-130"),
        other => panic!("expected WL-130, got {other:?}"),
    }
    // The fourth request of the day is over the limit.
    assert!(matches!(
        wl.lookup(&[nip(1)], today()).await,
        Err(VatError::LimitExhausted)
    ));
    sim.set_today(today().succ_opt().unwrap());
    assert!(
        wl.lookup(&[nip(1)], today().succ_opt().unwrap())
            .await
            .is_ok()
    );
    // A future date is refused.
    let future = today() + chrono::Duration::days(30);
    assert!(
        matches!(wl.lookup(&[nip(1)], future).await, Err(VatError::Refused { code, .. }) if code == "WL-103")
    );
}

#[tokio::test]
async fn an_exhausted_limit_leaves_nips_pending() {
    let sim = VatRegisterSim::start(SimConfig {
        today: today(),
        daily_limit: 0,
    })
    .await
    .unwrap();
    let env = Env::new(Backend::Sqlite).await;
    let t = env.tenant("Klient").await;
    env.batch(&t.agent_token, 1, json!([company("K1", "Alfa", &nip(1))]))
        .await;
    let clock: Arc<dyn inkaso_shared::Clock> = env.clock.clone();
    let r = lookup_once(
        &env.store,
        &WhiteList::new(&sim.base_url()).unwrap(),
        clock.as_ref(),
    )
    .await;
    assert!(matches!(r, Err(VatError::LimitExhausted)));
    let (_, c) = env
        .get(&t.viewer, &format!("/api/v1/companies/{}", nip(1)))
        .await;
    assert_eq!(c["status"], "pending");
    // A register that cannot be reached records an error and is retried later.
    let down = WhiteList::new("http://127.0.0.1:9").unwrap();
    assert!(matches!(
        lookup_once(&env.store, &down, clock.as_ref()).await,
        Err(VatError::Transport(_))
    ));
    let (_, c) = env
        .get(&t.viewer, &format!("/api/v1/companies/{}", nip(1)))
        .await;
    assert_eq!(c["status"], "error");
    assert_eq!(
        env.store.pending_companies(10).await.unwrap().len(),
        1,
        "retried while attempts remain"
    );
}
