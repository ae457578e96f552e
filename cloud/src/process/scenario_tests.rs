//! End-to-end scenarios of the planner on a simulated clock: the issue's 120-day process over
//! debtors who pay early, pay partly, promise to pay, have no consent, are excluded midway or are
//! bankrupt; holidays (Easter, 1–3 May, 24 December); the sync-freshness hold; catch-up after a
//! 20-day outage; and property tests of the invariants (unique keys, nothing for closed documents,
//! every action inside its window).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use inkaso_shared::{Currency, DebtorKind, Document, ExternalId, Lang, Localized, Money};
use proptest::prelude::*;

use super::calendar::{self, SendWindow, Weekdays};
use super::forecast::{DebtorCase, Simulation, forecast, out_of_collection};
use super::model::tests::{stage, standard_process};
use super::model::{AmountScope, Channel, Grouping, MinAmount, Process, Repeat};
use super::planner::{
    DebtorInput, Decision, HoldReason, OnDemand, OnDemandError, Outcome, PlanContext, Recheck,
    SkipReason, plan_debtor, plan_on_demand, recheck, suggest_process,
};
use super::state::{
    ActionStatus, DebtorState, DocumentState, LegalStatus, Pause, PauseKind, TenantPolicy,
};
use crate::domain::ids::{AgentId, TenantId};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(s: &str) -> ExternalId {
    ExternalId::new(s).unwrap()
}

/// 9:00 Warsaw on a date, as an instant.
fn nine(date: NaiveDate) -> DateTime<Utc> {
    calendar::local_instant(date, 9)
}

fn pln(zl: i64) -> Money {
    Money::new(zl * 100, Currency::PLN)
}

fn doc(debtor: &str, number: &str, due: NaiveDate, amount_zl: i64) -> DocumentState {
    DocumentState::open(
        Document {
            external_id: id(number),
            debtor_external_id: id(debtor),
            number: format!("FS {number}"),
            issue_date: None,
            due_date: due,
            amount_minor: amount_zl * 100,
            remaining_minor: amount_zl * 100,
            currency: Currency::PLN,
        }
        .validated()
        .unwrap(),
    )
}

fn case(debtor: &str, docs: Vec<DocumentState>) -> DebtorCase {
    DebtorCase {
        debtor: DebtorState::new(id(debtor), DebtorKind::Company),
        documents: docs,
        history: Vec::new(),
    }
}

/// The issue's process, with SMS one per document (Optima's behaviour) and a 500 zł minimum on
/// the costly stages (registered letter, hand-off).
fn scenario_process() -> Process {
    let mut p = standard_process();
    for s in &mut p.stages {
        if s.channel == Channel::Sms {
            s.grouping = Grouping::PerDocument;
        }
        if matches!(s.channel, Channel::RegisteredLetter | Channel::Handoff) {
            s.min_amount = Some(MinAmount {
                amount: pln(500),
                scope: AmountScope::PerDocument,
            });
        }
    }
    p.validate().unwrap();
    p
}

/// One recorded action of the simulation, flattened for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Act {
    at: DateTime<Utc>,
    debtor: String,
    stage: String,
    channel: Channel,
    docs: Vec<String>,
}

/// Drives a [`Simulation`] hour by hour; `events` runs before each tick and may change the data
/// (payments, promises, exclusions) and return whether the agent synced.
struct Driver {
    sim: Simulation,
    sent: Vec<Act>,
    skipped: Vec<Decision>,
    held: Vec<(DateTime<Utc>, Decision)>,
}

impl Driver {
    fn new(process: Process, cases: Vec<DebtorCase>) -> Self {
        Driver {
            sim: Simulation::new(TenantPolicy::default(), vec![process], vec![], cases),
            sent: Vec::new(),
            skipped: Vec::new(),
            held: Vec::new(),
        }
    }

    fn case_mut(&mut self, debtor: &str) -> &mut DebtorCase {
        self.sim
            .cases
            .iter_mut()
            .find(|c| c.debtor.external_id.as_str() == debtor)
            .unwrap()
    }

    /// Runs hourly ticks over `[from, to)`; before each, `events(self, now)` may change data
    /// and returns whether the agent synced (true keeps the data fresh) and whether the runner
    /// is up.
    fn run(
        &mut self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        mut events: impl FnMut(&mut Driver, DateTime<Utc>) -> (bool, bool),
    ) {
        let mut now = from;
        while now < to {
            let (synced, runner_up) = events(self, now);
            if synced {
                self.sim.last_sync = Some(now);
            }
            if runner_up {
                let report = self.sim.tick(now, false);
                for p in report.performed {
                    self.sent.push(Act {
                        at: now,
                        debtor: p.debtor.to_string(),
                        stage: p.stage.clone(),
                        channel: p.channel,
                        docs: p.documents.iter().map(|c| c.document.to_string()).collect(),
                    });
                }
                self.skipped.extend(report.skipped);
                self.held.extend(report.held.into_iter().map(|h| (now, h)));
            }
            now += Duration::hours(1);
        }
    }

    fn sent_to(&self, debtor: &str) -> Vec<(DateTime<Utc>, String, Channel)> {
        self.sent
            .iter()
            .filter(|a| a.debtor == debtor)
            .map(|a| (a.at, a.stage.clone(), a.channel))
            .collect()
    }

    fn skipped_for(&self, debtor: &str) -> Vec<(String, SkipReason)> {
        self.skipped
            .iter()
            .filter(|s| s.debtor.as_str() == debtor)
            .map(|s| match &s.outcome {
                Outcome::Skipped(r) => (s.stage.clone(), r.clone()),
                other => panic!("not a skip: {other:?}"),
            })
            .collect()
    }
}

fn expect(rows: &[(NaiveDate, &str, Channel)]) -> Vec<(DateTime<Utc>, String, Channel)> {
    rows.iter()
        .map(|(date, stage, ch)| (nine(*date), (*stage).to_owned(), *ch))
        .collect()
}

fn pay(doc: &mut DocumentState, zl: i64) {
    doc.document.remaining_minor -= zl * 100;
    if doc.document.remaining_minor <= 0 {
        doc.document.remaining_minor = doc.document.amount_minor;
        doc.open = false;
    }
}

/// The 120-day scenario around Easter and 1–3 May 2026 (Easter Sunday 5 April).
#[test]
#[allow(clippy::too_many_lines)] // one scenario over nine debtors, asserted debtor by debtor
fn the_120_day_scenario() {
    use Channel::{Email, Handoff, RegisteredLetter, Sms};
    let due_easter = d(2026, 3, 30); // Monday; +7 is Easter Monday
    let due = d(2026, 4, 1); // Wednesday; +30 is 1 May
    let mut no_consent = case("NO_CONSENT", vec![doc("NO_CONSENT", "NC-1", due, 1000)]);
    no_consent.debtor.consent.sms = false;
    let mut bankrupt = case("BANKRUPT", vec![doc("BANKRUPT", "B-1", due, 1000)]);
    bankrupt.debtor.legal_status = LegalStatus::Bankrupt;
    let cases = vec![
        case("EASTER", vec![doc("EASTER", "E-1", due_easter, 1000)]),
        case("NEVER", vec![doc("NEVER", "N-1", due, 1000)]),
        case("EARLY", vec![doc("EARLY", "EA-1", due, 1000)]),
        case("PARTLY", vec![doc("PARTLY", "P-1", due, 1000)]),
        case("PROMISE", vec![doc("PROMISE", "PR-1", due, 1000)]),
        no_consent,
        case("EXCLUDED", vec![doc("EXCLUDED", "X-1", due, 1000)]),
        bankrupt,
        case(
            "GROUPED",
            vec![
                doc("GROUPED", "G-1", due, 700),
                doc("GROUPED", "G-2", due, 800),
                doc("GROUPED", "G-3", d(2026, 4, 3), 900),
            ],
        ),
    ];
    let mut drv = Driver::new(scenario_process(), cases);
    let start = calendar::start_of_day(d(2026, 3, 20));
    let end = start + Duration::days(120);
    drv.run(start, end, |drv, now| {
        if now == calendar::start_of_day(d(2026, 3, 31)) {
            pay(&mut drv.case_mut("EARLY").documents[0], 1000);
        }
        if now == calendar::start_of_day(d(2026, 4, 10)) {
            pay(&mut drv.case_mut("PARTLY").documents[0], 900);
            drv.case_mut("EXCLUDED").debtor.excluded = true;
        }
        if now == calendar::start_of_day(d(2026, 4, 9)) {
            drv.case_mut("PROMISE").debtor.pauses.push(Pause {
                kind: PauseKind::PromiseToPay,
                until: Some(d(2026, 4, 24)),
                reason: "zapłaci po otrzymaniu dotacji".into(),
                document: None,
            });
        }
        (true, true)
    });

    // Easter: −3 on Friday 27 March (CET), 0 on Monday 30 March (CEST), +7 falls on Easter
    // Monday and moves to Tuesday 7 April.
    assert_eq!(
        drv.sent_to("EASTER"),
        expect(&[
            (d(2026, 3, 27), "S-3", Sms),
            (d(2026, 3, 30), "E0", Email),
            (d(2026, 4, 7), "E7", Email),
            (d(2026, 4, 13), "S14", Sms),
            (d(2026, 4, 20), "S14", Sms),
            (d(2026, 4, 27), "S14", Sms),
            (d(2026, 4, 29), "RL30", RegisteredLetter),
            (d(2026, 5, 14), "H45", Handoff),
        ])
    );
    assert_eq!(
        nine(d(2026, 3, 27)).to_rfc3339(),
        "2026-03-27T08:00:00+00:00"
    );
    assert_eq!(
        nine(d(2026, 3, 30)).to_rfc3339(),
        "2026-03-30T07:00:00+00:00"
    );

    // Never pays: −3 falls on Sunday 29 March -> Monday 30; +30 on 1 May (Friday, holiday),
    // 2 May Saturday, 3 May Sunday and holiday -> Monday 4 May; +45 on Saturday 16 May -> 18.
    let never = expect(&[
        (d(2026, 3, 30), "S-3", Sms),
        (d(2026, 4, 1), "E0", Email),
        (d(2026, 4, 8), "E7", Email),
        (d(2026, 4, 15), "S14", Sms),
        (d(2026, 4, 22), "S14", Sms),
        (d(2026, 4, 29), "S14", Sms),
        (d(2026, 5, 4), "RL30", RegisteredLetter),
        (d(2026, 5, 18), "H45", Handoff),
    ]);
    assert_eq!(drv.sent_to("NEVER"), never);

    // Pays early (31 March, after the −3 SMS): nothing after the payment.
    assert_eq!(drv.sent_to("EARLY"), never[..1].to_vec());

    // Pays 900 of 1000 on 10 April: reminders continue for the rest, the costly stages are
    // skipped below their 500 zł minimum.
    assert_eq!(drv.sent_to("PARTLY"), never[..6].to_vec());
    let partly = drv.skipped_for("PARTLY");
    assert_eq!(partly.len(), 2, "{partly:?}");
    for (stage, reason) in &partly {
        assert!(["RL30", "H45"].contains(&stage.as_str()));
        assert_eq!(
            *reason,
            SkipReason::BelowMinimum {
                amount: pln(100),
                minimum: pln(500)
            }
        );
    }

    // Promise to pay on 9 April until Friday 24 April: the SMS of 15 and 22 April are held; on
    // Monday 27 April (not Saturday 25th, the window is working days) the latest one goes and
    // the older one is skipped as superseded.
    assert_eq!(
        drv.sent_to("PROMISE"),
        expect(&[
            (d(2026, 3, 30), "S-3", Sms),
            (d(2026, 4, 1), "E0", Email),
            (d(2026, 4, 8), "E7", Email),
            (d(2026, 4, 27), "S14", Sms),
            (d(2026, 4, 29), "S14", Sms),
            (d(2026, 5, 4), "RL30", RegisteredLetter),
            (d(2026, 5, 18), "H45", Handoff),
        ])
    );
    assert_eq!(
        drv.skipped_for("PROMISE"),
        vec![(
            "S14".to_string(),
            SkipReason::Superseded {
                by_stage: "S14".into(),
                by_occurrence: 1
            }
        )]
    );
    let promise_held: Vec<_> = drv
        .held
        .iter()
        .filter(|(_, h)| h.debtor.as_str() == "PROMISE")
        .collect();
    assert!(!promise_held.is_empty());
    let (at, first) = promise_held[0];
    assert_eq!(*at, nine(d(2026, 4, 15)));
    let text = match &first.outcome {
        Outcome::Held(h) => h.message(Lang::Pl),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        text,
        "wstrzymano (obietnica zapłaty) do 24.04.2026: zapłaci po otrzymaniu dotacji"
    );

    // No SMS consent: every SMS is skipped with the reason, the rest goes.
    assert_eq!(
        drv.sent_to("NO_CONSENT"),
        never
            .iter()
            .filter(|(_, _, ch)| *ch != Sms)
            .cloned()
            .collect::<Vec<_>>()
    );
    let nc = drv.skipped_for("NO_CONSENT");
    assert_eq!(nc.len(), 4);
    assert!(
        nc.iter()
            .all(|(_, r)| *r == SkipReason::NoConsent { channel: Sms })
    );

    // Excluded on 10 April: nothing afterwards, and no history noise either.
    assert_eq!(drv.sent_to("EXCLUDED"), never[..3].to_vec());
    assert!(drv.skipped_for("EXCLUDED").is_empty());
    assert!(drv.held.iter().any(|(_, h)| h.debtor.as_str() == "EXCLUDED"
        && h.outcome == Outcome::Held(HoldReason::DebtorExcluded)));

    // Bankrupt: never contacted.
    assert!(drv.sent_to("BANKRUPT").is_empty());
    assert!(drv.held.iter().any(|(_, h)| h.debtor.as_str() == "BANKRUPT"
        && h.outcome
            == Outcome::Held(HoldReason::LegalStatus {
                status: LegalStatus::Bankrupt
            })));

    // Grouping: e-mails cover both documents due on 1 April in one message, SMS go one per
    // document; the document due on 3 April gets its own e-mail on its own day. The hand-offs of
    // all three fall on Monday 18 May (16 May is a Saturday) and go as one.
    let grouped: Vec<&Act> = drv.sent.iter().filter(|a| a.debtor == "GROUPED").collect();
    let on = |date: NaiveDate, stage: &str| -> Vec<Vec<String>> {
        grouped
            .iter()
            .filter(|a| a.at == nine(date) && a.stage == stage)
            .map(|a| a.docs.clone())
            .collect()
    };
    assert_eq!(on(d(2026, 4, 1), "E0"), vec![vec!["G-1", "G-2"]]);
    assert_eq!(on(d(2026, 4, 3), "E0"), vec![vec!["G-3"]]);
    assert_eq!(on(d(2026, 3, 30), "S-3"), vec![vec!["G-1"], vec!["G-2"]]);
    // −3 for G-3 is Tuesday 31 March.
    assert_eq!(on(d(2026, 3, 31), "S-3"), vec![vec!["G-3"]]);
    assert_eq!(on(d(2026, 5, 18), "H45"), vec![vec!["G-1", "G-2", "G-3"]]);

    // Every performed action lies on a working day, not a holiday, between 9 and 17 Warsaw.
    let w = SendWindow::default();
    for a in &drv.sent {
        assert!(w.contains(a.at), "{a:?}");
        assert!(!calendar::is_holiday(calendar::local_date(a.at)));
    }
    // Nothing after a payment: EARLY's document closed on 31 March.
    assert!(
        drv.sent
            .iter()
            .filter(|a| a.docs.contains(&"EA-1".to_string()))
            .all(|a| a.at < calendar::start_of_day(d(2026, 3, 31)))
    );
    // Keys are unique across the whole history.
    let mut keys: Vec<String> = drv
        .sim
        .cases
        .iter()
        .flat_map(|c| c.history.iter().map(|h| h.key.clone()))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n);
}

/// Around Christmas 2026: 24 December is a holiday from 2025 on, then 25, 26 and Sunday 27.
#[test]
fn christmas_and_new_year() {
    use Channel::{Email, Handoff, RegisteredLetter, Sms};
    let due = d(2026, 12, 17); // Thursday
    let mut drv = Driver::new(
        scenario_process(),
        vec![case("XMAS", vec![doc("XMAS", "XM-1", due, 2000)])],
    );
    let start = calendar::start_of_day(d(2026, 12, 1));
    drv.run(start, start + Duration::days(70), |_, _| (true, true));
    assert_eq!(
        drv.sent_to("XMAS"),
        expect(&[
            (d(2026, 12, 14), "S-3", Sms),
            (d(2026, 12, 17), "E0", Email),
            (d(2026, 12, 28), "E7", Email),
            (d(2026, 12, 31), "S14", Sms),
            (d(2027, 1, 7), "S14", Sms),
            (d(2027, 1, 14), "S14", Sms),
            (d(2027, 1, 18), "RL30", RegisteredLetter),
            (d(2027, 2, 1), "H45", Handoff),
        ])
    );
    // Winter time: 9:00 Warsaw is 08:00 UTC.
    assert_eq!(
        nine(d(2026, 12, 28)).to_rfc3339(),
        "2026-12-28T08:00:00+00:00"
    );
}

/// The agent stops syncing: after 24 h everything is held with a visible reason; when it syncs
/// again the latest due stage goes, once.
#[test]
fn stale_sync_holds_and_releases() {
    let due = d(2026, 4, 1);
    let mut drv = Driver::new(
        scenario_process(),
        vec![case("N", vec![doc("N", "N-1", due, 1000)])],
    );
    let start = calendar::start_of_day(d(2026, 3, 25));
    let stop = calendar::start_of_day(d(2026, 4, 6));
    let resume = calendar::local_instant(d(2026, 4, 10), 12);
    drv.run(start, start + Duration::days(25), |_, now| {
        (now < stop || now >= resume, true)
    });
    // The +7 e-mail (8 April) was held: the last sync was more than 24 h before.
    let held: Vec<_> = drv
        .held
        .iter()
        .filter(|(_, h)| matches!(h.outcome, Outcome::Held(HoldReason::SyncStale { .. })))
        .collect();
    assert!(!held.is_empty());
    assert_eq!(held[0].0, nine(d(2026, 4, 8)));
    assert_eq!(held[0].1.stage, "E7");
    let msg = match &held[0].1.outcome {
        Outcome::Held(h) => h.message(Lang::En),
        _ => unreachable!(),
    };
    assert!(msg.contains("ERP data is stale"), "{msg}");
    assert!(msg.contains("limit 24 h"), "{msg}");
    // Released at the resumed sync (Friday 10 April, 12:00, inside the window).
    assert_eq!(
        drv.sent_to("N"),
        vec![
            (nine(d(2026, 3, 30)), "S-3".into(), Channel::Sms),
            (nine(d(2026, 4, 1)), "E0".into(), Channel::Email),
            (resume, "E7".into(), Channel::Email),
            (nine(d(2026, 4, 15)), "S14".into(), Channel::Sms),
        ]
    );
}

/// The runner is down for 20 days: on restart only the latest due stage per document goes; the
/// missed ones are recorded as skipped, not sent in a burst.
#[test]
fn catch_up_after_a_20_day_outage() {
    let due = d(2026, 4, 1);
    let mut drv = Driver::new(
        scenario_process(),
        vec![
            case("N", vec![doc("N", "N-1", due, 1000)]),
            case("M", vec![doc("M", "M-1", d(2026, 4, 20), 1000)]),
        ],
    );
    let start = calendar::start_of_day(d(2026, 3, 25));
    let down = calendar::start_of_day(d(2026, 4, 10));
    // Restart at 3:00 on Thursday 30 April: outside the window, so the catch-up waits for 9:00.
    let up = calendar::local_instant(d(2026, 4, 30), 3);
    assert_eq!((up - down).num_days(), 20);
    drv.run(start, start + Duration::days(60), |_, now| {
        (true, now < down || now >= up)
    });
    let after: Vec<_> = drv
        .sent_to("N")
        .into_iter()
        .filter(|(at, _, _)| *at >= down)
        .collect();
    assert_eq!(
        after,
        vec![
            (nine(d(2026, 4, 30)), "S14".into(), Channel::Sms),
            (
                nine(d(2026, 5, 4)),
                "RL30".into(),
                Channel::RegisteredLetter
            ),
            (nine(d(2026, 5, 18)), "H45".into(), Channel::Handoff),
        ]
    );
    // The SMS of 15 and 22 April are skipped as superseded by the one of 29 April.
    assert_eq!(
        drv.skipped_for("N"),
        vec![
            (
                "S14".to_string(),
                SkipReason::Superseded {
                    by_stage: "S14".into(),
                    by_occurrence: 2
                }
            ),
            (
                "S14".to_string(),
                SkipReason::Superseded {
                    by_stage: "S14".into(),
                    by_occurrence: 2
                }
            ),
        ]
    );
    // M (due 20 April): −3 (17 April), 0 (20 April) and +7 (27 April) missed; only the +7
    // demand goes on restart; the before-due reminder and the 0-day e-mail (ten days late, past
    // its three days of grace) expired.
    let m: Vec<_> = drv.sent_to("M");
    assert_eq!(m[0], (nine(d(2026, 4, 30)), "E7".into(), Channel::Email));
    assert_eq!(
        drv.skipped_for("M"),
        vec![
            (
                "S-3".to_string(),
                SkipReason::Expired {
                    scheduled: d(2026, 4, 17)
                }
            ),
            (
                "E0".to_string(),
                SkipReason::Expired {
                    scheduled: d(2026, 4, 20)
                }
            ),
        ]
    );
}

/// A case at a law firm is a claim in one currency: a debtor owing in złoty and in euro is
/// handed off as two actions (two cases), while the messages and letters of the same day stay
/// one per debtor with a total per currency.
#[test]
fn handoff_groups_per_currency_messages_do_not() {
    let p = standard_process();
    let debtor = DebtorState::new(id("MIX"), DebtorKind::Company);
    let due = d(2026, 4, 1);
    let mut eur = doc("MIX", "EUR-1", due, 900);
    eur.document.currency = Currency::EUR;
    let mut eur2 = doc("MIX", "EUR-2", due, 400);
    eur2.document.currency = Currency::EUR;
    let docs = vec![
        doc("MIX", "PLN-1", due, 1000),
        eur,
        doc("MIX", "PLN-2", due, 300),
        eur2,
    ];
    let policy = TenantPolicy::default();
    // +45 falls on Saturday 16 May and is slotted on Monday 18 May.
    let now = nine(d(2026, 5, 18));
    let ctx = PlanContext {
        now,
        policy: &policy,
        last_sync: Some(now),
        include_not_yet: false,
    };
    let input = DebtorInput {
        debtor: &debtor,
        documents: &docs,
        history: &[],
    };
    let mut out = Vec::new();
    plan_debtor(&ctx, &p, &input, &mut out);
    let handoffs: Vec<(String, Vec<&str>)> = out
        .iter()
        .filter(|x| x.outcome == Outcome::Due && x.channel == Channel::Handoff)
        .map(|x| {
            (
                x.key.to_string(),
                x.documents.iter().map(|c| c.document.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        handoffs,
        vec![
            (
                "STD/H45/debtor/MIX/PLN-1/0".to_owned(),
                vec!["PLN-1", "PLN-2"]
            ),
            (
                "STD/H45/debtor/MIX/EUR-1/0".to_owned(),
                vec!["EUR-1", "EUR-2"]
            ),
        ],
        "{out:#?}"
    );
    // The runner re-checks each claim against a fresh plan: both are still exactly due.
    for action in out.iter().filter(|x| x.channel == Channel::Handoff) {
        let claim = action.to_history(ActionStatus::Claimed, now);
        assert_eq!(recheck(&claim, &out), Recheck::Send);
    }
    // On the due date the e-mail is one action for all four documents.
    let due_day = nine(due);
    let ctx = PlanContext {
        now: due_day,
        last_sync: Some(due_day),
        ..ctx
    };
    let mut out = Vec::new();
    plan_debtor(&ctx, &p, &input, &mut out);
    let e0: Vec<_> = out
        .iter()
        .filter(|x| x.outcome == Outcome::Due && x.stage == "E0")
        .collect();
    assert_eq!(e0.len(), 1, "{out:#?}");
    assert_eq!(e0[0].documents.len(), 4);
}

/// A document first seen long after its due date is not handed to a law firm on sight: stages
/// older than the catch-up limit expire and the document is listed out of collection.
#[test]
fn old_documents_expire_and_are_out_of_collection() {
    let p = scenario_process();
    let debtor = DebtorState::new(id("OLD"), DebtorKind::Company);
    let docs = vec![doc("OLD", "O-1", d(2026, 1, 5), 1000)];
    let now = nine(d(2026, 4, 14));
    let policy = TenantPolicy::default();
    let ctx = PlanContext {
        now,
        policy: &policy,
        last_sync: Some(now),
        include_not_yet: true,
    };
    let mut out = Vec::new();
    plan_debtor(
        &ctx,
        &p,
        &DebtorInput {
            debtor: &debtor,
            documents: &docs,
            history: &[],
        },
        &mut out,
    );
    assert!(out.iter().all(|d| d.outcome != Outcome::Due), "{out:#?}");
    assert!(out.iter().any(|x| x.stage == "H45"
        && x.outcome
            == Outcome::Skipped(SkipReason::Expired {
                scheduled: d(2026, 2, 19)
            })));
    let input = DebtorInput {
        debtor: &debtor,
        documents: &docs,
        history: &[],
    };
    let ooc = out_of_collection(Some(&p), &input, now);
    assert_eq!(ooc.len(), 1);
    assert_eq!(ooc[0].days_overdue, 99);
    let none = out_of_collection(None, &input, now);
    assert_eq!(none[0].reason, super::forecast::OutReason::NoProcess);
    // A document still within reach is not listed.
    let fresh = vec![doc("OLD", "O-2", d(2026, 4, 1), 1000)];
    let fresh_input = DebtorInput {
        documents: &fresh,
        ..input
    };
    assert!(out_of_collection(Some(&p), &fresh_input, now).is_empty());
    // Due 1 April: the +45 hand-off is scheduled for Saturday 16 May and slotted on Monday 18th.
    // On Sunday 17th the document is 46 days overdue, past the reach, but still covered.
    let sunday = calendar::local_instant(d(2026, 5, 17), 12);
    assert!(out_of_collection(Some(&p), &fresh_input, sunday).is_empty());
    // Once the hand-off is recorded, nothing covers it any more.
    let mut out = Vec::new();
    let monday = nine(d(2026, 5, 18));
    let ctx = PlanContext {
        now: monday,
        policy: &policy,
        last_sync: Some(monday),
        include_not_yet: false,
    };
    plan_debtor(&ctx, &p, &fresh_input, &mut out);
    let history: Vec<_> = out
        .iter()
        .filter_map(|x| x.recorded_status().map(|s| x.to_history(s, monday)))
        .collect();
    assert!(history.iter().any(|h| h.stage == "H45"));
    let done = DebtorInput {
        history: &history,
        ..fresh_input
    };
    let listed = out_of_collection(Some(&p), &done, monday + Duration::hours(1));
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].reason,
        super::forecast::OutReason::PastLastStage {
            process: "STD".into(),
            reach_days: 45
        }
    );
}

/// Skip-if-recently-contacted, per-debtor minimums, missing contact data, disabled channels.
#[test]
fn skip_rules() {
    let mut p = scenario_process();
    // The +7 demand is skipped when the debtor was contacted in the last 3 days and needs a
    // debtor total of 1500 zł.
    let e7 = p.stages.iter_mut().find(|s| s.code == "E7").unwrap();
    e7.skip_if_contacted_days = Some(3);
    e7.min_amount = Some(MinAmount {
        amount: pln(1500),
        scope: AmountScope::PerDebtor,
    });
    let due = d(2026, 4, 1);
    let mut called = case("CALLED", vec![doc("CALLED", "C-1", due, 2000)]);
    called.debtor.last_contact_at = Some(calendar::local_instant(d(2026, 4, 6), 15));
    let small = case(
        "SMALL",
        vec![doc("SMALL", "S-1", due, 600), doc("SMALL", "S-2", due, 700)],
    );
    let big = case(
        "BIG",
        vec![doc("BIG", "B-1", due, 600), doc("BIG", "B-2", due, 1000)],
    );
    let mut no_phone = case("NOPHONE", vec![doc("NOPHONE", "NP-1", due, 2000)]);
    no_phone.debtor.reachable.mobile = false;
    let mut drv = Driver::new(p, vec![called, small, big, no_phone]);
    drv.sim.policy.channels.disabled = vec![Channel::RegisteredLetter];
    let start = calendar::start_of_day(d(2026, 3, 25));
    drv.run(start, start + Duration::days(60), |_, _| (true, true));
    let e7_of = |debtor: &str| {
        drv.sent_to(debtor)
            .into_iter()
            .filter(|(_, s, _)| s == "E7")
            .count()
    };
    assert_eq!(e7_of("CALLED"), 0);
    assert!(matches!(
        drv.skipped_for("CALLED").iter().find(|(s, _)| s == "E7"),
        Some((_, SkipReason::RecentlyContacted { within_days: 3, .. }))
    ));
    assert_eq!(e7_of("SMALL"), 0);
    assert_eq!(
        drv.skipped_for("SMALL")
            .iter()
            .filter(|(s, r)| s == "E7"
                && *r
                    == SkipReason::BelowMinimum {
                        amount: pln(1300),
                        minimum: pln(1500)
                    })
            .count(),
        2
    );
    assert_eq!(e7_of("BIG"), 1);
    assert!(
        drv.skipped_for("NOPHONE")
            .iter()
            .filter(|(s, _)| s.starts_with('S'))
            .all(|(_, r)| *r
                == SkipReason::NoContact {
                    channel: Channel::Sms
                })
    );
    assert!(drv.skipped_for("BIG").iter().any(|(s, r)| s == "RL30"
        && *r
            == SkipReason::ChannelDisabled {
                channel: Channel::RegisteredLetter
            }));
    let en = SkipReason::NoContact {
        channel: Channel::Sms,
    }
    .message(Lang::En);
    assert_eq!(en, "skipped: no contact data for SMS");
}

/// The forecast (event-driven, assuming no payments) agrees with the hour-by-hour simulation.
#[test]
fn forecast_matches_the_simulation() {
    let due = d(2026, 4, 1);
    let c = case(
        "F",
        vec![
            doc("F", "F-1", due, 1000),
            doc("F", "F-2", d(2026, 4, 3), 900),
        ],
    );
    let p = scenario_process();
    let start = calendar::start_of_day(d(2026, 3, 20));
    let fc = forecast(&TenantPolicy::default(), &p, &c, start, 90);
    let mut drv = Driver::new(p, vec![c]);
    drv.run(start, start + Duration::days(90), |_, _| (true, true));
    let from_forecast: Vec<(DateTime<Utc>, String, Vec<String>)> = fc
        .iter()
        .filter(|d| d.outcome == Outcome::Due)
        .map(|d| {
            (
                d.slot,
                d.stage.clone(),
                d.documents.iter().map(|c| c.document.to_string()).collect(),
            )
        })
        .collect();
    let from_sim: Vec<(DateTime<Utc>, String, Vec<String>)> = drv
        .sent
        .iter()
        .map(|a| (a.at, a.stage.clone(), a.docs.clone()))
        .collect();
    assert_eq!(from_forecast, from_sim);
    // F-1: 8 actions. F-2: 7 (its last SMS, 1 May, moves to 4 May where the registered letter
    // of 3 May supersedes it). The letters and hand-offs of both fall on the same days: one each.
    assert_eq!(from_sim.len(), 8 + 7 - 2);
    assert!(fc.iter().any(|d| d.stage == "S14"
        && matches!(d.outcome, Outcome::Skipped(SkipReason::Superseded { .. }))));
}

/// Re-planning at send time with the claimed entry excluded gives the same key; with the
/// document paid meanwhile it gives nothing.
#[test]
fn send_time_recheck() {
    let p = scenario_process();
    let debtor = DebtorState::new(id("R"), DebtorKind::Company);
    let mut docs = vec![doc("R", "R-1", d(2026, 4, 1), 1000)];
    let now = nine(d(2026, 4, 8));
    let policy = TenantPolicy::default();
    let ctx = PlanContext {
        now,
        policy: &policy,
        last_sync: Some(now),
        include_not_yet: false,
    };
    let plan = |docs: &[DocumentState]| {
        let mut out = Vec::new();
        plan_debtor(
            &ctx,
            &p,
            &DebtorInput {
                debtor: &debtor,
                documents: docs,
                history: &[],
            },
            &mut out,
        );
        out
    };
    let first = plan(&docs);
    let due: Vec<_> = first.iter().filter(|d| d.outcome == Outcome::Due).collect();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].key_string(), "STD/E7/debtor/R/R-1/0");
    let again = plan(&docs);
    assert_eq!(first, again, "the planner is deterministic");
    docs[0].open = false;
    assert!(plan(&docs).is_empty());
    // Recording it consumes the occurrence.
    docs[0].open = true;
    let history: Vec<_> = first
        .iter()
        .filter_map(|d| d.recorded_status().map(|s| d.to_history(s, now)))
        .collect();
    let mut out = Vec::new();
    plan_debtor(
        &ctx,
        &p,
        &DebtorInput {
            debtor: &debtor,
            documents: &docs,
            history: &history,
        },
        &mut out,
    );
    assert!(out.iter().all(|d| d.outcome != Outcome::Due));
    let _ = ActionStatus::Sent;
}

/// Rendered keys split unambiguously even when ERP ids contain `/` or `%`.
#[test]
fn keys_escape_separators() {
    use super::planner::{ActionKey, KeyScope};
    let mut key = ActionKey {
        process: "STD".into(),
        stage: "E0".into(),
        scope: KeyScope::Debtor(id("KH%1")),
        document: id("FV/12/2026"),
        occurrence: 0,
        request: None,
    };
    assert_eq!(key.to_string(), "STD/E0/debtor/KH%251/FV%2F12%2F2026/0");
    key.scope = KeyScope::Document;
    key.occurrence = 2;
    key.request = Some("R/1".into());
    assert_eq!(key.to_string(), "manual/R%2F1/STD/E0/doc/FV%2F12%2F2026/2");
    let json = serde_json::to_string(&key).unwrap();
    assert_eq!(serde_json::from_str::<ActionKey>(&json).unwrap(), key);
}

/// The runner's re-check of a claimed grouped action: send only the identical action; hold while
/// held; re-plan when its documents changed or it is superseded.
#[test]
fn recheck_of_a_claimed_grouped_action() {
    let p = scenario_process();
    let debtor = DebtorState::new(id("RC"), DebtorKind::Company);
    let docs = vec![
        doc("RC", "RC-1", d(2026, 4, 1), 1000),
        doc("RC", "RC-2", d(2026, 4, 1), 900),
    ];
    let policy = TenantPolicy::default();
    let plan_at = |docs: &[DocumentState], now: DateTime<Utc>, last_sync: DateTime<Utc>| {
        let ctx = PlanContext {
            now,
            policy: &policy,
            last_sync: Some(last_sync),
            include_not_yet: false,
        };
        let mut out = Vec::new();
        plan_debtor(
            &ctx,
            &p,
            &DebtorInput {
                debtor: &debtor,
                documents: docs,
                history: &[],
            },
            &mut out,
        );
        out
    };
    let now = nine(d(2026, 4, 1));
    let planned = plan_at(&docs, now, now);
    let e0 = planned.iter().find(|x| x.stage == "E0").unwrap();
    assert_eq!(e0.documents.len(), 2);
    let claim = e0.to_history(ActionStatus::Claimed, now);
    let later = now + Duration::minutes(1);
    // Nothing changed: send.
    assert_eq!(
        recheck(&claim, &plan_at(&docs, later, later)),
        Recheck::Send
    );
    // The agent's last sync is 25 hours old: hold.
    let quiet = later - Duration::hours(25);
    assert_eq!(
        recheck(&claim, &plan_at(&docs, later, quiet)),
        Recheck::Hold(HoldReason::SyncStale {
            last_sync: Some(quiet),
            max_age_hours: 24
        })
    );
    // RC-2 was paid meanwhile: the action is no longer the claimed one; re-plan.
    let mut paid = docs.clone();
    paid[1].open = false;
    assert_eq!(
        recheck(&claim, &plan_at(&paid, later, later)),
        Recheck::Replan(None)
    );
    // Both paid: nothing to send.
    paid[0].open = false;
    assert_eq!(
        recheck(&claim, &plan_at(&paid, later, later)),
        Recheck::Replan(None)
    );
    // Claimed but left until the +7 demand was due: the due-date e-mail has expired (a week
    // late it would say "today is the due date"; issue 13), and E7 takes over.
    let week = nine(d(2026, 4, 8));
    assert_eq!(
        recheck(&claim, &plan_at(&docs, week, week)),
        Recheck::Replan(Some(SkipReason::Expired {
            scheduled: d(2026, 4, 1)
        }))
    );
}

/// On demand (R-P5): chosen stages for chosen documents now, guards kept, demands only for
/// overdue documents, keys in their own namespace, the automatic schedule untouched.
#[test]
#[allow(clippy::too_many_lines)] // one request followed through record, replay and schedule
fn on_demand_runs_chosen_stages_now() {
    let p = scenario_process();
    let mut debtor = DebtorState::new(id("OD"), DebtorKind::Company);
    let docs = vec![
        doc("OD", "OD-1", d(2026, 4, 1), 1000),
        doc("OD", "OD-2", d(2026, 4, 20), 800),
        doc("OD", "OD-3", d(2026, 4, 1), 900),
    ];
    let now = calendar::local_instant(d(2026, 4, 14), 11);
    let policy = TenantPolicy::default();
    let ctx = PlanContext {
        now,
        policy: &policy,
        last_sync: Some(now),
        include_not_yet: false,
    };
    let request = OnDemand {
        request: "REQ-1".into(),
        stages: vec!["E7".into(), "RL30".into()],
        documents: vec![id("OD-1"), id("OD-2")],
    };
    let run = |debtor: &DebtorState, history: &[super::state::HistoryEntry], at| {
        let ctx = PlanContext { now: at, ..ctx };
        let mut out = Vec::new();
        plan_on_demand(
            &ctx,
            &p,
            &request,
            &DebtorInput {
                debtor,
                documents: &docs,
                history,
            },
            &mut out,
        )
        .unwrap();
        out
    };
    let out = run(&debtor, &[], now);
    let summary: Vec<(String, Vec<String>, &Outcome)> = out
        .iter()
        .map(|x| {
            (
                x.key_string(),
                x.documents.iter().map(|c| c.document.to_string()).collect(),
                &x.outcome,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "manual/REQ-1/STD/E7/debtor/OD/OD-1/0".to_string(),
                vec!["OD-1".to_string(), "OD-2".to_string()],
                &Outcome::Due
            ),
            (
                "manual/REQ-1/STD/RL30/debtor/OD/OD-1/0".to_string(),
                vec!["OD-1".to_string()],
                &Outcome::Due
            ),
            (
                "manual/REQ-1/STD/RL30/doc/OD-2/0".to_string(),
                vec!["OD-2".to_string()],
                &Outcome::Skipped(SkipReason::NotOverdue {
                    due_date: d(2026, 4, 20)
                })
            ),
        ]
    );
    // Recorded, the same request plans nothing again; the history entries are manual.
    let history: Vec<_> = out
        .iter()
        .filter_map(|x| x.recorded_status().map(|s| x.to_history(s, now)))
        .collect();
    assert!(history.iter().all(|h| h.manual));
    assert!(run(&debtor, &history, now).is_empty());
    // A claimed manual action re-checks against its own request, rebuilt from the entry.
    let claim = &history[0];
    let rebuilt = super::planner::on_demand_of(claim).unwrap();
    assert_eq!(
        (rebuilt.request.as_str(), rebuilt.stages.clone()),
        ("REQ-1", vec!["E7".to_string()])
    );
    let mut fresh = Vec::new();
    plan_on_demand(
        &ctx,
        &p,
        &rebuilt,
        &DebtorInput {
            debtor: &debtor,
            documents: &docs,
            history: &history[1..],
        },
        &mut fresh,
    )
    .unwrap();
    assert_eq!(recheck(claim, &fresh), Recheck::Send);
    // The automatic schedule is untouched: OD-3's and OD-1's +14 SMS are still due the next day.
    let mut auto = Vec::new();
    let tomorrow = nine(d(2026, 4, 15));
    plan_debtor(
        &PlanContext {
            now: tomorrow,
            last_sync: Some(tomorrow),
            ..ctx
        },
        &p,
        &DebtorInput {
            debtor: &debtor,
            documents: &docs,
            history: &history,
        },
        &mut auto,
    );
    let due_sms: Vec<_> = auto
        .iter()
        .filter(|x| x.outcome == Outcome::Due && x.stage == "S14")
        .map(|x| x.documents[0].document.to_string())
        .collect();
    assert_eq!(due_sms, vec!["OD-1", "OD-3"]);
    // Outside the window the action waits for it; guards are kept.
    let late = run(&debtor, &[], calendar::local_instant(d(2026, 4, 14), 22));
    assert_eq!(late[0].slot, nine(d(2026, 4, 15)));
    debtor.excluded = true;
    assert!(
        run(&debtor, &[], now)
            .iter()
            .all(|x| x.outcome == Outcome::Held(HoldReason::DebtorExcluded))
    );
}

/// On-demand refusals name the problem.
#[test]
fn on_demand_refusals() {
    let p = scenario_process();
    let debtor = DebtorState::new(id("OD"), DebtorKind::Company);
    let docs = vec![doc("OD", "OD-1", d(2026, 4, 1), 1000)];
    let now = nine(d(2026, 4, 14));
    let policy = TenantPolicy::default();
    let ctx = PlanContext {
        now,
        policy: &policy,
        last_sync: Some(now),
        include_not_yet: false,
    };
    let request = OnDemand {
        request: "REQ-2".into(),
        stages: vec!["E7".into()],
        documents: vec![id("OD-1")],
    };
    let bad = OnDemand {
        stages: vec!["X9".into()],
        ..request.clone()
    };
    let err = plan_on_demand(
        &ctx,
        &p,
        &bad,
        &DebtorInput {
            debtor: &debtor,
            documents: &docs,
            history: &[],
        },
        &mut Vec::new(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "proces „STD” nie ma etapu „X9”");
    assert_eq!(err.message(Lang::En), "process \"STD\" has no stage \"X9\"");
    let none = OnDemand {
        stages: vec![],
        ..request.clone()
    };
    assert_eq!(
        plan_on_demand(
            &ctx,
            &p,
            &none,
            &DebtorInput {
                debtor: &debtor,
                documents: &docs,
                history: &[],
            },
            &mut Vec::new(),
        ),
        Err(OnDemandError::NoStages)
    );
}

/// Optima's choice of process for a mixed on-demand selection.
#[test]
fn process_suggested_for_a_mixed_selection() {
    let mut a = scenario_process();
    a.code = "A".into();
    a.is_default = false;
    let mut b = scenario_process();
    b.code = "B".into();
    b.is_default = true;
    let mut c = scenario_process();
    c.code = "C".into();
    c.is_default = false;
    let all = vec![c, b, a];
    let code = |sel: &[&str]| suggest_process(&all, sel).map(|p| p.code.clone());
    assert_eq!(code(&["C", "C"]), Some("C".into()));
    assert_eq!(code(&["C", "B", "A"]), Some("B".into()));
    assert_eq!(code(&["C", "A"]), Some("A".into()));
    assert_eq!(code(&["GONE"]), None);
}

fn arb_process() -> impl Strategy<Value = Process> {
    let arb_stage = (
        0usize..8,
        -10i32..60,
        proptest::option::of((1u16..15, 1u16..5)),
        1u8..127,
        0u8..20,
        any::<bool>(),
        proptest::option::of(1u16..5),
    );
    proptest::collection::vec(arb_stage, 1..6).prop_map(|stages| {
        let mut p = standard_process();
        p.stages = stages
            .into_iter()
            .enumerate()
            .map(|(i, (ch, offset, repeat, days, start, per_doc, skip))| {
                let channel = Channel::ALL[ch];
                let offset = if channel.requires_overdue() {
                    offset.max(1)
                } else {
                    offset
                };
                let mut s = stage(&format!("S{i}"), channel, offset);
                if !matches!(channel, Channel::Handoff | Channel::SalesBlock) {
                    s.repeat = repeat.map(|(every_days, times)| Repeat { every_days, times });
                }
                s.window = SendWindow {
                    weekdays: Weekdays::from_days(
                        &[
                            chrono::Weekday::Mon,
                            chrono::Weekday::Tue,
                            chrono::Weekday::Wed,
                            chrono::Weekday::Thu,
                            chrono::Weekday::Fri,
                            chrono::Weekday::Sat,
                            chrono::Weekday::Sun,
                        ]
                        .into_iter()
                        .enumerate()
                        .filter(|(b, _)| days & (1 << b) != 0)
                        .map(|(_, d)| d)
                        .collect::<Vec<_>>(),
                    ),
                    start_hour: start,
                    end_hour: start + 4,
                    skip_holidays: true,
                };
                s.grouping = if per_doc {
                    Grouping::PerDocument
                } else {
                    Grouping::PerDebtor
                };
                s.skip_if_contacted_days =
                    skip.filter(|k| s.repeat.is_none_or(|r| r.times <= 1 || *k < r.every_days));
                s
            })
            .collect();
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Over a random process, random documents, payments, exclusions and outages: no key is
    /// ever recorded twice, no occurrence of a document is performed twice, nothing is sent for
    /// a closed document or to an excluded or bankrupt debtor, and everything sent is inside its
    /// stage's window.
    #[test]
    fn planner_invariants(
        process in arb_process(),
        docs in proptest::collection::vec((0usize..4, 0i64..40, 1i64..3000, proptest::option::of(0i64..60)), 1..10),
        excluded_at in proptest::option::of(0i64..60),
        bankrupt in any::<bool>(),
        outage in proptest::option::of((0i64..50, 1i64..25)),
        pause in proptest::option::of((0i64..50, 0i64..20)),
        no_sms_consent in any::<bool>(),
        step_hours in 1i64..7,
    ) {
        prop_assert!(process.validate().is_ok(), "{:?}", process.validate());
        let base = d(2026, 3, 1);
        let mut cases: Vec<DebtorCase> = (0..4).map(|i| case(&format!("D{i}"), vec![])).collect();
        cases[3].debtor.legal_status = if bankrupt { LegalStatus::Bankrupt } else { LegalStatus::Active };
        cases[2].debtor.consent.sms = !no_sms_consent;
        // A promise to pay of D1, made on day `from` until day `from + len` (set in the loop).
        let paused = pause.map(|(from, len)| (base + Duration::days(from), base + Duration::days(from + len)));
        let mut paid_on = Vec::new();
        for (n, (debtor, due_off, amount, paid)) in docs.iter().enumerate() {
            let name = format!("D{debtor}");
            cases[*debtor].documents.push(doc(&name, &format!("DOC-{n}"), base + Duration::days(*due_off), *amount));
            paid_on.push((format!("DOC-{n}"), *debtor, paid.map(|p| calendar::start_of_day(base + Duration::days(p)))));
        }
        let mut drv = Driver::new(process.clone(), cases);
        let start = calendar::start_of_day(base - Duration::days(15));
        let end = start + Duration::days(100);
        let excl = excluded_at.map(|e| calendar::start_of_day(base + Duration::days(e)));
        let out = outage.map(|(s, len)| {
            let s = calendar::start_of_day(base + Duration::days(s));
            (s, s + Duration::days(len))
        });
        let mut closed_at: Vec<(String, DateTime<Utc>)> = Vec::new();
        let mut excluded_since = None;
        let mut now = start;
        while now < end {
            for (doc_id, debtor, paid) in &paid_on {
                if *paid == Some(now) {
                    let c = drv.case_mut(&format!("D{debtor}"));
                    if let Some(dd) = c.documents.iter_mut().find(|x| x.document.external_id.as_str() == doc_id) {
                        dd.open = false;
                        closed_at.push((doc_id.clone(), now));
                    }
                }
            }
            if let Some((from, until)) = paused
                && calendar::local_date(now) == from
                && drv.case_mut("D1").debtor.pauses.is_empty()
            {
                drv.case_mut("D1").debtor.pauses.push(Pause {
                    kind: PauseKind::PromiseToPay,
                    until: Some(until),
                    reason: String::new(),
                    document: None,
                });
            }
            if excl.is_some_and(|e| now >= e) && excluded_since.is_none() {
                drv.case_mut("D0").debtor.excluded = true;
                excluded_since = Some(now);
            }
            drv.sim.last_sync = Some(now);
            let up = out.is_none_or(|(s, e)| now < s || now >= e);
            if up {
                let report = drv.sim.tick(now, false);
                for p in &report.performed {
                    // Nothing for a closed document.
                    for c in &p.documents {
                        prop_assert!(!closed_at.iter().any(|(id, _)| id == c.document.as_str()), "{p:?}");
                    }
                    // Never to the bankrupt debtor, never after exclusion.
                    prop_assert!(!(bankrupt && p.debtor.as_str() == "D3"));
                    prop_assert!(!(excluded_since.is_some() && p.debtor.as_str() == "D0"));
                    // Nothing to D1 while its promise holds, no SMS to D2 without consent.
                    let today = calendar::local_date(now);
                    prop_assert!(!(p.debtor.as_str() == "D1"
                        && paused.is_some_and(|(from, until)| from <= today && today <= until)));
                    prop_assert!(!(p.debtor.as_str() == "D2" && no_sms_consent && p.channel == Channel::Sms));
                    // Inside the window.
                    let st = process.stage(&p.stage).unwrap();
                    prop_assert!(st.window.contains(now), "{} outside {:?}", now, st.window);
                }
                // Nothing at all (not even a skip record) for a closed document.
                for sk in &report.skipped {
                    for c in &sk.documents {
                        prop_assert!(!closed_at.iter().any(|(id, _)| id == c.document.as_str()), "{sk:?}");
                    }
                }
                // No flooding: in one tick, every action of a document comes from one scheduled
                // date (the frontier); older missed ones are skipped, not sent.
                let mut per_doc: Vec<(String, NaiveDate)> = report
                    .performed
                    .iter()
                    .flat_map(|p| p.documents.iter().map(|c| (c.document.to_string(), c.scheduled)))
                    .collect();
                per_doc.sort();
                per_doc.dedup();
                for pair in per_doc.windows(2) {
                    prop_assert!(pair[0].0 != pair[1].0, "two dates for one document in a tick: {pair:?}");
                }
            }
            now += Duration::hours(step_hours);
        }
        let mut keys = Vec::new();
        let mut occs = Vec::new();
        for c in &drv.sim.cases {
            for h in &c.history {
                keys.push(h.key.clone());
                for dd in &h.documents {
                    occs.push((h.stage.clone(), dd.document.to_string(), dd.occurrence));
                }
            }
        }
        let n = keys.len();
        keys.sort();
        keys.dedup();
        prop_assert_eq!(keys.len(), n, "duplicate idempotency key");
        let m = occs.len();
        occs.sort();
        occs.dedup();
        prop_assert_eq!(occs.len(), m, "an occurrence recorded twice");
    }

    /// One planning call never emits two decisions with the same key, and is deterministic.
    #[test]
    fn one_call_has_unique_keys(process in arb_process(), offsets in proptest::collection::vec(-20i64..80, 1..12), hour in 0i64..24*40) {
        let debtor = DebtorState::new(id("K"), DebtorKind::Person);
        let docs: Vec<DocumentState> = offsets.iter().enumerate()
            .map(|(i, o)| doc("K", &format!("K-{i}"), d(2026, 3, 1) + Duration::days(*o), 100 + i64::try_from(i).unwrap()))
            .collect();
        let now = calendar::start_of_day(d(2026, 3, 1)) + Duration::hours(hour);
        let policy = TenantPolicy::default();
        let ctx = PlanContext { now, policy: &policy, last_sync: Some(now), include_not_yet: true };
        let input = DebtorInput { debtor: &debtor, documents: &docs, history: &[] };
        let mut a = Vec::new();
        plan_debtor(&ctx, &process, &input, &mut a);
        let mut b = Vec::new();
        plan_debtor(&ctx, &process, &input, &mut b);
        prop_assert_eq!(&a, &b);
        let mut keys: Vec<String> = a.iter().filter(|d| d.recorded_status().is_some()).map(Decision::key_string).collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        prop_assert_eq!(keys.len(), n);
    }

    /// Issue 13: what providers see never repeats across tenants and agents: different
    /// (tenant, agent, key) give different provider keys, SMSAPI `idx` values and Message-IDs,
    /// and the same triple always the same (a retry meets the provider's duplicate check).
    #[test]
    fn provider_keys_differ_per_tenant_agent_and_key(
        a in ("[a-z0-9-]{1,36}", "[a-z0-9-]{1,36}", "[A-Za-z0-9/%_. -]{1,60}"),
        b in ("[a-z0-9-]{1,36}", "[a-z0-9-]{1,36}", "[A-Za-z0-9/%_. -]{1,60}"),
    ) {
        use inkaso_channels::email::message_id_for;
        use inkaso_channels::smsapi::idx_for;
        use super::planner::provider_key;
        let ka = provider_key(&TenantId::new(a.0.clone()), &AgentId::new(a.1.clone()), &a.2);
        let kb = provider_key(&TenantId::new(b.0.clone()), &AgentId::new(b.1.clone()), &b.2);
        prop_assert_eq!(&ka, &provider_key(&TenantId::new(a.0.clone()), &AgentId::new(a.1.clone()), &a.2));
        prop_assert_eq!(idx_for(&ka), ka.clone(), "SMSAPI carries it unchanged");
        prop_assert!(ka.len() <= 40);
        if a != b {
            prop_assert_ne!(&ka, &kb);
            prop_assert_ne!(idx_for(&ka), idx_for(&kb));
            prop_assert_ne!(message_id_for(&ka, "firma.pl"), message_id_for(&kb, "firma.pl"));
        }
        // Moving a character between the parts changes the key too (the parts are
        // length-prefixed, not just joined).
        let shifted = provider_key(&TenantId::new(format!("{}x", a.0).clone()), &AgentId::new(a.1.clone()), &a.2);
        prop_assert_ne!(&ka, &shifted);
    }

    #[test]
    fn the_same_ids_in_two_tenants_differ_for_providers(key in "[A-Za-z0-9/]{1,40}") {
        use super::planner::provider_key;
        prop_assert_ne!(provider_key(&TenantId::new("t1"), &AgentId::new("a1"), &key), provider_key(&TenantId::new("t2"), &AgentId::new("a1"), &key));
        prop_assert_ne!(provider_key(&TenantId::new("t1"), &AgentId::new("a1"), &key), provider_key(&TenantId::new("t1"), &AgentId::new("a2"), &key));
        prop_assert_ne!(provider_key(&TenantId::new("ab"), &AgentId::new("c"), &key), provider_key(&TenantId::new("a"), &AgentId::new("bc"), &key));
    }

}
