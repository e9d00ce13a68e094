//! The comparison walk: expected and actual trees side by side.
//!
//! The walk is generic. At every position it asks the rule table
//! ([`rules::find`]) whether a row covers the position and what the row
//! allows; it never decides a tolerance itself. In order, per position:
//! placeholders (bind / compare / time window), echo rows, item type,
//! then structures (whole-value rows, informational rows, bag or ordered
//! child matching, missing / added children) or leaves (exact value, else a
//! value row). The walk only judges: it records [`Finding`]s in walk order
//! (differences, masked positions with the row id, strict-mode warnings,
//! and how each position is shown on each side); `render.rs` makes the
//! diff and the lists of [`crate::Comparison`] from them afterwards.
//!
//! Child matching: in a plain structure the k-th child with a tag matches
//! the k-th actual child with that tag (so fields a server adds or omits
//! show as such), and the order of the matched fields is then judged: a
//! structure's fields in another order are a difference (row
//! `field-order`). In a bag (rows with [`Effect::Bag`]) children are
//! matched by attribute name or tag: first the expected children without
//! unbound placeholders to an actual child that compares clean, then the
//! others, then what is left in order; their order is not judged (strict
//! mode warns about it).

use std::collections::BTreeMap;
use std::rc::Rc;

use kmip_ttlv::dict::{self, Version};
use kmip_ttlv::{Item, ItemType, Placeholder, Tag, Value};

use crate::placeholder::{self, Kind};
use crate::render::{self, Finding, To};
use crate::rules::{self, AttrKey, AttrPos, BatchFacts, Effect, Rule, Side, Site};
use crate::session::{
    attribute_struct_key, enum_of, Bindings, ObjectInfo, Provenance, ATTRIBUTE_CONTAINERS,
};
use crate::tags;
use crate::{CompareOptions, Difference, Masked, MAX_DEPTH};

/// Read-only inputs of one comparison.
pub(crate) struct Inputs<'a> {
    pub opts: &'a CompareOptions,
    pub version: Option<Version>,
    pub side: Side,
    pub sent_at: i64,
    pub received_at: i64,
    /// Start of the run (low end of `$NOW` windows).
    pub run_started_at: i64,
    /// Facts per expected batch item.
    pub facts: &'a [BatchFacts],
    /// The sent request batch item per expected batch item.
    pub sent_items: &'a [Option<&'a Item>],
    pub objects: &'a BTreeMap<String, ObjectInfo>,
}

/// What a walk produced.
#[derive(Default)]
pub(crate) struct Out {
    /// The findings, in walk order (see [`Finding`]).
    pub findings: Vec<Finding>,
    /// (tag, expected bytes, actual bytes) of masked crypto outputs.
    pub carry: Vec<(Tag, Vec<u8>, Vec<u8>)>,
}

/// Position of the walk.
#[derive(Clone, Default)]
struct Loc {
    tags: Vec<Tag>,
    segs: Vec<String>,
    payload_at: Option<usize>,
    batch: Option<usize>,
    attr: Option<AttrPos>,
    attr_name: Option<String>,
    wrapped: bool,
    indent: usize,
    /// The actual attribute value structure this position is a field of
    /// (the Digest of a Digest Value, the Name of a Name Value).
    value_actual: Option<Rc<Item>>,
}

impl Loc {
    fn path(&self) -> String {
        if self.segs.is_empty() {
            "(message)".to_string()
        } else {
            self.segs.join("/")
        }
    }
}

/// Outcome of consulting the value rows at a position.
enum RuleOutcome {
    /// No row covers it.
    None,
    /// A row covers it and allows the actual value.
    Masked(&'static Rule),
    /// A row covers it but its check failed (note says why).
    Failed(String),
}

/// The walker.
pub(crate) struct Engine<'a> {
    inp: Inputs<'a>,
    bindings: Bindings,
    out: Out,
    /// Record how positions are shown (off during trial walks, whose
    /// findings are only counted).
    show: bool,
}

impl<'a> Engine<'a> {
    pub fn new(inp: Inputs<'a>, bindings: Bindings) -> Engine<'a> {
        Engine {
            inp,
            bindings,
            out: Out::default(),
            show: true,
        }
    }

    /// The bindings and what the walk found.
    pub fn finish(self) -> (Bindings, Out) {
        (self.bindings, self.out)
    }

    /// Compare two whole messages.
    pub fn compare_messages(&mut self, e: &Item, a: &Item) {
        let root = Loc::default();
        if e.tag != a.tag {
            self.difference(
                &root,
                tags::name(e.tag),
                tags::name(a.tag),
                format!(
                    "message {} expected, {} found",
                    tags::name(e.tag),
                    tags::name(a.tag)
                ),
            );
            self.emit_subtree(To::Expected, e, &root, None);
            self.emit_subtree(To::Actual, a, &root, None);
            return;
        }
        self.compare(e, a, &root);
    }

    // ---- helpers -----------------------------------------------------------

    fn site<'s>(&'s self, loc: &'s Loc, item: Option<&'s Item>) -> Site<'s> {
        Site {
            side: self.inp.side,
            version: self.inp.version,
            tags: &loc.tags,
            payload_at: loc.payload_at,
            batch: loc.batch.and_then(|b| self.inp.facts.get(b)),
            attr: loc.attr.as_ref(),
            item,
            wrapped_with_server_key: loc.wrapped,
            placeholder: item.is_some_and(|i| matches!(i.value, Value::Placeholder(_))),
        }
    }

    fn find(
        &self,
        loc: &Loc,
        item: Option<&Item>,
        want: impl Fn(Effect) -> bool,
    ) -> Option<(&'static Rule, Effect)> {
        rules::find(&self.site(loc, item), want)
    }

    fn difference(&mut self, loc: &Loc, expected: String, actual: String, note: String) {
        self.out.findings.push(Finding::Difference(Difference {
            path: loc.path(),
            expected,
            actual,
            note,
        }));
    }

    fn warning(&mut self, loc: &Loc, expected: String, actual: String, note: String) {
        if self.inp.opts.strict {
            self.out.findings.push(Finding::Warning(Difference {
                path: loc.path(),
                expected,
                actual,
                note,
            }));
        }
    }

    fn mask(&mut self, loc: &Loc, rule: &'static Rule, expected: String, actual: String) {
        self.out.findings.push(Finding::Masked(Masked {
            path: loc.path(),
            rule: rule.id,
            expected,
            actual,
        }));
    }

    /// Record how a position is shown (skipped in trial walks).
    fn shown(&mut self, f: impl FnOnce() -> Finding) {
        if self.show {
            self.out.findings.push(f());
        }
    }

    /// Text of an expected item for reports: bound placeholders as
    /// `$NAME = value`.
    fn expected_text(&self, e: &Item, loc: &Loc) -> String {
        if let Value::Placeholder(p) = &e.value {
            if let Some(b) = self.bindings.get(&p.name) {
                return format!(
                    "${} = {}",
                    p.name,
                    render::bare_value_text(e, b, loc.attr_name.as_deref())
                );
            }
        }
        render::value_text(e, loc.attr_name.as_deref())
    }

    fn actual_text(a: &Item, loc: &Loc) -> String {
        render::value_text(a, loc.attr_name.as_deref())
    }

    fn emit_subtree(&mut self, to: To, item: &Item, loc: &Loc, note: Option<&str>) {
        self.shown(|| Finding::Subtree {
            to,
            item: item.clone(),
            attribute_name: loc.attr_name.clone(),
            indent: loc.indent,
            note: note.map(str::to_string),
        });
    }

    fn emit_leaf(
        &mut self,
        to: To,
        item: &Item,
        value: Option<Value>,
        loc: &Loc,
        note: Option<String>,
    ) {
        self.shown(|| Finding::Leaf {
            to,
            item: item.clone(),
            value,
            attribute_name: loc.attr_name.clone(),
            indent: loc.indent,
            note,
        });
    }

    /// The expected leaf with a bound placeholder shown as its value.
    fn emit_expected_leaf(&mut self, e: &Item, loc: &Loc) {
        let (value, note) = match &e.value {
            Value::Placeholder(p) => (
                self.bindings.get(&p.name).cloned(),
                Some(format!("${}", p.name)),
            ),
            _ => (None, None),
        };
        match (&e.value, value) {
            (Value::Structure(_), _) => self.emit_subtree(To::Expected, e, loc, None),
            (_, Some(v)) => self.emit_leaf(To::Expected, e, Some(v), loc, note),
            (_, None) => self.emit_leaf(To::Expected, e, None, loc, None),
        }
    }

    /// Run `f` without effects; return the number of differences it found.
    fn trial(&mut self, f: impl FnOnce(&mut Self)) -> usize {
        let bindings = self.bindings.clone();
        let show = std::mem::replace(&mut self.show, false);
        let (n, c) = (self.out.findings.len(), self.out.carry.len());
        f(self);
        let found = self.out.findings[n..]
            .iter()
            .filter(|f| matches!(f, Finding::Difference(_)))
            .count();
        self.out.findings.truncate(n);
        self.out.carry.truncate(c);
        self.bindings = bindings;
        self.show = show;
        found
    }

    fn has_unbound(&self, item: &Item, depth: usize) -> bool {
        match &item.value {
            Value::Placeholder(p) => {
                !matches!(placeholder::classify(&p.name), Some(Kind::Now(_)))
                    && self.bindings.get(&p.name).is_none()
            }
            Value::Structure(c) => {
                depth < MAX_DEPTH && c.iter().any(|x| self.has_unbound(x, depth + 1))
            }
            _ => false,
        }
    }

    fn strict_version_check(&mut self, a: &Item, loc: &Loc) {
        if !self.inp.opts.strict {
            return;
        }
        let (Some(v), Some(def)) = (self.inp.version, dict::tag_def(a.tag.0)) else {
            return;
        };
        if def.since > v {
            self.warning(
                loc,
                "(absent)".to_string(),
                tags::name(a.tag),
                format!(
                    "field {} is not defined in KMIP {v} (since {})",
                    def.name, def.since
                ),
            );
        } else if def.removed_in.is_some_and(|r| r <= v) {
            self.warning(
                loc,
                "(absent)".to_string(),
                tags::name(a.tag),
                format!("field {} is no longer defined in KMIP {v}", def.name),
            );
        }
    }

    // ---- placeholders ---------------------------------------------------------

    /// Check / bind a placeholder against an actual item (`loc`: where, for
    /// the checks that read the surrounding value).
    fn placeholder(&mut self, p: &Placeholder, a: &Item, loc: Option<&Loc>) -> Result<(), String> {
        let Some(kind) = placeholder::classify(&p.name) else {
            return Err(format!(
                "unknown placeholder ${} (not in the documented list)",
                p.name
            ));
        };
        if let Kind::Now(n) = kind {
            let t = match (&a.value, p.item_type) {
                (Value::DateTime(t), ItemType::DateTime) => *t,
                (Value::DateTimeExtended(us), ItemType::DateTimeExtended) => {
                    us.div_euclid(1_000_000)
                }
                _ => {
                    return Err(format!(
                        "${} is declared {}, found {}",
                        p.name,
                        p.item_type,
                        a.item_type()
                    ))
                }
            };
            return self
                .run_window(t, n)
                .map_err(|w| format!("${}: {w}", p.name));
        }
        if a.item_type() != p.item_type {
            return Err(format!(
                "${} is declared {}, found {}",
                p.name,
                p.item_type,
                a.item_type()
            ));
        }
        if kind == Kind::AnyValue {
            // `$DIGEST_VALUE`: a digest of the right length (and value,
            // where the key material is known).
            return match loc {
                Some(l) => self
                    .digest_check(a, l)
                    .map(|_| ())
                    .map_err(|w| format!("${}: {w}", p.name)),
                None => Ok(()),
            };
        }
        match self.bindings.get(&p.name) {
            Some(b) if same_value(b, &a.value) => Ok(()),
            Some(b) => Err(format!(
                "${} is bound to {}",
                p.name,
                render::bare_value_text(a, b, None)
            )),
            None => self.bindings.bind(&p.name, kind, a.value.clone()),
        }
    }

    /// `t` within `[run_started_at - skew + n, received_at + skew + n]`
    /// (`$NOW±n`, row `placeholder-now`).
    fn run_window(&self, t: i64, n: i64) -> Result<(), String> {
        let start = self.inp.run_started_at.min(self.inp.sent_at);
        let tol = self.inp.opts.now_tolerance_s.max(0);
        self.within(t, start, n, "run window")
            .map_err(|w| format!("{w} (run start - skew + n … now + skew + n, skew {tol} s)"))
    }

    /// `t` within `[sent_at - tol + n, received_at + tol + n]`.
    fn window(&self, t: i64, n: i64) -> Result<(), String> {
        self.within(t, self.inp.sent_at, n, "exchange window")
    }

    /// `t` within `[from - skew + n, received_at + skew + n]`, else why not.
    fn within(&self, t: i64, from: i64, n: i64, what: &str) -> Result<(), String> {
        let tol = self.inp.opts.now_tolerance_s.max(0);
        let lo = from.saturating_sub(tol).saturating_add(n);
        let hi = self.inp.received_at.saturating_add(tol).saturating_add(n);
        if (lo..=hi).contains(&t) {
            return Ok(());
        }
        let f = |x| kmip_ttlv::names::format_datetime(x, false);
        Err(format!(
            "{} is outside the {what} [{}, {}]",
            f(t),
            f(lo),
            f(hi)
        ))
    }

    // ---- the walk ---------------------------------------------------------------

    fn compare(&mut self, e: &Item, a: &Item, loc: &Loc) {
        if loc.tags.len() > MAX_DEPTH {
            self.difference(
                loc,
                "…".into(),
                "…".into(),
                format!("nesting deeper than {MAX_DEPTH}"),
            );
            return;
        }
        self.strict_version_check(a, loc);
        if let Value::Placeholder(p) = &e.value {
            match self.placeholder(p, a, Some(loc)) {
                Ok(()) => {
                    let note = format!("${}", p.name);
                    self.emit_leaf(To::Both, a, None, loc, Some(note));
                }
                // A `$NOW±n` outside its window is final: no value row may
                // allow another date (row `placeholder-now`).
                Err(note) if matches!(placeholder::classify(&p.name), Some(Kind::Now(_))) => {
                    let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
                    self.difference(loc, et, at, note);
                    self.emit_expected_leaf(e, loc);
                    self.emit_subtree(To::Actual, a, loc, None);
                }
                Err(note) => self.leaf_mismatch(e, a, loc, note),
            }
            return;
        }
        if let Some((rule, _)) = self.find(loc, Some(e), |x| x == Effect::EchoRequest) {
            if let Some(sent) = self.sent_field(loc, e.tag) {
                self.echo(rule, &sent, e, a, loc);
                return;
            }
        }
        if e.item_type() != a.item_type() {
            let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
            self.difference(
                loc,
                et,
                at,
                format!("type {} expected, {} found", e.item_type(), a.item_type()),
            );
            self.emit_subtree(To::Expected, e, loc, None);
            self.emit_subtree(To::Actual, a, loc, None);
            return;
        }
        if e.item_type() == ItemType::Structure {
            self.structure(e, a, loc);
            return;
        }
        if self.inp.side == Side::Request {
            if let Some((rule, effect)) = self.find(loc, Some(e), |x| {
                matches!(x, Effect::BindLiteral | Effect::BindName)
            }) {
                self.bind_literal(rule, effect, e, a, loc);
                return;
            }
        }
        if same_value(&e.value, &a.value) {
            self.emit_subtree(To::Both, a, loc, None);
            return;
        }
        self.leaf_mismatch(e, a, loc, "value differs".to_string());
    }

    /// A leaf (or placeholder) that does not match as written: a value row
    /// may allow it, else it is a difference.
    fn leaf_mismatch(&mut self, e: &Item, a: &Item, loc: &Loc, note: String) {
        match self.value_rule(e, a, loc) {
            RuleOutcome::Masked(rule) => self.masked_value(rule, e, a, loc),
            RuleOutcome::Failed(why) => {
                let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
                self.difference(loc, et, at, why);
                self.emit_expected_leaf(e, loc);
                self.emit_subtree(To::Actual, a, loc, None);
            }
            RuleOutcome::None => {
                let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
                self.difference(loc, et, at, note);
                self.emit_expected_leaf(e, loc);
                self.emit_subtree(To::Actual, a, loc, None);
            }
        }
    }

    fn masked_value(&mut self, rule: &'static Rule, e: &Item, a: &Item, loc: &Loc) {
        let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
        if let (Value::ByteString(eb), Value::ByteString(ab)) = (&e.value, &a.value) {
            if rules::crypto_output_tag(e.tag) {
                self.out.carry.push((e.tag, eb.clone(), ab.clone()));
            }
        }
        let note = format!("masked: {}; expected {}", rule.id, et);
        self.mask(loc, rule, et, at);
        self.emit_subtree(To::Both, a, loc, Some(&note));
    }

    /// Client mode: a client-chosen literal (row effect
    /// [`Effect::BindLiteral`]): the first occurrence binds the client's
    /// value, later ones must equal it.
    fn bind_literal(&mut self, rule: &'static Rule, effect: Effect, e: &Item, a: &Item, loc: &Loc) {
        let key = literal_key(&e.value);
        if effect == Effect::BindName {
            if let Err(why) = self.name_check(a, loc) {
                let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
                self.difference(loc, et, at, format!("{}: {why}", rule.id));
                self.emit_expected_leaf(e, loc);
                self.emit_subtree(To::Actual, a, loc, None);
                return;
            }
        }
        match self.bindings.literal(e.tag, &key) {
            Some(b) if !same_value(b, &a.value) => {
                let b = b.clone();
                let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
                let bound = render::bare_value_text(a, &b, None);
                self.difference(
                    loc,
                    et,
                    at,
                    format!(
                        "{}: the client used {bound} for this value earlier",
                        rule.id
                    ),
                );
                self.emit_expected_leaf(e, loc);
                self.emit_subtree(To::Actual, a, loc, None);
                return;
            }
            Some(_) => {}
            None => self.bindings.bind_literal(e.tag, key, a.value.clone()),
        }
        if same_value(&e.value, &a.value) {
            self.emit_subtree(To::Both, a, loc, None);
        } else {
            self.masked_value(rule, e, a, loc);
        }
    }

    /// Consult the value rows (any value, same length, time window).
    fn value_rule(&mut self, e: &Item, a: &Item, loc: &Loc) -> RuleOutcome {
        let Some((rule, effect)) = self.find(loc, Some(e), |x| {
            matches!(
                x,
                Effect::AnyValue
                    | Effect::SameLength
                    | Effect::NowWindow
                    | Effect::KeyFormatForObject
                    | Effect::DigestOfObject
            )
        }) else {
            return RuleOutcome::None;
        };
        let declared = e.item_type();
        match effect {
            Effect::AnyValue => {
                if declared == a.item_type() {
                    // Placeholders inside a structure with free contents are
                    // bound where the shapes allow, never required to.
                    let _ = self.trial_free_bind(e, a);
                    RuleOutcome::Masked(rule)
                } else {
                    RuleOutcome::Failed(format!(
                        "{}: type {} expected, {} found",
                        rule.id,
                        declared,
                        a.item_type()
                    ))
                }
            }
            Effect::SameLength => {
                if self.same_shape(e, a, loc.tags.len()) {
                    RuleOutcome::Masked(rule)
                } else {
                    RuleOutcome::Failed(format!("{}: type or length differs", rule.id))
                }
            }
            Effect::NowWindow => match a.value {
                Value::DateTime(t)
                    if declared == ItemType::DateTime
                        || matches!(e.value, Value::Placeholder(_)) =>
                {
                    match self.window(t, 0) {
                        Ok(()) => RuleOutcome::Masked(rule),
                        Err(w) => RuleOutcome::Failed(format!("{}: {w}", rule.id)),
                    }
                }
                _ => RuleOutcome::Failed(format!("{}: a DateTime is required", rule.id)),
            },
            Effect::KeyFormatForObject => match self.key_format_check(a, loc) {
                Ok(()) => RuleOutcome::Masked(rule),
                Err(w) => RuleOutcome::Failed(format!("{}: {w}", rule.id)),
            },
            Effect::DigestOfObject => match self.digest_check(a, loc) {
                Ok(_) => RuleOutcome::Masked(rule),
                Err(w) => RuleOutcome::Failed(format!("{}: {w}", rule.id)),
            },
            _ => RuleOutcome::None,
        }
    }

    /// The object the batch item is about, as the session knows it.
    fn object(&self, loc: &Loc) -> Option<&ObjectInfo> {
        let facts = self.inp.facts.get(loc.batch?)?;
        self.inp.objects.get(facts.object_uid.as_deref()?)
    }

    /// Row `server-key-format`: a Key Format Type the spec allows for the
    /// object's type and algorithm.
    fn key_format_check(&self, a: &Item, loc: &Loc) -> Result<(), String> {
        let Value::Enumeration(code) = a.value else {
            return Err("an Enumeration is required".into());
        };
        let object = self.object(loc);
        let (t, alg) = (
            object.and_then(|o| o.object_type),
            object.and_then(|o| o.algorithm),
        );
        let Some(allowed) = rules::allowed_key_formats(t, alg) else {
            return Err(format!(
                "the object's type / algorithm ({} / {}) is not known, so the format is compared exactly",
                enum_text(tags::OBJECT_TYPE, t),
                enum_text(tags::CRYPTOGRAPHIC_ALGORITHM, alg)
            ));
        };
        let defined = |v: Version| {
            kmip_ttlv::dict::enum_for_tag(tags::KEY_FORMAT_TYPE.0).is_none_or(|d| {
                d.values
                    .iter()
                    .any(|x| x.value == code && x.since <= v && x.removed_in.is_none_or(|r| v < r))
            })
        };
        if let Some(v) = self.inp.version.filter(|v| !defined(*v)) {
            return Err(format!(
                "{} is not a Key Format Type of KMIP {v}",
                enum_text(tags::KEY_FORMAT_TYPE, Some(code))
            ));
        }
        if allowed.contains(&code) {
            Ok(())
        } else {
            Err(format!(
                "{} is not a format for a {} {} (allowed: {})",
                enum_text(tags::KEY_FORMAT_TYPE, Some(code)),
                enum_text(tags::CRYPTOGRAPHIC_ALGORITHM, alg),
                enum_text(tags::OBJECT_TYPE, t),
                allowed
                    .iter()
                    .map(|c| enum_text(tags::KEY_FORMAT_TYPE, Some(*c)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }

    /// A Digest Value (rows `server-key-digest`, `$DIGEST_VALUE`): as long
    /// as the output of the Digest's Hashing Algorithm; where the session
    /// knows the object's key material, the computed digest for the Key
    /// Format Type the Digest claims. `Ok(note)` says what was verified.
    fn digest_check(&self, a: &Item, loc: &Loc) -> Result<String, String> {
        let Value::ByteString(value) = &a.value else {
            return Err(format!("a ByteString is required, found {}", a.item_type()));
        };
        let digest = loc.value_actual.as_deref();
        let hashing = digest.and_then(|d| enum_of(d.child(tags::HASHING_ALGORITHM)));
        let claimed = digest.and_then(|d| enum_of(d.child(tags::KEY_FORMAT_TYPE)));
        match hashing.and_then(digest_len) {
            Some(n) if value.len() != n => {
                return Err(format!(
                    "{} bytes, but {} gives {n}",
                    value.len(),
                    enum_text(tags::HASHING_ALGORITHM, hashing)
                ))
            }
            None if value.is_empty() => return Err("empty digest".into()),
            _ => {}
        }
        let Some(object) = self.object(loc) else {
            return Ok("length checked".into());
        };
        let Some(h) = hashing else {
            return Ok("length checked".into());
        };
        let computed: Vec<(u32, Vec<u8>)> = object
            .material
            .iter()
            .filter_map(|(f, m)| digest_of(h, m).map(|d| (*f, d)))
            .collect();
        if let Some(f) = claimed {
            if let Some((_, d)) = computed.iter().find(|(g, _)| *g == f) {
                return if d == value {
                    Ok("digest verified".into())
                } else {
                    Err(format!(
                        "not the {} digest of the object's {} key material",
                        enum_text(tags::HASHING_ALGORITHM, hashing),
                        enum_text(tags::KEY_FORMAT_TYPE, Some(f))
                    ))
                };
            }
        }
        if let Some((g, _)) = computed.iter().find(|(_, d)| d == value) {
            return match claimed {
                Some(f) if f != *g => Err(format!(
                    "the value is the digest of the {} key material, but the Digest claims {}",
                    enum_text(tags::KEY_FORMAT_TYPE, Some(*g)),
                    enum_text(tags::KEY_FORMAT_TYPE, Some(f))
                )),
                _ => Ok("digest verified".into()),
            };
        }
        if claimed.is_none() && !computed.is_empty() {
            return Err(format!(
                "matches no {} digest of the object's key material",
                enum_text(tags::HASHING_ALGORITHM, hashing)
            ));
        }
        Ok("length checked (no key material in the claimed format)".into())
    }

    /// Row `req-client-name`: a non-empty name valid for the Name Type of
    /// the same Name.
    fn name_check(&self, a: &Item, loc: &Loc) -> Result<(), String> {
        let Some(text) = a.value.as_text() else {
            return Err(format!("a TextString is required, found {}", a.item_type()));
        };
        if text.trim().is_empty() {
            return Err("the client's name is empty".into());
        }
        let name_type = loc
            .value_actual
            .as_deref()
            .and_then(|n| enum_of(n.child(tags::NAME_TYPE)));
        if name_type == Some(tags::name_type::URI) && !is_uri(text) {
            return Err(format!("{text:?} is not a URI (Name Type URI)"));
        }
        Ok(())
    }

    /// Bind placeholders inside `e` from `a` where both have the same shape.
    fn trial_free_bind(&mut self, e: &Item, a: &Item) -> bool {
        if !self.has_unbound(e, 0) {
            return true;
        }
        let saved = self.bindings.clone();
        if self.same_shape(e, a, 0) {
            true
        } else {
            self.bindings = saved;
            false
        }
    }

    /// Same tags and types recursively, equal lengths of byte / text / big
    /// integer values; placeholders bind.
    fn same_shape(&mut self, e: &Item, a: &Item, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        if let Value::Placeholder(p) = &e.value {
            return e.tag == a.tag && self.placeholder(p, a, None).is_ok();
        }
        if e.tag != a.tag || e.item_type() != a.item_type() {
            return false;
        }
        match (&e.value, &a.value) {
            (Value::Structure(ec), Value::Structure(ac)) => {
                ec.len() == ac.len()
                    && ec
                        .iter()
                        .zip(ac)
                        .all(|(x, y)| self.same_shape(x, y, depth + 1))
            }
            (Value::ByteString(x), Value::ByteString(y))
            | (Value::BigInteger(x), Value::BigInteger(y)) => x.len() == y.len(),
            (x, y) => match (x.as_text(), y.as_text()) {
                (Some(s), Some(t)) => s.chars().count() == t.chars().count(),
                _ => true,
            },
        }
    }

    /// The sent request batch item's field with this tag.
    fn sent_field(&self, loc: &Loc, tag: Tag) -> Option<Item> {
        let item = self.inp.sent_items.get(loc.batch?).copied().flatten()?;
        item.child(tag).cloned()
    }

    fn echo(&mut self, rule: &'static Rule, sent: &Item, e: &Item, a: &Item, loc: &Loc) {
        if sent.item_type() == a.item_type() && same_value(&sent.value, &a.value) {
            if same_value(&e.value, &a.value) {
                self.emit_subtree(To::Both, a, loc, None);
            } else {
                let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
                let note = format!("masked: {}; expected {}", rule.id, et);
                self.mask(loc, rule, et, at);
                self.emit_subtree(To::Both, a, loc, Some(&note));
            }
            return;
        }
        let st = render::value_text(sent, None);
        self.difference(
            loc,
            st.clone(),
            Self::actual_text(a, loc),
            format!("{}: does not echo the request's value {st}", rule.id),
        );
        self.emit_subtree(To::Expected, sent, loc, None);
        self.emit_subtree(To::Actual, a, loc, None);
    }

    fn structure(&mut self, e: &Item, a: &Item, loc: &Loc) {
        if let Some((rule, effect)) = self.find(loc, Some(e), |x| {
            matches!(x, Effect::AnyValue | Effect::SameLength)
        }) {
            if self.trial(|s| s.structure_children(e, a, loc)) == 0 {
                self.structure_children(e, a, loc);
                return;
            }
            let ok = match effect {
                Effect::AnyValue => {
                    let _ = self.trial_free_bind(e, a);
                    true
                }
                _ => self.same_shape(e, a, loc.tags.len()),
            };
            if ok {
                self.masked_value(rule, e, a, loc);
            } else {
                let (et, at) = (self.expected_text(e, loc), Self::actual_text(a, loc));
                self.difference(
                    loc,
                    et,
                    at,
                    format!("{}: structure or lengths differ", rule.id),
                );
                self.emit_subtree(To::Expected, e, loc, None);
                self.emit_subtree(To::Actual, a, loc, None);
            }
            return;
        }
        if let Some((rule, _)) = self.find(loc, Some(e), |x| x == Effect::Informational) {
            self.informational(rule, e, a, loc);
            return;
        }
        self.structure_children(e, a, loc);
    }

    /// A structure judged field by field begins: `<Tag>` on each side.
    fn open(&mut self, e: &Item, a: &Item, loc: &Loc) {
        let (ee, ae) = (e.children().is_empty(), a.children().is_empty());
        let indent = loc.indent;
        if ee == ae {
            self.shown(|| Finding::Open {
                to: To::Both,
                tag: a.tag,
                indent,
                empty: ae,
            });
        } else {
            self.shown(|| Finding::Open {
                to: To::Expected,
                tag: e.tag,
                indent,
                empty: ee,
            });
            self.shown(|| Finding::Open {
                to: To::Actual,
                tag: a.tag,
                indent,
                empty: ae,
            });
        }
    }

    /// … and ends: `</Tag>` on each side that was not empty.
    fn close(&mut self, e: &Item, a: &Item, loc: &Loc) {
        let (ee, ae) = (e.children().is_empty(), a.children().is_empty());
        let (to, tag) = match (ee, ae) {
            (false, false) => (To::Both, a.tag),
            (false, true) => (To::Expected, e.tag),
            (true, false) => (To::Actual, a.tag),
            (true, true) => return,
        };
        let indent = loc.indent;
        self.shown(|| Finding::Close { to, tag, indent });
    }

    fn structure_children(&mut self, e: &Item, a: &Item, loc: &Loc) {
        let ec = e.children();
        let ac = a.children();
        self.open(e, a, loc);
        let bag_found = self.find(loc, Some(e), |x| {
            matches!(x, Effect::Bag | Effect::BagOf(_))
        });
        let bag_rule = bag_found.map(|(r, _)| r);
        let bag = bag_rule.is_some();
        let pairs = if bag {
            self.bag_pairs(e, a, loc)
        } else {
            ordered_pairs(ec, ac)
        };
        let e_an = kmip_ttlv::names::sibling_attribute_name(ec).map(str::to_string);
        let a_an = kmip_ttlv::names::sibling_attribute_name(ac).map(str::to_string);
        let mut loc = loc.clone();
        if loc.attr.as_ref().is_some_and(|p| p.value) {
            loc.value_actual = Some(Rc::new(a.clone()));
        }
        let loc = &loc;
        for &(i, j) in &pairs {
            match (i, j) {
                (Some(i), Some(j)) => {
                    let cl = self.child_loc(
                        loc,
                        e,
                        Some(&ec[i]),
                        Some(&ac[j]),
                        occurrence(ec, i),
                        e_an.as_deref(),
                    );
                    self.compare(&ec[i], &ac[j], &cl);
                }
                (Some(i), None) => {
                    let cl = self.child_loc(
                        loc,
                        e,
                        Some(&ec[i]),
                        None,
                        occurrence(ec, i),
                        e_an.as_deref(),
                    );
                    self.missing(&ec[i], &cl);
                }
                (None, Some(j)) => {
                    let cl = self.child_loc(
                        loc,
                        a,
                        None,
                        Some(&ac[j]),
                        occurrence(ac, j),
                        a_an.as_deref(),
                    );
                    self.extra(&ac[j], &cl);
                }
                (None, None) => {}
            }
        }
        if let Some((rule, Effect::BagOf(entries))) = bag_found {
            self.fixed_fields_check(e, a, &pairs, loc, rule, entries);
        }
        if !bag || self.inp.opts.strict {
            self.order_check(e, a, &pairs, loc, bag_rule);
        }
        self.close(e, a, loc);
    }

    /// Fields in another order. In an order-free structure (rows with
    /// [`Effect::Bag`], among them `field-order` for returned attribute
    /// lists) a strict-mode warning; anywhere else a difference: the TTLV
    /// encoding fixes the order of a structure's fields.
    fn order_check(
        &mut self,
        e: &Item,
        a: &Item,
        pairs: &[(Option<usize>, Option<usize>)],
        loc: &Loc,
        bag: Option<&'static Rule>,
    ) {
        let js: Vec<usize> = pairs.iter().filter_map(|p| p.0.and(p.1)).collect();
        if js.windows(2).all(|w| w[0] < w[1]) {
            return;
        }
        let matched: Vec<(usize, usize)> =
            pairs.iter().filter_map(|p| Some((p.0?, p.1?))).collect();
        let exp_order = matched
            .iter()
            .filter_map(|(i, _)| e.children().get(*i).map(|x| tags::name(x.tag)))
            .collect::<Vec<_>>()
            .join(", ");
        let mut by_actual = matched.clone();
        by_actual.sort_unstable_by_key(|(_, j)| *j);
        let act_order = by_actual
            .iter()
            .filter_map(|(_, j)| a.children().get(*j).map(|x| tags::name(x.tag)))
            .collect::<Vec<_>>()
            .join(", ");
        match bag {
            Some(rule) => self.warning(
                loc,
                exp_order,
                act_order,
                format!("{}: fields in another order", rule.id),
            ),
            None => self.difference(
                loc,
                exp_order,
                act_order,
                "field-order: fields in another order (a structure's fields are encoded in the order of its specification; only returned attribute lists may be permuted)".to_string(),
            ),
        }
    }

    /// In a structure of fixed fields and a list ([`Effect::BagOf`]): the
    /// list entries may come in any order, but every other field keeps its
    /// place relative to the list. Compares the sequence of matched
    /// children in expected and in actual order, each run of list entries
    /// counted as one position; a fixed field moved is a difference.
    fn fixed_fields_check(
        &mut self,
        e: &Item,
        a: &Item,
        pairs: &[(Option<usize>, Option<usize>)],
        loc: &Loc,
        rule: &'static Rule,
        entries: &[Tag],
    ) {
        let mut matched: Vec<(usize, usize)> =
            pairs.iter().filter_map(|p| Some((p.0?, p.1?))).collect();
        let shape = |items: &[Item], order: &[usize]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for &k in order {
                let Some(x) = items.get(k) else { continue };
                let name = if entries.contains(&x.tag) {
                    format!("{}…", tags::name(x.tag))
                } else {
                    tags::name(x.tag)
                };
                if out.last() != Some(&name) || !entries.contains(&x.tag) {
                    out.push(name);
                }
            }
            out
        };
        matched.sort_unstable_by_key(|(i, _)| *i);
        let exp = shape(
            e.children(),
            &matched.iter().map(|m| m.0).collect::<Vec<_>>(),
        );
        matched.sort_unstable_by_key(|(_, j)| *j);
        let act = shape(
            a.children(),
            &matched.iter().map(|m| m.1).collect::<Vec<_>>(),
        );
        if exp != act {
            self.difference(
                loc,
                exp.join(", "),
                act.join(", "),
                format!(
                    "field-order: a fixed field moved ({} allows only its list entries in any order; a structure's other fields are encoded in the order of its specification)",
                    rule.id
                ),
            );
        }
    }

    /// Position of a child: extends the path, and tracks batch item,
    /// payload, attribute and key-wrapping context.
    fn child_loc(
        &self,
        parent: &Loc,
        parent_item: &Item,
        e: Option<&Item>,
        a: Option<&Item>,
        k: usize,
        attribute_name: Option<&str>,
    ) -> Loc {
        let Some(child) = e.or(a) else {
            return parent.clone();
        };
        let siblings_e = parent_item.children();
        let mut l = parent.clone();
        l.tags.push(child.tag);
        l.segs
            .push(segment(child.tag, k, &tags_of(siblings_e), &[]));
        l.indent += 1;
        if parent.tags.is_empty() && child.tag == tags::BATCH_ITEM {
            l.batch = Some(k);
        }
        if parent.tags.len() == 1
            && parent.tags[0] == tags::BATCH_ITEM
            && (child.tag == tags::RESPONSE_PAYLOAD || child.tag == tags::REQUEST_PAYLOAD)
        {
            l.payload_at = Some(l.tags.len());
        }
        l.attr = attr_for_child(parent_item.tag, parent.attr.as_ref(), child);
        if l.attr.as_ref().is_none_or(|p| p.field.is_none()) {
            l.value_actual = None;
        }
        l.attr_name = if child.tag == tags::ATTRIBUTE_VALUE {
            attribute_name.map(str::to_string)
        } else {
            None
        };
        if child.tag == tags::KEY_BLOCK {
            let block = a.or(e);
            l.wrapped = block
                .and_then(|b| b.child(tags::KEY_WRAPPING_DATA))
                .and_then(|w| {
                    w.child(tags::ENCRYPTION_KEY_INFORMATION)
                        .or_else(|| w.child(tags::MAC_SIGNATURE_KEY_INFORMATION))
                })
                .and_then(|k| k.child(tags::UNIQUE_IDENTIFIER))
                .and_then(|u| u.value.as_text())
                .and_then(|u| self.inp.objects.get(u))
                .is_some_and(|o| o.provenance == Provenance::ServerGenerated);
        }
        l
    }

    fn missing(&mut self, e: &Item, loc: &Loc) {
        match self.find(loc, Some(e), |x| x == Effect::MayBeAbsent) {
            Some((rule, _)) => {
                let et = self.expected_text(e, loc);
                self.mask(loc, rule, et.clone(), "(absent)".into());
                self.warning(
                    loc,
                    et,
                    "(absent)".into(),
                    format!("{}: field omitted", rule.id),
                );
                let note = format!("masked: {}; absent in the actual message", rule.id);
                self.emit_subtree(To::Both, e, loc, Some(&note));
            }
            None => {
                let et = self.expected_text(e, loc);
                self.difference(loc, et, "(absent)".into(), "missing".into());
                self.emit_subtree(To::Expected, e, loc, None);
            }
        }
    }

    fn extra(&mut self, a: &Item, loc: &Loc) {
        self.strict_version_check(a, loc);
        let found = self.find(loc, Some(a), |x| {
            matches!(
                x,
                Effect::MayBeAdded | Effect::LocatedCount | Effect::AddedAttributeList
            )
        });
        let refused = match found {
            Some((rule, Effect::LocatedCount)) => {
                self.located_count(a, loc).err().map(|w| (rule, w))
            }
            Some((rule, Effect::AddedAttributeList)) => {
                let conflicts = self.template_conflicts(a, loc);
                if !conflicts.is_empty() {
                    for (path, expected, actual, note) in conflicts {
                        self.out.findings.push(Finding::Difference(Difference {
                            path,
                            expected,
                            actual,
                            note: format!("{}: {note}", rule.id),
                        }));
                    }
                    self.emit_subtree(To::Actual, a, loc, None);
                    return;
                }
                None
            }
            _ => None,
        };
        if let Some((rule, why)) = refused {
            let at = Self::actual_text(a, loc);
            self.difference(loc, "(absent)".into(), at, format!("{}: {why}", rule.id));
            self.emit_subtree(To::Actual, a, loc, None);
            return;
        }
        match found {
            Some((rule, _)) => {
                let at = Self::actual_text(a, loc);
                self.mask(loc, rule, "(absent)".into(), at.clone());
                self.warning(
                    loc,
                    "(absent)".into(),
                    at,
                    format!("{}: field added", rule.id),
                );
                let note = format!("masked: {}; not in the test case", rule.id);
                self.emit_subtree(To::Both, a, loc, Some(&note));
            }
            None => {
                let at = Self::actual_text(a, loc);
                self.difference(loc, "(absent)".into(), at, "unexpected field".into());
                self.emit_subtree(To::Actual, a, loc, None);
            }
        }
    }

    /// Row `located-items`: Located Items counts the identifiers returned.
    fn located_count(&self, a: &Item, loc: &Loc) -> Result<(), String> {
        let Value::Integer(v) = a.value else {
            return Err(format!("an Integer is required, found {}", a.item_type()));
        };
        let Some(facts) = loc.batch.and_then(|b| self.inp.facts.get(b)) else {
            return Ok(());
        };
        let n = facts.actual_identifiers;
        let bounded = facts
            .request_tags
            .iter()
            .any(|t| *t == tags::MAXIMUM_ITEMS || *t == tags::OFFSET_ITEMS);
        let count = i64::from(v);
        let n64 = i64::try_from(n).unwrap_or(i64::MAX);
        if bounded && count < n64 {
            Err(format!(
                "Located Items {v} is less than the {n} identifier(s) returned"
            ))
        } else if !bounded && count != n64 {
            Err(format!(
                "Located Items {v}, but {n} identifier(s) returned and the request had no Maximum Items / Offset Items"
            ))
        } else {
            Ok(())
        }
    }

    /// Row `template-attribute-optional`: the attributes of a Template-
    /// Attribute the server added that contradict what the sent request
    /// set for the same attribute (path, request value, actual value, note).
    fn template_conflicts(&self, a: &Item, loc: &Loc) -> Vec<(String, String, String, String)> {
        let Some(sent) = loc
            .batch
            .and_then(|b| self.inp.sent_items.get(b).copied().flatten())
            .and_then(|r| r.child(tags::REQUEST_PAYLOAD))
        else {
            return Vec::new();
        };
        // The request containers whose attributes apply to this list.
        let containers: &[Tag] = match a.tag {
            tags::PRIVATE_KEY_TEMPLATE_ATTRIBUTE => &[
                tags::COMMON_TEMPLATE_ATTRIBUTE,
                tags::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
            ],
            tags::PUBLIC_KEY_TEMPLATE_ATTRIBUTE => &[
                tags::COMMON_TEMPLATE_ATTRIBUTE,
                tags::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
            ],
            _ => &[tags::TEMPLATE_ATTRIBUTE],
        };
        let requested: Vec<(AttrKey, &Item)> = containers
            .iter()
            .filter_map(|t| sent.child(*t))
            .flat_map(|c| c.children_with(tags::ATTRIBUTE))
            .filter_map(|x| Some((attribute_struct_key(x)?, x.child(tags::ATTRIBUTE_VALUE)?)))
            .collect();
        let mut out = Vec::new();
        for (k, x) in a.children().iter().enumerate() {
            if x.tag != tags::ATTRIBUTE {
                continue;
            }
            let (Some(key), Some(value)) =
                (attribute_struct_key(x), x.child(tags::ATTRIBUTE_VALUE))
            else {
                continue;
            };
            let set: Vec<&Item> = requested
                .iter()
                .filter(|(rk, _)| rk.name == key.name)
                .map(|(_, v)| *v)
                .collect();
            let name = Some(key.name.as_str());
            if set.is_empty() && key.client_defined() {
                out.push((
                    format!(
                        "{}/{}",
                        loc.path(),
                        segment(x.tag, k, &tags_of(a.children()), &[])
                    ),
                    "(absent)".to_string(),
                    render::value_text(value, name),
                    format!(
                        "{} is a client-defined (x-) attribute the request did not set",
                        key.name
                    ),
                ));
                continue;
            }
            if set.is_empty() || set.iter().any(|v| deep_equal_values(v, value, 0)) {
                continue;
            }
            out.push((
                format!(
                    "{}/{}",
                    loc.path(),
                    segment(x.tag, k, &tags_of(a.children()), &[])
                ),
                set.iter()
                    .map(|v| render::value_text(v, name))
                    .collect::<Vec<_>>()
                    .join(" | "),
                render::value_text(value, name),
                format!(
                    "the server's Template-Attribute gives {} another value than the request set",
                    key.name
                ),
            ));
        }
        out
    }

    /// Bag matching (rows with [`Effect::Bag`]).
    fn bag_pairs(&mut self, e: &Item, a: &Item, loc: &Loc) -> Vec<(Option<usize>, Option<usize>)> {
        let ec = e.children();
        let ac = a.children();
        let ek: Vec<(Tag, String)> = ec.iter().map(bag_key).collect();
        let ak: Vec<(Tag, String)> = ac.iter().map(bag_key).collect();
        let mut used = vec![false; ac.len()];
        let mut pick: Vec<Option<usize>> = vec![None; ec.len()];
        let determinate: Vec<bool> = ec.iter().map(|x| !self.has_unbound(x, 0)).collect();
        for pass in 0..3 {
            for i in 0..ec.len() {
                if pick[i].is_some() {
                    continue;
                }
                if pass == 0 && !determinate[i] {
                    continue;
                }
                let cl = self.child_loc(loc, e, Some(&ec[i]), None, occurrence(ec, i), None);
                for j in 0..ac.len() {
                    if used[j] || ak[j] != ek[i] {
                        continue;
                    }
                    let clean = pass == 2 || self.trial(|s| s.compare(&ec[i], &ac[j], &cl)) == 0;
                    if clean {
                        pick[i] = Some(j);
                        used[j] = true;
                        break;
                    }
                }
            }
        }
        let mut pairs: Vec<(Option<usize>, Option<usize>)> = pick
            .iter()
            .enumerate()
            .map(|(i, j)| (Some(i), *j))
            .collect();
        pairs.extend((0..ac.len()).filter(|j| !used[*j]).map(|j| (None, Some(j))));
        pairs
    }

    /// Rows with [`Effect::Informational`] (Query): per tag of the expected
    /// structure, presence and type; values and counts reported.
    fn informational(&mut self, rule: &'static Rule, e: &Item, a: &Item, loc: &Loc) {
        let ec = e.children();
        let ac = a.children();
        self.open(e, a, loc);
        let mut seen: Vec<Tag> = Vec::new();
        for x in ec {
            if !seen.contains(&x.tag) {
                seen.push(x.tag);
            }
        }
        for t in &seen {
            let el: Vec<&Item> = ec.iter().filter(|x| x.tag == *t).collect();
            let al: Vec<&Item> = ac.iter().filter(|x| x.tag == *t).collect();
            let Some(first) = el.first().copied() else {
                continue;
            };
            let mut cl = self.child_loc(loc, e, Some(first), al.first().copied(), 0, None);
            // The position is the group of items with this tag.
            if let Some(last) = cl.segs.last_mut() {
                *last = tags::name(*t);
            }
            let join = |v: &[&Item]| {
                v.iter()
                    .map(|i| render::value_text(i, None))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if al.is_empty() {
                self.difference(&cl, join(&el), "(absent)".into(), "missing".into());
                for x in &el {
                    self.emit_subtree(To::Expected, x, &cl, None);
                }
                continue;
            }
            if let Some(bad) = al.iter().find(|x| x.item_type() != first.item_type()) {
                self.difference(
                    &cl,
                    join(&el),
                    join(&al),
                    format!(
                        "type {} expected, {} found",
                        first.item_type(),
                        bad.item_type()
                    ),
                );
                for x in &el {
                    self.emit_subtree(To::Expected, x, &cl, None);
                }
                for x in &al {
                    self.emit_subtree(To::Actual, x, &cl, None);
                }
                continue;
            }
            let same = el.len() == al.len() && el.iter().zip(&al).all(|(x, y)| deep_equal(x, y, 0));
            let note = if same {
                None
            } else {
                let (et, at) = (join(&el), join(&al));
                self.mask(&cl, rule, et, at);
                Some(format!(
                    "masked: {}; expected {} item(s)",
                    rule.id,
                    el.len()
                ))
            };
            for (k, x) in al.iter().enumerate() {
                let n = if k == 0 { note.as_deref() } else { None };
                self.emit_subtree(To::Both, x, &cl, n);
            }
        }
        for (j, x) in ac.iter().enumerate() {
            if !seen.contains(&x.tag) {
                let cl = self.child_loc(loc, a, None, Some(x), occurrence(ac, j), None);
                self.extra(x, &cl);
            }
        }
        self.close(e, a, loc);
    }
}

/// Which KMIP attribute (if any) a child position belongs to.
fn attr_for_child(parent_tag: Tag, parent: Option<&AttrPos>, child: &Item) -> Option<AttrPos> {
    if child.tag == tags::ATTRIBUTE {
        if let Some(key) = attribute_struct_key(child) {
            return Some(AttrPos {
                key,
                whole: true,
                value: false,
                field: None,
            });
        }
    }
    if ATTRIBUTE_CONTAINERS.contains(&parent_tag) {
        return Some(AttrPos {
            key: AttrKey {
                name: tags::name(child.tag),
                vendor: false,
            },
            whole: true,
            value: true,
            field: None,
        });
    }
    let p = parent?;
    if p.whole && !p.value {
        // Inside a 1.x (or 2.x vendor) Attribute structure.
        return Some(AttrPos {
            key: p.key.clone(),
            whole: false,
            value: child.tag == tags::ATTRIBUTE_VALUE,
            field: None,
        });
    }
    if p.value || p.field.is_some() {
        return Some(AttrPos {
            key: p.key.clone(),
            whole: false,
            value: false,
            field: Some(child.tag),
        });
    }
    None
}

/// An enumeration value by name (`"AES"`), or `(unknown)`.
fn enum_text(tag: Tag, code: Option<u32>) -> String {
    match code {
        None => "(unknown)".to_string(),
        Some(c) => kmip_ttlv::dict::enum_for_tag(tag.0)
            .and_then(|e| e.name_of(c))
            .map(str::to_string)
            .unwrap_or_else(|| format!("0x{c:08X}")),
    }
}

/// Output length in bytes of a Hashing Algorithm (KMIP 2.1 §11.21).
fn digest_len(h: u32) -> Option<usize> {
    Some(match h {
        0x01..=0x03 => 16,        // MD2, MD4, MD5
        0x04 | 0x09 => 20,        // SHA-1, RIPEMD-160
        0x05 | 0x0C | 0x0E => 28, // SHA-224, SHA-512/224, SHA3-224
        0x06 | 0x0D | 0x0F => 32, // SHA-256, SHA-512/256, SHA3-256
        0x07 | 0x10 => 48,        // SHA-384, SHA3-384
        0x08 | 0x0B | 0x11 => 64, // SHA-512, Whirlpool, SHA3-512
        0x0A => 24,               // Tiger
        _ => return None,
    })
}

/// The digest of `data` with a Hashing Algorithm the harness computes
/// itself (RustCrypto: SHA-1, SHA-224/256/384/512).
fn digest_of(h: u32, data: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest as _;
    Some(match h {
        tags::hash::SHA_1 => sha1::Sha1::digest(data).to_vec(),
        tags::hash::SHA_224 => sha2::Sha224::digest(data).to_vec(),
        tags::hash::SHA_256 => sha2::Sha256::digest(data).to_vec(),
        tags::hash::SHA_384 => sha2::Sha384::digest(data).to_vec(),
        tags::hash::SHA_512 => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

/// `scheme:rest` with an RFC 3986 scheme.
fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
}

/// Two values (leaves or structures) equal with wire semantics, tags aside.
fn deep_equal_values(a: &Item, b: &Item, depth: usize) -> bool {
    if depth > MAX_DEPTH || a.item_type() != b.item_type() {
        return false;
    }
    match (&a.value, &b.value) {
        (Value::Structure(x), Value::Structure(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q, depth + 1))
        }
        (x, y) => same_value(x, y),
    }
}

fn bag_key(item: &Item) -> (Tag, String) {
    if item.tag == tags::ATTRIBUTE {
        if let Some(k) = attribute_struct_key(item) {
            return (item.tag, k.name);
        }
    }
    (item.tag, String::new())
}

fn tags_of(items: &[Item]) -> Vec<Tag> {
    items.iter().map(|i| i.tag).collect()
}

/// How many earlier siblings share the item's tag.
fn occurrence(items: &[Item], i: usize) -> usize {
    let Some(t) = items.get(i).map(|x| x.tag) else {
        return 0;
    };
    items[..i].iter().filter(|x| x.tag == t).count()
}

/// A path segment: `Name`, or `Name[k]` for batch items and repeated tags.
pub(crate) fn segment(tag: Tag, k: usize, siblings_a: &[Tag], siblings_b: &[Tag]) -> String {
    let name = tags::name(tag);
    let count = siblings_a
        .iter()
        .filter(|t| **t == tag)
        .count()
        .max(siblings_b.iter().filter(|t| **t == tag).count());
    if tag == tags::BATCH_ITEM || count > 1 || k > 0 {
        format!("{name}[{k}]")
    } else {
        name
    }
}

/// Plain structure matching: the k-th child with a tag ↔ the k-th actual
/// child with that tag; then the actual children left over.
fn ordered_pairs(ec: &[Item], ac: &[Item]) -> Vec<(Option<usize>, Option<usize>)> {
    let mut used = vec![false; ac.len()];
    let mut pairs = Vec::with_capacity(ec.len() + ac.len());
    for x in ec {
        let j = (0..ac.len()).find(|j| !used[*j] && ac[*j].tag == x.tag);
        if let Some(j) = j {
            used[j] = true;
        }
        pairs.push((Some(pairs.len()), j));
    }
    pairs.extend((0..ac.len()).filter(|j| !used[*j]).map(|j| (None, Some(j))));
    pairs
}

/// Value equality with wire semantics: Big Integers by numeric value,
/// text types by text (item types are compared separately).
/// Key of a client-chosen literal in [`Bindings`] (its debug rendering).
pub(crate) fn literal_key(v: &Value) -> String {
    format!("{v:?}")
}

pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::BigInteger(x), Value::BigInteger(y)) => normalize_bigint(x) == normalize_bigint(y),
        _ => match (a.as_text(), b.as_text()) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

fn deep_equal(a: &Item, b: &Item, depth: usize) -> bool {
    if depth > MAX_DEPTH || a.tag != b.tag || a.item_type() != b.item_type() {
        return false;
    }
    match (&a.value, &b.value) {
        (Value::Structure(x), Value::Structure(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q, depth + 1))
        }
        (x, y) => same_value(x, y),
    }
}

/// Two's-complement big-endian bytes without redundant sign bytes.
fn normalize_bigint(b: &[u8]) -> &[u8] {
    let mut s = b;
    while s.len() > 1 {
        let redundant = (s[0] == 0x00 && s[1] & 0x80 == 0) || (s[0] == 0xFF && s[1] & 0x80 != 0);
        if !redundant {
            break;
        }
        s = &s[1..];
    }
    s
}

/// A bound value converted to the item type declared at a position (text
/// types convert into each other; anything else must match).
pub(crate) fn coerce(v: &Value, t: ItemType) -> Option<Value> {
    if v.item_type() == t {
        return Some(v.clone());
    }
    let text = v.as_text()?.to_string();
    match t {
        ItemType::TextString => Some(Value::TextString(text)),
        ItemType::Identifier => Some(Value::Identifier(text)),
        ItemType::Reference => Some(Value::Reference(text)),
        ItemType::NameReference => Some(Value::NameReference(text)),
        _ => None,
    }
}
