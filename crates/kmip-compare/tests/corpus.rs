//! Corpus self-test: for every OASIS test case (from `$KMIP_CORPUS`, else
//! `../shared/oasis` beside the repository), each expected response is
//! compared with ITSELF, placeholders replaced by stand-in values the way a
//! server would fill them. There must be no difference (the masking engine
//! invents none), and mutating one leaf (flip the first ResultStatus,
//! change the first CryptographicLength) must give exactly one difference,
//! at that leaf's path.
//!
//! Skips, with a message, when the corpus is absent.

mod common;

use common::{corpus_dir, stand_in};

use kmip_compare::{CompareOptions, Session};
use kmip_ttlv::{Item, ItemType, Tag, Value};

use common::NOW;
const RESULT_STATUS: Tag = Tag(0x42007F);
const CRYPTOGRAPHIC_LENGTH: Tag = Tag(0x42002A);
const BATCH_ITEM: Tag = Tag(0x42000F);
const RANDOM_NUMBER_GENERATOR: Tag = Tag(0x4200DE);
const ATTRIBUTE: Tag = Tag(0x420008);
const ATTRIBUTE_NAME: Tag = Tag(0x42000A);

/// Path of the first leaf with `tag` (depth first), in the comparator's
/// notation. Random Number Generator attributes are skipped: their
/// contents are masked by design (row `rng-attribute`).
fn find_path(item: &Item, tag: Tag, prefix: &mut Vec<String>) -> Option<String> {
    let children = item.children();
    for (i, c) in children.iter().enumerate() {
        if is_rng_attribute(c) {
            continue;
        }
        let k = children[..i].iter().filter(|x| x.tag == c.tag).count();
        let n = children.iter().filter(|x| x.tag == c.tag).count();
        let name = c.tag.display_name();
        prefix.push(if c.tag == BATCH_ITEM || n > 1 {
            format!("{name}[{k}]")
        } else {
            name
        });
        let found = if c.tag == tag && c.item_type() != ItemType::Structure {
            Some(prefix.join("/"))
        } else {
            find_path(c, tag, prefix)
        };
        prefix.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

fn is_rng_attribute(item: &Item) -> bool {
    item.tag == RANDOM_NUMBER_GENERATOR
        || (item.tag == ATTRIBUTE
            && item
                .child(ATTRIBUTE_NAME)
                .and_then(|n| n.value.as_text())
                .is_some_and(|n| {
                    n.split_whitespace().collect::<Vec<_>>().join(" ") == "Random Number Generator"
                }))
}

/// The item at a comparator path (`A/B[1]/C`).
fn get_mut<'a>(mut item: &'a mut Item, path: &str) -> Option<&'a mut Item> {
    for seg in path.split('/') {
        let (name, k) = match seg.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()?),
            None => (seg, 0),
        };
        item = item
            .children_mut()?
            .iter_mut()
            .filter(|c| c.tag.display_name() == name)
            .nth(k)?;
    }
    Some(item)
}

/// Mutate the first leaf with `tag`; returns its path.
fn mutate(actual: &mut Item, tag: Tag) -> Option<String> {
    let path = find_path(actual, tag, &mut Vec::new())?;
    let leaf = get_mut(actual, &path)?;
    match &mut leaf.value {
        Value::Enumeration(c) => *c = if *c == 0 { 1 } else { 0 },
        Value::Integer(i) => *i += 8,
        _ => return None,
    }
    Some(path)
}

#[test]
fn every_expected_response_matches_itself_and_single_mutations_are_found() {
    let Some(dir) = corpus_dir() else {
        eprintln!("SKIP: no corpus (set KMIP_CORPUS or provide ../shared/oasis)");
        return;
    };
    let files = kmip_testcase::case::discover(&[dir]).expect("discover corpus");
    assert!(!files.is_empty(), "corpus folder holds no .xml files");
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    let (mut steps, mut mutations) = (0usize, 0usize);
    for file in &files {
        let tc = match kmip_testcase::case::load_file(file) {
            Ok(tc) => tc,
            Err(e) => {
                failures.push(format!("{}: load: {e}", file.display()));
                continue;
            }
        };
        let mut session = Session::new(CompareOptions::default());
        for step in &tc.steps {
            steps += 1;
            let sent = match session.bind_request(&step.request, NOW) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{} step {}: bind: {e}", tc.id, step.index));
                    break;
                }
            };
            let actual = stand_in(&step.response, &session);
            let before = session.clone();
            let mut strict_session = before.clone();
            strict_session.set_options(CompareOptions {
                strict: true,
                ..CompareOptions::default()
            });
            let cs = strict_session.check_response(&step.response, &actual, &sent, NOW, NOW);
            if !cs.warnings.is_empty() {
                warnings.push(format!("{} step {}: {:?}", tc.id, step.index, cs.warnings));
            }
            let c = session.check_response(&step.response, &actual, &sent, NOW, NOW);
            if !c.is_match() {
                failures.push(format!(
                    "{} step {}: self-comparison differs: {:?}\n{}",
                    tc.id, step.index, c.differences, c.diff
                ));
                continue;
            }
            for tag in [RESULT_STATUS, CRYPTOGRAPHIC_LENGTH] {
                let mut mutated = actual.clone();
                let Some(path) = mutate(&mut mutated, tag) else {
                    continue;
                };
                mutations += 1;
                let mut s2 = before.clone();
                let c2 = s2.check_response(&step.response, &mutated, &sent, NOW, NOW);
                let paths: Vec<&str> = c2.differences.iter().map(|d| d.path.as_str()).collect();
                if paths != [path.as_str()] {
                    failures.push(format!(
                        "{} step {}: mutating {path} gave {:?}",
                        tc.id, step.index, c2.differences
                    ));
                }
            }
        }
    }
    eprintln!(
        "corpus self-test: {} files, {steps} steps, {mutations} mutations, {} failures",
        files.len(),
        failures.len()
    );
    for w in warnings.iter().take(40) {
        eprintln!("strict: {w}");
    }
    eprintln!(
        "strict-mode warnings on self-comparison: {}",
        warnings.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
