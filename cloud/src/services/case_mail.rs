//! The e-mails about cases handed to law firms (R-C4), sent by `serve`'s background round:
//!
//! - a law firm's **digest of new cases** — the cases handed to it since its last digest that
//!   still wait for its decision — at most once a day (or week), from the hour it set, and only
//!   when there is something new;
//! - a creditor's **news of its cases**: each status change and settlement payment its law
//!   firms recorded, gathered per round into one message (a busy afternoon of a lawyer is one
//!   e-mail a minute at most, not one per click).
//!
//! Both go to the addresses the firm set or, by default, to its active administrators and
//! editors, each in the language they chose in the portal (English-speaking users get the
//! English text). Each mail is claimed in the store before it is sent (a replica running the
//! same round skips it) and given back when sending fails (the next round tries again), and it
//! is keyed for the relay so a repeat keeps its Message-ID. These are mails to the firms' own
//! people, not to debtors: a creditor's test mode does not hold them.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use inkaso_channels::delivery::{DynChannel, Outbound, Outcome};
use inkaso_channels::email::EmailMessage;
use inkaso_shared::{Clock, Email, Lang};

use crate::domain::accounts::Role;
use crate::domain::case_mail::{CaseMailSettings, DigestEvery};
use crate::domain::cases::CaseStatus;
use crate::i18n::{self, Arg};
use crate::process::calendar::ZONE;
use crate::store::TenantScope;
use crate::store::case_mail::{CaseNews, DigestState};
use crate::store::cases::{Case, CaseFilter, CaseParty, PageRequest};
use crate::store::{Store, StoreError};

/// Most cases a digest lists by name (the rest are counted).
const DIGEST_LISTED: u32 = 50;
/// Most events one creditor's news takes in a round (the rest come in the next).
const NEWS_PER_ROUND: u32 = 200;

/// What the case e-mails are sent through.
#[derive(Clone)]
pub struct CaseMailer {
    mail: Arc<dyn DynChannel>,
    portal_url: Option<String>,
}

impl std::fmt::Debug for CaseMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseMailer")
            .field("portal_url", &self.portal_url)
            .finish_non_exhaustive()
    }
}

impl CaseMailer {
    /// Mails through `mail` (the e-mail channel); links point at `portal_url` when given
    /// (`https://inkaso.example.pl`), and are left out otherwise.
    pub fn new(mail: Arc<dyn DynChannel>, portal_url: Option<&str>) -> CaseMailer {
        CaseMailer {
            mail,
            portal_url: portal_url
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
        }
    }

    fn link(&self, path: &str) -> Option<String> {
        self.portal_url.as_ref().map(|base| format!("{base}{path}"))
    }
}

/// What a round sent, one line each (for the log and the demo), and what it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailRound {
    /// Digests sent: `firm: n new cases → addresses`.
    pub digests: Vec<String>,
    /// Creditors' news sent: `firm: n changes → addresses`.
    pub news: Vec<String>,
    /// What could not be sent, and why (it is tried again next round unless nobody is there
    /// to tell).
    pub problems: Vec<String>,
}

/// One round: every due digest, every creditor's news.
pub async fn round(
    store: &Store,
    clock: &dyn Clock,
    mailer: &CaseMailer,
) -> Result<MailRound, StoreError> {
    let mut out = MailRound::default();
    for state in store.digest_states().await? {
        digest(store, clock, mailer, &state, &mut out).await?;
    }
    for tenant in store.tenants_with_case_news().await? {
        news(store, clock, mailer, &tenant, &mut out).await?;
    }
    Ok(out)
}

/// `serve`'s loop: [`round`] every `every`, until `stop` turns true.
pub async fn run_every(
    store: Store,
    clock: Arc<dyn Clock>,
    mailer: CaseMailer,
    every: std::time::Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    crate::periodic::every(every, stop, || async {
        match round(&store, clock.as_ref(), &mailer).await {
            Ok(r) => {
                for line in r.digests.iter().chain(&r.news) {
                    tracing::info!(%line, "case e-mail sent");
                }
                for line in &r.problems {
                    tracing::warn!(%line, "case e-mail not sent");
                }
            }
            Err(e) => tracing::warn!(error = %e, "case e-mails: store failed"),
        }
    })
    .await;
}

async fn digest(
    store: &Store,
    clock: &dyn Clock,
    mailer: &CaseMailer,
    state: &DigestState,
    out: &mut MailRound,
) -> Result<(), StoreError> {
    let now = clock.now();
    let Some(today) = state
        .settings
        .digest_due(state.last_day, now.with_timezone(&ZONE).naive_local())
    else {
        return Ok(());
    };
    let party = CaseParty::Partner(&state.partner);
    let waiting = CaseFilter {
        status: Some(CaseStatus::HandedOff.as_str().to_owned()),
        ..CaseFilter::default()
    };
    let fresh = CaseFilter {
        handed_from: state.last_at,
        handed_before: Some(now),
        sort: Some("handed".to_owned()),
        ..waiting.clone()
    };
    let page = PageRequest {
        after: None,
        limit: Some(DIGEST_LISTED),
    };
    let cases = store
        .cases_for_partner(&state.partner, &fresh, &page)
        .await?
        .items;
    if cases.is_empty() {
        return Ok(());
    }
    let count = |counts: &BTreeMap<CaseStatus, u64>| {
        counts.get(&CaseStatus::HandedOff).copied().unwrap_or(0)
    };
    let new_count = count(&store.case_counts(party, &fresh).await?);
    let waiting_count = count(&store.case_counts(party, &waiting).await?);
    if !store.claim_digest(&state.partner, today, now).await? {
        return Ok(());
    }
    let groups = recipients(store, &state.partner, &state.settings).await?;
    if groups.is_empty() {
        out.problems.push(i18n::text_with(
            Lang::Pl,
            "record-case-mail-nobody",
            &[("firm", state.name.as_str().into())],
        ));
        return Ok(());
    }
    let digest = Digest {
        firm: &state.name,
        cases: &cases,
        new_count,
        waiting_count,
        settings: &state.settings,
    };
    let key = format!("case-digest:{}:{today}", state.partner);
    match send(mailer, &key, &groups, |lang| digest.render(lang, mailer)).await {
        Ok(to) => out.digests.push(i18n::text_with(
            Lang::Pl,
            "record-case-digest-sent",
            &[
                ("firm", state.name.as_str().into()),
                ("count", new_count.into()),
                ("to", to.into()),
            ],
        )),
        Err(reason) => {
            store.release_digest(state, today).await?;
            out.problems.push(i18n::text_with(
                Lang::Pl,
                "record-case-mail-failed",
                &[
                    ("firm", state.name.as_str().into()),
                    ("reason", reason.into()),
                ],
            ));
        }
    }
    Ok(())
}

async fn news(
    store: &Store,
    clock: &dyn Clock,
    mailer: &CaseMailer,
    tenant: &TenantScope,
    out: &mut MailRound,
) -> Result<(), StoreError> {
    let now = clock.now();
    let settings = store.case_mail_settings(tenant).await?;
    let events = store.case_news(tenant, NEWS_PER_ROUND).await?;
    let (told, quiet): (Vec<CaseNews>, Vec<CaseNews>) = events
        .into_iter()
        .partition(|e| settings.status_mail && reported(e));
    // What the mail does not report is only marked, so it stops waiting.
    store.claim_case_news(tenant, &quiet, now).await?;
    let mine = store.claim_case_news(tenant, &told, now).await?;
    let Some(first) = mine.first() else {
        return Ok(());
    };
    let firm = store.tenant(tenant).await?.name;
    let groups = recipients(store, tenant, &settings).await?;
    if groups.is_empty() {
        out.problems.push(i18n::text_with(
            Lang::Pl,
            "record-case-mail-nobody",
            &[("firm", firm.as_str().into())],
        ));
        return Ok(());
    }
    let key = format!(
        "case-news:{tenant}:{}:{}:{}",
        first.case_id,
        first.seq,
        mine.len()
    );
    match send(mailer, &key, &groups, |lang| {
        render_news(&mine, lang, mailer)
    })
    .await
    {
        Ok(to) => out.news.push(i18n::text_with(
            Lang::Pl,
            "record-case-news-sent",
            &[
                ("firm", firm.as_str().into()),
                ("count", mine.len().into()),
                ("to", to.into()),
            ],
        )),
        Err(reason) => {
            store.release_case_news(tenant, &mine).await?;
            out.problems.push(i18n::text_with(
                Lang::Pl,
                "record-case-mail-failed",
                &[("firm", firm.as_str().into()), ("reason", reason.into())],
            ));
        }
    }
    Ok(())
}

/// Whether the creditor's mail reports an event: the law firm's status changes and payments
/// (its notes and files are on the case page; the creditor's own doings it knows).
fn reported(e: &CaseNews) -> bool {
    e.party == "partner" && (e.kind == "status" || e.kind == "payment")
}

/// The firm's recipients grouped by language: the addresses it set (in the language of the
/// user with that address, Polish for others) or its active administrators and editors.
async fn recipients(
    store: &Store,
    tenant: &TenantScope,
    settings: &CaseMailSettings,
) -> Result<BTreeMap<Lang, Vec<Email>>, StoreError> {
    let users = store.users(tenant).await?;
    let lang_of = |code: &str| code.parse::<Lang>().unwrap_or(Lang::Pl);
    let mut groups: BTreeMap<Lang, Vec<Email>> = BTreeMap::new();
    if settings.recipients.is_empty() {
        for u in users
            .iter()
            .filter(|u| !u.disabled && matches!(u.role, Role::Admin | Role::Editor))
        {
            // Users' addresses were checked when they were added.
            if let Ok(email) = Email::parse(&u.email) {
                groups.entry(lang_of(&u.lang)).or_default().push(email);
            }
        }
    } else {
        for r in &settings.recipients {
            let lang = users
                .iter()
                .find(|u| u.email.eq_ignore_ascii_case(r.as_str()))
                .map_or(Lang::Pl, |u| lang_of(&u.lang));
            groups.entry(lang).or_default().push(r.clone());
        }
    }
    Ok(groups)
}

/// Sends one message per language group (the first address in To, the rest in Bcc, so
/// colleagues do not see each other's addresses); returns every address it went to, or why
/// it did not go.
async fn send(
    mailer: &CaseMailer,
    key: &str,
    groups: &BTreeMap<Lang, Vec<Email>>,
    render: impl Fn(Lang) -> (String, String),
) -> Result<String, String> {
    let mut sent = Vec::new();
    for (lang, addresses) in groups {
        let Some((to, bcc)) = addresses.split_first() else {
            continue;
        };
        let (subject, text) = render(*lang);
        let message = Outbound::Email(EmailMessage {
            to: to.clone(),
            to_name: None,
            subject,
            text,
            html: None,
            bcc: bcc.to_vec(),
            reply_to: None,
            attachment: None,
        });
        match mailer
            .mail
            .deliver_boxed(&format!("{key}:{lang}"), &message)
            .await
        {
            Outcome::Sent { .. } | Outcome::AlreadySent => {
                sent.extend(addresses.iter().map(Email::as_str));
            }
            Outcome::Failed { reason } | Outcome::Retry { reason } | Outcome::Paused { reason } => {
                return Err(reason);
            }
        }
    }
    Ok(sent.join(", "))
}

fn money(minor: i64, currency: &str) -> String {
    inkaso_shared::money::display_stored(minor, currency)
}

fn local_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&ZONE).format("%d.%m.%Y").to_string()
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&ZONE).format("%d.%m.%Y %H:%M").to_string()
}

fn status_name(lang: Lang, status: CaseStatus) -> String {
    i18n::code_text(lang, "case", status.as_str())
}

/// A law firm's digest, to be written in each recipient's language.
struct Digest<'a> {
    firm: &'a str,
    cases: &'a [Case],
    new_count: u64,
    waiting_count: u64,
    settings: &'a CaseMailSettings,
}

impl Digest<'_> {
    /// `(subject, text)`.
    fn render(&self, lang: Lang, mailer: &CaseMailer) -> (String, String) {
        let t = |id: &str, args: &[(&'static str, Arg)]| i18n::text_with(lang, id, args);
        let firm: Arg = self.firm.into();
        let subject = t(
            "mail-digest-subject",
            &[("count", self.new_count.into()), ("firm", firm.clone())],
        );
        let mut lines = vec![
            t(
                "mail-digest-intro",
                &[("count", self.new_count.into()), ("firm", firm)],
            ),
            String::new(),
        ];
        for c in self.cases {
            lines.push(t(
                "mail-digest-line",
                &[
                    ("creditor", c.creditor_name.as_str().into()),
                    ("debtor", c.debtor_name.as_str().into()),
                    ("amount", money(c.total_minor, &c.currency).into()),
                    ("day", local_day(c.created_at).into()),
                ],
            ));
        }
        let listed = u64::try_from(self.cases.len()).unwrap_or(u64::MAX);
        if self.new_count > listed {
            lines.push(t(
                "mail-digest-more",
                &[("count", (self.new_count - listed).into())],
            ));
        }
        lines.push(String::new());
        lines.push(t(
            "mail-digest-waiting",
            &[("count", self.waiting_count.into())],
        ));
        if let Some(url) = mailer.link("/partner?status=handed_off") {
            lines.push(t("mail-digest-open", &[("url", url.into())]));
        }
        lines.push(String::new());
        let every = match self.settings.digest {
            DigestEvery::Weekly => "mail-every-weekly",
            DigestEvery::Daily | DigestEvery::Off => "mail-every-daily",
        };
        lines.push(t(
            "mail-digest-footer",
            &[
                ("every", i18n::text(lang, every).into()),
                ("hour", self.settings.digest_hour.into()),
            ],
        ));
        (subject, lines.join("\n"))
    }
}

/// A creditor's news: its changed cases, each with its changes in order. `(subject, text)`.
fn render_news(events: &[&CaseNews], lang: Lang, mailer: &CaseMailer) -> (String, String) {
    let t = |id: &str, args: &[(&'static str, Arg)]| i18n::text_with(lang, id, args);
    let mut cases: Vec<(&str, Vec<&CaseNews>)> = Vec::new();
    for e in events {
        match cases.iter_mut().find(|(id, _)| *id == e.case_id) {
            Some((_, list)) => list.push(e),
            None => cases.push((&e.case_id, vec![e])),
        }
    }
    let subject = t(
        "mail-news-subject",
        &[
            ("count", cases.len().into()),
            (
                "debtor",
                events.first().map_or("", |e| &e.debtor_name).into(),
            ),
        ],
    );
    let mut lines = vec![t("mail-news-intro", &[]), String::new()];
    for (case_id, list) in &cases {
        let head = list[0];
        lines.push(t(
            "mail-news-case",
            &[
                ("debtor", head.debtor_name.as_str().into()),
                ("amount", money(head.total_minor, &head.currency).into()),
                ("partner", head.partner_name.as_str().into()),
            ],
        ));
        for e in list {
            let at = local_time(e.at);
            let what = match e.payment {
                Some((amount, day)) if e.kind == "payment" => t(
                    "mail-news-payment",
                    &[
                        ("at", at.into()),
                        ("amount", money(amount, &e.currency).into()),
                        ("day", day.format("%d.%m.%Y").to_string().into()),
                    ],
                ),
                _ => t(
                    "mail-news-status",
                    &[
                        ("at", at.into()),
                        ("from", status_name(lang, e.from.unwrap_or(e.status)).into()),
                        ("to", status_name(lang, e.status).into()),
                    ],
                ),
            };
            lines.push(format!("  {what}"));
            if let Some(note) = e.note.as_deref().filter(|n| !n.trim().is_empty()) {
                lines.push(format!(
                    "    {}",
                    t("mail-news-note", &[("note", note.into())])
                ));
            }
        }
        if let Some(url) = mailer.link(&format!("/cases/{case_id}")) {
            lines.push(format!("  {}", t("mail-news-open", &[("url", url.into())])));
        }
        lines.push(String::new());
    }
    lines.push(t("mail-news-footer", &[]));
    (subject, lines.join("\n"))
}

impl super::App {
    /// The firm's settings of the case e-mails.
    pub async fn case_mail_settings(
        &self,
        tenant: &TenantScope,
    ) -> Result<CaseMailSettings, super::ServiceError> {
        Ok(self.store.case_mail_settings(tenant).await?)
    }

    /// Saves the firm's settings of the case e-mails (audited).
    pub async fn set_case_mail_settings(
        &self,
        tenant: &TenantScope,
        actor: &str,
        settings: &CaseMailSettings,
    ) -> Result<(), super::ServiceError> {
        Ok(self
            .store
            .set_case_mail_settings(tenant, actor, settings, self.clock.now())
            .await?)
    }
}
