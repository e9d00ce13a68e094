//! Authentication and access control (`serve --access-control`,
//! `--users`), through the message layer with two client identities (what
//! net.rs passes from the TLS peer certificate):
//! - another identity's Get / Destroy → Permission Denied (2.1 §11.46
//!   Table 478), and its Locate does not return the object;
//! - with access control off, the same requests succeed (control);
//! - a wrong password → Authentication Not Successful, a right one makes
//!   the user the owner;
//! - the owner survives a restart of the redb store;
//! - Login / Logout tickets (Request Count, Lease Time), Delegated Login
//!   Rights, Device credentials;
//! - asynchronous requests are owned (Poll / Cancel / Query Asynchronous
//!   Requests of another identity) and, with the redb store (`--data-dir`)
//!   and a deferred Create (`--async-ops create`), a restart keeps both the
//!   request and its owner: the owner's Poll completes it.

mod tagged;
use kmip_reference_server::access::AccessPolicy;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_reference_server::store::RedbStore;
use kmip_ttlv::{Item, Value};
use tagged::*;

/// A Username and Password credential.
fn password(user: &str, password: &str) -> Item {
    credential(1, vec![txt(t::USERNAME, user), txt(t::PASSWORD, password)])
}

/// `Authentication` with one credential of type `ty`.
fn credential(ty: u32, value: Vec<Item>) -> Item {
    st(
        t::AUTHENTICATION,
        vec![st(
            t::CREDENTIAL,
            vec![en(t::CREDENTIAL_TYPE, ty), st(t::CREDENTIAL_VALUE, value)],
        )],
    )
}

/// A Ticket credential (2.1 Table 416) carrying `ticket` (a Ticket
/// structure as Login returns it).
fn ticket_credential(ticket: &Item) -> Item {
    credential(6, vec![ticket.clone()])
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
    let auth = login.map(|(u, p)| password(u, p));
    call_with(s, identity, auth, vec![], o, payload).map_err(|(_, r)| r)
}

/// A KMIP 2.1 request with one batch item, `auth` (an Authentication
/// structure) and `extra` header fields; Ok(payload) on Success, else
/// (Result Status, Result Reason).
fn call_with(
    s: &Server,
    identity: Option<&str>,
    auth: Option<Item>,
    extra: Vec<Item>,
    o: u32,
    payload: Vec<Item>,
) -> Result<Item, (u32, u32)> {
    let bi = exchange(s, identity, auth, extra, o, payload);
    let e = |tag| match bi.child(tag).map(|i| &i.value) {
        Some(Value::Enumeration(v)) => Some(*v),
        _ => None,
    };
    match e(t::RESULT_STATUS) {
        Some(rs::SUCCESS) => Ok(bi
            .child(t::RESPONSE_PAYLOAD)
            .cloned()
            .unwrap_or_else(|| st(t::RESPONSE_PAYLOAD, vec![]))),
        status => Err((
            status.expect("result status"),
            e(t::RESULT_REASON).unwrap_or(0),
        )),
    }
}

/// One request, its response Batch Item.
fn exchange(
    s: &Server,
    identity: Option<&str>,
    auth: Option<Item>,
    extra: Vec<Item>,
    o: u32,
    payload: Vec<Item>,
) -> Item {
    exchange_v(s, (2, 1), identity, auth, extra, o, payload)
}

/// [`exchange`] in protocol version `v`.
fn exchange_v(
    s: &Server,
    v: (i32, i32),
    identity: Option<&str>,
    auth: Option<Item>,
    extra: Vec<Item>,
    o: u32,
    payload: Vec<Item>,
) -> Item {
    let mut header = vec![st(
        t::PROTOCOL_VERSION,
        vec![
            int(t::PROTOCOL_VERSION_MAJOR, v.0),
            int(t::PROTOCOL_VERSION_MINOR, v.1),
        ],
    )];
    header.extend(auth);
    header.extend(extra);
    header.push(int(t::BATCH_COUNT, 1));
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
    resp.child(t::BATCH_ITEM).expect("batch item").clone()
}

/// A Create payload: an AES-128 key named `name`.
fn key_payload(name: &str) -> Vec<Item> {
    vec![
        en(t::OBJECT_TYPE, 2),
        st(
            t::ATTRIBUTES,
            vec![
                en(t::CRYPTOGRAPHIC_ALGORITHM, 3),
                int(t::CRYPTOGRAPHIC_LENGTH, 128),
                int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                st(t::NAME, vec![txt(t::NAME_VALUE, name), en(t::NAME_TYPE, 1)]),
            ],
        ),
    ]
}

fn uid_of(p: &Item) -> String {
    p.child(t::UNIQUE_IDENTIFIER)
        .and_then(|u| u.value.as_text())
        .expect("uid")
        .to_string()
}

fn create(s: &Server, identity: Option<&str>, login: Option<(&str, &str)>, name: &str) -> String {
    let p = call(s, identity, login, op::CREATE, key_payload(name)).expect("Create");
    uid_of(&p)
}

fn uid(u: &str) -> Item {
    txt(t::UNIQUE_IDENTIFIER, u)
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
                vec![txt(t::NAME_VALUE, name), en(t::NAME_TYPE, 1)],
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
        ..AccessPolicy::default()
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
        devices: None,
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

fn users(list: &[(&str, &str)]) -> AccessPolicy {
    AccessPolicy {
        access_control: true,
        users: Some(
            list.iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
        ),
        devices: None,
    }
}

/// Login with `auth`; the Ticket structure returned.
fn login(s: &Server, identity: Option<&str>, auth: Option<Item>, terms: Vec<Item>) -> Item {
    let p = call_with(s, identity, auth, vec![], op::LOGIN, terms).expect("Login");
    let ticket = p.child(t::TICKET).expect("Ticket").clone();
    assert_eq!(
        ticket.child(t::TICKET_TYPE).map(|i| &i.value),
        Some(&Value::Enumeration(1)),
        "Ticket Type Login"
    );
    match ticket.child(t::TICKET_VALUE).map(|i| &i.value) {
        Some(Value::ByteString(b)) => assert!(b.len() >= 16, "ticket value too short"),
        other => panic!("Ticket Value: {other:?}"),
    }
    ticket
}

#[test]
fn a_login_ticket_authenticates_until_logout() {
    let s = Server::in_memory().with_access(users(&[("alice", "s3cret")]));
    let ticket = login(&s, A, Some(password("alice", "s3cret")), vec![]);
    // the ticket acts as alice from any connection
    let created = call_with(
        &s,
        B,
        Some(ticket_credential(&ticket)),
        vec![],
        op::CREATE,
        key_payload("ac-ticket"),
    )
    .expect("Create with the ticket");
    let key = uid_of(&created);
    assert!(call(&s, B, Some(("alice", "s3cret")), op::GET, vec![uid(&key)]).is_ok());
    assert_eq!(get(&s, B, &key).map(|_| ()), Err(rr::PERMISSION_DENIED));
    // a wrong password gets no ticket
    assert_eq!(
        call_with(
            &s,
            A,
            Some(password("alice", "x")),
            vec![],
            op::LOGIN,
            vec![]
        )
        .map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::AUTHENTICATION_NOT_SUCCESSFUL))
    );
    // another identity may not log alice's ticket out
    assert_eq!(
        call_with(&s, B, None, vec![], op::LOGOUT, vec![ticket.clone()]).map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::PERMISSION_DENIED))
    );
    call_with(
        &s,
        A,
        Some(ticket_credential(&ticket)),
        vec![],
        op::LOGOUT,
        vec![ticket.clone()],
    )
    .expect("Logout");
    assert_eq!(
        call_with(
            &s,
            A,
            Some(ticket_credential(&ticket)),
            vec![],
            op::GET,
            vec![uid(&key)]
        )
        .map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::INVALID_TICKET)),
        "a logged-out ticket is refused"
    );
    assert_eq!(
        call_with(
            &s,
            A,
            Some(password("alice", "s3cret")),
            vec![],
            op::LOGOUT,
            vec![ticket]
        )
        .map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::INVALID_TICKET)),
        "Logout twice"
    );
}

#[test]
fn request_count_and_lease_time_end_a_ticket() {
    let s = Server::in_memory().with_access(enforcing());
    let once = login(&s, A, None, vec![int(t::REQUEST_COUNT, 1)]);
    let query = |ticket: &Item| {
        call_with(
            &s,
            B,
            Some(ticket_credential(ticket)),
            vec![],
            op::QUERY,
            vec![en(t::QUERY_FUNCTION, 1)],
        )
        .map(|_| ())
    };
    assert_eq!(query(&once), Ok(()));
    assert_eq!(
        query(&once),
        Err((rs::OPERATION_FAILED, rr::INVALID_TICKET))
    );
    let short = login(
        &s,
        A,
        None,
        vec![Item::new(t::LEASE_TIME, Value::Interval(1))],
    );
    assert_eq!(query(&short), Ok(()));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(
        query(&short),
        Err((rs::OPERATION_FAILED, rr::INVALID_TICKET))
    );
    // no identity, no ticket
    assert_eq!(
        call_with(&s, None, None, vec![], op::LOGIN, vec![]).map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::PERMISSION_DENIED))
    );
}

#[test]
fn a_delegated_ticket_allows_only_its_rights() {
    let s = Server::in_memory().with_access(enforcing());
    let k1 = create(&s, A, None, "ac-deleg-1");
    let k2 = create(&s, A, None, "ac-deleg-2");
    let rights = st(
        t::RIGHTS,
        vec![st(
            t::RIGHT,
            vec![
                st(t::OPERATIONS, vec![en(t::OPERATION, op::GET)]),
                st(t::OBJECTS, vec![uid(&k1)]),
            ],
        )],
    );
    let p =
        call_with(&s, A, None, vec![], op::DELEGATED_LOGIN, vec![rights]).expect("Delegated Login");
    let ticket = p.child(t::TICKET).expect("Ticket").clone();
    let as_holder = |o, payload| {
        call_with(&s, B, Some(ticket_credential(&ticket)), vec![], o, payload).map(|_| ())
    };
    assert_eq!(as_holder(op::GET, vec![uid(&k1)]), Ok(()));
    let denied = Err((rs::OPERATION_FAILED, rr::PERMISSION_DENIED));
    assert_eq!(as_holder(op::GET, vec![uid(&k2)]), denied);
    assert_eq!(as_holder(op::DESTROY, vec![uid(&k1)]), denied);
    assert_eq!(as_holder(op::DELEGATED_LOGIN, vec![]), denied);
    // the delegator's own access is unchanged; B alone has none
    assert!(get(&s, A, &k2).is_ok());
    assert_eq!(get(&s, B, &k1).map(|_| ()), Err(rr::PERMISSION_DENIED));
    // Rights are required
    assert_eq!(
        call_with(&s, A, None, vec![], op::DELEGATED_LOGIN, vec![]).map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::INVALID_FIELD))
    );
}

#[test]
fn device_credentials_identify_and_own() {
    use kmip_reference_server::access::Device;
    let s = Server::in_memory().with_access(AccessPolicy {
        access_control: true,
        users: None,
        devices: Some(vec![
            Device {
                name: "hsm1".into(),
                serial: Some("SN-1".into()),
                password: Some("pw1".into()),
                ..Device::default()
            },
            Device {
                name: "hsm2".into(),
                serial: Some("SN-2".into()),
                ..Device::default()
            },
        ]),
    });
    let device = |serial: &str, pw: Option<&str>| {
        let mut v = vec![txt(t::DEVICE_SERIAL_NUMBER, serial)];
        v.extend(pw.map(|p| txt(t::PASSWORD, p)));
        Some(credential(2, v))
    };
    let key = uid_of(
        &call_with(
            &s,
            A,
            device("SN-1", Some("pw1")),
            vec![],
            op::CREATE,
            key_payload("ac-dev"),
        )
        .expect("Create as hsm1"),
    );
    assert!(call_with(
        &s,
        B,
        device("SN-1", Some("pw1")),
        vec![],
        op::GET,
        vec![uid(&key)]
    )
    .is_ok());
    assert_eq!(
        call_with(
            &s,
            A,
            device("SN-2", None),
            vec![],
            op::GET,
            vec![uid(&key)]
        )
        .map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::PERMISSION_DENIED)),
        "another device"
    );
    assert_eq!(
        call_with(
            &s,
            A,
            device("SN-1", Some("wrong")),
            vec![],
            op::GET,
            vec![uid(&key)]
        )
        .map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::AUTHENTICATION_NOT_SUCCESSFUL))
    );
    assert_eq!(
        call_with(
            &s,
            A,
            device("SN-9", None),
            vec![],
            op::GET,
            vec![uid(&key)]
        )
        .map(|_| ()),
        Err((rs::OPERATION_FAILED, rr::AUTHENTICATION_NOT_SUCCESSFUL))
    );
}

fn correlation(bi: &Item) -> Vec<u8> {
    match bi
        .child(t::ASYNCHRONOUS_CORRELATION_VALUE)
        .map(|i| &i.value)
    {
        Some(Value::ByteString(b)) => b.clone(),
        other => panic!("no correlation value: {other:?} in {bi:?}"),
    }
}

fn pending_ids(s: &Server, identity: Option<&str>) -> Vec<Vec<u8>> {
    let p = call(s, identity, None, op::QUERY_ASYNCHRONOUS_REQUESTS, vec![])
        .expect("Query Asynchronous Requests");
    p.children()
        .iter()
        .filter(|i| i.tag == t::ASYNCHRONOUS_REQUEST)
        .map(correlation)
        .collect()
}

/// What `serve --data-dir D --async-ops create --access-control` runs:
/// a redb store, Create deferred when the request allows it.
fn durable_async_server(dir: &std::path::Path) -> Server {
    use kmip_reference_server::asynchronous::AsyncPolicy;
    Server::new(Box::new(RedbStore::open(dir).expect("open")))
        .with_access(enforcing())
        .with_async_policy(AsyncPolicy {
            ops: [op::CREATE].into_iter().collect(),
            delay: std::time::Duration::ZERO,
        })
}

#[test]
fn async_requests_are_owned_and_survive_a_restart() {
    use kmip_reference_server::spec::enums::asynchronous_indicator as ai;
    let dir = std::env::temp_dir().join(format!("kh-access-async-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let optional = || vec![en(t::ASYNCHRONOUS_INDICATOR, ai::OPTIONAL)];
    let (corr, owned) = {
        let s = durable_async_server(&dir);
        let owned = create(&s, A, None, "ac-async-owned");
        let bi = exchange(&s, A, None, optional(), op::CREATE, key_payload("ac-async"));
        assert_eq!(
            bi.child(t::RESULT_STATUS).map(|i| &i.value),
            Some(&Value::Enumeration(rs::OPERATION_PENDING))
        );
        let corr = correlation(&bi);
        let corr_item = || {
            vec![Item::new(
                t::ASYNCHRONOUS_CORRELATION_VALUE,
                Value::ByteString(corr.clone()),
            )]
        };
        // B may not poll, cancel or see A's request
        assert_eq!(
            call(&s, B, None, op::POLL, corr_item()).map(|_| ()),
            Err(rr::PERMISSION_DENIED)
        );
        assert_eq!(
            call(&s, B, None, op::CANCEL, corr_item()).map(|_| ()),
            Err(rr::PERMISSION_DENIED)
        );
        assert!(pending_ids(&s, B).is_empty());
        assert_eq!(pending_ids(&s, A), vec![corr.clone()]);
        (corr, owned)
    };
    // restart
    let s = durable_async_server(&dir);
    let corr_item = vec![Item::new(
        t::ASYNCHRONOUS_CORRELATION_VALUE,
        Value::ByteString(corr.clone()),
    )];
    assert_eq!(
        call(&s, B, None, op::POLL, corr_item.clone()).map(|_| ()),
        Err(rr::PERMISSION_DENIED),
        "ownership of the request survives the restart"
    );
    assert_eq!(pending_ids(&s, A), vec![corr]);
    let done = call(&s, A, None, op::POLL, corr_item).expect("the owner's Poll completes");
    let key = uid_of(&done);
    assert!(get(&s, A, &key).is_ok(), "the deferred Create's key is A's");
    assert_eq!(get(&s, B, &key).map(|_| ()), Err(rr::PERMISSION_DENIED));
    assert!(get(&s, A, &owned).is_ok());
    assert_eq!(get(&s, B, &owned).map(|_| ()), Err(rr::PERMISSION_DENIED));
    assert!(locate(&s, B, "ac-async").is_empty());
    assert_eq!(locate(&s, A, "ac-async"), vec![key]);
    drop(s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A KMIP 3.0 request as `who` (Username and Password); Ok(payload) or
/// Err(Result Reason).
fn call30(s: &Server, who: (&str, &str), o: u32, payload: Vec<Item>) -> Result<Item, u32> {
    let bi = exchange_v(
        s,
        (3, 0),
        A,
        Some(password(who.0, who.1)),
        vec![],
        o,
        payload,
    );
    match bi.child(t::RESULT_STATUS).map(|i| &i.value) {
        Some(Value::Enumeration(rs::SUCCESS)) => Ok(bi
            .child(t::RESPONSE_PAYLOAD)
            .cloned()
            .unwrap_or_else(|| st(t::RESPONSE_PAYLOAD, vec![]))),
        _ => match bi.child(t::RESULT_REASON).map(|i| &i.value) {
            Some(Value::Enumeration(r)) => Err(*r),
            other => panic!("no result reason: {other:?}"),
        },
    }
}

#[test]
fn kmip_3_users_authenticate_and_group_members_share_objects() {
    let s = Server::in_memory().with_access(users(&[("admin", "admin-pw")]));
    let admin = ("admin", "admin-pw");
    let credential = |pw: &str| {
        uid_of(
            &call30(
                &s,
                admin,
                op::CREATE_CREDENTIAL,
                vec![
                    en(t::CREDENTIAL_TYPE, 7),
                    st(t::ATTRIBUTES, vec![]),
                    st(t::PASSWORD_CREDENTIAL, vec![txt(t::PASSWORD, pw)]),
                ],
            )
            .expect("Create Credential"),
        )
    };
    let group = uid_of(
        &call30(
            &s,
            admin,
            op::CREATE_GROUP,
            vec![st(t::ATTRIBUTES, vec![txt(t::NAME, "g1")])],
        )
        .expect("Create Group"),
    );
    let user = |name: &str, pw: &str, groups: Vec<Item>| {
        let mut attrs = vec![
            Item::new(t::CREDENTIAL_LINK, Value::Reference(credential(pw))),
            txt(t::NAME, name),
        ];
        attrs.extend(groups);
        call30(&s, admin, op::CREATE_USER, vec![st(t::ATTRIBUTES, attrs)]).expect("Create User");
    };
    // alice3 is in g1 by name, carol3 by the group's identifier, bob3 in none
    user(
        "alice3",
        "alice3-pw",
        vec![Item::new(t::GROUP_LINK, Value::NameReference("g1".into()))],
    );
    user(
        "carol3",
        "carol3-pw",
        vec![Item::new(t::GROUP_LINK, Value::Reference(group))],
    );
    user("bob3", "bob3-pw", vec![]);
    let mut key = key_payload("ac-group-key");
    if let Some(Value::Structure(attrs)) = key.get_mut(1).map(|a| &mut a.value) {
        attrs.retain(|a| a.tag != t::NAME);
        attrs.push(txt(t::NAME, "ac-group-key"));
        attrs.push(Item::new(t::GROUP_LINK, Value::NameReference("g1".into())));
    }
    let k = uid_of(&call30(&s, admin, op::CREATE, key).expect("Create with a Group Link"));
    let private = uid_of(
        &call30(&s, admin, op::CREATE, {
            let mut p = key_payload("ac-admin-only");
            if let Some(Value::Structure(attrs)) = p.get_mut(1).map(|a| &mut a.value) {
                attrs.retain(|a| a.tag != t::NAME);
            }
            p
        })
        .expect("Create"),
    );
    let get = |who, u: &str| call30(&s, who, op::GET, vec![uid(u)]).map(|_| ());
    assert_eq!(get(("alice3", "alice3-pw"), &k), Ok(()), "member by name");
    assert_eq!(
        get(("carol3", "carol3-pw"), &k),
        Ok(()),
        "member by identifier"
    );
    assert_eq!(get(("bob3", "bob3-pw"), &k), Err(rr::PERMISSION_DENIED));
    assert_eq!(
        get(("alice3", "alice3-pw"), &private),
        Err(rr::PERMISSION_DENIED)
    );
    assert_eq!(
        get(("alice3", "wrong"), &k),
        Err(rr::AUTHENTICATION_NOT_SUCCESSFUL)
    );
    let located = |who| {
        call30(
            &s,
            who,
            op::LOCATE,
            vec![st(t::ATTRIBUTES, vec![txt(t::NAME, "ac-group-key")])],
        )
        .expect("Locate")
        .children()
        .iter()
        .filter(|i| i.tag == t::UNIQUE_IDENTIFIER)
        .count()
    };
    assert_eq!(located(("alice3", "alice3-pw")), 1);
    assert_eq!(located(("bob3", "bob3-pw")), 0);
}
