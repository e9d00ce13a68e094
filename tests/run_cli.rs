//! `kmip-harness run` end to end, through the real binary, against fake
//! KMIP servers started in this test process on 127.0.0.1:0 (TLS with a
//! generated CA, mutual TLS): exit codes (0 pass, 1 failures, 2 usage,
//! 3 unreachable, 4 gate, 5 baseline regression), the report files, the
//! expectations file, and error verdicts for servers that hang or answer
//! garbage.

use kmip_testcase::case::{load_str, TestCase};
use kmip_testcase::results::{RunResults, Status};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, ItemType, Tag, Value};
use kmip_wire::testing::{serve_tls, TestPki};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

const CASE_ID: &str = "FAKE-M-1-21";

/// Create an AES-256 key, then GetAttributes its length (KMIP 2.1).
const CASE: &str = include_str!("fixtures/create-getattributes-21.xml");

const PROFILE: &str = r#"id: "FAKE-server-2.1"
name: "Fake Server KMIP v2.1 Profile Conformance (test fixture)"
role: server
version: "2.1"
clause: "test fixture"
criterion: all-mandatory
mandatory:
  - "FAKE-M-1-21"
"#;

/// A scratch folder with the test case, a profile and TLS material;
/// removed on drop.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kmip-run-cli-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("cases")).expect("mkdir");
        std::fs::create_dir_all(dir.join("profiles")).expect("mkdir");
        std::fs::write(dir.join("cases").join(format!("{CASE_ID}.xml")), CASE).expect("write case");
        std::fs::write(dir.join("profiles/FAKE-server-2.1.yaml"), PROFILE).expect("write profile");
        Scratch { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.join(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Answer each request with the expected response, placeholders filled.
    Oracle,
    /// Same, but CryptographicLength 256 → 128 in message 1.
    Mutated,
    /// Never answer.
    Hang,
    /// Answer bytes that are not TTLV.
    Garbage,
}

fn fill(template: &Item) -> Item {
    let mut out = template.clone();
    let now = kmip_runner::replay::unix_now();
    out.substitute_placeholders(&mut |p| {
        Some(match p.item_type {
            ItemType::DateTime => Value::DateTime(now),
            ItemType::TextString => Value::TextString(format!("uid-{}", p.name)),
            _ => return None,
        })
    });
    out
}

fn shorten(item: &mut Item) {
    if item.tag == Tag(0x42002A) {
        item.value = Value::Integer(128);
    }
    if let Some(cs) = item.children_mut() {
        cs.iter_mut().for_each(shorten);
    }
}

/// Start a fake server; returns its port.
async fn fake_server(pki: &TestPki, mode: Mode) -> u16 {
    let case: Arc<TestCase> = Arc::new(load_str(CASE, Path::new("FAKE-M-1-21.xml")).expect("case"));
    // Mutual TLS: the client must show a certificate signed by the CA.
    let addr = serve_tls(pki.server_config(true), move |mut tls| {
        let case = case.clone();
        async move {
            for step in &case.steps {
                let Ok(_) = kmip_runner::transport::read_message(
                    &mut tls,
                    &Limits::default(),
                    Duration::from_secs(30),
                )
                .await
                else {
                    return;
                };
                let mut response = fill(&step.response);
                let bytes = match mode {
                    Mode::Oracle => ttlv::encode(&response).expect("encode"),
                    Mode::Mutated => {
                        if step.index == 1 {
                            shorten(&mut response);
                        }
                        ttlv::encode(&response).expect("encode")
                    }
                    Mode::Hang => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    Mode::Garbage => b"\x01\x02garbage that is not TTLV at all".to_vec(),
                };
                if tls.write_all(&bytes).await.is_err() || tls.flush().await.is_err() {
                    return;
                }
            }
        }
    })
    .await;
    addr.port()
}

/// Run the CLI (blocking, off the runtime threads).
async fn harness(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_kmip-harness"))
            .args(&args)
            .output()
            .expect("run kmip-harness")
    })
    .await
    .expect("join")
}

/// Common arguments: target, TLS files, the scratch case and profiles.
fn args(s: &Scratch, pki: &TestPki, port: u16, report: &str, extra: &[&str]) -> Vec<String> {
    let m = &pki.material;
    std::fs::write(s.path("ca.pem"), &m.ca_cert_pem).expect("write");
    let (Some(cert), Some(key)) = (&m.client_cert_pem, &m.client_key_pem) else {
        panic!("generated material has a client certificate");
    };
    std::fs::write(s.path("client.pem"), cert).expect("write");
    std::fs::write(s.path("client.key"), key).expect("write");
    let mut v: Vec<String> = vec![
        "run".into(),
        "--target".into(),
        format!("127.0.0.1:{port}"),
        "--ca".into(),
        s.path("ca.pem").display().to_string(),
        "--cert".into(),
        s.path("client.pem").display().to_string(),
        "--key".into(),
        s.path("client.key").display().to_string(),
        "--testcases".into(),
        s.path("cases").display().to_string(),
        "--profiles".into(),
        s.path("profiles").display().to_string(),
        "--report-dir".into(),
        s.path(report).display().to_string(),
        "--quiet".into(),
    ];
    v.extend(extra.iter().map(|x| x.to_string()));
    v
}

fn results(path: &Path) -> RunResults {
    let text = std::fs::read_to_string(path).expect("results.json written");
    serde_json::from_str(&text).expect("results.json parses")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passing_run_exits_0_and_writes_every_report() {
    let s = Scratch::new("pass");
    let pki = TestPki::generate();
    let port = fake_server(&pki, Mode::Oracle).await;
    let out = harness(args(&s, &pki, port, "r", &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    for f in [
        "results.json",
        "junit.xml",
        "report.md",
        "report.html",
        "summary.txt",
    ] {
        assert!(s.path("r").join(f).is_file(), "{f} written");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAKE-server-2.1"),
        "table on stdout: {stdout}"
    );
    let r = results(&s.path("r/results.json"));
    assert_eq!(r.totals.passed, 1);
    assert_eq!(r.cases[0].status, Status::Pass);
    assert_eq!(r.cases[0].messages, 2);
    assert_eq!(r.cases[0].profiles, vec!["FAKE-server-2.1".to_string()]);
    assert_eq!(r.profiles.len(), 1);
    assert!(r.profiles[0].conformant);
    assert_eq!(r.target, format!("127.0.0.1:{port}"));
    // The fields the issue requires are in the JSON.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.path("r/results.json")).expect("read"))
            .expect("json");
    for k in [
        "target",
        "started",
        "duration_s",
        "totals",
        "profiles",
        "cases",
    ] {
        assert!(json.get(k).is_some(), "{k}");
    }
    for k in ["passed", "failed", "errors", "skipped", "xfail", "xpass"] {
        assert!(json["totals"].get(k).is_some(), "totals.{k}");
    }
    assert_eq!(json["format_version"], 3);
    // Each case says the encoding and transport it was replayed in.
    assert_eq!(json["cases"][0]["encoding"], "ttlv");
    assert_eq!(json["cases"][0]["transport"], "tls");
    for k in [
        "id",
        "version",
        "total",
        "passed",
        "pass_rate",
        "conformant",
    ] {
        assert!(json["profiles"][0].get(k).is_some(), "profiles[].{k}");
    }
    for k in [
        "id",
        "file",
        "profiles",
        "status",
        "reason",
        "messages",
        "duration_ms",
    ] {
        assert!(json["cases"][0].get(k).is_some(), "cases[].{k}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_response_fails_then_gate_and_baseline_exit_codes() {
    let s = Scratch::new("gate");
    let pki = TestPki::generate();
    let good = fake_server(&pki, Mode::Oracle).await;
    let bad = fake_server(&pki, Mode::Mutated).await;

    // Plain failure: exit 1, divergence at CryptographicLength.
    let out = harness(args(&s, &pki, bad, "fail", &[])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    let r = results(&s.path("fail/results.json"));
    assert_eq!(r.cases[0].status, Status::Fail);
    let d = r.cases[0].divergence.as_ref().expect("divergence");
    assert_eq!(d.message, 1);
    assert!(
        d.paths.iter().any(|p| p.ends_with("CryptographicLength")),
        "{:?}",
        d.paths
    );

    // Gate: exit 4 and the gate is named.
    let out = harness(args(
        &s,
        &pki,
        bad,
        "gate",
        &["--gate", "FAKE-server-2.1=90%"],
    ))
    .await;
    assert_eq!(code(&out), 4, "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("FAKE-server-2.1"),
        "{}",
        text(&out)
    );
    // The same gate against a passing server holds.
    let out = harness(args(
        &s,
        &pki,
        good,
        "gate-ok",
        &["--gate", "FAKE-server-2.1=1"],
    ))
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));

    // Baseline: the passing run is the baseline; the failing run regresses.
    let baseline = s.path("gate-ok/results.json").display().to_string();
    let out = harness(args(&s, &pki, bad, "regress", &["--baseline", &baseline])).await;
    assert_eq!(code(&out), 5, "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(CASE_ID),
        "{}",
        text(&out)
    );
    // A failing baseline: the same failure is not a regression.
    let failing = s.path("fail/results.json").display().to_string();
    let out = harness(args(&s, &pki, bad, "same", &["--baseline", &failing])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expectations_turn_known_failures_into_xfail_and_stale_entries_into_failures() {
    let s = Scratch::new("xfail");
    let pki = TestPki::generate();
    let good = fake_server(&pki, Mode::Oracle).await;
    let bad = fake_server(&pki, Mode::Mutated).await;
    std::fs::write(
        s.path("exp.yaml"),
        format!("expected_failures:\n  {CASE_ID}: \"test fixture: server shortens keys\"\n"),
    )
    .expect("write");
    let exp = s.path("exp.yaml").display().to_string();
    let out = harness(args(&s, &pki, bad, "x1", &["--expectations", &exp])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = results(&s.path("x1/results.json"));
    assert_eq!(
        r.cases[0].expected_failure.as_deref(),
        Some("test fixture: server shortens keys")
    );
    // An XFAIL has its own count and is not counted as failed.
    assert_eq!((r.totals.xfail, r.totals.failed, r.totals.xpass), (1, 0, 0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 failed, 0 errors, 0 skipped, 1 xfail"),
        "{}",
        text(&out)
    );
    let mut a = args(&s, &pki, good, "x2", &["--expectations", &exp]);
    a.retain(|x| x != "--quiet");
    let out = harness(a).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("remove it from the expectations file"),
        "{}",
        text(&out)
    );
    let r = results(&s.path("x2/results.json"));
    assert_eq!((r.totals.xpass, r.totals.passed), (1, 0));
}

/// The binary carries the project's profiles and own server test cases:
/// from a directory with neither, `run --target reference` gives the same
/// project-profile table as from the repository.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_profiles_and_cases_work_from_any_directory() {
    let s = Scratch::new("embedded");
    let elsewhere = s.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_kmip-harness"))
            .current_dir(&elsewhere)
            .args([
                "run",
                "--target",
                "reference",
                "--report-dir",
                "r",
                "--quiet",
            ])
            .output()
            .expect("run kmip-harness")
    })
    .await
    .expect("join");
    assert_eq!(code(&out), 0, "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for id in [
        "KH-batch-server-2.1",
        "KH-locate-server-1.4",
        "KH-negative-server-2.1",
    ] {
        assert!(stdout.contains(id), "{id} in the table: {stdout}");
    }
    assert!(!stdout.contains("No profile has a case"), "{stdout}");
    let r = results(&s.path("elsewhere/r/results.json"));
    assert!(r.cases.len() >= 40, "{} cases", r.cases.len());
    assert!(r
        .cases
        .iter()
        .all(|c| c.file.starts_with("testcases/server/")));
    assert!(r.profiles.iter().all(|p| p.conformant), "{:?}", r.profiles);
    // --profiles overrides the embedded set.
    let out = harness(vec![
        "run".into(),
        "--target".into(),
        "reference".into(),
        "--profiles".into(),
        s.path("profiles").display().to_string(),
        "--report-dir".into(),
        s.path("r2").display().to_string(),
        "--quiet".into(),
    ])
    .await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No profile has a case"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_target_exits_3_with_error_verdicts() {
    let s = Scratch::new("unreach");
    let pki = TestPki::generate();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let out = harness(args(&s, &pki, port, "r", &[])).await;
    assert_eq!(code(&out), 3, "{}", text(&out));
    let r = results(&s.path("r/results.json"));
    assert_eq!(r.totals.errors, 1);
    assert!(
        r.cases[0].reason.starts_with("target unreachable"),
        "{}",
        r.cases[0].reason
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_and_garbage_servers_give_error_verdicts_within_the_timeout() {
    let s = Scratch::new("hang");
    let pki = TestPki::generate();
    let hang = fake_server(&pki, Mode::Hang).await;
    let garbage = fake_server(&pki, Mode::Garbage).await;
    let t = Instant::now();
    let out = harness(args(&s, &pki, hang, "h", &["--timeout", "0.5"])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    let r = results(&s.path("h/results.json"));
    assert_eq!(r.cases[0].status, Status::Error);
    assert!(
        r.cases[0].reason.contains("timed out"),
        "{}",
        r.cases[0].reason
    );

    let out = harness(args(&s, &pki, garbage, "g", &[])).await;
    assert_eq!(code(&out), 1, "{}", text(&out));
    let r = results(&s.path("g/results.json"));
    assert_eq!(r.cases[0].status, Status::Error);
    assert!(
        r.cases[0].reason.contains("not a TTLV message"),
        "{}",
        r.cases[0].reason
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() {
    let s = Scratch::new("usage");
    let pki = TestPki::generate();
    for (extra, why) in [
        (vec!["--encoding", "cbor"], "invalid value"),
        (vec!["--gate", "nonsense"], "gate"),
        (vec!["--profile", "NOPE-server-2.1"], "unknown profile"),
        (vec!["--filter", "no-such-case"], "no test case selected"),
    ] {
        let out = harness(args(&s, &pki, 1, "u", &extra)).await;
        assert_eq!(code(&out), 2, "{extra:?}: {}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(why),
            "{extra:?}: {}",
            text(&out)
        );
    }
    let out = harness(vec![
        "run".into(),
        "--target".into(),
        "host:notaport".into(),
    ])
    .await;
    assert_eq!(code(&out), 2, "{}", text(&out));
    let out = harness(vec![
        "run".into(),
        "--target".into(),
        "127.0.0.1:1".into(),
        "--testcases".into(),
        s.path("cases").display().to_string(),
        "--profiles".into(),
        s.path("profiles").display().to_string(),
    ])
    .await;
    assert_eq!(code(&out), 2, "missing --ca: {}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--ca"),
        "{}",
        text(&out)
    );
}
