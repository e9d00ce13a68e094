//! Request messages and response accessors by dictionary name, shared by
//! the reference server's message-level tests (`mod named;`). Each test
//! file uses a subset.
#![allow(dead_code)]

use kmip_ttlv::{Item, Tag, Value};

pub fn tag(name: &str) -> Tag {
    Tag::by_name(name).unwrap_or_else(|| panic!("dictionary lacks {name}"))
}

pub fn enum_value(t: Tag, name: &str) -> Option<u32> {
    kmip_ttlv::dict::enum_for_tag(t.0)?.value_of(name)
}

pub fn e(name: &str, tag_name: &str, value_name: &str) -> Item {
    let t = tag(tag_name);
    let v =
        enum_value(t, value_name).unwrap_or_else(|| panic!("{tag_name} has no value {value_name}"));
    Item::new(tag(name), Value::Enumeration(v))
}

pub fn en(tag_name: &str, value_name: &str) -> Item {
    e(tag_name, tag_name, value_name)
}

pub fn st(name: &str, children: Vec<Item>) -> Item {
    Item::structure(tag(name), children)
}

pub fn bytes(name: &str, b: &[u8]) -> Item {
    Item::new(tag(name), Value::ByteString(b.to_vec()))
}

pub fn int(name: &str, v: i32) -> Item {
    Item::new(tag(name), Value::Integer(v))
}

pub fn text(name: &str, v: &str) -> Item {
    Item::new(tag(name), Value::TextString(v.to_string()))
}

/// A KMIP 2.1 request message with these (operation, payload) batch items.
pub fn message(items: Vec<(&str, Item)>) -> Item {
    message_v(2, 1, items)
}

/// A request message of protocol version `major.minor`.
pub fn message_v(major: i32, minor: i32, items: Vec<(&str, Item)>) -> Item {
    let header = st(
        "RequestHeader",
        vec![
            st(
                "ProtocolVersion",
                vec![
                    int("ProtocolVersionMajor", major),
                    int("ProtocolVersionMinor", minor),
                ],
            ),
            int("BatchCount", items.len() as i32),
        ],
    );
    let mut children = vec![header];
    for (op, payload) in items {
        children.push(st(
            "BatchItem",
            vec![en("Operation", op), retag(payload, "RequestPayload")],
        ));
    }
    st("RequestMessage", children)
}

pub fn retag(item: Item, name: &str) -> Item {
    Item::new(tag(name), item.value)
}

pub fn payload(children: Vec<Item>) -> Item {
    st("RequestPayload", children)
}

/// The batch items of a response.
pub fn batch(resp: &Item) -> Vec<&Item> {
    resp.children()
        .iter()
        .filter(|c| c.tag == tag("BatchItem"))
        .collect()
}

pub fn status(item: &Item) -> String {
    let s = item.child(tag("ResultStatus")).expect("ResultStatus");
    let reason = item
        .child(tag("ResultReason"))
        .map(|r| format!("{:?}", r.value))
        .unwrap_or_default();
    let msg = item
        .child(tag("ResultMessage"))
        .and_then(|m| m.value.as_text().map(str::to_string))
        .unwrap_or_default();
    format!("{:?} {reason} {msg}", s.value)
}

pub fn assert_success(item: &Item) {
    let success = enum_value(tag("ResultStatus"), "Success").expect("Success");
    assert_eq!(
        item.child(tag("ResultStatus")).map(|s| s.value.clone()),
        Some(Value::Enumeration(success)),
        "batch item failed: {}",
        status(item)
    );
}

pub fn out_uid(item: &Item) -> String {
    item.child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag("UniqueIdentifier")))
        .and_then(|u| u.value.as_text())
        .expect("UniqueIdentifier")
        .to_string()
}

pub fn out_enum(item: &Item, name: &str) -> u32 {
    match item
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag(name)))
        .map(|i| &i.value)
    {
        Some(Value::Enumeration(v)) => *v,
        other => panic!("{name} is {other:?}"),
    }
}

pub fn reason(item: &Item) -> Option<u32> {
    match item.child(tag("ResultReason")).map(|r| &r.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    }
}

pub fn code(tag_name: &str, value: &str) -> u32 {
    enum_value(tag(tag_name), value).unwrap_or_else(|| panic!("{tag_name} {value}"))
}

pub fn boolean(name: &str, v: bool) -> Item {
    Item::new(tag(name), Value::Boolean(v))
}

pub fn out_bytes(item: &Item, name: &str) -> Vec<u8> {
    match &item
        .child(tag("ResponsePayload"))
        .and_then(|p| p.child(tag(name)))
        .unwrap_or_else(|| panic!("no {name} in {item:?}"))
        .value
    {
        Value::ByteString(b) => b.clone(),
        other => panic!("{name} is {other:?}"),
    }
}
