//! kmip-runner: everything that talks to a KMIP server, and the pure logic
//! around a run.
//!
//! Depends on: `kmip-ttlv`, `kmip-wire` (framing, HTTPS, exchange, TLS),
//! `kmip-testcase`, `kmip-compare`. Must not depend on the reference server
//! it tests, except behind the optional `reference` feature, which adds
//! only [`target::ReferenceTarget`] (the server started in-process for
//! `--target reference`); without it the runner builds and runs against
//! any remote target.
//!
//! - [`target`]: where messages go — a remote server over TLS
//!   (`HOST[:PORT]`), or (feature `reference`) the bundled reference server
//!   started in-process — behind the [`target::Connector`] trait (tests plug
//!   in their own).
//! - `openssl_backend` (feature `openssl`): an OpenSSL connector for
//!   servers that only offer the CBC suites of the KMIP Basic
//!   Authentication Suite, which rustls does not implement.
//! - [`tls`], [`transport`], [`encoding`]: the parts of `kmip-wire` the
//!   runner uses — rustls client configuration, message framing and the
//!   exchange (TTLV, XML, JSON, raw or over HTTPS, bounded and with
//!   timeouts), the `--encoding` / `--transport` choice.
//! - [`config`]: the `--target-config` YAML file (TLS, credentials, declared
//!   capabilities and quirks → skips).
//! - [`plan`]: loading, filtering and grouping test cases (chained cases run
//!   in order).
//! - [`replay`]: replaying one test case over one connection.
//! - [`query_check`]: run-level checks (Query answers against the run,
//!   `--probe-query`; the run start of `$NOW` windows).
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
pub mod load;
#[cfg(feature = "openssl")]
pub mod openssl_backend;
pub mod plan;
pub mod query_check;
pub mod replay;
pub mod run;
pub mod runner;
pub mod target;
pub mod tls;
pub mod transport;
pub mod wire;
pub mod world;
