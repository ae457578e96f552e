//! A synthetic market beside a firm, for the demo and the browser test: six client firms, each
//! with a trade debtor (PKD section G) paying weekly invoices 10 days late over a year and a
//! half; the first has slipped to 25 days late in the last six months. Sent through the agent
//! API like any firm's data, so the market comparison reads them as it reads every firm.

use chrono::{DateTime, Duration, Utc};
use inkaso_cloud::domain::market::Periods;
use inkaso_cloud::store::accounts::{Role, TenantKind};
use inkaso_cloud::store::{Store, TenantScope};
use inkaso_shared::Email;
use serde_json::{Value, json};

/// The admin of the market's firm that slipped.
pub const SLIPPING_ADMIN: &str = "szef@firma-rynkowa.pl";

/// Firms in the synthetic market.
pub const FIRMS: usize = 6;

/// Creates the market's firms on the cloud at `base` (their agents' batches go through its
/// API) with documents due over the comparison's periods on `now`, and gives the slipping
/// firm an admin, [`SLIPPING_ADMIN`], with `password`. Returns the slipping firm.
pub async fn seed(
    store: &Store,
    base: &str,
    now: DateTime<Utc>,
    password: &str,
) -> anyhow::Result<TenantScope> {
    let mut slipping = None;
    let periods = Periods::ending(now.date_naive());
    let http = reqwest::Client::new();
    for f in 0..FIRMS {
        let tenant = store
            .create_tenant(TenantKind::Client, &format!("Firma rynkowa {f}"), now)
            .await?;
        let scope = TenantScope::operator(tenant.id.clone());
        let agent = store.create_agent(&scope, "ERP", "cli", now).await?;
        let mut docs: Vec<Value> = vec![json!({"op": "upsert_debtor", "debtor": {
            "external_id": "K1", "kind": "company", "name": "Hurtownia", "nip": null,
            "email": null, "phone": null, "address": null}})];
        let mut closes = Vec::new();
        let mut due = periods.before.0;
        let mut k = 0;
        while due <= periods.recent.1 {
            let late = if f == 0 && due >= periods.recent.0 {
                25
            } else {
                10
            };
            docs.push(json!({"op": "upsert_document", "document": {
                "external_id": format!("D{k}"), "debtor_external_id": "K1",
                "number": format!("FS {k}"),
                "issue_date": (due - Duration::days(14)).to_string(),
                "due_date": due.to_string(), "amount_minor": 120_000,
                "remaining_minor": 120_000, "currency": "PLN"}}));
            closes.push(
                json!({"op": "close_document", "external_id": format!("D{k}"),
                "reason": "paid", "observed_on": (due + Duration::days(late)).to_string()}),
            );
            due += Duration::days(7);
            k += 1;
        }
        for (seq, ops) in [(1, docs), (2, closes)] {
            let r = http
                .post(format!("{base}/agent/v1/batches"))
                .bearer_auth(&agent.secret)
                .json(&json!({"protocol": 1, "seq": seq, "ops": ops}))
                .send()
                .await?;
            if !r.status().is_success() {
                anyhow::bail!("batch of a market firm refused: {}", r.text().await?);
            }
        }
        let debtor = store
            .debtor_id_by_key(&scope, &agent.id, "K1")
            .await?
            .ok_or_else(|| anyhow::anyhow!("the market firm's debtor is missing"))?;
        store
            .set_debtor_sector(&scope, &debtor, Some('G'), now)
            .await?;
        if f == 0 {
            slipping = Some(scope.clone());
            store
                .add_user(
                    &scope,
                    &Email::parse(SLIPPING_ADMIN)?,
                    Role::Admin,
                    password,
                    "cli",
                    now,
                )
                .await?;
        }
    }
    slipping.ok_or_else(|| anyhow::anyhow!("no market firm"))
}
