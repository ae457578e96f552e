//! The process engine's client API over real HTTP, on SQLite and PostgreSQL: processes round
//! trip with the in-use refusal and validation naming the field, a promise to pay that pauses
//! the debtor and reaches the agent's results feed, an on-demand run performed at once in test
//! mode and shown in the history as manual, out of collection and the forecast, roles (a viewer
//! reads and cannot change) and tenant isolation (another firm sees nothing and gets 404).

// Tests may unwrap: a panic is a clear failure here. Scenarios read top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::common::{Env, TenantFixture, company, doc};
use chrono::{DateTime, Utc};
use inkaso_cloud::store::Backend;
use serde_json::{Value, json};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A process: SMS 3 days before, e-mail on the day, an e-mail demand a week after, a hand-off.
fn std_process(code: &str, default: bool) -> Value {
    json!({"code": code, "name": format!("Proces {code}"), "is_default": default, "stages": [
        {"code": "S-3", "name": "Przypomnienie SMS", "channel": "sms", "offset_days": -3, "template": "sms", "grouping": "per_document"},
        {"code": "E0", "name": "E-mail w dniu terminu", "channel": "email", "offset_days": 0, "template": "email"},
        {"code": "E7", "name": "Wezwanie do zapłaty", "channel": "email", "offset_days": 7, "template": "wezwanie"},
        {"code": "H45", "name": "Przekazanie do kancelarii", "channel": "handoff", "offset_days": 45, "template": "kancelaria"}
    ]})
}

async fn send(env: &Env, method: &str, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let r = env
        .http
        .request(m, env.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The tenant's one debtor (KH-1, a company with an e-mail) and its documents, synced now.
async fn seed(env: &Env, t: &TenantFixture, docs: &[(&str, &str)]) -> (String, Vec<String>) {
    let mut ops = vec![company("KH-1", "Firma Jeden", &crate::common::nip(1))];
    for (ext, due) in docs {
        ops.push(doc(ext, "KH-1", due, 100_000, 100_000));
    }
    let (s, b) = env.batch(&t.agent_token, 1, Value::Array(ops)).await;
    assert_eq!(s, 200, "{b}");
    let (s, list) = env.get(&t.viewer, "/api/v1/debtors").await;
    assert_eq!(s, 200);
    let debtor_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, d) = env
        .get(&t.viewer, &format!("/api/v1/debtors/{debtor_id}"))
        .await;
    let mut doc_ids = Vec::new();
    for (ext, _) in docs {
        let found = d["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["external_id"] == *ext)
            .unwrap();
        doc_ids.push(found["id"].as_str().unwrap().to_owned());
    }
    (debtor_id, doc_ids)
}

async fn processes_round_trip(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Firma A").await;
    let b = env.tenant("Firma B").await;
    let (debtor_id, _) = seed(&env, &a, &[("FV-1", "2026-11-10")]).await;

    // Created (the first becomes the default), read back, replaced.
    let (s, body) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/STD",
        &std_process("STD", false),
    )
    .await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["is_default"], true);
    let (s, got) = env.get(&a.viewer, "/api/v1/processes/STD").await;
    assert_eq!(s, 200);
    assert_eq!(got["stages"].as_array().unwrap().len(), 4);
    assert_eq!(got["stages"][1]["code"], "E0");
    let (s, _) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/STD",
        &std_process("STD", true),
    )
    .await;
    assert_eq!(s, 200);
    // A new default unmarks the old; setting the default back works.
    let (s, _) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/SOFT",
        &std_process("SOFT", true),
    )
    .await;
    assert_eq!(s, 201);
    let (_, list) = env.get(&a.viewer, "/api/v1/processes").await;
    let defaults: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["is_default"] == true)
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(defaults, vec!["SOFT"]);
    let (s, set) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/STD/default",
        &Value::Null,
    )
    .await;
    assert_eq!(s, 200, "{set}");
    assert_eq!(
        set.as_array()
            .unwrap()
            .iter()
            .find(|p| p["is_default"] == true)
            .unwrap()["code"],
        "STD"
    );

    // Validation names the field, in Polish and English; nothing is stored.
    let mut bad = std_process("BAD", false);
    bad["stages"][2]["offset_days"] = json!(99_999);
    let (s, err) = send(&env, "PUT", &a.editor, "/api/v1/processes/BAD", &bad).await;
    assert_eq!(s, 400, "{err}");
    assert_eq!(err["error"]["code"], "invalid_body");
    assert_eq!(err["error"]["field"], "stages[2].offset_days");
    assert!(
        err["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("pole „stages[2].offset_days”"),
        "{err}"
    );
    assert!(
        err["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("field \"stages[2].offset_days\""),
        "{err}"
    );
    let (s, _) = env.get(&a.viewer, "/api/v1/processes/BAD").await;
    assert_eq!(s, 404);
    let (s, err) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/OTHER",
        &std_process("STD", false),
    )
    .await;
    assert_eq!((s, err["error"]["field"].as_str()), (400, Some("code")));

    // In use: the debtor's own process and a group rule; the refusal says where.
    let (s, view) = send(
        &env,
        "PATCH",
        &a.editor,
        &format!("/api/v1/debtors/{debtor_id}/collection"),
        &json!({"own_process": "SOFT", "tags": ["vip"]}),
    )
    .await;
    assert_eq!(s, 200, "{view}");
    assert_eq!(
        (view["process"].as_str(), view["assigned_by"].as_str()),
        (Some("SOFT"), Some("own"))
    );
    let (s, err) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/group-rules",
        &json!([{"process": "NOPE", "tag": "vip"}]),
    )
    .await;
    assert_eq!(
        (s, err["error"]["field"].as_str()),
        (400, Some("[0].process")),
        "{err}"
    );
    let (s, _) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/group-rules",
        &json!([{"process": "SOFT", "tag": "vip"}]),
    )
    .await;
    assert_eq!(s, 200);
    let (_, rules) = env.get(&a.viewer, "/api/v1/group-rules").await;
    assert_eq!(rules[0]["process"], "SOFT");
    let (s, err) = env.delete(&a.editor, "/api/v1/processes/SOFT").await;
    assert_eq!(s, 409, "{err}");
    assert_eq!(err["error"]["code"], "conflict");
    let pl = err["error"]["message_pl"].as_str().unwrap();
    assert!(
        pl.contains("przypisany do 1 kontrahenta (m.in. KH-1)"),
        "{pl}"
    );
    assert!(pl.contains("używany w regule grupy nr 1"), "{pl}");
    assert!(
        err["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("cannot be deleted")
    );
    let (s, err) = env.delete(&a.editor, "/api/v1/processes/STD").await;
    assert_eq!(s, 409);
    assert!(
        err["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("jest procesem domyślnym")
    );
    // Freed, deleted.
    send(
        &env,
        "PATCH",
        &a.editor,
        &format!("/api/v1/debtors/{debtor_id}/collection"),
        &json!({"own_process": null}),
    )
    .await;
    send(&env, "PUT", &a.editor, "/api/v1/group-rules", &json!([])).await;
    let (_, view) = env
        .get(
            &a.viewer,
            &format!("/api/v1/debtors/{debtor_id}/collection"),
        )
        .await;
    assert_eq!(
        (view["process"].as_str(), view["assigned_by"].as_str()),
        (Some("STD"), Some("default"))
    );
    assert_eq!(view["tags"], json!(["vip"]));
    let (s, _) = env.delete(&a.editor, "/api/v1/processes/SOFT").await;
    assert_eq!(s, 204);
    let (s, _) = env.get(&a.viewer, "/api/v1/processes/SOFT").await;
    assert_eq!(s, 404);

    // A viewer reads and cannot change anything.
    let (s, _) = env.get(&a.viewer, "/api/v1/collection/settings").await;
    assert_eq!(s, 200);
    for (method, path, body) in [
        (
            "PUT",
            "/api/v1/processes/X".to_owned(),
            std_process("X", false),
        ),
        ("DELETE", "/api/v1/processes/STD".to_owned(), Value::Null),
        (
            "PUT",
            "/api/v1/processes/STD/default".to_owned(),
            Value::Null,
        ),
        ("PUT", "/api/v1/group-rules".to_owned(), json!([])),
        (
            "PUT",
            "/api/v1/collection/settings".to_owned(),
            json!({"test_mode": true}),
        ),
        (
            "DELETE",
            "/api/v1/collection/channel-pauses/sms".to_owned(),
            Value::Null,
        ),
        (
            "PATCH",
            format!("/api/v1/debtors/{debtor_id}/collection"),
            json!({"excluded": true}),
        ),
        (
            "POST",
            format!("/api/v1/debtors/{debtor_id}/pauses"),
            json!({"kind": "dispute"}),
        ),
        (
            "POST",
            "/api/v1/actions/on-demand".to_owned(),
            json!({"stages": ["E7"], "documents": ["x"]}),
        ),
    ] {
        let (s, err) = send(&env, method, &a.viewer, &path, &body).await;
        assert_eq!(
            (s, err["error"]["code"].as_str()),
            (403, Some("forbidden")),
            "{method} {path}"
        );
    }
    assert_eq!(env.get(&a.viewer, "/api/v1/processes/STD").await.0, 200);

    // Another firm sees none of it and gets 404 for A's ids.
    let (s, list) = env.get(&b.admin, "/api/v1/processes").await;
    assert_eq!((s, list), (200, json!([])));
    assert_eq!(env.get(&b.admin, "/api/v1/processes/STD").await.0, 404);
    assert_eq!(env.delete(&b.admin, "/api/v1/processes/STD").await.0, 404);
    assert_eq!(
        env.get(&b.admin, &format!("/api/v1/debtors/{debtor_id}/collection"))
            .await
            .0,
        404
    );
    assert_eq!(
        env.get(&b.admin, &format!("/api/v1/debtors/{debtor_id}/actions"))
            .await
            .0,
        404
    );

    // The OpenAPI document describes the engine's endpoints.
    let spec: Value = env
        .http
        .get(env.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/processes/{code}",
        "/api/v1/actions/on-demand",
        "/api/v1/debtors/{id}/pauses",
        "/api/v1/forecast",
        "/api/v1/out-of-collection",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
}

async fn promise_to_pay(backend: Backend) {
    let env = Env::new(backend).await;
    // Tuesday 24 November 2026, 11:00 Warsaw: inside every stage's window.
    env.clock.set(at("2026-11-24T10:00:00Z"));
    let a = env.tenant("Firma A").await;
    let (debtor_id, docs) = seed(&env, &a, &[("FV-1", "2026-11-10"), ("FV-2", "2026-11-12")]).await;
    send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/STD",
        &std_process("STD", true),
    )
    .await;
    let pauses = format!("/api/v1/debtors/{debtor_id}/pauses");

    // Refusals name the field.
    let (s, err) = send(
        &env,
        "POST",
        &a.editor,
        &pauses,
        &json!({"kind": "promise_to_pay"}),
    )
    .await;
    assert_eq!((s, err["error"]["field"].as_str()), (400, Some("until")));
    let (s, err) = send(
        &env,
        "POST",
        &a.editor,
        &pauses,
        &json!({"kind": "manual", "until": "2026-12-01"}),
    )
    .await;
    assert_eq!((s, err["error"]["field"].as_str()), (400, Some("reason")));
    let (s, err) = send(
        &env,
        "POST",
        &a.editor,
        &pauses,
        &json!({"kind": "promise_to_pay", "until": "2026-11-01"}),
    )
    .await;
    assert_eq!((s, err["error"]["field"].as_str()), (400, Some("until")));

    // The debtor promises by phone to pay FV-1 by 4 December.
    let (s, pause) = send(
        &env,
        "POST",
        &a.editor,
        &pauses,
        &json!({"kind": "promise_to_pay", "until": "2026-12-04", "reason": "rozmowa telefoniczna", "document_id": docs[0]}),
    )
    .await;
    assert_eq!(s, 201, "{pause}");
    assert_eq!(
        (
            pause["active"].as_bool(),
            pause["document_external_id"].as_str()
        ),
        (Some(true), Some("FV-1"))
    );
    // It reached the agent's feed.
    let (s, feed) = env.get(&a.agent_token, "/agent/v1/results?after=").await;
    assert_eq!(s, 200, "{feed}");
    let promise = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["event"]["kind"] == "promise_to_pay")
        .unwrap_or_else(|| panic!("no promise in {feed}"));
    assert_eq!(promise["event"]["debtor_external_id"], "KH-1");
    assert_eq!(promise["event"]["document_external_ids"], json!(["FV-1"]));
    assert_eq!(promise["event"]["until"], "2026-12-04");
    assert_eq!(promise["event"]["note"], "rozmowa telefoniczna");
    // The engine holds FV-1 (and only FV-1) with the promise's reason.
    let (s, run) = send(
        &env,
        "POST",
        &a.editor,
        "/api/v1/actions/on-demand",
        &json!({"stages": ["E7"], "documents": [docs[0]], "request_id": "P-1"}),
    )
    .await;
    assert_eq!(s, 200, "{run}");
    assert_eq!(run["decisions"][0]["outcome"], "held", "{run}");
    assert!(
        run["decisions"][0]["reason_pl"]
            .as_str()
            .unwrap()
            .contains("obietnica zapłaty"),
        "{run}"
    );
    assert!(run["actions"].as_array().unwrap().is_empty());
    // A debtor-wide dispute, listed; lifting both.
    let (s, dispute) = send(
        &env,
        "POST",
        &a.editor,
        &pauses,
        &json!({"kind": "dispute", "reason": "reklamacja"}),
    )
    .await;
    assert_eq!(s, 201);
    assert!(dispute["until"].is_null());
    let (_, list) = env.get(&a.viewer, &pauses).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    for p in [&pause, &dispute] {
        let id = p["id"].as_str().unwrap();
        assert_eq!(
            env.delete(&a.editor, &format!("{pauses}/{id}")).await.0,
            204
        );
    }
    assert_eq!(
        env.delete(&a.editor, &format!("{pauses}/nope")).await.0,
        404
    );
    let (_, list) = env.get(&a.viewer, &pauses).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|p| p["active"] == false && p["lifted_by"].is_string()),
        "{list}"
    );
    // Lifted: the same stage is due now (a new request; the held one recorded nothing).
    let (_, run) = send(
        &env,
        "POST",
        &a.editor,
        "/api/v1/actions/on-demand",
        &json!({"stages": ["E7"], "documents": [docs[0]], "request_id": "P-2"}),
    )
    .await;
    assert_eq!(run["decisions"][0]["outcome"], "due", "{run}");
    // Only a promise goes to the feed.
    let (_, feed) = env.get(&a.agent_token, "/agent/v1/results?after=").await;
    let kinds: Vec<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["event"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "promise_to_pay").count(),
        1,
        "{kinds:?}"
    );
    // Another firm cannot see or lift them.
    let b = env.tenant("Firma B").await;
    assert_eq!(env.get(&b.admin, &pauses).await.0, 404);
}

/// A tenant in test mode with the process and two documents of KH-1: FV-1 two weeks overdue,
/// FV-2 due in a month; Tuesday 24 November 2026, 11:00 Warsaw (inside every window).
async fn on_demand_setup(backend: Backend) -> (Env, TenantFixture, String, Vec<String>) {
    let env = Env::new(backend).await;
    env.clock.set(at("2026-11-24T10:00:00Z"));
    let a = env.tenant("Firma A").await;
    let (debtor_id, docs) = seed(&env, &a, &[("FV-1", "2026-11-10"), ("FV-2", "2026-12-20")]).await;
    send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/STD",
        &std_process("STD", true),
    )
    .await;
    let (s, settings) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/collection/settings",
        &json!({"test_mode": true}),
    )
    .await;
    assert_eq!(s, 200, "{settings}");
    assert_eq!(settings["policy"]["sync_max_age_hours"], 24);
    (env, a, debtor_id, docs)
}

const ON_DEMAND: &str = "/api/v1/actions/on-demand";

/// The e-mail demand for both documents (one message for the debtor) and the hand-off, which
/// goes only for the overdue FV-1: FV-2 is skipped as not overdue.
fn request_r1(docs: &[String]) -> Value {
    json!({"stages": ["E7", "H45"], "documents": [docs[0], docs[1]], "request_id": "R-1"})
}

async fn on_demand_in_test_mode(backend: Backend) {
    let (env, a, debtor_id, docs) = on_demand_setup(backend).await;
    let (s, err) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/collection/settings",
        &json!({"test_mode": true, "policy": {"sync_max_age_hours": 0}}),
    )
    .await;
    assert_eq!(
        (s, err["error"]["field"].as_str()),
        (400, Some("policy.sync_max_age_hours"))
    );
    // Refusals.
    let (s, err) = send(
        &env,
        "POST",
        &a.editor,
        ON_DEMAND,
        &json!({"stages": ["NOPE"], "documents": [docs[0]]}),
    )
    .await;
    assert_eq!(
        (s, err["error"]["field"].as_str()),
        (400, Some("stages")),
        "{err}"
    );
    let (s, err) = send(
        &env,
        "POST",
        &a.editor,
        ON_DEMAND,
        &json!({"stages": ["E7"], "documents": [docs[0]], "request_id": "zły id"}),
    )
    .await;
    assert_eq!(
        (s, err["error"]["field"].as_str()),
        (400, Some("request_id")),
        "{err}"
    );
    let (s, _) = send(
        &env,
        "POST",
        &a.editor,
        ON_DEMAND,
        &json!({"stages": ["E7"], "documents": ["nie-ma"]}),
    )
    .await;
    assert_eq!(s, 404);

    // Planned with the guards and recorded as manual.
    let (s, run) = send(&env, "POST", &a.editor, ON_DEMAND, &request_r1(&docs)).await;
    assert_eq!(s, 200, "{run}");
    assert_eq!(run["process"], "STD");
    let outcomes: Vec<(&str, &str)> = run["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["stage"].as_str().unwrap(), d["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        vec![("E7", "due"), ("H45", "due"), ("H45", "skipped")],
        "{run}"
    );
    let actions = run["actions"].as_array().unwrap();
    assert!(actions.iter().all(|x| x["automatic"] == false), "{run}");
    let skipped = actions.iter().find(|x| x["status"] == "skipped").unwrap();
    assert_eq!(
        (skipped["stage"].as_str(), skipped["reason_code"].as_str()),
        (Some("H45"), Some("not_overdue"))
    );
    assert!(
        skipped["key"]
            .as_str()
            .unwrap()
            .starts_with("manual/R-1/STD/H45/"),
        "{run}"
    );

    // In the history as manual: overall, per debtor, per document; filters and pages.
    let (_, manual) = env
        .get(&a.viewer, "/api/v1/actions?manual=true&status=skipped")
        .await;
    assert_eq!(manual["items"].as_array().unwrap().len(), 1, "{manual}");
    assert_eq!(manual["items"][0]["id"], skipped["id"]);
    let (_, by_doc) = env
        .get(
            &a.viewer,
            &format!("/api/v1/documents/{}/actions?manual=true", docs[1]),
        )
        .await;
    assert!(
        by_doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == skipped["id"]),
        "{by_doc}"
    );
    let (_, by_doc) = env
        .get(
            &a.viewer,
            &format!("/api/v1/documents/{}/actions?manual=true", docs[0]),
        )
        .await;
    assert!(
        by_doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != skipped["id"]),
        "{by_doc}"
    );
    let (_, by_debtor) = env
        .get(
            &a.viewer,
            &format!("/api/v1/debtors/{debtor_id}/actions?channel=handoff"),
        )
        .await;
    assert!(
        by_debtor["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == skipped["id"])
    );
    let (_, sms) = env
        .get(&a.viewer, "/api/v1/actions?manual=true&channel=sms")
        .await;
    assert!(sms["items"].as_array().unwrap().is_empty());
    let (s, err) = env.get(&a.viewer, "/api/v1/actions?status=lost").await;
    assert_eq!((s, err["error"]["field"].as_str()), (400, Some("status")));
    // The runner's tick ran too: the automatic schedule went out in test mode (FV-1's latest
    // due stage, the +7 demand; the older ones skipped as superseded).
    let (_, auto) = env
        .get(&a.viewer, "/api/v1/actions?manual=false&status=sent")
        .await;
    let auto_sent: Vec<&str> = auto["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert_eq!(auto_sent, vec!["STD/E7/debtor/KH-1/FV-1/0"], "{auto}");
    let (_, all) = env.get(&a.viewer, "/api/v1/actions?limit=500").await;
    let total = all["items"].as_array().unwrap().len();
    assert!(total >= 3, "{all}");
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let (_, page) = env
            .get(&a.viewer, &format!("/api/v1/actions?limit=1&after={after}"))
            .await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["id"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => c.clone_into(&mut after),
            None => break,
        }
    }
    assert_eq!(
        Value::Array(seen),
        Value::Array(
            all["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["id"].clone())
                .collect()
        )
    );

    // Another firm sees none of it.
    let b = env.tenant("Firma B").await;
    let (_, theirs) = env.get(&b.admin, "/api/v1/actions").await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    assert_eq!(
        env.get(&b.admin, &format!("/api/v1/documents/{}/actions", docs[0]))
            .await
            .0,
        404
    );
    let (s, _) = send(
        &env,
        "POST",
        &b.editor,
        ON_DEMAND,
        &json!({"stages": ["E7"], "documents": [docs[0]]}),
    )
    .await;
    assert_eq!(s, 404);
}

/// The on-demand actions are performed at once by the runner's tick and shown as manual; the
/// same request again performs nothing twice.
async fn on_demand_sends_at_once(backend: Backend) {
    let (env, a, debtor_id, docs) = on_demand_setup(backend).await;
    let (s, run) = send(&env, "POST", &a.editor, ON_DEMAND, &request_r1(&docs)).await;
    assert_eq!(s, 200, "{run}");
    let actions = run["actions"].as_array().unwrap();
    let sent: Vec<&Value> = actions.iter().filter(|x| x["status"] == "sent").collect();
    assert_eq!(sent.len(), 2, "{run}");
    assert!(sent.iter().all(|x| x["automatic"] == false));
    let email = sent.iter().find(|x| x["channel"] == "email").unwrap();
    assert!(
        email["key"]
            .as_str()
            .unwrap()
            .starts_with("manual/R-1/STD/E7/"),
        "{run}"
    );
    assert!(
        email["provider_id"]
            .as_str()
            .unwrap()
            .starts_with("test-mode:"),
        "{run}"
    );
    let covered: Vec<&str> = email["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["document"].as_str().unwrap())
        .collect();
    assert_eq!(covered, vec!["FV-1", "FV-2"]);
    assert!(
        sent.iter().any(|x| x["channel"] == "handoff"
            && x["description"].as_str().unwrap().contains("kancelarii")),
        "{run}"
    );
    // Sending the same request again performs nothing twice.
    let (_, again) = send(&env, "POST", &a.editor, ON_DEMAND, &request_r1(&docs)).await;
    assert!(again["decisions"].as_array().unwrap().is_empty(), "{again}");
    assert_eq!(again["actions"].as_array().unwrap().len(), actions.len());
    let (_, manual) = env
        .get(
            &a.viewer,
            "/api/v1/actions?manual=true&status=sent&channel=email",
        )
        .await;
    assert_eq!(manual["items"].as_array().unwrap().len(), 1, "{manual}");
    assert_eq!(manual["items"][0]["id"], email["id"]);
    let (_, by_debtor) = env
        .get(
            &a.viewer,
            &format!("/api/v1/debtors/{debtor_id}/actions?manual=true&status=sent"),
        )
        .await;
    assert_eq!(
        by_debtor["items"].as_array().unwrap().len(),
        2,
        "{by_debtor}"
    );
}

async fn out_of_collection_and_forecast(backend: Backend) {
    let env = Env::new(backend).await;
    env.clock.set(at("2026-11-24T10:00:00Z"));
    let a = env.tenant("Firma A").await;
    // FV-OLD is 100 days overdue: every stage lies behind it. FV-NEW is due in a week.
    let (debtor_id, _) = seed(
        &env,
        &a,
        &[("FV-OLD", "2026-08-16"), ("FV-NEW", "2026-12-01")],
    )
    .await;
    let (_, none) = env.get(&a.viewer, "/api/v1/out-of-collection").await;
    assert_eq!(none[0]["reason"], "no_process", "{none}");
    send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/processes/STD",
        &std_process("STD", true),
    )
    .await;
    let (s, out) = env.get(&a.viewer, "/api/v1/out-of-collection").await;
    assert_eq!(s, 200);
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0]["document_external_id"], "FV-OLD");
    assert_eq!(out[0]["reason"], "past_last_stage");
    assert_eq!(out[0]["process"], "STD");

    for bad in ["0", "367"] {
        let (s, err) = env
            .get(&a.viewer, &format!("/api/v1/forecast?days={bad}"))
            .await;
        assert_eq!((s, err["error"]["field"].as_str()), (400, Some("days")));
    }
    let (s, fc) = env
        .get(
            &a.viewer,
            &format!("/api/v1/forecast?days=60&debtor_id={debtor_id}"),
        )
        .await;
    assert_eq!(s, 200, "{fc}");
    let due: Vec<(&str, &str)> = fc
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["outcome"] == "due" && x["documents"] == json!(["FV-NEW"]))
        .map(|x| (x["stage"].as_str().unwrap(), x["at"].as_str().unwrap()))
        .collect();
    let stages: Vec<&str> = due.iter().map(|(s, _)| *s).collect();
    // SMS needs consent (none given): skipped; the rest in order (9:00 Warsaw is 8:00 UTC).
    assert_eq!(stages, vec!["E0", "E7", "H45"], "{fc}");
    assert_eq!(due[0].1, "2026-12-01T08:00:00Z");
    assert_eq!(due[1].1, "2026-12-08T08:00:00Z");
    assert_eq!(due[2].1, "2027-01-15T08:00:00Z");
    let (_, short) = env.get(&a.viewer, "/api/v1/forecast?days=30").await;
    assert!(
        short
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["stage"] != "H45" || x["documents"] != json!(["FV-NEW"]))
    );
    let b = env.tenant("Firma B").await;
    let (_, theirs) = env.get(&b.admin, "/api/v1/forecast?days=60").await;
    assert_eq!(theirs, json!([]));
    let (_, theirs) = env.get(&b.admin, "/api/v1/out-of-collection").await;
    assert_eq!(theirs, json!([]));
}

/// The debtor list filtered by the process that applies agrees with the engine's assignment
/// (own process, group rules by tag, kind and total, the default), and lists sort by their
/// columns both ways, page after page.
async fn lists_by_process_and_order(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Firma A").await;
    for (code, default) in [("STD", true), ("SOFT", false), ("HARD", false)] {
        let path = format!("/api/v1/processes/{code}");
        let (s, v) = send(&env, "PUT", &a.editor, &path, &std_process(code, default)).await;
        assert_eq!(s, 201, "{v}");
    }
    let ops = vec![
        company("KH-1", "Alfa", &crate::common::nip(1)),
        company("KH-2", "Beta", &crate::common::nip(2)),
        crate::common::person("KH-3", "Celina Nowak"),
        company("KH-4", "Delta", &crate::common::nip(4)),
        company("KH-5", "Echo", &crate::common::nip(5)),
        company("KH-6", "Fokus", &crate::common::nip(6)),
        doc("D-1", "KH-1", "2026-11-01", 100_000, 100_000),
        doc("D-2", "KH-2", "2026-11-02", 200_000, 150_000),
        doc("D-3", "KH-3", "2026-11-03", 500_000, 500_000),
        doc("D-4", "KH-4", "2026-11-04", 50_000, 50_000),
        doc("D-5", "KH-5", "2026-11-05", 400_000, 400_000),
        doc("D-6", "KH-6", "2026-11-06", 10_000, 10_000),
        doc("D-7", "KH-6", "2026-11-07", 20_000, 20_000),
    ];
    let (s, batch) = env.batch(&a.agent_token, 1, Value::Array(ops)).await;
    assert_eq!(s, 200, "{batch}");
    let (_, list) = env.get(&a.viewer, "/api/v1/debtors?limit=100").await;
    let ids: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let id = |name: &str| ids.iter().find(|(n, _)| n == name).unwrap().1.clone();
    // Tags as people type them: the rule's "vip" matches "VIP" but not "vip-plus" nor a tag
    // that only contains it between quotes.
    for (name, change) in [
        ("Beta", json!({"tags": ["VIP"]})),
        ("Delta", json!({"own_process": "HARD"})),
        ("Echo", json!({"tags": ["vip-plus", "x\"vip\""]})),
    ] {
        let (s, v) = send(
            &env,
            "PATCH",
            &a.editor,
            &format!("/api/v1/debtors/{}/collection", id(name)),
            &change,
        )
        .await;
        assert_eq!(s, 200, "{name}: {v}");
    }
    let (s, v) = send(
        &env,
        "PUT",
        &a.editor,
        "/api/v1/group-rules",
        &json!([
            {"process": "SOFT", "tag": " vip "},
            {"process": "HARD", "kind": "person"},
            {"process": "HARD", "min_total": {"minor": 300_000, "currency": "PLN"}},
        ]),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let mut by_engine: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for (name, debtor) in &ids {
        let (_, view) = env
            .get(&a.viewer, &format!("/api/v1/debtors/{debtor}/collection"))
            .await;
        by_engine
            .entry(view["process"].as_str().unwrap().to_owned())
            .or_default()
            .push(name.clone());
    }
    assert_eq!(by_engine["SOFT"], ["Beta"]);
    assert_eq!(by_engine["HARD"], ["Celina Nowak", "Delta", "Echo"]);
    assert_eq!(by_engine["STD"], ["Alfa", "Fokus"]);
    for (code, names) in &by_engine {
        let (s, v) = env
            .get(&a.viewer, &format!("/api/v1/debtors?process={code}"))
            .await;
        assert_eq!(s, 200, "{v}");
        let listed: Vec<&str> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(&listed, names, "{code}");
    }
    let (s, v) = env.get(&a.viewer, "/api/v1/debtors?process=NOPE").await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (400, Some("process")),
        "{v}"
    );

    // Most open documents first, two a page: Fokus (2), then the rest, ties broken by id the
    // same way on every page.
    let mut seen = Vec::new();
    let mut path = "/api/v1/debtors?sort=-open_documents&limit=2".to_owned();
    loop {
        let (s, v) = env.get(&a.viewer, &path).await;
        assert_eq!(s, 200, "{v}");
        for d in v["items"].as_array().unwrap() {
            seen.push((
                d["open_documents"].as_u64().unwrap(),
                d["name"].as_str().unwrap().to_owned(),
            ));
        }
        match v["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/debtors?sort=-open_documents&limit=2&after={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert_eq!(seen[0], (2, "Fokus".to_owned()));
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "{seen:?}");
    let (_, v) = env
        .get(&a.viewer, "/api/v1/debtors?sort=-name&limit=1")
        .await;
    assert_eq!(v["items"][0]["name"], "Fokus");

    // Documents by what is left to pay, largest first, across pages; by number; searched.
    let mut remaining = Vec::new();
    let mut path = "/api/v1/documents?sort=-remaining&limit=3".to_owned();
    loop {
        let (s, v) = env.get(&a.viewer, &path).await;
        assert_eq!(s, 200, "{v}");
        for d in v["items"].as_array().unwrap() {
            remaining.push(d["remaining_minor"].as_i64().unwrap());
        }
        match v["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/documents?sort=-remaining&limit=3&after={c}"),
            None => break,
        }
    }
    assert_eq!(
        remaining,
        [500_000, 400_000, 150_000, 100_000, 50_000, 20_000, 10_000]
    );
    let (_, v) = env
        .get(&a.viewer, "/api/v1/documents?sort=number&limit=1&q=d-5")
        .await;
    assert_eq!(v["items"][0]["number"], "FS D-5/2026", "{v}");
    assert_eq!(v["next_cursor"], Value::Null);
    let (s, v) = env.get(&a.viewer, "/api/v1/documents?sort=amount").await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (400, Some("sort")),
        "{v}"
    );
    assert!(
        v["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("due, remaining, number"),
        "{v}"
    );
}

on_both!(
    processes_round_trip,
    lists_by_process_and_order,
    promise_to_pay,
    on_demand_in_test_mode,
    out_of_collection_and_forecast
);

on_both!(on_demand_sends_at_once);
