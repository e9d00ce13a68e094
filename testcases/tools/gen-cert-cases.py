#!/usr/bin/env python3
"""Write testcases/server/cert/KH-CERT-<n>-<vv>.xml (Certify, Re-certify,
Validate) for KMIP 1.4, 2.0 and 2.1.

The certificate requests and certificates the cases send are made here with
Python's `cryptography` from fixed EC keys with deterministic ECDSA
(RFC 6979), so re-running the script writes the same files. Nothing is
taken from the server under test. The certificates a server issues are not
compared byte for byte (its key and serial number are its own): the cases
check what the spec fixes (Unique Identifiers, Links, Certificate Type, the
Digital Signature Algorithm and key algorithm the certified key implies,
the subject from the request, Validity Indicator, error reasons).

Run: /tmp/pykmip/venv/bin/python testcases/tools/gen-cert-cases.py
(any Python with cryptography >= 44), then
python3 profiles/tools/gen-project-profiles.py.
"""
import datetime
import hashlib
import pathlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "testcases" / "server" / "cert"
SPEC = {
    "14": "kmip-spec-v1.4-os",
    "20": "kmip-spec-v2.0-os",
    "21": "kmip-spec-v2.1-os",
}
# Section numbers per version: Certify, Re-certify, Validate, Link, Certificate Type
SEC = {
    "14": {"certify": "§4.7", "recertify": "§4.8", "validate": "§4.24", "link": "§3.35",
           "errors": "§11.8 / §11.9 / §11.25"},
    "20": {"certify": "§6.1.6", "recertify": "§6.1.41", "validate": "§6.1.51",
           "link": "§4.31", "errors": "§6.1.6.1 / §6.1.41.1 / §6.1.51.1"},
    "21": {"certify": "§6.1.6", "recertify": "§6.1.45", "validate": "§6.1.57",
           "link": "§4.31", "errors": "§6.1.6.1 / §6.1.45.1 / §6.1.57.1"},
}


def key(scalar):
    return ec.derive_private_key(scalar, ec.SECP256R1())


def name(cn):
    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kmip-harness"),
    ])


def csr(cn, scalar):
    req = x509.CertificateSigningRequestBuilder().subject_name(name(cn))
    return req.sign(key(scalar), hashes.SHA256(), ecdsa_deterministic=True).public_bytes(
        Encoding.DER)


def self_signed(cn, scalar, not_before, not_after):
    k = key(scalar)
    b = (x509.CertificateBuilder()
         .subject_name(name(cn)).issuer_name(name(cn))
         .public_key(k.public_key())
         .serial_number(0x4B48 + scalar)
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True))
    return b.sign(k, hashes.SHA256(), ecdsa_deterministic=True).public_bytes(Encoding.DER)


UTC = datetime.timezone.utc
CSR_2 = csr("KH-CERT-2", 0x4B4802)
CSR_BAD = bytearray(csr("KH-CERT-3 tampered", 0x4B4803))
CSR_BAD[-1] ^= 0x01  # the signature no longer verifies
CSR_BAD = bytes(CSR_BAD)
EXPIRED = self_signed("KH-CERT-4 expired root", 0x4B4804,
                      datetime.datetime(2000, 1, 1, tzinfo=UTC),
                      datetime.datetime(2001, 1, 1, tzinfo=UTC))
OUTSIDE = self_signed("KH-CERT-4 outside root", 0x4B4805,
                      datetime.datetime(2020, 1, 1, tzinfo=UTC),
                      datetime.datetime(2099, 12, 31, tzinfo=UTC))


# ---- XML writing -----------------------------------------------------------

class Case:
    def __init__(self, number, vv):
        self.id = f"KH-CERT-{number}-{vv}"
        self.vv = vv
        self.major, self.minor = int(vv[0]), int(vv[1])
        self.step = 0
        self.parts = []

    @property
    def v1(self):
        return self.major == 1

    def header(self, request):
        v = (f'    <ProtocolVersion>\n'
             f'      <ProtocolVersionMajor type="Integer" value="{self.major}"/>\n'
             f'      <ProtocolVersionMinor type="Integer" value="{self.minor}"/>\n'
             f'    </ProtocolVersion>\n')
        if request:
            cv = ""
            if not self.v1:
                cv = (f'    <ClientCorrelationValue type="TextString" '
                      f'value="{self.id} step={self.step}"/>\n')
            return (f'  <RequestHeader>\n{v}{cv}'
                    f'    <BatchCount type="Integer" value="1"/>\n  </RequestHeader>\n')
        return (f'  <ResponseHeader>\n{v}'
                f'    <TimeStamp type="DateTime" value="$NOW"/>\n'
                f'    <BatchCount type="Integer" value="1"/>\n  </ResponseHeader>\n')

    def exchange(self, op, request, response=None, error=None):
        """One request / response pair; `response` is the payload body,
        `error` a Result Reason (the item then fails)."""
        req = (f'<RequestMessage>\n{self.header(True)}  <BatchItem>\n'
               f'    <Operation type="Enumeration" value="{op}"/>\n'
               f'    <RequestPayload>\n{indent(request, 6)}    </RequestPayload>\n'
               f'  </BatchItem>\n</RequestMessage>\n')
        if error is None:
            body = (f'    <ResultStatus type="Enumeration" value="Success"/>\n'
                    f'    <ResponsePayload>\n{indent(response or "", 6)}    </ResponsePayload>\n')
            if not response:
                body = (f'    <ResultStatus type="Enumeration" value="Success"/>\n'
                        f'    <ResponsePayload/>\n')
        else:
            body = (f'    <ResultStatus type="Enumeration" value="OperationFailed"/>\n'
                    f'    <ResultReason type="Enumeration" value="{error}"/>\n')
        resp = (f'<ResponseMessage>\n{self.header(False)}  <BatchItem>\n'
                f'    <Operation type="Enumeration" value="{op}"/>\n{body}'
                f'  </BatchItem>\n</ResponseMessage>\n')
        self.parts.append(req + "\n" + resp)
        self.step += 1

    # attribute notation: (1.x name, 2.x element, xml type or None, value or children)
    def attr(self, a):
        spec_name, elem, typ, value = a[:4]
        if self.v1:
            # KMIP 1.x Attribute Index: present for a second instance (index 1+)
            ix = (f'  <AttributeIndex type="Integer" value="{a[4]}"/>\n'
                  if len(a) > 4 else "")
            if typ is None:
                inner = "".join(f"  {c}\n" for c in value)
                return (f'<Attribute>\n  <AttributeName type="TextString" value="{spec_name}"/>\n'
                        f'{ix}  <AttributeValue>\n{indent(inner, 2)}  </AttributeValue>\n</Attribute>\n')
            return (f'<Attribute>\n  <AttributeName type="TextString" value="{spec_name}"/>\n'
                    f'  <AttributeValue type="{typ}" value="{value}"/>\n</Attribute>\n')
        if typ is None:
            inner = "".join(f"  {c}\n" for c in value)
            return f'<{elem}>\n{inner}</{elem}>\n'
        return f'<{elem} type="{typ}" value="{value}"/>\n'

    def attrs(self, container_1x, container_2x, attrs):
        body = "".join(self.attr(a) for a in attrs)
        c = container_1x if self.v1 else container_2x
        return f'<{c}>\n{indent(body, 2)}</{c}>\n'

    def get_attributes(self, uid, attrs, expected):
        """Get Attributes of `uid` for the named attributes; `expected` in
        the attribute notation."""
        if self.v1:
            req = uid_x(uid) + "".join(
                f'<AttributeName type="TextString" value="{a[0]}"/>\n' for a in attrs)
            resp = uid_x(uid) + "".join(self.attr(a) for a in expected)
        else:
            req = uid_x(uid) + "".join(
                f'<AttributeReference type="Enumeration" value="{a[1]}"/>\n' for a in attrs)
            body = "".join(self.attr(a) for a in expected)
            resp = uid_x(uid) + f'<Attributes>\n{indent(body, 2)}</Attributes>\n'
        self.exchange("GetAttributes", req, resp)

    def not_found(self):
        return "ItemNotFound" if self.v1 else "ObjectNotFound"

    def destroy(self, uid):
        self.exchange("Destroy", uid_x(uid), uid_x(uid))

    def write(self, comment):
        OUT.mkdir(parents=True, exist_ok=True)
        text = f"<!--\n{comment.rstrip()}\n-->\n<KMIP>\n\n" + "\n".join(self.parts) + "\n</KMIP>\n"
        (OUT / f"{self.id}.xml").write_text(text)


def indent(text, n):
    pad = " " * n
    return "".join(pad + line + "\n" if line else "\n" for line in text.splitlines())


def uid_x(uid):
    return f'<UniqueIdentifier type="TextString" value="{uid}"/>\n'


def a_enum(spec, elem, value):
    return (spec, elem, "Enumeration", value)


def a_int(spec, elem, value):
    return (spec, elem, "Integer", value)


def a_name(value):
    return ("Name", "Name", None, [
        f'<NameValue type="TextString" value="{value}"/>',
        '<NameType type="Enumeration" value="UninterpretedTextString"/>'])


def a_link(link_type, uid, index=None):
    a = ("Link", "Link", None, [
        f'<LinkType type="Enumeration" value="{link_type}"/>',
        f'<LinkedObjectIdentifier type="TextString" value="{uid}"/>'])
    return a if index is None else a + (index,)


CERT_TYPE = a_enum("Certificate Type", "CertificateType", "X_509")
SIG_ALG = a_enum("Digital Signature Algorithm", "DigitalSignatureAlgorithm", "ECDSAWithSHA256")
KEY_ALG = a_enum("Cryptographic Algorithm", "CryptographicAlgorithm", "EC")
KEY_LEN = a_int("Cryptographic Length", "CryptographicLength", 256)
LINK_REF = ("Link", "Link", None, [])


def key_pair(c):
    common = c.attrs("CommonTemplateAttribute", "CommonAttributes", [
        a_enum("Cryptographic Algorithm", "CryptographicAlgorithm", "EC"),
        a_int("Cryptographic Length", "CryptographicLength", 256),
        ("Cryptographic Domain Parameters", "CryptographicDomainParameters", None,
         ['<RecommendedCurve type="Enumeration" value="P_256"/>']),
    ])
    prv = c.attrs("PrivateKeyTemplateAttribute", "PrivateKeyAttributes", [
        a_int("Cryptographic Usage Mask", "CryptographicUsageMask", "Sign"),
        a_name(f"{c.id} private")])
    pub = c.attrs("PublicKeyTemplateAttribute", "PublicKeyAttributes", [
        a_int("Cryptographic Usage Mask", "CryptographicUsageMask", "Verify"),
        a_name(f"{c.id} public")])
    c.exchange("CreateKeyPair", common + prv + pub,
               '<PrivateKeyUniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/>\n'
               '<PublicKeyUniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_1"/>\n')


def request_value(c, kind, der):
    elem = "CertificateRequest" if c.v1 else "CertificateRequestValue"
    return (f'<CertificateRequestType type="Enumeration" value="{kind}"/>\n'
            f'<{elem} type="ByteString" value="{der.hex()}"/>\n')


def certificate(der):
    return ('<Certificate>\n'
            '  <CertificateType type="Enumeration" value="X_509"/>\n'
            f'  <CertificateValue type="ByteString" value="{der.hex()}"/>\n'
            '</Certificate>\n')


MASKED = """     Masked per the Profiles' Permitted Test Case Variations: Unique Identifiers
     ($UNIQUE_IDENTIFIER_n), TimeStamp ($NOW), Result Message (optional free
     text, never written here). Everything else is exact."""

SERVER_POLICY = """     Validation policy: §{validate} leaves "the method or policy by which
     validation is conducted" and the trust anchors to the server; this case
     expects a server whose own CA (the issuer of the certificates Certify
     returns) is a trust anchor, so a chain it issued validates as Valid."""


PRV_14 = """Permission Denied (§11.8 Table 334: "Object
     specified is not able to be certified")."""

BAD_14 = """Bad request → Invalid Field (§11.8 Table 334: "The Certificate Request
     does not contain a signed certificate request of the specified
     Certificate Request Type")."""

IDX = """; the second
     Link instance carries Attribute Index 1 (§2.1.1)"""


def case1(vv):
    c = Case(1, vv)
    s = SEC[vv]
    key_pair(c)
    c.exchange("Certify", uid_x("$UNIQUE_IDENTIFIER_1") + c.attrs(
        "TemplateAttribute", "Attributes", [CERT_TYPE, a_name(f"{c.id} certificate")]),
        uid_x("$UNIQUE_IDENTIFIER_2"))
    c.get_attributes("$UNIQUE_IDENTIFIER_2", [CERT_TYPE, SIG_ALG, KEY_ALG, KEY_LEN, LINK_REF],
                     [CERT_TYPE, SIG_ALG, KEY_ALG, KEY_LEN,
                      a_link("PublicKeyLink", "$UNIQUE_IDENTIFIER_1")])
    c.get_attributes("$UNIQUE_IDENTIFIER_1", [LINK_REF],
                     [a_link("PrivateKeyLink", "$UNIQUE_IDENTIFIER_0"),
                      a_link("CertificateLink", "$UNIQUE_IDENTIFIER_2", 1)])
    c.exchange("Validate", uid_x("$UNIQUE_IDENTIFIER_2"),
               '<ValidityIndicator type="Enumeration" value="Valid"/>\n')
    for u in (2, 1, 0):
        c.destroy(f"$UNIQUE_IDENTIFIER_{u}")
    c.write(f"""     kmip-harness project test case {c.id}
     Protocol: KMIP {c.major}.{c.minor}
     Profile: none (project case)

     What it tests:
     Certify of a Public Key named by its Unique Identifier, without a
     Certificate Request: Create Key Pair (EC P-256), Certify with Certificate
     Type X.509 in the attributes, Get Attributes of the certificate and of
     the public key, Validate of the new certificate, clean up.

     Expected responses per {SPEC[vv]}:
     {s['certify']} Certify: "If the Certificate Request Type and the Certificate
     Request objects are omitted from the request, then the Certificate Type
     SHALL be specified using the {'Template-Attribute' if c.v1 else 'Attributes'} object"; "For the public
     key, the server SHALL create a Link attribute of Link Type Certificate
     pointing to the generated certificate. For the generated certificate,
     the server SHALL create a Link attribute of Link Type Public Key pointing
     to the Public Key" ({s['link']} Link). The Public Key keeps its Private
     Key Link from Create Key Pair, listed first (set first){IDX if c.v1 else ''}.
     Certificate attributes: Certificate Type X.509; Digital Signature
     Algorithm ECDSA with SHA-256 and Cryptographic Algorithm EC / Length 256:
     the certified key is an EC P-256 key (X.509 SubjectPublicKeyInfo
     id-ecPublicKey, prime256v1), and an issuer signing with ECDSA P-256 uses
     SHA-256 (the reference server's CA key; another server's CA may sign
     with another algorithm and then fails that step only, visibly).
     {s['validate']} Validate: Validity Indicator Valid.
{SERVER_POLICY.format(**s)}
     Destroy: every object is Pre-Active and is destroyed directly.

{MASKED}
""")


def case2(vv):
    c = Case(2, vv)
    s = SEC[vv]
    c.exchange("Certify", request_value(c, "PKCS_10", CSR_2) + c.attrs(
        "TemplateAttribute", "Attributes", [a_name(f"{c.id} certificate")]),
        uid_x("$UNIQUE_IDENTIFIER_0"))
    subject = ([("X.509 Certificate Subject", "X_509CertificateSubject", None, [
        '<SubjectDistinguishedName type="ByteString" '
        f'value="{name("KH-CERT-2").public_bytes().hex()}"/>'])] if c.v1 else
        [("Certificate Subject CN", "CertificateSubjectCN", "TextString", "KH-CERT-2")])
    c.get_attributes("$UNIQUE_IDENTIFIER_0", [CERT_TYPE, SIG_ALG] + subject,
                     [CERT_TYPE, SIG_ALG] + subject)
    c.exchange("Validate", uid_x("$UNIQUE_IDENTIFIER_0"),
               '<ValidityIndicator type="Enumeration" value="Valid"/>\n')
    c.exchange("ReCertify", uid_x("$UNIQUE_IDENTIFIER_0"), uid_x("$UNIQUE_IDENTIFIER_1"))
    c.get_attributes("$UNIQUE_IDENTIFIER_0", [LINK_REF],
                     [a_link("ReplacementObjectLink", "$UNIQUE_IDENTIFIER_1")])
    c.get_attributes("$UNIQUE_IDENTIFIER_1", [LINK_REF, a_name("")],
                     [a_link("ReplacedObjectLink", "$UNIQUE_IDENTIFIER_0"),
                      a_name(f"{c.id} certificate")])
    c.get_attributes("$UNIQUE_IDENTIFIER_1", [CERT_TYPE] + subject, [CERT_TYPE] + subject)
    c.exchange("Validate", uid_x("$UNIQUE_IDENTIFIER_1"),
               '<ValidityIndicator type="Enumeration" value="Valid"/>\n')
    for u in (1, 0):
        c.destroy(f"$UNIQUE_IDENTIFIER_{u}")
    c.write(f"""     kmip-harness project test case {c.id}
     Protocol: KMIP {c.major}.{c.minor}
     Profile: none (project case)

     What it tests:
     Certify from a PKCS#10 Certificate Request (no Unique Identifier), the
     subject taken from the request; Validate; Re-certify of that
     certificate without a request; the Replacement / Replaced links and the
     Name moved to the new certificate; Validate of the new one; clean up.

     Expected responses per {SPEC[vv]}:
     {s['certify']} Certify: the request is "passed as a Byte String" with its
     Certificate Request Type (PKCS#10); "If the information in the
     Certificate Request conflicts with the attributes ..., then the
     information in the Certificate Request takes precedence": the subject
     is the request's, {'X.509 Certificate Subject (§3.11: the DER Subject Distinguished Name)' if c.v1 else 'Certificate Subject CN (§4.6 Certificate Attributes)'}.
     The request (CN=KH-CERT-2, O=kmip-harness, EC P-256, signed with
     deterministic ECDSA-SHA256) was made by testcases/tools/gen-cert-cases.py
     with Python's cryptography.
     {s['recertify']} Re-certify: a new certificate (new Unique Identifier) for the
     same key; "For the existing certificate, the server SHALL create a Link
     attribute of Link Type Replacement pointing to the new certificate. For
     the new certificate, the server SHALL create a Link attribute of Link
     Type Replaced pointing to the existing certificate"; Name: "Set to the
     name(s) of the existing certificate; all name attributes are removed
     from the existing certificate" (so Get Attributes of the old one lists
     no Name). The subject stays the same (renewal for the same key pair).
     {s['validate']} Validate: Valid for both.
{SERVER_POLICY.format(**s)}

{MASKED}
""")


def case3(vv):
    c = Case(3, vv)
    s = SEC[vv]
    c.exchange("Certify", uid_x("KH-NO-SUCH-OBJECT-0000") + c.attrs(
        "TemplateAttribute", "Attributes", [CERT_TYPE]), error="ItemNotFound")
    c.exchange("Certify", request_value(c, "PKCS_10", CSR_BAD),
               error="InvalidField" if c.v1 else "InvalidCSR")
    c.exchange("ReCertify", uid_x("KH-NO-SUCH-OBJECT-0000"), error=c.not_found())
    c.exchange("Validate", uid_x("KH-NO-SUCH-OBJECT-0000"), error=c.not_found())
    key_pair(c)
    c.exchange("Certify", uid_x("$UNIQUE_IDENTIFIER_0") + c.attrs(
        "TemplateAttribute", "Attributes", [CERT_TYPE]),
        error="PermissionDenied" if c.v1 else "InvalidObjectType")
    for u in (1, 0):
        c.destroy(f"$UNIQUE_IDENTIFIER_{u}")
    c.write(f"""     kmip-harness project test case {c.id}
     Protocol: KMIP {c.major}.{c.minor}
     Profile: none (project case)

     What it tests:
     Error paths: Certify of a public key that does not exist; Certify of a
     PKCS#10 request whose signature does not verify (its last byte changed);
     Re-certify and Validate of a certificate that does not exist; Certify
     of a Private Key (not a Public Key), then clean up the key pair.

     Expected responses per {SPEC[vv]} ({s['errors']}):
     unknown identifier → {c.not_found()}{' (§11: "No object with the specified Unique Identifier exists")' if c.v1 else ' for Re-certify and Validate (their error tables list Object Not Found); Certify → ItemNotFound (its error table lists Item Not Found and not Object Not Found)'}.
     {BAD_14 if c.v1 else 'Bad request → Invalid CSR (in the Certify error table).'}
     The request was made by testcases/tools/gen-cert-cases.py (Python's
     cryptography), then one byte of its signature was flipped.
     Certify of a Private Key: {PRV_14 if c.v1 else 'Invalid Object Type (in the Certify error table; Certify "is used to generate a Certificate object for a public key").'}

{MASKED}
""")


def case4(vv):
    c = Case(4, vv)
    s = SEC[vv]
    c.exchange("Validate", certificate(EXPIRED),
               '<ValidityIndicator type="Enumeration" value="Invalid"/>\n')
    c.exchange("Validate", certificate(OUTSIDE),
               '<ValidityIndicator type="Enumeration" value="Unknown"/>\n')
    c.exchange("Validate", certificate(OUTSIDE) +
               '<ValidityDate type="DateTime" value="2019-06-01T00:00:00+00:00"/>\n',
               '<ValidityIndicator type="Enumeration" value="Invalid"/>\n')
    c.write(f"""     kmip-harness project test case {c.id}
     Protocol: KMIP {c.major}.{c.minor}
     Profile: none (project case)

     What it tests:
     Validate of certificates passed by value: a self-signed CA certificate
     valid 2000-01-01 .. 2001-01-01 (expired now) → Invalid; a self-signed CA
     certificate valid 2020 .. 2099 that the server does not hold → Unknown;
     the same at a Validity Date of 2019-06-01, before its validity → Invalid.

     Expected responses per {SPEC[vv]}:
     {s['validate']} Validate: "The request MAY also contain a date for which all
     certificates in the certificate chain are REQUIRED to be valid. ... If
     omitted, the current date and time SHALL be assumed": a certificate
     outside its validity period at that date makes the chain invalid.
     The policy and "the specification of trust anchors used to terminate
     validation are also controlled by the server": a self-signed
     certificate the server neither issued nor holds is no trust anchor of
     its, so its validity cannot be established: Unknown (a server that
     trusts every self-signed certificate would answer Valid and fails that
     step, visibly).
     The certificates (EC P-256, deterministic ECDSA-SHA256) were made by
     testcases/tools/gen-cert-cases.py with Python's cryptography.

{MASKED}
""")


# An ASCII-armored RFC 4880 public key block, as a client would register it
# (the server treats the Key Block as an opaque blob: 1.4 §2.2.9, 2.1 §2.4).
PGP_ARMOR = (b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
             b"mDMEZQAAABYJKwYBBAHaRw8BAQdAS0hDRVJULTUga21pcC1oYXJuZXNzIHRlc3Qg\n"
             b"a2V5=KH05\n-----END PGP PUBLIC KEY BLOCK-----\n")


DIGEST_SEC = {"14": "§3.17", "20": "§4.21", "21": "§4.21"}


def case5(vv):
    c = Case(5, vv)
    s = SEC[vv]
    body = ('<PGPKey>\n'
            '  <PGPKeyVersion type="Integer" value="4"/>\n'
            '  <KeyBlock>\n'
            '    <KeyFormatType type="Enumeration" value="Opaque"/>\n'
            '    <KeyValue>\n'
            f'      <KeyMaterial type="ByteString" value="{PGP_ARMOR.hex()}"/>\n'
            '    </KeyValue>\n'
            '  </KeyBlock>\n'
            '</PGPKey>\n')
    c.exchange("Register", '<ObjectType type="Enumeration" value="PGPKey"/>\n' + c.attrs(
        "TemplateAttribute", "Attributes", [
            a_int("Cryptographic Usage Mask", "CryptographicUsageMask", "Verify"),
            a_name(f"{c.id} key")]) + body, uid_x("$UNIQUE_IDENTIFIER_0"))
    c.exchange("Get", uid_x("$UNIQUE_IDENTIFIER_0"),
               '<ObjectType type="Enumeration" value="PGPKey"/>\n' + uid_x("$UNIQUE_IDENTIFIER_0")
               + body)
    digest = ("Digest", "Digest", None, [
        '<HashingAlgorithm type="Enumeration" value="SHA_256"/>',
        f'<DigestValue type="ByteString" value="{hashlib.sha256(PGP_ARMOR).hexdigest()}"/>',
        '<KeyFormatType type="Enumeration" value="Opaque"/>'])
    c.get_attributes("$UNIQUE_IDENTIFIER_0",
                     [("Object Type", "ObjectType", None, []), ("State", "State", None, []),
                      digest]
                     + ([] if c.v1 else [("Key Format Type", "KeyFormatType", None, [])]),
                     [a_enum("Object Type", "ObjectType", "PGPKey"),
                      a_enum("State", "State", "PreActive"), digest]
                     + ([] if c.v1 else [a_enum("Key Format Type", "KeyFormatType", "Opaque")]))
    c.destroy("$UNIQUE_IDENTIFIER_0")
    c.write(f"""     kmip-harness project test case {c.id}
     Protocol: KMIP {c.major}.{c.minor}
     Profile: none (project case)

     What it tests:
     Register of a PGP Key (PGP Key Version 4, the ASCII-armored key in an
     Opaque Key Block), Get of it unchanged, Get Attributes (Object Type,
     State, Digest{'' if c.v1 else ', Key Format Type'}), Destroy.

     Expected responses per {SPEC[vv]}:
     {'§2.2.9' if c.v1 else '§2.4'} PGP Key: "A Managed Cryptographic Object that is a text-based
     representation of a PGP key. The Key Block field ... will contain the
     ASCII-armored export of a PGP key ... KMIP implementers SHOULD treat the
     Key Block field as an opaque blob": Get returns the object as
     registered (PGP Key Version and Key Block). {DIGEST_SEC[vv]} Digest: "the digest
     value of the key ... (i.e., digest of the Key Material) ... If the Key
     Material is a Byte String, then the Digest Value SHALL be calculated on
     this Byte String"; the SHA-256 instance is mandatory, with the Key
     Format Type of the registered object (Opaque) for a registered object
     (expected value computed here with hashlib). A registered object without
     an Activation Date is Pre-Active and is destroyed directly.
     The armored block is test data (not a usable key): the server is not
     to interpret it.

{MASKED}
""")


CSR_6 = csr("KH-CERT-6", 0x4B4806)


def case6(vv):
    c = Case(6, vv)
    s = SEC[vv]
    req = ('<CertificateRequest>\n'
           '  <CertificateRequestType type="Enumeration" value="PKCS_10"/>\n'
           f'  <CertificateRequestValue type="ByteString" value="{CSR_6.hex()}"/>\n'
           '</CertificateRequest>\n')
    c.exchange("Register", '<ObjectType type="Enumeration" value="CertificateRequest"/>\n'
               + c.attrs("TemplateAttribute", "Attributes", [a_name(f"{c.id} request")]) + req,
               uid_x("$UNIQUE_IDENTIFIER_0"))
    c.exchange("Get", uid_x("$UNIQUE_IDENTIFIER_0"),
               '<ObjectType type="Enumeration" value="CertificateRequest"/>\n'
               + uid_x("$UNIQUE_IDENTIFIER_0") + req)
    c.exchange("Certify", uid_x("$UNIQUE_IDENTIFIER_0"), uid_x("$UNIQUE_IDENTIFIER_1"))
    subject = [("Certificate Subject CN", "CertificateSubjectCN", "TextString", "KH-CERT-6")]
    c.get_attributes("$UNIQUE_IDENTIFIER_1", [CERT_TYPE] + subject, [CERT_TYPE] + subject)
    c.exchange("ReCertify", uid_x("$UNIQUE_IDENTIFIER_1") +
               '<CertificateRequestUniqueIdentifier type="TextString" '
               'value="$UNIQUE_IDENTIFIER_0"/>\n', uid_x("$UNIQUE_IDENTIFIER_2"))
    c.get_attributes("$UNIQUE_IDENTIFIER_2", [CERT_TYPE] + subject, [CERT_TYPE] + subject)
    c.exchange("Validate", uid_x("$UNIQUE_IDENTIFIER_2"),
               '<ValidityIndicator type="Enumeration" value="Valid"/>\n')
    for u in (2, 1, 0):
        c.destroy(f"$UNIQUE_IDENTIFIER_{u}")
    c.write(f"""     kmip-harness project test case {c.id}
     Protocol: KMIP {c.major}.{c.minor}
     Profile: none (project case)

     What it tests:
     The Certificate Request object (new in KMIP 2.0): Register of a PKCS#10
     request as a Certificate Request object, Get of it unchanged, Certify
     naming it by Unique Identifier, Re-certify naming it by Certificate
     Request Unique Identifier, the subject of both certificates, Validate,
     clean up.

     Expected responses per {SPEC[vv]}:
     §2.2 Certificate Request: "A Managed Cryptographic Object containing the
     Certificate Request" (Certificate Request Type, Certificate Request
     Value). {s['certify']} Certify, Table "Certify Request Payload": Unique
     Identifier is "The Unique Identifier of the Public Key or the Certificate
     Request being certified"; {s['recertify']} Re-certify: "Certificate Request
     Unique Identifier: The Unique Identifier of the Certificate Request".
     The subject is the request's (Certificate Subject CN, §4.6).
     {s['validate']} Validate: Valid.
{SERVER_POLICY.format(**s)}
     The request (CN=KH-CERT-6, O=kmip-harness, EC P-256, deterministic
     ECDSA-SHA256) was made by testcases/tools/gen-cert-cases.py with
     Python's cryptography.

{MASKED}
""")


def main():
    for vv in ("14", "20", "21"):
        case1(vv)
        case2(vv)
        case3(vv)
        case4(vv)
        case5(vv)
        if vv != "14":
            case6(vv)


if __name__ == "__main__":
    main()
