//! The result of `kmip-harness interop` (`interop.json`): a client ×
//! server matrix. Each cell is one client running its cases against one
//! server through the recording proxy; every recorded exchange is judged on
//! both sides (the request against the case's expected request with the
//! client rules, the response against the expected response with the
//! server rules), and a case that fails names the side that broke the
//! conversation ([`BrokenSide`]) with its evidence.
//!
//! Pure data (serde), produced by `kmip-runner::client::interop` and
//! rendered by `kmip-report::interop`.

use serde::{Deserialize, Serialize};

use crate::results::Status;

/// Format version of `interop.json`.
pub const INTEROP_FORMAT: u32 = 1;

/// Which side broke a failed conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenSide {
    /// The client: a request deviates from the case (or an extra request,
    /// or the client stopped / reported an error on conforming responses).
    Client,
    /// The server: a response deviates from the case.
    Server,
    /// Transport: TLS handshake, connection or framing failure between
    /// the client, the proxy and the server.
    Transport,
    /// The client driver failed (exit 2, other code, signal, timeout): the
    /// conversation could not be judged (status `error`).
    Driver,
}

impl BrokenSide {
    /// Lower-case name (`"server"`).
    pub fn as_str(self) -> &'static str {
        match self {
            BrokenSide::Client => "client",
            BrokenSide::Server => "server",
            BrokenSide::Transport => "transport",
            BrokenSide::Driver => "driver",
        }
    }
}

/// The verdict on one side of one exchange.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SideVerdict {
    /// `true`: matched the case modulo the masking rules.
    pub ok: bool,
    /// One line per unmasked difference (`path: expected X, got Y (note)`).
    pub differences: Vec<String>,
    /// Unified diff of the canonical XML (expected vs actual); empty when
    /// the messages match.
    pub diff: String,
    /// Masked positions (`path (rule)`), the audit trail.
    pub masked: Vec<String>,
}

/// One recorded request / response pair and its two verdicts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InteropExchange {
    /// 1-based position in the conversation.
    pub index: usize,
    /// Proxy connection number (0-based).
    pub connection: usize,
    /// Which part of the case it was judged against (`step 2`, `step 1
    /// items 1-1 of 2`, `steps 3-4`), or why it was not judged.
    pub step: String,
    /// The request as sent (canonical KMIP XML, bounded).
    pub request_xml: String,
    /// The response as received (canonical KMIP XML, bounded).
    pub response_xml: String,
    /// Request-side verdict (client rules); `None`: not judged.
    pub request: Option<SideVerdict>,
    /// Response-side verdict (server rules); `None`: not judged.
    pub response: Option<SideVerdict>,
}

/// One case of one cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InteropCase {
    /// Case id.
    pub id: String,
    /// Case file.
    pub file: String,
    /// pass, fail, error, skip or cannot-express.
    pub status: Status,
    /// Who broke the conversation (fail / error only).
    pub broken_by: Option<BrokenSide>,
    /// One-line reason.
    pub reason: String,
    /// The evidence: the first differing line, or the error.
    pub evidence: String,
    /// The recorded exchanges with their verdicts.
    pub exchanges: Vec<InteropExchange>,
    /// The recording written as an OASIS-XML test case (path relative to
    /// the output folder), if any exchange was recorded.
    pub recording: Option<String>,
    /// How the client ended (`exit 0`, `timed out`, …).
    pub client_end: String,
    /// Proxy / transport messages (handshake failures, upstream errors).
    pub transport: Vec<String>,
    /// Wall time, milliseconds.
    pub duration_ms: u64,
}

/// Counts of one cell (disjoint; they add up to `total`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellCounts {
    /// Cases in the cell.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// Failed (some side broke the conversation).
    pub failed: usize,
    /// Could not be judged (driver error, server not started).
    pub errors: usize,
    /// The client cannot express the case.
    pub cannot_express: usize,
    /// Not run.
    pub skipped: usize,
}

/// One client × server cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InteropCell {
    /// Client name (from clients.yaml).
    pub client: String,
    /// Server name (from servers.yaml).
    pub server: String,
    /// Counts.
    pub counts: CellCounts,
    /// Failed cases per side that broke them.
    pub broken: Vec<(BrokenSide, usize)>,
    /// The first failure or error, `side: case: evidence` (empty when none).
    pub first_break: String,
    /// The cases.
    pub cases: Vec<InteropCase>,
}

impl InteropCell {
    /// A cell over `cases` with counts and break summary computed.
    pub fn new(client: &str, server: &str, cases: Vec<InteropCase>) -> InteropCell {
        let mut counts = CellCounts {
            total: cases.len(),
            ..Default::default()
        };
        let mut broken: Vec<(BrokenSide, usize)> = Vec::new();
        let mut first_break = String::new();
        for c in &cases {
            match c.status {
                Status::Pass => counts.passed += 1,
                Status::Fail => counts.failed += 1,
                Status::Error => counts.errors += 1,
                Status::Skip => counts.skipped += 1,
                Status::CannotExpress => counts.cannot_express += 1,
            }
            if matches!(c.status, Status::Fail | Status::Error) {
                if let Some(side) = c.broken_by {
                    match broken.iter_mut().find(|(s, _)| *s == side) {
                        Some((_, n)) => *n += 1,
                        None => broken.push((side, 1)),
                    }
                    if first_break.is_empty() {
                        first_break = format!("{}: {}: {}", side.as_str(), c.id, c.evidence);
                    }
                }
            }
        }
        InteropCell {
            client: client.to_string(),
            server: server.to_string(),
            counts,
            broken,
            first_break,
            cases,
        }
    }
}

/// The whole matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InteropResults {
    /// [`INTEROP_FORMAT`].
    pub format: u32,
    /// RFC 3339 start time.
    pub started: String,
    /// Wall time, seconds.
    pub duration_s: f64,
    /// Client names, in row order.
    pub clients: Vec<String>,
    /// Server names, in column order.
    pub servers: Vec<String>,
    /// Row-major cells (`clients.len() * servers.len()`).
    pub cells: Vec<InteropCell>,
}

impl InteropResults {
    /// The cell of `client` × `server`.
    pub fn cell(&self, client: &str, server: &str) -> Option<&InteropCell> {
        self.cells
            .iter()
            .find(|c| c.client == client && c.server == server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, status: Status, side: Option<BrokenSide>) -> InteropCase {
        InteropCase {
            id: id.into(),
            file: String::new(),
            status,
            broken_by: side,
            reason: String::new(),
            evidence: format!("evidence of {id}"),
            exchanges: Vec::new(),
            recording: None,
            client_end: "exit 0".into(),
            transport: Vec::new(),
            duration_ms: 0,
        }
    }

    #[test]
    fn cell_counts_and_first_break() {
        let cell = InteropCell::new(
            "c",
            "s",
            vec![
                case("A", Status::Pass, None),
                case("B", Status::Fail, Some(BrokenSide::Server)),
                case("C", Status::CannotExpress, None),
                case("D", Status::Fail, Some(BrokenSide::Server)),
                case("E", Status::Error, Some(BrokenSide::Driver)),
            ],
        );
        assert_eq!(
            cell.counts,
            CellCounts {
                total: 5,
                passed: 1,
                failed: 2,
                errors: 1,
                cannot_express: 1,
                skipped: 0
            }
        );
        assert_eq!(
            cell.broken,
            vec![(BrokenSide::Server, 2), (BrokenSide::Driver, 1)]
        );
        assert_eq!(cell.first_break, "server: B: evidence of B");
        let json = serde_json::to_string(&cell).expect("serialises");
        let back: InteropCell = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, cell);
    }
}
