//! The pure heart of the sync: what changed between what the cloud holds and what the ERP says now.
//!
//! The [`Differ`] is fed the current extraction one record at a time (debtors before their
//! documents, as connectors emit them) and compares each with the [`Snapshot`] of what was last
//! sent, by fingerprint. It emits protocol [`Op`]s into a sink as it goes, so memory holds the
//! snapshot's fingerprints, never the extraction. [`Differ::finish`] closes what disappeared:
//! `excluded` when an exclusion hid it (statistics must never count that as a payment),
//! `paid` otherwise, then removes debtors no longer held.
//!
//! No I/O: the caller persists the [`SnapshotChange`]s and the ops in one transaction.

use std::collections::HashSet;

use chrono::NaiveDate;
use inkaso_shared::protocol::{CloseReason, Op};
use inkaso_shared::{Debtor, Document, ExternalId};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::snapshot::DebtorSight;
pub use super::snapshot::{Fingerprint, Snapshot};

/// Fingerprints a record by its wire form: what changes on the wire changes the fingerprint.
pub fn fingerprint<T: Serialize>(record: &T) -> Fingerprint {
    let json = serde_json::to_vec(record).unwrap_or_default();
    let digest = Sha256::digest(&json);
    let mut fp = [0u8; 16];
    fp.copy_from_slice(&digest[..16]);
    fp
}

/// A document as sent: what its snapshot change records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentDocument {
    /// Its fingerprint when last sent.
    pub fingerprint: Fingerprint,
    /// Its debtor's external id.
    pub debtor: ExternalId,
}

/// A change to the snapshot that must be committed together with the ops that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotChange {
    /// The debtor was sent with this fingerprint.
    Debtor(ExternalId, Fingerprint),
    /// The document was sent with this fingerprint.
    Document(ExternalId, SentDocument),
    /// The document was closed.
    DocumentClosed(ExternalId),
    /// The debtor was removed.
    DebtorRemoved(ExternalId),
}

/// Where the differ puts what it decides.
pub trait DiffSink {
    /// Error of the sink (e.g. the local database).
    type Error;
    /// One op, in the order the cloud must apply it, with the snapshot change it implies.
    fn emit(&mut self, op: Op, change: Option<SnapshotChange>) -> Result<(), Self::Error>;
}

/// The contract between connector and differ was broken.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DiffError<E> {
    /// A document came before its debtor (connectors must emit each debtor before its documents).
    #[error("dokument {document}: dłużnik {debtor} nie został wcześniej odczytany")]
    DebtorNotSeen {
        /// The document.
        document: ExternalId,
        /// Its debtor.
        debtor: ExternalId,
    },
    /// The snapshot held an id that is not a valid external id (a damaged state file).
    #[error("migawka zawiera nieprawidłowy identyfikator {0:?}")]
    SnapshotId(String),
    /// The sink failed.
    #[error("zapis zmian: {0}")]
    Sink(E),
}

/// Counts of what a diff decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffStats {
    /// Debtors read.
    pub debtors_seen: u64,
    /// Documents read.
    pub documents_seen: u64,
    /// Debtors sent because new or changed.
    pub debtors_upserted: u64,
    /// Documents sent because new or changed.
    pub documents_upserted: u64,
    /// Documents closed as paid.
    pub closed_paid: u64,
    /// Documents closed because excluded.
    pub closed_excluded: u64,
    /// Debtors removed.
    pub debtors_removed: u64,
    /// Documents the cloud holds that were quarantined this time, and so left as they are.
    pub kept_unusable: u64,
}

impl DiffStats {
    /// Ops emitted, not counting snapshot markers.
    pub fn ops(&self) -> u64 {
        self.debtors_upserted
            + self.documents_upserted
            + self.closed_paid
            + self.closed_excluded
            + self.debtors_removed
    }
}

/// Compares one extraction against the snapshot.
///
/// The snapshot's `seen` marks say what the extraction has accounted for so far; a debtor seen
/// once holds this run's fingerprint from then on, so one whose rows are not contiguous is
/// compared with what this run decided, and sent once.
#[derive(Debug)]
pub struct Differ {
    snapshot: Snapshot,
    excluded_debtors: HashSet<String>,
    excluded_documents: HashSet<ExternalId>,
    /// Full reconcile: send every record, unchanged or not, between snapshot markers.
    snapshot_id: Option<String>,
    observed_on: NaiveDate,
    stats: DiffStats,
}

impl Differ {
    /// Starts an incremental diff against `snapshot`, dated `observed_on`.
    pub fn incremental(mut snapshot: Snapshot, observed_on: NaiveDate) -> Self {
        snapshot.clear_marks();
        Differ {
            snapshot,
            excluded_debtors: HashSet::new(),
            excluded_documents: HashSet::new(),
            snapshot_id: None,
            observed_on,
            stats: DiffStats::default(),
        }
    }

    /// Starts a full reconcile: emits `snapshot_begin` now and `snapshot_end` at [`Self::finish`];
    /// every current record is sent, and the cloud closes whatever it holds that was not.
    pub fn full<S: DiffSink>(
        snapshot: Snapshot,
        observed_on: NaiveDate,
        snapshot_id: String,
        sink: &mut S,
    ) -> Result<Self, DiffError<S::Error>> {
        sink.emit(
            Op::SnapshotBegin {
                snapshot_id: snapshot_id.clone(),
            },
            None,
        )
        .map_err(DiffError::Sink)?;
        let mut differ = Differ::incremental(snapshot, observed_on);
        differ.snapshot_id = Some(snapshot_id);
        Ok(differ)
    }

    /// What has been decided so far.
    pub fn stats(&self) -> DiffStats {
        self.stats
    }

    fn full_reconcile(&self) -> bool {
        self.snapshot_id.is_some()
    }

    /// A debtor of the current extraction.
    pub fn debtor<S: DiffSink>(
        &mut self,
        debtor: Debtor,
        sink: &mut S,
    ) -> Result<(), DiffError<S::Error>> {
        self.stats.debtors_seen += 1;
        let fp = fingerprint(&debtor);
        let send = match self.snapshot.see_debtor(debtor.external_id.as_str(), fp) {
            DebtorSight::New => true,
            DebtorSight::First(before) => before != fp || self.full_reconcile(),
            DebtorSight::Again(before) => before != fp,
        };
        if send {
            self.stats.debtors_upserted += 1;
            let change = SnapshotChange::Debtor(debtor.external_id.clone(), fp);
            sink.emit(Op::UpsertDebtor { debtor }, Some(change))
                .map_err(DiffError::Sink)?;
        }
        Ok(())
    }

    /// A document of the current extraction; its debtor must have come first.
    pub fn document<S: DiffSink>(
        &mut self,
        document: Document,
        sink: &mut S,
    ) -> Result<(), DiffError<S::Error>> {
        self.stats.documents_seen += 1;
        if !self
            .snapshot
            .debtor_seen(document.debtor_external_id.as_str())
        {
            return Err(DiffError::DebtorNotSeen {
                document: document.external_id,
                debtor: document.debtor_external_id,
            });
        }
        let fp = fingerprint(&document);
        let previous = self.snapshot.see_document(document.external_id.as_str());
        if previous != Some(fp) || self.full_reconcile() {
            self.stats.documents_upserted += 1;
            let sent = SentDocument {
                fingerprint: fp,
                debtor: document.debtor_external_id.clone(),
            };
            let change = SnapshotChange::Document(document.external_id.clone(), sent);
            sink.emit(Op::UpsertDocument { document }, Some(change))
                .map_err(DiffError::Sink)?;
        }
        Ok(())
    }

    /// A debtor the ERP still has but an exclusion hides: its documents close as `excluded`.
    pub fn excluded_debtor(&mut self, external_id: &str) {
        self.excluded_debtors.insert(external_id.to_owned());
    }

    /// A document the ERP still has open but an exclusion hides: it closes as `excluded`.
    pub fn excluded_document(&mut self, external_id: ExternalId) {
        self.excluded_documents.insert(external_id);
    }

    /// A row the ERP still has but that could not be used this time (quarantined): what the
    /// cloud holds for it stays as it is. Without this a row with newly broken data would
    /// vanish from the extraction and be closed as paid — chasing, or not chasing, on a guess.
    pub fn unusable(&mut self, document: Option<&ExternalId>, debtor: Option<&ExternalId>) {
        if let Some(id) = document
            && self.snapshot.see_document(id.as_str()).is_some()
        {
            self.stats.kept_unusable += 1;
        }
        if let Some(id) = debtor {
            // Keep what the cloud holds for it: this run knows nothing better.
            self.snapshot.keep_debtor(id.as_str());
        }
    }

    /// Closes what disappeared, removes debtors no longer held, ends a full reconcile.
    pub fn finish<S: DiffSink>(mut self, sink: &mut S) -> Result<DiffStats, DiffError<S::Error>> {
        // Sorted, so the same disappearance always produces the same ops (tests, replays).
        for (id, debtor) in self.snapshot.unseen_documents() {
            let external_id = stored(id)?;
            let excluded = self.excluded_documents.contains(&external_id)
                || self.excluded_debtors.contains(debtor);
            let reason = if excluded {
                self.stats.closed_excluded += 1;
                CloseReason::Excluded
            } else {
                self.stats.closed_paid += 1;
                CloseReason::Paid
            };
            let change = SnapshotChange::DocumentClosed(external_id.clone());
            let op = Op::CloseDocument {
                external_id,
                reason,
                observed_on: self.observed_on,
            };
            sink.emit(op, Some(change)).map_err(DiffError::Sink)?;
        }
        for id in self.snapshot.unseen_debtors() {
            let external_id = stored(id)?;
            self.stats.debtors_removed += 1;
            let change = SnapshotChange::DebtorRemoved(external_id.clone());
            sink.emit(Op::RemoveDebtor { external_id }, Some(change))
                .map_err(DiffError::Sink)?;
        }
        if let Some(snapshot_id) = self.snapshot_id.take() {
            sink.emit(
                Op::SnapshotEnd {
                    snapshot_id,
                    observed_on: self.observed_on,
                },
                None,
            )
            .map_err(DiffError::Sink)?;
        }
        Ok(self.stats)
    }
}

/// An id of the snapshot as an `ExternalId`; never skipped when invalid: a close left out
/// would leave a paid document chased.
fn stored<E>(id: &str) -> Result<ExternalId, DiffError<E>> {
    ExternalId::new(id).map_err(|_| DiffError::SnapshotId(id.to_owned()))
}

impl Snapshot {
    /// Applies a committed change (what the state store does in SQL, for tests and replays).
    pub fn apply(&mut self, change: SnapshotChange) {
        match change {
            SnapshotChange::Debtor(id, fp) => self.insert_debtor(id.as_str(), fp),
            SnapshotChange::Document(id, sent) => {
                self.insert_document(id.as_str(), sent.debtor.as_str(), sent.fingerprint);
            }
            SnapshotChange::DocumentClosed(id) => self.remove_document(id.as_str()),
            SnapshotChange::DebtorRemoved(id) => self.remove_debtor(id.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkaso_shared::{Currency, DebtorKind};
    use std::convert::Infallible;

    #[derive(Default)]
    struct Collect {
        ops: Vec<Op>,
        changes: Vec<SnapshotChange>,
    }

    impl DiffSink for Collect {
        type Error = Infallible;
        fn emit(&mut self, op: Op, change: Option<SnapshotChange>) -> Result<(), Infallible> {
            self.ops.push(op);
            self.changes.extend(change);
            Ok(())
        }
    }

    fn id(s: &str) -> ExternalId {
        ExternalId::new(s).unwrap()
    }

    fn debtor(i: &str, email: &str) -> Debtor {
        Debtor {
            external_id: id(i),
            kind: DebtorKind::Company,
            name: format!("Firma {i}"),
            nip: None,
            email: Some(email.parse().unwrap()),
            phone: None,
            address: None,
        }
    }

    fn doc(i: &str, debtor: &str, remaining: i64) -> Document {
        Document {
            external_id: id(i),
            debtor_external_id: id(debtor),
            number: format!("FS {i}/2026"),
            issue_date: None,
            due_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            amount_minor: 10_000,
            remaining_minor: remaining,
            currency: Currency::PLN,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    /// Runs one cycle the way the agent does, and commits its changes into `snap`.
    fn cycle(
        snap: &mut Snapshot,
        debtors: &[Debtor],
        docs: &[Document],
        excluded: &[&str],
    ) -> Vec<Op> {
        let mut sink = Collect::default();
        let mut differ = Differ::incremental(snap.clone(), today());
        for d in debtors {
            differ.debtor(d.clone(), &mut sink).unwrap();
            for doc in docs
                .iter()
                .filter(|x| x.debtor_external_id == d.external_id)
            {
                differ.document(doc.clone(), &mut sink).unwrap();
            }
        }
        for e in excluded {
            differ.excluded_debtor(e);
        }
        differ.finish(&mut sink).unwrap();
        for c in sink.changes {
            snap.apply(c);
        }
        sink.ops
    }

    #[test]
    fn first_sync_sends_everything_then_nothing() {
        let mut snap = Snapshot::default();
        let debtors = [debtor("1", "a@x.pl"), debtor("2", "b@x.pl")];
        let docs = [
            doc("10", "1", 5000),
            doc("11", "1", 10_000),
            doc("20", "2", 100),
        ];
        let ops = cycle(&mut snap, &debtors, &docs, &[]);
        assert_eq!(
            ops.iter().map(Op::name).collect::<Vec<_>>(),
            [
                "upsert_debtor",
                "upsert_document",
                "upsert_document",
                "upsert_debtor",
                "upsert_document"
            ]
        );
        assert_eq!(snap.document_count(), 3);
        assert!(
            cycle(&mut snap, &debtors, &docs, &[]).is_empty(),
            "an unchanged ERP produces zero ops"
        );
    }

    #[test]
    fn partial_and_full_payment_and_contact_change() {
        let mut snap = Snapshot::default();
        let debtors = [debtor("1", "a@x.pl"), debtor("2", "b@x.pl")];
        cycle(
            &mut snap,
            &debtors,
            &[doc("10", "1", 5000), doc("20", "2", 100)],
            &[],
        );

        // Debtor 1 pays part of 10; debtor 2 pays 20 in full and so leaves the unpaid set.
        let ops = cycle(&mut snap, &debtors[..1], &[doc("10", "1", 3000)], &[]);
        assert_eq!(ops.len(), 3, "{ops:?}");
        assert!(
            matches!(&ops[0], Op::UpsertDocument { document } if document.remaining_minor == 3000)
        );
        assert_eq!(
            ops[1],
            Op::CloseDocument {
                external_id: id("20"),
                reason: CloseReason::Paid,
                observed_on: today()
            }
        );
        assert_eq!(
            ops[2],
            Op::RemoveDebtor {
                external_id: id("2")
            }
        );

        let changed = [debtor("1", "nowy@x.pl")];
        let ops = cycle(&mut snap, &changed, &[doc("10", "1", 3000)], &[]);
        assert_eq!(ops.len(), 1);
        assert!(
            matches!(&ops[0], Op::UpsertDebtor { debtor } if debtor.email.as_ref().unwrap().as_str() == "nowy@x.pl")
        );
    }

    #[test]
    fn exclusion_closes_as_excluded_never_paid() {
        let mut snap = Snapshot::default();
        let debtors = [debtor("1", "a@x.pl"), debtor("2", "b@x.pl")];
        cycle(
            &mut snap,
            &debtors,
            &[
                doc("10", "1", 5000),
                doc("20", "2", 100),
                doc("21", "2", 100),
            ],
            &[],
        );
        let ops = cycle(&mut snap, &debtors[..1], &[doc("10", "1", 5000)], &["2"]);
        assert_eq!(
            ops,
            vec![
                Op::CloseDocument {
                    external_id: id("20"),
                    reason: CloseReason::Excluded,
                    observed_on: today()
                },
                Op::CloseDocument {
                    external_id: id("21"),
                    reason: CloseReason::Excluded,
                    observed_on: today()
                },
                Op::RemoveDebtor {
                    external_id: id("2")
                },
            ]
        );
        assert!(snap.debtor_count() == 1 && snap.document_count() == 1);
    }

    #[test]
    fn full_reconcile_resends_everything_between_markers() {
        let mut snap = Snapshot::default();
        let debtors = [debtor("1", "a@x.pl")];
        cycle(
            &mut snap,
            &debtors,
            &[doc("10", "1", 5000), doc("11", "1", 5000)],
            &[],
        );
        let mut sink = Collect::default();
        let mut differ = Differ::full(snap.clone(), today(), "s1".into(), &mut sink).unwrap();
        differ.debtor(debtors[0].clone(), &mut sink).unwrap();
        differ.document(doc("10", "1", 5000), &mut sink).unwrap();
        let stats = differ.finish(&mut sink).unwrap();
        let names: Vec<_> = sink.ops.iter().map(Op::name).collect();
        assert_eq!(
            names,
            [
                "snapshot_begin",
                "upsert_debtor",
                "upsert_document",
                "close_document",
                "snapshot_end"
            ]
        );
        assert_eq!(stats.closed_paid, 1);
    }

    #[test]
    fn a_quarantined_row_is_kept_not_closed() {
        let mut snap = Snapshot::default();
        let debtors = [debtor("1", "a@x.pl")];
        cycle(
            &mut snap,
            &debtors,
            &[doc("10", "1", 5000), doc("11", "1", 5000)],
            &[],
        );
        let mut sink = Collect::default();
        let mut differ = Differ::incremental(snap.clone(), today());
        differ.debtor(debtors[0].clone(), &mut sink).unwrap();
        differ.document(doc("10", "1", 5000), &mut sink).unwrap();
        differ.unusable(Some(&id("11")), Some(&id("1")));
        let stats = differ.finish(&mut sink).unwrap();
        assert!(sink.ops.is_empty(), "{:?}", sink.ops);
        assert_eq!(stats.kept_unusable, 1);
    }

    #[test]
    fn a_debtor_seen_twice_in_one_extraction_is_sent_once() {
        let mut snap = Snapshot::default();
        let d = debtor("1", "a@x.pl");
        let run = |snap: &mut Snapshot| {
            let mut sink = Collect::default();
            let mut differ = Differ::incremental(snap.clone(), today());
            differ.debtor(d.clone(), &mut sink).unwrap();
            differ.document(doc("10", "1", 5), &mut sink).unwrap();
            differ.debtor(d.clone(), &mut sink).unwrap();
            differ.document(doc("11", "1", 5), &mut sink).unwrap();
            differ.finish(&mut sink).unwrap();
            for c in sink.changes {
                snap.apply(c);
            }
            sink.ops
                .iter()
                .filter(|o| o.name() == "upsert_debtor")
                .count()
        };
        assert_eq!(run(&mut snap), 1);
        assert_eq!(run(&mut snap), 0);
    }

    #[test]
    fn contract_violations_are_errors() {
        let mut sink = Collect::default();
        let mut differ = Differ::incremental(Snapshot::default(), today());
        assert!(matches!(
            differ.document(doc("10", "1", 1), &mut sink),
            Err(DiffError::DebtorNotSeen { .. })
        ));
        differ.debtor(debtor("1", "a@x.pl"), &mut sink).unwrap();
        differ.document(doc("10", "1", 1), &mut sink).unwrap();
        // The same settlement twice (a custom query's join fan-out) is a repeated, idempotent
        // upsert, not an error: tracking every seen key would cost memory at a million rows.
        differ.document(doc("10", "1", 1), &mut sink).unwrap();
        assert_eq!(
            sink.ops
                .iter()
                .filter(|o| o.name() == "upsert_document")
                .count(),
            2
        );
    }

    #[test]
    fn fingerprint_follows_content() {
        assert_eq!(
            fingerprint(&doc("1", "1", 5)),
            fingerprint(&doc("1", "1", 5))
        );
        assert_ne!(
            fingerprint(&doc("1", "1", 5)),
            fingerprint(&doc("1", "1", 4))
        );
    }
}
