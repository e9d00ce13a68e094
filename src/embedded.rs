//! The project's profiles and own server test cases, embedded in the binary
//! at build time (`build.rs`), so `kmip-harness run --target reference`
//! gives the same per-profile table from any directory as from the
//! repository. `--profiles DIR` / `--testcases PATH` override them.

use kmip_runner::runner::Source;

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// `profiles/**/*.yaml` as built into this binary.
pub fn profiles() -> Source {
    Source::embedded(files::PROFILES)
}

/// `testcases/server/**/*.xml` as built into this binary.
pub fn testcases() -> Source {
    Source::embedded(files::TESTCASES)
}
