//! Add Attribute, Modify Attribute, Delete Attribute (KMIP 1.x and 2.x
//! forms, Attribute Index) and Set Attribute (2.0+), with the spec's
//! per-attribute rules (read-only, single-valued, modifiable only in
//! certain states, unique names).

use super::create::check_unique_names;
use super::{load_live, payload, reason_for, touch, wrong_state};
use crate::attributes::{
    self, from_wire_1x, from_wire_2x, parse_reference, read_only_reason, AttrKey, AttrRef, Modify,
};
use crate::error::KmipError;
use crate::object::ManagedObject;
use crate::server::Session;
use crate::spec::enums::{result_reason as rr, state};
use crate::spec::tags as t;
use crate::spec::V2_0;
use crate::tree::Fields;
use kmip_ttlv::Item;

fn read_only(s: &Session<'_>, key: &AttrKey) -> KmipError {
    KmipError::new(
        read_only_reason(s.version),
        format!("{} cannot be changed by the client", key.name_1x()),
    )
}

fn server_vendor(key: &AttrKey) -> bool {
    matches!(key, AttrKey::Vendor { vendor, .. } if vendor == "y")
}

/// Check the state rule of an attribute whose value is set or changed.
fn state_rule(
    s: &Session<'_>,
    obj: &ManagedObject,
    key: &AttrKey,
    rule: Modify,
) -> Result<(), KmipError> {
    let st = obj.state();
    let ok = match rule {
        Modify::PreActive => st == state::PRE_ACTIVE,
        Modify::PreActiveOrActive => st == state::PRE_ACTIVE || st == state::ACTIVE,
        Modify::Yes | Modify::No => true,
    };
    if ok {
        Ok(())
    } else {
        Err(wrong_state(
            s.version,
            format!(
                "{} can only be changed while the object is {}",
                key.name_1x(),
                if rule == Modify::PreActive {
                    "Pre-Active"
                } else {
                    "Pre-Active or Active"
                }
            ),
        ))
    }
}

/// The (key, value) of a 2.x `NewAttribute` / `CurrentAttribute` wrapper.
fn wrapped(item: &Item) -> Result<(AttrKey, Item), KmipError> {
    let inner = match item.children() {
        [one] => one,
        _ => {
            return Err(KmipError::invalid_field(
                "New / Current Attribute must hold exactly one attribute",
            ))
        }
    };
    from_wire_2x(inner)
}

fn finish(s: &mut Session<'_>, mut obj: ManagedObject) -> Result<(), KmipError> {
    touch(s, &mut obj);
    obj.apply_dates(s.now);
    check_unique_names(s, &obj.uid, obj.attributes.names())?;
    s.txn.put(obj);
    Ok(())
}

/// Add Attribute.
pub fn add_attribute(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    let (key, value) = if s.version >= V2_0 {
        wrapped(Fields::new(p).require(t::NEW_ATTRIBUTE)?)?
    } else {
        let (k, _idx, v) = from_wire_1x(Fields::new(p).require(t::ATTRIBUTE)?)?;
        (
            k,
            v.ok_or_else(|| KmipError::invalid_field("Attribute Value is required"))?,
        )
    };
    let def = key.def();
    if !def.client_add || server_vendor(&key) {
        return Err(read_only(s, &key));
    }
    if !def.multi && obj.attributes.has(&key) {
        return Err(KmipError::new(
            reason_for(s.version, rr::ATTRIBUTE_SINGLE_VALUED, rr::INVALID_FIELD),
            format!("{} is single-valued and already present", key.name_1x()),
        ));
    }
    state_rule(s, &obj, &key, def.modify)?;
    if key == AttrKey::Std(t::NAME) {
        let text = attributes::name_text(&value);
        if obj.attributes.names().any(|n| Some(n) == text) {
            return Err(KmipError::new(
                reason_for(s.version, rr::NON_UNIQUE_NAME_ATTRIBUTE, rr::INVALID_FIELD),
                "the object already has this Name",
            ));
        }
    }
    let index = obj.attributes.add(key.clone(), value.clone());
    finish(s, obj)?;
    let mut out = vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)];
    if s.version < V2_0 {
        out.push(attributes::to_wire_1x(&key, Some(index), &value, s.version));
    }
    Ok(payload(out))
}

fn not_present(s: &Session<'_>, key: &AttrKey) -> KmipError {
    KmipError::new(
        reason_for(s.version, rr::ATTRIBUTE_NOT_FOUND, rr::ITEM_NOT_FOUND),
        format!("the object has no {}", key.name_1x()),
    )
}

fn no_instance(s: &Session<'_>, key: &AttrKey) -> KmipError {
    KmipError::new(
        reason_for(
            s.version,
            rr::ATTRIBUTE_INSTANCE_NOT_FOUND,
            rr::ITEM_NOT_FOUND,
        ),
        format!("no such instance of {}", key.name_1x()),
    )
}

fn modify_check(s: &Session<'_>, obj: &ManagedObject, key: &AttrKey) -> Result<(), KmipError> {
    let def = key.def();
    if def.modify == Modify::No || server_vendor(key) {
        return Err(read_only(s, key));
    }
    state_rule(s, obj, key, def.modify)
}

/// Modify Attribute.
pub fn modify_attribute(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    let f = Fields::new(p);
    if s.version < V2_0 {
        let (key, idx, value) = from_wire_1x(f.require(t::ATTRIBUTE)?)?;
        let value = value.ok_or_else(|| KmipError::invalid_field("Attribute Value is required"))?;
        if !obj.attributes.has(&key) {
            return Err(not_present(s, &key));
        }
        modify_check(s, &obj, &key)?;
        let idx = idx.unwrap_or(0);
        let i = usize::try_from(idx).unwrap_or(usize::MAX);
        if !obj.attributes.replace(&key, i, value.clone()) {
            return Err(no_instance(s, &key));
        }
        finish(s, obj)?;
        return Ok(payload(vec![
            s.uid_item(t::UNIQUE_IDENTIFIER, &uid),
            attributes::to_wire_1x(&key, Some(idx), &value, s.version),
        ]));
    }
    let (key, value) = wrapped(f.require(t::NEW_ATTRIBUTE)?)?;
    let current = match f.get(t::CURRENT_ATTRIBUTE) {
        Some(c) => {
            let (ck, cv) = wrapped(c)?;
            if ck != key {
                return Err(KmipError::invalid_field(
                    "Current Attribute and New Attribute name different attributes",
                ));
            }
            Some(cv)
        }
        None => None,
    };
    let instances = obj.attributes.get(&key);
    if instances.is_empty() {
        return Err(not_present(s, &key));
    }
    modify_check(s, &obj, &key)?;
    let index = match &current {
        Some(cv) => instances
            .iter()
            .position(|v| v == cv)
            .ok_or_else(|| no_instance(s, &key))?,
        None if instances.len() == 1 => 0,
        None => {
            return Err(KmipError::invalid_field(format!(
                "{} has several instances; give the Current Attribute",
                key.name_1x()
            )))
        }
    };
    obj.attributes.replace(&key, index, value);
    finish(s, obj)?;
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Delete Attribute.
pub fn delete_attribute(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    let f = Fields::new(p);
    let check = |s: &Session<'_>, key: &AttrKey| -> Result<(), KmipError> {
        if !key.def().delete || server_vendor(key) {
            Err(read_only(s, key))
        } else {
            Ok(())
        }
    };
    if s.version < V2_0 {
        let name = f.require(t::ATTRIBUTE_NAME)?;
        let key = match attributes::parse_name_reference(name)? {
            AttrRef::Key(k) => k,
            AttrRef::LinkType(_) => AttrKey::Std(t::LINK),
        };
        let idx = match f.int(t::ATTRIBUTE_INDEX)? {
            Some(i) => u32::try_from(i).map_err(|_| KmipError::invalid_field("negative index"))?,
            None => 0,
        };
        if !obj.attributes.has(&key) {
            return Err(not_present(s, &key));
        }
        check(s, &key)?;
        let removed = obj
            .attributes
            .remove_at(&key, usize::try_from(idx).unwrap_or(usize::MAX))
            .ok_or_else(|| no_instance(s, &key))?;
        finish(s, obj)?;
        return Ok(payload(vec![
            s.uid_item(t::UNIQUE_IDENTIFIER, &uid),
            attributes::to_wire_1x(&key, Some(idx), &removed, s.version),
        ]));
    }
    if let Some(c) = f.get(t::CURRENT_ATTRIBUTE) {
        let (key, value) = wrapped(c)?;
        if !obj.attributes.has(&key) {
            return Err(not_present(s, &key));
        }
        check(s, &key)?;
        let pos = obj
            .attributes
            .get(&key)
            .iter()
            .position(|v| *v == value)
            .ok_or_else(|| no_instance(s, &key))?;
        obj.attributes.remove_at(&key, pos);
    } else {
        let r = f.require(t::ATTRIBUTE_REFERENCE)?;
        match parse_reference(r)? {
            AttrRef::Key(key) => {
                if !obj.attributes.has(&key) {
                    return Err(not_present(s, &key));
                }
                check(s, &key)?;
                obj.attributes.remove_all(&key);
            }
            AttrRef::LinkType(lt) => {
                let key = AttrKey::Std(t::LINK);
                check(s, &key)?;
                let keep: Vec<Item> = obj
                    .attributes
                    .get(&key)
                    .iter()
                    .filter(|v| attributes::link_parts(v).is_none_or(|(l, _)| l != lt))
                    .cloned()
                    .collect();
                if keep.len() == obj.attributes.get(&key).len() {
                    return Err(not_present(s, &key));
                }
                obj.attributes.remove_all(&key);
                for v in keep {
                    obj.attributes.add(key.clone(), v);
                }
            }
        }
    }
    finish(s, obj)?;
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Set Attribute (2.0+): set a single-valued attribute, adding or replacing.
pub fn set_attribute(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    let (key, value) = wrapped(Fields::new(p).require(t::NEW_ATTRIBUTE)?)?;
    let def = key.def();
    if def.multi {
        return Err(KmipError::new(
            rr::MULTI_VALUED_ATTRIBUTE,
            format!(
                "{} is multi-valued; use Add / Modify Attribute",
                key.name_1x()
            ),
        ));
    }
    if obj.attributes.has(&key) {
        modify_check(s, &obj, &key)?;
    } else if !def.client_add || server_vendor(&key) {
        return Err(read_only(s, &key));
    } else {
        state_rule(s, &obj, &key, def.modify)?;
    }
    obj.attributes.set(key, value);
    finish(s, obj)?;
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}
