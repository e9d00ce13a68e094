//! The corpus test: one named libtest-mimic test per test case, all run
//! against ONE bundled reference server started in-process (shared tokio
//! runtime), each case on its own TLS connection.
//!
//! Sources: the OASIS corpus from `$KMIP_CORPUS`, else `../shared/oasis`
//! next to the repository (SKIP printed when absent; a failure with
//! `KMIP_REQUIRE_CORPUS=1`, see `test-support/corpus.rs`), plus the
//! project's own server cases under `testcases/` (not `testcases/client/`). Names follow the folders:
//! `v2.1::mandatory::SKLC-M-1-21` for the corpus,
//! `project::<subfolders>::<ID>` for `testcases/`, so
//! `cargo test --test corpus -- SKLC` runs just those.
//!
//! Verdicts are judged against `expectations.yaml` (see
//! `kmip_runner::expectations`): a listed case that fails passes as XFAIL
//! (printed with its reason), a listed case that passes FAILS ("now passes:
//! remove it from the expectations file"), an unlisted case that fails or
//! errors FAILS with its reason and diff.
//!
//! Chained cases (TL-M-*, SASED-M-*: later cases Locate what earlier ones
//! left on the server) run as one ordered group the first time any of
//! them is selected; each test then reports its own case.
//!
//! Isolation follows the runner's rule (`kmip_runner::plan`, "Exclusive
//! phase"): a case that Locates, or shares a fixed Name with another case,
//! runs alone — it holds the write side of a lock every other case holds
//! the read side of — so parallel test threads never change its result;
//! and, like `run` (`kmip_runner::world`), it runs on a fresh reference
//! server, so objects earlier cases left never reach its Locate.

use kmip_runner::events::EventSink;
use kmip_runner::expectations::{Expectations, Judgement};
use kmip_runner::plan::{self, PlannedCase};
use kmip_runner::run::{self, RunOptions};
use kmip_runner::target::{ReferenceTarget, TlsConnector};
use kmip_testcase::results::{CaseResult, Status};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

#[path = "../test-support/corpus.rs"]
mod corpus_support;

/// Results of one chained family, computed once.
type FamilyResults = Arc<OnceLock<HashMap<String, CaseResult>>>;

/// State shared by every trial: the runtime, the server (started on first
/// use), the results of chained families.
struct Shared {
    rt: tokio::runtime::Runtime,
    server: OnceLock<Result<(ReferenceTarget, TlsConnector), String>>,
    families: Mutex<HashMap<&'static str, FamilyResults>>,
    /// Every discovered file, for chained groups.
    files: Vec<PathBuf>,
    opts: RunOptions,
    /// Ids of the cases that must run alone (exclusive groups of the plan).
    exclusive: HashSet<String>,
    /// Exclusive cases take it for writing, the others for reading.
    isolation: RwLock<()>,
}

impl Shared {
    fn connector(&self) -> Result<&TlsConnector, Failed> {
        let s = self.server.get_or_init(|| {
            self.rt
                .block_on(ReferenceTarget::start(Duration::from_secs(10)))
                .map(|t| {
                    let c = t.connector();
                    (t, c)
                })
                .map_err(|e| e.to_string())
        });
        match s {
            Ok((_, c)) => Ok(c),
            Err(e) => Err(format!("reference server did not start: {e}").into()),
        }
    }

    fn run_one(&self, path: &Path) -> Result<CaseResult, Failed> {
        let planned = PlannedCase::load(path);
        let c = self.connector()?;
        // A poisoned lock only means another trial panicked: keep going.
        let alone = self.exclusive.contains(&planned.id);
        let _write = alone.then(|| self.isolation.write().unwrap_or_else(|e| e.into_inner()));
        let _read = (!alone).then(|| self.isolation.read().unwrap_or_else(|e| e.into_inner()));
        if let Some(family) = plan::chain_family(&planned.id) {
            return self.run_family(family, &planned.id);
        }
        if alone {
            // A clean world, as `run` gives it (kmip_runner::world): a
            // state-sensitive case runs on a fresh reference server.
            return self.rt.block_on(async {
                let fresh = ReferenceTarget::start(Duration::from_secs(10))
                    .await
                    .map_err(|e| Failed::from(format!("fresh reference server: {e}")))?;
                let r = run::run_case(&fresh.connector(), &planned, &self.opts, &EventSink::none())
                    .await;
                fresh.shutdown().await;
                Ok(r)
            });
        }
        Ok(self
            .rt
            .block_on(run::run_case(c, &planned, &self.opts, &EventSink::none())))
    }

    /// Run the whole chained family once (in order), then report one case.
    fn run_family(&self, family: &'static str, id: &str) -> Result<CaseResult, Failed> {
        let cell = {
            let mut f = self
                .families
                .lock()
                .map_err(|_| Failed::from("poisoned lock"))?;
            f.entry(family).or_default().clone()
        };
        let c = self.connector()?;
        let results = cell.get_or_init(|| {
            let members: Vec<PlannedCase> = self
                .files
                .iter()
                .filter(|p| {
                    p.file_stem()
                        .and_then(|s| s.to_str())
                        .and_then(plan::chain_family)
                        == Some(family)
                })
                .map(|p| PlannedCase::load(p))
                .collect();
            let mut out = HashMap::new();
            for g in plan::group(members) {
                // Chained: each case adopts the previous one's object memory.
                let mut memory = None;
                for p in &g.cases {
                    let r = self.rt.block_on(run::run_case_chained(
                        c,
                        p,
                        &self.opts,
                        &EventSink::none(),
                        Some(&mut memory),
                    ));
                    out.insert(r.id.clone(), r);
                }
            }
            out
        });
        results
            .get(id)
            .cloned()
            .ok_or_else(|| format!("{id}: no result from its chained group").into())
    }
}

/// A test name from the path below `root`: `v2.1::mandatory::SKLC-M-1-21`.
fn test_name(prefix: Option<&str>, root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let mut parts: Vec<String> = prefix.map(str::to_string).into_iter().collect();
    if let Some(parent) = rel.parent() {
        parts.extend(
            parent
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
    }
    parts.push(
        rel.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    parts.join("::")
}

fn judge(result: &CaseResult, expectations: &Expectations) -> Result<(), Failed> {
    let details = || {
        let mut s = format!("{}: {}", result.status.as_str(), result.reason);
        if let Some(d) = &result.divergence {
            s.push('\n');
            s.push_str(&d.diff);
        }
        s
    };
    match expectations.judge(result) {
        Judgement::Ok => {
            if result.status == Status::Skip {
                println!("SKIP {}: {}", result.id, result.reason);
            }
            Ok(())
        }
        Judgement::ExpectedFailure(why) => {
            println!(
                "XFAIL {}: {why} [{}: {}]",
                result.id,
                result.status.as_str(),
                result.reason
            );
            Ok(())
        }
        Judgement::UnexpectedPass(why) => Err(format!(
            "{} now passes: remove it from the expectations file (listed as: {why})",
            result.id
        )
        .into()),
        Judgement::UnexpectedFailure => Err(details().into()),
    }
}

fn main() {
    let args = Arguments::from_args();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));

    let mut sources: Vec<(Option<&str>, PathBuf)> = Vec::new();
    let corpus = corpus_support::corpus_location(&repo);
    if corpus.is_dir() {
        sources.push((None, corpus));
    } else if let Err(e) = corpus_support::missing(
        "corpus (OASIS cases)",
        &format!("OASIS corpus not found at {}", corpus.display()),
    ) {
        // KMIP_REQUIRE_CORPUS: a missing corpus fails the suite.
        eprintln!("error: {e}");
        std::process::exit(101);
    }
    let own = repo.join("testcases");
    if own.is_dir() {
        sources.push((Some("project"), own));
    }

    let mut named: Vec<(String, PathBuf)> = Vec::new();
    for (prefix, root) in &sources {
        match kmip_testcase::case::discover(std::slice::from_ref(root)) {
            // testcases/client/ holds client-mode cases (the harness plays
            // the server): not for a server target.
            Ok(files) => named.extend(
                files
                    .into_iter()
                    .filter(|f| !f.starts_with(root.join("client")))
                    .map(|f| (test_name(*prefix, root, &f), f)),
            ),
            Err(e) => {
                eprintln!("error: cannot list {}: {e}", root.display());
                std::process::exit(101);
            }
        }
    }

    let expectations = match Expectations::load(&repo.join("expectations.yaml")) {
        Ok(e) => Arc::new(e),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(101);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(101);
        }
    };
    // The plan's exclusive cases (loads every file once more: cheap).
    let exclusive: HashSet<String> =
        plan::group(named.iter().map(|(_, f)| PlannedCase::load(f)).collect())
            .into_iter()
            .filter(|g| g.exclusive.is_some())
            .flat_map(|g| g.cases.into_iter().map(|c| c.id))
            .collect();
    let shared = Arc::new(Shared {
        rt,
        server: OnceLock::new(),
        families: Mutex::new(HashMap::new()),
        files: named.iter().map(|(_, f)| f.clone()).collect(),
        opts: RunOptions {
            jobs: 1,
            case_timeout: Duration::from_secs(120),
            ..RunOptions::default()
        },
        exclusive,
        isolation: RwLock::new(()),
    });

    let trials: Vec<Trial> = named
        .into_iter()
        .map(|(name, file)| {
            let shared = shared.clone();
            let expectations = expectations.clone();
            Trial::test(name, move || {
                let result = shared.run_one(&file)?;
                judge(&result, &expectations)
            })
        })
        .collect();

    let conclusion = libtest_mimic::run(&args, trials);
    if let Ok(shared) = Arc::try_unwrap(shared) {
        if let Some(Ok((server, _))) = shared.server.into_inner() {
            shared.rt.block_on(server.shutdown());
        }
    }
    conclusion.exit();
}
