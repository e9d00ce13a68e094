//! Client-role TLS clauses of `client-test`: the listener keeps each
//! connection's ClientHello before rustls sees it and decides the Basic
//! Authentication Suite client clauses from what the client offered.
//!
//! - `rustls_client_hello_gives_clauses`: a rustls client (TLS 1.3 + 1.2,
//!   AEAD suites only, with a client certificate) connects; the report
//!   folder has tls-client-assessment.json with its offered suites and the
//!   clause verdicts (TLS 1.2 offered: pass; the CBC SHALL suites: fail, as
//!   rustls does not implement them; no prohibited suite: pass; certificate
//!   presented: pass).
//! - `pykmip_client_hello_clauses`: PyKMIP's client (KMIP_PYKMIP, SKIP
//!   otherwise) runs KH-CLIENT-1-12; its clause verdicts are printed and
//!   checked against what its ClientHello listed.
//! - `client_without_certificate_fails_the_certificate_clause`: with
//!   `--require-client-cert`, a client without a certificate is refused and
//!   the §3.1.3 clause fails.

mod client_common;

use client_common::{harness, pykmip_python, read_results, wait_exit, Guard, TempDir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CASE: &str = "KH-CLIENT-1-12";

/// A client profile of KMIP 1.2 (the case's version) listing the case, with
/// the Basic Authentication Suite lines the clauses answer (a test fixture:
/// the project's client profiles list OASIS cases, not this project case).
fn write_profiles(dir: &Path) {
    std::fs::create_dir_all(dir).expect("profiles dir");
    let (id, version) = ("KH-TEST-client-1.2", "1.2");
    {
        let yaml = format!(
            "id: \"{id}\"\nname: \"{id}\"\nrole: client\nversion: \"{version}\"\n\
             clause: \"test fixture\"\ncriterion: all-mandatory\nmandatory:\n  - \"{CASE}\"\n\
             optional: []\nnot_assessed:\n\
             \x20 - \"Basic Authentication Suite: TLS with client certificate (channel mutual authentication) (§3.1.3)\"\n\
             \x20 - \"Basic Authentication Suite: only the listed TLS protocol versions and cipher suites (§3.1.1-3.1.2)\"\n"
        );
        std::fs::write(dir.join(format!("{id}.yaml")), yaml).expect("write profile");
    }
}

fn start(dir: &TempDir, idle: &str, extra: &[&str]) -> (Guard, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let ready = dir.path().join("ready");
    write_profiles(&dir.path().join("profiles"));
    let child = Command::new(harness())
        .current_dir(root)
        .args(["client-test", "--listen", "127.0.0.1:0", "--testcases"])
        .arg(format!("{root}/testcases/client/{CASE}.xml"))
        .args(["--case", CASE, "--idle-timeout", idle, "--cert-dir"])
        .arg(dir.path().join("certs"))
        .arg("--profiles")
        .arg(dir.path().join("profiles"))
        .args(extra)
        .arg("--ready-file")
        .arg(&ready)
        .arg("--report-dir")
        .arg(dir.path().join("reports"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-harness client-test");
    let guard = Guard(Some(child));
    let addr = client_common::wait_file(&ready, Duration::from_secs(60))
        .expect("client-test did not start listening");
    (guard, addr)
}

fn assessment(dir: &TempDir) -> serde_json::Value {
    let p = dir.path().join("reports/tls-client-assessment.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).expect("tls-client-assessment.json parses")
}

/// The clauses of edition `ed` (`v1`, `v2`, `v3`) as (id, verdict).
fn verdicts(a: &serde_json::Value, ed: &str) -> Vec<(String, String)> {
    a["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|e| e[0] == ed)
        .expect("edition present")[1]
        .as_array()
        .expect("clause list")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn verdict<'a>(v: &'a [(String, String)], id: &str) -> &'a str {
    &v.iter()
        .find(|(i, _)| i == id)
        .unwrap_or_else(|| panic!("clause {id} missing: {v:?}"))
        .1
}

/// Every client profile clause in results.json, as (profile, id, verdict).
fn profile_clauses(results: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for p in results["profiles"].as_array().into_iter().flatten() {
        for c in p["clauses"].as_array().into_iter().flatten() {
            out.push((
                p["id"].as_str().unwrap_or_default().to_string(),
                c["id"].as_str().unwrap_or_default().to_string(),
                c["verdict"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    out
}

/// Connect with rustls (with the generated client certificate when
/// `with_cert`); returns whether the handshake completed.
async fn rustls_connect(addr: &str, certs: &Path, with_cert: bool) -> bool {
    let (cert, key) = (certs.join("client.pem"), certs.join("client-key.pem"));
    let m = kmip_wire::tls::ClientMaterial::from_files(
        &certs.join("ca.pem"),
        with_cert.then_some(cert.as_path()),
        with_cert.then_some(key.as_path()),
    )
    .expect("client material");
    let cfg = kmip_wire::tls::client_config(&m).expect("client config");
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let Ok(mut tls) = tokio_rustls::TlsConnector::from(cfg)
        .connect(name, tcp)
        .await
    else {
        return false;
    };
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // TLS 1.3: the server's verdict on the client certificate arrives after
    // the client's Finished; a read surfaces a refusal.
    let mut b = [0u8; 1];
    let refused = matches!(
        tokio::time::timeout(Duration::from_millis(500), tls.read(&mut b)).await,
        Ok(Err(_))
    );
    let _ = tls.shutdown().await;
    !refused
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn client_without_certificate_fails_the_certificate_clause() {
    let dir = TempDir::new("client-hello-nocert");
    let (mut guard, addr) = start(&dir, "2", &["--require-client-cert"]);
    let ok = rt().block_on(rustls_connect(&addr, &dir.path().join("certs"), false));
    assert!(!ok, "client-test accepted a client without a certificate");
    let (_code, stderr) = wait_exit(&mut guard, Duration::from_secs(60));
    eprintln!("harness stderr:\n{stderr}");
    let a = assessment(&dir);
    assert_eq!(a["handshakes"], 1, "{a:#}");
    assert_eq!(a["with_certificate"], 0);
    let v1 = verdicts(&a, "v1");
    assert_eq!(verdict(&v1, "client-basic-3.1.3-cert"), "fail");
    // The hello was still seen.
    assert_eq!(verdict(&v1, "client-tls-shall-not"), "pass");
}

#[test]
fn rustls_client_hello_gives_clauses() {
    let dir = TempDir::new("client-hello-rustls");
    let (mut guard, addr) = start(&dir, "2", &[]);
    let ok = rt().block_on(rustls_connect(&addr, &dir.path().join("certs"), true));
    assert!(ok, "handshake with a client certificate failed");
    let (_code, stderr) = wait_exit(&mut guard, Duration::from_secs(60));
    eprintln!("harness stderr:\n{stderr}");
    let a = assessment(&dir);
    let hello = &a["hellos"][0];
    let suites: Vec<u64> = hello["cipher_suites"]
        .as_array()
        .expect("suites")
        .iter()
        .filter_map(|s| s.as_u64())
        .collect();
    // rustls (ring) offers the TLS 1.3 suites and ECDHE AEAD suites only.
    assert!(suites.contains(&0x1301), "suites: {suites:x?}");
    assert!(suites.contains(&0xC02F), "suites: {suites:x?}");
    assert!(!suites.contains(&0x003C), "suites: {suites:x?}");
    assert_eq!(
        hello["supported_versions"],
        serde_json::json!([0x0304, 0x0303])
    );
    assert_eq!(hello["sni"], "localhost");
    assert_eq!(a["handshakes"], 1);
    assert_eq!(a["with_certificate"], 1);
    let v2 = verdicts(&a, "v2");
    assert_eq!(verdict(&v2, "client-basic-3.1.1-tls12"), "pass");
    assert_eq!(verdict(&v2, "client-basic-3.1.2-shall"), "fail");
    assert_eq!(verdict(&v2, "client-tls-shall-not"), "pass");
    assert_eq!(verdict(&v2, "client-basic-3.1.3-cert"), "pass");
    let v1 = verdicts(&a, "v1");
    // supported_versions lists only 1.3 and 1.2: TLS 1.0 is not offered.
    assert_eq!(verdict(&v1, "client-basic-v1-3.1.1-tls10"), "fail");
    // Evidence names the offered suites.
    let shall = a["clauses"][1][1]
        .as_array()
        .expect("v2 clauses")
        .iter()
        .find(|c| c["id"] == "client-basic-3.1.2-shall")
        .expect("shall clause");
    let offered = shall["evidence"]["offered"][0].as_str().expect("offered");
    assert!(
        offered.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") && offered.contains("TLS 1.2"),
        "offered: {offered}"
    );
    // results.json: the v1 clauses (the case is KMIP 1.2) on the profile,
    // its Basic Authentication Suite lines answered.
    let results = read_results(&dir.path().join("reports/results.json"));
    let pc = profile_clauses(&results);
    eprintln!("profile clauses: {pc:?}");
    let on = |id: &str| {
        pc.iter()
            .find(|(p, i, _)| p == "KH-TEST-client-1.2" && i == id)
            .map(|(_, _, v)| v.as_str())
    };
    assert_eq!(on("client-basic-v1-3.1.1-tls10"), Some("fail"));
    assert_eq!(on("client-basic-v1-3.1.2-shall"), Some("fail"));
    assert_eq!(on("client-tls-shall-not"), Some("pass"));
    assert_eq!(on("client-basic-3.1.3-cert"), Some("pass"));
    assert_eq!(
        on("client-basic-3.1.1-tls12"),
        None,
        "v2 clause on a v1.2 profile"
    );
    let profile = &results["profiles"][0];
    assert_eq!(profile["not_assessed"], serde_json::json!([]));
    assert_eq!(profile["conformant"], false);
}

#[test]
fn pykmip_client_hello_clauses() {
    let Some(python) = pykmip_python() else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = TempDir::new("client-hello-pykmip");
    let (mut guard, addr) = start(&dir, "20", &[]);
    let port = addr.rsplit(':').next().expect("port").to_string();
    let certs = dir.path().join("certs");
    let out = Command::new(python)
        .arg(format!("{root}/testcases/client/pykmip/driver.py"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--algorithm",
            "AES",
            "--ca",
        ])
        .arg(certs.join("ca.pem"))
        .arg("--cert")
        .arg(certs.join("client.pem"))
        .arg("--key")
        .arg(certs.join("client-key.pem"))
        .output()
        .expect("run the PyKMIP driver");
    let (_code, stderr) = wait_exit(&mut guard, Duration::from_secs(60));
    eprintln!(
        "driver:\n{}\nharness stderr:\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    let a = assessment(&dir);
    eprintln!("PyKMIP ClientHello(s): {:#}", a["hellos"]);
    for ed in ["v1", "v2"] {
        for (id, v) in verdicts(&a, ed) {
            eprintln!("PyKMIP {ed} {id}: {v}");
        }
    }
    let hellos = a["hellos"].as_array().expect("hellos");
    assert!(!hellos.is_empty(), "no ClientHello parsed: {a:#}");
    // The verdict follows the offers: pass only if every hello lists both
    // TLS_RSA_WITH_AES_*_CBC_SHA256 suites.
    let all_offer = hellos.iter().all(|h| {
        let s = h["cipher_suites"].as_array().cloned().unwrap_or_default();
        s.contains(&0x003C.into()) && s.contains(&0x003D.into())
    });
    let v2 = verdicts(&a, "v2");
    assert_eq!(
        verdict(&v2, "client-basic-3.1.2-shall"),
        if all_offer { "pass" } else { "fail" }
    );
    assert_eq!(verdict(&v2, "client-basic-3.1.3-cert"), "pass");
    let results = read_results(&dir.path().join("reports/results.json"));
    eprintln!("profile clauses: {:?}", profile_clauses(&results));
}
