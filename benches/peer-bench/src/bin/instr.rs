//! Instruction-count driver for `benches/instr.sh` (run under callgrind).
//!
//! `instr CASE OP N` builds the message CASE (`get_response`,
//! `create_request`, `locate_response`), encodes it, checks once that every
//! contender decodes/encodes it correctly, then runs OP N times:
//!
//! - `header_walk`: strict header-only walk (the ceiling);
//! - `header_walk_lax`: the looser walk measured before (bounds only);
//! - `view_parse`: `view::parse` only (validating, zero-copy);
//! - `view_full`: `view::parse` + visit every item, read every leaf;
//! - `decode`, `encode`: our owned tree (`ttlv::decode` / `ttlv::encode`);
//! - `naive_decode`, `naive_encode`: the naive owned tree (the floor);
//! - `nlnet_decode`: NLnetLabs `kmip-ttlv` 0.3.5 into serde structs.
//!
//! Every call's result is dropped inside the loop, so a decode's figure
//! includes freeing what it built. The setup is the same for every OP and
//! N, so `(Ir(N) - Ir(0)) / N` is the cost of one call.

use kmip_peer_bench::{
    create_request, get_response, header_walk, header_walk_lax, locate_response, naive, nlnet, view_traverse,
    LOCATE_IDS,
};
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::{view, Item};
use std::hint::black_box;
use std::process::ExitCode;

fn nlnet_decode(case: &str, bytes: &[u8]) -> bool {
    match case {
        "get_response" => nlnet_kmip_ttlv::from_slice::<nlnet::ResponseMessage>(bytes).is_ok(),
        "create_request" => {
            nlnet_kmip_ttlv::from_slice::<nlnet::CreateRequestMessage>(bytes).is_ok()
        }
        _ => nlnet_kmip_ttlv::from_slice::<nlnet::LocateResponseMessage>(bytes).is_ok(),
    }
}

/// Every contender must handle the message before anything is counted.
fn check(case: &str, item: &Item, bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let ok = [
        ("header_walk", header_walk(bytes).is_some()),
        ("header_walk_lax", header_walk_lax(bytes).is_some()),
        ("view_parse", view::parse(bytes, limits).is_ok_and(|v| v.to_item() == *item)),
        ("view_full", view_traverse(bytes, limits).is_some()),
        ("decode", ttlv::decode(bytes, limits).ok().as_ref() == Some(item)),
        ("encode", ttlv::encode(item).ok().as_deref() == Some(bytes)),
        ("naive_decode", naive::decode(bytes).as_ref() == Some(item)),
        ("naive_encode", naive::encode(item).as_deref() == Some(bytes)),
        ("nlnet_decode", nlnet_decode(case, bytes)),
    ];
    match ok.iter().find(|(_, good)| !good) {
        Some((name, _)) => Err(format!("{case}: {name} does not handle the message")),
        None => Ok(()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, case, op, n] = &args[..] else {
        eprintln!("usage: instr CASE OP N");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<u64>() else {
        eprintln!("N must be a number");
        return ExitCode::from(2);
    };
    let item = match case.as_str() {
        "get_response" => get_response(),
        "create_request" => create_request(),
        "locate_response" => locate_response(LOCATE_IDS),
        other => {
            eprintln!("unknown case {other}");
            return ExitCode::from(2);
        }
    };
    let limits = Limits::default();
    let bytes = match ttlv::encode(&item) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("encode: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = check(case, &item, &bytes, &limits) {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let b = bytes.as_slice();
    match op.as_str() {
        "header_walk" => (0..n).for_each(|_| {
            black_box(header_walk(black_box(b)));
        }),
        "header_walk_lax" => (0..n).for_each(|_| {
            black_box(header_walk_lax(black_box(b)));
        }),
        "view_parse" => (0..n).for_each(|_| {
            black_box(view::parse(black_box(b), &limits).is_ok());
        }),
        "view_full" => (0..n).for_each(|_| {
            black_box(view_traverse(black_box(b), &limits));
        }),
        "decode" => (0..n).for_each(|_| {
            black_box(ttlv::decode(black_box(b), &limits).is_ok());
        }),
        "encode" => (0..n).for_each(|_| {
            black_box(ttlv::encode(black_box(&item)).is_ok());
        }),
        "naive_decode" => (0..n).for_each(|_| {
            black_box(naive::decode(black_box(b)).is_some());
        }),
        "naive_encode" => (0..n).for_each(|_| {
            black_box(naive::encode(black_box(&item)).is_some());
        }),
        "nlnet_decode" => (0..n).for_each(|_| {
            black_box(nlnet_decode(case, black_box(b)));
        }),
        other => {
            eprintln!("unknown op {other}");
            return ExitCode::from(2);
        }
    }
    println!("{case} {op} {} bytes", bytes.len());
    ExitCode::SUCCESS
}
