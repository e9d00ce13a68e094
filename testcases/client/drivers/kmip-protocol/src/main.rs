//! `kh-driver-kmip-protocol`: a `kmip-harness client-test` driver for NLnet
//! Labs' `kmip-protocol` crate (a third-party KMIP client).
//!
//! The driver contract (see README.md beside this file): the harness sets
//! `KH_CASE_ID`, `KH_CASE_FILE`, `KH_HOST`, `KH_PORT`, `KH_CA`, `KH_CERT`,
//! `KH_KEY`, `KH_PROTOCOL_VERSION`, `KH_ENCODING`, `KH_TRANSPORT`; the driver
//! performs the case's requests with the client's own API and exits
//!
//! - 0: every step done, each response had the recorded result status;
//! - 1: the client reported an error (a failed operation, a response it
//!   could not decode, a connection problem);
//! - 2: driver error (bad environment, unreadable case);
//! - 3: the client cannot express the case: stdout has
//!   `cannot express: step N: why`.
//!
//! It never sends the transcript's bytes: each recorded request is mapped
//! field by field onto the crate's typed request structures ([`map`]), the
//! crate serializes it and connects with its own rustls TLS plugin.

mod map;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kh_ttlv::model::{Item, Value};
use kmip_protocol::client::{ClientCertificate, ConnectionSettings};
use kmip_protocol::types::response::{ResponseMessage, ResponsePayload, ResultStatus};
use map::MapError;

/// Largest response the client accepts (kmip-protocol's reader limit).
const MAX_RESPONSE_BYTES: u32 = 4 * 1024 * 1024;
/// Read/write/connect timeout on the socket.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// How a run ends (the exit codes of the driver contract).
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("step {step}: {why}")]
    Client { step: usize, why: String },
    #[error("driver error: {0}")]
    Driver(String),
    #[error("cannot express: step {step}: {why}")]
    CannotExpress { step: usize, why: String },
}

impl Failure {
    fn code(&self) -> u8 {
        match self {
            Failure::Client { .. } => 1,
            Failure::Driver(_) => 2,
            Failure::CannotExpress { .. } => 3,
        }
    }
}

fn env(name: &str) -> Result<String, Failure> {
    std::env::var(name).map_err(|_| Failure::Driver(format!("{name} is not set")))
}

fn read(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Driver(format!("{path}: {e}")))
}

fn parse_version(text: &str) -> Option<(i32, i32)> {
    let (a, b) = text.trim().split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Replace the placeholders of a recorded request: identifiers with the
/// values bound from earlier responses, `$NOW±N` with the clock.
fn bind_request(req: &Item, bound: &HashMap<String, String>) -> Item {
    let mut out = req.clone();
    out.substitute_placeholders(&mut |p| {
        if let Some(v) = bound.get(&p.name) {
            return Some(Value::TextString(v.clone()));
        }
        if p.name == "NOW" || p.name.starts_with("NOW+") || p.name.starts_with("NOW-") {
            let off = p.name[3..].parse::<i64>().unwrap_or(0);
            return Some(Value::DateTime(now().saturating_add(off)));
        }
        None
    });
    out
}

/// The same with stand-in values for identifiers (dates from the clock):
/// only the shape matters (the up-front
/// "can the client express every step" check).
fn stand_in(req: &Item) -> Item {
    let mut out = bind_request(req, &HashMap::new());
    out.substitute_placeholders(&mut |p| Some(p.stand_in()));
    out
}

/// Identifiers the client got back, by response field name, in order.
fn returned_ids(p: &ResponsePayload) -> Vec<(&'static str, String)> {
    use ResponsePayload as P;
    let u = "UniqueIdentifier";
    match p {
        P::Create(x) => vec![(u, x.unique_identifier.0.clone())],
        P::CreateKeyPair(x) => vec![
            (
                "PrivateKeyUniqueIdentifier",
                x.private_key_unique_identifier.0.clone(),
            ),
            (
                "PublicKeyUniqueIdentifier",
                x.public_key_unique_identifier.0.clone(),
            ),
        ],
        P::Register(x) => vec![(u, x.unique_identifier.0.clone())],
        P::Locate(x) => x
            .unique_identifiers
            .iter()
            .map(|i| (u, i.0.clone()))
            .collect(),
        P::Get(x) => vec![(u, x.unique_identifier.0.clone())],
        P::GetAttributes(x) => vec![(u, x.unique_identifier.0.clone())],
        P::GetAttributeList(x) => vec![(u, x.unique_identifier.0.clone())],
        P::AddAttribute(x) | P::ModifyAttribute(x) | P::DeleteAttribute(x) => {
            vec![(u, x.unique_identifier.0.clone())]
        }
        P::Activate(x) | P::Revoke(x) | P::Destroy(x) => {
            vec![(u, x.unique_identifier.0.clone())]
        }
        P::Sign(x) => vec![(u, x.unique_identifier.0.clone())],
        _ => Vec::new(),
    }
}

/// Bind the placeholders of a recorded response batch item's payload
/// (`$UNIQUE_IDENTIFIER_0` at `UniqueIdentifier`, …) to what the client
/// actually received at the same field.
fn bind_response(recorded_item: &Item, got: &ResponsePayload, bound: &mut HashMap<String, String>) {
    let Some(payload) = recorded_item.child_named("ResponsePayload") else {
        return;
    };
    let ids = returned_ids(got);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for child in payload.children() {
        let field = child.tag.name().unwrap_or("");
        let k = seen.entry(field.to_string()).or_insert(0);
        let idx = *k;
        *k += 1;
        if let Value::Placeholder(p) = &child.value {
            if let Some((_, v)) = ids.iter().filter(|(n, _)| *n == field).nth(idx) {
                bound.entry(p.name.clone()).or_insert_with(|| v.clone());
            }
        }
    }
}

/// Read one TTLV message (8-byte tag/type/length header, then the value),
/// bounded by [`MAX_RESPONSE_BYTES`]: the same bytes kmip-protocol's
/// `from_reader` would buffer before decoding.
fn read_frame(r: &mut impl Read) -> Result<Vec<u8>, String> {
    let mut head = [0u8; 8];
    r.read_exact(&mut head)
        .map_err(|e| format!("reading the response: {e}"))?;
    let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]);
    if len > MAX_RESPONSE_BYTES {
        return Err(format!(
            "response of {len} bytes exceeds the {MAX_RESPONSE_BYTES}-byte limit"
        ));
    }
    let mut buf = head.to_vec();
    buf.resize(8 + len as usize, 0);
    r.read_exact(&mut buf[8..])
        .map_err(|e| format!("reading the response: {e}"))?;
    Ok(buf)
}

/// Decode the response once in a child process (this binary with the
/// argument `decode-probe`) so that a crash inside kmip-protocol's decoder
/// (it overflows its stack on some valid responses) is reported as the
/// client's error instead of killing the driver.
fn probe_decode(raw: &[u8]) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("decode probe: {e}"))?;
    let mut child = std::process::Command::new(exe)
        .arg(PROBE_ARG)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("decode probe: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(raw)
            .map_err(|e| format!("decode probe: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("decode probe: {e}"))?;
    match status.code() {
        Some(0) | Some(1) => Ok(()),
        _ => Err(format!(
            "kmip-protocol crashed decoding the response ({status}; a stack overflow in \
             kmip-ttlv's deserializer)"
        )),
    }
}

/// The `decode-probe` child: decode stdin as a ResponseMessage; exit 0
/// decoded, 1 decode error; a crash shows as a signal.
fn decode_probe() -> ExitCode {
    let mut raw = Vec::new();
    if std::io::stdin()
        .take(u64::from(MAX_RESPONSE_BYTES) + 8)
        .read_to_end(&mut raw)
        .is_err()
    {
        return ExitCode::from(1);
    }
    match nl_ttlv::from_slice::<ResponseMessage>(&raw) {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(1),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn status_name(s: &ResultStatus) -> &'static str {
    match s {
        ResultStatus::Success => "Success",
        ResultStatus::OperationFailed => "OperationFailed",
        ResultStatus::OperationPending => "OperationPending",
        ResultStatus::OperationUndone => "OperationUndone",
        _ => "unknown",
    }
}

fn recorded_status(item: &Item) -> Option<&'static str> {
    match item.child_named("ResultStatus")?.value {
        Value::Enumeration(0) => Some("Success"),
        Value::Enumeration(1) => Some("OperationFailed"),
        Value::Enumeration(2) => Some("OperationPending"),
        Value::Enumeration(3) => Some("OperationUndone"),
        _ => None,
    }
}

fn run() -> Result<usize, Failure> {
    let case_id = env("KH_CASE_ID")?;
    let case_file = PathBuf::from(env("KH_CASE_FILE")?);
    let host = env("KH_HOST")?;
    let port: u16 = env("KH_PORT")?
        .parse()
        .map_err(|_| Failure::Driver("KH_PORT is not a port number".into()))?;
    let case = kmip_testcase::case::load_file(&case_file)
        .map_err(|e| Failure::Driver(format!("{}: {e}", case_file.display())))?;
    if case.steps.is_empty() {
        return Err(Failure::Driver(format!("{case_id}: no steps")));
    }
    // The transport and encoding kmip-protocol speaks: TTLV over TLS.
    let encoding = std::env::var("KH_ENCODING").unwrap_or_else(|_| "ttlv".into());
    let transport = std::env::var("KH_TRANSPORT").unwrap_or_else(|_| "tls".into());
    if !encoding.eq_ignore_ascii_case("ttlv") {
        return Err(Failure::CannotExpress {
            step: 1,
            why: format!("encoding {encoding}: kmip-protocol speaks binary TTLV only"),
        });
    }
    if !transport.eq_ignore_ascii_case("tls") {
        return Err(Failure::CannotExpress {
            step: 1,
            why: format!("transport {transport}: kmip-protocol speaks TTLV over TLS only"),
        });
    }
    let version = match std::env::var("KH_PROTOCOL_VERSION") {
        Ok(v) => parse_version(&v).ok_or_else(|| {
            Failure::Driver(format!("KH_PROTOCOL_VERSION {v:?} is not MAJOR.MINOR"))
        })?,
        Err(_) => case
            .protocol_version()
            .map(|v| (i32::from(v.major), i32::from(v.minor)))
            .ok_or_else(|| {
                Failure::Driver("KH_PROTOCOL_VERSION not set and the case has none".into())
            })?,
    };

    // Can the client say every step? Checked before connecting, so a case
    // it cannot finish leaves no half-done state on the server.
    for step in &case.steps {
        map::request_message(&stand_in(&step.request), version).map_err(|e| match e {
            MapError::CannotExpress(why) => Failure::CannotExpress {
                step: step.index + 1,
                why,
            },
            MapError::Case(why) => Failure::Driver(format!("step {}: {why}", step.index + 1)),
        })?;
    }

    // Connect with the crate's own rustls plugin. The certificate name is
    // KH_TLS_NAME (default `localhost`, the name of the harness's generated
    // server certificate): the crate's webpki cannot verify IP addresses.
    let tls_name = std::env::var("KH_TLS_NAME").unwrap_or_else(|_| "localhost".into());
    let settings = ConnectionSettings {
        host: tls_name,
        port,
        ca_cert: Some(read(&env("KH_CA")?)?),
        client_cert: Some(ClientCertificate::SeparatePem {
            cert_bytes: read(&env("KH_CERT")?)?,
            key_bytes: Some(read(&env("KH_KEY")?)?),
        }),
        connect_timeout: Some(IO_TIMEOUT),
        read_timeout: Some(IO_TIMEOUT),
        write_timeout: Some(IO_TIMEOUT),
        max_response_bytes: Some(MAX_RESPONSE_BYTES),
        ..ConnectionSettings::default()
    };
    let target = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| Failure::Driver(format!("{host}:{port}: {e}")))?
        .next()
        .ok_or_else(|| Failure::Driver(format!("{host}:{port}: no address")))?;
    let client =
        kmip_protocol::client::tls::rustls::connect_with_tcpstream_factory(&settings, |_, s| {
            let tcp = TcpStream::connect_timeout(&target, s.connect_timeout.unwrap_or(IO_TIMEOUT))?;
            tcp.set_read_timeout(s.read_timeout)?;
            tcp.set_write_timeout(s.write_timeout)?;
            Ok(tcp)
        })
        .map_err(|e| Failure::Client {
            step: 1,
            why: format!("connect: {e}"),
        })?;
    let stream = client.inner();
    let trace = std::env::var_os("KH_NL_TRACE").is_some();

    let mut bound: HashMap<String, String> = HashMap::new();
    for step in &case.steps {
        let n = step.index + 1;
        let req = bind_request(&step.request, &bound);
        let msg = map::request_message(&req, version).map_err(|e| match e {
            MapError::CannotExpress(why) => Failure::CannotExpress { step: n, why },
            MapError::Case(why) => Failure::Driver(format!("step {n}: {why}")),
        })?;
        let bytes = nl_ttlv::to_vec(&msg).map_err(|e| Failure::Client {
            step: n,
            why: format!("kmip-protocol could not serialize the request: {e}"),
        })?;
        if trace {
            eprintln!("step {n}: request {}", hex(&bytes));
        }
        let mut guard = stream
            .lock()
            .map_err(|_| Failure::Driver("client stream lock poisoned".into()))?;
        guard.write_all(&bytes).map_err(|e| Failure::Client {
            step: n,
            why: format!("send: {e}"),
        })?;
        let raw = read_frame(&mut *guard).map_err(|why| Failure::Client { step: n, why })?;
        drop(guard);
        if trace {
            eprintln!("step {n}: response {}", hex(&raw));
        }
        probe_decode(&raw).map_err(|why| Failure::Client { step: n, why })?;
        let res: ResponseMessage = nl_ttlv::from_slice(&raw).map_err(|e| Failure::Client {
            step: n,
            why: format!("kmip-protocol could not decode the response: {e}"),
        })?;
        let recorded: Vec<&Item> = step
            .response
            .children()
            .iter()
            .filter(|c| c.tag.name() == Some("BatchItem"))
            .collect();
        if res.batch_items.len() != recorded.len() {
            return Err(Failure::Client {
                step: n,
                why: format!(
                    "{} batch items in the response, {} recorded",
                    res.batch_items.len(),
                    recorded.len()
                ),
            });
        }
        for (i, (got, want)) in res.batch_items.iter().zip(&recorded).enumerate() {
            let got_status = status_name(&got.result_status);
            if let Some(want_status) = recorded_status(want) {
                if want_status != got_status {
                    return Err(Failure::Client {
                        step: n,
                        why: format!(
                            "batch item {}: {got_status} ({}) where the case has {want_status}",
                            i + 1,
                            got.result_message.clone().unwrap_or_default()
                        ),
                    });
                }
            }
            if let Some(p) = &got.payload {
                bind_response(want, p, &mut bound);
            }
        }
        println!(
            "step {n}: {} ok",
            step.request
                .children()
                .iter()
                .filter_map(|b| b.child_named("Operation"))
                .filter_map(|o| match o.value {
                    Value::Enumeration(c) => Some(map::operation_name(c)),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("+")
        );
    }
    Ok(case.steps.len())
}

/// Argument that turns the binary into the decode probe.
const PROBE_ARG: &str = "decode-probe";

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(PROBE_ARG) {
        return decode_probe();
    }
    match run() {
        Ok(steps) => {
            println!("done: {steps} steps");
            ExitCode::SUCCESS
        }
        Err(f) => {
            println!("{f}");
            ExitCode::from(f.code())
        }
    }
}
