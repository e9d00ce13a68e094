//! Operations about the server itself: Query, Discover Versions, Log,
//! Interop (Begin / End / Reset, used by the Baseline test cases), Ping.

use super::{operations_in, payload};
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::{interop_function as interop, object_type as ot, query_function as q};
use crate::spec::tags as t;
use crate::spec::{SUPPORTED_VERSIONS, V1_4, V2_0};
use crate::tree::{as_enum, boolean, enumeration, int, st, text, Fields};
use kmip_ttlv::dict::Version;
use kmip_ttlv::Item;

/// Object types the server stores, per version.
fn object_types(version: Version) -> Vec<u32> {
    let mut v = vec![
        ot::CERTIFICATE,
        ot::SYMMETRIC_KEY,
        ot::PUBLIC_KEY,
        ot::PRIVATE_KEY,
        ot::SPLIT_KEY,
        ot::SECRET_DATA,
        ot::OPAQUE_OBJECT,
    ];
    if version < V2_0 {
        v.push(ot::TEMPLATE);
    }
    if version >= V1_4 {
        v.push(ot::PGP_KEY);
    }
    v
}

/// Query.
pub fn query(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let mut functions = Vec::new();
    for f in p.children_with(t::QUERY_FUNCTION) {
        functions.push(as_enum(f)?);
    }
    let mut out = Vec::new();
    if functions.contains(&q::QUERY_OPERATIONS) {
        for d in operations_in(s.version) {
            out.push(enumeration(t::OPERATION, d.code));
        }
    }
    if functions.contains(&q::QUERY_OBJECTS) {
        for o in object_types(s.version) {
            out.push(enumeration(t::OBJECT_TYPE, o));
        }
    }
    if functions.contains(&q::QUERY_SERVER_INFORMATION) {
        out.push(text(t::VENDOR_IDENTIFICATION, s.info.vendor.clone()));
        let info = if s.version >= V2_0 {
            vec![
                text(t::SERVER_NAME, s.info.product.clone()),
                text(t::SERVER_VERSION, env!("CARGO_PKG_VERSION")),
            ]
        } else {
            Vec::new()
        };
        out.push(st(t::SERVER_INFORMATION, info));
    }
    if functions.contains(&q::QUERY_CAPABILITIES) && s.version >= V1_4 {
        out.push(st(
            t::CAPABILITY_INFORMATION,
            vec![
                boolean(t::STREAMING_CAPABILITY, false),
                boolean(t::ASYNCHRONOUS_CAPABILITY, false),
                boolean(t::ATTESTATION_CAPABILITY, false),
                boolean(t::BATCH_UNDO_CAPABILITY, true),
                boolean(t::BATCH_CONTINUE_CAPABILITY, true),
            ],
        ));
    }
    // Defaults Information (2.1 §7.11): the Object Defaults set with Set
    // Defaults (ops/admin.rs).
    if functions.contains(&q::QUERY_DEFAULTS_INFORMATION) && s.version >= V2_0 {
        if let Some(d) = super::admin::defaults_information(s) {
            out.push(d);
        }
    }
    // Application Namespaces, Extension List / Map, Attestation Types, RNGs,
    // Validations, Profiles, Client Registration Methods and Storage
    // Protection Masks: the server has none to report.
    Ok(payload(out))
}

fn version_item(v: Version) -> Item {
    st(
        t::PROTOCOL_VERSION,
        vec![
            int(t::PROTOCOL_VERSION_MAJOR, i32::from(v.major)),
            int(t::PROTOCOL_VERSION_MINOR, i32::from(v.minor)),
        ],
    )
}

/// Discover Versions: the client's versions the server supports, in the
/// client's order; all of the server's (highest first) when the client
/// lists none.
pub fn discover_versions(_s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let mut asked = Vec::new();
    for pv in p.children_with(t::PROTOCOL_VERSION) {
        let f = Fields::new(pv);
        let major = f
            .int(t::PROTOCOL_VERSION_MAJOR)?
            .ok_or_else(|| KmipError::invalid_field("Protocol Version Major missing"))?;
        let minor = f
            .int(t::PROTOCOL_VERSION_MINOR)?
            .ok_or_else(|| KmipError::invalid_field("Protocol Version Minor missing"))?;
        if let (Ok(ma), Ok(mi)) = (u8::try_from(major), u8::try_from(minor)) {
            asked.push(Version::new(ma, mi));
        }
    }
    let list: Vec<Version> = if p.children_with(t::PROTOCOL_VERSION).next().is_none() {
        SUPPORTED_VERSIONS.to_vec()
    } else {
        asked
            .into_iter()
            .filter(|v| SUPPORTED_VERSIONS.contains(v))
            .collect()
    };
    Ok(payload(list.into_iter().map(version_item).collect()))
}

/// Log: record the client's message in the server log.
pub fn log(_s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let msg = Fields::new(p)
        .text(t::LOG_MESSAGE)?
        .ok_or_else(|| KmipError::missing_data("Log Message is required"))?;
    tracing::info!(target: "kmip::client_log", message = msg, "client log");
    Ok(payload(Vec::new()))
}

/// Interop: Begin / End / Reset of an interoperability test; the server
/// logs the boundaries and keeps no per-test state.
pub fn interop(_s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    let func = f.require_enum(t::INTEROP_FUNCTION)?;
    let id = f.text(t::INTEROP_IDENTIFIER)?.unwrap_or("");
    match func {
        interop::BEGIN | interop::END | interop::RESET => {
            tracing::info!(function = func, identifier = id, "interop");
            Ok(payload(Vec::new()))
        }
        other => Err(KmipError::invalid_field(format!(
            "unknown Interop Function {other:#x}"
        ))),
    }
}

/// Ping.
pub fn ping(_s: &mut Session<'_>, _p: &Item) -> Result<Item, KmipError> {
    Ok(payload(Vec::new()))
}
