//! KMIP profile definitions (`profiles/**/*.yaml`) and the per-profile
//! verdict.
//!
//! A [`Profile`] is one conformance clause of one KMIP Profiles version
//! ("Symmetric Key Lifecycle Server KMIP v2.1 Profile Conformance", §6.11):
//! the role it applies to, the mandatory and optional OASIS test cases it
//! lists, its pass criterion (a server must pass **all** mandatory cases, a
//! client **one or more**), the other clauses it depends on (every v2.x/3.0
//! server clause needs the Baseline Server clause) and the clauses a test run
//! cannot prove (TLS mutual authentication, port 5696, cipher suites…),
//! which are carried into the report as "not assessed" and never as passed.
//!
//! [`load_profiles`] reads and validates the YAML files (one per profile and
//! protocol version; the schema is described in `profiles/README.md`);
//! [`evaluate`] turns case results into [`ProfileResult`]s and is pure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::CaseId;
use crate::results::{CaseResult, ProfileResult, Status};

/// Largest profile file [`load_profiles`] reads.
const MAX_PROFILE_BYTES: u64 = 4 * 1024 * 1024;

/// The role a profile applies to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The implementation under test is a KMIP server.
    Server,
    /// The implementation under test is a KMIP client.
    Client,
}

impl Role {
    /// `"server"` / `"client"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Server => "server",
            Role::Client => "client",
        }
    }

    /// The role for `"server"` / `"client"` (case-insensitive).
    pub fn parse(s: &str) -> Option<Role> {
        if s.eq_ignore_ascii_case("server") {
            Some(Role::Server)
        } else if s.eq_ignore_ascii_case("client") {
            Some(Role::Client)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a profile's mandatory test cases decide conformance.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// Every mandatory case must pass ("SHALL support all of the … Mandatory
    /// Test Cases": server clauses, the HTTPS client clause).
    AllMandatory,
    /// At least one mandatory case must pass ("SHALL support one or more of
    /// the … Mandatory Test Cases": client clauses).
    AtLeastOneMandatory,
}

impl Criterion {
    /// `"all-mandatory"` / `"at-least-one-mandatory"` (the YAML spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::AllMandatory => "all-mandatory",
            Criterion::AtLeastOneMandatory => "at-least-one-mandatory",
        }
    }
}

/// One conformance clause at one protocol version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Unique id, `<family>-<role>-<version>`: `"SKLC-server-2.1"`.
    pub id: String,
    /// Clause title: `"Symmetric Key Lifecycle Server KMIP v2.1 Profile Conformance"`.
    pub name: String,
    /// Role of the implementation under test.
    pub role: Role,
    /// Protocol version, `"2.1"`.
    pub version: String,
    /// Where the clause is defined: `"KMIP Profiles v2.1 §6.11"`.
    pub clause: String,
    /// Mandatory case ids (`"SKLC-M-1-21"`).
    pub mandatory: Vec<String>,
    /// Optional case ids, reported apart and never required.
    pub optional: Vec<String>,
    /// Pass criterion over the mandatory cases.
    pub criterion: Criterion,
    /// Profile ids this one depends on (the Baseline Server clause …).
    pub requires: Vec<String>,
    /// Conditions a test run cannot prove; reported as not assessed.
    pub not_assessed: Vec<String>,
    /// Message encoding the clause is about (`"xml"`, `"json"`), if any:
    /// only case results replayed in it count for this profile.
    pub encoding: Option<String>,
    /// Transport the clause is about (`"https"`), if any: only case
    /// results replayed over it count for this profile.
    pub transport: Option<String>,
}

impl Profile {
    /// The encoding / transport requirement as one word for reports
    /// (`"xml"`, `"https"`, `"json over https"`); empty when there is none.
    pub fn wire(&self) -> String {
        match (&self.encoding, &self.transport) {
            (Some(e), Some(t)) => format!("{e} over {t}"),
            (Some(e), None) => e.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => String::new(),
        }
    }
}

/// Encodings a profile may require (`encoding:` in the YAML).
pub const PROFILE_ENCODINGS: [&str; 3] = ["ttlv", "xml", "json"];
/// Transports a profile may require (`transport:` in the YAML).
pub const PROFILE_TRANSPORTS: [&str; 2] = ["tls", "https"];

/// The YAML form of a profile (see `profiles/README.md`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    id: String,
    name: String,
    role: Role,
    version: String,
    clause: String,
    criterion: Criterion,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    mandatory: Vec<String>,
    #[serde(default)]
    optional: Vec<String>,
    #[serde(default)]
    not_assessed: Vec<String>,
    /// Message encoding the clause needs (`xml`, `json`).
    #[serde(default)]
    encoding: Option<String>,
    /// Transport the clause needs (`https`).
    #[serde(default)]
    transport: Option<String>,
    /// Free text for readers (sources, caveats); not used by the harness.
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
}

/// Why the profile definitions could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// A file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// File or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid YAML for the profile schema.
    #[error("{}: {message}", path.display())]
    Yaml {
        /// File.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A profile breaks a rule of the schema.
    #[error("{}: profile {id}: {message}", path.display())]
    Invalid {
        /// File.
        path: PathBuf,
        /// Profile id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// Two files define the same id.
    #[error("profile id {id} is defined twice: {} and {}", first.display(), second.display())]
    DuplicateId {
        /// The id.
        id: String,
        /// First file.
        first: PathBuf,
        /// Second file.
        second: PathBuf,
    },
    /// `requires` names a profile that does not exist.
    #[error("{}: profile {id} requires unknown profile {missing}", path.display())]
    UnknownRequire {
        /// File.
        path: PathBuf,
        /// Profile id.
        id: String,
        /// The unknown id.
        missing: String,
    },
    /// `requires` forms a cycle.
    #[error("profiles require each other in a cycle: {}", cycle.join(" -> "))]
    Cycle {
        /// The ids on the cycle, first repeated at the end.
        cycle: Vec<String>,
    },
}

/// Load every `*.yaml` / `*.yml` file under `dir` (recursively, in path
/// order) and validate the set: unique ids, known and acyclic `requires`,
/// a non-empty mandatory list, well-formed case ids whose `-M-`/`-O-` and
/// version suffix agree with the list and the profile version, no case
/// listed twice.
pub fn load_profiles(dir: &Path) -> Result<Vec<Profile>, ProfileError> {
    let mut files = Vec::new();
    collect_yaml(dir, 0, &mut files)?;
    files.sort();
    let mut texts = Vec::with_capacity(files.len());
    for path in files {
        let text = read_limited(&path)?;
        texts.push((path, text));
    }
    load_profile_texts(&texts)
}

/// [`load_profiles`] over files already in memory (`(path, text)` pairs,
/// e.g. profiles embedded in a binary at build time): parse each, in path
/// order, and validate the set the same way.
pub fn load_profile_texts<P: AsRef<Path>, T: AsRef<str>>(
    files: &[(P, T)],
) -> Result<Vec<Profile>, ProfileError> {
    let mut sorted: Vec<(&Path, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_ref(), t.as_ref()))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<(PathBuf, Profile)> = Vec::new();
    for (path, text) in sorted {
        if text.len() as u64 > MAX_PROFILE_BYTES {
            return Err(ProfileError::Yaml {
                path: path.to_path_buf(),
                message: format!("file larger than {MAX_PROFILE_BYTES} bytes"),
            });
        }
        let profile = parse_profile(text, path)?;
        out.push((path.to_path_buf(), profile));
    }
    validate_set(&out)?;
    Ok(out.into_iter().map(|(_, p)| p).collect())
}

/// Parse and validate one profile file's text (`path` is used in errors).
pub fn parse_profile(text: &str, path: &Path) -> Result<Profile, ProfileError> {
    let file: ProfileFile = serde_yaml_ng::from_str(text).map_err(|e| ProfileError::Yaml {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let profile = Profile {
        id: file.id,
        name: file.name,
        role: file.role,
        version: file.version,
        clause: file.clause,
        mandatory: file.mandatory,
        optional: file.optional,
        criterion: file.criterion,
        requires: file.requires,
        not_assessed: file.not_assessed,
        encoding: file.encoding,
        transport: file.transport,
    };
    validate_one(&profile).map_err(|message| ProfileError::Invalid {
        path: path.to_path_buf(),
        id: profile.id.clone(),
        message,
    })?;
    Ok(profile)
}

fn read_limited(path: &Path) -> Result<String, ProfileError> {
    use std::io::Read;
    let io = |source| ProfileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut text = String::new();
    file.take(MAX_PROFILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_PROFILE_BYTES {
        return Err(ProfileError::Yaml {
            path: path.to_path_buf(),
            message: format!("file larger than {MAX_PROFILE_BYTES} bytes"),
        });
    }
    Ok(text)
}

fn collect_yaml(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), ProfileError> {
    let io = |source| ProfileError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if depth > 8 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            collect_yaml(&path, depth + 1, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Rules that concern one profile alone.
fn validate_one(p: &Profile) -> Result<(), String> {
    if p.id.trim().is_empty() || p.id.chars().any(char::is_whitespace) {
        return Err("id must be non-empty and contain no spaces".into());
    }
    if p.name.trim().is_empty() || p.clause.trim().is_empty() {
        return Err("name and clause must be non-empty".into());
    }
    let version = parse_version(&p.version)
        .ok_or_else(|| format!("version {:?} is not MAJOR.MINOR", p.version))?;
    if p.mandatory.is_empty() {
        return Err("lists no mandatory test case".into());
    }
    let mut seen = BTreeSet::new();
    for (list, want_mandatory) in [(&p.mandatory, true), (&p.optional, false)] {
        for case in list {
            if !seen.insert(case.as_str()) {
                return Err(format!("case {case} is listed twice"));
            }
            let id = CaseId::parse(case).ok_or_else(|| {
                format!(
                    "case {case} is not a PREFIX-M|O-N-VV (or project KH-AREA-N-VV) test-case id"
                )
            })?;
            // Project ids carry no -M-/-O- part: the profile decides.
            if !id.project && id.mandatory != want_mandatory {
                let (list_name, want) = if want_mandatory {
                    ("mandatory", "-M-")
                } else {
                    ("optional", "-O-")
                };
                return Err(format!("{list_name} case {case} is not a {want} case"));
            }
            if id.version != Some(version) {
                return Err(format!(
                    "case {case} does not carry the -VV suffix of version {}",
                    p.version
                ));
            }
        }
    }
    if p.requires.iter().any(|r| r == &p.id) {
        return Err("requires itself".into());
    }
    if let Some(e) = p
        .encoding
        .as_deref()
        .filter(|e| !PROFILE_ENCODINGS.contains(e))
    {
        return Err(format!(
            "encoding {e:?} is not one of {PROFILE_ENCODINGS:?}"
        ));
    }
    if let Some(t) = p
        .transport
        .as_deref()
        .filter(|t| !PROFILE_TRANSPORTS.contains(t))
    {
        return Err(format!(
            "transport {t:?} is not one of {PROFILE_TRANSPORTS:?}"
        ));
    }
    Ok(())
}

fn parse_version(s: &str) -> Option<kmip_ttlv::dict::Version> {
    let (major, minor) = s.split_once('.')?;
    Some(kmip_ttlv::dict::Version::new(
        major.parse().ok()?,
        minor.parse().ok()?,
    ))
}

/// Rules over the whole set: unique ids, known and acyclic `requires`.
fn validate_set(all: &[(PathBuf, Profile)]) -> Result<(), ProfileError> {
    let mut by_id: BTreeMap<&str, &Path> = BTreeMap::new();
    for (path, p) in all {
        if let Some(first) = by_id.insert(&p.id, path) {
            return Err(ProfileError::DuplicateId {
                id: p.id.clone(),
                first: first.to_path_buf(),
                second: path.clone(),
            });
        }
    }
    for (path, p) in all {
        if let Some(missing) = p.requires.iter().find(|r| !by_id.contains_key(r.as_str())) {
            return Err(ProfileError::UnknownRequire {
                path: path.clone(),
                id: p.id.clone(),
                missing: missing.clone(),
            });
        }
    }
    let requires: HashMap<&str, &[String]> = all
        .iter()
        .map(|(_, p)| (p.id.as_str(), p.requires.as_slice()))
        .collect();
    // Depth-first search with colours: 1 = on the stack, 2 = done.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    for (_, p) in all {
        let mut stack = Vec::new();
        if let Some(cycle) = find_cycle(&p.id, &requires, &mut colour, &mut stack) {
            return Err(ProfileError::Cycle { cycle });
        }
    }
    Ok(())
}

fn find_cycle<'a>(
    id: &'a str,
    requires: &HashMap<&'a str, &'a [String]>,
    colour: &mut HashMap<&'a str, u8>,
    stack: &mut Vec<&'a str>,
) -> Option<Vec<String>> {
    match colour.get(id) {
        Some(2) => return None,
        Some(_) => {
            let start = stack.iter().position(|s| *s == id).unwrap_or(0);
            let mut cycle: Vec<String> = stack[start..].iter().map(|s| s.to_string()).collect();
            cycle.push(id.to_string());
            return Some(cycle);
        }
        None => {}
    }
    colour.insert(id, 1);
    stack.push(id);
    for r in requires.get(id).copied().unwrap_or(&[]) {
        if let Some(c) = find_cycle(r, requires, colour, stack) {
            return Some(c);
        }
    }
    stack.pop();
    colour.insert(id, 2);
    None
}

/// The profiles that list `case_id` (as mandatory or optional).
pub fn profiles_for_case<'a>(profiles: &'a [Profile], case_id: &str) -> Vec<&'a Profile> {
    profiles
        .iter()
        .filter(|p| p.mandatory.iter().chain(&p.optional).any(|c| c == case_id))
        .collect()
}

/// Per-profile verdicts for a run in which the target played `role`.
///
/// Only profiles of that role with at least one (mandatory or optional) case
/// in `cases` are reported, in the order of `profiles`. For each:
/// - `total` / `passed` / `failed` / `skipped` count the profile's mandatory
///   cases present in the run (a case listed twice in `cases` counts once,
///   with its worst status); `missing` lists mandatory cases not in the run;
/// - the criterion decides conformance: all mandatory cases passed and none
///   missing, or (at-least-one) one or more passed;
/// - every profile in `requires` must be conformant too (evaluated over the
///   same run, whether or not it is reported); those that are not are listed
///   in `unmet_requires`;
/// - `incomplete` is set when the profile is not conformant only for lack of
///   evidence (missing or skipped cases, an incomplete required profile)
///   while nothing it depends on failed;
/// - optional cases are counted apart; `not_assessed` is carried through.
pub fn evaluate(profiles: &[Profile], cases: &[CaseResult], role: Role) -> Vec<ProfileResult> {
    let statuses = Statuses { cases };
    let present: HashMap<&str, Status> = statuses.for_wire(None, None);
    let by_id: HashMap<&str, &Profile> = profiles.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut memo: HashMap<String, Outcome> = HashMap::new();
    profiles
        .iter()
        .filter(|p| p.role == role)
        .filter(|p| {
            p.mandatory
                .iter()
                .chain(&p.optional)
                .any(|c| present.contains_key(c.as_str()))
        })
        .map(|p| {
            let outcome = outcome(p, &statuses, &by_id, &mut memo, &mut Vec::new());
            result_for(p, &statuses.of(p), outcome)
        })
        .collect()
}

/// Case results, looked up per profile: a profile that requires an
/// encoding or transport ([`Profile::encoding`], [`Profile::transport`])
/// sees only the results replayed that way, so a plain TTLV run never
/// gives the XML, JSON or HTTPS clauses a verdict (their cases are then
/// missing, and the profile is incomplete, never conformant).
struct Statuses<'a> {
    cases: &'a [CaseResult],
}

impl<'a> Statuses<'a> {
    fn for_wire(
        &self,
        encoding: Option<&str>,
        transport: Option<&str>,
    ) -> HashMap<&'a str, Status> {
        let mut status: HashMap<&str, Status> = HashMap::new();
        for c in self
            .cases
            .iter()
            .filter(|c| c.replayed_in(encoding, transport))
        {
            status
                .entry(c.id.as_str())
                .and_modify(|s| *s = worst(*s, c.status))
                .or_insert(c.status);
        }
        status
    }

    fn of(&self, p: &Profile) -> HashMap<&'a str, Status> {
        self.for_wire(p.encoding.as_deref(), p.transport.as_deref())
    }
}

/// Conformance of one profile including its requirements.
#[derive(Clone, Debug)]
struct Outcome {
    conformant: bool,
    incomplete: bool,
    unmet_requires: Vec<String>,
}

/// Precedence of statuses when a case appears more than once.
fn worst(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Pass => 0,
        Status::Skip => 1,
        Status::CannotExpress => 2,
        Status::Fail => 3,
        Status::Error => 4,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

struct Counts {
    total: usize,
    passed: usize,
    failed: usize,
    skipped: usize,
    missing: Vec<String>,
}

fn mandatory_counts(p: &Profile, status: &HashMap<&str, Status>) -> Counts {
    let mut c = Counts {
        total: 0,
        passed: 0,
        failed: 0,
        skipped: 0,
        missing: Vec::new(),
    };
    for id in &p.mandatory {
        match status.get(id.as_str()) {
            None => c.missing.push(id.clone()),
            Some(s) => {
                c.total += 1;
                match s {
                    Status::Pass => c.passed += 1,
                    Status::Fail | Status::Error => c.failed += 1,
                    // Not a pass and not the client's fault either: counted
                    // with the skipped (the profile cannot be met by it).
                    Status::Skip | Status::CannotExpress => c.skipped += 1,
                }
            }
        }
    }
    c
}

fn outcome(
    p: &Profile,
    statuses: &Statuses<'_>,
    by_id: &HashMap<&str, &Profile>,
    memo: &mut HashMap<String, Outcome>,
    visiting: &mut Vec<String>,
) -> Outcome {
    if let Some(o) = memo.get(&p.id) {
        return o.clone();
    }
    let status = statuses.of(p);
    let c = mandatory_counts(p, &status);
    // Own criterion: Some(true) met, Some(false) definitively not met, None
    // undecided for lack of evidence.
    let own: Option<bool> = match p.criterion {
        Criterion::AllMandatory => {
            if c.failed > 0 {
                Some(false)
            } else if c.missing.is_empty() && c.skipped == 0 {
                Some(c.passed == p.mandatory.len())
            } else {
                None
            }
        }
        Criterion::AtLeastOneMandatory => {
            if c.passed > 0 {
                Some(true)
            } else if c.missing.is_empty() && c.skipped == 0 {
                Some(false)
            } else {
                None
            }
        }
    };
    let mut unmet = Vec::new();
    let mut requires_definitive_fail = false;
    let mut requires_undecided = false;
    visiting.push(p.id.clone());
    for r in &p.requires {
        let sub = match by_id.get(r.as_str()) {
            Some(rp) if !visiting.contains(&rp.id) => {
                Some(outcome(rp, statuses, by_id, memo, visiting))
            }
            _ => None, // unknown or cyclic: cannot be judged
        };
        match sub {
            Some(o) if o.conformant => {}
            Some(o) => {
                unmet.push(r.clone());
                if o.incomplete {
                    requires_undecided = true;
                } else {
                    requires_definitive_fail = true;
                }
            }
            None => {
                unmet.push(r.clone());
                requires_undecided = true;
            }
        }
    }
    visiting.pop();
    let conformant = own == Some(true) && unmet.is_empty();
    let definitive_fail = own == Some(false) || requires_definitive_fail;
    let o = Outcome {
        conformant,
        incomplete: !conformant && !definitive_fail && (own.is_none() || requires_undecided),
        unmet_requires: unmet,
    };
    memo.insert(p.id.clone(), o.clone());
    o
}

fn result_for(p: &Profile, status: &HashMap<&str, Status>, o: Outcome) -> ProfileResult {
    let c = mandatory_counts(p, status);
    let optional_total = p
        .optional
        .iter()
        .filter(|id| status.contains_key(id.as_str()))
        .count();
    let optional_passed = p
        .optional
        .iter()
        .filter(|id| status.get(id.as_str()) == Some(&Status::Pass))
        .count();
    ProfileResult {
        id: p.id.clone(),
        name: p.name.clone(),
        version: p.version.clone(),
        role: p.role.as_str().to_string(),
        total: c.total,
        passed: c.passed,
        pass_rate: if c.total == 0 {
            0.0
        } else {
            c.passed as f64 / c.total as f64
        },
        conformant: o.conformant,
        missing: c.missing,
        optional_total,
        optional_passed,
        not_assessed: p.not_assessed.clone(),
        clause: p.clause.clone(),
        criterion: p.criterion.as_str().to_string(),
        failed: c.failed,
        skipped: c.skipped,
        unmet_requires: o.unmet_requires,
        incomplete: o.incomplete,
        wire: p.wire(),
        clauses: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: &str, role: Role, criterion: Criterion, mandatory: &[&str]) -> Profile {
        Profile {
            id: id.to_string(),
            name: format!("{id} name"),
            role,
            version: "2.1".into(),
            clause: "KMIP Profiles v2.1 §6.x".into(),
            mandatory: mandatory.iter().map(|s| s.to_string()).collect(),
            optional: vec![],
            criterion,
            requires: vec![],
            not_assessed: vec![],
            encoding: None,
            transport: None,
        }
    }

    fn case(id: &str, status: Status) -> CaseResult {
        CaseResult {
            id: id.to_string(),
            file: format!("{id}.xml"),
            profiles: vec![],
            status,
            reason: String::new(),
            messages: 1,
            duration_ms: 1,
            divergence: None,
            masked: vec![],
            expected_failure: None,
            warnings: Vec::new(),
            encoding: "ttlv".into(),
            transport: "tls".into(),
            asynchronous: Vec::new(),
        }
    }

    fn server(id: &str, mandatory: &[&str]) -> Profile {
        profile(id, Role::Server, Criterion::AllMandatory, mandatory)
    }

    fn client(id: &str, mandatory: &[&str]) -> Profile {
        profile(id, Role::Client, Criterion::AtLeastOneMandatory, mandatory)
    }

    const A: &str = "SKLC-M-1-21";
    const B: &str = "SKLC-M-2-21";
    const C: &str = "SKLC-M-3-21";

    #[test]
    fn all_mandatory_passes_only_when_all_pass() {
        let ps = [server("S", &[A, B])];
        let r = evaluate(
            &ps,
            &[case(A, Status::Pass), case(B, Status::Pass)],
            Role::Server,
        );
        assert_eq!(r.len(), 1);
        assert!(r[0].conformant);
        assert_eq!((r[0].total, r[0].passed, r[0].failed), (2, 2, 0));
        assert!((r[0].pass_rate - 1.0).abs() < f64::EPSILON);
        assert_eq!(r[0].criterion, "all-mandatory");

        let r = evaluate(
            &ps,
            &[case(A, Status::Pass), case(B, Status::Fail)],
            Role::Server,
        );
        assert!(!r[0].conformant);
        assert!(!r[0].incomplete);
        assert_eq!((r[0].total, r[0].passed, r[0].failed), (2, 1, 1));
        assert!((r[0].pass_rate - 0.5).abs() < f64::EPSILON);
    }

    #[test]
    fn missing_cases_make_it_incomplete_and_are_listed() {
        let ps = [server("S", &[A, B, C])];
        let r = evaluate(&ps, &[case(A, Status::Pass)], Role::Server);
        assert!(!r[0].conformant);
        assert!(r[0].incomplete);
        assert_eq!(r[0].missing, vec![B.to_string(), C.to_string()]);
        assert_eq!((r[0].total, r[0].passed), (1, 1));
        // A failure alongside missing cases is definitive.
        let r = evaluate(&ps, &[case(A, Status::Error)], Role::Server);
        assert!(!r[0].conformant && !r[0].incomplete);
        assert_eq!(r[0].failed, 1);
    }

    #[test]
    fn skipped_cases_are_not_passes() {
        let ps = [server("S", &[A, B])];
        let r = evaluate(
            &ps,
            &[case(A, Status::Pass), case(B, Status::Skip)],
            Role::Server,
        );
        assert!(!r[0].conformant);
        assert!(r[0].incomplete);
        assert_eq!((r[0].total, r[0].passed, r[0].skipped), (2, 1, 1));
    }

    #[test]
    fn at_least_one_mandatory() {
        let ps = [client("C", &[A, B, C])];
        let r = evaluate(
            &ps,
            &[case(A, Status::Fail), case(B, Status::Pass)],
            Role::Client,
        );
        assert!(r[0].conformant);
        assert_eq!(r[0].missing, vec![C.to_string()]);
        assert_eq!(r[0].criterion, "at-least-one-mandatory");
        // None passed, one not run: undecided.
        let r = evaluate(
            &ps,
            &[case(A, Status::Fail), case(B, Status::Fail)],
            Role::Client,
        );
        assert!(!r[0].conformant && r[0].incomplete);
        // None passed, all run: not conformant.
        let all_fail = [
            case(A, Status::Fail),
            case(B, Status::Error),
            case(C, Status::Skip),
        ];
        let r = evaluate(&ps, &all_fail[..2], Role::Client);
        assert!(r[0].incomplete);
        let r = evaluate(
            &ps,
            &[
                case(A, Status::Fail),
                case(B, Status::Error),
                case(C, Status::Fail),
            ],
            Role::Client,
        );
        assert!(!r[0].conformant && !r[0].incomplete);
    }

    #[test]
    fn optional_counted_apart() {
        let mut p = server("S", &[A]);
        p.optional = vec!["SKLC-O-1-21".into(), "SKLC-O-2-21".into()];
        let r = evaluate(
            &[p],
            &[case(A, Status::Pass), case("SKLC-O-1-21", Status::Fail)],
            Role::Server,
        );
        assert!(r[0].conformant, "a failing optional case does not matter");
        assert_eq!((r[0].optional_total, r[0].optional_passed), (1, 0));
        assert_eq!((r[0].total, r[0].passed), (1, 1));
    }

    #[test]
    fn requires_must_be_conformant() {
        let base = server("Base", &["BL-M-1-21", A]);
        let mut sklc = server("SKLC", &[A]);
        sklc.requires = vec!["Base".into()];
        let ps = [base, sklc];
        // Baseline fails definitively -> SKLC not conformant, not incomplete.
        let r = evaluate(
            &ps,
            &[case(A, Status::Pass), case("BL-M-1-21", Status::Fail)],
            Role::Server,
        );
        let sklc = r.iter().find(|p| p.id == "SKLC").expect("reported");
        assert!(!sklc.conformant && !sklc.incomplete);
        assert_eq!(sklc.unmet_requires, vec!["Base".to_string()]);
        assert_eq!(sklc.passed, 1);
        // Baseline not run at all -> SKLC incomplete; Base still reported
        // because one of its cases (A) ran.
        let r = evaluate(&ps, &[case(A, Status::Pass)], Role::Server);
        assert_eq!(r.len(), 2);
        let sklc = r.iter().find(|p| p.id == "SKLC").expect("reported");
        assert!(!sklc.conformant && sklc.incomplete);
        // Both pass -> conformant.
        let r = evaluate(
            &ps,
            &[case(A, Status::Pass), case("BL-M-1-21", Status::Pass)],
            Role::Server,
        );
        assert!(r.iter().all(|p| p.conformant));
    }

    #[test]
    fn required_profile_evaluated_even_when_not_reported() {
        let base = server("Base", &["BL-M-1-21"]);
        let mut sklc = server("SKLC", &[A]);
        sklc.requires = vec!["Base".into()];
        let r = evaluate(&[base, sklc], &[case(A, Status::Pass)], Role::Server);
        assert_eq!(r.len(), 1, "Base has no case in the run");
        assert!(!r[0].conformant && r[0].incomplete);
        assert_eq!(r[0].unmet_requires, vec!["Base".to_string()]);
    }

    #[test]
    fn not_assessed_carried_and_role_filtered() {
        let mut s = server("S", &[A]);
        s.not_assessed = vec!["TLS mutual authentication".into()];
        let c = client("C", &[A]);
        let r = evaluate(&[s, c], &[case(A, Status::Pass)], Role::Server);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].id, "S");
        assert_eq!(r[0].role, "server");
        assert_eq!(
            r[0].not_assessed,
            vec!["TLS mutual authentication".to_string()]
        );
        assert!(
            r[0].conformant,
            "not-assessed items are reported apart from the verdict"
        );
    }

    #[test]
    fn profiles_without_cases_in_run_are_not_reported() {
        let ps = [server("S", &[A]), server("T", &[B])];
        let r = evaluate(&ps, &[case(A, Status::Pass)], Role::Server);
        assert_eq!(r.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["S"]);
        assert!(evaluate(&ps, &[], Role::Server).is_empty());
    }

    #[test]
    fn duplicate_case_results_use_worst_status() {
        let ps = [server("S", &[A])];
        let r = evaluate(
            &ps,
            &[case(A, Status::Pass), case(A, Status::Fail)],
            Role::Server,
        );
        assert!(!r[0].conformant);
        assert_eq!((r[0].total, r[0].failed), (1, 1));
    }

    #[test]
    fn encoding_profiles_count_only_results_in_their_encoding() {
        const X: &str = "MSGENC-XML-M-1-21";
        let mut xml = server("XML-server-2.1", &[X]);
        xml.encoding = Some("xml".into());
        let mut complete = server("Complete-server-2.1", &[X]);
        complete.requires = vec!["XML-server-2.1".into()];
        let ps = [xml, complete];
        let in_wire = |status, encoding: &str| {
            let mut c = case(X, status);
            c.encoding = encoding.into();
            c
        };
        // A plain TTLV pass never makes the XML profile conformant.
        let r = evaluate(&ps, &[in_wire(Status::Pass, "ttlv")], Role::Server);
        let x = r
            .iter()
            .find(|p| p.id == "XML-server-2.1")
            .expect("reported");
        assert!(!x.conformant && x.incomplete, "{x:?}");
        assert_eq!(x.missing, vec![X.to_string()]);
        assert_eq!(x.wire, "xml");
        let c = r
            .iter()
            .find(|p| p.id == "Complete-server-2.1")
            .expect("reported");
        assert!(!c.conformant && c.incomplete, "{c:?}");
        // Replayed in XML: a real verdict, both ways.
        let r = evaluate(&ps, &[in_wire(Status::Pass, "xml")], Role::Server);
        assert!(r.iter().all(|p| p.conformant), "{r:?}");
        let r = evaluate(&ps, &[in_wire(Status::Fail, "xml")], Role::Server);
        assert!(r.iter().all(|p| !p.conformant && !p.incomplete), "{r:?}");
        // Partly assessed (a pass in TTLV, nothing in XML) is never conformant,
        // whatever else passed.
        let r = evaluate(
            &ps,
            &[in_wire(Status::Pass, "ttlv"), in_wire(Status::Pass, "json")],
            Role::Server,
        );
        assert!(r.iter().all(|p| !p.conformant), "{r:?}");
    }

    #[test]
    fn bad_wire_requirement_is_rejected() {
        let text = GOOD.replace("notes:", "encoding: yaml\nnotes:");
        assert!(invalid(&text).contains("encoding"));
        let text = GOOD.replace("notes:", "transport: carrier-pigeon\nnotes:");
        assert!(invalid(&text).contains("transport"));
        let ok = GOOD.replace("notes:", "encoding: xml\ntransport: https\nnotes:");
        let p = parse_profile(&ok, Path::new("p.yaml")).expect("parses");
        assert_eq!(p.wire(), "xml over https");
    }

    #[test]
    fn profiles_for_case_matches_both_lists() {
        let mut s = server("S", &[A]);
        s.optional = vec!["SKLC-O-1-21".into()];
        let ps = [s, server("T", &[B])];
        let ids = |c: &str| {
            profiles_for_case(&ps, c)
                .iter()
                .map(|p| p.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(A), ["S"]);
        assert_eq!(ids("SKLC-O-1-21"), ["S"]);
        assert!(ids(C).is_empty());
    }

    const GOOD: &str = "id: SKLC-server-2.1
name: Symmetric Key Lifecycle Server KMIP v2.1 Profile Conformance
role: server
version: '2.1'
clause: KMIP Profiles v2.1 §6.11
criterion: all-mandatory
requires: []
mandatory: [SKLC-M-1-21, SKLC-M-2-21]
optional: [SKLC-O-1-21]
not_assessed: [port 5696]
notes: [free text]
";

    #[test]
    fn parse_profile_accepts_schema() {
        let p = parse_profile(GOOD, Path::new("p.yaml")).expect("parses");
        assert_eq!(p.id, "SKLC-server-2.1");
        assert_eq!(p.role, Role::Server);
        assert_eq!(p.criterion, Criterion::AllMandatory);
        assert_eq!(p.mandatory.len(), 2);
        assert_eq!(p.not_assessed, vec!["port 5696".to_string()]);
    }

    fn invalid(text: &str) -> String {
        match parse_profile(text, Path::new("bad.yaml")) {
            Err(e @ (ProfileError::Invalid { .. } | ProfileError::Yaml { .. })) => e.to_string(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn parse_profile_rejects_bad_files() {
        assert!(invalid(&GOOD.replace("notes", "nots")).contains("unknown field"));
        assert!(invalid(&GOOD.replace("role: server", "role: both")).contains("bad.yaml"));
        assert!(invalid(&GOOD.replace("SKLC-M-2-21", "SKLC-M-2-14")).contains("suffix"));
        assert!(invalid(&GOOD.replace("SKLC-M-2-21", "SKLC-O-2-21")).contains("not a -M- case"));
        assert!(invalid(&GOOD.replace("SKLC-M-2-21", "SKLC-M-1-21")).contains("twice"));
        assert!(invalid(&GOOD.replace("[SKLC-M-1-21, SKLC-M-2-21]", "[]")).contains("no mandatory"));
        assert!(invalid(&GOOD.replace("'2.1'", "'two'")).contains("MAJOR.MINOR"));
        assert!(
            invalid(&GOOD.replace("requires: []", "requires: [SKLC-server-2.1]"))
                .contains("requires itself")
        );
    }

    #[test]
    fn set_validation() {
        let dir = std::env::temp_dir().join(format!("kmip-profiles-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("v2.1")).expect("mkdir");
        std::fs::write(dir.join("v2.1/a.yaml"), GOOD).expect("write");
        let loaded = load_profiles(&dir).expect("loads");
        assert_eq!(loaded.len(), 1);

        std::fs::write(dir.join("b.yml"), GOOD).expect("write");
        let e = load_profiles(&dir).expect_err("duplicate");
        assert!(matches!(e, ProfileError::DuplicateId { .. }), "{e}");

        let other = GOOD
            .replace("id: SKLC-server-2.1", "id: X-server-2.1")
            .replace("requires: []", "requires: [Nope-2.1]");
        std::fs::write(dir.join("b.yml"), other).expect("write");
        let e = load_profiles(&dir).expect_err("unknown require");
        assert!(matches!(e, ProfileError::UnknownRequire { .. }), "{e}");

        let x = GOOD
            .replace("id: SKLC-server-2.1", "id: X-server-2.1")
            .replace("requires: []", "requires: [SKLC-server-2.1]");
        let sklc = GOOD.replace("requires: []", "requires: [X-server-2.1]");
        std::fs::write(dir.join("b.yml"), x).expect("write");
        std::fs::write(dir.join("v2.1/a.yaml"), sklc).expect("write");
        let e = load_profiles(&dir).expect_err("cycle");
        assert!(matches!(e, ProfileError::Cycle { .. }), "{e}");
        assert!(e.to_string().contains("->"));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
