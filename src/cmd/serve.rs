//! `kmip-harness serve` (in progress).
use std::process::ExitCode;

/// Arguments of `serve`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run the subcommand.
pub fn execute(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`serve` is not implemented yet")
}
