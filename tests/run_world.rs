//! The run API (`kmip_runner::runner`) end to end on real OASIS cases:
//!
//! - a clean world for state-sensitive cases: BL-M-4-30 (its Locate by
//!   Protect Stop Date) passes after BL-M-4-21 (which leaves a Secret Data
//!   in the same range) only with the clean world — a fresh reference
//!   server for `--target reference`, pre/post-clean from the run's ledger
//!   for a remote target — and fails without it (`--shared-world`), which
//!   shows the test is not vacuous;
//! - encoding profiles: the MSGENC cases are replayed in their profile's
//!   encoding / transport and only those results count for the profile.
//!
//! Reads the corpus from `$KMIP_CORPUS` or `../shared/oasis`; prints SKIP
//! when it is absent (fails instead with `KMIP_REQUIRE_CORPUS=1`).

use kmip_runner::events::EventSink;
use kmip_runner::runner::{self, RunSettings, RunSpec};
use kmip_testcase::results::{RunResults, Status};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let root = std::env::var_os("KMIP_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/oasis"));
    if root.join("v2.1").is_dir() {
        return Some(root);
    }
    assert!(
        std::env::var_os("KMIP_REQUIRE_CORPUS").is_none(),
        "KMIP_REQUIRE_CORPUS is set but the corpus is missing at {}",
        root.display()
    );
    eprintln!("SKIP: OASIS corpus not found at {}", root.display());
    None
}

fn status(r: &RunResults, id: &str) -> (Status, String) {
    let c = r
        .cases
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} has a result"));
    (c.status, c.reason.clone())
}

fn state_cases(root: &std::path::Path) -> Vec<PathBuf> {
    vec![
        root.join("v2.1/mandatory/BL-M-4-21.xml"),
        root.join("v3.0/mandatory/BL-M-4-30.xml"),
    ]
}

async fn run(settings: RunSettings) -> RunResults {
    let spec = RunSpec::resolve(settings).expect("spec resolves");
    runner::execute(&spec, EventSink::none())
        .await
        .expect("run executes")
        .results
}

fn settings(target: &str, cases: Vec<PathBuf>, clean_world: bool) -> RunSettings {
    RunSettings {
        target: Some(target.to_string()),
        testcases: Some(cases),
        jobs: Some(2),
        clean_world,
        ..RunSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_target_gives_bl_m_4_30_a_fresh_server() {
    let Some(root) = corpus() else { return };
    let clean = run(settings("reference", state_cases(&root), true)).await;
    assert_eq!(status(&clean, "BL-M-4-21").0, Status::Pass);
    let (s, why) = status(&clean, "BL-M-4-30");
    assert_eq!(s, Status::Pass, "clean world: {why}");
    // Without it, BL-M-4-21's object reaches BL-M-4-30's Locate.
    let shared = run(settings("reference", state_cases(&root), false)).await;
    let (s, why) = status(&shared, "BL-M-4-30");
    assert_eq!(s, Status::Fail, "shared world: {why}");
}

/// A reference server started as a plain remote target (its own process
/// state, reached over TLS like any vendor server), with its generated
/// CA and client certificate written to `dir`.
async fn remote(dir: &std::path::Path) -> (kmip_reference_server::RunningServer, RunSettings) {
    let server = kmip_reference_server::spawn(kmip_reference_server::ServerConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        tls: kmip_reference_server::TlsConfig::default(),
        ..Default::default()
    })
    .await
    .expect("server starts");
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("ca.pem"), &server.ca_cert_pem).expect("write");
    let mut s = RunSettings {
        ca: Some(dir.join("ca.pem")),
        sni: Some("localhost".into()),
        connect_timeout: Some(10.0),
        ..RunSettings::default()
    };
    if let (Some(c), Some(k)) = (&server.client_cert_pem, &server.client_key_pem) {
        std::fs::write(dir.join("client.pem"), c).expect("write");
        std::fs::write(dir.join("client.key"), k).expect("write");
        s.cert = Some(dir.join("client.pem"));
        s.key = Some(dir.join("client.key"));
    }
    s.target = Some(server.addr.to_string());
    (server, s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_target_pre_and_post_clean_what_the_run_created() {
    let Some(root) = corpus() else { return };
    let dir = std::env::temp_dir().join(format!("kmip-run-world-{}", std::process::id()));
    // Clean world: the ledger's pre-clean removes BL-M-4-21's leftover.
    let (server, base) = remote(&dir.join("a")).await;
    let clean = run(RunSettings {
        testcases: Some(state_cases(&root)),
        clean_world: true,
        ..base
    })
    .await;
    server.shutdown().await;
    assert_eq!(status(&clean, "BL-M-4-21").0, Status::Pass);
    let (s, why) = status(&clean, "BL-M-4-30");
    assert_eq!(s, Status::Pass, "clean world (remote): {why}");
    // Shared world on a second, equally fresh server: the leftover is seen.
    let (server, base) = remote(&dir.join("b")).await;
    let shared = run(RunSettings {
        testcases: Some(state_cases(&root)),
        clean_world: false,
        ..base
    })
    .await;
    server.shutdown().await;
    let (s, why) = status(&shared, "BL-M-4-30");
    assert_eq!(s, Status::Fail, "shared world (remote): {why}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encoding_profiles_get_verdicts_from_their_own_encoding() {
    let Some(root) = corpus() else { return };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cases = ["XML", "JSON", "HTTPS"]
        .iter()
        .map(|f| root.join(format!("v2.1/mandatory/MSGENC-{f}-M-1-21.xml")))
        .collect();
    let r = run(RunSettings {
        profiles: Some(repo.join("profiles")),
        ..settings("reference", cases, true)
    })
    .await;
    for (id, enc, tr) in [
        ("MSGENC-XML-M-1-21", "xml", "tls"),
        ("MSGENC-JSON-M-1-21", "json", "tls"),
        ("MSGENC-HTTPS-M-1-21", "ttlv", "https"),
    ] {
        let c = r.cases.iter().find(|c| c.id == id).expect("case result");
        assert_eq!(c.status, Status::Pass, "{id}: {}", c.reason);
        assert_eq!(
            (c.encoding.as_str(), c.transport.as_str()),
            (enc, tr),
            "{id}"
        );
    }
    for (id, wire) in [
        ("XML-server-2.1", "xml"),
        ("JSON-server-2.1", "json"),
        ("HTTPS-server-2.1", "https"),
    ] {
        let p = r.profiles.iter().find(|p| p.id == id).expect("profile");
        assert_eq!(p.wire, wire);
        assert_eq!((p.passed, p.total), (1, 1), "{id}: {p:?}");
        assert!(p.missing.is_empty(), "{id}: {p:?}");
        // Baseline-server-2.1 (required) did not run: never CONFORMANT
        // from a partial assessment.
        assert!(!p.conformant && p.incomplete, "{id}: {p:?}");
    }
}
