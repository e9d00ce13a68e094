//! Maps one recorded request of a test case onto `kmip-protocol`'s typed
//! request structures (`kmip_protocol::types::request`).
//!
//! This is the part a vendor rewrites for their own client: every field of
//! the recorded request must be consumed by a field the client's API can
//! set, or the mapping stops with [`MapError::CannotExpress`] naming the
//! field. Nothing is copied as bytes: the client serializes the message.

use kh_ttlv::model::{Item, Value};
use kmip_protocol::types::common::{
    ApplicationData, ApplicationNamespace, AttributeIndex, AttributeName, AttributeValue,
    BlockCipherMode, CompromiseOccurrenceDate, CryptographicAlgorithm, CryptographicParameters,
    Data, DataLength, HashingAlgorithm, KeyCompressionType, KeyFormatType, KeyMaterial, LinkType,
    LinkedObjectIdentifier, NameType, NameValue, ObjectType, Operation, PaddingMethod,
    RevocationMessage, RevocationReasonCode, UniqueBatchItemID, UniqueIdentifier,
};
use kmip_protocol::types::request::{
    Attribute, BatchCount, BatchItem, CommonTemplateAttribute, KeyBlock, KeyValue, ManagedObject,
    MaximumResponseSize, Name, PrivateKey, PrivateKeyTemplateAttribute, ProtocolVersion,
    ProtocolVersionMajor, ProtocolVersionMinor, PublicKey, PublicKeyTemplateAttribute,
    QueryFunction, RequestHeader, RequestMessage, RequestPayload, RevocationReason, SymmetricKey,
    Template, TemplateAttribute,
};

/// Why a request could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The client's API has no way to say this (an operation, a field, an
    /// enumeration value it lacks).
    #[error("{0}")]
    CannotExpress(String),
    /// The case itself is malformed or a placeholder was never bound.
    #[error("{0}")]
    Case(String),
}

type R<T> = Result<T, MapError>;

fn cannot<T>(why: impl Into<String>) -> R<T> {
    Err(MapError::CannotExpress(why.into()))
}

fn name_of(item: &Item) -> String {
    item.tag
        .name()
        .map(str::to_string)
        .unwrap_or_else(|| item.tag.display_name())
}

/// The children of a structure, consumed field by field; whatever is left
/// at [`Fields::finish`] is a field the client cannot send.
struct Fields<'a> {
    what: String,
    rest: Vec<&'a Item>,
}

impl<'a> Fields<'a> {
    fn of(item: &'a Item, what: &str) -> R<Fields<'a>> {
        match &item.value {
            Value::Structure(children) => Ok(Fields {
                what: what.to_string(),
                rest: children.iter().collect(),
            }),
            _ => Err(MapError::Case(format!("{what}: not a structure"))),
        }
    }

    /// The first child named `name`, removed.
    fn take(&mut self, name: &str) -> Option<&'a Item> {
        let i = self.rest.iter().position(|c| name_of(c) == name)?;
        Some(self.rest.remove(i))
    }

    /// Every child named `name`, removed, in order.
    fn take_all(&mut self, name: &str) -> Vec<&'a Item> {
        let (hit, keep): (Vec<&Item>, Vec<&Item>) =
            self.rest.iter().partition(|c| name_of(c) == name);
        self.rest = keep;
        hit
    }

    fn need(&mut self, name: &str) -> R<&'a Item> {
        let what = self.what.clone();
        self.take(name)
            .ok_or_else(|| MapError::Case(format!("{what}: {name} missing")))
    }

    fn finish(self) -> R<()> {
        match self.rest.first() {
            None => Ok(()),
            Some(extra) => cannot(format!(
                "{} field {} has no place in kmip-protocol's request types",
                self.what,
                name_of(extra)
            )),
        }
    }
}

fn unbound(item: &Item) -> MapError {
    match &item.value {
        Value::Placeholder(p) => MapError::Case(format!(
            "{}: placeholder ${} was never bound by an earlier response",
            name_of(item),
            p.name
        )),
        v => MapError::Case(format!(
            "{}: unexpected {} value",
            name_of(item),
            v.item_type().name()
        )),
    }
}

fn text(item: &Item) -> R<String> {
    match &item.value {
        Value::TextString(s) => Ok(s.clone()),
        _ => Err(unbound(item)),
    }
}

fn int(item: &Item) -> R<i32> {
    match &item.value {
        Value::Integer(v) => Ok(*v),
        _ => Err(unbound(item)),
    }
}

fn code(item: &Item) -> R<u32> {
    match &item.value {
        Value::Enumeration(v) => Ok(*v),
        _ => Err(unbound(item)),
    }
}

fn bytes(item: &Item) -> R<Vec<u8>> {
    match &item.value {
        Value::ByteString(v) => Ok(v.clone()),
        _ => Err(unbound(item)),
    }
}

fn date(item: &Item) -> R<u64> {
    match &item.value {
        Value::DateTime(v) => u64::try_from(*v).or_else(|_| {
            cannot("kmip-protocol date-times are unsigned (u64); the case has a negative one")
        }),
        _ => Err(unbound(item)),
    }
}

/// A KMIP enumeration code mapped to one of the crate's enum variants; a
/// code the crate has no variant for cannot be expressed.
macro_rules! enum_map {
    ($fn:ident, $ty:ty, { $($code:literal => $variant:expr),* $(,)? }) => {
        fn $fn(item: &Item) -> R<$ty> {
            let c = code(item)?;
            match c {
                $($code => Ok($variant),)*
                other => cannot(format!(
                    "{} value {:#010x} is not in kmip-protocol's {} enum",
                    name_of(item), other, stringify!($ty)
                )),
            }
        }
    };
}

enum_map!(object_type, ObjectType, {
    1 => ObjectType::Certificate, 2 => ObjectType::SymmetricKey, 3 => ObjectType::PublicKey,
    4 => ObjectType::PrivateKey, 5 => ObjectType::SplitKey, 6 => ObjectType::Template,
    7 => ObjectType::SecretData, 8 => ObjectType::OpaqueObject, 9 => ObjectType::PGPKey,
});
enum_map!(crypto_alg, CryptographicAlgorithm, {
    1 => CryptographicAlgorithm::DES, 2 => CryptographicAlgorithm::TRIPLE_DES,
    3 => CryptographicAlgorithm::AES, 4 => CryptographicAlgorithm::RSA,
});
enum_map!(query_function, QueryFunction, {
    1 => QueryFunction::QueryOperations, 2 => QueryFunction::QueryObjects,
    3 => QueryFunction::QueryServerInformation,
});
enum_map!(revocation_code, RevocationReasonCode, {
    1 => RevocationReasonCode::Unspecified, 2 => RevocationReasonCode::KeyCompromise,
    3 => RevocationReasonCode::CACompromise, 4 => RevocationReasonCode::AffiliationChanged,
    5 => RevocationReasonCode::Superseded, 6 => RevocationReasonCode::CessationOfOperation,
    7 => RevocationReasonCode::PrivilegeWithdrawn,
});
enum_map!(key_format_type, KeyFormatType, {
    1 => KeyFormatType::Raw, 2 => KeyFormatType::Opaque, 3 => KeyFormatType::PKCS1,
    4 => KeyFormatType::PKCS8, 5 => KeyFormatType::X509, 6 => KeyFormatType::ECPrivateKey,
    7 => KeyFormatType::TransparentSymmetricKey,
});
enum_map!(key_compression, KeyCompressionType, {
    1 => KeyCompressionType::ECPUblicKeyTypeUncompressed,
    2 => KeyCompressionType::ECPUblicKeyTypeX962CompressedPrime,
    3 => KeyCompressionType::ECPUblicKeyTypeX962CompressedChar2,
    4 => KeyCompressionType::ECPUblicKeyTypeX962Hybrid,
});
enum_map!(name_type, NameType, { 1 => NameType::UninterpretedTextString, 2 => NameType::URI });
enum_map!(link_type, LinkType, {
    0x101 => LinkType::CertificateLink, 0x102 => LinkType::PublicKeyLink,
    0x103 => LinkType::PrivateKeyLink, 0x104 => LinkType::DerivationBaseObjectLink,
    0x105 => LinkType::DerivedKeyLink, 0x106 => LinkType::ReplacementObjectLink,
    0x107 => LinkType::ReplacedObjectLink,
});
enum_map!(block_cipher_mode, BlockCipherMode, {
    1 => BlockCipherMode::CBC, 2 => BlockCipherMode::ECB, 3 => BlockCipherMode::PCBC,
    4 => BlockCipherMode::CFB, 5 => BlockCipherMode::OFB, 6 => BlockCipherMode::CTR,
    7 => BlockCipherMode::CMAC, 8 => BlockCipherMode::CCM, 9 => BlockCipherMode::GCM,
    10 => BlockCipherMode::CBC_MAC, 11 => BlockCipherMode::XTS,
    12 => BlockCipherMode::AESKeyWrapPadding, 13 => BlockCipherMode::NISTKeyWrap,
});
enum_map!(padding_method, PaddingMethod, {
    1 => PaddingMethod::None, 2 => PaddingMethod::OAEP, 3 => PaddingMethod::PKCS5,
    4 => PaddingMethod::SSL3, 5 => PaddingMethod::Zeros, 6 => PaddingMethod::ANSI_X9_23,
    7 => PaddingMethod::ISO_10126, 8 => PaddingMethod::PKCS1_v1_5, 9 => PaddingMethod::X9_31,
    10 => PaddingMethod::PSS,
});
enum_map!(hashing_algorithm, HashingAlgorithm, {
    1 => HashingAlgorithm::MD2, 2 => HashingAlgorithm::MD4, 3 => HashingAlgorithm::MD5,
    4 => HashingAlgorithm::SHA1, 5 => HashingAlgorithm::SHA224, 6 => HashingAlgorithm::SHA256,
    7 => HashingAlgorithm::SHA384, 8 => HashingAlgorithm::SHA512,
    9 => HashingAlgorithm::RIPEMD160, 10 => HashingAlgorithm::Tiger,
    11 => HashingAlgorithm::Whirlpool,
});

fn uid(item: &Item) -> R<UniqueIdentifier> {
    Ok(UniqueIdentifier(text(item)?))
}

fn opt_uid(f: &mut Fields) -> R<Option<UniqueIdentifier>> {
    f.take("UniqueIdentifier").map(uid).transpose()
}

fn crypto_params(item: &Item) -> R<CryptographicParameters> {
    let mut f = Fields::of(item, "CryptographicParameters")?;
    let mut p = CryptographicParameters::default();
    if let Some(i) = f.take("BlockCipherMode") {
        p = p.with_block_cipher_mode(block_cipher_mode(i)?);
    }
    if let Some(i) = f.take("PaddingMethod") {
        p = p.with_padding_method(padding_method(i)?);
    }
    if let Some(i) = f.take("HashingAlgorithm") {
        p = p.with_hashing_algorithm(hashing_algorithm(i)?);
    }
    if let Some(i) = f.take("CryptographicAlgorithm") {
        p = p.with_cryptographic_algorithm(crypto_alg(i)?);
    }
    f.finish()?;
    Ok(p)
}

/// One `Attribute` structure (name, optional index, value).
fn attribute(item: &Item) -> R<Attribute> {
    let mut f = Fields::of(item, "Attribute")?;
    let name = text(f.need("AttributeName")?)?;
    let index = f.take("AttributeIndex").map(int).transpose()?;
    let value_item = f.need("AttributeValue")?;
    f.finish()?;
    let value = match &value_item.value {
        Value::Structure(_) => structured_value(&name, value_item)?,
        Value::Integer(v) => AttributeValue::Integer(*v),
        Value::LongInteger(v) => AttributeValue::LongInteger(*v),
        Value::Enumeration(v) => AttributeValue::Enumeration(*v),
        Value::Boolean(v) => AttributeValue::Boolean(*v),
        Value::TextString(v) => AttributeValue::TextString(v.clone()),
        Value::ByteString(v) => AttributeValue::ByteString(v.clone()),
        Value::DateTime(_) => AttributeValue::DateTime(date(value_item)?),
        Value::Placeholder(_) => return Err(unbound(value_item)),
        other => {
            return cannot(format!(
                "attribute {name}: {} values are not in kmip-protocol's AttributeValue",
                other.item_type().name()
            ))
        }
    };
    Ok(Attribute(
        AttributeName(name),
        index.map(AttributeIndex),
        value,
    ))
}

fn structured_value(name: &str, item: &Item) -> R<AttributeValue> {
    let mut f = Fields::of(item, &format!("attribute {name}"))?;
    let v = match name {
        "Name" => AttributeValue::Name(
            NameValue(text(f.need("NameValue")?)?),
            name_type(f.need("NameType")?)?,
        ),
        "Link" => AttributeValue::Link(
            link_type(f.need("LinkType")?)?,
            LinkedObjectIdentifier(text(f.need("LinkedObjectIdentifier")?)?),
        ),
        "Application Specific Information" => AttributeValue::ApplicationSpecificInformation(
            ApplicationNamespace(text(f.need("ApplicationNamespace")?)?),
            ApplicationData(text(f.need("ApplicationData")?)?),
        ),
        "Cryptographic Parameters" => return Ok(crypto_params(item)?.into()),
        other => {
            return cannot(format!(
                "attribute {other}: kmip-protocol has no structured AttributeValue for it"
            ))
        }
    };
    f.finish()?;
    Ok(v)
}

fn attributes(items: Vec<&Item>) -> R<Vec<Attribute>> {
    items.into_iter().map(attribute).collect()
}

/// `(template names, attributes)` of a Template-Attribute structure.
/// Template names and attributes of a Template-Attribute structure.
type TemplateParts = (Option<Vec<Name>>, Option<Vec<Attribute>>);

fn template_parts(item: &Item, what: &str) -> R<TemplateParts> {
    let mut f = Fields::of(item, what)?;
    let names = f
        .take_all("Name")
        .into_iter()
        .map(|n| {
            let mut nf = Fields::of(n, "Name")?;
            let v = NameValue(text(nf.need("NameValue")?)?);
            let t = name_type(nf.need("NameType")?)?;
            nf.finish()?;
            Ok(Name(v, t))
        })
        .collect::<R<Vec<Name>>>()?;
    let attrs = attributes(f.take_all("Attribute"))?;
    f.finish()?;
    Ok((
        (!names.is_empty()).then_some(names),
        (!attrs.is_empty()).then_some(attrs),
    ))
}

fn key_block(item: &Item) -> R<KeyBlock> {
    let mut f = Fields::of(item, "KeyBlock")?;
    let format = key_format_type(f.need("KeyFormatType")?)?;
    let compression = f
        .take("KeyCompressionType")
        .map(key_compression)
        .transpose()?;
    let value = match f.take("KeyValue") {
        None => None,
        Some(kv) => {
            let mut kf = Fields::of(kv, "KeyValue")?;
            let km = kf.need("KeyMaterial")?;
            let material = match &km.value {
                Value::ByteString(b) => KeyMaterial::Bytes(b.clone()),
                _ => return cannot("structured (transparent) Key Material in a request"),
            };
            let attrs = attributes(kf.take_all("Attribute"))?;
            kf.finish()?;
            Some(KeyValue(material, (!attrs.is_empty()).then_some(attrs)))
        }
    };
    let alg = f
        .take("CryptographicAlgorithm")
        .map(crypto_alg)
        .transpose()?;
    let len = f
        .take("CryptographicLength")
        .map(|i| int(i).map(kmip_protocol::types::common::CryptographicLength))
        .transpose()?;
    f.finish()?;
    Ok(KeyBlock(format, compression, value, alg, len, None))
}

fn managed_object(f: &mut Fields) -> R<Option<ManagedObject>> {
    if let Some(i) = f.take("SymmetricKey") {
        let mut o = Fields::of(i, "SymmetricKey")?;
        let kb = key_block(o.need("KeyBlock")?)?;
        o.finish()?;
        return Ok(Some(ManagedObject::SymmetricKey(SymmetricKey(kb))));
    }
    if let Some(i) = f.take("PublicKey") {
        let mut o = Fields::of(i, "PublicKey")?;
        let kb = key_block(o.need("KeyBlock")?)?;
        o.finish()?;
        return Ok(Some(ManagedObject::PublicKey(PublicKey(kb))));
    }
    if let Some(i) = f.take("PrivateKey") {
        let mut o = Fields::of(i, "PrivateKey")?;
        let kb = key_block(o.need("KeyBlock")?)?;
        o.finish()?;
        return Ok(Some(ManagedObject::PrivateKey(PrivateKey(kb))));
    }
    if let Some(i) = f.take("Template") {
        let mut o = Fields::of(i, "Template")?;
        let attrs = attributes(o.take_all("Attribute"))?;
        o.finish()?;
        return Ok(Some(ManagedObject::Template(Template(attrs))));
    }
    Ok(None)
}

/// The request payload of one batch item.
fn payload(op: u32, item: Option<&Item>) -> R<RequestPayload> {
    let empty = Item::structure(
        kh_ttlv::model::Tag::by_name("RequestPayload")
            .ok_or_else(|| MapError::Case("dictionary lacks RequestPayload".into()))?,
        Vec::new(),
    );
    let item = item.unwrap_or(&empty);
    let opname = operation_name(op);
    let mut f = Fields::of(item, &format!("{opname} request payload"))?;
    let p = match op {
        // Create
        0x01 => {
            let ot = object_type(f.need("ObjectType")?)?;
            let (names, attrs) = match f.take("TemplateAttribute") {
                Some(t) => template_parts(t, "TemplateAttribute")?,
                None => (None, None),
            };
            RequestPayload::Create(ot, TemplateAttribute(names, attrs))
        }
        // Create Key Pair
        0x02 => {
            let common = f
                .take("CommonTemplateAttribute")
                .map(|t| template_parts(t, "CommonTemplateAttribute"))
                .transpose()?
                .map(|(n, a)| CommonTemplateAttribute(n, a));
            let private = f
                .take("PrivateKeyTemplateAttribute")
                .map(|t| template_parts(t, "PrivateKeyTemplateAttribute"))
                .transpose()?
                .map(|(n, a)| PrivateKeyTemplateAttribute(n, a));
            let public = f
                .take("PublicKeyTemplateAttribute")
                .map(|t| template_parts(t, "PublicKeyTemplateAttribute"))
                .transpose()?
                .map(|(n, a)| PublicKeyTemplateAttribute(n, a));
            RequestPayload::CreateKeyPair(common, private, public)
        }
        // Register
        0x03 => {
            let ot = object_type(f.need("ObjectType")?)?;
            let (names, attrs) = match f.take("TemplateAttribute") {
                Some(t) => template_parts(t, "TemplateAttribute")?,
                None => (None, None),
            };
            let obj = managed_object(&mut f)?;
            RequestPayload::Register(ot, TemplateAttribute(names, attrs), obj)
        }
        // Locate
        0x08 => RequestPayload::Locate(attributes(f.take_all("Attribute"))?),
        // Get
        0x0A => {
            let u = opt_uid(&mut f)?;
            let kft = f.take("KeyFormatType").map(key_format_type).transpose()?;
            let kct = f
                .take("KeyCompressionType")
                .map(key_compression)
                .transpose()?;
            RequestPayload::Get(u, kft, kct, None)
        }
        // Get Attributes
        0x0B => {
            let u = opt_uid(&mut f)?;
            let names = f
                .take_all("AttributeName")
                .into_iter()
                .map(|i| text(i).map(AttributeName))
                .collect::<R<Vec<_>>>()?;
            RequestPayload::GetAttributes(u, (!names.is_empty()).then_some(names))
        }
        // Get Attribute List
        0x0C => RequestPayload::GetAttributeList(opt_uid(&mut f)?),
        // Add / Modify Attribute
        0x0D | 0x0E => {
            let u = opt_uid(&mut f)?;
            let a = attribute(f.need("Attribute")?)?;
            if op == 0x0D {
                RequestPayload::AddAttribute(u, a)
            } else {
                RequestPayload::ModifyAttribute(u, a)
            }
        }
        // Delete Attribute
        0x0F => {
            let u = opt_uid(&mut f)?;
            let n = AttributeName(text(f.need("AttributeName")?)?);
            let i = f.take("AttributeIndex").map(int).transpose()?;
            RequestPayload::DeleteAttribute(u, n, i.map(AttributeIndex))
        }
        // Activate
        0x12 => RequestPayload::Activate(opt_uid(&mut f)?),
        // Revoke
        0x13 => {
            let u = opt_uid(&mut f)?;
            let rr = f.need("RevocationReason")?;
            let mut rf = Fields::of(rr, "RevocationReason")?;
            let c = revocation_code(rf.need("RevocationReasonCode")?)?;
            let m = rf
                .take("RevocationMessage")
                .map(|i| text(i).map(RevocationMessage))
                .transpose()?;
            rf.finish()?;
            let d = f
                .take("CompromiseOccurrenceDate")
                .map(|i| date(i).map(CompromiseOccurrenceDate))
                .transpose()?;
            RequestPayload::Revoke(u, RevocationReason(c, m), d)
        }
        // Destroy
        0x14 => RequestPayload::Destroy(opt_uid(&mut f)?),
        // Query
        0x18 => RequestPayload::Query(
            f.take_all("QueryFunction")
                .into_iter()
                .map(query_function)
                .collect::<R<Vec<_>>>()?,
        ),
        // Discover Versions
        0x1E => RequestPayload::DiscoverVersions(
            f.take_all("ProtocolVersion")
                .into_iter()
                .map(protocol_version)
                .collect::<R<Vec<_>>>()?,
        ),
        // Sign
        0x21 => {
            let u = opt_uid(&mut f)?;
            let cp = f
                .take("CryptographicParameters")
                .map(crypto_params)
                .transpose()?;
            let d = Data(bytes(f.need("Data")?)?);
            RequestPayload::Sign(u, cp, d)
        }
        // RNG Retrieve
        0x25 => RequestPayload::RNGRetrieve(DataLength(int(f.need("DataLength")?)?)),
        _ => {
            return cannot(format!(
                "operation {opname} is not in kmip-protocol's RequestPayload"
            ))
        }
    };
    f.finish()?;
    Ok(p)
}

fn protocol_version(item: &Item) -> R<ProtocolVersion> {
    let mut f = Fields::of(item, "ProtocolVersion")?;
    let major = int(f.need("ProtocolVersionMajor")?)?;
    let minor = int(f.need("ProtocolVersionMinor")?)?;
    f.finish()?;
    Ok(ProtocolVersion(
        ProtocolVersionMajor(major),
        ProtocolVersionMinor(minor),
    ))
}

/// The KMIP name of an operation code (for messages).
pub fn operation_name(op: u32) -> String {
    kh_ttlv::dict::tag_by_name("Operation")
        .and_then(kh_ttlv::dict::enum_for_tag)
        .and_then(|e| e.name_of(op))
        .map(str::to_string)
        .unwrap_or_else(|| format!("{op:#010x}"))
}

/// Map a whole recorded `RequestMessage` (placeholders already replaced)
/// onto the crate's `RequestMessage`, with the protocol version the driver
/// was given (`KH_PROTOCOL_VERSION`).
pub fn request_message(req: &Item, version: (i32, i32)) -> R<RequestMessage> {
    let mut f = Fields::of(req, "RequestMessage")?;
    let header = f.need("RequestHeader")?;
    let mut h = Fields::of(header, "RequestHeader")?;
    h.need("ProtocolVersion")?;
    let max = h
        .take("MaximumResponseSize")
        .map(|i| int(i).map(MaximumResponseSize))
        .transpose()?;
    if h.take("Authentication").is_some() {
        return cannot(
            "request header Authentication: the driver passes no credential (kmip-protocol's \
             username/password credential is set per client, not per case)",
        );
    }
    let items = f.take_all("BatchItem");
    let declared = int(h.need("BatchCount")?)?;
    h.finish()?;
    f.finish()?;
    if usize::try_from(declared).ok() != Some(items.len()) {
        return Err(MapError::Case(format!(
            "BatchCount {declared} but {} batch items",
            items.len()
        )));
    }
    let mut batch = Vec::with_capacity(items.len());
    for bi in items {
        let mut b = Fields::of(bi, "BatchItem")?;
        let op = code(b.need("Operation")?)?;
        let id = b
            .take("UniqueBatchItemID")
            .map(|i| bytes(i).map(UniqueBatchItemID))
            .transpose()?;
        let p = payload(op, b.take("RequestPayload"))?;
        b.finish()?;
        let operation: Operation = p.operation();
        batch.push(BatchItem(operation, id, p));
    }
    let count =
        i32::try_from(batch.len()).map_err(|_| MapError::Case("too many batch items".into()))?;
    Ok(RequestMessage(
        RequestHeader(
            ProtocolVersion(
                ProtocolVersionMajor(version.0),
                ProtocolVersionMinor(version.1),
            ),
            max,
            None,
            BatchCount(count),
        ),
        batch,
    ))
}
