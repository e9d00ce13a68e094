//! The PKCS#11 operation (KMIP 2.0; 2.1 §6.1.37, Tables 273–275): the
//! server runs a PKCS#11 function for the client and returns its output and
//! CK_RV.
//!
//! Functions: the ones the OASIS corpus uses (PKCS11-M-1: C_Initialize,
//! C_GetInfo, C_Finalize) over the default interface ("If absent, the
//! default V3.0 interface"). Every other function of the interface answers
//! Success with PKCS#11 Return Code FUNCTION_NOT_SUPPORTED (CK_RV 0x54), as
//! a PKCS#11 library does for a function it does not provide; an Integer
//! (vendor-defined) function answers PKCS#11 Invalid Function and a named
//! interface other than the default PKCS#11 Invalid Interface (Table 479).
//!
//! Sessions: C_Initialize returns a server-made Correlation Value (2.1
//! Table 274: "Server defined Byte String that the client must provide in
//! the next request"); C_GetInfo and C_Finalize without a live one answer
//! CRYPTOKI_NOT_INITIALIZED (CK_RV 0x190), C_Finalize ends the session;
//! every answer within a live session carries its Correlation Value (the
//! 2.1 case PKCS11-M-1-21 records it on C_Initialize only, the 3.0 case
//! PKCS11-M-1-30 on every answer; the field is optional, Table 274). At
//! most [`MAX_SESSIONS`] are kept (the oldest is dropped).
//!
//! C_GetInfo output: this server's CK_INFO in the PKCS#11 v3.0 field order,
//! packed with no padding: cryptokiVersion (CK_VERSION: major, minor = 3, 0,
//! the default V3.0 interface), manufacturerID (32 bytes, blank-padded,
//! "kmip-harness"), flags (CK_FLAGS, 0, 8 bytes), libraryDescription (32
//! bytes, blank-padded, "kmip-reference-server"), libraryVersion (this
//! crate's major, minor). The byte marshalling of the KMIP PKCS#11 Profile
//! is not in the shared spec folder; this layout is the one of the corpus
//! case's own 76-byte CK_INFO (PKCS11-M-1-21), with CK_FLAGS 8 bytes.
//! C_Initialize input parameters are accepted and not interpreted.

use super::admin::AdminChange;
use super::payload;
use crate::error::KmipError;
use crate::server::Session;
use crate::spec::enums::result_reason as rr;
use crate::spec::tags as t;
use crate::tree::{bytes, enumeration, Fields};
use kmip_ttlv::enums::{pkcs_11_function as func, pkcs_11_return_code as ckr};
use kmip_ttlv::{Item, Value};

/// Most PKCS#11 sessions kept at once.
pub const MAX_SESSIONS: usize = 1024;

/// CK_INFO.manufacturerID of this server.
pub const MANUFACTURER_ID: &str = "kmip-harness";
/// CK_INFO.libraryDescription of this server.
pub const LIBRARY_DESCRIPTION: &str = "kmip-reference-server";

fn padded(s: &str) -> [u8; 32] {
    let mut out = [b' '; 32];
    let b = s.as_bytes();
    let n = b.len().min(32);
    out[..n].copy_from_slice(&b[..n]);
    out
}

fn crate_version() -> (u8, u8) {
    let v = env!("CARGO_PKG_VERSION");
    let mut it = v.split('.').map(|p| p.parse::<u8>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

/// This server's CK_INFO, marshalled as described in the module docs.
pub fn ck_info() -> Vec<u8> {
    let mut out = Vec::with_capacity(76);
    out.extend_from_slice(&[3, 0]);
    out.extend_from_slice(&padded(MANUFACTURER_ID));
    out.extend_from_slice(&[0u8; 8]);
    out.extend_from_slice(&padded(LIBRARY_DESCRIPTION));
    let (major, minor) = crate_version();
    out.extend_from_slice(&[major, minor]);
    out
}

/// PKCS#11 (2.1 §6.1.37).
pub fn pkcs11(s: &mut Session<'_>, p: &Item) -> Result<Item, KmipError> {
    let f = Fields::new(p);
    if let Some(iface) = f.text(t::PKCS_11_INTERFACE)? {
        // Absent = the default V3.0 interface; "PKCS 11" is that
        // interface's name (PKCS#11 v3.0 CK_INTERFACE).
        if iface != "PKCS 11" {
            return Err(KmipError::new(
                rr::PKCS_11_INVALID_INTERFACE,
                format!("unknown PKCS#11 interface {iface:?}"),
            ));
        }
    }
    let fitem = f.require(t::PKCS_11_FUNCTION)?;
    let function = match fitem.value {
        Value::Enumeration(c) => c,
        Value::Integer(_) => {
            return Err(KmipError::new(
                rr::PKCS_11_INVALID_FUNCTION,
                "vendor-defined PKCS#11 functions are not in this server's interface",
            ))
        }
        _ => {
            return Err(KmipError::invalid_field(
                "PKCS#11 Function must be an Enumeration or an Integer",
            ))
        }
    };
    let correlation = f.bytes(t::CORRELATION_VALUE)?.map(<[u8]>::to_vec);
    if let Some(input) = f.get(t::PKCS_11_INPUT_PARAMETERS) {
        if !matches!(input.value, Value::ByteString(_)) {
            return Err(KmipError::new(
                rr::PKCS_11_CODEC_ERROR,
                "PKCS#11 Input Parameters must be a Byte String",
            ));
        }
    }
    let live = correlation
        .as_ref()
        .is_some_and(|c| super::admin::pkcs11_live(s, c));
    let mut out = vec![enumeration(t::PKCS_11_FUNCTION, function)];
    // Response order of 2.1 Table 274: Function, Correlation Value, Output
    // Parameters, Return Code. A live session's Correlation Value is
    // returned with every answer in it ("the client must provide [it] in
    // the next request").
    let echo = |out: &mut Vec<Item>| {
        if let Some(c) = correlation.as_ref().filter(|_| live) {
            out.push(bytes(t::CORRELATION_VALUE, c.clone()));
        }
    };
    let rv = match function {
        func::C_INITIALIZE => {
            let mut id = vec![0u8; 16];
            rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut id);
            s.admin_changes.push(AdminChange::Pkcs11Open(id.clone()));
            out.push(bytes(t::CORRELATION_VALUE, id));
            ckr::OK
        }
        func::C_GET_INFO if live => {
            echo(&mut out);
            out.push(bytes(t::PKCS_11_OUTPUT_PARAMETERS, ck_info()));
            ckr::OK
        }
        func::C_FINALIZE if live => {
            echo(&mut out);
            if let Some(c) = correlation.clone() {
                s.admin_changes.push(AdminChange::Pkcs11Close(c));
            }
            ckr::OK
        }
        func::C_GET_INFO | func::C_FINALIZE => ckr::CRYPTOKI_NOT_INITIALIZED,
        _ => {
            echo(&mut out);
            ckr::FUNCTION_NOT_SUPPORTED
        }
    };
    out.push(enumeration(t::PKCS_11_RETURN_CODE, rv));
    Ok(payload(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ck_info_layout() {
        let b = ck_info();
        assert_eq!(b.len(), 76);
        assert_eq!(&b[..2], &[3, 0]);
        assert_eq!(&b[2..14], MANUFACTURER_ID.as_bytes());
        assert!(b[14..34].iter().all(|c| *c == b' '));
        assert_eq!(&b[34..42], &[0u8; 8]);
        assert_eq!(&b[42..63], LIBRARY_DESCRIPTION.as_bytes());
        assert!(b[63..74].iter().all(|c| *c == b' '));
    }
}
