//! Client mode in every encoding and transport: `kmip-harness client-test`
//! with `--encoding` / `--transport`, driven by the harness's own `run`
//! (`--target HOST:PORT --encoding … --transport …`) as the client under
//! test, on `testcases/client/KH-CLIENT-1-12.xml` (no corpus needed).
//!
//! - JSON over HTTPS and XML over TLS pass, and the case result records
//!   the encoding / transport the requests used;
//! - a client sending TTLV over TLS to a listener that requires JSON over
//!   HTTPS fails the case, the reason naming what arrived;
//! - the OASIS v2.1 XML / JSON / HTTPS client-profile cases pass in their
//!   format and count for their profile, and the JSON one sent in TTLV does
//!   not (corpus from `KMIP_CORPUS` / `../shared/oasis`, else SKIP);
//! - `record` proxies a JSON-over-HTTPS client to the reference server
//!   (and an XML-over-HTTPS one re-encoded to TTLV over TLS) and the
//!   recorded case replays green against a fresh reference server.

mod client_common;
#[path = "../test-support/corpus.rs"]
mod corpus_support;

use client_common::{
    case_by_id, harness, read_results, replay_on_reference, wait_exit, Guard, TempDir,
};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const CASE: &str = "KH-CLIENT-1-12";

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn case_file() -> String {
    format!("{}/testcases/client/{CASE}.xml", root())
}

/// `kmip-harness run` as the client: the requests of `file` to `addr`
/// with the listener's generated client material in `certs`.
fn run_client(file: &str, addr: &str, certs: &Path, reports: &Path, wire: &[&str]) -> Output {
    Command::new(harness())
        .current_dir(root())
        .args(["run", "--target", addr, "--ca"])
        .arg(certs.join("ca.pem"))
        .arg("--cert")
        .arg(certs.join("client.pem"))
        .arg("--key")
        .arg(certs.join("client-key.pem"))
        .args(["--testcases", file])
        // Only the case's requests: no clean-world ledger, no TLS probes.
        .args(["--shared-world", "--no-assess-tls", "--quiet"])
        .arg("--report-dir")
        .arg(reports)
        .args(wire)
        .output()
        .expect("run kmip-harness run as the client")
}

/// client-test on case `id` of `file` with `listen_wire` flags, `run` as
/// the client with `client_args`; (client-test exit code, its
/// results.json, its stderr).
fn scenario_case(
    dir: &TempDir,
    file: &str,
    id: &str,
    listen_wire: &[&str],
    client_args: &[&str],
) -> (i32, serde_json::Value, String) {
    let ready = dir.path().join("ready");
    let certs = dir.path().join("certs");
    let reports = dir.path().join("reports");
    let child = Command::new(harness())
        .current_dir(root())
        .args([
            "client-test",
            "--listen",
            "127.0.0.1:0",
            "--testcases",
            file,
        ])
        .args(["--case", id, "--idle-timeout", "3", "--cert-dir"])
        .arg(&certs)
        .arg("--ready-file")
        .arg(&ready)
        .arg("--report-dir")
        .arg(&reports)
        .args(listen_wire)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-harness client-test");
    let mut guard = Guard(Some(child));
    let addr = client_common::wait_file(&ready, Duration::from_secs(60))
        .expect("client-test did not start listening");
    let out = run_client(
        file,
        &addr,
        &certs,
        &dir.path().join("run-reports"),
        client_args,
    );
    let (code, stderr) = wait_exit(&mut guard, Duration::from_secs(60));
    eprintln!(
        "client (run) stderr:\n{}\nclient-test stderr:\n{stderr}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, read_results(&reports.join("results.json")), stderr)
}

/// [`scenario_case`] on `KH-CLIENT-1-12`.
fn scenario(
    dir: &TempDir,
    listen_wire: &[&str],
    client_wire: &[&str],
) -> (i32, serde_json::Value, String) {
    scenario_case(dir, &case_file(), CASE, listen_wire, client_wire)
}

fn the_case(results: &serde_json::Value) -> &serde_json::Value {
    case_by_id(results, CASE)
}

#[test]
fn json_over_https_client_passes() {
    let dir = TempDir::new("client-enc-json");
    let wire = ["--encoding", "json", "--transport", "https"];
    let (code, results, _) = scenario(&dir, &wire, &wire);
    let c = the_case(&results);
    assert_eq!(c["status"], "pass", "case result: {c:#}");
    assert_eq!(c["messages"], 6);
    assert_eq!(
        (&c["encoding"], &c["transport"]),
        (&"json".into(), &"https".into())
    );
    assert_eq!(results["encoding"], "json");
    assert_eq!(code, 0);
}

#[test]
fn xml_over_tls_client_passes() {
    let dir = TempDir::new("client-enc-xml");
    let (code, results, _) = scenario(
        &dir,
        &["--encoding", "xml", "--transport", "tls"],
        &["--encoding", "xml", "--transport", "tls"],
    );
    let c = the_case(&results);
    assert_eq!(c["status"], "pass", "case result: {c:#}");
    assert_eq!(
        (&c["encoding"], &c["transport"]),
        (&"xml".into(), &"tls".into())
    );
    assert_eq!(code, 0);
}

#[test]
fn auto_records_what_the_client_used() {
    let dir = TempDir::new("client-enc-auto");
    let (code, results, _) = scenario(&dir, &[], &["--encoding", "json", "--transport", "tls"]);
    let c = the_case(&results);
    assert_eq!(c["status"], "pass", "case result: {c:#}");
    assert_eq!(
        (&c["encoding"], &c["transport"]),
        (&"json".into(), &"tls".into())
    );
    assert_eq!(code, 0);
}

#[test]
fn ttlv_client_fails_a_json_https_listener_naming_the_format() {
    let dir = TempDir::new("client-enc-mismatch");
    let (code, results, stderr) = scenario(
        &dir,
        &["--encoding", "json", "--transport", "https"],
        &["--encoding", "ttlv", "--transport", "tls"],
    );
    let c = the_case(&results);
    assert_eq!(c["status"], "fail", "case result: {c:#}");
    let reason = c["reason"].as_str().expect("reason");
    assert!(
        reason.starts_with(
            "step 1: the client sent ttlv over tls but this client-test listener requires json over https"
        ),
        "reason: {reason}"
    );
    // What arrived is recorded, not what was required.
    assert_eq!(
        (&c["encoding"], &c["transport"]),
        (&"ttlv".into(), &"tls".into())
    );
    assert!(stderr.contains("the client sent ttlv over tls"), "{stderr}");
    assert_eq!(code, 1);
}

/// `record` between `run` (the client, in `client_wire`) and the reference
/// server, with `record_flags`; then the recording replayed with `run
/// --target reference`. Returns the recorded text.
fn record_and_replay(dir: &TempDir, client_wire: &[&str], record_flags: &[&str]) -> String {
    let ready = dir.path().join("ready");
    let certs = dir.path().join("certs");
    let out = dir.path().join("KH-RECORDED-ENC-1.xml");
    let child = Command::new(harness())
        .current_dir(root())
        .args([
            "record",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            "reference",
        ])
        .args(["--idle-timeout", "2", "--out"])
        .arg(&out)
        .arg("--cert-dir")
        .arg(&certs)
        .arg("--ready-file")
        .arg(&ready)
        .args(record_flags)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-harness record");
    let mut guard = Guard(Some(child));
    let addr =
        client_common::wait_file(&ready, Duration::from_secs(60)).expect("record did not start");
    let server_case = format!("{}/testcases/server/lifecycle/KH-LC-1-14.xml", root());
    let client_reports = dir.path().join("client-reports");
    let client = Command::new(harness())
        .current_dir(root())
        .args(["run", "--target", &addr, "--ca"])
        .arg(certs.join("ca.pem"))
        .arg("--cert")
        .arg(certs.join("client.pem"))
        .arg("--key")
        .arg(certs.join("client-key.pem"))
        .args(["--testcases", &server_case])
        .args(["--shared-world", "--no-assess-tls", "--quiet"])
        .arg("--report-dir")
        .arg(&client_reports)
        .args(client_wire)
        .output()
        .expect("run the client through the proxy");
    let (code, stderr) = wait_exit(&mut guard, Duration::from_secs(60));
    eprintln!(
        "client stderr:\n{}\nrecord stderr:\n{stderr}",
        String::from_utf8_lossy(&client.stderr)
    );
    // The client's own run through the proxy passed (the reference server
    // answered every request, in the client's format).
    let through = read_results(&client_reports.join("results.json"));
    assert_eq!(through["cases"][0]["status"], "pass", "{through:#}");
    assert_eq!(code, 0, "record exit code");
    let text = std::fs::read_to_string(&out).expect("recorded file");
    assert_eq!(text.matches("<RequestMessage>").count(), 5, "{text}");
    assert!(text.contains("$UNIQUE_IDENTIFIER_0"), "{text}");

    let case = replay_on_reference(root(), &out, &dir.path().join("replay"));
    assert_eq!(case["messages"], 5);
    text
}

#[test]
fn recorded_json_https_conversation_replays_green() {
    let dir = TempDir::new("record-json-https");
    let text = record_and_replay(&dir, &["--encoding", "json", "--transport", "https"], &[]);
    assert!(text.contains("wire: json over https)"), "{text}");
}

#[test]
fn record_re_encodes_for_the_upstream() {
    let dir = TempDir::new("record-reencode");
    let text = record_and_replay(
        &dir,
        &["--encoding", "xml", "--transport", "https"],
        &["--upstream-encoding", "ttlv", "--upstream-transport", "tls"],
    );
    assert!(
        text.contains("wire: xml over https forwarded as ttlv over tls)"),
        "{text}"
    );
}

fn profile<'a>(results: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    results["profiles"]
        .as_array()
        .expect("profiles")
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("profile {id} in the results"))
}

/// The OASIS v2.1 XML / JSON / HTTPS client-profile cases, run by `run` in
/// that format, pass and count for their profile; the JSON case sent in
/// TTLV passes as a case but leaves the JSON client profile without it.
#[test]
fn oasis_encoding_client_cases_count_only_in_their_format() {
    let Some(dir21) = corpus_support::corpus_subdir(
        root(),
        "oasis_encoding_client_cases_count_only_in_their_format",
        "v2.1/mandatory",
    ) else {
        return;
    };
    for (id, profile_id, wire) in [
        (
            "MSGENC-JSON-M-1-21",
            "JSON-client-2.1",
            ["--encoding", "json", "--transport", "tls"],
        ),
        (
            "MSGENC-XML-M-1-21",
            "XML-client-2.1",
            ["--encoding", "xml", "--transport", "tls"],
        ),
        (
            "MSGENC-HTTPS-M-1-21",
            "HTTPS-client-2.1",
            ["--encoding", "ttlv", "--transport", "https"],
        ),
    ] {
        let file = dir21.join(format!("{id}.xml")).display().to_string();
        let dir = TempDir::new("client-enc-oasis");
        let (code, results, _) = scenario_case(&dir, &file, id, &wire, &wire);
        let c = case_by_id(&results, id);
        assert_eq!(c["status"], "pass", "{id}: {c:#}");
        let p = profile(&results, profile_id);
        assert_eq!(p["passed"], 1, "{profile_id}: {p:#}");
        assert_eq!(p["missing"], serde_json::json!([]), "{profile_id}: {p:#}");
        // Exit 0: every case passed (profiles are not gated here).
        assert_eq!(code, 0, "{id}");
    }
    // The JSON case in TTLV (`run` told to use no profiles, so it does not
    // switch to JSON for the JSON server profile): the case passes, the
    // JSON client profile does not count it.
    let id = "MSGENC-JSON-M-1-21";
    let file = dir21.join(format!("{id}.xml")).display().to_string();
    let dir = TempDir::new("client-enc-oasis-ttlv");
    let empty = dir.path().join("no-profiles");
    std::fs::create_dir_all(&empty).expect("empty profiles folder");
    let empty = empty.display().to_string();
    let (_, results, _) = scenario_case(&dir, &file, id, &[], &["--profiles", &empty]);
    let c = case_by_id(&results, id);
    assert_eq!(c["status"], "pass", "{c:#}");
    assert_eq!(c["encoding"], "ttlv");
    let p = profile(&results, "JSON-client-2.1");
    assert_eq!(p["passed"], 0, "{p:#}");
    assert_eq!(p["missing"], serde_json::json!([id]), "{p:#}");
}

/// `client-test --driver` under `--encoding auto` tells each OASIS v2.1
/// message-encoding case's driver run its profile's format
/// (KH_ENCODING / KH_TRANSPORT); the driver here is the harness's own
/// `run` (told no profiles, so it sends exactly what it was told), and the
/// results record that format per case.
#[test]
fn driver_is_told_each_encoding_case_format() {
    let Some(dir21) = corpus_support::corpus_subdir(
        root(),
        "driver_is_told_each_encoding_case_format",
        "v2.1/mandatory",
    ) else {
        return;
    };
    let dir = TempDir::new("client-enc-driver");
    let empty = dir.path().join("no-profiles");
    std::fs::create_dir_all(&empty).expect("empty profiles folder");
    let driver = format!(
        "{} run --target $KH_HOST:$KH_PORT --ca $KH_CA --cert $KH_CERT --key $KH_KEY \
         --testcases $KH_CASE_FILE --encoding $KH_ENCODING --transport $KH_TRANSPORT \
         --shared-world --no-assess-tls --quiet --profiles {} --report-dir {}/run-$KH_CASE_ID",
        harness(),
        empty.display(),
        dir.path().display()
    );
    let reports = dir.path().join("reports");
    let out = Command::new(harness())
        .current_dir(root())
        .args(["client-test", "--listen", "127.0.0.1:0", "--testcases"])
        .arg(&dir21)
        .args(["--filter", "MSGENC-", "--idle-timeout", "5", "--cert-dir"])
        .arg(dir.path().join("certs"))
        .arg("--report-dir")
        .arg(&reports)
        .args(["--driver", &driver])
        .output()
        .expect("run client-test with the harness as driver");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let results = read_results(&reports.join("results.json"));
    for (id, enc, tr) in [
        ("MSGENC-JSON-M-1-21", "json", "tls"),
        ("MSGENC-XML-M-1-21", "xml", "tls"),
        ("MSGENC-HTTPS-M-1-21", "ttlv", "https"),
    ] {
        let c = case_by_id(&results, id);
        assert_eq!(c["status"], "pass", "{id}: {c:#}\n{stderr}");
        assert_eq!(
            (c["encoding"].as_str(), c["transport"].as_str()),
            (Some(enc), Some(tr)),
            "{id}"
        );
    }
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
