//! kmip-runner: everything that talks to a KMIP server, and the pure logic
//! around a run.
//!
//! - [`target`]: where messages go — a remote server over TLS
//!   (`HOST[:PORT]`), or the bundled reference server started in-process —
//!   behind the [`target::Connector`] trait (tests plug in their own).
//! - `openssl_backend` (feature `openssl`): an OpenSSL connector for
//!   servers that only offer the CBC suites of the KMIP Basic
//!   Authentication Suite, which rustls does not implement.
//! - [`tls`]: rustls client configuration from PEM files or strings.
//! - [`transport`]: message framing on a byte stream (TTLV, XML, JSON,
//!   raw or over HTTPS), bounded and with timeouts; [`encoding`]: the
//!   `--encoding` / `--transport` choice; [`http`]: the HTTPS client side.
//! - [`config`]: the `--target-config` YAML file (TLS, credentials, declared
//!   capabilities and quirks → skips).
//! - [`plan`]: loading, filtering and grouping test cases (chained cases run
//!   in order).
//! - [`replay`]: replaying one test case over one connection.
//! - [`run`]: running a plan in parallel and building
//!   [`kmip_testcase::results::RunResults`].
//! - [`runner`]: the run API — [`runner::RunSpec`] in,
//!   [`kmip_testcase::results::RunResults`] out (config merge, profiles,
//!   selection, plan, target, clean worlds, expectations, exit policy);
//!   what `kmip-harness run` calls.
//! - [`world`]: a clean world for state-sensitive cases (a fresh
//!   reference server, or pre/post-clean of what the run created).
//! - [`events`]: typed progress events sent over a channel.
//! - [`gate`]: `--gate` and `--baseline` checks over results (pure).
//! - [`expectations`]: the known-failure list (`expectations.yaml`).
//! - [`load`]: load generation (`kmip-harness load`): ops/s and latency.

pub mod client;
pub mod config;
pub mod encoding;
pub mod events;
pub mod expectations;
pub mod gate;
pub mod http;
pub mod load;
#[cfg(feature = "openssl")]
pub mod openssl_backend;
pub mod plan;
pub mod replay;
pub mod run;
pub mod runner;
pub mod target;
pub mod tls;
pub mod transport;
pub mod wire;
pub mod world;
