//! Hostile targets against the harness side: a fake TLS server on
//! 127.0.0.1:0 that accepts and then misbehaves — never answers, closes in
//! the middle of a message, answers garbage, announces a 2^31-byte message,
//! or drips a large message one byte at a time. The runner (`run_case`)
//! and the load engine (`run_load`) must give an error verdict within
//! their timeouts, never panic, and never allocate what the peer announces.

use kmip_runner::events::EventSink;
use kmip_runner::load::{self, LoadOptions};
use kmip_runner::plan::PlannedCase;
use kmip_runner::replay::CaseOptions;
use kmip_runner::run::{self, RunOptions};
use kmip_runner::target::{Connector, TlsConnector};
use kmip_testcase::case::load_str;
use kmip_testcase::results::Status;
use kmip_ttlv::ttlv::Limits;
use kmip_wire::testing::{serve_tls, TestPki};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CASE: &str = r#"<KMIP>
<RequestMessage>
  <RequestHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="1"/>
      <ProtocolVersionMinor type="Integer" value="2"/>
    </ProtocolVersion>
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Query"/>
    <RequestPayload>
      <QueryFunction type="Enumeration" value="QueryOperations"/>
    </RequestPayload>
  </BatchItem>
</RequestMessage>
<ResponseMessage>
  <ResponseHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="1"/>
      <ProtocolVersionMinor type="Integer" value="2"/>
    </ProtocolVersion>
    <TimeStamp type="DateTime" value="$NOW"/>
    <BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Query"/>
    <ResultStatus type="Enumeration" value="Success"/>
  </BatchItem>
</ResponseMessage>
</KMIP>
"#;

/// How the fake server misbehaves after reading one request.
#[derive(Clone, Copy, Debug)]
enum Hostile {
    /// Accept the TLS connection, read the request, never answer.
    Hang,
    /// Send half of a valid-looking header + part of the value, then close.
    CloseMidMessage,
    /// Answer bytes that are not TTLV.
    Garbage,
    /// Announce a Structure of 2^31 bytes, send nothing more.
    HugeLength,
    /// Announce 32 MiB (under the 64 MiB limit) and drip one byte / 50 ms.
    Drip,
}

/// Start the hostile server; returns its port. The listener task ends with
/// the test's runtime.
async fn hostile_server(pki: &TestPki, mode: Hostile) -> u16 {
    let addr = serve_tls(pki.server_config(false), move |mut tls| async move {
        // Read (and discard) the first request's bytes.
        let mut buf = [0u8; 4096];
        if tls.read(&mut buf).await.is_err() {
            return;
        }
        match mode {
            Hostile::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Hostile::CloseMidMessage => {
                // ResponseMessage Structure of 0x100 bytes, then 20.
                let mut b = vec![0x42, 0x00, 0x7B, 0x01, 0, 0, 1, 0];
                b.extend_from_slice(&[0x42, 0x00, 0x7A, 0x01, 0, 0, 0, 0x40]);
                b.extend_from_slice(&[0u8; 12]);
                let _ = tls.write_all(&b).await;
                let _ = tls.flush().await;
                let _ = tls.shutdown().await;
            }
            Hostile::Garbage => {
                let _ = tls.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                let _ = tls.flush().await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Hostile::HugeLength => {
                let _ = tls
                    .write_all(&[0x42, 0x00, 0x7B, 0x01, 0x80, 0x00, 0x00, 0x00])
                    .await;
                let _ = tls.flush().await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Hostile::Drip => {
                let _ = tls
                    .write_all(&[0x42, 0x00, 0x7B, 0x01, 0x02, 0x00, 0x00, 0x00])
                    .await;
                loop {
                    if tls.write_all(&[0]).await.is_err() || tls.flush().await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    })
    .await;
    addr.port()
}

fn connector(pki: &TestPki, port: u16) -> TlsConnector {
    let material = pki.client_material(false);
    TlsConnector::new(
        "127.0.0.1",
        port,
        Some("localhost"),
        &material,
        Duration::from_secs(5),
    )
    .expect("connector")
}

fn planned() -> PlannedCase {
    let tc = load_str(CASE, Path::new("HOSTILE-1.xml")).expect("case");
    PlannedCase {
        id: tc.id.clone(),
        path: PathBuf::from("HOSTILE-1.xml"),
        case: Ok(Arc::new(tc)),
        skip: None,
        wire: None,
    }
}

const MESSAGE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Replay the case against a hostile server: an Error verdict with
/// `reason_has` in the reason, within the message timeout (+ slack).
async fn replay_against(mode: Hostile, reason_has: &[&str]) {
    let pki = TestPki::generate();
    let port = hostile_server(&pki, mode).await;
    let c = connector(&pki, port);
    let opts = RunOptions {
        jobs: 1,
        case_timeout: Duration::from_secs(20),
        case: CaseOptions {
            message_timeout: MESSAGE_TIMEOUT,
            ..CaseOptions::default()
        },
        ..RunOptions::default()
    };
    let t0 = Instant::now();
    let r = run::run_case(&c, &planned(), &opts, &EventSink::none()).await;
    let took = t0.elapsed();
    assert_eq!(r.status, Status::Error, "{mode:?}: {r:?}");
    assert!(
        reason_has.iter().any(|s| r.reason.contains(s)),
        "{mode:?}: reason {:?} lacks any of {reason_has:?}",
        r.reason
    );
    assert!(
        took < MESSAGE_TIMEOUT + Duration::from_secs(3),
        "{mode:?}: took {took:?}"
    );
}

#[tokio::test]
async fn replay_hanging_target_times_out() {
    replay_against(Hostile::Hang, &["timed out"]).await;
}

#[tokio::test]
async fn replay_target_closing_mid_message_is_an_error() {
    replay_against(Hostile::CloseMidMessage, &["closed", "28 of 264"]).await;
}

#[tokio::test]
async fn replay_garbage_answer_is_an_error() {
    replay_against(Hostile::Garbage, &["not a TTLV message", "TTLV"]).await;
}

#[tokio::test]
async fn replay_two_gib_length_is_refused_without_allocating() {
    // Refused from the 8-byte header alone (64 MiB limit): no wait, no
    // allocation of the announced length.
    replay_against(Hostile::HugeLength, &["exceeds the limit"]).await;
}

#[tokio::test]
async fn replay_dripping_target_hits_the_message_timeout() {
    replay_against(Hostile::Drip, &["timed out"]).await;
}

/// The load engine against each hostile server: no successful operation,
/// errors counted, finished within duration + timeout + slack.
#[tokio::test]
async fn load_against_hostile_targets_reports_errors() {
    let pki = TestPki::generate();
    for mode in [
        Hostile::Hang,
        Hostile::CloseMidMessage,
        Hostile::Garbage,
        Hostile::HugeLength,
        Hostile::Drip,
    ] {
        let port = hostile_server(&pki, mode).await;
        let c: Arc<dyn Connector> = Arc::new(connector(&pki, port));
        let opts = LoadOptions {
            clients: 4,
            duration: Duration::from_millis(500),
            ops: "create,get,destroy".parse().expect("ops"),
            batch: 1,
            message_timeout: Duration::from_millis(800),
            limits: Limits::default(),
        };
        let t0 = Instant::now();
        let r = load::run_load(c, opts).await.expect("valid options");
        let took = t0.elapsed();
        assert_eq!(r.total_ok(), 0, "{mode:?}: {r:?}");
        assert!(r.transport_errors > 0, "{mode:?}: {r:?}");
        assert!(!r.is_clean(), "{mode:?}");
        assert!(!r.examples.is_empty(), "{mode:?}");
        assert!(took < Duration::from_secs(5), "{mode:?}: took {took:?}");
    }
}

/// Nothing listens: the load engine counts connect errors and stops at the
/// deadline.
#[tokio::test]
async fn load_against_closed_port_counts_connect_errors() {
    let pki = TestPki::generate();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let c: Arc<dyn Connector> = Arc::new(connector(&pki, port));
    let opts = LoadOptions {
        clients: 2,
        duration: Duration::from_millis(300),
        ops: "create".parse().expect("ops"),
        batch: 1,
        message_timeout: Duration::from_millis(500),
        limits: Limits::default(),
    };
    let r = load::run_load(c, opts).await.expect("valid options");
    assert_eq!(r.total_ok(), 0);
    assert!(r.connect_errors > 0, "{r:?}");
}

/// The `load` subcommand end to end: bad flags exit 2; a short run against
/// the in-process reference server exits 0 with nothing lost.
#[test]
fn load_cli_flags_and_reference_run() {
    let bin = env!("CARGO_BIN_EXE_kmip-harness");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .arg("load")
            .args(args)
            .output()
            .expect("run kmip-harness")
    };
    for bad in [
        &["--ops", "create,frobnicate"][..],
        &["--ops", "create,encrypt,destroy"],
        &["--ops", "destroy"],
        &["--clients", "0"],
        &["--duration", "7200"],
        &["--batch", "0"],
        &["--target", "127.0.0.1:1"], // no --ca
    ] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {out:?}");
    }
    let json = std::env::temp_dir().join(format!("kh-load-{}.json", std::process::id()));
    let out = run(&[
        "--clients",
        "2",
        "--duration",
        "1",
        "--batch",
        "3",
        "--json",
        json.to_str().expect("utf-8 path"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("no-loss check: 0 lost"), "{text}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written")).expect("json");
    let _ = std::fs::remove_file(&json);
    assert_eq!(v["lost"], 0);
    assert_eq!(v["failed"], 0);
    let ok = v["per_op"]["create"]["ok"].as_u64().expect("create ok");
    assert!(ok > 0 && ok % 3 == 0, "batches of 3: {ok}");
    assert_eq!(v["per_op"]["get"]["ok"], v["per_op"]["create"]["ok"]);
    assert_eq!(v["per_op"]["destroy"]["ok"], v["per_op"]["create"]["ok"]);
}
