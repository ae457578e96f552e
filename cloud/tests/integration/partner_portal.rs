//! The law firm's portal (`/partner…`) over real HTTP on SQLite and PostgreSQL: one inbox of the
//! cases two creditors handed to the firm, with counts per status, filters, search, sorting and
//! the CSV export; a case's page where a lawyer accepts, moves and annotates a case (a rejection
//! without a reason and a move the state machine refuses are shown on the page); the creditor
//! sees each change at once. Every partner route is checked against another law firm (404), the
//! assistant (403 on changes), a form without the session's token (403), and a client firm's
//! user (403), and a law firm's user is kept out of the client portal.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: a panic is a clear failure; scenarios read top to bottom

use crate::cases::partner;
use crate::common::{Env, company, doc, nip, person};
use crate::portal::{csrf, hidden, log_in, log_in_to, page, post};
use inkaso_cloud::store::Backend;
use inkaso_cloud::store::accounts::Role;
use serde_json::json;

on_both!(a_law_firm_works_its_cases_in_the_portal);

async fn a_law_firm_works_its_cases_in_the_portal(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Hurtownia Zażółć").await;
    let b = env.tenant("Sklep Gęślą").await;
    let nowak = partner(&env, "Kancelaria Nowak", &[&a, &b]).await;
    // Linked to B too, but handed nothing: it must see none of Nowak's cases.
    let kowalski = partner(&env, "Kancelaria Kowalski", &[&b]).await;
    for (scope, email, role) in [
        (&nowak.scope, "szef@nowak.pl", Role::Admin),
        (&nowak.scope, "prawnik@nowak.pl", Role::Editor),
        (&nowak.scope, "asystent@nowak.pl", Role::Viewer),
        (&kowalski.scope, "prawnik@kowalski.pl", Role::Editor),
    ] {
        env.person(scope, email, role, "haslo-kancelarii-123").await;
    }
    env.batch_ok(
        &a.agent_token,
        1,
        json!([
            company("K1", "Dłużnik A Sp. z o.o.", &nip(1)),
            doc("D1", "K1", "2026-09-01", 100_000, 100_000),
            doc("D2", "K1", "2026-09-15", 200_000, 150_000),
        ]),
    )
    .await;
    env.batch_ok(
        &b.agent_token,
        1,
        json!([
            person("K1", "Jan Gęślą"),
            doc("D7", "K1", "2026-08-01", 50_000, 50_000)
        ]),
    )
    .await;
    let mut cases = Vec::new();
    for (t, docs) in [(&a, json!(["D1", "D2"])), (&b, json!(["D7"]))] {
        let (s, case) = env
            .post(
                &t.editor,
                "/api/v1/cases",
                &json!({"agent_id": t.agent.as_str(), "debtor_external_id": "K1",
                    "document_external_ids": docs, "partner_id": nowak.id}),
            )
            .await;
        assert_eq!(s, 201, "{case}");
        cases.push(case["id"].as_str().unwrap().to_owned());
    }
    let (case_a, case_b) = (cases[0].clone(), cases[1].clone());

    // --- The lawyer lands on the inbox: both creditors' cases, counted per status.
    let lawyer = log_in(&env, "prawnik@nowak.pl", "haslo-kancelarii-123").await;
    let (s, _) = page(&env, &lawyer, "/").await;
    assert_eq!(s, 303, "a law firm's home is its inbox");
    let (s, html) = page(&env, &lawyer, "/partner").await;
    assert_eq!(s, 200, "{html}");
    for text in [
        "Kancelaria Nowak",
        "prawnik",
        "Dłużnik A Sp. z o.o.",
        "Jan Gęślą",
        "Hurtownia Zażółć",
        "Sklep Gęślą",
        &format!("/partner/cases/{case_a}"),
        &format!("/partner/cases/{case_b}"),
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    assert!(
        html.contains("nowa <span class=\"count\">2</span>"),
        "{html}"
    );
    let only = |html: &str, yes: &str, no: &str| {
        assert!(html.contains(yes), "{yes} in {html}");
        assert!(!html.contains(no), "{no} not in {html}");
    };
    // Filters: the creditor, a search by NIP, by a document's number, by a name; an amount.
    let (_, html) = page(
        &env,
        &lawyer,
        &format!("/partner?creditor={}", a.scope.as_str()),
    )
    .await;
    only(&html, "Dłużnik A", "Jan Gęślą");
    let (_, html) = page(&env, &lawyer, &format!("/partner?q={}", nip(1))).await;
    only(&html, "Dłużnik A", "Jan Gęślą");
    let (_, html) = page(&env, &lawyer, "/partner?q=fs+d7").await;
    only(&html, "Jan Gęślą", "Dłużnik A");
    let (_, html) = page(&env, &lawyer, "/partner?q=g%C4%99%C5%9Bl%C4%85").await;
    only(&html, "Jan Gęślą", "Dłużnik A");
    let (_, html) = page(&env, &lawyer, "/partner?min=1000").await;
    only(&html, "Dłużnik A", "Jan Gęślą");
    let (_, html) = page(&env, &lawyer, "/partner?age=older").await;
    assert!(html.contains("Brak spraw"), "{html}");
    let (s, html) = page(&env, &lawyer, "/partner?max=sporo").await;
    assert_eq!(s, 400);
    assert!(html.contains("„max”"), "{html}");
    // Sorting by amount, largest first, then smallest first.
    let (_, html) = page(&env, &lawyer, "/partner?sort=-amount").await;
    assert!(html.find("Dłużnik A").unwrap() < html.find("Jan Gęślą").unwrap());
    let (_, html) = page(&env, &lawyer, "/partner?sort=amount").await;
    assert!(html.find("Dłużnik A").unwrap() > html.find("Jan Gęślą").unwrap());
    // Paging: one row per page through the API's limit is the store's; the portal's pager
    // shows "1–2 of 2".
    let (_, html) = page(&env, &lawyer, "/partner").await;
    assert!(html.contains("1–2"), "{html}");
    // The CSV for the firm's own software, with the filter.
    let (s, csv) = page(
        &env,
        &lawyer,
        &format!("/partner/cases.csv?creditor={}", a.scope.as_str()),
    )
    .await;
    assert_eq!(s, 200);
    only(&csv, "Dłużnik A Sp. z o.o.", "Jan Gęślą");
    assert!(
        csv.contains("Wierzyciel") && csv.contains("2500,00"),
        "{csv}"
    );

    // --- The case's page, and the lawyer's decisions on it.
    let (s, html) = page(&env, &lawyer, &format!("/partner/cases/{case_a}")).await;
    assert_eq!(s, 200);
    for text in [
        "wierzyciel Hurtownia Zażółć",
        "przyjmij sprawę",
        "FS D1/2026",
        "Notatka dla wierzyciela",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    // Interest to the test's today (2026-11-22) at the table's last commercial rate (14 %,
    // flagged as possibly stale): D1 1 000 zł × 82 days = 31,45 zł; D2 1 500 zł × 68 days =
    // 39,12 zł; 40 EUR compensation each, no EUR rate in the shipped table.
    for text in [
        "31,45",
        "39,12",
        "570,57",
        "80 EUR",
        "14% od 01.01.2026",
        "nieaktualna",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    let token = csrf(&env, &lawyer).await;
    assert_eq!(hidden(&html, "_csrf")[0], token);
    let change = format!("/partner/cases/{case_a}/change");
    let (s, html) = post(
        &env,
        &lawyer,
        &change,
        "to=reject&note=",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("Podaj powód odrzucenia"), "{html}");
    let (s, _) = post(&env, &lawyer, &change, "to=accept", Some(&token), None).await;
    assert_eq!(s, 303);
    let (s, _) = post(
        &env,
        &lawyer,
        &change,
        "to=in_court&note=Pozew+w+EPU",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 303);
    let (s, html) = post(&env, &lawyer, &change, "to=handed_off", Some(&token), None).await;
    assert_eq!(s, 400);
    assert!(
        html.contains("in_court") && html.contains("handed_off"),
        "{html}"
    );
    let note = format!("/partner/cases/{case_a}/notes");
    let (s, _) = post(
        &env,
        &lawyer,
        &note,
        "note=Termin+rozprawy+12.01",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 303);
    let (_, html) = page(
        &env,
        &lawyer,
        &format!("/partner/cases/{case_a}?done=case-changed"),
    )
    .await;
    for text in [
        "w sądzie",
        "Pozew w EPU",
        "Termin rozprawy 12.01",
        "Twoja kancelaria",
        "wierzyciel już go widzi",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    let (_, html) = page(&env, &lawyer, "/partner?status=in_court").await;
    only(&html, "Dłużnik A", "Jan Gęślą");

    // A payment agreed in a settlement: refusals shown beside the form, then recorded.
    let payments = format!("/partner/cases/{case_a}/payments");
    let (s, html) = post(
        &env,
        &lawyer,
        &payments,
        "amount=sporo&day=2026-11-20",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("„sporo” nie jest kwotą"), "{html}");
    let (s, html) = post(
        &env,
        &lawyer,
        &payments,
        "amount=100&day=2027-01-01",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("w przyszłości"), "{html}");
    let (s, _) = post(
        &env,
        &lawyer,
        &payments,
        "amount=1+200%2C50&day=2026-11-20&note=rata+1+z+2",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 303);
    let (_, html) = page(&env, &lawyer, &format!("/partner/cases/{case_a}")).await;
    assert!(
        html.contains("Płatność z ugody") && html.contains("200,50") && html.contains("rata 1 z 2"),
        "{html}"
    );
    let (s, html) = post(
        &env,
        &lawyer,
        &format!("/partner/cases/{case_b}/payments"),
        "amount=1&day=2026-11-20",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(s, 400, "B's case is not accepted yet");
    assert!(html.contains("tylko w sprawie przyjętej"), "{html}");
    let (_, feed) = env
        .get(&a.agent_token, "/agent/v1/results?limit=1000")
        .await;
    assert!(
        feed.to_string()
            .contains("Płatność z ugody: 1200,50 PLN z dnia 2026-11-20 — rata 1 z 2"),
        "{feed}"
    );

    // A file: the statement of claim as a PDF; a script named .pdf and an empty form refused
    // on the page; no token, 403.
    let files = format!("/partner/cases/{case_a}/files");
    let pdf: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    let (s, _) = upload(&env, &lawyer, &files, Some(&token), "pozew-EPU.pdf", pdf).await;
    assert_eq!(s, 303);
    let (s, html) = upload(
        &env,
        &lawyer,
        &files,
        Some(&token),
        "wirus.pdf",
        b"#!/bin/sh\nrm -rf /",
    )
    .await;
    assert_eq!(s, 400);
    assert!(html.contains("„wirus.pdf” nie jest plikiem PDF"), "{html}");
    let (s, html) = upload(&env, &lawyer, &files, Some(&token), "", b"").await;
    assert_eq!(s, 400);
    assert!(html.contains("Wybierz plik"), "{html}");
    let (s, _) = upload(&env, &lawyer, &files, None, "pozew.pdf", pdf).await;
    assert_eq!(s, 403);
    let (_, html) = page(&env, &lawyer, &format!("/partner/cases/{case_a}")).await;
    assert!(
        html.contains("pozew-EPU.pdf") && html.contains("Dodano plik"),
        "{html}"
    );
    let link = html
        .split("href=\"")
        .map(|h| &h[..h.find('"').unwrap_or(0)])
        .find(|h| h.starts_with(&format!("{files}/")))
        .unwrap()
        .to_owned();

    // --- The creditor sees all of it at once, in the API and on its case page.
    let (_, v) = env.get(&a.viewer, &format!("/api/v1/cases/{case_a}")).await;
    assert_eq!(v["case"]["status"], "in_court", "{v}");
    let payment = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "payment")
        .unwrap();
    assert_eq!(
        (
            payment["payment_minor"].as_i64(),
            payment["payment_day"].as_str()
        ),
        (Some(120_050), Some("2026-11-20"))
    );
    let client = log_in_to(&env, a.scope.as_str()).await;
    let (s, html) = page(&env, &client, &format!("/cases/{case_a}")).await;
    assert_eq!(s, 200);
    for text in [
        "w sądzie",
        "Pozew w EPU",
        "Termin rozprawy 12.01",
        "pozew-EPU.pdf",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    // The creditor downloads the law firm's file, byte for byte; another creditor cannot.
    let client_link = link.replacen("/partner/cases/", "/cases/", 1);
    let (s, body) = page(&env, &client, &client_link).await;
    assert_eq!((s, body.as_bytes()), (200, pdf));
    let (s, body) = page(&env, &lawyer, &link).await;
    assert_eq!((s, body.as_bytes()), (200, pdf));
    let b_client = log_in_to(&env, b.scope.as_str()).await;
    let (s, _) = page(&env, &b_client, &client_link).await;
    assert_eq!(s, 404);

    // --- Every partner route against the wrong people.
    let other = log_in(&env, "prawnik@kowalski.pl", "haslo-kancelarii-123").await;
    let other_token = csrf(&env, &other).await;
    let assistant = log_in(&env, "asystent@nowak.pl", "haslo-kancelarii-123").await;
    let assistant_token = csrf(&env, &assistant).await;
    let (_, html) = page(&env, &other, "/partner").await;
    assert!(
        !html.contains("Dłużnik A") && !html.contains("Jan Gęślą"),
        "{html}"
    );
    let (_, csv) = page(&env, &other, "/partner/cases.csv").await;
    assert!(
        !csv.contains("Dłużnik A") && !csv.contains("Jan Gęślą"),
        "{csv}"
    );
    let reads = [
        "/partner".to_owned(),
        "/partner/cases.csv".to_owned(),
        "/partner/creditors".to_owned(),
        format!("/partner/cases/{case_b}"),
    ];
    for path in &reads {
        let (s, _) = page(&env, &assistant, path).await;
        assert_eq!(s, 200, "the assistant reads {path}");
        let (s, _) = page(&env, &client, path).await;
        assert_eq!(s, 403, "a client's user on {path}");
    }
    let (s, _) = page(&env, &other, &format!("/partner/cases/{case_b}")).await;
    assert_eq!(s, 404);
    let changes = [
        (format!("/partner/cases/{case_b}/change"), "to=accept"),
        (format!("/partner/cases/{case_b}/notes"), "note=x"),
        (
            format!("/partner/cases/{case_b}/payments"),
            "amount=1&day=2026-11-20",
        ),
    ];
    let (s, _) = page(&env, &other, &link).await;
    assert_eq!(s, 404, "another law firm's file");
    let other_files = format!("/partner/cases/{case_a}/files");
    let (s, _) = upload(&env, &other, &other_files, Some(&other_token), "a.pdf", pdf).await;
    assert_eq!(s, 404, "another law firm attaching");
    let (s, _) = upload(
        &env,
        &assistant,
        &other_files,
        Some(&assistant_token),
        "a.pdf",
        pdf,
    )
    .await;
    assert_eq!(s, 403, "the assistant attaching");
    for (path, body) in &changes {
        let (s, _) = post(&env, &other, path, body, Some(&other_token), None).await;
        assert_eq!(s, 404, "another law firm on {path}");
        let (s, _) = post(&env, &assistant, path, body, Some(&assistant_token), None).await;
        assert_eq!(s, 403, "the assistant on {path}");
        let (s, _) = post(&env, &lawyer, path, body, None, None).await;
        assert_eq!(s, 403, "no CSRF token on {path}");
        let (s, _) = post(&env, &lawyer, path, body, Some(&token), Some("cross-site")).await;
        assert_eq!(s, 403, "another site's form on {path}");
        let client_token = csrf(&env, &client).await;
        let (s, _) = post(&env, &client, path, body, Some(&client_token), None).await;
        assert_eq!(s, 403, "a client's user on {path}");
    }
    let (_, v) = env.get(&b.viewer, &format!("/api/v1/cases/{case_b}")).await;
    assert_eq!(
        v["case"]["status"], "handed_off",
        "nothing above changed B's case: {v}"
    );
    // A law firm's user is kept out of the client portal, but has its account page.
    let (s, _) = page(&env, &lawyer, "/debtors").await;
    assert_eq!(s, 403);
    let (s, html) = page(&env, &lawyer, "/account").await;
    assert_eq!(s, 200);
    assert!(html.contains("/partner/creditors"), "{html}");
    let (_, html) = page(&env, &lawyer, "/partner/creditors").await;
    assert!(
        html.contains("Hurtownia Zażółć") && html.contains("Sklep Gęślą"),
        "{html}"
    );

    // The law firm's administrator manages its team on the same page as a client's admin,
    // without agents; a lawyer or an assistant may not, and agents stay a client's.
    let boss = log_in(&env, "szef@nowak.pl", "haslo-kancelarii-123").await;
    let boss_token = csrf(&env, &boss).await;
    let (s, html) = page(&env, &boss, "/admin").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Zespół") && html.contains("prawnik@nowak.pl"),
        "{html}"
    );
    assert!(html.contains("asystent (podgląd)"), "{html}");
    assert!(!html.contains("/admin/agents"), "{html}");
    let (s, html) = post(
        &env,
        &boss,
        "/admin/users",
        "email=aplikant%40nowak.pl&role=editor",
        Some(&boss_token),
        None,
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("aplikant@nowak.pl") && html.contains("Pokazujemy to tylko raz"),
        "{html}"
    );
    for who in [&lawyer, &assistant] {
        let (s, _) = page(&env, who, "/admin").await;
        assert_eq!(s, 403);
    }
    let (s, _) = post(
        &env,
        &boss,
        "/admin/agents",
        "name=ERP",
        Some(&boss_token),
        None,
    )
    .await;
    assert_eq!(s, 403, "a law firm has no agents");
    let (s, html) = page(&env, &boss, "/admin/audit").await;
    assert_eq!(s, 200);
    assert!(html.contains("aplikant@nowak.pl"), "{html}");
}

/// A file posted as a browser posts the form: multipart, the token as its first field.
async fn upload(
    env: &Env,
    session: &str,
    path: &str,
    token: Option<&str>,
    name: &str,
    bytes: &[u8],
) -> (u16, String) {
    let boundary = "----inkaso-test-boundary";
    let mut body = Vec::new();
    if let Some(t) = token {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{t}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(env.url(path))
        .header("cookie", format!("__Host-inkaso={session}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}
