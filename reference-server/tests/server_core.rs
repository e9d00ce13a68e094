//! Protocol-core behaviour added for the corpus (no network): invalid
//! enumeration values, server-set Lease Time / Object Class, key wrapping
//! on Get (NIST Key Wrap), X.509 certificate attributes, and the KMIP 3.0
//! Create Credential / Create User / Create Group operations.

mod tagged;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    object_type as ot, operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, Value};
use tagged::*;

fn message(v: Version, items: Vec<(u32, Vec<Item>)>) -> Item {
    let mut children = vec![st(
        t::REQUEST_HEADER,
        vec![
            st(
                t::PROTOCOL_VERSION,
                vec![
                    int(t::PROTOCOL_VERSION_MAJOR, i32::from(v.major)),
                    int(t::PROTOCOL_VERSION_MINOR, i32::from(v.minor)),
                ],
            ),
            int(t::BATCH_COUNT, i32::try_from(items.len()).expect("count")),
        ],
    )];
    for (o, payload) in items {
        children.push(st(
            t::BATCH_ITEM,
            vec![en(t::OPERATION, o), st(t::REQUEST_PAYLOAD, payload)],
        ));
    }
    st(t::REQUEST_MESSAGE, children)
}

/// Run one operation; Ok(payload) or Err(reason).
fn call(s: &Server, v: Version, o: u32, payload: Vec<Item>) -> Result<Item, u32> {
    let resp = s.handle_message(&message(v, vec![(o, payload)]));
    let bi = resp.child(t::BATCH_ITEM).expect("batch item");
    match bi.child(t::RESULT_STATUS).map(|i| &i.value) {
        Some(Value::Enumeration(x)) if *x == rs::SUCCESS => {
            Ok(bi.child(t::RESPONSE_PAYLOAD).cloned().expect("payload"))
        }
        _ => match bi.child(t::RESULT_REASON).map(|i| &i.value) {
            Some(Value::Enumeration(r)) => Err(*r),
            other => panic!("failure without reason: {other:?}"),
        },
    }
}

fn uid(p: &Item) -> String {
    p.child(t::UNIQUE_IDENTIFIER)
        .and_then(|i| i.value.as_text())
        .expect("uid")
        .to_string()
}

const V14: Version = Version::new(1, 4);
const V21: Version = Version::new(2, 1);
const V30: Version = Version::new(3, 0);

fn create_aes(s: &Server, v: Version, usage: i32, extra: Vec<Item>) -> String {
    let mut attrs = vec![
        en(t::CRYPTOGRAPHIC_ALGORITHM, 0x03),
        int(t::CRYPTOGRAPHIC_LENGTH, 256),
        int(t::CRYPTOGRAPHIC_USAGE_MASK, usage),
    ];
    attrs.extend(extra);
    let p = call(
        s,
        v,
        op::CREATE,
        vec![
            en(t::OBJECT_TYPE, ot::SYMMETRIC_KEY),
            st(t::ATTRIBUTES, attrs),
        ],
    )
    .expect("Create");
    uid(&p)
}

fn attributes(s: &Server, v: Version, id: &str) -> Item {
    let p = call(
        s,
        v,
        op::GET_ATTRIBUTES,
        vec![txt(t::UNIQUE_IDENTIFIER, id)],
    )
    .expect("Get Attributes");
    p.child(t::ATTRIBUTES).cloned().expect("Attributes")
}

#[test]
fn unknown_enumeration_values_are_invalid_field() {
    let s = Server::in_memory();
    let e = call(
        &s,
        V14,
        op::CREATE,
        vec![
            en(t::OBJECT_TYPE, 0x4B48),
            st(t::TEMPLATE_ATTRIBUTE, vec![]),
        ],
    )
    .expect_err("unknown Object Type");
    assert_eq!(e, rr::INVALID_FIELD);
    let id = create_aes(&s, V21, 0x0C, vec![]);
    let e = call(
        &s,
        V21,
        op::REVOKE,
        vec![
            txt(t::UNIQUE_IDENTIFIER, &id),
            st(
                t::REVOCATION_REASON,
                vec![en(t::REVOCATION_REASON_CODE, 0x4B48)],
            ),
        ],
    )
    .expect_err("unknown Revocation Reason Code");
    assert_eq!(e, rr::INVALID_FIELD);
    // A known code goes through.
    call(
        &s,
        V21,
        op::REVOKE,
        vec![
            txt(t::UNIQUE_IDENTIFIER, &id),
            st(
                t::REVOCATION_REASON,
                vec![en(t::REVOCATION_REASON_CODE, 0x05)],
            ),
        ],
    )
    .expect("Revoke with Cessation of Operation");
}

#[test]
fn new_keys_have_lease_time_and_3_0_object_class() {
    let s = Server::in_memory();
    let id = create_aes(&s, V30, 0x0C, vec![]);
    let a = attributes(&s, V30, &id);
    assert_eq!(
        a.child(t::LEASE_TIME).map(|i| &i.value),
        Some(&Value::Interval(3600))
    );
    assert_eq!(
        a.child(t::OBJECT_CLASS).map(|i| &i.value),
        Some(&Value::Enumeration(1))
    );
    // Object Class is not a 2.1 attribute.
    let a = attributes(&s, V21, &id);
    assert!(a.child(t::OBJECT_CLASS).is_none());
    assert!(a.child(t::LEASE_TIME).is_some());
}

#[test]
fn get_wraps_with_nist_key_wrap() {
    let s = Server::in_memory();
    // Active wrapping key (Activation Date in the past) with Wrap Key usage.
    let kek = create_aes(
        &s,
        V21,
        0x10,
        vec![Item::new(t::ACTIVATION_DATE, Value::DateTime(1))],
    );
    let key = create_aes(&s, V21, 0x0C, vec![]);
    let spec = st(
        t::KEY_WRAPPING_SPECIFICATION,
        vec![
            en(t::WRAPPING_METHOD, 0x01),
            st(
                t::ENCRYPTION_KEY_INFORMATION,
                vec![
                    txt(t::UNIQUE_IDENTIFIER, &kek),
                    st(
                        t::CRYPTOGRAPHIC_PARAMETERS,
                        vec![en(t::BLOCK_CIPHER_MODE, 0x0D)],
                    ),
                ],
            ),
        ],
    );
    let wrapped = call(
        &s,
        V21,
        op::GET,
        vec![txt(t::UNIQUE_IDENTIFIER, &key), spec.clone()],
    )
    .expect("wrapped Get");
    let kb = wrapped
        .child(t::SYMMETRIC_KEY)
        .and_then(|k| k.child(t::KEY_BLOCK))
        .expect("key block");
    assert!(kb.child(t::KEY_WRAPPING_DATA).is_some());
    let Some(Value::ByteString(ct)) = kb.child(t::KEY_VALUE).map(|i| &i.value) else {
        panic!("wrapped Key Value must be a Byte String");
    };
    let key_value = |id: &str| {
        call(&s, V21, op::GET, vec![txt(t::UNIQUE_IDENTIFIER, id)])
            .expect("Get")
            .child(t::SYMMETRIC_KEY)
            .and_then(|k| k.child(t::KEY_BLOCK))
            .and_then(|k| k.child(t::KEY_VALUE))
            .cloned()
            .expect("Key Value")
    };
    let kek_bytes = match key_value(&kek)
        .child(t::KEY_MATERIAL)
        .map(|m| m.value.clone())
    {
        Some(Value::ByteString(b)) => b,
        other => panic!("kek material {other:?}"),
    };
    let k: [u8; 32] = kek_bytes.try_into().expect("32-byte kek");
    let plain = aes_kw::KekAes256::from(k).unwrap_vec(ct).expect("unwrap");
    let decoded =
        kmip_ttlv::ttlv::decode(&plain, &kmip_ttlv::ttlv::Limits::default()).expect("TTLV");
    assert_eq!(
        decoded,
        key_value(&key),
        "unwrapped Key Value equals the key's"
    );
    // A key without Wrap Key usage cannot wrap.
    let no_wrap = create_aes(
        &s,
        V21,
        0x0C,
        vec![Item::new(t::ACTIVATION_DATE, Value::DateTime(1))],
    );
    let spec = st(
        t::KEY_WRAPPING_SPECIFICATION,
        vec![
            en(t::WRAPPING_METHOD, 0x01),
            st(
                t::ENCRYPTION_KEY_INFORMATION,
                vec![txt(t::UNIQUE_IDENTIFIER, &no_wrap)],
            ),
        ],
    );
    let e = call(
        &s,
        V21,
        op::GET,
        vec![txt(t::UNIQUE_IDENTIFIER, &key), spec],
    )
    .expect_err("no Wrap Key usage");
    assert_eq!(e, rr::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK);
}

fn test_certificate() -> Vec<u8> {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Subject-CN");
    let key = rcgen::KeyPair::generate().expect("key");
    params.self_signed(&key).expect("cert").der().to_vec()
}

#[test]
fn registered_certificate_gets_x509_attributes() {
    let s = Server::in_memory();
    let der = test_certificate();
    let p = call(
        &s,
        V21,
        op::REGISTER,
        vec![
            en(t::OBJECT_TYPE, ot::CERTIFICATE),
            st(t::ATTRIBUTES, vec![]),
            st(
                t::CERTIFICATE,
                vec![
                    en(t::CERTIFICATE_TYPE, 0x01),
                    Item::new(t::CERTIFICATE_VALUE, Value::ByteString(der.clone())),
                ],
            ),
        ],
    )
    .expect("Register");
    let a = attributes(&s, V21, &uid(&p));
    assert_eq!(
        a.child(t::CERTIFICATE_SUBJECT_CN)
            .and_then(|i| i.value.as_text()),
        Some("Subject-CN")
    );
    assert_eq!(
        a.child(t::CERTIFICATE_LENGTH).map(|i| &i.value),
        Some(&Value::Integer(i32::try_from(der.len()).expect("len")))
    );
    // Server-derived: a client may not modify it.
    let e = call(
        &s,
        V21,
        op::MODIFY_ATTRIBUTE,
        vec![
            txt(t::UNIQUE_IDENTIFIER, &uid(&p)),
            st(t::NEW_ATTRIBUTE, vec![int(t::CERTIFICATE_LENGTH, 1)]),
        ],
    )
    .expect_err("read-only");
    assert_eq!(e, rr::ATTRIBUTE_READ_ONLY);
}

#[test]
fn credentials_users_and_groups_3_0() {
    let s = Server::in_memory();
    let cred = call(
        &s,
        V30,
        op::CREATE_CREDENTIAL,
        vec![
            en(t::CREDENTIAL_TYPE, 0x07),
            st(t::ATTRIBUTES, vec![]),
            st(t::PASSWORD_CREDENTIAL, vec![txt(t::PASSWORD, "pw")]),
        ],
    )
    .expect("Create Credential");
    let cred = uid(&cred);
    let user = call(
        &s,
        V30,
        op::CREATE_USER,
        vec![st(
            t::ATTRIBUTES,
            vec![
                Item::new(t::CREDENTIAL_LINK, Value::Reference(cred.clone())),
                txt(t::NAME, "user-1"),
            ],
        )],
    )
    .expect("Create User");
    let a = attributes(&s, V30, &uid(&user));
    assert_eq!(
        a.child(t::OBJECT_TYPE).map(|i| &i.value),
        Some(&Value::Enumeration(ot::USER))
    );
    let e = call(
        &s,
        V30,
        op::CREATE_USER,
        vec![st(
            t::ATTRIBUTES,
            vec![Item::new(
                t::CREDENTIAL_LINK,
                Value::Reference("no-such-id".into()),
            )],
        )],
    )
    .expect_err("dangling Credential Link");
    assert_eq!(e, rr::OBJECT_NOT_FOUND);
    call(
        &s,
        V30,
        op::CREATE_GROUP,
        vec![st(t::ATTRIBUTES, vec![txt(t::NAME, "group-1")])],
    )
    .expect("Create Group");
    // Not defined before 3.0.
    let e = call(&s, V21, op::CREATE_GROUP, vec![st(t::ATTRIBUTES, vec![])])
        .expect_err("2.1 has no Create Group");
    assert_eq!(e, rr::OPERATION_NOT_SUPPORTED);
}
