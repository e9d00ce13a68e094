//! Secret sharing for Split Keys (KMIP 1.4 §2.2.5, 2.1 §2.8 Split Key;
//! Split Key Method 1.4 §9.1.3.2.8 / 2.1 §11.52), after [w1979] (Shamir,
//! "How to share a secret"):
//!
//! - **XOR**: Split Key Parts equals Split Key Threshold; every part is as
//!   long as the secret and the secret is the XOR of all parts (the first
//!   `n - 1` parts are random).
//! - **Polynomial Sharing Prime Field**: the secret, read as a big-endian
//!   integer, is the constant term of a random polynomial of degree
//!   `threshold - 1` over GF(p), p = Prime Field Size, "a prime bigger
//!   than 2^L"; part `i` (the Key Part Identifier, 1 ≤ i ≤ parts) is f(i)
//!   written big-endian in the byte length of p. Joining is Lagrange
//!   interpolation at 0.
//! - **Polynomial Sharing GF(2^8)** (KMIP 2.0+): the same per byte, in the
//!   AES field GF(2)[x]/(x^8+x^4+x^3+x+1) of [FIPS197] §4.
//! - **Polynomial Sharing GF(2^16)**: not implemented (Feature Not
//!   Supported, said so in the error).
//!
//! Primality of a client-supplied Prime Field Size is not proven here: a
//! value that is even, not above 2^L, or for which a share cannot be
//! inverted is refused; a composite odd value can still slip through
//! (documented limit).

use rand::RngCore;
use rsa::BigUint;

/// Split Key Method codes (re-stated from the generated constants).
pub use kmip_ttlv::enums::split_key_method as method;

/// Why a split or join cannot be done.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SplitError {
    /// A parameter the method does not accept.
    #[error("{0}")]
    Invalid(String),
    /// A method this server does not implement.
    #[error("{0}")]
    Unsupported(String),
}

fn invalid(m: impl Into<String>) -> SplitError {
    SplitError::Invalid(m.into())
}

/// Largest number of parts (bounds the work of one request).
pub const MAX_PARTS: u32 = 255;

/// Check parts / threshold for `m`.
pub fn check_shape(m: u32, parts: u32, threshold: u32) -> Result<(), SplitError> {
    if parts == 0 || threshold == 0 || threshold > parts {
        return Err(invalid(format!(
            "Split Key Threshold {threshold} must be between 1 and Split Key Parts {parts}"
        )));
    }
    if parts > MAX_PARTS {
        return Err(invalid(format!(
            "Split Key Parts {parts}: this server splits into at most {MAX_PARTS} parts"
        )));
    }
    match m {
        method::XOR if parts != threshold => Err(invalid(
            "XOR: the number of split keys is Split Key Parts, identical to Split Key Threshold",
        )),
        method::XOR | method::POLYNOMIAL_SHARING_PRIME_FIELD | method::POLYNOMIAL_SHARING_GF28 => {
            Ok(())
        }
        method::POLYNOMIAL_SHARING_GF216 => Err(SplitError::Unsupported(
            "Split Key Method Polynomial Sharing GF(2^16) is not implemented by this server (XOR, Prime Field and GF(2^8) are)".into(),
        )),
        other => Err(invalid(format!("unknown Split Key Method {other:#x}"))),
    }
}

/// Split `secret` into `parts` shares (share `i - 1` is Key Part
/// Identifier `i`). `prime`: Prime Field Size (big-endian), required for the
/// prime-field method.
pub fn split(
    m: u32,
    secret: &[u8],
    parts: u32,
    threshold: u32,
    prime: Option<&[u8]>,
    rng: &mut dyn RngCore,
) -> Result<Vec<Vec<u8>>, SplitError> {
    check_shape(m, parts, threshold)?;
    if secret.is_empty() {
        return Err(invalid("the key to split has no key material"));
    }
    let n = parts as usize;
    match m {
        method::XOR => {
            let mut shares: Vec<Vec<u8>> = Vec::with_capacity(n);
            let mut last = secret.to_vec();
            for _ in 1..n {
                let mut r = vec![0u8; secret.len()];
                rng.fill_bytes(&mut r);
                last.iter_mut().zip(&r).for_each(|(a, b)| *a ^= b);
                shares.push(r);
            }
            shares.push(last);
            Ok(shares)
        }
        method::POLYNOMIAL_SHARING_GF28 => {
            let k = threshold as usize;
            let mut shares = vec![vec![0u8; secret.len()]; n];
            let mut coeffs = vec![0u8; k];
            for (pos, &byte) in secret.iter().enumerate() {
                coeffs[0] = byte;
                rng.fill_bytes(&mut coeffs[1..]);
                for (i, share) in shares.iter_mut().enumerate() {
                    let x = u8::try_from(i + 1).map_err(|_| invalid("too many parts"))?;
                    // Horner
                    share[pos] = coeffs.iter().rev().fold(0u8, |acc, &c| gf_mul(acc, x) ^ c);
                }
            }
            Ok(shares)
        }
        method::POLYNOMIAL_SHARING_PRIME_FIELD => {
            let p = field(prime, secret.len())?;
            let width = p.to_bytes_be().len();
            let s = BigUint::from_bytes_be(secret);
            let mut coeffs = vec![s];
            for _ in 1..threshold {
                let mut r = vec![0u8; width + 8];
                rng.fill_bytes(&mut r);
                coeffs.push(BigUint::from_bytes_be(&r) % &p);
            }
            let mut shares = Vec::with_capacity(n);
            for i in 1..=parts {
                let x = BigUint::from(i);
                let y = coeffs
                    .iter()
                    .rev()
                    .fold(BigUint::from(0u32), |acc, c| (acc * &x + c) % &p);
                shares.push(pad(&y, width));
            }
            Ok(shares)
        }
        _ => Err(invalid("unreachable Split Key Method")),
    }
}

/// Join `shares` (Key Part Identifier, share) into the secret of
/// `secret_len` bytes. The caller checked that at least the threshold of
/// distinct parts is given.
pub fn join(
    m: u32,
    shares: &[(u32, Vec<u8>)],
    secret_len: usize,
    prime: Option<&[u8]>,
) -> Result<Vec<u8>, SplitError> {
    let Some((_, first)) = shares.first() else {
        return Err(invalid("no split keys to join"));
    };
    match m {
        method::XOR => {
            let mut out = vec![0u8; first.len()];
            for (_, s) in shares {
                if s.len() != out.len() {
                    return Err(invalid("XOR parts of different lengths"));
                }
                out.iter_mut().zip(s).for_each(|(a, b)| *a ^= b);
            }
            Ok(out)
        }
        method::POLYNOMIAL_SHARING_GF28 => {
            if shares.iter().any(|(_, s)| s.len() != first.len()) {
                return Err(invalid("GF(2^8) parts of different lengths"));
            }
            let xs: Vec<u8> = shares
                .iter()
                .map(|(i, _)| u8::try_from(*i).map_err(|_| invalid("Key Part Identifier > 255")))
                .collect::<Result<_, _>>()?;
            // Lagrange basis at 0: l_j = prod_{m != j} x_m / (x_m - x_j)
            let mut basis = Vec::with_capacity(xs.len());
            for (j, &xj) in xs.iter().enumerate() {
                let mut num = 1u8;
                let mut den = 1u8;
                for (k, &xk) in xs.iter().enumerate() {
                    if k != j {
                        num = gf_mul(num, xk);
                        den = gf_mul(den, xk ^ xj);
                    }
                }
                basis.push(gf_mul(
                    num,
                    gf_inv(den).ok_or_else(|| invalid("duplicate Key Part Identifier"))?,
                ));
            }
            let mut out = vec![0u8; first.len()];
            for (pos, o) in out.iter_mut().enumerate() {
                *o = shares
                    .iter()
                    .zip(&basis)
                    .fold(0u8, |acc, ((_, s), &l)| acc ^ gf_mul(s[pos], l));
            }
            Ok(out)
        }
        method::POLYNOMIAL_SHARING_PRIME_FIELD => {
            let p = field(prime, secret_len)?;
            let width = secret_len;
            let xs: Vec<BigUint> = shares.iter().map(|(i, _)| BigUint::from(*i)).collect();
            let mut acc = BigUint::from(0u32);
            for (j, (_, y)) in shares.iter().enumerate() {
                let mut num = BigUint::from(1u32);
                let mut den = BigUint::from(1u32);
                for (k, xk) in xs.iter().enumerate() {
                    if k != j {
                        num = num * xk % &p;
                        // (x_k - x_j) mod p
                        let d = (xk + &p - (&xs[j] % &p)) % &p;
                        den = den * d % &p;
                    }
                }
                let inv = mod_inv(&den, &p)?;
                acc = (acc + BigUint::from_bytes_be(y) % &p * num % &p * inv) % &p;
            }
            let bytes = acc.to_bytes_be();
            if bytes.len() > width {
                return Err(invalid(
                    "the joined value is longer than the key: wrong parts or Prime Field Size",
                ));
            }
            Ok(pad(&acc, width))
        }
        method::POLYNOMIAL_SHARING_GF216 => Err(SplitError::Unsupported(
            "Split Key Method Polynomial Sharing GF(2^16) is not implemented by this server".into(),
        )),
        other => Err(invalid(format!("unknown Split Key Method {other:#x}"))),
    }
}

/// The prime field of a secret of `len` bytes: Prime Field Size given, odd
/// and above 2^(8·len).
fn field(prime: Option<&[u8]>, len: usize) -> Result<BigUint, SplitError> {
    let p = prime
        .map(BigUint::from_bytes_be)
        .ok_or_else(|| invalid("Polynomial Sharing Prime Field needs the Prime Field Size"))?;
    let bound = BigUint::from(1u32) << (8 * len);
    if p <= bound {
        return Err(invalid(format!(
            "Prime Field Size must be a prime bigger than 2^{} (the key is {} bits)",
            8 * len,
            8 * len
        )));
    }
    if (&p % 2u32) == BigUint::from(0u32) {
        return Err(invalid("Prime Field Size is even, not a prime"));
    }
    Ok(p)
}

/// a^-1 mod p (p prime: a^(p-2)); zero has none.
fn mod_inv(a: &BigUint, p: &BigUint) -> Result<BigUint, SplitError> {
    if a == &BigUint::from(0u32) {
        return Err(invalid("duplicate Key Part Identifier"));
    }
    let inv = a.modpow(&(p - 2u32), p);
    if (a * &inv) % p != BigUint::from(1u32) {
        return Err(invalid("Prime Field Size is not a prime"));
    }
    Ok(inv)
}

/// `v` big-endian, left-padded with zeros to `width` bytes.
fn pad(v: &BigUint, width: usize) -> Vec<u8> {
    let b = v.to_bytes_be();
    let mut out = vec![0u8; width.saturating_sub(b.len())];
    out.extend_from_slice(&b);
    out
}

/// Multiplication in GF(2^8) with the AES polynomial (FIPS 197 §4.2).
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        let carry = a & 0x80 != 0;
        a <<= 1;
        if carry {
            a ^= 0x1B;
        }
        b >>= 1;
    }
    p
}

/// Inverse in GF(2^8) (a^254); zero has none.
fn gf_inv(a: u8) -> Option<u8> {
    if a == 0 {
        return None;
    }
    let mut r = 1u8;
    for _ in 0..254 {
        r = gf_mul(r, a);
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(7)
    }

    /// The 2^127 - 1 Mersenne prime is too small for 16 bytes; 2^521 - 1 is
    /// a prime above 2^128.
    fn p521() -> Vec<u8> {
        let p = (BigUint::from(1u32) << 521) - 1u32;
        p.to_bytes_be()
    }

    #[test]
    fn fips197_multiplication() {
        // FIPS 197 §4.2: {57} • {83} = {c1}; {57} • {13} = {fe}
        assert_eq!(gf_mul(0x57, 0x83), 0xC1);
        assert_eq!(gf_mul(0x57, 0x13), 0xFE);
        for a in 1..=255u8 {
            assert_eq!(gf_mul(a, gf_inv(a).expect("inverse")), 1);
        }
    }

    #[test]
    fn every_threshold_subset_joins() {
        let secret: Vec<u8> = (0u8..16).collect();
        let prime = p521();
        for m in [
            method::POLYNOMIAL_SHARING_GF28,
            method::POLYNOMIAL_SHARING_PRIME_FIELD,
        ] {
            let shares = split(m, &secret, 5, 3, Some(&prime), &mut rng()).expect("split");
            assert_eq!(shares.len(), 5);
            for a in 0..5u32 {
                for b in (a + 1)..5 {
                    for c in (b + 1)..5 {
                        let pick: Vec<(u32, Vec<u8>)> = [a, b, c]
                            .iter()
                            .map(|&i| (i + 1, shares[i as usize].clone()))
                            .collect();
                        assert_eq!(
                            join(m, &pick, 16, Some(&prime)).expect("join"),
                            secret,
                            "method {m} parts {a} {b} {c}"
                        );
                    }
                }
            }
            // two parts of a 3-of-5 do not give the secret
            let two: Vec<(u32, Vec<u8>)> = vec![(1, shares[0].clone()), (2, shares[1].clone())];
            assert_ne!(join(m, &two, 16, Some(&prime)).ok(), Some(secret.clone()));
        }
    }

    #[test]
    fn xor_parts() {
        let secret = vec![0xAA; 32];
        let shares = split(method::XOR, &secret, 3, 3, None, &mut rng()).expect("split");
        assert!(shares.iter().all(|s| s != &secret));
        let all: Vec<(u32, Vec<u8>)> = shares.into_iter().zip(1..).map(|(s, i)| (i, s)).collect();
        assert_eq!(join(method::XOR, &all, 32, None).expect("join"), secret);
        assert!(
            check_shape(method::XOR, 3, 2).is_err(),
            "XOR needs parts == threshold"
        );
    }

    #[test]
    fn bad_parameters() {
        let s = [1u8; 16];
        assert!(matches!(
            split(method::POLYNOMIAL_SHARING_GF216, &s, 3, 2, None, &mut rng()),
            Err(SplitError::Unsupported(_))
        ));
        assert!(split(
            method::POLYNOMIAL_SHARING_PRIME_FIELD,
            &s,
            3,
            2,
            None,
            &mut rng()
        )
        .is_err());
        let small = [0xFFu8; 16]; // 2^128 - 1: not above 2^128
        assert!(split(
            method::POLYNOMIAL_SHARING_PRIME_FIELD,
            &s,
            3,
            2,
            Some(&small),
            &mut rng()
        )
        .is_err());
        assert!(check_shape(method::POLYNOMIAL_SHARING_GF28, 2, 3).is_err());
        assert!(check_shape(method::POLYNOMIAL_SHARING_GF28, 300, 3).is_err());
    }
}
