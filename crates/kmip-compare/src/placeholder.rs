//! The closed list of `$NAME` placeholders a test case may use, and what
//! each one means.
//!
//! The list is the one found in the OASIS corpus (KMIP 1.0–3.0 test cases;
//! see the research notes `rules.md` §2.2 and `corpus-analysis.md` §3). KMIP
//! Profiles v2.1 §4: "Symbolic identifiers are of the form $UPPERCASE_NAME
//! followed by optional unique index value. Wherever a symbolic identifier
//! occurs in a test case the implementation must replace it with a
//! reasonable appearing datum of the expected type." and "Time values can be
//! specified in terms of an offset from the current time in seconds of the
//! form $NOW or $NOW-n or $NOW+n."
//!
//! A name outside this list is an error of the test case, never silently
//! accepted.

/// What a placeholder stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `$NOW`, `$NOW+n`, `$NOW-n`: the current time plus the offset in seconds.
    Now(i64),
    /// A server-assigned object identifier (`$UNIQUE_IDENTIFIER_n`, …).
    /// Bound on first sight in a response; two different names of this kind
    /// never bind the same value (Profiles v2.1 §4.1.1 items 1–3).
    UniqueIdentifier,
    /// A server-assigned short identifier (`$SHORT_UNIQUE_IDENTIFIER_n`);
    /// distinct values like [`Kind::UniqueIdentifier`], in its own space.
    ShortUniqueIdentifier,
    /// A value produced by the server and captured for later use (key
    /// material, ciphertext, signatures, IVs, correlation values, tickets).
    /// When first seen in a request it is bound implicitly from the
    /// same-named field of the most recent earlier actual response.
    Captured,
    /// A server-generated value the test case only masks: every occurrence
    /// in a response accepts any value of the declared type and nothing is
    /// bound (`$DIGEST_VALUE`: rules.md §2.2 "accept any (dynamically
    /// generated object)"; AKLC-O-1-30 writes the one name for the digests
    /// of two different objects, so binding it would reject a correct
    /// server). Never used in requests.
    AnyValue,
}

/// Families of captured placeholders: name prefix, and whether a numeric
/// `_n` suffix is allowed / required.
const CAPTURED: &[(&str, Suffix)] = &[
    ("KEY_MATERIAL", Suffix::Optional),
    ("KEY_VALUE", Suffix::Optional),
    ("DATA", Suffix::Optional),
    ("SIGNATURE_DATA", Suffix::Optional),
    ("MAC_DATA", Suffix::Optional),
    ("AUTHENTICATED_ENCRYPTION_TAG", Suffix::Optional),
    ("IV_COUNTER_NONCE", Suffix::Optional),
    ("CORRELATION_VALUE", Suffix::Optional),
    ("SERVER_CORRELATION_VALUE", Suffix::Optional),
    ("TICKET_VALUE", Suffix::Optional),
];

/// Identifier families (`UNIQUE_IDENTIFIER_RANDOM_n` and the bare / `0X`
/// forms occur in the OASIS Test Cases committee notes).
const UID: &[(&str, Suffix)] = &[
    ("UNIQUE_IDENTIFIER_RANDOM", Suffix::Optional),
    ("UNIQUE_IDENTIFIER", Suffix::OptionalOrX),
];

/// Mask-only placeholders ([`Kind::AnyValue`]).
const ANY_VALUE: &[(&str, Suffix)] = &[("DIGEST_VALUE", Suffix::Optional)];

const SHORT_UID: &[(&str, Suffix)] = &[
    ("SHORT_UNIQUE_IDENTIFIER_RANDOM", Suffix::Optional),
    ("SHORT_UNIQUE_IDENTIFIER", Suffix::Optional),
];

#[derive(Clone, Copy)]
enum Suffix {
    /// nothing, or `_<digits>`
    Optional,
    /// nothing, `_<digits>`, or `_<digits>X`
    OptionalOrX,
}

fn suffix_ok(rest: &str, s: Suffix) -> bool {
    if rest.is_empty() {
        return true;
    }
    let Some(digits) = rest.strip_prefix('_') else {
        return false;
    };
    let digits = match s {
        Suffix::Optional => digits,
        Suffix::OptionalOrX => digits.strip_suffix('X').unwrap_or(digits),
    };
    !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn family(name: &str, families: &[(&str, Suffix)]) -> bool {
    families.iter().any(|(prefix, s)| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| suffix_ok(rest, *s))
    })
}

/// Classify a placeholder name (without the `$`). `None`: not a documented
/// placeholder.
pub fn classify(name: &str) -> Option<Kind> {
    if let Some(rest) = name.strip_prefix("NOW") {
        return parse_now_offset(rest).map(Kind::Now);
    }
    // Longest families first: SHORT_… before UNIQUE_…, …_RANDOM before bare.
    if family(name, SHORT_UID) {
        return Some(Kind::ShortUniqueIdentifier);
    }
    if family(name, UID) {
        return Some(Kind::UniqueIdentifier);
    }
    if family(name, ANY_VALUE) {
        return Some(Kind::AnyValue);
    }
    if family(name, CAPTURED) {
        return Some(Kind::Captured);
    }
    None
}

/// `""` → 0, `"-3600"` → -3600, `"+20"` → 20; offsets are bounded to ±100
/// years so arithmetic on them cannot overflow.
fn parse_now_offset(rest: &str) -> Option<i64> {
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1, &rest[1..]),
        Some(b'-') => (-1, &rest[1..]),
        _ => return None,
    };
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    const LIMIT: i64 = 100 * 366 * 86_400;
    (n <= LIMIT).then_some(sign * n)
}

/// The documented placeholder families, for documentation and error
/// messages.
pub fn documented() -> Vec<String> {
    let mut out = vec!["NOW".to_string(), "NOW+n".to_string(), "NOW-n".to_string()];
    for (p, s) in UID.iter().chain(SHORT_UID).chain(CAPTURED) {
        out.push(match s {
            Suffix::Optional => format!("{p}[_n]"),
            Suffix::OptionalOrX => format!("{p}[_n[X]]"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_corpus_families() {
        assert_eq!(classify("NOW"), Some(Kind::Now(0)));
        assert_eq!(classify("NOW-3600"), Some(Kind::Now(-3600)));
        assert_eq!(classify("NOW+20"), Some(Kind::Now(20)));
        assert_eq!(
            classify("UNIQUE_IDENTIFIER_22"),
            Some(Kind::UniqueIdentifier)
        );
        assert_eq!(classify("UNIQUE_IDENTIFIER"), Some(Kind::UniqueIdentifier));
        assert_eq!(
            classify("UNIQUE_IDENTIFIER_0X"),
            Some(Kind::UniqueIdentifier)
        );
        assert_eq!(
            classify("UNIQUE_IDENTIFIER_RANDOM_1"),
            Some(Kind::UniqueIdentifier)
        );
        assert_eq!(
            classify("SHORT_UNIQUE_IDENTIFIER_0"),
            Some(Kind::ShortUniqueIdentifier)
        );
        assert_eq!(classify("MAC_DATA"), Some(Kind::Captured));
        assert_eq!(classify("DATA_25"), Some(Kind::Captured));
        assert_eq!(classify("SERVER_CORRELATION_VALUE"), Some(Kind::Captured));
        assert_eq!(classify("TICKET_VALUE"), Some(Kind::Captured));
        assert_eq!(classify("DIGEST_VALUE"), Some(Kind::AnyValue));
    }

    #[test]
    fn rejects_unknown_names() {
        for bad in [
            "FOO",
            "NOW*2",
            "NOW-",
            "NOW-abc",
            "UNIQUE_IDENTIFIER_",
            "UNIQUE_IDENTIFIER_A",
            "DATA_",
            "KEY_MATERIALS",
            "now",
            "",
        ] {
            assert_eq!(classify(bad), None, "{bad}");
        }
    }
}
