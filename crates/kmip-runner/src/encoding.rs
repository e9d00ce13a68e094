//! The wire format the runner speaks to a target: message encoding
//! (`--encoding ttlv|xml|json`) and transport (`--transport tls|https`,
//! `--https-path`).
//!
//! The encodings and their content types are shared with the reference
//! server ([`kmip_reference_server::transport`]); this module adds the
//! client-side choice as one value carried in
//! [`crate::replay::CaseOptions::wire`]. Sending and reading whole messages
//! in that format is [`crate::transport::send_request`] /
//! [`crate::transport::read_response`].

pub use kmip_reference_server::transport::{Encoding, EncodingError, Transport};
/// The server side of an exchange in any encoding / transport (used by the
/// reference server's listener; for `client-test`, which plays the server).
pub use kmip_reference_server::transport::{
    ExchangeError, ExchangeLimits, ReplyTo, Request as ServerRequest, ServerConn, WireMode,
};
use kmip_ttlv::ttlv::Limits;
use kmip_ttlv::Item;

/// How requests are written and responses read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireFormat {
    /// Message encoding.
    pub encoding: Encoding,
    /// Raw messages on the TLS stream, or HTTPS POSTs.
    pub transport: Transport,
    /// HTTP request target for HTTPS (KMIP Profiles: SHOULD be `/kmip`).
    pub https_path: String,
    /// `Host` header for HTTPS.
    pub host: String,
}

impl Default for WireFormat {
    fn default() -> WireFormat {
        WireFormat {
            encoding: Encoding::Ttlv,
            transport: Transport::Tls,
            https_path: "/kmip".to_string(),
            host: "localhost".to_string(),
        }
    }
}

impl WireFormat {
    /// A format with the default path and host.
    pub fn new(encoding: Encoding, transport: Transport) -> WireFormat {
        WireFormat {
            encoding,
            transport,
            ..WireFormat::default()
        }
    }

    /// `"json over https (/kmip)"`, for reports and messages.
    pub fn describe(&self) -> String {
        match self.transport {
            Transport::Tls => format!("{} over tls", self.encoding),
            Transport::Https => format!("{} over https ({})", self.encoding, self.https_path),
        }
    }

    /// Encode a request message.
    pub fn encode(&self, item: &Item) -> Result<Vec<u8>, EncodingError> {
        self.encoding.encode(item)
    }

    /// Decode a response message body.
    pub fn decode(&self, bytes: &[u8], limits: &Limits) -> Result<Item, EncodingError> {
        self.encoding.decode(bytes, limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_descriptions() {
        let w = WireFormat::default();
        assert_eq!((w.encoding, w.transport), (Encoding::Ttlv, Transport::Tls));
        assert_eq!(w.describe(), "ttlv over tls");
        assert_eq!(
            WireFormat::new(Encoding::Json, Transport::Https).describe(),
            "json over https (/kmip)"
        );
        assert_eq!("XML".parse::<Encoding>(), Ok(Encoding::Xml));
        assert!("cbor".parse::<Encoding>().is_err());
    }
}
