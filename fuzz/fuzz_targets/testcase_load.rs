//! Test-case loader (`kmip_testcase::case::load_str`) on arbitrary text:
//! never panics, whatever the XML, the message order or the `$` variables.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = kmip_testcase::case::load_str(text, Path::new("fuzz-input.xml"));
});
