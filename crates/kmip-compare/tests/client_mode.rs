//! Client mode (request side): `Session::check_request` and
//! `Session::bind_response`.

use kmip_compare::{CompareOptions, Session};
use kmip_ttlv::xml::parse_item;
use kmip_ttlv::{Item, ItemType, Placeholder, Value};

const NOW: i64 = 1_750_000_000;

fn create(name: &str, alg: &str, ccv: Option<&str>) -> Item {
    let ccv = ccv
        .map(|c| format!(r#"<ClientCorrelationValue type="TextString" value="{c}"/>"#))
        .unwrap_or_default();
    parse_item(&format!(
        r#"<RequestMessage>
  <RequestHeader>
    <ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="2"/></ProtocolVersion>
    {ccv}
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Create"/>
    <RequestPayload>
      <ObjectType type="Enumeration" value="SymmetricKey"/>
      <TemplateAttribute>
        <Attribute><AttributeName type="TextString" value="Cryptographic Algorithm"/><AttributeValue type="Enumeration" value="{alg}"/></Attribute>
        <Attribute><AttributeName type="TextString" value="Cryptographic Length"/><AttributeValue type="Integer" value="256"/></Attribute>
        <Attribute><AttributeName type="TextString" value="Name"/><AttributeValue><NameValue type="TextString" value="{name}"/><NameType type="Enumeration" value="UninterpretedTextString"/></AttributeValue></Attribute>
      </TemplateAttribute>
    </RequestPayload>
  </BatchItem>
</RequestMessage>"#
    ))
    .expect("create request parses")
}

fn create_reordered(name: &str) -> Item {
    parse_item(&format!(
        r#"<RequestMessage>
  <RequestHeader>
    <ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="2"/></ProtocolVersion>
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Create"/>
    <RequestPayload>
      <ObjectType type="Enumeration" value="SymmetricKey"/>
      <TemplateAttribute>
        <Attribute><AttributeName type="TextString" value="Name"/><AttributeValue><NameValue type="TextString" value="{name}"/><NameType type="Enumeration" value="UninterpretedTextString"/></AttributeValue></Attribute>
        <Attribute><AttributeName type="TextString" value="Cryptographic Length"/><AttributeValue type="Integer" value="256"/></Attribute>
        <Attribute><AttributeName type="TextString" value="Cryptographic Algorithm"/><AttributeValue type="Enumeration" value="AES"/></Attribute>
      </TemplateAttribute>
    </RequestPayload>
  </BatchItem>
</RequestMessage>"#
    ))
    .expect("parses")
}

fn locate(name: &str) -> Item {
    parse_item(&format!(
        r#"<RequestMessage>
  <RequestHeader>
    <ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="2"/></ProtocolVersion>
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Locate"/>
    <RequestPayload>
      <Attribute><AttributeName type="TextString" value="Name"/><AttributeValue><NameValue type="TextString" value="{name}"/><NameType type="Enumeration" value="UninterpretedTextString"/></AttributeValue></Attribute>
    </RequestPayload>
  </BatchItem>
</RequestMessage>"#
    ))
    .expect("parses")
}

fn get(uid: &str, batch_id: Option<&str>) -> Item {
    let id = batch_id
        .map(|b| format!(r#"<UniqueBatchItemID type="ByteString" value="{b}"/>"#))
        .unwrap_or_default();
    parse_item(&format!(
        r#"<RequestMessage>
  <RequestHeader>
    <ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="2"/></ProtocolVersion>
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Get"/>
    {id}
    <RequestPayload><UniqueIdentifier type="TextString" value="{uid}"/></RequestPayload>
  </BatchItem>
</RequestMessage>"#
    ))
    .expect("parses")
}

fn response(op: &str, payload: &str) -> Item {
    parse_item(&format!(
        r#"<ResponseMessage>
  <ResponseHeader>
    <ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="2"/></ProtocolVersion>
    <TimeStamp type="DateTime" value="2012-04-27T08:12:21+00:00"/>
    <BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
    <Operation type="Enumeration" value="{op}"/>
    <ResultStatus type="Enumeration" value="Success"/>
    <ResponsePayload>{payload}</ResponsePayload>
  </BatchItem>
</ResponseMessage>"#
    ))
    .expect("parses")
}

fn mint(p: &Placeholder) -> Value {
    assert_eq!(p.item_type, ItemType::TextString);
    Value::TextString(format!("minted-{}", p.name))
}

#[test]
fn identical_request_matches() {
    let mut s = Session::new(CompareOptions::default());
    let r = create("KH key", "AES", None);
    let c = s.check_request(&r, &r, NOW);
    assert!(c.is_match(), "{:?}", c.differences);
    assert!(c.diff.is_empty());
}

#[test]
fn other_algorithm_is_a_difference_with_diff() {
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(
        &create("KH key", "AES", None),
        &create("KH key", "DES3", None),
        NOW,
    );
    assert!(!c.is_match());
    assert_eq!(c.differences.len(), 1, "{:?}", c.differences);
    assert!(
        c.differences[0].path.contains("AttributeValue"),
        "{:?}",
        c.differences
    );
    assert!(
        c.diff
            .lines()
            .any(|l| l.starts_with('-') && l.contains("AES")),
        "{}",
        c.diff
    );
    assert!(
        c.diff
            .lines()
            .any(|l| l.starts_with('+') && l.contains("DES3")),
        "{}",
        c.diff
    );
}

#[test]
fn client_name_binds_and_must_be_reused() {
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(
        &create("KH key", "AES", None),
        &create("my-app-key", "AES", None),
        NOW,
    );
    assert!(c.is_match(), "{:?}", c.differences);
    assert!(
        c.masked.iter().any(|m| m.rule == "req-client-name"),
        "{:?}",
        c.masked
    );
    // Same name later: fine.
    let mut ok = s.clone();
    let c = ok.check_request(&locate("KH key"), &locate("my-app-key"), NOW);
    assert!(c.is_match(), "{:?}", c.differences);
    // Another name: the binding is violated.
    let c = s.check_request(&locate("KH key"), &locate("other"), NOW);
    assert!(!c.is_match());
    assert!(
        c.differences[0].note.contains("req-client-name"),
        "{:?}",
        c.differences
    );
}

#[test]
fn template_attribute_order_is_free_on_the_request_side() {
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(
        &create("KH key", "AES", None),
        &create_reordered("KH key"),
        NOW,
    );
    assert!(c.is_match(), "{:?}", c.differences);
}

#[test]
fn client_correlation_value_may_be_added() {
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(
        &create("KH key", "AES", None),
        &create("KH key", "AES", Some("anything step=1")),
        NOW,
    );
    assert!(c.is_match(), "{:?}", c.differences);
    assert!(c
        .masked
        .iter()
        .any(|m| m.rule == "req-header-client-correlation"));
}

#[test]
fn issued_identifier_must_be_used() {
    let mut s = Session::new(CompareOptions::default());
    let req = create("KH key", "AES", None);
    assert!(s.check_request(&req, &req, NOW).is_match());
    let template = response(
        "Create",
        r#"<ObjectType type="Enumeration" value="SymmetricKey"/><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>"#,
    );
    let sent = s
        .bind_response(&template, &req, NOW, &mut mint)
        .expect("binds");
    let uid = sent
        .path(&["BatchItem", "ResponsePayload", "UniqueIdentifier"])
        .expect("uid");
    assert_eq!(
        uid.value,
        Value::TextString("minted-UNIQUE_IDENTIFIER_0".into())
    );
    // The literal 2012 time stamp is replaced by now.
    let ts = sent.path(&["ResponseHeader", "TimeStamp"]).expect("ts");
    assert_eq!(ts.value, Value::DateTime(NOW));

    let expected = get("$UNIQUE_IDENTIFIER_0", None);
    let mut good = s.clone();
    let c = good.check_request(&expected, &get("minted-UNIQUE_IDENTIFIER_0", None), NOW);
    assert!(c.is_match(), "{:?}", c.differences);
    let c = s.check_request(&expected, &get("some-other-id", None), NOW);
    assert!(!c.is_match());
    assert!(
        c.differences[0].note.contains("UNIQUE_IDENTIFIER_0"),
        "{:?}",
        c.differences
    );
}

#[test]
fn response_echoes_batch_id_and_client_name() {
    let mut s = Session::new(CompareOptions::default());
    // The client chose its own name.
    assert!(s
        .check_request(
            &create("KH key", "AES", None),
            &create("mine", "AES", None),
            NOW
        )
        .is_match());
    let req = get("x", Some("0102"));
    let c = s.check_request(&get("x", None), &req, NOW);
    assert!(c.is_match(), "{:?}", c.differences);
    let template = response(
        "Get",
        r#"<UniqueIdentifier type="TextString" value="x"/><Name><NameValue type="TextString" value="KH key"/></Name>"#,
    );
    let sent = s
        .bind_response(&template, &req, NOW, &mut mint)
        .expect("binds");
    let item = sent.path(&["BatchItem"]).expect("batch item");
    let id = item.child_named("UniqueBatchItemID").expect("echoed");
    assert_eq!(id.value, Value::ByteString(vec![1, 2]));
    let name = sent
        .path(&["BatchItem", "ResponsePayload", "Name", "NameValue"])
        .expect("name");
    assert_eq!(name.value, Value::TextString("mine".into()));
}

#[test]
fn unknown_placeholder_in_response_is_an_error() {
    let mut s = Session::new(CompareOptions::default());
    let req = get("x", None);
    let template = response(
        "Get",
        r#"<UniqueIdentifier type="TextString" value="$NO_SUCH_THING"/>"#,
    );
    assert!(s.bind_response(&template, &req, NOW, &mut mint).is_err());
}

/// Issue 11 item 9 (row `req-client-name`): the client's name is bound, but
/// it must be a non-empty value valid for the Name Type.
#[test]
fn req_client_name_must_be_a_non_empty_name_of_its_type() {
    // Wrong: an empty name binds nothing.
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(
        &create("KH key", "AES", None),
        &create("", "AES", None),
        NOW,
    );
    assert!(!c.is_match());
    assert!(
        c.differences[0].note.contains("req-client-name")
            && c.differences[0].note.contains("empty"),
        "{:?}",
        c.differences
    );
    assert_eq!(c.differences[0].actual, "(empty TextString)");
    // Wrong: a Name Type URI with a value that is no URI.
    let uri = |v: &str| {
        let text = kmip_ttlv::xml::to_xml(&create(v, "AES", None))
            .replace("UninterpretedTextString", "URI");
        parse_item(&text).expect("parses")
    };
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(&uri("urn:kh:key"), &uri("not a uri"), NOW);
    assert!(!c.is_match());
    assert!(
        c.differences[0].note.contains("not a URI"),
        "{:?}",
        c.differences
    );
    // Legitimate variation: another non-empty name (prefixed), or another URI.
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(
        &create("KH key", "AES", None),
        &create("vendor/KH key 2", "AES", None),
        NOW,
    );
    assert!(c.is_match(), "{:?}", c.differences);
    let mut s = Session::new(CompareOptions::default());
    let c = s.check_request(&uri("urn:kh:key"), &uri("https://example.com/k"), NOW);
    assert!(c.is_match(), "{:?}", c.differences);
}
