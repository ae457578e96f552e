//! The portal's sessions and route table over real HTTP (no browser): logging in by e-mail and
//! choosing the firm, the cookie's attributes, idle expiry, and for every state-changing route:
//! no CSRF token → 403, a cross-site request → 403, a viewer → 403, another firm's object → 404.

#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: scenarios read top to bottom

use chrono::Duration;
use inkaso_cloud::store::Backend;
use inkaso_cloud::store::accounts::Role;
use inkaso_shared::Email;
use reqwest::redirect::Policy;
use serde_json::json;

use crate::common::{Env, company, doc, nip};

on_both!(login_chooses_the_firm_and_sessions_expire, route_table);

const COOKIE: &str = "__Host-inkaso";

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

fn hidden(html: &str, name: &str) -> Vec<String> {
    let needle = format!("name=\"{name}\" value=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

async fn log_in(env: &Env, email: &str, password: &str) -> String {
    let resp = client()
        .post(env.url("/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "{email}");
    session_of(&resp).unwrap()
}

async fn page(env: &Env, session: &str, path: &str) -> (u16, String) {
    let resp = client()
        .get(env.url(path))
        .header("cookie", format!("{COOKIE}={session}"))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn csrf(env: &Env, session: &str) -> String {
    let (status, html) = page(env, session, "/account").await;
    assert_eq!(status, 200);
    hidden(&html, "_csrf").remove(0)
}

async fn post(
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
    let now = env.clock_now();
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
    env.store
        .add_user(
            &a.scope,
            &Email::parse("podglad@alfa.pl").unwrap(),
            Role::Viewer,
            "haslo-podgladu-123",
            "cli",
            now,
        )
        .await
        .unwrap();
    let b_user = env.store.users(&b.scope).await.unwrap().remove(0).id;
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
        .form(&[("choice", choice.as_str()), ("tenant", a.scope.as_str())])
        .send()
        .await
        .unwrap();
    let admin = session_of(&resp).unwrap();
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
        (format!("/debtors/{b_debtor}/pauses"), "kind=manual"),
        (format!("/admin/users/{b_user}/role"), "role=viewer"),
        (format!("/admin/users/{b_user}/disabled"), "disabled=true"),
        (format!("/admin/users/{b_user}/reset"), ""),
        (format!("/admin/agents/{}/revoke", b.agent.as_str()), ""),
    ] {
        let (status, _) = post(&env, &admin, &path, body, Some(&admin_token), None).await;
        assert_eq!(status, 404, "{path}");
    }
    for path in [
        format!("/debtors/{b_debtor}"),
        format!("/documents/{b_document}"),
        "/letters/l1/pdf".to_owned(),
    ] {
        assert_eq!(page(&env, &admin, &path).await.0, 404, "{path}");
    }
    assert_eq!(page(&env, &viewer, "/admin").await.0, 403);
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
