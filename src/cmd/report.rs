//! `kmip-harness report` (in progress).
use std::process::ExitCode;

/// Arguments of `report`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run the subcommand.
pub fn execute(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`report` is not implemented yet")
}
