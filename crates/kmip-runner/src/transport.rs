//! Message framing and the request → response exchange on a byte stream,
//! bounded and with timeouts: [`kmip_wire::exchange`], named here for the
//! runner's modules and its users.

pub use kmip_wire::exchange::*;
