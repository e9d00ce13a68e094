//! Client robustness probes (`client-test --driver CMD --probe robustness`):
//! the harness, playing the server, answers with the **permitted server
//! variations** real servers produce, and checks that the client copes.
//!
//! Each [`Variation`] is a pure function from a (request, bound response)
//! pair to a varied response ([`Variation::apply`]; `None` when it does not
//! apply to that response). Every variation cites the text that permits it
//! (KMIP Profiles v2.1 §4.1 and the KMIP specification; see
//! `../shared/reference/rules.md` §2.1 for the list):
//!
//! | name | what changes | permitted by |
//! |---|---|---|
//! | `extra-attribute` | one more spec-defined attribute in Get Attributes responses (to a request naming none) and Get Attribute List responses | Profiles v2.1 §4.1.1 item 21 |
//! | `key-value-attribute` | an attribute inside the Key Value structure of Get responses | Profiles v2.1 §4.1.1 item 21; KMIP 1.4 §2.1.4 |
//! | `reordered-attributes` | Get Attributes attributes in reverse order | Profiles v2.1 §4.1.2 item 5 |
//! | `vendor-attribute` | a server custom attribute (`y-…` in 1.x, Vendor Attribute in 2.x), Text String | Profiles v2.1 §4.1 "Vendor Attributes"; KMIP 1.4 §3.39 |
//! | `vendor-attribute-typed` | the same with an Integer value | KMIP 1.4 §3.39 (custom attributes of any type) |
//! | `result-message-present` | a Result Message in every batch item lacking one | Profiles v2.1 §4.1 "Result Message"; KMIP 1.4 §6.11 |
//! | `result-message-absent` | every Result Message removed | Profiles v2.1 §4.1 "Result Message" |
//! | `extra-protocol-versions` | Discover Versions (request listing none) lists more versions | Profiles v2.1 §4.1 response variations |
//! | `server-information` | Query's Server Information holds vendor content (extension tags) | Profiles v2.1 §4.1 "Server Information"; KMIP 1.4 §9.1.3.1 (tags 540000–54FFFF) |
//! | `vendor-identification` | another Query Vendor Identification value | Profiles v2.1 §4.1 "Vendor Identification" |
//! | `message-extension` | a non-critical Message Extension on every batch item | Profiles v2.1 §4.1 "non-critical Message Extensions"; KMIP 1.4 §6.16 |
//!
//! The session ([`super::session::execute_with_driver`]) runs a case first
//! as recorded; when that passes, it re-runs the case once per variation
//! that applies to one of its recorded responses ([`applies_to`]), with the
//! scenario varying the responses it sends. A client that breaks (driver
//! exit 1 or 2, connection dropped = incomplete, a wrong follow-up
//! request) fails the clause `robustness: <variation>` of every client
//! profile listing the case ([`attach`]), with the case and the reason as
//! evidence.

use std::sync::{Arc, Mutex};

use kmip_testcase::case::TestCase;
use kmip_testcase::profile::Role;
use kmip_testcase::results::{ClauseEvidence, ClauseVerdict, ProfileClause, RunResults, Status};
use kmip_ttlv::enums::operation;
use kmip_ttlv::{tags, Item, Tag, Value};

/// The `suite` of every robustness clause (see [`ProfileClause::suite`]).
pub const SUITE: &str = "Client robustness";

/// First tag of the extension range (KMIP 1.4 §9.1.3.1: 540000–54FFFF).
const EXTENSION_TAG: u32 = 0x54_0000;
/// Result Status Success.
const SUCCESS: u32 = 0;

fn tag(name: &str) -> Tag {
    Tag(kmip_ttlv::dict::tag_by_name(name).unwrap_or(0))
}

/// One permitted server variation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variation {
    /// One more spec-defined attribute in Get Attributes (request naming
    /// none) / Get Attribute List responses.
    ExtraAttribute,
    /// One more attribute in the Key Value structure of Get responses.
    KeyValueAttribute,
    /// Get Attributes attributes in another order.
    ReorderedAttributes,
    /// A server custom / vendor attribute, Text String value.
    VendorAttribute,
    /// A server custom / vendor attribute, Integer value.
    VendorAttributeTyped,
    /// A Result Message where the recorded response has none.
    ResultMessagePresent,
    /// No Result Message where the recorded response has one.
    ResultMessageAbsent,
    /// More protocol versions in Discover Versions.
    ExtraProtocolVersions,
    /// Vendor content in Query's Server Information.
    ServerInformation,
    /// Another Vendor Identification in Query.
    VendorIdentification,
    /// A non-critical Message Extension on every batch item.
    MessageExtension,
}

impl Variation {
    /// Every variation, in report order.
    pub const ALL: [Variation; 11] = [
        Variation::ExtraAttribute,
        Variation::KeyValueAttribute,
        Variation::ReorderedAttributes,
        Variation::VendorAttribute,
        Variation::VendorAttributeTyped,
        Variation::ResultMessagePresent,
        Variation::ResultMessageAbsent,
        Variation::ExtraProtocolVersions,
        Variation::ServerInformation,
        Variation::VendorIdentification,
        Variation::MessageExtension,
    ];

    /// Its name (`extra-attribute`), as on the command line and in the
    /// clause id `robustness: <name>`.
    pub fn name(self) -> &'static str {
        match self {
            Variation::ExtraAttribute => "extra-attribute",
            Variation::KeyValueAttribute => "key-value-attribute",
            Variation::ReorderedAttributes => "reordered-attributes",
            Variation::VendorAttribute => "vendor-attribute",
            Variation::VendorAttributeTyped => "vendor-attribute-typed",
            Variation::ResultMessagePresent => "result-message-present",
            Variation::ResultMessageAbsent => "result-message-absent",
            Variation::ExtraProtocolVersions => "extra-protocol-versions",
            Variation::ServerInformation => "server-information",
            Variation::VendorIdentification => "vendor-identification",
            Variation::MessageExtension => "message-extension",
        }
    }

    /// The variation named `name`.
    pub fn parse(name: &str) -> Option<Variation> {
        Variation::ALL.into_iter().find(|v| v.name() == name.trim())
    }

    /// What the harness changes, for the clause text.
    pub fn description(self) -> &'static str {
        match self {
            Variation::ExtraAttribute => {
                "an additional spec-defined date attribute (Original Creation Date, Last Change Date or Initial Date) in Get Attributes responses to a request naming no attribute, and its name in Get Attribute List responses"
            }
            Variation::KeyValueAttribute => {
                "an attribute (a date: Original Creation Date, Last Change Date or Initial Date) inside the Key Value structure of Get responses"
            }
            Variation::ReorderedAttributes => {
                "the attributes of Get Attributes responses in another order (reversed)"
            }
            Variation::VendorAttribute => {
                "a server custom attribute (KMIP 1.x `y-kmip-harness-probe`, KMIP 2.x Vendor Attribute) with a Text String value in Get Attributes responses"
            }
            Variation::VendorAttributeTyped => {
                "a server custom attribute (as vendor-attribute) with an Integer value in Get Attributes responses"
            }
            Variation::ResultMessagePresent => {
                "a Result Message in every response batch item that has none"
            }
            Variation::ResultMessageAbsent => "no Result Message in any response batch item",
            Variation::ExtraProtocolVersions => {
                "additional protocol versions (lowest preference) in Discover Versions responses to a request that lists none"
            }
            Variation::ServerInformation => {
                "vendor content (extension tags 0x540000-0x540001) inside Query's Server Information"
            }
            Variation::VendorIdentification => "another Vendor Identification value in Query responses",
            Variation::MessageExtension => {
                "a non-critical Message Extension (Criticality Indicator False) on every response batch item"
            }
        }
    }

    /// Where the variation is permitted.
    pub fn citation(self) -> &'static str {
        match self {
            Variation::ExtraAttribute => {
                "KMIP Profiles v2.1 §4.1.1 item 21 (\"Additional attributes beyond those noted in the response\")"
            }
            Variation::KeyValueAttribute => {
                "KMIP Profiles v2.1 §4.1.1 item 21 (\"Additional attributes beyond those noted in the response\"); KMIP 1.4 §2.1.4 (Key Value: \"OPTIONAL attribute information\", Attribute MAY be repeated); KMIP 2.1 §3.2 (Key Value: OPTIONAL Attributes)"
            }
            Variation::ReorderedAttributes => {
                "KMIP Profiles v2.1 §4.1.2 item 5 (\"The order of Attributes returned in a Get Attributes operation is not specified … Any permutation … is allowed\")"
            }
            Variation::VendorAttribute => {
                "KMIP Profiles v2.1 §4.1 response variations (\"Vendor Attributes\"); KMIP 1.4 §3.39 (server custom attributes, prefix 'y-'); SKLC Profile v1.0 §4.7"
            }
            Variation::VendorAttributeTyped => {
                "KMIP Profiles v2.1 §4.1 response variations (\"Vendor Attributes\"); KMIP 1.4 §3.39 (Custom Attribute value: any data type)"
            }
            Variation::ResultMessagePresent => {
                "KMIP Profiles v2.1 §4.1 (\"Result Message – May or may not be included\"); KMIP 1.4 §6.11 (\"This field MAY be returned in a response\")"
            }
            Variation::ResultMessageAbsent => {
                "KMIP Profiles v2.1 §4.1 (\"Result Message – May or may not be included\")"
            }
            Variation::ExtraProtocolVersions => {
                "KMIP Profiles v2.1 §4.1 response variations (additional Protocol Versions in Discover Versions when the request lists none)"
            }
            Variation::ServerInformation => {
                "KMIP Profiles v2.1 §4.1 (\"Server Information – the contents … MAY vary\"); KMIP 1.4 §9.1.3.1 (tags 540000–54FFFF: extensions)"
            }
            Variation::VendorIdentification => {
                "KMIP Profiles v2.1 §4.1 response variations (\"Vendor Identification\" value)"
            }
            Variation::MessageExtension => {
                "KMIP Profiles v2.1 §4.1 response variations (non-critical Message Extensions); KMIP 1.4 §6.16 (a receiver MAY ignore a non-critical extension)"
            }
        }
    }

    /// The varied `response` to `request`, or `None` when the variation
    /// does not apply to it (nothing changed). `now` = unix seconds (the
    /// value of added dates). Pure.
    pub fn apply(self, request: &Item, response: &Item, now: i64) -> Option<Item> {
        let version = protocol_version(response);
        let mut out = response.clone();
        let mut changed = false;
        let req_items: Vec<&Item> = request.children_with(tags::BATCH_ITEM).collect();
        let children = out.children_mut()?;
        let items = children.iter_mut().filter(|c| c.tag == tags::BATCH_ITEM);
        for (index, b) in items.enumerate() {
            let req = req_items.get(index).copied();
            let op = op_of(b).or_else(|| req.and_then(op_of));
            changed |= match self {
                Variation::ResultMessagePresent => add_result_message(b),
                Variation::ResultMessageAbsent => remove_all(b, tags::RESULT_MESSAGE),
                Variation::MessageExtension => add_message_extension(b),
                _ if !succeeded(b) => false,
                Variation::ExtraAttribute => match op {
                    // Only when the request named no attribute: asked for
                    // specific ones, a server returns those (the reading
                    // of docs/masking.md `attributes-all-extra`).
                    Some(operation::GET_ATTRIBUTES) if !names_attributes(req) => {
                        with_payload(b, |p| extra_attribute(p, version, now))
                    }
                    Some(operation::GET_ATTRIBUTE_LIST) => {
                        with_payload(b, |p| extra_attribute_name(p, version))
                    }
                    _ => false,
                },
                Variation::KeyValueAttribute if op == Some(operation::GET) => {
                    with_payload(b, |p| extra_key_value_attribute(p, version, now))
                }
                Variation::ReorderedAttributes if op == Some(operation::GET_ATTRIBUTES) => {
                    with_payload(b, |p| reorder_attributes(p, version))
                }
                Variation::VendorAttribute if op == Some(operation::GET_ATTRIBUTES) => {
                    let v = Value::TextString("kmip-harness robustness probe".to_string());
                    with_payload(b, |p| vendor_attribute(p, version, v))
                }
                Variation::VendorAttributeTyped if op == Some(operation::GET_ATTRIBUTES) => {
                    with_payload(b, |p| vendor_attribute(p, version, Value::Integer(7)))
                }
                Variation::ExtraProtocolVersions if op == Some(operation::DISCOVER_VERSIONS) => {
                    let lists_none = req
                        .and_then(|r| r.child(tags::REQUEST_PAYLOAD))
                        .is_none_or(|p| p.child(tags::PROTOCOL_VERSION).is_none());
                    lists_none && with_payload(b, extra_versions)
                }
                Variation::ServerInformation if op == Some(operation::QUERY) => {
                    with_payload(b, server_information)
                }
                Variation::VendorIdentification if op == Some(operation::QUERY) => {
                    with_payload(b, vendor_identification)
                }
                _ => false,
            };
        }
        changed.then_some(out)
    }
}

/// True when `variation` changes at least one recorded response of `case`
/// (placeholders unbound: the variations never look at the values they
/// would replace).
pub fn applies_to(variation: Variation, case: &TestCase) -> bool {
    case.steps
        .iter()
        .any(|s| variation.apply(&s.request, &s.response, 0).is_some())
}

/// The steps (1-based) whose responses a varied run changed.
pub type VariedSteps = Arc<Mutex<Vec<usize>>>;

/// The outcome of one case re-run under one variation.
#[derive(Clone, Debug)]
pub struct ProbeRun {
    /// Case id.
    pub case: String,
    /// The variation.
    pub variation: Variation,
    /// Status of the varied run (the baseline passed).
    pub status: Status,
    /// Its reason (driver exit, request diff, incomplete …).
    pub reason: String,
    /// The steps whose responses were varied (1-based).
    pub steps: Vec<usize>,
}

impl ProbeRun {
    /// `Some(true)`: the client coped; `Some(false)`: it broke; `None`: no
    /// decision (no response was varied, or the driver could not express
    /// the varied run).
    pub fn coped(&self) -> Option<bool> {
        if self.steps.is_empty() {
            return None;
        }
        match self.status {
            Status::Pass => Some(true),
            Status::Fail | Status::Error => Some(false),
            _ => None,
        }
    }

    fn evidence_line(&self) -> String {
        let steps: Vec<String> = self.steps.iter().map(usize::to_string).collect();
        let what = if steps.is_empty() {
            "no response varied".to_string()
        } else {
            format!("step(s) {} varied", steps.join(","))
        };
        if self.reason.is_empty() {
            format!("{}: {what}: {}", self.case, self.status.as_str())
        } else {
            format!(
                "{}: {what}: {}: {}",
                self.case,
                self.status.as_str(),
                self.reason
            )
        }
    }
}

/// One line on the probes of one case, for its reason (the only place a
/// case listed by no client profile shows them): `robustness probes:
/// coped with a, b; broke on c; undecided d`.
pub fn summary(runs: &[&ProbeRun]) -> String {
    let names = |want: Option<bool>| {
        runs.iter()
            .filter(|r| r.coped() == want)
            .map(|r| r.variation.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    for (label, want) in [
        ("coped with", Some(true)),
        ("broke on", Some(false)),
        ("undecided", None),
    ] {
        let n = names(want);
        if !n.is_empty() {
            parts.push(format!("{label} {n}"));
        }
    }
    format!("robustness probes: {}", parts.join("; "))
}

/// The clause `robustness: <variation>` over `runs` (the runs of one
/// profile's cases for that variation): fail if the client broke in one,
/// pass if it coped in at least one and broke in none, else not assessed.
pub fn clause(variation: Variation, runs: &[&ProbeRun]) -> ProfileClause {
    let mut evidence = ClauseEvidence {
        offered: runs.iter().map(|r| r.case.clone()).collect(),
        ..Default::default()
    };
    for r in runs {
        let line = r.evidence_line();
        match r.coped() {
            Some(true) => evidence.accepted.push(line),
            Some(false) => evidence.refused.push(line),
            None => evidence.inconclusive.push(line),
        }
    }
    let (verdict, reason) = if !evidence.refused.is_empty() {
        (
            ClauseVerdict::Fail,
            format!(
                "the client broke on this permitted server variation in {} of {} case(s)",
                evidence.refused.len(),
                runs.len()
            ),
        )
    } else if !evidence.accepted.is_empty() {
        (ClauseVerdict::Pass, String::new())
    } else {
        (
            ClauseVerdict::NotAssessed,
            "no varied run reached a decision".to_string(),
        )
    };
    ProfileClause {
        id: format!("robustness: {}", variation.name()),
        text: format!(
            "the client copes with a permitted server variation: {}",
            variation.description()
        ),
        verdict,
        suite: SUITE.to_string(),
        source: variation.citation().to_string(),
        reason,
        evidence,
    }
}

/// Attach one `robustness: <variation>` clause per probed variation to
/// every client profile of `results` that lists a probed case. A failed
/// clause makes the profile not conformant (as every failed clause).
/// Returns how many clauses were attached.
pub fn attach(results: &mut RunResults, runs: &[ProbeRun]) -> usize {
    let mut attached = 0;
    let listed = |profile: &str, case: &str| {
        results
            .cases
            .iter()
            .any(|c| c.id == case && c.profiles.iter().any(|p| p == profile))
    };
    let mut clauses: Vec<(usize, ProfileClause)> = Vec::new();
    for (i, p) in results.profiles.iter().enumerate() {
        if p.role != Role::Client.as_str() {
            continue;
        }
        for v in Variation::ALL {
            let mine: Vec<&ProbeRun> = runs
                .iter()
                .filter(|r| r.variation == v)
                .filter(|r| listed(&p.id, &r.case))
                .collect();
            if !mine.is_empty() {
                clauses.push((i, clause(v, &mine)));
            }
        }
    }
    for (i, c) in clauses {
        let Some(p) = results.profiles.get_mut(i) else {
            continue;
        };
        if c.verdict == ClauseVerdict::Fail {
            p.conformant = false;
            p.incomplete = false;
        }
        p.clauses.retain(|k| k.id != c.id);
        p.clauses.push(c);
        attached += 1;
    }
    attached
}

/// `(major, minor)` of a message's header.
fn protocol_version(message: &Item) -> (i32, i32) {
    let pv = message
        .child(tags::RESPONSE_HEADER)
        .or_else(|| message.child(tags::REQUEST_HEADER))
        .and_then(|h| h.child(tags::PROTOCOL_VERSION));
    let num = |t| match pv.and_then(|p| p.child(t)).map(|i| &i.value) {
        Some(Value::Integer(n)) => *n,
        _ => 0,
    };
    (
        num(tags::PROTOCOL_VERSION_MAJOR),
        num(tags::PROTOCOL_VERSION_MINOR),
    )
}

fn op_of(batch_item: &Item) -> Option<u32> {
    match batch_item.child(tags::OPERATION).map(|o| &o.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    }
}

fn succeeded(batch_item: &Item) -> bool {
    matches!(
        batch_item.child(tags::RESULT_STATUS).map(|s| &s.value),
        Some(Value::Enumeration(SUCCESS))
    )
}

fn with_payload(batch_item: &mut Item, f: impl FnOnce(&mut Item) -> bool) -> bool {
    batch_item.child_mut(tags::RESPONSE_PAYLOAD).is_some_and(f)
}

fn remove_all(item: &mut Item, t: Tag) -> bool {
    let Some(children) = item.children_mut() else {
        return false;
    };
    let before = children.len();
    children.retain(|c| c.tag != t);
    children.len() != before
}

fn add_result_message(batch_item: &mut Item) -> bool {
    if batch_item.child(tags::RESULT_MESSAGE).is_some() {
        return false;
    }
    let Some(children) = batch_item.children_mut() else {
        return false;
    };
    // After Result Status / Result Reason (KMIP 1.4 §7.1 field order).
    let at = children
        .iter()
        .rposition(|c| c.tag == tags::RESULT_STATUS || c.tag == tags::RESULT_REASON)
        .map_or(children.len(), |i| i + 1);
    children.insert(
        at,
        Item::new(
            tags::RESULT_MESSAGE,
            Value::TextString("kmip-harness robustness probe: informational result message".into()),
        ),
    );
    true
}

fn add_message_extension(batch_item: &mut Item) -> bool {
    let Some(children) = batch_item.children_mut() else {
        return false;
    };
    children.push(Item::structure(
        tags::MESSAGE_EXTENSION,
        vec![
            Item::new(
                tags::VENDOR_IDENTIFICATION,
                Value::TextString("kmip-harness".into()),
            ),
            Item::new(tags::CRITICALITY_INDICATOR, Value::Boolean(false)),
            Item::structure(
                tags::VENDOR_EXTENSION,
                vec![Item::new(
                    Tag(EXTENSION_TAG),
                    Value::TextString("robustness probe".into()),
                )],
            ),
        ],
    ));
    true
}

/// Date attributes a server may add, newest first: (KMIP 1.x name, tag,
/// first minor version of KMIP 1.x that defines it).
const EXTRA_DATES: [(&str, &str, i32); 3] = [
    ("Original Creation Date", "OriginalCreationDate", 4),
    ("Last Change Date", "LastChangeDate", 0),
    ("Initial Date", "InitialDate", 0),
];

fn attribute_names(parent: &Item) -> Vec<String> {
    parent
        .children_with(tags::ATTRIBUTE)
        .filter_map(|a| a.child(tags::ATTRIBUTE_NAME))
        .filter_map(|n| n.value.as_text().map(str::to_string))
        .collect()
}

/// Add the first date attribute of [`EXTRA_DATES`] that `parent` lacks
/// and the version defines: a KMIP 1.x `Attribute` child of `parent`, or
/// (2.x) a child of its `Attributes` structure (created when `create`).
fn add_date_attribute(parent: &mut Item, version: (i32, i32), now: i64, create: bool) -> bool {
    if version.0 >= 2 {
        if parent.child(tags::ATTRIBUTES).is_none() {
            if !create {
                return false;
            }
            if let Some(c) = parent.children_mut() {
                c.push(Item::structure(tags::ATTRIBUTES, Vec::new()));
            }
        }
        let Some(attrs) = parent.child_mut(tags::ATTRIBUTES) else {
            return false;
        };
        for (_, t, _) in EXTRA_DATES {
            let t = tag(t);
            if attrs.child(t).is_none() {
                if let Some(c) = attrs.children_mut() {
                    c.push(Item::new(t, Value::DateTime(now)));
                    return true;
                }
            }
        }
        return false;
    }
    let have = attribute_names(parent);
    let Some((name, _, _)) = EXTRA_DATES
        .iter()
        .find(|(n, _, since)| version.1 >= *since && !have.iter().any(|h| h == n))
    else {
        return false;
    };
    let Some(children) = parent.children_mut() else {
        return false;
    };
    children.push(Item::structure(
        tags::ATTRIBUTE,
        vec![
            Item::new(tags::ATTRIBUTE_NAME, Value::TextString((*name).to_string())),
            Item::new(tags::ATTRIBUTE_VALUE, Value::DateTime(now)),
        ],
    ));
    true
}

/// The Get Attributes request item names attributes (1.x Attribute
/// Name, 2.x Attribute Reference).
fn names_attributes(request_item: Option<&Item>) -> bool {
    request_item
        .and_then(|r| r.child(tags::REQUEST_PAYLOAD))
        .is_some_and(|p| {
            p.child(tags::ATTRIBUTE_NAME).is_some() || p.child(tags::ATTRIBUTE_REFERENCE).is_some()
        })
}

/// Get Attribute List: one more attribute name (1.x Attribute Name) or
/// reference (2.x Attribute Reference, an enumeration of the tag) the
/// list lacks (docs/masking.md `attribute-list-extra`).
fn extra_attribute_name(payload: &mut Item, version: (i32, i32)) -> bool {
    if version.0 >= 2 {
        let listed: Vec<u32> = payload
            .children_with(tags::ATTRIBUTE_REFERENCE)
            .filter_map(|r| match r.value {
                Value::Enumeration(v) => Some(v),
                _ => None,
            })
            .collect();
        let Some(code) = EXTRA_DATES
            .iter()
            .map(|(_, t, _)| tag(t).0)
            .find(|t| !listed.contains(t))
        else {
            return false;
        };
        let Some(c) = payload.children_mut() else {
            return false;
        };
        c.push(Item::new(
            tags::ATTRIBUTE_REFERENCE,
            Value::Enumeration(code),
        ));
        return true;
    }
    let listed: Vec<String> = payload
        .children_with(tags::ATTRIBUTE_NAME)
        .filter_map(|n| n.value.as_text().map(str::to_string))
        .collect();
    let Some((name, _, _)) = EXTRA_DATES
        .iter()
        .find(|(n, _, since)| version.1 >= *since && !listed.iter().any(|l| l == n))
    else {
        return false;
    };
    let Some(c) = payload.children_mut() else {
        return false;
    };
    c.push(Item::new(
        tags::ATTRIBUTE_NAME,
        Value::TextString((*name).to_string()),
    ));
    true
}

fn extra_attribute(payload: &mut Item, version: (i32, i32), now: i64) -> bool {
    add_date_attribute(payload, version, now, false)
}

/// Get: the Key Value structure of the returned key (not a wrapped,
/// Byte String Key Value).
fn extra_key_value_attribute(payload: &mut Item, version: (i32, i32), now: i64) -> bool {
    let Some(children) = payload.children_mut() else {
        return false;
    };
    for object in children.iter_mut() {
        let Some(kv) = object
            .child_mut(tags::KEY_BLOCK)
            .and_then(|kb| kb.child_mut(tags::KEY_VALUE))
        else {
            continue;
        };
        if matches!(kv.value, Value::Structure(_)) {
            return add_date_attribute(kv, version, now, true);
        }
    }
    false
}

fn reorder_attributes(payload: &mut Item, version: (i32, i32)) -> bool {
    let target = if version.0 >= 2 {
        match payload.child_mut(tags::ATTRIBUTES) {
            Some(a) => a,
            None => return false,
        }
    } else {
        payload
    };
    let is_attr = |c: &Item| version.0 >= 2 || c.tag == tags::ATTRIBUTE;
    let Some(children) = target.children_mut() else {
        return false;
    };
    let slots: Vec<usize> = (0..children.len())
        .filter(|&i| is_attr(&children[i]))
        .collect();
    let attrs: Vec<Item> = slots.iter().map(|&i| children[i].clone()).collect();
    let reversed: Vec<Item> = attrs.iter().rev().cloned().collect();
    if reversed == attrs {
        return false;
    }
    for (slot, item) in slots.into_iter().zip(reversed) {
        children[slot] = item;
    }
    true
}

fn vendor_attribute(payload: &mut Item, version: (i32, i32), value: Value) -> bool {
    if version.0 >= 2 {
        let Some(c) = payload
            .child_mut(tags::ATTRIBUTES)
            .and_then(Item::children_mut)
        else {
            return false;
        };
        c.push(Item::structure(
            tags::ATTRIBUTE,
            vec![
                Item::new(
                    tags::VENDOR_IDENTIFICATION,
                    Value::TextString("kmip-harness".into()),
                ),
                Item::new(tags::ATTRIBUTE_NAME, Value::TextString("probe".into())),
                Item::new(tags::ATTRIBUTE_VALUE, value),
            ],
        ));
        return true;
    }
    // Only where the payload already returns attributes (1.x).
    if payload.child(tags::ATTRIBUTE).is_none() && payload.child(tags::UNIQUE_IDENTIFIER).is_none()
    {
        return false;
    }
    let Some(c) = payload.children_mut() else {
        return false;
    };
    c.push(Item::structure(
        tags::ATTRIBUTE,
        vec![
            Item::new(
                tags::ATTRIBUTE_NAME,
                Value::TextString("y-kmip-harness-probe".into()),
            ),
            Item::new(tags::ATTRIBUTE_VALUE, value),
        ],
    ));
    true
}

/// Protocol versions a server may add, highest first.
const KNOWN_VERSIONS: [(i32, i32); 7] = [(2, 1), (2, 0), (1, 4), (1, 3), (1, 2), (1, 1), (1, 0)];

fn extra_versions(payload: &mut Item) -> bool {
    let listed: Vec<(i32, i32)> = payload
        .children_with(tags::PROTOCOL_VERSION)
        .map(|pv| {
            let num = |t| match pv.child(t).map(|i| &i.value) {
                Some(Value::Integer(n)) => *n,
                _ => -1,
            };
            (
                num(tags::PROTOCOL_VERSION_MAJOR),
                num(tags::PROTOCOL_VERSION_MINOR),
            )
        })
        .collect();
    let Some(children) = payload.children_mut() else {
        return false;
    };
    let mut changed = false;
    // Appended: the lowest preference (KMIP 1.4 §4.26: ranked in
    // decreasing order of preference).
    for (major, minor) in KNOWN_VERSIONS {
        if !listed.contains(&(major, minor)) {
            children.push(Item::structure(
                tags::PROTOCOL_VERSION,
                vec![
                    Item::new(tags::PROTOCOL_VERSION_MAJOR, Value::Integer(major)),
                    Item::new(tags::PROTOCOL_VERSION_MINOR, Value::Integer(minor)),
                ],
            ));
            changed = true;
        }
    }
    changed
}

fn server_information(payload: &mut Item) -> bool {
    let Some(si) = payload.child_mut(tags::SERVER_INFORMATION) else {
        return false;
    };
    si.value = Value::Structure(vec![
        Item::new(
            Tag(EXTENSION_TAG),
            Value::TextString("kmip-harness robustness probe".into()),
        ),
        Item::new(Tag(EXTENSION_TAG + 1), Value::Integer(1)),
    ]);
    true
}

fn vendor_identification(payload: &mut Item) -> bool {
    let Some(v) = payload.child_mut(tags::VENDOR_IDENTIFICATION) else {
        return false;
    };
    let new = Value::TextString("kmip-harness robustness probe vendor".into());
    if v.value == new {
        return false;
    }
    v.value = new;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use kmip_testcase::case::load_str;
    use std::path::Path;

    fn header(kind: &str, major: i32, minor: i32) -> String {
        format!(
            r#"<{kind}><ProtocolVersion><ProtocolVersionMajor type="Integer" value="{major}"/><ProtocolVersionMinor type="Integer" value="{minor}"/></ProtocolVersion><BatchCount type="Integer" value="1"/></{kind}>"#
        )
    }

    /// One step: `request_payload` / `response_payload` of operation `op`.
    fn step(
        op: &str,
        v: (i32, i32),
        request_payload: &str,
        response_payload: &str,
        extra: &str,
    ) -> String {
        format!(
            r#"<RequestMessage>{}<BatchItem><Operation type="Enumeration" value="{op}"/><RequestPayload>{request_payload}</RequestPayload></BatchItem></RequestMessage>
<ResponseMessage>{}<BatchItem><Operation type="Enumeration" value="{op}"/><ResultStatus type="Enumeration" value="Success"/>{extra}<ResponsePayload>{response_payload}</ResponsePayload></BatchItem></ResponseMessage>"#,
            header("RequestHeader", v.0, v.1),
            header("ResponseHeader", v.0, v.1)
        )
    }

    fn case(steps: &[String]) -> TestCase {
        load_str(
            &format!("<KMIP>{}</KMIP>", steps.concat()),
            Path::new("KH-T-1.xml"),
        )
        .expect("case loads")
    }

    const ATTRS_14: &str = r#"<UniqueIdentifier type="TextString" value="u1"/><Attribute><AttributeName type="TextString" value="State"/><AttributeValue type="Enumeration" value="PreActive"/></Attribute><Attribute><AttributeName type="TextString" value="Cryptographic Length"/><AttributeValue type="Integer" value="256"/></Attribute>"#;
    const ATTRS_21: &str = r#"<UniqueIdentifier type="TextString" value="u1"/><Attributes><State type="Enumeration" value="PreActive"/><CryptographicLength type="Integer" value="256"/></Attributes>"#;

    fn names(payload: &Item) -> Vec<String> {
        attribute_names(payload)
    }

    fn payload(message: &Item) -> &Item {
        message
            .path(&["BatchItem", "ResponsePayload"])
            .expect("payload")
    }

    #[test]
    fn extra_attribute_in_get_attributes_1x_and_2x() {
        let c = case(&[step(
            "GetAttributes",
            (1, 4),
            r#"<UniqueIdentifier type="TextString" value="u1"/>"#,
            ATTRS_14,
            "",
        )]);
        let s = &c.steps[0];
        let v = Variation::ExtraAttribute
            .apply(&s.request, &s.response, 1_700_000_000)
            .expect("applies");
        let n = names(payload(&v));
        assert_eq!(
            n,
            ["State", "Cryptographic Length", "Original Creation Date"]
        );
        let added = payload(&v)
            .children_with(tags::ATTRIBUTE)
            .last()
            .expect("added");
        assert_eq!(
            added.child(tags::ATTRIBUTE_VALUE).map(|x| &x.value),
            Some(&Value::DateTime(1_700_000_000))
        );
        // KMIP 1.0 has no Original Creation Date: Last Change Date instead.
        let c = case(&[step("GetAttributes", (1, 0), "", ATTRS_14, "")]);
        let v = Variation::ExtraAttribute
            .apply(&c.steps[0].request, &c.steps[0].response, 5)
            .expect("applies");
        assert_eq!(
            names(payload(&v)).last().map(String::as_str),
            Some("Last Change Date")
        );
        // 2.x: a tagged child of Attributes.
        let c = case(&[step("GetAttributes", (2, 1), "", ATTRS_21, "")]);
        let v = Variation::ExtraAttribute
            .apply(&c.steps[0].request, &c.steps[0].response, 5)
            .expect("applies");
        let attrs = payload(&v).child(tags::ATTRIBUTES).expect("attributes");
        assert_eq!(
            attrs.child(tag("OriginalCreationDate")).map(|x| &x.value),
            Some(&Value::DateTime(5))
        );
        assert_eq!(attrs.children().len(), 3);
    }

    #[test]
    fn extra_attribute_only_when_no_attribute_was_named() {
        let named = r#"<UniqueIdentifier type="TextString" value="u1"/><AttributeName type="TextString" value="State"/>"#;
        let c = case(&[step("GetAttributes", (1, 4), named, ATTRS_14, "")]);
        assert!(!applies_to(Variation::ExtraAttribute, &c));
        let named = r#"<UniqueIdentifier type="TextString" value="u1"/><AttributeReference type="Enumeration" value="State"/>"#;
        let c = case(&[step("GetAttributes", (2, 1), named, ATTRS_21, "")]);
        assert!(!applies_to(Variation::ExtraAttribute, &c));
    }

    #[test]
    fn extra_attribute_name_in_get_attribute_list() {
        let list = r#"<UniqueIdentifier type="TextString" value="u1"/><AttributeName type="TextString" value="State"/>"#;
        let c = case(&[step("GetAttributeList", (1, 2), "", list, "")]);
        let v = Variation::ExtraAttribute
            .apply(&c.steps[0].request, &c.steps[0].response, 0)
            .expect("applies");
        let names: Vec<&str> = payload(&v)
            .children_with(tags::ATTRIBUTE_NAME)
            .filter_map(|n| n.value.as_text())
            .collect();
        assert_eq!(names, ["State", "Last Change Date"]);
        let list = r#"<UniqueIdentifier type="TextString" value="u1"/><AttributeReference type="Enumeration" value="State"/>"#;
        let c = case(&[step("GetAttributeList", (2, 1), "", list, "")]);
        let v = Variation::ExtraAttribute
            .apply(&c.steps[0].request, &c.steps[0].response, 0)
            .expect("applies");
        let last = payload(&v).children().last().expect("added");
        assert_eq!(
            last.value,
            Value::Enumeration(tag("OriginalCreationDate").0)
        );
    }

    #[test]
    fn key_value_attribute_in_get_not_in_wrapped_keys() {
        let key = |kv: &str| {
            format!(
                r#"<ObjectType type="Enumeration" value="SymmetricKey"/><UniqueIdentifier type="TextString" value="u1"/><SymmetricKey><KeyBlock><KeyFormatType type="Enumeration" value="Raw"/>{kv}</KeyBlock></SymmetricKey>"#
            )
        };
        let plain = key(r#"<KeyValue><KeyMaterial type="ByteString" value="0011"/></KeyValue>"#);
        let c = case(&[step("Get", (1, 2), "", &plain, "")]);
        assert!(!applies_to(Variation::ExtraAttribute, &c));
        let v = Variation::KeyValueAttribute
            .apply(&c.steps[0].request, &c.steps[0].response, 9)
            .expect("applies");
        let kv = v
            .path(&[
                "BatchItem",
                "ResponsePayload",
                "SymmetricKey",
                "KeyBlock",
                "KeyValue",
            ])
            .expect("key value");
        assert_eq!(names(kv), ["Last Change Date"]);
        let wrapped = key(r#"<KeyValue type="ByteString" value="0011"/>"#);
        let c = case(&[step("Get", (1, 2), "", &wrapped, "")]);
        assert!(Variation::KeyValueAttribute
            .apply(&c.steps[0].request, &c.steps[0].response, 9)
            .is_none());
    }

    #[test]
    fn reordered_attributes_is_a_permutation() {
        let c = case(&[step("GetAttributes", (1, 4), "", ATTRS_14, "")]);
        let s = &c.steps[0];
        let v = Variation::ReorderedAttributes
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        assert_eq!(names(payload(&v)), ["Cryptographic Length", "State"]);
        // The identifier keeps its place; nothing is lost.
        assert_eq!(payload(&v).children()[0].tag, tags::UNIQUE_IDENTIFIER);
        assert_eq!(
            payload(&v).children().len(),
            payload(&s.response).children().len()
        );
        let c = case(&[step("GetAttributes", (2, 1), "", ATTRS_21, "")]);
        let v = Variation::ReorderedAttributes
            .apply(&c.steps[0].request, &c.steps[0].response, 0)
            .expect("applies");
        let attrs = payload(&v).child(tags::ATTRIBUTES).expect("attributes");
        assert_eq!(attrs.children()[0].tag, tag("CryptographicLength"));
        // One attribute: no other order exists.
        let one = r#"<UniqueIdentifier type="TextString" value="u1"/><Attribute><AttributeName type="TextString" value="State"/><AttributeValue type="Enumeration" value="PreActive"/></Attribute>"#;
        let c = case(&[step("GetAttributes", (1, 4), "", one, "")]);
        assert!(!applies_to(Variation::ReorderedAttributes, &c));
    }

    #[test]
    fn vendor_attributes_follow_the_version_naming() {
        let c = case(&[step("GetAttributes", (1, 4), "", ATTRS_14, "")]);
        let s = &c.steps[0];
        let v = Variation::VendorAttribute
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        assert_eq!(
            names(payload(&v)).last().map(String::as_str),
            Some("y-kmip-harness-probe")
        );
        let t = Variation::VendorAttributeTyped
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        let last = payload(&t)
            .children_with(tags::ATTRIBUTE)
            .last()
            .expect("added");
        assert_eq!(
            last.child(tags::ATTRIBUTE_VALUE).map(|x| &x.value),
            Some(&Value::Integer(7))
        );
        let c = case(&[step("GetAttributes", (2, 1), "", ATTRS_21, "")]);
        let v = Variation::VendorAttribute
            .apply(&c.steps[0].request, &c.steps[0].response, 0)
            .expect("applies");
        let a = v
            .path(&["BatchItem", "ResponsePayload", "Attributes", "Attribute"])
            .expect("vendor attribute");
        assert!(a.child(tags::VENDOR_IDENTIFICATION).is_some());
        // Not on other operations.
        let c = case(&[step(
            "Activate",
            (1, 4),
            "",
            r#"<UniqueIdentifier type="TextString" value="u1"/>"#,
            "",
        )]);
        assert!(!applies_to(Variation::VendorAttribute, &c));
    }

    #[test]
    fn result_message_added_after_status_and_removed() {
        let c = case(&[step(
            "Activate",
            (1, 4),
            "",
            r#"<UniqueIdentifier type="TextString" value="u1"/>"#,
            "",
        )]);
        let s = &c.steps[0];
        let v = Variation::ResultMessagePresent
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        let b = v.child(tags::BATCH_ITEM).expect("item");
        let order: Vec<Tag> = b.children().iter().map(|c| c.tag).collect();
        assert_eq!(
            order,
            [
                tags::OPERATION,
                tags::RESULT_STATUS,
                tags::RESULT_MESSAGE,
                tags::RESPONSE_PAYLOAD
            ]
        );
        assert!(Variation::ResultMessageAbsent
            .apply(&s.request, &s.response, 0)
            .is_none());
        let back = Variation::ResultMessageAbsent
            .apply(&s.request, &v, 0)
            .expect("applies");
        assert_eq!(back, s.response);
        let with = case(&[step(
            "Activate",
            (1, 4),
            "",
            "",
            r#"<ResultMessage type="TextString" value="ok"/>"#,
        )]);
        assert!(!applies_to(Variation::ResultMessagePresent, &with));
        assert!(applies_to(Variation::ResultMessageAbsent, &with));
    }

    #[test]
    fn extra_protocol_versions_only_when_the_request_lists_none() {
        let listed = r#"<ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/></ProtocolVersion>"#;
        let c = case(&[step("DiscoverVersions", (1, 4), "", listed, "")]);
        let s = &c.steps[0];
        let v = Variation::ExtraProtocolVersions
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        let versions: Vec<(i32, i32)> = payload(&v)
            .children_with(tags::PROTOCOL_VERSION)
            .map(|p| {
                let n = |t| match p.child(t).map(|x| &x.value) {
                    Some(Value::Integer(n)) => *n,
                    _ => -1,
                };
                (
                    n(tags::PROTOCOL_VERSION_MAJOR),
                    n(tags::PROTOCOL_VERSION_MINOR),
                )
            })
            .collect();
        // The recorded one keeps the first (most preferred) place.
        assert_eq!(versions[0], (1, 4));
        assert_eq!(versions.len(), 7);
        let c = case(&[step("DiscoverVersions", (1, 4), listed, listed, "")]);
        assert!(!applies_to(Variation::ExtraProtocolVersions, &c));
    }

    #[test]
    fn query_server_information_and_vendor_identification() {
        let q = r#"<Operation type="Enumeration" value="Get"/><VendorIdentification type="TextString" value="server-vendor.com"/><ServerInformation></ServerInformation>"#;
        let c = case(&[step("Query", (1, 4), "", q, "")]);
        let s = &c.steps[0];
        let v = Variation::ServerInformation
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        let si = payload(&v)
            .child(tags::SERVER_INFORMATION)
            .expect("still present");
        assert_eq!(si.children()[0].tag, Tag(0x54_0000));
        let v = Variation::VendorIdentification
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        assert_ne!(
            payload(&v).child(tags::VENDOR_IDENTIFICATION),
            payload(&s.response).child(tags::VENDOR_IDENTIFICATION)
        );
        let no_si = r#"<Operation type="Enumeration" value="Get"/>"#;
        let c = case(&[step("Query", (1, 4), "", no_si, "")]);
        assert!(!applies_to(Variation::ServerInformation, &c));
        assert!(!applies_to(Variation::VendorIdentification, &c));
    }

    #[test]
    fn message_extension_is_non_critical_and_last() {
        let c = case(&[step("Activate", (1, 4), "", "", "")]);
        let s = &c.steps[0];
        let v = Variation::MessageExtension
            .apply(&s.request, &s.response, 0)
            .expect("applies");
        let b = v.child(tags::BATCH_ITEM).expect("item");
        let last = b.children().last().expect("children");
        assert_eq!(last.tag, tags::MESSAGE_EXTENSION);
        assert_eq!(
            last.child(tags::CRITICALITY_INDICATOR).map(|x| &x.value),
            Some(&Value::Boolean(false))
        );
        // The encoded message round-trips through the TTLV codec.
        let bytes = kmip_ttlv::ttlv::encode(&v).expect("encodes");
        let back =
            kmip_ttlv::ttlv::decode(&bytes, &kmip_ttlv::ttlv::Limits::default()).expect("decodes");
        assert_eq!(back, v);
    }

    #[test]
    fn names_round_trip_and_failures_are_left_alone() {
        for v in Variation::ALL {
            assert_eq!(Variation::parse(v.name()), Some(v));
            assert!(!v.citation().is_empty());
        }
        let failed = r#"<RequestMessage>{h}<BatchItem><Operation type="Enumeration" value="GetAttributes"/><RequestPayload/></BatchItem></RequestMessage><ResponseMessage>{r}<BatchItem><Operation type="Enumeration" value="GetAttributes"/><ResultStatus type="Enumeration" value="OperationFailed"/><ResultReason type="Enumeration" value="ItemNotFound"/><ResponsePayload>ATTRS</ResponsePayload></BatchItem></ResponseMessage>"#
            .replace("{h}", &header("RequestHeader", 1, 4))
            .replace("{r}", &header("ResponseHeader", 1, 4))
            .replace("ATTRS", ATTRS_14);
        let c = case(&[failed]);
        assert!(!applies_to(Variation::ExtraAttribute, &c));
        assert!(!applies_to(Variation::ReorderedAttributes, &c));
    }

    fn run(case: &str, v: Variation, status: Status, steps: Vec<usize>) -> ProbeRun {
        ProbeRun {
            case: case.into(),
            variation: v,
            status,
            reason: if status == Status::Pass {
                String::new()
            } else {
                "the client reported an error: boom".into()
            },
            steps,
        }
    }

    #[test]
    fn summary_names_each_outcome() {
        let ok = run("A", Variation::ExtraAttribute, Status::Pass, vec![2]);
        let bad = run("A", Variation::MessageExtension, Status::Fail, vec![1]);
        let none = run("A", Variation::ResultMessageAbsent, Status::Pass, vec![]);
        assert_eq!(
            summary(&[&ok, &bad, &none]),
            "robustness probes: coped with extra-attribute; broke on message-extension; undecided result-message-absent"
        );
    }

    #[test]
    fn clause_verdicts_from_runs() {
        let ok = run("A", Variation::ExtraAttribute, Status::Pass, vec![2]);
        let bad = run("B", Variation::ExtraAttribute, Status::Fail, vec![3]);
        let none = run("C", Variation::ExtraAttribute, Status::Fail, vec![]);
        let c = clause(Variation::ExtraAttribute, &[&ok]);
        assert_eq!(
            (c.id.as_str(), c.verdict),
            ("robustness: extra-attribute", ClauseVerdict::Pass)
        );
        let c = clause(Variation::ExtraAttribute, &[&ok, &bad]);
        assert_eq!(c.verdict, ClauseVerdict::Fail);
        assert_eq!(
            c.evidence.refused,
            ["B: step(s) 3 varied: fail: the client reported an error: boom"]
        );
        assert_eq!(c.evidence.accepted.len(), 1);
        // A run whose responses were never varied decides nothing.
        let c = clause(Variation::ExtraAttribute, &[&none]);
        assert_eq!(c.verdict, ClauseVerdict::NotAssessed);
    }

    #[test]
    fn attach_to_client_profiles_listing_the_case() {
        let profile = |id: &str, role: &str| {
            serde_json::json!({
                "id": id, "version": "1.4", "role": role, "total": 1, "passed": 1,
                "pass_rate": 1.0, "conformant": true,
            })
        };
        let mut results: RunResults = serde_json::from_value(serde_json::json!({
            "format_version": 3, "target": "t", "started": "s", "duration_s": 0.0,
            "totals": {"passed": 1, "failed": 0, "errors": 0, "skipped": 0},
            "profiles": [profile("P-client", "client"), profile("Q-client", "client"), profile("P-server", "server")],
            "cases": [{"id": "A", "file": "a.xml", "profiles": ["P-client", "P-server"],
                       "status": "pass", "reason": "", "messages": 1, "duration_ms": 1}],
        }))
        .expect("results");
        let runs = [run(
            "A",
            Variation::ResultMessageAbsent,
            Status::Fail,
            vec![1],
        )];
        assert_eq!(attach(&mut results, &runs), 1);
        let p = &results.profiles[0];
        assert_eq!(p.clauses.len(), 1);
        assert_eq!(p.clauses[0].suite, SUITE);
        assert!(
            !p.conformant,
            "a failed clause makes the profile not conformant"
        );
        assert!(results.profiles[1].clauses.is_empty());
        assert!(results.profiles[2].clauses.is_empty());
    }
}
