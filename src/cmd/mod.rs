//! One module per subcommand. Each exposes clap `Args` (or a subcommand
//! enum) and an `execute` function returning the process exit code.
//!
//! Exit codes (documented in README): 0 success; 1 conformance failures or
//! codec check failures; 2 usage / input error (bad file, bad flag);
//! 3 target unreachable; 4 a `--gate` failed; 5 a `--baseline` regression.

pub mod client_test;
pub mod codec;
pub mod interop;
pub mod load;
pub mod notify;
pub mod record;
pub mod report;
pub mod run;
pub mod serve;
pub mod tls_probe;

/// Conformance or check failures.
pub const EXIT_FAILED: u8 = 1;
/// Usage or input error.
pub const EXIT_USAGE: u8 = 2;
/// The target could not be reached.
pub const EXIT_UNREACHABLE: u8 = 3;
/// A `--gate PROFILE=RATE` was not met.
pub const EXIT_GATE: u8 = 4;
/// A case that passed in `--baseline` fails now.
pub const EXIT_REGRESSION: u8 = 5;
