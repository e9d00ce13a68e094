//! Run-level Query consistency (`query_check`): a fake server whose Query
//! answer lists `listed` operations, that answers Operation Not Supported
//! for the operations in `unsupported`, and Success (empty payload) for
//! everything else.

use kmip_runner::events::EventSink;
use kmip_runner::plan::{self, PlannedCase};
use kmip_runner::query_check::RunChecks;
use kmip_runner::replay::CaseOptions;
use kmip_runner::run::{self, RunOptions};
use kmip_runner::target::{BoxFuture, Connector};
use kmip_runner::transport::{self, BoxStream, TransportError};
use kmip_testcase::case::load_str;
use kmip_testcase::results::Status;
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, Tag, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const OPERATION: Tag = Tag(0x42005C);
const BATCH_ITEM: Tag = Tag(0x42000F);
const QUERY: u32 = 0x18;
const CREATE: u32 = 0x01;
const GET: u32 = 0x0A;
const LOCATE: u32 = 0x08;

struct Server {
    listed: Vec<u32>,
    unsupported: Vec<u32>,
}

fn answer(op: u32, s: &Server) -> Item {
    let x = |xml: &str| kmip_ttlv::xml::parse_item(xml).expect("parses");
    let header = r#"<ResponseHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><TimeStamp type="DateTime" value="2024-01-01T00:00:00+00:00"/><BatchCount type="Integer" value="1"/></ResponseHeader>"#;
    let mut m = x(&format!("<ResponseMessage>{header}</ResponseMessage>"));
    if let Some(ts) = m
        .child_mut(Tag(0x42007A))
        .and_then(|h| h.child_mut(Tag(0x420092)))
    {
        ts.value = Value::DateTime(kmip_runner::replay::unix_now());
    }
    let opx = Item::new(OPERATION, Value::Enumeration(op));
    let item = if s.unsupported.contains(&op) {
        Item::structure(
            BATCH_ITEM,
            vec![
                opx,
                Item::new(Tag(0x42007F), Value::Enumeration(1)),
                Item::new(Tag(0x42007E), Value::Enumeration(5)),
            ],
        )
    } else {
        let payload = if op == QUERY {
            s.listed
                .iter()
                .map(|o| Item::new(OPERATION, Value::Enumeration(*o)))
                .collect()
        } else {
            Vec::new()
        };
        Item::structure(
            BATCH_ITEM,
            vec![
                opx,
                Item::new(Tag(0x42007F), Value::Enumeration(0)),
                Item::structure(Tag(0x42007C), payload),
            ],
        )
    };
    if let Some(c) = m.children_mut() {
        c.push(item);
    }
    m
}

struct Fake(Arc<Server>);

impl Connector for Fake {
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>> {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let s = self.0.clone();
        tokio::spawn(async move {
            while let Ok(bytes) =
                transport::read_message(&mut server, &Limits::default(), Duration::from_secs(10))
                    .await
            {
                let request = ttlv::decode(&bytes, &Limits::default()).expect("valid TTLV");
                let op = match request
                    .child(BATCH_ITEM)
                    .and_then(|b| b.child(OPERATION))
                    .map(|o| &o.value)
                {
                    Some(Value::Enumeration(c)) => *c,
                    _ => return,
                };
                let out = ttlv::encode(&answer(op, &s)).expect("encode");
                if server.write_all(&out).await.is_err() {
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

/// A one-step case: `op` (Query asks for its operations) answered with
/// Success; the expected Query answer lists Query.
fn case(id: &str, op: &str) -> PlannedCase {
    let (req, resp) = if op == "Query" {
        (
            r#"<QueryFunction type="Enumeration" value="QueryOperations"/>"#,
            r#"<ResponsePayload><Operation type="Enumeration" value="Query"/></ResponsePayload>"#,
        )
    } else {
        ("", "<ResponsePayload/>")
    };
    let xml = format!(
        r#"<KMIP><RequestMessage><RequestHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><BatchCount type="Integer" value="1"/></RequestHeader><BatchItem><Operation type="Enumeration" value="{op}"/><RequestPayload>{req}</RequestPayload></BatchItem></RequestMessage>
<ResponseMessage><ResponseHeader><ProtocolVersion><ProtocolVersionMajor type="Integer" value="2"/><ProtocolVersionMinor type="Integer" value="1"/></ProtocolVersion><TimeStamp type="DateTime" value="$NOW"/><BatchCount type="Integer" value="1"/></ResponseHeader><BatchItem><Operation type="Enumeration" value="{op}"/><ResultStatus type="Enumeration" value="Success"/>{resp}</BatchItem></ResponseMessage></KMIP>"#
    );
    let path = format!("/x/{id}.xml");
    PlannedCase {
        id: id.into(),
        path: path.clone().into(),
        case: Ok(Arc::new(
            load_str(&xml, Path::new(&path)).expect("test case loads"),
        )),
        skip: None,
        wire: None,
    }
}

async fn run(
    server: Server,
    cases: Vec<PlannedCase>,
    probe: bool,
) -> Vec<(String, Status, String)> {
    let opts = Arc::new(RunOptions {
        jobs: 1,
        case_timeout: Duration::from_secs(20),
        case: CaseOptions {
            run_checks: Some(Arc::new(RunChecks::new(
                kmip_runner::replay::unix_now(),
                probe,
            ))),
            ..CaseOptions::default()
        },
        ..RunOptions::default()
    });
    let connector: Arc<dyn Connector> = Arc::new(Fake(Arc::new(server)));
    run::run_groups(connector, plan::group(cases), opts, EventSink::none())
        .await
        .into_iter()
        .map(|r| (r.id, r.status, r.reason))
        .collect()
}

#[tokio::test]
async fn a_query_answer_that_omits_a_successful_operation_is_query_inconsistent() {
    let cases = || vec![case("Q-1", "Query"), case("C-1", "Create")];
    // Wrong: only Query listed, Create succeeded in the run.
    let r = run(
        Server {
            listed: vec![QUERY],
            unsupported: vec![],
        },
        cases(),
        false,
    )
    .await;
    let q = r.iter().find(|c| c.0 == "Q-1").expect("Q-1 ran");
    assert_eq!(q.1, Status::Fail, "{q:?}");
    assert!(
        q.2.starts_with("query-inconsistent: message 0: does not list Operation Create"),
        "{q:?}"
    );
    assert!(
        r.iter().any(|c| c.0 == "C-1" && c.1 == Status::Pass),
        "{r:?}"
    );
    // Legitimate: Create and more listed.
    let r = run(
        Server {
            listed: vec![QUERY, CREATE, LOCATE],
            unsupported: vec![],
        },
        cases(),
        false,
    )
    .await;
    assert!(r.iter().all(|c| c.1 == Status::Pass), "{r:?}");
}

#[tokio::test]
async fn probe_query_fails_a_listed_operation_the_target_does_not_support() {
    let server = || Server {
        listed: vec![QUERY, GET],
        unsupported: vec![GET],
    };
    // Without --probe-query nothing in the run contradicts the listing.
    let r = run(server(), vec![case("Q-1", "Query")], false).await;
    assert_eq!(r[0].1, Status::Pass, "{r:?}");
    let r = run(server(), vec![case("Q-1", "Query")], true).await;
    assert_eq!(r[0].1, Status::Fail, "{r:?}");
    assert!(
        r[0].2.contains(
            "lists Operation Get but it was answered Operation Not Supported (Q-1 (probe)"
        ),
        "{r:?}"
    );
}
