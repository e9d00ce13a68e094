//! The masking table: every variation between an expected and an actual
//! message that the comparison accepts, as data.
//!
//! KMIP Profiles v2.1 §4.1 (same wording in v3.0 §4.1): "Other variations not
//! explicitly noted in this section SHALL be deemed non-conformant." The
//! table is therefore closed: a position no row covers is compared exactly.
//! Each row says where it applies ([`Where`]), under which facts about the
//! exchange ([`Cond`]), what it allows ([`Effect`]), for which protocol
//! versions and which side of the exchange ([`Side`]), why, and which spec
//! text allows it. The comparison engine (`engine.rs`) never decides a
//! tolerance itself: at each position it asks `find` for the first row
//! whose scope, conditions and effect fit, and reports the row's id with
//! every position it masks.
//!
//! `docs/masking.md` is generated from this table ([`markdown`]); a unit test
//! keeps the two in sync.
//!
//! Client mode (the harness plays the server and matches the client's
//! REQUESTS) uses the rows with [`Side::Request`] (`req-*`).
//!
//! Some effects check the actual value against facts of the exchange
//! rather than allowing any value: a Key Format Type must be one the spec
//! allows for the object ([`allowed_key_formats`]), a digest must have the
//! hashing algorithm's length and, where the key material is known, its
//! value; an added Located Items must count the identifiers; an added
//! Template-Attribute must agree with the request. Claims that only the
//! whole run can judge (Query answers) are checked by [`crate::query`].

use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, Tag, Value};

use crate::tags::{self, op};

/// Which message of an exchange a row applies to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// Request messages: binding what the harness sends (server mode) and,
    /// in client mode, matching what a client sent.
    Request,
    /// Responses (server mode: matching what a server answered).
    Response,
}

impl Side {
    /// `"request"` / `"response"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// Protocol versions a row applies to: `from` inclusive, `before` exclusive.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Versions {
    /// First version the row applies to.
    pub from: Version,
    /// First version it no longer applies to (`None`: still applies).
    pub before: Option<Version>,
}

impl Versions {
    /// Every version.
    pub const ALL: Versions = Versions {
        from: Version::new(1, 0),
        before: None,
    };

    /// True if `v` is in range; an unknown version is in every range.
    pub fn contains(&self, v: Option<Version>) -> bool {
        match v {
            None => true,
            Some(v) => v >= self.from && self.before.is_none_or(|b| v < b),
        }
    }

    /// `"1.0+"`, `"1.1 ≤ v < 2.0"`.
    pub fn describe(&self) -> String {
        match self.before {
            None => format!("{}+", self.from),
            Some(b) => format!("{} ≤ v < {}", self.from, b),
        }
    }
}

/// Where in a message a row applies.
#[derive(Copy, Clone, Debug)]
pub enum Where {
    /// Any position (or any structure, for structure effects).
    Anywhere,
    /// The position's tag path from the message root (root excluded) is
    /// exactly this (`["ResponseHeader", "TimeStamp"]`); `"*"` matches any
    /// one tag.
    Path(&'static [&'static str]),
    /// The path ends with these tags, anywhere in the message.
    Suffix(&'static [&'static str]),
    /// Inside a batch item whose Operation is one of `ops` (empty: any), the
    /// path relative to the Request/Response Payload is exactly `path`
    /// (`"*"` matches any one tag; an empty path is the payload itself).
    Payload {
        /// Operations (codes, see `tags::op`); empty = any operation.
        ops: &'static [u32],
        /// Path below the payload.
        path: &'static [&'static str],
    },
    /// The value of an attribute named in `names` (a KMIP 2.x attribute
    /// element, or the `AttributeValue` of a KMIP 1.x `Attribute` whose
    /// `AttributeName` normalises to one of the names), or with `field`, a
    /// descendant of that value with that tag.
    AttributeValue {
        /// Attribute names in XML tag form (`"InitialDate"`).
        names: &'static [&'static str],
        /// A field inside the value (`"DigestValue"`), or the value itself.
        field: Option<&'static str>,
    },
    /// A whole attribute (KMIP 2.x element in `Attributes`, or a KMIP 1.x
    /// `Attribute` structure) named in `names` (empty: any attribute) in
    /// the payload of one of `ops` (empty: any).
    Attribute {
        /// Operations; empty = any.
        ops: &'static [u32],
        /// Attribute names; empty = any.
        names: &'static [&'static str],
    },
    /// A position that holds a `$` placeholder in the expected message.
    Placeholder,
    /// Applied by the engine while binding a request (documentation row).
    Builtin,
}

/// A fact about the exchange a row depends on. Evaluated by the engine
/// from the sent request, the actual response and the session's memory.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    /// The batch item's object was generated by the server in this session
    /// (Create, Create Key Pair, Re-key, Re-key Key Pair, Derive Key from a
    /// generated key, Certify, Create Split Key), not registered by the
    /// client.
    ObjectServerGenerated,
    /// The key block is wrapped with a key the server generated.
    WrappingKeyServerGenerated,
    /// The sent request batch item's payload has no field with this tag.
    RequestLacks(&'static str),
    /// The expected response batch item's payload has a field with this tag.
    ExpectedHas(&'static str),
    /// Encrypt with RSA padding OAEP or PKCS#1 v1.5 (from the request's
    /// Cryptographic Parameters, else those registered with the key).
    RandomizedEncryption,
    /// Sign with RSA-PSS, DSA or ECDSA (same sources).
    RandomizedSignature,
    /// The request's input data did NOT come from an earlier actual
    /// response of this session (for Decrypt: a literal ciphertext the
    /// recording server produced, not this server).
    InputNotFromSession,
    /// The attribute was not set by the client in any request of this
    /// session for this object.
    NotSetByClient,
    /// The Get Attributes request named no attributes (all requested).
    AllAttributesRequested,
    /// The Discover Versions request listed no protocol versions.
    NoVersionsInRequest,
    /// The item's value is the Integer 0.
    ValueIsZero,
    /// The attribute is a vendor / server custom attribute (KMIP 2.x
    /// `Attribute` with `VendorIdentification`, KMIP 1.x `y-` name).
    VendorAttribute,
    /// The attribute is not a client-defined custom attribute (a KMIP 1.x
    /// `x-` name): those are the client's and are echoed exactly, never
    /// added by a server.
    NotClientDefinedName,
}

/// What a row allows.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Any value of the same item type (structures: any contents).
    AnyValue,
    /// Same item type and same encoded length (byte / text / big-integer
    /// length); structures: the same tags and types recursively, leaf
    /// lengths equal, other scalar values free.
    SameLength,
    /// A Date-Time within the exchange window: `[sent_at - tolerance,
    /// received_at + tolerance]`.
    NowWindow,
    /// Compared with the sent request batch item's field of the same tag
    /// instead of the test case's literal.
    EchoRequest,
    /// May be absent from the actual message.
    MayBeAbsent,
    /// May be present in the actual message though the test case lacks it.
    MayBeAdded,
    /// The structure's children are a multiset: matched by attribute name
    /// (attributes) or tag, order free.
    Bag,
    /// The structure holds fixed fields and a list: the children with these
    /// tags (the list entries) are matched as a multiset, order free among
    /// themselves; every other field keeps its place relative to the list
    /// (the TTLV encoding fixes it), so a fixed field moved is a difference.
    BagOf(&'static [Tag]),
    /// The structure describes the server: each child tag of the expected
    /// structure must occur at least once with the same item type; values,
    /// repetitions and order are informational.
    Informational,
    /// Placeholder semantics (binding, window, distinctness), built into
    /// the engine; the row documents it.
    Bind,
    /// Client mode, request side: a value the client chooses (a name, a
    /// date, an IV). The first occurrence of an expected literal binds the
    /// client's value (same item type); later occurrences of the same
    /// literal (same tag) must equal that value, and the harness's
    /// responses carry it in place of the literal.
    BindLiteral,
    /// [`Effect::BindLiteral`] for a Name: the client's value must also be
    /// a non-empty value valid for the Name Type of the same Name
    /// (Uninterpreted Text String: any non-empty text; URI: `scheme:…`).
    BindName,
    /// A Key Format Type the spec allows for the object's type and
    /// algorithm (KMIP 2.1 §4.26 / §11.25); the object's type and algorithm
    /// come from the session's record of the object.
    KeyFormatForObject,
    /// A Digest Value whose length is the output length of the Hashing
    /// Algorithm of the same Digest; where the session knows the object's
    /// key material, the value and the Digest's Key Format Type are
    /// verified by computing the digest.
    DigestOfObject,
    /// May be added when it is consistent with the payload: Located Items
    /// at least the number of identifiers returned, and equal to it when
    /// the request had neither Maximum Items nor Offset Items.
    LocatedCount,
    /// May be absent, or added; when added, each attribute it lists that
    /// the sent request set must carry the request's value, and what it
    /// lists is reported.
    AddedAttributeList,
}

impl Effect {
    /// Short name for the docs.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::AnyValue => "any value of the same type",
            Effect::SameLength => "same type and length",
            Effect::NowWindow => "within the exchange time window",
            Effect::EchoRequest => "must echo the request",
            Effect::MayBeAbsent => "may be absent",
            Effect::MayBeAdded => "may be added",
            Effect::Bag => "order-free (multiset)",
            Effect::BagOf(_) => "list entries order-free; fixed fields in place",
            Effect::Informational => "informational contents",
            Effect::Bind => "placeholder binding",
            Effect::BindLiteral => "client-chosen: bound on first use, then exact",
            Effect::BindName => "client-chosen name: non-empty, valid for its Name Type",
            Effect::KeyFormatForObject => "a format the spec allows for the object",
            Effect::DigestOfObject => "digest of the object's material",
            Effect::LocatedCount => "may be added if it counts the identifiers",
            Effect::AddedAttributeList => "may be absent; added content compared",
        }
    }
}

/// One row of the masking table.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, reported with every masked position (`"result-message"`).
    pub id: &'static str,
    /// Human description of the path / tag it applies to.
    pub applies_to: &'static str,
    /// Human description of what it allows.
    pub action: &'static str,
    /// Why a correct implementation may differ here.
    pub why: &'static str,
    /// The spec text that allows it (`"KMIP Profiles v2.1 §4.1.1 item 6"`).
    pub citation: &'static str,
    /// Request or response side.
    pub side: Side,
    /// Protocol versions.
    pub versions: Versions,
    /// Where it applies (any of these; machine form of `applies_to`).
    pub scopes: &'static [Where],
    /// Facts that must all hold.
    pub conds: &'static [Cond],
    /// What it allows (machine form of `action`).
    pub effects: &'static [Effect],
}

const V1_1: Version = Version::new(1, 1);
const V2_0: Version = Version::new(2, 0);
const V3_0: Version = Version::new(3, 0);

/// KMIP 1.x responses only.
const V1X: Versions = Versions {
    from: Version::new(1, 0),
    before: Some(V2_0),
};

/// The DateTime attributes of Profiles §4.1.1 item 9 (PROF30 names, which
/// correct the PROF21 erratum "Protect Start Date" / "Process Stop Date"),
/// plus PROF30's Build, Rotate and Submission dates.
const ITEM9_DATES: &[&str] = &[
    "ActivationDate",
    "ArchiveDate",
    "CompromiseDate",
    "CompromiseOccurrenceDate",
    "DeactivationDate",
    "DestroyDate",
    "InitialDate",
    "LastChangeDate",
    "ProcessStartDate",
    "ProtectStopDate",
    "ValidityDate",
    "OriginalCreationDate",
    "BuildDate",
    "RotateDate",
    "SubmissionDate",
];

const CRYPTO_OUTPUTS: &[&str] = &[
    "Data",
    "SignatureData",
    "MACData",
    "IVCounterNonce",
    "AuthenticatedEncryptionTag",
];

static RULES: &[Rule] = &[
    // ---- placeholders (engine built-in, documented here) -------------------
    Rule {
        id: "placeholder-bind",
        applies_to: "any `$NAME` placeholder of the documented list in an expected response",
        action: "first occurrence (by tree position) binds the actual value (same item type); later occurrences in requests and responses use / must equal the bound value; `$UNIQUE_IDENTIFIER_n` (and `$SHORT_UNIQUE_IDENTIFIER_n`) of different names never bind the same value; an unknown name is an error",
        why: "the test case cannot know identifiers, keys and outputs the server will choose",
        citation: "KMIP Profiles v2.1 §4 (\"Symbolic identifiers … replace it with a reasonable appearing datum of the expected type\"), §4.1.1 items 1–3",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Placeholder],
        conds: &[],
        effects: &[Effect::Bind],
    },
    Rule {
        id: "placeholder-now",
        applies_to: "`$NOW`, `$NOW+n`, `$NOW-n` in an expected response",
        action: "any Date-Time within [run start - skew + n, received + skew + n] (skew: `run --clock-skew`, default 300 s); outside it the position is a difference naming the window, and no other row may allow it; in a request, replaced by now + n",
        why: "time values are written relative to the moment the case runs; a date set earlier in the run (an Initial Date read back later) lies between the run start and now",
        citation: "KMIP Profiles v2.1 §4 (\"Time values can be specified … of the form $NOW or $NOW-n or $NOW+n\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Placeholder],
        conds: &[],
        effects: &[Effect::Bind],
    },
    Rule {
        id: "placeholder-implicit",
        applies_to: "a captured placeholder (`$MAC_DATA`, `$DATA_n`, `$IV_COUNTER_NONCE`, …) first seen in a REQUEST",
        action: "bound from the field with the same tag in the most recent earlier actual response that has one",
        why: "some cases (CS-AC-M-6 `$MAC_DATA`; CS-BC-M-13 v1.3–2.0 `$DATA_0` / `$IV_COUNTER_NONCE`) use a placeholder in a request whose binding site is a literal in an earlier response",
        citation: "KMIP Profiles v2.1 §4 (symbolic identifiers), §4.1.1 item 8",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Placeholder],
        conds: &[],
        effects: &[Effect::Bind],
    },
    Rule {
        id: "carry-output",
        applies_to: "a literal Data / IV Counter Nonce / Authenticated Encryption Tag / Signature Data / MAC Data in a REQUEST equal to an earlier expected response value that a rule masked",
        action: "replaced by the value the server actually returned at that position",
        why: "cases written before v3.0 copy the recording server's random output (ciphertext, IV) into the next request (e.g. CS-BC-M-3 Encrypt → Decrypt); only this server's own output can round-trip",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (variable Data / IV when the object is server-generated or the operation is variable)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Builtin],
        conds: &[],
        effects: &[Effect::Bind],
    },
    // ---- client mode: the REQUESTS a client under test sends ------------------
    Rule {
        id: "req-placeholder",
        applies_to: "any `$NAME` placeholder in an expected REQUEST (client mode)",
        action: "`$UNIQUE_IDENTIFIER_n` / `$SHORT_UNIQUE_IDENTIFIER_n` and captured values must equal what the harness issued in its responses (an unbound one binds the client's value); `$NOW±n` accepts any Date-Time within [received - tolerance + n, received + tolerance + n]",
        why: "the client must use the identifiers and outputs the server (the harness) gave it; times are relative to the run",
        citation: "KMIP Profiles v2.1 §4 (symbolic identifiers, `$NOW±n`), §4.1.1 items 1–3",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Placeholder],
        conds: &[],
        effects: &[Effect::Bind],
    },
    Rule {
        id: "req-header-client-correlation",
        applies_to: "RequestHeader/ClientCorrelationValue (client mode)",
        action: "any value; may be absent or added",
        why: "the client correlation value is the client's choice and optional",
        citation: "KMIP Profiles v2.1 §4.1.2 item 20; KMIP 2.1 §8.5 (Client Correlation Value, REQUIRED: No)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["RequestHeader", "ClientCorrelationValue"])],
        conds: &[],
        effects: &[Effect::AnyValue, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "req-header-authentication",
        applies_to: "RequestHeader/Authentication (client mode)",
        action: "any contents; may be absent or added",
        why: "credentials depend on the client's configuration, not on the test case",
        citation: "KMIP Profiles v2.1 §4.1.2 item 4 (Authentication may be included)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["RequestHeader", "Authentication"])],
        conds: &[],
        effects: &[Effect::AnyValue, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "req-header-timestamp",
        applies_to: "RequestHeader/TimeStamp (client mode)",
        action: "may be absent or added; when both have one, any Date-Time within the exchange window",
        why: "the request time stamp is the client's clock and optional",
        citation: "KMIP 2.1 §8.4 / KMIP 1.4 §7.2 (Request Header: Time Stamp, REQUIRED: No)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["RequestHeader", "TimeStamp"])],
        conds: &[],
        effects: &[Effect::NowWindow, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "req-batch-item-id",
        applies_to: "BatchItem/UniqueBatchItemID of a request (client mode)",
        action: "any value; may be absent or added (the harness echoes the client's value in its response)",
        why: "the client chooses batch item ids",
        citation: "KMIP Profiles v2.1 §4.1.2 item 6; KMIP 2.1 §9.21",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["BatchItem", "UniqueBatchItemID"])],
        conds: &[],
        effects: &[Effect::AnyValue, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "req-attributes-order",
        applies_to: "request attribute lists (client mode): TemplateAttribute / Common-, PrivateKey-, PublicKeyTemplateAttribute / Attributes children, and the attributes of a KMIP 1.x Locate payload",
        action: "order-free: matched by attribute name",
        why: "the order in which a client lists the attributes of a template or Locate is not specified",
        citation: "KMIP 1.4 §2.1.8 (Template-Attribute: a list of attributes); KMIP Profiles v2.1 §4.1.2 item 5 (attribute order not specified)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[
            Where::Payload { ops: &[], path: &["TemplateAttribute"] },
            Where::Payload { ops: &[], path: &["CommonTemplateAttribute"] },
            Where::Payload { ops: &[], path: &["PrivateKeyTemplateAttribute"] },
            Where::Payload { ops: &[], path: &["PublicKeyTemplateAttribute"] },
            Where::Payload { ops: &[], path: &["Attributes"] },
            Where::Payload { ops: &[], path: &["CommonAttributes"] },
            Where::Payload { ops: &[], path: &["PrivateKeyAttributes"] },
            Where::Payload { ops: &[], path: &["PublicKeyAttributes"] },
            Where::Payload { ops: &[op::LOCATE], path: &[] },
        ],
        conds: &[],
        effects: &[Effect::Bag],
    },
    Rule {
        id: "req-attribute-index-zero",
        applies_to: "Attribute/AttributeIndex with value 0 in a request (client mode, KMIP 1.x)",
        action: "may be absent or added",
        why: "index 0 is the default; clients differ in whether they send it",
        citation: "KMIP 1.4 §2.1.1 (Attribute Index: \"SHALL NOT be specified\" / defaults to 0); SKLC Profile v1.0 §4.7",
        side: Side::Request,
        versions: V1X,
        scopes: &[Where::Suffix(&["Attribute", "AttributeIndex"])],
        conds: &[Cond::ValueIsZero],
        effects: &[Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "req-client-name",
        applies_to: "Name attribute value (NameValue) in a request (client mode)",
        action: "client-chosen: the first occurrence of a literal binds the client's name, which must be a non-empty value valid for the Name Type of the same Name (Uninterpreted Text String: any non-empty text; URI: `scheme:…`); later occurrences of the same literal must equal it; responses carry it",
        why: "object names are chosen by the client (and may carry vendor/application prefixes)",
        citation: "KMIP Profiles v2.1 §4.1.2 item 2 and §4.1.1 item 18 (test identifiers in names may be omitted or prefixed); KMIP 2.1 §4.36 / KMIP 1.4 §3.2 (Name: Name Value, Name Type)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::AttributeValue { names: &["Name"], field: Some("NameValue") }],
        conds: &[],
        effects: &[Effect::BindName],
    },
    Rule {
        id: "req-client-dates",
        applies_to: "Date-Time attributes a client sets (Profiles §4.1.1 item 9 list) and Revoke CompromiseOccurrenceDate, in a request (client mode)",
        action: "client-chosen: bound on first use (same type), then exact; responses carry the client's value",
        why: "dates a client sets are relative to when it runs; the case's literal is the recording client's clock",
        citation: "KMIP Profiles v2.1 §4.1.1 item 9 (date attributes vary), §4 (`$NOW±n`)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[
            Where::AttributeValue { names: ITEM9_DATES, field: None },
            Where::Payload { ops: &[op::REVOKE], path: &["CompromiseOccurrenceDate"] },
        ],
        conds: &[],
        effects: &[Effect::BindLiteral],
    },
    Rule {
        id: "req-client-iv",
        applies_to: "IVCounterNonce in an Encrypt request (client mode)",
        action: "client-chosen: bound on first use (same type), then exact",
        why: "a client may generate its own IV; only its reuse is checked",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (IV Counter Nonce variable)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::ENCRYPT], path: &["IVCounterNonce"] }],
        conds: &[],
        effects: &[Effect::BindLiteral],
    },
    Rule {
        id: "req-revocation-message",
        applies_to: "Revoke RevocationReason/RevocationMessage in a request (client mode)",
        action: "free text: may differ, be absent or added (the reason code stays exact)",
        why: "the revocation message is free text",
        citation: "KMIP 1.4 §3.31 / KMIP 2.1 §7.2x (Revocation Message, optional text)",
        side: Side::Request,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::REVOKE], path: &["RevocationReason", "RevocationMessage"] }],
        conds: &[],
        effects: &[Effect::AnyValue, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    // ---- response header ---------------------------------------------------
    Rule {
        id: "header-timestamp",
        applies_to: "ResponseHeader/TimeStamp written as a literal (v1.0 cases carry 2012 dates)",
        action: "any Date-Time within the exchange window",
        why: "the time stamp is the server's clock at the time of the run",
        citation: "KMIP Profiles v2.1 §4.1.1 item 6 (Time Stamp)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["ResponseHeader", "TimeStamp"])],
        conds: &[],
        effects: &[Effect::NowWindow],
    },
    Rule {
        id: "header-server-correlation",
        applies_to: "ResponseHeader/ServerCorrelationValue",
        action: "any value; may be absent or added (BL cases carry the recording server's literal values)",
        why: "server correlation values are chosen by the server and optional in the header",
        citation: "KMIP Profiles v2.1 §4.1.1 item 19; KMIP 2.1 §8.5 (Server Correlation Value, REQUIRED: No)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["ResponseHeader", "ServerCorrelationValue"])],
        conds: &[],
        effects: &[Effect::AnyValue, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "header-client-correlation",
        applies_to: "ResponseHeader/ClientCorrelationValue",
        action: "any value; may be absent or added",
        why: "the response header's client correlation value is optional",
        citation: "KMIP Profiles v2.1 §4.1.1 item 20; KMIP 2.1 §8.5 (Client Correlation Value, REQUIRED: No)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["ResponseHeader", "ClientCorrelationValue"])],
        conds: &[],
        effects: &[Effect::AnyValue, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    // ---- batch item --------------------------------------------------------
    Rule {
        id: "result-message",
        applies_to: "BatchItem/ResultMessage",
        action: "free text: may be absent, added, or differ (ResultStatus and ResultReason stay exact)",
        why: "result messages are vendor text (\"DENIED\", \"missing-iv\", …)",
        citation: "KMIP Profiles v2.1 §4.1 response variations (\"Result Message – May or may not be included … and the value (if included) may vary\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["BatchItem", "ResultMessage"])],
        conds: &[],
        effects: &[Effect::AnyValue, Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "batch-item-id-echo",
        applies_to: "BatchItem/UniqueBatchItemID",
        action: "must equal the Unique Batch Item ID of the request batch item that was sent",
        why: "the client may choose any ID; the server must echo it",
        citation: "KMIP Profiles v2.1 §4.1.1 item 4 and §4.1.2 item 6; KMIP 2.1 §9.21 (\"responses to that request SHALL have the same Unique Batch Item ID\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Path(&["BatchItem", "UniqueBatchItemID"])],
        conds: &[],
        effects: &[Effect::EchoRequest],
    },
    // ---- attribute lists -----------------------------------------------------
    Rule {
        id: "attributes-order",
        applies_to: "Get Attributes response, KMIP 2.x: the children of `Attributes`",
        action: "order-free: matched by attribute name; multi-instance attributes in any permutation",
        why: "the order of returned attributes is not specified",
        citation: "KMIP Profiles v2.1 §4.1.2 item 5 (\"The order of Attributes returned in a Get Attributes operation is not specified … Any permutation … is allowed\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::GET_ATTRIBUTES], path: &["Attributes"] }],
        conds: &[],
        effects: &[Effect::Bag],
    },
    Rule {
        id: "attributes-order-1x",
        applies_to: "Get Attributes response, KMIP 1.x: the `Attribute` list (the Unique Identifier stays first)",
        action: "the `Attribute` entries order-free, matched by attribute name; the Unique Identifier keeps its place before them",
        why: "the order of returned attributes is not specified; the payload's fields are (KMIP 1.4 §4.12: Unique Identifier, then Attribute*)",
        citation: "KMIP Profiles v2.1 §4.1.2 item 5; KMIP 1.4 §4.12 (Get Attributes response payload) and §9.1.1.4 (fields in the order of the structure description)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::GET_ATTRIBUTES], path: &[] }],
        conds: &[],
        effects: &[Effect::BagOf(&[tags::ATTRIBUTE])],
    },


    Rule {
        id: "attribute-list-order",
        applies_to: "Get Attribute List response: the attribute names / references",
        action: "order-free (matched as a multiset)",
        why: "the order in which a server lists attribute names is not specified",
        citation: "KMIP Profiles v2.1 §4.1.2 item 5 (order of attributes not specified)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::GET_ATTRIBUTE_LIST], path: &[] }],
        conds: &[],
        effects: &[Effect::BagOf(&[tags::ATTRIBUTE_NAME, tags::ATTRIBUTE_REFERENCE, tags::ATTRIBUTE])],
    },
    Rule {
        id: "attribute-list-extra",
        applies_to: "Get Attribute List response: attribute names / references the test case does not list",
        action: "may be added (each reported)",
        why: "the list names every attribute the server keeps for the object, including its own",
        citation: "KMIP Profiles v2.1 §4.1.1 item 21 (\"Additional attributes beyond those noted in the response\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[
            Where::Payload { ops: &[op::GET_ATTRIBUTE_LIST], path: &["AttributeName"] },
            Where::Payload { ops: &[op::GET_ATTRIBUTE_LIST], path: &["AttributeReference"] },
        ],
        conds: &[],
        effects: &[Effect::MayBeAdded],
    },

    Rule {
        id: "datetime-attribute",
        applies_to: "Date-Time attributes of §4.1.1 item 9 (Activation, Archive, Compromise, Compromise Occurrence, Deactivation, Destroy, Initial, Last Change, Process Start, Protect Stop, Validity, Original Creation; v3.0 Build, Rotate, Submission) not set by the client",
        action: "any Date-Time, for a literal of the test case; a `$NOW±n` placeholder is held to its window (row `placeholder-now`) and never falls back to this row",
        why: "the server sets these dates when the case runs (v1.0 cases carry 2013 literals)",
        citation: "KMIP Profiles v2.1 §4.1.1 item 9 (\"where the value is not specified in the request as a fixed DateTime value\"); names per KMIP Profiles v3.0 §4.1.1 item 9",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::AttributeValue { names: ITEM9_DATES, field: None }],
        conds: &[Cond::NotSetByClient],
        effects: &[Effect::AnyValue],
    },
    Rule {
        id: "rng-attribute",
        applies_to: "Random Number Generator attribute not set by the client",
        action: "contents free (the attribute must be present, a Structure)",
        why: "describes the server's RNG",
        citation: "KMIP Profiles v2.1 §4.1 response variations (\"Random Number Generator attribute contents\"); KMIP 2.1 §4.46",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::AttributeValue { names: &["RandomNumberGenerator"], field: None }],
        conds: &[Cond::NotSetByClient],
        effects: &[Effect::AnyValue],
    },
    Rule {
        id: "lease-time",
        applies_to: "Lease Time attribute",
        action: "any Interval (the attribute must be present)",
        why: "\"A server SHALL store in this attribute the maximum Lease Time it is able to serve\": server policy",
        citation: "KMIP 2.1 §4.30 (Lease Time); KMIP Profiles v2.1 §4.1.1 item 21",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::AttributeValue { names: &["LeaseTime"], field: None }],
        conds: &[Cond::NotSetByClient],
        effects: &[Effect::AnyValue],
    },
    Rule {
        id: "obtain-lease-time",
        applies_to: "Lease Time in an Obtain Lease response payload",
        action: "any Interval (the field must be present)",
        why: "the lease granted is server policy (at most the Lease Time attribute; 0 = no lease limit)",
        citation: "KMIP 1.4 §4.17 Table 207, 2.1 §6.1.35 Table 269 (Obtain Lease, Lease Time REQUIRED); KMIP 2.1 §4.30",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::OBTAIN_LEASE], path: &["LeaseTime"] }],
        conds: &[],
        effects: &[Effect::AnyValue],
    },
    Rule {
        id: "protection-storage-mask",
        applies_to: "Protection Storage Mask attribute when the client requested no Protection Storage Masks",
        action: "any mask (the attribute must be present)",
        why: "records the protection storage the server chose",
        citation: "KMIP 2.1 §4.44 (Protection Storage Mask, \"Initially set by Server\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::AttributeValue { names: &["ProtectionStorageMask"], field: None }],
        conds: &[Cond::NotSetByClient],
        effects: &[Effect::AnyValue],
    },
    Rule {
        id: "object-group",
        applies_to: "Object Group attribute values not set by the client",
        action: "any value; may be added",
        why: "servers may place objects in default groups",
        citation: "KMIP Profiles v2.1 §4.1 response variations (\"Object Group values not in request\"); dropped in KMIP Profiles v3.0",
        side: Side::Response,
        versions: Versions { from: Version::new(1, 0), before: Some(V3_0) },
        scopes: &[Where::Attribute { ops: &[], names: &["ObjectGroup"] }],
        conds: &[Cond::NotSetByClient],
        effects: &[Effect::AnyValue, Effect::MayBeAdded],
    },    Rule {
        id: "vendor-attributes",
        applies_to: "Get Attributes response: vendor / server custom attributes (KMIP 2.x `Attribute` with VendorIdentification, KMIP 1.x `y-` names) not set by the client; KMIP 1.x `x-` names are client-defined and never covered",
        action: "may be added",
        why: "servers attach their own vendor attributes",
        citation: "KMIP Profiles v2.1 §4.1 response variations (\"Vendor Attributes\"); KMIP SKLC Profile v1.0 §4.7 (`y-` custom attributes); KMIP 1.4 §3.39 (\"x-\" prefix: created by the client; \"y-\": created by the server)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Attribute { ops: &[op::GET_ATTRIBUTES], names: &[] }],
        conds: &[Cond::VendorAttribute, Cond::NotSetByClient],
        effects: &[Effect::MayBeAdded],
    },    Rule {
        id: "attributes-all-extra",
        applies_to: "Get Attributes response when the request named no attributes: attributes the test case does not list",
        action: "may be added (each reported), except KMIP 1.x `x-` client-defined attributes; the listed ones must be present and equal",
        why: "asked for all attributes, a server returns every attribute it keeps",
        citation: "KMIP Profiles v2.1 §4.1.1 item 21 (\"Additional attributes beyond those noted in the response\"); KMIP 1.4 §3.39 (`x-` attributes are the client's)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Attribute { ops: &[op::GET_ATTRIBUTES], names: &[] }],
        conds: &[Cond::AllAttributesRequested, Cond::NotClientDefinedName],
        effects: &[Effect::MayBeAdded],
    },
    Rule {
        id: "attribute-index-zero",
        applies_to: "KMIP 1.x Attribute/AttributeIndex with value 0",
        action: "may be absent or added",
        why: "index 0 is the default",
        citation: "KMIP SKLC Profile v1.0 §4.7 (\"AttributeIndex – May or may not include Attribute Index value where the Attribute Index value is 0 for Protocol Versions 1.1 and above\")",
        side: Side::Response,
        versions: Versions { from: V1_1, before: Some(V2_0) },
        scopes: &[Where::Suffix(&["Attribute", "AttributeIndex"])],
        conds: &[Cond::ValueIsZero],
        effects: &[Effect::MayBeAbsent, Effect::MayBeAdded],
    },
    Rule {
        id: "template-attribute-optional",
        applies_to: "KMIP 1.x TemplateAttribute / PrivateKeyTemplateAttribute / PublicKeyTemplateAttribute in a response payload",
        action: "may be absent or added; when added, every attribute it lists that the sent request set must carry the request's value and a client-defined `x-` attribute the request did not set is a difference (the others are attributes the server set implicitly, reported); when both have one, compared like any attribute list",
        why: "the Template-Attribute in Create / Register / Create Key Pair / Re-key / Derive responses is optional; it lists attributes \"implicitly set by the key management server\", so it must not contradict the request",
        citation: "KMIP SKLC Profile v1.0 §4.7 (\"TemplateAttribute – May or may not be included in responses where the Template Attribute response is noted as optional\"); KMIP 1.4 §4.1 (Create response: Template-Attribute \"with values that were not specified in the request, but have been implicitly set by the key management server\")",
        side: Side::Response,
        versions: V1X,
        scopes: &[Where::Payload { ops: &[], path: &["TemplateAttribute"] }, Where::Payload { ops: &[], path: &["PrivateKeyTemplateAttribute"] }, Where::Payload { ops: &[], path: &["PublicKeyTemplateAttribute"] }],
        conds: &[],
        effects: &[Effect::MayBeAbsent, Effect::AddedAttributeList],
    },
    // ---- server-generated material (provenance) -----------------------------
    Rule {
        id: "server-key-material",
        applies_to: "*/KeyBlock/KeyValue of an object the server generated (Create, Create Key Pair, Re-key, …)",
        action: "same type and length (transparent keys: same structure, same field lengths)",
        why: "no other server can reproduce generated key bytes; registered material stays exact",
        citation: "KMIP Profiles v2.1 §4.1.1 item 7a (Key Value / Key Material of server-generated objects)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Suffix(&["KeyBlock", "KeyValue"])],
        conds: &[Cond::ObjectServerGenerated],
        effects: &[Effect::SameLength],
    },
    Rule {
        id: "wrapped-key-material",
        applies_to: "*/KeyBlock/KeyValue of a key wrapped with a server-generated key",
        action: "same type and length",
        why: "the wrapped bytes depend on a key the server generated",
        citation: "KMIP Profiles v2.1 §4.1.1 item 7b (wrapped keys with a dynamic wrapping key)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Suffix(&["KeyBlock", "KeyValue"])],
        conds: &[Cond::WrappingKeyServerGenerated],
        effects: &[Effect::SameLength],
    },
    Rule {
        id: "server-key-digest",
        applies_to: "Digest attribute / DigestValue of an object the server generated",
        action: "a Byte String as long as the output of the Hashing Algorithm of the same Digest (which stays exact); where the session knows the key material (a Get of this object in the case), the digest is computed and must match, with the Key Format Type it claims",
        why: "the digest of generated key material differs per server",
        citation: "KMIP Profiles v2.1 §4.1.1 items 11 and 13 (Digest Value of dynamically generated objects); KMIP 2.1 §4.15 / KMIP 1.4 §3.17 (Digest: the digest of the Key Material in the given Key Format Type)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::AttributeValue { names: &["Digest"], field: Some("DigestValue") }],
        conds: &[Cond::ObjectServerGenerated],
        effects: &[Effect::DigestOfObject],
    },
    Rule {
        id: "server-key-format",
        applies_to: "Key Format Type attribute, and the Digest's Key Format Type, of an object the server generated",
        action: "a Key Format Type the spec allows for the object's type and algorithm: symmetric key Raw / Transparent Symmetric Key; secret data and split key Raw / Opaque; RSA private PKCS#1 / PKCS#8 / Transparent RSA Private, RSA public PKCS#1 / X.509 / Transparent RSA Public; EC private ECPrivateKey / PKCS#8 / Transparent EC (1.x ECDSA, ECDH, ECMQV) Private, EC public X.509 / Transparent EC (1.x ECDSA, ECDH, ECMQV) Public; DSA and DH private PKCS#8 / Transparent, public X.509 / Transparent; certificate X.509; opaque object Opaque; an object of unknown type or algorithm is compared exactly",
        why: "the server selects the format it stores a generated key in (a Get's Key Format Type stays exact)",
        citation: "KMIP Profiles v2.1 §4.1.1 item 12 (Key Format Type selected by the server); KMIP 2.1 §4.26 Table 81 (default Key Format Type by object and algorithm) and §11.25 (what each format encodes)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::AttributeValue { names: &["KeyFormatType"], field: None }, Where::AttributeValue { names: &["Digest"], field: Some("KeyFormatType") }],
        conds: &[Cond::ObjectServerGenerated],
        effects: &[Effect::KeyFormatForObject],
    },
    Rule {
        id: "server-key-output",
        applies_to: "Encrypt / Sign / MAC response Data, Signature Data, MAC Data, IV Counter Nonce, Authenticated Encryption Tag with a key the server generated",
        action: "same type and length",
        why: "the output depends on key bytes only this server has",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (Data / Signature Data / MAC Data / IV Counter Nonce when the object is server-generated)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::ENCRYPT, op::SIGN, op::MAC], path: &["*"] }],
        conds: &[Cond::ObjectServerGenerated],
        effects: &[Effect::SameLength],
    },
    Rule {
        id: "server-key-decrypt",
        applies_to: "Decrypt response Data with a key the server generated, when the ciphertext is the recording server's literal (not this server's output)",
        action: "same type and length (when the ciphertext came from this server, the plaintext is compared exactly)",
        why: "decrypting another server's ciphertext under a freshly generated key cannot give the recorded plaintext (v3.0 writes `$DATA` there)",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (Data when the object is server-generated)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::DECRYPT], path: &["Data"] }],
        conds: &[Cond::ObjectServerGenerated, Cond::InputNotFromSession],
        effects: &[Effect::SameLength],
    },

    Rule {
        id: "randomized-encryption",
        applies_to: "Encrypt response Data with RSA OAEP or PKCS#1 v1.5 padding",
        action: "same type and length",
        why: "RSA encryption padding is randomized; correctness is proven by the Decrypt step",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (\"the operation inherently contains variable output\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::ENCRYPT], path: &["Data"] }],
        conds: &[Cond::RandomizedEncryption],
        effects: &[Effect::SameLength],
    },
    Rule {
        id: "randomized-signature",
        applies_to: "Sign response Signature Data with RSA-PSS, DSA or ECDSA",
        action: "same type and length",
        why: "these signature schemes are randomized; correctness is proven by the Signature Verify step",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (\"the operation inherently contains variable output\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::SIGN], path: &["SignatureData"] }],
        conds: &[Cond::RandomizedSignature],
        effects: &[Effect::SameLength],
    },
    Rule {
        id: "server-chosen-iv",
        applies_to: "Encrypt response IV Counter Nonce, Data and Authenticated Encryption Tag when the request gave no IV",
        action: "same type and length",
        why: "the server picks a random IV, so the ciphertext differs; the following Decrypt proves it",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (IV Counter Nonce; variable output)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::ENCRYPT], path: &["*"] }],
        conds: &[Cond::RequestLacks("IVCounterNonce"), Cond::ExpectedHas("IVCounterNonce")],
        effects: &[Effect::SameLength],
    },
    Rule {
        id: "rng-output",
        applies_to: "RNG Retrieve response Data",
        action: "same type and length",
        why: "random output",
        citation: "KMIP Profiles v2.1 §4.1.1 item 8 (\"the operation inherently contains variable output\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::RNG_RETRIEVE], path: &["Data"] }],
        conds: &[],
        effects: &[Effect::SameLength],
    },
    // ---- operations that describe the server -------------------------------
    Rule {
        id: "query-contents",
        applies_to: "Query response payload (Operation, Object Type, Vendor Identification, Server Information, Application Namespace, Extension Information, … lists)",
        action: "each kind of item the test case lists must be present with the same type; values, counts and order are informational (reported) but must be true of the run: an operation or object type answered Operation Not Supported anywhere in the run (same protocol version) must not be listed, and an operation run successfully must be listed (reason class `query-inconsistent`); with `run --probe-query`, each listed operation the run did not exercise is probed with a minimal request and Operation Not Supported fails the case",
        why: "the answer describes the server's own capabilities, which the rest of the run exercises",
        citation: "KMIP Profiles v2.1 §4.1.1 items 14–17 and §4.1 response variations (\"Vendor Identification value\", \"Server Information – the contents … MAY vary although the structure itself SHALL be present\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::QUERY], path: &[] }],
        conds: &[],
        effects: &[Effect::Informational],
    },
    Rule {
        id: "discover-versions-order",
        applies_to: "Discover Versions response when the request listed no versions",
        action: "order-free (matched as a multiset)",
        why: "with no client list to intersect, the server lists what it supports",
        citation: "KMIP Profiles v2.1 §4.1 response variations (Protocol Versions in Discover Versions when the request lists none)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::DISCOVER_VERSIONS], path: &[] }],
        conds: &[Cond::NoVersionsInRequest],
        effects: &[Effect::BagOf(&[tags::PROTOCOL_VERSION])],
    },
    Rule {
        id: "discover-versions-extra",
        applies_to: "Discover Versions response Protocol Versions the test case does not list, when the request listed none",
        action: "may be added",
        why: "the server lists every version it supports",
        citation: "KMIP Profiles v2.1 §4.1 response variations (additional Protocol Versions in Discover Versions when the request lists none)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::DISCOVER_VERSIONS], path: &["ProtocolVersion"] }],
        conds: &[Cond::NoVersionsInRequest],
        effects: &[Effect::MayBeAdded],
    },

    Rule {
        id: "locate-order",
        applies_to: "Locate response Unique Identifiers",
        action: "order-free; the number of identifiers stays exact",
        why: "the order of located objects is server-defined",
        citation: "KMIP 2.1 §6.1.27 (Locate returns the list of matching identifiers; no order is required of the server)",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::LOCATE], path: &[] }],
        conds: &[],
        effects: &[Effect::BagOf(&[tags::UNIQUE_IDENTIFIER])],
    },
    Rule {
        id: "located-items",
        applies_to: "Locate response LocatedItems not in the test case",
        action: "may be added when it counts the identifiers: at least the number of Unique Identifiers returned, and equal to it when the request had neither Maximum Items nor Offset Items",
        why: "servers may always report the number of located items, but the count must be that of the objects located",
        citation: "KMIP Profiles v2.1 §4.1 response variations (\"Located Items – The field MAY be present in responses to Locate even if an Offset Items field is not present\"); KMIP 2.1 §6.1.27 (Located Items: \"the number of object identifiers that satisfy the identification criteria\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[Where::Payload { ops: &[op::LOCATE], path: &["LocatedItems"] }],
        conds: &[],
        effects: &[Effect::LocatedCount],
    },
    // ---- harness policy -----------------------------------------------------
    Rule {
        id: "field-order",
        applies_to: "returned attribute lists not covered above: KMIP 2.x `Attributes` / `CommonAttributes` / `PrivateKeyAttributes` / `PublicKeyAttributes`, KMIP 1.x `TemplateAttribute` / `PrivateKeyTemplateAttribute` / `PublicKeyTemplateAttribute` in a response",
        action: "order-free: matched by attribute name (strict mode warns about the permutation); everywhere else the order of fields is part of the verdict: fields in another order are a difference",
        why: "the TTLV encoding fixes the order of the fields of a structure; the permitted variations allow permutations only inside returned attribute lists (Get Attributes, Attributes, Get Attribute List, Query lists, Locate results); real clients depend on field order (PyKMIP#100)",
        citation: "KMIP Profiles v2.1 §4.1.2 item 5 (\"Any permutation of the order of the required entries is allowed\"); KMIP 2.1 §2.1 (Attributes: a list of attributes); KMIP 2.1 §10.1.4 / KMIP 1.4 §9.1.1.4 (\"All structures defined in this specification SHALL have all of their fields encoded in the order in which they appear in their respective structure descriptions\"); KMIP 1.4 §7 (\"All fields SHALL appear in the order specified\")",
        side: Side::Response,
        versions: Versions::ALL,
        scopes: &[
            Where::Suffix(&["ResponsePayload", "Attributes"]),
            Where::Suffix(&["ResponsePayload", "CommonAttributes"]),
            Where::Suffix(&["ResponsePayload", "PrivateKeyAttributes"]),
            Where::Suffix(&["ResponsePayload", "PublicKeyAttributes"]),
            Where::Suffix(&["ResponsePayload", "TemplateAttribute"]),
            Where::Suffix(&["ResponsePayload", "PrivateKeyTemplateAttribute"]),
            Where::Suffix(&["ResponsePayload", "PublicKeyTemplateAttribute"]),
        ],
        conds: &[],
        effects: &[Effect::Bag],
    },
];

/// The Key Format Types the spec allows for a key of this Object Type and
/// Cryptographic Algorithm (row `server-key-format`; KMIP 2.1 §4.26 Table
/// 81 and §11.25; KMIP 1.x Transparent ECDSA / ECDH / ECMQV formats for EC
/// keys). `None`: the object type or algorithm is not one the table knows
/// (the position is then compared exactly).
pub fn allowed_key_formats(object: Option<u32>, algorithm: Option<u32>) -> Option<&'static [u32]> {
    use crate::tags::alg::{DH, DSA, EC, ECDH, ECDSA, ECMQV, RSA};
    use crate::tags::key_format::*;
    use crate::tags::object_type::*;
    const EC_ALGS: [u32; 4] = [EC, ECDSA, ECDH, ECMQV];
    Some(match object? {
        SYMMETRIC_KEY => &[RAW, TRANSPARENT_SYMMETRIC_KEY],
        SECRET_DATA | SPLIT_KEY => &[RAW, OPAQUE],
        CERTIFICATE => &[X_509],
        OPAQUE_OBJECT => &[OPAQUE],
        PGP_KEY => &[RAW],
        PRIVATE_KEY => match algorithm? {
            RSA => &[PKCS_1, PKCS_8, TRANSPARENT_RSA_PRIVATE_KEY],
            DSA => &[PKCS_8, TRANSPARENT_DSA_PRIVATE_KEY],
            DH => &[PKCS_8, TRANSPARENT_DH_PRIVATE_KEY],
            a if EC_ALGS.contains(&a) => &[
                EC_PRIVATE_KEY,
                PKCS_8,
                TRANSPARENT_EC_PRIVATE_KEY,
                TRANSPARENT_ECDSA_PRIVATE_KEY,
                TRANSPARENT_ECDH_PRIVATE_KEY,
                TRANSPARENT_ECMQV_PRIVATE_KEY,
            ],
            _ => return None,
        },
        PUBLIC_KEY => match algorithm? {
            RSA => &[PKCS_1, X_509, TRANSPARENT_RSA_PUBLIC_KEY],
            DSA => &[X_509, TRANSPARENT_DSA_PUBLIC_KEY],
            DH => &[X_509, TRANSPARENT_DH_PUBLIC_KEY],
            a if EC_ALGS.contains(&a) => &[
                X_509,
                TRANSPARENT_EC_PUBLIC_KEY,
                TRANSPARENT_ECDSA_PUBLIC_KEY,
                TRANSPARENT_ECDH_PUBLIC_KEY,
                TRANSPARENT_ECMQV_PUBLIC_KEY,
            ],
            _ => return None,
        },
        _ => return None,
    })
}

/// The whole table, in the order it is consulted (the first fitting row
/// wins). Ids repeat where one rule needs several scopes.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// Distinct rule ids in table order.
pub fn ids() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in RULES {
        if !out.contains(&r.id) {
            out.push(r.id);
        }
    }
    out
}

/// Names of the tags a rule's `field`/path strings use, as tags; crypto
/// outputs of Encrypt/Sign/MAC scopes written as `"*"` are restricted to
/// these.
pub(crate) fn crypto_output_tag(tag: Tag) -> bool {
    let name = tags::name(tag);
    CRYPTO_OUTPUTS.contains(&name.as_str())
}

/// One KMIP attribute as it appears at a position: its normalised name
/// (XML tag form for standard attributes; `x-…` / `vendor/name` for custom
/// ones) and whether it is a vendor attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrKey {
    /// Normalised name.
    pub name: String,
    /// Vendor / custom attribute.
    pub vendor: bool,
}

impl AttrKey {
    /// A KMIP 1.x client-defined custom attribute (`x-` name; KMIP 1.4
    /// §3.1: "x-" names are reserved for client-defined attributes, "y-"
    /// for server-defined ones).
    pub fn client_defined(&self) -> bool {
        !self.vendor && self.name.starts_with("x-")
    }
}

/// Where a position sits relative to an attribute.
#[derive(Clone, Debug)]
pub(crate) struct AttrPos {
    /// The attribute.
    pub key: AttrKey,
    /// The position is the whole attribute (2.x element, 1.x `Attribute`).
    pub whole: bool,
    /// The position is the attribute's value (2.x element, 1.x `AttributeValue`).
    pub value: bool,
    /// Tag of the position when it is inside the value.
    pub field: Option<Tag>,
}

/// The facts of one batch item the conditions read.
#[derive(Clone, Debug, Default)]
pub(crate) struct BatchFacts {
    /// Operation code.
    pub op: Option<u32>,
    /// Object provenance: server generated.
    pub object_server_generated: bool,
    /// Tags present anywhere in the sent request payload.
    pub request_tags: Vec<Tag>,
    /// Tags present anywhere in the expected response payload.
    pub expected_tags: Vec<Tag>,
    /// Randomized RSA encryption.
    pub randomized_encryption: bool,
    /// Randomized signature.
    pub randomized_signature: bool,
    /// Input data of the request came from this session's responses.
    pub input_from_session: bool,
    /// Attributes the client set for the object.
    pub client_set: Vec<AttrKey>,
    /// Get Attributes named attributes.
    pub attribute_references: bool,
    /// Discover Versions listed versions.
    pub versions_in_request: bool,
    /// Actual unique identifier of the object the batch item is about,
    /// when the session knows the object.
    pub object_uid: Option<String>,
    /// Unique Identifiers in the actual response payload (Locate).
    pub actual_identifiers: usize,
}

/// Everything known about one position when the engine consults the table.
pub(crate) struct Site<'a> {
    /// Side of the exchange.
    pub side: Side,
    /// Negotiated protocol version, if known.
    pub version: Option<Version>,
    /// Tags from the message root's child down to this position.
    pub tags: &'a [Tag],
    /// Index in `tags` of the first position below the payload, if inside one.
    pub payload_at: Option<usize>,
    /// The batch item's facts, if inside a batch item.
    pub batch: Option<&'a BatchFacts>,
    /// Attribute context.
    pub attr: Option<&'a AttrPos>,
    /// The item at the position (expected if present, else actual).
    pub item: Option<&'a Item>,
    /// The enclosing key block is wrapped with a server-generated key.
    pub wrapped_with_server_key: bool,
    /// The expected item is a placeholder.
    pub placeholder: bool,
}

fn names_match(tags_: &[Tag], pattern: &[&str]) -> bool {
    tags_.len() == pattern.len()
        && tags_
            .iter()
            .zip(pattern)
            .all(|(t, p)| *p == "*" || tags::name(*t) == *p)
}

impl Where {
    fn matches(&self, s: &Site<'_>) -> bool {
        match self {
            Where::Anywhere => true,
            Where::Path(p) => names_match(s.tags, p),
            Where::Suffix(p) => {
                !p.is_empty()
                    && s.tags.len() >= p.len()
                    && names_match(&s.tags[s.tags.len() - p.len()..], p)
            }
            Where::Payload { ops, path } => {
                let Some(at) = s.payload_at else {
                    return false;
                };
                let op_ok =
                    ops.is_empty() || s.batch.and_then(|b| b.op).is_some_and(|o| ops.contains(&o));
                op_ok && s.tags.get(at..).is_some_and(|rel| names_match(rel, path))
            }
            Where::AttributeValue { names, field } => {
                let Some(a) = s.attr else {
                    return false;
                };
                let name_ok = names.contains(&a.key.name.as_str());
                match field {
                    None => name_ok && a.value,
                    Some(f) => name_ok && a.field.is_some_and(|t| tags::name(t) == *f),
                }
            }
            Where::Attribute { ops, names } => {
                let Some(a) = s.attr else {
                    return false;
                };
                let op_ok =
                    ops.is_empty() || s.batch.and_then(|b| b.op).is_some_and(|o| ops.contains(&o));
                op_ok && a.whole && (names.is_empty() || names.contains(&a.key.name.as_str()))
            }
            Where::Placeholder => s.placeholder,
            Where::Builtin => false,
        }
    }
}

impl Cond {
    fn holds(&self, s: &Site<'_>) -> bool {
        let b = s.batch;
        match self {
            Cond::ObjectServerGenerated => b.is_some_and(|b| b.object_server_generated),
            Cond::WrappingKeyServerGenerated => s.wrapped_with_server_key,
            Cond::RequestLacks(name) => {
                b.is_some_and(|b| !b.request_tags.iter().any(|t| tags::name(*t) == *name))
            }
            Cond::ExpectedHas(name) => {
                b.is_some_and(|b| b.expected_tags.iter().any(|t| tags::name(*t) == *name))
            }
            Cond::RandomizedEncryption => b.is_some_and(|b| b.randomized_encryption),
            Cond::RandomizedSignature => b.is_some_and(|b| b.randomized_signature),
            Cond::InputNotFromSession => b.is_some_and(|b| !b.input_from_session),
            Cond::NotSetByClient => match (b, s.attr) {
                (Some(b), Some(a)) => !b.client_set.contains(&a.key),
                _ => false,
            },
            Cond::AllAttributesRequested => b.is_some_and(|b| !b.attribute_references),
            Cond::NoVersionsInRequest => b.is_some_and(|b| !b.versions_in_request),
            Cond::ValueIsZero => s.item.is_some_and(|i| i.value == Value::Integer(0)),
            Cond::VendorAttribute => s.attr.is_some_and(|a| a.key.vendor),
            Cond::NotClientDefinedName => s.attr.is_some_and(|a| !a.key.client_defined()),
        }
    }
}

impl Rule {
    /// True if the row covers the site (side, version, scope, conditions).
    pub(crate) fn covers(&self, s: &Site<'_>) -> bool {
        self.side == s.side
            && self.versions.contains(s.version)
            && self.scopes.iter().any(|w| w.matches(s))
            && self.conds.iter().all(|c| c.holds(s))
            && self.output_restriction(s)
    }

    /// Encrypt / Sign / MAC scopes written with `"*"` only cover the crypto
    /// output fields.
    fn output_restriction(&self, s: &Site<'_>) -> bool {
        let star_only = self
            .scopes
            .iter()
            .all(|w| matches!(w, Where::Payload { path: ["*"], .. }));
        !star_only || s.tags.last().is_some_and(|t| crypto_output_tag(*t))
    }
}

/// The first row that covers the site and has an effect `want` accepts.
pub(crate) fn find(s: &Site<'_>, want: impl Fn(Effect) -> bool) -> Option<(&'static Rule, Effect)> {
    RULES.iter().find_map(|r| {
        if !r.effects.iter().any(|e| want(*e)) || !r.covers(s) {
            return None;
        }
        r.effects.iter().copied().find(|e| want(*e)).map(|e| (r, e))
    })
}

/// The table as Markdown (the body of `docs/masking.md`).
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("| id | side | versions | applies to | action | why | citation |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    let mut seen: Vec<&str> = Vec::new();
    for r in RULES {
        if seen.contains(&r.id) {
            continue;
        }
        seen.push(r.id);
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            r.id,
            r.side.as_str(),
            r.versions.describe(),
            r.applies_to.replace('|', "\\|"),
            r.action.replace('|', "\\|"),
            r.why.replace('|', "\\|"),
            r.citation.replace('|', "\\|"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- BEGIN GENERATED RULE TABLE (kmip-compare rules::markdown) -->\n";
    const END: &str = "<!-- END GENERATED RULE TABLE -->";

    fn doc_path() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/masking.md")
    }

    /// `docs/masking.md` carries the generated table and names every rule.
    /// Regenerate with `KMIP_BLESS=1 cargo test -p kmip-compare masking_doc`.
    #[test]
    fn masking_doc_is_in_sync_with_the_table() {
        let path = doc_path();
        let text = std::fs::read_to_string(&path).expect("docs/masking.md exists");
        let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
            panic!("docs/masking.md lacks the generated-table markers");
        };
        let current = &text[b + BEGIN.len()..e];
        let generated = markdown();
        if current != generated && std::env::var_os("KMIP_BLESS").is_some() {
            let updated = format!("{}{BEGIN}{generated}{}", &text[..b], &text[e..]);
            std::fs::write(&path, updated).expect("write docs/masking.md");
            return;
        }
        assert_eq!(
            current, generated,
            "docs/masking.md is stale: run KMIP_BLESS=1 cargo test -p kmip-compare masking_doc"
        );
        for id in ids() {
            assert!(
                text.contains(&format!("`{id}`")),
                "docs/masking.md does not list rule {id}"
            );
        }
    }

    #[test]
    fn rule_ids_are_unique_and_rows_are_complete() {
        let mut seen = Vec::new();
        for r in rules() {
            assert!(!seen.contains(&r.id), "duplicate rule id {}", r.id);
            seen.push(r.id);
            assert!(
                !r.citation.is_empty() && !r.why.is_empty() && !r.action.is_empty(),
                "{}",
                r.id
            );
            assert!(!r.scopes.is_empty() && !r.effects.is_empty(), "{}", r.id);
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn version_ranges() {
        let v = |a, b| Some(Version::new(a, b));
        let r = Versions {
            from: Version::new(1, 1),
            before: Some(Version::new(2, 0)),
        };
        assert!(!r.contains(v(1, 0)));
        assert!(r.contains(v(1, 1)));
        assert!(r.contains(v(1, 4)));
        assert!(!r.contains(v(2, 0)));
        assert!(r.contains(None));
        assert!(Versions::ALL.contains(v(3, 0)));
    }
}
