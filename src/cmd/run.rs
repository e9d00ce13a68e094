//! `kmip-harness run` (in progress).
use std::process::ExitCode;

/// Arguments of `run`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Run the subcommand.
pub fn execute(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`run` is not implemented yet")
}
