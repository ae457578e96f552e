//! The process store and the runner's outcome handling, on SQLite and PostgreSQL: exactly one
//! default process, the in-use refusal naming where, group rules naming existing processes;
//! a transient failure retried later under the same key, an account-level refusal pausing the
//! channel for the tenant until it is resumed, and history per debtor, document and status.

#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use inkaso_cloud::domain::ids::AgentId;
use inkaso_cloud::store::TenantScope;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::common::{TestDb, company, doc};
use chrono::{DateTime, Utc};
use inkaso_channels::delivery::{Channel as Delivery, Outbound, Outcome};
use inkaso_cloud::process::planner::provider_key;
use inkaso_cloud::process::{Channel, GroupRule, Process, ProcessError};
use inkaso_cloud::services::runner::{Channels, RunnerConfig, tick};
use inkaso_cloud::store::accounts::{AgentPrincipal, TenantKind};
use inkaso_cloud::store::processes::{ActionFilter, DebtorCollectionChange, ProcessStoreError};
use inkaso_cloud::store::query::ConsentChange;
use inkaso_cloud::store::{Backend, Store};
use inkaso_shared::protocol::{Batch, Heartbeat};
use inkaso_shared::{Clock, Lang, Localized, ManualClock};
use serde_json::json;
use sqlx::Row as _;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn process(code: &str, default: bool) -> Process {
    serde_json::from_value(json!({"code": code, "name": format!("Proces {code}"), "is_default": default, "stages": [
        {"code": "S-3", "name": "Przypomnienie SMS", "channel": "sms", "offset_days": -3, "template": "sms", "grouping": "per_document"},
        {"code": "E0", "name": "E-mail w dniu terminu", "channel": "email", "offset_days": 0, "template": "email"}
    ]}))
    .unwrap()
}

async fn processes_and_rules(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = Store::open(&db.url, 4).await.unwrap();
    let now = at("2026-03-25T10:00:00Z");
    let t = store
        .create_tenant(TenantKind::Client, "Firma", now)
        .await
        .unwrap();
    let scope = TenantScope::operator(t.id.clone());
    let a = store.create_agent(&scope, "ERP", "cli", now).await.unwrap();
    // The first process becomes the default even unmarked; a new default unmarks the old.
    let set = store
        .put_process(&scope, process("STD", false), now)
        .await
        .unwrap();
    assert!(set[0].is_default);
    let set = store
        .put_process(&scope, process("SOFT", true), now)
        .await
        .unwrap();
    let defaults: Vec<&str> = set
        .iter()
        .filter(|p| p.is_default)
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(defaults, vec!["SOFT"]);
    let mut sorted = set.clone();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(store.processes(&scope).await.unwrap(), sorted);
    assert!(!store.process(&scope, "STD").await.unwrap().is_default);
    // An invalid process is refused naming the field; nothing changes.
    let mut bad = process("BAD", false);
    bad.stages[0].offset_days = 99_999;
    let err = store.put_process(&scope, bad, now).await.unwrap_err();
    match &err {
        ProcessStoreError::Process(e @ ProcessError::Invalid(_)) => {
            assert_eq!(e.fields(), vec!["stages[0].offset_days"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.processes(&scope).await.unwrap().len(), 2);
    // Rules must name an existing process.
    let rule = |p: &str| GroupRule {
        process: p.into(),
        kind: None,
        tag: Some("vip".into()),
        min_total: None,
        max_total: None,
    };
    assert!(matches!(
        store.set_group_rules(&scope, &[rule("NOPE")], now).await,
        Err(ProcessStoreError::Process(ProcessError::Unknown(_)))
    ));
    store
        .set_group_rules(&scope, &[rule("SOFT")], now)
        .await
        .unwrap();
    assert_eq!(store.group_rules(&scope).await.unwrap(), vec![rule("SOFT")]);
    let own = DebtorCollectionChange {
        own_process: Some(Some("SOFT".into())),
        ..Default::default()
    };
    store
        .update_debtor_collection(&scope, &AgentId::new(a.id.clone()), "KH-7", &own, now)
        .await
        .unwrap();
    // In use: refused, saying where, in both languages.
    let err = store.delete_process(&scope, "SOFT", now).await.unwrap_err();
    let pl = err.message(Lang::Pl);
    assert!(pl.contains("jest procesem domyślnym"), "{pl}");
    assert!(
        pl.contains("przypisany do 1 kontrahenta (m.in. KH-7)"),
        "{pl}"
    );
    assert!(pl.contains("używany w regule grupy nr 1"), "{pl}");
    assert!(err.message(Lang::En).contains("cannot be deleted"));
    // Unused: deleted.
    store.delete_process(&scope, "STD", now).await.unwrap();
    assert_eq!(store.processes(&scope).await.unwrap().len(), 1);
    assert!(
        store
            .tenants_with_processes()
            .await
            .unwrap()
            .contains(&scope)
    );
}

/// Answers from a script per channel, then "sent"; counts calls.
#[derive(Debug, Default)]
struct Scripted {
    script: Mutex<VecDeque<Outcome>>,
    calls: Mutex<Vec<String>>,
}

impl Delivery for Scripted {
    async fn deliver(&self, key: &str, _message: &Outbound) -> Outcome {
        self.calls.lock().unwrap().push(key.to_owned());
        self.script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Outcome::Sent {
                provider_id: format!("id-{key}"),
                cost: None,
            })
    }
}

async fn retries_pauses_and_history(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = Store::open(&db.url, 4).await.unwrap();
    let clock = ManualClock::new(at("2026-03-30T09:00:00Z"));
    let t = store
        .create_tenant(TenantKind::Client, "Firma", clock.now())
        .await
        .unwrap();
    let scope = TenantScope::operator(t.id.clone());
    let a = store
        .create_agent(&scope, "ERP", "cli", clock.now())
        .await
        .unwrap();
    store
        .put_process(&scope, process("STD", true), clock.now())
        .await
        .unwrap();
    let agent = AgentPrincipal {
        tenant: scope.clone(),
        tenant_name: t.name.clone(),
        agent: AgentId::new(a.id.clone()),
        agent_name: "ERP".into(),
    };
    let ops = json!([
        company("KH-1", "Firma", &crate::common::nip(1)),
        doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000)
    ]);
    let batch = Batch {
        protocol: 1,
        seq: 1,
        ops: serde_json::from_value(ops).unwrap(),
    };
    store
        .apply_batch(&agent, &batch, clock.now())
        .await
        .unwrap();
    let debtor_id: String = sqlx::query("SELECT debtor_id FROM debtors WHERE tenant_id = $1")
        .bind(&t.id)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let consent = ConsentChange {
        channel: "sms",
        consent: true,
        source: "portal",
        actor: "test",
        basis: None,
    };
    store
        .set_consent(&scope, &debtor_id, &consent, clock.now())
        .await
        .unwrap();
    let sms = Arc::new(Scripted::default());
    let email = Arc::new(Scripted::default());
    sms.script.lock().unwrap().push_back(Outcome::Retry {
        reason: "HTTP 503".into(),
    });
    email.script.lock().unwrap().push_back(Outcome::Paused {
        reason: "brak punktów".into(),
    });
    let channels = Channels::new(sms.clone())
        .with(Channel::Sms, sms.clone())
        .with(Channel::Email, email.clone());
    let config = RunnerConfig::default();
    let run = |now: &str| {
        clock.set(at(now));
        tick(&store, &clock, &channels, &scope, &config)
    };
    let key = "STD/S-3/doc/FV-1/0";

    // A transient failure: back to planned with the same key, five minutes later.
    let s = run("2026-03-30T10:00:00Z").await.unwrap();
    assert_eq!(s.retried.len(), 1, "{s:?}");
    let rows = store
        .actions(&scope, &ActionFilter::default())
        .await
        .unwrap();
    assert_eq!(
        (rows[0].status.as_str(), rows[0].reason_code.as_deref()),
        ("planned", Some("retry"))
    );
    assert_eq!(rows[0].planned_for, at("2026-03-30T10:05:00Z"));
    let s = run("2026-03-30T10:02:00Z").await.unwrap();
    assert!(
        s.sent.is_empty() && s.retried.is_empty(),
        "not before its time: {s:?}"
    );
    let s = run("2026-03-30T10:06:00Z").await.unwrap();
    assert_eq!(s.sent.len(), 1, "{s:?}");
    let provider = provider_key(&t.id, &AgentId::new(a.id.clone()), key);
    assert_eq!(
        *sms.calls.lock().unwrap(),
        vec![provider.clone(), provider.clone()]
    );
    let sent = store
        .actions(
            &scope,
            &ActionFilter {
                status: Some("sent".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((sent[0].key.as_str(), sent[0].attempts), (key, 2));
    assert_eq!(
        sent[0].provider_id.as_deref(),
        Some(format!("id-{provider}").as_str())
    );

    // An account-level refusal pauses the channel for the tenant; nothing more is tried on it.
    let hb = Heartbeat {
        protocol: 1,
        agent_version: "t".into(),
        profile: "t".into(),
        last_sync_at: Some(at("2026-04-01T09:00:00Z")),
        queue_depth: 0,
        quarantined: 0,
        last_error: None,
    };
    store
        .record_heartbeat(
            &scope,
            &AgentId::new(a.id.clone()),
            &hb,
            at("2026-04-01T09:00:00Z"),
        )
        .await
        .unwrap();
    let s = run("2026-04-01T10:00:00Z").await.unwrap();
    assert_eq!(s.held.len(), 1, "{s:?}");
    let paused = store.paused_channels(&scope).await.unwrap();
    assert_eq!(
        paused.get(&Channel::Email).map(String::as_str),
        Some("brak punktów")
    );
    let e0 = store
        .actions(
            &scope,
            &ActionFilter {
                status: Some("held".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(e0[0].reason_code.as_deref(), Some("channel_paused"));
    assert!(e0[0].reason.as_deref().unwrap().contains("brak punktów"));
    let s = run("2026-04-01T10:05:00Z").await.unwrap();
    assert_eq!(s.held.len(), 1);
    assert_eq!(
        email.calls.lock().unwrap().len(),
        1,
        "a paused channel is not called"
    );
    // Resumed: it goes, under the same key.
    store.resume_channel(&scope, Channel::Email).await.unwrap();
    let s = run("2026-04-01T10:10:00Z").await.unwrap();
    assert_eq!(s.sent.len(), 1, "{s:?}");
    let calls = email.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        vec![
            provider_key(
                &t.id,
                &AgentId::new(a.id.clone()),
                "STD/E0/debtor/KH-1/FV-1/0"
            );
            2
        ]
    );

    // History per debtor, per document and overall; newest first.
    let all = store
        .actions(&scope, &ActionFilter::default())
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|a| a.stage.as_str()).collect::<Vec<_>>(),
        vec!["E0", "S-3"]
    );
    assert!(all.iter().all(|a| a.status == "sent" && a.automatic));
    let by_doc = store
        .actions(
            &scope,
            &ActionFilter {
                document: Some("FV-1".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_doc.len(), 2);
    let none = store
        .actions(
            &scope,
            &ActionFilter {
                document: Some("FV-2".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    let by_debtor = store
        .actions(
            &scope,
            &ActionFilter {
                debtor: Some("KH-1".into()),
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_debtor.len(), 1);
    // Another tenant sees nothing.
    let other = store
        .create_tenant(TenantKind::Client, "Inna", clock.now())
        .await
        .unwrap();
    assert!(
        store
            .actions(
                &TenantScope::operator(other.id.clone()),
                &ActionFilter::default()
            )
            .await
            .unwrap()
            .is_empty()
    );
}

on_both!(
    processes_and_rules,
    retries_pauses_and_history,
    concurrent_writers_all_succeed
);

/// Writers of one tenant at once all succeed: on SQLite every writing transaction takes the
/// lock up front (a deferred one that read first failed with SQLITE_BUSY at once when another
/// writer committed in between — Schemathesis found it on `PUT /group-rules`).
async fn concurrent_writers_all_succeed(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = Store::open(&db.url, 8).await.unwrap();
    let now = at("2026-03-25T10:00:00Z");
    let t = store
        .create_tenant(TenantKind::Client, "Firma", now)
        .await
        .unwrap();
    let scope = TenantScope::operator(t.id.clone());
    store
        .put_process(&scope, process("STD", true), now)
        .await
        .unwrap();
    let rule = GroupRule {
        process: "STD".into(),
        kind: None,
        tag: Some("vip".into()),
        min_total: None,
        max_total: None,
    };
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (store, scope, rule) = (store.clone(), scope.clone(), rule.clone());
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                store.set_group_rules(&scope, &[rule], now).await
            } else {
                store
                    .put_process(&scope, process(&format!("P{i}"), false), now)
                    .await
                    .map(|_| ())
            }
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(store.processes(&scope).await.unwrap().len(), 13);
    assert_eq!(store.group_rules(&scope).await.unwrap(), vec![rule]);
}
