//! Replay engine against in-process fake KMIP servers (no TLS, in-memory
//! duplex streams): an "oracle" that answers each request with the test
//! case's own expected response (placeholders filled in), a mutating oracle,
//! and servers that misbehave (close mid-message, answer garbage, hang).

use kmip_runner::events::{Event, EventSink};
use kmip_runner::plan::{self, Group, PlannedCase};
use kmip_runner::replay::CaseOptions;
use kmip_runner::run::{self, RunOptions};
use kmip_runner::target::{BoxFuture, Connector};
use kmip_runner::transport::{self, BoxStream, TransportError};
use kmip_runner::wire::{self, Credentials};
use kmip_testcase::case::{load_str, TestCase};
use kmip_testcase::results::Status;
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, ItemType, Tag, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// A two-message KMIP 2.1 case: Create an AES-256 key, GetAttributes its
/// length.
const CASE: &str = include_str!("../../../tests/fixtures/create-getattributes-21.xml");

fn case(id: &str) -> Arc<TestCase> {
    Arc::new(load_str(CASE, Path::new(&format!("{id}.xml"))).expect("inline case loads"))
}

fn planned(id: &str) -> PlannedCase {
    PlannedCase {
        id: id.to_string(),
        path: format!("{id}.xml").into(),
        case: Ok(case(id)),
        skip: None,
        wire: None,
    }
}

/// Fill a response template the way a server would: `$NOW` → now,
/// `$UNIQUE_IDENTIFIER_0` → "uid-UNIQUE_IDENTIFIER_0", etc.
fn fill(template: &Item) -> Item {
    let mut out = template.clone();
    let now = run_now();
    out.substitute_placeholders(&mut |p| {
        Some(match p.item_type {
            ItemType::DateTime => Value::DateTime(now),
            ItemType::TextString => Value::TextString(format!("uid-{}", p.name)),
            ItemType::ByteString => Value::ByteString(p.name.as_bytes().to_vec()),
            ItemType::Integer => Value::Integer(1),
            _ => return None,
        })
    });
    out
}

fn run_now() -> i64 {
    kmip_runner::replay::unix_now()
}

/// How a fake server behaves.
#[derive(Clone)]
enum Behaviour {
    /// Answer with the filled expected response, after `mutate`.
    Oracle(fn(usize, &mut Item)),
    /// Send half of a valid response, then close.
    CloseMidMessage,
    /// Answer with bytes that are not TTLV.
    Garbage,
    /// Read the request and never answer.
    Hang,
    /// Answer correctly but wait this long before each answer.
    Slow(Duration),
}

/// Connector whose connections lead to a fake server task.
struct Fake {
    case: Arc<TestCase>,
    behaviour: Behaviour,
    requests: Arc<Mutex<Vec<Item>>>,
}

impl Fake {
    fn new(behaviour: Behaviour) -> Fake {
        Fake {
            case: case("FAKE-M-1-21"),
            behaviour,
            requests: Arc::default(),
        }
    }
}

impl Connector for Fake {
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>> {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let case = self.case.clone();
        let behaviour = self.behaviour.clone();
        let requests = self.requests.clone();
        tokio::spawn(async move {
            for step in &case.steps {
                let Ok(bytes) = transport::read_message(
                    &mut server,
                    &Limits::default(),
                    Duration::from_secs(10),
                )
                .await
                else {
                    return;
                };
                let request =
                    ttlv::decode(&bytes, &Limits::default()).expect("runner sends valid TTLV");
                requests.lock().expect("lock").push(request);
                let mut response = fill(&step.response);
                let answer = match &behaviour {
                    Behaviour::Oracle(mutate) => {
                        mutate(step.index, &mut response);
                        ttlv::encode(&response).expect("encode")
                    }
                    Behaviour::CloseMidMessage => {
                        let full = ttlv::encode(&response).expect("encode");
                        let _ = server.write_all(&full[..full.len() / 2]).await;
                        return;
                    }
                    Behaviour::Garbage => b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(),
                    Behaviour::Hang => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    Behaviour::Slow(d) => {
                        tokio::time::sleep(*d).await;
                        ttlv::encode(&response).expect("encode")
                    }
                };
                if server.write_all(&answer).await.is_err() {
                    return;
                }
            }
        });
        Box::pin(async move { Ok(Box::new(client) as BoxStream) })
    }

    fn describe(&self) -> String {
        "fake".into()
    }
}

fn opts(message_timeout: Duration) -> RunOptions {
    RunOptions {
        jobs: 2,
        case_timeout: Duration::from_secs(20),
        case: CaseOptions {
            message_timeout,
            ..CaseOptions::default()
        },
        ..RunOptions::default()
    }
}

fn no_mutation(_: usize, _: &mut Item) {}

/// Set the first CryptographicLength of message 1 to 128.
fn shorten_key(index: usize, response: &mut Item) {
    if index != 1 {
        return;
    }
    let mut done = false;
    mutate_first(response, wire::CRYPTOGRAPHIC_LENGTH, &mut |v| {
        *v = Value::Integer(128);
        done = true;
    });
    assert!(done, "the response has a CryptographicLength");
}

fn mutate_first(item: &mut Item, tag: Tag, f: &mut dyn FnMut(&mut Value)) -> bool {
    if item.tag == tag {
        f(&mut item.value);
        return true;
    }
    if let Some(children) = item.children_mut() {
        for c in children {
            if mutate_first(c, tag, f) {
                return true;
            }
        }
    }
    false
}

#[tokio::test]
async fn oracle_server_passes_and_binds_placeholders() {
    let fake = Fake::new(Behaviour::Oracle(no_mutation));
    let r = run::run_case(
        &fake,
        &planned("FAKE-M-1-21"),
        &opts(Duration::from_secs(5)),
        &EventSink::none(),
    )
    .await;
    assert_eq!(r.status, Status::Pass, "{}", r.reason);
    assert_eq!(r.messages, 2);
    assert!(r.reason.is_empty());
    // The second request carries the UID the first response handed out.
    let requests = fake.requests.lock().expect("lock");
    assert_eq!(requests.len(), 2);
    let mut uids = Vec::new();
    requests[1].walk(&mut |i| {
        if i.tag.0 == 0x420094 {
            uids.push(i.value.clone());
        }
    });
    assert_eq!(
        uids,
        vec![Value::TextString("uid-UNIQUE_IDENTIFIER_0".into())]
    );
    assert!(!requests[1].has_placeholders());
}

#[tokio::test]
async fn mutated_field_fails_with_its_path() {
    let fake = Fake::new(Behaviour::Oracle(shorten_key));
    let r = run::run_case(
        &fake,
        &planned("FAKE-M-1-21"),
        &opts(Duration::from_secs(5)),
        &EventSink::none(),
    )
    .await;
    assert_eq!(r.status, Status::Fail);
    let d = r.divergence.expect("divergence recorded");
    assert_eq!(d.message, 1);
    assert!(
        d.paths.iter().any(|p| p.ends_with("CryptographicLength")),
        "paths: {:?}",
        d.paths
    );
    assert!(r.reason.contains("CryptographicLength"), "{}", r.reason);
    assert_eq!(r.messages, 2);
}

#[tokio::test]
async fn close_mid_message_is_an_error() {
    let fake = Fake::new(Behaviour::CloseMidMessage);
    let r = run::run_case(
        &fake,
        &planned("FAKE-M-1-21"),
        &opts(Duration::from_secs(5)),
        &EventSink::none(),
    )
    .await;
    assert_eq!(r.status, Status::Error);
    assert!(
        r.reason.contains("message 0") && r.reason.contains("closed"),
        "{}",
        r.reason
    );
}

#[tokio::test]
async fn garbage_answer_is_an_error() {
    let fake = Fake::new(Behaviour::Garbage);
    let r = run::run_case(
        &fake,
        &planned("FAKE-M-1-21"),
        &opts(Duration::from_secs(5)),
        &EventSink::none(),
    )
    .await;
    assert_eq!(r.status, Status::Error);
    assert!(r.reason.contains("not a TTLV message"), "{}", r.reason);
}

#[tokio::test]
async fn hanging_server_is_an_error_within_the_timeout() {
    let fake = Fake::new(Behaviour::Hang);
    let t = Instant::now();
    let r = run::run_case(
        &fake,
        &planned("FAKE-M-1-21"),
        &opts(Duration::from_millis(300)),
        &EventSink::none(),
    )
    .await;
    assert_eq!(r.status, Status::Error);
    assert!(r.reason.contains("timed out"), "{}", r.reason);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn whole_case_timeout_names_the_message_in_flight() {
    let fake = Fake::new(Behaviour::Slow(Duration::from_millis(400)));
    let mut o = opts(Duration::from_secs(5));
    o.case_timeout = Duration::from_millis(600);
    let r = run::run_case(&fake, &planned("FAKE-M-1-21"), &o, &EventSink::none()).await;
    assert_eq!(r.status, Status::Error);
    assert!(
        r.reason.contains("case timed out") && r.reason.contains("message 1"),
        "{}",
        r.reason
    );
}

/// Connector that always refuses.
struct Refused;

impl Connector for Refused {
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>> {
        Box::pin(async {
            Err(TransportError::Connect {
                addr: "nowhere:1".into(),
                source: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
            })
        })
    }
    fn describe(&self) -> String {
        "nowhere:1".into()
    }
}

#[tokio::test]
async fn unreachable_target_gives_error_verdicts() {
    let e = run::probe(&Refused).await.expect_err("refused");
    assert!(e.is_unreachable());
    let mut skipped = planned("B-M-1-21");
    skipped.skip = Some("declared unsupported".into());
    let groups = vec![
        Group {
            cases: vec![planned("A-M-1-21")],
            exclusive: None,
        },
        Group {
            cases: vec![skipped],
            exclusive: None,
        },
    ];
    let rs = run::unreachable_results(&groups, &e.to_string(), &EventSink::none());
    assert_eq!(rs[0].status, Status::Error);
    assert!(
        rs[0]
            .reason
            .starts_with("target unreachable: cannot connect"),
        "{}",
        rs[0].reason
    );
    assert_eq!(rs[1].status, Status::Skip);
    // And run_case on its own reports the connect failure as an error.
    let r = run::run_case(
        &Refused,
        &planned("A-M-1-21"),
        &opts(Duration::from_secs(1)),
        &EventSink::none(),
    )
    .await;
    assert_eq!(r.status, Status::Error);
    assert!(r.reason.contains("cannot connect"), "{}", r.reason);
}

#[tokio::test]
async fn run_gives_every_case_a_verdict_and_emits_events_in_order() {
    let fake: Arc<dyn Connector> = Arc::new(Fake::new(Behaviour::Oracle(no_mutation)));
    let mut skipped = planned("SKIP-M-1-21");
    skipped.skip = Some("declared unsupported".into());
    let broken = PlannedCase {
        id: "BROKEN-M-1-21".into(),
        path: "BROKEN-M-1-21.xml".into(),
        case: Err("line 3: unpaired RequestMessage".into()),
        skip: None,
        wire: None,
    };
    let cases = vec![planned("OK-M-1-21"), skipped, broken, planned("OK-M-2-21")];
    let groups = plan::group(cases);
    let (sink, mut rx) = EventSink::channel();
    let results = run::run_groups(fake, groups, Arc::new(opts(Duration::from_secs(5))), sink).await;
    let by_id = |id: &str| results.iter().find(|r| r.id == id).expect("result");
    assert_eq!(results.len(), 4);
    assert_eq!(by_id("OK-M-1-21").status, Status::Pass);
    assert_eq!(by_id("OK-M-2-21").status, Status::Pass);
    assert_eq!(by_id("SKIP-M-1-21").status, Status::Skip);
    assert_eq!(by_id("SKIP-M-1-21").reason, "declared unsupported");
    assert_eq!(by_id("BROKEN-M-1-21").status, Status::Error);
    assert!(by_id("BROKEN-M-1-21").reason.starts_with("bad test case:"));
    // Sorted by file.
    let files: Vec<&str> = results.iter().map(|r| r.file.as_str()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);

    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert!(matches!(
        events.first(),
        Some(Event::RunStarted { cases: 4 })
    ));
    assert!(
        matches!(events.last(), Some(Event::RunFinished { totals, .. }) if totals.passed == 2 && totals.skipped == 1 && totals.errors == 1)
    );
    // Per case: started, then its messages, then finished.
    let ok1: Vec<&Event> = events
        .iter()
        .filter(|e| match e {
            Event::CaseStarted { id, .. } => id == "OK-M-1-21",
            Event::MessageExchanged { case, .. } => case == "OK-M-1-21",
            Event::CaseFinished(r) => r.id == "OK-M-1-21",
            _ => false,
        })
        .collect();
    assert_eq!(ok1.len(), 4, "{ok1:?}");
    assert!(matches!(ok1[0], Event::CaseStarted { .. }));
    assert!(matches!(
        ok1[1],
        Event::MessageExchanged {
            index: 0,
            dump: None,
            ..
        }
    ));
    assert!(matches!(ok1[2], Event::MessageExchanged { index: 1, .. }));
    assert!(matches!(ok1[3], Event::CaseFinished(_)));
}

#[tokio::test]
async fn dumps_and_credentials() {
    let fake = Fake::new(Behaviour::Oracle(no_mutation));
    let mut o = opts(Duration::from_secs(5));
    o.case.dump_messages = true;
    o.case.credentials = Some(Credentials {
        username: "alice".into(),
        password: Some("pw".into()),
    });
    let (sink, mut rx) = EventSink::channel();
    let r = run::run_case(&fake, &planned("FAKE-M-1-21"), &o, &sink).await;
    assert_eq!(r.status, Status::Pass, "{}", r.reason);
    for req in fake.requests.lock().expect("lock").iter() {
        let header = req.child(wire::REQUEST_HEADER).expect("header");
        assert!(
            header.child(wire::AUTHENTICATION).is_some(),
            "credentials sent"
        );
    }
    let mut dumps = 0;
    while let Ok(e) = rx.try_recv() {
        if let Event::MessageExchanged {
            dump: Some(d),
            request_len,
            ..
        } = e
        {
            assert_eq!(d.request_bytes.len(), request_len);
            assert!(d.response.is_some());
            dumps += 1;
        }
    }
    assert_eq!(dumps, 2);
}

/// Change the ObjectType of the Create response (message 0).
fn wrong_object_type(index: usize, response: &mut Item) {
    if index != 0 {
        return;
    }
    let done = mutate_first(response, Tag(0x420057), &mut |v| {
        *v = Value::Enumeration(0x07) // SecretData
    });
    assert!(done, "the Create response has an ObjectType");
}

#[tokio::test]
async fn after_a_failure_the_remaining_requests_are_sent_for_cleanup() {
    let fake = Fake::new(Behaviour::Oracle(wrong_object_type));
    let r = run::run_case(
        &fake,
        &planned("FAKE-M-1-21"),
        &opts(Duration::from_secs(5)),
        &EventSink::none(),
    )
    .await;
    // The verdict is the first divergence's, unchanged by the clean-up.
    assert_eq!(r.status, Status::Fail);
    let d = r.divergence.expect("divergence recorded");
    assert_eq!(d.message, 0);
    assert!(r.reason.starts_with("message 0:"), "{}", r.reason);
    assert!(r.reason.contains("ObjectType"), "{}", r.reason);
    assert_eq!(r.messages, 1, "only the verdict phase counts");
    // …but message 1 was still sent, with the UID bound from message 0.
    let requests = fake.requests.lock().expect("lock");
    assert_eq!(requests.len(), 2, "clean-up sent the remaining request");
    assert!(!requests[1].has_placeholders());
}

#[tokio::test]
async fn cleanup_can_be_turned_off() {
    let fake = Fake::new(Behaviour::Oracle(wrong_object_type));
    let mut o = opts(Duration::from_secs(5));
    o.case.cleanup = false;
    let r = run::run_case(&fake, &planned("FAKE-M-1-21"), &o, &EventSink::none()).await;
    assert_eq!(r.status, Status::Fail);
    // Give the fake a moment: nothing more arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(fake.requests.lock().expect("lock").len(), 1);
}

/// A one-message case with the given operation and optional Name.
fn one_step_case(id: &str, op: &str, name: Option<&str>) -> PlannedCase {
    let name = name.map_or(String::new(), |n| {
        format!(
            r#"<Attributes><Name><NameValue type="TextString" value="{n}"/><NameType type="Enumeration" value="UninterpretedTextString"/></Name></Attributes>"#
        )
    });
    let xml = format!(
        r#"<KMIP><RequestMessage><RequestHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><BatchCount type="Integer" value="1"/></RequestHeader><BatchItem><Operation type="Enumeration" value="{op}"/><RequestPayload>{name}</RequestPayload></BatchItem></RequestMessage>
<ResponseMessage><ResponseHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><TimeStamp type="DateTime" value="$NOW"/><BatchCount type="Integer" value="1"/></ResponseHeader><BatchItem><Operation type="Enumeration" value="{op}"/><ResultStatus type="Enumeration" value="Success"/></BatchItem></ResponseMessage></KMIP>"#
    );
    let path = format!("/x/{id}.xml");
    let tc = load_str(&xml, Path::new(&path)).expect("test case loads");
    PlannedCase {
        id: id.into(),
        path: path.into(),
        case: Ok(Arc::new(tc)),
        skip: None,
        wire: None,
    }
}

#[test]
fn locate_and_shared_names_make_exclusive_groups_that_come_first() {
    let groups = plan::group(vec![
        one_step_case("A-M-1-21", "Query", None),
        one_step_case("B-M-1-21", "Locate", None),
        one_step_case("C-M-1-21", "Register", Some("shared")),
        one_step_case("D-M-1-21", "Register", Some("own")),
        one_step_case("E-M-1-21", "Register", Some("shared")),
    ]);
    let order: Vec<(&str, bool)> = groups
        .iter()
        .map(|g| (g.cases[0].id.as_str(), g.exclusive.is_some()))
        .collect();
    assert_eq!(
        order,
        vec![
            ("B-M-1-21", true),
            ("C-M-1-21", true),
            ("E-M-1-21", true),
            ("A-M-1-21", false),
            ("D-M-1-21", false),
        ]
    );
    let why = groups[0].exclusive.as_deref().expect("reason");
    assert!(why.contains("Locate"), "{why}");
    let why = groups[1].exclusive.as_deref().expect("reason");
    assert!(why.contains("\"shared\""), "{why}");
}

/// Connector that counts connections open at once.
struct Concurrency {
    inner: Fake,
    open: Arc<std::sync::atomic::AtomicUsize>,
    max: Arc<std::sync::atomic::AtomicUsize>,
}

impl Connector for Concurrency {
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>> {
        Box::pin(async move {
            let s = self.inner.connect().await?;
            Ok(Box::new(Counted {
                inner: s,
                open: self.open.clone(),
                max: self.max.clone(),
                counted: false,
            }) as BoxStream)
        })
    }
    fn describe(&self) -> String {
        "concurrency".into()
    }
}

#[tokio::test]
async fn exclusive_groups_run_alone() {
    use std::sync::atomic::Ordering;
    // Every case runs the FAKE case (Create + GetAttributes) on the fake;
    // the plan marks two of five exclusive. The fake answers slowly so
    // parallel cases overlap.
    let c = Arc::new(Concurrency {
        inner: Fake::new(Behaviour::Slow(Duration::from_millis(30))),
        open: Arc::default(),
        max: Arc::default(),
    });
    let mut groups = Vec::new();
    for (i, exclusive) in [true, false, false, true, false].into_iter().enumerate() {
        let mut p = planned("FAKE-M-1-21");
        p.id = format!("FAKE-M-{i}-21");
        groups.push(Group {
            cases: vec![p],
            exclusive: exclusive.then(|| "test".to_string()),
        });
    }
    let (sink, mut rx) = EventSink::channel();
    let rs = run::run_groups(
        c.clone(),
        groups,
        Arc::new(opts(Duration::from_secs(5))),
        sink,
    )
    .await;
    assert!(rs.iter().all(|r| r.status == Status::Pass));
    // Both exclusive cases first, each alone: started and finished before
    // anything else starts.
    let mut seq = Vec::new();
    while let Ok(e) = rx.try_recv() {
        match e {
            Event::CaseStarted { id, .. } => seq.push(format!("start {id}")),
            Event::CaseFinished(r) => seq.push(format!("end {}", r.id)),
            _ => {}
        }
    }
    assert_eq!(
        &seq[..4],
        &[
            "start FAKE-M-0-21",
            "end FAKE-M-0-21",
            "start FAKE-M-3-21",
            "end FAKE-M-3-21"
        ],
        "{seq:?}"
    );
    // The parallel phase did overlap (so overlap is observable here).
    assert!(c.max.load(Ordering::SeqCst) >= 2);
    assert_eq!(c.open.load(Ordering::SeqCst), 0, "every connection closed");
}

/// A stream that counts itself as open from its first write until drop.
struct Counted {
    inner: BoxStream,
    open: Arc<std::sync::atomic::AtomicUsize>,
    max: Arc<std::sync::atomic::AtomicUsize>,
    counted: bool,
}

impl Drop for Counted {
    fn drop(&mut self) {
        if self.counted {
            self.open.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

impl tokio::io::AsyncRead for Counted {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Counted {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if !self.counted {
            self.counted = true;
            let now = self.open.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            self.max.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
        }
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A case an encoding profile needs is replayed in that encoding; a target
/// that does not answer in it fails the case (and so the profile) with the
/// reason, instead of an error — and never passes it.
#[tokio::test]
async fn a_target_that_does_not_speak_the_profile_encoding_fails_it() {
    use kmip_runner::encoding::{Encoding, Transport, WireFormat};
    use kmip_runner::plan::WireOverride;
    let opts = opts(Duration::from_secs(2));
    // This fake speaks TTLV only: the XML request is not a TTLV message.
    let fake = Fake::new(Behaviour::Oracle(no_mutation));
    let mut p = planned("FAKE-M-1-21");
    p.wire = Some(WireOverride {
        format: WireFormat::new(Encoding::Xml, Transport::Tls),
        profiles: vec!["XML-server-2.1".into()],
    });
    let r = run::run_case(&fake, &p, &opts, &EventSink::none()).await;
    assert_eq!(r.status, Status::Fail, "{r:?}");
    assert!(
        r.reason.contains("xml over tls") && r.reason.contains("XML-server-2.1"),
        "{}",
        r.reason
    );
    assert_eq!((r.encoding.as_str(), r.transport.as_str()), ("xml", "tls"));
    // In its own encoding the same fake passes, and the result says so.
    let r = run::run_case(&fake, &planned("FAKE-M-1-21"), &opts, &EventSink::none()).await;
    assert_eq!(r.status, Status::Pass, "{r:?}");
    assert_eq!((r.encoding.as_str(), r.transport.as_str()), ("ttlv", "tls"));
}

/// `assign_wire`: the XML / JSON / HTTPS server profiles give their cases
/// their format; other cases keep the run's.
#[test]
fn encoding_profiles_assign_their_format() {
    use kmip_runner::encoding::{Encoding, Transport, WireFormat};
    use kmip_testcase::profile::parse_profile;
    let xml = parse_profile(
        "id: XML-server-2.1\nname: x\nrole: server\nversion: '2.1'\nclause: c\ncriterion: all-mandatory\nencoding: xml\nmandatory: [MSGENC-XML-M-1-21]\n",
        Path::new("x.yaml"),
    )
    .expect("profile");
    let https = parse_profile(
        "id: HTTPS-server-2.1\nname: h\nrole: server\nversion: '2.1'\nclause: c\ncriterion: all-mandatory\ntransport: https\nmandatory: [MSGENC-HTTPS-M-1-21]\n",
        Path::new("h.yaml"),
    )
    .expect("profile");
    let mut cases = vec![
        planned("MSGENC-XML-M-1-21"),
        planned("MSGENC-HTTPS-M-1-21"),
        planned("SKLC-M-1-21"),
    ];
    let base = WireFormat::default();
    plan::assign_wire(&mut cases, &[xml, https], &base);
    let xml_wire = cases[0].wire.as_ref().expect("xml case rewired");
    assert_eq!(xml_wire.format.encoding, Encoding::Xml);
    assert_eq!(xml_wire.format.transport, Transport::Tls);
    assert_eq!(xml_wire.profiles, vec!["XML-server-2.1".to_string()]);
    let https_wire = cases[1].wire.as_ref().expect("https case rewired");
    assert_eq!(https_wire.format.encoding, Encoding::Ttlv);
    assert_eq!(https_wire.format.transport, Transport::Https);
    assert!(cases[2].wire.is_none());
    // A run already in XML leaves the XML case alone.
    let mut again = vec![planned("MSGENC-XML-M-1-21")];
    let xml_run = WireFormat::new(Encoding::Xml, Transport::Tls);
    let profiles = [parse_profile(
        "id: XML-server-2.1\nname: x\nrole: server\nversion: '2.1'\nclause: c\ncriterion: all-mandatory\nencoding: xml\nmandatory: [MSGENC-XML-M-1-21]\n",
        Path::new("x.yaml"),
    )
    .expect("profile")];
    plan::assign_wire(&mut again, &profiles, &xml_run);
    assert!(again[0].wire.is_none());
}
