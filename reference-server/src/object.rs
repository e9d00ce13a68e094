//! Managed objects: the object body (a Symmetric Key, Private Key, … tree
//! exactly as KMIP carries it), its attributes, and the life-cycle state
//! machine (KMIP 1.4 §3.22 / 2.1 §4.57 State, and the transitions of the key
//! life-cycle figure): dates reached take effect when the object is read.

use crate::attributes::{AttrKey, AttributeSet};
use crate::error::StoreError;
use crate::spec::enums::{object_type as ot, state};
use crate::spec::tags as t;
use crate::tree::{boolean, enumeration, st, text, Fields};
use kmip_ttlv::{Item, Tag};

/// One managed object.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedObject {
    /// Unique Identifier.
    pub uid: String,
    /// Object Type code.
    pub object_type: u32,
    /// The attributes (server-set ones included).
    pub attributes: AttributeSet,
    /// The object structure (`SymmetricKey { KeyBlock … }`), `None` once
    /// destroyed (the metadata stays, per the spec).
    pub body: Option<Item>,
    /// In archival storage (Archive) until Recover.
    pub archived: bool,
    /// The identity that created the object when access control is on
    /// (see [`crate::access`]); `None`: visible to every client.
    pub owner: Option<String>,
}

/// The structure tag that carries an object of this type.
pub fn object_tag(object_type: u32) -> Option<Tag> {
    Some(match object_type {
        ot::CERTIFICATE => t::CERTIFICATE,
        ot::SYMMETRIC_KEY => t::SYMMETRIC_KEY,
        ot::PUBLIC_KEY => t::PUBLIC_KEY,
        ot::PRIVATE_KEY => t::PRIVATE_KEY,
        ot::SPLIT_KEY => t::SPLIT_KEY,
        ot::TEMPLATE => t::TEMPLATE,
        ot::SECRET_DATA => t::SECRET_DATA,
        ot::OPAQUE_OBJECT => t::OPAQUE_OBJECT,
        ot::PGP_KEY => t::PGP_KEY,
        ot::CERTIFICATE_REQUEST => t::CERTIFICATE_REQUEST,
        _ => return None,
    })
}

/// Does this object type have key material in a Key Block?
pub fn has_key_block(object_type: u32) -> bool {
    matches!(
        object_type,
        ot::SYMMETRIC_KEY
            | ot::PUBLIC_KEY
            | ot::PRIVATE_KEY
            | ot::SPLIT_KEY
            | ot::SECRET_DATA
            | ot::PGP_KEY
    )
}

/// Does this object type have a life-cycle State? (Templates do not.)
pub fn has_state(object_type: u32) -> bool {
    object_type != ot::TEMPLATE
}

impl ManagedObject {
    /// The State attribute (Pre-Active when missing).
    pub fn state(&self) -> u32 {
        self.attributes
            .enum_value(t::STATE)
            .unwrap_or(state::PRE_ACTIVE)
    }

    /// Set State.
    pub fn set_state(&mut self, s: u32) {
        self.attributes.set_std(enumeration(t::STATE, s));
    }

    /// Destroyed or Destroyed Compromised.
    pub fn is_destroyed(&self) -> bool {
        matches!(
            self.state(),
            state::DESTROYED | state::DESTROYED_COMPROMISED
        )
    }

    /// Would [`ManagedObject::apply_dates`] change anything at `now`?
    pub fn dates_due(&self, now: i64) -> bool {
        if !has_state(self.object_type) {
            return false;
        }
        let reached = |tag| {
            self.attributes
                .date_value(tag)
                .is_some_and(|d: i64| d <= now)
        };
        match self.state() {
            state::PRE_ACTIVE => reached(t::ACTIVATION_DATE) || reached(t::DEACTIVATION_DATE),
            state::ACTIVE => reached(t::DEACTIVATION_DATE),
            _ => false,
        }
    }

    /// Apply the date-driven transitions for `now` (Activation Date reached:
    /// Pre-Active → Active; Deactivation Date reached: Pre-Active / Active →
    /// Deactivated). Returns true if the state changed.
    pub fn apply_dates(&mut self, now: i64) -> bool {
        if !has_state(self.object_type) {
            return false;
        }
        let mut changed = false;
        if self.state() == state::PRE_ACTIVE {
            if let Some(a) = self.attributes.date_value(t::ACTIVATION_DATE) {
                if a <= now {
                    self.set_state(state::ACTIVE);
                    changed = true;
                }
            }
        }
        if matches!(self.state(), state::PRE_ACTIVE | state::ACTIVE) {
            if let Some(dd) = self.attributes.date_value(t::DEACTIVATION_DATE) {
                if dd <= now {
                    self.set_state(state::DEACTIVATED);
                    changed = true;
                }
            }
        }
        changed
    }

    /// The Key Block of the body, if any.
    pub fn key_block(&self) -> Option<&Item> {
        self.body.as_ref()?.child(t::KEY_BLOCK)
    }

    /// Encode for storage.
    pub fn to_record(&self) -> Item {
        let mut c = vec![
            text(REC_UID, self.uid.clone()),
            enumeration(REC_TYPE, self.object_type),
            self.attributes.to_record(),
            boolean(REC_ARCHIVED, self.archived),
        ];
        if let Some(b) = &self.body {
            c.push(st(REC_BODY, vec![b.clone()]));
        }
        if let Some(o) = &self.owner {
            c.push(text(REC_OWNER, o.clone()));
        }
        st(REC_OBJECT, c)
    }

    /// Decode a stored record.
    pub fn from_record(item: &Item) -> Result<ManagedObject, StoreError> {
        let corrupt = |reason: &str| StoreError::Corrupt {
            uid: Fields::new(item)
                .text(REC_UID)
                .ok()
                .flatten()
                .unwrap_or("?")
                .to_string(),
            reason: reason.to_string(),
        };
        if item.tag != REC_OBJECT {
            return Err(corrupt("not an object record"));
        }
        let f = Fields::new(item);
        let uid = f
            .text(REC_UID)
            .ok()
            .flatten()
            .ok_or_else(|| corrupt("no uid"))?
            .to_string();
        let object_type = f
            .enumeration(REC_TYPE)
            .ok()
            .flatten()
            .ok_or_else(|| corrupt("no type"))?;
        let attributes = f
            .get(Tag(0x54FF10))
            .and_then(AttributeSet::from_record)
            .ok_or_else(|| corrupt("bad attributes"))?;
        let archived = f.boolean(REC_ARCHIVED).ok().flatten().unwrap_or(false);
        let body = f.get(REC_BODY).and_then(|b| b.children().first().cloned());
        let owner = f
            .text(REC_OWNER)
            .map_err(|_| corrupt("bad owner"))?
            .map(str::to_string);
        Ok(ManagedObject {
            uid,
            object_type,
            attributes,
            body,
            archived,
            owner,
        })
    }

    /// Encode the record as TTLV bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, StoreError> {
        kmip_ttlv::ttlv::encode(&self.to_record()).map_err(|e| StoreError::Corrupt {
            uid: self.uid.clone(),
            reason: format!("encode: {e}"),
        })
    }

    /// Decode TTLV bytes written by [`ManagedObject::to_bytes`].
    pub fn from_bytes(uid: &str, bytes: &[u8]) -> Result<ManagedObject, StoreError> {
        let limits = kmip_ttlv::ttlv::Limits {
            max_message_len: usize::MAX,
            max_depth: 128,
            strict_padding: false,
        };
        let item = kmip_ttlv::ttlv::decode(bytes, &limits).map_err(|e| StoreError::Corrupt {
            uid: uid.to_string(),
            reason: format!("decode: {e}"),
        })?;
        ManagedObject::from_record(&item)
    }

    /// Convenience: does the object carry this standard attribute?
    pub fn has_attr(&self, tag: Tag) -> bool {
        self.attributes.has(&AttrKey::Std(tag))
    }
}

const REC_OBJECT: Tag = Tag(0x54FF01);
const REC_UID: Tag = Tag(0x54FF02);
const REC_TYPE: Tag = Tag(0x54FF03);
const REC_ARCHIVED: Tag = Tag(0x54FF04);
const REC_BODY: Tag = Tag(0x54FF05);
const REC_OWNER: Tag = Tag(0x54FF06);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{bytes, datetime};

    fn sample() -> ManagedObject {
        let mut attributes = AttributeSet::new();
        attributes.set_std(enumeration(t::STATE, state::PRE_ACTIVE));
        ManagedObject {
            uid: "u1".into(),
            object_type: ot::SECRET_DATA,
            attributes,
            body: Some(st(t::SECRET_DATA, vec![bytes(t::KEY_MATERIAL, vec![1, 2])])),
            archived: false,
            owner: None,
        }
    }

    #[test]
    fn record_round_trip() {
        let mut o = sample();
        let b = o.to_bytes().expect("encode");
        assert_eq!(ManagedObject::from_bytes("u1", &b).expect("decode"), o);
        o.owner = Some("cert:CN=a".into());
        let owned = o.to_bytes().expect("encode");
        assert_eq!(ManagedObject::from_bytes("u1", &owned).expect("decode"), o);
        assert!(ManagedObject::from_bytes("u1", &b[..b.len() - 3]).is_err());
    }

    #[test]
    fn dates_drive_state() {
        let mut o = sample();
        o.attributes.set_std(datetime(t::ACTIVATION_DATE, 100));
        assert!(!o.apply_dates(99));
        assert_eq!(o.state(), state::PRE_ACTIVE);
        assert!(o.apply_dates(100));
        assert_eq!(o.state(), state::ACTIVE);
        o.attributes.set_std(datetime(t::DEACTIVATION_DATE, 200));
        assert!(o.apply_dates(250));
        assert_eq!(o.state(), state::DEACTIVATED);
    }
}
