//! Placeholder binding: by tree position, implicit request-first binding,
//! unknown names, distinct identifiers, `$NOW` in requests and responses.

mod common;

use common::*;
use kmip_compare::{BindError, CompareOptions, Session};
use kmip_ttlv::Value;

const V21: (u8, u8) = (2, 1);

#[test]
fn binds_by_tree_position_not_by_order_of_appearance() {
    // Create Key Pair answers private then public; the case numbers them
    // _1 / _0 (out of order): each binds what sits at its position.
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("CreateKeyPair", ""),
        &ok_item(
            "CreateKeyPair",
            "<PrivateKeyUniqueIdentifier type=\"TextString\" value=\"$UNIQUE_IDENTIFIER_1\"/><PublicKeyUniqueIdentifier type=\"TextString\" value=\"$UNIQUE_IDENTIFIER_0\"/>",
        ),
        &ok_item(
            "CreateKeyPair",
            "<PrivateKeyUniqueIdentifier type=\"TextString\" value=\"priv\"/><PublicKeyUniqueIdentifier type=\"TextString\" value=\"pub\"/>",
        ),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(
        x.session.binding("UNIQUE_IDENTIFIER_1"),
        Some(&Value::TextString("priv".into()))
    );
    assert_eq!(
        x.session.binding("UNIQUE_IDENTIFIER_0"),
        Some(&Value::TextString("pub".into()))
    );
    // A later request uses the bound values.
    let sent = x
        .session
        .bind_request(
            &request(V21, &req_item("Get", &uid("$UNIQUE_IDENTIFIER_1"))),
            NOW,
        )
        .expect("binds");
    let u = sent
        .path(&["BatchItem", "RequestPayload", "UniqueIdentifier"])
        .expect("uid");
    assert_eq!(u.value, Value::TextString("priv".into()));
    // A later response must carry the bound value.
    let c = x.step(
        &req_item("Get", &uid("$UNIQUE_IDENTIFIER_1")),
        &ok_item("Get", &uid("$UNIQUE_IDENTIFIER_1")),
        &ok_item("Get", &uid("pub")),
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/UniqueIdentifier"]
    );
    assert!(
        c.differences[0].note.contains("bound to"),
        "{:?}",
        c.differences
    );
}

#[test]
fn two_identifier_names_never_bind_the_same_value() {
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = x.step(
        &req_item(
            "Create",
            "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>",
        ),
        &ok_item(
            "Create",
            &format!(
                "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}",
                uid("$UNIQUE_IDENTIFIER_1")
            ),
        ),
        &ok_item(
            "Create",
            &format!(
                "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}",
                uid("k-1")
            ),
        ),
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/UniqueIdentifier"]
    );
    assert!(
        c.differences[0].note.contains("already bound"),
        "{:?}",
        c.differences
    );
    assert_eq!(x.session.binding("UNIQUE_IDENTIFIER_1"), None);
}

#[test]
fn request_first_placeholder_binds_from_the_latest_response_field() {
    // CS-AC-M-6: the MAC response carries a literal; MAC Verify sends $MAC_DATA.
    let mac = |v: &str| format!("<MACData type=\"ByteString\" value=\"{v}\"/>");
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = x.step(
        &req_item(
            "MAC",
            &format!(
                "{}<Data type=\"ByteString\" value=\"0102\"/>",
                uid("$UNIQUE_IDENTIFIER_0")
            ),
        ),
        &ok_item(
            "MAC",
            &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), mac("c911e781")),
        ),
        &ok_item("MAC", &format!("{}{}", uid("k-1"), mac("c911e781"))),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    let sent = x
        .session
        .bind_request(
            &request(
                V21,
                &req_item(
                    "MACVerify",
                    &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), mac("$MAC_DATA")),
                ),
            ),
            NOW,
        )
        .expect("binds");
    let m = sent
        .path(&["BatchItem", "RequestPayload", "MACData"])
        .expect("mac");
    assert_eq!(m.value, Value::ByteString(vec![0xc9, 0x11, 0xe7, 0x81]));
    assert_eq!(x.session.binding("MAC_DATA"), Some(&m.value));
}

#[test]
fn identifiers_are_never_bound_implicitly() {
    let mut s = Session::new(CompareOptions::default());
    let err = s
        .bind_request(
            &request(V21, &req_item("Get", &uid("$UNIQUE_IDENTIFIER_3"))),
            NOW,
        )
        .expect_err("unbound identifier");
    assert_eq!(
        err,
        BindError::Unbound {
            name: "UNIQUE_IDENTIFIER_3".into(),
            path: "BatchItem[0]/RequestPayload/UniqueIdentifier".into()
        }
    );
    // A captured placeholder with no earlier response field is unbound too.
    let err = s
        .bind_request(
            &request(
                V21,
                &req_item(
                    "MACVerify",
                    "<MACData type=\"ByteString\" value=\"$MAC_DATA\"/>",
                ),
            ),
            NOW,
        )
        .expect_err("nothing to bind from");
    assert!(matches!(err, BindError::Unbound { .. }), "{err:?}");
}

#[test]
fn unknown_placeholders_are_errors_in_requests_and_differences_in_responses() {
    let mut s = Session::new(CompareOptions::default());
    let err = s
        .bind_request(
            &request(V21, &req_item("Get", &uid("$SOMETHING_ELSE"))),
            NOW,
        )
        .expect_err("unknown");
    assert_eq!(
        err,
        BindError::Unknown {
            name: "SOMETHING_ELSE".into(),
            path: "BatchItem[0]/RequestPayload/UniqueIdentifier".into()
        }
    );
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Get", &uid("k")),
        &ok_item("Get", &uid("$SOMETHING_ELSE")),
        &ok_item("Get", &uid("k")),
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/UniqueIdentifier"]
    );
    assert!(
        c.differences[0].note.contains("unknown placeholder"),
        "{:?}",
        c.differences
    );
}

#[test]
fn now_in_requests_is_now_plus_offset() {
    let mut s = Session::new(CompareOptions::default());
    let sent = s
        .bind_request(
            &request(
                V21,
                &req_item(
                    "Register",
                    "<Attributes><ActivationDate type=\"DateTime\" value=\"$NOW-3600\"/><ProcessStartDate type=\"DateTime\" value=\"$NOW+3600\"/><DeactivationDate type=\"DateTime\" value=\"$NOW\"/></Attributes>",
                ),
            ),
            NOW,
        )
        .expect("binds");
    let a = sent
        .path(&["BatchItem", "RequestPayload", "Attributes"])
        .expect("attributes");
    let dates: Vec<&Value> = a.children().iter().map(|c| &c.value).collect();
    assert_eq!(
        dates,
        [
            &Value::DateTime(NOW - 3600),
            &Value::DateTime(NOW + 3600),
            &Value::DateTime(NOW)
        ]
    );
}

#[test]
fn now_in_responses_accepts_the_run_window_only() {
    let date = |v: &str| {
        format!("<Attributes><InitialDate type=\"DateTime\" value=\"{v}\"/></Attributes>")
    };
    let run = |actual: &str| {
        let mut x = Exchange::new(V21);
        x.register(
            "k-1",
            "<InitialDate type=\"DateTime\" value=\"2020-01-01T00:00:00+00:00\"/>",
        );
        x.step(
            &req_item("GetAttributes", &uid("$UNIQUE_IDENTIFIER_0")),
            &ok_item(
                "GetAttributes",
                &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), date("$NOW-3600")),
            ),
            &ok_item("GetAttributes", &format!("{}{}", uid("k-1"), date(actual))),
        )
    };
    // NOW - 3600 = 2023-11-14T21:13:20Z; tolerance 300 s.
    let c = run("2023-11-14T21:15:00+00:00");
    assert!(c.is_match(), "{:?}", c.differences);
    assert!(c.masked.is_empty());
    let c = run("2023-11-14T22:13:20+00:00");
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/InitialDate"]
    );
    assert!(
        c.differences[0].note.contains("outside the run window"),
        "{:?}",
        c.differences
    );
}

#[test]
fn captured_values_bind_once_and_are_compared_later() {
    let sig = |v: &str| format!("<SignatureData type=\"ByteString\" value=\"{v}\"/>");
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = x.step(
        &req_item("Sign", &uid("$UNIQUE_IDENTIFIER_0")),
        &ok_item(
            "Sign",
            &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), sig("$SIGNATURE_DATA")),
        ),
        &ok_item("Sign", &format!("{}{}", uid("k-1"), sig("abcd"))),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    let sent = x
        .session
        .bind_request(
            &request(V21, &req_item("SignatureVerify", &sig("$SIGNATURE_DATA"))),
            NOW,
        )
        .expect("binds");
    let s = sent
        .path(&["BatchItem", "RequestPayload", "SignatureData"])
        .expect("signature");
    assert_eq!(s.value, Value::ByteString(vec![0xab, 0xcd]));
    // Declared type must match: a TextString where a ByteString is declared fails.
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Sign", ""),
        &ok_item("Sign", &sig("$SIGNATURE_DATA")),
        &ok_item(
            "Sign",
            "<SignatureData type=\"TextString\" value=\"abcd\"/>",
        ),
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/SignatureData"]
    );
}

#[test]
fn identifier_types_convert_between_text_forms_when_sent() {
    // v3.0 declares identifiers as `Identifier`; a binding made from a
    // TextString position is sent with the declared type.
    let mut x = Exchange::new((3, 0));
    x.create("k-1");
    let sent = x
        .session
        .bind_request(
            &request(
                (3, 0),
                &req_item(
                    "Get",
                    "<UniqueIdentifier type=\"Identifier\" value=\"$UNIQUE_IDENTIFIER_0\"/>",
                ),
            ),
            NOW,
        )
        .expect("binds");
    let u = sent
        .path(&["BatchItem", "RequestPayload", "UniqueIdentifier"])
        .expect("uid");
    assert_eq!(u.value, Value::Identifier("k-1".into()));
}

#[test]
fn provenance_can_be_carried_over_to_a_chained_case() {
    let mut first = Exchange::new(V21);
    first.create("k-1");
    let mut second = Session::new(CompareOptions::default());
    assert!(second.object("k-1").is_none());
    second.inherit_objects(&first.session);
    assert_eq!(
        second.object("k-1").map(|o| o.provenance),
        Some(kmip_compare::Provenance::ServerGenerated)
    );
    assert!(second.binding("UNIQUE_IDENTIFIER_0").is_none());
}

#[test]
fn digest_value_masks_every_occurrence_without_binding() {
    // AKLC-O-1-30 writes `$DIGEST_VALUE` for the digests of two different
    // objects: each occurrence accepts any ByteString (rules.md §2.2).
    let digest = |v: &str| {
        format!(
            "<Digest><HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/>\
             <DigestValue type=\"ByteString\" value=\"{v}\"/></Digest>"
        )
    };
    let mut x = Exchange::new(V21);
    for actual in ["aa11", "bb22"] {
        let c = x.step(
            &req_item("GetAttributes", ""),
            &ok_item("GetAttributes", &digest("$DIGEST_VALUE")),
            &ok_item("GetAttributes", &digest(actual)),
        );
        assert!(c.is_match(), "{actual}: {:?}", c.differences);
    }
    // Still typed: a TextString where a ByteString is declared is a difference.
    let c = x.step(
        &req_item("GetAttributes", ""),
        &ok_item("GetAttributes", &digest("$DIGEST_VALUE")),
        &ok_item(
            "GetAttributes",
            "<Digest><HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/>\
             <DigestValue type=\"TextString\" value=\"x\"/></Digest>",
        ),
    );
    assert!(!c.is_match());
}
