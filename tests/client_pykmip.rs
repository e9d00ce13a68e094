//! Client mode against a real third-party client: PyKMIP's
//! `ProxyKmipClient` (driven by `testcases/client/pykmip/driver.py`) runs
//! the scenario of `testcases/client/KH-CLIENT-1-12.xml` against
//! `kmip-harness client-test`.
//!
//! - `pykmip_client_passes`: the correct client passes the case;
//! - `pykmip_wrong_algorithm_fails_with_diff`: the same client asking for
//!   3DES instead of AES fails the case with a readable request diff.
//!
//! Needs PyKMIP in a venv: `KMIP_PYKMIP=DIR` where `DIR/venv/bin/python`
//! exists (make it with `bash ../shared/peers/pykmip/setup.sh DIR`); without
//! the variable, `/tmp/pykmip-client` is tried. Otherwise the tests print
//! why and return (skip).

mod client_common;

use client_common::{case_by_id, harness, pykmip_python, read_results, wait_exit, Guard, TempDir};
use std::process::{Command, Stdio};
use std::time::Duration;

const CASE: &str = "KH-CLIENT-1-12";

/// Start client-test for the case, run the driver with `algorithm`, return
/// (harness exit code, results.json, driver stdout).
fn run_scenario(
    python: &std::path::Path,
    algorithm: &str,
    dir: &TempDir,
) -> (i32, serde_json::Value, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let ready = dir.path().join("ready");
    let certs = dir.path().join("certs");
    let reports = dir.path().join("reports");
    let child = Command::new(harness())
        .current_dir(root)
        .args(["client-test", "--listen", "127.0.0.1:0", "--testcases"])
        .arg(format!("{root}/testcases/client/{CASE}.xml"))
        .args(["--case", CASE, "--idle-timeout", "20", "--cert-dir"])
        .arg(&certs)
        .arg("--ready-file")
        .arg(&ready)
        .arg("--report-dir")
        .arg(&reports)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-harness client-test");
    let mut guard = Guard(Some(child));
    let addr = client_common::wait_file(&ready, Duration::from_secs(60))
        .expect("client-test did not start listening");
    let port = addr.rsplit(':').next().expect("port").to_string();
    let out = Command::new(python)
        .arg(format!("{root}/testcases/client/pykmip/driver.py"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--algorithm",
            algorithm,
            "--ca",
        ])
        .arg(certs.join("ca.pem"))
        .arg("--cert")
        .arg(certs.join("client.pem"))
        .arg("--key")
        .arg(certs.join("client-key.pem"))
        .output()
        .expect("run the PyKMIP driver");
    let driver = String::from_utf8_lossy(&out.stdout).into_owned();
    let (code, stderr) = wait_exit(&mut guard, Duration::from_secs(60));
    eprintln!("driver:\n{driver}\nharness stderr:\n{stderr}");
    let results = read_results(&reports.join("results.json"));
    (code, results, driver)
}

#[test]
fn pykmip_client_passes() {
    let Some(python) = pykmip_python() else {
        return;
    };
    let dir = TempDir::new("client-pykmip-pass");
    let (code, results, driver) = run_scenario(&python, "AES", &dir);
    let c = case_by_id(&results, CASE);
    assert_eq!(c["status"], "pass", "case result: {c:#}");
    assert_eq!(c["messages"], 6);
    assert_eq!(results["role"], "client");
    assert!(driver.contains("6 passed, 0 failed"), "driver: {driver}");
    // The client-chosen name was bound, not compared.
    let masked = c["masked"].as_array().expect("masked list");
    assert!(
        masked.iter().any(|m| m["rule"] == "req-client-name"),
        "masked: {masked:?}"
    );
    assert_eq!(code, 0);
}

#[test]
fn pykmip_wrong_algorithm_fails_with_diff() {
    let Some(python) = pykmip_python() else {
        return;
    };
    let dir = TempDir::new("client-pykmip-fail");
    let (code, results, driver) = run_scenario(&python, "TRIPLE_DES", &dir);
    let c = case_by_id(&results, CASE);
    assert_eq!(c["status"], "fail", "case result: {c:#}");
    let reason = c["reason"].as_str().expect("reason");
    assert!(
        reason.starts_with("step 1: request differs"),
        "reason: {reason}"
    );
    let diff = c["divergence"]["diff"].as_str().expect("diff");
    assert!(
        diff.lines()
            .any(|l| l.starts_with('-') && l.contains("AES"))
            && diff
                .lines()
                .any(|l| l.starts_with('+') && l.contains("DES3")),
        "diff:\n{diff}"
    );
    // The client saw a failure response, not the recorded success.
    assert!(driver.contains("FAIL create"), "driver: {driver}");
    assert_eq!(code, 1);
}
