//! OASIS client-profile cases end to end with a real third-party client:
//! `kmip-harness client-test --driver` starts PyKMIP's client (through
//! `testcases/client/drivers/pykmip/driver.py`) once per case; the harness
//! judges the requests PyKMIP actually sends.
//!
//! - SKFF-M-1-10 and SKFF-M-2-10 (SKFF client profiles, KMIP 1.0) pass;
//! - OMOS-M-1-10 is "cannot express" at step 1 (PyKMIP's driver has no
//!   Register of an opaque object), never a pass;
//! - SKLC-M-1-21 (KMIP 2.1) is "cannot express": PyKMIP 0.11 speaks KMIP
//!   1.0–2.0 only.
//!
//! Needs PyKMIP (`KMIP_PYKMIP=DIR` with `DIR/venv/bin/python`, made by
//! `bash ../shared/peers/pykmip/setup.sh DIR`) and the OASIS corpus
//! (`KMIP_CORPUS` or `../shared/oasis`); without either it prints `SKIP: …`
//! and returns.

mod client_common;

#[path = "../test-support/corpus.rs"]
mod corpus_support;

use client_common::{
    case_by_id, harness, pykmip_python_from_env, read_results, wait_exit, Guard, TempDir,
};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn pykmip_through_oasis_client_cases() {
    let Some(python) = pykmip_python_from_env() else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let corpus = corpus_support::corpus_location(Path::new(root));
    if !corpus.join("v1.0").is_dir() {
        if let Err(m) =
            corpus_support::missing("pykmip_through_oasis_client_cases", "no OASIS corpus")
        {
            panic!("{m}");
        }
        return;
    }
    let dir = TempDir::new("client-pykmip-oasis");
    let reports = dir.path().join("reports");
    let mut cmd = Command::new(harness());
    cmd.current_dir(root)
        .args(["client-test", "--listen", "127.0.0.1:0", "--testcases"]);
    for f in [
        "v1.0/mandatory/SKFF-M-1-10.xml",
        "v1.0/mandatory/SKFF-M-2-10.xml",
        "v1.0/mandatory/OMOS-M-1-10.xml",
        "v2.1/mandatory/SKLC-M-1-21.xml",
    ] {
        cmd.arg(corpus.join(f));
    }
    let driver = format!(
        "{} {root}/testcases/client/drivers/pykmip/driver.py",
        python.display()
    );
    let child = cmd
        .args([
            "--driver",
            &driver,
            "--driver-timeout",
            "60",
            "--idle-timeout",
            "5",
        ])
        .arg("--cert-dir")
        .arg(dir.path().join("certs"))
        .arg("--report-dir")
        .arg(&reports)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-harness client-test");
    let mut guard = Guard(Some(child));
    let (code, stderr) = wait_exit(&mut guard, Duration::from_secs(300));
    eprintln!("harness stderr:\n{stderr}");
    let results = read_results(&reports.join("results.json"));
    for id in ["SKFF-M-1-10", "SKFF-M-2-10"] {
        let c = case_by_id(&results, id);
        assert_eq!(c["status"], "pass", "{c:#}");
        assert!(c["messages"].as_u64().unwrap_or(0) >= 2, "{c:#}");
    }
    let omos = case_by_id(&results, "OMOS-M-1-10");
    assert_eq!(omos["status"], "cannot-express", "{omos:#}");
    assert!(
        omos["reason"]
            .as_str()
            .unwrap_or("")
            .starts_with("step 1: ")
            && omos["reason"].as_str().unwrap_or("").contains("Register"),
        "{omos:#}"
    );
    let v21 = case_by_id(&results, "SKLC-M-1-21");
    assert_eq!(v21["status"], "cannot-express", "{v21:#}");
    assert!(
        v21["reason"].as_str().unwrap_or("").contains("KMIP 2.1"),
        "{v21:#}"
    );
    assert_eq!(results["totals"]["passed"], 2);
    assert_eq!(results["totals"]["cannot_express"], 2);
    // Two passes and nothing failed: the run passes.
    assert_eq!(code, 0);
}
