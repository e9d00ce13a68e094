//! The client-driver contract (docs/client-drivers.md): `client-test
//! --driver CMD` starts CMD once per selected case, with the case and the
//! listener in its environment, and reads back how the client ended.
//!
//! Environment given to the driver: `KH_CASE_ID`, `KH_CASE_FILE` (the case
//! XML), `KH_HOST`, `KH_PORT`, `KH_CA`, `KH_CERT`, `KH_KEY`,
//! `KH_PROTOCOL_VERSION` (`1.4`), `KH_ENCODING` (`ttlv`|`xml`|`json`),
//! `KH_TRANSPORT` (`tls`|`https`).
//!
//! Exit codes: 0 done, 1 the client reported an error, 2 driver error, 3 the
//! client cannot express the case (stdout line `cannot express: step N:
//! why`). Anything else, a signal or the timeout is a driver error.
//!
//! [`run_driver`] runs the command (blocking: call it on a blocking
//! thread); [`apply`] folds its [`DriverOutcome`] into the case verdict of
//! the scenario.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kmip_testcase::case::TestCase;
use kmip_testcase::results::{CaseResult, Status};

/// Most bytes of driver output kept (each of stdout and stderr).
const MAX_OUTPUT: usize = 256 * 1024;

/// Exit code: the client reported an error.
pub const EXIT_CLIENT_ERROR: i32 = 1;
/// Exit code: the driver itself failed.
pub const EXIT_DRIVER_ERROR: i32 = 2;
/// Exit code: the client cannot express a step of the case.
pub const EXIT_CANNOT_EXPRESS: i32 = 3;

/// How to start a driver.
#[derive(Clone, Debug)]
pub struct DriverSpec {
    /// Shell command (`sh -c CMD`).
    pub command: String,
    /// Kill the driver after this long.
    pub timeout: Duration,
    /// Host the client connects to.
    pub host: String,
    /// CA the client trusts (the listener's), if known.
    pub ca: Option<PathBuf>,
    /// Client certificate the listener accepts, if known.
    pub cert: Option<PathBuf>,
    /// Its private key.
    pub key: Option<PathBuf>,
    /// `ttlv`, `xml` or `json`.
    pub encoding: String,
    /// `tls` or `https`.
    pub transport: String,
}

/// How a driver run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DriverEnd {
    /// Exit code.
    Exited(i32),
    /// Killed by a signal (no exit code).
    Signalled,
    /// Killed after the timeout.
    TimedOut,
    /// Could not be started.
    NotStarted(String),
}

/// A finished driver run.
#[derive(Clone, Debug)]
pub struct DriverOutcome {
    /// How it ended.
    pub end: DriverEnd,
    /// Its standard output (bounded).
    pub stdout: String,
    /// Its standard error (bounded).
    pub stderr: String,
    /// Wall time.
    pub duration: Duration,
}

/// `major.minor` of the case's first request (`"1.0"` when absent).
pub fn protocol_version(case: &TestCase) -> String {
    let v = case.steps.first().and_then(|s| {
        let pv = s
            .request
            .child(kmip_ttlv::tags::REQUEST_HEADER)?
            .child(kmip_ttlv::tags::PROTOCOL_VERSION)?;
        let num = |t| match pv.child(t).map(|i| &i.value) {
            Some(kmip_ttlv::Value::Integer(n)) => Some(*n),
            _ => None,
        };
        Some(format!(
            "{}.{}",
            num(kmip_ttlv::tags::PROTOCOL_VERSION_MAJOR)?,
            num(kmip_ttlv::tags::PROTOCOL_VERSION_MINOR)?
        ))
    });
    v.unwrap_or_else(|| "1.0".to_string())
}

fn read_bounded(r: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let Some(r) = r else {
            return String::new();
        };
        let mut buf = Vec::new();
        let mut limited = r.take(MAX_OUTPUT as u64);
        let _ = limited.read_to_end(&mut buf);
        // Drain the rest so the driver never blocks on a full pipe.
        let mut rest = limited.into_inner();
        let _ = std::io::copy(&mut rest, &mut std::io::sink());
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Run the driver for `case` against `port` and wait for it (blocking),
/// killing it after the spec's timeout.
pub fn run_driver(spec: &DriverSpec, case: &TestCase, port: u16) -> DriverOutcome {
    let t0 = Instant::now();
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&spec.command)
        .env("KH_CASE_ID", &case.id)
        .env("KH_CASE_FILE", &case.path)
        .env("KH_HOST", &spec.host)
        .env("KH_PORT", port.to_string())
        .env("KH_CA", path(&spec.ca).unwrap_or_default())
        .env("KH_CERT", path(&spec.cert).unwrap_or_default())
        .env("KH_KEY", path(&spec.key).unwrap_or_default())
        .env("KH_PROTOCOL_VERSION", protocol_version(case))
        .env("KH_ENCODING", &spec.encoding)
        .env("KH_TRANSPORT", &spec.transport)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return DriverOutcome {
                end: DriverEnd::NotStarted(e.to_string()),
                stdout: String::new(),
                stderr: String::new(),
                duration: t0.elapsed(),
            }
        }
    };
    let out = read_bounded(child.stdout.take());
    let err = read_bounded(child.stderr.take());
    let end = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st.code().map_or(DriverEnd::Signalled, DriverEnd::Exited),
            Ok(None) if t0.elapsed() >= spec.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break DriverEnd::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                break DriverEnd::NotStarted(format!("waiting for the driver: {e}"));
            }
        }
    };
    // A grandchild may hold the pipes open after a kill: never wait long.
    let join = |h: std::thread::JoinHandle<String>| {
        let until = Instant::now() + Duration::from_secs(2);
        while !h.is_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        if h.is_finished() {
            h.join().unwrap_or_default()
        } else {
            String::new()
        }
    };
    DriverOutcome {
        end,
        stdout: join(out),
        stderr: join(err),
        duration: t0.elapsed(),
    }
}

/// The `step N: why` of the driver's `cannot express:` line, if any.
pub fn cannot_express_line(stdout: &str) -> Option<String> {
    stdout.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("cannot express:")?.trim();
        rest.starts_with("step ").then(|| rest.to_string())
    })
}

/// Last non-empty line of `text` (for reasons), bounded.
fn last_line(text: &str) -> String {
    let l = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    l.chars().take(300).collect()
}

/// Fold the driver's outcome into the scenario's verdict for the case.
/// A request mismatch the harness saw stays a fail whatever the driver
/// says; otherwise:
/// - exit 3 with a `cannot express: step N: why` line → cannot express;
/// - exit 1 after every request matched → fail (the client reported an
///   error on a conforming exchange, e.g. it could not decode a response);
/// - exit 2, other codes, signal, timeout, not started → error.
pub fn apply(result: &mut CaseResult, outcome: &DriverOutcome) {
    let mismatch = result.status == Status::Fail && result.divergence.is_some();
    if mismatch || result.status == Status::Error {
        return;
    }
    let detail = || {
        let l = last_line(&outcome.stderr);
        if l.is_empty() {
            last_line(&outcome.stdout)
        } else {
            l
        }
    };
    match &outcome.end {
        DriverEnd::Exited(0) if result.status == Status::Skip => {
            result.status = Status::Fail;
            result.reason = "the driver exited 0 without sending a request".to_string();
        }
        DriverEnd::Exited(0) => {}
        DriverEnd::Exited(EXIT_CANNOT_EXPRESS) => match cannot_express_line(&outcome.stdout) {
            Some(why) => {
                result.status = Status::CannotExpress;
                result.reason = why;
            }
            None => {
                result.status = Status::Error;
                result.reason =
                    "driver exited 3 (cannot express) without a 'cannot express: step N: why' line"
                        .to_string();
            }
        },
        DriverEnd::Exited(EXIT_CLIENT_ERROR) => {
            let before = if result.status == Status::Pass {
                "the requests sent matched, then ".to_string()
            } else if result.reason.is_empty() || result.status == Status::Skip {
                String::new()
            } else {
                format!("{}; ", result.reason)
            };
            result.status = Status::Fail;
            result.reason = format!("{before}the client reported an error: {}", detail());
        }
        DriverEnd::Exited(code) => {
            result.status = Status::Error;
            result.reason = format!("driver error (exit {code}): {}", detail());
        }
        DriverEnd::Signalled => {
            result.status = Status::Error;
            result.reason = format!("driver killed by a signal: {}", detail());
        }
        DriverEnd::TimedOut => {
            result.status = Status::Error;
            result.reason = format!(
                "driver timed out after {:.0} s",
                outcome.duration.as_secs_f64()
            );
        }
        DriverEnd::NotStarted(e) => {
            result.status = Status::Error;
            result.reason = format!("driver could not be started: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cannot_express_line_is_found() {
        let out = "PASS create\ncannot express: step 3: PyKMIP has no Link\n";
        assert_eq!(
            cannot_express_line(out).as_deref(),
            Some("step 3: PyKMIP has no Link")
        );
        assert_eq!(cannot_express_line("cannot express: no step"), None);
    }
}
