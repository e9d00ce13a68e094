//! Authentication and access control of the reference server; both are off
//! by default.
//!
//! - **Authentication** (on when a users file is given, `serve --users`):
//!   a request header's Authentication structure (KMIP 1.4 §6.6, 2.1 §9.4)
//!   with a Username and Password Credential (1.4 §2.1.2, 2.1 §9.11) is
//!   checked against the configured users; an unknown user or a wrong
//!   password fails the whole message with Result Reason Authentication Not
//!   Successful (1.4 §9.1.3.2.29, 2.1 §11.46 Table 478). A request without
//!   a Username and Password credential is not refused (the spec leaves
//!   which requests need one to server policy: "Servers MAY require
//!   authentication on no requests, a subset of the requests, or all
//!   requests"); its identity is then the client certificate's. Other
//!   credential types (Device, Attestation, …) are not checked.
//! - **Access control** (`serve --access-control`): every object created
//!   gets an owner, the requester's identity: the authenticated user
//!   (`user:NAME`), else the TLS client certificate's subject
//!   (`cert:CN=…`), else its SHA-256 fingerprint (`cert-sha256:…`) when
//!   the subject is empty. An object with an owner is visible only to that
//!   identity: any other requester gets Operation Failed / Permission
//!   Denied ("Client is not allowed to perform the specified operation",
//!   1.4 §11.1 General errors, 2.1 §11.46 Table 478) from every operation
//!   that names the object, and Locate never returns it. Objects without
//!   an owner (created while access control was off, or by a client with
//!   no identity) stay visible to everyone. The owner is kept with the
//!   object in the store, so it survives a restart with `--data-dir`.
//!
//! Every decision is logged (`tracing`: denials at info, grants at debug).

use crate::error::{KmipError, ServerError};
use crate::spec::enums::{credential_type, result_reason as rr};
use crate::spec::tags as t;
use kmip_ttlv::{Item, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Largest users file accepted.
const MAX_USERS_FILE: u64 = 1024 * 1024;

/// The server's authentication and access-control configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessPolicy {
    /// Enforce object ownership (see the module documentation).
    pub access_control: bool,
    /// Username → password; `None`: credentials are not checked.
    pub users: Option<BTreeMap<String, String>>,
}

impl AccessPolicy {
    /// Read a users file: one `username:password` a line; blank lines and
    /// lines starting with `#` are ignored.
    pub fn load_users(path: &Path) -> Result<BTreeMap<String, String>, ServerError> {
        let meta = std::fs::metadata(path)
            .map_err(|e| ServerError::io(format!("reading {}", path.display()), e))?;
        if meta.len() > MAX_USERS_FILE {
            return Err(ServerError::Config(format!(
                "users file {} is larger than {MAX_USERS_FILE} bytes",
                path.display()
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| ServerError::io(format!("reading {}", path.display()), e))?;
        parse_users(&text).map_err(|e| ServerError::Config(format!("{}: {e}", path.display())))
    }

    /// Who sends this request: the authenticated user, else the TLS
    /// identity. A Username and Password credential that does not match
    /// the configured users is an Authentication Not Successful error.
    pub fn authenticate(
        &self,
        request: &Item,
        tls_identity: Option<&str>,
    ) -> Result<Option<String>, KmipError> {
        let Some(users) = &self.users else {
            return Ok(tls_identity.map(str::to_string));
        };
        let auth = request
            .child(t::REQUEST_HEADER)
            .and_then(|h| h.child(t::AUTHENTICATION));
        let Some(auth) = auth else {
            return Ok(tls_identity.map(str::to_string));
        };
        for cred in auth.children().iter().filter(|c| c.tag == t::CREDENTIAL) {
            let ty = match cred.child(t::CREDENTIAL_TYPE).map(|i| &i.value) {
                Some(Value::Enumeration(v)) => *v,
                _ => continue,
            };
            if ty != credential_type::USERNAME_AND_PASSWORD {
                continue;
            }
            let value = cred.child(t::CREDENTIAL_VALUE);
            let field = |tag| match value.and_then(|v| v.child(tag)).map(|i| &i.value) {
                Some(Value::TextString(s)) => Some(s.as_str()),
                _ => None,
            };
            let user = field(t::USERNAME).unwrap_or("");
            let ok = field(t::PASSWORD).is_some_and(|given| {
                users
                    .get(user)
                    .is_some_and(|want| constant_time_eq(want.as_bytes(), given.as_bytes()))
            });
            if !ok {
                tracing::info!(
                    user,
                    "authentication refused: unknown user or wrong password"
                );
                return Err(KmipError::new(
                    rr::AUTHENTICATION_NOT_SUCCESSFUL,
                    "Username and Password credential not accepted",
                ));
            }
            tracing::debug!(user, "authenticated");
            return Ok(Some(format!("user:{user}")));
        }
        Ok(tls_identity.map(str::to_string))
    }

    /// May `client` use an object owned by `owner`? Logs the decision.
    pub fn check(
        &self,
        uid: &str,
        owner: Option<&str>,
        client: Option<&str>,
    ) -> Result<(), KmipError> {
        if !self.access_control {
            return Ok(());
        }
        match owner {
            None => Ok(()),
            Some(o) if Some(o) == client => {
                tracing::debug!(uid, owner = o, "access granted to the owner");
                Ok(())
            }
            Some(o) => {
                tracing::info!(
                    uid,
                    owner = o,
                    client = client.unwrap_or("(anonymous)"),
                    "access denied: object owned by another identity"
                );
                Err(KmipError::permission_denied(format!(
                    "object {uid:?} belongs to another client"
                )))
            }
        }
    }

    /// Is an object owned by `owner` visible to `client` (Locate)?
    pub fn visible(&self, owner: Option<&str>, client: Option<&str>) -> bool {
        !self.access_control || owner.is_none() || owner == client
    }
}

fn parse_users(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut users = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (u, p) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: expected username:password", n + 1))?;
        if u.is_empty() {
            return Err(format!("line {}: empty username", n + 1));
        }
        users.insert(u.to_string(), p.to_string());
    }
    Ok(users)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The identity of a TLS client certificate (DER): `cert:` + its subject
/// (RFC 4514 form), or `cert-sha256:` + the certificate's SHA-256 when the
/// subject is empty or does not parse.
pub fn certificate_identity(der: &[u8]) -> String {
    use sha2::Digest;
    use x509_cert::der::Decode;
    if let Ok(cert) = x509_cert::Certificate::from_der(der) {
        let subject = cert.tbs_certificate.subject.to_string();
        if !subject.is_empty() {
            return format!("cert:{subject}");
        }
    }
    format!("cert-sha256:{}", hex::encode(sha2::Sha256::digest(der)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{enumeration, st, text};

    fn request(user: &str, password: &str) -> Item {
        st(
            t::REQUEST_MESSAGE,
            vec![st(
                t::REQUEST_HEADER,
                vec![st(
                    t::AUTHENTICATION,
                    vec![st(
                        t::CREDENTIAL,
                        vec![
                            enumeration(t::CREDENTIAL_TYPE, credential_type::USERNAME_AND_PASSWORD),
                            st(
                                t::CREDENTIAL_VALUE,
                                vec![text(t::USERNAME, user), text(t::PASSWORD, password)],
                            ),
                        ],
                    )],
                )],
            )],
        )
    }

    #[test]
    fn users_file_and_credentials() {
        let users = parse_users("# users\nalice:s3cret\n\nbob:pw:with:colons\n").expect("parses");
        assert_eq!(users.get("bob").map(String::as_str), Some("pw:with:colons"));
        assert!(parse_users("nocolon").is_err());
        let p = AccessPolicy {
            access_control: true,
            users: Some(users),
        };
        assert_eq!(
            p.authenticate(&request("alice", "s3cret"), Some("cert:CN=x"))
                .expect("accepted"),
            Some("user:alice".to_string())
        );
        for (u, pw) in [("alice", "wrong"), ("mallory", "s3cret"), ("alice", "")] {
            let e = p.authenticate(&request(u, pw), None).expect_err("refused");
            assert_eq!(e.reason, rr::AUTHENTICATION_NOT_SUCCESSFUL, "{u}/{pw}");
        }
        // no credential: the TLS identity
        let bare = st(t::REQUEST_MESSAGE, vec![st(t::REQUEST_HEADER, vec![])]);
        assert_eq!(
            p.authenticate(&bare, Some("cert:CN=x")).expect("ok"),
            Some("cert:CN=x".to_string())
        );
        // authentication off: credentials are not checked
        let off = AccessPolicy::default();
        assert_eq!(
            off.authenticate(&request("alice", "wrong"), None)
                .expect("ok"),
            None
        );
    }

    #[test]
    fn ownership_rules() {
        let on = AccessPolicy {
            access_control: true,
            users: None,
        };
        assert!(on.check("u", Some("a"), Some("a")).is_ok());
        let e = on.check("u", Some("a"), Some("b")).expect_err("denied");
        assert_eq!(e.reason, rr::PERMISSION_DENIED);
        assert!(on.check("u", Some("a"), None).is_err());
        assert!(on.check("u", None, Some("b")).is_ok());
        assert!(!on.visible(Some("a"), Some("b")));
        assert!(on.visible(None, Some("b")));
        let off = AccessPolicy::default();
        assert!(off.check("u", Some("a"), Some("b")).is_ok());
        assert!(off.visible(Some("a"), Some("b")));
    }
}
