//! Administration operations and PKCS#11 at the message layer (no
//! network): their server-wide changes follow the message (applied when
//! it commits, dropped with a failed item or an undone batch), and one
//! server's settings are not another's.

mod tagged;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_ttlv::{Item, Tag, Value};
use tagged::*;

/// A KMIP 2.1 request; `undo` sets Batch Error Continuation Option Undo.
fn message(items: Vec<(u32, Vec<Item>)>, undo: bool) -> Item {
    let mut header = vec![
        st(
            t::PROTOCOL_VERSION,
            vec![
                int(t::PROTOCOL_VERSION_MAJOR, 2),
                int(t::PROTOCOL_VERSION_MINOR, 1),
            ],
        ),
        int(t::BATCH_COUNT, i32::try_from(items.len()).expect("count")),
    ];
    if undo {
        header.push(en(t::BATCH_ERROR_CONTINUATION_OPTION, 3));
    }
    let mut children = vec![st(t::REQUEST_HEADER, header)];
    for (o, payload) in items {
        children.push(st(
            t::BATCH_ITEM,
            vec![en(t::OPERATION, o), st(t::REQUEST_PAYLOAD, payload)],
        ));
    }
    st(t::REQUEST_MESSAGE, children)
}

/// Status, reason and payload of every batch item.
fn items(resp: &Item) -> Vec<(u32, Option<u32>, Option<Item>)> {
    resp.children_with(t::BATCH_ITEM)
        .map(|bi| {
            let status = match bi.child(t::RESULT_STATUS).map(|i| &i.value) {
                Some(Value::Enumeration(x)) => *x,
                other => panic!("no Result Status: {other:?}"),
            };
            let reason = match bi.child(t::RESULT_REASON).map(|i| &i.value) {
                Some(Value::Enumeration(x)) => Some(*x),
                _ => None,
            };
            (status, reason, bi.child(t::RESPONSE_PAYLOAD).cloned())
        })
        .collect()
}

fn one(s: &Server, o: u32, payload: Vec<Item>) -> (u32, Option<u32>, Option<Item>) {
    items(&s.handle_message(&message(vec![(o, payload)], false)))
        .pop()
        .expect("one item")
}

fn aes_defaults(group: &str) -> Vec<Item> {
    vec![st(
        t::DEFAULTS_INFORMATION,
        vec![st(
            t::OBJECT_DEFAULTS,
            vec![
                en(t::OBJECT_TYPE, 0x02),
                st(
                    t::ATTRIBUTES,
                    vec![
                        en(t::CRYPTOGRAPHIC_ALGORITHM, 0x03),
                        int(t::CRYPTOGRAPHIC_LENGTH, 128),
                    ],
                ),
                st(t::OBJECT_GROUPS, vec![txt(t::OBJECT_GROUP, group)]),
            ],
        )],
    )]
}

fn query_defaults(s: &Server) -> Item {
    let (status, _, payload) = one(
        s,
        op::QUERY,
        vec![en(t::QUERY_FUNCTION, 0x0D)], // Query Defaults Information
    );
    assert_eq!(status, rs::SUCCESS);
    payload.expect("payload")
}

#[test]
fn set_defaults_is_undone_with_its_batch() {
    let s = Server::in_memory();
    // Set Defaults, then a Get of an unknown object fails: Undo.
    let resp = s.handle_message(&message(
        vec![
            (op::SET_DEFAULTS, aes_defaults("g")),
            (op::GET, vec![txt(t::UNIQUE_IDENTIFIER, "no-such-object")]),
        ],
        true,
    ));
    let r = items(&resp);
    assert_eq!(r[0].0, rs::OPERATION_UNDONE);
    assert_eq!(r[1].1, Some(rr::OBJECT_NOT_FOUND));
    assert!(query_defaults(&s).child(t::DEFAULTS_INFORMATION).is_none());
    // Alone it sticks, and another server does not see it.
    assert_eq!(one(&s, op::SET_DEFAULTS, aes_defaults("g")).0, rs::SUCCESS);
    assert!(query_defaults(&s).child(t::DEFAULTS_INFORMATION).is_some());
    let other = Server::in_memory();
    assert!(query_defaults(&other)
        .child(t::DEFAULTS_INFORMATION)
        .is_none());
}

#[test]
fn defaults_apply_within_the_same_batch() {
    let s = Server::in_memory();
    let create = vec![
        en(t::OBJECT_TYPE, 0x02),
        st(
            t::ATTRIBUTES,
            vec![
                int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x0C),
                txt(t::OBJECT_GROUP, "g"),
            ],
        ),
    ];
    let r = items(&s.handle_message(&message(
        vec![
            (op::SET_DEFAULTS, aes_defaults("g")),
            (op::CREATE, create.clone()),
        ],
        false,
    )));
    assert_eq!(r[1].0, rs::SUCCESS, "{r:?}");
    // Without defaults the same Create lacks its algorithm.
    let other = Server::in_memory();
    assert_eq!(one(&other, op::CREATE, create).0, rs::OPERATION_FAILED);
}

#[test]
fn pkcs11_session_in_one_batch_and_after_finalize() {
    let s = Server::in_memory();
    let (_, _, init) = one(
        &s,
        op::PKCS_11,
        vec![en(t::PKCS_11_FUNCTION, 0x01)], // C_Initialize
    );
    let init = init.expect("payload");
    let cv = init.child(t::CORRELATION_VALUE).cloned().expect("cv");
    let get_info = vec![en(t::PKCS_11_FUNCTION, 0x03), cv.clone()];
    let finalize = vec![en(t::PKCS_11_FUNCTION, 0x02), cv];
    // C_GetInfo, C_Finalize, then C_GetInfo again in one batch: the
    // session ends inside the batch.
    let r = items(&s.handle_message(&message(
        vec![
            (op::PKCS_11, get_info.clone()),
            (op::PKCS_11, finalize),
            (op::PKCS_11, get_info),
        ],
        false,
    )));
    let code = |p: &Option<Item>| match p
        .as_ref()
        .and_then(|p| p.child(t::PKCS_11_RETURN_CODE))
        .map(|i| &i.value)
    {
        Some(Value::Enumeration(c)) => *c,
        other => panic!("no return code: {other:?}"),
    };
    assert_eq!(code(&r[0].2), 0x00); // CKR_OK
    assert!(r[0]
        .2
        .as_ref()
        .and_then(|p| p.child(t::PKCS_11_OUTPUT_PARAMETERS))
        .is_some());
    assert_eq!(code(&r[1].2), 0x00);
    assert_eq!(code(&r[2].2), 0x190); // CKR_CRYPTOKI_NOT_INITIALIZED
}

fn ec_pair(group: &str, public_usage: Option<i32>) -> Vec<Item> {
    let mut public = vec![];
    if let Some(u) = public_usage {
        public.push(int(t::CRYPTOGRAPHIC_USAGE_MASK, u));
    }
    vec![
        st(
            t::COMMON_ATTRIBUTES,
            vec![
                en(t::CRYPTOGRAPHIC_ALGORITHM, 0x1A), // EC
                int(t::CRYPTOGRAPHIC_LENGTH, 256),
                st(
                    t::CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
                    vec![en(t::RECOMMENDED_CURVE, 0x07)], // P-256
                ),
                txt(t::OBJECT_GROUP, group),
            ],
        ),
        st(
            t::PRIVATE_KEY_ATTRIBUTES,
            vec![int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x01)], // Sign
        ),
        st(t::PUBLIC_KEY_ATTRIBUTES, public),
    ]
}

fn contact(s: &Server, payload: &Option<Item>, uid_tag: Tag) -> Option<String> {
    let uid = payload
        .as_ref()
        .and_then(|p| p.child(uid_tag))
        .and_then(|i| i.value.as_text())
        .expect("uid")
        .to_string();
    let (_, _, attrs) = one(
        s,
        op::GET_ATTRIBUTES,
        vec![
            txt(t::UNIQUE_IDENTIFIER, &uid),
            en(t::ATTRIBUTE_REFERENCE, t::CONTACT_INFORMATION.0),
        ],
    );
    attrs
        .and_then(|p| p.child(t::ATTRIBUTES).cloned())
        .and_then(|a| a.child(t::CONTACT_INFORMATION).cloned())
        .and_then(|c| c.value.as_text().map(str::to_string))
}

#[test]
fn key_pair_defaults_and_constraints_per_key() {
    let s = Server::in_memory();
    // Contact Information default for Public Keys of group "kp" only.
    let defaults = vec![st(
        t::DEFAULTS_INFORMATION,
        vec![st(
            t::OBJECT_DEFAULTS,
            vec![
                en(t::OBJECT_TYPE, 0x03), // Public Key
                st(
                    t::ATTRIBUTES,
                    vec![txt(t::CONTACT_INFORMATION, "public default")],
                ),
                st(t::OBJECT_GROUPS, vec![txt(t::OBJECT_GROUP, "kp")]),
            ],
        )],
    )];
    assert_eq!(one(&s, op::SET_DEFAULTS, defaults).0, rs::SUCCESS);
    let (status, _, pair) = one(&s, op::CREATE_KEY_PAIR, ec_pair("kp", Some(0x02)));
    assert_eq!(status, rs::SUCCESS);
    assert_eq!(
        contact(&s, &pair, t::PUBLIC_KEY_UNIQUE_IDENTIFIER).as_deref(),
        Some("public default")
    );
    assert_eq!(contact(&s, &pair, t::PRIVATE_KEY_UNIQUE_IDENTIFIER), None);
    // A Constraint on Public Keys of "kp": usage mask Verify.
    let constraint = vec![st(
        t::CONSTRAINTS,
        vec![st(
            t::CONSTRAINT,
            vec![
                st(t::OBJECT_TYPES, vec![en(t::OBJECT_TYPE, 0x03)]),
                st(t::OBJECT_GROUPS, vec![txt(t::OBJECT_GROUP, "kp")]),
                st(t::ATTRIBUTES, vec![int(t::CRYPTOGRAPHIC_USAGE_MASK, 0x02)]),
            ],
        )],
    )];
    assert_eq!(one(&s, op::SET_CONSTRAINTS, constraint).0, rs::SUCCESS);
    let (status, reason, _) = one(&s, op::CREATE_KEY_PAIR, ec_pair("kp", None));
    assert_eq!(
        (status, reason),
        (rs::OPERATION_FAILED, Some(rr::CONSTRAINT_VIOLATION))
    );
    assert_eq!(
        one(&s, op::CREATE_KEY_PAIR, ec_pair("kp", Some(0x02))).0,
        rs::SUCCESS
    );
    // Another group is not constrained.
    assert_eq!(
        one(&s, op::CREATE_KEY_PAIR, ec_pair("other", None)).0,
        rs::SUCCESS
    );
}

#[test]
fn register_checks_constraints() {
    let s = Server::in_memory();
    let constraint = vec![st(
        t::CONSTRAINTS,
        vec![st(
            t::CONSTRAINT,
            vec![
                st(t::OBJECT_TYPES, vec![en(t::OBJECT_TYPE, 0x07)]), // Secret Data
                st(t::ATTRIBUTES, vec![txt(t::CONTACT_INFORMATION, "ops")]),
            ],
        )],
    )];
    assert_eq!(one(&s, op::SET_CONSTRAINTS, constraint).0, rs::SUCCESS);
    let secret = |attrs: Vec<Item>| {
        vec![
            en(t::OBJECT_TYPE, 0x07),
            st(t::ATTRIBUTES, attrs),
            st(
                t::SECRET_DATA,
                vec![
                    en(t::SECRET_DATA_TYPE, 0x02), // Seed
                    st(
                        t::KEY_BLOCK,
                        vec![
                            en(t::KEY_FORMAT_TYPE, 0x02), // Opaque
                            st(
                                t::KEY_VALUE,
                                vec![Item::new(t::KEY_MATERIAL, Value::ByteString(vec![7; 16]))],
                            ),
                        ],
                    ),
                ],
            ),
        ]
    };
    let (status, reason, _) = one(&s, op::REGISTER, secret(vec![]));
    assert_eq!(
        (status, reason),
        (rs::OPERATION_FAILED, Some(rr::CONSTRAINT_VIOLATION))
    );
    let (status, reason, _) = one(
        &s,
        op::REGISTER,
        secret(vec![txt(t::CONTACT_INFORMATION, "ops")]),
    );
    assert_eq!((status, reason), (rs::SUCCESS, None));
}
