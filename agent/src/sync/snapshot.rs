//! The snapshot: a fingerprint of every debtor and open document the cloud holds, as far as
//! this agent knows, in a form compact enough for a million documents.
//!
//! A firm with a million open settlements must not need hundreds of MiB for the agent, so the
//! snapshot does not keep a `String` (plus allocator overhead) per key: every external id lives
//! once in one text arena, and the two hash tables hold small fixed-size entries that refer to
//! it by offset (about 40 bytes a document instead of about 110). A document refers to its
//! debtor's id in the arena too, so a debtor's many documents share one copy.
//!
//! Each entry also carries a `seen` mark, which is what the [`Differ`](super::diff::Differ) uses
//! to know what the current extraction has accounted for: marking costs no allocation, and what
//! is still unmarked at the end is what disappeared from the ERP.

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher as _;

/// A record's content fingerprint: the first 128 bits of SHA-256 over its protocol JSON.
///
/// 128 bits make an accidental collision (an unsent change) negligible at any ERP's size.
pub type Fingerprint = [u8; 16];

/// A span of the text arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    start: u32,
    len: u32,
}

#[derive(Debug, Clone)]
struct DebtorEntry {
    id: Key,
    fingerprint: Fingerprint,
    seen: bool,
}

#[derive(Debug, Clone)]
struct DocumentEntry {
    id: Key,
    debtor: Key,
    fingerprint: Fingerprint,
    seen: bool,
}

/// What the cloud holds, as far as this agent knows: fingerprints of what it last sent.
#[derive(Clone, Default)]
pub struct Snapshot {
    /// Every external id, concatenated; [`Key`]s point into it.
    text: String,
    debtors: HashTable<DebtorEntry>,
    documents: HashTable<DocumentEntry>,
    hasher: DefaultHashBuilder,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("debtors", &self.debtors.len())
            .field("documents", &self.documents.len())
            .field("text_bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

/// How the current extraction's sight of a debtor compares with what came before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DebtorSight {
    /// Not in the snapshot, not seen before in this extraction.
    New,
    /// First seen in this extraction; the snapshot held this fingerprint.
    First(Fingerprint),
    /// Seen before in this extraction, with this fingerprint.
    Again(Fingerprint),
}

fn text_of(text: &str, key: Key) -> &str {
    let start = key.start as usize;
    text.get(start..start + key.len as usize).unwrap_or("")
}

impl Snapshot {
    /// Debtors held.
    pub fn debtor_count(&self) -> usize {
        self.debtors.len()
    }

    /// Open documents held.
    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// The external ids of the open documents held (in no particular order).
    pub fn document_ids(&self) -> impl Iterator<Item = &str> {
        self.documents.iter().map(|e| text_of(&self.text, e.id))
    }

    /// A debtor's fingerprint.
    pub fn debtor(&self, id: &str) -> Option<Fingerprint> {
        self.find_debtor(id).map(|e| e.fingerprint)
    }

    /// A document's fingerprint and debtor.
    pub fn document(&self, id: &str) -> Option<(Fingerprint, &str)> {
        let hash = self.hasher.hash_one(id);
        let text = &self.text;
        self.documents
            .find(hash, |e| text_of(text, e.id) == id)
            .map(|e| (e.fingerprint, text_of(text, e.debtor)))
    }

    fn find_debtor(&self, id: &str) -> Option<&DebtorEntry> {
        let hash = self.hasher.hash_one(id);
        let text = &self.text;
        self.debtors.find(hash, |e| text_of(text, e.id) == id)
    }

    fn debtor_mut(&mut self, id: &str) -> Option<&mut DebtorEntry> {
        let hash = self.hasher.hash_one(id);
        let text = &self.text;
        self.debtors.find_mut(hash, |e| text_of(text, e.id) == id)
    }

    fn document_mut(&mut self, id: &str) -> Option<&mut DocumentEntry> {
        let hash = self.hasher.hash_one(id);
        let text = &self.text;
        self.documents.find_mut(hash, |e| text_of(text, e.id) == id)
    }

    /// Appends `s` to the arena. Past 4 GiB of ids (never, for any ERP) keys would not fit.
    fn intern(&mut self, s: &str) -> Key {
        let key = Key {
            start: u32::try_from(self.text.len()).unwrap_or(u32::MAX),
            len: u32::try_from(s.len()).unwrap_or(0),
        };
        self.text.push_str(s);
        key
    }

    /// Records (or updates) a debtor.
    pub fn insert_debtor(&mut self, id: &str, fingerprint: Fingerprint) {
        match self.debtor_mut(id) {
            Some(e) => e.fingerprint = fingerprint,
            None => self.add_debtor(id, fingerprint, false),
        }
    }

    fn add_debtor(&mut self, id: &str, fingerprint: Fingerprint, seen: bool) {
        let hash = self.hasher.hash_one(id);
        let key = self.intern(id);
        let (text, hasher) = (&self.text, &self.hasher);
        self.debtors.insert_unique(
            hash,
            DebtorEntry {
                id: key,
                fingerprint,
                seen,
            },
            |e| hasher.hash_one(text_of(text, e.id)),
        );
    }

    /// Records (or updates) an open document of `debtor`.
    pub fn insert_document(&mut self, id: &str, debtor: &str, fingerprint: Fingerprint) {
        // The debtor's id is usually in the arena already: share it.
        let debtor_key = match self.find_debtor(debtor) {
            Some(e) => e.id,
            None => self.intern(debtor),
        };
        if let Some(e) = self.document_mut(id) {
            e.fingerprint = fingerprint;
            e.debtor = debtor_key;
            return;
        }
        let hash = self.hasher.hash_one(id);
        let key = self.intern(id);
        let (text, hasher) = (&self.text, &self.hasher);
        self.documents.insert_unique(
            hash,
            DocumentEntry {
                id: key,
                debtor: debtor_key,
                fingerprint,
                seen: false,
            },
            |e| hasher.hash_one(text_of(text, e.id)),
        );
    }

    /// Forgets a document (its id stays in the arena: removals are rare and small).
    pub fn remove_document(&mut self, id: &str) {
        let hash = self.hasher.hash_one(id);
        let text = &self.text;
        if let Ok(entry) = self
            .documents
            .find_entry(hash, |e| text_of(text, e.id) == id)
        {
            entry.remove();
        }
    }

    /// Forgets a debtor.
    pub fn remove_debtor(&mut self, id: &str) {
        let hash = self.hasher.hash_one(id);
        let text = &self.text;
        if let Ok(entry) = self.debtors.find_entry(hash, |e| text_of(text, e.id) == id) {
            entry.remove();
        }
    }

    /// Clears every `seen` mark: the start of a diff.
    pub(crate) fn clear_marks(&mut self) {
        self.debtors.iter_mut().for_each(|e| e.seen = false);
        self.documents.iter_mut().for_each(|e| e.seen = false);
    }

    /// The extraction holds debtor `id` with `fingerprint`: marks it seen, remembers this run's
    /// fingerprint, and says what it held before.
    pub(crate) fn see_debtor(&mut self, id: &str, fingerprint: Fingerprint) -> DebtorSight {
        if let Some(e) = self.debtor_mut(id) {
            let before = e.fingerprint;
            e.fingerprint = fingerprint;
            if e.seen {
                return DebtorSight::Again(before);
            }
            e.seen = true;
            return DebtorSight::First(before);
        }
        self.add_debtor(id, fingerprint, true);
        DebtorSight::New
    }

    /// Whether the current extraction has seen (or kept) debtor `id`.
    pub(crate) fn debtor_seen(&self, id: &str) -> bool {
        self.find_debtor(id).is_some_and(|e| e.seen)
    }

    /// Marks an unseen debtor as accounted for, keeping what the snapshot holds for it.
    pub(crate) fn keep_debtor(&mut self, id: &str) {
        if let Some(e) = self.debtor_mut(id) {
            e.seen = true;
        }
    }

    /// The extraction holds document `id`: marks it seen and returns the fingerprint the
    /// snapshot held, or `None` when the snapshot did not hold it or it was seen already.
    pub(crate) fn see_document(&mut self, id: &str) -> Option<Fingerprint> {
        let e = self.document_mut(id)?;
        if e.seen {
            return None;
        }
        e.seen = true;
        Some(e.fingerprint)
    }

    /// Documents the extraction did not account for, with their debtors, sorted by id.
    pub(crate) fn unseen_documents(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self
            .documents
            .iter()
            .filter(|e| !e.seen)
            .map(|e| (text_of(&self.text, e.id), text_of(&self.text, e.debtor)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Debtors the extraction did not account for, sorted by id.
    pub(crate) fn unseen_debtors(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .debtors
            .iter()
            .filter(|e| !e.seen)
            .map(|e| text_of(&self.text, e.id))
            .collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_updates_and_removes_share_the_arena() {
        let mut s = Snapshot::default();
        s.insert_debtor("K1", [1; 16]);
        s.insert_document("D1", "K1", [2; 16]);
        s.insert_document("D2", "K1", [3; 16]);
        s.insert_document("D3", "K9", [4; 16]);
        assert_eq!((s.debtor_count(), s.document_count()), (1, 3));
        assert_eq!(s.document("D2"), Some(([3; 16], "K1")));
        assert_eq!(s.document("D3"), Some(([4; 16], "K9")));
        // "K1" is stored once for the debtor and both its documents.
        assert_eq!(s.text.matches("K1").count(), 1);

        s.insert_document("D2", "K1", [5; 16]);
        assert_eq!(s.document("D2"), Some(([5; 16], "K1")));
        s.remove_document("D1");
        s.remove_debtor("K1");
        assert_eq!((s.debtor_count(), s.document_count()), (0, 2));
        assert_eq!(s.document("D1"), None);
        let mut ids: Vec<&str> = s.document_ids().collect();
        ids.sort_unstable();
        assert_eq!(ids, ["D2", "D3"]);
    }

    #[test]
    fn marks_tell_what_an_extraction_accounted_for() {
        let mut s = Snapshot::default();
        for d in ["K1", "K2"] {
            s.insert_debtor(d, [0; 16]);
        }
        for (doc, debtor) in [("D1", "K1"), ("D2", "K1"), ("D3", "K2")] {
            s.insert_document(doc, debtor, [7; 16]);
        }
        assert_eq!(s.see_debtor("K1", [1; 16]), DebtorSight::First([0; 16]));
        assert_eq!(s.see_debtor("K1", [2; 16]), DebtorSight::Again([1; 16]));
        assert_eq!(s.see_debtor("K3", [3; 16]), DebtorSight::New);
        assert!(s.debtor_seen("K3") && !s.debtor_seen("K2"));
        assert_eq!(s.see_document("D1"), Some([7; 16]));
        assert_eq!(s.see_document("D1"), None, "a repeated row is not a match");
        assert_eq!(s.see_document("D9"), None);
        assert_eq!(s.unseen_documents(), [("D2", "K1"), ("D3", "K2")]);
        assert_eq!(s.unseen_debtors(), ["K2"]);
        s.keep_debtor("K2");
        assert!(s.unseen_debtors().is_empty());
        s.clear_marks();
        assert_eq!(s.unseen_debtors(), ["K1", "K2", "K3"]);
    }
}
