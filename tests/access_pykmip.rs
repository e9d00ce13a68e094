//! Two PyKMIP clients with different client certificates (CN=pykmip-alice,
//! CN=pykmip-bob, one CA) against `kmip-harness serve --client-ca CA
//! --require-client-cert --access-control`: alice creates and reads a key;
//! bob's Get and Destroy of it get Permission Denied and his Locate by its
//! Name finds nothing; alice still locates and destroys it. The control:
//! the same clients against a server without `--access-control` — bob's
//! Get succeeds.
//!
//! Needs PyKMIP (`KMIP_PYKMIP=DIR` made by
//! `bash ../shared/peers/pykmip/setup.sh DIR`; its venv has `cryptography`
//! for the certificates); otherwise SKIP.

mod client_common;

use client_common::{start_serve, TempDir};
use std::path::{Path, PathBuf};
use std::process::Command;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/access_pykmip/two_clients.py")
}

fn python_run(python: &Path, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(python)
        .arg(script())
        .args(args)
        .output()
        .expect("run two_clients.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "two_clients.py {args:?} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

/// Run both clients against a server started with `extra`; the JSON result.
fn run_clients(python: &Path, dir: &Path, extra: &[&str]) -> serde_json::Value {
    let certs = dir.join("server-certs");
    let client_ca = dir.join("ca.pem");
    let ca_arg = client_ca.to_string_lossy().into_owned();
    let mut args = vec!["--client-ca", &ca_arg, "--require-client-cert"];
    args.extend_from_slice(extra);
    let (_guard, port) = start_serve(&certs, &args);
    let out = python_run(
        python,
        &[
            "run".as_ref(),
            dir.as_os_str(),
            "127.0.0.1".as_ref(),
            port.to_string().as_ref(),
            certs.join("ca.pem").as_os_str(),
        ],
    );
    eprintln!("two_clients.py: {out}");
    let line = out.lines().last().unwrap_or("");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

#[test]
fn one_pykmip_client_cannot_get_the_others_key() {
    if std::env::var_os("KMIP_PYKMIP").is_none() {
        eprintln!(
            "SKIP: KMIP_PYKMIP is not set. Install PyKMIP with `bash ../shared/peers/pykmip/setup.sh DIR` and set KMIP_PYKMIP=DIR."
        );
        return;
    }
    let Some(python) = client_common::pykmip_python() else {
        return;
    };
    let dir = TempDir::new("access-pykmip");
    python_run(&python, &["certs".as_ref(), dir.path().as_os_str()]);

    let r = run_clients(&python, dir.path(), &["--access-control"]);
    let uid = r["uid"].as_str().expect("alice created a key").to_string();
    assert_eq!(r["alice_get"]["ok"], "32 key bytes", "{r}");
    assert_eq!(r["bob_get"]["failed"], "PERMISSION_DENIED", "{r}");
    assert_eq!(r["bob_destroy"]["failed"], "PERMISSION_DENIED", "{r}");
    assert_eq!(r["bob_locate"]["ok"], serde_json::json!([]), "{r}");
    assert_eq!(r["alice_locate"]["ok"], serde_json::json!([uid]), "{r}");
    assert_eq!(r["alice_destroy"]["ok"], "destroyed", "{r}");

    // Control: without --access-control bob reads alice's key.
    let open = run_clients(&python, dir.path(), &[]);
    assert_eq!(open["bob_get"]["ok"], true, "{open}");
    assert_eq!(
        open["bob_locate"]["ok"].as_array().map(Vec::len),
        Some(1),
        "{open}"
    );
}
