//! Server-role TLS assessment of the KMIP Authentication Suites.
//!
//! - [`hello`]: hand-built ClientHellos (TLS 1.0–1.3, one suite, version or
//!   group at a time) and a bounded decoder of the ServerHello /
//!   HelloRetryRequest / alert that comes back (no I/O).
//! - [`suites`]: the Authentication Suites as a table of clauses with
//!   citations (Basic §3.1, TLS 1.2 suite, Suite B RFC 6460, Quantum Safe).
//! - [`probe`]: the bounded network side: one connection per ClientHello,
//!   rustls handshakes with and without client certificates.
//! - [`assess`]: runs every probe a clause needs within a count and time
//!   budget and turns the outcomes into verdicts with evidence.
//! - [`table`]: the terminal clause table (tabled).
//! - [`client`]: client role: a bounded parser of the ClientHello a client
//!   under test sends to `client-test`, and the client clauses decided from
//!   what it offered.
//! - [`profiles`]: attaching clause verdicts (any [`ClauseResult`]s, not
//!   only this crate's) to a run's profile results by suite name.
//!
//! A probe needs only the server's first answer, so no TLS library that
//! implements the CBC suites is needed (the testssl.sh / sslyze technique).

pub mod client;
pub mod exercise;
pub mod hello;
pub mod https;
pub mod mapping;
pub mod probe;
pub mod profiles;
pub mod suites;
pub mod table;

pub use assess::{assess, Assessment, ClauseResult, Config, Evidence, Verdict};

/// Probe scheduling and verdicts.
pub mod assess {
    use crate::probe::{
        classify, hello_spec, mutual_attempt, mutual_config, send_hello, ClientMaterial, Outcome,
    };
    use crate::suites::{clauses, Edition, MutualCase, Probe, Rule, OBSERVED_VERSIONS};
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// What to probe and how hard.
    #[derive(Clone, Debug)]
    pub struct Config {
        /// Host name or IP address.
        pub host: String,
        /// TCP port.
        pub port: u16,
        /// Server name for SNI and certificate checks (default: the host;
        /// SNI is sent only for DNS names).
        pub sni: Option<String>,
        /// Certificates for the mutual-authentication cases.
        pub material: ClientMaterial,
        /// Per-connection time limit (connect, hello, answer).
        pub timeout: Duration,
        /// Time limit of the whole assessment.
        pub budget: Duration,
        /// Most connections open at once.
        pub parallel: usize,
        /// Most connections made in total.
        pub max_probes: usize,
        /// Profiles editions the target claims (clauses of other editions
        /// are not applicable).
        pub editions: Vec<Edition>,
    }

    impl Config {
        /// Defaults: 1.5 s per connection, 5 s in all, 4 at once (small
        /// accept backlogs drop more: PyKMIP listens with a backlog of 5
        /// and a dropped SYN costs a 1 s retransmission), at most 96
        /// connections, every edition.
        pub fn new(host: &str, port: u16) -> Config {
            Config {
                host: host.to_string(),
                port,
                sni: None,
                material: ClientMaterial::default(),
                timeout: Duration::from_millis(1500),
                budget: Duration::from_secs(5),
                parallel: 4,
                max_probes: 96,
                editions: vec![Edition::V1, Edition::V2, Edition::V3],
            }
        }
    }

    /// A clause verdict.
    #[derive(Copy, Clone, Debug, PartialEq, Eq, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Verdict {
        /// The condition holds.
        Pass,
        /// The condition does not hold.
        Fail,
        /// The probes could not decide (reason given).
        NotAssessed,
        /// The condition does not apply to this target (reason given).
        NotApplicable,
    }

    impl Verdict {
        /// Upper-case label for tables.
        pub fn label(self) -> &'static str {
            match self {
                Verdict::Pass => "PASS",
                Verdict::Fail => "FAIL",
                Verdict::NotAssessed => "NOT ASSESSED",
                Verdict::NotApplicable => "N/A",
            }
        }
    }

    /// What was offered and what the server did with it.
    #[derive(Clone, Debug, Default, serde::Serialize)]
    pub struct Evidence {
        /// What the probes offered.
        pub offered: Vec<String>,
        /// Accepted offers, with the server's answer.
        pub accepted: Vec<String>,
        /// Refused offers, with how.
        pub refused: Vec<String>,
        /// Offers without a decision, with why.
        pub inconclusive: Vec<String>,
    }

    /// One assessed clause.
    #[derive(Clone, Debug, serde::Serialize)]
    pub struct ClauseResult {
        /// Clause id.
        pub id: String,
        /// Authentication suite.
        pub suite: String,
        /// The condition.
        pub text: String,
        /// Where the condition comes from.
        pub source: String,
        /// Verdict.
        pub verdict: Verdict,
        /// Why (for not assessed / not applicable, and notes on a verdict).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
        /// Evidence.
        pub evidence: Evidence,
    }

    /// The whole assessment.
    #[derive(Clone, Debug, serde::Serialize)]
    pub struct Assessment {
        /// `host:port`.
        pub target: String,
        /// Editions assessed.
        pub editions: Vec<Edition>,
        /// Wall-clock time.
        pub duration_ms: u64,
        /// Connections made.
        pub connections: usize,
        /// Probes not run because the time or count budget ran out.
        pub skipped: usize,
        /// Protocol versions offered alone, and what happened.
        pub versions: Vec<(String, Outcome)>,
        /// Clause verdicts.
        pub clauses: Vec<ClauseResult>,
        /// Remarks (e.g. server certificate not verified).
        pub notes: Vec<String>,
    }

    impl Assessment {
        /// No connection reached the server at all.
        pub fn unreachable(&self) -> bool {
            self.versions.iter().all(
                |(_, o)| matches!(o, Outcome::Inconclusive(r) if r.starts_with("connect failed")),
            )
        }
    }

    fn addr(host: &str, port: u16) -> String {
        if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    }

    /// Run every probe the applicable clauses need (bounded by
    /// `config.timeout` per connection, `config.budget` in all and
    /// `config.max_probes` connections) and decide each clause.
    pub async fn assess(config: &Config) -> Assessment {
        let start = Instant::now();
        let deadline = start + config.budget;
        let target = addr(&config.host, config.port);
        let defs = clauses();
        let applies = |eds: &[Edition]| eds.iter().any(|e| config.editions.contains(e));
        let is_ip = config.host.parse::<std::net::IpAddr>().is_ok();
        let sni = config
            .sni
            .clone()
            .or_else(|| (!is_ip).then(|| config.host.clone()));
        let mut notes = Vec::new();

        // Hello probes, deduplicated, in report order.
        let mut probes: Vec<Probe> = OBSERVED_VERSIONS
            .iter()
            .map(|v| Probe::Version(*v))
            .collect();
        probes.push(Probe::RustlsCompatible);
        for d in defs.iter().filter(|d| applies(d.editions)) {
            if let Rule::AllAccepted(ps) | Rule::AnyAccepted(ps) | Rule::AllRefused(ps) = &d.rule {
                for p in ps {
                    if !probes.contains(p) {
                        probes.push(p.clone());
                    }
                }
            }
        }
        let mutual_cases: Vec<MutualCase> = [
            MutualCase::Valid,
            MutualCase::NoCert,
            MutualCase::UntrustedCa,
            MutualCase::Expired,
        ]
        .into_iter()
        .filter(|c| {
            *c == MutualCase::Valid
                || defs.iter().any(|d| {
                    applies(d.editions) && matches!(d.rule, Rule::MutualRefused(x) if x == *c)
                })
        })
        .collect();

        let sem = Arc::new(tokio::sync::Semaphore::new(config.parallel.max(1)));
        let mut set = tokio::task::JoinSet::new();
        let mut budget_left = config.max_probes;
        let mut skipped = 0usize;
        let mut results: HashMap<Probe, Outcome> = HashMap::new();
        let mut mutual: HashMap<MutualCase, Outcome> = HashMap::new();

        enum Job {
            Hello(Probe, Outcome),
            Mutual(MutualCase, Outcome),
        }

        for p in probes {
            if budget_left == 0 {
                skipped += 1;
                results.insert(
                    p,
                    Outcome::Inconclusive("not run: connection count limit reached".into()),
                );
                continue;
            }
            budget_left -= 1;
            let spec = hello_spec(&p, sni.as_deref());
            let (sem, target, timeout) = (sem.clone(), target.clone(), config.timeout);
            set.spawn(async move {
                let Ok(_permit) = sem.acquire_owned().await else {
                    return Job::Hello(p, Outcome::Inconclusive("scheduler closed".into()));
                };
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Job::Hello(
                        p,
                        Outcome::Inconclusive("not run: time budget exhausted".into()),
                    );
                }
                let want_cert = matches!(p, Probe::SuiteB { .. });
                let raw = send_hello(&target, &spec, timeout.min(left), want_cert).await;
                let o = classify(&p, &raw);
                Job::Hello(p, o)
            });
        }
        let server_name = {
            let name = config.sni.clone().unwrap_or_else(|| config.host.clone());
            rustls::pki_types::ServerName::try_from(name.clone()).map_err(|_| name)
        };
        if config.material.ca_pem.is_none() {
            notes.push(
                "server certificate not verified in the mutual-authentication handshakes (no --ca)"
                    .to_string(),
            );
        }
        for case in mutual_cases {
            let cfg = match (&server_name, mutual_config(case, &config.material)) {
                (Err(name), _) => {
                    mutual.insert(
                        case,
                        Outcome::Inconclusive(format!("{name:?} is not a valid TLS server name")),
                    );
                    continue;
                }
                (_, Err(e)) => {
                    mutual.insert(case, Outcome::Inconclusive(e.to_string()));
                    continue;
                }
                (_, Ok(None)) => continue,
                (Ok(_), Ok(Some(cfg))) => cfg,
            };
            if budget_left == 0 {
                skipped += 1;
                mutual.insert(
                    case,
                    Outcome::Inconclusive("not run: connection count limit reached".into()),
                );
                continue;
            }
            budget_left -= 1;
            let Ok(name) = server_name.clone() else {
                continue;
            };
            let (sem, target, timeout) = (sem.clone(), target.clone(), config.timeout);
            set.spawn(async move {
                let Ok(_permit) = sem.acquire_owned().await else {
                    return Job::Mutual(case, Outcome::Inconclusive("scheduler closed".into()));
                };
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Job::Mutual(
                        case,
                        Outcome::Inconclusive("not run: time budget exhausted".into()),
                    );
                }
                // A full handshake plus one request: twice the hello time.
                let o = mutual_attempt(&target, name, cfg, (timeout * 2).min(left)).await;
                Job::Mutual(case, o)
            });
        }
        let mut connections = config.max_probes - budget_left;
        let not_run =
            |o: &Outcome| matches!(o, Outcome::Inconclusive(r) if r.starts_with("not run"));
        while let Some(r) = set.join_next().await {
            match r {
                Ok(Job::Hello(p, o)) => {
                    if not_run(&o) {
                        skipped += 1;
                        connections -= 1;
                    }
                    results.insert(p, o);
                }
                Ok(Job::Mutual(c, o)) => {
                    if not_run(&o) {
                        skipped += 1;
                        connections -= 1;
                    }
                    mutual.insert(c, o);
                }
                Err(e) => notes.push(format!("a probe task failed: {e}")),
            }
        }

        let outcome = |p: &Probe| {
            results
                .get(p)
                .cloned()
                .unwrap_or_else(|| Outcome::Inconclusive("not run".into()))
        };
        let versions = OBSERVED_VERSIONS
            .iter()
            .map(|v| (v.name(), outcome(&Probe::Version(*v))))
            .collect();
        let rustls_ok = matches!(
            outcome(&Probe::Version(crate::hello::Version::TLS13)),
            Outcome::Accepted(_)
        ) || matches!(outcome(&Probe::RustlsCompatible), Outcome::Accepted(_));

        // Some ClientHello got a decided answer (a TLS server is there).
        let answered = results
            .values()
            .any(|o| !matches!(o, Outcome::Inconclusive(_)));
        let clauses = defs
            .iter()
            .map(|d| {
                let mut r = ClauseResult {
                    id: d.id.to_string(),
                    suite: d.suite.to_string(),
                    text: d.text.to_string(),
                    source: d.source.to_string(),
                    verdict: Verdict::NotAssessed,
                    reason: None,
                    evidence: Evidence::default(),
                };
                if !applies(d.editions) {
                    r.verdict = Verdict::NotApplicable;
                    r.reason = Some(format!(
                        "belongs to KMIP Profiles {}; the target was assessed for {}",
                        editions_text(d.editions),
                        editions_text(&config.editions)
                    ));
                    return r;
                }
                match &d.rule {
                    Rule::AllAccepted(ps) | Rule::AnyAccepted(ps) | Rule::AllRefused(ps) => {
                        for p in ps {
                            record(&mut r.evidence, &p.label(), &outcome(p));
                        }
                        let e = &r.evidence;
                        let (acc, refd, inc) =
                            (e.accepted.len(), e.refused.len(), e.inconclusive.len());
                        r.verdict = match &d.rule {
                            Rule::AllAccepted(_) if refd > 0 => Verdict::Fail,
                            Rule::AllAccepted(_) if inc == 0 => Verdict::Pass,
                            Rule::AnyAccepted(_) if acc > 0 => Verdict::Pass,
                            Rule::AnyAccepted(_) if inc == 0 => Verdict::Fail,
                            Rule::AllRefused(_) if acc > 0 => Verdict::Fail,
                            Rule::AllRefused(_) if inc == 0 => Verdict::Pass,
                            _ => Verdict::NotAssessed,
                        };
                        if r.verdict == Verdict::NotAssessed {
                            r.reason =
                                Some("some probes gave no decision (see inconclusive)".into());
                        }
                    }
                    Rule::MutualRefused(case) => {
                        mutual_verdict(&mut r, *case, &mutual, rustls_ok);
                    }
                    Rule::Port5696 => {
                        r.evidence.offered.push(format!("TCP port {}", config.port));
                        if !answered {
                            r.reason = Some("no TLS answer from the target on this port".into());
                        } else if config.port == 5696 {
                            r.verdict = Verdict::Pass;
                            r.evidence
                                .accepted
                                .push("the server answers on 5696".into());
                        } else {
                            r.verdict = Verdict::NotApplicable;
                            r.reason = Some(format!(
                                "the target was given on port {}, not 5696: the port is the \
                                 user's choice, so §3.1.4 is not checked here",
                                config.port
                            ));
                        }
                    }
                }
                r
            })
            .collect();

        Assessment {
            target,
            editions: config.editions.clone(),
            duration_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
            connections,
            skipped,
            versions,
            clauses,
            notes,
        }
    }

    fn editions_text(eds: &[Edition]) -> String {
        let v: Vec<&str> = eds
            .iter()
            .map(|e| match e {
                Edition::V1 => "v1.x",
                Edition::V2 => "v2.x",
                Edition::V3 => "v3.0",
            })
            .collect();
        v.join("/")
    }

    fn record(e: &mut Evidence, label: &str, o: &Outcome) {
        e.offered.push(label.to_string());
        match o {
            Outcome::Accepted(d) => e.accepted.push(format!("{label}: {d}")),
            Outcome::Refused(d) => e.refused.push(format!("{label}: {d}")),
            Outcome::Inconclusive(d) => e.inconclusive.push(format!("{label}: {d}")),
        }
    }

    /// A refusal counts only when a handshake could have succeeded: the
    /// control handshake with the user's valid certificate was answered,
    /// or (without one) the hello probes show rustls shares a version and
    /// suite with the server.
    fn mutual_verdict(
        r: &mut ClauseResult,
        case: MutualCase,
        mutual: &HashMap<MutualCase, Outcome>,
        rustls_ok: bool,
    ) {
        let Some(o) = mutual.get(&case) else {
            r.verdict = Verdict::NotAssessed;
            r.reason = Some(match case {
                MutualCase::Expired => "no client CA certificate and key given (tls-probe \
                                        --client-ca/--client-ca-key, run --assess-client-ca/\
                                        --assess-client-ca-key) to issue an expired certificate"
                    .into(),
                _ => "not run".into(),
            });
            return;
        };
        record(&mut r.evidence, case.label(), o);
        let control = mutual.get(&MutualCase::Valid);
        if let Some(c) = control {
            record(&mut r.evidence, MutualCase::Valid.label(), c);
        }
        r.verdict = match (o, control) {
            (Outcome::Accepted(_), _) => Verdict::Fail,
            (Outcome::Inconclusive(_), _) => {
                r.reason = Some("the attempt gave no decision".into());
                Verdict::NotAssessed
            }
            (Outcome::Refused(_), Some(Outcome::Accepted(_))) => Verdict::Pass,
            (Outcome::Refused(_), Some(_)) => {
                r.reason = Some(
                    "the control handshake with the valid client certificate failed too, so \
                     the refusal says nothing about client authentication"
                        .into(),
                );
                Verdict::NotAssessed
            }
            (Outcome::Refused(_), None) if rustls_ok => {
                r.reason = Some(
                    "no valid client certificate given (--cert/--key) for a control \
                     handshake; the refusal is counted because the server accepts a \
                     TLS version and suite that rustls speaks"
                        .into(),
                );
                Verdict::Pass
            }
            (Outcome::Refused(_), None) => {
                r.reason = Some(
                    "no control handshake, and the server accepted no TLS version/suite that \
                     rustls speaks: the refusal may be a cipher mismatch"
                        .into(),
                );
                Verdict::NotAssessed
            }
        };
    }
}
