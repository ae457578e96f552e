//! Tenant isolation matrix: every endpoint of the agent and client APIs, called with another
//! tenant's credentials (agent token and each role), each role of the owner, a revoked agent
//! and nobody. Nothing of tenant A is visible or changeable from B; other tenants' ids are 404.

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::too_many_lines
)] // tests: a panic is a clear failure; scenarios read top to bottom

use crate::common::{Env, TenantFixture, company, doc, nip};
use inkaso_cloud::domain::ids::AgentId;
use inkaso_cloud::domain::ids::PartnerId;
use inkaso_cloud::store::Backend;
use inkaso_cloud::store::TenantScope;
use inkaso_shared::protocol::ResultEvent;
use inkaso_shared::records::ExternalId;
use serde_json::{Value, json};

on_both!(isolation_matrix);

struct Ids {
    debtor: String,
    document: String,
    exclusion: String,
    nip: String,
}

async fn seed(env: &Env, t: &TenantFixture, n: u64, name: &str) -> Ids {
    let nip = nip(n);
    let (s, e) = env
        .batch(
            &t.agent_token,
            1,
            json!([
                company("K1", name, &nip),
                doc("D1", "K1", "2026-10-01", 1000, 1000)
            ]),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    env.batch(
        &t.agent_token,
        2,
        json!([doc("D1", "K1", "2026-10-01", 1000, 400)]),
    )
    .await;
    env.store
        .append_result(
            &t.scope,
            &t.agent,
            env.clock_now(),
            &ResultEvent::SalesBlock {
                debtor_external_id: ExternalId::new("K1").unwrap(),
                blocked: true,
                reason: format!("tajne {name}"),
            },
        )
        .await
        .unwrap();
    let (_, ex) = env
        .post(
            &t.editor,
            "/api/v1/exclusions",
            &json!({"kind": "debtor_external_id", "value": format!("SECRET-{name}")}),
        )
        .await;
    let (_, debtors) = env.get(&t.viewer, "/api/v1/debtors").await;
    let (_, docs) = env.get(&t.viewer, "/api/v1/documents").await;
    Ids {
        debtor: debtors["items"][0]["id"].as_str().unwrap().to_owned(),
        document: docs["items"][0]["id"].as_str().unwrap().to_owned(),
        exclusion: ex["id"].as_str().unwrap().to_owned(),
        nip,
    }
}

async fn call(
    env: &Env,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, String) {
    let mut req = env.http.request(method.parse().unwrap(), env.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[allow(clippy::too_many_lines)] // one matrix, read top to bottom
async fn isolation_matrix(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Firma A").await;
    let b = env.tenant("Firma B").await;
    let ida = seed(&env, &a, 1, "AAA").await;
    let _idb = seed(&env, &b, 2, "BBB").await;
    let revoked = env
        .store
        .create_agent(&a.scope, "stary", "cli", env.clock_now())
        .await
        .unwrap();
    env.store
        .revoke_agent(
            &a.scope,
            &AgentId::new(revoked.id.clone()),
            "test",
            env.clock_now(),
        )
        .await
        .unwrap();

    let batch = json!({"protocol": 1, "seq": 3, "ops": [doc("D1", "K1", "2026-10-01", 1000, 1)]});
    let hb = json!({"protocol": 1, "agent_version": "9", "profile": "x", "last_sync_at": null, "queue_depth": 0, "quarantined": 0, "last_error": null});
    let agent_endpoints: Vec<(&str, String, Option<Value>)> = vec![
        ("POST", "/agent/v1/batches".into(), Some(batch.clone())),
        ("GET", "/agent/v1/results".into(), None),
        ("GET", "/agent/v1/config".into(), None),
        ("POST", "/agent/v1/heartbeat".into(), Some(hb.clone())),
    ];
    let consent = json!({"consent": false, "source": "test"});
    let new_ex = json!({"kind": "document_number_prefix", "value": "X/"});
    // (method, path with A's ids, body, minimum role of A that may call it)
    let by_id: Vec<(&str, String, Option<Value>, &str)> = vec![
        (
            "GET",
            format!("/api/v1/debtors/{}", ida.debtor),
            None,
            "viewer",
        ),
        (
            "GET",
            format!("/api/v1/documents/{}", ida.document),
            None,
            "viewer",
        ),
        (
            "PUT",
            format!("/api/v1/debtors/{}/contacts/email/consent", ida.debtor),
            Some(consent.clone()),
            "editor",
        ),
        (
            "DELETE",
            format!("/api/v1/exclusions/{}", ida.exclusion),
            None,
            "editor",
        ),
        (
            "GET",
            format!("/api/v1/companies/{}", ida.nip),
            None,
            "viewer",
        ),
    ];
    let lists: Vec<(&str, String, Option<Value>, &str)> = vec![
        ("GET", "/api/v1/debtors".into(), None, "viewer"),
        ("GET", "/api/v1/documents".into(), None, "viewer"),
        ("GET", "/api/v1/payments".into(), None, "viewer"),
        ("GET", "/api/v1/agents".into(), None, "viewer"),
        ("GET", "/api/v1/exclusions".into(), None, "viewer"),
        (
            "POST",
            "/api/v1/exclusions".into(),
            Some(new_ex.clone()),
            "editor",
        ),
        (
            "POST",
            format!("/api/v1/companies/{}", nip(3)),
            None,
            "editor",
        ),
        ("GET", "/api/v1/audit".into(), None, "admin"),
        ("POST", "/api/v1/logout".into(), None, "viewer"),
    ];
    // Whatever B sees must not mention A's data.
    let a_secrets = [
        a.scope.as_str(),
        a.agent.as_str(),
        ida.debtor.as_str(),
        ida.document.as_str(),
        ida.exclusion.as_str(),
        "AAA",
    ];
    let leaks = |body: &str| {
        a_secrets
            .iter()
            .find(|s| body.contains(**s))
            .map(|s| (*s).to_owned())
    };

    // Nobody, and the wrong kind of secret, get 401 everywhere.
    for (m, p, body) in &agent_endpoints {
        for token in [None, Some(a.viewer.as_str()), Some("inka_00_00_zz")] {
            let (s, text) = call(&env, token, m, p, body.as_ref()).await;
            assert_eq!(s, 401, "{m} {p} with {token:?}: {text}");
            assert!(text.contains("\"unauthorized\""), "{text}");
        }
        let (s, text) = call(&env, Some(&revoked.secret), m, p, body.as_ref()).await;
        assert_eq!(s, 401, "{m} {p} revoked: {text}");
        assert!(text.contains("token_revoked"), "{text}");
    }
    for (m, p, body, _) in by_id.iter().chain(lists.iter()) {
        for token in [
            None,
            Some(a.agent_token.as_str()),
            Some(revoked.secret.as_str()),
        ] {
            let (s, text) = call(&env, token, m, p, body.as_ref()).await;
            assert_eq!(s, 401, "{m} {p} with {token:?}: {text}");
        }
    }

    // Tenant B's agent: works on its own data only.
    for (m, p, body) in &agent_endpoints {
        let (s, text) = call(&env, Some(&b.agent_token), m, p, body.as_ref()).await;
        assert_eq!(s, 200, "{m} {p}: {text}");
        assert_eq!(leaks(&text), None, "{m} {p} leaked A's data: {text}");
    }
    let (_, results) = call(&env, Some(&b.agent_token), "GET", "/agent/v1/results", None).await;
    assert!(results.contains("BBB"));

    // Tenant B's users of every role: A's ids do not exist (404, never 403), lists show only B.
    for token in [&b.viewer, &b.editor, &b.admin] {
        for (m, p, body, _) in &by_id {
            let (s, text) = call(&env, Some(token), m, p, body.as_ref()).await;
            // A viewer may be refused an editor action before the lookup; it still learns nothing.
            assert!(
                s == 404 || (s == 403 && token == &b.viewer),
                "{m} {p}: {s} {text}"
            );
            // The message may repeat the id the caller sent; nothing else of A may appear.
            let echoed = p.split('/').fold(text.clone(), |t, part| {
                if part.len() >= 10 {
                    t.replace(part, "")
                } else {
                    t
                }
            });
            assert_eq!(leaks(&echoed), None, "{m} {p}: {text}");
        }
        for (m, p, body, _) in &lists {
            let (_, text) = call(&env, Some(token), m, p, body.as_ref()).await;
            assert_eq!(leaks(&text), None, "{m} {p} leaked A's data: {text}");
        }
    }

    let (_, debtor) = env
        .get(&a.viewer, &format!("/api/v1/debtors/{}", ida.debtor))
        .await;
    assert_eq!(
        debtor["contacts"][0]["consent"],
        Value::Null,
        "B changed A's consent"
    );
    assert_eq!(env.count("documents", a.scope.as_str()).await, 1);

    // Tenant A's own roles: each endpoint is allowed from its minimum role up, refused below.
    let rank = |r: &str| match r {
        "viewer" => 0,
        "editor" => 1,
        _ => 2,
    };
    for (role, token) in [
        ("viewer", &a.viewer),
        ("editor", &a.editor),
        ("admin", &a.admin),
    ] {
        for (m, p, body, min) in by_id.iter().chain(lists.iter()) {
            if *m == "DELETE" || p.ends_with("/logout") {
                continue; // checked below, they change state
            }
            let (s, text) = call(&env, Some(token), m, p, body.as_ref()).await;
            if rank(role) >= rank(min) {
                assert!((200..300).contains(&s), "{role} {m} {p}: {s} {text}");
            } else {
                assert_eq!(s, 403, "{role} {m} {p}: {text}");
                assert!(text.contains("\"forbidden\""));
            }
        }
    }
    assert_eq!(
        call(
            &env,
            Some(&a.viewer),
            "DELETE",
            &format!("/api/v1/exclusions/{}", ida.exclusion),
            None
        )
        .await
        .0,
        403
    );

    // A's data is intact after all of B's attempts.
    let (_, ex) = env.get(&a.viewer, "/api/v1/exclusions").await;
    assert!(
        ex.as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == ida.exclusion.as_str())
    );
    let (_, d) = env
        .get(&a.viewer, &format!("/api/v1/documents/{}", ida.document))
        .await;
    assert_eq!(d["remaining_minor"], 400);
    assert_eq!(
        call(
            &env,
            Some(&a.editor),
            "DELETE",
            &format!("/api/v1/exclusions/{}", ida.exclusion),
            None
        )
        .await
        .0,
        204
    );

    // Logging in to A with B's user (same e-mail, B's password would be needed for B) fails.
    let r = env.http.post(env.url("/api/v1/login"))
        .json(&json!({"tenant_id": b.scope.as_str(), "email": "szef@firma.pl", "password": "zle-haslo-123"}))
        .send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

on_both!(every_documented_route_is_isolated);

/// Every string in a JSON value (what a caller sent, to tell echoes from leaks).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// What another client firm may get from a route called with tenant A's ids or names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The path names an object of A by its opaque id: 404 from the route's role up, 403 below.
    Foreign,
    /// The body names an object of A by its id: refused like any unknown id (400 naming the
    /// field, or 404), 403 below the route's role.
    ForeignInBody,
    /// The path or body names something the caller may have too (a code, a day, a list): any
    /// answer but a server error, and nothing of A in it.
    OwnSpace,
}

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Client,
    Partner,
    /// An agent's token (`/agent/v1`): what it reaches is its own tenant's, whoever's ids it names.
    Agent,
    Public,
}

/// One route of the OpenAPI document, made concrete with A's ids.
struct Case {
    path: String,
    body: Option<Value>,
    min_role: &'static str,
    party: Party,
    expect: Expect,
}

/// Issue 14: the routes come from the served OpenAPI document, so a route added without a case
/// here fails this test. Every route × method: nobody gets 401; another client firm's viewer,
/// editor and admin get A's objects as 404 (or 403 below the route's role) and never A's data in
/// any answer; a law firm's tokens get 403 on client routes and client tokens 403 on partner
/// routes; a law firm A does not use gets A's case as 404; A's own roles are allowed from the
/// route's role up and refused below (reads). A's data is intact afterwards.
#[allow(clippy::too_many_lines)] // one matrix, read top to bottom
async fn every_documented_route_is_isolated(backend: Backend) {
    use inkaso_channels::letter::{Addressee, LetterKind};
    use inkaso_cloud::store::accounts::{Role, TenantKind};
    use inkaso_cloud::store::channels::{NewLetter, NewTask};

    let env = Env::new(backend).await;
    let a = env.tenant("Firma A").await;
    let b = env.tenant("Firma B").await;
    let ida = seed(&env, &a, 1, "AAA").await;
    seed(&env, &b, 2, "BBB").await;
    let now = env.clock_now();

    let (_, mut settings) = env.get(&a.viewer, "/api/v1/channel-settings").await;
    settings["creditor"] = json!({"name": "Wierzyciel AAA", "street": "ul. Prosta 1",
        "postcode_city": "00-001 Warszawa", "bank_account": "47 1020 1026 0000 0102 0304 0506"});
    let (s, e) = env
        .put(&a.editor, "/api/v1/channel-settings", &settings)
        .await;
    assert_eq!(s, 200, "{e}");
    // More of A: a template, a process, a pause, a registered letter with its tracking number, a
    // task, and a case at its law firm.
    let template = json!({"name": "Szablon AAA", "channel": "sms", "reason": "arrears", "lang": "pl",
        "body": "<wierzyciel>: zaległość AAA <suma_naleznosci>."});
    let (s, e) = env
        .put(&a.editor, "/api/v1/templates/szablon-aaa", &template)
        .await;
    assert!((200..300).contains(&s), "{e}");
    let process = json!({"code": "PROC-AAA", "name": "Proces AAA", "stages": [
        {"code": "S1", "name": "SMS AAA", "channel": "sms", "offset_days": 3, "template": "szablon-aaa"}]});
    let (s, e) = env
        .put(&a.editor, "/api/v1/processes/PROC-AAA", &process)
        .await;
    assert!((200..300).contains(&s), "{e}");
    let (s, pause) = env
        .post(
            &a.editor,
            &format!("/api/v1/debtors/{}/pauses", ida.debtor),
            &json!({"kind": "manual", "until": "2027-01-31", "reason": "wstrzymane AAA"}),
        )
        .await;
    assert!((200..300).contains(&s), "{pause}");
    let pause_id = pause["id"].as_str().unwrap().to_owned();
    let addressee = Addressee {
        name: "Adresat AAA".into(),
        street: "Długa 5/3".into(),
        postcode_city: "80-001 Gdańsk".into(),
        nip: None,
    };
    let day = now.date_naive();
    let letter = env
        .store
        .insert_letter(
            &a.scope,
            &NewLetter {
                action_id: "A-LIST",
                agent_id: &a.agent,
                debtor: "K1",
                number: "W/1/2026",
                kind: LetterKind::Demand,
                date: day,
                registered: Some((
                    inkaso_channels::posting::RegisteredCategory::Priorytetowa,
                    true,
                )),
                addressee: &addressee,
                file_name: "wezwanie-AAA.pdf",
                pdf: b"%PDF-1.7 AAA",
            },
            now,
        )
        .await
        .unwrap();
    let (s, e) = env
        .put(
            &a.editor,
            &format!("/api/v1/letters/{}/tracking", letter.id),
            &json!({"tracking_number": "RR000000AAA"}),
        )
        .await;
    assert!((200..300).contains(&s), "{e}");
    let task = env
        .store
        .insert_task(
            &a.scope,
            &NewTask {
                action_id: Some("A-TASK"),
                agent_id: &a.agent,
                debtor: "K1",
                subject: "Zadzwonić AAA",
                assignee: None,
                due: day,
                documents: &["D1".to_owned()],
            },
            now,
        )
        .await
        .unwrap();
    let partner_token = |id: TenantScope, role: Role| {
        let store = env.store.clone();
        async move {
            store
                .create_api_token(&id, role.as_str(), role, "cli", now)
                .await
                .unwrap()
                .secret
        }
    };
    let lex = env
        .store
        .create_tenant(TenantKind::Partner, "Kancelaria Lex", now)
        .await
        .unwrap();
    env.store
        .link_partner(&a.scope, &PartnerId::from(lex.id.clone()), now)
        .await
        .unwrap();
    let other_firm = env
        .store
        .create_tenant(TenantKind::Partner, "Kancelaria Inna", now)
        .await
        .unwrap();
    env.store
        .link_partner(&b.scope, &PartnerId::from(other_firm.id.clone()), now)
        .await
        .unwrap();
    let lex_admin = partner_token(TenantScope::operator(lex.id.clone()), Role::Admin).await;
    let other_admin =
        partner_token(TenantScope::operator(other_firm.id.clone()), Role::Admin).await;
    let (s, case) = env
        .post(
            &a.editor,
            "/api/v1/cases",
            &json!({"agent_id": a.agent.as_str(), "debtor_external_id": "K1",
                "document_external_ids": ["D1"], "note": "sprawa AAA"}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    let case_id = case["id"].as_str().unwrap().to_owned();
    // A's notification (a call recorded) and a batch of SMS.
    let (s, notification) = env
        .post(
            &a.editor,
            &format!("/api/v1/debtors/{}/notifications", ida.debtor),
            &json!({"kind": "call", "text": "Rozmowa AAA"}),
        )
        .await;
    assert_eq!(s, 201, "{notification}");
    let notification_id = notification["id"].as_str().unwrap().to_owned();
    let (batch_id, _) = env
        .store
        .batch_of_unsent(&a.scope, "partia-AAA", "test", &[], now)
        .await
        .unwrap();
    let a_user = env.store.users(&a.scope).await.unwrap().remove(0).id;
    let a_token = env.store.api_tokens(&a.scope).await.unwrap().remove(0).id;

    // Every documented route, made concrete with A's ids.
    // What B sends under A's codes: its own texts, so that what B reads back is B's.
    let template_b = json!({"name": "Szablon BBB", "channel": "sms", "reason": "arrears", "lang": "pl",
        "body": "<wierzyciel>: zaległość BBB <suma_naleznosci>."});
    let process_b = json!({"code": "PROC-AAA", "name": "Proces BBB", "stages": [
        {"code": "S1", "name": "SMS BBB", "channel": "sms", "offset_days": 3, "template": "szablon-aaa"}]});
    let cases = |method: &str, route: &str| -> Option<Case> {
        use Expect::{Foreign, ForeignInBody, OwnSpace};
        use Party::{Agent, Client, Partner, Public};
        let c = |path: String, body: Option<Value>, min_role, party, expect| {
            Some(Case {
                path,
                body,
                min_role,
                party,
                expect,
            })
        };
        let d = &ida.debtor;
        let note = Some(json!({"note": "BBB"}));
        match (method, route) {
            ("post", "/agent/v1/batches") => c(
                route.into(),
                Some(json!({"protocol": 1, "seq": 1, "ops": [
                    {"op": "upsert_debtor", "debtor": {"external_id": "KH-BBB", "kind": "company",
                        "name": "Dłużnik BBB", "nip": null, "email": null, "phone": null, "address": null}}]})),
                "agent",
                Agent,
                OwnSpace,
            ),
            ("get", "/agent/v1/results" | "/agent/v1/config") => {
                c(route.into(), None, "agent", Agent, OwnSpace)
            }
            ("post", "/agent/v1/heartbeat") => c(
                route.into(),
                Some(
                    json!({"protocol": 1, "agent_version": "BBB", "profile": "BBB",
                    "last_sync_at": null, "queue_depth": 0, "quarantined": 0, "last_error": null}),
                ),
                "agent",
                Agent,
                OwnSpace,
            ),
            ("get" | "post", "/callbacks/smsapi/{secret}") => c(
                "/callbacks/smsapi/nie-ten-sekret?MsgId=1&status=403&idx=BBB".into(),
                None,
                "none",
                Public,
                OwnSpace,
            ),
            ("post", "/callbacks/smsapi/{secret}/inbound") => c(
                "/callbacks/smsapi/nie-ten-sekret/inbound?MsgId=1&sms_from=48500100001&sms_text=STOP".into(),
                None,
                "none",
                Public,
                OwnSpace,
            ),
            ("post", "/api/v1/login") => c(
                route.into(),
                Some(json!({"tenant_id": a.scope.as_str(),
                "email": "szef@firma.pl", "password": "zle-haslo-123"})),
                "viewer",
                Public,
                OwnSpace,
            ),
            // Every signed-in party (client or law firm) may end its own session.
            ("post", "/api/v1/logout") => c(route.into(), None, "viewer", Public, OwnSpace),
            (
                "get",
                "/api/v1/debtors"
                | "/api/v1/documents"
                | "/api/v1/payments"
                | "/api/v1/agents"
                | "/api/v1/exclusions"
                | "/api/v1/actions"
                | "/api/v1/out-of-collection"
                | "/api/v1/group-rules"
                | "/api/v1/processes"
                | "/api/v1/templates"
                | "/api/v1/letters"
                | "/api/v1/tasks"
                | "/api/v1/cases"
                | "/api/v1/channel-settings"
                | "/api/v1/collection/settings"
                | "/api/v1/collection/channel-pauses"
                | "/api/v1/stats/market",
            ) => c(route.into(), None, "viewer", Client, OwnSpace),
            ("get", "/api/v1/stats") => c(
                "/api/v1/stats?months=3".into(),
                None,
                "viewer",
                Client,
                OwnSpace,
            ),
            ("get", "/api/v1/notifications" | "/api/v1/inbound-sms") => {
                c(route.into(), None, "viewer", Client, OwnSpace)
            }
            ("post", "/api/v1/debtors/{id}/notifications") => c(
                format!("/api/v1/debtors/{d}/notifications"),
                Some(json!({"kind": "call", "text": "Rozmowa BBB"})),
                "editor",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/notifications/{id}") => c(
                format!("/api/v1/notifications/{notification_id}"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("delete", "/api/v1/notifications/{id}") | ("post", "/api/v1/notifications/{id}/send") => c(
                route.replace("{id}", &notification_id),
                None,
                "editor",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/notifications/send-unsent") => c(
                route.into(),
                Some(json!({"request_id": "bbb-1", "filter": {}})),
                "editor",
                Client,
                OwnSpace,
            ),
            ("post", "/api/v1/notifications/delete-unsent" | "/api/v1/notifications/check-delivery") => {
                c(route.into(), Some(json!({"filter": {}})), "editor", Client, OwnSpace)
            }
            ("post", "/api/v1/notifications/mass-preview" | "/api/v1/notification-batches") => c(
                route.into(),
                Some(json!({"overdue_within_days": 30, "template": "szablon-aaa", "request_id": "bbb-2"})),
                "editor",
                Client,
                OwnSpace,
            ),
            ("get", "/api/v1/notification-batches/{id}") => c(
                format!("/api/v1/notification-batches/{batch_id}"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/notification-batches/{id}/abort" | "/api/v1/notification-batches/{id}/resume") => c(
                route.replace("{id}", &batch_id),
                None,
                "editor",
                Client,
                Foreign,
            ),
            ("put", "/api/v1/debtors/{id}/sector") => c(
                format!("/api/v1/debtors/{d}/sector"),
                Some(json!({"sector": "G"})),
                "editor",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/debtors/{id}/stats") => c(
                format!("/api/v1/debtors/{d}/stats"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/documents/{id}/prediction") => c(
                format!("/api/v1/documents/{}/prediction", ida.document),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/forecast") => c(
                "/api/v1/forecast?days=30".into(),
                None,
                "viewer",
                Client,
                OwnSpace,
            ),
            ("get", "/api/v1/audit" | "/api/v1/users" | "/api/v1/api-tokens")
            | ("post", "/api/v1/channel-settings/sms-check") => {
                c(route.into(), None, "admin", Client, OwnSpace)
            }
            ("post", "/api/v1/users") => c(
                route.into(),
                Some(json!({"email": "bbb@firma-b.pl", "role": "viewer"})),
                "admin",
                Client,
                OwnSpace,
            ),
            ("put", "/api/v1/users/{id}/role") => c(
                format!("/api/v1/users/{a_user}/role"),
                Some(json!({"role": "viewer"})),
                "admin",
                Client,
                Foreign,
            ),
            ("put", "/api/v1/users/{id}/disabled") => c(
                format!("/api/v1/users/{a_user}/disabled"),
                Some(json!({"disabled": true})),
                "admin",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/users/{id}/password-reset") => c(
                format!("/api/v1/users/{a_user}/password-reset"),
                None,
                "admin",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/agents") => c(
                route.into(),
                Some(json!({"name": "Agent BBB"})),
                "admin",
                Client,
                OwnSpace,
            ),
            ("post", "/api/v1/agents/{id}/token" | "/api/v1/agents/{id}/revoke") => c(
                route.replace("{id}", a.agent.as_str()),
                None,
                "admin",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/api-tokens") => c(
                route.into(),
                Some(json!({"name": "Token BBB", "role": "viewer"})),
                "admin",
                Client,
                OwnSpace,
            ),
            ("delete", "/api/v1/api-tokens/{id}") => c(
                format!("/api/v1/api-tokens/{a_token}"),
                None,
                "admin",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/debtors/{id}") => c(
                format!("/api/v1/debtors/{d}"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/debtors/{id}/actions") => c(
                format!("/api/v1/debtors/{d}/actions"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/debtors/{id}/collection") => c(
                format!("/api/v1/debtors/{d}/collection"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("patch", "/api/v1/debtors/{id}/collection") => c(
                format!("/api/v1/debtors/{d}/collection"),
                Some(json!({"tags": ["BBB"]})),
                "editor",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/debtors/{id}/pauses") => c(
                format!("/api/v1/debtors/{d}/pauses"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/debtors/{id}/pauses") => c(
                format!("/api/v1/debtors/{d}/pauses"),
                Some(json!({"kind": "manual", "until": "2027-01-31", "reason": "BBB"})),
                "editor",
                Client,
                Foreign,
            ),
            ("delete", "/api/v1/debtors/{id}/pauses/{pause_id}") => c(
                format!("/api/v1/debtors/{d}/pauses/{pause_id}"),
                None,
                "editor",
                Client,
                Foreign,
            ),
            ("put", "/api/v1/debtors/{id}/contacts/{channel}/consent") => c(
                format!("/api/v1/debtors/{d}/contacts/email/consent"),
                Some(json!({"consent": true, "source": "BBB"})),
                "editor",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/documents/{id}") => c(
                format!("/api/v1/documents/{}", ida.document),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/documents/{id}/actions") => c(
                format!("/api/v1/documents/{}/actions", ida.document),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/actions/on-demand") => c(
                route.into(),
                Some(json!({"stages": ["S1"], "documents": [ida.document], "process": "PROC-AAA"})),
                "editor",
                Client,
                ForeignInBody,
            ),
            ("post", "/api/v1/exclusions") => c(
                route.into(),
                Some(json!({"kind": "document_number_prefix", "value": "BBB/"})),
                "editor",
                Client,
                OwnSpace,
            ),
            ("delete", "/api/v1/exclusions/{id}") => c(
                format!("/api/v1/exclusions/{}", ida.exclusion),
                None,
                "editor",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/companies/{nip}") => c(
                format!("/api/v1/companies/{}", ida.nip),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/companies/{nip}") => c(
                format!("/api/v1/companies/{}", ida.nip),
                None,
                "editor",
                Client,
                OwnSpace,
            ),
            ("put", "/api/v1/group-rules") => {
                c(route.into(), Some(json!([])), "editor", Client, OwnSpace)
            }
            ("get", "/api/v1/processes/{code}") => c(
                "/api/v1/processes/PROC-AAA".into(),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("put", "/api/v1/processes/{code}") => c(
                "/api/v1/processes/PROC-AAA".into(),
                Some(process_b.clone()),
                "editor",
                Client,
                OwnSpace,
            ),
            ("put", "/api/v1/processes/{code}/default") => c(
                "/api/v1/processes/PROC-AAA/default".into(),
                None,
                "editor",
                Client,
                OwnSpace,
            ),
            ("delete", "/api/v1/processes/{code}") => c(
                "/api/v1/processes/PROC-AAA".into(),
                None,
                "editor",
                Client,
                OwnSpace,
            ),
            ("put", "/api/v1/collection/settings") => c(
                route.into(),
                Some(json!({"test_mode": true})),
                "editor",
                Client,
                OwnSpace,
            ),
            ("delete", "/api/v1/collection/channel-pauses/{channel}") => c(
                "/api/v1/collection/channel-pauses/sms".into(),
                None,
                "editor",
                Client,
                OwnSpace,
            ),
            ("put", "/api/v1/templates/{code}") => c(
                "/api/v1/templates/szablon-aaa".into(),
                Some(template_b.clone()),
                "editor",
                Client,
                OwnSpace,
            ),
            ("delete", "/api/v1/templates/{code}") => c(
                "/api/v1/templates/szablon-aaa".into(),
                None,
                "editor",
                Client,
                OwnSpace,
            ),
            ("post", "/api/v1/templates/preview") => c(
                route.into(),
                Some(
                    json!({"name": "Podgląd", "channel": "sms", "reason": "arrears", "lang": "pl", "body": "<wierzyciel>: <suma_naleznosci>."}),
                ),
                "viewer",
                Client,
                OwnSpace,
            ),
            ("put", "/api/v1/channel-settings") => {
                c(route.into(), Some(json!({})), "editor", Client, OwnSpace)
            }
            ("get", "/api/v1/letters/{id}/pdf") => c(
                format!("/api/v1/letters/{}/pdf", letter.id),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("put", "/api/v1/letters/{id}/tracking") => c(
                format!("/api/v1/letters/{}/tracking", letter.id),
                Some(json!({"tracking_number": "RR000000BBB"})),
                "editor",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/posting-book/{day}") => c(
                format!("/api/v1/posting-book/{day}?format=csv"),
                None,
                "viewer",
                Client,
                OwnSpace,
            ),
            ("post", "/api/v1/tasks/{id}/close") => c(
                format!("/api/v1/tasks/{}/close", task.id),
                note.clone(),
                "editor",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/cases") => c(
                route.into(),
                Some(
                    json!({"agent_id": a.agent.as_str(), "debtor_external_id": "K1", "document_external_ids": ["D1"]}),
                ),
                "editor",
                Client,
                ForeignInBody,
            ),
            ("get", "/api/v1/cases/{id}") => c(
                format!("/api/v1/cases/{case_id}"),
                None,
                "viewer",
                Client,
                Foreign,
            ),
            ("post", "/api/v1/cases/{id}/notes") => c(
                format!("/api/v1/cases/{case_id}/notes"),
                note.clone(),
                "editor",
                Client,
                Foreign,
            ),
            ("get", "/api/v1/partner/cases") => c(route.into(), None, "viewer", Partner, OwnSpace),
            ("get", "/api/v1/partner/cases/{id}") => c(
                format!("/api/v1/partner/cases/{case_id}"),
                None,
                "viewer",
                Partner,
                Foreign,
            ),
            (
                "post",
                "/api/v1/partner/cases/{id}/accept"
                | "/api/v1/partner/cases/{id}/reject"
                | "/api/v1/partner/cases/{id}/notes",
            ) => c(
                route.replace("{id}", &case_id),
                note.clone(),
                "editor",
                Partner,
                Foreign,
            ),
            ("post", "/api/v1/partner/cases/{id}/status") => c(
                format!("/api/v1/partner/cases/{case_id}/status"),
                Some(json!({"status": "in_court", "note": "BBB"})),
                "editor",
                Partner,
                Foreign,
            ),
            _ => None,
        }
    };

    let (s, doc) = env.get("", "/api/openapi.json").await;
    assert_eq!(s, 200);
    let mut routes: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.push((method.clone(), path.clone()));
            }
        }
    }
    routes.sort();
    let missing: Vec<String> = routes
        .iter()
        .filter(|(m, p)| cases(m, p).is_none())
        .map(|(m, p)| format!("{} {p}", m.to_uppercase()))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an isolation case (add one to every_documented_route_is_isolated): {missing:#?}"
    );
    assert!(routes.len() >= 65, "{routes:?}");

    let a_secrets = [
        a.scope.as_str(),
        a.agent.as_str(),
        ida.debtor.as_str(),
        ida.document.as_str(),
        ida.exclusion.as_str(),
        letter.id.as_str(),
        task.id.as_str(),
        case_id.as_str(),
        pause_id.as_str(),
        a_user.as_str(),
        a_token.as_str(),
        notification_id.as_str(),
        batch_id.as_str(),
        "AAA",
    ];
    // An answer may repeat what the caller sent (ids and codes in the path, the body's texts);
    // nothing else of A may appear.
    let leak_sent = |path: &str, sent: Option<&Value>, body: &str| {
        let mut sent_texts: Vec<String> = path
            .split(['/', '?', '='])
            .filter(|p| p.len() >= 6)
            .map(str::to_owned)
            .collect();
        if let Some(v) = sent {
            strings(v, &mut sent_texts);
        }
        sent_texts.sort_by_key(|e| std::cmp::Reverse(e.len()));
        let rest = sent_texts
            .iter()
            .filter(|e| e.len() >= 3)
            .fold(body.to_owned(), |t, e| t.replace(e.as_str(), ""));
        a_secrets
            .iter()
            .find(|s| rest.contains(**s))
            .map(|s| (*s).to_owned())
    };
    let rank = |r: &str| match r {
        "viewer" => 0,
        "editor" => 1,
        _ => 2,
    };

    for (method, route) in &routes {
        let case = cases(method, route).unwrap();
        let m = method.to_uppercase();
        let body = case.body.as_ref();
        let p = &case.path;
        if case.party != Party::Public {
            let (s, text) = call(&env, None, &m, p, body).await;
            assert_eq!(s, 401, "nobody: {m} {p}: {text}");
        }
        // Another client firm, every role.
        for (role, token) in [
            ("viewer", &b.viewer),
            ("editor", &b.editor),
            ("admin", &b.admin),
        ] {
            let (s, text) = call(&env, Some(token), &m, p, body).await;
            assert!(s < 500, "B {role} {m} {p}: {s} {text}");
            assert_eq!(
                leak_sent(p, body, &text),
                None,
                "B {role} {m} {p} leaked A's data: {text}"
            );
            match (case.party, case.expect) {
                (Party::Partner, _) => assert_eq!(s, 403, "B {role} {m} {p}: {text}"),
                (Party::Agent, _) => assert_eq!(s, 401, "B {role} {m} {p}: {text}"),
                (Party::Client, Expect::Foreign) => {
                    let below = rank(role) < rank(case.min_role);
                    assert!(
                        s == 404 || (below && s == 403),
                        "B {role} {m} {p}: {s} {text}"
                    );
                }
                (Party::Client, Expect::ForeignInBody) => {
                    let below = rank(role) < rank(case.min_role);
                    assert!(
                        s == 404 || s == 400 || (below && s == 403),
                        "B {role} {m} {p}: {s} {text}"
                    );
                }
                _ => {}
            }
        }
        // Law firms: a client route is not theirs; A's case is not the other firm's.
        for (who, token) in [("Lex", &lex_admin), ("Inna", &other_admin)] {
            if who == "Lex" && case.party == Party::Partner {
                continue; // A's own law firm works the case: partner_flow_end_to_end covers it
            }
            let (s, text) = call(&env, Some(token), &m, p, body).await;
            assert!(s < 500, "{who} {m} {p}: {s} {text}");
            match case.party {
                Party::Client => assert_eq!(s, 403, "{who} {m} {p}: {text}"),
                Party::Agent => assert_eq!(s, 401, "{who} {m} {p}: {text}"),
                Party::Partner if who == "Inna" => {
                    assert_eq!(
                        leak_sent(p, body, &text),
                        None,
                        "{who} {m} {p} leaked: {text}"
                    );
                    if case.expect == Expect::Foreign {
                        assert_eq!(s, 404, "{who} {m} {p}: {text}");
                    }
                }
                _ => {}
            }
        }
        // Another firm's agent reaches only its own firm's data.
        if case.party == Party::Agent {
            let (s, text) = call(&env, Some(&b.agent_token), &m, p, body).await;
            assert!((200..300).contains(&s), "B's agent {m} {p}: {s} {text}");
            assert_eq!(
                leak_sent(p, body, &text),
                None,
                "B's agent {m} {p} leaked A's data: {text}"
            );
        }
        // A's own roles on reads: from the route's role up, and 403 below.
        if case.party == Party::Client && m == "GET" {
            for (role, token) in [
                ("viewer", &a.viewer),
                ("editor", &a.editor),
                ("admin", &a.admin),
            ] {
                let (s, text) = call(&env, Some(token), &m, p, body).await;
                if rank(role) >= rank(case.min_role) {
                    assert!((200..300).contains(&s), "A {role} {m} {p}: {s} {text}");
                } else {
                    assert_eq!(s, 403, "A {role} {m} {p}: {text}");
                }
            }
        }
    }

    // A's data is intact after everything the others tried.
    let (_, t) = env.get(&a.viewer, "/api/v1/templates").await;
    assert!(t.to_string().contains("zaleglosc AAA"), "{t}");
    let (s, _) = env.get(&a.viewer, "/api/v1/processes/PROC-AAA").await;
    assert_eq!(s, 200);
    let (_, pauses) = env
        .get(&a.viewer, &format!("/api/v1/debtors/{}/pauses", ida.debtor))
        .await;
    assert!(pauses.to_string().contains(&pause_id), "{pauses}");
    let (_, letters) = env.get(&a.viewer, "/api/v1/letters").await;
    assert!(letters.to_string().contains("RR000000AAA"), "{letters}");
    let (_, tasks) = env.get(&a.viewer, "/api/v1/tasks?status=open").await;
    assert!(tasks.to_string().contains(task.id.as_str()), "{tasks}");
    let (_, case) = env
        .get(&a.viewer, &format!("/api/v1/cases/{case_id}"))
        .await;
    assert_eq!(case["case"]["status"], "handed_off", "{case}");
    assert!(!case.to_string().contains("BBB"), "{case}");
    let (_, d) = env
        .get(&a.viewer, &format!("/api/v1/documents/{}", ida.document))
        .await;
    assert_eq!(d["remaining_minor"], 400);
    let (_, debtor) = env
        .get(&a.viewer, &format!("/api/v1/debtors/{}", ida.debtor))
        .await;
    assert!(!debtor.to_string().contains("BBB"), "{debtor}");
    // A's users, agent and tokens too: the agent still syncs, nobody was disabled.
    assert_eq!(env.get(&a.agent_token, "/agent/v1/config").await.0, 200);
    assert!(
        env.store
            .users(&a.scope)
            .await
            .unwrap()
            .iter()
            .all(|u| !u.disabled)
    );
    assert_eq!(env.get(&a.admin, "/api/v1/users").await.0, 200);
}
