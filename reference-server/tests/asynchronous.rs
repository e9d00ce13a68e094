//! Asynchronous processing of the reference server (KMIP 1.4 §4.27 Cancel,
//! §4.28 Poll, §6.7 Asynchronous Indicator, §11.29; KMIP 2.1 §6.1.5,
//! §6.1.38, §6.1.41 Query Asynchronous Requests, §9.1, §9.2, §11.3, §11.7):
//! deferral per policy and per indicator, Poll before and after the delay,
//! Cancel in every state, unknown correlation values per version, and a
//! request in flight across a restart of the durable store, and across
//! `kill -9` of the real binary (`--async-ops create --data-dir`).

mod process;
mod tagged;

use kmip_reference_server::asynchronous::AsyncPolicy;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    asynchronous_indicator as ai, cancellation_result as cr, operation as op, result_reason as rr,
    result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_reference_server::store::RedbStore;
use kmip_ttlv::{Item, Value};
use process::ServerProcess;
use std::ffi::OsStr;
use std::time::Duration;
use tagged::*;

fn corr(id: &[u8]) -> Item {
    Item::new(
        t::ASYNCHRONOUS_CORRELATION_VALUE,
        Value::ByteString(id.to_vec()),
    )
}

/// A request in `version` with an optional Asynchronous Indicator item.
fn message(version: (i32, i32), indicator: Option<Item>, items: Vec<(u32, Vec<Item>)>) -> Item {
    let mut header = vec![st(
        t::PROTOCOL_VERSION,
        vec![
            int(t::PROTOCOL_VERSION_MAJOR, version.0),
            int(t::PROTOCOL_VERSION_MINOR, version.1),
        ],
    )];
    if let Some(i) = indicator {
        header.push(i);
    }
    header.push(int(
        t::BATCH_COUNT,
        i32::try_from(items.len()).expect("count"),
    ));
    let mut children = vec![st(t::REQUEST_HEADER, header)];
    for (o, payload) in items {
        children.push(st(
            t::BATCH_ITEM,
            vec![en(t::OPERATION, o), st(t::REQUEST_PAYLOAD, payload)],
        ));
    }
    st(t::REQUEST_MESSAGE, children)
}

/// One response batch item.
#[derive(Debug)]
struct Out {
    status: u32,
    reason: Option<u32>,
    correlation: Option<Vec<u8>>,
    payload: Option<Item>,
}

fn items(resp: &Item) -> Vec<Out> {
    resp.children()
        .iter()
        .filter(|c| c.tag == t::BATCH_ITEM)
        .map(|bi| {
            let e = |tag| match bi.child(tag).map(|i| &i.value) {
                Some(Value::Enumeration(v)) => Some(*v),
                _ => None,
            };
            Out {
                status: e(t::RESULT_STATUS).expect("Result Status"),
                reason: e(t::RESULT_REASON),
                correlation: match bi
                    .child(t::ASYNCHRONOUS_CORRELATION_VALUE)
                    .map(|i| &i.value)
                {
                    Some(Value::ByteString(b)) => Some(b.clone()),
                    _ => None,
                },
                payload: bi.child(t::RESPONSE_PAYLOAD).cloned(),
            }
        })
        .collect()
}

fn one(s: &Server, version: (i32, i32), indicator: Option<Item>, o: u32, p: Vec<Item>) -> Out {
    let mut all = items(&s.handle_message(&message(version, indicator, vec![(o, p)])));
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn aes_create_payload() -> Vec<Item> {
    let attr = |name: &str, v: Item| st(t::ATTRIBUTE, vec![txt(t::ATTRIBUTE_NAME, name), v]);
    vec![
        en(t::OBJECT_TYPE, 2),
        st(
            t::TEMPLATE_ATTRIBUTE,
            vec![
                attr("Cryptographic Algorithm", en(t::ATTRIBUTE_VALUE, 3)),
                attr("Cryptographic Length", int(t::ATTRIBUTE_VALUE, 128)),
                attr("Cryptographic Usage Mask", int(t::ATTRIBUTE_VALUE, 0x0C)),
            ],
        ),
    ]
}

fn uid_of(p: &Item) -> String {
    match p.child(t::UNIQUE_IDENTIFIER).map(|i| &i.value) {
        Some(Value::TextString(s)) => s.clone(),
        other => panic!("no Unique Identifier: {other:?}"),
    }
}

fn cancellation(o: &Out) -> u32 {
    assert_eq!(o.status, rs::SUCCESS, "{o:?}");
    match o
        .payload
        .as_ref()
        .and_then(|p| p.child(t::CANCELLATION_RESULT))
        .map(|i| &i.value)
    {
        Some(Value::Enumeration(v)) => *v,
        other => panic!("no Cancellation Result: {other:?}"),
    }
}

fn policy(ops: &str, delay_ms: u64) -> AsyncPolicy {
    AsyncPolicy {
        ops: AsyncPolicy::parse_ops(ops).expect("ops"),
        delay: Duration::from_millis(delay_ms),
    }
}

const V14: (i32, i32) = (1, 4);
const V21: (i32, i32) = (2, 1);

fn yes_1x() -> Option<Item> {
    Some(Item::new(t::ASYNCHRONOUS_INDICATOR, Value::Boolean(true)))
}
fn mode_2x(m: u32) -> Option<Item> {
    Some(en(t::ASYNCHRONOUS_INDICATOR, m))
}

/// 1.4: Create deferred (indicator True, Create in the policy), Poll
/// returns the result (again on a second Poll), the key exists, Cancel after
/// completion answers Completed; without the indicator it is synchronous.
#[test]
fn create_pending_then_poll_in_1_4() {
    let s = Server::in_memory().with_async_policy(policy("create", 0));
    let sync = one(&s, V14, None, op::CREATE, aes_create_payload());
    assert_eq!(sync.status, rs::SUCCESS, "no indicator: synchronous");
    let sync = one(
        &s,
        V14,
        Some(Item::new(t::ASYNCHRONOUS_INDICATOR, Value::Boolean(false))),
        op::CREATE,
        aes_create_payload(),
    );
    assert_eq!(sync.status, rs::SUCCESS, "indicator False: synchronous");

    let pending = one(&s, V14, yes_1x(), op::CREATE, aes_create_payload());
    assert_eq!(pending.status, rs::OPERATION_PENDING, "{pending:?}");
    assert!(pending.payload.is_none(), "a pending item has no payload");
    let id = pending.correlation.expect("Asynchronous Correlation Value");
    assert_eq!(id.len(), 16);

    let done = one(&s, V14, None, op::POLL, vec![corr(&id)]);
    assert_eq!(done.status, rs::SUCCESS, "{done:?}");
    let uid = uid_of(done.payload.as_ref().expect("payload"));
    let again = one(&s, V14, None, op::POLL, vec![corr(&id)]);
    assert_eq!(uid_of(again.payload.as_ref().expect("payload")), uid);
    let got = one(
        &s,
        V14,
        None,
        op::GET,
        vec![txt(t::UNIQUE_IDENTIFIER, &uid)],
    );
    assert_eq!(got.status, rs::SUCCESS, "the deferred Create made the key");
    assert_eq!(
        cancellation(&one(&s, V14, None, op::CANCEL, vec![corr(&id)])),
        cr::COMPLETED
    );
    // Get is not in the policy: synchronous even with the indicator
    let get = one(
        &s,
        V14,
        yes_1x(),
        op::GET,
        vec![txt(t::UNIQUE_IDENTIFIER, &uid)],
    );
    assert_eq!(get.status, rs::SUCCESS);
}

/// Poll before the delay: Pending, no payload; after it: the result.
#[test]
fn poll_before_the_delay_is_pending() {
    let s = Server::in_memory().with_async_policy(policy("create", 300));
    let id = one(
        &s,
        V21,
        mode_2x(ai::OPTIONAL),
        op::CREATE,
        aes_create_payload(),
    )
    .correlation
    .expect("pending");
    let early = one(&s, V21, None, op::POLL, vec![corr(&id)]);
    assert_eq!(early.status, rs::OPERATION_PENDING, "{early:?}");
    assert!(early.payload.is_none());
    assert_eq!(early.correlation.as_deref(), Some(id.as_slice()));
    std::thread::sleep(Duration::from_millis(350));
    let done = one(&s, V21, None, op::POLL, vec![corr(&id)]);
    assert_eq!(done.status, rs::SUCCESS, "{done:?}");

    // Process (2.1 §6.1.39): the next Poll is not pending, delay or not
    let s = Server::in_memory().with_async_policy(policy("create", 60_000));
    let id = one(
        &s,
        V21,
        mode_2x(ai::OPTIONAL),
        op::CREATE,
        aes_create_payload(),
    )
    .correlation
    .expect("pending");
    assert_eq!(
        one(&s, V21, None, op::POLL, vec![corr(&id)]).status,
        rs::OPERATION_PENDING
    );
    let processed = one(&s, V21, None, op::PROCESS, vec![corr(&id)]);
    assert_eq!(processed.status, rs::SUCCESS, "{processed:?}");
    assert_eq!(
        one(&s, V21, None, op::POLL, vec![corr(&id)]).status,
        rs::SUCCESS,
        "Poll after Process"
    );
    let unknown = one(&s, V21, None, op::PROCESS, vec![corr(&[9; 16])]);
    assert_eq!(
        unknown.reason,
        Some(rr::INVALID_ASYNCHRONOUS_CORRELATION_VALUE)
    );
}

/// 2.1 Mandatory: every item deferred (Get too); Cancel of a pending
/// request: Canceled, its Poll: Operation Canceled By Requester; a deferred
/// operation that fails: Poll returns the failure, Cancel says Failed;
/// Query Asynchronous Requests lists only what is still pending.
#[test]
fn cancel_and_query_in_2_1() {
    let s = Server::in_memory();
    let created = one(&s, V21, None, op::CREATE, aes_create_payload());
    let uid = uid_of(created.payload.as_ref().expect("payload"));
    let get = |u: &str| vec![txt(t::UNIQUE_IDENTIFIER, u)];

    let a = one(&s, V21, mode_2x(ai::MANDATORY), op::GET, get(&uid))
        .correlation
        .expect("Mandatory defers Get");
    let b = one(
        &s,
        V21,
        mode_2x(ai::MANDATORY),
        op::GET,
        get("no-such-object"),
    )
    .correlation
    .expect("pending");
    let c = one(
        &s,
        V21,
        mode_2x(ai::MANDATORY),
        op::CREATE,
        aes_create_payload(),
    )
    .correlation
    .expect("pending");
    // Optional with an empty policy: synchronous
    assert_eq!(
        one(&s, V21, mode_2x(ai::OPTIONAL), op::GET, get(&uid)).status,
        rs::SUCCESS
    );

    let listed = |filter: Vec<Item>| -> Vec<Vec<u8>> {
        let out = one(&s, V21, None, op::QUERY_ASYNCHRONOUS_REQUESTS, filter);
        assert_eq!(out.status, rs::SUCCESS, "{out:?}");
        out.payload
            .expect("payload")
            .children()
            .iter()
            .filter(|r| r.tag == t::ASYNCHRONOUS_REQUEST)
            .map(
                |r| match r.child(t::ASYNCHRONOUS_CORRELATION_VALUE).map(|i| &i.value) {
                    Some(Value::ByteString(b)) => b.clone(),
                    other => panic!("{other:?}"),
                },
            )
            .collect()
    };
    let mut all = listed(Vec::new());
    all.sort();
    let mut want = vec![a.clone(), b.clone(), c.clone()];
    want.sort();
    assert_eq!(all, want);
    assert_eq!(
        listed(vec![st(t::OPERATIONS, vec![en(t::OPERATION, op::CREATE)])]),
        vec![c.clone()]
    );
    assert_eq!(
        listed(vec![st(t::ASYNCHRONOUS_CORRELATION_VALUES, vec![corr(&a)])]),
        vec![a.clone()]
    );

    assert_eq!(
        cancellation(&one(&s, V21, None, op::CANCEL, vec![corr(&a)])),
        cr::CANCELED
    );
    let polled = one(&s, V21, None, op::POLL, vec![corr(&a)]);
    assert_eq!(
        (polled.status, polled.reason),
        (
            rs::OPERATION_FAILED,
            Some(rr::OPERATION_CANCELED_BY_REQUESTER)
        )
    );
    let failed = one(&s, V21, None, op::POLL, vec![corr(&b)]);
    assert_eq!(
        (failed.status, failed.reason),
        (rs::OPERATION_FAILED, Some(rr::OBJECT_NOT_FOUND)),
        "the deferred Get's own failure"
    );
    assert_eq!(
        cancellation(&one(&s, V21, None, op::CANCEL, vec![corr(&b)])),
        cr::FAILED
    );
    assert_eq!(
        listed(Vec::new()),
        vec![c.clone()],
        "only c is still pending"
    );
    assert_eq!(
        one(&s, V21, mode_2x(ai::MANDATORY), op::POLL, vec![corr(&c)]).status,
        rs::SUCCESS,
        "Poll itself is never deferred"
    );
}

/// Unknown correlation values: Poll fails with Item Not Found in 1.x
/// (1.4 §11.29) and Invalid Asynchronous Correlation Value in 2.x (2.0
/// §6.1.36.1, 2.1 §6.1.38.1); Cancel answers Unavailable (§11.7).
#[test]
fn unknown_correlation_values() {
    let s = Server::in_memory();
    let nope = [0xAB; 16];
    for (v, reason) in [
        (V14, rr::ITEM_NOT_FOUND),
        ((2, 0), rr::INVALID_ASYNCHRONOUS_CORRELATION_VALUE),
        (V21, rr::INVALID_ASYNCHRONOUS_CORRELATION_VALUE),
    ] {
        let p = one(&s, v, None, op::POLL, vec![corr(&nope)]);
        assert_eq!(
            (p.status, p.reason),
            (rs::OPERATION_FAILED, Some(reason)),
            "{v:?}"
        );
        assert_eq!(
            cancellation(&one(&s, v, None, op::CANCEL, vec![corr(&nope)])),
            cr::UNAVAILABLE
        );
    }
    // Query Asynchronous Requests exists from 2.1 only
    let q = one(
        &s,
        (2, 0),
        None,
        op::QUERY_ASYNCHRONOUS_REQUESTS,
        Vec::new(),
    );
    assert_eq!(q.reason, Some(rr::OPERATION_NOT_SUPPORTED));
}

/// A pending request survives a restart of the durable store; its Poll on
/// the restarted server runs it, and the result survives the next restart.
#[test]
fn pending_request_survives_restart() {
    let dir = std::env::temp_dir().join(format!(
        "kmip-async-{}",
        kmip_reference_server::store::new_uid()
    ));
    let open = || {
        Server::new(Box::new(RedbStore::open(&dir).expect("open")))
            .with_async_policy(policy("create", 0))
    };
    let id = {
        let s = open();
        one(&s, V14, yes_1x(), op::CREATE, aes_create_payload())
            .correlation
            .expect("pending")
    };
    let uid = {
        let s = open();
        let listed = one(&s, V21, None, op::QUERY_ASYNCHRONOUS_REQUESTS, Vec::new());
        assert_eq!(
            listed
                .payload
                .expect("payload")
                .children()
                .iter()
                .filter(|r| r.tag == t::ASYNCHRONOUS_REQUEST)
                .count(),
            1,
            "the request in flight was restored"
        );
        let done = one(&s, V14, None, op::POLL, vec![corr(&id)]);
        assert_eq!(done.status, rs::SUCCESS, "{done:?}");
        uid_of(done.payload.as_ref().expect("payload"))
    };
    let s = open();
    assert_eq!(
        one(
            &s,
            V14,
            None,
            op::GET,
            vec![txt(t::UNIQUE_IDENTIFIER, &uid)]
        )
        .status,
        rs::SUCCESS
    );
    let again = one(&s, V14, None, op::POLL, vec![corr(&id)]);
    assert_eq!(uid_of(again.payload.as_ref().expect("payload")), uid);
    assert_eq!(
        cancellation(&one(&s, V14, None, op::CANCEL, vec![corr(&id)])),
        cr::COMPLETED
    );
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A deferred item's ID Placeholder is resolved in its own batch: Create
/// then a deferred (Mandatory) Get of the placeholder returns that key.
#[test]
fn placeholder_resolved_at_deferral() {
    let s = Server::in_memory().with_async_policy(policy("get", 0));
    let resp = s.handle_message(&message(
        V14,
        yes_1x(),
        vec![(op::CREATE, aes_create_payload()), (op::GET, Vec::new())],
    ));
    let out = items(&resp);
    assert_eq!(out[0].status, rs::SUCCESS);
    let uid = uid_of(out[0].payload.as_ref().expect("payload"));
    let id = out[1].correlation.clone().expect("Get pending");
    let got = one(&s, V14, None, op::POLL, vec![corr(&id)]);
    assert_eq!(uid_of(got.payload.as_ref().expect("payload")), uid);
}

async fn wire_exchange(
    s: &mut tokio_rustls::client::TlsStream<tokio::net::TcpStream>,
    msg: &Item,
) -> Out {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let bytes = kmip_ttlv::ttlv::encode(msg).expect("encode");
    s.write_all(&bytes).await.expect("write");
    s.flush().await.expect("flush");
    let mut head = [0u8; 8];
    s.read_exact(&mut head).await.expect("response header");
    let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
    assert!(len < 1 << 20, "response length {len}");
    let mut buf = head.to_vec();
    buf.resize(8 + len, 0);
    s.read_exact(&mut buf[8..]).await.expect("response body");
    let resp = kmip_ttlv::ttlv::decode(&buf, &kmip_ttlv::ttlv::Limits::default()).expect("decode");
    let mut all = items(&resp);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

/// A Create pending when the server is killed (-9) is still there after the
/// restart: Poll runs it, the key exists and survives the next kill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_in_flight_survives_kill_9() {
    use kmip_wire::testing::{client_config, connect};
    let dir = std::env::temp_dir().join(format!(
        "kmip-async-kill-{}",
        kmip_reference_server::store::new_uid()
    ));
    let data = dir.join("data");
    let first = ServerProcess::start([
        OsStr::new("--async-ops"),
        "create".as_ref(),
        "--data-dir".as_ref(),
        data.as_os_str(),
    ]);
    let ca = std::fs::read_to_string(data.join("certs").join("ca.pem")).expect("ca.pem");
    let cfg = client_config(&ca);
    let mut s = connect(first.addr, &cfg).await;
    let pending = wire_exchange(
        &mut s,
        &message(V14, yes_1x(), vec![(op::CREATE, aes_create_payload())]),
    )
    .await;
    assert_eq!(pending.status, rs::OPERATION_PENDING, "{pending:?}");
    let id = pending.correlation.expect("correlation value");
    drop(first); // kill -9 with the request in flight
    drop(s);

    let second = ServerProcess::start([
        OsStr::new("--async-ops"),
        "create".as_ref(),
        "--data-dir".as_ref(),
        data.as_os_str(),
    ]);
    let mut s = connect(second.addr, &cfg).await;
    let done = wire_exchange(
        &mut s,
        &message(V14, None, vec![(op::POLL, vec![corr(&id)])]),
    )
    .await;
    assert_eq!(done.status, rs::SUCCESS, "{done:?}");
    let uid = uid_of(done.payload.as_ref().expect("payload"));
    drop(second);
    drop(s);

    let third = ServerProcess::start([
        OsStr::new("--async-ops"),
        "create".as_ref(),
        "--data-dir".as_ref(),
        data.as_os_str(),
    ]);
    let mut s = connect(third.addr, &cfg).await;
    let get = wire_exchange(
        &mut s,
        &message(
            V14,
            None,
            vec![(op::GET, vec![txt(t::UNIQUE_IDENTIFIER, &uid)])],
        ),
    )
    .await;
    assert_eq!(
        get.status,
        rs::SUCCESS,
        "the key made at Poll survived: {get:?}"
    );
    let cancel = wire_exchange(
        &mut s,
        &message(V14, None, vec![(op::CANCEL, vec![corr(&id)])]),
    )
    .await;
    assert_eq!(cancellation(&cancel), cr::COMPLETED);
    drop(third);
    let _ = std::fs::remove_dir_all(&dir);
}
