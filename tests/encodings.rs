//! Message encodings and transports end to end (issue 7): the bundled
//! reference server, started in-process on 127.0.0.1:0, is replayed the
//! OASIS cases in binary TTLV, KMIP XML and KMIP JSON, directly on the TLS
//! stream and as HTTPS POSTs.
//!
//! - every MSGENC-HTTPS / -JSON / -XML case of every corpus version passes
//!   in every encoding × transport;
//! - the v2.1 mandatory set gets the same verdict for every case in XML
//!   and JSON (over TLS and HTTPS) as in TTLV over TLS — whatever that
//!   verdict is: what is checked is that the encoding changes nothing;
//! - one TLS connection may mix encodings and transports, and HTTP-level
//!   mistakes get HTTP error statuses.
//!
//! The corpus comes from `$KMIP_CORPUS`, else `../shared/oasis` next to the
//! repository; when absent the corpus tests print a note and SKIP (they
//! pass without asserting anything about the corpus).

use kmip_runner::encoding::{Encoding, Transport, WireFormat};
use kmip_runner::events::EventSink;
use kmip_runner::plan;
use kmip_runner::replay::CaseOptions;
use kmip_runner::run::{self, RunOptions};
use kmip_runner::target::{Connector, ReferenceTarget};
use kmip_runner::transport::{self, TransportError};
use kmip_testcase::results::Status;
use kmip_ttlv::ttlv::Limits;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

#[path = "../test-support/corpus.rs"]
mod corpus_support;

fn corpus() -> Option<PathBuf> {
    corpus_support::corpus_dir(env!("CARGO_MANIFEST_DIR"), "encoding corpus runs")
}

/// `*.xml` files under `dir` whose name starts with `prefix`.
fn files(dir: &Path, prefix: &str, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, prefix, out);
        } else if p.extension().is_some_and(|e| e == "xml")
            && p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        {
            out.push(p);
        }
    }
}

/// Verdicts of `paths` replayed in `wire` against a fresh reference server.
async fn verdicts(paths: &[PathBuf], wire: &WireFormat) -> BTreeMap<String, (Status, String)> {
    let target = ReferenceTarget::start(Duration::from_secs(10))
        .await
        .expect("reference server starts");
    let cases = plan::load_all(paths).expect("cases load");
    let groups = plan::group(cases);
    let opts = Arc::new(RunOptions {
        jobs: 2,
        case_timeout: Duration::from_secs(120),
        case: CaseOptions {
            wire_format: wire.clone(),
            ..CaseOptions::default()
        },
        ..RunOptions::default()
    });
    let connector: Arc<dyn Connector> = Arc::new(target.connector());
    let results = run::run_groups(connector, groups, opts, EventSink::none()).await;
    target.shutdown().await;
    results
        .into_iter()
        .map(|r| (r.id, (r.status, r.reason)))
        .collect()
}

fn combos() -> Vec<WireFormat> {
    let mut v = Vec::new();
    for t in [Transport::Tls, Transport::Https] {
        for e in Encoding::ALL {
            v.push(WireFormat::new(e, t));
        }
    }
    v
}

fn passed(v: &BTreeMap<String, (Status, String)>) -> usize {
    v.values().filter(|(s, _)| *s == Status::Pass).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn msgenc_cases_pass_in_every_encoding_and_transport() {
    let Some(corpus) = corpus() else { return };
    let mut paths = Vec::new();
    files(&corpus, "MSGENC-", &mut paths);
    assert!(
        paths.len() >= 9,
        "expected the MSGENC-{{HTTPS,JSON,XML}} cases of at least 3 versions, found {}",
        paths.len()
    );
    let mut failures = Vec::new();
    for wire in combos() {
        let v = verdicts(&paths, &wire).await;
        assert_eq!(v.len(), paths.len(), "{}", wire.describe());
        eprintln!(
            "MSGENC, {}: {}/{} passed",
            wire.describe(),
            passed(&v),
            v.len()
        );
        for (id, (status, reason)) in &v {
            if *status != Status::Pass {
                failures.push(format!(
                    "{} [{}]: {status:?}: {reason}",
                    id,
                    wire.describe()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v21_mandatory_verdicts_do_not_depend_on_the_encoding() {
    let Some(dir) = corpus_support::corpus_subdir(
        env!("CARGO_MANIFEST_DIR"),
        "v21_mandatory_verdicts_do_not_depend_on_the_encoding",
        "v2.1/mandatory",
    ) else {
        return;
    };
    let paths = vec![dir];
    let baseline = verdicts(&paths, &WireFormat::default()).await;
    assert!(
        baseline.len() >= 80,
        "v2.1 mandatory: {} cases",
        baseline.len()
    );
    eprintln!(
        "v2.1 mandatory, ttlv over tls: {}/{} passed",
        passed(&baseline),
        baseline.len()
    );
    let mut changed = Vec::new();
    for wire in combos().into_iter().skip(1) {
        let v = verdicts(&paths, &wire).await;
        eprintln!(
            "v2.1 mandatory, {}: {}/{} passed",
            wire.describe(),
            passed(&v),
            v.len()
        );
        assert_eq!(
            v.keys().collect::<Vec<_>>(),
            baseline.keys().collect::<Vec<_>>(),
            "same cases"
        );
        for (id, (status, reason)) in &v {
            let (base, base_reason) = &baseline[id];
            if status != base {
                changed.push(format!(
                    "{id}: {base:?} in ttlv over tls ({base_reason}) but {status:?} in {} ({reason})",
                    wire.describe()
                ));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "verdicts changed with the encoding:\n{}",
        changed.join("\n")
    );
}

fn query_request() -> kmip_ttlv::Item {
    kmip_ttlv::xml::parse_item(
        r#"<RequestMessage>
  <RequestHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="2"/>
      <ProtocolVersionMinor type="Integer" value="1"/>
    </ProtocolVersion>
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Query"/>
    <RequestPayload>
      <QueryFunction type="Enumeration" value="QueryObjects"/>
    </RequestPayload>
  </BatchItem>
</RequestMessage>"#,
    )
    .expect("request parses")
}

/// `ResultStatus` of the first batch item (0 = Success).
fn result_status(response: &kmip_ttlv::Item) -> Option<u32> {
    let bi = response.child(kmip_ttlv::Tag(0x42000F))?;
    match bi.child(kmip_ttlv::Tag(0x42007F))?.value {
        kmip_ttlv::Value::Enumeration(v) => Some(v),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_connection_mixes_encodings_and_transports() {
    let target = ReferenceTarget::start(Duration::from_secs(10))
        .await
        .expect("reference server starts");
    let mut stream = target.connector().connect().await.expect("connects");
    let t = Duration::from_secs(10);
    let limits = Limits::default();
    for wire in combos().into_iter().chain(combos()) {
        let body = wire.encode(&query_request()).expect("encodes");
        transport::send_request(&mut *stream, &body, &wire, t)
            .await
            .expect("sent");
        let resp = transport::read_response(&mut *stream, &wire, &limits, t)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", wire.describe()));
        assert_eq!(
            kmip_wire::encoding::sniff(resp[0]),
            kmip_wire::encoding::Sniffed::Message(wire.encoding),
            "{}: answered in the request's encoding",
            wire.describe()
        );
        let item = wire.decode(&resp, &limits).expect("response decodes");
        assert_eq!(result_status(&item), Some(0), "{}", wire.describe());
    }
    // An undecodable JSON message gets an Invalid Message response in JSON
    // and the connection stays usable.
    let json = WireFormat::new(Encoding::Json, Transport::Tls);
    transport::send_request(&mut *stream, br#"{"tag":"NoSuchTag"}"#, &json, t)
        .await
        .expect("sent");
    let resp = transport::read_response(&mut *stream, &json, &limits, t)
        .await
        .expect("answered");
    let item = json.decode(&resp, &limits).expect("decodes");
    assert_eq!(result_status(&item), Some(1), "OperationFailed");
    let _ = stream.shutdown().await;
    target.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_mistakes_get_http_statuses() {
    let target = ReferenceTarget::start(Duration::from_secs(10))
        .await
        .expect("reference server starts");
    let t = Duration::from_secs(10);
    let limits = Limits::default();
    let body = Encoding::Json.encode(&query_request()).expect("encodes");
    let wrong_path = WireFormat {
        https_path: "/not-kmip".into(),
        ..WireFormat::new(Encoding::Json, Transport::Https)
    };
    let mut stream = target.connector().connect().await.expect("connects");
    transport::send_request(&mut *stream, &body, &wrong_path, t)
        .await
        .expect("sent");
    let err = transport::read_response(&mut *stream, &wrong_path, &limits, t)
        .await
        .expect_err("404");
    assert!(
        matches!(&err, TransportError::Protocol(m) if m.starts_with("HTTP 404")),
        "{err}"
    );

    let mut stream = target.connector().connect().await.expect("connects");
    stream
        .write_all(b"POST /kmip HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}")
        .await
        .expect("sent");
    let json = WireFormat::new(Encoding::Json, Transport::Https);
    let err = transport::read_response(&mut *stream, &json, &limits, t)
        .await
        .expect_err("415");
    assert!(
        matches!(&err, TransportError::Protocol(m) if m.starts_with("HTTP 415")),
        "{err}"
    );
    target.shutdown().await;
}

/// Start the reference server with `config`, and a connector (mutual TLS
/// with the generated client certificate) to its main address, or to its
/// HTTPS-only address with `https_only`.
async fn start_server(
    config: kmip_reference_server::ServerConfig,
    https_only: bool,
) -> (
    kmip_reference_server::RunningServer,
    kmip_runner::target::TlsConnector,
) {
    let server = kmip_reference_server::spawn(config)
        .await
        .expect("server starts");
    let addr = if https_only {
        server.https_addr.expect("https listener bound")
    } else {
        server.addr
    };
    let material = kmip_runner::tls::TlsMaterial {
        ca_pem: server.ca_cert_pem.clone().into_bytes(),
        client: match (&server.client_cert_pem, &server.client_key_pem) {
            (Some(c), Some(k)) => Some((c.clone().into_bytes(), k.clone().into_bytes())),
            _ => None,
        },
    };
    let connector = kmip_runner::target::TlsConnector::new(
        "127.0.0.1",
        addr.port(),
        Some("localhost"),
        &material,
        Duration::from_secs(10),
    )
    .expect("connector");
    (server, connector)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_unframeable_messages_are_refused_in_their_encoding() {
    let config = kmip_reference_server::ServerConfig {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        tls: kmip_reference_server::TlsConfig::default(),
        max_message_len: 4096,
        ..Default::default()
    };
    let (server, connector) = start_server(config, false).await;
    let t = Duration::from_secs(10);
    let limits = Limits::default();
    // 1. a JSON document longer than the limit: Invalid Message in JSON,
    //    then the server closes the connection
    let json = WireFormat::new(Encoding::Json, Transport::Tls);
    let mut stream = connector.connect().await.expect("connects");
    let mut big = br#"{"tag":"RequestMessage","value":[{"tag":"ClientCorrelationValue","type":"TextString","value":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 8192));
    big.extend_from_slice(br#""}]}"#);
    let _ = stream.write_all(&big).await;
    let resp = transport::read_response(&mut *stream, &json, &limits, t)
        .await
        .expect("answered");
    let item = json.decode(&resp, &limits).expect("decodes");
    assert_eq!(result_status(&item), Some(1), "OperationFailed");
    // 2. an XML stream that is not XML: Invalid Message in XML
    let xml = WireFormat::new(Encoding::Xml, Transport::Tls);
    let mut stream = connector.connect().await.expect("connects");
    stream.write_all(b"<<<<").await.expect("sent");
    let resp = transport::read_response(&mut *stream, &xml, &limits, t)
        .await
        .expect("answered");
    let item = xml.decode(&resp, &limits).expect("decodes");
    assert_eq!(result_status(&item), Some(1), "OperationFailed");
    // 3. an HTTP body over the limit: 413 before the body is read
    let https = WireFormat::new(Encoding::Json, Transport::Https);
    let mut stream = connector.connect().await.expect("connects");
    stream
        .write_all(b"POST /kmip HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        .await
        .expect("sent");
    let err = transport::read_response(&mut *stream, &https, &limits, t)
        .await
        .expect_err("413");
    assert!(
        matches!(&err, TransportError::Protocol(m) if m.starts_with("HTTP 413")),
        "{err}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_only_listener_takes_posts_and_refuses_raw_messages() {
    let config = kmip_reference_server::ServerConfig {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        https_listen: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        tls: kmip_reference_server::TlsConfig::default(),
        ..Default::default()
    };
    let (server, connector) = start_server(config, true).await;
    assert_ne!(server.https_addr, Some(server.addr));
    let t = Duration::from_secs(10);
    let limits = Limits::default();
    for e in Encoding::ALL {
        let wire = WireFormat::new(e, Transport::Https);
        let mut stream = connector.connect().await.expect("connects");
        let body = wire.encode(&query_request()).expect("encodes");
        transport::send_request(&mut *stream, &body, &wire, t)
            .await
            .expect("sent");
        let resp = transport::read_response(&mut *stream, &wire, &limits, t)
            .await
            .expect("answered");
        let item = wire.decode(&resp, &limits).expect("decodes");
        assert_eq!(result_status(&item), Some(0), "{}", wire.describe());
    }
    let raw = WireFormat::new(Encoding::Ttlv, Transport::Tls);
    let mut stream = connector.connect().await.expect("connects");
    let body = raw.encode(&query_request()).expect("encodes");
    transport::send_request(&mut *stream, &body, &raw, t)
        .await
        .expect("sent");
    let err = transport::read_response(&mut *stream, &raw, &limits, t)
        .await
        .expect_err("raw TTLV is refused on the HTTPS-only port");
    assert!(matches!(err, TransportError::Closed { .. }), "{err}");
    server.shutdown().await;
}
