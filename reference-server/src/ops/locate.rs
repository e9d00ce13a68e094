//! Locate: attribute filters (1.x `Attribute` list or 2.x `Attributes`),
//! Storage Status Mask, Object Group Member, Offset Items, Maximum Items,
//! Located Items (1.3+, when the client pages); results most recently created first (KMIP 2.1 §6.1.28).
//!
//! Matching rules: every filter attribute must match some instance of the
//! object's attribute; a Name matches on its Name Value; a Cryptographic
//! Usage Mask matches when the object has every bit of the filter; two
//! filters on the same date attribute select the inclusive range between
//! them; anything else is compared for equality.

use super::payload;
use crate::attributes::{self, parse_container, AttrKey};
use crate::error::KmipError;
use crate::object::ManagedObject;
use crate::server::Session;
use crate::spec::enums::{object_group_member as ogm, storage_status};
use crate::spec::tags as t;
use crate::spec::V1_3;
use crate::tree::{as_datetime, int, st, Fields};
use kmip_ttlv::{Item, ItemType, Value};

struct Filter {
    key: AttrKey,
    values: Vec<Item>,
}

fn filters(p: &Item) -> Result<Vec<Filter>, KmipError> {
    let parsed = if let Some(a) = p.child(t::ATTRIBUTES) {
        parse_container(a)?.attrs
    } else {
        // 1.x: Attribute structures directly in the payload
        let wrapper = st(
            t::TEMPLATE_ATTRIBUTE,
            p.children_with(t::ATTRIBUTE).cloned().collect(),
        );
        parse_container(&wrapper)?.attrs
    };
    let mut out: Vec<Filter> = Vec::new();
    for (k, v) in parsed {
        match out.iter_mut().find(|f| f.key == k) {
            Some(f) => f.values.push(v),
            None => out.push(Filter {
                key: k,
                values: vec![v],
            }),
        }
    }
    Ok(out)
}

fn is_date(v: &Item) -> bool {
    matches!(
        v.item_type(),
        ItemType::DateTime | ItemType::DateTimeExtended
    )
}

fn value_matches(key: &AttrKey, want: &Item, have: &Item) -> bool {
    if *key == AttrKey::Std(t::NAME) {
        return attributes::name_text(want).is_some()
            && attributes::name_text(want) == attributes::name_text(have);
    }
    if *key == AttrKey::Std(t::CRYPTOGRAPHIC_USAGE_MASK) {
        if let (Value::Integer(w), Value::Integer(h)) = (&want.value, &have.value) {
            return h & w == *w;
        }
    }
    if is_date(want) && is_date(have) {
        return as_datetime(want).ok() == as_datetime(have).ok();
    }
    want.value == have.value
}

fn matches(obj: &ManagedObject, f: &Filter) -> bool {
    let have = obj.attributes.get(&f.key);
    if f.values.len() == 2 && f.values.iter().all(is_date) {
        let (Ok(a), Ok(b)) = (as_datetime(&f.values[0]), as_datetime(&f.values[1])) else {
            return false;
        };
        let (lo, hi) = (a.min(b), a.max(b));
        return have
            .iter()
            .filter_map(|h| as_datetime(h).ok())
            .any(|d| lo <= d && d <= hi);
    }
    f.values
        .iter()
        .all(|w| have.iter().any(|h| value_matches(&f.key, w, h)))
}

/// Locate.
pub fn locate(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let fl = Fields::new(p);
    let max_items = fl.int(t::MAXIMUM_ITEMS)?;
    let offset = fl.int(t::OFFSET_ITEMS)?.unwrap_or(0);
    if max_items.is_some_and(|m| m < 0) || offset < 0 {
        return Err(KmipError::invalid_field(
            "Maximum Items and Offset Items must not be negative",
        ));
    }
    let mask = fl
        .int(t::STORAGE_STATUS_MASK)?
        .unwrap_or(storage_status::ON_LINE_STORAGE as i32);
    let group_member = fl.enumeration(t::OBJECT_GROUP_MEMBER)?;
    let filters = filters(p)?;
    let mut objects = s.txn.list()?;
    objects.reverse(); // most recently created first (UIDs are time-ordered)
    let mut found: Vec<String> = Vec::new();
    let groups = crate::access::requester_groups(s)?;
    for mut obj in objects {
        // objects the client may not use are never returned (crate::access)
        if !(s.access.visible(obj.owner.as_deref(), s.client.as_deref())
            || crate::access::in_groups(&groups, &obj))
            || s.rights.as_ref().is_some_and(|r| !r.allows(s.op, &obj.uid))
        {
            continue;
        }
        if obj.dates_due(s.now) {
            std::sync::Arc::make_mut(&mut obj).apply_dates(s.now);
        }
        let storage = if obj.is_destroyed() {
            storage_status::DESTROYED_STORAGE
        } else if obj.archived {
            storage_status::ARCHIVAL_STORAGE
        } else {
            storage_status::ON_LINE_STORAGE
        };
        if mask & storage as i32 == 0 {
            continue;
        }
        if group_member == Some(ogm::GROUP_MEMBER_FRESH)
            && obj.attributes.bool_value(t::FRESH) != Some(true)
        {
            continue;
        }
        if filters.iter().all(|f| matches(&obj, f)) {
            found.push(obj.uid.clone());
        }
    }
    let total = found.len();
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = max_items.map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
    let mut out = Vec::new();
    // Located Items is optional: returned when the client pages (Offset /
    // Maximum Items), where the total is useful.
    if s.version >= V1_3 && (max_items.is_some() || offset > 0) {
        out.push(int(
            t::LOCATED_ITEMS,
            i32::try_from(total).unwrap_or(i32::MAX),
        ));
    }
    for uid in found.into_iter().skip(skip).take(take) {
        out.push(s.uid_item(t::UNIQUE_IDENTIFIER, &uid));
    }
    Ok(payload(out))
}
