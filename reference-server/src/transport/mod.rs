//! Message encodings and transports shared by the reference server's
//! listener, the runner (client side) and `client-test` (server side):
//!
//! - [`encoding`]: binary TTLV, KMIP XML and KMIP JSON messages, content
//!   types, first-byte detection;
//! - [`frame`]: finding the end of an XML / JSON message on a raw stream;
//! - [`http`]: the bounded HTTP/1.1 layer of the KMIP HTTPS transport;
//! - [`conn`]: bounded message readers and [`conn::ServerConn`], the server
//!   side of one exchange in any encoding over TLS or HTTPS.

pub mod conn;
pub mod encoding;
pub mod frame;
pub mod http;

pub use conn::{ExchangeError, ExchangeLimits, ReplyTo, Request, ServerConn, Transport, WireMode};
pub use encoding::{Encoding, EncodingError};
