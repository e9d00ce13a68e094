//! Query (Query Operations) against the spec's Operation tables: the
//! operations the reference server lists at KMIP 2.0, 2.1 and 3.0 are
//! exactly the ones the spec defines in that version, minus the documented
//! exclusions (README, "KMIP operations not in Query"). The expected lists
//! are written from the spec tables here, not taken from the server.

use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::result_status as rs;
use kmip_reference_server::spec::tags as t;
use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, Tag, Value};
use std::collections::BTreeSet;

/// KMIP 2.0 Table 432 (Operation Enumeration): 0x01–0x35.
const SPEC_2_0: &[(u32, &str)] = &[
    (0x01, "Create"),
    (0x02, "Create Key Pair"),
    (0x03, "Register"),
    (0x04, "Re-key"),
    (0x05, "Derive Key"),
    (0x06, "Certify"),
    (0x07, "Re-certify"),
    (0x08, "Locate"),
    (0x09, "Check"),
    (0x0A, "Get"),
    (0x0B, "Get Attributes"),
    (0x0C, "Get Attribute List"),
    (0x0D, "Add Attribute"),
    (0x0E, "Modify Attribute"),
    (0x0F, "Delete Attribute"),
    (0x10, "Obtain Lease"),
    (0x11, "Get Usage Allocation"),
    (0x12, "Activate"),
    (0x13, "Revoke"),
    (0x14, "Destroy"),
    (0x15, "Archive"),
    (0x16, "Recover"),
    (0x17, "Validate"),
    (0x18, "Query"),
    (0x19, "Cancel"),
    (0x1A, "Poll"),
    (0x1B, "Notify"),
    (0x1C, "Put"),
    (0x1D, "Re-key Key Pair"),
    (0x1E, "Discover Versions"),
    (0x1F, "Encrypt"),
    (0x20, "Decrypt"),
    (0x21, "Sign"),
    (0x22, "Signature Verify"),
    (0x23, "MAC"),
    (0x24, "MAC Verify"),
    (0x25, "RNG Retrieve"),
    (0x26, "RNG Seed"),
    (0x27, "Hash"),
    (0x28, "Create Split Key"),
    (0x29, "Join Split Key"),
    (0x2A, "Import"),
    (0x2B, "Export"),
    (0x2C, "Log"),
    (0x2D, "Login"),
    (0x2E, "Logout"),
    (0x2F, "Delegated Login"),
    (0x30, "Adjust Attribute"),
    (0x31, "Set Attribute"),
    (0x32, "Set Endpoint Role"),
    (0x33, "PKCS#11"),
    (0x34, "Interop"),
    (0x35, "Re-Provision"),
];

/// KMIP 2.1 Table 470 adds 0x36–0x3B to 2.0's list.
const SPEC_2_1_ADDS: &[(u32, &str)] = &[
    (0x36, "Set Defaults"),
    (0x37, "Set Constraints"),
    (0x38, "Get Constraints"),
    (0x39, "Query Asynchronous Requests"),
    (0x3A, "Process"),
    (0x3B, "Ping"),
];

/// KMIP 3.0 (kmip-3.0-delta.md, Operation) adds 0x3C–0x40 to 2.1's list.
const SPEC_3_0_ADDS: &[(u32, &str)] = &[
    (0x3C, "Create Group"),
    (0x3D, "Obliterate"),
    (0x3E, "Create User"),
    (0x3F, "Create Credential"),
    (0x40, "Deactivate"),
];

/// Never in Query: server-to-client operations (2.1 §7: the server sends
/// Notify and Put to a client, see notify.rs; it does not accept them).
const NEVER: &[u32] = &[0x1B, 0x1C];

fn int(tag: Tag, v: i32) -> Item {
    Item::new(tag, Value::Integer(v))
}

fn query_operations(s: &Server, v: Version) -> BTreeSet<u32> {
    let mut header = vec![Item::structure(
        t::PROTOCOL_VERSION,
        vec![
            int(t::PROTOCOL_VERSION_MAJOR, i32::from(v.major)),
            int(t::PROTOCOL_VERSION_MINOR, i32::from(v.minor)),
        ],
    )];
    if v.major < 3 {
        header.push(int(t::BATCH_COUNT, 1));
    }
    let req = Item::structure(
        t::REQUEST_MESSAGE,
        vec![
            Item::structure(t::REQUEST_HEADER, header),
            Item::structure(
                t::BATCH_ITEM,
                vec![
                    Item::new(t::OPERATION, Value::Enumeration(0x18)),
                    Item::structure(
                        t::REQUEST_PAYLOAD,
                        vec![Item::new(t::QUERY_FUNCTION, Value::Enumeration(0x01))],
                    ),
                ],
            ),
        ],
    );
    let resp = s.handle_message(&req);
    let bi = resp.child(t::BATCH_ITEM).expect("batch item");
    assert_eq!(
        bi.child(t::RESULT_STATUS).map(|i| &i.value),
        Some(&Value::Enumeration(rs::SUCCESS)),
        "Query failed at {v}: {bi:?}"
    );
    let payload = bi.child(t::RESPONSE_PAYLOAD).expect("payload");
    let mut out = BTreeSet::new();
    for o in payload.children_with(t::OPERATION) {
        match o.value {
            Value::Enumeration(c) => assert!(out.insert(c), "{c:#x} listed twice at {v}"),
            ref other => panic!("Operation is not an Enumeration: {other:?}"),
        }
    }
    out
}

fn expected(tables: &[&[(u32, &str)]]) -> BTreeSet<u32> {
    tables
        .iter()
        .flat_map(|t| t.iter().map(|(c, _)| *c))
        .filter(|c| !NEVER.contains(c))
        .collect()
}

fn name(c: u32) -> &'static str {
    [SPEC_2_0, SPEC_2_1_ADDS, SPEC_3_0_ADDS]
        .iter()
        .flat_map(|t| t.iter())
        .find(|(x, _)| *x == c)
        .map(|(_, n)| *n)
        .unwrap_or("(not in the spec tables)")
}

fn check(v: Version, tables: &[&[(u32, &str)]]) {
    let s = Server::in_memory();
    let got = query_operations(&s, v);
    let want = expected(tables);
    let missing: Vec<String> = want
        .difference(&got)
        .map(|c| format!("{c:#04x} {}", name(*c)))
        .collect();
    let extra: Vec<String> = got
        .difference(&want)
        .map(|c| format!("{c:#04x} {}", name(*c)))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "Query Operations at KMIP {v}: missing {missing:?}, not expected {extra:?}"
    );
}

#[test]
fn query_operations_2_1_is_the_spec_table() {
    check(Version::new(2, 1), &[SPEC_2_0, SPEC_2_1_ADDS]);
}

#[test]
fn query_operations_2_0_is_the_spec_table() {
    check(Version::new(2, 0), &[SPEC_2_0]);
}

#[test]
fn query_operations_3_0_is_the_spec_table() {
    check(
        Version::new(3, 0),
        &[SPEC_2_0, SPEC_2_1_ADDS, SPEC_3_0_ADDS],
    );
}
