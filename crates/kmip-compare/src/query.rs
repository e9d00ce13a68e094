//! The run-level Query consistency check (reason class
//! `query-inconsistent`, row `query-contents` of the masking table).
//!
//! A Query answer describes the server; the comparison of one response can
//! only check that each kind of item the test case lists is present (KMIP
//! Profiles v2.1 §4.1.1 items 16–17 let the lists vary). What the lists
//! claim is checked against what the whole run saw the server do, per
//! protocol version:
//! - an operation answered Operation Not Supported anywhere in the run
//!   must not be listed by a Query Operations answer;
//! - an object type answered Operation Not Supported by an operation that
//!   succeeded for another object type must not be listed by a Query
//!   Objects answer;
//! - an operation that succeeded anywhere in the run must be listed by a
//!   Query Operations answer.
//!
//! [`QueryLedger`] is pure data: each [`crate::Session`] fills one from its
//! exchanges; the runner merges them ([`QueryLedger::absorb`]) under the
//! case id, asks for [`QueryLedger::findings`] after the last case, and,
//! with `--probe-query`, probes [`QueryLedger::unexercised`] operations
//! with a minimal request ([`probe_request`]) and records the answers
//! ([`QueryLedger::record_probe`]).

use std::collections::BTreeSet;

use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, Value};

use crate::session::{enum_of, match_response_item};
use crate::tags::{self, op, reason, status};

/// Query Function codes (KMIP 2.1 §11.42).
const QUERY_OPERATIONS: u32 = 0x01;
const QUERY_OBJECTS: u32 = 0x02;
/// Server-to-client operations (KMIP 1.4 §5): never probed as requests.
const NOTIFY: u32 = 0x1B;
const PUT: u32 = 0x1C;

/// Where something was seen: case id (empty inside one session) and
/// message index.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seen {
    /// Test case id.
    pub case: String,
    /// Message index in the case.
    pub message: usize,
}

/// One Query answer.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Claim {
    at: Seen,
    version: Option<Version>,
    asked_operations: bool,
    asked_objects: bool,
    operations: Vec<u32>,
    object_types: Vec<u32>,
}

/// One operation outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Outcome {
    at: Seen,
    version: Option<Version>,
    operation: u32,
    object_type: Option<u32>,
    succeeded: bool,
    not_supported: bool,
}

/// What a run's exchanges said about the target's capabilities.
#[derive(Clone, Debug, Default)]
pub struct QueryLedger {
    claims: Vec<Claim>,
    outcomes: Vec<Outcome>,
}

/// A Query answer the run contradicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryFinding {
    /// The case and message of the Query answer.
    pub at: Seen,
    /// What is wrong, with where the contradicting evidence was seen.
    pub detail: String,
}

impl std::fmt::Display for QueryFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "query-inconsistent: message {}: {}",
            self.at.message, self.detail
        )
    }
}

fn op_name(code: u32) -> String {
    kmip_ttlv::dict::enum_for_tag(tags::OPERATION.0)
        .and_then(|e| e.name_of(code))
        .map(str::to_string)
        .unwrap_or_else(|| format!("0x{code:08X}"))
}

fn type_name(code: u32) -> String {
    kmip_ttlv::dict::enum_for_tag(tags::OBJECT_TYPE.0)
        .and_then(|e| e.name_of(code))
        .map(str::to_string)
        .unwrap_or_else(|| format!("0x{code:08X}"))
}

fn where_(s: &Seen) -> String {
    if s.case.is_empty() {
        format!("message {}", s.message)
    } else {
        format!("{} message {}", s.case, s.message)
    }
}

fn enums(payload: Option<&Item>, tag: kmip_ttlv::Tag) -> Vec<u32> {
    payload
        .map(|p| {
            p.children_with(tag)
                .filter_map(|i| match i.value {
                    Value::Enumeration(c) => Some(c),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

impl QueryLedger {
    /// Record one exchange (`message` = its index in the case): operation
    /// outcomes of every batch item, and Query answers.
    pub fn observe(
        &mut self,
        message: usize,
        version: Option<Version>,
        request: &Item,
        response: &Item,
    ) {
        let act: Vec<&Item> = response.children_with(tags::BATCH_ITEM).collect();
        for (i, r) in request.children_with(tags::BATCH_ITEM).enumerate() {
            let Some(a) = match_response_item(&act, r, i) else {
                continue;
            };
            let Some(operation) =
                enum_of(r.child(tags::OPERATION)).or_else(|| enum_of(a.child(tags::OPERATION)))
            else {
                continue;
            };
            let result = enum_of(a.child(tags::RESULT_STATUS));
            let succeeded = result == Some(status::SUCCESS);
            let not_supported = result == Some(status::OPERATION_FAILED)
                && enum_of(a.child(tags::RESULT_REASON)) == Some(reason::OPERATION_NOT_SUPPORTED);
            let req_payload = r.child(tags::REQUEST_PAYLOAD);
            let at = Seen {
                case: String::new(),
                message,
            };
            self.outcomes.push(Outcome {
                at: at.clone(),
                version,
                operation,
                object_type: req_payload.and_then(|p| enum_of(p.child(tags::OBJECT_TYPE))),
                succeeded,
                not_supported,
            });
            if operation == op::QUERY && succeeded {
                let functions = enums(req_payload, tags::QUERY_FUNCTION);
                let payload = a.child(tags::RESPONSE_PAYLOAD);
                self.claims.push(Claim {
                    at,
                    version,
                    asked_operations: functions.contains(&QUERY_OPERATIONS),
                    asked_objects: functions.contains(&QUERY_OBJECTS),
                    operations: enums(payload, tags::OPERATION),
                    object_types: enums(payload, tags::OBJECT_TYPE),
                });
            }
        }
    }

    /// Merge another ledger (one case's) under its case id.
    pub fn absorb(&mut self, case: &str, other: &QueryLedger) {
        let tagged = |s: &Seen| Seen {
            case: case.to_string(),
            message: s.message,
        };
        self.claims.extend(other.claims.iter().map(|c| Claim {
            at: tagged(&c.at),
            ..c.clone()
        }));
        self.outcomes.extend(other.outcomes.iter().map(|o| Outcome {
            at: tagged(&o.at),
            ..o.clone()
        }));
    }

    /// Record the answer to a probe ([`probe_request`]) of `operation` in
    /// `version`, made for the Query answer at `at`.
    pub fn record_probe(
        &mut self,
        at: &Seen,
        version: Option<Version>,
        operation: u32,
        response: &Item,
    ) {
        let request = probe_request(version.unwrap_or(Version::new(1, 0)), operation);
        let mut one = QueryLedger::default();
        one.observe(at.message, version, &request, response);
        for mut o in one.outcomes {
            o.at = Seen {
                case: format!("{} (probe)", at.case),
                message: at.message,
            };
            self.outcomes.push(o);
        }
    }

    /// Operations a Query answer lists that no exchange of the run
    /// exercised (same protocol version), with the answer that lists them:
    /// what `--probe-query` probes. Query and Discover Versions are never
    /// probed, nor Notify and Put (server-to-client operations a server may
    /// list as ones it sends).
    pub fn unexercised(&self) -> Vec<(Seen, Option<Version>, u32)> {
        let mut out = Vec::new();
        let mut done: BTreeSet<(Option<(u8, u8)>, u32)> = BTreeSet::new();
        for c in self.claims.iter().filter(|c| c.asked_operations) {
            for &o in &c.operations {
                if [op::QUERY, op::DISCOVER_VERSIONS, NOTIFY, PUT].contains(&o) {
                    continue;
                }
                let exercised = self
                    .outcomes
                    .iter()
                    .any(|x| x.version == c.version && x.operation == o);
                let key = (c.version.map(|v| (v.major, v.minor)), o);
                if !exercised && done.insert(key) {
                    out.push((c.at.clone(), c.version, o));
                }
            }
        }
        out
    }

    /// Every Query answer the run contradicts (see the module doc).
    pub fn findings(&self) -> Vec<QueryFinding> {
        let mut out = Vec::new();
        for c in &self.claims {
            let same = |o: &&Outcome| o.version == c.version;
            let mut details = Vec::new();
            if c.asked_operations {
                for &listed in &c.operations {
                    if let Some(o) = self.outcomes.iter().filter(same).find(|o| {
                        o.operation == listed
                            && o.not_supported
                            && !self.succeeded(c.version, listed)
                    }) {
                        details.push(format!(
                            "lists Operation {} but it was answered Operation Not Supported ({})",
                            op_name(listed),
                            where_(&o.at)
                        ));
                    }
                }
                let mut missing: Vec<(u32, &Seen)> = Vec::new();
                for o in self.outcomes.iter().filter(same).filter(|o| o.succeeded) {
                    if !c.operations.contains(&o.operation)
                        && !missing.iter().any(|(m, _)| *m == o.operation)
                    {
                        missing.push((o.operation, &o.at));
                    }
                }
                for (m, at) in missing {
                    details.push(format!(
                        "does not list Operation {}, which succeeded ({})",
                        op_name(m),
                        where_(at)
                    ));
                }
            }
            if c.asked_objects {
                for &listed in &c.object_types {
                    let refused = self.outcomes.iter().filter(same).find(|o| {
                        o.not_supported
                            && o.object_type == Some(listed)
                            && self.outcomes.iter().filter(same).any(|s| {
                                s.succeeded
                                    && s.operation == o.operation
                                    && s.object_type.is_some_and(|t| t != listed)
                            })
                    });
                    if let Some(o) = refused {
                        details.push(format!(
                            "lists Object Type {} but {} of it was answered Operation Not Supported ({})",
                            type_name(listed),
                            op_name(o.operation),
                            where_(&o.at)
                        ));
                    }
                }
            }
            out.extend(details.into_iter().map(|detail| QueryFinding {
                at: c.at.clone(),
                detail,
            }));
        }
        out
    }

    fn succeeded(&self, version: Option<Version>, operation: u32) -> bool {
        self.outcomes
            .iter()
            .any(|o| o.version == version && o.operation == operation && o.succeeded)
    }
}

/// The minimal request `--probe-query` sends for an operation a Query
/// answer lists: one batch item with the operation and an empty payload.
/// A server that implements the operation answers with a result about the
/// missing fields (Invalid Field, Missing Data, Item Not Found, …) or
/// success; Operation Not Supported contradicts the listing.
pub fn probe_request(version: Version, operation: u32) -> Item {
    let int = |tag, v: u8| Item::new(tag, Value::Integer(i32::from(v)));
    Item::structure(
        tags::REQUEST_MESSAGE,
        vec![
            Item::structure(
                tags::REQUEST_HEADER,
                vec![
                    Item::structure(
                        tags::PROTOCOL_VERSION,
                        vec![
                            int(tags::PROTOCOL_VERSION_MAJOR, version.major),
                            int(tags::PROTOCOL_VERSION_MINOR, version.minor),
                        ],
                    ),
                    Item::new(tags::BATCH_COUNT, Value::Integer(1)),
                ],
            ),
            Item::structure(
                tags::BATCH_ITEM,
                vec![
                    Item::new(tags::OPERATION, Value::Enumeration(operation)),
                    Item::structure(tags::REQUEST_PAYLOAD, Vec::new()),
                ],
            ),
        ],
    )
}
