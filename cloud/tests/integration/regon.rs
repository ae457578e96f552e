//! Debtors' sectors from the GUS REGON register: the BIR1.1 client and the background lookup
//! against the register's simulator (`inkaso-simulators::regon`).

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: a panic is a clear failure; scenarios read top to bottom

use std::time::Duration;

use crate::common::{Env, company, nip};
use inkaso_cloud::regon::{Bir, RegonError, SectorRegister, TEST_KEY, lookup_once};
use inkaso_cloud::store::Backend;
use inkaso_cloud::store::companies::SectorAnswer;
use inkaso_simulators::regon::{Entity, Framing, RegonSim, SimConfig};
use serde_json::json;

fn client(sim: &RegonSim, key: &str) -> Bir {
    Bir::new(&sim.url(), key, Duration::ZERO).unwrap()
}

on_both!(sectors_come_from_the_register_and_the_firm_may_override_them);

async fn sectors_come_from_the_register_and_the_firm_may_override_them(backend: Backend) {
    let sim = RegonSim::start(SimConfig::default()).await.unwrap();
    // A software house with a local unit in trade (two hits for one NIP), a sole trader the
    // register lists no activity for, a shop run by a person.
    let soft = Entity::company(
        &nip(1),
        "012345678",
        "SOFTWARE HOUSE SP. Z O.O.",
        &["6201Z", "6202Z"],
    );
    sim.add(soft.local_unit("00011", &["4690Z"]));
    sim.add(soft);
    sim.add(Entity::sole_trader(&nip(2), "123456785", "JAN NOWAK", &[]));
    sim.add(Entity::sole_trader(
        &nip(4),
        "234567891",
        "SKLEP ŁĄCKI",
        &["4711Z", "5610A"],
    ));
    let env = Env::new(backend).await;
    let t = env.tenant("Klient").await;
    env.batch_ok(
        &t.agent_token,
        1,
        json!([
            company("K1", "Software House", &nip(1)),
            company("K2", "Jan Nowak", &nip(2)),
            company("K3", "Nieznana", &nip(3)),
            company("K4", "Sklep", &nip(4)),
        ]),
    )
    .await;
    let (_, c) = env
        .get(&t.viewer, &format!("/api/v1/companies/{}", nip(1)))
        .await;
    assert_eq!(c["regon_status"], "pending", "{c}");

    let register = client(&sim, TEST_KEY);
    let settled = lookup_once(&env.store, &register, env.clock.as_ref())
        .await
        .unwrap();
    assert_eq!(settled, 4);
    assert_eq!(sim.requests("Zaloguj"), 1, "one session for the round");
    let company_of = async |n: u64| {
        env.get(&t.viewer, &format!("/api/v1/companies/{}", nip(n)))
            .await
            .1
    };
    let c = company_of(1).await;
    assert_eq!(
        (&c["regon_status"], &c["pkd"], &c["sector"]),
        (&json!("found"), &json!("6201Z"), &json!("J")),
        "the entity's dominant code, not its local unit's: {c}"
    );
    assert_eq!(c["regon"], "012345678");
    let c = company_of(2).await;
    assert_eq!(
        (&c["regon_status"], &c["pkd"], &c["sector"]),
        (&json!("found"), &json!(null), &json!(null)),
        "{c}"
    );
    assert_eq!(company_of(3).await["regon_status"], "not_found");
    assert_eq!(company_of(4).await["sector"], "G");

    // The market reads the register's sectors; the firm's own choice wins over them.
    let sectors = env.store.debtor_sectors(&t.scope).await.unwrap();
    let agent = t.agent.as_str();
    assert_eq!(sectors.get(&format!("{agent}/K1")), Some(&'J'));
    assert_eq!(sectors.get(&format!("{agent}/K4")), Some(&'G'));
    assert_eq!(sectors.len(), 2, "{sectors:?}");
    let (_, list) = env.get(&t.viewer, "/api/v1/debtors?q=software").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (code, body) = env
        .put(
            &t.editor,
            &format!("/api/v1/debtors/{id}/sector"),
            &json!({"sector": "C"}),
        )
        .await;
    assert_eq!(code, 204, "{body}");
    let sectors = env.store.debtor_sectors(&t.scope).await.unwrap();
    assert_eq!(sectors.get(&format!("{agent}/K1")), Some(&'C'));
    let both = env
        .store
        .debtor_sector(&t.scope, agent, "K1")
        .await
        .unwrap();
    assert_eq!(
        (both.chosen, both.register, both.effective()),
        (Some('C'), Some('J'), Some('C'))
    );
    assert_eq!(both.pkd.as_deref(), Some("6201Z"));

    // A fresh look-up after the session expired: the client logs in again by itself, and the
    // firm's choice still stands.
    let r = env
        .http
        .post(env.url(&format!("/api/v1/companies/{}", nip(1))))
        .bearer_auth(&t.editor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    sim.expire_sessions();
    assert_eq!(
        lookup_once(&env.store, &register, env.clock.as_ref())
            .await
            .unwrap(),
        1
    );
    assert_eq!(sim.requests("Zaloguj"), 2);
    assert_eq!(company_of(1).await["sector"], "J");
    let sectors = env.store.debtor_sectors(&t.scope).await.unwrap();
    assert_eq!(sectors.get(&format!("{agent}/K1")), Some(&'C'));
    // Nothing left to ask.
    assert_eq!(
        lookup_once(&env.store, &register, env.clock.as_ref())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_break_or_a_wrong_key_leaves_the_queue_as_it_was() {
    let sim = RegonSim::start(SimConfig::default()).await.unwrap();
    sim.add(Entity::company(&nip(1), "012345678", "ALFA", &["6201Z"]));
    let env = Env::new(Backend::Sqlite).await;
    let t = env.tenant("Klient").await;
    env.batch_ok(&t.agent_token, 1, json!([company("K1", "Alfa", &nip(1))]))
        .await;
    let path = format!("/api/v1/companies/{}", nip(1));
    let pending = async |env: &Env| env.get(&t.viewer, &path).await.1["regon_status"].clone();

    let wrong = client(&sim, "zlyklucz000000000000");
    let e = lookup_once(&env.store, &wrong, env.clock.as_ref()).await;
    assert!(matches!(e, Err(RegonError::BadKey)), "{e:?}");
    assert_eq!(pending(&env).await, "pending");

    sim.set_service_status(2);
    let register = client(&sim, TEST_KEY);
    let e = lookup_once(&env.store, &register, env.clock.as_ref()).await;
    assert!(matches!(e, Err(RegonError::Unavailable)), "{e:?}");
    assert_eq!(pending(&env).await, "pending", "a break costs no attempt");

    // Back from the break, even in the middle of a session.
    sim.set_service_status(1);
    assert_eq!(
        lookup_once(&env.store, &register, env.clock.as_ref())
            .await
            .unwrap(),
        1
    );
    assert_eq!(pending(&env).await, "found");
    sim.set_service_status(2);
    assert!(matches!(
        register.sector(&nip(1)).await,
        Err(RegonError::Unavailable)
    ));
}

#[tokio::test]
async fn the_client_reads_plain_answers_and_the_simulator_refuses_what_the_service_refuses() {
    let sim = RegonSim::start(SimConfig {
        framing: Framing::Plain,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    sim.add(Entity::company(
        &nip(1),
        "012345678",
        "ZAKŁAD BUDOWLANY",
        &["4120Z"],
    ));
    let answer = client(&sim, TEST_KEY).sector(&nip(1)).await.unwrap();
    assert_eq!(
        answer,
        SectorAnswer::Found {
            regon: "012345678".into(),
            pkd: Some("4120Z".into()),
            sector: Some('F'),
        }
    );
    assert_eq!(
        client(&sim, TEST_KEY).sector(&nip(9)).await.unwrap(),
        SectorAnswer::NotFound
    );

    let http = reqwest::Client::new();
    // SOAP 1.1's content type is not taken.
    let r = http
        .post(sim.url())
        .header("content-type", "text/xml; charset=utf-8")
        .body("<x/>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    // No addressing headers: a fault, not an answer.
    let r = http
        .post(sim.url())
        .header("content-type", "application/soap+xml; charset=utf-8")
        .body("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><Zaloguj xmlns=\"http://CIS/BIR/PUBL/2014/07\"><pKluczUzytkownika>abcde12345abcde12345</pKluczUzytkownika></Zaloguj></s:Body></s:Envelope>")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 500);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("MessageAddressingHeaderRequired")
    );
    // No session: an empty result, and the reason is code 7.
    let envelope = |action: &str, body: &str| {
        format!(
            "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header><a:Action>{action}</a:Action><a:To>{}</a:To></s:Header><s:Body>{body}</s:Body></s:Envelope>",
            sim.url()
        )
    };
    let search = envelope(
        "http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl/DaneSzukajPodmioty",
        &format!(
            "<DaneSzukajPodmioty xmlns=\"http://CIS/BIR/PUBL/2014/07\"><pParametryWyszukiwania><Nip xmlns=\"http://CIS/BIR/PUBL/2014/07/DataContract\">{}</Nip></pParametryWyszukiwania></DaneSzukajPodmioty>",
            nip(1)
        ),
    );
    let text = http
        .post(sim.url())
        .header("content-type", "application/soap+xml; charset=utf-8")
        .header("sid", "nieistniejacasesja00")
        .body(search)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("<DaneSzukajPodmiotyResult></DaneSzukajPodmiotyResult>"),
        "{text}"
    );
    let code = envelope(
        "http://CIS/BIR/2014/07/IUslugaBIR/GetValue",
        "<GetValue xmlns=\"http://CIS/BIR/2014/07\"><pNazwaParametru>KomunikatKod</pNazwaParametru></GetValue>",
    );
    let text = http
        .post(sim.url())
        .header("content-type", "application/soap+xml; charset=utf-8")
        .header("sid", "nieistniejacasesja00")
        .body(code)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("<GetValueResult>7</GetValueResult>"),
        "{text}"
    );
    // An operation its Action does not name.
    let mismatch = envelope(
        "http://CIS/BIR/PUBL/2014/07/IUslugaBIRzewnPubl/Zaloguj",
        "<Wyloguj xmlns=\"http://CIS/BIR/PUBL/2014/07\"><pIdentyfikatorSesji>x</pIdentyfikatorSesji></Wyloguj>",
    );
    let r = http
        .post(sim.url())
        .header("content-type", "application/soap+xml; charset=utf-8")
        .body(mismatch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 500);
    assert!(r.text().await.unwrap().contains("ActionNotSupported"));
}
