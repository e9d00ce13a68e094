//! Client mode and the tools around it (issue 6):
//!
//! - [`scenario`]: the harness plays the server — identifies the test case
//!   a client runs, checks each request with the request-side masking rules
//!   of `kmip-compare`, answers with the recorded response (pure);
//! - [`listen`]: the TLS listener that drives a scenario (TTLV, XML or
//!   JSON, raw or over HTTPS, through kmip-wire's `ServerConn`);
//! - [`record`]: a recording TLS proxy (any encoding and transport) that
//!   turns a conversation into a test case (`$` variables for generated
//!   identifiers and times);
//! - [`session`]: the client-test API (select cases, serve, assemble the
//!   client-profile verdicts, exit policy) behind `kmip-harness client-test`;
//! - [`driver`]: the client-driver contract (`client-test --driver CMD`):
//!   one driver run per case, its exit code folded into the verdict;
//! - [`interop`]: `kmip-harness interop`, clients × servers through the
//!   recording proxy, each exchange judged on both sides;
//! - [`robust`]: robustness probes: permitted server variations applied
//!   to the responses (pure transforms), the `robustness: <variation>`
//!   clauses;
//! - [`notify`]: server-initiated Notify / Put sent to a client's service
//!   port, acknowledgement checked.

pub mod driver;
pub mod interop;
pub mod listen;
pub mod notify;
pub mod record;
pub mod robust;
pub mod scenario;
pub mod session;
