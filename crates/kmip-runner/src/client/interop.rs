//! `kmip-harness interop`: every client of `clients.yaml` runs its cases
//! against every server of `servers.yaml` THROUGH the recording proxy
//! ([`super::record`]), and every recorded exchange is judged on both
//! sides with the same [`kmip_compare::Session`]:
//!
//! - the request against the case's expected request with the client rules
//!   ([`Session::check_request`], as `client-test` does; split / merged
//!   batches and left-out trailing clean-up accepted as in
//!   [`super::scenario`]);
//! - the response against the case's expected response with the server
//!   rules ([`Session::check_response`], masking as in `run`), which also
//!   binds the server-generated `$UNIQUE_IDENTIFIER_n` the next requests
//!   must use.
//!
//! The first side that deviates "broke the conversation": a request diff
//! → client, a response diff → server, a proxy / TLS / connection error →
//! transport (then the driver's exit code decides the rest, as in
//! `client-test --driver`). Judging stops at the first break; later
//! exchanges are listed unjudged.
//!
//! Clients: a driver command (the `client-test --driver` contract,
//! docs/client-drivers.md), or `kmip-harness run` itself (one `run` per case
//! with `--testcases` = the case file). Servers: the bundled reference
//! server (a fresh in-process instance per case), PyKMIP's server started
//! with its `start-server.sh` (in a private work folder, once per column),
//! or any `HOST:PORT` with CA / certificate / key.
//!
//! [`parse_clients`] / [`parse_servers`] read the YAML files (formats in
//! docs/interop.md); [`judge`] is the pure judgement of one recording;
//! [`execute`] runs the matrix. Each case's recording is written as an
//! OASIS-XML test case ([`super::record::to_test_case`]) under the output
//! folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kmip_compare::{CompareOptions, Comparison, Session};
use kmip_testcase::case::TestCase;
use kmip_testcase::interop::{
    BrokenSide, InteropCase, InteropCell, InteropExchange, InteropResults, SideVerdict,
    INTEROP_FORMAT,
};
use kmip_testcase::results::Status;
use kmip_ttlv::Item;
use serde::Deserialize;
use tokio::net::TcpListener;

use super::driver::{self, run_driver, DriverEnd, DriverOutcome, DriverSpec};
use super::record::{self, Exchange, ProxyOptions, Recording};
use super::scenario::{self, Consumed};
use crate::runner::Source;
use crate::target::{self, Connector, TlsBackend};
use crate::tls::TlsMaterial;

/// Most characters of a message's XML kept in the results.
const MAX_XML: usize = 24 * 1024;

/// Why the matrix could not be run.
#[derive(Debug, thiserror::Error)]
pub enum InteropError {
    /// A YAML file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A YAML file is not valid.
    #[error("{path}: {message}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Setting up (TLS material, output folder, listener) failed.
    #[error("{0}")]
    Setup(String),
}

// ---------------------------------------------------------------- config

/// `clients.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    #[serde(default)]
    testcases: Vec<String>,
    #[serde(default)]
    filter: Option<String>,
    clients: Vec<ClientEntry>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientEntry {
    name: String,
    kind: String,
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    timeout_s: Option<f64>,
    #[serde(default)]
    testcases: Option<Vec<String>>,
    #[serde(default)]
    filter: Option<String>,
}

/// `servers.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServersFile {
    servers: Vec<ServerEntry>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerEntry {
    name: String,
    kind: String,
    #[serde(default)]
    dir: Option<String>,
    #[serde(default)]
    scripts: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    ca: Option<String>,
    #[serde(default)]
    cert: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    sni: Option<String>,
}

/// How a client is started for one case.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientKind {
    /// A client driver (`sh -c COMMAND`, docs/client-drivers.md).
    Driver {
        /// The command.
        command: String,
    },
    /// `kmip-harness run` against the proxy with the case file as
    /// `--testcases` (exit 0 pass, 1 failures; other codes are driver
    /// errors).
    Run {
        /// Extra arguments for `run`.
        args: Vec<String>,
    },
}

/// One client of the matrix (a row).
#[derive(Clone, Debug)]
pub struct ClientSpec {
    /// Name (row label).
    pub name: String,
    /// How it is started.
    pub kind: ClientKind,
    /// Per-case time limit.
    pub timeout: Duration,
    /// Files / folders of its cases.
    pub testcases: Vec<PathBuf>,
    /// Keep only case ids containing this.
    pub filter: Option<String>,
}

/// One server of the matrix (a column).
#[derive(Clone, Debug, PartialEq)]
pub enum ServerKind {
    /// The bundled reference server, a fresh instance per case.
    Reference,
    /// PyKMIP's server: `dir` made by `setup.sh`, `scripts` = the folder
    /// with `start-server.sh` / `stop-server.sh`.
    PyKmip {
        /// The setup folder (venv, certs, policies).
        dir: PathBuf,
        /// The scripts folder.
        scripts: PathBuf,
    },
    /// Any server on HOST:PORT (TTLV over TLS).
    Remote {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// CA of its certificate.
        ca: PathBuf,
        /// Client certificate.
        cert: Option<PathBuf>,
        /// Its key.
        key: Option<PathBuf>,
        /// TLS server name.
        sni: Option<String>,
    },
}

/// One server of the matrix.
#[derive(Clone, Debug)]
pub struct ServerSpec {
    /// Name (column label).
    pub name: String,
    /// What it is.
    pub kind: ServerKind,
}

/// Expand `${NAME}` from the environment (an unset variable is an error).
fn expand(s: &str, file: &str) -> Result<String, InteropError> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find('}') else {
            return Err(InteropError::Config {
                path: file.to_string(),
                message: format!("unclosed ${{ in {s:?}"),
            });
        };
        let name = &after[..j];
        match std::env::var(name) {
            Ok(v) if !v.is_empty() => out.push_str(&v),
            _ => {
                return Err(InteropError::Config {
                    path: file.to_string(),
                    message: format!("{s:?} needs the environment variable {name}, which is unset"),
                })
            }
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn config_err(path: &str, message: impl Into<String>) -> InteropError {
    InteropError::Config {
        path: path.to_string(),
        message: message.into(),
    }
}

/// Parse `clients.yaml` text (`path` names it in errors). Relative paths
/// stay relative to the working directory; `${NAME}` in `testcases`
/// entries is taken from the environment.
pub fn parse_clients(text: &str, path: &str) -> Result<Vec<ClientSpec>, InteropError> {
    let f: ClientsFile =
        serde_yaml_ng::from_str(text).map_err(|e| config_err(path, e.to_string()))?;
    if f.clients.is_empty() {
        return Err(config_err(path, "no clients"));
    }
    let mut out: Vec<ClientSpec> = Vec::new();
    for c in f.clients {
        if c.name.trim().is_empty() || out.iter().any(|o| o.name == c.name) {
            return Err(config_err(
                path,
                format!("client name {:?} is empty or repeated", c.name),
            ));
        }
        let kind = match c.kind.as_str() {
            "driver" => match &c.command {
                Some(cmd) if !cmd.trim().is_empty() && c.args.is_empty() => ClientKind::Driver {
                    command: cmd.clone(),
                },
                _ => {
                    return Err(config_err(
                        path,
                        format!(
                            "client {}: kind driver needs `command` (and takes no `args`)",
                            c.name
                        ),
                    ))
                }
            },
            "run" if c.command.is_none() => ClientKind::Run { args: c.args },
            other => {
                return Err(config_err(
                    path,
                    format!(
                        "client {}: kind {other:?}: expected `driver` (with command) or `run` (with optional args)",
                        c.name
                    ),
                ))
            }
        };
        let cases = c.testcases.unwrap_or_else(|| f.testcases.clone());
        if cases.is_empty() {
            return Err(config_err(
                path,
                format!("client {}: no testcases (per client or top level)", c.name),
            ));
        }
        let testcases = cases
            .iter()
            .map(|t| expand(t, path).map(PathBuf::from))
            .collect::<Result<Vec<_>, _>>()?;
        let timeout = c.timeout_s.unwrap_or(120.0);
        if !(timeout.is_finite() && timeout > 0.0) {
            return Err(config_err(
                path,
                format!("client {}: timeout_s must be > 0", c.name),
            ));
        }
        out.push(ClientSpec {
            name: c.name,
            kind,
            timeout: Duration::from_secs_f64(timeout),
            testcases,
            filter: c.filter.or_else(|| f.filter.clone()),
        });
    }
    Ok(out)
}

/// Parse `servers.yaml` text (`path` names it in errors); `${NAME}` in
/// paths is taken from the environment.
pub fn parse_servers(text: &str, path: &str) -> Result<Vec<ServerSpec>, InteropError> {
    let f: ServersFile =
        serde_yaml_ng::from_str(text).map_err(|e| config_err(path, e.to_string()))?;
    if f.servers.is_empty() {
        return Err(config_err(path, "no servers"));
    }
    let mut out: Vec<ServerSpec> = Vec::new();
    for s in f.servers {
        if s.name.trim().is_empty() || out.iter().any(|o| o.name == s.name) {
            return Err(config_err(
                path,
                format!("server name {:?} is empty or repeated", s.name),
            ));
        }
        let p = |v: &Option<String>| -> Result<Option<PathBuf>, InteropError> {
            v.as_deref()
                .map(|x| expand(x, path).map(PathBuf::from))
                .transpose()
        };
        let kind = match s.kind.as_str() {
            "reference" => ServerKind::Reference,
            "pykmip" => {
                let Some(dir) = p(&s.dir)? else {
                    return Err(config_err(
                        path,
                        format!(
                            "server {}: kind pykmip needs `dir` (the folder of setup.sh)",
                            s.name
                        ),
                    ));
                };
                let scripts =
                    p(&s.scripts)?.unwrap_or_else(|| PathBuf::from("../shared/peers/pykmip"));
                ServerKind::PyKmip { dir, scripts }
            }
            "remote" => {
                let addr = s.address.as_deref().unwrap_or("");
                let (host, port) = match addr.rsplit_once(':') {
                    Some((h, p)) if !h.is_empty() => match p.parse::<u16>() {
                        Ok(n) => (h.to_string(), n),
                        Err(_) => {
                            return Err(config_err(
                                path,
                                format!("server {}: bad port in {addr:?}", s.name),
                            ))
                        }
                    },
                    _ if !addr.is_empty() => (addr.to_string(), 5696),
                    _ => {
                        return Err(config_err(
                            path,
                            format!("server {}: kind remote needs `address: HOST:PORT`", s.name),
                        ))
                    }
                };
                let Some(ca) = p(&s.ca)? else {
                    return Err(config_err(
                        path,
                        format!("server {}: kind remote needs `ca`", s.name),
                    ));
                };
                let (cert, key) = (p(&s.cert)?, p(&s.key)?);
                if cert.is_some() != key.is_some() {
                    return Err(config_err(
                        path,
                        format!("server {}: `cert` and `key` go together", s.name),
                    ));
                }
                ServerKind::Remote {
                    host,
                    port,
                    ca,
                    cert,
                    key,
                    sni: s.sni.clone(),
                }
            }
            other => {
                return Err(config_err(
                    path,
                    format!(
                        "server {}: kind {other:?}: expected reference, pykmip or remote",
                        s.name
                    ),
                ))
            }
        };
        out.push(ServerSpec { name: s.name, kind });
    }
    Ok(out)
}

/// Read and parse a YAML file with `parse`.
pub fn read_file<T>(
    path: &Path,
    parse: fn(&str, &str) -> Result<T, InteropError>,
) -> Result<T, InteropError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| InteropError::Read {
        path: shown.clone(),
        source,
    })?;
    parse(&text, &shown)
}

// ---------------------------------------------------------------- judging

/// A judged recording, before the client's end is folded in.
#[derive(Clone, Debug)]
pub struct Judged {
    /// Every exchange with its verdicts.
    pub exchanges: Vec<InteropExchange>,
    /// The first side that deviated, with the evidence and reason.
    pub broken: Option<(BrokenSide, String, String)>,
    /// Steps fully matched.
    pub steps_done: usize,
    /// `true`: every step matched, or only trailing clean-up is left.
    pub complete: bool,
    /// Notes (regrouping, clean-up left out).
    pub note: String,
}

fn bounded(s: String) -> String {
    if s.len() <= MAX_XML {
        return s;
    }
    let mut end = MAX_XML;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more bytes)", &s[..end], s.len() - end)
}

fn verdict(cmp: &Comparison) -> SideVerdict {
    SideVerdict {
        ok: cmp.is_match(),
        differences: cmp
            .differences
            .iter()
            .map(|d| {
                format!(
                    "{}: expected {}, got {} ({})",
                    d.path, d.expected, d.actual, d.note
                )
            })
            .collect(),
        diff: cmp.diff.clone(),
        masked: cmp
            .masked
            .iter()
            .map(|m| format!("{} ({})", m.path, m.rule))
            .collect(),
    }
}

/// Judge one recorded conversation against `case` (pure). See the module
/// docs for the rules.
pub fn judge(case: &TestCase, exchanges: &[Exchange], opts: &CompareOptions) -> Judged {
    let mut session = Session::new(opts.clone());
    let (mut next, mut sub) = (0usize, 0usize);
    let mut out = Vec::with_capacity(exchanges.len());
    let mut broken: Option<(BrokenSide, String, String)> = None;
    let mut mapping: Vec<String> = Vec::new();
    for (i, ex) in exchanges.iter().enumerate() {
        let mut row = InteropExchange {
            index: i + 1,
            connection: ex.connection,
            step: String::new(),
            request_xml: bounded(kmip_ttlv::xml::to_xml(&ex.request)),
            response_xml: bounded(kmip_ttlv::xml::to_xml(&ex.response)),
            request: None,
            response: None,
        };
        if broken.is_some() {
            row.step = "not judged (after the break)".to_string();
            out.push(row);
            continue;
        }
        while next < case.steps.len()
            && scenario::first_op(&case.steps[next].request) == Some(scenario::OP_INTEROP)
            && scenario::first_op(&ex.request) != Some(scenario::OP_INTEROP)
        {
            next += 1;
        }
        if next >= case.steps.len() {
            row.step = "extra (after the last step)".to_string();
            let why = format!(
                "request {} after the last step ({} steps)",
                i + 1,
                case.steps.len()
            );
            broken = Some((
                BrokenSide::Client,
                format!("extra request {}", i + 1),
                why.clone(),
            ));
            out.push(row);
            continue;
        }
        let (exp_req, exp_resp, consumed) = scenario::regroup_at(case, next, sub, &ex.request);
        row.step = match consumed {
            Consumed::Step => format!("step {}", next + 1),
            Consumed::Items { from, count, total } => format!(
                "step {} items {}-{} of {total}",
                next + 1,
                from + 1,
                from + count
            ),
            Consumed::Steps(n) => format!("steps {}-{}", next + 1, next + n),
        };
        let req = session.check_request(&exp_req, &ex.request, ex.sent_at);
        let rv = verdict(&req);
        row.request = Some(rv.clone());
        if !rv.ok {
            let first = rv.differences.first().cloned().unwrap_or_default();
            broken = Some((
                BrokenSide::Client,
                first.clone(),
                format!("{}: request deviates from the case at {first}", row.step),
            ));
            out.push(row);
            continue;
        }
        let resp = session.check_response(
            &exp_resp,
            &ex.response,
            &ex.request,
            ex.sent_at,
            ex.received_at,
        );
        let sv = verdict(&resp);
        row.response = Some(sv.clone());
        if !sv.ok {
            let mut first = sv.differences.first().cloned().unwrap_or_default();
            if let Some(m) = result_message(&ex.response) {
                first = format!("{first}; the server's Result Message: {m}");
            }
            broken = Some((
                BrokenSide::Server,
                first.clone(),
                format!("{}: response deviates from the case at {first}", row.step),
            ));
            out.push(row);
            continue;
        }
        match consumed {
            Consumed::Step => next += 1,
            Consumed::Items { from, count, total } => {
                mapping.push(format!(
                    "request {} = step {} items {}-{} of {total}",
                    i + 1,
                    next + 1,
                    from + 1,
                    from + count
                ));
                sub = from + count;
                if sub >= total {
                    sub = 0;
                    next += 1;
                }
            }
            Consumed::Steps(n) => {
                mapping.push(format!(
                    "request {} = steps {}-{}",
                    i + 1,
                    next + 1,
                    next + n
                ));
                next += n;
            }
        }
        out.push(row);
    }
    let all = next >= case.steps.len();
    let cleanup_left = !all && next > 0 && sub == 0 && scenario::only_cleanup_left(case, next);
    let mut note = scenario::mapping_note(&mapping);
    if cleanup_left {
        let left = format!(
            "trailing clean-up left out (Profiles §4.1.2): steps {}-{} ({})",
            next + 1,
            case.steps.len(),
            scenario::op_names(case, next)
        );
        note = if note.is_empty() {
            left
        } else {
            format!("{left}; {note}")
        };
    }
    Judged {
        exchanges: out,
        broken,
        steps_done: next,
        complete: all || cleanup_left,
        note,
    }
}

/// The first Result Message of a response's batch items (bounded).
fn result_message(response: &Item) -> Option<String> {
    response
        .children_with(kmip_ttlv::tags::BATCH_ITEM)
        .find_map(|b| b.child(kmip_ttlv::tags::RESULT_MESSAGE))
        .and_then(|m| m.value.as_text())
        .map(|t| t.chars().take(300).collect())
}

/// How a client run ended, in words.
pub fn describe_end(end: &DriverEnd) -> String {
    match end {
        DriverEnd::Exited(c) => format!("exit {c}"),
        DriverEnd::Signalled => "killed by a signal".to_string(),
        DriverEnd::TimedOut => "timed out".to_string(),
        DriverEnd::NotStarted(e) => format!("not started: {e}"),
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

/// The case verdict from the judged recording, the proxy's transport
/// messages and how the client ended: (status, side, reason, evidence).
pub fn verdict_of(
    case: &TestCase,
    j: &Judged,
    transport: &[String],
    outcome: &DriverOutcome,
) -> (Status, Option<BrokenSide>, String, String) {
    if let Some((side, evidence, reason)) = &j.broken {
        return (Status::Fail, Some(*side), reason.clone(), evidence.clone());
    }
    let detail = || {
        let l = last_line(&outcome.stderr);
        if l.is_empty() {
            last_line(&outcome.stdout)
        } else {
            l
        }
    };
    let total = case.steps.len();
    match &outcome.end {
        DriverEnd::Exited(driver::EXIT_CANNOT_EXPRESS) => {
            match driver::cannot_express_line(&outcome.stdout) {
                Some(why) => (Status::CannotExpress, None, why.clone(), why),
                None => (
                    Status::Error,
                    Some(BrokenSide::Driver),
                    "driver exited 3 without a 'cannot express: step N: why' line".to_string(),
                    detail(),
                ),
            }
        }
        DriverEnd::Exited(code @ (0 | driver::EXIT_CLIENT_ERROR)) => {
            if let Some(t) = transport.first().filter(|_| !(j.complete && *code == 0)) {
                // A message that is not TTLV is its sender's fault.
                let side = if t.contains(record::UNDECODABLE_REQUEST) {
                    BrokenSide::Client
                } else if t.contains(record::UNDECODABLE_RESPONSE) {
                    BrokenSide::Server
                } else {
                    BrokenSide::Transport
                };
                return (
                    Status::Fail,
                    Some(side),
                    format!(
                        "{} after {} of {total} steps: {t}",
                        if side == BrokenSide::Transport {
                            "transport failure"
                        } else {
                            "undecodable message"
                        },
                        j.steps_done
                    ),
                    t.clone(),
                );
            }
            match (code, j.complete) {
                (0, true) => (Status::Pass, None, j.note.clone(), String::new()),
                (0, false) if j.exchanges.is_empty() => (
                    Status::Fail,
                    Some(BrokenSide::Client),
                    "the client exited 0 without sending a request".to_string(),
                    "no exchange recorded".to_string(),
                ),
                (0, false) => (
                    Status::Fail,
                    Some(BrokenSide::Client),
                    format!(
                        "incomplete: the client stopped after {} of {total} steps",
                        j.steps_done
                    ),
                    format!("{} of {total} steps", j.steps_done),
                ),
                (_, true) => (
                    Status::Fail,
                    Some(BrokenSide::Client),
                    format!(
                        "every exchange matched the case, then the client reported an error: {}",
                        detail()
                    ),
                    detail(),
                ),
                (_, false) => (
                    Status::Fail,
                    Some(BrokenSide::Client),
                    format!(
                        "the client reported an error after {} of {total} conforming steps: {}",
                        j.steps_done,
                        detail()
                    ),
                    detail(),
                ),
            }
        }
        other => (
            Status::Error,
            Some(BrokenSide::Driver),
            format!("client driver failed ({})", describe_end(other)),
            detail(),
        ),
    }
}

// ---------------------------------------------------------------- running

/// What to run.
#[derive(Clone, Debug)]
pub struct InteropSpec {
    /// Rows.
    pub clients: Vec<ClientSpec>,
    /// Columns.
    pub servers: Vec<ServerSpec>,
    /// Output folder (recordings, proxy certificates, run reports).
    pub out_dir: PathBuf,
    /// The kmip-harness executable (for `run` clients).
    pub harness: PathBuf,
    /// `$NOW` tolerance, seconds.
    pub now_tolerance_s: i64,
}

/// A file-name-safe form of a name.
pub fn slug(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        "_".to_string()
    } else {
        out
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A started server (one column).
enum Upstream {
    /// Fresh reference server per case.
    Reference,
    /// A connector to a running server; `stop` = the PyKMIP work folder.
    Fixed {
        connector: Arc<dyn Connector>,
        pykmip: Option<(PathBuf, PathBuf)>,
    },
    /// Could not be started: every case is an error.
    Failed(String),
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn abs(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Start PyKMIP's server in a private work folder (links to the setup
/// folder's venv, certs and policies, so its pid file, store and log are
/// this run's own).
fn start_pykmip(dir: &Path, scripts: &Path, work: &Path) -> Result<(u16, PathBuf), String> {
    let dir = abs(dir);
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    for sub in ["venv", "certs", "policies"] {
        let link = work.join(sub);
        let _ = std::fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join(sub), &link)
            .map_err(|e| format!("linking {}: {e}", link.display()))?;
    }
    let port = free_port()?;
    let out = std::process::Command::new("bash")
        .arg(scripts.join("start-server.sh"))
        .arg(work)
        .arg(port.to_string())
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("running start-server.sh: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "start-server.sh failed: {}{}",
            last_line(&String::from_utf8_lossy(&out.stdout)),
            last_line(&String::from_utf8_lossy(&out.stderr))
        ));
    }
    Ok((port, dir.join("certs")))
}

fn stop_pykmip(scripts: &Path, work: &Path) {
    let _ = std::process::Command::new("bash")
        .arg(scripts.join("stop-server.sh"))
        .arg(work)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

async fn start_server(server: &ServerSpec, out_dir: &Path) -> Upstream {
    let timeout = Duration::from_secs(10);
    match &server.kind {
        ServerKind::Reference => Upstream::Reference,
        ServerKind::PyKmip { dir, scripts } => {
            let work = out_dir.join("servers").join(slug(&server.name));
            let (d, s, w) = (dir.clone(), scripts.clone(), work.clone());
            let started = tokio::task::spawn_blocking(move || start_pykmip(&d, &s, &w)).await;
            let (port, certs) = match started {
                Ok(Ok(x)) => x,
                Ok(Err(e)) => return Upstream::Failed(format!("PyKMIP server: {e}")),
                Err(e) => return Upstream::Failed(format!("PyKMIP server: {e}")),
            };
            let material = match TlsMaterial::from_files(
                &certs.join("ca.pem"),
                Some(&certs.join("client.pem")),
                Some(&certs.join("client.key")),
            ) {
                Ok(m) => m,
                Err(e) => {
                    stop_pykmip(scripts, &work);
                    return Upstream::Failed(format!("PyKMIP TLS material: {e}"));
                }
            };
            match target::remote_connector(
                TlsBackend::Rustls,
                "127.0.0.1",
                port,
                None,
                &material,
                timeout,
            ) {
                Ok(connector) => Upstream::Fixed {
                    connector,
                    pykmip: Some((scripts.clone(), work)),
                },
                Err(e) => {
                    stop_pykmip(scripts, &work);
                    Upstream::Failed(format!("PyKMIP connector: {e}"))
                }
            }
        }
        ServerKind::Remote {
            host,
            port,
            ca,
            cert,
            key,
            sni,
        } => {
            let material = match TlsMaterial::from_files(ca, cert.as_deref(), key.as_deref()) {
                Ok(m) => m,
                Err(e) => return Upstream::Failed(format!("TLS material: {e}")),
            };
            match target::remote_connector(
                TlsBackend::Rustls,
                host,
                *port,
                sni.as_deref(),
                &material,
                timeout,
            ) {
                Ok(connector) => Upstream::Fixed {
                    connector,
                    pykmip: None,
                },
                Err(e) => Upstream::Failed(format!("{host}:{port}: {e}")),
            }
        }
    }
}

/// Proxy-side TLS (what clients see), generated once in `out_dir/certs`.
struct ProxyTls {
    config: Arc<rustls::ServerConfig>,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn proxy_tls(out_dir: &Path) -> Result<ProxyTls, InteropError> {
    let dir = out_dir.join("certs");
    std::fs::create_dir_all(&dir)
        .map_err(|e| InteropError::Setup(format!("{}: {e}", dir.display())))?;
    let material = kmip_wire::tls::material(&kmip_wire::tls::CertSource::Generate {
        cert_dir: Some(dir.clone()),
        client_ca: None,
    })
    .map_err(|e| InteropError::Setup(format!("TLS material: {e}")))?;
    let config = kmip_wire::tls::server_config(&material, false)
        .map_err(|e| InteropError::Setup(format!("TLS configuration: {e}")))?;
    let dir = abs(&dir);
    Ok(ProxyTls {
        config,
        ca: dir.join("ca.pem"),
        cert: dir.join("client.pem"),
        key: dir.join("client-key.pem"),
    })
}

fn error_case(case: &TestCase, reason: &str) -> InteropCase {
    InteropCase {
        id: case.id.clone(),
        file: case.path.display().to_string(),
        status: Status::Error,
        broken_by: None,
        reason: reason.to_string(),
        evidence: reason.to_string(),
        exchanges: Vec::new(),
        recording: None,
        client_end: "not started".to_string(),
        transport: Vec::new(),
        duration_ms: 0,
    }
}

/// Run one case of `client` against an upstream through the proxy.
#[allow(clippy::too_many_arguments)]
async fn run_case(
    spec: &InteropSpec,
    client: &ClientSpec,
    server: &ServerSpec,
    case: &Arc<TestCase>,
    upstream: Arc<dyn Connector>,
    tls: &ProxyTls,
    cell_dir: &Path,
) -> InteropCase {
    let t0 = Instant::now();
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => return error_case(case, &format!("proxy listener: {e}")),
    };
    let port = match listener.local_addr() {
        Ok(a) => a.port(),
        Err(e) => return error_case(case, &format!("proxy listener: {e}")),
    };
    let command = match &client.kind {
        ClientKind::Driver { command } => command.clone(),
        ClientKind::Run { args } => {
            let report = abs(cell_dir).join("run").join(slug(&case.id));
            let mut c = format!(
                "{} run --target \"127.0.0.1:$KH_PORT\" --ca \"$KH_CA\" --cert \"$KH_CERT\" --key \"$KH_KEY\" --testcases \"$KH_CASE_FILE\" --no-assess-tls --shared-world --quiet --report-dir {}",
                shell_quote(&spec.harness.display().to_string()),
                shell_quote(&report.display().to_string())
            );
            for a in args {
                c.push(' ');
                c.push_str(&shell_quote(a));
            }
            c
        }
    };
    let dspec = DriverSpec {
        command,
        timeout: client.timeout,
        host: "127.0.0.1".to_string(),
        ca: Some(tls.ca.clone()),
        cert: Some(tls.cert.clone()),
        key: Some(tls.key.clone()),
        encoding: "ttlv".to_string(),
        transport: "tls".to_string(),
    };
    let recording = Recording::new();
    let logs: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = logs.clone();
    let log: Arc<dyn Fn(String) + Send + Sync> = Arc::new(move |m| {
        if let Ok(mut v) = sink.lock() {
            if v.len() < 50 {
                v.push(m);
            }
        }
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let c = case.clone();
    let job = tokio::task::spawn_blocking(move || {
        let out = run_driver(&dspec, &c, port);
        let _ = tx.send(());
        out
    });
    record::proxy(
        listener,
        tls.config.clone(),
        upstream.clone(),
        recording.clone(),
        ProxyOptions::default(),
        log,
        async {
            let _ = rx.await;
        },
    )
    .await;
    let mut outcome = job.await.unwrap_or_else(|e| DriverOutcome {
        end: DriverEnd::NotStarted(format!("driver thread: {e}")),
        stdout: String::new(),
        stderr: String::new(),
        duration: Duration::ZERO,
    });
    if matches!(client.kind, ClientKind::Run { .. }) {
        // run: 0 pass, 1 failures, 3 target unreachable (the client's error
        // report); 2 (usage) and anything else: the driver failed.
        // (Exit 3 must not read as the driver contract's cannot-express.)
        if outcome.end == DriverEnd::Exited(3) {
            outcome.end = DriverEnd::Exited(driver::EXIT_CLIENT_ERROR);
        }
    }
    // Connection tasks log their end right after the client leaves.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let exchanges = recording.exchanges();
    let transport: Vec<String> = logs.lock().map(|v| v.clone()).unwrap_or_default();
    let opts = CompareOptions {
        now_tolerance_s: spec.now_tolerance_s,
        strict: false,
        ..Default::default()
    };
    let judged = judge(case, &exchanges, &opts);
    let (status, broken_by, reason, evidence) = verdict_of(case, &judged, &transport, &outcome);
    let recording_path = if exchanges.is_empty() {
        None
    } else {
        let rel = PathBuf::from("recordings")
            .join(slug(&client.name))
            .join(slug(&server.name))
            .join(format!("{}.xml", slug(&case.id)));
        let full = spec.out_dir.join(&rel);
        let text = record::to_test_case(
            &exchanges,
            &case.id,
            &format!("{} (client {})", upstream.describe(), client.name),
        );
        let written = full
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&full, text));
        written.ok().map(|()| rel.display().to_string())
    };
    let mut client_end = describe_end(&outcome.end);
    let tail = last_line(&outcome.stdout);
    if !tail.is_empty() {
        client_end = format!("{client_end}; stdout: {tail}");
    }
    InteropCase {
        id: case.id.clone(),
        file: case.path.display().to_string(),
        status,
        broken_by,
        reason,
        evidence,
        exchanges: judged.exchanges,
        recording: recording_path,
        client_end,
        transport,
        duration_ms: u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// Load the cases of `client` (Notify / Put cases left out).
pub fn client_cases(client: &ClientSpec) -> Result<Vec<Arc<TestCase>>, InteropError> {
    let (cases, _warnings) = super::session::select(
        &Source::Paths(client.testcases.clone()),
        &[],
        None,
        client.filter.as_deref(),
        None,
    )
    .map_err(|e| InteropError::Setup(format!("client {}: {e}", client.name)))?;
    Ok(cases)
}

/// Run the matrix: for each server (started once per column; the
/// reference server once per case), each client runs each of its cases
/// through a fresh proxy. `on_case(client, server, case)` is called as
/// cases finish.
pub async fn execute(
    spec: &InteropSpec,
    mut on_case: impl FnMut(&str, &str, &InteropCase),
) -> Result<InteropResults, InteropError> {
    let started = crate::run::rfc3339_now();
    let t0 = Instant::now();
    std::fs::create_dir_all(&spec.out_dir)
        .map_err(|e| InteropError::Setup(format!("{}: {e}", spec.out_dir.display())))?;
    let tls = proxy_tls(&spec.out_dir)?;
    let mut loaded = Vec::new();
    for c in &spec.clients {
        loaded.push(client_cases(c)?);
    }
    let mut cells: Vec<InteropCell> = Vec::new();
    for server in &spec.servers {
        let upstream = start_server(server, &spec.out_dir).await;
        for (client, cases) in spec.clients.iter().zip(&loaded) {
            let cell_dir = spec.out_dir.join("cells").join(format!(
                "{}__{}",
                slug(&client.name),
                slug(&server.name)
            ));
            let mut results = Vec::new();
            for case in cases {
                let r = match &upstream {
                    Upstream::Failed(e) => {
                        error_case(case, &format!("server could not be started: {e}"))
                    }
                    Upstream::Fixed { connector, .. } => {
                        run_case(
                            spec,
                            client,
                            server,
                            case,
                            connector.clone(),
                            &tls,
                            &cell_dir,
                        )
                        .await
                    }
                    Upstream::Reference => {
                        match target::ReferenceTarget::start(Duration::from_secs(10)).await {
                            Ok(r) => {
                                let conn: Arc<dyn Connector> = Arc::new(r.connector());
                                let out =
                                    run_case(spec, client, server, case, conn, &tls, &cell_dir)
                                        .await;
                                r.shutdown().await;
                                out
                            }
                            Err(e) => error_case(
                                case,
                                &format!("reference server could not be started: {e}"),
                            ),
                        }
                    }
                };
                on_case(&client.name, &server.name, &r);
                results.push(r);
            }
            cells.push(InteropCell::new(&client.name, &server.name, results));
        }
        if let Upstream::Fixed {
            pykmip: Some((scripts, work)),
            ..
        } = &upstream
        {
            let (s, w) = (scripts.clone(), work.clone());
            let _ = tokio::task::spawn_blocking(move || stop_pykmip(&s, &w)).await;
        }
    }
    // Row-major: clients × servers.
    let mut ordered = Vec::with_capacity(cells.len());
    for c in &spec.clients {
        for s in &spec.servers {
            if let Some(i) = cells
                .iter()
                .position(|x| x.client == c.name && x.server == s.name)
            {
                ordered.push(cells.swap_remove(i));
            }
        }
    }
    Ok(InteropResults {
        format: INTEROP_FORMAT,
        started,
        duration_s: t0.elapsed().as_secs_f64(),
        clients: spec.clients.iter().map(|c| c.name.clone()).collect(),
        servers: spec.servers.iter().map(|s| s.name.clone()).collect(),
        cells: ordered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_now() -> i64 {
        super::super::record::unix_now()
    }

    #[test]
    fn yaml_formats_parse_and_are_checked() {
        let clients = parse_clients(
            "testcases: [a.xml]\nclients:\n  - name: py\n    kind: driver\n    command: python d.py\n    timeout_s: 30\n  - name: h\n    kind: run\n    args: [--clock-skew, '600']\n    testcases: [b]\n",
            "c.yaml",
        )
        .expect("parses");
        assert_eq!(clients.len(), 2);
        assert_eq!(
            clients[0].kind,
            ClientKind::Driver {
                command: "python d.py".into()
            }
        );
        assert_eq!(clients[0].testcases, vec![PathBuf::from("a.xml")]);
        assert_eq!(clients[1].testcases, vec![PathBuf::from("b")]);
        assert_eq!(clients[0].timeout, Duration::from_secs(30));
        for bad in [
            "clients: []",
            "testcases: [a]\nclients:\n  - name: x\n    kind: driver\n",
            "testcases: [a]\nclients:\n  - name: x\n    kind: nope\n",
            "clients:\n  - name: x\n    kind: run\n",
            "testcases: [a]\nclients:\n  - name: x\n    kind: run\n    typo: 1\n",
            "testcases: ['${KH_SURELY_UNSET_VARIABLE}/x']\nclients:\n  - name: x\n    kind: run\n",
        ] {
            assert!(parse_clients(bad, "c.yaml").is_err(), "{bad}");
        }
        let servers = parse_servers(
            "servers:\n  - name: ref\n    kind: reference\n  - name: kms\n    kind: remote\n    address: kms.example:5697\n    ca: ca.pem\n  - name: py\n    kind: pykmip\n    dir: /tmp/p\n",
            "s.yaml",
        )
        .expect("parses");
        assert_eq!(servers[0].kind, ServerKind::Reference);
        assert!(
            matches!(&servers[1].kind, ServerKind::Remote { host, port: 5697, .. } if host == "kms.example")
        );
        assert!(
            matches!(&servers[2].kind, ServerKind::PyKmip { dir, .. } if dir == Path::new("/tmp/p"))
        );
        for bad in [
            "servers:\n  - name: a\n    kind: remote\n",
            "servers:\n  - name: a\n    kind: remote\n    address: h:1\n",
            "servers:\n  - name: a\n    kind: pykmip\n",
            "servers:\n  - name: a\n    kind: reference\n  - name: a\n    kind: reference\n",
        ] {
            assert!(parse_servers(bad, "s.yaml").is_err(), "{bad}");
        }
    }

    /// The committed examples parse (variables replaced textually, so the
    /// test needs no environment).
    #[test]
    fn committed_examples_parse() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/interop");
        let read = |f: &str| {
            std::fs::read_to_string(dir.join(f))
                .expect("example present")
                .replace("${KMIP_CORPUS}", "/corpus")
                .replace("${KMIP_PYKMIP}", "/pykmip")
        };
        let clients = parse_clients(&read("clients.yaml"), "clients.yaml").expect("parses");
        let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["pykmip", "kmip-protocol", "kmip-harness run"]);
        assert_eq!(clients[2].kind, ClientKind::Run { args: vec![] });
        assert_eq!(clients[0].testcases.len(), 7);
        let servers = parse_servers(&read("servers.yaml"), "servers.yaml").expect("parses");
        assert_eq!(servers.len(), 2);
        assert!(
            matches!(&servers[1].kind, ServerKind::PyKmip { dir, .. } if dir == Path::new("/pykmip"))
        );
    }

    fn tag(n: &str) -> kmip_ttlv::Tag {
        kmip_ttlv::Tag(kmip_ttlv::dict::tag_by_name(n).unwrap_or(0))
    }

    const CASE: &str = r#"<KMIP>
<RequestMessage><RequestHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/></ProtocolVersion><BatchCount type="Integer" value="1"/></RequestHeader>
<BatchItem><Operation type="Enumeration" value="Create"/><RequestPayload><ObjectType type="Enumeration" value="SymmetricKey"/>
<TemplateAttribute><Attribute><AttributeName type="TextString" value="Cryptographic Algorithm"/><AttributeValue type="Enumeration" value="AES"/></Attribute></TemplateAttribute></RequestPayload></BatchItem></RequestMessage>
<ResponseMessage><ResponseHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/></ProtocolVersion><TimeStamp type="DateTime" value="$NOW"/><BatchCount type="Integer" value="1"/></ResponseHeader>
<BatchItem><Operation type="Enumeration" value="Create"/><ResultStatus type="Enumeration" value="Success"/><ResponsePayload><ObjectType type="Enumeration" value="SymmetricKey"/><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/></ResponsePayload></BatchItem></ResponseMessage>
<RequestMessage><RequestHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/></ProtocolVersion><BatchCount type="Integer" value="1"/></RequestHeader>
<BatchItem><Operation type="Enumeration" value="Destroy"/><RequestPayload><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/></RequestPayload></BatchItem></RequestMessage>
<ResponseMessage><ResponseHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="1"/><ProtocolVersionMinor type="Integer" value="4"/></ProtocolVersion><TimeStamp type="DateTime" value="$NOW"/><BatchCount type="Integer" value="1"/></ResponseHeader>
<BatchItem><Operation type="Enumeration" value="Destroy"/><ResultStatus type="Enumeration" value="Success"/><ResponsePayload><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/></ResponsePayload></BatchItem></ResponseMessage>
</KMIP>"#;

    fn load() -> TestCase {
        kmip_testcase::case::load_str(CASE, Path::new("T-1-14.xml")).expect("case loads")
    }

    /// The expected messages with the identifier a server chose and the
    /// current time filled in: a conforming conversation.
    fn conversation(case: &TestCase, uid: &str, now: i64) -> Vec<Exchange> {
        fn fill(item: &mut Item, uid: &str, now: i64) {
            match &mut item.value {
                kmip_ttlv::Value::Structure(cs) => cs.iter_mut().for_each(|c| fill(c, uid, now)),
                kmip_ttlv::Value::Placeholder(p) if p.name.starts_with("UNIQUE") => {
                    item.value = kmip_ttlv::Value::TextString(uid.into());
                }
                kmip_ttlv::Value::Placeholder(_) => item.value = kmip_ttlv::Value::DateTime(now),
                _ => {}
            }
        }
        case.steps
            .iter()
            .map(|s| {
                let (mut q, mut r) = (s.request.clone(), s.response.clone());
                fill(&mut q, uid, now);
                fill(&mut r, uid, now);
                Exchange {
                    connection: 0,
                    request: q,
                    response: r,
                    wire: "ttlv over tls".into(),
                    sent_at: now,
                    received_at: now,
                }
            })
            .collect()
    }

    fn set(item: &mut Item, path: &[&str], v: kmip_ttlv::Value) {
        let mut cur = item;
        for p in path {
            cur = cur.child_mut(tag(p)).expect("path exists");
        }
        cur.value = v;
    }

    fn exited(code: i32) -> DriverOutcome {
        DriverOutcome {
            end: DriverEnd::Exited(code),
            stdout: String::new(),
            stderr: "boom".into(),
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn conforming_conversation_passes_and_sides_are_told_apart() {
        let case = load();
        let now = record_now();
        let opts = CompareOptions::default();
        let good = conversation(&case, "uid-7", now);
        let j = judge(&case, &good, &opts);
        assert!(j.broken.is_none(), "{:?}", j.broken);
        assert!(j.complete);
        let v = verdict_of(&case, &j, &[], &exited(0));
        assert_eq!((v.0, v.1), (Status::Pass, None));
        assert!(j
            .exchanges
            .iter()
            .all(|e| e.request.as_ref().is_some_and(|r| r.ok)
                && e.response.as_ref().is_some_and(|r| r.ok)));

        // The client destroys another object than the one it got.
        let mut bad_req = good.clone();
        set(
            &mut bad_req[1].request,
            &["BatchItem", "RequestPayload", "UniqueIdentifier"],
            kmip_ttlv::Value::TextString("other".into()),
        );
        let j = judge(&case, &bad_req, &opts);
        let v = verdict_of(&case, &j, &[], &exited(1));
        assert_eq!((v.0, v.1), (Status::Fail, Some(BrokenSide::Client)));
        assert!(v.3.contains("UniqueIdentifier"), "{v:?}");
        assert!(j.exchanges[1].response.is_none(), "response not judged");

        // The server answers the Create with another object type.
        let mut bad_resp = good.clone();
        set(
            &mut bad_resp[0].response,
            &["BatchItem", "ResponsePayload", "ObjectType"],
            kmip_ttlv::Value::Enumeration(7),
        );
        if let Some(fields) = bad_resp[0]
            .response
            .child_mut(tag("BatchItem"))
            .and_then(Item::children_mut)
        {
            fields.push(Item::new(
                tag("ResultMessage"),
                kmip_ttlv::Value::TextString("why not".into()),
            ));
        }
        let j = judge(&case, &bad_resp, &opts);
        let v = verdict_of(&case, &j, &[], &exited(1));
        assert_eq!((v.0, v.1), (Status::Fail, Some(BrokenSide::Server)));
        assert!(v.3.contains("ObjectType"), "{v:?}");
        assert!(
            v.3.ends_with("the server's Result Message: why not"),
            "{v:?}"
        );
        assert_eq!(j.exchanges[1].step, "not judged (after the break)");

        // Only the Create went through, then the connection broke.
        let j = judge(&case, &good[..1], &opts);
        assert!(j.complete, "only clean-up (Destroy) is left");
        let v = verdict_of(
            &case,
            &j,
            &["connection 0: reading the server's response: closed".into()],
            &exited(1),
        );
        assert_eq!((v.0, v.1), (Status::Fail, Some(BrokenSide::Transport)));
        let garbled = format!(
            "connection 0: {} (forwarded, not recorded): bad length",
            record::UNDECODABLE_RESPONSE
        );
        let v = verdict_of(&case, &j, &[garbled], &exited(1));
        assert_eq!((v.0, v.1), (Status::Fail, Some(BrokenSide::Server)));
        // The client stopping before the Destroy passes (clean-up left out).
        let v = verdict_of(&case, &j, &[], &exited(0));
        assert_eq!(v.0, Status::Pass);
        assert!(v.2.contains("clean-up"), "{v:?}");
        // Nothing sent and exit 0: the client's failure.
        let j = judge(&case, &[], &opts);
        let v = verdict_of(&case, &j, &[], &exited(0));
        assert_eq!((v.0, v.1), (Status::Fail, Some(BrokenSide::Client)));
        // Cannot express, and a driver that fails.
        let mut ce = exited(3);
        ce.stdout = "cannot express: step 1: no Create\n".into();
        assert_eq!(verdict_of(&case, &j, &[], &ce).0, Status::CannotExpress);
        let v = verdict_of(&case, &j, &[], &exited(2));
        assert_eq!((v.0, v.1), (Status::Error, Some(BrokenSide::Driver)));
    }
}
