//! Which cases run, and in which groups.
//!
//! Test cases are found with [`kmip_testcase::case::discover`] and loaded
//! with [`kmip_testcase::case::load_file`]; a file that does not load stays
//! in the plan and becomes an `error` verdict ("bad test case"), never a
//! silent omission. Filters (`--filter`, `--profile`) select by case id;
//! declared target capabilities turn cases into skips.
//!
//! **Chained cases.** Some cases depend on state another case leaves on the
//! server: TL-M-3 Locates the objects TL-M-2 created, SASED-M-3 Locates what
//! SASED-M-2 registered (research notes rules.md §2.4), and TL-M-1 /
//! SASED-M-1 start by Locating and Destroying leftovers with the same
//! attributes. Every case of such a family ([`CHAINED_FAMILIES`]) is put in
//! ONE group, whatever its protocol version, ordered by (version, number):
//! the group runs its cases one after the other (each on its own
//! connection) while other groups run in parallel. Grouping across versions
//! matters when several versions run against one server: TL-M-3-21 would
//! otherwise also Locate the keys TL-M-2-14 left behind.
//!
//! **Exclusive phase.** Cases that read global server state must not share
//! the server with cases running in parallel, or their result would depend
//! on timing. The rule ([`isolation_reason`]): a case is *exclusive* when
//! one of its requests is a `Locate` (it matches by attributes every object
//! on the server, not only its own), or when it sends a fixed `Name`
//! (`NameValue`) that another case of the plan also sends (concurrent
//! Registers would collide with `NonUniqueNameAttribute`, Locates by name
//! would see two objects). A group with an exclusive case is exclusive.
//! [`group`] puts exclusive groups first (in path order); the runner runs
//! them one at a time with nothing else in flight, then runs the other
//! groups in parallel. So exclusive cases always see the same server state
//! for a given plan and target, whatever `--jobs` is. (Objects a failing
//! case would leave behind are limited by the clean-up after a failure, see
//! [`crate::replay`].)

use crate::encoding::{Transport, WireFormat};
use kmip_testcase::case::{self, CaseId, TestCase};
use kmip_testcase::profile::{Profile, Role};
use kmip_ttlv::{Item, Tag, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Families whose cases share server state and run in order, in one group.
pub const CHAINED_FAMILIES: &[&str] = &["TL-M", "SASED-M"];

/// One case of the plan.
#[derive(Clone, Debug)]
pub struct PlannedCase {
    /// Case id (file stem).
    pub id: String,
    /// Test-case file.
    pub path: PathBuf,
    /// The loaded case, or why it could not be loaded.
    pub case: Result<Arc<TestCase>, String>,
    /// Why the case is not run (declared capabilities), if it is not.
    pub skip: Option<String>,
    /// The encoding / transport this case must be replayed in instead of
    /// the run's, and the profiles that need it (see [`assign_wire`]).
    pub wire: Option<WireOverride>,
}

/// A case replayed in another encoding / transport than the run's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireOverride {
    /// The format to replay in.
    pub format: WireFormat,
    /// Profile ids that need it (`XML-server-2.1`).
    pub profiles: Vec<String>,
}

impl PlannedCase {
    /// Load one file.
    pub fn load(path: &Path) -> PlannedCase {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match case::load_file(path) {
            Ok(tc) => PlannedCase::loaded(path, tc),
            Err(e) => PlannedCase {
                id,
                path: path.to_path_buf(),
                case: Err(e.to_string()),
                skip: None,
                wire: None,
            },
        }
    }

    /// Load one file already in memory (`path` names it in reports, e.g.
    /// a test case embedded in the binary).
    pub fn from_text(path: &Path, text: &str) -> PlannedCase {
        match case::load_str(text, path) {
            Ok(tc) => PlannedCase::loaded(path, tc),
            Err(e) => PlannedCase {
                id: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path: path.to_path_buf(),
                case: Err(e.to_string()),
                skip: None,
                wire: None,
            },
        }
    }

    fn loaded(path: &Path, tc: TestCase) -> PlannedCase {
        PlannedCase {
            id: tc.id.clone(),
            path: path.to_path_buf(),
            case: Ok(Arc::new(tc)),
            skip: None,
            wire: None,
        }
    }
}

/// Give each case listed by a profile that needs its own encoding or
/// transport ([`Profile::encoding`], [`Profile::transport`]: the XML, JSON
/// and HTTPS server clauses) that format, on top of the run's `base`
/// format. A case such profiles disagree on keeps the first profile's
/// format (in profile order). Cases whose format equals `base` are left
/// alone.
pub fn assign_wire(cases: &mut [PlannedCase], profiles: &[Profile], base: &WireFormat) {
    for c in cases {
        let mut chosen: Option<WireOverride> = None;
        for p in profiles.iter().filter(|p| p.role == Role::Server) {
            if p.encoding.is_none() && p.transport.is_none() {
                continue;
            }
            if !p.mandatory.iter().chain(&p.optional).any(|id| id == &c.id) {
                continue;
            }
            let mut format = base.clone();
            if let Some(e) = p.encoding.as_deref().and_then(|e| e.parse().ok()) {
                format.encoding = e;
            }
            match p.transport.as_deref() {
                Some("https") => format.transport = Transport::Https,
                Some("tls") => format.transport = Transport::Tls,
                _ => {}
            }
            match &mut chosen {
                Some(o) if o.format == format => o.profiles.push(p.id.clone()),
                Some(_) => {}
                None => {
                    chosen = Some(WireOverride {
                        format,
                        profiles: vec![p.id.clone()],
                    })
                }
            }
        }
        c.wire = chosen.filter(|o| &o.format != base);
    }
}

/// Cases that run one after the other.
#[derive(Clone, Debug)]
pub struct Group {
    /// The cases, in run order.
    pub cases: Vec<PlannedCase>,
    /// Why the group runs in the exclusive phase (nothing else in flight),
    /// if it does (see the module doc).
    pub exclusive: Option<String>,
}

/// `Operation` (tag 0x42005C).
const TAG_OPERATION: Tag = kmip_ttlv::tags::OPERATION;
/// `NameValue` (tag 0x420055).
const TAG_NAME_VALUE: Tag = kmip_ttlv::tags::NAME_VALUE;
/// The `Locate` operation code.
const OP_LOCATE: u32 = 0x08;

/// Whether a request message holds a `Locate` batch item.
fn has_locate(request: &Item) -> bool {
    let mut found = false;
    request.walk(&mut |i| {
        if i.tag == TAG_OPERATION && i.value == Value::Enumeration(OP_LOCATE) {
            found = true;
        }
    });
    found
}

/// The fixed `NameValue` texts a case sends.
pub fn fixed_names(tc: &TestCase) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for step in &tc.steps {
        step.request.walk(&mut |i| {
            if i.tag == TAG_NAME_VALUE {
                if let Some(t) = i.value.as_text() {
                    if !t.starts_with('$') {
                        names.insert(t.to_string());
                    }
                }
            }
        });
    }
    names
}

/// Why a case must run in the exclusive phase, if it must: it Locates, or
/// it sends a fixed Name that another case also sends (`shared_names`: the
/// names sent by more than one case of the plan).
pub fn isolation_reason(tc: &TestCase, shared_names: &HashSet<String>) -> Option<String> {
    if let Some(step) = tc.steps.iter().find(|s| has_locate(&s.request)) {
        return Some(format!(
            "{}: message {} is a Locate (reads global server state)",
            tc.id, step.index
        ));
    }
    fixed_names(tc)
        .into_iter()
        .find(|n| shared_names.contains(n))
        .map(|n| format!("{}: Name {n:?} is also used by another case", tc.id))
}

/// Load test cases already in memory (`(path, text)` pairs; only `*.xml`
/// paths are taken), in path order.
pub fn load_texts<P: AsRef<Path>, T: AsRef<str>>(files: &[(P, T)]) -> Vec<PlannedCase> {
    let mut out: Vec<PlannedCase> = files
        .iter()
        .filter(|(p, _)| {
            p.as_ref()
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        })
        .map(|(p, t)| PlannedCase::from_text(p.as_ref(), t.as_ref()))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Discover and load every test case under `paths` (files or folders).
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<PlannedCase>, case::LoadError> {
    Ok(case::discover(paths)?
        .iter()
        .map(|p| PlannedCase::load(p))
        .collect())
}

/// Case selection.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Keep only ids containing this substring (case-insensitive).
    pub substring: Option<String>,
    /// Keep only these ids (from `--profile`).
    pub ids: Option<HashSet<String>>,
}

impl Selection {
    /// Whether a case id is selected.
    pub fn matches(&self, id: &str) -> bool {
        let sub_ok = self
            .substring
            .as_ref()
            .is_none_or(|s| id.to_lowercase().contains(&s.to_lowercase()));
        let id_ok = self.ids.as_ref().is_none_or(|ids| ids.contains(id));
        sub_ok && id_ok
    }
}

/// The chained family a case belongs to, if any.
pub fn chain_family(id: &str) -> Option<&'static str> {
    CHAINED_FAMILIES.iter().copied().find(|f| {
        id.strip_prefix(f)
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// Order of cases inside a chained group: (version, numeric number, id).
fn chain_key(id: &str) -> (Option<kmip_ttlv::dict::Version>, u64, String) {
    let parsed = CaseId::parse(id);
    let version = parsed.as_ref().and_then(|c| c.version);
    let number = parsed
        .as_ref()
        .and_then(|c| c.number.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    (version, number, id.to_string())
}

/// Split cases into groups: one group per chained family present, one group
/// per other case; mark exclusive groups ([`isolation_reason`]). Exclusive
/// groups come first, then the others; within each kind, groups come in the
/// order of their first case's path.
pub fn group(mut cases: Vec<PlannedCase>) -> Vec<Group> {
    cases.sort_by(|a, b| a.path.cmp(&b.path));
    // Names used by more than one case id.
    let mut users: HashMap<String, BTreeSet<&str>> = HashMap::new();
    for c in &cases {
        if let Ok(tc) = &c.case {
            for n in fixed_names(tc) {
                users.entry(n).or_default().insert(c.id.as_str());
            }
        }
    }
    let shared: HashSet<String> = users
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(n, _)| n)
        .collect();
    let mut families: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for c in cases {
        let reason = match (&c.skip, &c.case) {
            (None, Ok(tc)) => isolation_reason(tc, &shared),
            _ => None,
        };
        let gi = match chain_family(&c.id) {
            Some(f) => match families.get(f) {
                Some(&i) => i,
                None => {
                    families.insert(f, groups.len());
                    groups.push(Group {
                        cases: Vec::new(),
                        exclusive: None,
                    });
                    groups.len() - 1
                }
            },
            None => {
                groups.push(Group {
                    cases: Vec::new(),
                    exclusive: None,
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[gi];
        g.cases.push(c);
        if g.exclusive.is_none() {
            g.exclusive = reason;
        }
    }
    for &i in families.values() {
        groups[i].cases.sort_by_key(|c| chain_key(&c.id));
    }
    // Stable: keeps path order within each kind.
    groups.sort_by_key(|g| g.exclusive.is_none());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(dir: &str, id: &str) -> PlannedCase {
        PlannedCase {
            id: id.into(),
            path: PathBuf::from(format!("{dir}/{id}.xml")),
            case: Err("not loaded".into()),
            skip: None,
            wire: None,
        }
    }

    #[test]
    fn families() {
        assert_eq!(chain_family("TL-M-3-21"), Some("TL-M"));
        assert_eq!(chain_family("SASED-M-2-14"), Some("SASED-M"));
        assert_eq!(chain_family("TL-O-1-21"), None);
        assert_eq!(chain_family("TLX-M-1-21"), None);
        assert_eq!(chain_family("SKLC-M-1-21"), None);
    }

    #[test]
    fn chained_cases_share_one_ordered_group() {
        let cases = vec![
            planned("v2.1", "TL-M-3-21"),
            planned("v2.1", "SKLC-M-1-21"),
            planned("v1.4", "TL-M-2-14"),
            planned("v2.1", "TL-M-2-21"),
            planned("v1.4", "TL-M-3-14"),
            planned("v2.1", "SASED-M-3-21"),
            planned("v2.1", "SASED-M-2-21"),
            planned("v2.1", "TL-M-10-21"),
        ];
        let groups = group(cases);
        let ids: Vec<Vec<&str>> = groups
            .iter()
            .map(|g| g.cases.iter().map(|c| c.id.as_str()).collect())
            .collect();
        assert_eq!(
            ids,
            vec![
                vec![
                    "TL-M-2-14",
                    "TL-M-3-14",
                    "TL-M-2-21",
                    "TL-M-3-21",
                    "TL-M-10-21"
                ],
                vec!["SASED-M-2-21", "SASED-M-3-21"],
                vec!["SKLC-M-1-21"],
            ]
        );
    }

    #[test]
    fn selection() {
        let s = Selection {
            substring: Some("sklc".into()),
            ids: None,
        };
        assert!(s.matches("SKLC-M-1-21"));
        assert!(!s.matches("BL-M-1-21"));
        let s = Selection {
            substring: None,
            ids: Some(["BL-M-1-21".to_string()].into_iter().collect()),
        };
        assert!(s.matches("BL-M-1-21"));
        assert!(!s.matches("BL-M-2-21"));
        assert!(Selection::default().matches("anything"));
    }
}
