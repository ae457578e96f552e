//! Benchmark of the process planner (issue 6): not a timed test, a measurement to report.
//!
//! 1. Throughput: the planner over 1M open documents of 100k debtors, single-threaded, first
//!    with no history (every document in catch-up) and then in steady state (the day after, with
//!    the first pass recorded as history). Target: ≥ 100k evaluations/s per core.
//! 2. A simulated year: 100k invoices issued over a year to 20k debtors, paid with a seeded
//!    delay distribution, driven hour by hour by the in-memory runner in event-driven mode
//!    (each debtor is planned only when its next wake-up comes or its data changes). Target:
//!    ≤ 60 s.
//!
//! Prints a table and writes `bench-out/planner.json`.
//! Run: `cargo run --release -p inkaso-bench --bin inkaso-planner-bench [-- --quick]`.

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use inkaso_bench::Rng;
use inkaso_cloud::process::calendar;
use inkaso_cloud::process::{
    ActionStatus, AmountScope, Channel, DebtorCase, DebtorInput, DebtorState, DemandTitle,
    DocumentState, Grouping, MinAmount, Outcome, PdfDemand, PlanContext, Process, Repeat,
    SendWindow, Simulation, Stage, TenantPolicy, plan_debtor,
};
use inkaso_shared::{Currency, DebtorKind, Document, ExternalId, Money};

fn stage(code: &str, channel: Channel, offset: i32) -> Stage {
    Stage {
        code: code.into(),
        name: code.into(),
        channel,
        offset_days: offset,
        template: format!("tpl-{code}"),
        pdf: None,
        min_amount: None,
        repeat: None,
        window: SendWindow::default(),
        skip_if_contacted_days: None,
        late_days: None,
        grouping: Grouping::PerDebtor,
        max_parts: None,
    }
}

/// The issue's process: −3 SMS; 0 e-mail; +7 e-mail with a PDF demand; +14 SMS every 7 days up
/// to 3 times; +30 registered letter (minimum 500 zł); +45 hand-off (minimum 500 zł).
fn process() -> Process {
    let mut e7 = stage("E7", Channel::Email, 7);
    e7.pdf = Some(PdfDemand {
        title: DemandTitle::Demand,
        add_compensation: true,
    });
    let mut s14 = stage("S14", Channel::Sms, 14);
    s14.repeat = Some(Repeat {
        every_days: 7,
        times: 3,
    });
    s14.grouping = Grouping::PerDocument;
    let mut sm3 = stage("S-3", Channel::Sms, -3);
    sm3.grouping = Grouping::PerDocument;
    let min = Some(MinAmount {
        amount: Money::new(50_000, Currency::PLN),
        scope: AmountScope::PerDocument,
    });
    let mut rl = stage("RL30", Channel::RegisteredLetter, 30);
    rl.min_amount = min;
    let mut h = stage("H45", Channel::Handoff, 45);
    h.min_amount = min;
    Process {
        code: "STD".into(),
        name: "Standardowy".into(),
        is_default: true,
        stages: vec![sm3, stage("E0", Channel::Email, 0), e7, s14, rl, h],
        catch_up_days: 30,
    }
}

fn id(s: &str) -> ExternalId {
    // Generated ids are short and printable: always valid.
    ExternalId::new(s).unwrap_or_else(|e| panic!("bench id {s}: {e}"))
}

fn document(debtor: &str, n: u64, due: NaiveDate, amount: i64) -> DocumentState {
    DocumentState::open(Document {
        external_id: id(&format!("FV-{n}")),
        debtor_external_id: id(debtor),
        number: format!("FV {n}/2026"),
        issue_date: due.checked_sub_signed(Duration::days(14)),
        due_date: due,
        amount_minor: amount,
        remaining_minor: amount,
        currency: Currency::PLN,
    })
}

fn debtor(i: u64, rng: &mut Rng) -> DebtorState {
    let kind = if i.is_multiple_of(3) {
        DebtorKind::Person
    } else {
        DebtorKind::Company
    };
    let mut d = DebtorState::new(id(&format!("KH-{i}")), kind);
    // A few percent without SMS consent, one in a thousand bankrupt: the guards run too.
    d.consent.sms = rng.range(0, 100) >= 5;
    if rng.range(0, 1000) == 0 {
        d.legal_status = inkaso_cloud::process::LegalStatus::Bankrupt;
    }
    d
}

struct Throughput {
    documents: usize,
    debtors: usize,
    seconds: f64,
    per_second: f64,
    due: usize,
    skipped: usize,
    held: usize,
    not_yet: usize,
}

fn plan_all(
    cases: &[DebtorCase],
    process: &Process,
    policy: &TenantPolicy,
    now: DateTime<Utc>,
    decisions: &mut Vec<inkaso_cloud::process::Decision>,
) -> Throughput {
    let ctx = PlanContext {
        now,
        policy,
        last_sync: Some(now),
        include_not_yet: true,
    };
    let (mut due, mut skipped, mut held, mut not_yet) = (0, 0, 0, 0);
    let mut documents = 0;
    let start = Instant::now();
    for case in cases {
        decisions.clear();
        documents += case.documents.len();
        plan_debtor(
            &ctx,
            process,
            &DebtorInput {
                debtor: &case.debtor,
                documents: &case.documents,
                history: &case.history,
            },
            decisions,
        );
        for d in decisions.iter() {
            match d.outcome {
                Outcome::Due => due += 1,
                Outcome::Skipped(_) => skipped += 1,
                Outcome::Held(_) => held += 1,
                Outcome::NotYet => not_yet += 1,
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)] // a rate for a report
    let per_second = documents as f64 / seconds;
    Throughput {
        documents,
        debtors: cases.len(),
        seconds,
        per_second,
        due,
        skipped,
        held,
        not_yet,
    }
}

fn throughput(debtors: u64, docs_per_debtor: u64) -> (Throughput, Throughput) {
    let mut rng = Rng(0x1A2B_3C4D);
    let today = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap_or(NaiveDate::MIN);
    let now = calendar::local_instant(today, 10);
    let mut n = 0;
    let mut cases: Vec<DebtorCase> = (0..debtors)
        .map(|i| {
            let d = debtor(i, &mut rng);
            let documents = (0..docs_per_debtor)
                .map(|_| {
                    n += 1;
                    let due = today + Duration::days(rng.range(-60, 30));
                    document(d.external_id.as_str(), n, due, rng.range(5_000, 500_000))
                })
                .collect();
            DebtorCase {
                debtor: d,
                documents,
                history: Vec::new(),
            }
        })
        .collect();
    let process = process();
    let policy = TenantPolicy::default();
    let mut decisions = Vec::new();
    let cold = plan_all(&cases, &process, &policy, now, &mut decisions);
    // Record the cold pass as history, as the runner would, then plan the next working day.
    let ctx = PlanContext {
        now,
        policy: &policy,
        last_sync: Some(now),
        include_not_yet: false,
    };
    for case in &mut cases {
        decisions.clear();
        plan_debtor(
            &ctx,
            &process,
            &DebtorInput {
                debtor: &case.debtor,
                documents: &case.documents,
                history: &case.history,
            },
            &mut decisions,
        );
        for d in decisions.drain(..) {
            if let Some(status) = d.recorded_status() {
                case.history.push(d.to_history(status, now));
            }
        }
    }
    let steady = plan_all(
        &cases,
        &process,
        &policy,
        now + Duration::days(1),
        &mut decisions,
    );
    (cold, steady)
}

struct Year {
    invoices: u64,
    debtors: u64,
    seconds: f64,
    ticks: u64,
    evaluations: usize,
    sent: usize,
    skipped: usize,
    by_channel: Vec<(Channel, usize)>,
    paid: u64,
    after_payment: usize,
}

/// One change the agent brings: a new invoice or a payment, at an hour of the year.
struct Event {
    at: i64,
    debtor: usize,
    doc: Option<DocumentState>,
    pay: Option<ExternalId>,
}

const YEAR_HOURS: i64 = 365 * 24;

/// Each invoice: issued at a random hour of the year, due 14 days later, paid (or not) with a
/// delay drawn from a skewed distribution: 40 % early, 30 % up to 20 days late, 20 % up to 60
/// days late, 10 % never.
fn year_events(rng: &mut Rng, start: DateTime<Utc>, invoices: u64, debtors: u64) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    for n in 0..invoices {
        let issued_hour = rng.range(0, YEAR_HOURS - 24 * 20);
        let debtor = usize::try_from(rng.next_u64() % debtors).unwrap_or(0);
        let issued = start + Duration::hours(issued_hour);
        let due = calendar::local_date(issued) + Duration::days(14);
        let amount = rng.range(10_000, 1_000_000);
        let doc = document(&format!("KH-{debtor}"), n, due, amount);
        let doc_id = doc.document.external_id.clone();
        events.push(Event {
            at: issued_hour,
            debtor,
            doc: Some(doc),
            pay: None,
        });
        let delay_days = match rng.range(0, 100) {
            0..40 => Some(rng.range(-13, 1)),
            40..70 => Some(rng.range(1, 21)),
            70..90 => Some(rng.range(21, 61)),
            _ => None,
        };
        if let Some(days) = delay_days {
            let at = issued_hour + (14 + days) * 24 + rng.range(0, 24);
            if at < YEAR_HOURS {
                events.push(Event {
                    at,
                    debtor,
                    doc: None,
                    pay: Some(doc_id),
                });
            }
        }
    }
    events.sort_by_key(|e| e.at);
    events
}

fn simulated_year(invoices: u64, debtors: u64) -> Year {
    let mut rng = Rng(0x5EED_2026);
    let start_day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(NaiveDate::MIN);
    let start = calendar::start_of_day(start_day);
    let hours = YEAR_HOURS;
    let mut events = year_events(&mut rng, start, invoices, debtors);
    let debtors_n = usize::try_from(debtors).unwrap_or(1);
    let cases: Vec<DebtorCase> = (0..debtors)
        .map(|i| DebtorCase {
            debtor: debtor(i, &mut rng),
            documents: Vec::new(),
            history: Vec::new(),
        })
        .collect();
    let mut sim = Simulation::new(TenantPolicy::default(), vec![process()], vec![], cases);
    let mut paid_at: Vec<Vec<(ExternalId, DateTime<Utc>)>> = vec![Vec::new(); debtors_n];
    let mut paid = 0;
    let mut year = Year {
        invoices,
        debtors,
        seconds: 0.0,
        ticks: 0,
        evaluations: 0,
        sent: 0,
        skipped: 0,
        by_channel: Channel::ALL.iter().map(|c| (*c, 0)).collect(),
        paid: 0,
        after_payment: 0,
    };
    let clock = Instant::now();
    let mut next_event = 0;
    for hour in 0..hours {
        let now = start + Duration::hours(hour);
        // The agent syncs every hour: new invoices and payments reach the engine.
        while let Some(e) = events.get_mut(next_event).filter(|e| e.at <= hour) {
            let case = &mut sim.cases[e.debtor];
            if let Some(doc) = e.doc.take() {
                case.documents.push(doc);
            }
            if let Some(pay) = &e.pay
                && let Some(d) = case
                    .documents
                    .iter_mut()
                    .find(|d| d.document.external_id == *pay)
            {
                d.open = false;
                paid += 1;
                paid_at[e.debtor].push((pay.clone(), now));
            }
            let i = e.debtor;
            next_event += 1;
            sim.touch(i);
        }
        sim.last_sync = Some(now);
        // Closed documents stay in the store; the runner only loads open ones for planning.
        let report = sim.tick(now, true);
        year.ticks += 1;
        year.evaluations += report.evaluated;
        year.sent += report.performed.len();
        year.skipped += report.skipped.len();
        for p in &report.performed {
            if let Some(slot) = year.by_channel.iter_mut().find(|(c, _)| *c == p.channel) {
                slot.1 += 1;
            }
        }
    }
    year.seconds = clock.elapsed().as_secs_f64();
    year.paid = paid;
    // Verify afterwards: no action was sent for a document after it was paid.
    for (i, case) in sim.cases.iter().enumerate() {
        for h in case
            .history
            .iter()
            .filter(|h| h.status == ActionStatus::Sent)
        {
            for c in &h.documents {
                if paid_at[i]
                    .iter()
                    .any(|(id, at)| *id == c.document && *at <= h.at)
                {
                    year.after_payment += 1;
                }
            }
        }
    }
    year
}

fn json_throughput(t: &Throughput) -> String {
    format!(
        "{{\"documents\": {}, \"debtors\": {}, \"seconds\": {:.3}, \"evaluations_per_second\": {:.0}, \"due\": {}, \"skipped\": {}, \"held\": {}, \"not_yet\": {}}}",
        t.documents, t.debtors, t.seconds, t.per_second, t.due, t.skipped, t.held, t.not_yet
    )
}

fn main() -> std::io::Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let (debtors, docs) = if quick { (10_000, 10) } else { (100_000, 10) };
    let (year_invoices, year_debtors) = if quick {
        (10_000, 2_000)
    } else {
        (100_000, 20_000)
    };

    println!(
        "Planner throughput: {} documents of {debtors} debtors, one thread",
        debtors * docs
    );
    let (cold, steady) = throughput(debtors, docs);
    println!(
        "{:<34} {:>10} {:>9} {:>14} {:>9} {:>9} {:>7} {:>9}",
        "pass", "documents", "seconds", "evaluations/s", "due", "skipped", "held", "not yet"
    );
    for (name, t) in [
        ("cold (no history, catch-up)", &cold),
        ("steady (next day, with history)", &steady),
    ] {
        println!(
            "{:<34} {:>10} {:>9.3} {:>14.0} {:>9} {:>9} {:>7} {:>9}",
            name, t.documents, t.seconds, t.per_second, t.due, t.skipped, t.held, t.not_yet
        );
    }
    println!("target: >= 100000 evaluations/s per core");
    println!();
    println!(
        "Simulated year: {year_invoices} invoices, {year_debtors} debtors, hourly ticks, event-driven"
    );
    let year = simulated_year(year_invoices, year_debtors);
    let mut channels = String::new();
    for (c, n) in &year.by_channel {
        let _ = write!(channels, "{}={} ", c.code(), n);
    }
    println!(
        "{:<34} {:>9.3} s (target <= 60 s)",
        "wall time", year.seconds
    );
    println!("{:<34} {:>9}", "ticks", year.ticks);
    println!("{:<34} {:>9}", "document evaluations", year.evaluations);
    println!("{:<34} {:>9}", "actions sent", year.sent);
    println!("{:<34} {:>9}", "occurrences skipped", year.skipped);
    println!("{:<34} {:>9}", "invoices paid", year.paid);
    println!("{:<34} {:>9}", "actions after payment", year.after_payment);
    println!("{:<34} {}", "sent by channel", channels.trim_end());

    let json = format!(
        "{{\n  \"quick\": {quick},\n  \"throughput\": {{\n    \"cold\": {},\n    \"steady\": {}\n  }},\n  \"simulated_year\": {{\"invoices\": {}, \"debtors\": {}, \"seconds\": {:.3}, \"ticks\": {}, \"evaluations\": {}, \"sent\": {}, \"skipped\": {}, \"paid\": {}, \"actions_after_payment\": {}, \"by_channel\": {{{}}}}}\n}}\n",
        json_throughput(&cold),
        json_throughput(&steady),
        year.invoices,
        year.debtors,
        year.seconds,
        year.ticks,
        year.evaluations,
        year.sent,
        year.skipped,
        year.paid,
        year.after_payment,
        year.by_channel
            .iter()
            .map(|(c, n)| format!("\"{}\": {n}", c.code()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::create_dir_all("bench-out")?;
    std::fs::write("bench-out/planner.json", json)?;
    println!();
    println!("written: bench-out/planner.json");
    Ok(())
}
