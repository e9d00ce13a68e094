//! `serve` TLS options (issue 11 item 14): a client CA given with
//! generated server certificates takes effect, and option combinations
//! that could not take effect are refused with the reason.
//!
//! - `pykmip_client_passes_with_client_ca_and_generated_certs`: PyKMIP's
//!   `client-check.py` (its client certificate signed by its own CA)
//!   against `kmip-harness serve --client-ca CA --require-client-cert`
//!   with generated server certificates passes every step; without
//!   `--client-ca` the same client cannot even connect (the control). Needs
//!   PyKMIP: `KMIP_PYKMIP=DIR` made by
//!   `bash ../shared/peers/pykmip/setup.sh DIR`; otherwise SKIP.
//! - `tls_flags_that_cannot_take_effect_are_errors`: serve, client-test,
//!   record and run refuse such combinations (exit 2, the reason on
//!   stderr).

mod client_common;

use client_common::{harness, start_serve, TempDir};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Run client-check.py; its exit code and stdout.
fn client_check(
    python: &Path,
    pyk: &Path,
    port: u16,
    ca: &Path,
    only: Option<&str>,
) -> (i32, String) {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/pykmip/client-check.py");
    let mut cmd = Command::new(python);
    cmd.arg(&script)
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--ca"])
        .arg(ca)
        .arg("--cert")
        .arg(pyk.join("certs/client.pem"))
        .arg("--key")
        .arg(pyk.join("certs/client.key"));
    if let Some(o) = only {
        cmd.args(["--only", o]);
    }
    let out = cmd.output().expect("run client-check.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("client-check.py:\n{stdout}");
    (out.status.code().unwrap_or(-1), stdout)
}

#[test]
fn pykmip_client_passes_with_client_ca_and_generated_certs() {
    let Some(pyk) = std::env::var_os("KMIP_PYKMIP").map(PathBuf::from) else {
        eprintln!(
            "SKIP: KMIP_PYKMIP is not set. Install PyKMIP with `bash ../shared/peers/pykmip/setup.sh DIR` and set KMIP_PYKMIP=DIR."
        );
        return;
    };
    let Some(python) = client_common::pykmip_python() else {
        return;
    };
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/pykmip/client-check.py");
    if !script.is_file() {
        eprintln!("SKIP: {} not found", script.display());
        return;
    }
    let client_ca = pyk.join("certs/ca.pem");
    assert!(client_ca.is_file(), "{} missing", client_ca.display());
    let dir = TempDir::new("serve-client-ca");
    let certs = dir.path().join("certs");

    // Control: generated certificates only, the PyKMIP client certificate
    // is signed by a CA the server does not know — the handshake fails.
    {
        let (_guard, port) = start_serve(&certs, &[]);
        let (code, out) = client_check(
            &python,
            &pyk,
            port,
            &certs.join("ca.pem"),
            Some("connect,discover-versions"),
        );
        assert_ne!(
            code, 0,
            "without --client-ca the client must be refused:\n{out}"
        );
    }

    // The fix: --client-ca with generated server certificates.
    let client_ca_arg = client_ca.to_string_lossy().into_owned();
    let (_guard, port) = start_serve(
        &certs,
        &["--client-ca", &client_ca_arg, "--require-client-cert"],
    );
    let (code, out) = client_check(&python, &pyk, port, &certs.join("ca.pem"), None);
    let last = out.lines().last().unwrap_or("");
    assert!(last.ends_with(" 0 failed"), "summary line: {last}\n{out}");
    assert!(!last.starts_with("0 passed"), "nothing passed: {last}");
    assert_eq!(code, 0, "client-check.py failed:\n{out}");
}

/// Run the CLI with `args` in the repository root; exit code and stderr.
fn refused(args: &[&str]) -> (i32, String) {
    let out = Command::new(harness())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run kmip-harness");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn tls_flags_that_cannot_take_effect_are_errors() {
    let dir = TempDir::new("tls-flags");
    let p = |n: &str| dir.path().join(n).to_string_lossy().into_owned();
    for name in ["ca.pem", "cert.pem", "key.pem"] {
        std::fs::write(dir.path().join(name), "not used").expect("write");
    }
    // CA, CERT, KEY, DIR and OUT stand for files in the scratch folder.
    let cases = [
        (
            "serve --cert CERT --key KEY --cert-dir DIR",
            "--cert-dir has no effect with --cert/--key",
        ),
        (
            "serve --cert CERT --key KEY --require-client-cert",
            "--require-client-cert with --cert/--key needs --client-ca",
        ),
        (
            "serve --notify-ca CA",
            "--notify-ca has no effect without --notify-client",
        ),
        (
            "serve --notify-version 2.1",
            "--notify-version has no effect without --notify-client",
        ),
        (
            "client-test --cert CERT --key KEY --cert-dir DIR",
            "--cert-dir has no effect with --cert/--key",
        ),
        (
            "client-test --cert CERT --key KEY --require-client-cert",
            "needs --client-ca",
        ),
        (
            "record --upstream reference --out OUT --ca CA",
            "--ca has no effect with the reference target",
        ),
        (
            "run --target reference --sni kms.example",
            "--sni has no effect with the reference target",
        ),
        (
            "load --target reference --ca CA",
            "--ca has no effect with the reference target",
        ),
    ];
    for (line, why) in cases {
        let mut args: Vec<String> = line
            .split_whitespace()
            .map(|w| match w {
                "CA" => p("ca.pem"),
                "CERT" => p("cert.pem"),
                "KEY" => p("key.pem"),
                "DIR" => p("certs"),
                "OUT" => p("out.xml"),
                w => w.to_string(),
            })
            .collect();
        if matches!(args[0].as_str(), "serve" | "client-test" | "record") {
            args.splice(1..1, ["--listen".to_string(), "127.0.0.1:0".to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stderr) = refused(&args);
        assert_eq!(code, 2, "{args:?} should be a usage error:\n{stderr}");
        assert!(
            stderr.contains(why),
            "{args:?}: expected {why:?} in:\n{stderr}"
        );
    }
}
