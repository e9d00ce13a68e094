//! The bundled reference KMIP server: a correct-per-spec KMIP 1.0–3.0
//! server used as the harness's default target and as the server vendors
//! compare against. It never reads test-case files.
//!
//! - [`server`]: the pure protocol core ([`Server::handle_message`],
//!   [`Server::handle_bytes`]): message layer, batches, ID placeholder,
//!   version negotiation, Maximum Response Size;
//! - [`ops`]: one module per operation group and the dispatch point;
//! - [`attributes`]: the version-neutral attribute model and the 1.x / 2.x /
//!   3.0 wire forms; [`object`]: managed objects and the life-cycle state
//!   machine; [`store`]: the [`store::Store`] trait, in-memory and redb
//!   (durable) stores; [`keys`]: key generation and format conversion;
//! - `net` / `tls`: the TLS listener ([`spawn`]) and certificates;
//!   [`transport`]: TTLV / XML / JSON messages over TLS or HTTPS;
//!   [`notify`]: opt-in push of Notify / Put to client service endpoints;
//!   [`pool`]: the bounded worker pool for CPU-heavy requests;
//!   `cli`: the command-line arguments shared by `kmip-reference-server` and
//!   `kmip-harness serve`.

pub mod attributes;
pub mod certattrs;
pub mod cli;
pub mod crypto;
pub mod error;
pub mod keys;
pub mod net;
pub mod notify;
pub mod object;
pub mod ops;
pub mod pool;
pub mod server;
pub mod spec;
pub mod store;
pub mod tls;
pub mod transport;
pub mod tree;

pub use error::{KmipError, ServerError, StoreError};
pub use net::{spawn, RunningServer, ServerConfig};
pub use server::Server;
pub use tls::TlsConfig;
