//! The tricky corners of the KMIP XML and JSON notations, as the OASIS test
//! cases write them: context-dependent enumerations and masks, tag-name
//! enumerations, odd whitespace, time zones, hex forms, placeholders, errors
//! with positions, and bounded nesting.

use kmip_ttlv::json::{self, JsonErrorKind};
use kmip_ttlv::names::ValueError;
use kmip_ttlv::xml::{self, XmlErrorKind};
use kmip_ttlv::{Item, ItemType, Placeholder, Tag, Value};

/// A predicate on an XML error kind.
type XmlCheck = fn(&XmlErrorKind) -> bool;
/// A predicate on a JSON error kind.
type JsonCheck = fn(&JsonErrorKind) -> bool;

fn tag(name: &str) -> Tag {
    Tag::by_name(name).unwrap_or_else(|| panic!("dictionary has no tag {name}"))
}

fn leaf(item: &Item, name: &str) -> Value {
    item.child_named(name)
        .unwrap_or_else(|| panic!("no {name} in {item:?}"))
        .value
        .clone()
}

const V10_ATTRIBUTES: &str = r#"<TemplateAttribute>
  <Attribute>
    <AttributeName type="TextString" value="Cryptographic   Algorithm" />
    <AttributeValue type="Enumeration" value="AES" />
    </Attribute>
  <Attribute>
    <AttributeValue type="Integer" value="Decrypt   Encrypt" />
    <AttributeName type="TextString" value="Cryptographic   Usage Mask" />
    </Attribute>
  <Attribute>
    <AttributeName type="TextString" value="State" />
    <AttributeValue type="Enumeration" value="PreActive" />
    </Attribute>
  <Attribute>
    <AttributeName type="TextString" value="Cryptographic Length" />
    <AttributeValue type="Integer" value="128" />
    </Attribute>
  </TemplateAttribute>"#;

#[test]
fn v10_attribute_value_takes_its_type_from_attribute_name() {
    let t = xml::parse_item(V10_ATTRIBUTES).expect("parse");
    let attrs: Vec<&Item> = t.children().iter().collect();
    assert_eq!(leaf(attrs[0], "AttributeValue"), Value::Enumeration(3)); // AES
                                                                         // AttributeValue before its AttributeName, mask with runs of spaces.
    assert_eq!(leaf(attrs[1], "AttributeValue"), Value::Integer(0x4 | 0x8));
    assert_eq!(leaf(attrs[2], "AttributeValue"), Value::Enumeration(1)); // PreActive
    assert_eq!(leaf(attrs[3], "AttributeValue"), Value::Integer(128));
    let out = xml::to_xml(&t);
    assert!(
        out.contains(r#"<AttributeValue type="Enumeration" value="AES"/>"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<AttributeValue type="Integer" value="Encrypt Decrypt"/>"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<AttributeValue type="Enumeration" value="PreActive"/>"#),
        "{out}"
    );
    assert_eq!(xml::parse_item(&out).expect("re-parse"), t);
    assert_eq!(json::from_json(&json::to_json(&t)).expect("json"), t);
}

#[test]
fn attribute_value_with_unknown_attribute_name_needs_hex() {
    let text = r#"<Attribute>
  <AttributeName type="TextString" value="x-custom" />
  <AttributeValue type="Enumeration" value="Foo" />
</Attribute>"#;
    let e = xml::parse_item(text).expect_err("no enumeration for a custom attribute");
    assert_eq!(e.line, 3);
    assert!(
        matches!(
            e.kind,
            XmlErrorKind::Value(ValueError::NoEnumeration { .. })
        ),
        "{e}"
    );
    let ok = text.replace("\"Foo\"", "\"0x00000007\"");
    let t = xml::parse_item(&ok).expect("hex enum");
    assert_eq!(leaf(&t, "AttributeValue"), Value::Enumeration(7));
    assert!(xml::to_xml(&t).contains("value=\"0x00000007\""));
}

#[test]
fn attribute_reference_is_a_tag_name() {
    let text = r#"<RequestPayload>
  <AttributeReference type="Enumeration" value="State"/>
  <AttributeReference type="Enumeration" value="X_509CertificateIdentifier"/>
  <AttributeReference>
    <VendorIdentification type="TextString" value="x"/>
    <AttributeName type="TextString" value="y"/>
  </AttributeReference>
</RequestPayload>"#;
    let t = xml::parse_item(text).expect("parse");
    assert_eq!(t.children()[0].value, Value::Enumeration(0x42008D));
    let x509 = tag("X_509CertificateIdentifier");
    assert_eq!(t.children()[1].value, Value::Enumeration(x509.0));
    assert_eq!(t.children()[2].item_type(), ItemType::Structure);
    let out = xml::to_xml(&t);
    assert!(
        out.contains(r#"<AttributeReference type="Enumeration" value="State"/>"#),
        "{out}"
    );
    assert_eq!(xml::parse_item(&out).expect("re-parse"), t);
    let e = xml::parse_item(r#"<AttributeReference type="Enumeration" value="NoSuchTag"/>"#)
        .expect_err("unknown tag name");
    assert!(e.to_string().contains("NoSuchTag"), "{e}");
}

#[test]
fn masks_accept_spaces_bars_and_hex() {
    let m = tag("CryptographicUsageMask");
    for text in [
        "Encrypt Decrypt",
        "Decrypt\t  Encrypt",
        "Encrypt|Decrypt",
        "Encrypt | 0x00000008",
        "0x0000000C",
        "12",
    ] {
        let x = format!(r#"<CryptographicUsageMask type="Integer" value="{text}"/>"#);
        assert_eq!(
            xml::parse_item(&x).expect(text),
            Item::new(m, Value::Integer(12)),
            "{text}"
        );
    }
    let item = Item::new(m, Value::Integer(12 | 0x4000_0000));
    let out = xml::to_xml(&item);
    assert_eq!(
        out,
        "<CryptographicUsageMask type=\"Integer\" value=\"Encrypt Decrypt 0x40000000\"/>\n"
    );
    assert_eq!(xml::parse_item(&out).expect("re-parse"), item);
    let e = xml::parse_item(r#"<CryptographicUsageMask type="Integer" value="Encrypt Bogus"/>"#)
        .expect_err("unknown flag");
    assert!(e.to_string().contains("Bogus"), "{e}");
    let psm = xml::parse_item(r#"<ProtectionStorageMask type="Integer" value="Software"/>"#)
        .expect("ProtectionStorageMask");
    assert!(xml::to_xml(&psm).contains("value=\"Software\""));
}

#[test]
fn date_times_are_time_zone_aware_and_rendered_in_utc() {
    let x = r#"<ActivationDate type="DateTime" value="2000-02-02T00:00:00+10:00"/>"#;
    let item = xml::parse_item(x).expect("parse");
    assert_eq!(item.value, Value::DateTime(949_413_600));
    assert_eq!(
        xml::to_xml(&item),
        "<ActivationDate type=\"DateTime\" value=\"2000-02-01T14:00:00+00:00\"/>\n"
    );
    for same in [
        "2000-02-01T14:00:00Z",
        "2000-02-01T14:00:00+00:00",
        "2000-02-01T09:00:00-05:00",
    ] {
        let x = format!(r#"<ActivationDate type="DateTime" value="{same}"/>"#);
        assert_eq!(xml::parse_item(&x).expect(same), item, "{same}");
    }
    let e = xml::parse_item(r#"<ActivationDate type="DateTime" value="yesterday"/>"#)
        .expect_err("bad date");
    assert!(
        matches!(e.kind, XmlErrorKind::Value(ValueError::Invalid { .. })),
        "{e}"
    );
}

#[test]
fn hex_enumerations_and_unnamed_codes() {
    let x = r#"<OpaqueDataType type="Enumeration" value="0x80000001"/>"#;
    let item = xml::parse_item(x).expect("parse");
    assert_eq!(item.value, Value::Enumeration(0x8000_0001));
    assert_eq!(xml::to_xml(&item), format!("{x}\n").replace("\"/>", "\"/>"));
    // A named code written in hex reads as the same code and renders by name.
    let st = xml::parse_item(r#"<State type="Enumeration" value="0x00000002"/>"#).expect("hex");
    assert_eq!(
        xml::to_xml(&st),
        "<State type=\"Enumeration\" value=\"Active\"/>\n"
    );
    let e = xml::parse_item(r#"<State type="Enumeration" value="Sleeping"/>"#).expect_err("name");
    let msg = e.to_string();
    assert!(msg.contains("State") && msg.contains("Sleeping"), "{msg}");
}

#[test]
fn v30_unique_identifier_enumeration() {
    let x = r#"<UniqueIdentifier type="Enumeration" value="IDPlaceholder"/>"#;
    let item = xml::parse_item(x).expect("parse");
    assert_eq!(item.value, Value::Enumeration(1));
    assert_eq!(xml::to_xml(&item), format!("{x}\n"));
    let id = xml::parse_item(r#"<UniqueIdentifier type="Identifier" value="AAABBBCCC"/>"#)
        .expect("Identifier");
    assert_eq!(id.value, Value::Identifier("AAABBBCCC".into()));
}

#[test]
fn placeholders_keep_their_declared_type() {
    let x = r#"<RequestPayload>
  <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>
  <ActivationDate type="DateTime" value="$NOW-3600"/>
  <ProcessStartDate type="DateTime" value="$NOW+3600"/>
  <Data type="ByteString" value="$DATA_25"/>
</RequestPayload>"#;
    let item = xml::parse_item(x).expect("parse");
    assert_eq!(
        item.children()[0].value,
        Value::Placeholder(Placeholder {
            item_type: ItemType::TextString,
            name: "UNIQUE_IDENTIFIER_0".into()
        })
    );
    assert_eq!(
        item.children()[1].value,
        Value::Placeholder(Placeholder {
            item_type: ItemType::DateTime,
            name: "NOW-3600".into()
        })
    );
    assert!(item.has_placeholders());
    let out = xml::to_xml(&item);
    assert!(out.contains(r#"value="$NOW+3600""#), "{out}");
    assert_eq!(xml::parse_item(&out).expect("xml"), item);
    let j = json::to_json(&item);
    assert_eq!(j["value"][3]["value"], "$DATA_25");
    assert_eq!(json::from_json(&j).expect("json"), item);
    for bad in ["$now", "$NOW-", "$A B", "$"] {
        let x = format!(r#"<ActivationDate type="DateTime" value="{bad}"/>"#);
        let e = xml::parse_item(&x).expect_err(bad);
        assert!(
            matches!(
                e.kind,
                XmlErrorKind::Value(ValueError::BadPlaceholder { .. })
            ),
            "{bad}: {e}"
        );
    }
}

#[test]
fn unknown_tag_is_an_error_with_its_line() {
    let x = "<KMIP>\n<RequestMessage>\n    <FooBar type=\"Integer\" value=\"1\"/>\n</RequestMessage>\n</KMIP>\n";
    let e = xml::parse_document(x).expect_err("unknown tag");
    assert_eq!(e.kind, XmlErrorKind::UnknownTag("FooBar".into()));
    assert_eq!((e.line, e.column), (3, 5));
    assert_eq!(e.to_string(), "line 3, column 5: unknown tag FooBar");
}

#[test]
fn crlf_tabs_comments_and_declaration_are_tolerated() {
    let x = "\u{FEFF}<?xml version=\"1.0\"?>\r\n<!-- copyright -->\r\n<KMIP>\r\n\t<RequestMessage>\r\n\t\t<!-- a note -->\r\n\t\t<BatchCount type=\"Integer\" value=\"1\" />\r\n\t</RequestMessage>\r\n\t<ResponseMessage>\r\n\t</ResponseMessage>\r\n</KMIP>\r\n";
    let doc = xml::parse_document(x).expect("parse");
    assert_eq!(doc.root, "KMIP");
    assert_eq!(doc.items.len(), 2);
    assert_eq!(doc.items[0].line, 4);
    assert_eq!(doc.items[1].line, 8);
    assert_eq!(leaf(&doc.items[0].item, "BatchCount"), Value::Integer(1));
    assert!(doc.items[1].item.children().is_empty());
}

#[test]
fn document_roots() {
    let tc = xml::parse_document("<KmipTestCase><RequestMessage/></KmipTestCase>").expect("tc");
    assert_eq!(tc.root, "KmipTestCase");
    assert_eq!(tc.items.len(), 1);
    let single = xml::parse_document("\n<RequestMessage>\n</RequestMessage>").expect("single");
    assert_eq!(single.root, "RequestMessage");
    assert_eq!(single.items[0].line, 2);
    let empty = xml::parse_document("<KMIP/>").expect("empty");
    assert!(empty.items.is_empty());
    let two = xml::parse_item("<RequestMessage/><RequestMessage/>").expect_err("two roots");
    assert_eq!(two.kind, XmlErrorKind::TrailingElement);
    assert_eq!(
        xml::parse_item("  <!-- -->").expect_err("none").kind,
        XmlErrorKind::NoElement
    );
}

#[test]
fn extension_tags_use_the_ttlv_element() {
    let x = "<RequestMessage>\n  <TTLV tag=\"0x540001\" type=\"Integer\" value=\"7\"/>\n  <TTLV tag=\"0x540002\">\n    <TTLV tag=\"0x420094\" type=\"TextString\" value=\"a\"/>\n  </TTLV>\n</RequestMessage>\n";
    let item = xml::parse_item(x).expect("parse");
    assert_eq!(
        item.children()[0],
        Item::new(Tag(0x540001), Value::Integer(7))
    );
    let out = xml::to_xml(&item);
    // A hex tag with a dictionary name renders by name.
    assert_eq!(
        out,
        "<RequestMessage>\n  <TTLV tag=\"0x540001\" type=\"Integer\" value=\"7\"/>\n  <TTLV tag=\"0x540002\">\n    <UniqueIdentifier type=\"TextString\" value=\"a\"/>\n  </TTLV>\n</RequestMessage>\n"
    );
    assert_eq!(xml::parse_item(&out).expect("re-parse"), item);
    let j = json::to_json(&item);
    assert_eq!(j["value"][0]["tag"], "0x540001");
    assert_eq!(json::from_json(&j).expect("json"), item);
    for bad in [
        r#"<TTLV type="Integer" value="1"/>"#,
        r#"<TTLV tag="540001" type="Integer" value="1"/>"#,
        r#"<TTLV tag="0x1000000" type="Integer" value="1"/>"#,
    ] {
        let e = xml::parse_item(bad).expect_err(bad);
        assert!(matches!(e.kind, XmlErrorKind::BadTag(_)), "{bad}: {e}");
    }
}

#[test]
fn byte_strings_and_big_integers_are_lowercase_hex() {
    let x = r#"<KeyBlock>
  <KeyMaterial type="ByteString" value="0A0b0C"/>
  <Data type="ByteString" value=""/>
  <Modulus type="BigInteger" value="00000000000000FF"/>
</KeyBlock>"#;
    let item = xml::parse_item(x).expect("parse");
    assert_eq!(
        item.children()[0].value,
        Value::ByteString(vec![10, 11, 12])
    );
    assert_eq!(item.children()[1].value, Value::ByteString(vec![]));
    let out = xml::to_xml(&item);
    assert!(
        out.contains(r#"value="0a0b0c""#) && out.contains(r#"value="00000000000000ff""#),
        "{out}"
    );
    let e = xml::parse_item(r#"<Data type="ByteString" value="abc"/>"#).expect_err("odd");
    assert!(
        matches!(e.kind, XmlErrorKind::Value(ValueError::Invalid { .. })),
        "{e}"
    );
}

#[test]
fn structural_errors_are_reported() {
    let cases: &[(&str, XmlCheck)] = &[
        (r#"<RequestMessage value="x"/>"#, |k| {
            matches!(k, XmlErrorKind::Value(ValueError::StructureValue { .. }))
        }),
        (r#"<BatchCount type="Integer"/>"#, |k| {
            matches!(k, XmlErrorKind::MissingValue { .. })
        }),
        (r#"<BatchCount type="Int" value="1"/>"#, |k| {
            matches!(k, XmlErrorKind::UnknownType { .. })
        }),
        (r#"<BatchCount type="Integer" value="1" extra="2"/>"#, |k| {
            matches!(k, XmlErrorKind::UnexpectedAttribute { .. })
        }),
        ("<RequestMessage>hello</RequestMessage>", |k| {
            matches!(k, XmlErrorKind::UnexpectedText(_))
        }),
        (
            r#"<BatchCount type="Integer" value="1"><BatchCount type="Integer" value="1"/></BatchCount>"#,
            |k| matches!(k, XmlErrorKind::ChildInPrimitive { .. }),
        ),
        ("<RequestMessage><BatchItem></RequestMessage>", |k| {
            matches!(k, XmlErrorKind::Syntax(_))
        }),
        ("<RequestMessage><BatchItem>", |k| {
            matches!(k, XmlErrorKind::UnexpectedEof(_) | XmlErrorKind::Syntax(_))
        }),
        (r#"<BatchCount type="Integer" value="99999999999"/>"#, |k| {
            matches!(k, XmlErrorKind::Value(ValueError::Invalid { .. }))
        }),
    ];
    for (text, ok) in cases {
        let e = xml::parse_item(text).expect_err(text);
        assert!(ok(&e.kind), "{text}: {e}");
    }
}

#[test]
fn deep_xml_nesting_is_an_error_not_a_stack_overflow() {
    let n = 1000;
    let x = format!(
        "{}{}",
        "<RequestMessage>".repeat(n),
        "</RequestMessage>".repeat(n)
    );
    let e = xml::parse_item(&x).expect_err("too deep");
    assert_eq!(e.kind, XmlErrorKind::TooDeep(xml::MAX_DEPTH));
    // 64 levels are fine.
    let ok = format!(
        "{}{}",
        "<RequestMessage>".repeat(64),
        "</RequestMessage>".repeat(64)
    );
    assert_eq!(xml::parse_item(&ok).expect("64 deep").depth(), 64);
}

#[test]
fn deep_json_nesting_is_an_error_not_a_stack_overflow() {
    let n = 1000;
    let text = format!(
        "{}{}",
        r#"{"tag":"RequestMessage","value":["#.repeat(n),
        "]}".repeat(n)
    );
    let e = json::from_json_str(&text).expect_err("too deep");
    assert!(matches!(e.kind, JsonErrorKind::Syntax(_)), "{e}");
    // serde_json's limit (128, each level is an object and an array) and
    // ours (64 items) coincide for text; 60 levels are fine.
    let text = format!(
        "{}{}",
        r#"{"tag":"RequestMessage","value":["#.repeat(60),
        "]}".repeat(60)
    );
    assert_eq!(json::from_json_str(&text).expect("60 deep").depth(), 60);
    // A deep tree built in memory, without serde_json's parser (200 levels:
    // serde_json's own recursive handling of a 1000-deep Value, in json! and
    // drop, overflows a test thread's stack before our code runs).
    let mut v = serde_json::json!({"tag": "BatchCount", "type": "Integer", "value": 1});
    for _ in 0..200 {
        v = serde_json::json!({"tag": "RequestMessage", "value": [v]});
    }
    let e = json::from_json(&v).expect_err("too deep");
    assert_eq!(e.kind, JsonErrorKind::TooDeep(json::MAX_DEPTH));
}

#[test]
fn json_value_forms() {
    let text = r#"{"tag":"RequestMessage","value":[
        {"tag":"BatchCount","type":"Integer","value":"0x00000002"},
        {"tag":"UsageLimitsTotal","type":"LongInteger","value":16},
        {"tag":"UsageLimitsTotal","type":"LongInteger","value":"0x7FFFFFFFFFFFFFFF"},
        {"tag":"ObjectType","type":"Enumeration","value":2},
        {"tag":"Modulus","type":"BigInteger","value":"0x0000000000010001"},
        {"tag":"Sensitive","type":"Boolean","value":true},
        {"tag":"LeaseTime","type":"Interval","value":3600},
        {"tag":"0x420094","type":"TextString","value":"uid"},
        {"tag":"ActivationDate","type":"DateTime","value":"2012-04-27T18:12:24+10:00"},
        {"tag":"Attribute","value":[]},
        {"tag":"Attribute"}
    ]}"#;
    let item = json::from_json_str(text).expect("parse");
    let c = item.children();
    assert_eq!(c[0].value, Value::Integer(2));
    assert_eq!(c[1].value, Value::LongInteger(16));
    assert_eq!(c[2].value, Value::LongInteger(i64::MAX));
    assert_eq!(c[3].value, Value::Enumeration(2));
    assert_eq!(c[4].value, Value::BigInteger(vec![0, 0, 0, 0, 0, 1, 0, 1]));
    assert_eq!(c[5].value, Value::Boolean(true));
    assert_eq!(c[6].value, Value::Interval(3600));
    assert_eq!(c[7].tag, tag("UniqueIdentifier"));
    assert_eq!(c[8].value, Value::DateTime(1_335_514_344));
    assert_eq!(c[9], c[10]);
    let out = json::to_json(&item);
    assert_eq!(out["value"][2]["value"], "0x7FFFFFFFFFFFFFFF");
    assert_eq!(out["value"][3]["value"], "SymmetricKey");
    assert_eq!(out["value"][8]["value"], "2012-04-27T08:12:24+00:00");
    assert!(out["value"][9].get("type").is_none());
    assert_eq!(json::from_json(&out).expect("again"), item);

    let bad: &[(&str, JsonCheck)] = &[
        (r#"[1]"#, |k| matches!(k, JsonErrorKind::NotAnObject(_))),
        (r#"{"type":"Integer","value":1}"#, |k| {
            matches!(k, JsonErrorKind::MissingTag)
        }),
        (r#"{"tag":"FooBar","type":"Integer","value":1}"#, |k| {
            matches!(k, JsonErrorKind::UnknownTag(_))
        }),
        (
            r#"{"tag":"BatchCount","type":"Integer","value":1,"x":0}"#,
            |k| matches!(k, JsonErrorKind::UnexpectedKey(_)),
        ),
        (
            r#"{"tag":"BatchCount","type":"Integer","value":4294967296}"#,
            |k| matches!(k, JsonErrorKind::OutOfRange { .. }),
        ),
        (
            r#"{"tag":"BatchCount","type":"Integer","value":1.5}"#,
            |k| matches!(k, JsonErrorKind::OutOfRange { .. }),
        ),
        (r#"{"tag":"BatchCount","type":"Integer"}"#, |k| {
            matches!(k, JsonErrorKind::MissingValue(_))
        }),
        (
            r#"{"tag":"BatchCount","type":"Integer","value":true}"#,
            |k| matches!(k, JsonErrorKind::WrongJsonType { .. }),
        ),
        (r#"{"tag":"RequestMessage","value":{}}"#, |k| {
            matches!(k, JsonErrorKind::StructureNotArray(_))
        }),
        (
            r#"{"tag":"ObjectType","type":"Enumeration","value":"Nope"}"#,
            |k| matches!(k, JsonErrorKind::Value(_)),
        ),
    ];
    for (text, ok) in bad {
        let e = json::from_json_str(text).expect_err(text);
        assert!(ok(&e.kind), "{text}: {e}");
    }
    let e = json::from_json_str(
        r#"{"tag":"RequestMessage","value":[{"tag":"BatchCount","type":"Integer","value":"x"}]}"#,
    )
    .expect_err("path");
    assert!(
        e.to_string().starts_with("at RequestMessage/BatchCount: "),
        "{e}"
    );
}

#[test]
fn text_with_markup_and_controls_survives_xml() {
    let item = Item::new(
        tag("Name"),
        Value::Structure(vec![Item::new(
            tag("NameValue"),
            Value::TextString("a<b>&\"c\"\n\td\r\u{1} Greek Α".into()),
        )]),
    );
    let out = xml::to_xml(&item);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert_eq!(xml::parse_item(&out).expect("re-parse"), item);
}
