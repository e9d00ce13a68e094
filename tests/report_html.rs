//! Renders the fixture run as report.html and, when Chromium is installed,
//! takes a headless screenshot of it: the page must load from a file with no
//! network and produce a non-trivial image. Skips with a message when no
//! Chromium is on PATH. The manual check is described in reports/README.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kmip_testcase::results::RunResults;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn fixture() -> RunResults {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/kmip-report/tests/fixtures/run.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("fixture parses")
}

#[test]
fn html_report_screenshot() {
    let Some(browser) = chromium() else {
        eprintln!("SKIP html_report_screenshot: no chromium / google-chrome on PATH (apt-get install chromium)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("kmip-report-html-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let written = kmip_report::write_all(&fixture(), &dir).expect("write reports");
    let html = written
        .iter()
        .find(|p| p.ends_with("report.html"))
        .expect("report.html written");
    let png = dir.join("report.png");
    let profile = dir.join("chromium-profile");
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1200,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(status.success(), "chromium exited with {status}");
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank 1200x1600 page compresses to a few KiB; the report (tables,
    // badges, an open coloured diff) is far larger.
    assert!(
        bytes.len() > 30_000,
        "screenshot only {} bytes",
        bytes.len()
    );
    eprintln!("screenshot: {} ({} bytes)", png.display(), bytes.len());
    if std::env::var_os("KMIP_KEEP_SCREENSHOT").is_none() {
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
