//! The few KMIP tags and enumeration codes the runner itself needs, and
//! small pure helpers over request trees (credentials injection, which
//! operations and algorithms a test case uses).
//!
//! Tag values are written out here (KMIP 1.0–2.1 §9.1.3.1) rather than looked
//! up by name, so the runner never depends on the completeness of the
//! dictionary for its own plumbing.

use kmip_ttlv::{Item, Tag, Value};

/// Authentication (structure in the request header).
pub const AUTHENTICATION: Tag = Tag(0x42000C);
/// Batch Count.
pub const BATCH_COUNT: Tag = Tag(0x42000D);
/// Batch Error Continuation Option.
pub const BATCH_ERROR_CONTINUATION_OPTION: Tag = Tag(0x42000E);
/// Batch Item.
pub const BATCH_ITEM: Tag = Tag(0x42000F);
/// Batch Order Option.
pub const BATCH_ORDER_OPTION: Tag = Tag(0x420010);
/// Credential.
pub const CREDENTIAL: Tag = Tag(0x420023);
/// Credential Type.
pub const CREDENTIAL_TYPE: Tag = Tag(0x420024);
/// Credential Value.
pub const CREDENTIAL_VALUE: Tag = Tag(0x420025);
/// Cryptographic Algorithm.
pub const CRYPTOGRAPHIC_ALGORITHM: Tag = Tag(0x420028);
/// Cryptographic Length.
pub const CRYPTOGRAPHIC_LENGTH: Tag = Tag(0x42002A);
/// Operation.
pub const OPERATION: Tag = Tag(0x42005C);
/// Protocol Version.
pub const PROTOCOL_VERSION: Tag = Tag(0x420069);
/// Request Header.
pub const REQUEST_HEADER: Tag = Tag(0x420077);
/// Response Header.
pub const RESPONSE_HEADER: Tag = Tag(0x42007A);
/// Result Message.
pub const RESULT_MESSAGE: Tag = Tag(0x42007D);
/// Result Reason.
pub const RESULT_REASON: Tag = Tag(0x42007E);
/// Result Status.
pub const RESULT_STATUS: Tag = Tag(0x42007F);
/// Time Stamp.
pub const TIME_STAMP: Tag = Tag(0x420092);
/// Username.
pub const USERNAME: Tag = Tag(0x420099);
/// Password.
pub const PASSWORD: Tag = Tag(0x4200A1);
/// Private Key Unique Identifier.
pub const PRIVATE_KEY_UNIQUE_IDENTIFIER: Tag = Tag(0x420066);
/// Protocol Version Major.
pub const PROTOCOL_VERSION_MAJOR: Tag = Tag(0x42006A);
/// Protocol Version Minor.
pub const PROTOCOL_VERSION_MINOR: Tag = Tag(0x42006B);
/// Public Key Unique Identifier.
pub const PUBLIC_KEY_UNIQUE_IDENTIFIER: Tag = Tag(0x42006F);
/// Request Message.
pub const REQUEST_MESSAGE: Tag = Tag(0x420078);
/// Request Payload.
pub const REQUEST_PAYLOAD: Tag = Tag(0x420079);
/// Response Payload.
pub const RESPONSE_PAYLOAD: Tag = Tag(0x42007C);
/// Revocation Reason.
pub const REVOCATION_REASON: Tag = Tag(0x420081);
/// Revocation Reason Code.
pub const REVOCATION_REASON_CODE: Tag = Tag(0x420082);
/// Unique Identifier.
pub const UNIQUE_IDENTIFIER: Tag = Tag(0x420094);

/// Credential Type "Username and Password".
pub const CREDENTIAL_TYPE_USERNAME_AND_PASSWORD: u32 = 1;
/// Operation "Revoke".
pub const OPERATION_REVOKE: u32 = 0x13;
/// Operation "Destroy".
pub const OPERATION_DESTROY: u32 = 0x14;
/// Result Status "Success".
pub const RESULT_STATUS_SUCCESS: u32 = 0;
/// Revocation Reason Code "Cessation of Operation".
pub const REVOCATION_REASON_CESSATION_OF_OPERATION: u32 = 6;

/// Username / password credentials sent in every request header.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Username.
    pub username: String,
    /// Password (optional in KMIP).
    #[serde(default)]
    pub password: Option<String>,
}

impl Credentials {
    /// The `Authentication` structure (KMIP 1.x–2.1 §2.1.2 / §6.6).
    pub fn to_authentication(&self) -> Item {
        let mut value = vec![Item::new(
            USERNAME,
            Value::TextString(self.username.clone()),
        )];
        if let Some(p) = &self.password {
            value.push(Item::new(PASSWORD, Value::TextString(p.clone())));
        }
        Item::structure(
            AUTHENTICATION,
            vec![Item::structure(
                CREDENTIAL,
                vec![
                    Item::new(
                        CREDENTIAL_TYPE,
                        Value::Enumeration(CREDENTIAL_TYPE_USERNAME_AND_PASSWORD),
                    ),
                    Item::structure(CREDENTIAL_VALUE, value),
                ],
            )],
        )
    }
}

/// Put `Authentication` in the request header of `request`, at its place in
/// the header field order (before Batch Error Continuation Option, Batch
/// Order Option, Time Stamp and Batch Count), replacing one already there.
/// Returns false when the request has no header (left untouched).
pub fn add_credentials(request: &mut Item, credentials: &Credentials) -> bool {
    let Some(header) = request
        .children_mut()
        .and_then(|c| c.iter_mut().find(|i| i.tag == REQUEST_HEADER))
    else {
        return false;
    };
    let Some(fields) = header.children_mut() else {
        return false;
    };
    fields.retain(|f| f.tag != AUTHENTICATION);
    let after = [
        BATCH_ERROR_CONTINUATION_OPTION,
        BATCH_ORDER_OPTION,
        TIME_STAMP,
        BATCH_COUNT,
    ];
    let at = fields
        .iter()
        .position(|f| after.contains(&f.tag))
        .unwrap_or(fields.len());
    fields.insert(at, credentials.to_authentication());
    true
}

/// Name of an enumeration value of `tag` from the dictionary, else `0x%08X`.
fn enum_name(tag: Tag, code: u32) -> String {
    kmip_ttlv::dict::enum_for_tag(tag.0)
        .and_then(|e| e.name_of(code))
        .map(str::to_string)
        .unwrap_or_else(|| format!("0x{code:08X}"))
}

/// Names (or `0x…` codes) of the enumeration values found under `tag`
/// anywhere in `items`, in first-seen order, without duplicates.
pub fn enum_values_named(items: &[&Item], tag: Tag) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        item.walk(&mut |i| {
            if i.tag == tag {
                if let Value::Enumeration(code) = i.value {
                    let n = enum_name(tag, code);
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
        });
    }
    out
}

/// Loose form of a name for matching user-written names against dictionary
/// names: lower case, without spaces, `_`, `-`, `.`.
pub fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(fields: Vec<Item>) -> Item {
        Item::structure(Tag(0x420078), vec![Item::structure(REQUEST_HEADER, fields)])
    }

    #[test]
    fn credentials_go_before_batch_fields() {
        let mut req = header(vec![
            Item::structure(PROTOCOL_VERSION, vec![]),
            Item::new(BATCH_ORDER_OPTION, Value::Boolean(true)),
            Item::new(BATCH_COUNT, Value::Integer(1)),
        ]);
        let creds = Credentials {
            username: "u".into(),
            password: Some("p".into()),
        };
        assert!(add_credentials(&mut req, &creds));
        let tags: Vec<Tag> = req.children()[0].children().iter().map(|i| i.tag).collect();
        assert_eq!(
            tags,
            vec![
                PROTOCOL_VERSION,
                AUTHENTICATION,
                BATCH_ORDER_OPTION,
                BATCH_COUNT
            ]
        );
        // Idempotent: a second call replaces, never duplicates.
        assert!(add_credentials(&mut req, &creds));
        assert_eq!(req.children()[0].children().len(), 4);
        let auth = &req.children()[0].children()[1];
        let value = auth.children()[0].child(CREDENTIAL_VALUE).expect("value");
        assert_eq!(
            value.child(USERNAME).map(|i| &i.value),
            Some(&Value::TextString("u".into()))
        );
        assert_eq!(
            value.child(PASSWORD).map(|i| &i.value),
            Some(&Value::TextString("p".into()))
        );
    }

    #[test]
    fn credentials_without_header_leave_request_alone() {
        let mut req = Item::structure(Tag(0x420078), vec![]);
        let before = req.clone();
        assert!(!add_credentials(
            &mut req,
            &Credentials {
                username: "u".into(),
                password: None
            }
        ));
        assert_eq!(req, before);
    }

    #[test]
    fn enum_values_are_collected_once_each() {
        let a = Item::structure(
            BATCH_ITEM,
            vec![
                Item::new(OPERATION, Value::Enumeration(0x8000_0001)),
                Item::new(OPERATION, Value::Enumeration(0x8000_0001)),
            ],
        );
        assert_eq!(enum_values_named(&[&a], OPERATION), vec!["0x80000001"]);
    }

    #[test]
    fn loose_matching() {
        assert_eq!(loose("Get Attributes"), loose("GetAttributes"));
        assert_eq!(loose("SHA-256"), loose("SHA_256"));
    }
}
