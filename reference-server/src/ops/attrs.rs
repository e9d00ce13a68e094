//! Add Attribute, Modify Attribute, Delete Attribute (KMIP 1.x and 2.x
//! forms, Attribute Index) and Set Attribute (2.0+), with the spec's
//! per-attribute rules (read-only, single-valued, modifiable only in
//! certain states, unique names), and Adjust Attribute (2.0+).

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
use kmip_ttlv::{Item, Tag};

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
        // 2.x Add Attribute errors (2.0 Table 154, 2.1 Table 169) name
        // Read Only Attribute.
        return Err(adjust_read_only(read_only(s, &key)));
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
    set_attribute_inner(s, p).map_err(adjust_read_only)
}

fn set_attribute_inner(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
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

/// The Adjustment Value as a number (any integer-like type; the spec gives
/// the item no fixed type), or the default of 1 (2.1 §11.1: 1 for numeric
/// types, 1 second for Date Time, 1 microsecond for Date Time Extended).
fn adjustment_parameter(p: &Item) -> Result<i128, KmipError> {
    use kmip_ttlv::Value as V;
    match Fields::new(p).get(t::ADJUSTMENT_VALUE).map(|i| &i.value) {
        None => Ok(1),
        Some(V::Integer(v)) => Ok(i128::from(*v)),
        Some(V::LongInteger(v) | V::DateTime(v) | V::DateTimeExtended(v)) => Ok(i128::from(*v)),
        Some(V::Interval(v)) => Ok(i128::from(*v)),
        Some(_) => Err(KmipError::new(
            rr::INVALID_DATA_TYPE,
            "Adjustment Value must be an Integer, Long Integer or Interval",
        )),
    }
}

/// Adjust Attribute's, Set Attribute's and Add Attribute's error tables
/// (2.1 Tables 172, 324, 169; 2.0 Tables 298, 154) name Read Only
/// Attribute, not the
/// Attribute Read Only of Modify / Delete Attribute (2.1 Tables 267,
/// 204).
fn adjust_read_only(e: KmipError) -> KmipError {
    if e.reason == rr::ATTRIBUTE_READ_ONLY {
        KmipError::new(rr::READ_ONLY_ATTRIBUTE, e.message)
    } else {
        e
    }
}

/// Adjust Attribute (KMIP 2.0 §6.1.3, 2.1 §6.1.3; Adjustment Type 2.1
/// §11.1): Increment / Decrement an Integer, Long Integer, Interval, Date
/// Time or Date Time Extended value, Negate an Integer, Long Integer or
/// Boolean. A missing value counts as 0 / false; more than one instance is
/// Multi Valued Attribute; a result out of the type's range is Numeric
/// Range; Big Integer values are not adjusted (Feature Not Supported).
pub fn adjust_attribute(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    use crate::spec::enums::adjustment_type as adj;
    use kmip_ttlv::{ItemType, Value as V};
    let uid = s.resolve_uid(p)?;
    let mut obj = load_live(s, &uid)?;
    let f = Fields::new(p);
    let key = match parse_reference(f.require(t::ATTRIBUTE_REFERENCE)?)? {
        AttrRef::Key(k) => k,
        AttrRef::LinkType(_) => {
            return Err(KmipError::new(
                rr::INVALID_DATA_TYPE,
                "a Link cannot be adjusted",
            ))
        }
    };
    let how = f.require_enum(t::ADJUSTMENT_TYPE)?;
    let def = key.def();
    let current = match obj.attributes.get(&key) {
        [] => {
            if !def.client_add || server_vendor(&key) {
                return Err(adjust_read_only(read_only(s, &key)));
            }
            state_rule(s, &obj, &key, def.modify)?;
            let zero = match def.ty {
                ItemType::Integer => V::Integer(0),
                ItemType::LongInteger => V::LongInteger(0),
                ItemType::Interval => V::Interval(0),
                ItemType::DateTime => V::DateTime(0),
                ItemType::DateTimeExtended => V::DateTimeExtended(0),
                ItemType::Boolean => V::Boolean(false),
                _ => {
                    return Err(KmipError::new(
                        rr::INVALID_DATA_TYPE,
                        format!("{} has no value to adjust", key.name_1x()),
                    ))
                }
            };
            Item::new(Tag(def.tag), zero)
        }
        [one] => {
            modify_check(s, &obj, &key).map_err(adjust_read_only)?;
            one.clone()
        }
        _ => {
            return Err(KmipError::new(
                rr::MULTI_VALUED_ATTRIBUTE,
                format!("{} has more than one instance", key.name_1x()),
            ))
        }
    };
    let range = || {
        KmipError::new(
            rr::NUMERIC_RANGE,
            format!("the adjusted {} is out of range", key.name_1x()),
        )
    };
    let step = |v: i128| -> Result<i128, KmipError> {
        let d = adjustment_parameter(p)?;
        match how {
            adj::INCREMENT => v.checked_add(d).ok_or_else(range),
            adj::DECREMENT => v.checked_sub(d).ok_or_else(range),
            adj::NEGATE => v.checked_neg().ok_or_else(range),
            other => Err(KmipError::invalid_field(format!(
                "unknown Adjustment Type {other:#x}"
            ))),
        }
    };
    let no_negate = |what: &str| {
        if how == adj::NEGATE {
            Err(KmipError::new(
                rr::INVALID_DATA_TYPE,
                format!("Negate does not apply to {what} values"),
            ))
        } else {
            Ok(())
        }
    };
    let value = match &current.value {
        V::Integer(v) => V::Integer(i32::try_from(step(i128::from(*v))?).map_err(|_| range())?),
        V::LongInteger(v) => {
            V::LongInteger(i64::try_from(step(i128::from(*v))?).map_err(|_| range())?)
        }
        V::Interval(v) => {
            no_negate("Interval")?;
            V::Interval(u32::try_from(step(i128::from(*v))?).map_err(|_| range())?)
        }
        V::DateTime(v) => {
            no_negate("Date Time")?;
            V::DateTime(i64::try_from(step(i128::from(*v))?).map_err(|_| range())?)
        }
        V::DateTimeExtended(v) => {
            no_negate("Date Time Extended")?;
            V::DateTimeExtended(i64::try_from(step(i128::from(*v))?).map_err(|_| range())?)
        }
        V::Boolean(b) if how == adj::NEGATE => V::Boolean(!b),
        V::BigInteger(_) => {
            return Err(KmipError::feature_not_supported(
                "adjusting Big Integer attributes is not supported by this server",
            ))
        }
        _ => {
            return Err(KmipError::new(
                rr::INVALID_DATA_TYPE,
                format!(
                    "{} cannot be adjusted that way (its type does not allow it)",
                    key.name_1x()
                ),
            ))
        }
    };
    obj.attributes.set(key, Item::new(current.tag, value));
    finish(s, obj)?;
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}
