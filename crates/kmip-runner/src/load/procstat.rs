//! CPU time of a local process from `/proc/PID/stat` (Linux): what `load`
//! reports as server CPU per operation (`--server-pid`, or the server that
//! `load --target serve` starts) and as its own client CPU.

use std::sync::OnceLock;
use std::time::Duration;

/// Why a process's CPU time could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProcStatError {
    /// `/proc/PID/stat` could not be read (no such process, not Linux).
    #[error("reading /proc/{pid}/stat: {source}")]
    Read {
        /// The process.
        pid: u32,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file does not have the expected fields.
    #[error("/proc/{0}/stat: unexpected format")]
    Format(u32),
}

/// Clock ticks per second of `/proc` times (`getconf CLK_TCK`; 100, the
/// Linux value on every common architecture, if that cannot be run).
pub fn clock_ticks() -> u64 {
    static TCK: OnceLock<u64> = OnceLock::new();
    *TCK.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|t| *t > 0)
            .unwrap_or(100)
    })
}

/// User + system CPU time of `pid` so far, parsed from the text of its
/// `/proc/PID/stat` (fields 14 and 15, counted after the `)` that ends the
/// command name, which may itself hold spaces and parentheses).
pub fn parse_stat(pid: u32, text: &str) -> Result<Duration, ProcStatError> {
    let after = text
        .rfind(')')
        .map(|i| &text[i + 1..])
        .ok_or(ProcStatError::Format(pid))?;
    // After ")": state is field 3, so utime (14) is index 11, stime index 12.
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    let (Some(u), Some(s)) = (tick(11), tick(12)) else {
        return Err(ProcStatError::Format(pid));
    };
    let tck = clock_ticks();
    let ticks = u.saturating_add(s);
    Ok(
        Duration::from_secs(ticks / tck)
            + Duration::from_nanos((ticks % tck) * 1_000_000_000 / tck),
    )
}

/// User + system CPU time of process `pid` so far.
pub fn cpu_time(pid: u32) -> Result<Duration, ProcStatError> {
    let path = format!("/proc/{pid}/stat");
    let text =
        std::fs::read_to_string(&path).map_err(|source| ProcStatError::Read { pid, source })?;
    parse_stat(pid, &text)
}

/// User + system CPU time of this process so far.
pub fn own_cpu_time() -> Result<Duration, ProcStatError> {
    cpu_time(std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_after_the_command_name() {
        // A command name with a space and a parenthesis; utime 250, stime 50.
        let line = "1234 (a b) c) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 8 0";
        let d = parse_stat(1234, line).expect("parses");
        assert_eq!(d, Duration::from_secs(300) / clock_ticks() as u32);
        assert!(parse_stat(1, "garbage").is_err());
        assert!(parse_stat(1, "1 (x) S 1 2").is_err());
    }

    #[test]
    fn missing_process_is_an_error_and_own_process_reads() {
        assert!(matches!(
            cpu_time(u32::MAX),
            Err(ProcStatError::Read { .. })
        ));
        if std::path::Path::new("/proc/self/stat").exists() {
            let a = own_cpu_time().expect("own stat");
            let spin: u64 = (0..20_000_000u64).fold(0, |a, b| a ^ b.wrapping_mul(31));
            assert!(spin > 0);
            let b = own_cpu_time().expect("own stat");
            assert!(b >= a);
        }
    }
}
