//! The encoding clauses (HTTPS transport conditions, XML / JSON mapping)
//! against real servers on 127.0.0.1 ephemeral ports: the in-process
//! reference server passes them all; a TLS proxy in front of it that drops
//! `Cache-Control` fails the HTTPS clause; one that writes `success` for
//! `Success` fails the XML and JSON mapping clauses with the path.
//!
//! The faulty servers are test shims (a rewriting proxy), never changes to
//! the reference server.

use kmip_tlsprobe::exercise::{assess_encodings, EncodingConfig, JSON_SUITE, XML_SUITE};
use kmip_tlsprobe::probe::ClientMaterial;
use kmip_tlsprobe::{ClauseResult, Verdict};
use kmip_wire::{Encoding, Transport};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn show(rs: &[ClauseResult]) {
    for c in rs {
        println!(
            "{:<28} {:<13} {}\n    accepted={:?}\n    refused={:?}\n    inconclusive={:?}\n    reason={}",
            c.id,
            c.verdict.label(),
            c.suite,
            c.evidence.accepted,
            c.evidence.refused,
            c.evidence.inconclusive,
            c.reason.clone().unwrap_or_default()
        );
    }
}

fn find<'a>(rs: &'a [ClauseResult], id: &str) -> &'a ClauseResult {
    rs.iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no clause {id}"))
}

async fn reference() -> kmip_reference_server::RunningServer {
    let config = kmip_reference_server::ServerConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..Default::default()
    };
    kmip_reference_server::spawn(config)
        .await
        .expect("reference server starts")
}

fn config(addr: SocketAddr, ca_pem: &str) -> EncodingConfig {
    let mut c = EncodingConfig::new("127.0.0.1", addr.port());
    c.material = ClientMaterial {
        ca_pem: Some(ca_pem.as_bytes().to_vec()),
        cert_key_pem: None,
        client_ca_pem: None,
    };
    c.exchange_timeout = Duration::from_secs(20);
    c
}

/// A TLS proxy on 127.0.0.1:0 (certificate from the same generated CA kind
/// as the reference server's, its own CA returned) in front of `upstream`,
/// applying `rewrite` to what the upstream sends back. Bytes are held at
/// most 30 ms so that a pattern split across reads is still rewritten.
async fn proxy(
    upstream: SocketAddr,
    upstream_ca: String,
    rewrite: fn(&mut Vec<u8>),
    hold: usize,
) -> (SocketAddr, String, tokio::task::JoinHandle<()>) {
    let m = kmip_wire::tls::generate().expect("certificates");
    let server_cfg = kmip_wire::tls::server_config(&m, false).expect("server config");
    let client_cfg = kmip_wire::tls::client_config(&kmip_wire::tls::ClientMaterial {
        ca_pem: upstream_ca.into_bytes(),
        client: None,
    })
    .expect("client config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let acceptor = tokio_rustls::TlsAcceptor::from(server_cfg);
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let client_cfg = client_cfg.clone();
            tokio::spawn(async move {
                let Ok(down) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(up_tcp) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
                let Ok(up) = tokio_rustls::TlsConnector::from(client_cfg)
                    .connect(name, up_tcp)
                    .await
                else {
                    return;
                };
                let (mut dr, mut dw) = tokio::io::split(down);
                let (mut ur, mut uw) = tokio::io::split(up);
                let to_up = async {
                    let _ = tokio::io::copy(&mut dr, &mut uw).await;
                    let _ = uw.shutdown().await;
                };
                let to_down = async {
                    let mut held: Vec<u8> = Vec::new();
                    let mut chunk = vec![0u8; 16 * 1024];
                    loop {
                        match tokio::time::timeout(Duration::from_millis(30), ur.read(&mut chunk))
                            .await
                        {
                            Ok(Ok(0)) | Ok(Err(_)) => {
                                rewrite(&mut held);
                                let _ = dw.write_all(&held).await;
                                let _ = dw.shutdown().await;
                                return;
                            }
                            Ok(Ok(n)) => {
                                held.extend_from_slice(&chunk[..n]);
                                rewrite(&mut held);
                                let keep = held.len().min(hold);
                                let out: Vec<u8> = held.drain(..held.len() - keep).collect();
                                if dw.write_all(&out).await.is_err() {
                                    return;
                                }
                            }
                            Err(_) => {
                                if !held.is_empty() {
                                    rewrite(&mut held);
                                    if dw.write_all(&held).await.is_err() {
                                        return;
                                    }
                                    held.clear();
                                }
                            }
                        }
                    }
                };
                tokio::join!(to_up, to_down);
            });
        }
    });
    (addr, m.ca_cert_pem, task)
}

fn replace(buf: &mut Vec<u8>, from: &[u8], to: &[u8]) {
    let mut i = 0;
    while i + from.len() <= buf.len() {
        if &buf[i..i + from.len()] == from {
            buf.splice(i..i + from.len(), to.iter().copied());
            i += to.len();
        } else {
            i += 1;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_server_passes_every_encoding_clause() {
    let server = reference().await;
    for over in [Transport::Tls, Transport::Https] {
        let mut cfg = config(server.addr, &server.ca_cert_pem);
        cfg.encodings_over = over;
        let started = Instant::now();
        let rs = assess_encodings(&cfg).await;
        println!("--- encodings over {over:?}: {:?}", started.elapsed());
        show(&rs);
        for c in &rs {
            if c.id == "HTTPS-5.3-OTHER-METHOD" {
                assert_eq!(c.verdict, Verdict::NotAssessed, "{c:?}");
                assert!(!c.evidence.refused.is_empty(), "the GET was refused: {c:?}");
            } else {
                assert_eq!(c.verdict, Verdict::Pass, "{} {:?}", c.id, c);
            }
        }
        let xml = find(&rs, "MSGENC-XML-MAPPING");
        assert_eq!(xml.suite, XML_SUITE);
        assert_eq!(find(&rs, "MSGENC-JSON-MAPPING").suite, JSON_SUITE);
        // Coverage is reported, and the rich requests reached well beyond
        // the message header.
        assert!(
            xml.evidence.accepted.iter().any(|a| a.contains("tags ")),
            "{xml:?}"
        );
        assert!(
            xml.evidence
                .accepted
                .iter()
                .any(|a| a.contains("BigInteger") && a.contains("ByteString")),
            "the key pair and the Get returned Big Integers and byte strings: {xml:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_without_cache_control_fails_the_https_clause() {
    let server = reference().await;
    let (addr, ca, task) = proxy(
        server.addr,
        server.ca_cert_pem.clone(),
        |b| replace(b, b"Cache-Control: no-cache\r\n", b""),
        32,
    )
    .await;
    let mut cfg = config(addr, &ca);
    cfg.encodings = vec![];
    let rs = assess_encodings(&cfg).await;
    show(&rs);
    let c = find(&rs, "HTTPS-5.3-CACHE-CONTROL");
    assert_eq!(c.verdict, Verdict::Fail, "{c:?}");
    assert_eq!(c.suite, "HTTPS Authentication Suite");
    assert!(
        c.evidence
            .refused
            .iter()
            .any(|r| r == "ttlv: no Cache-Control header"),
        "{c:?}"
    );
    // The rest of the response is untouched.
    assert_eq!(find(&rs, "HTTPS-5.3-STATUS").verdict, Verdict::Pass);
    assert_eq!(find(&rs, "HTTPS-5.3-CONTENT-TYPE").verdict, Verdict::Pass);
    task.abort();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_enumeration_name_fails_the_mapping_clauses_with_the_path() {
    let server = reference().await;
    let (addr, ca, task) = proxy(
        server.addr,
        server.ca_cert_pem.clone(),
        |b| {
            replace(
                b,
                br#"<ResultStatus type="Enumeration" value="Success"/>"#,
                br#"<ResultStatus type="Enumeration" value="success"/>"#,
            );
            replace(
                b,
                br#"{"tag":"ResultStatus","type":"Enumeration","value":"Success"}"#,
                br#"{"tag":"ResultStatus","type":"Enumeration","value":"success"}"#,
            );
        },
        64,
    )
    .await;
    let mut cfg = config(addr, &ca);
    cfg.https = false;
    let rs = assess_encodings(&cfg).await;
    show(&rs);
    for (id, enc) in [
        ("MSGENC-XML-MAPPING", Encoding::Xml),
        ("MSGENC-JSON-MAPPING", Encoding::Json),
    ] {
        let c = find(&rs, id);
        assert_eq!(c.verdict, Verdict::Fail, "{enc}: {c:?}");
        assert!(
            c.evidence.refused.iter().any(|r| r.starts_with(
                "ResponseMessage/BatchItem/ResultStatus: \"success\" is not a ResultStatus value name (the name is \"Success\")"
            )),
            "{enc}: {:?}",
            c.evidence.refused
        );
    }
    task.abort();
    server.shutdown().await;
}
