//! `inkaso-shared`: the vocabulary every Inkaso crate speaks.
//!
//! Pure and I/O-free: parsers that refuse bad data at the edge ([`Money`], [`Nip`], [`Phone`],
//! [`Email`]), the two records that leave a firm's premises ([`Debtor`], [`Document`]), the sync
//! protocol v1 ([`protocol`]), the injectable [`Clock`], the two message languages ([`Lang`]) and
//! CSV for spreadsheets ([`sheet`]).
//! Nothing here may depend on another Inkaso crate.

pub mod clock;
pub mod email;
pub mod lang;
pub mod money;
pub mod nip;
pub mod phone;
pub mod protocol;
pub mod records;
pub mod sheet;

pub use clock::{Clock, ManualClock, SystemClock};
pub use email::{Email, EmailError};
pub use lang::{Lang, Localized};
pub use money::{Currency, Money, MoneyError};
pub use nip::{Nip, NipError};
pub use phone::{Phone, PhoneError, PhoneKind};
pub use records::{Address, Debtor, DebtorKind, Document, ExternalId, RecordError};
