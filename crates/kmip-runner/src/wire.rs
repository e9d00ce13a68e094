//! Small pure helpers over request trees (credentials injection, which
//! operations and algorithms a test case uses), and the KMIP constants the
//! runner's plumbing names: re-exports of the constants `kmip_ttlv`
//! generates from the spec tables (no value written by hand here).

use kmip_ttlv::{Item, Tag, Value};

pub use kmip_ttlv::enums::{credential_type, operation, result_status, revocation_reason_code};
pub use kmip_ttlv::tags::*;

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
                        Value::Enumeration(credential_type::USERNAME_AND_PASSWORD),
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
        Item::structure(
            kmip_ttlv::tags::REQUEST_MESSAGE,
            vec![Item::structure(REQUEST_HEADER, fields)],
        )
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
        let mut req = Item::structure(kmip_ttlv::tags::REQUEST_MESSAGE, vec![]);
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
