//! `kmip-harness record`: PyKMIP's client talks to the bundled reference
//! server through the recording proxy; the recorded conversation (with
//! `$UNIQUE_IDENTIFIER_n` / `$NOW` variables) must replay green against a
//! fresh reference server with `kmip-harness run`.
//!
//! Needs PyKMIP (see `tests/client_pykmip.rs`: `KMIP_PYKMIP=DIR`, default
//! `/tmp/pykmip-client`); skips with a message otherwise.

mod client_common;

use client_common::{harness, pykmip_python, replay_on_reference, wait_exit, Guard, TempDir};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn recorded_pykmip_conversation_replays_green() {
    let Some(python) = pykmip_python() else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = TempDir::new("record-replay");
    let ready = dir.path().join("ready");
    let certs = dir.path().join("certs");
    let out = dir.path().join("KH-RECORDED-1.xml");
    let child = Command::new(harness())
        .current_dir(root)
        .args([
            "record",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            "reference",
            "--idle-timeout",
            "3",
            "--out",
        ])
        .arg(&out)
        .arg("--cert-dir")
        .arg(&certs)
        .arg("--ready-file")
        .arg(&ready)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-harness record");
    let mut guard = Guard(Some(child));
    let addr =
        client_common::wait_file(&ready, Duration::from_secs(60)).expect("record did not start");
    let port = addr.rsplit(':').next().expect("port").to_string();
    let driver = Command::new(&python)
        .arg(format!("{root}/testcases/client/pykmip/driver.py"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--name",
            "kh-recorded-1",
            "--ca",
        ])
        .arg(certs.join("ca.pem"))
        .arg("--cert")
        .arg(certs.join("client.pem"))
        .arg("--key")
        .arg(certs.join("client-key.pem"))
        .output()
        .expect("run the PyKMIP driver");
    let driver_out = String::from_utf8_lossy(&driver.stdout).into_owned();
    let (code, stderr) = wait_exit(&mut guard, Duration::from_secs(60));
    eprintln!("driver:\n{driver_out}\nrecord stderr:\n{stderr}");
    assert!(
        driver_out.contains("6 passed, 0 failed"),
        "PyKMIP through the proxy: {driver_out}"
    );
    assert_eq!(code, 0, "record exit code");
    let text = std::fs::read_to_string(&out).expect("recorded file");
    assert_eq!(text.matches("<RequestMessage>").count(), 6, "{text}");
    assert!(
        text.contains("$UNIQUE_IDENTIFIER_0"),
        "identifiers become variables:\n{text}"
    );
    assert!(
        text.contains("value=\"$NOW\""),
        "time stamps become $NOW:\n{text}"
    );

    // Replay against a fresh reference server.
    let case = replay_on_reference(root, &out, &dir.path().join("reports"));
    assert_eq!(case["messages"], 6);
}
