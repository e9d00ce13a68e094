//! `kmip-harness tls-probe` end to end: the reference server (in this test
//! process, 127.0.0.1 ephemeral port, required client certificates) probed
//! by the binary; the clause table, the JSON evidence and the exit codes.

use std::net::SocketAddr;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kmip-harness");

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("kh-tls-probe-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn tls_probe_against_the_reference_server() {
    let dir = temp_dir("ref");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt
        .block_on(kmip_reference_server::spawn(
            kmip_reference_server::ServerConfig {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                tls: kmip_reference_server::TlsConfig::Generate {
                    cert_dir: Some(dir.join("certs")),
                    client_ca: None,
                },
                require_client_cert: true,
                ..Default::default()
            },
        ))
        .expect("reference server");
    let json = dir.join("tls.json");
    let c = dir.join("certs");
    let out = Command::new(BIN)
        .args(["tls-probe", "--target", &server.addr.to_string(), "--ca"])
        .arg(c.join("ca.pem"))
        .arg("--cert")
        .arg(c.join("client.pem"))
        .arg("--key")
        .arg(c.join("client-key.pem"))
        .args(["--kmip-version", "2.1", "--json"])
        .arg(&json)
        .output()
        .expect("run tls-probe");
    rt.block_on(server.shutdown());
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    // rustls offers no CBC suite: the Basic suite's mandatory suites FAIL.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("basic-3.1.3-no-cert"), "{stdout}");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json written")).expect("json");
    let verdict = |id: &str| {
        v["clauses"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["id"] == id))
            .map(|c| c["verdict"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    assert_eq!(verdict("basic-3.1.2-shall"), "fail");
    assert_eq!(verdict("basic-3.1.3-no-cert"), "pass");
    assert_eq!(verdict("basic-3.1.3-untrusted-ca"), "pass");
    // No client CA key given: the expired-certificate clause says why.
    assert_eq!(verdict("basic-3.1.3-expired"), "not_assessed");
    assert_eq!(verdict("basic-3.1.4-port"), "not_applicable");
    // --kmip-version 2.1: the v1.x and v3.0 suites do not apply.
    assert_eq!(verdict("suiteb-128"), "not_applicable");
    assert_eq!(verdict("qs-x25519mlkem768"), "not_applicable");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tls_probe_unreachable_target_exits_3() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    let out = Command::new(BIN)
        .args(["tls-probe", "--target", &format!("127.0.0.1:{port}")])
        .output()
        .expect("run tls-probe");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn run_with_assess_tls_writes_the_assessment() {
    let dir = temp_dir("run");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt
        .block_on(kmip_reference_server::spawn(
            kmip_reference_server::ServerConfig {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                tls: kmip_reference_server::TlsConfig::Generate {
                    cert_dir: Some(dir.join("certs")),
                    client_ca: None,
                },
                require_client_cert: true,
                ..Default::default()
            },
        ))
        .expect("reference server");
    let c = dir.join("certs");
    let root = env!("CARGO_MANIFEST_DIR");
    let reports = dir.join("reports");
    let out = Command::new(BIN)
        .current_dir(root)
        .args(["run", "--target", &server.addr.to_string(), "--ca"])
        .arg(c.join("ca.pem"))
        .arg("--cert")
        .arg(c.join("client.pem"))
        .arg("--key")
        .arg(c.join("client-key.pem"))
        .args([
            "--sni",
            "localhost",
            "--quiet",
            "--assess-tls",
            "--testcases",
        ])
        .arg(format!("{root}/testcases/server/discovery"))
        .arg("--report-dir")
        .arg(&reports)
        .output()
        .expect("run");
    rt.block_on(server.shutdown());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("TLS assessment of"), "{stdout}");
    let v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(reports.join("tls-assessment.json")).expect("tls-assessment.json"),
    )
    .expect("json");
    let no_cert = v["clauses"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == "basic-3.1.3-no-cert"))
        .map(|c| c["verdict"].clone());
    assert_eq!(no_cert, Some(serde_json::json!("pass")));
    // The run itself still writes its own results.
    assert!(reports.join("results.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}
