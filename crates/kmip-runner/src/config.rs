//! The target configuration file (`--target-config FILE.yaml`).
//!
//! It holds what the command line can say about a target (address, TLS
//! material, timeouts) plus what it cannot: credentials sent in every
//! request header, and the target's declared capabilities and known quirks.
//! A case that needs an undeclared capability is SKIPPED with the reason —
//! never passed. Relative paths are resolved against the file's folder.
//! Command-line flags override the file.
//!
//! ```yaml
//! target: 127.0.0.1:15696
//! ca: certs/ca.pem
//! cert: certs/client.pem
//! key: certs/client.key
//! sni: localhost
//! connect_timeout_s: 5
//! timeout_s: 30
//! case_timeout_s: 120
//! credentials: { username: alice, password: secret }
//! capabilities:
//!   max_protocol_version: "2.0"
//!   unsupported_operations: [Check, RNGRetrieve]
//!   unsupported_algorithms: [ChaCha20]
//!   skip:
//!     BL-M-9-21: "known-bad vector: p and q are not prime"
//! ```

use crate::wire::{self, Credentials};
use kmip_testcase::case::TestCase;
use kmip_ttlv::dict::Version;
use kmip_ttlv::Item;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a target configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read target config {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The YAML is malformed or has unknown keys.
    #[error("invalid target config {path}: {source}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_yaml_ng::Error,
    },
    /// A value is out of range.
    #[error("invalid target config {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// The whole file. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TargetConfig {
    /// `HOST[:PORT]` or `reference`.
    pub target: Option<String>,
    /// PEM file of the CA(s) that signed the server certificate.
    pub ca: Option<PathBuf>,
    /// PEM client certificate chain, for mutual TLS.
    pub cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    pub key: Option<PathBuf>,
    /// TLS server name to send and verify (defaults to the host).
    pub sni: Option<String>,
    /// TCP + TLS connect timeout, seconds.
    pub connect_timeout_s: Option<f64>,
    /// Timeout for one response, seconds.
    pub timeout_s: Option<f64>,
    /// Timeout for one whole test case, seconds.
    pub case_timeout_s: Option<f64>,
    /// Credentials sent as `Authentication` in every request header.
    pub credentials: Option<Credentials>,
    /// Declared capabilities and known quirks.
    pub capabilities: Capabilities,
}

/// What the target declares it cannot do; cases that need it are skipped.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Capabilities {
    /// Highest protocol version the target speaks (`"2.0"`); cases of a
    /// later version are skipped.
    pub max_protocol_version: Option<String>,
    /// Operations the target does not implement (KMIP names, `GetAttributes`
    /// or `Get Attributes`); cases sending them are skipped.
    pub unsupported_operations: Vec<String>,
    /// Cryptographic algorithms the target does not implement (`ChaCha20`);
    /// cases whose requests name them are skipped.
    pub unsupported_algorithms: Vec<String>,
    /// Case id → reason: cases to skip outright.
    pub skip: BTreeMap<String, String>,
}

impl TargetConfig {
    /// Read and validate a file; relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<TargetConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        TargetConfig::parse(&text, base).map_err(|e| match e {
            ConfigError::Yaml { source, .. } => ConfigError::Yaml {
                path: path.to_path_buf(),
                source,
            },
            ConfigError::Invalid { message, .. } => ConfigError::Invalid {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })
    }

    /// Parse YAML text; relative paths are joined to `base`.
    pub fn parse(text: &str, base: &Path) -> Result<TargetConfig, ConfigError> {
        let mut c: TargetConfig =
            serde_yaml_ng::from_str(text).map_err(|source| ConfigError::Yaml {
                path: PathBuf::new(),
                source,
            })?;
        for p in [&mut c.ca, &mut c.cert, &mut c.key].into_iter().flatten() {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        let invalid = |message: String| ConfigError::Invalid {
            path: PathBuf::new(),
            message,
        };
        for (name, v) in [
            ("connect_timeout_s", c.connect_timeout_s),
            ("timeout_s", c.timeout_s),
            ("case_timeout_s", c.case_timeout_s),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && v > 0.0 && v < 1e7) {
                    return Err(invalid(format!(
                        "{name} must be a positive number of seconds"
                    )));
                }
            }
        }
        if let Some(v) = &c.capabilities.max_protocol_version {
            if parse_version(v).is_none() {
                return Err(invalid(format!(
                    "max_protocol_version {v:?} is not MAJOR.MINOR"
                )));
            }
        }
        Ok(c)
    }
}

/// `"2.0"` → 2.0.
pub fn parse_version(s: &str) -> Option<Version> {
    let (a, b) = s.trim().split_once('.')?;
    Some(Version::new(a.parse().ok()?, b.parse().ok()?))
}

impl Capabilities {
    /// True when nothing is declared (no case can be skipped).
    pub fn is_empty(&self) -> bool {
        self == &Capabilities::default()
    }

    /// Why `case` must be skipped on this target, if it must.
    pub fn skip_reason(&self, case: &TestCase) -> Option<String> {
        if let Some(r) = self.skip.get(&case.id) {
            return Some(format!("skipped by target config: {r}"));
        }
        if let (Some(max), Some(v)) = (
            self.max_protocol_version.as_deref().and_then(parse_version),
            case.protocol_version(),
        ) {
            if v > max {
                return Some(format!(
                    "target declares protocol versions up to {max}; case uses {v}"
                ));
            }
        }
        let requests: Vec<&Item> = case.steps.iter().map(|s| &s.request).collect();
        if !self.unsupported_operations.is_empty() {
            let used = wire::enum_values_named(&requests, wire::OPERATION);
            if let Some(op) = first_declared(&used, &self.unsupported_operations) {
                return Some(format!("target declares operation {op} unsupported"));
            }
        }
        if !self.unsupported_algorithms.is_empty() {
            let used = wire::enum_values_named(&requests, wire::CRYPTOGRAPHIC_ALGORITHM);
            if let Some(alg) = first_declared(&used, &self.unsupported_algorithms) {
                return Some(format!("target declares algorithm {alg} unsupported"));
            }
        }
        None
    }
}

/// First of `used` that matches (loosely) one of `declared`.
fn first_declared<'a>(used: &'a [String], declared: &[String]) -> Option<&'a str> {
    let declared: Vec<String> = declared.iter().map(|d| wire::loose(d)).collect();
    used.iter()
        .find(|u| declared.contains(&wire::loose(u)))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_file_parses_and_resolves_paths() {
        let text = r#"
target: 127.0.0.1:15696
ca: certs/ca.pem
cert: /abs/client.pem
key: certs/client.key
sni: localhost
connect_timeout_s: 5
timeout_s: 30
case_timeout_s: 120
credentials: { username: alice, password: secret }
capabilities:
  max_protocol_version: "2.0"
  unsupported_operations: [Check, "RNG Retrieve"]
  unsupported_algorithms: [ChaCha20]
  skip:
    BL-M-9-21: "known-bad vector"
"#;
        let c = TargetConfig::parse(text, Path::new("/etc/kmip")).expect("parses");
        assert_eq!(c.target.as_deref(), Some("127.0.0.1:15696"));
        assert_eq!(c.ca, Some(PathBuf::from("/etc/kmip/certs/ca.pem")));
        assert_eq!(c.cert, Some(PathBuf::from("/abs/client.pem")));
        assert_eq!(c.timeout_s, Some(30.0));
        assert_eq!(
            c.credentials,
            Some(Credentials {
                username: "alice".into(),
                password: Some("secret".into())
            })
        );
        assert_eq!(c.capabilities.unsupported_operations.len(), 2);
        assert_eq!(
            c.capabilities.skip.get("BL-M-9-21").map(String::as_str),
            Some("known-bad vector")
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_rejected() {
        assert!(matches!(
            TargetConfig::parse("targt: x\n", Path::new(".")),
            Err(ConfigError::Yaml { .. })
        ));
        assert!(matches!(
            TargetConfig::parse("timeout_s: -1\n", Path::new(".")),
            Err(ConfigError::Invalid { .. })
        ));
        assert!(matches!(
            TargetConfig::parse(
                "capabilities: {max_protocol_version: two}\n",
                Path::new(".")
            ),
            Err(ConfigError::Invalid { .. })
        ));
    }

    #[test]
    fn empty_file_is_default() {
        let c = TargetConfig::parse("{}", Path::new(".")).expect("parses");
        assert_eq!(c, TargetConfig::default());
        assert!(c.capabilities.is_empty());
    }

    #[test]
    fn declared_names_match_loosely() {
        let used = vec!["GetAttributes".to_string(), "0x80000001".to_string()];
        assert_eq!(
            first_declared(&used, &["get attributes".into()]),
            Some("GetAttributes")
        );
        assert_eq!(
            first_declared(&used, &["0x80000001".into()]),
            Some("0x80000001")
        );
        assert_eq!(first_declared(&used, &["Encrypt".into()]), None);
        assert_eq!(parse_version("2.0"), Some(Version::new(2, 0)));
        assert_eq!(parse_version("2"), None);
    }
}
