//! The set-up's questions: asked in a terminal ([`Terminal`], dialoguer's prompts) or left to
//! the flags alone ([`Unattended`]: a yes/no or a text with a default — the existing
//! configuration's — takes it; a choice or a text without one names the flag that answers
//! it). The set-up itself only says what it needs to know.

use dialoguer::theme::SimpleTheme;
use dialoguer::{Confirm, Input, MultiSelect, Password, Select};

/// A question, and the flag that answers it without asking.
#[derive(Debug, Clone)]
pub struct Question {
    /// What is asked, in the reader's language.
    pub prompt: String,
    /// The flag that answers it (`--profile`).
    pub flag: &'static str,
}

/// Why a question has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unanswered {
    /// Unattended, and the flag was not given.
    #[error("{0}")]
    Missing(&'static str),
    /// The terminal failed or the person pressed Ctrl-C / Esc.
    #[error("{0}")]
    Terminal(String),
}

/// Who answers the set-up's questions.
pub trait Ask {
    /// One of `items`.
    fn choose(
        &mut self,
        q: &Question,
        items: &[String],
        default: usize,
    ) -> Result<usize, Unanswered>;
    /// A line of text.
    fn text(&mut self, q: &Question, default: Option<&str>) -> Result<String, Unanswered>;
    /// A secret, not echoed.
    fn secret(&mut self, q: &Question) -> Result<String, Unanswered>;
    /// Yes or no.
    fn yes_no(&mut self, q: &Question, default: bool) -> Result<bool, Unanswered>;
    /// Any of `items`.
    fn pick_many(
        &mut self,
        q: &Question,
        items: &[String],
        defaults: &[bool],
    ) -> Result<Vec<usize>, Unanswered>;
    /// Whether a person is there (to repeat a question rather than stop).
    fn interactive(&self) -> bool;
}

/// Questions asked in the terminal (dialoguer's plain theme: no colours, so a screen reader
/// and a pseudo-terminal in the tests read the same text).
#[derive(Debug, Default)]
pub struct Terminal;

fn terminal(e: &dialoguer::Error) -> Unanswered {
    Unanswered::Terminal(e.to_string())
}

impl Ask for Terminal {
    fn choose(
        &mut self,
        q: &Question,
        items: &[String],
        default: usize,
    ) -> Result<usize, Unanswered> {
        Select::with_theme(&SimpleTheme)
            .with_prompt(&q.prompt)
            .items(items)
            .default(default)
            .interact()
            .map_err(|e| terminal(&e))
    }

    fn text(&mut self, q: &Question, default: Option<&str>) -> Result<String, Unanswered> {
        let mut input = Input::<String>::with_theme(&SimpleTheme).with_prompt(&q.prompt);
        if let Some(d) = default {
            input = input.default(d.to_owned());
        }
        input.interact_text().map_err(|e| terminal(&e))
    }

    fn secret(&mut self, q: &Question) -> Result<String, Unanswered> {
        Password::with_theme(&SimpleTheme)
            .with_prompt(&q.prompt)
            .allow_empty_password(true)
            .interact()
            .map_err(|e| terminal(&e))
    }

    fn yes_no(&mut self, q: &Question, default: bool) -> Result<bool, Unanswered> {
        Confirm::with_theme(&SimpleTheme)
            .with_prompt(&q.prompt)
            .default(default)
            .interact()
            .map_err(|e| terminal(&e))
    }

    fn pick_many(
        &mut self,
        q: &Question,
        items: &[String],
        defaults: &[bool],
    ) -> Result<Vec<usize>, Unanswered> {
        MultiSelect::with_theme(&SimpleTheme)
            .with_prompt(&q.prompt)
            .items(items)
            .defaults(defaults)
            .interact()
            .map_err(|e| terminal(&e))
    }

    fn interactive(&self) -> bool {
        true
    }
}

/// No questions: flags and defaults only (`setup --yes`).
#[derive(Debug, Default, Clone, Copy)]
pub struct Unattended;

impl Ask for Unattended {
    /// A choice is never guessed for the firm: the flag must say it.
    fn choose(&mut self, q: &Question, _: &[String], _: usize) -> Result<usize, Unanswered> {
        Err(Unanswered::Missing(q.flag))
    }

    fn text(&mut self, q: &Question, default: Option<&str>) -> Result<String, Unanswered> {
        default
            .map(str::to_owned)
            .ok_or(Unanswered::Missing(q.flag))
    }

    fn secret(&mut self, q: &Question) -> Result<String, Unanswered> {
        Err(Unanswered::Missing(q.flag))
    }

    fn yes_no(&mut self, _: &Question, default: bool) -> Result<bool, Unanswered> {
        Ok(default)
    }

    fn pick_many(
        &mut self,
        _: &Question,
        _: &[String],
        defaults: &[bool],
    ) -> Result<Vec<usize>, Unanswered> {
        Ok(defaults
            .iter()
            .enumerate()
            .filter_map(|(i, on)| on.then_some(i))
            .collect())
    }

    fn interactive(&self) -> bool {
        false
    }
}
