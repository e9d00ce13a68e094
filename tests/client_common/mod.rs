//! Helpers shared by the client-mode and recording tests: locating PyKMIP,
//! temporary folders, child processes that are always reaped.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// The built CLI.
pub fn harness() -> &'static str {
    env!("CARGO_BIN_EXE_kmip-harness")
}

/// PyKMIP's venv python: `$KMIP_PYKMIP/venv/bin/python`, else
/// `/tmp/pykmip-client/venv/bin/python`; `None` (with a message) if absent.
pub fn pykmip_python() -> Option<PathBuf> {
    let dir = std::env::var_os("KMIP_PYKMIP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/pykmip-client"));
    let py = dir.join("venv/bin/python");
    if py.is_file() {
        Some(py)
    } else {
        eprintln!(
            "SKIP: PyKMIP not found ({} missing). Install it with `bash ../shared/peers/pykmip/setup.sh DIR` and set KMIP_PYKMIP=DIR.",
            py.display()
        );
        None
    }
}

/// Like [`pykmip_python`], but only from `$KMIP_PYKMIP` (no default
/// folder): `None` with a SKIP message when it is unset or has no venv.
pub fn pykmip_python_from_env() -> Option<PathBuf> {
    if std::env::var_os("KMIP_PYKMIP").is_none() {
        eprintln!("SKIP: KMIP_PYKMIP is unset (set it to a folder made by `bash ../shared/peers/pykmip/setup.sh DIR`)");
        return None;
    }
    pykmip_python()
}

/// A temporary folder removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh folder under the system temp dir.
    pub fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!("kh-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed (by its own pid) and reaped on drop.
pub struct Guard(pub Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Wait until `path` exists and is non-empty; its contents.
pub fn wait_file(path: &Path, limit: Duration) -> Option<String> {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if let Ok(s) = std::fs::read_to_string(path) {
            if !s.trim().is_empty() {
                return Some(s.trim().to_string());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Wait for the guarded child to exit (killed after `limit`); its exit
/// code (-1 if killed) and stderr.
pub fn wait_exit(guard: &mut Guard, limit: Duration) -> (i32, String) {
    let mut child = guard.0.take().expect("child");
    let t0 = Instant::now();
    let code = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s.code().unwrap_or(-1),
            Ok(None) if t0.elapsed() < limit => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break -1;
            }
        }
    };
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    (code, err)
}

/// Parse a results.json.
pub fn read_results(path: &Path) -> serde_json::Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("results.json parses")
}

/// The case result `id` of a results.json (panics if it is not reported).
pub fn case_by_id<'a>(results: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    results["cases"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("case {id} is reported: {results:#}"))
}

/// The clause `id` attached to a profile verdict (panics if absent).
pub fn clause<'a>(profile: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    profile["clauses"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("clause {id} attached: {profile:#}"))
}

/// Replay the recorded case `file` with `kmip-harness run --target
/// reference` (run from `cwd`), reports in `reports`; asserts that it
/// passed with exit code 0 and returns its case result.
pub fn replay_on_reference(
    cwd: impl AsRef<Path>,
    file: &Path,
    reports: &Path,
) -> serde_json::Value {
    let run = std::process::Command::new(harness())
        .current_dir(cwd.as_ref())
        .args(["run", "--target", "reference", "--quiet", "--testcases"])
        .arg(file)
        .arg("--report-dir")
        .arg(reports)
        .output()
        .expect("replay the recorded case");
    let results = read_results(&reports.join("results.json"));
    let case = results["cases"][0].clone();
    assert_eq!(
        case["status"],
        "pass",
        "replay: {case:#}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(run.status.code(), Some(0));
    case
}

/// Start `kmip-harness serve` on an ephemeral port with `extra` options
/// (certificates in `certs`); the guard and the port it prints. Its output
/// is echoed to stderr.
pub fn start_serve(certs: &Path, extra: &[&str]) -> (Guard, u16) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(harness())
        .args(["serve", "--listen", "127.0.0.1:0", "--log-level", "warn"])
        .arg("--cert-dir")
        .arg(certs)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start kmip-harness serve");
    let stdout = child.stdout.take().expect("stdout");
    let guard = Guard(Some(child));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            eprintln!("serve: {line}");
            if let Some(a) = line.strip_prefix("listening on ") {
                let _ = tx.send(a.to_string());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve did not print its address");
    let port = addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    (guard, port)
}
