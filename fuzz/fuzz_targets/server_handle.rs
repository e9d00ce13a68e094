//! The reference server's request handling in-process
//! (`kmip_reference_server::Server::handle_bytes`) on arbitrary bytes: never
//! panics (libFuzzer's panic hook aborts even inside the server's
//! `catch_unwind`), and always answers with a decodable TTLV response.
#![no_main]

use kmip_reference_server::Server;
use kmip_ttlv::ttlv::{decode, Limits};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static SERVER: OnceLock<Server> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let server = SERVER.get_or_init(Server::in_memory);
    let response = server.handle_bytes(data);
    if let Err(e) = decode(&response, &Limits::default()) {
        panic!("server answered undecodable TTLV: {e}");
    }
});
