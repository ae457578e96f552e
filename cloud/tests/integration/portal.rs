//! The portal's sessions and route table over real HTTP (no browser): logging in by e-mail and
//! choosing the firm, the cookie's attributes, idle expiry, and for every state-changing route:
//! no CSRF token → 403, a cross-site request → 403, a viewer → 403, another firm's object → 404.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: scenarios read top to bottom

use chrono::Duration;
use inkaso_cloud::store::Backend;
use inkaso_cloud::store::accounts::Role;
use reqwest::redirect::Policy;
use serde_json::json;

use crate::common::{Env, company, doc, nip};

on_both!(
    login_chooses_the_firm_and_sessions_expire,
    route_table,
    processes_and_templates,
    settings_in_the_portal,
    debtor_actions_and_cases,
    administration_api_and_audit
);

const COOKIE: &str = "__Host-inkaso";

/// A process editor's form: three stages, saved as `NOWY`.
const NEW_PROCESS: &str = "op=save&original=&code=NOWY&name=Nowy+proces&catch_up_days=30&is_default=1\
    &stages[0].code=S-3&stages[0].name=SMS&stages[0].channel=sms&stages[0].offset_days=-3&stages[0].template=sms\
    &stages[0].window.weekdays=mon&stages[0].window.weekdays=tue&stages[0].window.weekdays=wed\
    &stages[0].window.weekdays=thu&stages[0].window.weekdays=fri&stages[0].window.start_hour=9&stages[0].window.end_hour=17\
    &stages[1].code=E7&stages[1].name=Wezwanie&stages[1].channel=email&stages[1].offset_days=7&stages[1].template=email\
    &stages[1].window.weekdays=mon&stages[1].window.weekdays=fri&stages[1].window.start_hour=9&stages[1].window.end_hour=17\
    &stages[2].code=L14&stages[2].name=List&stages[2].channel=letter&stages[2].offset_days=14&stages[2].template=list\
    &stages[2].pdf=demand&stages[2].window.weekdays=wed&stages[2].window.start_hour=8&stages[2].window.end_hour=16";

/// A one-stage process for the JSON API.
fn process(code: &str) -> serde_json::Value {
    json!({"code": code, "name": format!("Proces {code}"), "is_default": true, "stages": [
        {"code": "E7", "name": "E-mail", "channel": "email", "offset_days": 7, "template": "email"}
    ]})
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The session cookie's value from a login answer.
fn session_of(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{COOKIE}=")))
        .map(|v| v.split(';').next().unwrap()[COOKIE.len() + 1..].to_owned())
}

pub(crate) fn hidden(html: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

pub(crate) async fn log_in(env: &Env, email: &str, password: &str) -> String {
    let resp = client()
        .post(env.url("/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "{email}");
    session_of(&resp).unwrap()
}

async fn get(env: &Env, session: &str, path: &str) -> reqwest::Response {
    client()
        .get(env.url(path))
        .header("cookie", format!("{COOKIE}={session}"))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn page(env: &Env, session: &str, path: &str) -> (u16, String) {
    let resp = get(env, session, path).await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// A download's bytes (a PDF), asserting it answered 200.
pub(crate) async fn bytes(env: &Env, session: &str, path: &str) -> Vec<u8> {
    let resp = get(env, session, path).await;
    assert_eq!(resp.status(), 200, "{path}");
    resp.bytes().await.unwrap().to_vec()
}

pub(crate) async fn csrf(env: &Env, session: &str) -> String {
    let (status, html) = page(env, session, "/account").await;
    assert_eq!(status, 200);
    hidden(&html, "_csrf").remove(0)
}

pub(crate) async fn post(
    env: &Env,
    session: &str,
    path: &str,
    body: &str,
    token: Option<&str>,
    site: Option<&str>,
) -> (u16, String) {
    let mut req = client()
        .post(env.url(path))
        .header("cookie", format!("{COOKIE}={session}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(t) = token {
        req = req.header("x-csrf-token", t);
    }
    if let Some(s) = site {
        req = req.header("sec-fetch-site", s);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// A session of the fixtures' admin (`szef@firma.pl`, in every fixture firm) in `tenant`,
/// chosen after the password.
pub(crate) async fn log_in_to(env: &Env, tenant: &str) -> String {
    let resp = client()
        .post(env.url("/login"))
        .form(&[
            ("email", "szef@firma.pl"),
            ("password", "bardzo-tajne-haslo"),
        ])
        .send()
        .await
        .unwrap();
    let html = resp.text().await.unwrap();
    let choice = hidden(&html, "choice").remove(0);
    let resp = client()
        .post(env.url("/login/choose"))
        .form(&[("choice", choice.as_str()), ("tenant", tenant)])
        .send()
        .await
        .unwrap();
    session_of(&resp).unwrap()
}

async fn login_chooses_the_firm_and_sessions_expire(backend: Backend) {
    let env = Env::new(backend).await;
    // The fixture gives every firm the same admin e-mail and password.
    let _alfa = env.tenant("Alfa").await;
    let beta = env.tenant("Beta").await;

    let resp = client()
        .post(env.url("/login"))
        .form(&[
            ("email", "SZEF@firma.pl"),
            ("password", "bardzo-tajne-haslo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(session_of(&resp).is_none(), "no session before the choice");
    let html = resp.text().await.unwrap();
    assert!(html.contains("Alfa") && html.contains("Beta"), "{html}");
    let choice = hidden(&html, "choice").remove(0);
    let tenants = hidden(&html, "tenant");
    assert_eq!(tenants.len(), 2);
    assert!(tenants.contains(&beta.scope.as_str().to_owned()));

    let resp = client()
        .post(env.url("/login/choose"))
        .form(&[("choice", choice.as_str()), ("tenant", beta.scope.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(COOKIE))
        .unwrap();
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    let session = session_of(&resp).unwrap();
    let (status, html) = page(&env, &session, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Beta") && html.contains("Pulpit"), "{html}");

    // A choice is used once.
    let resp = client()
        .post(env.url("/login/choose"))
        .form(&[("choice", choice.as_str()), ("tenant", beta.scope.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // A wrong password is refused without saying which part was wrong.
    let resp = client()
        .post(env.url("/login"))
        .form(&[("email", "szef@firma.pl"), ("password", "nie-to-haslo")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("Nieprawidłowy e-mail lub hasło")
    );

    // Without a session a page sends the person to log in, and back afterwards.
    let resp = client().get(env.url("/debtors?q=a")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["location"].to_str().unwrap(),
        "/login?next=%2Fdebtors%3Fq%3Da"
    );

    // An hour unused ends the session; use within it keeps it alive.
    env.clock.advance(Duration::minutes(50));
    assert_eq!(page(&env, &session, "/").await.0, 200);
    env.clock.advance(Duration::minutes(50));
    assert_eq!(page(&env, &session, "/").await.0, 200);
    env.clock.advance(Duration::minutes(61));
    assert_eq!(page(&env, &session, "/").await.0, 303);

    // An unknown address is a page for a browser and JSON for a program.
    let resp = client()
        .get(env.url("/nie-ma"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("<html"));
    let resp = client()
        .get(env.url("/api/v1/nie-ma"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("\"error\""));
}

async fn route_table(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Alfa").await;
    let b = env.tenant("Beta").await;
    for (t, ext) in [(&a, "K1"), (&b, "K9")] {
        env.batch_ok(
            &t.agent_token,
            1,
            json!([
                company(ext, "Dłużnik", &nip(if ext == "K1" { 1 } else { 9 })),
                doc("D1", ext, "2026-11-01", 10_000, 10_000)
            ]),
        )
        .await;
    }
    env.person(
        &a.scope,
        "podglad@alfa.pl",
        Role::Viewer,
        "haslo-podgladu-123",
    )
    .await;
    let b_user = env.store.users(&b.scope).await.unwrap().remove(0).id;
    for (t, code, template) in [(&a, "ALFA", "alfa-sms"), (&b, "BETA", "beta-sms")] {
        let (s, v) = env
            .put(
                &t.admin,
                &format!("/api/v1/processes/{code}"),
                &process(code),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let (s, v) = env
            .put(
                &t.admin,
                &format!("/api/v1/templates/{template}"),
                &json!({"name": "SMS", "channel": "sms", "reason": "arrears", "lang": "pl", "body": "Zaległość <suma_naleznosci>"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let debtor_of = |token: String| {
        let env = &env;
        async move {
            let (_, v) = env.get(&token, "/api/v1/debtors").await;
            v["items"][0]["id"].as_str().unwrap().to_owned()
        }
    };
    let a_debtor = debtor_of(a.admin.clone()).await;
    let b_debtor = debtor_of(b.admin.clone()).await;
    let (_, v) = env.get(&b.admin, "/api/v1/documents").await;
    let b_document = v["items"][0]["id"].as_str().unwrap().to_owned();

    // The admin's session in A comes from a choice (the e-mail is in both firms).
    let admin = log_in_to(&env, a.scope.as_str()).await;
    let admin_token = csrf(&env, &admin).await;
    let viewer = log_in(&env, "podglad@alfa.pl", "haslo-podgladu-123").await;
    let viewer_token = csrf(&env, &viewer).await;

    // Every state-changing route: (path, body, a viewer may do it).
    let routes: Vec<(String, &str, bool)> = vec![
        ("/lang".into(), "lang=pl", true),
        (
            "/account/password".into(),
            "current=x&new=yyyyyyyyyyyy&confirm=yyyyyyyyyyyy",
            true,
        ),
        (format!("/debtors/{a_debtor}/pauses"), "kind=manual", false),
        (format!("/debtors/{a_debtor}/pauses/p1/lift"), "", false),
        ("/tasks/t1/close".into(), "note=x", false),
        (format!("/debtors/{a_debtor}/run"), "stage=E7", false),
        (format!("/debtors/{a_debtor}/handoff"), "note=x", false),
        (format!("/debtors/{a_debtor}/sector"), "sector=G", false),
        ("/cases/c1/notes".into(), "note=x", false),
        (
            "/admin/users".into(),
            "email=nowy%40alfa.pl&role=viewer",
            false,
        ),
        ("/admin/users/u1/role".into(), "role=admin", false),
        ("/admin/users/u1/disabled".into(), "disabled=true", false),
        ("/admin/users/u1/reset".into(), "", false),
        ("/admin/agents".into(), "name=nowy", false),
        (
            format!("/admin/agents/{}/revoke", a.agent.as_str()),
            "",
            false,
        ),
        (
            format!("/admin/agents/{}/rotate", a.agent.as_str()),
            "",
            false,
        ),
        ("/admin/tokens".into(), "name=ERP&role=viewer", false),
        ("/admin/tokens/t1/revoke".into(), "", false),
        ("/processes/edit".into(), NEW_PROCESS, false),
        ("/processes/rules".into(), "process=", false),
        ("/processes/ALFA/default".into(), "", false),
        ("/processes/ALFA/delete".into(), "", false),
        (
            "/templates/edit".into(),
            "op=save&code=t1&name=T&channel=sms&reason=arrears&lang=pl&body=Hej",
            false,
        ),
        ("/templates/preview".into(), "channel=sms&body=Hej", true),
        ("/templates/alfa-sms/delete".into(), "", false),
        (
            "/settings/channels".into(),
            "deadline_days=7&task_due_days=2",
            false,
        ),
        (
            "/settings/collection".into(),
            "sync_max_age_hours=24",
            false,
        ),
        ("/settings/channels/sms/resume".into(), "", false),
        ("/settings/sms-check".into(), "", false),
        (
            "/settings/exclusions".into(),
            "kind=nip&value=5260250274",
            false,
        ),
        ("/settings/exclusions/x1/delete".into(), "", false),
        ("/logout".into(), "", true),
    ];
    for (path, body, viewer_may) in &routes {
        let (status, html) = post(&env, &admin, path, body, None, None).await;
        assert_eq!(status, 403, "{path} without a token");
        assert!(html.contains("Formularz wygasł"), "{path}: {html}");
        let (status, _) = post(
            &env,
            &admin,
            path,
            body,
            Some("0".repeat(32).as_str()),
            None,
        )
        .await;
        assert_eq!(status, 403, "{path} with another token");
        let (status, _) = post(
            &env,
            &admin,
            path,
            body,
            Some(&admin_token),
            Some("cross-site"),
        )
        .await;
        assert_eq!(status, 403, "{path} cross-site");
        if !viewer_may {
            let (status, html) = post(&env, &viewer, path, body, Some(&viewer_token), None).await;
            assert_eq!(status, 403, "{path} as a viewer");
            assert!(html.contains("rola nie pozwala"), "{path}: {html}");
        }
    }

    // Another firm's objects do not exist for A's admin.
    for (path, body) in [
        ("/processes/BETA/default".to_owned(), ""),
        ("/processes/BETA/delete".to_owned(), ""),
        ("/templates/beta-sms/delete".to_owned(), ""),
        (format!("/debtors/{b_debtor}/pauses"), "kind=manual"),
        (format!("/debtors/{b_debtor}/sector"), "sector=G"),
        (format!("/admin/users/{b_user}/role"), "role=viewer"),
        (format!("/admin/users/{b_user}/disabled"), "disabled=true"),
        (format!("/admin/users/{b_user}/reset"), ""),
        (format!("/admin/agents/{}/revoke", b.agent.as_str()), ""),
        (format!("/admin/agents/{}/rotate", b.agent.as_str()), ""),
    ] {
        let (status, _) = post(&env, &admin, &path, body, Some(&admin_token), None).await;
        assert_eq!(status, 404, "{path}");
    }
    for path in [
        "/processes/BETA".to_owned(),
        "/templates/beta-sms".to_owned(),
        format!("/debtors/{b_debtor}"),
        format!("/documents/{b_document}"),
        "/letters/l1/pdf".to_owned(),
    ] {
        assert_eq!(page(&env, &admin, &path).await.0, 404, "{path}");
    }
    assert_eq!(page(&env, &viewer, "/admin").await.0, 403);
    assert_eq!(page(&env, &viewer, "/admin/audit").await.0, 403);
    // B's users and agent are untouched; A's own objects answer.
    assert!(!env.store.users(&b.scope).await.unwrap()[0].disabled);
    let (status, html) = page(&env, &admin, &format!("/debtors/{a_debtor}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("FS D1/2026"), "{html}");

    // The last admin cannot lose the role; the firm keeps someone who can manage it.
    let me = env
        .store
        .users(&a.scope)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == Role::Admin)
        .unwrap();
    let (status, html) = post(
        &env,
        &admin,
        &format!("/admin/users/{}/role", me.id),
        "role=viewer",
        Some(&admin_token),
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert!(html.contains("ostatni aktywny administrator"), "{html}");

    // A viewer made editor loses the old session (rights are read at login).
    let podglad = env
        .store
        .users(&a.scope)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.email == "podglad@alfa.pl")
        .unwrap();
    let (status, _) = post(
        &env,
        &admin,
        &format!("/admin/users/{}/role", podglad.id),
        "role=editor",
        Some(&admin_token),
        None,
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(page(&env, &viewer, "/").await.0, 303);
}

/// A POST's status, `Location` and page.
async fn submit(
    env: &Env,
    session: &str,
    token: &str,
    path: &str,
    body: &str,
) -> (u16, String, String) {
    let resp = client()
        .post(env.url(path))
        .header("cookie", format!("{COOKIE}={session}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-csrf-token", token)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, resp.text().await.unwrap())
}

/// The process editor and the template editor over plain HTTP (what a browser without
/// JavaScript does): the 30-day preview on the firm's data, every refusal next to its field,
/// saving; a template's SMS preview and the characters saving replaced; both audited.
async fn processes_and_templates(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Alfa").await;
    let today = env.clock_now().date_naive();
    let due = (today + Duration::days(2)).format("%Y-%m-%d").to_string();
    env.batch_ok(
        &t.agent_token,
        1,
        json!([
            company("K1", "Hurtownia Kowalski", &nip(1)),
            doc("D1", "K1", &due, 120_000, 120_000)
        ]),
    )
    .await;
    let session = log_in(&env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let token = csrf(&env, &session).await;

    // The preview: nobody has the process yet, so it runs on every debtor with open documents.
    let preview = NEW_PROCESS.replace("op=save", "op=preview");
    let (status, _, html) = submit(&env, &session, &token, "/processes/edit", &preview).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Co proces wyśle w ciągu 30 dni"), "{html}");
    assert!(html.contains("tak jakby obejmował wszystkich"), "{html}");
    assert!(html.contains("Hurtownia Kowalski"), "{html}");
    for stage in ["S-3", "E7", "L14"] {
        assert!(
            html.contains(&format!("<td>{stage}</td>")),
            "{stage} previewed: {html}"
        );
    }
    // The timeline draws the three stages.
    assert_eq!(html.matches("class=\"mark ch-").count(), 3, "{html}");

    // Refusals land next to their fields, all at once; nothing is saved.
    let bad = NEW_PROCESS
        .replace("stages[1].window.end_hour=17", "stages[1].window.end_hour=8")
        .replace("stages[2].offset_days=14", "stages[2].offset_days=dwa")
        .replace("stages[0].window.weekdays=mon&stages[0].window.weekdays=tue&stages[0].window.weekdays=wed&stages[0].window.weekdays=thu&stages[0].window.weekdays=fri&", "");
    let (status, _, html) = submit(&env, &session, &token, "/processes/edit", &bad).await;
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("Popraw 3 pola oznaczone poniżej"), "{html}");
    for (id, text) in [
        ("s1-to-err", "godzina"),
        ("s2-offset-help", "wpisz liczbę całkowitą"),
        ("s0-days-err", "dzień"),
    ] {
        let at = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {html}"));
        let small = &html[at..at + html[at..].find("</small>").unwrap()];
        assert!(small.contains(text), "{id}: {small}");
    }
    assert!(
        html.contains("value=\"dwa\""),
        "the typed text is kept: {html}"
    );
    let (_, v) = env.get(&t.viewer, "/api/v1/processes").await;
    assert_eq!(v.as_array().unwrap().len(), 0, "{v}");

    // Saved: the editor opens on it and says so.
    let (status, location, _) =
        submit(&env, &session, &token, "/processes/edit", NEW_PROCESS).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/processes/NOWY?done=process-created")
    );
    let (status, html) = page(&env, &session, &location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Utworzono proces."), "{html}");
    let (_, v) = env.get(&t.viewer, "/api/v1/processes/NOWY").await;
    assert_eq!(v["stages"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(v["stages"][2]["pdf"]["title"], "demand", "{v}");
    assert_eq!(
        v["stages"][1]["window"]["weekdays"],
        json!(["mon", "fri"]),
        "{v}"
    );
    // Its preview now covers the debtors it applies to.
    let (_, _, html) = submit(
        &env,
        &session,
        &token,
        "/processes/edit",
        &preview.replace("original=", "original=NOWY"),
    )
    .await;
    assert!(
        html.contains("Podgląd dla 1 dłużnika, którego obejmuje ten proces"),
        "{html}"
    );
    let (_, list) = page(&env, &session, "/processes").await;
    assert!(
        list.contains("3 etapy") && list.contains("do 14 dni po terminie"),
        "{list}"
    );

    // Templates: the live preview shows the SMS as sent, its length and what was replaced.
    let (status, _, html) = submit(
        &env,
        &session,
        &token,
        "/templates/preview",
        "channel=sms&reason=arrears&lang=pl&body=Zaleg%C5%82o%C5%9B%C4%87+%3Csuma_naleznosci%3E+dla+%3Cdluznik%3E",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("<html"), "a fragment: {html}");
    assert!(html.contains("Zaleglosc 1 374,56 zl"), "{html}");
    assert!(html.contains("1 część"), "{html}");
    assert!(html.contains("zastąpiono „ł” przez „l”"), "{html}");
    let (_, _, html) = submit(
        &env,
        &session,
        &token,
        "/templates/preview",
        "channel=sms&reason=upcoming&body=%3Ckod_naleznosci%3E",
    )
    .await;
    assert!(
        html.contains("nie jest dostępny dla przyczyny kontaktu"),
        "{html}"
    );

    // An unknown tag is refused at the body; a good template is saved with the letters folded.
    let (status, _, html) = submit(
        &env,
        &session,
        &token,
        "/templates/edit",
        "op=save&code=sms-po&name=SMS+po&channel=sms&reason=arrears&lang=pl&body=Hej+%3Cnieznany%3E",
    )
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(
        html.contains("nieznany znacznik „&#60;nieznany&#62;”"),
        "{html}"
    );
    assert!(
        html.contains("id=\"t-body\" name=\"body\" rows=\"9\" aria-invalid=\"true\""),
        "{html}"
    );
    let (status, location, _) = submit(
        &env,
        &session,
        &token,
        "/templates/edit",
        "op=save&code=sms-po&name=SMS+po&channel=sms&reason=arrears&lang=pl&body=Prosimy+o+wp%C5%82at%C4%99+%3Csuma_naleznosci%3E",
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&env, &session, &location).await;
    assert!(html.contains("Zapisano szablon."), "{html}");
    assert!(html.contains("Zapisano z zamianą znaków"), "{html}");
    assert!(html.contains("Prosimy o wplate"), "{html}");

    // Both changes are in the audit log, the template's with what it was and became.
    let audit = env
        .store
        .audit_log(
            &t.scope,
            &inkaso_cloud::store::accounts::AuditFilter {
                limit: Some(50),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
    assert!(
        audit
            .iter()
            .any(|e| e.action == "process.put" && e.target == "NOWY"),
        "{audit:?}"
    );
    let entry = audit.iter().find(|e| e.action == "template.put").unwrap();
    assert!(
        entry.details.contains("\"before\":null") && entry.details.contains("wplate"),
        "{entry:?}"
    );
}

/// Settings: a bank account that fails its checksum is refused naming the field, a good one
/// saved in its print form; an editor cannot change blind copies nor turn test mode off;
/// exclusions are added and removed.
async fn settings_in_the_portal(backend: Backend) {
    let env = Env::new(backend).await;
    let t = env.tenant("Alfa").await;
    env.person(
        &t.scope,
        "edytor@alfa.pl",
        Role::Editor,
        "haslo-edytora-123",
    )
    .await;
    let admin = log_in(&env, "szef@firma.pl", "bardzo-tajne-haslo").await;
    let admin_token = csrf(&env, &admin).await;
    let form = |bank: &str, bcc: &str| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("creditor_name", "Alfa Sp. z o.o.")
            .append_pair("creditor_street", "ul. Długa 1")
            .append_pair("creditor_postcode_city", "00-950 Warszawa")
            .append_pair("creditor_bank_account", bank)
            .append_pair("stage_bcc", bcc)
            .append_pair("deadline_days", "7")
            .append_pair("task_due_days", "2")
            .append_pair("return_receipt", "1")
            .finish()
    };
    let (status, _, html) = submit(
        &env,
        &admin,
        &admin_token,
        "/settings/channels",
        &form("12 1020 1026 0000 0102 0304 0506", ""),
    )
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(
        html.contains("nie jest poprawnym numerem rachunku"),
        "{html}"
    );
    assert!(
        html.contains("name=\"creditor_bank_account\" type=\"text\" value=\"12 1020"),
        "kept: {html}"
    );
    // The reason stands under the account's field, not only above the form.
    let under = html
        .split("id=\"creditor-bank-account-error\"")
        .nth(1)
        .unwrap_or_default();
    assert!(under.starts_with(" class=\"field-error\""), "{html}");
    assert!(
        under
            .split("</small>")
            .next()
            .unwrap_or_default()
            .contains("nie jest poprawnym numerem rachunku"),
        "{html}"
    );
    let (status, location, _) = submit(
        &env,
        &admin,
        &admin_token,
        "/settings/channels",
        &form("PL47102010260000010203040506", "E7: kopia@alfa.pl"),
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/settings?done=settings-saved")
    );
    let (_, v) = env.get(&t.viewer, "/api/v1/channel-settings").await;
    assert_eq!(
        v["creditor"]["bank_account"], "47 1020 1026 0000 0102 0304 0506",
        "{v}"
    );
    assert_eq!(
        v["email"]["stage_bcc"]["E7"],
        json!(["kopia@alfa.pl"]),
        "{v}"
    );
    // The firm's SMS sender name by SMSAPI's rules: a phone-like one is refused under its
    // field, a good one is kept (and the API shows it).
    let with_sender = |sender: &str| {
        format!(
            "{}&sms_sender={sender}",
            form("PL47102010260000010203040506", "E7: kopia@alfa.pl")
        )
    };
    let (status, _, html) = submit(
        &env,
        &admin,
        &admin_token,
        "/settings/channels",
        &with_sender("600100200"),
    )
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("id=\"sms-sender-error\""), "{html}");
    assert!(html.contains("więcej niż 3 cyfry z rzędu"), "{html}");
    let (status, _, _) = submit(
        &env,
        &admin,
        &admin_token,
        "/settings/channels",
        &with_sender("Alfa+Sp"),
    )
    .await;
    assert_eq!(status, 303);
    let (_, v) = env.get(&t.viewer, "/api/v1/channel-settings").await;
    assert_eq!(v["sms"]["sender"], "Alfa Sp", "{v}");
    // The connection test: this installation has no SMS gateway, and says so.
    let (status, _, html) = submit(&env, &admin, &admin_token, "/settings/sms-check", "").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("nie ma skonfigurowanej bramki SMS"), "{html}");
    assert!(html.contains("wychodzą jako „Alfa Sp”"), "{html}");
    let (status, body) = env
        .post(&t.admin, "/api/v1/channel-settings/sms-check", &json!({}))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("not_configured")),
        "{body}"
    );

    // The API refuses the same account with the same words.
    let mut bad = v.clone();
    bad["creditor"]["bank_account"] = json!("12 1020 1026 0000 0102 0304 0506");
    let (status, body) = env.put(&t.admin, "/api/v1/channel-settings", &bad).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.to_string()
            .contains("nie jest poprawnym numerem rachunku"),
        "{body}"
    );

    // An editor: blind copies stay the admin's; test mode on is allowed, off is not.
    let editor = log_in(&env, "edytor@alfa.pl", "haslo-edytora-123").await;
    let editor_token = csrf(&env, &editor).await;
    let (status, _, _) = submit(
        &env,
        &editor,
        &editor_token,
        "/settings/channels",
        &form("47 1020 1026 0000 0102 0304 0506", "E7: obcy@example.com"),
    )
    .await;
    assert_eq!(status, 303);
    let (_, v) = env.get(&t.viewer, "/api/v1/channel-settings").await;
    assert_eq!(
        v["email"]["stage_bcc"]["E7"],
        json!(["kopia@alfa.pl"]),
        "{v}"
    );
    let (status, _, _) = submit(
        &env,
        &editor,
        &editor_token,
        "/settings/collection",
        "test_mode=1&sync_max_age_hours=24",
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, html) = submit(
        &env,
        &editor,
        &editor_token,
        "/settings/collection",
        "sync_max_age_hours=24",
    )
    .await;
    assert_eq!(status, 403, "{html}");
    assert!(
        env.store
            .collection_settings(&t.scope)
            .await
            .unwrap()
            .test_mode
    );
    let (status, _, _) = submit(
        &env,
        &admin,
        &admin_token,
        "/settings/collection",
        "sync_max_age_hours=48",
    )
    .await;
    assert_eq!(status, 303);
    let settings = env.store.collection_settings(&t.scope).await.unwrap();
    assert!(!settings.test_mode);
    assert_eq!(settings.policy.sync_max_age_hours, 48);

    // Exclusions: a bad NIP is refused beside the form, a good one listed and removable.
    let (status, _, html) = submit(
        &env,
        &editor,
        &editor_token,
        "/settings/exclusions",
        "kind=nip&value=123",
    )
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("id=\"exclusion-error\""), "{html}");
    let (status, _, _) = submit(
        &env,
        &editor,
        &editor_token,
        "/settings/exclusions",
        "kind=min_remaining&amount=50%2C00",
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&env, &editor, "/settings").await;
    assert!(
        html.contains("do zapłaty mniej niż") && html.contains("50,00"),
        "{html}"
    );
    let id = html
        .split("/settings/exclusions/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let (status, _, _) = submit(
        &env,
        &editor,
        &editor_token,
        &format!("/settings/exclusions/{id}/delete"),
        "",
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&env, &editor, "/settings").await;
    assert!(html.contains("Brak wykluczeń."), "{html}");
}

/// The debtor's page as the place to act: a stage run now for ticked documents (once, however
/// often the form is sent), documents handed to the law firm, the case's page with notes both
/// sides see, a task closed from the debtor's page; another firm's debtor and case do not exist.
async fn debtor_actions_and_cases(backend: Backend) {
    use inkaso_cloud::domain::ids::PartnerId;
    use inkaso_cloud::store::accounts::TenantKind;

    let env = Env::new(backend).await;
    let a = env.tenant("Alfa").await;
    let b = env.tenant("Beta").await;
    let now = env.clock_now();
    let law = env
        .store
        .create_tenant(TenantKind::Partner, "Kancelaria Prawna Lex", now)
        .await
        .unwrap();
    for t in [&a, &b] {
        env.store
            .link_partner(&t.scope, &PartnerId::from(law.id.clone()), now)
            .await
            .unwrap();
        env.batch_ok(
            &t.agent_token,
            1,
            json!([
                company("K1", "Hurtownia Kowalski", &nip(1)),
                doc("D1", "K1", "2026-10-01", 50_000, 50_000),
                doc("D2", "K1", "2026-10-15", 20_000, 20_000)
            ]),
        )
        .await;
        let (s, v) = env
            .put(&t.admin, "/api/v1/processes/ALFA", &process("ALFA"))
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let (_, v) = env.get(&a.admin, "/api/v1/debtors").await;
    let debtor = v["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, v) = env.get(&a.admin, "/api/v1/documents?status=open").await;
    let docs: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["number"].as_str().unwrap().to_owned(),
                d["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let d1 = docs
        .iter()
        .find(|(n, _)| n == "FS D1/2026")
        .unwrap()
        .1
        .clone();
    let d2 = docs
        .iter()
        .find(|(n, _)| n == "FS D2/2026")
        .unwrap()
        .1
        .clone();
    // B's case, opened through the API.
    let (_, v) = env.get(&b.admin, "/api/v1/debtors").await;
    let b_debtor = v["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, v) = env
        .post(
            &b.editor,
            "/api/v1/cases",
            &json!({"agent_id": b.agent.as_str(), "debtor_external_id": "K1", "document_external_ids": ["D1"]}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let b_case = v["id"].as_str().unwrap().to_owned();

    let session = log_in_to(&env, a.scope.as_str()).await;
    let token = csrf(&env, &session).await;
    let path = format!("/debtors/{debtor}");
    let (status, html) = page(&env, &session, &path).await;
    assert_eq!(status, 200);
    for text in [
        "Wykonaj etap teraz",
        "E-mail — E-mail, 7 dni po terminie",
        "Zaznaczone dokumenty trafią do kancelarii Kancelaria Prawna Lex",
        &format!("name=\"doc\" value=\"{d1}\""),
        "Dłużnik nie ma spraw w kancelarii",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    let request = hidden(&html, "request").remove(0);

    // Nothing ticked: refused on the page, nothing run.
    let (status, _, html) = submit(
        &env,
        &session,
        &token,
        &format!("{path}/run"),
        &format!("stage=E7&request={request}"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        html.contains("Zaznacz co najmniej jeden otwarty dokument"),
        "{html}"
    );
    // An unknown stage is named.
    let (status, _, html) = submit(
        &env,
        &session,
        &token,
        &format!("{path}/run"),
        &format!("stage=X9&doc={d1}&request={request}"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("X9"), "{html}");

    // Run for D1 only; the same form sent again performs nothing more.
    let body = format!("stage=E7&doc={d1}&request={request}");
    for _ in 0..2 {
        let (status, location, html) =
            submit(&env, &session, &token, &format!("{path}/run"), &body).await;
        assert_eq!(status, 303, "{html}");
        assert_eq!(location, format!("{path}?done=stage-run#history"));
    }
    let (_, v) = env
        .get(&a.viewer, &format!("/api/v1/debtors/{debtor}/actions"))
        .await;
    let manual: Vec<&serde_json::Value> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["automatic"] == false)
        .collect();
    assert_eq!(manual.len(), 1, "{v}");
    assert_eq!(manual[0]["stage"], "E7");
    let covered = manual[0]["documents"].to_string();
    assert!(
        covered.contains("FS D1/2026") || covered.contains("\"D1\""),
        "{covered}"
    );
    assert!(!covered.contains("D2"), "{covered}");
    let (_, html) = page(&env, &session, &format!("{path}?done=stage-run")).await;
    assert!(html.contains("Etap wykonany"), "{html}");

    // Hand D2 over with a note: the case's page opens.
    let (status, location, html) = submit(
        &env,
        &session,
        &token,
        &format!("{path}/handoff"),
        &format!(
            "doc={d2}&partner={}&note=Pilne%2C+dłużnik+nie+odbiera",
            law.id
        ),
    )
    .await;
    assert_eq!(status, 303, "{html}");
    assert!(location.ends_with("?done=case-opened"), "{location}");
    let case_path = location.split('?').next().unwrap().to_owned();
    let case_id = case_path.trim_start_matches("/cases/").to_owned();
    let (status, html) = page(&env, &session, &location).await;
    assert_eq!(status, 200);
    for text in [
        "Przekazano sprawę kancelarii.",
        "kancelaria Kancelaria Prawna Lex",
        "FS D2/2026",
        "200,00",
        "Pilne, dłużnik nie odbiera",
        "nowa",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    assert!(
        !html.contains("FS D1/2026"),
        "only D2 was handed over: {html}"
    );
    // The list and the debtor's page show it.
    let (_, html) = page(&env, &session, "/cases").await;
    assert!(
        html.contains(&format!("href=\"{case_path}\">Hurtownia Kowalski")),
        "{html}"
    );
    assert!(!html.contains(&b_case), "{html}");
    let (_, html) = page(&env, &session, "/cases?status=closed").await;
    assert!(html.contains("Brak spraw"), "{html}");
    let (_, html) = page(&env, &session, &path).await;
    assert!(html.contains(&format!("href=\"{case_path}\"")), "{html}");

    // Notes: an empty one is refused under the field; a real one reaches the law firm.
    let (status, _, html) = submit(
        &env,
        &session,
        &token,
        &format!("{case_path}/notes"),
        "note=+",
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("id=\"note-error\""), "{html}");
    let (status, location, _) = submit(
        &env,
        &session,
        &token,
        &format!("{case_path}/notes"),
        "note=Dłużnik+obiecał+wpłatę+do+piątku",
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&env, &session, &location).await;
    assert!(html.contains("Dłużnik obiecał wpłatę do piątku"), "{html}");
    let partner_token = env
        .store
        .create_api_token(
            &inkaso_cloud::store::TenantScope::operator(law.id.clone()),
            "lex",
            Role::Viewer,
            "cli",
            now,
        )
        .await
        .unwrap()
        .secret;
    let (s, v) = env
        .get(&partner_token, &format!("/api/v1/partner/cases/{case_id}"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(
        v.to_string().contains("Dłużnik obiecał wpłatę do piątku"),
        "{v}"
    );

    // The list's filters: overdue, paused, legal status (the API has the same).
    let (_, html) = page(&env, &session, "/debtors?open=overdue").await;
    assert!(html.contains("Hurtownia Kowalski"), "{html}");
    // Where the page is in the list, and its columns sort both ways.
    assert!(html.contains("1–1 z 1"), "{html}");
    assert!(html.contains("aria-sort=\"ascending\""), "{html}");
    let (_, html) = page(&env, &session, "/debtors?sort=-open_documents").await;
    assert!(html.contains("aria-sort=\"descending\""), "{html}");
    assert!(
        html.contains("sort=open_documents"),
        "the header turns the order round: {html}"
    );
    let (status, html) = page(&env, &session, "/debtors?sort=bogus").await;
    assert_eq!(status, 400, "{html}");
    let (_, html) = page(&env, &session, "/documents?q=zzz-none").await;
    assert!(html.contains("card empty"), "{html}");
    let (_, html) = page(&env, &session, "/documents?sort=-remaining").await;
    assert!(html.contains("aria-sort=\"descending\""), "{html}");
    // The history by period: a reversed one is refused under its fields, the list stays.
    let (status, html) = page(&env, &session, "/history?since=2026-12-10&until=2026-12-01").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"period-error\""), "{html}");
    let (_, html) = page(&env, &session, &format!("/history?debtor={debtor}")).await;
    assert!(
        html.contains("Historia dłużnika Hurtownia Kowalski"),
        "{html}"
    );

    for path in [
        "/debtors?paused=yes",
        "/debtors?legal=deceased",
        "/debtors?open=no",
    ] {
        let (status, html) = page(&env, &session, path).await;
        assert_eq!(status, 200);
        assert!(html.contains("Nie znaleziono"), "{path}: {html}");
    }
    let (s, v) = env
        .post(
            &a.editor,
            &format!("/api/v1/debtors/{debtor}/pauses"),
            &json!({"kind": "dispute", "reason": "reklamacja"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, html) = page(&env, &session, "/debtors?paused=yes&legal=active").await;
    assert!(html.contains("Hurtownia Kowalski"), "{html}");
    let (_, html) = page(&env, &session, "/debtors?paused=no").await;
    assert!(!html.contains("Hurtownia Kowalski"), "{html}");
    let (s, v) = env.get(&a.viewer, "/api/v1/debtors?paused=true").await;
    assert_eq!((s, v["items"].as_array().unwrap().len()), (200, 1), "{v}");
    let (s, v) = env.get(&a.viewer, "/api/v1/debtors?legal_status=zly").await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["field"], "legal_status");

    // Another firm's debtor and case do not exist here.
    for (target, body) in [
        (
            format!("/debtors/{b_debtor}/run"),
            format!("stage=E7&doc={d1}"),
        ),
        (format!("/debtors/{b_debtor}/handoff"), format!("doc={d1}")),
        (format!("/cases/{b_case}/notes"), "note=x".to_owned()),
        // A's debtor with B's… and with an id that is no document of this debtor.
        (format!("{path}/run"), "stage=E7&doc=nie-ma".to_owned()),
    ] {
        let (status, _, html) = submit(&env, &session, &token, &target, &body).await;
        assert_eq!(status, 404, "{target}: {html}");
    }
    assert_eq!(
        page(&env, &session, &format!("/cases/{b_case}")).await.0,
        404
    );
}

/// Administration through the JSON API and the portal alike: users, agents (a new token keeps
/// the agent's identity and sequence; the old one is refused at once), API tokens, and the
/// audit log naming who did each and showing processes before and after.
async fn administration_api_and_audit(backend: Backend) {
    let env = Env::new(backend).await;
    let a = env.tenant("Alfa").await;
    let b = env.tenant("Beta").await;

    // Users: admin only; a generated password is handed back once and opens the portal.
    let (s, _) = env
        .post(
            &a.editor,
            "/api/v1/users",
            &json!({"email": "nowa@alfa.pl", "role": "editor"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, v) = env
        .post(
            &a.admin,
            "/api/v1/users",
            &json!({"email": "nie-adres", "role": "editor"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["field"], "email", "{v}");
    let (s, v) = env
        .post(
            &a.admin,
            "/api/v1/users",
            &json!({"email": "Nowa@alfa.pl", "role": "editor"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let user_id = v["id"].as_str().unwrap().to_owned();
    let password = v["password"].as_str().unwrap().to_owned();
    let session = log_in(&env, "nowa@alfa.pl", &password).await;
    assert_eq!(page(&env, &session, "/").await.0, 200);
    let (s, v) = env.get(&a.admin, "/api/v1/users").await;
    assert_eq!(s, 200);
    assert!(v.to_string().contains("nowa@alfa.pl"), "{v}");
    assert!(
        !v.to_string().contains("szef@firma.pl\",\"role\":\"viewer"),
        "{v}"
    );
    // A role change ends the user's sessions; so does disabling.
    let (s, v) = env
        .put(
            &a.admin,
            &format!("/api/v1/users/{user_id}/role"),
            &json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(page(&env, &session, "/").await.0, 303);
    let (s, _) = env
        .put(
            &a.admin,
            &format!("/api/v1/users/{user_id}/disabled"),
            &json!({"disabled": true}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, v) = env
        .post(
            &a.admin,
            &format!("/api/v1/users/{user_id}/password-reset"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["email"], "nowa@alfa.pl");
    // Another firm's user does not exist here.
    let b_user = env.store.users(&b.scope).await.unwrap().remove(0).id;
    let (s, _) = env
        .put(
            &a.admin,
            &format!("/api/v1/users/{b_user}/role"),
            &json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(s, 404);

    // Agents: a new token keeps the agent and its sequence; the old one is refused.
    env.batch_ok(
        &a.agent_token,
        1,
        json!([company("K1", "Hurtownia", &nip(1))]),
    )
    .await;
    let agent = a.agent.as_str();
    let (s, v) = env
        .post(
            &a.admin,
            &format!("/api/v1/agents/{agent}/token"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["id"], agent);
    let new_token = v["token"].as_str().unwrap().to_owned();
    let (s, _) = env.batch(&a.agent_token, 2, json!([])).await;
    assert_eq!(s, 401, "the old token is refused at once");
    let (s, v) = env.get(&new_token, "/agent/v1/config").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["next_seq"], 2, "the sequence carries on: {v}");
    env.batch_ok(
        &new_token,
        2,
        json!([doc("D1", "K1", "2026-11-01", 100, 100)]),
    )
    .await;
    let (s, _) = env
        .post(
            &a.admin,
            &format!("/api/v1/agents/{}/token", b.agent.as_str()),
            &json!({}),
        )
        .await;
    assert_eq!(s, 404, "another firm's agent");
    let (s, _) = env
        .post(
            &a.editor,
            &format!("/api/v1/agents/{agent}/token"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, v) = env
        .post(&a.admin, "/api/v1/agents", &json!({"name": "  "}))
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = env
        .post(
            &a.admin,
            "/api/v1/agents",
            &json!({"name": "Optima — magazyn"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let second = v["id"].as_str().unwrap().to_owned();
    let (s, _) = env
        .post(
            &a.admin,
            &format!("/api/v1/agents/{second}/revoke"),
            &json!({}),
        )
        .await;
    assert_eq!(s, 204);
    let (_, v) = env.get(&a.viewer, "/api/v1/agents").await;
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");

    // API tokens: listed without secrets; a revoked one is refused.
    let (s, v) = env
        .post(
            &a.admin,
            "/api/v1/api-tokens",
            &json!({"name": "Księgowość", "role": "viewer"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (token_id, token) = (
        v["id"].as_str().unwrap().to_owned(),
        v["token"].as_str().unwrap().to_owned(),
    );
    assert_eq!(env.get(&token, "/api/v1/debtors").await.0, 200);
    let (_, v) = env.get(&a.admin, "/api/v1/api-tokens").await;
    assert!(v.to_string().contains("Księgowość"), "{v}");
    assert!(
        !v.to_string().contains(&token),
        "no secret in the list: {v}"
    );
    let (s, _) = env
        .delete(&a.admin, &format!("/api/v1/api-tokens/{token_id}"))
        .await;
    assert_eq!(s, 204);
    assert_eq!(env.get(&token, "/api/v1/debtors").await.0, 401);

    // The same in the portal: the admin page lists tokens; a new agent token is shown once.
    let session = log_in_to(&env, a.scope.as_str()).await;
    let csrf_token = csrf(&env, &session).await;
    let (status, html) = page(&env, &session, "/admin").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Księgowość") && html.contains("odwołany"),
        "{html}"
    );
    assert!(
        html.contains("Przywróć z nowym tokenem"),
        "the revoked agent: {html}"
    );
    let (status, _, html) = submit(
        &env,
        &session,
        &csrf_token,
        &format!("/admin/agents/{agent}/rotate"),
        "",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Nowy token agenta „ERP”"), "{html}");
    let portal_token = html
        .split("id=\"secret-value\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    assert_eq!(env.get(&new_token, "/agent/v1/config").await.0, 401);
    assert_eq!(env.get(&portal_token, "/agent/v1/config").await.0, 200);
    let (status, _, html) = submit(
        &env,
        &session,
        &csrf_token,
        "/admin/tokens",
        "name=Raporty&role=editor",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Token API „Raporty”"), "{html}");

    // A process saved twice: the audit log shows it before and after, and who did it.
    let (s, _) = env
        .put(&a.admin, "/api/v1/processes/STD", &process("STD"))
        .await;
    assert_eq!(s, 201);
    let mut changed = process("STD");
    changed["name"] = json!("Proces poprawiony");
    let (s, _) = env.put(&a.admin, "/api/v1/processes/STD", &changed).await;
    assert_eq!(s, 200);
    let (status, html) = page(&env, &session, "/admin/audit?area=process").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("zapis procesu") && html.contains("process.put"),
        "{html}"
    );
    assert!(!html.contains("agent.rotate"), "filtered by area: {html}");
    assert!(
        html.contains("Proces poprawiony") && html.contains("Proces STD"),
        "{html}"
    );
    assert!(
        html.contains("token API „admin”"),
        "the actor by name: {html}"
    );
    let (_, html) = page(&env, &session, "/admin/audit?area=agent").await;
    assert!(
        html.contains("agent.rotate") && html.contains("szef@firma.pl"),
        "{html}"
    );
    let (s, v) = env.get(&a.admin, "/api/v1/audit?action=agent.").await;
    assert_eq!(s, 200);
    let actions: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.iter().all(|x| x.starts_with("agent.")),
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|x| **x == "agent.rotate").count(),
        2,
        "{actions:?}"
    );
    // Paging: a page of 50 and a link to the next when there is more.
    for i in 0..60 {
        let (s, _) = env
            .post(
                &a.admin,
                "/api/v1/exclusions",
                &json!({"kind": "nip", "value": nip(100 + i)}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (_, html) = page(&env, &session, "/admin/audit?area=exclusion").await;
    assert_eq!(html.matches("exclusion.create").count(), 50);
    let next = html
        .split("class=\"pager\"><a href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&#38;", "&");
    let (_, html) = page(&env, &session, &next).await;
    assert_eq!(
        html.matches("exclusion.create").count(),
        10,
        "{next} {html}"
    );
}
