//! Bounded stable-Rust fuzzing of every decoder from real seeds: the OASIS
//! corpus (from `$KMIP_CORPUS` or `../shared/oasis`, when present) plus
//! built-in messages, converted to binary TTLV, KMIP XML and JSON, then
//! mutated (bit flips, byte rewrites, length / type field rewrites, cuts,
//! splices, duplications) and fed to `ttlv::decode`, `view::parse`,
//! `xml::parse_document` and `json::from_json_str`.
//!
//! Properties: no decoder panics; both binary decoders agree; anything the
//! binary decoder accepts re-encodes to the same bytes; any message the
//! XML reader accepts passes `xml::check_round_trip`; any item the JSON
//! reader accepts round-trips through JSON.
//!
//! Bounded by time: `KMIP_FUZZ_MS` per test (default 2000 ms). This is the
//! stable-Rust stand-in for the cargo-fuzz targets in `fuzz/` (see
//! `fuzz/README.md`).

use arbitrary::{Result, Unstructured};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{json, view, xml, Item, Tag, Value};
use std::path::PathBuf;

#[path = "../../../test-support/corpus.rs"]
mod corpus_support;

fn budget() -> u64 {
    std::env::var("KMIP_FUZZ_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

fn corpus_dir() -> Option<PathBuf> {
    corpus_support::corpus_dir(env!("CARGO_MANIFEST_DIR"), "fuzz_corpus seeds")
}

fn builtin() -> Item {
    let t = |n: &str| Tag::by_name(n).expect("dictionary tag");
    Item::structure(
        t("RequestMessage"),
        vec![
            Item::structure(
                t("RequestHeader"),
                vec![
                    Item::structure(
                        t("ProtocolVersion"),
                        vec![
                            Item::new(t("ProtocolVersionMajor"), Value::Integer(1)),
                            Item::new(t("ProtocolVersionMinor"), Value::Integer(4)),
                        ],
                    ),
                    Item::new(t("BatchCount"), Value::Integer(1)),
                ],
            ),
            Item::structure(
                t("BatchItem"),
                vec![
                    Item::new(t("Operation"), Value::Enumeration(0x0A)),
                    Item::structure(
                        t("RequestPayload"),
                        vec![
                            Item::new(t("UniqueIdentifier"), Value::TextString("uid-1".into())),
                            Item::new(t("ActivationDate"), Value::DateTime(1_700_000_000)),
                            Item::new(t("KeyMaterial"), Value::ByteString(vec![1, 2, 3])),
                            Item::new(t("Sensitive"), Value::Boolean(true)),
                            Item::new(t("LeaseTime"), Value::Interval(3600)),
                        ],
                    ),
                ],
            ),
        ],
    )
}

/// Seeds: (TTLV bytes, XML text, JSON text) per message; at most `max`
/// corpus messages (spread over the files) plus the built-in one.
fn seeds(max: usize) -> Vec<(Vec<u8>, String, String)> {
    let mut items = vec![builtin()];
    match corpus_dir() {
        Some(dir) => {
            let mut files = Vec::new();
            corpus_support::xml_files(&dir, &mut files);
            let step = (files.len() / max.max(1)).max(1);
            for f in files.iter().step_by(step) {
                let Ok(text) = std::fs::read_to_string(f) else {
                    continue;
                };
                let Ok(doc) = xml::parse_document(&text) else {
                    continue;
                };
                for m in doc.items.into_iter().take(2) {
                    let mut it = m.item;
                    it.substitute_placeholders(&mut |p| Some(p.stand_in()));
                    items.push(it);
                }
            }
        }
        None => eprintln!("note: fuzzing from the built-in seed only"),
    }
    items
        .into_iter()
        .filter_map(|it| {
            let bytes = ttlv::encode(&it).ok()?;
            Some((bytes, xml::to_xml(&it), json::to_json_string(&it)))
        })
        .collect()
}

/// Byte-level mutations, some aware of the TTLV header layout. One input
/// in five goes through unchanged, so the accept-side properties (round
/// trips) are exercised on real messages too.
fn mutate(u: &mut Unstructured, bytes: &mut Vec<u8>, donor: &[u8]) -> Result<()> {
    let rounds = u.int_in_range(0..=4)?;
    for _ in 0..rounds {
        let len = bytes.len();
        if len == 0 {
            bytes.extend_from_slice(&donor[..donor.len().min(16)]);
            continue;
        }
        match u.int_in_range(0..=8)? {
            0 => {
                let i = u.choose_index(len)?;
                bytes[i] ^= 1 << u.int_in_range(0..=7)?;
            }
            1 => {
                let i = u.choose_index(len)?;
                bytes[i] = u.arbitrary()?;
            }
            2 => {
                let h = u.choose_index(len / 8 + 1)? * 8;
                if h + 8 <= len {
                    let v: u32 = if u.ratio(1, 4)? {
                        u.arbitrary()?
                    } else {
                        let old = u32::from_be_bytes([
                            bytes[h + 4],
                            bytes[h + 5],
                            bytes[h + 6],
                            bytes[h + 7],
                        ]);
                        old.wrapping_add_signed(i32::from(u.arbitrary::<i8>()?))
                    };
                    bytes[h + 4..h + 8].copy_from_slice(&v.to_be_bytes());
                }
            }
            3 => {
                let h = u.choose_index(len / 8 + 1)? * 8;
                if h + 4 <= len {
                    bytes[h + 3] = u.int_in_range(0..=0x10)?;
                }
            }
            4 => {
                let cut = u.choose_index(len)?;
                bytes.truncate(cut);
            }
            5 => {
                // Splice a chunk of the donor in.
                if !donor.is_empty() {
                    let a = u.choose_index(donor.len())?;
                    let b = (a + u.int_in_range(1..=64)?).min(donor.len());
                    let at = u.choose_index(len)?;
                    let chunk = donor[a..b].to_vec();
                    bytes.splice(at..at, chunk);
                }
            }
            6 => {
                // Duplicate a range (nesting / repeated fields).
                let a = u.choose_index(len)?;
                let b = (a + u.int_in_range(1..=48)?).min(len);
                let chunk = bytes[a..b].to_vec();
                bytes.splice(a..a, chunk);
            }
            7 => {
                let a = u.choose_index(len)?;
                let b = (a + u.int_in_range(1..=16)?).min(len);
                bytes.drain(a..b);
            }
            _ => {
                let i = u.choose_index(len)?;
                let special = *u.choose(&[0u8, 0xFF, 0x7F, 0x80, b'<', b'>', b'"', b'$', b'{'])?;
                bytes[i] = special;
            }
        }
    }
    Ok(())
}

fn pick<'a>(
    u: &mut Unstructured,
    seeds: &'a [(Vec<u8>, String, String)],
) -> Result<&'a (Vec<u8>, String, String)> {
    u.choose(seeds)
}

#[test]
fn ttlv_and_view_decoders_survive_mutated_corpus() {
    let seeds = seeds(120);
    let limits = Limits::default();
    let (mut accepted, mut rejected) = (0u64, 0u64);
    arbtest::arbtest(|u| {
        let (seed, _, _) = pick(u, &seeds)?;
        let (donor, _, _) = pick(u, &seeds)?;
        let mut bytes = seed.clone();
        mutate(u, &mut bytes, donor)?;
        let owned = ttlv::decode(&bytes, &limits);
        let fast = view::parse(&bytes, &limits);
        match (&owned, &fast) {
            (Ok(item), Ok(v)) => {
                accepted += 1;
                assert_eq!(&v.to_item(), item, "view and tree differ");
                let again = ttlv::encode(item).expect("decoded tree encodes");
                assert_eq!(again, bytes, "re-encoding changed the bytes");
            }
            (Err(_), Err(_)) => rejected += 1,
            (o, f) => panic!(
                "decoders disagree on {}: tree {:?} view {:?}",
                hex::encode(&bytes),
                o.as_ref().err(),
                f.as_ref().err()
            ),
        }
        Ok(())
    })
    .budget_ms(budget());
    eprintln!("ttlv: {accepted} accepted, {rejected} rejected");
    assert!(rejected > 0, "mutations never produced an invalid message");
}

#[test]
fn xml_reader_survives_mutated_corpus() {
    let seeds = seeds(120);
    let (mut accepted, mut rejected) = (0u64, 0u64);
    arbtest::arbtest(|u| {
        let (_, seed, _) = pick(u, &seeds)?;
        let (_, donor, _) = pick(u, &seeds)?;
        let mut bytes = seed.clone().into_bytes();
        mutate(u, &mut bytes, donor.as_bytes())?;
        let text = String::from_utf8_lossy(&bytes);
        match xml::parse_document(&text) {
            Ok(doc) => {
                accepted += 1;
                for m in &doc.items {
                    if let Err(e) = xml::check_round_trip(&m.item) {
                        panic!("accepted XML does not round-trip ({e}): {text}");
                    }
                }
            }
            Err(_) => rejected += 1,
        }
        Ok(())
    })
    .budget_ms(budget());
    eprintln!("xml: {accepted} accepted, {rejected} rejected");
    assert!(rejected > 0 && accepted > 0, "{accepted} / {rejected}");
}

#[test]
fn json_reader_survives_mutated_corpus() {
    let seeds = seeds(120);
    let (mut accepted, mut rejected) = (0u64, 0u64);
    arbtest::arbtest(|u| {
        let (_, _, seed) = pick(u, &seeds)?;
        let (_, _, donor) = pick(u, &seeds)?;
        let mut bytes = seed.clone().into_bytes();
        mutate(u, &mut bytes, donor.as_bytes())?;
        let text = String::from_utf8_lossy(&bytes);
        match json::from_json_str(&text) {
            Ok(item) => {
                accepted += 1;
                let again = json::from_json_str(&json::to_json_string(&item))
                    .expect("rendered JSON parses");
                assert_eq!(again, item, "JSON round trip changed the item: {text}");
            }
            Err(_) => rejected += 1,
        }
        Ok(())
    })
    .budget_ms(budget());
    eprintln!("json: {accepted} accepted, {rejected} rejected");
    assert!(rejected > 0 && accepted > 0, "{accepted} / {rejected}");
}
