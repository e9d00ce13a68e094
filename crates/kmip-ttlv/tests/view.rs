//! The zero-copy view decoder (`view::parse`) must agree with the owned
//! decoder (`ttlv::decode`) on every input: on valid messages the view
//! converts to the very same tree; on invalid ones both fail with the same
//! error (kind, byte offset and tag path). Checked with arbitrary trees,
//! arbitrary byte strings, mutations of valid encodings (bit flips, length
//! and type rewrites, truncation, extension), several `Limits`, hand-made
//! inputs for every error kind, and every message of the OASIS corpus when it
//! is present (`$KMIP_CORPUS` or `../shared/oasis`; skipped, saying so,
//! otherwise).

use arbitrary::{Result, Unstructured};
use kmip_ttlv::ttlv::{self, DecodeErrorKind, Limits};
use kmip_ttlv::view;
use kmip_ttlv::{xml, Item, ItemType, Tag, Value};
use std::path::PathBuf;

#[path = "../../../test-support/corpus.rs"]
mod corpus_support;

/// Deepest structure nesting generated.
const MAX_GEN_DEPTH: usize = 7;

/// Time budget per property: `ARBTEST_BUDGET_MS` when set, else `default_ms`.
fn budget(default_ms: u64) -> u64 {
    std::env::var("ARBTEST_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_ms)
}

fn gen_tag(u: &mut Unstructured) -> Result<Tag> {
    Ok(Tag(match u.int_in_range(0..=3)? {
        0 => u.int_in_range(0x42_0000..=0x42_0150)?,
        1 => u.int_in_range(0x54_0000..=0x54_00FF)?,
        2 => *u.choose(&[0x420078, 0x42007B, 0x42000F, 0x420094, 0x420043])?,
        _ => u.int_in_range(0..=Tag::MAX)?,
    }))
}

fn gen_leaf(u: &mut Unstructured, item_type: ItemType) -> Result<Value> {
    Ok(match item_type {
        ItemType::Structure => Value::Structure(Vec::new()),
        ItemType::Integer => Value::Integer(u.arbitrary()?),
        ItemType::LongInteger => Value::LongInteger(u.arbitrary()?),
        ItemType::BigInteger => {
            let mut b = vec![0u8; 8 * u.int_in_range(1..=4)?];
            u.fill_buffer(&mut b)?;
            Value::BigInteger(b)
        }
        ItemType::Enumeration => Value::Enumeration(u.arbitrary()?),
        ItemType::Boolean => Value::Boolean(u.arbitrary()?),
        ItemType::TextString => Value::TextString(u.arbitrary()?),
        ItemType::ByteString => Value::ByteString(u.arbitrary()?),
        ItemType::DateTime => Value::DateTime(u.arbitrary()?),
        ItemType::Interval => Value::Interval(u.arbitrary()?),
        ItemType::DateTimeExtended => Value::DateTimeExtended(u.arbitrary()?),
        ItemType::Identifier => Value::Identifier(u.arbitrary()?),
        ItemType::Reference => Value::Reference(u.arbitrary()?),
        ItemType::NameReference => Value::NameReference(u.arbitrary()?),
    })
}

fn gen_item(u: &mut Unstructured, depth: usize) -> Result<Item> {
    let tag = gen_tag(u)?;
    let item_type = if depth >= MAX_GEN_DEPTH {
        *u.choose(&ItemType::ALL[1..])?
    } else if depth == 1 || u.ratio(1, 3)? {
        ItemType::Structure
    } else {
        *u.choose(&ItemType::ALL)?
    };
    if item_type != ItemType::Structure {
        return Ok(Item::new(tag, gen_leaf(u, item_type)?));
    }
    let n = u.int_in_range(0..=5)?;
    let mut children = Vec::with_capacity(n);
    for _ in 0..n {
        children.push(gen_item(u, depth + 1)?);
    }
    Ok(Item::structure(tag, children))
}

fn gen_limits(u: &mut Unstructured) -> Result<Limits> {
    if u.ratio(1, 2)? {
        return Ok(Limits::default());
    }
    Ok(Limits {
        max_message_len: if u.ratio(1, 4)? {
            u.int_in_range(0..=512)?
        } else {
            64 * 1024 * 1024
        },
        max_depth: u.int_in_range(0..=8)?,
        strict_padding: u.arbitrary()?,
    })
}

/// Both decoders on the same bytes: same tree, or the same error. Returns
/// the error kind's name (`"ok"` on success), for coverage tallies.
fn assert_agree(bytes: &[u8], limits: &Limits) -> String {
    let owned = ttlv::decode(bytes, limits);
    let viewed = view::parse(bytes, limits);
    let outcome = match &owned {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("{:?}", e.kind)
            .split(['(', ' '])
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    match (owned, viewed) {
        (Ok(item), Ok(v)) => {
            let back = v.to_item();
            if let Some(d) = item.first_difference(&back) {
                panic!("view tree differs: {d}\ninput {}", hex::encode(bytes));
            }
            assert_eq!(back, item, "input {}", hex::encode(bytes));
        }
        (Err(a), Err(b)) => assert_eq!(
            a,
            b,
            "decoders fail differently ({a} vs {b}) on {} with {limits:?}",
            hex::encode(bytes)
        ),
        (Ok(_), Err(e)) => panic!(
            "owned decoder accepts, view rejects ({e}): {} with {limits:?}",
            hex::encode(bytes)
        ),
        (Err(e), Ok(_)) => panic!(
            "view accepts, owned decoder rejects ({e}): {} with {limits:?}",
            hex::encode(bytes)
        ),
    }
    outcome
}

/// Rewrite the encoding in one of several ways that keep it close to valid,
/// so the checks deep inside the decoder are reached.
fn mutate(u: &mut Unstructured, bytes: &mut Vec<u8>) -> Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let rounds = u.int_in_range(1..=3)?;
    for _ in 0..rounds {
        let len = bytes.len();
        match u.int_in_range(0..=7)? {
            0 => {
                let i = u.choose_index(len)?;
                bytes[i] ^= 1 << u.int_in_range(0..=7)?;
            }
            1 => {
                let i = u.choose_index(len)?;
                bytes[i] = u.arbitrary()?;
            }
            2 => {
                // Rewrite a length field (on an 8-byte boundary + 4).
                let header = u.choose_index(len / 8)? * 8;
                if header + 8 <= len {
                    let delta: i8 = u.arbitrary()?;
                    let old = u32::from_be_bytes([
                        bytes[header + 4],
                        bytes[header + 5],
                        bytes[header + 6],
                        bytes[header + 7],
                    ]);
                    let new = old.wrapping_add_signed(i32::from(delta));
                    bytes[header + 4..header + 8].copy_from_slice(&new.to_be_bytes());
                }
            }
            3 => {
                // Rewrite a type byte.
                let header = u.choose_index(len / 8)? * 8;
                if header + 4 <= len {
                    bytes[header + 3] = u.int_in_range(0..=0x10)?;
                }
            }
            4 => {
                let cut = u.choose_index(len)?;
                bytes.truncate(cut);
            }
            5 => {
                let extra = u.int_in_range(1..=16)?;
                for _ in 0..extra {
                    bytes.push(u.arbitrary()?);
                }
            }
            6 => {
                // A Boolean-looking value or padding byte set non-zero.
                let i = u.choose_index(len)?;
                bytes[i] = 0xFF;
            }
            _ => {
                // Huge length.
                let header = u.choose_index(len / 8)? * 8;
                if header + 8 <= len {
                    bytes[header + 4..header + 8].copy_from_slice(&u32::MAX.to_be_bytes());
                }
            }
        }
        if bytes.is_empty() {
            break;
        }
    }
    Ok(())
}

#[test]
fn view_of_any_encoded_tree_is_the_decoded_tree() {
    arbtest::arbtest(|u| {
        let item = gen_item(u, 1)?;
        let bytes = ttlv::encode(&item).expect("encode");
        let v = view::parse(&bytes, &Limits::default()).expect("view parse");
        assert_eq!(v.to_item(), item);
        assert_eq!(
            ttlv::decode(&bytes, &Limits::default()).expect("decode"),
            item
        );
        // Navigation sees the same children as the tree.
        let root = v.root();
        assert_eq!(root.tag(), item.tag);
        assert_eq!(root.item_type(), item.item_type());
        let tags: Vec<Tag> = root.children().map(|c| c.tag()).collect();
        let want: Vec<Tag> = item.children().iter().map(|c| c.tag).collect();
        assert_eq!(tags, want);
        let mut count = 0;
        item.walk(&mut |_| count += 1);
        assert_eq!(v.node_count(), count);
        Ok(())
    })
    .budget_ms(budget(1500));
}

#[test]
fn decoders_agree_on_arbitrary_bytes() {
    arbtest::arbtest(|u| {
        let limits = gen_limits(u)?;
        let bytes: Vec<u8> = u.arbitrary()?;
        let _ = assert_agree(&bytes, &limits);
        Ok(())
    })
    .budget_ms(budget(1000));
}

#[test]
fn decoders_agree_on_mutated_encodings() {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    arbtest::arbtest(|u| {
        let limits = gen_limits(u)?;
        let item = gen_item(u, 1)?;
        let mut bytes = ttlv::encode(&item).expect("encode");
        mutate(u, &mut bytes)?;
        *seen.entry(assert_agree(&bytes, &limits)).or_default() += 1;
        Ok(())
    })
    .budget_ms(budget(2000));
    eprintln!("outcomes: {seen:?}");
    // The mutations must reach the checks deep in the decoders, not just
    // the first header: most error kinds (and successes) must turn up.
    assert!(seen.len() >= 8, "too few distinct outcomes: {seen:?}");
}

#[test]
fn typed_accessors_match_the_tree() {
    arbtest::arbtest(|u| {
        let item = gen_item(u, 1)?;
        let bytes = ttlv::encode(&item).expect("encode");
        let v = view::parse(&bytes, &Limits::default()).expect("view parse");
        for (node, it) in v.iter().zip(all_items(&item)) {
            assert_eq!(node.tag(), it.tag);
            match &it.value {
                Value::Integer(x) => assert_eq!(node.as_i32(), Ok(*x)),
                Value::Enumeration(x) | Value::Interval(x) => assert_eq!(node.as_u32(), Ok(*x)),
                Value::LongInteger(x) | Value::DateTime(x) | Value::DateTimeExtended(x) => {
                    assert_eq!(node.as_i64(), Ok(*x))
                }
                Value::Boolean(x) => assert_eq!(node.as_bool(), Ok(*x)),
                Value::TextString(s)
                | Value::Identifier(s)
                | Value::Reference(s)
                | Value::NameReference(s) => {
                    assert_eq!(node.as_str(), Ok(s.as_str()));
                    assert!(node.as_i32().is_err());
                }
                Value::ByteString(b) | Value::BigInteger(b) => {
                    assert_eq!(node.as_bytes(), b.as_slice());
                    assert!(node.as_str().is_err());
                }
                Value::Structure(c) => {
                    assert_eq!(node.children().count(), c.len());
                    assert!(node.as_bool().is_err());
                }
                Value::Placeholder(_) => unreachable!("generator makes no placeholders"),
            }
        }
        Ok(())
    })
    .budget_ms(budget(1000));
}

fn all_items(item: &Item) -> Vec<&Item> {
    let mut out = Vec::new();
    item.walk(&mut |i| out.push(i));
    out
}

fn enc(item: &Item) -> Vec<u8> {
    ttlv::encode(item).expect("encode")
}

fn hexb(s: &str) -> Vec<u8> {
    hex::decode(s).expect("hex")
}

/// Every error kind, built by hand, gives the same error from both decoders
/// (and the kind we built it for).
#[test]
fn every_error_kind_agrees() {
    let d = Limits::default();
    let int = "42002002000000040000000800000000";
    let mut cases: Vec<(Vec<u8>, Limits, DecodeErrorKind)> = vec![
        // Truncated header and value.
        (
            hexb("420020020000"),
            d.clone(),
            DecodeErrorKind::Truncated {
                needed: 8,
                available: 6,
            },
        ),
        (
            hexb(&int[..24]),
            d.clone(),
            DecodeErrorKind::Truncated {
                needed: 8,
                available: 4,
            },
        ),
        // Unknown type, wrong fixed length.
        (
            hexb("42002011000000040000000800000000"),
            d.clone(),
            DecodeErrorKind::UnknownType(0x11),
        ),
        (
            hexb("42002002000000080000000800000000"),
            d.clone(),
            DecodeErrorKind::WrongLength {
                item_type: ItemType::Integer,
                expected: 4,
                found: 8,
            },
        ),
        // Bad boolean, padding, UTF-8, big integer.
        (
            hexb("4200080600000008000000000000000A"),
            d.clone(),
            DecodeErrorKind::BadBoolean(10),
        ),
        (
            hexb("42002002000000040000000800000100"),
            d.clone(),
            DecodeErrorKind::NonZeroPadding,
        ),
        (
            hexb("42009407000000016100000000000001"),
            d.clone(),
            DecodeErrorKind::NonZeroPadding,
        ),
        (
            hexb("4200940700000001FF00000000000000"),
            d.clone(),
            DecodeErrorKind::InvalidUtf8,
        ),
        (
            hexb("42004004000000040000000100000000"),
            d.clone(),
            DecodeErrorKind::BadBigIntegerLength(4),
        ),
        (
            hexb("4200400400000000"),
            d.clone(),
            DecodeErrorKind::BadBigIntegerLength(0),
        ),
    ];
    // Too large, too deep, trailing bytes.
    let msg = enc(&Item::structure(
        Tag(0x420078),
        vec![Item::structure(
            Tag(0x420079),
            vec![Item::new(Tag(0x420020), Value::Integer(1))],
        )],
    ));
    cases.push((
        msg.clone(),
        Limits {
            max_message_len: 16,
            ..d.clone()
        },
        DecodeErrorKind::TooLarge {
            len: msg.len(),
            limit: 16,
        },
    ));
    cases.push((
        msg.clone(),
        Limits {
            max_depth: 2,
            ..d.clone()
        },
        DecodeErrorKind::TooDeep(2),
    ));
    cases.push((
        msg.clone(),
        Limits {
            max_depth: 0,
            ..d.clone()
        },
        DecodeErrorKind::TooDeep(0),
    ));
    let mut trailing = msg.clone();
    trailing.extend_from_slice(&[0; 8]);
    cases.push((trailing, d.clone(), DecodeErrorKind::TrailingBytes(8)));
    // A child that overruns its structure (structure length 8, child 16).
    let mut overrun = hexb("4200780100000008");
    overrun.extend_from_slice(&hexb(int));
    overrun.extend_from_slice(&hexb(int));
    cases.push((overrun, d.clone(), DecodeErrorKind::StructureOverrun));
    // Structure length not a multiple of 8.
    let mut odd = hexb("420078010000000C");
    odd.extend_from_slice(&hexb(int));
    cases.push((odd, d.clone(), DecodeErrorKind::StructureOverrun));
    // Truncation at the very end of nested structures stays Truncated.
    let cut = hexb("4200780100000018420079010000001042009407000000106161616161616161");
    cases.push((
        cut,
        d.clone(),
        DecodeErrorKind::Truncated {
            needed: 16,
            available: 8,
        },
    ));
    // The same truncation, but the message is longer than the structures
    // claim: a child overrunning its parent.
    let cut =
        hexb("42007801000000184200790100000010420094070000001061616161616161610000000000000000");
    let mut longer = cut.clone();
    longer[7] = 0x20;
    cases.push((longer, d.clone(), DecodeErrorKind::StructureOverrun));
    // Root value longer than the input.
    let mut short = msg.clone();
    short.truncate(24);
    cases.push((
        short,
        d.clone(),
        DecodeErrorKind::Truncated {
            needed: 24,
            available: 16,
        },
    ));

    for (bytes, limits, want) in cases {
        let a = ttlv::decode(&bytes, &limits).expect_err("owned decoder must fail");
        let b = view::parse(&bytes, &limits).expect_err("view must fail");
        assert_eq!(a, b, "input {}", hex::encode(&bytes));
        assert_eq!(b.kind, want, "input {}: {b}", hex::encode(&bytes));
    }
}

#[test]
fn error_path_names_the_failing_item() {
    // ResponseMessage / BatchItem / (Integer with bad padding).
    let msg = enc(&Item::structure(
        Tag(0x42007B),
        vec![
            Item::new(Tag(0x420094), Value::TextString("x".into())),
            Item::structure(
                Tag(0x42000F),
                vec![Item::new(Tag(0x42000D), Value::Integer(1))],
            ),
        ],
    ));
    let mut bad = msg.clone();
    let last = bad.len() - 1;
    bad[last] = 1;
    let e = view::parse(&bad, &Limits::default()).expect_err("bad padding");
    assert_eq!(e.kind, DecodeErrorKind::NonZeroPadding);
    assert_eq!(e.path, vec![Tag(0x42007B), Tag(0x42000F), Tag(0x42000D)]);
    assert_eq!(e.offset, msg.len() - 16);
    assert_eq!(
        e,
        ttlv::decode(&bad, &Limits::default()).expect_err("owned")
    );
    // Lax padding accepts it and both give the same tree.
    let lax = Limits {
        strict_padding: false,
        ..Limits::default()
    };
    assert_eq!(assert_agree(&bad, &lax), "ok");
    assert!(view::parse(&bad, &lax).is_ok());
}

#[test]
fn very_deep_input_is_an_error_not_a_stack_overflow() {
    let depth = 100_000usize;
    let mut bytes = Vec::with_capacity(depth * 8 + 16);
    for i in 0..depth {
        let remaining = (depth - i - 1) * 8 + 16;
        bytes.extend_from_slice(&[0x42, 0x00, 0x78, 0x01]);
        bytes.extend_from_slice(&(remaining as u32).to_be_bytes());
    }
    bytes.extend_from_slice(&hexb("42002002000000040000000100000000"));
    let e = view::parse(&bytes, &Limits::default()).expect_err("too deep");
    assert_eq!(e.kind, DecodeErrorKind::TooDeep(64));
    assert_eq!(e.path.len(), 64);
    // The view itself is iterative: with the depth limit lifted it parses
    // and converts without recursion. (`ttlv::decode` recurses, so it is not
    // run at this depth; the resulting tree is dropped by hand below, since
    // `Item`'s own drop recurses too.)
    let unlimited = Limits {
        max_depth: usize::MAX,
        ..Limits::default()
    };
    let v = view::parse(&bytes, &unlimited).expect("parse deep");
    assert_eq!(v.node_count(), depth + 1);
    let leaf = v.iter().last().expect("leaf");
    assert_eq!(leaf.as_i32(), Ok(1));
    let mut item = v.to_item();
    let mut levels = 0;
    while let Some(children) = item.children_mut() {
        let Some(next) = children.pop() else { break };
        item = next;
        levels += 1;
    }
    assert_eq!(levels, depth);
}

#[test]
fn header_and_value_ranges() {
    let item = Item::structure(
        Tag(0x420078),
        vec![
            Item::new(Tag(0x420094), Value::TextString("hello".into())),
            Item::new(Tag(0x42000D), Value::Integer(-2)),
        ],
    );
    let bytes = enc(&item);
    let v = view::parse(&bytes, &Limits::default()).expect("parse");
    let root = v.root();
    assert_eq!(root.offset(), 0);
    assert_eq!(root.value_range(), 8..bytes.len());
    let text = root.child(Tag(0x420094)).expect("text");
    assert_eq!(text.offset(), 8);
    assert_eq!(text.value_range(), 16..21);
    assert_eq!(text.as_bytes(), b"hello");
    let int = root.child(Tag(0x42000D)).expect("int");
    assert_eq!(int.offset(), 24);
    assert_eq!(int.as_bytes(), &(-2i32).to_be_bytes());
    assert_eq!(root.path(&[Tag(0x42000D)]).map(|n| n.offset()), Some(24));
    assert!(root.path(&[Tag(0x42000D), Tag(0x420001)]).is_none());
    let e = int.as_u32().expect_err("not an enumeration");
    assert_eq!(
        e.to_string(),
        format!(
            "{} is of type Integer, not an Enumeration or Interval",
            Tag(0x42000D)
        )
    );
}

fn corpus_dir() -> Option<PathBuf> {
    corpus_support::corpus_dir(
        env!("CARGO_MANIFEST_DIR"),
        "decoders_agree_on_the_corpus_and_its_corruptions",
    )
}

/// Every corpus message (placeholders replaced by their stand-in values),
/// encoded, then cut at every 8-byte boundary and with every header byte
/// flipped: both decoders agree each time.
#[test]
fn decoders_agree_on_the_corpus_and_its_corruptions() {
    let Some(dir) = corpus_dir() else {
        return;
    };
    let mut files = Vec::new();
    corpus_support::xml_files(&dir, &mut files);
    assert!(!files.is_empty(), "no *.xml under {}", dir.display());
    let limits = Limits::default();
    let (mut messages, mut variants) = (0usize, 0usize);
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read corpus file");
        // XML problems are the XML tests' business; skip unreadable files.
        let Ok(doc) = xml::parse_document(&text) else {
            continue;
        };
        for m in &doc.items {
            let mut item = m.item.clone();
            item.substitute_placeholders(&mut |p| Some(p.stand_in()));
            let Ok(bytes) = ttlv::encode(&item) else {
                continue;
            };
            messages += 1;
            let v = view::parse(&bytes, &limits)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", f.display(), m.line));
            assert_eq!(v.to_item(), item, "{}:{}", f.display(), m.line);
            for cut in (0..bytes.len()).step_by(8) {
                let _ = assert_agree(&bytes[..cut], &limits);
                variants += 1;
            }
            let mut b = bytes.clone();
            for h in (0..b.len()).step_by(8) {
                for off in [2usize, 3, 7] {
                    let old = b[h + off];
                    b[h + off] ^= 0x05;
                    let _ = assert_agree(&b, &limits);
                    b[h + off] = old;
                    variants += 1;
                }
            }
        }
    }
    eprintln!(
        "{} files, {messages} messages, {variants} corrupted variants agree",
        files.len()
    );
    assert!(messages > 0, "no corpus message could be encoded");
}
