//! The test-case side of kmip-harness, with no I/O beyond reading files:
//!
//! - [`case`]: an OASIS test case (ordered request/response pairs) loaded
//!   from the XML notation, with its id, family prefix and protocol version.
//! - [`profile`]: YAML profile definitions (`profiles/*.yaml`).
//! - [`interop`]: the client × server matrix of `kmip-harness interop`
//!   (`interop.json`).
//! - [`results`]: the stable, serialisable result of a run (`results.json`),
//!   produced by the runner and consumed by every reporter.
//!
//! Depends on `kmip-ttlv` only; reads files but opens no socket, and never
//! depends on the comparator, the runner or the reference server.

pub mod case;
pub mod interop;
pub mod profile;
pub mod results;
