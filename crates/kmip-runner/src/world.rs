//! A clean world for state-sensitive cases.
//!
//! Some cases read global server state: a `Locate` matches every object on
//! the server, not only the case's own, and a fixed `Name` collides with an
//! object another case left. The plan runs such cases in the exclusive
//! phase ([`crate::plan`]), but that only keeps them apart in *time*: an
//! object an earlier case created and left (BL-M-4-21's Secret Data, whose
//! Protect Stop Date falls in the range BL-M-4-30 Locates) is still there.
//! This module gives every exclusive group a clean world ([`World`]):
//!
//! - **`--target reference`** ([`World::FreshReference`]): the group runs on
//!   a fresh reference-server instance of its own (in-process, 127.0.0.1,
//!   ephemeral port, empty store), stopped when the group ends. The other
//!   cases share the run's main instance.
//! - **a remote target** ([`World::CleanRemote`]): the harness keeps a
//!   [`Ledger`] of the objects this run created (every successful Create,
//!   Create Key Pair, Register, Re-key, Derive Key, Certify, Import … reply
//!   recorded with its Unique Identifiers, every successful Destroy struck
//!   off). *Pre-clean*: before an exclusive group, every object the ledger
//!   still holds (created by this run and left behind, whichever case did
//!   it) is revoked (Cessation of Operation) and destroyed. *Post-clean*:
//!   after an exclusive group, the objects its own cases created and left
//!   are destroyed the same way. Only objects this run created are ever touched:
//!   objects a target held before the run, or that another client creates,
//!   are never revoked or destroyed. The clean-up messages use the protocol
//!   version of the case that created the object and are never compared;
//!   their outcome is counted in [`CleanReport`].
//! - [`World::Shared`] (`--shared-world`): no isolation beyond the exclusive
//!   phase.

use crate::encoding::WireFormat;
use crate::target::{Connector, ReferenceTarget};
use crate::transport;
use crate::wire;
use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::{Item, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How exclusive (state-sensitive) groups get a clean world.
#[derive(Clone, Debug, Default)]
pub enum World {
    /// Every group shares the target as it is.
    #[default]
    Shared,
    /// Each exclusive group runs on a fresh in-process reference server.
    FreshReference {
        /// Connect timeout for the fresh instance's connector.
        connect_timeout: Duration,
    },
    /// Pre-clean before and post-clean after each exclusive group, from
    /// the run's [`Ledger`].
    CleanRemote {
        /// The objects this run created and has not destroyed.
        ledger: Arc<Ledger>,
    },
}

impl World {
    /// The ledger replay should record into, if this world keeps one.
    pub fn ledger(&self) -> Option<Arc<Ledger>> {
        match self {
            World::CleanRemote { ledger } => Some(ledger.clone()),
            _ => None,
        }
    }
}

/// One object this run created and has not destroyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The case whose request created it.
    pub case: String,
    /// Protocol version (major, minor) of that request.
    pub version: (i32, i32),
}

/// The run's own record of the objects it created (see the module doc).
#[derive(Debug, Default)]
pub struct Ledger {
    objects: Mutex<BTreeMap<String, LedgerEntry>>,
}

/// Operations whose successful reply names objects the request created.
const CREATING_OPERATIONS: &[&str] = &[
    "Create",
    "CreateKeyPair",
    "Register",
    "ReKey",
    "ReKeyKeyPair",
    "DeriveKey",
    "Certify",
    "ReCertify",
    "Import",
    "CreateSplitKey",
    "JoinSplitKey",
];

fn operation_name(item: &Item) -> Option<&'static str> {
    match item.child(wire::OPERATION).map(|o| &o.value) {
        Some(Value::Enumeration(code)) => {
            kmip_ttlv::dict::enum_for_tag(wire::OPERATION.0).and_then(|e| e.name_of(*code))
        }
        _ => None,
    }
}

fn text_children(payload: &Item, tags: &[kmip_ttlv::Tag]) -> Vec<String> {
    payload
        .children()
        .iter()
        .filter(|c| tags.contains(&c.tag))
        .filter_map(|c| c.value.as_text().map(str::to_string))
        .collect()
}

/// Protocol version (major, minor) in a message header, default (1, 0).
pub fn message_version(message: &Item) -> (i32, i32) {
    let header = message
        .children()
        .iter()
        .find(|c| c.tag == wire::REQUEST_HEADER || c.tag == wire::RESPONSE_HEADER);
    let pv = header.and_then(|h| h.child(wire::PROTOCOL_VERSION));
    let int = |tag| match pv.and_then(|p| p.child(tag)).map(|i| &i.value) {
        Some(Value::Integer(v)) => Some(*v),
        _ => None,
    };
    (
        int(wire::PROTOCOL_VERSION_MAJOR).unwrap_or(1),
        int(wire::PROTOCOL_VERSION_MINOR).unwrap_or(0),
    )
}

impl Ledger {
    /// A new, empty ledger.
    pub fn new() -> Ledger {
        Ledger::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, LedgerEntry>> {
        // A panic while holding the lock leaves a usable map.
        self.objects
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Learn from one exchange of `case`: objects created by successful
    /// creating operations are added, objects successfully destroyed are
    /// struck off.
    pub fn record(&self, case: &str, request: &Item, response: &Item) {
        let version = message_version(request);
        let mut objects = self.lock();
        for bi in response.children_with(wire::BATCH_ITEM) {
            let ok = matches!(
                bi.child(wire::RESULT_STATUS).map(|s| &s.value),
                Some(Value::Enumeration(wire::result_status::SUCCESS))
            );
            let (Some(op), true) = (operation_name(bi), ok) else {
                continue;
            };
            let Some(payload) = bi.child(wire::RESPONSE_PAYLOAD) else {
                continue;
            };
            let ids = text_children(
                payload,
                &[
                    wire::UNIQUE_IDENTIFIER,
                    wire::PRIVATE_KEY_UNIQUE_IDENTIFIER,
                    wire::PUBLIC_KEY_UNIQUE_IDENTIFIER,
                ],
            );
            if CREATING_OPERATIONS.contains(&op) {
                for id in ids {
                    objects.insert(
                        id,
                        LedgerEntry {
                            case: case.to_string(),
                            version,
                        },
                    );
                }
            } else if op == "Destroy" {
                for id in ids {
                    objects.remove(&id);
                }
            }
        }
    }

    /// Objects still held, with their entries: all of them, or (with
    /// `cases`) those created by one of these cases.
    pub fn left(&self, cases: Option<&[String]>) -> Vec<(String, LedgerEntry)> {
        self.lock()
            .iter()
            .filter(|(_, e)| cases.is_none_or(|cs| cs.contains(&e.case)))
            .map(|(k, e)| (k.clone(), e.clone()))
            .collect()
    }

    /// Strike an object off (destroyed by the clean-up).
    pub fn forget(&self, uid: &str) {
        self.lock().remove(uid);
    }

    /// Number of objects held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no object is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A one-item request message in protocol version `version`.
fn request(version: (i32, i32), operation: u32, payload: Vec<Item>) -> Item {
    Item::structure(
        wire::REQUEST_MESSAGE,
        vec![
            Item::structure(
                wire::REQUEST_HEADER,
                vec![
                    Item::structure(
                        wire::PROTOCOL_VERSION,
                        vec![
                            Item::new(wire::PROTOCOL_VERSION_MAJOR, Value::Integer(version.0)),
                            Item::new(wire::PROTOCOL_VERSION_MINOR, Value::Integer(version.1)),
                        ],
                    ),
                    Item::new(wire::BATCH_COUNT, Value::Integer(1)),
                ],
            ),
            Item::structure(
                wire::BATCH_ITEM,
                vec![
                    Item::new(wire::OPERATION, Value::Enumeration(operation)),
                    Item::structure(wire::REQUEST_PAYLOAD, payload),
                ],
            ),
        ],
    )
}

/// Revoke (Cessation of Operation) request for `uid`.
pub fn revoke_request(uid: &str, version: (i32, i32)) -> Item {
    request(
        version,
        wire::operation::REVOKE,
        vec![
            Item::new(wire::UNIQUE_IDENTIFIER, Value::TextString(uid.to_string())),
            Item::structure(
                wire::REVOCATION_REASON,
                vec![Item::new(
                    wire::REVOCATION_REASON_CODE,
                    Value::Enumeration(wire::revocation_reason_code::CESSATION_OF_OPERATION),
                )],
            ),
        ],
    )
}

/// Destroy request for `uid`.
pub fn destroy_request(uid: &str, version: (i32, i32)) -> Item {
    request(
        version,
        wire::operation::DESTROY,
        vec![Item::new(
            wire::UNIQUE_IDENTIFIER,
            Value::TextString(uid.to_string()),
        )],
    )
}

/// What a clean-up did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CleanReport {
    /// Objects destroyed.
    pub destroyed: usize,
    /// Objects whose Destroy did not succeed (still in the ledger).
    pub failed: usize,
    /// Why the clean-up stopped early (connection, timeout), if it did.
    pub stopped: Option<String>,
}

fn succeeded(response: &Item) -> bool {
    response.children_with(wire::BATCH_ITEM).all(|bi| {
        matches!(
            bi.child(wire::RESULT_STATUS).map(|s| &s.value),
            Some(Value::Enumeration(wire::result_status::SUCCESS))
        )
    }) && response.children_with(wire::BATCH_ITEM).next().is_some()
}

/// Revoke and destroy `objects` over one connection from `connector`, in
/// `format`; objects destroyed are struck off `ledger`. Bounded by
/// `timeout` per message.
pub async fn clean(
    connector: &dyn Connector,
    format: &WireFormat,
    ledger: &Ledger,
    objects: &[(String, LedgerEntry)],
    timeout: Duration,
) -> CleanReport {
    let mut report = CleanReport::default();
    if objects.is_empty() {
        return report;
    }
    let mut stream = match connector.connect().await {
        Ok(s) => s,
        Err(e) => {
            report.failed = objects.len();
            report.stopped = Some(e.to_string());
            return report;
        }
    };
    let limits = Limits::default();
    for (uid, entry) in objects {
        let mut destroyed = false;
        for message in [
            revoke_request(uid, entry.version),
            destroy_request(uid, entry.version),
        ] {
            let exchange = async {
                let bytes = format.encode(&message).map_err(|e| e.to_string())?;
                transport::send_request(&mut *stream, &bytes, format, timeout)
                    .await
                    .map_err(|e| e.to_string())?;
                let reply = transport::read_response(&mut *stream, format, &limits, timeout)
                    .await
                    .map_err(|e| e.to_string())?;
                format.decode(&reply, &limits).map_err(|e| e.to_string())
            };
            match exchange.await {
                Ok(reply) => destroyed = succeeded(&reply),
                Err(e) => {
                    report.stopped = Some(e);
                    break;
                }
            }
        }
        if destroyed {
            ledger.forget(uid);
            report.destroyed += 1;
        } else {
            report.failed += 1;
        }
        if report.stopped.is_some() {
            break;
        }
    }
    report
}

/// A world entered for one group: the connector its cases use, and the
/// fresh reference instance to stop afterwards, if any.
pub struct Lease {
    /// Connector for the group's cases.
    pub connector: Arc<dyn Connector>,
    reference: Option<ReferenceTarget>,
}

impl Lease {
    /// The shared target, unchanged.
    pub fn shared(connector: Arc<dyn Connector>) -> Lease {
        Lease {
            connector,
            reference: None,
        }
    }

    /// Whether the group runs on a fresh instance of its own.
    pub fn is_fresh(&self) -> bool {
        self.reference.is_some()
    }
}

/// Enter a clean world for a group (`exclusive`: the group is
/// state-sensitive). Errors name what could not be prepared.
pub async fn enter(
    world: &World,
    shared: Arc<dyn Connector>,
    exclusive: bool,
    format: &WireFormat,
    timeout: Duration,
) -> Result<Lease, String> {
    match world {
        World::FreshReference { connect_timeout } if exclusive => {
            let r = ReferenceTarget::start(*connect_timeout)
                .await
                .map_err(|e| format!("clean world: fresh reference server: {e}"))?;
            Ok(Lease {
                connector: Arc::new(r.connector()),
                reference: Some(r),
            })
        }
        World::CleanRemote { ledger } if exclusive => {
            let left = ledger.left(None);
            let report = clean(&*shared, format, ledger, &left, timeout).await;
            if let Some(why) = report.stopped {
                return Err(format!(
                    "clean world: pre-clean of {} object(s) this run left stopped: {why}",
                    left.len()
                ));
            }
            Ok(Lease::shared(shared))
        }
        _ => Ok(Lease::shared(shared)),
    }
}

/// Leave a group's world: stop its fresh instance, or (exclusive group)
/// post-clean what its cases (`case_ids`) created and left.
pub async fn leave(
    world: &World,
    lease: Lease,
    exclusive: bool,
    case_ids: &[String],
    format: &WireFormat,
    timeout: Duration,
) {
    if let Some(r) = lease.reference {
        r.shutdown().await;
        return;
    }
    if let (World::CleanRemote { ledger }, true) = (world, exclusive) {
        let left = ledger.left(Some(case_ids));
        let _ = clean(&*lease.connector, format, ledger, &left, timeout).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bi(op: u32, status: u32, uids: &[&str]) -> Item {
        Item::structure(
            wire::BATCH_ITEM,
            vec![
                Item::new(wire::OPERATION, Value::Enumeration(op)),
                Item::new(wire::RESULT_STATUS, Value::Enumeration(status)),
                Item::structure(
                    wire::RESPONSE_PAYLOAD,
                    uids.iter()
                        .map(|u| {
                            Item::new(wire::UNIQUE_IDENTIFIER, Value::TextString(u.to_string()))
                        })
                        .collect(),
                ),
            ],
        )
    }

    fn response(items: Vec<Item>) -> Item {
        Item::structure(kmip_ttlv::tags::RESPONSE_MESSAGE, items)
    }

    #[test]
    fn ledger_records_creations_and_destroys() {
        let l = Ledger::new();
        let req = revoke_request("x", (2, 1));
        assert_eq!(message_version(&req), (2, 1));
        // Create (1) and Register (3) succeed; a failed Create is ignored.
        l.record(
            "A",
            &req,
            &response(vec![bi(1, 0, &["u1"]), bi(3, 0, &["u2"])]),
        );
        l.record("A", &req, &response(vec![bi(1, 1, &["u3"])]));
        l.record("B", &req, &response(vec![bi(2, 0, &["u4"])]));
        assert_eq!(l.len(), 3);
        let a: Vec<String> = l
            .left(Some(&["A".to_string()]))
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        assert_eq!(a, ["u1", "u2"]);
        assert_eq!(l.left(None)[0].1.version, (2, 1));
        // A successful Destroy strikes the object off; a failed one does not.
        l.record(
            "A",
            &req,
            &response(vec![bi(wire::operation::DESTROY, 1, &["u1"])]),
        );
        assert_eq!(l.len(), 3);
        l.record(
            "A",
            &req,
            &response(vec![bi(wire::operation::DESTROY, 0, &["u1"])]),
        );
        assert_eq!(l.len(), 2);
        l.forget("u4");
        assert_eq!(l.len(), 1);
    }

    #[test]
    fn clean_up_requests_are_well_formed() {
        let r = revoke_request("k1", (1, 4));
        let xml = kmip_ttlv::xml::to_xml(&r);
        assert!(
            xml.contains("Revoke") && xml.contains("CessationOfOperation"),
            "{xml}"
        );
        assert!(xml.contains("k1"));
        let d = destroy_request("k1", (3, 0));
        assert_eq!(message_version(&d), (3, 0));
        assert!(kmip_ttlv::xml::to_xml(&d).contains("Destroy"));
    }
}
