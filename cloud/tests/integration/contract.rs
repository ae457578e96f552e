//! The contract suite: the same scenarios against SQLite and PostgreSQL (a fresh database per
//! test), over real HTTP on 127.0.0.1:0.

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::too_many_lines
)] // tests: a panic is a clear failure; scenarios read top to bottom

use crate::common::{Env, close, company, doc, nip, person};
use chrono::Duration;
use inkaso_cloud::domain::ids::AgentId;
use inkaso_cloud::store::Backend;
use inkaso_shared::protocol::{MAX_OPS_PER_BATCH, ResultEvent, paths};
use inkaso_shared::records::ExternalId;
use serde_json::{Value, json};
use sqlx::Row as _;

on_both!(
    ordered_exactly_once,
    failed_batch_changes_nothing,
    control_characters_are_refused_naming_the_record,
    payments_are_recorded,
    snapshot_closes_missing_and_unchanged_resend_writes_nothing,
    first_snapshot_of_an_agent,
    new_rows_round_trip_exactly,
    first_load_resending_a_key_is_applied_once,
    bodies_gzip_limits_and_errors,
    results_feed_pages_with_cursor,
    config_heartbeat_and_health,
    client_api_lists_filters_and_pages,
    roles_sessions_and_revocation,
    operations_endpoints,
    templates_letters_tasks_and_delivery_reports,
    delivery_callbacks_need_the_secret_and_match_the_action,
    wrong_passwords_lock_out_and_are_audited,
    a_login_flood_does_not_stall_agents,
);

async fn ordered_exactly_once(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Alfa").await;
    let ops = json!([
        company("K1", "Alfa Sp. z o.o.", &nip(1)),
        doc("D1", "K1", "2026-11-01", 10_000, 10_000)
    ]);
    let (s, ack) = env.batch(&t.agent_token, 1, ops.clone()).await;
    assert_eq!(
        (s, &ack),
        (200, &json!({"seq": 1, "applied": true, "next_seq": 2}))
    );

    // A replay is acknowledged without effect, even with different content.
    let (s, ack) = env
        .batch(
            &t.agent_token,
            1,
            json!([doc("D2", "K1", "2026-11-01", 5, 5)]),
        )
        .await;
    assert_eq!(
        (s, &ack),
        (200, &json!({"seq": 1, "applied": false, "next_seq": 2}))
    );
    assert_eq!(env.count("documents", t.scope.as_str()).await, 1);

    // A gap is refused with the expected seq.
    let (s, err) = env.batch(&t.agent_token, 3, json!([])).await;
    assert_eq!(s, 409);
    assert_eq!(err["error"]["code"], "seq_gap");
    assert_eq!(err["error"]["expected_seq"], 2);
    assert!(
        err["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("oczekiwano seq 2")
    );

    let (s, ack) = env
        .batch(
            &t.agent_token,
            2,
            json!([doc("D2", "K1", "2026-11-05", 500, 500)]),
        )
        .await;
    assert_eq!((s, ack["applied"].clone()), (200, json!(true)));
    assert_eq!(env.count("documents", t.scope.as_str()).await, 2);
    let (_, cfg) = env.get(&t.agent_token, "/agent/v1/config").await;
    assert_eq!(cfg["next_seq"], 3);
}

async fn failed_batch_changes_nothing(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Beta").await;
    let ops = json!([
        company("K1", "Beta", &nip(2)),
        doc("D1", "K1", "2026-11-01", 100, 100),
        {"op": "snapshot_end", "snapshot_id": "nie-ma", "observed_on": "2026-11-22"}
    ]);
    let (s, err) = env.batch(&t.agent_token, 1, ops).await;
    assert_eq!(s, 422, "{err}");
    assert_eq!(err["error"]["code"], "invalid_record");
    assert_eq!(err["error"]["field"], "ops[2].snapshot_id");
    assert_eq!(env.count("documents", t.scope.as_str()).await, 0);
    assert_eq!(env.count("debtors", t.scope.as_str()).await, 0);
    // The seq did not advance: the corrected batch is still seq 1.
    let (s, ack) = env
        .batch(&t.agent_token, 1, json!([company("K1", "Beta", &nip(2))]))
        .await;
    assert_eq!((s, ack["applied"].clone()), (200, json!(true)));
}

/// Issue 13: a NUL (which PostgreSQL refuses in text) or another control character in any text
/// field of a record is refused with 422 naming the op and the field, never a 500 that an agent
/// would retry for ever; the batch without it applies, so one record stops nothing else.
async fn control_characters_are_refused_naming_the_record(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Nul").await;
    let mut poisoned_person = person("K3", "Jan Kowalski");
    poisoned_person["debtor"]["address"]["city"] = json!("Gda\u{1b}ńsk");
    let mut poisoned_doc = doc("D2", "K1", "2026-11-01", 100, 100);
    poisoned_doc["document"]["number"] = json!("FS\u{0}2");
    for (i, (poison, field)) in [
        (company("K2", "A\u{0}B", &nip(4)), "name"),
        (poisoned_person, "address.city"),
        (poisoned_doc, "number"),
    ]
    .into_iter()
    .enumerate()
    {
        let ops = json!([
            company("K1", "Alfa", &nip(1)),
            poison,
            doc("D1", "K1", "2026-11-01", 100, 100)
        ]);
        let (s, err) = env.batch(&t.agent_token, 1, ops).await;
        assert_eq!(s, 422, "case {i}: {err}");
        assert_eq!(err["error"]["code"], "invalid_record", "case {i}");
        assert_eq!(err["error"]["field"], "ops[1]", "case {i}");
        let message = err["error"]["message_pl"].as_str().unwrap();
        assert!(
            message.contains(field) && message.contains("sterujący"),
            "case {i}: {message}"
        );
        assert_eq!(env.count("debtors", t.scope.as_str()).await, 0);
    }
    // The agent takes the refused record out and sends the rest under the same seq.
    env.batch_ok(
        &t.agent_token,
        1,
        json!([
            company("K1", "Alfa", &nip(1)),
            doc("D1", "K1", "2026-11-01", 100, 100)
        ]),
    )
    .await;
    assert_eq!(env.count("documents", t.scope.as_str()).await, 1);
    env.batch_ok(
        &t.agent_token,
        2,
        json!([doc("D3", "K1", "2026-11-02", 50, 50)]),
    )
    .await;
    assert_eq!(env.count("documents", t.scope.as_str()).await, 2);
}

async fn payments_are_recorded(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Gamma").await;
    env.batch(
        &t.agent_token,
        1,
        json!([
            company("K1", "Gamma", &nip(3)),
            doc("D1", "K1", "2026-11-01", 1000, 1000)
        ]),
    )
    .await;
    env.batch(
        &t.agent_token,
        2,
        json!([doc("D1", "K1", "2026-11-01", 1000, 600)]),
    )
    .await;
    env.batch(
        &t.agent_token,
        3,
        json!([close("D1", "paid", "2026-11-20")]),
    )
    .await;
    // Closing again (or closing an unknown document) is harmless.
    let (s, _) = env
        .batch(
            &t.agent_token,
            4,
            json!([
                close("D1", "paid", "2026-11-21"),
                close("X", "deleted", "2026-11-21")
            ]),
        )
        .await;
    assert_eq!(s, 200);
    let (s, page) = env.get(&t.viewer, "/api/v1/payments").await;
    assert_eq!(s, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    // Sorted by the day observed: the close as paid was seen (2026-11-20) before "today".
    assert_eq!(items[0]["paid_minor"], 600);
    assert_eq!(items[0]["observed_on"], "2026-11-20");
    assert_eq!(items[1]["paid_minor"], 400);
    assert_eq!(items[1]["observed_on"], "2026-11-22");
    assert_eq!(items[1]["remaining_before"], 1000);
    let (_, docs) = env.get(&t.viewer, "/api/v1/documents?status=closed").await;
    assert_eq!(docs["items"][0]["close_reason"], "paid");
    assert_eq!(docs["items"][0]["closed_on"], "2026-11-20");
    // Reopened by a later upsert.
    env.batch(
        &t.agent_token,
        5,
        json!([doc("D1", "K1", "2026-11-01", 1000, 300)]),
    )
    .await;
    let (_, docs) = env.get(&t.viewer, "/api/v1/documents?status=open").await;
    assert_eq!(docs["items"][0]["remaining_minor"], 300);
}

async fn snapshot_closes_missing_and_unchanged_resend_writes_nothing(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Delta").await;
    let abc = json!([
        company("K1", "Delta", &nip(4)),
        doc("A", "K1", "2026-11-01", 100, 100),
        doc("B", "K1", "2026-11-02", 200, 200),
        doc("C", "K1", "2026-11-03", 300, 300)
    ]);
    env.batch(&t.agent_token, 1, abc).await;
    // A snapshot over two batches that no longer has C.
    env.batch(&t.agent_token, 2, json!([{"op": "snapshot_begin", "snapshot_id": "s1"}, company("K1", "Delta", &nip(4)), doc("A", "K1", "2026-11-01", 100, 100)])).await;
    let (s, e) = env.batch(&t.agent_token, 3, json!([doc("B", "K1", "2026-11-02", 200, 200), {"op": "snapshot_end", "snapshot_id": "s1", "observed_on": "2026-11-22"}])).await;
    assert_eq!(s, 200, "{e}");
    let (_, closed) = env.get(&t.viewer, "/api/v1/documents?status=closed").await;
    let closed = closed["items"].as_array().unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["external_id"], "C");
    assert_eq!(closed[0]["close_reason"], "deleted");
    assert_eq!(env.count("snapshot_marks", t.scope.as_str()).await, 0);

    // The same snapshot again, an hour later: no data row is written.
    let events_before = env.count("document_events", t.scope.as_str()).await;
    env.clock.advance(Duration::hours(1));
    let later = inkaso_cloud::store::ts(env.clock_now());
    let (s, _) = env
        .batch(
            &t.agent_token,
            4,
            json!([
                {"op": "snapshot_begin", "snapshot_id": "s2"}, company("K1", "Delta", &nip(4)),
                doc("A", "K1", "2026-11-01", 100, 100), doc("B", "K1", "2026-11-02", 200, 200),
                {"op": "snapshot_end", "snapshot_id": "s2", "observed_on": "2026-11-22"}
            ]),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        env.count("document_events", t.scope.as_str()).await,
        events_before
    );
    for table in ["documents", "debtors"] {
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE tenant_id = $1 AND updated_at = $2"
        )))
        .bind(t.scope.as_str())
        .bind(&later)
        .fetch_one(env.store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(n, 0, "{table} rows were rewritten");
    }
}

async fn first_snapshot_of_an_agent(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Lambda").await;
    // Nothing open at snapshot_begin: no bookkeeping is needed, nothing is closed at the end.
    env.batch(
        &t.agent_token,
        1,
        json!([{"op": "snapshot_begin", "snapshot_id": "s1"}, company("K1", "Lambda", &nip(5)),
        doc("A", "K1", "2026-11-01", 100, 100)]),
    )
    .await;
    assert_eq!(env.count("snapshot_marks", t.scope.as_str()).await, 0);
    let (s, e) = env
        .batch(
            &t.agent_token,
            2,
            json!([doc("B", "K1", "2026-11-02", 100, 100),
        {"op": "snapshot_end", "snapshot_id": "s1", "observed_on": "2026-11-22"}]),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let (_, open) = env.get(&t.viewer, "/api/v1/documents?status=open").await;
    assert_eq!(open["items"].as_array().unwrap().len(), 2);
    // The next snapshot marks, and closes what it no longer has.
    env.batch(&t.agent_token, 3, json!([{"op": "snapshot_begin", "snapshot_id": "s2"}, doc("B", "K1", "2026-11-02", 100, 100),
        {"op": "snapshot_end", "snapshot_id": "s2", "observed_on": "2026-11-23"}])).await;
    let (_, closed) = env.get(&t.viewer, "/api/v1/documents?status=closed").await;
    assert_eq!(closed["items"][0]["external_id"], "A");
    assert_eq!(closed["items"][0]["closed_on"], "2026-11-23");
}

/// New rows take another path than changed ones on PostgreSQL (`COPY`, not an upsert): what is
/// read back must be exactly what was sent, including backslashes, quotes, NULLs and a row
/// that is new, changed and closed within one batch.
async fn new_rows_round_trip_exactly(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Mu").await;
    let name = r#"Biuro \ "Cudzysłów" \N Łódź"#;
    let mut number = doc("D1", "K1", "2026-11-01", 12_345, 12_345);
    number["document"]["number"] = json!(r"FV\2026\11");
    number["document"]["issue_date"] = json!(null);
    env
        .batch_ok(
            &t.agent_token,
            1,
            json!([
                {"op": "upsert_debtor", "debtor": {"external_id": r"K\1", "kind": "person", "name": name,
                    "email": "anna.o'brien@firma.pl", "phone": null, "address": null}},
                company("K1", "Mu Sp. z o.o.", &nip(7)),
                number,
                doc("D2", "K1", "2026-11-02", 500, 500),
                doc("D2", "K1", "2026-11-02", 500, 200),
                doc("D3", r"K\1", "2026-11-03", 700, 700),
                close("D3", "paid", "2026-11-20")
            ]),
        )
        .await;
    let (_, page) = env.get(&t.viewer, "/api/v1/debtors?kind=person").await;
    assert_eq!(page["items"][0]["name"], name);
    assert_eq!(page["items"][0]["external_id"], r"K\1");
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, detail) = env.get(&t.viewer, &format!("/api/v1/debtors/{id}")).await;
    assert_eq!(detail["contacts"][0]["value"], "anna.o'brien@firma.pl");
    assert_eq!(detail["contacts"][0]["consent"], Value::Null);
    assert_eq!(detail["contacts"][0]["consent_source"], "erp");
    assert_eq!(detail["address"], Value::Null);

    let (_, open) = env.get(&t.viewer, "/api/v1/documents?status=open").await;
    let open = open["items"].as_array().unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0]["external_id"], "D1");
    assert_eq!(open[0]["number"], r"FV\2026\11");
    assert_eq!(open[0]["issue_date"], Value::Null);
    assert_eq!(open[0]["remaining_minor"], 12_345);
    assert_eq!(open[1]["remaining_minor"], 200);
    let (_, closed) = env.get(&t.viewer, "/api/v1/documents?status=closed").await;
    assert_eq!(closed["items"][0]["external_id"], "D3");
    assert_eq!(closed["items"][0]["close_reason"], "paid");
    assert_eq!(closed["items"][0]["closed_on"], "2026-11-20");
    // Within the batch D2 was paid down before it was ever stored, and D3 paid in full: both
    // are payments.
    assert_eq!(env.count("document_events", t.scope.as_str()).await, 2);

    // The same rows again are recognised as stored: nothing is written, nothing duplicated.
    let events = env.count("document_events", t.scope.as_str()).await;
    let mut again = doc("D1", "K1", "2026-11-01", 12_345, 12_345);
    again["document"]["number"] = json!(r"FV\2026\11");
    again["document"]["issue_date"] = json!(null);
    env.batch_ok(
        &t.agent_token,
        2,
        json!([company("K1", "Mu Sp. z o.o.", &nip(7)), again]),
    )
    .await;
    assert_eq!(env.count("documents", t.scope.as_str()).await, 3);
    assert_eq!(env.count("debtors", t.scope.as_str()).await, 2);
    assert_eq!(env.count("contacts", t.scope.as_str()).await, 3);
    assert_eq!(env.count("document_events", t.scope.as_str()).await, events);
}

/// An agent's first snapshot skips the look-up of upserted keys on PostgreSQL; a key the same
/// snapshot sent before is still recognised (the batch is applied again with look-ups), so
/// nothing is duplicated and its change is recorded.
async fn first_load_resending_a_key_is_applied_once(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Nu").await;
    env
        .batch_ok(
            &t.agent_token,
            1,
            json!([{"op": "snapshot_begin", "snapshot_id": "s1"}, company("K1", "Nu", &nip(8)),
                doc("A", "K1", "2026-11-01", 1_000, 1_000), doc("B", "K1", "2026-11-02", 2_000, 2_000)]),
        )
        .await;
    // New keys only: the fast path.
    env.batch_ok(
        &t.agent_token,
        2,
        json!([
            person("P1", "Jan Kowalski"),
            doc("C", "P1", "2026-11-03", 3_000, 3_000)
        ]),
    )
    .await;
    // B and K1 again (B paid down), beside a new key.
    env.batch_ok(
        &t.agent_token,
        3,
        json!([
            doc("D", "K1", "2026-11-04", 4_000, 4_000),
            company("K1", "Nu", &nip(8)),
            doc("B", "K1", "2026-11-02", 2_000, 500)
        ]),
    )
    .await;
    env.batch_ok(
        &t.agent_token,
        4,
        json!([{"op": "snapshot_end", "snapshot_id": "s1", "observed_on": "2026-11-22"}]),
    )
    .await;
    assert_eq!(env.count("documents", t.scope.as_str()).await, 4);
    assert_eq!(env.count("debtors", t.scope.as_str()).await, 2);
    // K1: e-mail and phone; P1: phone.
    assert_eq!(env.count("contacts", t.scope.as_str()).await, 3);
    let (_, payments) = env.get(&t.viewer, "/api/v1/payments").await;
    let items = payments["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{payments}");
    assert_eq!(items[0]["document_external_id"], "B");
    assert_eq!(items[0]["paid_minor"], 1_500);
    let (_, open) = env.get(&t.viewer, "/api/v1/documents?status=open").await;
    assert_eq!(open["items"].as_array().unwrap().len(), 4);

    // The next snapshot is no first load: it marks, and closes what it no longer sends.
    env
        .batch_ok(
            &t.agent_token,
            5,
            json!([{"op": "snapshot_begin", "snapshot_id": "s2"}, doc("A", "K1", "2026-11-01", 1_000, 1_000),
                doc("B", "K1", "2026-11-02", 2_000, 500), doc("C", "P1", "2026-11-03", 3_000, 3_000),
                {"op": "snapshot_end", "snapshot_id": "s2", "observed_on": "2026-11-23"}]),
        )
        .await;
    let (_, closed) = env.get(&t.viewer, "/api/v1/documents?status=closed").await;
    assert_eq!(closed["items"].as_array().unwrap().len(), 1);
    assert_eq!(closed["items"][0]["external_id"], "D");
    assert_eq!(env.count("documents", t.scope.as_str()).await, 4);
}

async fn bodies_gzip_limits_and_errors(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Epsilon").await;
    let body = serde_json::to_vec(&json!({"protocol": 1, "seq": 1, "ops": [person("P1", "Jan Kowalski"), doc("D1", "P1", "2026-11-01", 100, 50)]})).unwrap();
    let (s, ack) = env
        .post_gzip(&t.agent_token, "/agent/v1/batches", &body)
        .await;
    assert_eq!((s, ack["applied"].clone()), (200, json!(true)), "{ack}");

    // A gzip bomb: small on the wire, over the limit once inflated.
    let big = vec![b' '; inkaso_shared::protocol::MAX_BODY_BYTES + 10];
    let (s, e) = env
        .post_gzip(&t.agent_token, "/agent/v1/batches", &big)
        .await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (413, json!("payload_too_large"))
    );

    let (s, e) = env
        .post(
            &t.agent_token,
            "/agent/v1/batches",
            &json!({"protocol": 1, "seq": 2, "ops": [{"op": "drop_everything"}]}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body"))
    );
    assert!(
        e["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("drop_everything")
    );

    let bad = json!({"protocol": 1, "seq": 2, "ops": [doc("D9", "P1", "2026-11-01", 100, 500)]});
    let (s, e) = env.post(&t.agent_token, "/agent/v1/batches", &bad).await;
    assert_eq!(
        (s, e["error"]["code"].clone(), e["error"]["field"].clone()),
        (422, json!("invalid_record"), json!("ops[0]")),
        "{e}"
    );
    assert!(
        e["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("przekracza"),
        "{e}"
    );

    let (s, e) = env
        .post(
            &t.agent_token,
            "/agent/v1/batches",
            &json!({"protocol": 2, "seq": 2, "ops": []}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("unsupported_protocol"))
    );
    // A newer agent is told to wait for the cloud; an older one to update, in words.
    let told = e["error"]["message_pl"].as_str().unwrap();
    assert!(told.contains("agent jest nowszy niż chmura"), "{e}");
    let (_, e) = env
        .post(
            &t.agent_token,
            "/agent/v1/batches",
            &json!({"protocol": 0, "seq": 2, "ops": []}),
        )
        .await;
    let told = e["error"]["message_en"].as_str().unwrap();
    assert!(
        told.contains("the agent is too old") && told.contains("install the new version"),
        "{e}"
    );

    let many: Vec<Value> = (0..=MAX_OPS_PER_BATCH)
        .map(|i| close(&format!("X{i}"), "paid", "2026-11-22"))
        .collect();
    let (s, e) = env
        .post(
            &t.agent_token,
            "/agent/v1/batches",
            &json!({"protocol": 1, "seq": 2, "ops": many}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (413, json!("payload_too_large"))
    );

    let r = env
        .http
        .post(env.url("/agent/v1/batches"))
        .bearer_auth(&t.agent_token)
        .header("content-encoding", "br")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

async fn results_feed_pages_with_cursor(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Zeta").await;
    for i in 0..5 {
        let ev = ResultEvent::SalesBlock {
            debtor_external_id: ExternalId::new(&format!("K{i}")).unwrap(),
            blocked: true,
            reason: "zaległość > 30 dni".into(),
        };
        env.store
            .append_result(&t.scope, &t.agent, env.clock_now(), &ev)
            .await
            .unwrap();
    }
    let (s, p1) = env.get(&t.agent_token, "/agent/v1/results?limit=2").await;
    assert_eq!(s, 200);
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    assert_eq!(p1["has_more"], true);
    assert_eq!(p1["items"][0]["event"]["debtor_external_id"], "K0");
    let c = p1["next_cursor"].as_str().unwrap();
    let (_, p2) = env
        .get(
            &t.agent_token,
            &format!("/agent/v1/results?after={c}&limit=10"),
        )
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 3);
    assert_eq!(p2["items"][0]["event"]["debtor_external_id"], "K2");
    assert_eq!(p2["has_more"], false);
    let c2 = p2["next_cursor"].as_str().unwrap().to_owned();
    let (_, p3) = env
        .get(&t.agent_token, &format!("/agent/v1/results?after={c2}"))
        .await;
    assert_eq!(p3["items"].as_array().unwrap().len(), 0);
    assert_eq!(p3["next_cursor"], c2.as_str());
    // The cursor acknowledged what came before it.
    let (_, agents) = env.get(&t.viewer, "/api/v1/agents").await;
    assert_eq!(agents[0]["results_acknowledged"], 5);
    let (s, e) = env.get(&t.agent_token, "/agent/v1/results?after=abc").await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body"))
    );
    // Another tenant's agent cannot receive these results.
    assert!(
        env.store
            .append_result(
                &t.scope,
                &AgentId::new("nie-ma"),
                env.clock_now(),
                &ResultEvent::SalesBlock {
                    debtor_external_id: ExternalId::new("K").unwrap(),
                    blocked: false,
                    reason: String::new()
                }
            )
            .await
            .is_err()
    );
}

async fn config_heartbeat_and_health(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Eta").await;
    let (s, ex) = env
        .post(
            &t.editor,
            "/api/v1/exclusions",
            &json!({"kind": "nip", "value": "PL 526-104-08-28"}),
        )
        .await;
    assert_eq!(s, 201, "{ex}");
    env.post(
        &t.editor,
        "/api/v1/exclusions",
        &json!({"kind": "min_remaining", "value": "PLN", "amount_minor": 1000}),
    )
    .await;
    env.post(
        &t.editor,
        "/api/v1/exclusions",
        &json!({"kind": "document_number_prefix", "value": "PAR"}),
    )
    .await;
    let (s, e) = env
        .post(
            &t.editor,
            "/api/v1/exclusions",
            &json!({"kind": "nip", "value": "123"}),
        )
        .await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body"))
    );
    let (s, cfg) = env.get(&t.agent_token, "/agent/v1/config").await;
    assert_eq!(s, 200);
    assert_eq!(cfg["protocol"], 1);
    assert_eq!(cfg["exclusions"]["nips"], json!(["5261040828"]));
    assert_eq!(
        cfg["exclusions"]["min_remaining_minor"],
        json!({"PLN": 1000})
    );
    assert_eq!(
        cfg["exclusions"]["document_number_prefixes"],
        json!(["PAR"])
    );
    assert_eq!(cfg["next_seq"], 1);

    let hb = json!({"protocol": 1, "agent_version": "0.1.0", "profile": "subiekt_gt", "last_sync_at": null,
        "queue_depth": 3, "quarantined": 1, "last_error": "timeout"});
    let (s, ack) = env.post(&t.agent_token, "/agent/v1/heartbeat", &hb).await;
    assert_eq!(s, 200);
    assert_eq!(ack["server_time"], "2026-11-22T09:00:00Z");
    assert_eq!(ack["tenant"], "Eta");
    assert_eq!(ack["agent"], "ERP");
    let (_, agents) = env.get(&t.viewer, "/api/v1/agents").await;
    assert_eq!(agents[0]["queue_depth"], 3);
    assert_eq!(agents[0]["profile"], "subiekt_gt");
    assert_eq!(agents[0]["last_error"], "timeout");

    let id = ex["id"].as_str().unwrap();
    assert_eq!(
        env.delete(&t.editor, &format!("/api/v1/exclusions/{id}"))
            .await
            .0,
        204
    );
    assert_eq!(
        env.delete(&t.editor, &format!("/api/v1/exclusions/{id}"))
            .await
            .0,
        404
    );
    let (_, cfg) = env.get(&t.agent_token, "/agent/v1/config").await;
    assert_eq!(cfg["exclusions"]["nips"], json!([]));
    let (s, audit) = env.get(&t.admin, "/api/v1/audit").await;
    assert_eq!(s, 200);
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "exclusion.delete")
    );
}

async fn client_api_lists_filters_and_pages(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Theta").await;
    let mut ops = vec![person("P1", "Anna Nowak")];
    for i in 0..12 {
        ops.push(company(
            &format!("K{i:02}"),
            &format!("Firma {i:02}"),
            &nip(100 + i),
        ));
        // Due dates from 2026-10-01 (52 days before "today", 2026-11-22) onwards, every 5 days.
        let due = (chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
            + Duration::days(5 * i64::try_from(i).unwrap()))
        .to_string();
        ops.push(doc(
            &format!("D{i:02}"),
            &format!("K{i:02}"),
            &due,
            20_000,
            1_000 * (i64::try_from(i).unwrap() + 1),
        ));
    }
    ops.push(doc("DP", "P1", "2026-12-31", 500, 500));
    let (s, e) = env.batch(&t.agent_token, 1, Value::Array(ops)).await;
    assert_eq!(s, 200, "{e}");

    // Pagination over debtors: stable, no repeats, no gaps.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(c) => format!("/api/v1/debtors?limit=5&after={c}"),
            None => "/api/v1/debtors?limit=5".into(),
        };
        let (s, page) = env.get(&t.viewer, &path).await;
        assert_eq!(s, 200, "{page}");
        for d in page["items"].as_array().unwrap() {
            seen.push(d["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => after = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 13);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);

    let (_, page) = env.get(&t.viewer, "/api/v1/debtors?q=anna").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let pid = page["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, page) = env
        .get(&t.viewer, &format!("/api/v1/debtors?nip={}", nip(103)))
        .await;
    assert_eq!(page["items"][0]["name"], "Firma 03");
    let (_, page) = env.get(&t.viewer, "/api/v1/debtors?kind=person").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    let (s, detail) = env.get(&t.viewer, &format!("/api/v1/debtors/{pid}")).await;
    assert_eq!(s, 200);
    assert_eq!(detail["address"]["city"], "Gdańsk");
    assert_eq!(detail["contacts"][0]["channel"], "sms");
    assert_eq!(detail["contacts"][0]["value"], "+48601234567");
    assert_eq!(detail["contacts"][0]["consent_source"], "erp");
    assert_eq!(detail["documents"][0]["external_id"], "DP");
    let (s, _) = env
        .post(
            &t.viewer,
            &format!("/api/v1/debtors/{pid}/contacts/sms/consent"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 405, "consent is PUT");
    let r = env
        .http
        .put(env.url(&format!("/api/v1/debtors/{pid}/contacts/sms/consent")))
        .bearer_auth(&t.editor)
        .json(&json!({"consent": true, "source": "rozmowa telefoniczna"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (_, detail) = env.get(&t.viewer, &format!("/api/v1/debtors/{pid}")).await;
    assert_eq!(detail["contacts"][0]["consent"], true);

    // Documents: days overdue (today 2026-11-22), amount range, due date range.
    let (_, page) = env
        .get(&t.viewer, "/api/v1/documents?min_days_overdue=30&limit=100")
        .await;
    let due: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["due_date"].as_str().unwrap())
        .collect();
    assert_eq!(
        due,
        vec![
            "2026-10-01",
            "2026-10-06",
            "2026-10-11",
            "2026-10-16",
            "2026-10-21"
        ]
    );
    assert_eq!(page["items"][0]["days_overdue"], 52);
    let (_, page) = env
        .get(
            &t.viewer,
            "/api/v1/documents?min_remaining_minor=3000&max_remaining_minor=5000",
        )
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let (_, page) = env
        .get(
            &t.viewer,
            "/api/v1/documents?due_from=2026-11-01&due_to=2026-11-30",
        )
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let (_, page) = env
        .get(&t.viewer, &format!("/api/v1/documents?debtor_id={pid}"))
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let did = page["items"][0]["id"].as_str().unwrap();
    let (s, d) = env
        .get(&t.viewer, &format!("/api/v1/documents/{did}"))
        .await;
    assert_eq!((s, d["number"].clone()), (200, json!("FS DP/2026")));
    let mut n = 0;
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(c) => format!("/api/v1/documents?limit=4&after={c}"),
            None => "/api/v1/documents?limit=4".into(),
        };
        let (_, page) = env.get(&t.viewer, &path).await;
        n += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => after = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(n, 13);
    let (s, e) = env.get(&t.viewer, "/api/v1/documents?status=weird").await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body"))
    );
    let (s, e) = env
        .get(&t.viewer, "/api/v1/documents?due_from=yesterday")
        .await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body"))
    );
    let (s, e) = env.get(&t.viewer, "/api/v1/debtors?after=zz").await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body"))
    );

    // Company data is enqueued for the VAT register lookup, never fetched during ingest.
    let (s, c) = env
        .get(&t.viewer, &format!("/api/v1/companies/{}", nip(100)))
        .await;
    assert_eq!((s, c["status"].clone()), (200, json!("pending")));
}

async fn roles_sessions_and_revocation(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Iota").await;
    let ex = json!({"kind": "document_number_prefix", "value": "FK/"});
    assert_eq!(env.post(&t.viewer, "/api/v1/exclusions", &ex).await.0, 403);
    assert_eq!(env.post(&t.editor, "/api/v1/exclusions", &ex).await.0, 201);
    assert_eq!(env.get(&t.editor, "/api/v1/audit").await.0, 403);
    assert_eq!(env.get(&t.admin, "/api/v1/audit").await.0, 200);

    // Session cookie from the login endpoint.
    let r = env.http.post(env.url("/api/v1/login"))
        .json(&json!({"tenant_id": t.scope.as_str(), "email": "SZEF@firma.pl", "password": "bardzo-tajne-haslo"}))
        .send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(
        cookie.contains("Secure"),
        "Secure unless turned off: {cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    let r = env
        .http
        .get(env.url("/api/v1/audit"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Expired after its lifetime.
    env.clock.advance(Duration::hours(13));
    let r = env
        .http
        .get(env.url("/api/v1/agents"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = env.http.post(env.url("/api/v1/login"))
        .json(&json!({"tenant_id": t.scope.as_str(), "email": "szef@firma.pl", "password": "zle-haslo-xyz"}))
        .send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // Revocation takes effect on the next request.
    assert_eq!(env.get(&t.agent_token, "/agent/v1/config").await.0, 200);
    env.store
        .revoke_agent(&t.scope, &t.agent, "test", env.clock_now())
        .await
        .unwrap();
    let (s, e) = env.get(&t.agent_token, "/agent/v1/config").await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (401, json!("token_revoked"))
    );
    let (_, agents) = env.get(&t.viewer, "/api/v1/agents").await;
    assert_eq!(agents[0]["revoked"], true);
}

async fn operations_endpoints(backend: Backend) {
    let env = Env::new(backend).await;
    let _ = inkaso_cloud::http::ops::prometheus();
    let t = env.tenant("Kappa").await;
    env.batch(&t.agent_token, 1, json!([])).await;
    assert_eq!(
        env.http
            .get(env.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        env.http
            .get(env.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let m = env
        .http
        .get(env.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains("inkaso_batches_total"), "{m}");
    let (s, doc) = env.get("", "/api/openapi.json").await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/debtors",
        "/api/v1/debtors/{id}",
        "/api/v1/documents",
        "/api/v1/payments",
        "/api/v1/agents",
        "/api/v1/exclusions",
        "/api/v1/exclusions/{id}",
        "/api/v1/login",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from OpenAPI");
    }
    assert!(doc["components"]["schemas"].get("DocumentView").is_some());
    // The document tells the whole truth (issue 14): both credentials, and on every operation
    // the answers any route can give; 401 and 403 wherever a credential is needed.
    // The agent API and SMSAPI's callback are in it too.
    for p in [
        paths::BATCHES,
        paths::RESULTS,
        paths::CONFIG,
        paths::HEARTBEAT,
        "/callbacks/smsapi/{secret}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from OpenAPI");
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["token"]["scheme"], "bearer", "{schemes}");
    assert_eq!(schemes["session"]["name"], "inkaso_session", "{schemes}");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let codes = op["responses"].as_object().unwrap();
            for code in ["400", "408", "500", "503"] {
                assert!(codes.contains_key(code), "{method} {path}: no {code}");
            }
            if path.starts_with("/api/v1/") && path != "/api/v1/login" {
                assert!(
                    codes.contains_key("401") && codes.contains_key("403"),
                    "{method} {path}"
                );
                assert_eq!(op["security"][0], json!({"token": []}), "{method} {path}");
            }
            if path.starts_with("/agent/") {
                assert!(codes.contains_key("401"), "{method} {path}");
                assert_eq!(
                    op["security"],
                    json!([{"agent_token": []}]),
                    "{method} {path}"
                );
            }
            if path.starts_with("/api/") && path.contains('{') {
                assert!(codes.contains_key("404"), "{method} {path}: no 404");
            }
        }
    }
    // Bad path and query values answer 400 in the one error shape, never plain text or a
    // dropped connection (a days filter far out of range used to panic the handler).
    let (s, e) = env.get(&t.viewer, "/api/v1/posting-book/nie-data").await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body")),
        "{e}"
    );
    let (s, e) = env
        .get(
            &t.viewer,
            "/api/v1/documents?min_days_overdue=-9223372036854775808",
        )
        .await;
    assert_eq!(
        (s, e["error"]["field"].clone()),
        (400, json!("min_days_overdue")),
        "{e}"
    );
    let (s, e) = env
        .get(&t.viewer, "/api/v1/documents?max_days_overdue=36501")
        .await;
    assert_eq!(
        (s, e["error"]["field"].clone()),
        (400, json!("max_days_overdue")),
        "{e}"
    );
    let (s, _) = env
        .get(
            &t.viewer,
            "/api/v1/documents?min_days_overdue=30&max_days_overdue=36500",
        )
        .await;
    assert_eq!(s, 200);
    // A record that is not the firm's is named in each language.
    let (s, e) = env.get(&t.viewer, "/api/v1/documents/nie-ma-takiego").await;
    assert_eq!(s, 404);
    assert_eq!(
        e["error"]["message_en"], "not found: document nie-ma-takiego",
        "{e}"
    );
    assert_eq!(
        e["error"]["message_pl"], "nie znaleziono: dokument nie-ma-takiego",
        "{e}"
    );
    // A JSON array is not an object, whatever serde would make of it.
    let (s, e) = env
        .put(&t.admin, "/api/v1/channel-settings", &json!([]))
        .await;
    assert_eq!(
        (s, e["error"]["code"].clone()),
        (400, json!("invalid_body")),
        "{e}"
    );
    let (s, e) = env.get("", "/nie/ma").await;
    assert_eq!((s, e["error"]["code"].clone()), (404, json!("not_found")));
    assert_eq!(
        e["error"]["message_en"], "no such path",
        "English, no Polish word: {e}"
    );
    // A known path with a method it does not have: 405 naming the allowed ones, not 404.
    let r = env
        .http
        .delete(env.url("/api/v1/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(
        r.headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned())
            .as_deref(),
        Some("POST")
    );
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "method_not_allowed");
    env.server.stop().await.unwrap();
}

/// The channel endpoints: templates (unknown tags refused by name, SMS folding reported, in-use
/// templates kept), channel settings, letters with their PDFs and tracking numbers, the posting
/// book in three formats, tasks, and SMSAPI's delivery callback reaching the agent's feed.
async fn templates_letters_tasks_and_delivery_reports(backend: Backend) {
    use inkaso_channels::letter::{Addressee, LetterKind};
    use inkaso_cloud::store::channels::{NewLetter, NewTask};

    let env = Env::new(backend).await;
    let t = env.tenant("Kappa").await;
    let now = env.clock_now();
    let (s, e) = env
        .batch(
            &t.agent_token,
            1,
            json!([
                person("P1", "Anna Nowak"),
                doc("D1", "P1", "2026-10-01", 10_000, 10_000)
            ]),
        )
        .await;
    assert_eq!(s, 200, "{e}");

    // Templates.
    let bad = json!({"name": "Zły", "channel": "sms", "reason": "arrears", "lang": "pl",
        "body": "Zapłać <kwota_do_zaplaty>"});
    let (s, e) = env.put(&t.editor, "/api/v1/templates/sms-1", &bad).await;
    assert_eq!(s, 400, "{e}");
    assert!(
        e["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("<kwota_do_zaplaty>"),
        "{e}"
    );
    let good = json!({"name": "Przypomnienie", "channel": "sms", "reason": "arrears", "lang": "pl",
        "body": "<wierzyciel>: prosimy o zapłatę <suma_naleznosci> do <termin_zaplaty>."});
    let (s, _) = env.put(&t.viewer, "/api/v1/templates/sms-1", &good).await;
    assert_eq!(s, 403);
    let (s, saved) = env.put(&t.editor, "/api/v1/templates/sms-1", &good).await;
    assert_eq!(s, 200, "{saved}");
    assert!(
        saved["template"]["body"]
            .as_str()
            .unwrap()
            .contains("zaplate"),
        "{saved}"
    );
    assert!(
        !saved["sms_changes"].as_array().unwrap().is_empty(),
        "{saved}"
    );
    let (s, list) = env.get(&t.viewer, "/api/v1/templates").await;
    assert_eq!((s, list.as_array().unwrap().len()), (200, 1), "{list}");
    let (s, preview) = env
        .post(&t.viewer, "/api/v1/templates/preview", &good)
        .await;
    assert_eq!(s, 200, "{preview}");
    assert!(
        preview["sms"]["length"]["parts"].as_u64().unwrap() >= 1,
        "{preview}"
    );
    let process: inkaso_cloud::process::Process = serde_json::from_value(json!({
        "code": "P", "name": "P", "is_default": true, "stages": [
        {"code": "S1", "name": "SMS", "channel": "sms", "offset_days": 1, "template": "sms-1"}]}))
    .unwrap();
    env.store.put_process(&t.scope, process, now).await.unwrap();
    let (s, e) = env.delete(&t.editor, "/api/v1/templates/sms-1").await;
    assert_eq!(s, 409, "{e}");
    assert!(
        e["error"]["message_pl"].as_str().unwrap().contains("P/S1"),
        "{e}"
    );

    // Channel settings.
    let (s, settings) = env.get(&t.viewer, "/api/v1/channel-settings").await;
    assert_eq!(s, 200);
    assert_eq!(settings["deadline_days"], 7, "{settings}");
    let mut changed = settings.clone();
    changed["creditor"] = json!({"name": "Kappa Sp. z o.o.", "street": "ul. Prosta 1",
        "postcode_city": "00-001 Warszawa", "bank_account": "47 1020 1026 0000 0102 0304 0506"});
    let (s, e) = env
        .put(&t.editor, "/api/v1/channel-settings", &changed)
        .await;
    assert_eq!(s, 200, "{e}");
    let (s, e) = env
        .put(
            &t.editor,
            "/api/v1/channel-settings",
            &json!({"deadline_dayz": 3}),
        )
        .await;
    assert_eq!(s, 400, "{e}");

    // A registered letter: list, PDF, tracking number (to the feed), posting book.
    let addressee = Addressee {
        name: "Anna Nowak".into(),
        street: "Długa 5/3".into(),
        postcode_city: "80-001 Gdańsk".into(),
        nip: None,
    };
    let day = now.date_naive();
    let letter = env
        .store
        .insert_letter(
            &t.scope,
            &NewLetter {
                action_id: "A1",
                agent_id: &t.agent,
                debtor: "P1",
                number: "W/1/2026",
                kind: LetterKind::Demand,
                date: day,
                registered: Some((
                    inkaso_channels::posting::RegisteredCategory::Priorytetowa,
                    true,
                )),
                addressee: &addressee,
                file_name: "wezwanie-do-zapłaty-W-1-2026.pdf",
                pdf: b"%PDF-1.7 test",
            },
            now,
        )
        .await
        .unwrap();
    let (s, letters) = env.get(&t.viewer, "/api/v1/letters").await;
    assert_eq!(s, 200);
    assert_eq!(letters[0]["number"], "W/1/2026", "{letters}");
    let (s, ct, pdf) = env
        .get_raw(&t.viewer, &format!("/api/v1/letters/{}/pdf", letter.id))
        .await;
    assert_eq!((s, ct.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    let (s, e) = env
        .put(
            &t.editor,
            &format!("/api/v1/letters/{}/tracking", letter.id),
            &json!({"tracking_number": "RR123456789PL"}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let (s, _, csv) = env
        .get_raw(&t.viewer, &format!("/api/v1/posting-book/{day}?format=csv"))
        .await;
    assert_eq!(s, 200);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("W/1/2026") && csv.contains("RR123456789PL"),
        "{csv}"
    );
    let (s, _, book) = env
        .get_raw(&t.viewer, &format!("/api/v1/posting-book/{day}?format=pdf"))
        .await;
    assert_eq!(s, 200);
    assert!(book.starts_with(b"%PDF"));
    let (s, e) = env
        .get(&t.viewer, &format!("/api/v1/posting-book/{day}?format=xml"))
        .await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["field"], "format");

    // Tasks.
    let docs = vec!["D1".to_owned()];
    let task = env
        .store
        .insert_task(
            &t.scope,
            &NewTask {
                action_id: Some("A2"),
                agent_id: &t.agent,
                debtor: "P1",
                subject: "Zadzwonić",
                assignee: None,
                due: day,
                documents: &docs,
            },
            now,
        )
        .await
        .unwrap();
    let (s, open) = env.get(&t.viewer, "/api/v1/tasks?status=open").await;
    assert_eq!((s, open.as_array().unwrap().len()), (200, 1), "{open}");
    let path = format!("/api/v1/tasks/{}/close", task.id);
    let (s, e) = env
        .post(&t.editor, &path, &json!({"note": "Obiecała zapłacić"}))
        .await;
    assert_eq!(s, 200, "{e}");
    let (s, e) = env.post(&t.editor, &path, &json!({})).await;
    assert_eq!(s, 409, "{e}");

    // SMSAPI's delivery report for a sent SMS reaches the history and the agent.
    sqlx::query(
        "INSERT INTO actions (tenant_id, action_id, idem_key, agent_id, debtor_external_id, process_code, stage_code, \
         channel, template, documents_json, planned_for, status, provider_id, description, created_at, updated_at) \
         VALUES ($1, 'A3', 'P/S1/debtor/P1/D1/0', $2, 'P1', 'P', 'S1', 'sms', 'sms-1', '[]', $3, 'sent', \
         'SM-77', 'SMS', $3, $3)",
    )
    .bind(t.scope.as_str())
    .bind(t.agent.as_str())
    .bind(inkaso_cloud::store::ts(now))
    .execute(env.store.pool())
    .await
    .unwrap();
    let secret = env
        .store
        .service_secret(inkaso_cloud::store::security::SMSAPI_CALLBACK_SECRET, now)
        .await
        .unwrap();
    let r = env
        .http
        .get(env.url(&format!("/callbacks/smsapi/{secret}?MsgId=SM-77,OTHER&status=DELIVERED,404&idx=P/S1/debtor/P1/D1/0,x&to=48601234567,48601234568&donedate=1795000000,1795000000")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), "OK");
    let (s, feed) = env.get(&t.agent_token, "/agent/v1/results?limit=100").await;
    assert_eq!(s, 200, "{feed}");
    let statuses: Vec<(&str, &str)> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| {
            Some((
                i["event"]["status"].as_str()?,
                i["event"]["provider_id"].as_str()?,
            ))
        })
        .collect();
    assert!(statuses.contains(&("posted", "RR123456789PL")), "{feed}");
    assert!(statuses.contains(&("delivered", "SM-77")), "{feed}");
}

/// Issue 13: SMSAPI's delivery callback is answered only on the installation's secret path; it
/// applies a final status once, to a sent SMS or voice action whose `idx` matches; e-mail and
/// test-mode ids are never touched; a flood of reports in one request is refused.
async fn delivery_callbacks_need_the_secret_and_match_the_action(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Lambda").await;
    let now = env.clock_now();
    env.batch_ok(
        &t.agent_token,
        1,
        json!([
            person("P1", "Anna Nowak"),
            doc("D1", "P1", "2026-10-01", 10_000, 10_000)
        ]),
    )
    .await;
    for (id, channel, provider, key) in [
        ("A1", "sms", "SM-1", "ik-00000000000000000000000000000001"),
        (
            "A2",
            "email",
            "<inkaso.ik-2@firma.pl>",
            "ik-00000000000000000000000000000002",
        ),
        (
            "A3",
            "sms",
            "test-mode:ik-3",
            "ik-00000000000000000000000000000003",
        ),
    ] {
        sqlx::query(
            "INSERT INTO actions (tenant_id, action_id, idem_key, agent_id, debtor_external_id, process_code, stage_code, \
             channel, template, documents_json, planned_for, status, provider_id, description, created_at, updated_at, provider_key) \
             VALUES ($1, $2, $3, $4, 'P1', 'P', 'S1', $5, 't', '[]', $6, 'sent', $7, 'x', $6, $6, $8)",
        )
        .bind(t.scope.as_str())
        .bind(id)
        .bind(format!("P/S1/doc/D1/{id}"))
        .bind(t.agent.as_str())
        .bind(channel)
        .bind(inkaso_cloud::store::ts(now))
        .bind(provider)
        .bind(key)
        .execute(env.store.pool())
        .await
        .unwrap();
    }
    let delivery = |id: &'static str| {
        let pool = env.store.pool().clone();
        async move {
            sqlx::query("SELECT delivery_status FROM actions WHERE action_id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get::<Option<String>, _>(0)
        }
    };
    let call = |path: String| {
        let http = env.http.clone();
        let url = env.url(&path);
        async move {
            let r = http.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let report = "MsgId=SM-1&status=DELIVERED&idx=ik-00000000000000000000000000000001&to=48601234567&donedate=1795000000";
    let secret = env
        .store
        .service_secret(inkaso_cloud::store::security::SMSAPI_CALLBACK_SECRET, now)
        .await
        .unwrap();
    assert_eq!(secret.len(), 64, "32 random bytes in hex");

    // Forged: no secret, a wrong one, one character off.
    let mut near = secret.clone();
    near.pop();
    near.push('x');
    for path in [
        format!("/callbacks/smsapi?{report}"),
        format!("/callbacks/smsapi/zgadniete?{report}"),
        format!("/callbacks/smsapi/{near}?{report}"),
    ] {
        let (s, body) = call(path).await;
        assert_eq!(s, 401, "{body}");
    }
    assert_eq!(
        delivery("A1").await,
        None,
        "a forged report changed nothing"
    );

    // The right secret, but an idx that is not the action's: ignored (and acknowledged).
    let (s, body) = call(format!(
        "/callbacks/smsapi/{secret}?MsgId=SM-1&status=UNDELIVERED&idx=cudze&to=48601234567"
    ))
    .await;
    assert_eq!((s, body.as_str()), (200, "OK"));
    assert_eq!(delivery("A1").await, None);
    // E-mail and test-mode ids are never applied, whatever the idx.
    for (msg, idx) in [
        (
            "<inkaso.ik-2@firma.pl>",
            "ik-00000000000000000000000000000002",
        ),
        ("test-mode:ik-3", "ik-00000000000000000000000000000003"),
    ] {
        let (s, _) = call(format!(
            "/callbacks/smsapi/{secret}?MsgId={}&status=DELIVERED&idx={idx}&to=48601234567",
            msg.replace('<', "%3C")
                .replace('>', "%3E")
                .replace('@', "%40")
        ))
        .await;
        assert_eq!(s, 200);
    }
    assert_eq!(delivery("A2").await, None);
    assert_eq!(delivery("A3").await, None);

    // The genuine report applies once; a later flip is ignored.
    let (s, _) = call(format!("/callbacks/smsapi/{secret}?{report}")).await;
    assert_eq!(s, 200);
    assert_eq!(delivery("A1").await.as_deref(), Some("DELIVERED"));
    let (s, _) = call(format!(
        "/callbacks/smsapi/{secret}?MsgId=SM-1&status=UNDELIVERED&idx=ik-00000000000000000000000000000001&to=48601234567"
    ))
    .await;
    assert_eq!(s, 200);
    assert_eq!(delivery("A1").await.as_deref(), Some("DELIVERED"));
    let (_, feed) = env.get(&t.agent_token, "/agent/v1/results?limit=100").await;
    let delivered = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["event"]["provider_id"] == "SM-1")
        .count();
    assert_eq!(delivered, 1, "one report reached the agent: {feed}");

    // 10 000 reports in one request: refused before any is looked at.
    let n = 10_000;
    let list = |v: &str| vec![v; n].join(",");
    let ids: Vec<String> = (0..n).map(|i| format!("X{i}")).collect();
    let body = format!(
        "MsgId={}&status={}&idx={}&to={}",
        ids.join(","),
        list("DELIVERED"),
        list("i"),
        list("48601234567")
    );
    let r = env
        .http
        .post(env.url(&format!("/callbacks/smsapi/{secret}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
}

/// Issue 13: wrong passwords are counted per account and per address; past the limit the
/// account answers 429 with `Retry-After` without the password being checked (the right one
/// too), every failure is in the tenant's audit log, and the lock ends by itself.
async fn wrong_passwords_lock_out_and_are_audited(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Mi").await;
    let login = |password: &'static str| {
        let http = env.http.clone();
        let url = env.url("/api/v1/login");
        let tenant = t.scope.as_str().to_owned();
        async move {
            let r = http
                .post(url)
                .json(&json!({"tenant_id": tenant, "email": "szef@firma.pl", "password": password}))
                .send()
                .await
                .unwrap();
            let retry = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (r.status().as_u16(), retry)
        }
    };
    for _ in 0..4 {
        assert_eq!(login("zgaduję-hasło").await, (401, None));
    }
    // The fifth failure locks the account for 30 s.
    let (s, retry) = login("zgaduję-hasło").await;
    assert_eq!(s, 429);
    assert_eq!(retry.as_deref(), Some("30"));
    let (s, _) = login("bardzo-tajne-haslo").await;
    assert_eq!(s, 429, "locked: not even the right password is looked at");
    let (s, audit) = env.get(&t.admin, "/api/v1/audit").await;
    assert_eq!(s, 200);
    let failed = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "session.login_failed" && e["target"] == "szef@firma.pl")
        .count();
    assert_eq!(failed, 6, "{audit}");
    // The lock ends; the right password opens a session and clears the account's count.
    env.clock.advance(Duration::seconds(31));
    assert_eq!(login("bardzo-tajne-haslo").await.0, 200);
    assert_eq!(login("zgaduję-hasło").await.0, 401);
}

/// Issue 13: 200 logins at once against the real server while an agent sends batches: every
/// batch is acknowledged, and every login is answered (401, 429 or 503; never a server error),
/// because password checks run on a bounded blocking gate, not on the async workers.
async fn a_login_flood_does_not_stall_agents(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Ni").await;
    let mut logins = tokio::task::JoinSet::new();
    for i in 0..200 {
        let http = env.http.clone();
        let url = env.url("/api/v1/login");
        let tenant = t.scope.as_str().to_owned();
        logins.spawn(async move {
            let r = http
                .post(url)
                .json(
                    &json!({"tenant_id": tenant, "email": format!("ktos{}@firma.pl", i % 7),
                    "password": "zgaduję-hasło"}),
                )
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        });
    }
    for seq in 1..=20_u64 {
        let ops = json!([
            company(&format!("K{seq}"), "Firma", &nip(seq)),
            doc(
                &format!("D{seq}"),
                &format!("K{seq}"),
                "2026-11-01",
                100,
                100
            )
        ]);
        let ack = env.batch_ok(&t.agent_token, seq, ops).await;
        assert_eq!(ack["seq"], seq);
    }
    let mut answers = std::collections::BTreeMap::new();
    while let Some(status) = logins.join_next().await {
        *answers.entry(status.unwrap()).or_insert(0) += 1;
    }
    assert!(
        answers.keys().all(|s| [401, 429, 503].contains(s)),
        "{answers:?}"
    );
    assert_eq!(answers.values().sum::<i32>(), 200);
    assert_eq!(env.count("documents", t.scope.as_str()).await, 20);
}
