//! The demo's path, smaller, with every count asserted: a Subiekt GT-shaped ERP through the
//! SQLite3 ODBC driver → the agent CLI's first sync → 60 simulated days of the process engine
//! with the production channels against the SMSAPI simulator and a real SMTP server, payments in
//! the ERP, a promise to pay and hand-offs → results back in the agent. At the end the ERP, the
//! agent's snapshot and the cloud hold the same unpaid documents, and every message the history
//! calls sent is one the providers received.

// Tests may unwrap and run long: a panic here is a clear failure, not a crash in front of a user.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use inkaso_cloud::store::accounts::Role;
use inkaso_connectors::ProfileKind;
use inkaso_e2e::whole_path::{Options, WholePath};
use inkaso_shared::{Clock as _, Email, SystemClock};

fn sent(actions: &[inkaso_cloud::store::processes::ActionView], channel: &str) -> usize {
    actions
        .iter()
        .filter(|a| a.channel == channel && a.status == "sent")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erp_to_messages_to_results_back() {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    // The agent CLI runs on the system clock, so the cloud starts at the real now too.
    let now = SystemClock.now();
    let opts = Options {
        dir: dir.path().to_owned(),
        profile: ProfileKind::SubiektGt,
        debtors: 30,
        settlements: 100,
        first_day: now.date_naive() + Duration::days(1),
    };
    let mut w = WholePath::start(&opts, now).await.unwrap();
    // People to e-mail about cases: the creditor's admin and the law firm's lawyer.
    for (scope, email) in [
        (&w.h.tenant, "szef@hurtownia.pl"),
        (&w.partner, "mecenas@kancelaria.pl"),
    ] {
        w.h.store
            .add_user(
                scope,
                &Email::parse(email).unwrap(),
                Role::Admin,
                "haslo-testowe-123",
                "cli",
                now,
            )
            .await
            .unwrap();
    }
    let cli = Path::new(env!("CARGO_BIN_EXE_inkaso-agent-under-test"));
    let first = w.agent_cli(cli, &["sync", "--once"]).unwrap();
    assert!(first.contains("Pełna synchronizacja"), "{first}");
    w.after_first_sync().await.unwrap();
    let synced_docs = w.h.cloud_open().await.unwrap();
    assert!(synced_docs.len() >= 30, "{}", synced_docs.len());

    // Documents paid in full, and when the cloud learnt it.
    let mut paid_at: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    let mut promise = None;
    let mut ticks_sent = 0;
    let mut digests = 0;
    for _ in 0..60 {
        let d = w.day().await.unwrap();
        // The law firm hears of new cases once a day at most; nothing else is mailed until it
        // acts on them.
        assert!(d.case_mail.problems.is_empty(), "{:?}", d.case_mail);
        assert!(d.case_mail.digests.len() <= 1, "{:?}", d.case_mail);
        assert!(d.case_mail.news.is_empty(), "{:?}", d.case_mail);
        digests += d.case_mail.digests.len();
        for doc in &d.paid_in_full {
            paid_at.insert(doc.clone(), d.synced_at.unwrap());
        }
        if d.promise.is_some() {
            promise = d.promise.clone().map(|p| (p, d.synced_at.unwrap()));
        }
        // The one failure a firm's data causes: a company whose NIP the agent quarantined has
        // no address from the VAT register, so a letter cannot be addressed. Recorded as failed.
        assert!(
            d.tick
                .failed
                .iter()
                .all(|f| f.detail.contains("brak adresu pocztowego")),
            "{}: {:?}",
            d.date,
            d.tick.failed
        );
        // The agent synced an hour before every tick: the freshness guard never holds.
        assert!(
            d.tick.held.iter().all(|h| !h.detail.contains("synchroniz")),
            "{}: {:?}",
            d.date,
            d.tick.held
        );
        ticks_sent += d.tick.sent.len();
    }
    assert!(!paid_at.is_empty(), "some documents were paid in full");

    let actions = w.actions().await.unwrap();
    let summary = w.summary().await.unwrap();

    // Every message the history calls sent reached its provider once, and nothing else did.
    assert!(sent(&actions, "sms") > 0);
    assert!(sent(&actions, "email") > 0);
    assert_eq!(summary.sms_accepted, sent(&actions, "sms"));
    // Beside the debtors' e-mails, the law firm's digests (one a day with new cases).
    assert!(digests > 0 && digests <= summary.handoffs.len());
    assert_eq!(summary.emails_received, sent(&actions, "email") + digests);
    assert_eq!(sent(&actions, "voice"), 0);
    assert_eq!(
        ticks_sent,
        actions.iter().filter(|a| a.status == "sent").count(),
        "every sent action was reported by exactly one tick"
    );
    assert!(
        actions.iter().all(
            |a| matches!(a.status.as_str(), "sent" | "skipped" | "planned")
                || (a.status == "failed"
                    && a.reason.as_deref().is_some_and(|r| r.contains("adresu")))
        ),
        "nothing else failed or stayed claimed: {:?}",
        actions
            .iter()
            .filter(|a| !matches!(a.status.as_str(), "sent" | "skipped" | "planned"))
            .collect::<Vec<_>>()
    );
    // Letters: one registered letter per RL30, one demand PDF per E7 e-mail, all stored.
    let e7 = actions
        .iter()
        .filter(|a| a.stage == "E7" && a.status == "sent")
        .count();
    assert!(e7 > 0);
    assert_eq!(summary.letters, (e7, sent(&actions, "registered_letter")));
    assert!(sent(&actions, "registered_letter") > 0);
    let files = w.export().await.unwrap();
    let pdfs = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "pdf"))
        .count();
    let books = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("ksiazka-nadawcza"))
        .count();
    assert_eq!(pdfs, summary.letters.0 + summary.letters.1 + books / 2);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        if f.extension().is_some_and(|e| e == "pdf") {
            assert!(bytes.starts_with(b"%PDF"), "{}", f.display());
        }
    }
    // The demand e-mails carry their PDF: the server got as many attachments as E7 sent.
    let mut with_pdf = 0;
    for n in 1..=summary.emails_received {
        let (raw, meta) = w.smtp.message(n).await.unwrap();
        assert_eq!(meta["tls"], true);
        if String::from_utf8_lossy(&raw).contains("application/pdf") {
            with_pdf += 1;
        }
    }
    assert_eq!(with_pdf, e7);
    // Hand-offs were made, from the history (partner cases come with their own store).
    assert!(!summary.handoffs.is_empty());
    assert_eq!(summary.handoffs.len(), sent(&actions, "handoff"));

    // No message after a payment: nothing sent for a paid document once the cloud knew.
    for a in actions.iter().filter(|a| a.status == "sent") {
        for c in &a.documents {
            if let Some(t) = paid_at.get(c.document.as_str()) {
                assert!(
                    a.done_at.unwrap() < *t,
                    "{} sent {} for {} paid at {t}",
                    a.key,
                    a.done_at.unwrap(),
                    c.document.as_str()
                );
            }
        }
    }
    // The promise holds the debtor's actions until its day.
    let ((debtor, until), promised_at) = promise.expect("a promise to pay was recorded");
    let until_end = (until + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    assert!(
        actions.iter().all(|a| a.debtor_external_id != debtor
            || a.status != "sent"
            || a.done_at.unwrap() < promised_at
            || a.done_at.unwrap() >= until_end),
        "an action went out during the promise"
    );

    // Results: every final action is in the feed, and the agent holds exactly the feed.
    let finals = actions
        .iter()
        .filter(|a| matches!(a.status.as_str(), "sent" | "skipped" | "failed"))
        .count();
    let feed = w.cloud_feed().await.unwrap();
    assert!(feed.len() >= finals, "{} < {finals}", feed.len());
    // The law firm takes up the first case; the last results reach the agent with its next
    // sync, as in production.
    let worked = w.partner_works_first_case().await.unwrap().unwrap();
    // The creditor hears of it by e-mail: one message with both changes.
    let mail = w.case_mail().await.unwrap();
    assert_eq!(mail.news.len(), 1, "{mail:?}");
    assert!(mail.news[0].contains("szef@hurtownia.pl"), "{mail:?}");
    w.final_sync().await.unwrap();
    let feed = w.cloud_feed().await.unwrap();
    let agent = w.agent_results().await.unwrap();
    assert_eq!(
        agent, feed,
        "the agent holds exactly the cloud's feed, in order"
    );
    let summary = w.summary().await.unwrap();
    assert_eq!(summary.results_agent, summary.results_cloud);
    // Each hand-off opened one case at the partner; the worked one is in court, and the agent
    // got every step of it.
    assert_eq!(summary.cases.len(), summary.handoffs.len());
    for h in &summary.handoffs {
        assert!(
            summary
                .cases
                .iter()
                .any(|c| c.action_id.as_deref() == Some(h.id.as_str())),
            "{h:?}"
        );
    }
    let steps: Vec<String> = sqlx::query(
        "SELECT event_json FROM results WHERE tenant_id = $1 AND kind = 'handoff' ORDER BY pos",
    )
    .bind(w.h.tenant.as_str())
    .fetch_all(w.h.store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| sqlx::Row::get::<String, _>(r, 0))
    .filter(|e| e.contains(&worked.id))
    .collect();
    assert_eq!(steps.len(), 3, "handed_off, accepted, in_court: {steps:?}");
    assert!(steps[2].contains("in_court"), "{steps:?}");
    assert!(!summary.report_files.is_empty());

    // ERP, agent and cloud agree at the end.
    let erp = w.h.erp_open().unwrap();
    let cloud = w.h.cloud_open().await.unwrap();
    assert_eq!(cloud, erp);
    assert_eq!(
        w.agent_open().await.unwrap(),
        erp.keys().cloned().collect::<BTreeSet<_>>()
    );
    assert!(summary.consistent);
    assert_eq!(summary.open_erp, summary.open_cloud);

    // A debtor asks for its balance by SMS and gets it from the firm; another stops SMS.
    let saldo = w.debtor_texts(0, "Saldo?").await.unwrap().unwrap();
    let logged: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT outcome, reply_status, reply_detail FROM inbound_sms WHERE tenant_id = $1",
    )
    .bind(w.h.tenant.as_str())
    .fetch_all(w.h.store.pool())
    .await
    .unwrap();
    let reply = saldo
        .reply
        .unwrap_or_else(|| panic!("no reply: {logged:?}"));
    assert!(
        reply.starts_with("Hurtownia Zazolc Sp. z o.o.: do zaplaty")
            && reply.contains("zaplac.hurtownia-zazolc.pl"),
        "{reply}"
    );
    let stop = w.debtor_texts(1, "STOP").await.unwrap().unwrap();
    assert!(
        stop.reply
            .unwrap()
            .starts_with("Nie bedziemy juz wysylac SMS")
    );
    w.stop().await.unwrap();
}
