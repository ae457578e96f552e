//! Templates (Szablony): the list per channel, reason and language, and the editor with the tag
//! palette of the chosen reason and a preview on sample data — for SMS the text as sent, what
//! was replaced, its length and parts. The preview follows typing through htmx
//! (`/templates/preview` answers with the preview alone); without JavaScript the "Podgląd"
//! button renders the whole page with it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_channels::sms::SmsChange;
use inkaso_channels::template::{
    ChannelKind, ContactReason, Rendered, SmsPreview, Tag, Template as MessageTemplate,
};
use inkaso_shared::{Lang, Localized as _};
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{Done, Empty, PathId, path_segment};
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::services::ServiceError;
use crate::services::model::StoredTemplate;

#[derive(Template, WebTemplate)]
#[template(path = "templates.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<StoredTemplate>,
    error: Option<String>,
}

impl ListPage {
    fn channel_name(&self, t: &MessageTemplate) -> String {
        self.ctx.t(channel_message(t.channel))
    }

    fn reason_name(&self, t: &MessageTemplate) -> String {
        t.reason.label(self.ctx.lang).to_owned()
    }
}

fn channel_message(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Sms => "channel-sms",
        ChannelKind::Email => "channel-email",
        ChannelKind::Voice => "channel-voice",
    }
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let mut rows = state
        .app
        .templates(&viewer.session.principal.tenant)
        .await?;
    rows.sort_by(|a, b| {
        (channel_message(a.template.channel), &a.template.name)
            .cmp(&(channel_message(b.template.channel), &b.template.name))
    });
    Ok(ListPage { ctx, rows, error })
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<Done>,
) -> Result<ListPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "templates").await?;
    let notice = ctx.notice(q.done.as_deref());
    list_page(&state, &viewer, ctx.with_notice(notice), None).await
}

/// The editor's fields as typed.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct TemplateForm {
    #[serde(default)]
    original: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default = "sms")]
    channel: String,
    #[serde(default = "arrears")]
    reason: String,
    #[serde(default = "pl")]
    lang: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    promise_note: String,
    #[serde(default)]
    max_parts: String,
    #[serde(default)]
    op: String,
}

fn sms() -> String {
    "sms".to_owned()
}
fn arrears() -> String {
    "arrears".to_owned()
}
fn pl() -> String {
    "pl".to_owned()
}

impl TemplateForm {
    fn of(code: &str, m: &MessageTemplate) -> TemplateForm {
        TemplateForm {
            original: code.to_owned(),
            code: code.to_owned(),
            name: m.name.clone(),
            channel: channel_code(m.channel).to_owned(),
            reason: reason_code(m.reason).to_owned(),
            lang: m.lang.code().to_owned(),
            subject: m.subject.clone().unwrap_or_default(),
            body: m.body.clone(),
            promise_note: m.promise_note.clone().unwrap_or_default(),
            max_parts: m.max_parts.map(|n| n.to_string()).unwrap_or_default(),
            op: String::new(),
        }
    }

    fn blank(channel: &str) -> TemplateForm {
        TemplateForm {
            original: String::new(),
            code: String::new(),
            name: String::new(),
            channel: match channel {
                "email" | "voice" => channel.to_owned(),
                _ => sms(),
            },
            reason: arrears(),
            lang: pl(),
            subject: String::new(),
            body: String::new(),
            promise_note: String::new(),
            max_parts: String::new(),
            op: String::new(),
        }
    }

    fn kind(&self) -> ChannelKind {
        match self.channel.as_str() {
            "email" => ChannelKind::Email,
            "voice" => ChannelKind::Voice,
            _ => ChannelKind::Sms,
        }
    }

    fn contact_reason(&self) -> ContactReason {
        match self.reason.as_str() {
            "upcoming" => ContactReason::Upcoming,
            "other" => ContactReason::Other,
            _ => ContactReason::Arrears,
        }
    }

    /// The template, or the field that is not a number.
    fn to_template(&self) -> Result<MessageTemplate, &'static str> {
        let max_parts = match self.max_parts.trim() {
            "" => None,
            t => Some(t.parse::<u8>().map_err(|_| "max_parts")?),
        };
        let kind = self.kind();
        let blank = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        Ok(MessageTemplate {
            name: self.name.trim().to_owned(),
            channel: kind,
            reason: self.contact_reason(),
            lang: if self.lang == "en" {
                Lang::En
            } else {
                Lang::Pl
            },
            subject: if kind == ChannelKind::Email {
                blank(&self.subject)
            } else {
                None
            },
            body: self.body.clone(),
            promise_note: blank(&self.promise_note),
            max_parts: if kind == ChannelKind::Sms {
                max_parts
            } else {
                None
            },
        })
    }
}

fn channel_code(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Sms => "sms",
        ChannelKind::Email => "email",
        ChannelKind::Voice => "voice",
    }
}

fn reason_code(reason: ContactReason) -> &'static str {
    match reason {
        ContactReason::Arrears => "arrears",
        ContactReason::Upcoming => "upcoming",
        ContactReason::Other => "other",
    }
}

/// A rendered preview, or why it cannot be rendered.
#[derive(Template, WebTemplate)]
#[template(path = "template_preview.html")]
pub(super) struct PreviewPart {
    ctx: Ctx,
    rendered: Option<Rendered>,
    sms: Option<SmsPreview>,
    size: Option<SmsSize>,
    error: Option<String>,
}

impl PreviewPart {
    fn of(ctx: Ctx, form: &TemplateForm) -> PreviewPart {
        let lang = ctx.lang;
        let mut part = PreviewPart {
            ctx,
            rendered: None,
            sms: None,
            size: None,
            error: None,
        };
        if form.body.trim().is_empty() {
            return part;
        }
        let Ok(template) = form.to_template() else {
            part.error = Some(part.ctx.t("template-max-parts-invalid"));
            return part;
        };
        // A name is not needed to see the text.
        let template = MessageTemplate {
            name: if template.name.is_empty() {
                "-".to_owned()
            } else {
                template.name
            },
            ..template
        };
        match template.preview() {
            Ok(r) => part.rendered = Some(r),
            Err(e) => {
                part.error = Some(e.message(lang));
                return part;
            }
        }
        if template.channel == ChannelKind::Sms {
            match template.preview_sms() {
                Ok(s) => {
                    part.size = Some(SmsSize::of(&s));
                    part.sms = Some(s);
                }
                Err(e) => part.error = Some(e.message(lang)),
            }
        }
        part
    }

    fn change(&self, c: &SmsChange) -> String {
        c.message(self.ctx.lang)
    }
}

/// An SMS preview's length as the page states it: characters, parts, encoding.
pub(super) struct SmsSize {
    chars: i64,
    parts: i64,
    encoding: String,
}

impl SmsSize {
    fn of(s: &SmsPreview) -> SmsSize {
        SmsSize {
            chars: i64::try_from(s.length.chars).unwrap_or(i64::MAX),
            parts: i64::try_from(s.length.parts).unwrap_or(i64::MAX),
            encoding: format!("{:?}", s.length.encoding)
                .to_uppercase()
                .replace("GSM7", "GSM-7")
                .replace("UCS2", "UCS-2"),
        }
    }
}

/// One tag of the palette.
pub(super) struct PaletteTag {
    name: &'static str,
    description: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "template_edit.html")]
pub(super) struct EditPage {
    ctx: Ctx,
    form: TemplateForm,
    error: Option<(String, String)>,
    palette: Vec<PaletteTag>,
    note_palette: Vec<PaletteTag>,
    preview: PreviewPart,
    saved_changes: Vec<String>,
}

impl EditPage {
    fn is_new(&self) -> bool {
        self.form.original.is_empty()
    }

    fn error_of(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn invalid(&self, field: &str) -> &'static str {
        if self.error_of(field).is_some() {
            "true"
        } else {
            "false"
        }
    }
}

fn palette(reason: ContactReason, lang: Lang) -> Vec<PaletteTag> {
    Tag::available_for(reason)
        .into_iter()
        .map(|t| PaletteTag {
            name: t.name(),
            description: t.description(lang),
        })
        .collect()
}

fn edit_page(
    ctx: Ctx,
    form: TemplateForm,
    error: Option<(String, String)>,
    saved_changes: Vec<String>,
) -> EditPage {
    let lang = ctx.lang;
    let reason = form.contact_reason();
    let preview = PreviewPart::of(ctx.clone(), &form);
    EditPage {
        palette: palette(reason, lang),
        note_palette: vec![PaletteTag {
            name: Tag::PromiseDate.name(),
            description: Tag::PromiseDate.description(lang),
        }],
        ctx,
        form,
        error,
        preview,
        saved_changes,
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NewQuery {
    channel: Option<String>,
}

pub(super) async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<NewQuery>,
) -> Result<EditPage, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "templates").await?;
    Ok(edit_page(
        ctx,
        TemplateForm::blank(q.channel.as_deref().unwrap_or("sms")),
        None,
        Vec::new(),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ShowQuery {
    done: Option<String>,
    /// What saving replaced in an SMS text, carried over the redirect.
    #[serde(default)]
    changed: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(code): PathId,
    Query(q): Query<ShowQuery>,
) -> Result<EditPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "templates").await?;
    let notice = ctx.notice(q.done.as_deref());
    let stored = state
        .app
        .template(&viewer.session.principal.tenant, &code)
        .await?
        .ok_or_else(PageError::not_found)?;
    let changes = q
        .changed
        .filter(|c| !c.is_empty())
        .map(|c| vec![ctx.ta("template-sms-changed", "changes", &c)])
        .unwrap_or_default();
    Ok(edit_page(
        ctx.with_notice(notice),
        TemplateForm::of(&code, &stored),
        None,
        changes,
    ))
}

/// The live preview: the preview fragment for the form as typed.
pub(super) async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TemplateForm>,
) -> Result<PreviewPart, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "templates").await?;
    Ok(PreviewPart::of(ctx, &form))
}

/// The editor's form: preview (without JavaScript) or save.
pub(super) async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TemplateForm>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "templates").await?;
    if form.op != "save" {
        return Ok(edit_page(ctx, form, None, Vec::new()).into_response());
    }
    let refuse = |ctx: Ctx, form: TemplateForm, field: &str, message: String| {
        let page = edit_page(ctx, form, Some((field.to_owned(), message)), Vec::new());
        Ok((StatusCode::BAD_REQUEST, page).into_response())
    };
    let code = form.code.trim().to_owned();
    if code.is_empty()
        || code.chars().count() > 64
        || !code
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        let message = ctx.t("template-code-invalid");
        return refuse(ctx, form, "code", message);
    }
    if !form.original.is_empty() && code != form.original {
        let message = ctx.t("process-code-fixed");
        return refuse(ctx, form, "code", message);
    }
    let template = match form.to_template() {
        Ok(t) => t,
        Err(field) => {
            let message = ctx.t("template-max-parts-invalid");
            return refuse(ctx, form, field, message);
        }
    };
    match state
        .app
        .save_template(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &code,
            template,
        )
        .await
    {
        Ok(saved) => {
            let changed = saved
                .sms_changes
                .iter()
                .map(|c| c.message(ctx.lang))
                .collect::<Vec<_>>()
                .join("; ");
            let to =
                form_urlencoded::Serializer::new(format!("/templates/{}?", path_segment(&code)))
                    .append_pair("done", "template-saved")
                    .append_pair("changed", &changed)
                    .finish();
            Ok(Redirect::to(&to).into_response())
        }
        Err(ServiceError::Template(e)) => {
            let field = e.field().unwrap_or("body");
            refuse(ctx.clone(), form, field, e.message(ctx.lang))
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes a template no stage uses; the refusal names the stages.
pub(super) async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(code): PathId,
    Form(Empty {}): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "templates").await?;
    match state
        .app
        .delete_template(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &code,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/templates?done=template-deleted").into_response()),
        Err(e @ ServiceError::Conflict { .. }) => {
            let message = PageError::from(e).message(ctx.lang).to_owned();
            let page = list_page(&state, &viewer, ctx, Some(message)).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
