//! The process runner through the store, on SQLite and PostgreSQL: the issue's process over
//! debtors who pay early, pay partly, gave no SMS consent, promise to pay, are excluded
//! midway or are bankrupt, the clock walked day by day with a tick each day; the freshness hold; test mode; two runners on one PostgreSQL;
//! a runner killed mid-dispatch and restarted; what the channels make of actions (stored
//! templates, PDF letters and the posting book, e-mail attachments, tasks, sales blocks and
//! their lifting).

#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use inkaso_cloud::domain::ids::{AgentId, PartnerId};
use inkaso_cloud::store::TenantScope;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::{TestDb, close, company, doc};
use chrono::{DateTime, NaiveDate, Utc};
use inkaso_channels::delivery::{Channel as Delivery, Outbound, Outcome, TestModeRecorder};
use inkaso_channels::interest::EurRate;
use inkaso_channels::template::{Creditor, Template};
use inkaso_cloud::process::compose::ChannelSettings;
use inkaso_cloud::process::planner::provider_key;
use inkaso_cloud::process::{Channel, LegalStatus, Pause, PauseKind, Process};
use inkaso_cloud::services::runner::{Channels, RunnerConfig, TickSummary, tick};
use inkaso_cloud::store::accounts::{AgentPrincipal, TenantKind};
use inkaso_cloud::store::cases::{CaseFilter, PageRequest};
use inkaso_cloud::store::companies::Lookup;
use inkaso_cloud::store::ingest::BatchOutcome;
use inkaso_cloud::store::processes::{
    ActionFilter, ActionView, CollectionSettings, DebtorCollectionChange,
};
use inkaso_cloud::store::{Backend, Store};
use inkaso_shared::protocol::{Batch, Heartbeat};
use inkaso_shared::{Clock, ManualClock};
use serde_json::{Value, json};

/// The issue's process: −3 SMS; 0 e-mail; +7 e-mail demand; +14 SMS every 7 days ×3; +30
/// registered letter; +45 hand-off (both from 500 zł).
fn standard() -> Process {
    serde_json::from_value(json!({"code": "STD", "name": "Standardowy", "is_default": true, "stages": [
        {"code": "S-3", "name": "Przypomnienie SMS", "channel": "sms", "offset_days": -3, "template": "sms-przed", "grouping": "per_document"},
        {"code": "E0", "name": "E-mail w dniu terminu", "channel": "email", "offset_days": 0, "template": "email-termin"},
        {"code": "E7", "name": "Wezwanie do zapłaty", "channel": "email", "offset_days": 7, "template": "email-wezwanie",
         "pdf": {"title": "demand", "add_compensation": true}},
        {"code": "S14", "name": "SMS ponaglenie", "channel": "sms", "offset_days": 14, "template": "sms-po",
         "repeat": {"every_days": 7, "times": 3}, "grouping": "per_document"},
        {"code": "RL30", "name": "List polecony", "channel": "registered_letter", "offset_days": 30, "template": "list-wezwanie",
         "min_amount": {"amount": {"minor": 50000, "currency": "PLN"}, "scope": "per_document"}},
        {"code": "H45", "name": "Przekazanie do kancelarii", "channel": "handoff", "offset_days": 45, "template": "kancelaria",
         "min_amount": {"amount": {"minor": 50000, "currency": "PLN"}, "scope": "per_document"}}
    ]}))
    .unwrap()
}

/// A channel that counts every call per key and passes it to a test-mode recorder (which, like
/// SMSAPI's `idx`, refuses a key it has seen). `hang_once`: after recording the first message
/// it never returns, as a runner killed between the provider's answer and the store's write.
#[derive(Debug, Default)]
struct Counting {
    recorder: TestModeRecorder,
    calls: Mutex<Vec<String>>,
    hang_once: AtomicBool,
}

impl Delivery for Counting {
    async fn deliver(&self, key: &str, message: &Outbound) -> Outcome {
        self.calls.lock().unwrap().push(key.to_owned());
        let out = self.recorder.deliver(key, message).await;
        if self.hang_once.swap(false, Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        out
    }
}

impl Counting {
    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

struct Harness {
    db: TestDb,
    store: Store,
    clock: Arc<ManualClock>,
    tenant: TenantScope,
    agent: AgentPrincipal,
    seq: u64,
    channel: Arc<Counting>,
    channels: Channels,
    config: RunnerConfig,
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

impl Harness {
    async fn new(db: TestDb) -> Harness {
        let store = Store::open(&db.url, 8).await.unwrap();
        Harness::with_store(db, store).await
    }

    /// On a database at the previous release's schema (migrations up to 0007).
    async fn before_issue_13(db: TestDb) -> Harness {
        let store = Store::connect(&db.url, 8).await.unwrap();
        inkaso_cloud::store::MIGRATOR
            .run_to(7, store.pool())
            .await
            .unwrap();
        Harness::with_store(db, store).await
    }

    async fn with_store(db: TestDb, store: Store) -> Harness {
        let clock = Arc::new(ManualClock::new(at("2026-03-25T10:00:00Z")));
        let now = clock.now();
        let t = store
            .create_tenant(TenantKind::Client, "Hurtownia", now)
            .await
            .unwrap();
        let scope = TenantScope::operator(t.id.clone());
        let a = store.create_agent(&scope, "ERP", "cli", now).await.unwrap();
        let partner = store
            .create_tenant(TenantKind::Partner, "Kancelaria Lex", now)
            .await
            .unwrap();
        store
            .link_partner(&scope, &PartnerId::from(partner.id.clone()), now)
            .await
            .unwrap();
        store.put_process(&scope, standard(), now).await.unwrap();
        store
            .set_channel_settings(&scope, &channel_settings(), now)
            .await
            .unwrap();
        let channel = Arc::new(Counting::default());
        let channels = Channels::new(channel.clone())
            .with(Channel::Sms, channel.clone())
            .with(Channel::Email, channel.clone())
            .with(Channel::Voice, channel.clone());
        Harness {
            db,
            store,
            clock,
            agent: AgentPrincipal {
                tenant: scope.clone(),
                tenant_name: t.name,
                agent: AgentId::new(a.id),
                agent_name: "ERP".into(),
            },
            tenant: scope.clone(),
            seq: 0,
            channel,
            channels,
            config: RunnerConfig::default(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn batch(&mut self, ops: Value) {
        self.seq += 1;
        let batch = Batch {
            protocol: 1,
            seq: self.seq,
            ops: serde_json::from_value(ops).unwrap(),
        };
        let out = self
            .store
            .apply_batch(&self.agent, &batch, self.now())
            .await
            .unwrap();
        assert!(matches!(out, BatchOutcome::Applied(..)), "{out:?}");
    }

    async fn heartbeat(&self) {
        let hb = Heartbeat {
            protocol: 1,
            agent_version: "test".into(),
            profile: "test".into(),
            last_sync_at: Some(self.now()),
            queue_depth: 0,
            quarantined: 0,
            last_error: None,
        };
        self.store
            .record_heartbeat(&self.tenant, &self.agent.agent, &hb, self.now())
            .await
            .unwrap();
    }

    async fn consent_sms(&self, ext: &str) {
        consent_sms(
            &self.store,
            &self.tenant,
            &self.agent.agent,
            ext,
            self.now(),
        )
        .await;
    }

    async fn tick(&self) -> TickSummary {
        tick(
            &self.store,
            self.clock.as_ref(),
            &self.channels,
            &self.tenant,
            &self.config,
        )
        .await
        .unwrap()
    }

    async fn actions(&self) -> Vec<ActionView> {
        self.store
            .actions(&self.tenant, &ActionFilter::default())
            .await
            .unwrap()
    }
}

/// SMS consent for the debtor `ext` of `agent`, as a portal user gives it.
async fn consent_sms(
    store: &Store,
    tenant: &TenantScope,
    agent: &AgentId,
    ext: &str,
    now: DateTime<Utc>,
) {
    use sqlx::Row as _;
    let id: String = sqlx::query(
        "SELECT debtor_id FROM debtors WHERE tenant_id = $1 AND agent_id = $2 AND external_id = $3",
    )
    .bind(tenant.as_str())
    .bind(agent.as_str())
    .bind(ext)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    // As a portal user gave it in every release: written without the store's `set_consent`,
    // whose statement knows the legal basis (0019), because `upgrade_sends_nothing_twice`
    // gives consents on the schema of a release before it.
    sqlx::query(
        "UPDATE contacts SET consent = 1, consent_source = 'portal', consent_date = $3, updated_at = $4 \
         WHERE tenant_id = $1 AND debtor_id = $2 AND channel = 'sms'",
    )
    .bind(tenant.as_str())
    .bind(&id)
    .bind(inkaso_cloud::store::day(now.date_naive()))
    .bind(inkaso_cloud::store::ts(now))
    .execute(store.pool())
    .await
    .unwrap();
}

/// The creditor printed in letters, and the EUR rate for the compensation.
fn channel_settings() -> ChannelSettings {
    let mut s = ChannelSettings {
        creditor: Some(Creditor {
            name: "Hurtownia Żółw Sp. z o.o.".into(),
            nip: None,
            street: "ul. Piotrkowska 12".into(),
            postcode_city: "90-001 Łódź".into(),
            bank_account: "47 1020 1026 0000 0102 0304 0506".into(),
            contact: Some("+48 42 123 45 67".into()),
        }),
        ..ChannelSettings::default()
    };
    s.letters.rates.eur = Some(EurRate(42_500));
    s
}

/// A company's address as the VAT register gives it (letters to companies need it).
async fn register_address(h: &Harness, nip: &str, address: &str) {
    h.store.request_company(&h.tenant, nip).await.unwrap();
    let found = Lookup::Found {
        name: "z rejestru".into(),
        status_vat: Some("Czynny".into()),
        address: Some(address.into()),
        regon: None,
        krs: None,
        as_of: date("2026-03-25"),
    };
    h.store
        .save_company(&h.tenant, nip, &found, h.now())
        .await
        .unwrap();
}

/// Seven debtors, one 1 000 zł invoice each, due Wednesday 1 April 2026.
async fn scenario_data(h: &mut Harness) {
    let mut ops = Vec::new();
    for (i, k) in ["KH-1", "KH-2", "KH-3", "KH-4", "KH-5", "KH-6", "KH-7"]
        .iter()
        .enumerate()
    {
        ops.push(company(
            k,
            &format!("Firma {k}"),
            &crate::common::nip(u64::try_from(i).unwrap() + 1),
        ));
        ops.push(doc(
            &format!("FV-{}", i + 1),
            k,
            "2026-04-01",
            100_000,
            100_000,
        ));
    }
    h.batch(Value::Array(ops)).await;
    for i in 1..=7u64 {
        register_address(
            h,
            &crate::common::nip(i),
            &format!("UL. DŁUGA {i}, 90-00{i} ŁÓDŹ"),
        )
        .await;
    }
    for k in ["KH-1", "KH-2", "KH-3", "KH-5", "KH-6", "KH-7"] {
        h.consent_sms(k).await;
    }
    let bankrupt = DebtorCollectionChange {
        legal_status: Some(LegalStatus::Bankrupt),
        ..Default::default()
    };
    h.store
        .update_debtor_collection(&h.tenant, &h.agent.agent, "KH-5", &bankrupt, h.now())
        .await
        .unwrap();
}

/// The day's events before the tick: KH-2 pays on 31 March, KH-3 pays 900 zł on 10 April.
async fn scenario_events(h: &mut Harness, today: NaiveDate) {
    if today == date("2026-03-31") {
        h.batch(json!([close("FV-2", "paid", "2026-03-31")])).await;
    }
    if today == date("2026-04-10") {
        h.batch(json!([doc("FV-3", "KH-3", "2026-04-01", 100_000, 10_000)]))
            .await;
        // KH-7 is excluded from collection midway.
        let excluded = DebtorCollectionChange {
            excluded: Some(true),
            ..Default::default()
        };
        h.store
            .update_debtor_collection(&h.tenant, &h.agent.agent, "KH-7", &excluded, h.now())
            .await
            .unwrap();
    }
    if today == date("2026-04-09") {
        // KH-6 promises to pay by Friday 24 April.
        let promise = Pause {
            kind: PauseKind::PromiseToPay,
            until: Some(date("2026-04-24")),
            reason: "obietnica telefoniczna".into(),
            document: None,
        };
        h.store
            .add_pause(&h.tenant, &h.agent.agent, "KH-6", &promise, "test", h.now())
            .await
            .unwrap();
    }
}

/// Sent actions as (debtor, stage) → Warsaw-less UTC dates they went (ticks are at 10:00 UTC,
/// midday in Warsaw).
fn sent_dates(actions: &[ActionView]) -> BTreeMap<(String, String), Vec<NaiveDate>> {
    let mut out: BTreeMap<(String, String), Vec<NaiveDate>> = BTreeMap::new();
    for a in actions.iter().filter(|a| a.status == "sent") {
        out.entry((a.debtor_external_id.clone(), a.stage.clone()))
            .or_default()
            .push(a.done_at.unwrap().date_naive());
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

fn expected_sent() -> BTreeMap<(String, String), Vec<NaiveDate>> {
    let full: Vec<(&str, Vec<&str>)> = vec![
        ("S-3", vec!["2026-03-30"]), // Sunday 29 March moves to Monday
        ("E0", vec!["2026-04-01"]),
        ("E7", vec!["2026-04-08"]),
        ("S14", vec!["2026-04-15", "2026-04-22", "2026-04-29"]),
        ("RL30", vec!["2026-05-04"]), // 1 May holiday, weekend, 3 May holiday
        ("H45", vec!["2026-05-18"]),  // Saturday 16 May moves to Monday
    ];
    let mut out = BTreeMap::new();
    let mut put = |debtor: &str, stages: &[&str]| {
        for (stage, dates) in &full {
            if stages.contains(stage) {
                out.insert(
                    (debtor.to_owned(), (*stage).to_owned()),
                    dates.iter().map(|d| date(d)).collect(),
                );
            }
        }
    };
    put("KH-1", &["S-3", "E0", "E7", "S14", "RL30", "H45"]);
    put("KH-2", &["S-3"]);
    put("KH-3", &["S-3", "E0", "E7", "S14"]);
    put("KH-4", &["E0", "E7", "RL30", "H45"]);
    put("KH-6", &["S-3", "E0", "E7", "RL30", "H45"]);
    put("KH-7", &["S-3", "E0", "E7"]);
    // Held 15 and 22 April by the promise; on Monday 27 April the 22 April SMS goes (the 15
    // April one is superseded), then 29 April.
    out.insert(
        ("KH-6".to_owned(), "S14".to_owned()),
        vec![date("2026-04-27"), date("2026-04-29")],
    );
    out
}

/// What every scenario run must show, however many runners did it.
async fn assert_scenario(h: &Harness, held_bankrupt: usize) {
    let actions = h.actions().await;
    assert_eq!(sent_dates(&actions), expected_sent());
    // Nothing for the bankrupt debtor, ever, but it was shown as held.
    assert!(actions.iter().all(|a| a.debtor_external_id != "KH-5"));
    assert!(held_bankrupt > 0);
    // Nothing after the payment of KH-2: not even a skip record.
    assert!(
        actions
            .iter()
            .filter(|a| a.debtor_external_id == "KH-2")
            .all(|a| a.created_at < at("2026-03-31T00:00:00Z"))
    );
    // KH-3 paid down to 100 zł: the letter and the hand-off are skipped below their minimum.
    let skipped: BTreeSet<(String, String, String)> = actions
        .iter()
        .filter(|a| a.status == "skipped")
        .map(|a| {
            (
                a.debtor_external_id.clone(),
                a.stage.clone(),
                a.reason_code.clone().unwrap_or_default(),
            )
        })
        .collect();
    for s in ["RL30", "H45"] {
        assert!(
            skipped.contains(&("KH-3".into(), s.into(), "below_minimum".into())),
            "{skipped:?}"
        );
    }
    assert!(
        skipped.contains(&("KH-6".into(), "S14".into(), "superseded".into())),
        "{skipped:?}"
    );
    // KH-7, excluded on 10 April, leaves no trace after it: no skipped entries either.
    assert!(
        actions
            .iter()
            .filter(|a| a.debtor_external_id == "KH-7")
            .all(|a| a.status == "sent" && a.created_at < at("2026-04-10T00:00:00Z"))
    );
    // KH-4 gave no SMS consent: the reminder and all three repeats are skipped.
    let no_consent: Vec<&ActionView> = actions
        .iter()
        .filter(|a| {
            a.debtor_external_id == "KH-4" && a.reason_code.as_deref() == Some("no_consent")
        })
        .collect();
    assert_eq!(no_consent.len(), 4, "{no_consent:?}");
    // Every SMS and e-mail reached the channel exactly once, under its key.
    let calls = h.channel.calls();
    let unique: BTreeSet<&String> = calls.iter().collect();
    assert_eq!(
        unique.len(),
        calls.len(),
        "a key was delivered twice: {calls:?}"
    );
    // Providers see each action's provider key: (tenant, agent, key) digested (issue 13).
    let sent_messages: BTreeSet<String> = actions
        .iter()
        .filter(|a| a.status == "sent" && matches!(a.channel.as_str(), "sms" | "email"))
        .map(|a| provider_key(h.tenant.id(), &h.agent.agent, &a.key))
        .collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        sent_messages
    );
    assert_eq!(h.channel.recorder.recorded().len(), sent_messages.len());
    // Registered letters are printed, numbered and kept, and the day's posting book lists them.
    let letter = actions
        .iter()
        .find(|a| a.debtor_external_id == "KH-1" && a.stage == "RL30")
        .unwrap();
    let description = letter.description.as_deref().unwrap();
    assert!(description.contains("list polecony"), "{letter:?}");
    let stored = h.store.letters(&h.tenant, None, None).await.unwrap();
    let registered: Vec<_> = stored.iter().filter(|l| l.registered).collect();
    let rl30_sent = actions
        .iter()
        .filter(|a| a.stage == "RL30" && a.status == "sent")
        .count();
    assert_eq!(registered.len(), rl30_sent);
    let kh1 = registered
        .iter()
        .find(|l| l.debtor_external_id == "KH-1")
        .unwrap();
    assert_eq!(letter.provider_id.as_deref(), Some(kh1.number.as_str()));
    assert_eq!(kh1.addressee.postcode_city, "90-001 ŁÓDŹ");
    let (name, pdf) = h.store.letter_pdf(&h.tenant, &kh1.id).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "{name}");
    let book = h.store.posting_book(&h.tenant, kh1.date).await.unwrap();
    assert!(book.entries.iter().any(|e| e.letter_number == kh1.number));
    assert!(
        book.to_csv(inkaso_shared::Lang::Pl)
            .unwrap()
            .contains("Firma KH-1")
    );
    // The +7 demand e-mails carry the demand letter as a PDF.
    let demands: Vec<_> = h
        .channel
        .recorder
        .recorded()
        .into_iter()
        .filter_map(|r| match r.message {
            Outbound::Email(m) if m.attachment.is_some() => Some(m),
            _ => None,
        })
        .collect();
    let e7_sent = actions
        .iter()
        .filter(|a| a.stage == "E7" && a.status == "sent")
        .count();
    assert_eq!(demands.len(), e7_sent);
    assert!(e7_sent > 0);
    let attached = demands[0].attachment.as_ref().unwrap();
    assert!(
        attached.filename.starts_with("wezwanie"),
        "{}",
        attached.filename
    );
    assert!(attached.bytes.starts_with(b"%PDF"));
    assert_eq!(
        stored.iter().filter(|l| !l.registered).count(),
        e7_sent,
        "one demand letter per e-mail"
    );
    // Each +45 hand-off opened one case at the partner, with the debtor's history in it.
    let handoffs: Vec<&ActionView> = actions
        .iter()
        .filter(|a| a.stage == "H45" && a.status == "sent")
        .collect();
    assert!(!handoffs.is_empty());
    let cases = h
        .store
        .cases_for_client(&h.tenant, &CaseFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(cases.items.len(), handoffs.len(), "{cases:?}");
    for a in &handoffs {
        let case = cases
            .items
            .iter()
            .find(|c| c.action_id.as_deref() == Some(a.id.as_str()))
            .unwrap();
        assert_eq!(a.provider_id.as_deref(), Some(case.id.as_str()));
        assert_eq!(case.partner_name, "Kancelaria Lex");
    }
    // Every final status went to the agent's results feed (and each case's opening too).
    let finals = actions
        .iter()
        .filter(|a| matches!(a.status.as_str(), "sent" | "skipped" | "failed"))
        .count();
    let page = h
        .store
        .results_page(&h.tenant, &h.agent.agent, 0, 1000)
        .await
        .unwrap();
    let opened = page
        .items
        .iter()
        .filter(|i| {
            matches!(
                i.event,
                inkaso_shared::protocol::ResultEvent::Handoff { .. }
            )
        })
        .count();
    assert_eq!(opened, handoffs.len());
    // Each debtor's statistics, once a day and only when they changed: never the same twice
    // in a row for a debtor.
    let mut last_stats: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    let mut stats = 0;
    for i in &page.items {
        if let inkaso_shared::protocol::ResultEvent::DebtorStats {
            debtor_external_id, ..
        } = &i.event
        {
            stats += 1;
            let json = serde_json::to_string(&i.event).unwrap();
            let before = last_stats.insert(debtor_external_id.to_string(), json.clone());
            assert_ne!(before, Some(json), "sent twice unchanged");
        }
    }
    assert!(stats >= 1, "no debtor statistics sent");
    assert_eq!(page.items.len(), finals + opened + stats);
    // Nothing is left claimed or planned.
    assert!(
        actions
            .iter()
            .all(|a| matches!(a.status.as_str(), "sent" | "skipped")),
        "{actions:?}"
    );
}

async fn the_scenario(backend: Backend) {
    let mut h = Harness::new(TestDb::new(backend).await).await;
    scenario_data(&mut h).await;
    let mut held_bankrupt = 0;
    let mut day = date("2026-03-25");
    while day <= date("2026-05-25") {
        h.clock.set(at(&format!("{day}T09:00:00Z")));
        scenario_events(&mut h, day).await;
        h.heartbeat().await;
        h.clock.set(at(&format!("{day}T10:00:00Z")));
        let s = h.tick().await;
        held_bankrupt += s
            .held
            .iter()
            .filter(|l| l.debtor == "KH-5" && l.detail.contains("upadłości"))
            .count();
        if day == date("2026-03-30") {
            // The day's account names what went out.
            assert_eq!(
                s.sent.iter().filter(|l| l.channel == Channel::Sms).count(),
                5,
                "{s:?}"
            );
            assert!(
                s.render(inkaso_shared::Lang::Pl)
                    .contains("STD/S-3/doc/FV-1/0")
            );
        }
        day = day.succ_opt().unwrap();
    }
    assert_scenario(&h, held_bankrupt).await;
}

/// The agent stops syncing on 6 April: the 8 April demand is held with the reason until the
/// agent is back on 10 April, then it goes at once.
async fn freshness_hold(backend: Backend) {
    let mut h = Harness::new(TestDb::new(backend).await).await;
    h.batch(json!([
        company("KH-1", "Firma", &crate::common::nip(1)),
        doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000)
    ]))
    .await;
    register_address(&h, &crate::common::nip(1), "UL. DŁUGA 1, 90-001 ŁÓDŹ").await;
    let mut held_days = Vec::new();
    let mut day = date("2026-03-25");
    while day <= date("2026-04-12") {
        h.clock.set(at(&format!("{day}T09:00:00Z")));
        if day <= date("2026-04-06") || day >= date("2026-04-10") {
            h.heartbeat().await;
        }
        h.clock.set(at(&format!("{day}T10:00:00Z")));
        let s = h.tick().await;
        // A held decision is not grouped yet: it shows per document.
        if s.held
            .iter()
            .any(|l| l.key == "STD/E7/doc/FV-1/0" && l.detail.contains("limit 24 h"))
        {
            held_days.push(day);
        }
        day = day.succ_opt().unwrap();
    }
    assert_eq!(held_days, vec![date("2026-04-08"), date("2026-04-09")]);
    let sent = sent_dates(&h.actions().await);
    assert_eq!(
        sent[&("KH-1".to_owned(), "E7".to_owned())],
        vec![date("2026-04-10")]
    );
    assert_eq!(
        sent[&("KH-1".to_owned(), "E0".to_owned())],
        vec![date("2026-04-01")]
    );
    assert!(
        !sent.contains_key(&("KH-1".to_owned(), "S-3".to_owned())),
        "no consent, no SMS: {sent:?}"
    );
}

/// A runner killed after the provider took the message and before the store recorded it: after
/// the lease the claim is taken again and dispatched under the same key; the provider sees a
/// duplicate, the action is recorded as sent once, and the debtor got one message.
async fn killed_mid_dispatch(backend: Backend) {
    let mut h = Harness::new(TestDb::new(backend).await).await;
    h.batch(json!([
        company("KH-1", "Firma", &crate::common::nip(1)),
        doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000)
    ]))
    .await;
    h.consent_sms("KH-1").await;
    h.clock.set(at("2026-03-30T10:00:00Z"));
    h.heartbeat().await;
    h.channel.hang_once.store(true, Ordering::SeqCst);
    let killed = tokio::time::timeout(std::time::Duration::from_secs(3), h.tick()).await;
    assert!(
        killed.is_err(),
        "the first runner should hang in the channel"
    );
    let key = provider_key(h.tenant.id(), &h.agent.agent, "STD/S-3/doc/FV-1/0");
    assert_eq!(h.channel.calls(), vec![key.clone()]);
    let claimed = h.actions().await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].status, "claimed");
    // A restarted runner before the lease ends leaves the claim alone.
    let restarted = RunnerConfig::default();
    h.clock.set(at("2026-03-30T10:05:00Z"));
    let s = tick(
        &h.store,
        h.clock.as_ref(),
        &h.channels,
        &h.tenant,
        &restarted,
    )
    .await
    .unwrap();
    assert!(s.sent.is_empty(), "{s:?}");
    assert_eq!(h.channel.calls().len(), 1);
    // After the lease it is dispatched again with the same key, and the provider refuses it.
    h.clock.set(at("2026-03-30T10:11:00Z"));
    let s = tick(
        &h.store,
        h.clock.as_ref(),
        &h.channels,
        &h.tenant,
        &restarted,
    )
    .await
    .unwrap();
    assert_eq!(s.sent.len(), 1, "{s:?}");
    assert_eq!(h.channel.calls(), vec![key.clone(), key]);
    assert_eq!(
        h.channel.recorder.recorded().len(),
        1,
        "one distinct message reached the provider"
    );
    let done = h.actions().await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].status, "sent");
    assert_eq!(done[0].attempts, 2);
    assert!(
        done[0]
            .description
            .as_deref()
            .unwrap()
            .contains("wcześniejsza próba doszła"),
        "{:?}",
        done[0]
    );
    let page = h
        .store
        .results_page(&h.tenant, &h.agent.agent, 0, 100)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1, "recorded as sent once");
}

/// Test mode (R-C5): the whole engine runs, the live channels are never called.
async fn test_mode_reaches_no_provider(backend: Backend) {
    let mut h = Harness::new(TestDb::new(backend).await).await;
    let recorder = Arc::new(TestModeRecorder::new());
    let live = Arc::new(Counting::default());
    h.channels = Channels::new(recorder.clone())
        .with(Channel::Sms, live.clone())
        .with(Channel::Email, live.clone());
    let settings = CollectionSettings {
        test_mode: true,
        ..Default::default()
    };
    h.store
        .set_collection_settings(&h.tenant, &settings, h.now())
        .await
        .unwrap();
    h.batch(json!([
        company("KH-1", "Firma", &crate::common::nip(1)),
        doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000)
    ]))
    .await;
    h.consent_sms("KH-1").await;
    h.clock.set(at("2026-04-01T10:00:00Z"));
    h.heartbeat().await;
    let s = h.tick().await;
    assert!(live.calls().is_empty());
    // The −3 reminder expired (never sent after the due date); the e-mail of the day went.
    let keys: Vec<&str> = s.sent.iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, vec!["STD/E0/debtor/KH-1/FV-1/0"]);
    assert_eq!(recorder.recorded().len(), 1);
    assert!(matches!(recorder.recorded()[0].message, Outbound::Email(_)));
    let a = h.actions().await;
    let sent: Vec<&ActionView> = a.iter().filter(|a| a.status == "sent").collect();
    assert_eq!(sent[0].provider_id.as_deref(), Some("test-mode-1"));
}

/// Stored templates, tasks, sales blocks (lifted after payment), consumer letters, and the
/// hold when the creditor is missing.
async fn channels_make_what_stages_ask(backend: Backend) {
    let mut h = Harness::new(TestDb::new(backend).await).await;
    let process: Process = serde_json::from_value(json!({"code": "KAN", "name": "Kanały", "is_default": true, "stages": [
        {"code": "SMS0", "name": "SMS w dniu terminu", "channel": "sms", "offset_days": 0, "template": "sms-termin"},
        {"code": "T2", "name": "Telefon do klienta", "channel": "task", "offset_days": 2, "template": "zadanie"},
        {"code": "L5", "name": "Ponaglenie listowne", "channel": "letter", "offset_days": 5, "template": "list",
         "pdf": {"title": "reminder"}},
        {"code": "B7", "name": "Blokada sprzedaży", "channel": "sales_block", "offset_days": 7, "template": "blokada"}
    ]}))
    .unwrap();
    h.store
        .put_process(&h.tenant, process, h.now())
        .await
        .unwrap();
    let mut settings = channel_settings();
    settings.email.report_to = vec![inkaso_shared::Email::parse("szef@hurtownia.pl").unwrap()];
    h.store
        .set_channel_settings(&h.tenant, &settings, h.now())
        .await
        .unwrap();
    let mut template: Template = serde_json::from_value(json!({
        "name": "SMS w terminie", "channel": "sms", "reason": "arrears", "lang": "pl",
        "body": "<wierzyciel>: dziś mija termin zapłaty <suma_naleznosci>. Konto <rachunek>."}))
    .unwrap();
    let changes = template.prepare_for_save().unwrap();
    assert!(changes.iter().any(|c| c.from == 'ś'), "{changes:?}");
    h.store
        .put_template(&h.tenant, "sms-termin", &template, h.now())
        .await
        .unwrap();
    h.batch(json!([
        crate::common::person("OS-1", "Anna Świątek"),
        doc("FV-9", "OS-1", "2026-04-01", 123_456, 123_456)
    ]))
    .await;
    h.consent_sms("OS-1").await;
    let mut day = date("2026-04-01");
    while day <= date("2026-04-09") {
        h.clock.set(at(&format!("{day}T10:00:00Z")));
        h.heartbeat().await;
        h.tick().await;
        day = day.succ_opt().unwrap();
    }
    // The SMS was rendered from the stored template, folded, with the Polish amount.
    let sms: Vec<String> = h
        .channel
        .recorder
        .recorded()
        .into_iter()
        .filter_map(|r| match r.message {
            Outbound::Sms { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(
        sms,
        vec!["Hurtownia Zolw Sp. z o.o.: dzis mija termin zaplaty 1 234,56 zl. Konto 47 1020 1026 0000 0102 0304 0506.".to_owned()]
    );
    // The client got a run report after each run that did something, and only then.
    let reports: Vec<String> = h
        .channel
        .recorder
        .recorded()
        .into_iter()
        .filter_map(|r| match r.message {
            Outbound::Email(m) if m.to.as_str() == "szef@hurtownia.pl" => Some(m.text),
            _ => None,
        })
        .collect();
    let performing_days = h
        .actions()
        .await
        .iter()
        .filter(|a| a.status == "sent")
        .map(|a| a.done_at.unwrap().date_naive())
        .collect::<BTreeSet<_>>()
        .len();
    assert_eq!(reports.len(), performing_days, "{reports:?}");
    assert!(reports.iter().any(|r| r.contains("SMS")), "{reports:?}");
    // The task waits for an employee.
    let tasks = h.store.tasks(&h.tenant, Some("open")).await.unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert!(tasks[0].subject.contains("Anna Świątek"), "{tasks:?}");
    // Made on Friday 3 April, for two days later.
    assert_eq!(tasks[0].due, date("2026-04-05"));
    // A person's letter goes to the address from the ERP, as a consumer claim.
    let letters = h
        .store
        .letters(&h.tenant, None, Some("OS-1"))
        .await
        .unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].kind, "reminder");
    assert_eq!(letters[0].addressee.postcode_city, "80-001 Gdańsk");
    // The sales block reached the agent's feed.
    let feed = |h: &Harness| {
        let store = h.store.clone();
        let (tenant, agent) = (h.tenant.clone(), h.agent.agent.clone());
        async move {
            store
                .results_page(&tenant, &agent, 0, 1000)
                .await
                .unwrap()
                .items
                .into_iter()
                .filter_map(|i| match i.event {
                    inkaso_shared::protocol::ResultEvent::SalesBlock { blocked, .. } => {
                        Some(blocked)
                    }
                    _ => None,
                })
                .collect::<Vec<bool>>()
        }
    };
    assert_eq!(feed(&h).await, vec![true]);
    // Paid: the next tick lifts the block, once.
    h.batch(json!([close("FV-9", "paid", "2026-04-10")])).await;
    h.clock.set(at("2026-04-10T10:00:00Z"));
    h.heartbeat().await;
    h.tick().await;
    h.tick().await;
    assert_eq!(feed(&h).await, vec![true, false]);

    // Without a creditor a letter cannot be printed: the action waits with the reason.
    h.store
        .set_channel_settings(&h.tenant, &ChannelSettings::default(), h.now())
        .await
        .unwrap();
    h.batch(json!([doc("FV-10", "OS-1", "2026-04-05", 5_000, 5_000)]))
        .await;
    let mut held = Vec::new();
    let mut day = date("2026-04-10");
    while day <= date("2026-04-11") {
        h.clock.set(at(&format!("{day}T10:00:00Z")));
        h.heartbeat().await;
        held.extend(h.tick().await.held);
        day = day.succ_opt().unwrap();
    }
    assert!(
        held.iter()
            .any(|l| l.channel == Channel::Letter && l.detail.contains("dane wierzyciela")),
        "{held:?}"
    );
}

/// `[smsapi]` settings pointing at the simulator, with the token in a file (kept alive by the
/// returned guard).
fn simulator_settings(
    sim: &inkaso_simulators::smsapi::SmsapiSimulator,
) -> (inkaso_cloud::live::SmsapiSettings, tempfile::NamedTempFile) {
    let token = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(token.path(), "test-token\n").unwrap();
    let settings = inkaso_cloud::live::SmsapiSettings {
        url: Some(sim.base_url()),
        backup_url: Some(String::new()),
        token_env: None,
        token_file: Some(token.path().to_owned()),
        sender: Some("Inkaso".into()),
        notify_url: None,
    };
    (settings, token)
}

/// The production SMSAPI client against the simulator: the SMS goes out under its key, its cost
/// is recorded, and the poller records the final status like a lost callback would have.
async fn live_smsapi_and_delivery_polling(backend: Backend) {
    use inkaso_cloud::live::{channels as live_channels, poll_deliveries};
    use inkaso_simulators::smsapi::{SimConfig, SmsapiSimulator};

    let mut h = Harness::new(TestDb::new(backend).await).await;
    let config = SimConfig {
        deliver_after: chrono::Duration::minutes(30),
        senders: vec!["Inkaso".into(), "FirmaJeden".into()],
        ..SimConfig::default()
    };
    let sim = SmsapiSimulator::start(config, h.clock.clone())
        .await
        .unwrap();
    let (settings, _token) = simulator_settings(&sim);
    h.channels = live_channels(
        Some(&settings),
        None,
        "s3cret",
        h.clock.clone(),
        h.channel.clone(),
    )
    .unwrap();
    h.batch(json!([
        company("KH-1", "Firma", &crate::common::nip(1)),
        doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000)
    ]))
    .await;
    h.consent_sms("KH-1").await;
    // The firm's own sender name goes instead of the service's.
    let mut channel_settings = h.store.channel_settings(&h.tenant).await.unwrap();
    channel_settings.sms.sender = Some("FirmaJeden".into());
    h.store
        .set_channel_settings(&h.tenant, &channel_settings, h.now())
        .await
        .unwrap();
    h.clock.set(at("2026-03-30T10:00:00Z"));
    h.heartbeat().await;
    let s = h.tick().await;
    assert_eq!(s.sent.len(), 1, "{s:?}");
    let messages = sim.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].from.as_deref(), Some("FirmaJeden"));
    // The settings' connection test reaches the same account.
    let app = inkaso_cloud::services::App::new(
        h.store.clone(),
        h.clock.clone(),
        inkaso_cloud::services::Engine {
            channels: h.channels.clone(),
            runner: RunnerConfig::default(),
        },
    );
    match app.check_sms_account(&h.tenant).await.unwrap() {
        inkaso_cloud::services::channels::SmsCheck::Connected {
            username, sender, ..
        } => {
            assert!(!username.is_empty());
            assert_eq!(sender.as_deref(), Some("FirmaJeden"));
        }
        other => panic!("{other:?}"),
    }
    let action = h
        .actions()
        .await
        .into_iter()
        .find(|a| a.status == "sent")
        .unwrap();
    assert_eq!(action.provider_id.as_deref(), Some(messages[0].id.as_str()));
    assert_eq!(action.cost_minor, Some(16), "0.16 zł per part");
    // Three minutes later the message is not final yet; an hour later it is delivered.
    let client = inkaso_cloud::live::smsapi_client(&settings, "s3cret").unwrap();
    h.clock.set(at("2026-03-30T10:03:00Z"));
    assert_eq!(
        poll_deliveries(&h.store, &client, h.now()).await.unwrap(),
        0
    );
    h.clock.set(at("2026-03-30T11:00:00Z"));
    assert_eq!(
        poll_deliveries(&h.store, &client, h.now()).await.unwrap(),
        1
    );
    assert_eq!(
        poll_deliveries(&h.store, &client, h.now()).await.unwrap(),
        0
    );
    let page = h
        .store
        .results_page(&h.tenant, &h.agent.agent, 0, 100)
        .await
        .unwrap();
    assert!(
        page.items.iter().any(|i| matches!(&i.event,
            inkaso_shared::protocol::ResultEvent::Action { status, .. } if status == "delivered")),
        "{page:?}"
    );
}

/// Issue 13: a first run whose documents fell due earlier. The due-date e-mail (E0) goes with
/// `<stan_terminu>`, so each message states the real days overdue on the day it goes; for a
/// document already overdue by more than the grace (3 days) E0 has expired and is listed as
/// such, and the later stages take over. Over simulated days, on the stored template the demo
/// uses and on the built-in one.
async fn late_reminders_state_the_truth(backend: Backend) {
    let mut h = Harness::new(TestDb::new(backend).await).await;
    let template: Template = serde_json::from_value(json!({
        "name": "E-mail w dniu terminu", "channel": "email", "reason": "arrears", "lang": "pl",
        "subject": "Termin płatności – <wierzyciel>",
        "body": "Dzień dobry,\n\nuprzejmie przypominamy, że <stan_terminu>. Dotyczy to:\n<dokumenty>\nRazem: <suma_naleznosci>."}))
    .unwrap();
    h.store
        .put_template(&h.tenant, "email-termin", &template, h.now())
        .await
        .unwrap();
    // First run on Monday 30 March: A fell due 6 days before, B 2 days before, C today, D later.
    h.batch(json!([
        company("KH-A", "Firma A", &crate::common::nip(11)),
        doc("FV-A", "KH-A", "2026-03-24", 10_000, 10_000),
        company("KH-B", "Firma B", &crate::common::nip(12)),
        doc("FV-B", "KH-B", "2026-03-28", 10_000, 10_000),
        company("KH-C", "Firma C", &crate::common::nip(13)),
        doc("FV-C", "KH-C", "2026-03-30", 10_000, 10_000),
        company("KH-D", "Firma D", &crate::common::nip(14)),
        doc("FV-D", "KH-D", "2026-04-02", 10_000, 10_000)
    ]))
    .await;
    h.consent_sms("KH-A").await;
    let mut sent: Vec<(NaiveDate, String, String)> = Vec::new();
    let mut expired = Vec::new();
    let mut day = date("2026-03-30");
    while day <= date("2026-04-12") {
        h.clock.set(at(&format!("{day}T10:00:00Z")));
        h.heartbeat().await;
        let before = h.channel.recorder.recorded().len();
        let s = h.tick().await;
        expired.extend(
            s.skipped
                .iter()
                .filter(|l| l.detail.contains("za późno") || l.key.contains("/E0/"))
                .map(|l| (day, l.key.clone(), l.detail.clone())),
        );
        for r in h.channel.recorder.recorded().into_iter().skip(before) {
            if let Outbound::Email(m) = r.message {
                sent.push((day, m.to.as_str().to_owned(), m.text));
            }
        }
        day = day.succ_opt().unwrap();
    }
    let e0 = |debtor: &str| {
        sent.iter()
            .filter(|(_, to, text)| to.contains(debtor) && text.contains("uprzejmie przypominamy"))
            .map(|(d, _, text)| (*d, text.clone()))
            .collect::<Vec<_>>()
    };
    // Never "today" on any other day than the due date.
    for (d, to, text) in &sent {
        if text.contains("dziś mija") {
            assert!(
                (to.contains("KH-C") && *d == date("2026-03-30"))
                    || (to.contains("KH-D") && *d == date("2026-04-02")),
                "{d} {to}: {text}"
            );
        }
    }
    assert!(
        e0("KH-A").is_empty(),
        "six days overdue: E0 expired: {:?}",
        e0("KH-A")
    );
    assert!(
        expired.iter().any(|(d, key, _)| *d == date("2026-03-30")
            && key.contains("/E0/")
            && key.contains("FV-A")),
        "the expired stage is listed: {expired:?}"
    );
    let b = e0("KH-B");
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0].0, date("2026-03-30"));
    assert!(
        b[0].1
            .contains("termin płatności minął 2 dni temu (28.03.2026)"),
        "{}",
        b[0].1
    );
    let c = e0("KH-C");
    assert_eq!(c.len(), 1);
    assert!(c[0].1.contains("dziś mija termin płatności"), "{}", c[0].1);
    let d = e0("KH-D");
    assert_eq!((d.len(), d[0].0), (1, date("2026-04-02")));
    // A later stage takes over for A (here the SMS reminder 14 days after the due date).
    let of_a: Vec<(String, String)> = h
        .actions()
        .await
        .into_iter()
        .filter(|x| x.debtor_external_id == "KH-A")
        .map(|x| (x.key, format!("{} {:?}", x.status, x.reason)))
        .collect();
    assert!(
        of_a.iter()
            .any(|(k, s)| k.contains("/S14/") && s.starts_with("sent")),
        "{of_a:?}"
    );
    // The built-in due-date template says the same truthfully.
    let builtin = inkaso_cloud::process::compose::builtin_template(
        inkaso_channels::template::ChannelKind::Email,
        0,
        inkaso_shared::Lang::Pl,
    );
    assert!(builtin.body.contains("<stan_terminu>") && !builtin.body.contains("dziś"));
}

/// Issue 13: a database the previous release wrote (schema 0007, keys unique per tenant only,
/// no provider key), with an SMS it sent and one it had claimed when it died mid-dispatch, is
/// migrated; the ticks that follow plan neither again, re-dispatch the claimed one under the
/// key SMSAPI already knows (so its duplicate check still holds), and send nothing twice.
async fn upgrade_sends_nothing_twice(backend: Backend) {
    let mut h = Harness::before_issue_13(TestDb::new(backend).await).await;
    h.batch(json!([
        company("KH-1", "Firma", &crate::common::nip(1)),
        doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000),
        doc("FV-2", "KH-1", "2026-04-01", 100_000, 100_000)
    ]))
    .await;
    h.consent_sms("KH-1").await;
    // The previous release's runner on 30 March: FV-1's reminder sent, FV-2's claimed when the
    // process died (the rows its record_decisions and finish_action wrote).
    for (id, doc_id, status) in [("OLD-1", "FV-1", "sent"), ("OLD-2", "FV-2", "claimed")] {
        let key = format!("STD/S-3/doc/{doc_id}/0");
        let docs =
            format!(r#"[{{"document":"{doc_id}","occurrence":0,"scheduled":"2026-03-29"}}]"#);
        sqlx::query(
            "INSERT INTO actions (tenant_id, action_id, idem_key, agent_id, debtor_external_id, process_code, stage_code, \
             channel, template, documents_json, planned_for, status, claimed_by, claimed_at, attempts, provider_id, \
             description, created_at, updated_at, done_at) \
             VALUES ($1, $2, $3, $4, 'KH-1', 'STD', 'S-3', 'sms', 'sms-przed', $5, '2026-03-30T08:00:00.000000Z', $6, \
             'old-runner', '2026-03-30T08:00:00.000000Z', 1, $7, 'SMS', '2026-03-30T08:00:00.000000Z', \
             '2026-03-30T08:00:00.000000Z', $8)",
        )
        .bind(h.tenant.as_str())
        .bind(id)
        .bind(&key)
        .bind(h.agent.agent.as_str())
        .bind(docs)
        .bind(status)
        .bind((status == "sent").then_some("SM-OLD"))
        .bind((status == "sent").then_some("2026-03-30T08:00:00.000000Z"))
        .execute(h.store.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO action_documents (tenant_id, action_id, agent_id, document_external_id, occurrence, scheduled) \
             VALUES ($1, $2, $3, $4, 0, '2026-03-29')",
        )
        .bind(h.tenant.as_str())
        .bind(id)
        .bind(h.agent.agent.as_str())
        .bind(doc_id)
        .execute(h.store.pool())
        .await
        .unwrap();
    }
    // The upgrade.
    h.store.migrate().await.unwrap();
    let mut day = date("2026-03-30");
    while day <= date("2026-04-20") {
        h.clock.set(at(&format!("{day}T10:00:00Z")));
        h.heartbeat().await;
        h.tick().await;
        day = day.succ_opt().unwrap();
    }
    let calls = h.channel.calls();
    let old_fv1 = "STD/S-3/doc/FV-1/0".to_owned();
    let old_fv2 = "STD/S-3/doc/FV-2/0".to_owned();
    assert!(
        !calls.contains(&old_fv1)
            && !calls.contains(&provider_key(h.tenant.id(), &h.agent.agent, &old_fv1)),
        "the SMS sent before the upgrade went again: {calls:?}"
    );
    assert_eq!(
        calls.iter().filter(|c| **c == old_fv2).count(),
        1,
        "the claimed one is re-dispatched once, under the key SMSAPI knows: {calls:?}"
    );
    let unique: BTreeSet<&String> = calls.iter().collect();
    assert_eq!(
        unique.len(),
        calls.len(),
        "a key was delivered twice: {calls:?}"
    );
    let actions = h.actions().await;
    for key in [&old_fv1, &old_fv2] {
        let rows: Vec<_> = actions.iter().filter(|a| &a.key == key).collect();
        assert_eq!(rows.len(), 1, "{key}: {rows:?}");
        assert_eq!(rows[0].status, "sent");
    }
    assert!(
        actions
            .iter()
            .any(|a| a.key.starts_with("STD/S14/") && a.status == "sent"),
        "later stages go on as before"
    );
}

/// Another agent (a second ERP) of `tenant`, its data applied and fresh: company KH-1 with one
/// invoice FV-1 due 1 April 2026 — the same ids and process as [`Harness::new`]'s agent — with
/// SMS consent, and `phone` as its number.
async fn agent_with_the_same_ids(h: &Harness, tenant: &TenantScope, phone: &str) -> AgentPrincipal {
    let now = h.now();
    let a = h
        .store
        .create_agent(tenant, "ERP", "cli", now)
        .await
        .unwrap();
    let agent = AgentPrincipal {
        tenant: tenant.clone(),
        tenant_name: "x".into(),
        agent: AgentId::new(a.id),
        agent_name: "ERP".into(),
    };
    let mut debtor = company("KH-1", "Firma", &crate::common::nip(1));
    debtor["debtor"]["phone"] = json!(phone);
    let batch = Batch {
        protocol: 1,
        seq: 1,
        ops: serde_json::from_value(json!([
            debtor,
            doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000)
        ]))
        .unwrap(),
    };
    h.store.apply_batch(&agent, &batch, now).await.unwrap();
    consent_sms(&h.store, tenant, &agent.agent, "KH-1", now).await;
    agent
}

/// Issue 13: two tenants, and two agents of one tenant, with identical process, stage and ERP
/// ids. Every debtor gets its SMS through the production client against the SMSAPI simulator
/// (which refuses a repeated `idx` with error 53, as SMSAPI does with `check_idx=1`); every
/// action is planned. A tenant whose stored data makes its tick fail, and one whose tick panics,
/// stop nobody else in the same round.
async fn same_ids_in_two_tenants_and_two_agents(backend: Backend) {
    use inkaso_cloud::services::runner::{TenantTick, tick_all};
    use inkaso_simulators::smsapi::{SimConfig, SmsapiSimulator};

    let mut h = Harness::new(TestDb::new(backend).await).await;
    let now = h.now();
    let mut debtor = company("KH-1", "Firma", &crate::common::nip(1));
    debtor["debtor"]["phone"] = json!("+48601000001");
    h.batch(json!([
        debtor,
        doc("FV-1", "KH-1", "2026-04-01", 100_000, 100_000)
    ]))
    .await;
    h.consent_sms("KH-1").await;
    let second_agent = agent_with_the_same_ids(&h, &h.tenant, "+48601000002").await;
    let mut others = Vec::new();
    for (name, phone) in [
        ("Druga firma", "+48601000003"),
        ("Zepsute dane", "+48601000004"),
        ("Panika", "+48601000005"),
    ] {
        let t = h
            .store
            .create_tenant(TenantKind::Client, name, now)
            .await
            .unwrap();
        let scope = TenantScope::operator(t.id.clone());
        h.store.put_process(&scope, standard(), now).await.unwrap();
        h.store
            .set_channel_settings(&scope, &channel_settings(), now)
            .await
            .unwrap();
        let agent = agent_with_the_same_ids(&h, &scope, phone).await;
        others.push((t.id, agent));
    }
    // The third tenant's stored process cannot be read back.
    sqlx::query("UPDATE processes SET definition_json = '{' WHERE tenant_id = $1")
        .bind(&others[1].0)
        .execute(h.store.pool())
        .await
        .unwrap();

    let sim = SmsapiSimulator::start(SimConfig::default(), h.clock.clone())
        .await
        .unwrap();
    let (settings, _token) = simulator_settings(&sim);
    let live = inkaso_channels::delivery::SmsapiChannel::new(
        inkaso_cloud::live::smsapi_client(&settings, "s3cret").unwrap(),
    );
    // The fourth tenant's debtor makes the SMS channel panic (a bug only its data reaches).
    let channels = Channels::new(h.channel.clone()).with(
        Channel::Sms,
        Arc::new(PanicsFor {
            phone: "+48601000005".into(),
            inner: Arc::new(live),
        }),
    );

    h.clock.set(at("2026-03-30T10:00:00Z"));
    for agent in [
        &h.agent,
        &second_agent,
        &others[0].1,
        &others[1].1,
        &others[2].1,
    ] {
        let hb = Heartbeat {
            protocol: 1,
            agent_version: "test".into(),
            profile: "test".into(),
            last_sync_at: Some(h.now()),
            queue_depth: 0,
            quarantined: 0,
            last_error: None,
        };
        h.store
            .record_heartbeat(&agent.tenant, &agent.agent, &hb, h.now())
            .await
            .unwrap();
    }
    let clock: Arc<dyn Clock> = h.clock.clone();
    let round = tick_all(&h.store, &clock, &channels, &h.config, None)
        .await
        .unwrap();
    assert_eq!(round.len(), 4, "{round:?}");
    let outcome = |tenant: &str| {
        round
            .iter()
            .find(|(t, _)| t == tenant)
            .map(|(_, o)| o)
            .unwrap()
    };
    assert!(
        matches!(outcome(others[1].0.as_str()), TenantTick::Failed(_)),
        "{round:?}"
    );
    assert!(
        matches!(outcome(others[2].0.as_str()), TenantTick::Panicked(p) if p.contains("+48601000005")),
        "{round:?}"
    );
    for tenant in [h.tenant.as_str(), others[0].0.as_str()] {
        let TenantTick::Done(s) = outcome(tenant) else {
            panic!("{round:?}")
        };
        assert!(s.failed.is_empty(), "{s:?}");
    }
    let mut reached: Vec<String> = sim.messages().iter().map(|m| m.number.clone()).collect();
    reached.sort();
    assert_eq!(
        reached,
        ["48601000001", "48601000002", "48601000003"],
        "each debtor of the healthy tenants got its SMS, none refused as a duplicate"
    );
    let sent = h
        .store
        .actions(&h.tenant, &ActionFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.status == "sent" && a.channel == "sms")
        .map(|a| a.agent_id)
        .collect::<BTreeSet<_>>();
    assert_eq!(sent.len(), 2, "both agents' SMS planned and sent: {sent:?}");
}

/// Panics when asked to send to `phone`; passes everything else on.
struct PanicsFor {
    phone: String,
    inner: Arc<dyn inkaso_channels::delivery::DynChannel>,
}

impl std::fmt::Debug for PanicsFor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PanicsFor")
    }
}

impl Delivery for PanicsFor {
    async fn deliver(&self, key: &str, message: &Outbound) -> Outcome {
        if let Outbound::Sms { to, .. } = message
            && to.e164() == self.phone
        {
            panic!("a bug reached by {}", self.phone);
        }
        self.inner.deliver_boxed(key, message).await
    }
}

on_both!(
    late_reminders_state_the_truth,
    upgrade_sends_nothing_twice,
    same_ids_in_two_tenants_and_two_agents,
    live_smsapi_and_delivery_polling,
    the_scenario,
    freshness_hold,
    killed_mid_dispatch,
    test_mode_reaches_no_provider,
    channels_make_what_stages_ask
);

/// Two runners, each with its own pool, on one PostgreSQL, ticking at the same instant every
/// day: every action performed exactly once, and the same history as one runner.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_runners_on_one_postgres() {
    let mut h = Harness::new(TestDb::new(Backend::Postgres).await).await;
    let second = Store::open(&h.db.url, 8).await.unwrap();
    scenario_data(&mut h).await;
    let (a, b) = (RunnerConfig::default(), RunnerConfig::default());
    let mut held_bankrupt = 0;
    let mut day = date("2026-03-25");
    while day <= date("2026-05-25") {
        h.clock.set(at(&format!("{day}T09:00:00Z")));
        scenario_events(&mut h, day).await;
        h.heartbeat().await;
        h.clock.set(at(&format!("{day}T10:00:00Z")));
        let (sa, sb) = tokio::join!(
            tick(&h.store, h.clock.as_ref(), &h.channels, &h.tenant, &a),
            tick(&second, h.clock.as_ref(), &h.channels, &h.tenant, &b),
        );
        for s in [sa.unwrap(), sb.unwrap()] {
            held_bankrupt += s.held.iter().filter(|l| l.debtor == "KH-5").count();
        }
        day = day.succ_opt().unwrap();
    }
    assert_scenario(&h, held_bankrupt).await;
}
