//! Payment-delay statistics from what the agent synced (SQLite and PostgreSQL): the store
//! turns observed changes into settlements (a partial payment, a close as paid, a reopened
//! document), and the service's figures follow from them, one currency at a time.

#![allow(clippy::unwrap_used, clippy::float_cmp, clippy::too_many_lines)] // tests: scenarios read top to bottom

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use inkaso_cloud::services::{App, Engine};
use inkaso_cloud::store::Backend;
use inkaso_shared::Clock as _;
use serde_json::json;

use crate::common::doc;
use crate::common::{Env, close, company, nip};

on_both!(
    statistics_follow_the_synced_payments,
    the_market_tells_a_firms_own_slip
);

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn statistics_follow_the_synced_payments(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Alfa").await;
    let today = env.clock.now().date_naive();
    assert_eq!(today, day("2026-11-22"), "the fixtures' clock");
    let mut eur = doc("E1", "K1", "2026-11-01", 10_000, 10_000);
    eur["document"]["currency"] = json!("EUR");
    env.batch_ok(
        &t.agent_token,
        1,
        json!([
            company("K1", "Hurtownia", &nip(1)),
            doc("A", "K1", "2026-11-10", 100_000, 100_000),
            doc("B", "K1", "2026-11-20", 50_000, 50_000),
            doc("C", "K1", "2026-12-01", 30_000, 30_000),
            doc("R", "K1", "2026-11-05", 20_000, 20_000),
            eur
        ]),
    )
    .await;
    // 25 November: 600 zł of A paid (15 days late).
    env.clock.advance(Duration::days(3));
    env.batch_ok(
        &t.agent_token,
        2,
        json!([doc("A", "K1", "2026-11-10", 100_000, 40_000)]),
    )
    .await;
    // 30 November: A and B paid; R paid and then reopened the next day.
    env.clock.advance(Duration::days(5));
    env.batch_ok(
        &t.agent_token,
        3,
        json!([
            close("A", "paid", "2026-11-30"),
            close("B", "paid", "2026-11-30"),
            close("R", "paid", "2026-11-30")
        ]),
    )
    .await;
    env.clock.advance(Duration::days(1));
    env.batch_ok(
        &t.agent_token,
        4,
        json!([doc("R", "K1", "2026-11-05", 20_000, 20_000)]),
    )
    .await;

    let docs = env.store.document_histories(&t.scope).await.unwrap();
    let a = docs.iter().find(|d| d.due == day("2026-11-10")).unwrap();
    assert_eq!(a.amount_minor, 100_000);
    assert_eq!(
        a.settlements
            .iter()
            .map(|s| (s.on, s.amount_minor))
            .collect::<Vec<_>>(),
        vec![(day("2026-11-25"), 60_000), (day("2026-11-30"), 40_000)]
    );
    let r = docs.iter().find(|d| d.due == day("2026-11-05")).unwrap();
    assert_eq!(r.paid_on(), None, "reopened: owed again");
    assert_eq!(r.remaining_on(day("2026-12-01")), 20_000);

    let clock: Arc<dyn inkaso_shared::Clock> = env.clock.clone();
    let app = App::new(env.store.clone(), clock, Engine::default());
    let stats = app.stats_overview(&t.scope, 3).await.unwrap();
    assert_eq!(stats.as_of, day("2026-12-01"));
    let currencies: Vec<&str> = stats
        .currencies
        .iter()
        .map(|c| c.currency.as_str())
        .collect();
    assert_eq!(currencies, ["PLN", "EUR"], "kept apart, PLN first");
    let pln = &stats.currencies[0];
    let k1 = pln.debtors.values().next().unwrap();
    // A paid 20 days late, B 10: on average 15; by amount (600 @ 15, 400 @ 20, 500 @ 10).
    assert_eq!((k1.paid, k1.paid_late), (2, 2));
    assert_eq!(k1.avg_days_late, Some(15.0));
    let weighted = k1.weighted_days_late.unwrap();
    assert!((weighted - 22_000.0 / 1_500.0).abs() < 1e-9, "{weighted}");
    // Months October to December; everything issued 1 October (the fixtures' issue date).
    let months: Vec<NaiveDate> = pln.months.iter().map(|m| m.month).collect();
    assert_eq!(
        months,
        [day("2026-10-01"), day("2026-11-01"), day("2026-12-01")]
    );
    let october = &pln.months[0];
    assert_eq!(october.credit_sales, 200_000);
    assert_eq!(october.dso_simple, Some(31.0));
    assert_eq!(october.add, Some(0.0));
    let november = &pln.months[1];
    // On 30 November: C (not yet due) 300 zł and R (25 days late) 0 — it was paid that day.
    assert_eq!(
        (november.ageing.current, november.ageing.total()),
        (30_000, 30_000)
    );
    assert_eq!(november.dso_simple, None, "no sales in November");
    let december = &pln.months[2];
    // 1 December: R owed again (26 days late), C due today.
    assert_eq!(
        (december.ageing.d1_30, december.ageing.current),
        (20_000, 30_000)
    );
    let eur = &stats.currencies[1];
    assert_eq!(eur.months[0].ageing.total(), 10_000);
    assert!(eur.debtors.is_empty());
    assert!(app.stats_overview(&t.scope, 0).await.is_err());

    // C (due today) predicted from K1's two payments, 10 and 20 days late: the firm's
    // behaviour (too few of its own), 10 days on, a business day.
    let predicted = app
        .predicted_payment(&t.scope, t.agent.as_str(), "K1", day("2026-12-01"), 30_000)
        .await
        .unwrap();
    assert_eq!(
        (predicted.p10, predicted.p50, predicted.p90),
        (day("2026-12-11"), day("2026-12-11"), day("2026-12-21"))
    );
    assert!(matches!(
        predicted.basis,
        inkaso_cloud::domain::predict::Basis::Firm { paid: 2, .. }
    ));

    // The portal shows the figures and the prediction.
    let session = crate::portal::log_in(&env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let (code, html) = crate::portal::page(&env, &session, "/stats?months=6").await;
    assert_eq!(code, 200, "{html}");
    for text in [
        "DSO (metoda wsteczna)",
        "Należności w PLN",
        "Należności w EUR",
        "Hurtownia",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    // K1: 15 days late on average, 2 of 2 paid late.
    assert!(html.contains("15 dni"), "{html}");
    assert!(html.contains("100%"), "{html}");
    let (_, open) = env
        .get(&t.viewer, "/api/v1/documents?status=open&sort=due")
        .await;
    let c = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["external_id"] == "C")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, html) = crate::portal::page(&env, &session, &format!("/documents/{c}")).await;
    assert!(html.contains("Przewidywana zapłata"), "{html}");
    assert!(html.contains("11.12.2026"), "{html}");
    assert!(html.contains("mało wpłat (2)"), "{html}");

    // The same over the API, for programs.
    let (code, firm) = env.get(&t.viewer, "/api/v1/stats?months=3").await;
    assert_eq!(code, 200, "{firm}");
    assert_eq!(firm["currencies"][0]["currency"], "PLN");
    assert_eq!(
        firm["currencies"][0]["months"][0]["credit_sales_minor"],
        200_000
    );
    assert_eq!(firm["currencies"][1]["currency"], "EUR");
    let (code, refused) = env.get(&t.viewer, "/api/v1/stats?months=99").await;
    assert_eq!(code, 400, "{refused}");
    assert_eq!(refused["error"]["field"], "months");
    let (code, of_c) = env
        .get(&t.viewer, &format!("/api/v1/documents/{c}/prediction"))
        .await;
    assert_eq!(code, 200, "{of_c}");
    assert_eq!(of_c["status"], "open");
    assert_eq!(of_c["prediction"]["predicted_paid_date"], "2026-12-11");
    assert_eq!(of_c["prediction"]["p90"], "2026-12-21");
    let reason = |lang: &str| {
        of_c["prediction"][format!("reason_{lang}")]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(reason("pl").contains("mało wpłat (2)"), "{of_c}");
    assert!(reason("en").contains("few payments"), "{of_c}");
    let (_, debtors) = env.get(&t.viewer, "/api/v1/debtors").await;
    let k1 = debtors["items"][0]["id"].as_str().unwrap().to_owned();
    let (code, k1_stats) = env
        .get(&t.viewer, &format!("/api/v1/debtors/{k1}/stats"))
        .await;
    assert_eq!(code, 200, "{k1_stats}");
    assert_eq!(k1_stats["delays"][0]["currency"], "PLN");
    assert_eq!(k1_stats["delays"][0]["avg_days_late"], 15.0);
    assert_eq!(k1_stats["delays"][0]["paid_late"], 2);
    // Open: C, R and the euro document, each with its day.
    let open_numbers: Vec<&str> = k1_stats["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_str().unwrap())
        .collect();
    assert_eq!(open_numbers.len(), 3, "{k1_stats}");
    // The debtor's page shows its behaviour and each open document's day.
    let (_, html) = crate::portal::page(&env, &session, &format!("/debtors/{k1}")).await;
    assert!(html.contains("Zachowanie płatnicze"), "{html}");
    assert!(html.contains("15 dni"), "{html}");
    assert!(html.contains(">11.12.2026<"), "{html}");

    // Once a day the agent receives each debtor's statistics, and only when they changed.
    let now = env.clock.now();
    let sent = inkaso_cloud::services::stats::publish_daily(&env.store, &t.scope, now)
        .await
        .unwrap();
    assert_eq!(sent, 1, "K1");
    let again = inkaso_cloud::services::stats::publish_daily(&env.store, &t.scope, now)
        .await
        .unwrap();
    assert_eq!(again, 0, "the same day");
    let (code, feed) = env
        .get(&t.agent_token, "/agent/v1/results?limit=1000")
        .await;
    assert_eq!(code, 200, "{feed}");
    let stats_events: Vec<&serde_json::Value> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["event"])
        .filter(|e| e["kind"] == "debtor_stats")
        .collect();
    assert_eq!(stats_events.len(), 1, "{feed}");
    let event = stats_events[0];
    assert_eq!(event["debtor_external_id"], "K1");
    assert_eq!(event["avg_delay_days"], 15.0);
    assert_eq!(event["late_share"], 1.0);
    assert_eq!(event["predicted_payment"]["C"], "2026-12-11");
    assert!(event["predicted_payment"]["R"].is_string(), "{event}");
    // The next day nothing changed for K1 but R is a day older: its day moves, so it is sent.
    env.clock.advance(Duration::days(1));
    let next = inkaso_cloud::services::stats::publish_daily(&env.store, &t.scope, env.clock.now())
        .await
        .unwrap();
    assert!(next <= 1);

    // The same replica's reading is reused while nothing changed, and read again as soon as
    // a batch brings a payment: C paid today shows at once, with no wait for the cache.
    let before = app.firm_history(&t.scope).await.unwrap();
    let same = app.firm_history(&t.scope).await.unwrap();
    assert!(
        Arc::ptr_eq(&before, &same),
        "no new batch: the same reading"
    );
    env.batch_ok(
        &t.agent_token,
        5,
        json!([close(
            "C",
            "paid",
            &env.clock.now().date_naive().to_string()
        )]),
    )
    .await;
    let stats = app.stats_overview(&t.scope, 3).await.unwrap();
    let k1 = stats.currencies[0].debtors.values().next().unwrap();
    assert_eq!(k1.paid, 3, "C's payment counted right after its batch");
}

/// `inkaso-cloud stats …` over a small hand-written history: bad rows are refused with their
/// line and field and the rest are used; the predictions cover exactly the open documents.
#[test]
fn the_stats_commands_read_a_history_file_and_refuse_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("H.csv");
    let mut csv = String::from(
        "tenant,debtor,sector,document,issue_date,due_date,amount_minor,currency,paid_date\n",
    );
    // Debtor A pays 10 days late, every month; two documents still open on 2026-06-30.
    for m in 1..=5 {
        writeln!(
            csv,
            "t1,A,G,FV/{m},2026-0{m}-01,2026-0{m}-15,120000,PLN,2026-0{m}-25"
        )
        .unwrap();
    }
    csv.push_str("t1,A,G,FV/6,2026-06-01,2026-06-15,120000,PLN,\n");
    csv.push_str("t1,A,G,FV/7,2026-06-20,2026-07-04,120000,PLN,2026-07-14\n");
    // Line 9: a sector that is no PKD section; line 10: a day that is no day; line 11: a
    // document already on line 2.
    csv.push_str("t1,B,Z,FV/8,2026-06-01,2026-06-15,1000,PLN,\n");
    csv.push_str("t1,B,,FV/9,2026-06-01,2026-13-01,1000,PLN,\n");
    csv.push_str("t1,B,,FV/1,2026-06-01,2026-06-15,1000,PLN,\n");
    std::fs::write(&history, csv).unwrap();
    let out = dir.path().join("P.csv");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_inkaso-cloud"))
            .args(["--lang", "en", "stats"])
            .args(args)
            .output()
            .unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let h = history.to_str().unwrap();
    let (ok, stdout, stderr) = run(&[
        "predict",
        "--history",
        h,
        "--as-of",
        "2026-06-30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("Read 7 rows; refused: 3."), "{stdout}");
    assert!(
        stderr.contains(":9: sector: a PKD section is one letter A–U"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":10: due_date: a day YYYY-MM-DD, not \"2026-13-01\""),
        "{stderr}"
    );
    assert!(
        stderr.contains(":11: document: this firm's document is already on line 2"),
        "{stderr}"
    );
    let predicted = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = predicted.lines().collect();
    assert_eq!(lines[0], "tenant,document,predicted_paid_date,p10,p90");
    // FV/6 (open) and FV/7 (paid only after the day) are predicted; A pays ten days late.
    assert_eq!(lines.len(), 3, "{predicted}");
    assert!(lines[1].starts_with("t1,FV/6,2026-07-"), "{predicted}");
    let (ok, stdout, _) = run(&["backtest", "--history", h, "--as-of", "2026-06-30"]);
    assert!(ok);
    assert!(stdout.contains("Inkaso's prediction"), "{stdout}");
    let (ok, stdout, _) = run(&[
        "market",
        "--history",
        h,
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
    ]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&stdout[stdout.find('{').unwrap()..]).unwrap();
    // One firm is no market: its verdict cannot be given, and no cell is shown.
    assert_eq!(v["tenants"][0]["verdict"], "unknown");
    assert!(
        v["market"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["recent"].is_null())
    );
    // A file with the wrong header is refused as a whole, naming the header expected.
    std::fs::write(&history, "tenant,debtor\n").unwrap();
    let (ok, _, stderr) = run(&["backtest", "--history", h]);
    assert!(!ok);
    assert!(
        stderr.contains("the header must be \"tenant,debtor,sector,document"),
        "{stderr}"
    );
}

/// Six firms whose trade debtors pay 10 days late; one of them has slipped to 25 days late in
/// the last six months. Each firm sees its own verdict and the cells shown to all, never
/// another firm's figures.
async fn the_market_tells_a_firms_own_slip(backend: Backend) {
    let env = Env::new(backend).await;
    let today = env.clock.now().date_naive();
    let periods = inkaso_cloud::domain::market::Periods::ending(today);
    let mut firms = Vec::new();
    for f in 0..6 {
        let t = env.tenant(&format!("Firma {f}")).await;
        let mut docs = vec![company("K1", "Hurtownia", &nip(f + 1))];
        let mut closes = Vec::new();
        let mut due = day("2025-04-07");
        let mut k = 0;
        while due <= periods.recent.1 {
            let late = if f == 0 && due >= periods.recent.0 {
                25
            } else {
                10
            };
            let ext = format!("D{k}");
            docs.push(
                json!({"op": "upsert_document", "document": {"external_id": ext,
                "debtor_external_id": "K1", "number": format!("FS {k}"),
                "issue_date": (due - Duration::days(14)).to_string(), "due_date": due.to_string(),
                "amount_minor": 100_000 + 1_000 * f, "remaining_minor": 100_000 + 1_000 * f,
                "currency": "PLN"}}),
            );
            closes.push(close(
                &ext,
                "paid",
                &(due + Duration::days(late)).to_string(),
            ));
            due += Duration::days(7);
            k += 1;
        }
        env.batch_ok(&t.agent_token, 1, json!(docs)).await;
        env.batch_ok(&t.agent_token, 2, json!(closes)).await;
        // The firm says its debtor is in trade (PKD section G).
        let (_, list) = env.get(&t.viewer, "/api/v1/debtors").await;
        let id = list["items"][0]["id"].as_str().unwrap().to_owned();
        let (code, body) = env
            .put(
                &t.editor,
                &format!("/api/v1/debtors/{id}/sector"),
                &json!({"sector": "g"}),
            )
            .await;
        assert_eq!(code, 204, "{body}");
        firms.push((t, id));
    }
    // A sector that is no PKD section is refused, naming the field; a viewer may not set one.
    let (t0, id0) = &firms[0];
    let (code, body) = env
        .put(
            &t0.editor,
            &format!("/api/v1/debtors/{id0}/sector"),
            &json!({"sector": "Z"}),
        )
        .await;
    assert_eq!(
        (code, body["error"]["field"].as_str()),
        (400, Some("sector")),
        "{body}"
    );
    let (code, _) = env
        .put(
            &t0.viewer,
            &format!("/api/v1/debtors/{id0}/sector"),
            &json!({"sector": "G"}),
        )
        .await;
    assert_eq!(code, 403);

    let (code, m) = env.get(&t0.viewer, "/api/v1/stats/market").await;
    assert_eq!(code, 200, "{m}");
    assert_eq!(m["verdict"]["verdict"], "own", "{m}");
    assert_eq!(m["verdict"]["own_change_days"], 15.0, "{m}");
    assert_eq!(m["verdict"]["market_change_days"], 0.0, "{m}");
    assert_eq!(m["verdict"]["sectors"][0]["sector"], "G");
    // The trade cell of small invoices, shown: six firms make it.
    let cell = m["market"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["sector"] == "G" && c["size"] == "small")
        .unwrap();
    assert_eq!(cell["before"]["tenants"], 6, "{m}");
    let (_, m1) = env.get(&firms[1].0.viewer, "/api/v1/stats/market").await;
    assert_eq!(m1["verdict"]["verdict"], "stable", "{m1}");
    // Nothing names another firm.
    let text = m1.to_string();
    for (t, _) in &firms {
        assert!(!text.contains(t.scope.as_str()), "{text}");
    }
    // The Statystyki page says it in words.
    let session = crate::portal::log_in_to(&env, t0.scope.as_str()).await;
    let (code, html) = crate::portal::page(&env, &session, "/stats").await;
    assert_eq!(code, 200, "{html}");
    assert!(html.contains("Porównanie z rynkiem"), "{html}");
    assert!(
        html.contains("Gorzej niż w branżach Twoich dłużników"),
        "{html}"
    );
}
