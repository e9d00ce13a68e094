//! The wire format the runner speaks to a target: message encoding
//! (`--encoding ttlv|xml|json`) and transport (`--transport tls|https`,
//! `--https-path`), carried as one [`WireFormat`] in
//! [`crate::replay::CaseOptions::wire_format`].
//!
//! All of it lives in [`kmip_wire`] (shared with the reference server's
//! listener, which the harness must not depend on); this module names the
//! parts the runner and the CLI use. Sending and reading whole messages in
//! a format is [`crate::transport::send_request`] /
//! [`crate::transport::read_response`].

pub use kmip_wire::{Encoding, EncodingError, Transport, WireFormat};
/// The server side of an exchange in any encoding / transport (for
/// `client-test`, which plays the server).
pub use kmip_wire::{
    ExchangeError, ExchangeLimits, ReplyTo, Request as ServerRequest, ServerConn, WireMode,
};
