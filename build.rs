//! Embeds the project's profiles (`profiles/**/*.yaml`) and its own server
//! test cases (`testcases/server/**/*.xml`) in the `kmip-harness` binary, so
//! `run` works from any directory (see `src/embedded.rs`). Writes
//! `$OUT_DIR/embedded.rs`: two static tables of (path, text) pairs, each
//! text an `include_str!` of the file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn table(name: &str, root: &Path, sub: &str, ext: &str, code: &mut String) {
    let base = root.join(sub);
    println!("cargo:rerun-if-changed={}", base.display());
    let mut files = Vec::new();
    collect(&base, ext, &mut files);
    files.sort();
    let _ = writeln!(code, "/// Embedded `{sub}/**/*.{ext}`: (path, text).");
    let _ = writeln!(code, "pub static {name}: &[(&str, &str)] = &[");
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    let _ = writeln!(code, "];");
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let mut code = String::new();
    table("PROFILES", &root, "profiles", "yaml", &mut code);
    table("TESTCASES", &root, "testcases/server", "xml", &mut code);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    if let Err(e) = std::fs::write(out.join("embedded.rs"), code) {
        panic!("writing embedded.rs: {e}");
    }
}
