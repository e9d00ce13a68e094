//! `kmip-harness report`: re-render a saved `results.json` as a terminal
//! table, Markdown, HTML, JUnit or (normalised) JSON, to stdout or a file.
//! The rendering lives in `kmip_report`; this module only reads the file,
//! checks its format version and writes the output.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context as _};
use kmip_testcase::results::{RunResults, FORMAT_VERSION};

/// Output formats of `report`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Per-profile terminal table and totals (what `run` prints).
    Table,
    /// Markdown report (summary, failures with diffs, masked audit).
    #[value(alias = "markdown")]
    Md,
    /// Self-contained HTML page.
    Html,
    /// JUnit XML for CI.
    Junit,
    /// The results as pretty JSON.
    Json,
}

/// Arguments of `report`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A `results.json` written by `kmip-harness run`.
    #[arg(value_name = "RESULTS_JSON")]
    pub results: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Largest results file accepted (a full multi-version run is a few MiB).
const MAX_RESULTS_BYTES: u64 = 256 * 1024 * 1024;

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let results = read_results(&args.results)?;
    let text = render(&results, args.format)?;
    match &args.out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("cannot write to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Render `results` in `format`.
pub fn render(results: &RunResults, format: Format) -> anyhow::Result<String> {
    Ok(match format {
        Format::Table => kmip_report::render_table(results),
        Format::Md => kmip_report::render_markdown(results),
        Format::Html => kmip_report::render_html(results),
        Format::Junit => kmip_report::render_junit(results),
        Format::Json => kmip_report::render_json(results)?,
    })
}

/// Read and check a saved `results.json`.
fn read_results(path: &std::path::Path) -> anyhow::Result<RunResults> {
    use std::io::Read as _;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut text = String::new();
    file.take(MAX_RESULTS_BYTES + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if text.len() as u64 > MAX_RESULTS_BYTES {
        bail!(
            "{}: larger than {MAX_RESULTS_BYTES} bytes, not a results file",
            path.display()
        );
    }
    let results: RunResults = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a kmip-harness results.json", path.display()))?;
    if results.format_version > FORMAT_VERSION {
        bail!(
            "{}: format_version {} is newer than this harness understands ({FORMAT_VERSION}); use a newer kmip-harness",
            path.display(),
            results.format_version
        );
    }
    Ok(results)
}
