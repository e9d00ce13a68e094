//! `kmip-harness`: the command line. Parses arguments and dispatches to one
//! module per subcommand in [`cmd`]; all logic lives in the library crates.

mod cmd;
mod embedded;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// KMIP conformance and interoperability test harness.
#[derive(Parser, Debug)]
#[command(name = "kmip-harness", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay test cases against a KMIP server and report per profile.
    Run(cmd::run::Args),
    /// Check or convert KMIP messages between TTLV, hex, XML and JSON.
    #[command(subcommand)]
    Codec(cmd::codec::Command),
    /// Run the bundled reference KMIP server.
    Serve(cmd::serve::Args),
    /// Re-render a saved results.json as Markdown, HTML, JUnit or a table.
    Report(cmd::report::Args),
    /// Drive a KMIP server with concurrent Create/Get/Destroy load.
    Load(cmd::load::Args),
    /// Play the server: check a KMIP client's requests against test cases.
    ClientTest(cmd::client_test::Args),
    /// Recording TLS proxy: write a client-server conversation as a test case.
    Record(cmd::record::Args),
    /// Send Notify / Put to a client's service port and check the acknowledgements.
    Notify(cmd::notify::Args),
    /// Clients x servers through the recording proxy, both sides judged: the interop matrix.
    Interop(cmd::interop::Args),
    /// Assess a server's TLS against the KMIP Authentication Suites.
    TlsProbe(cmd::tls_probe::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => cmd::run::execute(a),
        Command::Codec(c) => cmd::codec::execute(c),
        Command::Serve(a) => cmd::serve::execute(a),
        Command::Report(a) => cmd::report::execute(a),
        Command::Load(a) => cmd::load::execute(a),
        Command::ClientTest(a) => cmd::client_test::execute(a),
        Command::Record(a) => cmd::record::execute(a),
        Command::Notify(a) => cmd::notify::execute(a),
        Command::TlsProbe(a) => cmd::tls_probe::execute(a),
        Command::Interop(a) => cmd::interop::execute(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(cmd::EXIT_USAGE)
        }
    }
}
