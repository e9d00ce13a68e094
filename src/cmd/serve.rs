//! `kmip-harness serve`: run the bundled reference KMIP server in the
//! foreground (the same options as the `kmip-reference-server` binary,
//! see [`kmip_reference_server::cli::ServeArgs`]) until Ctrl-C / SIGTERM.
//! Option combinations where an option could not take effect are refused
//! (exit 2) with the reason.
use anyhow::Context;
use kmip_reference_server::cli::{serve_until_signal, ServeArgs};
use std::process::ExitCode;

use super::EXIT_USAGE;

/// Arguments of `serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Server options.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    if let Err(e) = args.serve.validate() {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    args.serve.init_logging();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime
        .block_on(serve_until_signal(&args.serve))
        .context("reference server")?;
    Ok(ExitCode::SUCCESS)
}
