//! Mutation test: a wrapper target sits between the runner and the bundled
//! reference server (started in-process on 127.0.0.1:0) and changes ONE
//! field of ONE response. The case must pass unmutated (precondition) and
//! turn into FAIL with a divergence whose path points at the mutated field.

use kmip_runner::events::EventSink;
use kmip_runner::plan::PlannedCase;
use kmip_runner::run::{self, RunOptions};
use kmip_runner::target::{BoxFuture, Connector, ReferenceTarget, TlsConnector};
use kmip_runner::transport::{self, BoxStream, TransportError};
use kmip_runner::wire;
use kmip_testcase::case::load_str;
use kmip_testcase::results::{CaseResult, Status};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{Item, Tag, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Create an AES-256 key, then GetAttributes its length (KMIP 2.1).
const CASE: &str = include_str!("fixtures/create-getattributes-21.xml");

/// One mutation: in response `message`, the first item with `tag` gets
/// `value`.
#[derive(Clone)]
struct Mutation {
    message: usize,
    tag: Tag,
    value: Value,
}

/// Wrapper target: forwards each request to the reference server and
/// mutates the chosen response on its way back.
struct Mutator {
    inner: TlsConnector,
    mutation: Option<Mutation>,
}

fn set_first(item: &mut Item, tag: Tag, value: &Value) -> bool {
    if item.tag == tag {
        item.value = value.clone();
        return true;
    }
    item.children_mut()
        .is_some_and(|cs| cs.iter_mut().any(|c| set_first(c, tag, value)))
}

impl Connector for Mutator {
    fn connect(&self) -> BoxFuture<'_, Result<BoxStream, TransportError>> {
        Box::pin(async move {
            let mut upstream = self.inner.connect().await?;
            let (client, mut runner_side) = tokio::io::duplex(1 << 20);
            let mutation = self.mutation.clone();
            tokio::spawn(async move {
                let limits = Limits::default();
                let t = Duration::from_secs(30);
                for index in 0.. {
                    let Ok(req) = transport::read_message(&mut runner_side, &limits, t).await
                    else {
                        return;
                    };
                    if transport::write_message(&mut upstream, &req, t)
                        .await
                        .is_err()
                    {
                        return;
                    }
                    let Ok(mut resp) = transport::read_message(&mut upstream, &limits, t).await
                    else {
                        return;
                    };
                    if let Some(m) = mutation.as_ref().filter(|m| m.message == index) {
                        let mut item =
                            ttlv::decode(&resp, &limits).expect("server response decodes");
                        assert!(
                            set_first(&mut item, m.tag, &m.value),
                            "response {index} has no {:?} to mutate",
                            m.tag
                        );
                        resp = ttlv::encode(&item).expect("re-encode");
                    }
                    if runner_side.write_all(&resp).await.is_err() {
                        return;
                    }
                }
            });
            Ok(Box::new(client) as BoxStream)
        })
    }

    fn describe(&self) -> String {
        "reference (mutating wrapper)".into()
    }
}

async fn run_with(target: &ReferenceTarget, mutation: Option<Mutation>) -> CaseResult {
    let case = load_str(CASE, Path::new("MUT-M-1-21.xml")).expect("inline case");
    let planned = PlannedCase {
        id: case.id.clone(),
        path: case.path.clone(),
        case: Ok(Arc::new(case)),
        skip: None,
        wire: None,
    };
    let wrapper = Mutator {
        inner: target.connector(),
        mutation,
    };
    let opts = RunOptions {
        jobs: 1,
        case_timeout: Duration::from_secs(60),
        ..RunOptions::default()
    };
    run::run_case(&wrapper, &planned, &opts, &EventSink::none()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_mutated_field_turns_a_pass_into_a_fail_at_that_path() {
    let target = ReferenceTarget::start(Duration::from_secs(10))
        .await
        .expect("reference server starts");

    // Precondition: unmutated, the case passes through the wrapper.
    let clean = run_with(&target, None).await;
    assert_eq!(clean.status, Status::Pass, "unmutated: {}", clean.reason);

    // CryptographicLength 256 → 128 in the GetAttributes response.
    let r = run_with(
        &target,
        Some(Mutation {
            message: 1,
            tag: wire::CRYPTOGRAPHIC_LENGTH,
            value: Value::Integer(128),
        }),
    )
    .await;
    assert_eq!(r.status, Status::Fail, "{}", r.reason);
    let d = r.divergence.as_ref().expect("divergence");
    assert_eq!(d.message, 1);
    assert!(
        d.paths.iter().all(|p| p.ends_with("CryptographicLength")),
        "only the mutated field differs: {:?}",
        d.paths
    );
    assert!(!d.paths.is_empty());
    assert!(
        d.diff.contains("128"),
        "diff shows the mutated value:\n{}",
        d.diff
    );

    // ResultStatus Success → OperationFailed (code 1) in the Create response.
    let r = run_with(
        &target,
        Some(Mutation {
            message: 0,
            tag: wire::RESULT_STATUS,
            value: Value::Enumeration(1),
        }),
    )
    .await;
    assert_eq!(r.status, Status::Fail, "{}", r.reason);
    let d = r.divergence.as_ref().expect("divergence");
    assert_eq!(d.message, 0);
    assert!(
        d.paths.iter().any(|p| p.ends_with("ResultStatus")),
        "{:?}",
        d.paths
    );

    target.shutdown().await;
}
