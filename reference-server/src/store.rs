//! Object storage: the [`Store`] trait, an in-memory store (the default)
//! and a durable one on an embedded redb database (`--data-dir`).
//!
//! ## Concurrency: versioned snapshots and optimistic commits
//!
//! Every stored object is an immutable, shared snapshot
//! (`Arc<ManagedObject>`) with a *version*: the number of the commit that
//! last wrote it. Reads hand out the `Arc` (no copy of the object); an
//! operation that changes an object copies it (copy-on-write) and stages the
//! copy in its message's transaction (`crate::server::Txn`).
//!
//! The server applies every change of one request message with a single
//! [`Store::commit`] call, *before* it answers. The commit carries the
//! message's [`ReadSet`] (the version of every object it read by Unique
//! Identifier, and the store sequence its full scans saw) and is refused
//! with [`CommitError::Conflict`] when any of them moved since: the message
//! is then re-run on fresh snapshots (optimistic concurrency control). So
//! messages on different objects never wait for each other; messages on the
//! same object are serialised at commit, and every committed message behaves
//! as if it had run alone.
//!
//! For [`RedbStore`] the commit is one redb write transaction committed with
//! immediate durability, so an acknowledged write survives `kill -9`; the
//! objects are also held in memory as snapshots (loaded at open, updated
//! only after the durable commit returned), so reads never touch the file
//! and never see a change that is not yet durable.
//!
//! Objects are returned in Unique Identifier order; identifiers are minted
//! time-ordered (see [`new_uid`]), so that is creation order.

use crate::error::StoreError;
use crate::object::ManagedObject;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// An encoded asynchronous-request record (see [`crate::asynchronous`]).
pub type RecordBytes = Arc<Vec<u8>>;

/// A record with its version (the commit that last wrote it).
pub type VersionedRecord = (u64, RecordBytes);

/// One change to apply.
#[derive(Clone, Debug)]
pub enum Change {
    /// Insert or replace an object.
    Put(Arc<ManagedObject>),
    /// Remove an object entirely (used by Undo of a creation).
    Remove(String),
    /// Insert or replace an asynchronous-request record (see
    /// [`crate::asynchronous`]): its Asynchronous Correlation Value in hex
    /// and the encoded record. The store keeps these apart from objects.
    PutAsync(String, Arc<Vec<u8>>),
}

/// A stored object and its version (the commit that last wrote it).
#[derive(Clone, Debug)]
pub struct Versioned {
    /// Version: the number of the commit that wrote this snapshot.
    pub version: u64,
    /// The immutable snapshot.
    pub object: Arc<ManagedObject>,
}

/// Every object at one point in time.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The store sequence (number of the last commit) the scan saw.
    pub seq: u64,
    /// The objects, in Unique Identifier order.
    pub objects: Vec<Arc<ManagedObject>>,
}

/// What one message read, checked at commit.
#[derive(Clone, Debug, Default)]
pub struct ReadSet {
    /// Unique Identifier → version seen (`None`: the object did not exist).
    pub points: BTreeMap<String, Option<u64>>,
    /// The lowest store sequence a full scan saw, when the message scanned.
    pub scan: Option<u64>,
    /// The lowest store sequence a scan for Name uniqueness saw: such a scan
    /// only depends on the objects' Names and whether they are destroyed,
    /// so only commits that change those invalidate it.
    pub names_scan: Option<u64>,
    /// Asynchronous-request record (correlation value in hex) → version
    /// seen (`None`: absent). Two Polls of one pending request conflict
    /// here, so a deferred operation runs once.
    pub asyncs: BTreeMap<String, Option<u64>>,
}

impl ReadSet {
    /// Nothing read.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
            && self.scan.is_none()
            && self.names_scan.is_none()
            && self.asyncs.is_empty()
    }
}

/// Why a commit was refused.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Something the message read changed since (re-run the message).
    #[error("conflict: {0} changed since it was read")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Storage of managed objects.
pub trait Store: Send + Sync {
    /// One object by Unique Identifier, with its version.
    fn get(&self, uid: &str) -> Result<Option<Versioned>, StoreError>;
    /// Every object, in Unique Identifier order, with the store sequence.
    fn scan(&self) -> Result<Snapshot, StoreError>;
    /// Check `reads` against the current versions and, when nothing moved,
    /// apply `changes` atomically (and durably, for a durable store).
    ///
    /// The scan check is applied only when `changes` is not empty: a
    /// read-only message that scanned saw one consistent snapshot already.
    fn commit(&self, reads: &ReadSet, changes: &[Change]) -> Result<(), CommitError>;
    /// One asynchronous-request record (correlation value in hex), with
    /// its version.
    fn get_async(&self, id: &str) -> Result<Option<VersionedRecord>, StoreError>;
    /// Every asynchronous-request record, in correlation-value order.
    fn list_async(&self) -> Result<Vec<(String, RecordBytes)>, StoreError>;
    /// Does a commit wait for stable storage (so it should not run on an
    /// I/O task)?
    fn is_durable(&self) -> bool {
        false
    }
}

/// A new time-ordered Unique Identifier in UUID text form (UUIDv7 layout:
/// 48-bit milliseconds, a 12-bit per-process sequence, 62 random bits).
pub fn new_uid() -> String {
    use rand::RngCore;
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let ms = u64::try_from(ms).unwrap_or(u64::MAX) & 0xFFFF_FFFF_FFFF;
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) & 0x0FFF;
    let mut r = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut r);
    let rnd = u64::from_be_bytes(r) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-7{:03x}-{:04x}-{:012x}",
        ms >> 16,
        ms & 0xFFFF,
        seq,
        rnd >> 48,
        rnd & 0xFFFF_FFFF_FFFF
    )
}

/// The in-memory index of versioned snapshots both stores serve reads from.
#[derive(Default)]
struct Index {
    /// Number of the last commit.
    seq: u64,
    /// Number of the last commit that changed a Name, or the destroyed
    /// state of a named object.
    names_seq: u64,
    objects: BTreeMap<String, Versioned>,
    /// Asynchronous-request records: correlation value (hex) → (version,
    /// encoded record).
    asyncs: BTreeMap<String, (u64, Arc<Vec<u8>>)>,
}

impl Index {
    fn get(&self, uid: &str) -> Option<Versioned> {
        self.objects.get(uid).cloned()
    }

    fn get_async(&self, id: &str) -> Option<VersionedRecord> {
        self.asyncs.get(id).cloned()
    }

    fn list_async(&self) -> Vec<(String, RecordBytes)> {
        self.asyncs
            .iter()
            .map(|(k, (_, v))| (k.clone(), v.clone()))
            .collect()
    }

    fn scan(&self) -> Snapshot {
        Snapshot {
            seq: self.seq,
            objects: self.objects.values().map(|v| v.object.clone()).collect(),
        }
    }

    /// Has anything in `reads` moved? (`writing`: also check the scans.)
    fn validate(&self, reads: &ReadSet, writing: bool) -> Result<(), CommitError> {
        for (uid, seen) in &reads.points {
            if self.objects.get(uid).map(|v| v.version) != *seen {
                return Err(CommitError::Conflict(format!("object {uid:?}")));
            }
        }
        for (id, seen) in &reads.asyncs {
            if self.asyncs.get(id).map(|v| v.0) != *seen {
                return Err(CommitError::Conflict(format!("asynchronous request {id}")));
            }
        }
        if !writing {
            // A read-only message's scans are not re-checked (each was one
            // consistent snapshot), but an object it read by identifier
            // after a scan must not be newer than that scan.
            let first_scan = [reads.scan, reads.names_scan].into_iter().flatten().min();
            if let Some(s) = first_scan {
                if let Some((uid, _)) = reads.points.iter().find(|(_, v)| v.is_some_and(|v| v > s))
                {
                    return Err(CommitError::Conflict(format!(
                        "object {uid:?} (changed after the scan the message also read)"
                    )));
                }
            }
            return Ok(());
        }
        if reads.scan.is_some_and(|s| s != self.seq) {
            return Err(CommitError::Conflict(
                "the set of objects (scanned by Locate or a template lookup)".into(),
            ));
        }
        if reads.names_scan.is_some_and(|s| s < self.names_seq) {
            return Err(CommitError::Conflict(
                "the Names in use (checked for uniqueness)".into(),
            ));
        }
        Ok(())
    }

    fn apply(&mut self, changes: &[Change]) {
        self.seq += 1;
        let version = self.seq;
        for c in changes {
            let names_changed = match c {
                Change::Put(o) => {
                    let old = self.objects.insert(
                        o.uid.clone(),
                        Versioned {
                            version,
                            object: o.clone(),
                        },
                    );
                    match old {
                        Some(old) => names_key(&old.object) != names_key(o),
                        None => o.attributes.names().next().is_some(),
                    }
                }
                Change::Remove(uid) => self
                    .objects
                    .remove(uid)
                    .is_some_and(|old| old.object.attributes.names().next().is_some()),
                Change::PutAsync(id, record) => {
                    self.asyncs.insert(id.clone(), (version, record.clone()));
                    false
                }
            };
            if names_changed {
                self.names_seq = version;
            }
        }
    }
}

/// What a Name-uniqueness scan depends on.
fn names_key(o: &ManagedObject) -> (bool, Vec<&str>) {
    (o.is_destroyed(), o.attributes.names().collect())
}

fn poisoned() -> StoreError {
    StoreError::Database("store lock poisoned".into())
}

/// A read-only message: its point reads are checked under a read lock. One
/// read of one object and nothing else is consistent by itself.
fn validate_read_only(index: &RwLock<Index>, reads: &ReadSet) -> Result<(), CommitError> {
    let scanned = reads.scan.is_some() || reads.names_scan.is_some();
    if reads.asyncs.is_empty() && (reads.points.is_empty() || (reads.points.len() == 1 && !scanned))
    {
        return Ok(());
    }
    index.read().map_err(|_| poisoned())?.validate(reads, false)
}

/// In-memory store (lost at exit).
#[derive(Default)]
pub struct MemoryStore {
    index: RwLock<Index>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
}

impl Store for MemoryStore {
    fn get(&self, uid: &str) -> Result<Option<Versioned>, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.get(uid))
    }

    fn scan(&self) -> Result<Snapshot, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.scan())
    }

    fn get_async(&self, id: &str) -> Result<Option<VersionedRecord>, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.get_async(id))
    }

    fn list_async(&self) -> Result<Vec<(String, RecordBytes)>, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.list_async())
    }

    fn commit(&self, reads: &ReadSet, changes: &[Change]) -> Result<(), CommitError> {
        if changes.is_empty() {
            return validate_read_only(&self.index, reads);
        }
        let mut index = self.index.write().map_err(|_| poisoned())?;
        index.validate(reads, true)?;
        index.apply(changes);
        Ok(())
    }
}

const OBJECTS: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("objects");
/// Asynchronous-request records (correlation value in hex → record).
const ASYNC: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("async");

/// Durable store on an embedded redb database file, with every object also
/// held in memory as a snapshot (see the module documentation).
pub struct RedbStore {
    db: redb::Database,
    index: RwLock<Index>,
    /// One committer at a time (redb has one writer anyway): validation,
    /// the durable write and the index update happen in that order under it.
    writer: Mutex<()>,
}

fn db_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

impl RedbStore {
    /// Open (or create) `DIR/objects.redb` and load its objects.
    pub fn open(dir: &Path) -> Result<RedbStore, StoreError> {
        use redb::{ReadableDatabase, ReadableTable};
        std::fs::create_dir_all(dir)?;
        let db = redb::Database::create(dir.join("objects.redb")).map_err(db_err)?;
        let txn = db.begin_write().map_err(db_err)?;
        txn.open_table(OBJECTS).map_err(db_err)?;
        txn.open_table(ASYNC).map_err(db_err)?;
        txn.commit().map_err(db_err)?;
        let mut index = Index::default();
        {
            let txn = db.begin_read().map_err(db_err)?;
            let table = txn.open_table(OBJECTS).map_err(db_err)?;
            for entry in table.iter().map_err(db_err)? {
                let (k, v) = entry.map_err(db_err)?;
                let object = ManagedObject::from_bytes(k.value(), v.value())?;
                index.objects.insert(
                    k.value().to_string(),
                    Versioned {
                        version: 0,
                        object: Arc::new(object),
                    },
                );
            }
            let table = txn.open_table(ASYNC).map_err(db_err)?;
            for entry in table.iter().map_err(db_err)? {
                let (k, v) = entry.map_err(db_err)?;
                index
                    .asyncs
                    .insert(k.value().to_string(), (0, Arc::new(v.value().to_vec())));
            }
        }
        Ok(RedbStore {
            db,
            index: RwLock::new(index),
            writer: Mutex::new(()),
        })
    }

    /// Write `changes` in one redb transaction and wait for stable storage.
    fn write_durably(&self, changes: &[Change]) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(db_err)?;
        {
            let mut table = txn.open_table(OBJECTS).map_err(db_err)?;
            let mut asyncs = txn.open_table(ASYNC).map_err(db_err)?;
            for c in changes {
                match c {
                    Change::Put(o) => {
                        let bytes = o.to_bytes()?;
                        table
                            .insert(o.uid.as_str(), bytes.as_slice())
                            .map_err(db_err)?;
                    }
                    Change::Remove(uid) => {
                        table.remove(uid.as_str()).map_err(db_err)?;
                    }
                    Change::PutAsync(id, record) => {
                        asyncs
                            .insert(id.as_str(), record.as_slice())
                            .map_err(db_err)?;
                    }
                }
            }
        }
        // Durability::Immediate is redb's default: commit returns once the
        // data is on stable storage.
        txn.commit().map_err(db_err)?;
        Ok(())
    }
}

impl Store for RedbStore {
    fn get(&self, uid: &str) -> Result<Option<Versioned>, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.get(uid))
    }

    fn scan(&self) -> Result<Snapshot, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.scan())
    }

    fn get_async(&self, id: &str) -> Result<Option<VersionedRecord>, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.get_async(id))
    }

    fn list_async(&self) -> Result<Vec<(String, RecordBytes)>, StoreError> {
        Ok(self.index.read().map_err(|_| poisoned())?.list_async())
    }

    fn commit(&self, reads: &ReadSet, changes: &[Change]) -> Result<(), CommitError> {
        if changes.is_empty() {
            return validate_read_only(&self.index, reads);
        }
        let _writer = self.writer.lock().map_err(|_| poisoned())?;
        // Only a holder of `writer` changes the index, so what is validated
        // here is still current when the index is updated below; readers
        // keep being served from the index during the durable write.
        self.index
            .read()
            .map_err(|_| poisoned())?
            .validate(reads, true)?;
        self.write_durably(changes)?;
        self.index.write().map_err(|_| poisoned())?.apply(changes);
        Ok(())
    }

    fn is_durable(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::AttributeSet;

    fn obj(uid: &str) -> Arc<ManagedObject> {
        Arc::new(ManagedObject {
            uid: uid.into(),
            object_type: crate::spec::enums::object_type::OPAQUE_OBJECT,
            attributes: AttributeSet::new(),
            body: None,
            archived: false,
            owner: None,
        })
    }

    fn put(s: &dyn Store, changes: &[Change]) {
        s.commit(&ReadSet::default(), changes).expect("commit");
    }

    fn exercise(s: &dyn Store) {
        put(s, &[Change::Put(obj("b")), Change::Put(obj("a"))]);
        assert_eq!(
            s.scan()
                .expect("scan")
                .objects
                .iter()
                .map(|o| o.uid.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(s.get("a").expect("get").is_some());
        put(s, &[Change::Remove("a".into())]);
        assert!(s.get("a").expect("get").is_none());
    }

    /// A commit whose reads moved is refused and changes nothing.
    fn conflicts(s: &dyn Store) {
        put(s, &[Change::Put(obj("x"))]);
        let seen = s.get("x").expect("get").expect("x").version;
        let mut reads = ReadSet::default();
        reads.points.insert("x".into(), Some(seen));
        // someone else writes x
        put(s, &[Change::Put(obj("x"))]);
        let r = s.commit(&reads, &[Change::Put(obj("y"))]);
        assert!(matches!(r, Err(CommitError::Conflict(_))), "{r:?}");
        assert!(s.get("y").expect("get").is_none(), "refused commit applied");
        // re-read: now it commits
        let seen = s.get("x").expect("get").expect("x").version;
        reads.points.insert("x".into(), Some(seen));
        s.commit(&reads, &[Change::Put(obj("y"))]).expect("commit");
        // an object read as absent that appeared since
        let mut reads = ReadSet::default();
        reads.points.insert("z".into(), None);
        put(s, &[Change::Put(obj("z"))]);
        assert!(
            s.commit(&reads, &[]).is_ok(),
            "one read alone is consistent"
        );
        reads
            .points
            .insert("x".into(), s.get("x").expect("get").map(|v| v.version));
        assert!(
            s.commit(&reads, &[]).is_err(),
            "read-only reads are checked"
        );
        // a scan, then any commit: a writing message conflicts, a read-only
        // one does not
        let snap = s.scan().expect("scan");
        put(s, &[Change::Put(obj("w"))]);
        let reads = ReadSet {
            scan: Some(snap.seq),
            ..ReadSet::default()
        };
        assert!(s.commit(&reads, &[]).is_ok());
        assert!(s.commit(&reads, &[Change::Put(obj("v"))]).is_err());
        // read-only: an object read after a scan must not be newer than it
        let snap = s.scan().expect("scan");
        put(s, &[Change::Put(obj("x"))]);
        let mut reads = ReadSet {
            scan: Some(snap.seq),
            ..ReadSet::default()
        };
        reads
            .points
            .insert("x".into(), s.get("x").expect("get").map(|v| v.version));
        assert!(s.commit(&reads, &[]).is_err(), "scan and read disagree");
        // a Name scan is invalidated only by a change of Names
        let snap = s.scan().expect("scan");
        let names = ReadSet {
            names_scan: Some(snap.seq),
            ..ReadSet::default()
        };
        put(s, &[Change::Put(obj("u"))]);
        s.commit(&names, &[Change::Put(obj("t"))])
            .expect("an unnamed object does not touch Names");
        let mut named = (*obj("n")).clone();
        named.attributes.add(
            crate::attributes::AttrKey::Std(crate::spec::tags::NAME),
            crate::tree::st(
                crate::spec::tags::NAME,
                vec![
                    crate::tree::text(crate::spec::tags::NAME_VALUE, "k"),
                    crate::tree::enumeration(crate::spec::tags::NAME_TYPE, 1),
                ],
            ),
        );
        assert_eq!(named.attributes.names().collect::<Vec<_>>(), ["k"]);
        put(s, &[Change::Put(Arc::new(named))]);
        assert!(s.commit(&names, &[Change::Put(obj("v"))]).is_err());
    }

    #[test]
    fn memory_store() {
        exercise(&MemoryStore::new());
        conflicts(&MemoryStore::new());
    }

    #[test]
    fn reads_share_the_snapshot() {
        let s = MemoryStore::new();
        put(&s, &[Change::Put(obj("a"))]);
        let one = s.get("a").expect("get").expect("a").object;
        let two = s.get("a").expect("get").expect("a").object;
        assert!(Arc::ptr_eq(&one, &two), "a read must not copy the object");
    }

    #[test]
    fn redb_store_persists_across_reopen() {
        let dir = std::env::temp_dir().join(format!("kmip-redb-{}", new_uid()));
        {
            let s = RedbStore::open(&dir).expect("open");
            exercise(&s);
            conflicts(&s);
        }
        let s = RedbStore::open(&dir).expect("reopen");
        assert!(s.get("b").expect("get").is_some());
        assert!(s.get("y").expect("get").is_some());
        assert!(
            s.get("v").expect("get").is_none(),
            "refused commit persisted"
        );
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn uids_are_unique_and_ordered() {
        let ids: Vec<String> = (0..200).map(|_| new_uid()).collect();
        let set: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(set.len(), ids.len());
        assert!(ids
            .iter()
            .all(|u| u.len() == 36 && u.as_bytes()[14] == b'7'));
    }
}
