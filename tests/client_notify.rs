//! `kmip-harness notify`: Notify and Put sent to a client's service port.
//! The client endpoint here is a small in-test TLS service on 127.0.0.1
//! (port 0) that answers every request with the operation echoed and a
//! chosen Result Status; the harness must pass the acknowledging client and
//! fail the refusing one.

mod client_common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use client_common::{harness, read_results, TempDir};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, Tag, Value};
use kmip_wire::testing::{serve_tls_in_thread, TestPki};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn tag(name: &str) -> Tag {
    Tag(kmip_ttlv::dict::tag_by_name(name).expect("known tag"))
}

fn ack(request: &Item, status: u32) -> Item {
    let version = request
        .path(&["RequestHeader", "ProtocolVersion"])
        .cloned()
        .expect("version");
    let op = request
        .path(&["BatchItem", "Operation"])
        .cloned()
        .expect("operation");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let mut fields = vec![
        op,
        Item::new(tag("ResultStatus"), Value::Enumeration(status)),
    ];
    if status != 0 {
        fields.push(Item::new(tag("ResultReason"), Value::Enumeration(0x0100)));
    }
    Item::structure(
        tag("ResponseMessage"),
        vec![
            Item::structure(
                tag("ResponseHeader"),
                vec![
                    version,
                    Item::new(tag("TimeStamp"), Value::DateTime(now)),
                    Item::new(tag("BatchCount"), Value::Integer(1)),
                ],
            ),
            Item::structure(tag("BatchItem"), fields),
        ],
    )
}

/// A client service endpoint answering with `status`; returns its port,
/// the CA file, and a counter of requests served.
fn client_endpoint(dir: &TempDir, status: u32) -> (u16, std::path::PathBuf, Arc<AtomicUsize>) {
    let pki = TestPki::generate();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pki.ca_pem()).expect("write CA");
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let addr = serve_tls_in_thread(pki.server_config(false), move |mut s| {
        let count = count.clone();
        async move {
            loop {
                let mut head = [0u8; 8];
                if s.read_exact(&mut head).await.is_err() {
                    break;
                }
                let n = ttlv::frame_length(&head, &Limits::default()).expect("frame");
                let mut buf = vec![0u8; n];
                buf[..8].copy_from_slice(&head);
                s.read_exact(&mut buf[8..]).await.expect("body");
                let req = ttlv::decode(&buf, &Limits::default()).expect("decode");
                count.fetch_add(1, Ordering::SeqCst);
                let out = ttlv::encode(&ack(&req, status)).expect("encode");
                s.write_all(&out).await.expect("write");
                s.flush().await.expect("flush");
            }
        }
    });
    (addr.port(), ca, served)
}

fn notify(port: u16, ca: &std::path::Path, dir: &TempDir) -> (Option<i32>, serde_json::Value) {
    let root = env!("CARGO_MANIFEST_DIR");
    let reports = dir.path().join("reports");
    let out = std::process::Command::new(harness())
        .current_dir(root)
        .args([
            "notify",
            "--client",
            &format!("127.0.0.1:{port}"),
            "--sni",
            "localhost",
            "--testcases",
        ])
        .arg(format!("{root}/testcases/client/notify"))
        .arg(format!("{root}/testcases/client/KH-CLIENT-1-12.xml"))
        .arg("--ca")
        .arg(ca)
        .arg("--report-dir")
        .arg(&reports)
        .output()
        .expect("run notify");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    (
        out.status.code(),
        read_results(&reports.join("results.json")),
    )
}

fn status_of(results: &serde_json::Value, id: &str) -> String {
    results["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| c["status"].as_str().unwrap_or("").to_string())
        .unwrap_or_default()
}

#[test]
fn acknowledging_client_passes_notify_and_put() {
    let dir = TempDir::new("client-notify-ok");
    let (port, ca, served) = client_endpoint(&dir, 0);
    let (code, results) = notify(port, &ca, &dir);
    assert_eq!(status_of(&results, "KH-NOTIFY-1-14"), "pass", "{results:#}");
    // A request/response case that is not Notify / Put is skipped.
    assert_eq!(status_of(&results, "KH-CLIENT-1-12"), "skip");
    assert_eq!(served.load(Ordering::SeqCst), 2, "one Notify and one Put");
    assert_eq!(results["role"], "client");
    assert_eq!(code, Some(0));
}

#[test]
fn refusing_client_fails() {
    let dir = TempDir::new("client-notify-refused");
    let (port, ca, _) = client_endpoint(&dir, 1);
    let (code, results) = notify(port, &ca, &dir);
    assert_eq!(status_of(&results, "KH-NOTIFY-1-14"), "fail", "{results:#}");
    assert_eq!(code, Some(1));
}
