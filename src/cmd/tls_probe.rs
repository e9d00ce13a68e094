//! `kmip-harness tls-probe`: assess a KMIP server's TLS against the KMIP
//! Authentication Suites (protocol versions, cipher suites, key-exchange
//! groups, mutual authentication, port 5696) with bounded ClientHello
//! probes and rustls handshakes; prints the clause table and optionally
//! writes the evidence as JSON. All logic is in `kmip-tlsprobe`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use kmip_runner::target::TargetSpec;
use kmip_tlsprobe::exercise::{assess_encodings, EncodingConfig};
use kmip_tlsprobe::probe::ClientMaterial;
use kmip_tlsprobe::suites::Edition;
use kmip_tlsprobe::{assess, Config, Verdict};

use super::{EXIT_FAILED, EXIT_UNREACHABLE};

/// Arguments of `tls-probe`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server, HOST[:PORT] (default port 5696).
    #[arg(long, value_name = "HOST:PORT")]
    pub target: String,

    /// CA of the server certificate (PEM), checked in the
    /// mutual-authentication handshakes. Without it the server certificate
    /// is not verified there (the probes send only Discover Versions).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// A valid client certificate (PEM): the control handshake that shows a
    /// refusal of the other clients is about their certificates.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// CA that signs client certificates (PEM), with --client-ca-key: the
    /// probe issues an expired client certificate from it (§3.1.3).
    #[arg(long, value_name = "FILE", requires = "client_ca_key")]
    pub client_ca: Option<PathBuf>,

    /// Private key of --client-ca (PEM).
    #[arg(long, value_name = "FILE", requires = "client_ca")]
    pub client_ca_key: Option<PathBuf>,

    /// TLS server name (SNI and certificate check). Default: the host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,

    /// Time limit of each probe connection, milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1500)]
    pub timeout_ms: u64,

    /// Time limit of the whole probe, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub budget_s: f64,

    /// Most probe connections open at once (servers with a small accept
    /// backlog drop more, and each dropped connection costs a 1 s retry).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub parallel: usize,

    /// Most probe connections in total.
    #[arg(long, value_name = "N", default_value_t = 96)]
    pub max_connections: usize,

    /// KMIP version(s) the server claims (1.0–3.0): clauses of other
    /// Profiles editions are reported not applicable. Default: all.
    #[arg(long = "kmip-version", value_name = "X.Y")]
    pub kmip_version: Vec<String>,

    /// Also assess the HTTPS Authentication Suite's transport conditions
    /// (Profiles §3.2/§5.3): one POST per encoding (TTLV and --encodings)
    /// and a GET, response status, Content-Type, Content-Length and
    /// Cache-Control judged from the raw headers.
    #[arg(long)]
    pub https: bool,

    /// HTTP request target of --https and of `--encodings-over https`.
    #[arg(long, value_name = "PATH", default_value = "/kmip")]
    pub https_path: String,

    /// Check the server's KMIP XML and/or JSON mapping (comma-separated:
    /// xml,json): requests built from the dictionary (Query of everything,
    /// a rich symmetric key, an EC key pair, failing requests) and every
    /// response element checked against the mapping rules, with tag and
    /// enumeration coverage. Versions: --kmip-version, else the highest the
    /// server lists.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub encodings: Vec<kmip_wire::Encoding>,

    /// Transport of the --encodings exchanges: tls (raw messages on TLS) or
    /// https (POSTs to --https-path).
    #[arg(long, value_name = "tls|https", default_value = "tls", value_parser = parse_transport)]
    pub encodings_over: kmip_wire::Transport,

    /// Time limit of each --https / --encodings exchange, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub exchange_timeout_s: f64,

    /// Write the assessment (every clause with its evidence) as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

fn parse_transport(s: &str) -> Result<kmip_wire::Transport, String> {
    match s {
        "tls" => Ok(kmip_wire::Transport::Tls),
        "https" => Ok(kmip_wire::Transport::Https),
        _ => Err(format!("unknown transport {s:?} (expected tls or https)")),
    }
}

fn read(p: &Option<PathBuf>) -> anyhow::Result<Option<Vec<u8>>> {
    p.as_ref()
        .map(|p| std::fs::read(p).with_context(|| format!("reading {}", p.display())))
        .transpose()
}

/// What `run` hands to [`assess_for_run`].
pub struct RunProbe<'a> {
    /// Target host.
    pub host: &'a str,
    /// Target port.
    pub port: u16,
    /// TLS server name.
    pub sni: Option<String>,
    /// The run's `[ca, cert, key]` files.
    pub files: [Option<PathBuf>; 3],
    /// `[client CA, client CA key]` for the expired-certificate case.
    pub client_ca: [Option<PathBuf>; 2],
    /// Report folder (tls-assessment.json goes there).
    pub report_dir: &'a std::path::Path,
}

/// `run` (unless `--no-assess-tls`): assess a remote target with the
/// default limits, for the Profiles editions of the run's server profiles,
/// with the run's TLS files; attach the clauses to the server profiles of
/// `results`, write `tls-assessment.json` into the report folder. Returns
/// the clause table and the milliseconds the assessment took.
pub fn assess_for_run(
    rt: &tokio::runtime::Runtime,
    results: &mut kmip_testcase::results::RunResults,
    p: RunProbe<'_>,
) -> anyhow::Result<(String, u64)> {
    let mut config = Config::new(p.host, p.port);
    config.sni = p.sni;
    let mut editions = Vec::new();
    for e in results
        .profiles
        .iter()
        .filter(|p| p.role == "server")
        .filter_map(|p| Edition::of(&p.version))
    {
        if !editions.contains(&e) {
            editions.push(e);
        }
    }
    if !editions.is_empty() {
        config.editions = editions;
    }
    let [ca, cert, key] = p.files;
    let [client_ca, client_ca_key] = p.client_ca;
    config.material = ClientMaterial {
        ca_pem: read(&ca)?,
        cert_key_pem: read(&cert)?.zip(read(&key)?),
        client_ca_pem: read(&client_ca)?.zip(read(&client_ca_key)?),
    };
    let start = std::time::Instant::now();
    let a = rt.block_on(assess(&config));
    kmip_tlsprobe::profiles::attach(results, "server", &a.clauses);
    let encodings = assess_encodings_for_run(rt, results, &config);
    let added = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    if !encodings.is_empty() {
        let path = p.report_dir.join("encoding-assessment.json");
        std::fs::create_dir_all(p.report_dir)
            .with_context(|| format!("creating {}", p.report_dir.display()))?;
        let text = serde_json::to_string_pretty(&encodings)
            .context("serialising the encoding assessment")?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let path = p.report_dir.join("tls-assessment.json");
    std::fs::create_dir_all(p.report_dir)
        .with_context(|| format!("creating {}", p.report_dir.display()))?;
    let text = serde_json::to_string_pretty(&a).context("serialising the TLS assessment")?;
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok((kmip_tlsprobe::table::render_table(&a), added))
}

/// The encoding clauses of a run (HTTPS transport conditions, XML / JSON
/// mapping), assessed once per KMIP version of the server profiles whose
/// `not_assessed` lines name them, and attached to the profiles of that
/// version only. The per-version assessments run at the same time. Returns
/// `(version, clauses)` for `encoding-assessment.json`.
fn assess_encodings_for_run(
    rt: &tokio::runtime::Runtime,
    results: &mut kmip_testcase::results::RunResults,
    tls: &Config,
) -> Vec<(String, Vec<kmip_tlsprobe::ClauseResult>)> {
    use kmip_tlsprobe::exercise::{JSON_SUITE, XML_SUITE};
    use kmip_tlsprobe::https::SUITE as HTTPS_SUITE;
    // version → (https, xml, json) the run's server profiles ask for.
    let mut wanted: std::collections::BTreeMap<String, [bool; 3]> = Default::default();
    for p in results.profiles.iter().filter(|p| p.role == "server") {
        let has = |suite: &str| p.not_assessed.iter().any(|l| l.starts_with(suite));
        let w = [has(HTTPS_SUITE), has(XML_SUITE), has(JSON_SUITE)];
        if w.iter().any(|b| *b) {
            let e = wanted.entry(p.version.clone()).or_default();
            for (slot, want) in e.iter_mut().zip(w) {
                *slot |= want;
            }
        }
    }
    // The exchanges' futures are not `Send` (the HTTPS body builder), so
    // the per-version assessments share one thread through a LocalSet.
    let local = tokio::task::LocalSet::new();
    let mut out = local.block_on(rt, async {
        let mut jobs = Vec::new();
        for (version, [https, xml, json]) in wanted {
            let Some(v) = parse_version(&version) else {
                continue;
            };
            let mut cfg = EncodingConfig::new(&tls.host, tls.port);
            cfg.sni = tls.sni.clone();
            cfg.material = tls.material.clone();
            cfg.https = https;
            cfg.encodings = [
                (xml, kmip_wire::Encoding::Xml),
                (json, kmip_wire::Encoding::Json),
            ]
            .into_iter()
            .filter_map(|(on, e)| on.then_some(e))
            .collect();
            cfg.versions = vec![v];
            // All exchanges run at once, so a target that never answers
            // (e.g. a TTLV-only server reading an HTTP request as a TTLV
            // header) costs one timeout: keep the run's probing under 5 s.
            cfg.exchange_timeout = std::time::Duration::from_secs(3);
            jobs.push(tokio::task::spawn_local(async move {
                (version, assess_encodings(&cfg).await)
            }));
        }
        let mut out = Vec::new();
        for j in jobs {
            if let Ok(r) = j.await {
                out.push(r);
            }
        }
        out
    });
    out.sort_by(|a, b| a.0.cmp(&b.0));
    for (version, clauses) in &out {
        kmip_tlsprobe::profiles::attach_where(results, "server", clauses, |p| {
            &p.version == version
        });
    }
    out
}

/// `"2.1"` → KMIP 2.1.
fn parse_version(s: &str) -> Option<kmip_ttlv::dict::Version> {
    let (a, b) = s.split_once('.')?;
    Some(kmip_ttlv::dict::Version::new(
        a.parse().ok()?,
        b.parse().ok()?,
    ))
}

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let (host, port) = match args.target.parse::<TargetSpec>()? {
        TargetSpec::Remote { host, port } => (host, port),
        TargetSpec::Reference => bail!(
            "tls-probe needs a network target: start the reference server with `serve` and \
             give its HOST:PORT"
        ),
    };
    if !(args.budget_s > 0.0 && args.budget_s.is_finite()) {
        bail!("--budget-s must be a positive number of seconds");
    }
    let mut editions = Vec::new();
    for v in &args.kmip_version {
        let e = Edition::of(v).with_context(|| format!("unknown KMIP version {v:?} (1.0–3.0)"))?;
        if !editions.contains(&e) {
            editions.push(e);
        }
    }
    let mut config = Config::new(&host, port);
    if !editions.is_empty() {
        config.editions = editions;
    }
    config.sni = args.sni.clone();
    config.timeout = Duration::from_millis(args.timeout_ms.max(1));
    config.budget = Duration::from_secs_f64(args.budget_s);
    config.parallel = args.parallel.max(1);
    config.max_probes = args.max_connections;
    config.material = ClientMaterial {
        ca_pem: read(&args.ca)?,
        cert_key_pem: read(&args.cert)?.zip(read(&args.key)?),
        client_ca_pem: read(&args.client_ca)?.zip(read(&args.client_ca_key)?),
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut a = rt.block_on(assess(&config));
    if args.https || !args.encodings.is_empty() {
        if !(args.exchange_timeout_s > 0.0 && args.exchange_timeout_s.is_finite()) {
            bail!("--exchange-timeout-s must be a positive number of seconds");
        }
        let mut ec = EncodingConfig::new(&host, port);
        ec.sni = args.sni.clone();
        ec.material = config.material.clone();
        ec.https = args.https;
        ec.https_path = args.https_path.clone();
        ec.encodings = args.encodings.clone();
        ec.encodings_over = args.encodings_over;
        ec.exchange_timeout = Duration::from_secs_f64(args.exchange_timeout_s);
        for v in &args.kmip_version {
            if let Some((Ok(a), Ok(b))) = v.split_once('.').map(|(a, b)| (a.parse(), b.parse())) {
                ec.versions.push(kmip_ttlv::dict::Version::new(a, b));
            }
        }
        a.clauses.extend(rt.block_on(assess_encodings(&ec)));
    }
    print!("{}", kmip_tlsprobe::table::render_table(&a));
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&a).context("serialising the assessment")?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    if a.unreachable() {
        eprintln!("error: {} could not be reached", a.target);
        return Ok(ExitCode::from(EXIT_UNREACHABLE));
    }
    Ok(if a.clauses.iter().any(|c| c.verdict == Verdict::Fail) {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}
