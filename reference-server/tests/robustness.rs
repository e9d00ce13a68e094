//! Robustness of the network server (issue 4 "Done when"): malformed TTLV,
//! a 100 MB request, a connection that sends half a message and stalls,
//! 64 concurrent clients doing Create / Get / Destroy, and durability of
//! `--data-dir` across `kill -9` (alone, and with 16 clients writing at the
//! moment of the kill). In every case the server answers an error
//! or closes the offending connection, keeps serving the others and loses
//! no acknowledged object.
//!
//! Servers bind 127.0.0.1 port 0; the kill -9 test runs the real binary and
//! kills it (and its restart) itself.

mod process;

use kmip_reference_server::net::{spawn, RunningServer, ServerConfig};
use kmip_reference_server::TlsConfig;
use kmip_ttlv::{Item, Tag, Value};
use kmip_wire::testing::{client_config, connect};
use process::{Scratch, ServerProcess};
use std::ffi::OsStr;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

const REQUEST_MESSAGE: Tag = Tag(0x420078);
const REQUEST_HEADER: Tag = Tag(0x420077);
const PROTOCOL_VERSION: Tag = Tag(0x420069);
const PV_MAJOR: Tag = Tag(0x42006A);
const PV_MINOR: Tag = Tag(0x42006B);
const BATCH_COUNT: Tag = Tag(0x42000D);
const BATCH_ITEM: Tag = Tag(0x42000F);
const OPERATION: Tag = Tag(0x42005C);
const REQUEST_PAYLOAD: Tag = Tag(0x420079);
const RESPONSE_PAYLOAD: Tag = Tag(0x42007C);
const RESULT_STATUS: Tag = Tag(0x42007F);
const RESULT_REASON: Tag = Tag(0x42007E);
const OBJECT_TYPE: Tag = Tag(0x420057);
const UNIQUE_IDENTIFIER: Tag = Tag(0x420094);
const ATTRIBUTES: Tag = Tag(0x420125);
const CRYPTOGRAPHIC_ALGORITHM: Tag = Tag(0x420028);
const CRYPTOGRAPHIC_LENGTH: Tag = Tag(0x42002A);
const CRYPTOGRAPHIC_USAGE_MASK: Tag = Tag(0x42002C);
const SYMMETRIC_KEY: Tag = Tag(0x42008F);
const KEY_BLOCK: Tag = Tag(0x420040);
const KEY_FORMAT_TYPE: Tag = Tag(0x420042);
const KEY_VALUE: Tag = Tag(0x420045);
const KEY_MATERIAL: Tag = Tag(0x420043);

const OP_CREATE: u32 = 0x01;
const OP_REGISTER: u32 = 0x03;
const OP_GET: u32 = 0x0A;
const OP_DESTROY: u32 = 0x14;
const SUCCESS: u32 = 0x00;

fn st(tag: Tag, children: Vec<Item>) -> Item {
    Item::structure(tag, children)
}

fn en(tag: Tag, v: u32) -> Item {
    Item::new(tag, Value::Enumeration(v))
}

fn int(tag: Tag, v: i32) -> Item {
    Item::new(tag, Value::Integer(v))
}

fn request(op: u32, payload: Vec<Item>) -> Vec<u8> {
    let msg = st(
        REQUEST_MESSAGE,
        vec![
            st(
                REQUEST_HEADER,
                vec![
                    st(PROTOCOL_VERSION, vec![int(PV_MAJOR, 2), int(PV_MINOR, 1)]),
                    int(BATCH_COUNT, 1),
                ],
            ),
            st(
                BATCH_ITEM,
                vec![en(OPERATION, op), st(REQUEST_PAYLOAD, payload)],
            ),
        ],
    );
    kmip_ttlv::ttlv::encode(&msg).expect("encode request")
}

fn create_aes() -> Vec<u8> {
    request(
        OP_CREATE,
        vec![
            en(OBJECT_TYPE, 0x02),
            st(
                ATTRIBUTES,
                vec![
                    en(CRYPTOGRAPHIC_ALGORITHM, 0x03),
                    int(CRYPTOGRAPHIC_LENGTH, 256),
                    int(CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                ],
            ),
        ],
    )
}

fn register_aes(material: &[u8]) -> Vec<u8> {
    request(
        OP_REGISTER,
        vec![
            en(OBJECT_TYPE, 0x02),
            st(
                ATTRIBUTES,
                vec![
                    en(CRYPTOGRAPHIC_ALGORITHM, 0x03),
                    int(CRYPTOGRAPHIC_LENGTH, 256),
                    int(CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                ],
            ),
            st(
                SYMMETRIC_KEY,
                vec![st(
                    KEY_BLOCK,
                    vec![
                        en(KEY_FORMAT_TYPE, 0x01),
                        st(
                            KEY_VALUE,
                            vec![Item::new(
                                KEY_MATERIAL,
                                Value::ByteString(material.to_vec()),
                            )],
                        ),
                        en(CRYPTOGRAPHIC_ALGORITHM, 0x03),
                        int(CRYPTOGRAPHIC_LENGTH, 256),
                    ],
                )],
            ),
        ],
    )
}

fn by_uid(op: u32, uid: &str) -> Vec<u8> {
    request(
        op,
        vec![Item::new(
            UNIQUE_IDENTIFIER,
            Value::TextString(uid.to_string()),
        )],
    )
}

/// (Result Status, Result Reason, Response Payload) of the first batch item.
fn outcome(resp: &Item) -> (u32, Option<u32>, Option<Item>) {
    let bi = resp.child(BATCH_ITEM).expect("batch item");
    let status = match bi.child(RESULT_STATUS).map(|i| &i.value) {
        Some(Value::Enumeration(v)) => *v,
        other => panic!("no Result Status: {other:?}"),
    };
    let reason = match bi.child(RESULT_REASON).map(|i| &i.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    };
    (status, reason, bi.child(RESPONSE_PAYLOAD).cloned())
}

fn uid_of(payload: &Item) -> String {
    payload
        .child(UNIQUE_IDENTIFIER)
        .and_then(|i| i.value.as_text())
        .expect("Unique Identifier")
        .to_string()
}

fn key_material(payload: &Item) -> Vec<u8> {
    match payload
        .child(SYMMETRIC_KEY)
        .and_then(|k| k.child(KEY_BLOCK))
        .and_then(|k| k.child(KEY_VALUE))
        .and_then(|k| k.child(KEY_MATERIAL))
        .map(|k| &k.value)
    {
        Some(Value::ByteString(b)) => b.clone(),
        other => panic!("no key material: {other:?}"),
    }
}

async fn read_message(s: &mut TlsStream<TcpStream>) -> std::io::Result<Item> {
    let mut head = [0u8; 8];
    s.read_exact(&mut head).await?;
    let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
    assert!(len < 64 * 1024 * 1024, "response length {len}");
    let mut buf = head.to_vec();
    buf.resize(8 + len, 0);
    s.read_exact(&mut buf[8..]).await?;
    kmip_ttlv::ttlv::decode(&buf, &kmip_ttlv::ttlv::Limits::default())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
}

async fn exchange(s: &mut TlsStream<TcpStream>, req: &[u8]) -> Item {
    s.write_all(req).await.expect("write request");
    s.flush().await.expect("flush");
    read_message(s).await.expect("response")
}

async fn start(
    name: &str,
    read_timeout: Duration,
) -> (RunningServer, Arc<rustls::ClientConfig>, Scratch) {
    let scratch = Scratch::new(name);
    let cfg = ServerConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        tls: TlsConfig::Generate {
            cert_dir: Some(scratch.0.join("certs")),
            client_ca: None,
        },
        read_timeout,
        ..ServerConfig::default()
    };
    let running = spawn(cfg).await.expect("server starts");
    let client = client_config(&running.ca_cert_pem);
    (running, client, scratch)
}

/// One Create / Get / Destroy round on a fresh connection; returns the uid.
async fn create_get_destroy(addr: SocketAddr, cfg: &Arc<rustls::ClientConfig>) -> String {
    let mut s = connect(addr, cfg).await;
    let (st_, reason, payload) = outcome(&exchange(&mut s, &create_aes()).await);
    assert_eq!((st_, reason), (SUCCESS, None), "Create");
    let uid = uid_of(&payload.expect("Create payload"));
    let (st_, _, payload) = outcome(&exchange(&mut s, &by_uid(OP_GET, &uid)).await);
    assert_eq!(st_, SUCCESS, "Get");
    assert_eq!(key_material(&payload.expect("Get payload")).len(), 32);
    let (st_, _, _) = outcome(&exchange(&mut s, &by_uid(OP_DESTROY, &uid)).await);
    assert_eq!(st_, SUCCESS, "Destroy");
    uid
}

/// Read until the server closes the connection or sends a response; true
/// when the connection ended (EOF / reset) or an error response came back.
async fn rejected(s: &mut TlsStream<TcpStream>, within: Duration) -> bool {
    match tokio::time::timeout(within, read_message(s)).await {
        Ok(Ok(resp)) => outcome(&resp).0 != SUCCESS,
        Ok(Err(_)) => true,
        Err(_) => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_ttlv_is_rejected_and_others_are_served() {
    let (running, cfg, _scratch) = start("malformed", Duration::from_secs(5)).await;
    let addr = running.addr;
    let bad: Vec<Vec<u8>> = vec![
        // Request Message claiming to be an Integer of length 16.
        vec![
            0x42, 0x00, 0x78, 0x02, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ],
        // Structure whose child overruns the parent.
        vec![
            0x42, 0x00, 0x78, 0x01, 0, 0, 0, 8, 0x42, 0x00, 0x77, 0x01, 0, 0, 0, 0xF0,
        ],
        // Not TTLV at all (no 0x42 tag prefix), padded to a header.
        b"GARBAGE!GARBAGE!".to_vec(),
    ];
    for (i, b) in bad.iter().enumerate() {
        let mut s = connect(addr, &cfg).await;
        s.write_all(b).await.expect("write");
        s.flush().await.expect("flush");
        assert!(
            rejected(&mut s, Duration::from_secs(10)).await,
            "malformed input {i} got neither an error response nor a close"
        );
    }
    create_get_destroy(addr, &cfg).await;
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_of_100_mb_is_refused_without_hurting_others() {
    let (running, cfg, _scratch) = start("huge", Duration::from_secs(5)).await;
    let addr = running.addr;
    let mut s = connect(addr, &cfg).await;
    let len: u32 = 100 * 1024 * 1024;
    let mut head = vec![0x42, 0x00, 0x78, 0x01];
    head.extend_from_slice(&len.to_be_bytes());
    s.write_all(&head).await.expect("header");
    // Stream the body until the server refuses it (it must not buffer 100 MB).
    let chunk = vec![0u8; 1024 * 1024];
    let mut sent = 0usize;
    let mut write_failed = false;
    while sent < len as usize {
        match tokio::time::timeout(Duration::from_secs(10), s.write_all(&chunk)).await {
            Ok(Ok(())) => sent += chunk.len(),
            Ok(Err(_)) | Err(_) => {
                write_failed = true;
                break;
            }
        }
        // Meanwhile another client is served.
        if sent == 4 * 1024 * 1024 {
            create_get_destroy(addr, &cfg).await;
        }
    }
    if !write_failed {
        let _ = s.flush().await;
        assert!(
            rejected(&mut s, Duration::from_secs(10)).await,
            "a 100 MB request was accepted"
        );
    }
    create_get_destroy(addr, &cfg).await;
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_half_message_is_dropped_and_others_are_served() {
    let (running, cfg, _scratch) = start("stall", Duration::from_secs(1)).await;
    let addr = running.addr;
    let full = create_aes();
    let mut stalled = connect(addr, &cfg).await;
    stalled
        .write_all(&full[..full.len() / 2])
        .await
        .expect("half");
    stalled.flush().await.expect("flush");
    // Other clients are served while the half message sits there.
    for _ in 0..3 {
        create_get_destroy(addr, &cfg).await;
    }
    // The server gives up on the stalled connection after its read timeout.
    assert!(
        rejected(&mut stalled, Duration::from_secs(15)).await,
        "a stalled half message kept its connection open"
    );
    create_get_destroy(addr, &cfg).await;
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_clients_lose_nothing() {
    let (running, cfg, _scratch) = start("concurrent", Duration::from_secs(10)).await;
    let addr = running.addr;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let cfg = cfg.clone();
        tasks.spawn(async move {
            let mut uids = Vec::new();
            for _ in 0..3 {
                uids.push(create_get_destroy(addr, &cfg).await);
            }
            uids
        });
    }
    let mut all = Vec::new();
    while let Some(r) = tasks.join_next().await {
        all.extend(r.expect("client task"));
    }
    assert_eq!(all.len(), 64 * 3);
    let mut dedup = all.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), all.len(), "Unique Identifiers must be unique");
    // Every object is still known to the server, in the Destroyed state
    // (Get of a destroyed object: Object Destroyed in 2.x, not Not Found).
    for uid in &all {
        let req =
            kmip_ttlv::ttlv::decode(&by_uid(OP_GET, uid), &kmip_ttlv::ttlv::Limits::default())
                .expect("decode own request");
        let (st_, reason, _) = outcome(&running.server.handle_message(&req));
        assert_ne!(st_, SUCCESS);
        assert_eq!(
            reason,
            Some(0x36),
            "object {uid} should be Object Destroyed"
        );
    }
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9() {
    let scratch = Scratch::new("kill9");
    let data = scratch.0.join("data");
    let first = ServerProcess::start([OsStr::new("--data-dir"), data.as_os_str()]);
    let ca = std::fs::read_to_string(data.join("certs").join("ca.pem")).expect("ca.pem written");
    let cfg = client_config(&ca);
    let mut s = connect(first.addr, &cfg).await;
    let mut objects = Vec::new();
    for i in 0..20u8 {
        let material = [i; 32];
        let (st_, _, payload) = outcome(&exchange(&mut s, &register_aes(&material)).await);
        assert_eq!(st_, SUCCESS, "Register {i}");
        objects.push((uid_of(&payload.expect("payload")), material.to_vec()));
    }
    let (st_, _, payload) = outcome(&exchange(&mut s, &create_aes()).await);
    assert_eq!(st_, SUCCESS);
    let created = uid_of(&payload.expect("payload"));
    let (st_, _, payload) = outcome(&exchange(&mut s, &by_uid(OP_GET, &created)).await);
    assert_eq!(st_, SUCCESS);
    objects.push((created, key_material(&payload.expect("payload"))));
    // The last acknowledged write, then kill -9 with the connection open.
    let (st_, _, _) = outcome(&exchange(&mut s, &by_uid(OP_DESTROY, &objects[0].0)).await);
    assert_eq!(st_, SUCCESS);
    first.kill_9();
    drop(s);

    let second = ServerProcess::start([OsStr::new("--data-dir"), data.as_os_str()]);
    let mut s = connect(second.addr, &cfg).await;
    let (st_, reason, _) = outcome(&exchange(&mut s, &by_uid(OP_GET, &objects[0].0)).await);
    assert_eq!(
        (st_, reason),
        (0x01, Some(0x36)),
        "Destroy survived the crash"
    );
    for (uid, material) in &objects[1..] {
        let (st_, _, payload) = outcome(&exchange(&mut s, &by_uid(OP_GET, uid)).await);
        assert_eq!(st_, SUCCESS, "object {uid} lost after kill -9");
        assert_eq!(
            &key_material(&payload.expect("payload")),
            material,
            "object {uid} changed"
        );
    }
    second.kill_9();
}

/// What a client of the kill -9 load test knows about one of its objects.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Destroyed {
    No,
    /// Destroy sent, no answer before the crash: either state is right.
    Unacknowledged,
    Yes,
}

/// One exchange that may fail because the server died.
async fn try_exchange(s: &mut TlsStream<TcpStream>, req: &[u8]) -> Option<Item> {
    let io = async {
        s.write_all(req).await?;
        s.flush().await?;
        read_message(s).await
    };
    tokio::time::timeout(Duration::from_secs(10), io)
        .await
        .ok()?
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_under_concurrent_load() {
    let scratch = Scratch::new("kill9-load");
    let data = scratch.0.join("data");
    let first = ServerProcess::start([OsStr::new("--data-dir"), data.as_os_str()]);
    let ca = std::fs::read_to_string(data.join("certs").join("ca.pem")).expect("ca.pem written");
    let cfg = client_config(&ca);
    let acked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..16u8 {
        let (cfg, acked, addr) = (cfg.clone(), acked.clone(), first.addr);
        clients.spawn(async move {
            let mut s = connect(addr, &cfg).await;
            let mut mine: Vec<(String, Vec<u8>, Destroyed)> = Vec::new();
            for i in 0u16.. {
                let mut material = [c; 32];
                material[..2].copy_from_slice(&i.to_be_bytes());
                let Some(resp) = try_exchange(&mut s, &register_aes(&material)).await else {
                    break;
                };
                let (st_, _, payload) = outcome(&resp);
                assert_eq!(st_, SUCCESS, "Register");
                mine.push((
                    uid_of(&payload.expect("payload")),
                    material.to_vec(),
                    Destroyed::No,
                ));
                acked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i % 3 == 2 {
                    // destroy the previous one
                    let n = mine.len() - 2;
                    mine[n].2 = Destroyed::Unacknowledged;
                    let Some(resp) = try_exchange(&mut s, &by_uid(OP_DESTROY, &mine[n].0)).await
                    else {
                        break;
                    };
                    assert_eq!(outcome(&resp).0, SUCCESS, "Destroy");
                    mine[n].2 = Destroyed::Yes;
                }
            }
            mine
        });
    }
    // kill -9 while the 16 clients are mid-request
    let t0 = std::time::Instant::now();
    while acked.load(std::sync::atomic::Ordering::SeqCst) < 300
        && t0.elapsed() < Duration::from_secs(20)
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill_9();
    let mut objects = Vec::new();
    while let Some(r) = clients.join_next().await {
        objects.extend(r.expect("client task"));
    }
    assert!(objects.len() >= 16, "clients wrote before the crash");

    let second = ServerProcess::start([OsStr::new("--data-dir"), data.as_os_str()]);
    let mut s = connect(second.addr, &cfg).await;
    let mut destroyed = 0;
    for (uid, material, d) in &objects {
        let (st_, reason, payload) = outcome(&exchange(&mut s, &by_uid(OP_GET, uid)).await);
        match (d, st_) {
            (Destroyed::Yes, _) | (Destroyed::Unacknowledged, 0x01) => {
                assert_eq!((st_, reason), (0x01, Some(0x36)), "Destroy of {uid} lost");
                destroyed += 1;
            }
            (Destroyed::No | Destroyed::Unacknowledged, _) => {
                assert_eq!(st_, SUCCESS, "object {uid} lost after kill -9");
                assert_eq!(
                    &key_material(&payload.expect("payload")),
                    material,
                    "object {uid} changed"
                );
            }
        }
    }
    assert!(destroyed > 0, "some Destroys were acknowledged");
    second.kill_9();
}
