//! Bounded stable-Rust fuzzing of the harness's input surfaces that sit
//! above the codec: the test-case loader (`kmip_testcase::case::load_str`)
//! and the reference server's in-process request handling
//! (`kmip_reference_server::Server::handle_bytes`). The cargo-fuzz targets
//! `testcase_load` and `server_handle` in `fuzz/` do the same with coverage
//! guidance when a nightly toolchain is available.
//!
//! Seeds: the OASIS corpus (`$KMIP_CORPUS` or `../shared/oasis`, when
//! present), the project's own `testcases/`, and a built-in case. Mutations:
//! byte flips / rewrites, TTLV length and type rewrites, cuts, splices,
//! duplications. A deterministic xorshift generator (seed printed; set
//! `KMIP_FUZZ_SEED` to replay) drives them for `KMIP_FUZZ_MS` per test
//! (default 3000 ms).
//!
//! Properties: no panic anywhere — the server catches panics in its
//! handler, so a panic hook counts them and the test fails if any fired —
//! and the server always answers decodable TTLV.

use kmip_reference_server::Server;
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::xml;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

#[path = "../test-support/corpus.rs"]
mod corpus_support;

static PANICS: AtomicU64 = AtomicU64::new(0);
static FIRST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

/// Count every panic (including those the server's `catch_unwind` hides).
fn install_panic_counter() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut first) = FIRST_PANIC.lock() {
                first.get_or_insert_with(|| info.to_string());
            }
            previous(info);
        }));
    });
}

fn budget() -> Duration {
    Duration::from_millis(
        std::env::var("KMIP_FUZZ_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3000),
    )
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("KMIP_FUZZ_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0x9E37_79B9, |d| d.as_nanos() as u64)
            })
            | 1;
        eprintln!("KMIP_FUZZ_SEED={seed}");
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, donor: &[u8]) {
    for _ in 0..=rng.below(4) {
        let len = bytes.len();
        if len == 0 {
            bytes.extend_from_slice(&donor[..donor.len().min(16)]);
            continue;
        }
        match rng.below(9) {
            0 => bytes[rng.below(len)] ^= 1 << rng.below(8),
            1 => bytes[rng.below(len)] = rng.next() as u8,
            2 => {
                let h = rng.below(len / 8 + 1) * 8;
                if h + 8 <= len {
                    let old = u32::from_be_bytes([
                        bytes[h + 4],
                        bytes[h + 5],
                        bytes[h + 6],
                        bytes[h + 7],
                    ]);
                    let new = if rng.below(4) == 0 {
                        rng.next() as u32
                    } else {
                        old.wrapping_add(rng.below(33) as u32).wrapping_sub(16)
                    };
                    bytes[h + 4..h + 8].copy_from_slice(&new.to_be_bytes());
                }
            }
            3 => {
                let h = rng.below(len / 8 + 1) * 8;
                if h + 4 <= len {
                    bytes[h + 3] = rng.below(0x11) as u8;
                }
            }
            4 => bytes.truncate(rng.below(len)),
            5 => {
                if !donor.is_empty() {
                    let a = rng.below(donor.len());
                    let b = (a + 1 + rng.below(64)).min(donor.len());
                    let at = rng.below(len);
                    bytes.splice(at..at, donor[a..b].to_vec());
                }
            }
            6 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(48)).min(len);
                let chunk = bytes[a..b].to_vec();
                bytes.splice(a..a, chunk);
            }
            7 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(16)).min(len);
                bytes.drain(a..b);
            }
            _ => {
                const SPECIAL: &[u8] = b"\x00\xff\x7f\x80<>\"$&/=";
                bytes[rng.below(len)] = SPECIAL[rng.below(SPECIAL.len())];
            }
        }
    }
}

const BUILTIN: &str = r#"<KMIP>
<RequestMessage>
  <RequestHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="2"/>
      <ProtocolVersionMinor type="Integer" value="1"/>
    </ProtocolVersion>
    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Create"/>
    <RequestPayload>
      <ObjectType type="Enumeration" value="SymmetricKey"/>
      <Attributes>
        <CryptographicAlgorithm type="Enumeration" value="AES"/>
        <CryptographicLength type="Integer" value="256"/>
        <CryptographicUsageMask type="Integer" value="Decrypt Encrypt"/>
      </Attributes>
    </RequestPayload>
  </BatchItem>
</RequestMessage>
<ResponseMessage>
  <ResponseHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="2"/>
      <ProtocolVersionMinor type="Integer" value="1"/>
    </ProtocolVersion>
    <TimeStamp type="DateTime" value="$NOW"/>
    <BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
    <Operation type="Enumeration" value="Create"/>
    <ResultStatus type="Enumeration" value="Success"/>
    <ResponsePayload>
      <ObjectType type="Enumeration" value="SymmetricKey"/>
      <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>
    </ResponsePayload>
  </BatchItem>
</ResponseMessage>
</KMIP>
"#;

/// Test-case texts: built-in, project cases, a sample of the OASIS corpus.
fn case_texts() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    corpus_support::xml_files(&root.join("testcases"), &mut files);
    if let Some(corpus) =
        corpus_support::corpus_dir(env!("CARGO_MANIFEST_DIR"), "hostile_fuzz corpus seeds")
    {
        let mut oasis = Vec::new();
        corpus_support::xml_files(&corpus, &mut oasis);
        let step = (oasis.len() / 150).max(1);
        files.extend(oasis.into_iter().step_by(step));
    } else {
        eprintln!("note: OASIS corpus not found: project cases and built-in seed only");
    }
    let mut out = vec![BUILTIN.to_string()];
    out.extend(files.iter().filter_map(|f| std::fs::read_to_string(f).ok()));
    out
}

/// Binary request seeds: every request message of the cases, with
/// placeholders replaced by stand-ins.
fn request_seeds(texts: &[String]) -> Vec<Vec<u8>> {
    let req = kmip_ttlv::Tag::by_name("RequestMessage").expect("tag");
    let mut out = Vec::new();
    for t in texts {
        let Ok(doc) = xml::parse_document(t) else {
            continue;
        };
        for m in doc.items {
            if m.item.tag != req {
                continue;
            }
            let mut it = m.item;
            it.substitute_placeholders(&mut |p| Some(p.stand_in()));
            if let Ok(b) = ttlv::encode(&it) {
                out.push(b);
            }
        }
    }
    out
}

fn assert_no_panics(what: &str) {
    let n = PANICS.load(Ordering::SeqCst);
    let first = FIRST_PANIC.lock().ok().and_then(|g| g.clone());
    assert_eq!(n, 0, "{what}: {n} panic(s); first: {first:?}");
}

#[test]
fn testcase_loader_survives_mutated_cases() {
    install_panic_counter();
    let texts = case_texts();
    let mut rng = Rng::new();
    let deadline = Instant::now() + budget();
    let (mut ok, mut err, mut n) = (0u64, 0u64, 0u64);
    while Instant::now() < deadline {
        let seed = &texts[rng.below(texts.len())];
        let donor = &texts[rng.below(texts.len())];
        let mut bytes = seed.clone().into_bytes();
        mutate(&mut rng, &mut bytes, donor.as_bytes());
        let text = String::from_utf8_lossy(&bytes);
        match kmip_testcase::case::load_str(&text, Path::new("FUZZ-1.xml")) {
            Ok(_) => ok += 1,
            Err(_) => err += 1,
        }
        n += 1;
    }
    eprintln!("load_str: {n} inputs, {ok} loaded, {err} rejected");
    assert_no_panics("load_str");
    assert!(err > 0, "no mutation was ever rejected");
}

#[test]
fn reference_server_survives_mutated_requests() {
    install_panic_counter();
    let seeds = request_seeds(&case_texts());
    assert!(!seeds.is_empty(), "no request seed");
    let server = Arc::new(Server::in_memory());
    let limits = Limits::default();
    let mut rng = Rng::new();
    let deadline = Instant::now() + budget();
    let (mut n, mut success, mut max_ms) = (0u64, 0u64, 0u128);
    while Instant::now() < deadline {
        let mut bytes = seeds[rng.below(seeds.len())].clone();
        // A fifth of the inputs go in unmutated, so the server also builds
        // up state (keys, attributes) that later mutated requests hit.
        if rng.below(5) != 0 {
            let donor = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, &mut bytes, donor);
        }
        let t0 = Instant::now();
        let response = server.handle_bytes(&bytes);
        max_ms = max_ms.max(t0.elapsed().as_millis());
        let decoded = ttlv::decode(&response, &limits);
        assert!(
            decoded.is_ok(),
            "undecodable response {:?} to {}",
            decoded.err(),
            hex::encode(&bytes)
        );
        if let Ok(d) = decoded {
            let status = d
                .path(&["BatchItem", "ResultStatus"])
                .map(|s| s.value.clone());
            if status == Some(kmip_ttlv::Value::Enumeration(0)) {
                success += 1;
            }
        }
        n += 1;
    }
    eprintln!("handle_bytes: {n} requests, {success} succeeded, slowest {max_ms} ms");
    assert_no_panics("Server::handle_bytes");
    assert!(
        success > 0,
        "no request ever succeeded: the seeds are wrong"
    );
}
