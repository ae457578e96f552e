//! The SMSAPI client against the SMSAPI simulator on loopback: sending, idempotency, fail-over
//! to the backup host, every error class, status polling, delivery callbacks, voice, profile.

// Test helpers outside #[test] fns may unwrap too: a panic is a clear test failure.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use chrono::{DateTime, Utc};
use inkaso_channels::delivery::{Channel, Outbound, Outcome, SmsapiChannel};
use inkaso_channels::smsapi::{
    DeliveryReport, DeliveryStatus, ErrorClass, Points, RetryPolicy, SenderName, SmsMessage,
    SmsapiClient, SmsapiConfig, SmsapiError, VoiceMessage,
};
use inkaso_shared::{ManualClock, Phone};
use inkaso_simulators::smsapi::{Kind, SimConfig, SmsapiSimulator};

fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-23T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

async fn sim(config: SimConfig) -> (SmsapiSimulator, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(start_time()));
    let sim = SmsapiSimulator::start(config, clock.clone()).await.unwrap();
    (sim, clock)
}

fn config(sim: &SmsapiSimulator) -> SmsapiConfig {
    SmsapiConfig {
        base_url: sim.base_url(),
        backup_url: Some(sim.backup_url()),
        token: "test-token".into(),
        sender: Some(SenderName::parse("Inkaso").unwrap()),
        notify_url: None,
        timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
    }
}

fn mobile() -> Phone {
    Phone::parse("601 234 567").unwrap()
}

fn sms<'a>(to: &'a Phone, text: &'a str, key: &'a str) -> SmsMessage<'a> {
    SmsMessage {
        to,
        text,
        idempotency_key: key,
        max_parts: Some(2),
        sender: None,
    }
}

#[tokio::test]
async fn sends_an_sms_with_idx_sender_and_cost() {
    let (sim, _clock) = sim(SimConfig::default()).await;
    let client = SmsapiClient::new(config(&sim)).unwrap();
    let to = mobile();
    let a = client
        .send_sms(&sms(
            &to,
            "Dzien dobry, zaleglosc 1 234,56 zl.",
            "t1/p1/s1/d1",
        ))
        .await
        .unwrap();
    assert_eq!(a.number, "48601234567");
    assert_eq!(a.status, DeliveryStatus::Queue);
    assert_eq!(a.points, Points(1600)); // one part at 0.16
    assert_eq!(a.parts, Some(1));
    assert!(!a.via_backup);
    let m = &sim.messages()[0];
    assert_eq!(m.idx.as_deref(), Some("t1/p1/s1/d1"));
    assert_eq!(m.from.as_deref(), Some("Inkaso"));
    assert_eq!(m.text, "Dzien dobry, zaleglosc 1 234,56 zl.");
    assert_eq!(sim.points(), 100_000 - 1600);
    assert_eq!(sim.counters().primary_requests, 1);
}

#[tokio::test]
async fn a_retry_after_a_crash_never_sends_twice() {
    let (sim, _clock) = sim(SimConfig::default()).await;
    let channel = SmsapiChannel::new(SmsapiClient::new(config(&sim)).unwrap());
    let msg = Outbound::Sms {
        to: mobile(),
        text: "Przypomnienie o platnosci".into(),
        max_parts: Some(1),
        sender: None,
    };
    // First attempt: sent, but the engine "crashes" before recording it.
    let first = channel.deliver("t1/action-77", &msg).await;
    assert!(matches!(first, Outcome::Sent { .. }), "{first:?}");
    // The retry after restart uses the same key: SMSAPI refuses it (error 53).
    assert_eq!(
        channel.deliver("t1/action-77", &msg).await,
        Outcome::AlreadySent
    );
    let c = sim.counters();
    assert_eq!(c.sms_accepted, 1);
    assert_eq!(c.errors.get(&53), Some(&1));
    // A different action is sent normally; text the engine did not fold is folded here, so
    // it never goes out as a Unicode SMS.
    let polish = Outbound::Sms {
        to: mobile(),
        text: "Zaległość 1 234,56 zł — prosimy o wpłatę.".into(),
        max_parts: Some(1),
        sender: None,
    };
    assert!(matches!(
        channel.deliver("t1/action-78", &polish).await,
        Outcome::Sent { .. }
    ));
    assert_eq!(sim.counters().sms_accepted, 2);
    assert_eq!(
        sim.messages()[1].text,
        "Zaleglosc 1 234,56 zl - prosimy o wplate."
    );
    assert_eq!(sim.messages()[1].parts, 1);
    // Too long for the stage's one part: failed before reaching SMSAPI.
    let long = Outbound::Sms {
        to: mobile(),
        text: "Zaległość ".repeat(20),
        max_parts: Some(1),
        sender: None,
    };
    let o = channel.deliver("t1/action-79", &long).await;
    assert!(
        matches!(&o, Outcome::Failed { reason } if reason.contains("części")),
        "{o:?}"
    );
    assert_eq!(sim.counters().sms_accepted, 2);
}

#[tokio::test]
async fn falls_over_to_the_backup_host_when_the_primary_refuses_connections() {
    let (sim, _clock) = sim(SimConfig {
        primary_down: true,
        ..SimConfig::default()
    })
    .await;
    let client = SmsapiClient::new(config(&sim)).unwrap();
    let to = mobile();
    let a = client
        .send_sms(&sms(&to, "Test", "k-backup"))
        .await
        .unwrap();
    assert!(a.via_backup);
    let c = sim.counters();
    assert_eq!(
        (c.primary_requests, c.backup_requests, c.sms_accepted),
        (0, 1, 1)
    );
    // Without a backup the connection failure is transient: the engine retries later.
    let mut no_backup = config(&sim);
    no_backup.backup_url = None;
    let err = SmsapiClient::new(no_backup)
        .unwrap()
        .send_sms(&sms(&to, "Test", "k-backup-2"))
        .await
        .unwrap_err();
    assert!(matches!(err, SmsapiError::Connection(_)), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Transient);
}

#[tokio::test]
async fn stopping_the_primary_mid_run_moves_to_the_backup() {
    let (sim, _clock) = sim(SimConfig::default()).await;
    let to = mobile();
    let client = SmsapiClient::new(config(&sim)).unwrap();
    assert!(
        !client
            .send_sms(&sms(&to, "a", "k1"))
            .await
            .unwrap()
            .via_backup
    );
    sim.stop_primary();
    // A fresh client (as after a restart) has no pooled connection to the stopped host.
    let client = SmsapiClient::new(config(&sim)).unwrap();
    assert!(
        client
            .send_sms(&sms(&to, "b", "k2"))
            .await
            .unwrap()
            .via_backup
    );
    assert_eq!(sim.counters().sms_accepted, 2);
}

#[tokio::test]
async fn every_error_class_maps_to_an_outcome() {
    let (sim, _clock) = sim(SimConfig::default()).await;
    let channel = SmsapiChannel::new(SmsapiClient::new(config(&sim)).unwrap());
    let sms_to = |to: &str| Outbound::Sms {
        to: Phone::parse(to).unwrap(),
        text: "Przypomnienie".into(),
        max_parts: Some(1),
        sender: None,
    };

    // Permanent: a blacklisted/invalid number (error 13) fails this message only.
    sim.mark_invalid("48601000001");
    let o = channel.deliver("k-invalid", &sms_to("601 000 001")).await;
    assert!(
        matches!(&o, Outcome::Failed { reason } if reason.contains("13")),
        "{o:?}"
    );

    // Permanent: too many parts for max_parts (error 12).
    let long = Outbound::Sms {
        to: mobile(),
        text: "a".repeat(200),
        max_parts: Some(1),
        sender: None,
    };
    assert!(matches!(
        channel.deliver("k-long", &long).await,
        Outcome::Failed { .. }
    ));

    // Transient: SMSAPI overloaded twice, then accepted — retried with backoff inside.
    sim.fail_next(&[201, 203]);
    assert!(matches!(
        channel.deliver("k-transient", &sms_to("601 234 567")).await,
        Outcome::Sent { .. }
    ));
    let c = sim.counters();
    assert_eq!(
        (c.errors.get(&201), c.errors.get(&203)),
        (Some(&1), Some(&1))
    );

    // Transient that outlasts the retries: the engine is told to retry later.
    sim.fail_next(&[999; 4]);
    assert!(matches!(
        channel
            .deliver("k-transient-2", &sms_to("601 234 567"))
            .await,
        Outcome::Retry { .. }
    ));

    // Account: no points (error 103) pauses the channel.
    sim.set_points(0);
    let o = channel.deliver("k-points", &sms_to("601 234 567")).await;
    assert!(
        matches!(&o, Outcome::Paused { reason } if reason.contains("103")),
        "{o:?}"
    );
    sim.set_points(100_000);

    // Account: a revoked token (error 101).
    let mut bad = config(&sim);
    bad.token = "revoked".into();
    let bad = SmsapiChannel::new(SmsapiClient::new(bad).unwrap());
    assert!(matches!(
        bad.deliver("k-token", &sms_to("601 234 567")).await,
        Outcome::Paused { .. }
    ));

    // Account: a sender name not verified in the panel (error 14).
    let mut unverified = config(&sim);
    unverified.sender = Some(SenderName::parse("Nieznany").unwrap());
    let unverified = SmsapiChannel::new(SmsapiClient::new(unverified).unwrap());
    assert!(matches!(
        unverified.deliver("k-sender", &sms_to("601 234 567")).await,
        Outcome::Paused { .. }
    ));

    // A landline is refused before reaching SMSAPI.
    let o = channel.deliver("k-landline", &sms_to("22 123 45 67")).await;
    assert!(matches!(o, Outcome::Failed { .. }));

    // Only the successful send was charged.
    assert_eq!(sim.counters().sms_accepted, 1);
}

#[tokio::test]
async fn polls_the_status_until_final() {
    let (sim, clock) = sim(SimConfig::default()).await;
    let client = SmsapiClient::new(config(&sim)).unwrap();
    let to = mobile();
    sim.mark_undeliverable("48601234568");
    let other = Phone::parse("601 234 568").unwrap();
    let a = client.send_sms(&sms(&to, "x", "k-poll")).await.unwrap();
    let b = client
        .send_sms(&sms(&other, "y", "k-poll-2"))
        .await
        .unwrap();
    assert_eq!(
        client.status(&a.id, false).await.unwrap().status,
        DeliveryStatus::Queue
    );
    clock.advance(chrono::Duration::seconds(6));
    assert_eq!(
        client.status(&a.id, false).await.unwrap().status,
        DeliveryStatus::Accepted
    );
    // Time moves while the client polls.
    let ticking = clock.clone();
    let ticker = tokio::spawn(async move {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            ticking.advance(chrono::Duration::seconds(5));
        }
    });
    let done = client
        .wait_final(&a.id, false, Duration::from_millis(10), 100)
        .await
        .unwrap();
    assert_eq!(done.status, DeliveryStatus::Delivered);
    assert_eq!(done.points, Points(1600));
    let undelivered = client
        .wait_final(&b.id, false, Duration::from_millis(10), 100)
        .await
        .unwrap();
    assert_eq!(undelivered.status, DeliveryStatus::Undelivered);
    ticker.await.unwrap();
    // An unknown id is SMSAPI error 301: permanent.
    let err = client.status("999", false).await.unwrap_err();
    assert_eq!(err.code(), Some(301));
    // Not final within the allowed polls.
    let c = client.send_sms(&sms(&to, "z", "k-poll-3")).await.unwrap();
    let err = client
        .wait_final(&c.id, false, Duration::from_millis(1), 3)
        .await
        .unwrap_err();
    assert!(matches!(err, SmsapiError::NotFinal(_)));
}

#[derive(Clone, Default)]
struct Receiver {
    queries: Arc<Mutex<Vec<String>>>,
    /// Replies to give, in order; "OK" once exhausted.
    replies: Arc<Mutex<Vec<&'static str>>>,
}

async fn dlr(State(r): State<Receiver>, RawQuery(q): RawQuery) -> &'static str {
    r.queries.lock().unwrap().push(q.unwrap_or_default());
    let mut replies = r.replies.lock().unwrap();
    if replies.is_empty() {
        "OK"
    } else {
        replies.remove(0)
    }
}

#[tokio::test]
async fn delivery_reports_arrive_by_callback() {
    let (sim, clock) = sim(SimConfig::default()).await;
    let receiver = Receiver::default();
    // The first callback is answered wrongly: SMSAPI must deliver it again.
    receiver.replies.lock().unwrap().push("ERROR");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/smsapi/dlr", get(dlr))
        .with_state(receiver.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut cfg = config(&sim);
    cfg.notify_url = Some(format!("http://{addr}/smsapi/dlr"));
    let client = SmsapiClient::new(cfg).unwrap();
    let to = mobile();
    let a = client.send_sms(&sms(&to, "a", "case-1/r1")).await.unwrap();
    let b = client.send_sms(&sms(&to, "b", "case-2/r1")).await.unwrap();

    clock.advance(chrono::Duration::seconds(10));
    assert_eq!(sim.deliver_callbacks().await, 0); // answered "ERROR": not acknowledged
    assert_eq!(sim.deliver_callbacks().await, 2); // redelivered, acknowledged
    assert_eq!(sim.deliver_callbacks().await, 0); // nothing new
    clock.advance(chrono::Duration::seconds(60));
    assert_eq!(sim.deliver_callbacks().await, 2);

    let queries = receiver.queries.lock().unwrap().clone();
    assert_eq!(queries.len(), 3);
    let accepted = DeliveryReport::parse_query(&queries[1]).unwrap();
    assert_eq!(accepted.len(), 2, "batched in one callback");
    assert!(
        accepted
            .iter()
            .all(|r| r.status == DeliveryStatus::Accepted)
    );
    let delivered = DeliveryReport::parse_query(&queries[2]).unwrap();
    assert_eq!(delivered[0].msg_id, a.id);
    assert_eq!(delivered[1].msg_id, b.id);
    assert_eq!(delivered[0].idx.as_deref(), Some("case-1/r1"));
    assert_eq!(delivered[1].idx.as_deref(), Some("case-2/r1"));
    assert!(
        delivered
            .iter()
            .all(|r| r.status == DeliveryStatus::Delivered && r.status.is_final())
    );
    assert_eq!(delivered[0].to, "48601234567");
    assert_eq!(delivered[0].points, Some(Points(1600)));
    assert_eq!(
        delivered[0].done_at,
        Some(start_time() + chrono::Duration::seconds(70))
    );
    assert_eq!(sim.counters().callbacks_sent, 3);

    // The simulator can also deliver on its own, as SMSAPI does, while time passes.
    let c = client.send_sms(&sms(&to, "c", "case-3/r1")).await.unwrap();
    let looping = sim.spawn_callback_loop(Duration::from_millis(10));
    clock.advance(chrono::Duration::seconds(60));
    let mut delivered = None;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let last = receiver.queries.lock().unwrap().last().cloned().unwrap();
        let reports = DeliveryReport::parse_query(&last).unwrap();
        if reports[0].msg_id == c.id {
            delivered = Some(reports);
            break;
        }
    }
    let delivered = delivered.expect("the callback loop delivered the report");
    assert_eq!(delivered[0].status, DeliveryStatus::Delivered);
    assert_eq!(delivered[0].idx.as_deref(), Some("case-3/r1"));
    looping.abort();
    server.abort();
}

#[tokio::test]
async fn voice_messages_and_the_token_test() {
    let (sim, clock) = sim(SimConfig::default()).await;
    let client = SmsapiClient::new(config(&sim)).unwrap();
    let landline = Phone::parse("22 123 45 67").unwrap();
    let a = client
        .send_voice(&VoiceMessage {
            to: &landline,
            tts: "Dzień dobry, przypominamy o zaległej płatności.",
            idempotency_key: "k-voice",
            lector: Some("ewa"),
        })
        .await
        .unwrap();
    assert_eq!(a.points, Points(2500));
    let m = &sim.messages()[0];
    assert_eq!(m.kind, Kind::Vms);
    assert_eq!(m.text, "Dzień dobry, przypominamy o zaległej płatności.");
    clock.advance(chrono::Duration::seconds(31));
    assert_eq!(
        client.status(&a.id, true).await.unwrap().status,
        DeliveryStatus::Delivered
    );
    // The same key again: duplicate.
    let dup = client
        .send_voice(&VoiceMessage {
            to: &landline,
            tts: "x",
            idempotency_key: "k-voice",
            lector: None,
        })
        .await
        .unwrap_err();
    assert_eq!(dup.class(), ErrorClass::Duplicate);
    // Empty TTS is SMSAPI error 11.
    let empty = client
        .send_voice(&VoiceMessage {
            to: &landline,
            tts: " ",
            idempotency_key: "k-voice-2",
            lector: None,
        })
        .await
        .unwrap_err();
    assert_eq!(empty.code(), Some(11));

    let profile = client.profile().await.unwrap();
    assert_eq!(profile.username, "inkaso-test");
    assert_eq!(profile.points, Points(100_000 - 2500));
    let mut bad = config(&sim);
    bad.token = "wrong".into();
    let err = SmsapiClient::new(bad).unwrap().profile().await.unwrap_err();
    assert_eq!((err.code(), err.class()), (Some(101), ErrorClass::Account));
}

/// The simulator's wire format, checked without our client: what any SMSAPI client would see.
#[tokio::test]
async fn the_simulator_speaks_smsapi_on_the_wire() {
    let (sim, _clock) = sim(SimConfig::default()).await;
    let http = reqwest::Client::new();
    let url = format!("{}sms.do", sim.base_url());

    // The official Go client posts JSON with ?format=json.
    let v: serde_json::Value = http
        .post(&url)
        .query(&[("format", "json")])
        .bearer_auth("test-token")
        .json(&serde_json::json!({"to": "601234567", "message": "test", "test": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["count"], 1);
    assert_eq!(v["list"][0]["number"], "48601234567");
    assert_eq!(v["list"][0]["submitted_number"], "601234567");
    assert_eq!(v["list"][0]["status"], "QUEUE");
    assert_eq!(v["list"][0]["parts"], 1);
    // test=1: answered, not charged, not stored.
    assert_eq!(v["list"][0]["points"], 0.0);
    assert!(sim.messages().is_empty());
    assert_eq!(sim.points(), 100_000);

    // Errors come as HTTP 200 with SMSAPI's JSON body, invalid numbers listed.
    let r = http
        .post(&url)
        .query(&[("format", "json")])
        .bearer_auth("test-token")
        .form(&[("to", "22 123 45 67"), ("message", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"], 13);
    assert_eq!(v["message"], "No correct phone numbers");
    assert_eq!(v["invalid_numbers"][0]["number"], "48221234567");
    assert_eq!(v["invalid_numbers"][0]["submitted_number"], "22 123 45 67");

    // nounicode with Polish letters is error 11; a bad token is error 101.
    let v: serde_json::Value = http
        .post(&url)
        .query(&[("format", "json")])
        .bearer_auth("test-token")
        .form(&[
            ("to", "601234567"),
            ("message", "zażółć"),
            ("nounicode", "1"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["error"], 11);
    let v: serde_json::Value = http
        .post(&url)
        .query(&[("format", "json")])
        .bearer_auth("nope")
        .form(&[("to", "601234567"), ("message", "x")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["error"], 101);

    // Without format=json the legacy API answers in plain text.
    let text = http
        .post(&url)
        .bearer_auth("test-token")
        .form(&[("to", "601234567"), ("message", "x")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "ERROR:8");

    // A Unicode message is counted in UCS-2 parts: 71 Polish letters are 2 parts of 67.
    let v: serde_json::Value = http
        .post(&url)
        .query(&[("format", "json")])
        .bearer_auth("test-token")
        .form(&[("to", "601234567"), ("message", &"ż".repeat(71))])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["list"][0]["parts"], 2);
    assert_eq!(v["list"][0]["points"], 0.32);
    assert_eq!(sim.counters().sms_accepted, 1);
}

/// SMSAPI remembers an `idx` for 24 hours only: the reason the engine must not re-deliver
/// claims older than that on its own.
#[tokio::test]
async fn idx_duplicates_are_refused_for_24_hours() {
    let (sim, clock) = sim(SimConfig::default()).await;
    let client = SmsapiClient::new(config(&sim)).unwrap();
    let to = mobile();
    client.send_sms(&sms(&to, "a", "k-24h")).await.unwrap();
    clock.advance(chrono::Duration::hours(23));
    let err = client.send_sms(&sms(&to, "a", "k-24h")).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::Duplicate);
    clock.advance(chrono::Duration::hours(2));
    client.send_sms(&sms(&to, "a", "k-24h")).await.unwrap();
    assert_eq!(sim.counters().sms_accepted, 2);
}
