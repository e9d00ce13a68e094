//! `run` attaches the TLS Authentication Suite clauses to the server
//! profiles in results.json (format 3), end to end with the reference
//! server in its own process (`kmip-harness serve`, 127.0.0.1, ephemeral
//! port, killed on drop):
//! - started without client authentication: §3.1.3 FAILs and the profile
//!   is NOT CONFORMANT although every case passed;
//! - started with `--require-client-cert`: §3.1.3 PASSes;
//! - behind a proxy that drops every single-suite probe connection: every
//!   case keeps its verdict and the probing stays bounded;
//! - `--no-assess-tls` leaves the lines not assessed.
//!
//! The profile is a test profile (the project discovery cases, with the
//! Basic suite's not-assessed lines) so the test needs no OASIS corpus.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kmip-harness");

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kh-run-tls-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// `kmip-harness serve` on an ephemeral port; certificates in `dir/certs`.
fn serve(dir: &Path, require_client_cert: bool) -> Server {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--cert-dir"])
        .arg(dir.join("certs"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if require_client_cert {
        cmd.arg("--require-client-cert");
    }
    let mut child = cmd.spawn().expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        match lines.next() {
            Some(Ok(l)) => {
                if let Some(a) = l.strip_prefix("listening on ") {
                    break a.trim().parse().expect("address");
                }
            }
            _ => {
                let _ = child.kill();
                panic!("serve exited before listening");
            }
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

const PROFILE: &str = r#"id: "TLS-test-server-2.1"
name: "discovery cases with the Basic suite lines"
role: server
version: "2.1"
clause: "test"
criterion: all-mandatory
mandatory:
  - "KH-DISC-1-21"
  - "KH-QUERY-1-21"
not_assessed:
  - "Basic Authentication Suite: TLS channel mutual authentication required of clients (§3.1.3)"
  - "Basic Authentication Suite: service on TCP port 5696 (§3.1.4)"
  - "Basic Authentication Suite: only the listed TLS protocol versions and cipher suites (§3.1.1-3.1.2)"
  - "Not an OASIS profile"
"#;

/// `run` against `target` with the server's generated certificates;
/// returns (exit code, results.json, wall time).
fn run(
    dir: &Path,
    certs: &Path,
    target: SocketAddr,
    extra: &[&str],
) -> (i32, serde_json::Value, Duration) {
    let profiles = dir.join("profiles");
    std::fs::create_dir_all(&profiles).expect("profiles dir");
    std::fs::write(profiles.join("tls-test.yaml"), PROFILE).expect("profile");
    let report = dir.join(format!("report-{}", extra.join("")));
    let start = Instant::now();
    let out = Command::new(BIN)
        .args(["run", "--target", &target.to_string(), "--ca"])
        .arg(certs.join("ca.pem"))
        .arg("--cert")
        .arg(certs.join("client.pem"))
        .arg("--key")
        .arg(certs.join("client-key.pem"))
        .arg("--profiles")
        .arg(&profiles)
        .args([
            "--profile",
            "TLS-test-server-2.1",
            "--quiet",
            "--report-dir",
        ])
        .arg(&report)
        .args(extra)
        .output()
        .expect("run kmip-harness");
    let took = start.elapsed();
    println!("{}", String::from_utf8_lossy(&out.stdout));
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(report.join("results.json")).unwrap_or_else(|e| {
            panic!(
                "results.json: {e}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        }),
    )
    .expect("results.json parses");
    (out.status.code().unwrap_or(-1), json, took)
}

fn profile(json: &serde_json::Value) -> &serde_json::Value {
    json["profiles"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == "TLS-test-server-2.1"))
        .expect("test profile in results.json")
}

fn clause_verdict(json: &serde_json::Value, id: &str) -> String {
    profile(json)["clauses"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id))
        .and_then(|c| c["verdict"].as_str())
        .unwrap_or("absent")
        .to_string()
}

fn all_cases_pass(json: &serde_json::Value) {
    let cases = json["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 2, "{json}");
    for c in cases {
        assert_eq!(c["status"], "pass", "{c}");
    }
}

#[test]
fn without_client_authentication_3_1_3_fails() {
    let dir = temp_dir("noauth");
    let s = serve(&dir, false);
    let (code, json, _) = run(&dir, &dir.join("certs"), s.addr, &[]);
    assert_eq!(json["format_version"], 3);
    all_cases_pass(&json);
    assert_eq!(code, 0, "clauses never change the exit code");
    assert_eq!(clause_verdict(&json, "basic-3.1.3-no-cert"), "fail");
    // Client certificates are optional but still verified when presented.
    assert_eq!(clause_verdict(&json, "basic-3.1.3-untrusted-ca"), "pass");
    assert_eq!(clause_verdict(&json, "basic-3.1.4-port"), "not_applicable");
    // v2.1 profile: the v1.x clauses are not attached.
    assert_eq!(clause_verdict(&json, "basic-v1-3.1.1-tls10"), "absent");
    let p = profile(&json);
    assert_eq!(p["conformant"], false, "{p}");
    assert_eq!(p["incomplete"], false, "{p}");
    assert_eq!(
        p["not_assessed"],
        serde_json::json!(["Not an OASIS profile"])
    );
    assert!(dir.join("report-").join("tls-assessment.json").is_file());
    let md = std::fs::read_to_string(dir.join("report-").join("report.md")).expect("md");
    assert!(
        md.contains("clause") && md.contains("basic-3.1.3-no-cert"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn with_client_authentication_3_1_3_passes() {
    let dir = temp_dir("auth");
    let s = serve(&dir, true);
    let (_, json, _) = run(&dir, &dir.join("certs"), s.addr, &[]);
    all_cases_pass(&json);
    assert_eq!(clause_verdict(&json, "basic-3.1.3-no-cert"), "pass");
    assert_eq!(clause_verdict(&json, "basic-3.1.3-untrusted-ca"), "pass");
    // No --assess-client-ca: the expired case says why it was not run.
    assert_eq!(clause_verdict(&json, "basic-3.1.3-expired"), "not_assessed");
    // rustls offers no CBC suite: the Basic suite's mandatory suites FAIL.
    assert_eq!(clause_verdict(&json, "basic-3.1.2-shall"), "fail");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_assess_tls_keeps_the_lines() {
    let dir = temp_dir("off");
    let s = serve(&dir, true);
    let (_, json, _) = run(&dir, &dir.join("certs"), s.addr, &["--no-assess-tls"]);
    let p = profile(&json);
    assert!(p.get("clauses").is_none(), "{p}");
    assert_eq!(p["not_assessed"].as_array().map(Vec::len), Some(4));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Cipher suites offered by a ClientHello (`None`: not one).
fn offered_suites(buf: &[u8]) -> Option<usize> {
    // record(5) handshake(4) version(2) random(32) session id
    let sid = *buf.get(43)? as usize;
    let at = 44 + sid;
    let n = u16::from_be_bytes([*buf.get(at)?, *buf.get(at + 1)?]) as usize;
    Some(n / 2)
}

/// A TCP proxy to `to` that closes every connection whose ClientHello
/// offers fewer than three cipher suites (the single-suite probes).
async fn dropping_proxy(to: SocketAddr) -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut c, _)) = l.accept().await {
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = vec![0u8; 4096];
                let mut n = 0;
                while n < 64 {
                    match tokio::time::timeout(Duration::from_secs(2), c.read(&mut buf[n..])).await
                    {
                        Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
                        Ok(Ok(k)) => n += k,
                    }
                }
                if offered_suites(&buf[..n]).is_none_or(|s| s < 3) {
                    return; // dropped
                }
                let Ok(mut s) = tokio::net::TcpStream::connect(to).await else {
                    return;
                };
                if s.write_all(&buf[..n]).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut c, &mut s).await;
            });
        }
    });
    addr
}

#[test]
fn dropped_probe_connections_keep_every_case_verdict() {
    let dir = temp_dir("drop");
    let s = serve(&dir, true);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let proxy = rt.block_on(dropping_proxy(s.addr));
    let (_, baseline, quick) = run(&dir, &dir.join("certs"), s.addr, &["--no-assess-tls"]);
    let (code, json, took) = run(&dir, &dir.join("certs"), proxy, &[]);
    all_cases_pass(&json);
    assert_eq!(code, 0);
    let status = |j: &serde_json::Value| -> Vec<String> {
        j["cases"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .map(|c| format!("{} {}", c["id"], c["status"]))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(status(&json), status(&baseline));
    // Single-suite probes were dropped (a close after the ClientHello is a
    // refusal): the clause is decided against the target, never passed.
    assert_ne!(clause_verdict(&json, "basic-3.1.2-shall"), "pass");
    assert_eq!(clause_verdict(&json, "basic-3.1.3-no-cert"), "pass");
    assert!(
        took < quick + Duration::from_secs(6),
        "probing added {:?}",
        took.saturating_sub(quick)
    );
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
}
