//! Effects of operations the project cases in `testcases/server/ops`
//! exercise (no network): Usage Limits on creation and after Get Usage
//! Allocation, Archive Date removed by Recover, the Set Attribute
//! read-only reason.

mod tagged;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    object_type as ot, operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, Tag, Value};
use tagged::*;

const V14: Version = Version::new(1, 4);
const V20: Version = Version::new(2, 0);
const V21: Version = Version::new(2, 1);

fn message(v: Version, o: u32, payload: Vec<Item>) -> Item {
    st(
        t::REQUEST_MESSAGE,
        vec![
            st(
                t::REQUEST_HEADER,
                vec![
                    st(
                        t::PROTOCOL_VERSION,
                        vec![
                            int(t::PROTOCOL_VERSION_MAJOR, i32::from(v.major)),
                            int(t::PROTOCOL_VERSION_MINOR, i32::from(v.minor)),
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
    )
}

/// Run one operation; Ok(payload) or Err(reason).
fn call(s: &Server, v: Version, o: u32, payload: Vec<Item>) -> Result<Item, u32> {
    let resp = s.handle_message(&message(v, o, payload));
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

fn create_active(s: &Server, extra: Vec<Item>) -> String {
    let mut attrs = vec![
        en(t::CRYPTOGRAPHIC_ALGORITHM, 0x03),
        int(t::CRYPTOGRAPHIC_LENGTH, 256),
        int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
    ];
    attrs.extend(extra);
    let p = call(
        s,
        V21,
        op::CREATE,
        vec![
            en(t::OBJECT_TYPE, ot::SYMMETRIC_KEY),
            st(t::ATTRIBUTES, attrs),
        ],
    )
    .expect("Create");
    let id = p
        .child(t::UNIQUE_IDENTIFIER)
        .and_then(|i| i.value.as_text())
        .expect("uid")
        .to_string();
    call(s, V21, op::ACTIVATE, vec![txt(t::UNIQUE_IDENTIFIER, &id)]).expect("Activate");
    id
}

fn attribute(s: &Server, id: &str, tag: Tag) -> Option<Item> {
    let p = call(
        s,
        V21,
        op::GET_ATTRIBUTES,
        vec![txt(t::UNIQUE_IDENTIFIER, id)],
    )
    .expect("Get Attributes");
    p.child(t::ATTRIBUTES).and_then(|a| a.child(tag)).cloned()
}

/// (Total, Count, Unit) in field order.
fn limits(s: &Server, id: &str) -> Vec<(Tag, Value)> {
    attribute(s, id, t::USAGE_LIMITS)
        .expect("Usage Limits")
        .children()
        .iter()
        .map(|c| (c.tag, c.value.clone()))
        .collect()
}

/// KMIP 1.4 §3.21 / 2.1 §4.59: the Count sent with a creating operation is
/// ignored (Count = Total); Get Usage Allocation decrements it and keeps the
/// structure's field order (Total, Count, Unit). A key without Usage Limits:
/// Illegal Operation in 1.4 (§11.19 Table 345), Attribute Not Found in 2.x.
#[test]
fn usage_limits_count_starts_at_total_and_is_decremented_in_place() {
    let s = Server::in_memory();
    let ul = |count: i64| {
        st(
            t::USAGE_LIMITS,
            vec![
                long(t::USAGE_LIMITS_TOTAL, 10),
                long(t::USAGE_LIMITS_COUNT, count),
                en(t::USAGE_LIMITS_UNIT, 2),
            ],
        )
    };
    let want = |count: i64| {
        vec![
            (t::USAGE_LIMITS_TOTAL, Value::LongInteger(10)),
            (t::USAGE_LIMITS_COUNT, Value::LongInteger(count)),
            (t::USAGE_LIMITS_UNIT, Value::Enumeration(2)),
        ]
    };
    let id = create_active(&s, vec![ul(3)]);
    assert_eq!(limits(&s, &id), want(10));
    call(
        &s,
        V21,
        op::GET_USAGE_ALLOCATION,
        vec![
            txt(t::UNIQUE_IDENTIFIER, &id),
            long(t::USAGE_LIMITS_COUNT, 4),
        ],
    )
    .expect("Get Usage Allocation");
    assert_eq!(limits(&s, &id), want(6));
    let plain = create_active(&s, vec![]);
    let gua = |v| {
        call(
            &s,
            v,
            op::GET_USAGE_ALLOCATION,
            vec![
                txt(t::UNIQUE_IDENTIFIER, &plain),
                long(t::USAGE_LIMITS_COUNT, 1),
            ],
        )
    };
    assert_eq!(gua(V14).expect_err("1.4"), rr::ILLEGAL_OPERATION);
    assert_eq!(gua(V21).expect_err("2.1"), rr::ATTRIBUTE_NOT_FOUND);
}

/// Archive Date: "The server SHALL delete this attribute whenever a Recover
/// operation is performed" (KMIP 1.4 §3.32, 2.1 §4.5).
#[test]
fn recover_deletes_the_archive_date() {
    let s = Server::in_memory();
    let id = create_active(&s, vec![]);
    call(&s, V21, op::ARCHIVE, vec![txt(t::UNIQUE_IDENTIFIER, &id)]).expect("Archive");
    assert_eq!(
        call(&s, V21, op::GET, vec![txt(t::UNIQUE_IDENTIFIER, &id)]).expect_err("archived"),
        rr::OBJECT_ARCHIVED
    );
    call(&s, V21, op::RECOVER, vec![txt(t::UNIQUE_IDENTIFIER, &id)]).expect("Recover");
    assert!(attribute(&s, &id, t::ARCHIVE_DATE).is_none());
}

/// Set Attribute's error table names Read Only Attribute (2.0 Table 298,
/// 2.1 Table 324), not Attribute Read Only.
#[test]
fn set_attribute_of_a_read_only_attribute_is_read_only_attribute() {
    let s = Server::in_memory();
    let id = create_active(&s, vec![]);
    for v in [V20, V21] {
        let e = call(
            &s,
            v,
            op::SET_ATTRIBUTE,
            vec![
                txt(t::UNIQUE_IDENTIFIER, &id),
                st(
                    t::NEW_ATTRIBUTE,
                    vec![Item::new(t::INITIAL_DATE, Value::DateTime(1_577_836_800))],
                ),
            ],
        )
        .expect_err("read-only");
        assert_eq!(e, rr::READ_ONLY_ATTRIBUTE, "{v}");
    }
}

/// Add Attribute's error table names Read Only Attribute too (2.0 Table
/// 154, 2.1 Table 169); Modify Attribute's keeps Attribute Read Only (2.1
/// Table 267, as OASIS BL-M-7-21 expects).
#[test]
fn add_attribute_of_a_read_only_attribute_is_read_only_attribute() {
    let s = Server::in_memory();
    let id = create_active(&s, vec![]);
    for v in [V20, V21] {
        let e = call(
            &s,
            v,
            op::ADD_ATTRIBUTE,
            vec![
                txt(t::UNIQUE_IDENTIFIER, &id),
                st(
                    t::NEW_ATTRIBUTE,
                    vec![Item::new(t::INITIAL_DATE, Value::DateTime(1_577_836_800))],
                ),
            ],
        )
        .expect_err("read-only");
        assert_eq!(e, rr::READ_ONLY_ATTRIBUTE, "{v}");
    }
}
