//! KMIP 3.0 identity objects: Create Credential, Create User, Create Group
//! (KMIP 3.0 delta: operations 0x3F / 0x3E / 0x3C; object types User 0x0B,
//! Group 0x0C, Password Credential 0x0D).
//!
//! - Create Credential with Credential Type Password stores a Password
//!   Credential object (the password comes from a `PasswordCredential`
//!   structure in the payload, or — as some 3.0 test cases send it — a
//!   `Password` item inside `Attributes`); with Credential Type Certificate
//!   the X.509 certificate is stored as a Certificate object, with the
//!   certificate attributes a Register would derive.
//! - Create User stores a User object; every Credential Link must name an
//!   existing credential object.
//! - Create Group stores a Group object.
//!
//! With access control on, a User with a Credential Link to a Password
//! Credential can authenticate and Group Links share objects between the
//! members of a group (see `crate::access`, "KMIP 3.0 users and groups").

use super::create::{check_unique_names, client_attributes, finish_new, Origin, OBJECT_CLASS_USER};
use super::{load_live, payload};
use crate::attributes::{parse_container, AttributeSet};
use crate::error::KmipError;
use crate::object::ManagedObject;
use crate::server::Session;
use crate::spec::enums::{credential_type as ct, object_type as ot};
use crate::spec::tags as t;
use crate::store::new_uid;
use crate::tree::{datetime, enumeration, st, text, Fields};
use kmip_ttlv::{Item, Value};

/// Split a 3.0 `Attributes` container into the password it may carry and
/// the client attributes (validated as for Create / Register).
fn attributes_and_password(
    s: &Session<'_>,
    p: &Item,
) -> Result<(AttributeSet, Option<Item>), KmipError> {
    let mut password = None;
    let mut kept = Vec::new();
    if let Some(c) = p.child(t::ATTRIBUTES) {
        for item in c.children() {
            if item.tag == t::PASSWORD {
                password = Some(item.clone());
            } else {
                kept.push(item.clone());
            }
        }
    }
    let incoming = parse_container(&st(t::ATTRIBUTES, kept))?;
    Ok((client_attributes(s, &[&incoming])?, password))
}

/// A new non-cryptographic object (User, Group, Password Credential) with
/// the server-set attributes every object has.
fn new_plain_object(
    s: &Session<'_>,
    object_type: u32,
    mut attrs: AttributeSet,
    body: Option<Item>,
) -> Result<ManagedObject, KmipError> {
    let uid = new_uid();
    attrs.set_std(text(t::UNIQUE_IDENTIFIER, uid.clone()));
    attrs.set_std(enumeration(t::OBJECT_TYPE, object_type));
    attrs.set_std(datetime(t::INITIAL_DATE, s.now));
    attrs.set_std(datetime(t::LAST_CHANGE_DATE, s.now));
    if attrs.first(t::OBJECT_CLASS).is_none() {
        attrs.set_std(enumeration(t::OBJECT_CLASS, OBJECT_CLASS_USER));
    }
    let obj = ManagedObject {
        uid,
        object_type,
        attributes: attrs,
        body,
        archived: false,
        owner: s.client.clone(),
    };
    check_unique_names(s, &obj.uid, obj.attributes.names())?;
    Ok(obj)
}

/// Create Credential (3.0).
pub fn create_credential(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let kind = f.require_enum(t::CREDENTIAL_TYPE)?;
    let (attrs, attr_password) = attributes_and_password(s, p)?;
    let obj = match kind {
        ct::PASSWORD => {
            let password = match (f.get(t::PASSWORD_CREDENTIAL), attr_password) {
                (Some(pc), _) => Fields::new(pc).require(t::PASSWORD)?.clone(),
                (None, Some(pw)) => pw,
                (None, None) => {
                    return Err(KmipError::missing_data(
                        "a Password credential needs a Password Credential or a Password",
                    ))
                }
            };
            if password.value.as_text().is_none() {
                return Err(KmipError::invalid_field("Password must be a Text String"));
            }
            new_plain_object(
                s,
                ot::PASSWORD_CREDENTIAL,
                attrs,
                Some(st(t::PASSWORD_CREDENTIAL, vec![password])),
            )?
        }
        ct::CERTIFICATE => {
            let cert = f.require(t::CERTIFICATE)?;
            let cf = Fields::new(cert);
            cf.require_enum(t::CERTIFICATE_TYPE)?;
            let der = cf
                .bytes(t::CERTIFICATE_VALUE)?
                .ok_or_else(|| KmipError::missing_data("Certificate Value is required"))?;
            let mut attrs = attrs;
            attrs.set_std(enumeration(
                t::CERTIFICATE_TYPE,
                cf.require_enum(t::CERTIFICATE_TYPE)?,
            ));
            attrs.set_std(crate::tree::int(
                t::CERTIFICATE_LENGTH,
                i32::try_from(der.len()).unwrap_or(i32::MAX),
            ));
            for item in crate::certattrs::x509_attributes(der) {
                attrs.set_std(item);
            }
            finish_new(
                s,
                new_uid(),
                ot::CERTIFICATE,
                attrs,
                cert.clone(),
                Origin::Registered,
                &[],
            )?
        }
        other => {
            return Err(KmipError::feature_not_supported(format!(
                "Create Credential of Credential Type {other:#x} is not supported \
                 (Password and Certificate are)"
            )))
        }
    };
    let uid = obj.uid.clone();
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Create User (3.0).
pub fn create_user(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let (attrs, password) = attributes_and_password(s, p)?;
    if password.is_some() {
        return Err(KmipError::invalid_field(
            "a User takes its password through a Credential Link",
        ));
    }
    for link in attrs.get(&crate::attributes::AttrKey::Std(t::CREDENTIAL_LINK)) {
        let target = match &link.value {
            Value::TextString(v) | Value::Reference(v) | Value::Identifier(v) => v.clone(),
            _ => {
                return Err(KmipError::invalid_field(
                    "Credential Link must be a Reference",
                ))
            }
        };
        let cred = load_live(s, &target)?;
        if !matches!(
            cred.object_type,
            ot::PASSWORD_CREDENTIAL
                | ot::CERTIFICATE
                | ot::DEVICE_CREDENTIAL
                | ot::ONE_TIME_PASSWORD_CREDENTIAL
                | ot::HASHED_PASSWORD_CREDENTIAL
        ) {
            return Err(super::invalid_object_type(
                s.version,
                format!("Credential Link {target:?} is not a credential"),
            ));
        }
    }
    let obj = new_plain_object(s, ot::USER, attrs, None)?;
    let uid = obj.uid.clone();
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}

/// Create Group (3.0).
pub fn create_group(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let (attrs, password) = attributes_and_password(s, p)?;
    if password.is_some() {
        return Err(KmipError::invalid_field("a Group has no password"));
    }
    let obj = new_plain_object(s, ot::GROUP, attrs, None)?;
    let uid = obj.uid.clone();
    s.txn.put(obj);
    Ok(payload(vec![s.uid_item(t::UNIQUE_IDENTIFIER, &uid)]))
}
