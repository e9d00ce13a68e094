//! Permitted client variations in client mode (KMIP Profiles v2.1 §4.1.2),
//! judged by [`Scenario`] without sockets:
//! - a client that splits one batch into single-item requests, or merges
//!   consecutive requests into one batch, passes, and the reason shows the
//!   mapping of requests to steps;
//! - a client that leaves out the trailing clean-up (Destroy) passes;
//! - a client that adds the optional Authentication passes;
//! - a client that drops a mandatory field fails with a request diff (also
//!   when it splits the batch).

use std::path::Path;
use std::sync::Arc;

use kmip_compare::CompareOptions;
use kmip_runner::client::scenario::{Handled, Scenario};
use kmip_testcase::case::{load_str, TestCase};
use kmip_testcase::results::{CaseResult, Status};
use kmip_ttlv::{tags, Item, Value};

const HDR: &str = r#"<RequestHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><BatchCount type="Integer" value="N"/></RequestHeader>"#;

fn resp_hdr(n: usize) -> String {
    format!(
        r#"<ResponseHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><TimeStamp type="DateTime" value="$NOW"/><BatchCount type="Integer" value="{n}"/></ResponseHeader>"#
    )
}

fn ok(op: &str, payload: &str) -> String {
    format!(
        r#"<BatchItem><Operation type="Enumeration" value="{op}"/><ResultStatus type="Enumeration" value="Success"/><ResponsePayload>{payload}</ResponsePayload></BatchItem>"#
    )
}

const UID: &str = r#"<UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>"#;

/// Create AES-256 → one batch {Get Attributes, Activate} → Destroy.
fn case() -> Arc<TestCase> {
    let text = format!(
        r#"<KMIP>
<RequestMessage>{h1}<BatchItem><Operation type="Enumeration" value="Create"/><RequestPayload><ObjectType type="Enumeration" value="SymmetricKey"/><Attributes><CryptographicAlgorithm type="Enumeration" value="AES"/><CryptographicLength type="Integer" value="256"/></Attributes></RequestPayload></BatchItem></RequestMessage>
<ResponseMessage>{r1}{create}</ResponseMessage>
<RequestMessage>{h2}<BatchItem><Operation type="Enumeration" value="GetAttributes"/><RequestPayload>{UID}<AttributeReference type="Enumeration" value="State"/></RequestPayload></BatchItem><BatchItem><Operation type="Enumeration" value="Activate"/><RequestPayload>{UID}</RequestPayload></BatchItem></RequestMessage>
<ResponseMessage>{r2}{getattrs}{activate}</ResponseMessage>
<RequestMessage>{h1}<BatchItem><Operation type="Enumeration" value="Destroy"/><RequestPayload>{UID}</RequestPayload></BatchItem></RequestMessage>
<ResponseMessage>{r1}{destroy}</ResponseMessage>
</KMIP>"#,
        h1 = HDR.replace('N', "1"),
        h2 = HDR.replace('N', "2"),
        r1 = resp_hdr(1),
        r2 = resp_hdr(2),
        create = ok(
            "Create",
            &format!(r#"<ObjectType type="Enumeration" value="SymmetricKey"/>{UID}"#)
        ),
        getattrs = ok(
            "GetAttributes",
            &format!(
                r#"{UID}<Attributes><State type="Enumeration" value="PreActive"/></Attributes>"#
            )
        ),
        activate = ok("Activate", UID),
        destroy = ok("Destroy", UID),
    );
    Arc::new(load_str(&text, Path::new("KH-VAR-1-21.xml")).expect("case loads"))
}

/// The expected request of `step` with the issued identifier in place of
/// `$UNIQUE_IDENTIFIER_0`.
fn request(c: &TestCase, step: usize, uid: &str) -> Item {
    let mut r = c.steps[step].request.clone();
    r.substitute_placeholders(&mut |_| Some(Value::TextString(uid.to_string())));
    r
}

/// `message` with only the batch items in `keep` (Batch Count adjusted).
fn items(message: &Item, keep: &[usize]) -> Item {
    let mut out = message.clone();
    let all: Vec<Item> = message.children_with(tags::BATCH_ITEM).cloned().collect();
    let children = out.children_mut().expect("structure");
    children.retain(|c| c.tag != tags::BATCH_ITEM);
    children.extend(keep.iter().map(|&i| all[i].clone()));
    set_count(&mut out, keep.len());
    out
}

fn set_count(message: &mut Item, n: usize) {
    let h = message
        .child_mut(tags::REQUEST_HEADER)
        .expect("header")
        .child_mut(tags::BATCH_COUNT)
        .expect("batch count");
    h.value = Value::Integer(i32::try_from(n).expect("small"));
}

/// One request with the batch items of all of `messages`.
fn merged(messages: &[Item]) -> Item {
    let mut out = messages[0].clone();
    let all: Vec<Item> = messages
        .iter()
        .flat_map(|m| m.children_with(tags::BATCH_ITEM).cloned())
        .collect();
    let n = all.len();
    let children = out.children_mut().expect("structure");
    children.retain(|c| c.tag != tags::BATCH_ITEM);
    children.extend(all);
    set_count(&mut out, n);
    out
}

fn uid_of(response: &Item) -> String {
    response
        .path(&["BatchItem", "ResponsePayload", "UniqueIdentifier"])
        .and_then(|u| u.value.as_text())
        .expect("uid in the response")
        .to_string()
}

fn scenario(c: &Arc<TestCase>) -> Scenario {
    Scenario::new(
        vec![c.clone()],
        Some(c.id.clone()),
        CompareOptions::default(),
        "t",
    )
}

fn matched(h: &Handled) {
    assert!(matches!(h, Handled::Matched { .. }), "{h:?}");
}

fn only(r: Vec<CaseResult>) -> CaseResult {
    assert_eq!(r.len(), 1);
    r.into_iter().next().expect("one result")
}

/// Create, returning the issued identifier.
fn create(s: &mut Scenario, c: &TestCase) -> String {
    let (resp, h) = s.handle(&c.steps[0].request, 1_000);
    matched(&h);
    uid_of(&resp)
}

#[test]
fn split_batch_passes_and_shows_the_mapping() {
    let c = case();
    let mut s = scenario(&c);
    let uid = create(&mut s, &c);
    let both = request(&c, 1, &uid);
    let (resp, h) = s.handle(&items(&both, &[0]), 1_001);
    matched(&h);
    // The answer is the matching part of the recorded response.
    assert_eq!(resp.children_with(tags::BATCH_ITEM).count(), 1);
    assert!(resp
        .path(&["BatchItem", "ResponsePayload", "Attributes"])
        .is_some());
    let (resp, h) = s.handle(&items(&both, &[1]), 1_002);
    matched(&h);
    assert_eq!(uid_of(&resp), uid);
    let (_, h) = s.handle(&request(&c, 2, &uid), 1_003);
    assert!(matches!(h, Handled::Matched { last: true, .. }), "{h:?}");
    let r = only(s.finish());
    assert_eq!(r.status, Status::Pass, "{}", r.reason);
    assert_eq!(r.messages, 4);
    assert!(
        r.reason.contains("request 2 = step 2 items 1-1 of 2")
            && r.reason.contains("request 3 = step 2 items 2-2 of 2"),
        "{}",
        r.reason
    );
}

#[test]
fn merged_requests_pass_and_show_the_mapping() {
    let c = case();
    let mut s = scenario(&c);
    let uid = create(&mut s, &c);
    let req = merged(&[request(&c, 1, &uid), request(&c, 2, &uid)]);
    let (resp, h) = s.handle(&req, 1_001);
    assert!(matches!(h, Handled::Matched { last: true, .. }), "{h:?}");
    assert_eq!(resp.children_with(tags::BATCH_ITEM).count(), 3);
    let r = only(s.finish());
    assert_eq!(r.status, Status::Pass, "{}", r.reason);
    assert!(r.reason.contains("request 2 = steps 2-3"), "{}", r.reason);
}

#[test]
fn trailing_cleanup_left_out_passes() {
    let c = case();
    let mut s = scenario(&c);
    let uid = create(&mut s, &c);
    let (_, h) = s.handle(&request(&c, 1, &uid), 1_001);
    matched(&h);
    let r = only(s.finish());
    assert_eq!(r.status, Status::Pass, "{}", r.reason);
    assert!(
        r.reason.contains("trailing clean-up left out") && r.reason.contains("Destroy"),
        "{}",
        r.reason
    );
}

#[test]
fn stopping_before_non_cleanup_steps_is_incomplete() {
    let c = case();
    let mut s = scenario(&c);
    create(&mut s, &c);
    let r = only(s.finish());
    assert_eq!(r.status, Status::Fail);
    assert!(r.reason.starts_with("incomplete"), "{}", r.reason);
}

#[test]
fn optional_authentication_is_allowed() {
    let c = case();
    let mut s = scenario(&c);
    let mut req = c.steps[0].request.clone();
    let auth = kmip_ttlv::xml::parse_item(
        r#"<Authentication><Credential><CredentialType type="Enumeration" value="UsernameAndPassword"/><CredentialValue><Username type="TextString" value="alice"/><Password type="TextString" value="secret"/></CredentialValue></Credential></Authentication>"#,
    )
    .expect("authentication parses");
    req.child_mut(tags::REQUEST_HEADER)
        .and_then(Item::children_mut)
        .expect("header")
        .insert(1, auth);
    let (_, h) = s.handle(&req, 1_000);
    matched(&h);
}

#[test]
fn dropped_mandatory_field_fails() {
    let c = case();
    let mut s = scenario(&c);
    let mut req = c.steps[0].request.clone();
    let attrs = req
        .child_mut(tags::BATCH_ITEM)
        .and_then(|b| b.child_mut(tags::REQUEST_PAYLOAD))
        .and_then(|p| p.child_mut(tags::ATTRIBUTES))
        .and_then(Item::children_mut)
        .expect("attributes");
    attrs.retain(|a| a.tag != tags::CRYPTOGRAPHIC_LENGTH);
    let (_, h) = s.handle(&req, 1_000);
    assert!(matches!(h, Handled::Mismatch { step: 0, .. }), "{h:?}");
    let r = only(s.finish());
    assert_eq!(r.status, Status::Fail);
    let d = r.divergence.expect("a request diff");
    assert!(d.diff.contains("CryptographicLength"), "{}", d.diff);
}

#[test]
fn split_batch_with_a_dropped_field_fails() {
    let c = case();
    let mut s = scenario(&c);
    let uid = create(&mut s, &c);
    let both = request(&c, 1, &uid);
    let (_, h) = s.handle(&items(&both, &[0]), 1_001);
    matched(&h);
    let mut second = items(&both, &[1]);
    second
        .child_mut(tags::BATCH_ITEM)
        .and_then(|b| b.child_mut(tags::REQUEST_PAYLOAD))
        .and_then(Item::children_mut)
        .expect("payload")
        .clear();
    let (_, h) = s.handle(&second, 1_002);
    assert!(matches!(h, Handled::Mismatch { step: 1, .. }), "{h:?}");
    let r = only(s.finish());
    assert_eq!(r.status, Status::Fail);
    assert!(r.divergence.is_some());
}
