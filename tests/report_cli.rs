//! `kmip-harness report`: re-rendering a saved results.json in every format,
//! to stdout and to a file, and the usage errors (exit code 2).

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/kmip-report/tests/fixtures/run.json")
}

fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmip-harness"))
        .args(args)
        .output()
        .expect("run kmip-harness")
}

fn stdout_of(args: &[&str]) -> String {
    let out = harness(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("kmip-report-cli-{}-{name}", std::process::id()))
}

#[test]
fn every_format_to_stdout() {
    let f = fixture();
    let f = f.to_str().expect("utf-8 path");
    let table = stdout_of(&["report", f]);
    assert!(table.contains("Baseline-server-2.1"), "{table}");
    assert!(table.contains("NOT CONFORMANT"));
    assert!(table.contains("Totals: 8 cases: 5 passed, 1 failed, 1 error, 1 skipped"));
    assert_eq!(table, stdout_of(&["report", f, "--format", "table"]));

    let md = stdout_of(&["report", f, "--format", "md"]);
    assert!(md.starts_with("# KMIP conformance report"));
    assert!(md.contains("```diff"));
    assert_eq!(md, stdout_of(&["report", f, "--format", "markdown"]));

    let html = stdout_of(&["report", f, "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<details id=\"case-SKLC-M-2-21\" open>"));

    let junit = stdout_of(&["report", f, "--format", "junit"]);
    assert!(junit.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(junit.contains("<testsuite name=\"profiles\""));

    let json = stdout_of(&["report", f, "--format", "json"]);
    let reparsed: serde_json::Value = serde_json::from_str(&json).expect("json output parses");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture()).expect("fixture"))
            .expect("fixture parses");
    assert_eq!(reparsed["cases"], original["cases"]);
    assert_eq!(reparsed["profiles"], original["profiles"]);
}

#[test]
fn out_writes_a_file() {
    let out = tmp("report.md");
    let f = fixture();
    let printed = stdout_of(&[
        "report",
        f.to_str().expect("utf-8"),
        "--format",
        "md",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(printed.is_empty(), "nothing on stdout with --out");
    let written = std::fs::read_to_string(&out).expect("file written");
    assert!(written.starts_with("# KMIP conformance report"));
    std::fs::remove_file(&out).expect("cleanup");
}

#[test]
fn bad_input_is_a_usage_error() {
    let missing = harness(&["report", "/nonexistent/results.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/results.json"));

    let garbage = tmp("garbage.json");
    std::fs::write(&garbage, "{\"not\": \"results\"}").expect("write");
    let out = harness(&["report", garbage.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a kmip-harness results.json"));

    let mut newer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture()).expect("fixture"))
            .expect("fixture parses");
    newer["format_version"] = serde_json::json!(999);
    std::fs::write(&garbage, newer.to_string()).expect("write");
    let out = harness(&["report", garbage.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer"));
    std::fs::remove_file(&garbage).expect("cleanup");

    let bad_format = harness(&["report", "x.json", "--format", "pdf"]);
    assert_eq!(bad_format.status.code(), Some(2));
}
