#!/usr/bin/env python3
"""Two PyKMIP clients with different client certificates against a server
with per-identity access control (tests/access_pykmip.rs).

  python two_clients.py certs OUTDIR
      a CA and two client certificates (CN=pykmip-alice, CN=pykmip-bob)
  python two_clients.py run OUTDIR HOST PORT SERVER_CA
      alice creates an AES key (named) and reads it; bob tries Get, Locate
      and Destroy; alice locates and destroys it. Prints one JSON line with
      what each step returned (the Rust test judges it).
"""
import datetime
import json
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)


def certs(out):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def key():
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def write_key(k, path):
        with open(path, "wb") as f:
            f.write(k.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))

    ca_key = key()
    ca = (x509.CertificateBuilder()
          .subject_name(name("kh-access-test-ca")).issuer_name(name("kh-access-test-ca"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    with open(os.path.join(out, "ca.pem"), "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    for who in ("alice", "bob"):
        k = key()
        c = (x509.CertificateBuilder()
             .subject_name(name("pykmip-" + who)).issuer_name(ca.subject)
             .public_key(k.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(minutes=5))
             .not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
             .sign(ca_key, hashes.SHA256()))
        with open(os.path.join(out, who + ".pem"), "wb") as f:
            f.write(c.public_bytes(serialization.Encoding.PEM))
        write_key(k, os.path.join(out, who + ".key"))


def run(out, host, port, server_ca):
    from kmip.core import enums as E
    from kmip.pie import exceptions as kexc
    from kmip.pie.client import ProxyKmipClient

    def client(who):
        c = ProxyKmipClient(hostname=host, port=int(port), cert=os.path.join(out, who + ".pem"),
                            key=os.path.join(out, who + ".key"), ca=server_ca,
                            config_file="/dev/null")
        c.proxy.timeout = 15
        c.open()
        return c

    def outcome(f):
        try:
            r = f()
            return {"ok": r if isinstance(r, (str, list)) else True}
        except kexc.KmipOperationFailure as e:
            return {"failed": getattr(e.reason, "name", str(e.reason))}
        except Exception as e:  # noqa: BLE001 - reported to the Rust test
            return {"error": "%s: %s" % (type(e).__name__, e)}

    res = {}
    alice, bob = client("alice"), client("bob")
    try:
        tag = "kh-access-pykmip-%d" % os.getpid()
        uid = alice.create(E.CryptographicAlgorithm.AES, 256, name=tag,
                           cryptographic_usage_mask=[E.CryptographicUsageMask.ENCRYPT,
                                                     E.CryptographicUsageMask.DECRYPT])
        res["uid"] = uid
        res["alice_get"] = outcome(lambda: "%d key bytes" % len(alice.get(uid).value))
        res["bob_get"] = outcome(lambda: bob.get(uid))
        name = lambda c: c.attribute_factory.create_attribute(E.AttributeType.NAME, tag)  # noqa: E731
        res["bob_locate"] = outcome(lambda: bob.locate(attributes=[name(bob)]))
        res["bob_destroy"] = outcome(lambda: bob.destroy(uid))
        res["alice_locate"] = outcome(lambda: alice.locate(attributes=[name(alice)]))
        res["alice_destroy"] = outcome(lambda: alice.destroy(uid) or "destroyed")
    finally:
        alice.close()
        bob.close()
    print(json.dumps(res))


if __name__ == "__main__":
    if sys.argv[1:2] == ["certs"]:
        certs(sys.argv[2])
    elif sys.argv[1:2] == ["run"]:
        run(*sys.argv[2:6])
    else:
        sys.exit(__doc__)
