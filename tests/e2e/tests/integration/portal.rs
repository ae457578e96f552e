//! The client portal in a real browser: Debian's headless chromium driven over WebDriver
//! (chromedriver + fantoccini) against a cloud holding the demo's data after simulated days of
//! collection. It logs in, finds a debtor and records a promise to pay, downloads a letter,
//! adds a user as admin and checks that the viewer can change nothing, and switches to English.
//! Every main page is saved as a screenshot in `target/artefacts/portal/` and checked by
//! axe-core inside the page: no serious or critical accessibility violation is allowed.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // a test: a panic is a clear failure; the scenario reads top to bottom

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::Duration;
use fantoccini::{Client, ClientBuilder, Locator};
use inkaso_cloud::store::accounts::Role;
use inkaso_connectors::ProfileKind;
use inkaso_e2e::whole_path::{Options, WholePath};
use inkaso_shared::{Clock, Email, SystemClock};
use serde_json::json;

const ADMIN: &str = "szef@hurtownia-zazolc.pl";
const ADMIN_PASSWORD: &str = "bardzo-tajne-haslo";

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_driver() -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian's chromium-driver; scripts/install-deps.sh installs it)");
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

async fn connect(driver: &Driver, profile: &Path) -> Client {
    // Another test of this binary may have chosen it already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,900", "--lang=pl-PL",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {"intl.accept_languages": "pl-PL,pl"}
        }),
    );
    for _ in 0..100 {
        if let Ok(c) = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&driver.url)
            .await
        {
            return c;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!("chromedriver did not start at {}", driver.url);
}

fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/artefacts/portal");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// axe-core's script, fetched and checked against its checksum by `scripts/install-deps.sh`.
fn axe_script() -> String {
    let path = std::env::var_os("INKASO_AXE_JS").map_or_else(
        || {
            let cache = std::env::var_os("XDG_CACHE_HOME").map_or_else(
                || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache"),
                PathBuf::from,
            );
            cache.join("inkaso/axe-core-4.14.1/axe.min.js")
        },
        PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core at {} ({e}): run scripts/install-deps.sh, which fetches it",
            path.display()
        )
    })
}

/// Runs axe-core in the page and fails on any serious or critical violation, naming the rule
/// and the elements.
async fn accessible(c: &Client, name: &str) {
    let script = format!(
        "{}\n;const done = arguments[arguments.length - 1];
         axe.run(document, {{resultTypes: ['violations']}})
           .then(r => done(r.violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => `${{v.impact}} ${{v.id}}: ${{v.help}} — ${{v.nodes.slice(0, 3)
               .map(n => n.target.join(' ')).join(' | ')}}`)))
           .catch(e => done(['axe failed: ' + e]));",
        axe_script()
    );
    let found = c.execute_async(&script, vec![]).await.unwrap();
    let found: Vec<String> = serde_json::from_value(found).unwrap();
    assert!(found.is_empty(), "{name}: {found:#?}");
}

/// A screenshot of the whole page (the window grows to the page's height first), after the
/// page passed axe-core's checks.
async fn shot(c: &Client, name: &str) {
    accessible(c, name).await;
    let height = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900)
        .clamp(700, 4000);
    c.set_window_size(1366, u32::try_from(height).unwrap() + 140)
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(artefacts().join(format!("{name}.png")), png).unwrap();
    c.set_window_size(1366, 900).await.unwrap();
}

/// The text of the element matching `css`, read in one step inside the page: htmx may swap
/// the element between a WebDriver find and a separate read (a stale element).
async fn text_of(c: &Client, css: &str) -> String {
    c.wait().for_element(Locator::Css(css)).await.unwrap();
    c.execute(
        "return document.querySelector(arguments[0]).innerText;",
        vec![json!(css)],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap()
    .to_owned()
}

async fn page_text(c: &Client) -> String {
    text_of(c, "body").await
}

async fn log_in(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "email", email).await;
    fill(c, "password", password).await;
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("nav.main"))
        .await
        .unwrap();
}

/// Types into the field with this id.
async fn fill(c: &Client, id: &str, text: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// The address of the first link `css` finds.
async fn link(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap()
}

/// The first `n` bytes of what `href` answers, as text, fetched by the page (its session's
/// cookie goes along): a download's magic ("%PDF-"), a CSV's header.
async fn fetch_start(c: &Client, href: &str, n: usize) -> String {
    let start = c
        .execute_async(
            r"const [href, n, done] = arguments;
              fetch(href).then(r => r.arrayBuffer())
                .then(b => done(new TextDecoder().decode(b.slice(0, n))));",
            vec![json!(href), json!(n)],
        )
        .await
        .unwrap();
    start.as_str().unwrap_or_default().to_owned()
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Clicks what leads to another page (a form's button, a link) and returns once the page it
/// was on is gone: a wait for an element both pages have (a heading, a notice) would otherwise
/// end on the old page, and the next step would touch an element the new page replaces.
async fn click_to_new_page(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    click(c, css).await;
    for _ in 0..200 {
        if old.text().await.is_err() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// Submits a form with the button at `css` and waits for the notice of what was done on the
/// page it leads to.
async fn submit_for_notice(c: &Client, css: &str) {
    click_to_new_page(c, css).await;
    c.wait()
        .for_element(Locator::Css("p.alert-ok"))
        .await
        .unwrap();
}

/// A POST from inside the page (as a script the page ran would send it), with or without the
/// page's CSRF token; returns the status.
async fn post_from_page(c: &Client, path: &str, body: &str, with_token: bool) -> u64 {
    let script = r"
        const [path, body, withToken, done] = arguments;
        const token = document.querySelector('input[name=_csrf]')?.value ?? '';
        const headers = {'Content-Type': 'application/x-www-form-urlencoded'};
        if (withToken) headers['X-CSRF-Token'] = token;
        fetch(path, {method: 'POST', headers, body, redirect: 'manual'})
            .then(r => done(r.status)).catch(e => done(-1));
    ";
    c.execute_async(script, vec![json!(path), json!(body), json!(with_token)])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(0)
}

/// The demo's Subiekt GT firm with `debtors` and `settlements`, due dates from tomorrow on,
/// after the agent's first sync; the folder holds it (and the browser's profile).
async fn synced_demo(debtors: u64, settlements: u64) -> (tempfile::TempDir, WholePath) {
    inkaso_testkit::require_odbc_driver("SQLite3");
    let dir = tempfile::tempdir().unwrap();
    let now = SystemClock.now();
    let opts = Options {
        dir: dir.path().join("demo"),
        profile: ProfileKind::SubiektGt,
        debtors,
        settlements,
        first_day: now.date_naive() + Duration::days(1),
    };
    let w = WholePath::start(&opts, now).await.unwrap();
    let cli = Path::new(env!("CARGO_BIN_EXE_inkaso-agent-under-test"));
    w.agent_cli(cli, &["sync", "--once"]).unwrap();
    (dir, w)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_firm_works_in_the_portal() {
    let (dir, mut w) = synced_demo(30, 100).await;
    w.after_first_sync().await.unwrap();
    for _ in 0..32 {
        w.day().await.unwrap();
    }
    w.h.store
        .add_user(
            &w.h.tenant,
            &Email::parse(ADMIN).unwrap(),
            Role::Admin,
            ADMIN_PASSWORD,
            "cli",
            w.h.clock.now(),
        )
        .await
        .unwrap();
    let base = w.h.cloud_url();
    let today = w.h.clock.now().date_naive();
    // A task due today for one of the demo's debtors (as a "task" stage makes), to close below.
    let (agent_id, debtor_key) =
        w.h.store
            .debtor_names(&w.h.tenant)
            .await
            .unwrap()
            .into_keys()
            .next()
            .unwrap();
    assert_eq!(agent_id, w.h.agent.as_str());
    w.h.store
        .insert_task(
            &w.h.tenant,
            &inkaso_cloud::store::channels::NewTask {
                action_id: None,
                agent_id: &w.h.agent,
                debtor: &debtor_key,
                subject: "Zadzwonić w sprawie zaległości",
                assignee: None,
                due: today,
                documents: &[],
            },
            w.h.clock.now(),
        )
        .await
        .unwrap();

    let driver = start_driver();
    let c = connect(&driver, &dir.path().join("chromium")).await;

    // --- Logging in lands on the dashboard: amounts, the ageing chart, the agents.
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    shot(&c, "01-login").await;
    // A wrong password is refused on the login page, saying so.
    fill(&c, "email", ADMIN).await;
    fill(&c, "password", "zle-haslo-zle").await;
    click(&c, "form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Id("login-error"))
        .await
        .unwrap();
    assert!(text_of(&c, "#login-error").await.contains("Nieprawidłowy"));
    log_in(&c, &base, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(text_of(&c, "h1").await, "Pulpit");
    let dash = page_text(&c).await;
    assert!(dash.contains("Przeterminowane"), "{dash}");
    assert!(dash.contains(" zł"), "{dash}");
    assert!(dash.contains("Hurtownia Zażółć"), "{dash}");
    c.find(Locator::Css("svg.chart rect")).await.unwrap();
    shot(&c, "02-dashboard").await;

    // --- Debtors: the list, a search typed with htmx, a debtor's page.
    click(&c, "nav.main a[href='/debtors']").await;
    c.wait()
        .for_element(Locator::Css("#results table"))
        .await
        .unwrap();
    shot(&c, "03-debtors").await;
    // Debtors with overdue documents: one of them is worked below.
    c.goto(&format!("{base}/debtors?open=overdue"))
        .await
        .unwrap();
    let first = c
        .find(Locator::Css("#results tbody tr td a"))
        .await
        .unwrap();
    let name = first.text().await.unwrap();
    let word: String = name.split_whitespace().last().unwrap().to_owned();
    fill(&c, "q", &word).await;
    // htmx swaps the table (and puts the search into the address bar).
    c.wait()
        .for_element(Locator::XPath(&format!(
            "//div[@id='results']//a[normalize-space()='{name}']"
        )))
        .await
        .unwrap();
    c.find(Locator::XPath(&format!(
        "//div[@id='results']//a[normalize-space()='{name}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Id("pause-form"))
        .await
        .unwrap();
    let debtor_list_entry = c.current_url().await.unwrap();
    assert_eq!(text_of(&c, "h1").await, name);

    // --- A stage run now for one ticked document; the history below shows what it did.
    click(&c, "#documents-form input[name=doc]").await;
    click(&c, "#run-submit").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    let ran = text_of(&c, ".alert-ok").await;
    assert!(
        ran.contains("Etap wykonany") || ran.contains("Nic nie wysłano"),
        "{ran}"
    );
    assert!(text_of(&c, "#history").await.contains("ręczne"));
    // --- The same document handed to the law firm with a note: the case's page opens.
    click(&c, "#documents-form input[name=doc]").await;
    fill(&c, "handoff-note", "Dłużnik nie odbiera telefonu").await;
    click(&c, "#handoff-submit").await;
    c.wait().for_element(Locator::Id("events")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, name);
    fill(&c, "note", "Proszę o kontakt przed wysłaniem pozwu").await;
    click(&c, "#note-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    let case = text_of(&c, "#events").await;
    assert!(
        case.contains("Proszę o kontakt przed wysłaniem pozwu"),
        "{case}"
    );
    shot(&c, "15-case").await;
    c.goto(&format!("{base}/cases")).await.unwrap();
    assert!(page_text(&c).await.contains(&name));
    shot(&c, "16-cases").await;
    c.goto(debtor_list_entry.as_str()).await.unwrap();
    c.wait()
        .for_element(Locator::Id("pause-form"))
        .await
        .unwrap();

    // --- A promise to pay, recorded in the form; the date is past the simulated today.
    let until = today + Duration::days(10);
    c.execute(
        "document.getElementById('until').value = arguments[0];",
        vec![json!(until.format("%Y-%m-%d").to_string())],
    )
    .await
    .unwrap();
    fill(&c, "reason", "zapłaci po otrzymaniu przelewu od klienta").await;
    click(&c, "#pause-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    let debtor_page = page_text(&c).await;
    assert!(debtor_page.contains("Obietnica zapłaty"), "{debtor_page}");
    assert!(
        debtor_page.contains(&until.format("%d.%m.%Y").to_string()),
        "{debtor_page}"
    );
    // Its payment behaviour and each open document's predicted day are on the page.
    assert!(
        debtor_page.contains("Zachowanie płatnicze"),
        "{debtor_page}"
    );
    assert!(
        debtor_page.contains("Przewidywana zapłata"),
        "{debtor_page}"
    );
    shot(&c, "04-debtor").await;
    let debtor_url = c.current_url().await.unwrap();

    // A date in the past is refused next to its field, and nothing is recorded.
    c.execute(
        "document.getElementById('until').value = arguments[0];",
        vec![json!(
            (today - Duration::days(3)).format("%Y-%m-%d").to_string()
        )],
    )
    .await
    .unwrap();
    click(&c, "#pause-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".alert-error"))
        .await
        .unwrap();

    // --- Documents, history, tasks: lists with their filters.
    c.goto(&format!("{base}/documents?status=open&overdue=1"))
        .await
        .unwrap();
    assert!(page_text(&c).await.contains("po terminie"));
    shot(&c, "05-documents").await;
    c.goto(&format!("{base}/history")).await.unwrap();
    assert!(page_text(&c).await.contains("wysłane"));
    shot(&c, "06-history").await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    shot(&c, "07-tasks").await;
    // A task closed with a note.
    let open_tasks = c
        .find_all(Locator::Css("form[action$='/close']"))
        .await
        .unwrap()
        .len();
    assert!(open_tasks > 0, "the task made above");
    let note = c
        .find(Locator::Css("form[action$='/close'] input[name=note]"))
        .await
        .unwrap();
    note.send_keys("Zadzwoniono, obiecał zapłacić")
        .await
        .unwrap();
    click(&c, "form[action$='/close'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    assert!(page_text(&c).await.contains("Zamknięto zadanie."));
    assert_eq!(
        c.find_all(Locator::Css("form[action$='/close']"))
            .await
            .unwrap()
            .len(),
        open_tasks - 1
    );
    c.goto(&format!("{base}/settings")).await.unwrap();
    shot(&c, "17-settings").await;

    // --- SMS from debtors: a balance asked and answered, a STOP; the firm reads both.
    let saldo = w.debtor_texts(0, "Saldo?").await.unwrap().unwrap();
    assert!(saldo.reply.is_some(), "{saldo:?}");
    w.debtor_texts(1, "STOP").await.unwrap().unwrap();
    c.goto(&format!("{base}/sms")).await.unwrap();
    let text = page_text(&c).await;
    for want in [
        saldo.debtor.as_str(),
        "Podano saldo",
        "Zgoda na SMS wycofana",
        "wysłano",
    ] {
        assert!(text.contains(want), "{want:?} not on the page");
    }
    shot(&c, "22-sms-from-debtors").await;

    // --- A call recorded on the debtor's page (who asked for the balance), then the register.
    click_to_new_page(&c, "td a[href^='/debtors/']").await;
    c.find(Locator::Css("#n-kind option[value=call]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(
        &c,
        "n-text",
        "Zadzwonił po SMS z saldem; zapłaci w przyszłym tygodniu",
    )
    .await;
    fill(&c, "n-note", "rozmowa z księgową").await;
    submit_for_notice(&c, "#notify-form button[value=save]").await;
    let text = page_text(&c).await;
    assert!(text.contains("Zapisano kontakt z dłużnikiem."), "{text}");
    assert!(text.contains("Rozmowa telefoniczna (tylko zapis)"));
    c.find(Locator::Id("notifications"))
        .await
        .unwrap()
        .click()
        .await
        .ok();
    shot(&c, "23-debtor-notifications").await;
    c.goto(&format!("{base}/notifications")).await.unwrap();
    assert!(page_text(&c).await.contains("Zadzwonił po SMS z saldem"));
    shot(&c, "24-notifications").await;

    // --- Mass SMS: the wizard's preview, confirmed, the batch sends to the end.
    click_to_new_page(&c, "a[href='/notifications/mass']").await;
    fill(&c, "m-overdue", "365").await;
    c.find(Locator::Css("#m-template option[value='sms-po']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click_to_new_page(&c, "#mass-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Id("mass-preview"))
        .await
        .unwrap();
    let text = page_text(&c).await;
    assert!(
        text.contains("dostanie SMS") || text.contains("dłużników dostanie"),
        "{text}"
    );
    assert!(text.contains("Pominięci"), "{text}");
    shot(&c, "25-mass-preview").await;
    click_to_new_page(&c, "#mass-confirm button[type=submit]").await;
    for _ in 0..300 {
        if page_text(&c).await.contains("Zakończona") {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    let text = page_text(&c).await;
    assert!(text.contains("Zakończona"), "the batch finished: {text}");
    shot(&c, "26-mass-batch").await;

    // --- The register: the processes' messages beside those made by hand, filtered in the
    // form; the delivery of the batch's SMS asked for; the PDF with the same filters.
    c.goto(&format!("{base}/notifications")).await.unwrap();
    click(&c, "#f-source option[value=automatic]").await;
    click_to_new_page(&c, "#register-filters button[type=submit]").await;
    let kept = c
        .execute("return document.getElementById('f-source').value;", vec![])
        .await
        .unwrap();
    assert_eq!(kept, json!("automatic"), "the filter kept in the form");
    // Every row's author is a process and its stage (or "sent on demand").
    let authors = c
        .execute(
            "return [...document.querySelectorAll('#register tbody tr td:last-child')].map(td => td.textContent.trim());",
            vec![],
        )
        .await
        .unwrap();
    let authors: Vec<String> = serde_json::from_value(authors).unwrap();
    assert!(
        !authors.is_empty(),
        "the processes sent messages during the days"
    );
    assert!(
        authors
            .iter()
            .all(|a| a.contains(" / ") || a.contains("na żądanie")),
        "{authors:?}"
    );
    assert!(!page_text(&c).await.contains("Zadzwonił po SMS z saldem"));
    shot(&c, "27-register-processes").await;
    click(&c, "#f-source option[value=manual]").await;
    click(&c, "#f-channel option[value=sms]").await;
    click_to_new_page(&c, "#register-filters button[type=submit]").await;
    assert!(!page_text(&c).await.contains("Zadzwonił po SMS z saldem"));
    click_to_new_page(&c, "#register-bulk button[value=check]").await;
    let text = page_text(&c).await;
    assert!(
        text.contains("Sprawdzono doręczenie"),
        "the check's outcome: {text}"
    );
    shot(&c, "28-register-delivery-check").await;
    let href = link(&c, "a[href*='format=pdf']").await;
    assert_eq!(fetch_start(&c, &href, 5).await, "%PDF-");
    c.goto(&format!("{base}/templates")).await.unwrap();
    shot(&c, "18-templates").await;

    // --- A letter's PDF downloads (fetched by the page with the session's cookie).
    c.goto(&format!("{base}/letters")).await.unwrap();
    shot(&c, "08-letters").await;
    let href = link(&c, "a[href$='/pdf']").await;
    assert_eq!(fetch_start(&c, &href, 5).await, "%PDF-");

    // --- A posting day: its book as PDF and CSV, tracking numbers typed in bulk.
    let day = c
        .execute(
            r"for (const tr of document.querySelectorAll('tbody tr')) {
                const cells = tr.querySelectorAll('td');
                if (cells[3].textContent.trim() === 'list polecony') {
                    const [d, m, y] = cells[1].textContent.trim().split('.');
                    return `${y}-${m}-${d}`;
                }
              } return null;",
            vec![],
        )
        .await
        .unwrap();
    let day = day
        .as_str()
        .expect("the demo posted a registered letter")
        .to_owned();
    c.goto(&format!("{base}/letters?day={day}")).await.unwrap();
    assert_eq!(
        fetch_start(&c, &format!("/letters/book/{day}?format=pdf"), 5).await,
        "%PDF-"
    );
    let csv = fetch_start(&c, &format!("/letters/book/{day}?format=csv"), 400).await;
    assert!(csv.contains("polecony"), "{csv}");
    let first = c
        .find(Locator::Css("input[name^='tracking.']"))
        .await
        .unwrap();
    first.clear().await.unwrap();
    first.send_keys("RR123456789PL").await.unwrap();
    shot(&c, "14-posting-book").await;
    click(&c, "form[action='/letters/tracking'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    assert!(page_text(&c).await.contains("Zapisano numery nadania."));
    assert_eq!(
        c.find(Locator::Css("input[name^='tracking.']"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("RR123456789PL")
    );
    // The history, exported with its filters (the page's link carries them).
    c.goto(&format!("{base}/history?channel=registered_letter"))
        .await
        .unwrap();
    let export = link(&c, "a[href^='/history?format=csv']").await;
    assert!(
        export.starts_with("/history?format=csv&channel=registered_letter&"),
        "{export}"
    );
    let csv = fetch_start(&c, "/history?format=csv&channel=registered_letter", 2000).await;
    // TextDecoder drops the byte-order mark; the sheet writer's own tests hold it.
    assert!(csv.starts_with("Kiedy;"), "{csv}");
    assert!(
        csv.contains("List polecony") && !csv.contains(";SMS;"),
        "{csv}"
    );

    // --- A process with three stages, and what it would send in the next 30 days.
    c.goto(&format!("{base}/processes/new")).await.unwrap();
    fill(&c, "p-code", "TRZY").await;
    fill(&c, "p-name", "Trzy etapy").await;
    click(&c, "p.form-actions button[value=add]").await;
    c.wait().for_element(Locator::Id("s1-code")).await.unwrap();
    click(&c, "p.form-actions button[value=add]").await;
    c.wait().for_element(Locator::Id("s2-code")).await.unwrap();
    for (i, name, channel, offset, template) in [
        (0, "SMS przed terminem", "sms", "-3", "sms-przed"),
        (1, "E-mail po terminie", "email", "7", "email-wezwanie"),
        (
            2,
            "List polecony",
            "registered_letter",
            "21",
            "list-wezwanie",
        ),
    ] {
        fill(&c, &format!("s{i}-name"), name).await;
        c.find(Locator::Id(&format!("s{i}-channel")))
            .await
            .unwrap()
            .select_by_value(channel)
            .await
            .unwrap();
        let field = c.find(Locator::Id(&format!("s{i}-offset"))).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(offset).await.unwrap();
        fill(&c, &format!("s{i}-template"), template).await;
    }
    click(&c, "p.form-actions button[value=preview]").await;
    c.wait().for_element(Locator::Id("preview")).await.unwrap();
    let preview = text_of(&c, "#preview").await;
    assert!(
        preview.contains("Co proces wyśle w ciągu 30 dni"),
        "{preview}"
    );
    assert!(preview.contains("List polecony"), "{preview}");
    shot(&c, "11-process-editor").await;
    click(&c, "p.form-actions button[value=save]").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    assert!(page_text(&c).await.contains("Utworzono proces."));
    c.goto(&format!("{base}/processes")).await.unwrap();
    assert!(page_text(&c).await.contains("Trzy etapy"));
    shot(&c, "12-processes").await;

    // --- A template edited: the SMS preview follows the typing (htmx), with its length and
    // the Polish letters it replaces.
    c.goto(&format!("{base}/templates/sms-po")).await.unwrap();
    let body = c.find(Locator::Id("t-body")).await.unwrap();
    body.clear().await.unwrap();
    body.send_keys("Dzień dobry, ").await.unwrap();
    click(&c, "button[data-tag='<dluznik>']").await;
    body.send_keys(": zaległość ").await.unwrap();
    click(&c, "button[data-tag='<suma_naleznosci>']").await;
    c.wait()
        .for_element(Locator::XPath(
            "//pre[@id='preview-text' and contains(., 'Dzien dobry, Jan Kowalski: zaleglosc 1 374,56')]",
        ))
        .await
        .unwrap();
    let preview = text_of(&c, "#template-preview").await;
    assert!(preview.contains("1 część"), "{preview}");
    assert!(preview.contains("zastąpiono „ł” przez „l”"), "{preview}");
    shot(&c, "13-template-editor").await;
    click(&c, "p.form-actions button[value=save]").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    let saved = page_text(&c).await;
    assert!(saved.contains("Zapisano szablon."), "{saved}");
    assert!(saved.contains("Zapisano z zamianą znaków"), "{saved}");

    // --- The admin adds a viewer; the password is shown once.
    c.goto(&format!("{base}/admin")).await.unwrap();
    fill(&c, "new-email", "ksiegowa@hurtownia-zazolc.pl").await;
    click(&c, "form[action='/admin/users'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Id("secret-value"))
        .await
        .unwrap();
    let viewer_password = text_of(&c, "#secret-value").await;
    assert!(viewer_password.len() >= 10);
    assert!(page_text(&c).await.contains("ksiegowa@hurtownia-zazolc.pl"));
    shot(&c, "09-admin").await;
    // The audit log names the admin and shows what the template was before and after.
    c.goto(&format!("{base}/admin/audit?area=template"))
        .await
        .unwrap();
    let audit = page_text(&c).await;
    assert!(
        audit.contains("template.put") && audit.contains(ADMIN),
        "{audit}"
    );
    shot(&c, "19-audit").await;

    // --- A market of six other firms, whose trade debtors pay 10 days late; one slipped.
    inkaso_e2e::market::seed(&w.h.store, &base, w.h.clock.now(), ADMIN_PASSWORD)
        .await
        .unwrap();
    let slipping = inkaso_e2e::market::SLIPPING_ADMIN;

    // --- The statistics: the firm's figures, month by month, and the slowest payers.
    click(&c, "nav.main a[href='/stats']").await;
    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
    let stats = page_text(&c).await;
    assert!(stats.contains("DSO (metoda wsteczna)"), "{stats}");
    assert!(stats.contains("Należności w PLN"), "{stats}");
    // The stages the demo's process performed, each with what followed it.
    assert!(stats.contains("Skuteczność etapów"), "{stats}");
    assert!(stats.contains("STD/"), "{stats}");
    shot(&c, "20-stats").await;
    // The firm that slipped is told so, with the figures behind it.
    click(&c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Id("email")).await.unwrap();
    log_in(&c, &base, slipping, ADMIN_PASSWORD).await;
    c.goto(&format!("{base}/stats")).await.unwrap();
    let market = text_of(&c, "#market").await;
    assert!(
        market.contains("Gorzej niż w branżach Twoich dłużników"),
        "{market}"
    );
    shot(&c, "21-market").await;
    click(&c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Id("email")).await.unwrap();
    log_in(&c, &base, ADMIN, ADMIN_PASSWORD).await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    // A POST without the token is refused, even from the portal's own page.
    assert_eq!(
        post_from_page(&c, "/admin/agents", "name=x", false).await,
        403
    );
    click(&c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Id("email")).await.unwrap();

    // --- The viewer sees but cannot change: no forms, and a forged POST is refused.
    log_in(&c, &base, "ksiegowa@hurtownia-zazolc.pl", &viewer_password).await;
    assert!(
        c.find(Locator::Css("nav.main a[href='/admin']"))
            .await
            .is_err()
    );
    c.goto(debtor_url.as_str()).await.unwrap();
    assert!(c.find(Locator::Id("pause-form")).await.is_err());
    assert!(c.find(Locator::Css("input[name=doc]")).await.is_err());
    let pauses_path = format!("{}/pauses", debtor_url.path());
    assert_eq!(
        post_from_page(&c, &pauses_path, "kind=manual", true).await,
        403
    );
    c.goto(&format!("{base}/processes/TRZY")).await.unwrap();
    assert!(c.find(Locator::Css("p.form-actions")).await.is_err());
    assert_eq!(
        post_from_page(&c, "/processes/TRZY/delete", "", true).await,
        403
    );
    c.goto(&format!("{base}/admin")).await.unwrap();
    assert!(page_text(&c).await.contains("rola nie pozwala"));

    // --- English, remembered for the user.
    c.goto(&format!("{base}/")).await.unwrap();
    click_to_new_page(&c, "form[action='/lang'] button").await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "Dashboard");
    shot(&c, "10-dashboard-en").await;
    c.goto(&format!("{base}/debtors")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "Debtors");

    c.close().await.unwrap();
    drop(driver);
    w.stop().await.unwrap();
}

/// A law firm working for two creditors, in the browser: one inbox of both creditors' cases;
/// a lawyer accepts one, moves it to "in court" and adds a note; the creditor sees all of it on
/// its case page; a second law firm sees none of it, and a client's user opening a law firm's
/// page is refused. The inbox and the case page are saved as screenshots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_law_firm_works_its_cases_in_the_browser() {
    use inkaso_cloud::domain::ids::PartnerId;
    use inkaso_cloud::store::TenantScope;
    use inkaso_cloud::store::accounts::TenantKind;
    use inkaso_cloud::store::cases::NewCase;

    let (dir, w) = synced_demo(12, 30).await;
    let store = &w.h.store;
    let at = w.h.clock.now();
    let base = w.h.cloud_url();
    // Creditor 1 (the demo's firm) hands two of its debtors over.
    let mut open: std::collections::BTreeMap<(String, String), Vec<String>> =
        std::collections::BTreeMap::new();
    for r in sqlx::query(
        "SELECT agent_id, debtor_external_id, external_id FROM documents \
         WHERE tenant_id = $1 AND status = 'open' ORDER BY external_id",
    )
    .bind(w.h.tenant.as_str())
    .fetch_all(store.pool())
    .await
    .unwrap()
    {
        use sqlx::Row as _;
        open.entry((r.get(0), r.get(1))).or_default().push(r.get(2));
    }
    let mut first = Vec::new();
    for ((agent, debtor), documents) in open.into_iter().take(2) {
        let case = store
            .open_case(
                &w.h.tenant,
                &NewCase {
                    agent_id: agent,
                    debtor_external_id: debtor,
                    document_external_ids: documents,
                    ..NewCase::default()
                },
                "user:test",
                at,
            )
            .await
            .unwrap();
        first.push(case);
    }
    assert_eq!(first.len(), 2, "two debtors with open documents");
    // Creditor 2: another firm using the same law firm, its debtor synced by its own agent.
    let second = store
        .create_tenant(TenantKind::Client, "Sklep Gęślą", at)
        .await
        .unwrap();
    let second = TenantScope::operator(second.id);
    let lex = PartnerId::from(w.partner.id().clone());
    store.link_partner(&second, &lex, at).await.unwrap();
    let agent = store.create_agent(&second, "ERP", "cli", at).await.unwrap();
    let http = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let batch = json!({"protocol": 1, "seq": 1, "ops": [
        {"op": "upsert_debtor", "debtor": {"external_id": "G1", "kind": "person", "name": "Jan Gęślą",
         "email": null, "phone": "601 234 567",
         "address": {"street": "Długa 5/3", "postcode": "80-001", "city": "Gdańsk", "country": "PL"}}},
        {"op": "upsert_document", "document": {"external_id": "GD1", "debtor_external_id": "G1",
         "number": "PAR 17/2026", "issue_date": "2026-09-01", "due_date": "2026-09-15",
         "amount_minor": 123_400, "remaining_minor": 123_400, "currency": "PLN"}}
    ]});
    let r = http
        .post(format!("{base}/agent/v1/batches"))
        .bearer_auth(&agent.secret)
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    store
        .open_case(
            &second,
            &NewCase {
                agent_id: agent.id.clone(),
                debtor_external_id: "G1".into(),
                document_external_ids: vec!["GD1".into()],
                ..NewCase::default()
            },
            "user:test",
            at,
        )
        .await
        .unwrap();
    // The people: the law firm's lawyer, a second law firm's, and the creditor's admin.
    let other = store
        .create_tenant(TenantKind::Partner, "Kancelaria Kowalski", at)
        .await
        .unwrap();
    let other = TenantScope::operator(other.id);
    store
        .link_partner(&second, &PartnerId::from(other.id().clone()), at)
        .await
        .unwrap();
    for (scope, email, role) in [
        (&w.partner, "mecenas@kancelaria-lex.pl", Role::Editor),
        (&w.partner, "szefowa@kancelaria-lex.pl", Role::Admin),
        (&other, "prawnik@kowalski.pl", Role::Editor),
        (&w.h.tenant, ADMIN, Role::Admin),
    ] {
        store
            .add_user(
                scope,
                &Email::parse(email).unwrap(),
                role,
                ADMIN_PASSWORD,
                "cli",
                at,
            )
            .await
            .unwrap();
    }

    let driver = start_driver();
    let c = connect(&driver, &dir.path().join("chromium")).await;

    // --- The lawyer's inbox: both creditors, counted per status.
    log_in(&c, &base, "mecenas@kancelaria-lex.pl", ADMIN_PASSWORD).await;
    assert_eq!(c.current_url().await.unwrap().path(), "/partner");
    let inbox = page_text(&c).await;
    for text in [
        "Kancelaria Prawna Lex",
        "Hurtownia Zażółć",
        "Sklep Gęślą",
        "Jan Gęślą",
        "nowa 3",
    ] {
        assert!(inbox.contains(text), "{text} in {inbox}");
    }
    shot(&c, "30-partner-inbox").await;
    // One creditor only, with the filter (htmx swaps the list).
    let creditor = c.find(Locator::Id("creditor")).await.unwrap();
    creditor.select_by_label("Sklep Gęślą").await.unwrap();
    // htmx swaps the list in place: wait until the other creditor's rows are gone.
    for _ in 0..50 {
        if !text_of(&c, "#results table")
            .await
            .contains("Hurtownia Zażółć")
        {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    let filtered = text_of(&c, "#results table").await;
    assert!(filtered.contains("Jan Gęślą"), "{filtered}");
    assert!(!filtered.contains("Hurtownia Zażółć"), "{filtered}");

    // --- The case of creditor 1: accept, then "in court" with a note, then a note.
    let case = &first[0];
    c.goto(&format!("{base}/partner/cases/{}", case.id))
        .await
        .unwrap();
    click(&c, "input[name=to][value=accept]").await;
    submit_for_notice(&c, "#change-form button[type=submit]").await;
    click(&c, "input[name=to][value=in_court]").await;
    fill(&c, "change-note", "Pozew złożony w EPU").await;
    submit_for_notice(&c, "#change-form button[type=submit]").await;
    fill(&c, "note", "Termin rozprawy: 12 stycznia").await;
    submit_for_notice(&c, "#note-form button[type=submit]").await;
    // A file from the lawyer's disk: the statement of claim.
    let pdf = dir.path().join("pozew-EPU.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    )
    .unwrap();
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    submit_for_notice(&c, "#file-form button[type=submit]").await;
    let text = page_text(&c).await;
    for t in [
        "w sądzie",
        "Pozew złożony w EPU",
        "Termin rozprawy: 12 stycznia",
        "Twoja kancelaria",
        "pozew-EPU.pdf",
    ] {
        assert!(text.contains(t), "{t} in {text}");
    }
    shot(&c, "31-partner-case").await;
    // The same in English: the inbox and the case, then back to Polish for the others.
    click_to_new_page(&c, "form[action='/lang'] button").await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let text = page_text(&c).await;
    for t in [
        "Statutory interest to today",
        "Case files",
        "in court",
        "your law firm",
    ] {
        assert!(text.contains(t), "{t} in {text}");
    }
    c.goto(&format!("{base}/partner")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "Cases handed to the law firm");
    shot(&c, "32-partner-inbox-en").await;
    click_to_new_page(&c, "form[action='/lang'] button").await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    click(&c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Id("email")).await.unwrap();

    // --- The law firm's admin sets the digest of new cases: weekly, from 8:00, to the office.
    log_in(&c, &base, "szefowa@kancelaria-lex.pl", ADMIN_PASSWORD).await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "Zespół");
    c.find(Locator::Id("digest"))
        .await
        .unwrap()
        .select_by_label("raz w tygodniu (w poniedziałek)")
        .await
        .unwrap();
    c.find(Locator::Id("digest-hour"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    fill(&c, "digest-hour", "8").await;
    fill(&c, "recipients", "sekretariat@kancelaria-lex.pl").await;
    click(&c, "form[action='/admin/case-mail'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();
    let text = page_text(&c).await;
    assert!(
        text.contains("Zapisano ustawienia powiadomień e-mail."),
        "{text}"
    );
    let saved = store.case_mail_settings(&w.partner).await.unwrap();
    assert_eq!(
        (saved.digest.as_str(), saved.digest_hour),
        ("weekly", 8),
        "{saved:?}"
    );
    assert_eq!(
        saved.recipients[0].as_str(),
        "sekretariat@kancelaria-lex.pl"
    );
    c.goto(&format!("{base}/admin#case-mail")).await.unwrap();
    shot(&c, "33-partner-team-mail").await;
    click(&c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Id("email")).await.unwrap();

    // --- A second law firm sees none of it, and cannot open the case.
    log_in(&c, &base, "prawnik@kowalski.pl", ADMIN_PASSWORD).await;
    let text = page_text(&c).await;
    assert!(
        !text.contains("Jan Gęślą") && !text.contains(&case.debtor_name),
        "{text}"
    );
    c.goto(&format!("{base}/partner/cases/{}", case.id))
        .await
        .unwrap();
    assert!(
        page_text(&c).await.contains("Nie ma takiej strony"),
        "another law firm: 404"
    );
    c.goto(&format!("{base}/partner")).await.unwrap();
    click(&c, "form[action='/logout'] button").await;
    c.wait().for_element(Locator::Id("email")).await.unwrap();

    // --- The creditor sees every change on its case page; the law firm's pages refuse it.
    log_in(&c, &base, ADMIN, ADMIN_PASSWORD).await;
    c.goto(&format!("{base}/cases/{}", case.id)).await.unwrap();
    let text = page_text(&c).await;
    for t in [
        "w sądzie",
        "Pozew złożony w EPU",
        "Termin rozprawy: 12 stycznia",
        "pozew-EPU.pdf",
    ] {
        assert!(text.contains(t), "{t} in {text}");
    }
    c.goto(&format!("{base}/partner")).await.unwrap();
    assert!(
        page_text(&c)
            .await
            .contains("Ta strona jest dla kancelarii")
    );

    c.close().await.unwrap();
    drop(driver);
    w.stop().await.unwrap();
}
