//! rustls client configuration for a KMIP target (the CA(s) to trust for
//! the server certificate and, for mutual TLS, the client certificate and
//! key): [`kmip_wire::tls`], named here for the runner and its users.

pub use kmip_wire::tls::{
    client_config, parse_certs, parse_key, ClientMaterial as TlsMaterial, TlsError,
};
