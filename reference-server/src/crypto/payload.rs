//! The KMIP payload layer: Encrypt, Decrypt, Sign, Signature Verify, MAC,
//! MAC Verify, Hash (each also multi-part), RNG Retrieve, RNG Seed as
//! functions from a request payload to a response payload, Derive Key's key
//! material ([`derive_key_material`]), plus the key-block helpers the server's
//! Create / Create Key Pair / Re-key / Get / Register use (generation,
//! format conversion, key length, key wrapping): the server's key
//! operations have no other cryptographic code path.
//!
//! The server supplies its objects through [`KeyLookup`] and keeps one
//! [`StreamTable`] (multi-part operations) and one
//! [`ServerRng`](super::rng::ServerRng) for its lifetime. Every function
//! checks, in this order: the object type, the key's state and dates
//! (Protect Stop Date for Encrypt / Sign / MAC, Process Start Date for
//! Decrypt / Signature Verify / MAC Verify), the Cryptographic Usage Mask,
//! the Usage Limits; then runs the engine. Failures are [`OpError`]s whose
//! `reason` is the Result Reason code for the request's protocol version
//! (KMIP 1.x has no Wrong Key Lifecycle State: Permission Denied, as the
//! v1.4 OASIS cases expect).

use super::codes::{
    encoding_option, object_type, state, tags, usage, usage_limits_unit, validity, wrapping_method,
};
use super::engine::{self, CipherStream};
use super::error::{CryptoError, ResultReason};
use super::keyblock::{
    encoded_key_from_key_block, find_key_block, key_block_algorithm, key_block_item,
    key_block_length, key_format, key_material_item,
};
use super::keys::{self, decode_key, KeyClass, KeyMaterial, PairSpec};
use super::params::{
    bool_value, bytes_value, date_value, enum_value, flatten_attributes, int_value, long_value,
    parse_cryptographic_parameters, text_value,
};
use super::rng::ServerRng;
use super::types::{Algorithm, CipherParams, Curve, HashAlg, KeyFormat};
use kmip_ttlv::dict::Version;
use kmip_ttlv::{Item, ItemType, Value};
use rand::rngs::OsRng;
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A failed operation: the Result Reason code and a Result Message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (result reason 0x{reason:X})")]
pub struct OpError {
    /// KMIP Result Reason code.
    pub reason: u32,
    /// Result Message.
    pub message: String,
}

impl OpError {
    /// An error with this Result Reason.
    pub fn new(reason: ResultReason, message: impl Into<String>) -> OpError {
        OpError {
            reason: reason.code(),
            message: message.into(),
        }
    }

    /// Invalid Field.
    pub fn invalid_field(message: impl Into<String>) -> OpError {
        OpError::new(ResultReason::InvalidField, message)
    }
}

impl From<CryptoError> for OpError {
    fn from(e: CryptoError) -> OpError {
        OpError {
            reason: e.result_reason().code(),
            message: e.result_message(),
        }
    }
}

const V2_0: Version = Version::new(2, 0);
const V3_0: Version = Version::new(3, 0);

fn lifecycle_error(version: Version, message: String) -> OpError {
    let reason = if version < V2_0 {
        ResultReason::PermissionDenied
    } else {
        ResultReason::WrongKeyLifecycleState
    };
    OpError::new(reason, message)
}

fn object_type_error(version: Version, message: String) -> OpError {
    let reason = if version < V2_0 {
        ResultReason::IllegalOperation
    } else {
        ResultReason::InvalidObjectType
    };
    OpError::new(reason, message)
}

fn usage_mask_error(version: Version, message: String) -> OpError {
    let reason = if version < V2_0 {
        ResultReason::PermissionDenied
    } else {
        ResultReason::IncompatibleCryptographicUsageMask
    };
    OpError::new(reason, message)
}

/// Usage Limits of a key (KMIP 1.4 §3.21): the total, the remaining count
/// (the server keeps it; `None` = the whole total remains), and the unit
/// (Usage Limits Unit code: Byte or Object).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageLimits {
    /// Usage Limits Total.
    pub total: i64,
    /// Usage Limits Count: what remains.
    pub count: Option<i64>,
    /// Usage Limits Unit code.
    pub unit: u32,
}

/// What the crypto operations need to know about a managed object.
#[derive(Clone, Debug)]
pub struct KeyInfo {
    /// Unique Identifier.
    pub unique_identifier: String,
    /// Object Type code.
    pub object_type: u32,
    /// Cryptographic Algorithm code.
    pub algorithm: Option<u32>,
    /// Cryptographic Length.
    pub length: Option<i32>,
    /// The key material as registered / generated (a Certificate's DER goes
    /// in as X_509 bytes).
    pub key: keys::EncodedKey,
    /// The stored Cryptographic Parameters (1.x allows several: the first
    /// is used to fill what a request leaves out).
    pub parameters: Vec<CipherParams>,
    /// Cryptographic Usage Mask (`None`: not checked).
    pub usage_mask: Option<u32>,
    /// State code (`None`: derived from the activation / deactivation dates).
    pub state: Option<u32>,
    /// Activation Date.
    pub activation_date: Option<i64>,
    /// Deactivation Date.
    pub deactivation_date: Option<i64>,
    /// Process Start Date.
    pub process_start_date: Option<i64>,
    /// Protect Stop Date.
    pub protect_stop_date: Option<i64>,
    /// Usage Limits.
    pub usage_limits: Option<UsageLimits>,
}

impl KeyInfo {
    /// Build from a stored object: `object` is its Key Block or the object
    /// structure holding one (Symmetric Key, Private Key, …; for a
    /// Certificate, the Certificate structure with its Certificate Value);
    /// `attributes` are its attributes in either form (KMIP 2.x items whose
    /// tag is the attribute, an `Attributes` structure, or 1.x `Attribute`
    /// structures / a `TemplateAttribute`). Attributes override the Key
    /// Block's algorithm and length.
    pub fn from_object(
        unique_identifier: &str,
        object_type: u32,
        object: &Item,
        attributes: &[Item],
    ) -> Result<KeyInfo, OpError> {
        let (key, mut algorithm, mut length) = if object_type == object_type::CERTIFICATE {
            let der = object
                .children()
                .iter()
                .find(|c| matches!(c.value, Value::ByteString(_)))
                .or(if matches!(object.value, Value::ByteString(_)) {
                    Some(object)
                } else {
                    None
                })
                .ok_or_else(|| OpError::invalid_field("Certificate without a Certificate Value"))?;
            (
                keys::EncodedKey::Bytes {
                    format: KeyFormat::X509,
                    bytes: bytes_value(der)?.to_vec(),
                },
                None,
                None,
            )
        } else {
            let kb = find_key_block(object)
                .ok_or_else(|| OpError::invalid_field("object without a Key Block"))?;
            (
                encoded_key_from_key_block(kb)?,
                key_block_algorithm(kb)?,
                key_block_length(kb)?,
            )
        };
        let mut info = KeyInfo {
            unique_identifier: unique_identifier.to_string(),
            object_type,
            algorithm: None,
            length: None,
            key,
            parameters: Vec::new(),
            usage_mask: None,
            state: None,
            activation_date: None,
            deactivation_date: None,
            process_start_date: None,
            protect_stop_date: None,
            usage_limits: None,
        };
        for a in flatten_attributes(attributes) {
            match a.tag {
                t if t == tags::CRYPTOGRAPHIC_PARAMETERS => {
                    info.parameters.push(parse_cryptographic_parameters(&a)?)
                }
                t if t == tags::CRYPTOGRAPHIC_ALGORITHM => algorithm = Some(enum_value(&a)?),
                t if t == tags::CRYPTOGRAPHIC_LENGTH => length = Some(int_value(&a)?),
                t if t == tags::CRYPTOGRAPHIC_USAGE_MASK => {
                    info.usage_mask = Some(int_value(&a)? as u32)
                }
                t if t == tags::STATE => info.state = Some(enum_value(&a)?),
                t if t == tags::ACTIVATION_DATE => info.activation_date = Some(date_value(&a)?),
                t if t == tags::DEACTIVATION_DATE => info.deactivation_date = Some(date_value(&a)?),
                t if t == tags::PROCESS_START_DATE => {
                    info.process_start_date = Some(date_value(&a)?)
                }
                t if t == tags::PROTECT_STOP_DATE => info.protect_stop_date = Some(date_value(&a)?),
                t if t == tags::USAGE_LIMITS => {
                    let total = a
                        .child(tags::USAGE_LIMITS_TOTAL)
                        .map(long_value)
                        .transpose()?;
                    let count = a
                        .child(tags::USAGE_LIMITS_COUNT)
                        .map(long_value)
                        .transpose()?;
                    let unit = a
                        .child(tags::USAGE_LIMITS_UNIT)
                        .map(enum_value)
                        .transpose()?;
                    if let (Some(total), Some(unit)) = (total, unit) {
                        info.usage_limits = Some(UsageLimits { total, count, unit });
                    }
                }
                _ => {}
            }
        }
        info.algorithm = algorithm;
        info.length = length;
        Ok(info)
    }

    /// The Cryptographic Parameters to use: those of the request, the
    /// gaps filled from the first stored set.
    pub fn params_or_stored(&self, requested: &CipherParams) -> CipherParams {
        requested.or(&self.parameters.first().cloned().unwrap_or_default())
    }

    /// The key in usable form.
    pub fn key_material(&self, params: &CipherParams) -> Result<KeyMaterial, OpError> {
        let class = match self.object_type {
            object_type::SYMMETRIC_KEY | object_type::SECRET_DATA => KeyClass::Symmetric,
            object_type::PRIVATE_KEY => KeyClass::Private,
            object_type::PUBLIC_KEY | object_type::CERTIFICATE => KeyClass::Public,
            other => {
                return Err(OpError::invalid_field(format!(
                    "object type 0x{other:X} holds no key"
                )))
            }
        };
        let algorithm = match (self.algorithm, params.algorithm) {
            (Some(a), _) => Algorithm::from_code(a),
            (None, Some(a)) => a,
            (None, None) if class != KeyClass::Symmetric => Algorithm::Other(0),
            (None, None) => {
                return Err(OpError::invalid_field(
                    "the key has no Cryptographic Algorithm and the request names none",
                ))
            }
        };
        Ok(decode_key(&self.key, algorithm, class)?)
    }

    /// The state: the State attribute, else derived from the dates.
    pub fn effective_state(&self, now: i64) -> u32 {
        if let Some(s) = self.state {
            return s;
        }
        match (self.activation_date, self.deactivation_date) {
            (_, Some(d)) if d <= now => state::DEACTIVATED,
            (Some(a), _) if a <= now => state::ACTIVE,
            _ => state::PRE_ACTIVE,
        }
    }
}

/// Access to the server's objects.
///
/// Implement [`KeyLookup::key`] over the store (see [`KeyInfo::from_object`]);
/// override [`KeyLookup::allocate_usage`] to decrement Usage Limits Count,
/// and [`KeyLookup::default_identifier`] to resolve the ID Placeholder when a
/// batch item omits the Unique Identifier.
pub trait KeyLookup {
    /// The object with this Unique Identifier (Item Not Found etc. otherwise).
    fn key(&self, unique_identifier: &str) -> Result<KeyInfo, OpError>;

    /// The ID Placeholder, used when the request has no Unique Identifier.
    fn default_identifier(&self) -> Option<String> {
        None
    }

    /// Take `amount` from the object's Usage Limits (bytes or 1 object)
    /// before it is used. The engine has already checked the amount against
    /// [`KeyInfo::usage_limits`]; the default does nothing (no limits kept).
    fn allocate_usage(&self, unique_identifier: &str, amount: i64) -> Result<(), OpError> {
        let _ = (unique_identifier, amount);
        Ok(())
    }

    /// The current time, seconds since the epoch (for the date checks).
    fn now(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// What a stream carries between parts.
enum StreamState {
    /// Encrypt / Decrypt: the cipher state.
    Cipher(CipherStream),
    /// Sign / Signature Verify / MAC / MAC Verify / Hash: the first part's
    /// request (key, Cryptographic Parameters) and the data so far,
    /// computed at the Final part.
    Parts(PartStream),
}

struct PartStream {
    op: PartOp,
    first: Item,
    data: zeroize::Zeroizing<Vec<u8>>,
}

/// Upper bound of the data one buffered stream may collect.
const MAX_STREAM_DATA: usize = 64 * 1024 * 1024;

struct StreamEntry {
    unique_identifier: String,
    state: StreamState,
    last_used: Instant,
}

/// Multi-part (streaming) state of Encrypt / Decrypt / Sign / Signature
/// Verify / MAC / MAC Verify / Hash, keyed by the Correlation Value handed
/// to the client. Bounded: at most `max_streams` open, each
/// dropped after `idle_timeout` without a part.
pub struct StreamTable {
    inner: Mutex<HashMap<Vec<u8>, StreamEntry>>,
    max_streams: usize,
    idle_timeout: Duration,
}

impl Default for StreamTable {
    fn default() -> Self {
        StreamTable::new()
    }
}

impl std::fmt::Debug for StreamTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamTable")
            .field("open", &self.len())
            .field("max_streams", &self.max_streams)
            .finish()
    }
}

impl StreamTable {
    /// 1024 streams, 10 minutes idle timeout.
    pub fn new() -> StreamTable {
        StreamTable::with_limits(1024, Duration::from_secs(600))
    }

    /// Custom bounds.
    pub fn with_limits(max_streams: usize, idle_timeout: Duration) -> StreamTable {
        StreamTable {
            inner: Mutex::new(HashMap::new()),
            max_streams,
            idle_timeout,
        }
    }

    /// Open streams.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// True when no stream is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<Vec<u8>, StreamEntry>>, OpError> {
        self.inner
            .lock()
            .map_err(|_| OpError::new(ResultReason::GeneralFailure, "stream table lock poisoned"))
    }

    fn insert(&self, unique_identifier: &str, state: StreamState) -> Result<Vec<u8>, OpError> {
        let mut m = self.lock()?;
        let timeout = self.idle_timeout;
        m.retain(|_, e| e.last_used.elapsed() < timeout);
        if m.len() >= self.max_streams {
            return Err(OpError::new(
                ResultReason::GeneralFailure,
                format!("too many open streams (at most {})", self.max_streams),
            ));
        }
        let mut id = vec![0u8; 16];
        OsRng
            .try_fill_bytes(&mut id)
            .map_err(|e| OpError::from(CryptoError::Rng(e.to_string())))?;
        m.insert(
            id.clone(),
            StreamEntry {
                unique_identifier: unique_identifier.to_string(),
                state,
                last_used: Instant::now(),
            },
        );
        Ok(id)
    }

    fn take(&self, id: &[u8]) -> Result<Option<StreamEntry>, OpError> {
        let mut m = self.lock()?;
        let timeout = self.idle_timeout;
        Ok(m.remove(id).filter(|e| e.last_used.elapsed() < timeout))
    }

    fn put_back(&self, id: Vec<u8>, mut entry: StreamEntry) -> Result<(), OpError> {
        entry.last_used = Instant::now();
        self.lock()?.insert(id, entry);
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Request reading and response building

fn payload_children(req: &Item) -> Result<&[Item], OpError> {
    match &req.value {
        Value::Structure(c) => Ok(c),
        _ => Err(OpError::invalid_field(
            "the request payload is not a structure",
        )),
    }
}

fn opt_bytes(req: &Item, tag: kmip_ttlv::Tag) -> Result<Option<Vec<u8>>, OpError> {
    req.child(tag)
        .map(|i| bytes_value(i).map(<[u8]>::to_vec))
        .transpose()
}

fn opt_bool(req: &Item, tag: kmip_ttlv::Tag) -> Result<bool, OpError> {
    Ok(req.child(tag).map(bool_value).transpose()?.unwrap_or(false))
}

fn request_params(req: &Item) -> Result<CipherParams, OpError> {
    req.child(tags::CRYPTOGRAPHIC_PARAMETERS)
        .map(parse_cryptographic_parameters)
        .transpose()
        .map(Option::unwrap_or_default)
}

/// The Unique Identifier of the request (or the ID Placeholder) and the
/// item type to answer it with.
fn request_uid(
    req: &Item,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<(String, ItemType), OpError> {
    let default_type = if version >= V3_0 {
        ItemType::Identifier
    } else {
        ItemType::TextString
    };
    match req.child(tags::UNIQUE_IDENTIFIER) {
        Some(i) => Ok((text_value(i)?.to_string(), i.item_type())),
        None => keys
            .default_identifier()
            .map(|u| (u, default_type))
            .ok_or_else(|| OpError::invalid_field("no Unique Identifier and no ID Placeholder")),
    }
}

fn uid_item(uid: &str, ty: ItemType) -> Item {
    let v = match ty {
        ItemType::Identifier => Value::Identifier(uid.to_string()),
        ItemType::Reference => Value::Reference(uid.to_string()),
        _ => Value::TextString(uid.to_string()),
    };
    Item::new(tags::UNIQUE_IDENTIFIER, v)
}

fn response(children: Vec<Item>) -> Item {
    Item::structure(tags::RESPONSE_PAYLOAD, children)
}

fn bytes_item(tag: kmip_ttlv::Tag, b: Vec<u8>) -> Item {
    Item::new(tag, Value::ByteString(b))
}

// ---------------------------------------------------------------------------
// Policy checks

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Use {
    /// Applies protection (Encrypt, Sign, MAC, wrap).
    Protect,
    /// Processes protected data (Decrypt, Verify, MAC Verify, unwrap).
    Process,
}

fn check_key(
    info: &KeyInfo,
    allowed_types: &[u32],
    usage_bit: u32,
    use_: Use,
    op: &str,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<(), OpError> {
    if !allowed_types.contains(&info.object_type) {
        return Err(object_type_error(
            version,
            format!(
                "{op} is not possible with object type 0x{:X}",
                info.object_type
            ),
        ));
    }
    let now = keys.now();
    let st = info.effective_state(now);
    let state_ok = match use_ {
        Use::Protect => st == state::ACTIVE,
        Use::Process => matches!(st, state::ACTIVE | state::DEACTIVATED | state::COMPROMISED),
    };
    if !state_ok {
        return Err(lifecycle_error(
            version,
            format!("{op}: the key is in state 0x{st:X}"),
        ));
    }
    match use_ {
        Use::Protect => {
            if let Some(d) = info.protect_stop_date {
                if d <= now {
                    return Err(lifecycle_error(
                        version,
                        format!("{op}: past the Protect Stop Date"),
                    ));
                }
            }
        }
        Use::Process => {
            if let Some(d) = info.process_start_date {
                if d > now {
                    return Err(lifecycle_error(
                        version,
                        format!("{op}: before the Process Start Date"),
                    ));
                }
            }
        }
    }
    if let Some(mask) = info.usage_mask {
        if mask & usage_bit == 0 {
            return Err(usage_mask_error(
                version,
                format!("{op}: the Cryptographic Usage Mask does not allow it"),
            ));
        }
    }
    Ok(())
}

/// Check and take the Usage Limits for `data_len` bytes of use.
fn take_usage(info: &KeyInfo, data_len: usize, keys: &dyn KeyLookup) -> Result<(), OpError> {
    let Some(l) = &info.usage_limits else {
        return Ok(());
    };
    let amount = if l.unit == usage_limits_unit::OBJECT {
        1
    } else {
        data_len as i64
    };
    let remaining = l.count.unwrap_or(l.total);
    if amount > remaining {
        return Err(OpError::new(
            ResultReason::PermissionDenied,
            format!("usage limits exhausted ({remaining} left, {amount} needed)"),
        ));
    }
    keys.allocate_usage(&info.unique_identifier, amount)
}

// ---------------------------------------------------------------------------
// Encrypt / Decrypt

fn cipher_op(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
    encrypt: bool,
) -> Result<Item, OpError> {
    payload_children(req)?;
    let op = if encrypt { "Encrypt" } else { "Decrypt" };
    let data = opt_bytes(req, tags::DATA)?;
    let init = opt_bool(req, tags::INIT_INDICATOR)?;
    let fin = opt_bool(req, tags::FINAL_INDICATOR)?;
    let correlation = opt_bytes(req, tags::CORRELATION_VALUE)?;
    let tag = opt_bytes(req, tags::AUTHENTICATED_ENCRYPTION_TAG)?;

    // A later part of a stream.
    if let Some(corr) = correlation {
        let StreamEntry {
            unique_identifier,
            state,
            ..
        } = streams
            .take(&corr)?
            .ok_or_else(|| unknown_correlation(version))?;
        let stream = match state {
            StreamState::Cipher(c) if c.is_encrypt() == encrypt => c,
            other => {
                // Not this operation's stream: leave it to its owner.
                streams.put_back(
                    corr,
                    StreamEntry {
                        unique_identifier,
                        state: other,
                        last_used: Instant::now(),
                    },
                )?;
                return Err(OpError::invalid_field(format!(
                    "the Correlation Value is not an {op} stream"
                )));
            }
        };
        let uid_type = req.child(tags::UNIQUE_IDENTIFIER).map(Item::item_type);
        if let Some(u) = req.child(tags::UNIQUE_IDENTIFIER) {
            if text_value(u)? != unique_identifier {
                return Err(OpError::invalid_field(
                    "the Unique Identifier is not the stream's key",
                ));
            }
        }
        let uid_type = uid_type.unwrap_or(if version >= V3_0 {
            ItemType::Identifier
        } else {
            ItemType::TextString
        });
        let info = keys.key(&unique_identifier)?;
        let use_ = if encrypt { Use::Protect } else { Use::Process };
        let bit = if encrypt {
            usage::ENCRYPT
        } else {
            usage::DECRYPT
        };
        check_key(
            &info,
            &[object_type::SYMMETRIC_KEY],
            bit,
            use_,
            op,
            keys,
            version,
        )?;
        let data = data.unwrap_or_default();
        take_usage(&info, data.len(), keys)?;
        let uid = unique_identifier.clone();
        let mut out = vec![uid_item(&uid, uid_type)];
        if fin {
            let r = stream.finish(&data, tag.as_deref())?;
            out.push(bytes_item(tags::DATA, r.data));
            if let Some(t) = r.tag {
                out.push(bytes_item(tags::AUTHENTICATED_ENCRYPTION_TAG, t));
            }
        } else {
            let mut stream = stream;
            let part = stream.update(&data)?;
            streams.put_back(
                corr.clone(),
                StreamEntry {
                    unique_identifier,
                    state: StreamState::Cipher(stream),
                    last_used: Instant::now(),
                },
            )?;
            out.push(bytes_item(tags::DATA, part));
            out.push(bytes_item(tags::CORRELATION_VALUE, corr));
        }
        return Ok(response(out));
    }

    let (uid, uid_type) = request_uid(req, keys, version)?;
    let info = keys.key(&uid)?;
    let data = data.ok_or_else(|| OpError::invalid_field(format!("{op} without Data")))?;
    let (types, use_, bit): (&[u32], Use, u32) = if encrypt {
        (
            &[
                object_type::SYMMETRIC_KEY,
                object_type::PUBLIC_KEY,
                object_type::CERTIFICATE,
                object_type::PRIVATE_KEY,
            ],
            Use::Protect,
            usage::ENCRYPT,
        )
    } else {
        (
            &[object_type::SYMMETRIC_KEY, object_type::PRIVATE_KEY],
            Use::Process,
            usage::DECRYPT,
        )
    };
    check_key(&info, types, bit, use_, op, keys, version)?;
    let mut p = info.params_or_stored(&request_params(req)?);
    p.iv = opt_bytes(req, tags::IV_COUNTER_NONCE)?;
    p.aad = opt_bytes(req, tags::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA)?;
    p.tag = tag;
    let key = info.key_material(&p)?;
    take_usage(&info, data.len(), keys)?;
    let mut out = vec![uid_item(&uid, uid_type)];

    if init && !fin {
        let (mut stream, iv) = CipherStream::start(&key, &p, encrypt)?;
        let part = stream.update(&data)?;
        let corr = streams.insert(&uid, StreamState::Cipher(stream))?;
        out.push(bytes_item(tags::DATA, part));
        if let Some(iv) = iv {
            out.push(bytes_item(tags::IV_COUNTER_NONCE, iv));
        }
        out.push(bytes_item(tags::CORRELATION_VALUE, corr));
        return Ok(response(out));
    }

    if encrypt {
        let r = engine::encrypt(&key, &p, &data)?;
        out.push(bytes_item(tags::DATA, r.data));
        if let Some(iv) = r.iv {
            out.push(bytes_item(tags::IV_COUNTER_NONCE, iv));
        }
        if let Some(t) = r.tag {
            out.push(bytes_item(tags::AUTHENTICATED_ENCRYPTION_TAG, t));
        }
    } else {
        out.push(bytes_item(tags::DATA, engine::decrypt(&key, &p, &data)?));
    }
    Ok(response(out))
}

/// Encrypt (KMIP 1.4 §4.29, 2.1 §6.1.21): one-shot, or a part of a stream
/// (Init Indicator → Correlation Value in the answer; Final Indicator →
/// the tag). Answers Unique Identifier, Data, and IV/Counter/Nonce when the
/// server generated it, Authenticated Encryption Tag for AEAD.
pub fn encrypt(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
) -> Result<Item, OpError> {
    cipher_op(req, keys, streams, version, true)
}

/// Decrypt (KMIP 1.4 §4.30, 2.1 §6.1.15): the inverse of [`encrypt`].
pub fn decrypt(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
) -> Result<Item, OpError> {
    cipher_op(req, keys, streams, version, false)
}

// ---------------------------------------------------------------------------
// Sign / Signature Verify / MAC / MAC Verify / Hash

/// A Correlation Value that names no open stream: Invalid Correlation Value
/// (KMIP 2.x, e.g. 2.1 §6.1.32 Table 261), Item Not Found in 1.x ("No
/// outstanding operation with the specified Correlation Value exists",
/// 1.4 §11.30–§11.34; 1.x has no Invalid Correlation Value).
fn unknown_correlation(version: Version) -> OpError {
    let reason = if version < V2_0 {
        ResultReason::ItemNotFound
    } else {
        ResultReason::InvalidCorrelationValue
    };
    OpError::new(reason, "unknown or expired Correlation Value")
}

/// The operations streamed by collecting the parts (see [`StreamState`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum PartOp {
    Sign,
    Verify,
    Mac,
    MacVerify,
    Hash,
}

impl PartOp {
    fn label(self) -> &'static str {
        match self {
            PartOp::Sign => "Sign",
            PartOp::Verify => "Signature Verify",
            PartOp::Mac => "MAC",
            PartOp::MacVerify => "MAC Verify",
            PartOp::Hash => "Hash",
        }
    }
}

/// The request fields a part carries that the computation does not keep.
const PART_FIELDS: [kmip_ttlv::Tag; 6] = [
    tags::DATA,
    tags::CORRELATION_VALUE,
    tags::INIT_INDICATOR,
    tags::FINAL_INDICATOR,
    tags::SIGNATURE_DATA,
    tags::MAC_DATA,
];

/// The key checks of a stream's first part (the Final part repeats them
/// through the single-part function).
fn check_part_key(
    op: PartOp,
    uid: &str,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<(), OpError> {
    let (types, bit, use_): (&[u32], u32, Use) = match op {
        PartOp::Sign => (&[object_type::PRIVATE_KEY], usage::SIGN, Use::Protect),
        PartOp::Verify => (
            &[
                object_type::PUBLIC_KEY,
                object_type::CERTIFICATE,
                object_type::PRIVATE_KEY,
            ],
            usage::VERIFY,
            Use::Process,
        ),
        PartOp::Mac => (
            &[object_type::SYMMETRIC_KEY, object_type::SECRET_DATA],
            usage::MAC_GENERATE,
            Use::Protect,
        ),
        PartOp::MacVerify => (
            &[object_type::SYMMETRIC_KEY, object_type::SECRET_DATA],
            usage::MAC_VERIFY,
            Use::Process,
        ),
        PartOp::Hash => return Ok(()),
    };
    let info = keys.key(uid)?;
    check_key(&info, types, bit, use_, op.label(), keys, version)
}

/// Multi-part Sign / Signature Verify / MAC / MAC Verify / Hash (KMIP 1.4
/// §4.31–4.34, §4.37; 2.1 §6.1.24, §6.1.32, §6.1.33, §6.1.55, §6.1.56:
/// Correlation Value, Init Indicator, Final Indicator). The first part
/// (Init Indicator) checks the key and opens a stream; each later part
/// names it by Correlation Value and adds its Data; the Final part computes
/// over all the data, with that part's Signature Data / MAC Data for the
/// verifications, through the single-part function `single`. Parts before
/// the Final answer the Correlation Value and no result ("No for
/// multi-part" in the response tables). `None`: a single-part request.
///
/// A Final Indicator with neither a Correlation Value nor an Init Indicator
/// names no stream to finish: Invalid Field. A Correlation Value this server
/// did not issue (or whose stream expired or finished): Invalid Correlation
/// Value (KMIP 2.x; Item Not Found in 1.x, see [`unknown_correlation`]).
fn parts(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
    op: PartOp,
    single: &dyn Fn(&Item) -> Result<Item, OpError>,
) -> Result<Option<Item>, OpError> {
    let init = opt_bool(req, tags::INIT_INDICATOR)?;
    let fin = opt_bool(req, tags::FINAL_INDICATOR)?;
    let corr = opt_bytes(req, tags::CORRELATION_VALUE)?;
    let data = opt_bytes(req, tags::DATA)?.unwrap_or_default();
    let keyed = op != PartOp::Hash;
    let without = |r: &Item, drop: &[kmip_ttlv::Tag]| {
        Item::structure(
            r.tag,
            r.children()
                .iter()
                .filter(|c| !drop.contains(&c.tag))
                .cloned()
                .collect(),
        )
    };
    let Some(corr) = corr else {
        return match (init, fin) {
            (false, false) => Ok(None),
            (true, true) => Ok(Some(single(&without(
                req,
                &[tags::INIT_INDICATOR, tags::FINAL_INDICATOR],
            ))?)),
            (false, true) => Err(OpError::invalid_field(format!(
                "{}: Final Indicator without a Correlation Value or an Init Indicator: \
                 there is no stream to finish",
                op.label()
            ))),
            (true, false) => {
                if req.child(tags::DIGESTED_DATA).is_some() {
                    return Err(OpError::invalid_field(format!(
                        "multi-part {} takes Data, not Digested Data",
                        op.label()
                    )));
                }
                let mut first = without(req, &PART_FIELDS);
                let mut out = Vec::new();
                let uid = if keyed {
                    let (uid, ty) = request_uid(req, keys, version)?;
                    check_part_key(op, &uid, keys, version)?;
                    let item = uid_item(&uid, ty);
                    first = without(&first, &[tags::UNIQUE_IDENTIFIER]);
                    if let Value::Structure(c) = &mut first.value {
                        c.insert(0, item.clone());
                    }
                    out.push(item);
                    uid
                } else {
                    // Fail early on a missing or unknown Hashing Algorithm.
                    single(&Item::structure(
                        req.tag,
                        first
                            .children()
                            .iter()
                            .cloned()
                            .chain(std::iter::once(bytes_item(tags::DATA, Vec::new())))
                            .collect(),
                    ))?;
                    String::new()
                };
                let id = streams.insert(
                    &uid,
                    StreamState::Parts(PartStream {
                        op,
                        first,
                        data: zeroize::Zeroizing::new(data),
                    }),
                )?;
                out.push(bytes_item(tags::CORRELATION_VALUE, id));
                Ok(Some(response(out)))
            }
        };
    };
    let StreamEntry {
        unique_identifier,
        state,
        ..
    } = streams
        .take(&corr)?
        .ok_or_else(|| unknown_correlation(version))?;
    let mut ps = match state {
        StreamState::Parts(ps) if ps.op == op => ps,
        other => {
            streams.put_back(
                corr,
                StreamEntry {
                    unique_identifier,
                    state: other,
                    last_used: Instant::now(),
                },
            )?;
            return Err(OpError::invalid_field(format!(
                "the Correlation Value is not a {} stream",
                op.label()
            )));
        }
    };
    if let Some(u) = req.child(tags::UNIQUE_IDENTIFIER) {
        if text_value(u)? != unique_identifier {
            return Err(OpError::invalid_field(
                "the Unique Identifier is not the stream's key",
            ));
        }
    }
    if ps.data.len() + data.len() > MAX_STREAM_DATA {
        return Err(OpError::invalid_field(format!(
            "multi-part {}: more than {MAX_STREAM_DATA} bytes of data",
            op.label()
        )));
    }
    ps.data.extend_from_slice(&data);
    if !fin {
        let uid = ps.first.child(tags::UNIQUE_IDENTIFIER).cloned();
        streams.put_back(
            corr.clone(),
            StreamEntry {
                unique_identifier,
                state: StreamState::Parts(ps),
                last_used: Instant::now(),
            },
        )?;
        let mut out: Vec<Item> = uid.into_iter().collect();
        out.push(bytes_item(tags::CORRELATION_VALUE, corr));
        return Ok(Some(response(out)));
    }
    let mut children: Vec<Item> = ps.first.children().to_vec();
    children.push(bytes_item(tags::DATA, ps.data.to_vec()));
    for tag in [tags::SIGNATURE_DATA, tags::MAC_DATA] {
        if let Some(i) = req.child(tag) {
            children.push(i.clone());
        }
    }
    Ok(Some(single(&Item::structure(req.tag, children))?))
}

fn no_streaming(req: &Item, op: &str) -> Result<(), OpError> {
    if req.child(tags::CORRELATION_VALUE).is_some()
        || opt_bool(req, tags::INIT_INDICATOR)?
        || opt_bool(req, tags::FINAL_INDICATOR)?
    {
        return Err(OpError::new(
            ResultReason::FeatureNotSupported,
            format!("multi-part {op}"),
        ));
    }
    Ok(())
}

/// (Data, Digested Data) of a Sign / Signature Verify request.
type SignData = (Option<Vec<u8>>, Option<Vec<u8>>);

fn sign_input(req: &Item, op: &str) -> Result<SignData, OpError> {
    let data = opt_bytes(req, tags::DATA)?;
    let digested = opt_bytes(req, tags::DIGESTED_DATA)?;
    if data.is_none() && digested.is_none() {
        return Err(OpError::invalid_field(format!(
            "{op} without Data or Digested Data"
        )));
    }
    Ok((data, digested))
}

fn input<'a>(
    data: &'a Option<Vec<u8>>,
    digested: &'a Option<Vec<u8>>,
) -> super::asymmetric::SignInput<'a> {
    match (data, digested) {
        (Some(d), _) => super::asymmetric::SignInput::Message(d),
        (None, Some(d)) => super::asymmetric::SignInput::Digest(d),
        (None, None) => super::asymmetric::SignInput::Message(&[]),
    }
}

/// Sign (KMIP 1.4 §4.31, 2.1 §6.1.53): Data or Digested Data → Signature
/// Data; multi-part with Init Indicator / Correlation Value / Final
/// Indicator (see [`parts`]).
pub fn sign(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
) -> Result<Item, OpError> {
    payload_children(req)?;
    let single = |r: &Item| sign_single(r, keys, version);
    match parts(req, keys, streams, version, PartOp::Sign, &single)? {
        Some(r) => Ok(r),
        None => single(req),
    }
}

fn sign_single(req: &Item, keys: &dyn KeyLookup, version: Version) -> Result<Item, OpError> {
    no_streaming(req, "Sign")?;
    let (uid, uid_type) = request_uid(req, keys, version)?;
    let info = keys.key(&uid)?;
    let (data, digested) = sign_input(req, "Sign")?;
    check_key(
        &info,
        &[object_type::PRIVATE_KEY],
        usage::SIGN,
        Use::Protect,
        "Sign",
        keys,
        version,
    )?;
    let p = info.params_or_stored(&request_params(req)?);
    let key = info.key_material(&p)?;
    take_usage(
        &info,
        data.as_ref().or(digested.as_ref()).map_or(0, Vec::len),
        keys,
    )?;
    let sig = super::asymmetric::sign(&key, &p, input(&data, &digested))?;
    Ok(response(vec![
        uid_item(&uid, uid_type),
        bytes_item(tags::SIGNATURE_DATA, sig),
    ]))
}

fn validity_item(ok: bool) -> Item {
    Item::new(
        tags::VALIDITY_INDICATOR,
        Value::Enumeration(if ok {
            validity::VALID
        } else {
            validity::INVALID
        }),
    )
}

/// Signature Verify (KMIP 1.4 §4.32, 2.1 §6.1.54): Validity Indicator Valid
/// or Invalid (an invalid signature is a successful operation).
pub fn signature_verify(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
) -> Result<Item, OpError> {
    payload_children(req)?;
    let single = |r: &Item| signature_verify_single(r, keys, version);
    match parts(req, keys, streams, version, PartOp::Verify, &single)? {
        Some(r) => Ok(r),
        None => single(req),
    }
}

fn signature_verify_single(
    req: &Item,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<Item, OpError> {
    no_streaming(req, "Signature Verify")?;
    let (uid, uid_type) = request_uid(req, keys, version)?;
    let info = keys.key(&uid)?;
    let (data, digested) = sign_input(req, "Signature Verify")?;
    let signature = opt_bytes(req, tags::SIGNATURE_DATA)?
        .ok_or_else(|| OpError::invalid_field("Signature Verify without Signature Data"))?;
    check_key(
        &info,
        &[
            object_type::PUBLIC_KEY,
            object_type::CERTIFICATE,
            object_type::PRIVATE_KEY,
        ],
        usage::VERIFY,
        Use::Process,
        "Signature Verify",
        keys,
        version,
    )?;
    let p = info.params_or_stored(&request_params(req)?);
    let key = info.key_material(&p)?;
    let ok = super::asymmetric::verify(&key, &p, input(&data, &digested), &signature)?;
    Ok(response(vec![uid_item(&uid, uid_type), validity_item(ok)]))
}

fn mac_op(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
    verify: bool,
) -> Result<Item, OpError> {
    payload_children(req)?;
    let single = |r: &Item| mac_single(r, keys, version, verify);
    let op = if verify {
        PartOp::MacVerify
    } else {
        PartOp::Mac
    };
    match parts(req, keys, streams, version, op, &single)? {
        Some(r) => Ok(r),
        None => single(req),
    }
}

fn mac_single(
    req: &Item,
    keys: &dyn KeyLookup,
    version: Version,
    verify: bool,
) -> Result<Item, OpError> {
    let op = if verify { "MAC Verify" } else { "MAC" };
    no_streaming(req, op)?;
    let (uid, uid_type) = request_uid(req, keys, version)?;
    let info = keys.key(&uid)?;
    let data = opt_bytes(req, tags::DATA)?
        .ok_or_else(|| OpError::invalid_field(format!("{op} without Data")))?;
    let (bit, use_) = if verify {
        (usage::MAC_VERIFY, Use::Process)
    } else {
        (usage::MAC_GENERATE, Use::Protect)
    };
    check_key(
        &info,
        &[object_type::SYMMETRIC_KEY, object_type::SECRET_DATA],
        bit,
        use_,
        op,
        keys,
        version,
    )?;
    let p = info.params_or_stored(&request_params(req)?);
    let key = info.key_material(&p)?;
    if verify {
        let mac = opt_bytes(req, tags::MAC_DATA)?
            .ok_or_else(|| OpError::invalid_field("MAC Verify without MAC Data"))?;
        let ok = engine::mac_verify(&key, &p, &data, &mac)?;
        Ok(response(vec![uid_item(&uid, uid_type), validity_item(ok)]))
    } else {
        take_usage(&info, data.len(), keys)?;
        let mac = engine::mac(&key, &p, &data)?;
        Ok(response(vec![
            uid_item(&uid, uid_type),
            bytes_item(tags::MAC_DATA, mac),
        ]))
    }
}

/// MAC (KMIP 1.4 §4.33, 2.1 §6.1.29): Data → MAC Data (HMAC, AES-CMAC);
/// multi-part like [`sign`].
pub fn mac(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
) -> Result<Item, OpError> {
    mac_op(req, keys, streams, version, false)
}

/// MAC Verify (KMIP 1.4 §4.34, 2.1 §6.1.30): Validity Indicator;
/// multi-part like [`sign`].
pub fn mac_verify(
    req: &Item,
    keys: &dyn KeyLookup,
    streams: &StreamTable,
    version: Version,
) -> Result<Item, OpError> {
    mac_op(req, keys, streams, version, true)
}

/// Hash (KMIP 1.4 §4.37, 2.1 §6.1.24): Cryptographic Parameters with a
/// Hashing Algorithm, Data → Data (the digest); multi-part like [`sign`]
/// (no key: the parts answer only the Correlation Value).
pub fn hash(req: &Item, streams: &StreamTable, version: Version) -> Result<Item, OpError> {
    payload_children(req)?;
    struct NoKeys;
    impl KeyLookup for NoKeys {
        fn key(&self, uid: &str) -> Result<KeyInfo, OpError> {
            Err(OpError::invalid_field(format!(
                "Hash uses no key ({uid:?})"
            )))
        }
    }
    let single = |r: &Item| hash_single(r);
    match parts(req, &NoKeys, streams, version, PartOp::Hash, &single)? {
        Some(r) => Ok(r),
        None => single(req),
    }
}

fn hash_single(req: &Item) -> Result<Item, OpError> {
    no_streaming(req, "Hash")?;
    let p = request_params(req)?;
    let alg = p
        .hash
        .or(p.algorithm.and_then(|a| match a {
            Algorithm::Other(c) => Some(HashAlg::from_code(c)),
            _ => None,
        }))
        .ok_or_else(|| OpError::invalid_field("Hash needs a Hashing Algorithm"))?;
    let data =
        opt_bytes(req, tags::DATA)?.ok_or_else(|| OpError::invalid_field("Hash without Data"))?;
    let digest = super::hash::hash(alg, &data)?;
    Ok(response(vec![bytes_item(tags::DATA, digest)]))
}

/// RNG Retrieve (KMIP 1.4 §4.35, 2.1 §6.1.45): Data Length → Data.
pub fn rng_retrieve(req: &Item, rng: &ServerRng, version: Version) -> Result<Item, OpError> {
    let _ = version;
    payload_children(req)?;
    let len = req
        .child(tags::DATA_LENGTH)
        .map(int_value)
        .transpose()?
        .ok_or_else(|| OpError::invalid_field("RNG Retrieve without Data Length"))?;
    let len =
        usize::try_from(len).map_err(|_| OpError::invalid_field(format!("Data Length {len}")))?;
    Ok(response(vec![bytes_item(tags::DATA, rng.retrieve(len)?)]))
}

/// RNG Seed (KMIP 1.4 §4.36, 2.1 §6.1.46): Data → Data Length (accepted).
pub fn rng_seed(req: &Item, rng: &ServerRng, version: Version) -> Result<Item, OpError> {
    let _ = version;
    payload_children(req)?;
    let data = opt_bytes(req, tags::DATA)?
        .ok_or_else(|| OpError::invalid_field("RNG Seed without Data"))?;
    let used = rng.seed(&data)?;
    Ok(response(vec![Item::new(
        tags::DATA_LENGTH,
        Value::Integer(used.min(i32::MAX as usize) as i32),
    )]))
}

// ---------------------------------------------------------------------------
// Derive Key

/// What Derive Key asks of the engine (KMIP 1.4 §4.6, 2.1 §6.1.14): the
/// Derivation Method code, the base objects' Unique Identifiers (in request
/// order), the Derivation Parameters structure and the output length in
/// bytes.
#[derive(Clone, Debug)]
pub struct DeriveRequest<'a> {
    /// Derivation Method code.
    pub method: u32,
    /// Unique Identifiers of the base objects.
    pub base: &'a [String],
    /// Derivation Parameters.
    pub parameters: &'a Item,
    /// Output length, bytes (Cryptographic Length / 8).
    pub out_len: usize,
}

/// The derived bytes of a Derive Key request. Every base object must be a
/// Symmetric Key or Secret Data with the Derive Key bit in its Cryptographic
/// Usage Mask, Active, within its Protect Stop Date. The derivation key is
/// the first Symmetric Key (else the first base object); another Secret
/// Data base object is the derivation data, which the request may not also
/// give as Derivation Data. KMIP 1.x reasons follow 1.4 §11.7 Table 333
/// (wrong type, no Derive Key bit, bad parameters: Invalid Field; both
/// kinds of derivation data: Invalid Message; length beyond the method's
/// output: Cryptographic Failure); 2.x answers Invalid Object Type and
/// Incompatible Cryptographic Usage Mask for the first two.
pub fn derive_key_material(
    req: &DeriveRequest<'_>,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<zeroize::Zeroizing<Vec<u8>>, OpError> {
    use super::derive::{derive, DeriveInput};
    let allowed = [object_type::SYMMETRIC_KEY, object_type::SECRET_DATA];
    let mut infos = Vec::with_capacity(req.base.len());
    for uid in req.base {
        let info = keys.key(uid)?;
        if !allowed.contains(&info.object_type) {
            let reason = if version < V2_0 {
                ResultReason::InvalidField
            } else {
                ResultReason::InvalidObjectType
            };
            return Err(OpError::new(
                reason,
                format!(
                    "object {uid:?} (type 0x{:X}) cannot be a derivation base: \
                     Symmetric Key or Secret Data only",
                    info.object_type
                ),
            ));
        }
        if info.usage_mask.unwrap_or(0) & usage::DERIVE_KEY == 0 {
            let reason = if version < V2_0 {
                ResultReason::InvalidField
            } else {
                ResultReason::IncompatibleCryptographicUsageMask
            };
            return Err(OpError::new(
                reason,
                format!("object {uid:?} does not have the Derive Key bit in its Cryptographic Usage Mask"),
            ));
        }
        check_key(
            &info,
            &allowed,
            usage::DERIVE_KEY,
            Use::Protect,
            "Derive Key",
            keys,
            version,
        )?;
        infos.push(info);
    }
    let key_index = infos
        .iter()
        .position(|i| i.object_type == object_type::SYMMETRIC_KEY)
        .unwrap_or(0);
    let key_info = infos
        .get(key_index)
        .ok_or_else(|| OpError::invalid_field("Derive Key without a Unique Identifier"))?;
    let data_info = infos
        .iter()
        .enumerate()
        .find(|(n, i)| *n != key_index && i.object_type == object_type::SECRET_DATA)
        .map(|(_, i)| i);
    if infos.len() > 2 || (infos.len() == 2 && data_info.is_none()) {
        return Err(OpError::invalid_field(
            "Derive Key takes one derivation key and at most one Secret Data object as derivation data",
        ));
    }
    let dp = req.parameters;
    payload_children(dp)?;
    let data_fields: Vec<&Item> = dp
        .children()
        .iter()
        .filter(|c| c.tag == tags::DERIVATION_DATA)
        .collect();
    if data_fields.len() > 1 {
        return Err(OpError::invalid_field(
            "repeated Derivation Data is only defined for AWS Signature Version 4",
        ));
    }
    let explicit = data_fields.first().map(|i| bytes_value(i)).transpose()?;
    if explicit.is_some() && data_info.is_some() {
        return Err(OpError::new(
            ResultReason::InvalidMessage,
            "derivation data given both as Derivation Data and as a Secret Data object",
        ));
    }
    let mut params = key_info.params_or_stored(&request_params(dp)?);
    let as_bytes = CipherParams {
        algorithm: Some(Algorithm::Other(0)),
        ..CipherParams::default()
    };
    let material = |i: &KeyInfo| -> Result<KeyMaterial, OpError> {
        if i.object_type == object_type::SECRET_DATA {
            i.key_material(&as_bytes)
        } else {
            i.key_material(&params)
        }
    };
    let key = material(key_info)?;
    let data_key = data_info.map(material).transpose()?;
    let data_owned: Option<zeroize::Zeroizing<Vec<u8>>> = match &data_key {
        Some(KeyMaterial::Symmetric { bytes, .. }) => Some(bytes.clone()),
        _ => None,
    };
    let data = explicit.or(data_owned.as_deref().map(|v| v.as_slice()));
    params.algorithm = params
        .algorithm
        .filter(|a| !matches!(a, Algorithm::Other(0)));
    let iv = opt_bytes(dp, tags::INITIALIZATION_VECTOR)?;
    let salt = opt_bytes(dp, tags::SALT)?;
    let iterations = dp
        .child(tags::ITERATION_COUNT)
        .map(int_value)
        .transpose()?
        .map(i64::from);
    let input = DeriveInput {
        key: Some(&key),
        data,
        params,
        iv: iv.as_deref(),
        salt: salt.as_deref(),
        iterations,
    };
    // Usage Limits: one use per base object (Object unit), or the derived
    // length (Byte unit).
    for i in &infos {
        take_usage(i, req.out_len, keys)?;
    }
    Ok(derive(req.method, &input, req.out_len)?)
}

// ---------------------------------------------------------------------------
// Key blocks: generation, conversion, wrapping

/// A new symmetric key as a Raw Key Block (Create). `algorithm` is the
/// Cryptographic Algorithm code, `length` the Cryptographic Length in bits.
pub fn generate_symmetric_key_block(algorithm: u32, length: i32) -> Result<Item, OpError> {
    let alg = Algorithm::from_code(algorithm);
    let k = keys::generate_symmetric(alg, i64::from(length))?;
    let enc = keys::encode_key(&k, KeyFormat::Raw)?;
    Ok(key_block_item(&enc, Some(algorithm), Some(length)))
}

/// What Create Key Pair asks for: the Cryptographic Algorithm code, the
/// Cryptographic Length, the Recommended Curve code (EC) and the Key Format
/// Types of the two halves (`None`: [`keys::default_formats`]).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct PairRequest {
    /// Cryptographic Algorithm code.
    pub algorithm: u32,
    /// Cryptographic Length (RSA modulus bits, DSA L, EC field bits).
    pub length: Option<i32>,
    /// Recommended Curve code (EC, ECDSA, ECDH).
    pub curve: Option<u32>,
    /// Key Format Type codes for the (private, public) Key Blocks.
    pub formats: Option<(u32, u32)>,
}

/// A new key pair as (private, public) Key Blocks (Create Key Pair, Re-key
/// Key Pair): RSA (`length` 512–8192, multiple of 8; PKCS#1 both by
/// default), EC / ECDSA / ECDH (Recommended Curve P-256 / P-384 / P-521 /
/// SECP256K1, or `length` 256 / 384 / 521; Transparent EC Private / Public
/// Key by default,
/// KMIP 1.4 §2.1.7.14–15, 2.1 §3.11–3.12), DSA (`length` = L 2048 or 3072;
/// PKCS#8 / X.509), Ed25519 (`length` 256 or none; PKCS#8 / X.509, RFC
/// 8410). Each Key Block carries the algorithm and the length of the
/// generated key.
pub fn generate_key_pair_blocks(req: PairRequest) -> Result<(Item, Item), OpError> {
    let alg = Algorithm::from_code(req.algorithm);
    let spec = match alg {
        Algorithm::Rsa => {
            let bits = req.length.ok_or_else(|| {
                OpError::invalid_field("RSA key pair without Cryptographic Length")
            })?;
            PairSpec::Rsa(
                u32::try_from(bits)
                    .map_err(|_| OpError::invalid_field(format!("RSA length {bits}")))?,
            )
        }
        Algorithm::Ed25519 => {
            if let Some(c) = req.curve.map(Curve::from_code) {
                if c != Curve::Curve25519 {
                    return Err(OpError::invalid_field(format!(
                        "an Ed25519 key pair is on CURVE25519, not {c}"
                    )));
                }
            }
            if let Some(l) = req.length.filter(|l| *l != 256) {
                return Err(OpError::invalid_field(format!(
                    "Cryptographic Length {l}: Ed25519 keys are 256 bits (32 octets)"
                )));
            }
            PairSpec::Ec(Curve::Curve25519)
        }
        a if a.is_ec() => {
            let c = match (req.curve, req.length) {
                (Some(c), _) => Curve::from_code(c),
                (None, Some(l)) => Curve::from_bits(i64::from(l)).ok_or_else(|| {
                    OpError::invalid_field(format!("no supported curve of {l} bits"))
                })?,
                (None, None) => {
                    return Err(OpError::invalid_field(
                        "EC key pair without Recommended Curve or Cryptographic Length",
                    ))
                }
            };
            if c == Curve::Curve25519 {
                return Err(OpError::invalid_field(
                    "CURVE25519 key pairs are Ed25519 keys: Cryptographic Algorithm Ed25519",
                ));
            }
            if let (Some(l), Some(b)) = (req.length, c.bits()) {
                if i64::from(l) != i64::from(b) {
                    return Err(OpError::invalid_field(format!(
                        "Cryptographic Length {l} does not match curve {c} ({b} bits)"
                    )));
                }
            }
            PairSpec::Ec(c)
        }
        Algorithm::Dsa => match req.length {
            Some(2048) => PairSpec::Dsa(2048, 256),
            Some(3072) => PairSpec::Dsa(3072, 256),
            other => {
                return Err(OpError::invalid_field(format!(
                    "DSA length {other:?} (2048 or 3072 supported)"
                )))
            }
        },
        other => {
            return Err(OpError::new(
                ResultReason::FeatureNotSupported,
                format!("key pair generation for {other}"),
            ))
        }
    };
    let (private, public) = keys::generate_key_pair(spec)?;
    let bits = i32::try_from(private.bits())
        .map_err(|_| OpError::invalid_field("key length out of range"))?;
    let (pf, qf) = match req.formats {
        Some((p, q)) => (KeyFormat::from_code(p), KeyFormat::from_code(q)),
        None => keys::default_formats(private.algorithm()),
    };
    let pb = key_block_item(
        &keys::encode_key(&private, pf)?,
        Some(req.algorithm),
        Some(bits),
    );
    let qb = key_block_item(
        &keys::encode_key(&public, qf)?,
        Some(req.algorithm),
        Some(bits),
    );
    Ok((pb, qb))
}

fn class_of(object_type: u32) -> Result<KeyClass, OpError> {
    match object_type {
        object_type::SYMMETRIC_KEY | object_type::SECRET_DATA => Ok(KeyClass::Symmetric),
        object_type::PRIVATE_KEY => Ok(KeyClass::Private),
        object_type::PUBLIC_KEY => Ok(KeyClass::Public),
        other => Err(OpError::new(
            ResultReason::KeyFormatTypeNotSupported,
            format!("format conversion for object type 0x{other:X}"),
        )),
    }
}

/// The Key Block in another Key Format Type (Get with Key Format Type):
/// Raw ↔ Transparent Symmetric; PKCS#1 ↔ PKCS#8 ↔ Transparent RSA; X.509 ↔
/// PKCS#1 ↔ Transparent RSA public; EC (PKCS#8, SEC 1 ECPrivateKey, X.509,
/// Transparent EC / ECDSA) and DSA likewise. Only the Key Format Type and
/// the Key Material change; the other fields of the Key Block and Key Value
/// stay where they are. The same format returns the block unchanged.
pub fn convert_key_block(
    key_block: &Item,
    object_type: u32,
    target_format: u32,
) -> Result<Item, OpError> {
    let target = KeyFormat::from_code(target_format);
    if key_format(key_block)? == target {
        return Ok(key_block.clone());
    }
    let enc = encoded_key_from_key_block(key_block)?;
    let alg = key_block_algorithm(key_block)?;
    let algorithm = alg.map(Algorithm::from_code).unwrap_or(Algorithm::Other(0));
    let converted = keys::convert_key_format(&enc, algorithm, class_of(object_type)?, target)?;
    let material = key_material_item(&converted);
    let children = key_block
        .children()
        .iter()
        .map(|c| {
            if c.tag == tags::KEY_FORMAT_TYPE {
                Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(target_format))
            } else if c.tag == tags::KEY_VALUE {
                let inner = c
                    .children()
                    .iter()
                    .map(|m| {
                        if m.tag == tags::KEY_MATERIAL {
                            material.clone()
                        } else {
                            m.clone()
                        }
                    })
                    .collect();
                Item::structure(tags::KEY_VALUE, inner)
            } else {
                c.clone()
            }
        })
        .collect();
    Ok(Item::structure(tags::KEY_BLOCK, children))
}

/// The key length in bits of a plaintext Key Block's material (RSA modulus,
/// EC field, DSA L, symmetric key bits), when it decodes.
pub fn key_block_bits(key_block: &Item, object_type: u32) -> Option<u32> {
    let enc = encoded_key_from_key_block(key_block).ok()?;
    let algorithm = key_block_algorithm(key_block)
        .ok()?
        .map(Algorithm::from_code)
        .unwrap_or(Algorithm::Other(0));
    let class = class_of(object_type).ok()?;
    decode_key(&enc, algorithm, class).ok().map(|k| k.bits())
}

/// The key named by an Encryption Key Information structure, checked for
/// wrapping (`types`, usage `bit`), with the Cryptographic Parameters to
/// use (the structure's, gaps filled from the key's stored ones).
fn wrapping_key(
    eki: &Item,
    types: &[u32],
    bit: u32,
    use_: Use,
    what: &str,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<(CipherParams, KeyMaterial), OpError> {
    let wuid = eki.child(tags::UNIQUE_IDENTIFIER).ok_or_else(|| {
        OpError::invalid_field("Encryption Key Information without Unique Identifier")
    })?;
    let winfo = keys.key(text_value(wuid)?)?;
    check_key(&winfo, types, bit, use_, what, keys, version)?;
    let p = winfo.params_or_stored(&request_params(eki)?);
    let wkey = winfo.key_material(&p)?;
    Ok((p, wkey))
}

/// Wrap a Key Block for Get / Export with a Key Wrapping Specification
/// (KMIP 1.4 §2.1.5): Wrapping Method Encrypt with the Encryption Key
/// Information's key (AES: NIST key wrap by default, AESKeyWrapPadding on
/// request; RSA: OAEP / PKCS#1 v1.5). Encoding Option TTLV Encoding (the
/// default) wraps the TTLV of the Key Value; No Encoding wraps the Key
/// Material bytes. Returns the Key Block with a Byte String Key Value and
/// Key Wrapping Data. MAC/signature wrapping and Attribute Names are not
/// supported.
pub fn wrap_key_block(
    key_block: &Item,
    spec: &Item,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<Item, OpError> {
    if super::keyblock::is_wrapped(key_block) {
        return Err(OpError::invalid_field("the key is already wrapped"));
    }
    let method = spec
        .child(tags::WRAPPING_METHOD)
        .map(enum_value)
        .transpose()?
        .ok_or_else(|| {
            OpError::invalid_field("Key Wrapping Specification without Wrapping Method")
        })?;
    if method != wrapping_method::ENCRYPT {
        return Err(OpError::new(
            ResultReason::FeatureNotSupported,
            format!("Wrapping Method 0x{method:X}"),
        ));
    }
    if spec.child(tags::MAC_SIGNATURE_KEY_INFORMATION).is_some()
        || spec.child(tags::ATTRIBUTE_NAME).is_some()
    {
        return Err(OpError::new(
            ResultReason::FeatureNotSupported,
            "MAC/Signature Key Information and Attribute Name in key wrapping",
        ));
    }
    let eki = spec
        .child(tags::ENCRYPTION_KEY_INFORMATION)
        .ok_or_else(|| {
            OpError::invalid_field("Wrapping Method Encrypt without Encryption Key Information")
        })?;
    let (p, wkey) = wrapping_key(
        eki,
        &[
            object_type::SYMMETRIC_KEY,
            object_type::PUBLIC_KEY,
            object_type::CERTIFICATE,
        ],
        usage::WRAP_KEY,
        Use::Protect,
        "key wrapping",
        keys,
        version,
    )?;
    let encoding = spec
        .child(tags::ENCODING_OPTION)
        .map(enum_value)
        .transpose()?;
    let value = key_block.child(tags::KEY_VALUE).ok_or_else(|| {
        OpError::new(
            ResultReason::KeyValueNotPresent,
            "Key Block without Key Value",
        )
    })?;
    let plain = match encoding.unwrap_or(encoding_option::TTLV_ENCODING) {
        encoding_option::NO_ENCODING => {
            let m = value.child(tags::KEY_MATERIAL).ok_or_else(|| {
                OpError::new(
                    ResultReason::KeyValueNotPresent,
                    "Key Value without Key Material",
                )
            })?;
            match &m.value {
                Value::ByteString(b) => zeroize::Zeroizing::new(b.clone()),
                _ => {
                    return Err(OpError::new(
                        ResultReason::EncodingOptionError,
                        "No Encoding needs a Byte String Key Material",
                    ))
                }
            }
        }
        encoding_option::TTLV_ENCODING => {
            zeroize::Zeroizing::new(kmip_ttlv::ttlv::encode(value).map_err(|e| {
                OpError::new(
                    ResultReason::EncodingOptionError,
                    format!("TTLV encoding of the Key Value: {e}"),
                )
            })?)
        }
        other => {
            return Err(OpError::new(
                ResultReason::EncodingOptionError,
                format!("Encoding Option 0x{other:X}"),
            ))
        }
    };
    let wrapped = engine::wrap_key(&wkey, &p, &plain)?;
    let mut kwd = vec![
        Item::new(tags::WRAPPING_METHOD, Value::Enumeration(method)),
        eki.clone(),
    ];
    if let Some(e) = encoding {
        kwd.push(Item::new(tags::ENCODING_OPTION, Value::Enumeration(e)));
    }
    let mut children: Vec<Item> = key_block
        .children()
        .iter()
        .map(|c| {
            if c.tag == tags::KEY_VALUE {
                bytes_item(tags::KEY_VALUE, wrapped.clone())
            } else {
                c.clone()
            }
        })
        .collect();
    children.push(Item::structure(tags::KEY_WRAPPING_DATA, kwd));
    Ok(Item::structure(tags::KEY_BLOCK, children))
}

/// Unwrap a Key Block that [`wrap_key_block`] (or a client doing the same)
/// wrapped: Wrapping Method Encrypt with the Encryption Key Information's
/// key (Unwrap Key usage), Encoding Option TTLV Encoding (the Key Value's
/// TTLV, decoded within the key's length) or No Encoding (the Key Material
/// bytes). Returns the Key Block without Key Wrapping Data (Import with Key
/// Wrap Type Not Wrapped). MAC/signature wrapping is not supported.
pub fn unwrap_key_block(
    key_block: &Item,
    keys: &dyn KeyLookup,
    version: Version,
) -> Result<Item, OpError> {
    let kwd = key_block
        .child(tags::KEY_WRAPPING_DATA)
        .ok_or_else(|| OpError::invalid_field("the Key Block is not wrapped"))?;
    let method = kwd
        .child(tags::WRAPPING_METHOD)
        .map(enum_value)
        .transpose()?
        .ok_or_else(|| OpError::invalid_field("Key Wrapping Data without Wrapping Method"))?;
    if method != wrapping_method::ENCRYPT
        || kwd.child(tags::MAC_SIGNATURE_KEY_INFORMATION).is_some()
    {
        return Err(OpError::new(
            ResultReason::FeatureNotSupported,
            format!("unwrapping Wrapping Method 0x{method:X} / MAC-signed keys"),
        ));
    }
    let eki = kwd.child(tags::ENCRYPTION_KEY_INFORMATION).ok_or_else(|| {
        OpError::invalid_field("Key Wrapping Data without Encryption Key Information")
    })?;
    let (p, wkey) = wrapping_key(
        eki,
        &[object_type::SYMMETRIC_KEY, object_type::PRIVATE_KEY],
        usage::UNWRAP_KEY,
        Use::Process,
        "key unwrapping",
        keys,
        version,
    )?;
    let wrapped = match key_block.child(tags::KEY_VALUE).map(|v| &v.value) {
        Some(Value::ByteString(b)) => b,
        _ => {
            return Err(OpError::invalid_field(
                "a wrapped Key Block needs a Byte String Key Value",
            ))
        }
    };
    let plain = zeroize::Zeroizing::new(engine::unwrap_key(&wkey, &p, wrapped)?);
    let encoding = kwd
        .child(tags::ENCODING_OPTION)
        .map(enum_value)
        .transpose()?
        .unwrap_or(encoding_option::TTLV_ENCODING);
    let value = match encoding {
        encoding_option::NO_ENCODING => Item::structure(
            tags::KEY_VALUE,
            vec![bytes_item(tags::KEY_MATERIAL, plain.to_vec())],
        ),
        encoding_option::TTLV_ENCODING => {
            let limits = kmip_ttlv::ttlv::Limits {
                max_message_len: plain.len(),
                ..Default::default()
            };
            let v = kmip_ttlv::ttlv::decode(&plain, &limits).map_err(|e| {
                OpError::new(
                    ResultReason::EncodingOptionError,
                    format!("the unwrapped Key Value is not TTLV: {e}"),
                )
            })?;
            if v.tag != tags::KEY_VALUE {
                return Err(OpError::new(
                    ResultReason::EncodingOptionError,
                    "the unwrapped TTLV is not a Key Value",
                ));
            }
            v
        }
        other => {
            return Err(OpError::new(
                ResultReason::EncodingOptionError,
                format!("Encoding Option 0x{other:X}"),
            ))
        }
    };
    let children = key_block
        .children()
        .iter()
        .filter(|c| c.tag != tags::KEY_WRAPPING_DATA)
        .map(|c| {
            if c.tag == tags::KEY_VALUE {
                value.clone()
            } else {
                c.clone()
            }
        })
        .collect();
    Ok(Item::structure(tags::KEY_BLOCK, children))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keyblock::{big_to_unsigned, unsigned_to_big};

    const RSA: u32 = 0x04;
    const AES: u32 = 0x03;
    const PRIVATE_KEY: u32 = 0x04;
    const PUBLIC_KEY: u32 = 0x03;

    fn material(kb: &Item) -> &Item {
        kb.child(tags::KEY_VALUE)
            .and_then(|v| v.child(tags::KEY_MATERIAL))
            .expect("Key Material")
    }

    #[test]
    fn big_integers_are_padded_to_eight_bytes_with_a_sign_byte() {
        assert_eq!(
            unsigned_to_big(&[0x01, 0x00, 0x01]),
            [0, 0, 0, 0, 0, 1, 0, 1]
        );
        assert_eq!(unsigned_to_big(&[0x80]), [0, 0, 0, 0, 0, 0, 0, 0x80]);
        assert_eq!(unsigned_to_big(&[0u8; 9]), [0u8; 8]);
        assert_eq!(unsigned_to_big(&[0xFF; 8]).len(), 16);
        assert_eq!(big_to_unsigned(&[0, 0, 1, 2]).expect("positive"), [1, 2]);
        assert!(big_to_unsigned(&[0x80, 0]).is_err(), "negative");
    }

    #[test]
    fn symmetric_key_blocks_follow_the_length_rules() {
        let kb = generate_symmetric_key_block(AES, 256).expect("AES-256");
        assert!(matches!(&material(&kb).value, Value::ByteString(b) if b.len() == 32));
        for (alg, bits) in [(AES, 100), (RSA, 2048), (0x0D /* DH */, 2048)] {
            let e = generate_symmetric_key_block(alg, bits).expect_err("refused");
            assert_eq!(e.reason, ResultReason::InvalidField.code(), "{e}");
        }
    }

    #[test]
    fn rsa_blocks_convert_through_every_format_and_back() {
        let (private, public) = generate_key_pair_blocks(PairRequest {
            algorithm: RSA,
            length: Some(1024),
            ..PairRequest::default()
        })
        .expect("RSA-1024");
        assert_eq!(key_format(&private).expect("format"), KeyFormat::Pkcs1);
        assert_eq!(key_block_bits(&private, PRIVATE_KEY), Some(1024));
        let p8 = convert_key_block(&private, PRIVATE_KEY, KeyFormat::Pkcs8.code()).expect("pkcs8");
        let tr = convert_key_block(&p8, PRIVATE_KEY, KeyFormat::TransparentRsaPrivateKey.code())
            .expect("transparent");
        let back = convert_key_block(&tr, PRIVATE_KEY, KeyFormat::Pkcs1.code()).expect("back");
        assert_eq!(back, private);
        let x = convert_key_block(&public, PUBLIC_KEY, KeyFormat::X509.code()).expect("spki");
        let back = convert_key_block(&x, PUBLIC_KEY, KeyFormat::Pkcs1.code()).expect("back");
        assert_eq!(back, public);
    }

    #[test]
    fn ec_pairs_default_to_the_transparent_ec_formats() {
        let (private, public) = generate_key_pair_blocks(PairRequest {
            algorithm: 0x1A, // EC
            curve: Some(Curve::P384.code()),
            ..PairRequest::default()
        })
        .expect("P-384");
        assert_eq!(
            key_format(&private).expect("format"),
            KeyFormat::TransparentEcPrivateKey
        );
        assert_eq!(
            key_format(&public).expect("format"),
            KeyFormat::TransparentEcPublicKey
        );
        assert_eq!(key_block_length(&private).expect("length"), Some(384));
        let p8 = convert_key_block(&private, PRIVATE_KEY, KeyFormat::Pkcs8.code()).expect("pkcs8");
        assert_eq!(key_block_bits(&p8, PRIVATE_KEY), Some(384));
    }

    #[test]
    fn garbage_key_material_is_invalid_field() {
        let kb = Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(
                    tags::KEY_FORMAT_TYPE,
                    Value::Enumeration(KeyFormat::Pkcs1.code()),
                ),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::new(
                        tags::KEY_MATERIAL,
                        Value::ByteString(vec![0x30, 0x82, 0xff, 0xff, 1, 2, 3]),
                    )],
                ),
                Item::new(tags::CRYPTOGRAPHIC_ALGORITHM, Value::Enumeration(RSA)),
            ],
        );
        let e = convert_key_block(&kb, PRIVATE_KEY, KeyFormat::Pkcs8.code()).expect_err("garbage");
        assert_eq!(e.reason, ResultReason::InvalidField.code(), "{e}");
        assert_eq!(key_block_bits(&kb, PRIVATE_KEY), None);
    }

    fn hash_request(parts: Vec<Item>) -> Item {
        let mut c = vec![Item::structure(
            tags::CRYPTOGRAPHIC_PARAMETERS,
            vec![Item::new(
                tags::HASHING_ALGORITHM,
                Value::Enumeration(HashAlg::Sha256.code()),
            )],
        )];
        c.extend(parts);
        Item::structure(tags::REQUEST_PAYLOAD, c)
    }

    fn data(b: &[u8]) -> Item {
        Item::new(tags::DATA, Value::ByteString(b.to_vec()))
    }

    fn flag(tag: kmip_ttlv::Tag) -> Item {
        Item::new(tag, Value::Boolean(true))
    }

    fn corr(v: &[u8]) -> Item {
        Item::new(tags::CORRELATION_VALUE, Value::ByteString(v.to_vec()))
    }

    #[test]
    fn multi_part_hash_is_the_hash_of_all_parts_and_closes_the_stream() {
        let streams = StreamTable::new();
        let v = Version::new(2, 1);
        let first = hash(
            &hash_request(vec![data(b"abc"), flag(tags::INIT_INDICATOR)]),
            &streams,
            v,
        )
        .expect("init");
        assert!(first.child(tags::DATA).is_none(), "no result before Final");
        let id = match &first.child(tags::CORRELATION_VALUE).expect("corr").value {
            Value::ByteString(b) => b.clone(),
            other => panic!("{other:?}"),
        };
        let mid = hash(&hash_request(vec![data(b"def"), corr(&id)]), &streams, v).expect("part");
        assert!(mid.child(tags::CORRELATION_VALUE).is_some());
        let last = hash(
            &hash_request(vec![data(b"ghi"), corr(&id), flag(tags::FINAL_INDICATOR)]),
            &streams,
            v,
        )
        .expect("final");
        assert_eq!(
            last.child(tags::DATA).map(|d| &d.value),
            Some(&Value::ByteString(super::super::hash::sha256(b"abcdefghi")))
        );
        assert!(streams.is_empty(), "the Final part closes the stream");
        let again = hash(
            &hash_request(vec![data(b"x"), corr(&id), flag(tags::FINAL_INDICATOR)]),
            &streams,
            v,
        )
        .expect_err("finished stream");
        assert_eq!(again.reason, ResultReason::InvalidCorrelationValue.code());
        let old = hash(
            &hash_request(vec![data(b"x"), corr(&id)]),
            &streams,
            Version::new(1, 4),
        )
        .expect_err("1.4");
        assert_eq!(
            old.reason,
            ResultReason::ItemNotFound.code(),
            "1.4 §11.30-§11.34"
        );
    }

    #[test]
    fn final_without_a_stream_is_invalid_field_and_init_with_final_is_single_part() {
        let streams = StreamTable::new();
        let v = Version::new(2, 1);
        let e = hash(
            &hash_request(vec![data(b"abc"), flag(tags::FINAL_INDICATOR)]),
            &streams,
            v,
        )
        .expect_err("no stream");
        assert_eq!(e.reason, ResultReason::InvalidField.code());
        let one = hash(
            &hash_request(vec![
                data(b"abc"),
                flag(tags::INIT_INDICATOR),
                flag(tags::FINAL_INDICATOR),
            ]),
            &streams,
            v,
        )
        .expect("single part");
        assert_eq!(
            one.child(tags::DATA).map(|d| &d.value),
            Some(&Value::ByteString(super::super::hash::sha256(b"abc")))
        );
        assert!(streams.is_empty());
    }

    #[test]
    fn secp256k1_and_ed25519_pairs_sign_and_verify() {
        use crate::crypto::asymmetric::{sign, verify, SignInput};
        for (algorithm, curve, bits) in [
            (0x1A, Some(Curve::Secp256k1.code()), 256), // EC
            (0x37, None, 256),                          // Ed25519
        ] {
            let (private, public) = generate_key_pair_blocks(PairRequest {
                algorithm,
                curve,
                ..PairRequest::default()
            })
            .expect("pair");
            assert_eq!(key_block_length(&private).expect("length"), Some(bits));
            let alg = Algorithm::from_code(algorithm);
            let sk = decode_key(
                &encoded_key_from_key_block(&private).expect("private"),
                alg,
                KeyClass::Private,
            )
            .expect("decode private");
            let pk = decode_key(
                &encoded_key_from_key_block(&public).expect("public"),
                alg,
                KeyClass::Public,
            )
            .expect("decode public");
            let p = CipherParams::default();
            let sig = sign(&sk, &p, SignInput::Message(b"msg")).expect("sign");
            assert!(verify(&pk, &p, SignInput::Message(b"msg"), &sig).expect("verify"));
            assert!(!verify(&pk, &p, SignInput::Message(b"msh"), &sig).expect("verify"));
            // Through PKCS#8 and back.
            let p8 = convert_key_block(&private, PRIVATE_KEY, KeyFormat::Pkcs8.code()).expect("p8");
            assert_eq!(key_block_bits(&p8, PRIVATE_KEY), Some(bits as u32));
        }
        let e = generate_key_pair_blocks(PairRequest {
            algorithm: 0x37,
            length: Some(255),
            ..PairRequest::default()
        })
        .expect_err("Ed25519 keys are 256 bits");
        assert_eq!(e.reason, ResultReason::InvalidField.code());
    }
}
