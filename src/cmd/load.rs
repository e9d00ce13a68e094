//! `kmip-harness load`: drive a KMIP server with N concurrent clients for a
//! fixed duration (cycles of Create / Get / Get Attributes / Locate /
//! Encrypt / Destroy, optionally batched) and print operations per second
//! with p50 / p99 latency per operation; the engine is
//! [`kmip_runner::load`]. Exit 0 when every operation succeeded and no
//! created key was lost, 1 otherwise, 3 when no connection could be made,
//! 2 on bad flags.
//!
//! Where the client runs: in this process (default), or in `--procs N`
//! client processes (this binary again, each with a share of the clients;
//! their JSON reports, histograms included, are merged). The server: the
//! bundled one in this process (`--target reference`), the bundled one in
//! its own process (`--target serve`: `kmip-harness serve` on 127.0.0.1,
//! generated certificates, in-memory store, warn-level logging, stopped at
//! the end), or any HOST:PORT. Server CPU per operation is reported for
//! `--target serve` and for `--server-pid PID` (a local server), from
//! `/proc/PID/stat` before and after the run.

use super::{EXIT_FAILED, EXIT_UNREACHABLE, EXIT_USAGE};
use anyhow::Context;
use kmip_runner::load::{self, procstat, LoadOptions, LoadReport, OpSet};
use kmip_runner::target::{remote_connector, Connector, ReferenceTarget, TargetSpec, TlsBackend};
use kmip_runner::tls::TlsMaterial;
use kmip_ttlv::ttlv::Limits;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// TLS implementation (see `--tls-backend`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// rustls.
    Rustls,
    /// The system OpenSSL (build with `--features openssl`).
    Openssl,
}

/// Arguments of `load`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `reference` (the bundled server, in this process), `serve` (the
    /// bundled server started in its own process on 127.0.0.1 for the run;
    /// its CPU per operation is reported) or HOST[:PORT].
    #[arg(long, default_value = "reference")]
    pub target: String,

    /// Client processes: N > 1 runs the clients in N processes of this
    /// binary (the clients split among them) and merges their figures, so
    /// the client is not limited to one process. Needs `serve` or a
    /// HOST:PORT target.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub procs: usize,

    /// Process id of a local server: its CPU time (user + system, from
    /// /proc/PID/stat) during the run is reported per operation. Automatic
    /// with `--target serve`.
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,

    /// Concurrent clients, one persistent connection each.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,

    /// Measured duration, seconds (at most 3600).
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub duration: f64,

    /// The cycle: a comma-separated subset of create, get, get-attributes,
    /// locate, encrypt, revoke, destroy, run in that order. Each acts on
    /// the keys the cycle created (without create: on keys made once at
    /// start); locate finds each key by the unique Name create gave it
    /// (needs create); encrypt encrypts 64 bytes (AES-CBC, PKCS#5) and makes
    /// create ask for Active keys, which must be revoked before destroy.
    #[arg(long, default_value = "create,get,destroy")]
    pub ops: String,

    /// Batch items per message: K keys per cycle, each operation sent as
    /// one message of K batch items.
    #[arg(long, default_value_t = 1)]
    pub batch: usize,

    /// TCP + TLS connect timeout, seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub connect_timeout: f64,

    /// Timeout for each response, seconds.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// PEM file of the CA that signed the server certificate (required for
    /// a HOST:PORT target).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// PEM client certificate (chain) for mutual TLS; needs --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// PEM private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// TLS server name to send (SNI) and verify. Default: the target host.
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,

    /// TLS implementation for a HOST:PORT target.
    #[arg(long, value_enum, default_value_t = Backend::Rustls)]
    pub tls_backend: Backend,

    /// Also write the figures as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

fn usage(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(EXIT_USAGE))
}

fn secs(name: &str, v: f64) -> Result<Duration, String> {
    if v.is_finite() && v > 0.0 && v <= 1e6 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(format!("--{name} must be a positive number of seconds"))
    }
}

/// Most accepted `--procs`.
const MAX_PROCS: usize = 64;

/// `kmip-harness serve` started in its own process for the run; stopped
/// (and its certificate directory removed) when dropped.
struct SpawnedServer {
    child: Child,
    addr: String,
    dir: PathBuf,
}

impl SpawnedServer {
    /// Start it and wait (at most `wait`) for the address it listens on.
    fn start(wait: Duration) -> anyhow::Result<SpawnedServer> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("kh-load-serve-{}-{nanos:x}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let exe = std::env::current_exe().context("locating this executable")?;
        let mut child = Command::new(exe)
            .arg("serve")
            .args([
                "--listen",
                "127.0.0.1:0",
                "--log-level",
                "warn",
                "--cert-dir",
            ])
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting `kmip-harness serve`")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        // Read the address, then keep draining what the server prints.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(a) = line.strip_prefix("listening on ") {
                    let _ = tx.send(a.trim().to_string());
                }
            }
        });
        let mut server = SpawnedServer {
            child,
            addr: String::new(),
            dir,
        };
        match rx.recv_timeout(wait.max(Duration::from_secs(30))) {
            Ok(addr) => {
                server.addr = addr;
                Ok(server)
            }
            // Dropping `server` stops the process.
            Err(_) => anyhow::bail!("`kmip-harness serve` did not report its address"),
        }
    }

    fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
}

impl Drop for SpawnedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Run the clients in `procs` processes of this binary against `target`
/// (HOST:PORT) and merge their JSON reports.
fn run_procs(args: &Args, target: &str, ca: &Path, procs: usize) -> anyhow::Result<LoadReport> {
    let exe = std::env::current_exe().context("locating this executable")?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("kh-load-procs-{}-{nanos:x}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let result = (|| {
        let mut children = Vec::new();
        for i in 0..procs {
            let clients = args.clients / procs + usize::from(i < args.clients % procs);
            let mut cmd = Command::new(&exe);
            cmd.arg("load")
                .args(["--target", target, "--ops", &args.ops])
                .arg("--ca")
                .arg(ca)
                .args(["--clients", &clients.to_string()])
                .args(["--duration", &args.duration.to_string()])
                .args(["--batch", &args.batch.to_string()])
                .args(["--connect-timeout", &args.connect_timeout.to_string()])
                .args(["--timeout", &args.timeout.to_string()])
                .args([
                    "--tls-backend",
                    match args.tls_backend {
                        Backend::Rustls => "rustls",
                        Backend::Openssl => "openssl",
                    },
                ])
                .arg("--json")
                .arg(dir.join(format!("{i}.json")))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
            if let (Some(c), Some(k)) = (&args.cert, &args.key) {
                cmd.arg("--cert").arg(c).arg("--key").arg(k);
            }
            if let Some(n) = &args.sni {
                cmd.args(["--sni", n]);
            }
            children.push(cmd.spawn().context("starting a client process")?);
        }
        for mut c in children {
            c.wait().context("waiting for a client process")?;
        }
        let mut total: Option<LoadReport> = None;
        for i in 0..procs {
            let p = dir.join(format!("{i}.json"));
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("client process {i} wrote no report"))?;
            let v: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("client process {i}: report is not JSON"))?;
            let r = load::report::from_json(&v)
                .with_context(|| format!("client process {i}: incomplete report"))?;
            total = Some(match total {
                None => r,
                Some(mut t) => {
                    t.clients += r.clients;
                    t.elapsed = t.elapsed.max(r.elapsed);
                    t.merge(r);
                    t
                }
            });
        }
        let mut t = total.context("no client process")?;
        t.procs = procs;
        Ok(t)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Run the subcommand.
pub fn execute(args: Args) -> anyhow::Result<ExitCode> {
    let serve = args.target == "serve";
    let spec: TargetSpec = if serve {
        // Replaced by the spawned server's address below.
        TargetSpec::Remote {
            host: "127.0.0.1".into(),
            port: 0,
        }
    } else {
        match args.target.parse() {
            Ok(s) => s,
            Err(e) => return usage(e),
        }
    };
    if args.procs == 0 || args.procs > MAX_PROCS {
        return usage(format!("--procs must be 1..={MAX_PROCS}"));
    }
    if args.procs > 1 && spec == TargetSpec::Reference {
        return usage("--procs needs --target serve or HOST:PORT (each process would run its own in-process server)");
    }
    if args.procs > args.clients {
        return usage("--procs must not exceed --clients");
    }
    if serve && args.ca.is_some() {
        return usage("--ca does not apply to --target serve (it uses the CA it generates)");
    }
    let ops: OpSet = match args.ops.parse() {
        Ok(o) => o,
        Err(e) => return usage(e),
    };
    let (duration, connect_timeout, message_timeout) = match (
        secs("duration", args.duration),
        secs("connect-timeout", args.connect_timeout),
        secs("timeout", args.timeout),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return usage(e),
    };
    let opts = LoadOptions {
        clients: args.clients,
        duration,
        ops: ops.clone(),
        batch: args.batch,
        message_timeout,
        limits: Limits::default(),
    };
    if let Err(e) = opts.validate() {
        return usage(e);
    }
    // The server in its own process, when asked for.
    let spawned = if serve {
        Some(SpawnedServer::start(connect_timeout)?)
    } else {
        None
    };
    let (spec, ca) = match &spawned {
        Some(srv) => match srv.addr.parse::<TargetSpec>() {
            Ok(spec) => (spec, Some(srv.ca())),
            Err(e) => anyhow::bail!("spawned server address {}: {e}", srv.addr),
        },
        None => (spec, args.ca.clone()),
    };
    let server_pid = args.server_pid.or(spawned.as_ref().map(|s| s.child.id()));
    let material = match &spec {
        TargetSpec::Reference => {
            if let Err(e) = kmip_runner::target::reference_tls_flags(&[
                ("--ca", args.ca.is_some()),
                ("--cert", args.cert.is_some()),
                ("--key", args.key.is_some()),
                ("--sni", args.sni.is_some()),
                (
                    "--tls-backend openssl",
                    args.tls_backend == Backend::Openssl,
                ),
            ]) {
                return usage(e);
            }
            None
        }
        TargetSpec::Remote { .. } => {
            let Some(ca) = &ca else {
                return usage("--ca FILE is required for a HOST:PORT target");
            };
            Some(TlsMaterial::from_files(
                ca,
                args.cert.as_deref(),
                args.key.as_deref(),
            )?)
        }
    };
    let server_cpu_at_start = match server_pid.map(procstat::cpu_time).transpose() {
        Ok(c) => c,
        Err(e) => return usage(format!("--server-pid: {e}")),
    };
    let own_cpu_at_start = procstat::own_cpu_time().ok();
    let mut report = if args.procs > 1 {
        let (TargetSpec::Remote { host, port }, Some(ca)) = (&spec, &ca) else {
            return usage("--procs needs --target serve or HOST:PORT");
        };
        let target = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        run_procs(&args, &target, ca, args.procs)?
    } else {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let mut report = rt.block_on(async {
            let (connector, reference): (Arc<dyn Connector>, Option<ReferenceTarget>) = match &spec
            {
                TargetSpec::Reference => {
                    let r = ReferenceTarget::start(connect_timeout).await?;
                    (Arc::new(r.connector()), Some(r))
                }
                TargetSpec::Remote { host, port } => {
                    let backend = match args.tls_backend {
                        Backend::Rustls => TlsBackend::Rustls,
                        Backend::Openssl => TlsBackend::Openssl,
                    };
                    let material = material.as_ref().context("TLS material")?;
                    let c = remote_connector(
                        backend,
                        host,
                        *port,
                        args.sni.as_deref(),
                        material,
                        connect_timeout,
                    )?;
                    (c, None)
                }
            };
            let mut report = load::run_load(connector, opts).await;
            if let Some(r) = reference {
                if let Ok(rep) = report.as_mut() {
                    rep.target = format!("reference (in-process, {})", r.addr());
                }
                r.shutdown().await;
            }
            anyhow::Ok(report?)
        })?;
        report.procs = 1;
        // In-process reference server: this process's CPU is client and
        // server together, so no client figure.
        if spec != TargetSpec::Reference {
            report.client_cpu = own_cpu_at_start
                .zip(procstat::own_cpu_time().ok())
                .map(|(a, b)| b.saturating_sub(a));
        }
        report
    };
    if let (Some(pid), Some(start)) = (server_pid, server_cpu_at_start) {
        report.server_cpu = procstat::cpu_time(pid)
            .ok()
            .map(|c| c.saturating_sub(start));
    }
    if let Some(srv) = &spawned {
        report.target = format!(
            "kmip-harness serve (own process, pid {}, {})",
            srv.child.id(),
            srv.addr
        );
    }
    drop(spawned);
    print!("{}", load::report::render_text(&report, &ops));
    if let Some(p) = &args.json {
        let text = serde_json::to_string_pretty(&load::report::to_json(&report, &ops))?;
        std::fs::write(p, text + "\n").with_context(|| format!("writing {}", p.display()))?;
    }
    if report.total_ok() == 0 && report.connect_errors > 0 {
        return Ok(ExitCode::from(EXIT_UNREACHABLE));
    }
    if report.is_clean() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(EXIT_FAILED))
    }
}
