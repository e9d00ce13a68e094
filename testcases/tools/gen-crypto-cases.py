#!/usr/bin/env python3
"""Write the project cases for Derive Key, multi-part crypto, secp256k1 and
Ed25519 (testcases/server/{derive,multipart,keypair,negative,discovery}:
KH-DERIVE-*, KH-MULTI-*, KH-KEYPAIR-4/5, KH-NEG-11..14, KH-QUERY-2).
Expected values (derived keys, MACs, digests) are computed here with
Python's hashlib / hmac and the `cryptography` package, independently of
the reference server; each file's comment cites the spec sections.
Run from anywhere: python3 testcases/tools/gen-crypto-cases.py
(then python3 profiles/tools/gen-project-profiles.py)."""
import hashlib
import hmac as hmac_mod
import pathlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ROOT = pathlib.Path(__file__).resolve().parents[1] / "server"


def esc(s):
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class X:
    def __init__(self, tag, typ=None, value=None, children=None):
        self.tag, self.typ, self.value, self.children = tag, typ, value, children

    def render(self, ind):
        pad = "  " * ind
        if self.children is not None:
            if not self.children:
                return f"{pad}<{self.tag}/>\n"
            inner = "".join(c.render(ind + 1) for c in self.children)
            return f"{pad}<{self.tag}>\n{inner}{pad}</{self.tag}>\n"
        return f'{pad}<{self.tag} type="{self.typ}" value="{esc(str(self.value))}"/>\n'


def S(tag, *children):
    return X(tag, children=list(children))


def T(tag, v):
    return X(tag, "TextString", v)


def E(tag, v):
    return X(tag, "Enumeration", v)


def I(tag, v):
    return X(tag, "Integer", v)


def B(tag, v):
    return X(tag, "ByteString", v if isinstance(v, str) else v.hex())


def BOOL(tag, v):
    return X(tag, "Boolean", "true" if v else "false")


def DT(tag, v):
    return X(tag, "DateTime", v)


def UID(n):
    return T("UniqueIdentifier", f"$UNIQUE_IDENTIFIER_{n}")


class Case:
    def __init__(self, cid, version, what, expected, notes=None, masked_extra=""):
        self.cid, self.version = cid, version
        self.what, self.expected, self.notes = what, expected, notes
        self.masked_extra = masked_extra
        self.steps = []

    @property
    def v21(self):
        return self.version == (2, 1)

    def step(self, op, req_children, status="Success", resp_children=None, reason=None):
        self.steps.append((op, req_children, status, resp_children, reason))

    # -- attribute helpers -------------------------------------------------
    def attrs(self, *pairs):
        """pairs: (2.1 item, 1.4 attribute name)."""
        if self.v21:
            return S("Attributes", *[p[0] for p in pairs])
        out = []
        for item, name in pairs:
            val = X("AttributeValue", item.typ, item.value, item.children)
            out.append(S("Attribute", T("AttributeName", name), val))
        return S("TemplateAttribute", *out)

    def get_attrs_req(self, uid, *names):
        if self.v21:
            return [uid] + [E("AttributeReference", n.replace(" ", "")) for n in names]
        return [uid] + [T("AttributeName", n) for n in names]

    def attr_resp(self, uid, *pairs):
        if self.v21:
            return [uid, S("Attributes", *[p[0] for p in pairs])]
        out = [uid]
        for item, name in pairs:
            val = X("AttributeValue", item.typ, item.value, item.children)
            out.append(S("Attribute", T("AttributeName", name), val))
        return out

    def render(self):
        maj, mnr = self.version
        vtag = f"{maj}{mnr}"
        head = f"""<!--
     kmip-harness project test case {self.cid}
     Protocol: KMIP {maj}.{mnr}
     Profile: none (project case)

     What it tests:
{self.what}

     Expected responses per KMIP {maj}.{mnr} ({'kmip-spec-v2.1-os' if self.v21 else 'kmip-spec-v1.4-os'}):
{self.expected}
"""
        if self.notes:
            head += f"\n     Notes:\n{self.notes}\n"
        head += f"""
     Masked per the Profiles' Permitted Test Case Variations: Unique Identifiers
     ($UNIQUE_IDENTIFIER_n), TimeStamp and server-set dates ($NOW), Result Message
     (optional free text, never written here){self.masked_extra}. Everything else is exact.
-->
<KMIP>
"""
        body = ""
        for n, (op, req, status, resp, reason) in enumerate(self.steps):
            ccv = (
                f'    <ClientCorrelationValue type="TextString" value="{self.cid} step={n}"/>\n'
                if self.v21
                else ""
            )
            body += f"""
<RequestMessage>
  <RequestHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="{maj}"/>
      <ProtocolVersionMinor type="Integer" value="{mnr}"/>
    </ProtocolVersion>
{ccv}    <BatchCount type="Integer" value="1"/>
  </RequestHeader>
  <BatchItem>
    <Operation type="Enumeration" value="{op}"/>
{S("RequestPayload", *req).render(2)}  </BatchItem>
</RequestMessage>

<ResponseMessage>
  <ResponseHeader>
    <ProtocolVersion>
      <ProtocolVersionMajor type="Integer" value="{maj}"/>
      <ProtocolVersionMinor type="Integer" value="{mnr}"/>
    </ProtocolVersion>
    <TimeStamp type="DateTime" value="$NOW"/>
    <BatchCount type="Integer" value="1"/>
  </ResponseHeader>
  <BatchItem>
    <Operation type="Enumeration" value="{op}"/>
    <ResultStatus type="Enumeration" value="{status}"/>
"""
            if reason:
                body += f'    <ResultReason type="Enumeration" value="{reason}"/>\n'
            if resp is not None:
                body += S("ResponsePayload", *resp).render(2)
            body += "  </BatchItem>\n</ResponseMessage>\n"
        return head + body + "\n</KMIP>\n"


def indent(text):
    return "\n".join("     " + l if l else "" for l in text.strip("\n").split("\n"))


ALL = []


def add(area, case):
    ALL.append((area, case))


# -- common building blocks ---------------------------------------------------

def reg_sym(c, uid_n, alg, key_hex, mask, params=None):
    """Register an Active symmetric key (Activation Date in the past)."""
    pairs = [
        (I("CryptographicUsageMask", mask), "Cryptographic Usage Mask"),
        (DT("ActivationDate", "$NOW-3600"), "Activation Date"),
    ]
    if params is not None:
        pairs.append((S("CryptographicParameters", *params), "Cryptographic Parameters"))
    c.step(
        "Register",
        [
            E("ObjectType", "SymmetricKey"),
            c.attrs(*pairs),
            S(
                "SymmetricKey",
                S(
                    "KeyBlock",
                    E("KeyFormatType", "Raw"),
                    S("KeyValue", B("KeyMaterial", key_hex)),
                    E("CryptographicAlgorithm", alg),
                    I("CryptographicLength", len(bytes.fromhex(key_hex)) * 8),
                ),
            ),
        ],
        resp_children=[UID(uid_n)],
    )


def reg_secret(c, uid_n, data_hex, mask):
    c.step(
        "Register",
        [
            E("ObjectType", "SecretData"),
            c.attrs(
                (I("CryptographicUsageMask", mask), "Cryptographic Usage Mask"),
                (DT("ActivationDate", "$NOW-3600"), "Activation Date"),
            ),
            S(
                "SecretData",
                E("SecretDataType", "Password"),
                S(
                    "KeyBlock",
                    E("KeyFormatType", "Opaque"),
                    S("KeyValue", B("KeyMaterial", data_hex)),
                ),
            ),
        ],
        resp_children=[UID(uid_n)],
    )


def derive_step(c, base_uids, method, params, out_type, out_attrs, new_n=None, status="Success", reason=None):
    req = [E("ObjectType", out_type)] + [UID(u) for u in base_uids]
    req += [E("DerivationMethod", method), S("DerivationParameters", *params), c.attrs(*out_attrs)]
    c.step(
        "DeriveKey",
        req,
        status=status,
        resp_children=[UID(new_n)] if status == "Success" else None,
        reason=reason,
    )


def get_sym(c, uid_n, alg, key_hex):
    c.step(
        "Get",
        [UID(uid_n)],
        resp_children=[
            E("ObjectType", "SymmetricKey"),
            UID(uid_n),
            S(
                "SymmetricKey",
                S(
                    "KeyBlock",
                    E("KeyFormatType", "Raw"),
                    S("KeyValue", B("KeyMaterial", key_hex)),
                    E("CryptographicAlgorithm", alg),
                    I("CryptographicLength", len(bytes.fromhex(key_hex)) * 8),
                ),
            ),
        ],
    )


def get_secret(c, uid_n, data_hex):
    c.step(
        "Get",
        [UID(uid_n)],
        resp_children=[
            E("ObjectType", "SecretData"),
            UID(uid_n),
            S(
                "SecretData",
                E("SecretDataType", "Seed"),
                S(
                    "KeyBlock",
                    E("KeyFormatType", "Opaque"),
                    S("KeyValue", B("KeyMaterial", data_hex)),
                ),
            ),
        ],
    )


def link(lt, n):
    return S("Link", E("LinkType", lt), T("LinkedObjectIdentifier", f"$UNIQUE_IDENTIFIER_{n}"))


def check_links(c, base_n, new_n):
    c.step(
        "GetAttributes",
        c.get_attrs_req(UID(new_n), "Link"),
        resp_children=c.attr_resp(UID(new_n), (link("DerivationBaseObjectLink", base_n), "Link")),
    )
    c.step(
        "GetAttributes",
        c.get_attrs_req(UID(base_n), "Link"),
        resp_children=c.attr_resp(UID(base_n), (link("DerivedKeyLink", new_n), "Link")),
    )


def revoke(c, n):
    c.step(
        "Revoke",
        [UID(n), S("RevocationReason", E("RevocationReasonCode", "CessationOfOperation"))],
        resp_children=[UID(n)],
    )


def destroy(c, n):
    c.step("Destroy", [UID(n)], resp_children=[UID(n)])


def cleanup_active(c, *ns):
    for n in ns:
        revoke(c, n)
        destroy(c, n)


SPEC_DK = {
    (2, 1): "§6.1.14 Derive Key",
    (1, 4): "§4.6 Derive Key",
}
SPEC_DP = {
    (2, 1): "§7.12 Derivation Parameters (Table 364)",
    (1, 4): "§4.6 Tables 182 / 183 (Derivation Parameters)",
}
SPEC_LINK = {
    (2, 1): "§4.31 Link (Link Types Derivation Base Object / Derived Key, §11.28)",
    (1, 4): "§3.35 Link (Derivation Base Object Link / Derived Key Link, §9.1.3.2.20)",
}


def dk_expected(v, method_text, extra=""):
    return indent(
        f"""{SPEC_DK[v]}: the server derives the object from the base object with the
Derivation Method ({method_text}), registers it, answers its Unique
Identifier and creates the Link attributes: Derivation Base Object on the
new object, Derived Key on the base object ({SPEC_LINK[v]}).
{SPEC_DP[v]}: {extra}
Get returns the derived key material (computed independently for this
case with Python's hashlib / hmac / cryptography). Revoke (Cessation of
Operation) and Destroy clean up; the derived object is still Pre-Active and
is destroyed directly."""
    )


VERS = [(1, 4), (2, 1)]


def suffix(v):
    return f"{v[0]}{v[1]}"


# -- Derive Key -----------------------------------------------------------

PASSWORD = b"kmip-harness password"
SALT = bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf")


def derive_cases():
    for v in VERS:
        # 1: PBKDF2 from a Secret Data password.
        c = Case(
            f"KH-DERIVE-1-{suffix(v)}",
            v,
            indent(
                """Derive Key with Derivation Method PBKDF2: Register a Secret Data
(Password) with the Derive Key usage, Derive Key of an AES-256 Symmetric Key
(PRF HMAC-SHA256, Salt, Iteration Count 1000), Get the derived key, Get
Attributes (Link) of both objects, clean up."""
            ),
            dk_expected(
                v,
                "PBKDF2, [PKCS#5] / RFC 2898: the password is the base object",
                "Cryptographic Parameters name the PRF hash,\nSalt and Iteration Count are required for PBKDF2.",
            ),
        )
        reg_secret(c, 0, PASSWORD.hex(), "DeriveKey")
        dk = hashlib.pbkdf2_hmac("sha256", PASSWORD, SALT, 1000, 32)
        derive_step(
            c,
            [0],
            "PBKDF2",
            [
                S("CryptographicParameters", E("HashingAlgorithm", "SHA_256")),
                B("Salt", SALT),
                I("IterationCount", 1000),
            ],
            "SymmetricKey",
            [
                (E("CryptographicAlgorithm", "AES"), "Cryptographic Algorithm"),
                (I("CryptographicLength", 256), "Cryptographic Length"),
                (I("CryptographicUsageMask", "Encrypt Decrypt"), "Cryptographic Usage Mask"),
            ],
            new_n=1,
        )
        get_sym(c, 1, "AES", dk.hex())
        check_links(c, 0, 1)
        destroy(c, 1)
        cleanup_active(c, 0)
        add("derive", c)

        # 2: HASH over the derivation key -> Secret Data.
        key = bytes.fromhex("00112233445566778899aabbccddeeff")
        c = Case(
            f"KH-DERIVE-2-{suffix(v)}",
            v,
            indent(
                """Derive Key with Derivation Method HASH and no Derivation Data: the
hash (SHA-256) of the derivation key, as a 256-bit Secret Data object.
Register an AES-128 key with the Derive Key usage, derive, Get, check the
links, clean up."""
            ),
            dk_expected(
                v,
                "HASH: \"derives a key by computing a hash over the derivation key or\nthe derivation data\"; here there is no derivation data",
                "the Hashing Algorithm is required in the Cryptographic\nParameters for HASH. A Secret Data object needs only the Cryptographic Length.",
            ),
            notes=indent(
                """The derived Secret Data is answered with Secret Data Type Seed and Key
Format Type Opaque: the spec leaves both to the server (Seed is the
Secret Data Type that fits derived bytes; Opaque is the format Secret
Data is registered with in the OASIS cases)."""
            ),
        )
        reg_sym(c, 0, "AES", key.hex(), "DeriveKey")
        derive_step(
            c,
            [0],
            "HASH",
            [S("CryptographicParameters", E("HashingAlgorithm", "SHA_256"))],
            "SecretData",
            [(I("CryptographicLength", 256), "Cryptographic Length")],
            new_n=1,
        )
        get_secret(c, 1, hashlib.sha256(key).hexdigest())
        check_links(c, 0, 1)
        destroy(c, 1)
        cleanup_active(c, 0)
        add("derive", c)

        # 3: HMAC.
        key = bytes.fromhex("0b" * 32)
        data = b"kmip-harness HMAC derivation data"
        c = Case(
            f"KH-DERIVE-3-{suffix(v)}",
            v,
            indent(
                """Derive Key with Derivation Method HMAC: an HMAC-SHA256 key with the
Derive Key usage, Derivation Data, an AES-128 key derived as the first 128
bits of HMAC-SHA256(key, data). Get, links, clean up."""
            ),
            dk_expected(
                v,
                "HMAC: \"derives a key by computing an HMAC over the derivation data\"",
                "\"If a key is derived using HMAC, then the attributes of\nthe derivation key provide enough information about the PRF\" (HMAC_SHA256),\nso no Cryptographic Parameters are sent. The derived length (128) is shorter\nthan the HMAC output; the leftmost bits are used.",
            ),
        )
        reg_sym(c, 0, "HMAC_SHA256", key.hex(), "DeriveKey")
        derive_step(
            c,
            [0],
            "HMAC",
            [B("DerivationData", data)],
            "SymmetricKey",
            [
                (E("CryptographicAlgorithm", "AES"), "Cryptographic Algorithm"),
                (I("CryptographicLength", 128), "Cryptographic Length"),
            ],
            new_n=1,
        )
        get_sym(c, 1, "AES", hmac_mod.new(key, data, "sha256").digest()[:16].hex())
        check_links(c, 0, 1)
        destroy(c, 1)
        cleanup_active(c, 0)
        add("derive", c)

        # 4: ENCRYPT (AES ECB).
        key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
        data = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
        enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
        out = enc.update(data) + enc.finalize()
        c = Case(
            f"KH-DERIVE-4-{suffix(v)}",
            v,
            indent(
                """Derive Key with Derivation Method ENCRYPT: an AES-128 key with the
Derive Key usage encrypts 32 bytes of Derivation Data in ECB mode without
padding; the ciphertext is a 256-bit AES key. Get, links, clean up."""
            ),
            dk_expected(
                v,
                "ENCRYPT: \"derives a key by encrypting the derivation data\"",
                "the Cryptographic Parameters give the mode of operation\n(Block Cipher Mode ECB, Padding Method None).",
            ),
        )
        reg_sym(c, 0, "AES", key.hex(), "DeriveKey")
        derive_step(
            c,
            [0],
            "ENCRYPT",
            [
                S(
                    "CryptographicParameters",
                    E("BlockCipherMode", "ECB"),
                    E("PaddingMethod", "None"),
                ),
                B("DerivationData", data),
            ],
            "SymmetricKey",
            [
                (E("CryptographicAlgorithm", "AES"), "Cryptographic Algorithm"),
                (I("CryptographicLength", 256), "Cryptographic Length"),
            ],
            new_n=1,
        )
        get_sym(c, 1, "AES", out.hex())
        check_links(c, 0, 1)
        destroy(c, 1)
        cleanup_active(c, 0)
        add("derive", c)

        # 5: NIST SP 800-108 counter mode, PRF HMAC-SHA256.
        key = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        fixed = b"KH-LABEL" + b"\x00" + b"KH-CONTEXT"
        L = 384
        kdf = b""
        i = 1
        while len(kdf) < L // 8:
            kdf += hmac_mod.new(key, i.to_bytes(4, "big") + fixed + L.to_bytes(4, "big"), "sha256").digest()
            i += 1
        kdf = kdf[: L // 8]
        c = Case(
            f"KH-DERIVE-5-{suffix(v)}",
            v,
            indent(
                """Derive Key with Derivation Method NIST800-108-C (SP 800-108 KDF in
counter mode, PRF HMAC-SHA256 from the key's algorithm): 384 bits of Secret
Data from Label||0x00||Context. Get, links, clean up."""
            ),
            dk_expected(
                v,
                "NIST800-108-C, [SP800-108] counter mode",
                "\"For the NIST SP 800-108 methods, Derivation Data is\nLabel||{0x00}||Context\". SP 800-108 counter mode with r = 32: K(i) =\nPRF(KI, [i]_32 || Label || 0x00 || Context || [L]_32), L = 384; the output\nspans two HMAC blocks.",
            ),
            notes=indent(
                """SP 800-108 leaves the counter's position and width to the
implementation; this case takes the counter (32 bits) before the fixed
input data and L as 32 bits, the layout of the SP 800-108 CAVP vectors
labelled BEFORE_FIXED / 32-bit counter."""
            ),
        )
        reg_sym(c, 0, "HMAC_SHA256", key.hex(), "DeriveKey")
        derive_step(
            c,
            [0],
            "NIST800_108_C",
            [B("DerivationData", fixed)],
            "SecretData",
            [(I("CryptographicLength", L), "Cryptographic Length")],
            new_n=1,
        )
        get_secret(c, 1, kdf.hex())
        check_links(c, 0, 1)
        destroy(c, 1)
        cleanup_active(c, 0)
        add("derive", c)

    # 6: HKDF (2.x only).
    v = (2, 1)
    ikm = bytes.fromhex("0b" * 22)
    salt = bytes(range(0x0D))
    info = bytes(range(0xF0, 0xFA))
    prk = hmac_mod.new(salt, ikm, "sha256").digest()
    okm, t, i = b"", b"", 1
    while len(okm) < 42:
        t = hmac_mod.new(prk, t + info + bytes([i]), "sha256").digest()
        okm += t
        i += 1
    okm = okm[:42]
    c = Case(
        "KH-DERIVE-6-21",
        v,
        indent(
            """Derive Key with Derivation Method HKDF (RFC 5869, test case 1): Input
Key Material from a registered Secret Data with the Derive Key usage, Salt
and info (Derivation Data) in the Derivation Parameters, 42 bytes (336
bits) of Secret Data; the default hash SHA-256. Get, links, clean up."""
        ),
        dk_expected(
            v,
            "HKDF, RFC 5869",
            "\"For the HKDF derivation method, the Input Key Material\nis provided by the specified managed object, the salt is provided in the\nSalt field ..., the optional information is provided in the Derivation Data\nfield ... The default hash function is SHA-256\". The expected bytes are\nRFC 5869 A.1's OKM.",
        ),
        notes=indent(
            """HKDF is a KMIP 2.0 addition (2.1 §11.14 Table 446); there is no 1.4
form. The base object is Secret Data, so it is the Input Key Material, not
derivation data; the Derivation Data field is the info."""
        ),
    )
    reg_secret(c, 0, ikm.hex(), "DeriveKey")
    derive_step(
        c,
        [0],
        "HKDF",
        [B("Salt", salt), B("DerivationData", info)],
        "SecretData",
        [(I("CryptographicLength", 336), "Cryptographic Length")],
        new_n=1,
    )
    get_secret(c, 1, okm.hex())
    check_links(c, 0, 1)
    destroy(c, 1)
    cleanup_active(c, 0)
    add("derive", c)


# -- negative Derive Key ------------------------------------------------------

def negative_cases():
    for v in VERS:
        reason = "IncompatibleCryptographicUsageMask" if v == (2, 1) else "InvalidField"
        spec = (
            "§6.1.14: \"The request SHALL only apply to Managed Objects that have the\nDerive Key bit set in the Cryptographic Usage Mask ... If the operation is\nissued for an object that does not have this bit set, then the server SHALL\nreturn an error.\" §6.1.14.1 Table 207 lists Incompatible Cryptographic\nUsage Mask, the 2.x reason for a usage the mask does not allow (§11.46)."
            if v == (2, 1)
            else "§4.6: \"If the operation is issued for an object that does not have this\nbit set, then the server SHALL return an error.\" §11.7 Table 333: \"One or\nmore of the specified objects are not able to be used to derive a new key\"\n-> Operation Failed, Invalid Field."
        )
        c = Case(
            f"KH-NEG-11-{suffix(v)}",
            v,
            indent(
                """Derive Key from a key whose Cryptographic Usage Mask lacks Derive Key:
Register an active HMAC-SHA256 key with MAC Generate only, Derive Key
(HMAC) from it, which fails; no object is derived. Clean up."""
            ),
            indent(spec),
        )
        reg_sym(c, 0, "HMAC_SHA256", "0b" * 32, "MACGenerate")
        derive_step(
            c,
            [0],
            "HMAC",
            [B("DerivationData", b"data")],
            "SymmetricKey",
            [
                (E("CryptographicAlgorithm", "AES"), "Cryptographic Algorithm"),
                (I("CryptographicLength", 128), "Cryptographic Length"),
            ],
            status="OperationFailed",
            reason=reason,
        )
        cleanup_active(c, 0)
        add("negative", c)

        spec = (
            "§6.1.14: \"If the specified length exceeds the output of the derivation\nmethod, then the server SHALL return an error.\" Table 207 lists Cryptographic\nFailure, the reason 1.4 §11.7 gives for exactly this error."
            if v == (2, 1)
            else "§4.6: \"If the specified length exceeds the output of the derivation\nmethod, then the server SHALL return an error.\" §11.7 Table 333: \"The\nspecified length exceeds the output of the derivation method\" -> Operation\nFailed, Cryptographic Failure."
        )
        c = Case(
            f"KH-NEG-12-{suffix(v)}",
            v,
            indent(
                """Derive Key asking for more than the method gives: HASH with SHA-256
(256 bits of output) for a 512-bit Secret Data object. Clean up."""
            ),
            indent(spec),
        )
        reg_sym(c, 0, "AES", "00112233445566778899aabbccddeeff", "DeriveKey")
        derive_step(
            c,
            [0],
            "HASH",
            [S("CryptographicParameters", E("HashingAlgorithm", "SHA_256"))],
            "SecretData",
            [(I("CryptographicLength", 512), "Cryptographic Length")],
            status="OperationFailed",
            reason="CryptographicFailure",
        )
        cleanup_active(c, 0)
        add("negative", c)

        # 13: unknown Correlation Value.
        reason = "InvalidCorrelationValue" if v == (2, 1) else "ItemNotFound"
        spec = (
            "§6.1.32 MAC: the Correlation Value \"Specifies the existing stream or\nby-parts cryptographic operation (as returned from a previous call to this\noperation)\". A value the server never returned names no stream: Invalid\nCorrelation Value, listed in Table 261 (MAC Errors) and defined in §11.46."
            if v == (2, 1)
            else "§4.33 MAC / §2.1.15 Correlation Value: the value is the one returned\nby a previous call. §11.34 MAC errors: \"No outstanding operation with the\nspecified Correlation Value exists\" -> Operation Failed, Item Not Found\n(KMIP 1.4 has no Invalid Correlation Value; 2.0 adds it)."
        )
        c = Case(
            f"KH-NEG-13-{suffix(v)}",
            v,
            indent(
                """A later part of a multi-part MAC with a Correlation Value the server
never issued: Register an active HMAC-SHA256 key, MAC with Correlation
Value 0xdeadbeef... and Final Indicator. Clean up."""
            ),
            indent(spec),
        )
        reg_sym(c, 0, "HMAC_SHA256", "0b" * 32, "MACGenerate")
        c.step(
            "MAC",
            [UID(0), B("Data", b"part"), B("CorrelationValue", "deadbeefdeadbeefdeadbeefdeadbeef"), BOOL("FinalIndicator", True)],
            status="OperationFailed",
            reason=reason,
        )
        cleanup_active(c, 0)
        add("negative", c)

        # 14: Final without Init.
        spec_sec = "§4, Client-to-Server Operations" if v == (1, 4) else "§6.1, Client-to-Server Operations"
        c = Case(
            f"KH-NEG-14-{suffix(v)}",
            v,
            indent(
                """A Final Indicator with no stream: Hash with Final Indicator true and
neither an Init Indicator nor a Correlation Value."""
            ),
            indent(
                f"""The multi-part sequence ({spec_sec}, introduction):
the first request gives Init Indicator True and gets the Correlation Value;
"On the final request: Provide the Correlation Value from the response to
the first request; Provide a Final Indicator with a value of True". A
single-part request gives no indicator, or both Init and Final. A Final
Indicator alone finishes no stream: Operation Failed, Invalid Field."""
            ),
            notes=indent(
                """The spec names no Result Reason for this sequence error; Invalid Field
(a field value the server cannot accept, in every version) is this case's
reading."""
            ),
        )
        c.step(
            "Hash",
            [S("CryptographicParameters", E("HashingAlgorithm", "SHA_256")), B("Data", b"abc"), BOOL("FinalIndicator", True)],
            status="OperationFailed",
            reason="InvalidField",
        )
        add("negative", c)


# -- multi-part ---------------------------------------------------------------

PARTS = [b"kmip-harness multi-part ", b"data, second part, ", b"and the final part."]
WHOLE = b"".join(PARTS)

MP_SPEC = {
    (2, 1): "§6.1 introduction, §6.1.32 MAC (Tables 259/260), §6.1.24 Hash (Tables\n235/236), §6.1.55 Sign, §6.1.56 Signature Verify, §6.1.33 MAC Verify",
    (1, 4): "§4 introduction (multi-part sequence), §4.33 MAC, §4.37 Hash, §4.31\nSign, §4.32 Signature Verify, §4.34 MAC Verify",
}


def mp_expected(v, op, result):
    return indent(
        f"""{MP_SPEC[v]}: the first request has Init Indicator True
and the response has the Correlation Value; later requests send it back,
the last with Final Indicator True. The result ({result}) is "Yes for
single-part. No for multi-part": it is answered only by the Final part,
over all the data. {op} over the concatenated data gives the same result
single-part."""
    )


def multipart_cases():
    key = bytes.fromhex("000102030405060708090a0b0c0d0e0f" * 2)
    for v in VERS:
        mac = hmac_mod.new(key, WHOLE, "sha256").hexdigest()
        c = Case(
            f"KH-MULTI-1-{suffix(v)}",
            v,
            indent(
                """Multi-part MAC (HMAC-SHA256) in three parts: Register an active
HMAC-SHA256 key, MAC with Init Indicator, MAC with the Correlation Value,
MAC with the Correlation Value and Final Indicator (the MAC of all three
parts, computed independently), then single-part MAC Verify of the whole
data with that MAC (Valid). Clean up."""
            ),
            mp_expected(v, "MAC", "MAC Data"),
            masked_extra=", the Correlation Value ($CORRELATION_VALUE, bound from the\n     first MAC response and sent back)",
        )
        reg_sym(c, 0, "HMAC_SHA256", key.hex(), "MACGenerate MACVerify")
        c.step("MAC", [UID(0), B("Data", PARTS[0]), BOOL("InitIndicator", True)],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE")])
        c.step("MAC", [UID(0), B("Data", PARTS[1]), B("CorrelationValue", "$CORRELATION_VALUE")],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE")])
        c.step("MAC", [UID(0), B("Data", PARTS[2]), B("CorrelationValue", "$CORRELATION_VALUE"), BOOL("FinalIndicator", True)],
               resp_children=[UID(0), B("MACData", mac)])
        c.step("MACVerify", [UID(0), B("Data", WHOLE), B("MACData", mac)],
               resp_children=[UID(0), E("ValidityIndicator", "Valid")])
        cleanup_active(c, 0)
        add("multipart", c)

        c = Case(
            f"KH-MULTI-2-{suffix(v)}",
            v,
            indent(
                """Multi-part Hash (SHA-256) in three parts: Hash with Init Indicator,
with the Correlation Value, with the Correlation Value and Final Indicator
(the SHA-256 of all three parts), then single-part Hash of the whole data
(same digest). No object is created."""
            ),
            mp_expected(v, "Hash", "Data, the digest"),
            masked_extra=", the Correlation Value ($CORRELATION_VALUE)",
        )
        cp = S("CryptographicParameters", E("HashingAlgorithm", "SHA_256"))
        d = hashlib.sha256(WHOLE).hexdigest()
        c.step("Hash", [cp, B("Data", PARTS[0]), BOOL("InitIndicator", True)],
               resp_children=[B("CorrelationValue", "$CORRELATION_VALUE")])
        c.step("Hash", [cp, B("Data", PARTS[1]), B("CorrelationValue", "$CORRELATION_VALUE")],
               resp_children=[B("CorrelationValue", "$CORRELATION_VALUE")])
        c.step("Hash", [cp, B("Data", PARTS[2]), B("CorrelationValue", "$CORRELATION_VALUE"), BOOL("FinalIndicator", True)],
               resp_children=[B("Data", d)])
        c.step("Hash", [cp, B("Data", WHOLE)], resp_children=[B("Data", d)])
        add("multipart", c)

        # 3: Sign and Signature Verify multi-part, ECDSA P-256.
        c = Case(
            f"KH-MULTI-3-{suffix(v)}",
            v,
            indent(
                """Multi-part Sign and Signature Verify (ECDSA with SHA-256 on P-256):
Create Key Pair, Activate both, Sign in two parts (Init, then Final), a
single-part Signature Verify of the whole data with that signature (Valid),
a multi-part Signature Verify in two parts, the Signature Data with the
Final part (Valid), and one whose data differs (Invalid). Clean up."""
            ),
            mp_expected(v, "Sign / Signature Verify", "Signature Data, Validity Indicator")
            + "\n"
            + indent(
                "An invalid signature is a successful operation with Validity Indicator\nInvalid."
            ),
            masked_extra=", the Correlation Values ($CORRELATION_VALUE_n), the ECDSA\n     signature, which is randomised ($SIGNATURE_DATA, bound from the Sign\n     response and sent back)",
        )
        if v == (2, 1):
            cka = [
                S("CommonAttributes",
                  E("CryptographicAlgorithm", "EC"),
                  I("CryptographicLength", 256),
                  S("CryptographicDomainParameters", E("RecommendedCurve", "P_256"))),
                S("PrivateKeyAttributes", I("CryptographicUsageMask", "Sign")),
                S("PublicKeyAttributes", I("CryptographicUsageMask", "Verify")),
            ]
        else:
            def a(name, item):
                return S("Attribute", T("AttributeName", name), X("AttributeValue", item.typ, item.value, item.children))
            cka = [
                S("CommonTemplateAttribute",
                  a("Cryptographic Algorithm", E("x", "EC")),
                  a("Cryptographic Length", I("x", 256)),
                  a("Cryptographic Domain Parameters", S("x", E("RecommendedCurve", "P_256")))),
                S("PrivateKeyTemplateAttribute", a("Cryptographic Usage Mask", I("x", "Sign"))),
                S("PublicKeyTemplateAttribute", a("Cryptographic Usage Mask", I("x", "Verify"))),
            ]
        c.step("CreateKeyPair", cka, resp_children=[
            T("PrivateKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_0"),
            T("PublicKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_1")])
        for n in (0, 1):
            c.step("Activate", [UID(n)], resp_children=[UID(n)])
        sp = S("CryptographicParameters", E("DigitalSignatureAlgorithm", "ECDSAWithSHA256"))
        c.step("Sign", [UID(0), sp, B("Data", PARTS[0]), BOOL("InitIndicator", True)],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE_0")])
        c.step("Sign", [UID(0), B("Data", PARTS[1] + PARTS[2]), B("CorrelationValue", "$CORRELATION_VALUE_0"), BOOL("FinalIndicator", True)],
               resp_children=[UID(0), B("SignatureData", "$SIGNATURE_DATA")])
        c.step("SignatureVerify", [UID(1), sp, B("Data", WHOLE), B("SignatureData", "$SIGNATURE_DATA")],
               resp_children=[UID(1), E("ValidityIndicator", "Valid")])
        c.step("SignatureVerify", [UID(1), sp, B("Data", PARTS[0] + PARTS[1]), BOOL("InitIndicator", True)],
               resp_children=[UID(1), B("CorrelationValue", "$CORRELATION_VALUE_1")])
        c.step("SignatureVerify", [UID(1), B("Data", PARTS[2]), B("CorrelationValue", "$CORRELATION_VALUE_1"), BOOL("FinalIndicator", True), B("SignatureData", "$SIGNATURE_DATA")],
               resp_children=[UID(1), E("ValidityIndicator", "Valid")])
        c.step("SignatureVerify", [UID(1), sp, B("Data", PARTS[0]), BOOL("InitIndicator", True)],
               resp_children=[UID(1), B("CorrelationValue", "$CORRELATION_VALUE_2")])
        c.step("SignatureVerify", [UID(1), B("Data", PARTS[1]), B("CorrelationValue", "$CORRELATION_VALUE_2"), BOOL("FinalIndicator", True), B("SignatureData", "$SIGNATURE_DATA")],
               resp_children=[UID(1), E("ValidityIndicator", "Invalid")])
        cleanup_active(c, 0, 1)
        add("multipart", c)

        # 4: MAC Verify multi-part.
        mac = hmac_mod.new(key, WHOLE, "sha256").hexdigest()
        c = Case(
            f"KH-MULTI-4-{suffix(v)}",
            v,
            indent(
                """Multi-part MAC Verify (HMAC-SHA256) in two parts, the MAC Data with
the Final part: Register an active HMAC-SHA256 key, MAC Verify with Init
Indicator, MAC Verify with the Correlation Value, Final Indicator and the
MAC of the whole data (Valid). Clean up."""
            ),
            mp_expected(v, "MAC Verify", "Validity Indicator"),
            masked_extra=", the Correlation Value ($CORRELATION_VALUE)",
        )
        reg_sym(c, 0, "HMAC_SHA256", key.hex(), "MACGenerate MACVerify")
        c.step("MACVerify", [UID(0), B("Data", PARTS[0]), BOOL("InitIndicator", True)],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE")])
        c.step("MACVerify", [UID(0), B("Data", PARTS[1] + PARTS[2]), B("CorrelationValue", "$CORRELATION_VALUE"), BOOL("FinalIndicator", True), B("MACData", mac)],
               resp_children=[UID(0), E("ValidityIndicator", "Valid")])
        cleanup_active(c, 0)
        add("multipart", c)


# -- key pairs: secp256k1, Ed25519 ---------------------------------------------

def keypair_cases():
    msg = b"KMIP-harness secp256k1 / Ed25519 test data"
    for v in VERS:
        c = Case(
            f"KH-KEYPAIR-4-{suffix(v)}",
            v,
            indent(
                """Create Key Pair on secp256k1 (Recommended Curve SECP256K1), Get
Attributes of each half, Activate both, Sign (ECDSA with SHA-256),
Signature Verify of that signature (Valid) and of other data (Invalid),
Revoke and Destroy both."""
            ),
            indent(
                ("§6.1.9 Create Key Pair with Cryptographic Domain Parameters /\nRecommended Curve (§4.14, §11.45: SECP256K1); the halves in the\nTransparent EC formats (§3.11, §3.12), Cryptographic Length the field size\n256. §6.1.55 Sign (ECDSAWithSHA256, §11.16), §6.1.56 Signature Verify:\nValid, or Invalid for other data (a successful operation)."
                 if v == (2, 1) else
                 "§4.2 Create Key Pair with Cryptographic Domain Parameters / Recommended\nCurve (§3.7, §9.1.3.2.5: SECP256K1); Cryptographic Length the field size\n256 (KMIP 1.4 has no Key Format Type attribute: the format is not checked). §4.31 Sign (ECDSA with SHA256, §9.1.3.2.7), §4.32 Signature\nVerify: Valid, or Invalid for other data (a successful operation).")
            ),
            masked_extra=", the ECDSA signature, which is randomised ($SIGNATURE_DATA)",
        )
        if v == (2, 1):
            cka = [
                S("CommonAttributes",
                  E("CryptographicAlgorithm", "EC"),
                  I("CryptographicLength", 256),
                  S("CryptographicDomainParameters", E("RecommendedCurve", "SECP256K1"))),
                S("PrivateKeyAttributes", I("CryptographicUsageMask", "Sign")),
                S("PublicKeyAttributes", I("CryptographicUsageMask", "Verify")),
            ]
        else:
            def a(name, item):
                return S("Attribute", T("AttributeName", name), X("AttributeValue", item.typ, item.value, item.children))
            cka = [
                S("CommonTemplateAttribute",
                  a("Cryptographic Algorithm", E("x", "EC")),
                  a("Cryptographic Length", I("x", 256)),
                  a("Cryptographic Domain Parameters", S("x", E("RecommendedCurve", "SECP256K1")))),
                S("PrivateKeyTemplateAttribute", a("Cryptographic Usage Mask", I("x", "Sign"))),
                S("PublicKeyTemplateAttribute", a("Cryptographic Usage Mask", I("x", "Verify"))),
            ]
        c.step("CreateKeyPair", cka, resp_children=[
            T("PrivateKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_0"),
            T("PublicKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_1")])
        for n, fmt in ((0, "TransparentECPrivateKey"), (1, "TransparentECPublicKey")):
            names = ["Cryptographic Algorithm", "Cryptographic Length"]
            pairs = [(E("CryptographicAlgorithm", "EC"), "Cryptographic Algorithm"),
                     (I("CryptographicLength", 256), "Cryptographic Length")]
            if v == (2, 1):
                names.append("Key Format Type")
                pairs.append((E("KeyFormatType", fmt), "Key Format Type"))
            c.step("GetAttributes", c.get_attrs_req(UID(n), *names),
                   resp_children=c.attr_resp(UID(n), *pairs))
        for n in (0, 1):
            c.step("Activate", [UID(n)], resp_children=[UID(n)])
        sp = S("CryptographicParameters", E("DigitalSignatureAlgorithm", "ECDSAWithSHA256"))
        c.step("Sign", [UID(0), sp, B("Data", msg)], resp_children=[UID(0), B("SignatureData", "$SIGNATURE_DATA")])
        c.step("SignatureVerify", [UID(1), sp, B("Data", msg), B("SignatureData", "$SIGNATURE_DATA")],
               resp_children=[UID(1), E("ValidityIndicator", "Valid")])
        c.step("SignatureVerify", [UID(1), sp, B("Data", msg + b"!"), B("SignatureData", "$SIGNATURE_DATA")],
               resp_children=[UID(1), E("ValidityIndicator", "Invalid")])
        cleanup_active(c, 0, 1)
        add("keypair", c)

    v = (2, 1)
    c = Case(
        "KH-KEYPAIR-5-21",
        v,
        indent(
            """Create Key Pair of an Ed25519 key pair (Cryptographic Algorithm
Ed25519), Get Attributes of each half, Activate both, Sign (EdDSA:
Cryptographic Parameters name the Cryptographic Algorithm Ed25519),
Signature Verify of that signature (Valid) and of other data (Invalid),
Revoke and Destroy both."""
        ),
        indent(
            """§6.1.9 Create Key Pair: Cryptographic Algorithm Ed25519 (§11.12, a
KMIP 2.0 addition; no 1.x form). §6.1.55 Sign / §6.1.56 Signature Verify
with Cryptographic Parameters (Cryptographic Algorithm) selecting the
algorithm; Validity Indicator Valid, or Invalid for other data."""
        ),
        notes=indent(
            """Readings chosen: the halves are kept as PKCS#8 / X.509 (RFC 8410), the
standard encodings of Ed25519 keys (KMIP defines no Transparent Ed25519
structure); Cryptographic Length 256, the size of an Ed25519 key (RFC 8032
§5.1.5: 32 octets). A server may choose other formats: only the Get
Attributes steps would differ."""
        ),
        masked_extra=", the Ed25519 signature ($SIGNATURE_DATA; it is deterministic\n     but the key is generated)",
    )
    c.step("CreateKeyPair", [
        S("CommonAttributes", E("CryptographicAlgorithm", "Ed25519")),
        S("PrivateKeyAttributes", I("CryptographicUsageMask", "Sign")),
        S("PublicKeyAttributes", I("CryptographicUsageMask", "Verify")),
    ], resp_children=[
        T("PrivateKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_0"),
        T("PublicKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_1")])
    for n, fmt in ((0, "PKCS_8"), (1, "X_509")):
        c.step("GetAttributes",
               c.get_attrs_req(UID(n), "Cryptographic Algorithm", "Cryptographic Length", "Key Format Type"),
               resp_children=c.attr_resp(UID(n),
                                         (E("CryptographicAlgorithm", "Ed25519"), "Cryptographic Algorithm"),
                                         (I("CryptographicLength", 256), "Cryptographic Length"),
                                         (E("KeyFormatType", fmt), "Key Format Type")))
    for n in (0, 1):
        c.step("Activate", [UID(n)], resp_children=[UID(n)])
    sp = S("CryptographicParameters", E("CryptographicAlgorithm", "Ed25519"))
    c.step("Sign", [UID(0), sp, B("Data", msg)], resp_children=[UID(0), B("SignatureData", "$SIGNATURE_DATA")])
    c.step("SignatureVerify", [UID(1), sp, B("Data", msg), B("SignatureData", "$SIGNATURE_DATA")],
           resp_children=[UID(1), E("ValidityIndicator", "Valid")])
    c.step("SignatureVerify", [UID(1), sp, B("Data", msg + b"!"), B("SignatureData", "$SIGNATURE_DATA")],
           resp_children=[UID(1), E("ValidityIndicator", "Invalid")])
    cleanup_active(c, 0, 1)
    add("keypair", c)


# -- Query ----------------------------------------------------------------------

def query_cases():
    for v in VERS:
        c = Case(
            f"KH-QUERY-2-{suffix(v)}",
            v,
            indent(
                """Query with Query Operations: the list includes Derive Key and the
cryptographic operations this slice makes multi-part (Sign, Signature
Verify, MAC, MAC Verify, Hash)."""
            ),
            indent(
                ("§6.1.40 Query: Query Operations SHALL list all the operations the\nserver supports; a server that implements Derive Key (§6.1.14) lists it."
                 if v == (2, 1) else
                 "§4.25 Query: Query Operations SHALL list all the operations the\nserver supports; a server that implements Derive Key (§4.6) lists it.")
            ),
            notes=indent(
                """The full list is server specific and the Profiles (§4.1.1 items 16, 17)
let the Operations other than those a profile requires vary: entries
beyond these and a different order are permitted variations."""
            ),
        )
        ops = ["DeriveKey", "Sign", "SignatureVerify", "MAC", "MACVerify", "Hash"]
        c.step("Query", [E("QueryFunction", "QueryOperations")],
               resp_children=[E("Operation", o) for o in ops])
        add("discovery", c)


derive_cases()
negative_cases()
multipart_cases()
keypair_cases()
query_cases()
for area, c in ALL:
    d = ROOT / area
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{c.cid}.xml").write_text(c.render())
    print(d / f"{c.cid}.xml")
