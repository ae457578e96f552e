//! `make demo`: the path a firm evaluating Inkaso walks, in one command, with nothing to set up.
//!
//! A Subiekt GT-shaped ERP database with a few hundred debtors (through the real SQLite3 ODBC
//! driver) → the real agent CLI (`check`, `preview`, `sync --once`) → the cloud on SQLite over
//! HTTP on loopback → payments made in the ERP and synced → a summary of what the cloud holds,
//! what it recorded as paid, and what the agent has back. Everything lives in one folder
//! (`demo-out/` by default), recreated on every run.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use clap::Parser;
use inkaso_cloud::store::accounts::{Role, generate_password};
use inkaso_connectors::sample::{GeneratorSpec, generate_gt};
use inkaso_connectors::{ConnectorConfig, ProfileKind};
use inkaso_e2e::Harness;
use inkaso_shared::{Clock as _, Currency, Email, Money, SystemClock};

#[derive(Debug, Parser)]
#[command(about = "Inkaso demo: sample ERP → agent → cloud → payments → results")]
struct Args {
    /// The folder for everything the demo creates (recreated).
    #[arg(long, default_value = "demo-out")]
    out: PathBuf,
    /// Debtors in the sample ERP.
    #[arg(long, default_value_t = 300)]
    debtors: u64,
}

fn step(n: u32, text: &str) {
    println!("\n\x1b[1m[{n}] {text}\x1b[0m");
}

/// Runs the agent CLI and shows its output, indented.
fn agent(bin: &Path, config: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(bin)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "inkaso-agent {} failed:\n{stdout}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(stdout)
}

fn show(text: &str, max_lines: usize) {
    for line in text.lines().take(max_lines) {
        println!("    {line}");
    }
}

fn total(docs: &inkaso_e2e::OpenDocuments) -> i64 {
    docs.values()
        .filter(|(_, c)| c == "PLN")
        .map(|(r, _)| r)
        .sum()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // the demo is a script, read top to bottom
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = std::env::current_exe()?.with_file_name("inkaso-agent-under-test");
    if !bin.exists() {
        bail!(
            "{} is missing: run `make demo` (it builds every binary first)",
            bin.display()
        );
    }
    let _ = std::fs::remove_dir_all(&args.out);
    std::fs::create_dir_all(&args.out)?;
    let out = std::fs::canonicalize(&args.out)?;

    step(
        1,
        "Przykładowa baza ERP (Subiekt GT) przez sterownik ODBC SQLite3",
    );
    let spec = GeneratorSpec {
        debtors: args.debtors,
        settlements: args.debtors * 5,
        seed: 2026,
    };
    let (connection, _) = generate_gt(&out.join("erp"), spec)?;
    let mut connector = ConnectorConfig {
        connection,
        ..ConnectorConfig::default()
    };
    connector.profile.kind = Some(ProfileKind::SubiektGt);
    println!(
        "    {} kontrahentów, {} rozrachunków w {}",
        spec.debtors,
        spec.settlements,
        out.join("erp").display()
    );

    step(
        2,
        "Chmura Inkaso na SQLite (127.0.0.1, port wybrany przez system)",
    );
    // The simulated clock starts at the real now, so `check` finds the clocks in step.
    let h = Harness::start_with(&out, connector, SystemClock.now()).await?;
    let password = generate_password();
    let email = Email::parse("szef@hurtownia-zazolc.pl")?;
    h.store
        .add_user(&h.tenant_id, &email, Role::Admin, &password, h.clock.now())
        .await?;
    println!("    adres: {}", h.cloud_url());
    println!(
        "    firma: Hurtownia Zażółć ({}), użytkownik {email} / {password}",
        h.tenant_id
    );
    println!("    token agenta zapisany w konfiguracji agenta (pokazywany tylko raz)");
    let config = h.write_agent_config()?;

    step(3, "inkaso-agent check");
    show(&agent(&bin, &config, &["check"])?, 10);

    step(
        4,
        "inkaso-agent preview — co opuściłoby komputer (bez wysyłania)",
    );
    let preview = agent(&bin, &config, &["preview", "--format", "json"])?;
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
    if let Some(doc) = preview
        .lines()
        .find(|l| l.contains("\"record\":\"document\""))
    {
        println!("    np. {doc}");
    }

    step(
        5,
        "inkaso-agent sync --once — pierwsza (pełna) synchronizacja",
    );
    show(&agent(&bin, &config, &["sync", "--once"])?, 10);
    let before = h.cloud_open().await?;
    println!(
        "    chmura: {} otwartych dokumentów, {} do zapłaty",
        before.len(),
        Money::new(total(&before), Currency::PLN)
    );

    step(
        6,
        "Dłużnicy płacą w ERP: co dziesiąty rozrachunek w całości, co siódmy w części",
    );
    h.erp_execute(
        "UPDATE nz__Finanse SET nzf_WartoscWaluta = 0, nzf_Wartosc = 0 WHERE nzf_Id % 10 = 0;
         UPDATE nz__Finanse SET nzf_WartoscWaluta = ROUND(nzf_WartoscWaluta / 2, 2), nzf_Wartosc = ROUND(nzf_Wartosc / 2, 2)
          WHERE nzf_Id % 7 = 0 AND nzf_Id % 10 <> 0 AND nzf_WartoscWaluta > 2;",
    )?;
    show(&agent(&bin, &config, &["sync", "--once"])?, 10);

    step(7, "Bez zmian w ERP: kolejna synchronizacja nie wysyła nic");
    show(&agent(&bin, &config, &["sync", "--once"])?, 10);

    step(8, "inkaso-agent status");
    show(&agent(&bin, &config, &["status"])?, 14);

    let after = h.cloud_open().await?;
    let erp = h.erp_open()?;
    let payments = h.cloud_payments().await?;
    let closed = h.cloud_closed().await?;
    let paid_total: i64 = payments.values().sum();
    println!("\n\x1b[1mPodsumowanie\x1b[0m");
    println!("    dokumentów zsynchronizowanych: {}", before.len());
    println!(
        "    otwartych w chmurze teraz: {} (w ERP: {}; zgodne: {})",
        after.len(),
        erp.len(),
        if after == erp { "tak" } else { "NIE" }
    );
    println!(
        "    zamkniętych jako zapłacone: {}",
        closed.values().filter(|r| r.as_str() == "paid").count()
    );
    println!(
        "    płatności zarejestrowanych: {} na łącznie {}",
        payments.len(),
        Money::new(paid_total, Currency::PLN)
    );
    println!(
        "    pozostało do zapłaty: {}",
        Money::new(total(&after), Currency::PLN)
    );
    println!("    folder demo: {}", out.display());
    println!("    (procesy windykacyjne i kanały dołączą do demo wraz z ich integracją w chmurze)");
    h.stop().await?;
    if after != erp {
        bail!("the cloud does not equal the ERP");
    }
    Ok(())
}
