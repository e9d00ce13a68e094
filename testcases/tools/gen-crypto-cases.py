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

    @property
    def v2(self):
        """KMIP 2.x: Attributes / Attribute Reference forms, Client
        Correlation Value in the header."""
        return self.version[0] == 2

    def step(self, op, req_children, status="Success", resp_children=None, reason=None):
        self.steps.append((op, req_children, status, resp_children, reason))

    # -- attribute helpers -------------------------------------------------
    def attrs(self, *pairs):
        """pairs: (2.x item, 1.4 attribute name)."""
        if self.v2:
            return S("Attributes", *[p[0] for p in pairs])
        out = []
        for item, name in pairs:
            val = X("AttributeValue", item.typ, item.value, item.children)
            out.append(S("Attribute", T("AttributeName", name), val))
        return S("TemplateAttribute", *out)

    def get_attrs_req(self, uid, *names):
        if self.v2:
            return [uid] + [E("AttributeReference", n.replace(" ", "")) for n in names]
        return [uid] + [T("AttributeName", n) for n in names]

    def attr_resp(self, uid, *pairs):
        if self.v2:
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

     Expected responses per KMIP {maj}.{mnr} (kmip-spec-v{maj}.{mnr}-os):
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
                if self.v2
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
    (2, 0): "§6.1.14 Derive Key (Tables 190 / 191)",
    (2, 1): "§6.1.14 Derive Key",
    (1, 4): "§4.6 Derive Key",
}
SPEC_DP = {
    (2, 0): "§7.8 Derivation Parameters (Table 328)",
    (2, 1): "§7.12 Derivation Parameters (Table 364)",
    (1, 4): "§4.6 Tables 182 / 183 (Derivation Parameters)",
}
SPEC_LINK = {
    (2, 0): "§4.31 Link (Table 90; Link Types Derivation Base Object / Derived Key, §11.28)",
    (2, 1): "§4.31 Link (Link Types Derivation Base Object / Derived Key, §11.28)",
    (1, 4): "§3.35 Link (Derivation Base Object Link / Derived Key Link, §9.1.3.2.20)",
}


def dk_expected(v, method_text, extra=""):
    # KMIP 2.0 cases also cite the Derivation Method enumeration (the 1.4 and
    # 2.1 texts are kept as they were).
    enum = (
        "\n§11.14 Derivation Method Enumeration (Tables 407 / 408) defines the method."
        if v == (2, 0)
        else ""
    )
    return indent(
        f"""{SPEC_DK[v]}: the server derives the object from the base object with the
Derivation Method ({method_text}), registers it, answers its Unique
Identifier and creates the Link attributes: Derivation Base Object on the
new object, Derived Key on the base object ({SPEC_LINK[v]}).
{SPEC_DP[v]}: {extra}
Get returns the derived key material (computed independently for this
case with Python's hashlib / hmac / cryptography). Revoke (Cessation of
Operation) and Destroy clean up; the derived object is still Pre-Active and
is destroyed directly.{enum}"""
    )


VERS = [(1, 4), (2, 1)]
# Derive Key: also KMIP 2.0 (same operation, Derivation Parameters and
# Derivation Methods, HKDF included; 2.0 sections cited).
VERS_DK = [(1, 4), (2, 0), (2, 1)]
# Multi-part crypto and key pairs: also KMIP 2.0 (same fields; 2.0 sections).
VERS_MP = [(1, 4), (2, 0), (2, 1)]


def suffix(v):
    return f"{v[0]}{v[1]}"


# -- Derive Key -----------------------------------------------------------

PASSWORD = b"kmip-harness password"
SALT = bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf")


def derive_cases():
    for v in VERS_DK:
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

    HKDF_ENUM = {(2, 0): "2.0 §11.14 Table 408", (2, 1): "2.1 §11.14 Table 446"}
    # 6: HKDF (2.x only: 2.0 §11.14 Table 408 / 2.1 §11.14 Table 446).
    for v in ((2, 0), (2, 1)):
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
            f"KH-DERIVE-6-{suffix(v)}",
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
                f"""HKDF is a KMIP 2.0 addition ({HKDF_ENUM[v]}); there is no 1.4
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


    for v in VERS_MP:
        # 13: unknown Correlation Value.
        reason = "InvalidCorrelationValue" if v[0] == 2 else "ItemNotFound"
        spec = (
            "§6.1.32 MAC: the Correlation Value \"Specifies the existing stream or\nby-parts cryptographic operation (as returned from a previous call to this\noperation)\". A value the server never returned names no stream: Invalid\nCorrelation Value, listed in Table 261 (MAC Errors) and defined in §11.46."
            if v == (2, 1)
            else "§6.1.31 MAC: the Correlation Value \"Specifies the existing stream or\nby-parts cryptographic operation (as returned from a previous call to this\noperation)\". A value the server never returned names no stream: Invalid\nCorrelation Value, listed in the MAC Errors table (§6.1.31.1) and defined\nin §11.45 (Result Reason; a KMIP 2.0 addition)."
            if v == (2, 0)
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
    (2, 0): "§6.1 introduction, §6.1.31 MAC, §6.1.23 Hash, §6.1.49 Sign,\n§6.1.50 Signature Verify, §6.1.32 MAC Verify",
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
    for v in VERS_MP:
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
        if v[0] == 2:
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


# -- multi-part with known answers -------------------------------------------------

# A fixed RSA-2048 key (PKCS#1 RSAPrivateKey, generated once for these cases;
# PKCS#1 v1.5 signatures are deterministic, so the expected signature is a
# known answer computed here).
RSA_2048_PKCS1 = bytes.fromhex(
    "308204a20201000282010100b0a66700c87ebda780290f95f0e1a7c91e1288a6ccd416a2fb49"
    "4bcfe030866c252833ee0565b581f092a836a75dc9ace1b3b642c49c5acf9815e91d9ee3d329"
    "0425fa0d8f12de252f393aa20b94d492cf6ac230e7e477740f47ddc2c3357d42d1d5a0f47a57"
    "6e395562021fd9101a213c7891b343d21b291678ac3e34238f6465f5e4b65217875133992760"
    "e2a1a7008ecb9bbb8f4bcd000c3ddaa0736da382077383af72fbdcb7a97e4584b266d98b15aa"
    "8977c0dc23602d5c0d3f108b841f885cdd28354d8fd58f29f4fdc7b5ba247dd1b4e7486a354d"
    "55bcebb736a2d51cade61654696084c909cb4dc1b22164a9cca7906f209c280f70d85e42c6d1"
    "4d010203010001028201000449bb610e3cdf5cc9c795621ebd078ae2340b453e77e9b42834b3"
    "6cdd5175077a8339917ae7f5ca398a01d36a34f15d5e9dcd02909a866ccc1e4070a3ae3194f5"
    "da77f1acd078c8e5639cff327e78ed1d30ba95b96db712661a5c0ade831c08bea68557f1e7b7"
    "82cb130c39742fc7ecff1cd5ef621d05b0a8fd6ecd5458f9a1cf71c388cd4ead8761294a64c0"
    "0f1af66cfed646a17d80a1b27506bb402a2501a5f232ea4b4cb81d22a208b8686cf3b9dc53d7"
    "3b9bf86e70e39f6404d271887aa1d297d8cfc1e7db6e9dd621a325c727ffaab9f90dbf18863b"
    "fe7772b50c50f45928969be760ff5838db7be70dc205b573fd8911a52ea3ed8a5849086db102"
    "b102818100eaad584a6699a0f053d71aef0ccbf76755ce66deb6acb9959b4889c3750d16ea97"
    "48699cd957727fdf66ce97f1d638484efe7f3d971ad95dcb1eeb67554803bd8920e2fedd8740"
    "5f3c4962f84617bec8fc75f0ef580bc57ee32c0cdf0cfe1b6663e650a92e34a42befa432ee09"
    "2045e35b5ebe4fa692f72cdff50eeadfe8edd902818100c0b354a0c267700b6511b40f89679c"
    "ed40fe2918b6c645c27fa58261d36fb4591af418f493fde687323017c621ca97d84f86c4e71a"
    "84738c2d75cf47cf7b83a3946d6cc2962711c4704c6b63870167e4d4b81a6b06a80bdebeec23"
    "3f6d024ac78373262e9bbf5b669710edaa9fb2f14558289a621f24750fde916bd2f42b576902"
    "81806e0da8d00b59947ddff38a6ffca2527da561cc2039aebac18c36f254353a543ae38353f3"
    "f880e7f34bc31cb368f83b20bddadfb4f47de4ddf579a48fab10c0a04c049e2f43983ff9e97d"
    "c8ea0184f535b01f6743f7185e1fe94d29241925b997c4d5a7920f57247e6e3da49cb8aee7d7"
    "7d6beaf7d3782c6e6100bd642c6941d10281805eb6c61dcdefb16ea85aaf3a03bb5db26f837d"
    "079cae8f932dd257e765593e379dbbe4983235559d95d97595f8fdeeec6f0a3ab5ac9ef57c2c"
    "cbfef9b8cd68c27a2dde8b35ea361d6b64e453a303d9e0eb7d21df01028ff307bc6106c7b99c"
    "afbbb85948075d62bb65fcf814293276cc32aca255202177383999187a33712a210281807368"
    "71b0e613dfbcf06f06b87243373bb8b82483c84802bad74bc4d6037fc776576dc63dbc6b7a74"
    "d422b5d9d96f409c5445fe642d5961b75aa44d48ace0bb35bce7fe6754dcb08d0b95efdfd0c8"
    "83275679a81173ba1efc741f60767d75a2b218bf450ad71fa5a419676ceaf29d5863e63c572d"
    "3d884a12020ac73f90699c97"
)

# NIST SP 800-38B / RFC 4493 §4 Example 4 (AES-128 CMAC of 64 bytes).
CMAC_KEY = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
CMAC_MSG = bytes.fromhex(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
)
CMAC_TAG = "51f0bebf7e3b9d92fc49741779363cfe"

# RFC 8032 §7.1 TEST 3 (Ed25519, 2-byte message).
ED_SEED = bytes.fromhex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")
ED_PUB = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"
ED_MSG = bytes.fromhex("af82")
ED_SIG = (
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
)


def reg_key(c, uid_n, obj_type, fmt, alg, bits, material, mask):
    """Register an Active Private / Public Key (Activation Date in the past)."""
    c.step(
        "Register",
        [
            E("ObjectType", obj_type),
            c.attrs(
                (I("CryptographicUsageMask", mask), "Cryptographic Usage Mask"),
                (DT("ActivationDate", "$NOW-3600"), "Activation Date"),
            ),
            S(
                obj_type,
                S(
                    "KeyBlock",
                    E("KeyFormatType", fmt),
                    S("KeyValue", B("KeyMaterial", material)),
                    E("CryptographicAlgorithm", alg),
                    I("CryptographicLength", bits),
                ),
            ),
        ],
        resp_children=[UID(uid_n)],
    )


KAT_SPEC = {
    (1, 4): ("§4 introduction (multi-part sequence)", "§4.31 Sign", "§4.32 Signature Verify", "§4.33 MAC", "§4.34 MAC Verify", "§4.37 Hash", "§3.6 Cryptographic Parameters"),
    (2, 0): ("§6.1 introduction", "§6.1.49 Sign", "§6.1.50 Signature Verify", "§6.1.31 MAC", "§6.1.32 MAC Verify", "§6.1.23 Hash", "§4.16 Cryptographic Parameters"),
    (2, 1): ("§6.1 introduction", "§6.1.55 Sign", "§6.1.56 Signature Verify", "§6.1.32 MAC", "§6.1.33 MAC Verify", "§6.1.24 Hash", "§4.16 Cryptographic Parameters"),
}


def kat_cases():
    from cryptography.hazmat.primitives import hashes, serialization as ser
    from cryptography.hazmat.primitives.asymmetric import padding, ed25519
    from cryptography.hazmat.primitives.cmac import CMAC

    prv = ser.load_der_private_key(RSA_2048_PKCS1, None)
    pub_der = prv.public_key().public_bytes(ser.Encoding.DER, ser.PublicFormat.PKCS1)
    rsa_sig = prv.sign(WHOLE, padding.PKCS1v15(), hashes.SHA256()).hex()

    cm = CMAC(algorithms.AES(CMAC_KEY))
    cm.update(CMAC_MSG)
    assert cm.finalize().hex() == CMAC_TAG, "RFC 4493 example 4"

    ed = ed25519.Ed25519PrivateKey.from_private_bytes(ED_SEED)
    assert ed.sign(ED_MSG).hex() == ED_SIG, "RFC 8032 TEST 3"
    ed_pub = ed.public_key()
    assert ed_pub.public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw).hex() == ED_PUB
    ed_p8 = ed.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    ed_spki = ed_pub.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)

    for v in VERS_MP:
        intro, sign, verify, mac, macv, _hash, cparams = KAT_SPEC[v]
        # 5: RSA PKCS#1 v1.5 Sign in three parts = known answer = single-part.
        c = Case(
            f"KH-MULTI-5-{suffix(v)}",
            v,
            indent(
                """Multi-part Sign with a known answer: Register a fixed RSA-2048 key pair
(PKCS#1), Sign (PKCS#1 v1.5 padding, SHA-256) in three parts (Init, the
Correlation Value, Final): the Signature Data is the known answer computed
independently for this case (PKCS#1 v1.5 signatures are deterministic);
a single-part Sign of the concatenated data gives the same bytes; a
two-part Signature Verify of that signature is Valid. Clean up."""
            ),
            indent(
                f"""{intro}: the first request has Init Indicator True and the
response has the Correlation Value; later requests send it back, the last
with Final Indicator True; Signature Data is "Yes for single-part. No for
multi-part": only the Final part returns it, over all the data. {sign},
{verify}; {cparams} (Padding Method PKCS1 v1.5, Hashing Algorithm SHA-256).
Known answer: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with SHA-256 of the whole
data, computed with Python's `cryptography`, not with the server."""
            ),
            masked_extra=", the Correlation Values ($CORRELATION_VALUE_n)",
        )
        reg_key(c, 0, "PrivateKey", "PKCS_1", "RSA", 2048, RSA_2048_PKCS1.hex(), "Sign")
        reg_key(c, 1, "PublicKey", "PKCS_1", "RSA", 2048, pub_der.hex(), "Verify")
        sp = S("CryptographicParameters", E("PaddingMethod", "PKCS1v1_5"), E("HashingAlgorithm", "SHA_256"))
        c.step("Sign", [UID(0), sp, B("Data", PARTS[0]), BOOL("InitIndicator", True)],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE_0")])
        c.step("Sign", [UID(0), B("Data", PARTS[1]), B("CorrelationValue", "$CORRELATION_VALUE_0")],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE_0")])
        c.step("Sign", [UID(0), B("Data", PARTS[2]), B("CorrelationValue", "$CORRELATION_VALUE_0"), BOOL("FinalIndicator", True)],
               resp_children=[UID(0), B("SignatureData", rsa_sig)])
        c.step("Sign", [UID(0), sp, B("Data", WHOLE)], resp_children=[UID(0), B("SignatureData", rsa_sig)])
        c.step("SignatureVerify", [UID(1), sp, B("Data", PARTS[0]), BOOL("InitIndicator", True)],
               resp_children=[UID(1), B("CorrelationValue", "$CORRELATION_VALUE_1")])
        c.step("SignatureVerify", [UID(1), B("Data", PARTS[1] + PARTS[2]), B("CorrelationValue", "$CORRELATION_VALUE_1"), BOOL("FinalIndicator", True), B("SignatureData", rsa_sig)],
               resp_children=[UID(1), E("ValidityIndicator", "Valid")])
        cleanup_active(c, 0, 1)
        add("multipart", c)

        # 6: AES-CMAC in four parts = RFC 4493 example 4.
        c = Case(
            f"KH-MULTI-6-{suffix(v)}",
            v,
            indent(
                """Multi-part MAC with a published known answer: Register the AES-128 key
of NIST SP 800-38B / RFC 4493 §4, MAC (Block Cipher Mode CMAC) of Example
4's 64-byte message in four 16-byte parts: the MAC Data of the Final part is
Example 4's tag; the single-part MAC of the whole message gives the same
tag; a two-part MAC Verify with it is Valid. Clean up."""
            ),
            indent(
                f"""{intro} (multi-part sequence); {mac}: MAC Data only with the Final
part, over all the data; {macv}; {cparams} (Block Cipher Mode CMAC).
Expected tag: RFC 4493 §4 Example 4 (Mlen = 64), 51f0bebf 7e3b9d92 fc497417
79363cfe."""
            ),
            masked_extra=", the Correlation Values ($CORRELATION_VALUE_n)",
        )
        reg_sym(c, 0, "AES", CMAC_KEY.hex(), "MACGenerate MACVerify")
        mp = S("CryptographicParameters", E("BlockCipherMode", "CMAC"))
        blocks = [CMAC_MSG[i:i + 16] for i in range(0, 64, 16)]
        c.step("MAC", [UID(0), mp, B("Data", blocks[0]), BOOL("InitIndicator", True)],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE_0")])
        for blk in blocks[1:3]:
            c.step("MAC", [UID(0), B("Data", blk), B("CorrelationValue", "$CORRELATION_VALUE_0")],
                   resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE_0")])
        c.step("MAC", [UID(0), B("Data", blocks[3]), B("CorrelationValue", "$CORRELATION_VALUE_0"), BOOL("FinalIndicator", True)],
               resp_children=[UID(0), B("MACData", CMAC_TAG)])
        c.step("MAC", [UID(0), mp, B("Data", CMAC_MSG)], resp_children=[UID(0), B("MACData", CMAC_TAG)])
        c.step("MACVerify", [UID(0), mp, B("Data", CMAC_MSG[:40]), BOOL("InitIndicator", True)],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE_1")])
        c.step("MACVerify", [UID(0), B("Data", CMAC_MSG[40:]), B("CorrelationValue", "$CORRELATION_VALUE_1"), BOOL("FinalIndicator", True), B("MACData", CMAC_TAG)],
               resp_children=[UID(0), E("ValidityIndicator", "Valid")])
        cleanup_active(c, 0)
        add("multipart", c)

        if v[0] < 2:
            continue
        # 7: Ed25519 in two parts = RFC 8032 TEST 3 (2.x: Ed25519 is a 2.0 addition).
        c = Case(
            f"KH-MULTI-7-{suffix(v)}",
            v,
            indent(
                """Multi-part Sign with a published known answer: Register the Ed25519
key pair of RFC 8032 §7.1 TEST 3 (PKCS#8 / X.509), Sign its 2-byte message
in two 1-byte parts: the Signature Data is TEST 3's signature (Ed25519 is
deterministic); single-part Sign gives the same; multi-part Signature
Verify of it is Valid. Clean up."""
            ),
            indent(
                f"""{intro} (multi-part sequence); {sign}, {verify}; Cryptographic
Parameters naming Cryptographic Algorithm Ed25519 (§11.12, a KMIP 2.0
addition). PureEdDSA signs the whole message, so the server keeps the parts
and signs at the Final part. Expected signature: RFC 8032 §7.1 TEST 3."""
            ),
            masked_extra=", the Correlation Values ($CORRELATION_VALUE_n)",
        )
        reg_key(c, 0, "PrivateKey", "PKCS_8", "Ed25519", 256, ed_p8.hex(), "Sign")
        reg_key(c, 1, "PublicKey", "X_509", "Ed25519", 256, ed_spki.hex(), "Verify")
        sp = S("CryptographicParameters", E("CryptographicAlgorithm", "Ed25519"))
        c.step("Sign", [UID(0), sp, B("Data", ED_MSG[:1]), BOOL("InitIndicator", True)],
               resp_children=[UID(0), B("CorrelationValue", "$CORRELATION_VALUE_0")])
        c.step("Sign", [UID(0), B("Data", ED_MSG[1:]), B("CorrelationValue", "$CORRELATION_VALUE_0"), BOOL("FinalIndicator", True)],
               resp_children=[UID(0), B("SignatureData", ED_SIG)])
        c.step("Sign", [UID(0), sp, B("Data", ED_MSG)], resp_children=[UID(0), B("SignatureData", ED_SIG)])
        c.step("SignatureVerify", [UID(1), sp, B("Data", ED_MSG[:1]), BOOL("InitIndicator", True)],
               resp_children=[UID(1), B("CorrelationValue", "$CORRELATION_VALUE_1")])
        c.step("SignatureVerify", [UID(1), B("Data", ED_MSG[1:]), B("CorrelationValue", "$CORRELATION_VALUE_1"), BOOL("FinalIndicator", True), B("SignatureData", ED_SIG)],
               resp_children=[UID(1), E("ValidityIndicator", "Valid")])
        cleanup_active(c, 0, 1)
        add("multipart", c)


# -- key pairs: secp256k1, Ed25519 ---------------------------------------------

def keypair_cases():
    msg = b"KMIP-harness secp256k1 / Ed25519 test data"
    for v in VERS_MP:
        ec_case(4, v, "secp256k1", "SECP256K1", 256, 256, "ECDSAWithSHA256", msg)
    # P-256 / P-384 / P-521: KH-KEYPAIR-1/2/3-21 (and 1-14) are hand-written;
    # these are their 1.4 / 2.0 forms (plus the Invalid check).
    ec_case(1, (2, 0), "NIST P-256", "P_256", 256, 256, "ECDSAWithSHA256", msg)
    for v in ((1, 4), (2, 0)):
        ec_case(2, v, "NIST P-384", "P_384", 384, 384, "ECDSAWithSHA384", msg)
        ec_case(3, v, "NIST P-521", "P_521", 521, 512, "ECDSAWithSHA512", msg)

    for v in ((2, 0), (2, 1)):
        ed25519_case(v, msg)


def ec_case(num, v, label, curve, bits, bits_h, dsa, msg):
    c = Case(
        f"KH-KEYPAIR-{num}-{suffix(v)}",
        v,
        indent(
            f"""Create Key Pair on {label} (Recommended Curve {curve}), Get
Attributes of each half, Activate both, Sign (ECDSA with SHA-{bits_h}),
Signature Verify of that signature (Valid) and of other data (Invalid),
Revoke and Destroy both."""
        ),
        indent(
            (f"§6.1.9 Create Key Pair with Cryptographic Domain Parameters /\nRecommended Curve (§4.14, §11.45: {curve}); the halves in the\nTransparent EC formats (§3.11, §3.12), Cryptographic Length the field size\n{bits}. §6.1.55 Sign ({dsa}, §11.16), §6.1.56 Signature Verify:\nValid, or Invalid for other data (a successful operation)."
             if v == (2, 1) else
             f"§6.1.9 Create Key Pair with Cryptographic Domain Parameters /\nRecommended Curve (§4.14, §11.44: {curve}); the halves in the\nTransparent EC formats (§3.11, §3.12), Cryptographic Length the field size\n{bits}. §6.1.49 Sign ({dsa}, §11.16), §6.1.50 Signature Verify:\nValid, or Invalid for other data (a successful operation)."
             if v == (2, 0) else
             f"§4.2 Create Key Pair with Cryptographic Domain Parameters / Recommended\nCurve (§3.7, §9.1.3.2.5: {curve}); Cryptographic Length the field size\n{bits} (KMIP 1.4 has no Key Format Type attribute: the format is not checked). §4.31 Sign (ECDSA with SHA{bits_h}, §9.1.3.2.7), §4.32 Signature\nVerify: Valid, or Invalid for other data (a successful operation).")
        ),
        masked_extra=", the ECDSA signature, which is randomised ($SIGNATURE_DATA)",
    )
    if v[0] == 2:
        cka = [
            S("CommonAttributes",
              E("CryptographicAlgorithm", "EC"),
              I("CryptographicLength", bits),
              S("CryptographicDomainParameters", E("RecommendedCurve", curve))),
            S("PrivateKeyAttributes", I("CryptographicUsageMask", "Sign")),
            S("PublicKeyAttributes", I("CryptographicUsageMask", "Verify")),
        ]
    else:
        def a(name, item):
            return S("Attribute", T("AttributeName", name), X("AttributeValue", item.typ, item.value, item.children))
        cka = [
            S("CommonTemplateAttribute",
              a("Cryptographic Algorithm", E("x", "EC")),
              a("Cryptographic Length", I("x", bits)),
              a("Cryptographic Domain Parameters", S("x", E("RecommendedCurve", curve)))),
            S("PrivateKeyTemplateAttribute", a("Cryptographic Usage Mask", I("x", "Sign"))),
            S("PublicKeyTemplateAttribute", a("Cryptographic Usage Mask", I("x", "Verify"))),
        ]
    c.step("CreateKeyPair", cka, resp_children=[
        T("PrivateKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_0"),
        T("PublicKeyUniqueIdentifier", "$UNIQUE_IDENTIFIER_1")])
    for n, fmt in ((0, "TransparentECPrivateKey"), (1, "TransparentECPublicKey")):
        names = ["Cryptographic Algorithm", "Cryptographic Length"]
        pairs = [(E("CryptographicAlgorithm", "EC"), "Cryptographic Algorithm"),
                 (I("CryptographicLength", bits), "Cryptographic Length")]
        if v[0] == 2:
            names.append("Key Format Type")
            pairs.append((E("KeyFormatType", fmt), "Key Format Type"))
        c.step("GetAttributes", c.get_attrs_req(UID(n), *names),
               resp_children=c.attr_resp(UID(n), *pairs))
    for n in (0, 1):
        c.step("Activate", [UID(n)], resp_children=[UID(n)])
    sp = S("CryptographicParameters", E("DigitalSignatureAlgorithm", dsa))
    c.step("Sign", [UID(0), sp, B("Data", msg)], resp_children=[UID(0), B("SignatureData", "$SIGNATURE_DATA")])
    c.step("SignatureVerify", [UID(1), sp, B("Data", msg), B("SignatureData", "$SIGNATURE_DATA")],
           resp_children=[UID(1), E("ValidityIndicator", "Valid")])
    c.step("SignatureVerify", [UID(1), sp, B("Data", msg + b"!"), B("SignatureData", "$SIGNATURE_DATA")],
           resp_children=[UID(1), E("ValidityIndicator", "Invalid")])
    cleanup_active(c, 0, 1)
    add("keypair", c)


def ed25519_case(v, msg):
    sec = {
        (2, 0): ("§6.1.9", "§6.1.49", "§6.1.50"),
        (2, 1): ("§6.1.9", "§6.1.55", "§6.1.56"),
    }[v]
    c = Case(
        f"KH-KEYPAIR-5-{suffix(v)}",
        v,
        indent(
            """Create Key Pair of an Ed25519 key pair (Cryptographic Algorithm
Ed25519), Get Attributes of each half, Activate both, Sign (EdDSA:
Cryptographic Parameters name the Cryptographic Algorithm Ed25519),
Signature Verify of that signature (Valid) and of other data (Invalid),
Revoke and Destroy both."""
        ),
        indent(
            f"""{sec[0]} Create Key Pair: Cryptographic Algorithm Ed25519 (§11.12, a
KMIP 2.0 addition; no 1.x form). {sec[1]} Sign / {sec[2]} Signature Verify
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


# -- Export / Import (KMIP 2.0+) ---------------------------------------------------

EXP_SPEC = {
    (2, 0): ("§6.1.18 Export (Tables 202/203)", "§6.1.24 Import (Tables 220/221/222)", "§11.45"),
    (2, 1): ("§6.1.18 Export (Tables 217/218)", "§6.1.25 Import (Tables 238/239/240)", "§11.46"),
}
EXP_KEY = bytes.fromhex("6b682d6578706f72742d6b65792d303132333435363738396162636465663031")


def sym_key_obj(key):
    return S("SymmetricKey", S("KeyBlock",
             E("KeyFormatType", "Raw"),
             S("KeyValue", B("KeyMaterial", key.hex())),
             E("CryptographicAlgorithm", "AES"),
             I("CryptographicLength", len(key) * 8)))


def export_cases():
    digest = hashlib.sha256(EXP_KEY).hexdigest()
    for v in ((2, 0), (2, 1)):
        exp, imp, rr = EXP_SPEC[v]
        cid = f"KH-EXPORT-1-{suffix(v)}"
        c = Case(
            cid,
            v,
            indent(
                """Export and Import with Replace Existing: Register an AES-256 key
(Name, Cryptographic Usage Mask Encrypt|Decrypt), Export it (Object Type,
Unique Identifier, all its attributes, the key as Get gives it), Import it
back over the same Unique Identifier without Replace Existing (Object
Already Exists, nothing changed), then with Replace Existing True and a
Cryptographic Usage Mask of Encrypt only; Get Attributes shows the imported
mask, Get the same key bytes. Destroy."""
            ),
            indent(
                f"""{exp}: "returns a Managed Object specified by its Unique Identifier,
together with its attributes"; response: Object Type, Unique Identifier,
Attributes ("All of the object's Attributes"), the object "in the same
manner as the Get operation". {imp}: "If absent or false and an object
exists with the same Unique Identifier then an error SHALL be returned":
Object Already Exists (listed in the Import errors, {rr}); with Replace
Existing True "any existing object with the same Unique Identifier SHALL be
replaced"; "all attributes MUST be set to the supplied values"."""
            ),
            notes=indent(
                """The exported attribute list is every attribute the server keeps: the
client's (Name, Cryptographic Usage Mask), the key's (Cryptographic
Algorithm / Length, Key Format Type), and those the spec has the server set
for a registered key (Unique Identifier, Object Type, State, Initial Date,
Last Change Date, Digest over the Raw key, Lease Time, Fresh — False once
returned —, Sensitive / Always Sensitive, Extractable / Never Extractable,
Short Unique Identifier, Protection Storage Mask). A server that keeps
another set of optional attributes differs in that step only: the
Profiles permit additional attributes in Get Attributes, not in Export."""
            ),
            masked_extra=", Short Unique Identifier ($SHORT_UNIQUE_IDENTIFIER_0), Lease Time\n     and Protection Storage Mask (server policy)",
        )
        c.step("Register", [
            E("ObjectType", "SymmetricKey"),
            S("Attributes",
              S("Name", T("NameValue", cid), E("NameType", "UninterpretedTextString")),
              I("CryptographicUsageMask", "Encrypt Decrypt")),
            sym_key_obj(EXP_KEY),
        ], resp_children=[UID(0)])
        attrs = [
            T("UniqueIdentifier", "$UNIQUE_IDENTIFIER_0"),
            E("ObjectType", "SymmetricKey"),
            S("Name", T("NameValue", cid), E("NameType", "UninterpretedTextString")),
            I("CryptographicUsageMask", "Encrypt Decrypt"),
            E("CryptographicAlgorithm", "AES"),
            I("CryptographicLength", 256),
            E("KeyFormatType", "Raw"),
            S("Digest", E("HashingAlgorithm", "SHA_256"), B("DigestValue", digest), E("KeyFormatType", "Raw")),
            DT("InitialDate", "$NOW"),
            DT("LastChangeDate", "$NOW"),
            E("State", "PreActive"),
            BOOL("Fresh", False),
            X("LeaseTime", "Interval", 3600),
            BOOL("Sensitive", False),
            BOOL("AlwaysSensitive", False),
            BOOL("Extractable", True),
            BOOL("NeverExtractable", False),
            B("ShortUniqueIdentifier", "$SHORT_UNIQUE_IDENTIFIER_0"),
            I("ProtectionStorageMask", "Software"),
        ]
        c.step("Export", [UID(0)], resp_children=[
            E("ObjectType", "SymmetricKey"), UID(0), S("Attributes", *attrs), sym_key_obj(EXP_KEY)])
        imported = S("Attributes",
                     S("Name", T("NameValue", cid), E("NameType", "UninterpretedTextString")),
                     I("CryptographicUsageMask", "Encrypt"),
                     E("CryptographicAlgorithm", "AES"),
                     I("CryptographicLength", 256))
        c.step("Import", [UID(0), E("ObjectType", "SymmetricKey"), imported, sym_key_obj(EXP_KEY)],
               status="OperationFailed", reason="ObjectAlreadyExists")
        c.step("GetAttributes", c.get_attrs_req(UID(0), "Cryptographic Usage Mask"),
               resp_children=c.attr_resp(UID(0), (I("CryptographicUsageMask", "Encrypt Decrypt"), "")))
        c.step("Import", [UID(0), E("ObjectType", "SymmetricKey"), BOOL("ReplaceExisting", True), imported, sym_key_obj(EXP_KEY)],
               resp_children=[UID(0)])
        c.step("GetAttributes", c.get_attrs_req(UID(0), "Cryptographic Usage Mask", "Name"),
               resp_children=c.attr_resp(UID(0), (I("CryptographicUsageMask", "Encrypt"), ""),
                                         (S("Name", T("NameValue", cid), E("NameType", "UninterpretedTextString")), "")))
        c.step("Get", [UID(0)], resp_children=[E("ObjectType", "SymmetricKey"), UID(0), sym_key_obj(EXP_KEY)])
        destroy(c, 0)
        add("export", c)

        # 2: Import of a new object under the client's Unique Identifier.
        cid = f"KH-EXPORT-2-{suffix(v)}"
        uid = f"{cid}-object"
        c = Case(
            cid,
            v,
            indent(
                f"""Import of a new object under a Unique Identifier the client chooses
("{uid}"), with attributes the server would otherwise set itself
(State Active, an Activation Date and an Initial Date in 2020): Get
Attributes returns the supplied values, Get the key; Export returns them
too; a second Import without Replace Existing fails (Object Already
Exists). Revoke and Destroy."""
            ),
            indent(
                f"""{imp}: the response "contains the Unique Identifier provided in the
request"; "The attribute rules for each attribute for 'Initially set by'
and 'When implicitly set' SHALL NOT be enforced as all attributes MUST be
set to the supplied values rather than any server generated values";
Replace Existing absent and an object with that identifier exists: "an
error SHALL be returned", Object Already Exists ({rr}). {exp}."""
            ),
            notes=indent(
                """The Unique Identifier is fixed, so the case needs a world where it was
never used (the object carries a Name fixed to the case id: the harness
runs it alone, on a fresh reference server). Destroyed objects keep their
identifier, so a rerun against a persistent server fails at the first
Import."""
            ),
        )
        given = S("Attributes",
                  S("Name", T("NameValue", cid), E("NameType", "UninterpretedTextString")),
                  I("CryptographicUsageMask", "Encrypt Decrypt"),
                  E("State", "Active"),
                  DT("ActivationDate", "2020-01-02T00:00:00+00:00"),
                  DT("InitialDate", "2020-01-01T00:00:00+00:00"))
        c.step("Import", [T("UniqueIdentifier", uid), E("ObjectType", "SymmetricKey"), given, sym_key_obj(EXP_KEY)],
               resp_children=[T("UniqueIdentifier", uid)])
        c.step("GetAttributes", c.get_attrs_req(T("UniqueIdentifier", uid), "State", "Activation Date", "Initial Date", "Cryptographic Algorithm"),
               resp_children=c.attr_resp(T("UniqueIdentifier", uid),
                                         (E("State", "Active"), ""),
                                         (DT("ActivationDate", "2020-01-02T00:00:00+00:00"), ""),
                                         (DT("InitialDate", "2020-01-01T00:00:00+00:00"), ""),
                                         (E("CryptographicAlgorithm", "AES"), "")))
        c.step("Get", [T("UniqueIdentifier", uid)], resp_children=[E("ObjectType", "SymmetricKey"), T("UniqueIdentifier", uid), sym_key_obj(EXP_KEY)])
        c.step("Import", [T("UniqueIdentifier", uid), E("ObjectType", "SymmetricKey"), BOOL("ReplaceExisting", False), given, sym_key_obj(EXP_KEY)],
               status="OperationFailed", reason="ObjectAlreadyExists")
        c.step("Revoke", [T("UniqueIdentifier", uid), S("RevocationReason", E("RevocationReasonCode", "CessationOfOperation"))],
               resp_children=[T("UniqueIdentifier", uid)])
        c.step("Destroy", [T("UniqueIdentifier", uid)], resp_children=[T("UniqueIdentifier", uid)])
        add("export", c)

        # 3: Export of an unknown identifier.
        cid = f"KH-EXPORT-3-{suffix(v)}"
        c = Case(
            cid,
            v,
            indent("""Export of an identifier the server never issued."""),
            indent(
                f"""{exp}: the Export errors table lists Object Not Found, "a requested
managed object was not found or did not exist" ({rr})."""
            ),
        )
        c.step("Export", [T("UniqueIdentifier", "KH-NO-SUCH-OBJECT-0000")], status="OperationFailed", reason="ObjectNotFound")
        add("export", c)


# -- PKCS#12 (KMIP 2.x) -------------------------------------------------------------

# A PKCS#12 container of RSA_2048_PKCS1 and a self-signed certificate
# (p12_certificate()), friendly name "kh-p12", password "kh-p12-password",
# written once with Python's cryptography (BestAvailableEncryption: PBES2
# AES-256-CBC); kept as a constant because its salts are random.
P12_BLOB = bytes.fromhex(
    "308209dc0201033082099206092a864886f70d010701a08209830482097f3082097b308203ca"
    "06092a864886f70d010706a08203bb308203b7020100308203b006092a864886f70d01070130"
    "5f06092a864886f70d01050d3052303106092a864886f70d01050c30240410e9bbe361ccafeb"
    "09da0b8af54c4eb95002024e20300c06082a864886f70d02090500301d060960864801650304"
    "012a041034dffb0927fef05b2282219ceaac222280820340c6fcb2497859fe4749cf83fa1b0f"
    "588f433f10aef56547068681906347769205d983f757499cc5fad08f1a2132ad14885e3b37e4"
    "2336fc662fe597c6b212af729d8ecd57a7b03334be126f048bdc1267b4ca3df1683d5c349d22"
    "c83faf43c7c29f1cbfc40190cb85622aefc937a80e87ea6b35ec132656dcfc46838b84859adc"
    "8845e1c82353f63cf6e9723d7ec3e8c33296fc0858a8f9541987ed3a94b8ee8dcadcc9977854"
    "2391708671fd96eca4a5d1109040cda812d2e84a7372f0290d86fad00f18732c8e9c7b9249ea"
    "c8bc34551a1fb455d3fb11a86484258daa79af31dc7dc29bf2f48b70bf799813cc5f9af9c9a0"
    "b8397bb4e75e8265f2bdb71f4a72bb416dcd167054e7dc8c518af92f4c06fc20ae481a9b09aa"
    "79fbc7fb12ccb0a637b102de064c284700140b3df14376c7288d5ac9a32d2471a847e7dc5ee6"
    "2968e18bfc4315e7550dd839f6127aef8865b8931dc885ff1234cef8a6132489278217756339"
    "4bed93a96625b59df1fa5520c3dfe14041d2f69962ca844e4e4c3508ed354a1070ad395f0747"
    "8b3463fcae4183c1e61b76ea8c1c912ebc9600fae56c75bffaebcbed463fcef8f9fe93bbe21a"
    "6913f9a7062b04666ad2b9aa6910328e1764047146b43e025856b5a8e008d35f6b859e355e07"
    "d3b4558492e0d55a85f89816a6d574da045e67bce305a16a47e458b405c907f57cef9bee1a9f"
    "bb03969038978ad3c2cfdd5b9d8b2bde3c1b46ff21a47b23051aa8a2574f1549dec468debb48"
    "39ccd1f151cfba3f282fcac35f716832f763ef2278fb91392084c45fa580e348e6a5918f73d9"
    "0ef0a72a3c38871d20830c4257374441e7945da6bcf4f5857a90a05e43acb592ec39b4d1fb7f"
    "c09ecc62da106d5d17dc0a6a63e266b2eff5ed98c591c37d786aa350f70cf6d7fb56bee5b0e1"
    "b04611faf4227b868ee4ba87d79db2d5b99bee50a07c4aecf63ff0048ff67959dfab0030fb1c"
    "a03c44946cadc6b043ae63e5eaf215812d5281d28567099b1530d5aa502c8b7b2e7e898b2ba3"
    "e34e6bdecffa996eca5c3da8b1a43ae123a2e730f30c4bf51f0adf92d700aca9461c26c22175"
    "1646e8abca95d2e22a322a9979c360ceb6bef49e9560da6d49643538e917bdaec56ff01d455c"
    "f977d0e34ccac884915e2ba93351ad37f050a7f1308205a906092a864886f70d010701a08205"
    "9a04820596308205923082058e060b2a864886f70d010c0a0102a082053930820535305f0609"
    "2a864886f70d01050d3052303106092a864886f70d01050c3024041030e6ea41336cf61ea180"
    "87c0ef85791802024e20300c06082a864886f70d02090500301d060960864801650304012a04"
    "10fdf1af670e9fe0cb241cf491d1dc9f3d048204d0441b7bd46e242f5c513a80185f61ee3d8f"
    "db2fc5d726222fbe041e5f6680dfd814d4d1d80e5a848f0e85e549a1db868d0d08d23cabb812"
    "8e3f81485924d03693e59958e6a915daeef56ecb3d7d58815b2a5286ff938ce472ff33ada3e7"
    "700e573084348ee9c822c75d8fd54fccf97633496ce9817f6ab6fa00cbc559465cd9d7b72808"
    "25b2e27138a39d60c141f803f91c557537f831a9408397f646b9b829235265a5ff52eb20e524"
    "18ffe346ac03346e394253995aa73666c9a095648172df669b918835b6937cc41f1efa9d0365"
    "6cf5ce5fb301c73cd45c9cefb840426f55631458ac3aba6d81e20b43c396c132c9947c7bb9b8"
    "af5391c43dd7074878953351dd4b273d9c465f72a5b2431a562126e6ca3df02fd29d9c8d46ec"
    "72b3da701fc8d26e9d53c5b9f4f080815ac57dec66808bc15bb1a85b220356485f1c1906d239"
    "5aa6644a47be081361b615e04cd81475df63a39d8b6d4174e6a65b58af9cae4077ab4325ae58"
    "d2e4fc03d039583c9147775d3d8fbdcdd5cb2126bc436a5f90cc3cd1cc51cce6546a2aa5e0a9"
    "7041f79b12ed9b664901a1a3c837244641fd1e3aa55f724d54f6cfc6b19d437cc53e571bf1dc"
    "ab5226f5fc42fee9ffbf23e62e29aad88d6c3e7e7ece9d8d7e48cc716eb53bc271066be934f5"
    "346eddeb911cde0110e91d9030a73b3e3e7647b823c4b0251ce5e3f405fe5c8a60a4af79c868"
    "52f977d4b30857c834c9672b0b0726ab5c41f829fdb7692c139b40d468f35d09d267d3d2df7b"
    "6ae491e2f593a0ce6581e00ce5501cd6cb29b9d6678cd82ddd666cda49bbc4b2672830faafad"
    "d514cd748b2bf10fa7bc8c6d3a5e5811aa05aca5bb935bca69d809be1dd6dbe3e49b5efdb670"
    "82c5e63a92aa69f4394b6dbbe8e70e2ab0e09315746a83790c1e093b89c179e9d9f5d6a1d131"
    "8d86e7ddad0b748693d475c17132751f68869c4bd7061d97d0e03591b7b27054ea55021dc892"
    "96c60a0a2a144306056f01f9e615533a35a803624212637f49390ffe0040df3f4dc443fd77d2"
    "fd3f6833679a0cc4f3940f62259eda126a4ba20ee5b7c60c72ffadf2cb366563c48b2a072c3e"
    "bd76a90b593352a0cdcbe2435d3b8e31cc2af931081c664c34a7b55be17642c761bac8c793c1"
    "a1556eb1dbfde193297dd70bfcc856105d980967ee7773cb88763d4dab8876d786c52faf245e"
    "19a6d962d47ab043e0218b86a7d4a593d6411e0550624c61ed6a8156c8f6f6083b07f069336d"
    "f582d0434f5155f80b8b453b0374a3ed713db54ed5a5bd37ca6385cb293a621b04701e4b9360"
    "5dcb84e6542e57cfcf058fa2b3155204c67002dde39856d420f83da6c6a821b29e632bfddabf"
    "fc50b3bb1098d190e6366b14a36f100571cc6bb9a8cb3e5332e6e097e497fd26d23695967648"
    "27f915286e286a52b895d0ac2afc0c6f9132f7151f751924f8c5e6c9a279c929192d47df8f06"
    "4554e69cf109e7f15edf2445db18e13e460f92660ffd7fc62f97e228b59d9499bd1bb33d4727"
    "60e41eff6c83b7561d2bf9db761d8ee3425c910b4e2f706561c3a0eaba5925f44c71f781a7a3"
    "6838ac91220b340c9b497a0a49bb10f240217edeb09d930e03bc866d4762db72525f1e0086ec"
    "96e93ba66b443ca6898e6acf2dfd057e015acf3839f3294ecb28f8ed78bfd4e701b213cf2fcd"
    "7c41b0ebadde37433cced6420251ed3565a173002af78671f085e88c7e0cd3642fbbe9a3f031"
    "42301b06092a864886f70d010914310e1e0c006b0068002d007000310032302306092a864886"
    "f70d01091531160414e7f246ebfb10b7295c545321c45a4803462c15f230413031300d060960"
    "8648016503040201050004209ce71bcc3550c9ff2e34d32defd2b78beb677b48fc594d768ece"
    "69e9117b05ce0408dbefd0455bb0d86102020800"
)
P12_NAME = "kh-p12"
P12_PASSWORD = b"kh-p12-password"


def p12_certificate():
    """The self-signed certificate of RSA_2048_PKCS1 (deterministic)."""
    import datetime
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    from cryptography.hazmat.primitives import hashes, serialization as ser

    key = ser.load_der_private_key(RSA_2048_PKCS1, None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kmip-harness PKCS#12 test")])
    utc = datetime.timezone.utc
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(0x4B48)
            .not_valid_before(datetime.datetime(2026, 1, 1, tzinfo=utc))
            .not_valid_after(datetime.datetime(2036, 1, 1, tzinfo=utc))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(ser.Encoding.DER)


def p12_cases():
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.serialization import pkcs12

    key = ser.load_der_private_key(RSA_2048_PKCS1, None)
    pkcs8 = key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    pub_der = key.public_key().public_bytes(ser.Encoding.DER, ser.PublicFormat.PKCS1)
    cert_der = p12_certificate()
    # The constant container really holds this key and certificate.
    k, c, _ = pkcs12.load_key_and_certificates(P12_BLOB, P12_PASSWORD)
    assert k.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption()) == pkcs8
    assert c.public_bytes(ser.Encoding.DER) == cert_der
    assert pkcs12.load_pkcs12(P12_BLOB, P12_PASSWORD).cert.friendly_name == P12_NAME.encode()

    for v in ((2, 0), (2, 1)):
        get, reg, link_sec, fn_sec, rr = {
            (2, 0): ("§6.1.19 Get", "§6.1.39 Register", "§11.28 Link Type", "§4.39 PKCS#12 Friendly Name", "§11.45"),
            (2, 1): ("§6.1.19 Get", "§6.1.43 Register", "§11.28 Link Type", "§4.39 PKCS#12 Friendly Name", "§11.46"),
        }[v]
        cid = f"KH-EXPORT-4-{suffix(v)}"
        c = Case(
            cid,
            v,
            indent(
                """PKCS#12 in and out: Register an Active Secret Data password, the
certificate, the public key (PKCS#12 Certificate Link to the certificate)
and a PKCS#12 container (made with Python's cryptography: the fixed RSA-2048
key, that certificate, friendly name "kh-p12") as a Private Key with a
PKCS#12 Password Link and a Public Key Link. Get as PKCS#8 gives the key
of the container; PKCS#12 Friendly Name is "kh-p12". Get with Key Format
Type PKCS#12 returns a container; registered again with the same password
link, it gives the same PKCS#8 key and friendly name. A container whose
PKCS#12 Password Link names a Certificate fails with Bad Password. Clean
up."""
            ),
            indent(
                f"""{get}: "If Key Format Type is specified to be PKCS#12 then the response
payload shall be a PKCS#12 container as specified by [RFC7292]... protected
using the Secret Data object specified via the private key or
certificate's PKCS#12 Password Link. The current certificate chain shall
also be included as determined by using the private key's Public Key link
to get the corresponding public key..., and then using that public key's
PKCS#12 Certificate Link to get the base certificate". {fn_sec}: on a
Register of a PKCS#12 private key without the attribute "the server SHALL
record the alias/friendly name (if any) it finds"; on Get "the server SHALL
use" it. {link_sec}: PKCS#12 Certificate Link, PKCS#12 Password Link. {rr}
Bad Password: "Key Format Type is PKCS#12, but missing or multiple PKCS#12
Password Links, or not Secret Data, or not Active". {reg}."""
            ),
            notes=indent(
                """Readings: the password is the Secret Data's Key Material (Opaque bytes,
UTF-8 text); Register of a PKCS#12 Private Key takes its password from the
PKCS#12 Password Link given with the Register's attributes (the spec gives
no other way). The exported container is randomised (salts), so it is
checked by opening it again on the server ($KEY_MATERIAL_0), which proves
the key went out under the linked password; the Get as PKCS#8 is compared
exactly with the key the generator put into the container."""
            ),
            masked_extra=", the PKCS#12 container Get returns ($KEY_MATERIAL_0: its\n     salts are random)",
        )
        c.step("Register", [
            E("ObjectType", "SecretData"),
            S("Attributes", DT("ActivationDate", "$NOW-3600")),
            S("SecretData", E("SecretDataType", "Password"),
              S("KeyBlock", E("KeyFormatType", "Opaque"), S("KeyValue", B("KeyMaterial", P12_PASSWORD)))),
        ], resp_children=[UID(0)])
        c.step("Register", [
            E("ObjectType", "Certificate"),
            S("Attributes"),
            S("Certificate", E("CertificateType", "X_509"), B("CertificateValue", cert_der)),
        ], resp_children=[UID(1)])
        c.step("Register", [
            E("ObjectType", "PublicKey"),
            S("Attributes", I("CryptographicUsageMask", "Verify"), link("PKCS_12CertificateLink", 1)),
            S("PublicKey", S("KeyBlock", E("KeyFormatType", "PKCS_1"), S("KeyValue", B("KeyMaterial", pub_der)),
                             E("CryptographicAlgorithm", "RSA"), I("CryptographicLength", 2048))),
        ], resp_children=[UID(2)])

        def reg_p12(n, material, pw_link, status="Success", reason=None):
            links = [link("PKCS_12PasswordLink", pw_link)]
            if n == 3:
                links.append(link("PublicKeyLink", 2))
            c.step("Register", [
                E("ObjectType", "PrivateKey"),
                S("Attributes", I("CryptographicUsageMask", "Sign"), *links),
                S("PrivateKey", S("KeyBlock", E("KeyFormatType", "PKCS_12"), S("KeyValue", B("KeyMaterial", material)),
                                  E("CryptographicAlgorithm", "RSA"), I("CryptographicLength", 2048))),
            ], status=status, reason=reason, resp_children=[UID(n)] if status == "Success" else None)

        def get_p8(n):
            c.step("Get", [UID(n), E("KeyFormatType", "PKCS_8")], resp_children=[
                E("ObjectType", "PrivateKey"), UID(n),
                S("PrivateKey", S("KeyBlock", E("KeyFormatType", "PKCS_8"), S("KeyValue", B("KeyMaterial", pkcs8)),
                                  E("CryptographicAlgorithm", "RSA"), I("CryptographicLength", 2048)))])

        def friendly(n):
            c.step("GetAttributes", c.get_attrs_req(UID(n), "PKCS_12 Friendly Name"),
                   resp_children=c.attr_resp(UID(n), (T("PKCS_12FriendlyName", P12_NAME), "")))

        reg_p12(3, P12_BLOB, 0)
        get_p8(3)
        friendly(3)
        c.step("Get", [UID(3), E("KeyFormatType", "PKCS_12")], resp_children=[
            E("ObjectType", "PrivateKey"), UID(3),
            S("PrivateKey", S("KeyBlock", E("KeyFormatType", "PKCS_12"), S("KeyValue", B("KeyMaterial", "$KEY_MATERIAL_0")),
                              E("CryptographicAlgorithm", "RSA"), I("CryptographicLength", 2048)))])
        reg_p12(4, "$KEY_MATERIAL_0", 0)
        get_p8(4)
        friendly(4)
        reg_p12(5, P12_BLOB, 1, status="OperationFailed", reason="BadPassword")
        for n in (4, 3, 2, 1):
            destroy(c, n)
        cleanup_active(c, 0)
        add("export", c)


# -- Import with Key Wrap Type (KMIP 2.x) ---------------------------------------------

KEK = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")


def ttlv_key_value(material):
    """TTLV of Key Value { Key Material (Byte String) } (KMIP 2.1 §9.1)."""
    pad = (-len(material)) % 8
    km = bytes.fromhex("42004308") + len(material).to_bytes(4, "big") + material + b"\0" * pad
    return bytes.fromhex("42004501") + len(km).to_bytes(4, "big") + km


def wrap_cases():
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap

    wrapped = aes_key_wrap(KEK, ttlv_key_value(EXP_KEY))
    for v in ((2, 0), (2, 1)):
        exp, imp, rr = EXP_SPEC[v]
        cid = f"KH-EXPORT-5-{suffix(v)}"
        c = Case(
            cid,
            v,
            indent(
                f"""Export wrapped, Import with Key Wrap Type: Register an AES-256 key-
encryption key (Wrap Key / Unwrap Key, Active) and an AES-256 key; Export
the key with a Key Wrapping Specification (Encrypt with the KEK): the Key
Value is the known answer (RFC 3394 AES key wrap of the TTLV-encoded Key
Value); Import it as "{cid}-plain" with Key Wrap Type Not Wrapped (Get
gives the plain key) and as "{cid}-wrapped" with As Registered (Get gives
it as sent, with its Key Wrapping Data). Clean up."""
            ),
            indent(
                f"""{exp}: Key Wrapping Specification "SHALL have the same semantics as
for the Get operation" (§6.1.19; Key Wrapping Data §2.1.5, Encoding Option
default TTLV encoding). {imp}: Key Wrap Type "If Not Wrapped then the
server SHALL unwrap the object before storing it ... Otherwise the server
SHALL store the object as provided"."""
            ),
            notes=indent(
                """Expected wrapped bytes: RFC 3394 (NIST key wrap, the default for an AES
wrapping key with no Block Cipher Mode) over the TTLV encoding of the Key
Value structure, computed with Python's `cryptography`. Both keys are
registered, so the output is deterministic. The Unique Identifiers of the
imported objects are fixed: the case carries a fixed Name and runs alone
in a clean world (see KH-EXPORT-2)."""
            ),
        )
        c.step("Register", [
            E("ObjectType", "SymmetricKey"),
            S("Attributes", I("CryptographicUsageMask", "WrapKey UnwrapKey"), DT("ActivationDate", "$NOW-3600")),
            sym_key_obj(KEK),
        ], resp_children=[UID(0)])
        c.step("Register", [
            E("ObjectType", "SymmetricKey"),
            S("Attributes",
              S("Name", T("NameValue", cid), E("NameType", "UninterpretedTextString")),
              I("CryptographicUsageMask", "Encrypt Decrypt")),
            sym_key_obj(EXP_KEY),
        ], resp_children=[UID(1)])
        kwd = S("KeyWrappingData", E("WrappingMethod", "Encrypt"),
                S("EncryptionKeyInformation", UID(0)))
        wrapped_obj = S("SymmetricKey", S("KeyBlock",
                        E("KeyFormatType", "Raw"),
                        B("KeyValue", wrapped.hex()),
                        E("CryptographicAlgorithm", "AES"),
                        I("CryptographicLength", 256),
                        kwd))
        # Export's full attribute list is KH-EXPORT-1's subject; here only the
        # wrapped object is checked, through Get with the same specification.
        c.step("Get", [UID(1), S("KeyWrappingSpecification", E("WrappingMethod", "Encrypt"),
                                 S("EncryptionKeyInformation", UID(0)))],
               resp_children=[E("ObjectType", "SymmetricKey"), UID(1), wrapped_obj])
        plain_uid, wrapped_uid = f"{cid}-plain", f"{cid}-wrapped"
        for uid, wt in ((plain_uid, "NotWrapped"), (wrapped_uid, "AsRegistered")):
            c.step("Import", [T("UniqueIdentifier", uid), E("ObjectType", "SymmetricKey"),
                              E("KeyWrapType", wt), S("Attributes", I("CryptographicUsageMask", "Encrypt Decrypt")),
                              wrapped_obj],
                   resp_children=[T("UniqueIdentifier", uid)])
        c.step("Get", [T("UniqueIdentifier", plain_uid)],
               resp_children=[E("ObjectType", "SymmetricKey"), T("UniqueIdentifier", plain_uid), sym_key_obj(EXP_KEY)])
        c.step("Get", [T("UniqueIdentifier", wrapped_uid)],
               resp_children=[E("ObjectType", "SymmetricKey"), T("UniqueIdentifier", wrapped_uid), wrapped_obj])
        for uid in (plain_uid, wrapped_uid):
            c.step("Destroy", [T("UniqueIdentifier", uid)], resp_children=[T("UniqueIdentifier", uid)])
        destroy(c, 1)
        cleanup_active(c, 0)
        add("export", c)


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
kat_cases()
export_cases()
p12_cases()
wrap_cases()
keypair_cases()
query_cases()
for area, c in ALL:
    d = ROOT / area
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{c.cid}.xml").write_text(c.render())
    print(d / f"{c.cid}.xml")
