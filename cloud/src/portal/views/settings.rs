//! Settings (Ustawienia): the creditor printed in letters and offered to templates (its bank
//! account checked as NRB/IBAN), e-mail (reply-to, report recipients, per-stage blind copies),
//! letters, tasks and the payment deadline; test mode and the data-freshness limit; channels a
//! provider paused; exclusions. Settings that could leak data — blind copies and turning test
//! mode off — are the admin's alone: the page shows them read-only to others and the server
//! keeps the stored values whatever an editor posts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_channels::posting::RegisteredCategory;
use inkaso_channels::template::Creditor;
use inkaso_shared::{Currency, Email, Lang, Localized as _, Money, Nip};
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{Done, Empty, PathId, blank_to_none};
use crate::domain::Invalid;
use crate::domain::accounts::Role;
use crate::domain::settings::BALANCE_DAILY_LIMITS;
use crate::http::AppState;
use crate::i18n::{self, Arg};
use crate::process::Channel;
use crate::process::compose::ChannelSettings;
use crate::services::ServiceError;
use crate::services::channels::SmsCheck;
use crate::services::model::{ChannelPauseView, CollectionSettings, ExclusionView, NewExclusion};

/// The channel-settings form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ChannelForm {
    #[serde(default)]
    creditor_name: String,
    #[serde(default)]
    creditor_nip: String,
    #[serde(default)]
    creditor_street: String,
    #[serde(default)]
    creditor_postcode_city: String,
    #[serde(default)]
    creditor_bank_account: String,
    #[serde(default)]
    creditor_contact: String,
    #[serde(default)]
    reply_to: String,
    #[serde(default)]
    report_to: String,
    #[serde(default)]
    stage_bcc: String,
    #[serde(default)]
    letter_place: String,
    #[serde(default)]
    letter_category: String,
    #[serde(default)]
    return_receipt: Option<String>,
    #[serde(default)]
    task_assignee: String,
    #[serde(default)]
    task_due_days: String,
    #[serde(default)]
    deadline_days: String,
    #[serde(default)]
    sms_sender: String,
    #[serde(default)]
    sms_inbound_number: String,
    #[serde(default)]
    sms_inbound_keyword: String,
    #[serde(default)]
    sms_payment_link: String,
    #[serde(default)]
    sms_balance_limit: String,
    #[serde(default)]
    sms_reply_pl: String,
    #[serde(default)]
    sms_reply_en: String,
    #[serde(default)]
    sms_part_price: String,
}

impl ChannelForm {
    fn of(s: &ChannelSettings) -> ChannelForm {
        let c = s.creditor.as_ref();
        let text = |f: fn(&Creditor) -> String| c.map(f).unwrap_or_default();
        ChannelForm {
            creditor_name: text(|c| c.name.clone()),
            creditor_nip: text(|c| {
                c.nip
                    .as_ref()
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default()
            }),
            creditor_street: text(|c| c.street.clone()),
            creditor_postcode_city: text(|c| c.postcode_city.clone()),
            creditor_bank_account: text(|c| c.bank_account.clone()),
            creditor_contact: text(|c| c.contact.clone().unwrap_or_default()),
            reply_to: s
                .email
                .reply_to
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            report_to: join_emails(&s.email.report_to),
            stage_bcc: s
                .email
                .stage_bcc
                .iter()
                .map(|(stage, list)| format!("{stage}: {}", join_emails(list)))
                .collect::<Vec<_>>()
                .join("\n"),
            letter_place: s.letters.place.clone(),
            letter_category: match s.letters.category {
                RegisteredCategory::Ekonomiczna => "ekonomiczna",
                RegisteredCategory::Priorytetowa => "priorytetowa",
            }
            .to_owned(),
            return_receipt: s.letters.return_receipt.then(|| "1".to_owned()),
            task_assignee: s.tasks.assignee.clone().unwrap_or_default(),
            task_due_days: s.tasks.due_days.to_string(),
            deadline_days: s.deadline_days.to_string(),
            sms_sender: s.sms.sender.clone().unwrap_or_default(),
            sms_inbound_number: s.sms.inbound_number.clone().unwrap_or_default(),
            sms_inbound_keyword: s.sms.inbound_keyword.clone().unwrap_or_default(),
            sms_payment_link: s.sms.payment_link.clone().unwrap_or_default(),
            sms_balance_limit: s.sms.balance_daily_limit.to_string(),
            sms_reply_pl: s.sms.balance_reply_pl.clone().unwrap_or_default(),
            sms_reply_en: s.sms.balance_reply_en.clone().unwrap_or_default(),
            sms_part_price: s
                .sms
                .part_price_grosze
                .map(|g| format!("{},{:02}", g / 100, g % 100))
                .unwrap_or_default(),
        }
    }

    /// The settings: the stored ones with this form's values over them (the interest tables,
    /// which the form does not show, stay as they are).
    fn apply(&self, mut s: ChannelSettings, admin: bool) -> Result<ChannelSettings, Invalid> {
        let creditor_given = [
            &self.creditor_name,
            &self.creditor_street,
            &self.creditor_postcode_city,
            &self.creditor_bank_account,
        ]
        .iter()
        .any(|v| !v.trim().is_empty());
        s.creditor = if creditor_given {
            Some(Creditor {
                name: self.creditor_name.trim().to_owned(),
                nip: match self.creditor_nip.trim() {
                    "" => None,
                    t => Some(Nip::parse(t).map_err(|e| Invalid::of("creditor.nip", &e))?),
                },
                street: self.creditor_street.trim().to_owned(),
                postcode_city: self.creditor_postcode_city.trim().to_owned(),
                bank_account: self.creditor_bank_account.trim().to_owned(),
                contact: blank_to_none(&self.creditor_contact),
            })
        } else {
            None
        };
        s.email.reply_to = match self.reply_to.trim() {
            "" => None,
            t => Some(email("email.reply_to", t)?),
        };
        s.email.report_to = emails("email.report_to", &self.report_to)?;
        if admin {
            let mut bcc = std::collections::BTreeMap::new();
            for (n, line) in self.stage_bcc.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let Some((stage, list)) = line.split_once(':') else {
                    return Err(Invalid::new(
                        "email.stage_bcc",
                        "err-portal-bcc-line",
                        &[("line", (&(n + 1)).into())],
                    ));
                };
                bcc.insert(stage.trim().to_owned(), emails("email.stage_bcc", list)?);
            }
            s.email.stage_bcc = bcc;
        }
        self.letter_place.trim().clone_into(&mut s.letters.place);
        s.letters.category = if self.letter_category == "ekonomiczna" {
            RegisteredCategory::Ekonomiczna
        } else {
            RegisteredCategory::Priorytetowa
        };
        s.letters.return_receipt = self.return_receipt.is_some();
        s.tasks.assignee = blank_to_none(&self.task_assignee);
        s.tasks.due_days = days("tasks.due_days", &self.task_due_days)?;
        s.deadline_days = days("deadline_days", &self.deadline_days)?;
        s.sms.sender = blank_to_none(&self.sms_sender);
        s.sms.inbound_number = blank_to_none(&self.sms_inbound_number);
        s.sms.inbound_keyword = blank_to_none(&self.sms_inbound_keyword);
        s.sms.payment_link = blank_to_none(&self.sms_payment_link);
        s.sms.balance_reply_pl = blank_to_none(&self.sms_reply_pl);
        s.sms.balance_reply_en = blank_to_none(&self.sms_reply_en);
        s.sms.part_price_grosze = match self.sms_part_price.trim() {
            "" => None,
            t => Some(
                Money::parse(t, Currency::PLN)
                    .ok()
                    .and_then(|m| u32::try_from(m.minor).ok())
                    .ok_or_else(|| {
                        Invalid::new(
                            "sms.part_price_grosze",
                            "err-portal-part-price",
                            &[("text", t.into())],
                        )
                    })?,
            ),
        };
        s.sms.balance_daily_limit = match self.sms_balance_limit.trim() {
            "" => s.sms.balance_daily_limit,
            t => t.parse().map_err(|_| {
                Invalid::new(
                    "sms.balance_daily_limit",
                    "err-domain-balance-limit",
                    &[
                        ("min", (*BALANCE_DAILY_LIMITS.start()).into()),
                        ("max", (*BALANCE_DAILY_LIMITS.end()).into()),
                    ],
                )
            })?,
        };
        Ok(s)
    }
}

fn join_emails(list: &[Email]) -> String {
    list.iter()
        .map(Email::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn email(field: &str, text: &str) -> Result<Email, Invalid> {
    Email::parse(text.trim()).map_err(|_| {
        Invalid::new(
            field,
            "err-portal-not-email",
            &[("text", text.trim().into())],
        )
    })
}

fn emails(field: &str, text: &str) -> Result<Vec<Email>, Invalid> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| email(field, t))
        .collect()
}

fn days(field: &str, text: &str) -> Result<u16, Invalid> {
    text.trim()
        .parse()
        .map_err(|_| Invalid::new(field, "err-portal-days-number", &[]))
}

/// The exclusion form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ExclusionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    amount: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub(super) struct SettingsPage {
    ctx: Ctx,
    channels: ChannelForm,
    channels_error: Option<(String, String)>,
    collection: CollectionSettings,
    collection_error: Option<String>,
    paused: Vec<ChannelPauseView>,
    exclusions: Vec<ExclusionView>,
    exclusion: ExclusionForm,
    exclusion_error: Option<String>,
    /// The SMS connection test's answer, after the button: `(ok, text)`.
    sms_check: Option<(bool, String)>,
}

/// The channel form's fields that show their own error under them.
const PLACED_FIELDS: &[&str] = &[
    "creditor.name",
    "creditor.nip",
    "creditor.street",
    "creditor.postcode_city",
    "creditor.bank_account",
    "email.reply_to",
    "email.report_to",
    "email.stage_bcc",
    "deadline_days",
    "tasks.due_days",
    "sms.sender",
    "sms.inbound_number",
    "sms.inbound_keyword",
    "sms.balance_daily_limit",
    "sms.payment_link",
    "sms.balance_reply_pl",
    "sms.balance_reply_en",
    "sms.part_price_grosze",
];

/// Whether a refusal's field (`email.report_to[1]`) is about a form field (`email.report_to`).
fn is_about(refused: &str, field: &str) -> bool {
    refused
        .strip_prefix(field)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
}

impl SettingsPage {
    fn invalid(&self, field: &str) -> &'static str {
        if self.error_for(field).is_some() {
            "true"
        } else {
            "false"
        }
    }

    /// The refusal, under the field it is about.
    fn error_for(&self, field: &str) -> Option<&str> {
        match &self.channels_error {
            Some((f, e)) if is_about(f, field) => Some(e),
            _ => None,
        }
    }

    /// A refusal about no field the form shows (then it stands above the form).
    fn unplaced_error(&self) -> Option<&str> {
        match &self.channels_error {
            Some((f, e)) if !PLACED_FIELDS.iter().any(|p| is_about(f, p)) => Some(e),
            _ => None,
        }
    }

    /// SMSAPI's note on a sender name it accepts but phones may show badly.
    fn sender_warning(&self) -> Option<&'static str> {
        inkaso_channels::smsapi::SenderName::parse(&self.channels.sms_sender)
            .ok()
            .and_then(|n| n.warning(self.ctx.lang))
    }

    /// The catalogue's balance reply in `lang` (`pl`, `en`): what a firm without its own gets.
    #[allow(clippy::unused_self)] // askama reaches page helpers through `self`
    fn default_reply(&self, lang: &str) -> String {
        let lang = if lang == "en" { Lang::En } else { Lang::Pl };
        i18n::text(lang, "sms-balance-reply")
    }

    fn exclusion_value(&self, e: &ExclusionView) -> String {
        match (e.kind.as_str(), e.amount_minor) {
            ("min_remaining", Some(minor)) => self.ctx.money(minor, &e.value),
            _ => e.value.clone(),
        }
    }
}

/// What a re-rendered page carries over from a refused form.
#[derive(Default)]
struct Refused {
    channels: Option<(ChannelForm, Invalid)>,
    collection: Option<String>,
    exclusion: Option<(ExclusionForm, String)>,
    sms_check: Option<(bool, String)>,
}

async fn settings_page(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    refused: Refused,
) -> Result<SettingsPage, PageError> {
    let tenant = &viewer.session.principal.tenant;
    let lang = ctx.lang;
    let (channels, channels_error) = match refused.channels {
        Some((form, e)) => {
            let message = e.message(lang);
            (form, Some((e.field, message)))
        }
        None => (
            ChannelForm::of(&state.app.channel_settings(tenant).await?),
            None,
        ),
    };
    let (exclusion, exclusion_error) = match refused.exclusion {
        Some((form, e)) => (form, Some(e)),
        None => (
            ExclusionForm {
                kind: "debtor_external_id".to_owned(),
                ..ExclusionForm::default()
            },
            None,
        ),
    };
    Ok(SettingsPage {
        channels,
        channels_error,
        collection: state.app.collection_settings(tenant).await?,
        collection_error: refused.collection,
        paused: state.app.channel_pauses(tenant).await?,
        exclusions: state.app.exclusions(tenant).await?,
        exclusion,
        exclusion_error,
        sms_check: refused.sms_check,
        ctx,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<Done>,
) -> Result<SettingsPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "settings").await?;
    let notice = ctx.notice(q.done.as_deref());
    settings_page(&state, &viewer, ctx.with_notice(notice), Refused::default()).await
}

async fn refused(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    refused: Refused,
) -> Result<Response, PageError> {
    let page = settings_page(state, viewer, ctx, refused).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// Saves the channel settings.
pub(super) async fn save_channels(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ChannelForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "settings").await?;
    let tenant = &viewer.session.principal.tenant;
    let stored = state.app.channel_settings(tenant).await?;
    let settings = match form.apply(stored, viewer.session.principal.role == Role::Admin) {
        Ok(s) => s,
        Err(e) => {
            let r = Refused {
                channels: Some((form, e)),
                ..Refused::default()
            };
            return refused(&state, &viewer, ctx, r).await;
        }
    };
    match state
        .app
        .save_channel_settings(tenant, &viewer.session.principal.actor, &settings)
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings?done=settings-saved").into_response()),
        Err(ServiceError::Invalid(e)) => {
            let r = Refused {
                channels: Some((form, e)),
                ..Refused::default()
            };
            refused(&state, &viewer, ctx, r).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The SMS connection test (admin): the page again with what the provider answered.
pub(super) async fn check_sms(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Admin)?;
    let ctx = Ctx::load(&state, &viewer, "settings").await?;
    let check = state
        .app
        .check_sms_account(&viewer.session.principal.tenant)
        .await?;
    let sender = |s: &Option<String>| match s {
        Some(s) => ctx.ta("sms-check-sender-own", "sender", s),
        None => ctx.t("sms-check-sender-service"),
    };
    let answer = match &check {
        SmsCheck::NotConfigured { sender: s } => {
            (false, format!("{} {}", ctx.t("sms-check-none"), sender(s)))
        }
        SmsCheck::Connected {
            username,
            points,
            sender: s,
        } => (
            true,
            format!(
                "{} {}",
                i18n::text_with(
                    ctx.lang,
                    "sms-check-ok",
                    &[
                        ("account", Arg::Text(username.clone())),
                        ("points", Arg::Text(points.to_string())),
                    ],
                ),
                sender(s)
            ),
        ),
        SmsCheck::Failed {
            message_pl,
            message_en,
        } => (
            false,
            ctx.ta(
                "sms-check-failed",
                "reason",
                match ctx.lang {
                    Lang::Pl => message_pl,
                    Lang::En => message_en,
                },
            ),
        ),
    };
    let page = settings_page(
        &state,
        &viewer,
        ctx,
        Refused {
            sms_check: Some(answer),
            ..Refused::default()
        },
    )
    .await?;
    Ok(page.into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct CollectionForm {
    #[serde(default)]
    test_mode: Option<String>,
    #[serde(default)]
    sync_max_age_hours: String,
}

/// Test mode and the freshness limit; only an admin turns test mode off.
pub(super) async fn save_collection(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CollectionForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "settings").await?;
    let tenant = &viewer.session.principal.tenant;
    let mut settings = state.app.collection_settings(tenant).await?;
    let test_mode = form.test_mode.is_some();
    if settings.test_mode && !test_mode && viewer.session.principal.role != Role::Admin {
        return Err(PageError::forbidden());
    }
    settings.test_mode = test_mode;
    let Ok(hours) = form.sync_max_age_hours.trim().parse() else {
        let r = Refused {
            collection: Some(ctx.t("settings-hours-invalid")),
            ..Refused::default()
        };
        return refused(&state, &viewer, ctx, r).await;
    };
    settings.policy.sync_max_age_hours = hours;
    match state
        .app
        .save_collection_settings(tenant, &viewer.session.principal.actor, settings)
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings?done=collection-saved").into_response()),
        Err(ServiceError::Invalid(e)) => {
            let r = Refused {
                collection: Some(e.message(ctx.lang)),
                ..Refused::default()
            };
            refused(&state, &viewer, ctx, r).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Resumes a channel the provider paused.
pub(super) async fn resume_channel(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(code): PathId,
    Form(Empty {}): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let channel = Channel::from_code(&code).ok_or_else(PageError::not_found)?;
    state
        .app
        .resume_channel(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            channel,
        )
        .await?;
    Ok(Redirect::to("/settings?done=channel-resumed").into_response())
}

/// Adds an exclusion; a refused value is shown next to the form.
pub(super) async fn add_exclusion(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ExclusionForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "settings").await?;
    let amount_minor = if form.kind == "min_remaining" {
        match Money::parse(&form.amount, Currency::PLN) {
            Ok(m) => Some(m.minor),
            Err(e) => {
                let message = e.message(ctx.lang);
                let r = Refused {
                    exclusion: Some((form, message)),
                    ..Refused::default()
                };
                return refused(&state, &viewer, ctx, r).await;
            }
        }
    } else {
        None
    };
    let new = NewExclusion {
        kind: form.kind.clone(),
        value: if form.kind == "min_remaining" {
            "PLN".to_owned()
        } else {
            form.value.clone()
        },
        amount_minor,
    };
    match state
        .app
        .create_exclusion(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &new,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings?done=exclusion-added#exclusions").into_response()),
        Err(ServiceError::Invalid(e)) => {
            let message = e.message(ctx.lang);
            let r = Refused {
                exclusion: Some((form, message)),
                ..Refused::default()
            };
            refused(&state, &viewer, ctx, r).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes an exclusion.
pub(super) async fn delete_exclusion(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId,
    Form(Empty {}): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    state
        .app
        .delete_exclusion(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &id,
        )
        .await?;
    Ok(Redirect::to("/settings?done=exclusion-deleted#exclusions").into_response())
}
