//! Hostile shapes: over-deep trees give a difference or an error, never a
//! stack overflow or a silent pass.

mod common;

use common::*;
use kmip_compare::{BindError, CompareOptions, Session};
use kmip_ttlv::{Item, Tag, Value};

const V21: (u8, u8) = (2, 1);
const DEPTH: usize = 300;

fn deep(n: usize, leaf: Value) -> Item {
    let mut it = Item::new(Tag(0x54_0002), leaf);
    for _ in 0..n {
        it = Item::structure(Tag(0x54_0001), vec![it]);
    }
    it
}

fn with_payload(mut message: Item, extra: Item) -> Item {
    let payload = message
        .children_mut()
        .and_then(|c| c.iter_mut().find(|i| i.tag == Tag(0x42_000F)))
        .and_then(|b| b.children_mut())
        .and_then(|c| c.iter_mut().find(|i| i.tag == Tag(0x42_007C)))
        .expect("payload");
    payload.children_mut().expect("structure").push(extra);
    message
}

#[test]
fn over_deep_responses_are_differences_not_crashes() {
    let mut s = Session::new(CompareOptions::default());
    let sent = s
        .bind_request(&request(V21, &req_item("Get", &uid("k"))), NOW)
        .expect("binds");
    let base_e = response(V21, "$NOW", "", &ok_item("Get", &uid("k")));
    let base_a = response(
        V21,
        "2023-11-14T22:13:20+00:00",
        "",
        &ok_item("Get", &uid("k")),
    );
    // Same deep shape on both sides, differing at the bottom.
    let e = with_payload(base_e.clone(), deep(DEPTH, Value::Integer(1)));
    let a = with_payload(base_a.clone(), deep(DEPTH, Value::Integer(2)));
    let c = s.clone().check_response(&e, &a, &sent, NOW, NOW + 1);
    assert!(!c.is_match());
    assert!(
        c.differences
            .iter()
            .any(|d| d.note.contains("nesting deeper")),
        "{:?}",
        c.differences
    );
    // A deep field only the server sent.
    let a = with_payload(base_a, deep(DEPTH, Value::Integer(2)));
    let c = s.check_response(&base_e, &a, &sent, NOW, NOW + 1);
    assert_eq!(c.differences.len(), 1);
    assert_eq!(c.differences[0].note, "unexpected field");
    assert!(c.diff.contains('…'));
}

#[test]
fn over_deep_request_templates_are_bind_errors() {
    let mut s = Session::new(CompareOptions::default());
    let tpl = with_payload(
        response(V21, "$NOW", "", &ok_item("Get", "")),
        deep(DEPTH, Value::Integer(1)),
    );
    let err = s.bind_request(&tpl, NOW).expect_err("too deep");
    assert!(matches!(err, BindError::TooDeep { .. }), "{err:?}");
}
