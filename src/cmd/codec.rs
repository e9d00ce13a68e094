//! `kmip-harness codec` (in progress).
use std::process::ExitCode;

/// Codec subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Check that every message of the given test cases round-trips.
    Check {},
}

/// Run the subcommand.
pub fn execute(_cmd: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`codec` is not implemented yet")
}
