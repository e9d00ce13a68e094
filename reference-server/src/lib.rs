//! The bundled reference KMIP server: a correct-per-spec KMIP 1.0–3.0
//! server used as the harness's default target and as the server vendors
//! compare against. It never reads test-case files.
//!
//! - [`server`]: the pure protocol core ([`Server::handle_message`],
//!   [`Server::handle_bytes`]): message layer, batches, ID placeholder,
//!   version negotiation, Maximum Response Size;
//! - [`ops`]: one module per operation group and the dispatch point;
//!   [`reasons`]: the Result Reason table of each protocol version (no
//!   response carries a reason its version does not define);
//! - [`attributes`]: the version-neutral attribute model and the 1.x / 2.x /
//!   3.0 wire forms; [`object`]: managed objects and the life-cycle state
//!   machine; [`store`]: the [`store::Store`] trait, in-memory and redb
//!   (durable) stores; [`crypto`]: the one cryptographic engine (key
//!   generation, format conversion, wrapping, the crypto operations),
//!   reached from the operations through `ops::crypto` only;
//! - `net`: the TLS listener ([`spawn`]); messages in TTLV / XML / JSON over
//!   TLS or HTTPS and the certificates come from `kmip-wire`
//!   ([`kmip_wire::conn`], [`kmip_wire::tls`]), the wire layer the harness
//!   shares;
//!   [`notify`]: opt-in push of Notify / Put to client service endpoints;
//!   [`pool`]: the bounded worker pool for CPU-heavy requests;
//!   [`access`]: authentication (Username and Password, Device and Ticket credentials) and
//!   object ownership, both off by default;
//!   `cli`: the command-line arguments shared by `kmip-reference-server` and
//!   `kmip-harness serve`.
//!
//! Depends on `kmip-ttlv` and `kmip-wire`; never on the harness crates
//! (test cases, comparison, runner, reports).

pub mod access;
pub mod asynchronous;
pub mod attributes;
pub mod certattrs;
pub mod cli;
pub mod crypto;
pub mod error;
pub mod net;
pub mod notify;
pub mod object;
pub mod ops;
pub mod pool;
pub mod reasons;
pub mod server;
pub mod spec;
pub mod store;
pub mod tree;

pub use error::{KmipError, ServerError, StoreError};
/// Where the server's certificates come from.
pub use kmip_wire::tls::CertSource as TlsConfig;
pub use net::{spawn, RunningServer, ServerConfig};
pub use server::Server;
