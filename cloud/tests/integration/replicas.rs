//! Several cloud replicas on one PostgreSQL: batches of one agent arriving at both servers at
//! once are applied exactly once and in order, and concurrent writers to the results feed never
//! make a reader skip an item.

#![allow(
    clippy::unwrap_used,
    clippy::many_single_char_names,
    clippy::too_many_lines
)] // tests: a panic is a clear failure; scenarios read top to bottom

use std::time::Duration;

use crate::common::{Env, TestDb, company, doc, nip, start};
use inkaso_cloud::store::{Backend, Store};
use inkaso_shared::protocol::ResultEvent;
use inkaso_shared::records::ExternalId;
use serde_json::{Value, json};
use sqlx::Row as _;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_apply_each_batch_exactly_once() {
    let env = Env::new(Backend::Postgres).await;
    let t = env.tenant("Replikowana").await;
    // A second replica: its own pool and server on the same database.
    let store2 = Store::open(&env.db.url, 8).await.unwrap();
    let server2 = start(&store2, &env.clock).await;
    let urls = [env.server.base_url(), server2.base_url()];
    let http = reqwest::Client::new();

    env.batch(
        &t.agent_token,
        1,
        json!([
            company("K1", "Replikowana", &nip(9)),
            doc("S", "K1", "2026-11-01", 100_000, 100_000)
        ]),
    )
    .await;
    for seq in 2..=31u64 {
        let ops = json!([
            doc(&format!("D{seq}"), "K1", "2026-11-01", 100, 100),
            doc(
                "S",
                "K1",
                "2026-11-01",
                100_000,
                100_000 - i64::try_from(seq).unwrap()
            )
        ]);
        let body = json!({"protocol": 1, "seq": seq, "ops": ops});
        let mut tasks = Vec::new();
        for i in 0..4 {
            let (http, url, token, body) = (
                http.clone(),
                urls[i % 2].clone(),
                t.agent_token.clone(),
                body.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let r = http
                    .post(format!("{url}/agent/v1/batches"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.json::<Value>().await.unwrap())
            }));
        }
        let mut applied = 0;
        for task in tasks {
            let (status, ack) = task.await.unwrap();
            assert_eq!(status, 200, "seq {seq}: {ack}");
            assert_eq!(ack["next_seq"], seq + 1);
            if ack["applied"] == true {
                applied += 1;
            }
        }
        assert_eq!(applied, 1, "seq {seq} applied {applied} times");
    }
    assert_eq!(env.count("documents", t.scope.as_str()).await, 31);
    let kinds: Vec<(String, i64)> = sqlx::query("SELECT kind, COUNT(*) FROM document_events WHERE tenant_id = $1 GROUP BY kind ORDER BY kind")
        .bind(t.scope.as_str())
        .fetch_all(env.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.try_get(0).unwrap(), r.try_get(1).unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![("payment".to_owned(), 30)],
        "one payment per applied batch after the first"
    );
    assert_eq!(
        env.store.agent_next_seq(&t.scope, &t.agent).await.unwrap(),
        32
    );
    server2.stop().await.unwrap();
}

/// Appends per replica.
const PER_WRITER: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_feed_writers_never_make_a_reader_skip() {
    let db = TestDb::new(Backend::Postgres).await;
    let env = Env::on(db).await;
    let t = env.tenant("Kanał").await;
    let stores = [
        env.store.clone(),
        Store::open(&env.db.url, 8).await.unwrap(),
    ];
    let mut writers = Vec::new();
    for (w, store) in stores.iter().enumerate() {
        for half in 0..2 {
            let (store, tenant, agent, at) = (
                store.clone(),
                t.scope.clone(),
                t.agent.clone(),
                env.clock_now(),
            );
            writers.push(tokio::spawn(async move {
                for i in 0..PER_WRITER / 2 {
                    let ev = ResultEvent::SalesBlock {
                        debtor_external_id: ExternalId::new(&format!("W{w}-{half}-{i}")).unwrap(),
                        blocked: true,
                        reason: String::new(),
                    };
                    store.append_result(&tenant, &agent, at, &ev).await.unwrap();
                }
            }));
        }
    }
    let total = PER_WRITER * 2;
    let reader = {
        let (http, url, token) = (
            env.http.clone(),
            env.url("/agent/v1/results"),
            t.agent_token.clone(),
        );
        tokio::spawn(async move {
            let mut cursor = String::new();
            let mut seen: Vec<u64> = Vec::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
            while seen.len() < total && tokio::time::Instant::now() < deadline {
                let page: Value = http
                    .get(format!("{url}?after={cursor}&limit=7"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                for item in page["items"].as_array().unwrap() {
                    seen.push(item["cursor"].as_str().unwrap().parse().unwrap());
                }
                cursor = page["next_cursor"].as_str().unwrap().to_owned();
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            seen
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    let seen = reader.await.unwrap();
    let expected: Vec<u64> = (1..=u64::try_from(total).unwrap()).collect();
    assert_eq!(seen, expected, "the reader skipped or repeated an item");
}
