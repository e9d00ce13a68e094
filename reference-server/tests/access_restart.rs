//! Ownership across a restart of the real binary:
//! `kmip-reference-server --data-dir D --async-ops create --async-delay-ms
//! 300 --access-control --users U`, over TLS, two users (Username and
//! Password credentials). Before the restart: alice creates a key and
//! submits an asynchronous Create (Operation Pending, still in flight);
//! bob may not Poll it. The server is killed (SIGKILL) and started again
//! on the same data directory: bob's Poll is still Permission Denied,
//! alice's Poll completes the Create, and bob may neither Get nor Locate
//! either of alice's keys while alice may.
//!
//! The server binds 127.0.0.1 port 0; the test kills it and its restart.

mod process;
mod tagged;

use kmip_reference_server::spec::enums::{
    asynchronous_indicator as ai, operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_ttlv::{Item, Value};
use kmip_wire::testing::{client_config, connect};
use process::{Scratch, ServerProcess};
use std::ffi::OsStr;
use std::time::{Duration, Instant};
use tagged::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");

/// A KMIP 2.1 request as `who`, optionally allowing an asynchronous answer.
fn request(who: (&str, &str), asynchronous: bool, o: u32, payload: Vec<Item>) -> Vec<u8> {
    let mut header = vec![st(
        t::PROTOCOL_VERSION,
        vec![
            int(t::PROTOCOL_VERSION_MAJOR, 2),
            int(t::PROTOCOL_VERSION_MINOR, 1),
        ],
    )];
    if asynchronous {
        header.push(en(t::ASYNCHRONOUS_INDICATOR, ai::OPTIONAL));
    }
    header.push(st(
        t::AUTHENTICATION,
        vec![st(
            t::CREDENTIAL,
            vec![
                en(t::CREDENTIAL_TYPE, 1),
                st(
                    t::CREDENTIAL_VALUE,
                    vec![txt(t::USERNAME, who.0), txt(t::PASSWORD, who.1)],
                ),
            ],
        )],
    ));
    header.push(int(t::BATCH_COUNT, 1));
    let msg = st(
        t::REQUEST_MESSAGE,
        vec![
            st(t::REQUEST_HEADER, header),
            st(
                t::BATCH_ITEM,
                vec![en(t::OPERATION, o), st(t::REQUEST_PAYLOAD, payload)],
            ),
        ],
    );
    kmip_ttlv::ttlv::encode(&msg).expect("encode request")
}

fn key_payload(name: &str) -> Vec<Item> {
    vec![
        en(t::OBJECT_TYPE, 2),
        st(
            t::ATTRIBUTES,
            vec![
                en(t::CRYPTOGRAPHIC_ALGORITHM, 3),
                int(t::CRYPTOGRAPHIC_LENGTH, 256),
                int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                st(t::NAME, vec![txt(t::NAME_VALUE, name), en(t::NAME_TYPE, 1)]),
            ],
        ),
    ]
}

fn uid(u: &str) -> Vec<Item> {
    vec![txt(t::UNIQUE_IDENTIFIER, u)]
}

fn correlation(v: &[u8]) -> Vec<Item> {
    vec![Item::new(
        t::ASYNCHRONOUS_CORRELATION_VALUE,
        Value::ByteString(v.to_vec()),
    )]
}

/// Result Status, Result Reason and the batch item of one exchange.
struct Answer {
    status: u32,
    reason: Option<u32>,
    item: Item,
}

impl Answer {
    fn payload(&self) -> &Item {
        assert_eq!(
            self.status,
            rs::SUCCESS,
            "expected Success: {:?}",
            self.item
        );
        self.item.child(t::RESPONSE_PAYLOAD).expect("payload")
    }

    fn uid(&self) -> String {
        self.payload()
            .child(t::UNIQUE_IDENTIFIER)
            .and_then(|u| u.value.as_text())
            .expect("uid")
            .to_string()
    }

    fn uids(&self) -> Vec<String> {
        self.payload()
            .children()
            .iter()
            .filter(|i| i.tag == t::UNIQUE_IDENTIFIER)
            .filter_map(|i| i.value.as_text().map(str::to_string))
            .collect()
    }

    fn denied(&self) -> bool {
        self.status == rs::OPERATION_FAILED && self.reason == Some(rr::PERMISSION_DENIED)
    }
}

async fn exchange(s: &mut TlsStream<TcpStream>, req: &[u8]) -> Answer {
    s.write_all(req).await.expect("write request");
    s.flush().await.expect("flush");
    let mut head = [0u8; 8];
    s.read_exact(&mut head).await.expect("response header");
    let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
    assert!(len < 1024 * 1024, "response length {len}");
    let mut buf = head.to_vec();
    buf.resize(8 + len, 0);
    s.read_exact(&mut buf[8..]).await.expect("response body");
    let resp = kmip_ttlv::ttlv::decode(&buf, &kmip_ttlv::ttlv::Limits::default())
        .expect("response decodes");
    let item = resp.child(t::BATCH_ITEM).expect("batch item").clone();
    let e = |tag| match item.child(tag).map(|i| &i.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    };
    Answer {
        status: e(t::RESULT_STATUS).expect("result status"),
        reason: e(t::RESULT_REASON),
        item,
    }
}

fn locate_by_name(who: (&str, &str), name: &str) -> Vec<u8> {
    request(
        who,
        false,
        op::LOCATE,
        vec![st(
            t::ATTRIBUTES,
            vec![st(
                t::NAME,
                vec![txt(t::NAME_VALUE, name), en(t::NAME_TYPE, 1)],
            )],
        )],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_request_and_owners_survive_a_restart() {
    let scratch = Scratch::new("access-restart");
    let data = scratch.0.join("data");
    let users = scratch.0.join("users.txt");
    std::fs::write(&users, "alice:alice-pw\nbob:bob-pw\n").expect("users file");

    let first = ServerProcess::start([
        OsStr::new("--async-ops"),
        "create".as_ref(),
        "--async-delay-ms".as_ref(),
        "300".as_ref(),
        "--access-control".as_ref(),
        "--users".as_ref(),
        users.as_os_str(),
        "--data-dir".as_ref(),
        data.as_os_str(),
    ]);
    let ca = std::fs::read_to_string(data.join("certs").join("ca.pem")).expect("ca.pem written");
    let cfg = client_config(&ca);
    let mut s = connect(first.addr, &cfg).await;
    let owned = exchange(
        &mut s,
        &request(ALICE, false, op::CREATE, key_payload("restart-sync")),
    )
    .await
    .uid();
    let pending = exchange(
        &mut s,
        &request(ALICE, true, op::CREATE, key_payload("restart-async")),
    )
    .await;
    assert_eq!(pending.status, rs::OPERATION_PENDING, "{:?}", pending.item);
    let corr = match pending
        .item
        .child(t::ASYNCHRONOUS_CORRELATION_VALUE)
        .map(|i| &i.value)
    {
        Some(Value::ByteString(b)) => b.clone(),
        other => panic!("no correlation value: {other:?}"),
    };
    let bob_poll = exchange(&mut s, &request(BOB, false, op::POLL, correlation(&corr))).await;
    assert!(
        bob_poll.denied(),
        "bob polled alice's request: {:?}",
        bob_poll.item
    );
    assert!(exchange(&mut s, &request(BOB, false, op::GET, uid(&owned)))
        .await
        .denied());
    drop(s);
    drop(first); // SIGKILL: the request is still in flight

    let second = ServerProcess::start([
        OsStr::new("--async-ops"),
        "create".as_ref(),
        "--async-delay-ms".as_ref(),
        "300".as_ref(),
        "--access-control".as_ref(),
        "--users".as_ref(),
        users.as_os_str(),
        "--data-dir".as_ref(),
        data.as_os_str(),
    ]);
    let mut s = connect(second.addr, &cfg).await;
    let bob_poll = exchange(&mut s, &request(BOB, false, op::POLL, correlation(&corr))).await;
    assert!(
        bob_poll.denied(),
        "after the restart bob polled alice's request: {:?}",
        bob_poll.item
    );
    // alice polls until the 300 ms delay has passed
    let started = Instant::now();
    let created = loop {
        let a = exchange(&mut s, &request(ALICE, false, op::POLL, correlation(&corr))).await;
        if a.status != rs::OPERATION_PENDING {
            break a.uid();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still pending after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for key in [&owned, &created] {
        let a = exchange(&mut s, &request(ALICE, false, op::GET, uid(key))).await;
        assert_eq!(a.status, rs::SUCCESS, "alice's Get of {key}: {:?}", a.item);
        let b = exchange(&mut s, &request(BOB, false, op::GET, uid(key))).await;
        assert!(b.denied(), "bob's Get of {key}: {:?}", b.item);
    }
    for (name, key) in [("restart-sync", &owned), ("restart-async", &created)] {
        let found = exchange(&mut s, &locate_by_name(BOB, name)).await.uids();
        assert!(found.is_empty(), "bob located {found:?}");
        let found = exchange(&mut s, &locate_by_name(ALICE, name)).await.uids();
        assert_eq!(found, vec![key.clone()]);
    }
    drop(s);
    drop(second);
}
