//! Load generation (`kmip-harness load`): N clients, each on its own
//! persistent connection, loop over a cycle of operations (Create a
//! 256-bit AES key, Get it, Get Attributes of it, Locate it by its unique
//! Name, Encrypt 64 bytes with it (AES-CBC, PKCS#5), Destroy it — or a
//! subset) for a fixed duration, optionally with K batch items per message.
//! Reports operations per second and per-operation latency percentiles.
//!
//! Bounded: the duration and client count are capped ([`MAX_DURATION`],
//! [`MAX_CLIENTS`]), every request waits at most the message timeout, and
//! latencies go into fixed-size log-linear histograms ([`Histogram`]), so
//! memory does not grow with the run length.
//!
//! No-loss check: every identifier a Create returns must be usable (Get,
//! Get Attributes and Encrypt succeed and answer the same identifier,
//! Locate by the key's Name finds exactly that identifier) until it is
//! destroyed, and Destroy must succeed. Each violation is counted as a `lost` error and
//! the first few are kept as examples.
//!
//! Requests are KMIP 1.2 (understood by the reference server and by most
//! third-party servers, PyKMIP included). Message building and response
//! parsing are pure functions ([`build_request`], [`parse_response`]).

//!
//! Layout: this module holds the configuration ([`Op`], [`OpSet`],
//! [`LoadOptions`]); [`message`] builds requests and parses responses;
//! [`histogram`] is the latency histogram; [`client`] runs the client
//! loops ([`run_load`]); [`report`] holds what a run measured
//! ([`LoadReport`]) and renders it (text and JSON, which also carries the
//! histograms so the reports of several client processes merge);
//! [`procstat`] reads a local process's CPU time (server CPU per operation).

pub mod client;
pub mod histogram;
pub mod message;
pub mod procstat;
pub mod report;

pub use client::run_load;
pub use histogram::Histogram;
pub use message::{build_request, parse_response, ItemOutcome, ResponseError};
pub use report::{LoadReport, OpStats};

use kmip_ttlv::ttlv::Limits;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Longest accepted `--duration`.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);
/// Most accepted `--clients`.
pub const MAX_CLIENTS: usize = 4096;
/// Most accepted `--batch`.
pub const MAX_BATCH: usize = 1000;
/// Error examples kept (the rest are only counted).
pub(crate) const MAX_EXAMPLES: usize = 8;

/// One operation of the load cycle.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// Create a 256-bit AES symmetric key (with a unique Name when the
    /// cycle Locates).
    Create,
    /// Get the key just created.
    Get,
    /// Get Attributes (all of them) of the key just created.
    GetAttributes,
    /// Locate the key just created by its unique Name.
    Locate,
    /// Encrypt 64 bytes with the key just created (AES-CBC, PKCS#5
    /// padding, a fixed IV). The cycle then creates Active keys (Activation
    /// Date at the epoch).
    Encrypt,
    /// Revoke the key just created (Cessation of Operation): an Active key
    /// must be revoked before it can be destroyed.
    Revoke,
    /// Destroy the key just created.
    Destroy,
}

impl Op {
    /// All operations, in cycle order.
    pub const ALL: [Op; 7] = [
        Op::Create,
        Op::Get,
        Op::GetAttributes,
        Op::Locate,
        Op::Encrypt,
        Op::Revoke,
        Op::Destroy,
    ];

    /// Lower-case name (`create`, `get`, `get-attributes`, `locate`,
    /// `encrypt`, `revoke`, `destroy`), as in `--ops`.
    pub fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Get => "get",
            Op::GetAttributes => "get-attributes",
            Op::Locate => "locate",
            Op::Encrypt => "encrypt",
            Op::Revoke => "revoke",
            Op::Destroy => "destroy",
        }
    }

    /// The operation for its `--ops` name (`get_attributes` and
    /// `getattributes` are accepted too).
    pub fn from_name(name: &str) -> Option<Op> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        Op::ALL
            .into_iter()
            .find(|op| op.name() == n || op.name().replace('-', "") == n)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// KMIP Operation enumeration value.
    pub fn code(self) -> u32 {
        match self {
            Op::Create => 0x01,
            Op::Locate => 0x08,
            Op::Get => 0x0A,
            Op::GetAttributes => 0x0B,
            Op::Revoke => 0x13,
            Op::Destroy => 0x14,
            Op::Encrypt => 0x1F,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Bad load parameters.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadConfigError {
    /// `--ops` names an unknown operation, or is empty.
    #[error(
        "invalid --ops {0:?}: expected a comma-separated subset of \
         create,get,get-attributes,locate,encrypt,revoke,destroy"
    )]
    BadOps(String),
    /// `destroy` without `create` would destroy nothing.
    #[error("--ops destroy needs create (the cycle destroys the key it created)")]
    DestroyWithoutCreate,
    /// `encrypt` and `destroy` without `revoke`: the keys are Active, and
    /// an Active key cannot be destroyed.
    #[error("--ops with encrypt and destroy needs revoke (an Active key must be revoked before Destroy)")]
    EncryptDestroyWithoutRevoke,
    /// `locate` without `create`: the Name it looks for is set at Create.
    #[error("--ops locate needs create (the cycle locates the key it created by its Name)")]
    LocateWithoutCreate,
    /// A parameter is out of range.
    #[error("{0}")]
    OutOfRange(String),
}

/// The operation cycle: a set of [`Op`] run in the order create, get,
/// get-attributes, locate, encrypt, revoke, destroy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpSet(Vec<Op>);

impl OpSet {
    /// The operations, in cycle order.
    pub fn ops(&self) -> &[Op] {
        &self.0
    }

    /// Whether `op` is part of the cycle.
    pub fn contains(&self, op: Op) -> bool {
        self.0.contains(&op)
    }
}

impl FromStr for OpSet {
    type Err = LoadConfigError;

    fn from_str(s: &str) -> Result<OpSet, LoadConfigError> {
        let mut ops = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some(op) = Op::from_name(part) else {
                return Err(LoadConfigError::BadOps(s.to_string()));
            };
            if !ops.contains(&op) {
                ops.push(op);
            }
        }
        if ops.is_empty() {
            return Err(LoadConfigError::BadOps(s.to_string()));
        }
        ops.sort();
        if ops.contains(&Op::Destroy) && !ops.contains(&Op::Create) {
            return Err(LoadConfigError::DestroyWithoutCreate);
        }
        if ops.contains(&Op::Locate) && !ops.contains(&Op::Create) {
            return Err(LoadConfigError::LocateWithoutCreate);
        }
        if ops.contains(&Op::Encrypt) && ops.contains(&Op::Destroy) && !ops.contains(&Op::Revoke) {
            return Err(LoadConfigError::EncryptDestroyWithoutRevoke);
        }
        Ok(OpSet(ops))
    }
}

/// Parameters of a load run.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Concurrent clients, one connection each (1..=[`MAX_CLIENTS`]).
    pub clients: usize,
    /// Measured duration (≤ [`MAX_DURATION`]).
    pub duration: Duration,
    /// The cycle.
    pub ops: OpSet,
    /// Batch items per message (1..=[`MAX_BATCH`]): K keys per cycle.
    pub batch: usize,
    /// Timeout for each response.
    pub message_timeout: Duration,
    /// Limits for responses.
    pub limits: Limits,
}

impl LoadOptions {
    /// Check the ranges.
    pub fn validate(&self) -> Result<(), LoadConfigError> {
        if self.clients == 0 || self.clients > MAX_CLIENTS {
            return Err(LoadConfigError::OutOfRange(format!(
                "--clients must be 1..={MAX_CLIENTS}"
            )));
        }
        if self.duration.is_zero() || self.duration > MAX_DURATION {
            return Err(LoadConfigError::OutOfRange(format!(
                "--duration must be > 0 and ≤ {} s",
                MAX_DURATION.as_secs()
            )));
        }
        if self.batch == 0 || self.batch > MAX_BATCH {
            return Err(LoadConfigError::OutOfRange(format!(
                "--batch must be 1..={MAX_BATCH}"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::message::tag;
    use super::*;
    use kmip_ttlv::{ttlv, Tag};

    #[test]
    fn op_set_parses_and_orders() {
        let s: OpSet = "destroy, get,create".parse().expect("valid");
        assert_eq!(s.ops(), &[Op::Create, Op::Get, Op::Destroy]);
        let g: OpSet = "get".parse().expect("valid");
        assert_eq!(g.ops(), &[Op::Get]);
        assert_eq!(
            "destroy".parse::<OpSet>(),
            Err(LoadConfigError::DestroyWithoutCreate)
        );
        assert!(matches!(
            "create,frobnicate".parse::<OpSet>(),
            Err(LoadConfigError::BadOps(_))
        ));
        let all: OpSet = "destroy,revoke,encrypt,locate,get_attributes,get,create"
            .parse()
            .expect("valid");
        assert_eq!(all.ops(), &Op::ALL);
        assert_eq!(
            "create,encrypt,destroy".parse::<OpSet>(),
            Err(LoadConfigError::EncryptDestroyWithoutRevoke)
        );
        assert_eq!(
            "get,locate".parse::<OpSet>(),
            Err(LoadConfigError::LocateWithoutCreate)
        );
        assert_eq!(
            "GetAttributes".parse::<OpSet>().map(|s| s.ops().to_vec()),
            Ok(vec![Op::GetAttributes])
        );
        assert!(matches!(
            "".parse::<OpSet>(),
            Err(LoadConfigError::BadOps(_))
        ));
    }

    #[test]
    fn tag_names_exist() {
        for n in [
            "RequestMessage",
            "RequestHeader",
            "ProtocolVersion",
            "ProtocolVersionMajor",
            "ProtocolVersionMinor",
            "BatchCount",
            "BatchItem",
            "Operation",
            "UniqueBatchItemID",
            "RequestPayload",
            "ObjectType",
            "TemplateAttribute",
            "Attribute",
            "AttributeName",
            "AttributeValue",
            "UniqueIdentifier",
            "Name",
            "NameValue",
            "NameType",
            "CryptographicParameters",
            "BlockCipherMode",
            "PaddingMethod",
            "Data",
            "IVCounterNonce",
            "RevocationReason",
            "RevocationReasonCode",
            "ResponseMessage",
            "ResultStatus",
            "ResponsePayload",
        ] {
            assert!(Tag::by_name(n).is_some(), "{n}");
        }
    }

    #[test]
    fn requests_encode_and_round_trip() {
        let req = build_request(Op::Get, &[Some("a"), Some("b")]);
        let bytes = ttlv::encode(&req).expect("encodes");
        let back = ttlv::decode(&bytes, &Limits::default()).expect("decodes");
        assert_eq!(back, req);
        assert_eq!(back.children_with(tag("BatchItem")).count(), 2);
        let create = build_request(Op::Create, &[None]);
        assert!(create
            .path(&["BatchItem", "RequestPayload", "TemplateAttribute"])
            .is_some());
    }

    #[cfg(feature = "reference")]
    #[test]
    fn reference_server_answers_the_cycle() {
        let server = kmip_reference_server::Server::in_memory();
        let limits = Limits::default();
        let send = |op: Op, ids: &[Option<&str>]| {
            let bytes = ttlv::encode(&build_request(op, ids)).expect("encodes");
            parse_response(&server.handle_bytes(&bytes), &limits).expect("parses")
        };
        let created = send(Op::Create, &[None, None]);
        let ids: Vec<String> = created
            .iter()
            .map(|o| match o {
                ItemOutcome::Success(Some(id)) => id.clone(),
                other => panic!("create failed: {other:?}"),
            })
            .collect();
        let refs: Vec<Option<&str>> = ids.iter().map(|i| Some(i.as_str())).collect();
        let got = send(Op::Get, &refs);
        for (o, id) in got.iter().zip(&ids) {
            assert_eq!(o, &ItemOutcome::Success(Some(id.clone())));
        }
        let destroyed = send(Op::Destroy, &refs);
        assert!(destroyed
            .iter()
            .all(|o| matches!(o, ItemOutcome::Success(_))));
        let again = send(Op::Get, &refs[..1]);
        assert!(matches!(again[0], ItemOutcome::Failure(_)), "{again:?}");
    }

    #[test]
    fn parse_response_rejects_garbage() {
        let limits = Limits::default();
        assert!(matches!(
            parse_response(b"garbage", &limits),
            Err(ResponseError::Decode(_))
        ));
        let req = ttlv::encode(&build_request(Op::Get, &[Some("x")])).expect("encodes");
        assert!(matches!(
            parse_response(&req, &limits),
            Err(ResponseError::Malformed(_))
        ));
    }

    #[test]
    fn histogram_quantiles_are_close() {
        let mut h = Histogram::default();
        for us in 1..=100_000u64 {
            h.record(Duration::from_micros(us));
        }
        assert_eq!(h.count(), 100_000);
        let p50 = h.quantile(0.5).as_micros() as f64;
        let p99 = h.quantile(0.99).as_micros() as f64;
        assert!((p50 - 50_000.0).abs() / 50_000.0 < 0.01, "{p50}");
        assert!((p99 - 99_000.0).abs() / 99_000.0 < 0.01, "{p99}");
        assert_eq!(h.max(), Duration::from_micros(100_000));
        assert_eq!(h.quantile(0.0), Duration::from_micros(1));
        let mut small = Histogram::default();
        small.record(Duration::from_micros(7));
        assert_eq!(small.quantile(0.99), Duration::from_micros(7));
        // Enormous values land in the last bucket, no panic.
        small.record(Duration::from_secs(u64::MAX / 4));
        assert_eq!(small.count(), 2);
        for b in [0u64, 1023, 1024, 1535, 2047, 2048, 1 << 40] {
            let lb = Histogram::lower_bound(Histogram::bucket(b));
            assert!(
                lb <= b && (b - lb) as f64 <= b as f64 * 0.002 + 1.0,
                "{b} {lb}"
            );
        }
    }

    #[test]
    fn options_are_validated() {
        let ok = LoadOptions {
            clients: 1,
            duration: Duration::from_secs(1),
            ops: "create".parse().expect("valid"),
            batch: 1,
            message_timeout: Duration::from_secs(1),
            limits: Limits::default(),
        };
        assert!(ok.validate().is_ok());
        let mut bad = ok.clone();
        bad.clients = 0;
        assert!(bad.validate().is_err());
        let mut bad = ok.clone();
        bad.duration = Duration::from_secs(7200);
        assert!(bad.validate().is_err());
        let mut bad = ok;
        bad.batch = 0;
        assert!(bad.validate().is_err());
    }
}
