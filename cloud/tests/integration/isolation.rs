//! Tenant isolation matrix: every endpoint of the agent and client APIs, called with another
//! tenant's credentials (agent token and each role), each role of the owner, a revoked agent
//! and nobody. Nothing of tenant A is visible or changeable from B; other tenants' ids are 404.

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::too_many_lines
)] // tests: a panic is a clear failure; scenarios read top to bottom

use crate::common::{Env, TenantFixture, company, doc, nip};
use inkaso_cloud::store::Backend;
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
            &t.tenant_id,
            &t.agent_id,
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
        .create_agent(&a.tenant_id, "stary", env.clock_now())
        .await
        .unwrap();
    env.store
        .revoke_agent(&a.tenant_id, &revoked.id, "test", env.clock_now())
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
        a.tenant_id.as_str(),
        a.agent_id.as_str(),
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
    assert_eq!(env.count("documents", &a.tenant_id).await, 1);

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
        .json(&json!({"tenant_id": b.tenant_id, "email": "szef@firma.pl", "password": "zle-haslo-123"}))
        .send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}
