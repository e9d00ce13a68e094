//! kmip-wire: KMIP messages on the wire, shared by the harness (client
//! side: the runner; server side: `client-test`, `record`) and the bundled
//! reference server (its listener).
//!
//! - [`encoding`]: binary TTLV, KMIP XML and KMIP JSON messages, their HTTP
//!   content types, first-byte detection;
//! - [`frame`]: finding the end of an XML / JSON message on a raw stream;
//! - [`http`]: the bounded HTTP/1.1 layer of the KMIP HTTPS transport (pure
//!   functions over bytes);
//! - [`conn`]: bounded message readers and [`conn::ServerConn`], the server
//!   side of one exchange in any encoding over TLS or HTTPS;
//! - [`exchange`]: the client side of one exchange — a request in a
//!   [`WireFormat`] (encoding + transport) out, one response back, bounded
//!   and with timeouts;
//! - [`tls`]: TLS material — generated (rcgen) or PEM server certificates,
//!   rustls server and client configurations;
//! - `testing` (feature `test-support`): a TLS test server for tests.
//!
//! Must not depend on: any KMIP server logic (the reference server, its
//! store or crypto), test cases, comparison or reports. Only `kmip-ttlv`
//! and I/O crates (tokio, rustls, rcgen). A framing bug here is then a bug
//! of one layer that both sides share, and the harness can be built
//! without the server it tests.

pub mod conn;
pub mod encoding;
pub mod exchange;
pub mod frame;
pub mod http;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod tls;

pub use conn::{ExchangeError, ExchangeLimits, ReplyTo, Request, ServerConn, Transport, WireMode};
pub use encoding::{Encoding, EncodingError};
pub use exchange::{TransportError, WireFormat};
