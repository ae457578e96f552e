//! Notifications both ways, end to end on SQLite and PostgreSQL, against the SMSAPI simulator:
//! notifications by hand (`notifications_by_hand`), mass notifications (`mass_notifications`)
//! and SMS from debtors (`saldo_and_stop`): the SMSAPI simulator forwards a
//! phone's SMS to the cloud's inbound callback over HTTP, the cloud answers through the same
//! simulator. "saldo?" from a known number gets the debtor's balance (the amounts, the next
//! and the oldest dates, the account, the payment link); an unknown number, a number of
//! several debtors and a deceased debtor's get the neutral reply; the fourth query of a day
//! the one refusal, the fifth nothing; a redelivered message changes nothing; "STOP"
//! withdraws the consent (the message named as its source), is confirmed, and the next
//! process tick sends that number no SMS while another debtor gets its own; a firm in test
//! mode sends nothing and logs everything; a wrong secret is refused; the portal shows the log.

#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use inkaso_channels::delivery::{SmsapiChannel, TestModeRecorder};
use inkaso_channels::smsapi::{RetryPolicy, SmsapiClient, SmsapiConfig};
use inkaso_channels::template::{Creditor, Template};
use inkaso_cloud::process::compose::ChannelSettings;
use inkaso_cloud::process::{Channel, LegalStatus};
use inkaso_cloud::services::Engine;
use inkaso_cloud::services::runner::{Channels, RunnerConfig, tick};
use inkaso_cloud::store::accounts::{AgentPrincipal, TenantKind};
use inkaso_cloud::store::ingest::BatchOutcome;
use inkaso_cloud::store::processes::{CollectionSettings, DebtorCollectionChange};
use inkaso_cloud::store::query::ConsentChange;
use inkaso_cloud::store::security::SMSAPI_CALLBACK_SECRET;
use inkaso_cloud::store::{Backend, TenantScope};
use inkaso_shared::protocol::{Batch, Heartbeat};
use inkaso_shared::{Clock as _, ManualClock};
use inkaso_simulators::smsapi::{SimConfig, SmsapiSimulator};
use serde_json::{Value, json};
use sqlx::Row as _;

use crate::common::{Env, TestDb, close, doc};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn debtor(ext: &str, name: &str, phone: &str) -> Value {
    json!({"op": "upsert_debtor", "debtor": {"external_id": ext, "kind": "person", "name": name,
        "email": null, "phone": phone,
        "address": {"street": "Długa 5/3", "postcode": "80-001", "city": "Gdańsk", "country": "PL"}}})
}

/// A client of the simulator's account that does not retry (a test wants each call once).
fn sim_client(sim: &SmsapiSimulator) -> SmsapiClient {
    SmsapiClient::new(sim_config(sim)).unwrap()
}

fn sim_config(sim: &SmsapiSimulator) -> SmsapiConfig {
    SmsapiConfig {
        base_url: sim.base_url(),
        backup_url: None,
        token: "test-token".into(),
        sender: None,
        notify_url: None,
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        },
    }
}

struct Site {
    env: Env,
    sim: SmsapiSimulator,
    recorder: Arc<TestModeRecorder>,
    channels: Channels,
    tenant: TenantScope,
    agent: AgentPrincipal,
    inbound_url: String,
    /// The firm's editor's and viewer's API tokens.
    editor: String,
    viewer: String,
}

impl Site {
    async fn new(backend: Backend) -> Site {
        let db = TestDb::new(backend).await;
        let clock = Arc::new(ManualClock::new(at("2026-12-07T09:00:00Z")));
        let sim = SmsapiSimulator::start(SimConfig::default(), clock.clone())
            .await
            .unwrap();
        let client = sim_client(&sim);
        let recorder = Arc::new(TestModeRecorder::new());
        let channels = Channels::new(recorder.clone())
            .with(Channel::Sms, Arc::new(SmsapiChannel::new(client)));
        let engine = Engine {
            channels: channels.clone(),
            runner: RunnerConfig::default(),
        };
        let env = Env::on_with(db, clock, engine).await;
        let fixture = env.tenant("Hurtownia Żółw").await;
        let tenant = fixture.scope.clone();
        let now = env.clock.now();
        let agent = AgentPrincipal {
            tenant: tenant.clone(),
            tenant_name: "Hurtownia Żółw".into(),
            agent: fixture.agent.clone(),
            agent_name: "ERP".into(),
        };
        let mut settings = ChannelSettings {
            creditor: Some(Creditor {
                name: "Hurtownia Żółw".into(),
                nip: None,
                street: "ul. Piotrkowska 12".into(),
                postcode_city: "90-001 Łódź".into(),
                bank_account: "47 1020 1026 0000 0102 0304 0506".into(),
                contact: None,
            }),
            ..ChannelSettings::default()
        };
        settings.sms.inbound_number = Some("+48 799 599 599".into());
        settings.sms.payment_link = Some("https://zaplac.example.pl/zolw".into());
        settings.sms.sender = Some("Inkaso".into());
        let settings = inkaso_cloud::domain::settings::check_channel_settings(settings).unwrap();
        env.store
            .set_channel_settings(&tenant, &settings, now)
            .await
            .unwrap();
        // Another firm with its own number: never answers for the first.
        let other = env
            .store
            .create_tenant(TenantKind::Client, "Inna", now)
            .await
            .unwrap();
        let mut theirs = ChannelSettings::default();
        theirs.sms.inbound_number = Some("+48799000111".into());
        env.store
            .set_channel_settings(&TenantScope::operator(other.id), &theirs, now)
            .await
            .unwrap();

        let secret = env
            .store
            .service_secret(SMSAPI_CALLBACK_SECRET, now)
            .await
            .unwrap();
        let inbound_url = env.url(&format!("/callbacks/smsapi/{secret}/inbound"));
        let site = Site {
            env,
            sim,
            recorder,
            channels,
            tenant,
            agent,
            inbound_url,
            editor: fixture.editor.clone(),
            viewer: fixture.viewer.clone(),
        };
        site.batch(
            1,
            json!([
                debtor("KH-1", "Jan Kowalski", "+48500100001"),
                doc("A", "KH-1", "2026-10-01", 30_000, 25_050),
                doc("B", "KH-1", "2026-11-15", 5_000, 5_000),
                doc("C", "KH-1", "2026-12-20", 10_000, 10_000),
                debtor("KH-2", "Zmarły Nowak", "+48500100002"),
                doc("D", "KH-2", "2026-10-01", 10_000, 10_000),
                debtor("KH-3", "Anna Wspólna", "+48500100003"),
                debtor("KH-4", "Piotr Wspólny", "+48500100003"),
                doc("E", "KH-3", "2026-10-01", 10_000, 10_000),
                debtor("KH-5", "Ewa Zgodna", "+48500100005"),
            ]),
        )
        .await;
        let deceased = DebtorCollectionChange {
            legal_status: Some(LegalStatus::Deceased),
            ..Default::default()
        };
        site.env
            .store
            .update_debtor_collection(&site.tenant, &site.agent.agent, "KH-2", &deceased, now)
            .await
            .unwrap();
        for ext in ["KH-1", "KH-5"] {
            let consent = ConsentChange {
                channel: "sms",
                consent: true,
                source: "umowa",
                actor: "test",
                basis: None,
            };
            let id = site.debtor_id(ext).await;
            site.env
                .store
                .set_consent(&site.tenant, &id, &consent, now)
                .await
                .unwrap();
        }
        site
    }

    async fn batch(&self, seq: u64, ops: Value) {
        let batch = Batch {
            protocol: 1,
            seq,
            ops: serde_json::from_value(ops).unwrap(),
        };
        let out = self
            .env
            .store
            .apply_batch(&self.agent, &batch, self.env.clock.now())
            .await
            .unwrap();
        assert!(matches!(out, BatchOutcome::Applied(..)), "{out:?}");
    }

    /// An SMS template about arrears under `code`: the creditor, the sum, the account.
    async fn arrears_template(&self, code: &str, name: &str) {
        let mut template: Template = serde_json::from_value(json!({
            "name": name, "channel": "sms", "reason": "arrears", "lang": "pl",
            "body": "<wierzyciel>: zaleglosc <suma_naleznosci>. Konto <rachunek>."}))
        .unwrap();
        template.prepare_for_save().unwrap();
        self.env
            .store
            .put_template(&self.tenant, code, &template, self.env.clock.now())
            .await
            .unwrap();
    }

    /// The firm's default process: one SMS a day after the due date, per debtor.
    async fn sms_process(&self) {
        let process =
            serde_json::from_value(json!({"code": "SMS", "name": "SMS", "is_default": true,
            "stages": [{"code": "S1", "name": "SMS po terminie", "channel": "sms", "offset_days": 1,
            "template": "sms-po", "grouping": "per_debtor"}]}))
            .unwrap();
        self.env
            .store
            .put_process(&self.tenant, process, self.env.clock.now())
            .await
            .unwrap();
        self.arrears_template("sms-po", "SMS po terminie").await;
    }

    /// The agent reports a fresh sync, then the engine's tick runs for the firm.
    async fn tick(&self) {
        let hb = Heartbeat {
            protocol: 1,
            agent_version: "test".into(),
            profile: "test".into(),
            last_sync_at: Some(self.env.clock.now()),
            queue_depth: 0,
            quarantined: 0,
            last_error: None,
        };
        self.env
            .store
            .record_heartbeat(&self.tenant, &self.agent.agent, &hb, self.env.clock.now())
            .await
            .unwrap();
        tick(
            &self.env.store,
            self.env.clock.as_ref(),
            &self.channels,
            &self.tenant,
            &RunnerConfig::default(),
        )
        .await
        .unwrap();
    }

    async fn debtor_id(&self, ext: &str) -> String {
        sqlx::query("SELECT debtor_id FROM debtors WHERE tenant_id = $1 AND external_id = $2")
            .bind(self.tenant.as_str())
            .bind(ext)
            .fetch_one(self.env.store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    }

    /// A phone texts the firm; returns the SMS the cloud sent back, if one.
    async fn text(&self, from: &str, text: &str) -> Option<String> {
        let before = self.sim.messages().len();
        let d = self.sim.send_inbound(&self.inbound_url, from, text).await;
        assert!(d.acknowledged, "{d:?}");
        assert_eq!(d.attempts, 1, "{d:?}");
        let sent = self.sim.messages();
        assert!(sent.len() <= before + 1, "more than one reply");
        sent.get(before).map(|m| {
            assert_eq!(m.number, from, "the reply goes to the sender");
            m.text.clone()
        })
    }

    async fn logged(&self) -> i64 {
        sqlx::query("SELECT COUNT(*) FROM inbound_sms WHERE tenant_id = $1")
            .bind(self.tenant.as_str())
            .fetch_one(self.env.store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    }
}

async fn saldo_and_stop(backend: Backend) {
    let s = Site::new(backend).await;

    // A known number asks, with junk around the word: its balance, folded to plain letters.
    let reply = s.text("48500100001", " saldo?").await.unwrap();
    for want in [
        "Hurtownia Zolw: do zaplaty 400,50 zl",
        "w tym po terminie 300,50 zl",
        "Najblizszy termin: 20.12.2026",
        "Najstarszy zalegly dokument: FS A/2026 (termin 01.10.2026)",
        "Konto: 47 1020 1026 0000 0102 0304 0506",
        "https://zaplac.example.pl/zolw",
    ] {
        assert!(reply.contains(want), "{want:?} not in {reply:?}");
    }
    // "BALANCE" is answered in English.
    let reply = s.text("48500100001", "Balance").await.unwrap();
    assert!(reply.contains("you owe 400,50 zl"), "{reply}");

    // Numbers that must learn nothing: unknown, shared by two debtors, a deceased debtor's.
    for from in ["48500999999", "48500100003", "48500100002"] {
        let reply = s.text(from, "SALDO").await.unwrap();
        assert!(reply.starts_with("Nie znalezlismy naleznosci"), "{reply}");
        assert!(
            !reply.chars().any(|c| c.is_ascii_digit()),
            "no amount, no date: {reply}"
        );
    }
    let outcomes: Vec<String> = sqlx::query(
        "SELECT outcome FROM inbound_sms WHERE tenant_id = $1 AND command = 'balance' ORDER BY received_at, outcome",
    )
    .bind(s.tenant.as_str())
    .fetch_all(s.env.store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get(0).unwrap())
    .collect();
    for want in ["answered", "unknown_number", "several_debtors", "deceased"] {
        assert!(
            outcomes.iter().any(|o| o == want),
            "{want} not in {outcomes:?}"
        );
    }

    // The day's limit (3): the third is answered, the fourth refused once, the fifth silent.
    assert!(
        s.text("48500100001", "saldo")
            .await
            .unwrap()
            .contains("400,50")
    );
    let refusal = s.text("48500100001", "saldo").await.unwrap();
    assert!(refusal.contains("limit"), "{refusal}");
    assert_eq!(s.text("48500100001", "saldo").await, None);
    // The next (Polish) day it answers again.
    s.env.clock.set(at("2026-12-07T23:30:00Z"));
    assert!(
        s.text("48500100001", "saldo")
            .await
            .unwrap()
            .contains("400,50")
    );

    // A message to a number no firm has: acknowledged (or SMSAPI would redeliver it for
    // ever), not answered, in no firm's log.
    let logged = s.logged().await;
    let before = s.sim.messages().len();
    let elsewhere = s
        .sim
        .forward_inbound(
            &s.inbound_url,
            &inkaso_simulators::smsapi::InboundMessage {
                msg_id: "X-1".into(),
                from: "48500100001".into(),
                to: "48222222222".into(),
                text: "saldo".into(),
            },
        )
        .await;
    assert!(elsewhere.acknowledged);
    assert_eq!(s.logged().await, logged);
    assert_eq!(s.sim.messages().len(), before);

    // A redelivery (SMSAPI lost our OK): nothing logged or sent again.
    let d = s
        .sim
        .send_inbound(&s.inbound_url, "48500100001", "saldo")
        .await;
    assert!(d.acknowledged);
    let (logged, sent) = (s.logged().await, s.sim.messages().len());
    let again = s.sim.forward_inbound(&s.inbound_url, &d.message).await;
    assert!(again.acknowledged);
    assert_eq!((s.logged().await, s.sim.messages().len()), (logged, sent));

    // A wrong secret: refused, nothing logged.
    let refused = s
        .sim
        .send_inbound(
            &format!("{}/callbacks/smsapi/zgadniete/inbound", s.env.url("")),
            "48500100001",
            "STOP",
        )
        .await;
    assert!(!refused.acknowledged);
    assert_eq!(refused.last_status, Some(401));
    assert_eq!(s.logged().await, logged);

    // STOP: the consent is withdrawn, the message is its source, and one confirmation goes.
    let confirmation = s.text("48500100001", "STOP SMS").await.unwrap();
    assert!(
        confirmation.starts_with("Nie bedziemy juz wysylac SMS"),
        "{confirmation}"
    );
    let kh1 = s.debtor_id("KH-1").await;
    let row = sqlx::query(
        "SELECT consent, consent_source FROM contacts WHERE tenant_id = $1 AND debtor_id = $2 AND channel = 'sms'",
    )
    .bind(s.tenant.as_str())
    .bind(&kh1)
    .fetch_one(s.env.store.pool())
    .await
    .unwrap();
    assert_eq!(row.try_get::<Option<i64>, _>(0).unwrap(), Some(0));
    let source: String = row.try_get(1).unwrap();
    assert!(source.starts_with("sms:"), "{source}");
    let audited: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit_log WHERE tenant_id = $1 AND action = 'consent.set' AND actor = 'sms'",
    )
    .bind(s.tenant.as_str())
    .fetch_one(s.env.store.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(audited, 1);
    // An unknown number's STOP is logged, not confirmed.
    assert_eq!(s.text("48500999999", "stop").await, None);
    // Other text is kept for the firm, not answered.
    assert_eq!(s.text("48500100005", "Zapłacę w piątek").await, None);

    // The next process tick: KH-1's SMS is skipped (no consent), KH-5's goes.
    s.sms_process().await;
    s.batch(2, json!([doc("F", "KH-5", "2026-12-07", 7_000, 7_000)]))
        .await;
    s.env.clock.set(at("2026-12-08T10:00:00Z"));
    let before = s.sim.messages().len();
    s.tick().await;
    let sent: Vec<String> = s.sim.messages()[before..]
        .iter()
        .map(|m| m.number.clone())
        .collect();
    assert_eq!(sent, ["48500100005"], "only the consenting debtor");

    // Test mode: the same decisions, logged; nothing reaches SMSAPI.
    let mut settings = s.env.store.collection_settings(&s.tenant).await.unwrap();
    settings.test_mode = true;
    let settings = CollectionSettings { ..settings };
    s.env
        .store
        .set_collection_settings(&s.tenant, &settings, s.env.clock.now())
        .await
        .unwrap();
    assert_eq!(s.text("48500100005", "saldo").await, None);
    let recorded = s.recorder.recorded();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let status: (String, String) = {
        let r = sqlx::query(
            "SELECT reply_status, reply_text FROM inbound_sms WHERE tenant_id = $1 AND from_number = '+48500100005' AND command = 'balance'",
        )
        .bind(s.tenant.as_str())
        .fetch_one(s.env.store.pool())
        .await
        .unwrap();
        (r.try_get(0).unwrap(), r.try_get(1).unwrap())
    };
    assert_eq!(status.0, "test_mode");
    assert!(status.1.contains("70,00 zl"), "{}", status.1);

    // The portal shows the log to the firm.
    let session = crate::portal::log_in(&s.env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let (status, page) = crate::portal::page(&s.env, &session, "/sms").await;
    assert_eq!(status, 200, "{page}");
    for want in [
        "+48500100001",
        "Jan Kowalski",
        "STOP SMS",
        "Zgoda na SMS wycofana",
        "Zapłacę w piątek",
    ] {
        assert!(page.contains(want), "{want:?} not on the page");
    }
}

/// A firm notifies by hand (R-N4, R-N5) through the portal and the service: an SMS with a
/// promise and its snapshot, refusals for a deceased debtor and a missing consent, unsent SMS
/// deleted or sent later (refused once a STOP came in), a sent one kept, a call recorded as a
/// contact, test mode, and the register's "settlement after the notice" once payments synced.
async fn notifications_by_hand(backend: Backend) {
    use inkaso_cloud::domain::notifications::{NotificationKind, Settlement};
    use inkaso_cloud::services::notifications::NotificationOrder;
    use inkaso_cloud::services::register::RegisterFilter;
    use inkaso_cloud::services::{App, ServiceError};

    let s = Site::new(backend).await;
    let app = App::new(
        s.env.store.clone(),
        s.env.clock.clone(),
        Engine {
            channels: s.channels.clone(),
            runner: RunnerConfig::default(),
        },
    );
    let (kh1, kh2, kh3, kh5) = (
        s.debtor_id("KH-1").await,
        s.debtor_id("KH-2").await,
        s.debtor_id("KH-3").await,
        s.debtor_id("KH-5").await,
    );
    s.batch(2, json!([doc("G", "KH-5", "2026-11-30", 7_000, 7_000)]))
        .await;

    // Through the portal: an SMS to KH-1 with a promise, sent at once.
    let session = crate::portal::log_in(&s.env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let token = crate::portal::csrf(&s.env, &session).await;
    let (status, _) = crate::portal::post(
        &s.env,
        &session,
        &format!("/debtors/{kh1}/notifications"),
        &format!("_csrf={token}&kind=sms&text=Prosimy+o+wp%C5%82at%C4%99+400+z%C5%82&note=grzecznie&promise=2026-12-14&action=send"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 303);
    let sent = s.sim.messages();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].number, "48500100001");
    assert_eq!(
        sent[0].text, "Prosimy o wplate 400 zl",
        "folded as every SMS"
    );
    let all = app
        .notification_register(
            &s.tenant,
            &RegisterFilter {
                limit: 100,
                ..RegisterFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let n = all[0].manual().unwrap();
    assert_eq!((n.status.as_str(), n.kind), ("sent", NotificationKind::Sms));
    assert_eq!(n.promise_date, Some("2026-12-14".parse().unwrap()));
    let owed = n.snapshot.owed["PLN"];
    assert_eq!(
        (
            owed.arrears_minor,
            owed.future_minor,
            owed.overpayment_minor
        ),
        (30_050, 10_000, 0)
    );
    // The promise pauses collection; the SMS counts as a contact.
    let pauses = app.debtor_pauses(&s.tenant, &kh1).await.unwrap();
    assert!(
        pauses
            .iter()
            .any(|p| p.kind == "promise_to_pay" && p.until == n.promise_date)
    );
    let state = app.debtor_collection(&s.tenant, &kh1).await.unwrap().state;
    assert_eq!(state.last_contact_at, Some(s.env.clock.now()));
    // The debtor's page shows it with its figures then and now.
    let (status, page) = crate::portal::page(&s.env, &session, &format!("/debtors/{kh1}")).await;
    assert_eq!(status, 200);
    for want in [
        "Prosimy o wplate 400 zl",
        "zaległe 300,50",
        "grzecznie",
        "14.12.2026",
        "wysłane",
    ] {
        assert!(page.contains(want), "{want:?} not on the debtor's page");
    }

    // Refused, with the reason: a deceased debtor, a debtor without consent (on the form).
    let order = |kind, text: &str| NotificationOrder {
        kind,
        text: text.into(),
        note: None,
        promise_date: None,
        send_now: true,
    };
    let e = app
        .create_notification(&s.tenant, "test", &kh2, order(NotificationKind::Sms, "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, ServiceError::Conflict { ref message_pl, .. } if message_pl.contains("nie żyje")),
        "{e:?}"
    );
    let (status, page) = crate::portal::post(
        &s.env,
        &session,
        &format!("/debtors/{kh3}/notifications"),
        &format!("_csrf={token}&kind=sms&text=Hej&action=send"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("nie wyraził zgody na SMS na numer +48500100003"),
        "refusal shown"
    );
    assert!(
        page.contains(">Hej</textarea>"),
        "the form keeps what was typed"
    );
    // The consent recorded on the page, with its source and legal basis; then the SMS goes.
    let (status, _) = crate::portal::post(
        &s.env,
        &session,
        &format!("/debtors/{kh3}/consent"),
        &format!("_csrf={token}&channel=sms&consent=given&source=rozmowa+07.12&basis=zgoda+%28art.+6+ust.+1+lit.+a+RODO%29"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = crate::portal::page(&s.env, &session, &format!("/debtors/{kh3}")).await;
    for want in [
        "Historia zgód",
        "rozmowa 07.12",
        "art. 6 ust. 1 lit. a RODO",
        "szef@firma.pl",
    ] {
        assert!(page.contains(want), "{want:?} not on the page");
    }
    let (status, _) = crate::portal::post(
        &s.env,
        &session,
        &format!("/debtors/{kh3}/consent"),
        &format!("_csrf={token}&channel=sms&consent=withdrawn&source=&basis="),
        None,
        None,
    )
    .await;
    assert_eq!(status, 400, "a consent needs its source");
    app.create_notification(
        &s.tenant,
        "test",
        &kh3,
        order(NotificationKind::Sms, "Teraz ze zgodą"),
    )
    .await
    .unwrap();
    // A call needs no consent: recorded, a contact.
    app.create_notification(
        &s.tenant,
        "test",
        &kh3,
        order(NotificationKind::Call, "Obiecał zapłacić w piątek"),
    )
    .await
    .unwrap();

    // Unsent: deleted; another sent later; a sent one cannot be deleted.
    let save = |text: &str| NotificationOrder {
        send_now: false,
        ..order(NotificationKind::Sms, text)
    };
    let draft = app
        .create_notification(&s.tenant, "test", &kh5, save("Szkic"))
        .await
        .unwrap();
    assert_eq!(
        app.notification(&s.tenant, &draft).await.unwrap().status,
        "unsent"
    );
    app.delete_notification(&s.tenant, "test", &draft)
        .await
        .unwrap();
    let later = app
        .create_notification(&s.tenant, "test", &kh5, save("Przypomnienie o G"))
        .await
        .unwrap();
    let (status, _) = crate::portal::post(
        &s.env,
        &session,
        &format!("/debtors/{kh5}/notifications/{later}/send"),
        &format!("_csrf={token}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        app.notification(&s.tenant, &later).await.unwrap().status,
        "sent"
    );
    assert_eq!(s.sim.messages().len(), 3);
    let e = app
        .delete_notification(&s.tenant, "test", &later)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Conflict { .. }), "{e:?}");
    // STOP between saving and sending: the send is refused.
    let pending = app
        .create_notification(&s.tenant, "test", &kh5, save("Drugie"))
        .await
        .unwrap();
    assert!(s.text("48500100005", "STOP").await.is_some());
    let e = app
        .send_notification(&s.tenant, "test", &pending)
        .await
        .unwrap_err();
    assert!(
        matches!(e, ServiceError::Conflict { ref message_pl, .. } if message_pl.contains("zgody")),
        "{e:?}"
    );
    assert_eq!(
        app.notification(&s.tenant, &pending).await.unwrap().status,
        "unsent"
    );

    // Test mode: sent as far as the firm sees, nothing reached SMSAPI.
    let mut settings = s.env.store.collection_settings(&s.tenant).await.unwrap();
    settings.test_mode = true;
    s.env
        .store
        .set_collection_settings(&s.tenant, &settings, s.env.clock.now())
        .await
        .unwrap();
    let before = s.sim.messages().len();
    let quiet = app
        .create_notification(
            &s.tenant,
            "test",
            &kh1,
            order(NotificationKind::Sms, "Test"),
        )
        .await
        .unwrap();
    assert_eq!(
        app.notification(&s.tenant, &quiet).await.unwrap().status,
        "sent"
    );
    assert_eq!(s.sim.messages().len(), before);
    assert_eq!(s.recorder.recorded().len(), 1);

    // Payments synced: KH-1 pays everything, KH-5 part of G, KH-3 nothing.
    s.batch(
        3,
        json!([
            close("A", "paid", "2026-12-07"),
            close("B", "paid", "2026-12-07"),
            close("C", "paid", "2026-12-07"),
            doc("G", "KH-5", "2026-11-30", 7_000, 5_000),
        ]),
    )
    .await;
    let settled = |which| {
        let app = app.clone();
        let tenant = s.tenant.clone();
        async move {
            app.notification_register(
                &tenant,
                &RegisterFilter {
                    limit: 100,
                    settled: Some(which),
                    ..RegisterFilter::default()
                },
            )
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.text().to_owned())
            .collect::<Vec<_>>()
        }
    };
    let fully = settled(Settlement::Fully).await;
    assert!(
        fully.contains(&"Prosimy o wplate 400 zl".to_owned()),
        "{fully:?}"
    );
    assert_eq!(settled(Settlement::Partly).await, ["Przypomnienie o G"]);
    // Made in the same instant (the test's clock stands still): compared as a set.
    let mut not = settled(Settlement::Not).await;
    not.sort();
    assert_eq!(not, ["Obiecał zapłacić w piątek", "Teraz ze zgoda"]);
    // The register page and its CSV, filtered alike.
    let (status, page) =
        crate::portal::page(&s.env, &session, "/notifications?settled=partly").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Przypomnienie o G") && !page.contains("Obiecał"),
        "filtered"
    );
    let (status, csv) =
        crate::portal::page(&s.env, &session, "/notifications?settled=fully&format=csv").await;
    assert_eq!(status, 200);
    assert!(
        csv.contains("Rozliczenie po powiadomieniu") && csv.contains("rozliczone w całości"),
        "{csv}"
    );
    let audited: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit_log WHERE tenant_id = $1 AND action LIKE 'notification.%'",
    )
    .bind(s.tenant.as_str())
    .fetch_one(s.env.store.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert!(audited >= 8, "{audited}");
}

/// A channel that asks the batch's sender to stop once it has delivered `after` messages, as a
/// person pressing "Przerwij" then would.
struct AbortAfter {
    inner: SmsapiChannel,
    store: inkaso_cloud::store::Store,
    tenant: TenantScope,
    clock: Arc<ManualClock>,
    batch: std::sync::Mutex<Option<String>>,
    after: usize,
    delivered: std::sync::atomic::AtomicUsize,
}

impl inkaso_channels::delivery::Channel for AbortAfter {
    async fn deliver(
        &self,
        key: &str,
        message: &inkaso_channels::delivery::Outbound,
    ) -> inkaso_channels::delivery::Outcome {
        let out = self.inner.deliver(key, message).await;
        let n = self
            .delivered
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        let batch = self.batch.lock().unwrap().clone();
        if n == self.after
            && let Some(batch) = batch
        {
            self.store
                .request_batch_abort(&self.tenant, &batch, self.clock.now())
                .await
                .unwrap();
        }
        out
    }
}

/// Mass notifications (R-N6): the preview picks by the filter and names every skipped debtor's
/// reason; the batch is made once for one request id (a double click); sending stops cleanly
/// when aborted half-way — exactly the messages before the abort went — and resumes with the
/// rest; through the portal, the wizard's preview and a confirmation sent twice make one batch.
async fn mass_notifications(backend: Backend) {
    use inkaso_cloud::domain::mass::MassFilter;
    use inkaso_cloud::domain::notifications::NotificationKind;
    use inkaso_cloud::services::App;
    use inkaso_cloud::services::notifications::NotificationOrder;

    let s = Site::new(backend).await;
    let mut ops = vec![];
    for i in 6..=13 {
        let phone = if i == 12 {
            "+48221234567".to_owned()
        } else {
            format!("+485001000{i:02}")
        };
        ops.push(debtor(
            &format!("KH-{i}"),
            &format!("Dłużnik {i:02}"),
            &phone,
        ));
        ops.push(doc(
            &format!("M{i}"),
            &format!("KH-{i}"),
            "2026-11-20",
            10_000 + i64::from(i),
            10_000 + i64::from(i),
        ));
    }
    s.batch(2, Value::Array(ops)).await;
    let now = s.env.clock.now();
    for i in 6..=13 {
        let id = s.debtor_id(&format!("KH-{i}")).await;
        let consent = ConsentChange {
            channel: "sms",
            consent: true,
            source: "umowa",
            actor: "test",
            basis: None,
        };
        s.env
            .store
            .set_consent(&s.tenant, &id, &consent, now)
            .await
            .unwrap();
    }
    for (ext, change) in [
        (
            "KH-10",
            DebtorCollectionChange {
                legal_status: Some(LegalStatus::Bankrupt),
                ..Default::default()
            },
        ),
        (
            "KH-11",
            DebtorCollectionChange {
                excluded: Some(true),
                ..Default::default()
            },
        ),
    ] {
        s.env
            .store
            .update_debtor_collection(&s.tenant, &s.agent.agent, ext, &change, now)
            .await
            .unwrap();
    }
    s.arrears_template("sms-masowy", "Masowy").await;

    let client = sim_client(&s.sim);
    let aborting = Arc::new(AbortAfter {
        inner: SmsapiChannel::new(client),
        store: s.env.store.clone(),
        tenant: s.tenant.clone(),
        clock: s.env.clock.clone(),
        batch: std::sync::Mutex::new(None),
        after: 2,
        delivered: std::sync::atomic::AtomicUsize::new(0),
    });
    let app = App::new(
        s.env.store.clone(),
        s.env.clock.clone(),
        Engine {
            channels: Channels::new(s.recorder.clone()).with(Channel::Sms, aborting.clone()),
            runner: RunnerConfig::default(),
        },
    );
    // KH-13 was called yesterday: recently notified.
    let kh13 = s.debtor_id("KH-13").await;
    app.create_notification(
        &s.tenant,
        "test",
        &kh13,
        NotificationOrder {
            kind: NotificationKind::Call,
            text: "Rozmowa".into(),
            note: None,
            promise_date: None,
            send_now: false,
        },
    )
    .await
    .unwrap();

    let filter = MassFilter {
        overdue_within_days: Some(120),
        quiet_days: Some(7),
        ..MassFilter::default()
    };
    let preview = app
        .mass_preview(&s.tenant, &filter, "sms-masowy")
        .await
        .unwrap();
    let names: Vec<&str> = preview.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Dłużnik 06",
            "Dłużnik 07",
            "Dłużnik 08",
            "Dłużnik 09",
            "Jan Kowalski"
        ]
    );
    let skipped: std::collections::BTreeMap<&str, &str> = preview
        .skipped
        .iter()
        .map(|x| (x.name.as_str(), x.reason.as_str()))
        .collect();
    assert_eq!(skipped["Zmarły Nowak"], "deceased");
    assert_eq!(skipped["Anna Wspólna"], "no_consent");
    assert_eq!(skipped["Dłużnik 10"], "bankrupt");
    assert_eq!(skipped["Dłużnik 11"], "excluded");
    assert_eq!(skipped["Dłużnik 12"], "no_mobile");
    assert_eq!(skipped["Dłużnik 13"], "recently_notified");
    assert!(
        preview
            .items
            .iter()
            .all(|i| i.parts == 1 && i.text.starts_with("Hurtownia Zolw: zaleglosc"))
    );
    assert_eq!(
        (preview.parts, preview.cost_grosze),
        (5, None),
        "no price set"
    );
    // An amount range narrows it; a window is needed.
    let rich = MassFilter {
        min_minor: Some(20_000),
        ..filter.clone()
    };
    let only: Vec<String> = app
        .mass_preview(&s.tenant, &rich, "sms-masowy")
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(only, ["Jan Kowalski"]);
    assert!(
        app.mass_preview(&s.tenant, &MassFilter::default(), "sms-masowy")
            .await
            .is_err()
    );

    // Created once for one request id.
    let batch = app
        .create_mass(&s.tenant, "test", "req-1", &filter, "sms-masowy")
        .await
        .unwrap();
    assert_eq!(
        app.create_mass(&s.tenant, "test", "req-1", &filter, "sms-masowy")
            .await
            .unwrap(),
        batch
    );
    let b = app.batch(&s.tenant, &batch).await.unwrap();
    assert_eq!((b.total, b.unsent, b.state.as_str()), (5, 5, "created"));
    // Each keeps what its debtor owed when the batch was made.
    let made = app
        .notification_register(
            &s.tenant,
            &inkaso_cloud::services::register::RegisterFilter {
                source: Some(inkaso_cloud::services::register::Source::Manual),
                channel: Some("sms".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let d06 = made
        .iter()
        .find(|e| e.debtor_name() == "Dłużnik 06")
        .unwrap();
    assert_eq!(d06.snapshot().owed["PLN"].arrears_minor, 10_006);
    assert_eq!(d06.snapshot().documents.len(), 1);

    // Aborted after the second message: exactly two went; resumed: the rest, none twice.
    *aborting.batch.lock().unwrap() = Some(batch.clone());
    let before = s.sim.messages().len();
    let b = app.send_batch(&s.tenant, "test", &batch).await.unwrap();
    assert_eq!((b.state.as_str(), b.sent, b.unsent), ("aborted", 2, 3));
    assert_eq!(s.sim.messages().len(), before + 2);
    let b = app.send_batch(&s.tenant, "test", &batch).await.unwrap();
    assert_eq!(
        (b.state.as_str(), b.sent, b.unsent, b.failed),
        ("done", 5, 0, 0)
    );
    let numbers: std::collections::BTreeSet<String> = s.sim.messages()[before..]
        .iter()
        .map(|m| m.number.clone())
        .collect();
    assert_eq!(numbers.len(), 5, "five debtors, one SMS each");

    // Through the portal: the preview, then one batch for a confirmation sent twice.
    let session = crate::portal::log_in(&s.env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let (status, page) = crate::portal::page(
        &s.env,
        &session,
        "/notifications/mass?overdue=120&quiet=7&template=sms-masowy",
    )
    .await;
    assert_eq!(status, 200);
    for want in [
        "Dłużnik 06",
        "brak zgody na SMS",
        "dłużnik w upadłości",
        "brak numeru komórkowego",
        "powiadomiony w ostatnich dniach",
    ] {
        assert!(page.contains(want), "{want:?} not in the preview");
    }
    let token = crate::portal::csrf(&s.env, &session).await;
    let body = format!(
        "_csrf={token}&request=portal-1&overdue=120&upcoming=&min=&max=&tags=&quiet=&template=sms-masowy"
    );
    let first =
        crate::portal::post(&s.env, &session, "/notifications/mass", &body, None, None).await;
    let second =
        crate::portal::post(&s.env, &session, "/notifications/mass", &body, None, None).await;
    assert_eq!((first.0, second.0), (303, 303));
    let batches: i64 =
        sqlx::query("SELECT COUNT(*) FROM notification_batches WHERE tenant_id = $1")
            .bind(s.tenant.as_str())
            .fetch_one(s.env.store.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
    assert_eq!(batches, 2, "one from the service, one from the portal");
}

/// The register (R-N5) whole: the processes' SMS beside the notifications made by hand, each
/// filter (source, channel, author, status with the delivery report, settlement after a
/// process's notice once a payment is synced); the unsent ones sent in bulk as one batch (a
/// double click makes one), deleted in bulk; delivery learnt from SMSAPI's callback and from
/// the bulk status check; a claim lost with its replica taken again after the lease, sending
/// nothing twice; the CSV and the PDF (its text read back with `pdftotext`).
async fn register_of_notices(backend: Backend) {
    use inkaso_cloud::domain::notifications::{NotificationKind, Settlement};
    use inkaso_cloud::services::App;
    use inkaso_cloud::services::notifications::NotificationOrder;
    use inkaso_cloud::services::register::{DeliveryCheck, RegisterFilter, Source};

    let s = Site::new(backend).await;
    let secret = s
        .env
        .store
        .service_secret(SMSAPI_CALLBACK_SECRET, s.env.clock.now())
        .await
        .unwrap();
    // The firm's SMS by hand go through a client without a callback address (their reports
    // must be asked for), except those of `reporting`, which ask for SMSAPI's callback as the
    // service's live client does.
    let app_with = |client: SmsapiClient| {
        App::new(
            s.env.store.clone(),
            s.env.clock.clone(),
            Engine {
                channels: Channels::new(s.recorder.clone())
                    .with(Channel::Sms, Arc::new(SmsapiChannel::new(client)))
                    .with_sms_account(sim_client(&s.sim)),
                runner: RunnerConfig::default(),
            },
        )
    };
    let app = app_with(sim_client(&s.sim));
    let reporting = app_with(
        SmsapiClient::new(SmsapiConfig {
            notify_url: Some(s.env.url(&format!("/callbacks/smsapi/{secret}"))),
            ..sim_config(&s.sim)
        })
        .unwrap(),
    );
    let (kh1, kh3, kh5) = (
        s.debtor_id("KH-1").await,
        s.debtor_id("KH-3").await,
        s.debtor_id("KH-5").await,
    );

    // A process's SMS to KH-1 and KH-5 (both consented, both overdue).
    s.sms_process().await;
    s.batch(2, json!([doc("G", "KH-5", "2026-11-30", 7_000, 7_000)]))
        .await;
    s.env.clock.set(at("2026-12-08T10:00:00Z"));
    s.tick().await;
    assert_eq!(s.sim.messages().len(), 2, "the process's two SMS");

    // By hand: two SMS saved unsent, a call recorded.
    s.env.clock.set(at("2026-12-08T11:00:00Z"));
    let save = |text: &str| NotificationOrder {
        kind: NotificationKind::Sms,
        text: text.into(),
        note: None,
        promise_date: None,
        send_now: false,
    };
    let first = app
        .create_notification(&s.tenant, "test", &kh1, save("Ręczne do KH-1"))
        .await
        .unwrap();
    let second = app
        .create_notification(&s.tenant, "test", &kh5, save("Ręczne do KH-5"))
        .await
        .unwrap();
    app.create_notification(
        &s.tenant,
        "user:someone",
        &kh3,
        NotificationOrder {
            kind: NotificationKind::Call,
            text: "Rozmowa o fakturze E".into(),
            ..save("")
        },
    )
    .await
    .unwrap();
    let list = |f: RegisterFilter| {
        let app = app.clone();
        let tenant = s.tenant.clone();
        async move {
            app.notification_register(&tenant, &RegisterFilter { limit: 100, ..f })
                .await
                .unwrap()
                .into_iter()
                .map(|e| {
                    (
                        e.channel().to_owned(),
                        e.status().to_owned(),
                        e.debtor_name().to_owned(),
                        e.automatic().is_some(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let all = list(RegisterFilter::default()).await;
    assert_eq!(all.len(), 5, "{all:?}");
    assert_eq!(
        all.iter().filter(|e| e.3).count(),
        2,
        "the process's SMS are in the register: {all:?}"
    );
    let automatic = list(RegisterFilter {
        source: Some(Source::Automatic),
        ..RegisterFilter::default()
    })
    .await;
    let mut names: Vec<&str> = automatic.iter().map(|e| e.2.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Ewa Zgodna", "Jan Kowalski"]);
    assert!(automatic.iter().all(|e| e.0 == "sms" && e.1 == "sent"));
    let calls = list(RegisterFilter {
        channel: Some("call".into()),
        ..RegisterFilter::default()
    })
    .await;
    assert_eq!(
        calls,
        [(
            "call".to_owned(),
            "recorded".to_owned(),
            "Anna Wspólna".to_owned(),
            false
        )]
    );
    let theirs = list(RegisterFilter {
        author: Some("user:someone".into()),
        ..RegisterFilter::default()
    })
    .await;
    assert_eq!(
        theirs.len(),
        1,
        "a person's filter shows no process's: {theirs:?}"
    );
    assert!(
        list(RegisterFilter {
            channel: Some("email".into()),
            ..RegisterFilter::default()
        })
        .await
        .is_empty()
    );

    // Bulk send of the unsent: one batch for one request id, both sent.
    let filter = RegisterFilter::default();
    let batch = app
        .batch_of_unsent(&s.tenant, "test", "bulk-1", &filter)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.batch_of_unsent(&s.tenant, "test", "bulk-1", &filter)
            .await
            .unwrap(),
        Some(batch.clone()),
        "a double click makes one batch"
    );
    s.sim.mark_undeliverable("48500100005");
    let b = app.send_batch(&s.tenant, "test", &batch).await.unwrap();
    assert_eq!((b.total, b.sent, b.state.as_str()), (2, 2, "done"));
    assert_eq!(s.sim.messages().len(), 4);
    assert_eq!(
        app.notification(&s.tenant, &second).await.unwrap().status,
        "sent"
    );
    assert_eq!(
        app.batch_of_unsent(&s.tenant, "test", "bulk-2", &filter)
            .await
            .unwrap(),
        None,
        "nothing left to send"
    );

    // Delivery: an SMS sent with a callback address learns it by the callback; the batch's
    // reports never come, the check asks for them.
    let reported = reporting
        .create_notification(
            &s.tenant,
            "test",
            &kh1,
            NotificationOrder {
                send_now: true,
                ..save("Z raportem")
            },
        )
        .await
        .unwrap();
    s.env.clock.set(at("2026-12-08T11:05:00Z"));
    s.sim.deliver_callbacks().await;
    assert_eq!(
        app.notification(&s.tenant, &reported)
            .await
            .unwrap()
            .delivery_status
            .as_deref(),
        Some("DELIVERED"),
        "the callback's report"
    );
    assert_eq!(
        app.notification(&s.tenant, &first)
            .await
            .unwrap()
            .delivery_status,
        None
    );
    let manual = RegisterFilter {
        source: Some(Source::Manual),
        ..RegisterFilter::default()
    };
    let check = app.check_deliveries(&s.tenant, &manual).await.unwrap();
    assert_eq!(
        check,
        DeliveryCheck {
            delivered: 1,
            undelivered: 1,
            pending: 0,
            unknown: 0
        }
    );
    assert_eq!(
        app.notification(&s.tenant, &second)
            .await
            .unwrap()
            .delivery_status
            .as_deref(),
        Some("UNDELIVERED")
    );
    let undelivered = list(RegisterFilter {
        status: Some("undelivered".into()),
        ..RegisterFilter::default()
    })
    .await;
    assert_eq!(undelivered.len(), 1, "{undelivered:?}");
    // The processes' SMS had no report either: checked too, without the manual filter.
    let check = app
        .check_deliveries(&s.tenant, &RegisterFilter::default())
        .await
        .unwrap();
    assert_eq!(check.delivered + check.undelivered, 2, "{check:?}");
    let delivered = list(RegisterFilter {
        status: Some("delivered".into()),
        ..RegisterFilter::default()
    })
    .await;
    assert_eq!(
        delivered.len(),
        4,
        "KH-1's two by hand and the processes' two (sent before KH-5's number failed): {delivered:?}"
    );

    // KH-5 pays part of G: the process's notice to KH-5 is partly settled.
    s.batch(3, json!([doc("G", "KH-5", "2026-11-30", 7_000, 2_000)]))
        .await;
    let partly = app
        .notification_register(
            &s.tenant,
            &RegisterFilter {
                settled: Some(Settlement::Partly),
                limit: 100,
                ..RegisterFilter::default()
            },
        )
        .await
        .unwrap();
    let who: Vec<(&str, bool)> = partly
        .iter()
        .map(|e| (e.debtor_name(), e.automatic().is_some()))
        .collect();
    assert!(who.contains(&("Ewa Zgodna", true)), "{who:?}");

    // A claim stranded with its replica: "sending" until the lease ends, then sent once.
    let stranded = app
        .create_notification(&s.tenant, "test", &kh1, save("Zgubione"))
        .await
        .unwrap();
    assert!(
        s.env
            .store
            .claim_notification(&s.tenant, &stranded, s.env.clock.now())
            .await
            .unwrap()
    );
    let e = app
        .send_notification(&s.tenant, "test", &stranded)
        .await
        .unwrap_err();
    assert!(
        matches!(e, inkaso_cloud::services::ServiceError::Conflict { .. }),
        "{e:?}"
    );
    s.env.clock.set(at("2026-12-08T11:20:00Z"));
    let before = s.sim.messages().len();
    let n = app
        .send_notification(&s.tenant, "test", &stranded)
        .await
        .unwrap();
    assert_eq!(n.status, "sent");
    assert_eq!(s.sim.messages().len(), before + 1);

    // Bulk delete of the unsent: the sent stay.
    for text in ["Do usunięcia 1", "Do usunięcia 2"] {
        app.create_notification(&s.tenant, "test", &kh1, save(text))
            .await
            .unwrap();
    }
    assert_eq!(
        app.delete_unsent(&s.tenant, "test", &filter).await.unwrap(),
        2
    );
    assert_eq!(
        app.delete_unsent(&s.tenant, "test", &filter).await.unwrap(),
        0
    );

    // The portal: the page with both sources, a bulk action, the CSV and the PDF.
    let session = crate::portal::log_in(&s.env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let (status, page) =
        crate::portal::page(&s.env, &session, "/notifications?source=automatic").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("SMS / S1") && !page.contains("Rozmowa o fakturze E"),
        "automatic only"
    );
    app.create_notification(&s.tenant, "test", &kh1, save("Jeszcze jedno"))
        .await
        .unwrap();
    let token = crate::portal::csrf(&s.env, &session).await;
    let (status, _) = crate::portal::post(
        &s.env,
        &session,
        "/notifications/bulk",
        &format!("_csrf={token}&op=delete&source=manual&request=x"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = crate::portal::page(
        &s.env,
        &session,
        "/notifications?source=manual&outcome=deleted-1",
    )
    .await;
    assert!(
        page.contains("Usunięto 1 niewysłane powiadomienie."),
        "the notice"
    );
    let (status, csv) = crate::portal::page(&s.env, &session, "/notifications?format=csv").await;
    assert_eq!(status, 200);
    assert!(csv.contains("procesy") || csv.contains("SMS / S1"), "{csv}");
    assert!(csv.contains("niedoręczone (UNDELIVERED)"), "{csv}");
    let pdf = crate::portal::bytes(
        &s.env,
        &session,
        "/notifications?format=pdf&status=delivered",
    )
    .await;
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejestr.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "Rejestr powiadomień",
        "Stan: doręczone",
        "4 powiadomienia",
        "Jan Kowalski",
        "SMS / S1",
        "Z raportem",
        "Strona 1 z 1",
    ] {
        assert!(text.contains(want), "{want:?} not in the PDF:\n{text}");
    }
    assert!(!text.contains("Ręczne do KH-5"), "filtered:\n{text}");
    // The JSON API: the same register and actions, for programs.
    let (status, list) = s
        .env
        .get(
            &s.viewer,
            "/api/v1/notifications?source=automatic&status=delivered",
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(list.iter().all(|n| n["source"] == "automatic"
        && n["process"] == "SMS"
        && n["delivery_status"] == "DELIVERED"));
    let (status, e) = s
        .env
        .get(&s.viewer, "/api/v1/notifications?channel=fax")
        .await;
    assert_eq!(status, 400, "an unknown channel is refused: {e}");
    let (status, made) = s
        .env
        .post(
            &s.editor,
            &format!("/api/v1/debtors/{kh3}/notifications"),
            &json!({"kind": "call", "text": "Rozmowa przez API", "promise_date": "2026-12-20"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        (made["status"].as_str(), made["channel"].as_str()),
        (Some("recorded"), Some("call"))
    );
    let (status, e) = s
        .env
        .post(
            &s.viewer,
            &format!("/api/v1/debtors/{kh3}/notifications"),
            &json!({"kind": "call", "text": "x"}),
        )
        .await;
    assert_eq!(status, 403, "a viewer only reads: {e}");
    let (status, e) = s
        .env
        .post(
            &s.editor,
            &format!("/api/v1/debtors/{kh3}/notifications"),
            &json!({"kind": "sms", "text": "Bez zgody"}),
        )
        .await;
    assert_eq!(status, 409, "KH-3 gave no SMS consent: {e}");
    let (status, e) = s
        .env
        .delete(
            &s.editor,
            &format!("/api/v1/notifications/{}", made["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 409, "a recorded call stays: {e}");
    let (status, e) = s
        .env
        .post(
            &s.editor,
            "/api/v1/notifications/send-unsent",
            &json!({"request_id": "api-1", "filter": {"source": "manual"}}),
        )
        .await;
    assert_eq!(status, 409, "nothing unsent: {e}");
    let (status, check) = s
        .env
        .post(
            &s.editor,
            "/api/v1/notifications/check-delivery",
            &json!({"filter": {}}),
        )
        .await;
    assert_eq!(status, 409, "this service has no SMSAPI account: {check}");
    let (status, preview) = s
        .env
        .post(
            &s.editor,
            "/api/v1/notifications/mass-preview",
            &json!({"overdue_within_days": 365, "template": "sms-po"}),
        )
        .await;
    assert_eq!(status, 200, "{preview}");
    let skipped: Vec<&str> = preview["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reason"].as_str().unwrap())
        .collect();
    assert!(skipped.contains(&"deceased"), "{preview}");
    // One consented mobile per debtor: a second number is refused, naming the first.
    let consent =
        |number: &str| json!({"consent": true, "source": "rozmowa telefoniczna", "number": number});
    let (status, e) = s
        .env
        .put(
            &s.editor,
            &format!("/api/v1/debtors/{kh1}/contacts/sms/consent"),
            &consent("+48 600 700 800"),
        )
        .await;
    assert_eq!(status, 409, "{e}");
    assert!(
        e["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("+48500100001"),
        "names the consented number: {e}"
    );
    let (status, e) = s
        .env
        .put(
            &s.editor,
            &format!("/api/v1/debtors/{kh1}/contacts/sms/consent"),
            &consent("500 100 001"),
        )
        .await;
    assert_eq!(
        status, 204,
        "the debtor's own number, written another way: {e}"
    );
    let (status, e) = s
        .env
        .put(
            &s.editor,
            &format!("/api/v1/debtors/{kh3}/contacts/sms/consent"),
            &consent("+48 600 700 800"),
        )
        .await;
    assert_eq!(status, 409, "{e}");
    assert!(
        e["error"]["message_pl"]
            .as_str()
            .unwrap()
            .contains("nie jest numerem dłużnika z ERP (+48500100003)"),
        "{e}"
    );
    let (status, log) = s
        .env
        .get(&s.viewer, "/api/v1/inbound-sms?command=balance")
        .await;
    assert_eq!((status, log.as_array().map(Vec::len)), (200, Some(0)));

    // Kept to be looked at (`pdftoppm`): the register as a firm prints it.
    let artefacts =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/artefacts/register");
    std::fs::create_dir_all(&artefacts).unwrap();
    std::fs::write(artefacts.join("register.pdf"), &pdf).unwrap();
}

on_both!(
    saldo_and_stop,
    notifications_by_hand,
    mass_notifications,
    register_of_notices
);
