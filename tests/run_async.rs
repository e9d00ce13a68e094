//! Asynchronous processing end to end, over the CLI: `kmip-harness serve
//! --async-ops create --async-delay-ms 300` defers Create, and `kmip-harness
//! run` against it (a HOST:PORT target, so nothing is special-cased for the
//! reference server) polls the pending Create until the delay has passed,
//! compares the polled result, and records it in results.json.
//!
//! - `runner_polls_a_deferred_create`: KH-ASYNC-4-14, -20 and -21
//!   (they expect the synchronous result) pass, each with an
//!   `asynchronous` line in the case result that counts more than one Poll
//!   (the first Poll, 50 ms after the request, is still inside the delay).
//! - The same cases against `serve` without `--async-ops` pass with no
//!   `asynchronous` line (the control: a synchronous server).

mod client_common;

use client_common::{harness, read_results, start_serve, TempDir};
use std::path::Path;
use std::process::Command;

/// Run KH-ASYNC-4-* against 127.0.0.1:port; (case id, status, async lines).
fn run_async_cases(certs: &Path, port: u16, report: &Path) -> Vec<(String, String, Vec<String>)> {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("testcases/server/async");
    let out = Command::new(harness())
        .args(["run", "--quiet", "--target"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--ca")
        .arg(certs.join("ca.pem"))
        .arg("--cert")
        .arg(certs.join("client.pem"))
        .arg("--key")
        .arg(certs.join("client-key.pem"))
        .args([
            "--sni",
            "localhost",
            "--filter",
            "KH-ASYNC-4",
            "--testcases",
        ])
        .arg(&cases)
        .arg("--report-dir")
        .arg(report)
        .output()
        .expect("run kmip-harness run");
    eprintln!(
        "run: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let results = read_results(&report.join("results.json"));
    results["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["status"].as_str().unwrap_or_default().to_string(),
                c["asynchronous"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|l| l.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The number of Polls an `asynchronous` line reports.
fn polls(line: &str) -> usize {
    let words: Vec<&str> = line.split(' ').collect();
    words
        .windows(2)
        .find(|w| w[1] == "Poll(s)")
        .and_then(|w| w[0].parse().ok())
        .unwrap_or_else(|| panic!("no Poll count in {line:?}"))
}

#[test]
fn runner_polls_a_deferred_create() {
    let dir = TempDir::new("run-async");
    let certs = dir.path().join("certs");
    let (guard, port) = start_serve(
        &certs,
        &["--async-ops", "create", "--async-delay-ms", "300"],
    );
    let got = run_async_cases(&certs, port, &dir.path().join("async"));
    drop(guard);
    assert_eq!(got.len(), 3, "{got:?}");
    for (id, status, lines) in &got {
        assert_eq!(status, "pass", "{id}: {got:?}");
        assert_eq!(lines.len(), 1, "{id}: one deferred batch item: {lines:?}");
        assert!(lines[0].contains("then Success"), "{id}: {}", lines[0]);
        assert!(
            polls(&lines[0]) >= 2,
            "{id}: the first Poll falls inside the 300 ms delay: {}",
            lines[0]
        );
    }

    // Control: a synchronous server, the same cases, nothing recorded.
    let (guard, port) = start_serve(&certs, &[]);
    let got = run_async_cases(&certs, port, &dir.path().join("sync"));
    drop(guard);
    assert_eq!(got.len(), 3, "{got:?}");
    for (id, status, lines) in &got {
        assert_eq!(status, "pass", "{id}: {got:?}");
        assert!(lines.is_empty(), "{id}: synchronous, yet {lines:?}");
    }
}
