//! The assessment against real servers on 127.0.0.1 ephemeral ports: the
//! bundled reference server (with and without required client
//! certificates), a rustls server that speaks only TLS 1.3, and a server
//! that accepts TCP and never answers (bounded time).

use kmip_tlsprobe::probe::{ClientMaterial, Outcome};
use kmip_tlsprobe::{assess, Assessment, Config, Verdict};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn verdict(a: &Assessment, id: &str) -> Verdict {
    a.clauses
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.verdict)
        .unwrap_or_else(|| panic!("no clause {id}"))
}

fn show(a: &Assessment) {
    println!(
        "{} in {} ms, {} connections",
        a.target, a.duration_ms, a.connections
    );
    for (v, o) in &a.versions {
        println!("  {v}: {o:?}");
    }
    for c in &a.clauses {
        println!(
            "  {:<26} {:<13} acc={:?} ref={:?} inc={:?} {}",
            c.id,
            c.verdict.label(),
            c.evidence.accepted,
            c.evidence.refused,
            c.evidence.inconclusive,
            c.reason.clone().unwrap_or_default()
        );
    }
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, as
/// PEM files in a fresh directory (removed by the caller).
struct Pki {
    dir: PathBuf,
    ca: String,
    ca_key: String,
    client: String,
    client_key: String,
}

fn pki(tag: &str) -> Pki {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    };
    let dir = std::env::temp_dir().join(format!("kmip-tlsprobe-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca_key = KeyPair::generate().expect("key");
    let mut cp = CertificateParams::new(Vec::<String>::new()).expect("params");
    cp.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    cp.distinguished_name
        .push(DnType::CommonName, "tlsprobe test CA");
    let ca = cp.self_signed(&ca_key).expect("ca");
    let ca_pem = ca.pem();
    let ca_key_pem = ca_key.serialize_pem();
    let issuer = Issuer::new(cp, ca_key);
    let sk = KeyPair::generate().expect("key");
    let mut sp = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()]).expect("p");
    sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server = sp.signed_by(&sk, &issuer).expect("server");
    let ck = KeyPair::generate().expect("key");
    let mut clp = CertificateParams::new(Vec::<String>::new()).expect("p");
    clp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    clp.distinguished_name.push(DnType::CommonName, "client");
    let client = clp.signed_by(&ck, &issuer).expect("client");
    std::fs::write(dir.join("ca.pem"), &ca_pem).expect("write");
    std::fs::write(dir.join("server.pem"), server.pem()).expect("write");
    std::fs::write(dir.join("server-key.pem"), sk.serialize_pem()).expect("write");
    Pki {
        dir,
        ca: ca_pem,
        ca_key: ca_key_pem,
        client: client.pem(),
        client_key: ck.serialize_pem(),
    }
}

async fn reference(p: &Pki, require_client_cert: bool) -> kmip_reference_server::RunningServer {
    let config = kmip_reference_server::ServerConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        tls: kmip_reference_server::TlsConfig::Files {
            cert_chain: p.dir.join("server.pem"),
            key: p.dir.join("server-key.pem"),
            client_ca: Some(p.dir.join("ca.pem")),
        },
        require_client_cert,
        ..Default::default()
    };
    kmip_reference_server::spawn(config)
        .await
        .expect("reference server starts")
}

fn config(addr: SocketAddr, p: &Pki) -> Config {
    let mut c = Config::new("127.0.0.1", addr.port());
    c.material = ClientMaterial {
        ca_pem: Some(p.ca.clone().into_bytes()),
        cert_key_pem: Some((
            p.client.clone().into_bytes(),
            p.client_key.clone().into_bytes(),
        )),
        client_ca_pem: Some((p.ca.clone().into_bytes(), p.ca_key.clone().into_bytes())),
    };
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_server_with_required_client_certificates() {
    let p = pki("mtls");
    let server = reference(&p, true).await;
    let started = Instant::now();
    let a = assess(&config(server.addr, &p)).await;
    let took = started.elapsed();
    show(&a);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&p.dir);

    // What rustls on the server side accepts and refuses.
    let v = |name: &str| {
        a.versions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| o.clone())
    };
    assert!(
        matches!(v("TLS 1.2"), Some(Outcome::Accepted(_))),
        "{:?}",
        v("TLS 1.2")
    );
    assert!(
        matches!(v("TLS 1.3"), Some(Outcome::Accepted(_))),
        "{:?}",
        v("TLS 1.3")
    );
    assert!(matches!(v("TLS 1.0"), Some(Outcome::Refused(_))));
    assert!(matches!(v("SSL 3.0"), Some(Outcome::Refused(_))));
    // §3.1.3: every unauthenticated client refused, the control answered.
    assert_eq!(verdict(&a, "basic-3.1.3-no-cert"), Verdict::Pass);
    assert_eq!(verdict(&a, "basic-3.1.3-untrusted-ca"), Verdict::Pass);
    assert_eq!(verdict(&a, "basic-3.1.3-expired"), Verdict::Pass);
    assert_eq!(verdict(&a, "basic-3.1.1-tls12"), Verdict::Pass);
    assert_eq!(verdict(&a, "tls-no-ssl3"), Verdict::Pass);
    assert_eq!(verdict(&a, "tls-shall-not-suites"), Verdict::Pass);
    // rustls has no CBC suites: the Basic suite's mandatory suites fail,
    // with the refusals as evidence.
    let shall = a
        .clauses
        .iter()
        .find(|c| c.id == "basic-3.1.2-shall")
        .expect("clause");
    assert_eq!(shall.verdict, Verdict::Fail);
    assert_eq!(shall.evidence.refused.len(), 2, "{:?}", shall.evidence);
    // Suite B: the P-256 certificate is fine for minLOS_128, not for 192.
    assert_eq!(verdict(&a, "suiteb-128"), Verdict::Pass);
    let b192 = a
        .clauses
        .iter()
        .find(|c| c.id == "suiteb-192")
        .expect("clause");
    assert_eq!(b192.verdict, Verdict::Fail);
    assert!(
        b192.evidence.refused[0].contains("certificate key is on secp256r1"),
        "{:?}",
        b192.evidence
    );
    // No ML-KEM groups in rustls' ring provider.
    assert_eq!(verdict(&a, "qs-x25519mlkem768"), Verdict::Fail);
    // Ephemeral port: §3.1.4 is not applicable, with the reason.
    let port = a
        .clauses
        .iter()
        .find(|c| c.id == "basic-3.1.4-port")
        .expect("clause");
    assert_eq!(port.verdict, Verdict::NotApplicable);
    assert!(port
        .reason
        .as_deref()
        .is_some_and(|r| r.contains("not 5696")));
    assert_eq!(a.skipped, 0);
    assert!(took < Duration::from_secs(5), "assessment took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_server_without_client_authentication_fails_3_1_3() {
    let p = pki("anon");
    let server = reference(&p, false).await;
    let a = assess(&config(server.addr, &p)).await;
    show(&a);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&p.dir);
    let c = a
        .clauses
        .iter()
        .find(|c| c.id == "basic-3.1.3-no-cert")
        .expect("clause");
    assert_eq!(c.verdict, Verdict::Fail);
    assert!(
        c.evidence.accepted[0].contains("KMIP response"),
        "{:?}",
        c.evidence
    );
    // The server still checks a certificate that is presented.
    assert_eq!(verdict(&a, "basic-3.1.3-untrusted-ca"), Verdict::Pass);
    assert_eq!(verdict(&a, "basic-3.1.3-expired"), Verdict::Pass);
}

/// A rustls server that speaks TLS 1.3 only and answers nothing after the
/// handshake.
async fn tls13_only(p: &Pki) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<_> = rustls_pemfile::certs(
        &mut std::fs::read(p.dir.join("server.pem"))
            .expect("read")
            .as_slice(),
    )
    .collect::<Result<_, _>>()
    .expect("certs");
    let key = rustls_pemfile::private_key(
        &mut std::fs::read(p.dir.join("server-key.pem"))
            .expect("read")
            .as_slice(),
    )
    .expect("pem")
    .expect("key");
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = l.accept().await {
            let acc = acceptor.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(5), acc.accept(tcp)).await;
            });
        }
    });
    (addr, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls13_only_server_fails_the_basic_tls12_clauses() {
    let p = pki("tls13");
    let (addr, task) = tls13_only(&p).await;
    let a = assess(&config(addr, &p)).await;
    show(&a);
    task.abort();
    let _ = std::fs::remove_dir_all(&p.dir);
    assert_eq!(verdict(&a, "basic-3.1.2-shall"), Verdict::Fail);
    assert_eq!(verdict(&a, "basic-3.1.1-tls12"), Verdict::Fail);
    assert_eq!(verdict(&a, "qs-tls13"), Verdict::Pass);

    // Attached to a v2.1 server profile in results.json (format 3): the
    // TLS 1.2 suites clause FAILs there and the profile is not conformant.
    let mut run: kmip_testcase::results::RunResults = serde_json::from_value(serde_json::json!({
        "format_version": 3, "target": addr.to_string(), "started": "s", "duration_s": 0.0,
        "totals": {"passed": 1, "failed": 0, "errors": 0, "skipped": 0}, "cases": [],
        "profiles": [{"id": "Baseline-server-2.1", "version": "2.1", "role": "server",
            "total": 1, "passed": 1, "pass_rate": 1.0, "conformant": true,
            "not_assessed": ["Basic Authentication Suite: only the listed TLS protocol versions and cipher suites (§3.1.1-3.1.2)"]}],
    }))
    .expect("run");
    assert!(kmip_tlsprobe::profiles::attach(&mut run, "server", &a.clauses) > 0);
    let json = serde_json::to_value(&run).expect("json");
    let clause = json["profiles"][0]["clauses"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == "basic-3.1.2-shall"))
        .expect("clause attached")
        .clone();
    assert_eq!(clause["verdict"], "fail", "{clause}");
    assert!(!clause["evidence"]["refused"]
        .as_array()
        .expect("refused")
        .is_empty());
    assert_eq!(json["profiles"][0]["conformant"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_server_is_bounded_and_not_assessed() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = l.accept().await {
            held.push(tcp); // accept and never answer
        }
    });
    let mut c = Config::new("127.0.0.1", addr.port());
    c.timeout = Duration::from_millis(300);
    c.budget = Duration::from_secs(2);
    let started = Instant::now();
    let a = assess(&c).await;
    let took = started.elapsed();
    task.abort();
    show(&a);
    assert!(took < Duration::from_millis(2600), "took {took:?}");
    // 35 probes of 300 ms, 4 at a time, do not fit in 2 s: the rest are
    // reported as not run, never as verdicts.
    assert!(a.skipped > 0, "{} skipped", a.skipped);
    for cl in &a.clauses {
        assert!(
            matches!(cl.verdict, Verdict::NotAssessed | Verdict::NotApplicable),
            "{} {:?}",
            cl.id,
            cl.verdict
        );
    }
    // The count bound holds too.
    c.max_probes = 3;
    let a = assess(&c).await;
    assert_eq!(a.connections, 3);
    assert!(a.skipped > 0);
}
