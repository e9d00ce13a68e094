//! Server-initiated operations: the harness connects to a KMIP client's
//! service port (default 5697) and sends the Notify / Put requests of a test
//! case, checking the client's acknowledgements against the recorded
//! responses with the ordinary (response-side) comparison.
//!
//! Only cases whose every request is a Notify or a Put qualify
//! ([`client_service_case`]); others are skipped with a reason.

use kmip_testcase::case::TestCase;
use kmip_testcase::results::{CaseResult, Status};
use kmip_ttlv::{Item, Tag, Value};

use crate::events::EventSink;
use crate::plan::PlannedCase;
use crate::run::{run_case, RunOptions};
use crate::target::Connector;

/// Default port of the KMIP client service (KMIP 1.x §13 / 2.1 §13.1:
/// server-to-client operations).
pub const CLIENT_SERVICE_PORT: u16 = 5697;

/// Operation code of Notify.
pub const OP_NOTIFY: u32 = 0x1B;
/// Operation code of Put.
pub const OP_PUT: u32 = 0x1C;

fn ops(message: &Item) -> Vec<Option<u32>> {
    let bi = Tag(kmip_ttlv::dict::tag_by_name("BatchItem").unwrap_or(0));
    let op = Tag(kmip_ttlv::dict::tag_by_name("Operation").unwrap_or(0));
    message
        .children_with(bi)
        .map(|b| match b.child(op).map(|o| &o.value) {
            Some(Value::Enumeration(v)) => Some(*v),
            _ => None,
        })
        .collect()
}

/// `Ok` if every request of the case is a Notify or a Put; `Err` says
/// which step is not.
pub fn client_service_case(case: &TestCase) -> Result<(), String> {
    if case.steps.is_empty() {
        return Err("the case has no steps".to_string());
    }
    for s in &case.steps {
        let o = ops(&s.request);
        if o.is_empty() || o.iter().any(|x| !matches!(x, Some(OP_NOTIFY | OP_PUT))) {
            return Err(format!(
                "step {} is not a Notify / Put (client-service cases send only those)",
                s.index + 1
            ));
        }
    }
    Ok(())
}

/// Send each qualifying case to the client's service port over
/// `connector` and judge the acknowledgements; other cases are skipped.
pub async fn send_cases(
    connector: &dyn Connector,
    cases: &[PlannedCase],
    opts: &RunOptions,
    events: &EventSink,
) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for p in cases {
        let mut p = p.clone();
        if p.skip.is_none() {
            if let Ok(c) = &p.case {
                if let Err(why) = client_service_case(c) {
                    p.skip = Some(why);
                }
            }
        }
        let mut r = run_case(connector, &p, opts, events).await;
        if r.status == Status::Skip && r.reason.is_empty() {
            r.reason = "not a client-service case".to_string();
        }
        out.push(r);
    }
    out
}
