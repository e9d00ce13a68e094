//! Authentication and access control (`serve --access-control`,
//! `--users`), through the message layer with two client identities (what
//! net.rs passes from the TLS peer certificate):
//! - another identity's Get / Destroy → Permission Denied (2.1 §11.46
//!   Table 478), and its Locate does not return the object;
//! - with access control off, the same requests succeed (control);
//! - a wrong password → Authentication Not Successful, a right one makes
//!   the user the owner;
//! - the owner survives a restart of the redb store.

use kmip_reference_server::access::AccessPolicy;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_reference_server::store::RedbStore;
use kmip_ttlv::{Item, Tag, Value};

fn st(tag: Tag, c: Vec<Item>) -> Item {
    Item::structure(tag, c)
}
fn en(tag: Tag, v: u32) -> Item {
    Item::new(tag, Value::Enumeration(v))
}
fn int(tag: Tag, v: i32) -> Item {
    Item::new(tag, Value::Integer(v))
}
fn text(tag: Tag, v: &str) -> Item {
    Item::new(tag, Value::TextString(v.into()))
}

/// A KMIP 2.1 request with one batch item, optionally with a Username and
/// Password credential; sent as `identity` (the TLS peer's name).
fn call(
    s: &Server,
    identity: Option<&str>,
    login: Option<(&str, &str)>,
    o: u32,
    payload: Vec<Item>,
) -> Result<Item, u32> {
    let mut header = vec![
        st(
            t::PROTOCOL_VERSION,
            vec![
                int(t::PROTOCOL_VERSION_MAJOR, 2),
                int(t::PROTOCOL_VERSION_MINOR, 1),
            ],
        ),
        int(t::BATCH_COUNT, 1),
    ];
    if let Some((user, password)) = login {
        header.insert(
            1,
            st(
                t::AUTHENTICATION,
                vec![st(
                    t::CREDENTIAL,
                    vec![
                        en(t::CREDENTIAL_TYPE, 1),
                        st(
                            t::CREDENTIAL_VALUE,
                            vec![text(t::USERNAME, user), text(t::PASSWORD, password)],
                        ),
                    ],
                )],
            ),
        );
    }
    let msg = st(
        t::REQUEST_MESSAGE,
        vec![
            st(t::REQUEST_HEADER, header),
            st(
                t::BATCH_ITEM,
                vec![en(t::OPERATION, o), st(t::REQUEST_PAYLOAD, payload)],
            ),
        ],
    );
    let resp = s.handle_message_from(&msg, identity);
    let bi = resp.child(t::BATCH_ITEM).expect("batch item");
    let e = |tag| match bi.child(tag).map(|i| &i.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    };
    if e(t::RESULT_STATUS) == Some(rs::SUCCESS) {
        Ok(bi
            .child(t::RESPONSE_PAYLOAD)
            .cloned()
            .unwrap_or_else(|| st(t::RESPONSE_PAYLOAD, vec![])))
    } else {
        Err(e(t::RESULT_REASON).expect("reason"))
    }
}

fn create(s: &Server, identity: Option<&str>, login: Option<(&str, &str)>, name: &str) -> String {
    let p = call(
        s,
        identity,
        login,
        op::CREATE,
        vec![
            en(t::OBJECT_TYPE, 2),
            st(
                t::ATTRIBUTES,
                vec![
                    en(t::CRYPTOGRAPHIC_ALGORITHM, 3),
                    int(t::CRYPTOGRAPHIC_LENGTH, 128),
                    int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                    st(
                        t::NAME,
                        vec![text(t::NAME_VALUE, name), en(t::NAME_TYPE, 1)],
                    ),
                ],
            ),
        ],
    )
    .expect("Create");
    p.child(t::UNIQUE_IDENTIFIER)
        .and_then(|u| u.value.as_text())
        .expect("uid")
        .to_string()
}

fn uid(u: &str) -> Item {
    text(t::UNIQUE_IDENTIFIER, u)
}

fn get(s: &Server, identity: Option<&str>, u: &str) -> Result<Item, u32> {
    call(s, identity, None, op::GET, vec![uid(u)])
}

/// Identifiers a Locate by Name returns to `identity`.
fn locate(s: &Server, identity: Option<&str>, name: &str) -> Vec<String> {
    let p = call(
        s,
        identity,
        None,
        op::LOCATE,
        vec![st(
            t::ATTRIBUTES,
            vec![st(
                t::NAME,
                vec![text(t::NAME_VALUE, name), en(t::NAME_TYPE, 1)],
            )],
        )],
    )
    .expect("Locate");
    p.children()
        .iter()
        .filter(|i| i.tag == t::UNIQUE_IDENTIFIER)
        .filter_map(|i| i.value.as_text().map(str::to_string))
        .collect()
}

const A: Option<&str> = Some("cert:CN=client-a");
const B: Option<&str> = Some("cert:CN=client-b");

fn enforcing() -> AccessPolicy {
    AccessPolicy {
        access_control: true,
        users: None,
    }
}

#[test]
fn another_identity_cannot_see_or_destroy_an_object() {
    let s = Server::in_memory().with_access(enforcing());
    let key = create(&s, A, None, "ac-key-a");
    assert!(get(&s, A, &key).is_ok(), "the owner reads its key");
    assert_eq!(get(&s, B, &key).map(|_| ()), Err(rr::PERMISSION_DENIED));
    assert_eq!(
        call(&s, B, None, op::DESTROY, vec![uid(&key)]).map(|_| ()),
        Err(rr::PERMISSION_DENIED)
    );
    assert_eq!(locate(&s, A, "ac-key-a"), vec![key.clone()]);
    assert!(
        locate(&s, B, "ac-key-a").is_empty(),
        "Locate must not return another identity's object"
    );
    // The owner's key is still there after B's attempts.
    assert!(get(&s, A, &key).is_ok());
}

#[test]
fn without_access_control_every_identity_sees_the_object() {
    let s = Server::in_memory();
    let key = create(&s, A, None, "ac-open");
    assert!(get(&s, B, &key).is_ok());
    assert_eq!(locate(&s, B, "ac-open"), vec![key]);
}

#[test]
fn a_wrong_password_is_refused_and_a_right_one_owns_the_object() {
    let mut users = std::collections::BTreeMap::new();
    users.insert("alice".to_string(), "s3cret".to_string());
    let s = Server::in_memory().with_access(AccessPolicy {
        access_control: true,
        users: Some(users),
    });
    let refused = call(
        &s,
        A,
        Some(("alice", "wrong")),
        op::QUERY,
        vec![en(t::QUERY_FUNCTION, 1)],
    );
    assert_eq!(refused.map(|_| ()), Err(rr::AUTHENTICATION_NOT_SUCCESSFUL));
    let unknown = call(
        &s,
        A,
        Some(("mallory", "s3cret")),
        op::QUERY,
        vec![en(t::QUERY_FUNCTION, 1)],
    );
    assert_eq!(unknown.map(|_| ()), Err(rr::AUTHENTICATION_NOT_SUCCESSFUL));
    // Alice creates over connection A; the owner is the user, so the
    // certificate identity A alone (no credential) may not read it.
    let key = create(&s, A, Some(("alice", "s3cret")), "ac-alice");
    assert!(call(&s, B, Some(("alice", "s3cret")), op::GET, vec![uid(&key)]).is_ok());
    assert_eq!(get(&s, A, &key).map(|_| ()), Err(rr::PERMISSION_DENIED));
}

#[test]
fn the_owner_survives_a_restart_of_the_redb_store() {
    let dir = std::env::temp_dir().join(format!("kh-access-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let key = {
        let s =
            Server::new(Box::new(RedbStore::open(&dir).expect("open"))).with_access(enforcing());
        create(&s, A, None, "ac-durable")
    };
    let s = Server::new(Box::new(RedbStore::open(&dir).expect("reopen"))).with_access(enforcing());
    assert!(get(&s, A, &key).is_ok(), "the owner still reads its key");
    assert_eq!(get(&s, B, &key).map(|_| ()), Err(rr::PERMISSION_DENIED));
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}
