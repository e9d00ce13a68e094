#!/usr/bin/env python3
"""PyKMIP client driver for `kmip-harness client-test --driver` (contract:
docs/client-drivers.md).

Reads the case named by KH_CASE_ID / KH_CASE_FILE and performs each step
with PyKMIP's own client API (kmip.services.kmip_client.KMIPProxy, the typed
layer under ProxyKmipClient): the operation and its parameters are taken
from the case, PyKMIP builds and encodes the request. No transcript bytes are
replayed. Identifiers come from the responses PyKMIP decoded ($UNIQUE_
IDENTIFIER_n bound on first use), as a real application would use them.

A batch of several items is sent as one request per item (KMIP Profiles
§4.1.2 permits it; the harness shows the mapping). Whatever PyKMIP 0.11
cannot express (KMIP > 2.0, operations or attributes its API lacks) ends
with `cannot express: step N: why` and exit 3.

Exit codes: 0 done, 1 the client reported an error (a result status other
than the recorded one, or an exception while decoding), 2 driver error,
3 cannot express. Run with the venv that has PyKMIP 0.11
(`DIR/venv/bin/python driver.py`); copy it as the pattern for your client.
"""
import datetime
import logging
import os
import sys
import time
import traceback
import warnings
import xml.etree.ElementTree as ET

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

try:
    from kmip.core import enums as E
    from kmip.core import objects as O
    from kmip.core import exceptions
    from kmip.core import primitives
    from kmip.core.messages.payloads import modify_attribute
    from kmip.core.factories import attributes as AF
    from kmip.services.kmip_client import KMIPProxy
except Exception as e:  # noqa: BLE001
    print("driver error: PyKMIP is not importable: %s" % e, file=sys.stderr)
    sys.exit(2)

VERSIONS = {
    "1.0": "KMIP_1_0", "1.1": "KMIP_1_1", "1.2": "KMIP_1_2", "1.3": "KMIP_1_3",
    "1.4": "KMIP_1_4", "2.0": "KMIP_2_0",
}


class CannotExpress(Exception):
    pass


class ClientError(Exception):
    pass


def camel_to_const(name):
    """'SymmetricKey' / 'Symmetric Key' -> 'SYMMETRIC_KEY'."""
    name = name.strip()
    if " " in name or "_" in name:
        return "_".join(name.replace("_", " ").split()).upper()
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and (not name[i - 1].isupper() or
                                       (i + 1 < len(name) and name[i + 1].islower())):
            out += "_"
        out += ch.upper()
    return out


# KMIP XML names whose PyKMIP constant is spelt differently.
ALIASES = {"DES3": "TRIPLE_DES", "PKCS_1": "PKCS1", "PKCS_8": "PKCS8"}


def enum_value(cls, text):
    if text.startswith("0x"):
        return cls(int(text, 16))
    const = camel_to_const(text)
    const = ALIASES.get(const, const)
    for cand in (const, const.replace("_", ""), text.upper()):
        if cand in cls.__members__:
            return cls[cand]
    raise CannotExpress("PyKMIP's %s has no %s" % (cls.__name__, text))


def child(el, tag):
    return el.find(tag) if el is not None else None


def children(el, tag):
    return el.findall(tag) if el is not None else []


class PayloadResult:
    """Result status of a KMIPProxy.send_request_payload call (which raises
    OperationFailure instead of returning a failed result)."""

    def __init__(self, status, message=None):
        self.result_status = primitives.Enumeration(E.ResultStatus, status, tag=E.Tags.RESULT_STATUS)
        self.result_message = primitives.TextString(message or "", tag=E.Tags.RESULT_MESSAGE)


def payload_call(c, operation, payload):
    try:
        c.send_request_payload(operation, payload)
        return PayloadResult(E.ResultStatus.SUCCESS)
    except exceptions.OperationFailure as e:
        return PayloadResult(e.status, str(e))


def kmip_version_of(c):
    return c.kmip_version


class Driver:
    def __init__(self, case_file):
        root = ET.parse(case_file).getroot()
        self.messages = []
        req = None
        for el in root:
            if el.tag == "RequestMessage":
                req = el
            elif el.tag == "ResponseMessage" and req is not None:
                self.messages.append((req, el))
                req = None
        if req is not None:
            self.messages.append((req, None))
        self.bound = {}
        self.af = AF.AttributeFactory()

    # -- values --------------------------------------------------------------
    def text(self, el, step):
        v = el.get("value", "")
        if v.startswith("$UNIQUE_IDENTIFIER") or v.startswith("$"):
            if v in self.bound:
                return self.bound[v]
            raise CannotExpress("step %d: value %s was never returned to the client" % (step, v))
        return v

    def attr_value(self, name, val_el, step):
        t = val_el.get("type")
        v = val_el.get("value", "")
        if name == "Name":
            return (self.text(child(val_el, "NameValue"), step),
                    enum_value(E.NameType, child(val_el, "NameType").get("value")))
        if name == "Cryptographic Usage Mask":
            if v.replace(" ", "").lstrip("-").isdigit():
                return int(v)
            return [enum_value(E.CryptographicUsageMask, m) for m in v.split()]
        if t == "Enumeration":
            cls = {
                "Cryptographic Algorithm": E.CryptographicAlgorithm,
                "Object Type": E.ObjectType,
                "State": E.State,
            }.get(name)
            if cls is None:
                raise CannotExpress("step %d: attribute %s (enumeration) is not mapped" % (step, name))
            return enum_value(cls, v)
        if t in ("Integer", "LongInteger"):
            return int(v, 0)
        if t == "TextString":
            return self.text(val_el, step)
        if t == "DateTime":
            return self.date(val_el, step)
        raise CannotExpress("step %d: attribute %s of type %s" % (step, name, t))

    def attribute(self, a, step):
        name = " ".join(child(a, "AttributeName").get("value", "").split())
        val = child(a, "AttributeValue")
        try:
            atype = E.AttributeType(name)
        except ValueError:
            raise CannotExpress("step %d: PyKMIP has no attribute %r" % (step, name))
        value = self.attr_value(name, val, step)
        if name == "Name":
            if value[1] != E.NameType.UNINTERPRETED_TEXT_STRING:
                raise CannotExpress("step %d: PyKMIP's attribute factory builds Names of type "
                                    "Uninterpreted Text String only, the case has %s" % (step, value[1].name))
            return self.af.create_attribute(atype, value[0])
        try:
            return self.af.create_attribute(atype, value)
        except NotImplementedError as e:
            raise CannotExpress("step %d: PyKMIP cannot build attribute %s (%s)" % (step, name, e or "NotImplementedError"))

    def template(self, el, step, cls=O.TemplateAttribute):
        if el is None:
            return None
        if children(el, "Name"):
            raise CannotExpress("step %d: template by Name reference" % step)
        return cls(attributes=[self.attribute(a, step) for a in children(el, "Attribute")])

    def date(self, el, step):
        """Epoch seconds of a DateTime value (`$NOW±n` = the client's now)."""
        v = el.get("value", "")
        if v.startswith("$NOW"):
            off = v[4:]
            return int(time.time()) + (int(off) if off else 0)
        try:
            return int(datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp())
        except ValueError:
            raise CannotExpress("step %d: date %r" % (step, v))

    # -- binding ---------------------------------------------------------------
    def bind(self, resp_item, result):
        if resp_item is None:
            return
        payload = child(resp_item, "ResponsePayload")
        for tag, attrs in (("UniqueIdentifier", ("uuid", "unique_identifier")),
                           ("PrivateKeyUniqueIdentifier", ("private_key_uuid",)),
                           ("PublicKeyUniqueIdentifier", ("public_key_uuid",))):
            el = child(payload, tag)
            if el is None:
                continue
            ph = el.get("value", "")
            if ph.startswith("$") and ph not in self.bound:
                for a in attrs:
                    v = getattr(result, a, None)
                    if v is not None:
                        self.bound[ph] = getattr(v, "value", v)
                        break
        # Locate: identifiers in order.
        uids = [u.get("value", "") for u in children(payload, "UniqueIdentifier")]
        if len(uids) > 1:
            got = getattr(result, "uuids", None) or []
            for ph, v in zip(uids, got):
                if ph.startswith("$") and ph not in self.bound:
                    self.bound[ph] = v

    # -- operations ------------------------------------------------------------
    def perform(self, c, item, step):
        op = child(item, "Operation").get("value")
        p = child(item, "RequestPayload")
        uid = child(p, "UniqueIdentifier")
        uid = self.text(uid, step) if uid is not None else None
        if op == "Create":
            ot = enum_value(E.ObjectType, child(p, "ObjectType").get("value"))
            return c.create(ot, self.template(child(p, "TemplateAttribute"), step))
        if op == "CreateKeyPair":
            return c.create_key_pair(
                common_template_attribute=self.template(
                    child(p, "CommonTemplateAttribute"), step, O.CommonTemplateAttribute),
                private_key_template_attribute=self.template(
                    child(p, "PrivateKeyTemplateAttribute"), step, O.PrivateKeyTemplateAttribute),
                public_key_template_attribute=self.template(
                    child(p, "PublicKeyTemplateAttribute"), step, O.PublicKeyTemplateAttribute))
        if op == "Get":
            if len(list(p)) > 1:
                kft = child(p, "KeyFormatType")
                if kft is None or len(list(p)) > 2:
                    raise CannotExpress("step %d: Get with key wrapping / compression options" % step)
                return c.get(uid, key_format_type=O.KeyFormatType(enum_value(E.KeyFormatType, kft.get("value"))))
            return c.get(uid)
        if op == "GetAttributes":
            names = [" ".join(n.get("value", "").split()) for n in children(p, "AttributeName")]
            return c.get_attributes(uid, names or None)
        if op == "GetAttributeList":
            return c.get_attribute_list(uid)
        if op == "Activate":
            return c.activate(uid)
        if op == "Destroy":
            return c.destroy(uid)
        if op == "Revoke":
            rr = child(p, "RevocationReason")
            code = enum_value(E.RevocationReasonCode, child(rr, "RevocationReasonCode").get("value"))
            msg = child(rr, "RevocationMessage")
            cod = child(p, "CompromiseOccurrenceDate")
            if cod is not None:
                cod = primitives.DateTime(value=self.date(cod, step),
                                          tag=E.Tags.COMPROMISE_OCCURRENCE_DATE)
            return c.revoke(code, uid, msg.get("value") if msg is not None else None,
                            compromise_occurrence_date=cod)
        if op == "Locate":
            extra = [e.tag for e in p if e.tag != "Attribute"]
            if extra:
                raise CannotExpress("step %d: Locate with %s" % (step, ", ".join(extra)))
            return c.locate(attributes=[self.attribute(a, step) for a in children(p, "Attribute")])
        if op == "Query":
            fns = [enum_value(E.QueryFunction, q.get("value")) for q in children(p, "QueryFunction")]
            return c.query(query_functions=fns)
        if op == "DiscoverVersions":
            vs = []
            for pv in children(p, "ProtocolVersion"):
                from kmip.core.messages.contents import ProtocolVersion
                vs.append(ProtocolVersion(int(child(pv, "ProtocolVersionMajor").get("value")),
                                          int(child(pv, "ProtocolVersionMinor").get("value"))))
            return c.discover_versions(protocol_versions=vs or None)
        if op == "ModifyAttribute":
            if kmip_version_of(c) >= E.KMIPVersion.KMIP_2_0:
                raise CannotExpress("step %d: ModifyAttribute in KMIP 2.0 form" % step)
            a = child(p, "Attribute")
            payload = modify_attribute.ModifyAttributeRequestPayload(
                unique_identifier=uid, attribute=self.attribute(a, step))
            return payload_call(c, E.Operation.MODIFY_ATTRIBUTE, payload)
        if op == "AddAttribute":
            raise CannotExpress("step %d: PyKMIP 0.11 has no Add Attribute (no client method, "
                                "no request payload class)" % step)
        raise CannotExpress("step %d: the driver maps no PyKMIP call for %s" % (step, op))

    def run(self, c):
        for i, (req, resp) in enumerate(self.messages):
            step = i + 1
            items = children(req, "BatchItem")
            resp_items = children(resp, "BatchItem") if resp is not None else []
            for j, item in enumerate(items):
                if child(item, "Operation").get("value") in ("Interop",):
                    continue  # optional outside formal interops
                try:
                    result = self.perform(c, item, step)
                except CannotExpress as e:
                    if str(e).startswith("step "):
                        raise
                    raise CannotExpress("step %d: %s" % (step, e))
                expected = resp_items[j] if j < len(resp_items) else None
                want = child(expected, "ResultStatus").get("value") if expected is not None else "Success"
                got = getattr(getattr(result, "result_status", None), "value", None)
                got_name = got.name if got is not None else "?"
                if camel_to_const(want) != got_name:
                    msg = getattr(getattr(result, "result_message", None), "value", None)
                    raise ClientError("step %d: %s: result %s (%s), the case expects %s"
                                      % (step, child(item, "Operation").get("value"), got_name, msg, want))
                self.bind(expected, result)
                print("PASS step %d item %d %s" % (step, j + 1, child(item, "Operation").get("value")))
                sys.stdout.flush()


def main():
    env = os.environ
    try:
        case_file, version = env["KH_CASE_FILE"], env["KH_PROTOCOL_VERSION"]
        host, port = env["KH_HOST"], int(env["KH_PORT"])
        enc, transport = env.get("KH_ENCODING", "ttlv"), env.get("KH_TRANSPORT", "tls")
    except (KeyError, ValueError) as e:
        print("driver error: environment: %s" % e, file=sys.stderr)
        return 2
    if enc != "ttlv" or transport != "tls":
        print("cannot express: step 1: PyKMIP's client speaks TTLV over TLS only, not %s over %s" % (enc, transport))
        return 3
    if version not in VERSIONS:
        print("cannot express: step 1: PyKMIP 0.11 speaks KMIP 1.0-2.0, the case is KMIP %s" % version)
        return 3
    try:
        d = Driver(case_file)
    except Exception as e:  # noqa: BLE001
        print("driver error: reading %s: %s" % (case_file, e), file=sys.stderr)
        return 2
    c = KMIPProxy(host=host, port=port, certfile=env.get("KH_CERT") or None,
                  keyfile=env.get("KH_KEY") or None, ca_certs=env.get("KH_CA") or None,
                  cert_reqs="CERT_REQUIRED",
                  config_file="/dev/null", timeout=15,
                  kmip_version=getattr(E.KMIPVersion, VERSIONS[version]))
    try:
        c.open()
    except Exception as e:  # noqa: BLE001
        print("client error: connect: %s" % e, file=sys.stderr)
        return 1
    code = 0
    try:
        d.run(c)
    except CannotExpress as e:
        print("cannot express: %s" % e)
        code = 3
    except ClientError as e:
        print("client error: %s" % e, file=sys.stderr)
        code = 1
    except Exception as e:  # noqa: BLE001  PyKMIP raised while encoding/decoding
        traceback.print_exc(limit=4)
        print("client error: PyKMIP raised %s: %s" % (type(e).__name__, e), file=sys.stderr)
        code = 1
    try:
        c.close()
    except Exception:  # noqa: BLE001
        pass
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
