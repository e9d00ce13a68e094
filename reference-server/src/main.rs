//! `kmip-reference-server`: run the bundled reference KMIP server.

use clap::Parser;
use kmip_reference_server::cli::{serve_until_signal, ServeArgs};
use std::process::ExitCode;

/// The bundled reference KMIP server (KMIP 1.0–3.0 over TLS).
#[derive(Parser, Debug)]
#[command(name = "kmip-reference-server", version, about)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli.serve.init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(serve_until_signal(&cli.serve)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
