//! Object storage: the [`Store`] trait, an in-memory store (the default)
//! and a durable one on an embedded redb database (`--data-dir`).
//!
//! The server applies every change of one request message with a single
//! [`Store::apply`] call, *before* it answers; for [`RedbStore`] that call
//! is one redb write transaction committed with immediate durability, so an
//! acknowledged write survives `kill -9`.
//!
//! Objects are returned in Unique Identifier order; identifiers are minted
//! time-ordered (see [`new_uid`]), so that is creation order.

use crate::error::StoreError;
use crate::object::ManagedObject;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::RwLock;

/// One change to apply.
#[derive(Clone, Debug)]
pub enum Change {
    /// Insert or replace an object.
    Put(ManagedObject),
    /// Remove an object entirely (used by Undo of a creation).
    Remove(String),
}

/// Storage of managed objects.
pub trait Store: Send + Sync {
    /// One object by Unique Identifier.
    fn get(&self, uid: &str) -> Result<Option<ManagedObject>, StoreError>;
    /// Every object, in Unique Identifier order.
    fn list(&self) -> Result<Vec<ManagedObject>, StoreError>;
    /// Apply changes atomically and durably (for a durable store).
    fn apply(&self, changes: &[Change]) -> Result<(), StoreError>;
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

/// In-memory store (lost at exit).
#[derive(Default)]
pub struct MemoryStore {
    objects: RwLock<BTreeMap<String, ManagedObject>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
}

fn poisoned() -> StoreError {
    StoreError::Database("store lock poisoned".into())
}

impl Store for MemoryStore {
    fn get(&self, uid: &str) -> Result<Option<ManagedObject>, StoreError> {
        Ok(self
            .objects
            .read()
            .map_err(|_| poisoned())?
            .get(uid)
            .cloned())
    }

    fn list(&self) -> Result<Vec<ManagedObject>, StoreError> {
        Ok(self
            .objects
            .read()
            .map_err(|_| poisoned())?
            .values()
            .cloned()
            .collect())
    }

    fn apply(&self, changes: &[Change]) -> Result<(), StoreError> {
        let mut map = self.objects.write().map_err(|_| poisoned())?;
        for c in changes {
            match c {
                Change::Put(o) => {
                    map.insert(o.uid.clone(), o.clone());
                }
                Change::Remove(uid) => {
                    map.remove(uid);
                }
            }
        }
        Ok(())
    }
}

const OBJECTS: redb::TableDefinition<&str, &[u8]> = redb::TableDefinition::new("objects");

/// Durable store on an embedded redb database file.
pub struct RedbStore {
    db: redb::Database,
}

fn db_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

impl RedbStore {
    /// Open (or create) `DIR/objects.redb`.
    pub fn open(dir: &Path) -> Result<RedbStore, StoreError> {
        std::fs::create_dir_all(dir)?;
        let db = redb::Database::create(dir.join("objects.redb")).map_err(db_err)?;
        let txn = db.begin_write().map_err(db_err)?;
        txn.open_table(OBJECTS).map_err(db_err)?;
        txn.commit().map_err(db_err)?;
        Ok(RedbStore { db })
    }
}

impl Store for RedbStore {
    fn get(&self, uid: &str) -> Result<Option<ManagedObject>, StoreError> {
        use redb::ReadableDatabase;
        let txn = self.db.begin_read().map_err(db_err)?;
        let table = txn.open_table(OBJECTS).map_err(db_err)?;
        match table.get(uid).map_err(db_err)? {
            None => Ok(None),
            Some(v) => ManagedObject::from_bytes(uid, v.value()).map(Some),
        }
    }

    fn list(&self) -> Result<Vec<ManagedObject>, StoreError> {
        use redb::{ReadableDatabase, ReadableTable};
        let txn = self.db.begin_read().map_err(db_err)?;
        let table = txn.open_table(OBJECTS).map_err(db_err)?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(db_err)? {
            let (k, v) = entry.map_err(db_err)?;
            out.push(ManagedObject::from_bytes(k.value(), v.value())?);
        }
        Ok(out)
    }

    fn apply(&self, changes: &[Change]) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin_write().map_err(db_err)?;
        {
            let mut table = txn.open_table(OBJECTS).map_err(db_err)?;
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
                }
            }
        }
        // Durability::Immediate is redb's default: commit returns once the
        // data is on stable storage.
        txn.commit().map_err(db_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::AttributeSet;

    fn obj(uid: &str) -> ManagedObject {
        ManagedObject {
            uid: uid.into(),
            object_type: crate::spec::enums::object_type::OPAQUE_OBJECT,
            attributes: AttributeSet::new(),
            body: None,
            archived: false,
        }
    }

    fn exercise(s: &dyn Store) {
        s.apply(&[Change::Put(obj("b")), Change::Put(obj("a"))])
            .expect("apply");
        assert_eq!(
            s.list()
                .expect("list")
                .iter()
                .map(|o| o.uid.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(s.get("a").expect("get").is_some());
        s.apply(&[Change::Remove("a".into())]).expect("remove");
        assert!(s.get("a").expect("get").is_none());
    }

    #[test]
    fn memory_store() {
        exercise(&MemoryStore::new());
    }

    #[test]
    fn redb_store_persists_across_reopen() {
        let dir = std::env::temp_dir().join(format!("kmip-redb-{}", new_uid()));
        {
            let s = RedbStore::open(&dir).expect("open");
            exercise(&s);
        }
        let s = RedbStore::open(&dir).expect("reopen");
        assert!(s.get("b").expect("get").is_some());
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
