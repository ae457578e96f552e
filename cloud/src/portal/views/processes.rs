//! Processes (Procesy): the list with the default process and the group rules, and the editor —
//! the stages on a timeline around the due date, each refusal next to its field, and what the
//! process would send over the next 30 days before it is saved.
//!
//! The editor is one plain form whose fields are named by the paths the core's validation
//! reports (`stages[1].window.end_hour`), so an error lands next to its field without a mapping
//! table. Adding or removing a stage and the preview are buttons of the same form: everything
//! works with JavaScript off, and nothing is stored before "Zapisz".

use std::str::FromStr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use inkaso_shared::{Currency, DebtorKind, Lang, Localized as _, Money};
use serde::Deserialize;

use super::super::session::Form;
use super::super::{Ctx, PageError, Viewer};
use super::{Done, Empty, PathId, blank_to_none, path_segment};
use crate::domain::accounts::Role;
use crate::http::AppState;
use crate::process::model::DEFAULT_CATCH_UP_DAYS;
use crate::process::{
    AmountScope, Channel, DemandTitle, GroupRule, Grouping, MinAmount, Outcome, PdfDemand, Process,
    ProcessError, Repeat, SendWindow, Stage, Weekdays,
};
use crate::services::ServiceError;
use crate::services::processes::{PREVIEW_DAYS, PreviewScope, ProcessPreview};

/// Most stages a form may carry: a bound on what a posted form can make the server allocate.
const MAX_FORM_STAGES: usize = 30;
/// Most preview rows listed; the counts above the table cover them all.
const PREVIEW_ROWS: usize = 200;
/// The weekday codes, Monday first, as the core names them.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Template, WebTemplate)]
#[template(path = "processes.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    rows: Vec<Process>,
    rules: Vec<RuleRow>,
    error: Option<String>,
}

/// A group rule as the list shows it.
pub(super) struct RuleRow {
    process: String,
    kind: String,
    tag: String,
    min_total: String,
    max_total: String,
}

impl RuleRow {
    fn of(r: &GroupRule) -> RuleRow {
        RuleRow {
            process: r.process.clone(),
            kind: match r.kind {
                Some(DebtorKind::Company) => "company",
                Some(DebtorKind::Person) => "person",
                None => "",
            }
            .to_owned(),
            tag: r.tag.clone().unwrap_or_default(),
            min_total: r.min_total.map(Money::format_amount).unwrap_or_default(),
            max_total: r.max_total.map(Money::format_amount).unwrap_or_default(),
        }
    }
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let tenant = &viewer.session.principal.tenant;
    let rows = state.app.processes(tenant).await?;
    let rules = state
        .app
        .group_rules(tenant)
        .await?
        .iter()
        .map(RuleRow::of)
        .collect();
    Ok(ListPage {
        ctx,
        rows,
        rules,
        error,
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<Done>,
) -> Result<ListPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "processes").await?;
    let notice = ctx.notice(q.done.as_deref());
    list_page(&state, &viewer, ctx.with_notice(notice), None).await
}

/// Makes a process the default.
pub(super) async fn make_default(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(code): PathId,
    Form(Empty {}): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    state
        .app
        .set_default_process(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &code,
        )
        .await?;
    Ok(Redirect::to("/processes?done=process-default").into_response())
}

/// Deletes a process; a process in use is refused with where it is used.
pub(super) async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(code): PathId,
    Form(Empty {}): Form<Empty>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "processes").await?;
    match state
        .app
        .delete_process(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            &code,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/processes?done=process-deleted").into_response()),
        Err(ServiceError::Process(e @ ProcessError::InUse { .. })) => {
            let message = e.message(ctx.lang);
            let page = list_page(&state, &viewer, ctx, Some(message)).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A stage as the form carries it: text as typed, so a refused value is shown back unchanged.
#[derive(Debug, Clone, Default)]
pub(super) struct StageForm {
    code: String,
    name: String,
    channel: String,
    offset_days: String,
    template: String,
    min_amount: String,
    min_scope: String,
    repeat_every: String,
    repeat_times: String,
    weekdays: Vec<String>,
    start_hour: String,
    end_hour: String,
    skip_holidays: bool,
    skip_contacted: String,
    grouping: String,
    pdf: String,
    compensation: bool,
    max_parts: String,
    late_days: String,
}

impl StageForm {
    /// A new stage: a reminder a week after the due date, in office hours.
    fn blank(n: usize) -> StageForm {
        let window = SendWindow::default();
        StageForm {
            code: format!("E{n}"),
            channel: "email".to_owned(),
            offset_days: "7".to_owned(),
            weekdays: DAYS[..5].iter().map(|d| (*d).to_owned()).collect(),
            start_hour: window.start_hour.to_string(),
            end_hour: window.end_hour.to_string(),
            skip_holidays: window.skip_holidays,
            min_scope: "per_document".to_owned(),
            grouping: "per_debtor".to_owned(),
            ..StageForm::default()
        }
    }

    fn of(s: &Stage) -> StageForm {
        let opt = |v: Option<u16>| v.map(|n| n.to_string()).unwrap_or_default();
        StageForm {
            code: s.code.clone(),
            name: s.name.clone(),
            channel: s.channel.code().to_owned(),
            offset_days: s.offset_days.to_string(),
            template: s.template.clone(),
            min_amount: s
                .min_amount
                .map(|m| m.amount.format_amount())
                .unwrap_or_default(),
            min_scope: match s.min_amount.map(|m| m.scope) {
                Some(AmountScope::PerDebtor) => "per_debtor",
                _ => "per_document",
            }
            .to_owned(),
            repeat_every: opt(s.repeat.map(|r| r.every_days)),
            repeat_times: opt(s.repeat.map(|r| r.times)),
            weekdays: DAYS
                .iter()
                .zip(weekday_list())
                .filter(|(_, d)| s.window.weekdays.contains(*d))
                .map(|(n, _)| (*n).to_owned())
                .collect(),
            start_hour: s.window.start_hour.to_string(),
            end_hour: s.window.end_hour.to_string(),
            skip_holidays: s.window.skip_holidays,
            skip_contacted: opt(s.skip_if_contacted_days),
            grouping: match s.grouping {
                Grouping::PerDebtor => "per_debtor",
                Grouping::PerDocument => "per_document",
            }
            .to_owned(),
            pdf: match s.pdf.map(|p| p.title) {
                None => "",
                Some(DemandTitle::Reminder) => "reminder",
                Some(DemandTitle::Demand) => "demand",
                Some(DemandTitle::Admonition) => "admonition",
            }
            .to_owned(),
            compensation: s.pdf.is_some_and(|p| p.add_compensation),
            max_parts: s.max_parts.map(|n| n.to_string()).unwrap_or_default(),
            late_days: opt(s.late_days),
        }
    }

    fn set(&mut self, field: &str, value: String) {
        match field {
            "code" => self.code = value,
            "name" => self.name = value,
            "channel" => self.channel = value,
            "offset_days" => self.offset_days = value,
            "template" => self.template = value,
            "min_amount.amount" => self.min_amount = value,
            "min_amount.scope" => self.min_scope = value,
            "repeat.every_days" => self.repeat_every = value,
            "repeat.times" => self.repeat_times = value,
            "window.weekdays" => self.weekdays.push(value),
            "window.start_hour" => self.start_hour = value,
            "window.end_hour" => self.end_hour = value,
            "window.skip_holidays" => self.skip_holidays = true,
            "skip_if_contacted_days" => self.skip_contacted = value,
            "grouping" => self.grouping = value,
            "pdf" => self.pdf = value,
            "pdf.add_compensation" => self.compensation = true,
            "max_parts" => self.max_parts = value,
            "late_days" => self.late_days = value,
            _ => {}
        }
    }

    fn has_day(&self, day: &str) -> bool {
        self.weekdays.iter().any(|d| d == day)
    }

    /// The stage, or the fields that are not numbers (with the path the core would use).
    fn to_stage(&self, prefix: &str, errors: &mut Vec<(String, String)>, lang: Lang) -> Stage {
        let mut p = Parser {
            prefix,
            errors,
            lang,
        };
        let channel = Channel::from_code(&self.channel).unwrap_or(Channel::Email);
        let offset_days = p.number("offset_days", &self.offset_days).unwrap_or(0);
        let min_amount = match self.min_amount.trim() {
            "" => None,
            text => match Money::parse(text, Currency::PLN) {
                Ok(amount) => Some(MinAmount {
                    amount,
                    scope: if self.min_scope == "per_debtor" {
                        AmountScope::PerDebtor
                    } else {
                        AmountScope::PerDocument
                    },
                }),
                Err(e) => {
                    p.fail("min_amount.amount", e.message(lang));
                    None
                }
            },
        };
        let every = p.optional("repeat.every_days", &self.repeat_every);
        let times = p.optional("repeat.times", &self.repeat_times);
        let repeat = match (every, times) {
            (None, None) => None,
            (every, times) => Some(Repeat {
                every_days: every.unwrap_or(0),
                times: times.unwrap_or(1),
            }),
        };
        let days: Vec<chrono::Weekday> = DAYS
            .iter()
            .zip(weekday_list())
            .filter(|(n, _)| self.has_day(n))
            .map(|(_, d)| d)
            .collect();
        let window = SendWindow {
            weekdays: Weekdays::from_days(&days),
            start_hour: p.number("window.start_hour", &self.start_hour).unwrap_or(0),
            end_hour: p.number("window.end_hour", &self.end_hour).unwrap_or(0),
            skip_holidays: self.skip_holidays,
        };
        let title = match self.pdf.as_str() {
            "reminder" => Some(DemandTitle::Reminder),
            "demand" => Some(DemandTitle::Demand),
            "admonition" => Some(DemandTitle::Admonition),
            _ => None,
        };
        Stage {
            code: self.code.trim().to_owned(),
            name: self.name.trim().to_owned(),
            channel,
            offset_days,
            template: self.template.trim().to_owned(),
            pdf: title.map(|title| PdfDemand {
                title,
                add_compensation: self.compensation,
            }),
            min_amount,
            repeat,
            window,
            skip_if_contacted_days: p.optional("skip_if_contacted_days", &self.skip_contacted),
            grouping: if self.grouping == "per_document" {
                Grouping::PerDocument
            } else {
                Grouping::PerDebtor
            },
            max_parts: p.optional("max_parts", &self.max_parts),
            late_days: p.optional("late_days", &self.late_days),
        }
    }
}

fn weekday_list() -> [chrono::Weekday; 7] {
    use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
    [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
}

/// Reads numbers out of a stage's text fields, noting each one that is not a number.
struct Parser<'a> {
    prefix: &'a str,
    errors: &'a mut Vec<(String, String)>,
    lang: Lang,
}

impl Parser<'_> {
    fn fail(&mut self, field: &str, message: String) {
        self.errors
            .push((format!("{}.{field}", self.prefix), message));
    }

    fn number<T: FromStr>(&mut self, field: &str, text: &str) -> Option<T> {
        let parsed = text.trim().parse().ok();
        if parsed.is_none() {
            let message = crate::i18n::text(self.lang, "field-whole-number");
            self.fail(field, message);
        }
        parsed
    }

    fn optional<T: FromStr>(&mut self, field: &str, text: &str) -> Option<T> {
        if text.trim().is_empty() {
            None
        } else {
            self.number(field, text)
        }
    }
}

/// The whole editor form.
#[derive(Debug, Clone, Default)]
pub(super) struct ProcessForm {
    /// The code the process had when the editor opened; empty for a new one.
    original: String,
    code: String,
    name: String,
    catch_up_days: String,
    is_default: bool,
    stages: Vec<StageForm>,
}

impl ProcessForm {
    fn of(p: &Process) -> ProcessForm {
        ProcessForm {
            original: p.code.clone(),
            code: p.code.clone(),
            name: p.name.clone(),
            catch_up_days: p.catch_up_days.to_string(),
            is_default: p.is_default,
            stages: p.stages.iter().map(StageForm::of).collect(),
        }
    }

    fn blank() -> ProcessForm {
        ProcessForm {
            catch_up_days: DEFAULT_CATCH_UP_DAYS.to_string(),
            stages: vec![StageForm::blank(1)],
            ..ProcessForm::default()
        }
    }

    /// Reads a posted form; `op` is the button pressed.
    fn parse(pairs: Vec<(String, String)>) -> Result<(ProcessForm, String), PageError> {
        let mut form = ProcessForm::default();
        let mut op = String::new();
        for (key, value) in pairs {
            if let Some(rest) = key.strip_prefix("stages[") {
                let (index, field) = rest
                    .split_once("].")
                    .ok_or_else(|| PageError::bad_form(&key))?;
                let i: usize = index.parse().map_err(|_| PageError::bad_form(&key))?;
                if i >= MAX_FORM_STAGES {
                    return Err(PageError::bad_form(&key));
                }
                if form.stages.len() <= i {
                    form.stages.resize_with(i + 1, StageForm::default);
                }
                form.stages[i].set(field, value);
                continue;
            }
            match key.as_str() {
                "original" => form.original = value,
                "code" => form.code = value,
                "name" => form.name = value,
                "catch_up_days" => form.catch_up_days = value,
                "is_default" => form.is_default = true,
                "op" => op = value,
                _ => {}
            }
        }
        // A gap in the indices (a stage removed by hand-edited HTML) is no stage.
        form.stages.retain(|s| !s.channel.is_empty());
        Ok((form, op))
    }

    /// The process, and every field that is not a number.
    fn to_process(&self, lang: Lang) -> (Process, Vec<(String, String)>) {
        let mut errors = Vec::new();
        let stages = self
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| s.to_stage(&format!("stages[{i}]"), &mut errors, lang))
            .collect();
        let catch_up_days = self.catch_up_days.trim().parse().unwrap_or_else(|_| {
            errors.push((
                "catch_up_days".to_owned(),
                crate::i18n::text(lang, "field-whole-number"),
            ));
            0
        });
        (
            Process {
                code: self.code.trim().to_owned(),
                name: self.name.trim().to_owned(),
                is_default: self.is_default,
                stages,
                catch_up_days,
            },
            errors,
        )
    }
}

/// The timeline drawn above the stages: each occurrence at its day around the due date.
pub(super) struct Timeline {
    height: u32,
    due_x: f64,
    ticks: Vec<(f64, String)>,
    rows: Vec<TimelineRow>,
}

pub(super) struct TimelineRow {
    y: u32,
    label: String,
    channel: &'static str,
    points: Vec<f64>,
}

/// The SVG's drawing width; the page scales it.
const TIMELINE_WIDTH: f64 = 1000.0;
const TIMELINE_LEFT: f64 = 40.0;

impl Timeline {
    fn of(stages: &[Stage], lang: Lang) -> Timeline {
        let offsets: Vec<Vec<i64>> = stages
            .iter()
            .map(|s| {
                (0..s.occurrences().min(60))
                    .map(|k| s.occurrence_offset(k))
                    .collect()
            })
            .collect();
        let lo = offsets.iter().flatten().copied().min().unwrap_or(0).min(-7);
        let hi = offsets.iter().flatten().copied().max().unwrap_or(0).max(14);
        // Offsets are bounded by the model (−365…3 650 days, 100 repeats), far inside f64's
        // exact integers; a drawing needs no more.
        #[allow(clippy::cast_precision_loss)]
        let span = (hi - lo).max(1) as f64;
        #[allow(clippy::cast_precision_loss)]
        let x = |d: i64| {
            TIMELINE_LEFT + (d - lo) as f64 / span * (TIMELINE_WIDTH - 2.0 * TIMELINE_LEFT)
        };
        let step = match hi - lo {
            0..=30 => 7,
            31..=90 => 14,
            91..=200 => 30,
            _ => 90,
        };
        let mut ticks = Vec::new();
        let mut d = lo - lo.rem_euclid(step);
        while d <= hi {
            if d >= lo && d != 0 {
                let label = crate::i18n::text_with(
                    lang,
                    "timeline-tick",
                    &[
                        ("offset", format!("{d:+}").into()),
                        ("days", d.abs().into()),
                    ],
                );
                ticks.push((x(d), label));
            }
            d += step;
        }
        let rows = stages
            .iter()
            .zip(&offsets)
            .enumerate()
            .map(|(i, (s, offs))| TimelineRow {
                y: 44 + 26 * u32::try_from(i).unwrap_or(0),
                label: if s.code.is_empty() {
                    s.channel.name(lang)
                } else {
                    format!("{} · {}", s.code, s.channel.name(lang))
                },
                channel: s.channel.code(),
                points: offs.iter().map(|&o| x(o)).collect(),
            })
            .collect();
        Timeline {
            height: 44 + 26 * u32::try_from(stages.len()).unwrap_or(0) + 6,
            due_x: x(0),
            ticks,
            rows,
        }
    }
}

impl TimelineRow {
    fn first(&self) -> f64 {
        self.points.first().copied().unwrap_or(TIMELINE_LEFT)
    }

    fn last(&self) -> f64 {
        self.points.last().copied().unwrap_or(TIMELINE_LEFT)
    }

    /// Labels near the right edge go to the marker's left.
    fn label_left(&self) -> bool {
        self.first() > TIMELINE_WIDTH * 0.7
    }
}

/// The preview as the page lists it.
pub(super) struct PreviewView {
    all_debtors: bool,
    debtors: i64,
    due: i64,
    skipped: i64,
    by_channel: Vec<(String, i64)>,
    rows: Vec<PreviewLine>,
}

pub(super) struct PreviewLine {
    at: chrono::DateTime<chrono::Utc>,
    debtor: String,
    stage: String,
    channel: &'static str,
    documents: i64,
    skipped: Option<String>,
}

impl PreviewView {
    fn of(p: ProcessPreview, lang: Lang) -> PreviewView {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let mut by_channel: Vec<(String, i64)> = Vec::new();
        let mut due = 0;
        let mut skipped = 0;
        for r in &p.rows {
            if matches!(r.decision.outcome, Outcome::Skipped(_)) {
                skipped += 1;
                continue;
            }
            due += 1;
            let code = r.decision.channel.code();
            match by_channel.iter_mut().find(|(c, _)| c == code) {
                Some((_, n)) => *n += 1,
                None => by_channel.push((code.to_owned(), 1)),
            }
        }
        let rows = p
            .rows
            .into_iter()
            .take(PREVIEW_ROWS)
            .map(|r| PreviewLine {
                at: r.decision.slot,
                debtor: r.debtor_name,
                stage: r.decision.stage.clone(),
                channel: r.decision.channel.code(),
                documents: count(r.decision.documents.len()),
                skipped: match &r.decision.outcome {
                    Outcome::Skipped(why) => Some(why.message(lang)),
                    Outcome::Held(why) => Some(why.message(lang)),
                    _ => None,
                },
            })
            .collect();
        PreviewView {
            all_debtors: p.scope == PreviewScope::AllDebtors,
            debtors: count(p.debtors),
            due,
            skipped,
            by_channel,
            rows,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "process_edit.html")]
pub(super) struct EditPage {
    ctx: Ctx,
    form: ProcessForm,
    errors: Vec<(String, String)>,
    general: Vec<String>,
    timeline: Timeline,
    preview: Option<PreviewView>,
    templates: Vec<(String, String)>,
    channels: Vec<(&'static str, String)>,
    days: Vec<(&'static str, String)>,
    preview_days: u32,
}

impl EditPage {
    /// The error of exactly this field, if any.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn invalid(&self, field: &str) -> &'static str {
        if self.error(field).is_some() {
            "true"
        } else {
            "false"
        }
    }

    fn is_new(&self) -> bool {
        self.form.original.is_empty()
    }

    /// The error of stage `i`'s field `field` (`window.end_hour`).
    fn serr(&self, i: impl std::fmt::Display, field: &str) -> Option<&str> {
        self.error(&format!("stages[{i}].{field}"))
    }

    fn sinvalid(&self, i: impl std::fmt::Display, field: &str) -> &'static str {
        if self.serr(i, field).is_some() {
            "true"
        } else {
            "false"
        }
    }
}

async fn edit_page(
    state: &AppState,
    viewer: &Viewer,
    ctx: Ctx,
    form: ProcessForm,
    errors: Vec<(String, String)>,
    general: Vec<String>,
    preview: Option<PreviewView>,
) -> Result<EditPage, PageError> {
    let lang = ctx.lang;
    let (process, _) = form.to_process(lang);
    let templates = state
        .app
        .templates(&viewer.session.principal.tenant)
        .await?
        .into_iter()
        .map(|t| (t.code, t.template.name))
        .collect();
    Ok(EditPage {
        timeline: Timeline::of(&process.stages, lang),
        channels: Channel::ALL
            .iter()
            .map(|c| (c.code(), ctx.channel(c.code())))
            .collect(),
        days: DAYS
            .iter()
            .map(|d| (*d, ctx.t(&format!("day-{d}"))))
            .collect(),
        ctx,
        form,
        errors,
        general,
        preview,
        templates,
        preview_days: PREVIEW_DAYS,
    })
}

pub(super) async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<EditPage, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "processes").await?;
    edit_page(
        &state,
        &viewer,
        ctx,
        ProcessForm::blank(),
        Vec::new(),
        Vec::new(),
        None,
    )
    .await
}

pub(super) async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(code): PathId,
    Query(q): Query<Done>,
) -> Result<EditPage, PageError> {
    viewer.require(Role::Viewer)?;
    let ctx = Ctx::load(&state, &viewer, "processes").await?;
    let notice = ctx.notice(q.done.as_deref());
    let process = state
        .app
        .process(&viewer.session.principal.tenant, &code)
        .await?;
    edit_page(
        &state,
        &viewer,
        ctx.with_notice(notice),
        ProcessForm::of(&process),
        Vec::new(),
        Vec::new(),
        None,
    )
    .await
}

/// The editor's one form: add or remove a stage, preview, or save.
pub(super) async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "processes").await?;
    let lang = ctx.lang;
    let tenant = &viewer.session.principal.tenant;
    let (mut form, op) = ProcessForm::parse(pairs)?;
    if op == "add" {
        if form.stages.len() < MAX_FORM_STAGES {
            form.stages.push(StageForm::blank(form.stages.len() + 1));
        }
        let page = edit_page(&state, &viewer, ctx, form, Vec::new(), Vec::new(), None).await?;
        return Ok(page.into_response());
    }
    if let Some(i) = op.strip_prefix("remove:") {
        if let Ok(i) = i.parse::<usize>()
            && i < form.stages.len()
        {
            form.stages.remove(i);
        }
        let page = edit_page(&state, &viewer, ctx, form, Vec::new(), Vec::new(), None).await?;
        return Ok(page.into_response());
    }
    let (process, mut errors) = form.to_process(lang);
    if !form.original.is_empty() && process.code != form.original {
        errors.push(("code".to_owned(), ctx.t("process-code-fixed")));
    }
    let mut general = Vec::new();
    if errors.is_empty() {
        let result = if op == "save" {
            let code = process.code.clone();
            match state
                .app
                .save_process(tenant, &viewer.session.principal.actor, &code, process)
                .await
            {
                Ok(saved) => {
                    let done = if saved.created {
                        "process-created"
                    } else {
                        "process-saved"
                    };
                    let to = format!("/processes/{}?done={done}", path_segment(&code));
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => Err(e),
            }
        } else {
            state
                .app
                .preview_process(tenant, &process, PREVIEW_DAYS)
                .await
                .map(Some)
        };
        match result {
            Ok(Some(preview)) => {
                let preview = PreviewView::of(preview, lang);
                let page =
                    edit_page(&state, &viewer, ctx, form, errors, general, Some(preview)).await?;
                return Ok(page.into_response());
            }
            Ok(None) => {}
            Err(ServiceError::Process(ProcessError::Invalid(fields))) => {
                errors.extend(
                    fields
                        .into_iter()
                        .map(|f| (f.field.clone(), f.problem.text(lang))),
                );
            }
            Err(ServiceError::Process(e)) => general.push(e.message(lang)),
            Err(ServiceError::Invalid(i)) => general.push(i.message(lang)),
            Err(e) => return Err(e.into()),
        }
    } else {
        // Every refusal at once: the core's checks for the fields that did parse.
        if let Err(ProcessError::Invalid(fields)) = process.validate() {
            for f in fields {
                if !errors.iter().any(|(known, _)| *known == f.field) {
                    errors.push((f.field.clone(), f.problem.text(lang)));
                }
            }
        }
    }
    // A field error the form has no field for (a whole-process rule) is said at the top.
    let known = |f: &str| {
        matches!(f, "code" | "name" | "catch_up_days")
            || (f.starts_with("stages[") && f.contains("]."))
    };
    general.extend(
        errors
            .iter()
            .filter(|(f, _)| !known(f))
            .map(|(f, m)| format!("{f}: {m}")),
    );
    let page = edit_page(&state, &viewer, ctx, form, errors, general, None).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RuleForm {
    #[serde(default)]
    process: Vec<String>,
    #[serde(default)]
    kind: Vec<String>,
    #[serde(default)]
    tag: Vec<String>,
    #[serde(default)]
    min_total: Vec<String>,
    #[serde(default)]
    max_total: Vec<String>,
}

/// Column `i` of a table posted as repeated fields; a missing cell is empty.
fn cell(list: &[String], i: usize) -> &str {
    list.get(i).map(String::as_str).unwrap_or_default()
}

/// Replaces the group rules; a row with no process is dropped (that is how a rule is removed).
pub(super) async fn save_rules(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    viewer.require(Role::Editor)?;
    let ctx = Ctx::load(&state, &viewer, "processes").await?;
    let mut form = RuleForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "process" => form.process.push(v),
            "kind" => form.kind.push(v),
            "tag" => form.tag.push(v),
            "min_total" => form.min_total.push(v),
            "max_total" => form.max_total.push(v),
            _ => {}
        }
    }
    let mut rules = Vec::new();
    for (i, process) in form.process.iter().enumerate() {
        let Some(process) = blank_to_none(process) else {
            continue;
        };
        let amount = |text: &str, what: &str| -> Result<Option<Money>, String> {
            match text.trim() {
                "" => Ok(None),
                t => Money::parse(t, Currency::PLN).map(Some).map_err(|e| {
                    format!(
                        "{} {}, {what}: {}",
                        ctx.t("rule-number"),
                        rules.len() + 1,
                        e.message(ctx.lang)
                    )
                }),
            }
        };
        let parsed = amount(cell(&form.min_total, i), &ctx.t("col-min-total")).and_then(|min| {
            amount(cell(&form.max_total, i), &ctx.t("col-max-total")).map(|max| (min, max))
        });
        let (min_total, max_total) = match parsed {
            Ok(pair) => pair,
            Err(message) => {
                let page = list_page(&state, &viewer, ctx, Some(message)).await?;
                return Ok((StatusCode::BAD_REQUEST, page).into_response());
            }
        };
        rules.push(GroupRule {
            process,
            kind: match cell(&form.kind, i) {
                "company" => Some(DebtorKind::Company),
                "person" => Some(DebtorKind::Person),
                _ => None,
            },
            tag: blank_to_none(cell(&form.tag, i)),
            min_total,
            max_total,
        });
    }
    match state
        .app
        .set_group_rules(
            &viewer.session.principal.tenant,
            &viewer.session.principal.actor,
            rules,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/processes?done=rules-saved").into_response()),
        Err(ServiceError::Invalid(i)) => {
            let message = i.message(ctx.lang);
            let page = list_page(&state, &viewer, ctx, Some(message)).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
