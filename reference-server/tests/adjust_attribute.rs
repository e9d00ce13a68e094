//! Adjust Attribute (KMIP 2.0 §6.1.3, 2.1 §6.1.3; Adjustment Type 2.1
//! §11.1): Increment / Decrement of a Date Time with and without an
//! Adjustment Value, Negate of a Boolean, the errors (Negate of a Date Time:
//! Invalid Data Type; a read-only attribute; KMIP 1.4: no such operation).

mod tagged;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    adjustment_type as adj, operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_ttlv::{Item, Tag, Value};
use tagged::*;

fn call(s: &Server, v: (i32, i32), o: u32, payload: Vec<Item>) -> Result<Item, u32> {
    let msg = st(
        t::REQUEST_MESSAGE,
        vec![
            st(
                t::REQUEST_HEADER,
                vec![
                    st(
                        t::PROTOCOL_VERSION,
                        vec![
                            int(t::PROTOCOL_VERSION_MAJOR, v.0),
                            int(t::PROTOCOL_VERSION_MINOR, v.1),
                        ],
                    ),
                    int(t::BATCH_COUNT, 1),
                ],
            ),
            st(
                t::BATCH_ITEM,
                vec![en(t::OPERATION, o), st(t::REQUEST_PAYLOAD, payload)],
            ),
        ],
    );
    let resp = s.handle_message(&msg);
    let bi = resp.child(t::BATCH_ITEM).expect("batch item");
    let e = |tag| match bi.child(tag).map(|i| &i.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    };
    if e(t::RESULT_STATUS) == Some(rs::SUCCESS) {
        Ok(bi.child(t::RESPONSE_PAYLOAD).cloned().expect("payload"))
    } else {
        Err(e(t::RESULT_REASON).expect("reason"))
    }
}

const V21: (i32, i32) = (2, 1);

fn uid_item(uid: &str) -> Item {
    Item::new(t::UNIQUE_IDENTIFIER, Value::TextString(uid.into()))
}

fn adjust(s: &Server, uid: &str, attr: Tag, how: u32, value: Option<Item>) -> Result<Item, u32> {
    let mut p = vec![
        uid_item(uid),
        en(t::ATTRIBUTE_REFERENCE, attr.0),
        en(t::ADJUSTMENT_TYPE, how),
    ];
    p.extend(value);
    call(s, V21, op::ADJUST_ATTRIBUTE, p)
}

fn attribute(s: &Server, uid: &str, attr: Tag) -> Value {
    let p = call(
        s,
        V21,
        op::GET_ATTRIBUTES,
        vec![uid_item(uid), en(t::ATTRIBUTE_REFERENCE, attr.0)],
    )
    .expect("Get Attributes");
    p.child(t::ATTRIBUTES)
        .and_then(|a| a.child(attr))
        .map(|i| i.value.clone())
        .expect("attribute returned")
}

#[test]
fn adjust_dates_and_booleans() {
    let s = Server::in_memory();
    let future = 4_000_000_000i64;
    let created = call(
        &s,
        V21,
        op::CREATE,
        vec![
            en(t::OBJECT_TYPE, 2),
            st(
                t::ATTRIBUTES,
                vec![
                    en(t::CRYPTOGRAPHIC_ALGORITHM, 3),
                    int(t::CRYPTOGRAPHIC_LENGTH, 128),
                    int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                    Item::new(t::ACTIVATION_DATE, Value::DateTime(future)),
                ],
            ),
        ],
    )
    .expect("Create");
    let uid = created
        .child(t::UNIQUE_IDENTIFIER)
        .and_then(|u| u.value.as_text())
        .expect("uid")
        .to_string();

    let out = adjust(
        &s,
        &uid,
        t::ACTIVATION_DATE,
        adj::INCREMENT,
        Some(Item::new(t::ADJUSTMENT_VALUE, Value::Interval(3600))),
    )
    .expect("Increment");
    assert!(out.child(t::UNIQUE_IDENTIFIER).is_some());
    assert_eq!(
        attribute(&s, &uid, t::ACTIVATION_DATE),
        Value::DateTime(future + 3600)
    );
    adjust(&s, &uid, t::ACTIVATION_DATE, adj::DECREMENT, None).expect("Decrement by 1 s");
    assert_eq!(
        attribute(&s, &uid, t::ACTIVATION_DATE),
        Value::DateTime(future + 3599)
    );
    assert_eq!(
        adjust(&s, &uid, t::ACTIVATION_DATE, adj::NEGATE, None),
        Err(rr::INVALID_DATA_TYPE)
    );

    assert_eq!(attribute(&s, &uid, t::SENSITIVE), Value::Boolean(false));
    adjust(&s, &uid, t::SENSITIVE, adj::NEGATE, None).expect("Negate");
    assert_eq!(attribute(&s, &uid, t::SENSITIVE), Value::Boolean(true));

    // Initial Date is set by the server only
    assert_eq!(
        adjust(&s, &uid, t::INITIAL_DATE, adj::INCREMENT, None),
        Err(rr::READ_ONLY_ATTRIBUTE)
    );
    // not an operation of KMIP 1.4
    assert_eq!(
        call(&s, (1, 4), op::ADJUST_ATTRIBUTE, vec![uid_item(&uid)]),
        Err(rr::OPERATION_NOT_SUPPORTED)
    );
}
