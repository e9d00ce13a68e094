//! One test per masking rule: a case the rule masks, and the nearest case
//! it must NOT mask.

mod common;

use common::*;
use kmip_compare::{CompareOptions, Session};

const V21: (u8, u8) = (2, 1);
const V14: (u8, u8) = (1, 4);
const V10: (u8, u8) = (1, 0);

fn bare(
    v: (u8, u8),
    expected_header: &str,
    actual_header: &str,
    ts_e: &str,
    ts_a: &str,
) -> kmip_compare::Comparison {
    let mut s = Session::new(CompareOptions::default());
    let sent = s
        .bind_request(&request(v, &req_item("Query", "")), NOW)
        .expect("binds");
    let e = response(v, ts_e, expected_header, &ok_item("Query", ""));
    let a = response(v, ts_a, actual_header, &ok_item("Query", ""));
    s.check_response(&e, &a, &sent, NOW, NOW + 1)
}

const NOW_TEXT: &str = "2023-11-14T22:13:20+00:00";

// ---- header ------------------------------------------------------------------

#[test]
fn header_timestamp_literal_is_masked_within_the_window() {
    let c = bare(V10, "", "", "2012-04-27T08:12:24+00:00", NOW_TEXT);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["header-timestamp"]);
    assert_eq!(c.masked[0].path, "ResponseHeader/TimeStamp");
}

#[test]
fn header_timestamp_outside_the_window_is_a_difference() {
    let c = bare(
        V10,
        "",
        "",
        "2012-04-27T08:12:24+00:00",
        "2023-11-14T23:13:20+00:00",
    );
    assert_eq!(diff_paths(&c), ["ResponseHeader/TimeStamp"]);
    assert!(
        c.differences[0].note.contains("header-timestamp"),
        "{:?}",
        c.differences
    );
}

#[test]
fn server_correlation_value_literal_absent_or_added_is_masked() {
    let scv = "<ServerCorrelationValue type=\"TextString\" value=\"A5E83842-2A456820-4\"/>";
    let other = "<ServerCorrelationValue type=\"TextString\" value=\"mine-1\"/>";
    for (e, a) in [(scv, other), (scv, ""), ("", other)] {
        let c = bare(V21, e, a, "$NOW", NOW_TEXT);
        assert!(c.is_match(), "{e} vs {a}: {:?}", c.differences);
        assert_eq!(
            masked_rules(&c),
            ["header-server-correlation"],
            "{e} vs {a}"
        );
    }
}

#[test]
fn other_header_fields_are_exact() {
    // Nearest non-masked: a header field no row covers (Batch Count).
    let mut s = Session::new(CompareOptions::default());
    let sent = s
        .bind_request(&request(V21, &req_item("Query", "")), NOW)
        .expect("binds");
    let e = response(V21, "$NOW", "", &ok_item("Query", ""));
    let mut a = response(V21, NOW_TEXT, "", &ok_item("Query", ""));
    let header = a
        .children_mut()
        .expect("structure")
        .get_mut(0)
        .expect("header");
    let bc = header
        .children_mut()
        .expect("structure")
        .last_mut()
        .expect("batch count");
    bc.value = kmip_ttlv::Value::Integer(2);
    let c = s.check_response(&e, &a, &sent, NOW, NOW + 1);
    assert_eq!(diff_paths(&c), ["ResponseHeader/BatchCount"]);
    // … and an added header field without a row.
    let c = bare(
        V21,
        "",
        "<AttestationType type=\"Enumeration\" value=\"TPMQuote\"/>",
        "$NOW",
        NOW_TEXT,
    );
    assert_eq!(diff_paths(&c), ["ResponseHeader/AttestationType"]);
    assert_eq!(c.differences[0].note, "unexpected field");
}

#[test]
fn client_correlation_value_in_the_response_header_is_masked() {
    let ccv = "<ClientCorrelationValue type=\"TextString\" value=\"echo\"/>";
    let c = bare(V21, "", ccv, "$NOW", NOW_TEXT);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["header-client-correlation"]);
}

// ---- batch item --------------------------------------------------------------

fn failed(reason: &str, message: Option<&str>) -> String {
    format!(
        "<BatchItem><Operation type=\"Enumeration\" value=\"Get\"/><ResultStatus type=\"Enumeration\" value=\"OperationFailed\"/><ResultReason type=\"Enumeration\" value=\"{reason}\"/>{}</BatchItem>",
        message
            .map(|m| format!("<ResultMessage type=\"TextString\" value=\"{m}\"/>"))
            .unwrap_or_default()
    )
}

#[test]
fn result_message_is_free_text() {
    for actual in [None, Some("object is gone")] {
        let mut x = Exchange::new(V21);
        let c = x.step(
            &req_item("Get", &uid("x")),
            &failed("ItemNotFound", Some("NOT_FOUND")),
            &failed("ItemNotFound", actual),
        );
        assert!(c.is_match(), "{:?}", c.differences);
        assert_eq!(masked_rules(&c), ["result-message"]);
        assert_eq!(c.masked[0].path, "BatchItem[0]/ResultMessage");
    }
}

#[test]
fn result_reason_stays_exact() {
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Get", &uid("x")),
        &failed("ItemNotFound", Some("NOT_FOUND")),
        &failed("PermissionDenied", Some("NOT_FOUND")),
    );
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResultReason"]);
}

fn with_id(op: &str, id: &str, payload: &str, request: bool) -> String {
    if request {
        format!("<BatchItem><Operation type=\"Enumeration\" value=\"{op}\"/><UniqueBatchItemID type=\"ByteString\" value=\"{id}\"/><RequestPayload>{payload}</RequestPayload></BatchItem>")
    } else {
        format!("<BatchItem><Operation type=\"Enumeration\" value=\"{op}\"/><UniqueBatchItemID type=\"ByteString\" value=\"{id}\"/><ResultStatus type=\"Enumeration\" value=\"Success\"/><ResponsePayload>{payload}</ResponsePayload></BatchItem>")
    }
}

#[test]
fn unique_batch_item_id_must_echo_what_was_sent() {
    let mut s = Session::new(CompareOptions::default());
    let tpl = request(V21, &with_id("Query", "01", "", true));
    let mut sent = s.bind_request(&tpl, NOW).expect("binds");
    // The runner sent another ID than the test case's.
    sent = x(&kmip_ttlv::xml::to_xml(&sent).replace("value=\"01\"", "value=\"0a\""));
    let e = response(V21, "$NOW", "", &with_id("Query", "01", "", false));
    let echoed = response(V21, NOW_TEXT, "", &with_id("Query", "0a", "", false));
    let c = s.clone().check_response(&e, &echoed, &sent, NOW, NOW + 1);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["batch-item-id-echo"]);
    // Nearest: the test case's literal, which is not what was sent.
    let literal = response(V21, NOW_TEXT, "", &with_id("Query", "01", "", false));
    let c = s.check_response(&e, &literal, &sent, NOW, NOW + 1);
    assert_eq!(diff_paths(&c), ["BatchItem[0]/UniqueBatchItemID"]);
    assert!(c.differences[0].note.contains("echo"));
}

// ---- attributes --------------------------------------------------------------

const ATTRS: &str = "<State type=\"Enumeration\" value=\"PreActive\"/><CryptographicUsageMask type=\"Integer\" value=\"Decrypt Encrypt\"/><CryptographicAlgorithm type=\"Enumeration\" value=\"AES\"/><CryptographicLength type=\"Integer\" value=\"128\"/>";
const ATTRS_PERMUTED: &str = "<CryptographicLength type=\"Integer\" value=\"128\"/><CryptographicAlgorithm type=\"Enumeration\" value=\"AES\"/><CryptographicUsageMask type=\"Integer\" value=\"Encrypt Decrypt\"/><State type=\"Enumeration\" value=\"PreActive\"/>";
const REFS: &str = "<AttributeReference type=\"Enumeration\" value=\"State\"/><AttributeReference type=\"Enumeration\" value=\"CryptographicUsageMask\"/><AttributeReference type=\"Enumeration\" value=\"CryptographicAlgorithm\"/><AttributeReference type=\"Enumeration\" value=\"CryptographicLength\"/>";

fn get_attributes(
    x: &mut Exchange,
    refs: &str,
    expected: &str,
    actual: &str,
) -> kmip_compare::Comparison {
    x.step(
        &req_item(
            "GetAttributes",
            &format!("{}{refs}", uid("$UNIQUE_IDENTIFIER_0")),
        ),
        &ok_item(
            "GetAttributes",
            &format!(
                "{}<Attributes>{expected}</Attributes>",
                uid("$UNIQUE_IDENTIFIER_0")
            ),
        ),
        &ok_item(
            "GetAttributes",
            &format!("{}<Attributes>{actual}</Attributes>", uid("k-1")),
        ),
    )
}

#[test]
fn get_attributes_order_is_free() {
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = get_attributes(&mut x, REFS, ATTRS, ATTRS_PERMUTED);
    assert!(c.is_match(), "{:?}", c.differences);
    assert!(c.masked.is_empty(), "{:?}", c.masked);
}

#[test]
fn get_attributes_values_stay_exact_in_any_order() {
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let changed = ATTRS_PERMUTED.replace("value=\"128\"", "value=\"256\"");
    let c = get_attributes(&mut x, REFS, ATTRS, &changed);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/CryptographicLength"]
    );
}

#[test]
fn extra_attributes_are_allowed_when_all_were_requested() {
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let extra = format!("{ATTRS}<Fresh type=\"Boolean\" value=\"true\"/>");
    let c = get_attributes(&mut x, "", ATTRS, &extra);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["attributes-all-extra"]);
    assert_eq!(
        c.masked[0].path,
        "BatchItem[0]/ResponsePayload/Attributes/Fresh"
    );
    // Nearest: the same extra attribute when the request named attributes.
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = get_attributes(&mut x, REFS, ATTRS, &extra);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/Fresh"]
    );
}

fn vendor(v: &str, name: &str, value: &str) -> String {
    format!("<Attribute><VendorIdentification type=\"TextString\" value=\"{v}\"/><AttributeName type=\"TextString\" value=\"{name}\"/><AttributeValue type=\"TextString\" value=\"{value}\"/></Attribute>")
}

#[test]
fn server_vendor_attributes_may_be_added() {
    let mut x = Exchange::new(V21);
    x.register("k-1", &vendor("x", "ID", "case-1"));
    let extra = format!("{ATTRS}{}", vendor("acme", "pool", "p7"));
    let c = get_attributes(&mut x, REFS, ATTRS, &extra);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["vendor-attributes"]);
    // Nearest: the client's own vendor attribute, not requested, returned.
    let mut x = Exchange::new(V21);
    x.register("k-1", &vendor("x", "ID", "case-1"));
    let extra = format!("{ATTRS}{}", vendor("x", "ID", "case-1"));
    let c = get_attributes(&mut x, REFS, ATTRS, &extra);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/Attribute"]
    );
}

#[test]
fn attribute_list_order_is_free_and_extra_names_are_masked() {
    let names = |list: &[&str]| {
        list.iter()
            .map(|n| format!("<AttributeReference type=\"Enumeration\" value=\"{n}\"/>"))
            .collect::<String>()
    };
    let run = |e: &[&str], a: &[&str]| {
        let mut x = Exchange::new(V21);
        x.step(
            &req_item("GetAttributeList", &uid("k")),
            &ok_item("GetAttributeList", &format!("{}{}", uid("k"), names(e))),
            &ok_item("GetAttributeList", &format!("{}{}", uid("k"), names(a))),
        )
    };
    let c = run(&["State", "Name"], &["Name", "Fresh", "State"]);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["attribute-list-extra"]);
    let c = run(&["State", "Name"], &["State"]);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/AttributeReference[1]"]
    );
}

const V10_GET_ATTRS: &str = "<Attribute><AttributeName type=\"TextString\" value=\"Initial Date\"/><AttributeValue type=\"DateTime\" value=\"2013-01-10T23:33:21+00:00\"/></Attribute>";

#[test]
fn server_set_dates_are_masked() {
    let mut x = Exchange::new(V10);
    x.create("k-1");
    let actual = V10_GET_ATTRS.replace("2013-01-10T23:33:21", "2023-11-14T22:13:20");
    let c = x.step(
        &req_item(
            "GetAttributes",
            &format!(
                "{}<AttributeName type=\"TextString\" value=\"Initial Date\"/>",
                uid("$UNIQUE_IDENTIFIER_0")
            ),
        ),
        &ok_item(
            "GetAttributes",
            &format!("{}{V10_GET_ATTRS}", uid("$UNIQUE_IDENTIFIER_0")),
        ),
        &ok_item("GetAttributes", &format!("{}{actual}", uid("k-1"))),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["datetime-attribute"]);
    assert_eq!(
        c.masked[0].path,
        "BatchItem[0]/ResponsePayload/Attribute/AttributeValue"
    );
}

#[test]
fn dates_the_client_fixed_stay_exact() {
    let mut x = Exchange::new(V21);
    x.register(
        "k-1",
        "<ActivationDate type=\"DateTime\" value=\"2020-01-01T00:00:00+00:00\"/>",
    );
    let c = get_attributes(
        &mut x,
        "<AttributeReference type=\"Enumeration\" value=\"ActivationDate\"/>",
        "<ActivationDate type=\"DateTime\" value=\"2020-01-01T00:00:00+00:00\"/>",
        "<ActivationDate type=\"DateTime\" value=\"2021-01-01T00:00:00+00:00\"/>",
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/ActivationDate"]
    );
}

const RNG: &str = "<RandomNumberGenerator><RNGAlgorithm type=\"Enumeration\" value=\"ANSIX9_31\"/><CryptographicAlgorithm type=\"Enumeration\" value=\"AES\"/><CryptographicLength type=\"Integer\" value=\"256\"/></RandomNumberGenerator>";
const RNG_OTHER: &str = "<RandomNumberGenerator><RNGAlgorithm type=\"Enumeration\" value=\"DRBG\"/><DRBGAlgorithm type=\"Enumeration\" value=\"CTR\"/></RandomNumberGenerator>";

#[test]
fn rng_attribute_contents_are_the_servers() {
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", RNG, RNG_OTHER);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["rng-attribute"]);
    // Nearest: the client registered the RNG attribute itself.
    let mut x = Exchange::new(V21);
    x.register("k-1", RNG);
    let c = get_attributes(&mut x, "", RNG, RNG_OTHER);
    assert!(!c.is_match());
    assert!(c.masked.is_empty(), "{:?}", c.masked);
    assert!(diff_paths(&c)
        .iter()
        .all(|p| p.starts_with("BatchItem[0]/ResponsePayload/Attributes/RandomNumberGenerator/")));
}

#[test]
fn lease_time_is_server_policy_but_must_be_present() {
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let lt = |v: u32| format!("<LeaseTime type=\"Interval\" value=\"{v}\"/>");
    let c = get_attributes(&mut x, "", &lt(3600), &lt(86400));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["lease-time"]);
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", &lt(3600), "");
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/LeaseTime"]
    );
    assert_eq!(c.differences[0].note, "missing");
}

/// The lease granted by Obtain Lease is not among the Profiles' permitted
/// variations (v2.1 §4.1): no rule masks it, a different value fails.
#[test]
fn obtain_lease_time_in_the_response_is_compared_exactly() {
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let req = req_item("ObtainLease", &uid("$UNIQUE_IDENTIFIER_0"));
    let resp = |lt: &str| {
        ok_item(
            "ObtainLease",
            &format!(
                "{}{lt}<LastChangeDate type=\"DateTime\" value=\"$NOW\"/>",
                uid("$UNIQUE_IDENTIFIER_0")
            ),
        )
    };
    let lt = |v: u32| format!("<LeaseTime type=\"Interval\" value=\"{v}\"/>");
    let actual = |v: &str| {
        resp(v)
            .replace("$UNIQUE_IDENTIFIER_0", "k-1")
            .replace("$NOW", NOW_TEXT)
    };
    let c = x.step(&req, &resp(&lt(3600)), &actual(&lt(3600)));
    assert!(c.is_match(), "{:?}", c.differences);
    let c = x.step(&req, &resp(&lt(0)), &actual(&lt(3600)));
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/LeaseTime"]);
    let c = x.step(&req, &resp(&lt(0)), &actual(""));
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/LeaseTime"]);
}

#[test]
fn protection_storage_mask_is_masked_unless_the_client_asked() {
    let psm = |v: &str| format!("<ProtectionStorageMask type=\"Integer\" value=\"{v}\"/>");
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", &psm("Software"), &psm("Hardware"));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["protection-storage-mask"]);
    // Nearest: the Create asked for specific protection storage masks.
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Create", "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/><Attributes/><ProtectionStorageMasks><ProtectionStorageMask type=\"Integer\" value=\"Software\"/></ProtectionStorageMasks>"),
        &ok_item("Create", &format!("<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}", uid("$UNIQUE_IDENTIFIER_0"))),
        &ok_item("Create", &format!("<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}", uid("k-1"))),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    let c = get_attributes(&mut x, "", &psm("Software"), &psm("Hardware"));
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/ProtectionStorageMask"]
    );
}

#[test]
fn object_group_defaults_are_masked_up_to_2_1_only() {
    let og = "<ObjectGroup type=\"TextString\" value=\"default\"/>";
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", ATTRS, &format!("{ATTRS}{og}"));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["object-group"]);
    // KMIP Profiles v3.0 dropped the variation; with named references the
    // extra group is a difference.
    let mut x = Exchange::new((3, 0));
    x.create("k-1");
    let c = get_attributes(&mut x, REFS, ATTRS, &format!("{ATTRS}{og}"));
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/ObjectGroup"]
    );
}

fn v1_attr(name: &str, index: Option<i32>, value: &str) -> String {
    format!(
        "<Attribute><AttributeName type=\"TextString\" value=\"{name}\"/>{}<AttributeValue type=\"TextString\" value=\"{value}\"/></Attribute>",
        index
            .map(|i| format!("<AttributeIndex type=\"Integer\" value=\"{i}\"/>"))
            .unwrap_or_default()
    )
}

#[test]
fn attribute_index_zero_may_be_omitted_from_1_1() {
    let run = |v: (u8, u8), index: i32| {
        let mut x = Exchange::new(v);
        x.register("k-1", "");
        x.step(
            &req_item(
                "GetAttributes",
                &format!(
                    "{}<AttributeName type=\"TextString\" value=\"x-ID\"/>",
                    uid("k-1")
                ),
            ),
            &ok_item(
                "GetAttributes",
                &format!("{}{}", uid("k-1"), v1_attr("x-ID", Some(index), "c")),
            ),
            &ok_item(
                "GetAttributes",
                &format!("{}{}", uid("k-1"), v1_attr("x-ID", None, "c")),
            ),
        )
    };
    let c = run(V14, 0);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["attribute-index-zero"]);
    let c = run(V14, 1);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attribute/AttributeIndex"]
    );
    let c = run(V10, 0);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attribute/AttributeIndex"]
    );
}

#[test]
fn template_attribute_in_1_x_responses_is_optional() {
    let ta = format!(
        "<TemplateAttribute>{}</TemplateAttribute>",
        v1_attr("x-ID", None, "c")
    );
    let body = |extra: &str| {
        format!(
            "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}{extra}",
            uid("k-1")
        )
    };
    let mut x = Exchange::new(V14);
    let c = x.step(
        &req_item(
            "Create",
            "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>",
        ),
        &ok_item("Create", &body(&ta)),
        &ok_item("Create", &body("")),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["template-attribute-optional"]);
    // Nearest: another payload field missing.
    let mut x = Exchange::new(V14);
    let c = x.step(
        &req_item(
            "Create",
            "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>",
        ),
        &ok_item("Create", &body("")),
        &ok_item("Create", &uid("k-1")),
    );
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/ObjectType"]);
}

// ---- server-generated material -----------------------------------------------

fn get_key(
    x: &mut Exchange,
    expected_material: &str,
    actual_material: &str,
) -> kmip_compare::Comparison {
    let key = |m: &str| {
        format!(
            "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}<SymmetricKey><KeyBlock><KeyFormatType type=\"Enumeration\" value=\"Raw\"/><KeyValue><KeyMaterial type=\"ByteString\" value=\"{m}\"/></KeyValue><CryptographicAlgorithm type=\"Enumeration\" value=\"AES\"/><CryptographicLength type=\"Integer\" value=\"128\"/></KeyBlock></SymmetricKey>",
            uid("$UNIQUE_IDENTIFIER_0")
        )
    };
    let a = key(actual_material).replace("$UNIQUE_IDENTIFIER_0", "k-1");
    x.step(
        &req_item("Get", &uid("$UNIQUE_IDENTIFIER_0")),
        &ok_item("Get", &key(expected_material)),
        &ok_item("Get", &a),
    )
}

const K1: &str = "ff52f705bd91e4c6a3c2d7d8ba9f1a55";
const K2: &str = "00112233445566778899aabbccddeeff";

#[test]
fn generated_key_material_compares_type_and_length() {
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_key(&mut x, K1, K2);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-key-material"]);
    assert_eq!(
        c.masked[0].path,
        "BatchItem[0]/ResponsePayload/SymmetricKey/KeyBlock/KeyValue"
    );
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_key(&mut x, K1, &K2[..30]);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/SymmetricKey/KeyBlock/KeyValue"]
    );
}

#[test]
fn registered_key_material_is_exact() {
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = get_key(&mut x, K1, K2);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/SymmetricKey/KeyBlock/KeyValue/KeyMaterial"]
    );
}

#[test]
fn key_wrapped_with_a_generated_key_compares_type_and_length() {
    let wrapped = |m: &str, uid_v: &str| {
        format!(
            "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}<SymmetricKey><KeyBlock><KeyFormatType type=\"Enumeration\" value=\"Raw\"/><KeyValue type=\"ByteString\" value=\"{m}\"/><KeyWrappingData><WrappingMethod type=\"Enumeration\" value=\"Encrypt\"/><EncryptionKeyInformation>{}</EncryptionKeyInformation></KeyWrappingData></KeyBlock></SymmetricKey>",
            uid(uid_v),
            uid("w-1")
        )
    };
    let run = |wrapping_created: bool| {
        let mut x = Exchange::new(V21);
        if wrapping_created {
            x.create("w-1");
        } else {
            x.register("w-1", "");
        }
        x.register_as("$UNIQUE_IDENTIFIER_1", "k-1", "");
        x.step(
            &req_item("Get", &uid("k-1")),
            &ok_item("Get", &wrapped(K1, "k-1")),
            &ok_item("Get", &wrapped(K2, "k-1")),
        )
    };
    let c = run(true);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["wrapped-key-material"]);
    let c = run(false);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/SymmetricKey/KeyBlock/KeyValue"]
    );
}

const DIGEST_E: &str = "<Digest><HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/><DigestValue type=\"ByteString\" value=\"bc12861408b8ac72cdb3b2748ad342b7dc519bd109046a1b931fdaed73591f29\"/><KeyFormatType type=\"Enumeration\" value=\"Raw\"/></Digest>";

#[test]
fn digest_of_a_generated_key_compares_length() {
    let actual = DIGEST_E.replace("bc1286", "000000");
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", DIGEST_E, &actual);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-key-digest"]);
    assert_eq!(
        c.masked[0].path,
        "BatchItem[0]/ResponsePayload/Attributes/Digest/DigestValue"
    );
    // The hashing algorithm stays exact (and a 32-byte value is no SHA-512).
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let other = actual.replace("SHA_256", "SHA_512");
    let c = get_attributes(&mut x, "", DIGEST_E, &other);
    assert_eq!(
        diff_paths(&c),
        [
            "BatchItem[0]/ResponsePayload/Attributes/Digest/HashingAlgorithm",
            "BatchItem[0]/ResponsePayload/Attributes/Digest/DigestValue"
        ]
    );
    // A registered key's digest is exact.
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = get_attributes(&mut x, "", DIGEST_E, &actual);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/Digest/DigestValue"]
    );
}

#[test]
fn key_format_type_of_a_generated_key_is_the_servers() {
    let kft = |v: &str| format!("<KeyFormatType type=\"Enumeration\" value=\"{v}\"/>");
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", &kft("Raw"), &kft("TransparentSymmetricKey"));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-key-format"]);
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = get_attributes(&mut x, "", &kft("Raw"), &kft("TransparentSymmetricKey"));
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/KeyFormatType"]
    );
}

fn data(v: &str) -> String {
    format!("<Data type=\"ByteString\" value=\"{v}\"/>")
}

const PLAIN: &str = "01020304050607080910111213141516";
const CT1: &str = "fd912d102dbb482f6f6e91bd57119095";
const CT2: &str = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";

fn encrypt(
    x: &mut Exchange,
    extra_req: &str,
    expected: &str,
    actual: &str,
) -> kmip_compare::Comparison {
    x.step(
        &req_item(
            "Encrypt",
            &format!("{}{extra_req}{}", uid("$UNIQUE_IDENTIFIER_0"), data(PLAIN)),
        ),
        &ok_item(
            "Encrypt",
            &format!("{}{expected}", uid("$UNIQUE_IDENTIFIER_0")),
        ),
        &ok_item("Encrypt", &format!("{}{actual}", uid("k-1"))),
    )
}

#[test]
fn output_under_a_generated_key_compares_length() {
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = encrypt(&mut x, "", &data(CT1), &data(CT2));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-key-output"]);
    // Nearest: the same under a registered key (deterministic ECB).
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = encrypt(&mut x, "", &data(CT1), &data(CT2));
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/Data"]);
}

fn decrypt(
    x: &mut Exchange,
    ciphertext: &str,
    expected: &str,
    actual: &str,
) -> kmip_compare::Comparison {
    x.step(
        &req_item(
            "Decrypt",
            &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), data(ciphertext)),
        ),
        &ok_item(
            "Decrypt",
            &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), data(expected)),
        ),
        &ok_item("Decrypt", &format!("{}{}", uid("k-1"), data(actual))),
    )
}

#[test]
fn decrypting_the_recording_servers_ciphertext_under_a_generated_key_is_masked() {
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = decrypt(&mut x, CT1, PLAIN, CT2);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-key-decrypt"]);
}

#[test]
fn decrypting_this_servers_own_ciphertext_must_round_trip() {
    // CS-BC-M-3 pattern: Encrypt (masked, carried), Decrypt the literal.
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = encrypt(&mut x, "", &data(CT1), &data(CT2));
    assert!(c.is_match(), "{:?}", c.differences);
    let sent = x
        .session
        .bind_request(
            &request(
                V21,
                &req_item(
                    "Decrypt",
                    &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), data(CT1)),
                ),
            ),
            NOW,
        )
        .expect("binds");
    let d = sent
        .path(&["BatchItem", "RequestPayload", "Data"])
        .expect("data");
    assert_eq!(
        d.value,
        kmip_ttlv::Value::ByteString(hex(CT2)),
        "carry-output replaced the literal"
    );
    let c = decrypt(&mut x, CT1, PLAIN, PLAIN);
    assert!(c.is_match(), "{:?}", c.differences);
    assert!(c.masked.is_empty());
    let c = decrypt(&mut x, CT1, PLAIN, CT1);
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/Data"]);
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn rsa_register(x: &mut Exchange, padding: &str) {
    let params = format!("<CryptographicParameters><PaddingMethod type=\"Enumeration\" value=\"{padding}\"/><HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/></CryptographicParameters>");
    x.register("k-1", &params);
}

#[test]
fn rsa_oaep_encryption_output_compares_length() {
    let mut x = Exchange::new(V21);
    rsa_register(&mut x, "OAEP");
    let c = encrypt(&mut x, "", &data(CT1), &data(CT2));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["randomized-encryption"]);
    // Nearest: a padding that is not randomized.
    let mut x = Exchange::new(V21);
    rsa_register(&mut x, "None");
    let c = encrypt(&mut x, "", &data(CT1), &data(CT2));
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/Data"]);
}

fn sign(x: &mut Exchange, params: &str) -> kmip_compare::Comparison {
    let sig = |v: &str| format!("<SignatureData type=\"ByteString\" value=\"{v}\"/>");
    x.step(
        &req_item(
            "Sign",
            &format!("{}{params}{}", uid("$UNIQUE_IDENTIFIER_0"), data(PLAIN)),
        ),
        &ok_item(
            "Sign",
            &format!("{}{}", uid("$UNIQUE_IDENTIFIER_0"), sig(CT1)),
        ),
        &ok_item("Sign", &format!("{}{}", uid("k-1"), sig(CT2))),
    )
}

#[test]
fn pss_signatures_compare_length() {
    let pss = "<CryptographicParameters><PaddingMethod type=\"Enumeration\" value=\"PSS\"/></CryptographicParameters>";
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = sign(&mut x, pss);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["randomized-signature"]);
    let v15 = pss.replace("PSS", "PKCS1_v1_5");
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = sign(&mut x, &v15);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/SignatureData"]
    );
}

#[test]
fn server_chosen_iv_masks_iv_and_ciphertext() {
    let iv = |v: &str| format!("<IVCounterNonce type=\"ByteString\" value=\"{v}\"/>");
    let cbc = "<CryptographicParameters><BlockCipherMode type=\"Enumeration\" value=\"CBC\"/></CryptographicParameters>";
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = encrypt(
        &mut x,
        cbc,
        &format!("{}{}", data(CT1), iv(CT1)),
        &format!("{}{}", data(CT2), iv(CT2)),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-chosen-iv", "server-chosen-iv"]);
    // Nearest: the request gave the IV, so the ciphertext is deterministic.
    let mut x = Exchange::new(V21);
    x.register("k-1", "");
    let c = encrypt(
        &mut x,
        &format!("{cbc}{}", iv(PLAIN)),
        &data(CT1),
        &data(CT2),
    );
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/Data"]);
}

#[test]
fn rng_retrieve_output_compares_length() {
    let run = |actual: &str| {
        let mut x = Exchange::new(V21);
        x.step(
            &req_item("RNGRetrieve", "<DataLength type=\"Integer\" value=\"16\"/>"),
            &ok_item("RNGRetrieve", &data(CT1)),
            &ok_item("RNGRetrieve", &data(actual)),
        )
    };
    let c = run(CT2);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["rng-output"]);
    let c = run(&CT2[..8]);
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/Data"]);
}

// ---- query / discover / locate -------------------------------------------------

fn query(expected: &str, actual: &str) -> kmip_compare::Comparison {
    let mut x = Exchange::new(V21);
    x.step(
        &req_item("Query", "<QueryFunction type=\"Enumeration\" value=\"QueryOperations\"/><QueryFunction type=\"Enumeration\" value=\"QueryServerInformation\"/>"),
        &ok_item("Query", expected),
        &ok_item("Query", actual),
    )
}

const Q_E: &str = "<Operation type=\"Enumeration\" value=\"Query\"/><Operation type=\"Enumeration\" value=\"Locate\"/><VendorIdentification type=\"TextString\" value=\"server-vendor.com\"/><ServerInformation/>";
const Q_A: &str = "<Operation type=\"Enumeration\" value=\"Create\"/><Operation type=\"Enumeration\" value=\"Query\"/><Operation type=\"Enumeration\" value=\"Get\"/><VendorIdentification type=\"TextString\" value=\"acme\"/><ServerInformation><ServerName type=\"TextString\" value=\"x\"/></ServerInformation>";

#[test]
fn query_answers_are_informational() {
    let c = query(Q_E, Q_A);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(
        masked_rules(&c),
        ["query-contents", "query-contents", "query-contents"]
    );
}

#[test]
fn query_answers_must_have_every_kind_of_item() {
    let no_vendor = Q_A.replace(
        "<VendorIdentification type=\"TextString\" value=\"acme\"/>",
        "",
    );
    let c = query(Q_E, &no_vendor);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/VendorIdentification"]
    );
    let extra = format!("{Q_A}<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>");
    let c = query(Q_E, &extra);
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload/ObjectType"]);
}

fn pv(major: u8, minor: u8) -> String {
    format!("<ProtocolVersion><ProtocolVersionMajor type=\"Integer\" value=\"{major}\"/><ProtocolVersionMinor type=\"Integer\" value=\"{minor}\"/></ProtocolVersion>")
}

#[test]
fn discover_versions_may_list_more_when_the_client_listed_none() {
    let run = |req: &str| {
        let mut x = Exchange::new(V21);
        x.step(
            &req_item("DiscoverVersions", req),
            &ok_item("DiscoverVersions", &format!("{}{}", pv(2, 1), pv(2, 0))),
            &ok_item(
                "DiscoverVersions",
                &format!("{}{}{}", pv(2, 0), pv(2, 1), pv(1, 4)),
            ),
        )
    };
    let c = run("");
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["discover-versions-extra"]);
    let c = run(&format!("{}{}", pv(2, 1), pv(2, 0)));
    assert!(!c.is_match());
    assert!(
        diff_paths(&c).contains(&"BatchItem[0]/ResponsePayload/ProtocolVersion[2]".to_string()),
        "{:?}",
        c.differences
    );
}

fn locate(expected: &[&str], actual: &[&str], extra: &str) -> kmip_compare::Comparison {
    let mut x = Exchange::new(V21);
    x.register("a-1", "");
    let ids = |l: &[&str]| l.iter().map(|u| uid(u)).collect::<String>();
    x.step(
        &req_item("Locate", "<Attributes/>"),
        &ok_item("Locate", &ids(expected)),
        &ok_item("Locate", &format!("{extra}{}", ids(actual))),
    )
}

#[test]
fn locate_order_is_free_but_counts_are_exact() {
    let c = locate(
        &["$UNIQUE_IDENTIFIER_0", "$UNIQUE_IDENTIFIER_1"],
        &["a-2", "a-1"],
        "",
    );
    assert!(c.is_match(), "{:?}", c.differences);
    assert!(c.masked.is_empty());
    // $UNIQUE_IDENTIFIER_0 was bound to a-1 by the Register: it matched a-1.
    let c = locate(&["$UNIQUE_IDENTIFIER_0"], &["a-2", "a-1"], "");
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/UniqueIdentifier[0]"]
    );
    assert_eq!(c.differences[0].note, "unexpected field");
}

#[test]
fn strict_mode_warns_about_fields_a_rule_let_through() {
    let ccv = "<ClientCorrelationValue type=\"TextString\" value=\"echo\"/>";
    let mut s = Session::new(CompareOptions {
        strict: true,
        ..CompareOptions::default()
    });
    let sent = s
        .bind_request(&request(V21, &req_item("Query", "")), NOW)
        .expect("binds");
    let e = response(V21, "$NOW", "", &ok_item("Query", ""));
    let a = response(V21, NOW_TEXT, ccv, &ok_item("Query", ""));
    let c = s.check_response(&e, &a, &sent, NOW, NOW + 1);
    assert!(c.is_match());
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].path, "ResponseHeader/ClientCorrelationValue");
    // Conformance mode: masked, no warning.
    let c = bare(V21, "", ccv, "$NOW", NOW_TEXT);
    assert!(c.warnings.is_empty());
}

// ---- issue 11, items 1–8: rules that let a wrong response pass ----------------
// Each test: the wrong response from the issue fails, and a legitimate
// variation of the same field still passes.

/// Item 1 (row `field-order`): outside returned attribute lists, fields in
/// another order are a difference; inside them, any permutation passes
/// (strict mode still reports it).
#[test]
fn field_order_fails_outside_attribute_lists() {
    let e = format!(
        "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}",
        uid("k")
    );
    let swapped = format!(
        "{}<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>",
        uid("k")
    );
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Create", ""),
        &ok_item("Create", &e),
        &ok_item("Create", &swapped),
    );
    assert_eq!(diff_paths(&c), ["BatchItem[0]/ResponsePayload"]);
    assert!(
        c.differences[0].note.contains("field-order"),
        "{:?}",
        c.differences
    );
    assert_eq!(c.differences[0].expected, "ObjectType, UniqueIdentifier");
    assert_eq!(c.differences[0].actual, "UniqueIdentifier, ObjectType");
    // Legitimate: the attributes of a returned Template-Attribute permuted.
    let ta =
        |a: &str, b: &str| format!("{}<TemplateAttribute>{a}{b}</TemplateAttribute>", uid("k"));
    let (a1, a2) = (v1_attr("x-a", None, "1"), v1_attr("x-b", None, "2"));
    for strict in [false, true] {
        let mut x = if strict {
            Exchange::strict(V14)
        } else {
            Exchange::new(V14)
        };
        let c = x.step(
            &req_item("Register", ""),
            &ok_item("Register", &ta(&a1, &a2)),
            &ok_item("Register", &ta(&a2, &a1)),
        );
        assert!(c.is_match(), "{:?}", c.differences);
        assert_eq!(c.warnings.len(), usize::from(strict), "{:?}", c.warnings);
    }
}

/// Item 1 in payloads of fixed fields plus a list (rows
/// `attributes-order-1x`, `locate-order`): the list entries may come in any
/// order, but a fixed field (the Unique Identifier of a KMIP 1.x Get
/// Attributes answer, Located Items of a Locate answer) keeps its place.
#[test]
fn field_order_keeps_fixed_fields_of_list_payloads_in_place() {
    let (a1, a2) = (
        v1_attr("Cryptographic Length", None, "128"),
        v1_attr("x-b", None, "2"),
    );
    let ga = |parts: &[&str]| parts.concat();
    let u = uid("k");
    let mut x = Exchange::new(V14);
    let c = x.step(
        &req_item("GetAttributes", &u),
        &ok_item("GetAttributes", &ga(&[&u, &a1, &a2])),
        &ok_item("GetAttributes", &ga(&[&a1, &u, &a2])),
    );
    assert!(!c.is_match(), "a moved Unique Identifier must fail");
    assert!(
        c.differences.iter().any(|d| d.note.contains("field-order")),
        "{:?}",
        c.differences
    );
    // Legitimate: the attributes permuted behind the identifier.
    let mut x = Exchange::new(V14);
    let c = x.step(
        &req_item("GetAttributes", &u),
        &ok_item("GetAttributes", &ga(&[&u, &a1, &a2])),
        &ok_item("GetAttributes", &ga(&[&u, &a2, &a1])),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    // Locate: Located Items before the identifiers.
    let li = "<LocatedItems type=\"Integer\" value=\"2\"/>";
    let (u1, u2) = (uid("k-1"), uid("k-2"));
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Locate", ""),
        &ok_item("Locate", &ga(&[li, &u1, &u2])),
        &ok_item("Locate", &ga(&[&u1, li, &u2])),
    );
    assert!(!c.is_match(), "a moved Located Items must fail");
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Locate", ""),
        &ok_item("Locate", &ga(&[li, &u1, &u2])),
        &ok_item("Locate", &ga(&[li, &u2, &u1])),
    );
    assert!(c.is_match(), "{:?}", c.differences);
}

fn query_ops(ops: &[&str]) -> String {
    ops.iter()
        .map(|o| format!("<Operation type=\"Enumeration\" value=\"{o}\"/>"))
        .collect()
}

/// Item 2 (row `query-contents`): a Query answer that lists only `Query`
/// passes the message comparison (the lists are informational) but the
/// run-level check finds it `query-inconsistent` with what the run did.
#[test]
fn query_contents_must_agree_with_the_run() {
    let run = |listed: &[&str]| {
        let mut x = Exchange::new(V21);
        x.create("k-1");
        let c = x.step(
            &req_item("Get", &uid("k-1")),
            &failed("OperationNotSupported", None),
            &failed("OperationNotSupported", None),
        );
        assert!(c.is_match(), "{:?}", c.differences);
        let c = x.step(
            &req_item(
                "Query",
                "<QueryFunction type=\"Enumeration\" value=\"QueryOperations\"/>",
            ),
            &ok_item("Query", &query_ops(&["Query", "Create", "Locate"])),
            &ok_item("Query", &query_ops(listed)),
        );
        assert!(c.is_match(), "{:?}", c.differences);
        let mut ledger = kmip_compare::query::QueryLedger::default();
        ledger.absorb("TL-M-1-21", x.session.query_ledger());
        ledger
    };
    // Wrong: only Query listed, though Create succeeded in the run.
    let findings = run(&["Query"]).findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0]
            .to_string()
            .starts_with("query-inconsistent: message 2: does not list Operation Create"),
        "{}",
        findings[0]
    );
    // Wrong: lists Get, which the run saw answered Operation Not Supported.
    let findings = run(&["Query", "Create", "Get"]).findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].detail.contains("lists Operation Get"),
        "{}",
        findings[0]
    );
    // Legitimate: more operations than the test case, in another order.
    let ledger = run(&["Locate", "Create", "Query", "Destroy"]);
    assert!(ledger.findings().is_empty(), "{:?}", ledger.findings());
    // What --probe-query would probe: the listed operations never exercised.
    let probes: Vec<u32> = ledger.unexercised().iter().map(|(_, _, o)| *o).collect();
    assert_eq!(probes, [0x08, 0x14]); // Locate, Destroy
}

fn initial_date(value: &str) -> String {
    format!("<InitialDate type=\"DateTime\" value=\"{value}\"/>")
}

/// Item 3 (rows `placeholder-now` / `datetime-attribute`): `$NOW` outside
/// its run window fails, naming the window, instead of falling back to the
/// any-date row; a date earlier in the run passes.
#[test]
fn datetime_attribute_does_not_rescue_a_now_outside_its_window() {
    let run = |actual: &str| {
        let mut x = Exchange {
            session: Session::new(CompareOptions {
                run_started_at: Some(NOW - 3600),
                ..CompareOptions::default()
            }),
            v: V21,
        };
        x.create("k-1");
        get_attributes(
            &mut x,
            "<AttributeReference type=\"Enumeration\" value=\"InitialDate\"/>",
            &initial_date("$NOW"),
            &initial_date(actual),
        )
    };
    let c = run("1970-01-01T00:00:00+00:00");
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/InitialDate"]
    );
    assert!(
        c.differences[0]
            .note
            .contains("outside the run window [2023-11-14T21:08:20")
            && c.differences[0].note.contains("skew 300 s"),
        "{:?}",
        c.differences
    );
    assert!(c.masked.is_empty(), "{:?}", c.masked);
    // Legitimate: the object was created 30 minutes ago, earlier in the run.
    let c = run("2023-11-14T21:43:20+00:00");
    assert!(c.is_match(), "{:?}", c.differences);
}

/// Item 4 (row `server-key-format`): a generated AES key's Key Format Type
/// must be one the spec allows for a symmetric key.
#[test]
fn server_key_format_must_fit_the_object_type_and_algorithm() {
    let kft = |v: &str| format!("<KeyFormatType type=\"Enumeration\" value=\"{v}\"/>");
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", &kft("Raw"), &kft("PKCS_1"));
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/KeyFormatType"]
    );
    assert!(
        c.differences[0]
            .note
            .contains("server-key-format: PKCS_1 is not a format for a AES SymmetricKey"),
        "{:?}",
        c.differences
    );
    // Legitimate: the other format a symmetric key may be in.
    let mut x = Exchange::new(V21);
    x.create("k-1");
    let c = get_attributes(&mut x, "", &kft("Raw"), &kft("TransparentSymmetricKey"));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-key-format"]);
}

fn v1_typed(name: &str, t: &str, value: &str) -> String {
    format!("<Attribute><AttributeName type=\"TextString\" value=\"{name}\"/><AttributeValue type=\"{t}\" value=\"{value}\"/></Attribute>")
}

/// Item 5 (row `template-attribute-optional`): a Template-Attribute the
/// server adds is compared with what the request set.
#[test]
fn template_attribute_optional_added_content_is_compared() {
    let request = format!(
        "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/><TemplateAttribute>{}{}</TemplateAttribute>",
        v1_typed("Cryptographic Algorithm", "Enumeration", "AES"),
        v1_typed("Cryptographic Length", "Integer", "128")
    );
    let body = |extra: &str| {
        format!(
            "<ObjectType type=\"Enumeration\" value=\"SymmetricKey\"/>{}{extra}",
            uid("k-1")
        )
    };
    let run = |added: &str| {
        let mut x = Exchange::new(V14);
        x.step(
            &req_item("Create", &request),
            &ok_item("Create", &body("")),
            &ok_item(
                "Create",
                &body(&format!("<TemplateAttribute>{added}</TemplateAttribute>")),
            ),
        )
    };
    // Wrong: the server's list says 256 where the request set 128.
    let c = run(&v1_typed("Cryptographic Length", "Integer", "256"));
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/TemplateAttribute/Attribute"]
    );
    assert!(
        c.differences[0]
            .note
            .contains("template-attribute-optional"),
        "{:?}",
        c.differences
    );
    assert_eq!(
        (
            c.differences[0].expected.as_str(),
            c.differences[0].actual.as_str()
        ),
        ("128", "256")
    );
    // Wrong: a client-defined attribute the request never set.
    let c = run(&v1_attr("x-ID", None, "c"));
    assert!(
        c.differences[0]
            .note
            .contains("client-defined (x-) attribute"),
        "{:?}",
        c.differences
    );
    // Legitimate: attributes the server set implicitly, and an echo.
    let c = run(&format!(
        "{}{}",
        v1_typed("Initial Date", "DateTime", "2023-11-14T22:13:20+00:00"),
        v1_typed("Cryptographic Length", "Integer", "128")
    ));
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["template-attribute-optional"]);
}

/// Item 6 (row `located-items`): Located Items counts the identifiers.
#[test]
fn located_items_must_count_the_identifiers() {
    let li = |n: i32| format!("<LocatedItems type=\"Integer\" value=\"{n}\"/>");
    let run = |request: &str, n: i32| {
        let mut x = Exchange::new(V21);
        x.register("a-1", "");
        x.step(
            &req_item("Locate", request),
            &ok_item("Locate", &uid("$UNIQUE_IDENTIFIER_0")),
            &ok_item("Locate", &format!("{}{}", li(n), uid("a-1"))),
        )
    };
    // Wrong: any count passed before.
    let c = run("<Attributes/>", 5);
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/LocatedItems"]
    );
    assert!(
        c.differences[0]
            .note
            .contains("located-items: Located Items 5, but 1 identifier(s)"),
        "{:?}",
        c.differences
    );
    let c = run(
        "<MaximumItems type=\"Integer\" value=\"1\"/><Attributes/>",
        0,
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/LocatedItems"]
    );
    // Legitimate: the exact count; more than returned when Maximum Items cut the list.
    let c = run("<Attributes/>", 1);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["located-items"]);
    let c = run(
        "<MaximumItems type=\"Integer\" value=\"1\"/><Attributes/>",
        3,
    );
    assert!(c.is_match(), "{:?}", c.differences);
}

/// Item 7 (row `vendor-attributes`): KMIP 1.x `x-` attributes are the
/// client's: a server may not add one; `y-` (server) attributes it may.
#[test]
fn vendor_attributes_exclude_client_defined_x_names() {
    let run = |refs: &str, added: &str| {
        let mut x = Exchange::new(V14);
        x.register("k-1", "");
        x.step(
            &req_item("GetAttributes", &format!("{}{refs}", uid("k-1"))),
            &ok_item(
                "GetAttributes",
                &format!("{}{}", uid("k-1"), v1_attr("x-ID", None, "c")),
            ),
            &ok_item(
                "GetAttributes",
                &format!("{}{}{added}", uid("k-1"), v1_attr("x-ID", None, "c")),
            ),
        )
    };
    let named = "<AttributeName type=\"TextString\" value=\"x-ID\"/>";
    for refs in [named, ""] {
        // Wrong: an `x-` attribute the client never set.
        let c = run(refs, &v1_attr("x-pool", None, "p7"));
        assert_eq!(
            diff_paths(&c),
            ["BatchItem[0]/ResponsePayload/Attribute[1]"],
            "{refs}"
        );
        // Legitimate: the server's own `y-` attribute.
        let c = run(refs, &v1_attr("y-pool", None, "p7"));
        assert!(c.is_match(), "{refs}: {:?}", c.differences);
        assert_eq!(masked_rules(&c), ["vendor-attributes"]);
    }
}

const KEY_HEX: &str = "0123456789abcdef0123456789abcdef";
/// SHA-256 of KEY_HEX's bytes.
const KEY_SHA256: &str = "223e0a160af9da0a03e6dd2c4719c56f5d66a633cbe84e78aaa9f3735865522a";

fn digest(value: &str, format: &str) -> String {
    format!("<Digest><HashingAlgorithm type=\"Enumeration\" value=\"SHA_256\"/><DigestValue type=\"ByteString\" value=\"{value}\"/><KeyFormatType type=\"Enumeration\" value=\"{format}\"/></Digest>")
}

/// Item 8 (rows `server-key-digest`, `$DIGEST_VALUE`): the digest has the
/// hashing algorithm's length; with known key material it is computed.
#[test]
fn server_key_digest_is_checked_against_the_hash_and_the_material() {
    // Wrong: an empty $DIGEST_VALUE of a generated key.
    let mut x = Exchange::new((3, 0));
    x.create("k-1");
    let c = get_attributes(
        &mut x,
        "",
        &digest("$DIGEST_VALUE", "Raw"),
        &digest("", "Raw"),
    );
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/Digest/DigestValue"]
    );
    assert!(
        c.differences[0]
            .note
            .contains("0 bytes, but SHA_256 gives 32"),
        "{:?}",
        c.differences
    );
    assert_eq!(c.differences[0].actual, "(empty ByteString)");
    // Legitimate: any 32 bytes for a key whose material the case never saw.
    let mut x = Exchange::new((3, 0));
    x.create("k-1");
    let c = get_attributes(
        &mut x,
        "",
        &digest("$DIGEST_VALUE", "Raw"),
        &digest(&KEY_SHA256.replace("22", "33"), "Raw"),
    );
    assert!(c.is_match(), "{:?}", c.differences);
    // Registered material: the harness computes the digest.
    let registered = |value: &str, format: &str| {
        let mut x = Exchange::new((3, 0));
        x.register("k-1", "");
        get_attributes(
            &mut x,
            "",
            &digest("$DIGEST_VALUE", "Raw"),
            &digest(value, format),
        )
    };
    let c = registered(KEY_SHA256, "Raw");
    assert!(c.is_match(), "{:?}", c.differences);
    let c = registered(&KEY_SHA256.replace("22", "33"), "Raw");
    assert!(
        c.differences[0]
            .note
            .contains("not the SHA_256 digest of the object's Raw key material"),
        "{:?}",
        c.differences
    );
    let c = registered(KEY_SHA256, "TransparentSymmetricKey");
    assert!(!c.is_match());
    assert!(
        c.differences.iter().any(|d| d
            .note
            .contains("but the Digest claims TransparentSymmetricKey")),
        "{:?}",
        c.differences
    );
    // A generated key read back by a Get in the case: its literal digest
    // (row server-key-digest) is computed from what the Get returned.
    let generated = |value: &str| {
        let mut x = Exchange::new(V21);
        x.create("k-1");
        let c = get_key(&mut x, K1, KEY_HEX);
        assert!(c.is_match(), "{:?}", c.differences);
        get_attributes(&mut x, "", DIGEST_E, &digest(value, "Raw"))
    };
    let c = generated(KEY_SHA256);
    assert!(c.is_match(), "{:?}", c.differences);
    assert_eq!(masked_rules(&c), ["server-key-digest"]);
    let c = generated(&KEY_SHA256.replace("22", "33"));
    assert_eq!(
        diff_paths(&c),
        ["BatchItem[0]/ResponsePayload/Attributes/Digest/DigestValue"]
    );
}

/// Item 18: an empty value is not "(absent)".
#[test]
fn empty_values_are_not_shown_as_absent() {
    let mut x = Exchange::new(V21);
    let c = x.step(
        &req_item("Get", &uid("x")),
        &failed("ItemNotFound", None).replace(
            "</BatchItem>",
            "<ResponsePayload><Data type=\"ByteString\" value=\"\"/></ResponsePayload></BatchItem>",
        ),
        &failed("ItemNotFound", None).replace("</BatchItem>", "<ResponsePayload/></BatchItem>"),
    );
    assert_eq!(c.differences.len(), 1, "{:?}", c.differences);
    assert_eq!(c.differences[0].expected, "(empty ByteString)");
    assert_eq!(c.differences[0].actual, "(absent)");
}
