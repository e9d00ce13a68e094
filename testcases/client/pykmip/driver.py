#!/usr/bin/env python3
"""driver.py - PyKMIP's client (kmip.pie.client.ProxyKmipClient) runs the
client-mode scenario of testcases/client/KH-CLIENT-1-12.xml against
`kmip-harness client-test`:

  create AES-256 (named) -> get -> locate by name -> activate -> revoke -> destroy

Run it with the venv of ../shared/peers/pykmip/setup.sh:

  DIR/venv/bin/python testcases/client/pykmip/driver.py --host 127.0.0.1 --port PORT \
      --ca CERTS/ca.pem --cert CERTS/client.pem --key CERTS/client-key.pem \
      [--algorithm AES|TRIPLE_DES] [--name NAME]

--algorithm TRIPLE_DES is the deliberately wrong client (Create asks for
another algorithm): the harness must fail the case with a request diff.
Prints one 'PASS step' / 'FAIL step: error' line per step; exit 0 when every
step succeeded, 1 otherwise. Never hangs: socket timeout 15 s.
"""
import argparse
import logging
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from kmip.core import enums as E  # noqa: E402
from kmip.core.factories import attributes as F  # noqa: E402
from kmip.pie.client import ProxyKmipClient  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--algorithm", default="AES", choices=["AES", "TRIPLE_DES"])
    p.add_argument("--name", default="kh-client-1-pykmip")
    a = p.parse_args()

    c = ProxyKmipClient(hostname=a.host, port=a.port, cert=a.cert, key=a.key, ca=a.ca,
                        kmip_version=E.KMIPVersion.KMIP_1_2, config_file="/dev/null")
    c.proxy.timeout = 15
    failed = 0
    try:
        c.open()
    except Exception as e:  # noqa: BLE001
        print("FAIL connect: %s" % e)
        print("0 passed, 1 failed")
        return 1
    alg = getattr(E.CryptographicAlgorithm, a.algorithm)
    length = 256 if a.algorithm == "AES" else 168
    state = {}

    def create():
        state["uid"] = c.create(alg, length, name=a.name,
                                cryptographic_usage_mask=[E.CryptographicUsageMask.ENCRYPT,
                                                          E.CryptographicUsageMask.DECRYPT])

    def get():
        key = c.get(state["uid"])
        assert len(key.value) == 32, "key length %d" % len(key.value)

    def locate():
        name = F.AttributeFactory().create_attribute(E.AttributeType.NAME, a.name)
        uids = c.locate(attributes=[name])
        assert state["uid"] in uids, "located %r" % (uids,)

    def activate():
        c.activate(state["uid"])

    def revoke():
        c.revoke(E.RevocationReasonCode.CESSATION_OF_OPERATION, state["uid"])

    def destroy():
        c.destroy(state["uid"])

    passed = 0
    for name, f in [("create", create), ("get", get), ("locate", locate),
                    ("activate", activate), ("revoke", revoke), ("destroy", destroy)]:
        try:
            f()
            print("PASS %s" % name)
            passed += 1
        except Exception as e:  # noqa: BLE001
            print("FAIL %s: %s" % (name, e))
            failed += 1
            break
    try:
        c.close()
    except Exception:  # noqa: BLE001
        pass
    print("%d passed, %d failed" % (passed, failed))
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
