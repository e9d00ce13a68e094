//! Opt-in push of server-initiated operations (KMIP client service, default
//! port 5697): when an object changes, the server sends a Notify (changed
//! attributes) or a Put (a new or replacing object) to every registered
//! client endpoint and reads the client's acknowledgement.
//!
//! Off unless a [`Notifier`] is built with at least one endpoint. Message
//! construction ([`notify_message`], [`put_message`]) is pure; delivery
//! runs on a background task so object operations never wait on a client.
//! Delivery failures are logged (`tracing::warn!`) and counted
//! ([`Notifier::failures`]), never reported to the original requester.
//!
//! Wiring: `Server::with_notifier` (set by `spawn` from
//! `--notify-client`/`--notify-ca`); after each committed message the server
//! queues a Put for every new object and a Notify with only the changed
//! attributes for every changed one (`reference-server/tests/notify_push.rs`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, Tag, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// Operation code of Notify.
pub const OP_NOTIFY: u32 = 0x1B;
/// Operation code of Put.
pub const OP_PUT: u32 = 0x1C;
/// Put Function New.
pub const PUT_NEW: u32 = 0x01;
/// Put Function Replace.
pub const PUT_REPLACE: u32 = 0x02;

fn tag(name: &str) -> Tag {
    Tag(kmip_ttlv::dict::tag_by_name(name).unwrap_or(0))
}

/// One client endpoint to push to.
#[derive(Clone)]
pub struct Endpoint {
    /// Address of the client's service port.
    pub addr: SocketAddr,
    /// TLS name to verify the client endpoint's certificate against.
    pub server_name: rustls::pki_types::ServerName<'static>,
    /// TLS client configuration (trust anchors, our certificate).
    pub tls: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("addr", &self.addr)
            .finish()
    }
}

fn header(version: (i32, i32), now: i64) -> Item {
    Item::structure(
        tag("RequestHeader"),
        vec![
            Item::structure(
                tag("ProtocolVersion"),
                vec![
                    Item::new(tag("ProtocolVersionMajor"), Value::Integer(version.0)),
                    Item::new(tag("ProtocolVersionMinor"), Value::Integer(version.1)),
                ],
            ),
            Item::new(tag("TimeStamp"), Value::DateTime(now)),
            Item::new(tag("BatchCount"), Value::Integer(1)),
        ],
    )
}

fn message(version: (i32, i32), now: i64, op: u32, payload: Vec<Item>) -> Item {
    Item::structure(
        tag("RequestMessage"),
        vec![
            header(version, now),
            Item::structure(
                tag("BatchItem"),
                vec![
                    Item::new(tag("Operation"), Value::Enumeration(op)),
                    Item::structure(tag("RequestPayload"), payload),
                ],
            ),
        ],
    )
}

/// 1.x payloads list `Attribute` structures directly; 2.x and later wrap
/// the attribute items in one `Attributes` structure.
fn attribute_list(version: (i32, i32), attributes: Vec<Item>) -> Vec<Item> {
    if version.0 >= 2 && !attributes.is_empty() {
        vec![Item::structure(tag("Attributes"), attributes)]
    } else {
        attributes
    }
}

/// A Notify request: the object's identifier and the changed attributes
/// (KMIP 1.x `Attribute` structures, or 2.x attribute items, as given).
pub fn notify_message(version: (i32, i32), now: i64, uid: &str, attributes: Vec<Item>) -> Item {
    let mut payload = vec![Item::new(
        tag("UniqueIdentifier"),
        Value::TextString(uid.to_string()),
    )];
    payload.extend(attribute_list(version, attributes));
    message(version, now, OP_NOTIFY, payload)
}

/// A Put request: a new object (`replaced` = `None`) or one replacing
/// `replaced`; `object` is the managed object structure (`SymmetricKey`, …).
pub fn put_message(
    version: (i32, i32),
    now: i64,
    uid: &str,
    replaced: Option<&str>,
    object: Item,
    attributes: Vec<Item>,
) -> Item {
    let mut payload = vec![
        Item::new(tag("UniqueIdentifier"), Value::TextString(uid.to_string())),
        Item::new(
            tag("PutFunction"),
            Value::Enumeration(if replaced.is_some() {
                PUT_REPLACE
            } else {
                PUT_NEW
            }),
        ),
    ];
    if let Some(r) = replaced {
        payload.push(Item::new(
            tag("ReplacedUniqueIdentifier"),
            Value::TextString(r.to_string()),
        ));
    }
    payload.push(object);
    payload.extend(attribute_list(version, attributes));
    message(version, now, OP_PUT, payload)
}

/// True if `response` acknowledges: a ResponseMessage whose batch items
/// all have Result Status Success.
pub fn acknowledged(response: &Item) -> bool {
    let items: Vec<&Item> = response.children_with(tag("BatchItem")).collect();
    response.tag == tag("ResponseMessage")
        && !items.is_empty()
        && items.iter().all(|b| {
            b.child(tag("ResultStatus"))
                .is_some_and(|s| s.value == Value::Enumeration(0))
        })
}

/// Handle to the background pusher. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Notifier {
    tx: mpsc::UnboundedSender<Item>,
    version: (i32, i32),
    failures: Arc<AtomicUsize>,
    delivered: Arc<AtomicUsize>,
}

impl Notifier {
    /// Start the pusher (needs a tokio runtime). `None` if `endpoints` is
    /// empty (push is opt-in).
    pub fn spawn(
        endpoints: Vec<Endpoint>,
        version: (i32, i32),
        timeout: Duration,
    ) -> Option<Notifier> {
        if endpoints.is_empty() {
            return None;
        }
        let (tx, mut rx) = mpsc::unbounded_channel::<Item>();
        let failures = Arc::new(AtomicUsize::new(0));
        let delivered = Arc::new(AtomicUsize::new(0));
        let (f, d) = (failures.clone(), delivered.clone());
        tokio::spawn(async move {
            while let Some(msg) = rx.recv().await {
                for ep in &endpoints {
                    match tokio::time::timeout(timeout, deliver(ep, &msg)).await {
                        Ok(Ok(())) => {
                            d.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(Err(e)) => {
                            f.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!("push to {}: {e}", ep.addr);
                        }
                        Err(_) => {
                            f.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!("push to {}: timed out", ep.addr);
                        }
                    }
                }
            }
        });
        Some(Notifier {
            tx,
            version,
            failures,
            delivered,
        })
    }

    /// An object's attributes changed: queue a Notify for every endpoint.
    pub fn object_changed(&self, uid: &str, attributes: Vec<Item>) {
        let _ = self
            .tx
            .send(notify_message(self.version, unix_now(), uid, attributes));
    }

    /// A new (or replacing) object: queue a Put for every endpoint.
    pub fn object_put(
        &self,
        uid: &str,
        replaced: Option<&str>,
        object: Item,
        attributes: Vec<Item>,
    ) {
        let _ = self.tx.send(put_message(
            self.version,
            unix_now(),
            uid,
            replaced,
            object,
            attributes,
        ));
    }

    /// Protocol version of the pushed messages.
    pub fn version(&self) -> (i32, i32) {
        self.version
    }

    /// Deliveries that failed or were not acknowledged.
    pub fn failures(&self) -> usize {
        self.failures.load(Ordering::Relaxed)
    }

    /// Deliveries acknowledged.
    pub fn delivered(&self) -> usize {
        self.delivered.load(Ordering::Relaxed)
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

async fn deliver(ep: &Endpoint, msg: &Item) -> Result<(), String> {
    let bytes = ttlv::encode(msg).map_err(|e| format!("encoding: {e}"))?;
    let tcp = tokio::net::TcpStream::connect(ep.addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let mut tls = tokio_rustls::TlsConnector::from(ep.tls.clone())
        .connect(ep.server_name.clone(), tcp)
        .await
        .map_err(|e| format!("TLS: {e}"))?;
    tls.write_all(&bytes)
        .await
        .map_err(|e| format!("send: {e}"))?;
    tls.flush().await.map_err(|e| format!("send: {e}"))?;
    let limits = Limits {
        max_message_len: 1024 * 1024,
        ..Limits::default()
    };
    let mut head = [0u8; 8];
    tls.read_exact(&mut head)
        .await
        .map_err(|e| format!("ack: {e}"))?;
    let total = ttlv::frame_length(&head, &limits).map_err(|e| format!("ack: {e}"))?;
    let mut buf = vec![0u8; total];
    buf[..8].copy_from_slice(&head);
    tls.read_exact(&mut buf[8..])
        .await
        .map_err(|e| format!("ack: {e}"))?;
    let resp = ttlv::decode(&buf, &limits).map_err(|e| format!("ack: {e}"))?;
    let _ = tls.shutdown().await;
    if acknowledged(&resp) {
        Ok(())
    } else {
        Err("the client did not acknowledge (Result Status not Success)".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_and_put_messages_encode() {
        let n = notify_message((1, 4), 1_700_000_000, "uid-1", Vec::new());
        let bytes = ttlv::encode(&n).expect("encode notify");
        let back = ttlv::decode(&bytes, &Limits::default()).expect("decode");
        assert_eq!(back, n);
        let p = put_message(
            (1, 4),
            1,
            "uid-2",
            Some("uid-1"),
            Item::structure(tag("SymmetricKey"), Vec::new()),
            Vec::new(),
        );
        let payload = p.path(&["BatchItem", "RequestPayload"]).expect("payload");
        assert_eq!(
            payload.child(tag("PutFunction")).map(|x| &x.value),
            Some(&Value::Enumeration(PUT_REPLACE))
        );
        assert!(payload.child(tag("ReplacedUniqueIdentifier")).is_some());
    }

    #[test]
    fn acknowledgement_needs_success() {
        let ok = Item::structure(
            tag("ResponseMessage"),
            vec![Item::structure(
                tag("BatchItem"),
                vec![Item::new(tag("ResultStatus"), Value::Enumeration(0))],
            )],
        );
        assert!(acknowledged(&ok));
        let bad = Item::structure(
            tag("ResponseMessage"),
            vec![Item::structure(
                tag("BatchItem"),
                vec![Item::new(tag("ResultStatus"), Value::Enumeration(1))],
            )],
        );
        assert!(!acknowledged(&bad));
        assert!(!acknowledged(&Item::structure(
            tag("ResponseMessage"),
            Vec::new()
        )));
    }
}
