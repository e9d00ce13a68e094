//! The shipped profile definitions (`profiles/`): they load and validate,
//! have the expected shape per version, and agree with the OASIS corpus
//! folder listings when the corpus is present (every listed case exists,
//! every corpus file belongs to at least one profile).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use kmip_testcase::case::discover;
use kmip_testcase::profile::{load_profiles, Criterion, Profile, Role};

#[path = "../../../test-support/corpus.rs"]
mod corpus_support;

fn repo() -> PathBuf {
    std::fs::canonicalize(env!("CARGO_MANIFEST_DIR"))
        .expect("manifest dir")
        .join("../..")
}

/// Every shipped profile (OASIS clauses and project profiles).
fn all_profiles() -> Vec<Profile> {
    load_profiles(&repo().join("profiles")).expect("profiles load and validate")
}

/// A project profile (`profiles/project/`, cases from `testcases/`).
fn is_project(p: &Profile) -> bool {
    p.id.starts_with("KH-")
}

/// The OASIS conformance-clause profiles.
fn profiles() -> Vec<Profile> {
    all_profiles()
        .into_iter()
        .filter(|p| !is_project(p))
        .collect()
}

#[test]
fn project_profiles_cover_every_project_case_once() {
    // Server cases only: testcases/client/ holds client-mode cases (the
    // harness plays the server), which no server profile lists.
    let files = discover(&[repo().join("testcases/server")]).expect("discover testcases/server");
    let stems: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    assert!(!stems.is_empty(), "testcases/ has cases");
    let mut listed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in all_profiles().iter().filter(|p| is_project(p)) {
        assert_eq!(p.role, Role::Server, "{}", p.id);
        for c in p.mandatory.iter().chain(&p.optional) {
            assert!(stems.contains(c), "{}: {c} is not in testcases/", p.id);
            let id = kmip_testcase::case::CaseId::parse(c).expect("project id parses");
            assert!(id.project, "{c}");
            listed.entry(c.clone()).or_default().push(p.id.clone());
        }
    }
    for s in &stems {
        let owners = listed.get(s).map_or(0, Vec::len);
        assert_eq!(owners, 1, "{s} belongs to {owners} project profiles");
    }
}

fn corpus(test: &str) -> Option<PathBuf> {
    corpus_support::corpus_dir(env!("CARGO_MANIFEST_DIR"), test)
}

fn by_version(ps: &[Profile]) -> BTreeMap<&str, Vec<&Profile>> {
    let mut m: BTreeMap<&str, Vec<&Profile>> = BTreeMap::new();
    for p in ps {
        m.entry(p.version.as_str()).or_default().push(p);
    }
    m
}

fn get<'a>(ps: &'a [Profile], id: &str) -> &'a Profile {
    ps.iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("profile {id}"))
}

#[test]
fn profile_counts_per_version() {
    let ps = profiles();
    let counts: Vec<(&str, usize)> = by_version(&ps)
        .into_iter()
        .map(|(v, l)| (v, l.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("1.0", 10),
            ("1.1", 10),
            ("1.2", 10),
            ("1.3", 31),
            ("1.4", 33),
            ("2.0", 35),
            ("2.1", 35),
            ("3.0", 35)
        ]
    );
    let ids: BTreeSet<&str> = ps.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), ps.len(), "ids unique");
}

#[test]
fn clause_structure() {
    let ps = profiles();
    for v in ["2.0", "2.1", "3.0"] {
        let base = get(&ps, &format!("Baseline-server-{v}"));
        assert!(base.mandatory.iter().any(|c| c.starts_with("BL-M-")));
        assert!(base.mandatory.iter().any(|c| c.starts_with("SKLC-M-")));
        assert!(base
            .mandatory
            .iter()
            .all(|c| c.starts_with("BL-M-") || c.starts_with("SKLC-M-")));
        for p in ps
            .iter()
            .filter(|p| p.version == v && !p.id.starts_with("Baseline"))
        {
            let want = format!("Baseline-{}-{v}", p.role);
            assert!(p.requires.contains(&want), "{} requires {want}", p.id);
        }
    }
    for p in &ps {
        match p.role {
            Role::Server => assert_eq!(p.criterion, Criterion::AllMandatory, "{}", p.id),
            Role::Client if p.id.starts_with("HTTPS-") => {
                assert_eq!(p.criterion, Criterion::AllMandatory, "{}", p.id)
            }
            Role::Client => assert_eq!(p.criterion, Criterion::AtLeastOneMandatory, "{}", p.id),
        }
        assert!(
            !p.not_assessed.is_empty(),
            "{}: auth suite not assessed",
            p.id
        );
    }
    assert_eq!(get(&ps, "Baseline-server-3.0").mandatory.len(), 21 + 3);
    assert_eq!(get(&ps, "Baseline-server-2.1").mandatory.len(), 13 + 3);
    let tier = |id: &str| get(&ps, id).mandatory.clone();
    assert_eq!(
        tier("SKFF-basic-client-2.1"),
        ["SKFF-M-1-21", "SKFF-M-2-21", "SKFF-M-3-21", "SKFF-M-4-21"]
    );
    assert_eq!(tier("SKFF-intermediate-client-1.4")[0], "SKFF-M-5-14");
    assert_eq!(tier("SKFF-advanced-client-1.0").len(), 4);
    assert_eq!(tier("SKFF-server-3.0").len(), 12);
    // v1.3 quirks and the v1.3 / v2.0 listing counts (rules.md §3.1).
    let cs_bc_13 = tier("CS-BC-server-1.3");
    assert_eq!(cs_bc_13.len(), 15);
    assert!(cs_bc_13.contains(&"CS-BC-M-4-12-3DES-13".to_string()));
    let cs_ac_13 = tier("CS-AC-server-1.3");
    assert_eq!(cs_ac_13.len(), 9);
    assert!(cs_ac_13.contains(&"CS-AC-M-3-ECC-13".to_string()));
    assert_eq!(tier("Complete-server-1.3").len(), 55);
    assert_eq!(tier("Complete-server-2.0").len(), 86);
    assert_eq!(tier("Complete-server-2.1").len(), 86);
    assert_eq!(tier("Complete-server-3.0").len(), 95);
    assert_eq!(tier("Complete-server-1.4").len(), 68);
    // Complete Server requires every other server profile of its version.
    for v in ["1.3", "1.4", "2.0", "2.1", "3.0"] {
        let complete = get(&ps, &format!("Complete-server-{v}"));
        let servers: BTreeSet<&str> = ps
            .iter()
            .filter(|p| p.version == v && p.role == Role::Server && p.id != complete.id)
            .map(|p| p.id.as_str())
            .collect();
        let req: BTreeSet<&str> = complete.requires.iter().map(String::as_str).collect();
        assert_eq!(req, servers, "{}", complete.id);
    }
    // No Suite B from v2.0 on, no BL / QS / PKCS#11 before.
    assert!(ps
        .iter()
        .all(|p| !(p.id.starts_with("SUITEB") && p.version.starts_with('2'))));
    assert!(ps.iter().all(|p| !(p.version.starts_with('1')
        && (p.id.starts_with("Baseline")
            || p.id.starts_with("QS")
            || p.id.starts_with("PKCS11")))));
}

#[test]
fn profiles_match_corpus_listing() {
    let Some(root) = corpus("profiles_match_corpus_listing") else {
        return;
    };
    let files = discover(std::slice::from_ref(&root)).expect("discover");
    let stems: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let ps = profiles();
    // Versions whose case lists come from the corpus folders.
    let from_corpus = ["1.0", "1.1", "1.2", "1.4", "2.1", "3.0"];
    let mut listed = BTreeSet::new();
    for p in &ps {
        for c in p.mandatory.iter().chain(&p.optional) {
            listed.insert(c.clone());
            if from_corpus.contains(&p.version.as_str()) {
                assert!(stems.contains(c), "{}: {c} is not in the corpus", p.id);
            }
        }
    }
    let orphans: Vec<&String> = stems.iter().filter(|s| !listed.contains(*s)).collect();
    assert!(
        orphans.is_empty(),
        "corpus files in no profile: {orphans:?}"
    );
}
