//! Collection processes (Optima's "schematy windykacji") and their stages: the data a client
//! edits, its validation, the one-default rule, assignment of a process to a debtor and the
//! "in use cannot be deleted" check.
//!
//! Everything is serde-serialisable so the store can keep a process as JSON and the API can
//! accept one; nothing here touches a database. Validation errors name the field
//! (`stages[2].repeat.every_days`) and speak Polish, with English through [`Localized`].

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use inkaso_shared::{Currency, DebtorKind, ExternalId, Lang, Localized, Money};
use serde::{Deserialize, Serialize};

use super::calendar::SendWindow;
use crate::i18n::{self, Arg};

/// Longest process or stage code: codes go into idempotency keys and provider ids.
pub const MAX_CODE: usize = 32;
/// Longest name or template reference.
pub const MAX_NAME: usize = 200;
/// Offsets further than this from the due date are a typo, not a plan.
pub const MAX_OFFSET_DAYS: i32 = 3650;
/// Before-due reminders earlier than this make no sense for an invoice.
pub const MIN_OFFSET_DAYS: i32 = -365;
/// Upper bound of repeats of one stage (Firmino: "ile wezwań dla jednego dokumentu").
pub const MAX_REPEAT_TIMES: u16 = 100;
/// Default of [`Process::catch_up_days`].
pub const DEFAULT_CATCH_UP_DAYS: u16 = 30;
/// A reminder scheduled on the due date is still sent this many days late (a weekend, a short
/// outage); later a later stage takes over ([`Stage::late_days`] changes it per stage).
pub const DUE_DAY_GRACE_DAYS: u16 = 3;

/// How a stage reaches (or acts on) the debtor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A text message.
    Sms,
    /// An e-mail (optionally with a PDF demand attached).
    Email,
    /// A PDF letter ("Ponaglenie" / "Wezwanie do zapłaty" / "Upomnienie").
    Letter,
    /// A registered letter (list polecony / e-Polecony).
    RegisteredLetter,
    /// A voice message.
    Voice,
    /// A task for an employee of the client.
    Task,
    /// A sales block on the debtor, reported back to the ERP.
    SalesBlock,
    /// A hand-off of the case to a law-firm partner.
    Handoff,
}

impl Channel {
    /// Every channel, in a stable order.
    pub const ALL: [Channel; 8] = [
        Channel::Sms,
        Channel::Email,
        Channel::Letter,
        Channel::RegisteredLetter,
        Channel::Voice,
        Channel::Task,
        Channel::SalesBlock,
        Channel::Handoff,
    ];

    /// The channel with this wire name.
    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The wire name (`registered_letter`).
    pub fn code(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::RegisteredLetter => "registered_letter",
            Channel::Voice => "voice",
            Channel::Task => "task",
            Channel::SalesBlock => "sales_block",
            Channel::Handoff => "handoff",
        }
    }

    /// Whether an action on this channel is a message the debtor receives. Only these count as
    /// "contacted" for the skip-if-recently-contacted rule; a task or a sales block does not.
    pub fn reaches_debtor(self) -> bool {
        matches!(
            self,
            Channel::Sms
                | Channel::Email
                | Channel::Letter
                | Channel::RegisteredLetter
                | Channel::Voice
        )
    }

    /// Whether a stage on this channel is a demand that only makes sense after the due date
    /// (Optima: "Ponaglenie ... najwcześniej jeden dzień po terminie").
    pub fn requires_overdue(self) -> bool {
        matches!(
            self,
            Channel::Letter | Channel::RegisteredLetter | Channel::Handoff
        )
    }

    /// The channel's Polish name.
    pub fn name(self, lang: Lang) -> String {
        i18n::text(
            lang,
            match self {
                Channel::Sms => "channel-name-sms",
                Channel::Email => "channel-name-email",
                Channel::Letter => "channel-name-letter",
                Channel::RegisteredLetter => "channel-name-registered-letter",
                Channel::Voice => "channel-name-voice",
                Channel::Task => "channel-name-task",
                Channel::SalesBlock => "channel-name-sales-block",
                Channel::Handoff => "channel-name-handoff",
            },
        )
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What the minimum amount of a stage is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountScope {
    /// The remaining amount of each document.
    #[default]
    PerDocument,
    /// The debtor's total remaining amount over all its open documents in collection.
    PerDebtor,
}

/// A stage's minimum amount. Documents in another currency than the minimum's are not compared:
/// the engine has no exchange rates, and a minimum exists to avoid chasing trifles, which a
/// client sets for its own currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinAmount {
    /// The threshold: at least this much must remain to be paid.
    pub amount: Money,
    /// Per document (default) or per debtor total.
    #[serde(default)]
    pub scope: AmountScope,
}

/// Repeat a stage every `every_days` days, `times` occurrences in all (the first included), as in
/// Firmino's "repeat every N days, at most M demands per document".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    /// Days between occurrences (≥ 1).
    pub every_days: u16,
    /// Number of occurrences in all, the first included (1–100).
    pub times: u16,
}

/// One action or several: one message per debtor covering all its due documents (the default,
/// Chaser's grouping) or one per document (Optima's SMS behaviour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// One action per debtor and stage, listing every document due for the stage.
    #[default]
    PerDebtor,
    /// One action per document.
    PerDocument,
}

/// The title printed on a PDF demand (Optima: Ponaglenie / Wezwanie / Upomnienie).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandTitle {
    /// "Ponaglenie zapłaty": a payment reminder.
    Reminder,
    /// "Wezwanie do zapłaty": a payment demand.
    Demand,
    /// "Upomnienie": a formal admonition.
    Admonition,
}

/// A PDF demand generated by a stage: printed for a letter, attached to an e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfDemand {
    /// The printed title.
    pub title: DemandTitle,
    /// Whether the statutory recovery compensation (40/70/100 EUR, ustawa o przeciwdziałaniu
    /// nadmiernym opóźnieniom) is added to the demand.
    #[serde(default)]
    pub add_compensation: bool,
}

/// One step of a process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Code, unique within the process (it keys the stage in history and idempotency keys).
    pub code: String,
    /// Name shown to the client.
    pub name: String,
    /// How the stage reaches the debtor.
    pub channel: Channel,
    /// Days from the due date: negative before, 0 on the day, positive after.
    pub offset_days: i32,
    /// Reference of the template the channel renders (the channels own the templates).
    pub template: String,
    /// A PDF demand printed (letter) or attached (e-mail).
    #[serde(default)]
    pub pdf: Option<PdfDemand>,
    /// Minimum remaining amount for the stage to run.
    #[serde(default)]
    pub min_amount: Option<MinAmount>,
    /// Repetition; `None` runs the stage once.
    #[serde(default)]
    pub repeat: Option<Repeat>,
    /// Allowed weekdays and hours.
    #[serde(default)]
    pub window: SendWindow,
    /// Skip the stage when the debtor received any message in the last this many days.
    #[serde(default)]
    pub skip_if_contacted_days: Option<u16>,
    /// One action per debtor (default) or per document.
    #[serde(default)]
    pub grouping: Grouping,
    /// SMS only: the most parts a message may take (1–6, SMSAPI's limit); the SMS channel
    /// refuses a longer text instead of sending an expensive one.
    #[serde(default)]
    pub max_parts: Option<u8>,
    /// How many days after its scheduled day a late occurrence (catch-up after downtime, or a
    /// document first seen late) may still be performed; later it is skipped as expired and a
    /// later stage takes over. Unset: a before-due reminder until the due date, a due-date
    /// reminder until the document is [`DUE_DAY_GRACE_DAYS`] days overdue, any later stage for
    /// the process's `catch_up_days`. A message must never state what is not true on the day it
    /// goes: "today is the due date" a week later.
    #[serde(default)]
    pub late_days: Option<u16>,
}

impl Stage {
    /// Whether an occurrence scheduled on `scheduled` for a document due on `due_date` is too
    /// late to perform on `today` (see [`Stage::late_days`]); never later than `catch_up_days`.
    pub fn expired(
        &self,
        scheduled: NaiveDate,
        due_date: NaiveDate,
        today: NaiveDate,
        catch_up_days: u16,
    ) -> bool {
        let late = (today - scheduled).num_days();
        let overdue = (today - due_date).num_days();
        late > i64::from(catch_up_days)
            || match self.late_days {
                Some(d) => late > i64::from(d),
                None if self.offset_days < 0 => overdue > 0,
                None if self.offset_days == 0 => overdue > i64::from(DUE_DAY_GRACE_DAYS),
                None => false,
            }
    }

    /// Number of occurrences of the stage for one document.
    pub fn occurrences(&self) -> u16 {
        self.repeat.map_or(1, |r| r.times.max(1))
    }

    /// Days from the due date of occurrence `k` (0-based).
    pub fn occurrence_offset(&self, k: u16) -> i64 {
        let every = self.repeat.map_or(0, |r| i64::from(r.every_days));
        i64::from(self.offset_days) + every * i64::from(k)
    }

    /// Days from the due date of the last occurrence: the stage's reach.
    pub fn last_offset(&self) -> i64 {
        self.occurrence_offset(self.occurrences().saturating_sub(1))
    }
}

/// A collection process ("schemat windykacji").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// Code, unique within the tenant.
    pub code: String,
    /// Name shown to the client.
    pub name: String,
    /// The tenant's default process (exactly one per tenant).
    #[serde(default)]
    pub is_default: bool,
    /// The stages, in any order (they are ordered by offset when planned).
    pub stages: Vec<Stage>,
    /// After downtime, a due occurrence older than this many days is not performed late but
    /// skipped as expired: a document first seen long after its due date is not handed to a law
    /// firm on sight; it shows in "out of collection" instead.
    #[serde(default = "default_catch_up_days")]
    pub catch_up_days: u16,
}

fn default_catch_up_days() -> u16 {
    DEFAULT_CATCH_UP_DAYS
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum FieldProblem {
    /// The field is empty.
    Empty,
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// A code may only hold letters, digits, `-`, `_` and `.`.
    BadCode,
    /// A number outside `min..=max`.
    OutOfRange { min: i64, max: i64 },
    /// Two stages share a code.
    DuplicateStageCode { code: String },
    /// No weekday is allowed.
    NoWeekdays,
    /// Hours must satisfy `start_hour < end_hour ≤ 24`.
    HoursOrder,
    /// A process needs at least one stage.
    NoStages,
    /// A demand (letter, registered letter, hand-off) must come after the due date.
    DemandBeforeDue,
    /// The skip-if-contacted window is as long as the repeat interval, so repeats never run.
    SkipSwallowsRepeat,
    /// A hand-off or sales block happens once; it cannot repeat.
    CannotRepeat,
    /// A PDF demand only goes with a letter, registered letter or e-mail.
    PdfNotSupported,
    /// A limit of SMS parts on a stage that sends no SMS.
    SmsOnly,
    /// A negative minimum amount.
    Negative,
}

impl FieldProblem {
    /// What is wrong, without the field's name: for a form that shows it next to the field.
    pub fn text(&self, lang: Lang) -> String {
        let (id, args): (&str, Vec<(&'static str, Arg)>) = match self {
            FieldProblem::Empty => ("err-process-field-empty", vec![]),
            FieldProblem::TooLong { max } => {
                ("err-process-field-too-long", vec![("max", (*max).into())])
            }
            FieldProblem::BadCode => ("err-process-field-bad-code", vec![]),
            FieldProblem::OutOfRange { min, max } => (
                "err-process-field-out-of-range",
                vec![("min", min.into()), ("max", max.into())],
            ),
            FieldProblem::DuplicateStageCode { code } => (
                "err-process-field-duplicate-stage",
                vec![("code", code.into())],
            ),
            FieldProblem::NoWeekdays => ("err-process-field-no-weekdays", vec![]),
            FieldProblem::HoursOrder => ("err-process-field-hours-order", vec![]),
            FieldProblem::NoStages => ("err-process-field-no-stages", vec![]),
            FieldProblem::DemandBeforeDue => ("err-process-field-demand-before-due", vec![]),
            FieldProblem::SkipSwallowsRepeat => ("err-process-field-skip-swallows-repeat", vec![]),
            FieldProblem::CannotRepeat => ("err-process-field-cannot-repeat", vec![]),
            FieldProblem::PdfNotSupported => ("err-process-field-pdf-not-supported", vec![]),
            FieldProblem::SmsOnly => ("err-process-field-sms-only", vec![]),
            FieldProblem::Negative => ("err-process-field-negative", vec![]),
        };
        i18n::text_with(lang, id, &args)
    }
}

/// One invalid field, named by its path in the process (`stages[1].window.end_hour`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Path of the field.
    pub field: String,
    /// What is wrong with it.
    #[serde(flatten)]
    pub problem: FieldProblem,
}

impl Localized for FieldError {
    fn message(&self, lang: Lang) -> String {
        i18n::text_with(
            lang,
            "err-process-field",
            &[
                ("field", (&self.field).into()),
                ("problem", self.problem.text(lang).into()),
            ],
        )
    }
}

/// Where a process is used: the reason it cannot be deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ProcessUsage {
    /// It is the tenant's default process.
    Default,
    /// Debtors have it as their own process.
    Debtors {
        /// How many debtors.
        count: usize,
        /// Up to five of them, to show.
        examples: Vec<ExternalId>,
    },
    /// A group rule assigns it (1-based rule number, as the client sees the list).
    GroupRule {
        /// Rule number.
        number: usize,
    },
}

impl ProcessUsage {
    fn text(&self, lang: Lang) -> String {
        match self {
            ProcessUsage::Default => i18n::text(lang, "err-process-usage-default"),
            ProcessUsage::Debtors { count, examples } => i18n::text_with(
                lang,
                "err-process-usage-debtors",
                &[
                    ("count", (*count).into()),
                    ("examples", join_ids(examples).into()),
                ],
            ),
            ProcessUsage::GroupRule { number } => i18n::text_with(
                lang,
                "err-process-usage-group-rule",
                &[("number", number.into())],
            ),
        }
    }
}

fn join_ids(ids: &[ExternalId]) -> String {
    ids.iter()
        .map(ExternalId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a process or a tenant's set of processes is refused. `Display` is the Polish message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessError {
    /// One or more fields are invalid.
    Invalid(Vec<FieldError>),
    /// Two processes share a code.
    DuplicateCode(String),
    /// The tenant has processes but none is the default.
    NoDefault,
    /// More than one process is marked as the default.
    MultipleDefaults(Vec<String>),
    /// No process with this code.
    Unknown(String),
    /// The process is in use and cannot be deleted.
    InUse {
        /// The process.
        code: String,
        /// Where it is used.
        usages: Vec<ProcessUsage>,
    },
}

fn render_fields(errors: &[FieldError], lang: Lang) -> String {
    errors
        .iter()
        .map(|e| e.message(lang))
        .collect::<Vec<_>>()
        .join("; ")
}

fn render_usages(usages: &[ProcessUsage], lang: Lang) -> String {
    usages
        .iter()
        .map(|u| u.text(lang))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Localized for ProcessError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ProcessError::Invalid(errors) => render_fields(errors, lang),
            ProcessError::DuplicateCode(c) => {
                i18n::text_with(lang, "err-process-duplicate-code", &[("code", c.into())])
            }
            ProcessError::NoDefault => i18n::text(lang, "err-process-no-default"),
            ProcessError::MultipleDefaults(codes) => i18n::text_with(
                lang,
                "err-process-multiple-defaults",
                &[("codes", codes.join(", ").into())],
            ),
            ProcessError::Unknown(c) => {
                i18n::text_with(lang, "err-process-unknown", &[("code", c.into())])
            }
            ProcessError::InUse { code, usages } => i18n::text_with(
                lang,
                "err-process-in-use",
                &[
                    ("code", code.into()),
                    ("usages", render_usages(usages, lang).into()),
                ],
            ),
        }
    }
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Pl))
    }
}

impl ProcessError {
    /// The invalid fields' paths, for an API that highlights them.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            ProcessError::Invalid(errors) => errors.iter().map(|e| e.field.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn fail(&mut self, field: impl Into<String>, problem: FieldProblem) {
        self.errors.push(FieldError {
            field: field.into(),
            problem,
        });
    }

    fn text(&mut self, field: &str, value: &str, max: usize) {
        let t = value.trim();
        if t.is_empty() {
            self.fail(field, FieldProblem::Empty);
        } else if t.chars().count() > max || t.chars().any(char::is_control) {
            self.fail(field, FieldProblem::TooLong { max });
        }
    }

    fn code(&mut self, field: &str, value: &str) {
        self.text(field, value, MAX_CODE);
        if !value.trim().is_empty()
            && !value
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            self.fail(field, FieldProblem::BadCode);
        }
    }

    fn range(&mut self, field: &str, value: i64, min: i64, max: i64) -> bool {
        if value < min || value > max {
            self.fail(field, FieldProblem::OutOfRange { min, max });
            return false;
        }
        true
    }
}

impl Stage {
    fn check(&self, prefix: &str, c: &mut Checker) {
        c.code(&format!("{prefix}.code"), &self.code);
        c.text(&format!("{prefix}.name"), &self.name, MAX_NAME);
        c.text(&format!("{prefix}.template"), &self.template, MAX_NAME);
        let offset_ok = c.range(
            &format!("{prefix}.offset_days"),
            i64::from(self.offset_days),
            i64::from(MIN_OFFSET_DAYS),
            i64::from(MAX_OFFSET_DAYS),
        );
        if offset_ok && self.channel.requires_overdue() && self.offset_days < 1 {
            c.fail(
                format!("{prefix}.offset_days"),
                FieldProblem::DemandBeforeDue,
            );
        }
        if self.pdf.is_some()
            && !matches!(
                self.channel,
                Channel::Letter | Channel::RegisteredLetter | Channel::Email
            )
        {
            c.fail(format!("{prefix}.pdf"), FieldProblem::PdfNotSupported);
        }
        if let Some(days) = self.late_days {
            c.range(&format!("{prefix}.late_days"), i64::from(days), 0, 365);
        }
        if let Some(parts) = self.max_parts {
            if self.channel == Channel::Sms {
                c.range(&format!("{prefix}.max_parts"), i64::from(parts), 1, 6);
            } else {
                c.fail(format!("{prefix}.max_parts"), FieldProblem::SmsOnly);
            }
        }
        if let Some(min) = self.min_amount
            && min.amount.minor < 0
        {
            c.fail(
                format!("{prefix}.min_amount.amount"),
                FieldProblem::Negative,
            );
        }
        if let Some(r) = self.repeat {
            if matches!(self.channel, Channel::Handoff | Channel::SalesBlock) && r.times > 1 {
                c.fail(format!("{prefix}.repeat"), FieldProblem::CannotRepeat);
            }
            c.range(
                &format!("{prefix}.repeat.every_days"),
                i64::from(r.every_days),
                1,
                365,
            );
            c.range(
                &format!("{prefix}.repeat.times"),
                i64::from(r.times),
                1,
                i64::from(MAX_REPEAT_TIMES),
            );
        }
        if self.window.weekdays.is_empty() {
            c.fail(
                format!("{prefix}.window.weekdays"),
                FieldProblem::NoWeekdays,
            );
        }
        if self.window.start_hour >= self.window.end_hour || self.window.end_hour > 24 {
            c.fail(
                format!("{prefix}.window.end_hour"),
                FieldProblem::HoursOrder,
            );
        }
        if let Some(skip) = self.skip_if_contacted_days {
            c.range(
                &format!("{prefix}.skip_if_contacted_days"),
                i64::from(skip),
                1,
                365,
            );
            // A stage's own repeats are contacts: a skip window as long as the interval would
            // silently swallow every repeat.
            if let Some(r) = self.repeat.filter(|r| r.times > 1)
                && skip >= r.every_days
                && self.channel.reaches_debtor()
            {
                c.fail(
                    format!("{prefix}.skip_if_contacted_days"),
                    FieldProblem::SkipSwallowsRepeat,
                );
            }
        }
    }
}

impl Process {
    /// Checks every field; all problems are reported at once, each naming its field.
    pub fn validate(&self) -> Result<(), ProcessError> {
        let mut c = Checker { errors: Vec::new() };
        c.code("code", &self.code);
        c.text("name", &self.name, MAX_NAME);
        c.range("catch_up_days", i64::from(self.catch_up_days), 0, 365);
        if self.stages.is_empty() {
            c.fail("stages", FieldProblem::NoStages);
        }
        let mut seen = HashSet::new();
        for (i, stage) in self.stages.iter().enumerate() {
            let prefix = format!("stages[{i}]");
            stage.check(&prefix, &mut c);
            if !seen.insert(stage.code.trim()) {
                c.fail(
                    format!("{prefix}.code"),
                    FieldProblem::DuplicateStageCode {
                        code: stage.code.clone(),
                    },
                );
            }
        }
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(ProcessError::Invalid(c.errors))
        }
    }

    /// The stage with `code`.
    pub fn stage(&self, code: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.code == code)
    }

    /// Days after the due date of the last occurrence of any stage: past it, the process no
    /// longer covers a document (R-P7).
    pub fn reach_days(&self) -> i64 {
        self.stages
            .iter()
            .map(Stage::last_offset)
            .max()
            .unwrap_or(i64::MIN)
    }
}

/// Checks a tenant's whole set: every process valid, codes unique, exactly one default (unless
/// the set is empty).
pub fn validate_set(processes: &[Process]) -> Result<(), ProcessError> {
    let mut codes = HashSet::new();
    for p in processes {
        p.validate()?;
        if !codes.insert(p.code.as_str()) {
            return Err(ProcessError::DuplicateCode(p.code.clone()));
        }
    }
    let defaults: Vec<String> = processes
        .iter()
        .filter(|p| p.is_default)
        .map(|p| p.code.clone())
        .collect();
    match defaults.len() {
        0 if processes.is_empty() => Ok(()),
        0 => Err(ProcessError::NoDefault),
        1 => Ok(()),
        _ => Err(ProcessError::MultipleDefaults(defaults)),
    }
}

/// Makes `code` the default and unsets the old default (Optima: marking a scheme as default
/// unmarks the previous one).
pub fn set_default(processes: &mut [Process], code: &str) -> Result<(), ProcessError> {
    if !processes.iter().any(|p| p.code == code) {
        return Err(ProcessError::Unknown(code.to_owned()));
    }
    for p in processes.iter_mut() {
        p.is_default = p.code == code;
    }
    Ok(())
}

/// Adds or replaces a process in the set and returns the new set's validity. A new default
/// unsets the old one; the first process of a tenant becomes the default even when not marked.
pub fn upsert(processes: &mut Vec<Process>, process: Process) -> Result<(), ProcessError> {
    process.validate()?;
    let code = process.code.clone();
    let makes_default = process.is_default;
    match processes.iter_mut().find(|p| p.code == code) {
        Some(existing) => {
            // Unmarking the only default would leave the tenant without one.
            let was_default = existing.is_default;
            *existing = process;
            if was_default && !makes_default {
                existing.is_default = true;
            }
        }
        None => processes.push(process),
    }
    if makes_default || processes.len() == 1 {
        set_default(processes, &code)?;
    }
    validate_set(processes)
}

/// A group rule: debtors matching every given criterion get `process`. Rules are tried in order;
/// the first match wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    /// The process assigned.
    pub process: String,
    /// Only debtors of this kind.
    #[serde(default)]
    pub kind: Option<DebtorKind>,
    /// Only debtors carrying this tag (compared case-insensitively).
    #[serde(default)]
    pub tag: Option<String>,
    /// Only debtors whose total remaining amount is at least this.
    #[serde(default)]
    pub min_total: Option<Money>,
    /// Only debtors whose total remaining amount is at most this.
    #[serde(default)]
    pub max_total: Option<Money>,
}

/// What assignment needs to know about a debtor.
#[derive(Debug, Clone, Copy)]
pub struct AssignmentSubject<'a> {
    /// The debtor's own process, if the client set one.
    pub own_process: Option<&'a str>,
    /// Company or person.
    pub kind: DebtorKind,
    /// The debtor's tags.
    pub tags: &'a [String],
    /// Total remaining per currency of the debtor's open documents.
    pub totals: &'a [Money],
}

impl GroupRule {
    /// Whether the rule matches a debtor.
    pub fn matches(&self, s: &AssignmentSubject<'_>) -> bool {
        if self.kind.is_some_and(|k| k != s.kind) {
            return false;
        }
        if let Some(tag) = &self.tag
            && !s
                .tags
                .iter()
                .any(|t| t.trim().eq_ignore_ascii_case(tag.trim()))
        {
            return false;
        }
        let total_in = |c: Currency| {
            s.totals
                .iter()
                .filter(|m| m.currency == c)
                .map(|m| m.minor)
                .sum::<i64>()
        };
        if let Some(min) = self.min_total
            && total_in(min.currency) < min.minor
        {
            return false;
        }
        if let Some(max) = self.max_total
            && total_in(max.currency) > max.minor
        {
            return false;
        }
        true
    }
}

/// Why a debtor got its process, for display ("przypisanie").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "via")]
pub enum AssignedBy {
    /// The debtor's own process.
    Own,
    /// Group rule number (1-based).
    GroupRule { number: usize },
    /// The tenant's default.
    Default,
}

/// The process of a debtor: its own, else the first matching group rule's, else the default.
/// A reference to a process that no longer exists falls through to the next rule; `None` means
/// the tenant has no default, and the debtor's documents are out of collection.
pub fn assign<'p>(
    processes: &'p [Process],
    rules: &[GroupRule],
    subject: &AssignmentSubject<'_>,
) -> Option<(&'p Process, AssignedBy)> {
    let find = |code: &str| processes.iter().find(|p| p.code == code);
    if let Some(own) = subject.own_process.and_then(find) {
        return Some((own, AssignedBy::Own));
    }
    for (i, rule) in rules.iter().enumerate() {
        if rule.matches(subject)
            && let Some(p) = find(&rule.process)
        {
            return Some((p, AssignedBy::GroupRule { number: i + 1 }));
        }
    }
    processes
        .iter()
        .find(|p| p.is_default)
        .map(|p| (p, AssignedBy::Default))
}

/// Refuses to delete a process that is used, saying where: as the default, as some debtors' own
/// process, in group rules. `debtors_with_own` lists (debtor, own process) pairs.
pub fn check_deletable<'a>(
    processes: &[Process],
    code: &str,
    debtors_with_own: impl IntoIterator<Item = (&'a ExternalId, &'a str)>,
    rules: &[GroupRule],
) -> Result<(), ProcessError> {
    let Some(process) = processes.iter().find(|p| p.code == code) else {
        return Err(ProcessError::Unknown(code.to_owned()));
    };
    let mut usages = Vec::new();
    if process.is_default {
        usages.push(ProcessUsage::Default);
    }
    let mut count = 0;
    let mut examples = Vec::new();
    for (debtor, own) in debtors_with_own {
        if own == code {
            count += 1;
            if examples.len() < 5 {
                examples.push(debtor.clone());
            }
        }
    }
    if count > 0 {
        usages.push(ProcessUsage::Debtors { count, examples });
    }
    for (i, rule) in rules.iter().enumerate() {
        if rule.process == code {
            usages.push(ProcessUsage::GroupRule { number: i + 1 });
        }
    }
    if usages.is_empty() {
        Ok(())
    } else {
        Err(ProcessError::InUse {
            code: code.to_owned(),
            usages,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use inkaso_shared::Currency;
    use serde_json::json;

    pub(crate) fn stage(code: &str, channel: Channel, offset: i32) -> Stage {
        Stage {
            code: code.into(),
            name: format!("Etap {code}"),
            channel,
            offset_days: offset,
            template: format!("tpl-{code}"),
            pdf: None,
            min_amount: None,
            repeat: None,
            window: SendWindow::default(),
            skip_if_contacted_days: None,
            late_days: None,
            grouping: Grouping::PerDebtor,
            max_parts: None,
        }
    }

    /// The process: −3 SMS; 0 e-mail; +7 e-mail with a PDF demand; +14 SMS every 7 days
    /// up to 3 times; +30 registered letter; +45 hand-off.
    pub(crate) fn standard_process() -> Process {
        let mut demand = stage("E7", Channel::Email, 7);
        demand.pdf = Some(PdfDemand {
            title: DemandTitle::Demand,
            add_compensation: true,
        });
        let mut sms14 = stage("S14", Channel::Sms, 14);
        sms14.repeat = Some(Repeat {
            every_days: 7,
            times: 3,
        });
        Process {
            code: "STD".into(),
            name: "Standardowy".into(),
            is_default: true,
            stages: vec![
                stage("S-3", Channel::Sms, -3),
                stage("E0", Channel::Email, 0),
                demand,
                sms14,
                stage("RL30", Channel::RegisteredLetter, 30),
                stage("H45", Channel::Handoff, 45),
            ],
            catch_up_days: DEFAULT_CATCH_UP_DAYS,
        }
    }

    #[test]
    fn standard_process_is_valid_and_round_trips() {
        let p = standard_process();
        p.validate().unwrap();
        assert_eq!(p.reach_days(), 45);
        assert_eq!(p.stage("S14").unwrap().last_offset(), 28);
        let text = serde_json::to_string(&p).unwrap();
        let back: Process = serde_json::from_str(&text).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn minimal_json_gets_defaults() {
        let p: Process = serde_json::from_value(json!({
            "code": "P1", "name": "Prosty",
            "stages": [{"code": "A", "name": "Przypomnienie", "channel": "email",
                        "offset_days": -2, "template": "przypomnienie"}]
        }))
        .unwrap();
        p.validate().unwrap();
        assert_eq!(p.catch_up_days, DEFAULT_CATCH_UP_DAYS);
        assert_eq!(p.stages[0].window, SendWindow::default());
        assert_eq!(p.stages[0].grouping, Grouping::PerDebtor);
        assert!(
            serde_json::from_value::<Process>(json!({
                "code": "P1", "name": "x", "stages": [], "colour": "red"
            }))
            .is_err()
        );
    }

    #[test]
    fn validation_names_every_bad_field_in_both_languages() {
        let mut p = standard_process();
        p.code = "zły kod".into();
        p.stages[0].window.end_hour = 8; // before start 9
        p.stages[1].code = "S-3".into();
        p.stages[2].template = "  ".into();
        p.stages[3].skip_if_contacted_days = Some(7); // == repeat interval
        p.stages[4].offset_days = 0; // registered letter on the due date
        p.stages[5].repeat = Some(Repeat {
            every_days: 5,
            times: 2,
        });
        p.stages[2].max_parts = Some(2); // an e-mail stage
        p.stages[3].max_parts = Some(9); // SMS, above SMSAPI's 6
        p.stages[1].min_amount = Some(MinAmount {
            amount: Money::new(-1, Currency::PLN),
            scope: AmountScope::PerDebtor,
        });
        let err = p.validate().unwrap_err();
        assert_eq!(
            err.fields(),
            vec![
                "code",
                "stages[0].window.end_hour",
                "stages[1].min_amount.amount",
                "stages[1].code",
                "stages[2].template",
                "stages[2].max_parts",
                "stages[3].max_parts",
                "stages[3].skip_if_contacted_days",
                "stages[4].offset_days",
                "stages[5].repeat",
            ]
        );
        let pl = err.to_string();
        assert!(
            pl.contains("pole „stages[2].template”: pole nie może być puste"),
            "{pl}"
        );
        assert!(
            pl.contains("kod etapu „S-3” występuje więcej niż raz"),
            "{pl}"
        );
        let en = err.message(Lang::En);
        assert!(
            en.contains("field \"stages[4].offset_days\": a demand"),
            "{en}"
        );
        let empty = Process {
            stages: vec![],
            ..standard_process()
        };
        assert_eq!(empty.validate().unwrap_err().fields(), vec!["stages"]);
    }

    #[test]
    fn exactly_one_default_and_setting_a_new_one_unsets_the_old() {
        let mut set = Vec::new();
        let mut a = standard_process();
        a.code = "A".into();
        a.is_default = false;
        upsert(&mut set, a.clone()).unwrap();
        assert!(set[0].is_default, "the first process becomes the default");
        let mut b = standard_process();
        b.code = "B".into();
        b.is_default = false;
        upsert(&mut set, b.clone()).unwrap();
        assert!(set[0].is_default && !set[1].is_default);
        b.is_default = true;
        upsert(&mut set, b).unwrap();
        assert!(!set[0].is_default && set[1].is_default);
        // Unmarking the default by editing it keeps it the default.
        a.is_default = false;
        let mut edited = set[1].clone();
        edited.is_default = false;
        edited.name = "Zmieniony".into();
        upsert(&mut set, edited).unwrap();
        assert!(set[1].is_default);
        set_default(&mut set, "A").unwrap();
        assert!(set[0].is_default && !set[1].is_default);
        assert_eq!(
            set_default(&mut set, "ZZZ"),
            Err(ProcessError::Unknown("ZZZ".into()))
        );
        set[1].is_default = true;
        assert!(matches!(
            validate_set(&set),
            Err(ProcessError::MultipleDefaults(c)) if c == vec!["A".to_string(), "B".to_string()]
        ));
        set[0].is_default = false;
        set[1].is_default = false;
        assert_eq!(validate_set(&set), Err(ProcessError::NoDefault));
        set[1].code = "A".into();
        assert_eq!(
            validate_set(&set),
            Err(ProcessError::DuplicateCode("A".into()))
        );
        validate_set(&[]).unwrap();
    }

    fn pln(minor: i64) -> Money {
        Money::new(minor, Currency::PLN)
    }

    #[test]
    fn assignment_prefers_own_then_first_matching_rule_then_default() {
        let mut std = standard_process();
        std.code = "STD".into();
        let mut soft = standard_process();
        soft.code = "SOFT".into();
        soft.is_default = false;
        let mut hard = standard_process();
        hard.code = "HARD".into();
        hard.is_default = false;
        let processes = vec![std, soft, hard];
        let rules = vec![
            GroupRule {
                process: "SOFT".into(),
                kind: Some(DebtorKind::Person),
                tag: None,
                min_total: None,
                max_total: Some(pln(100_000)),
            },
            GroupRule {
                process: "HARD".into(),
                kind: None,
                tag: Some("VIP".into()),
                min_total: Some(pln(500_000)),
                max_total: None,
            },
            GroupRule {
                process: "GONE".into(),
                kind: None,
                tag: None,
                min_total: None,
                max_total: None,
            },
        ];
        let tags = vec!["vip".to_string()];
        let subject =
            |own, kind, tags: &'static [String], totals: &'static [Money]| AssignmentSubject {
                own_process: own,
                kind,
                tags,
                totals,
            };
        let small: &'static [Money] = Box::leak(Box::new([pln(50_000)]));
        let big: &'static [Money] = Box::leak(Box::new([pln(900_000)]));
        let tags: &'static [String] = Box::leak(tags.into_boxed_slice());
        let who = |s: AssignmentSubject<'_>| {
            assign(&processes, &rules, &s).map(|(p, by)| (p.code.clone(), by))
        };
        assert_eq!(
            who(subject(Some("HARD"), DebtorKind::Person, &[], small)),
            Some(("HARD".into(), AssignedBy::Own))
        );
        assert_eq!(
            who(subject(None, DebtorKind::Person, &[], small)),
            Some(("SOFT".into(), AssignedBy::GroupRule { number: 1 }))
        );
        assert_eq!(
            who(subject(None, DebtorKind::Company, tags, big)),
            Some(("HARD".into(), AssignedBy::GroupRule { number: 2 }))
        );
        // A rule naming a deleted process falls through to the default.
        assert_eq!(
            who(subject(None, DebtorKind::Company, tags, small)),
            Some(("STD".into(), AssignedBy::Default))
        );
        // An own process that no longer exists falls through too.
        assert_eq!(
            who(subject(Some("GONE"), DebtorKind::Person, &[], big)),
            Some(("STD".into(), AssignedBy::Default))
        );
        let no_default: Vec<Process> = processes[1..].to_vec();
        assert!(
            assign(
                &no_default,
                &[],
                &subject(None, DebtorKind::Company, &[], small)
            )
            .is_none()
        );
    }

    #[test]
    fn a_process_in_use_cannot_be_deleted_and_the_refusal_says_where() {
        let mut std = standard_process();
        std.code = "STD".into();
        let mut soft = standard_process();
        soft.code = "SOFT".into();
        soft.is_default = false;
        let mut idle = standard_process();
        idle.code = "IDLE".into();
        idle.is_default = false;
        let processes = vec![std, soft, idle];
        let ids: Vec<ExternalId> = (1..=7)
            .map(|i| ExternalId::new(&format!("KH-{i}")).unwrap())
            .collect();
        let own: Vec<(&ExternalId, &str)> = ids.iter().map(|id| (id, "SOFT")).collect();
        let rules = vec![GroupRule {
            process: "SOFT".into(),
            kind: None,
            tag: Some("hurt".into()),
            min_total: None,
            max_total: None,
        }];
        let err = check_deletable(&processes, "SOFT", own.clone(), &rules).unwrap_err();
        assert_eq!(
            err.to_string(),
            "nie można usunąć procesu „SOFT”: przypisany do 7 kontrahentów (m.in. KH-1, KH-2, \
             KH-3, KH-4, KH-5); używany w regule grupy nr 1"
        );
        assert!(err.message(Lang::En).contains("assigned to 7 debtors"));
        let err = check_deletable(&processes, "STD", own.clone(), &rules).unwrap_err();
        assert_eq!(
            err.message(Lang::En),
            "process \"STD\" cannot be deleted: it is the default process"
        );
        check_deletable(&processes, "IDLE", own, &rules).unwrap();
        assert_eq!(
            check_deletable(&processes, "NOPE", [], &rules),
            Err(ProcessError::Unknown("NOPE".into()))
        );
    }
}
