//! Cases handed to law-firm partners (R-C4), end to end over HTTP on SQLite and PostgreSQL: a
//! client hands a debtor off, the partner lists it, accepts it and takes it through court to
//! paid and closed, with notes from both sides; the client sees every change in the case and
//! the debtor's agent gets each one in its results feed. A second client using the same partner
//! proves isolation (neither client sees the other's cases; the partner sees both, each marked
//! with its creditor), a second partner sees nothing, illegal transitions are refused naming
//! both statuses, and opening is idempotent (the engine's retry, a person's repeat, and two
//! replicas opening the same action at once).

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::too_many_lines
)] // tests: a panic is a clear failure; scenarios read top to bottom

use crate::common::{Env, TenantFixture, close, company, doc, nip, person};
use chrono::Duration;
use inkaso_cloud::domain::cases::{CaseStatus, ENGINE_ACTOR, PartnerDecision};
use inkaso_cloud::domain::ids::PartnerId;
use inkaso_cloud::store::TenantScope;
use inkaso_cloud::store::accounts::{Role, TenantKind};
use inkaso_cloud::store::cases::{CaseParty, NewCase};
use inkaso_cloud::store::{Backend, StoreError};
use serde_json::{Value, json};

on_both!(
    partner_flow_end_to_end,
    open_case_is_idempotent,
    concurrent_opens_make_one_case
);

/// A partner tenant with an editor and a viewer token.
pub(crate) struct Partner {
    pub(crate) id: String,
    pub(crate) scope: TenantScope,
    pub(crate) editor: String,
    pub(crate) viewer: String,
}

pub(crate) async fn partner(env: &Env, name: &str, clients: &[&TenantFixture]) -> Partner {
    let now = env.clock_now();
    let p = env
        .store
        .create_tenant(TenantKind::Partner, name, now)
        .await
        .unwrap();
    for c in clients {
        env.store
            .link_partner(&c.scope, &PartnerId::from(p.id.clone()), now)
            .await
            .unwrap();
    }
    let token = |role: Role| {
        let store = env.store.clone();
        let id = p.id.clone();
        async move {
            store
                .create_api_token(
                    &TenantScope::operator(id.clone()),
                    role.as_str(),
                    role,
                    "cli",
                    now,
                )
                .await
                .unwrap()
                .secret
        }
    };
    Partner {
        editor: token(Role::Editor).await,
        viewer: token(Role::Viewer).await,
        scope: TenantScope::operator(p.id.clone()),
        id: p.id.to_string(),
    }
}

/// The `handoff` events of an agent's feed, as (case id, status, note).
async fn handoffs(env: &Env, agent_token: &str) -> Vec<(String, String, Value)> {
    let (s, page) = env.get(agent_token, "/agent/v1/results?limit=1000").await;
    assert_eq!(s, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["event"])
        .filter(|e| e["kind"] == "handoff")
        .map(|e| {
            (
                e["case_id"].as_str().unwrap().to_owned(),
                e["status"].as_str().unwrap().to_owned(),
                e["note"].clone(),
            )
        })
        .collect()
}

fn err(body: &Value) -> (&str, &str, &str) {
    (
        body["error"]["code"].as_str().unwrap_or_default(),
        body["error"]["field"].as_str().unwrap_or_default(),
        body["error"]["message_en"].as_str().unwrap_or_default(),
    )
}

async fn partner_flow_end_to_end(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Hurtownia Zażółć").await;
    let b = env.tenant("Sklep Gęślą").await;
    let nowak = partner(&env, "Kancelaria Nowak", &[&a, &b]).await;
    // Linked to B only, and never handed anything.
    let other = partner(&env, "Kancelaria Kowalski", &[&b]).await;

    // A's debtor K1 (a company): two open documents, one paid; an earlier SMS in its history.
    let (s, e) = env
        .batch(
            &a.agent_token,
            1,
            json!([
                company("K1", "Dłużnik A Sp. z o.o.", &nip(1)),
                doc("D1", "K1", "2026-09-01", 100_000, 100_000),
                doc("D2", "K1", "2026-09-15", 200_000, 150_000),
                doc("D3", "K1", "2026-09-20", 30_000, 30_000),
            ]),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let (s, e) = env
        .batch(
            &a.agent_token,
            2,
            json!([close("D3", "paid", "2026-11-20")]),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    sqlx::query(
        "INSERT INTO actions (tenant_id, action_id, idem_key, agent_id, debtor_external_id, process_code, stage_code, \
         channel, template, documents_json, planned_for, status, attempts, manual, description, provider_id, \
         created_at, updated_at, done_at) VALUES ($1, 'act-sms-1', 'STD/SMS1/K1', $2, 'K1', 'STD', 'SMS1', 'sms', \
         'przypomnienie', $3, '2026-10-05T09:00:00.000000Z', 'sent', 1, 0, 'SMS1: przypomnienie', 'smsapi-77', \
         '2026-10-05T08:00:00.000000Z', '2026-10-05T09:00:00.000000Z', '2026-10-05T09:00:00.000000Z')",
    )
    .bind(a.scope.as_str())
    .bind(a.agent.as_str())
    .bind(r#"[{"document":"D1","occurrence":0,"scheduled":"2026-10-05"}]"#)
    .execute(env.store.pool())
    .await
    .unwrap();
    // B's debtor has the same ERP keys: isolation must not hang on them.
    let (s, e) = env
        .batch(
            &b.agent_token,
            1,
            json!([
                person("K1", "Jan Gęślą"),
                doc("D1", "K1", "2026-08-01", 50_000, 50_000)
            ]),
        )
        .await;
    assert_eq!(s, 200, "{e}");

    // --- A hands K1 off (the only linked partner is the default). A viewer may not.
    let body = json!({"agent_id": a.agent.as_str(), "debtor_external_id": "K1",
        "document_external_ids": ["D1", "D2", "D3"], "note": "Proszę o pozew w EPU"});
    let (s, e) = env.post(&a.viewer, "/api/v1/cases", &body).await;
    assert_eq!((s, err(&e).0), (403, "forbidden"));
    let (s, case) = env.post(&a.editor, "/api/v1/cases", &body).await;
    assert_eq!(s, 201, "{case}");
    let case_a = case["id"].as_str().unwrap().to_owned();
    assert_eq!(case["status"], "handed_off");
    assert_eq!(case["partner_id"], nowak.id.as_str());
    assert_eq!(case["partner_name"], "Kancelaria Nowak");
    assert_eq!(case["creditor_name"], "Hurtownia Zażółć");
    // D3 is paid: only the open documents go, with what remains of them.
    assert_eq!(case["document_external_ids"], json!(["D1", "D2"]));
    assert_eq!(
        (case["total_minor"].clone(), case["currency"].clone()),
        (json!(250_000), json!("PLN"))
    );
    // The same hand-off again is the same case (200, not a second case).
    let (s, again) = env.post(&a.editor, "/api/v1/cases", &body).await;
    assert_eq!((s, again["id"].clone()), (200, json!(case_a)));

    // Bad input names the field.
    let (s, e) = env
        .post(
            &a.editor,
            "/api/v1/cases",
            &json!({"agent_id": a.agent.as_str(), "debtor_external_id": "K1",
            "document_external_ids": ["NOPE"]}),
        )
        .await;
    assert_eq!(err(&e).0, "invalid_body");
    assert_eq!((s, err(&e).1), (400, "document_external_ids"));
    assert!(err(&e).2.contains("NOPE"), "{e}");
    let (s, e) = env
        .post(
            &a.editor,
            "/api/v1/cases",
            &json!({"agent_id": a.agent.as_str(), "debtor_external_id": "K9",
            "document_external_ids": ["D1"]}),
        )
        .await;
    assert_eq!((s, err(&e).1), (400, "debtor_external_id"));

    // --- B has two partners: it must choose, and is told which.
    let body_b = json!({"agent_id": b.agent.as_str(), "debtor_external_id": "K1", "document_external_ids": ["D1"]});
    let (s, e) = env.post(&b.editor, "/api/v1/cases", &body_b).await;
    assert_eq!((s, err(&e).1), (400, "partner"));
    assert!(
        err(&e).2.contains("Kancelaria Nowak") && err(&e).2.contains("Kancelaria Kowalski"),
        "{e}"
    );
    let mut chosen = body_b.clone();
    chosen["partner_id"] = json!(nowak.id);
    let (s, case) = env.post(&b.editor, "/api/v1/cases", &chosen).await;
    assert_eq!(s, 201, "{case}");
    let case_b = case["id"].as_str().unwrap().to_owned();

    // --- Isolation. Each client sees only its own case; another's id is 404.
    let (_, list_a) = env.get(&a.viewer, "/api/v1/cases").await;
    let (_, list_b) = env.get(&b.viewer, "/api/v1/cases").await;
    assert_eq!(list_a["items"].as_array().unwrap().len(), 1);
    assert_eq!(list_a["items"][0]["id"], case_a.as_str());
    assert_eq!(list_b["items"].as_array().unwrap().len(), 1);
    assert_eq!(list_b["items"][0]["id"], case_b.as_str());
    assert_eq!(
        env.get(&b.viewer, &format!("/api/v1/cases/{case_a}"))
            .await
            .0,
        404
    );
    let (s, _) = env
        .post(
            &b.editor,
            &format!("/api/v1/cases/{case_a}/notes"),
            &json!({"note": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    // The partner sees both, each with its creditor; filtered and paged.
    let (s, list) = env.get(&nowak.viewer, "/api/v1/partner/cases").await;
    assert_eq!(s, 200, "{list}");
    let mut seen: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["creditor_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    let mut want = vec![
        (case_a.clone(), "Hurtownia Zażółć".to_owned()),
        (case_b.clone(), "Sklep Gęślą".to_owned()),
    ];
    want.sort();
    assert_eq!(seen, want);
    let (_, only_b) = env
        .get(
            &nowak.viewer,
            &format!("/api/v1/partner/cases?creditor_id={}", b.scope.as_str()),
        )
        .await;
    assert_eq!(only_b["items"].as_array().unwrap().len(), 1);
    assert_eq!(only_b["items"][0]["creditor_id"], b.scope.as_str());
    let (_, p1) = env
        .get(&nowak.viewer, "/api/v1/partner/cases?limit=1")
        .await;
    let cursor = p1["next_cursor"].as_str().unwrap();
    let (_, p2) = env
        .get(
            &nowak.viewer,
            &format!("/api/v1/partner/cases?limit=1&after={cursor}"),
        )
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 1);
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
    assert!(p2["next_cursor"].is_null());
    let (s, e) = env
        .get(&nowak.viewer, "/api/v1/partner/cases?status=won")
        .await;
    assert_eq!((s, err(&e).1), (400, "status"));
    // The other partner, linked to B, sees nothing, and cannot touch the cases.
    let (_, none) = env.get(&other.viewer, "/api/v1/partner/cases").await;
    assert_eq!(none["items"], json!([]));
    for id in [&case_a, &case_b] {
        assert_eq!(
            env.get(&other.viewer, &format!("/api/v1/partner/cases/{id}"))
                .await
                .0,
            404
        );
        let (s, _) = env
            .post(
                &other.editor,
                &format!("/api/v1/partner/cases/{id}/accept"),
                &json!({}),
            )
            .await;
        assert_eq!(s, 404);
    }
    // Each side's API is closed to the other kind of tenant.
    let (s, e) = env.get(&nowak.viewer, "/api/v1/debtors").await;
    assert_eq!((s, err(&e).0), (403, "forbidden"));
    assert_eq!(env.get(&nowak.viewer, "/api/v1/cases").await.0, 403);
    let (s, e) = env.get(&a.admin, "/api/v1/partner/cases").await;
    assert_eq!((s, err(&e).0), (403, "forbidden"));
    // A partner viewer reads but may not decide.
    let (s, _) = env
        .post(
            &nowak.viewer,
            &format!("/api/v1/partner/cases/{case_a}/accept"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 403);

    // --- The partner opens the case: what was handed over.
    let (s, detail) = env
        .get(&nowak.viewer, &format!("/api/v1/partner/cases/{case_a}"))
        .await;
    assert_eq!(s, 200, "{detail}");
    assert_eq!(detail["debtor"]["name"], "Dłużnik A Sp. z o.o.");
    assert_eq!(detail["debtor"]["nip"], nip(1).as_str());
    let contacts: Vec<&str> = detail["debtor"]["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(
        contacts.contains(&"biuroK1@firma.pl") && contacts.contains(&"+48601234567"),
        "{contacts:?}"
    );
    let docs = detail["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(
        (
            docs[1]["number"].clone(),
            docs[1]["remaining_minor"].clone()
        ),
        (json!("FS D2/2026"), json!(150_000))
    );
    assert_eq!(detail["history"][0]["action_id"], "act-sms-1");
    assert_eq!(detail["history"][0]["provider_id"], "smsapi-77");
    assert_eq!(detail["history"][0]["document_external_ids"], json!(["D1"]));
    assert_eq!(detail["events"][0]["kind"], "opened");
    assert_eq!(detail["events"][0]["note"], "Proszę o pozew w EPU");
    // B's person debtor carries the postal address.
    let (_, detail_b) = env
        .get(&nowak.viewer, &format!("/api/v1/partner/cases/{case_b}"))
        .await;
    assert_eq!(detail_b["debtor"]["address"]["city"], "Gdańsk");

    // --- The partner works the case; the client adds a note on the way.
    let step = |path: &'static str, body: Value| {
        let env = &env;
        let token = nowak.editor.clone();
        let url = format!("/api/v1/partner/cases/{case_a}/{path}");
        async move { env.post(&token, &url, &body).await }
    };
    env.clock.advance(Duration::hours(1));
    let (s, c) = step("accept", json!({"note": "Przyjmujemy"})).await;
    assert_eq!((s, c["status"].clone()), (200, json!("accepted")), "{c}");
    // Illegal and unknown moves are refused naming the field and both statuses.
    let (s, e) = step("status", json!({"status": "handed_off"})).await;
    assert_eq!((s, err(&e).1), (400, "status"));
    assert!(
        err(&e).2.contains("from \"accepted\" to \"handed_off\""),
        "{e}"
    );
    let (s, e) = step("status", json!({"status": "won"})).await;
    assert_eq!((s, err(&e).1), (400, "status"));
    assert!(err(&e).2.contains("\"won\""), "{e}");
    let (s, e) = step("reject", json!({})).await;
    assert_eq!((s, err(&e).1), (400, "status"));
    env.clock.advance(Duration::hours(1));
    let (s, c) = step(
        "status",
        json!({"status": "in_court", "note": "Pozew złożony w SR Gdańsk"}),
    )
    .await;
    assert_eq!((s, c["status"].clone()), (200, json!("in_court")), "{c}");
    env.clock.advance(Duration::hours(1));
    let (s, c) = env
        .post(
            &a.editor,
            &format!("/api/v1/cases/{case_a}/notes"),
            &json!({"note": "Dłużnik dzwonił, obiecuje wpłatę"}),
        )
        .await;
    assert_eq!((s, c["status"].clone()), (200, json!("in_court")), "{c}");
    let (s, e) = env
        .post(
            &a.editor,
            &format!("/api/v1/cases/{case_a}/notes"),
            &json!({"note": "  "}),
        )
        .await;
    assert_eq!((s, err(&e).1), (400, "note"));
    env.clock.advance(Duration::hours(1));
    let (s, _) = step("notes", json!({"note": "Termin rozprawy 12.01.2027"})).await;
    assert_eq!(s, 200);
    env.clock.advance(Duration::hours(1));
    let (s, _) = step(
        "status",
        json!({"status": "paid", "note": "Wpłata całości"}),
    )
    .await;
    assert_eq!(s, 200);
    env.clock.advance(Duration::hours(1));
    let (s, c) = step("status", json!({"status": "closed"})).await;
    assert_eq!((s, c["status"].clone()), (200, json!("closed")));
    let (s, e) = step("status", json!({"status": "settlement"})).await;
    assert_eq!((s, err(&e).1), (400, "status"));
    assert!(err(&e).2.contains("final"), "{e}");

    // --- The client sees every change, in order, with who made it.
    let (s, detail) = env.get(&a.viewer, &format!("/api/v1/cases/{case_a}")).await;
    assert_eq!(s, 200);
    assert_eq!(detail["case"]["status"], "closed");
    let events: Vec<(String, String, String, Value)> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["party"].as_str().unwrap().to_owned(),
                e["status"].as_str().unwrap().to_owned(),
                e["note"].clone(),
            )
        })
        .collect();
    let ev = |k: &str, p: &str, s: &str, n: Value| (k.to_owned(), p.to_owned(), s.to_owned(), n);
    assert_eq!(
        events,
        vec![
            ev(
                "opened",
                "client",
                "handed_off",
                json!("Proszę o pozew w EPU")
            ),
            ev("status", "partner", "accepted", json!("Przyjmujemy")),
            ev(
                "status",
                "partner",
                "in_court",
                json!("Pozew złożony w SR Gdańsk")
            ),
            ev(
                "note",
                "client",
                "in_court",
                json!("Dłużnik dzwonił, obiecuje wpłatę")
            ),
            ev(
                "note",
                "partner",
                "in_court",
                json!("Termin rozprawy 12.01.2027")
            ),
            ev("status", "partner", "paid", json!("Wpłata całości")),
            ev("status", "partner", "closed", Value::Null),
        ]
    );
    // Most recently changed first in the client's list, filtered by status.
    let (_, closed) = env.get(&a.viewer, "/api/v1/cases?status=closed").await;
    assert_eq!(closed["items"][0]["id"], case_a.as_str());

    // --- The agent's feed has each of them, and B's agent only B's.
    let feed_a = handoffs(&env, &a.agent_token).await;
    let statuses: Vec<&str> = feed_a.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "handed_off",
            "accepted",
            "in_court",
            "in_court",
            "in_court",
            "paid",
            "closed"
        ]
    );
    assert!(feed_a.iter().all(|(id, _, _)| *id == case_a));
    assert_eq!(feed_a[3].2, json!("Dłużnik dzwonił, obiecuje wpłatę"));
    let feed_b = handoffs(&env, &b.agent_token).await;
    assert_eq!(feed_b.len(), 1);
    assert_eq!(
        (feed_b[0].0.as_str(), feed_b[0].1.as_str()),
        (case_b.as_str(), "handed_off")
    );

    // --- A rejected case lets its documents go to another hand-off.
    let (s, c) = env
        .post(
            &nowak.editor,
            &format!("/api/v1/partner/cases/{case_b}/reject"),
            &json!({"note": "Konflikt interesów"}),
        )
        .await;
    assert_eq!((s, c["status"].clone()), (200, json!("rejected")));
    let mut to_other = body_b.clone();
    to_other["partner_id"] = json!(other.id);
    let (s, c) = env.post(&b.editor, "/api/v1/cases", &to_other).await;
    assert_eq!(
        (s, c["partner_name"].clone()),
        (201, json!("Kancelaria Kowalski")),
        "{c}"
    );
    let (_, mine) = env.get(&other.viewer, "/api/v1/partner/cases").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    // A partner not linked to the firm cannot be chosen.
    let mut unlinked = json!({"agent_id": a.agent.as_str(), "debtor_external_id": "K1", "document_external_ids": ["D1"]});
    unlinked["partner_id"] = json!(other.id);
    let (s, e) = env.post(&a.editor, "/api/v1/cases", &unlinked).await;
    assert_eq!((s, err(&e).1), (400, "partner"));

    // --- The audit logs: the client's has every change, the partner's its own part.
    let (_, audit) = env.get(&a.admin, "/api/v1/audit").await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == case_a.as_str())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "case.status").count(), 4);
    assert_eq!(actions.iter().filter(|a| **a == "case.note").count(), 2);
    assert_eq!(actions.iter().filter(|a| **a == "case.open").count(), 1);
    let partner_audit = env
        .store
        .audit_log(
            &nowak.scope,
            &inkaso_cloud::store::accounts::AuditFilter {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    assert!(
        partner_audit
            .iter()
            .any(|e| e.action == "case.received" && e.target == case_a)
    );

    // --- A partner's person logs in like anyone else and lands in the partner API.
    env.person(
        &nowak.scope,
        "adwokat@nowak.pl",
        Role::Editor,
        "bardzo-tajne-haslo",
    )
    .await;
    let login = env
        .http
        .post(env.url("/api/v1/login"))
        .json(&json!({"tenant_id": nowak.id, "email": "adwokat@nowak.pl", "password": "bardzo-tajne-haslo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 200);
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let get = |path: &str| {
        env.http
            .get(env.url(path))
            .header("cookie", cookie.clone())
            .send()
    };
    assert_eq!(
        get("/api/v1/partner/cases")
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        get("/api/v1/documents").await.unwrap().status().as_u16(),
        403
    );

    // --- Everything is in the OpenAPI document.
    let (_, doc) = env.get("", "/api/openapi.json").await;
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/notes",
        "/api/v1/partner/cases",
        "/api/v1/partner/cases/{id}",
        "/api/v1/partner/cases/{id}/accept",
        "/api/v1/partner/cases/{id}/reject",
        "/api/v1/partner/cases/{id}/status",
        "/api/v1/partner/cases/{id}/notes",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["CaseDetail"].is_object());
}

/// The engine's call: the same action twice is one case; the same documents from a person are
/// the same case; an overlap in part is refused naming the case; store-level transitions.
async fn open_case_is_idempotent(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Hurtownia").await;
    let nowak = partner(&env, "Kancelaria Nowak", &[&a]).await;
    let (s, e) = env
        .batch(
            &a.agent_token,
            1,
            json!([
                company("K1", "Dłużnik", &nip(2)),
                doc("D1", "K1", "2026-09-01", 10_000, 10_000),
                doc("D2", "K1", "2026-09-02", 20_000, 20_000),
                doc("D3", "K1", "2026-09-03", 30_000, 30_000),
            ]),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let now = env.clock_now();
    let engine = |docs: &[&str], action: Option<&str>| NewCase {
        agent_id: a.agent.as_str().to_owned(),
        debtor_external_id: "K1".into(),
        document_external_ids: docs.iter().map(|d| (*d).to_owned()).collect(),
        partner: None,
        action_id: action.map(str::to_owned),
        note: None,
    };
    let first = env
        .store
        .open_case(
            &a.scope,
            &engine(&["D1", "D2"], Some("act-h45")),
            ENGINE_ACTOR,
            now,
        )
        .await
        .unwrap();
    assert_eq!(first.status, CaseStatus::HandedOff);
    assert_eq!(first.action_id.as_deref(), Some("act-h45"));
    // A retry of the action, even after a document was paid in between.
    env.batch(
        &a.agent_token,
        2,
        json!([close("D2", "paid", "2026-11-21")]),
    )
    .await;
    let retry = env
        .store
        .open_case_reporting(
            &a.scope,
            &engine(&["D1", "D2"], Some("act-h45")),
            ENGINE_ACTOR,
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        (retry.case.id.as_str(), retry.created),
        (first.id.as_str(), false)
    );
    // The same documents from a person (no action): the same case.
    let same = env
        .store
        .open_case(&a.scope, &engine(&["D1"], None), "user:x", now)
        .await
        .unwrap();
    assert_eq!(same.id, first.id);
    // D1 is in the open case and D3 is not: refused, naming the case.
    let Err(StoreError::Invalid {
        field, message_en, ..
    }) = env
        .store
        .open_case(&a.scope, &engine(&["D1", "D3"], None), "user:x", now)
        .await
    else {
        panic!("a partial overlap must be refused");
    };
    assert_eq!(field, "document_external_ids");
    assert!(
        message_en.contains(&first.id) && message_en.contains("D1"),
        "{message_en}"
    );
    // Only closed documents: nothing to hand off.
    let Err(StoreError::Invalid { field, .. }) = env
        .store
        .open_case(&a.scope, &engine(&["D2"], None), "user:x", now)
        .await
    else {
        panic!("closed documents cannot be handed off");
    };
    assert_eq!(field, "document_external_ids");
    // A second action for another document is a second case.
    let second = env
        .store
        .open_case(
            &a.scope,
            &engine(&["D3"], Some("act-h45-2")),
            ENGINE_ACTOR,
            now,
        )
        .await
        .unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(env.count("cases", a.scope.as_str()).await, 2);
    assert_eq!(env.count("case_events", a.scope.as_str()).await, 2);
    let engine_events = env
        .store
        .case(CaseParty::Client(&a.scope), &first.id)
        .await
        .unwrap()
        .events;
    assert_eq!(
        (engine_events.len(), engine_events[0].party.as_str()),
        (1, "engine")
    );
    // One feed event per case opened, none for the repeats.
    assert_eq!(handoffs(&env, &a.agent_token).await.len(), 2);

    // Store-level decisions and transitions; a partner's call on a case not handed to it is 404.
    let stranger = partner(&env, "Kancelaria Obca", &[]).await;
    assert!(matches!(
        env.store
            .partner_decide(
                &stranger.scope,
                &first.id,
                PartnerDecision::Accept,
                None,
                "user:y",
                now
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    let accepted = env
        .store
        .partner_decide(
            &nowak.scope,
            &first.id,
            PartnerDecision::Accept,
            None,
            "user:p",
            now,
        )
        .await
        .unwrap();
    assert_eq!(accepted.status, CaseStatus::Accepted);
    assert!(matches!(
        env.store
            .partner_set_status(
                &nowak.scope,
                &first.id,
                CaseStatus::Rejected,
                None,
                "user:p",
                now
            )
            .await,
        Err(StoreError::Invalid { .. })
    ));
    let settled = env
        .store
        .partner_set_status(
            &nowak.scope,
            &first.id,
            CaseStatus::Settlement,
            Some("raty"),
            "user:p",
            now,
        )
        .await
        .unwrap();
    assert_eq!(settled.status, CaseStatus::Settlement);
    let noted = env
        .store
        .add_note(
            CaseParty::Partner(&nowak.scope),
            &first.id,
            "rata 1 wpłacona",
            "user:p",
            now,
        )
        .await
        .unwrap();
    assert_eq!(noted.status, CaseStatus::Settlement);
    // Closed: D1 is free again, and the engine's retry still answers with the old case.
    env.store
        .partner_set_status(
            &nowak.scope,
            &first.id,
            CaseStatus::Closed,
            None,
            "user:p",
            now,
        )
        .await
        .unwrap();
    let retry = env
        .store
        .open_case(
            &a.scope,
            &engine(&["D1"], Some("act-h45")),
            ENGINE_ACTOR,
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        (retry.id.as_str(), retry.status),
        (first.id.as_str(), CaseStatus::Closed)
    );
    let fresh = env
        .store
        .open_case(&a.scope, &engine(&["D1"], None), "user:x", now)
        .await
        .unwrap();
    assert_ne!(fresh.id, first.id);
}

/// Two replicas running the same hand-off action at once (and a person handing off the same
/// documents beside them) end with one case, one opening event and one feed item.
async fn concurrent_opens_make_one_case(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Hurtownia").await;
    partner(&env, "Kancelaria Nowak", &[&a]).await;
    let (s, e) = env
        .batch(
            &a.agent_token,
            1,
            json!([
                company("K1", "Dłużnik", &nip(3)),
                doc("D1", "K1", "2026-09-01", 10_000, 10_000),
                doc("D2", "K1", "2026-09-02", 20_000, 20_000),
            ]),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    // A second store over the same database: another replica.
    let replica = inkaso_cloud::store::Store::open(&env.db.url, 4)
        .await
        .unwrap();
    let new = |action: Option<&str>| NewCase {
        agent_id: a.agent.as_str().to_owned(),
        debtor_external_id: "K1".into(),
        document_external_ids: vec!["D1".into(), "D2".into()],
        partner: None,
        action_id: action.map(str::to_owned),
        note: None,
    };
    let now = env.clock_now();
    let mut tasks = Vec::new();
    for (i, store) in [
        env.store.clone(),
        replica.clone(),
        env.store.clone(),
        replica,
    ]
    .into_iter()
    .enumerate()
    {
        let tenant = a.scope.clone();
        let new = new((i < 3).then_some("act-h45"));
        tasks.push(tokio::spawn(async move {
            store.open_case(&tenant, &new, ENGINE_ACTOR, now).await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(env.count("cases", a.scope.as_str()).await, 1);
    assert_eq!(env.count("case_events", a.scope.as_str()).await, 1);
    assert_eq!(handoffs(&env, &a.agent_token).await.len(), 1);
}
