//! The unified diff a developer reads: masked lines are context annotated
//! with their rule, real differences are `-`/`+`.

mod common;

use common::*;

#[test]
fn diff_of_a_failing_get_attributes_marks_masked_lines() {
    let mut x = Exchange::new((2, 1));
    x.create("5f3a-key");
    let expected = format!(
        "{}<Attributes><State type=\"Enumeration\" value=\"PreActive\"/><CryptographicUsageMask type=\"Integer\" value=\"Decrypt Encrypt\"/><CryptographicLength type=\"Integer\" value=\"256\"/><Digest><HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/><DigestValue type=\"ByteString\" value=\"bc12861408b8ac72cdb3b2748ad342b7dc519bd109046a1b931fdaed73591f29\"/><KeyFormatType type=\"Enumeration\" value=\"Raw\"/></Digest><InitialDate type=\"DateTime\" value=\"$NOW\"/></Attributes>",
        uid("$UNIQUE_IDENTIFIER_0")
    );
    let actual = format!(
        "{}<Attributes><CryptographicUsageMask type=\"Integer\" value=\"Encrypt\"/><State type=\"Enumeration\" value=\"PreActive\"/><CryptographicLength type=\"Integer\" value=\"256\"/><Digest><HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/><DigestValue type=\"ByteString\" value=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"/><KeyFormatType type=\"Enumeration\" value=\"Raw\"/></Digest><InitialDate type=\"DateTime\" value=\"2023-11-14T22:13:19+00:00\"/></Attributes>",
        uid("5f3a-key")
    );
    let c = x.step(
        &req_item("GetAttributes", &uid("$UNIQUE_IDENTIFIER_0")),
        &ok_item("GetAttributes", &expected),
        &ok_item("GetAttributes", &actual),
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/CryptographicUsageMask"]
    );
    assert_eq!(masked_rules(&c), ["server-key-digest"]);
    insta::assert_snapshot!(c.diff);
}

#[test]
fn matching_messages_have_an_empty_diff() {
    let mut x = Exchange::new((2, 1));
    let c = x.step(
        &req_item("Query", ""),
        &ok_item("Query", ""),
        &ok_item("Query", ""),
    );
    assert!(c.is_match());
    assert_eq!(c.diff, "");
}
