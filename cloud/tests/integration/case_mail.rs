//! The e-mails about cases (`services::case_mail`) on SQLite and PostgreSQL, over a recording
//! mail channel and a manual clock: a law firm's digest of new cases comes once a day from its
//! hour, only when something is new, to its administrators and lawyers in their own languages;
//! the creditor hears of the law firm's status changes and payments (not of notes) in one
//! message per round; both are set in the portal (a bad address is named on the page, a law
//! firm's form cannot touch the creditor's setting and the other way round); a failed send is
//! tried again; replicas running the round at once send each mail once.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: a panic is a clear failure; scenarios read top to bottom

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use inkaso_channels::delivery::{Channel, Outbound, Outcome, Recorded, TestModeRecorder};
use inkaso_cloud::services::case_mail::{CaseMailer, round};
use inkaso_cloud::store::Backend;
use inkaso_cloud::store::accounts::Role;
use inkaso_shared::Lang;
use serde_json::json;

use crate::cases::{Partner, partner};
use crate::common::{Env, TenantFixture, company, doc, nip};
use crate::portal::{csrf, log_in, page, post};

on_both!(case_mail_tells_the_law_firm_and_the_creditor);

/// A mail channel that can be made to fail, recording what it sent.
#[derive(Debug, Default)]
struct Mailbox {
    sent: TestModeRecorder,
    down: AtomicBool,
}

impl Channel for Mailbox {
    async fn deliver(&self, key: &str, message: &Outbound) -> Outcome {
        if self.down.load(Ordering::SeqCst) {
            return Outcome::Retry {
                reason: "relay down".into(),
            };
        }
        self.sent.deliver(key, message).await
    }
}

/// 9:00 and such on a Polish winter day (UTC+1).
fn warsaw(day: &str, hour: u32, minute: u32) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    chrono_tz::Europe::Warsaw
        .from_local_datetime(&d.and_hms_opt(hour, minute, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// `(to, bcc, subject, text)` of each mail recorded after the first `from`.
fn mails(box_: &Mailbox, from: usize) -> Vec<(String, Vec<String>, String, String)> {
    box_.sent
        .recorded()
        .into_iter()
        .skip(from)
        .map(|Recorded { message, .. }| match message {
            Outbound::Email(m) => (
                m.to.as_str().to_owned(),
                m.bcc.iter().map(|b| b.as_str().to_owned()).collect(),
                m.subject,
                m.text,
            ),
            other => panic!("not an e-mail: {other:?}"),
        })
        .collect()
}

/// Three debtors of the creditor, one open invoice each (1 000,00, 2 500,50 and 300,00 zł).
async fn three_debtors(env: &Env, a: &TenantFixture) {
    env.batch_ok(
        &a.agent_token,
        1,
        json!([
            company("K1", "Dłużnik Pierwszy Sp. z o.o.", &nip(1)),
            doc("D1", "K1", "2026-09-01", 100_000, 100_000),
            company("K2", "Dłużnik Drugi S.A.", &nip(2)),
            doc("D2", "K2", "2026-09-15", 250_050, 250_050),
            company("K3", "Dłużnik Trzeci Sp. j.", &nip(3)),
            doc("D3", "K3", "2026-10-01", 30_000, 30_000),
        ]),
    )
    .await;
}

/// The creditor hands one document over to the law firm; the case's id.
async fn hand_off(
    env: &Env,
    a: &TenantFixture,
    nowak: &Partner,
    debtor: &str,
    document: &str,
) -> String {
    let (s, case) = env
        .post(
            &a.editor,
            "/api/v1/cases",
            &json!({"agent_id": a.agent.as_str(), "debtor_external_id": debtor,
                "document_external_ids": [document], "partner_id": nowak.id}),
        )
        .await;
    assert_eq!(s, 201, "{case}");
    case["id"].as_str().unwrap().to_owned()
}

async fn case_mail_tells_the_law_firm_and_the_creditor(backend: Backend) {
    let env = Env::new(backend).await;
    let now = env.clock_now();
    let a = env.tenant("Hurtownia Zażółć").await;
    let nowak = partner(&env, "Kancelaria Nowak", &[&a]).await;
    for (email, role, lang, disabled) in [
        ("szef@nowak.pl", Role::Admin, Lang::Pl, false),
        ("lawyer@nowak.pl", Role::Editor, Lang::En, false),
        ("asystent@nowak.pl", Role::Viewer, Lang::Pl, false),
        ("byly@nowak.pl", Role::Editor, Lang::Pl, true),
    ] {
        let id = env
            .person(&nowak.scope, email, role, "haslo-kancelarii-123")
            .await;
        env.store
            .set_user_lang(&nowak.scope, &id, lang)
            .await
            .unwrap();
        if disabled {
            env.store
                .set_user_disabled(&nowak.scope, "cli", &id, true, now)
                .await
                .unwrap();
        }
    }
    three_debtors(&env, &a).await;
    let hand_off =
        |debtor: &'static str, document: &'static str| hand_off(&env, &a, &nowak, debtor, document);

    let mailbox = Arc::new(Mailbox::default());
    let mailer = CaseMailer::new(mailbox.clone(), Some("https://inkaso.example.pl/"));
    let clock = env.clock.clone();
    let run = || async { round(&env.store, clock.as_ref(), &mailer).await.unwrap() };

    // Monday 7 December: two cases in the evening before; before 7:00 nothing goes.
    env.clock.set(warsaw("2026-12-06", 18, 0));
    let case_1 = hand_off("K1", "D1").await;
    let case_2 = hand_off("K2", "D2").await;
    env.clock.set(warsaw("2026-12-07", 6, 59));
    let r = run().await;
    assert!(r.digests.is_empty() && r.news.is_empty(), "{r:?}");

    // From 7:00: one digest, in Polish to the admin, in English to the lawyer; not to the
    // assistant (read-only) nor to a disabled colleague.
    env.clock.set(warsaw("2026-12-07", 7, 1));
    let r = run().await;
    assert_eq!(r.digests.len(), 1, "{r:?}");
    assert!(r.problems.is_empty(), "{r:?}");
    let sent = mails(&mailbox, 0);
    assert_eq!(sent.len(), 2, "{sent:?}");
    let pl = sent.iter().find(|m| m.0 == "szef@nowak.pl").unwrap();
    let en = sent.iter().find(|m| m.0 == "lawyer@nowak.pl").unwrap();
    assert_eq!(
        (pl.0.as_str(), en.0.as_str()),
        ("szef@nowak.pl", "lawyer@nowak.pl")
    );
    assert!(pl.1.is_empty() && en.1.is_empty());
    assert_eq!(pl.2, "Inkaso: 2 nowe sprawy — Kancelaria Nowak");
    for want in [
        "Kancelaria Nowak: od ostatniego zestawienia wierzyciele przekazali 2 nowe sprawy:",
        "• Hurtownia Zażółć — Dłużnik Pierwszy Sp. z o.o., 1 000,00 zł, przekazana 06.12.2026",
        "• Hurtownia Zażółć — Dłużnik Drugi S.A., 2 500,50 zł",
        "Na decyzję (przyjęcie albo odrzucenie) czekają 2 sprawy.",
        "https://inkaso.example.pl/partner?status=handed_off",
        "raz dziennie, nie wcześniej niż o 7:00",
    ] {
        assert!(pl.3.contains(want), "{want:?} not in:\n{}", pl.3);
    }
    assert_eq!(en.2, "Inkaso: 2 new cases — Kancelaria Nowak");
    assert!(
        en.3.contains("2 cases are waiting for your decision"),
        "{}",
        en.3
    );

    // Once a day: the same day's rounds send nothing, even with a new case.
    assert!(run().await.digests.is_empty());
    env.clock.set(warsaw("2026-12-07", 10, 0));
    let case_3 = hand_off("K3", "D3").await;
    env.clock.set(warsaw("2026-12-07", 23, 0));
    assert!(run().await.digests.is_empty());

    // The law firm takes up case 1: accepted, then in court with a note, a payment-free
    // day; a note alone is no news. The creditor's admin gets one message with both changes.
    let (s, _) = env
        .post(
            &nowak.editor,
            &format!("/api/v1/partner/cases/{case_1}/accept"),
            &json!({"note": "przyjmujemy"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = env
        .post(
            &nowak.editor,
            &format!("/api/v1/partner/cases/{case_1}/status"),
            &json!({"status": "in_court", "note": "pozew w EPU złożony"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = env
        .post(
            &nowak.editor,
            &format!("/api/v1/partner/cases/{case_2}/notes"),
            &json!({"note": "dzwoniliśmy do dłużnika"}),
        )
        .await;
    assert_eq!(s, 200);
    let before = mailbox.sent.recorded().len();
    let r = run().await;
    assert_eq!(r.news.len(), 1, "{r:?}");
    let news = mails(&mailbox, before);
    assert_eq!(news.len(), 1, "{news:?}");
    let (to, _, subject, text) = &news[0];
    assert_eq!(to, "szef@firma.pl");
    assert_eq!(
        subject,
        "Inkaso: kancelaria zmieniła sprawę dłużnika Dłużnik Pierwszy Sp. z o.o."
    );
    for want in [
        "• Dłużnik Pierwszy Sp. z o.o. (1 000,00 zł) — Kancelaria Nowak",
        "07.12.2026 23:00: stan „nowa” → „przyjęta”",
        "    przyjmujemy",
        "07.12.2026 23:00: stan „przyjęta” → „w sądzie”",
        "    pozew w EPU złożony",
        &format!("https://inkaso.example.pl/cases/{case_1}"),
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    assert!(!text.contains("dzwoniliśmy"), "{text}");
    assert!(run().await.news.is_empty(), "told twice");

    // The next morning: the third case alone; three wait for a decision... two, case 1 was
    // accepted.
    env.clock.set(warsaw("2026-12-08", 7, 30));
    let before = mailbox.sent.recorded().len();
    let r = run().await;
    assert_eq!(r.digests.len(), 1, "{r:?}");
    let digest = mails(&mailbox, before);
    let pl = digest.iter().find(|m| m.0 == "szef@nowak.pl").unwrap();
    assert_eq!(pl.2, "Inkaso: nowa sprawa — Kancelaria Nowak");
    assert!(
        pl.3.contains("Dłużnik Trzeci Sp. j., 300,00 zł"),
        "{}",
        pl.3
    );
    assert!(!pl.3.contains("Dłużnik Pierwszy"), "{}", pl.3);
    assert!(pl.3.contains("czekają 2 sprawy"), "{}", pl.3);

    // The relay is down: the digest is given back and goes with the next round.
    env.clock.set(warsaw("2026-12-08", 12, 0));
    hand_off_again(&env, &a, &nowak, &case_3).await;
    env.clock.set(warsaw("2026-12-09", 8, 0));
    mailbox.down.store(true, Ordering::SeqCst);
    let r = run().await;
    assert!(r.digests.is_empty() && r.news.is_empty(), "{r:?}");
    // The digest and the creditor's news of the rejection.
    assert_eq!(r.problems.len(), 2, "{r:?}");
    assert!(r.problems.iter().all(|p| p.contains("relay down")), "{r:?}");
    mailbox.down.store(false, Ordering::SeqCst);
    let r = run().await;
    assert_eq!((r.digests.len(), r.news.len()), (1, 1), "{r:?}");

    // --- Settings in the portal. The law firm's admin: weekly, at 9, to the office address.
    let s_partner = log_in(&env, "szef@nowak.pl", "haslo-kancelarii-123").await;
    let (status, html) = page(&env, &s_partner, "/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"digest\"") && !html.contains("name=\"status_mail\""));
    let token = csrf(&env, &s_partner).await;
    let (status, html) = post(
        &env,
        &s_partner,
        "/admin/case-mail",
        &format!(
            "_csrf={token}&digest=weekly&digest_hour=9&recipients=biuro%40nowak.pl%0Anie-adres"
        ),
        None,
        None,
    )
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(
        html.contains("„nie-adres” nie jest adresem e-mail"),
        "{html}"
    );
    assert!(
        html.contains("nie-adres</textarea>"),
        "the form keeps what was typed"
    );
    let (status, _) = post(
        &env,
        &s_partner,
        "/admin/case-mail",
        &format!(
            "_csrf={token}&digest=weekly&digest_hour=9&recipients=biuro%40nowak.pl&status_mail=on"
        ),
        None,
        None,
    )
    .await;
    assert_eq!(status, 303);
    let saved = env.store.case_mail_settings(&nowak.scope).await.unwrap();
    assert_eq!(saved.digest.as_str(), "weekly");
    assert_eq!(saved.digest_hour, 9);
    assert_eq!(saved.recipients[0].as_str(), "biuro@nowak.pl");
    let (_, audit) = page(&env, &s_partner, "/admin/audit?area=case_mail").await;
    assert!(audit.contains("ustawienia powiadomień e-mail"), "{audit}");
    // Without the form's token: refused.
    let (status, _) = post(
        &env,
        &s_partner,
        "/admin/case-mail",
        "digest=off&digest_hour=9&recipients=",
        None,
        None,
    )
    .await;
    assert_eq!(status, 403);

    // Weekly from Wednesday 9th's digest: nothing until Monday 14th at 9:00, then to the office.
    env.clock.set(warsaw("2026-12-10", 9, 0));
    env.batch_ok(
        &a.agent_token,
        2,
        json!([
            company("K4", "Dłużnik Czwarty Sp. z o.o.", &nip(4)),
            doc("D4", "K4", "2026-10-15", 20_000, 20_000),
        ]),
    )
    .await;
    hand_off("K4", "D4").await;
    env.clock.set(warsaw("2026-12-12", 10, 0));
    assert!(run().await.digests.is_empty());
    env.clock.set(warsaw("2026-12-14", 8, 59));
    assert!(run().await.digests.is_empty());
    env.clock.set(warsaw("2026-12-14", 9, 0));
    let before = mailbox.sent.recorded().len();
    let r = run().await;
    assert_eq!(r.digests.len(), 1, "{r:?}");
    let weekly = mails(&mailbox, before);
    assert_eq!(weekly.len(), 1);
    assert_eq!(weekly[0].0, "biuro@nowak.pl");
    assert!(weekly[0].3.contains("raz w tygodniu"), "{}", weekly[0].3);

    // The creditor's admin turns the news off: the law firm's next change is not mailed, and
    // turning it back on does not bring old changes back.
    let s_client = log_in(&env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let (_, html) = page(&env, &s_client, "/admin").await;
    assert!(html.contains("name=\"status_mail\"") && !html.contains("name=\"digest\""));
    let token = csrf(&env, &s_client).await;
    let (status, _) = post(
        &env,
        &s_client,
        "/admin/case-mail",
        &format!("_csrf={token}&recipients=&digest=off"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 303);
    let saved = env.store.case_mail_settings(&a.scope).await.unwrap();
    assert!(!saved.status_mail);
    assert_eq!(
        saved.digest.as_str(),
        "daily",
        "a creditor's form leaves the digest alone"
    );
    let (s, _) = env
        .post(
            &nowak.editor,
            &format!("/api/v1/partner/cases/{case_1}/status"),
            &json!({"status": "settlement"}),
        )
        .await;
    assert_eq!(s, 200);
    let before = mailbox.sent.recorded().len();
    assert!(run().await.news.is_empty());
    let (status, _) = post(
        &env,
        &s_client,
        "/admin/case-mail",
        &format!("_csrf={token}&status_mail=on&recipients="),
        None,
        None,
    )
    .await;
    assert_eq!(status, 303);
    assert!(run().await.news.is_empty());
    assert_eq!(mailbox.sent.recorded().len(), before);

    // A settlement payment is news.
    env.store
        .record_payment(
            &nowak.scope,
            &case_1,
            (40_000, NaiveDate::from_ymd_opt(2026, 12, 14).unwrap()),
            None,
            "user:mecenas",
            env.clock_now(),
        )
        .await
        .unwrap();
    let r = run().await;
    assert_eq!(r.news.len(), 1, "{r:?}");
    let text = &mails(&mailbox, before)[0].3;
    assert!(
        text.contains("wpłata 400,00 zł z dnia 14.12.2026 (ugoda)"),
        "{text}"
    );
}

/// Rejects a case and hands its document over again: a new case for the next digest.
async fn hand_off_again(env: &Env, a: &TenantFixture, nowak: &Partner, case: &str) {
    let (s, _) = env
        .post(
            &nowak.editor,
            &format!("/api/v1/partner/cases/{case}/reject"),
            &json!({"note": "brak dokumentów"}),
        )
        .await;
    assert_eq!(s, 200);
    hand_off(env, a, nowak, "K3", "D3").await;
}

on_both!(replicas_send_each_case_mail_once);

/// Two rounds at once over one database (two replicas): one digest, one news message.
async fn replicas_send_each_case_mail_once(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Hurtownia Zażółć").await;
    let nowak = partner(&env, "Kancelaria Nowak", &[&a]).await;
    env.person(
        &nowak.scope,
        "szef@nowak.pl",
        Role::Admin,
        "haslo-kancelarii-123",
    )
    .await;
    three_debtors(&env, &a).await;
    let mut cases = Vec::new();
    for (debtor, document) in [("K1", "D1"), ("K2", "D2")] {
        cases.push(hand_off(&env, &a, &nowak, debtor, document).await);
    }
    let case = &cases[0];
    let (s, _) = env
        .post(
            &nowak.editor,
            &format!("/api/v1/partner/cases/{case}/accept"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200);
    env.clock.set(warsaw("2026-12-07", 8, 0));
    let (one, two) = (Arc::new(Mailbox::default()), Arc::new(Mailbox::default()));
    let (m1, m2) = (
        CaseMailer::new(one.clone(), None),
        CaseMailer::new(two.clone(), None),
    );
    let clock = env.clock.clone();
    let (r1, r2) = tokio::join!(
        round(&env.store, clock.as_ref(), &m1),
        round(&env.store, clock.as_ref(), &m2)
    );
    let (r1, r2) = (r1.unwrap(), r2.unwrap());
    assert_eq!(r1.digests.len() + r2.digests.len(), 1, "{r1:?} {r2:?}");
    assert_eq!(r1.news.len() + r2.news.len(), 1, "{r1:?} {r2:?}");
    let all: Vec<_> = mails(&one, 0).into_iter().chain(mails(&two, 0)).collect();
    assert_eq!(all.len(), 2, "{all:?}");
    // Without the portal's address the mails carry no links.
    assert!(all.iter().all(|m| !m.3.contains("http")), "{all:?}");
}
