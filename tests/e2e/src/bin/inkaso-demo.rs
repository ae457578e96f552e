//! `make demo`: the path a firm evaluating Inkaso walks, in one command, with nothing to set up.
//!
//! A generated ERP database with a few hundred debtors, shaped like Subiekt GT's or, with
//! `--profile`, another sample profile's (through the real SQLite3 ODBC driver) → the real agent CLI (`check`, `preview`, `sync --once`) → the cloud on SQLite over
//! HTTP on loopback, with the SMSAPI and VAT-register simulators and a real SMTP server → 60
//! simulated days of the process engine (payments in the ERP, a promise to pay, hand-offs) →
//! letters, posting books, e-mails, SMS → results back in the agent. The parts are wired in
//! [`inkaso_e2e::whole_path`], shared with the end-to-end test; this binary prints the story.
//! Everything lives in one folder (`demo-out/` by default), recreated on every run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use chrono::{Datelike as _, Duration, NaiveDate};
use clap::Parser;
use inkaso_cloud::store::accounts::{Role, generate_password};

use inkaso_cloud::store::cases::Case;
use inkaso_connectors::ProfileKind;
use inkaso_e2e::whole_path::{DayReport, Options, WholePath};
use inkaso_sample_erp::{SAMPLE_PROFILES, SampleErp};
use inkaso_shared::{Clock as _, Currency, Email, Money, SystemClock};

#[derive(Debug, Parser)]
#[command(about = "Inkaso demo: przykładowy ERP → agent → chmura → procesy → wiadomości → wyniki")]
struct Args {
    /// The folder for everything the demo creates (recreated).
    #[arg(long, default_value = "demo-out")]
    out: PathBuf,
    /// Debtors in the sample ERP.
    #[arg(long, default_value_t = 200)]
    debtors: u64,
    /// Settlement rows in the sample ERP (about 70 % are open receivables).
    #[arg(long, default_value_t = 500)]
    settlements: u64,
    /// Simulated days.
    #[arg(long, default_value_t = 60)]
    days: u32,
    /// The ERP the sample database imitates: subiekt_gt, optima, comarch_xl, enova365 or
    /// wapro_mag.
    #[arg(long, value_name = "PROFIL", default_value = "subiekt_gt", value_parser = parse_profile)]
    profile: SampleErp,
    /// Keep the cloud and its portal running on the demo's data after the simulated days, until
    /// Ctrl-C.
    #[arg(long)]
    serve: bool,
}

/// A profile that has a sample database; anything else is refused naming the ones that do.
fn parse_profile(text: &str) -> Result<SampleErp, String> {
    let accepted = SAMPLE_PROFILES
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ");
    let profile = text
        .parse::<ProfileKind>()
        .map_err(|_| format!("nieznany profil ERP „{text}”; demo przyjmuje: {accepted}"))?;
    SampleErp::new(profile).map_err(|_| {
        format!("profil {profile} nie ma przykładowej bazy, więc demo go nie zbuduje; demo przyjmuje: {accepted}")
    })
}

fn step(n: u32, text: &str) {
    println!("\n\x1b[1m[{n}] {text}\x1b[0m");
}

fn show(text: &str, max_lines: usize) {
    for line in text.lines().take(max_lines) {
        println!("    {line}");
    }
}

/// The demo law firm's administrator (a lawyer), who logs in to its portal.
const LAWYER: &str = "mecenas@kancelaria-lex.pl";

const WEEKDAYS: [&str; 7] = ["pon", "wto", "śro", "czw", "pią", "sob", "nie"];

fn day_line(n: u32, d: &DayReport) -> String {
    let mut by_channel = std::collections::BTreeMap::<&str, usize>::new();
    for l in &d.tick.sent {
        *by_channel.entry(l.channel.code()).or_default() += 1;
    }
    let sent = by_channel
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut line = format!(
        "dzień {n:>2} {} {}: wysłano {:>3}{}",
        WEEKDAYS[d.date.weekday().num_days_from_monday() as usize],
        d.date.format("%d.%m"),
        d.tick.sent.len(),
        if sent.is_empty() {
            String::new()
        } else {
            format!(" ({sent})")
        },
    );
    if !d.tick.held.is_empty() {
        let _ = write!(line, ", wstrzymano {}", d.tick.held.len());
    }
    if !d.tick.skipped.is_empty() {
        let _ = write!(line, ", pominięto {}", d.tick.skipped.len());
    }
    if d.ops_sent > 0 || d.results_received > 0 {
        let _ = write!(
            line,
            "; agent: {} operacji do chmury, {} wyników z chmury",
            d.ops_sent, d.results_received
        );
    }
    line
}

/// One case at the law firm: creditor's debtor, documents, amount, status.
fn print_partner_case(case: &Case) {
    println!(
        "      sprawa {} · {} · dłużnik {} ({}) · {} dok. · {} · status {}",
        &case.id[..case.id.len().min(8)],
        case.partner_name,
        case.debtor_name,
        case.debtor_external_id,
        case.document_external_ids.len(),
        Money::new(
            case.total_minor,
            case.currency.parse().unwrap_or(Currency::PLN)
        ),
        case.status.as_str()
    );
}

fn rel(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .map_or_else(|_| path.display().to_string(), |p| p.display().to_string())
}

/// The firm's figures, a few predicted payments and the market's verdicts, as the portal
/// and the API give them.
async fn show_statistics(
    w: &WholePath,
    slipping: &inkaso_cloud::store::TenantScope,
) -> anyhow::Result<()> {
    use inkaso_cloud::services::stats::prediction_reason;
    use inkaso_cloud::services::{App, Engine};
    use inkaso_shared::Lang;
    let clock: std::sync::Arc<dyn inkaso_shared::Clock> = w.h.clock.clone();
    let app = App::new(w.h.store.clone(), clock, Engine::default());
    let o = app.stats_overview(&w.h.tenant, 3).await?;
    for c in &o.currencies {
        if let Some(m) = c.months.last() {
            let day = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), |d| format!("{d:.1} dnia"));
            println!(
                "    {}: DSO (wsteczne) {}, ADD {}, ważone dni po terminie {}; etapy zmierzone: {}",
                c.currency,
                day(m.dso_countback),
                day(m.add),
                day(m.weighted_days_late),
                c.stages.len()
            );
        }
    }
    let debtors = app
        .debtors(
            &w.h.tenant,
            &inkaso_cloud::services::model::DebtorFilter::default(),
        )
        .await?;
    // A few predictions, those of debtors with payments of their own first.
    let mut examples = Vec::new();
    for d in debtors.items.iter().take(40) {
        let outlook = app.debtor_outlook(&w.h.tenant, &d.id).await?;
        if let Some((doc, p)) = outlook.predictions.first() {
            let own = matches!(p.basis, inkaso_cloud::domain::predict::Basis::Debtor { .. });
            examples.push((
                !own,
                p.beyond_history,
                d.name.clone(),
                doc.number.clone(),
                p.clone(),
            ));
        }
    }
    examples.sort_by_key(|e| (e.0, e.1));
    for (_, _, name, number, p) in examples.iter().take(3) {
        println!(
            "    {name} — {number}: przewidywana zapłata {} ({} – {}); {}",
            p.p50.format("%d.%m.%Y"),
            p.p10.format("%d.%m.%Y"),
            p.p90.format("%d.%m.%Y"),
            prediction_reason(Lang::Pl, p)
        );
    }
    let verdict = |v: inkaso_cloud::domain::market::Verdict| {
        use inkaso_cloud::domain::market::Verdict;
        match v {
            Verdict::Stable => "bez zmian",
            Verdict::Improved => "poprawa",
            Verdict::Sector => "jak w branżach jej dłużników",
            Verdict::Own => "gorzej niż w branżach jej dłużników",
            Verdict::Unknown => "za mało danych (firma dopiero zaczęła)",
        }
    };
    let sectors = w.h.store.debtor_sectors(&w.h.tenant).await?;
    let mut by_section = std::collections::BTreeMap::<char, usize>::new();
    for s in sectors.values() {
        *by_section.entry(*s).or_default() += 1;
    }
    println!(
        "    sekcje PKD dłużników (z rejestru REGON): {} dłużników — {}",
        sectors.len(),
        by_section
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let own = app.market_for(&w.h.tenant).await?;
    println!(
        "    rynek: {} pokazanych grup; ocena firmy demo: {}",
        own.rows
            .iter()
            .filter(|r| r.recent.is_some() || r.before.is_some())
            .count(),
        own.own.as_ref().map_or(
            "brak dokumentów w porównywanych okresach (firma dopiero zaczęła)",
            |v| verdict(v.verdict)
        )
    );
    if let Some(v) = app.market_for(slipping).await?.own {
        println!(
            "    ocena „Firmy rynkowej 0”: {} (u niej {:+.1} dnia, na rynku dla jej dłużników {:+.1} dnia)",
            verdict(v.verdict),
            v.own_change().unwrap_or(0.0),
            v.expected_change().unwrap_or(0.0)
        );
    }
    Ok(())
}

#[allow(clippy::too_many_lines)] // the demo is a script, read top to bottom
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = std::env::current_exe()?.with_file_name("inkaso-agent-under-test");
    if !bin.exists() {
        bail!(
            "{} nie istnieje: uruchom `make demo` (najpierw buduje wszystkie programy)",
            bin.display()
        );
    }
    // Running twice works: the folder is the demo's alone and starts empty every time.
    let _ = std::fs::remove_dir_all(&args.out);
    std::fs::create_dir_all(&args.out)?;
    let out = std::fs::canonicalize(&args.out)?;
    let now = SystemClock.now();
    let first_day: NaiveDate = now.date_naive() + Duration::days(1);

    step(
        1,
        &format!(
            "Przykładowa baza ERP ({}), chmura Inkaso na SQLite, symulatory SMSAPI i rejestru VAT, serwer SMTP",
            args.profile
        ),
    );
    let opts = Options {
        dir: out.clone(),
        profile: args.profile.profile(),
        debtors: args.debtors,
        settlements: args.settlements,
        first_day,
    };
    let mut w = WholePath::start(&opts, now).await?;
    let password = generate_password();
    let email = Email::parse("szef@hurtownia-zazolc.pl")?;
    w.h.store
        .add_user(&w.h.tenant, &email, Role::Admin, &password, "cli", now)
        .await?;
    let lawyer = Email::parse(LAWYER)?;
    w.h.store
        .add_user(&w.partner, &lawyer, Role::Admin, &password, "cli", now)
        .await?;
    println!(
        "    ERP {} (profil {}): {} kontrahentów, {} rozrachunków (terminy płatności od 15 dni temu do 35 dni naprzód), przez sterownik ODBC SQLite3",
        args.profile,
        args.profile.profile(),
        args.debtors,
        args.settlements
    );
    println!("    chmura: {}", w.h.cloud_url());
    println!(
        "    firma: Hurtownia Zażółć ({}), użytkownik {email} / {password}",
        w.h.tenant
    );
    println!(
        "    proces „Standardowy”: SMS 3 dni przed terminem; e-mail w dniu terminu; +7 e-mail z wezwaniem (PDF);"
    );
    println!(
        "      +14 SMS co 7 dni ×3; +30 list polecony; +45 przekazanie do kancelarii (od 500 zł)"
    );
    println!("    SMSAPI (symulator): {}", w.sms.base_url());
    println!("    rejestr VAT (symulator): {}", w.vat.base_url());
    println!("    rejestr REGON (symulator BIR1.1): {}", w.regon.url());
    println!(
        "    serwer SMTP (aiosmtpd, STARTTLS): localhost:{}, poczta w {}",
        w.smtp.port(),
        rel(w.smtp.maildir(), &out)
    );

    step(2, "inkaso-agent check");
    show(&w.agent_cli(&bin, &["check"])?, 10);

    step(
        3,
        "inkaso-agent preview — co opuściłoby komputer (bez wysyłania)",
    );
    let preview = w.agent_cli(&bin, &["preview", "--format", "json"])?;
    let count = |kind: &str| {
        preview
            .lines()
            .filter(|l| l.contains(&format!("\"record\":\"{kind}\"")))
            .count()
    };
    println!(
        "    dłużników: {}, dokumentów: {}, odrzuconych (kwarantanna): {}, ostrzeżeń: {}",
        count("debtor"),
        count("document"),
        count("rejected"),
        count("warning")
    );

    step(
        4,
        "inkaso-agent sync --once — pierwsza (pełna) synchronizacja",
    );
    show(&w.agent_cli(&bin, &["sync", "--once"])?, 10);
    w.after_first_sync().await?;
    println!("    klient zapisał zgody SMS dłużników z numerem komórkowym; rejestr VAT zna firmy");

    step(
        5,
        &format!(
            "{} dni symulowanego czasu od {}: codziennie wpłaty w ERP, synchronizacja agenta, cykl procesów",
            args.days,
            first_day.format("%d.%m.%Y")
        ),
    );
    for n in 1..=args.days {
        let d = w.day().await?;
        for e in &d.erp_events {
            println!(
                "    \x1b[33mERP {}: {e} ({} dokumentów spłaconych w całości)\x1b[0m",
                d.date.format("%d.%m"),
                d.paid_in_full.len()
            );
        }
        if let Some((debtor, until)) = &d.promise {
            println!(
                "    \x1b[33mdłużnik {debtor} obiecuje zapłacić do {}: jego akcje czekają\x1b[0m",
                until.format("%d.%m.%Y")
            );
        }
        println!("    {}", day_line(n, &d));
        for line in d.case_mail.digests.iter().chain(&d.case_mail.news) {
            println!("      e-mail: {line}");
        }
        for line in &d.case_mail.problems {
            println!("      \x1b[31me-mail: {line}\x1b[0m");
        }
    }

    if let Some(case) = w.partner_works_first_case().await? {
        println!(
            "    \x1b[33mkancelaria przyjęła sprawę dłużnika {} i złożyła pozew (status: {})\x1b[0m",
            case.debtor_name,
            case.status.as_str()
        );
        for line in w.case_mail().await?.news {
            println!("      e-mail do wierzyciela: {line}");
        }
    }
    let back = w.final_sync().await?;
    println!("    następnego ranka agent odebrał {back} wyników ostatniego cyklu");
    for (nth, text) in [(0, "Saldo?"), (1, "STOP")] {
        if let Some(x) = w.debtor_texts(nth, text).await? {
            println!(
                "    \x1b[33mSMS od dłużnika {} ({}): „{}”\x1b[0m",
                x.debtor, x.number, x.text
            );
            match x.reply {
                Some(reply) => println!("      odpowiedź: {reply}"),
                None => println!("      bez odpowiedzi"),
            }
        }
    }

    step(
        6,
        "Pisma i książki nadawcze z chmury zapisane do folderu demo",
    );
    let files = w.export().await?;
    for f in &files {
        println!("    {}", f.display());
    }

    step(
        7,
        "Statystyki, przewidywane zapłaty i porównanie z rynkiem (sześć firm obok demo)",
    );
    let slipping =
        inkaso_e2e::market::seed(&w.h.store, &w.h.cloud_url(), w.h.clock.now(), &password).await?;
    show_statistics(&w, &slipping).await?;

    step(8, "inkaso-agent results — wyniki po stronie firmy");
    show(&w.agent_cli(&bin, &["results", "--limit", "5"])?, 12);
    step(9, "inkaso-agent status");
    show(&w.agent_cli(&bin, &["status"])?, 14);

    let s = w.summary().await?;
    println!("\n\x1b[1mPodsumowanie\x1b[0m");
    println!(
        "    zsynchronizowano: {} dłużników, {} dokumentów",
        s.debtors_synced, s.documents_synced
    );
    println!("    akcje według kanału i statusu:");
    for ((channel, status), n) in &s.actions {
        println!("      {channel:<18} {status:<10} {n:>5}");
    }
    println!(
        "    pisma PDF: {} zwykłych (załączniki wezwań), {} poleconych; pliki w {}",
        s.letters.0,
        s.letters.1,
        out.join("pisma").display()
    );
    println!(
        "    książki nadawcze: {}",
        out.join("ksiazki-nadawcze").display()
    );
    println!(
        "    e-maile odebrane przez serwer SMTP: {} (w {})",
        s.emails_received,
        w.smtp.maildir().display()
    );
    println!(
        "    SMS przyjęte przez SMSAPI (symulator): {}; raporty doręczeń do chmury: {}",
        s.sms_accepted, s.sms_callbacks
    );
    println!(
        "    przekazania do kancelarii: {} akcji, {} spraw u partnera",
        s.handoffs.len(),
        s.cases.len()
    );
    for c in s.cases.iter().take(5) {
        print_partner_case(c);
    }
    if s.cases.len() > 5 {
        println!("      … i {} więcej", s.cases.len() - 5);
    }
    println!(
        "    wyniki odebrane przez agenta: {} (w kanale wyników chmury: {}); raporty dzienne: {} plików w {}",
        s.results_agent,
        s.results_cloud,
        s.report_files.len(),
        w.reports_dir.display()
    );
    println!(
        "    otwarte dokumenty: ERP {}, agent {}, chmura {} — zgodne: {}",
        s.open_erp,
        s.open_agent,
        s.open_cloud,
        if s.consistent { "tak" } else { "NIE" }
    );
    println!("    folder demo: {}", out.display());
    println!("\n\x1b[1mPortal klienta\x1b[0m");
    println!("    adres: {}/", w.h.cloud_url());
    println!("    logowanie: {email} / {password}");
    println!(
        "    firma z rynku, której opóźnienia wzrosły (porównanie z rynkiem na stronie Statystyki): {} / {password}",
        inkaso_e2e::market::SLIPPING_ADMIN
    );
    println!("\n\x1b[1mPortal kancelarii (Kancelaria Prawna Lex)\x1b[0m");
    println!("    adres: {}/partner", w.h.cloud_url());
    println!("    logowanie: {LAWYER} / {password}");
    if args.serve {
        println!("    chmura i portal działają na danych demo; Ctrl-C kończy");
        tokio::signal::ctrl_c().await?;
    } else {
        println!("    (make demo ARGS=--serve zostawia portal uruchomiony po symulacji)");
    }
    w.stop().await?;
    if !s.consistent {
        bail!("ERP, agent i chmura nie są zgodne");
    }
    if s.results_agent != s.results_cloud {
        bail!("agent nie ma wszystkich wyników z chmury");
    }
    Ok(())
}
