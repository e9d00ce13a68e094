//! `kmip-harness load` in its process modes: the server in its own process
//! (`--target serve`, server CPU measured from /proc), the client split over
//! several processes (`--procs`, reports merged), and the full operation mix
//! (create, get, get-attributes, locate, encrypt, revoke, destroy) batched.
//! Every server and client process here is started by `load` itself on
//! 127.0.0.1 with an ephemeral port and stopped by it.

use std::process::Command;

fn load(extra: &[&str], json: &std::path::Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_kmip-harness"))
        .args(["load", "--target", "serve", "--duration", "1"])
        .args(extra)
        .arg("--json")
        .arg(json)
        .output()
        .expect("run kmip-harness load");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "load failed: {text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = std::fs::read_to_string(json).expect("json report");
    serde_json::from_str(&doc).expect("json")
}

#[test]
fn own_process_server_full_mix_batched() {
    let dir = std::env::temp_dir().join(format!("kh-load-modes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let v = load(
        &[
            "--clients",
            "2",
            "--batch",
            "3",
            "--ops",
            "create,get,get-attributes,locate,encrypt,revoke,destroy",
        ],
        &dir.join("mix.json"),
    );
    let created = v["per_op"]["create"]["ok"].as_u64().expect("create ok");
    assert!(created > 0);
    for op in [
        "get",
        "get-attributes",
        "locate",
        "encrypt",
        "revoke",
        "destroy",
    ] {
        assert_eq!(v["per_op"][op]["ok"].as_u64(), Some(created), "{op}");
        assert_eq!(v["per_op"][op]["failed"].as_u64(), Some(0), "{op}");
    }
    assert_eq!(v["lost"], 0);
    assert_eq!(v["batch"], 3);
    assert!(v["server_cpu_us_per_op"].as_f64().expect("server cpu") > 0.0);
    assert!(v["target"]
        .as_str()
        .expect("target")
        .contains("own process"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn client_in_several_processes_merges_reports() {
    let dir = std::env::temp_dir().join(format!("kh-load-procs-t-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let v = load(&["--clients", "3", "--procs", "2"], &dir.join("procs.json"));
    assert_eq!(v["procs"], 2);
    assert_eq!(v["clients"], 3);
    let ok = v["per_op"]["create"]["ok"].as_u64().expect("ok");
    assert!(ok > 0);
    assert_eq!(v["per_op"]["get"]["ok"].as_u64(), Some(ok));
    assert_eq!(v["per_op"]["destroy"]["ok"].as_u64(), Some(ok));
    assert_eq!(v["ok"].as_u64(), Some(3 * ok));
    assert_eq!(v["lost"], 0);
    // Merged histograms: one latency per message, all three operations.
    let n: u64 = v["per_op"]["get"]["histogram_us"]
        .as_array()
        .expect("histogram")
        .iter()
        .map(|p| p[1].as_u64().expect("count"))
        .sum();
    assert_eq!(n, ok);
    assert!(v["server_cpu_us_per_op"].as_f64().expect("server cpu") > 0.0);
    assert!(v["client_cpu_us_per_op"].as_f64().expect("client cpu") > 0.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn procs_with_the_in_process_server_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_kmip-harness"))
        .args([
            "load",
            "--target",
            "reference",
            "--procs",
            "2",
            "--clients",
            "2",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}
