//! `inkaso-channels`: everything that turns a decided action into something a debtor receives.
//!
//! Depends only on `inkaso-shared`; the cloud's engine decides *what* and *when*, this crate
//! renders and delivers. Each provider sits behind a small trait so the engine is tested
//! without I/O and the production client works against the real provider unchanged.
//!
//! - [`template`]: templates per channel, contact reason and language, with the seed's tags.
//! - [`sms`]: folding to GSM-7 and counting parts.
//! - [`smsapi`]: the SMSAPI client (SMS, voice, statuses, callbacks, token test).
//! - [`email`]: SMTP e-mail with lettre.
//! - [`interest`]: statutory interest over rate tables and the B2B recovery compensation.
//! - [`letter`]: PDF demand letters; [`pdf`]: the page writer with the embedded font.
//! - [`posting`]: the registered-letter posting book (PDF, CSV) and the postal adapter trait.
//! - [`delivery`]: the [`delivery::Channel`] contract the engine calls, and test mode.
//!   Its module documentation is the design note for the engine's integration.
//!
//! The engine's path for one SMS action, in test mode:
//!
//! ```
//! use inkaso_channels::delivery::{Channel, Outbound, Outcome, TestModeRecorder};
//! use inkaso_channels::template::{ChannelKind, ContactReason, RenderContext, Template};
//! use inkaso_channels::sms;
//! use inkaso_shared::{Lang, Phone};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mut template = Template {
//!     name: "Zaległość".into(),
//!     channel: ChannelKind::Sms,
//!     reason: ContactReason::Arrears,
//!     lang: Lang::Pl,
//!     subject: None,
//!     body: "Dzień dobry, zaległość na kartotece <kartoteka>: <suma_naleznosci>.".into(),
//!     promise_note: None,
//!     max_parts: Some(1),
//! };
//! // Saving folds the template and tells the user what changed.
//! let changes = template.prepare_for_save().unwrap();
//! assert_eq!(changes.len(), 4); // ń, ł, ś, ć
//! // The engine fills the context (here: the preview's sample data) and renders.
//! let text = template.render(&RenderContext::sample(Lang::Pl)).unwrap().text;
//! let sms = sms::prepare(&text, template.max_parts, false).unwrap();
//! assert_eq!(sms.text, "Dzien dobry, zaleglosc na kartotece GOK-544: 1 374,56 zl.");
//! assert_eq!(sms.length.parts, 1);
//! // Test mode records instead of sending; the same key again is a duplicate.
//! let channel = TestModeRecorder::new();
//! let message = Outbound::Sms { to: Phone::parse("601 234 567").unwrap(), text: sms.text, max_parts: Some(1), sender: None };
//! assert!(matches!(channel.deliver("t1/STD/S1/doc/FV-1/0", &message).await, Outcome::Sent { .. }));
//! assert_eq!(channel.deliver("t1/STD/S1/doc/FV-1/0", &message).await, Outcome::AlreadySent);
//! # }
//! ```

pub mod delivery;
pub mod email;
pub mod interest;
pub mod letter;
pub mod pdf;
pub mod posting;
pub mod sms;
pub mod smsapi;
pub mod template;
