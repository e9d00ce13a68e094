//! `kmip-harness interop` end to end: a small client × server matrix
//! through the recording proxy, both sides of every exchange judged.
//!
//! Clients: `kmip-harness run` itself (KH-DISC-1-14, which conforms, and
//! KH-EXPECT-1-14, a copy of KH-BATCH-1-14 whose expected Get Attributes
//! response says State PreActive where a conforming server answers Active:
//! the server "breaks" that conversation), and a `mutant` driver that runs
//! `kmip-harness run` on a copy of KH-BATCH-1-14 whose Create asks for a
//! 128-bit key while the case (what interop judges against) asks for 256:
//! the client breaks it. Servers: the bundled reference server, plus
//! a `remote` `kmip-harness serve`, a `remote` address nothing listens on
//! (transport breaks), and PyKMIP's server when `KMIP_PYKMIP` is set (SKIP
//! of that column otherwise, said on stderr).

mod client_common;

use client_common::{harness, Guard, TempDir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn cell<'a>(r: &'a serde_json::Value, client: &str, server: &str) -> &'a serde_json::Value {
    r["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["client"] == client && c["server"] == server)
        .unwrap_or_else(|| panic!("cell {client} x {server} in {r:#}"))
}

fn case<'a>(cell: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    cell["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("case {id} in {cell:#}"))
}

/// The PyKMIP scripts folder: `$KMIP_PYKMIP_SCRIPTS`, else
/// `shared/peers/pykmip` beside the workspace or one of its parents.
fn pykmip_scripts(root: &Path) -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("KMIP_PYKMIP_SCRIPTS") {
        return Some(p.into());
    }
    root.ancestors()
        .map(|a| a.join("shared/peers/pykmip"))
        .find(|p| p.join("start-server.sh").is_file())
}

#[test]
fn interop_matrix_judges_both_sides() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = TempDir::new("interop-cli");
    let d = dir.path();
    let batch = std::fs::read_to_string(root.join("testcases/server/batch/KH-BATCH-1-14.xml"))
        .expect("KH-BATCH-1-14 is in the repository");
    assert!(batch.contains("value=\"Active\"") && batch.contains("value=\"256\""));
    let cases = d.join("cases");
    std::fs::create_dir_all(&cases).expect("mkdir");
    std::fs::write(
        cases.join("KH-EXPECT-1-14.xml"),
        batch.replacen("value=\"Active\"", "value=\"PreActive\"", 1),
    )
    .expect("write");
    std::fs::write(cases.join("KH-BATCH-1-14.xml"), &batch).expect("write");
    let mutants = d.join("mutants");
    std::fs::create_dir_all(&mutants).expect("mkdir");
    // The first "256" is the Create request's Cryptographic Length.
    std::fs::write(
        mutants.join("KH-BATCH-1-14.xml"),
        batch.replacen("value=\"256\"", "value=\"128\"", 1),
    )
    .expect("write");
    let mutant = format!(
        "'{h}' run --target 127.0.0.1:$KH_PORT --ca \"$KH_CA\" --cert \"$KH_CERT\" --key \"$KH_KEY\" --testcases '{m}'/$KH_CASE_ID.xml --no-assess-tls --shared-world --quiet --report-dir '{d}'/mutant-run",
        h = harness(),
        m = mutants.display(),
        d = d.display()
    );
    let clients = format!(
        "clients:\n  - name: run\n    kind: run\n    testcases:\n      - {disc}\n      - {expect}\n  - name: mutant\n    kind: driver\n    command: {cmd}\n    timeout_s: 60\n    testcases: [{batch}]\n",
        disc = root.join("testcases/server/discovery/KH-DISC-1-14.xml").display(),
        expect = cases.join("KH-EXPECT-1-14.xml").display(),
        cmd = serde_json::to_string(&mutant).expect("quote"),
        batch = cases.join("KH-BATCH-1-14.xml").display(),
    );
    let pykmip = std::env::var_os("KMIP_PYKMIP").map(std::path::PathBuf::from);
    let scripts = pykmip_scripts(root);
    // A live `remote` server (kmip-harness serve) and a `remote` address
    // nothing listens on (its port freed at once): a transport break.
    let certs = d.join("serve-certs");
    let (_serve, port) = client_common::start_serve(&certs, &[]);
    let gone = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let remote = |name: &str, port: u16| {
        format!(
            "  - name: {name}\n    kind: remote\n    address: 127.0.0.1:{port}\n    ca: {ca}\n    cert: {cert}\n    key: {key}\n",
            ca = certs.join("ca.pem").display(),
            cert = certs.join("client.pem").display(),
            key = certs.join("client-key.pem").display(),
        )
    };
    let mut servers = format!(
        "servers:\n  - name: reference\n    kind: reference\n{}{}",
        remote("serve", port),
        remote("gone", gone)
    );
    match (&pykmip, &scripts) {
        (Some(p), Some(s)) => servers.push_str(&format!(
            "  - name: pykmip\n    kind: pykmip\n    dir: {}\n    scripts: {}\n",
            p.display(),
            s.display()
        )),
        (None, _) => eprintln!(
            "SKIP (pykmip column): KMIP_PYKMIP is unset (a folder made by `bash ../shared/peers/pykmip/setup.sh DIR`); only the reference column runs"
        ),
        (Some(_), None) => eprintln!(
            "SKIP (pykmip column): no shared/peers/pykmip/start-server.sh beside the workspace and KMIP_PYKMIP_SCRIPTS unset; only the reference column runs"
        ),
    }
    let pykmip = pykmip.filter(|_| scripts.is_some());
    std::fs::write(d.join("clients.yaml"), clients).expect("write");
    std::fs::write(d.join("servers.yaml"), servers).expect("write");
    let out = d.join("out");
    let child = Command::new(harness())
        .current_dir(root)
        .arg("interop")
        .arg("--clients")
        .arg(d.join("clients.yaml"))
        .arg("--servers")
        .arg(d.join("servers.yaml"))
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-harness interop");
    let mut guard = Guard(Some(child));
    let (code, stderr) = client_common::wait_exit(&mut guard, Duration::from_secs(300));
    eprintln!("interop stderr:\n{stderr}");
    // Two conversations fail: the run exits 1.
    assert_eq!(code, 1, "{stderr}");
    let r = client_common::read_results(&out.join("interop.json"));
    let columns = if pykmip.is_some() { 4 } else { 3 };
    assert_eq!(r["cells"].as_array().map(Vec::len), Some(2 * columns));

    let run = cell(&r, "run", "reference");
    assert_eq!(run["counts"]["total"], 2, "{run:#}");
    assert_eq!(run["counts"]["passed"], 1, "{run:#}");
    assert_eq!(run["counts"]["failed"], 1, "{run:#}");
    assert_eq!(run["broken"], serde_json::json!([["server", 1]]), "{run:#}");
    let disc = case(run, "KH-DISC-1-14");
    assert_eq!(disc["status"], "pass", "{disc:#}");
    let ex = disc["exchanges"].as_array().expect("exchanges");
    assert!(!ex.is_empty());
    assert!(
        ex.iter()
            .all(|e| e["request"]["ok"] == true && e["response"]["ok"] == true),
        "{disc:#}"
    );
    let expect = case(run, "KH-EXPECT-1-14");
    assert_eq!(expect["status"], "fail", "{expect:#}");
    assert_eq!(expect["broken_by"], "server", "{expect:#}");
    let ev = expect["evidence"].as_str().unwrap_or("");
    assert!(
        ev.contains("expected PreActive, got Active"),
        "evidence names the deviating value: {ev}"
    );
    // The request of that exchange matched: only the response deviates.
    let first = &expect["exchanges"][0];
    assert_eq!(first["request"]["ok"], true, "{expect:#}");
    assert_eq!(first["response"]["ok"], false, "{expect:#}");
    let rec = expect["recording"].as_str().expect("a recording");
    let recorded = std::fs::read_to_string(out.join(rec)).expect("recording written");
    assert!(recorded.contains("$UNIQUE_IDENTIFIER_0"), "{recorded}");

    let m = cell(&r, "mutant", "reference");
    assert_eq!(m["counts"]["passed"], 0, "{m:#}");
    assert_eq!(m["counts"]["failed"], 1, "{m:#}");
    let mb = case(m, "KH-BATCH-1-14");
    assert_eq!(mb["broken_by"], "client", "{mb:#}");
    let ev = mb["evidence"].as_str().unwrap_or("");
    assert!(ev.contains("expected 256, got 128"), "{ev}");
    assert!(mb["exchanges"][0]["response"].is_null(), "{mb:#}");

    let serve = cell(&r, "run", "serve");
    assert_eq!(case(serve, "KH-DISC-1-14")["status"], "pass", "{serve:#}");
    assert_eq!(
        case(serve, "KH-EXPECT-1-14")["broken_by"],
        "server",
        "{serve:#}"
    );
    for client in ["run", "mutant"] {
        let g = cell(&r, client, "gone");
        assert_eq!(g["counts"]["passed"], 0, "{g:#}");
        for k in g["cases"].as_array().expect("cases") {
            assert_eq!(k["status"], "fail", "{k:#}");
            assert_eq!(k["broken_by"], "transport", "{k:#}");
            let ev = k["evidence"].as_str().unwrap_or("");
            assert!(ev.contains("upstream: cannot connect"), "{ev}");
        }
    }

    if pykmip.is_some() {
        let p = cell(&r, "run", "pykmip");
        assert_eq!(case(p, "KH-DISC-1-14")["status"], "pass", "{p:#}");
        assert_eq!(case(p, "KH-EXPECT-1-14")["broken_by"], "server", "{p:#}");
        let pm = cell(&r, "mutant", "pykmip");
        assert_eq!(case(pm, "KH-BATCH-1-14")["broken_by"], "client", "{pm:#}");
    }

    // Every reporter has the matrix.
    let txt = std::fs::read_to_string(out.join("interop.txt")).expect("table");
    assert!(txt.contains("1/2 (fail 1) broken by server 1"), "{txt}");
    assert!(txt.contains("0/1 (fail 1) broken by client 1"), "{txt}");
    let md = std::fs::read_to_string(out.join("interop.md")).expect("markdown");
    assert!(
        md.contains("| run | 1/2 (fail 1) broken by server 1 |"),
        "{md}"
    );
    let html = std::fs::read_to_string(out.join("interop.html")).expect("html");
    assert!(
        html.contains("<a href=\"#cell-0\"><span class=\"count\">1/2</span>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"{rec}\"")),
        "recording linked"
    );
    let junit = std::fs::read_to_string(out.join("interop-junit.xml")).expect("junit");
    assert!(
        junit.contains("type=\"server\"") && junit.contains("type=\"client\""),
        "{junit}"
    );
}

#[test]
fn interop_refuses_bad_yaml_with_exit_2() {
    let dir = TempDir::new("interop-cli-bad");
    let d = dir.path();
    std::fs::write(
        d.join("clients.yaml"),
        "clients:\n  - name: x\n    kind: driver\n",
    )
    .expect("write");
    std::fs::write(
        d.join("servers.yaml"),
        "servers:\n  - name: r\n    kind: reference\n",
    )
    .expect("write");
    let out = Command::new(harness())
        .arg("interop")
        .arg("--clients")
        .arg(d.join("clients.yaml"))
        .arg("--servers")
        .arg(d.join("servers.yaml"))
        .arg("--out")
        .arg(d.join("out"))
        .output()
        .expect("run kmip-harness interop");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kind driver needs `command`"), "{err}");
    assert!(!d.join("out").exists(), "nothing run");
}
