//! Concurrency of the protocol core (issue 12): many threads call
//! `Server::handle_message` at once, on the in-memory and on the redb store.
//!
//! - 64 clients each change their own object while 8 clients change one
//!   shared object: no update is lost on either;
//! - 8 clients race to Activate one object: exactly one wins, every round;
//! - 8 clients race to Create objects with the same Name: exactly one wins;
//! - Undo batches that fail leave nothing behind (no created object, no
//!   attribute) while other clients keep writing the object they touched;
//!   Stop batches keep exactly the items before the failure;
//! - a long key-pair generation does not hold up other clients;
//! - a message that keeps conflicting runs alone once and commits.

mod tagged;
use kmip_reference_server::server::Server;
use kmip_reference_server::spec::enums::{
    batch_error_continuation as bec, operation as op, result_reason as rr, result_status as rs,
};
use kmip_reference_server::spec::tags as t;
use kmip_reference_server::store::{MemoryStore, RecordBytes, RedbStore, Store, VersionedRecord};
use kmip_ttlv::{Item, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use tagged::*;

fn attr(name: &str, value: Item) -> Item {
    st(t::ATTRIBUTE, vec![txt(t::ATTRIBUTE_NAME, name), value])
}
fn text_attr(name: &str, value: &str) -> Item {
    attr(name, txt(t::ATTRIBUTE_VALUE, value))
}

/// A KMIP 1.4 request message (`continuation`: Batch Error Continuation
/// Option, when given).
fn message(continuation: Option<u32>, items: Vec<(u32, Vec<Item>)>) -> Item {
    let mut header = vec![
        st(
            t::PROTOCOL_VERSION,
            vec![
                int(t::PROTOCOL_VERSION_MAJOR, 1),
                int(t::PROTOCOL_VERSION_MINOR, 4),
            ],
        ),
        int(t::BATCH_COUNT, i32::try_from(items.len()).expect("count")),
    ];
    if let Some(c) = continuation {
        header.push(en(t::BATCH_ERROR_CONTINUATION_OPTION, c));
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

/// Per batch item: (Result Status, Result Reason, Response Payload).
fn outcomes(resp: &Item) -> Vec<(u32, Option<u32>, Option<Item>)> {
    resp.children()
        .iter()
        .filter(|c| c.tag == t::BATCH_ITEM)
        .map(|bi| {
            let e = |tag| match bi.child(tag).map(|i| &i.value) {
                Some(Value::Enumeration(v)) => Some(*v),
                _ => None,
            };
            (
                e(t::RESULT_STATUS).expect("Result Status"),
                e(t::RESULT_REASON),
                bi.child(t::RESPONSE_PAYLOAD).cloned(),
            )
        })
        .collect()
}

/// One operation; Ok(payload) or Err(reason).
fn call(s: &Server, o: u32, payload: Vec<Item>) -> Result<Item, u32> {
    let resp = s.handle_message(&message(None, vec![(o, payload)]));
    let mut all = outcomes(&resp);
    assert_eq!(all.len(), 1, "one batch item in the response");
    let (status, reason, payload) = all.remove(0);
    if status == rs::SUCCESS {
        Ok(payload.expect("payload"))
    } else {
        Err(reason.expect("failure with a reason"))
    }
}

fn uid_of(payload: &Item) -> String {
    match payload.child(t::UNIQUE_IDENTIFIER).map(|i| &i.value) {
        Some(Value::TextString(s)) => s.clone(),
        other => panic!("no Unique Identifier: {other:?}"),
    }
}

fn aes_template(extra: Vec<Item>) -> Vec<Item> {
    let mut attrs = vec![
        attr("Cryptographic Algorithm", en(t::ATTRIBUTE_VALUE, 3)),
        attr("Cryptographic Length", int(t::ATTRIBUTE_VALUE, 256)),
        attr("Cryptographic Usage Mask", int(t::ATTRIBUTE_VALUE, 0x0C)),
    ];
    attrs.extend(extra);
    vec![en(t::OBJECT_TYPE, 2), st(t::TEMPLATE_ATTRIBUTE, attrs)]
}

fn create(s: &Server) -> String {
    uid_of(&call(s, op::CREATE, aes_template(Vec::new())).expect("Create"))
}

fn uid(u: &str) -> Item {
    txt(t::UNIQUE_IDENTIFIER, u)
}

fn add(u: &str, name: &str, value: &str) -> (u32, Vec<Item>) {
    (op::ADD_ATTRIBUTE, vec![uid(u), text_attr(name, value)])
}

/// Every value of the custom text attribute `name` on object `u`.
fn values(s: &Server, u: &str, name: &str) -> Vec<String> {
    let p = call(
        s,
        op::GET_ATTRIBUTES,
        vec![uid(u), txt(t::ATTRIBUTE_NAME, name)],
    )
    .expect("Get Attributes");
    p.children()
        .iter()
        .filter(|c| c.tag == t::ATTRIBUTE)
        .map(|a| match a.child(t::ATTRIBUTE_VALUE).map(|v| &v.value) {
            Some(Value::TextString(s)) => s.clone(),
            other => panic!("not a text value: {other:?}"),
        })
        .collect()
}

fn set(v: Vec<String>) -> BTreeSet<String> {
    v.into_iter().collect()
}

/// A server per store kind; the redb one in a scratch directory removed on
/// drop.
struct Fixture {
    server: Server,
    dir: Option<PathBuf>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

fn fixture(durable: bool, name: &str) -> Fixture {
    if durable {
        let dir = std::env::temp_dir().join(format!(
            "kmip-concurrency-{name}-{}-{}",
            std::process::id(),
            kmip_reference_server::store::new_uid()
        ));
        let store: Box<dyn Store> = Box::new(RedbStore::open(&dir).expect("open redb"));
        Fixture {
            server: Server::new(store),
            dir: Some(dir),
        }
    } else {
        Fixture {
            server: Server::new(Box::new(MemoryStore::new())),
            dir: None,
        }
    }
}

/// 64 clients on their own objects + 8 on one shared object, all at once.
fn no_lost_update(durable: bool) {
    let fx = fixture(durable, "lost-update");
    let s = &fx.server;
    // every durable commit waits for the disk: fewer rounds there
    let rounds = if durable { 4 } else { 20 };
    let shared = create(s);
    let start = Barrier::new(64 + 8);
    let own: Vec<(String, usize)> = std::thread::scope(|sc| {
        let mut owners = Vec::new();
        for c in 0..64usize {
            let start = &start;
            owners.push(sc.spawn(move || {
                let mine = create(s);
                start.wait();
                for r in 0..rounds {
                    let (o, p) = add(&mine, "x-own", &format!("{c}-{r}"));
                    call(s, o, p).expect("Add Attribute on own object");
                }
                (mine, c)
            }));
        }
        for c in 0..8usize {
            let start = &start;
            let shared = &shared;
            sc.spawn(move || {
                start.wait();
                for r in 0..rounds {
                    let (o, p) = add(shared, "x-shared", &format!("{c}-{r}"));
                    call(s, o, p).expect("Add Attribute on the shared object");
                }
            });
        }
        owners
            .into_iter()
            .map(|h| h.join().expect("client thread"))
            .collect()
    });
    for (mine, c) in &own {
        let want: BTreeSet<String> = (0..rounds).map(|r| format!("{c}-{r}")).collect();
        let got = values(s, mine, "x-own");
        assert_eq!(got.len(), rounds, "object of client {c}: {got:?}");
        assert_eq!(set(got), want, "object of client {c}");
    }
    let want: BTreeSet<String> = (0..8)
        .flat_map(|c| (0..rounds).map(move |r| format!("{c}-{r}")))
        .collect();
    let got = values(s, &shared, "x-shared");
    assert_eq!(got.len(), 8 * rounds, "shared object lost an update");
    assert_eq!(set(got), want);
}

#[test]
fn no_lost_update_memory() {
    no_lost_update(false);
}

#[test]
fn no_lost_update_redb() {
    no_lost_update(true);
}

/// 8 clients Activate the same Pre-Active object: one Success, seven
/// Permission Denied (1.4: wrong state), every round.
#[test]
fn activate_race_has_exactly_one_winner() {
    let fx = fixture(false, "activate");
    let s = &fx.server;
    for round in 0..30 {
        let target = create(s);
        let start = Barrier::new(8);
        let results: Vec<Result<Item, u32>> = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..8)
                .map(|_| {
                    let (start, target) = (&start, &target);
                    sc.spawn(move || {
                        start.wait();
                        call(s, op::ACTIVATE, vec![uid(target)])
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {results:?}");
        assert!(
            results
                .iter()
                .all(|r| matches!(r, Ok(_) | Err(rr::PERMISSION_DENIED))),
            "round {round}: {results:?}"
        );
    }
}

/// 8 clients Create keys with one Name: exactly one succeeds (Name
/// uniqueness holds across concurrent messages), every round.
#[test]
fn same_name_race_has_exactly_one_winner() {
    let fx = fixture(false, "names");
    let s = &fx.server;
    for round in 0..20 {
        let name = format!("race-{round}");
        let start = Barrier::new(8);
        let results: Vec<Result<Item, u32>> = std::thread::scope(|sc| {
            let hs: Vec<_> = (0..8)
                .map(|_| {
                    let (start, name) = (&start, &name);
                    sc.spawn(move || {
                        let named = attr(
                            "Name",
                            st(
                                t::ATTRIBUTE_VALUE,
                                vec![txt(t::NAME_VALUE, name), en(t::NAME_TYPE, 1)],
                            ),
                        );
                        start.wait();
                        call(s, op::CREATE, aes_template(vec![named]))
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {results:?}");
    }
}

/// Undo batches that fail leave nothing behind and Stop batches keep
/// exactly the items before the failure, while 16 other clients keep
/// adding attributes to the object those batches touch.
fn batch_atomicity(durable: bool) {
    let fx = fixture(durable, "atomicity");
    let s = &fx.server;
    let rounds = if durable { 3 } else { 15 };
    let shared = create(s);
    let missing = "00000000-0000-7000-8000-000000000000";
    let start = Barrier::new(16 + 8);
    let undone: Vec<Vec<String>> = std::thread::scope(|sc| {
        for c in 0..16usize {
            let (start, shared) = (&start, &shared);
            sc.spawn(move || {
                start.wait();
                for r in 0..rounds {
                    let (o, p) = add(shared, "x-writer", &format!("{c}-{r}"));
                    call(s, o, p).expect("Add Attribute");
                }
            });
        }
        let mut undoers = Vec::new();
        for c in 0..4usize {
            let (start, shared) = (&start, &shared);
            undoers.push(sc.spawn(move || {
                start.wait();
                let mut created = Vec::new();
                for r in 0..rounds {
                    let req = message(
                        Some(bec::UNDO),
                        vec![
                            (op::CREATE, aes_template(Vec::new())),
                            // on the new key, through the ID Placeholder
                            (
                                op::ADD_ATTRIBUTE,
                                vec![text_attr("x-undo", &format!("{c}-{r}"))],
                            ),
                            add(shared, "x-undo", &format!("{c}-{r}")),
                            (op::GET, vec![uid(missing)]),
                        ],
                    );
                    let out = outcomes(&s.handle_message(&req));
                    assert_eq!(out.len(), 4, "every item answered");
                    for (st_, _, _) in &out[..3] {
                        assert_eq!(*st_, rs::OPERATION_UNDONE, "{out:?}");
                    }
                    assert_eq!(out[3].0, rs::OPERATION_FAILED);
                    created.push(uid_of(out[0].2.as_ref().expect("Create payload")));
                }
                created
            }));
        }
        for c in 0..4usize {
            let (start, shared) = (&start, &shared);
            sc.spawn(move || {
                start.wait();
                for r in 0..rounds {
                    let req = message(
                        Some(bec::STOP),
                        vec![
                            add(shared, "x-stop", &format!("{c}-{r}")),
                            (op::GET, vec![uid(missing)]),
                            add(shared, "x-never", &format!("{c}-{r}")),
                        ],
                    );
                    let out = outcomes(&s.handle_message(&req));
                    assert_eq!(out.len(), 2, "Stop ends the batch: {out:?}");
                    assert_eq!(out[0].0, rs::SUCCESS);
                    assert_eq!(out[1].0, rs::OPERATION_FAILED);
                }
            });
        }
        undoers
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for u in undone.iter().flatten() {
        assert_eq!(
            call(s, op::GET, vec![uid(u)]).err(),
            Some(rr::ITEM_NOT_FOUND),
            "the undone Create of {u} left an object"
        );
    }
    assert!(
        values(s, &shared, "x-undo").is_empty(),
        "undone change kept"
    );
    assert!(
        values(s, &shared, "x-never").is_empty(),
        "item after Stop ran"
    );
    assert_eq!(values(s, &shared, "x-stop").len(), 4 * rounds);
    assert_eq!(values(s, &shared, "x-writer").len(), 16 * rounds);
}

#[test]
fn batch_atomicity_memory() {
    batch_atomicity(false);
}

#[test]
fn batch_atomicity_redb() {
    batch_atomicity(true);
}

/// Key-pair generation runs outside any lock: while one client generates
/// an RSA key pair, another completes Create / Get rounds.
#[test]
fn key_generation_does_not_block_others() {
    let fx = fixture(false, "keygen");
    let s = &fx.server;
    let generating = AtomicBool::new(true);
    let started = Barrier::new(2);
    let overlapped = std::thread::scope(|sc| {
        sc.spawn(|| {
            started.wait();
            let payload = vec![
                st(
                    t::COMMON_TEMPLATE_ATTRIBUTE,
                    vec![
                        attr("Cryptographic Algorithm", en(t::ATTRIBUTE_VALUE, 4)),
                        attr("Cryptographic Length", int(t::ATTRIBUTE_VALUE, 2048)),
                    ],
                ),
                st(
                    t::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
                    vec![attr("Cryptographic Usage Mask", int(t::ATTRIBUTE_VALUE, 1))],
                ),
                st(
                    t::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
                    vec![attr("Cryptographic Usage Mask", int(t::ATTRIBUTE_VALUE, 2))],
                ),
            ];
            let r = call(s, op::CREATE_KEY_PAIR, payload);
            generating.store(false, Ordering::SeqCst);
            r.expect("Create Key Pair");
        });
        let other = sc.spawn(|| {
            started.wait();
            std::thread::sleep(std::time::Duration::from_millis(20));
            for _ in 0..5 {
                let u = create(s);
                call(s, op::GET, vec![uid(&u)]).expect("Get");
            }
            generating.load(Ordering::SeqCst)
        });
        other.join().expect("thread")
    });
    assert!(
        overlapped,
        "Create/Get waited for the key-pair generation (or it finished within 20 ms)"
    );
}

/// 8 clients send 4-item batches to one object: every item lands, the
/// commits did conflict (so the re-run path ran), and all finish.
#[test]
fn hot_object_under_contention_finishes() {
    let s = Arc::new(Server::new(Box::new(MemoryStore::new())));
    let shared = create(&s);
    let hs: Vec<_> = (0..8)
        .map(|c| {
            let s = s.clone();
            let shared = shared.clone();
            std::thread::spawn(move || {
                for r in 0..50 {
                    let batch: Vec<_> = (0..4)
                        .map(|k| add(&shared, "x-hot", &format!("{c}-{r}-{k}")))
                        .collect();
                    let out = outcomes(&s.handle_message(&message(None, batch)));
                    assert!(out.iter().all(|o| o.0 == rs::SUCCESS), "{out:?}");
                }
            })
        })
        .collect();
    for h in hs {
        h.join().expect("thread");
    }
    assert_eq!(values(&s, &shared, "x-hot").len(), 8 * 50 * 4);
    let (conflicts, alone) = s.contention();
    eprintln!("hot object: {conflicts} conflicts, {alone} runs alone");
    assert!(
        conflicts > 0,
        "8 writers of one object never overlapped: the optimistic path went untested"
    );
}

/// A store that refuses its first `refuse` writing commits as conflicts.
struct Contended {
    inner: MemoryStore,
    refuse: std::sync::atomic::AtomicU32,
}

impl Store for Contended {
    fn get(
        &self,
        uid: &str,
    ) -> Result<Option<kmip_reference_server::store::Versioned>, kmip_reference_server::StoreError>
    {
        self.inner.get(uid)
    }
    fn scan(
        &self,
    ) -> Result<kmip_reference_server::store::Snapshot, kmip_reference_server::StoreError> {
        self.inner.scan()
    }
    fn get_async(
        &self,
        id: &str,
    ) -> Result<Option<VersionedRecord>, kmip_reference_server::StoreError> {
        self.inner.get_async(id)
    }
    fn list_async(&self) -> Result<Vec<(String, RecordBytes)>, kmip_reference_server::StoreError> {
        self.inner.list_async()
    }
    fn commit(
        &self,
        reads: &kmip_reference_server::store::ReadSet,
        changes: &[kmip_reference_server::store::Change],
    ) -> Result<(), kmip_reference_server::store::CommitError> {
        let left = self.refuse.load(Ordering::SeqCst);
        if !changes.is_empty() && left > 0 {
            self.refuse.store(left - 1, Ordering::SeqCst);
            return Err(kmip_reference_server::store::CommitError::Conflict(
                "test".into(),
            ));
        }
        self.inner.commit(reads, changes)
    }
}

/// A message refused MAX_OPTIMISTIC_ATTEMPTS times runs once more alone and
/// succeeds; its earlier runs left nothing behind.
#[test]
fn starving_message_runs_alone_and_commits_once() {
    use kmip_reference_server::server::MAX_OPTIMISTIC_ATTEMPTS;
    let s = Server::new(Box::new(Contended {
        inner: MemoryStore::new(),
        refuse: std::sync::atomic::AtomicU32::new(MAX_OPTIMISTIC_ATTEMPTS),
    }));
    let u = create(&s);
    assert_eq!(
        s.contention(),
        (u64::from(MAX_OPTIMISTIC_ATTEMPTS), 1),
        "(conflicts, runs alone)"
    );
    let all = call(&s, op::LOCATE, Vec::new()).expect("Locate");
    let found: Vec<String> = all
        .children()
        .iter()
        .filter(|c| c.tag == t::UNIQUE_IDENTIFIER)
        .map(|c| c.value.as_text().unwrap_or_default().to_string())
        .collect();
    assert_eq!(found, [u], "one object: the refused runs committed nothing");
}
